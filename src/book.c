/*
 * book.c - several input files read in order into one document: a book
 * kept as one file per chapter.
 *
 * Each file is read on its own, with its own name for messages, then its
 * blocks are moved into the first file's document. Lines are numbered
 * through the files in order (the second file's line 1 follows the first
 * file's last line), and the document keeps where each file starts, so that
 * a writer's message about a node is mapped back to its file and line.
 * Footnotes are linked within their file by the reader and numbered once
 * for the whole book; heading ids are made unique across it. An image path
 * is relative to the file it is written in: paths in later files are
 * rewritten relative to the first file's folder, and each file's folder is
 * a folder images may be read from.
 */
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_private.h"
#include "resource.h"
#include "strmap.h"

static unsigned count_lines(const char *data, size_t len)
{
	unsigned n = 1;
	for (const char *p = data, *end = data + len; (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
		n++;
	return n;
}

/* The real path of the folder `path` lies in (malloc'd), or NULL. */
static char *real_folder(const char *path)
{
	char *copy = strdup(path);
	char *real = copy ? realpath(dirname(copy), NULL) : NULL;
	free(copy);
	return real;
}

/* "/a/b" relative to "/a/c" is "../b"; both real paths. "" when they are the same. */
static char *relative_folder(const char *from, const char *to)
{
	size_t common = 0, ups = 0;
	/* the longest common prefix that ends at a '/' or the end in both */
	for (size_t i = 0;; i++) {
		if ((from[i] == '\0' || from[i] == '/') && (to[i] == '\0' || to[i] == '/'))
			common = i;
		if (from[i] != to[i] || !from[i])
			break;
	}
	for (const char *p = from + common; *p; p++)
		ups += *p != '/' && (p == from || p[-1] == '/');
	const char *rest = to + common;
	while (*rest == '/')
		rest++;
	char *out = malloc(ups * 3 + strlen(rest) + 1), *o = out;
	if (!out)
		return NULL;
	for (size_t i = 0; i < ups; i++, o += 3)
		memcpy(o, "../", 3);
	strcpy(o, rest);
	if (o > out && !*rest)
		o[-1] = '\0';
	return out;
}

/* An image URL that names a file relative to the folder it was written in. */
static bool is_relative_file(const char *url)
{
	return url && *url && *url != '/' && *url != '#' && !galley_url_has_scheme(url);
}

typedef struct part {
	galley_doc *doc;
	const char *name;
	unsigned offset;    /* added to its lines */
	const char *prefix; /* put before its relative image paths; NULL for none */
} part;

/* Moves the lines into the book's numbering and the image paths to the first file's folder. */
static int place_part(galley_doc *book, const part *p)
{
	galley_walk w;
	galley_walk_init(&w, p->doc->root);
	while (galley_walk_next(&w) != GALLEY_EVENT_DONE) {
		galley_node *n = w.node;
		if (w.event != GALLEY_EVENT_ENTER)
			continue;
		if (n->line)
			n->line += p->offset;
		if (n->type == GALLEY_NODE_IMAGE && p->prefix && is_relative_file(n->url)) {
			size_t a = strlen(p->prefix), b = strlen(n->url);
			char *url = arena_alloc(&book->mem, a + b + 2);
			if (!url)
				return GALLEY_ENOMEM;
			snprintf(url, a + b + 2, "%s/%s", p->prefix, n->url);
			n->url = url;
		}
	}
	return 0;
}

/*
 * An explicit heading id ({#intro}) that an earlier file already took is
 * renamed ("intro-2"), and the links of its own file that point at it
 * follow, so that every id stays unique in the book.
 */
static int rename_taken_ids(galley_doc *book, const part *p, strmap *taken, const galley_options *opts)
{
	strmap renamed = STRMAP_INIT;
	galley_walk w;
	int rc = 0;
	galley_walk_init(&w, p->doc->root);
	while (rc == 0 && galley_walk_next(&w) != GALLEY_EVENT_DONE) {
		galley_node *n = w.node;
		if (w.event != GALLEY_EVENT_ENTER || n->type != GALLEY_NODE_HEADING || !n->id || !*n->id)
			continue;
		const char *id = n->id;
		if (strmap_get(taken, id)) {
			size_t size = strlen(id) + 24;
			char *fresh = arena_alloc(&book->mem, size);
			if (!fresh)
				return GALLEY_ENOMEM;
			unsigned k = 2;
			do
				snprintf(fresh, size, "%s-%u", id, k++);
			while (strmap_get(taken, fresh));
			galley_report(
			    opts, GALLEY_WARNING, n->line, n->col,
			    "heading id '%s' is taken by an earlier file; this heading's id is '%s'", id,
			    fresh);
			if (strmap_put(&renamed, id, fresh) != 0)
				rc = GALLEY_ENOMEM;
			n->id = id = fresh;
		}
		if (rc == 0 && strmap_put(taken, id, n) != 0)
			rc = GALLEY_ENOMEM;
	}
	if (rc || renamed.count == 0)
		goto cleanup;
	galley_walk_init(&w, p->doc->root);
	while (rc == 0 && galley_walk_next(&w) != GALLEY_EVENT_DONE) {
		galley_node *n = w.node;
		const char *to;
		if (w.event != GALLEY_EVENT_ENTER || n->type != GALLEY_NODE_LINK || !n->url ||
		    n->url[0] != '#' || !(to = strmap_get(&renamed, n->url + 1)))
			continue;
		char *url = arena_alloc(&book->mem, strlen(to) + 2);
		if (!url)
			rc = GALLEY_ENOMEM;
		else
			sprintf(url, "#%s", to);
		n->url = url;
	}
cleanup:
	strmap_free(&renamed);
	return rc;
}

static bool has_metadata(const galley_doc *doc)
{
	for (int i = 0; i < GALLEY_META_FIELD_COUNT; i++)
		if (doc->meta[i])
			return true;
	return doc->authors.count || doc->keywords.count || doc->extra_keys.count;
}

/* Moves a later file's blocks and memory into the book and frees what is left of it. */
static int append_part(galley_doc *book, part *p, strmap *taken, const galley_options *opts)
{
	int rc = rename_taken_ids(book, p, taken, opts);
	if (rc == 0)
		rc = place_part(book, p);
	if (rc)
		return rc;
	if (has_metadata(p->doc))
		galley_report(opts, GALLEY_NOTE, 0, 0,
		              "front matter left out: a book takes its metadata from its first file");
	while (p->doc->root->first)
		galley_node_append(book->root, p->doc->root->first);
	arena_adopt(&book->mem, &p->doc->mem);
	galley_doc_free(p->doc);
	p->doc = NULL;
	return 0;
}

static int read_one(const char *from, const char *path, const galley_options *opts, galley_doc **out,
                    unsigned *lines, galley_error *err)
{
	const galley_format *fmt = from ? galley_format_find(from) : galley_format_for_path(path, false);
	char *data = NULL;
	size_t len = 0;
	int rc;
	if (!fmt || !fmt->read) {
		if (from)
			return galley_error_set(err, GALLEY_EUSAGE, NULL, 0, 0, "unknown input format '%s'",
			                        from);
		return galley_error_set(err, GALLEY_EUSAGE, NULL, 0, 0,
		                        "cannot tell the format of '%s' from its name; name it with -f",
		                        path);
	}
	rc = galley_read_all(path, &data, &len, err);
	if (rc)
		return rc;
	*lines = count_lines(data ? data : "", len);
	*out = galley_doc_new();
	if (!*out)
		rc = galley_error_set(err, GALLEY_ENOMEM, NULL, 0, 0, "out of memory");
	else
		rc = galley_read_part(fmt, *out, data, len, opts, err);
	free(data);
	if (rc) {
		galley_doc_free(*out);
		*out = NULL;
	}
	return rc;
}

/* Where the i-th file starts, its folder, and the prefix its image paths take. */
static int add_source(galley_doc *book, size_t i, const char *path, unsigned first_line, const char **prefix)
{
	galley_source *s = &book->sources[i];
	char *dir = real_folder(path);
	char *rel = NULL;
	int rc = GALLEY_ENOMEM;
	*prefix = NULL;
	s->name = galley_doc_strdup(book, path, strlen(path));
	s->first_line = first_line;
	if (!s->name)
		goto cleanup;
	if (!dir) {
		rc = 0; /* read, so it exists: only a folder that moved meanwhile comes here */
		goto cleanup;
	}
	s->dir = galley_doc_strdup(book, dir, strlen(dir));
	if (!s->dir)
		goto cleanup;
	if (i > 0 && book->sources[0].dir && !(rel = relative_folder(book->sources[0].dir, dir)))
		goto cleanup;
	if (rel && *rel && !(*prefix = galley_doc_strdup(book, rel, strlen(rel))))
		goto cleanup;
	rc = 0;
cleanup:
	free(dir);
	free(rel);
	return rc;
}

/* The files after the first, each read on its own and moved into the book. */
static int read_rest(galley_doc *book, const char *from, const char *const *paths, size_t count,
                     unsigned lines, const galley_options *opts, galley_error *err)
{
	strmap taken = STRMAP_INIT;
	part first = {book, paths[0], 0, NULL};
	galley_options file_opts = *opts;
	unsigned next_line = 1;
	file_opts.source_name = paths[0];
	int rc = add_source(book, 0, paths[0], next_line, &first.prefix);
	if (rc == 0)
		rc = rename_taken_ids(book, &first, &taken, &file_opts);
	next_line += lines;
	for (size_t i = 1; i < count && rc == 0; i++) {
		part p = {NULL, paths[i], next_line - 1, NULL};
		file_opts = *opts;
		file_opts.source_name = paths[i];
		file_opts.metadata_count = 0; /* -M applies to the book, once */
		file_opts.flags |= GALLEY_OPT_NO_TITLE_FROM_HEADING;
		rc = read_one(from, paths[i], &file_opts, &p.doc, &lines, err);
		if (rc == 0)
			rc = add_source(book, i, paths[i], next_line, &p.prefix);
		if (rc == 0)
			rc = append_part(book, &p, &taken, &file_opts);
		galley_doc_free(p.doc);
		next_line += lines;
	}
	if (rc && err && err->code == 0)
		galley_error_set(err, rc, &file_opts, 0, 0, "%s", galley_strerror(rc));
	strmap_free(&taken);
	return rc;
}

int galley_read_files(const char *from, const char *const *paths, size_t count, const galley_options *opts,
                      galley_doc **out, galley_error *err)
{
	galley_options none = GALLEY_OPTIONS_INIT, first_opts;
	galley_doc *book = NULL;
	char *dir = NULL;
	unsigned lines = 0;
	int rc;

	*out = NULL;
	galley_error_clear(err);
	if (count == 0 || !paths)
		return galley_error_set(err, GALLEY_EUSAGE, NULL, 0, 0, "no input files");
	if (count == 1)
		return galley_read_file(from, paths[0], opts, out, err);
	first_opts = opts ? *opts : none;
	first_opts.source_name = paths[0];
	first_opts.metadata_count = 0;
	/* the first file is read as it would be alone, and becomes the book */
	rc = read_one(from, paths[0], &first_opts, &book, &lines, err);
	if (rc == 0) {
		book->sources = arena_alloc(&book->mem, count * sizeof(*book->sources));
		book->source_count = book->sources ? count : 0;
		rc = book->sources ? read_rest(book, from, paths, count, lines, opts ? opts : &none, err)
		                   : galley_error_set(err, GALLEY_ENOMEM, NULL, 0, 0, "out of memory");
	}
	if (rc == 0)
		rc = galley_doc_apply_metadata(book, opts, err);
	if (rc == 0 && (rc = galley_doc_finish(book)) != 0)
		galley_error_set(err, rc, NULL, 0, 0, "out of memory");
	if (rc == 0 && (!(dir = strdup(paths[0])) || galley_doc_set_base_dir(book, dirname(dir)) != 0))
		rc = galley_error_set(err, GALLEY_ENOMEM, NULL, 0, 0, "out of memory");
	free(dir);
	if (rc) {
		galley_doc_free(book);
		return rc;
	}
	*out = book;
	return 0;
}

const char *galley_doc_source(const galley_doc *doc, unsigned line, unsigned *file_line)
{
	size_t lo = 0, hi = doc ? doc->source_count : 0;
	if (file_line)
		*file_line = line;
	if (hi == 0 || line == 0)
		return NULL;
	/* the last file that starts at or before the line */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (doc->sources[mid].first_line <= line)
			lo = mid;
		else
			hi = mid;
	}
	if (file_line)
		*file_line = line - doc->sources[lo].first_line + 1;
	return doc->sources[lo].name;
}

static void book_diag(const galley_diag *d, void *data)
{
	const galley_book_diag *ctx = data;
	galley_diag mapped = *d;
	/* a message about the whole book names no one file */
	mapped.file = galley_doc_source(ctx->doc, d->line, &mapped.line);
	ctx->outer->diag(&mapped, ctx->outer->diag_data);
}

const galley_options *galley_book_options(const galley_doc *doc, const galley_options *opts,
                                          galley_options *copy, galley_book_diag *ctx)
{
	if (!doc || doc->source_count < 2 || !opts || !opts->diag)
		return opts;
	*copy = *opts;
	ctx->doc = doc;
	ctx->outer = opts;
	copy->diag = book_diag;
	copy->diag_data = ctx;
	return copy;
}

void galley_book_locate(const galley_doc *doc, galley_error *err)
{
	if (!doc || doc->source_count < 2 || !err || err->code == 0)
		return;
	err->file = galley_doc_source(doc, err->line, &err->line);
	if (!err->file)
		err->column = 0;
}

bool galley_book_allows(const galley_doc *doc, const char *path)
{
	for (size_t i = 0; doc && i < doc->source_count; i++) {
		const char *dir = doc->sources[i].dir;
		size_t n = dir ? strlen(dir) : 0;
		if (n && strncmp(path, dir, n) == 0 &&
		    (path[n] == '/' || path[n] == '\0' || (n == 1 && dir[0] == '/')))
			return true;
	}
	return false;
}
