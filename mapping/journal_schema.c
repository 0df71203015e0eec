/* journal_schema: the versioned schema of the journal and the steps that bring an older
 * file up to JOURNAL_SCHEMA_VERSION. A file from a newer cutover is refused, never
 * touched.
 *
 * The journal holds no password and no credential of any kind: no table has a column
 * for one and no function of journal.h takes one. Keep it that way: the file is copied
 * around for reports. It does hold customer e-mail addresses and Message-IDs, so it is
 * created with mode 0600. */
#include "mapping/journal_p.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Step k brings a file from version k to k + 1 (step 0 creates the first schema). A new
 * version appends a step; existing steps never change, so an old file replays them. */
static const char *const journal_schema_steps[] = {
	/* 0 -> 1 */
	"CREATE TABLE meta (\n"
	"  key   TEXT PRIMARY KEY,\n"
	"  value TEXT NOT NULL\n"
	");\n"
	"CREATE TABLE run (\n"
	"  id        INTEGER PRIMARY KEY,\n"
	"  command   TEXT NOT NULL,\n"
	"  phase     TEXT,\n"
	"  started   INTEGER NOT NULL,\n"
	"  ended     INTEGER,\n"
	"  exit_code INTEGER,\n"
	"  summary   TEXT\n"
	");\n"
	"CREATE TABLE customer (\n"
	"  id         TEXT PRIMARY KEY,\n"
	"  email      TEXT NOT NULL DEFAULT '',\n"
	"  state      TEXT NOT NULL DEFAULT 'pending'\n"
	"             CHECK (state IN ('pending', 'running', 'done', 'failed')),\n"
	"  err_class  TEXT,\n"
	"  err_text   TEXT,\n"
	"  uidl_style TEXT,\n"
	"  last_run   INTEGER REFERENCES run(id),\n"
	"  created    INTEGER NOT NULL,\n"
	"  updated    INTEGER NOT NULL\n"
	");\n"
	/* One row per source message. src_key is the POP3 UIDL (or "sha256:<hex>" when the
	 * source has none) or "uidvalidity/uid" for IMAP. state: 1 intent, 2 done,
	 * 3 skipped, 4 failed (enum journal_msg_state). */
	"CREATE TABLE message (\n"
	"  id              INTEGER PRIMARY KEY,\n"
	"  customer        TEXT NOT NULL REFERENCES customer(id),\n"
	"  folder          TEXT NOT NULL,\n"
	"  src_key         TEXT NOT NULL,\n"
	"  src_seq         INTEGER NOT NULL,\n"
	"  src_uidvalidity INTEGER NOT NULL DEFAULT 0,\n"
	"  src_uid         INTEGER NOT NULL DEFAULT 0,\n"
	"  size            INTEGER NOT NULL,\n"
	"  sha256          TEXT NOT NULL DEFAULT '',\n"
	"  message_id      TEXT,\n"
	"  dst_folder      TEXT,\n"
	"  dst_uidvalidity INTEGER NOT NULL DEFAULT 0,\n"
	"  dst_uid         INTEGER NOT NULL DEFAULT 0,\n"
	"  dst_uidl        TEXT,\n"
	"  flags           INTEGER NOT NULL DEFAULT 0,\n"
	"  state           INTEGER NOT NULL CHECK (state BETWEEN 1 AND 4),\n"
	"  why             TEXT,\n"
	"  run_id          INTEGER REFERENCES run(id),\n"
	"  created         INTEGER NOT NULL,\n"
	"  updated         INTEGER NOT NULL,\n"
	"  UNIQUE (customer, folder, src_key)\n"
	");\n"
	"CREATE INDEX message_order ON message (customer, folder, src_seq);\n"
	"CREATE INDEX message_state ON message (state, customer);\n"
	"CREATE TABLE event (\n"
	"  id       INTEGER PRIMARY KEY,\n"
	"  run_id   INTEGER REFERENCES run(id),\n"
	"  customer TEXT,\n"
	"  level    TEXT NOT NULL CHECK (level IN ('info', 'warn', 'error')),\n"
	"  text     TEXT NOT NULL,\n"
	"  at       INTEGER NOT NULL\n"
	");\n"
	/* Notices may go to customers no run has touched yet, so no foreign key here.
	 * status: 'sending' (claimed, outcome unknown), 'sent', 'failed'. */
	"CREATE TABLE notice (\n"
	"  id         INTEGER PRIMARY KEY,\n"
	"  customer   TEXT NOT NULL,\n"
	"  kind       TEXT NOT NULL,\n"
	"  message_id TEXT,\n"
	"  status     TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'failed')),\n"
	"  detail     TEXT,\n"
	"  run_id     INTEGER REFERENCES run(id),\n"
	"  at         INTEGER NOT NULL,\n"
	"  UNIQUE (customer, kind)\n"
	");\n",
	/* 1 -> 2: IMAP keywords as copied (space-separated), so a later phase sees changes. */
	"ALTER TABLE message ADD COLUMN keywords TEXT;\n",
	/* 2 -> 3: what src_key is (enum journal_key_kind), written by the source driver from now
	 * on. Older rows are classified once, here, by what only those drivers wrote: an IMAP
	 * row has a UID, a POP3 row without UIDL a "sha256:" content key. */
	"ALTER TABLE message ADD COLUMN src_kind INTEGER NOT NULL DEFAULT 1;\n"
	"UPDATE message SET src_kind = CASE WHEN src_uid <> 0 THEN 3 "
	"WHEN substr(src_key, 1, 7) = 'sha256:' THEN 2 ELSE 1 END;\n",
	/* 3 -> 4: a message stored with a change the destination forced (NUL bytes without
	 * IMAP BINARY): what changed, so verify accepts it as recorded and status lists it. */
	"ALTER TABLE message ADD COLUMN altered TEXT;\n",
	/* 4 -> 5: where a run wrote its log (--log / the plan's log:), so status can point
	 * the morning shift to it; and the last dry-run's inventory per customer, so a run's
	 * progress knows its totals before it has listed every mailbox. */
	"ALTER TABLE run ADD COLUMN log TEXT;\n"
	"CREATE TABLE inventory (\n"
	"  customer TEXT PRIMARY KEY,\n"
	"  msgs     INTEGER NOT NULL,\n"
	"  bytes    INTEGER NOT NULL,\n"
	"  at       INTEGER NOT NULL\n"
	");\n",
};

#define JOURNAL_N_STEPS (sizeof journal_schema_steps / sizeof journal_schema_steps[0])
_Static_assert(JOURNAL_N_STEPS == JOURNAL_SCHEMA_VERSION, "one schema step per version");

/* -1 on error, else the version (0 = empty file, no schema yet). */
static int journal_schema_version(struct journal *j, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc, version = 0;
	bool has_meta;

	rc = sqlite3_prepare_v2(j->db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'",
	                        -1, &st, NULL);
	if (rc != SQLITE_OK)
		return journal_fail(j, rc, "reading the schema", e);
	rc = sqlite3_step(st);
	has_meta = rc == SQLITE_ROW;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return journal_fail(j, rc, "reading the schema", e);
	if (!has_meta) {
		/* A file with tables but no meta is not ours. */
		rc = sqlite3_prepare_v2(j->db, "SELECT count(*) FROM sqlite_master", -1, &st, NULL);
		if (rc != SQLITE_OK)
			return journal_fail(j, rc, "reading the schema", e);
		rc = sqlite3_step(st);
		int n = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
		sqlite3_finalize(st);
		if (n < 0)
			return journal_fail(j, rc, "reading the schema", e);
		if (n > 0)
			return err_set(e, ERR_DATA, "%s: not a cutover journal (tables but no meta table)",
			               j->path);
		return 0;
	}
	rc = sqlite3_prepare_v2(j->db, "SELECT value FROM meta WHERE key = 'schema_version'", -1, &st,
	                        NULL);
	if (rc != SQLITE_OK)
		return journal_fail(j, rc, "reading the schema version", e);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);
		char *end = NULL;
		long n = v ? strtol(v, &end, 10) : -1;
		version = (v && *end == '\0' && n > 0 && n < 1000000) ? (int)n : -1;
	} else {
		version = -1;
	}
	sqlite3_finalize(st);
	if (version < 0)
		return err_set(e, ERR_DATA, "%s: journal has no valid schema_version in its meta table",
		               j->path);
	return version;
}

/* Inside one write transaction: re-read the version under the lock (two workers may
 * open a fresh file at once; only one of them migrates), then apply the missing steps.
 * Not counted as a write for journal_crash_point: the crash points are the API's writes. */
static int journal_schema_migrate(struct journal *j, struct err *e)
{
	char *msg = NULL, sql[128];
	int rc, from;

	if (journal_tx_begin(j, e) < 0)
		return -1;
	from = journal_schema_version(j, e);
	if (from < 0 || from >= JOURNAL_SCHEMA_VERSION) {
		journal_tx_rollback(j);
		return from < 0 ? -1 : 0;
	}
	for (int v = from; v < JOURNAL_SCHEMA_VERSION; v++) {
		rc = sqlite3_exec(j->db, journal_schema_steps[v], NULL, NULL, &msg);
		if (rc != SQLITE_OK) {
			err_set(e, ERR_IO, "%s: migrating the schema from version %d: %s", j->path, v,
			        msg ? msg : sqlite3_errstr(rc));
			sqlite3_free(msg);
			journal_tx_rollback(j);
			return -1;
		}
	}
	snprintf(sql, sizeof sql,
	         "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', '%d')",
	         JOURNAL_SCHEMA_VERSION);
	rc = sqlite3_exec(j->db, sql, NULL, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(j->db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		journal_fail(j, rc, "writing the schema", e);
		journal_tx_rollback(j);
		return -1;
	}
	return 0;
}

int journal_schema_apply(struct journal *j, struct err *e)
{
	int rc, v;
	/* One read transaction, so both look-ups see the same snapshot: between two autocommit
	 * reads another worker may commit a fresh schema, and "no meta table" followed by "but
	 * tables" would call our own journal foreign. */
	rc = sqlite3_exec(j->db, "BEGIN", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return journal_fail(j, rc, "reading the schema", e);
	v = journal_schema_version(j, e);
	sqlite3_exec(j->db, v < 0 ? "ROLLBACK" : "COMMIT", NULL, NULL, NULL);
	if (v < 0)
		return -1;
	if (v > JOURNAL_SCHEMA_VERSION)
		return err_set(e, ERR_DATA,
		               "%s: journal schema version %d is newer than this cutover understands "
		               "(%d); use the cutover that wrote it",
		               j->path, v, JOURNAL_SCHEMA_VERSION);
	if (v == JOURNAL_SCHEMA_VERSION)
		return 0;
	if (j->ro) {
		if (v == 0)
			return err_set(e, ERR_DATA, "%s: empty journal (no run has written it yet)", j->path);
		return err_set(e, ERR_DATA,
		               "%s: journal schema version %d is older than %d; a write command "
		               "(cutover run) upgrades it",
		               j->path, v, JOURNAL_SCHEMA_VERSION);
	}
	return journal_schema_migrate(j, e);
}
