/* cmd_verify: `cutover verify PLAN` — per customer, what a POP3 client sees on the source
 * and on the destination: counts, bytes, the SHA-256 of every message (our X-UIDL line
 * aside, line endings normalised) and the UIDL lists; exit 1 on any loss. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <jansson.h>

#include "base/caps.h"
#include "cmd/cmd.h"
#include "mapping/journal_plan.h"
#include "migrate/digest.h"
#include "migrate/engine.h"
#include "migrate/imapverify.h"
#include "migrate/session.h"
#include "migrate/xuidl.h"

static const struct opt_spec verify_opts[] = {
	{ "customer", 'c', OPT_LIST, "ID", "verify only this customer (repeatable)", NULL },
	{ "json", 0, OPT_FLAG, NULL, "print the result as JSON on stdout", NULL },
	CMD_COMMON_OPTS,
};

/* One side's view: UIDLs in order, sizes, digests. */
struct verify_side {
	struct drv_msg_list list;
	char (*sha)[DIGEST_HEX_LEN + 1];
	uint64_t bytes;
};

struct verify_row {
	const char *customer;
	bool checked;
	char error[ERR_MSG_MAX + ERR_SERVER_MAX + 16];
	size_t src_n, dst_n;
	uint64_t src_bytes, dst_bytes;
	size_t content_matched, content_missing;
	size_t uidl_preserved, uidl_missing, uidl_extra, uidl_changed;
	bool order_kept;
	bool loss;
	bool imap;                 /* IMAP source: folders, flags, dates (iv) instead of UIDLs */
	struct imapverify_result iv;
};

/* Which phase the journal says was copied last: after a pre-stage the source is still in
 * use, so mail newer than the run and flag changes since are expected, not a loss. */
struct verify_phase {
	char phase[16];            /* "prestage", "final", "" = no run yet */
	int64_t run_id;
	bool final;
};

struct verify_fetch {
	struct verify_side *side;
	bool strip_xuidl;
	size_t base, next;
};

static int verify_on_msg(void *ctx, const struct drv_msg *m, const char *data, size_t len,
                         struct err *e)
{
	struct verify_fetch *f = ctx;
	size_t skip = f->strip_xuidl ? xuidl_leading(data, len, NULL, 0) : 0;
	size_t i = f->base + f->next++;
	(void)m;
	if (i >= f->side->list.n)
		return err_set(e, ERR_PROTOCOL, "server returned more messages than asked for");
	return digest_sha256_crlf_hex(data + skip, len - skip, f->side->sha[i], e);
}

static int verify_read(struct src *s, struct verify_side *side, bool strip_xuidl, struct err *e)
{
	const struct drv_msg *batch[CAPS_BATCH_MESSAGES];
	if (s->ops->select(s, "INBOX", NULL, e) < 0 || s->ops->list(s, &side->list, e) < 0)
		return -1;
	side->sha = calloc(side->list.n + 1, sizeof *side->sha);
	if (!side->sha)
		return err_set(e, ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < side->list.n;) {
		size_t nb = 0;
		uint64_t bytes = 0;
		while (i + nb < side->list.n && nb < CAPS_BATCH_MESSAGES &&
		       (nb == 0 || bytes + side->list.v[i + nb].size <= CAPS_BATCH_BYTES)) {
			bytes += side->list.v[i + nb].size;
			batch[nb] = &side->list.v[i + nb];
			nb++;
		}
		struct verify_fetch f = { side, strip_xuidl, i, 0 };
		if (s->ops->fetch(s, batch, nb, verify_on_msg, &f, e) < 0)
			return -1;
		if (f.next != nb)
			return err_set(e, ERR_PROTOCOL, "server returned %zu of %zu messages", f.next, nb);
		side->bytes += bytes;
		i += nb;
	}
	return 0;
}

static void verify_side_free(struct verify_side *s)
{
	drv_msg_list_free(&s->list);
	free(s->sha);
	memset(s, 0, sizeof *s);
}

static size_t verify_find_key(const struct verify_side *s, const char *key)
{
	for (size_t i = 0; i < s->list.n; i++)
		if (strcmp(s->list.v[i].key, key) == 0)
			return i;
	return (size_t)-1;
}

static int verify_cmp_sha(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Compare the two views; n×m lookups are fine for mailboxes of thousands. */
static int verify_compare(const struct plan *p, const struct verify_side *src,
                          const struct verify_side *dst, struct verify_row *r)
{
	const char **ds = calloc(dst->list.n + 1, sizeof *ds), **ss = calloc(src->list.n + 1, sizeof *ss);
	if (!ds || !ss) {
		free(ds);
		free(ss);
		return -1;
	}
	r->src_n = src->list.n;
	r->dst_n = dst->list.n;
	r->src_bytes = src->bytes;
	r->dst_bytes = dst->bytes;
	/* Content as a multiset: each source digest must meet its own destination copy. */
	for (size_t i = 0; i < dst->list.n; i++)
		ds[i] = dst->sha[i];
	for (size_t i = 0; i < src->list.n; i++)
		ss[i] = src->sha[i];
	qsort(ds, dst->list.n, sizeof *ds, verify_cmp_sha);
	qsort(ss, src->list.n, sizeof *ss, verify_cmp_sha);
	for (size_t i = 0, k = 0; i < src->list.n;) {
		int c = k < dst->list.n ? strcmp(ss[i], ds[k]) : -1;
		if (c == 0) {
			r->content_matched++;
			i++;
			k++;
		} else if (c < 0) {
			r->content_missing++;
			i++;
		} else {
			k++;
		}
	}
	/* UIDLs as the client remembers them, and their order. */
	size_t last = 0;
	bool first = true;
	r->order_kept = true;
	for (size_t i = 0; i < src->list.n; i++) {
		size_t k = verify_find_key(dst, src->list.v[i].key);
		if (k == (size_t)-1) {
			r->uidl_missing++;
			continue;
		}
		if (strcmp(src->sha[i], dst->sha[k]) != 0)
			r->uidl_changed++;
		else
			r->uidl_preserved++;
		if (!first && k < last)
			r->order_kept = false;
		last = k;
		first = false;
	}
	for (size_t k = 0; k < dst->list.n; k++)
		if (verify_find_key(src, dst->list.v[k].key) == (size_t)-1)
			r->uidl_extra++;
	r->loss = r->content_missing > 0;
	if (p->migration.uidl == PLAN_UIDL_PRESERVE)
		r->loss |= r->uidl_missing > 0 || r->uidl_changed > 0 || !r->order_kept;
	free(ds);
	free(ss);
	return 0;
}

static void verify_imap(const struct plan *p, const struct plan_customer *c, struct journal *j,
                        const struct verify_phase *ph, struct verify_row *r)
{
	struct err e;
	err_clear(&e);
	r->customer = c->id;
	r->imap = true;
	if (imapverify_customer(p, c, j, &r->iv, &e) < 0) {
		r->loss = true;
		snprintf(r->error, sizeof r->error, "%s%s%s", e.msg, e.server[0] ? " — server: " : "",
		         e.server);
		return;
	}
	r->checked = true;
	r->src_n = r->iv.src_n;
	r->dst_n = r->iv.dst_n;
	r->src_bytes = r->iv.src_bytes;
	r->dst_bytes = r->iv.dst_bytes;
	r->content_matched = r->iv.matched;
	r->content_missing = r->iv.missing + r->iv.pending;
	r->order_kept = true;
	r->loss = r->iv.missing > 0 || r->iv.folders_missing > 0 ||
	          (ph->final && (r->iv.pending > 0 || r->iv.flags_differ > 0 || r->iv.dates_differ > 0));
}

static void verify_customer(const struct plan *p, const struct plan_customer *c, struct journal *j,
                            const struct verify_phase *ph, struct verify_row *r)
{
	struct src *s = NULL, *d = NULL;
	struct verify_side src, dst;
	struct err e;

	if ((c->has_source_proto ? c->source_proto : p->migration.source.proto) == PLAN_PROTO_IMAP) {
		verify_imap(p, c, j, ph, r);
		return;
	}
	memset(&src, 0, sizeof src);
	memset(&dst, 0, sizeof dst);
	err_clear(&e);
	r->customer = c->id;
	if (session_open_src(&s, p, c, SESSION_SOURCE, NULL, &e) < 0)
		goto out;
	if (verify_read(s, &src, false, &e) < 0) {
		err_prefix(&e, "source: ");
		goto out;
	}
	if (session_open_src(&d, p, c, SESSION_DESTINATION_POP3, NULL, &e) < 0)
		goto out;
	if (verify_read(d, &dst, p->migration.uidl == PLAN_UIDL_PRESERVE, &e) < 0) {
		err_prefix(&e, "destination POP3: ");
		goto out;
	}
	if (verify_compare(p, &src, &dst, r) < 0) {
		err_set(&e, ERR_NOMEM, "out of memory");
		goto out;
	}
	r->checked = true;
out:
	if (!r->checked) {
		r->loss = true;
		snprintf(r->error, sizeof r->error, "%s%s%s", e.msg, e.server[0] ? " — server: " : "",
		         e.server);
	}
	if (s)
		s->ops->close(s);
	if (d)
		d->ops->close(d);
	verify_side_free(&src);
	verify_side_free(&dst);
}

static double verify_pct(const struct verify_row *r)
{
	return r->src_n ? 100.0 * (double)r->uidl_preserved / (double)r->src_n : 100.0;
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
			       x->customer, x->src_n, x->dst_n, (unsigned long long)x->src_bytes,
			       (unsigned long long)x->dst_bytes, x->content_matched, x->src_n, x->iv.folders,
			       x->iv.folders_missing, x->iv.missing, x->iv.pending, x->iv.flags_differ,
			       x->iv.dates_differ, x->loss ? "LOSS" : "ok", x->iv.first_problem[0] ? " — " : "",
			       x->iv.first_problem);
			continue;
		}
		char content[32], pct[16];
		snprintf(content, sizeof content, "%zu/%zu", x->content_matched, x->src_n);
		snprintf(pct, sizeof pct, "%.1f%%", verify_pct(x));
		printf("%-*s %6zu %6zu %12llu %12llu %9s %8s %7zu %6zu %7zu %6s  %s\n", w, x->customer,
		       x->src_n, x->dst_n, (unsigned long long)x->src_bytes, (unsigned long long)x->dst_bytes,
		       content, pct, x->uidl_missing, x->uidl_extra, x->uidl_changed,
		       x->order_kept ? "kept" : "CHANGED", x->loss ? "LOSS" : "ok");
	}
}

static void verify_json(const struct verify_row *r, size_t n, int code, const struct verify_phase *ph)
{
	json_t *root = json_object(), *arr = json_array();
	json_object_set_new(root, "phase", ph->phase[0] ? json_string(ph->phase) : json_null());
	for (size_t i = 0; i < n; i++) {
		const struct verify_row *x = &r[i];
		json_t *o = json_object();
		json_object_set_new(o, "customer", json_string(x->customer));
		json_object_set_new(o, "verified", json_boolean(x->checked));
		if (!x->checked) {
			json_object_set_new(o, "error", json_string(x->error));
		} else {
			json_object_set_new(o, "source_messages", json_integer((json_int_t)x->src_n));
			json_object_set_new(o, "destination_messages", json_integer((json_int_t)x->dst_n));
			json_object_set_new(o, "source_bytes", json_integer((json_int_t)x->src_bytes));
			json_object_set_new(o, "destination_bytes", json_integer((json_int_t)x->dst_bytes));
			json_object_set_new(o, "content_matched", json_integer((json_int_t)x->content_matched));
			json_object_set_new(o, "content_missing", json_integer((json_int_t)x->content_missing));
			json_object_set_new(o, "uidls_preserved", json_integer((json_int_t)x->uidl_preserved));
			json_object_set_new(o, "uidls_preserved_pct", json_real(verify_pct(x)));
			json_object_set_new(o, "uidls_missing", json_integer((json_int_t)x->uidl_missing));
			json_object_set_new(o, "uidls_extra", json_integer((json_int_t)x->uidl_extra));
			json_object_set_new(o, "uidls_changed", json_integer((json_int_t)x->uidl_changed));
			json_object_set_new(o, "order_kept", json_boolean(x->order_kept));
			if (x->imap) {
				json_object_set_new(o, "folders", json_integer((json_int_t)x->iv.folders));
				json_object_set_new(o, "folders_missing", json_integer((json_int_t)x->iv.folders_missing));
				json_object_set_new(o, "lost", json_integer((json_int_t)x->iv.missing));
				json_object_set_new(o, "pending", json_integer((json_int_t)x->iv.pending));
				json_object_set_new(o, "flags_differ", json_integer((json_int_t)x->iv.flags_differ));
				json_object_set_new(o, "dates_differ", json_integer((json_int_t)x->iv.dates_differ));
			}
		}
		json_object_set_new(o, "loss", json_boolean(x->loss));
		json_array_append_new(arr, o);
	}
	json_object_set_new(root, "exit", json_integer(code));
	json_object_set_new(root, "customers", arr);
	json_dumpf(root, stdout, JSON_INDENT(2) | JSON_ENSURE_ASCII);
	fputc('\n', stdout);
	json_decref(root);
}

/* The journal (read-only; NULL when there is none yet) and the phase of its last copy run. */
static void verify_phase_read(const struct plan *p, struct journal **j, struct verify_phase *ph)
{
	struct journal_run run;
	bool found = false;
	struct err e;
	char *path = journal_plan_path(p);
	memset(ph, 0, sizeof *ph);
	*j = NULL;
	err_clear(&e);
	if (!path || journal_open_ro(j, path, &e) < 0) {
		free(path);
		*j = NULL;
		return;
	}
	free(path);
	if (journal_run_last_of(*j, "run", &run, &found, &e) < 0 || !found)
		return;
	snprintf(ph->phase, sizeof ph->phase, "%s", run.phase ? run.phase : "prestage");
	ph->run_id = run.id;
	ph->final = strcmp(ph->phase, "final") == 0;
	journal_run_release(&run);
}

static int verify_exec(const struct opt_result *args, struct err *e)
{
	const struct opt_value *only = opt_get(args, "customer");
	struct verify_row *rows = NULL;
	size_t n = 0;
	int code = EX_OK;
	struct plan *p = cmd_load_plan(args->pos[0], opt_flag(args, "quiet"), e);
	struct journal *j = NULL;
	struct verify_phase ph;
	if (!p)
		return cmd_exit_for(e);
	rows = calloc(p->n_customers + (only ? only->n_list : 0) + 1, sizeof *rows);
	if (!rows) {
		plan_free(p);
		err_set(e, ERR_NOMEM, "out of memory");
		return EX_OSERR;
	}
	verify_phase_read(p, &j, &ph);
	if (only && only->set) {
		for (size_t i = 0; i < only->n_list; i++) {
			const struct plan_customer *c = plan_customer_find(p, only->list[i]);
			if (!c) {
				err_set(e, ERR_USAGE, "--customer %s: no such customer in the plan", only->list[i]);
				code = EX_USAGE;
				goto out;
			}
			verify_customer(p, c, j, &ph, &rows[n++]);
		}
	} else {
		for (size_t i = 0; i < p->n_customers; i++)
			verify_customer(p, &p->customers[i], j, &ph, &rows[n++]);
	}
	size_t lost = 0;
	uint64_t pres = 0, total = 0;
	for (size_t i = 0; i < n; i++) {
		lost += rows[i].loss;
		pres += rows[i].uidl_preserved;
		total += rows[i].src_n;
	}
	code = lost ? 1 : EX_OK;
	if (opt_flag(args, "json")) {
		verify_json(rows, n, code, &ph);
	} else {
		if (ph.phase[0])
			printf("checking after the %s phase (run %lld)%s\n\n", ph.phase, (long long)ph.run_id,
			       ph.final ? "" : ": mail and flag changes newer than it are expected");
		else
			printf("no copy run in the journal yet\n\n");
		verify_table(rows, n);
		printf("\n%zu customer%s verified, %zu with loss; UIDLs preserved: %llu/%llu (%.1f%%) "
		       "(strategy: %s)\n", n, n == 1 ? "" : "s", lost, (unsigned long long)pres,
		       (unsigned long long)total, total ? 100.0 * (double)pres / (double)total : 100.0,
		       plan_uidl_name(p->migration.uidl));
	}
out:
	free(rows);
	if (j)
		journal_close(j);
	plan_free(p);
	return code;
}

const struct cmd_entry cmd_verify_entry = {
	"verify",
	"compare source and destination as a client sees them: counts, digests, UIDLs; IMAP: folders, flags, dates",
	"PLAN [--customer ID]... [--json]",
	"For each customer, logs in to the source and to the destination over POP3 (the\n"
	"destination's pop3_port), reads every message and the UIDL list, and compares: message\n"
	"count, bytes, the SHA-256 of every message (the added X-UIDL line aside, line endings\n"
	"normalised), and the UIDLs — preserved %, missing, extra, changed, order.\n"
	"IMAP sources: every folder (mapped as `run` maps it) is read on both sides with EXAMINE\n"
	"and compared: messages by digest, flags and keywords, INTERNALDATE. Verify reads the\n"
	"journal's last `run` phase: after a pre-stage, mail newer than it and flag changes are\n"
	"expected; after the final phase they count as a loss.\n"
	"Exit 1 when any message or (with uidl: preserve) any UIDL is lost.",
	verify_opts, sizeof verify_opts / sizeof verify_opts[0], 1, 1, verify_exec,
};
