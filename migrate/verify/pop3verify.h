/* pop3verify: a POP3-sourced mailbox as a POP3 client sees it on both sides — the source,
 * and the destination over POP3 (its pop3_port): message count, bytes, the SHA-256 of
 * every message (our X-UIDL line aside, line endings normalised) and the UIDL list:
 * preserved, missing, extra, changed, order. Both sides are only read (no DELE). */
#ifndef CUTOVER_POP3VERIFY_H
#define CUTOVER_POP3VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "schedule/plan.h"

struct pop3verify_result {
	size_t src_n, dst_n;       /* messages */
	uint64_t src_bytes, dst_bytes;
	size_t matched;            /* source messages with their own copy (by digest) */
	size_t missing;            /* source messages with none: a loss */
	size_t uidl_preserved;     /* source UIDLs served by the destination for the same message */
	size_t uidl_missing, uidl_extra, uidl_changed;
	bool order_kept;           /* the destination lists the source's UIDLs in the same order */
	bool loss;                 /* a message lost, or (uidl: preserve) a UIDL lost or moved */
};

int pop3verify_customer(const struct plan *p, const struct plan_customer *c,
                        struct pop3verify_result *r, struct err *e);

#endif
