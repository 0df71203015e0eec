/* spool: the private temporary file of a big message — 0600, gone from its directory at
 * once, bytes back in order, the stored (CRLF) length and the streamed digests the same as
 * the in-memory functions give; base/rss reads a peak. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/rss.h"
#include "migrate/imap/imap_append.h"
#include "migrate/msg/digest.h"
#include "migrate/msg/spool.h"
#include "t.h"

static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	int n = 0;
	for (struct dirent *de; d && (de = readdir(d));)
		n += strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0;
	if (d)
		closedir(d);
	return n;
}

struct gather { char *p; size_t n, calls; };
static int gather(void *ctx, const char *p, size_t n, struct err *e)
{
	struct gather *g = ctx;
	memcpy(g->p + g->n, p, n);
	g->n += n;
	g->calls++;
	return 0;
}

/* A message with every line end there is, long enough to span several read pieces, with a
 * CR right at a piece boundary. */
static char *sample(size_t *len)
{
	size_t n = 3 * SPOOL_CHUNK + 1000;
	char *m = malloc(n);
	for (size_t i = 0; i < n; i++)
		m[i] = (char)('a' + i % 26);
	for (size_t i = 70; i < n; i += 71)
		m[i] = i % 3 == 0 ? '\n' : i % 3 == 1 ? '\r' : 'x';
	m[SPOOL_CHUNK - 1] = '\r';
	m[SPOOL_CHUNK] = '\n';
	m[2 * SPOOL_CHUNK - 1] = '\r';
	m[2 * SPOOL_CHUNK] = 'y';
	m[n - 1] = '\r';
	*len = n;
	return m;
}

static void spool_private_and_exact(void)
{
	char dir[] = "/tmp/test_spool.XXXXXX";
	T_REQUIRE(mkdtemp(dir) != NULL);
	struct spool s;
	struct err e;
	err_clear(&e);
	size_t n;
	char *m = sample(&n);
	T_REQUIRE(spool_open(&s, dir, &e) == 0);
	struct stat st;
	T_REQUIRE(fstat(s.fd, &st) == 0);
	T_INTEQ(st.st_mode & 0777, 0600);
	T_INTEQ(st.st_nlink, 0);           /* unlinked at once */
	T_INTEQ(entries(dir), 0);
	/* written in odd pieces, so a CR can end one write */
	for (size_t off = 0; off < n;) {
		size_t k = n - off < 7777 ? n - off : 7777;
		T_REQUIRE(spool_write(&s, m + off, k, &e) == 0);
		off += k;
	}
	T_INTEQ(s.len, n);
	T_INTEQ(spool_stored(&s), imap_append_stored_size(m, n));
	T_INTEQ(s.nuls, 0);
	struct gather g = { malloc(n), 0, 0 };
	T_REQUIRE(spool_each(&s, gather, &g, &e) == 0);
	T_INTEQ(g.n, n);
	T_CHECK(g.calls >= 4);
	T_CHECK(memcmp(g.p, m, n) == 0);
	char head[100];
	T_INTEQ(spool_head(&s, head, sizeof head), sizeof head);
	T_CHECK(memcmp(head, m, sizeof head) == 0);

	char raw[DIGEST_HEX_LEN + 1], crlf[DIGEST_HEX_LEN + 1], sraw[DIGEST_HEX_LEN + 1],
	        scrlf[DIGEST_HEX_LEN + 1];
	T_REQUIRE(digest_sha256_hex(m, n, raw, &e) == 0 && digest_sha256_crlf_hex(m, n, crlf, &e) == 0);
	struct digest_stream d;
	T_REQUIRE(digest_stream_init(&d, &e) == 0);
	for (size_t off = 0; off < n; off += SPOOL_CHUNK)
		digest_stream_add(&d, m + off, n - off < SPOOL_CHUNK ? n - off : SPOOL_CHUNK);
	digest_stream_end(&d, sraw, scrlf);
	T_STREQ(sraw, raw);
	T_STREQ(scrlf, crlf);

	spool_close(&s);
	T_INTEQ(s.fd, -1);
	T_INTEQ(entries(dir), 0);
	rmdir(dir);
	free(g.p);
	free(m);
}

static void spool_counts_nul_and_fails_cleanly(void)
{
	struct spool s;
	struct err e;
	err_clear(&e);
	T_REQUIRE(spool_open(&s, NULL, &e) == 0);
	T_REQUIRE(spool_write(&s, "a\0b\0\r\n", 6, &e) == 0);
	T_INTEQ(s.nuls, 2);
	T_INTEQ(spool_stored(&s), 6);
	spool_close(&s);
	spool_close(&s);                   /* twice is harmless */
	T_CHECK(spool_open(&s, "/nonexistent/spool/dir", &e) < 0);
	T_INTEQ(e.cls, ERR_IO);
	T_CHECK(strstr(e.msg, "/nonexistent/spool/dir") != NULL);
	T_INTEQ(s.fd, -1);
}

static void rss_peak_is_read(void)
{
	uint64_t before = rss_peak_bytes();
	T_CHECK(before > 0);
	size_t n = 32u * 1024 * 1024;
	char *p = malloc(n);
	T_REQUIRE(p != NULL);
	memset(p, 1, n);
	T_CHECK(rss_peak_bytes() >= before + 30ull * 1024 * 1024 || rss_peak_bytes() >= 32ull * 1024 * 1024);
	free(p);
}

int main(void)
{
	T_RUN(spool_private_and_exact);
	T_RUN(spool_counts_nul_and_fails_cleanly);
	T_RUN(rss_peak_is_read);
	return T_DONE();
}
