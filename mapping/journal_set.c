/* journal_set: merging shards' journals into one (see journal_set.h). The copy names
 * every column of schema version 5: a new schema version must add its columns here, and
 * the assertion below makes sure nobody forgets. */
#include "mapping/journal_set.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mapping/journal_p.h"

_Static_assert(JOURNAL_SCHEMA_VERSION == 5, "journal_set copies the columns of version 5");

void journal_set_free(char **paths, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}

static int journal_set_push(char ***v, size_t *n, const char *a, const char *b, struct err *e)
{
	size_t len = strlen(a) + (b ? strlen(b) + 1 : 0) + 1;
	char **nv = realloc(*v, (*n + 1) * sizeof *nv), *s;
	if (!nv)
		return err_set(e, ERR_NOMEM, "out of memory");
	*v = nv;
	if (!(s = malloc(len)))
		return err_set(e, ERR_NOMEM, "out of memory");
	snprintf(s, len, b ? "%s/%s" : "%s", a, b);
	nv[(*n)++] = s;
	return 0;
}

static int journal_set_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int journal_set_dir(const char *dir, char ***v, size_t *n, struct err *e)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t first = *n;
	if (!d)
		return err_set(e, ERR_NOINPUT, "%s: %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (len > 3 && strcmp(de->d_name + len - 3, ".db") == 0 &&
		    journal_set_push(v, n, dir, de->d_name, e) < 0) {
			closedir(d);
			return -1;
		}
	}
	closedir(d);
	if (*n == first)
		return err_set(e, ERR_USAGE, "--journal %s: no journal (*.db) in this directory", dir);
	qsort(*v + first, *n - first, sizeof **v, journal_set_cmp);
	return 0;
}

int journal_set_expand(const char *const *names, size_t n, char ***out, size_t *n_out,
                       struct err *e)
{
	char **v = NULL;
	size_t nv = 0;
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct stat sb;
		if (stat(names[i], &sb) < 0)
			rc = err_set(e, ERR_NOINPUT, "--journal %s: %s", names[i], strerror(errno));
		else if (S_ISDIR(sb.st_mode))
			rc = journal_set_dir(names[i], &v, &nv, e);
		else
			rc = journal_set_push(&v, &nv, names[i], NULL, e);
	}
	for (size_t i = 0; rc == 0 && i < nv; i++)
		for (size_t k = 0; k < i; k++)
			if (strcmp(v[i], v[k]) == 0)
				rc = err_set(e, ERR_USAGE, "--journal %s: named twice", v[i]);
	if (rc < 0) {
		journal_set_free(v, nv);
		return -1;
	}
	*out = v;
	*n_out = nv;
	return 0;
}

/* One statement with up to two integer parameters and one text parameter (?3). Rows of a
 * SELECT are handed to row (NULL: ignored). */
static int journal_set_sql(struct journal *j, const char *sql, int64_t a, int64_t b,
                           const char *t, int (*row)(void *, sqlite3_stmt *), void *ctx,
                           const char *what, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(j->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return journal_fail(j, rc, what, e);
	int np = sqlite3_bind_parameter_count(st);
	if (np >= 1)
		sqlite3_bind_int64(st, 1, a);
	if (np >= 2)
		sqlite3_bind_int64(st, 2, b);
	if (np >= 3)
		journal_bind_text(st, 3, t);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (row && row(ctx, st) < 0) {
			sqlite3_finalize(st);
			return err_set(e, ERR_NOMEM, "out of memory");
		}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : journal_fail(j, rc, what, e);
}

static int journal_set_int(void *ctx, sqlite3_stmt *st)
{
	*(int64_t *)ctx = sqlite3_column_int64(st, 0);
	return 0;
}

struct journal_set_clash {
	char customer[512], other[4096];
	bool found;
};

static int journal_set_clash_row(void *ctx, sqlite3_stmt *st)
{
	struct journal_set_clash *c = ctx;
	const char *id = (const char *)sqlite3_column_text(st, 0);
	const char *other = (const char *)sqlite3_column_text(st, 1);
	if (c->found)
		return 0;
	c->found = true;
	snprintf(c->customer, sizeof c->customer, "%s", id ? id : "?");
	snprintf(c->other, sizeof c->other, "%s", other ? other : "?");
	return 0;
}

static int journal_set_attach(struct journal *j, const char *path, struct err *e)
{
	int64_t version = 0;
	if (journal_set_sql(j, "ATTACH DATABASE ?3 AS src", 0, 0, path, NULL, NULL, "attaching", e) < 0)
		return err_prefix(e, "journal %s: ", path);
	if (journal_set_sql(j, "SELECT CAST(value AS INTEGER) FROM src.meta WHERE key = "
	                    "'schema_version'", 0, 0, NULL, journal_set_int, &version,
	                    "reading its schema version", e) < 0) {
		journal_set_sql(j, "DETACH DATABASE src", 0, 0, NULL, NULL, NULL, "detaching", e);
		return err_set(e, ERR_DATA, "journal %s: not a cutover journal", path);
	}
	if (version != JOURNAL_SCHEMA_VERSION) {
		struct err ignore;
		err_clear(&ignore);
		journal_set_sql(j, "DETACH DATABASE src", 0, 0, NULL, NULL, NULL, "detaching", &ignore);
		return err_set(e, ERR_DATA, "journal %s: schema version %lld, this cutover merges "
		               "version %d only (open it once with `cutover run` of this version)", path,
		               (long long)version, JOURNAL_SCHEMA_VERSION);
	}
	return 0;
}

static int journal_set_detach(struct journal *j, struct err *e)
{
	return journal_set_sql(j, "DETACH DATABASE src", 0, 0, NULL, NULL, NULL, "detaching", e);
}

/* When each journal's last run started: the order the journals are merged in. */
struct journal_set_src {
	const char *path;
	int64_t last;
};

static int journal_set_src_cmp(const void *a, const void *b)
{
	const struct journal_set_src *x = a, *y = b;
	if (x->last != y->last)
		return x->last < y->last ? -1 : 1;
	return strcmp(x->path, y->path);
}

static const char *const journal_set_copy[] = {
	"INSERT INTO main.run (id, command, phase, started, ended, exit_code, summary, log) "
	"SELECT id + ?1, command, phase, started, ended, exit_code, summary, log FROM src.run",
	"INSERT INTO main.customer (id, email, state, err_class, err_text, uidl_style, last_run, "
	"created, updated) SELECT id, email, state, err_class, err_text, uidl_style, last_run + ?1, "
	"created, updated FROM src.customer",
	"INSERT INTO main.message (id, customer, folder, src_key, src_seq, src_uidvalidity, src_uid, "
	"size, sha256, message_id, dst_folder, dst_uidvalidity, dst_uid, dst_uidl, flags, state, why, "
	"run_id, created, updated, keywords, src_kind, altered) SELECT id + ?2, customer, folder, "
	"src_key, src_seq, src_uidvalidity, src_uid, size, sha256, message_id, dst_folder, "
	"dst_uidvalidity, dst_uid, dst_uidl, flags, state, why, run_id + ?1, created, updated, "
	"keywords, src_kind, altered FROM src.message",
	"INSERT INTO main.event (run_id, customer, level, text, at) "
	"SELECT run_id + ?1, customer, level, text, at FROM src.event ORDER BY id",
	"INSERT OR REPLACE INTO main.inventory (customer, msgs, bytes, at) "
	"SELECT customer, msgs, bytes, at FROM src.inventory",
	"INSERT INTO main.notice (customer, kind, message_id, status, detail, run_id, at) "
	"SELECT customer, kind, message_id, status, detail, run_id + ?1, at FROM src.notice ORDER BY id",
	"INSERT INTO temp.origin (customer, journal) SELECT id, ?3 FROM src.customer "
	"UNION SELECT customer, ?3 FROM src.notice",
};

/* One journal into the merged one: first whether one of its customers came from another. */
static int journal_set_one(struct journal *j, const char *path, struct err *e)
{
	struct journal_set_clash c = { .found = false };
	int64_t run_off = 0, msg_off = 0;
	if (journal_set_sql(j, "SELECT o.customer, o.journal FROM temp.origin o WHERE o.customer IN "
	                    "(SELECT id FROM src.customer UNION SELECT customer FROM src.notice) "
	                    "ORDER BY o.customer LIMIT 1", 0, 0, NULL, journal_set_clash_row, &c,
	                    "comparing customers", e) < 0)
		return -1;
	if (c.found)
		return err_set(e, ERR_DATA, "customer %s is in two shards' journals: %s and %s (two "
		               "shards copied it; each customer belongs to one shard)", c.customer,
		               c.other, path);
	if (journal_set_sql(j, "SELECT coalesce(max(id), 0) FROM main.run", 0, 0, NULL,
	                    journal_set_int, &run_off, "numbering runs", e) < 0 ||
	    journal_set_sql(j, "SELECT coalesce(max(id), 0) FROM main.message", 0, 0, NULL,
	                    journal_set_int, &msg_off, "numbering messages", e) < 0)
		return -1;
	for (size_t i = 0; i < sizeof journal_set_copy / sizeof *journal_set_copy; i++)
		if (journal_set_sql(j, journal_set_copy[i], run_off, msg_off, path, NULL, NULL,
		                    "copying", e) < 0)
			return err_prefix(e, "journal %s: ", path);
	return 0;
}

static int journal_set_order(struct journal *j, struct journal_set_src *v, size_t n, struct err *e)
{
	for (size_t i = 0; i < n; i++) {
		if (journal_set_attach(j, v[i].path, e) < 0)
			return -1;
		int rc = journal_set_sql(j, "SELECT coalesce(max(started), 0) FROM src.run", 0, 0, NULL,
		                         journal_set_int, &v[i].last, "reading its runs", e);
		if (journal_set_detach(j, e) < 0 || rc < 0)
			return err_prefix(e, "journal %s: ", v[i].path);
	}
	qsort(v, n, sizeof *v, journal_set_src_cmp);
	return 0;
}

int journal_set_merge(const char *const *paths, size_t n, const char *out_path, struct err *e)
{
	struct journal *j = NULL;
	struct journal_set_src *v = calloc(n + 1, sizeof *v);
	int rc = -1;
	if (!v)
		return err_set(e, ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		struct stat sb;
		v[i].path = paths[i];
		if (stat(paths[i], &sb) < 0) {
			err_set(e, ERR_NOINPUT, "journal %s: %s", paths[i], strerror(errno));
			goto out;
		}
	}
	if (journal_open(&j, out_path, e) < 0 || journal_set_order(j, v, n, e) < 0 ||
	    journal_set_sql(j, "CREATE TEMP TABLE origin (customer TEXT PRIMARY KEY, journal TEXT)",
	                    0, 0, NULL, NULL, NULL, "merging", e) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (journal_set_attach(j, v[i].path, e) < 0)
			goto out;
		struct err ignore;
		err_clear(&ignore);
		int one = journal_set_sql(j, "BEGIN", 0, 0, NULL, NULL, NULL, "merging", e);
		if (one == 0)
			one = journal_set_one(j, v[i].path, e);
		if (one == 0)
			one = journal_set_sql(j, "COMMIT", 0, 0, NULL, NULL, NULL, "merging", e);
		else
			journal_set_sql(j, "ROLLBACK", 0, 0, NULL, NULL, NULL, "merging", &ignore);
		if (journal_set_detach(j, one == 0 ? e : &ignore) < 0 || one < 0)
			goto out;
	}
	rc = 0;
out:
	journal_close(j);
	free(v);
	return rc;
}
