/* plan_customers: defaults every customer gets from the plan (language, logins, the
 * canonical mail program), whether it came from the plan or from the CSV. */
#include "schedule/plan_p.h"

#include <stdlib.h>
#include <string.h>

#include "schedule/clients.h"

static char *plan_customers_login(const char *email, enum plan_username how)
{
	const char *at = strrchr(email, '@');
	char *s = how == PLAN_USERNAME_LOCAL_PART && at ? strndup(email, (size_t)(at - email))
	                                                 : strdup(email);
	if (!s)
		abort();
	return s;
}

struct plan_customers_unknown {
	const char *raw;
	size_t first, count;
};

#define PLAN_UNKNOWN_MAX 100

void plan_customers_fill(struct plan_ctx *c)
{
	struct plan *p = c->plan;
	struct plan_customers_unknown unk[PLAN_UNKNOWN_MAX];
	size_t n_unk = 0, more = 0;

	for (size_t i = 0; i < p->n_customers; i++) {
		struct plan_customer *cu = &p->customers[i];
		const struct client_info *ci = NULL;
		if (!cu->has_lang)
			cu->lang = p->language;
		if (cu->email && plan_email_valid(cu->email)) {
			if (!cu->source_login)
				cu->source_login = plan_customers_login(cu->email, p->services.username_before);
			if (!cu->dest_login)
				cu->dest_login = plan_customers_login(cu->email, p->services.username_after);
		}
		if (cu->client)
			continue;
		if (cu->client_raw && *cu->client_raw) {
			ci = clients_lookup(cu->client_raw);
			if (!ci) {
				size_t k;
				for (k = 0; k < n_unk && strcmp(unk[k].raw, cu->client_raw) != 0; k++)
					;
				if (k < n_unk)
					unk[k].count++;
				else if (n_unk < PLAN_UNKNOWN_MAX)
					unk[n_unk++] = (struct plan_customers_unknown){ cu->client_raw, i, 1 };
				else
					more++;
			}
		}
		if (!ci)
			ci = clients_generic();
		if (!(cu->client = strdup(ci->id)))
			abort();
	}
	for (size_t k = 0; k < n_unk; k++) {
		const struct plan_customer *cu = &p->customers[unk[k].first];
		if (unk[k].count > 1)
			plan_walk_warn_pos(c, &cu->pos, "customer '%s': unknown mail program '%s' (%zu customers); "
			            "their notices use the generic instructions", cu->id ? cu->id : "?",
			            unk[k].raw, unk[k].count);
		else
			plan_walk_warn_pos(c, &cu->pos, "customer '%s': unknown mail program '%s'; the notice uses "
			            "the generic instructions", cu->id ? cu->id : "?", unk[k].raw);
	}
	if (more)
		plan_walk_warn_pos(c, NULL, "%zu more customers with unknown mail programs", more);
}

void plan_customer_release(struct plan_customer *cu)
{
	free(cu->id);
	free(cu->email);
	free(cu->name);
	free(cu->client);
	free(cu->client_raw);
	free(cu->source_login);
	free(cu->dest_login);
	plan_secret_wipe(&cu->source_password);
	plan_secret_wipe(&cu->dest_password);
	memset(cu, 0, sizeof *cu);
}

void plan_customers_free(struct plan *p)
{
	for (size_t i = 0; i < p->n_customers; i++)
		plan_customer_release(&p->customers[i]);
	free(p->customers);
	p->customers = NULL;
	p->n_customers = 0;
}

void plan_customer_source(const struct plan *p, const struct plan_customer *c,
                          struct plan_endpoint *out)
{
	*out = p->migration.source;
	if (!c->has_source_proto || c->source_proto == out->proto)
		return;
	out->proto = c->source_proto;
	bool tls = out->tls == PLAN_TLS_IMPLICIT;
	if (out->proto == PLAN_PROTO_IMAP)
		out->port = out->imap_port ? out->imap_port : tls ? 993 : 143;
	else
		out->port = out->pop3_port ? out->pop3_port : tls ? 995 : 110;
}
