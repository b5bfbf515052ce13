/*
 * epub_media.c - the images a book embeds.
 *
 * Every image path is resolved once, through src/resource.c: only files
 * inside the input's folder or the --resource-path folder are read ("../",
 * absolute paths and links pointing out are refused). An image that cannot be embedded (missing,
 * unreadable, refused, remote, of a type EPUB does not know) is reported with
 * its location and replaced by its alt text; the book stays valid.
 */
#include <stdlib.h>
#include <string.h>

#include "../../src/resource.h"
#include "epub.h"

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

static void warn_not_embedded(epub_book *b, const char *url, galley_res_status st, unsigned line, unsigned col)
{
	galley_report(b->opts, GALLEY_WARNING, line, col, "image '%s' not embedded: %s; its alt text is kept", url,
	              galley_resource_status_text(st));
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
		galley_report(
		    b->opts, GALLEY_WARNING, line, col,
		    "image '%s' not embedded: it is not a local file (a book packs its images, it does not "
		    "fetch them); its alt text is kept",
		    url);
		return img;
	}
	st = galley_resource_load(b->doc, b->opts, url, &img->data, &img->len);
	if (st != GALLEY_RES_OK) {
		warn_not_embedded(b, url, st, line, col);
		return img;
	}
	img->media_type = galley_image_type(img->data, img->len);
	if (!img->media_type) {
		galley_report(
		    b->opts, GALLEY_WARNING, line, col,
		    "image '%s' not embedded: it is not PNG, JPEG, GIF or SVG; its alt text is kept", url);
		free(img->data);
		img->data = NULL;
		img->len = 0;
		return img;
	}
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
		if (w.event == GALLEY_EVENT_ENTER && n->type == GALLEY_NODE_IMAGE && n->url &&
		    !epub_image_get(b, n->url, n->line, n->col))
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
