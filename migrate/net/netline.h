/* netline: a minimal line-protocol client (plain socket, STARTTLS or implicit TLS with
 * GnuTLS) for pre-flight checks. The pre-flight must see raw greetings, CAPA/CAPABILITY/
 * EHLO text and certificate dates for POP3, IMAP and SMTP alike — libetpan hides some of
 * that and verifies nothing, and curl exposes no EHLO — so it talks the few commands
 * itself. Not used for copying mail. */
#ifndef CUTOVER_NETLINE_H
#define CUTOVER_NETLINE_H

#include <stddef.h>
#include <time.h>

#include "base/err.h"

struct netline;

/* A TCP socket connected to addr:port (numeric address or name) within timeout_ms, or
 * -1 (e set). For the libetpan drivers, which wrap it in their own stream (connreg). */
int netline_dial(const char *addr, int port, int timeout_ms, struct err *e);
/* Connect to addr:port (numeric address or name) within timeout_ms. Every read and
 * write after it is bounded by timeout_ms too (SO_RCVTIMEO/SO_SNDTIMEO). */
int netline_connect(struct netline **out, const char *addr, int port, int timeout_ms,
                    struct err *e);
/* TLS handshake now (implicit TLS right after connect, or after STARTTLS/STLS was
 * accepted). sni may be NULL (IP addresses get none). */
int netline_tls(struct netline *n, const char *sni, struct err *e);
/* One line without CR/LF into buf (capped; longer lines are an error). */
int netline_read_line(struct netline *n, char *buf, size_t cap, struct err *e);
int netline_write(struct netline *n, const char *s, struct err *e);
/* The peer's certificate chain as DER blobs (valid until close), after netline_tls. */
int netline_peer_chain(struct netline *n, const unsigned char *const **der, const size_t **len,
                       size_t *count);
/* Validity period of the leaf certificate. */
int netline_peer_dates(struct netline *n, time_t *not_before, time_t *not_after);
void netline_close(struct netline *n);

#endif
