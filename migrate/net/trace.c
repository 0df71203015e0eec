/* trace: turn a connection's byte streams into redacted trace lines. */
#include "migrate/net/trace.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libetpan/libetpan.h>

#include "base/log.h"

void trace_init(struct trace *t, enum trace_proto proto, const char *label, const char *user,
                const char *host, int port)
{
	memset(t, 0, sizeof *t);
	t->on = log_wants(LOG_LV_DEBUG);
	t->proto = proto;
	snprintf(t->who, sizeof t->who, "%s %s %s@%s:%d", label ? label : "?",
	         proto == TRACE_IMAP ? "imap" : "pop3", user ? user : "?", host ? host : "?", port);
}

static void trace_emit(struct trace *t, const char *arrow, const char *text)
{
	if (t->emit) {
		char line[TRACE_LINE_MAX + 8];
		snprintf(line, sizeof line, "%s %s", arrow, text);
		t->emit(t->emit_ctx, t->who, line);
	} else {
		log_write(LOG_LV_DEBUG, t->who, "%s %s", arrow, text);
	}
}

/* The n-th word of a line (0-based) into w; false when there is none. */
static bool trace_word(const char *line, int n, char *w, size_t cap, const char **after)
{
	const char *p = line;
	for (int i = 0; i <= n; i++) {
		while (*p == ' ')
			p++;
		if (!*p)
			return false;
		const char *s = p;
		while (*p && *p != ' ')
			p++;
		if (i == n) {
			size_t len = (size_t)(p - s) < cap - 1 ? (size_t)(p - s) : cap - 1;
			memcpy(w, s, len);
			w[len] = 0;
			if (after)
				*after = p;
		}
	}
	return true;
}

static bool trace_is_login(const char *verb)
{
	static const char *const v[] = { "LOGIN", "AUTHENTICATE", "AUTH", "PASS", "APOP" };
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		if (strcasecmp(verb, v[i]) == 0)
			return true;
	return false;
}

/* "{123}" or "{123+}" at the end of a line: the literal's size, else 0. */
static uint64_t trace_literal(const char *line, size_t len)
{
	if (len < 3 || line[len - 1] != '}')
		return 0;
	size_t i = len - 1;
	if (i > 0 && line[i - 1] == '+')
		i--;
	size_t end = i;
	while (i > 0 && isdigit((unsigned char)line[i - 1]))
		i--;
	if (i == end || i == 0 || line[i - 1] != '{')
		return 0;
	return strtoull(line + i, NULL, 10);
}

/* POP3 commands whose +OK is followed by lines ending with ".": LIST and UIDL without
 * argument, RETR, TOP, CAPA. */
static bool trace_pop3_multiline(const char *line)
{
	char verb[16], arg[16];
	if (!trace_word(line, 0, verb, sizeof verb, NULL))
		return false;
	bool has_arg = trace_word(line, 1, arg, sizeof arg, NULL);
	if (strcasecmp(verb, "LIST") == 0 || strcasecmp(verb, "UIDL") == 0)
		return !has_arg;
	return strcasecmp(verb, "RETR") == 0 || strcasecmp(verb, "TOP") == 0 ||
	       strcasecmp(verb, "CAPA") == 0;
}

static void trace_sent_line(struct trace *t, const char *line)
{
	char verb[32], shown[TRACE_LINE_MAX + 1];
	const char *after = NULL;
	int vi = t->proto == TRACE_IMAP ? 1 : 0;   /* IMAP: after the tag */
	bool was_secret = t->secret;
	if (trace_word(line, vi, verb, sizeof verb, &after) && trace_is_login(verb)) {
		t->secret = true;
		snprintf(shown, sizeof shown, "%.*s [redacted]", (int)(after - line), line);
		trace_emit(t, ">", shown);
	} else {
		trace_emit(t, ">", t->secret ? "[redacted]" : line);
	}
	if (was_secret)
		return;       /* a continuation of the exchange: no reply of its own (POP3) */
	if (t->proto == TRACE_POP3) {
		if (t->n_pending == TRACE_PENDING_MAX) {
			t->lost = true;
			return;
		}
		t->pending[(t->head + t->n_pending++) % TRACE_PENDING_MAX] = trace_pop3_multiline(line);
	}
}

static void trace_pop3_reply(struct trace *t, const char *line)
{
	if (t->in_body) {
		if (strcmp(line, ".") == 0)
			t->in_body = false;
		return;
	}
	if (line[0] == '+' && (line[1] == ' ' || line[1] == 0)) {   /* SASL continuation */
		trace_emit(t, "<", t->secret ? "+ [redacted]" : line);
		return;
	}
	bool ok = strncmp(line, "+OK", 3) == 0, bad = strncmp(line, "-ERR", 4) == 0;
	if (!ok && !bad)
		return;
	trace_emit(t, "<", line);
	t->secret = false;
	if (t->n_pending) {                         /* the greeting has no command */
		bool multi = t->pending[t->head];
		t->head = (t->head + 1) % TRACE_PENDING_MAX;
		t->n_pending--;
		t->in_body = ok && multi;
	}
}

static void trace_imap_reply(struct trace *t, const char *line)
{
	char w0[64], w1[16];
	if (line[0] == '+') {
		trace_emit(t, "<", t->secret ? "+ [redacted]" : line);
		return;
	}
	if (!trace_word(line, 0, w0, sizeof w0, NULL) || !trace_word(line, 1, w1, sizeof w1, NULL))
		return;
	bool status = strcasecmp(w1, "OK") == 0 || strcasecmp(w1, "NO") == 0 ||
	              strcasecmp(w1, "BAD") == 0 || strcasecmp(w1, "BYE") == 0 ||
	              strcasecmp(w1, "PREAUTH") == 0;
	if (!status)
		return;
	trace_emit(t, "<", line);
	if (strcmp(w0, "*") != 0)                   /* tagged: the exchange is over */
		t->secret = false;
}

/* One complete line of a direction (CR/LF removed). */
static void trace_line(struct trace *t, enum trace_dir dir, struct trace_side *s)
{
	char *line = s->line;
	if (s->len && line[s->len - 1] == '\r')
		line[--s->len] = 0;
	/* A literal follows when the line ends in {N}: its bytes are data, never traced. */
	if (t->proto == TRACE_IMAP)
		s->skip = s->overflow ? trace_literal(s->tail, strlen(s->tail))
		                      : trace_literal(line, s->len);
	if (t->lost && dir == TRACE_RECEIVED)
		return;
	if (dir != TRACE_RECEIVED)
		trace_sent_line(t, line);
	else if (t->proto == TRACE_POP3)
		trace_pop3_reply(t, line);
	else
		trace_imap_reply(t, line);
}

/* A whole private command: its tag and verb when the verb is one of ours (a word we
 * wrote, never the secret after it), else nothing but "[redacted]". */
static void trace_private(struct trace *t, const char *buf, size_t n)
{
	char head[80], tag[32] = "", verb[32], shown[80];
	size_t k = n < sizeof head - 1 ? n : sizeof head - 1;
	memcpy(head, buf, k);
	head[k] = 0;
	head[strcspn(head, "\r\n")] = 0;
	bool imap = t->proto == TRACE_IMAP;
	if ((!imap || trace_word(head, 0, tag, sizeof tag, NULL)) &&
	    trace_word(head, imap ? 1 : 0, verb, sizeof verb, NULL) &&
	    (trace_is_login(verb) || strcasecmp(verb, "USER") == 0)) {
		snprintf(shown, sizeof shown, "%s%s%s [redacted]", tag, imap ? " " : "", verb);
		trace_emit(t, ">", shown);
	} else {
		trace_emit(t, ">", "[redacted]");
	}
}

static void trace_bytes(struct trace *t, enum trace_dir dir, struct trace_side *s, const char *buf,
                        size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s->skip) {
			size_t k = n - i < s->skip ? n - i : (size_t)s->skip;
			s->skip -= k;
			i += k - 1;
			continue;
		}
		char c = buf[i];
		if (c == '\n') {
			s->line[s->len] = 0;
			trace_line(t, dir, s);
			s->len = 0;
			s->overflow = false;
			s->tail[0] = 0;
			continue;
		}
		if (s->len < TRACE_LINE_MAX) {
			s->line[s->len++] = c;
			continue;
		}
		s->overflow = true;
		size_t tl = strlen(s->tail);
		if (tl == sizeof s->tail - 1)
			memmove(s->tail, s->tail + 1, tl--);
		s->tail[tl] = c == '\r' ? 0 : c;
		s->tail[tl + 1] = 0;
	}
}

void trace_io(struct trace *t, enum trace_dir dir, const char *buf, size_t n)
{
	if (!t->on || !buf)
		return;
	if (dir == TRACE_SENT_PRIVATE) {
		/* A whole private write (libetpan's privacy flag: a password, a SASL response):
		 * a new command when no exchange is under way (POP3's reply still counts). */
		if (!t->secret && t->proto == TRACE_POP3 && t->n_pending < TRACE_PENDING_MAX)
			t->pending[(t->head + t->n_pending++) % TRACE_PENDING_MAX] = false;
		if (!t->secret && t->out.len == 0)
			trace_private(t, buf, n);
		t->secret = true;
		return;
	}
	trace_bytes(t, dir, dir == TRACE_RECEIVED ? &t->in : &t->out, buf, n);
}

void trace_etpan(struct trace *t, int log_type, const char *buf, size_t n)
{
	if (log_type == MAILSTREAM_LOG_TYPE_DATA_RECEIVED)
		trace_io(t, TRACE_RECEIVED, buf, n);
	else if (log_type == MAILSTREAM_LOG_TYPE_DATA_SENT)
		trace_io(t, TRACE_SENT, buf, n);
	else if (log_type == MAILSTREAM_LOG_TYPE_DATA_SENT_PRIVATE)
		trace_io(t, TRACE_SENT_PRIVATE, buf, n);
}
