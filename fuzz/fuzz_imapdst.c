/* fuzz_imapdst: the IMAP destination driver against a server that says anything. Byte 0
 * picks the login (bit 1: AUTHENTICATE PLAIN, bit 2: master user); the rest is everything
 * the server sends after the connect (greeting, CAPABILITY, LIST, CREATE, SELECT, APPEND
 * with its continuation, APPENDUID, SEARCH, FETCH, QUOTA), fed through the connect seam
 * (drv_endpoint.stream_open, fuzz/memstream.c). */
#include "fuzz/fuzz.h"
#include "fuzz/memstream.h"
#include "migrate/driver.h"

static void fuzz_imapdst_session(struct dst *d)
{
	struct err e = {0};
	struct drv_folder *f = NULL;
	size_t nf = 0;
	if (d->ops->folders(d, &f, &nf, &e) == 0)
		drv_folder_list_free(f, nf);
	uint64_t max = 0, used = 0, limit = 0;
	d->ops->limits(d, &max, &used, &limit, &e);
	uint32_t uv = 0;
	if (d->ops->create(d, "Work", true, &e) < 0 && d->ops->select(d, "INBOX", &uv, &e) < 0)
		return;
	if (d->ops->select(d, "INBOX", &uv, &e) < 0)
		return;
	static const char msg[] = "Subject: x\r\n\r\nbody\r\n";
	static const char *const kw[] = {"$Label1", NULL};
	struct drv_append items[2] = {
		{.data = msg, .len = sizeof msg - 1, .flags = 1, .keywords = kw, .internaldate = 1000000000},
		{.data = msg, .len = sizeof msg - 1},
	};
	size_t done = 0;
	d->ops->append(d, "INBOX", items, 2, &done, &e);
	uint32_t *uids = NULL;
	size_t n = 0;
	if (d->ops->find_header(d, "INBOX", "X-UIDL", "abc", &uids, &n, &e) == 0)
		free(uids);
	char *body = NULL;
	size_t len = 0;
	if (d->ops->fetch_uid(d, "INBOX", 1, &body, &len, &e) == 0)
		free(body);
	d->ops->keyword_ok(d, "$Label1");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	struct memstream_src ms = {data + 1, size - 1};
	struct drv_endpoint ep = {.label = "destination", .proto = DRV_PROTO_IMAP, .host = "fuzz",
	                          .address = "fuzz", .port = 143, .tls = DRV_TLS_NONE,
	                          .auth = (data[0] & 2) ? DRV_AUTH_PLAIN : DRV_AUTH_USER,
	                          .timeout_seconds = 1, .stream_open = memstream_open, .stream_ctx = &ms};
	struct drv_login login = {.user = "u", .password = "p", .master_user = (data[0] & 4) ? "m" : NULL};
	struct dst *d = NULL;
	struct err e = {0};
	if (imapdst_ops.open(&d, &ep, &login, &e) < 0)
		return 0;
	fuzz_imapdst_session(d);
	d->ops->close(d);
	return 0;
}
