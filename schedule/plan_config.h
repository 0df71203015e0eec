/* plan_config: what the commands that log in (run, dry-run, verify) need from this machine
 * and the plan's security settings, checked once before anything starts or is recorded,
 * so that a missing password is one list of errors at the start, not one failure per
 * customer in the middle of the night. */
#ifndef CUTOVER_PLAN_CONFIG_H
#define CUTOVER_PLAN_CONFIG_H

#include <stdbool.h>

#include "base/diag.h"
#include "schedule/plan.h"

/* Which customers a command works on; NULL = every customer. */
typedef bool (*plan_config_pick)(const void *ctx, const char *customer_id);

/* Every password the picked customers' sessions would read that cannot be read now (its
 * variable unset or empty, its file unreadable): one diagnostic of severity sev each, at
 * the plan key or CSV row that names it; a master password once, however many use it. */
void plan_config_secrets(const struct plan *p, plan_config_pick pick, const void *ctx,
                         enum diag_sev sev, struct diag *d);

/* Each migration endpoint that would send a password in clear (user or plain auth,
 * tls: none) to a host that is not loopback, unless it says allow_plaintext: true: one
 * diagnostic of severity sev at the endpoint. Looks at the plan only; connects nowhere. */
void plan_config_plaintext(const struct plan *p, enum diag_sev sev, struct diag *d);
/* The rule itself, for one endpoint (dry-run's pre-flight reports it): true when run
 * would refuse it. */
bool plan_config_plaintext_refused(const struct plan *p, const struct plan_endpoint *ep);

#endif
