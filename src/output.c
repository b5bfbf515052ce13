/*
 * output.c - output files: written into a temporary file beside the target
 * and renamed over it once whole, so that a failed or interrupted run never
 * leaves a partial file. Where the file system allows, the temporary file
 * has no name until it is whole (O_TMPFILE): then even a killed process
 * leaves nothing behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* How many symbolic links are followed before a path is called a loop (as the kernel does). */
#define MAX_LINKS 40

typedef struct output {
	int fd;
	char *target; /* the path written in the end: the path given, its links followed */
	char *tmp;    /* the temporary file's name, or NULL while it has none */
	bool direct;  /* a device or pipe, written as it is */
	bool failed;  /* a write failed; errno_at says why */
	int errno_at;
} output;

/*
 * `path` with its symbolic links followed, so that writing through a link
 * replaces the file it points to, not the link. A link to nothing yet gives
 * the path the file will have. NULL if out of memory or a loop.
 */
static char *follow_links(const char *path)
{
	char *cur = strdup(path);
	for (int i = 0; cur && i < MAX_LINKS; i++) {
		char buf[PATH_MAX];
		ssize_t n = readlink(cur, buf, sizeof(buf) - 1);
		if (n < 0)
			return cur; /* not a link (or not there): this is the file */
		buf[n] = '\0';
		const char *slash = strrchr(cur, '/');
		size_t dirlen = buf[0] == '/' || !slash ? 0 : (size_t)(slash - cur) + 1;
		char *next = malloc(dirlen + (size_t)n + 1);
		if (next) {
			memcpy(next, cur, dirlen);
			memcpy(next + dirlen, buf, (size_t)n + 1);
		}
		free(cur);
		cur = next;
	}
	if (cur)
		errno = ELOOP;
	free(cur);
	return NULL;
}

static int fail(galley_error *err, const char *path, int errnum)
{
	return galley_error_set(err, GALLEY_EOUTPUT, NULL, 0, 0, "cannot write '%s': %s", path,
	                        strerror(errnum));
}

/* An unnamed file in the target's folder, or -1 when the file system has none. */
static int open_unnamed(const char *target, mode_t mode)
{
#ifdef O_TMPFILE
	/* it is given its name through /proc (linkat), so without /proc it cannot be */
	if (access("/proc/self/fd", F_OK) != 0)
		return -1;
	const char *slash = strrchr(target, '/');
	char *dir = slash ? strndup(target, (size_t)(slash - target) + 1) : strdup(".");
	if (!dir)
		return -1;
	int fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);
	free(dir);
	return fd;
#else
	(void)target;
	(void)mode;
	errno = EOPNOTSUPP;
	return -1;
#endif
}

/*
 * The process's umask, read without setting it: umask() would change it for
 * every thread meanwhile (a batch saves from several). Linux gives it in
 * /proc; elsewhere the set-and-restore is done under a lock.
 */
static mode_t current_umask(void)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	FILE *f = fopen("/proc/self/status", "re");
	char line[128];
	unsigned mask = 0;
	bool found = false;
	while (f && !found && fgets(line, sizeof(line), f))
		found = sscanf(line, "Umask: %o", &mask) == 1;
	if (f)
		fclose(f);
	if (found)
		return (mode_t)mask;
	pthread_mutex_lock(&lock);
	mode_t m = umask(0);
	umask(m);
	pthread_mutex_unlock(&lock);
	return m;
}

static int open_output(output *o, const char *path, galley_error *err)
{
	struct stat st;
	memset(o, 0, sizeof(*o));
	o->fd = -1;
	o->target = follow_links(path);
	if (!o->target)
		return errno == ELOOP ? fail(err, path, ELOOP)
		                      : galley_error_set(err, GALLEY_ENOMEM, NULL, 0, 0, "out of memory");
	if (stat(o->target, &st) == 0 && S_ISDIR(st.st_mode))
		return galley_error_set(err, GALLEY_EOUTPUT, NULL, 0, 0,
		                        "cannot write '%s': it is a directory", path);
	if (stat(o->target, &st) == 0 && !S_ISREG(st.st_mode)) {
		/* a device or a pipe cannot be replaced: it is written as it is */
		o->direct = true;
		o->fd = open(o->target, O_WRONLY | O_CLOEXEC);
		return o->fd < 0 ? fail(err, path, errno) : 0;
	}
	/* a file replaced keeps its permissions; a new one gets the usual ones */
	mode_t mask = current_umask();
	mode_t mode = stat(o->target, &st) == 0 ? st.st_mode & 07777 : 0666 & ~mask;
	o->fd = open_unnamed(o->target, mode);
	if (o->fd >= 0)
		return fchmod(o->fd, mode) != 0 ? fail(err, path, errno) : 0;
	size_t len = strlen(o->target) + 16;
	o->tmp = malloc(len);
	if (!o->tmp)
		return galley_error_set(err, GALLEY_ENOMEM, NULL, 0, 0, "out of memory");
	snprintf(o->tmp, len, "%s.tmp-XXXXXX", o->target);
	o->fd = mkstemp(o->tmp);
	if (o->fd < 0) {
		free(o->tmp);
		o->tmp = NULL;
		return fail(err, path, errno);
	}
	if (fchmod(o->fd, mode) != 0)
		return fail(err, path, errno);
	return 0;
}

static int put_output(void *ctx, const void *data, size_t len)
{
	output *o = ctx;
	const unsigned char *p = data;
	while (len && !o->failed) {
		ssize_t n = write(o->fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			o->failed = true;
			o->errno_at = errno;
			break;
		}
		p += n;
		len -= (size_t)n;
	}
	return o->failed ? -1 : 0;
}

/* Gives an unnamed file the name `tmp` beside the target (a fresh one each try). */
static int name_unnamed(output *o)
{
	char proc[64];
	size_t len = strlen(o->target) + 32;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", o->fd);
	o->tmp = malloc(len);
	if (!o->tmp)
		return -1;
	for (unsigned i = 0; i < 100; i++) {
		snprintf(o->tmp, len, "%s.tmp-%ld-%u", o->target, (long)getpid(), i);
		if (linkat(AT_FDCWD, proc, AT_FDCWD, o->tmp, AT_SYMLINK_FOLLOW) == 0)
			return 0;
		if (errno != EEXIST)
			break;
	}
	free(o->tmp);
	o->tmp = NULL;
	return -1;
}

/*
 * Puts the whole file in place. Signals wait for the few calls between the
 * temporary file getting a name and that name going, so that an
 * interruption leaves either the old file or the new one, and no other.
 */
static int commit_output(output *o, const char *path, galley_error *err)
{
	sigset_t block, old;
	int rc = 0;
	if (o->failed)
		return fail(err, path, o->errno_at);
	if (o->direct)
		return close(o->fd) != 0 ? (o->fd = -1, fail(err, path, errno)) : (o->fd = -1, 0);
	if (fsync(o->fd) != 0)
		return fail(err, path, errno);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	if (!o->tmp && name_unnamed(o) != 0)
		rc = fail(err, path, errno);
	if (rc == 0 && rename(o->tmp, o->target) != 0) {
		rc = fail(err, path, errno);
		unlink(o->tmp);
	}
	free(o->tmp);
	o->tmp = NULL;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (close(o->fd) != 0 && rc == 0)
		rc = fail(err, path, errno);
	o->fd = -1;
	return rc;
}

/* Drops what was written (a named temporary file is removed) and frees `o`. */
static void close_output(output *o)
{
	if (o->fd >= 0)
		close(o->fd);
	if (o->tmp)
		unlink(o->tmp);
	free(o->tmp);
	free(o->target);
}

int galley_save_file(const char *path, const void *data, size_t len, galley_error *err)
{
	output o;
	galley_error_clear(err);
	int rc = open_output(&o, path, err);
	if (rc == 0) {
		put_output(&o, data, len);
		rc = commit_output(&o, path, err);
	}
	close_output(&o);
	return rc;
}

int galley_write_file(const galley_doc *doc, const char *to, const char *path, const galley_options *opts,
                      galley_error *err)
{
	output o;
	int rc;

	galley_error_clear(err);
	if (!to) {
		const galley_format *f = galley_format_for_path(path, true);
		if (!f)
			return galley_error_set(err, GALLEY_EUSAGE, NULL, 0, 0,
			                        "cannot tell the output format from '%s'; give the format",
			                        path);
		to = galley_format_name(f);
	}
	if (!galley_format_find(to) || !galley_format_can_write(galley_format_find(to)))
		return galley_error_set(err, GALLEY_EUSAGE, NULL, 0, 0, "unknown output format '%s'", to);
	rc = open_output(&o, path, err);
	if (rc == 0) {
		rc = galley_write_stream(doc, to, opts, put_output, &o, err);
		if (rc == GALLEY_EOUTPUT && o.failed)
			rc = fail(err, path, o.errno_at);
		else if (rc == 0)
			rc = commit_output(&o, path, err);
	}
	close_output(&o);
	return rc;
}
