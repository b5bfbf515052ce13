/*
 * html_embed.c - self-contained HTML (--embed-resources): each local image
 * the page shows becomes a data: URI, read through src/resource.c from the
 * input's folder and the --resource-path folders only. An image that cannot
 * be embedded is reported with its location and keeps its URL. SVG stays a
 * link: a data:image/svg+xml URI can carry script, and the renderer refuses
 * it as active content.
 */
#include <stdlib.h>
#include <string.h>

#include "../../src/resource.h"
#include "html.h"

static void put_base64(galley_buf *out, const unsigned char *d, size_t n)
{
	static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	if (galley_buf_grow(out, (n + 2) / 3 * 4 + 1) != 0)
		return;
	char *o = (char *)out->data + out->len;
	size_t i = 0;
	for (; i + 2 < n; i += 3) {
		unsigned v = (unsigned)d[i] << 16 | (unsigned)d[i + 1] << 8 | d[i + 2];
		*o++ = digits[v >> 18];
		*o++ = digits[(v >> 12) & 63];
		*o++ = digits[(v >> 6) & 63];
		*o++ = digits[v & 63];
	}
	if (i < n) {
		unsigned v = (unsigned)d[i] << 16 | (i + 1 < n ? (unsigned)d[i + 1] << 8 : 0);
		*o++ = digits[v >> 18];
		*o++ = digits[(v >> 12) & 63];
		*o++ = i + 1 < n ? digits[(v >> 6) & 63] : '=';
		*o++ = '=';
	}
	out->len = (size_t)(o - (char *)out->data);
	out->data[out->len] = '\0';
}

/* The data: URI for `url`, in e->uri until the next call; NULL (warned) when it is not embedded. */
static const char *data_uri(html_embed *e, const char *url, unsigned line, unsigned col)
{
	unsigned char *data = NULL;
	size_t len = 0;
	const char *why = NULL;
	galley_res_status st = galley_resource_load(e->doc, e->opts, url, &data, &len);
	const char *type = st == GALLEY_RES_OK ? galley_image_type(data, len) : NULL;
	if (st != GALLEY_RES_OK)
		why = galley_resource_status_text(st);
	else if (!type)
		why = "it is not PNG, JPEG, GIF or SVG";
	else if (!strcmp(type, "image/svg+xml"))
		why = "SVG is linked, not embedded (an SVG data: URI may carry script)";
	if (why) {
		galley_report(e->opts, GALLEY_WARNING, line, col,
		              "image '%s' not embedded: %s; it stays a link", url, why);
		free(data);
		return NULL;
	}
	e->uri.len = 0;
	galley_buf_printf(&e->uri, "data:%s;base64,", type);
	put_base64(&e->uri, data, len);
	free(data);
	return e->uri.failed ? NULL : (const char *)e->uri.data;
}

static const char *image_src(void *data, const galley_node *image)
{
	const char *url = galley_node_url(image);
	const char *uri =
	    *url ? data_uri(data, url, galley_node_line(image), galley_node_column(image)) : NULL;
	return uri ? uri : url;
}

static const char *raw_url(void *data, const char *element, const char *url, const galley_node *at)
{
	if (strcmp(element, "img") != 0)
		return NULL;
	return data_uri(data, url, at ? galley_node_line(at) : 0, at ? galley_node_column(at) : 0);
}

void html_embed_init(html_embed *e, const galley_doc *doc, const galley_options *opts)
{
	memset(e, 0, sizeof(*e));
	e->doc = doc;
	e->opts = opts;
	e->hooks.image_src = image_src;
	e->hooks.raw_url = raw_url;
	e->hooks.data = e;
}

void html_embed_free(html_embed *e) { galley_buf_free(&e->uri); }
