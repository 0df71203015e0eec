/* pool: pthreads, one shared job counter, a condition for "all finished". */
#include "migrate/engine/pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct pool {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t next, jobs, running;
	void (*job)(void *, size_t, size_t);
	void *ctx;
};

struct pool_thread {
	struct pool *pl;
	size_t worker;
	pthread_t tid;
};

static void *pool_main(void *arg)
{
	struct pool_thread *t = arg;
	struct pool *pl = t->pl;
	for (;;) {
		pthread_mutex_lock(&pl->mu);
		size_t j = pl->next < pl->jobs ? pl->next++ : pl->jobs;
		pthread_mutex_unlock(&pl->mu);
		if (j >= pl->jobs)
			break;
		pl->job(pl->ctx, t->worker, j);
	}
	pthread_mutex_lock(&pl->mu);
	pl->running--;
	pthread_cond_signal(&pl->cv);
	pthread_mutex_unlock(&pl->mu);
	return NULL;
}

int pool_run(size_t workers, size_t jobs, void (*job)(void *ctx, size_t worker, size_t job),
             void (*tick)(void *ctx), void *ctx, int tick_ms, struct err *e)
{
	struct pool pl;
	struct pool_thread *t;
	size_t started = 0;
	int rc = 0;

	if (workers == 0)
		workers = 1;
	if (workers > jobs)
		workers = jobs ? jobs : 1;
	t = calloc(workers, sizeof *t);
	if (!t)
		return err_set(e, ERR_NOMEM, "out of memory");
	memset(&pl, 0, sizeof pl);
	pthread_mutex_init(&pl.mu, NULL);
	pthread_cond_init(&pl.cv, NULL);
	pl.jobs = jobs;
	pl.job = job;
	pl.ctx = ctx;
	pthread_mutex_lock(&pl.mu);
	for (; started < workers; started++) {
		t[started].pl = &pl;
		t[started].worker = started;
		pl.running++;
		if (pthread_create(&t[started].tid, NULL, pool_main, &t[started]) != 0) {
			pl.running--;
			break;
		}
	}
	if (started == 0) {
		pthread_mutex_unlock(&pl.mu);
		rc = err_set(e, ERR_INTERNAL, "cannot start worker threads: %s", strerror(errno));
		goto out;
	}
	while (pl.running > 0) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		long ms = tick_ms > 0 ? tick_ms : 250;
		ts.tv_sec += ms / 1000;
		ts.tv_nsec += (ms % 1000) * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&pl.cv, &pl.mu, &ts);
		if (tick && pl.running > 0) {
			pthread_mutex_unlock(&pl.mu);
			tick(ctx);
			pthread_mutex_lock(&pl.mu);
		}
	}
	pthread_mutex_unlock(&pl.mu);
	for (size_t i = 0; i < started; i++)
		pthread_join(t[i].tid, NULL);
	if (tick)
		tick(ctx);
out:
	pthread_cond_destroy(&pl.cv);
	pthread_mutex_destroy(&pl.mu);
	free(t);
	return rc;
}
