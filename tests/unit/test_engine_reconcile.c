/* test_engine_reconcile: the pure matching of the journal against the destination's
 * index — rows gone from the destination come back as not copied, unrecorded messages are
 * found by the strategy's header or by Message-ID + size, each destination message is
 * claimed once, ties ask for the digest. */
#include <stdlib.h>
#include <string.h>

#include "migrate/engine/engine_p.h"
#include "tests/unit/t.h"

/* An index of n entries: UIDs 10, 20, …; entry i has found_by fb[i] and message_id mid[i]. */
static void t_index(struct drv_index *ix, size_t n, const char *const *fb, const char *const *mid,
                    const uint64_t *size)
{
	ix->v = calloc(n + 1, sizeof *ix->v);
	ix->n = n;
	for (size_t i = 0; i < n; i++) {
		ix->v[i].uid = (uint32_t)(10 * (i + 1));
		ix->v[i].size = size[i];
		ix->v[i].found_by = fb && fb[i] ? strdup(fb[i]) : NULL;
		ix->v[i].message_id = mid && mid[i] ? strdup(mid[i]) : NULL;
	}
}

static struct journal_msg t_done(const char *key, uint32_t dst_uidvalidity, uint32_t dst_uid)
{
	struct journal_msg r;
	memset(&r, 0, sizeof r);
	r.src_key = key;
	r.src_kind = JOURNAL_KEY_UIDL;
	r.state = JOURNAL_MSG_DONE;
	r.dst_uidvalidity = dst_uidvalidity;
	r.dst_uid = dst_uid;
	return r;
}

/* Rows whose UID is gone, or written under another UIDVALIDITY, are missing; the others
 * claim their UID, so a later match cannot take it. */
static void t_recon_missing(void)
{
	struct drv_index ix;
	struct engine_recon r;
	static const uint64_t sz[] = { 100, 100, 100 };
	static const char *const fb[] = { "A", "B", "C" };
	t_index(&ix, 3, fb, NULL, sz);
	T_REQUIRE(engine_recon_init(&r, &ix) == 0);
	struct journal_msg rows[] = { t_done("A", 7, 10), t_done("X", 7, 15), t_done("C", 7, 30),
	                              t_done("Y", 6, 20) };
	struct journal_msg_set set = { rows, 4 };
	T_INTEQ(engine_recon_check(&r, &set, 7), 2);
	T_INTEQ(rows[0].state, JOURNAL_MSG_DONE);
	T_INTEQ(rows[1].state, JOURNAL_MSG_FAILED);     /* UID 15 is not there */
	T_INTEQ(rows[2].state, JOURNAL_MSG_DONE);
	T_INTEQ(rows[3].state, JOURNAL_MSG_FAILED);     /* other UIDVALIDITY: wiped */
	T_INTEQ(r.n_taken, 2);
	size_t c[4];
	bool dig;
	struct engine_recon_want w = { "A", NULL, 100 };
	T_INTEQ(engine_recon_candidates(&r, &w, c, 4, &dig), 0);   /* A is claimed by its row */
	w.found_by = "B";
	T_INTEQ(engine_recon_candidates(&r, &w, c, 4, &dig), 1);
	T_CHECK(!dig && r.ix.v[c[0]].uid == 20);
	engine_recon_free(&r);

	/* A wiped destination: every row is missing. */
	t_index(&ix, 0, NULL, NULL, NULL);
	T_REQUIRE(engine_recon_init(&r, &ix) == 0);
	struct journal_msg again[] = { t_done("A", 7, 10), t_done("B", 7, 20) };
	struct journal_msg_set s2 = { again, 2 };
	T_INTEQ(engine_recon_check(&r, &s2, 9), 2);
	engine_recon_free(&r);
}

/* Message-ID + size; duplicates on the source each take their own copy; no Message-ID
 * means the digest decides; several of one UIDL prefer the same size. */
static void t_recon_match(void)
{
	struct drv_index ix;
	struct engine_recon r;
	static const uint64_t sz[] = { 50, 50, 60, 70, 70, 80 };
	static const char *const mid[] = { "<d@x>", "<d@x>", "<d@x>", NULL, NULL, "<e@x>" };
	t_index(&ix, 6, NULL, mid, sz);
	T_REQUIRE(engine_recon_init(&r, &ix) == 0);
	size_t c[8];
	bool dig;
	struct engine_recon_want w = { NULL, "<d@x>", 60 };
	T_INTEQ(engine_recon_candidates(&r, &w, c, 8, &dig), 1);
	T_CHECK(!dig && c[0] == 2);
	engine_recon_take(&r, c[0]);
	T_INTEQ(engine_recon_candidates(&r, &w, c, 8, &dig), 0);   /* claimed once */
	w.size = 50;                                                 /* two equal: a tie */
	T_INTEQ(engine_recon_candidates(&r, &w, c, 8, &dig), 2);
	T_CHECK(dig);
	engine_recon_take(&r, c[0]);
	T_INTEQ(engine_recon_candidates(&r, &w, c, 8, &dig), 1);   /* the duplicate's own copy */
	engine_recon_take(&r, c[0]);
	T_INTEQ(engine_recon_candidates(&r, &w, c, 8, &dig), 0);   /* a third is copied */
	struct engine_recon_want bare = { NULL, NULL, 70 };
	T_INTEQ(engine_recon_candidates(&r, &bare, c, 8, &dig), 2);
	T_CHECK(dig);
	bare.size = 80;                                              /* has a Message-ID: not bare */
	T_INTEQ(engine_recon_candidates(&r, &bare, c, 8, &dig), 0);
	struct engine_recon_want sizeoff = { NULL, "<e@x>", 81 };
	T_INTEQ(engine_recon_candidates(&r, &sizeoff, c, 8, &dig), 0);
	engine_recon_free(&r);

	static const uint64_t s2[] = { 40, 41 };
	static const char *const fb[] = { "U1", "U1" };
	t_index(&ix, 2, fb, NULL, s2);
	T_REQUIRE(engine_recon_init(&r, &ix) == 0);
	struct engine_recon_want u = { "U1", NULL, 41 };
	T_INTEQ(engine_recon_candidates(&r, &u, c, 8, &dig), 1);
	T_CHECK(!dig && c[0] == 1);
	engine_recon_take_uid(&r, 20);
	u.size = 99;                                                 /* no same size: by header */
	T_INTEQ(engine_recon_candidates(&r, &u, c, 8, &dig), 1);
	T_CHECK(c[0] == 0);
	engine_recon_free(&r);
}

static void t_recon_size(void)
{
	T_INTEQ(engine_recon_stored_size("a\r\nb\nc\r", 7), 9);
	T_INTEQ(engine_recon_stored_size("", 0), 0);
}

int main(void)
{
	T_RUN(t_recon_missing);
	T_RUN(t_recon_match);
	T_RUN(t_recon_size);
	return T_DONE();
}
