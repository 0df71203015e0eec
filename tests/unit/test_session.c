/* test_session: where a customer's session goes and who logs in there, without servers.
 * The plan is built in memory; a recording driver passed as the ops override stands in
 * for POP3/IMAP, so the test sees exactly the endpoint and login a driver would get. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "migrate/driver.h"
#include "migrate/session.h"
#include "schedule/plan.h"
#include "t.h"

/* ---- a driver that records what open() was given ---- */

struct rec {
	struct src base;
	struct dst dbase;
	struct drv_endpoint ep;
	char user[64], password[64], master[64];
};

/* Login "refused" fails like a server would; anything else succeeds. */
static int rec_open(struct rec **out, const struct drv_endpoint *ep, const struct drv_login *login,
                    struct err *e)
{
	*out = NULL;
	if (strcmp(login->user, "refused") == 0)
		return err_set(e, ERR_AUTH, "login refused");
	struct rec *r = calloc(1, sizeof *r);
	if (!r)
		return err_set(e, ERR_NOMEM, "out of memory");
	r->ep = *ep;
	snprintf(r->user, sizeof r->user, "%s", login->user);
	snprintf(r->password, sizeof r->password, "%s", login->password ? login->password : "");
	snprintf(r->master, sizeof r->master, "%s", login->master_user ? login->master_user : "");
	*out = r;
	return 0;
}

static const struct src_ops rec_src_ops;
static const struct dst_ops rec_dst_ops;

static int rec_src_open(struct src **out, const struct drv_endpoint *ep, const struct drv_login *login,
                        struct err *e)
{
	struct rec *r;
	*out = NULL;
	if (rec_open(&r, ep, login, e) < 0)
		return -1;
	r->base.ops = &rec_src_ops;
	*out = &r->base;
	return 0;
}

static int rec_dst_open(struct dst **out, const struct drv_endpoint *ep, const struct drv_login *login,
                        struct err *e)
{
	struct rec *r;
	*out = NULL;
	if (rec_open(&r, ep, login, e) < 0)
		return -1;
	r->dbase.ops = &rec_dst_ops;
	*out = &r->dbase;
	return 0;
}

static const struct src_ops rec_src_ops = { .name = "rec", .open = rec_src_open };
static const struct dst_ops rec_dst_ops = { .name = "rec", .open = rec_dst_open };

/* ---- a plan in memory ---- */

struct fixture {
	struct plan p;
	struct plan_customer c[4];
	struct plan_service after[2];
	struct plan_resolve res[2];
	char *old_addr[1], *new_addr[1];
};

static void fixture_init(struct fixture *f)
{
	memset(f, 0, sizeof *f);
	setenv("T_SESSION_SRC", "pw-src", 1);
	setenv("T_SESSION_DST", "pw-dst", 1);
	setenv("T_SESSION_MASTER", "pw-master", 1);
	struct plan_endpoint *s = &f->p.migration.source, *d = &f->p.migration.destination;
	s->proto = PLAN_PROTO_POP3;
	s->host = "pop.old.example";
	s->tls = PLAN_TLS_IMPLICIT;   /* port 0: the standard port for POP3S */
	s->auth = PLAN_AUTH_APOP;
	s->tls_verify = true;
	s->imap_port = 1993;
	d->proto = PLAN_PROTO_IMAP;
	d->host = "imap.new.example";
	d->port = 10143;
	d->tls = PLAN_TLS_STARTTLS;
	d->tls_name = "mail.new.example";
	d->ca_file = "/etc/private-ca.pem";
	d->timeout_seconds = 7;
	d->master_user = "migrate";
	d->master_password.env = "T_SESSION_MASTER";
	/* the old server's private address during the window */
	f->old_addr[0] = "10.0.0.5";
	f->res[0] = (struct plan_resolve){ .name = "POP.OLD.example", .addresses = f->old_addr, .n_addresses = 1 };
	f->new_addr[0] = "10.1.1.1";
	f->res[1] = (struct plan_resolve){ .name = "pop.new.example", .addresses = f->new_addr, .n_addresses = 1 };
	f->p.resolve = f->res;
	f->p.n_resolve = 2;
	f->after[0] = (struct plan_service){ .host = "imap.new.example", .proto = PLAN_PROTO_IMAP, .port = 993 };
	f->after[1] = (struct plan_service){ .host = "pop.new.example", .proto = PLAN_PROTO_POP3, .port = 995,
	                                     .tls = PLAN_TLS_IMPLICIT };
	f->p.services.incoming_after = f->after;
	f->p.services.n_incoming_after = 2;
	/* c1: POP3 with its own passwords; c2: IMAP on the same source host, own login name;
	 * c3: no source password and no source master user. */
	f->c[0] = (struct plan_customer){ .id = "c1", .email = "alice@old.example" };
	f->c[0].source_password.env = "T_SESSION_SRC";
	f->c[0].dest_password.env = "T_SESSION_DST";
	f->c[1] = (struct plan_customer){ .id = "c2", .email = "bob@old.example", .source_login = "bob",
	                                  .has_source_proto = true, .source_proto = PLAN_PROTO_IMAP };
	f->c[1].source_password.env = "T_SESSION_SRC";
	f->c[2] = (struct plan_customer){ .id = "c3", .email = "carol@old.example" };
	f->c[3] = (struct plan_customer){ .id = "c4", .email = "dave@old.example", .source_login = "refused",
	                                  .dest_login = "refused" };
	f->c[3].source_password.env = "T_SESSION_SRC";
	f->p.customers = f->c;
	f->p.n_customers = 4;
}

/* ---- cases ---- */

static void source_goes_through_the_resolve_table(void)
{
	struct fixture f;
	struct drv_endpoint ep;
	struct err e = { 0 };
	fixture_init(&f);
	T_REQUIRE(session_endpoint(&f.p, &f.c[0], SESSION_SOURCE, &ep, &e) == 0);
	T_INTEQ(ep.proto, DRV_PROTO_POP3);
	T_STREQ(ep.host, "pop.old.example");
	T_STREQ(ep.address, "10.0.0.5");          /* resolve: matches the name case-insensitively */
	T_STREQ(ep.tls_name, "pop.old.example");  /* the certificate is checked against the name */
	T_INTEQ(ep.port, 995);
	T_INTEQ(ep.tls, DRV_TLS_IMPLICIT);
	T_INTEQ(ep.auth, DRV_AUTH_APOP);
	T_INTEQ(ep.timeout_seconds, 60);
	T_CHECK(ep.tls_verify);
	T_STREQ(ep.label, "source");
}

static void per_customer_source_protocol_and_port(void)
{
	struct fixture f;
	struct drv_endpoint ep;
	struct err e = { 0 };
	fixture_init(&f);
	T_REQUIRE(session_endpoint(&f.p, &f.c[1], SESSION_SOURCE, &ep, &e) == 0);
	T_INTEQ(ep.proto, DRV_PROTO_IMAP);
	T_INTEQ(ep.port, 1993);                   /* source.imap_port */
	T_STREQ(ep.address, "10.0.0.5");
	f.p.migration.source.imap_port = 0;
	T_REQUIRE(session_endpoint(&f.p, &f.c[1], SESSION_SOURCE, &ep, &e) == 0);
	T_INTEQ(ep.port, 993);                    /* IMAPS standard port */
	/* the other way round: an IMAP plan, a POP3 customer with pop3_port */
	f.p.migration.source.proto = PLAN_PROTO_IMAP;
	f.p.migration.source.pop3_port = 1995;
	f.c[1].source_proto = PLAN_PROTO_POP3;
	T_REQUIRE(session_endpoint(&f.p, &f.c[1], SESSION_SOURCE, &ep, &e) == 0);
	T_INTEQ(ep.proto, DRV_PROTO_POP3);
	T_INTEQ(ep.port, 1995);
}

static void destination_keeps_its_tls_settings(void)
{
	struct fixture f;
	struct drv_endpoint ep;
	struct err e = { 0 };
	fixture_init(&f);
	T_REQUIRE(session_endpoint(&f.p, &f.c[0], SESSION_DESTINATION, &ep, &e) == 0);
	T_INTEQ(ep.proto, DRV_PROTO_IMAP);
	T_STREQ(ep.address, "imap.new.example");  /* no resolve: entry: the name itself */
	T_INTEQ(ep.port, 10143);
	T_INTEQ(ep.tls, DRV_TLS_STARTTLS);
	T_STREQ(ep.tls_name, "mail.new.example");
	T_STREQ(ep.ca_file, "/etc/private-ca.pem");
	T_INTEQ(ep.timeout_seconds, 7);
	T_STREQ(ep.label, "destination");
}

static void destination_pop3_from_services_after(void)
{
	struct fixture f;
	struct drv_endpoint ep;
	struct err e = { 0 };
	fixture_init(&f);
	f.p.migration.destination.auth = PLAN_AUTH_PLAIN;
	T_REQUIRE(session_endpoint(&f.p, &f.c[0], SESSION_DESTINATION_POP3, &ep, &e) == 0);
	T_INTEQ(ep.proto, DRV_PROTO_POP3);
	T_STREQ(ep.host, "pop.new.example");      /* the first POP3 service, not the IMAP one */
	T_STREQ(ep.address, "10.1.1.1");
	T_STREQ(ep.tls_name, "pop.new.example");
	T_INTEQ(ep.port, 995);
	T_INTEQ(ep.tls, DRV_TLS_IMPLICIT);
	T_INTEQ(ep.auth, DRV_AUTH_USER);          /* as a mail program logs in */
	T_STREQ(ep.ca_file, "/etc/private-ca.pem");
	/* migration.destination.pop3_port wins, on the destination host */
	f.p.migration.destination.pop3_port = 10110;
	f.p.migration.destination.pop3_tls = PLAN_TLS_NONE;
	T_REQUIRE(session_endpoint(&f.p, &f.c[0], SESSION_DESTINATION_POP3, &ep, &e) == 0);
	T_STREQ(ep.host, "imap.new.example");
	T_INTEQ(ep.port, 10110);
	T_INTEQ(ep.tls, DRV_TLS_NONE);
	/* neither: a clear error, prefixed once by the open */
	f.p.migration.destination.pop3_port = 0;
	f.p.services.n_incoming_after = 1;
	struct src *s = NULL;
	T_INTEQ(session_open_src(&s, &f.p, &f.c[0], SESSION_DESTINATION_POP3, &rec_src_ops, &e), -1);
	T_CHECK(s == NULL);
	T_STREQ(e.msg, "destination POP3: no POP3 port for the destination: set migration.destination.pop3_port");
	T_INTEQ(e.cls, ERR_DATA);
}

static void open_passes_login_and_endpoint(void)
{
	struct fixture f;
	struct src *s = NULL;
	struct dst *d = NULL;
	struct err e = { 0 };
	fixture_init(&f);
	T_REQUIRE(session_open_src(&s, &f.p, &f.c[1], SESSION_SOURCE, &rec_src_ops, &e) == 0);
	struct rec *r = (struct rec *)s;
	T_STREQ(r->user, "bob");
	T_STREQ(r->password, "pw-src");
	T_STREQ(r->master, "");
	T_INTEQ(r->ep.proto, DRV_PROTO_IMAP);
	free(r);
	/* destination: no own password, the master user logs in for the customer's address */
	T_REQUIRE(session_open_dst(&d, &f.p, &f.c[1], &rec_dst_ops, &e) == 0);
	r = (struct rec *)((char *)d - offsetof(struct rec, dbase));
	T_STREQ(r->user, "bob@old.example");
	T_STREQ(r->password, "pw-master");
	T_STREQ(r->master, "migrate");
	T_STREQ(r->ep.tls_name, "mail.new.example");
	free(r);
}

static void missing_password_names_the_customer(void)
{
	struct fixture f;
	struct src *s = NULL;
	struct err e = { 0 };
	fixture_init(&f);
	T_INTEQ(session_open_src(&s, &f.p, &f.c[2], SESSION_SOURCE, &rec_src_ops, &e), -1);
	T_CHECK(s == NULL);
	T_INTEQ(e.cls, ERR_DATA);
	T_STREQ(e.msg, "source: no password for customer c3 (give one in the CSV or a master user)");
	/* an unset variable says which customer's password could not be read */
	unsetenv("T_SESSION_DST");
	T_INTEQ(session_open_src(&s, &f.p, &f.c[0], SESSION_DESTINATION, &rec_src_ops, &e), -1);
	T_STREQ(e.msg, "destination: password of customer c1: environment variable T_SESSION_DST "
	               "(a password) is not set");
}

static void driver_errors_get_the_side_once(void)
{
	struct fixture f;
	struct src *s = NULL;
	struct dst *d = NULL;
	struct err e = { 0 };
	fixture_init(&f);
	T_INTEQ(session_open_src(&s, &f.p, &f.c[3], SESSION_SOURCE, &rec_src_ops, &e), -1);
	T_STREQ(e.msg, "source: login refused");
	T_INTEQ(e.cls, ERR_AUTH);
	T_INTEQ(session_open_dst(&d, &f.p, &f.c[3], &rec_dst_ops, &e), -1);
	T_CHECK(d == NULL);
	T_STREQ(e.msg, "destination: login refused");
	T_INTEQ(session_open_src(&s, &f.p, &f.c[3], SESSION_DESTINATION_POP3, &rec_src_ops, &e), -1);
	T_STREQ(e.msg, "destination POP3 pop.new.example:995: login refused");
}

static void no_driver_for_smtp(void)
{
	struct fixture f;
	struct dst *d = NULL;
	struct err e = { 0 };
	fixture_init(&f);
	f.p.migration.destination.proto = PLAN_PROTO_SMTP;
	T_INTEQ(session_open_dst(&d, &f.p, &f.c[0], NULL, &e), -1);
	T_STREQ(e.msg, "destination: no mail driver for smtp");
	/* by protocol: a POP3 destination has no writing driver */
	f.p.migration.destination.proto = PLAN_PROTO_POP3;
	T_INTEQ(session_open_dst(&d, &f.p, &f.c[0], NULL, &e), -1);
	T_STREQ(e.msg, "destination: no driver writes to this protocol (only IMAP)");
}

int main(void)
{
	T_RUN(source_goes_through_the_resolve_table);
	T_RUN(per_customer_source_protocol_and_port);
	T_RUN(destination_keeps_its_tls_settings);
	T_RUN(destination_pop3_from_services_after);
	T_RUN(open_passes_login_and_endpoint);
	T_RUN(missing_password_names_the_customer);
	T_RUN(driver_errors_get_the_side_once);
	T_RUN(no_driver_for_smtp);
	return T_DONE();
}
