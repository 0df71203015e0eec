/* test_plan_warn: the doubts about a plan, on plans built by hand (Infonia 2002 as the
 * base), each expected at the key or CSV row it is about. */
#include <stdlib.h>

#include "schedule/plan_config.h"
#include "schedule/plan_warn.h"
#include "t.h"

static struct plan_service t_in_after[2], t_out_after[2];
static struct plan_customer t_cust[4];
static char *t_addr_loop[] = { "127.0.0.1" }, *t_addr_far[] = { "192.0.2.7" };
static struct plan_resolve t_resolve[2];

static struct plan_pos at(int line)
{
	struct plan_pos p = { "infonia.yaml", line, 5 };
	return p;
}

static struct plan_service svc(const char *host, enum plan_proto proto, int port, enum plan_tls tls,
                               int line)
{
	struct plan_service s;
	memset(&s, 0, sizeof s);
	s.host = (char *)host;
	s.proto = proto;
	s.port = port;
	s.tls = tls;
	s.pos = at(line);
	return s;
}

/* seeds/001: mx.infonia.ne.jp → pop (POP3 + IMAP), smtpa (SMTP AUTH), smtp (POP before SMTP). */
static void infonia(struct plan *p)
{
	memset(p, 0, sizeof *p);
	p->name = "infonia-2002-10";
	struct plan_services *s = &p->services;
	s->incoming_before = svc("mx.infonia.ne.jp", PLAN_PROTO_POP3, 110, PLAN_TLS_NONE, 20);
	t_in_after[0] = svc("pop.infonia.ne.jp", PLAN_PROTO_POP3, 110, PLAN_TLS_STARTTLS, 22);
	t_in_after[1] = svc("pop.infonia.ne.jp", PLAN_PROTO_IMAP, 143, PLAN_TLS_STARTTLS, 23);
	s->incoming_after = t_in_after;
	s->n_incoming_after = 2;
	s->outgoing_before = svc("mx.infonia.ne.jp", PLAN_PROTO_SMTP, 25, PLAN_TLS_NONE, 25);
	t_out_after[0] = svc("smtpa.infonia.ne.jp", PLAN_PROTO_SMTP, 587, PLAN_TLS_STARTTLS, 27);
	t_out_after[0].smtp_auth = PLAN_SMTP_AUTH;
	t_out_after[1] = svc("smtp.infonia.ne.jp", PLAN_PROTO_SMTP, 25, PLAN_TLS_NONE, 28);
	t_out_after[1].smtp_auth = PLAN_SMTP_POP_BEFORE_SMTP;
	t_out_after[1].relay_minutes = 10;
	s->outgoing_after = t_out_after;
	s->n_outgoing_after = 2;
	s->username_before = s->username_after = PLAN_USERNAME_LOCAL_PART;
	p->window.old_servers_until.y = 2002;
	p->window.old_servers_until.m = 11;
	p->window.old_servers_until.d = 30;
	p->migration.source.proto = PLAN_PROTO_POP3;
	p->migration.source.host = "127.0.0.1";
	p->migration.source.auth = PLAN_AUTH_APOP;
	p->migration.source.tls_verify = true;
	p->migration.source.pos = at(31);
	p->migration.destination.proto = PLAN_PROTO_IMAP;
	p->migration.destination.host = "127.0.0.1";
	p->migration.destination.tls = PLAN_TLS_STARTTLS;
	p->migration.destination.tls_verify = true;
	p->migration.destination.master_user = "migrate";
	p->migration.destination.pos = at(32);
	p->migration.uidl = PLAN_UIDL_PRESERVE;
	static const char *const ids[] = { "c001", "c002", "c003", "c004" };
	static const char *const clients[] = { "outlook-express-6", "becky-2", "postpet", "thunderbird" };
	memset(t_cust, 0, sizeof t_cust);
	for (int i = 0; i < 4; i++) {
		t_cust[i].id = (char *)ids[i];
		t_cust[i].client = (char *)clients[i];
		t_cust[i].pos.file = "customers.csv";
		t_cust[i].pos.line = i + 2;
	}
	p->customers = t_cust;
	p->n_customers = 4;
}

static int has(const struct diag *d, const char *file, int line, const char *text)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->items[i].sev == DIAG_WARNING && strcmp(d->items[i].file, file) == 0 &&
		    d->items[i].line == line && strstr(d->items[i].msg, text))
			return 1;
	return 0;
}

static void dump(const struct diag *d)
{
	for (size_t i = 0; i < d->n; i++)
		printf("#   %s:%d: %s\n", d->items[i].file, d->items[i].line, d->items[i].msg);
}

static void clean_plan_has_no_doubts(void)
{
	struct plan p;
	struct diag d;
	infonia(&p);
	p.services.keep_old_names = true;
	diag_init(&d);
	plan_warn(&p, &d);
	T_INTEQ(d.warnings, 0);
	if (d.warnings)
		dump(&d);
	diag_release(&d);
}

static void rename_keeps_clients_downloading_again(void)
{
	struct plan p;
	struct diag d;
	infonia(&p);
	diag_init(&d);
	plan_warn(&p, &d);
	T_CHECK(has(&d, "infonia.yaml", 22, "the POP3 server is renamed (mx.infonia.ne.jp → pop.infonia.ne.jp)"));
	T_CHECK(has(&d, "infonia.yaml", 22, "2 customers (c001, c004)"));
	T_CHECK(has(&d, "infonia.yaml", 22, "services.keep_old_names"));
	T_INTEQ(d.warnings, 1);
	diag_release(&d);

	p.services.username_after = PLAN_USERNAME_EMAIL;
	p.services.keep_old_names = true;
	diag_init(&d);
	plan_warn(&p, &d);
	T_CHECK(has(&d, "infonia.yaml", 20, "the login name changes (local part → full address)"));
	T_INTEQ(d.warnings, 1);
	diag_release(&d);
}

static void uidl_none_says_how(void)
{
	struct plan p;
	struct diag d;
	infonia(&p);
	p.migration.uidl = PLAN_UIDL_NONE;
	diag_init(&d);
	plan_warn(&p, &d);
	T_CHECK(has(&d, "infonia.yaml", 31, "migration.uidl: none"));
	T_CHECK(has(&d, "infonia.yaml", 31, "pop3_reuse_xuidl"));
	/* the rename warning would repeat the same consequence */
	T_INTEQ(d.warnings, 1);
	diag_release(&d);
}

static void smtp_auth_only_and_port_25(void)
{
	struct plan p;
	struct diag d;
	infonia(&p);
	p.services.keep_old_names = true;
	p.services.n_outgoing_after = 1;              /* no POP before SMTP */
	t_out_after[0].port = 25;
	t_out_after[0].tls = PLAN_TLS_NONE;
	diag_init(&d);
	plan_warn(&p, &d);
	T_CHECK(has(&d, "customers.csv", 4, "1 customer (c003) uses a mail program that cannot do SMTP AUTH"));
	T_CHECK(has(&d, "infonia.yaml", 27, "SMTP AUTH is offered only on port 25"));
	T_CHECK(has(&d, "infonia.yaml", 27, "in clear"));
	T_INTEQ(d.warnings, 3);
	if (d.warnings != 3)
		dump(&d);
	diag_release(&d);
}

static void eudora_apop_and_full_address(void)
{
	struct plan p;
	struct diag d;
	infonia(&p);
	p.services.keep_old_names = true;
	t_in_after[0].auth = PLAN_AUTH_APOP;
	t_cust[1].client = "eudora-5.1j";
	diag_init(&d);
	plan_warn(&p, &d);
	T_CHECK(has(&d, "customers.csv", 3, "1 customer (c002)"));
	T_CHECK(has(&d, "customers.csv", 3, "APOP (Infonia note 2"));
	T_CHECK(has(&d, "customers.csv", 3, "full e-mail address (Infonia note 1)"));
	T_INTEQ(d.warnings, 2);
	diag_release(&d);
}

static void passwords_in_clear(void)
{
	struct plan p;
	struct diag d;
	infonia(&p);
	p.services.keep_old_names = true;
	t_in_after[1].tls = PLAN_TLS_NONE;            /* IMAP LOGIN in clear */
	p.migration.source.host = "old-pop.infonia.ne.jp";
	p.migration.source.auth = PLAN_AUTH_USER;
	p.migration.destination.host = "new-imap.infonia.ne.jp";
	p.migration.destination.tls = PLAN_TLS_NONE;
	diag_init(&d);
	plan_warn(&p, &d);
	T_CHECK(has(&d, "infonia.yaml", 23, "pop.infonia.ne.jp imap port 143 with tls: none and auth: user"));
	T_CHECK(has(&d, "infonia.yaml", 31, "migration.source: auth: user over tls: none"));
	T_CHECK(has(&d, "infonia.yaml", 32, "master user 'migrate'"));
	T_INTEQ(d.warnings, 3);
	diag_release(&d);

	/* names that resolve to loopback only stay on the machine */
	t_resolve[0].name = "old-pop.infonia.ne.jp";
	t_resolve[0].addresses = t_addr_loop;
	t_resolve[0].n_addresses = 1;
	t_resolve[1].name = "new-imap.infonia.ne.jp";
	t_resolve[1].addresses = t_addr_far;
	t_resolve[1].n_addresses = 1;
	p.resolve = t_resolve;
	p.n_resolve = 2;
	diag_init(&d);
	plan_warn(&p, &d);
	T_CHECK(!has(&d, "infonia.yaml", 31, "in clear"));
	T_CHECK(has(&d, "infonia.yaml", 32, "master user 'migrate'"));
	diag_release(&d);

	p.migration.destination.tls = PLAN_TLS_IMPLICIT;
	p.migration.destination.tls_verify = false;
	diag_init(&d);
	plan_warn(&p, &d);
	T_CHECK(has(&d, "infonia.yaml", 32, "verify: false accepts any certificate"));
	T_CHECK(!has(&d, "infonia.yaml", 32, "master user"));
	diag_release(&d);
}

static void no_parallel_run(void)
{
	struct plan p;
	struct diag d;
	infonia(&p);
	p.window.old_servers_until.y = 0;
	diag_init(&d);
	plan_warn(&p, &d);
	T_CHECK(has(&d, "infonia.yaml", 20, "mx.infonia.ne.jp is replaced"));
	diag_release(&d);
}

static void many_customers_are_counted_not_listed(void)
{
	struct plan p;
	struct diag d;
	static struct plan_customer many[9];
	static char ids[9][16];
	infonia(&p);
	for (int i = 0; i < 9; i++) {
		memset(&many[i], 0, sizeof many[i]);
		snprintf(ids[i], sizeof ids[i], "t%d", i);
		many[i].id = ids[i];
		many[i].client_raw = "Thunderbird 2.0";   /* mapped here when the loader did not */
		many[i].pos.file = "customers.csv";
		many[i].pos.line = 10 + i;
	}
	p.customers = many;
	p.n_customers = 9;
	diag_init(&d);
	plan_warn(&p, &d);
	T_CHECK(has(&d, "infonia.yaml", 22, "9 customers (t0, t1, t2, t3, t4 and 4 more)"));
	diag_release(&d);
}

static int has_sev(const struct diag *d, enum diag_sev sev, int line, const char *text)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->items[i].sev == sev && d->items[i].line == line && strstr(d->items[i].msg, text))
			return 1;
	return 0;
}

/* run refuses clear-text logins to remote hosts unless the endpoint allows them; loopback
 * (literal, localhost, or resolve: entries all loopback) is fine; nothing connects. */
static void plaintext_refused_unless_allowed(void)
{
	struct plan p;
	struct diag d;
	infonia(&p);
	p.migration.source.host = "mail.example.net";
	p.migration.source.auth = PLAN_AUTH_USER;
	p.migration.destination.host = "192.0.2.1";
	p.migration.destination.tls = PLAN_TLS_NONE;    /* master user: SASL PLAIN */
	p.migration.destination.auth = PLAN_AUTH_PLAIN;
	diag_init(&d);
	plan_config_plaintext(&p, DIAG_ERROR, &d);
	T_CHECK(has_sev(&d, DIAG_ERROR, 31, "auth: user over tls: none would send passwords in clear to mail.example.net"));
	T_CHECK(has_sev(&d, DIAG_ERROR, 32, "to 192.0.2.1, which is not a loopback address"));
	T_INTEQ(d.errors, 2);
	diag_release(&d);

	p.migration.destination.allow_plaintext = true;
	p.migration.source.host = "localhost";
	diag_init(&d);
	plan_config_plaintext(&p, DIAG_ERROR, &d);
	T_INTEQ(d.n, 0);
	diag_release(&d);

	p.migration.source.host = "mail.example.net";
	p.migration.source.auth = PLAN_AUTH_APOP;        /* no password on the wire */
	diag_init(&d);
	plan_config_plaintext(&p, DIAG_ERROR, &d);
	T_INTEQ(d.n, 0);
	diag_release(&d);
}

static bool only_c002(const void *ctx, const char *id)
{
	(void)ctx;
	return strcmp(id, "c002") == 0;
}

/* Every unset password variable, at the row naming it; a master password once. */
static void secrets_listed_once_each(void)
{
	struct plan p;
	struct diag d;
	infonia(&p);
	unsetenv("TPW_UNSET_1");
	unsetenv("TPW_UNSET_2");
	unsetenv("TPW_MASTER_UNSET");
	setenv("TPW_SET", "x", 1);
	t_cust[0].source_password.env = "TPW_UNSET_1";
	t_cust[1].source_password.env = "TPW_UNSET_2";
	t_cust[2].source_password.env = "TPW_SET";
	p.migration.destination.master_password.env = "TPW_MASTER_UNSET";
	p.migration.destination.master_password.pos = at(33);
	diag_init(&d);
	plan_config_secrets(&p, NULL, NULL, DIAG_ERROR, &d);
	dump(&d);
	T_CHECK(has_sev(&d, DIAG_ERROR, 2, "customer 'c001' (old server): environment variable TPW_UNSET_1"));
	T_CHECK(has_sev(&d, DIAG_ERROR, 3, "TPW_UNSET_2"));
	T_CHECK(has_sev(&d, DIAG_ERROR, 33, "migration.destination.auth: environment variable TPW_MASTER_UNSET"));
	T_INTEQ(d.errors, 3);
	diag_release(&d);

	diag_init(&d);
	plan_config_secrets(&p, only_c002, NULL, DIAG_ERROR, &d);
	T_CHECK(has_sev(&d, DIAG_ERROR, 3, "TPW_UNSET_2"));
	T_INTEQ(d.errors, 2);
	diag_release(&d);

	/* check: the same findings as warnings */
	diag_init(&d);
	p.services.keep_old_names = true;
	plan_warn(&p, &d);
	T_CHECK(has(&d, "customers.csv", 2, "TPW_UNSET_1 (a password) is not set"));
	T_CHECK(has(&d, "infonia.yaml", 33, "TPW_MASTER_UNSET"));
	diag_release(&d);
	memset(t_cust, 0, sizeof t_cust);
}

int main(void)
{
	T_RUN(clean_plan_has_no_doubts);
	T_RUN(rename_keeps_clients_downloading_again);
	T_RUN(uidl_none_says_how);
	T_RUN(smtp_auth_only_and_port_25);
	T_RUN(eudora_apop_and_full_address);
	T_RUN(passwords_in_clear);
	T_RUN(no_parallel_run);
	T_RUN(many_customers_are_counted_not_listed);
	T_RUN(plaintext_refused_unless_allowed);
	T_RUN(secrets_listed_once_each);
	return T_DONE();
}
