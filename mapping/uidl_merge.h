/* uidl_merge: put exported P (POP3 UIDL) and O (POP3 order) fields into a destination
 * Maildir folder's dovecot-uidlist (`cutover uidl merge`), the way Dovecot itself
 * rewrites it: under its dotlock (dovecot-uidlist.lock, created exclusively), the new
 * content written into the lock file and renamed over the old file. Other extension
 * fields and the file names are kept; P and O of the merged UIDs are replaced.
 * Only records whose "#folder" block names `folder` and whose UIDVALIDITY equals the
 * file's are used: after a UIDVALIDITY change the UIDs mean other messages. */
#ifndef CUTOVER_UIDL_MERGE_H
#define CUTOVER_UIDL_MERGE_H

#include <stddef.h>

#include "base/err.h"

struct uidl_merge_stats {
	size_t records;   /* records for this folder and UIDVALIDITY in the export */
	size_t merged;    /* uidlist lines that got P/O */
	size_t missing;   /* records whose UID is not in the uidlist (expunged, not yet seen) */
	size_t stale;     /* records for this folder with another UIDVALIDITY (ignored) */
};

/* dir: the folder's Maildir directory (where its dovecot-uidlist is). ERR_LOCKED when the
 * lock exists; ERR_DATA for a UIDVALIDITY mismatch or a file we do not understand. */
int uidl_merge(const char *records_path, const char *folder, const char *dir,
               struct uidl_merge_stats *st, struct err *e);

#endif
