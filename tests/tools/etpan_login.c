/* etpan_login: log in to a POP3 or IMAP server with libetpan and print what a client sees,
 * so integration tests can prove a server (or a harness setting) works from C.
 *
 *   etpan_login [-t none|starttls|implicit] [-c CAFILE] [-m MASTER] [-f FOLDER] [-u] [-s]
 *               pop3|imap HOST PORT USER
 *
 * The password comes from $ETPAN_PASSWORD (the master user's when -m is given), never argv.
 * POP3: USER/PASS (with -m: USER "USER*MASTER"), then LIST; prints "count N" and with -u
 *       one "uidl INDEX UIDL" line per message, with -s one "size INDEX OCTETS" line.
 * IMAP: LOGIN (with -m: AUTHENTICATE PLAIN, authzid USER, authcid MASTER), SELECT FOLDER
 *       (default INBOX); prints "count N" (EXISTS) and "uidvalidity N".
 * Exit 0 on success; 1 with "fail STAGE: CODE SERVER-TEXT" on stdout otherwise; 2 on usage.
 * With -c, the TLS peer is verified (migrate/tlsverify: CAFILE, name HOST) after the
 * handshake and before any credential goes out; a failure prints "fail tls: MESSAGE".
 * Without -c, any certificate is accepted (libetpan's own behaviour). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libetpan/libetpan.h>

#include "migrate/net/tlsverify.h"

enum tls_mode { TLS_NONE, TLS_STARTTLS, TLS_IMPLICIT };

struct opts {
	enum tls_mode tls;
	const char *master, *folder, *proto, *host, *user, *password, *ca_file;
	int uidls, sizes;
	uint16_t port;
};

static int fail(const char *stage, int code, const char *text)
{
	printf("fail %s: %d %s\n", stage, code, text ? text : "");
	return 1;
}

/* 0 when no verification was asked for or the peer chain verifies. */
static int verify_peer(const struct opts *o, mailstream *stream)
{
	struct drv_endpoint ep = { 0 };
	struct err e = { 0 };

	if (!o->ca_file || o->tls == TLS_NONE)
		return 0;
	ep.host = o->host;
	ep.ca_file = o->ca_file;
	ep.tls_verify = true;
	drv_endpoint_defaults(&ep);
	if (tlsverify_stream(stream, &ep, &e) < 0)
		return fail("tls", 0, e.msg);
	return 0;
}

static int run_pop3(const struct opts *o)
{
	mailpop3 *f = mailpop3_new(0, NULL);
	carray *list = NULL;
	char login[512];
	int r, rc = 1;

	if (!f)
		return fail("alloc", 0, NULL);
	mailpop3_set_timeout(f, 15); /* applied at connect time, so before it */
	if (o->tls == TLS_IMPLICIT)
		r = mailpop3_ssl_connect(f, o->host, o->port);
	else
		r = mailpop3_socket_connect(f, o->host, o->port);
	if (r != MAILPOP3_NO_ERROR) {
		fail("connect", r, f->pop3_response);
		goto out;
	}
	if (o->tls == TLS_STARTTLS && (r = mailpop3_socket_starttls(f)) != MAILPOP3_NO_ERROR) {
		fail("stls", r, f->pop3_response);
		goto out;
	}
	if (verify_peer(o, f->pop3_stream))
		goto out;
	if (o->master)
		snprintf(login, sizeof login, "%s*%s", o->user, o->master);
	else
		snprintf(login, sizeof login, "%s", o->user);
	if ((r = mailpop3_user(f, login)) != MAILPOP3_NO_ERROR) {
		fail("user", r, f->pop3_response);
		goto out;
	}
	if ((r = mailpop3_pass(f, o->password)) != MAILPOP3_NO_ERROR) {
		fail("pass", r, f->pop3_response);
		goto out;
	}
	if ((r = mailpop3_list(f, &list)) != MAILPOP3_NO_ERROR) {
		fail("list", r, f->pop3_response);
		goto out;
	}
	printf("count %u\n", carray_count(list));
	for (unsigned i = 0; o->uidls && i < carray_count(list); i++) {
		struct mailpop3_msg_info *m = carray_get(list, i);
		printf("uidl %u %s\n", m->msg_index, m->msg_uidl ? m->msg_uidl : "-");
	}
	for (unsigned i = 0; o->sizes && i < carray_count(list); i++) {
		struct mailpop3_msg_info *m = carray_get(list, i);
		printf("size %u %u\n", m->msg_index, m->msg_size);
	}
	mailpop3_quit(f);
	rc = 0;
out:
	mailpop3_free(f);
	return rc;
}

static int imap_ok(int r)
{
	return r == MAILIMAP_NO_ERROR || r == MAILIMAP_NO_ERROR_AUTHENTICATED ||
	       r == MAILIMAP_NO_ERROR_NON_AUTHENTICATED;
}

static int run_imap(const struct opts *o)
{
	mailimap *s = mailimap_new(0, NULL);
	int r, rc = 1;

	if (!s)
		return fail("alloc", 0, NULL);
	mailimap_set_timeout(s, 15);
	if (o->tls == TLS_IMPLICIT)
		r = mailimap_ssl_connect(s, o->host, o->port);
	else
		r = mailimap_socket_connect(s, o->host, o->port);
	if (!imap_ok(r)) {
		fail("connect", r, s->imap_response);
		goto out;
	}
	/* mailimap_starttls would only send the command; this one switches the stream. */
	if (o->tls == TLS_STARTTLS && !imap_ok(r = mailimap_socket_starttls(s))) {
		fail("starttls", r, s->imap_response);
		goto out;
	}
	if (verify_peer(o, s->imap_stream))
		goto out;
	if (o->master)
		r = mailimap_authenticate(s, "PLAIN", o->host, NULL, NULL, o->user, o->master,
		                          o->password, NULL);
	else
		r = mailimap_login(s, o->user, o->password);
	if (!imap_ok(r)) {
		fail(o->master ? "authenticate" : "login", r, s->imap_response);
		goto out;
	}
	if (!imap_ok(r = mailimap_select(s, o->folder))) {
		fail("select", r, s->imap_response);
		goto out;
	}
	printf("count %u\n", s->imap_selection_info ? s->imap_selection_info->sel_exists : 0);
	printf("uidvalidity %u\n", s->imap_selection_info ? s->imap_selection_info->sel_uidvalidity : 0);
	mailimap_logout(s);
	rc = 0;
out:
	mailimap_free(s);
	return rc;
}

static int usage(void)
{
	fprintf(stderr, "usage: etpan_login [-t none|starttls|implicit] [-c CAFILE] [-m MASTER] [-f FOLDER] [-u] [-s] "
	                "pop3|imap HOST PORT USER   (password in $ETPAN_PASSWORD)\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct opts o = { .tls = TLS_NONE, .folder = "INBOX" };
	int c;
	long port;

	while ((c = getopt(argc, argv, "t:c:m:f:us")) != -1) {
		switch (c) {
		case 't':
			if (strcmp(optarg, "none") == 0)
				o.tls = TLS_NONE;
			else if (strcmp(optarg, "starttls") == 0)
				o.tls = TLS_STARTTLS;
			else if (strcmp(optarg, "implicit") == 0)
				o.tls = TLS_IMPLICIT;
			else
				return usage();
			break;
		case 'c': o.ca_file = optarg; break;
		case 'm': o.master = optarg; break;
		case 'f': o.folder = optarg; break;
		case 'u': o.uidls = 1; break;
		case 's': o.sizes = 1; break;
		default: return usage();
		}
	}
	if (argc - optind != 4)
		return usage();
	o.proto = argv[optind];
	o.host = argv[optind + 1];
	port = strtol(argv[optind + 2], NULL, 10);
	o.user = argv[optind + 3];
	o.password = getenv("ETPAN_PASSWORD");
	if (port <= 0 || port > 65535 || !o.password)
		return usage();
	o.port = (uint16_t)port;
	if (strcmp(o.proto, "pop3") == 0)
		return run_pop3(&o);
	if (strcmp(o.proto, "imap") == 0)
		return run_imap(&o);
	return usage();
}
