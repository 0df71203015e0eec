/* spool: a message too big to hold in memory, in a private temporary file. The file is
 * created 0600 in the plan's spool directory and unlinked at once: only our descriptor
 * holds it, so nobody else can open it and nothing is left behind, whatever happens to
 * the process. Bytes go in with spool_write and come out in order with spool_each. */
#ifndef CUTOVER_SPOOL_H
#define CUTOVER_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define SPOOL_CHUNK (256u * 1024)   /* bytes read back at a time */
#define SPOOL_MESSAGE_MAX (2ull * 1024 * 1024 * 1024)   /* one spooled message (IMAP offsets are 32-bit) */

struct spool {
	int fd;                 /* -1: none */
	const char *dir;        /* where it was made (borrowed): for another spool of the same message */
	uint64_t len;           /* bytes written */
	uint64_t stored;        /* their length once every bare CR and LF is CRLF (see spool_stored) */
	uint64_t nuls;          /* NUL bytes among them */
	bool cr;                /* the last byte written was a CR (not yet counted in stored) */
};

/* An empty spool (fd -1): spool_close on it does nothing. */
void spool_init(struct spool *s);

/* Create the file in `dir` (NULL or "": $TMPDIR, else /tmp), mode 0600, and unlink it. */
int spool_open(struct spool *s, const char *dir, struct err *e);

int spool_write(struct spool *s, const void *data, size_t len, struct err *e);

/* The length of the spooled bytes with every bare CR and bare LF made CRLF: what an IMAP
 * server stores (imap_append.h). */
uint64_t spool_stored(const struct spool *s);

/* Call cb with the spooled bytes in order, at most SPOOL_CHUNK at a time; stops at the
 * first cb that returns -1 (with e set). */
int spool_each(const struct spool *s, int (*cb)(void *ctx, const char *p, size_t n, struct err *e),
               void *ctx, struct err *e);

/* The first min(cap, len) bytes into buf; returns how many. */
size_t spool_head(const struct spool *s, char *buf, size_t cap);

void spool_close(struct spool *s);

#endif
