/* dstpop3: a POP3 session to the destination as the customer's mail program would open
 * it, to read the UIDLs the new server really serves (record strategy, verify). */
#ifndef CUTOVER_DSTPOP3_H
#define CUTOVER_DSTPOP3_H

#include "migrate/driver.h"

/* The endpoint: the destination host with migration.destination.pop3_port/pop3_tls, or
 * (pop3_port 0) the first POP3 service customers are told to use after the switch. */
int dstpop3_endpoint(const struct plan *p, struct plan_endpoint *out, struct err *e);

int dstpop3_open(struct src **out, const struct plan *p, const struct drv_login *login,
                 struct err *e);

#endif
