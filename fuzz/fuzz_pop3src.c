/* fuzz_pop3src: the POP3 source driver against a server that says anything. Byte 0 picks
 * the login (bits 0-1: USER, APOP, SASL PLAIN, CRAM-MD5; bit 2: master user); the rest is
 * everything the server sends after the connect (greeting, CAPA, login, STAT, LIST, UIDL,
 * TOP replies), fed through the connect seam (drv_endpoint.stream_open, fuzz/memstream.c).
 * The driver must end with a result or an error, never a crash, leak or endless loop. */
#include "fuzz/fuzz.h"
#include "fuzz/memstream.h"
#include "migrate/driver.h"

static int fuzz_pop3src_cb(void *ctx, const struct drv_msg *m, const char *data, size_t len, struct err *e)
{
	(void)ctx; (void)m; (void)e;
	volatile char sink = len ? data[len - 1] : 0;   /* the bytes must be readable */
	(void)sink;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	struct memstream_src ms = {data + 1, size - 1};
	struct drv_endpoint ep = {.label = "source", .proto = DRV_PROTO_POP3, .host = "fuzz", .address = "fuzz",
	                          .port = 110, .tls = DRV_TLS_NONE, .auth = (enum drv_auth)(data[0] & 3),
	                          .timeout_seconds = 1, .stream_open = memstream_open, .stream_ctx = &ms};
	struct drv_login login = {.user = "u", .password = "p", .master_user = (data[0] & 4) ? "m" : NULL};
	struct src *s = NULL;
	struct err e = {0};
	if (pop3src_ops.open(&s, &ep, &login, &e) < 0)
		return 0;
	struct drv_msg_list l = {0};
	if (s->ops->list(s, &l, &e) == 0 && l.n > 0) {
		const struct drv_msg *msgs[4];
		size_t n = l.n < 4 ? l.n : 4;
		for (size_t i = 0; i < n; i++)
			msgs[i] = &l.v[i];
		s->ops->headers(s, msgs, n, fuzz_pop3src_cb, NULL, &e);
		s->ops->fetch(s, msgs, n, fuzz_pop3src_cb, NULL, &e);
	}
	while (s->ops->warning(s))
		;
	s->ops->uidl_style(s);
	drv_msg_list_free(&l);
	s->ops->close(s);
	return 0;
}
