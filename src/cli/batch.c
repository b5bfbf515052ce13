/*
 * batch.c - many documents converted at once, one thread per processor.
 *
 * The documents come from a manifest (INPUT, a tab, OUTPUT on each line) or
 * from the command line with --output-dir. --shard K/N keeps every N-th
 * of them, starting at the K-th, so that N runs on N machines (a Slurm job
 * array, a Kubernetes Indexed Job, GNU parallel over ssh) share one list
 * without a scheduler of galley's own. Each output is written whole and
 * renamed into place; a document that fails is reported and the others go
 * on; a summary ends the run. The library is safe for concurrent documents,
 * so the workers are threads sharing nothing but the list and the counts.
 */
#include <errno.h>
#include <libgen.h>
#include <malloc.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "batch.h"

enum { BATCH_OK = 0, BATCH_FAILED = 1, BATCH_USAGE = 2 };

typedef struct job {
	const char *input;
	char *output;   /* owned */
	const char *to; /* output format, or NULL: from the output's extension */
	unsigned line;  /* in the manifest; 0 for a command-line input */
} job;

typedef struct batch {
	const batch_config *cfg;
	const batch_inputs *in;
	job *jobs;
	size_t count;       /* all the manifest's documents */
	size_t first, step; /* this shard's: jobs[first], jobs[first + step], ... */
	size_t total;       /* how many that is */
	size_t next;        /* the next of those to start */
	size_t done, failed, warnings;
	bool stop;     /* interrupted: start no more */
	bool progress; /* a progress line on the terminal */
	bool line_shown;
	double started;
	pthread_mutex_t lock;
	char *manifest_text;
} batch;

static const char *prog = "galley";

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* ---- options -------------------------------------------------------- */

static int usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: error: ", prog);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry '%s --help' for more information.\n", prog);
	return BATCH_USAGE;
}

static bool parse_count(const char *s, unsigned *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v == 0 || v > 100000 || *s == '-' || *s == '+')
		return false;
	*out = (unsigned)v;
	return true;
}

static int parse_shard(batch_config *b, const char *arg)
{
	char k[16];
	const char *slash = strchr(arg, '/');
	if (!slash || (size_t)(slash - arg) >= sizeof(k))
		return usage("--shard takes K/N (the K-th of N slices, 1 <= K <= N), not '%s'", arg);
	memcpy(k, arg, (size_t)(slash - arg));
	k[slash - arg] = '\0';
	if (!parse_count(k, &b->shard) || !parse_count(slash + 1, &b->shards) || b->shard > b->shards)
		return usage("--shard takes K/N (the K-th of N slices, 1 <= K <= N), not '%s'", arg);
	return -1;
}

int batch_option(batch_config *b, const char *name, const char *arg)
{
	if (strcmp(name, "batch") == 0)
		b->manifest = arg;
	else if (strcmp(name, "output-dir") == 0)
		b->output_dir = arg;
	else if (strcmp(name, "jobs") == 0 && !parse_count(arg, &b->jobs))
		return usage("-j takes a number of parallel jobs (1 or more), not '%s'", arg);
	else if (strcmp(name, "shard") == 0)
		return parse_shard(b, arg);
	return -1;
}

bool batch_requested(const batch_config *b) { return b->manifest || b->output_dir; }

/* ---- the list of documents ------------------------------------------ */

static int add_job(batch *b, const char *input, char *output, unsigned line)
{
	if (b->count % 256 == 0) {
		job *grown = realloc(b->jobs, (b->count + 256) * sizeof(*grown));
		if (!grown) {
			free(output);
			return -1;
		}
		b->jobs = grown;
	}
	b->jobs[b->count++] = (job){input, output, b->in->to, line};
	return 0;
}

static char *join(const char *dir, const char *name)
{
	size_t a = strlen(dir), n = strlen(name);
	char *p = malloc(a + n + 2);
	if (p)
		snprintf(p, a + n + 2, "%s%s%s", dir, a && dir[a - 1] != '/' ? "/" : "", name);
	return p;
}

/* DIR/NAME.EXT for an input without a named output: its base name, the format's extension. */
static char *output_for(const batch *b, const char *input)
{
	const galley_format *fmt = galley_format_find(b->in->to);
	const char *ext = fmt && fmt->write_extensions ? fmt->write_extensions[0] : b->in->to;
	const char *base = strrchr(input, '/') ? strrchr(input, '/') + 1 : input;
	const char *dot = strrchr(base, '.');
	size_t stem = dot && dot != base ? (size_t)(dot - base) : strlen(base);
	size_t size = stem + strlen(ext) + 2;
	char *name = malloc(size), *path;
	if (!name)
		return NULL;
	snprintf(name, size, "%.*s.%s", (int)stem, base, ext);
	path = join(b->cfg->output_dir, name);
	free(name);
	return path;
}

static int manifest_error(const batch *b, unsigned line, const char *what)
{
	fprintf(stderr, "%s:%u: error: %s\n", strcmp(b->cfg->manifest, "-") ? b->cfg->manifest : "<stdin>",
	        line, what);
	return BATCH_USAGE;
}

/* One manifest line, split in place: INPUT, or INPUT TAB OUTPUT. */
static int manifest_line(batch *b, char *text, unsigned line)
{
	size_t n = strlen(text);
	if (n && text[n - 1] == '\r')
		text[--n] = '\0';
	if (strspn(text, " \t") == n || text[0] == '#')
		return 0;
	char *tab = strchr(text, '\t');
	if (tab)
		*tab++ = '\0';
	if (tab && strchr(tab, '\t'))
		return manifest_error(b, line, "more than two fields (INPUT, a tab, OUTPUT)");
	if (!*text)
		return manifest_error(b, line, "no input named");
	if (tab && !*tab)
		tab = NULL;
	if (!tab && !b->cfg->output_dir)
		return manifest_error(b, line, "no output named: give one after a tab, or give --output-dir");
	if (!tab && !b->in->to)
		return manifest_error(b, line, "no output named: name the format with -t for --output-dir");
	char *out = !tab                                  ? output_for(b, text)
	            : b->cfg->output_dir && tab[0] != '/' ? join(b->cfg->output_dir, tab)
	                                                  : strdup(tab);
	return out && add_job(b, text, out, line) == 0 ? 0 : -1;
}

static int read_manifest(batch *b)
{
	const char *path = b->cfg->manifest;
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	galley_buf text = GALLEY_BUF_INIT;
	char chunk[65536];
	size_t n;
	if (!f) {
		fprintf(stderr, "%s: error: cannot read the manifest '%s': %s\n", prog, path,
		        strerror(errno));
		return BATCH_USAGE;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		galley_buf_put(&text, chunk, n);
	bool failed = ferror(f) || text.failed || galley_buf_put(&text, "", 1) != 0;
	if (f != stdin)
		fclose(f);
	if (failed) {
		galley_buf_free(&text);
		fprintf(stderr, "%s: error: cannot read the manifest '%s'\n", prog, path);
		return BATCH_USAGE;
	}
	b->manifest_text = (char *)galley_buf_detach(&text, NULL);
	unsigned line = 0;
	for (char *p = b->manifest_text, *nl; p && *p; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		int rc = manifest_line(b, p, ++line);
		if (rc)
			return rc < 0 ? (fprintf(stderr, "%s: error: out of memory\n", prog), BATCH_USAGE)
			              : rc;
	}
	return 0;
}

static int list_inputs(batch *b)
{
	if (!b->in->to)
		return usage("%s", "--output-dir needs the output format: name it with -t");
	for (size_t i = 0; i < b->in->count; i++) {
		if (strcmp(b->in->paths[i], "-") == 0)
			return usage("%s", "standard input (-) cannot be one of a batch's inputs");
		char *out = output_for(b, b->in->paths[i]);
		if (!out || add_job(b, b->in->paths[i], out, 0) != 0)
			return usage("%s", "out of memory");
	}
	return 0;
}

static int by_output(const void *a, const void *b)
{
	return strcmp((*(const job *const *)a)->output, (*(const job *const *)b)->output);
}

/* Two documents written to one file would overwrite each other: refused before any is converted. */
static int check_collisions(const batch *b)
{
	const job **sorted = malloc((b->count ? b->count : 1) * sizeof(*sorted));
	int rc = 0;
	if (!sorted)
		return usage("%s", "out of memory");
	for (size_t i = 0; i < b->count; i++)
		sorted[i] = &b->jobs[i];
	qsort(sorted, b->count, sizeof(*sorted), by_output);
	for (size_t i = 1; i < b->count && rc == 0; i++) {
		if (strcmp(sorted[i - 1]->output, sorted[i]->output) != 0)
			continue;
		fprintf(stderr, "%s: error: '%s' and '%s' would both be written to '%s'\n", prog,
		        sorted[i - 1]->input, sorted[i]->input, sorted[i]->output);
		rc = BATCH_USAGE;
	}
	free(sorted);
	return rc;
}

/* ---- messages and progress ------------------------------------------ */

/* Called with the lock held: the progress line is wiped before a message. */
static void clear_progress(batch *b)
{
	if (b->line_shown)
		fputs("\r\033[K", stderr);
	b->line_shown = false;
}

static void draw_progress(batch *b)
{
	double elapsed = now() - b->started;
	double rate = elapsed > 0 ? (double)b->done / elapsed : 0;
	char eta[32] = "";
	if (rate > 0 && b->done < b->total) {
		unsigned long s = (unsigned long)((double)(b->total - b->done) / rate + 0.5);
		snprintf(eta, sizeof(eta), ", ETA %lu:%02lu", s / 60, s % 60);
	}
	fprintf(stderr, "\r\033[K%zu/%zu converted, %zu failed, %.1f documents/s%s", b->done - b->failed,
	        b->total, b->failed, rate, eta);
	b->line_shown = true;
}

static void print_location(const char *file, unsigned line, unsigned col)
{
	if (!file)
		fprintf(stderr, "%s: ", prog);
	else if (line && col)
		fprintf(stderr, "%s:%u:%u: ", file, line, col);
	else if (line)
		fprintf(stderr, "%s:%u: ", file, line);
	else
		fprintf(stderr, "%s: ", file);
}

static void on_diag(const galley_diag *d, void *data)
{
	batch *b = data;
	if (b->in->quiet && d->severity != GALLEY_ERROR)
		return;
	pthread_mutex_lock(&b->lock);
	clear_progress(b);
	print_location(d->file, d->line, d->column);
	fprintf(stderr, "%s: %s\n",
	        d->severity == GALLEY_ERROR     ? "error"
	        : d->severity == GALLEY_WARNING ? "warning"
	                                        : "note",
	        d->message);
	b->warnings += d->severity == GALLEY_WARNING;
	pthread_mutex_unlock(&b->lock);
}

static void report_failure(batch *b, const galley_error *err)
{
	pthread_mutex_lock(&b->lock);
	clear_progress(b);
	print_location(err->file, err->line, err->column);
	fprintf(stderr, "error: %s\n", err->message[0] ? err->message : galley_strerror(err->code));
	pthread_mutex_unlock(&b->lock);
}

/* ---- converting ----------------------------------------------------- */

/* Creates the folders above `path` that are missing. */
static int make_parents(const char *path, galley_error *err)
{
	char *dir = strdup(path);
	int rc = 0;
	if (!dir)
		return galley_error_set(err, GALLEY_ENOMEM, NULL, 0, 0, "out of memory");
	for (char *p = dir + 1; *p && rc == 0; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0777) != 0 && errno != EEXIST)
			rc = galley_error_set(err, GALLEY_EOUTPUT, NULL, 0, 0,
			                      "cannot make the folder '%s': %s", dir, strerror(errno));
		*p = '/';
	}
	free(dir);
	return rc;
}

static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static int convert(batch *b, const job *j, galley_error *err)
{
	galley_options opts = *b->in->opts;
	galley_doc *doc = NULL;
	opts.source_name = j->input;
	opts.diag = on_diag;
	opts.diag_data = b;
	if (same_file(j->input, j->output))
		return galley_error_set(err, GALLEY_EUSAGE, NULL, 0, 0,
		                        "the output '%s' is the input; galley never writes over its input",
		                        j->output);
	int rc = galley_read_file(b->in->from, j->input, &opts, &doc, err);
	if (rc == 0 && b->in->metadata_file)
		rc = galley_doc_read_metadata_file(doc, b->in->metadata_file, &opts, err);
	if (rc == 0)
		rc = make_parents(j->output, err);
	if (rc == 0)
		rc = galley_write_file(doc, j->to, j->output, &opts, err);
	galley_doc_free(doc);
	return rc;
}

static void *worker(void *data)
{
	batch *b = data;
	for (;;) {
		pthread_mutex_lock(&b->lock);
		size_t i = b->stop ? b->total : b->next++;
		pthread_mutex_unlock(&b->lock);
		if (i >= b->total)
			break;
		const job *j = &b->jobs[b->first + i * b->step];
		galley_error err;
		galley_error_clear(&err);
		int rc = convert(b, j, &err);
		if (rc)
			report_failure(b, &err);
		pthread_mutex_lock(&b->lock);
		b->done++;
		b->failed += rc != 0;
		pthread_mutex_unlock(&b->lock);
	}
	return NULL;
}

static unsigned processors(void)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
		return (unsigned)CPU_COUNT(&set);
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (unsigned)n : 1;
}

/*
 * The main thread takes the signals that would stop the run: on one, no
 * document is started, those under way finish (no output is left half
 * written), and the summary says so. Between signals it redraws the
 * progress line.
 */
static int wait_for_workers(batch *b, pthread_t *threads, unsigned n, const sigset_t *stops)
{
	int signal_seen = 0;
	double drawn = 0;
	for (;;) {
		/* short ticks: the end of the run is seen at once; the line is redrawn five times a second */
		struct timespec tick = {0, 10 * 1000 * 1000};
		int sig = sigtimedwait(stops, NULL, &tick);
		pthread_mutex_lock(&b->lock);
		if (sig > 0 && !signal_seen) {
			signal_seen = sig;
			b->stop = true;
		}
		bool finished = b->done == b->total || (b->stop && b->done == b->next);
		if (b->progress && !finished && now() - drawn >= 0.2) {
			draw_progress(b);
			drawn = now();
		}
		pthread_mutex_unlock(&b->lock);
		if (finished)
			break;
	}
	for (unsigned i = 0; i < n; i++)
		pthread_join(threads[i], NULL);
	return signal_seen;
}

static void summary(batch *b, int signal_seen)
{
	double elapsed = now() - b->started;
	char shard[48] = "";
	if (b->in->quiet && b->failed == 0 && !signal_seen)
		return;
	if (b->cfg->shards)
		snprintf(shard, sizeof(shard), " (shard %u/%u of %zu)", b->cfg->shard, b->cfg->shards,
		         b->count);
	clear_progress(b);
	fprintf(stderr, "%s: %zu document%s%s: %zu converted, %zu failed", prog, b->total,
	        b->total == 1 ? "" : "s", shard, b->done - b->failed, b->failed);
	if (b->done < b->total)
		fprintf(stderr, ", %zu not started (interrupted by signal %d)", b->total - b->done,
		        signal_seen);
	fprintf(stderr, "; %.2f s, %.1f documents/s\n", elapsed,
	        elapsed > 0 ? (double)b->done / elapsed : 0.0);
}

static int run_jobs(batch *b)
{
	unsigned n = b->cfg->jobs ? b->cfg->jobs : processors();
	pthread_t *threads;
	sigset_t stops, old;
	int signal_seen = 0;
	if (n > b->total)
		n = b->total ? (unsigned)b->total : 1;
	threads = calloc(n, sizeof(*threads));
	if (!threads)
		return usage("%s", "out of memory");
	/*
	 * Freed memory stays with the process, not given back and faulted in
	 * again for the next document: the writers' buffers (a zip stream's
	 * tables, 256 KB each) otherwise cost more than converting a short text.
	 */
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	sigemptyset(&stops);
	sigaddset(&stops, SIGINT);
	sigaddset(&stops, SIGTERM);
	sigaddset(&stops, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &stops, &old);
	b->started = now();
	unsigned started = 0;
	for (; started < n; started++)
		if (pthread_create(&threads[started], NULL, worker, b) != 0)
			break;
	if (started == 0) {
		b->started = now();
		worker(b); /* no thread to be had: this one does the work */
	}
	signal_seen = wait_for_workers(b, threads, started, &stops);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	summary(b, signal_seen);
	free(threads);
	return b->failed || b->done < b->total ? BATCH_FAILED : BATCH_OK;
}

int batch_run(const batch_config *cfg, const batch_inputs *in)
{
	batch b;
	int rc;
	memset(&b, 0, sizeof(b));
	b.cfg = cfg;
	b.in = in;
	pthread_mutex_init(&b.lock, NULL);
	if (cfg->manifest && in->count)
		rc = usage(
		    "%s",
		    "give the inputs either in the manifest (--batch) or on the command line, not both");
	else
		rc = cfg->manifest ? read_manifest(&b) : list_inputs(&b);
	if (rc == 0)
		rc = check_collisions(&b);
	if (rc == 0) {
		/* every N-th document from the K-th: the same list gives every shard the same slice */
		b.step = cfg->shards ? cfg->shards : 1;
		b.first = cfg->shards ? cfg->shard - 1 : 0;
		b.total = b.first < b.count ? (b.count - b.first + b.step - 1) / b.step : 0;
		b.progress = !in->quiet && isatty(STDERR_FILENO);
		rc = run_jobs(&b);
	}
	for (size_t i = 0; i < b.count; i++)
		free(b.jobs[i].output);
	free(b.jobs);
	free(b.manifest_text);
	pthread_mutex_destroy(&b.lock);
	return rc;
}
