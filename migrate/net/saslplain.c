/* saslplain: see saslplain.h. */
#include "migrate/net/saslplain.h"

#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>

char *saslplain_b64(const char *authz, const char *authc, const char *password)
{
	size_t az = strlen(authz), ac = strlen(authc), pw = strlen(password), n = az + ac + pw + 2;
	char *raw = malloc(n), *s = NULL;
	if (!raw)
		return NULL;
	memcpy(raw, authz, az + 1);
	memcpy(raw + az + 1, authc, ac + 1);
	memcpy(raw + az + ac + 2, password, pw);
	gnutls_datum_t in = {(unsigned char *)raw, (unsigned)n}, out = {NULL, 0};
	int r = gnutls_base64_encode2(&in, &out);
	gnutls_memset(raw, 0, n);
	free(raw);
	if (r < 0)
		return NULL;
	if ((s = malloc(out.size + 1)) != NULL) {
		memcpy(s, out.data, out.size);
		s[out.size] = '\0';
	}
	gnutls_memset(out.data, 0, out.size);
	gnutls_free(out.data);
	return s;
}

void saslplain_free(char *b64)
{
	if (!b64)
		return;
	gnutls_memset(b64, 0, strlen(b64));
	free(b64);
}
