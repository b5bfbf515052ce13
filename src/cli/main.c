/*
 * galley - the command-line converter.
 *
 * Every option is checked before any input is read: a bad value, an
 * unknown option or an output that cannot be written stops the run at
 * once, and an option that does not apply to the formats at hand is named
 * in a warning.
 *
 * Exit codes: 0 success, 1 bad or unreadable input, 2 usage error,
 * 3 output could not be written, 4 internal error (out of memory, a library
 * failure).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch.h"
#include "galley/sys/format.h"

enum { EXIT_INPUT = 1, EXIT_USAGE = 2, EXIT_OUTPUT = 3, EXIT_INTERNAL = 4 };

/* What parse_args and the option handlers return to go on. */
#define GO_ON (-1)

typedef struct cli {
	const char *input;
	char **inputs; /* several: one book, or a batch */
	size_t ninputs;
	const char *metadata_file;
	bool from_given;
	batch_config batch;
	const char *output;
	const char *from;
	const char *to;
	int quiet;
	galley_options opts;
	galley_param *params;
	const char **param_spelling; /* how each parameter was asked for ("--paper", "-V papersize") */
	size_t nparams;
	galley_param *meta;
	size_t nmeta;
	const galley_param_spec **specs; /* every format's parameters, without repeats */
	size_t nspecs;
	const struct cli_option **used; /* the options given, for the warnings that they do not apply */
	size_t nused;
	unsigned warnings;
	bool fail_if_warnings;
} cli;

static const char *prog = "galley";

/* ---- messages ------------------------------------------------------ */

static int exit_code_for(int status)
{
	switch (status) {
	case GALLEY_OK:
		return 0;
	case GALLEY_EINPUT:
		return EXIT_INPUT;
	case GALLEY_EUSAGE:
	case GALLEY_EUNSUPPORTED:
		return EXIT_USAGE;
	case GALLEY_EOUTPUT:
		return EXIT_OUTPUT;
	default:
		return EXIT_INTERNAL;
	}
}

static void print_location(FILE *f, const char *file, unsigned line, unsigned col)
{
	if (file)
		fprintf(f, "%s:", file);
	if (file && line)
		fprintf(f, "%u:", line);
	if (file && line && col)
		fprintf(f, "%u:", col);
	if (!file)
		fprintf(f, "%s:", prog);
	fputc(' ', f);
}

static void on_diag(const galley_diag *d, void *data)
{
	cli *c = data;
	if (d->severity == GALLEY_WARNING)
		c->warnings++; /* counted under -q too, for --fail-if-warnings */
	if (c->quiet && d->severity != GALLEY_ERROR)
		return;
	print_location(stderr, d->file, d->line, d->column);
	fprintf(stderr, "%s: %s\n",
	        d->severity == GALLEY_ERROR     ? "error"
	        : d->severity == GALLEY_WARNING ? "warning"
	                                        : "note",
	        d->message);
}

static int report_error(const galley_error *err, int status)
{
	print_location(stderr, err->file, err->line, err->column);
	fprintf(stderr, "error: %s\n", err->message[0] ? err->message : galley_strerror(status));
	return exit_code_for(status);
}

static int usage_error(const char *fmt, ...)
#ifdef __GNUC__
    __attribute__((format(printf, 1, 2)))
#endif
    ;

static int usage_error(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: error: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help' for more information.\n", prog);
	return EXIT_USAGE;
}

static void warn(cli *c, const char *fmt, const char *a, const char *b, const char *d)
{
	if (c->quiet)
		return;
	fprintf(stderr, "%s: warning: ", prog);
	fprintf(stderr, fmt, a, b, d);
	fputc('\n', stderr);
	c->warnings++;
}

/* ---- the options ----------------------------------------------------- */

typedef int (*option_fn)(cli *c, char *arg);

/*
 * One row an option: its long name, its short letter (0: none), the name
 * of its argument (NULL: a flag), what it does, and the formats it is for:
 * `readers` and `writers` list format names, NULL meaning any. An option
 * given for formats it is not for draws a warning. A format's own
 * parameters (galley_format_params) are options too, without a row here:
 * they apply to the formats that list them.
 */
typedef struct cli_option {
	const char *name;
	int letter;
	const char *arg;
	option_fn apply;
	const char *readers;
	const char *writers;
	const char *help;
} cli_option;

static int set_from(cli *c, char *arg) { return c->from = arg, c->from_given = true, GO_ON; }
static int set_to(cli *c, char *arg) { return c->to = arg, GO_ON; }
static int set_output(cli *c, char *arg) { return c->output = arg, GO_ON; }
static int set_quiet(cli *c, char *arg) { return c->quiet = 1, GO_ON; }
static int set_verbose(cli *c, char *arg) { return c->opts.flags |= GALLEY_OPT_VERBOSE, GO_ON; }
static int set_fragment(cli *c, char *arg) { return c->opts.flags |= GALLEY_OPT_FRAGMENT, GO_ON; }
static int set_no_smart(cli *c, char *arg) { return c->opts.flags |= GALLEY_OPT_NO_SMART, GO_ON; }
static int set_no_title(cli *c, char *arg)
{
	return c->opts.flags |= GALLEY_OPT_NO_TITLE_FROM_HEADING, GO_ON;
}
static int set_resource_path(cli *c, char *arg) { return c->opts.resource_path = arg, GO_ON; }
static int set_fail_if_warnings(cli *c, char *arg) { return c->fail_if_warnings = true, GO_ON; }
static int set_metadata_file(cli *c, char *arg);
static int add_metadata(cli *c, char *arg);
static int set_metadata_file(cli *c, char *arg) { return c->metadata_file = arg, GO_ON; }
static int set_batch(cli *c, char *arg) { return batch_option(&c->batch, "batch", arg); }
static int set_output_dir(cli *c, char *arg) { return batch_option(&c->batch, "output-dir", arg); }
static int set_jobs(cli *c, char *arg) { return batch_option(&c->batch, "jobs", arg); }
static int set_shard(cli *c, char *arg) { return batch_option(&c->batch, "shard", arg); }
static int add_variable(cli *c, char *arg);
static int show_help(cli *c, char *arg);
static int show_version(cli *c, char *arg);
static int show_formats(cli *c, char *arg);

static const cli_option options[] = {
    {"from", 'f', "FORMAT", set_from, NULL, NULL,
     "input format (default: from INPUT's extension; markdown for stdin)"},
    {"to", 't', "FORMAT", set_to, NULL, NULL,
     "output format (default: from OUTPUT's extension; html for stdout)"},
    {"output", 'o', "FILE", set_output, NULL, NULL,
     "write to FILE (written whole, then renamed into place);\nwithout it, or with -, to standard output"},
    {"metadata", 'M', "KEY=VALUE", add_metadata, NULL, NULL,
     "set a metadata field (title, author, date, lang, ...)"},
    {"variable", 'V', "KEY=VALUE", add_variable, NULL, NULL,
     "pandoc's variables galley has: papersize, geometry:margin,\nfontsize, mainfont (PDF); lang (metadata)"},
    {"fragment", 0, NULL, set_fragment, NULL, "html docbook", "HTML, DocBook: the body content only"},
    {"no-smart", 0, NULL, set_no_smart, "markdown text", NULL,
     "Markdown, text: keep straight quotes, -- and ..."},
    {"no-title-from-heading", 0, NULL, set_no_title, "markdown", NULL,
     "Markdown: a first h1 does not give the title"},
    {"resource-path", 0, "DIRS", set_resource_path, NULL, "pdf epub html",
     "folders images may also be read from, colon-separated (a:b)"},
    {"fail-if-warnings", 0, NULL, set_fail_if_warnings, NULL, NULL,
     "a warning is an error: exit 1, nothing written"},
    {"metadata-file", 0, "FILE", set_metadata_file, NULL, NULL,
     "YAML metadata; the input's front matter and -M win over it"},
    {"batch", 0, "MANIFEST", set_batch, NULL, NULL,
     "convert each line's INPUT<tab>OUTPUT (- reads standard input)"},
    {"output-dir", 0, "DIR", set_output_dir, NULL, NULL, "convert each INPUT on its own into DIR/NAME.EXT"},
    {"jobs", 'j', "N", set_jobs, NULL, NULL, "batch: N documents at a time (default: one per processor)"},
    {"shard", 0, "K/N", set_shard, NULL, NULL, "batch: only the K-th of N slices of the documents"},
    {"list-formats", 0, NULL, show_formats, NULL, NULL, "list the formats and what they can do"},
    {"quiet", 'q', NULL, set_quiet, NULL, NULL, "no warnings"},
    {"verbose", 'v', NULL, set_verbose, NULL, NULL, "explain the reader's decisions"},
    {"help", 'h', NULL, show_help, NULL, NULL, "this help"},
    {"version", 0, NULL, show_version, NULL, NULL, "the version"},
};
#define NOPTIONS (sizeof(options) / sizeof(options[0]))

/* Short letters for format parameters, as pandoc spells them. */
static const struct {
	int letter;
	const char *param;
} param_letters[] = {{'N', "number-sections"}};
#define NLETTERS (sizeof(param_letters) / sizeof(param_letters[0]))

/* getopt's value for a format parameter: this plus its index in c->specs. */
#define OPT_PARAM 1000
/* getopt's value for an option's row without a letter: this plus its index. */
#define OPT_ROW 500

static int add_pair(galley_param **list, size_t *n, const char *name, const char *value)
{
	galley_param *p = realloc(*list, (*n + 1) * sizeof(**list));
	if (!p)
		return -1;
	p[*n].name = name;
	p[*n].value = value;
	*list = p;
	(*n)++;
	return 0;
}

static int add_param(cli *c, const char *name, const char *value, const char *spelling)
{
	const char **s = realloc(c->param_spelling, (c->nparams + 1) * sizeof(*s));
	if (!s)
		return EXIT_INTERNAL;
	c->param_spelling = s;
	s[c->nparams] = spelling;
	return add_pair(&c->params, &c->nparams, name, value) ? EXIT_INTERNAL : GO_ON;
}

/* -M key=value; the string is split in place. */
static int add_metadata(cli *c, char *arg)
{
	char *eq = strchr(arg, '=');
	if (eq == arg || !*arg)
		return usage_error("-M needs KEY=VALUE, not '%s'", arg);
	if (eq)
		*eq = '\0';
	return add_pair(&c->meta, &c->nmeta, arg, eq ? eq + 1 : "true") ? EXIT_INTERNAL : GO_ON;
}

/*
 * pandoc's -V sets variables of its LaTeX template; the few that galley
 * has an equivalent for become that, and the others are refused rather
 * than dropped: a user would otherwise wonder why the page did not change.
 */
static int add_variable(cli *c, char *arg)
{
	static const struct {
		const char *variable, *param, *spelling;
	} known[] = {{"papersize", "paper", "-V papersize"},
	             {"geometry:margin", "margin", "-V geometry:margin"},
	             {"geometry", "margin", "-V geometry"},
	             {"fontsize", "font-size", "-V fontsize"},
	             {"mainfont", "font", "-V mainfont"}};
	char *eq = strchr(arg, '=');
	if (!eq || eq == arg)
		return usage_error("-V needs KEY=VALUE, not '%s'", arg);
	*eq = '\0';
	char *value = eq + 1;
	if (strcmp(arg, "lang") == 0)
		return add_pair(&c->meta, &c->nmeta, "lang", value) ? EXIT_INTERNAL : GO_ON;
	if (strcmp(arg, "geometry") == 0 && strncmp(value, "margin=", 7) == 0)
		value += 7; /* -V geometry=margin=2cm, as LaTeX's geometry package takes it */
	else if (strcmp(arg, "geometry") == 0)
		return usage_error("-V geometry: galley takes only margin=LENGTH, not '%s' (see --margin)",
		                   value);
	if (strcmp(arg, "papersize") == 0 && strlen(value) > 5 &&
	    strcmp(value + strlen(value) - 5, "paper") == 0)
		value[strlen(value) - 5] = '\0'; /* LaTeX's a4paper, letterpaper */
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(arg, known[i].variable) == 0)
			return add_param(c, known[i].param, value, known[i].spelling);
	return usage_error(
	    "-V %s: galley has no such setting; -V takes papersize, geometry:margin, fontsize, "
	    "mainfont and lang (metadata is set with -M KEY=VALUE)",
	    arg);
}

/* ---- help ------------------------------------------------------------ */

/* One option in --help: the left column, then its text (continued lines indented). */
static void print_row(int letter, const char *name, const char *arg, const char *help)
{
	char left[64];
	snprintf(left, sizeof(left), "%s%c%s--%s%s%s", letter ? "-" : "", letter ? letter : ' ',
	         letter ? ", " : "   ", name, arg ? " " : "", arg ? arg : "");
	if (strlen(left) > 28)
		printf("  %s\n  %-28s ", left, "");
	else
		printf("  %-28s ", left);
	for (const char *p = help ? help : ""; *p; p++) {
		putchar(*p);
		if (*p == '\n')
			printf("  %-28s ", "");
	}
	putchar('\n');
}

static int show_help(cli *c, char *arg)
{
	printf("Usage: %s [OPTIONS] INPUT... [-o OUTPUT]\n"
	       "       %s [OPTIONS] -t FORMAT --output-dir DIR INPUT...\n"
	       "       %s [OPTIONS] --batch MANIFEST\n"
	       "Converts Markdown or plain text into PDF, EPUB 3, DocBook 5, HTML or JSON.\n"
	       "Several inputs make one document (a book, one file per chapter), unless --output-dir\n"
	       "or --batch converts each on its own.\n\n",
	       prog, prog, prog);
	for (size_t i = 0; i < NOPTIONS; i++)
		print_row(options[i].letter, options[i].name, options[i].arg, options[i].help);
	if (c->nspecs)
		printf("\nFormat options:\n");
	for (size_t i = 0; i < c->nspecs; i++) {
		int letter = 0;
		for (size_t k = 0; k < NLETTERS; k++)
			if (strcmp(param_letters[k].param, c->specs[i]->name) == 0)
				letter = param_letters[k].letter;
		print_row(letter, c->specs[i]->name, c->specs[i]->arg, c->specs[i]->help);
	}
	printf(
	    "\nExit status: 0 success, 1 bad input, 2 usage error, 3 output not written, 4 internal error.\n");
	return 0;
}

static int show_version(cli *c, char *arg)
{
	printf("galley %s\n", galley_version());
	return 0;
}

static int show_formats(cli *c, char *arg)
{
	printf("%-12s %-5s %-5s %s\n", "FORMAT", "READ", "WRITE", "DESCRIPTION");
	for (size_t i = 0; i < galley_format_count(); i++) {
		const galley_format *f = galley_format_at(i);
		printf("%-12s %-5s %-5s %s\n", galley_format_name(f), galley_format_can_read(f) ? "yes" : "-",
		       galley_format_can_write(f) ? "yes" : "-", galley_format_description(f));
	}
	return 0;
}

/* ---- reading the command line ----------------------------------------- */

static int collect_specs(cli *c)
{
	size_t cap = 0;
	for (size_t i = 0; i < galley_format_count(); i++)
		for (const galley_param_spec *s = galley_format_params(galley_format_at(i)); s->name; s++)
			cap++;
	c->specs = calloc(cap + 1, sizeof(*c->specs));
	if (!c->specs)
		return -1;
	for (size_t i = 0; i < galley_format_count(); i++) {
		for (const galley_param_spec *s = galley_format_params(galley_format_at(i)); s->name; s++) {
			bool seen = false;
			for (size_t k = 0; k < c->nspecs; k++)
				seen = seen || strcmp(c->specs[k]->name, s->name) == 0;
			if (!seen)
				c->specs[c->nspecs++] = s;
		}
	}
	return 0;
}

static struct option *build_longopts(const cli *c)
{
	struct option *o = calloc(NOPTIONS + c->nspecs + 1, sizeof(*o));
	if (!o)
		return NULL;
	for (size_t i = 0; i < NOPTIONS; i++) {
		o[i].name = options[i].name;
		o[i].has_arg = options[i].arg ? required_argument : no_argument;
		o[i].val = options[i].letter ? options[i].letter : OPT_ROW + (int)i;
	}
	for (size_t i = 0; i < c->nspecs; i++) {
		o[NOPTIONS + i].name = c->specs[i]->name;
		o[NOPTIONS + i].has_arg = c->specs[i]->arg ? required_argument : no_argument;
		o[NOPTIONS + i].val = OPT_PARAM + (int)i;
	}
	return o;
}

/* ":f:t:..." from the rows' letters and the parameters' letters. */
static void build_shortopts(char *out, size_t size)
{
	size_t n = 0;
	out[n++] = ':';
	for (size_t i = 0; i < NOPTIONS && n + 3 < size; i++) {
		if (!options[i].letter)
			continue;
		out[n++] = (char)options[i].letter;
		if (options[i].arg)
			out[n++] = ':';
	}
	for (size_t i = 0; i < NLETTERS && n + 2 < size; i++)
		out[n++] = (char)param_letters[i].letter;
	out[n] = '\0';
}

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[64];
	if (la >= 63 || lb >= 63)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

/* The long option nearest to `word` (a typo of it, or what it starts), or NULL. */
static const char *nearest_option(const cli *c, const char *word)
{
	const char *best = NULL;
	size_t best_d = strlen(word) < 5 ? 1 : 2;
	best_d++;
	for (size_t i = 0; i < NOPTIONS + c->nspecs; i++) {
		const char *name = i < NOPTIONS ? options[i].name : c->specs[i - NOPTIONS]->name;
		size_t d = edit_distance(word, name);
		if (strlen(word) >= 3 && strncmp(name, word, strlen(word)) == 0)
			d = 1;
		if (d < best_d) {
			best = name;
			best_d = d;
		}
	}
	return best;
}

/* A token of argv that is a long option written with one dash ("-paper"), or NULL. */
static const char *one_dash_long(const cli *c, int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		const char *t = argv[i];
		if (t[0] != '-' || t[1] == '-' || strlen(t) < 4)
			continue;
		size_t n = strcspn(t + 1, "=");
		for (size_t k = 0; k < NOPTIONS + c->nspecs; k++) {
			const char *name = k < NOPTIONS ? options[k].name : c->specs[k - NOPTIONS]->name;
			if (strlen(name) == n && strncmp(name, t + 1, n) == 0)
				return t;
		}
	}
	return NULL;
}

static int unknown_option(const cli *c, int argc, char **argv, int letter)
{
	char word[64];
	const char *token = argv[optind - 1];
	if (letter) {
		const char *t = one_dash_long(c, argc, argv);
		if (t)
			return usage_error("unknown option '%s'; did you mean '-%s'?", t, t);
		return usage_error("unknown option '-%c'", letter);
	}
	snprintf(word, sizeof(word), "%s", token + strspn(token, "-"));
	word[strcspn(word, "=")] = '\0';
	const char *near = nearest_option(c, word);
	if (near)
		return usage_error("unknown option '%s'; did you mean '--%s'?", token, near);
	return usage_error("unknown option '%s'", token);
}

static void remember(cli *c, const cli_option *row)
{
	const cli_option **u = realloc(c->used, (c->nused + 1) * sizeof(*u));
	if (!u)
		return; /* only a warning is lost */
	c->used = u;
	u[c->nused++] = row;
}

static int apply_row(cli *c, const cli_option *row)
{
	remember(c, row);
	return row->apply(c, optarg);
}

static int apply_letter(cli *c, int letter)
{
	for (size_t i = 0; i < NOPTIONS; i++)
		if (options[i].letter == letter)
			return apply_row(c, &options[i]);
	for (size_t i = 0; i < NLETTERS; i++)
		for (size_t k = 0; param_letters[i].letter == letter && k < c->nspecs; k++)
			if (strcmp(c->specs[k]->name, param_letters[i].param) == 0)
				return add_param(c, c->specs[k]->name, "true", c->specs[k]->name);
	return EXIT_INTERNAL;
}

static int apply_param(cli *c, size_t i)
{
	const galley_param_spec *s = c->specs[i];
	return add_param(c, s->name, s->arg ? optarg : "true", s->name);
}

/* One input, several (a book), or a batch's. */
static int take_operands(cli *c, int argc, char **argv)
{
	c->inputs = argv + optind;
	c->ninputs = (size_t)(argc - optind);
	c->input = c->ninputs ? c->inputs[0] : NULL;
	if (batch_requested(&c->batch)) {
		if (c->output)
			return usage_error(
			    "%s", "-o names one output: a batch names its outputs in the manifest or "
			          "with --output-dir");
		if (!c->batch.manifest && !c->ninputs)
			return usage_error("%s", "no input file given");
		return GO_ON;
	}
	if (c->batch.jobs || c->batch.shards)
		return usage_error("%s", "-j and --shard apply to a batch (--batch or --output-dir)");
	if (!c->input)
		return usage_error("%s", "no input file given (use - for standard input)");
	for (size_t i = 0; c->ninputs > 1 && i < c->ninputs; i++)
		if (strcmp(c->inputs[i], "-") == 0)
			return usage_error("%s", "standard input (-) cannot be one of several inputs");
	return GO_ON;
}

/* Returns GO_ON, or an exit code. */
static int parse_args(cli *c, int argc, char **argv)
{
	struct option *longopts = build_longopts(c);
	char shortopts[64];
	int opt, rc = GO_ON;
	if (!longopts)
		return EXIT_INTERNAL;
	build_shortopts(shortopts, sizeof(shortopts));
	opterr = 0;
	while (rc == GO_ON && (opt = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (opt == ':')
			rc = usage_error("option '%s' needs an argument", argv[optind - 1]);
		else if (opt == '?')
			rc = unknown_option(c, argc, argv, optopt);
		else if (opt >= OPT_PARAM)
			rc = apply_param(c, (size_t)(opt - OPT_PARAM));
		else if (opt >= OPT_ROW)
			rc = apply_row(c, &options[opt - OPT_ROW]);
		else
			rc = apply_letter(c, opt);
	}
	free(longopts);
	return rc == GO_ON ? take_operands(c, argc, argv) : rc;
}

/* ---- checking it all before the input is read --------------------------- */

static bool is_stdio(const char *path) { return !path || strcmp(path, "-") == 0; }

/* The names of the formats that read (or write), as "a, b and c". */
static void format_names(char *out, size_t size, bool writing)
{
	size_t n = 0, count = 0, total = 0;
	for (size_t i = 0; i < galley_format_count(); i++) {
		const galley_format *f = galley_format_at(i);
		total += writing ? galley_format_can_write(f) : galley_format_can_read(f);
	}
	out[0] = '\0';
	for (size_t i = 0; i < galley_format_count() && n < size; i++) {
		const galley_format *f = galley_format_at(i);
		if (!(writing ? galley_format_can_write(f) : galley_format_can_read(f)))
			continue;
		count++;
		n += (size_t)snprintf(out + n, size - n, "%s%s",
		                      count == 1       ? ""
		                      : count == total ? " and "
		                                       : ", ",
		                      galley_format_name(f));
	}
}

static int output_error(const char *fmt, const char *a, const char *b);

static int unknown_path_format(const char *path, bool writing)
{
	char names[256];
	struct stat st;
	if (writing && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return output_error("cannot write '%s': it is a directory; name a file in it (-o %s/NAME)",
		                    path, path);
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	const char *dot = strrchr(base, '.');
	format_names(names, sizeof(names), writing);
	if (!dot || !dot[1])
		return usage_error("cannot tell the %s format of '%s' from its name; name it with %s (%s)",
		                   writing ? "output" : "input", path, writing ? "-t" : "-f", names);
	return usage_error("galley does not %s %s files; it %s %s (see --list-formats)",
	                   writing ? "write" : "read", dot, writing ? "writes" : "reads", names);
}

static int resolve_formats(cli *c)
{
	char names[256];
	if (!c->from) {
		const galley_format *f = is_stdio(c->input) ? galley_format_find("markdown")
		                                            : galley_format_for_path(c->input, false);
		if (!f)
			return unknown_path_format(c->input, false);
		c->from = galley_format_name(f);
	}
	if (!c->to) {
		const galley_format *f = is_stdio(c->output) ? galley_format_find("html")
		                                             : galley_format_for_path(c->output, true);
		if (!f)
			return unknown_path_format(c->output, true);
		c->to = galley_format_name(f);
	}
	const galley_format *in = galley_format_find(c->from), *out = galley_format_find(c->to);
	if (!in || !galley_format_can_read(in)) {
		format_names(names, sizeof(names), false);
		return usage_error("'%s' is not a format galley can read; it reads %s", c->from, names);
	}
	if (!out || !galley_format_can_write(out)) {
		format_names(names, sizeof(names), true);
		return usage_error("'%s' is not a format galley can write; it writes %s", c->to, names);
	}
	c->from = galley_format_name(in);
	c->to = galley_format_name(out);
	return GO_ON;
}

/* True when `name` is one of the space-separated words of `list`. */
static bool listed(const char *list, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = list; (p = strstr(p, name)) != NULL; p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
	return false;
}

static void warn_rows(cli *c)
{
	for (size_t i = 0; i < c->nused; i++) {
		const cli_option *o = c->used[i];
		bool seen = false;
		for (size_t k = 0; k < i; k++)
			seen = seen || c->used[k] == o;
		if (seen)
			continue;
		if (o->readers && !listed(o->readers, c->from))
			warn(c, "--%s does not apply to %s input (it is for %s); ignored", o->name, c->from,
			     o->readers);
		else if (o->writers && !listed(o->writers, c->to))
			warn(c, "--%s does not apply to %s output (it is for %s); ignored", o->name, c->to,
			     o->writers);
	}
}

static void warn_params(cli *c, const galley_format *in, const galley_format *out)
{
	for (size_t i = 0; i < c->nparams; i++) {
		const char *name = c->params[i].name;
		bool seen = false, for_readers = true;
		char who[256] = "";
		size_t n = 0;
		for (size_t k = 0; k < i; k++)
			seen = seen || strcmp(c->params[k].name, name) == 0;
		if (seen || galley_format_takes(in, name) || galley_format_takes(out, name))
			continue;
		for (size_t k = 0; k < galley_format_count() && n < sizeof(who); k++) {
			const galley_format *f = galley_format_at(k);
			if (!galley_format_takes(f, name))
				continue;
			for_readers = for_readers && !galley_format_can_write(f);
			n += (size_t)snprintf(who + n, sizeof(who) - n, "%s%s", n ? " " : "",
			                      galley_format_name(f));
		}
		char what[64];
		snprintf(what, sizeof(what), "%s %s", for_readers ? c->from : c->to,
		         for_readers ? "input" : "output");
		warn(c,
		     strncmp(c->param_spelling[i], "-V", 2)
		         ? "--%s does not apply to %s (it is for %s); ignored"
		         : "%s does not apply to %s (it is for %s); ignored",
		     c->param_spelling[i], what, who);
	}
}

static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	if (is_stdio(a) || is_stdio(b))
		return false;
	if (stat(a, &sa) != 0 || stat(b, &sb) != 0)
		return false;
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static int output_error(const char *fmt, const char *a, const char *b)
{
	fprintf(stderr, "%s: error: ", prog);
	fprintf(stderr, fmt, a, b);
	fputc('\n', stderr);
	return EXIT_OUTPUT;
}

/* An output galley can write, and that is not the input. */
static int check_output(const cli *c)
{
	struct stat st;
	if (is_stdio(c->output)) {
		if (galley_format_is_binary(galley_format_find(c->to)) && isatty(STDOUT_FILENO))
			return usage_error(
			    "%s output is binary; it is not written to a terminal (use -o FILE)", c->to);
		return GO_ON;
	}
	if (stat(c->output, &st) == 0 && S_ISDIR(st.st_mode))
		return output_error("cannot write '%s': it is a directory; name a file in it (-o %s/NAME)",
		                    c->output, c->output);
	for (size_t i = 0; i < c->ninputs; i++)
		if (same_file(c->inputs[i], c->output))
			return usage_error(
			    c->ninputs > 1
			        ? "the output '%s' is one of the inputs; galley never writes over "
			          "its input"
			        : "the output '%s' is the input; galley never writes over its input",
			    c->output);
	const char *slash = strrchr(c->output, '/');
	if (slash && slash != c->output) {
		char dir[4096];
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - c->output), c->output);
		if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
			return output_error("cannot write '%s': No such file or directory (no folder '%s')",
			                    c->output, dir);
	}
	return GO_ON;
}

/* Everything that can be known wrong before the input is read. */
static int check_all(cli *c)
{
	galley_error err;
	int rc = resolve_formats(c);
	if (rc != GO_ON)
		return rc;
	c->opts.params = c->params;
	c->opts.param_count = c->nparams;
	c->opts.metadata = c->meta;
	c->opts.metadata_count = c->nmeta;
	rc = galley_options_check(&c->opts, c->from, c->to, &err);
	if (rc == GALLEY_EUSAGE)
		return usage_error("%s", err.message);
	if (rc)
		return report_error(&err, rc); /* a file an option names cannot be read */
	warn_rows(c);
	warn_params(c, galley_format_find(c->from), galley_format_find(c->to));
	return check_output(c);
}

/* ---- converting ---------------------------------------------------------- */

static int read_stdin(char **data, size_t *len)
{
	galley_buf b = GALLEY_BUF_INIT;
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
		if (galley_buf_put(&b, chunk, n) != 0)
			break;
	if (ferror(stdin) || b.failed) {
		galley_buf_free(&b);
		return -1;
	}
	galley_buf_put(&b, "", 0);
	*data = (char *)galley_buf_detach(&b, len);
	return 0;
}

static int load(cli *c, galley_doc **doc)
{
	galley_error err;
	int rc;
	if (is_stdio(c->input)) {
		char *data = NULL;
		size_t len = 0;
		if (read_stdin(&data, &len) != 0) {
			fprintf(stderr, "%s: error: cannot read standard input: %s\n", prog, strerror(errno));
			return EXIT_INPUT;
		}
		rc = galley_read(c->from, data, len, &c->opts, doc, &err);
		free(data);
	} else if (c->ninputs > 1) {
		/* each file's format from its own name unless -f names one */
		rc = galley_read_files(c->from_given ? c->from : NULL, (const char *const *)c->inputs,
		                       c->ninputs, &c->opts, doc, &err);
	} else {
		rc = galley_read_file(c->from, c->input, &c->opts, doc, &err);
	}
	if (rc == 0 && c->metadata_file)
		rc = galley_doc_read_metadata_file(*doc, c->metadata_file, &c->opts, &err);
	return rc ? report_error(&err, rc) : 0;
}

static int spool_put(void *ctx, const void *data, size_t len)
{
	return fwrite(data, 1, len, ctx) == len ? 0 : -1;
}

static int copy_out(FILE *from)
{
	char chunk[65536];
	size_t n;
	if (fseek(from, 0, SEEK_SET) != 0)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), from)) > 0)
		if (fwrite(chunk, 1, n, stdout) != n)
			return -1;
	return ferror(from) || fflush(stdout) != 0 ? -1 : 0;
}

/*
 * Standard output gets nothing unless the conversion succeeds: the output
 * goes to an unnamed temporary file as it is made (in memory when no such
 * file can be made), the model is freed, and the file is copied out.
 */
static int write_stdout(cli *c, galley_doc **doc)
{
	galley_error err;
	unsigned char *data = NULL;
	size_t len = 0;
	FILE *spool = tmpfile();
	int rc = spool ? galley_write_stream(*doc, c->to, &c->opts, spool_put, spool, &err)
	               : galley_write(*doc, c->to, &c->opts, &data, &len, &err);
	if (rc == 0 && spool && fflush(spool) != 0)
		rc = galley_error_set(&err, GALLEY_EOUTPUT, NULL, 0, 0, "cannot write a temporary file: %s",
		                      strerror(errno));
	if (rc == GALLEY_EOUTPUT && spool && !err.message[0])
		galley_error_set(&err, GALLEY_EOUTPUT, NULL, 0, 0, "cannot write a temporary file");
	if (rc)
		rc =
		    report_error(&err, rc); /* before the model goes: the message may name one of its files */
	galley_doc_free(*doc);
	*doc = NULL;
	if (rc == 0 &&
	    (spool ? copy_out(spool) != 0 : fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0))
		rc = output_error("cannot write %s: %s", "standard output", strerror(errno));
	if (spool)
		fclose(spool);
	galley_free(data);
	return rc;
}

/* --fail-if-warnings: the output is made in memory and saved only when no warning came. */
static int write_unless_warned(cli *c, const galley_doc *doc)
{
	galley_error err;
	unsigned char *out = NULL;
	size_t len = 0;
	int rc = galley_write(doc, c->to, &c->opts, &out, &len, &err);
	if (rc) {
		rc = report_error(&err, rc);
	} else if (c->warnings) {
		fprintf(stderr, "%s: error: %u warning%s and --fail-if-warnings: nothing written\n", prog,
		        c->warnings, c->warnings == 1 ? "" : "s");
		rc = EXIT_INPUT;
	} else if (is_stdio(c->output)) {
		if (fwrite(out, 1, len, stdout) != len || fflush(stdout) != 0) {
			fprintf(stderr, "%s: error: cannot write standard output: %s\n", prog,
			        strerror(errno));
			rc = EXIT_OUTPUT;
		}
	} else if ((rc = galley_save_file(c->output, out, len, &err)) != 0) {
		rc = report_error(&err, rc);
	}
	galley_free(out);
	return rc;
}

static int run_batch(cli *c)
{
	c->opts.params = c->params;
	c->opts.param_count = c->nparams;
	c->opts.metadata = c->meta;
	c->opts.metadata_count = c->nmeta;
	batch_inputs in = {c->from, c->to, c->inputs, c->ninputs, &c->opts, c->metadata_file, c->quiet != 0};
	return batch_run(&c->batch, &in);
}

static int run(cli *c)
{
	galley_doc *doc = NULL;
	galley_error err;
	if (batch_requested(&c->batch))
		return run_batch(c);
	int rc = check_all(c);
	if (rc != GO_ON)
		return rc;
	c->opts.source_name = is_stdio(c->input) ? "<stdin>" : c->input;
	c->opts.diag = on_diag;
	c->opts.diag_data = c;
	rc = load(c, &doc);
	if (rc)
		return rc;
	if (c->fail_if_warnings) {
		rc = write_unless_warned(c, doc);
	} else if (is_stdio(c->output)) {
		rc = write_stdout(c, &doc);
	} else {
		rc = galley_write_file(doc, c->to, c->output, &c->opts, &err);
		rc = rc ? report_error(&err, rc) : 0;
	}
	galley_doc_free(doc);
	return rc;
}

int main(int argc, char **argv)
{
	cli c;
	memset(&c, 0, sizeof(c));
	galley_options init = GALLEY_OPTIONS_INIT;
	c.opts = init;
	int rc = collect_specs(&c) != 0 ? EXIT_INTERNAL : parse_args(&c, argc, argv);
	if (rc == GO_ON)
		rc = run(&c);
	free(c.specs);
	free(c.params);
	free(c.param_spelling);
	free(c.meta);
	free(c.used);
	return rc;
}
