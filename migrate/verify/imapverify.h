/* imapverify: an IMAP-sourced mailbox as an IMAP client sees it on both sides — for every
 * source folder (mapped as the copy maps it), the destination folder must hold the same
 * messages (SHA-256, line endings normalised; as multisets, vtally.c: missing, extra,
 * duplicated) with the same flags, keywords and INTERNALDATE. Both sides are read with
 * EXAMINE and BODY.PEEK: verify changes nothing. */
#ifndef CUTOVER_IMAPVERIFY_H
#define CUTOVER_IMAPVERIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "mapping/journal.h"
#include "migrate/verify/vtally.h"
#include "schedule/plan.h"

/* One source folder and its destination folder. */
struct imapverify_folder {
	char *name, *dst_name;
	bool dst_missing;          /* no such folder on the destination */
	size_t src_n, dst_n;
	struct vtally_report tally;
};

struct imapverify_result {
	size_t folders;            /* source folders compared (excluded ones aside) */
	size_t folders_missing;    /* with no destination folder */
	size_t src_n, dst_n;       /* messages (source without \Deleted unless copy_deleted) */
	uint64_t src_bytes, dst_bytes;
	size_t matched;            /* source messages with their own copy on the destination */
	size_t missing;            /* not on the destination (pending ones excused after a pre-stage) */
	size_t pending;            /* not on the destination and unknown to the journal: arrived
	                              after the last run (expected after a pre-stage) */
	struct vtally_counts total;   /* the folders' tallies summed */
	struct imapverify_folder *folder;   /* per source folder compared, n = folders */
	size_t flags_differ, dates_differ;
	char first_problem[256];   /* "folder Work: 1 missing" … for the operator, "" = none */
};

/* j may be NULL (no journal yet); prestage: the journal's last run was a pre-stage, so
 * mail unknown to the journal is pending, not missing. Free r with imapverify_free. */
int imapverify_customer(const struct plan *p, const struct plan_customer *c, struct journal *j,
                        bool prestage, struct imapverify_result *r, struct err *e);
void imapverify_free(struct imapverify_result *r);

#endif
