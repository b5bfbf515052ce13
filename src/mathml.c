/*
 * mathml.c - TeX math into presentation MathML (see mathml.h).
 *
 * The TeX is read into a small tree of MathML elements first, because a
 * base is written inside the <msub> or <munderover> its scripts, read after
 * it, decide on; the tree is then written through the shared XML writer.
 */
#include <stdlib.h>
#include <string.h>

#include "galley/sys/format.h"
#include "mathml.h"
#include "mathtree.h"

static const char *const element[] = {"mi",    "mn",    "mo",      "mtext",  "mspace", "mrow",
                                      "msub",  "msup",  "msubsup", "munder", "mover",  "munderover",
                                      "mfrac", "msqrt", "mroot",   "mtable", "mtr",    "mtd"};

/* Past this nesting of groups the rest of a formula is written as text (no deep recursion). */
#define MAX_DEPTH 64

typedef struct mparser {
	const char *s;
	size_t len, pos;
	math_node *nodes;
	int count, cap;
	int depth;
	bool nomem;
	int tag; /* \tag's text, or -1 */
	bool tag_star;
	const galley_node *math;
	const galley_options *opts;
} mparser;

enum { SYM_LIMITS = 1, SYM_NORMAL = 2 };

typedef struct symbol {
	const char *name;
	const char *text;
	enum math_kind kind;
	int flags;
} symbol;

static const symbol symbols[] = {
    /* Greek */
    {"alpha", "α", MK_MI, 0},
    {"beta", "β", MK_MI, 0},
    {"gamma", "γ", MK_MI, 0},
    {"delta", "δ", MK_MI, 0},
    {"epsilon", "ϵ", MK_MI, 0},
    {"varepsilon", "ε", MK_MI, 0},
    {"zeta", "ζ", MK_MI, 0},
    {"eta", "η", MK_MI, 0},
    {"theta", "θ", MK_MI, 0},
    {"vartheta", "ϑ", MK_MI, 0},
    {"iota", "ι", MK_MI, 0},
    {"kappa", "κ", MK_MI, 0},
    {"lambda", "λ", MK_MI, 0},
    {"mu", "μ", MK_MI, 0},
    {"nu", "ν", MK_MI, 0},
    {"xi", "ξ", MK_MI, 0},
    {"pi", "π", MK_MI, 0},
    {"varpi", "ϖ", MK_MI, 0},
    {"rho", "ρ", MK_MI, 0},
    {"varrho", "ϱ", MK_MI, 0},
    {"sigma", "σ", MK_MI, 0},
    {"varsigma", "ς", MK_MI, 0},
    {"tau", "τ", MK_MI, 0},
    {"upsilon", "υ", MK_MI, 0},
    {"phi", "ϕ", MK_MI, 0},
    {"varphi", "φ", MK_MI, 0},
    {"chi", "χ", MK_MI, 0},
    {"psi", "ψ", MK_MI, 0},
    {"omega", "ω", MK_MI, 0},
    {"Gamma", "Γ", MK_MI, SYM_NORMAL},
    {"Delta", "Δ", MK_MI, SYM_NORMAL},
    {"Theta", "Θ", MK_MI, SYM_NORMAL},
    {"Lambda", "Λ", MK_MI, SYM_NORMAL},
    {"Xi", "Ξ", MK_MI, SYM_NORMAL},
    {"Pi", "Π", MK_MI, SYM_NORMAL},
    {"Sigma", "Σ", MK_MI, SYM_NORMAL},
    {"Upsilon", "Υ", MK_MI, SYM_NORMAL},
    {"Phi", "Φ", MK_MI, SYM_NORMAL},
    {"Psi", "Ψ", MK_MI, SYM_NORMAL},
    {"Omega", "Ω", MK_MI, SYM_NORMAL},
    /* letter-like */
    {"infty", "∞", MK_MI, 0},
    {"partial", "∂", MK_MI, 0},
    {"nabla", "∇", MK_MI, 0},
    {"hbar", "ℏ", MK_MI, 0},
    {"ell", "ℓ", MK_MI, 0},
    {"emptyset", "∅", MK_MI, 0},
    {"varnothing", "∅", MK_MI, 0},
    {"aleph", "ℵ", MK_MI, 0},
    {"Re", "ℜ", MK_MI, 0},
    {"Im", "ℑ", MK_MI, 0},
    /* big operators */
    {"sum", "∑", MK_MO, SYM_LIMITS},
    {"prod", "∏", MK_MO, SYM_LIMITS},
    {"coprod", "∐", MK_MO, SYM_LIMITS},
    {"bigcup", "⋃", MK_MO, SYM_LIMITS},
    {"bigcap", "⋂", MK_MO, SYM_LIMITS},
    {"bigoplus", "⨁", MK_MO, SYM_LIMITS},
    {"bigotimes", "⨂", MK_MO, SYM_LIMITS},
    {"int", "∫", MK_MO, 0},
    {"iint", "∬", MK_MO, 0},
    {"iiint", "∭", MK_MO, 0},
    {"oint", "∮", MK_MO, 0},
    /* functions; the limits ones put their scripts under */
    {"lim", "lim", MK_MO, SYM_LIMITS},
    {"max", "max", MK_MO, SYM_LIMITS},
    {"min", "min", MK_MO, SYM_LIMITS},
    {"sup", "sup", MK_MO, SYM_LIMITS},
    {"inf", "inf", MK_MO, SYM_LIMITS},
    {"det", "det", MK_MO, SYM_LIMITS},
    {"gcd", "gcd", MK_MO, SYM_LIMITS},
    {"Pr", "Pr", MK_MO, SYM_LIMITS},
    {"liminf", "lim inf", MK_MO, SYM_LIMITS},
    {"limsup", "lim sup", MK_MO, SYM_LIMITS},
    {"sin", "sin", MK_MI, 0},
    {"cos", "cos", MK_MI, 0},
    {"tan", "tan", MK_MI, 0},
    {"cot", "cot", MK_MI, 0},
    {"sec", "sec", MK_MI, 0},
    {"csc", "csc", MK_MI, 0},
    {"arcsin", "arcsin", MK_MI, 0},
    {"arccos", "arccos", MK_MI, 0},
    {"arctan", "arctan", MK_MI, 0},
    {"sinh", "sinh", MK_MI, 0},
    {"cosh", "cosh", MK_MI, 0},
    {"tanh", "tanh", MK_MI, 0},
    {"log", "log", MK_MI, 0},
    {"ln", "ln", MK_MI, 0},
    {"lg", "lg", MK_MI, 0},
    {"exp", "exp", MK_MI, 0},
    {"arg", "arg", MK_MI, 0},
    {"deg", "deg", MK_MI, 0},
    {"dim", "dim", MK_MI, 0},
    {"ker", "ker", MK_MI, 0},
    {"hom", "hom", MK_MI, 0},
    /* binary operators and relations */
    {"times", "×", MK_MO, 0},
    {"cdot", "⋅", MK_MO, 0},
    {"pm", "±", MK_MO, 0},
    {"mp", "∓", MK_MO, 0},
    {"div", "÷", MK_MO, 0},
    {"ast", "∗", MK_MO, 0},
    {"star", "⋆", MK_MO, 0},
    {"circ", "∘", MK_MO, 0},
    {"bullet", "∙", MK_MO, 0},
    {"oplus", "⊕", MK_MO, 0},
    {"otimes", "⊗", MK_MO, 0},
    {"cup", "∪", MK_MO, 0},
    {"cap", "∩", MK_MO, 0},
    {"setminus", "∖", MK_MO, 0},
    {"wedge", "∧", MK_MO, 0},
    {"land", "∧", MK_MO, 0},
    {"vee", "∨", MK_MO, 0},
    {"lor", "∨", MK_MO, 0},
    {"neg", "¬", MK_MO, 0},
    {"lnot", "¬", MK_MO, 0},
    {"leq", "≤", MK_MO, 0},
    {"le", "≤", MK_MO, 0},
    {"geq", "≥", MK_MO, 0},
    {"ge", "≥", MK_MO, 0},
    {"neq", "≠", MK_MO, 0},
    {"ne", "≠", MK_MO, 0},
    {"approx", "≈", MK_MO, 0},
    {"equiv", "≡", MK_MO, 0},
    {"sim", "∼", MK_MO, 0},
    {"simeq", "≃", MK_MO, 0},
    {"cong", "≅", MK_MO, 0},
    {"propto", "∝", MK_MO, 0},
    {"ll", "≪", MK_MO, 0},
    {"gg", "≫", MK_MO, 0},
    {"in", "∈", MK_MO, 0},
    {"notin", "∉", MK_MO, 0},
    {"ni", "∋", MK_MO, 0},
    {"subset", "⊂", MK_MO, 0},
    {"subseteq", "⊆", MK_MO, 0},
    {"supset", "⊃", MK_MO, 0},
    {"supseteq", "⊇", MK_MO, 0},
    {"perp", "⊥", MK_MO, 0},
    {"parallel", "∥", MK_MO, 0},
    {"mid", "∣", MK_MO, 0},
    {"to", "→", MK_MO, 0},
    {"rightarrow", "→", MK_MO, 0},
    {"leftarrow", "←", MK_MO, 0},
    {"gets", "←", MK_MO, 0},
    {"leftrightarrow", "↔", MK_MO, 0},
    {"Rightarrow", "⇒", MK_MO, 0},
    {"Leftarrow", "⇐", MK_MO, 0},
    {"Leftrightarrow", "⇔", MK_MO, 0},
    {"implies", "⟹", MK_MO, 0},
    {"iff", "⟺", MK_MO, 0},
    {"mapsto", "↦", MK_MO, 0},
    {"forall", "∀", MK_MO, 0},
    {"exists", "∃", MK_MO, 0},
    {"ldots", "…", MK_MO, 0},
    {"dots", "…", MK_MO, 0},
    {"cdots", "⋯", MK_MO, 0},
    {"vdots", "⋮", MK_MO, 0},
    {"ddots", "⋱", MK_MO, 0},
    {"prime", "′", MK_MO, 0},
    {"langle", "⟨", MK_MO, 0},
    {"rangle", "⟩", MK_MO, 0},
    {"lfloor", "⌊", MK_MO, 0},
    {"rfloor", "⌋", MK_MO, 0},
    {"lceil", "⌈", MK_MO, 0},
    {"rceil", "⌉", MK_MO, 0},
    {"vert", "|", MK_MO, 0},
    {"Vert", "‖", MK_MO, 0},
    {"lvert", "|", MK_MO, 0},
    {"rvert", "|", MK_MO, 0},
    {"lbrace", "{", MK_MO, 0},
    {"rbrace", "}", MK_MO, 0},
    {"colon", ":", MK_MO, 0},
};

static const struct {
	const char *name, *variant;
} alphabets[] = {
    {"mathrm", "normal"},          {"mathbf", "bold"},         {"mathit", "italic"},
    {"mathbb", "double-struck"},   {"mathcal", "script"},      {"mathscr", "script"},
    {"mathfrak", "fraktur"},       {"mathsf", "sans-serif"},   {"mathtt", "monospace"},
    {"boldsymbol", "bold-italic"}, {"operatorname", "normal"},
};

static const struct {
	const char *name, *text;
	bool under;
} accents[] = {
    {"hat", "^", false},  {"widehat", "^", false},  {"bar", "¯", false},       {"overline", "‾", false},
    {"vec", "→", false},  {"tilde", "~", false},    {"widetilde", "~", false}, {"dot", "˙", false},
    {"ddot", "¨", false}, {"underline", "_", true},
};

static const struct {
	const char *name, *width;
} spaces[] = {
    {",", "0.167em"},  {":", "0.222em"}, {">", "0.222em"}, {";", "0.278em"},
    {"!", "-0.167em"}, {" ", "0.333em"}, {"quad", "1em"},  {"qquad", "2em"},
};

static int parse_row(mparser *p, char stop);
static bool at_command(mparser *p, const char *name);
static bool at_cell_end(mparser *p);

static int new_node(mparser *p, enum math_kind kind, const char *text, size_t len)
{
	if (p->count == p->cap) {
		int cap = p->cap ? p->cap * 2 : 32;
		math_node *grown = realloc(p->nodes, (size_t)cap * sizeof(*grown));
		if (!grown) {
			p->nomem = true;
			return -1;
		}
		p->nodes = grown;
		p->cap = cap;
	}
	math_node *n = &p->nodes[p->count];
	*n = (math_node){kind, text, len, NULL, NULL, NULL, -1, -1, -1};
	return p->count++;
}

static void add_child(mparser *p, int parent, int child)
{
	if (parent < 0 || child < 0)
		return;
	math_node *par = &p->nodes[parent];
	if (par->last >= 0)
		p->nodes[par->last].next = child;
	else
		par->first = child;
	par->last = child;
}

static int node_with(mparser *p, enum math_kind kind, int a, int b, int c)
{
	int n = new_node(p, kind, NULL, 0);
	add_child(p, n, a);
	add_child(p, n, b);
	add_child(p, n, c);
	return n;
}

static int token(mparser *p, enum math_kind kind, const char *text)
{
	return new_node(p, kind, text, strlen(text));
}

static bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static void skip_space(mparser *p)
{
	while (p->pos < p->len && strchr(" \t\r\n", p->s[p->pos]))
		p->pos++;
}

/*
 * Where the TeX's first character stands, and the column its later lines
 * start at. A ```math block's node stands where its content begins (the
 * line after the fence, the fence's column: the only child of its paragraph,
 * a line below it); "$" and "$$" nodes stand at their opening dollar, and
 * their later lines start at the paragraph's column (the reader drops a
 * continuation line's indent).
 */
static void tex_origin(const galley_node *math, unsigned *line, unsigned *col, unsigned *line_col)
{
	const galley_node *para = galley_node_parent(math);
	const char *info = galley_node_info(math);
	*line = galley_node_line(math);
	*col = galley_node_column(math);
	*line_col = para && galley_node_column(para) ? galley_node_column(para) : 1;
	if (para && galley_node_first_child(para) == math && !galley_node_next(math) &&
	    galley_node_line(para) + 1 == *line) {
		*line_col = *col;
		return;
	}
	*col += info && !strcmp(info, "display") ? 2 : 1; /* the opening $ or $$ */
}

/* The warning about command `name` at byte `at` of the TeX, placed in the input. */
static void warn_unknown(mparser *p, size_t at, const char *name, size_t len)
{
	unsigned line, col, line_col;
	tex_origin(p->math, &line, &col, &line_col);
	for (size_t i = 0; i < at; i++) {
		if (p->s[i] == '\n') {
			line++;
			col = line_col;
		} else if (((unsigned char)p->s[i] & 0xC0) != 0x80) {
			col++;
		}
	}
	galley_report(p->opts, GALLEY_WARNING, line ? line : 0, line ? col : 0,
	              "unknown TeX command \\%.*s in math; written as its source", (int)len, name);
}

/* A command's name after its backslash: a run of letters, or one other character. */
static size_t command_name(mparser *p)
{
	size_t start = p->pos, n = 0;
	while (start + n < p->len && is_letter(p->s[start + n]))
		n++;
	if (n == 0 && start < p->len)
		n = 1;
	p->pos += n;
	return n;
}

static bool name_is(const char *name, size_t len, const char *want)
{
	return strlen(want) == len && !memcmp(name, want, len);
}

/* A command's argument: a {group}, or one token (one digit of "\frac12"). */
static int parse_primary(mparser *p, bool *limits);

static int parse_arg(mparser *p)
{
	bool limits = false;
	skip_space(p);
	if (p->pos < p->len && is_digit(p->s[p->pos])) {
		p->pos++;
		return new_node(p, MK_MN, p->s + p->pos - 1, 1);
	}
	if (p->depth >= MAX_DEPTH) { /* "\frac\frac\frac...": the rest as text, no deeper */
		int text = new_node(p, MK_MTEXT, p->s + p->pos, p->len - p->pos);
		p->pos = p->len;
		return text;
	}
	p->depth++;
	int n = parse_primary(p, &limits);
	p->depth--;
	return n >= 0 ? n : new_node(p, MK_MROW, NULL, 0);
}

/* Sets `variant` on the identifiers under `n` that have none. */
static void set_variant(mparser *p, int n, const char *variant)
{
	if (n < 0)
		return;
	math_node *m = &p->nodes[n];
	if ((m->kind == MK_MI || m->kind == MK_MN) && !m->variant)
		m->variant = variant;
	for (int c = m->first; c >= 0; c = p->nodes[c].next)
		set_variant(p, c, variant);
}

/* A delimiter after \left or \right: one character or a command; NULL for ".". */
static const char *read_delimiter(mparser *p, size_t *len)
{
	skip_space(p);
	if (p->pos >= p->len)
		return NULL;
	const char *at = p->s + p->pos;
	if (*at != '\\') {
		p->pos++;
		*len = 1;
		return *at == '.' ? NULL : at;
	}
	p->pos++;
	const char *name = p->s + p->pos;
	size_t n = command_name(p);
	if (n == 1 && *name == '|') {
		*len = strlen("‖");
		return "‖";
	}
	if (n == 1 && (*name == '{' || *name == '}')) {
		*len = 1;
		return name;
	}
	for (size_t i = 0; i < sizeof(symbols) / sizeof(symbols[0]); i++)
		if (name_is(name, n, symbols[i].name)) {
			*len = strlen(symbols[i].text);
			return symbols[i].text;
		}
	*len = 0;
	return NULL;
}

static int fence(mparser *p, const char *text, size_t len)
{
	if (!text || !len)
		return -1;
	int n = new_node(p, MK_MO, text, len);
	if (n >= 0) {
		p->nodes[n].attr = "stretchy";
		p->nodes[n].attr_val = "true";
	}
	return n;
}

static bool at_right(mparser *p)
{
	return p->len - p->pos >= 6 && !memcmp(p->s + p->pos, "\\right", 6) &&
	       (p->pos + 6 >= p->len || !is_letter(p->s[p->pos + 6]));
}

static int parse_left(mparser *p)
{
	size_t olen = 0, clen = 0;
	const char *open = read_delimiter(p, &olen);
	int row = new_node(p, MK_MROW, NULL, 0);
	add_child(p, row, fence(p, open, olen));
	add_child(p, row, parse_row(p, 'R'));
	if (at_right(p)) {
		p->pos += 6;
		const char *close = read_delimiter(p, &clen);
		add_child(p, row, fence(p, close, clen));
	}
	return row;
}

/* \text{...}: the braces' content as it is written. */
static int parse_text(mparser *p)
{
	skip_space(p);
	if (p->pos >= p->len || p->s[p->pos] != '{')
		return parse_arg(p);
	size_t start = ++p->pos;
	int level = 1;
	while (p->pos < p->len) {
		char c = p->s[p->pos];
		if (c == '\\' && p->pos + 1 < p->len)
			p->pos++;
		else if (c == '{')
			level++;
		else if (c == '}' && --level == 0)
			break;
		p->pos++;
	}
	int n = new_node(p, MK_MTEXT, p->s + start, p->pos - start);
	if (p->pos < p->len)
		p->pos++;
	return n;
}

static int parse_sqrt(mparser *p)
{
	skip_space(p);
	if (p->pos < p->len && p->s[p->pos] == '[') {
		p->pos++;
		int index = parse_row(p, ']');
		if (p->pos < p->len)
			p->pos++;
		int body = parse_arg(p);
		return node_with(p, MK_MROOT, body, index, -1);
	}
	return node_with(p, MK_MSQRT, parse_arg(p), -1, -1);
}

/* The environments: their fences and how their columns align. */
static const struct {
	const char *name;
	const char *open, *close; /* stretchy fences, or NULL */
	const char *align;        /* columnalign, or NULL for centred */
	bool skip_spec;           /* a column specification follows ({array}{cc}) */
} environments[] = {
    {"matrix", NULL, NULL, NULL, false},
    {"smallmatrix", NULL, NULL, NULL, false},
    {"pmatrix", "(", ")", NULL, false},
    {"bmatrix", "[", "]", NULL, false},
    {"Bmatrix", "{", "}", NULL, false},
    {"vmatrix", "|", "|", NULL, false},
    {"Vmatrix", "‖", "‖", NULL, false},
    {"cases", "{", NULL, "left left", false},
    {"aligned", NULL, NULL, "right left right left right left", false},
    {"align", NULL, NULL, "right left right left right left", false},
    {"align*", NULL, NULL, "right left right left right left", false},
    {"split", NULL, NULL, "right left", false},
    {"gathered", NULL, NULL, NULL, false},
    {"gather", NULL, NULL, NULL, false},
    {"gather*", NULL, NULL, NULL, false},
    {"array", NULL, NULL, NULL, true},
};

/* The braced name after \begin or \end; its length, 0 when there is none. */
static size_t env_name(mparser *p, const char **name)
{
	skip_space(p);
	if (p->pos >= p->len || p->s[p->pos] != '{')
		return 0;
	const char *close = memchr(p->s + p->pos, '}', p->len - p->pos);
	if (!close)
		return 0;
	*name = p->s + p->pos + 1;
	size_t n = (size_t)(close - *name);
	p->pos = (size_t)(close - p->s) + 1;
	return n;
}

/* The rows of an environment: cells split at "&", rows at "\\", up to \end{...}. */
static int parse_table(mparser *p)
{
	int table = new_node(p, MK_MTABLE, NULL, 0);
	int row = -1;
	for (;;) {
		if (row < 0) {
			row = new_node(p, MK_MTR, NULL, 0);
			add_child(p, table, row);
		}
		int cell = new_node(p, MK_MTD, NULL, 0);
		add_child(p, row, cell);
		add_child(p, cell, parse_row(p, 'C'));
		if (p->nomem || p->pos >= p->len)
			break;
		if (p->s[p->pos] == '&') {
			p->pos++;
			continue;
		}
		if (at_command(p, "\\\\")) {
			p->pos += 2;
			skip_space(p);
			if (p->pos < p->len &&
			    p->s[p->pos] == '[') { /* \\[2pt]: the extra space is left out */
				const char *end = memchr(p->s + p->pos, ']', p->len - p->pos);
				p->pos = end ? (size_t)(end - p->s) + 1 : p->len;
			}
			row = -1;
			skip_space(p);
			if (at_command(p, "\\end"))
				break;
			continue;
		}
		break; /* \end */
	}
	if (at_command(p, "\\end")) {
		const char *name;
		p->pos += 4;
		env_name(p, &name);
	}
	/* a last row left empty by a closing "\\" is dropped */
	return table;
}

static int parse_environment(mparser *p, size_t at)
{
	const char *name = NULL;
	size_t n = env_name(p, &name);
	for (size_t i = 0; n && i < sizeof(environments) / sizeof(environments[0]); i++) {
		if (!name_is(name, n, environments[i].name))
			continue;
		if (environments[i].skip_spec) {
			const char *spec;
			env_name(p, &spec);
		}
		int table = parse_table(p);
		if (table >= 0 && environments[i].align) {
			p->nodes[table].attr = "columnalign";
			p->nodes[table].attr_val = environments[i].align;
		}
		if (!environments[i].open)
			return table;
		int row = node_with(p, MK_MROW, fence(p, environments[i].open, strlen(environments[i].open)),
		                    table, -1);
		if (environments[i].close)
			add_child(p, row, fence(p, environments[i].close, strlen(environments[i].close)));
		return row;
	}
	warn_unknown(p, at, n ? name : "begin", n ? n : 5);
	return new_node(p, MK_MTEXT, p->s + at, p->pos - at);
}

/* A command whose name is not a plain symbol; -2 when the name is unknown. */
static int parse_structure(mparser *p, const char *name, size_t n)
{
	if (name_is(name, n, "frac") || name_is(name, n, "dfrac") || name_is(name, n, "tfrac")) {
		int num = parse_arg(p);
		return node_with(p, MK_MFRAC, num, parse_arg(p), -1);
	}
	if (name_is(name, n, "binom")) {
		int top = parse_arg(p);
		int frac = node_with(p, MK_MFRAC, top, parse_arg(p), -1);
		if (frac >= 0) {
			p->nodes[frac].attr = "linethickness";
			p->nodes[frac].attr_val = "0";
		}
		return node_with(p, MK_MROW, fence(p, "(", 1), frac, fence(p, ")", 1));
	}
	if (name_is(name, n, "sqrt"))
		return parse_sqrt(p);
	if (name_is(name, n, "begin"))
		return parse_environment(p, (size_t)(name - p->s) - 1);
	if (name_is(name, n, "pmod")) { /* "(mod n)" after a quad-like space */
		int sp = new_node(p, MK_MSPACE, NULL, 0);
		if (sp >= 0) {
			p->nodes[sp].attr = "width";
			p->nodes[sp].attr_val = "0.444em";
		}
		int row = node_with(p, MK_MROW, sp, token(p, MK_MO, "("), token(p, MK_MO, "mod"));
		add_child(p, row, new_node(p, MK_MSPACE, NULL, 0));
		if (row >= 0 && p->nodes[row].last >= 0) {
			p->nodes[p->nodes[row].last].attr = "width";
			p->nodes[p->nodes[row].last].attr_val = "0.333em";
		}
		add_child(p, row, parse_arg(p));
		add_child(p, row, token(p, MK_MO, ")"));
		return row;
	}
	if (name_is(name, n, "tag")) { /* the equation's number: kept apart from the formula */
		bool star = p->pos < p->len && p->s[p->pos] == '*';
		p->pos += star;
		int text = parse_text(p);
		if (p->tag < 0) {
			p->tag = text;
			p->tag_star = star;
		}
		return -1; /* nothing in its place */
	}
	if (name_is(name, n, "notag") || name_is(name, n, "nonumber"))
		return -1;
	if (name_is(name, n, "bmod"))
		return token(p, MK_MO, "mod");
	if (name_is(name, n, "left"))
		return parse_left(p);
	if (name_is(name, n, "text") || name_is(name, n, "textrm") || name_is(name, n, "mbox") ||
	    name_is(name, n, "textit") || name_is(name, n, "textbf"))
		return parse_text(p);
	for (size_t i = 0; i < sizeof(alphabets) / sizeof(alphabets[0]); i++)
		if (name_is(name, n, alphabets[i].name)) {
			int arg = parse_arg(p);
			set_variant(p, arg, alphabets[i].variant);
			return arg;
		}
	for (size_t i = 0; i < sizeof(accents) / sizeof(accents[0]); i++)
		if (name_is(name, n, accents[i].name)) {
			int arg = parse_arg(p);
			int mark = token(p, MK_MO, accents[i].text);
			int acc = node_with(p, accents[i].under ? MK_MUNDER : MK_MOVER, arg, mark, -1);
			if (acc >= 0) {
				p->nodes[acc].attr = accents[i].under ? "accentunder" : "accent";
				p->nodes[acc].attr_val = "true";
			}
			return acc;
		}
	for (size_t i = 0; i < sizeof(spaces) / sizeof(spaces[0]); i++)
		if (name_is(name, n, spaces[i].name)) {
			int sp = new_node(p, MK_MSPACE, NULL, 0);
			if (sp >= 0) {
				p->nodes[sp].attr = "width";
				p->nodes[sp].attr_val = spaces[i].width;
			}
			return sp;
		}
	if (n == 1 && strchr("{}%$#&_|", *name))
		return new_node(p,
		                *name == '|'                   ? MK_MO
		                : *name == '{' || *name == '}' ? MK_MO
		                                               : MK_MI,
		                *name == '|' ? "‖" : name, *name == '|' ? strlen("‖") : 1);
	return -2;
}

static int parse_command(mparser *p, bool *limits)
{
	size_t at = p->pos++;
	const char *name = p->s + p->pos;
	size_t n = command_name(p);
	for (size_t i = 0; i < sizeof(symbols) / sizeof(symbols[0]); i++)
		if (name_is(name, n, symbols[i].name)) {
			int t = token(p, symbols[i].kind, symbols[i].text);
			if (t >= 0 && (symbols[i].flags & SYM_NORMAL))
				p->nodes[t].variant = "normal";
			*limits = (symbols[i].flags & SYM_LIMITS) != 0;
			return t;
		}
	int t = parse_structure(p, name, n);
	if (t != -2)
		return t;
	warn_unknown(p, at, name, n);
	return new_node(p, MK_MTEXT, p->s + at, n + 1);
}

/* One token or group, without its scripts; -1 at the end of the input or a closing brace. */
static int parse_primary(mparser *p, bool *limits)
{
	skip_space(p);
	if (p->pos >= p->len)
		return -1;
	const char *s = p->s + p->pos;
	char c = *s;
	if (c == '{') {
		p->pos++;
		int row = parse_row(p, '}');
		if (p->pos < p->len)
			p->pos++;
		return row;
	}
	if (c == '\\')
		return parse_command(p, limits);
	if (is_digit(c) || (c == '.' && p->pos + 1 < p->len && is_digit(s[1]))) {
		size_t n = 0;
		while (p->pos + n < p->len &&
		       (is_digit(s[n]) || (s[n] == '.' && p->pos + n + 1 < p->len && is_digit(s[n + 1]))))
			n++;
		p->pos += n;
		return new_node(p, MK_MN, s, n);
	}
	if (is_letter(c)) {
		p->pos++;
		return new_node(p, MK_MI, s, 1);
	}
	if ((unsigned char)c >= 0x80) {
		size_t n = 1;
		while (p->pos + n < p->len && ((unsigned char)s[n] & 0xC0) == 0x80)
			n++;
		p->pos += n;
		return new_node(p, MK_MI, s, n);
	}
	p->pos++;
	if (c == '\'')
		return token(p, MK_MO, "′");
	if (c == '~')
		return token(p, MK_MTEXT, "\xC2\xA0");
	if (c == '-') /* the minus sign, as MathML asks (U+2212) */
		return token(p, MK_MO, "−");
	return new_node(p, MK_MO, s, 1);
}

/* A token or group with its sub- and superscripts. */
static int parse_atom(mparser *p)
{
	bool limits = false;
	int base = parse_primary(p, &limits);
	int sub = -1, sup = -1;
	if (base < 0)
		return -1;
	for (;;) {
		skip_space(p);
		if (p->pos >= p->len || (p->s[p->pos] != '^' && p->s[p->pos] != '_'))
			break;
		bool is_sup = p->s[p->pos++] == '^';
		int script = parse_arg(p);
		if (is_sup && sup < 0)
			sup = script;
		else if (!is_sup && sub < 0)
			sub = script;
		else
			break; /* a double script TeX refuses: the rest follows as it comes */
	}
	if (sub >= 0 && sup >= 0)
		return node_with(p, limits ? MK_MUNDEROVER : MK_MSUBSUP, base, sub, sup);
	if (sub >= 0)
		return node_with(p, limits ? MK_MUNDER : MK_MSUB, base, sub, -1);
	if (sup >= 0)
		return node_with(p, limits ? MK_MOVER : MK_MSUP, base, sup, -1);
	return base;
}

static bool at_command(mparser *p, const char *name)
{
	size_t n = strlen(name);
	return p->len - p->pos >= n && !memcmp(p->s + p->pos, name, n) &&
	       (p->pos + n >= p->len || !is_letter(p->s[p->pos + n]) || !is_letter(name[n - 1]));
}

/* Whether a table cell ends here: at "&", "\\" or "\end". */
static bool at_cell_end(mparser *p)
{
	return p->s[p->pos] == '&' || at_command(p, "\\\\") || at_command(p, "\\end");
}

/* Atoms up to `stop` ('}', ']', 'R' for \right, 'C' for a table cell's end, 0 for the end), into an mrow. */
static int parse_row(mparser *p, char stop)
{
	int row = new_node(p, MK_MROW, NULL, 0);
	if (++p->depth > MAX_DEPTH) {
		add_child(p, row, new_node(p, MK_MTEXT, p->s + p->pos, p->len - p->pos));
		p->pos = p->len;
	}
	while (!p->nomem) {
		skip_space(p);
		if (p->pos >= p->len)
			break;
		char c = p->s[p->pos];
		if ((stop == '}' || stop == ']') && c == stop)
			break;
		if (stop == 'R' && at_right(p))
			break;
		if (stop == 'C' && at_cell_end(p))
			break;
		if (c == '}' || at_right(p)) { /* unbalanced: kept as text */
			size_t n = c == '}' ? 1 : 6;
			add_child(p, row, new_node(p, c == '}' ? MK_MO : MK_MTEXT, p->s + p->pos, n));
			p->pos += n;
			continue;
		}
		add_child(p, row, parse_atom(p));
	}
	p->depth--;
	return row;
}

/* ---- writing ------------------------------------------------------ */

typedef struct mwriter {
	xmlw *x;
	const char *prefix;
} mwriter;

static void start(mwriter *w, const char *name)
{
	char buf[32];
	if (w->prefix) {
		snprintf(buf, sizeof(buf), "%s:%s", w->prefix, name);
		name = buf;
	}
	xmlw_start(w->x, name);
}

/*
 * The form of a bracket that is not a \left/\right fence: MathML takes an
 * operator's form from its place in its row, so "(" inside n(n+1) would be
 * infix and spaced as one; "prefix"/"postfix" keep it tight, as TeX sets it.
 */
static const char *bracket_form(const math_node *m)
{
	static const char *const open[] = {"(", "[", "{", "⟨", "⌊", "⌈"};
	static const char *const close[] = {")", "]", "}", "⟩", "⌋", "⌉"};
	if (m->kind != MK_MO || m->attr || !m->text)
		return NULL;
	for (size_t k = 0; k < sizeof(open) / sizeof(open[0]); k++) {
		if (m->len == strlen(open[k]) && memcmp(m->text, open[k], m->len) == 0)
			return "prefix";
		if (m->len == strlen(close[k]) && memcmp(m->text, close[k], m->len) == 0)
			return "postfix";
	}
	return NULL;
}

static void write_node(const math_tree *t, mwriter *w, int i)
{
	const math_node *m = &t->nodes[i];
	start(w, element[m->kind]);
	if (m->variant)
		xmlw_attr(w->x, "mathvariant", m->variant);
	if (m->attr)
		xmlw_attr(w->x, m->attr, m->attr_val);
	const char *form = bracket_form(m);
	if (form) {
		xmlw_attr(w->x, "form", form);
		xmlw_attr(w->x, "stretchy", "false");
	}
	if (m->text)
		xmlw_text(w->x, m->text, m->len);
	for (int c = m->first; c >= 0; c = t->nodes[c].next)
		write_node(t, w, c);
	if (m->kind == MK_MSPACE)
		xmlw_end_empty(w->x);
	else
		xmlw_end(w->x);
}

int galley_math_parse(const galley_node *n, const galley_options *opts, math_tree *t)
{
	size_t len = 0;
	const char *tex = galley_node_literal(n, &len);
	mparser p = {.s = tex, .len = len, .math = n, .opts = opts, .tag = -1};
	int root = parse_row(&p, 0);
	if (p.nomem || root < 0) {
		free(p.nodes);
		*t = (math_tree){NULL, 0, -1, -1, false};
		return GALLEY_ENOMEM;
	}
	*t = (math_tree){p.nodes, p.count, root, p.tag, p.tag_star};
	return 0;
}

void galley_math_tree_free(math_tree *t)
{
	free(t->nodes);
	t->nodes = NULL;
	t->count = 0;
}

int galley_mathml_write(xmlw *x, const char *prefix, const galley_node *n, const galley_options *opts)
{
	size_t len = 0;
	const char *tex = galley_node_literal(n, &len);
	const char *info = galley_node_info(n);
	math_tree t;
	mwriter w = {x, prefix};
	if (galley_math_parse(n, opts, &t))
		return GALLEY_ENOMEM;
	start(&w, "math");
	xmlw_attr(x, prefix ? "xmlns:mml" : "xmlns", GALLEY_MATHML_NS);
	xmlw_attr(x, "display", info && !strcmp(info, "display") ? "block" : "inline");
	xmlw_attr_len(x, "alttext", tex, len);
	bool tagged = t.tag >= 0 && info && !strcmp(info, "display");
	if (tagged) { /* the number as the label of a one-row table */
		start(&w, "mtable");
		start(&w, "mlabeledtr");
		start(&w, "mtd");
		start(&w, "mtext");
		if (!t.tag_star)
			xmlw_text(x, "(", 1);
		if (t.nodes[t.tag].text)
			xmlw_text(x, t.nodes[t.tag].text, t.nodes[t.tag].len);
		if (!t.tag_star)
			xmlw_text(x, ")", 1);
		xmlw_end(x);
		xmlw_end(x);
		start(&w, "mtd");
	}
	write_node(&t, &w, t.root);
	if (tagged) {
		xmlw_end(x);
		xmlw_end(x);
		xmlw_end(x);
	}
	xmlw_end(x);
	galley_math_tree_free(&t);
	return 0;
}
