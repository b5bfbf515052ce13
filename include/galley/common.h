/*
 * galley/common.h - version, error codes, error object and diagnostics.
 */
#ifndef GALLEY_COMMON_H
#define GALLEY_COMMON_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(GALLEY_BUILDING) && defined(__GNUC__)
#define GALLEY_EXTERN __attribute__((visibility("default")))
#else
#define GALLEY_EXTERN
#endif

#define GALLEY_VERSION_MAJOR 0
#define GALLEY_VERSION_MINOR 1
#define GALLEY_VERSION_PATCH 0
#define GALLEY_VERSION "0.1.0"

/** Return codes: 0 on success, a negative code on failure. */
typedef enum galley_status {
	GALLEY_OK = 0,
	GALLEY_EINPUT = -1,       /**< the input is malformed or unreadable */
	GALLEY_EUSAGE = -2,       /**< bad option, unknown format, bad call */
	GALLEY_EOUTPUT = -3,      /**< the output could not be written */
	GALLEY_ENOMEM = -4,       /**< out of memory */
	GALLEY_EUNSUPPORTED = -5, /**< the format cannot do this */
	GALLEY_EINTERNAL = -6     /**< a library the format relies on failed */
} galley_status;

/**
 * What went wrong. Filled by every function that takes one; `line` and
 * `column` are 1-based and 0 when the input is not at fault. `file` points
 * at the source name given in the options (not owned, may be NULL).
 */
typedef struct galley_error {
	int code;
	const char *file;
	unsigned line;
	unsigned column;
	char message[1024];
} galley_error;

/** Resets `err` to "no error". */
GALLEY_EXTERN void galley_error_clear(galley_error *err);

/** A static English phrase for a status code. Not to be freed. */
GALLEY_EXTERN const char *galley_strerror(int code);

typedef enum galley_severity {
	GALLEY_NOTE = 0,    /**< explanation, shown with --verbose */
	GALLEY_WARNING = 1, /**< the output is made, something was dropped or guessed */
	GALLEY_ERROR = 2
} galley_severity;

/** One message about the input; all pointers valid only during the call. */
typedef struct galley_diag {
	galley_severity severity;
	const char *file;
	unsigned line;
	unsigned column;
	const char *message;
} galley_diag;

typedef void (*galley_diag_fn)(const galley_diag *diag, void *data);

/** Receives a writer's output in pieces; returns 0 when taken, nonzero to stop the writer. */
typedef int (*galley_sink)(void *ctx, const void *data, size_t len);

/** Frees memory the library handed to the caller (write buffers). */
GALLEY_EXTERN void galley_free(void *ptr);

/** The library's version string, "MAJOR.MINOR.PATCH". Static. */
GALLEY_EXTERN const char *galley_version(void);

#ifdef __cplusplus
}
#endif
#endif
