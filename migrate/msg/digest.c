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
