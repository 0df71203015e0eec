/* cmd_run: `cutover run PLAN` — copy every customer's mail, show progress (runprog), end
 * with a table per customer and the closing summary (runsum); the exit status says whether
 * anyone failed. */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <math.h>

#include "base/caps.h"
#include "base/log.h"
#include "base/rss.h"
#include "cmd/cmd.h"
#include "cmd/runprog.h"
#include "cmd/runsum.h"
#include "mapping/journal.h"
#include "migrate/engine/engine.h"
#include "migrate/net/connreg.h"

static const char *const run_phases[] = { "prestage", "final", NULL };

struct run_opts {
	long workers;              /* 0: the plan's */
	const char *phase;         /* NULL: prestage */
	bool mirror_deletes, json;
};

static const struct opt_spec run_opts[] = {
	OPT_BIND_INT("workers", 'w', struct run_opts, workers, "N",
	             "customers copied at once (default: the plan's workers)", 1, CAPS_WORKERS_MAX),
	OPT_BIND_STR("phase", 0, struct run_opts, phase, "prestage|final",
	             "prestage (default): bulk copy while the old server is live; "
	             "final: in the window, only what changed since (the time it took is printed)",
	             run_phases),
	OPT_BIND_FLAG("mirror-deletes", 0, struct run_opts, mirror_deletes,
	              "remove on the destination the messages deleted on the source since they were "
	              "copied (default: only report them)"),
	OPT_BIND_FLAG("json", 0, struct run_opts, json, "print the summary as JSON on stdout"),
};

/* The only state a signal handler touches. First SIGINT/SIGTERM: ask the run to stop
 * (runprog_tick then shuts the workers' connections down, see connreg.h); a second one: exit
 * at once with 130 (interrupted), the journal left as SQLite left it (every write is a
 * transaction: the next run sees the last committed one). */
static volatile int run_stop;     /* an int: the engine reads it through opts.stop */

static void run_on_signal(int sig)
{
	(void)sig;
	if (run_stop)
		_exit(130);
	run_stop = 1;
}

/* Which customers the journal has as done (before this run, for those that did not start). */
static int run_earlier(const struct cmd_ctx *ctx, const struct engine_result *r, size_t n,
                       bool *earlier, struct err *e)
{
	struct journal_customer_summary *v = NULL;
	size_t nv = 0;
	if (journal_summary(ctx->journal, &v, &nv, e) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < nv && !r[i].ran; k++)
			if (strcmp(v[k].id, r[i].customer) == 0 && strcmp(v[k].state, "done") == 0)
				earlier[i] = true;
	journal_summary_free(v, nv);
	return 0;
}

static void run_table(FILE *f, const struct engine_result *r, const bool *earlier, size_t n,
                      bool only_failed)
{
	int w = 8;
	for (size_t i = 0; i < n; i++)
		if ((int)strlen(r[i].customer) > w)
			w = (int)strlen(r[i].customer);
	fprintf(f, "%-*s %8s %8s %7s %12s %9s  %s\n", w, "customer", "copied", "skipped", "failed",
	        "bytes", "time", "result");
	for (size_t i = 0; i < n; i++) {
		char t[32];
		if (only_failed && (r[i].ok || (!r[i].ran && earlier[i])))
			continue;
		runprog_hms(r[i].seconds, t, sizeof t);
		fprintf(f, "%-*s %8llu %8llu %7llu %12llu %9s  ", w, r[i].customer,
		        (unsigned long long)r[i].copied, (unsigned long long)r[i].skipped,
		        (unsigned long long)r[i].failed, (unsigned long long)r[i].bytes, t);
		if (r[i].ok)
			fprintf(f, "ok\n");
		else if (r[i].interrupted)
			fprintf(f, "interrupted mid-copy (pending: run again)\n");
		else if (!r[i].ran && earlier[i])
			fprintf(f, "done in an earlier run (not checked again)\n");
		else if (!r[i].ran)
			fprintf(f, "not started (interrupted)\n");
		else if (r[i].went_through)
			fprintf(f, "done, %llu failed (%s): %s\n", (unsigned long long)r[i].failed,
			        err_class_name(r[i].cls), r[i].error);
		else
			fprintf(f, "FAILED (%s): %s\n", err_class_name(r[i].cls), r[i].error);
	}
}

static int run_json(const struct runsum *sum, int code)
{
	const struct engine_result *r = sum->r;
	const bool *earlier = sum->earlier;
	const struct runsum_tally *t = &sum->t;
	json_t *root = json_object(), *arr = json_array();
	for (size_t i = 0; i < sum->n; i++) {
		json_t *o = json_object();
		json_object_set_new(o, "customer", json_string(r[i].customer));
		json_object_set_new(o, "ok", json_boolean(r[i].ok));
		json_object_set_new(o, "copied", json_integer((json_int_t)r[i].copied));
		json_object_set_new(o, "skipped", json_integer((json_int_t)r[i].skipped));
		json_object_set_new(o, "failed", json_integer((json_int_t)r[i].failed));
		json_object_set_new(o, "bytes", json_integer((json_int_t)r[i].bytes));
		json_object_set_new(o, "bytes_already_there", json_integer((json_int_t)r[i].skipped_bytes));
		json_object_set_new(o, "largest", json_integer((json_int_t)r[i].largest));
		json_object_set_new(o, "seconds", json_real(round(r[i].seconds * 10) / 10));
		json_object_set_new(o, "attempts", json_integer(r[i].attempts));
		json_object_set_new(o, "flags_updated", json_integer((json_int_t)r[i].flags_updated));
		json_object_set_new(o, "deleted_on_source", json_integer((json_int_t)r[i].deleted_on_source));
		json_object_set_new(o, "removed", json_integer((json_int_t)r[i].removed));
		json_object_set_new(o, "rematched", json_integer((json_int_t)r[i].rematched));
		json_object_set_new(o, "found_on_destination", json_integer((json_int_t)r[i].found));
		json_object_set_new(o, "missing_on_destination", json_integer((json_int_t)r[i].missing));
		json_object_set_new(o, "altered", json_integer((json_int_t)r[i].altered));
		if (r[i].uidl_style[0])
			json_object_set_new(o, "uidl_style", json_string(r[i].uidl_style));
		json_object_set_new(o, "started", json_boolean(r[i].ran));
		json_object_set_new(o, "interrupted", json_boolean(r[i].interrupted));
		json_object_set_new(o, "done_earlier", json_boolean(!r[i].ran && earlier[i]));
		if (!r[i].ok && r[i].ran) {
			json_object_set_new(o, "error_class", json_string(err_class_name(r[i].cls)));
			json_object_set_new(o, "error", json_string(r[i].error));
		}
		json_array_append_new(arr, o);
	}
	json_object_set_new(root, "schema", json_integer(1));
	json_object_set_new(root, "command", json_string("run"));
	json_object_set_new(root, "run_id", json_integer(sum->run_id));
	json_object_set_new(root, "phase", json_string(sum->phase));
	json_object_set_new(root, "exit", json_integer(code));
	json_object_set_new(root, "failed", json_integer((json_int_t)t->failed));
	json_object_set_new(root, "interrupted", json_boolean(runsum_interrupted(t)));
	json_object_set_new(root, "stopped_mid_copy", json_integer((json_int_t)t->stopped));
	json_object_set_new(root, "not_started", json_integer((json_int_t)t->not_started));
	json_object_set_new(root, "done_earlier", json_integer((json_int_t)t->done_earlier));
	runsum_json(root, sum);
	json_object_set_new(root, "customers", arr);
	/* 15 digits: a rounded rate prints as 0.3, not 0.29999999999999999 */
	int rc = json_dumpf(root, stdout, JSON_INDENT(2) | JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER |
	                    JSON_REAL_PRECISION(15)) == 0 ? 0 : -1;
	fputc('\n', stdout);
	json_decref(root);
	return rc;
}

/* 0 all ok; 75 when interrupted (run again to continue, whatever else happened); 1 when a
 * customer failed for good; 75 when every failure is temporary. */
static int run_exit_code(const struct engine_result *r, const bool *earlier, size_t n,
                         const struct runsum_tally *t)
{
	bool final = false, temp = false;
	if (runsum_interrupted(t))
		return EX_TEMPFAIL;
	for (size_t i = 0; i < n; i++) {
		if (r[i].ok || (!r[i].ran && earlier[i]))
			continue;
		if (!r[i].ran || err_retry_class(r[i].cls) != ERR_RETRY_FINAL)
			temp = true;
		else
			final = true;
	}
	return final ? 1 : temp ? EX_TEMPFAIL : EX_OK;
}

/* The engine's options: the run's settings, the display's callbacks, the stop switch. */
static void run_engine_opts(const struct cmd_ctx *ctx, int64_t run_id, struct runprog_ui *ui,
                            const char **only, struct engine_opts *eo)
{
	const struct run_opts *o = ctx->opts;
	memset(eo, 0, sizeof *eo);
	eo->journal_path = ctx->journal_path;
	eo->run_id = run_id;
	eo->workers = (int)o->workers;
	eo->phase = o->phase ? o->phase : "prestage";
	eo->mirror_deletes = o->mirror_deletes;
	for (size_t i = 0; i < ctx->n_customers; i++)
		only[i] = ctx->customers[i].id;
	eo->only = ctx->n_customers ? only : NULL;
	eo->n_only = ctx->n_customers;
	eo->log = runprog_log;
	eo->tick = runprog_tick;
	eo->ctx = ui;
	eo->tick_ms = ui->tty ? 200 : 1000;
	eo->stop = &run_stop;
	eo->conns = ui->conns;
}

/* What the destination said that the journal did not: one line per customer. */
static void run_reconciled(FILE *f, const struct engine_result *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (r[i].missing)
			fprintf(f, "%s: %llu missing on the destination, copied again\n", r[i].customer,
			        (unsigned long long)r[i].missing);
		if (r[i].altered)
			fprintf(f, "%s: %llu stored ALTERED (recorded in the journal; see the log for "
			        "what changed)\n", r[i].customer, (unsigned long long)r[i].altered);
		if (r[i].found)
			fprintf(f, "%s: %llu already on the destination (not in the journal), recorded, "
			        "not copied\n", r[i].customer, (unsigned long long)r[i].found);
	}
}

/* "interrupted: 2 customers stopped mid-copy, 6 not started; run again to continue" (the
 * same words on stderr and in the summary), "" when the run was not interrupted. */
static void run_interrupt_text(const struct runsum_tally *t, char *out, size_t size)
{
	char earlier[64] = "";
	out[0] = 0;
	if (!runsum_interrupted(t))
		return;
	if (t->done_earlier)
		snprintf(earlier, sizeof earlier, ", %zu done by an earlier run (not checked again)",
		         t->done_earlier);
	snprintf(out, size, "interrupted: %zu customer%s stopped mid-copy, %zu not started%s; "
	         "run again to continue", t->stopped, t->stopped == 1 ? "" : "s", t->not_started,
	         earlier);
}

/* The whole run in one line, for the journal (status shows it). */
static void run_summary(const struct engine_result *res, size_t n, const struct runsum_tally *t,
                        const char *phase, double took, char *out, size_t size)
{
	uint64_t copied = 0, skipped = 0, bytes = 0, flagged = 0, deleted = 0, removed = 0, rematched = 0;
	char hms[32], intr[224], bb[32];
	for (size_t i = 0; i < n; i++) {
		flagged += res[i].flags_updated;
		deleted += res[i].deleted_on_source;
		removed += res[i].removed;
		rematched += res[i].rematched;
		copied += res[i].copied;
		skipped += res[i].skipped;
		bytes += res[i].bytes;
	}
	runprog_hms(took, hms, sizeof hms);
	run_interrupt_text(t, intr, sizeof intr);
	snprintf(out, size, "%s phase: %zu customers, %zu failed; %s%s%llu messages copied (%s), "
	         "%llu already there; flags updated on %llu; %llu deleted on the source "
	         "since (%llu removed on the destination); %llu re-matched after a UIDVALIDITY change; "
	         "took %.1f s (%s)",
	         phase, n, t->failed, intr, intr[0] ? "; " : "", (unsigned long long)copied,
	         cmd_fmt_bytes(bytes, bb, sizeof bb), (unsigned long long)skipped,
	         (unsigned long long)flagged, (unsigned long long)deleted, (unsigned long long)removed,
	         (unsigned long long)rematched, took, hms);
}

/* The last dry-run's count of the customers this run copies (progress totals). */
static int run_inventory(const struct cmd_ctx *ctx, struct runprog_inv *inv, struct err *e)
{
	memset(inv, 0, sizeof *inv);
	for (size_t i = 0; i < ctx->plan->n_customers; i++) {
		const char *id = ctx->plan->customers[i].id;
		uint64_t m, b;
		bool found;
		if (!cmd_selected(ctx, id))
			continue;
		if (journal_inventory_get(ctx->journal, id, &m, &b, &found, e) < 0)
			return -1;
		if (found) {
			inv->msgs += m;
			inv->bytes += b;
			inv->customers++;
		}
	}
	return 0;
}

/* The engine under the display, with SIGINT/SIGTERM asking it to stop; seconds taken. */
static int run_engine(const struct cmd_ctx *ctx, int64_t run_id, struct engine_result **res,
                      size_t *n, double *took, struct err *e)
{
	const char **only = calloc(ctx->n_customers + 1, sizeof *only);
	struct runprog_ui ui;
	struct engine_opts eo;
	struct sigaction sa;
	struct timespec t0, t1;
	if (!only)
		return err_set(e, ERR_NOMEM, "out of memory");
	runprog_ui_init(&ui, ctx->common->quiet, ctx->common->verbose, &run_stop);
	if (run_inventory(ctx, &ui.inv, e) < 0 || !(ui.conns = connreg_new())) {
		runprog_ui_done(&ui);
		free(only);
		return err_is_set(e) ? -1 : err_set(e, ERR_NOMEM, "out of memory");
	}
	run_engine_opts(ctx, run_id, &ui, only, &eo);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = run_on_signal;
	/* no SA_RESETHAND: the handler itself ends the process on a second signal, with 130 */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (!ui.quiet && !ui.tty) {
		char ts[40];
		runprog_stamp(ts, sizeof ts);
		fprintf(stderr, "%s - run %lld (%s) started; journal %s\n", ts, (long long)run_id, eo.phase,
		        ctx->journal_path);
	}
	log_write(LOG_LV_INFO, NULL, "run %lld (%s) started; journal %s; totals %s", (long long)run_id,
	          eo.phase, ctx->journal_path,
	          ui.inv.customers ? "from the last dry-run's inventory" : "as listing proceeds");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int rc = engine_run(ctx->plan, &eo, res, n, e);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	*took = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	connreg_free(ui.conns);
	runprog_ui_done(&ui);
	free(only);
	return rc;
}

/* The report: JSON, or the table, the reconcile lines and the closing summary; the
 * interrupt also on stderr; the summary into the log. */
static void run_report(const struct cmd_ctx *ctx, const struct runsum *sum, int code)
{
	const struct run_opts *o = ctx->opts;
	const struct runsum_tally *t = &sum->t;
	bool quiet = ctx->common->quiet, bad = t->failed || runsum_interrupted(t);
	char intr[224];
	runsum_log(sum);
	if (o->json) {
		run_json(sum, code);
	} else if (!quiet || bad) {
		run_table(stdout, sum->r, sum->earlier, sum->n, quiet);
		run_reconciled(stdout, sum->r, sum->n);
		if (!quiet)
			runsum_text(stdout, sum);
	}
	run_interrupt_text(t, intr, sizeof intr);
	if (intr[0])
		fprintf(stderr, "cutover run: %s\n", intr);
	else if (t->failed && !quiet && code == EX_TEMPFAIL)
		fprintf(stderr, "cutover run: temporary failures; run again to continue\n");
}

static int run_exec(const struct cmd_ctx *ctx, struct err *e)
{
	const struct run_opts *o = ctx->opts;
	const char *phase = o->phase ? o->phase : "prestage";
	struct engine_result *res = NULL;
	struct runsum sum;
	bool *earlier = NULL;
	size_t n = 0;
	int64_t run_id = 0;
	double took = 0;
	char summary[640];
	int code;
	time_t started = time(NULL);

	if (journal_run_begin(ctx->journal, "run", phase, &run_id, e) < 0 ||
	    (ctx->log_path && journal_run_set_log(ctx->journal, run_id, ctx->log_path, e) < 0))
		return cmd_exit_for(e);
	if (run_engine(ctx, run_id, &res, &n, &took, e) < 0 ||
	    !(earlier = calloc(n + 1, sizeof *earlier)) ||
	    run_earlier(ctx, res, n, earlier, e) < 0) {
		struct err je;
		if (!err_is_set(e))
			err_set(e, ERR_NOMEM, "out of memory");
		code = cmd_exit_for(e);
		err_clear(&je);
		journal_run_end(ctx->journal, run_id, code, e->msg, &je);
		engine_results_free(res, n);
		free(earlier);
		return code;
	}
	memset(&sum, 0, sizeof sum);
	sum.r = res;
	sum.earlier = earlier;
	sum.n = n;
	runsum_count(res, earlier, n, &sum.t);
	code = run_exit_code(res, earlier, n, &sum.t);
	run_summary(res, n, &sum.t, phase, took, summary, sizeof summary);
	sum.run_id = run_id;
	sum.phase = phase;
	sum.exit_code = code;
	sum.started = started;
	sum.ended = time(NULL);
	sum.seconds = took;
	sum.utc_offset = ctx->plan->window.start.utc_offset;
	sum.plan_name = ctx->plan->name;
	sum.plan_path = ctx->plan_path;
	sum.journal_path = ctx->journal_path;
	sum.log_path = ctx->log_path;
	sum.peak_rss = rss_peak_bytes();
	if (journal_run_end(ctx->journal, run_id, code, summary, e) < 0)
		code = cmd_exit_for(e);
	else
		run_report(ctx, &sum, code);
	engine_results_free(res, n);
	free(earlier);
	return code;
}

const struct cmd_entry cmd_run_entry = {
	.name = "run",
	.summary = "copy the customers' mail to the new server (resumable, keeps POP3 UIDLs)",
	.usage = "PLAN [--customer ID]... [--workers N] [--phase prestage|final] [--mirror-deletes] [--json]",
	.description =
		"Copies every customer's mailbox from migration.source to migration.destination,\n"
		"N customers at a time, recording every message in the journal before and after it is\n"
		"appended. Interrupt it at any moment and run it again: it continues, and every message\n"
		"ends up on the destination exactly once; a second run copies nothing.\n"
		"Two-phase cutover: `--phase prestage` days before, `--phase final` in the window: it\n"
		"copies only mail that arrived since, carries flag changes made on the source to the\n"
		"messages copied before, reports messages deleted on the source since (removed on the\n"
		"destination with --mirror-deletes), and prints how long it took.\n"
		"Ctrl-C (SIGINT) or SIGTERM stops it after the current batch: customers stopped\n"
		"mid-copy stay pending (not failed) and the summary says how many were stopped and\n"
		"how many never started; a second signal ends it at once (safe too).\n"
		"One run at a time per journal: a second `run` exits 75 naming the one in progress.\n"
		"Exit: 0 all customers ok, 1 some failed (see the table and `cutover status`),\n"
		"75 interrupted, journal in use or only temporary failures (run again), 65 bad plan,\n"
		"78 configuration error (a password variable unset, a password file unreadable,\n"
		"plain-text login over an unencrypted link not allowed by the plan).",
	.opts = run_opts,
	.n_opts = sizeof run_opts / sizeof run_opts[0],
	.opts_size = sizeof(struct run_opts),
	.min_pos = 1,
	.max_pos = 1,
	.needs = { CMD_PLAN, CMD_JOURNAL_WRITE, CMD_CUSTOMERS_PLAN, CMD_LOGINS_STRICT },
	.exec = run_exec,
};
