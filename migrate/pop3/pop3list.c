/* pop3list: see pop3list.h for why the project parses these replies itself. */
#include "migrate/pop3/pop3list.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The server's line into e->server, every byte outside printable ASCII as \xHH (these
 * replies are ASCII by RFC 1939; anything else would reach the JSON report and the
 * terminal raw), capped to what fits. */
static void pop3list_quote(struct err *e, const char *line)
{
	char buf[ERR_SERVER_MAX];
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)line; *p && n + 5 < sizeof buf; p++) {
		if (*p >= 0x20 && *p < 0x7f && *p != '\\')
			buf[n++] = (char)*p;
		else
			n += (size_t)snprintf(buf + n, sizeof buf - n, "\\x%02X", *p);
	}
	buf[n] = '\0';
	err_server(e, buf);
}

/* A protocol error quoting the server's line. */
static int pop3list_bad(struct err *e, const char *what, const char *line)
{
	err_set(e, ERR_PROTOCOL, "POP3 %s: the server's reply is malformed", what);
	pop3list_quote(e, line);
	return -1;
}

/* A decimal number of at most `max`, then *end at the first byte after it. */
static int pop3list_num(const char *p, uint64_t max, uint64_t *out, const char **end)
{
	uint64_t v = 0;
	const char *q = p;
	while (*q >= '0' && *q <= '9') {
		v = v * 10 + (uint64_t)(*q - '0');
		if (v > max)
			return -1;
		q++;
	}
	if (q == p)
		return -1;
	*out = v;
	*end = q;
	return 0;
}

static const char *pop3list_blanks(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* "N REST": N in 1..max, at least one blank, then REST (trailing blanks allowed by the
 * caller). Returns REST or NULL. */
static const char *pop3list_seq(const char *line, uint64_t max, uint64_t *seq)
{
	const char *p;
	if (strlen(line) >= POP3LIST_LINE_MAX || pop3list_num(line, max, seq, &p) < 0 || *seq == 0)
		return NULL;
	if (*p != ' ' && *p != '\t')
		return NULL;
	return pop3list_blanks(p);
}

int pop3list_add(struct pop3list *l, const char *line, struct err *e)
{
	uint64_t seq, size;
	const char *p = pop3list_seq(line, POP3LIST_COUNT_MAX, &seq);
	if (!p || pop3list_num(p, POP3LIST_SIZE_MAX, &size, &p) < 0 || *pop3list_blanks(p) != '\0')
		return pop3list_bad(e, "LIST", line);
	if (seq != l->n + 1) {
		err_set(e, ERR_PROTOCOL, "POP3 LIST: message %llu where %zu was due (%s)", (unsigned long long)seq,
		        l->n + 1, seq <= l->n ? "a number given twice" : "a gap in the numbering");
		pop3list_quote(e, line);
		return -1;
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		struct pop3list_entry *v = realloc(l->v, cap * sizeof *v);
		if (!v)
			return err_set(e, ERR_NOMEM, "POP3 LIST: out of memory");
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = (struct pop3list_entry){ .seq = (uint32_t)seq, .size = size };
	return 0;
}

static bool pop3list_uidl_ok(const char *u, size_t n)
{
	if (n == 0 || n > POP3LIST_UIDL_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)u[i] < 0x21 || (unsigned char)u[i] > 0x7e)
			return false;
	return true;
}

int pop3list_uidl(struct pop3list *l, const char *line, struct err *e)
{
	uint64_t seq;
	const char *u = pop3list_seq(line, POP3LIST_COUNT_MAX, &seq);
	if (!u)
		return pop3list_bad(e, "UIDL", line);
	size_t n = strlen(u);
	while (n > 0 && (u[n - 1] == ' ' || u[n - 1] == '\t'))
		n--;
	if (!pop3list_uidl_ok(u, n)) {
		err_set(e, ERR_PROTOCOL, "POP3 UIDL: message %llu has a UIDL that is not 1-%u printable ASCII "
		        "characters (RFC 1939)", (unsigned long long)seq, POP3LIST_UIDL_MAX);
		pop3list_quote(e, line);
		return -1;
	}
	if (seq > l->n || l->v[seq - 1].uidl) {
		err_set(e, ERR_PROTOCOL, "POP3 UIDL: message %llu %s", (unsigned long long)seq,
		        seq > l->n ? "is not in the LIST reply" : "is given twice");
		pop3list_quote(e, line);
		return -1;
	}
	if (!(l->v[seq - 1].uidl = strndup(u, n)))
		return err_set(e, ERR_NOMEM, "POP3 UIDL: out of memory");
	l->uidls++;
	return 0;
}

int pop3list_stat(const char *text, uint32_t *count, uint64_t *size, struct err *e)
{
	uint64_t c, s;
	const char *p = pop3list_blanks(text);
	if (strlen(text) >= POP3LIST_LINE_MAX || pop3list_num(p, POP3LIST_COUNT_MAX, &c, &p) < 0 ||
	    (*p != ' ' && *p != '\t') || pop3list_num(pop3list_blanks(p), UINT64_MAX / 10, &s, &p) < 0)
		return pop3list_bad(e, "STAT", text);
	*count = (uint32_t)c;
	*size = s;
	return 0;
}

int pop3list_check_stat(const struct pop3list *l, uint32_t count, uint64_t size, struct err *e)
{
	uint64_t sum = 0;
	for (size_t i = 0; i < l->n; i++)
		sum += l->v[i].size;
	if (count == l->n && size == sum)
		return 0;
	return err_set(e, ERR_PROTOCOL, "POP3: STAT says %u messages of %llu bytes, LIST %zu of %llu", count,
	               (unsigned long long)size, l->n, (unsigned long long)sum);
}

void pop3list_free(struct pop3list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].uidl);
	free(l->v);
	*l = (struct pop3list){0};
}
