/* vtally: one folder's comparison of what the source lists with what the destination
 * holds, as multisets of identities, so that a message present twice is seen. Pure: the
 * POP3 and IMAP views (pop3verify.c, imapverify.c) read the servers and hand over items;
 * the journal only sorts a missing message into "failed, recorded" or "pending" (new
 * since a pre-stage) — it never makes a server-side difference disappear. */
#ifndef CUTOVER_VTALLY_H
#define CUTOVER_VTALLY_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

/* What the journal recorded for a source message (vjournal.c maps journal states here). */
enum vtally_rec {
	VTALLY_REC_NONE,        /* unknown to the journal (or no journal) */
	VTALLY_REC_COPIED,      /* DONE, INTENT or SKIPPED: believed to be on the destination */
	VTALLY_REC_FAILED,      /* recorded FAILED: reported as "failed", still an exit-1 count */
	VTALLY_REC_ALTERED,     /* copied with a recorded change: its different bytes are accepted */
};

struct vtally_item {
	const char *id;     /* identity: the old UIDL (POP3 + preserve) or the content digest */
	const char *sha;    /* content digest after the UIDL strategy's strip */
	const char *key;    /* how to name it: source key, or destination UIDL / "uidvalidity/uid" */
	size_t pos;         /* position in its side's listing (POP3 order) */
	enum vtally_rec rec;   /* source: what the journal says; destination: VTALLY_REC_COPIED
	                          when the journal says we put it there */
};

struct vtally_counts {
	size_t matched;      /* source messages with their own identical copy */
	size_t missing;      /* on the source, not on the destination */
	size_t extra;        /* on the destination, from no source message */
	size_t duplicated;   /* copies beyond the source's count of the same identity */
	size_t altered;      /* same identity, other bytes (identity by UIDL only) */
	size_t out_of_order; /* destination messages to move to restore the source's order */
	size_t failed;       /* missing, and recorded FAILED by the journal */
	size_t pending;      /* missing and unknown to the journal (excused after a pre-stage) */
	size_t accepted;     /* recorded ALTERED: differing bytes accepted */
	size_t source_deleted;   /* extra, but copied by us from a message since deleted on the
	                            source: excused after a pre-stage, extra otherwise */
};

#define VTALLY_NAMES_MAX 480
struct vtally_report {
	struct vtally_counts n;
	char names[VTALLY_NAMES_MAX];   /* the first few offenders, "missing UIDL x; …" */
	size_t named;
};

struct vtally_opts {
	bool by_uidl;        /* identity is the old UIDL: altered and order are meaningful */
	bool check_order;    /* the destination's POP3 list must keep the source's order */
	bool prestage;       /* the last run was a pre-stage: mail it never saw is pending */
};

/* Compare one folder; items are reordered. r is added to (not cleared). */
int vtally_folder(struct vtally_item *src, size_t ns, struct vtally_item *dst, size_t nd,
                  const struct vtally_opts *o, struct vtally_report *r, struct err *e);

/* Every count that makes verify exit 1. */
size_t vtally_problems(const struct vtally_counts *c);
void vtally_add(struct vtally_counts *sum, const struct vtally_counts *c);
/* Name one offender in r (up to a few; content never: keys and counts only). */
void vtally_name(struct vtally_report *r, const char *what, const char *key, size_t count);

#endif
