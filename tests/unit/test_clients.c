/* test_clients: free-text mail-program names map to catalogue ids; the facts the
 * Infonia table gives (seeds/001) hold. */
#include <stdlib.h>
#include <time.h>

#include "schedule/clients.h"
#include "t.h"

static const char *id_of(const char *text)
{
	const struct client_info *c = clients_lookup(text);
	return c ? c->id : "(none)";
}

static void aliases_from_isp_exports(void)
{
	T_STREQ(id_of("Outlook Express 6.0"), "outlook-express-6");
	T_STREQ(id_of("OE6"), "outlook-express-6");
	T_STREQ(id_of("Microsoft Outlook Express 6"), "outlook-express-6");
	T_STREQ(id_of("outlook express 5.5"), "outlook-express-5");
	T_STREQ(id_of("Outlook Express 5.02"), "outlook-express-5.02-mac");
	T_STREQ(id_of("Microsoft Outlook 2002(XP)"), "outlook");
	T_STREQ(id_of("Outlook 2007"), "outlook");
	T_STREQ(id_of("Microsoft Outlook 98"), "outlook");
	T_STREQ(id_of("Thunderbird 2.0"), "thunderbird");
	T_STREQ(id_of("Mozilla Thunderbird 2.0.0.23"), "thunderbird");
	T_STREQ(id_of("Becky! Ver.2"), "becky-2");
	T_STREQ(id_of("Becky! Internet Mail"), "becky-2");
	T_STREQ(id_of("Becky! 2.50.02"), "becky-2");
	T_STREQ(id_of("Eudora 5.1J"), "eudora-5.1j");
	T_STREQ(id_of("Eudora 5.0J"), "eudora-5");
	T_STREQ(id_of("Mail (Mac OS X)"), "apple-mail");
	T_STREQ(id_of("iPhone"), "ios-mail");
	T_STREQ(id_of("Android Gmail"), "android-gmail");
	T_STREQ(id_of("Netscape 7 Mail & Newsgroups"), "netscape-7");
	T_STREQ(id_of("AL-Mail32 1.13"), "al-mail");
	T_STREQ(id_of("AL-Mail32 1.12"), "al-mail-1.12");
	T_STREQ(id_of("EdMax 2.85"), "edmax");
	T_STREQ(id_of("PostPet V3"), "postpet");
	T_STREQ(id_of("Shuriken 2.2"), "shuriken");
	T_STREQ(id_of("Datula 1.52.01"), "datula");
	T_STREQ(id_of("電信八号 32.1.3.1"), "denshin-8");
	T_STREQ(id_of("Windows Live Mail 2011"), "windows-live-mail");
}

static void ids_case_punctuation_and_width(void)
{
	T_STREQ(id_of("eudora-5.1j"), "eudora-5.1j");
	T_STREQ(id_of("OUTLOOK-EXPRESS-6"), "outlook-express-6");
	T_STREQ(id_of("  thunderbird  "), "thunderbird");
	/* full-width "Ｏｕｔｌｏｏｋ　Ｅｘｐｒｅｓｓ　６" with an ideographic space */
	T_STREQ(id_of("\xef\xbc\xaf\xef\xbd\x95\xef\xbd\x94\xef\xbd\x8c\xef\xbd\x8f\xef\xbd\x8f\xef\xbd\x8b"
	              "\xe3\x80\x80\xef\xbc\xa5\xef\xbd\x98\xef\xbd\x90\xef\xbd\x92\xef\xbd\x85\xef\xbd\x93"
	              "\xef\xbd\x93\xe3\x80\x80\xef\xbc\x96"), "outlook-express-6");
	T_STREQ(id_of("Ｅｕｄｏｒａ　５．１Ｊ"), "eudora-5.1j");
	T_STREQ(id_of("generic"), "generic");
}

static void unknown_names_are_null(void)
{
	T_CHECK(clients_lookup("Pegasus Mail 4") == NULL);
	T_CHECK(clients_lookup("") == NULL);
	T_CHECK(clients_lookup("!!!") == NULL);
	T_CHECK(clients_lookup(NULL) == NULL);
	T_CHECK(clients_lookup("Becky! 1.26x") == NULL);
	T_CHECK(clients_lookup("\xff\xfe") == NULL);
	T_STREQ(clients_generic()->id, "generic");
}

static void infonia_table_facts(void)
{
	const struct client_info *c = clients_lookup("eudora-5.1j");
	T_REQUIRE(c);
	T_CHECK(c->smtp_auth);
	T_CHECK(!c->smtp_auth_with_apop);      /* note 2 */
	T_CHECK(c->needs_full_address_login);  /* note 1 */
	c = clients_lookup("denshin-8");
	T_REQUIRE(c);
	T_CHECK(c->smtp_auth && c->needs_full_address_login);
	c = clients_lookup("al-mail-1.12");       /* note 4 */
	T_REQUIRE(c);
	T_CHECK(!c->smtp_auth);
	T_CHECK(c->notes_en != NULL && c->notes_ja != NULL);
	c = clients_lookup("outlook-express-5.02-mac");
	T_REQUIRE(c);
	T_CHECK(!c->smtp_auth);
	c = clients_lookup("thunderbird");
	T_REQUIRE(c);
	T_CHECK(c->pop3_state_by_host && c->smtp_auth && c->submission_587 && c->imap);
	c = clients_lookup("outlook-express-6");
	T_REQUIRE(c);
	T_CHECK(c->pop3_state_by_host && c->smtp_auth && !c->needs_full_address_login);
	c = clients_lookup("becky-2");
	T_REQUIRE(c);
	T_CHECK(c->smtp_auth && c->smtp_auth_with_apop);
	T_CHECK(clients_generic()->pop3_state_by_host);
	/* APOP: Outlook Express and Outlook have no APOP setting; Thunderbird's "encrypted
	 * password" and Eudora's APOP option do it. */
	T_CHECK(!clients_lookup("outlook-express-6")->apop && !clients_lookup("outlook")->apop);
	T_CHECK(clients_lookup("thunderbird")->apop && clients_lookup("eudora-5.1j")->apop);
}

static void versions_from_free_text(void)
{
	T_INTEQ(clients_version("Thunderbird 2.0.0.14"), 2);
	T_INTEQ(clients_version("Microsoft Outlook 2003"), 2003);
	T_INTEQ(clients_version("Becky! Ver.2"), 2);
	T_INTEQ(clients_version("thunderbird"), 0);
	T_INTEQ(clients_version(NULL), 0);
	T_STREQ(clients_lookup("iPhone OS 3.1")->id, "ios-mail");   /* steps/ios-mail-3.txt */
	T_INTEQ(clients_version("iPhone OS 3.1"), 3);
}

static void catalogue_is_complete_and_unique(void)
{
	static const char *const required[] = {
		"outlook-express-6", "outlook-express-5", "outlook", "thunderbird", "becky-2",
		"eudora-5", "eudora-5.1j", "netscape-7", "apple-mail", "ios-mail", "android-gmail",
		"al-mail", "edmax", "postpet", "shuriken", "datula", "denshin-8",
		"windows-live-mail", "generic" };
	unsigned n;
	const struct client_info *all = clients_all(&n);
	T_REQUIRE(all && n >= sizeof required / sizeof required[0]);
	for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
		const struct client_info *c = clients_lookup(required[i]);
		T_CHECK(c != NULL);
		if (c)
			T_STREQ(c->id, required[i]);
	}
	for (unsigned i = 0; i < n; i++) {
		T_CHECK(all[i].name_ja && all[i].name_en);
		/* every id finds itself */
		const struct client_info *c = clients_lookup(all[i].id);
		T_CHECK(c == &all[i]);
		for (unsigned j = i + 1; j < n; j++)
			T_CHECK(strcmp(all[i].id, all[j].id) != 0);
	}
}

/* A loaded plan with a million customers looks each one up several times. */
static void lookups_are_cheap(void)
{
	clock_t t0 = clock();
	size_t hits = 0;
	for (int i = 0; i < 200000; i++)
		hits += clients_lookup(i % 2 ? "Becky! Internet Mail Ver.2.50" : "outlook-express-6") != NULL;
	double s = (double)(clock() - t0) / CLOCKS_PER_SEC;
	printf("# 200000 lookups: %.3f s\n", s);
	T_INTEQ(hits, 200000);
	T_CHECK(s < 5.0);   /* generous for sanitizer builds; ~0.1 s optimised */
}

int main(void)
{
	T_RUN(aliases_from_isp_exports);
	T_RUN(ids_case_punctuation_and_width);
	T_RUN(unknown_names_are_null);
	T_RUN(infonia_table_facts);
	T_RUN(catalogue_is_complete_and_unique);
	T_RUN(versions_from_free_text);
	T_RUN(lookups_are_cheap);
	return T_DONE();
}
