/* pop3spool: a pop3body sink that writes a message into a spool file (migrate/msg/spool.h)
 * instead of memory. The last two bytes are held back until the reply ends: a server adds
 * a line break before the final "." to a message that lacks one, and the caller drops it
 * (pop3src) once it can compare the length with LIST's, which a file cannot take back.
 * The rest is gathered into writes of up to POP3SPOOL_BUF bytes: the body arrives a read
 * buffer at a time (and the held-back pair makes every piece two), so writing each piece
 * as it comes costs a system call per few kilobytes. */
#ifndef CUTOVER_POP3SPOOL_H
#define CUTOVER_POP3SPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "migrate/msg/spool.h"
#include "migrate/pop3/pop3body.h"

#define POP3SPOOL_BUF (64u * 1024)

struct pop3spool {
	struct spool *sp;
	char pend[POP3SPOOL_BUF];   /* received before the tail, not yet written */
	size_t npend;
	char tail[2];      /* the last bytes received, not yet written */
	size_t ntail;
	uint64_t len;      /* bytes received, tail included */
	struct err err;    /* why the sink refused (disk full, over SPOOL_MESSAGE_MAX) */
};

/* Start a reply into sp (open, empty). */
struct pop3body_sink pop3spool_sink(struct pop3spool *w, struct spool *sp);

/* The reply has ended: write the held-back bytes but the last `drop` (0..2, at most the
 * tail). */
int pop3spool_finish(struct pop3spool *w, size_t drop, struct err *e);

#endif
