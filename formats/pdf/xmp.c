/*
 * xmp.c - the document's XMP metadata (Dublin Core title, creators,
 * language and description; the dates, tool and keywords the Info
 * dictionary gives, in the same words), the PDF/UA-1 identification, and
 * for PDF/A-2b its identification and an sRGB output intent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hpdf_doc.h>
#include <hpdf_objects.h>

#include "pdf.h"

#ifndef GALLEY_SRGB_ICC
#define GALLEY_SRGB_ICC "/usr/share/color/icc/sRGB.icc"
#endif

/* Text for XML content: the five characters XML reserves escaped. */
static void put_xml(galley_buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&':
			galley_buf_puts(b, "&amp;");
			break;
		case '<':
			galley_buf_puts(b, "&lt;");
			break;
		case '>':
			galley_buf_puts(b, "&gt;");
			break;
		case '"':
			galley_buf_puts(b, "&quot;");
			break;
		default:
			/* control characters XML 1.0 cannot carry become spaces */
			galley_buf_putc(b, (unsigned char)*s < 0x20 && *s != '\t' && *s != '\n' ? ' ' : *s);
		}
	}
}

/* An Info entry as libharu keeps it (UTF-8 as given), or NULL. */
static const char *info(pdf_engine *e, HPDF_InfoType type) { return HPDF_GetInfoAttr(e->out.pdf, type); }

static void put_element(galley_buf *b, const char *name, const char *value)
{
	if (!value || !*value)
		return;
	galley_buf_printf(b, "   <%s>", name);
	put_xml(b, value);
	galley_buf_printf(b, "</%s>\n", name);
}

/* The pdfuaid namespace described, as PDF/A wants for a schema outside its own list. */
static const char ua_extension[] =
    "  <rdf:Description rdf:about=\"\"\n"
    "    xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\"\n"
    "    xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\"\n"
    "    xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\">\n"
    "   <pdfaExtension:schemas>\n"
    "    <rdf:Bag>\n"
    "     <rdf:li rdf:parseType=\"Resource\">\n"
    "      <pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>\n"
    "      <pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>\n"
    "      <pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>\n"
    "      <pdfaSchema:property>\n"
    "       <rdf:Seq>\n"
    "        <rdf:li rdf:parseType=\"Resource\">\n"
    "         <pdfaProperty:name>part</pdfaProperty:name>\n"
    "         <pdfaProperty:valueType>Integer</pdfaProperty:valueType>\n"
    "         <pdfaProperty:category>internal</pdfaProperty:category>\n"
    "         <pdfaProperty:description>Indicates, which part of ISO 14289 standard is "
    "followed</pdfaProperty:description>\n"
    "        </rdf:li>\n"
    "       </rdf:Seq>\n"
    "      </pdfaSchema:property>\n"
    "     </rdf:li>\n"
    "    </rdf:Bag>\n"
    "   </pdfaExtension:schemas>\n"
    "  </rdf:Description>\n";

/* The packet: one rdf:Description with every namespace. */
static void build_packet(pdf_engine *e, galley_buf *b, const char *date)
{
	galley_buf_puts(b, "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
	                   "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
	                   " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n");
	if (e->set.pdfa && e->set.tagged)
		galley_buf_puts(b, ua_extension);
	galley_buf_puts(b, "  <rdf:Description rdf:about=\"\"\n"
	                   "    xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
	                   "    xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n"
	                   "    xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\"\n"
	                   "    xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\"\n"
	                   "    xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n");
	const char *title = info(e, HPDF_INFO_TITLE), *author = info(e, HPDF_INFO_AUTHOR);
	const char *subject = info(e, HPDF_INFO_SUBJECT);
	if (title) {
		galley_buf_puts(b, "   <dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">");
		put_xml(b, title);
		galley_buf_puts(b, "</rdf:li></rdf:Alt></dc:title>\n");
	}
	/* one entry, the Info's Author as it stands (PDF/A wants the two to agree) */
	if (author) {
		galley_buf_puts(b, "   <dc:creator><rdf:Seq><rdf:li>");
		put_xml(b, author);
		galley_buf_puts(b, "</rdf:li></rdf:Seq></dc:creator>\n");
	}
	if (subject) {
		galley_buf_puts(b, "   <dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">");
		put_xml(b, subject);
		galley_buf_puts(b, "</rdf:li></rdf:Alt></dc:description>\n");
	}
	galley_buf_puts(b, "   <dc:language><rdf:Bag><rdf:li>");
	put_xml(b, e->set.lang);
	galley_buf_puts(b, "</rdf:li></rdf:Bag></dc:language>\n");
	galley_buf_puts(b, "   <dc:format>application/pdf</dc:format>\n");
	put_element(b, "xmp:CreateDate", date);
	put_element(b, "xmp:ModifyDate", date);
	put_element(b, "xmp:MetadataDate", date);
	put_element(b, "xmp:CreatorTool", info(e, HPDF_INFO_CREATOR));
	put_element(b, "pdf:Producer", info(e, HPDF_INFO_PRODUCER));
	put_element(b, "pdf:Keywords", info(e, HPDF_INFO_KEYWORDS));
	if (e->set.tagged)
		galley_buf_puts(b, "   <pdfuaid:part>1</pdfuaid:part>\n");
	if (e->set.pdfa)
		galley_buf_puts(
		    b, "   <pdfaid:part>2</pdfaid:part>\n   <pdfaid:conformance>B</pdfaid:conformance>\n");
	galley_buf_puts(b, "  </rdf:Description>\n </rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>");
}

/* An uncompressed stream of `len` bytes (PDF/A wants metadata readable without a filter). */
static HPDF_Dict raw_stream(pdf_engine *e, const void *data, size_t len)
{
	HPDF_Doc pdf = e->out.pdf;
	HPDF_Dict s = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
	if (!s || HPDF_Stream_Write(s->stream, (const HPDF_BYTE *)data, (HPDF_UINT)len) != HPDF_OK)
		return NULL;
	return s;
}

static int add_metadata(pdf_engine *e)
{
	/* the Info dictionary's date, to the second and in UTC, as XMP writes it */
	time_t t = galley_doc_stamp(e->doc, e->opts);
	struct tm tm;
	gmtime_r(&t, &tm);
	char date[32];
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S+00:00", &tm);
	galley_buf b = GALLEY_BUF_INIT;
	build_packet(e, &b, date);
	HPDF_Dict s = b.failed ? NULL : raw_stream(e, b.data, b.len);
	galley_buf_free(&b);
	if (!s || HPDF_Dict_AddName(s, "Type", "Metadata") != HPDF_OK ||
	    HPDF_Dict_AddName(s, "Subtype", "XML") != HPDF_OK ||
	    HPDF_Dict_Add(e->out.pdf->catalog, "Metadata", s) != HPDF_OK)
		return GALLEY_EINTERNAL;
	return 0;
}

/* The sRGB profile as the output intent PDF/A asks for: the colours are meant for a screen. */
static int add_output_intent(pdf_engine *e, galley_error *err)
{
	HPDF_Doc pdf = e->out.pdf;
	FILE *f = fopen(GALLEY_SRGB_ICC, "rb");
	galley_buf icc = GALLEY_BUF_INIT;
	char chunk[8192];
	size_t n;
	while (f && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		galley_buf_put(&icc, chunk, n);
	if (f)
		fclose(f);
	if (!f || icc.len < 128 || icc.failed) {
		galley_buf_free(&icc);
		return galley_error_set(err, GALLEY_EOUTPUT, e->opts, 0, 0,
		                        "PDF/A needs the sRGB colour profile %s (Debian: icc-profiles-free)",
		                        GALLEY_SRGB_ICC);
	}
	HPDF_Dict profile = raw_stream(e, icc.data, icc.len);
	galley_buf_free(&icc);
	HPDF_Dict intent = HPDF_Dict_New(pdf->mmgr);
	HPDF_Array intents = HPDF_Array_New(pdf->mmgr);
	if (!profile || !intent || !intents || HPDF_Xref_Add(pdf->xref, intent) != HPDF_OK)
		return GALLEY_EINTERNAL;
	profile->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
	HPDF_STATUS ret = HPDF_Dict_AddNumber(profile, "N", 3);
	ret += HPDF_Dict_AddName(intent, "Type", "OutputIntent");
	ret += HPDF_Dict_AddName(intent, "S", "GTS_PDFA1");
	ret += HPDF_Dict_Add(intent, "OutputConditionIdentifier", HPDF_String_New(pdf->mmgr, "sRGB", NULL));
	ret += HPDF_Dict_Add(intent, "Info", HPDF_String_New(pdf->mmgr, "sRGB IEC61966-2.1", NULL));
	ret += HPDF_Dict_Add(intent, "DestOutputProfile", profile);
	ret += HPDF_Array_Add(intents, intent);
	ret += HPDF_Dict_Add(pdf->catalog, "OutputIntents", intents);
	return ret == HPDF_OK ? 0 : GALLEY_EINTERNAL;
}

int pdf_metadata(pdf_engine *e, galley_error *err)
{
	int rc = 0;
	if (e->set.tagged || e->set.pdfa)
		rc = add_metadata(e);
	if (rc)
		return galley_error_set(err, rc, e->opts, 0, 0, "cannot write the XMP metadata");
	if (e->set.pdfa)
		rc = add_output_intent(e, err);
	return rc;
}
