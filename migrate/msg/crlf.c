/* crlf: see crlf.h. memchr is vectorised in libc; the checks run once per line, not per byte. */
#include "migrate/msg/crlf.h"

#include <string.h>

size_t crlf_next_bare_lf(const char *d, size_t len, size_t from)
{
	while (from < len) {
		const char *p = memchr(d + from, '\n', len - from);
		if (!p)
			return len;
		size_t i = (size_t)(p - d);
		if (i == 0 || d[i - 1] != '\r')
			return i;
		from = i + 1;
	}
	return len;
}

static size_t crlf_next_bare_cr(const char *d, size_t len, size_t from)
{
	while (from < len) {
		const char *p = memchr(d + from, '\r', len - from);
		if (!p)
			return len;
		size_t i = (size_t)(p - d);
		if (i + 1 == len || d[i + 1] != '\n')
			return i;
		from = i + 1;
	}
	return len;
}

void crlf_scan_init(struct crlf_scan *s, const char *d, size_t len)
{
	s->d = d;
	s->len = len;
	s->cr = crlf_next_bare_cr(d, len, 0);
	s->lf = crlf_next_bare_lf(d, len, 0);
}

size_t crlf_scan_next(struct crlf_scan *s)
{
	size_t at;
	/* A byte is either CR or LF: the two positions differ unless both are len. */
	if (s->cr < s->lf) {
		at = s->cr;
		s->cr = crlf_next_bare_cr(s->d, s->len, at + 1);
	} else {
		at = s->lf;
		if (at < s->len)
			s->lf = crlf_next_bare_lf(s->d, s->len, at + 1);
	}
	return at;
}

struct crlf_count crlf_count(const char *d, size_t len)
{
	struct crlf_count c = { 0, 0 };
	for (size_t i = crlf_next_bare_cr(d, len, 0); i < len; i = crlf_next_bare_cr(d, len, i + 1))
		c.bare_cr++;
	for (size_t i = crlf_next_bare_lf(d, len, 0); i < len; i = crlf_next_bare_lf(d, len, i + 1))
		c.bare_lf++;
	return c;
}

uint64_t crlf_stored_size(const char *d, size_t len)
{
	struct crlf_count c = crlf_count(d, len);
	return (uint64_t)len + c.bare_cr + c.bare_lf;
}
