/* hdr: read one field from a message's header block (RFC 5322), unfolded, without
 * copying the message. Shared by the date, Message-ID and X-UIDL code. */
#ifndef CUTOVER_HDR_H
#define CUTOVER_HDR_H

#include <stdbool.h>
#include <stddef.h>

/* Length of the header block (up to, not including, the empty line), bare LF or CRLF. */
size_t hdr_block_len(const char *data, size_t len);

/* The first field called `name` (case-insensitive): its value unfolded, leading and
 * trailing white space removed, truncated to cap-1 bytes, in out. false if absent. */
bool hdr_first(const char *data, size_t len, const char *name, char *out, size_t cap);

/* The Message-ID as "<...>" (or the bare value if it has no angle brackets) in out;
 * false when there is none or it is empty. */
bool hdr_message_id(const char *data, size_t len, char *out, size_t cap);

#endif
