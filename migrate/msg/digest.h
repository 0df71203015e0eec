/* digest: SHA-256 of messages (GnuTLS), raw and line-ending-normalised. The destination
 * stores what libetpan sent, and libetpan turns bare LF into CRLF, so comparisons across
 * the copy use the normalised form. */
#ifndef CUTOVER_DIGEST_H
#define CUTOVER_DIGEST_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

#define DIGEST_HEX_LEN 64

/* hex[65] = lower-case hex SHA-256 of the bytes as they are. */
int digest_sha256_hex(const void *data, size_t len, char hex[DIGEST_HEX_LEN + 1], struct err *e);

/* The same after turning every bare LF into CRLF (what the destination stores). */
int digest_sha256_crlf_hex(const void *data, size_t len, char hex[DIGEST_HEX_LEN + 1],
                           struct err *e);

/* Both at once: the bytes are hashed once when they hold no bare LF (the usual case, the
 * two digests are then the same), twice only when they do. */
int digest_sha256_pair(const void *data, size_t len, char raw[DIGEST_HEX_LEN + 1],
                       char crlf[DIGEST_HEX_LEN + 1], struct err *e);

/* Both digests over bytes that come in pieces (a spooled message): init, add each piece
 * in order, end (which also frees). As with digest_sha256_pair the bytes are hashed once
 * until the first bare LF: the normalised digest then starts from a copy of the raw one's
 * state (gnutls_hash_copy), and the two go on apart. */
struct digest_stream {
	void *raw, *crlf;       /* gnutls_hash_hd_t; crlf NULL: no bare LF yet, same as raw */
	bool cr;                /* the last byte added was a CR */
	bool failed;            /* the copy at the first bare LF found no memory */
};
int digest_stream_init(struct digest_stream *d, struct err *e);
void digest_stream_add(struct digest_stream *d, const void *data, size_t len);
/* 0, or -1 when the normalised digest could not be kept (out of memory): both are then "". */
int digest_stream_end(struct digest_stream *d, char raw[DIGEST_HEX_LEN + 1],
                      char crlf[DIGEST_HEX_LEN + 1]);

#endif
