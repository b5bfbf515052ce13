/*
 * A format from outside the tree: a "lines" reader (each line a paragraph)
 * and a "wordcount" writer (words, or characters with count=chars), made
 * only of what the installed headers offer.
 */
#include <string.h>

#include <galley/sys/format.h>

#include "wordcount.h"

static int read_lines(galley_doc *doc, const char *data, size_t len, const galley_options *opts,
                      galley_error *err)
{
	unsigned line = 1;
	for (size_t i = 0; i < len; line++) {
		size_t end = i;
		while (end < len && data[end] != '\n')
			end++;
		if (end > i) {
			galley_node *p = galley_node_new(doc, GALLEY_NODE_PARAGRAPH, line, 1);
			galley_node *t = galley_node_new(doc, GALLEY_NODE_TEXT, line, 1);
			if (!p || !t || galley_node_set_literal(doc, t, data + i, end - i) != 0)
				return galley_error_set(err, GALLEY_ENOMEM, opts, 0, 0, "out of memory");
			galley_node_append(p, t);
			galley_node_append(galley_doc_root(doc), p);
		}
		i = end + 1;
	}
	return 0;
}

static int write_count(const galley_doc *doc, galley_buf *out, const galley_options *opts, galley_error *err)
{
	const char *what = galley_options_param(opts, "count");
	bool chars = what && strcmp(what, "chars") == 0;
	unsigned long n = 0;
	galley_walk w;
	galley_walk_init(&w, galley_doc_root(doc));
	while (galley_walk_next(&w) != GALLEY_EVENT_DONE) {
		if (w.event != GALLEY_EVENT_ENTER || galley_node_get_type(w.node) != GALLEY_NODE_TEXT)
			continue;
		size_t len;
		const char *s = galley_node_literal(w.node, &len);
		bool in_word = false;
		for (size_t i = 0; i < len; i++) {
			if (chars) {
				n += ((unsigned char)s[i] & 0xC0) != 0x80;
				continue;
			}
			bool space = s[i] == ' ' || s[i] == '\t';
			n += !space && !in_word;
			in_word = !space;
		}
	}
	return galley_buf_printf(out, "%lu %s\n", n, chars ? "characters" : "words") < 0 ? GALLEY_ENOMEM : 0;
}

static int check_count(const galley_options *opts, galley_error *err)
{
	const char *what = galley_options_param(opts, "count");
	if (what && strcmp(what, "words") && strcmp(what, "chars"))
		return galley_error_set(err, GALLEY_EUSAGE, NULL, 0, 0,
		                        "count takes words or chars, not '%s'", what);
	return 0;
}

static const char *const wc_exts[] = {"wc", NULL};
static const char *const lines_exts[] = {"lines", NULL};
static const galley_param_spec wc_params[] = {
    {"count", "words|chars", "wordcount: what to count"},
    {NULL, NULL, NULL},
};

const galley_format wordcount_format = {
    .name = "wordcount",
    .description = "the number of words",
    .write_extensions = wc_exts,
    .mime_type = "text/plain",
    .params = wc_params,
    .write = write_count,
    .check = check_count,
};

const galley_format lines_format = {
    .name = "lines",
    .description = "a paragraph a line",
    .read_extensions = lines_exts,
    .mime_type = "text/plain",
    .read = read_lines,
};
