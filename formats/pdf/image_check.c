/*
 * image_check.c - images are checked before libharu sees them.
 *
 * libharu 2.3.0 hands PNG decoding to libpng without a recovery point, so a
 * corrupt PNG makes libpng abort the process; and it believes any size a
 * header claims. Here a PNG is decoded once in full under setjmp, and both
 * PNG and JPEG sizes are bounded, so that a broken or hostile image is
 * reported and left out instead. JPEG headers are read by libjpeg, which
 * knows the whole format (fill bytes, every frame type).
 */
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <stdio.h> /* jpeglib.h needs FILE */

#include <jpeglib.h>
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

/* libjpeg reports a fatal error by calling error_exit; back to the setjmp instead of exiting. */
typedef struct jpeg_failure {
	struct jpeg_error_mgr mgr;
	jmp_buf jump;
} jpeg_failure;

static void jpeg_fail(j_common_ptr cinfo)
{
	jpeg_failure *f = (jpeg_failure *)cinfo->err;
	longjmp(f->jump, 1);
}

static void jpeg_quiet(j_common_ptr cinfo, int level)
{
	(void)cinfo;
	(void)level;
}

/*
 * Reads a JPEG's headers with libjpeg (fill bytes, restart markers and
 * every frame type as the standard allows) and bounds the size they give.
 */
static const char *check_jpeg(const unsigned char *d, size_t len)
{
	struct jpeg_decompress_struct cinfo;
	jpeg_failure fail_mgr;
	const char *volatile problem = "it is not a readable JPEG";
	cinfo.err = jpeg_std_error(&fail_mgr.mgr);
	fail_mgr.mgr.error_exit = jpeg_fail;
	fail_mgr.mgr.emit_message = jpeg_quiet;
	if (setjmp(fail_mgr.jump)) {
		jpeg_destroy_decompress(&cinfo);
		return problem;
	}
	jpeg_create_decompress(&cinfo);
	jpeg_mem_src(&cinfo, d, (unsigned long)len);
	if (jpeg_read_header(&cinfo, TRUE) == JPEG_HEADER_OK) {
		unsigned long long w = cinfo.image_width, h = cinfo.image_height;
		problem = w == 0 || h == 0 || w * h > MAX_PIXELS ? "its size is out of bounds" : NULL;
	}
	jpeg_destroy_decompress(&cinfo);
	return problem;
}

/*
 * The same JPEG written again by libjpeg from its DCT coefficients: lossless,
 * and in the plain form libharu's own marker reader takes (it refuses fill
 * bytes between markers, which the standard allows). *out is freed with free().
 */
int pdf_jpeg_rewrite(const unsigned char *d, size_t len, unsigned char **out, size_t *out_len)
{
	struct jpeg_decompress_struct src;
	struct jpeg_compress_struct dst;
	jpeg_failure fail_src, fail_dst;
	unsigned char *volatile buf = NULL;
	unsigned long size = 0;
	src.err = jpeg_std_error(&fail_src.mgr);
	dst.err = jpeg_std_error(&fail_dst.mgr);
	fail_src.mgr.error_exit = fail_dst.mgr.error_exit = jpeg_fail;
	fail_src.mgr.emit_message = fail_dst.mgr.emit_message = jpeg_quiet;
	jpeg_create_decompress(&src);
	jpeg_create_compress(&dst);
	if (setjmp(fail_src.jump) || setjmp(fail_dst.jump)) {
		jpeg_destroy_compress(&dst);
		jpeg_destroy_decompress(&src);
		free(buf);
		return -1;
	}
	jpeg_mem_src(&src, d, (unsigned long)len);
	jpeg_read_header(&src, TRUE);
	jvirt_barray_ptr *coefficients = jpeg_read_coefficients(&src);
	jpeg_copy_critical_parameters(&src, &dst);
	unsigned char *mem = NULL;
	jpeg_mem_dest(&dst, &mem, &size);
	jpeg_write_coefficients(&dst, coefficients);
	jpeg_finish_compress(&dst);
	buf = mem;
	jpeg_finish_decompress(&src);
	jpeg_destroy_compress(&dst);
	jpeg_destroy_decompress(&src);
	*out = buf;
	*out_len = size;
	return 0;
}

const char *pdf_image_problem(const unsigned char *data, size_t len, bool png)
{
	return png ? check_png(data, len) : check_jpeg(data, len);
}
