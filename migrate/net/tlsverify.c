/* tlsverify: check the peer certificate chain of a libetpan TLS stream with GnuTLS,
 * because libetpan itself accepts any certificate. */
#include "migrate/net/tlsverify.h"

#include <arpa/inet.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A server sending more than this is broken or hostile; real chains are 2-4 long. */
#define TLSVERIFY_CHAIN_MAX 16

/* Reasons in the order an operator should fix them; the first match names the cause. */
static const struct {
	unsigned bit;
	const char *text;
} tlsverify_reasons[] = {
	{GNUTLS_CERT_EXPIRED, "the certificate has expired"},
	{GNUTLS_CERT_NOT_ACTIVATED, "the certificate is not valid yet"},
	{GNUTLS_CERT_SIGNER_NOT_FOUND, "issued by an unknown CA (self-signed or CA not in the trust store)"},
	{GNUTLS_CERT_SIGNER_NOT_CA, "the issuer is not a CA"},
	{GNUTLS_CERT_INSECURE_ALGORITHM, "signed with an insecure algorithm"},
	{GNUTLS_CERT_SIGNATURE_FAILURE, "the signature does not verify"},
	{GNUTLS_CERT_REVOKED, "the certificate was revoked"},
	{GNUTLS_CERT_SIGNER_CONSTRAINTS_FAILURE, "the issuer's name constraints forbid it"},
	{GNUTLS_CERT_PURPOSE_MISMATCH, "the certificate is not for TLS servers"},
	{GNUTLS_CERT_UNEXPECTED_OWNER, "the certificate does not name this host"},
};

static void tlsverify_dn(gnutls_x509_crt_t crt, int issuer, char *out, size_t cap)
{
	gnutls_datum_t d = {NULL, 0};
	int rc = issuer ? gnutls_x509_crt_get_issuer_dn3(crt, &d, 0) : gnutls_x509_crt_get_dn3(crt, &d, 0);
	if (rc < 0 || !d.data)
		snprintf(out, cap, "(unreadable)");
	else
		snprintf(out, cap, "%.*s", (int)d.size, (const char *)d.data);
	gnutls_free(d.data);
}

static const char *tlsverify_reason(unsigned status)
{
	for (size_t i = 0; i < sizeof tlsverify_reasons / sizeof tlsverify_reasons[0]; i++)
		if (status & tlsverify_reasons[i].bit)
			return tlsverify_reasons[i].text;
	return "the chain is invalid";
}

static int tlsverify_trust(gnutls_x509_trust_list_t *tl, const char *ca_file, struct err *e)
{
	int rc = gnutls_x509_trust_list_init(tl, 0);
	if (rc < 0)
		return err_set(e, ERR_NOMEM, "TLS trust list: %s", gnutls_strerror(rc));
	if (ca_file)
		rc = gnutls_x509_trust_list_add_trust_file(*tl, ca_file, NULL, GNUTLS_X509_FMT_PEM, 0, 0);
	else
		rc = gnutls_x509_trust_list_add_system_trust(*tl, 0, 0);
	if (rc <= 0) {
		gnutls_x509_trust_list_deinit(*tl, 1);
		if (ca_file)
			return err_set(e, ERR_TLS, "CA file %s: no usable certificate (%s)", ca_file,
			               rc < 0 ? gnutls_strerror(rc) : "empty");
		return err_set(e, ERR_TLS, "system CA store: no trusted certificate could be loaded%s%s",
		               rc < 0 ? ": " : "", rc < 0 ? gnutls_strerror(rc) : "");
	}
	return 0;
}

int tlsverify_chain(const unsigned char *const *der, const size_t *der_len, size_t n,
                    const char *ca_file, const char *name, struct err *e)
{
	if (n == 0)
		return err_set(e, ERR_TLS, "TLS: the server sent no certificate");
	if (n > TLSVERIFY_CHAIN_MAX)
		return err_set(e, ERR_TLS, "TLS: the server sent %zu certificates (more than %d)", n,
		               TLSVERIFY_CHAIN_MAX);
	gnutls_x509_crt_t crt[TLSVERIFY_CHAIN_MAX];
	size_t have = 0;
	int ret = -1;
	gnutls_x509_trust_list_t tl = NULL;

	for (; have < n; have++) {
		gnutls_datum_t d = {(unsigned char *)der[have], (unsigned)der_len[have]};
		int rc = gnutls_x509_crt_init(&crt[have]);
		if (rc < 0) {
			err_set(e, ERR_NOMEM, "TLS: %s", gnutls_strerror(rc));
			goto out;
		}
		rc = gnutls_x509_crt_import(crt[have], &d, GNUTLS_X509_FMT_DER);
		if (rc < 0) {
			gnutls_x509_crt_deinit(crt[have]);
			err_set(e, ERR_TLS, "TLS: certificate %zu of the server's chain is unreadable: %s",
			        have + 1, gnutls_strerror(rc));
			goto out;
		}
	}
	if (tlsverify_trust(&tl, ca_file, e) < 0) {
		tl = NULL;
		goto out;
	}

	/* An IP literal must be matched against iPAddress SANs, a name against dNSName. */
	unsigned char ip[16];
	gnutls_typed_vdata_st vd = {GNUTLS_DT_DNS_HOSTNAME, (unsigned char *)name, 0};
	if (inet_pton(AF_INET, name, ip) == 1) {
		vd.type = GNUTLS_DT_IP_ADDRESS;
		vd.data = ip;
		vd.size = 4;
	} else if (inet_pton(AF_INET6, name, ip) == 1) {
		vd.type = GNUTLS_DT_IP_ADDRESS;
		vd.data = ip;
		vd.size = 16;
	}
	unsigned status = 0;
	int rc = gnutls_x509_trust_list_verify_crt2(tl, crt, (unsigned)n, &vd, 1, 0, &status, NULL);
	if (rc < 0) {
		err_set(e, ERR_TLS, "TLS: cannot verify the certificate of %s: %s", name, gnutls_strerror(rc));
		goto out;
	}
	if (status != 0) {
		char subject[256], issuer[256];
		tlsverify_dn(crt[0], 0, subject, sizeof subject);
		tlsverify_dn(crt[0], 1, issuer, sizeof issuer);
		err_set(e, ERR_TLS, "TLS: certificate of %s rejected: %s (subject \"%s\", issuer \"%s\"; trusted CAs: %s)",
		        name, tlsverify_reason(status), subject, issuer, ca_file ? ca_file : "system store");
		goto out;
	}
	ret = 0;
out:
	if (tl)
		gnutls_x509_trust_list_deinit(tl, 1);
	for (size_t i = 0; i < have; i++)
		gnutls_x509_crt_deinit(crt[i]);
	return ret;
}

int tlsverify_stream(mailstream *s, const struct drv_endpoint *ep, struct err *e)
{
	if (!ep->tls_verify)
		return 0;
	carray *chain = mailstream_get_certificate_chain(s);
	if (!chain)
		return err_set(e, ERR_TLS, "TLS: no certificate chain from %s (not a TLS connection?)", ep->host);
	size_t n = carray_count(chain);
	const unsigned char *der[TLSVERIFY_CHAIN_MAX];
	size_t len[TLSVERIFY_CHAIN_MAX];
	size_t use = n < TLSVERIFY_CHAIN_MAX ? n : TLSVERIFY_CHAIN_MAX;
	for (size_t i = 0; i < use; i++) {
		MMAPString *m = carray_get(chain, (unsigned)i);
		der[i] = (const unsigned char *)m->str;
		len[i] = m->len;
	}
	int rc = n > TLSVERIFY_CHAIN_MAX
	                 ? err_set(e, ERR_TLS, "TLS: %s sent %zu certificates (more than %d)", ep->host, n,
	                           TLSVERIFY_CHAIN_MAX)
	                 : tlsverify_chain(der, len, n, ep->ca_file, ep->tls_name, e);
	for (size_t i = 0; i < n; i++)
		mmap_string_free(carray_get(chain, (unsigned)i));
	carray_free(chain);
	return rc;
}

void tlsverify_sni(struct mailstream_ssl_context *ctx, void *data)
{
	const struct drv_endpoint *ep = data;
	const char *name = ep->tls_name;
	unsigned char ip[16];
	if (!name || inet_pton(AF_INET, name, ip) == 1 || inet_pton(AF_INET6, name, ip) == 1)
		return;
	/* GnuTLS copies the name; libetpan takes a non-const pointer only by old habit. */
	mailstream_ssl_set_server_name(ctx, (char *)name);
}
