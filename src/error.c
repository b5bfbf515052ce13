/* error.c - error objects, diagnostics, and the version. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void galley_error_clear(galley_error *err)
{
	if (!err)
		return;
	err->code = 0;
	err->file = NULL;
	err->line = err->column = 0;
	err->message[0] = '\0';
}

const char *galley_strerror(int code)
{
	switch (code) {
	case GALLEY_OK:
		return "success";
	case GALLEY_EINPUT:
		return "bad input";
	case GALLEY_EUSAGE:
		return "bad usage";
	case GALLEY_EOUTPUT:
		return "cannot write output";
	case GALLEY_ENOMEM:
		return "out of memory";
	case GALLEY_EUNSUPPORTED:
		return "not supported";
	default:
		return "internal error";
	}
}

int galley_error_set(galley_error *err, int code, const galley_options *opts, unsigned line, unsigned column,
                     const char *fmt, ...)
{
	if (!err)
		return code;
	va_list ap;
	err->code = code;
	err->file = opts ? opts->source_name : NULL;
	err->line = line;
	err->column = column;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return code;
}

void galley_report_v(const galley_options *opts, galley_severity sev, unsigned line, unsigned col,
                     const char *fmt, va_list ap)
{
	char msg[1024];
	if (!opts || !opts->diag)
		return;
	if (sev == GALLEY_NOTE && !(opts->flags & GALLEY_OPT_VERBOSE))
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	galley_diag d = {sev, opts->source_name, line, col, msg};
	opts->diag(&d, opts->diag_data);
}

void galley_report(const galley_options *opts, galley_severity sev, unsigned line, unsigned col,
                   const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	galley_report_v(opts, sev, line, col, fmt, ap);
	va_end(ap);
}

void galley_free(void *ptr) { free(ptr); }

const char *galley_version(void) { return GALLEY_VERSION; }
