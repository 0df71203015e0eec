/* test_pop3list: the project's parser of POP3 STAT/LIST/UIDL replies (pop3list.h) on what
 * the fuzzer and hostile servers sent: numbering 0, gaps, repeats, overlong lines, bad
 * UIDLs, STAT disagreeing with LIST. Each is ERR_PROTOCOL with the line quoted safely. */
#include <string.h>

#include "migrate/pop3/pop3list.h"
#include "tests/unit/t.h"

static int feed(struct pop3list *l, const char *const *lines, size_t n, struct err *e)
{
	for (size_t i = 0; i < n; i++)
		if (pop3list_add(l, lines[i], e) < 0)
			return -1;
	return 0;
}

static void list_in_order(void)
{
	struct pop3list l = {0};
	struct err e = {0};
	const char *ok[] = {"1 10", "2  20 ", "3\t4294967295"};
	T_INTEQ(feed(&l, ok, 3, &e), 0);
	T_INTEQ(l.n, 3);
	T_INTEQ(l.v[2].size, 4294967295u);
	T_INTEQ(pop3list_check_stat(&l, 3, 4294967325ull, &e), 0);
	T_INTEQ(pop3list_check_stat(&l, 4, 4294967325ull, &e), -1);
	T_INTEQ(e.cls, ERR_PROTOCOL);
	pop3list_free(&l);
}

static void list_bad_numbering(void)
{
	const char *cases[][2] = {{"0 10", NULL}, {"2 10", NULL}, {"1 10", "1 10"}, {"1 4294967296", NULL},
	                          {"1", NULL}, {"x 1", NULL}, {"1 10 junk", NULL}, {"-1 10", NULL}};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct pop3list l = {0};
		struct err e = {0};
		int rc = pop3list_add(&l, cases[i][0], &e);
		if (rc == 0 && cases[i][1])
			rc = pop3list_add(&l, cases[i][1], &e);
		T_INTEQ(rc, -1);
		T_INTEQ(e.cls, ERR_PROTOCOL);
		T_CHECK(e.server[0] != '\0');
		pop3list_free(&l);
	}
}

static void overlong_line_quoted_safely(void)
{
	char line[2048];
	memset(line, '0', sizeof line - 1);
	line[0] = '1';
	line[1] = ' ';
	line[5] = '\x1b';
	line[sizeof line - 1] = '\0';
	struct pop3list l = {0};
	struct err e = {0};
	T_INTEQ(pop3list_add(&l, line, &e), -1);
	T_INTEQ(e.cls, ERR_PROTOCOL);
	T_CHECK(strlen(e.server) < ERR_SERVER_MAX);
	T_CHECK(strchr(e.server, '\x1b') == NULL);
	pop3list_free(&l);
}

static void uidl_checks(void)
{
	struct pop3list l = {0};
	struct err e = {0};
	const char *ok[] = {"1 10", "2 20"};
	T_INTEQ(feed(&l, ok, 2, &e), 0);
	T_INTEQ(pop3list_uidl(&l, "2 abc!~", &e), 0);
	T_STREQ(l.v[1].uidl, "abc!~");
	T_INTEQ(pop3list_uidl(&l, "2 again", &e), -1);      /* served twice */
	T_INTEQ(pop3list_uidl(&l, "3 extra", &e), -1);      /* not listed */
	T_INTEQ(pop3list_uidl(&l, "1 caf\xc3\xa9", &e), -1); /* not ASCII */
	T_INTEQ(e.cls, ERR_PROTOCOL);
	T_STREQ(e.server, "1 caf\\xC3\\xA9");                   /* quoted, not raw */
	T_INTEQ(pop3list_uidl(&l, "1 ", &e), -1);           /* empty */
	T_INTEQ(pop3list_uidl(&l, "1 0123456789012345678901234567890123456789012345678901234567890123456789x", &e),
	        -1);                                         /* 71 characters */
	T_INTEQ(pop3list_uidl(&l, "1 a", &e), 0);
	T_INTEQ(l.uidls, 2);
	pop3list_free(&l);
}

static void stat_parses(void)
{
	uint32_t c;
	uint64_t s;
	struct err e = {0};
	T_INTEQ(pop3list_stat(" 2 3072", &c, &s, &e), 0);
	T_INTEQ(c, 2);
	T_INTEQ(s, 3072);
	T_INTEQ(pop3list_stat("", &c, &s, &e), -1);
	T_INTEQ(pop3list_stat(" 2", &c, &s, &e), -1);
	T_INTEQ(pop3list_stat(" 99999999999 1", &c, &s, &e), -1);
}

int main(void)
{
	T_RUN(list_in_order);
	T_RUN(list_bad_numbering);
	T_RUN(overlong_line_quoted_safely);
	T_RUN(uidl_checks);
	T_RUN(stat_parses);
	return T_DONE();
}
