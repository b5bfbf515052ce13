/*
 * read_many - reads many documents in one process, each as `galley -v -f
 * DIALECT -t json --markdown-pieces PIECE -` would, so that a test
 * comparing thousands of readings does not start thousands of processes.
 *
 * Input, repeated:  "DIALECT PIECE LENGTH\n" then LENGTH bytes of Markdown.
 * Output for each:  "STATUS JSON_LENGTH NOTES_LENGTH\n" then the JSON, then
 *                   the notes (one "note: MESSAGE\n" each). STATUS is 0 or
 *                   the reader's or writer's negative code (the JSON is then
 *                   the error message).
 *
 * usage: read_many < requests > answers
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "galley/sys/format.h"

static void collect_note(const galley_diag *d, void *data)
{
	galley_buf *notes = data;
	galley_buf_printf(notes, "%s: %s\n",
	                  d->severity == GALLEY_ERROR     ? "error"
	                  : d->severity == GALLEY_WARNING ? "warning"
	                                                  : "note",
	                  d->message);
}

static int answer(const char *dialect, const char *piece, const char *text, size_t len)
{
	galley_options opts = GALLEY_OPTIONS_INIT;
	galley_param pieces = {"markdown-pieces", piece};
	galley_buf notes = GALLEY_BUF_INIT;
	galley_error err;
	galley_doc *doc = NULL;
	unsigned char *json = NULL;
	size_t json_len = 0;
	opts.flags = GALLEY_OPT_VERBOSE;
	opts.source_name = "<stdin>";
	opts.diag = collect_note;
	opts.diag_data = &notes;
	opts.params = &pieces;
	opts.param_count = 1;
	int rc = galley_read(dialect, text, len, &opts, &doc, &err);
	if (rc == 0)
		rc = galley_write(doc, "json", &opts, &json, &json_len, &err);
	galley_doc_free(doc);
	if (notes.failed)
		rc = GALLEY_ENOMEM;
	const char *body = rc == 0 ? (const char *)json : err.message;
	size_t body_len = rc == 0 ? json_len : strlen(err.message);
	printf("%d %zu %zu\n", rc, body_len, notes.len);
	fwrite(body, 1, body_len, stdout);
	if (notes.len)
		fwrite(notes.data, 1, notes.len, stdout);
	fflush(stdout);
	galley_free(json);
	galley_buf_free(&notes);
	return 0;
}

int main(void)
{
	char dialect[32], piece[32];
	size_t len;
	while (scanf("%31s %31s %zu", dialect, piece, &len) == 3) {
		if (getchar() != '\n')
			return 2;
		char *text = malloc(len + 1);
		if (!text || fread(text, 1, len, stdin) != len) {
			free(text);
			return 2;
		}
		answer(dialect, piece, text, len);
		free(text);
	}
	return ferror(stdin) ? 2 : 0;
}
