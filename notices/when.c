/* when: localised dates for notices, computed in the plan's time zone through TZ. */
#include "notices/when.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const when_wday_ja[] = { "日", "月", "火", "水", "木", "金", "土" };
static const char *const when_wday_en[] = { "Sunday", "Monday", "Tuesday", "Wednesday",
                                            "Thursday", "Friday", "Saturday" };
static const char *const when_month_en[] = { "January", "February", "March", "April", "May",
                                             "June", "July", "August", "September", "October",
                                             "November", "December" };

/* localtime_r in another zone: switch TZ for the call and put it back. The program is
 * single-threaded while it writes notices, so the switch cannot race. */
int when_local(time_t t, const char *tz, struct tm *out)
{
	const char *old = getenv("TZ");
	char *saved = old ? strdup(old) : NULL;
	int rc = 0;
	if (old && !saved)
		return -1;
	setenv("TZ", tz && *tz ? tz : "UTC", 1);
	tzset();
	if (!localtime_r(&t, out))
		rc = -1;
	if (saved) {
		setenv("TZ", saved, 1);
		free(saved);
	} else
		unsetenv("TZ");
	tzset();
	return rc;
}

static int when_tm(struct buf *b, const struct tm *tm, enum plan_lang lang, enum when_style st)
{
	int rc = 0;
	if (lang == PLAN_LANG_JA) {
		if (st != WHEN_TIME)
			rc |= buf_printf(b, "%d年%d月%d日(%s)", tm->tm_year + 1900, tm->tm_mon + 1,
			                 tm->tm_mday, when_wday_ja[tm->tm_wday]);
		if (st != WHEN_DATE)
			rc |= buf_printf(b, "%d時%02d分", tm->tm_hour, tm->tm_min);
		return rc;
	}
	if (st != WHEN_TIME)
		rc |= buf_printf(b, "%s %d %s %d", when_wday_en[tm->tm_wday], tm->tm_mday,
		                 when_month_en[tm->tm_mon], tm->tm_year + 1900);
	if (st == WHEN_DATETIME)
		rc |= buf_puts(b, ", ");
	if (st != WHEN_DATE)
		rc |= buf_printf(b, "%02d:%02d", tm->tm_hour, tm->tm_min);
	return rc;
}

int when_append(struct buf *b, time_t t, const char *tz, enum plan_lang lang, enum when_style st)
{
	struct tm tm;
	if (when_local(t, tz, &tm) < 0)
		return -1;
	return when_tm(b, &tm, lang, st);
}

int when_append_date(struct buf *b, int y, int m, int d, enum plan_lang lang)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = 12;
	/* timegm normalises and gives the weekday without any zone involved. */
	time_t t = timegm(&tm);
	if (t == (time_t)-1 || !gmtime_r(&t, &tm))
		return -1;
	return when_tm(b, &tm, lang, WHEN_DATE);
}

int when_append_zone(struct buf *b, time_t t, const char *tz)
{
	struct tm tm;
	long off;
	if (when_local(t, tz, &tm) < 0)
		return -1;
	off = tm.tm_gmtoff;
	return buf_printf(b, "%s, UTC%c%02ld:%02ld", tm.tm_zone ? tm.tm_zone : "UTC",
	                  off < 0 ? '-' : '+', labs(off) / 3600, labs(off) % 3600 / 60);
}

time_t when_now(void)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	char *end;
	long long v;
	if (s && *s) {
		v = strtoll(s, &end, 10);
		if (!*end && v >= 0)
			return (time_t)v;
	}
	return time(NULL);
}
