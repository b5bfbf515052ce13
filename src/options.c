/*
 * options.c - looking format parameters up, and checking options before
 * any input is read.
 */
#include <string.h>

#include "internal.h"

const char *galley_options_param(const galley_options *opts, const char *name)
{
	if (!opts || !name)
		return NULL;
	for (size_t i = opts->param_count; i-- > 0;)
		if (opts->params[i].name && strcmp(opts->params[i].name, name) == 0)
			return opts->params[i].value;
	return NULL;
}

/*
 * As libgit2 does: a caller built against a newer header than the library
 * knows, or one that never set the version (a zeroed struct), is told so
 * instead of having its fields read with the wrong layout.
 */
int galley_options_check_version(const galley_options *opts, galley_error *err)
{
	if (!opts || (opts->version >= 1 && opts->version <= GALLEY_OPTIONS_VERSION))
		return 0;
	return galley_error_set(err, GALLEY_EUSAGE, NULL, 0, 0,
	                        "galley_options version %u is not one this library knows (1 to %d); "
	                        "declare the options with GALLEY_OPTIONS_INIT",
	                        opts->version, GALLEY_OPTIONS_VERSION);
}

bool galley_format_takes(const galley_format *fmt, const char *param)
{
	if (!fmt || !param)
		return false;
	for (const galley_param_spec *s = galley_format_params(fmt); s->name; s++)
		if (strcmp(s->name, param) == 0)
			return true;
	return false;
}

static bool some_format_takes(const char *param)
{
	for (size_t i = 0; i < galley_format_count(); i++)
		if (galley_format_takes(galley_format_at(i), param))
			return true;
	return false;
}

static int check_side(const char *name, bool writing, const galley_format **fmt, galley_error *err)
{
	*fmt = NULL;
	if (!name)
		return 0;
	*fmt = galley_format_find(name);
	if (!*fmt || !(writing ? galley_format_can_write(*fmt) : galley_format_can_read(*fmt)))
		return galley_error_set(err, GALLEY_EUSAGE, NULL, 0, 0, "'%s' is not a format galley can %s",
		                        name, writing ? "write" : "read");
	return 0;
}

int galley_options_check(const galley_options *opts, const char *from, const char *to, galley_error *err)
{
	const galley_format *in, *out;
	int rc;

	galley_error_clear(err);
	if ((rc = galley_options_check_version(opts, err)) != 0 ||
	    (rc = check_side(from, false, &in, err)) != 0 || (rc = check_side(to, true, &out, err)) != 0)
		return rc;
	for (size_t i = 0; opts && i < opts->param_count; i++) {
		const char *name = opts->params[i].name;
		if (!name || !some_format_takes(name))
			return galley_error_set(err, GALLEY_EUSAGE, NULL, 0, 0,
			                        "no format takes a parameter '%s'", name ? name : "(null)");
	}
	if (in && in->check && (rc = in->check(opts, err)) != 0)
		return rc;
	if (out && out->check && (rc = out->check(opts, err)) != 0)
		return rc;
	return 0;
}
