/* sign: CMS SignedData over a rendered profile with GnuTLS (see sign.h). */
#include "notices/sign.h"

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/pkcs7.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sign {
	gnutls_x509_crt_t crt;
	gnutls_x509_crt_t *chain;
	unsigned n_chain;
	gnutls_privkey_t key;
};

static void sign_path(char *out, size_t n, const struct plan *p, const char *path)
{
	snprintf(out, n, "%s%s%s", path[0] == '/' ? "" : p->dir, path[0] == '/' ? "" : "/", path);
}

/* The file's bytes; the error names the plan key, never the content. */
static int sign_load(gnutls_datum_t *d, const struct plan *p, const char *key, const char *path,
                     struct err *e)
{
	char full[4096];
	sign_path(full, sizeof full, p, path);
	int rc = gnutls_load_file(full, d);
	if (rc < 0)
		return err_set(e, ERR_DATA, "notices.sign.%s: cannot read '%s': %s", key, path, gnutls_strerror(rc));
	return 0;
}

static int sign_key(struct sign *s, const struct plan *p, struct err *e)
{
	const struct plan_sign *ps = &p->notices.sign;
	gnutls_datum_t d = { NULL, 0 };
	char *pass = NULL;
	int rc;
	if (plan_secret_is_set(&ps->key_password) && !(pass = plan_secret_get(p, &ps->key_password, e)))
		return -1;
	if (sign_load(&d, p, "key", ps->key, e) < 0) {
		plan_secret_free(pass);
		return -1;
	}
	rc = gnutls_privkey_init(&s->key);
	if (rc >= 0)
		rc = gnutls_privkey_import_x509_raw(s->key, &d, GNUTLS_X509_FMT_PEM, pass, 0);
	gnutls_memset(d.data, 0, d.size);
	gnutls_free(d.data);
	plan_secret_free(pass);
	if (rc < 0)
		return err_set(e, ERR_DATA, "notices.sign.key: cannot load '%s'%s: %s", ps->key,
		               plan_secret_is_set(&ps->key_password) ? " with the passphrase of key_password_env"
		                                                   : " (encrypted? set key_password_env)",
		               gnutls_strerror(rc));
	return 0;
}

static int sign_certs(struct sign *s, const struct plan *p, struct err *e)
{
	const struct plan_sign *ps = &p->notices.sign;
	gnutls_datum_t d = { NULL, 0 };
	int rc;
	if (sign_load(&d, p, "cert", ps->cert, e) < 0)
		return -1;
	rc = gnutls_x509_crt_init(&s->crt);
	if (rc >= 0)
		rc = gnutls_x509_crt_import(s->crt, &d, GNUTLS_X509_FMT_PEM);
	gnutls_free(d.data);
	if (rc < 0)
		return err_set(e, ERR_DATA, "notices.sign.cert: '%s' is not a PEM certificate: %s", ps->cert,
		               gnutls_strerror(rc));
	if (!ps->chain)
		return 0;
	if (sign_load(&d, p, "chain", ps->chain, e) < 0)
		return -1;
	rc = gnutls_x509_crt_list_import2(&s->chain, &s->n_chain, &d, GNUTLS_X509_FMT_PEM, 0);
	gnutls_free(d.data);
	if (rc < 0)
		return err_set(e, ERR_DATA, "notices.sign.chain: '%s' holds no PEM certificates: %s", ps->chain,
		               gnutls_strerror(rc));
	return 0;
}

/* A key that is not the certificate's would give signatures nobody can verify. */
static int sign_match(struct sign *s, const struct plan *p, struct err *e)
{
	gnutls_pubkey_t pub = NULL;
	unsigned char a[64], b[64];
	size_t na = sizeof a, nb = sizeof b;
	int rc = gnutls_pubkey_init(&pub);
	if (rc >= 0)
		rc = gnutls_pubkey_import_privkey(pub, s->key, 0, 0);
	if (rc >= 0)
		rc = gnutls_pubkey_get_key_id(pub, GNUTLS_KEYID_USE_SHA256, a, &na);
	if (rc >= 0)
		rc = gnutls_x509_crt_get_key_id(s->crt, GNUTLS_KEYID_USE_SHA256, b, &nb);
	gnutls_pubkey_deinit(pub);
	if (rc < 0)
		return err_set(e, ERR_DATA, "notices.sign: cannot compare key and certificate: %s",
		               gnutls_strerror(rc));
	if (na != nb || memcmp(a, b, na) != 0)
		return err_set(e, ERR_DATA, "notices.sign: the key '%s' is not the key of the certificate '%s'",
		               p->notices.sign.key, p->notices.sign.cert);
	return 0;
}

int sign_open(struct sign **out, const struct plan *p, struct err *e)
{
	*out = NULL;
	if (!p->notices.sign.cert)
		return 0;
	struct sign *s = calloc(1, sizeof *s);
	if (!s)
		return err_set(e, ERR_NOMEM, "out of memory");
	if (sign_certs(s, p, e) < 0 || sign_key(s, p, e) < 0 || sign_match(s, p, e) < 0) {
		sign_close(s);
		return -1;
	}
	*out = s;
	return 0;
}

int sign_data(struct sign *s, const struct buf *in, struct buf *out, struct err *e)
{
	gnutls_pkcs7_t pk = NULL;
	gnutls_datum_t data = { (unsigned char *)in->data, (unsigned)in->len }, der = { NULL, 0 };
	int rc = gnutls_pkcs7_init(&pk);
	/* No signing time: the same profile signs to the same bytes (SOURCE_DATE_EPOCH runs). */
	if (rc >= 0)
		rc = gnutls_pkcs7_sign(pk, s->crt, s->key, &data, NULL, NULL, GNUTLS_DIG_SHA256,
		                       GNUTLS_PKCS7_EMBED_DATA | GNUTLS_PKCS7_INCLUDE_CERT);
	for (unsigned i = 0; rc >= 0 && i < s->n_chain; i++)
		rc = gnutls_pkcs7_set_crt(pk, s->chain[i]);
	if (rc >= 0)
		rc = gnutls_pkcs7_export2(pk, GNUTLS_X509_FMT_DER, &der);
	gnutls_pkcs7_deinit(pk);
	if (rc < 0)
		return err_set(e, ERR_DATA, "notices.sign: cannot sign the profile: %s", gnutls_strerror(rc));
	buf_reset(out);
	rc = buf_append(out, der.data, der.size);
	gnutls_free(der.data);
	return rc < 0 ? err_set(e, ERR_NOMEM, "out of memory") : 0;
}

void sign_close(struct sign *s)
{
	if (!s)
		return;
	if (s->crt)
		gnutls_x509_crt_deinit(s->crt);
	for (unsigned i = 0; i < s->n_chain; i++)
		gnutls_x509_crt_deinit(s->chain[i]);
	gnutls_free(s->chain);
	if (s->key)
		gnutls_privkey_deinit(s->key);
	free(s);
}
