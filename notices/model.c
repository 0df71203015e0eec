/* model: turn the plan (and a customer) into template variables. */
#include "notices/model.h"

#include <stdlib.h>
#include <string.h>

#include "notices/when.h"

#define SET(n, v) do { if (tmpl_dict_set(d, (n), (v)) < 0) goto nomem; } while (0)
#define FLAG(n, v) do { if (tmpl_dict_flag(d, (n), (v)) < 0) goto nomem; } while (0)
#define SETF(n, ...) do { if (tmpl_dict_setf(d, (n), __VA_ARGS__) < 0) goto nomem; } while (0)

const char *model_domain(const char *email)
{
	const char *at = email ? strrchr(email, '@') : NULL;
	return at ? at + 1 : "";
}

static const char *model_tls_text(enum plan_tls t, enum plan_lang lang)
{
	switch (t) {
	case PLAN_TLS_STARTTLS: return "STARTTLS";
	case PLAN_TLS_IMPLICIT: return "SSL/TLS";
	case PLAN_TLS_NONE: break;
	}
	return lang == PLAN_LANG_JA ? "なし" : "none";
}

static const char *model_proto_text(enum plan_proto p)
{
	return p == PLAN_PROTO_IMAP ? "IMAP4" : p == PLAN_PROTO_POP3 ? "POP3" : "SMTP";
}

static const char *model_in_auth_text(enum plan_auth a, enum plan_lang lang)
{
	bool ja = lang == PLAN_LANG_JA;
	switch (a) {
	case PLAN_AUTH_APOP: return "APOP";
	case PLAN_AUTH_CRAM_MD5: return ja ? "暗号化されたパスワード(CRAM-MD5)" : "encrypted password (CRAM-MD5)";
	case PLAN_AUTH_USER:
	case PLAN_AUTH_PLAIN: break;
	}
	return ja ? "通常のパスワード" : "normal password";
}

static const char *model_out_auth_text(enum plan_smtp_auth a, enum plan_lang lang)
{
	bool ja = lang == PLAN_LANG_JA;
	switch (a) {
	case PLAN_SMTP_AUTH: return ja ? "SMTP AUTH(送信時にユーザー名とパスワードで認証)" : "SMTP AUTH (user name and password when sending)";
	case PLAN_SMTP_POP_BEFORE_SMTP: return ja ? "POP before SMTP(送信の前に受信)" : "POP before SMTP (check mail before sending)";
	case PLAN_SMTP_NONE: break;
	}
	return ja ? "認証なし" : "no authentication";
}

static int model_join(struct buf *b, char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (buf_printf(b, "%s%s", i ? ", " : "", v[i]) < 0)
			return -1;
	return 0;
}

/* One server as a list item: host, protocol, port, TLS, authentication, addresses. */
static int model_service(struct tmpl_dict *d, const struct plan_service *s, bool outgoing,
                         enum plan_lang lang)
{
	struct buf b = BUF_INIT;
	if (model_join(&b, s->addresses, s->n_addresses) < 0)
		goto nomem;
	SET("host", s->host);
	SET("protocol", model_proto_text(outgoing ? PLAN_PROTO_SMTP : s->proto));
	SETF("port", "%d", s->port);
	SET("tls", model_tls_text(s->tls, lang));
	FLAG("tls_on", s->tls != PLAN_TLS_NONE);
	FLAG("tls_implicit", s->tls == PLAN_TLS_IMPLICIT);
	SET("auth", outgoing ? model_out_auth_text(s->smtp_auth, lang) : model_in_auth_text(s->auth, lang));
	FLAG("is_pop3", !outgoing && s->proto == PLAN_PROTO_POP3);
	FLAG("is_imap", !outgoing && s->proto == PLAN_PROTO_IMAP);
	FLAG("is_smtp_auth", outgoing && s->smtp_auth == PLAN_SMTP_AUTH);
	FLAG("is_pop_before_smtp", outgoing && s->smtp_auth == PLAN_SMTP_POP_BEFORE_SMTP);
	FLAG("is_submission", outgoing && s->port == 587);
	SETF("relay_minutes", "%d", s->relay_minutes ? s->relay_minutes : 10);
	SET("addresses", b.data ? b.data : "");
	FLAG("has_addresses", s->n_addresses > 0);
	/* Spellings of the client configuration formats (autoconfig, Autodiscover, Apple). */
	SET("xml_type", outgoing ? "smtp" : s->proto == PLAN_PROTO_IMAP ? "imap" : "pop3");
	SET("ad_type", outgoing ? "SMTP" : s->proto == PLAN_PROTO_IMAP ? "IMAP" : "POP3");
	SET("socket_type", s->tls == PLAN_TLS_IMPLICIT ? "SSL" : s->tls == PLAN_TLS_STARTTLS ? "STARTTLS" : "plain");
	SET("ad_encryption", s->tls == PLAN_TLS_IMPLICIT ? "SSL" : s->tls == PLAN_TLS_STARTTLS ? "TLS" : "None");
	SET("ssl_bool", s->tls != PLAN_TLS_NONE ? "true" : "false");
	if (outgoing) {
		SET("tb_auth", s->smtp_auth == PLAN_SMTP_AUTH ? "password-cleartext"
		               : s->smtp_auth == PLAN_SMTP_POP_BEFORE_SMTP ? "smtp-after-pop" : "none");
		SET("apple_auth", s->smtp_auth == PLAN_SMTP_AUTH ? "EmailAuthPassword" : "EmailAuthNone");
		FLAG("auth_required", s->smtp_auth == PLAN_SMTP_AUTH);
	} else {
		SET("tb_auth", s->auth == PLAN_AUTH_CRAM_MD5 || s->auth == PLAN_AUTH_APOP ? "password-encrypted"
		                                                                        : "password-cleartext");
		SET("apple_auth", s->auth == PLAN_AUTH_CRAM_MD5 ? "EmailAuthCRAMMD5" : "EmailAuthPassword");
		FLAG("auth_required", true);
	}
	buf_release(&b);
	return 0;
nomem:
	buf_release(&b);
	return -1;
}

static int model_srv_add(struct tmpl_dict *top, const char *service, int prio, int port,
                         const char *host)
{
	struct tmpl_dict *d = tmpl_dict_list_add(top, "srv");
	if (!d)
		goto nomem;
	SET("name", service);
	SETF("priority", "%d", prio);
	SETF("weight", "%d", host ? 1 : 0);
	SETF("port", "%d", host ? port : 0);
	SETF("target", "%s.", host ? host : "");
	return 0;
nomem:
	return -1;
}

/* RFC 6186 (and RFC 8314 _submissions): one record per offered service in the plan's
 * order of preference; "." (not offered) for the mail services the plan does not run. */
static int model_srv(struct tmpl_dict *d, const struct plan_services *sv)
{
	static const char *const names[] = { "_submission", "_submissions", "_imap", "_imaps",
	                                     "_pop3", "_pop3s" };
	if (tmpl_dict_list(d, "srv") < 0)
		return -1;
	for (size_t n = 0; n < sizeof names / sizeof names[0]; n++) {
		int found = 0;
		const struct plan_service *list = n < 2 ? sv->outgoing_after : sv->incoming_after;
		size_t cnt = n < 2 ? sv->n_outgoing_after : sv->n_incoming_after;
		bool implicit = n % 2 == 1;
		for (size_t i = 0; i < cnt; i++) {
			const struct plan_service *s = &list[i];
			bool match = (s->tls == PLAN_TLS_IMPLICIT) == implicit;
			if (n < 2)
				match = match && s->smtp_auth == PLAN_SMTP_AUTH;
			else if (n < 4)
				match = match && s->proto == PLAN_PROTO_IMAP;
			else
				match = match && s->proto == PLAN_PROTO_POP3;
			if (match && model_srv_add(d, names[n], found++ * 10, s->port, s->host) < 0)
				return -1;
		}
		if (!found && model_srv_add(d, names[n], 0, 0, NULL) < 0)
			return -1;
	}
	return 0;
}

static int model_when(struct tmpl_dict *d, const char *name, const struct plan *p, time_t t,
                      enum plan_lang lang, enum when_style st)
{
	struct buf b = BUF_INIT;
	int rc = -1;
	if (t && when_append(&b, t, p->timezone, lang, st) < 0)
		goto out;
	rc = tmpl_dict_set(d, name, b.data ? b.data : "");
out:
	buf_release(&b);
	return rc;
}

/* "A〜B" (ja) or "from A to B" (en); B only as a time when on the same day as A. */
static int model_span(struct tmpl_dict *d, const char *name, const struct plan *p, time_t a,
                      time_t b, enum plan_lang lang)
{
	struct buf s = BUF_INIT;
	struct tm ta, tb;
	int rc = -1;
	bool same;
	if (!a || !b || b <= a)
		return tmpl_dict_set(d, name, "");
	if (when_local(a, p->timezone, &ta) < 0 || when_local(b, p->timezone, &tb) < 0)
		goto out;
	same = ta.tm_year == tb.tm_year && ta.tm_yday == tb.tm_yday;
	if (lang == PLAN_LANG_EN && buf_puts(&s, "from ") < 0)
		goto out;
	if (when_append(&s, a, p->timezone, lang, WHEN_DATETIME) < 0 ||
	    buf_puts(&s, lang == PLAN_LANG_JA ? "〜" : " to ") < 0 ||
	    when_append(&s, b, p->timezone, lang, same ? WHEN_TIME : WHEN_DATETIME) < 0)
		goto out;
	if (lang == PLAN_LANG_EN && (buf_puts(&s, " (") < 0 ||
	    when_append_zone(&s, a, p->timezone) < 0 || buf_puts(&s, ")") < 0))
		goto out;
	rc = tmpl_dict_set(d, name, s.data);
out:
	buf_release(&s);
	return rc;
}

static bool model_same_host(const char *a, const char *b)
{
	return a && b && strcasecmp(a, b) == 0;
}

int model_vars_common(struct tmpl_dict *d, const struct plan *p, enum plan_lang lang, time_t now,
                      struct err *e)
{
	const struct plan_services *sv = &p->services;
	bool ja = lang == PLAN_LANG_JA, in_renamed = false, out_renamed = false, port_changed = false;
	bool smtp_auth = false, pbs = false, submission = false, imap = false, addresses = false;
	bool in_tls = false, out_tls = false, auth_new = false;
	const struct plan_service *first_auth = NULL, *first_pbs = NULL;
	struct buf b = BUF_INIT;

	SET("lang", ja ? "ja" : "en");
	SET("charset", "UTF-8");
	SET("plan_name", p->name);
	SET("company", p->operator_.company);
	SET("service", p->operator_.service ? p->operator_.service : p->operator_.company);
	SET("support_email", p->operator_.support_email);
	/* An example address for the account-name change: the customers' domain, not support's. */
	SET("mail_domain", model_domain(p->n_customers ? p->customers[0].email : p->operator_.support_email));
	SET("support_phone", p->operator_.support_phone);
	SET("support_url", p->operator_.support_url);
	SET("support_hours", p->operator_.support_hours);
	if (when_append(&b, now, p->timezone, lang, WHEN_DATE) < 0)
		goto nomem;
	SET("issued", b.data);
	buf_reset(&b);

	if (model_when(d, "window_start", p, p->window.start.t, lang, WHEN_DATETIME) < 0 ||
	    model_when(d, "window_end", p, p->window.end.t, lang, WHEN_DATETIME) < 0 ||
	    model_when(d, "window_end_time", p, p->window.end.t, lang, WHEN_TIME) < 0 ||
	    model_when(d, "unstable_until", p, p->window.unstable_until.t, lang, WHEN_DATETIME) < 0 ||
	    model_when(d, "unstable_until_time", p, p->window.unstable_until.t, lang, WHEN_TIME) < 0)
		goto nomem;
	FLAG("has_unstable", p->window.unstable_until.t > p->window.end.t);
	if (model_span(d, "window_span", p, p->window.start.t, p->window.end.t, lang) < 0 ||
	    model_span(d, "unstable_span", p, p->window.end.t, p->window.unstable_until.t, lang) < 0)
		goto nomem;
	if (tmpl_dict_list(d, "notes") < 0)
		goto nomem;
	for (size_t i = 0; i < p->window.n_notes; i++) {
		struct tmpl_dict *it = tmpl_dict_list_add(d, "notes");
		if (!it || tmpl_dict_set(it, "text", p->window.notes[i]) < 0)
			goto nomem;
	}
	if (when_append_zone(&b, p->window.start.t, p->timezone) < 0)
		goto nomem;
	SET("zone", b.data);
	buf_reset(&b);
	SET("reason", p->window.reason);
	SET("affected", p->window.affected);
	FLAG("has_old_servers_until", p->window.old_servers_until.y != 0);
	if (p->window.old_servers_until.y &&
	    when_append_date(&b, p->window.old_servers_until.y, p->window.old_servers_until.m,
	                     p->window.old_servers_until.d, lang) < 0)
		goto nomem;
	SET("old_servers_until", b.data ? b.data : "");
	buf_reset(&b);

	SET("incoming_before", sv->incoming_before.host);
	SETF("incoming_before_port", "%d", sv->incoming_before.port);
	SET("outgoing_before", sv->outgoing_before.host);
	SETF("outgoing_before_port", "%d", sv->outgoing_before.port);
	if (tmpl_dict_list(d, "incoming") < 0 || tmpl_dict_list(d, "outgoing") < 0)
		goto nomem;
	for (size_t i = 0; i < sv->n_incoming_after; i++) {
		const struct plan_service *s = &sv->incoming_after[i];
		struct tmpl_dict *it = tmpl_dict_list_add(d, "incoming");
		if (!it || model_service(it, s, false, lang) < 0)
			goto nomem;
		in_renamed |= !model_same_host(s->host, sv->incoming_before.host);
		imap |= s->proto == PLAN_PROTO_IMAP && sv->incoming_before.proto != PLAN_PROTO_IMAP;
		addresses |= s->n_addresses > 0;
		in_tls |= s->tls != PLAN_TLS_NONE;
	}
	for (size_t i = 0; i < sv->n_outgoing_after; i++) {
		const struct plan_service *s = &sv->outgoing_after[i];
		struct tmpl_dict *it = tmpl_dict_list_add(d, "outgoing");
		if (!it || model_service(it, s, true, lang) < 0)
			goto nomem;
		out_renamed |= !model_same_host(s->host, sv->outgoing_before.host);
		port_changed |= s->port != sv->outgoing_before.port;
		smtp_auth |= s->smtp_auth == PLAN_SMTP_AUTH;
		pbs |= s->smtp_auth == PLAN_SMTP_POP_BEFORE_SMTP;
		submission |= s->port == 587;
		addresses |= s->n_addresses > 0;
		out_tls |= s->tls != PLAN_TLS_NONE;
		auth_new |= s->smtp_auth != sv->outgoing_before.smtp_auth;
		if (s->smtp_auth == PLAN_SMTP_AUTH && !first_auth)
			first_auth = s;
		if (s->smtp_auth == PLAN_SMTP_POP_BEFORE_SMTP && !first_pbs)
			first_pbs = s;
	}
	FLAG("incoming_renamed", in_renamed);
	FLAG("outgoing_renamed", out_renamed);
	FLAG("servers_renamed", in_renamed || out_renamed);
	FLAG("outgoing_port_changed", port_changed);
	FLAG("uses_smtp_auth", smtp_auth);
	FLAG("uses_pop_before_smtp", pbs);
	FLAG("uses_both_send_methods", smtp_auth && pbs);
	FLAG("uses_submission", submission);
	FLAG("sending_changes", auth_new);
	FLAG("offers_imap", imap);
	FLAG("has_addresses", addresses);
	if (model_srv(d, sv) < 0)
		goto nomem;
	FLAG("incoming_tls", in_tls);
	FLAG("outgoing_tls", out_tls);
	SET("smtp_auth_host", first_auth ? first_auth->host : "");
	SET("pop_before_smtp_host", first_pbs ? first_pbs->host : "");
	SETF("relay_minutes", "%d", first_pbs && first_pbs->relay_minutes ? first_pbs->relay_minutes : 10);
	FLAG("username_changes", sv->username_before != sv->username_after);
	FLAG("username_is_email", sv->username_after == PLAN_USERNAME_EMAIL);
	FLAG("keep_old_names", sv->keep_old_names);
	FLAG("uidl_lost", p->migration.uidl == PLAN_UIDL_NONE);
	FLAG("anything_changes", in_renamed || out_renamed || port_changed || auth_new ||
	                          sv->username_before != sv->username_after);
	buf_release(&b);
	return 0;
nomem:
	buf_release(&b);
	return err_set(e, ERR_NOMEM, "notices: out of memory");
}

static char *model_login(const char *email, enum plan_username how)
{
	const char *at = strrchr(email, '@');
	if (how == PLAN_USERNAME_EMAIL || !at)
		return strdup(email);
	return strndup(email, (size_t)(at - email));
}

/* The after-service a customer is pointed to: their protocol for incoming; for outgoing
 * SMTP AUTH when their program can do it, else POP before SMTP, else the first one. */
int model_choose(struct model_choice *ch, const struct plan *p, const struct plan_customer *c,
                 const struct client_info *ci, struct err *e)
{
	const struct plan_services *sv = &p->services;
	enum plan_proto want = c->has_source_proto ? c->source_proto : sv->incoming_before.proto;
	memset(ch, 0, sizeof *ch);
	if (!sv->n_incoming_after || !sv->n_outgoing_after)
		return err_set(e, ERR_DATA, "plan: services.incoming.after and services.outgoing.after "
		                            "are needed to write notices");
	ch->in = &sv->incoming_after[0];
	for (size_t i = 0; i < sv->n_incoming_after; i++)
		if (sv->incoming_after[i].proto == want) {
			ch->in = &sv->incoming_after[i];
			break;
		}
	ch->out = NULL;
	for (size_t i = 0; i < sv->n_outgoing_after && !ch->out; i++)
		if (ci->smtp_auth ? sv->outgoing_after[i].smtp_auth == PLAN_SMTP_AUTH
		                  : sv->outgoing_after[i].smtp_auth != PLAN_SMTP_AUTH)
			ch->out = &sv->outgoing_after[i];
	if (!ch->out) {
		ch->out = &sv->outgoing_after[0];
		ch->must_upgrade = !ci->smtp_auth && ch->out->smtp_auth == PLAN_SMTP_AUTH;
	}
	ch->login_before = c->source_login;
	ch->login_after = c->dest_login;
	if (!ch->login_before)
		ch->login_before = ch->own[0] = model_login(c->email, sv->username_before);
	if (!ch->login_after)
		ch->login_after = ch->own[1] = model_login(c->email, sv->username_after);
	if (!ch->login_before || !ch->login_after) {
		model_choice_release(ch);
		return err_set(e, ERR_NOMEM, "notices: out of memory");
	}
	ch->uses_apop = ch->in->auth == PLAN_AUTH_APOP;
	bool in_changed = !model_same_host(ch->in->host, sv->incoming_before.host) ||
	                  ch->in->port != sv->incoming_before.port ||
	                  ch->in->tls != sv->incoming_before.tls ||
	                  ch->in->proto != sv->incoming_before.proto;
	bool login_changed = strcmp(ch->login_before, ch->login_after) != 0;
	bool out_changed = !model_same_host(ch->out->host, sv->outgoing_before.host) ||
	                   ch->out->port != sv->outgoing_before.port ||
	                   ch->out->tls != sv->outgoing_before.tls ||
	                   ch->out->smtp_auth != sv->outgoing_before.smtp_auth;
	ch->redownload_risk = ci->pop3_state_by_host && ch->in->proto == PLAN_PROTO_POP3 &&
	                      (!model_same_host(ch->in->host, sv->incoming_before.host) || login_changed);
	ch->unchanged = !in_changed && !login_changed && !out_changed;
	return 0;
}

void model_choice_release(struct model_choice *ch)
{
	free(ch->own[0]);
	free(ch->own[1]);
	ch->own[0] = ch->own[1] = NULL;
}

int model_vars_customer(struct tmpl_dict *d, const struct plan *p, const struct plan_customer *c,
                        const struct client_info *ci, const struct model_choice *ch,
                        enum plan_lang lang, struct err *e)
{
	const struct plan_services *sv = &p->services;
	bool ja = lang == PLAN_LANG_JA;
	struct tmpl_dict *it;

	SET("customer_id", c->id);
	SET("customer_email", c->email);
	SET("customer_name", c->name && *c->name ? c->name : "");
	FLAG("has_customer_name", c->name && *c->name);
	SET("domain", model_domain(c->email));
	SET("login_before", ch->login_before);
	SET("login_after", ch->login_after);
	FLAG("login_changed", strcmp(ch->login_before, ch->login_after) != 0);
	SET("client_id", ci->id);
	SET("client_name", ja ? ci->name_ja : ci->name_en);
	SET("client_notes", (ja ? ci->notes_ja : ci->notes_en) ? (ja ? ci->notes_ja : ci->notes_en) : "");
	FLAG("client_generic", strcmp(ci->id, "generic") == 0);
	FLAG("client_smtp_auth", ci->smtp_auth);
	FLAG("client_full_address_login", ci->needs_full_address_login);
	FLAG("client_imap", ci->imap);

	/* The chosen servers as `in` and `out`, with the same fields as list items. */
	if (tmpl_dict_list(d, "in") < 0 || tmpl_dict_list(d, "out") < 0)
		goto nomem;
	if (!(it = tmpl_dict_list_add(d, "in")) || model_service(it, ch->in, false, lang) < 0)
		goto nomem;
	if (!(it = tmpl_dict_list_add(d, "out")) || model_service(it, ch->out, true, lang) < 0)
		goto nomem;
	/* For the configuration files: every server, the customer's own choice first. */
	if (tmpl_dict_list(d, "servers_in") < 0 || tmpl_dict_list(d, "servers_out") < 0)
		goto nomem;
	if (!(it = tmpl_dict_list_add(d, "servers_in")) || model_service(it, ch->in, false, lang) < 0)
		goto nomem;
	for (size_t i = 0; i < sv->n_incoming_after; i++)
		if (&sv->incoming_after[i] != ch->in &&
		    (!(it = tmpl_dict_list_add(d, "servers_in")) ||
		     model_service(it, &sv->incoming_after[i], false, lang) < 0))
			goto nomem;
	if (!(it = tmpl_dict_list_add(d, "servers_out")) || model_service(it, ch->out, true, lang) < 0)
		goto nomem;
	for (size_t i = 0; i < sv->n_outgoing_after; i++)
		if (&sv->outgoing_after[i] != ch->out &&
		    (!(it = tmpl_dict_list_add(d, "servers_out")) ||
		     model_service(it, &sv->outgoing_after[i], true, lang) < 0))
			goto nomem;
	SET("in_host", ch->in->host);
	SETF("in_port", "%d", ch->in->port);
	SET("in_protocol", model_proto_text(ch->in->proto));
	FLAG("in_is_pop3", ch->in->proto == PLAN_PROTO_POP3);
	FLAG("in_is_imap", ch->in->proto == PLAN_PROTO_IMAP);
	SET("in_tls", model_tls_text(ch->in->tls, lang));
	FLAG("in_tls_on", ch->in->tls != PLAN_TLS_NONE);
	FLAG("in_tls_implicit", ch->in->tls == PLAN_TLS_IMPLICIT);
	SET("in_auth", model_in_auth_text(ch->in->auth, lang));
	FLAG("in_host_changed", !model_same_host(ch->in->host, sv->incoming_before.host));
	FLAG("in_port_changed", ch->in->port != sv->incoming_before.port);
	SET("out_host", ch->out->host);
	SETF("out_port", "%d", ch->out->port);
	SET("out_tls", model_tls_text(ch->out->tls, lang));
	FLAG("out_tls_on", ch->out->tls != PLAN_TLS_NONE);
	FLAG("out_tls_implicit", ch->out->tls == PLAN_TLS_IMPLICIT);
	SET("out_auth", model_out_auth_text(ch->out->smtp_auth, lang));
	FLAG("out_is_smtp_auth", ch->out->smtp_auth == PLAN_SMTP_AUTH);
	FLAG("out_is_pop_before_smtp", ch->out->smtp_auth == PLAN_SMTP_POP_BEFORE_SMTP);
	SETF("out_relay_minutes", "%d", ch->out->relay_minutes ? ch->out->relay_minutes : 10);
	FLAG("out_host_changed", !model_same_host(ch->out->host, sv->outgoing_before.host));
	FLAG("out_port_changed", ch->out->port != sv->outgoing_before.port);
	SETF("out_port_before", "%d", sv->outgoing_before.port);
	FLAG("must_upgrade", ch->must_upgrade);
	FLAG("no_smtp_auth_fallback", !ci->smtp_auth && !ch->must_upgrade);
	FLAG("apop_conflict", ch->uses_apop && ch->out->smtp_auth == PLAN_SMTP_AUTH &&
	                      !ci->smtp_auth_with_apop);
	FLAG("uses_apop", ch->uses_apop);
	FLAG("redownload_risk", ch->redownload_risk);
	FLAG("unchanged", ch->unchanged);
	return 0;
nomem:
	return err_set(e, ERR_NOMEM, "notices: out of memory");
}
