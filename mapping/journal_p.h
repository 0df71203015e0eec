/* journal_p: what the journal's own files share: the connection, its cached statements,
 * error translation and the write-transaction helpers. Not for other modules. */
#ifndef CUTOVER_JOURNAL_P_H
#define CUTOVER_JOURNAL_P_H

#include <sqlite3.h>
#include <time.h>

#include "mapping/journal.h"

/* One slot per SQL statement, prepared on first use and kept for the connection's life. */
enum journal_stmt_id {
	JS_BEGIN, JS_COMMIT, JS_ROLLBACK,
	JS_RUN_BEGIN, JS_RUN_END, JS_RUN_LAST, JS_RUN_LOG, JS_INV_PUT, JS_INV_GET,
	JS_CUST_UPSERT, JS_CUST_STATE, JS_CUST_STYLE,
	JS_EVENT,
	JS_MSG_LOAD, JS_MSG_INTENT, JS_MSG_DONE_ID, JS_MSG_DONE_KEY, JS_MSG_SEQ, JS_MSG_STATE,
	JS_MSG_DST_UIDL, JS_MSG_FLAGS, JS_MSG_PAGE_ALL, JS_MSG_PAGE_ONE,
	JS_SUMMARY,
	JS_NOTICE_GET, JS_NOTICE_CLAIM, JS_NOTICE_MARK,
	JS_COUNT
};

struct journal {
	sqlite3 *db;
	char *path;
	bool ro;
	int64_t run_id;
	int last_rc;                 /* of the last failure journal_fail translated */
	int busy_ms;                 /* how long a write waits for the lock */
	struct timespec busy_since;  /* when the current wait began */
	sqlite3_stmt *stmt[JS_COUNT];
};

/* The cached statement for id, reset and with bindings cleared; NULL with e set. */
sqlite3_stmt *journal_stmt(struct journal *j, enum journal_stmt_id id, const char *sql,
                           struct err *e);
/* Translate a SQLite failure into e ("<path>: <sqlite message> (<what>)"); returns -1. */
int journal_fail(struct journal *j, int rc, const char *what, struct err *e);
/* Step a statement that returns no rows (or whose rows are ignored). */
int journal_exec_stmt(struct journal *j, sqlite3_stmt *st, const char *what, struct err *e);

/* Write transactions: BEGIN IMMEDIATE takes the write lock up front, so the busy
 * timeout applies and no deferred read-then-write can fail with BUSY_SNAPSHOT.
 * journal_tx_commit counts the write for journal_crash_point. */
int journal_tx_begin(struct journal *j, struct err *e);
int journal_tx_commit(struct journal *j, struct err *e);
void journal_tx_rollback(struct journal *j);
/* One statement as one write transaction. */
int journal_write1(struct journal *j, sqlite3_stmt *st, const char *what, struct err *e);
/* The same for an UPDATE meant to change exactly one row: *found false (and nothing
 * written) when it changed none. */
int journal_update1(struct journal *j, sqlite3_stmt *st, const char *what, bool *found,
                    struct err *e);

/* Bind helpers: NULL strings bind SQL NULL. */
int journal_bind_text(sqlite3_stmt *st, int idx, const char *s);
/* Copy a text column (NULL stays NULL); -1 on allocation failure. */
int journal_col_dup(sqlite3_stmt *st, int col, char **out);

/* Create or migrate the schema on a fresh write connection; check it on a read-only one. */
int journal_schema_apply(struct journal *j, struct err *e);

#endif
