/* login: who the migrator logs in as for one customer on the source or the destination:
 * the customer's own login with their password, or a master user acting for them. */
#ifndef CUTOVER_LOGIN_H
#define CUTOVER_LOGIN_H

#include <stdbool.h>

#include "migrate/driver.h"

struct login_creds {
	struct drv_login login;   /* points into the plan and into `secret` */
	char *secret;             /* owned; wiped and freed by login_creds_release */
};

/* Fill creds for customer c on the source (destination = false) or the destination. */
int login_creds_get(const struct plan *p, const struct plan_customer *c, bool destination,
                    struct login_creds *out, struct err *e);
void login_creds_release(struct login_creds *lc);

#endif
