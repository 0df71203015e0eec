/* imap_fetch: UID FETCH of message bodies or header fields with BODY.PEEK (never BODY[],
 * which would set \Seen), one command per call. */
#ifndef CUTOVER_IMAP_FETCH_H
#define CUTOVER_IMAP_FETCH_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "migrate/imap/imap_conn.h"

/* Called once per requested UID, in the order requested; data == NULL when the server
 * returned nothing for that UID (expunged meanwhile). Return 0 to go on, -1 to stop. */
typedef int (*imap_fetch_cb)(void *ctx, uint32_t uid, const char *data, size_t len, struct err *e);

/* header == NULL: BODY.PEEK[] (the whole message); else BODY.PEEK[HEADER.FIELDS (header)].
 * The selected mailbox is used (EXAMINE or SELECT is the caller's business). */
int imap_fetch_uids(struct imap_conn *c, const uint32_t *uids, size_t n, const char *header,
                    imap_fetch_cb cb, void *ctx, struct err *e);

/* A message too big for memory: BODY.PEEK[]<offset.IMAP_FETCH_CHUNK> pieces, each written
 * to `sp` as it arrives, until the server sends a short piece (Dovecot remembers where the
 * last piece ended, so the pieces cost it no re-reading). A vanished message is ERR_NOTFOUND
 * with ERR_SCOPE_MESSAGE. */
#define IMAP_FETCH_CHUNK (2u * 1024 * 1024)
struct spool;
int imap_fetch_spool(struct imap_conn *c, uint32_t uid, struct spool *sp, struct err *e);

#endif
