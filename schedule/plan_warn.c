/* plan_warn: doubts about a plan that loads, each at the key or row it is about. The
 * reasons come from the seed notices (seeds/README.md) and research/mission-anchors.md. */
#include "schedule/plan_warn.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "schedule/clients.h"
#include "schedule/plan_config.h"

#define PW_IDS_SHOWN 5   /* customer ids named in one warning; the rest are counted */

static void pw_add(struct diag *d, const struct plan_pos *pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void pw_add(struct diag *d, const struct plan_pos *pos, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	diag_add(d, DIAG_WARNING, pos->file, pos->line, pos->col, "%s", msg);
}

static bool pw_clear_auth(enum plan_auth a)
{
	return a == PLAN_AUTH_USER || a == PLAN_AUTH_PLAIN;
}

/* What customers' programs send in clear once they follow the notice. */
static void pw_services(const struct plan *p, struct diag *d)
{
	const struct plan_services *s = &p->services;
	for (size_t i = 0; i < s->n_incoming_after; i++) {
		const struct plan_service *v = &s->incoming_after[i];
		if (v->tls == PLAN_TLS_NONE && pw_clear_auth(v->auth))
			pw_add(d, &v->pos, "services.incoming.after: %s %s port %d with tls: none and auth: %s "
			       "sends customers' passwords over the network in clear; offer tls: starttls "
			       "or tls (or auth: apop / cram-md5)", v->host ? v->host : "?",
			       plan_proto_name(v->proto), v->port, plan_auth_name(v->auth));
	}
	bool auth_elsewhere = false;
	const struct plan_service *auth25 = NULL;
	for (size_t i = 0; i < s->n_outgoing_after; i++) {
		const struct plan_service *v = &s->outgoing_after[i];
		if (v->smtp_auth != PLAN_SMTP_AUTH)
			continue;
		if (v->tls == PLAN_TLS_NONE)
			pw_add(d, &v->pos, "services.outgoing.after: SMTP AUTH on %s port %d with tls: none "
			       "sends customers' passwords in clear (AUTH PLAIN/LOGIN); offer starttls",
			       v->host ? v->host : "?", v->port);
		if (v->port == 25) {
			if (!auth25)
				auth25 = v;
		} else {
			auth_elsewhere = true;
		}
	}
	/* 117net (seeds/003) moved to 587 because of Outbound Port 25 Blocking: customers on
	 * networks that block 25 cannot reach an SMTP AUTH server that listens only there. */
	if (auth25 && !auth_elsewhere)
		pw_add(d, &auth25->pos, "services.outgoing.after: SMTP AUTH is offered only on port 25; "
		       "customers whose access provider blocks outbound port 25 cannot send; offer "
		       "port 587 (submission) as well");
}

static void pw_endpoint(const struct plan *p, struct diag *d, const char *key,
                        const struct plan_endpoint *ep)
{
	if (!ep->host)
		return;
	bool local = plan_host_is_loopback(p, ep->host);
	if (ep->tls != PLAN_TLS_NONE && !ep->tls_verify)
		pw_add(d, &ep->pos, "%s: verify: false accepts any certificate for %s; whoever sits "
		       "between us and the server can read every password and mailbox (give ca_file "
		       "for a private CA instead)", key, ep->host);
	if (ep->tls != PLAN_TLS_NONE || local)
		return;
	/* A master password opens every mailbox: worse than one customer's password. */
	if (ep->master_user)
		pw_add(d, &ep->pos, "%s: the master user '%s' logs in to %s without TLS; its password "
		       "opens every mailbox and crosses the network in clear (use tls: starttls or tls)",
		       key, ep->master_user, ep->host);
	else if (ep->proto != PLAN_PROTO_SMTP && pw_clear_auth(ep->auth))
		pw_add(d, &ep->pos, "%s: auth: %s over tls: none to %s sends every customer's password "
		       "in clear during the migration", key, plan_auth_name(ep->auth), ep->host);
}

static const struct client_info *pw_client(const struct plan_customer *c)
{
	const struct client_info *ci = c->client ? clients_lookup(c->client) : NULL;
	if (!ci && c->client_raw)
		ci = clients_lookup(c->client_raw);
	return ci ? ci : clients_generic();
}

/* A set of customers collected for one warning: the first row, a few ids, a count. */
struct pw_group {
	const struct plan_customer *first;
	char ids[256];
	size_t n;
};

static void pw_group_add(struct pw_group *g, const struct plan_customer *c)
{
	if (!g->first)
		g->first = c;
	if (g->n < PW_IDS_SHOWN) {
		size_t l = strlen(g->ids);
		snprintf(g->ids + l, sizeof g->ids - l, "%s%s", l ? ", " : "", c->id ? c->id : "?");
	}
	g->n++;
}

/* "3 customers (c001, c002, c003)" / "12 customers (c001, …, and 7 more)" */
static const char *pw_group_text(const struct pw_group *g, char *buf, size_t size)
{
	if (g->n > PW_IDS_SHOWN)
		snprintf(buf, size, "%zu customers (%s and %zu more)", g->n, g->ids, g->n - PW_IDS_SHOWN);
	else
		snprintf(buf, size, "%zu customer%s (%s)", g->n, g->n == 1 ? "" : "s", g->ids);
	return buf;
}

static const char *pw_verb(const struct pw_group *g)
{
	return g->n == 1 ? "uses" : "use";
}

static void pw_sending(const struct plan *p, struct diag *d)
{
	const struct plan_services *s = &p->services;
	bool auth = false, other = false, apop = false, auth_587_only = true;
	for (size_t i = 0; i < s->n_outgoing_after; i++) {
		if (s->outgoing_after[i].smtp_auth == PLAN_SMTP_AUTH) {
			auth = true;
			if (s->outgoing_after[i].port == 25)
				auth_587_only = false;
		} else {
			other = true;
		}
	}
	for (size_t i = 0; i < s->n_incoming_after; i++)
		if (s->incoming_after[i].auth == PLAN_AUTH_APOP)
			apop = true;
	if (!auth)
		return;

	struct pw_group no_auth = { 0 }, no_port = { 0 }, apop_conflict = { 0 }, full_login = { 0 };
	for (size_t i = 0; i < p->n_customers; i++) {
		const struct plan_customer *c = &p->customers[i];
		const struct client_info *ci = pw_client(c);
		if (!ci->smtp_auth && !other)
			pw_group_add(&no_auth, c);
		else if (ci->smtp_auth && !ci->submission_587 && auth_587_only && !other)
			pw_group_add(&no_port, c);
		if (ci->smtp_auth && !ci->smtp_auth_with_apop && apop)
			pw_group_add(&apop_conflict, c);
		if (ci->needs_full_address_login && s->username_after == PLAN_USERNAME_LOCAL_PART &&
		    !s->full_address_accepted)
			pw_group_add(&full_login, c);
	}
	char who[320];
	if (no_auth.n)
		pw_add(d, &no_auth.first->pos, "%s %s a mail program that cannot do SMTP AUTH, and "
		       "services.outgoing.after offers only SMTP AUTH: they will not be able to send "
		       "(offer pop-before-smtp as Infonia did, or tell them to upgrade)",
		       pw_group_text(&no_auth, who, sizeof who), pw_verb(&no_auth));
	if (no_port.n)
		pw_add(d, &no_port.first->pos, "%s %s a mail program that cannot change the outgoing "
		       "port, and SMTP AUTH is offered only on other ports than 25",
		       pw_group_text(&no_port, who, sizeof who), pw_verb(&no_port));
	/* Infonia table, note 2: Eudora 5.1J cannot use SMTP AUTH while POP uses APOP. */
	if (apop_conflict.n)
		pw_add(d, &apop_conflict.first->pos, "%s %s a mail program that cannot use SMTP AUTH "
		       "while receiving with APOP (Infonia note 2, e.g. Eudora 5.1J); their notice must "
		       "say to switch POP authentication to plain, or to send with POP before SMTP",
		       pw_group_text(&apop_conflict, who, sizeof who), pw_verb(&apop_conflict));
	/* Infonia table, note 1: these programs log in to SMTP AUTH with the full address. */
	if (full_login.n)
		pw_add(d, &full_login.first->pos, "%s %s a mail program that logs in to SMTP AUTH with "
		       "the full e-mail address (Infonia note 1), but services.username.after is "
		       "local-part: if the servers accept user@domain as a login name, say "
		       "services.username.full_address_accepted: true; otherwise their notice sends "
		       "them to POP before SMTP where the plan offers it",
		       pw_group_text(&full_login, who, sizeof who), pw_verb(&full_login));
}

/* Mozilla mail, Outlook Express and Outlook keep the list of downloaded UIDLs per server
 * name and login (mission-anchors §6): even with perfectly preserved UIDLs, a renamed
 * POP server or login name starts an empty list and every message left on the server is
 * fetched again. */
static void pw_client_state(const struct plan *p, struct diag *d)
{
	const struct plan_services *s = &p->services;
	const struct plan_service *before = &s->incoming_before, *renamed = NULL;
	if (p->migration.uidl == PLAN_UIDL_NONE)
		return;   /* everyone re-downloads anyway; pw_uidl says so */
	if (before->proto != PLAN_PROTO_POP3 || !before->host)
		return;
	for (size_t i = 0; i < s->n_incoming_after && !renamed; i++) {
		const struct plan_service *a = &s->incoming_after[i];
		if (a->proto == PLAN_PROTO_POP3 && a->host && strcasecmp(a->host, before->host) != 0)
			renamed = a;
	}
	bool host_change = renamed && !s->keep_old_names;
	bool login_change = s->username_before != s->username_after;
	if (!host_change && !login_change)
		return;
	struct pw_group g = { 0 };
	for (size_t i = 0; i < p->n_customers; i++)
		if (pw_client(&p->customers[i])->pop3_state_by_host)
			pw_group_add(&g, &p->customers[i]);
	if (!g.n)
		return;
	char who[320];
	pw_group_text(&g, who, sizeof who);
	if (host_change)
		pw_add(d, &renamed->pos, "the POP3 server is renamed (%s → %s) and %s %s mail programs "
		       "that remember downloaded messages per server name and login (Thunderbird, "
		       "Outlook Express, Outlook): those who leave mail on the server will download it "
		       "all again despite preserved UIDLs; keep the old name as an alias of the new "
		       "server (services.keep_old_names: true and a DNS CNAME) so they need not change it",
		       before->host, renamed->host, who, pw_verb(&g));
	if (login_change)
		pw_add(d, &before->pos, "the login name changes (%s → %s) and %s %s mail programs that "
		       "remember downloaded messages per server name and login: those who leave mail "
		       "on the server will download it all again; let the new server accept the old "
		       "login name as well, or warn them in the notice",
		       s->username_before == PLAN_USERNAME_EMAIL ? "full address" : "local part",
		       s->username_after == PLAN_USERNAME_EMAIL ? "full address" : "local part", who, pw_verb(&g));
}

static void pw_uidl(const struct plan *p, struct diag *d)
{
	const struct plan_endpoint *src = &p->migration.source;
	if (p->migration.uidl != PLAN_UIDL_NONE || src->proto != PLAN_PROTO_POP3)
		return;
	/* The position of the `uidl:` key itself is not kept; the source is what it is about. */
	pw_add(d, &src->pos, "migration.uidl: none: the new server gives every message a new "
	       "UIDL, so every customer who leaves mail on the server downloads all of it again "
	       "at the first access (BeToMail and Infonia warned of this in 2002); use preserve "
	       "(X-UIDL header, Dovecot pop3_reuse_xuidl = yes) or record (export with 'cutover "
	       "uidl'); 'cutover dry-run' says how many messages and bytes per customer");
}

static void pw_window(const struct plan *p, struct diag *d)
{
	const struct plan_service *in = &p->services.incoming_before;
	/* Infonia kept SMTP AUTH running during the window; a plan with old_servers_until
	 * unset and a host rename strands customers who have not read the notice. */
	if (p->window.old_servers_until.y == 0 && !p->services.keep_old_names && in->host) {
		for (size_t i = 0; i < p->services.n_incoming_after; i++) {
			const struct plan_service *a = &p->services.incoming_after[i];
			if (a->host && strcasecmp(a->host, in->host) != 0) {
				pw_add(d, &in->pos, "services.incoming.before: %s is replaced and neither "
				       "window.old_servers_until nor services.keep_old_names is set: customers "
				       "who have not changed their settings lose mail access at the window",
				       in->host);
				break;
			}
		}
	}
}

/* A free text the plan lacks in a language its documents are written in: that sentence
 * is left out (operator.company: the documents cannot be written, an error there). */
static void pw_text(const struct plan *p, struct diag *d, const char *key, const struct plan_text *t,
                    const bool used[2], const size_t count[2])
{
	static const char *const names[] = { "Japanese", "English" };
	if (!plan_text_is_set(t))
		return;
	for (int l = 0; l < 2; l++)
		if (used[l] && !plan_text_get(p, t, (enum plan_lang)l))
			pw_add(d, &t->pos, "%s has no %s text: %s documents (%zu customer%s) leave it out%s; "
			       "write %s: { ja: …, en: … }", key, names[l], names[l], count[l],
			       count[l] == 1 ? "" : "s",
			       strcmp(key, "operator.company") == 0 ? " and cannot be written" : "",
			       strncmp(key, "window.notes", 12) == 0 ? "window.notes[]" : key);
}

static void pw_languages(const struct plan *p, struct diag *d)
{
	bool used[2] = { false, false };
	size_t count[2] = { 0, 0 };
	used[p->language] = true;   /* the announcement's default language */
	for (size_t i = 0; i < p->n_customers; i++) {
		used[p->customers[i].lang] = true;
		count[p->customers[i].lang]++;
	}
	pw_text(p, d, "operator.company", &p->operator_.company, used, count);
	pw_text(p, d, "operator.service", &p->operator_.service, used, count);
	pw_text(p, d, "operator.department", &p->operator_.department, used, count);
	pw_text(p, d, "operator.audience", &p->operator_.audience, used, count);
	pw_text(p, d, "operator.support_phone", &p->operator_.support_phone, used, count);
	pw_text(p, d, "operator.support_hours", &p->operator_.support_hours, used, count);
	pw_text(p, d, "window.reason", &p->window.reason, used, count);
	pw_text(p, d, "window.affected", &p->window.affected, used, count);
	for (size_t i = 0; i < p->window.n_notes; i++) {
		char key[40];
		snprintf(key, sizeof key, "window.notes[%zu]", i);
		pw_text(p, d, key, &p->window.notes[i], used, count);
	}
}

void plan_warn_past(const struct plan *p, time_t now, struct diag *d)
{
	if (p->window.end.t && p->window.end.t < now)
		pw_add(d, &p->window.end.pos, "window.end is in the past: the announcement and the "
		       "notices would announce work that is over");
	else if (p->window.announce_by.t && p->window.announce_by.t < now)
		pw_add(d, &p->window.announce_by.pos, "window.announce_by is in the past: the "
		       "announcement is late, and documents are dated that day");
}

void plan_warn(const struct plan *p, struct diag *d)
{
	pw_languages(p, d);
	pw_services(p, d);
	pw_endpoint(p, d, "migration.source", &p->migration.source);
	pw_endpoint(p, d, "migration.destination", &p->migration.destination);
	if (p->notices.send.host)
		pw_endpoint(p, d, "notices.send", &p->notices.send);
	pw_uidl(p, d);
	pw_client_state(p, d);
	pw_sending(p, d);
	pw_window(p, d);
	/* Not an error here: check may run where the passwords are not (run, dry-run and verify
	 * stop with exit 78 on the same findings). */
	plan_config_secrets(p, NULL, NULL, DIAG_WARNING, d);
}
