/* tlsverify: certificate verification for libetpan streams. libetpan's GnuTLS build
 * accepts any certificate and checks no host name, so after every TLS handshake (implicit
 * or STARTTLS) and before any credential is sent, drivers call tlsverify_stream(). */
#ifndef CUTOVER_TLSVERIFY_H
#define CUTOVER_TLSVERIFY_H

#include <libetpan/libetpan.h>

#include "base/err.h"
#include "migrate/driver.h"

/* Verify the peer chain of `s` against ep->ca_file (or the system store when NULL) and
 * the name ep->tls_name (ep completed by drv_endpoint_defaults). Returns 0, or -1 with e->cls = ERR_TLS and a
 * message naming subject, issuer and the reason (expired, unknown CA, wrong name …).
 * ep->tls_verify == false skips the check (the plan had to say so explicitly). */
int tlsverify_stream(mailstream *s, const struct drv_endpoint *ep, struct err *e);

/* The same for a DER chain already in hand (tests, dry-run pre-flight). */
int tlsverify_chain(const unsigned char *const *der, const size_t *der_len, size_t n,
                    const char *ca_file, const char *name, struct err *e);

/* Callback for libetpan's *_ssl_connect_with_callback / *_starttls_with_callback: sends
 * SNI (ep->tls_name) so name-based virtual hosting picks the right
 * certificate. `data` is the const struct drv_endpoint *. IP literals get no SNI
 * (RFC 6066 forbids it). */
void tlsverify_sni(struct mailstream_ssl_context *ctx, void *data);

#endif
