/* when: dates and times as the notices write them, in the plan's time zone:
 * ja "2002年10月22日(火)23時30分", en "Tuesday 22 October 2002, 23:30". */
#ifndef CUTOVER_WHEN_H
#define CUTOVER_WHEN_H

#include <stdbool.h>
#include <time.h>

#include "base/buf.h"
#include "schedule/plan.h"

enum when_style { WHEN_DATE, WHEN_DATETIME, WHEN_TIME };

/* Broken-down time of t in the IANA zone tz (NULL/empty = UTC). 0 or -1. */
int when_local(time_t t, const char *tz, struct tm *out);
int when_append(struct buf *b, time_t t, const char *tz, enum plan_lang lang, enum when_style st);
/* A plan_date (no time of day) with its weekday. */
int when_append_date(struct buf *b, int y, int m, int d, enum plan_lang lang);
/* "JST" style zone abbreviation and "+09:00" offset at t. */
int when_append_zone(struct buf *b, time_t t, const char *tz);
/* The time "today" for documents: SOURCE_DATE_EPOCH when set (reproducible output), else now. */
time_t when_now(void);

#endif
