/* test_notices: the announcement and customer notices on hand-built plans: golden files
 * for every format and language, EML parsed back with libetpan, XML checked by xmllint,
 * injection through customer names, the plan-dependent warnings. Set
 * CUTOVER_UPDATE_GOLDEN=1 to rewrite the golden files after a deliberate change. */
#include <libetpan/libetpan.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "notices/render.h"
#include "notices/model.h"
#include "schedule/clients.h"
#include "schedule/instr.h"
#include "notices_fixture.h"
#include "t.h"

#define NOW 1034812800 /* 2002-10-17 09:00 JST, the date of seed 001 */

static char root[512], tdir[600];

static struct render_opts opts(void)
{
	struct render_opts o = { tdir, NOW, NULL };
	return o;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *s;
	long n;
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	s = malloc((size_t)n + 1);
	if (fread(s, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(s);
		return NULL;
	}
	s[n] = 0;
	fclose(f);
	if (len)
		*len = (size_t)n;
	return s;
}

/* Compare with tests/data/notices/<dir>/<file>, or write it when updating. */
static int golden(const char *dir, const char *file, const struct buf *got)
{
	char path[1024];
	char *want;
	size_t wl;
	int ok;
	snprintf(path, sizeof path, "%s/tests/data/notices/%s", root, dir);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/tests/data/notices/%s/%s", root, dir, file);
	if (getenv("CUTOVER_UPDATE_GOLDEN")) {
		FILE *f = fopen(path, "wb");
		fwrite(got->data, 1, got->len, f);
		fclose(f);
		return 1;
	}
	want = slurp(path, &wl);
	ok = want && wl == got->len && memcmp(want, got->data, wl) == 0;
	if (!ok)
		printf("#   golden mismatch: %s (run with CUTOVER_UPDATE_GOLDEN=1 and review the diff)\n", path);
	free(want);
	return ok;
}

static void announcement_golden(void)
{
	struct plan p;
	struct render_opts o = opts();
	static const char *const names[] = { "announcement.ja.txt", "announcement.ja.html",
	                                     "announcement.en.txt", "announcement.en.html" };
	for (int pl = 0; pl < 2; pl++) {
		if (pl == 0)
			fx_infonia(&p);
		else
			fx_betomail(&p);
		for (int i = 0; i < 4; i++) {
			struct buf b = BUF_INIT;
			struct err e;
			err_clear(&e);
			/* BeToMail's company name is Japanese only: no English document. */
			if (pl == 1 && i >= 2) {
				T_INTEQ(render_announce(&b, &o, &p, PLAN_LANG_EN, i % 2, &e), -1);
				T_CHECK(strstr(e.msg, "operator.company has no English text"));
				buf_release(&b);
				continue;
			}
			T_INTEQ(render_announce(&b, &o, &p, i < 2 ? PLAN_LANG_JA : PLAN_LANG_EN, i % 2, &e), 0);
			if (e.msg[0])
				printf("#   %s\n", e.msg);
			T_CHECK(golden(pl == 0 ? "infonia" : "betomail", names[i], &b));
			buf_release(&b);
		}
	}
}

static void announcement_content(void)
{
	struct plan p;
	struct render_opts o = opts();
	struct buf b = BUF_INIT;
	struct err e;
	fx_infonia(&p);
	err_clear(&e);
	T_INTEQ(render_announce(&b, &o, &p, PLAN_LANG_JA, false, &e), 0);
	T_CHECK(strstr(b.data, "停止日時: 2002年10月22日(火)23時30分〜2002年10月23日(水)3時00分\n"));
	T_CHECK(strstr(b.data, "2002年10月17日(木)"));
	T_CHECK(strstr(b.data, "2002年10月23日(水)3時00分〜4時30分までの間は"));
	T_CHECK(strstr(b.data, "smtpa.infonia.ne.jp (211.13.218.225)"));
	T_CHECK(strstr(b.data, "POP before SMTPについて"));
	T_CHECK(strstr(b.data, "サブミッションポート"));
	T_CHECK(strstr(b.data, "メールアカウントはメールアドレスへ変更"));
	T_CHECK(strstr(b.data, "2002年11月30日(土)までご利用いただけます"));
	/* UIDLs are preserved here: no re-download warning, but the new-account caveat. */
	T_CHECK(!strstr(b.data, "すべてのメールが受信される"));
	T_CHECK(strstr(b.data, "今お使いのアカウントの設定を変更していただければ"));
	/* …but Outlook Express, Outlook, Thunderbird and Netscape lose their list with the
	 * renamed server: the announcement says so, as check and their notices do. */
	T_CHECK(strstr(b.data, "今お使いのアカウントの設定を変更した場合でも避けられません"));
	buf_reset(&b);
	fx_betomail(&p);
	T_INTEQ(render_announce(&b, &o, &p, PLAN_LANG_JA, false, &e), 0);
	T_CHECK(strstr(b.data, "最初にアクセスした際にはすべてのメールが受信される時があります"));
	T_CHECK(strstr(b.data, "送信・受信メールサーバーの名前に変更はございません"));
	T_CHECK(!strstr(b.data, "SMTP AUTH"));
	T_CHECK(!strstr(b.data, "IPアドレス"));
	buf_reset(&b);
	p.operator_.company.lang[PLAN_LANG_EN] = S("Nihon Internet Access K.K.");
	T_INTEQ(render_announce(&b, &o, &p, PLAN_LANG_EN, false, &e), 0);
	T_CHECK(strstr(b.data, "When:      from Wednesday 9 October 2002, 23:30 to Thursday 10 October 2002, 08:00 (JST, UTC+09:00)"));
	T_CHECK(strstr(b.data, "will download all the mail left on the server once more"));
	/* The reason and scope exist in Japanese only: left out, not printed in Japanese. */
	T_CHECK(!plan_text_japanese(b.data));
	T_CHECK(strstr(b.data, "Nihon Internet Access K.K.\n"));
	T_CHECK(strstr(b.data, "Thank you for using Be To Mail."));
	buf_release(&b);
}

static void notices_golden(void)
{
	struct plan p;
	struct render_opts o = opts();
	fx_infonia(&p);
	for (size_t i = 0; i < p.n_customers; i++) {
		const struct plan_customer *c = &p.customers[i];
		for (int f = RENDER_TEXT; f <= RENDER_SRV; f++) {
			struct buf b = BUF_INIT;
			struct err e;
			char name[128], mid[256];
			const char *skipped;
			err_clear(&e);
			T_INTEQ(render_notice(&b, &o, &p, c, f, &skipped, mid, sizeof mid, &e), 0);
			if (e.msg[0])
				printf("#   %s\n", e.msg);
			/* A profile is a new account: offered to IMAP customers only. */
			T_CHECK(!skipped == (f != RENDER_MOBILECONFIG ||
			                     (c->has_source_proto && c->source_proto == PLAN_PROTO_IMAP)));
			if (skipped)
				continue;
			snprintf(name, sizeof name, "%s%s", c->id, render_format_ext(f));
			T_CHECK(golden("infonia", name, &b));
			buf_release(&b);
		}
	}
}

/* The decoded text of an encoded-word header value, in UTF-8. */
static char *decode_words(const char *v)
{
	size_t idx = 0;
	char *out = NULL;
	if (mailmime_encoded_phrase_parse("us-ascii", v, strlen(v), &idx, "utf-8", &out) !=
	    MAILIMF_NO_ERROR)
		return NULL;
	return out;
}

static const char *header(struct mailimf_fields *fs, const char *name, char *buf, size_t n)
{
	for (clistiter *it = clist_begin(fs->fld_list); it; it = clist_next(it)) {
		struct mailimf_field *f = clist_content(it);
		if (f->fld_type == MAILIMF_FIELD_OPTIONAL_FIELD &&
		    strcasecmp(f->fld_data.fld_optional_field->fld_name, name) == 0) {
			snprintf(buf, n, "%s", f->fld_data.fld_optional_field->fld_value);
			return buf;
		}
	}
	return NULL;
}

static void eml_parse_back(void)
{
	struct plan p;
	struct render_opts o = opts();
	fx_infonia(&p);
	for (size_t i = 0; i < p.n_customers; i++) {
		const struct plan_customer *c = &p.customers[i];
		struct buf eml = BUF_INIT, subj_expect = BUF_INIT;
		struct err e;
		char mid[256];
		const char *skipped;
		size_t idx = 0;
		struct mailmime *mime = NULL;
		struct mailimf_fields *fs = NULL;
		bool ja = c->lang == PLAN_LANG_JA;
		err_clear(&e);
		T_REQUIRE(render_notice(&eml, &o, &p, c, RENDER_EML, &skipped, mid,
		                        sizeof mid, &e) == 0);
		/* Headers */
		T_REQUIRE(mailimf_fields_parse(eml.data, eml.len, &idx, &fs) == MAILIMF_NO_ERROR);
		{
			int n_subject = 0, n_from = 0, n_to = 0, n_date = 0, n_mid = 0;
			for (clistiter *it = clist_begin(fs->fld_list); it; it = clist_next(it)) {
				struct mailimf_field *f = clist_content(it);
				switch (f->fld_type) {
				case MAILIMF_FIELD_SUBJECT: {
					char *s = decode_words(f->fld_data.fld_subject->sbj_value);
					n_subject++;
					T_CHECK(s && strstr(s, c->email));
					T_CHECK(s && strstr(s, ja ? "【インフォニア】" : "[Infonia]"));
					if (ja)
						T_CHECK(strstr(f->fld_data.fld_subject->sbj_value, "=?ISO-2022-JP?B?"));
					free(s);
					break;
				}
				case MAILIMF_FIELD_FROM: {
					struct mailimf_mailbox *mb = clist_content(
						clist_begin(f->fld_data.fld_from->frm_mb_list->mb_list));
					char *dn = mb->mb_display_name ? decode_words(mb->mb_display_name) : NULL;
					n_from++;
					T_STREQ(mb->mb_addr_spec, "support@infonia.ne.jp");
					T_STREQ(dn, ja ? "インフォニア" : "Infonia");   /* the service, in the customer's language */
					free(dn);
					break;
				}
				case MAILIMF_FIELD_TO: {
					struct mailimf_address *a = clist_content(
						clist_begin(f->fld_data.fld_to->to_addr_list->ad_list));
					struct mailimf_mailbox *mb = a->ad_data.ad_mailbox;
					n_to++;
					T_INTEQ(clist_count(f->fld_data.fld_to->to_addr_list->ad_list), 1);
					T_STREQ(mb->mb_addr_spec, c->email);
					if (c->name) {
						char *dn = mb->mb_display_name ? decode_words(mb->mb_display_name) : NULL;
						char want[256];
						size_t k;
						snprintf(want, sizeof want, "%s", c->name);
						for (k = 0; want[k]; k++)
							if ((unsigned char)want[k] < 0x20)
								want[k] = ' ';
						T_STREQ(dn, want);
						free(dn);
					}
					break;
				}
				case MAILIMF_FIELD_ORIG_DATE:
					n_date++;
					T_INTEQ(f->fld_data.fld_orig_date->dt_date_time->dt_zone, 900);
					T_INTEQ(f->fld_data.fld_orig_date->dt_date_time->dt_day, 17);
					break;
				case MAILIMF_FIELD_MESSAGE_ID:
					n_mid++;
					T_STREQ(f->fld_data.fld_message_id->mid_value, mid);
					break;
				case MAILIMF_FIELD_BCC:
				case MAILIMF_FIELD_CC:
					T_CHECK(!"a name injected a recipient header");
					break;
				default:
					break;
				}
			}
			T_INTEQ(n_subject, 1);
			T_INTEQ(n_from, 1);
			T_INTEQ(n_to, 1);
			T_INTEQ(n_date, 1);
			T_INTEQ(n_mid, 1);
			{
				char v[128];
				T_STREQ(header(fs, "MIME-Version", v, sizeof v), "1.0");
			}
		}
		mailimf_fields_free(fs);
		/* MIME structure and charsets */
		idx = 0;
		T_REQUIRE(mailmime_parse(eml.data, eml.len, &idx, &mime) == MAILIMF_NO_ERROR);
		{
			struct mailmime *body = mime->mm_data.mm_message.mm_msg_mime;
			T_REQUIRE(body && body->mm_type == MAILMIME_MULTIPLE);
			T_STREQ(body->mm_content_type->ct_subtype, "alternative");
			T_INTEQ(clist_count(body->mm_data.mm_multipart.mm_mp_list), 2);
			int k = 0;
			for (clistiter *it = clist_begin(body->mm_data.mm_multipart.mm_mp_list); it;
			     it = clist_next(it), k++) {
				struct mailmime *part = clist_content(it);
				struct mailmime_content *ct = part->mm_content_type;
				const char *cs = NULL;
				for (clistiter *pi = clist_begin(ct->ct_parameters); pi; pi = clist_next(pi)) {
					struct mailmime_parameter *pa = clist_content(pi);
					if (strcasecmp(pa->pa_name, "charset") == 0)
						cs = pa->pa_value;
				}
				T_STREQ(ct->ct_subtype, k == 0 ? "plain" : "html");
				T_STREQ(cs, ja ? "ISO-2022-JP" : "UTF-8");
				if (k == 0 && ja) {
					/* Decode the body back to UTF-8 and find the customer's own settings. */
					const char *data = part->mm_data.mm_single->dt_data.dt_text.dt_data;
					size_t len = part->mm_data.mm_single->dt_data.dt_text.dt_length;
					char *utf8 = NULL;
					size_t ulen = 0;
					for (size_t q = 0; q < len; q++)
						T_CHECK((unsigned char)data[q] < 0x80);
					T_REQUIRE(charconv_buffer("utf-8", "iso-2022-jp", data, len, &utf8, &ulen) ==
					          MAIL_CHARCONV_NO_ERROR);
					T_CHECK(strstr(utf8, c->email));
					T_CHECK(strstr(utf8, "ユーザー名(アカウント名)"));
					charconv_buffer_free(utf8);
				}
			}
		}
		mailmime_free(mime);
		/* Injection: the CR/LF in e001's name produced no header line of its own. */
		T_CHECK(!strstr(eml.data, "\r\nBcc:"));
		T_CHECK(!strstr(eml.data, "<script>"));
		buf_release(&eml);
		buf_release(&subj_expect);
	}
}

static void injection_in_text_and_html(void)
{
	struct plan p;
	struct render_opts o = opts();
	const struct plan_customer *c;
	fx_infonia(&p);
	c = plan_customer_find_fx(&p, "e001");
	for (int f = RENDER_TEXT; f <= RENDER_MOBILECONFIG; f++) {
		struct buf b = BUF_INIT;
		struct err e;
		const char *skipped;
		char mid[256];
		err_clear(&e);
		T_REQUIRE(render_notice(&b, &o, &p, c, f, &skipped, mid, sizeof mid, &e) == 0);
		if (skipped)
			continue;
		if (f != RENDER_TEXT)
			T_CHECK(!strstr(b.data, "<script>"));
		T_CHECK(!strstr(b.data, "\nBcc:"));
		if (f != RENDER_EML)
			T_CHECK(!strstr(b.data, "\r"));
		buf_release(&b);
	}
}

static void xml_is_well_formed(void)
{
	static const char *const exts[] = { ".autoconfig.xml", ".autodiscover.xml" };
	for (size_t i = 0; i < FX_N_CUSTOMERS; i++)
		for (size_t k = 0; k < 2; k++) {
			char cmd[1200];
			snprintf(cmd, sizeof cmd, "xmllint --noout '%s/tests/data/notices/infonia/%s%s'", root,
			         fx_customers[i].id, exts[k]);
			T_INTEQ(system(cmd), 0);
		}
}

static void plan_dependent_warnings(void)
{
	struct plan p;
	struct instr in;
	struct err e;
	const struct plan_customer *c;
	static struct plan_service apop_in[] = {
		{ S("pop.infonia.ne.jp"), PLAN_PROTO_POP3, 110, PLAN_TLS_NONE, PLAN_AUTH_APOP, PLAN_SMTP_NONE,
		  0, NULL, 0, { 0 }, NULL, PLAN_CRED_SAME },
	};
	fx_infonia(&p);
	err_clear(&e);
	/* Thunderbird keys POP3 state by host and login, both change: it downloads once more
	 * whatever the customer does. Becky! does not: only a new account would. */
	c = plan_customer_find_fx(&p, "c002");
	T_INTEQ(instr_compute(&in, &p, c, &e), 0);
	T_INTEQ(in.redownload, INSTR_REDL_YES);
	T_CHECK(in.why == (INSTR_WHY_HOST | INSTR_WHY_LOGIN));
	T_STREQ(in.login_before, "hanako");
	T_STREQ(in.login, "hanako@infonia.ne.jp");
	T_STREQ(in.out->host, "smtpa.infonia.ne.jp");
	instr_release(&in);
	c = plan_customer_find_fx(&p, "c004");
	T_INTEQ(instr_compute(&in, &p, c, &e), 0);
	T_INTEQ(in.redownload, INSTR_REDL_NEW_ACCOUNT_ONLY);
	instr_release(&in);
	/* PostPet cannot do SMTP AUTH: POP before SMTP server. */
	c = plan_customer_find_fx(&p, "c005");
	T_INTEQ(instr_compute(&in, &p, c, &e), 0);
	T_STREQ(in.out->host, "smtp.infonia.ne.jp");
	T_CHECK(!in.must_upgrade && in.smtp_fallback);
	instr_release(&in);
	/* Without a POP before SMTP server it must upgrade. */
	p.services.n_outgoing_after = 1;
	T_INTEQ(instr_compute(&in, &p, c, &e), 0);
	T_CHECK(in.must_upgrade);
	instr_release(&in);
	{
		struct buf b = BUF_INIT;
		struct render_opts o = opts();
		const char *skipped;
		T_INTEQ(render_notice(&b, &o, &p, c, RENDER_TEXT, &skipped, NULL, 0, &e), 0);
		T_CHECK(strstr(b.data, "メールソフトウェアの更新をお願いします"));
		buf_release(&b);
		/* Eudora 5.1J with APOP: SMTP AUTH does not work together with it. */
		p.services.incoming_after = apop_in;
		p.services.n_incoming_after = 1;
		c = plan_customer_find_fx(&p, "c003");
		T_INTEQ(render_notice(&b, &o, &p, c, RENDER_TEXT, &skipped, NULL, 0, &e), 0);
		T_CHECK(strstr(b.data, "受信の認証方式を APOPにしていると SMTP AUTHを利用することができません"));
		/* The summary and the steps say the same authentication and login. */
		T_CHECK(strstr(b.data, "認証 通常のパスワード\n"));
		T_CHECK(strstr(b.data, "[認証方式]は「パスワード」を選びます"));
		T_CHECK(strstr(b.data, "[ログイン名]に ichiro@infonia.ne.jp と入力します"));
		buf_release(&b);
	}
}

static void unchanged_customers(void)
{
	struct plan p;
	struct render_opts o = opts();
	struct buf b = BUF_INIT;
	struct err e;
	const char *skipped;
	const struct plan_customer *c;
	fx_betomail(&p);
	c = &p.customers[0];
	err_clear(&e);
	T_INTEQ(render_notice(&b, &o, &p, c, RENDER_TEXT, &skipped, NULL, 0, &e), 0);
	T_CHECK(!skipped);
	T_CHECK(strstr(b.data, "設定を変更していただく必要はございません"));
	T_CHECK(strstr(b.data, "すべてもう一度受信されることがあります") == NULL); /* only in the changed branch */
	T_CHECK(golden("betomail", "b001.txt", &b));
	buf_reset(&b);
	p.notices.skip_unchanged = true;
	T_INTEQ(render_notice(&b, &o, &p, c, RENDER_EML, &skipped, NULL, 0, &e), 0);
	T_CHECK(skipped);
	T_INTEQ(b.len, 0);
	buf_release(&b);
}

/* UTF-8 when the plan asks for it, and when a name has a character ISO-2022-JP lacks. */
static void eml_charsets(void)
{
	struct plan p;
	struct render_opts o = opts();
	struct plan_customer c;
	struct buf b = BUF_INIT;
	struct err e;
	char mid[256];
	const char *skipped;
	fx_infonia(&p);
	c = p.customers[0];
	err_clear(&e);
	p.notices.charset_ja = S("UTF-8");
	T_INTEQ(render_notice(&b, &o, &p, &c, RENDER_EML, &skipped, mid, sizeof mid, &e), 0);
	T_CHECK(strstr(b.data, "Subject: =?UTF-8?B?"));
	T_CHECK(strstr(b.data, "Content-Type: text/plain; charset=UTF-8"));
	T_CHECK(strstr(b.data, "<meta charset=\"UTF-8\">") == NULL); /* HTML part is base64 */
	buf_reset(&b);
	p.notices.charset_ja = S("ISO-2022-JP");
	c.name = S("\xf0\xa0\xae\xb7野 花子"); /* 𠮷 (U+20BB7) is not in JIS X 0208 */
	T_INTEQ(render_notice(&b, &o, &p, &c, RENDER_EML, &skipped, mid, sizeof mid, &e), 0);
	T_CHECK(strstr(b.data, "Content-Type: text/plain; charset=UTF-8"));
	T_CHECK(strstr(b.data, "To: =?UTF-8?B?"));
	buf_release(&b);
}

static void template_errors_name_the_line(void)
{
	struct plan p;
	char dir[] = "/tmp/test_notices_tmpl.XXXXXX", cmd[1400];
	struct render_opts o = opts();
	struct buf b = BUF_INIT;
	struct err e;
	FILE *f;
	T_REQUIRE(mkdtemp(dir) != NULL);
	snprintf(cmd, sizeof cmd, "cp -r '%s'/ja '%s'/", tdir, dir);
	T_REQUIRE(system(cmd) == 0);
	snprintf(cmd, sizeof cmd, "%s/ja/announcement.txt", dir);
	f = fopen(cmd, "w");
	fputs("{{issued}}\n\n{{windw_start}}\n", f);
	fclose(f);
	fx_infonia(&p);
	o.templates = dir;
	err_clear(&e);
	T_INTEQ(render_announce(&b, &o, &p, PLAN_LANG_JA, false, &e), -1);
	T_STREQ(e.msg, "ja/announcement.txt:3: unknown variable 'windw_start'");
	T_INTEQ(e.cls, ERR_DATA);
	buf_release(&b);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	T_CHECK(system(cmd) == 0);
}

int main(void)
{
	const char *r = getenv("CUTOVER_ROOT");
	snprintf(root, sizeof root, "%s", r ? r : ".");
	snprintf(tdir, sizeof tdir, "%s/notices/templates", root);
	T_RUN(announcement_golden);
	T_RUN(announcement_content);
	T_RUN(notices_golden);
	T_RUN(eml_parse_back);
	T_RUN(injection_in_text_and_html);
	T_RUN(xml_is_well_formed);
	T_RUN(plan_dependent_warnings);
	T_RUN(unchanged_customers);
	T_RUN(eml_charsets);
	T_RUN(template_errors_name_the_line);
	return T_DONE();
}
