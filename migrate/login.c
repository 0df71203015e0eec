/* login: choosing and fetching the credentials for a customer's session. */
#include "migrate/login.h"

#include <string.h>

int login_creds_get(const struct plan *p, const struct plan_customer *c, bool destination,
                    struct login_creds *out, struct err *e)
{
	const struct plan_endpoint *ep = destination ? &p->migration.destination : &p->migration.source;
	const struct plan_secret *own = destination ? &c->dest_password : &c->source_password;

	memset(out, 0, sizeof *out);
	out->login.user = destination ? c->dest_login : c->source_login;
	/* A customer's own password wins: some ISPs know it for the old server only. */
	if (plan_secret_is_set(own)) {
		out->secret = plan_secret_get(p, own, e);
	} else if (ep->master_user && plan_secret_is_set(&ep->master_password)) {
		out->login.master_user = ep->master_user;
		out->secret = plan_secret_get(p, &ep->master_password, e);
	} else {
		return err_set(e, ERR_DATA, "customer %s: no password and no master user for the %s", c->id,
		               destination ? "destination" : "source");
	}
	if (!out->secret)
		return err_prefix(e, "customer %s: ", c->id);
	out->login.password = out->secret;
	return 0;
}

void login_creds_release(struct login_creds *lc)
{
	if (lc->secret)
		plan_secret_free(lc->secret);
	memset(lc, 0, sizeof *lc);
}
