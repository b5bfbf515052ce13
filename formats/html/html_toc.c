/*
 * html_toc.c - section numbers and a table of contents for standalone HTML
 * (--number-sections, --toc, --toc-depth), numbered as the PDF writer
 * numbers: from the shallowest heading level in the document, the heading
 * that became the title left out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"

/* The shallowest heading level, the title heading aside (6 when none). */
static int base_level(const galley_doc *doc)
{
	int base = 6;
	galley_walk w;
	galley_walk_init(&w, galley_doc_root(doc));
	while (galley_walk_next(&w) != GALLEY_EVENT_DONE) {
		galley_node *n = w.node;
		if (w.event != GALLEY_EVENT_ENTER || galley_node_get_type(n) != GALLEY_NODE_HEADING)
			continue;
		galley_walk_skip_children(&w);
		int level = galley_node_heading_level(n);
		if (n != galley_doc_title_heading(doc) && level < base)
			base = level;
	}
	return base;
}

void html_sections_init(html_sections *s, const galley_doc *doc)
{
	memset(s, 0, sizeof(*s));
	s->base = base_level(doc);
}

const char *html_section_number(html_sections *s, int level)
{
	int rel = level - s->base;
	if (rel < 0)
		rel = 0;
	if (rel > 5)
		rel = 5;
	s->count[rel]++;
	for (int i = rel + 1; i < 6; i++)
		s->count[i] = 0;
	size_t used = 0;
	s->text[0] = '\0';
	for (int i = 0; i <= rel && used < sizeof(s->text); i++)
		used +=
		    (size_t)snprintf(s->text + used, sizeof(s->text) - used, i ? ".%d" : "%d", s->count[i]);
	return s->text;
}

void html_write_section_number(xmlw *x, const char *number)
{
	xmlw_start(x, "span");
	xmlw_attr(x, "class", "section-number");
	xmlw_str(x, number);
	xmlw_end(x);
	xmlw_str(x, " ");
}

/* Closes list items and lists down to `depth` open lists. */
static void close_to(xmlw *x, int *open, int depth)
{
	while (*open > depth) {
		xmlw_end(x); /* li */
		xmlw_end(x); /* ol */
		xmlw_raw(x, "\n", 1);
		(*open)--;
	}
}

/*
 * One entry: a link to the heading's id with its text (and number). Levels
 * that jump (h1 then h3) nest one list deeper, not two, as the EPUB's
 * navigation does.
 */
static void write_entry(xmlw *x, const galley_node *h, const char *number, int rel, int *open)
{
	if (rel + 1 > *open) {
		xmlw_start(x, "ol");
		(*open)++;
	} else {
		close_to(x, open, rel + 1);
		xmlw_end(x); /* the previous li */
	}
	xmlw_raw(x, "\n", 1);
	xmlw_start(x, "li");
	xmlw_start(x, "a");
	xmlw_attrf(x, "href", "#%s", galley_node_id(h));
	if (number)
		html_write_section_number(x, number);
	char *text = galley_node_plain_text(h);
	xmlw_str(x, text ? text : "");
	free(text);
	xmlw_end(x);
}

int html_write_toc(xmlw *x, const galley_doc *doc, int depth, bool numbered)
{
	html_sections s;
	galley_walk w;
	int open = 0;
	html_sections_init(&s, doc);
	xmlw_start(x, "nav");
	xmlw_attr(x, "id", "toc");
	xmlw_attr(x, "role", "doc-toc");
	xmlw_raw(x, "\n", 1);
	galley_walk_init(&w, galley_doc_root(doc));
	while (galley_walk_next(&w) != GALLEY_EVENT_DONE) {
		galley_node *n = w.node;
		if (w.event != GALLEY_EVENT_ENTER || galley_node_get_type(n) != GALLEY_NODE_HEADING)
			continue;
		galley_walk_skip_children(&w);
		if (n == galley_doc_title_heading(doc))
			continue;
		int rel = galley_node_heading_level(n) - s.base;
		const char *number = numbered ? html_section_number(&s, galley_node_heading_level(n)) : NULL;
		if (rel < depth && galley_node_id(n))
			write_entry(x, n, number, rel < open ? rel : open, &open);
	}
	close_to(x, &open, 0);
	xmlw_end(x);
	xmlw_raw(x, "\n", 1);
	return 0;
}
