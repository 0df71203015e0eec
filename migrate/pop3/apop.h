/* apop: the RFC 1939 APOP digest, computed with GnuTLS because libetpan 1.9.4's own
 * MD5 (used by mailpop3_apop) is wrong on LP64 (its UINT4 is 8 bytes), so every APOP
 * login through libetpan fails as if the password were wrong. */
#ifndef CUTOVER_APOP_H
#define CUTOVER_APOP_H

#include <stddef.h>

/* The greeting's "<...>" timestamp, copied into out (NUL-terminated). 0, or -1 when the
 * greeting has none (the server does not offer APOP) or it does not fit in cap. */
int apop_timestamp(const char *greeting, char *out, size_t cap);

/* hex = lowercase hex MD5 of timestamp followed by password (33 bytes with NUL). 0 or -1. */
int apop_digest(const char *timestamp, const char *password, char hex[33]);

#endif
