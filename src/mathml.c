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

enum kind {
	K_MI,
	K_MN,
	K_MO,
	K_MTEXT,
	K_MSPACE,
	K_MROW,
	K_MSUB,
	K_MSUP,
	K_MSUBSUP,
	K_MUNDER,
	K_MOVER,
	K_MUNDEROVER,
	K_MFRAC,
	K_MSQRT,
	K_MROOT
};

static const char *const element[] = {"mi",    "mn",         "mo",    "mtext",   "mspace",
                                      "mrow",  "msub",       "msup",  "msubsup", "munder",
                                      "mover", "munderover", "mfrac", "msqrt",   "mroot"};

typedef struct mnode {
	enum kind kind;
	const char *text; /* token text (UTF-8), not NUL-terminated */
	size_t len;
	const char *variant;         /* mathvariant, or NULL */
	const char *attr, *attr_val; /* one more attribute, or NULL */
	int first, last, next;       /* children and sibling, -1 for none */
} mnode;

/* Past this nesting of groups the rest of a formula is written as text (no deep recursion). */
#define MAX_DEPTH 64

typedef struct mparser {
	const char *s;
	size_t len, pos;
	mnode *nodes;
	int count, cap;
	int depth;
	bool nomem;
	const galley_node *math;
	const galley_options *opts;
} mparser;

enum { SYM_LIMITS = 1, SYM_NORMAL = 2 };

typedef struct symbol {
	const char *name;
	const char *text;
	enum kind kind;
	int flags;
} symbol;

static const symbol symbols[] = {
    /* Greek */
    {"alpha", "α", K_MI, 0},
    {"beta", "β", K_MI, 0},
    {"gamma", "γ", K_MI, 0},
    {"delta", "δ", K_MI, 0},
    {"epsilon", "ϵ", K_MI, 0},
    {"varepsilon", "ε", K_MI, 0},
    {"zeta", "ζ", K_MI, 0},
    {"eta", "η", K_MI, 0},
    {"theta", "θ", K_MI, 0},
    {"vartheta", "ϑ", K_MI, 0},
    {"iota", "ι", K_MI, 0},
    {"kappa", "κ", K_MI, 0},
    {"lambda", "λ", K_MI, 0},
    {"mu", "μ", K_MI, 0},
    {"nu", "ν", K_MI, 0},
    {"xi", "ξ", K_MI, 0},
    {"pi", "π", K_MI, 0},
    {"varpi", "ϖ", K_MI, 0},
    {"rho", "ρ", K_MI, 0},
    {"varrho", "ϱ", K_MI, 0},
    {"sigma", "σ", K_MI, 0},
    {"varsigma", "ς", K_MI, 0},
    {"tau", "τ", K_MI, 0},
    {"upsilon", "υ", K_MI, 0},
    {"phi", "ϕ", K_MI, 0},
    {"varphi", "φ", K_MI, 0},
    {"chi", "χ", K_MI, 0},
    {"psi", "ψ", K_MI, 0},
    {"omega", "ω", K_MI, 0},
    {"Gamma", "Γ", K_MI, SYM_NORMAL},
    {"Delta", "Δ", K_MI, SYM_NORMAL},
    {"Theta", "Θ", K_MI, SYM_NORMAL},
    {"Lambda", "Λ", K_MI, SYM_NORMAL},
    {"Xi", "Ξ", K_MI, SYM_NORMAL},
    {"Pi", "Π", K_MI, SYM_NORMAL},
    {"Sigma", "Σ", K_MI, SYM_NORMAL},
    {"Upsilon", "Υ", K_MI, SYM_NORMAL},
    {"Phi", "Φ", K_MI, SYM_NORMAL},
    {"Psi", "Ψ", K_MI, SYM_NORMAL},
    {"Omega", "Ω", K_MI, SYM_NORMAL},
    /* letter-like */
    {"infty", "∞", K_MI, 0},
    {"partial", "∂", K_MI, 0},
    {"nabla", "∇", K_MI, 0},
    {"hbar", "ℏ", K_MI, 0},
    {"ell", "ℓ", K_MI, 0},
    {"emptyset", "∅", K_MI, 0},
    {"varnothing", "∅", K_MI, 0},
    {"aleph", "ℵ", K_MI, 0},
    {"Re", "ℜ", K_MI, 0},
    {"Im", "ℑ", K_MI, 0},
    /* big operators */
    {"sum", "∑", K_MO, SYM_LIMITS},
    {"prod", "∏", K_MO, SYM_LIMITS},
    {"coprod", "∐", K_MO, SYM_LIMITS},
    {"bigcup", "⋃", K_MO, SYM_LIMITS},
    {"bigcap", "⋂", K_MO, SYM_LIMITS},
    {"bigoplus", "⨁", K_MO, SYM_LIMITS},
    {"bigotimes", "⨂", K_MO, SYM_LIMITS},
    {"int", "∫", K_MO, 0},
    {"iint", "∬", K_MO, 0},
    {"iiint", "∭", K_MO, 0},
    {"oint", "∮", K_MO, 0},
    /* functions; the limits ones put their scripts under */
    {"lim", "lim", K_MO, SYM_LIMITS},
    {"max", "max", K_MO, SYM_LIMITS},
    {"min", "min", K_MO, SYM_LIMITS},
    {"sup", "sup", K_MO, SYM_LIMITS},
    {"inf", "inf", K_MO, SYM_LIMITS},
    {"det", "det", K_MO, SYM_LIMITS},
    {"gcd", "gcd", K_MO, SYM_LIMITS},
    {"Pr", "Pr", K_MO, SYM_LIMITS},
    {"liminf", "lim inf", K_MO, SYM_LIMITS},
    {"limsup", "lim sup", K_MO, SYM_LIMITS},
    {"sin", "sin", K_MI, 0},
    {"cos", "cos", K_MI, 0},
    {"tan", "tan", K_MI, 0},
    {"cot", "cot", K_MI, 0},
    {"sec", "sec", K_MI, 0},
    {"csc", "csc", K_MI, 0},
    {"arcsin", "arcsin", K_MI, 0},
    {"arccos", "arccos", K_MI, 0},
    {"arctan", "arctan", K_MI, 0},
    {"sinh", "sinh", K_MI, 0},
    {"cosh", "cosh", K_MI, 0},
    {"tanh", "tanh", K_MI, 0},
    {"log", "log", K_MI, 0},
    {"ln", "ln", K_MI, 0},
    {"lg", "lg", K_MI, 0},
    {"exp", "exp", K_MI, 0},
    {"arg", "arg", K_MI, 0},
    {"deg", "deg", K_MI, 0},
    {"dim", "dim", K_MI, 0},
    {"ker", "ker", K_MI, 0},
    {"hom", "hom", K_MI, 0},
    /* binary operators and relations */
    {"times", "×", K_MO, 0},
    {"cdot", "⋅", K_MO, 0},
    {"pm", "±", K_MO, 0},
    {"mp", "∓", K_MO, 0},
    {"div", "÷", K_MO, 0},
    {"ast", "∗", K_MO, 0},
    {"star", "⋆", K_MO, 0},
    {"circ", "∘", K_MO, 0},
    {"bullet", "∙", K_MO, 0},
    {"oplus", "⊕", K_MO, 0},
    {"otimes", "⊗", K_MO, 0},
    {"cup", "∪", K_MO, 0},
    {"cap", "∩", K_MO, 0},
    {"setminus", "∖", K_MO, 0},
    {"wedge", "∧", K_MO, 0},
    {"land", "∧", K_MO, 0},
    {"vee", "∨", K_MO, 0},
    {"lor", "∨", K_MO, 0},
    {"neg", "¬", K_MO, 0},
    {"lnot", "¬", K_MO, 0},
    {"leq", "≤", K_MO, 0},
    {"le", "≤", K_MO, 0},
    {"geq", "≥", K_MO, 0},
    {"ge", "≥", K_MO, 0},
    {"neq", "≠", K_MO, 0},
    {"ne", "≠", K_MO, 0},
    {"approx", "≈", K_MO, 0},
    {"equiv", "≡", K_MO, 0},
    {"sim", "∼", K_MO, 0},
    {"simeq", "≃", K_MO, 0},
    {"cong", "≅", K_MO, 0},
    {"propto", "∝", K_MO, 0},
    {"ll", "≪", K_MO, 0},
    {"gg", "≫", K_MO, 0},
    {"in", "∈", K_MO, 0},
    {"notin", "∉", K_MO, 0},
    {"ni", "∋", K_MO, 0},
    {"subset", "⊂", K_MO, 0},
    {"subseteq", "⊆", K_MO, 0},
    {"supset", "⊃", K_MO, 0},
    {"supseteq", "⊇", K_MO, 0},
    {"perp", "⊥", K_MO, 0},
    {"parallel", "∥", K_MO, 0},
    {"mid", "∣", K_MO, 0},
    {"to", "→", K_MO, 0},
    {"rightarrow", "→", K_MO, 0},
    {"leftarrow", "←", K_MO, 0},
    {"gets", "←", K_MO, 0},
    {"leftrightarrow", "↔", K_MO, 0},
    {"Rightarrow", "⇒", K_MO, 0},
    {"Leftarrow", "⇐", K_MO, 0},
    {"Leftrightarrow", "⇔", K_MO, 0},
    {"implies", "⟹", K_MO, 0},
    {"iff", "⟺", K_MO, 0},
    {"mapsto", "↦", K_MO, 0},
    {"forall", "∀", K_MO, 0},
    {"exists", "∃", K_MO, 0},
    {"ldots", "…", K_MO, 0},
    {"dots", "…", K_MO, 0},
    {"cdots", "⋯", K_MO, 0},
    {"vdots", "⋮", K_MO, 0},
    {"ddots", "⋱", K_MO, 0},
    {"prime", "′", K_MO, 0},
    {"langle", "⟨", K_MO, 0},
    {"rangle", "⟩", K_MO, 0},
    {"lfloor", "⌊", K_MO, 0},
    {"rfloor", "⌋", K_MO, 0},
    {"lceil", "⌈", K_MO, 0},
    {"rceil", "⌉", K_MO, 0},
    {"vert", "|", K_MO, 0},
    {"Vert", "‖", K_MO, 0},
    {"lvert", "|", K_MO, 0},
    {"rvert", "|", K_MO, 0},
    {"lbrace", "{", K_MO, 0},
    {"rbrace", "}", K_MO, 0},
    {"colon", ":", K_MO, 0},
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

static int new_node(mparser *p, enum kind kind, const char *text, size_t len)
{
	if (p->count == p->cap) {
		int cap = p->cap ? p->cap * 2 : 32;
		mnode *grown = realloc(p->nodes, (size_t)cap * sizeof(*grown));
		if (!grown) {
			p->nomem = true;
			return -1;
		}
		p->nodes = grown;
		p->cap = cap;
	}
	mnode *n = &p->nodes[p->count];
	*n = (mnode){kind, text, len, NULL, NULL, NULL, -1, -1, -1};
	return p->count++;
}

static void add_child(mparser *p, int parent, int child)
{
	if (parent < 0 || child < 0)
		return;
	mnode *par = &p->nodes[parent];
	if (par->last >= 0)
		p->nodes[par->last].next = child;
	else
		par->first = child;
	par->last = child;
}

static int node_with(mparser *p, enum kind kind, int a, int b, int c)
{
	int n = new_node(p, kind, NULL, 0);
	add_child(p, n, a);
	add_child(p, n, b);
	add_child(p, n, c);
	return n;
}

static int token(mparser *p, enum kind kind, const char *text)
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

/* The warning about command `name` at byte `at` of the TeX, placed in the input. */
static void warn_unknown(mparser *p, size_t at, const char *name, size_t len)
{
	unsigned line = galley_node_line(p->math), col = galley_node_column(p->math);
	const char *info = galley_node_info(p->math);
	col += info && !strcmp(info, "display") ? 2 : 1; /* the opening $ or $$ */
	for (size_t i = 0; i < at; i++) {
		if (p->s[i] == '\n') {
			line++;
			col = 1;
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
		return new_node(p, K_MN, p->s + p->pos - 1, 1);
	}
	int n = parse_primary(p, &limits);
	return n >= 0 ? n : new_node(p, K_MROW, NULL, 0);
}

/* Sets `variant` on the identifiers under `n` that have none. */
static void set_variant(mparser *p, int n, const char *variant)
{
	if (n < 0)
		return;
	mnode *m = &p->nodes[n];
	if ((m->kind == K_MI || m->kind == K_MN) && !m->variant)
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
	int n = new_node(p, K_MO, text, len);
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
	int row = new_node(p, K_MROW, NULL, 0);
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
	int n = new_node(p, K_MTEXT, p->s + start, p->pos - start);
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
		return node_with(p, K_MROOT, body, index, -1);
	}
	return node_with(p, K_MSQRT, parse_arg(p), -1, -1);
}

/* A command whose name is not a plain symbol; -2 when the name is unknown. */
static int parse_structure(mparser *p, const char *name, size_t n)
{
	if (name_is(name, n, "frac") || name_is(name, n, "dfrac") || name_is(name, n, "tfrac")) {
		int num = parse_arg(p);
		return node_with(p, K_MFRAC, num, parse_arg(p), -1);
	}
	if (name_is(name, n, "binom")) {
		int top = parse_arg(p);
		int frac = node_with(p, K_MFRAC, top, parse_arg(p), -1);
		if (frac >= 0) {
			p->nodes[frac].attr = "linethickness";
			p->nodes[frac].attr_val = "0";
		}
		return node_with(p, K_MROW, fence(p, "(", 1), frac, fence(p, ")", 1));
	}
	if (name_is(name, n, "sqrt"))
		return parse_sqrt(p);
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
			int mark = token(p, K_MO, accents[i].text);
			int acc = node_with(p, accents[i].under ? K_MUNDER : K_MOVER, arg, mark, -1);
			if (acc >= 0) {
				p->nodes[acc].attr = accents[i].under ? "accentunder" : "accent";
				p->nodes[acc].attr_val = "true";
			}
			return acc;
		}
	for (size_t i = 0; i < sizeof(spaces) / sizeof(spaces[0]); i++)
		if (name_is(name, n, spaces[i].name)) {
			int sp = new_node(p, K_MSPACE, NULL, 0);
			if (sp >= 0) {
				p->nodes[sp].attr = "width";
				p->nodes[sp].attr_val = spaces[i].width;
			}
			return sp;
		}
	if (n == 1 && strchr("{}%$#&_|", *name))
		return new_node(p,
		                *name == '|'                   ? K_MO
		                : *name == '{' || *name == '}' ? K_MO
		                                               : K_MI,
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
	return new_node(p, K_MTEXT, p->s + at, n + 1);
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
		return new_node(p, K_MN, s, n);
	}
	if (is_letter(c)) {
		p->pos++;
		return new_node(p, K_MI, s, 1);
	}
	if ((unsigned char)c >= 0x80) {
		size_t n = 1;
		while (p->pos + n < p->len && ((unsigned char)s[n] & 0xC0) == 0x80)
			n++;
		p->pos += n;
		return new_node(p, K_MI, s, n);
	}
	p->pos++;
	if (c == '\'')
		return token(p, K_MO, "′");
	if (c == '~')
		return token(p, K_MTEXT, "\xC2\xA0");
	return new_node(p, K_MO, s, 1);
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
		return node_with(p, limits ? K_MUNDEROVER : K_MSUBSUP, base, sub, sup);
	if (sub >= 0)
		return node_with(p, limits ? K_MUNDER : K_MSUB, base, sub, -1);
	if (sup >= 0)
		return node_with(p, limits ? K_MOVER : K_MSUP, base, sup, -1);
	return base;
}

/* Atoms up to `stop` ('}', ']', 'R' for \right, 0 for the end), into an mrow. */
static int parse_row(mparser *p, char stop)
{
	int row = new_node(p, K_MROW, NULL, 0);
	if (++p->depth > MAX_DEPTH) {
		add_child(p, row, new_node(p, K_MTEXT, p->s + p->pos, p->len - p->pos));
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
		if (c == '}' || at_right(p)) { /* unbalanced: kept as text */
			size_t n = c == '}' ? 1 : 6;
			add_child(p, row, new_node(p, c == '}' ? K_MO : K_MTEXT, p->s + p->pos, n));
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

static void write_node(mparser *p, mwriter *w, int i)
{
	const mnode *m = &p->nodes[i];
	start(w, element[m->kind]);
	if (m->variant)
		xmlw_attr(w->x, "mathvariant", m->variant);
	if (m->attr)
		xmlw_attr(w->x, m->attr, m->attr_val);
	if (m->text)
		xmlw_text(w->x, m->text, m->len);
	for (int c = m->first; c >= 0; c = p->nodes[c].next)
		write_node(p, w, c);
	if (m->kind == K_MSPACE)
		xmlw_end_empty(w->x);
	else
		xmlw_end(w->x);
}

int galley_mathml_write(xmlw *x, const char *prefix, const galley_node *n, const galley_options *opts)
{
	size_t len = 0;
	const char *tex = galley_node_literal(n, &len);
	const char *info = galley_node_info(n);
	mparser p = {.s = tex, .len = len, .math = n, .opts = opts};
	mwriter w = {x, prefix};
	int root = parse_row(&p, 0);
	if (p.nomem || root < 0) {
		free(p.nodes);
		return GALLEY_ENOMEM;
	}
	start(&w, "math");
	xmlw_attr(x, prefix ? "xmlns:mml" : "xmlns", GALLEY_MATHML_NS);
	xmlw_attr(x, "display", info && !strcmp(info, "display") ? "block" : "inline");
	xmlw_attr_len(x, "alttext", tex, len);
	write_node(&p, &w, root);
	xmlw_end(x);
	free(p.nodes);
	return 0;
}
