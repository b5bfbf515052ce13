/*
 * batch.h - many documents converted in parallel (--batch, --output-dir),
 * and the slice of them this run takes (--shard).
 */
#ifndef GALLEY_CLI_BATCH_H
#define GALLEY_CLI_BATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "galley/sys/format.h"

typedef struct batch_config {
	const char *manifest;   /* --batch FILE ("-": standard input) */
	const char *output_dir; /* --output-dir DIR */
	unsigned jobs;          /* -j N; 0: one per processor */
	unsigned shard, shards; /* --shard K/N, 1 <= K <= N; 0/0 for all */
} batch_config;

/* What the command line gives every document. */
typedef struct batch_inputs {
	const char *from, *to;
	char **paths; /* INPUT arguments */
	size_t count;
	const galley_options *opts;
	const char *metadata_file;
	bool quiet;
} batch_inputs;

/* Takes one batch option (by its long name); -1 when taken, else an exit code. */
int batch_option(batch_config *b, const char *name, const char *arg);

/* True when the command line asks for a batch rather than one output. */
bool batch_requested(const batch_config *b);

/* Converts every document; the exit code: 0, 1 when any failed, 2 for a usage error. */
int batch_run(const batch_config *b, const batch_inputs *in);

#endif
