/*
 * epub.c - the "epub" format: an EPUB 3 book.
 *
 * The document is cut into chapters at its top-level headings of level
 * <= split-level (1 by default); each chapter is one XHTML file rendered by
 * the HTML renderer with hooks that point links at the file holding their
 * target and images at their copy in the package. Footnotes become asides at
 * the end of the chapter of their first reference.
 *
 * The output is reproducible: the same input and options give the same
 * bytes. The timestamp (dcterms:modified and the zip entries' times) is
 * SOURCE_DATE_EPOCH when set, else the document's date (YYYY[-MM[-DD]],
 * midnight UTC), else 1980-01-01T00:00:00Z, the earliest time a zip holds.
 * The identifier is the metadata's, else a name-based (SHA-1, version 5)
 * UUID of the rendered title page and chapters.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uuid/uuid.h>

#include "../../src/resource.h"
#include "../../src/url.h"
#include "epub.h"

/* Namespace of the name-based UUIDs galley gives to books. */
static const char uuid_namespace[] = "8f0c6d4e-2b1a-4c57-9e3d-6a7b5c4d3e2f";

/* ---- planning ------------------------------------------------------ */

/* The shallowest level of the headings at the top of the document (the title's aside); 1 when none. */
static int shallowest_level(const epub_book *b)
{
	int level = 7;
	for (galley_node *n = galley_node_first_child(galley_doc_root(b->doc)); n; n = galley_node_next(n))
		if (galley_node_get_type(n) == GALLEY_NODE_HEADING && n != galley_doc_title_heading(b->doc) &&
		    galley_node_heading_level(n) < level)
			level = galley_node_heading_level(n);
	return level == 7 ? 1 : level;
}

static int split_level(const galley_options *opts, int *level, galley_error *err)
{
	const char *v = galley_options_param(opts, "split-level");
	char *end;
	*level = 1;
	if (!v)
		return 0;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < 0 || n > 6)
		return galley_error_set(
		    err, GALLEY_EUSAGE, NULL, 0, 0,
		    "split-level takes a heading level from 1 to 6 (0: one file), not '%s'", v);
	*level = (int)n;
	return 0;
}

static int parse_split_level(epub_book *b)
{
	int rc = split_level(b->opts, &b->split_level, b->err);
	/* a novel whose chapters are "##" is split at its chapters, not left in one file */
	if (rc == 0 && !galley_options_param(b->opts, "split-level"))
		b->split_level = shallowest_level(b);
	return rc;
}

static bool splits_here(const epub_book *b, const galley_node *n)
{
	return galley_node_get_type(n) == GALLEY_NODE_HEADING && b->split_level > 0 &&
	       galley_node_heading_level(n) <= b->split_level;
}

/* True when [first, stop) holds something to show besides notes and the title heading. */
static bool has_content(const epub_book *b, galley_node *first, galley_node *stop)
{
	for (galley_node *n = first; n && n != stop; n = galley_node_next(n))
		if (galley_node_get_type(n) != GALLEY_NODE_FOOTNOTE_DEF &&
		    n != galley_doc_title_heading(b->doc))
			return true;
	return false;
}

static int add_chapter(epub_book *b, galley_node *first, galley_node *stop)
{
	epub_chapter *ch, *grown;
	if (!has_content(b, first, stop))
		return 0;
	grown = realloc(b->chapters, (b->chapter_count + 1) * sizeof(*grown));
	if (!grown)
		return GALLEY_ENOMEM;
	b->chapters = grown;
	ch = &grown[b->chapter_count++];
	memset(ch, 0, sizeof(*ch));
	ch->first = first;
	ch->stop = stop;
	if (splits_here(b, first) && first != galley_doc_title_heading(b->doc))
		ch->heading = first;
	snprintf(ch->file, sizeof(ch->file), "chapter%zu.xhtml", b->chapter_count);
	return 0;
}

static int plan_chapters(epub_book *b)
{
	galley_node *start = galley_node_first_child(galley_doc_root(b->doc));
	int rc = 0;
	for (galley_node *n = start; n && rc == 0; n = galley_node_next(n))
		if (n != start && splits_here(b, n)) {
			rc = add_chapter(b, start, n);
			start = n;
		}
	if (rc == 0 && start)
		rc = add_chapter(b, start, NULL);
	return rc;
}

static int place_note(epub_book *b, galley_node **defs, size_t chapter, const galley_node *ref)
{
	epub_chapter *ch = &b->chapters[chapter];
	int num = galley_node_footnote_number(ref);
	int *grown;
	if (!galley_node_footnote_def(ref) || num <= 0 || num > galley_doc_footnote_count(b->doc) ||
	    b->note_chapter[num] || !defs[num])
		return 0;
	grown = realloc(ch->notes, (ch->note_count + 1) * sizeof(*grown));
	if (!grown)
		return GALLEY_ENOMEM;
	ch->notes = grown;
	grown[ch->note_count++] = num;
	b->note_chapter[num] = (int)chapter + 1;
	return 0;
}

/* Records the chapter of the ids `n` holds (a heading's, raw HTML's). */
static int place_ids(epub_book *b, size_t chapter, const galley_node *n)
{
	const galley_id_record *r;
	size_t count = galley_ids_at(&b->ids, n, &r);
	for (size_t i = 0; i < count; i++)
		if (strmap_put(&b->chapter_of_id, r[i].id, (void *)(chapter + 1)) != 0)
			return GALLEY_ENOMEM;
	return 0;
}

/* Places the notes first referenced in `node`'s subtree (other notes' text left out) in `chapter`. */
static int place_notes_in(epub_book *b, galley_node **defs, size_t chapter, galley_node *node, bool into_defs)
{
	galley_walk w;
	int rc = 0;
	galley_walk_init(&w, node);
	while (rc == 0 && galley_walk_next(&w) != GALLEY_EVENT_DONE) {
		galley_node *n = w.node;
		if (w.event != GALLEY_EVENT_ENTER)
			continue;
		if (galley_node_get_type(n) == GALLEY_NODE_FOOTNOTE_DEF && !into_defs)
			galley_walk_skip_children(&w);
		else if (galley_node_get_type(n) == GALLEY_NODE_FOOTNOTE_REF)
			rc = place_note(b, defs, chapter, n);
		else
			rc = place_ids(b, chapter, n);
	}
	return rc;
}

/* Where every heading id and every footnote lives. */
static int map_targets(epub_book *b, galley_node **defs)
{
	int rc = 0;
	for (size_t i = 0; i < b->chapter_count && rc == 0; i++) {
		epub_chapter *ch = &b->chapters[i];
		for (galley_node *n = ch->first; n && n != ch->stop && rc == 0; n = galley_node_next(n))
			rc = place_notes_in(b, defs, i, n, false);
		/* notes referenced from notes join their referrer's chapter; the list grows as we go */
		for (size_t k = 0; k < ch->note_count && rc == 0; k++)
			rc = place_notes_in(b, defs, i, defs[ch->notes[k]], true);
	}
	return rc;
}

static galley_node **collect_defs(epub_book *b)
{
	int count = galley_doc_footnote_count(b->doc);
	galley_node **defs = calloc((size_t)count + 1, sizeof(*defs));
	galley_walk w;
	if (!defs)
		return NULL;
	galley_walk_init(&w, galley_doc_root(b->doc));
	while (galley_walk_next(&w) != GALLEY_EVENT_DONE) {
		galley_node *n = w.node;
		if (w.event == GALLEY_EVENT_ENTER && galley_node_get_type(n) == GALLEY_NODE_FOOTNOTE_DEF &&
		    galley_node_footnote_number(n) > 0 && galley_node_footnote_number(n) <= count &&
		    !defs[galley_node_footnote_number(n)])
			defs[galley_node_footnote_number(n)] = n;
	}
	return defs;
}

/* ---- hooks ----------------------------------------------------------- */

/* The chapter (index + 1) holding "#fn-N" or "#fnref-N[-K]", or 0. */
static size_t note_target(const epub_book *b, const char *id)
{
	const char *p = NULL;
	char *end;
	long num;
	if (!strncmp(id, "fn-", 3))
		p = id + 3;
	else if (!strncmp(id, "fnref-", 6))
		p = id + 6;
	if (!p)
		return 0;
	num = strtol(p, &end, 10);
	if (end == p || (*end && *end != '-') || num <= 0 || num > galley_doc_footnote_count(b->doc))
		return 0;
	return (size_t)b->note_chapter[num];
}

/* The href of a link to an id in `chapter` (index + 1) from the chapter being written. */
static const char *href_to(epub_book *b, size_t chapter, const char *id)
{
	b->href.len = 0;
	galley_buf_printf(&b->href, "%s#%s", chapter - 1 == b->current ? "" : b->chapters[chapter - 1].file,
	                  id);
	return b->href.failed ? NULL : (const char *)b->href.data;
}

static const char *link_href(void *data, const char *url)
{
	epub_book *b = data;
	const galley_node *title = galley_doc_title_heading(b->doc);
	const char *id;
	size_t chapter;
	if (url[0] != '#') {
		if (!*url || galley_url_has_scheme(url))
			return NULL;
		b->dead_links++; /* a file beside the input: it is not in the book */
		return "";
	}
	if ((chapter = note_target(b, url + 1)) != 0)
		return href_to(b, chapter, url + 1);
	id = galley_ids_target(&b->ids, url);
	if (id && title && galley_ids_heading(&b->ids, title) == id)
		return "titlepage.xhtml"; /* the heading became the title page */
	chapter = id ? (size_t)strmap_get(&b->chapter_of_id, id) : 0;
	if (!chapter) {
		b->dead_links++;
		return "";
	}
	return href_to(b, chapter, id);
}

static const char *image_src(void *data, const galley_node *image)
{
	epub_image *img = galley_node_url(image)
	                      ? epub_image_get(data, galley_node_url(image), galley_node_line(image),
	                                       galley_node_column(image))
	                      : NULL;
	return img && img->media_type ? img->href : NULL;
}

/* Raw HTML: links as Markdown links; images embedded like Markdown images, found as they are written. */
static const char *raw_url(void *data, const char *element, const char *url, const galley_node *at)
{
	epub_book *b = data;
	epub_image *img;
	if (!strcmp(element, "a"))
		return link_href(data, url);
	img = epub_image_get(b, url, at ? galley_node_line(at) : 0, at ? galley_node_column(at) : 0);
	return img && img->media_type ? img->href : "";
}

/* Counts the <img> elements of a rendered chapter and those whose alt is empty. */
static void count_images(epub_book *b, const galley_buf *xhtml)
{
	const char *p = xhtml->data ? (const char *)xhtml->data : "";
	/* the serializer writes every attribute as name="value", with no '"' or '>' inside a value */
	while ((p = strstr(p, "<img ")) != NULL) {
		const char *end = strchr(p, '>');
		const char *alt = strstr(p, " alt=\"");
		bool empty = true;
		if (!end)
			break;
		if (alt && alt < end)
			for (alt += 6; *alt && *alt != '"'; alt++)
				if (*alt != ' ')
					empty = false;
		b->images_in_text++;
		b->images_without_alt += empty;
		p = end;
	}
}

/* ---- rendering --------------------------------------------------------- */

/* Reading systems page through a big file slowly, and some refuse one over 300 KB. */
#define LARGE_CHAPTER ((size_t)300 * 1024)

static void warn_if_large(epub_book *b, const epub_chapter *ch)
{
	if (ch->xhtml.len <= LARGE_CHAPTER)
		return;
	galley_report(b->opts, GALLEY_WARNING, ch->first ? galley_node_line(ch->first) : 0, 0,
	              "%s is %zu KB; reading systems are slow with chapter files over 300 KB (a lower "
	              "--split-level cuts it at smaller headings)",
	              ch->file, ch->xhtml.len / 1024);
}

static int write_chapter(epub_book *b, html_ctx *c, galley_node **defs, size_t i, galley_buf *out,
                         xmlw *total)
{
	epub_chapter *ch = &b->chapters[i];
	char *title = ch->heading ? galley_node_plain_text(ch->heading) : NULL;
	const galley_node *skip = galley_doc_title_heading(b->doc);
	xmlw x;
	int rc = epub_xml_open(&x, out, false);
	if (rc) {
		free(title);
		return rc;
	}
	b->current = i;
	c->x = &x;
	bool front = epub_is_front_matter(b, i);
	epub_xhtml_begin(b, &x, title && *title ? title : b->title, front ? "frontmatter" : "bodymatter");
	xmlw_start(&x, "section");
	if (!front) {
		xmlw_attr(&x, "epub:type", "chapter");
		xmlw_attr(&x, "role", "doc-chapter");
	}
	xmlw_raw(&x, "\n", 1);
	for (galley_node *n = ch->first; n && n != ch->stop && rc == 0; n = galley_node_next(n))
		if (n != skip)
			rc = html_render_range(c, n, galley_node_next(n));
	for (size_t k = 0; k < ch->note_count && rc == 0; k++)
		rc = html_render_note(c, defs[ch->notes[k]]);
	xmlw_end(&x);
	total->dropped += x.dropped;
	c->x = total;
	free(title);
	int rc2 = epub_xml_close(&x);
	return rc ? rc : rc2;
}

static int write_chapters(epub_book *b, galley_node **defs)
{
	html_hooks hooks = {.link_href = link_href, .image_src = image_src, .raw_url = raw_url, .data = b};
	html_ctx c;
	xmlw total; /* collects the counts of dropped characters for the report */
	int rc;
	memset(&total, 0, sizeof(total));
	rc = html_ctx_init(&c, &total, b->doc, b->opts, &hooks, HTML_EPUB);
	c.ids = &b->ids;
	for (size_t i = 0; i < b->chapter_count && rc == 0; i++)
		rc = write_chapter(b, &c, defs, i, &b->chapters[i].xhtml, &total);
	for (size_t i = 0; i < b->chapter_count && rc == 0; i++) {
		count_images(b, &b->chapters[i].xhtml);
		warn_if_large(b, &b->chapters[i]);
	}
	if (rc == 0) {
		html_report_dropped(&c);
		if (b->dead_links)
			galley_report(
			    b->opts, GALLEY_WARNING, 0, 0,
			    "%zu link(s) to targets that are not in the book were written without an href",
			    b->dead_links);
	}
	html_ctx_free(&c);
	return rc;
}

/* ---- identity and time ----------------------------------------------- */

static time_t book_stamp(epub_book *b) { return galley_doc_stamp(b->doc, b->opts); }

/* The metadata's identifier, else a UUID named by the rendered content. */
static int make_identifier(epub_book *b)
{
	const char *given = galley_doc_meta(b->doc, GALLEY_META_IDENTIFIER);
	galley_buf name = GALLEY_BUF_INIT;
	uuid_t ns, id;
	char text[37];
	if (given && *given) {
		b->identifier = strdup(given);
		return b->identifier ? 0 : GALLEY_ENOMEM;
	}
	galley_buf_puts(&name, b->title);
	galley_buf_putc(&name, 0);
	galley_buf_put(&name, b->parts[PART_TITLEPAGE].data, b->parts[PART_TITLEPAGE].len);
	for (size_t i = 0; i < b->chapter_count; i++)
		galley_buf_put(&name, b->chapters[i].xhtml.data, b->chapters[i].xhtml.len);
	for (size_t i = 0; i < b->image_count; i++)
		if (b->images[i]->media_type)
			galley_buf_put(&name, b->images[i]->data, b->images[i]->len);
	if (name.failed) {
		galley_buf_free(&name);
		return GALLEY_ENOMEM;
	}
	uuid_parse(uuid_namespace, ns);
	uuid_generate_sha1(id, ns, name.data ? (const char *)name.data : "", name.len);
	uuid_unparse_lower(id, text);
	galley_buf_free(&name);
	b->identifier = malloc(sizeof("urn:uuid:") + sizeof(text));
	if (!b->identifier)
		return GALLEY_ENOMEM;
	snprintf(b->identifier, sizeof("urn:uuid:") + sizeof(text), "urn:uuid:%s", text);
	return 0;
}

/* ---- the book ---------------------------------------------------------- */

static int read_user_css(epub_book *b)
{
	const char *path = galley_options_param(b->opts, "css");
	char chunk[8192];
	size_t n;
	FILE *f;
	if (!path)
		return 0;
	f = fopen(path, "rb");
	if (!f)
		return galley_error_set(b->err, GALLEY_EINPUT, NULL, 0, 0, "cannot read stylesheet '%s': %s",
		                        path, strerror(errno));
	galley_buf_printf(&b->user_css, "\n/* %s */\n", path);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		galley_buf_put(&b->user_css, chunk, n);
	bool bad = ferror(f);
	fclose(f);
	if (bad)
		return galley_error_set(b->err, GALLEY_EINPUT, NULL, 0, 0, "cannot read stylesheet '%s'",
		                        path);
	if (galley_utf8_check((const char *)b->user_css.data, b->user_css.len) != (size_t)-1)
		return galley_error_set(b->err, GALLEY_EINPUT, NULL, 0, 0, "stylesheet '%s' is not UTF-8",
		                        path);
	return b->user_css.failed ? GALLEY_ENOMEM : 0;
}

static void add_file(epub_book *b, const char *name, const void *data, size_t len)
{
	epub_file *f = &b->files[b->file_count++];
	snprintf(f->name, sizeof(f->name), "%s", name);
	f->data = data;
	f->len = len;
}

/* Lists the container's files in the order they are zipped. */
static int plan_files(epub_book *b)
{
	static const char *const names[PART_COUNT] = {
	    "mimetype",         "META-INF/container.xml", EPUB_DIR "package.opf", EPUB_DIR "nav.xhtml",
	    EPUB_DIR "toc.ncx", EPUB_DIR "css/book.css",  EPUB_DIR "cover.xhtml", EPUB_DIR "titlepage.xhtml",
	};
	char name[64];
	b->files = calloc(PART_COUNT + b->chapter_count + b->image_count, sizeof(*b->files));
	if (!b->files)
		return GALLEY_ENOMEM;
	for (size_t i = 0; i < PART_COUNT; i++)
		if (i != PART_COVER || b->cover)
			add_file(b, names[i], b->parts[i].data, b->parts[i].len);
	for (size_t i = 0; i < b->chapter_count; i++) {
		snprintf(name, sizeof(name), EPUB_DIR "%s", b->chapters[i].file);
		add_file(b, name, b->chapters[i].xhtml.data, b->chapters[i].xhtml.len);
	}
	for (size_t i = 0; i < b->image_count; i++) {
		const epub_image *img = b->images[i];
		if (img->media_type) {
			snprintf(name, sizeof(name), EPUB_DIR "%s", img->href);
			add_file(b, name, img->data, img->len);
		}
	}
	return 0;
}

static int write_package(epub_book *b)
{
	galley_buf *part = b->parts;
	int rc = galley_buf_puts(&part[PART_MIMETYPE], "application/epub+zip");
	if (rc == 0)
		rc = epub_write_container(&part[PART_CONTAINER]);
	if (rc == 0)
		rc = epub_write_titlepage(b, &part[PART_TITLEPAGE]);
	if (rc == 0 && b->cover)
		rc = epub_write_cover(b, &part[PART_COVER]);
	if (rc == 0)
		rc = make_identifier(b);
	if (rc == 0)
		rc = epub_write_opf(b, &part[PART_OPF]);
	if (rc == 0)
		rc = epub_write_nav(b, &part[PART_NAV]);
	if (rc == 0)
		rc = epub_write_ncx(b, &part[PART_NCX]);
	if (rc == 0) {
		epub_default_css(&part[PART_CSS]);
		galley_buf_puts(&part[PART_CSS], html_highlight_css());
		galley_buf_put(&part[PART_CSS], b->user_css.data, b->user_css.len);
		rc = part[PART_CSS].failed ? GALLEY_ENOMEM : 0;
	}
	return rc;
}

/* RFC 3066 / BCP 47 in shape: 1-8 letters, then "-" and 1-8 letters or digits, any number of times. */
static bool is_language_tag(const char *tag)
{
	size_t run = 0;
	bool first = true;
	for (const char *p = tag;; p++) {
		if (*p == '-' || !*p) {
			if (run == 0 || run > 8)
				return false;
			if (!*p)
				return true;
			run = 0;
			first = false;
		} else if (isalpha((unsigned char)*p) || (!first && isdigit((unsigned char)*p))) {
			run++;
		} else {
			return false;
		}
	}
}

/* The book's language: the metadata's ("en_US" read as "en-US"), else English. */
static int pick_language(epub_book *b, const char *lang)
{
	b->lang = "en";
	if (!lang || !*lang) {
		galley_report(b->opts, GALLEY_NOTE, 0, 0,
		              "no 'lang' in the metadata; the book is marked as English (en)");
		return 0;
	}
	if (!(b->lang_buf = strdup(lang)))
		return GALLEY_ENOMEM;
	for (char *p = b->lang_buf; *p; p++)
		if (*p == '_')
			*p = '-';
	if (is_language_tag(b->lang_buf))
		b->lang = b->lang_buf;
	else
		galley_report(b->opts, GALLEY_WARNING, 0, 0,
		              "lang '%s' is not a language tag (such as en or pt-BR); the book is marked as "
		              "English (en)",
		              lang);
	return 0;
}

/* A book needs a title: the input's file name without its extension, else "Untitled". */
static int fallback_title(epub_book *b)
{
	const char *src = b->opts ? b->opts->source_name : NULL;
	const char *base = src ? strrchr(src, '/') : NULL;
	base = base ? base + 1 : src;
	if (base && *base && strcmp(base, "-") != 0) {
		const char *dot = strrchr(base, '.');
		size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
		b->title_buf = strndup(base, n);
		if (!b->title_buf)
			return GALLEY_ENOMEM;
		b->title = b->title_buf;
	} else {
		b->title = "Untitled";
	}
	galley_report(b->opts, GALLEY_WARNING, 0, 0, "no title in the metadata; the book is called '%s'",
	              b->title);
	return 0;
}

static void book_free(epub_book *b)
{
	free(b->title_buf);
	free(b->lang_buf);
	for (size_t i = 0; i < b->chapter_count; i++) {
		free(b->chapters[i].notes);
		galley_buf_free(&b->chapters[i].xhtml);
	}
	free(b->chapters);
	strmap_free(&b->chapter_of_id);
	galley_ids_free(&b->ids);
	free(b->note_chapter);
	epub_images_free(b);
	free(b->identifier);
	galley_buf_free(&b->user_css);
	galley_buf_free(&b->href);
	for (size_t i = 0; i < PART_COUNT; i++)
		galley_buf_free(&b->parts[i]);
	free(b->files);
}

static int epub_write(const galley_doc *doc, galley_buf *out, const galley_options *opts, galley_error *err)
{
	epub_book b;
	galley_node **defs = NULL;
	const char *title = galley_doc_meta(doc, GALLEY_META_TITLE);
	const char *lang = galley_doc_meta(doc, GALLEY_META_LANG);
	int rc;

	int stop;
	if ((rc = galley_tab_stop(opts, 4, err, &stop)) != 0)
		return rc;
	memset(&b, 0, sizeof(b));
	b.doc = doc;
	b.opts = opts;
	b.err = err;
	if (title && *title)
		b.title = title;
	else if ((rc = fallback_title(&b)) != 0)
		goto cleanup;
	if ((rc = pick_language(&b, lang)) != 0)
		goto cleanup;
	b.stamp = book_stamp(&b);
	if ((rc = parse_split_level(&b)) != 0 || (rc = read_user_css(&b)) != 0 ||
	    (rc = epub_max_image_size(opts, &b.max_image_side, err)) != 0)
		goto cleanup;
	b.note_chapter = calloc((size_t)galley_doc_footnote_count(doc) + 1, sizeof(int));
	defs = collect_defs(&b);
	rc = b.note_chapter && defs ? 0 : GALLEY_ENOMEM;
	if (rc == 0)
		rc = plan_chapters(&b);
	if (rc == 0)
		rc = html_ids_init(&b.ids, doc, HTML_EPUB);
	if (rc == 0)
		rc = map_targets(&b, defs);
	if (rc == 0)
		rc = epub_images_collect(&b);
	if (rc == 0)
		rc = write_chapters(&b, defs);
	if (rc == 0)
		rc = write_package(&b);
	if (rc == 0)
		rc = plan_files(&b);
	if (rc == 0)
		rc = epub_zip(&b, out);
cleanup:
	if (rc && err && err->code == 0)
		galley_error_set(err, rc, NULL, 0, 0, "cannot write the EPUB: %s", galley_strerror(rc));
	free(defs);
	book_free(&b);
	return rc;
}

static const char *const epub_exts[] = {"epub", NULL};

static const galley_param_spec epub_params[] = {
    {"split-level", "N",
     "EPUB: start a new chapter file at headings of level <= N (default: the shallowest level used; 0: one file)"},
    {"css", "FILE", "EPUB: a stylesheet appended to the default one"},
    {"no-highlight", NULL, "HTML, EPUB, PDF: fenced code with a language is not coloured"},
    {"tab-stop", "N", "EPUB, DocBook: tabs in code become spaces to stops N apart (default 4; 0 keeps them)"},
    {"max-image-size", "N", "EPUB: scale PNG and JPEG images down to fit N pixels on their longer side"},
    {NULL, NULL, NULL},
};

static int epub_check(const galley_options *opts, galley_error *err)
{
	int level;
	unsigned long side;
	const char *css = galley_options_param(opts, "css");
	if (css && access(css, R_OK) != 0)
		return galley_error_set(err, GALLEY_EINPUT, NULL, 0, 0, "cannot read stylesheet '%s': %s",
		                        css, strerror(errno));
	int rc = split_level(opts, &level, err);
	return rc ? rc : epub_max_image_size(opts, &side, err);
}

const galley_format galley_format_epub = {
    .name = "epub",
    .description = "EPUB 3 book (reproducible; chapters split at headings)",
    .read_extensions = NULL,
    .write_extensions = epub_exts,
    .mime_type = "application/epub+zip",
    .features = GALLEY_FORMAT_BINARY,
    .params = epub_params,
    .read = NULL,
    .write = epub_write,
    .check = epub_check,
};
