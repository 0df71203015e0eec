/* digest: GnuTLS hashing. */
#include "migrate/msg/digest.h"

#include <string.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "migrate/msg/crlf.h"

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

/* The first bare LF of d[from..len), len when none; `cr`: the byte before d[0] was a CR
 * (the end of the previous piece of a stream), so an LF at d[0] is not bare. */
static size_t digest_bare_lf(const char *d, size_t len, size_t from, bool cr)
{
	size_t i = crlf_next_bare_lf(d, len, from);
	return i == 0 && cr ? crlf_next_bare_lf(d, len, 1) : i;
}

/* Hash d[from..len) into h with a CR before every bare LF, in runs between them. */
static void digest_add_crlf(gnutls_hash_hd_t h, const char *d, size_t len, size_t from, bool cr)
{
	size_t start = from;
	for (size_t i = digest_bare_lf(d, len, from, cr); i < len; i = crlf_next_bare_lf(d, len, i + 1)) {
		gnutls_hash(h, d + start, i - start);
		gnutls_hash(h, "\r", 1);
		start = i;
	}
	gnutls_hash(h, d + start, len - start);
}

int digest_sha256_crlf_hex(const void *data, size_t len, char hex[DIGEST_HEX_LEN + 1],
                           struct err *e)
{
	unsigned char raw[32];
	gnutls_hash_hd_t h;
	if (gnutls_hash_init(&h, GNUTLS_DIG_SHA256) < 0)
		return err_set(e, ERR_INTERNAL, "SHA-256 failed");
	digest_add_crlf(h, data, len, 0, false);
	gnutls_hash_deinit(h, raw);
	digest_hex(raw, hex);
	return 0;
}

int digest_sha256_pair(const void *data, size_t len, char raw[DIGEST_HEX_LEN + 1],
                       char crlf[DIGEST_HEX_LEN + 1], struct err *e)
{
	if (digest_sha256_hex(data, len, raw, e) < 0)
		return -1;
	if (crlf_next_bare_lf(data, len, 0) == len) {
		memcpy(crlf, raw, DIGEST_HEX_LEN + 1);
		return 0;
	}
	return digest_sha256_crlf_hex(data, len, crlf, e);
}

int digest_stream_init(struct digest_stream *d, struct err *e)
{
	gnutls_hash_hd_t a = NULL;
	if (gnutls_hash_init(&a, GNUTLS_DIG_SHA256) < 0)
		return err_set(e, ERR_INTERNAL, "SHA-256 failed");
	d->raw = a;
	d->crlf = NULL;
	d->cr = false;
	d->failed = false;
	return 0;
}

void digest_stream_add(struct digest_stream *d, const void *data, size_t len)
{
	const char *p = data;
	if (len == 0)
		return;
	if (!d->crlf && !d->failed) {
		/* The first bare LF: up to it both digests are the same. */
		size_t i = digest_bare_lf(p, len, 0, d->cr);
		if (i < len) {
			gnutls_hash(d->raw, p, i);
			d->crlf = gnutls_hash_copy(d->raw);
			if (!d->crlf)
				d->failed = true;
			else
				digest_add_crlf(d->crlf, p, len, i, d->cr);
			gnutls_hash(d->raw, p + i, len - i);
		} else {
			gnutls_hash(d->raw, p, len);
		}
	} else {
		gnutls_hash(d->raw, p, len);
		if (d->crlf)
			digest_add_crlf(d->crlf, p, len, 0, d->cr);
	}
	d->cr = p[len - 1] == '\r';
}

int digest_stream_end(struct digest_stream *d, char raw[DIGEST_HEX_LEN + 1],
                      char crlf[DIGEST_HEX_LEN + 1])
{
	unsigned char r[32];
	gnutls_hash_deinit(d->raw, r);
	digest_hex(r, raw);
	if (d->crlf) {
		gnutls_hash_deinit(d->crlf, r);
		digest_hex(r, crlf);
	} else {
		memcpy(crlf, raw, DIGEST_HEX_LEN + 1);
	}
	d->raw = d->crlf = NULL;
	if (!d->failed)
		return 0;
	raw[0] = crlf[0] = '\0';
	return -1;
}
