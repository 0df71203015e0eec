/* journal_msgs: the message table: load a folder's known messages, the INTENT/DONE batch
 * writes around an APPEND, and paged walks over DONE and in-doubt rows. */
#include "mapping/journal_p.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JOURNAL_MSG_COLS                                                                         \
	"id, customer, folder, src_key, src_seq, src_uidvalidity, src_uid, size, sha256, "        \
	"message_id, dst_folder, dst_uidvalidity, dst_uid, dst_uidl, flags, state, why, keywords, "  \
	"src_kind, altered, updated"

/* Rows per page of a walk: small enough to keep memory flat, large enough that the
 * per-page query cost disappears. */
#define JOURNAL_PAGE 256

const char *journal_msg_old_uidl(const struct journal_msg *m)
{
	if (m->src_kind != JOURNAL_KEY_UIDL || !m->src_key)
		return NULL;
	return m->src_key;
}

static void journal_msg_strings_free(struct journal_msg *m)
{
	free((char *)m->customer);
	free((char *)m->folder);
	free((char *)m->src_key);
	free((char *)m->message_id);
	free((char *)m->dst_folder);
	free((char *)m->dst_uidl);
	free((char *)m->why);
	free((char *)m->keywords);
	free((char *)m->altered);
}

/* Fill m from the current row (columns JOURNAL_MSG_COLS); strings are copies. */
static int journal_msg_from_row(sqlite3_stmt *st, struct journal_msg *m)
{
	char *s[9];
	const unsigned char *sha;
	memset(m, 0, sizeof *m);
	m->id = sqlite3_column_int64(st, 0);
	m->src_seq = (uint32_t)sqlite3_column_int64(st, 4);
	m->src_uidvalidity = (uint32_t)sqlite3_column_int64(st, 5);
	m->src_uid = (uint32_t)sqlite3_column_int64(st, 6);
	m->size = (uint64_t)sqlite3_column_int64(st, 7);
	sha = sqlite3_column_text(st, 8);
	if (sha)
		snprintf(m->sha256, sizeof m->sha256, "%s", (const char *)sha);
	m->dst_uidvalidity = (uint32_t)sqlite3_column_int64(st, 11);
	m->dst_uid = (uint32_t)sqlite3_column_int64(st, 12);
	m->flags = (unsigned)sqlite3_column_int64(st, 14);
	m->state = (enum journal_msg_state)sqlite3_column_int(st, 15);
	m->src_kind = (enum journal_key_kind)sqlite3_column_int(st, 18);
	m->updated = sqlite3_column_int64(st, 20);
	if (journal_col_dup(st, 1, &s[0]) | journal_col_dup(st, 2, &s[1]) |
	    journal_col_dup(st, 3, &s[2]) | journal_col_dup(st, 9, &s[3]) |
	    journal_col_dup(st, 10, &s[4]) | journal_col_dup(st, 13, &s[5]) |
	    journal_col_dup(st, 16, &s[6]) | journal_col_dup(st, 17, &s[7]) |
	    journal_col_dup(st, 19, &s[8])) {
		for (int i = 0; i < 9; i++)
			free(s[i]);
		return -1;
	}
	m->customer = s[0];
	m->folder = s[1];
	m->src_key = s[2];
	m->message_id = s[3];
	m->dst_folder = s[4];
	m->dst_uidl = s[5];
	m->why = s[6];
	m->keywords = s[7];
	m->altered = s[8];
	return 0;
}

/* ---- load / find ----------------------------------------------------------------- */

int journal_msgs_load(struct journal *j, const char *customer, const char *folder,
                      struct journal_msg_set *out, struct err *e)
{
	sqlite3_stmt *st = journal_stmt(j, JS_MSG_LOAD,
	                                "SELECT " JOURNAL_MSG_COLS " FROM message "
	                                "WHERE customer = ? AND folder = ? ORDER BY src_key", e);
	size_t alloc = 0;
	int rc;

	memset(out, 0, sizeof *out);
	if (!st)
		return -1;
	journal_bind_text(st, 1, customer);
	journal_bind_text(st, 2, folder);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (out->n == alloc) {
			size_t na = alloc ? alloc * 2 : 64;
			struct journal_msg *nv = realloc(out->v, na * sizeof *nv);
			if (!nv)
				goto nomem;
			out->v = nv;
			alloc = na;
		}
		if (journal_msg_from_row(st, &out->v[out->n]) < 0)
			goto nomem;
		out->n++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		journal_msg_set_free(out);
		return journal_fail(j, rc, "loading messages", e);
	}
	return 0;
nomem:
	sqlite3_reset(st);
	journal_msg_set_free(out);
	return err_set(e, ERR_NOMEM, "%s: out of memory loading messages", j->path);
}

void journal_msg_set_free(struct journal_msg_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		journal_msg_strings_free(&s->v[i]);
	free(s->v);
	memset(s, 0, sizeof *s);
}

/* The set is in SQLite's BINARY order, which is strcmp order for text without NULs. */
const struct journal_msg *journal_msg_set_find(const struct journal_msg_set *s, const char *src_key)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(s->v[mid].src_key, src_key);
		if (c == 0)
			return &s->v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* ---- batch writes ---------------------------------------------------------------- */

static int journal_msg_bind_intent(struct journal *j, sqlite3_stmt *st, const struct journal_msg *m,
                                   sqlite3_int64 now)
{
	journal_bind_text(st, 1, m->customer);
	journal_bind_text(st, 2, m->folder);
	journal_bind_text(st, 3, m->src_key);
	sqlite3_bind_int64(st, 4, m->src_seq);
	sqlite3_bind_int64(st, 5, m->src_uidvalidity);
	sqlite3_bind_int64(st, 6, m->src_uid);
	sqlite3_bind_int64(st, 7, (sqlite3_int64)m->size);
	sqlite3_bind_text(st, 8, m->sha256, -1, SQLITE_TRANSIENT);
	journal_bind_text(st, 9, m->message_id);
	journal_bind_text(st, 10, m->dst_folder);
	sqlite3_bind_int64(st, 11, m->flags);
	if (j->run_id)
		sqlite3_bind_int64(st, 12, j->run_id);
	sqlite3_bind_int64(st, 13, now);
	journal_bind_text(st, 14, m->keywords);
	sqlite3_bind_int(st, 15, (int)m->src_kind);
	return 0;
}

/* Insert or update rows in place (same id) in one transaction, as state `state` with
 * reason `why`; destination fields cleared: an INTENT is followed by a new APPEND, a
 * FAILED row has nothing on the destination. */
static int journal_msgs_upsert(struct journal *j, struct journal_msg *m, size_t n,
                               enum journal_msg_state state, const char *why, struct err *e)
{
	sqlite3_stmt *st = journal_stmt(
		j, JS_MSG_INTENT,
		"INSERT INTO message (customer, folder, src_key, src_seq, src_uidvalidity, src_uid, "
		"size, sha256, message_id, dst_folder, flags, state, run_id, created, updated, keywords, "
		"src_kind, why) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?16, ?12, ?13, ?13, ?14, ?15, ?17) "
		"ON CONFLICT (customer, folder, src_key) DO UPDATE SET "
		"src_seq = excluded.src_seq, src_uidvalidity = excluded.src_uidvalidity, "
		"src_kind = excluded.src_kind, "
		"src_uid = excluded.src_uid, size = excluded.size, sha256 = excluded.sha256, "
		"message_id = excluded.message_id, dst_folder = excluded.dst_folder, "
		"flags = excluded.flags, keywords = excluded.keywords, state = excluded.state, "
		"why = excluded.why, dst_uidvalidity = 0, dst_uid = 0, "
		"dst_uidl = NULL, run_id = excluded.run_id, updated = excluded.updated "
		"RETURNING id", e);
	sqlite3_int64 now = (sqlite3_int64)time(NULL);
	int rc;

	if (!st)
		return -1;
	/* Whether a key is an old UIDL is only ever answered by its kind: never guess one. */
	for (size_t i = 0; i < n; i++)
		if (m[i].src_kind < JOURNAL_KEY_UIDL || m[i].src_kind > JOURNAL_KEY_UID)
			return err_set(e, ERR_INTERNAL, "%s: message %s has no key kind", j->path,
			               m[i].src_key ? m[i].src_key : "?");
	if (journal_tx_begin(j, e) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		journal_msg_bind_intent(j, st, &m[i], now);
		sqlite3_bind_int(st, 16, (int)state);
		journal_bind_text(st, 17, why);
		rc = sqlite3_step(st);
		if (rc != SQLITE_ROW) {
			journal_fail(j, rc, "writing message rows", e);
			sqlite3_reset(st);
			journal_tx_rollback(j);
			return err_prefix(e, "customer %s, message %s: ", m[i].customer, m[i].src_key);
		}
		m[i].id = sqlite3_column_int64(st, 0);
		m[i].state = state;
		m[i].updated = now;
		sqlite3_reset(st);
	}
	return journal_tx_commit(j, e);
}

int journal_msgs_intent(struct journal *j, struct journal_msg *m, size_t n, struct err *e)
{
	return journal_msgs_upsert(j, m, n, JOURNAL_MSG_INTENT, NULL, e);
}

int journal_msg_fail(struct journal *j, struct journal_msg *m, const char *why, struct err *e)
{
	return journal_msgs_upsert(j, m, 1, JOURNAL_MSG_FAILED, why, e);
}

int journal_msgs_done(struct journal *j, const struct journal_msg *m, size_t n, struct err *e)
{
	sqlite3_stmt *by_id = journal_stmt(j, JS_MSG_DONE_ID, "UPDATE message SET state = 2, "
	                                   "dst_folder = coalesce(?1, dst_folder), dst_uidvalidity = ?2, "
	                                   "dst_uid = ?3, dst_uidl = ?4, flags = ?5, keywords = ?10, altered = ?11, "
	                                   "why = NULL, updated = ?6 WHERE id = ?7", e);
	sqlite3_stmt *by_key = by_id ? journal_stmt(j, JS_MSG_DONE_KEY,
	                                            "UPDATE message SET state = 2, "
	                                            "dst_folder = coalesce(?1, dst_folder), "
	                                            "dst_uidvalidity = ?2, dst_uid = ?3, dst_uidl = ?4, "
	                                            "flags = ?5, keywords = ?10, altered = ?11, why = NULL, "
	                                            "updated = ?6 WHERE customer = ?7 AND folder = ?8 AND src_key = ?9",
	                                            e)
	                              : NULL;
	sqlite3_int64 now = (sqlite3_int64)time(NULL);

	if (!by_key)
		return -1;
	if (journal_tx_begin(j, e) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		sqlite3_stmt *st = m[i].id ? by_id : by_key;
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		journal_bind_text(st, 1, m[i].dst_folder);
		sqlite3_bind_int64(st, 2, m[i].dst_uidvalidity);
		sqlite3_bind_int64(st, 3, m[i].dst_uid);
		journal_bind_text(st, 4, m[i].dst_uidl);
		sqlite3_bind_int64(st, 5, m[i].flags);
		sqlite3_bind_int64(st, 6, now);
		journal_bind_text(st, 10, m[i].keywords);
		journal_bind_text(st, 11, m[i].altered);
		if (m[i].id) {
			sqlite3_bind_int64(st, 7, m[i].id);
		} else {
			journal_bind_text(st, 7, m[i].customer);
			journal_bind_text(st, 8, m[i].folder);
			journal_bind_text(st, 9, m[i].src_key);
		}
		if (journal_exec_stmt(j, st, "marking messages done", e) < 0) {
			journal_tx_rollback(j);
			return -1;
		}
		if (sqlite3_changes(j->db) != 1) {
			journal_tx_rollback(j);
			return err_set(e, ERR_INTERNAL,
			               "%s: marking done a message that has no intent row (customer %s, "
			               "key %s, id %lld)",
			               j->path, m[i].customer ? m[i].customer : "?",
			               m[i].src_key ? m[i].src_key : "?", (long long)m[i].id);
		}
	}
	return journal_tx_commit(j, e);
}

int journal_msgs_set_seq(struct journal *j, const struct journal_msg *m, size_t n, struct err *e)
{
	sqlite3_stmt *st = journal_stmt(j, JS_MSG_SEQ,
	                                "UPDATE message SET src_seq = ?1, updated = ?2 "
	                                "WHERE customer = ?3 AND folder = ?4 AND src_key = ?5 "
	                                "AND src_seq <> ?1", e);
	sqlite3_int64 now = (sqlite3_int64)time(NULL);
	if (!st)
		return -1;
	if (journal_tx_begin(j, e) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		sqlite3_bind_int64(st, 1, m[i].src_seq);
		sqlite3_bind_int64(st, 2, now);
		journal_bind_text(st, 3, m[i].customer);
		journal_bind_text(st, 4, m[i].folder);
		journal_bind_text(st, 5, m[i].src_key);
		if (journal_exec_stmt(j, st, "recording the source order", e) < 0) {
			journal_tx_rollback(j);
			return -1;
		}
	}
	return journal_tx_commit(j, e);
}

/* An UPDATE of one message row by id that must find it. */
static int journal_msg_update1(struct journal *j, sqlite3_stmt *st, int64_t id, const char *what,
                               struct err *e)
{
	bool found;
	if (journal_update1(j, st, what, &found, e) < 0)
		return -1;
	if (!found)
		return err_set(e, ERR_INTERNAL, "%s: no message row %lld (%s)", j->path, (long long)id,
		               what);
	return 0;
}

int journal_msg_state(struct journal *j, int64_t id, enum journal_msg_state state, const char *why,
                      struct err *e)
{
	sqlite3_stmt *st = journal_stmt(j, JS_MSG_STATE,
	                                "UPDATE message SET state = ?, why = ?, updated = ? WHERE id = ?",
	                                e);
	if (!st)
		return -1;
	sqlite3_bind_int(st, 1, (int)state);
	journal_bind_text(st, 2, why);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)time(NULL));
	sqlite3_bind_int64(st, 4, id);
	return journal_msg_update1(j, st, id, "setting a message's state", e);
}

int journal_msg_set_dst_uidl(struct journal *j, int64_t id, const char *uidl, struct err *e)
{
	sqlite3_stmt *st = journal_stmt(j, JS_MSG_DST_UIDL,
	                                "UPDATE message SET dst_uidl = ?, updated = ? WHERE id = ?", e);
	if (!st)
		return -1;
	journal_bind_text(st, 1, uidl);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)time(NULL));
	sqlite3_bind_int64(st, 3, id);
	return journal_msg_update1(j, st, id, "recording a destination UIDL", e);
}

int journal_msg_set_flags(struct journal *j, int64_t id, unsigned flags, const char *keywords,
                          struct err *e)
{
	sqlite3_stmt *st = journal_stmt(j, JS_MSG_FLAGS,
	                                "UPDATE message SET flags = ?, keywords = ?, updated = ? "
	                                "WHERE id = ?", e);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, flags);
	journal_bind_text(st, 2, keywords);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)time(NULL));
	sqlite3_bind_int64(st, 4, id);
	return journal_msg_update1(j, st, id, "recording flags", e);
}

/* ---- paged walks ----------------------------------------------------------------- */

/* Walk rows of one state in (customer, folder, src_seq, id) order, a page at a time: the
 * page is copied out and the statement reset before any callback runs, so callbacks may
 * write through this connection. The first page starts after ('', '', -1, -1), below
 * every real row (text columns are NOT NULL and '' is the least text). */
static int journal_walk(struct journal *j, const char *customer, enum journal_msg_state state,
                        journal_msg_cb cb, void *ctx, struct err *e)
{
	struct journal_msg page[JOURNAL_PAGE];
	char *k_customer = strdup(""), *k_folder = strdup("");
	sqlite3_int64 k_seq = -1, k_id = -1;
	int ret = 0;

	if (!k_customer || !k_folder) {
		ret = err_set(e, ERR_NOMEM, "%s: out of memory", j->path);
		goto out;
	}
	for (;;) {
		sqlite3_stmt *st;
		size_t n = 0;
		int rc = SQLITE_DONE;
		if (customer) {
			st = journal_stmt(j, JS_MSG_PAGE_ONE,
			                  "SELECT " JOURNAL_MSG_COLS " FROM message "
			                  "WHERE customer = ?1 AND state = ?2 "
			                  "AND (folder, src_seq, id) > (?3, ?4, ?5) "
			                  "ORDER BY folder, src_seq, id LIMIT ?6", e);
		} else {
			st = journal_stmt(j, JS_MSG_PAGE_ALL,
			                  "SELECT " JOURNAL_MSG_COLS " FROM message "
			                  "WHERE state = ?2 AND (customer, folder, src_seq, id) > (?1, ?3, ?4, ?5) "
			                  "ORDER BY customer, folder, src_seq, id LIMIT ?6", e);
		}
		if (!st) {
			ret = -1;
			goto out;
		}
		journal_bind_text(st, 1, customer ? customer : k_customer);
		sqlite3_bind_int(st, 2, (int)state);
		journal_bind_text(st, 3, k_folder);
		sqlite3_bind_int64(st, 4, k_seq);
		sqlite3_bind_int64(st, 5, k_id);
		sqlite3_bind_int(st, 6, JOURNAL_PAGE);
		while (n < JOURNAL_PAGE && (rc = sqlite3_step(st)) == SQLITE_ROW) {
			if (journal_msg_from_row(st, &page[n]) < 0) {
				sqlite3_reset(st);
				for (size_t i = 0; i < n; i++)
					journal_msg_strings_free(&page[i]);
				ret = err_set(e, ERR_NOMEM, "%s: out of memory", j->path);
				goto out;
			}
			n++;
		}
		if (n < JOURNAL_PAGE && rc != SQLITE_DONE) {
			journal_fail(j, rc, "reading messages", e);
			sqlite3_reset(st);
			for (size_t i = 0; i < n; i++)
				journal_msg_strings_free(&page[i]);
			ret = -1;
			goto out;
		}
		sqlite3_reset(st);
		if (n == 0)
			break;
		/* The page's last row is the next page's lower bound. */
		free(k_customer);
		free(k_folder);
		k_customer = strdup(page[n - 1].customer);
		k_folder = strdup(page[n - 1].folder);
		k_seq = page[n - 1].src_seq;
		k_id = page[n - 1].id;
		for (size_t i = 0; i < n; i++) {
			if (ret == 0)
				ret = cb(ctx, &page[i]);
			journal_msg_strings_free(&page[i]);
		}
		if (ret != 0)
			goto out;
		if (!k_customer || !k_folder) {
			ret = err_set(e, ERR_NOMEM, "%s: out of memory", j->path);
			goto out;
		}
		if (n < JOURNAL_PAGE)
			break;
	}
out:
	free(k_customer);
	free(k_folder);
	return ret;
}

int journal_each_msg(struct journal *j, const char *customer, journal_msg_cb cb, void *ctx,
                     struct err *e)
{
	return journal_walk(j, customer, JOURNAL_MSG_DONE, cb, ctx, e);
}

int journal_each_in_doubt(struct journal *j, const char *customer, journal_msg_cb cb, void *ctx,
                          struct err *e)
{
	return journal_walk(j, customer, JOURNAL_MSG_INTENT, cb, ctx, e);
}
