/* imap_index: the reconcile pass of the IMAP destination — every message of the selected
 * mailbox in one command: UID FETCH 1:* (UID RFC822.SIZE BODY.PEEK[HEADER.FIELDS
 * (<header> MESSAGE-ID)]). Never one SEARCH per message. */
#ifndef CUTOVER_IMAP_INDEX_H
#define CUTOVER_IMAP_INDEX_H

#include "base/err.h"
#include "migrate/driver.h"
#include "migrate/imap/imap_conn.h"

/* The selected mailbox's messages, ascending UID. header may be NULL (Message-ID only). */
int imap_index_selected(struct imap_conn *c, const char *header, struct drv_index *out,
                        struct err *e);

#endif
