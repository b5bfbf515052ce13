/*
 * deflate.c - page contents compressed beside the drawing, and other
 * finished streams (the fonts) compressed on demand.
 *
 * libharu 2.3.0 deflates every stream with zlib at its default level when
 * it saves, which on a long book costs a quarter of the run. Instead, each
 * page's content stream is taken as soon as the page is drawn and deflated
 * by libdeflate (level 1: a file 3 % larger than zlib's default in a fifth
 * of the time) on a worker thread while the next pages are drawn. When the
 * last page is done the compressed bytes go back into the page streams,
 * whose filter is then "none" to libharu (it copies the bytes as they are);
 * the dictionary's write hook names the filter for the reader.
 *
 * Only the calling thread touches libharu: the worker sees plain memory.
 * A page libharu still has work on when it saves (an open text object or
 * graphics state) is left to libharu, and so is a page whose compression
 * failed. Without a thread the pages are compressed in turn.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <hpdf_pages.h>
#include <hpdf_streams.h>
#include <libdeflate.h>

#include "pdf.h"

#define DEFLATE_LEVEL 1

typedef struct job {
	unsigned char *raw, *packed;
	size_t rawlen, packedlen;
	bool taken;
} job;

struct pdf_deflater {
	job *jobs;
	size_t njobs;
	struct libdeflate_compressor *c;
	pthread_t thread;
	bool threaded;
	pthread_mutex_t lock;
	pthread_cond_t more;
	size_t ready; /* jobs [0, ready) may be compressed */
	bool closing;
};

static void compress_job(struct libdeflate_compressor *c, job *j)
{
	size_t bound = libdeflate_zlib_compress_bound(c, j->rawlen);
	j->packed = malloc(bound);
	if (!j->packed)
		return;
	j->packedlen = libdeflate_zlib_compress(c, j->raw, j->rawlen, j->packed, bound);
	if (j->packedlen == 0) {
		free(j->packed);
		j->packed = NULL;
		return;
	}
	free(j->raw);
	j->raw = NULL;
}

static void *worker(void *arg)
{
	pdf_deflater *d = arg;
	size_t next = 0;
	for (;;) {
		pthread_mutex_lock(&d->lock);
		while (next >= d->ready && !d->closing)
			pthread_cond_wait(&d->more, &d->lock);
		size_t ready = d->ready;
		pthread_mutex_unlock(&d->lock);
		if (next >= ready)
			return NULL; /* closing, and nothing left */
		for (; next < ready; next++)
			if (d->jobs[next].taken)
				compress_job(d->c, &d->jobs[next]);
	}
}

pdf_deflater *pdf_deflater_new(size_t npages)
{
	pdf_deflater *d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->jobs = calloc(npages ? npages : 1, sizeof(job));
	d->c = libdeflate_alloc_compressor(DEFLATE_LEVEL);
	if (!d->jobs || !d->c) {
		pdf_deflater_free(d);
		return NULL;
	}
	d->njobs = npages;
	if (pthread_mutex_init(&d->lock, NULL) == 0) {
		if (pthread_cond_init(&d->more, NULL) == 0) {
			d->threaded = pthread_create(&d->thread, NULL, worker, d) == 0;
			if (!d->threaded)
				pthread_cond_destroy(&d->more);
		}
		if (!d->threaded)
			pthread_mutex_destroy(&d->lock);
	}
	return d;
}

/*
 * Copies a memory stream's bytes into j->raw. 0 with j->raw NULL when the
 * stream is not as expected (it is then left to libharu).
 */
static int copy_stream(HPDF_Stream s, job *j)
{
	size_t size = HPDF_Stream_Size(s);
	j->raw = malloc(size ? size : 1);
	j->rawlen = 0;
	if (!j->raw)
		return GALLEY_ENOMEM;
	HPDF_UINT count = HPDF_MemStream_GetBufCount(s);
	for (HPDF_UINT i = 0; i < count; i++) {
		HPDF_UINT len = 0;
		HPDF_BYTE *chunk = HPDF_MemStream_GetBufPtr(s, i, &len);
		if (!chunk || j->rawlen + len > size) {
			free(j->raw);
			j->raw = NULL;
			j->rawlen = 0;
			return 0;
		}
		memcpy(j->raw + j->rawlen, chunk, len);
		j->rawlen += len;
	}
	return 0;
}

static bool eligible(HPDF_Page page)
{
	HPDF_PageAttr attr = (HPDF_PageAttr)page->attr;
	HPDF_Dict contents = attr->contents;
	HPDF_Stream s = attr->stream;
	return contents && contents->stream == s && s->type == HPDF_STREAM_MEMORY && !contents->write_fn &&
	       (contents->filter & HPDF_STREAM_FILTER_FLATE_DECODE) &&
	       attr->gmode == HPDF_GMODE_PAGE_DESCRIPTION && !attr->gstate->prev;
}

int pdf_deflater_take(pdf_deflater *d, size_t index, HPDF_Page page)
{
	if (!d || index >= d->njobs || !eligible(page))
		return 0;
	HPDF_Stream s = ((HPDF_PageAttr)page->attr)->stream;
	job *j = &d->jobs[index];
	int rc = copy_stream(s, j);
	if (rc || !j->raw)
		return rc;
	HPDF_MemStream_FreeData(s);
	j->taken = true;
	if (!d->threaded) {
		compress_job(d->c, j);
		return 0;
	}
	pthread_mutex_lock(&d->lock);
	d->ready = index + 1;
	pthread_cond_signal(&d->more);
	pthread_mutex_unlock(&d->lock);
	return 0;
}

static HPDF_STATUS write_flate_filter(HPDF_Dict dict, HPDF_Stream out)
{
	(void)dict;
	return HPDF_Stream_WriteStr(out, "/Filter /FlateDecode\012");
}

/*
 * Puts a job's bytes back into its (emptied) stream: compressed, marked so
 * that libharu copies them and names the filter; or, when compressing
 * failed, as they were, for libharu to deflate.
 */
static int put_back(HPDF_Dict dict, const job *j)
{
	if (!j->packed)
		return HPDF_Stream_Write(dict->stream, j->raw, (HPDF_UINT)j->rawlen) == HPDF_OK
		           ? 0
		           : GALLEY_EINTERNAL;
	dict->filter = HPDF_STREAM_FILTER_NONE;
	dict->write_fn = write_flate_filter;
	return HPDF_Stream_Write(dict->stream, j->packed, (HPDF_UINT)j->packedlen) == HPDF_OK
	           ? 0
	           : GALLEY_EINTERNAL;
}

static void join(pdf_deflater *d)
{
	if (!d->threaded)
		return;
	pthread_mutex_lock(&d->lock);
	d->closing = true;
	pthread_cond_signal(&d->more);
	pthread_mutex_unlock(&d->lock);
	pthread_join(d->thread, NULL);
	pthread_cond_destroy(&d->more);
	pthread_mutex_destroy(&d->lock);
	d->threaded = false;
}

int pdf_deflater_finish(pdf_deflater *d, HPDF_Page *pages)
{
	if (!d)
		return 0;
	join(d);
	int rc = 0;
	for (size_t i = 0; i < d->njobs && rc == 0; i++) {
		job *j = &d->jobs[i];
		if (!j->taken)
			continue;
		rc = put_back(((HPDF_PageAttr)pages[i]->attr)->contents, j);
		free(j->raw);
		free(j->packed);
		*j = (job){0};
	}
	return rc;
}

int pdf_deflate_now(HPDF_Dict dict, int level)
{
	HPDF_Stream s = dict ? dict->stream : NULL;
	if (!s || s->type != HPDF_STREAM_MEMORY || dict->write_fn ||
	    !(dict->filter & HPDF_STREAM_FILTER_FLATE_DECODE))
		return 0;
	job j = {0};
	int rc = copy_stream(s, &j);
	if (rc || !j.raw)
		return rc;
	struct libdeflate_compressor *c = libdeflate_alloc_compressor(level);
	if (c)
		compress_job(c, &j);
	libdeflate_free_compressor(c);
	if (j.packed) {
		HPDF_MemStream_FreeData(s);
		rc = put_back(dict, &j);
	}
	free(j.raw);
	free(j.packed);
	return rc;
}

void pdf_deflater_free(pdf_deflater *d)
{
	if (!d)
		return;
	join(d);
	for (size_t i = 0; d->jobs && i < d->njobs; i++) {
		free(d->jobs[i].raw);
		free(d->jobs[i].packed);
	}
	free(d->jobs);
	if (d->c)
		libdeflate_free_compressor(d->c);
	free(d);
}
