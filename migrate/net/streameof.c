/* streameof: see streameof.h for why a 0-byte read must become -1. */
#include "migrate/net/streameof.h"

static ssize_t streameof_read(mailstream_low *low, void *buf, size_t count)
{
	struct streameof *g = (struct streameof *)low->driver;
	ssize_t r = g->orig->mailstream_read(low, buf, count);
	if (r == 0 && count > 0) {
		g->closed = true;
		return -1;
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
