/* imapguard: refuse an IMAP server line that libetpan's response parser cannot take safely,
 * before libetpan sees it.
 *
 * libetpan 1.9.4 parses a response line with C string functions: a NUL byte cuts the line
 * short where its parser does not expect it, and on one such line (an untagged
 * "* OK [PERMANENTFLAGS (" carrying a NUL, read during AUTHENTICATE) it dereferences NULL
 * (clist_foreach from mailimap_response_parse; fuzz/seeds/fuzz_imapsrc/). RFC 3501 allows
 * no NUL on a line (CHAR8 is %x01-ff even in a literal); only literal payloads may carry one
 * in practice (a stored message, literal8 with BINARY), and libetpan keeps those by length.
 *
 * So the guard reads what the server sends, byte by byte, as libetpan will: lines, and after
 * a line that ends with a literal announcement ("{n}", "{n+}", "~{n}" before CRLF) n bytes
 * of payload that pass untouched, then the rest of the same response. A line outside a
 * literal with a NUL byte, or longer than line_max (a server that never ends its line would
 * grow libetpan's buffer without bound), is refused: the bytes before it still go up (the
 * replies they complete stay valid), then the stream fails. imap_conn reports that as the
 * customer's protocol error, with the line's start quoted (guard.line). A literal announced
 * at 4 GiB or more is refused too: libetpan keeps its size in 32 bits and would read a
 * wrapped one, and the guard and the parser would no longer agree on where lines are.
 * And one syntax check: a "[PERMANENTFLAGS (" whose list does not start with a flag or ")"
 * (e.g. "(*)", "(\\)", "(" at line end) makes the same libetpan error path free a NULL
 * list (found by the fuzzer after the NUL guard, fuzz/seeds/fuzz_imapsrc/).
 * And in the greeting (the first line after imapguard_init) no response code may carry a
 * parenthesised list: libetpan's greeting parser dereferences NULL on any
 * "* OK [PERMANENTFLAGS (...)]" or "[BADCHARSET (...)]", however well formed (fuzz_imapdst;
 * the same codes later in a session parse fine) — one odd greeting would end the whole run.
 *
 * This file only scans; streameof.c calls it from the low-level read (streameof.h). */
#ifndef CUTOVER_IMAPGUARD_H
#define CUTOVER_IMAPGUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What is kept of a refused line for the error (escaped, see imapguard_scan). */
#define IMAPGUARD_LINE_KEEP 120
/* A server line (outside literals) longer than this is refused. Generous: the longest
 * honest line is an untagged SEARCH listing every UID of a large folder. */
#define IMAPGUARD_LINE_MAX ((size_t)64 << 20)

enum imapguard_why { IMAPGUARD_OK, IMAPGUARD_NUL, IMAPGUARD_LONG, IMAPGUARD_HUGE_LITERAL,
                     IMAPGUARD_PERMANENTFLAGS, IMAPGUARD_GREETING_LIST };

struct imapguard {
	size_t line_max;          /* refuse a line longer than this (0 = IMAPGUARD_LINE_MAX) */
	uint64_t literal_left;    /* payload bytes still to pass untouched */
	size_t line_len;          /* bytes of the current line so far (outside literals) */
	/* The end of the current line, to recognise a literal announcement at CRLF:
	 * "{" digits ["+"] "}" CR. lit_state: 0 = nothing, 1 = after "{", 2 = digits,
	 * 3 = after "+", 4 = after "}", 5 = after "}" CR. */
	int lit_state;
	uint64_t lit_n;
	bool lit_overflow;        /* more digits than a uint64 holds */
	int pf_state;             /* "[PERMANENTFLAGS (" matched so far; see imapguard.c */
	bool greeting;            /* the current line is the first since init: the greeting */
	bool in_code;             /* on the greeting line, inside "[" ... "]" */
	char line[IMAPGUARD_LINE_KEEP * 4 + 1];   /* the current line's start, escaped */
	size_t line_kept;         /* raw bytes of the line represented in line[] */
	size_t line_used;         /* bytes of line[] used (its strlen) */
	enum imapguard_why why;   /* != OK: refused; every later scan refuses at once */
};

/* A fresh scanner at the start of a line (also after STARTTLS). */
void imapguard_init(struct imapguard *g, size_t line_max);

/* Scan n bytes the server sent next. Returns how many of them may go up to libetpan: n,
 * or fewer when a refused line starts in them (its bytes are never passed; g->why says
 * why, g->line holds its start with control bytes and backslash escaped as \xHH).
 * Once refused, returns 0 for every later call. */
size_t imapguard_scan(struct imapguard *g, const unsigned char *buf, size_t n);

/* The refusal in words ("a NUL byte outside a literal"), "" when not refused. */
const char *imapguard_reason(const struct imapguard *g);

#endif
