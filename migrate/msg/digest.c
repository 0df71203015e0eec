/* digest: GnuTLS hashing. */
#include "migrate/msg/digest.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

static void digest_hex(const unsigned char *raw, char hex[DIGEST_HEX_LEN + 1])
{
	static const char x[] = "0123456789abcdef";
	for (int i = 0; i < 32; i++) {
		hex[2 * i] = x[raw[i] >> 4];
		hex[2 * i + 1] = x[raw[i] & 15];
	}
	hex[DIGEST_HEX_LEN] = '\0';
}

int digest_sha256_hex(const void *data, size_t len, char hex[DIGEST_HEX_LEN + 1], struct err *e)
{
	unsigned char raw[32];
	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, data, len, raw) < 0)
		return err_set(e, ERR_INTERNAL, "SHA-256 failed");
	digest_hex(raw, hex);
	return 0;
}

int digest_sha256_crlf_hex(const void *data, size_t len, char hex[DIGEST_HEX_LEN + 1],
                           struct err *e)
{
	const char *p = data;
	unsigned char raw[32];
	gnutls_hash_hd_t h;
	size_t start = 0;
	if (gnutls_hash_init(&h, GNUTLS_DIG_SHA256) < 0)
		return err_set(e, ERR_INTERNAL, "SHA-256 failed");
	/* Hash runs between bare LFs directly; only the missing CR is inserted. */
	for (size_t i = 0; i < len; i++) {
		if (p[i] == '\n' && (i == 0 || p[i - 1] != '\r')) {
			gnutls_hash(h, p + start, i - start);
			gnutls_hash(h, "\r", 1);
			start = i;
		}
	}
	gnutls_hash(h, p + start, len - start);
	gnutls_hash_deinit(h, raw);
	digest_hex(raw, hex);
	return 0;
}

int digest_stream_init(struct digest_stream *d, struct err *e)
{
	gnutls_hash_hd_t a = NULL, b = NULL;
	if (gnutls_hash_init(&a, GNUTLS_DIG_SHA256) < 0 || gnutls_hash_init(&b, GNUTLS_DIG_SHA256) < 0) {
		if (a)
			gnutls_hash_deinit(a, NULL);
		return err_set(e, ERR_INTERNAL, "SHA-256 failed");
	}
	d->raw = a;
	d->crlf = b;
	d->cr = false;
	return 0;
}

/* The same rule as digest_sha256_crlf_hex, with the byte before a piece remembered. */
void digest_stream_add(struct digest_stream *d, const void *data, size_t len)
{
	const char *p = data;
	size_t start = 0;
	if (len == 0)
		return;
	gnutls_hash(d->raw, p, len);
	for (size_t i = 0; i < len; i++) {
		bool after_cr = i == 0 ? d->cr : p[i - 1] == '\r';
		if (p[i] == '\n' && !after_cr) {
			gnutls_hash(d->crlf, p + start, i - start);
			gnutls_hash(d->crlf, "\r", 1);
			start = i;
		}
	}
	gnutls_hash(d->crlf, p + start, len - start);
	d->cr = p[len - 1] == '\r';
}

void digest_stream_end(struct digest_stream *d, char raw[DIGEST_HEX_LEN + 1],
                       char crlf[DIGEST_HEX_LEN + 1])
{
	unsigned char r[32];
	gnutls_hash_deinit(d->raw, r);
	digest_hex(r, raw);
	gnutls_hash_deinit(d->crlf, r);
	digest_hex(r, crlf);
	d->raw = d->crlf = NULL;
}
