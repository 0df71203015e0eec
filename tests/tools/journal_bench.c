/* journal_bench: journal write throughput as the engine uses it: INTENT then DONE for
 * batches of messages. Usage: journal_bench FILE.db [MESSAGES [BATCH [WORKERS]]] */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mapping/journal.h"

struct bench_worker {
	const char *path;
	unsigned idx, messages, batch;
	int failed;
	char err[ERR_MSG_MAX];
};

static void *bench_worker_main(void *arg)
{
	struct bench_worker *w = arg;
	struct journal *j = NULL;
	struct journal_msg *m = calloc(w->batch, sizeof *m);
	char (*keys)[32] = calloc(w->batch, sizeof *keys);
	char customer[16];
	struct err e;
	err_clear(&e);
	snprintf(customer, sizeof customer, "bench%u", w->idx);
	if (!m || !keys || journal_open(&j, w->path, &e) < 0 ||
	    journal_customer_upsert(j, customer, NULL, &e) < 0)
		goto fail;
	for (unsigned done = 0; done < w->messages; done += w->batch) {
		unsigned n = w->messages - done < w->batch ? w->messages - done : w->batch;
		for (unsigned i = 0; i < n; i++) {
			memset(&m[i], 0, sizeof m[i]);
			snprintf(keys[i], sizeof keys[i], "%08x%08x", done + i + 1, 1700000000u);
			m[i].customer = customer;
			m[i].folder = "INBOX";
			m[i].src_key = keys[i];
			m[i].src_kind = JOURNAL_KEY_UIDL;
			m[i].src_seq = done + i + 1;
			m[i].size = 4000;
			memset(m[i].sha256, 'a', 64);
			m[i].dst_folder = "INBOX";
			m[i].dst_uid = done + i + 1;
			m[i].dst_uidvalidity = 1;
		}
		if (journal_msgs_intent(j, m, n, &e) < 0 || journal_msgs_done(j, m, n, &e) < 0)
			goto fail;
	}
	journal_close(j);
	free(m);
	free(keys);
	return NULL;
fail:
	w->failed = 1;
	snprintf(w->err, sizeof w->err, "%s", e.msg);
	journal_close(j);
	free(m);
	free(keys);
	return NULL;
}

int main(int argc, char **argv)
{
	unsigned messages = argc > 2 ? (unsigned)atoi(argv[2]) : 100000;
	unsigned batch = argc > 3 ? (unsigned)atoi(argv[3]) : 50;
	unsigned workers = argc > 4 ? (unsigned)atoi(argv[4]) : 1;
	struct bench_worker w[64];
	pthread_t th[64];
	struct timespec t0, t1;
	int rc = 0;

	if (argc < 2 || !batch || !workers || workers > 64) {
		fprintf(stderr, "usage: journal_bench FILE.db [MESSAGES [BATCH [WORKERS]]]\n");
		return 64;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned i = 0; i < workers; i++) {
		memset(&w[i], 0, sizeof w[i]);
		w[i].path = argv[1];
		w[i].idx = i;
		w[i].messages = messages / workers;
		w[i].batch = batch;
		if (pthread_create(&th[i], NULL, bench_worker_main, &w[i]) != 0)
			return 71;
	}
	for (unsigned i = 0; i < workers; i++) {
		pthread_join(th[i], NULL);
		if (w[i].failed) {
			fprintf(stderr, "worker %u: %s\n", i, w[i].err);
			rc = 1;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	unsigned total = messages / workers * workers;
	printf("%u messages, batch %u, %u worker(s): %.2f s, %.0f messages/s (intent+done), "
	       "%.0f row writes/s\n", total, batch, workers, s, total / s, 2 * total / s);
	return rc;
}
