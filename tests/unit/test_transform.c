/* test_transform: the byte-level pieces of the copy — X-UIDL prepend/recognise, header
 * lookup, RFC 5322 dates, digests — and the retry policy arithmetic. */
#include <stdlib.h>
#include <string.h>

#include "migrate/msg/digest.h"
#include "migrate/msg/hdr.h"
#include "migrate/msg/msgdate.h"
#include "migrate/engine/retry.h"
#include "migrate/uidl/xuidl.h"
#include "t.h"

static void xuidl_adds_one_line_and_nothing_else(void)
{
	const char msg[] = "From: a@b\r\nSubject: x\r\n\r\nbody\n";
	struct buf b = BUF_INIT;
	struct err e;
	char v[80];
	err_clear(&e);
	T_REQUIRE(xuidl_prepend(&b, "1234.5678,S=99:2,", msg, sizeof msg - 1, &e) == 0);
	T_STREQ(b.data, "X-UIDL: 1234.5678,S=99:2,\r\nFrom: a@b\r\nSubject: x\r\n\r\nbody\n");
	size_t skip = xuidl_leading(b.data, b.len, v, sizeof v);
	T_INTEQ(skip, strlen("X-UIDL: 1234.5678,S=99:2,\r\n"));
	T_STREQ(v, "1234.5678,S=99:2,");
	T_CHECK(memcmp(b.data + skip, msg, sizeof msg - 1) == 0);
	T_INTEQ(xuidl_leading(msg, sizeof msg - 1, NULL, 0), 0);
	buf_release(&b);
}

static void xuidl_rejects_what_a_header_cannot_hold(void)
{
	T_CHECK(xuidl_valid("!#$%&'()*+-./:;<=>?@[\\]^_`{|}~"));
	T_CHECK(!xuidl_valid(""));
	T_CHECK(!xuidl_valid("a b"));
	T_CHECK(!xuidl_valid("a\r\nX-Evil: 1"));
	T_CHECK(!xuidl_valid("\xe3\x81\x82"));
	char long_uidl[80];
	memset(long_uidl, 'a', 71);
	long_uidl[71] = '\0';
	T_CHECK(!xuidl_valid(long_uidl));
	long_uidl[70] = '\0';
	T_CHECK(xuidl_valid(long_uidl));
}

static void hdr_unfolds_and_stops_at_the_body(void)
{
	const char msg[] = "Subject: one\r\n two\r\nMessage-Id:\r\n  <a@b> (c)\r\n\r\nMessage-ID: <body@x>\r\n";
	char v[100];
	T_CHECK(hdr_first(msg, sizeof msg - 1, "subject", v, sizeof v));
	T_STREQ(v, "one two");
	T_CHECK(hdr_message_id(msg, sizeof msg - 1, v, sizeof v));
	T_STREQ(v, "<a@b>");
	const char lf[] = "X: 1\n\nMessage-ID: <no@x>\n";
	T_CHECK(!hdr_message_id(lf, sizeof lf - 1, v, sizeof v));
	T_INTEQ(hdr_block_len(lf, sizeof lf - 1), 5);
	const char nohdr[] = "Date: x";
	T_CHECK(hdr_first(nohdr, sizeof nohdr - 1, "Date", v, sizeof v));
	T_STREQ(v, "x");
}

static void dates_parse_with_zones_and_obsolete_forms(void)
{
	time_t t;
	int off;
	T_REQUIRE(msgdate_parse("Wed, 9 Oct 2002 23:30:00 +0900", &t, &off));
	T_INTEQ(t, 1034173800);
	T_INTEQ(off, 9 * 3600);
	T_REQUIRE(msgdate_parse(" 9 Oct 02 14:30 GMT", &t, &off));
	T_INTEQ(t, 1034173800);
	T_REQUIRE(msgdate_parse("Wed (comment) , 09 Oct 2002 10:30:00 (x) EDT", &t, &off));
	T_INTEQ(t, 1034173800);
	T_INTEQ(off, -4 * 3600);
	T_REQUIRE(msgdate_parse("29 Feb 2000 00:00:60 -0130", &t, &off));
	T_INTEQ(off, -90 * 60);
	T_CHECK(!msgdate_parse("30 Feb 2001 00:00 +0000", &t, &off));
	T_CHECK(!msgdate_parse("yesterday", &t, &off));
	T_CHECK(!msgdate_parse("1 Foo 2001 00:00 +0000", &t, &off));
	T_CHECK(!msgdate_parse("1 Jan 2001 25:00 +0000", &t, &off));
}

static void internaldate_prefers_top_received(void)
{
	time_t t;
	int off;
	const char m1[] = "Received: from a by b; Wed, 9 Oct 2002 23:30:00 +0900\r\n"
	                  "Received: from c by a; Wed, 9 Oct 2002 23:29:00 +0900\r\n"
	                  "Date: Tue, 1 Jan 2002 00:00:00 +0000\r\n\r\nx";
	T_INTEQ(msgdate_for_message(m1, sizeof m1 - 1, 5, &t, &off), 'R');
	T_INTEQ(t, 1034173800);
	const char m2[] = "Received: garbage\r\nDate: Wed, 9 Oct 2002 14:30:00 +0000\r\n\r\n";
	T_INTEQ(msgdate_for_message(m2, sizeof m2 - 1, 5, &t, &off), 'D');
	T_INTEQ(t, 1034173800);
	const char m3[] = "Subject: none\n\nbody";
	T_INTEQ(msgdate_for_message(m3, sizeof m3 - 1, 5, &t, &off), 'N');
	T_INTEQ(t, 5);
}

static void digest_normalises_bare_lf(void)
{
	char a[65], b[65], c[65];
	struct err e;
	err_clear(&e);
	T_REQUIRE(digest_sha256_hex("abc", 3, a, &e) == 0);
	T_STREQ(a, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	T_REQUIRE(digest_sha256_crlf_hex("a\nb\r\nc\n", 7, b, &e) == 0);
	T_REQUIRE(digest_sha256_hex("a\r\nb\r\nc\r\n", 9, c, &e) == 0);
	T_STREQ(b, c);
	T_REQUIRE(digest_sha256_crlf_hex("\n", 1, b, &e) == 0);
	T_REQUIRE(digest_sha256_hex("\r\n", 2, c, &e) == 0);
	T_STREQ(b, c);
}

static void retry_follows_the_class_and_the_plan(void)
{
	struct plan p;
	struct err e;
	memset(&p, 0, sizeof p);
	p.migration.retry.attempts = 4;
	p.migration.retry.first_delay_ms = 100;
	p.migration.retry.max_delay_ms = 250;
	err_set(&e, ERR_NET, "lost");
	T_INTEQ(retry_delay_ms(&p, &e, 1), 100);
	T_INTEQ(retry_delay_ms(&p, &e, 2), 200);
	T_INTEQ(retry_delay_ms(&p, &e, 3), 250);
	T_INTEQ(retry_delay_ms(&p, &e, 4), -1);
	err_set(&e, ERR_LOCKED, "[IN-USE]");
	T_INTEQ(retry_delay_ms(&p, &e, 1), 100);
	err_set(&e, ERR_LOGIN_DELAY, "[LOGIN-DELAY]");
	e.wait_seconds = 3;
	T_INTEQ(retry_delay_ms(&p, &e, 1), 3000);
	err_set(&e, ERR_AUTH, "[AUTH]");
	T_INTEQ(retry_delay_ms(&p, &e, 1), -1);
	err_set(&e, ERR_PERM, "[SYS/PERM]");
	T_INTEQ(retry_delay_ms(&p, &e, 1), -1);
}

int main(void)
{
	T_RUN(xuidl_adds_one_line_and_nothing_else);
	T_RUN(xuidl_rejects_what_a_header_cannot_hold);
	T_RUN(hdr_unfolds_and_stops_at_the_body);
	T_RUN(dates_parse_with_zones_and_obsolete_forms);
	T_RUN(internaldate_prefers_top_received);
	T_RUN(digest_normalises_bare_lf);
	T_RUN(retry_follows_the_class_and_the_plan);
	return T_DONE();
}
