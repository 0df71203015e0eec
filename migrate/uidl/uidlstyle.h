/* uidlstyle: guess which server software produced a list of POP3 UIDLs, so status and
 * dry-run can tell the operator what the customers' clients have remembered and which
 * Dovecot pop3_uidl_format (if any) would reproduce it. */
#ifndef CUTOVER_UIDLSTYLE_H
#define CUTOVER_UIDLSTYLE_H

#include <stddef.h>

/* One of:
 *   "qmail"         maildir file names (qmail-pop3d, Dovecot %f, Courier v0): "1037.M1P2.host,S=9"
 *   "dovecot"       Dovecot default %08Xu%08Xv: 16 hex, the last 8 (UIDVALIDITY) constant
 *   "uw"            UW ipop3d %08lx%08lx: 16 hex, the first 8 (UIDVALIDITY) constant
 *   "dovecot-or-uw" 16 hex but the list cannot tell which half is the UIDVALIDITY
 *   "courier"       Courier "UID<n>-<uidvalidity>" or "UID<n>"
 *   "cyrus"         Cyrus "<uidvalidity>.<uid>" or a bare decimal UID (uidonly / old Cyrus)
 *   "unknown"       empty list, mixed styles, or anything else
 * All UIDLs must have the same style for a verdict. */
const char *uidlstyle_guess(const char *const *uidls, size_t n);

#endif
