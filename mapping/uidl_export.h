/* uidl_export: the UIDL map for the new server's admin (`cutover uidl PLAN export`),
 * written from the journal's DONE rows.
 *
 * CSV (RFC 4180: CRLF line ends, fields with , " CR LF quoted, quotes doubled), one
 * header line, then one line per copied message in source order:
 *   customer,email,folder,src_seq,old_uidl,dst_folder,dst_uidvalidity,dst_uid,dst_uidl,
 *   size,sha256,message_id
 * old_uidl is empty for messages that had none (IMAP source, or a POP3 server without
 * UIDL); dst_uid 0 = the destination did not say (no UIDPLUS).
 *
 * Dovecot: records for a Maildir's `dovecot-uidlist`, one block per customer. Dovecot
 * reads a record line as "<uid> [<key><value> ...] :<filename>"; key P is the POP3 UIDL
 * served instead of the configured format, key O the POP3 order (lower first). We cannot
 * know the destination's file names, so our lines stop before the ':' and are keyed by
 * UID; uidl_merge (`cutover uidl merge`) adds them to the real file. The form:
 *   #customer <id>            (starts each customer's block)
 *   # comment lines (who, how to merge, and every message left out, with the reason)
 *   #folder V<dst uidvalidity> <dst folder name>
 *   <dst uid> P<old uidl> O<pop3 order>
 * Records are sorted by UID within a folder block, as dovecot-uidlist requires. A value
 * ends at the first space and there is no escape, so an old UIDL outside 0x21-0x7E
 * (RFC 1939 allows nothing else) cannot be a P field: such messages, and messages whose
 * destination UID or UIDVALIDITY is unknown, are listed in comments and counted. */
#ifndef CUTOVER_UIDL_EXPORT_H
#define CUTOVER_UIDL_EXPORT_H

#include <stddef.h>
#include <stdio.h>

#include "base/err.h"
#include "mapping/journal.h"

struct uidl_export_stats {
	size_t customers;     /* customers with at least one line written */
	size_t rows;          /* message lines written */
	size_t left_out;      /* dovecot: messages with an old UIDL that could not be written */
};

/* customer NULL = every customer in the journal. Errors writing `out` are ERR_IO. */
int uidl_export_csv(struct journal *j, const char *customer, FILE *out,
                    struct uidl_export_stats *st, struct err *e);
int uidl_export_dovecot(struct journal *j, const char *customer, FILE *out,
                        struct uidl_export_stats *st, struct err *e);
/* One file per customer with messages that have an old UIDL: DIR/<customer>.uidlist
 * (bytes of the id outside [A-Za-z0-9._@+-] as %XX; no leading dot). The directory is
 * created (0700) if missing. */
int uidl_export_dovecot_dir(struct journal *j, const char *customer, const char *dir,
                            struct uidl_export_stats *st, struct err *e);

/* Create (truncate) an export file with mode 0600: it holds customer data, like the
 * journal. NULL with e set on failure. */
FILE *uidl_export_create(const char *path, struct err *e);

/* Whether a UIDL can be written as a dovecot-uidlist P value. */
bool uidl_export_p_ok(const char *uidl);

#endif
