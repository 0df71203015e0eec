/* cmd_check: `cutover check PLAN [--json]`: validate a plan and print what changes for
 * customers, who they are, how the mail moves, and the doubts a support lead must see. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "cmd/jsondoc.h"
#include "notices/records.h"
#include "notices/tcheck.h"
#include "notices/tdir.h"
#include "notices/when.h"
#include "schedule/clients.h"
#include "schedule/plan_warn.h"

/* ---- time in the plan's zone ---- */

struct check_local {
	struct tm tm;
	char zone[16];   /* "JST", or "+09:00" when the zone is unknown here */
};

/* Local time of t in the plan's IANA zone (through TZ, restored afterwards); when the
 * zone is not installed, in the offset the time was written with. */
static void check_localtime(const struct plan *p, const struct plan_time *pt, struct check_local *out)
{
	char zpath[512];
	memset(out, 0, sizeof *out);
	if (p->timezone && !strstr(p->timezone, "..") &&
	    snprintf(zpath, sizeof zpath, "/usr/share/zoneinfo/%s", p->timezone) < (int)sizeof zpath &&
	    access(zpath, R_OK) == 0) {
		char *old = getenv("TZ") ? strdup(getenv("TZ")) : NULL;
		setenv("TZ", p->timezone, 1);
		tzset();
		localtime_r(&pt->t, &out->tm);
		snprintf(out->zone, sizeof out->zone, "%s", out->tm.tm_zone ? out->tm.tm_zone : "");
		if (old) {
			setenv("TZ", old, 1);
			free(old);
		} else {
			unsetenv("TZ");
		}
		tzset();
		return;
	}
	time_t t = pt->t + pt->utc_offset;
	gmtime_r(&t, &out->tm);
	int off = pt->utc_offset < 0 ? -pt->utc_offset : pt->utc_offset;
	snprintf(out->zone, sizeof out->zone, "%c%02d:%02d", pt->utc_offset < 0 ? '-' : '+',
	         off / 3600, off / 60 % 60);
}

static const char *const check_wday[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };

/* "2002-10-22 (Tue) 23:30" */
static void check_fmt_day_time(const struct check_local *l, char *buf, size_t size)
{
	snprintf(buf, size, "%04d-%02d-%02d (%s) %02d:%02d", l->tm.tm_year + 1900, l->tm.tm_mon + 1,
	         l->tm.tm_mday, check_wday[l->tm.tm_wday % 7], l->tm.tm_hour, l->tm.tm_min);
}

static bool check_same_day(const struct check_local *a, const struct check_local *b)
{
	return a->tm.tm_year == b->tm.tm_year && a->tm.tm_yday == b->tm.tm_yday;
}

/* "3 h 30 min", "45 min", "2 h" */
static void check_fmt_duration(long minutes, char *buf, size_t size)
{
	if (minutes < 60)
		snprintf(buf, size, "%ld min", minutes);
	else if (minutes % 60 == 0)
		snprintf(buf, size, "%ld h", minutes / 60);
	else
		snprintf(buf, size, "%ld h %ld min", minutes / 60, minutes % 60);
}

/* The one-line window: "2002-10-22 (Tue) 23:30 → 2002-10-23 (Wed) 03:00 JST, 3 h 30 min;
 * unstable until 04:30". */
static void check_window_line(const struct plan *p, char *buf, size_t size)
{
	struct check_local s, e, u;
	char a[48], b[48], dur[32];
	check_localtime(p, &p->window.start, &s);
	check_localtime(p, &p->window.end, &e);
	check_fmt_day_time(&s, a, sizeof a);
	check_fmt_day_time(&e, b, sizeof b);
	check_fmt_duration((long)(p->window.end.t - p->window.start.t) / 60, dur, sizeof dur);
	int n = snprintf(buf, size, "%s → %s %s, %s", a, b, e.zone, dur);
	if (p->window.unstable_until.t > p->window.end.t && n > 0 && (size_t)n < size) {
		check_localtime(p, &p->window.unstable_until, &u);
		if (check_same_day(&u, &e))
			snprintf(buf + n, size - (size_t)n, "; unstable until %02d:%02d", u.tm.tm_hour,
			         u.tm.tm_min);
		else {
			check_fmt_day_time(&u, a, sizeof a);
			snprintf(buf + n, size - (size_t)n, "; unstable until %s", a);
		}
	}
}

/* ---- what customers change ---- */

static const char *check_smtp_auth_text(const struct plan_service *s, char *buf, size_t size)
{
	switch (s->smtp_auth) {
	case PLAN_SMTP_AUTH:
		return "SMTP AUTH";
	case PLAN_SMTP_POP_BEFORE_SMTP:
		if (s->relay_minutes)
			snprintf(buf, size, "POP before SMTP (%d min)", s->relay_minutes);
		else
			snprintf(buf, size, "POP before SMTP");
		return buf;
	default:
		return "no authentication";
	}
}

static const char *check_username_text(enum plan_username u)
{
	return u == PLAN_USERNAME_EMAIL ? "full e-mail address" : "local part";
}

/* The settings a customer must touch: before vs the recommended (first) after entry.
 * Names are the JSON values of "changes.must_change" (docs/json.md). */
static size_t check_changed(const struct plan *p, const char **out, size_t max)
{
	const struct plan_services *s = &p->services;
	size_t n = 0;
#define CHG(cond, name) do { if ((cond) && n < max) out[n++] = (name); } while (0)
	if (s->n_incoming_after) {
		const struct plan_service *b = &s->incoming_before, *a = &s->incoming_after[0];
		CHG(b->host && a->host && strcasecmp(b->host, a->host) != 0 && !s->keep_old_names,
		    "incoming_server");
		CHG(b->proto != a->proto, "incoming_protocol");
		CHG(b->port != a->port, "incoming_port");
		CHG(b->tls != a->tls, "incoming_tls");
		CHG(b->auth != a->auth, "incoming_auth");
	}
	if (s->n_outgoing_after) {
		const struct plan_service *b = &s->outgoing_before, *a = &s->outgoing_after[0];
		CHG(b->host && a->host && strcasecmp(b->host, a->host) != 0 && !s->keep_old_names,
		    "outgoing_server");
		CHG(b->port != a->port, "outgoing_port");
		CHG(b->tls != a->tls, "outgoing_tls");
		CHG(b->smtp_auth != a->smtp_auth, "outgoing_auth");
	}
	CHG(s->username_before != s->username_after, "login_name");
#undef CHG
	return n;
}

static const char *check_changed_text(const char *key)
{
	static const struct { const char *key, *text; } t[] = {
		{ "incoming_server", "incoming server name" }, { "incoming_protocol", "incoming protocol" },
		{ "incoming_port", "incoming port" }, { "incoming_tls", "incoming encryption" },
		{ "incoming_auth", "incoming authentication" }, { "outgoing_server", "outgoing server name" },
		{ "outgoing_port", "outgoing port" }, { "outgoing_tls", "outgoing encryption" },
		{ "outgoing_auth", "outgoing authentication" }, { "login_name", "login name" },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strcmp(t[i].key, key) == 0)
			return t[i].text;
	return key;
}

/* ---- customers ---- */

struct check_counts {
	size_t total, notify, lang[2];
	size_t *by_client;    /* indexed like clients_all() */
	unsigned n_clients;
	const struct client_info *all;
};

static const struct client_info *check_client(const struct plan_customer *c)
{
	const struct client_info *ci = c->client ? clients_lookup(c->client) : NULL;
	return ci ? ci : clients_generic();
}

static int check_count(const struct plan *p, struct check_counts *k)
{
	memset(k, 0, sizeof *k);
	k->all = clients_all(&k->n_clients);
	k->by_client = calloc(k->n_clients ? k->n_clients : 1, sizeof *k->by_client);
	if (!k->by_client)
		return -1;
	for (size_t i = 0; i < p->n_customers; i++) {
		const struct plan_customer *c = &p->customers[i];
		k->total++;
		k->notify += c->notify;
		k->lang[c->lang == PLAN_LANG_EN]++;
		k->by_client[check_client(c) - k->all]++;
	}
	return 0;
}

/* Indexes of the programs in use, most customers first (ties by catalogue order). */
static size_t check_client_order(const struct check_counts *k, unsigned *idx)
{
	size_t n = 0;
	for (unsigned i = 0; i < k->n_clients; i++)
		if (k->by_client[i])
			idx[n++] = i;
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && k->by_client[idx[j]] > k->by_client[idx[j - 1]]; j--) {
			unsigned t = idx[j];
			idx[j] = idx[j - 1];
			idx[j - 1] = t;
		}
	return n;
}

/* ---- text output ---- */

static void check_print_service(FILE *f, const char *label, const char *arrow,
                                const struct plan_service *s, bool incoming, const char *mark)
{
	char port[16], auth[48];
	snprintf(port, sizeof port, "port %d", s->port);
	const char *a = incoming ? plan_auth_name(s->auth) : check_smtp_auth_text(s, auth, sizeof auth);
	fprintf(f, "  %-10s %s %-24s %-5s %-9s tls %-9s %s%s%s\n", label, arrow, s->host ? s->host : "?",
	        plan_proto_name(s->proto), port, plan_tls_name(s->tls), incoming ? "auth " : "", a,
	        mark);
}

static void check_print_endpoint(FILE *f, const char *label, const struct plan_endpoint *ep)
{
	fprintf(f, "  %-12s %s %s:%d  tls %s%s  %s%s\n", label, plan_proto_name(ep->proto),
	        ep->host ? ep->host : "?", ep->port, plan_tls_name(ep->tls),
	        ep->tls != PLAN_TLS_NONE && !ep->tls_verify ? " (not verified)" : "",
	        ep->master_user ? "master user " : "auth ",
	        ep->master_user ? ep->master_user : plan_auth_name(ep->auth));
}

static void check_text_window(FILE *f, const struct plan *p)
{
	char line[256];
	fprintf(f, "\nWindow\n");
	check_window_line(p, line, sizeof line);
	fprintf(f, "  %s\n", line);
	if (plan_text_is_set(&p->window.reason))
		fprintf(f, "  reason:    %s\n", plan_text_any(p, &p->window.reason));
	if (plan_text_is_set(&p->window.affected))
		fprintf(f, "  affected:  %s\n", plan_text_any(p, &p->window.affected));
	if (p->window.old_servers_until.y)
		fprintf(f, "  old servers answer until %04d-%02d-%02d\n", p->window.old_servers_until.y,
		        p->window.old_servers_until.m, p->window.old_servers_until.d);
}

static void check_text_changes(FILE *f, const struct plan *p)
{
	const struct plan_services *s = &p->services;
	fprintf(f, "\nWhat customers change (before → after; the first after is the recommended one)\n");
	check_print_service(f, "incoming", " ", &s->incoming_before, true, "");
	for (size_t i = 0; i < s->n_incoming_after; i++)
		check_print_service(f, "", "→", &s->incoming_after[i], true, i == 0 ? "  *" : "");
	check_print_service(f, "outgoing", " ", &s->outgoing_before, false, "");
	for (size_t i = 0; i < s->n_outgoing_after; i++)
		check_print_service(f, "", "→", &s->outgoing_after[i], false, i == 0 ? "  *" : "");
	fprintf(f, "  %-10s   %s → %s\n", "login", check_username_text(s->username_before),
	        check_username_text(s->username_after));
	if (s->keep_old_names)
		fprintf(f, "  old server names stay as aliases of the new servers\n");
	const char *chg[16];
	size_t n = check_changed(p, chg, 16);
	fprintf(f, "  must change: ");
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s%s", i ? ", " : "", check_changed_text(chg[i]));
	fprintf(f, "%s\n", n ? "" : "nothing");
}

static void check_text_customers(FILE *f, const struct check_counts *k)
{
	fprintf(f, "\nCustomers: %zu (ja %zu, en %zu); %zu get a notice\n", k->total, k->lang[0],
	        k->lang[1], k->notify);
	unsigned idx[256];
	size_t m = k->n_clients <= 256 ? check_client_order(k, idx) : 0;
	for (size_t i = 0; i < m; i++) {
		const struct client_info *ci = &k->all[idx[i]];
		fprintf(f, "  %-26s %6zu%s\n", ci->id, k->by_client[idx[i]],
		        ci->smtp_auth ? "" : "  (no SMTP AUTH)");
	}
}

static void check_text_migration(FILE *f, const struct plan *p)
{
	const struct plan_endpoint *src = &p->migration.source, *dst = &p->migration.destination;
	fprintf(f, "\nMigration\n");
	check_print_endpoint(f, "source", src);
	check_print_endpoint(f, "destination", dst);
	static const char *const uidl_text[] = {
		[PLAN_UIDL_PRESERVE] = "old UIDLs kept in an X-UIDL header (destination: pop3_reuse_xuidl = yes)",
		[PLAN_UIDL_RECORD] = "old UIDL ↔ new message recorded; export with 'cutover uidl'",
		[PLAN_UIDL_NONE] = "not kept: customers who leave mail on the server download it again",
	};
	fprintf(f, "  UIDL         %s: %s\n", plan_uidl_name(p->migration.uidl),
	        uidl_text[p->migration.uidl]);
	fprintf(f, "  workers %d, %d attempts per failure, journal %s\n", p->migration.workers,
	        p->migration.retry.attempts, p->migration.journal ? p->migration.journal : "?");
}

static void check_text_warnings(FILE *f, const struct diag *w)
{
	fprintf(f, "\nWarnings (%zu)\n", w->warnings);
	if (!w->n)
		fprintf(f, "  none\n");
	for (size_t i = 0; i < w->n; i++) {
		const struct diag_item *it = &w->items[i];
		fprintf(f, "  %s", it->file ? it->file : "");
		if (it->line)
			fprintf(f, ":%d", it->line);
		if (it->line && it->col)
			fprintf(f, ":%d", it->col);
		fprintf(f, ": %s\n", it->msg);
	}
}

static void check_print_text(FILE *f, const struct plan *p, const char *path, const struct diag *w,
                             const struct check_counts *k)
{
	const char *company = plan_text_any(p, &p->operator_.company);
	const char *service = plan_text_any(p, &p->operator_.service);
	fprintf(f, "Plan %s (%s): valid, %zu warning%s\n", p->name ? p->name : "?", path, w->warnings,
	        w->warnings == 1 ? "" : "s");
	if (company || service)
		fprintf(f, "Operator: %s%s%s%s%s%s\n", company ? company : "",
		        company && service ? " — " : "", service ? service : "",
		        p->operator_.support_email ? " <" : "",
		        p->operator_.support_email ? p->operator_.support_email : "",
		        p->operator_.support_email ? ">" : "");
	check_text_window(f, p);
	check_text_changes(f, p);
	check_text_customers(f, k);
	struct err re;
	err_clear(&re);
	if (records_print_redownload(f, p, &re) < 0 || records_print_notes(f, p, &re) < 0)
		fprintf(f, "  (cannot say: %s)\n", re.msg);
	check_text_migration(f, p);
	check_text_warnings(f, w);
}

/* ---- JSON output (keys: docs/json.md) ---- */

static json_t *check_json_time(const struct plan *p, const struct plan_time *t)
{
	char rfc[40], local[48];
	struct check_local l;
	if (!t->t)
		return json_null();
	check_localtime(p, t, &l);
	check_fmt_day_time(&l, local, sizeof local);
	return json_pack("{s:s, s:s, s:s, s:I}", "rfc3339", plan_time_format(t, rfc, sizeof rfc),
	                 "local", local, "zone", l.zone, "unix", (json_int_t)t->t);
}

static json_t *check_json_service(const struct plan_service *s, bool incoming)
{
	json_t *o = json_pack("{s:s?, s:s, s:i, s:s}", "host", s->host, "protocol",
	                      plan_proto_name(s->proto), "port", s->port, "tls", plan_tls_name(s->tls));
	if (!o)
		return NULL;
	if (incoming) {
		json_object_set_new(o, "auth", json_string(plan_auth_name(s->auth)));
	} else {
		json_object_set_new(o, "auth", json_string(plan_smtp_auth_name(s->smtp_auth)));
		if (s->smtp_auth == PLAN_SMTP_POP_BEFORE_SMTP)
			json_object_set_new(o, "relay_minutes", json_integer(s->relay_minutes));
	}
	return o;
}

static json_t *check_json_endpoint(const struct plan_endpoint *e)
{
	return json_pack("{s:s, s:s?, s:i, s:s, s:b, s:s, s:s?}", "protocol", plan_proto_name(e->proto),
	                 "host", e->host, "port", e->port, "tls", plan_tls_name(e->tls), "tls_verify",
	                 e->tls_verify, "auth", plan_auth_name(e->auth), "master_user", e->master_user);
}

static json_t *check_json(const struct plan *p, const char *path, const struct diag *w,
                          const struct check_counts *k)
{
	char line[256];
	const struct plan_services *s = &p->services;
	json_t *root = jsondoc_new("check"), *a;
	if (!root)
		return NULL;
	json_object_set_new(root, "plan", p->name ? json_string(p->name) : json_null());
	json_object_set_new(root, "plan_file", json_string(path));
	json_object_set_new(root, "plan_version", json_integer(p->version));
	json_object_set_new(root, "valid", json_true());

	check_window_line(p, line, sizeof line);
	json_t *win = json_pack("{s:s?, s:o, s:o, s:o, s:I, s:s, s:s?, s:s?}", "timezone", p->timezone,
	                        "start", check_json_time(p, &p->window.start), "end",
	                        check_json_time(p, &p->window.end), "unstable_until",
	                        check_json_time(p, &p->window.unstable_until), "duration_minutes",
	                        (json_int_t)((p->window.end.t - p->window.start.t) / 60), "text", line,
	                        "reason", plan_text_any(p, &p->window.reason), "affected",
	                        plan_text_any(p, &p->window.affected));
	if (win && p->window.old_servers_until.y) {
		char d[16];
		snprintf(d, sizeof d, "%04d-%02d-%02d", p->window.old_servers_until.y,
		         p->window.old_servers_until.m, p->window.old_servers_until.d);
		json_object_set_new(win, "old_servers_until", json_string(d));
	} else if (win) {
		json_object_set_new(win, "old_servers_until", json_null());
	}
	json_object_set_new(root, "window", win);

	json_t *in_after = json_array(), *out_after = json_array(), *must = json_array();
	for (size_t i = 0; i < s->n_incoming_after; i++)
		json_array_append_new(in_after, check_json_service(&s->incoming_after[i], true));
	for (size_t i = 0; i < s->n_outgoing_after; i++)
		json_array_append_new(out_after, check_json_service(&s->outgoing_after[i], false));
	const char *chg[16];
	size_t n = check_changed(p, chg, 16);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(must, json_string(chg[i]));
	json_object_set_new(root, "changes", json_pack(
		"{s:{s:o, s:o}, s:{s:o, s:o}, s:{s:s, s:s}, s:b, s:o}",
		"incoming", "before", check_json_service(&s->incoming_before, true), "after", in_after,
		"outgoing", "before", check_json_service(&s->outgoing_before, false), "after", out_after,
		"login", "before", s->username_before == PLAN_USERNAME_EMAIL ? "email-address" : "local-part",
		"after", s->username_after == PLAN_USERNAME_EMAIL ? "email-address" : "local-part",
		"keep_old_names", s->keep_old_names, "must_change", must));

	json_t *by_client = json_object();
	for (unsigned i = 0; i < k->n_clients; i++)
		if (k->by_client[i])
			json_object_set_new(by_client, k->all[i].id, json_integer((json_int_t)k->by_client[i]));
	json_object_set_new(root, "totals", json_pack(
		"{s:I, s:I, s:{s:I, s:I}, s:o}", "customers", (json_int_t)k->total, "notify",
		(json_int_t)k->notify, "by_language", "ja", (json_int_t)k->lang[0], "en",
		(json_int_t)k->lang[1], "by_client", by_client));

	json_object_set_new(root, "migration", json_pack(
		"{s:o, s:o, s:s, s:i, s:s?}", "source", check_json_endpoint(&p->migration.source),
		"destination", check_json_endpoint(&p->migration.destination), "uidl",
		plan_uidl_name(p->migration.uidl), "workers", p->migration.workers, "journal",
		p->migration.journal));


	/* The same records `notices --format json` exports: one instruction per customer. */
	struct err re;
	err_clear(&re);
	json_object_set_new(root, "customers", jsondoc_customers(records_json(p, NULL, 0, &re)));

	a = json_array();
	for (size_t i = 0; i < w->n; i++) {
		const struct diag_item *it = &w->items[i];
		json_array_append_new(a, json_pack("{s:s?, s:i, s:i, s:s}", "file", it->file, "line",
		                                   it->line, "col", it->col, "message", it->msg));
	}
	json_object_set_new(root, "warnings", a);
	return root;
}

/* Every template the plan's documents use, rendered now (notices/tcheck.c). */
static size_t check_templates(const struct plan *p, struct diag *w)
{
	char tdir[4096];
	struct err te;
	struct render_opts o = { tdir, 0, NULL };
	err_clear(&te);
	if (tdir_find(tdir, sizeof tdir, NULL, p, &te) < 0) {
		diag_add(w, DIAG_ERROR, "templates", 0, 0, "error: %s", te.msg);
		return 1;
	}
	o.now = when_now();
	return tcheck_templates(&o, p, w);
}

struct check_opts {
	bool json;
};

static const struct opt_spec check_opts[] = {
	OPT_BIND_FLAG("json", 0, struct check_opts, json, "print the summary as JSON (docs/json.md)"),
};

static int check_exec(const struct cmd_ctx *ctx, struct err *e)
{
	const struct check_opts *o = ctx->opts;
	struct plan *p = ctx->plan;
	/* The loader's warnings (an unknown mail program …) join plan_warn's in the summary,
	 * so the text and the JSON hold every doubt, in file order. */
	struct diag *w = ctx->warnings;
	struct check_counts k;
	plan_warn(p, w);
	plan_warn_past(p, when_now(), w);
	size_t bad_templates = check_templates(p, w);
	diag_sort(w);
	int rc = EX_OK;
	if (check_count(p, &k) < 0) {
		err_set(e, ERR_NOMEM, "out of memory");
		rc = cmd_exit_for(e);
	} else if (o->json) {
		json_t *j = check_json(p, ctx->plan_path, w, &k);
		if (jsondoc_dump(j, stdout) < 0) {
			err_set(e, ERR_NOMEM, "cannot build the JSON summary");
			rc = cmd_exit_for(e);
		}
		json_decref(j);
	} else if (!ctx->common->quiet) {
		check_print_text(stdout, p, ctx->plan_path, w, &k);
	}
	if (rc == EX_OK && bad_templates) {
		for (size_t i = 0; ctx->common->quiet && i < w->n; i++)
			if (w->items[i].sev == DIAG_ERROR)
				fprintf(stderr, "cutover check: %s: %s\n", w->items[i].file, w->items[i].msg);
		err_set(e, ERR_DATA, "%zu template%s cannot be rendered (listed above)", bad_templates,
		        bad_templates == 1 ? "" : "s");
		rc = cmd_exit_for(e);
	}
	if (rc == EX_OK && fflush(stdout) != 0) {
		err_set(e, ERR_IO, "cannot write the summary");
		rc = cmd_exit_for(e);
	}
	free(k.by_client);
	return rc;
}

const struct cmd_entry cmd_check_entry = {
	.name = "check",
	.summary = "validate a plan; print what changes for customers",
	.usage = "PLAN [--json]",
	.description =
		"Loads the plan and its customer CSV and reports every error as file:line:col\n"
		"(exit 65). A valid plan gives a summary for the support lead: the window in the\n"
		"plan's time zone, what customers must change in their mail programs (before →\n"
		"after), customers by language and mail program, how the mail is migrated, and\n"
		"warnings (passwords in clear, SMTP AUTH only on port 25, programs that cannot do\n"
		"SMTP AUTH, UIDLs not kept, server renames that make clients download everything\n"
		"again …). Warnings do not change the exit status (0). With --quiet only errors are\n"
		"printed: the exit status says whether the plan is valid.\n"
		"Mail program ids for the CSV's client column: outlook-express-6, outlook-express-5,\n"
		"outlook-express-5.02-mac, outlook (98 to 2007), windows-live-mail, thunderbird,\n"
		"netscape-7, netscape-6, becky-2, eudora-5, eudora-5.1j, apple-mail, ios-mail,\n"
		"android-gmail, entourage-x, al-mail, al-mail-1.12, edmax, datula, shuriken, denshin-8,\n"
		"postpet, generic (free text such as \"Outlook Express 6.0\" or \"Becky! Ver.2\" is\n"
		"recognised too).",
	.opts = check_opts,
	.n_opts = sizeof check_opts / sizeof check_opts[0],
	.opts_size = sizeof(struct check_opts),
	.min_pos = 1,
	.max_pos = 1,
	.needs = { CMD_PLAN_KEEP_WARNINGS, CMD_JOURNAL_NONE, CMD_CUSTOMERS_NONE, CMD_LOGINS_NONE },
	.exec = check_exec,
};
