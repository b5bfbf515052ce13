/*
 * epub_zip.c - the OCF container: a zip built in memory with libzip.
 *
 * `mimetype` comes first, stored, without extra fields, as OCF requires.
 * Entry times are set with zip_file_set_dostime() from gmtime() of the
 * book's timestamp: zip_file_set_mtime() would go through local time and
 * make the bytes depend on the time zone.
 */
#include <string.h>
#include <zip.h>

#include "epub.h"

/*
 * Deflate was half of the writer's time on a novel at zlib's default level
 * (6); level 2 takes half as long for books about 7% larger.
 */
#define DEFLATE_LEVEL 2

static void dos_time(time_t t, zip_uint16_t *dtime, zip_uint16_t *ddate)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	/* a DOS date holds the years 1980-2107 */
	if (tm.tm_year < 80) {
		tm = (struct tm){.tm_year = 80, .tm_mday = 1};
	} else if (tm.tm_year > 207) {
		tm = (struct tm){
		    .tm_year = 207, .tm_mon = 11, .tm_mday = 31, .tm_hour = 23, .tm_min = 59, .tm_sec = 58};
	}
	*dtime = (zip_uint16_t)((tm.tm_hour << 11) | (tm.tm_min << 5) | (tm.tm_sec / 2));
	*ddate = (zip_uint16_t)(((tm.tm_year - 80) << 9) | ((tm.tm_mon + 1) << 5) | tm.tm_mday);
}

static int add_entry(epub_book *b, zip_t *za, const epub_file *f, zip_uint16_t dtime, zip_uint16_t ddate)
{
	bool store = !strcmp(f->name, "mimetype");
	zip_source_t *src = zip_source_buffer(za, f->data ? (const void *)f->data : "", f->len, 0);
	zip_int64_t idx;
	if (!src)
		return GALLEY_ENOMEM;
	idx = zip_file_add(za, f->name, src, ZIP_FL_ENC_UTF_8);
	if (idx < 0) {
		zip_source_free(src);
		return galley_error_set(b->err, GALLEY_EINTERNAL, NULL, 0, 0, "cannot add %s to the EPUB: %s",
		                        f->name, zip_strerror(za));
	}
	if (zip_set_file_compression(za, (zip_uint64_t)idx, store ? ZIP_CM_STORE : ZIP_CM_DEFLATE,
	                             DEFLATE_LEVEL) != 0 ||
	    zip_file_set_dostime(za, (zip_uint64_t)idx, dtime, ddate, 0) != 0)
		return galley_error_set(b->err, GALLEY_EINTERNAL, NULL, 0, 0, "cannot add %s to the EPUB: %s",
		                        f->name, zip_strerror(za));
	return 0;
}

/* Appends the whole content of a closed in-memory source to `out`. */
static int copy_source(epub_book *b, zip_source_t *src, galley_buf *out)
{
	zip_stat_t st;
	zip_int64_t n;
	if (zip_source_stat(src, &st) != 0 || !(st.valid & ZIP_STAT_SIZE) || zip_source_open(src) != 0)
		return galley_error_set(b->err, GALLEY_EINTERNAL, NULL, 0, 0,
		                        "cannot read the EPUB back from memory");
	if (galley_buf_grow(out, (size_t)st.size + 1) != 0) {
		zip_source_close(src);
		return galley_error_set(b->err, GALLEY_ENOMEM, NULL, 0, 0, "out of memory");
	}
	n = zip_source_read(src, out->data + out->len, st.size);
	zip_source_close(src);
	if (n < 0 || (zip_uint64_t)n != st.size)
		return galley_error_set(b->err, GALLEY_EINTERNAL, NULL, 0, 0,
		                        "cannot read the EPUB back from memory");
	out->len += (size_t)n;
	out->data[out->len] = '\0';
	return 0;
}

int epub_zip(epub_book *b, galley_buf *out)
{
	zip_error_t ze;
	zip_source_t *mem;
	zip_t *za = NULL;
	zip_uint16_t dtime, ddate;
	int rc = 0;

	zip_error_init(&ze);
	mem = zip_source_buffer_create(NULL, 0, 0, &ze);
	if (!mem) {
		zip_error_fini(&ze);
		return galley_error_set(b->err, GALLEY_ENOMEM, NULL, 0, 0, "out of memory");
	}
	za = zip_open_from_source(mem, ZIP_CREATE | ZIP_TRUNCATE, &ze);
	if (!za) {
		rc = galley_error_set(b->err, GALLEY_EINTERNAL, NULL, 0, 0,
		                      "cannot create the EPUB container: %s", zip_error_strerror(&ze));
		goto cleanup;
	}
	/* the archive now owns the source: keep it alive past zip_close(), which writes into it */
	zip_source_keep(mem);
	dos_time(b->stamp, &dtime, &ddate);
	for (size_t i = 0; i < b->file_count && rc == 0; i++)
		rc = add_entry(b, za, &b->files[i], dtime, ddate);
	if (rc != 0) {
		zip_discard(za);
		goto cleanup;
	}
	if (zip_close(za) != 0) {
		rc = galley_error_set(b->err, GALLEY_EINTERNAL, NULL, 0, 0,
		                      "cannot write the EPUB container: %s", zip_strerror(za));
		zip_discard(za);
		goto cleanup;
	}
	rc = copy_source(b, mem, out);
cleanup:
	zip_source_free(mem);
	zip_error_fini(&ze);
	return rc;
}
