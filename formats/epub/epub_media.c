/*
 * epub_media.c - the images a book embeds.
 *
 * Every image path is resolved once, through src/resource.c: only files
 * inside the input's folder or the --resource-path folder are read ("../",
 * absolute paths and links pointing out are refused). An image that cannot be embedded (missing,
 * unreadable, refused, remote, of a type EPUB does not know) is reported with
 * its location and replaced by its alt text; the book stays valid.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "../../src/resource.h"
#include "epub.h"

/* Says why an image is left out, and what stands in its place. */
static void warn_left_out(epub_book *b, const epub_image *img, const char *why, unsigned line, unsigned col)
{
	if (img->cover)
		galley_report(b->opts, GALLEY_WARNING, line, col,
		              "cover image '%s' not embedded: %s; the book has no cover", img->url, why);
	else
		galley_report(b->opts, GALLEY_WARNING, line, col,
		              "image '%s' not embedded: %s; its alt text is kept", img->url, why);
}

/* ---- SVG ------------------------------------------------------------ */

/* A reference an SVG may keep: to a part of itself, or bytes of a raster image. */
static bool svg_reference_allowed(const char *v)
{
	v += strspn(v, " \t\r\n");
	return v[0] == '#' || !strncasecmp(v, "data:image/png", 14) ||
	       !strncasecmp(v, "data:image/jpeg", 15) || !strncasecmp(v, "data:image/gif", 14);
}

/* True when CSS text reaches outside the image (@import, url() to anything but a fragment). */
static bool css_reaches_out(const char *css)
{
	if (strcasestr(css, "@import"))
		return true;
	for (const char *p = css; (p = strcasestr(p, "url(")) != NULL;) {
		p += 4;
		p += strspn(p, " \t\r\n\"'");
		if (*p != '#')
			return true;
	}
	return false;
}

/* Removes the attributes of `el` that run code or fetch something; the count removed. */
static size_t svg_clean_attributes(xmlNodePtr el)
{
	size_t removed = 0;
	for (xmlAttrPtr a = el->properties, next; a; a = next) {
		xmlChar *v = xmlNodeListGetString(el->doc, a->children, 1);
		const char *name = (const char *)a->name;
		const char *value = v ? (const char *)v : "";
		bool drop = !strncasecmp(name, "on", 2) ||
		            (!strcasecmp(name, "href") && !svg_reference_allowed(value)) ||
		            (!strcasecmp(name, "style") && css_reaches_out(value));
		next = a->next;
		xmlFree(v);
		if (drop) {
			xmlRemoveProp(a);
			removed++;
		}
	}
	return removed;
}

static bool svg_element_dropped(xmlNodePtr el)
{
	const char *name = (const char *)el->name;
	if (!strcmp(name, "script") || !strcmp(name, "foreignObject") || !strcmp(name, "handler"))
		return true;
	if (!strcmp(name, "style")) {
		xmlChar *css = xmlNodeGetContent(el);
		bool out = css && css_reaches_out((const char *)css);
		xmlFree(css);
		return out;
	}
	return false;
}

/* The node after `n` in document order, its subtree skipped; NULL at the end of `top`. */
static xmlNodePtr svg_next(xmlNodePtr n, xmlNodePtr top)
{
	while (n && n != top && !n->next)
		n = n->parent;
	return n && n != top ? n->next : NULL;
}

/* Strips scripts, event handlers, processing instructions and references out of the image. */
static size_t svg_clean(xmlNodePtr root)
{
	size_t removed = 0;
	xmlNodePtr n = root;
	while (n) {
		xmlNodePtr next;
		bool drop = n->type == XML_PI_NODE || (n->type == XML_ELEMENT_NODE && svg_element_dropped(n));
		if (drop || n->type != XML_ELEMENT_NODE || !n->children)
			next = svg_next(n, root);
		else
			next = n->children;
		if (drop) {
			xmlUnlinkNode(n);
			xmlFreeNode(n);
			removed++;
		} else if (n->type == XML_ELEMENT_NODE) {
			removed += svg_clean_attributes(n);
			if (!strcmp((const char *)n->name, "a") && !xmlHasProp(n, BAD_CAST "href"))
				xmlNodeSetName(n, BAD_CAST "g"); /* a link to nowhere is a group */
		}
		n = next;
	}
	return removed;
}

/*
 * An SVG image is a document that can run scripts and fetch files: it is
 * parsed (no network, no entity expansion), stripped of both, and packed as
 * it serializes. false, with a warning, when it cannot be embedded.
 */
static bool sanitize_svg(epub_book *b, epub_image *img, unsigned line, unsigned col)
{
	xmlDocPtr doc = img->len <= INT32_MAX
	                    ? xmlReadMemory((const char *)img->data, (int)img->len, NULL, NULL,
	                                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)
	                    : NULL;
	xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
	const char *why = NULL;
	xmlChar *mem = NULL;
	int size = 0;
	size_t removed = 0;
	if (!root || strcmp((const char *)root->name, "svg"))
		why = "it is not well-formed SVG";
	else if (doc->intSubset && doc->intSubset->entities)
		why = "it declares entities";
	if (!why) {
		for (xmlNodePtr n = doc->children, next; n; n = next) { /* the DTD, processing instructions */
			next = n->next;
			if (n != root) {
				xmlUnlinkNode(n);
				xmlFreeNode(n);
			}
		}
		doc->intSubset = NULL;
		removed = svg_clean(root);
		xmlDocDumpMemoryEnc(doc, &mem, &size, "UTF-8");
		if (!mem)
			why = "out of memory";
	}
	xmlFreeDoc(doc);
	if (!why && (img->data = realloc(img->data, (size_t)size)) != NULL) {
		memcpy(img->data, mem, (size_t)size);
		img->len = (size_t)size;
	} else if (!why) {
		why = "out of memory";
	}
	xmlFree(mem);
	if (why) {
		warn_left_out(b, img, why, line, col);
		return false;
	}
	if (removed)
		galley_report(
		    b->opts, GALLEY_WARNING, line, col,
		    "image '%s': %zu script(s), event handler(s) or outside reference(s) removed from the SVG",
		    img->url, removed);
	return true;
}

/* ---- images ----------------------------------------------------------- */

static const char *extension_of(const char *media_type)
{
	if (!strcmp(media_type, "image/png"))
		return "png";
	if (!strcmp(media_type, "image/jpeg"))
		return "jpg";
	if (!strcmp(media_type, "image/gif"))
		return "gif";
	return "svg";
}

/* An embedded image with the same bytes, or NULL. */
static epub_image *find_same(const epub_book *b, const epub_image *img)
{
	for (size_t i = 0; i < b->image_count; i++) {
		epub_image *other = b->images[i];
		if (other != img && other->media_type && other->len == img->len &&
		    !memcmp(other->data, img->data, img->len))
			return other;
	}
	return NULL;
}

/*
 * Resolves one URL into a new image entry (media_type NULL when it is left
 * out). A file already embedded under another URL (a link, "./x.png") is
 * not packed twice: the entry points at the first one, which is returned.
 */
static epub_image *add_image(epub_book *b, const char *url, bool cover, unsigned line, unsigned col)
{
	epub_image *img;
	galley_res_status st;
	if (b->image_count % 16 == 0) {
		epub_image **grown = realloc(b->images, (b->image_count + 16) * sizeof(*grown));
		if (!grown)
			return NULL;
		b->images = grown;
	}
	img = calloc(1, sizeof(*img));
	if (!img || !(img->url = strdup(url))) {
		free(img);
		return NULL;
	}
	b->images[b->image_count++] = img;
	img->cover = cover;
	if (strmap_put(&b->images_by_url, img->url, img) != 0)
		return NULL;
	if (galley_url_has_scheme(url)) {
		warn_left_out(b, img,
		              "it is not a local file (a book packs its images, it does not fetch them)",
		              line, col);
		return img;
	}
	st = galley_resource_load(b->doc, b->opts, url, &img->data, &img->len);
	if (st != GALLEY_RES_OK) {
		warn_left_out(b, img, galley_resource_status_text(st), line, col);
		return img;
	}
	img->media_type = galley_image_type(img->data, img->len);
	if (!img->media_type) {
		warn_left_out(b, img, "it is not PNG, JPEG, GIF or SVG", line, col);
		free(img->data);
		img->data = NULL;
		img->len = 0;
		return img;
	}
	if (!strcmp(img->media_type, "image/svg+xml") && !sanitize_svg(b, img, line, col)) {
		free(img->data);
		img->data = NULL;
		img->len = 0;
		img->media_type = NULL;
		return img;
	}
	epub_image_fit(b, img, line, col);
	if ((img->same_as = find_same(b, img)) != NULL) {
		free(img->data);
		img->data = NULL;
		img->len = 0;
		img->media_type = NULL;
		img->same_as->cover |= cover;
		return img->same_as;
	}
	if (cover) {
		snprintf(img->href, sizeof(img->href), "images/cover.%s", extension_of(img->media_type));
		snprintf(img->id, sizeof(img->id), "cover-image");
	} else {
		snprintf(img->href, sizeof(img->href), "images/image-%zu.%s", b->image_count,
		         extension_of(img->media_type));
		snprintf(img->id, sizeof(img->id), "image-%zu", b->image_count);
	}
	return img;
}

static epub_image *lookup(const epub_book *b, const char *url)
{
	epub_image *img = strmap_get(&b->images_by_url, url);
	return img && img->same_as ? img->same_as : img;
}

epub_image *epub_image_get(epub_book *b, const char *url, unsigned line, unsigned col)
{
	epub_image *img = lookup(b, url);
	return img ? img : add_image(b, url, false, line, col);
}

int epub_images_collect(epub_book *b)
{
	galley_walk w;
	const char *cover = galley_doc_meta(b->doc, GALLEY_META_COVER_IMAGE);
	galley_walk_init(&w, galley_doc_root(b->doc));
	while (galley_walk_next(&w) != GALLEY_EVENT_DONE) {
		const galley_node *n = w.node;
		if (w.event == GALLEY_EVENT_ENTER && galley_node_get_type(n) == GALLEY_NODE_IMAGE &&
		    galley_node_url(n) &&
		    !epub_image_get(b, galley_node_url(n), galley_node_line(n), galley_node_column(n)))
			return GALLEY_ENOMEM;
	}
	if (cover && *cover) {
		epub_image *img = lookup(b, cover);
		if (img)
			img->cover = true;
		else if (!(img = add_image(b, cover, true, 0, 0)))
			return GALLEY_ENOMEM;
		if (img->media_type)
			b->cover = img;
	}
	return 0;
}

void epub_images_free(epub_book *b)
{
	for (size_t i = 0; i < b->image_count; i++) {
		free(b->images[i]->data);
		free(b->images[i]->url);
		free(b->images[i]);
	}
	free(b->images);
	b->images = NULL;
	b->image_count = 0;
	strmap_free(&b->images_by_url);
}
