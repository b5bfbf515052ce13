/*
 * metadata_file.c - a YAML file of metadata (--metadata-file), read with the
 * front matter parser into a scratch document, then given to the document
 * field by field where it has none of its own.
 */
#include <stdlib.h>
#include <string.h>

#include "frontmatter.h"

static int copy_list(galley_doc *doc, const galley_doc *from, bool authors)
{
	size_t n = authors ? galley_doc_author_count(doc) : galley_doc_keyword_count(doc);
	size_t m = authors ? galley_doc_author_count(from) : galley_doc_keyword_count(from);
	for (size_t i = 0; n == 0 && i < m; i++) {
		int rc = authors ? galley_doc_add_author(doc, galley_doc_author(from, i), (size_t)-1)
		                 : galley_doc_add_keyword(doc, galley_doc_keyword(from, i), (size_t)-1);
		if (rc)
			return rc;
	}
	return 0;
}

/* A title the document took from its first heading, and not from -M, gives way to the file's. */
static bool title_is_a_guess(const galley_doc *doc, const galley_options *opts)
{
	for (size_t i = 0; opts && i < opts->metadata_count; i++)
		if (opts->metadata[i].name && strcmp(opts->metadata[i].name, "title") == 0)
			return false;
	return galley_doc_title_heading(doc) != NULL;
}

static int give_fields(galley_doc *doc, const galley_doc *from, const galley_options *opts)
{
	int rc = 0;
	for (int f = 0; f < GALLEY_META_FIELD_COUNT && rc == 0; f++) {
		const char *value = galley_doc_meta(from, (galley_meta_field)f);
		bool guess = f == GALLEY_META_TITLE && title_is_a_guess(doc, opts);
		if (!value || (galley_doc_meta(doc, (galley_meta_field)f) && !guess))
			continue;
		rc = galley_doc_set_meta(doc, (galley_meta_field)f, value, (size_t)-1);
		if (guess)
			galley_doc_set_title_heading(doc, NULL);
	}
	if (rc == 0)
		rc = copy_list(doc, from, true);
	if (rc == 0)
		rc = copy_list(doc, from, false);
	for (size_t i = 0; rc == 0 && i < galley_doc_extra_count(from); i++)
		if (!galley_doc_extra(doc, galley_doc_extra_key(from, i)))
			rc = galley_doc_set_extra(doc, galley_doc_extra_key(from, i),
			                          galley_doc_extra_value(from, i));
	return rc;
}

int galley_doc_read_metadata_file(galley_doc *doc, const char *path, const galley_options *opts,
                                  galley_error *err)
{
	galley_options file_opts = GALLEY_OPTIONS_INIT;
	galley_doc *scratch = NULL;
	char *data = NULL;
	size_t len = 0, bad;
	bool found = false;
	int rc;

	galley_error_clear(err);
	if (opts)
		file_opts = *opts;
	file_opts.source_name = path;
	rc = galley_read_all(path, &data, &len, err);
	if (rc)
		return rc;
	if ((bad = galley_utf8_check(data ? data : "", len)) != (size_t)-1) {
		rc = galley_error_set(err, GALLEY_EINPUT, &file_opts, 0, 0,
		                      "not UTF-8 (bad byte at offset %zu)", bad);
		goto cleanup;
	}
	if (!(scratch = galley_doc_new())) {
		rc = galley_error_set(err, GALLEY_ENOMEM, NULL, 0, 0, "out of memory");
		goto cleanup;
	}
	rc = frontmatter_parse(scratch, data ? data : "", len, 1, &file_opts, err, &found);
	if (rc == 0 && !found)
		rc = galley_error_set(err, GALLEY_EINPUT, &file_opts, 1, 1,
		                      "no YAML mapping: a metadata file holds one (title: ..., author: ...)");
	if (rc == 0 && (rc = give_fields(doc, scratch, opts)) != 0)
		galley_error_set(err, rc, NULL, 0, 0, "out of memory");
cleanup:
	galley_doc_free(scratch);
	free(data);
	return rc;
}
