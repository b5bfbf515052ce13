/*
 * internal.h - the library's helpers shared by src/ and the in-tree formats.
 * The model's layout is in model_private.h, for the library and the readers
 * only: writers read the model through galley/model.h's accessors.
 */
#ifndef GALLEY_INTERNAL_H
#define GALLEY_INTERNAL_H

#include <stdint.h>
#include <time.h>

#include "arena.h"
#include "galley/sys/format.h"

/** Calls opts->diag with a preformatted message. */
void galley_report_v(const galley_options *opts, galley_severity sev, unsigned line, unsigned col,
                     const char *fmt, va_list ap);

/** Runs the reader `fmt` into the empty `doc` and checks the result's depth; no metadata, no finishing. */
int galley_read_part(const galley_format *fmt, galley_doc *doc, const char *data, size_t len,
                     const galley_options *opts, galley_error *err);

/** Reads a whole file into a NUL-terminated buffer (*data, freed by the caller). */
int galley_read_all(const char *path, char **data, size_t *len, galley_error *err);

/** Sets up, once per process, the libraries that need it before threads use them (libxml2). */
void galley_library_init(void);

/* What a writer's messages go through for a book: its lines are mapped back to their files. */
typedef struct galley_book_diag {
	const galley_doc *doc;
	const galley_options *outer;
} galley_book_diag;

/**
 * For a document read from several files: fills `copy` with `opts` whose
 * messages name the right file, and returns it; else returns `opts`.
 */
const galley_options *galley_book_options(const galley_doc *doc, const galley_options *opts,
                                          galley_options *copy, galley_book_diag *ctx);

/** Maps err's line (a book's numbering) to its file and line there. */
void galley_book_locate(const galley_doc *doc, galley_error *err);

/** True when the real path `path` lies in the folder of one of the document's files. */
bool galley_book_allows(const galley_doc *doc, const char *path);

/** GALLEY_EUSAGE, with `err` set, when `opts` has a version this library does not know. */
int galley_options_check_version(const galley_options *opts, galley_error *err);

/** Applies opts->metadata (-M key=value) to the document. */
int galley_doc_apply_metadata(galley_doc *doc, const galley_options *opts, galley_error *err);
/*
 * The time the outputs of `doc` carry (stamp.c): SOURCE_DATE_EPOCH, else the
 * document's date, else 1980-01-01; never the clock, so that output is
 * reproducible. A malformed SOURCE_DATE_EPOCH is warned about and ignored.
 */
time_t galley_doc_stamp(const galley_doc *doc, const galley_options *opts);

/**
 * Appends `len` bytes of `data` to `out` with each invalid UTF-8 sequence
 * replaced by U+FFFD. 0, or GALLEY_ENOMEM.
 */
int galley_utf8_repair(galley_buf *out, const char *data, size_t len);

/** Makes a heading id from text into `out` (arena); NULL on no memory. */
char *galley_slugify(galley_doc *doc, const char *text, size_t len);

#endif
