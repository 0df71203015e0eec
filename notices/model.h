/* model: what a notice says, computed from the plan (and one customer): the variables
 * the templates see (docs/templates.md lists them) and the servers a customer uses. */
#ifndef CUTOVER_MODEL_H
#define CUTOVER_MODEL_H

#include <stdbool.h>
#include <time.h>

#include "base/err.h"
#include "notices/tmpl.h"
#include "schedule/clients.h"
#include "schedule/plan.h"

/* The servers and logins one customer ends up with. */
struct model_choice {
	const struct plan_service *in, *out;
	const char *login_before, *login_after; /* owned by the plan or by `own` below */
	bool must_upgrade;      /* program cannot do SMTP AUTH and the plan offers no alternative */
	bool uses_apop;         /* incoming authentication is APOP */
	bool redownload_risk;   /* program keys POP3 state by (server, login) and one changes */
	bool unchanged;         /* nothing the customer configures changes */
	char *own[2];           /* logins computed from the address; freed by model_choice_release */
};

int model_choose(struct model_choice *ch, const struct plan *p, const struct plan_customer *c,
                 const struct client_info *ci, struct err *e);
void model_choice_release(struct model_choice *ch);

/* Variables every document has: operator, window, servers, plan features. */
int model_vars_common(struct tmpl_dict *d, const struct plan *p, enum plan_lang lang, time_t now,
                      struct err *e);
/* Add one customer's variables (call after model_vars_common on the same dict). */
int model_vars_customer(struct tmpl_dict *d, const struct plan *p, const struct plan_customer *c,
                        const struct client_info *ci, const struct model_choice *ch,
                        enum plan_lang lang, struct err *e);

/* The domain part of an address ("" when none). */
const char *model_domain(const char *email);

#endif
