/* deliver: send one customer's notice exactly once: claim it in the journal, wait for the
 * rate limit, submit with retries for temporary failures, record the outcome. */
#ifndef CUTOVER_DELIVER_H
#define CUTOVER_DELIVER_H

#include <stddef.h>

#include "base/err.h"
#include "mapping/journal.h"
#include "notices/send.h"

enum deliver_result { DELIVER_SENT, DELIVER_ALREADY_SENT, DELIVER_IN_DOUBT, DELIVER_FAILED };

struct deliver {
	struct send *send;
	struct journal *journal;
	struct send_bucket bucket;
	int attempts;            /* tries for a temporary failure (>= 1) */
	int first_delay_ms, max_delay_ms;
	const char *kind;        /* journal notice kind, e.g. "notice" */
};

/* The per-customer outcome is in *res (with e describing a DELIVER_FAILED). Returns -1
 * only when the run cannot go on (journal error, authentication or TLS refused: every
 * later customer would fail the same way). */
int deliver_one(struct deliver *d, const char *customer, const char *from, const char *to,
                const char *msg, size_t len, const char *message_id, enum deliver_result *res,
                struct err *e);

#endif
