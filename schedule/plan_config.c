/* plan_config: the passwords a command will need and the links it will send them over,
 * checked from the plan and the environment alone. */
#include "schedule/plan_config.h"

#include <stdio.h>

static void pc_add(struct diag *d, enum diag_sev sev, const struct plan_pos *pos,
                   const struct plan_pos *fallback, const char *what, const char *why)
{
	const struct plan_pos *at = pos->line ? pos : fallback;
	diag_add(d, sev, at->file, at->line, at->col, "%s: %s", what, why);
}

/* The secret a session for customer c uses on one side: its own, else the master's
 * (*master set then, so the caller reports the master password once). */
static void pc_side(const struct plan *p, const struct plan_customer *c, bool dest,
                    enum diag_sev sev, bool *master, struct diag *d)
{
	const struct plan_endpoint *ep = dest ? &p->migration.destination : &p->migration.source;
	const struct plan_secret *own = dest ? &c->dest_password : &c->source_password;
	char why[512], what[200];
	if (!plan_secret_is_set(own)) {
		*master |= ep->master_user && plan_secret_is_set(&ep->master_password);
		return;
	}
	if (plan_secret_check(p, own, why, sizeof why) == 0)
		return;
	snprintf(what, sizeof what, "customer '%s' (%s server)", c->id, dest ? "new" : "old");
	pc_add(d, sev, &own->pos, &c->pos, what, why);
}

void plan_config_secrets(const struct plan *p, plan_config_pick pick, const void *ctx,
                         enum diag_sev sev, struct diag *d)
{
	bool master[2] = { false, false };
	char why[512];
	for (size_t i = 0; i < p->n_customers; i++) {
		const struct plan_customer *c = &p->customers[i];
		if (!c->id || (pick && !pick(ctx, c->id)))
			continue;
		pc_side(p, c, false, sev, &master[0], d);
		pc_side(p, c, true, sev, &master[1], d);
	}
	for (int k = 0; k < 2; k++) {
		const struct plan_endpoint *ep = k ? &p->migration.destination : &p->migration.source;
		if (master[k] && plan_secret_check(p, &ep->master_password, why, sizeof why) < 0)
			pc_add(d, sev, &ep->master_password.pos, &ep->pos,
			       k ? "migration.destination.auth" : "migration.source.auth", why);
	}
}

bool plan_config_plaintext_refused(const struct plan *p, const struct plan_endpoint *ep)
{
	bool clear = ep->auth == PLAN_AUTH_USER || ep->auth == PLAN_AUTH_PLAIN;
	return ep->host && ep->tls == PLAN_TLS_NONE && clear && !ep->allow_plaintext &&
	       !plan_host_is_loopback(p, ep->host);
}

static void pc_plaintext(const struct plan *p, const char *key, const struct plan_endpoint *ep,
                         enum diag_sev sev, struct diag *d)
{
	char why[600];
	if (!plan_config_plaintext_refused(p, ep))
		return;
	snprintf(why, sizeof why, "auth: %s over tls: none would send passwords in clear to %s, "
	         "which is not a loopback address; use tls: starttls or tls, or say "
	         "allow_plaintext: true on this endpoint if the link is private",
	         plan_auth_name(ep->auth), ep->host);
	pc_add(d, sev, &ep->pos, &ep->pos, key, why);
}

void plan_config_plaintext(const struct plan *p, enum diag_sev sev, struct diag *d)
{
	pc_plaintext(p, "migration.source", &p->migration.source, sev, d);
	pc_plaintext(p, "migration.destination", &p->migration.destination, sev, d);
}
