/* imap_utf7: mailbox names between our form (UTF-8, '/' between levels) and the
 * server's (RFC 3501 modified UTF-7, the server's own hierarchy delimiter). */
#ifndef CUTOVER_IMAP_UTF7_H
#define CUTOVER_IMAP_UTF7_H

#include "base/err.h"

/* "Archive/日本語" → "Archive.&ZeVnLIqe-" for delim '.'. delim 0 = flat namespace.
 * A level that contains the server's delimiter cannot be represented: ERR_DATA.
 * Returns a malloc'd string, or NULL with e set. */
char *imap_utf7_to_server(const char *utf8, char delim, struct err *e);

/* The reverse. A server name that is not valid modified UTF-7 gives ERR_PROTOCOL. */
char *imap_utf7_from_server(const char *mutf7, char delim, struct err *e);

#endif
