/* pool: N worker threads taking jobs 0..n-1 in order (the caller sorts them, largest
 * first), while the calling thread wakes every tick_ms to report progress. */
#ifndef CUTOVER_POOL_H
#define CUTOVER_POOL_H

#include <stddef.h>

#include "base/err.h"

/* Run job(ctx, worker, job) for every job, each worker on its own thread. tick(ctx) runs on
 * the calling thread every tick_ms (and once at the end). */
int pool_run(size_t workers, size_t jobs, void (*job)(void *ctx, size_t worker, size_t job),
             void (*tick)(void *ctx), void *ctx, int tick_ms, struct err *e);

#endif
