/* imap_list: every folder of an IMAP account (LIST "" "*" plus LSUB), with names turned
 * into our form (UTF-8, '/'-separated), \Noselect and special-use flags. */
#ifndef CUTOVER_IMAP_LIST_H
#define CUTOVER_IMAP_LIST_H

#include <stddef.h>

#include "base/err.h"
#include "migrate/driver.h"
#include "migrate/imap/imap_conn.h"

/* *out is malloc'd (free with drv_folder_list_free). Also caches the delimiter in c. */
int imap_list_folders(struct imap_conn *c, struct drv_folder **out, size_t *n, struct err *e);

/* Our folder name → the server's (mUTF-7, server delimiter; "inbox" in any case → INBOX). */
char *imap_list_server_name(struct imap_conn *c, const char *folder, struct err *e);

#endif
