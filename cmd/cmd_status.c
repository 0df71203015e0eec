/* cmd_status: `cutover status PLAN [--json] [--customer ID]...`: the journal per customer,
 * read through a read-only connection, so it can watch a run in progress. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cmd/cmd.h"
#include "cmd/jsondoc.h"
#include "mapping/journal.h"

struct status_opts {
	bool json;
};

static const struct opt_spec status_opts[] = {
	OPT_BIND_FLAG("json", 0, struct status_opts, json, "machine-readable output (docs/json.md)"),
};

/* One line of the report: a plan customer, a journal customer, or both. */
struct status_row {
	const struct plan_customer *pc;                 /* NULL: in the journal only */
	const struct journal_customer_summary *js;      /* NULL: no run touched it yet */
};

struct status_totals {
	size_t customers, done, failed, running, pending;
	uint64_t msgs_done, msgs_intent, msgs_failed, msgs_skipped, bytes_done;
	uint64_t msgs_altered;
};

static const char *status_state(const struct status_row *r)
{
	return r->js && r->js->state ? r->js->state : "pending";
}

/* Plan customers in plan order, then customers only the journal knows (removed from the
 * plan since), each at most once; only the --customer ones when given. */
static struct status_row *status_rows(const struct cmd_ctx *ctx,
                                      const struct journal_customer_summary *s, size_t ns, size_t *n)
{
	const struct plan *p = ctx->plan;
	struct status_row *v = calloc(p->n_customers + ns + 1, sizeof *v);
	size_t k = 0;
	if (!v)
		return NULL;
	for (size_t i = 0; i < p->n_customers; i++) {
		const struct plan_customer *c = &p->customers[i];
		if (!cmd_selected(ctx, c->id))
			continue;
		v[k].pc = c;
		for (size_t m = 0; m < ns; m++)
			if (strcmp(s[m].id, c->id) == 0)
				v[k].js = &s[m];
		k++;
	}
	for (size_t m = 0; m < ns; m++) {
		if (!cmd_selected(ctx, s[m].id) || plan_customer_find(p, s[m].id))
			continue;
		v[k++].js = &s[m];
	}
	*n = k;
	return v;
}

static void status_total(struct status_totals *t, const struct status_row *r)
{
	const char *st = status_state(r);
	t->customers++;
	t->done += strcmp(st, "done") == 0;
	t->failed += strcmp(st, "failed") == 0;
	t->running += strcmp(st, "running") == 0;
	t->pending += strcmp(st, "pending") == 0;
	if (!r->js)
		return;
	t->msgs_done += r->js->msgs_done;
	t->msgs_intent += r->js->msgs_intent;
	t->msgs_failed += r->js->msgs_failed;
	t->msgs_skipped += r->js->msgs_skipped;
	t->bytes_done += r->js->bytes_done;
	t->msgs_altered += r->js->msgs_altered;
}

/* A journal time in the offset the plan's window is written in. */
static const char *status_time(const struct plan *p, time_t t, char *buf, size_t size)
{
	struct plan_time pt = { 0 };
	if (!t)
		return "-";
	pt.t = t;
	pt.utc_offset = p->window.start.utc_offset;
	return plan_time_format(&pt, buf, size);
}

static const char *status_id(const struct status_row *r)
{
	return r->pc ? r->pc->id : r->js->id;
}

/* ---- text ------------------------------------------------------------------------ */

static void status_text(const struct plan *p, const char *jpath, const struct journal_run *run,
                        const struct status_row *rows, size_t n)
{
	struct status_totals t = { 0 };
	char tb[40], tb2[40], bb[32];

	printf("plan %s, journal %s\n", p->name ? p->name : "?", jpath);
	if (run) {
		printf("last run: #%lld %s%s%s, started %s, ", (long long)run->id, run->command,
		       run->phase ? " " : "", run->phase ? run->phase : "",
		       status_time(p, run->started, tb, sizeof tb));
		if (run->ended)
			printf("ended %s, exit %d%s%s\n", status_time(p, run->ended, tb2, sizeof tb2),
			       run->exit_code, run->summary ? ": " : "", run->summary ? run->summary : "");
		else
			printf("still running (or stopped without ending)\n");
		if (run->log)
			printf("log: %s\n", run->log);
	} else {
		printf("no runs yet\n");
	}
	printf("\n%-12s %-8s %8s %8s %7s %10s  %-8s %4s  %s\n", "customer", "state", "done",
	       "in doubt", "failed", "bytes", "UIDLs", "run", "last error");
	for (size_t i = 0; i < n; i++) {
		const struct status_row *r = &rows[i];
		const struct journal_customer_summary *s = r->js;
		char runb[24] = "-";
		status_total(&t, r);
		if (s && s->last_run)
			snprintf(runb, sizeof runb, "%lld", (long long)s->last_run);
		printf("%-12s %-8s %8llu %8llu %7llu %10s  %-8s %4s  ", status_id(r), status_state(r),
		       (unsigned long long)(s ? s->msgs_done : 0), (unsigned long long)(s ? s->msgs_intent : 0),
		       (unsigned long long)(s ? s->msgs_failed : 0),
		       cmd_fmt_bytes(s ? s->bytes_done : 0, bb, sizeof bb),
		       s && s->uidl_style ? s->uidl_style : "-", runb);
		if (s && (s->err_class || s->err_text))
			printf("%s: %s", s->err_class ? s->err_class : "error", s->err_text ? s->err_text : "");
		else
			printf("-");
		if (!r->pc)
			printf(" (not in the plan any more)");
		printf("\n");
	}
	printf("\n%zu customer%s: %zu done, %zu failed, %zu running, %zu pending; "
	       "%llu messages copied (%s), %llu in doubt, %llu failed, %llu skipped\n",
	       t.customers, t.customers == 1 ? "" : "s", t.done, t.failed, t.running, t.pending,
	       (unsigned long long)t.msgs_done, cmd_fmt_bytes(t.bytes_done, bb, sizeof bb),
	       (unsigned long long)t.msgs_intent, (unsigned long long)t.msgs_failed,
	       (unsigned long long)t.msgs_skipped);
	if (t.msgs_altered)
		printf("%llu copied ALTERED (among those copied): what changed is recorded in the journal; "
		       "verify accepts exactly that change.\n", (unsigned long long)t.msgs_altered);
	if (t.msgs_intent)
		printf("In doubt: appended or not, the run stopped before it knew; the next run looks "
		       "them up on the destination before copying again.\n");
}

/* ---- JSON ------------------------------------------------------------------------ */

static json_t *status_json_str(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *status_json_run(const struct plan *p, const struct journal_run *run)
{
	if (!run)
		return json_null();
	json_t *jr = json_pack("{s:I, s:s, s:o, s:o, s:o, s:o, s:o}", "run_id", (json_int_t)run->id,
	                       "command", run->command ? run->command : "", "phase",
	                       status_json_str(run->phase), "started", jsondoc_time(p, run->started),
	                       "ended", jsondoc_time(p, run->ended), "exit",
	                       run->ended ? json_integer(run->exit_code) : json_null(), "summary",
	                       status_json_str(run->summary));
	json_object_set_new(jr, "log", status_json_str(run->log));
	return jr;
}

static json_t *status_json_customer(const struct plan *p, const struct status_row *r)
{
	const struct journal_customer_summary *s = r->js;
	json_t *lasterr = json_null();
	if (s && (s->err_class || s->err_text)) {
		json_decref(lasterr);
		lasterr = json_pack("{s:o, s:o}", "class", status_json_str(s->err_class), "text",
		                    status_json_str(s->err_text));
	}
	return json_pack("{s:s, s:o, s:s, s:b, s:{s:I, s:I, s:I, s:I}, s:I, s:o, s:o, s:o, s:o}",
	                 "customer", status_id(r), "email",
	                 status_json_str(r->pc ? r->pc->email : s->email), "state", status_state(r),
	                 "in_plan", r->pc != NULL, "messages", "done",
	                 (json_int_t)(s ? s->msgs_done : 0), "in_doubt",
	                 (json_int_t)(s ? s->msgs_intent : 0), "failed",
	                 (json_int_t)(s ? s->msgs_failed : 0), "skipped",
	                 (json_int_t)(s ? s->msgs_skipped : 0), "bytes",
	                 (json_int_t)(s ? s->bytes_done : 0), "uidl_style",
	                 status_json_str(s ? s->uidl_style : NULL), "last_error", lasterr, "last_run",
	                 s && s->last_run ? json_integer(s->last_run) : json_null(), "updated",
	                 jsondoc_time(p, s ? s->updated : 0));
}

/* Keys: docs/json.md, "status". */
static json_t *status_json(const struct plan *p, const char *jpath, bool exists,
                           const struct journal_run *run, const struct status_row *rows, size_t n)
{
	struct status_totals t = { 0 };
	json_t *root = jsondoc_new("status"), *list = json_array();

	for (size_t i = 0; i < n; i++) {
		status_total(&t, &rows[i]);
		json_array_append_new(list, status_json_customer(p, &rows[i]));
	}
	json_object_set_new(root, "plan", json_string(p->name ? p->name : ""));
	json_object_set_new(root, "journal", json_string(jpath));
	json_object_set_new(root, "journal_exists", json_boolean(exists));
	json_object_set_new(root, "last_run", status_json_run(p, run));
	json_object_set_new(root, "customers", list);
	json_object_set_new(root, "totals",
	                    json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "customers",
	                              (json_int_t)t.customers, "done", (json_int_t)t.done, "failed",
	                              (json_int_t)t.failed, "running", (json_int_t)t.running, "pending",
	                              (json_int_t)t.pending, "messages_done", (json_int_t)t.msgs_done,
	                              "messages_in_doubt", (json_int_t)t.msgs_intent,
	                              "messages_failed", (json_int_t)t.msgs_failed, "messages_skipped",
	                              (json_int_t)t.msgs_skipped, "bytes", (json_int_t)t.bytes_done));
	/* copied with a recorded change (message.altered): verify accepts exactly these */
	json_object_set_new(json_object_get(root, "totals"), "messages_altered",
	                    json_integer((json_int_t)t.msgs_altered));
	return root;
}

/* ---- command --------------------------------------------------------------------- */

static int status_exec(const struct cmd_ctx *ctx, struct err *e)
{
	const struct status_opts *o = ctx->opts;
	const struct plan *p = ctx->plan;
	struct journal_customer_summary *s = NULL;
	struct journal_run run;
	struct status_row *rows = NULL;
	size_t ns = 0, nrows = 0;
	bool have_run = false;

	memset(&run, 0, sizeof run);
	if (ctx->journal && (journal_summary(ctx->journal, &s, &ns, e) < 0 ||
	                     journal_run_last(ctx->journal, &run, &have_run, e) < 0))
		goto out;
	rows = status_rows(ctx, s, ns, &nrows);
	if (!rows) {
		err_set(e, ERR_NOMEM, "out of memory");
		goto out;
	}
	if (o->json) {
		json_t *root = status_json(p, ctx->journal_path, ctx->journal != NULL,
		                           have_run ? &run : NULL, rows, nrows);
		if (jsondoc_dump(root, stdout) < 0)
			err_set(e, ERR_IO, "writing JSON failed");
		json_decref(root);
	} else {
		status_text(p, ctx->journal_path, have_run ? &run : NULL, rows, nrows);
	}
	if (fflush(stdout) != 0 && !err_is_set(e))
		err_set(e, ERR_IO, "writing the status failed");
out:
	free(rows);
	journal_summary_free(s, ns);
	journal_run_release(&run);
	return err_is_set(e) ? cmd_exit_for(e) : EX_OK;
}

const struct cmd_entry cmd_status_entry = {
	.name = "status",
	.summary = "what the journal says, per customer",
	.usage = "PLAN [--json] [--customer ID]...",
	.description =
		"Reads the plan's journal without writing to it (safe while a run is going on) and\n"
		"shows per customer: state, messages copied, in doubt (the run stopped between the\n"
		"APPEND and its confirmation) and failed, bytes copied, the UIDL style of the old\n"
		"server, the last error and the last run. Customers of the plan that no run touched\n"
		"are pending. Without a journal yet it says \"no runs yet\" and exits 0.",
	.opts = status_opts,
	.n_opts = sizeof status_opts / sizeof status_opts[0],
	.opts_size = sizeof(struct status_opts),
	.min_pos = 1,
	.max_pos = 1,
	.needs = { CMD_PLAN, CMD_JOURNAL_READ, CMD_CUSTOMERS_JOURNAL, CMD_LOGINS_NONE },
	.exec = status_exec,
};
