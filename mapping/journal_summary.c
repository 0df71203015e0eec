/* journal_summary: per-customer totals (status, verify, notices about re-downloads). */
#include "mapping/journal_p.h"

#include <stdlib.h>
#include <string.h>

int journal_summary(struct journal *j, struct journal_customer_summary **out, size_t *n,
                    struct err *e)
{
	sqlite3_stmt *st = journal_stmt(
		j, JS_SUMMARY,
		"SELECT c.id, c.email, c.state, c.err_class, c.err_text, c.uidl_style, "
		"coalesce(c.last_run, 0), c.updated, "
		"coalesce(sum(m.state = 2), 0), coalesce(sum(m.state = 1), 0), "
		"coalesce(sum(m.state = 4), 0), coalesce(sum(m.state = 3), 0), "
		"coalesce(sum(CASE WHEN m.state = 2 THEN m.size END), 0), "
		"coalesce(sum(m.state = 2 AND m.altered IS NOT NULL), 0) "
		"FROM customer c LEFT JOIN message m ON m.customer = c.id "
		"GROUP BY c.id ORDER BY c.id", e);
	struct journal_customer_summary *v = NULL, *s;
	size_t alloc = 0, count = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (count == alloc) {
			size_t na = alloc ? alloc * 2 : 16;
			struct journal_customer_summary *nv = realloc(v, na * sizeof *nv);
			if (!nv)
				goto nomem;
			v = nv;
			alloc = na;
		}
		s = &v[count];
		memset(s, 0, sizeof *s);
		count++;
		if (journal_col_dup(st, 0, &s->id) < 0 || journal_col_dup(st, 1, &s->email) < 0 ||
		    journal_col_dup(st, 2, &s->state) < 0 || journal_col_dup(st, 3, &s->err_class) < 0 ||
		    journal_col_dup(st, 4, &s->err_text) < 0 || journal_col_dup(st, 5, &s->uidl_style) < 0)
			goto nomem;
		s->last_run = sqlite3_column_int64(st, 6);
		s->updated = (time_t)sqlite3_column_int64(st, 7);
		s->msgs_done = (uint64_t)sqlite3_column_int64(st, 8);
		s->msgs_intent = (uint64_t)sqlite3_column_int64(st, 9);
		s->msgs_failed = (uint64_t)sqlite3_column_int64(st, 10);
		s->msgs_skipped = (uint64_t)sqlite3_column_int64(st, 11);
		s->bytes_done = (uint64_t)sqlite3_column_int64(st, 12);
		s->msgs_altered = (uint64_t)sqlite3_column_int64(st, 13);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		journal_summary_free(v, count);
		return journal_fail(j, rc, "summarising customers", e);
	}
	*out = v;
	*n = count;
	return 0;
nomem:
	sqlite3_reset(st);
	journal_summary_free(v, count);
	return err_set(e, ERR_NOMEM, "%s: out of memory summarising customers", j->path);
}

void journal_summary_free(struct journal_customer_summary *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].id);
		free(v[i].email);
		free(v[i].state);
		free(v[i].err_class);
		free(v[i].err_text);
		free(v[i].uidl_style);
	}
	free(v);
}
