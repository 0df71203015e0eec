/* plan_time: RFC 3339 times with their offsets, dates, and IANA time
 * zone names checked against the tz database. No libc time zone state is touched. */
#include "schedule/plan_p.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

long long plan_time_days(int y, int m, int d)
{
	/* Howard Hinnant's days_from_civil. */
	long long yy = (long long)y - (m <= 2);
	long long era = (yy >= 0 ? yy : yy - 399) / 400;
	long long yoe = yy - era * 400;
	long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int plan_time_mdays(int y, int m)
{
	static const int md[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : md[m - 1];
}

/* n decimal digits at *s, advancing. */
static int plan_time_digits(const char **s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if ((*s)[i] < '0' || (*s)[i] > '9')
			return -1;
		v = v * 10 + ((*s)[i] - '0');
	}
	*s += n;
	*out = v;
	return 0;
}

static int plan_time_ymd(const char **s, struct plan_date *dt, const char **why)
{
	if (plan_time_digits(s, 4, &dt->y) < 0 || *(*s)++ != '-' ||
	    plan_time_digits(s, 2, &dt->m) < 0 || *(*s)++ != '-' ||
	    plan_time_digits(s, 2, &dt->d) < 0)
		return *why = "expected YYYY-MM-DD", -1;
	if (dt->y < 1970 || dt->y > 9999)
		return *why = "the year must be from 1970 to 9999", -1;
	if (dt->m < 1 || dt->m > 12)
		return *why = "the month must be from 01 to 12", -1;
	if (dt->d < 1 || dt->d > plan_time_mdays(dt->y, dt->m))
		return *why = "no such day in that month", -1;
	return 0;
}

int plan_time_date_parse(const char *s, struct plan_date *out, const char **why)
{
	struct plan_date dt = { 0 };
	if (plan_time_ymd(&s, &dt, why) < 0)
		return -1;
	if (*s)
		return *why = "expected only a date, YYYY-MM-DD", -1;
	*out = dt;
	return 0;
}

int plan_time_parse(const char *s, struct plan_time *out, const char **why)
{
	struct plan_date dt = { 0 };
	int hh, mm, ss, oh = 0, om = 0, sign = 1;
	if (plan_time_ymd(&s, &dt, why) < 0)
		return -1;
	if (*s != 'T' && *s != 't' && *s != ' ')
		return *why = *s ? "expected 'T' between date and time" : "the time of day is missing", -1;
	s++;
	if (plan_time_digits(&s, 2, &hh) < 0 || *s++ != ':' || plan_time_digits(&s, 2, &mm) < 0 ||
	    *s++ != ':' || plan_time_digits(&s, 2, &ss) < 0)
		return *why = "expected the time as HH:MM:SS", -1;
	if (hh > 23 || mm > 59 || ss > 59)
		return *why = "hour, minute or second out of range", -1;
	if (*s == '.') {
		/* Fractions of a second are allowed by RFC 3339 and ignored here. */
		s++;
		if (*s < '0' || *s > '9')
			return *why = "expected digits after '.'", -1;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if (*s == ' ')
		s++;
	if (*s == 'Z' || *s == 'z') {
		s++;
	} else if (*s == '+' || *s == '-') {
		sign = *s++ == '-' ? -1 : 1;
		if (plan_time_digits(&s, 2, &oh) < 0 || *s++ != ':' || plan_time_digits(&s, 2, &om) < 0)
			return *why = "expected the UTC offset as +HH:MM", -1;
		if (oh > 23 || om > 59)
			return *why = "UTC offset out of range", -1;
	} else if (!*s) {
		return *why = "the UTC offset is missing (add e.g. +09:00 or Z)", -1;
	} else {
		return *why = "unexpected text after the time", -1;
	}
	if (*s)
		return *why = "unexpected text after the time", -1;
	memset(out, 0, sizeof *out);
	out->utc_offset = sign * (oh * 3600 + om * 60);
	out->t = (time_t)(plan_time_days(dt.y, dt.m, dt.d) * 86400 + hh * 3600 + mm * 60 + ss -
	                  out->utc_offset);
	return 0;
}

char *plan_time_format(const struct plan_time *t, char *buf, size_t size)
{
	long long local = (long long)t->t + t->utc_offset;
	long long days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
	long long secs = local - days * 86400;
	/* civil_from_days */
	long long z = days + 719468;
	long long era = (z >= 0 ? z : z - 146096) / 146097;
	long long doe = z - era * 146097;
	long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long long mp = (5 * doy + 2) / 153;
	long long d = doy - (153 * mp + 2) / 5 + 1;
	long long m = mp < 10 ? mp + 3 : mp - 9;
	long long y = yoe + era * 400 + (m <= 2);
	int off = t->utc_offset < 0 ? -t->utc_offset : t->utc_offset;
	if (t->utc_offset == 0)
		snprintf(buf, size, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lldZ", y, m, d, secs / 3600,
		         secs / 60 % 60, secs % 60);
	else
		snprintf(buf, size, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld%c%02d:%02d", y, m, d,
		         secs / 3600, secs / 60 % 60, secs % 60, t->utc_offset < 0 ? '-' : '+',
		         off / 3600, off / 60 % 60);
	return buf;
}

static const char *plan_time_tzdir(void)
{
	const char *d = getenv("TZDIR");
	return d && *d ? d : "/usr/share/zoneinfo";
}

static bool plan_time_tzif(const char *path)
{
	struct stat st;
	char magic[4];
	FILE *f;
	bool ok;
	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return false;
	f = fopen(path, "rb");
	if (!f)
		return false;
	ok = fread(magic, 1, 4, f) == 4 && memcmp(magic, "TZif", 4) == 0;
	fclose(f);
	return ok;
}

/* A near name among the entries of the zone's own area ("Asia/Tokio" → "Asia/Tokyo"). */
static void plan_time_tz_suggest(const char *name, char *suggest, size_t size)
{
	char dir[512], path[1024];
	const char *slash = strrchr(name, '/');
	const char *leaf = slash ? slash + 1 : name;
	unsigned best = 3;
	DIR *dp;
	struct dirent *de;
	if (slash)
		snprintf(dir, sizeof dir, "%s/%.*s", plan_time_tzdir(), (int)(slash - name), name);
	else
		snprintf(dir, sizeof dir, "%s", plan_time_tzdir());
	dp = opendir(dir);
	if (!dp)
		return;
	while ((de = readdir(dp))) {
		unsigned dist;
		if (de->d_name[0] == '.')
			continue;
		dist = plan_walk_distance(leaf, de->d_name);
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if (dist < best && plan_time_tzif(path)) {
			best = dist;
			snprintf(suggest, size, "%.*s%s", slash ? (int)(slash - name + 1) : 0, name,
			         de->d_name);
		}
	}
	closedir(dp);
}

int plan_time_zone_check(const char *name, char *suggest, size_t size)
{
	char path[1024];
	suggest[0] = 0;
	/* A zone name is a relative path of words; refuse anything that could leave the tz
	 * database directory. */
	if (!*name || name[0] == '/' || strstr(name, "..") || strlen(name) > 200)
		return -1;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '/' || *p == '_' || *p == '-' || *p == '+'))
			return -1;
	snprintf(path, sizeof path, "%s/%s", plan_time_tzdir(), name);
	if (plan_time_tzif(path))
		return 0;
	plan_time_tz_suggest(name, suggest, size);
	return -1;
}
