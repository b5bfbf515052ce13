/*
 * figure.c - figures: the image scaled to the measure and the page, its
 * caption kept with it.
 */
#include "../../src/resource.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"

/* Loads a PNG or JPEG the document refers to; NULL (with a warning) when it cannot. */
HPDF_Image lay_load_image(pdf_engine *e, const galley_node *img)
{
	const char *url = galley_node_url(img);
	unsigned char *data = NULL;
	size_t len = 0;
	HPDF_Image im = NULL;
	galley_res_status st = galley_resource_load(e->doc, e->opts, url ? url : "", &data, &len);
	const char *type = st == GALLEY_RES_OK ? galley_image_type(data, len) : NULL;
	bool png = type && !strcmp(type, "image/png"), jpeg = type && !strcmp(type, "image/jpeg");
	const char *problem = st != GALLEY_RES_OK ? galley_resource_status_text(st)
	                      : !png && !jpeg     ? "it is neither PNG nor JPEG"
	                                          : pdf_image_problem(data, len, png);
	if (!problem) {
		/* should libharu still fail, the image is left out, not the document */
		int saved = e->out.error;
		im = png ? HPDF_LoadPngImageFromMem(e->out.pdf, data, (HPDF_UINT)len)
		         : HPDF_LoadJpegImageFromMem(e->out.pdf, data, (HPDF_UINT)len);
		unsigned char *plain = NULL;
		size_t plain_len = 0;
		/* libharu refuses JPEGs libjpeg reads (fill bytes): given again as libjpeg rewrites them */
		if (!im && jpeg && pdf_jpeg_rewrite(data, len, &plain, &plain_len) == 0) {
			HPDF_ResetError(e->out.pdf);
			e->out.error = saved;
			im = HPDF_LoadJpegImageFromMem(e->out.pdf, plain, (HPDF_UINT)plain_len);
		}
		free(plain);
		if (!im) {
			HPDF_ResetError(e->out.pdf);
			e->out.error = saved;
			problem = "it cannot be read";
		}
	}
	free(data);
	if (problem)
		galley_report(e->opts, GALLEY_WARNING, galley_node_line(img), galley_node_column(img),
		              "image '%s' left out: %s; its caption stands in for it", url ? url : "",
		              problem);
	return im;
}

/*
 * A figure: the image at its natural size (pixels at 96 per inch, the CSS
 * reference), scaled down to the measure and to a page, never up; then its
 * caption, kept with it.
 */
int lay_figure(layout *l, galley_node *fig)
{
	pdf_engine *e = l->e;
	container *c = lay_top(l);
	galley_node *img = galley_node_first_child(fig);
	lay_want_space(l, e->set.leading * pdf_typo.figure_space);
	int rc = lay_flush_space(l);
	HPDF_Image im = img && galley_node_get_type(img) == GALLEY_NODE_IMAGE ? lay_load_image(e, img) : NULL;
	if (rc == 0 && im) {
		/* the Figure's alternate text: the image's description (also its caption) */
		char *plain = galley_node_plain_text(img);
		const char *alt = plain ? arena_strndup(&e->mem, plain, strlen(plain)) : NULL;
		free(plain);
		float pw = (float)HPDF_Image_GetWidth(im), ph = (float)HPDF_Image_GetHeight(im);
		float w = pw * 72.0f / 96.0f, h = ph * 72.0f / 96.0f;
		float max_h =
		    (e->set.page_h - e->set.margin_top - e->set.margin_bottom) * pdf_typo.figure_max_height;
		float scale = 1;
		if (w > c->width)
			scale = c->width / w;
		if (h * scale > max_h)
			scale = max_h / h;
		w *= scale;
		h *= scale;
		pdf_vitem *v = pdf_vlist_push(e, PDF_V_IMAGE);
		if (!v)
			return GALLEY_ENOMEM;
		v->image = im;
		v->elem = lay_elem(l, PDF_SE_FIGURE, alt && *alt ? alt : "An image");
		v->line.x = c->x + (c->width - w) / 2;
		v->line.width = w;
		v->height = h + e->set.leading * pdf_typo.figure_caption_space;
		lay_keep_with_heading(l, e->vl.nitems - 1);
		if (e->set.print && pw * 72.0f / w < 299.5f)
			galley_report(e->opts, GALLEY_WARNING, galley_node_line(img), galley_node_column(img),
			              "image '%s' is %.0f dpi at its placed size; print wants 300",
			              galley_node_url(img), (double)(pw * 72.0f / w));
	}
	pdf_para *p = lay_new_para(e);
	if (!p)
		return GALLEY_ENOMEM;
	p->align = PDF_ALIGN_CENTER;
	p->hyphenate = true;
	inline_state s = lay_body_state(l);
	s.face_style = PDF_ITALIC;
	s.size = e->set.size * pdf_typo.caption_size;
	if (rc == 0)
		rc = lay_collect_inlines(l, p, fig, s);
	size_t first = e->vl.nitems;
	e->vl.proto.elem = lay_elem(l, im ? PDF_SE_CAPTION : PDF_SE_P, NULL);
	if (rc == 0)
		rc = lay_set_paragraph(l, p, c->x, c->width, e->set.leading * pdf_typo.caption_leading);
	if (im)
		for (size_t i = first; i < e->vl.nitems; i++)
			e->vl.items[i].nobreak = true;
	lay_want_space(l, e->set.leading * pdf_typo.figure_space);
	return rc;
}
