/* apop: RFC 1939 APOP timestamp extraction and digest (GnuTLS MD5). */
#include "migrate/pop3/apop.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int apop_timestamp(const char *greeting, char *out, size_t cap)
{
	const char *b = greeting ? strchr(greeting, '<') : NULL;
	const char *e = b ? strchr(b, '>') : NULL;
	if (!e || (size_t)(e - b + 1) >= cap)
		return -1;
	/* RFC 1939: msg-id syntax; a space or control char means this is not a timestamp. */
	for (const char *p = b; p <= e; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p > '~')
			return -1;
	memcpy(out, b, (size_t)(e - b + 1));
	out[e - b + 1] = '\0';
	return 0;
}

int apop_digest(const char *timestamp, const char *password, char hex[33])
{
	size_t tl = strlen(timestamp), pl = strlen(password);
	char *joined = malloc(tl + pl + 1);
	if (!joined)
		return -1;
	memcpy(joined, timestamp, tl);
	memcpy(joined + tl, password, pl + 1);
	unsigned char md5[16];
	int rc = gnutls_hash_fast(GNUTLS_DIG_MD5, joined, tl + pl, md5);
	/* The joined buffer holds the password: wipe before freeing. */
	gnutls_memset(joined, 0, tl + pl);
	free(joined);
	if (rc < 0)
		return -1;
	for (int i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", md5[i]);
	return 0;
}
