/* estimate: how long the copy will take with the plan's workers, from measured rates,
 * and whether it fits the window. Pure arithmetic: no I/O, unit-tested. */
#ifndef CUTOVER_ESTIMATE_H
#define CUTOVER_ESTIMATE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* What one connection pair achieved on the sample (both sides together). */
struct estimate_rate {
	double msgs_per_s;   /* per-message overhead (round trips, commits) */
	double bytes_per_s;  /* throughput for the bytes */
};

struct estimate_job {
	const char *id;
	uint64_t msgs, bytes;
	double seconds;      /* out: this customer's copy time */
	int worker;          /* out: which worker takes it */
	double start_s;      /* out: offset from the window start */
};

struct estimate_result {
	double seconds;      /* makespan with all workers */
	time_t finish;       /* window start + seconds */
	double margin_s;     /* window end - finish (negative: does not fit) */
	size_t dominant[3];  /* indexes of the longest jobs */
	size_t n_dominant;
};

/* Time for one job at `rate`: msgs / msgs_per_s + bytes / bytes_per_s. */
double estimate_job_seconds(const struct estimate_rate *rate, uint64_t msgs, uint64_t bytes);
/* Largest first onto `workers` workers (what the pool does); fills each job's seconds,
 * worker, start and the result. */
void estimate_schedule(struct estimate_job *jobs, size_t n, int workers,
                       const struct estimate_rate *rate, time_t window_start, time_t window_end,
                       struct estimate_result *out);

#endif
