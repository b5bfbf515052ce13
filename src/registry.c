/*
 * registry.c - the formats compiled into the library.
 *
 * Adding a format: a folder formats/NAME/ defining `galley_format_NAME`, and
 * one line in each list below.
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
    &galley_format_markdown,
    &galley_format_gfm,
    &galley_format_commonmark,
    &galley_format_text,
    &galley_format_html,
    &galley_format_json,
    &galley_format_docbook,
    &galley_format_epub,
    &galley_format_pdf,
    NULL,
};

size_t galley_format_count(void) { return sizeof(formats) / sizeof(formats[0]) - 1; }

const galley_format *galley_format_at(size_t i) { return i < galley_format_count() ? formats[i] : NULL; }

const galley_format *galley_format_find(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; formats[i]; i++)
		if (strcasecmp(formats[i]->name, name) == 0)
			return formats[i];
	/* common alternative names */
	if (strcasecmp(name, "md") == 0)
		return galley_format_find("markdown");
	if (strcasecmp(name, "txt") == 0 || strcasecmp(name, "plain") == 0)
		return galley_format_find("text");
	if (strcasecmp(name, "html5") == 0 || strcasecmp(name, "xhtml") == 0)
		return galley_format_find("html");
	if (strcasecmp(name, "docbook5") == 0 || strcasecmp(name, "dbk") == 0)
		return galley_format_find("docbook");
	if (strcasecmp(name, "epub3") == 0)
		return galley_format_find("epub");
	return NULL;
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
	for (size_t i = 0; formats[i]; i++) {
		const galley_format *f = formats[i];
		if (has_extension(for_writing ? f->write_extensions : f->read_extensions, dot + 1))
			return f;
	}
	return NULL;
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
