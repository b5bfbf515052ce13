/*
 * fuzz_frontmatter.c - the YAML front matter parser, through the Markdown
 * reader, into every writer; the same bytes also arrive as -M metadata.
 *
 * Input: the YAML between the --- fences. Its first line, when it is
 * "key=value", is also given as outside metadata. The writer is picked by the
 * input's length.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char body[] = "\n---\n\n# Heading\n\nText with a note.[^n]\n\n[^n]: The note.\n";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_init();
	return 0;
}

/* "key=value" on the first line becomes one metadata pair, in `scratch`. */
static size_t first_line_metadata(const uint8_t *data, size_t size, char *scratch, galley_param *pair)
{
	const uint8_t *eol = memchr(data, '\n', size);
	size_t n = eol ? (size_t)(eol - data) : size;
	memcpy(scratch, data, n);
	scratch[n] = '\0';
	char *eq = strchr(scratch, '=');
	if (!eq || eq == scratch || strlen(scratch) != n)
		return 0;
	*eq = '\0';
	pair->name = scratch;
	pair->value = eq + 1;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const galley_format *markdown = galley_format_find("markdown");
	galley_buf doc = GALLEY_BUF_INIT;
	galley_param pair;
	char *scratch = malloc(size + 1);
	if (!markdown || !scratch)
		abort();
	galley_buf_puts(&doc, "---\n");
	galley_buf_put(&doc, data, size);
	galley_buf_puts(&doc, body);
	if (doc.failed)
		abort();
	size_t nmeta = first_line_metadata(data, size, scratch, &pair);
	fuzz_convert(markdown, fuzz_writer((uint8_t)(size % 251)), doc.data, doc.len, 0, &pair, nmeta, NULL,
	             0);
	galley_buf_free(&doc);
	free(scratch);
	return 0;
}
