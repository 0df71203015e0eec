/* journal_fill: write a journal as a prestage run and an unfinished final run would
 * leave it, for testing status and uidl export without servers.
 * Usage: journal_fill FILE.db DST_UIDVALIDITY */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mapping/journal.h"

struct fill_msg {
	const char *customer, *key;
	unsigned seq, dst_uid;
	unsigned long long size;
	enum journal_msg_state state;
};

/* inf0001's three messages were appended in an order unlike the old server's, so the
 * O fields matter: POP3 order 3, 1, 2 for UIDs 1, 2, 3. */
static const struct fill_msg fill_msgs[] = {
	{ "inf0001", "old-uidl-c", 3, 1, 300, JOURNAL_MSG_DONE },
	{ "inf0001", "old-uidl-a", 1, 2, 100, JOURNAL_MSG_DONE },
	{ "inf0001", "old-uidl-b", 2, 3, 200, JOURNAL_MSG_DONE },
	{ "inf0002", "UID1-1035000000", 1, 1, 1000, JOURNAL_MSG_DONE },
	{ "inf0002", "UID2-1035000000", 2, 0, 2000, JOURNAL_MSG_INTENT },
	{ "inf0002", "UID3-1035000000", 3, 0, 3000, JOURNAL_MSG_FAILED },
	{ "inf0003", "0000000100000001", 1, 1, 10, JOURNAL_MSG_DONE },
	{ "inf0003", "0000000200000001", 2, 2, 20, JOURNAL_MSG_DONE },
	{ "gone01", "x1", 1, 1, 5, JOURNAL_MSG_DONE },
};

static int fill(struct journal *j, unsigned uidvalidity, struct err *e)
{
	int64_t run1, run2;
	if (journal_run_begin(j, "run", "prestage", &run1, e) < 0 ||
	    journal_customer_upsert(j, "inf0001", "taro.yamada@infonia.ne.jp", e) < 0 ||
	    journal_customer_upsert(j, "inf0002", "hanako@infonia.ne.jp", e) < 0 ||
	    journal_customer_upsert(j, "inf0003", NULL, e) < 0 ||
	    journal_customer_upsert(j, "gone01", "gone@infonia.ne.jp", e) < 0 ||
	    journal_customer_set_uidl_style(j, "inf0001", "dovecot", e) < 0 ||
	    journal_customer_set_uidl_style(j, "inf0002", "courier", e) < 0)
		return -1;
	for (size_t i = 0; i < sizeof fill_msgs / sizeof fill_msgs[0]; i++) {
		const struct fill_msg *f = &fill_msgs[i];
		struct journal_msg m;
		memset(&m, 0, sizeof m);
		m.customer = f->customer;
		m.folder = "INBOX";
		m.src_key = f->key;
		m.src_kind = JOURNAL_KEY_UIDL;
		m.src_seq = f->seq;
		m.size = f->size;
		snprintf(m.sha256, sizeof m.sha256, "%064zx", i);
		m.dst_folder = "INBOX";
		m.dst_uidvalidity = uidvalidity;
		m.dst_uid = f->dst_uid;
		if (journal_msgs_intent(j, &m, 1, e) < 0)
			return -1;
		if (f->state == JOURNAL_MSG_DONE && journal_msgs_done(j, &m, 1, e) < 0)
			return -1;
		if (f->state == JOURNAL_MSG_FAILED &&
		    journal_msg_state(j, m.id, JOURNAL_MSG_FAILED, "message too big", e) < 0)
			return -1;
	}
	if (journal_customer_state(j, "inf0001", "done", NULL, NULL, e) < 0 ||
	    journal_customer_state(j, "gone01", "done", NULL, NULL, e) < 0 ||
	    journal_run_end(j, run1, 0, "4 customers", e) < 0 ||
	    journal_run_begin(j, "run", "final", &run2, e) < 0 ||
	    journal_customer_state(j, "inf0002", "failed", "auth", "login refused", e) < 0 ||
	    journal_customer_state(j, "inf0003", "running", NULL, NULL, e) < 0)
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	struct journal *j = NULL;
	struct err e;
	err_clear(&e);
	if (argc != 3) {
		fprintf(stderr, "usage: journal_fill FILE.db DST_UIDVALIDITY\n");
		return 64;
	}
	if (journal_open(&j, argv[1], &e) < 0 || fill(j, (unsigned)strtoul(argv[2], NULL, 10), &e) < 0) {
		fprintf(stderr, "journal_fill: %s\n", e.msg);
		journal_close(j);
		return 1;
	}
	journal_close(j);
	return 0;
}
