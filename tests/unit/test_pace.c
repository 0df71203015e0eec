/* test_pace: the delivery-rate arithmetic (migrate/engine/pace.h) and its wait. */
#include <time.h>

#include "migrate/engine/pace.h"
#include "tests/unit/t.h"

static void t_slots(void)
{
	double next = 0;
	/* 10 messages asked at 100 s with 2 s each: they start at once, the next batch waits */
	T_CHECK(pace_slot(&next, 2.0, 100.0, 10) == 100.0);
	T_CHECK(next == 120.0);
	T_CHECK(pace_slot(&next, 2.0, 101.0, 5) == 120.0);
	T_CHECK(next == 130.0);
	/* after a quiet spell the cap does not pile up credit: it starts from now */
	T_CHECK(pace_slot(&next, 2.0, 500.0, 1) == 500.0);
	T_CHECK(next == 502.0);
}

static double t_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void t_wait(void)
{
	struct pace p;
	volatile int stop = 0;
	pace_init(&p, 72000);            /* 0.05 s a message */
	double t0 = t_now();
	T_INTEQ(pace_wait(&p, 4, &stop), 0);
	T_CHECK(t_now() - t0 < 0.15);    /* the first batch never waits */
	T_INTEQ(pace_wait(&p, 1, &stop), 0);
	T_CHECK(t_now() - t0 >= 0.19);   /* the second waits for the first's 4 slots */
	stop = 1;
	T_INTEQ(pace_wait(&p, 1, &stop), 1);   /* a stop ends the wait */
	pace_destroy(&p);
	pace_init(&p, 0);                /* no cap: never waits */
	T_INTEQ(pace_wait(&p, 1000, &stop), 0);
	pace_destroy(&p);
}

int main(void)
{
	T_RUN(t_slots);
	T_RUN(t_wait);
	return T_DONE();
}
