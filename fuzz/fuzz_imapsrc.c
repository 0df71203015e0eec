/* fuzz_imapsrc: the IMAP source driver against a server that says anything. Byte 0 picks
 * the login (bit 1: AUTHENTICATE PLAIN, bit 2: master user); the rest is everything the
 * server sends after the connect (greeting, CAPABILITY, LIST/LSUB, EXAMINE, UID FETCH),
 * fed through the connect seam (drv_endpoint.stream_open, fuzz/memstream.c). */
#include "fuzz/fuzz.h"
#include "fuzz/memstream.h"
#include "migrate/driver.h"

static int fuzz_imapsrc_cb(void *ctx, const struct drv_msg *m, const char *data, size_t len, struct err *e)
{
	(void)ctx; (void)m; (void)e;
	volatile char sink = len ? data[len - 1] : 0;
	(void)sink;
	return 0;
}

static void fuzz_imapsrc_folder(struct src *s, const char *name)
{
	struct err e = {0};
	uint32_t uv = 0;
	struct drv_msg_list l = {0};
	if (s->ops->select(s, name, &uv, &e) < 0 || s->ops->list(s, &l, &e) < 0)
		return;
	const struct drv_msg *msgs[4];
	size_t n = l.n < 4 ? l.n : 4;
	for (size_t i = 0; i < n; i++)
		msgs[i] = &l.v[i];
	if (n)
		s->ops->fetch(s, msgs, n, fuzz_imapsrc_cb, NULL, &e);
	drv_msg_list_free(&l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	struct memstream_src ms = {data + 1, size - 1};
	struct drv_endpoint ep = {.label = "source", .proto = DRV_PROTO_IMAP, .host = "fuzz", .address = "fuzz",
	                          .port = 143, .tls = DRV_TLS_NONE,
	                          .auth = (data[0] & 2) ? DRV_AUTH_PLAIN : DRV_AUTH_USER,
	                          .timeout_seconds = 1, .stream_open = memstream_open, .stream_ctx = &ms};
	struct drv_login login = {.user = "u", .password = "p", .master_user = (data[0] & 4) ? "m" : NULL};
	struct src *s = NULL;
	struct err e = {0};
	if (imapsrc_ops.open(&s, &ep, &login, &e) < 0)
		return 0;
	struct drv_folder *f = NULL;
	size_t nf = 0;
	if (s->ops->folders(s, &f, &nf, &e) == 0) {
		fuzz_imapsrc_folder(s, nf ? f[0].name : "INBOX");
		drv_folder_list_free(f, nf);
	}
	if (s->ops->warning)
		while (s->ops->warning(s))
			;
	s->ops->close(s);
	return 0;
}
