/* test_engine_diff: the engine's pure parts — the folder diff (listing + journal rows ->
 * work) and the UIDL strategies' message-level decisions — with no journal file, no
 * driver and no server. */
#include <stdlib.h>
#include <string.h>

#include "migrate/engine/engine_p.h"
#include "migrate/uidl/uidl.h"
#include "tests/unit/t.h"

static struct drv_msg t_listed(char *key, enum drv_key_kind kind, uint32_t seq, uint64_t size,
                               unsigned flags)
{
	struct drv_msg m;
	memset(&m, 0, sizeof m);
	m.key = key;
	m.kind = kind;
	m.seq = seq;
	m.size = size;
	m.flags = flags;
	return m;
}

static struct journal_msg t_row(const char *key, uint32_t seq, enum journal_msg_state st,
                                uint32_t uidvalidity)
{
	struct journal_msg r;
	memset(&r, 0, sizeof r);
	r.src_key = key;
	r.src_kind = uidvalidity ? JOURNAL_KEY_UID : JOURNAL_KEY_UIDL;
	r.src_seq = seq;
	r.src_uidvalidity = uidvalidity;
	r.state = st;
	return r;
}

/* Done rows are skipped, INTENT comes back in doubt, FAILED is tried again as new, a
 * moved message gets its new position, \Deleted is left when asked. */
static void t_diff_states(void)
{
	char k[6][8] = { "a", "b", "c", "d", "e", "f" };
	struct drv_msg v[6] = {
		t_listed(k[0], DRV_KEY_UIDL, 1, 10, 0), t_listed(k[1], DRV_KEY_UIDL, 2, 20, 0),
		t_listed(k[2], DRV_KEY_UIDL, 3, 30, 0), t_listed(k[3], DRV_KEY_UIDL, 4, 40, 0),
		t_listed(k[4], DRV_KEY_UIDL, 5, 50, DRV_FLAG_DELETED), t_listed(k[5], DRV_KEY_UIDL, 6, 60, 0),
	};
	/* sorted by key, as journal_msgs_load returns them */
	struct journal_msg rows[4] = {
		t_row("a", 1, JOURNAL_MSG_DONE, 0), t_row("b", 7, JOURNAL_MSG_SKIPPED, 0),
		t_row("c", 3, JOURNAL_MSG_INTENT, 0), t_row("d", 4, JOURNAL_MSG_FAILED, 0),
	};
	struct drv_msg_list list = { v, 6 };
	struct journal_msg_set set = { rows, 4 };
	struct engine_work w;
	T_REQUIRE(engine_diff(&list, &set, true, 0, &w) == 0);
	T_INTEQ(w.n, 3);
	T_STREQ(w.todo[0]->key, "c");
	T_CHECK(w.prev[0] == &rows[2]);
	T_STREQ(w.todo[1]->key, "d");
	T_CHECK(w.prev[1] == NULL);
	T_STREQ(w.todo[2]->key, "f");
	T_INTEQ(w.skipped, 3);
	T_INTEQ(w.skipped_bytes, 10 + 20 + 50);
	T_INTEQ(w.listed_bytes, 210);
	T_INTEQ(w.n_reseq, 1);
	T_STREQ(w.reseq[0].src_key, "b");
	T_INTEQ(w.reseq[0].src_seq, 2);
	T_INTEQ(w.stale, 0);
	engine_work_free(&w);
	/* copy_deleted: the \Deleted one is work too */
	T_REQUIRE(engine_diff(&list, &set, false, 0, &w) == 0);
	T_INTEQ(w.n, 4);
	engine_work_free(&w);
}

/* Rows copied under another UIDVALIDITY are counted for re-matching; rows of a UIDL
 * source never are, whatever their numbers say. */
static void t_diff_stale(void)
{
	char k[2][8] = { "9/1", "9/2" };
	struct drv_msg v[2] = { t_listed(k[0], DRV_KEY_UID, 1, 10, 0), t_listed(k[1], DRV_KEY_UID, 2, 10, 0) };
	struct journal_msg rows[3] = {
		t_row("7/1", 1, JOURNAL_MSG_DONE, 7), t_row("7/2", 2, JOURNAL_MSG_DONE, 7),
		t_row("UIDL1", 3, JOURNAL_MSG_DONE, 0),
	};
	rows[2].src_uidvalidity = 5;
	struct drv_msg_list list = { v, 2 };
	struct journal_msg_set set = { rows, 3 };
	struct engine_work w;
	T_REQUIRE(engine_diff(&list, &set, false, 9, &w) == 0);
	T_INTEQ(w.n, 2);
	T_INTEQ(w.stale, 2);
	engine_work_free(&w);
	T_REQUIRE(engine_diff(&list, &set, false, 7, &w) == 0);
	T_INTEQ(w.stale, 0);
	engine_work_free(&w);
}

/* preserve adds X-UIDL only for a remembered UIDL that fits a header, finds by it, and
 * strips it again; record and none leave the message alone. */
static void t_uidl_strategies(void)
{
	const char *msg = "Subject: x\r\n\r\nbody\r\n", *name = NULL, *value = NULL;
	const struct uidl_ops *pr = &uidl_preserve_ops;
	struct buf b;
	bool lost;
	struct err e;
	err_clear(&e);
	buf_init(&b, 0);
	T_CHECK(uidl_remembered(DRV_KEY_UIDL));
	T_CHECK(!uidl_remembered(DRV_KEY_DIGEST) && !uidl_remembered(DRV_KEY_UID));
	T_REQUIRE(pr->prepare("UID1", DRV_KEY_UIDL, msg, strlen(msg), &b, &lost, &e) == 0);
	T_CHECK(!lost);
	T_CHECK(b.len == strlen(msg) + 14 && memcmp(b.data, "X-UIDL: UID1\r\n", 14) == 0);
	T_INTEQ(pr->strip("UID1", DRV_KEY_UIDL, b.data, b.len), 14);
	/* a message of an IMAP source never got one: its own leading X-UIDL stays */
	T_INTEQ(pr->strip("7/1", DRV_KEY_UID, b.data, b.len), 0);
	T_CHECK(pr->find("UID1", DRV_KEY_UIDL, &name, &value));
	T_STREQ(name, "X-UIDL");
	T_STREQ(value, "UID1");
	/* a digest key or an IMAP key was never a client's UIDL */
	T_REQUIRE(pr->prepare("sha256:ab", DRV_KEY_DIGEST, msg, strlen(msg), &b, &lost, &e) == 0);
	T_CHECK(!lost && b.len == strlen(msg));
	T_CHECK(!pr->find("7/1", DRV_KEY_UID, &name, &value));
	/* a UIDL with a space cannot be a header value: copied as is, and said */
	T_REQUIRE(pr->prepare("a b", DRV_KEY_UIDL, msg, strlen(msg), &b, &lost, &e) == 0);
	T_CHECK(lost && b.len == strlen(msg));
	const struct uidl_ops *others[] = { &uidl_record_ops, &uidl_none_ops };
	for (size_t i = 0; i < 2; i++) {
		T_REQUIRE(others[i]->prepare("UID1", DRV_KEY_UIDL, msg, strlen(msg), &b, &lost, &e) == 0);
		T_CHECK(!lost && b.len == strlen(msg) && memcmp(b.data, msg, b.len) == 0);
		T_CHECK(!others[i]->find("UID1", DRV_KEY_UIDL, &name, &value));
		T_INTEQ(others[i]->strip("UID1", DRV_KEY_UIDL, "X-UIDL: UID1\r\n", 14), 0);
		T_CHECK(!others[i]->promised);
	}
	T_CHECK(pr->promised);
	T_CHECK(uidl_record_ops.finish != NULL && uidl_none_ops.finish == NULL);
	buf_release(&b);
}

int main(void)
{
	T_RUN(t_diff_states);
	T_RUN(t_diff_stale);
	T_RUN(t_uidl_strategies);
	return T_DONE();
}
