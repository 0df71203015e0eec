/* instr: compute one customer's instruction (see instr.h). Every rule that decides what
 * a customer is told lives here, with the fact it rests on. */
#include "schedule/instr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const struct client_info *instr_client(const struct plan_customer *c)
{
	const struct client_info *ci = c->client ? clients_lookup(c->client) : NULL;
	if (!ci && c->client_raw)
		ci = clients_lookup(c->client_raw);
	return ci ? ci : clients_generic();
}

static bool instr_same_host(const char *a, const char *b)
{
	return a && b && strcasecmp(a, b) == 0;
}

static char *instr_login(const char *email, enum plan_username how)
{
	const char *at = strrchr(email, '@');
	if (how == PLAN_USERNAME_EMAIL || !at)
		return strdup(email);
	return strndup(email, (size_t)(at - email));
}

static const struct plan_service *instr_find_out(const struct plan_services *sv, bool auth,
                                                 bool port25_only)
{
	for (size_t i = 0; i < sv->n_outgoing_after; i++)
		if ((sv->outgoing_after[i].smtp_auth == PLAN_SMTP_AUTH) == auth &&
		    (!port25_only || sv->outgoing_after[i].port == 25))
			return &sv->outgoing_after[i];
	return NULL;
}

/* The outgoing service a program can use: with SMTP AUTH when it can (on port 25 when it
 * has no port field, as Eudora 5), else without; NULL when the plan has none. */
static const struct plan_service *instr_pick_out(const struct plan_services *sv,
                                                 const struct client_info *ci)
{
	bool no_port = !ci->submission_587;
	const struct plan_service *s = instr_find_out(sv, ci->smtp_auth, no_port);
	if (!s && ci->smtp_auth && no_port)
		s = instr_find_out(sv, false, true);   /* POP before SMTP on 25 beats a port it cannot set */
	if (!s)
		s = instr_find_out(sv, ci->smtp_auth, false);
	return s;
}

/* The servers: the customer's own protocol for incoming; SMTP AUTH for sending when the
 * program can do it, else POP before SMTP (or no authentication), else an upgrade. */
static void instr_servers(struct instr *in, const struct plan *p)
{
	const struct plan_services *sv = &p->services;
	const struct plan_customer *c = in->c;
	enum plan_proto want = c->has_source_proto ? c->source_proto : sv->incoming_before.proto;
	in->in = &sv->incoming_after[0];
	for (size_t i = 0; i < sv->n_incoming_after; i++)
		if (sv->incoming_after[i].proto == want) {
			in->in = &sv->incoming_after[i];
			break;
		}
	in->out = instr_pick_out(sv, in->ci);
	/* Sent to POP before SMTP although the plan offers SMTP AUTH: why. */
	in->smtp_fallback = in->out && in->out->smtp_auth == PLAN_SMTP_POP_BEFORE_SMTP &&
	                    instr_find_out(sv, true, false) != NULL;
	in->fallback_no_port = in->smtp_fallback && in->ci->smtp_auth;
	if (!in->out) {
		in->out = &sv->outgoing_after[0];
		in->must_upgrade = !in->ci->smtp_auth && in->out->smtp_auth == PLAN_SMTP_AUTH;
	}
}

/* The login and its quirks. Eudora and 電信八号 send their POP login to SMTP AUTH
 * (Infonia/BeToMail note 1): where the ISP's SMTP AUTH needs the full address, they
 * must log in with it everywhere, which works only if the plan says the servers accept
 * it; otherwise they are pointed to POP before SMTP when the plan offers it. */
static int instr_logins(struct instr *in, const struct plan *p)
{
	const struct plan_services *sv = &p->services;
	const struct plan_customer *c = in->c;
	in->login_before = c->source_login ? strdup(c->source_login)
	                                   : instr_login(c->email, sv->username_before);
	in->login = c->dest_login ? strdup(c->dest_login) : instr_login(c->email, sv->username_after);
	if (!in->login_before || !in->login)
		return -1;
	/* Programs that send their POP login to SMTP AUTH have no field for another user name:
	 * an SMTP AUTH server with separate credentials is out of their reach. */
	if (in->ci->needs_full_address_login && in->out->smtp_auth == PLAN_SMTP_AUTH &&
	    in->out->credentials == PLAN_CRED_SEPARATE) {
		if (instr_find_out(sv, false, false)) {
			in->out = instr_find_out(sv, false, false);
			in->smtp_fallback = in->fallback_separate = true;
			in->fallback_no_port = false;
		} else
			in->separate_unsupported = true;
		return 0;
	}
	bool quirk = in->ci->needs_full_address_login && in->out->smtp_auth == PLAN_SMTP_AUTH &&
	             strchr(in->login, '@') == NULL;
	if (quirk && sv->full_address_accepted) {
		free(in->login);
		if (!(in->login = strdup(c->email)))
			return -1;
		in->login_full_address = true;
	} else if (quirk && instr_find_out(sv, false, false)) {
		in->out = instr_find_out(sv, false, false);
		in->smtp_fallback = in->fallback_login = true;
		in->fallback_no_port = false;
	}
	return 0;
}

/* The incoming authentication to choose: the server's, except APOP for a program that
 * cannot do it, or cannot send with SMTP AUTH while it does (Infonia note 2). APOP
 * servers (qmail-pop3d, Dovecot) accept the plain password too (docs/plan.md). */
static void instr_auth(struct instr *in)
{
	in->in_auth = in->in->auth;
	if (in->in->proto != PLAN_PROTO_POP3 || in->in->auth != PLAN_AUTH_APOP)
		return;
	if (!in->ci->apop) {
		in->apop_unsupported = true;
		in->in_auth = PLAN_AUTH_USER;
	} else if (in->out->smtp_auth == PLAN_SMTP_AUTH && !in->ci->smtp_auth_with_apop) {
		in->apop_conflict = true;
		in->in_auth = PLAN_AUTH_USER;
	}
}

/* Mozilla mail, Outlook Express and Outlook keep the list of downloaded UIDLs per server
 * name and login (mission-anchors §6): a new name in the account starts an empty list, so
 * every message left on the server comes again, preserved UIDLs or not. Where the old
 * name stays an alias (keep_old_names), such a customer keeps typing it. A new account is
 * an empty list in every program. IMAP keeps mail on the server by design: no warning. */
static void instr_redownload(struct instr *in, const struct plan *p)
{
	const struct plan_services *sv = &p->services;
	bool renamed = !instr_same_host(in->in->host, sv->incoming_before.host);
	in->in_host = in->in->host;
	if (renamed && sv->keep_old_names && in->ci->pop3_state_by_host &&
	    in->in->proto == PLAN_PROTO_POP3 && sv->incoming_before.host) {
		in->in_host = sv->incoming_before.host;
		in->in_host_kept = true;
		renamed = false;
	}
	in->in_host_changed = renamed;
	in->login_changed = strcmp(in->login_before, in->login) != 0;
	in->in_changed = renamed || in->in->port != sv->incoming_before.port ||
	                 in->in->tls != sv->incoming_before.tls ||
	                 in->in->proto != sv->incoming_before.proto || in->in->auth != sv->incoming_before.auth;
	in->out_changed = !instr_same_host(in->out->host, sv->outgoing_before.host) ||
	                  in->out->port != sv->outgoing_before.port ||
	                  in->out->tls != sv->outgoing_before.tls ||
	                  in->out->smtp_auth != sv->outgoing_before.smtp_auth;
	in->unchanged = !in->in_changed && !in->login_changed && !in->out_changed;
	in->profile_ok = in->in->proto == PLAN_PROTO_IMAP;
	in->redownload = INSTR_REDL_NO;
	if (in->in->proto != PLAN_PROTO_POP3)
		return;
	if (p->migration.uidl == PLAN_UIDL_NONE && p->migration.source.proto == PLAN_PROTO_POP3)
		in->why |= INSTR_WHY_UIDL_LOST;
	if (in->ci->pop3_state_by_host && renamed)
		in->why |= INSTR_WHY_HOST;
	if (in->ci->pop3_state_by_host && in->login_changed)
		in->why |= INSTR_WHY_LOGIN;
	if (in->why)
		in->redownload = INSTR_REDL_YES;
	else if (!in->unchanged)
		in->redownload = INSTR_REDL_NEW_ACCOUNT_ONLY;
}

int instr_compute(struct instr *in, const struct plan *p, const struct plan_customer *c,
                  struct err *e)
{
	memset(in, 0, sizeof *in);
	if (!p->services.n_incoming_after || !p->services.n_outgoing_after)
		return err_set(e, ERR_DATA, "plan: services.incoming.after and services.outgoing.after "
		                            "are needed to tell customers what to change");
	in->c = c;
	in->ci = instr_client(c);
	instr_servers(in, p);
	if (instr_logins(in, p) < 0) {
		instr_release(in);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	instr_auth(in);
	instr_redownload(in, p);
	if (in->out->smtp_auth == PLAN_SMTP_AUTH) {
		in->smtp_signup_url = in->out->signup_url;
		in->smtp_separate = in->out->credentials == PLAN_CRED_SEPARATE;
	}
	return 0;
}

void instr_release(struct instr *in)
{
	free(in->login_before);
	free(in->login);
	in->login_before = in->login = NULL;
}

const char *instr_redownload_name(enum instr_redownload r)
{
	switch (r) {
	case INSTR_REDL_YES: return "yes";
	case INSTR_REDL_NEW_ACCOUNT_ONLY: return "new-account-only";
	case INSTR_REDL_NO: break;
	}
	return "no";
}

static const char *instr_username_text(enum plan_username u)
{
	return u == PLAN_USERNAME_EMAIL ? "full address" : "local part";
}

/* No customer's own values in the sentence: check groups customers by it. */
void instr_why_text(const struct instr *in, const struct plan *p, char *buf, size_t size)
{
	const struct plan_services *sv = &p->services;
	char host[300] = "", login[80] = "";
	if (in->why & INSTR_WHY_HOST)
		snprintf(host, sizeof host, "the server name (%s → %s)", sv->incoming_before.host, in->in_host);
	if ((in->why & INSTR_WHY_LOGIN) && sv->username_before != sv->username_after)
		snprintf(login, sizeof login, "the login (%s → %s)", instr_username_text(sv->username_before),
		         instr_username_text(in->login_full_address ? PLAN_USERNAME_EMAIL : sv->username_after));
	else if (in->why & INSTR_WHY_LOGIN)
		snprintf(login, sizeof login, "the login");
	if (in->redownload == INSTR_REDL_YES && (in->why & INSTR_WHY_UIDL_LOST))
		snprintf(buf, size, "migration.uidl: none gives every message a new UIDL");
	else if (in->redownload == INSTR_REDL_YES)
		snprintf(buf, size, "%s remembers downloaded mail per server name and login, and %s%s%s %s",
		         in->ci->name_en, host, *host && *login ? " and " : "", login,
		         *host && *login ? "change" : "changes");
	else if (in->redownload == INSTR_REDL_NEW_ACCOUNT_ONLY)
		snprintf(buf, size, "only if a new account is made: %s keeps its list of downloaded mail "
		         "when the existing account is edited%s", in->ci->name_en,
		         in->in_host_kept ? " and the old server name is kept" : "");
	else if (in->in->proto == PLAN_PROTO_IMAP)
		snprintf(buf, size, "IMAP: the mail stays on the server, nothing is downloaded again");
	else
		snprintf(buf, size, "nothing the customer configures changes");
}

int instr_predict(const struct plan *p, const struct plan_customer *c, char *why, size_t size)
{
	struct instr in;
	struct err e;
	err_clear(&e);
	if (size)
		why[0] = 0;
	if (instr_compute(&in, p, c, &e) < 0)
		return -1;
	instr_why_text(&in, p, why, size);
	int r = (int)in.redownload;
	instr_release(&in);
	return r;
}
