/* fuzz_common.c - every writer, and the checks on what they produce. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#ifdef GALLEY_FUZZ_HAVE_ZIP
#include <zip.h>
#endif

#include "fuzz_common.h"

/* Where images may be read from: a folder of small test images, never the fuzzer's own files. */
#ifndef GALLEY_FUZZ_RESOURCES
#define GALLEY_FUZZ_RESOURCES "."
#endif

static void silent(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

void fuzz_init(void)
{
	xmlInitParser();
	xmlSetGenericErrorFunc(NULL, silent);
}

/* The format `selector` picks among those `can` accepts, in registry order. */
static const galley_format *pick(uint8_t selector, bool (*can)(const galley_format *))
{
	size_t count = 0, n;
	for (size_t i = 0; i < galley_format_count(); i++)
		count += can(galley_format_at(i));
	if (count == 0)
		abort(); /* a build without readers or writers cannot be fuzzed */
	n = selector % count;
	for (size_t i = 0; i < galley_format_count(); i++) {
		const galley_format *f = galley_format_at(i);
		if (can(f) && n-- == 0)
			return f;
	}
	abort();
}

const galley_format *fuzz_reader(uint8_t selector) { return pick(selector, galley_format_can_read); }
const galley_format *fuzz_writer(uint8_t selector) { return pick(selector, galley_format_can_write); }

unsigned fuzz_flags(uint8_t selector)
{
	static const unsigned bits[] = {GALLEY_OPT_NO_SMART, GALLEY_OPT_NO_TITLE_FROM_HEADING,
	                                GALLEY_OPT_FRAGMENT, GALLEY_OPT_VERBOSE};
	unsigned flags = 0;
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (selector & (1u << i))
			flags |= bits[i];
	return flags;
}

static void fail(const char *what, const char *format, const unsigned char *out, size_t len)
{
	fprintf(stderr, "galley-fuzz: %s output: %s\n--- output (%zu bytes) ---\n%.*s\n---\n", format, what,
	        len, len > 4096 ? 4096 : (int)len, (const char *)out);
	abort();
}

/* Parses `xml` with libxml2 (no network, no entities from outside) and aborts unless well-formed. */
static void check_xml(const char *format, const char *part, const unsigned char *xml, size_t len,
                      bool fragment)
{
	static const char open[] = "<galley-fragment xmlns:epub=\"http://www.idpf.org/2007/ops\">";
	static const char close[] = "</galley-fragment>";
	galley_buf doc_text = GALLEY_BUF_INIT;
	const unsigned char *text = xml;
	size_t text_len = len;
	if (fragment) {
		galley_buf_puts(&doc_text, open);
		galley_buf_put(&doc_text, xml, len);
		galley_buf_puts(&doc_text, close);
		if (doc_text.failed)
			abort();
		text = doc_text.data;
		text_len = doc_text.len;
	}
	xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
	if (!ctxt)
		abort();
	xmlDocPtr doc =
	    xmlCtxtReadMemory(ctxt, (const char *)text, (int)text_len, part, NULL,
	                      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_HUGE);
	if (!doc || !ctxt->wellFormed || !ctxt->nsWellFormed) {
		const xmlError *e = xmlCtxtGetLastError(ctxt);
		char what[512];
		snprintf(what, sizeof(what), "%s is not well-formed XML (line %d: %s)", part, e ? e->line : 0,
		         e && e->message ? e->message : "?");
		fail(what, format, text, text_len);
	}
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	galley_buf_free(&doc_text);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* A ZIP container (EPUB): each XML member must be well-formed. */
static void check_zip_members(const char *format, const unsigned char *data, size_t len)
{
#ifdef GALLEY_FUZZ_HAVE_ZIP
	zip_error_t zerr;
	zip_error_init(&zerr);
	zip_source_t *src = zip_source_buffer_create(data, len, 0, &zerr);
	zip_t *z = src ? zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &zerr) : NULL;
	if (!z)
		fail("is not a readable ZIP container", format, data, len);
	for (zip_int64_t i = 0; i < zip_get_num_entries(z, 0); i++) {
		const char *name = zip_get_name(z, (zip_uint64_t)i, 0);
		zip_stat_t st;
		if (!name || !(ends_with(name, ".xhtml") || ends_with(name, ".opf") ||
		               ends_with(name, ".ncx") || ends_with(name, ".xml")))
			continue;
		if (zip_stat_index(z, (zip_uint64_t)i, 0, &st) != 0)
			fail("has an unreadable member", format, data, len);
		unsigned char *member = malloc(st.size + 1);
		zip_file_t *f = zip_fopen_index(z, (zip_uint64_t)i, 0);
		if (!member || !f || zip_fread(f, member, st.size) != (zip_int64_t)st.size)
			fail("has an unreadable member", format, data, len);
		zip_fclose(f);
		check_xml(format, name, member, (size_t)st.size, false);
		free(member);
	}
	zip_close(z);
	zip_error_fini(&zerr);
#else
	(void)format;
	(void)data;
	(void)len;
#endif
}

static void check_output(const galley_format *w, unsigned flags, const unsigned char *out, size_t len)
{
	const char *name = galley_format_name(w);
	if (!out)
		fail("succeeded without a buffer", name, (const unsigned char *)"", 0);
	if (w->features & GALLEY_FORMAT_XML) {
		bool fragment = (flags & GALLEY_OPT_FRAGMENT) && (w->features & GALLEY_FORMAT_FRAGMENT);
		if (galley_format_is_binary(w))
			check_zip_members(name, out, len);
		else
			check_xml(name, name, out, len, fragment);
	}
	if (!galley_format_is_binary(w)) {
		if (out[len] != '\0')
			fail("text output is not NUL-terminated", name, out, len);
		if (galley_utf8_check((const char *)out, len) != (size_t)-1)
			fail("text output is not valid UTF-8", name, out, len);
	} else if (len >= 2 && out[0] == 'P' && out[1] == 'K') {
		check_zip_members(name, out, len);
	}
}

/* A failure must come with a code and a message. */
static void check_error(const char *what, int rc, const galley_error *err)
{
	if (rc >= 0 || err->code != rc || !err->message[0]) {
		fprintf(stderr, "galley-fuzz: %s failed (%d) without saying why (code %d, '%s')\n", what, rc,
		        err->code, err->message);
		abort();
	}
}

void fuzz_convert(const galley_format *reader, const galley_format *writer, const uint8_t *data, size_t len,
                  unsigned flags, const galley_param *meta, size_t nmeta, const galley_param *params,
                  size_t nparams)
{
	galley_options opts = GALLEY_OPTIONS_INIT;
	galley_error err;
	galley_doc *doc = NULL;
	unsigned char *out = NULL;
	size_t out_len = 0;
	opts.flags = flags;
	opts.source_name = "fuzz";
	opts.resource_path = GALLEY_FUZZ_RESOURCES;
	opts.metadata = meta;
	opts.metadata_count = nmeta;
	opts.params = params;
	opts.param_count = nparams;
	int rc = galley_read(galley_format_name(reader), (const char *)data, len, &opts, &doc, &err);
	if (rc) {
		check_error(galley_format_name(reader), rc, &err);
		return;
	}
	rc = galley_write(doc, galley_format_name(writer), &opts, &out, &out_len, &err);
	if (rc)
		check_error(galley_format_name(writer), rc, &err);
	else
		check_output(writer, flags, out, out_len);
	galley_free(out);
	galley_doc_free(doc);
}
