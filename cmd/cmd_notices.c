/* cmd_notices: `cutover notices PLAN [--customer ID]... [--out DIR] [--format F] [--send]`:
 * each customer's reconfiguration notice in their language and mail program, as text,
 * HTML, EML or client configuration files; with --send, mailed exactly once. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>

#include "cmd/cmd.h"
#include "cmd/jsondoc.h"
#include "mapping/journal.h"
#include "notices/deliver.h"
#include "notices/eml.h"
#include "notices/model.h"
#include "notices/records.h"
#include "notices/render.h"
#include "notices/sign.h"
#include "notices/tdir.h"
#include "notices/when.h"
#include "schedule/clients.h"

static const char *const notices_formats[] = { "text", "html", "eml", "autoconfig", "autodiscover",
                                               "mobileconfig", "srv", "autoconfig-domain", "json", NULL };

struct notices_opts {
	const char *out, *format, *templates;
	bool send;
};

static const struct opt_spec notices_opts[] = {
	OPT_BIND_STR("out", 'o', struct notices_opts, out, "DIR", "write one file per customer into DIR",
	             NULL),
	OPT_BIND_STR("format", 'f', struct notices_opts, format, "FORMAT",
	             "text|html|eml|autoconfig|autodiscover|mobileconfig|srv|autoconfig-domain|json (default text)",
	             notices_formats),
	OPT_BIND_FLAG("send", 0, struct notices_opts, send,
	              "mail each notice (EML) through notices.send, once"),
	OPT_BIND_STR("templates", 0, struct notices_opts, templates, "DIR",
	             TDIR_HELP, NULL),
};

struct notices_run {
	const struct plan *p;
	struct render_opts ro;
	enum render_format fmt;
	const char *out_dir;
	bool quiet, to_stdout_many;
	struct deliver dl;
	bool sending;
	const char *from_addr;
	char from_buf[512];
	struct sign *sign;           /* mobileconfig with notices.sign: the operator's signer */
	char **domains;              /* srv: zones already written */
	size_t n_domains;
	size_t written, sent, already, skipped, failed;
};

static void notices_file_name(char *out, size_t n, const char *dir, const char *id, const char *ext)
{
	size_t k = (size_t)snprintf(out, n, "%s/", dir);
	for (; *id && k + 1 < n; id++)
		out[k++] = (*id == '/' || (unsigned char)*id < 0x20) ? '_' : *id;
	out[k] = 0;
	if (out[strlen(dir) + 1] == '.')
		out[strlen(dir) + 1] = '_';
	snprintf(out + k, n - k, "%s", ext);
}

static int notices_write(const char *path, const struct buf *b, struct err *e)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return err_set(e, ERR_IO, "%s: %s", path, strerror(errno));
	if (fwrite(b->data, 1, b->len, f) != b->len || fclose(f) != 0)
		return err_set(e, ERR_IO, "%s: write failed", path);
	return 0;
}

/* mkdir -p */
static int notices_mkdirs(const char *dir)
{
	char path[4096];
	snprintf(path, sizeof path, "%s", dir);
	for (char *s = path + 1; *s; s++)
		if (*s == '/') {
			*s = 0;
			if (mkdir(path, 0755) < 0 && errno != EEXIST)
				return -1;
			*s = '/';
		}
	return mkdir(path, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

/* srv: one zone snippet per mail domain, not per customer. */
static bool notices_domain_seen(struct notices_run *r, const char *domain)
{
	char **nv;
	for (size_t i = 0; i < r->n_domains; i++)
		if (strcasecmp(r->domains[i], domain) == 0)
			return true;
	nv = realloc(r->domains, (r->n_domains + 1) * sizeof *nv);
	if (nv) {
		r->domains = nv;
		if ((nv[r->n_domains] = strdup(domain)))
			r->n_domains++;
	}
	return false;
}

/* Mail one rendered notice; a refusal is this customer's failure, counted and shown.
 * Returns -1 only when the whole run must stop. */
static int notices_send(struct notices_run *r, const struct plan_customer *c, const struct buf *b,
                        const char *mid, struct err *e)
{
	enum deliver_result res;
	struct err ce;
	char text[ERR_TEXT_MAX];
	err_clear(&ce);
	int rc = deliver_one(&r->dl, c->id, r->from_addr, c->email, b->data, b->len, mid, &res, &ce);
	switch (res) {
	case DELIVER_SENT:
		r->sent++;
		if (!r->quiet)
			fprintf(stderr, "%s %s: sent <%s>\n", c->id, c->email, mid);
		break;
	case DELIVER_ALREADY_SENT:
		r->already++;
		if (!r->quiet)
			fprintf(stderr, "%s %s: already sent, not sent again\n", c->id, c->email);
		break;
	case DELIVER_IN_DOUBT:
	case DELIVER_FAILED:
		r->failed++;
		if (rc == 0)
			fprintf(stderr, "cutover notices: %s\n", err_text(&ce, text, sizeof text));
		break;
	}
	if (rc < 0)
		*e = ce;
	return rc;
}

/* One customer. Returns -1 only when the whole run must stop. */
static int notices_one(struct notices_run *r, const struct plan_customer *c, struct err *e)
{
	struct buf b = BUF_INIT;
	char mid[512], path[4096];
	const char *skipped;
	struct err ce;
	int rc = 0;

	if (render_format_per_domain(r->fmt) && notices_domain_seen(r, model_domain(c->email)))
		return 0;
	/* A bad address is this customer's problem; any other rendering error (a template
	 * mistake) would repeat for everyone, so it stops the run. */
	if (!eml_addr_ok(c->email)) {
		fprintf(stderr, "cutover notices: customer %s: address '%s' cannot be used in a mail\n",
		        c->id, c->email);
		r->failed++;
		return 0;
	}
	err_clear(&ce);
	if (render_notice(&b, &r->ro, r->p, c, r->fmt, &skipped, mid, sizeof mid, &ce) < 0) {
		buf_release(&b);
		*e = ce;
		return -1;
	}
	if (skipped) {
		r->skipped++;
		if (!r->quiet)
			fprintf(stderr, "%s %s: %s\n", c->id, c->email, skipped);
		return 0;
	}
	if (r->sign) {
		struct buf sb = BUF_INIT;
		rc = sign_data(r->sign, &b, &sb, e);
		buf_release(&b);
		b = sb;
		if (rc < 0) {
			buf_release(&b);
			return -1;
		}
	}
	if (r->out_dir) {
		if (render_format_per_domain(r->fmt))
			notices_file_name(path, sizeof path, r->out_dir, model_domain(c->email),
			                  render_format_ext(r->fmt));
		else
			notices_file_name(path, sizeof path, r->out_dir, c->id, render_format_ext(r->fmt));
		if (notices_write(path, &b, e) < 0) {
			buf_release(&b);
			return -1;
		}
		r->written++;
	} else if (!r->sending) {
		if (r->to_stdout_many)
			printf("==== %s <%s>\n", c->id, c->email);
		fwrite(b.data, 1, b.len, stdout);
		r->written++;
	}
	if (r->sending)
		rc = notices_send(r, c, &b, mid, e);
	buf_release(&b);
	return rc;
}

static int notices_open_send(struct notices_run *r, const struct plan *p, struct journal *j,
                             struct err *e)
{
	const struct plan_endpoint *ep = &p->notices.send;
	char ca[4096];
	char *pw = NULL;
	const char *name = NULL;
	int rc;

	if (!ep->host)
		return err_set(e, ERR_USAGE, "--send needs notices.send in the plan");
	if (p->notices.from) {
		if (eml_split_address(p->notices.from, r->from_buf, sizeof r->from_buf, &name, &r->from_addr) < 0)
			return err_set(e, ERR_DATA, "notices.from: '%s' is not \"Name <address>\"", p->notices.from);
	} else
		r->from_addr = p->operator_.support_email;
	if (plan_secret_is_set(&ep->master_password) && !(pw = plan_secret_get(p, &ep->master_password, e)))
		return -1;
	if (ep->ca_file)
		snprintf(ca, sizeof ca, "%s%s%s", ep->ca_file[0] == '/' ? "" : p->dir,
		         ep->ca_file[0] == '/' ? "" : "/", ep->ca_file);
	rc = send_open(&r->dl.send, ep, pw, ep->ca_file ? ca : NULL, e);
	plan_secret_free(pw);
	if (rc < 0)
		return -1;
	r->dl.journal = j;
	r->dl.kind = "notice";
	r->dl.attempts = p->migration.retry.attempts > 0 ? p->migration.retry.attempts : 3;
	r->dl.first_delay_ms = p->migration.retry.first_delay_ms > 0 ? p->migration.retry.first_delay_ms : 1000;
	r->dl.max_delay_ms = p->migration.retry.max_delay_ms > 0 ? p->migration.retry.max_delay_ms : 60000;
	send_bucket_init(&r->dl.bucket, p->notices.per_hour);
	r->sending = true;
	return 0;
}

/* The run's settings from the options; usage errors before anything is written. */
static int notices_prepare(const struct cmd_ctx *ctx, struct notices_run *r, char *tdir,
                           size_t tdir_size, struct err *e)
{
	const struct notices_opts *o = ctx->opts;
	const struct plan *p = ctx->plan;
	size_t n_selected = ctx->n_customers;
	r->p = p;
	r->quiet = ctx->common->quiet;
	r->out_dir = o->out;
	if (o->send && o->format && strcmp(o->format, "eml") != 0)
		return err_set(e, ERR_USAGE, "--send mails EML: leave out --format or say --format eml");
	r->fmt = (enum render_format)render_format_parse(o->send ? "eml" : o->format ? o->format : "text");
	if (tdir_find(tdir, tdir_size, o->templates, p, e) < 0)
		return -1;
	r->ro.templates = tdir;
	r->ro.now = when_now();
	for (size_t i = 0; !ctx->n_customers && i < p->n_customers; i++)
		n_selected += p->customers[i].notify;
	if (!r->out_dir && !o->send && n_selected > 1 && r->fmt != RENDER_TEXT &&
	    r->fmt != RENDER_HTML && !render_format_per_domain(r->fmt))
		return err_set(e, ERR_USAGE, "--format %s for %zu customers needs --out DIR (or --customer ID)",
		               o->format, n_selected);
	r->to_stdout_many = n_selected > 1 && !render_format_per_domain(r->fmt);
	if (r->fmt == RENDER_MOBILECONFIG && sign_open(&r->sign, p, e) < 0)
		return -1;
	if (r->out_dir && notices_mkdirs(r->out_dir) < 0)
		return err_set(e, ERR_IO, "%s: %s", r->out_dir, strerror(errno));
	return 0;
}

/* Every customer with notify: yes, or the --customer ones, in plan order. */
static int notices_all(const struct cmd_ctx *ctx, struct notices_run *r, struct err *e)
{
	const struct plan *p = ctx->plan;
	for (size_t i = 0; i < p->n_customers; i++) {
		const struct plan_customer *c = &p->customers[i];
		bool want = ctx->n_customers ? cmd_selected(ctx, c->id) : c->notify;
		if (want && notices_one(r, c, e) < 0)
			return -1;
	}
	if (!r->quiet && (r->sending || r->out_dir))
		fprintf(stderr, "notices: %zu written, %zu sent, %zu already sent, %zu skipped, %zu failed\n",
		        r->written, r->sent, r->already, r->skipped, r->failed);
	return 0;
}

/* --format json: every selected customer's instruction (docs/json.md, "notices"). */
static int notices_json(const struct cmd_ctx *ctx, struct err *e)
{
	const char **ids = calloc(ctx->n_customers ? ctx->n_customers : 1, sizeof *ids);
	if (!ids) {
		err_set(e, ERR_NOMEM, "out of memory");
		return cmd_exit_for(e);
	}
	for (size_t i = 0; i < ctx->n_customers; i++)
		ids[i] = ctx->customers[i].id;
	json_t *j = records_doc(ctx->plan, ids, ctx->n_customers, e);
	free(ids);
	if (j && jsondoc_dump(j, stdout) < 0)
		err_set(e, ERR_IO, "cannot write the JSON records");
	json_decref(j);
	return err_is_set(e) ? cmd_exit_for(e) : EX_OK;
}

static int notices_exec(const struct cmd_ctx *ctx, struct err *e)
{
	const struct notices_opts *o = ctx->opts;
	struct notices_run r;
	char tdir[4096];
	int rc;
	int64_t run_id = 0;

	if (o->format && strcmp(o->format, "json") == 0 && !o->send)
		return notices_json(ctx, e);

	memset(&r, 0, sizeof r);
	if (notices_prepare(ctx, &r, tdir, sizeof tdir, e) == 0 &&
	    (!o->send || (notices_open_send(&r, ctx->plan, ctx->journal, e) == 0 &&
	                  journal_run_begin(ctx->journal, "notices", "send", &run_id, e) == 0)))
		notices_all(ctx, &r, e);
	rc = err_is_set(e) ? cmd_exit_for(e) : r.failed ? 1 : EX_OK;
	if (run_id) {
		struct err je;
		char summary[160];
		err_clear(&je);
		snprintf(summary, sizeof summary, "%zu sent, %zu already sent, %zu failed", r.sent, r.already,
		         r.failed);
		journal_run_end(ctx->journal, run_id, rc, summary, &je);
	}
	send_close(r.dl.send);
	sign_close(r.sign);
	for (size_t i = 0; i < r.n_domains; i++)
		free(r.domains[i]);
	free(r.domains);
	return rc;
}

/* The journal records what was sent: needed (and created) only with --send. */
static void notices_refine(const void *opts, const struct opt_pos *pos, struct cmd_needs *needs)
{
	const struct notices_opts *o = opts;
	(void)pos;
	if (!o->send)
		needs->journal = CMD_JOURNAL_NONE;
}

const struct cmd_entry cmd_notices_entry = {
	.name = "notices",
	.summary = "write (and send) each customer's reconfiguration notice",
	.usage = "PLAN [--customer ID]... [--out DIR] [--format FORMAT] [--send] [--templates DIR]",
	.description =
		"One notice per customer (those with notify: yes, or the --customer ones), in the\n"
		"customer's language: their account name before and after, incoming and outgoing\n"
		"server, port, TLS and authentication, numbered steps for their mail program, and\n"
		"the cautions that apply (full address as login, no SMTP AUTH with APOP in Eudora\n"
		"5.1J, POP before SMTP or an upgrade for programs without SMTP AUTH, how to avoid a\n"
		"second download when the server or login name changes, the re-download warning\n"
		"when UIDLs are not kept). Customers with nothing to change get a short notice, or\n"
		"none with notices.skip_unchanged.\n"
		"Formats: text, html, eml (RFC 5322/MIME; Japanese in notices.charset_ja,\n"
		"ISO-2022-JP by default), autoconfig (Thunderbird config-v1.1.xml), autodiscover\n"
		"(Outlook POX), mobileconfig (Apple profile, no password inside), srv (RFC 6186 zone\n"
		"lines, one per mail domain). Several customers in a file format need --out DIR.\n"
		"--send submits each EML through notices.send (STARTTLS/AUTH as configured,\n"
		"certificate verified) at most notices.per_hour, records it in the journal and never\n"
		"sends a notice twice; 4xx replies are retried, 5xx reported per customer (exit 1).",
	.opts = notices_opts,
	.n_opts = sizeof notices_opts / sizeof notices_opts[0],
	.opts_size = sizeof(struct notices_opts),
	.min_pos = 1,
	.max_pos = 1,
	.needs = { CMD_PLAN, CMD_JOURNAL_WRITE, CMD_CUSTOMERS_PLAN, CMD_LOGINS_NONE },
	.refine = notices_refine,
	.exec = notices_exec,
};
