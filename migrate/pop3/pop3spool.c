/* pop3spool: see pop3spool.h. */
#include "migrate/pop3/pop3spool.h"

#include <string.h>

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
		if ((w->ntail && spool_write(w->sp, w->tail, w->ntail, &w->err) < 0) ||
		    spool_write(w->sp, p, n - 2, &w->err) < 0)
			return -1;
		memcpy(w->tail, p + n - 2, 2);
		w->ntail = 2;
	} else if (n == 1) {
		if (w->ntail == 2) {
			if (spool_write(w->sp, w->tail, 1, &w->err) < 0)
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
	return spool_write(w->sp, w->tail, w->ntail - drop, e);
}
