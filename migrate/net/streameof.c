/* streameof: see streameof.h for why a 0-byte read must become -1, and imapguard.h for
 * why an IMAP stream's bytes are scanned here. */
#include "migrate/net/streameof.h"

static ssize_t streameof_read(mailstream_low *low, void *buf, size_t count)
{
	struct streameof *g = (struct streameof *)low->driver;
	if (g->guard && g->guard->why != IMAPGUARD_OK)
		return -1;
	ssize_t r = g->orig->mailstream_read(low, buf, count);
	if (r == 0 && count > 0) {
		g->closed = true;
		return -1;
	}
	if (r > 0 && g->guard) {
		/* The lines before a refused one still go up; the next read fails. */
		size_t ok = imapguard_scan(g->guard, buf, (size_t)r);
		if (ok < (size_t)r)
			return ok > 0 ? (ssize_t)ok : -1;
	}
	return r;
}

void streameof_install(struct streameof *g, mailstream *stream)
{
	mailstream_low *low = stream ? mailstream_get_low(stream) : NULL;
	if (!low || low->driver == &g->drv)
		return;
	g->orig = low->driver;
	g->closed = false;
	g->drv = *low->driver;
	g->drv.mailstream_read = streameof_read;
	low->driver = &g->drv;
}
