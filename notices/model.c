/* model: turn the plan (and a customer) into template variables. */
#include "notices/model.h"

#include <stdio.h>
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
static int model_service_as(struct tmpl_dict *d, const struct plan_service *s, bool outgoing,
                            const char *host, enum plan_auth in_auth, enum plan_lang lang)
{
	struct buf b = BUF_INIT;
	if (model_join(&b, s->addresses, s->n_addresses) < 0)
		goto nomem;
	SET("host", host);
	SET("protocol", model_proto_text(outgoing ? PLAN_PROTO_SMTP : s->proto));
	SETF("port", "%d", s->port);
	SET("tls", model_tls_text(s->tls, lang));
	FLAG("tls_on", s->tls != PLAN_TLS_NONE);
	FLAG("tls_implicit", s->tls == PLAN_TLS_IMPLICIT);
	SET("auth", outgoing ? model_out_auth_text(s->smtp_auth, lang) : model_in_auth_text(in_auth, lang));
	FLAG("is_pop3", !outgoing && s->proto == PLAN_PROTO_POP3);
	FLAG("is_imap", !outgoing && s->proto == PLAN_PROTO_IMAP);
	FLAG("is_smtp_auth", outgoing && s->smtp_auth == PLAN_SMTP_AUTH);
	FLAG("is_pop_before_smtp", outgoing && s->smtp_auth == PLAN_SMTP_POP_BEFORE_SMTP);
	FLAG("is_submission", outgoing && s->port == 587);
	SETF("relay_minutes", "%d", s->relay_minutes ? s->relay_minutes : 10);
	SET("addresses", b.data ? b.data : "");
	SET("signup_url", outgoing && s->signup_url ? s->signup_url : "");
	FLAG("separate_credentials", outgoing && s->smtp_auth == PLAN_SMTP_AUTH &&
	                             s->credentials == PLAN_CRED_SEPARATE);
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
		/* Thunderbird's "encrypted password" is CRAM-MD5 or APOP, whichever the server
		 * offers; Autodiscover has no APOP (SPA is NTLM): Outlook sends the password. */
		SET("tb_auth", in_auth == PLAN_AUTH_CRAM_MD5 || in_auth == PLAN_AUTH_APOP ? "password-encrypted"
		                                                                        : "password-cleartext");
		SET("apple_auth", in_auth == PLAN_AUTH_CRAM_MD5 ? "EmailAuthCRAMMD5" : "EmailAuthPassword");
		FLAG("auth_required", true);
	}
	buf_release(&b);
	return 0;
nomem:
	buf_release(&b);
	return -1;
}

static int model_service(struct tmpl_dict *d, const struct plan_service *s, bool outgoing,
                         enum plan_lang lang)
{
	return model_service_as(d, s, outgoing, s->host, s->auth, lang);
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

/* The troubleshooting entries (parts/faq.txt) that apply to the plan; a notice narrows
 * them to the customer's servers and program (model_vars_faq_customer). */
static int model_vars_faq(struct tmpl_dict *d, const struct plan *p)
{
	const struct plan_services *sv = &p->services;
	const struct plan_endpoint *dst = &p->migration.destination;
	bool pop = false, auth = false, pbs = false;
	for (size_t i = 0; i < sv->n_incoming_after; i++)
		pop |= sv->incoming_after[i].proto == PLAN_PROTO_POP3;
	for (size_t i = 0; i < sv->n_outgoing_after; i++) {
		auth |= sv->outgoing_after[i].smtp_auth == PLAN_SMTP_AUTH;
		pbs |= sv->outgoing_after[i].smtp_auth == PLAN_SMTP_POP_BEFORE_SMTP;
	}
	SET("faq_host", sv->n_outgoing_after ? sv->outgoing_after[0].host : "");
	SET("faq_login", "");
	FLAG("faq_pop", pop);
	FLAG("faq_spa", true);   /* the announcement reaches Outlook users too */
	FLAG("faq_relay", auth || pbs);
	FLAG("faq_smtp_auth", auth);
	FLAG("faq_pbs", pbs);
	/* The ISP's POP server refuses hosts whose forward and reverse DNS disagree (BeToMail). */
	FLAG("faq_dns", pop && (p->migration.source.checks_client_dns || dst->checks_client_dns));
	if (!dst->max_message_bytes)
		SET("faq_size", "");
	else if (dst->max_message_bytes % (1024 * 1024) == 0)
		SETF("faq_size", "%lluMB", (unsigned long long)(dst->max_message_bytes / (1024 * 1024)));
	else
		SETF("faq_size", "%llu bytes", (unsigned long long)dst->max_message_bytes);
	FLAG("faq_quota", dst->quota_bytes > 0);
	FLAG("faq_rate", dst->max_messages_per_hour > 0);
	return 0;
nomem:
	return -1;
}

static int model_vars_faq_customer(struct tmpl_dict *d, const struct instr *in)
{
	bool auth = in->out->smtp_auth == PLAN_SMTP_AUTH;
	bool pbs = in->out->smtp_auth == PLAN_SMTP_POP_BEFORE_SMTP;
	SET("faq_host", in->out->host);
	SET("faq_login", in->login);
	FLAG("faq_pop", in->in->proto == PLAN_PROTO_POP3);
	/* The Secure Password Authentication box is Microsoft's (Outlook, Outlook Express). */
	FLAG("faq_spa", strncmp(in->ci->id, "outlook", 7) == 0);
	FLAG("faq_relay", auth || pbs);
	FLAG("faq_smtp_auth", auth);
	FLAG("faq_pbs", pbs);
	return 0;
nomem:
	return -1;
}

/* The announcement's statement on mail left on the server, by the rule instr.c applies
 * to each customer: programs that key their list by name lose it when the POP name or
 * the login changes, unless the old name stays (keep_old_names). */
static int model_vars_redownload(struct tmpl_dict *d, const struct plan *p)
{
	const struct plan_services *sv = &p->services;
	bool renamed = false;
	for (size_t i = 0; i < sv->n_incoming_after; i++)
		renamed |= sv->incoming_after[i].proto == PLAN_PROTO_POP3 &&
		           !model_same_host(sv->incoming_after[i].host, sv->incoming_before.host);
	bool pop = sv->incoming_before.proto == PLAN_PROTO_POP3;
	FLAG("pop_renamed", pop && renamed && !sv->keep_old_names);
	FLAG("redownload_by_name", pop && ((renamed && !sv->keep_old_names) ||
	                                   sv->username_before != sv->username_after));
	FLAG("keep_name_avoids", pop && renamed && sv->keep_old_names);
	return 0;
nomem:
	return -1;
}

/* The plan's free text in this document's language only (docs/plan.md): a text the plan
 * lacks in the language is empty, and the templates leave its sentence out. */
static int model_vars_texts(struct tmpl_dict *d, const struct plan *p, enum plan_lang lang)
{
	const char *company = plan_text_get(p, &p->operator_.company, lang);
	const char *service = plan_text_get(p, &p->operator_.service, lang);
	if (!company)
		return 1;   /* the caller says which language is missing */
	SET("company", company);
	SET("service", service ? service : company);
	SET("department", plan_text_get(p, &p->operator_.department, lang));
	SET("audience", plan_text_get(p, &p->operator_.audience, lang));
	FLAG("other_services", p->operator_.other_services);
	SET("reason", plan_text_get(p, &p->window.reason, lang));
	SET("affected", plan_text_get(p, &p->window.affected, lang));
	if (tmpl_dict_list(d, "notes") < 0)
		goto nomem;
	/* A note that replaces a built-in point is printed in its place (note_<point>), not
	 * again among the other notes; without this language's text the built-in stays. */
	for (size_t k = 0; plan_note_points[k]; k++) {
		char var[64];
		const char *t = "";
		snprintf(var, sizeof var, "note_%s", plan_note_points[k]);
		for (char *s = var; *s; s++)
			*s = *s == '-' ? '_' : *s;
		for (size_t i = 0; i < p->window.n_notes; i++) {
			const struct plan_text *n = &p->window.notes[i];
			if (n->replaces && strcmp(n->replaces, plan_note_points[k]) == 0 &&
			    plan_text_get(p, n, lang))
				t = plan_text_get(p, n, lang);
		}
		SET(var, t);
	}
	for (size_t i = 0; i < p->window.n_notes; i++) {
		const char *t = p->window.notes[i].replaces ? NULL : plan_text_get(p, &p->window.notes[i], lang);
		struct tmpl_dict *it = t ? tmpl_dict_list_add(d, "notes") : NULL;
		if (t && (!it || tmpl_dict_set(it, "text", t) < 0))
			goto nomem;
	}
	return 0;
nomem:
	return -1;
}

int model_vars_common(struct tmpl_dict *d, const struct plan *p, enum plan_lang lang, time_t now,
                      struct err *e)
{
	const struct plan_services *sv = &p->services;
	bool ja = lang == PLAN_LANG_JA, in_renamed = false, out_renamed = false, port_changed = false;
	bool in_kept = false, out_kept = false;
	bool smtp_auth = false, pbs = false, submission = false, imap = false, addresses = false;
	bool in_tls = false, out_tls = false, auth_new = false, has_imap = false;
	const struct plan_service *first_auth = NULL, *first_pbs = NULL;
	struct buf b = BUF_INIT;

	SET("lang", ja ? "ja" : "en");
	SET("charset", "UTF-8");
	SET("plan_name", p->name);
	int tr = model_vars_texts(d, p, lang);
	if (tr < 0)
		goto nomem;
	if (tr > 0) {
		buf_release(&b);
		return err_set(e, ERR_DATA, "plan: operator.company has no %s text; write it as "
		               "company: { ja: …, en: … } (docs/plan.md)", ja ? "Japanese" : "English");
	}
	SET("support_email", p->operator_.support_email);
	/* An example address for the account-name change: the customers' domain, not support's. */
	SET("mail_domain", model_domain(p->n_customers ? p->customers[0].email : p->operator_.support_email));
	SET("support_phone", plan_text_get(p, &p->operator_.support_phone, lang));
	SET("support_url", p->operator_.support_url);
	SET("support_hours", plan_text_get(p, &p->operator_.support_hours, lang));
	/* The document is dated when the plan says it goes out, not when it is rendered. */
	if (when_append(&b, p->window.announce_by.t ? p->window.announce_by.t : now, p->timezone, lang,
	                WHEN_DATE) < 0)
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
	if (when_append_zone(&b, p->window.start.t, p->timezone) < 0)
		goto nomem;
	SET("zone", b.data);
	buf_reset(&b);
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
		in_kept |= model_same_host(s->host, sv->incoming_before.host);
		imap |= s->proto == PLAN_PROTO_IMAP && sv->incoming_before.proto != PLAN_PROTO_IMAP;
		has_imap |= s->proto == PLAN_PROTO_IMAP;
		addresses |= s->n_addresses > 0;
		in_tls |= s->tls != PLAN_TLS_NONE;
	}
	for (size_t i = 0; i < sv->n_outgoing_after; i++) {
		const struct plan_service *s = &sv->outgoing_after[i];
		struct tmpl_dict *it = tmpl_dict_list_add(d, "outgoing");
		if (!it || model_service(it, s, true, lang) < 0)
			goto nomem;
		out_kept |= model_same_host(s->host, sv->outgoing_before.host);
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
	/* A name changes when no new server keeps it (BeToMail's smtp.be.to stays, smtpa.be.to
	 * is an added server: its names do not change). */
	in_renamed = sv->n_incoming_after && !in_kept;
	out_renamed = sv->n_outgoing_after && !out_kept;
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
	FLAG("has_imap", has_imap);
	FLAG("has_addresses", addresses);
	if (model_srv(d, sv) < 0 || model_vars_faq(d, p) < 0 || model_vars_redownload(d, p) < 0)
		goto nomem;
	FLAG("incoming_tls", in_tls);
	FLAG("outgoing_tls", out_tls);
	SET("smtp_auth_host", first_auth ? first_auth->host : "");
	SETF("smtp_auth_port", "%d", first_auth ? first_auth->port : 0);
	SET("smtp_auth_signup_url", first_auth && first_auth->signup_url ? first_auth->signup_url : "");
	FLAG("smtp_auth_separate", first_auth && first_auth->credentials == PLAN_CRED_SEPARATE);
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

/* The customer's servers as `in`/`out` (one item each) and, for the configuration files,
 * `servers_in`/`servers_out`: every server, the customer's own first. */
static int model_vars_servers(struct tmpl_dict *d, const struct plan *p, const struct instr *in,
                              enum plan_lang lang)
{
	const struct plan_services *sv = &p->services;
	struct tmpl_dict *it;
	if (tmpl_dict_list(d, "in") < 0 || tmpl_dict_list(d, "out") < 0 ||
	    tmpl_dict_list(d, "servers_in") < 0 || tmpl_dict_list(d, "servers_out") < 0)
		return -1;
	for (int k = 0; k < 2; k++) {
		const char *name = k ? "servers_in" : "in";
		if (!(it = tmpl_dict_list_add(d, name)) ||
		    model_service_as(it, in->in, false, in->in_host, in->in_auth, lang) < 0)
			return -1;
		name = k ? "servers_out" : "out";
		if (!(it = tmpl_dict_list_add(d, name)) || model_service(it, in->out, true, lang) < 0)
			return -1;
	}
	for (size_t i = 0; i < sv->n_incoming_after; i++)
		if (&sv->incoming_after[i] != in->in &&
		    (!(it = tmpl_dict_list_add(d, "servers_in")) ||
		     model_service(it, &sv->incoming_after[i], false, lang) < 0))
			return -1;
	for (size_t i = 0; i < sv->n_outgoing_after; i++)
		if (&sv->outgoing_after[i] != in->out &&
		    (!(it = tmpl_dict_list_add(d, "servers_out")) ||
		     model_service(it, &sv->outgoing_after[i], true, lang) < 0))
			return -1;
	return 0;
}

/* What the instruction decided, as flags the templates test (docs/templates.md). */
static int model_vars_instr(struct tmpl_dict *d, const struct instr *in)
{
	FLAG("must_upgrade", in->must_upgrade);
	FLAG("no_smtp_auth_fallback", in->smtp_fallback && !in->ci->smtp_auth);
	FLAG("full_address_fallback", in->fallback_login);
	FLAG("port_fallback", in->fallback_no_port);
	FLAG("port_unsupported", !in->ci->submission_587 && in->out->port != 25);
	FLAG("apop_conflict", in->apop_conflict);
	FLAG("apop_unsupported", in->apop_unsupported);
	FLAG("uses_apop", in->in_auth == PLAN_AUTH_APOP);
	FLAG("login_full_address", in->login_full_address);
	SET("smtp_signup_url", in->smtp_signup_url ? in->smtp_signup_url : "");
	FLAG("smtp_separate", in->smtp_separate);
	FLAG("separate_fallback", in->fallback_separate);
	FLAG("separate_unsupported", in->separate_unsupported);
	FLAG("in_host_kept", in->in_host_kept);
	FLAG("redownload_yes", in->redownload == INSTR_REDL_YES);
	FLAG("redownload_new_account", in->redownload == INSTR_REDL_NEW_ACCOUNT_ONLY);
	FLAG("redownload_uidl", in->why & INSTR_WHY_UIDL_LOST);
	FLAG("redownload_state", in->why & (INSTR_WHY_HOST | INSTR_WHY_LOGIN));
	FLAG("redownload_host", in->why & INSTR_WHY_HOST);
	FLAG("redownload_login", in->why & INSTR_WHY_LOGIN);
	SET("redownload", instr_redownload_name(in->redownload));
	FLAG("unchanged", in->unchanged);
	return 0;
nomem:
	return -1;
}

int model_vars_customer(struct tmpl_dict *d, const struct plan *p, const struct instr *in,
                        enum plan_lang lang, struct err *e)
{
	const struct plan_services *sv = &p->services;
	const struct plan_customer *c = in->c;
	const struct client_info *ci = in->ci;
	bool ja = lang == PLAN_LANG_JA;

	SET("customer_id", c->id);
	SET("customer_email", c->email);
	SET("customer_name", c->name && *c->name ? c->name : "");
	FLAG("has_customer_name", c->name && *c->name);
	SET("domain", model_domain(c->email));
	SET("login_before", in->login_before);
	SET("login_after", in->login);
	FLAG("login_changed", in->login_changed);
	SET("client_id", ci->id);
	SET("client_name", ja ? ci->name_ja : ci->name_en);
	/* The catalogue's caveats are about upgrading; other quirks come from the instruction. */
	SET("client_notes", !ci->smtp_auth && (ja ? ci->notes_ja : ci->notes_en)
	                    ? (ja ? ci->notes_ja : ci->notes_en) : "");
	FLAG("client_generic", strcmp(ci->id, "generic") == 0);
	FLAG("client_smtp_auth", ci->smtp_auth);
	FLAG("client_imap", ci->imap);
	if (model_vars_servers(d, p, in, lang) < 0 || model_vars_instr(d, in) < 0 ||
	    model_vars_faq_customer(d, in) < 0)
		goto nomem;
	SET("in_host", in->in_host);
	SETF("in_port", "%d", in->in->port);
	SET("in_protocol", model_proto_text(in->in->proto));
	FLAG("in_is_pop3", in->in->proto == PLAN_PROTO_POP3);
	FLAG("in_is_imap", in->in->proto == PLAN_PROTO_IMAP);
	SET("in_tls", model_tls_text(in->in->tls, lang));
	FLAG("in_tls_on", in->in->tls != PLAN_TLS_NONE);
	FLAG("in_tls_implicit", in->in->tls == PLAN_TLS_IMPLICIT);
	SET("in_auth", model_in_auth_text(in->in_auth, lang));
	FLAG("in_host_changed", in->in_host_changed);
	FLAG("in_port_changed", in->in->port != sv->incoming_before.port);
	SET("out_host", in->out->host);
	SETF("out_port", "%d", in->out->port);
	SET("out_tls", model_tls_text(in->out->tls, lang));
	FLAG("out_tls_on", in->out->tls != PLAN_TLS_NONE);
	FLAG("out_tls_implicit", in->out->tls == PLAN_TLS_IMPLICIT);
	SET("out_auth", model_out_auth_text(in->out->smtp_auth, lang));
	FLAG("out_is_smtp_auth", in->out->smtp_auth == PLAN_SMTP_AUTH);
	FLAG("out_is_pop_before_smtp", in->out->smtp_auth == PLAN_SMTP_POP_BEFORE_SMTP);
	SETF("out_relay_minutes", "%d", in->out->relay_minutes ? in->out->relay_minutes : 10);
	FLAG("out_host_changed", !model_same_host(in->out->host, sv->outgoing_before.host));
	FLAG("out_port_changed", in->out->port != sv->outgoing_before.port);
	SETF("out_port_before", "%d", sv->outgoing_before.port);
	return 0;
nomem:
	return err_set(e, ERR_NOMEM, "notices: out of memory");
}
