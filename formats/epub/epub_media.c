/*
 * epub_media.c - the images a book embeds.
 *
 * Every image path is resolved once. A book may only read files inside the
 * input's folder or the --resource-path folder: the real path (symlinks
 * resolved) must lie under one of them, so "../", absolute paths and links
 * pointing out are refused. An image that cannot be embedded (missing,
 * unreadable, refused, remote, of a type EPUB does not know) is reported with
 * its location and replaced by its alt text; the book stays valid.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "epub.h"

/* Larger images are not embedded: an e-book this heavy is a mistake. */
#define MAX_IMAGE_SIZE ((size_t)64 << 20)

typedef enum { IMG_OK, IMG_MISSING, IMG_REFUSED, IMG_UNREADABLE, IMG_TOO_BIG } img_status;

bool epub_url_has_scheme(const char *url)
{
	const char *p = url;
	if (!isalpha((unsigned char)*p))
		return false;
	while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
		p++;
	return *p == ':' || (url[0] == '/' && url[1] == '/');
}

static int hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The file path a URL names: no query or fragment, %XX decoded. Caller frees. */
static char *url_to_path(const char *url)
{
	size_t n = strcspn(url, "?#");
	char *path = malloc(n + 1), *o = path;
	if (!path)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		int hi, lo;
		if (url[i] == '%' && i + 2 < n && (hi = hex_value(url[i + 1])) >= 0 &&
		    (lo = hex_value(url[i + 2])) >= 0 && (hi || lo)) {
			*o++ = (char)(hi * 16 + lo);
			i += 2;
		} else {
			*o++ = url[i];
		}
	}
	*o = '\0';
	return path;
}

static bool is_under(const char *path, const char *root)
{
	size_t n;
	if (!root)
		return false;
	n = strlen(root);
	if (n == 1 && root[0] == '/')
		return true;
	return strncmp(path, root, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

static img_status read_image(const char *path, unsigned char **data, size_t *len)
{
	struct stat st;
	img_status status = IMG_UNREADABLE;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	unsigned char *buf = NULL;
	size_t got = 0;
	if (fd < 0)
		return errno == ENOENT ? IMG_MISSING : IMG_UNREADABLE;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		goto cleanup;
	if ((size_t)st.st_size > MAX_IMAGE_SIZE) {
		status = IMG_TOO_BIG;
		goto cleanup;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		goto cleanup;
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	if (got == (size_t)st.st_size && got > 0) {
		*data = buf;
		*len = got;
		buf = NULL;
		status = IMG_OK;
	}
cleanup:
	free(buf);
	close(fd);
	return status;
}

/* Tries `path`; refused when its real location is under neither root. */
static img_status try_path(const char *path, const char *base, const char *res, unsigned char **data,
                           size_t *len)
{
	char *real = realpath(path, NULL);
	img_status st;
	if (!real)
		return errno == ENOENT || errno == ENOTDIR ? IMG_MISSING : IMG_UNREADABLE;
	if (!is_under(real, base) && !is_under(real, res))
		st = IMG_REFUSED;
	else
		st = read_image(real, data, len);
	free(real);
	return st;
}

static char *join_path(const char *dir, const char *rel)
{
	size_t a = strlen(dir), b = strlen(rel);
	char *p = malloc(a + b + 2);
	if (!p)
		return NULL;
	memcpy(p, dir, a);
	p[a] = '/';
	memcpy(p + a + 1, rel, b + 1);
	return p;
}

/* Reads the file an image URL names, relative to the input's folder, else to --resource-path. */
static img_status load(epub_book *b, const char *url, unsigned char **data, size_t *len)
{
	const char *base_dir = galley_doc_base_dir(b->doc);
	const char *res_dir = b->opts ? b->opts->resource_path : NULL;
	char *path = url_to_path(url);
	char *base = realpath(*base_dir ? base_dir : ".", NULL);
	char *res = res_dir && *res_dir ? realpath(res_dir, NULL) : NULL;
	img_status st = IMG_MISSING, st2;
	if (!path || !*path)
		goto cleanup;
	if (path[0] == '/') {
		st = try_path(path, base, res, data, len);
	} else {
		const char *dirs[2] = {*base_dir ? base_dir : ".", res_dir && *res_dir ? res_dir : NULL};
		for (int i = 0; i < 2 && st != IMG_OK; i++) {
			char *full = dirs[i] ? join_path(dirs[i], path) : NULL;
			if (!full)
				continue;
			st2 = try_path(full, base, res, data, len);
			free(full);
			/* the most telling failure wins: refused or unreadable over missing */
			if (i == 0 || st2 == IMG_OK || st == IMG_MISSING)
				st = st2;
		}
	}
cleanup:
	free(path);
	free(base);
	free(res);
	return st;
}

/* The media type of image bytes, from their signature; NULL when EPUB does not take them. */
static const char *sniff(const unsigned char *d, size_t n)
{
	if (n >= 8 && !memcmp(d, "\x89PNG\r\n\x1a\n", 8))
		return "image/png";
	if (n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF)
		return "image/jpeg";
	if (n >= 6 && (!memcmp(d, "GIF87a", 6) || !memcmp(d, "GIF89a", 6)))
		return "image/gif";
	/* SVG: XML whose first element is <svg (after a declaration, comments, doctype) */
	size_t i = 0, lim = n < 4096 ? n : 4096;
	if (n >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF)
		i = 3;
	while (i < lim) {
		while (i < lim && isspace(d[i]))
			i++;
		if (i + 4 <= lim && !memcmp(d + i, "<svg", 4))
			return "image/svg+xml";
		if (i + 1 < lim && d[i] == '<' && (d[i + 1] == '?' || d[i + 1] == '!')) {
			const void *gt = memchr(d + i, '>', lim - i);
			if (!gt)
				return NULL;
			i = (size_t)((const unsigned char *)gt - d) + 1;
			continue;
		}
		return NULL;
	}
	return NULL;
}

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

static void warn_not_embedded(epub_book *b, const char *url, img_status st, unsigned line, unsigned col)
{
	static const char *const why[] = {
	    [IMG_MISSING] = "no such file",
	    [IMG_REFUSED] = "it lies outside the input's folder (allow its folder with --resource-path)",
	    [IMG_UNREADABLE] = "it cannot be read",
	    [IMG_TOO_BIG] = "it is larger than 64 MiB",
	};
	galley_report(b->opts, GALLEY_WARNING, line, col, "image '%s' not embedded: %s; its alt text is kept",
	              url, why[st]);
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
	img_status st;
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
	if (epub_url_has_scheme(url)) {
		galley_report(
		    b->opts, GALLEY_WARNING, line, col,
		    "image '%s' not embedded: an EPUB holds its images, it does not fetch them; its alt text "
		    "is kept",
		    url);
		return img;
	}
	st = load(b, url, &img->data, &img->len);
	if (st != IMG_OK) {
		warn_not_embedded(b, url, st, line, col);
		return img;
	}
	img->media_type = sniff(img->data, img->len);
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
