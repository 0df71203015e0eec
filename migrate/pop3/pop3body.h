/* pop3body: read the body of a POP3 multi-line reply (RETR, TOP) byte for byte.
 *
 * libetpan's reader (mailstream_read_multiline) appends each line with strlen: a NUL byte
 * cuts the rest of its line, silently. This one scans the stream's read buffer itself:
 * lines end at LF (CRLF or a bare LF, as the server sends them; a bare CR is data), a
 * leading "." is removed (RFC 1939 byte-stuffing), the reply ends at a line that is "."
 * alone (".\r\n", or ".\n" from a bare-LF server). Every other byte, NUL and CR included,
 * goes to the sink unchanged, in runs as long as the read buffer allows.
 *
 * Reads go through the stream's low layer, so the plan's timeout applies to each wait and
 * end of file is an error (streameof.h); a stream without that guard that reports end of
 * file is an error here too. */
#ifndef CUTOVER_POP3BODY_H
#define CUTOVER_POP3BODY_H

#include <stddef.h>

#include <libetpan/libetpan.h>

#include "base/buf.h"

/* Where the bytes go: a memory buffer now, a spool file later. append returns 0, or -1
 * when it cannot take them (its cap, no memory, a full disk). */
struct pop3body_sink {
	int (*append)(void *ctx, const char *p, size_t n);
	void *ctx;
};

enum pop3body_rc {
	POP3BODY_OK = 0,
	POP3BODY_STREAM = -1,   /* read failed, timed out or hit end of file: the session is lost */
	POP3BODY_SINK = -2,     /* the sink refused: the rest of the reply is unread (out of step) */
};

/* Read after a "+OK" status line, up to and including the terminating "." line. */
enum pop3body_rc pop3body_read(mailstream *st, const struct pop3body_sink *sink);

/* A sink that appends to a struct buf (its cap applies). */
struct pop3body_sink pop3body_buf_sink(struct buf *b);

#endif
