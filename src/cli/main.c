/*
 * galley - the command-line converter.
 *
 * Exit codes: 0 success, 1 bad or unreadable input, 2 usage error,
 * 3 output could not be written, 4 internal error (out of memory, a library
 * failure).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch.h"
#include "galley/sys/format.h"

enum { EXIT_INPUT = 1, EXIT_USAGE = 2, EXIT_OUTPUT = 3, EXIT_INTERNAL = 4 };

enum {
	OPT_LIST_FORMATS = 1000,
	OPT_FRAGMENT,
	OPT_NO_SMART,
	OPT_NO_TITLE,
	OPT_RESOURCE_PATH,
	OPT_METADATA_FILE,
	OPT_BATCH, /* the batch options, handed to batch_option() by name */
	OPT_OUTPUT_DIR,
	OPT_SHARD,
	OPT_FORMAT_PARAM /* + index into the parameter table */
};

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
	size_t nparams;
	galley_param *meta;
	size_t nmeta;
	const galley_param_spec **specs; /* every format's parameters, without repeats */
	size_t nspecs;
	unsigned warnings;
} cli;

static const char *prog = "galley";

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
	if (c->quiet && d->severity != GALLEY_ERROR)
		return;
	print_location(stderr, d->file, d->line, d->column);
	fprintf(stderr, "%s: %s\n",
	        d->severity == GALLEY_ERROR ? "error" : d->severity == GALLEY_WARNING ? "warning" : "note", d->message);
	if (d->severity == GALLEY_WARNING)
		c->warnings++;
}

static int report_error(const galley_error *err, int status)
{
	print_location(stderr, err->file, err->line, err->column);
	fprintf(stderr, "error: %s\n", err->message[0] ? err->message : galley_strerror(status));
	return exit_code_for(status);
}

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: error: ", prog);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry '%s --help' for more information.\n", prog);
	return EXIT_USAGE;
}

static void print_help(const cli *c)
{
	printf("Usage: %s [OPTIONS] INPUT... [-o OUTPUT]\n"
	       "       %s [OPTIONS] -t FORMAT --output-dir DIR INPUT...\n"
	       "       %s [OPTIONS] --batch MANIFEST\n"
	       "Converts Markdown or plain text into PDF, EPUB 3, DocBook 5, HTML or JSON.\n"
	       "Several inputs make one document (a book, one file per chapter), unless --output-dir\n"
	       "or --batch converts each on its own.\n\n"
	       "  -f, --from FORMAT        input format (default: from INPUT's extension; markdown for stdin)\n"
	       "  -t, --to FORMAT          output format (default: from OUTPUT's extension; html for stdout)\n"
	       "  -o, --output FILE        write to FILE (written whole, then renamed into place);\n"
	       "                           without it, or with -, to standard output\n"
	       "  -M, --metadata KEY=VALUE set a metadata field (title, author, date, lang, ...)\n"
	       "      --metadata-file FILE YAML metadata; the input's front matter and -M win over it\n"
	       "      --fragment           HTML, DocBook: the body content only\n"
	       "      --no-smart           Markdown: keep straight quotes, -- and ...\n"
	       "      --no-title-from-heading  Markdown: a first h1 does not give the title\n"
	       "      --resource-path DIR  folder images may be read from (default: INPUT's folder)\n"
	       "      --batch MANIFEST     convert each line's INPUT<tab>OUTPUT (- reads standard input)\n"
	       "      --output-dir DIR     convert each INPUT on its own into DIR/NAME.EXT\n"
	       "  -j, --jobs N             batch: N documents at a time (default: one per processor)\n"
	       "      --shard K/N          batch: only the K-th of N slices of the documents\n"
	       "      --list-formats       list the formats and what they can do\n"
	       "  -q, --quiet              no warnings\n"
	       "  -v, --verbose            explain the reader's decisions\n"
	       "  -h, --help               this help\n"
	       "  -V, --version            the version\n",
	       prog, prog, prog);
	if (c->nspecs)
		printf("\nFormat options:\n");
	for (size_t i = 0; i < c->nspecs; i++) {
		char left[64];
		snprintf(left, sizeof(left), "--%s%s%s", c->specs[i]->name, c->specs[i]->arg ? " " : "",
		         c->specs[i]->arg ? c->specs[i]->arg : "");
		printf("      %-24s %s\n", left, c->specs[i]->help ? c->specs[i]->help : "");
	}
	printf("\nExit status: 0 success, 1 bad input, 2 usage error, 3 output not written, 4 internal error.\n");
}

static void list_formats(void)
{
	printf("%-12s %-5s %-5s %s\n", "FORMAT", "READ", "WRITE", "DESCRIPTION");
	for (size_t i = 0; i < galley_format_count(); i++) {
		const galley_format *f = galley_format_at(i);
		printf("%-12s %-5s %-5s %s\n", galley_format_name(f), galley_format_can_read(f) ? "yes" : "-",
		       galley_format_can_write(f) ? "yes" : "-", galley_format_description(f));
	}
}

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

/* -M key=value; the string is split in place. */
static int add_metadata(cli *c, char *arg)
{
	char *eq = strchr(arg, '=');
	if (eq == arg || !*arg)
		return usage_error("-M needs KEY=VALUE, not '%s'", arg);
	if (eq)
		*eq = '\0';
	return add_pair(&c->meta, &c->nmeta, arg, eq ? eq + 1 : "true") ? EXIT_INTERNAL : 0;
}

static struct option *build_options(const cli *c)
{
	static const struct option fixed[] = {
	    {"from", required_argument, NULL, 'f'},
	    {"to", required_argument, NULL, 't'},
	    {"output", required_argument, NULL, 'o'},
	    {"metadata", required_argument, NULL, 'M'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {"list-formats", no_argument, NULL, OPT_LIST_FORMATS},
	    {"fragment", no_argument, NULL, OPT_FRAGMENT},
	    {"no-smart", no_argument, NULL, OPT_NO_SMART},
	    {"no-title-from-heading", no_argument, NULL, OPT_NO_TITLE},
	    {"resource-path", required_argument, NULL, OPT_RESOURCE_PATH},
	    {"metadata-file", required_argument, NULL, OPT_METADATA_FILE},
	    {"batch", required_argument, NULL, OPT_BATCH},
	    {"output-dir", required_argument, NULL, OPT_OUTPUT_DIR},
	    {"shard", required_argument, NULL, OPT_SHARD},
	    {"jobs", required_argument, NULL, 'j'},
	};
	size_t nfixed = sizeof(fixed) / sizeof(fixed[0]);
	struct option *o = calloc(nfixed + c->nspecs + 1, sizeof(*o));
	if (!o)
		return NULL;
	memcpy(o, fixed, sizeof(fixed));
	for (size_t i = 0; i < c->nspecs; i++) {
		o[nfixed + i].name = c->specs[i]->name;
		o[nfixed + i].has_arg = c->specs[i]->arg ? required_argument : no_argument;
		o[nfixed + i].val = OPT_FORMAT_PARAM + (int)i;
	}
	return o;
}

/* One input, several (a book), or a batch: -1 to go on, or an exit code. */
static int check_inputs(const cli *c)
{
	if (batch_requested(&c->batch)) {
		if (c->output)
			return usage_error("%s", "-o names one output: a batch names its outputs in the manifest or "
			                         "with --output-dir");
		if (!c->batch.manifest && !c->ninputs)
			return usage_error("%s", "no input file given");
		return -1;
	}
	if (c->batch.jobs || c->batch.shards)
		return usage_error("%s", "-j and --shard apply to a batch (--batch or --output-dir)");
	if (!c->ninputs)
		return usage_error("%s", "no input file given (use - for standard input)");
	for (size_t i = 0; c->ninputs > 1 && i < c->ninputs; i++)
		if (strcmp(c->inputs[i], "-") == 0)
			return usage_error("%s", "standard input (-) cannot be one of several inputs");
	return -1;
}

/* Returns -1 to go on, or an exit code. */
static int parse_args(cli *c, int argc, char **argv)
{
	struct option *longopts = build_options(c);
	int opt, rc = -1;
	if (!longopts)
		return EXIT_INTERNAL;
	opterr = 0;
	while (rc < 0 && (opt = getopt_long(argc, argv, ":f:t:o:M:j:qvhV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			c->from = optarg;
			c->from_given = true;
			break;
		case 't':
			c->to = optarg;
			break;
		case 'o':
			c->output = optarg;
			break;
		case 'M':
			rc = add_metadata(c, optarg);
			rc = rc ? rc : -1;
			break;
		case 'q':
			c->quiet = 1;
			break;
		case 'v':
			c->opts.flags |= GALLEY_OPT_VERBOSE;
			break;
		case 'h':
			print_help(c);
			rc = 0;
			break;
		case 'V':
			printf("galley %s\n", galley_version());
			rc = 0;
			break;
		case OPT_LIST_FORMATS:
			list_formats();
			rc = 0;
			break;
		case OPT_FRAGMENT:
			c->opts.flags |= GALLEY_OPT_FRAGMENT;
			break;
		case OPT_NO_SMART:
			c->opts.flags |= GALLEY_OPT_NO_SMART;
			break;
		case OPT_NO_TITLE:
			c->opts.flags |= GALLEY_OPT_NO_TITLE_FROM_HEADING;
			break;
		case OPT_RESOURCE_PATH:
			c->opts.resource_path = optarg;
			break;
		case OPT_METADATA_FILE:
			c->metadata_file = optarg;
			break;
		case 'j':
		case OPT_BATCH:
		case OPT_OUTPUT_DIR:
		case OPT_SHARD:
			rc = batch_option(&c->batch, opt == 'j' ? "jobs" : opt == OPT_BATCH ? "batch" : opt == OPT_OUTPUT_DIR ? "output-dir" : "shard", optarg);
			break;
		case ':':
			rc = usage_error("option '%s' needs an argument", argv[optind - 1]);
			break;
		case '?':
			rc = usage_error("unknown option '%s'", argv[optind - 1]);
			break;
		default:
			if (opt >= OPT_FORMAT_PARAM && (size_t)(opt - OPT_FORMAT_PARAM) < c->nspecs) {
				const galley_param_spec *s = c->specs[opt - OPT_FORMAT_PARAM];
				if (add_pair(&c->params, &c->nparams, s->name, s->arg ? optarg : "true"))
					rc = EXIT_INTERNAL;
			}
			break;
		}
	}
	free(longopts);
	if (rc >= 0)
		return rc;
	c->inputs = argv + optind;
	c->ninputs = (size_t)(argc - optind);
	c->input = c->ninputs ? c->inputs[0] : NULL;
	return check_inputs(c);
}

static bool is_stdio(const char *path) { return !path || strcmp(path, "-") == 0; }

static int resolve_formats(cli *c)
{
	if (!c->from) {
		const galley_format *f = is_stdio(c->input) ? galley_format_find("markdown")
		                                            : galley_format_for_path(c->input, false);
		if (!f)
			return usage_error("cannot tell the input format of '%s'; name it with -f", c->input);
		c->from = galley_format_name(f);
	}
	if (!c->to) {
		const galley_format *f =
		    is_stdio(c->output) ? galley_format_find("html") : galley_format_for_path(c->output, true);
		if (!f)
			return usage_error("cannot tell the output format of '%s'; name it with -t", c->output);
		c->to = galley_format_name(f);
	}
	const galley_format *in = galley_format_find(c->from), *out = galley_format_find(c->to);
	if (!in || !galley_format_can_read(in))
		return usage_error("'%s' is not a format galley can read (see --list-formats)", c->from);
	if (!out || !galley_format_can_write(out))
		return usage_error("'%s' is not a format galley can write (see --list-formats)", c->to);
	if (is_stdio(c->output) && galley_format_is_binary(out) && isatty(STDOUT_FILENO))
		return usage_error("%s output is binary; it is not written to a terminal (use -o FILE)", c->to);
	return -1;
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
		const char *from = c->from_given ? c->from : NULL;
		rc = galley_read_files(from, (const char *const *)c->inputs, c->ninputs, &c->opts, doc, &err);
	} else {
		rc = galley_read_file(c->from, c->input, &c->opts, doc, &err);
	}
	if (rc == 0 && c->metadata_file)
		rc = galley_doc_read_metadata_file(*doc, c->metadata_file, &c->opts, &err);
	return rc ? report_error(&err, rc) : 0;
}

static int write_stream(FILE *f, const unsigned char *data, size_t len, const char *name)
{
	if (fwrite(data, 1, len, f) != len || fflush(f) != 0) {
		fprintf(stderr, "%s: error: cannot write %s: %s\n", prog, name, strerror(errno));
		return EXIT_OUTPUT;
	}
	return 0;
}

/* A device or pipe named as output is written directly; a file is replaced atomically. */
static int save(const cli *c, const unsigned char *data, size_t len)
{
	struct stat st;
	galley_error err;
	sigset_t block, old;
	int rc;

	if (is_stdio(c->output))
		return write_stream(stdout, data, len, "standard output");
	if (stat(c->output, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
		FILE *f = fopen(c->output, "wb");
		if (!f) {
			fprintf(stderr, "%s: error: cannot write '%s': %s\n", prog, c->output, strerror(errno));
			return EXIT_OUTPUT;
		}
		rc = write_stream(f, data, len, c->output);
		if (fclose(f) != 0 && rc == 0) {
			fprintf(stderr, "%s: error: cannot write '%s': %s\n", prog, c->output, strerror(errno));
			rc = EXIT_OUTPUT;
		}
		return rc;
	}
	/* an interruption waits until the file is whole and in place, or gone */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &old);
	rc = galley_save_file(c->output, data, len, &err);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return rc ? report_error(&err, rc) : 0;
}

typedef struct spool {
	FILE *f;
	bool failed;
} spool;

static int spool_put(void *ctx, const void *data, size_t len)
{
	spool *s = ctx;
	if (fwrite(data, 1, len, s->f) != len) {
		s->failed = true;
		return -1;
	}
	return 0;
}

/*
 * The writer's output goes to an unnamed temporary file as it is made, so
 * that the document model and the whole output are never in memory at once;
 * the model is freed before the output is read back and saved. Without a
 * temporary file (none can be made, or it fills up) the output is built in
 * memory instead.
 */
static int write_spooled(cli *c, galley_doc **doc, unsigned char **out, size_t *len, galley_error *err)
{
	spool s = {tmpfile(), false};
	if (!s.f)
		return galley_write(*doc, c->to, &c->opts, out, len, err);
	int rc = galley_write_stream(*doc, c->to, &c->opts, spool_put, &s, err);
	if (rc == 0 && fflush(s.f) != 0)
		s.failed = true;
	if (s.failed) {
		fclose(s.f);
		return galley_write(*doc, c->to, &c->opts, out, len, err);
	}
	if (rc == 0) {
		/* on failure the message may name one of the document's files: it is kept until then */
		galley_doc_free(*doc);
		*doc = NULL;
		long size = ftell(s.f);
		unsigned char *data = size >= 0 ? malloc((size_t)size + 1) : NULL;
		if (!data || fseek(s.f, 0, SEEK_SET) != 0 || fread(data, 1, (size_t)size, s.f) != (size_t)size) {
			free(data);
			rc = galley_error_set(err, GALLEY_EOUTPUT, NULL, 0, 0, "cannot read the output back: %s",
			                      strerror(errno));
		} else {
			data[size] = '\0';
			*out = data;
			*len = (size_t)size;
		}
	}
	fclose(s.f);
	return rc;
}

static void set_library_options(cli *c)
{
	c->opts.diag = on_diag;
	c->opts.diag_data = c;
	c->opts.params = c->params;
	c->opts.param_count = c->nparams;
	c->opts.metadata = c->meta;
	c->opts.metadata_count = c->nmeta;
}

static int run_batch(cli *c)
{
	set_library_options(c);
	batch_inputs in = {c->from, c->to, c->inputs, c->ninputs, &c->opts, c->metadata_file, c->quiet != 0};
	return batch_run(&c->batch, &in);
}

static int run(cli *c)
{
	galley_doc *doc = NULL;
	galley_error err;
	unsigned char *out = NULL;
	size_t len = 0;
	if (batch_requested(&c->batch))
		return run_batch(c);
	int rc = resolve_formats(c);
	if (rc >= 0)
		return rc;
	for (size_t i = 0; i < c->ninputs; i++)
		if (same_file(c->inputs[i], c->output))
			return usage_error(c->ninputs > 1 ? "the output '%s' is one of the inputs; galley never writes over "
			                                    "its input"
			                                  : "the output '%s' is the input; galley never writes over its input",
			                   c->output);
	c->opts.source_name = is_stdio(c->input) ? "<stdin>" : c->input;
	set_library_options(c);
	rc = load(c, &doc);
	if (rc)
		return rc;
	rc = write_spooled(c, &doc, &out, &len, &err);
	if (rc)
		rc = report_error(&err, rc);
	else
		rc = save(c, out, len);
	galley_free(out);
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
	if (rc < 0)
		rc = run(&c);
	free(c.specs);
	free(c.params);
	free(c.meta);
	return rc;
}
