/*
 * registry.c - the formats compiled into the library.
 *
 * Adding a format: a folder formats/NAME/ defining `galley_format_NAME`, and
 * one line in each list below. A program adds its own formats with
 * galley_format_register(); they come after the compiled-in ones.
 */
#include <string.h>
#include <strings.h>

#include "internal.h"

extern const galley_format galley_format_markdown;
extern const galley_format galley_format_gfm;
extern const galley_format galley_format_commonmark;
extern const galley_format galley_format_text;
extern const galley_format galley_format_html;
extern const galley_format galley_format_json;
extern const galley_format galley_format_docbook;
extern const galley_format galley_format_epub;
extern const galley_format galley_format_pdf;

static const galley_format *const formats[] = {
    &galley_format_markdown,   &galley_format_gfm,
    &galley_format_commonmark, &galley_format_text,
    &galley_format_html,       &galley_format_json,
    &galley_format_docbook,    &galley_format_epub,
    &galley_format_pdf,        NULL,
};

#define BUILTIN_COUNT (sizeof(formats) / sizeof(formats[0]) - 1)
#define MAX_REGISTERED 64

/* Registered formats: set up before converting, read by any thread after. */
static const galley_format *registered[MAX_REGISTERED];
static size_t nregistered;

size_t galley_format_count(void) { return BUILTIN_COUNT + nregistered; }

const galley_format *galley_format_at(size_t i)
{
	if (i < BUILTIN_COUNT)
		return formats[i];
	return i - BUILTIN_COUNT < nregistered ? registered[i - BUILTIN_COUNT] : NULL;
}

static const galley_format *find_exact(const char *name)
{
	for (size_t i = 0; i < galley_format_count(); i++)
		if (strcasecmp(galley_format_at(i)->name, name) == 0)
			return galley_format_at(i);
	return NULL;
}

/* Alternative names for the compiled-in formats. */
static const struct {
	const char *alias, *name;
} aliases[] = {{"md", "markdown"}, {"txt", "text"},         {"plain", "text"},  {"html5", "html"},
               {"xhtml", "html"},  {"docbook5", "docbook"}, {"dbk", "docbook"}, {"epub3", "epub"}};

const galley_format *galley_format_find(const char *name)
{
	if (!name)
		return NULL;
	const galley_format *f = find_exact(name);
	for (size_t i = 0; !f && i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcasecmp(name, aliases[i].alias) == 0)
			f = find_exact(aliases[i].name);
	return f;
}

static bool has_extension(const char *const *exts, const char *ext)
{
	for (; exts && *exts; exts++)
		if (strcasecmp(*exts, ext) == 0)
			return true;
	return false;
}

const galley_format *galley_format_for_path(const char *path, bool for_writing)
{
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(slash ? slash + 1 : path, '.');
	if (!dot || !dot[1])
		return NULL;
	for (size_t i = 0; i < galley_format_count(); i++) {
		const galley_format *f = galley_format_at(i);
		if (has_extension(for_writing ? f->write_extensions : f->read_extensions, dot + 1))
			return f;
	}
	return NULL;
}

int galley_format_register(const galley_format *fmt, galley_error *err)
{
	galley_error_clear(err);
	if (!fmt || !fmt->name || !*fmt->name || (!fmt->read && !fmt->write))
		return galley_error_set(err, GALLEY_EUSAGE, NULL, 0, 0,
		                        "a format needs a name and a read or a write function");
	if (galley_format_find(fmt->name))
		return galley_error_set(err, GALLEY_EUSAGE, NULL, 0, 0,
		                        "there is a format named '%s' already", fmt->name);
	if (nregistered == MAX_REGISTERED)
		return galley_error_set(err, GALLEY_EUNSUPPORTED, NULL, 0, 0,
		                        "more than %d formats registered", MAX_REGISTERED);
	registered[nregistered++] = fmt;
	return 0;
}

const char *galley_format_name(const galley_format *f) { return f->name; }
const char *galley_format_description(const galley_format *f) { return f->description; }
const char *galley_format_mime_type(const galley_format *f) { return f->mime_type; }
bool galley_format_can_read(const galley_format *f) { return f->read != NULL; }
bool galley_format_can_write(const galley_format *f) { return f->write != NULL; }
bool galley_format_is_binary(const galley_format *f) { return (f->features & GALLEY_FORMAT_BINARY) != 0; }

const galley_param_spec *galley_format_params(const galley_format *f)
{
	static const galley_param_spec none[] = {{NULL, NULL, NULL}};
	return f->params ? f->params : none;
}
