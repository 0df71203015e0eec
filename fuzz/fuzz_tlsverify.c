/* fuzz_tlsverify: a certificate chain as a server would send it: the name to check, a NUL,
 * then each certificate as a 2-byte big-endian length and that many DER bytes. Trusted
 * CAs: the PEM file in $FUZZ_TLS_CA (fuzz/run.sh makes one), else the system store. */
#include "fuzz/fuzz.h"

#include "migrate/net/tlsverify.h"

#define FUZZ_CHAIN_MAX 20   /* above tlsverify's own limit, so the limit is exercised */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	if (!nul)
		return 0;
	char *name = fuzz_strdup(data, (size_t)(nul - data));
	const unsigned char *der[FUZZ_CHAIN_MAX];
	size_t len[FUZZ_CHAIN_MAX], n = 0, off = (size_t)(nul - data) + 1;
	unsigned char *copy[FUZZ_CHAIN_MAX];
	while (n < FUZZ_CHAIN_MAX && off + 2 <= size) {
		size_t l = (size_t)data[off] << 8 | data[off + 1];
		off += 2;
		if (l > size - off)
			l = size - off;
		/* Each certificate in its own exact-size allocation, as they arrive from GnuTLS. */
		if (!(copy[n] = malloc(l ? l : 1)))
			abort();
		memcpy(copy[n], data + off, l);
		der[n] = copy[n];
		len[n++] = l;
		off += l;
	}
	struct err e;
	err_clear(&e);
	if (tlsverify_chain(der, len, n, getenv("FUZZ_TLS_CA"), name, &e) < 0)
		FUZZ_ASSERT(e.msg[0] && (e.cls == ERR_TLS || e.cls == ERR_NOMEM));
	for (size_t i = 0; i < n; i++)
		free(copy[i]);
	free(name);
	return 0;
}
