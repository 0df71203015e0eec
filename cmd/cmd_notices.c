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
#include "mapping/journal.h"
#include "notices/deliver.h"
#include "notices/eml.h"
#include "notices/model.h"
#include "notices/records.h"
#include "notices/render.h"
#include "notices/tdir.h"
#include "notices/when.h"
#include "schedule/clients.h"

static const char *const notices_formats[] = { "text", "html", "eml", "autoconfig", "autodiscover",
                                               "mobileconfig", "srv", "autoconfig-domain", "json", NULL };

static const struct opt_spec notices_opts[] = {
	{ "customer", 'c', OPT_LIST, "ID", "only this customer (repeatable)", NULL },
	{ "out", 'o', OPT_STRING, "DIR", "write one file per customer into DIR", NULL },
	{ "format", 'f', OPT_STRING, "FORMAT",
	  "text|html|eml|autoconfig|autodiscover|mobileconfig|srv|autoconfig-domain|json (default text)", notices_formats },
	{ "send", 0, OPT_FLAG, NULL, "mail each notice (EML) through notices.send, once", NULL },
	{ "templates", 0, OPT_STRING, "DIR", "template directory (default: built in)", NULL },
	CMD_COMMON_OPTS
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
	if (r->sending) {
		enum deliver_result res;
		err_clear(&ce);
		rc = deliver_one(&r->dl, c->id, r->from_addr, c->email, b.data, b.len, mid, &res, &ce);
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
				fprintf(stderr, "cutover notices: %s%s%s%s\n", ce.msg, ce.server[0] ? " (server said: " : "",
				        ce.server, ce.server[0] ? ")" : "");
			break;
		}
		if (rc < 0)
			*e = ce;
	}
	buf_release(&b);
	return rc;
}

static int notices_open_send(struct notices_run *r, struct plan *p, struct journal **j,
                             struct err *e)
{
	const struct plan_endpoint *ep = &p->notices.send;
	char path[4096], ca[4096];
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
	snprintf(path, sizeof path, "%s%s%s", p->migration.journal[0] == '/' ? "" : p->dir,
	         p->migration.journal[0] == '/' ? "" : "/", p->migration.journal);
	if (journal_open(j, path, e) < 0)
		return -1;
	if (plan_secret_is_set(&ep->master_password) && !(pw = plan_secret_get(p, &ep->master_password, e)))
		return -1;
	if (ep->ca_file)
		snprintf(ca, sizeof ca, "%s%s%s", ep->ca_file[0] == '/' ? "" : p->dir,
		         ep->ca_file[0] == '/' ? "" : "/", ep->ca_file);
	rc = send_open(&r->dl.send, ep, pw, ep->ca_file ? ca : NULL, e);
	plan_secret_free(pw);
	if (rc < 0)
		return -1;
	r->dl.journal = *j;
	r->dl.kind = "notice";
	r->dl.attempts = p->migration.retry.attempts > 0 ? p->migration.retry.attempts : 3;
	r->dl.first_delay_ms = p->migration.retry.first_delay_ms > 0 ? p->migration.retry.first_delay_ms : 1000;
	r->dl.max_delay_ms = p->migration.retry.max_delay_ms > 0 ? p->migration.retry.max_delay_ms : 60000;
	send_bucket_init(&r->dl.bucket, p->notices.per_hour);
	r->sending = true;
	return 0;
}

/* --format json: every selected customer's instruction, keyed by id (docs/templates.md). */
static int cmd_notices_json(const struct plan *p, const char *const *only, size_t n_only, struct err *e)
{
	json_t *j = records_json(p, only, n_only, e);
	int rc = j && json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0 ? 0 : -1;
	if (j && rc < 0)
		err_set(e, ERR_IO, "cannot write the JSON records");
	json_decref(j);
	if (rc == 0)
		fputc('\n', stdout);
	return rc;
}

static int notices_exec(const struct opt_result *args, struct err *e)
{
	struct plan *p = cmd_load_plan(args->pos[0], opt_flag(args, "quiet"), e);
	const struct opt_value *only = opt_get(args, "customer");
	const char *fmt = opt_str(args, "format", NULL);
	struct notices_run r;
	struct journal *j = NULL;
	char tdir[4096];
	int rc = EX_OK;
	size_t n_selected = 0;
	int64_t run_id = 0;

	if (!p)
		return cmd_exit_for(e);
	if (only && (!only->set || !only->n_list))
		only = NULL;
	memset(&r, 0, sizeof r);
	r.p = p;
	r.quiet = opt_flag(args, "quiet");
	r.out_dir = opt_str(args, "out", NULL);
	if (opt_flag(args, "send") && fmt && strcmp(fmt, "eml") != 0) {
		err_set(e, ERR_USAGE, "--send mails EML: leave out --format or say --format eml");
		goto out;
	}
	if (fmt && strcmp(fmt, "json") == 0 && !opt_flag(args, "send")) {
		rc = cmd_notices_json(p, only ? only->list : NULL, only ? only->n_list : 0, e);
		goto out;
	}
	r.fmt = (enum render_format)render_format_parse(opt_flag(args, "send") ? "eml" : fmt ? fmt : "text");
	if (tdir_find(tdir, sizeof tdir, opt_str(args, "templates", NULL), p, e) < 0)
		goto out;
	r.ro.templates = tdir;
	r.ro.now = when_now();
	for (size_t i = 0; only && i < only->n_list; i++)
		if (!plan_customer_find(p, only->list[i])) {
			err_set(e, ERR_USAGE, "no customer '%s' in the plan", only->list[i]);
			goto out;
		}
	for (size_t i = 0; i < p->n_customers; i++)
		n_selected += only ? 0 : p->customers[i].notify;
	n_selected += only ? only->n_list : 0;
	if (!r.out_dir && !opt_flag(args, "send") && n_selected > 1 && r.fmt != RENDER_TEXT &&
	    r.fmt != RENDER_HTML && !render_format_per_domain(r.fmt)) {
		err_set(e, ERR_USAGE, "--format %s for %zu customers needs --out DIR (or --customer ID)",
		        fmt, n_selected);
		goto out;
	}
	r.to_stdout_many = n_selected > 1 && !render_format_per_domain(r.fmt);
	if (r.out_dir && notices_mkdirs(r.out_dir) < 0) {
		err_set(e, ERR_IO, "%s: %s", r.out_dir, strerror(errno));
		goto out;
	}
	if (opt_flag(args, "send")) {
		if (notices_open_send(&r, p, &j, e) < 0 ||
		    journal_run_begin(j, "notices", "send", &run_id, e) < 0)
			goto out;
	}
	for (size_t i = 0; i < p->n_customers; i++) {
		const struct plan_customer *c = &p->customers[i];
		bool want = !only && c->notify;
		for (size_t k = 0; only && k < only->n_list; k++)
			want |= strcmp(only->list[k], c->id) == 0;
		if (want && notices_one(&r, c, e) < 0)
			goto out;
	}
	if (!r.quiet && (r.sending || r.out_dir))
		fprintf(stderr, "notices: %zu written, %zu sent, %zu already sent, %zu skipped, %zu failed\n",
		        r.written, r.sent, r.already, r.skipped, r.failed);
out:
	if (err_is_set(e))
		rc = cmd_exit_for(e);
	else if (r.failed)
		rc = 1;
	if (j && run_id) {
		struct err je;
		char summary[160];
		err_clear(&je);
		snprintf(summary, sizeof summary, "%zu sent, %zu already sent, %zu failed", r.sent, r.already,
		         r.failed);
		journal_run_end(j, run_id, rc, summary, &je);
	}
	send_close(r.dl.send);
	journal_close(j);
	for (size_t i = 0; i < r.n_domains; i++)
		free(r.domains[i]);
	free(r.domains);
	plan_free(p);
	return rc;
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
	.min_pos = 1,
	.max_pos = 1,
	.exec = notices_exec,
};
