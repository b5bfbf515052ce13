/*
 * Registers the plug-in formats of wordcount.c and converts with them and
 * with the built-in ones; checks the options' version and values as a
 * program meets them. Prints "ok" and exits 0 when all holds.
 */
#include <stdio.h>
#include <string.h>

#include <galley/galley.h>

#include "wordcount.h"

static int failures;

#define EXPECT(cond)                                                                                         \
	do {                                                                                                 \
		if (!(cond)) {                                                                               \
			fprintf(stderr, "%s:%d: not true: %s\n", __FILE__, __LINE__, #cond);                 \
			failures++;                                                                          \
		}                                                                                            \
	} while (0)

static int read_file(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "rb");
	size_t n = f ? fread(buf, 1, size - 1, f) : 0;
	if (f)
		fclose(f);
	buf[n] = '\0';
	return f ? 0 : -1;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : ".";
	char in_path[512], out_path[512], got[256];
	galley_options opts = GALLEY_OPTIONS_INIT;
	galley_error err;
	galley_doc *doc = NULL;

	EXPECT(galley_format_find("wordcount") == NULL);
	EXPECT(galley_format_register(&wordcount_format, &err) == 0);
	EXPECT(galley_format_register(&lines_format, &err) == 0);
	/* a name taken, by a plug-in or a built-in format, is refused */
	EXPECT(galley_format_register(&wordcount_format, &err) == GALLEY_EUSAGE &&
	       strstr(err.message, "wordcount"));
	galley_format html_again = wordcount_format;
	html_again.name = "html";
	EXPECT(galley_format_register(&html_again, &err) == GALLEY_EUSAGE);
	EXPECT(galley_format_find("wordcount") == &wordcount_format);
	EXPECT(galley_format_for_path("x.wc", true) == &wordcount_format);
	EXPECT(galley_format_for_path("x.lines", false) == &lines_format);
	EXPECT(galley_format_find("pdf") != NULL);

	/* read with the plug-in reader, write with the plug-in writer, to a file */
	snprintf(in_path, sizeof(in_path), "%s/poem.lines", dir);
	snprintf(out_path, sizeof(out_path), "%s/poem.wc", dir);
	FILE *f = fopen(in_path, "wb");
	EXPECT(f != NULL);
	if (f) {
		fputs("one two three\n\nfour five\n", f);
		fclose(f);
	}
	EXPECT(galley_read_file(NULL, in_path, &opts, &doc, &err) == 0);
	EXPECT(galley_write_file(doc, NULL, out_path, &opts, &err) == 0);
	EXPECT(read_file(out_path, got, sizeof(got)) == 0 && strcmp(got, "5 words\n") == 0);
	galley_param chars = {"count", "chars"};
	opts.params = &chars;
	opts.param_count = 1;
	EXPECT(galley_options_check(&opts, "lines", "wordcount", &err) == 0);
	unsigned char *out = NULL;
	size_t len = 0;
	EXPECT(galley_write(doc, "wordcount", &opts, &out, &len, &err) == 0 && out &&
	       strcmp((const char *)out, "22 characters\n") == 0);
	galley_free(out);
	/* the built-in writers take the plug-in reader's document */
	EXPECT(galley_write(doc, "html", &opts, &out, &len, &err) == 0 &&
	       strstr((const char *)out, "<p>four five</p>"));
	galley_free(out);
	galley_doc_free(doc);
	doc = NULL;

	/* every setter refuses a node type its field is not for, and changes nothing */
	doc = galley_doc_new();
	galley_node *para = doc ? galley_node_new(doc, GALLEY_NODE_PARAGRAPH, 1, 1) : NULL;
	EXPECT(para != NULL);
	if (para) {
		EXPECT(galley_node_set_heading_level(para, 2) == GALLEY_EUSAGE);
		EXPECT(galley_node_heading_level(para) == 0);
		EXPECT(galley_node_set_list(para, 3, ')', true) == GALLEY_EUSAGE);
		EXPECT(galley_node_set_task(para, GALLEY_TASK_CHECKED) == GALLEY_EUSAGE);
		EXPECT(galley_node_task(para) == GALLEY_TASK_NONE);
		EXPECT(galley_node_set_row_header(para, true) == GALLEY_EUSAGE);
		EXPECT(galley_node_set_url(doc, para, "x", 1) == GALLEY_EUSAGE &&
		       galley_node_url(para) == NULL);
		EXPECT(galley_node_set_table(doc, para, 2, NULL) == GALLEY_EUSAGE);
		galley_node *h = galley_node_new(doc, GALLEY_NODE_HEADING, 1, 1);
		EXPECT(h && galley_node_set_heading_level(h, 2) == 0 && galley_node_heading_level(h) == 2);
	}
	galley_doc_free(doc);
	doc = NULL;

	/* option values are checked before any input is read */
	galley_param bad = {"count", "lines"};
	opts.params = &bad;
	EXPECT(galley_options_check(&opts, "lines", "wordcount", &err) == GALLEY_EUSAGE &&
	       strstr(err.message, "count takes words or chars"));
	galley_param paper = {"paper", "bogus"};
	opts.params = &paper;
	EXPECT(galley_options_check(&opts, "markdown", "pdf", &err) == GALLEY_EUSAGE &&
	       strstr(err.message, "bogus"));
	EXPECT(galley_options_check(&opts, "markdown", "html", &err) == 0); /* not for HTML: ignored */
	galley_param unknown = {"no-such-parameter", "1"};
	opts.params = &unknown;
	EXPECT(galley_options_check(&opts, "markdown", "html", &err) == GALLEY_EUSAGE);
	opts.params = NULL;
	opts.param_count = 0;
	/* library messages name no command-line flag */
	EXPECT(galley_read_file(NULL, "no-extension", &opts, &doc, &err) == GALLEY_EUSAGE &&
	       !strstr(err.message, " -f"));

	/* options made without GALLEY_OPTIONS_INIT, or for a newer library, are refused */
	galley_options zeroed;
	memset(&zeroed, 0, sizeof(zeroed));
	EXPECT(galley_read("markdown", "x", 1, &zeroed, &doc, &err) == GALLEY_EUSAGE && doc == NULL &&
	       strstr(err.message, "GALLEY_OPTIONS_INIT"));
	galley_options newer = GALLEY_OPTIONS_INIT;
	newer.version = GALLEY_OPTIONS_VERSION + 1;
	EXPECT(galley_options_check(&newer, NULL, NULL, &err) == GALLEY_EUSAGE);
	EXPECT(galley_read("markdown", "x", 1, &opts, &doc, &err) == 0);
	EXPECT(galley_write(doc, "html", &newer, &out, &len, &err) == GALLEY_EUSAGE && out == NULL);
	galley_doc_free(doc);

	if (failures)
		return 1;
	puts("ok");
	return 0;
}
