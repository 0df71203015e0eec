/* pop3verify: a POP3-sourced mailbox as a POP3 client sees it on both sides — the source,
 * and the destination over POP3 (its pop3_port): message count, bytes, the SHA-256 of
 * every message (what the UIDL strategy added stripped, line endings normalised) and the
 * UIDL list. Messages are matched as multisets (vtally.c) by the old UIDL when the
 * strategy promises it (preserve), else by digest: missing, extra, duplicated, altered,
 * out of order. Both sides are only read (TOP, never DELE); the journal is optional. */
#ifndef CUTOVER_POP3VERIFY_H
#define CUTOVER_POP3VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "mapping/journal.h"
#include "migrate/verify/vtally.h"
#include "schedule/plan.h"

struct pop3verify_result {
	size_t src_n, dst_n;       /* messages */
	uint64_t src_bytes, dst_bytes;
	size_t matched;            /* source messages with their own copy (by digest) */
	size_t missing;            /* source messages with none: a loss */
	size_t uidl_preserved;     /* source UIDLs served by the destination for the same message */
	size_t uidl_missing, uidl_extra, uidl_changed;
	bool order_kept;           /* the destination lists the source's UIDLs in the same order */
	bool loss;                 /* any tally count, or (uidl: preserve) a UIDL lost or moved */
	bool by_uidl;              /* identity: the old UIDL (preserve), else the content digest */
	struct vtally_report tally;   /* the one folder, INBOX */
};

/* j may be NULL (no journal); prestage: the journal's last run was a pre-stage. */
int pop3verify_customer(const struct plan *p, const struct plan_customer *c, struct journal *j,
                        bool prestage, struct pop3verify_result *r, struct err *e);

#endif
