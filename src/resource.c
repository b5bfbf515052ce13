/* resource.c - reading the files a document refers to, within the allowed folders. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "resource.h"

bool galley_url_has_scheme(const char *url)
{
	const char *p = url;
	if (url[0] == '/' && url[1] == '/')
		return true; /* network-path reference */
	if (!isalpha((unsigned char)*p))
		return false;
	while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.')
		p++;
	return *p == ':';
}

const char *galley_resource_status_text(galley_res_status st)
{
	switch (st) {
	case GALLEY_RES_OK:
		return "read";
	case GALLEY_RES_REMOTE:
		return "it is not a local file (galley reads no network)";
	case GALLEY_RES_MISSING:
		return "no such file";
	case GALLEY_RES_REFUSED:
		return "it lies outside the input's folder and the resource path";
	case GALLEY_RES_UNREADABLE:
		return "it cannot be read";
	case GALLEY_RES_TOO_BIG:
		return "it is larger than 64 MiB";
	default:
		return "out of memory";
	}
}

static int hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

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

static galley_res_status read_image(const char *path, unsigned char **data, size_t *len)
{
	struct stat st;
	galley_res_status status = GALLEY_RES_UNREADABLE;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	unsigned char *buf = NULL;
	size_t got = 0;
	if (fd < 0)
		return errno == ENOENT ? GALLEY_RES_MISSING : GALLEY_RES_UNREADABLE;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		goto cleanup;
	if ((size_t)st.st_size > GALLEY_MAX_RESOURCE_SIZE) {
		status = GALLEY_RES_TOO_BIG;
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
		status = GALLEY_RES_OK;
	}
cleanup:
	free(buf);
	close(fd);
	return status;
}

/*
 * The folders resources may come from: the input's folder, then each folder
 * of --resource-path ("a:b", as pandoc takes it), each with its real
 * location (symbolic links resolved) that a file's real location must lie
 * under.
 */
typedef struct res_roots {
	char **dir;  /* as given, for joining with a relative path */
	char **real; /* realpath of each; NULL when it does not exist */
	size_t n;
} res_roots;

static void roots_free(res_roots *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->dir[i]);
		free(r->real[i]);
	}
	free(r->dir);
	free(r->real);
}

static int roots_add(res_roots *r, const char *dir, size_t len)
{
	char *copy = strndup(dir, len);
	if (!copy)
		return -1;
	r->dir[r->n] = copy;
	r->real[r->n] = realpath(copy, NULL);
	r->n++;
	return 0;
}

static int roots_init(res_roots *r, const char *base_dir, const char *list)
{
	size_t cap = 2;
	for (const char *p = list; p && *p; p++)
		cap += *p == ':';
	r->n = 0;
	r->dir = calloc(cap, sizeof(*r->dir));
	r->real = calloc(cap, sizeof(*r->real));
	if (!r->dir || !r->real ||
	    roots_add(r, *base_dir ? base_dir : ".", strlen(*base_dir ? base_dir : ".")))
		return -1;
	while (list && *list) {
		size_t n = strcspn(list, ":");
		if (n && roots_add(r, list, n))
			return -1;
		list += n + (list[n] == ':');
	}
	return 0;
}

/* Tries `path`; refused when its real location is under none of the roots nor
 * the folder of one of a book's inputs. */
static galley_res_status try_path(const galley_doc *doc, const char *path, const res_roots *roots,
                                  unsigned char **data, size_t *len)
{
	char *real = realpath(path, NULL);
	galley_res_status st = GALLEY_RES_REFUSED;
	if (!real)
		return errno == ENOENT || errno == ENOTDIR ? GALLEY_RES_MISSING : GALLEY_RES_UNREADABLE;
	for (size_t i = 0; i < roots->n && st == GALLEY_RES_REFUSED; i++)
		if (is_under(real, roots->real[i]))
			st = read_image(real, data, len);
	if (st == GALLEY_RES_REFUSED && galley_book_allows(doc, real))
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

/* Relative to the input's folder, else to each --resource-path folder in turn (see resource.h). */
galley_res_status galley_resource_load(const galley_doc *doc, const galley_options *opts, const char *url,
                                       unsigned char **data, size_t *len)
{
	res_roots roots = {NULL, NULL, 0};
	char *path = url_to_path(url);
	galley_res_status st = GALLEY_RES_MISSING, st2;
	if (galley_url_has_scheme(url)) {
		st = GALLEY_RES_REMOTE;
		goto cleanup;
	}
	if (roots_init(&roots, galley_doc_base_dir(doc), opts ? opts->resource_path : NULL) != 0) {
		st = GALLEY_RES_NOMEM;
		goto cleanup;
	}
	if (!path || !*path)
		goto cleanup;
	if (path[0] == '/') {
		st = try_path(doc, path, &roots, data, len);
		goto cleanup;
	}
	for (size_t i = 0; i < roots.n && st != GALLEY_RES_OK; i++) {
		char *full = join_path(roots.dir[i], path);
		if (!full)
			continue;
		st2 = try_path(doc, full, &roots, data, len);
		free(full);
		/* the most telling failure wins: refused or unreadable over missing */
		if (i == 0 || st2 == GALLEY_RES_OK || st == GALLEY_RES_MISSING)
			st = st2;
	}
cleanup:
	free(path);
	roots_free(&roots);
	return st;
}

/* The media type of image bytes, from their signature; NULL for anything but PNG, JPEG, GIF and SVG. */
const char *galley_image_type(const unsigned char *d, size_t n)
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
