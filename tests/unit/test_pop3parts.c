/* test_pop3parts: the pure helpers of the POP3 source: APOP digest (RFC 1939 example),
 * response-code classification (RFC 2449/3206) and the UIDL style guess. */
#include <libetpan/libetpan.h>
#include <string.h>

#include "migrate/pop3/apop.h"
#include "migrate/pop3/pop3resp.h"
#include "migrate/uidl/uidlstyle.h"
#include "tests/unit/t.h"

static void apop_rfc1939_example(void)
{
	char ts[64], hex[33];
	T_INTEQ(apop_timestamp("POP3 server ready <1896.697170952@dbc.mtview.ca.us>", ts, sizeof ts), 0);
	T_STREQ(ts, "<1896.697170952@dbc.mtview.ca.us>");
	T_INTEQ(apop_digest(ts, "tanstaaf", hex), 0);
	T_STREQ(hex, "c4c9334bac560ecc979e58001b3e22fb");
}

static void apop_no_timestamp(void)
{
	char ts[16];
	T_INTEQ(apop_timestamp("Dovecot ready.", ts, sizeof ts), -1);
	T_INTEQ(apop_timestamp(NULL, ts, sizeof ts), -1);
	T_INTEQ(apop_timestamp("x <a b@c>", ts, sizeof ts), -1);
	T_INTEQ(apop_timestamp("x <0123456789abcdef@host>", ts, sizeof ts), -1);   /* too long for cap */
}

static void resp_codes(void)
{
	char code[32];
	T_STREQ(pop3resp_code("[IN-USE] Mailbox is locked", code, sizeof code), "Mailbox is locked");
	T_STREQ(code, "IN-USE");
	pop3resp_code("[sys/temp] later", code, sizeof code);
	T_STREQ(code, "SYS/TEMP");
	T_STREQ(pop3resp_code("[not a code] x", code, sizeof code), "[not a code] x");
	T_STREQ(code, "");
	T_STREQ(pop3resp_code("no code", code, sizeof code), "no code");
	T_STREQ(code, "");
}

static void resp_classes(void)
{
	struct err e = {0};
	pop3resp_err(&e, ERR_AUTH, "POP3 PASS", "[IN-USE] Mailbox is locked by another POP3 session.", 0);
	T_INTEQ(e.cls, ERR_LOCKED);
	T_STREQ(e.resp_code, "IN-USE");
	T_STREQ(e.server, "[IN-USE] Mailbox is locked by another POP3 session.");
	pop3resp_err(&e, ERR_AUTH, "POP3 PASS", "[LOGIN-DELAY] wait", 900);
	T_INTEQ(e.cls, ERR_LOGIN_DELAY);
	T_INTEQ(e.wait_seconds, 900);
	pop3resp_err(&e, ERR_AUTH, "POP3 PASS", "[SYS/TEMP] disk", 0);
	T_INTEQ(e.cls, ERR_TEMP);
	pop3resp_err(&e, ERR_AUTH, "POP3 PASS", "[SYS/PERM] gone", 0);
	T_INTEQ(e.cls, ERR_PERM);
	pop3resp_err(&e, ERR_TEMP, "POP3 PASS", "[AUTH] Authentication failed.", 0);
	T_INTEQ(e.cls, ERR_AUTH);
	pop3resp_err(&e, ERR_AUTH, "POP3 PASS", "Authentication failed.", 0);
	T_INTEQ(e.cls, ERR_AUTH);
	T_CHECK(strstr(e.msg, "POP3 PASS") != NULL);
	pop3resp_err(&e, ERR_AUTH, "POP3 PASS", NULL, 0);
	T_INTEQ(e.cls, ERR_AUTH);
}

static void lib_errors(void)
{
	struct err e = {0};
	pop3resp_lib_err(&e, MAILPOP3_ERROR_STREAM, "POP3 RETR 1", 2.0, 2);
	T_INTEQ(e.cls, ERR_TIMEOUT);
	pop3resp_lib_err(&e, MAILPOP3_ERROR_STREAM, "POP3 RETR 1", 0.01, 2);
	T_INTEQ(e.cls, ERR_NET);
	pop3resp_lib_err(&e, MAILPOP3_ERROR_CONNECTION_REFUSED, "connect", 0.01, 2);
	T_INTEQ(e.cls, ERR_NET);
	pop3resp_lib_err(&e, MAILPOP3_ERROR_SSL, "connect", 0.01, 2);
	T_INTEQ(e.cls, ERR_TLS);
}

#define GUESS(...) uidlstyle_guess((const char *const[]){__VA_ARGS__}, \
	sizeof (const char *const[]){__VA_ARGS__} / sizeof(const char *))

static void styles(void)
{
	T_STREQ(GUESS("1037000000.12345.mail.example.jp", "1037000001.12346.mail.example.jp,S=1234"), "qmail");
	T_STREQ(GUESS("0000000153e1c2a0", "0000000253e1c2a0"), "dovecot");
	T_STREQ(GUESS("3c9a5b2000000001", "3c9a5b2000000002"), "uw");
	T_STREQ(GUESS("0000000153e1c2a0"), "dovecot-or-uw");
	T_STREQ(GUESS("UID1-1037000000", "UID2-1037000000"), "courier");
	T_STREQ(GUESS("UID7"), "courier");
	T_STREQ(GUESS("1037000000.1", "1037000000.2"), "cyrus");
	T_STREQ(GUESS("17", "18"), "cyrus");
	T_STREQ(GUESS("UID1-1037000000", "17"), "unknown");
	T_STREQ(GUESS("whatever!"), "unknown");
	T_STREQ(uidlstyle_guess(NULL, 0), "unknown");
}

int main(void)
{
	T_RUN(apop_rfc1939_example);
	T_RUN(apop_no_timestamp);
	T_RUN(resp_codes);
	T_RUN(resp_classes);
	T_RUN(lib_errors);
	T_RUN(styles);
	return T_DONE();
}
