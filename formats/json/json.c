/*
 * json.c - the model as JSON (schema in docs/json-schema.json, described in
 * docs/json.md). Keys come in a fixed order so the output is stable.
 */
#include <string.h>

#include "galley/sys/format.h"

static void put_string(galley_buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s, *end = p + len, *run = p;
	galley_buf_putc(b, '"');
	for (; p < end; p++) {
		unsigned char c = *p;
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		galley_buf_put(b, run, (size_t)(p - run));
		run = p + 1;
		switch (c) {
		case '"':
			galley_buf_put(b, "\\\"", 2);
			break;
		case '\\':
			galley_buf_put(b, "\\\\", 2);
			break;
		case '\n':
			galley_buf_put(b, "\\n", 2);
			break;
		case '\t':
			galley_buf_put(b, "\\t", 2);
			break;
		case '\r':
			galley_buf_put(b, "\\r", 2);
			break;
		default: {
			char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
			galley_buf_put(b, esc, 6);
		}
		}
	}
	galley_buf_put(b, run, (size_t)(p - run));
	galley_buf_putc(b, '"');
}

static void put_cstr(galley_buf *b, const char *s) { put_string(b, s, strlen(s)); }

/* ,"key":N without printf, which would dominate the time spent on positions. */
static void put_uint(galley_buf *b, const char *key_part, unsigned long v)
{
	char digits[24];
	size_t n = sizeof(digits);
	do {
		digits[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	galley_buf_puts(b, key_part);
	galley_buf_put(b, digits + n, sizeof(digits) - n);
}

static void put_key(galley_buf *b, const char *key)
{
	galley_buf_putc(b, ',');
	put_cstr(b, key);
	galley_buf_putc(b, ':');
}

static void put_field(galley_buf *b, const char *key, const char *value)
{
	if (!value)
		return;
	put_key(b, key);
	put_cstr(b, value);
}

static void put_list(galley_buf *b, const char *key, size_t n, const char *(*get)(const galley_doc *, size_t),
                     const galley_doc *doc)
{
	put_key(b, key);
	galley_buf_putc(b, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			galley_buf_putc(b, ',');
		put_cstr(b, get(doc, i));
	}
	galley_buf_putc(b, ']');
}

static void write_meta(galley_buf *b, const galley_doc *doc)
{
	galley_buf_puts(b, "\"meta\":{\"schema\":\"galley-json/1\"");
	for (int f = 0; f < GALLEY_META_FIELD_COUNT; f++)
		put_field(b, galley_meta_field_name((galley_meta_field)f),
		          galley_doc_meta(doc, (galley_meta_field)f));
	put_list(b, "authors", galley_doc_author_count(doc), galley_doc_author, doc);
	put_list(b, "keywords", galley_doc_keyword_count(doc), galley_doc_keyword, doc);
	put_key(b, "extra");
	galley_buf_putc(b, '{');
	for (size_t i = 0; i < galley_doc_extra_count(doc); i++) {
		if (i)
			galley_buf_putc(b, ',');
		put_cstr(b, galley_doc_extra_key(doc, i));
		galley_buf_putc(b, ':');
		put_cstr(b, galley_doc_extra_value(doc, i));
	}
	galley_buf_puts(b, "}}");
}

static void put_literal(galley_buf *b, const galley_node *n)
{
	size_t len;
	const char *text = galley_node_literal(n, &len);
	put_key(b, "text");
	put_string(b, text, len);
}

/* "classes" (an array) and "attributes" (an object) of a heading, code block or span, when it has them. */
static void write_attrs(galley_buf *b, const galley_node *n)
{
	const char *classes = galley_node_classes(n);
	size_t count = galley_node_attr_count(n);
	if (classes) {
		put_key(b, "classes");
		galley_buf_putc(b, '[');
		for (const char *p = classes; *p;) {
			size_t len = strcspn(p, " ");
			if (len) {
				if (p != classes)
					galley_buf_putc(b, ',');
				put_string(b, p, len);
			}
			p += len + (p[len] == ' ');
		}
		galley_buf_putc(b, ']');
	}
	if (!count)
		return;
	put_key(b, "attributes");
	galley_buf_putc(b, '{');
	for (size_t i = 0; i < count; i++) {
		if (i)
			galley_buf_putc(b, ',');
		put_cstr(b, galley_node_attr_key(n, i));
		galley_buf_putc(b, ':');
		put_cstr(b, galley_node_attr_value(n, i));
	}
	galley_buf_putc(b, '}');
}

static void write_fields(galley_buf *b, const galley_node *n)
{
	switch (galley_node_get_type(n)) {
	case GALLEY_NODE_HEADING:
		galley_buf_printf(b, ",\"level\":%d", galley_node_heading_level(n));
		put_field(b, "id", galley_node_id(n));
		write_attrs(b, n);
		break;
	case GALLEY_NODE_SPAN:
		put_field(b, "id", galley_node_id(n));
		write_attrs(b, n);
		break;
	case GALLEY_NODE_ORDERED_LIST:
		galley_buf_printf(b, ",\"start\":%d,\"delimiter\":\"%c\"", galley_node_list_start(n),
		                  galley_node_list_delimiter(n));
		if (galley_node_list_numbering(n) != '1')
			galley_buf_printf(b, ",\"numbering\":\"%c\"", galley_node_list_numbering(n));
		/* fall through */
	case GALLEY_NODE_BULLET_LIST:
		galley_buf_printf(b, ",\"tight\":%s", galley_node_list_tight(n) ? "true" : "false");
		break;
	case GALLEY_NODE_LIST_ITEM:
		if (galley_node_task(n) != GALLEY_TASK_NONE)
			put_field(b, "task",
			          galley_node_task(n) == GALLEY_TASK_CHECKED ? "checked" : "unchecked");
		break;
	case GALLEY_NODE_MATH:
		put_field(b, "display", galley_node_info(n));
		put_literal(b, n);
		break;
	case GALLEY_NODE_CODE_BLOCK:
		put_field(b, "language", galley_node_info(n));
		put_field(b, "id", galley_node_id(n));
		write_attrs(b, n);
		put_literal(b, n);
		break;
	case GALLEY_NODE_RAW_BLOCK:
	case GALLEY_NODE_RAW_INLINE:
		put_field(b, "format", galley_node_info(n) ? galley_node_info(n) : "html");
		/* fall through */
	case GALLEY_NODE_TEXT:
	case GALLEY_NODE_CODE:
		put_literal(b, n);
		break;
	case GALLEY_NODE_LINK:
	case GALLEY_NODE_IMAGE:
		put_field(b, "url", galley_node_url(n) ? galley_node_url(n) : "");
		put_field(b, "title", galley_node_title(n));
		break;
	case GALLEY_NODE_FOOTNOTE_REF:
	case GALLEY_NODE_FOOTNOTE_DEF:
		put_field(b, "label", galley_node_footnote_label(n) ? galley_node_footnote_label(n) : "");
		galley_buf_printf(b, ",\"number\":%d", galley_node_footnote_number(n));
		break;
	case GALLEY_NODE_TABLE:
		galley_buf_printf(b, ",\"columns\":%d,\"align\":[", galley_node_table_columns(n));
		for (int i = 0; i < galley_node_table_columns(n); i++)
			galley_buf_printf(b, "%s\"%s\"", i ? "," : "",
			                  galley_align_name(galley_node_table_align(n, i)));
		galley_buf_putc(b, ']');
		if (galley_node_table_width(n, 0) > 0) {
			galley_buf_puts(b, ",\"widths\":[");
			for (int i = 0; i < galley_node_table_columns(n); i++)
				galley_buf_printf(b, "%s%.4g", i ? "," : "",
				                  (double)galley_node_table_width(n, i));
			galley_buf_putc(b, ']');
		}
		break;
	case GALLEY_NODE_TABLE_ROW:
		galley_buf_printf(b, ",\"header\":%s", galley_node_row_is_header(n) ? "true" : "false");
		break;
	default:
		break;
	}
}

static int json_write(const galley_doc *doc, galley_buf *out, const galley_options *opts, galley_error *err)
{
	galley_walk w;
	galley_event ev;
	(void)opts;
	galley_buf_putc(out, '{');
	write_meta(out, doc);
	galley_buf_puts(out, ",\"document\":");
	galley_walk_init(&w, galley_doc_root(doc));
	while ((ev = galley_walk_next(&w)) != GALLEY_EVENT_DONE) {
		const galley_node *n = w.node;
		if (ev == GALLEY_EVENT_EXIT) {
			galley_buf_puts(out, "]}");
			continue;
		}
		if (n != galley_doc_root(doc) && galley_node_prev(n))
			galley_buf_putc(out, ',');
		galley_buf_puts(out, "{\"type\":");
		put_cstr(out, galley_node_type_name(galley_node_get_type(n)));
		put_uint(out, ",\"line\":", galley_node_line(n));
		put_uint(out, ",\"column\":", galley_node_column(n));
		write_fields(out, n);
		if (galley_node_type_is_leaf(galley_node_get_type(n)))
			galley_buf_putc(out, '}');
		else
			galley_buf_puts(out, ",\"children\":[");
	}
	galley_buf_puts(out, "}\n");
	if (out->failed)
		return galley_error_set(err, GALLEY_ENOMEM, NULL, 0, 0, "out of memory");
	return 0;
}

static const char *const json_exts[] = {"json", NULL};

const galley_format galley_format_json = {
    .name = "json",
    .description = "the article model as JSON (docs/json.md)",
    .write_extensions = json_exts,
    .mime_type = "application/json",
    .write = json_write,
};
