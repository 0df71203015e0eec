/* journal_lock: the writer's lock on "<journal>.lock", an fcntl() record lock with the
 * holder's details inside.
 *
 * What this relies on: fcntl() locks are released by the kernel when the process ends,
 * however it ends (kill -9 included), so a stale lock cannot outlive its run; the details
 * in the file are only for the message. On NFS, fcntl() locks go through the server's lock
 * manager (NLM for v3, built into v4), so two hosts sharing the journal's directory exclude
 * each other as long as locking is enabled on the mount (not `nolock`/`local_lock`); a
 * client that loses its lease loses the lock, which is why the holder's details name the
 * host. flock() is not used: on older NFS clients it is local to one host. The file is
 * never unlinked: removing it would let a second process lock a new inode while the first
 * still holds the old one. */
#include "mapping/journal_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct journal_lock {
	int fd;
};

/* The whole file, write-locked, without waiting. */
static int jl_try(int fd)
{
	struct flock fl;
	memset(&fl, 0, sizeof fl);
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	return fcntl(fd, F_SETLK, &fl);
}

/* The holder's details as written in the file, one line ("" when not written yet). */
static void jl_read(int fd, char *out, size_t size)
{
	ssize_t r = pread(fd, out, size - 1, 0);
	out[r > 0 ? (size_t)r : 0] = 0;
	out[strcspn(out, "\n")] = 0;
}

static void jl_write(int fd, const char *command)
{
	char host[256] = "?", when[64], text[1024];
	time_t now = time(NULL);
	struct tm tm;
	gethostname(host, sizeof host - 1);
	host[sizeof host - 1] = 0;
	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	int n = snprintf(text, sizeof text, "pid %ld on host %s, started %s (cutover %s)\n",
	                 (long)getpid(), host, when, command);
	if (n < 0 || (size_t)n >= sizeof text)
		n = (int)strlen(text);
	/* Best effort: the lock is the fcntl lock, the text only explains it. */
	if (ftruncate(fd, 0) == 0 && pwrite(fd, text, (size_t)n, 0) == n)
		(void)fsync(fd);
}

int journal_lock_take(struct journal_lock **out, const char *journal_path, const char *command,
                      char *previous, size_t previous_size, struct err *e)
{
	char path[4096], holder[1024];
	*out = NULL;
	if (previous && previous_size)
		previous[0] = 0;
	if (snprintf(path, sizeof path, "%s.lock", journal_path) >= (int)sizeof path)
		return err_set(e, ERR_USAGE, "journal path too long: %s", journal_path);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return err_set(e, ERR_IO, "cannot open the lock %s: %s", path, strerror(errno));
	if (jl_try(fd) < 0) {
		int saved = errno;
		jl_read(fd, holder, sizeof holder);
		close(fd);
		if (saved != EAGAIN && saved != EACCES)
			return err_set(e, ERR_IO, "cannot lock %s: %s", path, strerror(saved));
		return err_set(e, ERR_LOCKED, "journal %s is in use by %s; wait for it to end (or stop "
		               "it), then run again", journal_path,
		               holder[0] ? holder : "another cutover that has just started");
	}
	/* Details left in the file mean their writer ended without releasing: it was killed. */
	if (previous && previous_size)
		jl_read(fd, previous, previous_size);
	jl_write(fd, command);
	*out = calloc(1, sizeof **out);
	if (!*out) {
		close(fd);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	(*out)->fd = fd;
	return 0;
}

void journal_lock_release(struct journal_lock *l)
{
	if (!l)
		return;
	/* Emptied before unlocking, so the next holder sees a clean release. */
	if (ftruncate(l->fd, 0) != 0) {
		/* Left as it is, the next holder reports a takeover it did not need: harmless. */
	}
	close(l->fd);
	free(l);
}
