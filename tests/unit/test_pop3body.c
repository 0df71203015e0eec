/* test_pop3body: the byte-exact POP3 multi-line reader against every way a reply can be
 * cut into reads: each case is replayed with reads of 1..9 bytes and a 4-byte stream
 * buffer, so every state (line start, dot, dot-CR, inside a line) meets a read boundary. */
#include <libetpan/libetpan.h>
#include <stdlib.h>
#include <string.h>

#include "migrate/pop3/pop3body.h"
#include "tests/unit/t.h"

struct chunks {
	const char *data;
	size_t len, pos, step;
};

static ssize_t chunks_read(mailstream_low *low, void *buf, size_t count)
{
	struct chunks *c = low->data;
	size_t n = c->len - c->pos;
	if (n > count)
		n = count;
	if (n > c->step)
		n = c->step;
	memcpy(buf, c->data + c->pos, n);
	c->pos += n;
	return (ssize_t)n;     /* 0 at the end: end of file, which pop3body must not wait past */
}

static ssize_t chunks_write(mailstream_low *low, const void *buf, size_t count)
{
	(void)low; (void)buf;
	return (ssize_t)count;
}

static int chunks_close(mailstream_low *low) { (void)low; return 0; }
static int chunks_fd(mailstream_low *low) { (void)low; return -1; }
static void chunks_free(mailstream_low *low) { free(low); }
static void chunks_cancel(mailstream_low *low) { (void)low; }
static struct mailstream_cancel *chunks_get_cancel(mailstream_low *low) { (void)low; return NULL; }
static carray *chunks_chain(mailstream_low *low) { (void)low; return NULL; }
static int chunks_idle(mailstream_low *low) { (void)low; return -1; }

static mailstream_low_driver chunks_driver = {
	chunks_read, chunks_write, chunks_close, chunks_fd, chunks_free, chunks_cancel,
	chunks_get_cancel, chunks_chain, chunks_idle, chunks_idle, chunks_idle,
};

/* Read `wire` with every read size; each time the body must be want[0..wlen) and what
 * follows the terminator must still be readable ("rest"). Returns the cases that differ. */
static int run_case(const char *wire, size_t len, const char *want, size_t wlen, const char *rest,
                    enum pop3body_rc want_rc)
{
	int bad = 0;
	for (size_t step = 1; step <= 9; step++) {
		struct chunks c = { wire, len, 0, step };
		mailstream_low *low = mailstream_low_new(&c, &chunks_driver);
		mailstream *st = low ? mailstream_new(low, 4) : NULL;
		struct buf b;
		buf_init(&b, 0);
		struct pop3body_sink sink = pop3body_buf_sink(&b);
		enum pop3body_rc rc = st ? pop3body_read(st, &sink) : POP3BODY_STREAM;
		char after[64] = "";
		size_t n = 0;
		ssize_t r;
		while (rc == POP3BODY_OK && n + 1 < sizeof after && (r = mailstream_read(st, after + n, 1)) == 1)
			n++;
		after[n] = '\0';
		if (rc != want_rc || (rc == POP3BODY_OK && (b.len != wlen || memcmp(b.data ? b.data : "", want, wlen) != 0 ||
		                                            strcmp(after, rest) != 0))) {
			printf("#   step %zu: rc %d, %zu bytes, rest '%s'\n", step, (int)rc, b.len, after);
			bad++;
		}
		buf_release(&b);
		if (st)
			mailstream_close(st);
	}
	return bad;
}

#define CASE(wire, want, rest, rc) run_case(wire, sizeof wire - 1, want, sizeof want - 1, rest, rc)

static void nul_bytes_kept(void)
{
	T_INTEQ(CASE("a\0b\r\n\0\0\r\nend\0\r\n.\r\nNEXT", "a\0b\r\n\0\0\r\nend\0\r\n", "NEXT", POP3BODY_OK), 0);
}

static void dots_unstuffed(void)
{
	T_INTEQ(CASE("..\r\n...x\r\n.\0y\r\n.\rX\r\n.\r\r\n.\r\n+OK", ".\r\n..x\r\n\0y\r\n\rX\r\n\r\r\n", "+OK", POP3BODY_OK), 0);
}

static void bare_cr_and_bare_lf(void)
{
	T_INTEQ(CASE("one\rtwo\r\nthree\r\r\n.\r\n", "one\rtwo\r\nthree\r\r\n", "", POP3BODY_OK), 0);
	/* a bare-LF server: lines and the terminator end in LF alone */
	T_INTEQ(CASE("a\nb\0\n..c\n.\nX", "a\nb\0\n.c\n", "X", POP3BODY_OK), 0);
}

static void empty_body(void)
{
	T_INTEQ(CASE(".\r\nZ", "", "Z", POP3BODY_OK), 0);
}

static void end_of_file_is_an_error(void)
{
	T_INTEQ(CASE("half a\0 line", "", "", POP3BODY_STREAM), 0);
	T_INTEQ(CASE("line\r\n.", "", "", POP3BODY_STREAM), 0);
	T_INTEQ(CASE("line\r\n.\r", "", "", POP3BODY_STREAM), 0);
}

static int refuse(void *ctx, const char *p, size_t n)
{
	(void)ctx; (void)p; (void)n;
	return -1;
}

static void sink_refusal(void)
{
	struct chunks c = { "x\r\n.\r\n", 6, 0, 3 };
	mailstream_low *low = mailstream_low_new(&c, &chunks_driver);
	mailstream *st = mailstream_new(low, 4);
	struct pop3body_sink sink = { refuse, NULL };
	T_INTEQ(pop3body_read(st, &sink), POP3BODY_SINK);
	mailstream_close(st);
}

int main(void)
{
	T_RUN(nul_bytes_kept);
	T_RUN(dots_unstuffed);
	T_RUN(bare_cr_and_bare_lf);
	T_RUN(empty_body);
	T_RUN(end_of_file_is_an_error);
	T_RUN(sink_refusal);
	return T_DONE();
}
