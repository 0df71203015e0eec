/* test_imap_names: modified UTF-7 folder names with delimiter translation, and the stored
 * form of appended messages (bare CR/LF -> CRLF, as libetpan sends them). */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "migrate/imap/imap_append.h"
#include "migrate/imap/imap_utf7.h"
#include "t.h"

static void utf7_round_trips_japanese_and_ampersand(void)
{
	struct err e;
	err_clear(&e);
	char *s = imap_utf7_to_server("日本語/受信トレイ", '.', &e);
	T_STREQ(s, "&ZeVnLIqe-.&U9dP4TDIMOwwpA-");
	char *back = s ? imap_utf7_from_server(s, '.', &e) : NULL;
	T_STREQ(back, "日本語/受信トレイ");
	free(s);
	free(back);
	s = imap_utf7_to_server("Café & Co", '/', &e);
	T_STREQ(s, "Caf&AOk- &- Co");
	free(s);
}

static void utf7_refuses_delimiter_inside_a_level(void)
{
	struct err e;
	err_clear(&e);
	T_CHECK(imap_utf7_to_server("Mr. Smith/2002", '.', &e) == NULL);
	T_INTEQ(e.cls, ERR_DATA);
	err_clear(&e);
	T_CHECK(imap_utf7_from_server("caf\xc3\xa9", '.', &e) == NULL); /* raw 8-bit: not mUTF-7 */
	T_INTEQ(e.cls, ERR_PROTOCOL);
}

static void utf7_flat_namespace_keeps_slash(void)
{
	struct err e;
	err_clear(&e);
	char *s = imap_utf7_to_server("a/b", 0, &e);
	T_STREQ(s, "a/b");
	free(s);
}

static void normalize_matches_libetpan_size(void)
{
	static const char *const cases[] = {"a\r\nb\r\n", "a\nb\n", "a\rb", "a\r\n\rb\n\r", "no eol", ""};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct buf b = BUF_INIT;
		T_INTEQ(imap_append_normalize(cases[i], strlen(cases[i]), &b), 0);
		T_INTEQ(b.len, imap_append_stored_size(cases[i], strlen(cases[i])));
		buf_release(&b);
	}
	struct buf b = BUF_INIT;
	imap_append_normalize("a\nb\rc\r\n", 7, &b);
	T_STREQ(b.data, "a\r\nb\r\nc\r\n");
	buf_release(&b);
}

static void keywords_must_be_atoms(void)
{
	struct err e;
	err_clear(&e);
	const char *good[] = {"$Label1", "Junk", NULL};
	const char *bad[] = {"two words", NULL};
	struct drv_append it = {.keywords = good};
	T_INTEQ(imap_append_check(&it, &e), 0);
	it.keywords = bad;
	T_INTEQ(imap_append_check(&it, &e), -1);
	T_INTEQ(e.cls, ERR_DATA);
}

int main(void)
{
	T_RUN(utf7_round_trips_japanese_and_ampersand);
	T_RUN(utf7_refuses_delimiter_inside_a_level);
	T_RUN(utf7_flat_namespace_keeps_slash);
	T_RUN(normalize_matches_libetpan_size);
	T_RUN(keywords_must_be_atoms);
	return T_DONE();
}
