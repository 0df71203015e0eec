/* memstream: see memstream.h. */
#include "fuzz/memstream.h"

#include <libetpan/libetpan.h>
#include <stdlib.h>
#include <string.h>

struct memstream {
	const uint8_t *data;
	size_t len, pos;
};

static ssize_t memstream_read(mailstream_low *low, void *buf, size_t count)
{
	struct memstream *m = low->data;
	size_t n = m->len - m->pos;
	if (n > count)
		n = count;
	if (n > 7)
		n = 7;
	memcpy(buf, m->data + m->pos, n);
	m->pos += n;
	return (ssize_t)n;
}

static ssize_t memstream_write(mailstream_low *low, const void *buf, size_t count)
{
	(void)low; (void)buf;
	return (ssize_t)count;
}

static int memstream_close(mailstream_low *low)
{
	(void)low;
	return 0;
}

static int memstream_fd(mailstream_low *low)
{
	(void)low;
	return -1;
}

static void memstream_free(mailstream_low *low)
{
	free(low->data);
	free(low);
}

static void memstream_cancel(mailstream_low *low)
{
	(void)low;
}

static struct mailstream_cancel *memstream_get_cancel(mailstream_low *low)
{
	(void)low;
	return NULL;
}

static carray *memstream_chain(mailstream_low *low)
{
	(void)low;
	return NULL;
}

static int memstream_idle(mailstream_low *low)
{
	(void)low;
	return -1;
}

/* Never written to: libetpan only reads a driver table. */
static const mailstream_low_driver memstream_driver = {
	memstream_read, memstream_write, memstream_close, memstream_fd, memstream_free, memstream_cancel,
	memstream_get_cancel, memstream_chain, memstream_idle, memstream_idle, memstream_idle,
};

mailstream *memstream_open(void *ctx, struct err *e)
{
	const struct memstream_src *src = ctx;
	struct memstream *m = calloc(1, sizeof *m);
	mailstream_low *low = m ? mailstream_low_new(m, (mailstream_low_driver *)&memstream_driver) : NULL;
	mailstream *s = low ? mailstream_new(low, 8192) : NULL;
	if (!s) {
		if (low)
			mailstream_low_free(low);
		else
			free(m);
		err_set(e, ERR_NOMEM, "memstream: out of memory");
		return NULL;
	}
	m->data = src->data;
	m->len = src->len;
	return s;
}
