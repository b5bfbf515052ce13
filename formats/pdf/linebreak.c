/*
 * linebreak.c - Knuth and Plass's total-fit line breaking over a
 * paragraph's boxes, glue and penalties (built by atoms.c).
 *
 * As in TeX, a paragraph is first set
 * without hyphenation under a strict tolerance; only when that fails are
 * hyphenation points added, then emergency stretch, and last a pass that
 * accepts any badness. A word wider than the line may break between any two
 * graphemes, so no pass ever needs to run text past the margin.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pdf.h"

#include "typography.h"

#define AWFUL_BADNESS 1e7
#define MAX_HYPHEN_RUN 4

uint32_t pdf_utf8_next(const char *s, size_t len, size_t *i)
{
	const unsigned char *p = (const unsigned char *)s + *i;
	size_t left = len - *i;
	uint32_t c = p[0];
	int n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
	if (n == 0 || (size_t)n > left) {
		*i += 1;
		return 0xFFFD;
	}
	if (n > 1) {
		c &= 0xFFu >> (n + 1);
		for (int k = 1; k < n; k++) {
			if ((p[k] & 0xC0) != 0x80) {
				*i += 1;
				return 0xFFFD;
			}
			c = (c << 6) | (p[k] & 0x3F);
		}
	}
	*i += (size_t)n;
	return c;
}

static bool is_legal_break(const pdf_para *p, size_t i);

int pdf_para_measure(pdf_engine *e, pdf_para *p, float *min, float *natural)
{
	int rc = pdf_atoms_build(e, p, 1e9f, false);
	if (rc)
		return rc;
	float run = 0, widest = 0, total = 0;
	for (size_t i = 0; i < p->natoms; i++) {
		const pdf_atom *a = &p->atoms[i];
		if (a->type == PDF_BOX) {
			run += a->width;
			total += a->width;
		} else {
			if (a->type == PDF_GLUE && !a->fil)
				total += a->width;
			if (is_legal_break(p, i) || a->type == PDF_GLUE)
				run = 0;
		}
		if (run > widest)
			widest = run;
	}
	*min = widest;
	*natural = total;
	return 0;
}

/* ---- Knuth-Plass ---------------------------------------------------- */

typedef struct kp_node {
	uint32_t pos; /* the break: atom index */
	int line;
	int fitness;
	double w, y, z, fil, b; /* totals after the break (b: the boxes' widths) */
	double lp;              /* the next line's first character hangs this far into the margin */
	double demerits;
	int prev; /* node index */
	int next; /* next active node, -1 = end */
	bool hyphen;
	uint8_t hyphens; /* hyphenated lines in a row ending here */
} kp_node;

typedef struct kp {
	const pdf_para *p;
	double *sw, *sy, *sz, *sf, *sb; /* prefix sums */
	float *rp, *lp; /* protrusion at a break at atom i (right), of a line from box i (left) */
	kp_node *nodes;
	size_t nnodes, cap;
	int active;
	double width;
	double em;
	double tolerance;
	double extra_stretch; /* emergency stretch plus a ragged right margin's */
	double expand;        /* font expansion: a share of the boxes' width */
	bool any_badness;
	bool hyphenate; /* breaks at hyphenation points allowed */
	bool names;     /* ... in words with a capital too */
} kp;

static int kp_push(kp *k, kp_node n)
{
	if (pdf_grow((void **)&k->nodes, &k->cap, k->nnodes + 1, sizeof(kp_node)))
		return -1;
	k->nodes[k->nnodes] = n;
	return (int)k->nnodes++;
}

/* Totals from the start to the first box (or forced break) after a break at `pos`. */
static void totals_after(kp *k, size_t pos, kp_node *n)
{
	const pdf_para *p = k->p;
	size_t i = pos;
	if (p->atoms[pos].type == PDF_PENALTY || p->atoms[pos].type == PDF_GLUE)
		i = pos;
	for (; i < p->natoms; i++) {
		const pdf_atom *a = &p->atoms[i];
		if (a->type == PDF_BOX ||
		    (a->type == PDF_PENALTY && a->penalty == -PDF_INF_PENALTY && i > pos))
			break;
	}
	n->w = k->sw[i];
	n->y = k->sy[i];
	n->z = k->sz[i];
	n->fil = k->sf[i];
	n->b = k->sb[i];
	n->lp = i < p->natoms ? k->lp[i] : 0;
}

static double adjustment_ratio(const kp *k, const kp_node *a, size_t b, double *natural)
{
	const pdf_atom *at = &k->p->atoms[b];
	double L = k->sw[b] - a->w + (at->type == PDF_PENALTY ? at->width : 0) - k->rp[b] - a->lp;
	double expand = k->expand * (k->sb[b] - a->b);
	*natural = L;
	if (L < k->width) {
		if (k->sf[b] - a->fil > 0)
			return 0;
		double y = k->sy[b] - a->y + expand + k->extra_stretch;
		return y > 0 ? (k->width - L) / y : AWFUL_BADNESS;
	}
	if (L > k->width) {
		double z = k->sz[b] - a->z + expand;
		return z > 0 ? (k->width - L) / z : -AWFUL_BADNESS;
	}
	return 0;
}

static int fitness_class(double r) { return r < -0.5 ? 0 : r <= 0.5 ? 1 : r <= 1 ? 2 : 3; }

static double badness(double r)
{
	if (r >= AWFUL_BADNESS)
		return 10000;
	double b = 100 * fabs(r) * r * r;
	return b > 10000 ? 10000 : b;
}

typedef struct kp_candidate {
	double demerits;
	int prev;
} kp_candidate;

static int kp_try_break(kp *k, size_t b)
{
	const pdf_atom *at = &k->p->atoms[b];
	int penalty = at->type == PDF_PENALTY ? at->penalty : 0;
	bool flagged = at->type == PDF_PENALTY && at->flagged;
	int max_run = pdf_typo.max_hyphen_run < MAX_HYPHEN_RUN ? pdf_typo.max_hyphen_run : MAX_HYPHEN_RUN;
	/* the best way here for each fitness and each count of hyphenated lines before */
	kp_candidate best[4][MAX_HYPHEN_RUN + 1];
	for (int f = 0; f < 4; f++)
		for (int h = 0; h <= MAX_HYPHEN_RUN; h++)
			best[f][h] = (kp_candidate){INFINITY, -1};
	int prev_active = -1;
	for (int a = k->active; a >= 0;) {
		kp_node *node = &k->nodes[a];
		int next = node->next;
		double natural;
		double r = adjustment_ratio(k, node, b, &natural);
		if (r < -1 || penalty == -PDF_INF_PENALTY) {
			/* unlink: this node can start no more lines */
			if (prev_active < 0)
				k->active = next;
			else
				k->nodes[prev_active].next = next;
		} else
			prev_active = a;
		int run = flagged ? node->hyphens + 1 : 0;
		if (run > max_run && !k->any_badness)
			run = -1;
		if (run >= 0 && r >= -1 && (k->any_badness || badness(r) <= k->tolerance)) {
			double l = pdf_typo.line_penalty + badness(r);
			double d = l * l;
			if (penalty >= 0)
				d += (double)penalty * penalty;
			else if (penalty > -PDF_INF_PENALTY)
				d -= (double)penalty * penalty;
			if (node->hyphen && flagged)
				d += pdf_typo.double_hyphen_demerits;
			else if (node->hyphen && penalty == -PDF_INF_PENALTY)
				d += pdf_typo.final_hyphen_demerits;
			if (penalty == -PDF_INF_PENALTY && natural < pdf_typo.short_last_line * k->em &&
			    node->prev >= 0)
				d += pdf_typo.final_hyphen_demerits; /* a last line of a syllable or two */
			int fit = fitness_class(r);
			if (abs(fit - node->fitness) > 1)
				d += pdf_typo.adj_demerits;
			d += node->demerits;
			if (run > max_run)
				run = max_run;
			if (d < best[fit][run].demerits)
				best[fit][run] = (kp_candidate){d, a};
		}
		a = next;
	}
	for (int fit = 0; fit < 4; fit++) {
		for (int run = 0; run <= max_run; run++) {
			const kp_candidate *c = &best[fit][run];
			if (c->prev < 0)
				continue;
			kp_node n = {(uint32_t)b, k->nodes[c->prev].line + 1,
			             fit,         0,
			             0,           0,
			             0,           0,
			             0,           c->demerits,
			             c->prev,     k->active,
			             flagged,     (uint8_t)run};
			totals_after(k, b, &n);
			int idx = kp_push(k, n);
			if (idx < 0)
				return GALLEY_ENOMEM;
			k->active = idx;
		}
	}
	return 0;
}

static bool is_legal_break(const pdf_para *p, size_t i)
{
	const pdf_atom *a = &p->atoms[i];
	if (a->type == PDF_PENALTY)
		return a->penalty < PDF_INF_PENALTY;
	return a->type == PDF_GLUE && i > 0 && p->atoms[i - 1].type == PDF_BOX;
}

/* Runs one pass; returns the best final node, -1 when no set of breaks fits, or an error. */
static int kp_run(kp *k)
{
	const pdf_para *p = k->p;
	k->nnodes = 0;
	kp_node start = {0, 0, 1, 0, 0, 0, 0, 0, 0, 0, -1, -1, false, 0};
	totals_after(k, 0, &start);
	start.pos = 0;
	k->active = kp_push(k, start);
	if (k->active < 0)
		return GALLEY_ENOMEM;
	int last_final = -1;
	for (size_t i = 0; i < p->natoms; i++) {
		uint8_t flag = p->atoms[i].flagged;
		if (!is_legal_break(p, i) || (!k->hyphenate && (flag & PDF_FLAG_HYPHENATION)) ||
		    (!k->names && (flag & PDF_FLAG_NAME)))
			continue;
		size_t before = k->nnodes;
		if (kp_try_break(k, i))
			return GALLEY_ENOMEM;
		bool forced = p->atoms[i].type == PDF_PENALTY && p->atoms[i].penalty == -PDF_INF_PENALTY;
		if (forced) {
			if (k->nnodes == before)
				return -1;
			last_final = k->active;
		}
		if (k->active < 0)
			return -1;
	}
	/* the best of the nodes at the paragraph's end */
	int best = -1;
	for (int a = k->active; a >= 0; a = k->nodes[a].next)
		if (k->nodes[a].pos == p->natoms - 1 &&
		    (best < 0 || k->nodes[a].demerits < k->nodes[best].demerits))
			best = a;
	return best >= 0 ? best : last_final;
}

/* Width of the character at a box's start or end, times its protrusion share. */
static float box_protrusion(pdf_engine *e, const pdf_atom *a, bool right)
{
	const pdf_shaped *sh = a->type == PDF_BOX ? a->sh : NULL;
	if (!sh || a->g1 <= a->g0 || sh->rtl)
		return 0;
	uint32_t g = right ? a->g1 - 1 : a->g0;
	size_t i = sh->glyphs[g].cluster;
	uint32_t c = pdf_utf8_next(sh->text, sh->len, &i);
	float share = right ? pdf_protrusion_right(c) : pdf_protrusion_left(c);
	if (share == 0)
		return 0;
	return share * pdf_shaped_width(&e->fonts, sh, g, g + 1, e->res.styles[a->style].size);
}

static int kp_sums(pdf_engine *e, kp *k, bool protrude)
{
	const pdf_para *p = k->p;
	size_t n = p->natoms + 1;
	k->sw = malloc(5 * n * sizeof(double) + 2 * n * sizeof(float));
	if (!k->sw)
		return GALLEY_ENOMEM;
	k->sy = k->sw + n;
	k->sz = k->sy + n;
	k->sf = k->sz + n;
	k->sb = k->sf + n;
	k->rp = (float *)(k->sb + n);
	k->lp = k->rp + n;
	k->sw[0] = k->sy[0] = k->sz[0] = k->sf[0] = k->sb[0] = 0;
	for (size_t i = 0; i < p->natoms; i++) {
		const pdf_atom *a = &p->atoms[i];
		bool counts = a->type != PDF_PENALTY;
		k->sw[i + 1] = k->sw[i] + (counts ? a->width : 0);
		k->sy[i + 1] = k->sy[i] + (a->type == PDF_GLUE ? a->stretch : 0);
		k->sz[i + 1] = k->sz[i] + (a->type == PDF_GLUE ? a->shrink : 0);
		k->sf[i + 1] = k->sf[i] + (a->type == PDF_GLUE && a->fil ? 1 : 0);
		k->sb[i + 1] = k->sb[i] + (a->type == PDF_BOX && a->sh ? a->width : 0);
		k->rp[i] = k->lp[i] = 0;
		if (!protrude)
			continue;
		k->lp[i] = box_protrusion(e, a, false);
		if (a->type == PDF_PENALTY && a->flagged && a->width > 0)
			k->rp[i] = a->width * pdf_protrusion_right('-');
		else if (i > 0 && a->type != PDF_BOX)
			k->rp[i] = box_protrusion(e, &p->atoms[i - 1], true);
	}
	k->rp[p->natoms] = k->lp[p->natoms] = 0;
	return 0;
}

/* ---- lines ---------------------------------------------------------- */

/* How a chosen line is set: its glue's ratio, its glyphs' expansion, its left protrusion. */
typedef struct line_set {
	double ratio, expand, shift, natural;
} line_set;

static int emit_line(pdf_lines *out, const pdf_para *p, size_t from, size_t to, bool hyphen, float width,
                     float x, line_set set)
{
	if (pdf_grow((void **)&out->v, &out->cap, out->count + 1, sizeof(pdf_line)))
		return GALLEY_ENOMEM;
	out->v[out->count++] = (pdf_line){
	    p,      (uint32_t)from, (uint32_t)to,      (float)set.ratio, x, width, (float)set.natural,
	    hyphen, false,          (float)set.expand, (float)set.shift};
	return 0;
}

/*
 * The ratio a chosen line is set with: its own glue's, without the
 * emergency stretch that helped choose it (as in TeX, that stretch only
 * changes which breaks are found). A justified line so always fills the
 * measure, however loose; a line with nothing to stretch is left short.
 */
static line_set set_line(const kp *k, const kp_node *a, size_t b)
{
	kp real = *k;
	real.extra_stretch = 0;
	line_set set = {0, 0, a->lp, 0};
	double r = adjustment_ratio(&real, a, b, &set.natural);
	if (r >= AWFUL_BADNESS || r == 0)
		return set;
	/* the glyphs widen or narrow in step with the glue up to their limit; the glue takes the rest */
	double boxes = k->sb[b] - a->b, glue = (r > 0 ? k->sy[b] - a->y : k->sz[b] - a->z);
	if (r < -1)
		r = -1;
	if (r > 1 && boxes > 0) {
		set.expand = k->expand;
		r = glue > 0 ? (k->width - set.natural - k->expand * boxes) / glue : 0;
	} else
		set.expand = r * k->expand;
	set.ratio = r;
	return set;
}

/* First atom of a line that starts after a break at `pos`. */
static size_t line_start(const pdf_para *p, size_t pos)
{
	size_t i = pos;
	while (i < p->natoms && p->atoms[i].type != PDF_BOX &&
	       !(p->atoms[i].type == PDF_PENALTY && p->atoms[i].penalty == -PDF_INF_PENALTY && i > pos))
		i++;
	return i;
}

static int emit_lines(pdf_lines *out, kp *k, int best, float x)
{
	int count = 0;
	for (int n = best; n >= 0 && k->nodes[n].prev >= 0; n = k->nodes[n].prev)
		count++;
	int *chain = malloc((size_t)(count + 1) * sizeof(int));
	if (!chain)
		return GALLEY_ENOMEM;
	int i = count;
	for (int n = best; i > 0; n = k->nodes[n].prev)
		chain[--i] = n;
	int rc = 0;
	int prev = 0;
	for (i = 0; i < count && rc == 0; i++) {
		const kp_node *a = &k->nodes[prev], *b = &k->nodes[chain[i]];
		/* glue before the first box (a space the text starts with) is no part of a line */
		size_t from = line_start(k->p, a->pos);
		line_set set = set_line(k, a, b->pos);
		/* an explicit hyphen's break is flagged too, but has nothing to add */
		bool hyphen = b->hyphen && k->p->atoms[b->pos].width > 0;
		rc = emit_line(out, k->p, from, b->pos, hyphen, (float)k->width, x, set);
		prev = chain[i];
	}
	free(chain);
	return rc;
}

/* A last resort when no pass found breaks: fill each line as far as it goes. */
static int greedy_lines(pdf_lines *out, pdf_para *p, float width, float x)
{
	size_t from = 0;
	while (from < p->natoms) {
		double w = 0;
		size_t last_ok = 0, i;
		double last_w = 0;
		for (i = from; i < p->natoms; i++) {
			const pdf_atom *a = &p->atoms[i];
			if (is_legal_break(p, i) && i > from) {
				double lw = w + (a->type == PDF_PENALTY ? a->width : 0);
				if (lw <= width || last_ok == 0) {
					last_ok = i;
					last_w = lw;
				}
				if (a->type == PDF_PENALTY && a->penalty == -PDF_INF_PENALTY)
					break;
			}
			if (a->type != PDF_PENALTY)
				w += a->width;
			if (w > width && last_ok)
				break;
		}
		if (!last_ok)
			last_ok = p->natoms - 1;
		const pdf_atom *b = &p->atoms[last_ok];
		line_set set = {0, 0, 0, last_w};
		int rc = emit_line(out, p, from, last_ok,
		                   b->type == PDF_PENALTY && b->flagged && b->width > 0, width, x, set);
		if (rc)
			return rc;
		from = line_start(p, last_ok);
		if (from >= p->natoms - 1)
			break;
	}
	return 0;
}

int pdf_para_break(pdf_engine *e, pdf_para *p, float width, float x, pdf_lines *out)
{
	/*
	 * TeX's passes: without hyphenation under the pretolerance, with it
	 * under the tolerance, then with emergency stretch (which only chooses
	 * the breaks), and last any badness, names hyphenated too.
	 */
	const pdf_typography *t = &pdf_typo;
	const struct {
		double tolerance;
		bool hyphenate, names;
		double emergency_em;
		bool any;
	} passes[] = {{t->pretolerance, false, false, 0, false},
	              {t->tolerance, true, false, 0, false},
	              {t->tolerance, true, false, t->emergency_stretch, false},
	              {0, true, true, 2 * t->emergency_stretch, true}};
	kp k = {0};
	k.p = p;
	k.width = width;
	k.em = e->set.size;
	bool justify = p->align == PDF_ALIGN_JUSTIFY;
	bool micro = justify && e->set.microtype;
	k.expand = micro ? t->expansion : 0;
	int rc = 0, best = -1;
	/*
	 * The atoms are built once, with the hyphenation points: the first pass,
	 * which does not hyphenate, passes over them, and the boxes they split
	 * add up to the same widths as the whole words.
	 */
	if ((rc = pdf_atoms_build(e, p, width, true)) || (rc = kp_sums(e, &k, micro)))
		goto cleanup;
	for (size_t pass = 0; pass < sizeof(passes) / sizeof(passes[0]) && best < 0; pass++) {
		k.hyphenate = passes[pass].hyphenate;
		k.names = passes[pass].names;
		k.tolerance = passes[pass].tolerance;
		k.any_badness = passes[pass].any;
		k.extra_stretch = passes[pass].emergency_em * k.em;
		if (!justify)
			k.extra_stretch += t->ragged_stretch * k.em; /* like TeX's \rightskip */
		best = kp_run(&k);
		if (best < -1) {
			rc = best;
			goto cleanup;
		}
	}
	rc = best >= 0 ? emit_lines(out, &k, best, x) : greedy_lines(out, p, width, x);
cleanup:
	free(k.sw);
	free(k.nodes);
	return rc;
}
