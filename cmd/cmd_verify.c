/* cmd_verify: `cutover verify PLAN` — per customer and folder, what the servers hold:
 * missing, extra, duplicated, altered, POP3 order, failed (migrate/verify/), as a table,
 * a line of counts per customer naming the first offenders, or JSON
 * (docs/json.md); exit 1 when any count is not 0. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <jansson.h>

#include "cmd/cmd.h"
#include "cmd/jsondoc.h"
#include "migrate/verify/imapverify.h"
#include "migrate/verify/pop3verify.h"

struct verify_opts {
	bool json;
};

static const struct opt_spec verify_opts[] = {
	OPT_BIND_FLAG("json", 0, struct verify_opts, json, "print the result as JSON on stdout"),
};

struct verify_row {
	const char *customer;
	bool checked;
	char error[ERR_TEXT_MAX];
	/* What both kinds of source report: counts, bytes, content, and for POP3 the UIDLs. */
	struct pop3verify_result v;
	bool imap;                 /* IMAP source: folders, flags, dates (iv) instead of UIDLs */
	struct imapverify_result iv;
	struct vtally_counts t;    /* missing, extra, duplicated, altered, order, failed: summed */
};

/* Which phase the journal says was copied last: after a pre-stage the source is still in
 * use, so mail newer than the run and flag changes since are expected, not a loss. */
struct verify_phase {
	char phase[16];            /* "prestage", "final", "" = no run yet */
	int64_t run_id;
	bool final;
};

/* An IMAP source's result in the common columns; pending mail is a loss only after the
 * final phase. */
static void verify_imap(const struct verify_phase *ph, struct verify_row *r)
{
	r->v.src_n = r->iv.src_n;
	r->v.dst_n = r->iv.dst_n;
	r->v.src_bytes = r->iv.src_bytes;
	r->v.dst_bytes = r->iv.dst_bytes;
	r->v.matched = r->iv.matched;
	r->v.missing = r->iv.missing + r->iv.pending;
	r->v.order_kept = true;
	r->t = r->iv.total;
	r->v.loss = vtally_problems(&r->t) > 0 || r->iv.folders_missing > 0 ||
	            (ph->final && (r->iv.flags_differ > 0 || r->iv.dates_differ > 0));
}

static void verify_customer(const struct cmd_ctx *ctx, const struct plan_customer *c,
                            const struct verify_phase *ph, struct verify_row *r)
{
	const struct plan *p = ctx->plan;
	struct err e;
	int rc;
	err_clear(&e);
	r->customer = c->id;
	r->imap = (c->has_source_proto ? c->source_proto : p->migration.source.proto) == PLAN_PROTO_IMAP;
	/* After a pre-stage, mail the journal never saw is expected on the source only. */
	bool prestage = ph->phase[0] && !ph->final;
	if (r->imap)
		rc = imapverify_customer(p, c, ctx->journal, prestage, &r->iv, &e);
	else
		rc = pop3verify_customer(p, c, ctx->journal, prestage, &r->v, &e);
	if (rc < 0) {
		r->v.loss = true;
		err_text(&e, r->error, sizeof r->error);
		return;
	}
	r->checked = true;
	if (r->imap)
		verify_imap(ph, r);
	else
		r->t = r->v.tally.n;
}

static double verify_pct(const struct verify_row *r)
{
	return r->v.src_n ? 100.0 * (double)r->v.uidl_preserved / (double)r->v.src_n : 100.0;
}

static void verify_table(const struct verify_row *r, size_t n)
{
	int w = 8;
	for (size_t i = 0; i < n; i++)
		if ((int)strlen(r[i].customer) > w)
			w = (int)strlen(r[i].customer);
	printf("%-*s %6s %6s %12s %12s %9s %8s %7s %6s %7s %6s  %s\n", w, "customer", "source", "dest",
	       "src bytes", "dest bytes", "content", "UIDLs", "missing", "extra", "changed", "order",
	       "result");
	for (size_t i = 0; i < n; i++) {
		const struct verify_row *x = &r[i];
		if (!x->checked) {
			printf("%-*s  NOT VERIFIED: %s\n", w, x->customer, x->error);
			continue;
		}
		if (x->imap) {
			printf("%-*s %6zu %6zu %12llu %12llu %9zu/%zu  IMAP: %zu folders (%zu missing), %zu lost, "
			       "%zu newer than the last run, flags differ %zu, dates differ %zu  %s%s%s\n", w,
			       x->customer, x->v.src_n, x->v.dst_n, (unsigned long long)x->v.src_bytes,
			       (unsigned long long)x->v.dst_bytes, x->v.matched, x->v.src_n, x->iv.folders,
			       x->iv.folders_missing, x->iv.missing, x->iv.pending, x->iv.flags_differ,
			       x->iv.dates_differ, x->v.loss ? "DIFFERS" : "ok", x->iv.first_problem[0] ? " — " : "",
			       x->iv.first_problem);
			continue;
		}
		char content[32], pct[16];
		snprintf(content, sizeof content, "%zu/%zu", x->v.matched, x->v.src_n);
		snprintf(pct, sizeof pct, "%.1f%%", verify_pct(x));
		printf("%-*s %6zu %6zu %12llu %12llu %9s %8s %7zu %6zu %7zu %6s  %s\n", w, x->customer,
		       x->v.src_n, x->v.dst_n, (unsigned long long)x->v.src_bytes, (unsigned long long)x->v.dst_bytes,
		       content, pct, x->v.uidl_missing, x->v.uidl_extra, x->v.uidl_changed,
		       x->v.order_kept ? "kept" : "CHANGED", x->v.loss ? "DIFFERS" : "ok");
	}
}

/* The counts of docs/json.md ("verify") into o. */
static void verify_json_counts(json_t *o, const struct vtally_counts *t)
{
	json_object_set_new(o, "missing", json_integer((json_int_t)t->missing));
	json_object_set_new(o, "extra", json_integer((json_int_t)t->extra));
	json_object_set_new(o, "duplicated", json_integer((json_int_t)t->duplicated));
	json_object_set_new(o, "altered", json_integer((json_int_t)t->altered));
	json_object_set_new(o, "out_of_order", json_integer((json_int_t)t->out_of_order));
	json_object_set_new(o, "failed", json_integer((json_int_t)t->failed));
	json_object_set_new(o, "pending", json_integer((json_int_t)t->pending));
	json_object_set_new(o, "altered_recorded", json_integer((json_int_t)t->accepted));
	json_object_set_new(o, "deleted_on_source", json_integer((json_int_t)t->source_deleted));
}

static json_t *verify_json_folder(const char *name, const char *dname, bool dst_missing,
                                  size_t src_n, size_t dst_n, const struct vtally_report *rep)
{
	json_t *f = json_object();
	json_object_set_new(f, "folder", json_string(name));
	json_object_set_new(f, "destination_folder", json_string(dname));
	json_object_set_new(f, "destination_folder_missing", json_boolean(dst_missing));
	json_object_set_new(f, "source_messages", json_integer((json_int_t)src_n));
	json_object_set_new(f, "destination_messages", json_integer((json_int_t)dst_n));
	verify_json_counts(f, &rep->n);
	json_object_set_new(f, "first", json_string(rep->names));
	return f;
}

/* Customer totals and one object per folder. */
static void verify_json_tally(json_t *o, const struct verify_row *x)
{
	json_t *fs = json_array();
	verify_json_counts(o, &x->t);
	if (x->imap)
		for (size_t i = 0; i < x->iv.folders; i++) {
			const struct imapverify_folder *f = &x->iv.folder[i];
			json_array_append_new(fs, verify_json_folder(f->name, f->dst_name, f->dst_missing,
			                                             f->src_n, f->dst_n, &f->tally));
		}
	else
		json_array_append_new(fs, verify_json_folder("INBOX", "INBOX", false, x->v.src_n,
		                                             x->v.dst_n, &x->v.tally));
	json_object_set_new(o, "by_folder", fs);
}

/* Keys: docs/json.md, "verify". */
static int verify_json(const char *plan, const struct verify_row *r, size_t n, int code,
                       const struct verify_phase *ph)
{
	json_t *root = jsondoc_new("verify"), *arr = json_array();
	int rc;
	json_object_set_new(root, "plan", json_string(plan ? plan : ""));
	json_object_set_new(root, "phase", ph->phase[0] ? json_string(ph->phase) : json_null());
	for (size_t i = 0; i < n; i++) {
		const struct verify_row *x = &r[i];
		json_t *o = json_object();
		json_object_set_new(o, "customer", json_string(x->customer));
		json_object_set_new(o, "verified", json_boolean(x->checked));
		if (!x->checked) {
			json_object_set_new(o, "error", json_string(x->error));
		} else {
			json_object_set_new(o, "source_messages", json_integer((json_int_t)x->v.src_n));
			json_object_set_new(o, "destination_messages", json_integer((json_int_t)x->v.dst_n));
			json_object_set_new(o, "source_bytes", json_integer((json_int_t)x->v.src_bytes));
			json_object_set_new(o, "destination_bytes", json_integer((json_int_t)x->v.dst_bytes));
			json_object_set_new(o, "content_matched", json_integer((json_int_t)x->v.matched));
			json_object_set_new(o, "content_missing", json_integer((json_int_t)x->v.missing));
			json_object_set_new(o, "uidls_preserved", json_integer((json_int_t)x->v.uidl_preserved));
			json_object_set_new(o, "uidls_preserved_pct", jsondoc_real(verify_pct(x), 1));
			json_object_set_new(o, "uidls_missing", json_integer((json_int_t)x->v.uidl_missing));
			json_object_set_new(o, "uidls_extra", json_integer((json_int_t)x->v.uidl_extra));
			json_object_set_new(o, "uidls_changed", json_integer((json_int_t)x->v.uidl_changed));
			json_object_set_new(o, "order_kept", json_boolean(x->v.order_kept));
			if (x->imap) {
				json_object_set_new(o, "folders", json_integer((json_int_t)x->iv.folders));
				json_object_set_new(o, "folders_missing", json_integer((json_int_t)x->iv.folders_missing));
				json_object_set_new(o, "lost", json_integer((json_int_t)x->iv.missing));
				json_object_set_new(o, "pending", json_integer((json_int_t)x->iv.pending));
				json_object_set_new(o, "flags_differ", json_integer((json_int_t)x->iv.flags_differ));
				json_object_set_new(o, "dates_differ", json_integer((json_int_t)x->iv.dates_differ));
			}
		}
		if (x->checked)
			verify_json_tally(o, x);
		json_object_set_new(o, "loss", json_boolean(x->v.loss));
		json_array_append_new(arr, o);
	}
	json_object_set_new(root, "exit", json_integer(code));
	json_object_set_new(root, "customers", arr);
	rc = jsondoc_dump(root, stdout);
	json_decref(root);
	return rc;
}

/* The phase of the journal's last copy run (none yet without a journal). */
static void verify_phase_read(struct journal *j, struct verify_phase *ph)
{
	struct journal_run run;
	bool found = false;
	struct err e;
	memset(ph, 0, sizeof *ph);
	err_clear(&e);
	if (!j || journal_run_last_of(j, "run", &run, &found, &e) < 0 || !found)
		return;
	snprintf(ph->phase, sizeof ph->phase, "%s", run.phase ? run.phase : "prestage");
	ph->run_id = run.id;
	ph->final = strcmp(ph->phase, "final") == 0;
	journal_run_release(&run);
}

static void verify_text_folder(const char *name, const struct vtally_report *rep)
{
	if (vtally_problems(&rep->n) || rep->names[0])
		printf("    %s: %s\n", name, rep->names[0] ? rep->names : "(see the counts)");
}

/* Per customer the six counts, and per folder with a difference the first offenders
 * (UIDLs or "uidvalidity/uid" — never message contents). */
static void verify_text_tally(const struct verify_row *rows, size_t n)
{
	printf("\n");
	for (size_t i = 0; i < n; i++) {
		const struct verify_row *x = &rows[i];
		const struct vtally_counts *t = &x->t;
		if (!x->checked)
			continue;
		printf("%s %s: missing %zu, extra %zu, duplicated %zu, altered %zu, out of order %zu, "
		       "failed %zu", x->customer, vtally_problems(t) ? "DIFFERS" : "agrees", t->missing,
		       t->extra, t->duplicated, t->altered, t->out_of_order, t->failed);
		if (t->pending)
			printf("; %zu newer than the last run", t->pending);
		if (t->accepted)
			printf("; %zu altered as recorded", t->accepted);
		printf("\n");
		if (x->imap)
			for (size_t k = 0; k < x->iv.folders; k++)
				verify_text_folder(x->iv.folder[k].name, &x->iv.folder[k].tally);
		else
			verify_text_folder("INBOX", &x->v.tally);
	}
}

static void verify_text(const struct plan *p, const struct verify_row *rows, size_t n, size_t lost,
                        const struct verify_phase *ph)
{
	uint64_t pres = 0, total = 0;
	for (size_t i = 0; i < n; i++) {
		pres += rows[i].v.uidl_preserved;
		total += rows[i].v.src_n;
	}
	if (ph->phase[0])
		printf("checking after the %s phase (run %lld)%s\n\n", ph->phase, (long long)ph->run_id,
		       ph->final ? "" : ": mail and flag changes newer than it are expected");
	else
		printf("no copy run in the journal yet\n\n");
	verify_table(rows, n);
	verify_text_tally(rows, n);
	printf("\n%zu customer%s verified, %zu differ; UIDLs preserved: %llu/%llu (%.1f%%) "
	       "(strategy: %s)\n", n, n == 1 ? "" : "s", lost, (unsigned long long)pres,
	       (unsigned long long)total, total ? 100.0 * (double)pres / (double)total : 100.0,
	       plan_uidl_name(p->migration.uidl));
}

static int verify_exec(const struct cmd_ctx *ctx, struct err *e)
{
	const struct verify_opts *o = ctx->opts;
	const struct plan *p = ctx->plan;
	size_t n = 0, lost = 0;
	struct verify_phase ph;
	struct verify_row *rows = calloc(p->n_customers + 1, sizeof *rows);
	if (!rows) {
		err_set(e, ERR_NOMEM, "out of memory");
		return EX_OSERR;
	}
	verify_phase_read(ctx->journal, &ph);
	/* The --customer ones in the order given, else the plan's in plan order. */
	for (size_t i = 0; i < (ctx->n_customers ? ctx->n_customers : p->n_customers); i++)
		verify_customer(ctx, ctx->n_customers ? ctx->customers[i].plan : &p->customers[i], &ph,
		                &rows[n++]);
	for (size_t i = 0; i < n; i++)
		lost += rows[i].v.loss;
	int code = lost ? 1 : EX_OK;
	if (o->json) {
		if (verify_json(p->name, rows, n, code, &ph) < 0 && !err_is_set(e)) {
			err_set(e, ERR_IO, "writing JSON failed");
			code = cmd_exit_for(e);
		}
	} else
		verify_text(p, rows, n, lost, &ph);
	for (size_t i = 0; i < n; i++)
		imapverify_free(&rows[i].iv);
	free(rows);
	return code;
}

const struct cmd_entry cmd_verify_entry = {
	.name = "verify",
	.summary = "read both servers: missing, extra, duplicated, altered, POP3 order, failed — per customer and folder",
	.usage = "PLAN [--customer ID]... [--json]",
	.description =
		"Reads both servers and compares, per customer and folder, what the source lists with\n"
		"what the destination holds, as multisets: missing, extra, duplicated (a UIDL served\n"
		"twice, more copies than the source has), altered (same old UIDL, other bytes), POP3\n"
		"order, and messages the journal recorded failed. POP3 sources are matched by the old\n"
		"UIDL under uidl: preserve (the destination read over POP3, its pop3_port), else by\n"
		"SHA-256 (line endings normalised, the added X-UIDL line aside); IMAP sources folder by\n"
		"folder with EXAMINE, plus flags, keywords and INTERNALDATE. The source is only read.\n"
		"The journal is optional: it tells a recorded failure, and after a pre-stage newer mail,\n"
		"from a loss, and never hides one. Exit 1 when any count is not 0.\n"
		"JSON fields: docs/json.md.",
	.opts = verify_opts,
	.n_opts = sizeof verify_opts / sizeof verify_opts[0],
	.opts_size = sizeof(struct verify_opts),
	.min_pos = 1,
	.max_pos = 1,
	.needs = { CMD_PLAN, CMD_JOURNAL_READ, CMD_CUSTOMERS_PLAN, CMD_LOGINS },
	.exec = verify_exec,
};
