/* runprog: what `run` shows while it copies — a live display redrawn in place on a
 * terminal, plain progress lines off one, and the same lines in the log — and the numbers
 * behind it: totals from the plan's inventory (the last dry-run's, kept in the journal)
 * when there is one, else what has been listed so far, marked partial ("≥1,200"); the ETA
 * from bytes, not from customers (one big mailbox is not one small one). */
#ifndef CUTOVER_RUNPROG_H
#define CUTOVER_RUNPROG_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "migrate/engine/engine.h"

/* The last dry-run's count for the customers of this run. */
struct runprog_inv {
	uint64_t msgs, bytes;
	size_t customers;          /* how many of the run's customers it counted */
};

/* The progress as shown: totals and ETA. */
struct runprog_view {
	uint64_t msgs_total, bytes_total;
	bool partial;              /* totals only from what has been listed so far: at least */
	bool eta_known;
	double eta;                /* seconds; a lower bound when partial */
	double msgs_per_s, bytes_per_s;   /* copied */
};

void runprog_view(const struct engine_progress *p, const struct runprog_inv *inv,
                  struct runprog_view *v);
/* "customers 3/16 done, 0 failed | messages 1,200/≥4,000 … | ETA 0:05:00": one line, no
 * time stamp. */
void runprog_line(const struct engine_progress *p, const struct runprog_inv *inv, char *out,
                  size_t cap);
/* "12,345", or "≥12,345" when partial. Returns buf. */
char *runprog_count(uint64_t n, bool partial, char *buf, size_t cap);
/* "1:02:03". */
void runprog_hms(double s, char *out, size_t cap);

struct connreg;

/* The display's state, shared by the engine's workers (under mu). */
struct runprog_ui {
	pthread_mutex_t mu;
	FILE *f;
	bool tty, quiet, verbose;
	int drawn;                 /* lines of the live display currently on screen */
	time_t last_plain;         /* when the last plain progress line was written */
	time_t last_log;           /* ... and the last one in the log */
	struct connreg *conns;     /* the run's open connections: shut down once *stop is set */
	volatile int *stop;
	struct runprog_inv inv;
};

void runprog_ui_init(struct runprog_ui *ui, bool quiet, bool verbose, volatile int *stop);
void runprog_ui_done(struct runprog_ui *ui);
/* The engine's callbacks (engine_opts.log and .tick), ctx = the ui. */
void runprog_log(void *ctx, const char *customer, const char *level, const char *text);
void runprog_tick(void *ctx, const struct engine_progress *p);
/* The current time in the log's offset (the plan's), for console lines. */
void runprog_stamp(char *out, size_t cap);

#endif
