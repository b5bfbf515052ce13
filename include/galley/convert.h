/*
 * galley/convert.h - options, reading, writing and the format registry.
 */
#ifndef GALLEY_CONVERT_H
#define GALLEY_CONVERT_H

#include <stdbool.h>
#include <stddef.h>

#include "common.h"
#include "model.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Flags in galley_options.flags. */
enum {
	GALLEY_OPT_NO_SMART = 1u << 0,              /**< keep straight quotes, -- and ... */
	GALLEY_OPT_NO_TITLE_FROM_HEADING = 1u << 1, /**< never take the title from a first h1 */
	GALLEY_OPT_FRAGMENT = 1u << 2,              /**< writers: body content only */
	GALLEY_OPT_VERBOSE = 1u << 3                /**< readers: explain decisions as notes */
};

/** A name and value pair; neither is copied by the library. */
typedef struct galley_param {
	const char *name;
	const char *value;
} galley_param;

/**
 * Options for reading and writing. Declare with GALLEY_OPTIONS_INIT so that
 * fields added later get their defaults. Nothing in it is owned or freed by
 * the library; it must outlive the calls it is passed to.
 */
typedef struct galley_options {
	unsigned version;
	unsigned flags;
	/** name of the input for messages ("-" or NULL for none) */
	const char *source_name;
	/** folders images may also be read from, colon-separated ("a:b"); NULL: the input's folder only */
	const char *resource_path;
	/** receives warnings and notes; NULL drops them */
	galley_diag_fn diag;
	void *diag_data;
	/** format parameters, such as {"paper", "a5"}; see galley_format_params() */
	const galley_param *params;
	size_t param_count;
	/** metadata set from outside (-M key=value); overrides the input's */
	const galley_param *metadata;
	size_t metadata_count;
} galley_options;

#define GALLEY_OPTIONS_VERSION 1
#define GALLEY_OPTIONS_INIT {GALLEY_OPTIONS_VERSION, 0, NULL, NULL, NULL, NULL, NULL, 0, NULL, 0}

/** A format parameter's value, or NULL when not given. */
GALLEY_EXTERN const char *galley_options_param(const galley_options *opts, const char *name);

/* ---- the registry ------------------------------------------------- */

typedef struct galley_format galley_format;

/** Number of formats (compiled in, then registered), and the i-th of them. */
GALLEY_EXTERN size_t galley_format_count(void);
GALLEY_EXTERN const galley_format *galley_format_at(size_t i);
/** Looks a format up by name ("markdown", "html", ...); NULL if unknown. */
GALLEY_EXTERN const galley_format *galley_format_find(const char *name);
/** The format a file name's extension implies, for reading or for writing; NULL if none. */
GALLEY_EXTERN const galley_format *galley_format_for_path(const char *path, bool for_writing);

GALLEY_EXTERN const char *galley_format_name(const galley_format *fmt);
GALLEY_EXTERN const char *galley_format_description(const galley_format *fmt);
GALLEY_EXTERN const char *galley_format_mime_type(const galley_format *fmt);
GALLEY_EXTERN bool galley_format_can_read(const galley_format *fmt);
GALLEY_EXTERN bool galley_format_can_write(const galley_format *fmt);
/** True when the output is binary (PDF, EPUB) and is not for a terminal. */
GALLEY_EXTERN bool galley_format_is_binary(const galley_format *fmt);
/** True when `fmt` takes the parameter `param` ("paper", "split-level", ...). */
GALLEY_EXTERN bool galley_format_takes(const galley_format *fmt, const char *param);

/**
 * Checks options before any input is read: that `opts` was made with
 * GALLEY_OPTIONS_INIT of a version this library knows, that `from` is a
 * format it reads and `to` one it writes (either may be NULL), that every
 * parameter is one some format takes, and the values of the parameters
 * those two formats take. A parameter that only other formats take is not
 * an error (it is ignored; galley_format_takes() tells). 0, or
 * GALLEY_EUSAGE with `err` saying what is wrong (GALLEY_EINPUT when a file
 * a parameter names cannot be read).
 */
GALLEY_EXTERN int galley_options_check(const galley_options *opts, const char *from, const char *to,
                                       galley_error *err);

/* ---- reading and writing ------------------------------------------ */

/**
 * Reads `len` bytes in format `from` into a new document (*out, freed by the
 * caller with galley_doc_free). On failure *out is NULL and `err` says why.
 */
GALLEY_EXTERN int galley_read(const char *from, const char *data, size_t len, const galley_options *opts,
                              galley_doc **out, galley_error *err);

/**
 * Reads a file; `from` NULL infers the format from the extension. The
 * document's base folder becomes the file's folder.
 */
GALLEY_EXTERN int galley_read_file(const char *from, const char *path, const galley_options *opts,
                                   galley_doc **out, galley_error *err);

/**
 * Writes `doc` in format `to` into a new buffer (*out, freed by the caller with
 * galley_free; *len its size). A text format's buffer is NUL-terminated past *len.
 */
GALLEY_EXTERN int galley_write(const galley_doc *doc, const char *to, const galley_options *opts,
                               unsigned char **out, size_t *len, galley_error *err);

/**
 * Writes `doc` in format `to` through `sink`, in pieces of about 64 KB as
 * the writer goes (the whole of it at once for formats built in memory, such
 * as EPUB and PDF), so that a long document's output is never held whole. A
 * nonzero return from the sink stops the writer with GALLEY_EOUTPUT. On
 * failure part of the output may have reached the sink already.
 */
GALLEY_EXTERN int galley_write_stream(const galley_doc *doc, const char *to, const galley_options *opts,
                                      galley_sink sink, void *ctx, galley_error *err);

/**
 * Writes `doc` to `path` atomically: the writer's output is streamed into a
 * temporary file beside it (with no name until it is whole, where the file
 * system allows), which is then renamed over it. A symbolic link is
 * followed: the file it points to is replaced, the link stays. A device or
 * pipe is written directly. On failure nothing is left at `path` (an
 * existing file is untouched). `to` NULL infers the format from the
 * extension. SIGINT, SIGTERM and SIGHUP wait during the rename.
 */
GALLEY_EXTERN int galley_write_file(const galley_doc *doc, const char *to, const char *path,
                                    const galley_options *opts, galley_error *err);

/**
 * Saves `len` bytes to `path` atomically (temporary file beside it, flushed,
 * then renamed). On failure nothing is left behind and `err` says why.
 */
GALLEY_EXTERN int galley_save_file(const char *path, const void *data, size_t len, galley_error *err);

#ifdef __cplusplus
}
#endif
#endif
