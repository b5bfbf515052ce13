/*
 * epub.h - the EPUB 3 writer's shared state.
 *
 * The writer plans the book first (chapters, images, where every id lives),
 * then renders each file into its own buffer, and finally packs the buffers
 * into a zip held in memory (epub_zip.c). Everything a book owns is released
 * by epub_book_free().
 *
 * Layout of the container:
 *   mimetype, META-INF/container.xml,
 *   EPUB/package.opf, EPUB/nav.xhtml, EPUB/toc.ncx, EPUB/css/book.css,
 *   EPUB/cover.xhtml, EPUB/titlepage.xhtml, EPUB/chapterN.xhtml,
 *   EPUB/images/image-N.EXT
 */
#ifndef GALLEY_EPUB_H
#define GALLEY_EPUB_H

#include <stdbool.h>
#include <time.h>

#include "../../src/strmap.h"
#include "../html/html.h"

#define EPUB_DIR "EPUB/"

typedef struct epub_image {
	char *url;              /* as written in the input (owned); the key of book->images_by_url */
	char href[48];          /* inside EPUB/, "images/image-3.png" */
	char id[24];            /* manifest id */
	const char *media_type; /* NULL when the image could not be embedded */
	unsigned char *data;
	size_t len;
	bool cover;
	struct epub_image *same_as; /* the entry holding the same bytes under another URL, or NULL */
} epub_image;

typedef struct epub_chapter {
	galley_node *first;   /* first block */
	galley_node *stop;    /* the block after the last, or NULL */
	galley_node *heading; /* the heading that opens it, or NULL */
	char file[32];        /* "chapter3.xhtml" */
	int *notes;           /* footnote numbers whose asides end this chapter */
	size_t note_count;
	galley_buf xhtml; /* the rendered file */
} epub_chapter;

/* A file of the container, in the order it is zipped; the bytes belong to the book. */
typedef struct epub_file {
	char name[64];
	const unsigned char *data;
	size_t len;
} epub_file;

/* The files around the chapters, each rendered into its own buffer. */
enum {
	PART_MIMETYPE,
	PART_CONTAINER,
	PART_OPF,
	PART_NAV,
	PART_NCX,
	PART_CSS,
	PART_COVER,
	PART_TITLEPAGE,
	PART_COUNT
};

typedef struct epub_book {
	const galley_doc *doc;
	const galley_options *opts;
	galley_error *err;
	const char *lang;
	char *lang_buf; /* owns the language tag when it had to be mended */
	const char *title;
	char *title_buf; /* owns the title when it is not the metadata's */
	int split_level;
	unsigned long max_image_side; /* --max-image-size, 0 when not given */

	epub_chapter *chapters;
	size_t chapter_count;
	galley_ids ids;       /* the ids of headings and raw HTML, unique across the book */
	strmap chapter_of_id; /* those ids -> chapter index + 1 (as a pointer) */
	int *note_chapter;    /* per footnote number: its chapter index + 1, 0 when unplaced */

	epub_image **images; /* in order of first use */
	size_t image_count;
	strmap images_by_url;
	epub_image *cover;
	size_t images_in_text;     /* <img> elements in the chapters, counted once they are written */
	size_t images_without_alt; /* of those, the ones with an empty alt */

	char *identifier; /* dc:identifier */
	time_t stamp;     /* dcterms:modified and the zip entries' times */
	galley_buf user_css;

	galley_buf parts[PART_COUNT];
	epub_file *files;
	size_t file_count;

	/* state while rendering */
	size_t current;    /* index of the chapter being written */
	galley_buf href;   /* the link_href hook's answer */
	size_t dead_links; /* links to ids that are nowhere in the book */
} epub_book;

/* epub_media.c */
/** Finds every image node (and the cover) and reads the ones that may be embedded. */
int epub_images_collect(epub_book *b);
/**
 * The image a URL names, read and added on first use (warnings at line:col);
 * NULL when out of memory. Its media_type is NULL when it is not embedded.
 */
epub_image *epub_image_get(epub_book *b, const char *url, unsigned line, unsigned col);
void epub_images_free(epub_book *b);

/* epub_scale.c */
/** The width and height in pixels of a PNG, JPEG or GIF image. */
bool epub_image_size(const epub_image *img, unsigned long *w, unsigned long *h);
/** Reads --max-image-size into *max_side (0 when not given). */
int epub_max_image_size(const galley_options *opts, unsigned long *max_side, galley_error *err);
/** Scales an image down to --max-image-size, or reports it when it is huge. */
void epub_image_fit(epub_book *b, epub_image *img, unsigned line, unsigned col);

/* epub_package.c */
/** Opens a writer on `out` and writes the XML declaration. */
int epub_xml_open(xmlw *x, galley_buf *out, bool indent);
/** Closes what is open, ends the document and frees the writer. */
int epub_xml_close(xmlw *x);
int epub_write_container(galley_buf *out);
int epub_write_opf(epub_book *b, galley_buf *out);
int epub_write_nav(epub_book *b, galley_buf *out);
int epub_write_ncx(epub_book *b, galley_buf *out);
int epub_write_titlepage(epub_book *b, galley_buf *out);
int epub_write_cover(epub_book *b, galley_buf *out);
/** Starts an XHTML content document up to and including <body>. */
void epub_xhtml_begin(epub_book *b, xmlw *x, const char *title, const char *body_type);
/** The title of the table of contents: -M toc-title=..., else "Contents" in the book's language. */
const char *epub_toc_title(const epub_book *b);
/** True when chapter `i` holds the text before the first heading (it is front matter). */
bool epub_is_front_matter(const epub_book *b, size_t i);
/** True when the book has a nav entry to list: a top-level heading with text. */
bool epub_heading_listed(const epub_book *b, const galley_node *n);

/* epub_zip.c */
/** Packs b->files into a zip appended to `out`. */
int epub_zip(epub_book *b, galley_buf *out);

/* epub_css.c */
/** Appends the default stylesheet. */
int epub_default_css(galley_buf *out);

#endif
