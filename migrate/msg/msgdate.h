/* msgdate: the INTERNALDATE a copied message gets — the date of the top Received: field
 * (when the old server took the mail), else Date:, else now — and RFC 5322 date parsing. */
#ifndef CUTOVER_MSGDATE_H
#define CUTOVER_MSGDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* Parse an RFC 5322 date-time (obsolete forms too: 2-digit years, named zones, comments).
 * *t is UTC, *tz_offset the written zone in seconds east of UTC. */
bool msgdate_parse(const char *s, time_t *t, int *tz_offset);

/* The date for a message (see above); `now` is used when neither header parses.
 * Returns 'R' (Received), 'D' (Date) or 'N' (now). */
char msgdate_for_message(const char *data, size_t len, time_t now, time_t *t, int *tz_offset);

#endif
