/* send: submit finished messages to the plan's SMTP server with libcurl (one connection
 * reused), with a token bucket for notices.per_hour. */
#ifndef CUTOVER_SEND_H
#define CUTOVER_SEND_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "schedule/plan.h"

struct send;

/* ep: plan->notices.send (user in master_user). password may be NULL (no AUTH).
 * ca_path: ep->ca_file resolved against the plan's directory, or NULL. */
int send_open(struct send **out, const struct plan_endpoint *ep, const char *password,
              const char *ca_path, struct err *e);
void send_close(struct send *s);

/* One message. On failure e->cls says what a retry can do: ERR_TEMP (4xx, a dropped
 * connection), ERR_PERM (5xx for this message), ERR_AUTH, ERR_TLS, ERR_NET; e->server
 * holds the server's refusal line. */
int send_message(struct send *s, const char *from, const char *to, const char *msg, size_t len,
                 struct err *e);

/* Token bucket: at most per_hour sends, one at a time (no burst), so a long run spreads
 * evenly. */
struct send_bucket {
	double interval;   /* seconds between sends */
	double next;       /* monotonic time the next send may start */
};
void send_bucket_init(struct send_bucket *b, int per_hour);
/* Sleep until a send may start, and take the token. */
void send_bucket_take(struct send_bucket *b);
double send_clock(void);

#endif
