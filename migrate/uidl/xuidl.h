/* xuidl: the `preserve` UIDL strategy's one change to a message: an `X-UIDL: <old uidl>`
 * line at the very top of the header (a Dovecot destination with pop3_reuse_xuidl = yes
 * serves it as the message's UIDL; Dovecot reads the first X-UIDL, so ours must be first).
 * No other byte is changed. */
#ifndef CUTOVER_XUIDL_H
#define CUTOVER_XUIDL_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"

/* A UIDL fit for the header: 1..70 bytes of 0x21..0x7E (RFC 1939). */
bool xuidl_valid(const char *uidl);

/* out = "X-UIDL: " uidl CRLF + data. */
int xuidl_prepend(struct buf *out, const char *uidl, const char *data, size_t len,
                  struct err *e);

/* Bytes of a leading X-UIDL line that xuidl_prepend added (0 if the message does not start
 * with one); with `uidl` non-NULL, the value is returned there (cap bytes). */
size_t xuidl_leading(const char *data, size_t len, char *uidl, size_t cap);

#endif
