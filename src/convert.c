/* convert.c - reading, writing and saving through the registry. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model_private.h"

/* Inputs larger than this are refused rather than read into memory. */
#define MAX_INPUT_SIZE ((size_t)1 << 30)

/*
 * Documents nested deeper than this (block quotes, lists, emphasis...) are
 * refused: no real text comes near it, and deeper output trips the parsers
 * of those who read it (libxml2 stops at 256 levels, Python's json at 1000).
 */
#define MAX_NESTING 128

static int apply_list(galley_doc *doc, const char *key, const char *value)
{
	if (strcmp(key, "author") == 0 || strcmp(key, "authors") == 0)
		return galley_doc_add_author(doc, value, (size_t)-1);
	/* keywords: a comma-separated list */
	for (const char *p = value; *p;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		while (n && *p == ' ')
			p++, n--;
		while (n && p[n - 1] == ' ')
			n--;
		if (n && galley_doc_add_keyword(doc, p, n) != 0)
			return GALLEY_ENOMEM;
		p += n;
		while (*p == ' ')
			p++;
		if (*p == ',')
			p++;
	}
	return 0;
}

int galley_doc_apply_metadata(galley_doc *doc, const galley_options *opts, galley_error *err)
{
	bool authors_cleared = false, keywords_cleared = false;
	for (size_t i = 0; opts && i < opts->metadata_count; i++) {
		const char *key = opts->metadata[i].name, *value = opts->metadata[i].value;
		int rc;
		if (!key || !value)
			continue;
		if (galley_utf8_check(key, strlen(key)) != (size_t)-1 ||
		    galley_utf8_check(value, strlen(value)) != (size_t)-1)
			return galley_error_set(err, GALLEY_EUSAGE, NULL, 0, 0,
			                        "the metadata value of '%.40s' is not UTF-8", key);
		galley_meta_field f = galley_meta_field_from_name(key);
		if (f != GALLEY_META_FIELD_COUNT) {
			rc = galley_doc_set_meta(doc, f, value, (size_t)-1);
		} else if (!strcmp(key, "author") || !strcmp(key, "authors")) {
			if (!authors_cleared)
				galley_doc_clear_authors(doc);
			authors_cleared = true;
			rc = apply_list(doc, key, value);
		} else if (!strcmp(key, "keywords") || !strcmp(key, "keyword")) {
			if (!keywords_cleared)
				galley_doc_clear_keywords(doc);
			keywords_cleared = true;
			rc = apply_list(doc, key, value);
		} else {
			rc = galley_doc_set_extra(doc, key, value);
		}
		if (rc)
			return galley_error_set(err, rc, NULL, 0, 0, "out of memory");
	}
	return 0;
}

static bool is_blank(const char *data, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!strchr(" \t\r\n\f\v", data[i]) || data[i] == '\0')
			return false;
	return true;
}

static int check_nesting(const galley_doc *doc, const galley_options *opts, galley_error *err)
{
	galley_walk w;
	unsigned depth = 0;
	galley_walk_init(&w, doc->root);
	while (galley_walk_next(&w) != GALLEY_EVENT_DONE) {
		if (w.node == doc->root || galley_node_type_is_leaf((galley_node_type)w.node->type))
			continue;
		if (w.event == GALLEY_EVENT_EXIT) {
			depth--;
		} else if (++depth > MAX_NESTING) {
			return galley_error_set(
			    err, GALLEY_EINPUT, opts, w.node->line, w.node->col,
			    "the document nests deeper than %d levels (block quotes, lists, "
			    "emphasis...); galley does not convert it",
			    MAX_NESTING);
		}
	}
	return 0;
}

int galley_read_part(const galley_format *fmt, galley_doc *doc, const char *data, size_t len,
                     const galley_options *opts, galley_error *err)
{
	galley_library_init();
	if (!data || is_blank(data, len))
		galley_report(opts, GALLEY_WARNING, 0, 0, "the input is empty%s",
		              data && len ? " (only white space)" : "");
	int rc = fmt->read(doc, data ? data : "", data ? len : 0, opts, err);
	return rc ? rc : check_nesting(doc, opts, err);
}

int galley_read(const char *from, const char *data, size_t len, const galley_options *opts, galley_doc **out,
                galley_error *err)
{
	const galley_format *fmt = galley_format_find(from);
	galley_doc *doc = NULL;
	int rc;

	*out = NULL;
	galley_error_clear(err);
	if ((rc = galley_options_check_version(opts, err)) != 0)
		return rc;
	if (!fmt || !fmt->read)
		return galley_error_set(err, GALLEY_EUSAGE, NULL, 0, 0, "unknown input format '%s'",
		                        from ? from : "(none)");
	doc = galley_doc_new();
	if (!doc)
		return galley_error_set(err, GALLEY_ENOMEM, NULL, 0, 0, "out of memory");
	rc = galley_read_part(fmt, doc, data, len, opts, err);
	if (rc == 0)
		rc = galley_doc_apply_metadata(doc, opts, err);
	if (rc == 0 && (rc = galley_doc_finish(doc)) != 0)
		galley_error_set(err, rc, NULL, 0, 0, "out of memory");
	if (rc != 0) {
		if (err && err->code == 0)
			galley_error_set(err, rc, opts, 0, 0, "%s", galley_strerror(rc));
		galley_doc_free(doc);
		return rc;
	}
	*out = doc;
	return 0;
}

int galley_read_all(const char *path, char **data, size_t *len, galley_error *err)
{
	struct stat st;
	galley_buf buf = GALLEY_BUF_INIT;
	FILE *f = NULL;
	int rc = 0;

	if (stat(path, &st) != 0)
		return galley_error_set(err, GALLEY_EINPUT, NULL, 0, 0, "cannot read '%s': %s", path,
		                        strerror(errno));
	if (S_ISDIR(st.st_mode))
		return galley_error_set(err, GALLEY_EINPUT, NULL, 0, 0, "cannot read '%s': it is a directory",
		                        path);
	f = fopen(path, "rb");
	if (!f)
		return galley_error_set(err, GALLEY_EINPUT, NULL, 0, 0, "cannot read '%s': %s", path,
		                        strerror(errno));
	/* a regular file is read into a buffer of its size, not the next power of two */
	if (S_ISREG(st.st_mode) && st.st_size >= 0 && (size_t)st.st_size < MAX_INPUT_SIZE) {
		buf.data = malloc((size_t)st.st_size + 1);
		buf.cap = buf.data ? (size_t)st.st_size + 1 : 0;
	}
	for (;;) {
		if (buf.cap - buf.len <= 1) {
			/* full: the end of the file, or it grew since stat() */
			int ch = EOF;
			if (buf.cap && (ch = getc(f)) == EOF)
				break;
			if (galley_buf_grow(&buf, 65536) != 0) {
				rc = galley_error_set(err, GALLEY_ENOMEM, NULL, 0, 0,
				                      "out of memory reading '%s'", path);
				goto cleanup;
			}
			if (ch != EOF)
				buf.data[buf.len++] = (unsigned char)ch;
		}
		size_t n = fread(buf.data + buf.len, 1, buf.cap - buf.len - 1, f);
		buf.len += n;
		if (n == 0)
			break;
		if (buf.len > MAX_INPUT_SIZE) {
			rc = galley_error_set(err, GALLEY_EINPUT, NULL, 0, 0, "'%s' is larger than 1 GiB",
			                      path);
			goto cleanup;
		}
	}
	if (ferror(f)) {
		rc = galley_error_set(err, GALLEY_EINPUT, NULL, 0, 0, "cannot read '%s': %s", path,
		                      strerror(errno));
		goto cleanup;
	}
	if (buf.data)
		buf.data[buf.len] = '\0';
	*data = (char *)galley_buf_detach(&buf, len);
cleanup:
	if (f)
		fclose(f);
	galley_buf_free(&buf);
	return rc;
}

int galley_read_file(const char *from, const char *path, const galley_options *opts, galley_doc **out,
                     galley_error *err)
{
	char *data = NULL, *dir = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	galley_error_clear(err);
	if ((rc = galley_options_check_version(opts, err)) != 0)
		return rc;
	if (!from) {
		const galley_format *f = galley_format_for_path(path, false);
		if (!f)
			return galley_error_set(
			    err, GALLEY_EUSAGE, NULL, 0, 0,
			    "cannot tell the format of '%s' from its name; give the format", path);
		from = f->name;
	}
	rc = galley_read_all(path, &data, &len, err);
	if (rc)
		return rc;
	rc = galley_read(from, data, len, opts, out, err);
	free(data);
	if (rc)
		return rc;
	dir = strdup(path);
	if (!dir || galley_doc_set_base_dir(*out, dirname(dir)) != 0) {
		free(dir);
		galley_doc_free(*out);
		*out = NULL;
		return galley_error_set(err, GALLEY_ENOMEM, NULL, 0, 0, "out of memory");
	}
	free(dir);
	return 0;
}

typedef struct sink_state {
	galley_sink sink;
	void *ctx;
	bool failed;
} sink_state;

static int pass_on(void *ctx, const void *data, size_t len)
{
	sink_state *s = ctx;
	if (s->sink(s->ctx, data, len) != 0) {
		s->failed = true;
		return -1;
	}
	return 0;
}

/*
 * Runs the writer for `to` into `buf` (with its sink, if any: `state`
 * then says whether the sink refused) and says what went wrong.
 */
static int run_writer(const galley_doc *doc, const char *to, const galley_options *opts, galley_buf *buf,
                      const sink_state *state, galley_error *err)
{
	const galley_format *fmt = galley_format_find(to);
	galley_options book_opts;
	galley_book_diag book_diag;
	galley_error_clear(err);
	if (galley_options_check_version(opts, err) != 0)
		return GALLEY_EUSAGE;
	if (!fmt || !fmt->write)
		return galley_error_set(err, GALLEY_EUSAGE, NULL, 0, 0, "unknown output format '%s'",
		                        to ? to : "(none)");
	galley_library_init();
	/* a book's messages name the file each line comes from */
	opts = galley_book_options(doc, opts, &book_opts, &book_diag);
	int rc = fmt->write(doc, buf, opts, err);
	galley_book_locate(doc, err);
	if (rc == 0 && !buf->failed) {
		/* the end: what a sink has not had yet, or the NUL past a text */
		if (buf->sink && buf->len)
			buf->failed = buf->sink(buf->sink_ctx, buf->data, buf->len) != 0;
		else if (!buf->sink)
			galley_buf_grow(buf, 0);
	}
	if (state && state->failed)
		return galley_error_set(err, GALLEY_EOUTPUT, NULL, 0, 0, "cannot write the output");
	if (rc == 0 && buf->failed)
		return galley_error_set(err, GALLEY_ENOMEM, NULL, 0, 0, "out of memory");
	if (rc != 0 && err && err->code == 0)
		galley_error_set(err, rc, NULL, 0, 0, "%s", galley_strerror(rc));
	return rc;
}

int galley_write_stream(const galley_doc *doc, const char *to, const galley_options *opts, galley_sink sink,
                        void *ctx, galley_error *err)
{
	sink_state state = {sink, ctx, false};
	galley_buf buf = GALLEY_BUF_INIT;
	if (!sink) {
		galley_error_clear(err);
		return galley_error_set(err, GALLEY_EUSAGE, NULL, 0, 0, "no sink to write to");
	}
	buf.sink = pass_on;
	buf.sink_ctx = &state;
	int rc = run_writer(doc, to, opts, &buf, &state, err);
	galley_buf_free(&buf);
	return rc;
}

int galley_write(const galley_doc *doc, const char *to, const galley_options *opts, unsigned char **out,
                 size_t *len, galley_error *err)
{
	galley_buf buf = GALLEY_BUF_INIT;
	*out = NULL;
	*len = 0;
	int rc = run_writer(doc, to, opts, &buf, NULL, err);
	if (rc != 0) {
		galley_buf_free(&buf);
		return rc;
	}
	*out = galley_buf_detach(&buf, len);
	return 0;
}
