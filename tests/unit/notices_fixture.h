/* notices_fixture: test plans built in C, modelled on the Infonia and BeToMail notices
 * (seeds 001 and 000), for the notice renderers. Static data: nothing to free. */
#ifndef CUTOVER_NOTICES_FIXTURE_H
#define CUTOVER_NOTICES_FIXTURE_H

#include <string.h>

#include "schedule/plan.h"

#define S(x) ((char *)(x))

static char *fx_pop_addr[] = { S("211.13.218.161") };
static char *fx_smtpa_addr[] = { S("211.13.218.225") };
static char *fx_smtp_addr[] = { S("211.13.218.224") };

static struct plan_service fx_in_after[] = {
	{ S("pop.infonia.ne.jp"), PLAN_PROTO_POP3, 110, PLAN_TLS_NONE, PLAN_AUTH_USER, PLAN_SMTP_NONE, 0,
	  fx_pop_addr, 1, { 0 }, NULL, PLAN_CRED_SAME },
	{ S("pop.infonia.ne.jp"), PLAN_PROTO_IMAP, 143, PLAN_TLS_STARTTLS, PLAN_AUTH_USER, PLAN_SMTP_NONE,
	  0, fx_pop_addr, 1, { 0 }, NULL, PLAN_CRED_SAME },
};
static struct plan_service fx_out_after[] = {
	{ S("smtpa.infonia.ne.jp"), PLAN_PROTO_SMTP, 587, PLAN_TLS_STARTTLS, PLAN_AUTH_USER,
	  PLAN_SMTP_AUTH, 0, fx_smtpa_addr, 1, { 0 }, NULL, PLAN_CRED_SAME },
	{ S("smtp.infonia.ne.jp"), PLAN_PROTO_SMTP, 25, PLAN_TLS_NONE, PLAN_AUTH_USER,
	  PLAN_SMTP_POP_BEFORE_SMTP, 10, fx_smtp_addr, 1, { 0 }, NULL, PLAN_CRED_SAME },
};

/* One customer per mail program the templates have steps for, both languages, plus a
 * name that tries to inject a header and markup. */
static struct plan_customer fx_customers[] = {
	{ .id = S("c001"), .email = S("taro@infonia.ne.jp"), .name = S("山田 太郎"), .lang = PLAN_LANG_JA,
	  .client = S("outlook-express-6"), .notify = true },
	{ .id = S("c002"), .email = S("hanako@infonia.ne.jp"), .name = S("佐藤 花子"), .lang = PLAN_LANG_JA,
	  .client = S("thunderbird"), .notify = true },
	{ .id = S("c003"), .email = S("ichiro@infonia.ne.jp"), .name = S("鈴木 一郎"), .lang = PLAN_LANG_JA,
	  .client = S("eudora-5.1j"), .notify = true },
	{ .id = S("c004"), .email = S("jiro@infonia.ne.jp"), .name = S("高橋 次郎"), .lang = PLAN_LANG_JA,
	  .client = S("becky-2"), .notify = true },
	{ .id = S("c005"), .email = S("saburo@infonia.ne.jp"), .name = S("田中 三郎"), .lang = PLAN_LANG_JA,
	  .client = S("postpet"), .notify = true },
	{ .id = S("c006"), .email = S("yoko@infonia.ne.jp"), .name = NULL, .lang = PLAN_LANG_JA,
	  .client = S("outlook"), .notify = true },
	{ .id = S("c007"), .email = S("kumi@infonia.ne.jp"), .name = S("伊藤 久美"), .lang = PLAN_LANG_JA,
	  .client = S("apple-mail"), .notify = true },
	{ .id = S("c008"), .email = S("ken@infonia.ne.jp"), .name = S("渡辺 健"), .lang = PLAN_LANG_JA,
	  .client = S("ios-mail"), .notify = true },
	{ .id = S("c009"), .email = S("mai@infonia.ne.jp"), .name = S("中村 舞"), .lang = PLAN_LANG_JA,
	  .client = S("android-gmail"), .notify = true },
	{ .id = S("c010"), .email = S("nobu@infonia.ne.jp"), .name = S("小林 信"), .lang = PLAN_LANG_JA,
	  .client = S("generic"), .notify = true },
	{ .id = S("e001"), .email = S("alice@infonia.ne.jp"), .name = S("Alice <script>alert(1)</script>\r\nBcc: evil@example.com"),
	  .lang = PLAN_LANG_EN, .client = S("thunderbird"), .notify = true },
	{ .id = S("e002"), .email = S("bob@infonia.ne.jp"), .name = S("Bob Smith"), .lang = PLAN_LANG_EN,
	  .client = S("outlook-express-6"), .notify = true },
	{ .id = S("e003"), .email = S("carol@infonia.ne.jp"), .name = S("Carol"), .lang = PLAN_LANG_EN,
	  .client = S("outlook"), .notify = true },
	{ .id = S("e004"), .email = S("dave@infonia.ne.jp"), .name = S("Dave"), .lang = PLAN_LANG_EN,
	  .client = S("becky-2"), .notify = true },
	{ .id = S("e005"), .email = S("erin@infonia.ne.jp"), .name = S("Erin"), .lang = PLAN_LANG_EN,
	  .client = S("apple-mail"), .notify = true },
	{ .id = S("e006"), .email = S("frank@infonia.ne.jp"), .name = S("Frank"), .lang = PLAN_LANG_EN,
	  .client = S("ios-mail"), .notify = true },
	{ .id = S("e007"), .email = S("grace@infonia.ne.jp"), .name = S("Grace"), .lang = PLAN_LANG_EN,
	  .client = S("android-gmail"), .notify = true },
	{ .id = S("e008"), .email = S("heidi@infonia.ne.jp"), .name = S("Heidi"), .lang = PLAN_LANG_EN,
	  .client = S("eudora-5.1j"), .notify = true },
	{ .id = S("e009"), .email = S("ivan@infonia.ne.jp"), .name = NULL, .lang = PLAN_LANG_EN,
	  .client = S("generic"), .notify = true },
};
#define FX_N_CUSTOMERS (sizeof fx_customers / sizeof fx_customers[0])

/* 2002-10-22T23:30+09:00 … 2002-10-23T03:00+09:00, unstable until 04:30 (seed 001). */
static void fx_infonia(struct plan *p)
{
	memset(p, 0, sizeof *p);
	p->version = 1;
	p->name = S("infonia-2002-10");
	/* Free text in both languages ({ja: …, en: …} in a plan file). */
	p->operator_.company.lang[PLAN_LANG_JA] = S("日本インターネットアクセス(株)");
	p->operator_.company.lang[PLAN_LANG_EN] = S("Nihon Internet Access K.K.");
	p->operator_.service.lang[PLAN_LANG_JA] = S("インフォニア");
	p->operator_.service.lang[PLAN_LANG_EN] = S("Infonia");
	p->operator_.department.lang[PLAN_LANG_JA] = S("インフォニア サポートセンター");
	p->operator_.department.lang[PLAN_LANG_EN] = S("Infonia Support Centre");
	p->operator_.other_services = true;
	p->operator_.support_email = S("support@infonia.ne.jp");
	p->language = PLAN_LANG_JA;
	p->timezone = S("Asia/Tokyo");
	p->window.start.t = 1035297000;          /* 2002-10-22 14:30 UTC */
	p->window.start.utc_offset = 9 * 3600;
	p->window.end.t = 1035309600;            /* 2002-10-22 18:00 UTC */
	p->window.unstable_until.t = 1035315000; /* 2002-10-22 19:30 UTC */
	p->window.reason.lang[PLAN_LANG_JA] = S("インフォニアメールサーバーの増強");
	p->window.reason.lang[PLAN_LANG_EN] = S("to add capacity to the Infonia mail servers");
	p->window.affected.lang[PLAN_LANG_JA] = S("インフォニアのメール受信(SMTP AUTH専用サーバーは動作しています)");
	p->window.affected.lang[PLAN_LANG_EN] = S("Receiving Infonia mail (the SMTP AUTH server keeps running)");
	p->window.old_servers_until = (struct plan_date){ 2002, 11, 30, { 0 } };
	p->services.incoming_before = (struct plan_service){ S("mx.infonia.ne.jp"), PLAN_PROTO_POP3, 110,
		PLAN_TLS_NONE, PLAN_AUTH_USER, PLAN_SMTP_NONE, 0, NULL, 0, { 0 }, NULL, PLAN_CRED_SAME };
	p->services.incoming_after = fx_in_after;
	p->services.n_incoming_after = 2;
	p->services.outgoing_before = (struct plan_service){ S("mx.infonia.ne.jp"), PLAN_PROTO_SMTP, 25,
		PLAN_TLS_NONE, PLAN_AUTH_USER, PLAN_SMTP_NONE, 0, NULL, 0, { 0 }, NULL, PLAN_CRED_SAME };
	p->services.outgoing_after = fx_out_after;
	p->services.n_outgoing_after = 2;
	p->services.username_before = PLAN_USERNAME_LOCAL_PART;
	p->services.username_after = PLAN_USERNAME_EMAIL;
	p->migration.uidl = PLAN_UIDL_PRESERVE;
	p->customers = fx_customers;
	p->n_customers = FX_N_CUSTOMERS;
	p->notices.charset_ja = S("ISO-2022-JP");
	p->notices.per_hour = 500;
}

/* BeToMail (seed 000): same names, new machines, UIDLs not kept; 2002-10-09 23:30 → 10-10 08:00. */
static struct plan_service fx_bt_in[] = {
	{ S("pop.be.to"), PLAN_PROTO_POP3, 110, PLAN_TLS_NONE, PLAN_AUTH_USER, PLAN_SMTP_NONE, 0, NULL, 0, { 0 }, NULL, PLAN_CRED_SAME },
};
static struct plan_service fx_bt_out[] = {
	{ S("smtp.be.to"), PLAN_PROTO_SMTP, 25, PLAN_TLS_NONE, PLAN_AUTH_USER, PLAN_SMTP_NONE, 0, NULL, 0, { 0 }, NULL, PLAN_CRED_SAME },
};
static struct plan_customer fx_bt_customers[] = {
	{ .id = S("b001"), .email = S("btm0001@be.to"), .name = S("木村 拓"), .lang = PLAN_LANG_JA,
	  .client = S("outlook-express-6"), .notify = true },
};

static void fx_betomail(struct plan *p)
{
	memset(p, 0, sizeof *p);
	p->version = 1;
	p->name = S("betomail-2002-10");
	/* Single texts: Japanese ones serve Japanese documents only, an ASCII name both. */
	p->operator_.company.plain = S("日本インターネットアクセス(株)");
	p->operator_.company.is_name = true;
	p->operator_.service.plain = S("Be To Mail");
	p->operator_.service.is_name = true;
	p->operator_.support_email = S("support@be.to");
	p->timezone = S("Asia/Tokyo");
	p->window.start.t = 1034173800;          /* 2002-10-09 14:30 UTC */
	p->window.end.t = 1034204400;            /* 2002-10-09 23:00 UTC */
	p->window.unstable_until.t = 1034209800; /* 2002-10-10 00:30 UTC */
	p->window.reason.plain = S("BeToMailの受信(POP・IMAP)サーバー移転");
	p->window.affected.plain = S("BeToMailのメール受信");
	p->services.incoming_before = fx_bt_in[0];
	p->services.incoming_after = fx_bt_in;
	p->services.n_incoming_after = 1;
	p->services.outgoing_before = fx_bt_out[0];
	p->services.outgoing_after = fx_bt_out;
	p->services.n_outgoing_after = 1;
	p->migration.uidl = PLAN_UIDL_NONE;
	p->customers = fx_bt_customers;
	p->n_customers = 1;
	p->notices.charset_ja = S("ISO-2022-JP");
}

static const struct plan_customer *plan_customer_find_fx(const struct plan *p, const char *id)
{
	for (size_t i = 0; i < p->n_customers; i++)
		if (strcmp(p->customers[i].id, id) == 0)
			return &p->customers[i];
	return NULL;
}

#endif
