/*
 * galley/sys/format.h - for authors of readers and writers.
 *
 * A format is one constant struct: its name, the file extensions and MIME
 * type it owns, feature bits, the parameters it takes, and a read and/or a
 * write function. The registry (src/registry.c) lists the compiled-in ones;
 * a program adds its own with galley_format_register().
 */
#ifndef GALLEY_SYS_FORMAT_H
#define GALLEY_SYS_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

#include "../galley.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * An owning, growable byte buffer; always NUL-terminated past len once
 * allocated. With a sink it holds at most about GALLEY_BUF_SPILL bytes: once
 * it has that many, the next growth hands them to the sink and starts again
 * empty, so a writer streams without knowing it. Writers append (and may
 * write at data + len after galley_buf_grow); they never look back.
 */
typedef struct galley_buf {
	unsigned char *data;
	size_t len;
	size_t cap;
	int failed;       /**< set once an allocation (or the sink) failed; later appends do nothing */
	galley_sink sink; /**< NULL: keep everything */
	void *sink_ctx;
} galley_buf;

#define GALLEY_BUF_INIT                                                                                      \
	{                                                                                                    \
		NULL, 0, 0, 0, NULL, NULL                                                                    \
	}
#define GALLEY_BUF_SPILL 65536

GALLEY_EXTERN int galley_buf_grow(galley_buf *buf, size_t extra);
GALLEY_EXTERN int galley_buf_put(galley_buf *buf, const void *data, size_t len);
GALLEY_EXTERN int galley_buf_puts(galley_buf *buf, const char *str);
GALLEY_EXTERN int galley_buf_putc(galley_buf *buf, int c);
GALLEY_EXTERN int galley_buf_printf(galley_buf *buf, const char *fmt, ...)
#ifdef __GNUC__
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/** Hands the bytes to the caller (free with galley_free) and empties the buffer. */
GALLEY_EXTERN unsigned char *galley_buf_detach(galley_buf *buf, size_t *len);
GALLEY_EXTERN void galley_buf_free(galley_buf *buf);

/** Feature bits of a format. */
enum {
	GALLEY_FORMAT_BINARY = 1u << 0,  /**< output is not text */
	GALLEY_FORMAT_XML = 1u << 1,     /**< output is XML */
	GALLEY_FORMAT_FRAGMENT = 1u << 2 /**< honours GALLEY_OPT_FRAGMENT */
};

/** A command-line parameter a format takes: --NAME ARG (or a flag when arg is NULL). */
typedef struct galley_param_spec {
	const char *name;
	const char *arg;
	const char *help;
} galley_param_spec;

struct galley_format {
	const char *name;
	const char *description;
	const char *const *read_extensions;  /**< NULL-terminated, no dot */
	const char *const *write_extensions; /**< NULL-terminated, no dot */
	const char *mime_type;
	unsigned features;
	const galley_param_spec *params; /**< ends with {NULL} */
	/** Fills the empty `doc` from `data` (any bytes, not NUL-terminated). */
	int (*read)(galley_doc *doc, const char *data, size_t len, const galley_options *opts,
	            galley_error *err);
	/** Appends the rendering of `doc` to `out`. */
	int (*write)(const galley_doc *doc, galley_buf *out, const galley_options *opts, galley_error *err);
	/**
	 * Checks the values of the parameters the format takes (opts->params)
	 * before any input is read: sets `err` and returns GALLEY_EUSAGE for a
	 * value it would refuse. NULL: every value is taken.
	 */
	int (*check)(const galley_options *opts, galley_error *err);
};

/**
 * Adds a format to the registry, after the compiled-in ones: from then on
 * galley_format_find(), galley_format_for_path() and the read and write
 * calls know it. `fmt` is not copied and must outlive its use (a static
 * constant). Register before converting: registration is not safe while
 * another thread looks formats up. GALLEY_EUSAGE when the name is taken or
 * the format has neither a read nor a write function.
 */
GALLEY_EXTERN int galley_format_register(const galley_format *fmt, galley_error *err);

/** Parameters a format takes (for --help and option parsing); ends with {NULL}. */
GALLEY_EXTERN const galley_param_spec *galley_format_params(const galley_format *fmt);

/** Sets `err` (may be NULL) and returns `code`. */
GALLEY_EXTERN int galley_error_set(galley_error *err, int code, const galley_options *opts, unsigned line,
                                   unsigned column, const char *fmt, ...)
#ifdef __GNUC__
    __attribute__((format(printf, 6, 7)))
#endif
    ;

/** Reports a warning or note at a source position (0 = none) to opts->diag. */
GALLEY_EXTERN void galley_report(const galley_options *opts, galley_severity severity, unsigned line,
                                 unsigned column, const char *fmt, ...)
#ifdef __GNUC__
    __attribute__((format(printf, 5, 6)))
#endif
    ;

/** Sets the document's base folder for resources (copied). */
GALLEY_EXTERN int galley_doc_set_base_dir(galley_doc *doc, const char *dir);

/** Copies `len` bytes into the document's arena, NUL-terminated. NULL if out of memory. */
GALLEY_EXTERN char *galley_doc_strdup(galley_doc *doc, const char *str, size_t len);

/**
 * Checks that `data` is UTF-8. Returns the offset of the first bad byte, or
 * (size_t)-1 when all of it is valid.
 */
GALLEY_EXTERN size_t galley_utf8_check(const char *data, size_t len);

#ifdef __cplusplus
}
#endif
#endif
