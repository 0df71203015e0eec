/* test_journal: the SQLite journal: schema, versions, intent/done, in-doubt rows,
 * concurrent writers, the crash switch, notices, summaries. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mapping/journal.h"
#include "tests/unit/t.h"

static char t_dir[256];
static const char *t_self;

static void t_path(char *out, size_t cap, const char *name)
{
	snprintf(out, cap, "%s/%s", t_dir, name);
}

static void t_rm(const char *path)
{
	char p[600];
	unlink(path);
	snprintf(p, sizeof p, "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", path);
	unlink(p);
}

/* Fill a message for (customer, folder) number i. Strings live in the caller's buffers. */
static void t_msg(struct journal_msg *m, const char *customer, const char *folder, char *key,
                  size_t keycap, unsigned i)
{
	memset(m, 0, sizeof *m);
	snprintf(key, keycap, "%08xuidl%04u", i * 7919u, i);
	m->customer = customer;
	m->folder = folder;
	m->src_key = key;
	m->src_kind = JOURNAL_KEY_UIDL;
	m->src_seq = i + 1;
	m->size = 100 + i;
	snprintf(m->sha256, sizeof m->sha256, "%064x", i);
	m->message_id = NULL;
	m->dst_folder = "INBOX";
}

static long t_count(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	long n = -1;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			n = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return n;
}

static int t_integrity_ok(const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	int ok = 0;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK) {
		ok = sqlite3_step(st) == SQLITE_ROW &&
		     strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0;
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return ok;
}

static int t_exec(const char *path, const char *sql)
{
	sqlite3 *db;
	int rc;
	if (sqlite3_open(path, &db) != SQLITE_OK)
		return -1;
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc == SQLITE_OK ? 0 : -1;
}

static void t_create_reopen(void)
{
	char path[300];
	struct journal *j = NULL;
	struct err e;
	struct stat sb;
	err_clear(&e);
	t_path(path, sizeof path, "create.db");
	t_rm(path);
	T_REQUIRE(journal_open(&j, path, &e) == 0);
	T_REQUIRE(stat(path, &sb) == 0);
	T_INTEQ(sb.st_mode & 0777, 0600);
	T_REQUIRE(journal_customer_upsert(j, "c1", "a@example.jp", &e) == 0);
	journal_close(j);
	T_INTEQ(t_count(path, "SELECT value FROM meta WHERE key = 'schema_version'"),
	        JOURNAL_SCHEMA_VERSION);
	T_REQUIRE(journal_open(&j, path, &e) == 0);
	T_INTEQ(t_count(path, "SELECT count(*) FROM customer"), 1);
	T_INTEQ(t_count(path, "SELECT count(*) FROM meta"), 1);
	journal_close(j);
	/* The WAL and shm files are as private as the database. */
	char wal[320];
	snprintf(wal, sizeof wal, "%s-wal", path);
	T_REQUIRE(journal_open(&j, path, &e) == 0);
	T_REQUIRE(journal_customer_upsert(j, "c2", "b@example.jp", &e) == 0);
	if (stat(wal, &sb) == 0)
		T_INTEQ(sb.st_mode & 0777, 0600);
	journal_close(j);
}

static void t_version_refused(void)
{
	char path[300];
	struct journal *j = NULL;
	struct err e;
	err_clear(&e);
	t_path(path, sizeof path, "newer.db");
	t_rm(path);
	T_REQUIRE(journal_open(&j, path, &e) == 0);
	journal_close(j);
	T_REQUIRE(t_exec(path, "UPDATE meta SET value = '99' WHERE key = 'schema_version'") == 0);
	T_CHECK(journal_open(&j, path, &e) < 0);
	T_CHECK(j == NULL);
	T_INTEQ(e.cls, ERR_DATA);
	T_CHECK(strstr(e.msg, "version 99 is newer") != NULL);
	printf("# %s\n", e.msg);
	err_clear(&e);
	T_CHECK(journal_open_ro(&j, path, &e) < 0);
	T_INTEQ(e.cls, ERR_DATA);
	/* Untouched: the refusal did not rewrite the version. */
	T_INTEQ(t_count(path, "SELECT value FROM meta WHERE key = 'schema_version'"), 99);

	/* A SQLite file that is not a journal is refused too. */
	t_path(path, sizeof path, "foreign.db");
	t_rm(path);
	T_REQUIRE(t_exec(path, "CREATE TABLE x (a)") == 0);
	err_clear(&e);
	T_CHECK(journal_open(&j, path, &e) < 0);
	T_CHECK(strstr(e.msg, "not a cutover journal") != NULL);

	/* Not SQLite at all. */
	t_path(path, sizeof path, "garbage.db");
	FILE *f = fopen(path, "w");
	T_REQUIRE(f != NULL);
	for (int i = 0; i < 200; i++)
		fputs("this is not a database ", f);
	fclose(f);
	err_clear(&e);
	T_CHECK(journal_open(&j, path, &e) < 0);
	T_INTEQ(e.cls, ERR_DATA);
	printf("# %s\n", e.msg);
}

/* An older file (version 0 = meta table without tables, as a crashed first open could
 * never leave, but the migration path is the same) is brought up to date. */
static void t_migrate_older(void)
{
	char path[300];
	struct journal *j = NULL;
	struct err e;
	err_clear(&e);
	t_path(path, sizeof path, "empty.db");
	t_rm(path);
	FILE *f = fopen(path, "w");
	T_REQUIRE(f != NULL);
	fclose(f);
	/* read-only refuses an empty file, write open creates the schema */
	T_CHECK(journal_open_ro(&j, path, &e) < 0);
	T_CHECK(strstr(e.msg, "empty journal") != NULL);
	err_clear(&e);
	T_REQUIRE(journal_open(&j, path, &e) == 0);
	journal_close(j);
	T_INTEQ(t_count(path, "SELECT count(*) FROM sqlite_master WHERE name = 'message'"), 1);
}

/* A schema-2 journal (before keys had a kind) is migrated to 3: each existing row gets
 * the kind its source driver meant, and only a real UIDL stays an "old UIDL". */
static void t_migrate_kind(void)
{
	char path[300];
	struct journal *j = NULL;
	struct journal_msg_set set;
	struct err e;
	err_clear(&e);
	t_path(path, sizeof path, "v2.db");
	t_rm(path);
	T_REQUIRE(journal_open(&j, path, &e) == 0);
	T_REQUIRE(journal_customer_upsert(j, "c1", "a@example.jp", &e) == 0);
	journal_close(j);
	/* Back to what version 2 wrote: no src_kind column, three rows as its drivers keyed them. */
	T_REQUIRE(t_exec(path, "ALTER TABLE message DROP COLUMN altered;"
	                       "ALTER TABLE run DROP COLUMN log; DROP TABLE inventory;"
	                       "ALTER TABLE message DROP COLUMN src_kind;"
	                       "UPDATE meta SET value = '2' WHERE key = 'schema_version';"
	                       "INSERT INTO message (customer, folder, src_key, src_seq, src_uid, size, "
	                       "state, created, updated) VALUES "
	                       "('c1', 'INBOX', 'UID17-1', 1, 0, 10, 2, 0, 0),"
	                       "('c1', 'INBOX', 'sha256:00ff', 2, 0, 10, 2, 0, 0),"
	                       "('c1', 'Sent', '77/5', 1, 5, 10, 2, 0, 0);") == 0);
	T_CHECK(journal_open_ro(&j, path, &e) < 0);
	T_CHECK(strstr(e.msg, "version 2 is older") != NULL);
	err_clear(&e);
	T_REQUIRE(journal_open(&j, path, &e) == 0);
	T_INTEQ(t_count(path, "SELECT value FROM meta WHERE key = 'schema_version'"), 5);
	/* 3 -> 4 added what a forced change did to a message: nothing yet. */
	T_INTEQ(t_count(path, "SELECT count(altered) FROM message"), 0);
	T_INTEQ(t_count(path, "SELECT src_kind FROM message WHERE src_key = 'UID17-1'"), JOURNAL_KEY_UIDL);
	T_INTEQ(t_count(path, "SELECT src_kind FROM message WHERE src_key = 'sha256:00ff'"),
	        JOURNAL_KEY_DIGEST);
	T_INTEQ(t_count(path, "SELECT src_kind FROM message WHERE src_key = '77/5'"), JOURNAL_KEY_UID);
	T_REQUIRE(journal_msgs_load(j, "c1", "INBOX", &set, &e) == 0);
	T_REQUIRE(set.n == 2);
	/* sorted by key: "UID17-1" < "sha256:00ff" */
	T_STREQ(journal_msg_old_uidl(&set.v[0]), "UID17-1");
	T_CHECK(journal_msg_old_uidl(&set.v[1]) == NULL);
	journal_msg_set_free(&set);
	T_REQUIRE(journal_msgs_load(j, "c1", "Sent", &set, &e) == 0);
	T_REQUIRE(set.n == 1);
	T_INTEQ(set.v[0].src_kind, JOURNAL_KEY_UID);
	T_CHECK(journal_msg_old_uidl(&set.v[0]) == NULL);
	journal_msg_set_free(&set);
	journal_close(j);
}

/* A message that cannot be copied is recorded FAILED with its reason; a later intent for
 * the same key takes the row back (same id). */
static void t_msg_fail(void)
{
	char path[300], key[32];
	struct journal *j = NULL;
	struct journal_msg m;
	struct journal_msg_set set;
	struct err e;
	err_clear(&e);
	t_path(path, sizeof path, "fail.db");
	t_rm(path);
	T_REQUIRE(journal_open(&j, path, &e) == 0);
	T_REQUIRE(journal_customer_upsert(j, "c1", "a@example.jp", &e) == 0);
	t_msg(&m, "c1", "INBOX", key, sizeof key, 3);
	m.src_kind = JOURNAL_KEY_DIGEST;
	T_REQUIRE(journal_msg_fail(j, &m, "too big for the destination", &e) == 0);
	int64_t id = m.id;
	T_CHECK(id > 0);
	T_REQUIRE(journal_msgs_load(j, "c1", "INBOX", &set, &e) == 0);
	T_REQUIRE(set.n == 1);
	T_INTEQ(set.v[0].state, JOURNAL_MSG_FAILED);
	T_STREQ(set.v[0].why, "too big for the destination");
	T_INTEQ(set.v[0].src_kind, JOURNAL_KEY_DIGEST);
	journal_msg_set_free(&set);
	T_REQUIRE(journal_msgs_intent(j, &m, 1, &e) == 0);
	T_INTEQ(m.id, id);
	T_INTEQ(t_count(path, "SELECT count(*) FROM message WHERE state = 1 AND why IS NULL"), 1);
	/* a row whose kind nobody said is refused, never guessed */
	m.src_kind = 0;
	T_CHECK(journal_msgs_intent(j, &m, 1, &e) < 0);
	T_INTEQ(e.cls, ERR_INTERNAL);
	journal_close(j);
}

static void t_intent_done(void)
{
	char path[300], keys[5][32];
	struct journal *j = NULL;
	struct journal_msg m[5];
	struct journal_msg_set set;
	struct err e;
	const struct journal_msg *f;
	err_clear(&e);
	t_path(path, sizeof path, "flow.db");
	t_rm(path);
	T_REQUIRE(journal_open(&j, path, &e) == 0);
	T_REQUIRE(journal_customer_upsert(j, "c1", "a@example.jp", &e) == 0);
	for (unsigned i = 0; i < 5; i++)
		t_msg(&m[i], "c1", "INBOX", keys[i], sizeof keys[i], i);
	m[1].message_id = "<x@y>";
	T_REQUIRE(journal_msgs_intent(j, m, 3, &e) == 0);
	T_CHECK(m[0].id > 0 && m[1].id > m[0].id && m[2].id > m[1].id);

	T_REQUIRE(journal_msgs_load(j, "c1", "INBOX", &set, &e) == 0);
	T_INTEQ(set.n, 3);
	f = journal_msg_set_find(&set, keys[1]);
	T_REQUIRE(f != NULL);
	T_INTEQ(f->state, JOURNAL_MSG_INTENT);
	T_STREQ(f->message_id, "<x@y>");
	T_INTEQ(f->size, 101);
	T_CHECK(journal_msg_set_find(&set, "nope") == NULL);
	T_CHECK(journal_msg_set_find(&set, keys[3]) == NULL);
	journal_msg_set_free(&set);

	/* done: two by id, one by key */
	m[0].dst_uid = 11;
	m[1].dst_uid = 12;
	m[2].dst_uid = 13;
	m[0].dst_uidvalidity = m[1].dst_uidvalidity = m[2].dst_uidvalidity = 777;
	m[2].id = 0;
	T_REQUIRE(journal_msgs_done(j, m, 3, &e) == 0);
	T_REQUIRE(journal_msgs_load(j, "c1", "INBOX", &set, &e) == 0);
	for (size_t i = 0; i < set.n; i++) {
		T_INTEQ(set.v[i].state, JOURNAL_MSG_DONE);
		T_INTEQ(set.v[i].dst_uidvalidity, 777);
		T_STREQ(set.v[i].dst_folder, "INBOX");
	}
	f = journal_msg_set_find(&set, keys[2]);
	T_REQUIRE(f != NULL);
	T_INTEQ(f->dst_uid, 13);
	journal_msg_set_free(&set);

	/* done for a message with no intent row is a bug, and nothing of the batch lands */
	struct journal_msg ghost[2] = { m[0], m[3] };
	ghost[0].dst_uid = 99;
	ghost[1].id = 0;
	T_CHECK(journal_msgs_done(j, ghost, 2, &e) < 0);
	T_INTEQ(e.cls, ERR_INTERNAL);
	T_INTEQ(t_count(path, "SELECT dst_uid FROM message WHERE src_key = (SELECT min(src_key) "
	                      "FROM message WHERE src_seq = 1)"), 11);
	err_clear(&e);

	/* intent for a customer nobody recorded */
	struct journal_msg stray = m[4];
	stray.customer = "nobody";
	T_CHECK(journal_msgs_intent(j, &stray, 1, &e) < 0);
	T_INTEQ(e.cls, ERR_INTERNAL);
	printf("# %s\n", e.msg);
	err_clear(&e);
	journal_close(j);
}

static int t_collect(void *ctx, const struct journal_msg *m)
{
	char *out = ctx;
	size_t l = strlen(out);
	snprintf(out + l, 512 - l, "%s/%s/%u;", m->customer, m->folder, (unsigned)m->src_seq);
	return 0;
}

static void t_in_doubt(void)
{
	char path[300], keys[4][32], got[512] = "";
	struct journal *j = NULL;
	struct journal_msg m[4];
	struct err e;
	err_clear(&e);
	t_path(path, sizeof path, "doubt.db");
	t_rm(path);
	T_REQUIRE(journal_open(&j, path, &e) == 0);
	T_REQUIRE(journal_customer_upsert(j, "c1", NULL, &e) == 0);
	T_REQUIRE(journal_customer_upsert(j, "c2", NULL, &e) == 0);
	t_msg(&m[0], "c2", "INBOX", keys[0], sizeof keys[0], 4);
	t_msg(&m[1], "c1", "INBOX", keys[1], sizeof keys[1], 2);
	t_msg(&m[2], "c1", "INBOX", keys[2], sizeof keys[2], 0);
	t_msg(&m[3], "c1", "Sent", keys[3], sizeof keys[3], 1);
	T_REQUIRE(journal_msgs_intent(j, m, 4, &e) == 0);
	T_REQUIRE(journal_msgs_done(j, &m[1], 1, &e) == 0);
	/* crash here: three in doubt, found in (customer, folder, src_seq) order */
	journal_close(j);
	T_REQUIRE(journal_open(&j, path, &e) == 0);
	T_REQUIRE(journal_each_in_doubt(j, NULL, t_collect, got, &e) == 0);
	T_STREQ(got, "c1/INBOX/1;c1/Sent/2;c2/INBOX/5;");
	got[0] = '\0';
	T_REQUIRE(journal_each_in_doubt(j, "c2", t_collect, got, &e) == 0);
	T_STREQ(got, "c2/INBOX/5;");
	got[0] = '\0';
	T_REQUIRE(journal_each_msg(j, NULL, t_collect, got, &e) == 0);
	T_STREQ(got, "c1/INBOX/3;");
	/* resolved as found on the destination / failed */
	T_REQUIRE(journal_msg_state(j, m[2].id, JOURNAL_MSG_FAILED, "too big", &e) == 0);
	T_REQUIRE(journal_msg_state(j, m[3].id, JOURNAL_MSG_SKIPPED, "excluded", &e) == 0);
	T_CHECK(journal_msg_state(j, 424242, JOURNAL_MSG_DONE, NULL, &e) < 0);
	err_clear(&e);
	got[0] = '\0';
	T_REQUIRE(journal_each_in_doubt(j, NULL, t_collect, got, &e) == 0);
	T_STREQ(got, "c2/INBOX/5;");
	journal_close(j);
}

static void t_idempotent(void)
{
	char path[300], keys[3][32];
	struct journal *j = NULL;
	struct journal_msg m[3];
	int64_t ids[3];
	struct err e;
	err_clear(&e);
	t_path(path, sizeof path, "idem.db");
	t_rm(path);
	T_REQUIRE(journal_open(&j, path, &e) == 0);
	T_REQUIRE(journal_customer_upsert(j, "c1", "a@example.jp", &e) == 0);
	T_REQUIRE(journal_customer_state(j, "c1", "failed", "net", "connection refused", &e) == 0);
	T_REQUIRE(journal_customer_upsert(j, "c1", NULL, &e) == 0);
	T_INTEQ(t_count(path, "SELECT state = 'failed' AND email = 'a@example.jp' FROM customer"), 1);
	for (unsigned i = 0; i < 3; i++)
		t_msg(&m[i], "c1", "INBOX", keys[i], sizeof keys[i], i);
	T_REQUIRE(journal_msgs_intent(j, m, 3, &e) == 0);
	for (int i = 0; i < 3; i++)
		ids[i] = m[i].id;
	m[1].dst_uid = 5;
	T_REQUIRE(journal_msgs_done(j, m, 3, &e) == 0);
	/* the same batch again (a resumed run re-appends): same rows, back to intent, no
	 * stale destination identity */
	m[1].size = 555;
	T_REQUIRE(journal_msgs_intent(j, m, 3, &e) == 0);
	for (int i = 0; i < 3; i++)
		T_INTEQ(m[i].id, ids[i]);
	T_INTEQ(t_count(path, "SELECT count(*) FROM message"), 3);
	T_INTEQ(t_count(path, "SELECT count(*) FROM message WHERE state = 1 AND dst_uid = 0"), 3);
	T_INTEQ(t_count(path, "SELECT size FROM message WHERE src_seq = 2"), 555);
	/* source order moves on a later pass */
	m[0].src_seq = 40;
	T_REQUIRE(journal_msgs_set_seq(j, m, 1, &e) == 0);
	T_INTEQ(t_count(path, "SELECT count(*) FROM message WHERE src_seq = 40"), 1);
	journal_close(j);
}

/* Paging: more rows than a page, and a callback that writes through the same
 * connection while walking. */
struct t_walk {
	struct journal *j;
	unsigned n, last_seq;
	int order_ok;
	struct err *e;
};

static int t_walk_cb(void *ctx, const struct journal_msg *m)
{
	struct t_walk *w = ctx;
	char uidl[40];
	if (strcmp(m->folder, "INBOX") == 0 && m->src_seq <= w->last_seq && w->n)
		w->order_ok = 0;
	w->last_seq = m->src_seq;
	w->n++;
	snprintf(uidl, sizeof uidl, "new%u", m->dst_uid);
	return journal_msg_set_dst_uidl(w->j, m->id, uidl, w->e) < 0 ? -1 : 0;
}

static void t_walk_writes(void)
{
	char path[300];
	struct journal *j = NULL;
	struct journal_msg m[50];
	char keys[50][32];
	struct err e;
	struct t_walk w = { 0 };
	err_clear(&e);
	t_path(path, sizeof path, "walk.db");
	t_rm(path);
	T_REQUIRE(journal_open(&j, path, &e) == 0);
	T_REQUIRE(journal_customer_upsert(j, "c1", NULL, &e) == 0);
	/* 700 messages, inserted in reverse source order */
	for (int b = 13; b >= 0; b--) {
		for (unsigned i = 0; i < 50; i++) {
			t_msg(&m[i], "c1", "INBOX", keys[i], sizeof keys[i], (unsigned)b * 50 + 49 - i);
			m[i].dst_uid = 1000 + m[i].src_seq;
		}
		T_REQUIRE(journal_msgs_intent(j, m, 50, &e) == 0);
		T_REQUIRE(journal_msgs_done(j, m, 50, &e) == 0);
	}
	w.j = j;
	w.e = &e;
	w.order_ok = 1;
	T_REQUIRE(journal_each_msg(j, "c1", t_walk_cb, &w, &e) == 0);
	T_INTEQ(w.n, 700);
	T_CHECK(w.order_ok);
	T_INTEQ(t_count(path, "SELECT count(*) FROM message WHERE dst_uidl = 'new' || dst_uid"), 700);
	journal_close(j);
}

/* ---- concurrency ----------------------------------------------------------------- */

struct t_worker {
	const char *path;
	int idx, batches, failures;
	char err[ERR_MSG_MAX];
};

static void *t_worker_main(void *arg)
{
	struct t_worker *w = arg;
	struct journal *j = NULL;
	struct err e;
	char customer[16], keys[50][32];
	struct journal_msg m[50];
	err_clear(&e);
	snprintf(customer, sizeof customer, "w%d", w->idx);
	if (journal_open(&j, w->path, &e) < 0 || journal_customer_upsert(j, customer, NULL, &e) < 0) {
		w->failures++;
		snprintf(w->err, sizeof w->err, "%s", e.msg);
		journal_close(j);
		return NULL;
	}
	for (int b = 0; b < w->batches; b++) {
		for (unsigned i = 0; i < 50; i++) {
			t_msg(&m[i], customer, "INBOX", keys[i], sizeof keys[i], (unsigned)b * 50 + i);
			m[i].dst_uid = (uint32_t)(b * 50 + i + 1);
		}
		if (journal_msgs_intent(j, m, 50, &e) < 0 || journal_msgs_done(j, m, 50, &e) < 0 ||
		    journal_event(j, 0, customer, "info", "batch", &e) < 0) {
			w->failures++;
			snprintf(w->err, sizeof w->err, "%s", e.msg);
			err_clear(&e);
		}
	}
	journal_close(j);
	return NULL;
}

struct t_reader {
	const char *path;
	atomic_int stop;
	int reads, failures;
};

static void *t_reader_main(void *arg)
{
	struct t_reader *r = arg;
	struct journal *j = NULL;
	struct err e;
	err_clear(&e);
	if (journal_open_ro(&j, r->path, &e) < 0) {
		r->failures++;
		return NULL;
	}
	while (!atomic_load(&r->stop)) {
		struct journal_customer_summary *s;
		size_t n;
		if (journal_summary(j, &s, &n, &e) < 0)
			r->failures++;
		else
			journal_summary_free(s, n);
		r->reads++;
	}
	journal_close(j);
	return NULL;
}

static void t_threads(void)
{
	char path[300];
	pthread_t th[4], rt;
	struct t_worker w[4];
	struct t_reader r = { 0 };
	struct journal *j = NULL;
	struct err e;
	err_clear(&e);
	t_path(path, sizeof path, "threads.db");
	t_rm(path);
	/* the workers open a fresh file together: schema creation races too */
	for (int i = 0; i < 4; i++) {
		memset(&w[i], 0, sizeof w[i]);
		w[i].path = path;
		w[i].idx = i;
		w[i].batches = 40;
		T_REQUIRE(pthread_create(&th[i], NULL, t_worker_main, &w[i]) == 0);
	}
	/* a status reader alongside, once the file has a schema */
	for (int tries = 0; tries < 200; tries++) {
		if (journal_open_ro(&j, path, &e) == 0)
			break;
		err_clear(&e);
		usleep(5000);
	}
	journal_close(j);
	r.path = path;
	T_REQUIRE(pthread_create(&rt, NULL, t_reader_main, &r) == 0);
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		if (w[i].failures)
			printf("# worker %d: %d failures, last: %s\n", i, w[i].failures, w[i].err);
		T_INTEQ(w[i].failures, 0);
	}
	atomic_store(&r.stop, 1);
	pthread_join(rt, NULL);
	T_INTEQ(r.failures, 0);
	T_CHECK(r.reads > 0);
	printf("# 4 writers x 40 batches x (intent+done+event), reader did %d summaries\n", r.reads);
	T_INTEQ(t_count(path, "SELECT count(*) FROM message WHERE state = 2"), 4 * 40 * 50);
	T_INTEQ(t_count(path, "SELECT count(*) FROM event"), 4 * 40);
}

static void t_locked(void)
{
	char path[300];
	struct journal *j = NULL;
	sqlite3 *db;
	struct err e;
	err_clear(&e);
	t_path(path, sizeof path, "locked.db");
	t_rm(path);
	T_REQUIRE(journal_open(&j, path, &e) == 0);
	T_REQUIRE(sqlite3_open(path, &db) == SQLITE_OK);
	T_REQUIRE(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK);
	journal_set_busy_timeout(j, 50);
	T_CHECK(journal_customer_upsert(j, "c1", NULL, &e) < 0);
	T_INTEQ(e.cls, ERR_IO);
	T_CHECK(strstr(e.msg, "locked.db: database is locked") != NULL);
	printf("# %s\n", e.msg);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);
	err_clear(&e);
	T_CHECK(journal_customer_upsert(j, "c1", NULL, &e) == 0);
	journal_close(j);
}

/* ---- crash switch ---------------------------------------------------------------- */

/* The child's scenario: seven writes. Run as a fresh process (re-exec) so the crash
 * switch reads its environment at first use, as in a real run. */
static int t_crash_child(const char *path)
{
	struct journal *j = NULL;
	struct err e;
	char keys[4][32];
	struct journal_msg m[4];
	int64_t run;
	err_clear(&e);
	if (journal_open(&j, path, &e) < 0)
		return 2;
	for (unsigned i = 0; i < 4; i++)
		t_msg(&m[i], "c1", "INBOX", keys[i], sizeof keys[i], i);
	if (journal_run_begin(j, "run", "final", &run, &e) < 0 ||             /* 1 */
	    journal_customer_upsert(j, "c1", "a@example.jp", &e) < 0 ||       /* 2 */
	    journal_msgs_intent(j, m, 2, &e) < 0 ||                            /* 3 */
	    journal_msgs_done(j, m, 2, &e) < 0 ||                              /* 4 */
	    journal_msgs_intent(j, m + 2, 2, &e) < 0 ||                        /* 5 */
	    journal_msgs_done(j, m + 2, 2, &e) < 0 ||                          /* 6 */
	    journal_run_end(j, run, 0, "ok", &e) < 0) {                        /* 7 */
		fprintf(stderr, "%s\n", e.msg);
		return 3;
	}
	journal_close(j);
	return 0;
}

static void t_crash_points(void)
{
	for (int n = 1; n <= 8; n++) {
		char path[300], nbuf[16];
		int status = 0;
		pid_t pid;
		t_path(path, sizeof path, "crash.db");
		t_rm(path);
		snprintf(nbuf, sizeof nbuf, "%d", n);
		pid = fork();
		T_REQUIRE(pid >= 0);
		if (pid == 0) {
			setenv("CUTOVER_CRASH_AFTER_WRITES", nbuf, 1);
			execl("/proc/self/exe", t_self, "--crash-child", path, (char *)NULL);
			_exit(127);
		}
		T_REQUIRE(waitpid(pid, &status, 0) == pid);
		T_REQUIRE(WIFEXITED(status));
		T_INTEQ(WEXITSTATUS(status), n <= 7 ? 99 : 0);
		/* What committed is there, nothing after it, and the file opens cleanly. */
		struct journal *j = NULL;
		struct err e;
		err_clear(&e);
		T_REQUIRE(journal_open(&j, path, &e) == 0);
		T_INTEQ(t_count(path, "SELECT count(*) FROM run"), 1);
		T_INTEQ(t_count(path, "SELECT count(*) FROM customer"), n >= 2);
		T_INTEQ(t_count(path, "SELECT count(*) FROM message"), n >= 5 ? 4 : n >= 3 ? 2 : 0);
		T_INTEQ(t_count(path, "SELECT count(*) FROM message WHERE state = 2"),
		        n >= 6 ? 4 : n >= 4 ? 2 : 0);
		T_INTEQ(t_count(path, "SELECT count(*) FROM run WHERE ended IS NOT NULL"), n >= 7);
		T_CHECK(t_integrity_ok(path));
		journal_close(j);
	}
}

/* ---- notices --------------------------------------------------------------------- */

struct t_claimer {
	const char *path;
	enum journal_notice_claim got;
	int failures;
};

static void *t_claim_main(void *arg)
{
	struct t_claimer *c = arg;
	struct journal *j = NULL;
	struct err e;
	err_clear(&e);
	if (journal_open(&j, c->path, &e) < 0 ||
	    journal_notice_claim(j, "c9", "reconfigure", "<n1@isp>", &c->got, &e) < 0)
		c->failures++;
	journal_close(j);
	return NULL;
}

static void t_notices(void)
{
	char path[300];
	struct journal *j = NULL;
	enum journal_notice_claim c;
	bool sent;
	struct err e;
	err_clear(&e);
	t_path(path, sizeof path, "notice.db");
	t_rm(path);
	T_REQUIRE(journal_open(&j, path, &e) == 0);
	T_REQUIRE(journal_notice_sent(j, "c1", "reconfigure", &sent, &e) == 0);
	T_CHECK(!sent);
	T_REQUIRE(journal_notice_claim(j, "c1", "reconfigure", "<a@isp>", &c, &e) == 0);
	T_INTEQ(c, JOURNAL_NOTICE_CLAIMED);
	/* a second run while the first never recorded an outcome */
	T_REQUIRE(journal_notice_claim(j, "c1", "reconfigure", "<b@isp>", &c, &e) == 0);
	T_INTEQ(c, JOURNAL_NOTICE_IN_DOUBT);
	T_REQUIRE(journal_notice_mark(j, "c1", "reconfigure", NULL, "sent", "250 ok", &e) == 0);
	T_REQUIRE(journal_notice_claim(j, "c1", "reconfigure", "<c@isp>", &c, &e) == 0);
	T_INTEQ(c, JOURNAL_NOTICE_ALREADY_SENT);
	T_REQUIRE(journal_notice_sent(j, "c1", "reconfigure", &sent, &e) == 0);
	T_CHECK(sent);
	T_INTEQ(t_count(path, "SELECT count(*) FROM notice WHERE message_id = '<a@isp>'"), 1);
	/* a failed send may be claimed again; another kind is independent */
	T_REQUIRE(journal_notice_claim(j, "c1", "reminder", "<d@isp>", &c, &e) == 0);
	T_INTEQ(c, JOURNAL_NOTICE_CLAIMED);
	T_REQUIRE(journal_notice_mark(j, "c1", "reminder", NULL, "failed", "550 no", &e) == 0);
	T_REQUIRE(journal_notice_claim(j, "c1", "reminder", "<e@isp>", &c, &e) == 0);
	T_INTEQ(c, JOURNAL_NOTICE_CLAIMED);
	T_CHECK(journal_notice_mark(j, "c1", "reminder", NULL, "bogus", NULL, &e) < 0);
	err_clear(&e);
	journal_close(j);

	/* four senders race for one notice: exactly one wins */
	pthread_t th[4];
	struct t_claimer cl[4];
	int claimed = 0;
	for (int i = 0; i < 4; i++) {
		memset(&cl[i], 0, sizeof cl[i]);
		cl[i].path = path;
		T_REQUIRE(pthread_create(&th[i], NULL, t_claim_main, &cl[i]) == 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		T_INTEQ(cl[i].failures, 0);
		claimed += cl[i].got == JOURNAL_NOTICE_CLAIMED;
	}
	T_INTEQ(claimed, 1);
}

/* ---- summary / runs / read-only -------------------------------------------------- */

static void t_summary(void)
{
	char path[300], keys[6][32];
	struct journal *j = NULL, *ro = NULL;
	struct journal_msg m[6];
	struct journal_customer_summary *s;
	struct journal_run run;
	bool found;
	size_t n;
	int64_t run_id;
	struct err e;
	err_clear(&e);
	t_path(path, sizeof path, "summary.db");
	t_rm(path);
	T_CHECK(journal_open_ro(&ro, path, &e) < 0);
	T_INTEQ(e.cls, ERR_NOTFOUND);
	err_clear(&e);
	T_REQUIRE(journal_open(&j, path, &e) == 0);
	T_REQUIRE(journal_run_last(j, &run, &found, &e) == 0);
	T_CHECK(!found);
	T_REQUIRE(journal_run_begin(j, "run", "prestage", &run_id, &e) == 0);
	T_REQUIRE(journal_customer_upsert(j, "b", "b@example.jp", &e) == 0);
	T_REQUIRE(journal_customer_upsert(j, "a", "a@example.jp", &e) == 0);
	T_REQUIRE(journal_customer_set_uidl_style(j, "a", "dovecot", &e) == 0);
	T_CHECK(journal_customer_set_uidl_style(j, "zz", "dovecot", &e) < 0);
	err_clear(&e);
	for (unsigned i = 0; i < 6; i++)
		t_msg(&m[i], "a", "INBOX", keys[i], sizeof keys[i], i);
	T_REQUIRE(journal_msgs_intent(j, m, 6, &e) == 0);
	T_REQUIRE(journal_msgs_done(j, m, 3, &e) == 0);     /* 100 + 101 + 102 bytes */
	T_REQUIRE(journal_msg_state(j, m[4].id, JOURNAL_MSG_FAILED, "quota", &e) == 0);
	T_REQUIRE(journal_msg_state(j, m[5].id, JOURNAL_MSG_SKIPPED, "deleted", &e) == 0);
	T_REQUIRE(journal_customer_state(j, "a", "failed", "quota", "over quota", &e) == 0);
	T_REQUIRE(journal_run_end(j, run_id, 1, "1 customer failed", &e) == 0);

	T_REQUIRE(journal_open_ro(&ro, path, &e) == 0);
	T_REQUIRE(journal_summary(ro, &s, &n, &e) == 0);
	T_REQUIRE(n == 2);
	T_STREQ(s[0].id, "a");
	T_STREQ(s[0].email, "a@example.jp");
	T_STREQ(s[0].state, "failed");
	T_STREQ(s[0].err_class, "quota");
	T_STREQ(s[0].err_text, "over quota");
	T_STREQ(s[0].uidl_style, "dovecot");
	T_INTEQ(s[0].msgs_done, 3);
	T_INTEQ(s[0].msgs_intent, 1);
	T_INTEQ(s[0].msgs_failed, 1);
	T_INTEQ(s[0].msgs_skipped, 1);
	T_INTEQ(s[0].bytes_done, 303);
	T_INTEQ(s[0].last_run, run_id);
	T_STREQ(s[1].id, "b");
	T_STREQ(s[1].state, "pending");
	T_INTEQ(s[1].msgs_done, 0);
	T_INTEQ(s[1].bytes_done, 0);
	T_INTEQ(s[1].last_run, 0);
	T_CHECK(s[1].err_class == NULL);
	journal_summary_free(s, n);
	T_REQUIRE(journal_run_last(ro, &run, &found, &e) == 0);
	T_CHECK(found);
	T_INTEQ(run.id, run_id);
	T_STREQ(run.phase, "prestage");
	T_STREQ(run.summary, "1 customer failed");
	T_INTEQ(run.exit_code, 1);
	journal_run_release(&run);
	/* a read-only connection refuses writes */
	T_CHECK(journal_customer_upsert(ro, "c", NULL, &e) < 0);
	err_clear(&e);
	journal_close(ro);
	journal_close(j);
}

/* ---- throughput ------------------------------------------------------------------ */

static void t_throughput(void)
{
	char path[300], keys[50][32];
	struct journal *j = NULL;
	struct journal_msg m[50];
	struct timespec t0, t1;
	struct err e;
	const unsigned total = 20000;
	err_clear(&e);
	t_path(path, sizeof path, "speed.db");
	t_rm(path);
	T_REQUIRE(journal_open(&j, path, &e) == 0);
	T_REQUIRE(journal_customer_upsert(j, "c1", NULL, &e) == 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned b = 0; b < total / 50; b++) {
		for (unsigned i = 0; i < 50; i++)
			t_msg(&m[i], "c1", "INBOX", keys[i], sizeof keys[i], b * 50 + i);
		T_REQUIRE(journal_msgs_intent(j, m, 50, &e) == 0);
		T_REQUIRE(journal_msgs_done(j, m, 50, &e) == 0);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("# %u messages intent+done in batches of 50: %.2f s, %.0f msgs/s\n", total, s,
	       total / s);
	T_INTEQ(t_count(path, "SELECT count(*) FROM message WHERE state = 2"), total);
	journal_close(j);
}

/* Schema 5: a run remembers its log file; the dry-run's inventory is kept per customer,
 * a newer count replacing the older. */
static void t_log_inventory(void)
{
	char path[300];
	struct journal *j = NULL;
	struct journal_run r;
	bool found;
	uint64_t msgs, bytes;
	int64_t id;
	struct err e;
	err_clear(&e);
	t_path(path, sizeof path, "log.db");
	t_rm(path);
	T_REQUIRE(journal_open(&j, path, &e) == 0);
	T_REQUIRE(journal_run_begin(j, "run", "prestage", &id, &e) == 0);
	T_REQUIRE(journal_run_set_log(j, id, "/var/log/cutover/night1.log", &e) == 0);
	T_REQUIRE(journal_run_last(j, &r, &found, &e) == 0 && found);
	T_STREQ(r.log, "/var/log/cutover/night1.log");
	journal_run_release(&r);
	T_REQUIRE(journal_inventory_get(j, "c1", &msgs, &bytes, &found, &e) == 0);
	T_CHECK(!found && msgs == 0 && bytes == 0);
	T_REQUIRE(journal_inventory_put(j, "c1", 10, 1000, &e) == 0);
	T_REQUIRE(journal_inventory_put(j, "c1", 12, 1200, &e) == 0);
	T_REQUIRE(journal_inventory_get(j, "c1", &msgs, &bytes, &found, &e) == 0);
	T_CHECK(found && msgs == 12 && bytes == 1200);
	journal_close(j);
}

int main(int argc, char **argv)
{
	const char *tmp = getenv("TMPDIR");
	t_self = argv[0];
	if (argc == 3 && strcmp(argv[1], "--crash-child") == 0)
		return t_crash_child(argv[2]);
	snprintf(t_dir, sizeof t_dir, "%s/test_journal.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(t_dir)) {
		printf("not ok 1 - mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	T_RUN(t_create_reopen);
	T_RUN(t_version_refused);
	T_RUN(t_migrate_older);
	T_RUN(t_migrate_kind);
	T_RUN(t_log_inventory);
	T_RUN(t_msg_fail);
	T_RUN(t_intent_done);
	T_RUN(t_in_doubt);
	T_RUN(t_idempotent);
	T_RUN(t_walk_writes);
	T_RUN(t_threads);
	T_RUN(t_locked);
	T_RUN(t_crash_points);
	T_RUN(t_notices);
	T_RUN(t_summary);
	T_RUN(t_throughput);
	if (!t_failed) {
		char cmd[300];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", t_dir);
		if (system(cmd) != 0)
			printf("# could not remove %s\n", t_dir);
	}
	return T_DONE();
}
