/*
 * metadata_file.c - --metadata-file FILE.yaml: metadata read from a YAML
 * file by the front-matter code (libyaml), as pandoc reads it: the
 * document's own metadata and -M values win over the file's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../formats/markdown/frontmatter.h"
#include "internal.h"

static int read_whole(const char *path, galley_buf *b, const galley_options *opts, galley_error *err)
{
	char chunk[8192];
	size_t n;
	FILE *f = fopen(path, "rb");
	if (!f)
		return galley_error_set(err, GALLEY_EINPUT, NULL, 0, 0,
		                        "cannot read the metadata file '%s': %s", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && b->len < ((size_t)1 << 24))
		galley_buf_put(b, chunk, n);
	int failed = ferror(f);
	fclose(f);
	if (failed || b->failed)
		return galley_error_set(err, b->failed ? GALLEY_ENOMEM : GALLEY_EINPUT, NULL, 0, 0,
		                        "cannot read the metadata file '%s'", path);
	if (b->len >= ((size_t)1 << 24))
		return galley_error_set(err, GALLEY_EINPUT, NULL, 0, 0,
		                        "the metadata file '%s' is larger than 16 MiB", path);
	size_t bad = galley_utf8_check(b->data ? (const char *)b->data : "", b->len);
	if (bad != (size_t)-1)
		return galley_error_set(err, GALLEY_EINPUT, NULL, 0, 0,
		                        "the metadata file '%s' is not UTF-8 (byte %zu)", path, bad + 1);
	return 0;
}

/* Copies into `doc` what `from` has and `doc` has not. */
static int merge_defaults(galley_doc *doc, const galley_doc *from)
{
	int rc = 0;
	/* a title only inferred from the first heading gives way; the heading stays in the text */
	if (galley_doc_title_heading(doc) && galley_doc_meta(from, GALLEY_META_TITLE)) {
		galley_doc_set_title_heading(doc, NULL);
		rc = galley_doc_set_meta(doc, GALLEY_META_TITLE, galley_doc_meta(from, GALLEY_META_TITLE),
		                         (size_t)-1);
	}
	for (int f = 0; f < GALLEY_META_FIELD_COUNT && rc == 0; f++)
		if (!galley_doc_meta(doc, (galley_meta_field)f) &&
		    galley_doc_meta(from, (galley_meta_field)f))
			rc = galley_doc_set_meta(doc, (galley_meta_field)f,
			                         galley_doc_meta(from, (galley_meta_field)f), (size_t)-1);
	if (galley_doc_author_count(doc) == 0)
		for (size_t i = 0; i < galley_doc_author_count(from) && rc == 0; i++)
			rc = galley_doc_add_author(doc, galley_doc_author(from, i), (size_t)-1);
	if (galley_doc_keyword_count(doc) == 0)
		for (size_t i = 0; i < galley_doc_keyword_count(from) && rc == 0; i++)
			rc = galley_doc_add_keyword(doc, galley_doc_keyword(from, i),
			                            strlen(galley_doc_keyword(from, i)));
	for (size_t i = 0; i < galley_doc_extra_count(from) && rc == 0; i++)
		if (!galley_doc_extra(doc, galley_doc_extra_key(from, i)))
			rc = galley_doc_set_extra(doc, galley_doc_extra_key(from, i),
			                          galley_doc_extra_value(from, i));
	return rc;
}

int galley_doc_apply_metadata_file(galley_doc *doc, const galley_options *opts, galley_error *err)
{
	const char *path = galley_options_param(opts, "metadata-file");
	galley_buf yaml = GALLEY_BUF_INIT;
	galley_doc *from = NULL;
	bool found = false;
	int rc;
	if (!path)
		return 0;
	galley_options file_opts = *opts; /* messages name the metadata file */
	file_opts.source_name = path;
	if ((rc = read_whole(path, &yaml, opts, err)) != 0)
		goto cleanup;
	if (!(from = galley_doc_new())) {
		rc = galley_error_set(err, GALLEY_ENOMEM, NULL, 0, 0, "out of memory");
		goto cleanup;
	}
	rc = frontmatter_parse(from, yaml.data ? (const char *)yaml.data : "", yaml.len, 1, &file_opts, err,
	                       &found);
	if (rc == 0 && !found)
		rc = galley_error_set(err, GALLEY_EINPUT, &file_opts, 1, 1,
		                      "the metadata file holds no YAML mapping (key: value lines)");
	if (rc == 0 && merge_defaults(doc, from) != 0)
		rc = galley_error_set(err, GALLEY_ENOMEM, NULL, 0, 0, "out of memory");
cleanup:
	galley_doc_free(from);
	galley_buf_free(&yaml);
	return rc;
}
