/* saslplain: the SASL PLAIN client message (RFC 4616), base64-encoded, for IMAP AUTHENTICATE
 * and POP3 AUTH alike: authzid NUL authcid NUL password. Every intermediate copy of the
 * password is wiped; the caller wipes and frees the result (saslplain_free). */
#ifndef CUTOVER_SASLPLAIN_H
#define CUTOVER_SASLPLAIN_H

/* authz "" = none (the user logs in as themself). NUL-terminated base64, malloc'd; NULL when
 * memory runs out. */
char *saslplain_b64(const char *authz, const char *authc, const char *password);
/* Wipe and free what saslplain_b64 returned (NULL is fine). */
void saslplain_free(char *b64);

#endif
