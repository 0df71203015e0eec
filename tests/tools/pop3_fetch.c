/* pop3_fetch: list and fetch a whole POP3 mailbox through pop3src_ops, for tests and
 * benchmarks. The password comes from the environment (never argv).
 *
 *   pop3_fetch --host H --port P [--tls none|starttls|tls] [--auth user|apop|plain|cram-md5]
 *              --user U [--master M] [--ca FILE] [--tls-name N] [--no-verify]
 *              [--timeout S] [--password-env VAR (default POP3_PASSWORD)]
 *              [--list-only | --headers] [--save DIR] [--rate] [--between CMD]
 *
 * stdout: "style STYLE", "caps uidl|-", then one line per message in server order:
 * "SEQ KEY SIZE SHA256" (SHA256 = "-" with --list-only). Warnings go to stderr as
 * "warning: …"; a failure prints "error CLASS [CODE]: message" to stderr and exits with
 * the class's sysexits code. --save writes each message to DIR/SEQ. --rate prints
 * "rate N msgs in S s = R msg/s" to stderr for the fetch phase. --between CMD closes the
 * session after LIST, runs CMD (sh -c) and fetches the old list in a new session, as the
 * engine does after a reconnect; a message gone by then prints "missing KEY" and the rest
 * is fetched (a not-found failure has message scope). --headers reads only the header
 * blocks (the headers op, TOP n 0) and prints them like messages. */
#include <gnutls/crypto.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "migrate/driver.h"

struct fetch_ctx {
	const char *save;
	size_t n;
};

static int on_message(void *vctx, const struct drv_msg *m, const char *data, size_t len, struct err *e)
{
	struct fetch_ctx *c = vctx;
	unsigned char md[32];
	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, data, len, md) < 0)
		return err_set(e, ERR_INTERNAL, "sha256 failed");
	printf("%u %s %zu ", m->seq, m->key, len);
	for (int i = 0; i < 32; i++)
		printf("%02x", md[i]);
	printf("\n");
	if (c->save) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%u", c->save, m->seq);
		FILE *f = fopen(path, "wb");
		if (!f || fwrite(data, 1, len, f) != len) {
			if (f)
				fclose(f);
			return err_set(e, ERR_IO, "cannot write %s", path);
		}
		fclose(f);
	}
	c->n++;
	return 0;
}

static void drain_warnings(struct src *s)
{
	const char *w;
	while ((w = s->ops->warning(s)))
		fprintf(stderr, "warning: %s\n", w);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int usage(void)
{
	fprintf(stderr, "usage: pop3_fetch --host H --port P --user U [options]; see the source\n");
	return 64;
}

int main(int argc, char **argv)
{
	struct drv_endpoint ep = {.proto = DRV_PROTO_POP3, .tls = DRV_TLS_NONE, .auth = DRV_AUTH_USER,
	                           .tls_verify = true, .timeout_seconds = 20};
	struct drv_login login = {0};
	const char *pwenv = "POP3_PASSWORD";
	bool list_only = false, rate = false, headers = false;
	/* as cutover's main: a write to a dropped connection is an error to report, not death */
	signal(SIGPIPE, SIG_IGN);
	const char *between = NULL;
	struct fetch_ctx ctx = {0};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--list-only") == 0) { list_only = true; continue; }
		if (strcmp(a, "--rate") == 0) { rate = true; continue; }
		if (strcmp(a, "--headers") == 0) { headers = true; continue; }
		if (strcmp(a, "--no-verify") == 0) { ep.tls_verify = false; continue; }
		if (!v)
			return usage();
		i++;
		if (strcmp(a, "--host") == 0) ep.host = v;
		else if (strcmp(a, "--port") == 0) ep.port = atoi(v);
		else if (strcmp(a, "--user") == 0) login.user = v;
		else if (strcmp(a, "--master") == 0) login.master_user = v;
		else if (strcmp(a, "--ca") == 0) ep.ca_file = v;
		else if (strcmp(a, "--tls-name") == 0) ep.tls_name = v;
		else if (strcmp(a, "--timeout") == 0) ep.timeout_seconds = atoi(v);
		else if (strcmp(a, "--password-env") == 0) pwenv = v;
		else if (strcmp(a, "--save") == 0) ctx.save = v;
		else if (strcmp(a, "--between") == 0) between = v;
		else if (strcmp(a, "--tls") == 0)
			ep.tls = strcmp(v, "tls") == 0 ? DRV_TLS_IMPLICIT
			       : strcmp(v, "starttls") == 0 ? DRV_TLS_STARTTLS : DRV_TLS_NONE;
		else if (strcmp(a, "--auth") == 0)
			ep.auth = strcmp(v, "apop") == 0 ? DRV_AUTH_APOP
			        : strcmp(v, "plain") == 0 ? DRV_AUTH_PLAIN
			        : strcmp(v, "cram-md5") == 0 ? DRV_AUTH_CRAM_MD5 : DRV_AUTH_USER;
		else
			return usage();
	}
	login.password = getenv(pwenv);
	if (!ep.host || !login.user || !login.password)
		return usage();

	struct err e = {0};
	struct src *s = NULL;
	struct drv_msg_list l = {0};
	const struct drv_msg **v = NULL;
	int rc = 0;
	const struct src_ops *ops = drv_source_for(DRV_PROTO_POP3);
	drv_endpoint_defaults(&ep);
	if (ops->open(&s, &ep, &login, &e) < 0)
		goto fail;
	if (ops->list(s, &l, &e) < 0)
		goto fail;
	printf("style %s\ncaps %s\n", ops->uidl_style(s), ops->caps(s) & DRV_SRC_UIDL ? "uidl" : "-");
	if (list_only) {
		for (size_t i = 0; i < l.n; i++)
			printf("%u %s %llu -\n", l.v[i].seq, l.v[i].key, (unsigned long long)l.v[i].size);
	} else {
		v = malloc((l.n ? l.n : 1) * sizeof *v);
		if (!v) {
			err_set(&e, ERR_NOMEM, "out of memory");
			goto fail;
		}
		for (size_t i = 0; i < l.n; i++)
			v[i] = &l.v[i];
		if (between) {
			drain_warnings(s);
			ops->close(s);
			s = NULL;
			if (system(between) != 0) {
				err_set(&e, ERR_INTERNAL, "--between command failed");
				goto fail;
			}
			if (ops->open(&s, &ep, &login, &e) < 0)
				goto fail;
		}
		double t0 = now();
		size_t done = 0;
		while (done < l.n) {
			size_t before = ctx.n;
			if ((headers ? ops->headers : ops->fetch)(s, v + done, l.n - done, on_message, &ctx, &e) == 0)
				break;
			if (e.scope != ERR_SCOPE_MESSAGE)
				goto fail;
			done += ctx.n - before;
			printf("missing %s (%s)\n", v[done]->key, err_class_name(e.cls));
			done++;
		}
		double dt = now() - t0;
		if (rate)
			fprintf(stderr, "rate %zu msgs in %.3f s = %.0f msg/s\n", ctx.n, dt, dt > 0 ? ctx.n / dt : 0.0);
	}
	goto out;
fail:
	fprintf(stderr, "error %s%s%s%s: %s\n", err_class_name(e.cls), e.resp_code[0] ? " [" : "", e.resp_code,
	        e.resp_code[0] ? "]" : "", e.msg);
	rc = err_exit_code(e.cls);
out:
	if (s) {
		drain_warnings(s);
		ops->close(s);
	}
	free(v);
	drv_msg_list_free(&l);
	fflush(stdout);
	return rc;
}
