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
    [PDF_SE_FORMULA] = "Formula",
};

const char *pdf_tags_name(int type) { return type >= 0 && type < PDF_SE_COUNT ? names[type] : "Span"; }

/* A text string the way libharu writes it: UTF-16 with a byte order mark when it is not ASCII. */
static HPDF_String text_string(HPDF_Doc pdf, const char *s)
{
	HPDF_Encoder utf8 = HPDF_GetEncoder(pdf, "UTF-8");
	return HPDF_String_New(pdf->mmgr, s, utf8);
}

/* libharu's arrays hold at most HPDF_LIMIT_MAX_ARRAY items */
#define KIDS_MAX (HPDF_LIMIT_MAX_ARRAY - 1)
#define LEAF_MAX 8192 /* keys and values in a ParentTree leaf */

/*
 * The array the element's next kid goes into: its /K, made on first use;
 * when that is full, a Div continuing it (its last kid) takes the rest.
 */
static HPDF_Array kid_array(pdf_engine *e, pdf_selem *el)
{
	HPDF_Doc pdf = e->out.pdf;
	if (el->kids && HPDF_Array_Items(el->kids) < KIDS_MAX)
		return el->kids;
	HPDF_Array a = HPDF_Array_New(pdf->mmgr);
	if (!a)
		return NULL;
	if (el->kids) {
		HPDF_Dict div = HPDF_Dict_New(pdf->mmgr);
		if (!div || HPDF_Xref_Add(pdf->xref, div) != HPDF_OK ||
		    HPDF_Dict_AddName(div, "Type", "StructElem") + HPDF_Dict_AddName(div, "S", "Div") +
		            HPDF_Dict_Add(div, "P", el->kdict) + HPDF_Array_Add(el->kids, div) !=
		        HPDF_OK)
			return NULL;
		el->kdict = div;
		el->page = NULL;
	}
	el->kids = a;
	return HPDF_Dict_Add(el->kdict, "K", a) == HPDF_OK ? a : NULL;
}

/* The element's dictionary, added to its parent's kids (parents are always made first). */
static int make_dict(pdf_engine *e, uint32_t i)
{
	HPDF_Doc pdf = e->out.pdf;
	pdf_selem *el = &e->tags.elems[i];
	HPDF_Dict d = HPDF_Dict_New(pdf->mmgr);
	if (!d || HPDF_Xref_Add(pdf->xref, d) != HPDF_OK)
		return GALLEY_EINTERNAL;
	el->dict = el->kdict = d;
	HPDF_STATUS ret = HPDF_Dict_AddName(d, "Type", "StructElem");
	ret += HPDF_Dict_AddName(d, "S", pdf_tags_name(el->type));
	pdf_selem *up = i ? &e->tags.elems[el->parent] : NULL;
	/* its parent's array first: a full one moves the parent's kids on to a Div */
	HPDF_Array kids = up ? kid_array(e, up) : NULL;
	if (up && !kids)
		return GALLEY_EINTERNAL;
	ret += HPDF_Dict_Add(d, "P", up ? up->kdict : e->tags.root);
	if (el->alt && (el->type == PDF_SE_FIGURE || el->type == PDF_SE_FORMULA))
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
	if (!up)
		return HPDF_Dict_Add(e->tags.root, "K", d) == HPDF_OK ? 0 : GALLEY_EINTERNAL;
	/* a dictionary in an array is written as a reference when it is an indirect object */
	return HPDF_Array_Add(kids, d) == HPDF_OK ? 0 : GALLEY_EINTERNAL;
}

/* Closes the ParentTree leaf being filled: the keys it holds. */
static HPDF_STATUS close_leaf(pdf_tags *t, HPDF_MMgr mm)
{
	if (!t->leaf)
		return HPDF_OK;
	HPDF_Array limits = HPDF_Array_New(mm);
	if (!limits)
		return HPDF_FAILD_TO_ALLOC_MEM;
	return HPDF_Array_AddNumber(limits, t->leaf_first) + HPDF_Array_AddNumber(limits, t->next_key - 1) +
	       HPDF_Dict_Add(t->leaf, "Limits", limits);
}

/* The next ParentTree key, for `value` (a page's array of elements by MCID, or an annotation's element). */
static int tree_put(pdf_engine *e, void *value)
{
	pdf_tags *t = &e->tags;
	HPDF_Doc pdf = e->out.pdf;
	if (!t->nums || HPDF_Array_Items(t->nums) >= LEAF_MAX) {
		HPDF_Dict leaf = HPDF_Dict_New(pdf->mmgr);
		HPDF_Array nums = HPDF_Array_New(pdf->mmgr);
		if (close_leaf(t, pdf->mmgr) != HPDF_OK || !leaf || !nums ||
		    HPDF_Xref_Add(pdf->xref, leaf) != HPDF_OK ||
		    HPDF_Dict_Add(leaf, "Nums", nums) != HPDF_OK ||
		    HPDF_Array_Add(t->leaves, leaf) != HPDF_OK)
			return -1;
		t->leaf = leaf;
		t->nums = nums;
		t->leaf_first = t->next_key;
	}
	if (HPDF_Array_AddNumber(t->nums, t->next_key) != HPDF_OK ||
	    HPDF_Array_Add(t->nums, value) != HPDF_OK)
		return -1;
	return t->next_key++;
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
	t->elems[i] = (pdf_selem){parent < i ? parent : 0, (uint8_t)type, alt, NULL, NULL, NULL, NULL, 0};
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
	t->tree = HPDF_Dict_New(pdf->mmgr);
	t->leaves = HPDF_Array_New(pdf->mmgr);
	if (!t->tree || !t->leaves || HPDF_Xref_Add(pdf->xref, t->tree) != HPDF_OK ||
	    HPDF_Dict_Add(t->root, "ParentTree", t->tree) != HPDF_OK)
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
	int key = t->marks ? tree_put(e, t->marks) : -1;
	if (key < 0 || HPDF_Dict_AddNumber(page, "StructParents", key) != HPDF_OK ||
	    HPDF_Dict_AddName(page, "Tabs", "S") != HPDF_OK)
		return GALLEY_EINTERNAL;
	return 0;
}

/* A kid for `elem` on `page`: a bare MCID on the element's own page, else a reference naming the page. */
static HPDF_STATUS add_content_kid(pdf_engine *e, pdf_selem *el, HPDF_Page page, int mcid)
{
	HPDF_MMgr mm = e->out.pdf->mmgr;
	HPDF_STATUS ret = HPDF_OK;
	HPDF_Array kids = kid_array(e, el);
	if (!kids)
		return HPDF_FAILD_TO_ALLOC_MEM;
	el->nkids++;
	if (!el->page) {
		el->page = page;
		ret = HPDF_Dict_Add(el->kdict, "Pg", page);
	}
	if (el->page == page)
		return ret + HPDF_Array_AddNumber(kids, mcid);
	HPDF_Dict mcr = HPDF_Dict_New(mm);
	if (!mcr)
		return HPDF_FAILD_TO_ALLOC_MEM;
	ret += HPDF_Dict_AddName(mcr, "Type", "MCR");
	ret += HPDF_Dict_Add(mcr, "Pg", page);
	ret += HPDF_Dict_AddNumber(mcr, "MCID", mcid);
	return ret + HPDF_Array_Add(kids, mcr);
}

int pdf_tags_mark(pdf_engine *e, uint32_t elem, HPDF_Page page)
{
	pdf_tags *t = &e->tags;
	if (elem == 0 || elem >= t->n || !t->marks)
		return -1;
	pdf_selem *el = &t->elems[elem];
	int mcid = t->mcid;
	/* past the limit of a page's array the content stays an artifact */
	if (HPDF_Array_Items(t->marks) >= KIDS_MAX || add_content_kid(e, el, page, mcid) != HPDF_OK ||
	    HPDF_Array_Add(t->marks, el->kdict) != HPDF_OK)
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
	HPDF_Array kids = kid_array(e, el);
	int key = kids ? tree_put(e, el->kdict) : -1;
	if (key < 0)
		return GALLEY_EINTERNAL;
	el->nkids++;
	HPDF_STATUS ret = HPDF_Dict_AddNumber(annot, "StructParent", key);
	ret += HPDF_Dict_AddName(objr, "Type", "OBJR");
	ret += HPDF_Dict_Add(objr, "Obj", annot);
	ret += HPDF_Dict_Add(objr, "Pg", page);
	ret += HPDF_Array_Add(kids, objr);
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
	HPDF_STATUS ret = close_leaf(&e->tags, pdf->mmgr);
	/* a tree without keys still has its /Nums */
	if (HPDF_Array_Items(e->tags.leaves) == 0)
		ret += HPDF_Dict_Add(e->tags.tree, "Nums", HPDF_Array_New(pdf->mmgr));
	else
		ret += HPDF_Dict_Add(e->tags.tree, "Kids", e->tags.leaves);
	ret += HPDF_Dict_AddNumber(e->tags.root, "ParentTreeNextKey", e->tags.next_key);
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
