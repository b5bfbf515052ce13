/*
 * layout.c - the model as a vertical list of lines and spaces: anchors,
 * the title block, the contents, the blocks and the footnotes in turn.
 *
 * The layout's files, by concern: styles.c (styles and links), vlist.c
 * (the vertical list, spaces, containers, keeps), inlines.c (inline
 * content), blocks.c (paragraphs, headings, code, lists), table.c,
 * figure.c, front.c (title, contents), notes.c, then paginate.c cuts the
 * list into pages. Each paragraph is broken into lines by linebreak.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"

int pdf_layout_document(pdf_engine *e, galley_error *err)
{
	layout l;
	memset(&l, 0, sizeof(l));
	l.e = e;
	l.depth = 1;
	l.last_heading = -1;
	l.stack[0].type = GALLEY_NODE_DOCUMENT;
	l.stack[0].x = 0;
	l.stack[0].width = e->set.page_w - e->set.margin_inner - e->set.margin_outer;
	e->vl.proto.anchor = -1;
	e->vl.proto.toc_anchor = -1;
	l.body_style = lay_style_id(e, PDF_ROLE_BODY, 0, e->set.size, 0);
	int rc = l.body_style < 0 ? GALLEY_ENOMEM : lay_assign_anchors(&l);
	if (rc == 0)
		rc = lay_title_block(&l);
	if (rc == 0 && e->set.toc)
		rc = lay_toc(&l);
	if (rc == 0)
		rc = lay_blocks(&l, galley_doc_root(e->doc));
	if (rc == 0)
		rc = lay_footnotes(&l);
	free(l.note_anchor);
	if (rc)
		return galley_error_set(err, rc, e->opts, 0, 0, "cannot lay the document out: %s",
		                        galley_strerror(rc));
	if (e->vl.raw_dropped)
		galley_report(e->opts, GALLEY_WARNING, 0, 0, "%d raw HTML fragment%s left out of the PDF",
		              e->vl.raw_dropped, e->vl.raw_dropped == 1 ? "" : "s");
	return 0;
}
