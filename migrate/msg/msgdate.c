/* msgdate: RFC 5322 §3.3 date-time, with §4.3 obsolete syntax. */
#include "migrate/msg/msgdate.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "migrate/msg/hdr.h"

/* Skip white space and (nested) comments. */
static const char *msgdate_cfws(const char *p)
{
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (*p != '(')
			return p;
		int depth = 0;
		do {
			if (*p == '\\' && p[1])
				p++;
			else if (*p == '(')
				depth++;
			else if (*p == ')')
				depth--;
			p++;
		} while (*p && depth > 0);
	}
}

static const char *msgdate_num(const char *p, int min_digits, int max_digits, int *v)
{
	int n = 0, d = 0;
	while (isdigit((unsigned char)p[d]) && d < max_digits)
		n = n * 10 + (p[d++] - '0');
	if (d < min_digits || isdigit((unsigned char)p[d]))
		return NULL;
	*v = n;
	return p + d;
}

static int msgdate_month(const char *p)
{
	static const char *const m[] = { "jan", "feb", "mar", "apr", "may", "jun",
	                                 "jul", "aug", "sep", "oct", "nov", "dec" };
	for (int i = 0; i < 12; i++)
		if (strncasecmp(p, m[i], 3) == 0 && !isalpha((unsigned char)p[3]))
			return i;
	return -1;
}

/* Zone in seconds east of UTC; *ok false when unrecognised. */
static const char *msgdate_zone(const char *p, int *off)
{
	static const struct { const char *name; int hours; } named[] = {
		{ "UT", 0 }, { "UTC", 0 }, { "GMT", 0 }, { "Z", 0 },
		{ "EST", -5 }, { "EDT", -4 }, { "CST", -6 }, { "CDT", -5 },
		{ "MST", -7 }, { "MDT", -6 }, { "PST", -8 }, { "PDT", -7 }, { "JST", 9 },
	};
	if (*p == '+' || *p == '-') {
		int v;
		const char *q = msgdate_num(p + 1, 4, 4, &v);
		if (!q || v % 100 > 59)
			return NULL;
		*off = (v / 100 * 3600 + v % 100 * 60) * (*p == '-' ? -1 : 1);
		return q;
	}
	size_t n = 0;
	while (isalpha((unsigned char)p[n]))
		n++;
	if (n == 0)
		return NULL;
	for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
		if (strlen(named[i].name) == n && strncasecmp(p, named[i].name, n) == 0) {
			*off = named[i].hours * 3600;
			return p + n;
		}
	/* RFC 5322 §4.3: military and unknown alphabetic zones mean "-0000" (unknown). */
	*off = 0;
	return p + n;
}

static bool msgdate_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

bool msgdate_parse(const char *s, time_t *t, int *tz_offset)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int day, mon, year, hh, mm, ss = 0, off = 0;
	const char *p = msgdate_cfws(s);
	/* Optional day-of-week. */
	if (isalpha((unsigned char)*p)) {
		while (isalpha((unsigned char)*p))
			p++;
		p = msgdate_cfws(p);
		if (*p != ',')
			return false;
		p = msgdate_cfws(p + 1);
	}
	if (!(p = msgdate_num(p, 1, 2, &day)))
		return false;
	p = msgdate_cfws(p);
	if ((mon = msgdate_month(p)) < 0)
		return false;
	p = msgdate_cfws(p + 3);
	const char *ys = p;
	if (!(p = msgdate_num(p, 2, 4, &year)))
		return false;
	if (p - ys == 2)
		year += year < 50 ? 2000 : 1900;
	else if (p - ys == 3)
		year += 1900;
	p = msgdate_cfws(p);
	if (!(p = msgdate_num(p, 1, 2, &hh)))
		return false;
	p = msgdate_cfws(p);
	if (*p++ != ':')
		return false;
	p = msgdate_cfws(p);
	if (!(p = msgdate_num(p, 2, 2, &mm)))
		return false;
	p = msgdate_cfws(p);
	if (*p == ':') {
		p = msgdate_cfws(p + 1);
		if (!(p = msgdate_num(p, 2, 2, &ss)))
			return false;
		p = msgdate_cfws(p);
	}
	if (!(p = msgdate_zone(p, &off)))
		return false;
	if (year < 1970 || year > 9999 || day < 1 ||
	    day > mdays[mon] + (mon == 1 && msgdate_leap(year)) || hh > 23 || mm > 59 || ss > 60)
		return false;
	if (ss == 60)
		ss = 59;
	/* Days since the epoch, proleptic Gregorian; no timegm() so no TZ state is touched. */
	long days = 0;
	for (int y = 1970; y < year; y++)
		days += msgdate_leap(y) ? 366 : 365;
	for (int m = 0; m < mon; m++)
		days += mdays[m] + (m == 1 && msgdate_leap(year));
	days += day - 1;
	*t = (time_t)days * 86400 + hh * 3600 + mm * 60 + ss - off;
	*tz_offset = off;
	return true;
}

char msgdate_for_message(const char *data, size_t len, time_t now, time_t *t, int *tz_offset)
{
	char v[1024];
	if (hdr_first(data, len, "Received", v, sizeof v)) {
		/* The date follows the last ';' of the topmost Received: field (RFC 5321 §4.4). */
		char *semi = strrchr(v, ';');
		if (semi && msgdate_parse(semi + 1, t, tz_offset))
			return 'R';
	}
	if (hdr_first(data, len, "Date", v, sizeof v) && msgdate_parse(v, t, tz_offset))
		return 'D';
	*t = now;
	*tz_offset = 0;
	return 'N';
}
