/* journal: the SQLite record of a cutover (WAL). What was copied, where it went, how
 * POP3 UIDLs map, which notices were sent, and every run. Each worker opens its own
 * connection (journal_open); writes are single statements or BEGIN IMMEDIATE
 * transactions with a busy timeout, so several workers may write at once. */
#ifndef CUTOVER_JOURNAL_H
#define CUTOVER_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/err.h"

struct journal;

#define JOURNAL_SCHEMA_VERSION 1

/* Open (creating and migrating the schema as needed). */
int journal_open(struct journal **out, const char *path, struct err *e);
void journal_close(struct journal *j);

/* Runs */
int journal_run_begin(struct journal *j, const char *command, const char *phase, int64_t *run_id,
                      struct err *e);
int journal_run_end(struct journal *j, int64_t run_id, int exit_code, const char *summary,
                    struct err *e);

/* Customers: state is "pending", "running", "done", "failed". */
int journal_customer_upsert(struct journal *j, const char *id, const char *email, struct err *e);
int journal_customer_state(struct journal *j, const char *id, const char *state,
                           const char *err_class, const char *err_text, struct err *e);
int journal_customer_set_uidl_style(struct journal *j, const char *id, const char *style,
                                    struct err *e);

/* Messages.
 * state: JOURNAL_MSG_INTENT is written before the APPEND, JOURNAL_MSG_DONE after it
 * succeeded (with the destination UID when known). A message found in INTENT on start
 * is "in doubt": the engine looks for it on the destination before appending again. */
enum journal_msg_state { JOURNAL_MSG_INTENT = 1, JOURNAL_MSG_DONE = 2, JOURNAL_MSG_SKIPPED = 3,
                         JOURNAL_MSG_FAILED = 4 };

struct journal_msg {
	int64_t id;                 /* row id, 0 before insert */
	const char *customer;
	const char *folder;         /* source folder, "INBOX" for POP3 */
	const char *src_key;        /* POP3 UIDL or "uidvalidity/uid" */
	uint32_t src_seq;           /* POP3 order / IMAP position, to keep order */
	uint32_t src_uidvalidity, src_uid;
	uint64_t size;
	char sha256[65];            /* hex of the source bytes */
	const char *message_id;     /* may be NULL */
	const char *dst_folder;
	uint32_t dst_uidvalidity, dst_uid;
	const char *dst_uidl;       /* the UIDL the destination serves (record strategy / verify) */
	unsigned flags;             /* DRV_FLAG_* as copied */
	enum journal_msg_state state;
};

/* Load the state of every message known for (customer, folder): the engine uses it to
 * skip what is done and to find what is in doubt. Strings in the result are owned by it. */
struct journal_msg_set {
	struct journal_msg *v;
	size_t n;
	void *strings;              /* private */
};
int journal_msgs_load(struct journal *j, const char *customer, const char *folder,
                      struct journal_msg_set *out, struct err *e);
void journal_msg_set_free(struct journal_msg_set *s);
/* Look up by key in a loaded set (binary search; the set is sorted by src_key). */
const struct journal_msg *journal_msg_set_find(const struct journal_msg_set *s, const char *src_key);

/* Write INTENT rows for a batch (one transaction); fills m[i].id. */
int journal_msgs_intent(struct journal *j, struct journal_msg *m, size_t n, struct err *e);
/* Mark DONE with destination identity (one transaction for the batch). */
int journal_msgs_done(struct journal *j, const struct journal_msg *m, size_t n, struct err *e);
int journal_msg_state(struct journal *j, int64_t id, enum journal_msg_state st, const char *why,
                      struct err *e);
int journal_msg_set_dst_uidl(struct journal *j, int64_t id, const char *uidl, struct err *e);

/* Events: free text for the operator, never a secret. level: "info", "warn", "error". */
int journal_event(struct journal *j, int64_t run_id, const char *customer, const char *level,
                  const char *text, struct err *e);

/* Per-customer totals for status/verify. */
struct journal_customer_summary {
	char *id, *email, *state, *err_class, *err_text, *uidl_style;
	uint64_t msgs_done, msgs_intent, msgs_failed, bytes_done;
	time_t updated;
};
int journal_summary(struct journal *j, struct journal_customer_summary **out, size_t *n,
                    struct err *e);
void journal_summary_free(struct journal_customer_summary *v, size_t n);

/* Iterate every DONE message (for uidl export and verify), ordered by customer, folder, src_seq. */
typedef int (*journal_msg_cb)(void *ctx, const struct journal_msg *m);
int journal_each_msg(struct journal *j, const char *customer, journal_msg_cb cb, void *ctx,
                     struct err *e);

/* Notices: "sent" once per (customer, kind); a re-run never sends twice. */
int journal_notice_sent(struct journal *j, const char *customer, const char *kind, bool *sent,
                        struct err *e);
int journal_notice_mark(struct journal *j, const char *customer, const char *kind,
                        const char *message_id, const char *status, const char *detail,
                        struct err *e);

/* A test-only fault switch: with CUTOVER_CRASH_AFTER_WRITES=N in the environment the
 * process _exit(99)s right after the N-th journal write commits, so tests can crash a run
 * at every step and check the resume. */
void journal_crash_point(void);

#endif
