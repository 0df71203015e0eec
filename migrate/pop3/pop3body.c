/* pop3body: see pop3body.h. The scan works on the stream's own read buffer (struct
 * _mailstream is public in libetpan's mailstream_types.h) so that bytes are handed on in
 * runs without a copy per line, and what follows the terminator (the next reply of a
 * pipelined batch) stays in the buffer for the next reader, libetpan's or ours. */
#include "migrate/pop3/pop3body.h"

#include <string.h>

enum pop3body_state {
	POP3BODY_LINE_START,   /* at the first byte of a line */
	POP3BODY_IN_LINE,      /* inside a line: copy up to and including its LF */
	POP3BODY_DOT,          /* a line began with "."; the dot is not copied */
	POP3BODY_DOT_CR,       /* "." then CR: the terminator if LF follows, else the CR is data */
};

/* Drop the first n bytes of the read buffer, as libetpan's own readers do. */
static void pop3body_consume(mailstream *st, size_t n)
{
	if (n < st->read_buffer_len)
		memmove(st->read_buffer, st->read_buffer + n, st->read_buffer_len - n);
	st->read_buffer_len -= n;
}

static int pop3body_give(const struct pop3body_sink *sink, const char *p, size_t n)
{
	return n ? sink->append(sink->ctx, p, n) : 0;
}

enum pop3body_rc pop3body_read(mailstream *st, const struct pop3body_sink *sink)
{
	enum pop3body_state state = POP3BODY_LINE_START;
	for (;;) {
		/* A read of 0 bytes is end of file even without streameof's guard: never wait
		 * again for a "." that cannot come. */
		if (st->read_buffer_len == 0 && mailstream_feed_read_buffer(st) <= 0)
			return POP3BODY_STREAM;
		const char *p = st->read_buffer;
		size_t len = st->read_buffer_len, i = 0, run = 0;   /* run: first byte not yet given */
		while (i < len) {
			switch (state) {
			case POP3BODY_LINE_START:
				if (p[i] == '.') {
					if (pop3body_give(sink, p + run, i - run) < 0)
						return POP3BODY_SINK;
					run = ++i;
					state = POP3BODY_DOT;
				} else {
					state = POP3BODY_IN_LINE;
				}
				break;
			case POP3BODY_DOT:
				if (p[i] == '\n') {          /* ".\n": a bare-LF server's terminator */
					pop3body_consume(st, i + 1);
					return POP3BODY_OK;
				}
				if (p[i] == '\r') {          /* held back until the next byte decides */
					run = ++i;
					state = POP3BODY_DOT_CR;
				} else {
					state = POP3BODY_IN_LINE;   /* the dot was stuffing; the line goes on */
				}
				break;
			case POP3BODY_DOT_CR:
				if (p[i] == '\n') {
					pop3body_consume(st, i + 1);
					return POP3BODY_OK;
				}
				if (pop3body_give(sink, "\r", 1) < 0)
					return POP3BODY_SINK;
				state = POP3BODY_IN_LINE;
				break;
			case POP3BODY_IN_LINE: {
				const char *nl = memchr(p + i, '\n', len - i);
				i = nl ? (size_t)(nl - p) + 1 : len;
				if (nl)
					state = POP3BODY_LINE_START;
				break;
			}
			}
		}
		if (pop3body_give(sink, p + run, len - run) < 0)
			return POP3BODY_SINK;
		pop3body_consume(st, len);
	}
}

static int pop3body_buf_append(void *ctx, const char *p, size_t n)
{
	return buf_append(ctx, p, n);
}

struct pop3body_sink pop3body_buf_sink(struct buf *b)
{
	return (struct pop3body_sink){.append = pop3body_buf_append, .ctx = b};
}
