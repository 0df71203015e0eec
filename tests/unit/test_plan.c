/* test_plan: a valid plan loads with every field as written and every default filled;
 * times, durations and sizes parse as documented; secrets are read only on request. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/diag.h"
#include "base/err.h"
#include "schedule/plan.h"
#include "schedule/plan_p.h"
#include "t.h"

static char tmpdir[64];

static void write_file(const char *name, const char *text, mode_t mode)
{
	char path[256];
	FILE *f;
	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
}

/* Load tmpdir/name; print the diagnostics as TAP comments. */
static struct plan *load(const char *name, struct diag *d)
{
	char path[256];
	struct err e;
	struct plan *p = NULL;
	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	diag_init(d);
	if (plan_load(&p, path, d, &e) < 0)
		printf("# load failed: %s\n", e.msg);
	diag_sort(d);
	for (size_t i = 0; i < d->n; i++)
		printf("# %s:%d:%d: %s\n", d->items[i].file, d->items[i].line, d->items[i].col,
		       d->items[i].msg);
	return p;
}

static const char full_plan[] =
	"version: 1\n"
	"name: infonia-2002-10\n"
	"operator:\n"
	"  company: 日本インターネットアクセス(株)\n"
	"  service: インフォニア\n"
	"  support_email: support@infonia.ne.jp\n"
	"  support_phone: 03-0000-0000\n"
	"  support_url: http://www.infonia.ne.jp/\n"
	"  support_hours: 平日 10:00-18:00\n"
	"language: ja\n"
	"timezone: Asia/Tokyo\n"
	"allow_inline_secrets: true\n"
	"window:\n"
	"  start: 2002-10-22T23:30:00+09:00\n"
	"  end: 2002-10-23T03:00:00+09:00\n"
	"  unstable_until: 2002-10-23T04:30:00+09:00\n"
	"  announce_by: 2002-10-17T00:00:00Z\n"
	"  reason: インフォニアメールサーバーの増強\n"
	"  affected: |\n"
	"    インフォニアのメール受信\n"
	"    (SMTP AUTH専用サーバーは動作しています)\n"
	"  notes: [ 一つ目, 二つ目 ]\n"
	"  old_servers_until: 2002-11-30\n"
	"services:\n"
	"  incoming:\n"
	"    before: { host: mx.infonia.ne.jp, protocol: pop3, port: 110, addresses: [210.235.212.2] }\n"
	"    after:\n"
	"      - { host: pop.infonia.ne.jp, protocol: pop3, tls: tls, auth: apop }\n"
	"      - { host: pop.infonia.ne.jp, protocol: imap, port: 143, tls: starttls, auth: cram-md5 }\n"
	"  outgoing:\n"
	"    before: { host: mx.infonia.ne.jp, port: 25, auth: none }\n"
	"    after:\n"
	"      - { host: smtpa.infonia.ne.jp, port: 587, auth: smtp-auth, tls: starttls }\n"
	"      - { host: smtp.infonia.ne.jp, auth: pop-before-smtp, relay_minutes: 10,\n"
	"          addresses: [211.13.218.224, '2001:db8::1'] }\n"
	"  username: { before: local-part, after: email-address }\n"
	"  keep_old_names: true\n"
	"migration:\n"
	"  source:\n"
	"    protocol: pop3\n"
	"    host: mx.infonia.ne.jp\n"
	"    port: 11110\n"
	"    tls: none\n"
	"    auth: apop\n"
	"    timeout: 2m\n"
	"    max_connections: 2\n"
	"    checks_client_dns: yes\n"
	"  destination:\n"
	"    protocol: imap\n"
	"    host: 127.0.0.1\n"
	"    port: 12143\n"
	"    tls: starttls\n"
	"    verify: false\n"
	"    tls_name: imap.example.jp\n"
	"    auth: { master_user: migrate, password_file: master.pw }\n"
	"    max_message_size: 20MB\n"
	"    quota: 1GB\n"
	"    max_messages_per_hour: 3000\n"
	"    pop3_port: 12110\n"
	"    pop3_tls: starttls\n"
	"  uidl: record\n"
	"  workers: 8\n"
	"  retry: { attempts: 3, first_delay: 1500ms, max_delay: 1h }\n"
	"  journal: /var/tmp/j.db\n"
	"  mark_seen: true\n"
	"  copy_deleted: true\n"
	"  allow_writes_in_dry_run: no\n"
	"  folders:\n"
	"    - { from: 'Sent Items', to: Sent }\n"
	"    - { from: 'INBOX.*', to: '*' }\n"
	"  exclude_folders: [ Trash, 'Junk*' ]\n"
	"  pop3_folder: INBOX.pop\n"
	"resolve:\n"
	"  mx.infonia.ne.jp: 127.0.0.1\n"
	"  pop.infonia.ne.jp: [ 127.0.0.2, '::1' ]\n"
	"customers:\n"
	"  csv: customers.csv\n"
	"  list:\n"
	"    - id: c001\n"
	"      email: taro@infonia.ne.jp\n"
	"      name: 山田 太郎\n"
	"      language: en\n"
	"      client: Outlook Express 6.0\n"
	"      source_login: taro\n"
	"      dest_login: taro-new\n"
	"      password: s3cret\n"
	"      source_protocol: imap\n"
	"      notify: false\n"
	"    - { id: c002, email: hanako@infonia.ne.jp, password_env: TEST_PLAN_PW_C002 }\n"
	"notices:\n"
	"  from: \"インフォニア サポート <support@infonia.ne.jp>\"\n"
	"  reply_to: help@infonia.ne.jp\n"
	"  skip_unchanged: true\n"
	"  charset_ja: utf-8\n"
	"  templates: tpl\n"
	"  send: { host: 127.0.0.1, port: 2525, tls: none, user: notices, password_env: NOTICE_PW,\n"
	"          per_hour: 120, timeout: 30s }\n";

static const char full_csv[] =
	"id,email,name,language,client,password_env\n"
	"c003,k-sato@infonia.ne.jp,佐藤 健一,,Becky! Ver.2,PW_C003\n"
	"c004,jsmith@infonia.ne.jp,John Smith,en,Frobnicator Mail 9,PW_C004\n";

static void full_plan_loads_every_field(void)
{
	struct diag d;
	struct plan *p;
	char buf[40];
	write_file("full.yaml", full_plan, 0644);
	write_file("customers.csv", full_csv, 0644);
	write_file("master.pw", "masterpw\nignored second line\n", 0600);
	p = load("full.yaml", &d);
	if (!p)
		diag_release(&d);
	T_REQUIRE(p != NULL);
	T_INTEQ(d.errors, 0);
	T_INTEQ(d.warnings, 1); /* the unknown mail program of c004 */
	T_INTEQ(p->version, 1);
	T_STREQ(p->name, "infonia-2002-10");
	T_STREQ(p->operator_.company.plain, "日本インターネットアクセス(株)");
	T_STREQ(p->operator_.service.plain, "インフォニア");
	T_STREQ(p->operator_.support_email, "support@infonia.ne.jp");
	T_STREQ(p->operator_.support_phone.plain, "03-0000-0000");
	T_STREQ(p->operator_.support_url, "http://www.infonia.ne.jp/");
	T_STREQ(p->operator_.support_hours.plain, "平日 10:00-18:00");
	T_INTEQ(p->language, PLAN_LANG_JA);
	T_STREQ(p->timezone, "Asia/Tokyo");
	T_CHECK(p->allow_inline_secrets);

	T_INTEQ(p->window.start.t, 1035297000);
	T_INTEQ(p->window.start.utc_offset, 9 * 3600);
	T_INTEQ(p->window.start.pos.line, 14);
	T_INTEQ(p->window.start.pos.col, 10);
	T_STREQ(plan_time_format(&p->window.start, buf, sizeof buf), "2002-10-22T23:30:00+09:00");
	T_INTEQ(p->window.end.t, 1035309600);
	T_INTEQ(p->window.unstable_until.t, 1035315000);
	T_STREQ(plan_time_format(&p->window.announce_by, buf, sizeof buf), "2002-10-17T00:00:00Z");
	T_STREQ(p->window.reason.plain, "インフォニアメールサーバーの増強");
	T_STREQ(p->window.affected.plain, "インフォニアのメール受信\n(SMTP AUTH専用サーバーは動作しています)\n");
	T_INTEQ(p->window.n_notes, 2);
	T_STREQ(p->window.notes[1].plain, "二つ目");
	/* A Japanese text serves the plan's language only; an ASCII name serves both. */
	T_STREQ(plan_text_get(p, &p->window.reason, PLAN_LANG_JA), "インフォニアメールサーバーの増強");
	T_CHECK(plan_text_get(p, &p->window.reason, PLAN_LANG_EN) == NULL);
	T_CHECK(plan_text_get(p, &p->operator_.service, PLAN_LANG_EN) == NULL);
	T_INTEQ(p->window.old_servers_until.y, 2002);
	T_INTEQ(p->window.old_servers_until.m, 11);
	T_INTEQ(p->window.old_servers_until.d, 30);

	T_STREQ(p->services.incoming_before.host, "mx.infonia.ne.jp");
	T_INTEQ(p->services.incoming_before.n_addresses, 1);
	T_STREQ(p->services.incoming_before.addresses[0], "210.235.212.2");
	T_REQUIRE(p->services.n_incoming_after == 2);
	T_INTEQ(p->services.incoming_after[0].port, 995); /* pop3 over implicit TLS */
	T_INTEQ(p->services.incoming_after[0].tls, PLAN_TLS_IMPLICIT);
	T_INTEQ(p->services.incoming_after[0].auth, PLAN_AUTH_APOP);
	T_INTEQ(p->services.incoming_after[1].proto, PLAN_PROTO_IMAP);
	T_INTEQ(p->services.incoming_after[1].auth, PLAN_AUTH_CRAM_MD5);
	T_INTEQ(p->services.incoming_after[1].pos.line, 29);
	T_REQUIRE(p->services.n_outgoing_after == 2);
	T_INTEQ(p->services.outgoing_after[0].smtp_auth, PLAN_SMTP_AUTH);
	T_INTEQ(p->services.outgoing_after[0].proto, PLAN_PROTO_SMTP);
	T_INTEQ(p->services.outgoing_after[1].smtp_auth, PLAN_SMTP_POP_BEFORE_SMTP);
	T_INTEQ(p->services.outgoing_after[1].relay_minutes, 10);
	T_INTEQ(p->services.outgoing_after[1].port, 25);
	T_STREQ(p->services.outgoing_after[1].addresses[1], "2001:db8::1");
	T_INTEQ(p->services.username_before, PLAN_USERNAME_LOCAL_PART);
	T_INTEQ(p->services.username_after, PLAN_USERNAME_EMAIL);
	T_CHECK(p->services.keep_old_names);

	T_INTEQ(p->migration.source.proto, PLAN_PROTO_POP3);
	T_INTEQ(p->migration.source.port, 11110);
	T_INTEQ(p->migration.source.auth, PLAN_AUTH_APOP);
	T_INTEQ(p->migration.source.timeout_seconds, 120);
	T_INTEQ(p->migration.source.max_connections, 2);
	T_CHECK(p->migration.source.checks_client_dns);
	T_CHECK(p->migration.source.tls_verify);
	T_INTEQ(p->migration.destination.tls, PLAN_TLS_STARTTLS);
	T_CHECK(!p->migration.destination.tls_verify);
	T_STREQ(p->migration.destination.tls_name, "imap.example.jp");
	T_STREQ(p->migration.destination.master_user, "migrate");
	T_INTEQ(p->migration.destination.auth, PLAN_AUTH_PLAIN); /* master user: SASL PLAIN */
	T_STREQ(p->migration.destination.master_password.file, "master.pw");
	T_INTEQ(p->migration.destination.max_message_bytes, 20971520);
	T_INTEQ(p->migration.destination.quota_bytes, 1073741824);
	T_INTEQ(p->migration.destination.max_messages_per_hour, 3000);
	T_INTEQ(p->migration.destination.pop3_port, 12110);
	T_INTEQ(p->migration.destination.pop3_tls, PLAN_TLS_STARTTLS);
	T_INTEQ(p->migration.destination.max_connections, 8); /* = workers */
	T_INTEQ(p->migration.uidl, PLAN_UIDL_RECORD);
	T_INTEQ(p->migration.workers, 8);
	T_INTEQ(p->migration.retry.attempts, 3);
	T_INTEQ(p->migration.retry.first_delay_ms, 1500);
	T_INTEQ(p->migration.retry.max_delay_ms, 3600000);
	T_STREQ(p->migration.journal, "/var/tmp/j.db");
	T_CHECK(p->migration.mark_seen);
	T_CHECK(p->migration.copy_deleted);
	T_CHECK(!p->migration.allow_writes_in_dry_run);
	T_REQUIRE(p->migration.n_folder_rules == 2);
	T_STREQ(p->migration.folder_rules[0].from, "Sent Items");
	T_STREQ(p->migration.folder_rules[1].to, "*");
	T_INTEQ(p->migration.n_exclude_folders, 2);
	T_STREQ(p->migration.exclude_folders[1], "Junk*");
	T_STREQ(p->migration.pop3_folder, "INBOX.pop");

	T_STREQ(plan_resolve_host(p, "MX.infonia.ne.jp"), "127.0.0.1");
	T_STREQ(plan_resolve_host(p, "pop.infonia.ne.jp"), "127.0.0.2");
	T_STREQ(plan_resolve_host(p, "other.example.jp"), "other.example.jp");

	T_REQUIRE(p->n_customers == 4);
	const struct plan_customer *c1 = plan_customer_find(p, "c001");
	T_REQUIRE(c1 != NULL);
	T_STREQ(c1->name, "山田 太郎");
	T_INTEQ(c1->lang, PLAN_LANG_EN);
	T_STREQ(c1->client, "outlook-express-6");
	T_STREQ(c1->client_raw, "Outlook Express 6.0");
	T_STREQ(c1->source_login, "taro");
	T_STREQ(c1->dest_login, "taro-new");
	T_STREQ(c1->source_password.value, "s3cret");
	T_CHECK(c1->has_source_proto);
	T_INTEQ(c1->source_proto, PLAN_PROTO_IMAP);
	T_CHECK(!c1->notify);
	const struct plan_customer *c2 = plan_customer_find(p, "c002");
	T_REQUIRE(c2 != NULL);
	T_INTEQ(c2->lang, PLAN_LANG_JA);                /* plan language */
	T_STREQ(c2->source_login, "hanako");             /* username.before: local-part */
	T_STREQ(c2->dest_login, "hanako@infonia.ne.jp"); /* username.after: email-address */
	T_STREQ(c2->client, "generic");
	T_CHECK(c2->notify);
	const struct plan_customer *c3 = plan_customer_find(p, "c003");
	T_REQUIRE(c3 != NULL);
	T_STREQ(c3->client, "becky-2");
	T_INTEQ(c3->lang, PLAN_LANG_JA);
	T_STREQ(c3->source_login, "k-sato");
	T_CHECK(strstr(c3->pos.file, "customers.csv") != NULL);
	T_INTEQ(c3->pos.line, 2);
	const struct plan_customer *c4 = plan_customer_find(p, "c004");
	T_REQUIRE(c4 != NULL);
	T_INTEQ(c4->lang, PLAN_LANG_EN);
	T_STREQ(c4->client, "generic");
	T_CHECK(plan_customer_find(p, "c999") == NULL);

	T_STREQ(p->notices.from, "インフォニア サポート <support@infonia.ne.jp>");
	T_STREQ(p->notices.reply_to, "help@infonia.ne.jp");
	T_CHECK(p->notices.skip_unchanged);
	T_STREQ(p->notices.charset_ja, "UTF-8");
	T_STREQ(p->notices.templates, "tpl");
	T_STREQ(p->notices.send.host, "127.0.0.1");
	T_INTEQ(p->notices.send.port, 2525);
	T_INTEQ(p->notices.send.proto, PLAN_PROTO_SMTP);
	T_STREQ(p->notices.send.master_user, "notices");
	T_STREQ(p->notices.send.master_password.env, "NOTICE_PW");
	T_INTEQ(p->notices.send.timeout_seconds, 30);
	T_INTEQ(p->notices.per_hour, 120);

	/* Secrets are read on request only. */
	struct err e;
	char *s = plan_secret_get(p, &p->migration.destination.master_password, &e);
	T_STREQ(s, "masterpw");
	plan_secret_free(s);
	unsetenv("TEST_PLAN_PW_C002");
	T_CHECK(plan_secret_get(p, &c2->source_password, &e) == NULL);
	T_CHECK(strstr(e.msg, "TEST_PLAN_PW_C002") != NULL);
	setenv("TEST_PLAN_PW_C002", "pw2", 1);
	s = plan_secret_get(p, &c2->source_password, &e);
	T_STREQ(s, "pw2");
	plan_secret_free(s);
	s = plan_secret_get(p, &c1->source_password, &e);
	T_STREQ(s, "s3cret");
	plan_secret_free(s);
	T_CHECK(plan_secret_is_set(&c2->source_password));
	T_CHECK(!plan_secret_is_set(&c2->dest_password));

	diag_release(&d);
	plan_free(p);
}

static const char minimal_plan[] =
	"version: 1\n"
	"name: vp117-2008\n"
	"operator: { company: 117net, support_email: support@117.ne.jp }\n"
	"language: en\n"
	"timezone: Asia/Tokyo\n"
	"window: { start: '2008-05-21T00:00:00+09:00', end: 2008-05-21T06:00:00+09:00 }\n"
	"services:\n"
	"  incoming: { before: { host: vp.117.ne.jp }, after: [ { host: vpop.117.ne.jp } ] }\n"
	"  outgoing:\n"
	"    before: { host: vs.117.ne.jp }\n"
	"    after: [ { host: vsmtp.117.ne.jp, auth: smtp-auth } ]\n"
	"  username: { before: email-address }\n"
	"migration:\n"
	"  source: { protocol: imap, host: 127.0.0.1, auth: { master_user: m, password_env: A } }\n"
	"  destination: { host: 127.0.0.1, auth: { master_user: m, password_env: B } }\n"
	"customers:\n"
	"  - { id: u1, email: user1@vp.117.ne.jp }\n";

static void minimal_plan_gets_documented_defaults(void)
{
	struct diag d;
	struct plan *p;
	write_file("min.yaml", minimal_plan, 0644);
	p = load("min.yaml", &d);
	if (!p)
		diag_release(&d);
	T_REQUIRE(p != NULL);
	T_INTEQ(d.n, 0);
	T_CHECK(!plan_text_is_set(&p->operator_.service));           /* notices use the company */
	T_STREQ(plan_text_get(p, &p->operator_.company, PLAN_LANG_EN), "117net");   /* a name in any language */
	T_INTEQ(p->window.unstable_until.t, p->window.end.t);     /* = end */
	T_INTEQ(p->window.old_servers_until.y, 0);
	T_INTEQ(p->services.incoming_before.proto, PLAN_PROTO_POP3);
	T_INTEQ(p->services.incoming_before.port, 110);
	T_INTEQ(p->services.incoming_before.auth, PLAN_AUTH_USER);
	T_INTEQ(p->services.outgoing_before.port, 25);
	T_INTEQ(p->services.outgoing_after[0].port, 587);         /* smtp-auth: submission */
	T_INTEQ(p->services.username_after, PLAN_USERNAME_EMAIL);  /* = before */
	T_CHECK(!p->services.keep_old_names);
	T_INTEQ(p->migration.source.port, 143);
	T_INTEQ(p->migration.source.tls, PLAN_TLS_NONE);
	T_CHECK(p->migration.source.tls_verify);
	T_INTEQ(p->migration.source.timeout_seconds, 60);
	T_CHECK(!p->migration.source.checks_client_dns);
	T_INTEQ(p->migration.source.auth, PLAN_AUTH_PLAIN);
	T_INTEQ(p->migration.destination.proto, PLAN_PROTO_IMAP);
	T_INTEQ(p->migration.destination.port, 143);
	T_INTEQ(p->migration.destination.max_message_bytes, 0);
	T_INTEQ(p->migration.destination.max_messages_per_hour, 0);
	T_INTEQ(p->migration.uidl, PLAN_UIDL_PRESERVE);
	T_INTEQ(p->migration.workers, 4);
	T_INTEQ(p->migration.source.max_connections, 4);
	T_INTEQ(p->migration.retry.attempts, 5);
	T_INTEQ(p->migration.retry.first_delay_ms, 10000);
	T_INTEQ(p->migration.retry.max_delay_ms, 300000);
	T_STREQ(p->migration.journal, "vp117-2008.db");
	T_CHECK(!p->migration.mark_seen);
	T_CHECK(!p->migration.copy_deleted);
	T_CHECK(p->migration.allow_writes_in_dry_run);
	T_STREQ(p->migration.pop3_folder, "INBOX");
	T_INTEQ(p->n_resolve, 0);
	T_CHECK(p->notices.from == NULL);   /* each notice names the service in its language */
	T_STREQ(p->notices.charset_ja, "ISO-2022-JP");
	T_CHECK(!p->notices.skip_unchanged);
	T_INTEQ(p->notices.per_hour, 500);
	T_CHECK(p->notices.send.host == NULL);
	T_REQUIRE(p->n_customers == 1);
	T_INTEQ(p->customers[0].lang, PLAN_LANG_EN);
	T_STREQ(p->customers[0].source_login, "user1@vp.117.ne.jp");
	T_STREQ(p->customers[0].dest_login, "user1@vp.117.ne.jp");
	T_CHECK(p->customers[0].notify);
	T_CHECK(!p->customers[0].has_source_proto);
	T_STREQ(p->customers[0].client, "generic");
	T_CHECK(strcmp(p->dir, tmpdir) == 0);
	diag_release(&d);
	plan_free(p);
}

static void times_parse_with_offsets(void)
{
	struct plan_time t;
	struct plan_date dt;
	const char *why;
	char buf[40];
	T_INTEQ(plan_time_parse("2000-02-29T12:00:00-05:30", &t, &why), 0);
	T_INTEQ(t.t, 951845400);
	T_INTEQ(t.utc_offset, -(5 * 3600 + 30 * 60));
	T_STREQ(plan_time_format(&t, buf, sizeof buf), "2000-02-29T12:00:00-05:30");
	T_INTEQ(plan_time_parse("2008-06-20 00:00:00 +09:00", &t, &why), 0);
	T_INTEQ(t.t, 1213887600);
	T_INTEQ(plan_time_parse("2002-10-22T14:30:00.250Z", &t, &why), 0);
	T_INTEQ(t.t, 1035297000);
	T_INTEQ(plan_time_parse("2001-02-29T00:00:00Z", &t, &why), -1);
	T_STREQ(why, "no such day in that month");
	T_INTEQ(plan_time_parse("2002-13-01T00:00:00Z", &t, &why), -1);
	T_INTEQ(plan_time_parse("2002-10-22T23:30:00", &t, &why), -1);
	T_CHECK(strstr(why, "offset is missing") != NULL);
	T_INTEQ(plan_time_parse("2002-10-22T24:00:00Z", &t, &why), -1);
	T_INTEQ(plan_time_parse("2002-10-22", &t, &why), -1);
	T_INTEQ(plan_time_parse("2002-10-22T23:30:00+9:00", &t, &why), -1);
	T_INTEQ(plan_time_date_parse("2008-06-20", &dt, &why), 0);
	T_INTEQ(dt.d, 20);
	T_INTEQ(plan_time_date_parse("2008-06-20T00:00:00Z", &dt, &why), -1);
}

static void durations_and_sizes(void)
{
	long long ms;
	uint64_t b;
	const char *why;
	T_INTEQ(plan_units_duration("10s", &ms, &why), 0);
	T_INTEQ(ms, 10000);
	T_INTEQ(plan_units_duration("1h30m", &ms, &why), 0);
	T_INTEQ(ms, 5400000);
	T_INTEQ(plan_units_duration("250ms", &ms, &why), 0);
	T_INTEQ(ms, 250);
	T_INTEQ(plan_units_duration("10", &ms, &why), -1);
	T_INTEQ(plan_units_duration("99999999999999999999s", &ms, &why), -1);
	T_INTEQ(plan_units_bytes("20MB", &b, &why), 0);
	T_INTEQ(b, 20971520);
	T_INTEQ(plan_units_bytes("512 KB", &b, &why), 0);
	T_INTEQ(b, 524288);
	T_INTEQ(plan_units_bytes("20971520", &b, &why), 0);
	T_INTEQ(b, 20971520);
	T_INTEQ(plan_units_bytes("20XB", &b, &why), -1);
	T_INTEQ(plan_units_bytes("99999999999999999999999", &b, &why), -1);
	T_INTEQ(plan_units_bytes("17179869184GB", &b, &why), -1);
}

static void zones_emails_names(void)
{
	char near[64];
	T_INTEQ(plan_time_zone_check("Asia/Tokyo", near, sizeof near), 0);
	T_INTEQ(plan_time_zone_check("UTC", near, sizeof near), 0);
	T_INTEQ(plan_time_zone_check("Asia/Tokio", near, sizeof near), -1);
	T_STREQ(near, "Asia/Tokyo");
	T_INTEQ(plan_time_zone_check("../../etc/passwd", near, sizeof near), -1);
	T_INTEQ(plan_time_zone_check("Asia", near, sizeof near), -1); /* a directory */
	T_CHECK(plan_email_valid("taro.yamada@infonia.ne.jp"));
	T_CHECK(plan_email_valid("a..b.@docomo.ne.jp"));
	T_CHECK(!plan_email_valid("taro@localhost"));
	T_CHECK(!plan_email_valid("taro yamada@infonia.ne.jp"));
	T_CHECK(!plan_email_valid("@infonia.ne.jp"));
	T_CHECK(!plan_email_valid("taro@-infonia.ne.jp"));
	T_CHECK(!plan_email_valid("taro@infonia..ne.jp"));
	T_STREQ(plan_tls_name(PLAN_TLS_IMPLICIT), "tls");
	T_STREQ(plan_smtp_auth_name(PLAN_SMTP_POP_BEFORE_SMTP), "pop-before-smtp");
	T_STREQ(plan_auth_name(PLAN_AUTH_CRAM_MD5), "cram-md5");
	T_STREQ(plan_uidl_name(PLAN_UIDL_PRESERVE), "preserve");
	T_STREQ(plan_proto_name(PLAN_PROTO_IMAP), "imap");
	T_STREQ(plan_lang_name(PLAN_LANG_EN), "en");
	T_INTEQ(plan_walk_distance("colour", "color"), 1);
}

/* Limits: a file over the cap is refused unread; hundreds of errors stop at 200. */
static void limits_hold(void)
{
	struct diag d;
	struct plan *p;
	char path[256];
	FILE *f;
	snprintf(path, sizeof path, "%s/big.yaml", tmpdir);
	f = fopen(path, "w");
	T_REQUIRE(f != NULL);
	for (unsigned i = 0; i < 4u * 1024 * 1024 / 16 + 1; i++)
		fputs("# padding 12345\n", f); /* 16 bytes */
	fclose(f);
	p = load("big.yaml", &d);
	T_CHECK(p == NULL);
	T_INTEQ(d.errors, 1);
	T_CHECK(d.n == 1 && strstr(d.items[0].msg, "larger than") != NULL);
	diag_release(&d);
	unlink(path);

	f = fopen(path, "w");
	T_REQUIRE(f != NULL);
	for (int i = 0; i < 500; i++)
		fprintf(f, "unknown_%d: %d\n", i, i);
	fclose(f);
	p = load("big.yaml", &d);
	T_CHECK(p == NULL);
	T_INTEQ(d.errors, 201);
	T_CHECK(d.n > 0 && strstr(d.items[0].msg, "too many errors") != NULL); /* line 0 sorts first */
	diag_release(&d);
	unlink(path);
}

int main(void)
{
	snprintf(tmpdir, sizeof tmpdir, "%s", "/tmp/test_plan.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	T_RUN(full_plan_loads_every_field);
	T_RUN(minimal_plan_gets_documented_defaults);
	T_RUN(times_parse_with_offsets);
	T_RUN(durations_and_sizes);
	T_RUN(zones_emails_names);
	T_RUN(limits_hold);
	const char *files[] = { "full.yaml", "customers.csv", "master.pw", "min.yaml" };
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		char path[256];
		snprintf(path, sizeof path, "%s/%s", tmpdir, files[i]);
		unlink(path);
	}
	rmdir(tmpdir);
	return T_DONE();
}
