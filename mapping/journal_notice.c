/* journal_notice: customer notices, sent at most once per (customer, kind). A claim is
 * written before the mail goes out, so a crash while sending leaves an "in doubt" row
 * instead of a second mail on the next run. */
#include "mapping/journal_p.h"

#include <stdio.h>
#include <string.h>

/* The status of (customer, kind), "" when there is no row. */
static int journal_notice_status(struct journal *j, const char *customer, const char *kind,
                                 char *status, size_t cap, struct err *e)
{
	sqlite3_stmt *st = journal_stmt(j, JS_NOTICE_GET,
	                                "SELECT status FROM notice WHERE customer = ? AND kind = ?", e);
	int rc;
	status[0] = '\0';
	if (!st)
		return -1;
	journal_bind_text(st, 1, customer);
	journal_bind_text(st, 2, kind);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(status, cap, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return journal_fail(j, rc, "reading a notice", e);
	return 0;
}

int journal_notice_claim(struct journal *j, const char *customer, const char *kind,
                         const char *message_id, enum journal_notice_claim *out, struct err *e)
{
	char status[16];
	sqlite3_stmt *st;

	/* Read and claim under one write lock: two workers cannot both claim. */
	if (journal_tx_begin(j, e) < 0)
		return -1;
	if (journal_notice_status(j, customer, kind, status, sizeof status, e) < 0)
		goto fail;
	if (strcmp(status, "sent") == 0 || strcmp(status, "sending") == 0) {
		*out = strcmp(status, "sent") == 0 ? JOURNAL_NOTICE_ALREADY_SENT : JOURNAL_NOTICE_IN_DOUBT;
		journal_tx_rollback(j);
		return 0;
	}
	st = journal_stmt(j, JS_NOTICE_CLAIM,
	                  "INSERT INTO notice (customer, kind, message_id, status, detail, run_id, at) "
	                  "VALUES (?1, ?2, ?3, 'sending', NULL, ?4, ?5) "
	                  "ON CONFLICT (customer, kind) DO UPDATE SET message_id = excluded.message_id, "
	                  "status = 'sending', detail = NULL, run_id = excluded.run_id, at = excluded.at",
	                  e);
	if (!st)
		goto fail;
	journal_bind_text(st, 1, customer);
	journal_bind_text(st, 2, kind);
	journal_bind_text(st, 3, message_id);
	if (j->run_id)
		sqlite3_bind_int64(st, 4, j->run_id);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)time(NULL));
	if (journal_exec_stmt(j, st, "claiming a notice", e) < 0)
		goto fail;
	if (journal_tx_commit(j, e) < 0)
		return -1;
	*out = JOURNAL_NOTICE_CLAIMED;
	return 0;
fail:
	journal_tx_rollback(j);
	return -1;
}

int journal_notice_sent(struct journal *j, const char *customer, const char *kind, bool *sent,
                        struct err *e)
{
	char status[16];
	*sent = false;
	if (journal_notice_status(j, customer, kind, status, sizeof status, e) < 0)
		return -1;
	*sent = strcmp(status, "sent") == 0;
	return 0;
}

int journal_notice_mark(struct journal *j, const char *customer, const char *kind,
                        const char *message_id, const char *status, const char *detail,
                        struct err *e)
{
	sqlite3_stmt *st = journal_stmt(
		j, JS_NOTICE_MARK,
		"INSERT INTO notice (customer, kind, message_id, status, detail, run_id, at) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
		"ON CONFLICT (customer, kind) DO UPDATE SET "
		"message_id = coalesce(excluded.message_id, message_id), status = excluded.status, "
		"detail = excluded.detail, run_id = coalesce(excluded.run_id, run_id), at = excluded.at",
		e);
	if (!st)
		return -1;
	journal_bind_text(st, 1, customer);
	journal_bind_text(st, 2, kind);
	journal_bind_text(st, 3, message_id);
	journal_bind_text(st, 4, status);
	journal_bind_text(st, 5, detail);
	if (j->run_id)
		sqlite3_bind_int64(st, 6, j->run_id);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)time(NULL));
	return journal_write1(j, st, "recording a notice", e);
}
