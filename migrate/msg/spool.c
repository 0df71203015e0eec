/* spool: unlinked 0600 temporary files for messages over the spool threshold. */
#include "migrate/msg/spool.h"
#include "migrate/msg/crlf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void spool_init(struct spool *s)
{
	memset(s, 0, sizeof *s);
	s->fd = -1;
}

int spool_open(struct spool *s, const char *dir, struct err *e)
{
	spool_init(s);
	if (!dir || !*dir)
		dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
	char path[4096];
	if (snprintf(path, sizeof path, "%s/cutover-spool.XXXXXX", dir) >= (int)sizeof path)
		return err_set(e, ERR_CONFIG, "spool directory name too long: %.200s", dir);
	/* mkstemp makes it 0600 already; the umask cannot widen that, and fchmod says so. */
	int fd = mkstemp(path);
	if (fd < 0)
		return err_set(e, ERR_IO, "cannot create a spool file in %.200s: %s", dir, strerror(errno));
	if (unlink(path) < 0 || fchmod(fd, S_IRUSR | S_IWUSR) < 0) {
		int er = errno;
		unlink(path);
		close(fd);
		return err_set(e, ERR_IO, "spool file in %.200s: %s", dir, strerror(er));
	}
	s->fd = fd;
	s->dir = dir;
	return 0;
}

/* Count what CRLF normalisation makes of p[0..n), carrying a trailing CR to the next call
 * (the counts run once per line, crlf.h, not once per byte). */
static void spool_count(struct spool *s, const char *p, size_t n)
{
	size_t start = 0, end = n;
	if (n == 0)
		return;
	if (s->cr) {
		s->cr = false;
		s->stored += 2;          /* CRLF, or a bare CR made CRLF */
		if (p[0] == '\n')
			start = 1;
	}
	if (start < n && p[n - 1] == '\r') {
		s->cr = true;            /* decided by the next piece */
		end = n - 1;
	}
	s->stored += crlf_stored_size(p + start, end - start);
	for (const char *z = memchr(p, '\0', n); z; z = memchr(z + 1, '\0', n - (size_t)(z + 1 - p)))
		s->nuls++;
}

int spool_write(struct spool *s, const void *data, size_t len, struct err *e)
{
	const char *p = data;
	size_t left = len;
	while (left) {
		ssize_t w = write(s->fd, p, left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return err_set(e, ERR_IO, "writing the spool file: %s", strerror(errno));
		p += w;
		left -= (size_t)w;
	}
	spool_count(s, data, len);
	s->len += len;
	return 0;
}

uint64_t spool_stored(const struct spool *s)
{
	return s->stored + (s->cr ? 2 : 0);
}

static ssize_t spool_pread(const struct spool *s, char *buf, size_t n, uint64_t off)
{
	ssize_t r;
	do
		r = pread(s->fd, buf, n, (off_t)off);
	while (r < 0 && errno == EINTR);
	return r;
}

int spool_each(const struct spool *s, int (*cb)(void *ctx, const char *p, size_t n, struct err *e),
               void *ctx, struct err *e)
{
	char *buf = malloc(SPOOL_CHUNK);
	int rc = 0;
	if (!buf)
		return err_set(e, ERR_NOMEM, "out of memory");
	for (uint64_t off = 0; rc == 0 && off < s->len;) {
		size_t want = s->len - off < SPOOL_CHUNK ? (size_t)(s->len - off) : SPOOL_CHUNK;
		ssize_t r = spool_pread(s, buf, want, off);
		if (r <= 0) {
			rc = err_set(e, ERR_IO, "reading the spool file: %s", r < 0 ? strerror(errno) : "short file");
			break;
		}
		off += (uint64_t)r;
		rc = cb(ctx, buf, (size_t)r, e);
	}
	free(buf);
	return rc;
}

size_t spool_head(const struct spool *s, char *buf, size_t cap)
{
	size_t got = 0, want = s->len < cap ? (size_t)s->len : cap;
	while (got < want) {
		ssize_t r = spool_pread(s, buf + got, want - got, got);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	return got;
}

void spool_close(struct spool *s)
{
	if (s->fd >= 0)
		close(s->fd);
	spool_init(s);
}
