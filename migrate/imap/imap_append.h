/* imap_append: APPEND for the IMAP destination, one message per command
 * (mailimap_uidplus_append) or a whole batch in one MULTIAPPEND command (RFC 3502) with
 * non-synchronising literals (RFC 7888 LITERAL+), written on libetpan's stream.
 *
 * Stored bytes: libetpan's APPEND rewrites every bare CR and every bare LF to CRLF before
 * sending (mailstream_send_data_crlf); the batch path applies the same rewrite, so both
 * paths store exactly imap_append_normalize(data). Digests meant to be compared with what
 * the destination serves must be taken over that form.
 *
 * A spooled item (it->spool) is streamed from its file into the literal, a piece at a time,
 * with the same rewrite: memory stays flat whatever its size. That needs LITERAL+ (the
 * literal's length is sent first, the bytes follow without waiting); on a server without
 * it, the one message is read into memory for libetpan's APPEND. */
#ifndef CUTOVER_IMAP_APPEND_H
#define CUTOVER_IMAP_APPEND_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"
#include "migrate/driver.h"
#include "migrate/imap/imap_conn.h"

/* Append to `out` the bytes the server will store for data[0..len). */
int imap_append_normalize(const char *data, size_t len, struct buf *out);
/* Their length, without building them. */
size_t imap_append_stored_size(const char *data, size_t len);

/* What the server will store for the whole item: data, then its spool if it has one. */
uint64_t imap_append_item_size(const struct drv_append *it);

/* Flags and keywords a server can take: keywords must be IMAP atoms not starting with '\'.
 * ERR_DATA names the first bad keyword. */
int imap_append_check(const struct drv_append *it, struct err *e);

/* it's flags and keywords as a libetpan flag list (also for UID STORE); NULL = no memory. */
struct mailimap_flag_list *imap_append_flag_list(const struct drv_append *it);

/* Whether the message (data and spool) holds a NUL byte: it then needs BINARY (literal8)
 * to be stored exactly, and travels alone. */
bool imap_append_has_nul(const struct drv_append *it);

/* One APPEND (a message with NUL bytes: literal8 when the server has BINARY, else without
 * them, it->altered saying so); it->uid is set from APPENDUID (0 without UIDPLUS). `mbox` is the server
 * name (modified UTF-7). */
int imap_append_one(struct imap_conn *c, const char *mbox, struct drv_append *it, struct err *e);

/* One MULTIAPPEND command for items[0..n); only valid when the server advertises both
 * MULTIAPPEND and LITERAL+. The command is atomic: on failure nothing was stored. On
 * success every item's uid is set from the APPENDUID uid-set (0 when the server gave none or
 * one that does not fit). If the connection breaks before the answer, the batch may or may
 * not be stored: the caller must treat it as in doubt. */
int imap_append_multi(struct imap_conn *c, const char *mbox, struct drv_append *items, size_t n,
                      struct err *e);

#endif
