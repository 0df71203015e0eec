/* session: credentials, endpoint resolution and the side prefix for every session. */
#include "migrate/session.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* The login for one side, and the secret it points to (owned, wiped on release). */
struct session_creds {
	struct drv_login login;
	char *secret;
};

static int session_creds_get(struct session_creds *out, const struct plan *p,
                             const struct plan_customer *c, bool destination, struct err *e)
{
	const struct plan_endpoint *ep = destination ? &p->migration.destination : &p->migration.source;
	const struct plan_secret *own = destination ? &c->dest_password : &c->source_password;
	memset(out, 0, sizeof *out);
	out->login.user = destination ? c->dest_login : c->source_login;
	if (!out->login.user || !*out->login.user)
		out->login.user = c->email;
	if (plan_secret_is_set(own)) {
		out->secret = plan_secret_get(p, own, e);
	} else if (ep->master_user && plan_secret_is_set(&ep->master_password)) {
		out->secret = plan_secret_get(p, &ep->master_password, e);
		out->login.master_user = ep->master_user;
	} else {
		return err_set(e, ERR_DATA, "no password for customer %s (give one in the CSV or a master user)",
		               c->id);
	}
	if (!out->secret)
		return err_prefix(e, "password of customer %s: ", c->id);
	out->login.password = out->secret;
	return 0;
}

static void session_creds_release(struct session_creds *sc)
{
	if (sc->secret)
		plan_secret_free(sc->secret);
	memset(sc, 0, sizeof *sc);
}

static const char *session_label(enum session_role role)
{
	switch (role) {
	case SESSION_SOURCE: return "source";
	case SESSION_DESTINATION: return "destination";
	default: return "destination POP3";
	}
}

static int session_proto(enum plan_proto in, enum drv_proto *out, struct err *e)
{
	switch (in) {
	case PLAN_PROTO_POP3: *out = DRV_PROTO_POP3; return 0;
	case PLAN_PROTO_IMAP: *out = DRV_PROTO_IMAP; return 0;
	default: return err_set(e, ERR_DATA, "no mail driver for %s", plan_proto_name(in));
	}
}

static enum drv_tls session_tls(enum plan_tls t)
{
	return t == PLAN_TLS_IMPLICIT ? DRV_TLS_IMPLICIT : t == PLAN_TLS_STARTTLS ? DRV_TLS_STARTTLS
	                                                                          : DRV_TLS_NONE;
}

static enum drv_auth session_auth(enum plan_auth a)
{
	switch (a) {
	case PLAN_AUTH_APOP: return DRV_AUTH_APOP;
	case PLAN_AUTH_PLAIN: return DRV_AUTH_PLAIN;
	case PLAN_AUTH_CRAM_MD5: return DRV_AUTH_CRAM_MD5;
	default: return DRV_AUTH_USER;
	}
}

/* A plan endpoint as the drivers see it: the host through the plan's resolve: table,
 * the certificate still checked against the name. */
static int session_from_plan(const struct plan *p, const struct plan_endpoint *pe,
                             struct drv_endpoint *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	if (session_proto(pe->proto, &out->proto, e) < 0)
		return -1;
	out->host = pe->host;
	out->address = pe->host ? plan_resolve_host(p, pe->host) : NULL;
	out->port = pe->port;
	out->tls = session_tls(pe->tls);
	out->tls_name = pe->tls_name;
	out->ca_file = pe->ca_file;
	out->tls_verify = pe->tls_verify;
	out->auth = session_auth(pe->auth);
	out->timeout_seconds = pe->timeout_seconds;
	return 0;
}

/* The destination's POP3 view: its own pop3_port, else what customers are told to use. */
static int session_dst_pop3(const struct plan *p, struct drv_endpoint *out, struct err *e)
{
	const struct plan_endpoint *d = &p->migration.destination;
	struct plan_endpoint pe = *d;
	pe.proto = PLAN_PROTO_POP3;
	if (d->pop3_port > 0) {
		pe.port = d->pop3_port;
		pe.tls = d->pop3_tls;
	} else {
		size_t i = 0;
		while (i < p->services.n_incoming_after && p->services.incoming_after[i].proto != PLAN_PROTO_POP3)
			i++;
		if (i == p->services.n_incoming_after)
			return err_set(e, ERR_DATA, "no POP3 port for the destination: set migration.destination.pop3_port");
		const struct plan_service *s = &p->services.incoming_after[i];
		pe.host = s->host;
		pe.port = s->port;
		pe.tls = s->tls;
		pe.tls_name = s->host;
	}
	if (session_from_plan(p, &pe, out, e) < 0)
		return -1;
	/* A mail program logs in with USER/PASS; a master user rides on it as "user*master". */
	out->auth = DRV_AUTH_USER;
	return 0;
}

int session_endpoint(const struct plan *p, const struct plan_customer *c, enum session_role role,
                     struct drv_endpoint *out, struct err *e)
{
	int rc;
	if (role == SESSION_SOURCE) {
		struct plan_endpoint pe;
		plan_customer_source(p, c, &pe);
		rc = session_from_plan(p, &pe, out, e);
	} else if (role == SESSION_DESTINATION) {
		rc = session_from_plan(p, &p->migration.destination, out, e);
	} else {
		rc = session_dst_pop3(p, out, e);
	}
	if (rc < 0)
		return -1;
	out->label = session_label(role);
	drv_endpoint_defaults(out);
	return 0;
}

/* The side, once, in front of whatever went wrong; the derived POP3 view also says where. */
static int session_fail(const struct drv_endpoint *ep, enum session_role role, struct err *e)
{
	if (role == SESSION_DESTINATION_POP3 && ep->host)
		return err_prefix(e, "%s %s:%d: ", session_label(role), ep->host, ep->port);
	return err_prefix(e, "%s: ", session_label(role));
}

/* Resolve the endpoint and read the login for it. On failure e carries the side. */
static int session_begin(const struct plan *p, const struct plan_customer *c, enum session_role role,
                         struct drv_endpoint *ep, struct session_creds *sc, struct err *e)
{
	memset(ep, 0, sizeof *ep);
	memset(sc, 0, sizeof *sc);
	if (session_endpoint(p, c, role, ep, e) < 0 ||
	    session_creds_get(sc, p, c, role != SESSION_SOURCE, e) < 0)
		return session_fail(ep, role, e);
	return 0;
}

int session_open_src(struct src **out, const struct plan *p, const struct plan_customer *c,
                     enum session_role role, const struct src_ops *ops, struct err *e)
{
	return session_open_src_in(out, p, c, role, ops, NULL, e);
}

int session_open_src_in(struct src **out, const struct plan *p, const struct plan_customer *c,
                        enum session_role role, const struct src_ops *ops, struct connreg *conns,
                        struct err *e)
{
	struct drv_endpoint ep;
	struct session_creds sc;
	*out = NULL;
	if (session_begin(p, c, role, &ep, &sc, e) < 0)
		return -1;
	ep.conns = conns;
	if (!ops)
		ops = drv_source_for(ep.proto);
	int rc = ops ? ops->open(out, &ep, &sc.login, e) : err_set(e, ERR_DATA, "no driver reads this protocol");
	session_creds_release(&sc);   /* the driver keeps no pointer to the secret */
	if (rc < 0) {
		*out = NULL;
		return session_fail(&ep, role, e);
	}
	return 0;
}

int session_open_dst(struct dst **out, const struct plan *p, const struct plan_customer *c,
                     const struct dst_ops *ops, struct err *e)
{
	return session_open_dst_in(out, p, c, ops, NULL, e);
}

int session_open_dst_in(struct dst **out, const struct plan *p, const struct plan_customer *c,
                        const struct dst_ops *ops, struct connreg *conns, struct err *e)
{
	struct drv_endpoint ep;
	struct session_creds sc;
	*out = NULL;
	if (session_begin(p, c, SESSION_DESTINATION, &ep, &sc, e) < 0)
		return -1;
	ep.conns = conns;
	if (!ops)
		ops = drv_destination_for(ep.proto);
	int rc = ops ? ops->open(out, &ep, &sc.login, e)
	             : err_set(e, ERR_DATA, "no driver writes to this protocol (only IMAP)");
	session_creds_release(&sc);
	if (rc < 0) {
		*out = NULL;
		return session_fail(&ep, SESSION_DESTINATION, e);
	}
	return 0;
}
