/* crlf: the memchr scans (migrate/msg/crlf.c) and everything built on them — the APPEND
 * rewrite and its length, the normalised digests in one piece and in pieces, the spool's
 * counts, the POP3 spool's gathered writes — against byte-at-a-time references, over random
 * messages made of CR, LF, NUL and letters cut into random pieces. */
#include <stdlib.h>
#include <string.h>

#include <libetpan/libetpan.h>

#include "migrate/imap/imap_append.h"
#include "migrate/msg/crlf.h"
#include "migrate/msg/digest.h"
#include "migrate/msg/spool.h"
#include "migrate/pop3/pop3spool.h"
#include "t.h"

/* Every bare CR and bare LF as CR LF (lf_only: bare LF only, the digest's rule). */
static size_t ref_rewrite(const char *d, size_t n, char *out, int lf_only)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		bool cr = d[i] == '\r', lf = d[i] == '\n';
		if (cr && i + 1 < n && d[i + 1] == '\n') {
			out[k++] = '\r';
			out[k++] = '\n';
			i++;
		} else if ((cr && !lf_only) || lf) {
			out[k++] = '\r';
			out[k++] = '\n';
		} else {
			out[k++] = d[i];
		}
	}
	return k;
}

static size_t random_message(char *m, size_t cap)
{
	static const char alpha[] = "ab\r\n\r\n\0c";
	size_t n = (size_t)rand() % cap;
	int clean = rand() % 3 == 0;      /* a third CR LF throughout, the usual case */
	for (size_t i = 0; i < n; i++)
		m[i] = alpha[rand() % (sizeof alpha - 1)];
	for (size_t i = 0; clean && i < n; i++) {
		if (m[i] != '\r' && m[i] != '\n')
			continue;
		if (i + 1 == n) {
			m[i] = 'z';
		} else {
			m[i] = '\r';
			m[++i] = '\n';
		}
	}
	return n;
}

static void crlf_matches_byte_references(void)
{
	char m[600], ref[1200], hex[DIGEST_HEX_LEN + 1], rhex[DIGEST_HEX_LEN + 1],
	        raw[DIGEST_HEX_LEN + 1], crlf[DIGEST_HEX_LEN + 1];
	struct err e;
	err_clear(&e);
	srand(14);
	for (int round = 0; round < 3000; round++) {
		size_t n = random_message(m, sizeof m);
		size_t rn = ref_rewrite(m, n, ref, 0);
		T_INTEQ(crlf_stored_size(m, n), rn);
		T_INTEQ(crlf_stored_size(m, n), mailstream_get_data_crlf_size(m, n));
		struct buf b;
		buf_init(&b, 0);
		T_REQUIRE(imap_append_normalize(m, n, &b) == 0);
		T_INTEQ(b.len, rn);
		T_CHECK(rn == 0 || memcmp(b.data, ref, rn) == 0);
		buf_release(&b);

		size_t dn = ref_rewrite(m, n, ref, 1);
		T_REQUIRE(digest_sha256_hex(ref, dn, rhex, &e) == 0);
		T_REQUIRE(digest_sha256_crlf_hex(m, n, hex, &e) == 0);
		T_STREQ(hex, rhex);
		T_REQUIRE(digest_sha256_pair(m, n, raw, crlf, &e) == 0);
		T_STREQ(crlf, rhex);
		T_REQUIRE(digest_sha256_hex(m, n, hex, &e) == 0);
		T_STREQ(raw, hex);

		/* the same in random pieces */
		struct digest_stream d;
		struct spool sp;
		T_REQUIRE(digest_stream_init(&d, &e) == 0);
		T_REQUIRE(spool_open(&sp, NULL, &e) == 0);
		size_t nuls = 0;
		for (size_t i = 0; i < n; i++)
			nuls += m[i] == '\0';
		for (size_t off = 0; off < n;) {
			size_t k = (size_t)rand() % 8 + (rand() % 4 == 0 ? 0u : 1u);
			k = k > n - off ? n - off : k;
			digest_stream_add(&d, m + off, k);
			T_REQUIRE(spool_write(&sp, m + off, k, &e) == 0);
			off += k;
		}
		T_INTEQ(digest_stream_end(&d, raw, crlf), 0);
		T_STREQ(raw, hex);
		T_STREQ(crlf, rhex);
		T_INTEQ(spool_stored(&sp), crlf_stored_size(m, n));
		T_INTEQ(sp.nuls, nuls);
		spool_close(&sp);
	}
}

struct gather { char *p; size_t n; };
static int gather(void *ctx, const char *p, size_t n, struct err *e)
{
	struct gather *g = ctx;
	memcpy(g->p + g->n, p, n);
	g->n += n;
	return 0;
}

/* pop3spool gathers writes: the file still holds every byte in order, the held-back tail
 * is the last two, and `drop` of them are left out. */
static void pop3spool_gathers_in_order(void)
{
	size_t n = 3 * POP3SPOOL_BUF + 777;
	char *m = malloc(n), *back = malloc(n);
	struct pop3spool *w = malloc(sizeof *w);
	struct err e;
	err_clear(&e);
	T_REQUIRE(m && back && w);
	for (size_t i = 0; i < n; i++)
		m[i] = (char)('a' + i % 23);
	for (size_t drop = 0; drop <= 2; drop++) {
		struct spool sp;
		T_REQUIRE(spool_open(&sp, NULL, &e) == 0);
		struct pop3body_sink sink = pop3spool_sink(w, &sp);
		for (size_t off = 0; off < n;) {
			size_t k = rand() % 5 == 0 ? (size_t)rand() % 3 : (size_t)rand() % (POP3SPOOL_BUF + 9000);
			k = k > n - off ? n - off : k;
			T_REQUIRE(sink.append(sink.ctx, m + off, k) == 0);
			off += k;
		}
		T_INTEQ(w->ntail, 2);
		T_CHECK(memcmp(w->tail, m + n - 2, 2) == 0);
		T_REQUIRE(pop3spool_finish(w, drop, &e) == 0);
		T_INTEQ(w->len, n - drop);
		T_INTEQ(sp.len, n - drop);
		struct gather g = { back, 0 };
		T_REQUIRE(spool_each(&sp, gather, &g, &e) == 0);
		T_INTEQ(g.n, n - drop);
		T_CHECK(memcmp(back, m, n - drop) == 0);
		spool_close(&sp);
	}
	free(w);
	free(back);
	free(m);
}

int main(void)
{
	T_RUN(crlf_matches_byte_references);
	T_RUN(pop3spool_gathers_in_order);
	return T_DONE();
}
