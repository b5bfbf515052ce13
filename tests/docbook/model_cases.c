/*
 * model_cases - trees no Markdown input makes but another reader could:
 * lists and paragraphs inside table cells, a table without a header row,
 * inlines straight inside list items and notes, definition items without a
 * term or a description, raw DocBook. Each is written as DocBook into
 * OUTDIR/NAME.xml for the validation run that follows.
 *
 * usage: model_cases OUTDIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "galley/galley.h"

static galley_doc *doc;

static galley_node *node(galley_node *parent, galley_node_type type)
{
	galley_node *n = galley_node_new(doc, type, 1, 1);
	if (!n) {
		fprintf(stderr, "out of memory\n");
		exit(1);
	}
	if (parent)
		galley_node_append(parent, n);
	return n;
}

static galley_node *text(galley_node *parent, const char *s)
{
	galley_node *t = node(parent, GALLEY_NODE_TEXT);
	galley_node_set_literal(doc, t, s, (size_t)-1);
	return t;
}

static galley_node *para(galley_node *parent, const char *s)
{
	galley_node *p = node(parent, GALLEY_NODE_PARAGRAPH);
	text(p, s);
	return p;
}

static galley_node *raw(galley_node *parent, const char *format, const char *s)
{
	galley_node *r = node(parent, GALLEY_NODE_RAW_BLOCK);
	galley_node_set_info(doc, r, format, (size_t)-1);
	galley_node_set_literal(doc, r, s, (size_t)-1);
	return r;
}

/* A table without a header row: cells holding a list, a paragraph and text, too many cells, an empty row. */
static void tables(galley_node *root)
{
	galley_node *table = node(root, GALLEY_NODE_TABLE), *row, *cell, *list, *item;
	galley_node_set_table(doc, table, 2, NULL);
	row = node(table, GALLEY_NODE_TABLE_ROW);
	cell = node(row, GALLEY_NODE_TABLE_CELL);
	text(cell, "before the list");
	list = node(cell, GALLEY_NODE_BULLET_LIST);
	item = node(list, GALLEY_NODE_LIST_ITEM);
	para(item, "nested item");
	list = node(item, GALLEY_NODE_ORDERED_LIST);
	para(node(list, GALLEY_NODE_LIST_ITEM), "deeper");
	text(cell, "after the list");
	cell = node(row, GALLEY_NODE_TABLE_CELL);
	para(cell, "a paragraph in a cell");
	galley_node *h = node(cell, GALLEY_NODE_HEADING);
	galley_node_set_heading_level(h, 3);
	text(h, "a heading in a cell");
	cell = node(row, GALLEY_NODE_TABLE_CELL);
	text(cell, "a third cell in a two-column table");
	node(table, GALLEY_NODE_TABLE_ROW);
	table = node(root, GALLEY_NODE_TABLE); /* no rows at all */
	galley_node_set_table(doc, table, 0, NULL);
}

static void containers(galley_node *root)
{
	galley_node *list = node(root, GALLEY_NODE_BULLET_LIST), *item, *dl, *di;
	item = node(list, GALLEY_NODE_LIST_ITEM);
	text(item, "text straight in an item");
	node(item, GALLEY_NODE_THEMATIC_BREAK);
	item = node(list, GALLEY_NODE_LIST_ITEM);
	node(item, GALLEY_NODE_THEMATIC_BREAK); /* leaves nothing */
	text(node(root, GALLEY_NODE_BLOCK_QUOTE), "text straight in a quotation");
	node(root, GALLEY_NODE_BULLET_LIST); /* no items */
	dl = node(root, GALLEY_NODE_DEF_LIST);
	di = node(dl, GALLEY_NODE_DEF_ITEM); /* neither term nor description */
	di = node(dl, GALLEY_NODE_DEF_ITEM);
	para(node(di, GALLEY_NODE_DEF_DESC), "a description without a term");
	di = node(dl, GALLEY_NODE_DEF_ITEM);
	text(node(di, GALLEY_NODE_DEF_TERM), "a term without a description");
	node(root, GALLEY_NODE_FIGURE); /* no image */
}

static void notes(galley_node *root)
{
	galley_node *p = para(root, "a note holding bare text");
	galley_node *ref = node(p, GALLEY_NODE_FOOTNOTE_REF);
	galley_node *def = node(root, GALLEY_NODE_FOOTNOTE_DEF);
	galley_node_set_footnote_label(doc, ref, "n", 1);
	galley_node_set_footnote_label(doc, def, "n", 1);
	text(def, "bare text in a note");
}

static void raw_docbook(galley_node *root)
{
	raw(root, "docbook", "<note><para>A well-formed <emphasis>raw</emphasis> note.</para></note>");
	raw(root, "docbook", "<para>not closed");
	raw(root, "latex", "\\newpage");
}

static int write_case(const char *dir, const char *name, void (*build)(galley_node *), const char *root_param)
{
	galley_param param = {"docbook-root", root_param};
	galley_options opts = GALLEY_OPTIONS_INIT;
	galley_error err;
	char path[4096];
	int rc;
	doc = galley_doc_new();
	if (!doc)
		return 1;
	galley_node *root = galley_doc_root(doc);
	text(root, "inline text straight in the document");
	build(root);
	galley_node *h = node(root, GALLEY_NODE_HEADING);
	galley_node_set_heading_level(h, 2);
	text(h, "a closing section");
	text(root, "inline text straight after a heading");
	rc = galley_doc_finish(doc);
	opts.params = &param;
	opts.param_count = 1;
	snprintf(path, sizeof(path), "%s/%s-%s.xml", dir, name, root_param);
	if (rc == 0)
		rc = galley_write_file(doc, "docbook", path, &opts, &err);
	if (rc)
		fprintf(stderr, "%s: %s\n", path, err.message);
	galley_doc_free(doc);
	return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*build)(galley_node *);
	} cases[] = {{"tables", tables}, {"containers", containers}, {"notes", notes}, {"raw", raw_docbook}};
	int failed = 0;
	if (argc != 2) {
		fprintf(stderr, "usage: model_cases OUTDIR\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		failed |= write_case(argv[1], cases[i].name, cases[i].build, "article");
		failed |= write_case(argv[1], cases[i].name, cases[i].build, "book");
	}
	return failed;
}
