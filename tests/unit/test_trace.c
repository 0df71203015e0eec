/* test_trace: the -v protocol trace shows commands and status lines, and never a
 * credential, a SASL payload or mail (literals, POP3 bodies). */
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "migrate/net/trace.h"
#include "t.h"

static char t_out[8192];

static void t_emit(void *ctx, const char *who, const char *line)
{
	(void)ctx; (void)who;
	strncat(t_out, line, sizeof t_out - strlen(t_out) - 2);
	strcat(t_out, "\n");
}

static void t_start(struct trace *t, enum trace_proto proto)
{
	trace_init(t, proto, "source", "taro", "127.0.0.1", 110);
	t->on = true;
	t->emit = t_emit;
	t_out[0] = 0;
}

static void t_io(struct trace *t, enum trace_dir d, const char *s)
{
	trace_io(t, d, s, strlen(s));
}

static void t_pop3(void)
{
	struct trace t;
	t_start(&t, TRACE_POP3);
	t_io(&t, TRACE_RECEIVED, "+OK ready\r\n");
	t_io(&t, TRACE_SENT, "USER taro\r\n");
	t_io(&t, TRACE_RECEIVED, "+OK\r\n");
	t_io(&t, TRACE_SENT, "PASS s3cretpw\r\n");
	t_io(&t, TRACE_RECEIVED, "+OK logged in\r\n");
	/* pipelined: the body holds a line that looks like a status line */
	t_io(&t, TRACE_SENT, "TOP 1 0\r\nTOP 2 0\r\n");
	t_io(&t, TRACE_RECEIVED, "+OK\r\nSubject: mailsecret\r\n+OK fake\r\n.\r\n+OK\r\nX: y\r\n.\r\n");
	t_io(&t, TRACE_SENT, "APOP taro 0123456789abcdef0123456789abcdef\r\n");
	t_io(&t, TRACE_RECEIVED, "-ERR no\r\n");
	/* SASL: the client's response goes as a private write (pop3auth), the challenge not */
	t_io(&t, TRACE_SENT, "AUTH PLAIN\r\n");
	t_io(&t, TRACE_RECEIVED, "+ \r\n");
	t_io(&t, TRACE_SENT, "dGFybwB0YXJvAHMzY3JldHB3\r\n");
	t_io(&t, TRACE_RECEIVED, "+OK\r\n");
	/* pop3auth sends whole commands as private writes: the verb shows, nothing after it */
	t_io(&t, TRACE_SENT_PRIVATE, "PASS pr1vatepw\r\n");
	t_io(&t, TRACE_RECEIVED, "+OK\r\n");
	t_io(&t, TRACE_SENT_PRIVATE, "QUJDREVG\r\n");
	t_io(&t, TRACE_RECEIVED, "-ERR\r\n");
	T_CHECK(strstr(t_out, "pr1vatepw") == NULL);
	T_CHECK(strstr(t_out, "QUJDREVG") == NULL);
	T_CHECK(strstr(t_out, "s3cretpw") == NULL);
	T_CHECK(strstr(t_out, "dGFyb") == NULL);
	T_CHECK(strstr(t_out, "0123456789abcdef") == NULL);
	T_CHECK(strstr(t_out, "mailsecret") == NULL);
	T_CHECK(strstr(t_out, "fake") == NULL);
	T_CHECK(strstr(t_out, "> PASS [redacted]\n") != NULL);
	T_CHECK(strstr(t_out, "> APOP [redacted]\n") != NULL);
	T_CHECK(strstr(t_out, "> USER taro\n") != NULL);
	T_CHECK(strstr(t_out, "> TOP 2 0\n") != NULL);
	T_CHECK(strstr(t_out, "< +OK logged in\n") != NULL);
	T_CHECK(strstr(t_out, "< -ERR no\n") != NULL);
	if (t_case_failed)
		printf("# %s", t_out);
}

static void t_imap(void)
{
	struct trace t;
	t_start(&t, TRACE_IMAP);
	t_io(&t, TRACE_RECEIVED, "* OK IMAP ready\r\n");
	/* libetpan sends the password as a private write in the middle of the line */
	t_io(&t, TRACE_SENT, "1 LOGIN taro ");
	t_io(&t, TRACE_SENT_PRIVATE, "s3cretpw");
	t_io(&t, TRACE_SENT, "\r\n");
	t_io(&t, TRACE_RECEIVED, "1 OK done\r\n");
	/* a password as a literal, split over writes */
	t_io(&t, TRACE_SENT, "2 LOGIN {4}\r\n");
	t_io(&t, TRACE_RECEIVED, "+ go\r\n");
	t_io(&t, TRACE_SENT, "taro {8}\r\n");
	t_io(&t, TRACE_SENT, "s3cretpw\r\n");
	t_io(&t, TRACE_RECEIVED, "2 OK\r\n");
	t_io(&t, TRACE_SENT, "3 AUTHENTICATE PLAIN dGFybwB0YXJvAHMzY3JldHB3\r\n");
	t_io(&t, TRACE_RECEIVED, "3 OK\r\n");
	/* libetpan's AUTHENTICATE: private, the SASL response after a "+" */
	t_io(&t, TRACE_SENT_PRIVATE, "6 AUTHENTICATE PLAIN\r\n");
	t_io(&t, TRACE_RECEIVED, "+ \r\n");
	t_io(&t, TRACE_SENT_PRIVATE, "dGFybwB0YXJvAHMzY3JldHB3\r\n");
	t_io(&t, TRACE_RECEIVED, "3 OK\r\n");
	/* an APPEND literal and a FETCH body are mail, not protocol */
	t_io(&t, TRACE_SENT, "4 APPEND INBOX {20}\r\n");
	t_io(&t, TRACE_RECEIVED, "+ Ready\r\n");
	t_io(&t, TRACE_SENT, "Subject: mailsecret\r\n");
	t_io(&t, TRACE_SENT, "\r\n");
	t_io(&t, TRACE_RECEIVED, "4 OK [APPENDUID 1 1] done\r\n");
	t_io(&t, TRACE_RECEIVED, "* 1 FETCH (BODY[] {24}\r\n5 OK mailsecret body\r\n)\r\n5 OK fetched\r\n");
	T_CHECK(strstr(t_out, "s3cretpw") == NULL);
	T_CHECK(strstr(t_out, "dGFyb") == NULL);
	T_CHECK(strstr(t_out, "mailsecret") == NULL);
	T_CHECK(strstr(t_out, "> 1 LOGIN [redacted]\n") != NULL);
	T_CHECK(strstr(t_out, "> 3 AUTHENTICATE [redacted]\n") != NULL);
	T_CHECK(strstr(t_out, "> 6 AUTHENTICATE [redacted]\n") != NULL);
	T_CHECK(strstr(t_out, "> 4 APPEND INBOX {20}\n") != NULL);
	T_CHECK(strstr(t_out, "< 4 OK [APPENDUID 1 1] done\n") != NULL);
	T_CHECK(strstr(t_out, "< 5 OK fetched\n") != NULL);
	T_CHECK(strstr(t_out, "< * OK IMAP ready\n") != NULL);
	if (t_case_failed)
		printf("# %s", t_out);
}

/* Off (no -v): nothing is looked at. */
static void t_off(void)
{
	struct trace t;
	t_start(&t, TRACE_IMAP);
	t.on = false;
	t_io(&t, TRACE_SENT, "1 NOOP\r\n");
	T_STREQ(t_out, "");
}

/* The log's clock: the plan's offset, ISO 8601. */
static void t_stamp(void)
{
	char b[40];
	T_STREQ(log_stamp(1204304400, 9 * 3600, b, sizeof b), "2008-03-01T02:00:00+09:00");
	T_STREQ(log_stamp(1204304400, -(3 * 3600 + 1800), b, sizeof b), "2008-02-29T13:30:00-03:30");
	T_INTEQ(log_level_parse("warn"), LOG_LV_WARN);
	T_INTEQ(log_level_parse("loud"), -1);
}

int main(void)
{
	T_RUN(t_pop3);
	T_RUN(t_imap);
	T_RUN(t_off);
	T_RUN(t_stamp);
	return T_DONE();
}
