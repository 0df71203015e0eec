/* dstpop3: the POP3 view of the destination, through the POP3 source driver. */
#include "migrate/dstpop3.h"

#include <string.h>

int dstpop3_endpoint(const struct plan *p, struct plan_endpoint *out, struct err *e)
{
	const struct plan_endpoint *d = &p->migration.destination;
	*out = *d;
	out->proto = PLAN_PROTO_POP3;
	out->auth = PLAN_AUTH_USER;
	if (d->pop3_port > 0) {
		out->port = d->pop3_port;
		out->tls = d->pop3_tls;
		return 0;
	}
	for (size_t i = 0; i < p->services.n_incoming_after; i++) {
		const struct plan_service *s = &p->services.incoming_after[i];
		if (s->proto != PLAN_PROTO_POP3)
			continue;
		out->host = (char *)plan_resolve_host(p, s->host);
		out->port = s->port;
		out->tls = s->tls;
		out->tls_name = s->host;
		return 0;
	}
	return err_set(e, ERR_DATA, "no POP3 port for the destination: set migration.destination.pop3_port");
}

int dstpop3_open(struct src **out, const struct plan *p, const struct drv_login *login,
                 struct err *e)
{
	struct plan_endpoint ep;
	const struct src_ops *ops = drv_source_for(PLAN_PROTO_POP3);
	*out = NULL;
	if (!ops)
		return err_set(e, ERR_INTERNAL, "no POP3 driver");
	if (dstpop3_endpoint(p, &ep, e) < 0)
		return -1;
	if (ops->open(out, p, &ep, login, e) < 0)
		return err_prefix(e, "destination POP3 %s:%d: ", ep.host, ep.port);
	return 0;
}
