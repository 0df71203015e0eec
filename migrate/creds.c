/* creds: pick and read the login secret. */
#include "migrate/creds.h"

#include <string.h>

int creds_get(struct creds *out, const struct plan *p, const struct plan_customer *c,
              bool destination, struct err *e)
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
		return err_set(e, ERR_DATA, "no %s password for customer %s (give one in the CSV or a master user)",
		               destination ? "destination" : "source", c->id);
	}
	if (!out->secret)
		return err_prefix(e, "%s password: ", destination ? "destination" : "source");
	out->login.password = out->secret;
	return 0;
}

void creds_release(struct creds *c)
{
	if (c->secret)
		plan_secret_free(c->secret);
	memset(c, 0, sizeof *c);
}
