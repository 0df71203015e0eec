/* creds: how the migrator logs in for one customer on the source or the destination —
 * the customer's own password when the plan gives one, else the endpoint's master user.
 * The secret is read with plan_secret_get and wiped by creds_release. */
#ifndef CUTOVER_CREDS_H
#define CUTOVER_CREDS_H

#include <stdbool.h>

#include "migrate/driver.h"

struct creds {
	struct drv_login login;
	char *secret;      /* owned; wiped on release */
};

int creds_get(struct creds *out, const struct plan *p, const struct plan_customer *c,
              bool destination, struct err *e);
void creds_release(struct creds *c);

#endif
