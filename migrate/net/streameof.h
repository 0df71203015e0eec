/* streameof: make a libetpan stream report end of file as an error.
 *
 * libetpan 1.9.4's line reader (mailstream_read_line_append) treats a read of 0 bytes
 * as "the line ends here" and returns what it has — usually "". Its multiline readers
 * (mailstream_read_multiline: TOP, RETR; the LIST/UIDL/CAPA loops in mailpop3.c) then
 * wait for the "." line, get "" again at every call and loop forever, growing their
 * buffer: a POP3 connection dropped mid-reply hangs the process, burning CPU.
 * A POP3 client reads only while it awaits a reply, so end of file there is always a lost
 * connection; returning -1 instead of 0 from the low-level read makes every libetpan
 * reader fail with MAILPOP3_ERROR_STREAM (our ERR_NET) instead. The same holds for IMAP.
 *
 * An IMAP stream also sets `guard` (imapguard.h): every byte read is scanned, and a line
 * libetpan's response parser cannot take safely fails the read instead of reaching it. */
#ifndef CUTOVER_STREAMEOF_H
#define CUTOVER_STREAMEOF_H

#include <stdbool.h>

#include <libetpan/libetpan.h>

#include "migrate/net/imapguard.h"

struct streameof {
	mailstream_low_driver drv;          /* first: the low stream points here */
	const mailstream_low_driver *orig;  /* the socket or TLS driver it wraps */
	bool closed;                        /* the peer closed the connection */
	struct imapguard *guard;            /* IMAP: scan what is read (NULL: POP3) */
};

/* Wrap the stream's current low-level driver. g must outlive the stream's low layer
 * (keep it next to the mailstream and free it after). Call again after the low layer is
 * replaced (STLS); calling it twice on the same low layer does nothing. g->guard is left
 * as the caller set it (before or after). */
void streameof_install(struct streameof *g, mailstream *stream);

#endif
