/* estimate: longest-processing-time-first scheduling of customers onto workers. */
#include "schedule/estimate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

double estimate_job_seconds(const struct estimate_rate *rate, uint64_t msgs, uint64_t bytes)
{
	double s = 0;
	if (rate->msgs_per_s > 0)
		s += (double)msgs / rate->msgs_per_s;
	if (rate->bytes_per_s > 0)
		s += (double)bytes / rate->bytes_per_s;
	return s;
}

static int estimate_cmp_desc(const void *a, const void *b)
{
	const struct estimate_job *const *x = a, *const *y = b;
	if ((*x)->seconds != (*y)->seconds)
		return (*x)->seconds < (*y)->seconds ? 1 : -1;
	return strcmp((*x)->id, (*y)->id);
}

void estimate_schedule(struct estimate_job *jobs, size_t n, int workers,
                       const struct estimate_rate *rate, time_t window_start, time_t window_end,
                       struct estimate_result *out)
{
	struct estimate_job **order = calloc(n ? n : 1, sizeof *order);
	double *busy = calloc(workers > 0 ? (size_t)workers : 1, sizeof *busy);
	double makespan = 0;

	memset(out, 0, sizeof *out);
	if (workers < 1)
		workers = 1;
	if (!order || !busy) {
		free(order);
		free(busy);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		jobs[i].seconds = estimate_job_seconds(rate, jobs[i].msgs, jobs[i].bytes);
		order[i] = &jobs[i];
	}
	/* The pool hands out customers largest first, each to the first idle worker. */
	qsort(order, n, sizeof *order, estimate_cmp_desc);
	for (size_t i = 0; i < n; i++) {
		int w = 0;
		for (int k = 1; k < workers; k++)
			if (busy[k] < busy[w])
				w = k;
		order[i]->worker = w;
		order[i]->start_s = busy[w];
		busy[w] += order[i]->seconds;
		if (busy[w] > makespan)
			makespan = busy[w];
	}
	out->seconds = makespan;
	/* Round up: a copy that needs 1.2 s does not fit a 1 s window. */
	out->finish = window_start + (time_t)ceil(makespan);
	out->margin_s = difftime(window_end, out->finish);
	for (size_t i = 0; i < n && i < 3; i++)
		out->dominant[out->n_dominant++] = (size_t)(order[i] - jobs);
	free(order);
	free(busy);
}
