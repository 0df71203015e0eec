/* journal: the SQLite record of a cutover (WAL). What was copied, where it went, how
 * POP3 UIDLs map, which notices were sent, and every run. Each worker opens its own
 * connection (journal_open) and uses it from one thread only; every write is one
 * BEGIN IMMEDIATE transaction with a busy timeout, so several workers may write at once.
 * Nothing in this API takes a password: the journal never holds one. */
#ifndef CUTOVER_JOURNAL_H
#define CUTOVER_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/err.h"

struct journal;

#define JOURNAL_SCHEMA_VERSION 5
#define JOURNAL_BUSY_TIMEOUT_MS 15000

/* Open for writing, creating the file (mode 0600) and creating or migrating the schema.
 * A journal written by a newer cutover is refused (ERR_DATA). */
int journal_open(struct journal **out, const char *path, struct err *e);
/* Open read-only (status, export): never creates or migrates. A missing file is
 * ERR_NOTFOUND, so a caller can say "no runs yet". */
int journal_open_ro(struct journal **out, const char *path, struct err *e);
void journal_close(struct journal *j);
const char *journal_path(const struct journal *j);
/* How long a write waits for another connection's write lock before failing with
 * "database is locked" (default JOURNAL_BUSY_TIMEOUT_MS). */
void journal_set_busy_timeout(struct journal *j, int ms);

/* Runs. run_begin also makes the new run this connection's current run; a worker's own
 * connection joins it with journal_set_run. Message and customer rows written through
 * a connection remember its current run. */
int journal_run_begin(struct journal *j, const char *command, const char *phase, int64_t *run_id,
                      struct err *e);
int journal_run_end(struct journal *j, int64_t run_id, int exit_code, const char *summary,
                    struct err *e);
void journal_set_run(struct journal *j, int64_t run_id);
/* Where the run writes its log (an absolute path; "syslog" for syslog only). */
int journal_run_set_log(struct journal *j, int64_t run_id, const char *log, struct err *e);

struct journal_run {
	int64_t id;
	char *command, *phase, *summary;   /* summary NULL while running */
	char *log;                         /* the run's log file; NULL = none */
	time_t started, ended;             /* ended 0 while running (or crashed) */
	int exit_code;                     /* -1 while running */
};
/* The latest run; *found false when there is none. Free with journal_run_release. */
int journal_run_last(struct journal *j, struct journal_run *out, bool *found, struct err *e);
/* The latest run of one command ("run": which phase was copied last). */
int journal_run_last_of(struct journal *j, const char *command, struct journal_run *out,
                        bool *found, struct err *e);
void journal_run_release(struct journal_run *r);

/* The last dry-run's inventory: messages and bytes on the source per customer, replaced
 * by each dry-run; a run's progress takes its totals from it. */
int journal_inventory_put(struct journal *j, const char *customer, uint64_t msgs, uint64_t bytes,
                          struct err *e);
/* *found false when no dry-run counted this customer. */
int journal_inventory_get(struct journal *j, const char *customer, uint64_t *msgs,
                          uint64_t *bytes, bool *found, struct err *e);

/* Customers: state is "pending", "running", "done", "failed". Upsert keeps the state. */
int journal_customer_upsert(struct journal *j, const char *id, const char *email, struct err *e);
int journal_customer_state(struct journal *j, const char *id, const char *state,
                           const char *err_class, const char *err_text, struct err *e);
/* The source's UIDL style as detected ("dovecot", "courier", "uw", "cyrus", "qmail",
 * "none" …): status shows it, the notices use it. */
int journal_customer_set_uidl_style(struct journal *j, const char *id, const char *style,
                                    struct err *e);

/* Messages.
 * state: JOURNAL_MSG_INTENT is written before the APPEND, JOURNAL_MSG_DONE after it
 * succeeded (with the destination UID when known). A message found in INTENT on start
 * is "in doubt": the engine looks for it on the destination before appending again. */
enum journal_msg_state { JOURNAL_MSG_INTENT = 1, JOURNAL_MSG_DONE = 2, JOURNAL_MSG_SKIPPED = 3,
                         JOURNAL_MSG_FAILED = 4 };

/* What src_key is; the same values as the source driver's enum drv_key_kind (the journal
 * stores the number, so these never change). Only JOURNAL_KEY_UIDL is something a
 * customer's mail program remembers. */
enum journal_key_kind { JOURNAL_KEY_UIDL = 1, JOURNAL_KEY_DIGEST = 2, JOURNAL_KEY_UID = 3 };

struct journal_msg {
	int64_t id;                 /* row id, 0 before insert */
	const char *customer;
	const char *folder;         /* source folder, "INBOX" for POP3 */
	const char *src_key;        /* POP3 UIDL, "sha256:<hex>" without UIDL, or "uidvalidity/uid" */
	enum journal_key_kind src_kind;   /* which of the three src_key is */
	uint32_t src_seq;           /* POP3 order / IMAP position, to keep order */
	uint32_t src_uidvalidity, src_uid;   /* src_uid 0 = POP3 source */
	uint64_t size;
	char sha256[65];            /* hex of the source bytes ("" = unknown) */
	const char *message_id;     /* may be NULL */
	const char *dst_folder;     /* may be NULL until DONE */
	uint32_t dst_uidvalidity, dst_uid;   /* 0 = unknown (no APPENDUID) */
	const char *dst_uidl;       /* the UIDL the destination serves (record strategy / verify) */
	unsigned flags;             /* DRV_FLAG_* as copied */
	const char *keywords;       /* IMAP keywords as copied, space-separated; NULL = none */
	enum journal_msg_state state;
	const char *why;            /* SKIPPED/FAILED reason; NULL otherwise */
	/* DONE, but not byte for byte: what the destination made us change ("2 NUL bytes
	 * removed"); NULL = stored exactly. Written by journal_msgs_done. */
	const char *altered;
	/* When the row last changed (Unix seconds): read back, and set by the writes that
	 * insert rows. For an INTENT row, when its APPEND was about to be sent — how long
	 * ago it may still have been on its way. */
	int64_t updated;
};

/* The old POP3 UIDL of a message (src_kind JOURNAL_KEY_UIDL), or NULL when its key is a
 * content digest or an IMAP UID. */
const char *journal_msg_old_uidl(const struct journal_msg *m);

/* Every message known for (customer, folder), sorted by src_key so the engine can skip
 * what is done and find what is in doubt. Strings in the set are owned by it. */
struct journal_msg_set {
	struct journal_msg *v;
	size_t n;
};
int journal_msgs_load(struct journal *j, const char *customer, const char *folder,
                      struct journal_msg_set *out, struct err *e);
void journal_msg_set_free(struct journal_msg_set *s);
/* Look up by key in a loaded set (binary search). */
const struct journal_msg *journal_msg_set_find(const struct journal_msg_set *s, const char *src_key);

/* Write INTENT rows for a batch (one transaction); fills m[i].id. Idempotent: a row that
 * exists for (customer, folder, src_key) is updated in place (same id), its destination
 * fields cleared, since a new APPEND is about to happen. The customer must exist. */
int journal_msgs_intent(struct journal *j, struct journal_msg *m, size_t n, struct err *e);
/* Mark DONE with destination identity (dst_folder, dst_uidvalidity, dst_uid, dst_uidl,
 * flags), one transaction for the batch. Rows are found by id, or by (customer, folder,
 * src_key) when id is 0; a row that does not exist is an error (ERR_INTERNAL). */
int journal_msgs_done(struct journal *j, const struct journal_msg *m, size_t n, struct err *e);
/* Record the current source order of messages already known (a later pass lists the
 * source again; POP3 numbers shift when mail was deleted). By (customer, folder, src_key). */
int journal_msgs_set_seq(struct journal *j, const struct journal_msg *m, size_t n, struct err *e);
int journal_msg_state(struct journal *j, int64_t id, enum journal_msg_state st, const char *why,
                      struct err *e);
/* Record that one message could not be copied (JOURNAL_MSG_FAILED, with why): inserts the
 * row by (customer, folder, src_key) or updates it in place, destination fields cleared;
 * fills m->id. A later pass tries it again like a new message. */
int journal_msg_fail(struct journal *j, struct journal_msg *m, const char *why, struct err *e);
/* The flags and keywords now on the destination (a later phase applied the source's changes). */
int journal_msg_set_flags(struct journal *j, int64_t id, unsigned flags, const char *keywords,
                          struct err *e);
int journal_msg_set_dst_uidl(struct journal *j, int64_t id, const char *uidl, struct err *e);

/* Events: free text for the operator, never a secret. level: "info", "warn", "error". */
int journal_event(struct journal *j, int64_t run_id, const char *customer, const char *level,
                  const char *text, struct err *e);

/* Per-customer totals for status/verify, sorted by id. */
struct journal_customer_summary {
	char *id, *email, *state, *err_class, *err_text, *uidl_style;
	uint64_t msgs_done, msgs_intent, msgs_failed, msgs_skipped, bytes_done;
	uint64_t msgs_altered;      /* DONE with a recorded change (message.altered) */
	int64_t last_run;           /* 0 = none */
	time_t updated;
};
int journal_summary(struct journal *j, struct journal_customer_summary **out, size_t *n,
                    struct err *e);
void journal_summary_free(struct journal_customer_summary *v, size_t n);

/* Iterate messages of one customer (NULL = all), ordered by customer, folder, src_seq.
 * journal_each_msg: DONE rows (uidl export, verify: key, size, sha256, order).
 * journal_each_in_doubt: INTENT rows (resume). The callback may write through the same
 * connection: rows are read in pages, no statement stays open across a callback.
 * A callback returning non-zero stops the walk; that value is returned. */
typedef int (*journal_msg_cb)(void *ctx, const struct journal_msg *m);
int journal_each_msg(struct journal *j, const char *customer, journal_msg_cb cb, void *ctx,
                     struct err *e);
int journal_each_in_doubt(struct journal *j, const char *customer, journal_msg_cb cb, void *ctx,
                          struct err *e);

/* Notices, exactly once per (customer, kind).
 * journal_notice_claim atomically takes the right to send before sending: CLAIMED (go on,
 * then journal_notice_mark "sent" or "failed"), ALREADY_SENT, or IN_DOUBT (a claim
 * without outcome: an earlier run died while sending; check the mail log for message_id
 * before sending again). A "failed" notice may be claimed again. */
enum journal_notice_claim { JOURNAL_NOTICE_CLAIMED, JOURNAL_NOTICE_ALREADY_SENT,
                            JOURNAL_NOTICE_IN_DOUBT };
int journal_notice_claim(struct journal *j, const char *customer, const char *kind,
                         const char *message_id, enum journal_notice_claim *out, struct err *e);
int journal_notice_sent(struct journal *j, const char *customer, const char *kind, bool *sent,
                        struct err *e);
/* status: "sent" or "failed" (or "sending" to re-claim explicitly). */
int journal_notice_mark(struct journal *j, const char *customer, const char *kind,
                        const char *message_id, const char *status, const char *detail,
                        struct err *e);

/* A test-only fault switch: with CUTOVER_CRASH_AFTER_WRITES=N in the environment the
 * process _exit(99)s right after the N-th journal write commits (counted across all
 * connections and threads of the process), so tests can crash a run at every step and
 * check the resume. Every write function above calls it after its commit. */
void journal_crash_point(void);

#endif
