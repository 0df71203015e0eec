/* retry: backoff arithmetic and an interruptible sleep. */
#include "migrate/engine/retry.h"

#include <time.h>

long retry_delay_ms(const struct plan *p, const struct err *e, int failures)
{
	int attempts = p->migration.retry.attempts > 0 ? p->migration.retry.attempts : 1;
	long first = p->migration.retry.first_delay_ms, max = p->migration.retry.max_delay_ms;
	if (failures >= attempts)
		return -1;
	switch (err_retry_class(e->cls)) {
	case ERR_RETRY_FINAL:
		return -1;
	case ERR_RETRY_WAIT:
		/* The server said how long (RFC 2449 LOGIN-DELAY); never sooner. */
		if (e->wait_seconds > 0)
			return (long)e->wait_seconds * 1000;
		break;
	case ERR_RETRY_TEMP:
		break;
	}
	long d = first > 0 ? first : 0;
	for (int i = 1; i < failures && d < max; i++)
		d *= 2;
	if (max > 0 && d > max)
		d = max;
	return d;
}

int retry_sleep_ms(long ms, volatile int *stop)
{
	/* Sleep in short slices so an interrupt is noticed soon. */
	while (ms > 0) {
		if (stop && *stop)
			return 1;
		long slice = ms < 100 ? ms : 100;
		struct timespec ts = { slice / 1000, (slice % 1000) * 1000000L };
		nanosleep(&ts, NULL);
		ms -= slice;
	}
	return stop && *stop ? 1 : 0;
}
