/* pace: the run's shared delivery-rate limiter (see pace.h). */
#include "migrate/engine/pace.h"

#include <time.h>

#include "migrate/engine/retry.h"

void pace_init(struct pace *p, int per_hour)
{
	pthread_mutex_init(&p->mu, NULL);
	p->interval = per_hour > 0 ? 3600.0 / per_hour : 0;
	p->next = 0;
}

void pace_destroy(struct pace *p)
{
	pthread_mutex_destroy(&p->mu);
}

double pace_slot(double *next, double interval, double now, size_t n)
{
	double start = *next > now ? *next : now;
	*next = start + interval * (double)n;
	return start;
}

static double pace_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int pace_wait(struct pace *p, size_t n, volatile int *stop)
{
	if (p->interval <= 0 || n == 0)
		return 0;
	pthread_mutex_lock(&p->mu);
	double now = pace_now(), start = pace_slot(&p->next, p->interval, now, n);
	pthread_mutex_unlock(&p->mu);
	if (start <= now)
		return 0;
	return retry_sleep_ms((long)((start - now) * 1000.0 + 0.5), stop);
}
