/* digest: SHA-256 of messages (GnuTLS), raw and line-ending-normalised. The destination
 * stores what libetpan sent, and libetpan turns bare LF into CRLF, so comparisons across
 * the copy use the normalised form. */
#ifndef CUTOVER_DIGEST_H
#define CUTOVER_DIGEST_H

#include <stddef.h>

#include "base/err.h"

#define DIGEST_HEX_LEN 64

/* hex[65] = lower-case hex SHA-256 of the bytes as they are. */
int digest_sha256_hex(const void *data, size_t len, char hex[DIGEST_HEX_LEN + 1], struct err *e);

/* The same after turning every bare LF into CRLF (what the destination stores). */
int digest_sha256_crlf_hex(const void *data, size_t len, char hex[DIGEST_HEX_LEN + 1],
                           struct err *e);

#endif
