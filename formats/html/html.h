/*
 * html.h - the XHTML renderer, shared by the HTML and EPUB writers.
 *
 * It writes body content into an xmlw. Raw HTML is parsed with libxml2's HTML
 * parser, stripped of active content (see html_sanitize.c) and written back as
 * well-formed XHTML, so the output is always well-formed XML.
 */
#ifndef GALLEY_HTML_H
#define GALLEY_HTML_H

#include "../../src/ids.h"
#include "../../src/xmlw.h"

enum {
	HTML_EPUB = 1u << 0,        /* epub:type on notes, asides for footnotes, no inputs */
	HTML_PASSTHROUGH = 1u << 1, /* internal: raw HTML written as it is, for re-parsing */
	HTML_OWN_IDS = 1u << 2      /* internal: sanitizing such text, whose HTML_OWN_ID attributes are ids */
};

/* The attribute that carries the renderer's own ids through the sanitizer (HTML_PASSTHROUGH). */
#define HTML_OWN_ID "data-galley-own-id"

typedef struct html_hooks {
	/*
	 * The href for a link to `url` (for example "ch2.xhtml#id" for "#id"); NULL keeps it, ""
	 * writes the link without an href (its target is not in the output). Also asked for the
	 * "#fn-N" of footnote references and the "#fnref-N" of the links back.
	 */
	const char *(*link_href)(void *data, const char *url);
	/* The src for an image; NULL leaves the image out and writes its alt text. */
	const char *(*image_src)(void *data, const galley_node *image);
	/*
	 * A URL in raw HTML: the href of an <a> or the src of an <img>, found in
	 * the raw node `at`. NULL keeps it; "" drops the href, or writes the
	 * image's alt text in place of the image. May be NULL.
	 */
	const char *(*raw_url)(void *data, const char *element, const char *url, const galley_node *at);
	void *data;
} html_hooks;

/* Section numbers as the headings come (html_toc.c). */
typedef struct html_sections {
	int base;      /* the shallowest heading level: numbered "1" */
	int count[6];  /* the current number at each level below it */
	char text[64]; /* the last number made, "2.1" */
} html_sections;

typedef struct html_ctx {
	xmlw *x;
	const galley_doc *doc;
	const galley_options *opts;
	const html_hooks *hooks; /* may be NULL */
	galley_ids *ids;         /* the ids headings and raw HTML are written with; NULL: as they are */
	unsigned flags;
	int column;                /* table cell being written */
	int *note_refs;            /* per footnote number: references written so far */
	galley_buf scratch;        /* alt text, escaped URLs */
	const galley_node *raw_at; /* the node whose raw HTML is being written */
	size_t raw_dropped;        /* active elements and attributes removed from raw HTML */
	html_sections *sections;   /* numbers headings when set (--number-sections) */
	int tab_stop; /* code: tabs expanded to stops this far apart (EPUB: --tab-stop, 4); 0 keeps them */
} html_ctx;

/** Prepares a context; `x` must be open. Free with html_ctx_free. */
int html_ctx_init(html_ctx *c, xmlw *x, const galley_doc *doc, const galley_options *opts,
                  const html_hooks *hooks, unsigned flags);
void html_ctx_free(html_ctx *c);

/** Renders `node` and its subtree. */
int html_render(html_ctx *c, galley_node *node);

/** Renders the blocks from `first` up to, not including, `stop` (NULL: to the end). */
int html_render_range(html_ctx *c, galley_node *first, galley_node *stop);

/**
 * Renders one footnote definition as a list item (HTML) or an aside (EPUB),
 * with a link back to its first reference (an aside opens with its number
 * as that link; a list item ends with an arrow).
 */
int html_render_note(html_ctx *c, galley_node *def);

/** Whether `dir` is a value HTML's dir attribute takes (ltr, rtl, auto). */
bool html_dir_valid(const char *dir);

/** The colours of highlighted code (classes hl-kw, hl-str, ...), for HTML and EPUB. Static. */
const char *html_highlight_css(void);

/** The default stylesheet of standalone HTML. Static. */
const char *html_default_css(void);

/** Warns about characters and raw HTML the rendering dropped. */
void html_report_dropped(html_ctx *c);

/* html_toc.c: section numbers and the table of contents of standalone HTML. */
void html_sections_init(html_sections *s, const galley_doc *doc);
/** The next number of a heading of `level` ("1.2"), valid until the next call. */
const char *html_section_number(html_sections *s, int level);
/** <span class="section-number">NUMBER</span> and a space. */
void html_write_section_number(xmlw *x, const char *number);
/** <nav id="toc"> with links to the headings down to `depth` levels below the shallowest. */
int html_write_toc(xmlw *x, const galley_doc *doc, int depth, bool numbered);

/* html_embed.c: images as data: URIs for self-contained HTML (--embed-resources). */
typedef struct html_embed {
	html_hooks hooks; /* image_src and raw_url, for html_ctx_init */
	const galley_doc *doc;
	const galley_options *opts;
	galley_buf uri; /* the last data: URI made */
} html_embed;
void html_embed_init(html_embed *e, const galley_doc *doc, const galley_options *opts);
void html_embed_free(html_embed *e);
/** A registry of the ids the renderer writes (see src/ids.h); free it with galley_ids_free. */
int html_ids_init(galley_ids *ids, const galley_doc *doc, unsigned flags);

/* html_sanitize.c: parses raw HTML `src` and writes it as sanitized XHTML. */
int html_write_sanitized(html_ctx *c, const char *src, size_t len);

/*
 * True when raw HTML closes every element it opens and closes none it did
 * not open, so it can be sanitized on its own; false when it has to be
 * parsed together with its siblings ("<div>" ... markdown ... "</div>").
 */
bool html_is_self_contained(const char *src, size_t len);

/** True when raw HTML's element `name` is written with its attributes under `flags`. */
bool html_element_kept(unsigned flags, const char *name);

#endif
