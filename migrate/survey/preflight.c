/* preflight: DNS, TCP, TLS and capability checks of the new servers. */
#include "migrate/survey/preflight.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "migrate/net/netline.h"
#include "migrate/survey/preflight_reply.h"
#include "migrate/net/tlsverify.h"
#include "schedule/plan_config.h"

#define PF_LINE 2048
#define PF_CAPS 4096
#define PF_TIMEOUT_MS 10000
#define PF_CERT_MARGIN (30 * 86400)

struct pf_target {
	const char *host;
	int port;
	enum plan_proto proto;
	enum plan_tls tls;
	enum plan_auth auth;
	enum plan_smtp_auth smtp_auth;
	const char *ca_file;
	bool destination;    /* the migration endpoint: IMAP capabilities matter */
	char label[192];
};

static void pf_add(struct preflight_list *l, const struct pf_target *t, const char *check,
                   enum preflight_result r, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void pf_add(struct preflight_list *l, const struct pf_target *t, const char *check,
                   enum preflight_result r, const char *fmt, ...)
{
	struct preflight_item *it;
	va_list ap;
	if (l->n == l->alloc) {
		size_t na = l->alloc ? l->alloc * 2 : 32;
		struct preflight_item *p = realloc(l->v, na * sizeof *p);
		if (!p)
			return; /* a report line lost to OOM; the verdict below still counts what exists */
		l->v = p;
		l->alloc = na;
	}
	it = &l->v[l->n++];
	snprintf(it->target, sizeof it->target, "%s", t->label);
	snprintf(it->check, sizeof it->check, "%s", check);
	it->result = r;
	va_start(ap, fmt);
	vsnprintf(it->detail, sizeof it->detail, fmt, ap);
	va_end(ap);
}

/* Forward lookup (or the plan's resolve: entry) into addr; reverse check when real DNS. */
static bool pf_dns(const struct plan *p, const struct pf_target *t, struct preflight_list *l,
                   char *addr, size_t addrlen)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL, *ai;
	char list[256] = "", host[NI_MAXHOST];
	bool mapped = false, confirmed = false;
	int rc;

	for (size_t i = 0; i < p->n_resolve; i++)
		if (strcasecmp(p->resolve[i].name, t->host) == 0 && p->resolve[i].n_addresses) {
			snprintf(addr, addrlen, "%s", p->resolve[i].addresses[0]);
			mapped = true;
		}
	if (mapped) {
		pf_add(l, t, "dns", PF_NOTE, "address %s from the plan's resolve: section", addr);
		pf_add(l, t, "reverse", PF_NOTE, "not checked: the address comes from the plan, not DNS");
		return true;
	}
	rc = getaddrinfo(t->host, NULL, &hints, &res);
	if (rc) {
		pf_add(l, t, "dns", PF_FAIL, "%s does not resolve: %s", t->host, gai_strerror(rc));
		return false;
	}
	addr[0] = '\0';
	for (ai = res; ai; ai = ai->ai_next) {
		char a[INET6_ADDRSTRLEN];
		if (getnameinfo(ai->ai_addr, ai->ai_addrlen, a, sizeof a, NULL, 0, NI_NUMERICHOST))
			continue;
		if (strstr(list, a))
			continue;
		if (!addr[0])
			snprintf(addr, addrlen, "%s", a);
		if (strlen(list) + strlen(a) + 3 < sizeof list) {
			if (list[0])
				strcat(list, ", ");
			strcat(list, a);
		}
		/* The BeToMail FAQ's rule: the reverse name must lead back to the same address. */
		if (getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof host, NULL, 0, NI_NAMEREQD) == 0) {
			struct addrinfo *back = NULL, *b;
			if (getaddrinfo(host, NULL, &hints, &back) == 0) {
				for (b = back; b; b = b->ai_next) {
					char a2[INET6_ADDRSTRLEN];
					if (getnameinfo(b->ai_addr, b->ai_addrlen, a2, sizeof a2, NULL, 0,
					                NI_NUMERICHOST) == 0 && strcmp(a, a2) == 0)
						confirmed = true;
				}
				freeaddrinfo(back);
			}
		}
	}
	freeaddrinfo(res);
	pf_add(l, t, "dns", PF_OK, "%s has address %s", t->host, list);
	if (confirmed)
		pf_add(l, t, "reverse", PF_OK, "reverse lookup leads back to %s", addr);
	else
		pf_add(l, t, "reverse", PF_FAIL,
		       "no reverse name for %s that resolves back to it (clients and other mail "
		       "servers may refuse a host whose forward and reverse DNS disagree)", list);
	return true;
}

/* Read a server reply into caps (joined with '\n'). Returns the status: 1 ok, 0 refused. */
static int pf_reply(struct netline *n, enum plan_proto proto, const char *tag, char *caps,
                    size_t capsz, struct err *e)
{
	char line[PF_LINE];
	caps[0] = '\0';
	for (int lines = 0; lines < 200; lines++) {
		if (netline_read_line(n, line, sizeof line, e) < 0)
			return -1;
		int rc = preflight_reply_line(proto, tag, line, caps, capsz, e);
		if (rc != PREFLIGHT_REPLY_MORE)
			return rc;
	}
	return err_set(e, ERR_PROTOCOL, "reply too long");
}

/* Ask for capabilities: CAPA / CAPABILITY / EHLO. */
static int pf_caps(struct netline *n, const struct pf_target *t, char *caps, size_t capsz,
                   struct err *e)
{
	const char *cmd = t->proto == PLAN_PROTO_POP3 ? "CAPA\r\n"
	                  : t->proto == PLAN_PROTO_IMAP ? "c1 CAPABILITY\r\n"
	                                                : "EHLO cutover.invalid\r\n";
	if (netline_write(n, cmd, e) < 0)
		return -1;
	return pf_reply(n, t->proto, t->proto == PLAN_PROTO_SMTP ? NULL : (t->proto == PLAN_PROTO_IMAP ? "c1" : "+"),
	                caps, capsz, e);
}

static void pf_certificate(struct netline *n, const struct pf_target *t, const char *name,
                           time_t deadline, struct preflight_list *l)
{
	const unsigned char *const *der;
	const size_t *len;
	size_t count;
	time_t nb, na;
	struct err e;
	char when[32];

	err_clear(&e);
	if (netline_peer_chain(n, &der, &len, &count) < 0) {
		pf_add(l, t, "certificate", PF_FAIL, "the server sent no certificate");
		return;
	}
	if (tlsverify_chain(der, len, count, t->ca_file, name, &e) < 0)
		pf_add(l, t, "certificate", PF_FAIL, "%s", e.msg);
	else
		pf_add(l, t, "certificate", PF_OK, "valid for %s%s%s", name, t->ca_file ? ", CA " : "",
		       t->ca_file ? t->ca_file : "");
	if (netline_peer_dates(n, &nb, &na) == 0) {
		struct tm tm;
		gmtime_r(&na, &tm);
		strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", &tm);
		if (na < deadline)
			pf_add(l, t, "certificate", PF_FAIL, "expires %s, before the window ends", when);
		else if (na < deadline + PF_CERT_MARGIN)
			pf_add(l, t, "certificate", PF_WARN, "expires %s, less than 30 days after the window",
			       when);
	}
}

/* The capabilities the plan relies on, per protocol. */
static void pf_judge_caps(const struct pf_target *t, const char *caps, struct preflight_list *l)
{
	switch (t->proto) {
	case PLAN_PROTO_POP3:
		if (!preflight_reply_has(caps, "UIDL"))
			pf_add(l, t, "capability", PF_FAIL,
			       "no UIDL: mail programs cannot leave mail on the server without re-downloading");
		else
			pf_add(l, t, "capability", PF_OK, "UIDL offered");
		if (t->auth == PLAN_AUTH_PLAIN && !preflight_reply_has(caps, "PLAIN"))
			pf_add(l, t, "capability", PF_FAIL, "the plan tells customers SASL PLAIN; CAPA has no SASL PLAIN");
		if (t->auth == PLAN_AUTH_USER && !preflight_reply_has(caps, "USER"))
			pf_add(l, t, "capability", PF_FAIL, "the plan tells customers USER/PASS; CAPA has no USER");
		break;
	case PLAN_PROTO_IMAP:
		if (!preflight_reply_has(caps, "AUTH=PLAIN") && !preflight_reply_has(caps, "AUTH=LOGIN") && preflight_reply_has(caps, "LOGINDISABLED"))
			pf_add(l, t, "capability", PF_FAIL, "LOGINDISABLED and no AUTH=PLAIN");
		if (t->destination) {
			/* Servers show UIDPLUS, MULTIAPPEND and QUOTA only after login; the inventory,
			 * which logs in, reports those. */
			pf_add(l, t, "capability", PF_OK, "IMAP4rev1 answers; extensions are checked after login");
		} else {
			pf_add(l, t, "capability", PF_OK, "IMAP4rev1 answers");
		}
		break;
	case PLAN_PROTO_SMTP:
		if (t->smtp_auth == PLAN_SMTP_AUTH && !preflight_reply_has(caps, "AUTH"))
			pf_add(l, t, "capability", PF_FAIL,
			       "the plan tells customers to use SMTP AUTH here; EHLO offers no AUTH");
		else if (t->smtp_auth == PLAN_SMTP_AUTH)
			pf_add(l, t, "capability", PF_OK, "SMTP AUTH offered");
		if (t->smtp_auth == PLAN_SMTP_AUTH && t->port == 25)
			pf_add(l, t, "capability", PF_WARN,
			       "SMTP AUTH only on port 25: Outbound Port 25 Blocking stops customers on other networks; offer 587");
		if (t->smtp_auth == PLAN_SMTP_POP_BEFORE_SMTP)
			pf_add(l, t, "capability", PF_NOTE,
			       "POP before SMTP cannot be tested without a customer login; test it by hand");
		break;
	}
}

static void pf_service(const struct plan *p, const struct pf_target *t, time_t deadline,
                       struct preflight_list *l)
{
	char addr[INET6_ADDRSTRLEN + 1], caps[PF_CAPS];
	struct netline *n = NULL;
	struct err e;
	const char *name = t->host;
	int rc;

	err_clear(&e);
	if (!pf_dns(p, t, l, addr, sizeof addr))
		return;
	if (netline_connect(&n, addr, t->port, PF_TIMEOUT_MS, &e) < 0) {
		pf_add(l, t, "tcp", PF_FAIL, "%s", e.msg);
		return;
	}
	pf_add(l, t, "tcp", PF_OK, "port %d open on %s", t->port, addr);
	if (t->tls == PLAN_TLS_IMPLICIT) {
		if (netline_tls(n, name, &e) < 0) {
			pf_add(l, t, "tls", PF_FAIL, "%s", e.msg);
			goto out;
		}
		pf_add(l, t, "tls", PF_OK, "implicit TLS handshake");
		pf_certificate(n, t, name, deadline, l);
	}
	if (pf_reply(n, t->proto, NULL, caps, sizeof caps, &e) != 1) {
		pf_add(l, t, "capability", PF_FAIL, "no greeting: %s", e.msg[0] ? e.msg : caps);
		goto out;
	}
	rc = pf_caps(n, t, caps, sizeof caps, &e);
	if (rc != 1) {
		pf_add(l, t, "capability", PF_FAIL, "capabilities not readable: %s", e.msg[0] ? e.msg : caps);
		goto out;
	}
	if (t->tls == PLAN_TLS_STARTTLS) {
		const char *word = t->proto == PLAN_PROTO_POP3 ? "STLS" : "STARTTLS";
		const char *cmd = t->proto == PLAN_PROTO_POP3 ? "STLS\r\n"
		                  : t->proto == PLAN_PROTO_IMAP ? "s1 STARTTLS\r\n" : "STARTTLS\r\n";
		char line[PF_LINE];
		if (!preflight_reply_has(caps, word)) {
			pf_add(l, t, "tls", PF_FAIL, "the plan says STARTTLS; the server does not offer %s", word);
			goto out;
		}
		if (netline_write(n, cmd, &e) < 0 ||
		    pf_reply(n, t->proto, t->proto == PLAN_PROTO_IMAP ? "s1" : NULL, line, sizeof line, &e) != 1) {
			pf_add(l, t, "tls", PF_FAIL, "%s refused: %s", word, e.msg[0] ? e.msg : line);
			goto out;
		}
		if (netline_tls(n, name, &e) < 0) {
			pf_add(l, t, "tls", PF_FAIL, "%s", e.msg);
			goto out;
		}
		pf_add(l, t, "tls", PF_OK, "%s handshake", word);
		pf_certificate(n, t, name, deadline, l);
		/* Capabilities change after TLS (AUTH often appears only now). */
		if (pf_caps(n, t, caps, sizeof caps, &e) != 1) {
			pf_add(l, t, "capability", PF_FAIL, "capabilities after TLS not readable: %s", e.msg);
			goto out;
		}
	} else if (t->tls == PLAN_TLS_NONE) {
		pf_add(l, t, "tls", PF_NOTE, "no TLS: passwords cross the network in clear");
	}
	pf_judge_caps(t, caps, l);
	netline_write(n, t->proto == PLAN_PROTO_IMAP ? "z LOGOUT\r\n" : "QUIT\r\n", &e);
out:
	netline_close(n);
}

static void pf_label(struct pf_target *t, const char *role)
{
	snprintf(t->label, sizeof t->label, "%s:%d %s (%s)", t->host, t->port, plan_proto_name(t->proto),
	         role);
}

/* What `run` will refuse before connecting: a password in clear to a remote host. */
static void pf_plaintext(const struct plan *p, const char *role, const struct plan_endpoint *ep,
                         struct preflight_list *out)
{
	struct pf_target t = { .host = ep->host, .port = ep->port, .proto = ep->proto };
	if (!plan_config_plaintext_refused(p, ep))
		return;
	pf_label(&t, role);
	pf_add(out, &t, "login", PF_FAIL, "auth: %s over tls: none sends passwords in clear to a "
	       "host that is not loopback: run refuses it (use tls: starttls or tls, or "
	       "allow_plaintext: true on the endpoint for a private link)", plan_auth_name(ep->auth));
}

void preflight_servers(const struct plan *p, time_t deadline, struct preflight_list *out)
{
	const struct plan_services *s = &p->services;
	const char *ca = p->migration.destination.ca_file;
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < s->n_incoming_after; i++) {
		const struct plan_service *v = &s->incoming_after[i];
		struct pf_target t = { .host = v->host, .port = v->port, .proto = v->proto, .tls = v->tls,
		                       .auth = v->auth, .ca_file = ca };
		pf_label(&t, "incoming");
		pf_service(p, &t, deadline, out);
	}
	for (size_t i = 0; i < s->n_outgoing_after; i++) {
		const struct plan_service *v = &s->outgoing_after[i];
		struct pf_target t = { .host = v->host, .port = v->port, .proto = PLAN_PROTO_SMTP,
		                       .tls = v->tls, .smtp_auth = v->smtp_auth, .ca_file = ca };
		pf_label(&t, "outgoing");
		pf_service(p, &t, deadline, out);
	}
	{
		const struct plan_endpoint *d = &p->migration.destination;
		struct pf_target t = { .host = d->host, .port = d->port, .proto = d->proto, .tls = d->tls,
		                       .auth = d->auth, .ca_file = d->ca_file, .destination = true };
		pf_label(&t, "migration destination");
		pf_service(p, &t, deadline, out);
	}
	pf_plaintext(p, "migration source", &p->migration.source, out);
	pf_plaintext(p, "migration destination", &p->migration.destination, out);
}

void preflight_list_free(struct preflight_list *l)
{
	free(l->v);
	memset(l, 0, sizeof *l);
}

const char *preflight_result_name(enum preflight_result r)
{
	switch (r) {
	case PF_OK: return "ok";
	case PF_NOTE: return "note";
	case PF_WARN: return "warning";
	case PF_FAIL: return "fail";
	}
	return "?";
}

enum preflight_result preflight_worst(const struct preflight_list *l)
{
	enum preflight_result w = PF_OK;
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].result > w)
			w = l->v[i].result;
	return w;
}
