/*
 * inlines.c - a block's inline content (emphasis, code, links, notes,
 * breaks) as a paragraph's styled text.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../src/url.h"
#include "layout.h"

int lay_add_text(pdf_engine *e, pdf_para *p, const inline_state *s, const char *text, size_t len)
{
	pdf_style st = lay_make_style(s->role, s->face_style, s->size);
	st.rise = s->rise;
	st.flags = s->flags;
	st.link = s->link;
	st.note = s->note;
	st.lang = s->lang;
	int id = pdf_style_get(e, &st);
	if (id < 0)
		return GALLEY_ENOMEM;
	return pdf_para_add(e, p, text, len, (uint16_t)id);
}

static int link_for(layout *l, const galley_node *n)
{
	pdf_engine *e = l->e;
	const char *url = galley_node_url(n);
	/* libharu refuses an empty URI and strings past its limit */
	if (!url || !*url || strlen(url) > 60000 || galley_url_is_active(url))
		return 0;
	if (url[0] == '#') {
		void *a = strmap_get(&e->anc.ids, url + 1);
		return a ? pdf_link_add(e, NULL, (int)(intptr_t)a - 1) : 0;
	}
	return pdf_link_add(e, url, -1);
}

static bool looks_like_url(const char *s, size_t len)
{
	return (len > 7 && (strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0)) ||
	       (len > 4 && strncmp(s, "www.", 4) == 0) || memchr(s, '@', len) != NULL;
}

static int add_leaf(layout *l, pdf_para *p, const galley_node *n, inline_state *s)
{
	pdf_engine *e = l->e;
	size_t len;
	const char *lit = galley_node_literal(n, &len);
	switch (galley_node_get_type(n)) {
	case GALLEY_NODE_TEXT: {
		inline_state t = *s;
		if (s->link && looks_like_url(lit, len))
			t.flags |= PDF_ST_NOHYPH;
		return lay_add_text(e, p, &t, lit, len);
	}
	case GALLEY_NODE_MATH: {
		bool set = false;
		pdf_style st = lay_make_style(s->role, s->face_style, s->size);
		st.link = s->link;
		int id = pdf_style_get(e, &st);
		int rc = id < 0 ? GALLEY_ENOMEM : pdf_math_add(e, p, n, (uint16_t)id, &set);
		if (rc || set)
			return rc;
	} /* no math font: the TeX source, as code */
	/* fall through */
	case GALLEY_NODE_CODE: {
		inline_state t = *s;
		t.role = PDF_ROLE_MONO;
		t.size = s->size * pdf_typo.code_size;
		t.flags |= PDF_ST_NOHYPH | PDF_ST_CODE;
		return lay_add_text(e, p, &t, lit, len);
	}
	case GALLEY_NODE_SOFT_BREAK:
		return lay_add_text(e, p, s, " ", 1);
	case GALLEY_NODE_HARD_BREAK:
		return lay_add_text(e, p, s, "\n", 1);
	case GALLEY_NODE_FOOTNOTE_REF: {
		int num = galley_node_footnote_number(n);
		char buf[16];
		inline_state t = *s;
		t.size = s->size * pdf_typo.note_mark_size;
		t.rise = s->rise + s->size * pdf_typo.superscript_rise;
		t.flags |= PDF_ST_NOHYPH;
		t.note = (uint16_t)(num > 0 && num < UINT16_MAX ? num : 0);
		if (num > 0 && l->note_anchor && l->note_anchor[num] >= 0) {
			int link = pdf_link_add(e, NULL, l->note_anchor[num]);
			if (link < 0)
				return GALLEY_ENOMEM;
			t.link = (uint16_t)link;
		}
		snprintf(buf, sizeof(buf), "%d", num);
		return lay_add_text(e, p, &t, buf, strlen(buf));
	}
	case GALLEY_NODE_RAW_INLINE:
		e->vl.raw_dropped++;
		return 0;
	default:
		return 0;
	}
}

/* A span's language other than the document's, as an index + 1 into e->res.langs (tagged PDF only). */
static uint16_t span_lang(pdf_engine *e, const galley_node *n)
{
	const char *lang = galley_node_attr(n, "lang");
	if (!e->set.tagged || !lang || !*lang || strcasecmp(lang, e->set.lang) == 0)
		return 0;
	for (size_t i = 0; i < e->res.nlangs; i++)
		if (strcmp(e->res.langs[i], lang) == 0)
			return (uint16_t)(i + 1);
	if (e->res.nlangs >= UINT16_MAX - 1 ||
	    pdf_grow((void **)&e->res.langs, &e->res.langcap, e->res.nlangs + 1, sizeof(*e->res.langs)))
		return 0;
	e->res.langs[e->res.nlangs++] = lang; /* the model's string, alive while the document is */
	return (uint16_t)e->res.nlangs;
}

static void enter_inline(layout *l, const galley_node *n, inline_state *s)
{
	switch (galley_node_get_type(n)) {
	case GALLEY_NODE_SPAN: {
		uint16_t lang = span_lang(l->e, n);
		if (lang)
			s->lang = lang;
		break;
	}
	case GALLEY_NODE_EMPH:
	case GALLEY_NODE_IMAGE:
		s->face_style ^= PDF_ITALIC;
		break;
	case GALLEY_NODE_STRONG:
		s->face_style |= PDF_BOLD;
		break;
	case GALLEY_NODE_STRIKETHROUGH:
		s->flags |= PDF_ST_STRIKE;
		break;
	case GALLEY_NODE_LINK: {
		int link = link_for(l, n);
		if (link > 0) {
			s->link = (uint16_t)link;
			s->flags |= PDF_ST_LINK;
		}
		break;
	}
	case GALLEY_NODE_SUPERSCRIPT:
		s->rise += s->size * pdf_typo.superscript_rise;
		s->size *= pdf_typo.script_size;
		break;
	case GALLEY_NODE_SUBSCRIPT:
		s->rise -= s->size * pdf_typo.subscript_drop;
		s->size *= pdf_typo.script_size;
		break;
	default:
		break;
	}
}

/*
 * An inline image, set in the line as a character of its own (U+FFFC in a
 * style that names the image); false when it cannot be loaded, and its
 * description stands in for it.
 */
static int add_image(layout *l, pdf_para *p, const galley_node *n, const inline_state *s, bool *set)
{
	pdf_engine *e = l->e;
	*set = false;
	if (e->res.nimages >= UINT16_MAX - 1)
		return 0;
	HPDF_Image im = lay_load_image(e, n);
	if (!im)
		return 0;
	if (pdf_grow((void **)&e->res.images, &e->res.imagecap, e->res.nimages + 1, sizeof(*e->res.images)))
		return GALLEY_ENOMEM;
	e->res.images[e->res.nimages++] = im;
	if (e->set.tagged) {
		/* its description, the Figure's alternate text when it is drawn */
		pdf_tags *t = &e->tags;
		if (pdf_grow((void **)&t->image_alt, &t->nimage_alt, e->res.nimages, sizeof(*t->image_alt)))
			return GALLEY_ENOMEM;
		char *alt = galley_node_plain_text(n);
		t->image_alt[e->res.nimages - 1] = alt ? arena_strndup(&e->mem, alt, strlen(alt)) : NULL;
		free(alt);
	}
	pdf_style st = lay_make_style(s->role, s->face_style, s->size);
	st.link = s->link;
	st.lang = s->lang;
	st.image = (uint16_t)e->res.nimages;
	int id = pdf_style_get(e, &st);
	if (id < 0)
		return GALLEY_ENOMEM;
	*set = true;
	return pdf_para_add(e, p, "\xEF\xBF\xBC", 3, (uint16_t)id);
}

/* The isolate a `dir` value opens (as HTML's bdi and span with dir do); 0 for none. */
static uint32_t isolate_for(const char *dir, size_t len, uint32_t otherwise)
{
	if (len == 3 && !strncasecmp(dir, "ltr", 3))
		return PDF_LRI;
	if (len == 3 && !strncasecmp(dir, "rtl", 3))
		return PDF_RLI;
	return len == 4 && !strncasecmp(dir, "auto", 4) ? PDF_FSI : otherwise;
}

/* A span's `dir` (ltr, rtl, auto): its text is a directional isolate; 0 for none. */
static uint32_t span_isolate(const galley_node *n)
{
	const char *dir = galley_node_get_type(n) == GALLEY_NODE_SPAN ? galley_node_attr(n, "dir") : NULL;
	return dir ? isolate_for(dir, strlen(dir), 0) : 0;
}

/* The value of attribute `name` in an HTML start tag's attributes [s, end); NULL when absent. */
static const char *tag_attr(const char *s, const char *end, const char *name, size_t *len)
{
	size_t want = strlen(name);
	while (s < end) {
		while (s < end && (isspace((unsigned char)*s) || *s == '/'))
			s++;
		const char *key = s;
		while (s < end && !isspace((unsigned char)*s) && *s != '=' && *s != '>' && *s != '/')
			s++;
		size_t keylen = (size_t)(s - key);
		while (s < end && isspace((unsigned char)*s))
			s++;
		const char *v = s, *vend = s;
		if (s < end && *s == '=') {
			for (s++; s < end && isspace((unsigned char)*s);)
				s++;
			char q = s < end && (*s == '"' || *s == '\'') ? *s++ : 0;
			for (v = s; s < end && (q ? *s != q : !isspace((unsigned char)*s) && *s != '>');)
				s++;
			vend = s;
			s += q && s < end;
		}
		if (keylen == want && !strncasecmp(key, name, want)) {
			*len = (size_t)(vend - v);
			return v;
		}
		if (!keylen)
			s++;
	}
	return NULL;
}

/* The raw HTML <span> and <bdi> tags open in a paragraph, each with the isolate it opened (0: none). */
typedef struct raw_spans {
	uint32_t open[64];
	int n;
} raw_spans;

/* Whether raw HTML `tag` is a start (1) or end (-1) tag of <span> or <bdi>; 0 for others. */
static int span_tag(const char *tag, size_t len, bool *bdi, size_t *name_end)
{
	bool end = len > 2 && tag[1] == '/';
	size_t at = end ? 2 : 1;
	for (int k = 0; k < 2; k++) {
		const char *name = k ? "bdi" : "span";
		size_t n = strlen(name);
		if (len > at + n && !strncasecmp(tag + at, name, n) &&
		    (isspace((unsigned char)tag[at + n]) || tag[at + n] == '>' || tag[at + n] == '/')) {
			*bdi = k == 1;
			*name_end = at + n;
			return end ? -1 : 1;
		}
	}
	return 0;
}

/*
 * A raw HTML <span dir> or <bdi> tag: its text is a directional isolate
 * (a <bdi> without dir takes the first strong character's direction), closed
 * by the matching end tag; `*used` says whether the tag was used so.
 */
static int raw_isolate(pdf_para *p, const galley_node *n, raw_spans *rs, bool *used)
{
	size_t len, name_end, dirlen;
	const char *tag = galley_node_literal(n, &len);
	const char *format = galley_node_info(n);
	bool bdi;
	*used = false;
	int kind = format && !strcmp(format, "html") && len > 2 && tag[0] == '<' && tag[len - 1] == '>'
	               ? span_tag(tag, len, &bdi, &name_end)
	               : 0;
	if (kind < 0 && rs->n > 0 && rs->open[rs->n - 1]) {
		*used = true;
		rs->n--;
		return pdf_para_isolate(p, PDF_PDI);
	}
	if (kind < 0 && rs->n > 0)
		rs->n--;
	if (kind <= 0 || tag[len - 2] == '/' || rs->n == (int)(sizeof(rs->open) / sizeof(rs->open[0])))
		return 0;
	const char *dir = tag_attr(tag + name_end, tag + len - 1, "dir", &dirlen);
	uint32_t ch = dir ? isolate_for(dir, dirlen, bdi ? PDF_FSI : 0) : bdi ? PDF_FSI : 0;
	rs->open[rs->n++] = ch;
	*used = ch != 0;
	return ch ? pdf_para_isolate(p, ch) : 0;
}

/* The inline content of `block` into `p`, starting from style `base`. */
int lay_collect_inlines(layout *l, pdf_para *p, galley_node *block, inline_state base)
{
	inline_state stack[MAX_INLINE_DEPTH];
	int depth = 0, deep = 0;
	inline_state cur = base;
	galley_walk w;
	galley_walk_init(&w, block);
	galley_event ev;
	raw_spans raw = {{0}, 0};
	int rc = 0;
	while (rc == 0 && (ev = galley_walk_next(&w)) != GALLEY_EVENT_DONE) {
		galley_node *n = w.node;
		if (n == block)
			continue;
		galley_node_type t = galley_node_get_type(n);
		bool used = false;
		if (t == GALLEY_NODE_RAW_INLINE && ((rc = raw_isolate(p, n, &raw, &used)) != 0 || used)) {
			continue;
		} else if (galley_node_type_is_leaf(t)) {
			rc = add_leaf(l, p, n, &cur);
		} else if (ev == GALLEY_EVENT_ENTER) {
			if (depth < MAX_INLINE_DEPTH)
				stack[depth++] = cur;
			else
				deep++;
			bool set = false;
			/* a figure's image stands above it: its description is the caption */
			if (t == GALLEY_NODE_IMAGE && galley_node_get_type(block) != GALLEY_NODE_FIGURE &&
			    (rc = add_image(l, p, n, &cur, &set)) == 0 && set)
				galley_walk_skip_children(&w); /* the description stands in for no image */
			enter_inline(l, n, &cur);
			if (rc == 0 && span_isolate(n))
				rc = pdf_para_isolate(p, span_isolate(n));
		} else {
			if (span_isolate(n))
				rc = pdf_para_isolate(p, PDF_PDI);
			if (deep > 0)
				deep--;
			else if (depth > 0)
				cur = stack[--depth];
		}
	}
	return rc;
}
