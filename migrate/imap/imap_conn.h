/* imap_conn: one logged-in libetpan IMAP session, shared by the IMAP source and the IMAP
 * destination: connect (plain / STARTTLS / implicit TLS), certificate check before any
 * credential, LOGIN or AUTHENTICATE PLAIN (master user), capabilities, and the one place
 * where libetpan results become a struct err. */
#ifndef CUTOVER_IMAP_CONN_H
#define CUTOVER_IMAP_CONN_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <libetpan/libetpan.h>

#include "base/buf.h"
#include "base/err.h"
#include "migrate/driver.h"
#include "migrate/net/streameof.h"
#include "migrate/net/trace.h"

/* Debian's libetpan has no zlib: COMPRESS=DEFLATE switches the server to deflate and kills
 * the session although the capability is advertised (libraries.md pitfall 5). */
#pragma GCC poison mailimap_compress

struct imap_conn {
	mailimap *s;
	int timeout;          /* seconds, as applied to the socket */
	time_t last_io;       /* last byte in or out: tells a timeout from a reset */
	bool dead;            /* the stream failed: no further command may be sent */
	char delim;           /* hierarchy delimiter; 0 = flat (valid once delim_known) */
	bool delim_known;
	struct streameof eof; /* s's low stream reads through it: freed after s */
	struct imapguard guard;   /* what eof scans before libetpan parses it (imapguard.h) */
	int fd;               /* s's socket as registered in conns; -1 = none */
	struct connreg *conns;
	struct trace trace;   /* -v: the redacted protocol trace */
};

/* Connect to ep->address, verify TLS against ep->tls_name, log in, read capabilities.
 * On failure *out is NULL. */
int imap_conn_open(struct imap_conn **out, const struct drv_endpoint *ep,
                   const struct drv_login *login, struct err *e);
/* LOGOUT when the session is still healthy, then free. NULL is fine. */
void imap_conn_close(struct imap_conn *c);

/* Whether CAPABILITY lists `name` (case-insensitive, whole word, e.g. "MULTIAPPEND"). */
bool imap_conn_has(struct imap_conn *c, const char *name);
/* The number in a "NAME=value" capability (APPENDLIMIT=35882577); 0 if absent. */
uint64_t imap_conn_cap_number(struct imap_conn *c, const char *name);

/* The server's hierarchy delimiter (LIST "" ""), cached. */
int imap_conn_delim(struct imap_conn *c, char *delim, struct err *e);

/* UID FETCH `set` with `ft`, both taken (freed here). Either NULL means building it ran
 * out of memory: ERR_NOMEM, -1. Otherwise 0, libetpan's code in *r and its list in *result;
 * the caller answers a failed *r with imap_conn_fail, naming what it fetched. */
int imap_conn_uid_fetch(struct imap_conn *c, struct mailimap_set *set,
                        struct mailimap_fetch_type *ft, clist **result, int *r, struct err *e);

/* Pipelining: write the commands `cmds` (no tag, no CRLF) each with the next tag, back to
 * back, then flush; the first one's tag in *tag (the others follow it). secret: the bytes
 * go to the logger as private (credentials). Returns a MAILIMAP_* code. */
int imap_conn_send(struct imap_conn *c, const char *const *cmds, size_t n, bool secret, int *tag);
/* Append `s` as an IMAP quoted string ("a\"b" for a"b) to b, as it is: 0, or -1 when
 * memory runs out. */
int imap_conn_put_quoted(struct buf *b, const char *s);
/* The same, malloc'd; NULL when `s` holds a byte a quoted string cannot carry (control,
 * 8-bit: those need a literal) or out of memory. */
char *imap_conn_quoted(const char *s);
/* Read the whole reply to the command tagged `tag`, in the order they were sent; what it
 * carried (LIST lines, capabilities …) is in c->s->imap_response_info until the next reply
 * is read. MAILIMAP_NO_ERROR for OK, `fail_code` for NO, else libetpan's code (BAD is
 * MAILIMAP_ERROR_PROTOCOL); answer a failure with imap_conn_fail. */
int imap_conn_reply(struct imap_conn *c, int tag, int fail_code);

/* Turn a failed libetpan call `r` into e: a line the guard refused becomes ERR_PROTOCOL
 * with the line's start as the server's words; stream errors become ERR_NET/ERR_TIMEOUT
 * (and the connection is marked dead), response codes ([OVERQUOTA], [TOOBIG],
 * [AUTHENTICATIONFAILED], [UNAVAILABLE], [INUSE], [NONEXISTENT], [TRYCREATE] …) pick
 * the class, otherwise `fallback`. The server's text goes to e->server, the response
 * code to e->resp_code. The message is "imap <what>: <reason>". Returns -1. */
int imap_conn_fail(struct imap_conn *c, int r, enum err_class fallback, struct err *e,
                   const char *what, ...) __attribute__((format(printf, 5, 6)));

/* Whether the last tagged NO carried [TRYCREATE]. */
bool imap_conn_trycreate(struct imap_conn *c);

/* Refuse to talk on a dead stream (returns -1 with ERR_NET). */
int imap_conn_usable(struct imap_conn *c, struct err *e);

#endif
