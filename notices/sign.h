/* sign: Apple configuration profiles signed with the operator's certificate (CMS/PKCS #7
 * SignedData with the profile embedded, DER), as iOS and macOS expect a signed
 * .mobileconfig. The plan's notices.sign names the certificate, the key and the
 * intermediates; the key's passphrase comes from an environment variable and is never
 * written anywhere. */
#ifndef CUTOVER_SIGN_H
#define CUTOVER_SIGN_H

#include "base/buf.h"
#include "base/err.h"
#include "schedule/plan.h"

struct sign;

/* Loads notices.sign once (NULL in *out when the plan signs nothing). A key that cannot
 * be read or decrypted, or that does not match the certificate, is ERR_DATA. */
int sign_open(struct sign **out, const struct plan *p, struct err *e);

/* out = SignedData(in), SHA-256, the signer's certificate and the chain included. */
int sign_data(struct sign *s, const struct buf *in, struct buf *out, struct err *e);

void sign_close(struct sign *s);

#endif
