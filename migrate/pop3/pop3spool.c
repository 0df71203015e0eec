/* pop3spool: see pop3spool.h. */
#include "migrate/pop3/pop3spool.h"

#include <string.h>

/* Bytes for the file, in order: gathered, written when the gathering is full. */
static int pop3spool_put(struct pop3spool *w, const char *p, size_t n)
{
	if (w->npend + n > sizeof w->pend) {
		if (spool_write(w->sp, w->pend, w->npend, &w->err) < 0)
			return -1;
		w->npend = 0;
		if (n >= sizeof w->pend)
			return spool_write(w->sp, p, n, &w->err);
	}
	memcpy(w->pend + w->npend, p, n);
	w->npend += n;
	return 0;
}

static int pop3spool_append(void *ctx, const char *p, size_t n)
{
	struct pop3spool *w = ctx;
	if (n > SPOOL_MESSAGE_MAX + 2 - w->len) {   /* +2: the line break a server may add */
		err_set(&w->err, ERR_TOOBIG, "the message is over the %llu-byte limit for one message",
		        (unsigned long long)SPOOL_MESSAGE_MAX);
		return -1;
	}
	w->len += n;
	if (n >= 2) {
		if (pop3spool_put(w, w->tail, w->ntail) < 0 || pop3spool_put(w, p, n - 2) < 0)
			return -1;
		memcpy(w->tail, p + n - 2, 2);
		w->ntail = 2;
	} else if (n == 1) {
		if (w->ntail == 2) {
			if (pop3spool_put(w, w->tail, 1) < 0)
				return -1;
			w->tail[0] = w->tail[1];
			w->ntail = 1;
		}
		w->tail[w->ntail++] = p[0];
	}
	return 0;
}

struct pop3body_sink pop3spool_sink(struct pop3spool *w, struct spool *sp)
{
	memset(w, 0, sizeof *w);
	w->sp = sp;
	return (struct pop3body_sink){.append = pop3spool_append, .ctx = w};
}

int pop3spool_finish(struct pop3spool *w, size_t drop, struct err *e)
{
	if (drop > w->ntail)
		drop = w->ntail;
	w->len -= drop;
	if (pop3spool_put(w, w->tail, w->ntail - drop) < 0 ||
	    spool_write(w->sp, w->pend, w->npend, &w->err) < 0) {
		*e = w->err;
		return -1;
	}
	w->npend = 0;
	return 0;
}
