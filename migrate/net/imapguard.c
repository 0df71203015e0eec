/* imapguard: see imapguard.h for why a line is refused before libetpan parses it. */
#include "migrate/net/imapguard.h"

#include <ctype.h>
#include <string.h>

void imapguard_init(struct imapguard *g, size_t line_max)
{
	memset(g, 0, sizeof *g);
	g->line_max = line_max ? line_max : IMAPGUARD_LINE_MAX;
	g->greeting = true;
}

/* Keep the line's first bytes for the error; bytes a person or a JSON report should not
 * get raw (controls, DEL, backslash) as \xHH. Bytes >= 0x80 stay: err_server keeps valid
 * UTF-8 and replaces the rest. Runs for the first bytes of every line the server sends, so
 * it writes the characters itself (no snprintf, no strlen). */
static void imapguard_keep(struct imapguard *g, unsigned char c)
{
	static const char hex[] = "0123456789ABCDEF";
	if (g->line_kept >= IMAPGUARD_LINE_KEEP)
		return;
	char *p = g->line + g->line_used;
	if (c < 0x20 || c == 0x7f || c == '\\') {
		p[0] = '\\';
		p[1] = 'x';
		p[2] = hex[c >> 4];
		p[3] = hex[c & 15];
		g->line_used += 4;
	} else {
		p[0] = (char)c;
		g->line_used++;
	}
	g->line[g->line_used] = '\0';
	g->line_kept++;
}

/* Follow the end of the line: is it "{" digits ["+"] "}" [CR] so far? */
static void imapguard_track_literal(struct imapguard *g, unsigned char c)
{
	if (c == '{') {
		g->lit_state = 1;
		g->lit_n = 0;
		g->lit_overflow = false;
	} else if (c >= '0' && c <= '9' && (g->lit_state == 1 || g->lit_state == 2)) {
		if (g->lit_n > (UINT64_MAX - 9) / 10)
			g->lit_overflow = true;
		else
			g->lit_n = g->lit_n * 10 + (uint64_t)(c - '0');
		g->lit_state = 2;
	} else if (c == '+' && g->lit_state == 2) {
		g->lit_state = 3;
	} else if (c == '}' && (g->lit_state == 2 || g->lit_state == 3)) {
		g->lit_state = 4;
	} else if (c == '\r' && g->lit_state == 4) {
		g->lit_state = 5;
	} else {
		g->lit_state = 0;
	}
}

/* RFC 3501 ATOM-CHAR: printable ASCII but the atom-specials. */
static bool imapguard_atom_char(unsigned char c)
{
	return c > 0x20 && c < 0x7f && !strchr("(){%*\"\\]", c);
}

/* libetpan 1.9.4 parses "[PERMANENTFLAGS (" then a list of flags; when the first one is
 * neither a flag nor ")", its error path frees the list it never made (NULL dereference in
 * clist_foreach). So what follows "(" must be ")", an atom, or "\" then "*" or an atom
 * (a flag-perm, RFC 3501), stricter than libetpan needs. pf_state counts the pattern's
 * bytes matched (case-insensitive, as libetpan's tokens); at its length the next byte is
 * checked, one more after a backslash. Returns false to refuse. */
static bool imapguard_permflags(struct imapguard *g, unsigned char c)
{
	static const char pat[] = "[PERMANENTFLAGS (";
	const int len = (int)sizeof pat - 1;
	if (g->pf_state == len) {
		g->pf_state = 0;
		if (c == '\\') {
			g->pf_state = len + 1;
			return true;
		}
		return c == ')' || imapguard_atom_char(c);
	}
	if (g->pf_state == len + 1) {
		g->pf_state = 0;
		return c == '*' || imapguard_atom_char(c);
	}
	if (toupper(c) == (unsigned char)pat[g->pf_state])
		g->pf_state++;
	else
		g->pf_state = c == '[' ? 1 : 0;
	return true;
}

/* The greeting's response codes: "(" inside "[" ... "]" is refused (imapguard.h). */
static bool imapguard_greeting(struct imapguard *g, unsigned char c)
{
	if (!g->greeting)
		return true;
	if (c == '[')
		g->in_code = true;
	else if (c == ']')
		g->in_code = false;
	return !(c == '(' && g->in_code);
}

static void imapguard_new_line(struct imapguard *g)
{
	g->line_len = 0;
	g->line_kept = 0;
	g->line_used = 0;
	g->line[0] = '\0';
	g->lit_state = 0;
	g->pf_state = 0;
}

size_t imapguard_scan(struct imapguard *g, const unsigned char *buf, size_t n)
{
	if (g->why != IMAPGUARD_OK)
		return 0;
	size_t line_start = 0;   /* where the current line starts in buf (0: before buf) */
	size_t i = 0;
	while (i < n) {
		if (g->literal_left > 0) {
			/* Payload: anything goes, libetpan keeps it by length. */
			uint64_t take = n - i < g->literal_left ? n - i : g->literal_left;
			i += (size_t)take;
			g->literal_left -= take;
			if (g->literal_left == 0) {
				imapguard_new_line(g);   /* the rest of the same response */
				line_start = i;
			}
			continue;
		}
		unsigned char c = buf[i];
		imapguard_keep(g, c);
		g->line_len++;
		bool flags_ok = imapguard_permflags(g, c);
		bool greeting_ok = imapguard_greeting(g, c);
		if (c == '\0' || g->line_len > g->line_max || !flags_ok || !greeting_ok) {
			/* The rest of the line, up to what this read holds, for the quote. */
			for (size_t j = i + 1; j < n && buf[j] != '\n' &&
			                       !(buf[j] == '\r' && j + 1 < n && buf[j + 1] == '\n'); j++)
				imapguard_keep(g, buf[j]);
			g->why = c == '\0' ? IMAPGUARD_NUL : !flags_ok ? IMAPGUARD_PERMANENTFLAGS
			         : !greeting_ok ? IMAPGUARD_GREETING_LIST : IMAPGUARD_LONG;
			return line_start;
		}
		i++;
		if (c == '\n') {
			/* libetpan's line reader ends a line at LF, with or without CR; the literal
			 * parser then wants CRLF after "}" (a bare LF there is its parse error). */
			bool literal = g->lit_state == 5;
			uint64_t size = g->lit_n;
			if (literal && (g->lit_overflow || size > UINT32_MAX)) {
				/* libetpan reads the size into 32 bits: it would take a wrapped size
				 * where this scanner takes the real one, and the two would part. */
				g->why = IMAPGUARD_HUGE_LITERAL;
				return line_start;
			}
			imapguard_new_line(g);
			g->greeting = false;
			line_start = i;
			if (literal)
				g->literal_left = size;
			continue;
		}
		imapguard_track_literal(g, c);
	}
	return n;
}

const char *imapguard_reason(const struct imapguard *g)
{
	switch (g->why) {
	case IMAPGUARD_NUL:
		return "a NUL byte outside a literal";
	case IMAPGUARD_LONG:
		return "a line without end";
	case IMAPGUARD_HUGE_LITERAL:
		return "a literal of 4 GiB or more";
	case IMAPGUARD_PERMANENTFLAGS:
		return "a malformed PERMANENTFLAGS list";
	case IMAPGUARD_GREETING_LIST:
		return "a greeting whose response code carries a list (libetpan cannot parse it safely)";
	case IMAPGUARD_OK:
		break;
	}
	return "";
}
