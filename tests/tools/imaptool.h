/* imaptool.h: what the IMAP test tools share — connection options from the command line
 * (passwords only from the environment: IMAP_PASSWORD), error printing, and a SHA-256. */
#ifndef CUTOVER_IMAPTOOL_H
#define CUTOVER_IMAPTOOL_H

#include <gnutls/crypto.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "migrate/driver.h"

struct imaptool {
	struct drv_endpoint ep;
	struct drv_login login;
	int argi;   /* first argument after the options */
};

/* -h HOST -p PORT -t none|starttls|tls -c CAFILE -n TLSNAME -u USER -m MASTER -a user|plain
 * -T SECONDS. Returns 0, or -1 after printing usage. */
static inline int imaptool_opts(struct imaptool *t, int argc, char **argv, const char *usage)
{
	memset(t, 0, sizeof *t);
	/* libetpan writes to sockets without MSG_NOSIGNAL: a server that hangs up would kill
	 * the process with SIGPIPE instead of giving an error. cutover's main does the same. */
	signal(SIGPIPE, SIG_IGN);
	t->ep.proto = DRV_PROTO_IMAP;
	t->ep.host = "127.0.0.1";
	t->ep.tls_verify = true;
	t->ep.timeout_seconds = 20;
	t->login.password = getenv("IMAP_PASSWORD");
	int i = 1;
	for (; i + 1 < argc && argv[i][0] == '-' && argv[i][1] && !argv[i][2]; i += 2) {
		char *v = argv[i + 1];
		switch (argv[i][1]) {
		case 'h': t->ep.host = v; break;
		case 'p': t->ep.port = atoi(v); break;
		case 't': t->ep.tls = !strcmp(v, "tls") ? DRV_TLS_IMPLICIT
		                      : !strcmp(v, "starttls") ? DRV_TLS_STARTTLS : DRV_TLS_NONE; break;
		case 'c': t->ep.ca_file = v; break;
		case 'n': t->ep.tls_name = v; break;
		case 'u': t->login.user = v; break;
		case 'm': t->login.master_user = v; break;
		case 'a': t->ep.auth = !strcmp(v, "plain") ? DRV_AUTH_PLAIN : DRV_AUTH_USER; break;
		case 'T': t->ep.timeout_seconds = atoi(v); break;
		default: fprintf(stderr, "usage: %s\n", usage); return -1;
		}
	}
	if (!t->login.user || i >= argc) {
		fprintf(stderr, "usage: %s\n", usage);
		return -1;
	}
	t->argi = i;
	drv_endpoint_defaults(&t->ep);
	return 0;
}

/* Print the error the way the integration tests grep it; returns the sysexits code. */
static inline int imaptool_fail(const struct err *e)
{
	fprintf(stderr, "error: %s: %s\n", err_class_name(e->cls), e->msg);
	if (e->server[0])
		fprintf(stderr, "server: %s\n", e->server);
	return err_exit_code(e->cls);
}

static inline void imaptool_sha256(const void *data, size_t len, char hex[65])
{
	unsigned char d[32];
	gnutls_hash_fast(GNUTLS_DIG_SHA256, data, len, d);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

static inline void imaptool_flags(unsigned flags, char *const *keywords, FILE *out)
{
	static const char *const names[] = {"\\Seen", "\\Answered", "\\Flagged", "\\Draft", "\\Deleted"};
	const char *sep = "";
	for (int i = 0; i < 5; i++)
		if (flags & (1u << i)) {
			fprintf(out, "%s%s", sep, names[i]);
			sep = ",";
		}
	for (char *const *k = keywords; k && *k; k++) {
		fprintf(out, "%s%s", sep, *k);
		sep = ",";
	}
	if (!*sep)
		fputs("-", out);
}

#endif
