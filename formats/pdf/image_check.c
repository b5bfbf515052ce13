/*
 * image_check.c - images are checked before libharu sees them.
 *
 * libharu 2.3.0 hands PNG decoding to libpng without a recovery point, so a
 * corrupt PNG makes libpng abort the process; and it believes any size a
 * header claims. Here a PNG is decoded once in full under setjmp, and both
 * PNG and JPEG sizes are bounded, so that a broken or hostile image is
 * reported and left out instead.
 */
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <png.h>

#include "pdf.h"

/* Larger images are refused: 100 megapixels is far beyond any printed page. */
#define MAX_PIXELS ((unsigned long long)100 * 1000 * 1000)

typedef struct png_source {
	const unsigned char *data;
	size_t len;
	size_t pos;
} png_source;

static void read_from_memory(png_structp png, png_bytep out, png_size_t n)
{
	png_source *src = png_get_io_ptr(png);
	if (n > src->len - src->pos)
		png_error(png, "truncated");
	memcpy(out, src->data + src->pos, n);
	src->pos += n;
}

static void quiet_warning(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg;
}

static void fail(png_structp png, png_const_charp msg)
{
	(void)msg;
	png_longjmp(png, 1);
}

/* Decodes every row of a PNG; NULL when it is whole and of a sane size, else why not. */
static const char *check_png(const unsigned char *data, size_t len)
{
	png_source src = {data, len, 0};
	png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, fail, quiet_warning);
	png_infop info = png ? png_create_info_struct(png) : NULL;
	png_bytep volatile row = NULL;
	const char *volatile problem = "it is not a readable PNG";
	if (!png || !info) {
		png_destroy_read_struct(png ? &png : NULL, NULL, NULL);
		return "out of memory";
	}
	if (setjmp(png_jmpbuf(png)))
		goto cleanup;
	png_set_read_fn(png, &src, read_from_memory);
	png_read_info(png, info);
	png_uint_32 w = png_get_image_width(png, info), h = png_get_image_height(png, info);
	if (w == 0 || h == 0 || (unsigned long long)w * h > MAX_PIXELS) {
		problem = "its size is out of bounds (more than 100 megapixels)";
		goto cleanup;
	}
	int passes = png_set_interlace_handling(png);
	png_read_update_info(png, info);
	row = malloc(png_get_rowbytes(png, info));
	if (!row) {
		problem = "out of memory";
		goto cleanup;
	}
	for (int p = 0; p < passes; p++)
		for (png_uint_32 y = 0; y < h; y++)
			png_read_row(png, row, NULL);
	png_read_end(png, NULL);
	problem = NULL;
cleanup:
	free((void *)row);
	png_destroy_read_struct(&png, &info, NULL);
	return problem;
}

/* Walks a JPEG's markers to its frame header and bounds the size it gives. */
static const char *check_jpeg(const unsigned char *d, size_t len)
{
	size_t i = 2;
	while (i + 9 < len) {
		if (d[i] != 0xFF)
			return "it is not a readable JPEG";
		unsigned char m = d[i + 1];
		size_t seg = ((size_t)d[i + 2] << 8) | d[i + 3];
		if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
			unsigned long long h = ((unsigned)d[i + 5] << 8) | d[i + 6];
			unsigned long long w = ((unsigned)d[i + 7] << 8) | d[i + 8];
			if (w == 0 || h == 0 || w * h > MAX_PIXELS)
				return "its size is out of bounds";
			return NULL;
		}
		i += 2 + seg;
	}
	return "it is not a readable JPEG";
}

const char *pdf_image_problem(const unsigned char *data, size_t len, bool png)
{
	return png ? check_png(data, len) : check_jpeg(data, len);
}
