/* cmd_dryrun: `cutover dry-run PLAN` — read-only inventory, pre-flight of the new servers,
 * a measured estimate against the window, and a GO/NO-GO verdict. Exit 0 GO, 1 NO-GO. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "base/caps.h"
#include "cmd/cmd.h"
#include "cmd/dryrun.h"
#include "mapping/journal.h"
#include "migrate/driver.h"

static void dryrun_addf(char ***list, size_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void dryrun_addf(char ***list, size_t *n, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	char **nl = realloc(*list, (*n + 1) * sizeof *nl);
	if (!nl)
		return;
	*list = nl;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	nl[*n] = strdup(buf);
	if (nl[*n])
		(*n)++;
}

static bool dryrun_transient(enum err_class c)
{
	return c == ERR_LOCKED || c == ERR_LOGIN_DELAY || c == ERR_TIMEOUT || c == ERR_TEMP;
}

static void dryrun_customers(struct dryrun_report *r)
{
	char a[32], b[32];
	if (r->inv.dst_caps_known && !(r->inv.dst_caps & DRV_DST_UIDPLUS))
		dryrun_addf(&r->warnings, &r->n_warnings,
		            "destination has no UIDPLUS: after a crash each in-doubt message needs a "
		            "header search before it can be appended again");
	if (r->inv.dst_caps_known && !(r->inv.dst_caps & DRV_DST_MULTIAPPEND))
		dryrun_addf(&r->warnings, &r->n_warnings,
		            "destination has no MULTIAPPEND: one APPEND per message, slower than the estimate assumes");
	for (size_t i = 0; i < r->inv.n; i++) {
		const struct inventory_customer *ic = &r->inv.v[i];
		const char *id = ic->c->id;
		if (!ic->src_ok) {
			/* A lock or a slow server tonight says nothing about the night itself. */
			if (dryrun_transient(ic->src_cls))
				dryrun_addf(&r->warnings, &r->n_warnings, "customer %s: not reached (%s): %s", id,
				            err_class_name(ic->src_cls), ic->src_detail);
			else
				dryrun_addf(&r->reasons, &r->n_reasons, "customer %s: login failed (%s): %s",
				            id, err_class_name(ic->src_cls), ic->src_detail);
		}
		if (!ic->dst_ok) {
			if (dryrun_transient(ic->dst_cls))
				dryrun_addf(&r->warnings, &r->n_warnings, "customer %s: not reached (%s): %s",
				            id, err_class_name(ic->dst_cls), ic->dst_detail);
			else
				dryrun_addf(&r->reasons, &r->n_reasons,
				            "customer %s: login failed (%s): %s", id,
				            err_class_name(ic->dst_cls), ic->dst_detail);
		}
		if (ic->oversize) {
			cmd_fmt_bytes(ic->max_message, a, sizeof a);
			cmd_fmt_bytes(ic->largest, b, sizeof b);
			dryrun_addf(&r->reasons, &r->n_reasons,
			            "customer %s: %llu message%s larger than the destination's limit of %s "
			            "(largest %s)", id, (unsigned long long)ic->oversize,
			            ic->oversize == 1 ? "" : "s", a, b);
		}
		if (ic->over_quota) {
			cmd_fmt_bytes(ic->bytes + ic->quota_used, a, sizeof a);
			cmd_fmt_bytes(ic->quota_limit, b, sizeof b);
			dryrun_addf(&r->reasons, &r->n_reasons,
			            "customer %s: mailbox of %s does not fit the destination quota of %s", id, a, b);
		}
		char why[256];
		if (instr_predict(r->plan, ic->c, why, sizeof why) == INSTR_REDL_YES)
			dryrun_addf(&r->warnings, &r->n_warnings,
			            "customer %s: will download all mail again after the move: %s", id, why);
	}
}

/* What a pre-stage already copied, per customer, so the window only has to hold the
 * final delta. No journal yet means the whole copy happens tonight. */
static void dryrun_prestaged(struct dryrun_report *r, const char *id, uint64_t *msgs, uint64_t *bytes)
{
	for (size_t i = 0; i < r->n_done; i++)
		if (strcmp(r->done[i].id, id) == 0) {
			*msgs = *msgs > r->done[i].msgs_done ? *msgs - r->done[i].msgs_done : 0;
			*bytes = *bytes > r->done[i].bytes_done ? *bytes - r->done[i].bytes_done : 0;
			return;
		}
}

static void dryrun_load_journal(struct dryrun_report *r, struct journal *j)
{
	struct err e;
	err_clear(&e);
	if (j && journal_summary(j, &r->done, &r->n_done, &e) < 0) {
		r->done = NULL;
		r->n_done = 0;
	}
}

static void dryrun_estimate(struct dryrun_report *r)
{
	const struct plan *p = r->plan;
	double fm, fb, am = 0, ab = 0, pm, pb;
	char a[64], b[64];

	if (!inventory_fit(&r->inv.fetch, &fm, &fb)) {
		snprintf(r->rate_note, sizeof r->rate_note,
		         "no estimate: too few messages could be fetched to measure a rate");
		dryrun_addf(&r->reasons, &r->n_reasons, "%s", r->rate_note);
		return;
	}
	if (inventory_fit(&r->inv.append, &am, &ab)) {
		snprintf(r->rate_note, sizeof r->rate_note,
		         "fetch and append measured (%zu + %zu timed operations); appends %s",
		         r->inv.fetch.n, r->inv.append.n, r->inv.append_note);
	} else {
		/* Without a measured append, assume it costs what a fetch costs: on a Dovecot
		 * destination an APPEND is slower than a RETR, so this errs toward optimism;
		 * the report says so. */
		am = fm;
		ab = fb;
		snprintf(r->rate_note, sizeof r->rate_note,
		         "fetch measured (%zu timed operations); appends %s — assumed as costly as fetches",
		         r->inv.fetch.n, r->inv.append_note);
		dryrun_addf(&r->warnings, &r->n_warnings, "estimate: appends %s", r->inv.append_note);
	}
	pm = fm + am;
	pb = fb + ab;
	r->rate.msgs_per_s = pm > 0 ? 1.0 / pm : 0;
	r->rate.bytes_per_s = pb > 0 ? 1.0 / pb : 0;
	r->jobs = calloc(r->inv.n ? r->inv.n : 1, sizeof *r->jobs);
	if (!r->jobs)
		return;
	for (size_t i = 0; i < r->inv.n; i++) {
		const struct inventory_customer *ic = &r->inv.v[i];
		if (!ic->src_ok)
			continue;
		r->jobs[r->n_jobs].id = ic->c->id;
		r->jobs[r->n_jobs].msgs = ic->msgs;
		r->jobs[r->n_jobs].bytes = ic->bytes;
		dryrun_prestaged(r, ic->c->id, &r->jobs[r->n_jobs].msgs, &r->jobs[r->n_jobs].bytes);
		r->phase_msgs += r->jobs[r->n_jobs].msgs;
		r->n_jobs++;
	}
	r->final_phase = r->phase_msgs < r->total_msgs;
	estimate_schedule(r->jobs, r->n_jobs, r->workers, &r->rate, p->window.start.t, p->window.end.t,
	                  &r->est);
	r->estimated = true;
	if (r->est.margin_s < 0) {
		dryrun_fmt_local(a, sizeof a, r->est.finish, p->window.start.utc_offset, "%Y-%m-%d %H:%M");
		dryrun_fmt_local(b, sizeof b, p->window.end.t, p->window.start.utc_offset, "%Y-%m-%d %H:%M");
		dryrun_addf(&r->reasons, &r->n_reasons,
		            "the copy does not fit the window: projected finish %s, window ends %s", a, b);
	} else if (r->est.margin_s < 0.2 * difftime(p->window.end.t, p->window.start.t)) {
		dryrun_fmt_duration(a, sizeof a, r->est.margin_s);
		dryrun_addf(&r->warnings, &r->n_warnings,
		            "estimate: only %s to spare in the window (less than a fifth of it)", a);
	}
}

static void dryrun_preflight_verdict(struct dryrun_report *r)
{
	for (size_t i = 0; i < r->preflight.n; i++) {
		const struct preflight_item *it = &r->preflight.v[i];
		if (it->result == PF_FAIL)
			dryrun_addf(&r->reasons, &r->n_reasons, "pre-flight %s: %s: %s", it->target, it->check,
			            it->detail);
		else if (it->result == PF_WARN)
			dryrun_addf(&r->warnings, &r->n_warnings, "pre-flight %s: %s: %s", it->target, it->check,
			            it->detail);
	}
}

static void dryrun_release(struct dryrun_report *r)
{
	for (size_t i = 0; i < r->n_reasons; i++)
		free(r->reasons[i]);
	for (size_t i = 0; i < r->n_warnings; i++)
		free(r->warnings[i]);
	free(r->reasons);
	free(r->warnings);
	free(r->jobs);
	journal_summary_free(r->done, r->n_done);
	preflight_list_free(&r->preflight);
	inventory_free(&r->inv);
}

struct dryrun_opts {
	const char *format, *out;
	long workers;
	bool skip_preflight;
};

/* Keep the count in the journal: a later `run` shows its progress against these totals.
 * Only what a dry-run could read on the source; a failure here costs the run its totals,
 * not the report, so it is a warning. */
static void dryrun_save_inventory(const struct cmd_ctx *ctx, const struct dryrun_report *r)
{
	struct journal *j = NULL;
	struct err e;
	err_clear(&e);
	if (journal_open(&j, ctx->journal_path, &e) == 0)
		for (size_t i = 0; i < r->inv.n; i++)
			if (r->inv.v[i].src_ok &&
			    journal_inventory_put(j, r->inv.v[i].c->id, r->inv.v[i].msgs, r->inv.v[i].bytes,
			                          &e) < 0)
				break;
	journal_close(j);
	if (err_is_set(&e))
		fprintf(stderr, "cutover dry-run: warning: the inventory was not kept for `run`'s "
		        "progress: %s\n", e.msg);
}

static int dryrun_exec(const struct cmd_ctx *ctx, struct err *e)
{
	const struct dryrun_opts *o = ctx->opts;
	struct dryrun_report r;
	const char *format = o->format ? o->format : "text";
	struct plan *p = ctx->plan;
	FILE *out = stdout;
	int rc;

	memset(&r, 0, sizeof r);
	r.plan = p;
	r.generated = time(NULL);
	r.workers = o->workers ? (int)o->workers : p->migration.workers;
	if (!o->skip_preflight)
		preflight_servers(p, p->window.end.t, &r.preflight);
	if (inventory_run(p, r.workers, &r.inv, e) < 0) {
		dryrun_release(&r);
		return cmd_exit_for(e);
	}
	for (size_t i = 0; i < r.inv.n; i++) {
		r.total_msgs += r.inv.v[i].msgs;
		r.total_bytes += r.inv.v[i].bytes;
	}
	dryrun_load_journal(&r, ctx->journal);
	dryrun_save_inventory(ctx, &r);
	dryrun_preflight_verdict(&r);
	dryrun_customers(&r);
	dryrun_estimate(&r);
	r.go = r.n_reasons == 0;
	if (o->out && !(out = fopen(o->out, "w"))) {
		err_set(e, ERR_IO, "%s: cannot write the report", o->out);
		dryrun_release(&r);
		return EX_CANTCREAT;
	}
	if (strcmp(format, "json") == 0)
		dryrun_json(out, &r);
	else if (strcmp(format, "html") == 0)
		dryrun_html(out, &r);
	else
		dryrun_text(out, &r);
	if (out != stdout)
		fclose(out);
	if (o->out && strcmp(format, "text") != 0)
		fprintf(stderr, "%s: %s (report in %s)\n", p->name, r.go ? "GO" : "NO-GO", o->out);
	rc = r.go ? EX_OK : 1;
	dryrun_release(&r);
	return rc;
}

static const char *const dryrun_formats[] = { "text", "json", "html", NULL };
static const struct opt_spec dryrun_opts[] = {
	OPT_BIND_STR("format", 'f', struct dryrun_opts, format, "text|json|html",
	             "report format (default text)", dryrun_formats),
	OPT_BIND_STR("out", 'o', struct dryrun_opts, out, "FILE",
	             "write the report to FILE instead of standard output", NULL),
	OPT_BIND_INT("workers", 'w', struct dryrun_opts, workers, "N",
	             "workers for the inventory and the estimate (default: plan)", 1, CAPS_WORKERS_MAX),
	OPT_BIND_FLAG("skip-preflight", 0, struct dryrun_opts, skip_preflight,
	              "do not check the new servers (inventory only)"),
};

const struct cmd_entry cmd_dryrun_entry = {
	.name = "dry-run",
	.summary = "read-only inventory, pre-flight of the new servers, estimate; GO or NO-GO",
	.usage = "PLAN [--format text|json|html] [--out FILE] [--workers N] [--skip-preflight]",
	.description =
		"Logs in to every customer's old mailbox read-only (POP3 LIST/UIDL, IMAP EXAMINE)\n"
		"and to the new server, counts messages and bytes, finds messages over the new\n"
		"server's size limit and mailboxes over its quota, checks DNS (forward and\n"
		"reverse), ports, TLS certificates and capabilities of every new server the plan\n"
		"names, times a sample of real fetches (and appends into a scratch folder that is\n"
		"removed again, unless the plan forbids writes), and projects the copy onto the\n"
		"window with the plan's workers. Nothing is changed on the old server.\n"
		"Exit status: 0 GO, 1 NO-GO, 65 bad plan.",
	.opts = dryrun_opts,
	.n_opts = sizeof dryrun_opts / sizeof dryrun_opts[0],
	.opts_size = sizeof(struct dryrun_opts),
	.min_pos = 1,
	.max_pos = 1,
	.needs = { CMD_PLAN, CMD_JOURNAL_READ, CMD_CUSTOMERS_NONE, CMD_LOGINS },
	.exec = dryrun_exec,
};
