/*
 * epub_scale.c - images too large for a reading system.
 *
 * Phones and e-readers decode every image whole: a 6000x4500 photograph
 * takes 100 MB once decoded, and some reading systems refuse images over
 * a few megapixels. Such images are reported, and with --max-image-size N
 * the PNG and JPEG ones are scaled down to fit N pixels on their longer
 * side (libpng and libjpeg decode and encode them).
 */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <png.h>

#include "epub.h"

/* Above this many pixels, an image is reported (Apple Books' advice: 4 million at most). */
#define HUGE_PIXELS 4000000.0
/* Above this many bytes too: it makes the book slow to open and to send. */
#define HUGE_BYTES ((size_t)5 << 20)

static unsigned be16(const unsigned char *p) { return (unsigned)p[0] << 8 | p[1]; }
static unsigned long be32(const unsigned char *p)
{
	return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 | p[3];
}

/* The width and height of a JPEG, from its first start-of-frame segment. */
static bool jpeg_size(const unsigned char *d, size_t n, unsigned long *w, unsigned long *h)
{
	size_t i = 2;
	while (i + 9 < n) {
		unsigned marker;
		if (d[i] != 0xFF)
			return false;
		marker = d[i + 1];
		if (marker == 0xFF) {
			i++;
			continue;
		}
		if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
			*h = be16(d + i + 5);
			*w = be16(d + i + 7);
			return true;
		}
		i += 2 + be16(d + i + 2);
	}
	return false;
}

bool epub_image_size(const epub_image *img, unsigned long *w, unsigned long *h)
{
	const unsigned char *d = img->data;
	size_t n = img->len;
	if (!img->media_type || !d)
		return false;
	if (!strcmp(img->media_type, "image/png") && n >= 24) {
		*w = be32(d + 16);
		*h = be32(d + 20);
		return true;
	}
	if (!strcmp(img->media_type, "image/gif") && n >= 10) {
		*w = (unsigned long)d[6] | (unsigned long)d[7] << 8;
		*h = (unsigned long)d[8] | (unsigned long)d[9] << 8;
		return true;
	}
	if (!strcmp(img->media_type, "image/jpeg"))
		return jpeg_size(d, n, w, h);
	return false;
}

static void epub_image_check_size(epub_book *b, const epub_image *img, unsigned line, unsigned col)
{
	unsigned long w = 0, h = 0;
	bool sized = epub_image_size(img, &w, &h);
	double pixels = (double)w * (double)h;
	if (!(sized && pixels > HUGE_PIXELS) && img->len <= HUGE_BYTES)
		return;
	galley_report(
	    b->opts, GALLEY_WARNING, line, col,
	    "image '%s' is %lux%lu pixels, %.1f MB: reading systems may show it slowly or not at all "
	    "(--max-image-size 2000 scales PNG and JPEG images down)",
	    img->url, w, h, (double)img->len / (1024.0 * 1024.0));
}

/* ---- scaling down ------------------------------------------------------ */

/* Pixels, `channels` bytes each, row after row. */
typedef struct raster {
	unsigned char *px;
	unsigned long w, h;
	int channels;
} raster;

/*
 * Box filter: each output pixel is the mean of the input pixels under it,
 * which keeps fine detail from aliasing when the factor is large.
 */
static bool shrink(const raster *in, raster *out)
{
	out->channels = in->channels;
	out->px = malloc((size_t)out->w * out->h * (size_t)out->channels);
	if (!out->px)
		return false;
	for (unsigned long y = 0; y < out->h; y++) {
		unsigned long y0 = y * in->h / out->h, y1 = (y + 1) * in->h / out->h;
		if (y1 <= y0)
			y1 = y0 + 1;
		for (unsigned long x = 0; x < out->w; x++) {
			unsigned long x0 = x * in->w / out->w, x1 = (x + 1) * in->w / out->w;
			if (x1 <= x0)
				x1 = x0 + 1;
			for (int c = 0; c < in->channels; c++) {
				unsigned long long sum = 0;
				for (unsigned long yy = y0; yy < y1; yy++)
					for (unsigned long xx = x0; xx < x1; xx++)
						sum += in->px[(yy * in->w + xx) * (size_t)in->channels +
						              (size_t)c];
				out->px[(y * out->w + x) * (size_t)out->channels + (size_t)c] =
				    (unsigned char)(sum / ((y1 - y0) * (x1 - x0)));
			}
		}
	}
	return true;
}

typedef struct jpeg_failure {
	struct jpeg_error_mgr mgr;
	jmp_buf jump;
} jpeg_failure;

static void jpeg_fail(j_common_ptr cinfo) { longjmp(((jpeg_failure *)cinfo->err)->jump, 1); }

static void jpeg_quiet(j_common_ptr cinfo, int level) { (void)cinfo, (void)level; }

/* Decodes a JPEG, letting libjpeg scale it by 1/2, 1/4 or 1/8 while it stays at least `min_side` wide. */
static bool jpeg_decode(const epub_image *img, unsigned long min_side, raster *r)
{
	struct jpeg_decompress_struct d;
	jpeg_failure fail;
	unsigned char *volatile px = NULL;
	d.err = jpeg_std_error(&fail.mgr);
	fail.mgr.error_exit = jpeg_fail;
	fail.mgr.emit_message = jpeg_quiet;
	if (setjmp(fail.jump)) {
		jpeg_destroy_decompress(&d);
		free(px);
		return false;
	}
	jpeg_create_decompress(&d);
	jpeg_mem_src(&d, img->data, (unsigned long)img->len);
	jpeg_read_header(&d, TRUE);
	d.out_color_space = d.jpeg_color_space == JCS_GRAYSCALE ? JCS_GRAYSCALE : JCS_RGB;
	d.scale_num = 1;
	d.scale_denom = 1;
	unsigned long longer = d.image_width > d.image_height ? d.image_width : d.image_height;
	while (d.scale_denom < 8 && longer / (d.scale_denom * 2) >= min_side)
		d.scale_denom *= 2;
	jpeg_start_decompress(&d);
	r->w = d.output_width;
	r->h = d.output_height;
	r->channels = d.output_components;
	px = malloc((size_t)r->w * r->h * (size_t)r->channels);
	if (!px)
		longjmp(fail.jump, 1);
	while (d.output_scanline < d.output_height) {
		JSAMPROW row = px + (size_t)d.output_scanline * r->w * (size_t)r->channels;
		jpeg_read_scanlines(&d, &row, 1);
	}
	jpeg_finish_decompress(&d);
	jpeg_destroy_decompress(&d);
	r->px = px;
	return true;
}

static bool jpeg_encode(const raster *r, unsigned char **data, size_t *len)
{
	struct jpeg_compress_struct e;
	jpeg_failure fail;
	unsigned char *mem = NULL;
	unsigned long size = 0;
	e.err = jpeg_std_error(&fail.mgr);
	fail.mgr.error_exit = jpeg_fail;
	fail.mgr.emit_message = jpeg_quiet;
	if (setjmp(fail.jump)) {
		jpeg_destroy_compress(&e);
		free(mem);
		return false;
	}
	jpeg_create_compress(&e);
	jpeg_mem_dest(&e, &mem, &size);
	e.image_width = (JDIMENSION)r->w;
	e.image_height = (JDIMENSION)r->h;
	e.input_components = r->channels;
	e.in_color_space = r->channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
	jpeg_set_defaults(&e);
	jpeg_set_quality(&e, 85, TRUE);
	jpeg_start_compress(&e, TRUE);
	while (e.next_scanline < e.image_height) {
		JSAMPROW row = r->px + (size_t)e.next_scanline * r->w * (size_t)r->channels;
		jpeg_write_scanlines(&e, &row, 1);
	}
	jpeg_finish_compress(&e);
	jpeg_destroy_compress(&e);
	*data = mem;
	*len = size;
	return true;
}

static bool png_decode(const epub_image *img, raster *r)
{
	png_image p;
	memset(&p, 0, sizeof(p));
	p.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_memory(&p, img->data, img->len))
		return false;
	p.format = PNG_FORMAT_RGBA;
	r->w = p.width;
	r->h = p.height;
	r->channels = 4;
	r->px = malloc(PNG_IMAGE_SIZE(p));
	if (!r->px || !png_image_finish_read(&p, NULL, r->px, 0, NULL)) {
		png_image_free(&p);
		free(r->px);
		r->px = NULL;
		return false;
	}
	return true;
}

static bool png_encode(const raster *r, unsigned char **data, size_t *len)
{
	png_image p;
	png_alloc_size_t size = 0;
	memset(&p, 0, sizeof(p));
	p.version = PNG_IMAGE_VERSION;
	p.width = (png_uint_32)r->w;
	p.height = (png_uint_32)r->h;
	p.format = PNG_FORMAT_RGBA;
	if (!png_image_write_get_memory_size(p, size, 0, r->px, 0, NULL))
		return false;
	*data = malloc(size);
	if (!*data || !png_image_write_to_memory(&p, *data, &size, 0, r->px, 0, NULL)) {
		free(*data);
		*data = NULL;
		return false;
	}
	*len = size;
	return true;
}

/* Scales `img` down to fit `max_side` pixels on its longer side, in place; false when it cannot. */
static bool scale_image(epub_image *img, unsigned long max_side)
{
	bool jpeg = !strcmp(img->media_type, "image/jpeg");
	raster in = {0}, out = {0};
	unsigned char *data = NULL;
	size_t len = 0;
	bool ok = jpeg ? jpeg_decode(img, max_side, &in) : png_decode(img, &in);
	if (ok) {
		double f = (double)max_side / (double)(in.w > in.h ? in.w : in.h);
		out.w = f < 1 ? (unsigned long)(in.w * f + 0.5) : in.w;
		out.h = f < 1 ? (unsigned long)(in.h * f + 0.5) : in.h;
		out.w += out.w == 0;
		out.h += out.h == 0;
		ok = shrink(&in, &out) &&
		     (jpeg ? jpeg_encode(&out, &data, &len) : png_encode(&out, &data, &len));
	}
	free(in.px);
	free(out.px);
	if (ok) {
		free(img->data);
		img->data = data;
		img->len = len;
	}
	return ok;
}

int epub_max_image_size(const galley_options *opts, unsigned long *max_side, galley_error *err)
{
	const char *v = galley_options_param(opts, "max-image-size");
	char *end;
	*max_side = 0;
	if (!v)
		return 0;
	*max_side = strtoul(v, &end, 10);
	if (end == v || *end || *max_side < 16 || *max_side > 100000)
		return galley_error_set(
		    err, GALLEY_EUSAGE, NULL, 0, 0,
		    "--max-image-size takes a number of pixels from 16 to 100000, not '%s'", v);
	return 0;
}

void epub_image_fit(epub_book *b, epub_image *img, unsigned line, unsigned col)
{
	unsigned long w = 0, h = 0;
	bool raster_type = img->media_type &&
	                   (!strcmp(img->media_type, "image/jpeg") || !strcmp(img->media_type, "image/png"));
	if (b->max_image_side && raster_type && epub_image_size(img, &w, &h) &&
	    (w > b->max_image_side || h > b->max_image_side)) {
		size_t before = img->len;
		if (scale_image(img, b->max_image_side)) {
			epub_image_size(img, &w, &h);
			galley_report(b->opts, GALLEY_NOTE, line, col,
			              "image '%s' scaled down to %lux%lu (%zu KB, was %zu KB)", img->url, w,
			              h, img->len / 1024, before / 1024);
			return;
		}
		galley_report(b->opts, GALLEY_WARNING, line, col,
		              "image '%s' could not be decoded to scale it down", img->url);
	}
	epub_image_check_size(b, img, line, col);
}
