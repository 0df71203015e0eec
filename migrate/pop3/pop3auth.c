/* pop3auth: POP3 authentication on a libetpan session.
 *
 * Why raw lines: libetpan 1.9.4's mailpop3_apop hashes with a bundled MD5 whose UINT4
 * is `unsigned long` (8 bytes on amd64), so the digest is wrong and every APOP login
 * fails as a bad password; and mailpop3_auth needs Cyrus SASL plugins and logs the
 * SASL continuation (base64 of the password) as non-private. So APOP, AUTH PLAIN and
 * AUTH CRAM-MD5 are written by us with mailstream_write on f->pop3_stream and the reply
 * read with mailstream_read_line_remove_eol; after success we move libetpan's session
 * state to TRANSACTION ourselves, since LIST/TOP/RETR check it. */
#include "migrate/pop3/pop3auth.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "migrate/net/saslplain.h"
#include "migrate/pop3/apop.h"
#include "migrate/pop3/pop3resp.h"

/* libetpan's private enum in mailpop3.c (1.9.4): DISCONNECTED 0, AUTHORIZATION 1,
 * TRANSACTION 2. Not in any installed header. */
#define POP3AUTH_ETPAN_AUTHORIZATION 1
#define POP3AUTH_ETPAN_TRANSACTION 2

/* libetpan formats USER/PASS into a 513-byte buffer and silently truncates. */
#define POP3AUTH_ARG_MAX 400

enum { RAW_ERR = 0, RAW_OK = 1, RAW_CONT = 2 };

static double pop3auth_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Send `line` (+CRLF) and read one reply line. RAW_OK/RAW_ERR/RAW_CONT with the text
 * after "+OK "/"-ERR "/"+ " in resp, or -1 with e set. */
static int pop3auth_raw(mailpop3 *f, const char *what, const char *line, char *resp, size_t cap,
                        const struct pop3auth_ctx *c, struct err *e)
{
	double t0 = pop3auth_now();
	/* privacy 0: should anyone add a libetpan logger, this line is marked private. */
	mailstream_set_privacy(f->pop3_stream, 0);
	if (mailstream_write(f->pop3_stream, line, strlen(line)) < 0 ||
	    mailstream_write(f->pop3_stream, "\r\n", 2) < 0 || mailstream_flush(f->pop3_stream) < 0)
		return pop3resp_lib_err(e, MAILPOP3_ERROR_STREAM, what, pop3auth_now() - t0, c->timeout);
	MMAPString *buf = mmap_string_new("");
	if (!buf)
		return err_set(e, ERR_NOMEM, "%s: out of memory", what);
	const char *r = mailstream_read_line_remove_eol(f->pop3_stream, buf);
	int rc;
	if (!r) {
		rc = pop3resp_lib_err(e, MAILPOP3_ERROR_STREAM, what, pop3auth_now() - t0, c->timeout);
	} else if (strncmp(r, "+OK", 3) == 0) {
		rc = RAW_OK;
		snprintf(resp, cap, "%s", r[3] == ' ' ? r + 4 : r + 3);
	} else if (strncmp(r, "-ERR", 4) == 0) {
		rc = RAW_ERR;
		snprintf(resp, cap, "%s", r[4] == ' ' ? r + 5 : r + 4);
	} else if (r[0] == '+') {
		rc = RAW_CONT;
		snprintf(resp, cap, "%s", r[1] == ' ' ? r + 2 : r + 1);
	} else {
		rc = err_set(e, ERR_PROTOCOL, "%s: unexpected reply \"%.80s\"", what, r);
	}
	mmap_string_free(buf);
	return rc;
}

/* A user name goes on a command line: no control characters, no blanks for APOP. */
static int pop3auth_check_arg(const char *name, const char *v, bool blank_ok, struct err *e)
{
	if (!v || !*v)
		return err_set(e, ERR_DATA, "POP3 login: the %s is empty", name);
	if (strlen(v) > POP3AUTH_ARG_MAX)
		return err_set(e, ERR_DATA, "POP3 login: the %s is longer than %d bytes", name, POP3AUTH_ARG_MAX);
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p < 0x20 || *p == 0x7f || (!blank_ok && *p == ' '))
			return err_set(e, ERR_DATA, "POP3 login: the %s contains a control character%s", name,
			               blank_ok ? "" : " or a blank");
	return 0;
}

static int pop3auth_user_pass(mailpop3 *f, const struct drv_login *l, const struct pop3auth_ctx *c,
                              struct err *e)
{
	char user[2 * POP3AUTH_ARG_MAX + 2];
	if (l->master_user)
		snprintf(user, sizeof user, "%s%c%s", l->user, POP3AUTH_MASTER_SEPARATOR, l->master_user);
	else
		snprintf(user, sizeof user, "%s", l->user);
	if (pop3auth_check_arg("user name", user, true, e) < 0 ||
	    pop3auth_check_arg("password", l->password, true, e) < 0)
		return -1;
	double t0 = pop3auth_now();
	int rc = mailpop3_user(f, user);
	if (rc == MAILPOP3_ERROR_BAD_USER)
		return pop3resp_err(e, ERR_AUTH, "POP3 USER", f->pop3_response, c->login_delay);
	if (rc != MAILPOP3_NO_ERROR)
		return pop3resp_lib_err(e, rc, "POP3 USER", pop3auth_now() - t0, c->timeout);
	t0 = pop3auth_now();
	rc = mailpop3_pass(f, l->password);
	if (rc == MAILPOP3_ERROR_BAD_PASSWORD)
		return pop3resp_err(e, ERR_AUTH, "POP3 PASS", f->pop3_response, c->login_delay);
	if (rc != MAILPOP3_NO_ERROR)
		return pop3resp_lib_err(e, rc, "POP3 PASS", pop3auth_now() - t0, c->timeout);
	return 0;
}

static int pop3auth_apop(mailpop3 *f, const struct drv_login *l, const struct pop3auth_ctx *c,
                         struct err *e)
{
	if (l->master_user)
		return err_set(e, ERR_DATA, "POP3 APOP cannot log in as a master user; use auth: user or plain");
	char ts[512], hex[33], line[1024], resp[512];
	if (apop_timestamp(f->pop3_timestamp, ts, sizeof ts) < 0)
		return err_set(e, ERR_PERM, "POP3 APOP: the server's greeting has no timestamp, so it does not offer APOP");
	if (pop3auth_check_arg("user name", l->user, false, e) < 0 ||
	    pop3auth_check_arg("password", l->password, true, e) < 0)
		return -1;
	if (apop_digest(ts, l->password, hex) < 0)
		return err_set(e, ERR_INTERNAL, "POP3 APOP: MD5 failed");
	snprintf(line, sizeof line, "APOP %s %s", l->user, hex);
	int rc = pop3auth_raw(f, "POP3 APOP", line, resp, sizeof resp, c, e);
	if (rc == RAW_OK)
		return 0;
	if (rc == RAW_ERR)
		return pop3resp_err(e, ERR_AUTH, "POP3 APOP", resp, c->login_delay);
	if (rc == RAW_CONT)
		return err_set(e, ERR_PROTOCOL, "POP3 APOP: unexpected continuation");
	return -1;
}

static char *pop3auth_b64(const void *p, size_t n)
{
	gnutls_datum_t in = {(unsigned char *)p, (unsigned)n}, out = {NULL, 0};
	if (gnutls_base64_encode2(&in, &out) < 0)
		return NULL;
	char *s = malloc(out.size + 1);
	if (s) {
		memcpy(s, out.data, out.size);
		s[out.size] = '\0';
	}
	gnutls_memset(out.data, 0, out.size);
	gnutls_free(out.data);
	return s;
}

/* Finish a SASL exchange whose client response is `b64`: with an initial response on the
 * AUTH line (RFC 5034), or after an empty "+ " when the server wants it separately. */
static int pop3auth_sasl_finish(mailpop3 *f, const char *what, int rc, const char *b64, char *resp,
                                size_t cap, const struct pop3auth_ctx *c, struct err *e)
{
	if (rc == RAW_CONT && b64)
		rc = pop3auth_raw(f, what, b64, resp, cap, c, e);
	if (rc == RAW_OK)
		return 0;
	if (rc == RAW_ERR)
		return pop3resp_err(e, ERR_AUTH, what, resp, c->login_delay);
	if (rc == RAW_CONT) {
		/* Cancel the exchange (RFC 5034 "*") so the server is not left waiting. */
		char ignore[64];
		struct err e2 = {0};
		pop3auth_raw(f, what, "*", ignore, sizeof ignore, c, &e2);
		return err_set(e, ERR_PROTOCOL, "%s: the server wants more SASL steps than the mechanism has", what);
	}
	return -1;
}

static int pop3auth_plain(mailpop3 *f, const struct drv_login *l, const struct pop3auth_ctx *c,
                          struct err *e)
{
	/* authzid = the customer when a master user logs in for them; authcid = who owns the password */
	const char *authz = l->master_user ? l->user : "";
	const char *authc = l->master_user ? l->master_user : l->user;
	if (pop3auth_check_arg("user name", l->user, true, e) < 0 ||
	    (l->master_user && pop3auth_check_arg("master user", l->master_user, true, e) < 0))
		return -1;
	char *b64 = saslplain_b64(authz, authc, l->password);
	if (!b64)
		return err_set(e, ERR_NOMEM, "POP3 AUTH PLAIN: out of memory");
	size_t ll = strlen(b64) + 16;
	char *line = malloc(ll), resp[512];
	int rc = -1;
	if (line) {
		snprintf(line, ll, "AUTH PLAIN %s", b64);
		rc = pop3auth_raw(f, "POP3 AUTH PLAIN", line, resp, sizeof resp, c, e);
		if (rc >= 0)
			rc = pop3auth_sasl_finish(f, "POP3 AUTH PLAIN", rc, b64, resp, sizeof resp, c, e);
		gnutls_memset(line, 0, ll);
		free(line);
	} else {
		err_set(e, ERR_NOMEM, "POP3 AUTH PLAIN: out of memory");
	}
	saslplain_free(b64);
	return rc;
}

static int pop3auth_cram(mailpop3 *f, const struct drv_login *l, const struct pop3auth_ctx *c,
                         struct err *e)
{
	if (l->master_user)
		return err_set(e, ERR_DATA, "POP3 CRAM-MD5 cannot log in as a master user; use auth: user or plain");
	if (pop3auth_check_arg("user name", l->user, false, e) < 0)
		return -1;
	char resp[1024];
	int rc = pop3auth_raw(f, "POP3 AUTH CRAM-MD5", "AUTH CRAM-MD5", resp, sizeof resp, c, e);
	if (rc != RAW_CONT)
		return rc < 0 ? -1 : pop3auth_sasl_finish(f, "POP3 AUTH CRAM-MD5", rc, NULL, resp, sizeof resp, c, e);
	gnutls_datum_t in = {(unsigned char *)resp, (unsigned)strlen(resp)}, chal = {NULL, 0};
	if (gnutls_base64_decode2(&in, &chal) < 0) {
		struct err e2 = {0};
		pop3auth_raw(f, "POP3 AUTH CRAM-MD5", "*", resp, sizeof resp, c, &e2);
		return err_set(e, ERR_PROTOCOL, "POP3 AUTH CRAM-MD5: the challenge is not base64");
	}
	unsigned char mac[16];
	int hrc = gnutls_hmac_fast(GNUTLS_MAC_MD5, l->password, strlen(l->password), chal.data, chal.size, mac);
	gnutls_free(chal.data);
	if (hrc < 0)
		return err_set(e, ERR_INTERNAL, "POP3 AUTH CRAM-MD5: HMAC-MD5 failed");
	char answer[POP3AUTH_ARG_MAX + 40];
	int n = snprintf(answer, sizeof answer, "%s ", l->user);
	for (int i = 0; i < 16; i++)
		n += snprintf(answer + n, sizeof answer - (size_t)n, "%02x", mac[i]);
	char *b64 = pop3auth_b64(answer, (size_t)n);
	if (!b64)
		return err_set(e, ERR_NOMEM, "POP3 AUTH CRAM-MD5: out of memory");
	rc = pop3auth_sasl_finish(f, "POP3 AUTH CRAM-MD5", RAW_CONT, b64, resp, sizeof resp, c, e);
	free(b64);
	return rc;
}

int pop3auth_login(mailpop3 *f, enum drv_auth method, const struct drv_login *login,
                   const struct pop3auth_ctx *c, struct err *e)
{
	if (!login->password)
		return err_set(e, ERR_DATA, "POP3 login: no password");
	int rc;
	switch (method) {
	case DRV_AUTH_USER:
		return pop3auth_user_pass(f, login, c, e);   /* libetpan moves the state itself */
	case DRV_AUTH_APOP:
		rc = pop3auth_apop(f, login, c, e);
		break;
	case DRV_AUTH_PLAIN:
		rc = pop3auth_plain(f, login, c, e);
		break;
	case DRV_AUTH_CRAM_MD5:
		rc = pop3auth_cram(f, login, c, e);
		break;
	default:
		return err_set(e, ERR_INTERNAL, "POP3 login: unknown method %d", (int)method);
	}
	if (rc == 0 && f->pop3_state == POP3AUTH_ETPAN_AUTHORIZATION)
		f->pop3_state = POP3AUTH_ETPAN_TRANSACTION;
	return rc;
}
