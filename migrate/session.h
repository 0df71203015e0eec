/* session: the one way to open a customer's session on a server. It reads the login
 * (the customer's own password, else the endpoint's master user), resolves where to
 * connect from the plan (per-customer source protocol and port, resolve: entries, the
 * destination's POP3 view), opens the driver, wipes the secret, and names the side in
 * every error it returns, exactly once: "source: ", "destination: " or
 * "destination POP3 host:port: ". Drivers never see the plan. */
#ifndef CUTOVER_SESSION_H
#define CUTOVER_SESSION_H

#include "base/err.h"
#include "migrate/driver.h"
#include "schedule/plan.h"

enum session_role {
	SESSION_SOURCE,           /* the customer's own source (POP3 or IMAP per customer) */
	SESSION_DESTINATION,      /* the destination IMAP server */
	SESSION_DESTINATION_POP3, /* the destination as the customer's POP3 client sees it:
	                             migration.destination.pop3_port/pop3_tls, or (pop3_port 0)
	                             the first POP3 service of services.incoming.after */
};

/* Where `role` of customer c logs in, resolved; the strings point into the plan. The
 * error (ERR_DATA: no POP3 port for the destination, a protocol no driver speaks) has no
 * prefix: session_open_* add it. */
int session_endpoint(const struct plan *p, const struct plan_customer *c, enum session_role role,
                     struct drv_endpoint *out, struct err *e);

/* Open a reading session for `role` (the destination roles read through a source driver,
 * EXAMINE only: verify). ops NULL = the driver for the endpoint's protocol; tests pass
 * their own. On failure *out is NULL and e is prefixed with the side. */
int session_open_src(struct src **out, const struct plan *p, const struct plan_customer *c,
                     enum session_role role, const struct src_ops *ops, struct err *e);

/* Open the destination for writing (SESSION_DESTINATION). ops as above. */
int session_open_dst(struct dst **out, const struct plan *p, const struct plan_customer *c,
                     const struct dst_ops *ops, struct err *e);

/* The same, with the connection registered in a run's registry (net/connreg.h), so that
 * the run's stop path can shut it down (NULL = untracked, as above). */
int session_open_src_in(struct src **out, const struct plan *p, const struct plan_customer *c,
                        enum session_role role, const struct src_ops *ops, struct connreg *conns,
                        struct err *e);
int session_open_dst_in(struct dst **out, const struct plan *p, const struct plan_customer *c,
                        const struct dst_ops *ops, struct connreg *conns, struct err *e);

#endif
