/* model: what a notice says, computed from the plan (and one customer): the variables
 * the templates see (docs/templates.md lists them) and the servers a customer uses. */
#ifndef CUTOVER_MODEL_H
#define CUTOVER_MODEL_H

#include <stdbool.h>
#include <time.h>

#include "base/err.h"
#include "notices/tmpl.h"
#include "schedule/clients.h"
#include "schedule/instr.h"
#include "schedule/plan.h"

/* Variables every document has: operator, window, servers, plan features. */
int model_vars_common(struct tmpl_dict *d, const struct plan *p, enum plan_lang lang, time_t now,
                      struct err *e);
/* Add one customer's variables (call after model_vars_common on the same dict). */
int model_vars_customer(struct tmpl_dict *d, const struct plan *p, const struct instr *in,
                        enum plan_lang lang, struct err *e);

/* The domain part of an address ("" when none). */
const char *model_domain(const char *email);

#endif
