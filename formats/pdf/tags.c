/*
 * tags.c - the structure tree of a tagged PDF: the layout makes the
 * elements in reading order (each line, label and image knows its own),
 * render.c marks each page's content with MCIDs that point back to them,
 * and the tree is written as StructElem dictionaries under a StructTreeRoot
 * with a ParentTree from each page's MCIDs (and each link annotation) to its
 * element.
 */
#include <stdlib.h>
#include <string.h>

#include <hpdf_doc.h>
#include <hpdf_objects.h>

#include "pdf.h"

static const char *const names[PDF_SE_COUNT] = {
    [PDF_SE_DOCUMENT] = "Document",
    [PDF_SE_P] = "P",
    [PDF_SE_H1] = "H1",
    [PDF_SE_H1 + 1] = "H2",
    [PDF_SE_H1 + 2] = "H3",
    [PDF_SE_H1 + 3] = "H4",
    [PDF_SE_H1 + 4] = "H5",
    [PDF_SE_H1 + 5] = "H6",
    [PDF_SE_L] = "L",
    [PDF_SE_LI] = "LI",
    [PDF_SE_LBL] = "Lbl",
    [PDF_SE_LBODY] = "LBody",
    [PDF_SE_TABLE] = "Table",
    [PDF_SE_TR] = "TR",
    [PDF_SE_TH] = "TH",
    [PDF_SE_TD] = "TD",
    [PDF_SE_FIGURE] = "Figure",
    [PDF_SE_CAPTION] = "Caption",
    [PDF_SE_NOTE] = "Note",
    [PDF_SE_LINK] = "Link",
    [PDF_SE_CODE] = "Code",
    [PDF_SE_BLOCKQUOTE] = "BlockQuote",
    [PDF_SE_TOC] = "TOC",
    [PDF_SE_TOCI] = "TOCI",
    [PDF_SE_DIV] = "Div",
    [PDF_SE_SPAN] = "Span",
};

const char *pdf_tags_name(int type) { return type >= 0 && type < PDF_SE_COUNT ? names[type] : "Span"; }

/* A text string the way libharu writes it: UTF-16 with a byte order mark when it is not ASCII. */
static HPDF_String text_string(HPDF_Doc pdf, const char *s)
{
	HPDF_Encoder utf8 = HPDF_GetEncoder(pdf, "UTF-8");
	return HPDF_String_New(pdf->mmgr, s, utf8);
}

/* The element's dictionary, added to its parent's kids (parents are always made first). */
static int make_dict(pdf_engine *e, uint32_t i)
{
	HPDF_Doc pdf = e->out.pdf;
	pdf_selem *el = &e->tags.elems[i];
	HPDF_Dict d = HPDF_Dict_New(pdf->mmgr);
	if (!d || HPDF_Xref_Add(pdf->xref, d) != HPDF_OK)
		return GALLEY_EINTERNAL;
	el->dict = d;
	HPDF_STATUS ret = HPDF_Dict_AddName(d, "Type", "StructElem");
	ret += HPDF_Dict_AddName(d, "S", pdf_tags_name(el->type));
	HPDF_Dict parent = i ? e->tags.elems[el->parent].dict : e->tags.root;
	ret += HPDF_Dict_Add(d, "P", parent);
	if (el->alt && el->type == PDF_SE_FIGURE)
		ret += HPDF_Dict_Add(d, "Alt", text_string(pdf, el->alt));
	else if (el->alt && (el->type == PDF_SE_SPAN || el->type == PDF_SE_LINK))
		ret += HPDF_Dict_Add(d, "Lang", HPDF_String_New(pdf->mmgr, el->alt, NULL));
	else if (el->alt && el->type == PDF_SE_LBL) /* a task's box: its state as text */
		ret += HPDF_Dict_Add(d, "ActualText", text_string(pdf, el->alt));
	else if (el->alt && el->type == PDF_SE_NOTE)
		ret += HPDF_Dict_Add(d, "ID", HPDF_String_New(pdf->mmgr, el->alt, NULL));
	else if (el->alt && el->type == PDF_SE_TH) {
		HPDF_Dict attr = HPDF_Dict_New(pdf->mmgr);
		if (!attr)
			return GALLEY_EINTERNAL;
		ret += HPDF_Dict_AddName(attr, "O", "Table");
		ret += HPDF_Dict_AddName(attr, "Scope", el->alt);
		ret += HPDF_Dict_Add(d, "A", attr);
	}
	if (ret != HPDF_OK)
		return GALLEY_EINTERNAL;
	if (i == 0)
		return HPDF_Dict_Add(e->tags.root, "K", d) == HPDF_OK ? 0 : GALLEY_EINTERNAL;
	pdf_selem *up = &e->tags.elems[el->parent];
	if (!up->kids) {
		up->kids = HPDF_Array_New(pdf->mmgr);
		if (!up->kids || HPDF_Dict_Add(up->dict, "K", up->kids) != HPDF_OK)
			return GALLEY_EINTERNAL;
	}
	/* a dictionary in an array is written as a reference when it is an indirect object */
	return HPDF_Array_Add(up->kids, d) == HPDF_OK ? 0 : GALLEY_EINTERNAL;
}

uint32_t pdf_tags_add(pdf_engine *e, uint32_t parent, int type, const char *alt)
{
	pdf_tags *t = &e->tags;
	if (!e->set.tagged || t->n >= UINT32_MAX - 1)
		return 0;
	if (t->n == 0) {
		/* the Document, parent of every element at the top level */
		if (pdf_grow((void **)&t->elems, &t->cap, 1, sizeof(*t->elems)))
			return 0;
		memset(&t->elems[0], 0, sizeof(t->elems[0]));
		t->n = 1;
	}
	if (pdf_grow((void **)&t->elems, &t->cap, t->n + 1, sizeof(*t->elems)))
		return 0;
	uint32_t i = (uint32_t)t->n++;
	t->elems[i] = (pdf_selem){parent < i ? parent : 0, (uint8_t)type, alt, NULL, NULL, NULL, 0};
	t->elems[t->elems[i].parent].nkids++;
	if (t->drawing && make_dict(e, i)) {
		t->n--;
		return 0;
	}
	return i;
}

int pdf_tags_begin(pdf_engine *e)
{
	pdf_tags *t = &e->tags;
	if (!e->set.tagged)
		return 0;
	if (t->n == 0 && pdf_tags_add(e, 0, PDF_SE_P, NULL) == 0)
		return GALLEY_ENOMEM;
	HPDF_Doc pdf = e->out.pdf;
	t->root = HPDF_Dict_New(pdf->mmgr);
	if (!t->root || HPDF_Xref_Add(pdf->xref, t->root) != HPDF_OK ||
	    HPDF_Dict_AddName(t->root, "Type", "StructTreeRoot") != HPDF_OK)
		return GALLEY_EINTERNAL;
	HPDF_Dict tree = HPDF_Dict_New(pdf->mmgr);
	t->nums = HPDF_Array_New(pdf->mmgr);
	if (!tree || !t->nums || HPDF_Xref_Add(pdf->xref, tree) != HPDF_OK ||
	    HPDF_Dict_Add(tree, "Nums", t->nums) != HPDF_OK ||
	    HPDF_Dict_Add(t->root, "ParentTree", tree) != HPDF_OK)
		return GALLEY_EINTERNAL;
	t->elems[0].type = PDF_SE_DOCUMENT;
	for (uint32_t i = 0; i < t->n; i++)
		if (make_dict(e, i))
			return GALLEY_EINTERNAL;
	t->drawing = true;
	return 0;
}

int pdf_tags_page(pdf_engine *e, HPDF_Page page)
{
	pdf_tags *t = &e->tags;
	t->marks = HPDF_Array_New(page->mmgr);
	t->mcid = 0;
	if (!t->marks || HPDF_Dict_AddNumber(page, "StructParents", t->next_key) != HPDF_OK ||
	    HPDF_Dict_AddName(page, "Tabs", "S") != HPDF_OK ||
	    HPDF_Array_AddNumber(t->nums, t->next_key++) != HPDF_OK ||
	    HPDF_Array_Add(t->nums, t->marks) != HPDF_OK)
		return GALLEY_EINTERNAL;
	return 0;
}

/* A kid for `elem` on `page`: a bare MCID on the element's own page, else a reference naming the page. */
static HPDF_STATUS add_content_kid(pdf_engine *e, pdf_selem *el, HPDF_Page page, int mcid)
{
	HPDF_MMgr mm = e->out.pdf->mmgr;
	HPDF_STATUS ret = HPDF_OK;
	if (!el->kids) {
		el->kids = HPDF_Array_New(mm);
		if (!el->kids || HPDF_Dict_Add(el->dict, "K", el->kids) != HPDF_OK)
			return HPDF_FAILD_TO_ALLOC_MEM;
	}
	el->nkids++;
	if (!el->page) {
		el->page = page;
		ret = HPDF_Dict_Add(el->dict, "Pg", page);
	}
	if (el->page == page)
		return ret + HPDF_Array_AddNumber(el->kids, mcid);
	HPDF_Dict mcr = HPDF_Dict_New(mm);
	if (!mcr)
		return HPDF_FAILD_TO_ALLOC_MEM;
	ret += HPDF_Dict_AddName(mcr, "Type", "MCR");
	ret += HPDF_Dict_Add(mcr, "Pg", page);
	ret += HPDF_Dict_AddNumber(mcr, "MCID", mcid);
	return ret + HPDF_Array_Add(el->kids, mcr);
}

int pdf_tags_mark(pdf_engine *e, uint32_t elem, HPDF_Page page)
{
	pdf_tags *t = &e->tags;
	if (elem == 0 || elem >= t->n || !t->marks)
		return -1;
	pdf_selem *el = &t->elems[elem];
	int mcid = t->mcid;
	if (HPDF_Array_Add(t->marks, el->dict) != HPDF_OK || add_content_kid(e, el, page, mcid) != HPDF_OK)
		return -1;
	t->mcid++;
	return mcid;
}

int pdf_tags_annot(pdf_engine *e, uint32_t elem, HPDF_Dict annot, HPDF_Page page)
{
	pdf_tags *t = &e->tags;
	if (elem == 0 || elem >= t->n)
		return 0;
	pdf_selem *el = &t->elems[elem];
	HPDF_MMgr mm = e->out.pdf->mmgr;
	HPDF_Dict objr = HPDF_Dict_New(mm);
	if (!objr)
		return GALLEY_ENOMEM;
	HPDF_STATUS ret = HPDF_Dict_AddNumber(annot, "StructParent", t->next_key);
	ret += HPDF_Array_AddNumber(t->nums, t->next_key++);
	ret += HPDF_Array_Add(t->nums, el->dict);
	ret += HPDF_Dict_AddName(objr, "Type", "OBJR");
	ret += HPDF_Dict_Add(objr, "Obj", annot);
	ret += HPDF_Dict_Add(objr, "Pg", page);
	if (!el->kids) {
		el->kids = HPDF_Array_New(mm);
		ret += el->kids ? HPDF_Dict_Add(el->dict, "K", el->kids) : HPDF_FAILD_TO_ALLOC_MEM;
	}
	if (el->kids)
		ret += HPDF_Array_Add(el->kids, objr);
	return ret == HPDF_OK ? 0 : GALLEY_EINTERNAL;
}

int pdf_tags_finish(pdf_engine *e)
{
	if (!e->set.tagged || !e->tags.root)
		return 0;
	HPDF_Doc pdf = e->out.pdf;
	HPDF_Dict mark = HPDF_Dict_New(pdf->mmgr);
	HPDF_Dict prefs = HPDF_Dict_New(pdf->mmgr);
	if (!mark || !prefs)
		return GALLEY_ENOMEM;
	HPDF_STATUS ret = HPDF_Dict_AddNumber(e->tags.root, "ParentTreeNextKey", e->tags.next_key);
	ret += HPDF_Dict_Add(mark, "Marked", HPDF_Boolean_New(pdf->mmgr, HPDF_TRUE));
	ret += HPDF_Dict_Add(pdf->catalog, "MarkInfo", mark);
	ret += HPDF_Dict_Add(pdf->catalog, "StructTreeRoot", e->tags.root);
	ret += HPDF_Dict_Add(prefs, "DisplayDocTitle", HPDF_Boolean_New(pdf->mmgr, HPDF_TRUE));
	ret += HPDF_Dict_Add(pdf->catalog, "ViewerPreferences", prefs);
	return ret == HPDF_OK ? 0 : GALLEY_EINTERNAL;
}

void pdf_tags_free(pdf_engine *e)
{
	free(e->tags.elems);
	free(e->tags.image_alt);
}
