/*
 * table.c - tables: column widths from content, cells broken into lines,
 * booktabs rules, a header repeated on every page the table goes on to.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"

#define MAX_COLUMNS 128

static pdf_vitem *push_rule(layout *l, float x, float width, float thickness, float height, uint16_t table)
{
	pdf_vitem *v = pdf_vlist_push(l->e, PDF_V_RULE);
	if (!v)
		return NULL;
	v->line.x = x;
	v->line.width = width;
	v->ascent = thickness; /* a rule's line width */
	v->height = height;
	v->nobreak = true;
	v->table = table;
	return v;
}

/*
 * Column widths from content: each column's narrowest (its widest word) and
 * natural width; natural widths when they fit, otherwise the room beyond the
 * minimums shared in proportion, and when even the minimums do not fit,
 * widths in proportion to them (cells then break inside words).
 */
static void column_widths(const float *min, const float *nat, int n, float avail, float *w)
{
	float smin = 0, snat = 0;
	for (int i = 0; i < n; i++) {
		smin += min[i];
		snat += nat[i];
	}
	for (int i = 0; i < n; i++) {
		if (snat <= avail)
			w[i] = nat[i];
		else if (smin <= avail && snat > smin)
			w[i] = min[i] + (nat[i] - min[i]) * (avail - smin) / (snat - smin);
		else
			w[i] = smin > 0 ? avail * min[i] / smin : avail / (float)n;
		if (w[i] < 1)
			w[i] = 1;
	}
}

/* The lines of one cell, broken at its width, as items kept aside in `out`. */
static int cell_lines(layout *l, pdf_para *p, float x, float width, pdf_vitem **out, size_t *count)
{
	pdf_engine *e = l->e;
	pdf_lines lines = {NULL, 0, 0};
	int rc = p->len ? pdf_para_break(e, p, width, x, &lines) : 0;
	*count = 0;
	*out = NULL;
	if (rc == 0 && lines.count && !(*out = calloc(lines.count, sizeof(pdf_vitem))))
		rc = GALLEY_ENOMEM;
	for (size_t i = 0; rc == 0 && i < lines.count; i++) {
		pdf_vitem *v = &(*out)[(*count)++];
		v->kind = PDF_V_LINE;
		v->ascent = e->set.leading * pdf_typo.ascent;
		v->anchor = -1;
		v->toc_anchor = -1;
		v->line = lines.v[i];
	}
	free(lines.v);
	return rc;
}

static int table_row(layout *l, uint32_t elem, pdf_para **cells, int n, const float *x, const float *w,
                     uint16_t table, bool header)
{
	pdf_engine *e = l->e;
	/* TR, and a TH (scope: its column) or TD per cell, lines or none */
	uint32_t tr = pdf_tags_add(e, elem, PDF_SE_TR, NULL);
	pdf_vitem *lines[MAX_COLUMNS] = {NULL};
	size_t counts[MAX_COLUMNS] = {0}, rows = 0;
	int rc = 0;
	for (int c = 0; c < n && rc == 0; c++) {
		rc = cell_lines(l, cells[c], x[c], w[c], &lines[c], &counts[c]);
		if (counts[c] > rows)
			rows = counts[c];
	}
	if (rows == 0)
		rows = 1;
	/*
	 * Each cell's lines in turn (so text is read cell by cell), at no
	 * height and each at its offset below the row's top; then one empty
	 * item per visual line carries the row's height.
	 */
	for (int c = 0; c < n && rc == 0; c++) {
		uint32_t cell = pdf_tags_add(e, tr, header ? PDF_SE_TH : PDF_SE_TD, header ? "Column" : NULL);
		for (size_t k = 0; k < counts[c]; k++) {
			pdf_vitem *v = pdf_vlist_push(e, PDF_V_LINE);
			if (!v) {
				rc = GALLEY_ENOMEM;
				break;
			}
			*v = lines[c][k];
			v->height = 0;
			v->dy = (float)k * e->set.leading;
			v->nobreak = true;
			v->table = table;
			v->header_row = header;
			v->elem = cell;
		}
	}
	for (size_t k = 0; k < rows && rc == 0; k++) {
		pdf_vitem *carrier = pdf_vlist_push(e, PDF_V_LINE);
		if (!carrier) {
			rc = GALLEY_ENOMEM;
			break;
		}
		carrier->height = e->set.leading;
		carrier->ascent = e->set.leading * pdf_typo.ascent;
		carrier->nobreak = true;
		carrier->table = table;
		carrier->header_row = header;
	}
	for (int c = 0; c < n; c++)
		free(lines[c]);
	return rc;
}

static int table_cells(layout *l, galley_node *row, pdf_para **cells, int n, bool header, galley_node *table)
{
	pdf_engine *e = l->e;
	int c = 0;
	for (galley_node *cell = galley_node_first_child(row); cell && c < n;
	     cell = galley_node_next(cell), c++) {
		pdf_para *p = lay_new_para(e);
		if (!p)
			return GALLEY_ENOMEM;
		galley_align a = galley_node_table_align(table, c);
		p->align = a == GALLEY_ALIGN_CENTER  ? PDF_ALIGN_CENTER
		           : a == GALLEY_ALIGN_RIGHT ? PDF_ALIGN_RIGHT
		                                     : PDF_ALIGN_LEFT;
		p->hyphenate = true;
		inline_state s = lay_body_state(l);
		if (header)
			s.face_style = PDF_BOLD;
		int rc = lay_collect_inlines(l, p, cell, s);
		if (rc)
			return rc;
		cells[c] = p;
	}
	for (; c < n; c++) {
		if (!(cells[c] = lay_new_para(e)))
			return GALLEY_ENOMEM;
	}
	return 0;
}

/* Each column's narrowest and natural width, over the cells of every row. */
static int measure_cells(layout *l, galley_node *table, pdf_para **cells, int n, float *min, float *nat)
{
	pdf_engine *e = l->e;
	int rc = 0;
	size_t r = 0;
	for (int c = 0; c < n; c++)
		min[c] = nat[c] = 0;
	for (galley_node *row = galley_node_first_child(table); row && rc == 0;
	     row = galley_node_next(row), r++) {
		rc = table_cells(l, row, cells + r * (size_t)n, n, galley_node_row_is_header(row), table);
		for (int c = 0; c < n && rc == 0; c++) {
			float mn, nt;
			rc = pdf_para_measure(e, cells[r * (size_t)n + c], &mn, &nt);
			if (mn > min[c])
				min[c] = mn;
			if (nt > nat[c])
				nat[c] = nt;
		}
	}
	return rc;
}

static int add_table(pdf_engine *e)
{
	if (pdf_grow((void **)&e->tabs.tables, &e->tabs.tablecap, e->tabs.ntables + 1,
	             sizeof(*e->tabs.tables)))
		return GALLEY_ENOMEM;
	memset(&e->tabs.tables[e->tabs.ntables], 0, sizeof(pdf_table));
	e->tabs.ntables++;
	return 0;
}

/* A table with booktabs rules; its header row repeats on every page it continues on. */
int lay_table(layout *l, galley_node *table)
{
	pdf_engine *e = l->e;
	container *box = lay_top(l);
	int n = galley_node_table_columns(table);
	size_t nrows = 0;
	for (galley_node *r = galley_node_first_child(table); r; r = galley_node_next(r))
		nrows++;
	if (n <= 0 || nrows == 0)
		return 0;
	if (n > MAX_COLUMNS) {
		galley_report(e->opts, GALLEY_WARNING, galley_node_line(table), galley_node_column(table),
		              "a table of %d columns: those past %d are left out of the PDF", n, MAX_COLUMNS);
		n = MAX_COLUMNS;
	}
	if (e->tabs.ntables >= UINT16_MAX - 1)
		return 0;
	pdf_para **cells = calloc(nrows * (size_t)n, sizeof(*cells));
	if (!cells)
		return GALLEY_ENOMEM;
	float min[MAX_COLUMNS], nat[MAX_COLUMNS], w[MAX_COLUMNS], x[MAX_COLUMNS];
	int rc = measure_cells(l, table, cells, n, min, nat);
	/* a table whose narrowest columns do not fit is set smaller, down to 70% */
	pdf_settings saved = e->set;
	float smin = 0;
	for (int c = 0; c < n; c++)
		smin += min[c];
	float room = box->width - e->set.size * pdf_typo.table_gap * (float)(n - 1);
	if (rc == 0 && smin > room && room > 0) {
		float scale = room / smin * pdf_typo.table_fit;
		if (scale < pdf_typo.table_min_scale)
			scale = pdf_typo.table_min_scale;
		e->set.size *= scale;
		e->set.leading *= scale;
		rc = measure_cells(l, table, cells, n, min, nat);
	}
	float gap = e->set.size * pdf_typo.table_gap;
	float avail = box->width - gap * (float)(n - 1);
	if (rc == 0 && (rc = add_table(e)) == 0) {
		uint16_t id = (uint16_t)e->tabs.ntables;
		/* a little slack, so a cell set at its natural width is not broken by rounding */
		for (int c = 0; c < n; c++)
			nat[c] += 0.5f;
		column_widths(min, nat, n, avail, w);
		float total = gap * (float)(n - 1);
		for (int c = 0; c < n; c++)
			total += w[c];
		float left = box->x + (box->width - total) / 2;
		for (int c = 0; c < n; c++) {
			x[c] = left;
			left += w[c] + gap;
		}
		float tx = x[0], tw = total;
		uint32_t elem = lay_elem(l, PDF_SE_TABLE, NULL);
		lay_want_space(l, e->set.leading * pdf_typo.table_space);
		rc = lay_flush_space(l);
		size_t header_first = e->vl.nitems;
		if (rc == 0 && !push_rule(l, tx, tw, pdf_typo.table_rule,
		                          e->set.leading * pdf_typo.table_rule_space, id))
			rc = GALLEY_ENOMEM;
		if (rc == 0) {
			e->vl.items[e->vl.nitems - 1].nobreak = false;
			e->vl.items[e->vl.nitems - 1].header_row = true;
			lay_keep_with_heading(l, e->vl.nitems - 1);
		}
		bool in_header = true;
		size_t r = 0;
		for (galley_node *row = galley_node_first_child(table); row && rc == 0;
		     row = galley_node_next(row), r++) {
			bool header = galley_node_row_is_header(row);
			if (in_header && !header) {
				in_header = false;
				pdf_table *t = &e->tabs.tables[id - 1];
				if (e->vl.nitems > header_first + 1) {
					if (!push_rule(l, tx, tw, pdf_typo.table_head_rule,
					               e->set.leading * pdf_typo.table_rule_space, id)) {
						rc = GALLEY_ENOMEM;
						break;
					}
					e->vl.items[e->vl.nitems - 1].header_row = true;
					t->header_first = header_first;
					t->header_last = e->vl.nitems;
					for (size_t i = header_first; i < e->vl.nitems; i++)
						t->header_height += e->vl.items[i].height;
				}
			}
			size_t first = e->vl.nitems;
			rc = table_row(l, elem, cells + r * (size_t)n, n, x, w, id, header);
			/* a body row may start a page, unless it is the first under the header */
			if (rc == 0 && !header && first < e->vl.nitems &&
			    !(first > 0 && e->vl.items[first - 1].kind == PDF_V_RULE))
				e->vl.items[first].nobreak = false;
		}
		if (rc == 0 && !push_rule(l, tx, tw, pdf_typo.table_rule,
		                          e->set.leading * pdf_typo.table_rule_space, id))
			rc = GALLEY_ENOMEM;
		lay_want_space(l, e->set.leading * pdf_typo.table_space);
	}
	e->set = saved;
	free(cells);
	return rc;
}
