/* pace: keeps a run under the destination's delivery rate (plan
 * migration.destination.max_messages_per_hour; divided across shards by ctx_shard). Some
 * servers answer past an unpublished rate with "423 sorry, that message exceeds my limit"
 * (WebARENA, seed 004), so the run spaces its batches instead of finding the limit.
 * One pace is shared by every worker of a run: the cap is the server's, not a worker's. */
#ifndef CUTOVER_PACE_H
#define CUTOVER_PACE_H

#include <pthread.h>
#include <stddef.h>

struct pace {
	pthread_mutex_t mu;
	double interval;   /* seconds per message; 0 = no cap */
	double next;       /* monotonic second when the next batch may start */
};

void pace_init(struct pace *p, int per_hour);
void pace_destroy(struct pace *p);

/* The arithmetic, apart so it can be tested without a clock: n messages asked for at `now`
 * start at the returned second; *next moves on by n intervals. Bursts are one batch. */
double pace_slot(double *next, double interval, double now, size_t n);

/* Wait until n more messages may go. 0, or 1 when *stop became non-zero while waiting. */
int pace_wait(struct pace *p, size_t n, volatile int *stop);

#endif
