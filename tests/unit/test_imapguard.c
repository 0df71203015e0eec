/* test_imapguard: the scanner that refuses an IMAP server line libetpan's parser cannot take
 * safely (imapguard.h): a NUL byte outside a literal (the libetpan crash the fuzzer found,
 * fuzz/seeds/fuzz_imapsrc/permanentflags-nul.bin), a PERMANENTFLAGS list that does not start
 * with a flag (its second), a greeting whose response code carries a list (its third, from
 * fuzz_imapdst: any "* OK [PERMANENTFLAGS (...)]" greeting), a line without end, a literal of
 * 4 GiB;
 * literal payloads ({n}, {n+}, ~{n}) pass untouched, however the reads split them. Last,
 * through streameof on a real socket: the lines before a refused one still reach libetpan. */
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "migrate/net/imapguard.h"
#include "migrate/net/streameof.h"
#include "tests/unit/t.h"

/* Scan s in reads of `step` bytes; returns the total passed (stops at the first short one). */
static size_t scan_steps(struct imapguard *g, const char *s, size_t len, size_t step)
{
	size_t done = 0;
	while (done < len) {
		size_t n = len - done < step ? len - done : step;
		size_t ok = imapguard_scan(g, (const unsigned char *)s + done, n);
		done += ok;
		if (ok < n)
			break;
	}
	return done;
}

static void clean_lines_pass(void)
{
	static const char in[] = "* OK [CAPABILITY IMAP4rev1] ready\r\n* 3 EXISTS\r\nA1 OK done\r\n";
	for (size_t step = 1; step <= sizeof in; step++) {
		struct imapguard g;
		imapguard_init(&g, 0);
		T_INTEQ(scan_steps(&g, in, sizeof in - 1, step), sizeof in - 1);
		T_INTEQ(g.why, IMAPGUARD_OK);
	}
}

/* The fuzzer's line: everything before it passes, it does not, whatever the split. */
static void nul_outside_literal_refused(void)
{
	static const char in[] = "* FLAGS (\\Seen)\r\n* OK [PERMANENTFLAGS (\0* OK x\r\nA1 OK done\r\n";
	const size_t good = strlen("* FLAGS (\\Seen)\r\n");
	for (size_t step = 1; step <= sizeof in; step++) {
		struct imapguard g;
		imapguard_init(&g, 0);
		size_t passed = scan_steps(&g, in, sizeof in - 1, step);
		/* A read that starts inside the bad line passes nothing of it; an earlier read may
		 * have passed the line's start (libetpan never parses a line without its end). */
		T_CHECK(passed >= good && passed < good + strlen("* OK [PERMANENTFLAGS (") + 1);
		T_INTEQ(g.why, IMAPGUARD_NUL);
		T_STREQ(imapguard_reason(&g), "a NUL byte outside a literal");
		T_INTEQ(imapguard_scan(&g, (const unsigned char *)"A1 OK\r\n", 7), 0);
	}
	struct imapguard g;
	imapguard_init(&g, 0);
	T_INTEQ(imapguard_scan(&g, (const unsigned char *)in, sizeof in - 1), good);
	T_STREQ(g.line, "* OK [PERMANENTFLAGS (\\x00* OK x");
}

/* A message with NUL bytes in a literal (and literal8 with BINARY) passes, split anyhow;
 * the rest of the response after the payload is a line again. */
static void literal_payload_passes(void)
{
	static const char lit[] = "* 1 FETCH (UID 7 BODY[] {7}\r\na\0b\0\r\n\0 FLAGS (\\Seen))\r\n"
	                          "* 2 FETCH (BINARY[] ~{3}\r\n\0\0\0 UID 8)\r\n"
	                          "A2 APPEND {4+}\r\n\0\0\0\0\r\nA3 OK done\r\n";
	for (size_t step = 1; step <= sizeof lit; step++) {
		struct imapguard g;
		imapguard_init(&g, 0);
		T_INTEQ(scan_steps(&g, lit, sizeof lit - 1, step), sizeof lit - 1);
		T_INTEQ(g.why, IMAPGUARD_OK);
	}
	static const char after[] = "* 1 FETCH (BODY[] {2}\r\n\0\0 FLAGS (\0))\r\n";
	for (size_t step = 1; step <= sizeof after; step++) {
		struct imapguard g;
		imapguard_init(&g, 0);
		size_t passed = scan_steps(&g, after, sizeof after - 1, step);
		T_CHECK(passed <= strlen("* 1 FETCH (BODY[] {2}\r\n") + 2 + strlen(" FLAGS ("));
		T_CHECK(passed >= strlen("* 1 FETCH (BODY[] {2}\r\n") + 2 || step < sizeof after);
		T_INTEQ(g.why, IMAPGUARD_NUL);
	}
}

/* Only "{digits[+]}" CRLF at the very end of a line announces a literal. */
static void not_a_literal(void)
{
	static const char *cases[] = {
		"* OK {3} later\r\n\0\0\0\r\n", "* OK {}\r\n\0\r\n", "* OK {3x}\r\n\0\0\0\r\n",
		"* OK {+3}\r\n\0\0\0\r\n", "* OK {3}\n\0\0\0\r\n", "* OK {3}\r \n\0\0\0\r\n",
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct imapguard g;
		imapguard_init(&g, 0);
		/* The cases hold NULs: scan the first line and the two bytes after it. */
		const char *nl = strchr(cases[i], '\n');
		size_t first = (size_t)(nl - cases[i]) + 1;
		T_INTEQ(imapguard_scan(&g, (const unsigned char *)cases[i], first + 2), first);
		T_INTEQ(g.why, IMAPGUARD_NUL);
	}
}

static void line_without_end(void)
{
	struct imapguard g;
	imapguard_init(&g, 16);
	T_INTEQ(imapguard_scan(&g, (const unsigned char *)"A1 OK\r\n", 7), 7);
	T_INTEQ(imapguard_scan(&g, (const unsigned char *)"* 0123456789", 12), 12);
	T_INTEQ(imapguard_scan(&g, (const unsigned char *)"0123456789", 10), 0);
	T_INTEQ(g.why, IMAPGUARD_LONG);
	/* A literal's payload is not counted as line. */
	imapguard_init(&g, 16);
	T_INTEQ(imapguard_scan(&g, (const unsigned char *)"* X {40}\r\n", 10), 10);
	T_INTEQ(imapguard_scan(&g, (const unsigned char *)"0123456789012345678901234567890123456789)\r\n", 43), 43);
	T_INTEQ(g.why, IMAPGUARD_OK);
}

/* libetpan keeps a literal's size in 32 bits: 4 GiB would wrap there. */
static void huge_literal_refused(void)
{
	static const char *cases[] = {"* 1 FETCH (BODY[] {4294967296}\r\n",
	                              "* 1 FETCH (BODY[] {99999999999999999999999}\r\n"};
	for (size_t i = 0; i < 2; i++) {
		struct imapguard g;
		imapguard_init(&g, 0);
		T_INTEQ(imapguard_scan(&g, (const unsigned char *)"* OK\r\n", 6), 6);
		T_INTEQ(imapguard_scan(&g, (const unsigned char *)cases[i], strlen(cases[i])), 0);
		T_INTEQ(g.why, IMAPGUARD_HUGE_LITERAL);
	}
	struct imapguard g;
	imapguard_init(&g, 0);
	const char *max = "* 1 FETCH (BODY[] {4294967295}\r\n";
	T_INTEQ(imapguard_scan(&g, (const unsigned char *)max, strlen(max)), strlen(max));
	T_INTEQ(g.literal_left, 4294967295u);
}

/* The quote is capped and escaped (no raw control byte or backslash reaches a report). */
static void quote_is_safe(void)
{
	char in[400];
	memset(in, 'a', sizeof in);
	memcpy(in, "* OK \\\x01\x7f", 8);
	in[300] = '\0';
	struct imapguard g;
	imapguard_init(&g, 0);
	imapguard_scan(&g, (const unsigned char *)in, sizeof in);
	T_INTEQ(g.why, IMAPGUARD_NUL);
	T_CHECK(strncmp(g.line, "* OK \\x5C\\x01\\x7F", 17) == 0);
	T_INTEQ(g.line_kept, IMAPGUARD_LINE_KEEP);
	for (const char *p = g.line; *p; p++)
		T_CHECK((unsigned char)*p >= 0x20 && *p != 0x7f);
}

/* Each case in reads of every size from 1 byte to the whole, after `greeting` (a first
 * line, NULL = none): all of it passes when `why` is IMAPGUARD_OK, else it is refused for
 * `why`, with `reason` (NULL = not checked) in the words. */
static void scan_cases(const char *const *cases, size_t n, const char *greeting,
                       enum imapguard_why why, const char *reason)
{
	for (size_t i = 0; i < n; i++)
		for (size_t step = 1; step <= strlen(cases[i]); step++) {
			struct imapguard g;
			imapguard_init(&g, 0);
			if (greeting)
				T_INTEQ(imapguard_scan(&g, (const unsigned char *)greeting, strlen(greeting)),
				        strlen(greeting));
			size_t passed = scan_steps(&g, cases[i], strlen(cases[i]), step);
			if (why == IMAPGUARD_OK)
				T_INTEQ(passed, strlen(cases[i]));
			else
				T_CHECK(passed < strlen(cases[i]));
			T_INTEQ(g.why, why);
			if (reason)
				T_CHECK(strstr(imapguard_reason(&g), reason) != NULL);
		}
}

/* "[PERMANENTFLAGS (" must go on with a flag or ")": libetpan frees a NULL list otherwise
 * (the fuzzer's second crash, fuzz/seeds/fuzz_imapsrc/permanentflags-ctl.bin). */
static void permanentflags_list(void)
{
	static const char *const good[] = {
		"* OK [PERMANENTFLAGS ()] x\r\n", "* OK [PERMANENTFLAGS (\\Seen \\*)] x\r\n",
		"* OK [PERMANENTFLAGS (\\*)] x\r\n", "* OK [PERMANENTFLAGS ($Label1)] x\r\n",
		"* OK [PERMANENTFLAGS (\\Seen *)] x\r\n",      /* a later bad one: libetpan copes */
		"* OK PERMANENTFLAGS (*)\r\n", "* OK [[PERMANENTFLAGS (a)] x\r\n",
	};
	scan_cases(good, sizeof good / sizeof good[0], "* OK\r\n", IMAPGUARD_OK, NULL);
	static const char *const bad[] = {
		"* OK [PERMANENTFLAGS (*)] x\r\n", "* OK [PERMANENTFLAGS (\\)] x\r\n",
		"* OK [PERMANENTFLAGS (\x10*AL+] ready\r\n", "* OK [PERMANENTFLAGS (\r\n",
		"a1 OK [permanentflags ({)] done\r\n", "* OK [PERMANENTFLAGS (\\ )] x\r\n",
		"* NO [PERMANENTFLAGS ((\\Seen)] x\r\n",
	};
	scan_cases(bad, sizeof bad / sizeof bad[0], "* OK\r\n", IMAPGUARD_PERMANENTFLAGS, NULL);
	/* In a literal's payload the same bytes are only data. */
	static const char lit[] = "* 1 FETCH (BODY[] {22}\r\n[PERMANENTFLAGS (*)] )\r\n";
	struct imapguard g;
	imapguard_init(&g, 0);
	T_INTEQ(imapguard_scan(&g, (const unsigned char *)lit, strlen(lit)), strlen(lit));
	T_INTEQ(g.why, IMAPGUARD_OK);
}

/* The greeting may carry no response code with a list: libetpan's greeting parser crashes
 * on "[PERMANENTFLAGS (...)]" and "[BADCHARSET (...)]" however well formed. Parentheses in
 * the greeting's text, codes without a list, and the same codes after the greeting pass. */
static void greeting_list(void)
{
	static const char *const good[] = {
		"* OK Dovecot (Debian) ready.\r\n",
		"* OK [CAPABILITY IMAP4rev1 SASL-IR AUTH=PLAIN] Courier (tm) ready\r\n",
		"* PREAUTH [ALERT] hi (there)\r\n* OK [PERMANENTFLAGS (\\Seen)] x\r\n",
		"* OK hi\r\n* OK [BADCHARSET (UTF-8)] x\r\n",
	};
	scan_cases(good, sizeof good / sizeof good[0], NULL, IMAPGUARD_OK, NULL);
	static const char *const bad[] = {
		"* OK [PERMANENTFLAGS (\\Seen \\*)] x\r\n", "* OK [PERMANENTFLAGS ()] x\r\n",
		"* OK [BADCHARSET (x)] x\r\n", "* PREAUTH [PERMANENTFLAGS (\\Seen)] x\r\n",
		"* BYE [XFOO (a)] x\r\n",
	};
	scan_cases(bad, sizeof bad / sizeof bad[0], NULL, IMAPGUARD_GREETING_LIST, "greeting");
}

/* Through streameof on a socket, as imap_conn installs it: the good line before the bad one
 * is read, the bad one fails the read, and so does every read after. */
static void through_streameof(void)
{
	int sv[2];
	T_REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	static const char in[] = "A1 OK done\r\n* OK [PERMANENTFLAGS (\0)]\r\nA2 OK done\r\n";
	T_REQUIRE(write(sv[1], in, sizeof in - 1) == (ssize_t)(sizeof in - 1));
	mailstream *st = mailstream_socket_open(sv[0]);
	T_REQUIRE(st);
	struct imapguard guard;
	struct streameof eof = {0};
	imapguard_init(&guard, 0);
	eof.guard = &guard;
	streameof_install(&eof, st);
	MMAPString *buf = mmap_string_new("");
	char *line = mailstream_read_line(st, buf);
	T_STREQ(line, "A1 OK done\r\n");
	T_CHECK(mailstream_read_line(st, buf) == NULL);
	T_INTEQ(guard.why, IMAPGUARD_NUL);
	T_CHECK(mailstream_read_line(st, buf) == NULL);
	mmap_string_free(buf);
	mailstream_close(st);
	close(sv[1]);
}

int main(void)
{
	T_RUN(clean_lines_pass);
	T_RUN(nul_outside_literal_refused);
	T_RUN(literal_payload_passes);
	T_RUN(not_a_literal);
	T_RUN(line_without_end);
	T_RUN(huge_literal_refused);
	T_RUN(quote_is_safe);
	T_RUN(permanentflags_list);
	T_RUN(greeting_list);
	T_RUN(through_streameof);
	return T_DONE();
}
