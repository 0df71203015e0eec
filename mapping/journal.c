/* journal: opening a journal connection, the statement cache, SQLite error translation,
 * write transactions with the crash switch, and the small tables (run, customer, event). */
#include "mapping/journal_p.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- crash switch ---------------------------------------------------------------- */

static pthread_once_t journal_crash_once = PTHREAD_ONCE_INIT;
static long journal_crash_limit;          /* 0 = off; set once, then only read */
static atomic_long journal_crash_writes;

static void journal_crash_init(void)
{
	const char *v = getenv("CUTOVER_CRASH_AFTER_WRITES");
	char *end = NULL;
	long n;
	if (!v || !*v)
		return;
	n = strtol(v, &end, 10);
	if (*end == '\0' && n > 0)
		journal_crash_limit = n;
}

void journal_crash_point(void)
{
	pthread_once(&journal_crash_once, journal_crash_init);
	if (journal_crash_limit == 0)
		return;
	/* The thread whose commit is the N-th takes the whole process down at once. */
	if (atomic_fetch_add(&journal_crash_writes, 1) + 1 == journal_crash_limit)
		_exit(99);
}

/* ---- errors, statements, transactions -------------------------------------------- */

int journal_fail(struct journal *j, int rc, const char *what, struct err *e)
{
	const char *msg = (j && j->db) ? sqlite3_errmsg(j->db) : sqlite3_errstr(rc);
	enum err_class cls;

	if (j)
		j->last_rc = rc;
	switch (rc & 0xff) {
	case SQLITE_NOMEM: cls = ERR_NOMEM; break;
	case SQLITE_CORRUPT: case SQLITE_NOTADB: case SQLITE_FORMAT: cls = ERR_DATA; break;
	/* A constraint we declared was broken by a caller: a bug of ours, not the disk. */
	case SQLITE_CONSTRAINT: case SQLITE_MISUSE: case SQLITE_RANGE: cls = ERR_INTERNAL; break;
	default: cls = ERR_IO; break;
	}
	return err_set(e, cls, "%s: %s (%s)", j ? j->path : "journal", msg, what);
}

sqlite3_stmt *journal_stmt(struct journal *j, enum journal_stmt_id id, const char *sql,
                           struct err *e)
{
	sqlite3_stmt *st = j->stmt[id];
	int rc;
	if (st) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		return st;
	}
	rc = sqlite3_prepare_v3(j->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
	if (rc != SQLITE_OK) {
		journal_fail(j, rc, "preparing a statement", e);
		return NULL;
	}
	j->stmt[id] = st;
	return st;
}

int journal_exec_stmt(struct journal *j, sqlite3_stmt *st, const char *what, struct err *e)
{
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE) {
		journal_fail(j, rc, what, e);
		sqlite3_reset(st);
		return -1;
	}
	sqlite3_reset(st);
	return 0;
}

int journal_tx_begin(struct journal *j, struct err *e)
{
	sqlite3_stmt *st;
	if (j->ro)
		return err_set(e, ERR_INTERNAL, "%s: write on a read-only journal connection", j->path);
	st = journal_stmt(j, JS_BEGIN, "BEGIN IMMEDIATE", e);
	return st ? journal_exec_stmt(j, st, "starting a write", e) : -1;
}

int journal_tx_commit(struct journal *j, struct err *e)
{
	sqlite3_stmt *st = journal_stmt(j, JS_COMMIT, "COMMIT", e);
	if (!st || journal_exec_stmt(j, st, "committing", e) < 0) {
		journal_tx_rollback(j);
		return -1;
	}
	journal_crash_point();
	return 0;
}

void journal_tx_rollback(struct journal *j)
{
	if (!sqlite3_get_autocommit(j->db))
		sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
}

int journal_write1(struct journal *j, sqlite3_stmt *st, const char *what, struct err *e)
{
	if (journal_tx_begin(j, e) < 0)
		return -1;
	if (journal_exec_stmt(j, st, what, e) < 0) {
		journal_tx_rollback(j);
		return -1;
	}
	return journal_tx_commit(j, e);
}

int journal_update1(struct journal *j, sqlite3_stmt *st, const char *what, bool *found,
                    struct err *e)
{
	*found = false;
	if (journal_tx_begin(j, e) < 0)
		return -1;
	if (journal_exec_stmt(j, st, what, e) < 0) {
		journal_tx_rollback(j);
		return -1;
	}
	if (sqlite3_changes(j->db) != 1) {
		journal_tx_rollback(j);
		return 0;
	}
	*found = true;
	return journal_tx_commit(j, e);
}

int journal_bind_text(sqlite3_stmt *st, int idx, const char *s)
{
	return s ? sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, idx);
}

int journal_col_dup(sqlite3_stmt *st, int col, char **out)
{
	const unsigned char *s = sqlite3_column_text(st, col);
	*out = NULL;
	if (!s)
		return 0;
	*out = strdup((const char *)s);
	return *out ? 0 : -1;
}

/* ---- open / close ---------------------------------------------------------------- */

static int journal_pragma(struct journal *j, const char *sql, struct err *e)
{
	int rc = sqlite3_exec(j->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? 0 : journal_fail(j, rc, sql, e);
}

/* WAL, pragmas, schema. Separate so that journal_open_common can retry it. */
static int journal_setup(struct journal *j, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc;
	if (!j->ro) {
		/* WAL: readers (status) never block the workers; NORMAL: a commit is durable
		 * against a process crash, and a power cut loses at most the last commits,
		 * which the in-doubt check on resume covers. */
		rc = sqlite3_prepare_v2(j->db, "PRAGMA journal_mode = WAL", -1, &st, NULL);
		if (rc == SQLITE_OK)
			rc = sqlite3_step(st);
		if (rc != SQLITE_ROW) {
			sqlite3_finalize(st);
			return journal_fail(j, rc, "switching to WAL mode", e);
		}
		if (strcmp((const char *)sqlite3_column_text(st, 0), "wal") != 0) {
			err_set(e, ERR_IO, "%s: cannot switch to WAL mode (got '%s')", j->path,
			        (const char *)sqlite3_column_text(st, 0));
			sqlite3_finalize(st);
			return -1;
		}
		sqlite3_finalize(st);
		if (journal_pragma(j, "PRAGMA synchronous = NORMAL", e) < 0)
			return -1;
	}
	if (journal_pragma(j, "PRAGMA foreign_keys = ON", e) < 0)
		return -1;
	return journal_schema_apply(j, e);
}

static long journal_ms_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long)(t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* SQLite's own busy_timeout backs off to 100 ms sleeps, so under load a waiting worker
 * loses the lock again and again to those that retry sooner and can starve past the
 * timeout. Polling every millisecond or two keeps the waiters on an even footing; a
 * write transaction here lasts well under a millisecond per message. */
static int journal_busy(void *arg, int count)
{
	struct journal *j = arg;
	struct timespec pause = { 0, (count < 20 ? 1 : 2) * 1000 * 1000 };
	if (count == 0)
		clock_gettime(CLOCK_MONOTONIC, &j->busy_since);
	else if (journal_ms_since(&j->busy_since) >= j->busy_ms)
		return 0;
	nanosleep(&pause, NULL);
	return 1;
}

static int journal_open_common(struct journal **out, const char *path, bool ro, struct err *e)
{
	struct journal *j;
	struct timespec t0;
	int rc, flags = SQLITE_OPEN_NOMUTEX | (ro ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE);

	*out = NULL;
	j = calloc(1, sizeof *j);
	if (!j || !(j->path = strdup(path))) {
		free(j);
		return err_set(e, ERR_NOMEM, "%s: out of memory", path);
	}
	j->ro = ro;
	rc = sqlite3_open_v2(path, &j->db, flags, NULL);
	if (rc != SQLITE_OK) {
		journal_fail(j, rc, "opening", e);
		journal_close(j);
		return -1;
	}
	sqlite3_extended_result_codes(j->db, 1);
	j->busy_ms = JOURNAL_BUSY_TIMEOUT_MS;
	sqlite3_busy_handler(j->db, journal_busy, j);
	/* Workers opening a fresh file together: while one switches it to WAL and creates
	 * the schema, SQLite may answer the others BUSY at once, without the busy handler
	 * (it would deadlock). Retry for as long as the busy timeout. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (journal_setup(j, e) < 0) {
		struct timespec pause = { 0, 10 * 1000 * 1000 };
		if ((j->last_rc & 0xff) != SQLITE_BUSY || journal_ms_since(&t0) > JOURNAL_BUSY_TIMEOUT_MS) {
			journal_close(j);
			return -1;
		}
		err_clear(e);
		j->last_rc = SQLITE_OK;
		nanosleep(&pause, NULL);
	}
	*out = j;
	return 0;
}

int journal_open(struct journal **out, const char *path, struct err *e)
{
	/* Create the file ourselves so it is born 0600; SQLite gives -wal and -shm the
	 * same mode as the database. */
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	*out = NULL;
	if (fd < 0)
		return err_set(e, ERR_IO, "%s: %s", path, strerror(errno));
	close(fd);
	return journal_open_common(out, path, false, e);
}

int journal_open_ro(struct journal **out, const char *path, struct err *e)
{
	struct stat sb;
	*out = NULL;
	if (stat(path, &sb) < 0) {
		if (errno == ENOENT)
			return err_set(e, ERR_NOTFOUND, "%s: no journal yet", path);
		return err_set(e, ERR_IO, "%s: %s", path, strerror(errno));
	}
	return journal_open_common(out, path, true, e);
}

void journal_close(struct journal *j)
{
	if (!j)
		return;
	for (int i = 0; i < JS_COUNT; i++)
		sqlite3_finalize(j->stmt[i]);
	sqlite3_close(j->db);
	free(j->path);
	free(j);
}

const char *journal_path(const struct journal *j)
{
	return j->path;
}

void journal_set_busy_timeout(struct journal *j, int ms)
{
	j->busy_ms = ms;
}

/* ---- runs ------------------------------------------------------------------------ */

int journal_run_begin(struct journal *j, const char *command, const char *phase, int64_t *run_id,
                      struct err *e)
{
	sqlite3_stmt *st = journal_stmt(j, JS_RUN_BEGIN,
	                                "INSERT INTO run (command, phase, started) VALUES (?, ?, ?)", e);
	if (!st)
		return -1;
	journal_bind_text(st, 1, command);
	journal_bind_text(st, 2, phase);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)time(NULL));
	if (journal_write1(j, st, "starting a run", e) < 0)
		return -1;
	/* Still this connection's last insert: nothing else wrote through it since. */
	*run_id = sqlite3_last_insert_rowid(j->db);
	j->run_id = *run_id;
	return 0;
}

int journal_run_end(struct journal *j, int64_t run_id, int exit_code, const char *summary,
                    struct err *e)
{
	sqlite3_stmt *st = journal_stmt(
		j, JS_RUN_END, "UPDATE run SET ended = ?, exit_code = ?, summary = ? WHERE id = ?", e);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)time(NULL));
	sqlite3_bind_int(st, 2, exit_code);
	journal_bind_text(st, 3, summary);
	sqlite3_bind_int64(st, 4, run_id);
	return journal_write1(j, st, "ending a run", e);
}

void journal_set_run(struct journal *j, int64_t run_id)
{
	j->run_id = run_id;
}

int journal_run_set_log(struct journal *j, int64_t run_id, const char *log, struct err *e)
{
	sqlite3_stmt *st = journal_stmt(j, JS_RUN_LOG, "UPDATE run SET log = ? WHERE id = ?", e);
	if (!st)
		return -1;
	journal_bind_text(st, 1, log);
	sqlite3_bind_int64(st, 2, run_id);
	return journal_write1(j, st, "recording the run's log", e);
}

int journal_inventory_put(struct journal *j, const char *customer, uint64_t msgs, uint64_t bytes,
                          struct err *e)
{
	sqlite3_stmt *st = journal_stmt(j, JS_INV_PUT,
	                                "INSERT OR REPLACE INTO inventory (customer, msgs, bytes, at) "
	                                "VALUES (?, ?, ?, ?)", e);
	if (!st)
		return -1;
	journal_bind_text(st, 1, customer);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)msgs);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)bytes);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)time(NULL));
	return journal_write1(j, st, "recording the inventory", e);
}

int journal_inventory_get(struct journal *j, const char *customer, uint64_t *msgs,
                          uint64_t *bytes, bool *found, struct err *e)
{
	sqlite3_stmt *st = journal_stmt(j, JS_INV_GET,
	                                "SELECT msgs, bytes FROM inventory WHERE customer = ?", e);
	int rc;
	*found = false;
	*msgs = *bytes = 0;
	if (!st)
		return -1;
	journal_bind_text(st, 1, customer);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*found = true;
		*msgs = (uint64_t)sqlite3_column_int64(st, 0);
		*bytes = (uint64_t)sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return journal_fail(j, rc, "reading the inventory", e);
	return 0;
}

int journal_run_last(struct journal *j, struct journal_run *out, bool *found, struct err *e)
{
	return journal_run_last_of(j, NULL, out, found, e);
}

int journal_run_last_of(struct journal *j, const char *command, struct journal_run *out,
                        bool *found, struct err *e)
{
	sqlite3_stmt *st = journal_stmt(j, JS_RUN_LAST,
	                                "SELECT id, command, phase, started, ended, exit_code, summary, "
	                                "log FROM run WHERE ?1 IS NULL OR command = ?1 "
	                                "ORDER BY id DESC LIMIT 1", e);
	int rc;
	memset(out, 0, sizeof *out);
	*found = false;
	if (!st)
		return -1;
	journal_bind_text(st, 1, command);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return journal_fail(j, rc, "reading the last run", e);
	out->id = sqlite3_column_int64(st, 0);
	out->started = (time_t)sqlite3_column_int64(st, 3);
	out->ended = (time_t)sqlite3_column_int64(st, 4);
	out->exit_code = sqlite3_column_type(st, 5) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 5);
	if (journal_col_dup(st, 1, &out->command) < 0 || journal_col_dup(st, 2, &out->phase) < 0 ||
	    journal_col_dup(st, 6, &out->summary) < 0 || journal_col_dup(st, 7, &out->log) < 0) {
		sqlite3_reset(st);
		journal_run_release(out);
		return err_set(e, ERR_NOMEM, "%s: out of memory", j->path);
	}
	sqlite3_reset(st);
	*found = true;
	return 0;
}

void journal_run_release(struct journal_run *r)
{
	free(r->command);
	free(r->phase);
	free(r->summary);
	free(r->log);
	memset(r, 0, sizeof *r);
}

/* ---- customers ------------------------------------------------------------------- */

int journal_customer_upsert(struct journal *j, const char *id, const char *email, struct err *e)
{
	sqlite3_stmt *st = journal_stmt(
		j, JS_CUST_UPSERT,
		"INSERT INTO customer (id, email, created, updated) VALUES (?1, coalesce(?2, ''), ?3, ?3) "
		"ON CONFLICT (id) DO UPDATE SET email = coalesce(?2, email), updated = ?3", e);
	if (!st)
		return -1;
	journal_bind_text(st, 1, id);
	journal_bind_text(st, 2, email);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)time(NULL));
	return journal_write1(j, st, "recording a customer", e);
}

/* An UPDATE of one customer row that must have found the row. */
static int journal_customer_update(struct journal *j, sqlite3_stmt *st, const char *id,
                                   const char *what, struct err *e)
{
	bool found;
	if (journal_update1(j, st, what, &found, e) < 0)
		return -1;
	if (!found)
		return err_set(e, ERR_INTERNAL, "%s: customer '%s' is not in the journal (%s)", j->path,
		               id, what);
	return 0;
}

int journal_customer_state(struct journal *j, const char *id, const char *state,
                           const char *err_class, const char *err_text, struct err *e)
{
	sqlite3_stmt *st = journal_stmt(
		j, JS_CUST_STATE,
		"UPDATE customer SET state = ?1, err_class = ?2, err_text = ?3, "
		"last_run = coalesce(?4, last_run), updated = ?5 WHERE id = ?6", e);
	if (!st)
		return -1;
	journal_bind_text(st, 1, state);
	journal_bind_text(st, 2, err_class);
	journal_bind_text(st, 3, err_text);
	if (j->run_id)
		sqlite3_bind_int64(st, 4, j->run_id);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)time(NULL));
	journal_bind_text(st, 6, id);
	return journal_customer_update(j, st, id, "setting a customer's state", e);
}

int journal_customer_set_uidl_style(struct journal *j, const char *id, const char *style,
                                    struct err *e)
{
	sqlite3_stmt *st = journal_stmt(
		j, JS_CUST_STYLE, "UPDATE customer SET uidl_style = ?1, updated = ?2 WHERE id = ?3", e);
	if (!st)
		return -1;
	journal_bind_text(st, 1, style);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)time(NULL));
	journal_bind_text(st, 3, id);
	return journal_customer_update(j, st, id, "setting a customer's UIDL style", e);
}

/* ---- events ---------------------------------------------------------------------- */

int journal_event(struct journal *j, int64_t run_id, const char *customer, const char *level,
                  const char *text, struct err *e)
{
	sqlite3_stmt *st = journal_stmt(
		j, JS_EVENT, "INSERT INTO event (run_id, customer, level, text, at) VALUES (?, ?, ?, ?, ?)",
		e);
	if (!st)
		return -1;
	if (!run_id)
		run_id = j->run_id;
	if (run_id)
		sqlite3_bind_int64(st, 1, run_id);
	journal_bind_text(st, 2, customer);
	journal_bind_text(st, 3, level);
	journal_bind_text(st, 4, text ? text : "");
	sqlite3_bind_int64(st, 5, (sqlite3_int64)time(NULL));
	return journal_write1(j, st, "recording an event", e);
}
