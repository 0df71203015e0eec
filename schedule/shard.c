/* shard: the partition of customers over N shards (hash or balanced), the shard from a
 * batch system's environment, and the caps each shard gets. See shard.h for the hash. */
#include "schedule/shard.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint64_t shard_hash(const char *id)
{
	uint64_t h = 14695981039346656037ULL;
	for (const unsigned char *p = (const unsigned char *)id; *p; p++) {
		h ^= *p;
		h *= 1099511628211ULL;
	}
	return h;
}

/* Jump consistent hash in integers: (b + 1) < 2^32 here, so (b + 1) << 31 fits in 64 bits. */
int shard_jump(uint64_t key, int n)
{
	int64_t b = -1, j = 0;
	while (j < n) {
		b = j;
		key = key * 2862933555777941757ULL + 1;
		j = (int64_t)((((uint64_t)b + 1) << 31) / ((key >> 33) + 1));
	}
	return (int)b;
}

int shard_of_id(const char *id, int n)
{
	return shard_jump(shard_hash(id), n);
}

/* A whole decimal number in [lo, hi], nothing else. */
static bool shard_number(const char *s, size_t len, long lo, long hi, long *out)
{
	char buf[32], *end;
	if (len == 0 || len >= sizeof buf || s[0] == '-' || s[0] == '+' || s[0] == ' ')
		return false;
	memcpy(buf, s, len);
	buf[len] = 0;
	errno = 0;
	long v = strtol(buf, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

int shard_parse(const char *s, struct shard_spec *out, struct err *e)
{
	const char *slash = strchr(s, '/');
	long k, n;
	if (!slash || !shard_number(slash + 1, strlen(slash + 1), 1, SHARD_MAX, &n) ||
	    !shard_number(s, (size_t)(slash - s), 0, SHARD_MAX, &k))
		return err_set(e, ERR_USAGE, "--shard %s: expected K/N, shard K of N (0 <= K < N <= %d)",
		               s, SHARD_MAX);
	if (k >= n)
		return err_set(e, ERR_USAGE, "--shard %s: shards are numbered from 0 to %ld (as Slurm "
		               "array and Kubernetes indexes are)", s, n - 1);
	out->k = (int)k;
	out->n = (int)n;
	out->from = "--shard";
	return 0;
}

static int shard_env_num(const char *(*get)(const char *), const char *name, long lo, long *v,
                         struct err *e)
{
	const char *s = get(name);
	if (!s || !*s)
		return err_set(e, ERR_CONFIG, "%s is not set", name);
	if (!shard_number(s, strlen(s), lo, 4000000000L, v))
		return err_set(e, ERR_CONFIG, "%s=%s: not a number", name, s);
	return 0;
}

/* Slurm: with CUTOVER_SHARD_COUNT the index is the shard (re-submitting `--array=2` alone
 * must still be shard 2 of 4); without it the array is the whole set of shards, and its
 * indexes may start anywhere (--array=1-4) or step (--array=0-12:4). */
static int shard_env_slurm(const char *(*get)(const char *), struct shard_spec *out, struct err *e)
{
	long id, min = 0, count, step = 1;
	if (shard_env_num(get, "SLURM_ARRAY_TASK_ID", 0, &id, e) < 0)
		return -1;
	if (get("CUTOVER_SHARD_COUNT")) {
		if (shard_env_num(get, "CUTOVER_SHARD_COUNT", 1, &count, e) < 0)
			return -1;
	} else {
		if (shard_env_num(get, "SLURM_ARRAY_TASK_COUNT", 1, &count, e) < 0 ||
		    shard_env_num(get, "SLURM_ARRAY_TASK_MIN", 0, &min, e) < 0)
			return err_prefix(e, "a Slurm array task without CUTOVER_SHARD_COUNT: ");
		if (get("SLURM_ARRAY_TASK_STEP") &&
		    shard_env_num(get, "SLURM_ARRAY_TASK_STEP", 1, &step, e) < 0)
			return -1;
		long max = min + (count - 1) * step;
		const char *smax = get("SLURM_ARRAY_TASK_MAX");
		if ((id - min) % step || (smax && atol(smax) != max))
			return err_set(e, ERR_CONFIG, "Slurm array task %ld: the array is not one evenly "
			               "stepped range (%ld tasks from %ld by %ld); set CUTOVER_SHARD_COUNT and "
			               "use the shard numbers 0..N-1 as array indexes", id, count, min, step);
		id = (id - min) / step;
	}
	if (count > SHARD_MAX || id >= count)
		return err_set(e, ERR_CONFIG, "Slurm array task %ld is not a shard of %ld (shards are "
		               "numbered 0..%ld)", id, count, count - 1);
	out->k = (int)id;
	out->n = (int)count;
	out->from = "SLURM_ARRAY_TASK_ID";
	return 0;
}

int shard_from_env(const char *(*get)(const char *), struct shard_spec *out, bool *found,
                   struct err *e)
{
	long k, n;
	*found = false;
	if (get("SLURM_ARRAY_TASK_ID")) {
		*found = true;
		return shard_env_slurm(get, out, e);
	}
	if (!get("JOB_COMPLETION_INDEX"))
		return 0;
	*found = true;
	if (shard_env_num(get, "JOB_COMPLETION_INDEX", 0, &k, e) < 0)
		return -1;
	if (shard_env_num(get, "CUTOVER_SHARD_COUNT", 1, &n, e) < 0)
		return err_prefix(e, "a Kubernetes Indexed Job: Kubernetes does not export the "
		                  "completions count; set it in the manifest: ");
	if (n > SHARD_MAX || k >= n)
		return err_set(e, ERR_CONFIG, "JOB_COMPLETION_INDEX=%ld is not a shard of "
		               "CUTOVER_SHARD_COUNT=%ld", k, n);
	out->k = (int)k;
	out->n = (int)n;
	out->from = "JOB_COMPLETION_INDEX";
	return 0;
}

static int shard_item_cmp(const void *a, const void *b)
{
	const struct shard_item *x = *(const struct shard_item *const *)a;
	const struct shard_item *y = *(const struct shard_item *const *)b;
	if (x->weight != y->weight)
		return x->weight > y->weight ? -1 : 1;
	return strcmp(x->id, y->id);
}

/* The least loaded shard on top; ties go to the lowest number, so the result is one. */
static bool shard_less(const double *l, int a, int b)
{
	return l[a] < l[b] || (l[a] == l[b] && a < b);
}

static void shard_sift(int *h, int n, const double *l, int i)
{
	for (;;) {
		int c = 2 * i + 1, m = i;
		if (c < n && shard_less(l, h[c], h[m]))
			m = c;
		if (c + 1 < n && shard_less(l, h[c + 1], h[m]))
			m = c + 1;
		if (m == i)
			return;
		int t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

int shard_balance(struct shard_item *v, size_t n_items, int n, double *load, struct err *e)
{
	struct shard_item **order = calloc(n_items + 1, sizeof *order);
	double *l = calloc((size_t)n, sizeof *l);
	int *heap = calloc((size_t)n, sizeof *heap);
	if (!order || !l || !heap) {
		free(order);
		free(l);
		free(heap);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	for (size_t i = 0; i < n_items; i++)
		order[i] = &v[i];
	qsort(order, n_items, sizeof *order, shard_item_cmp);
	for (int s = 0; s < n; s++)
		heap[s] = s;     /* all loads 0: ordered by number, already a heap */
	for (size_t i = 0; i < n_items; i++) {
		order[i]->shard = heap[0];
		l[heap[0]] += order[i]->weight;
		shard_sift(heap, n, l, 0);
	}
	if (load)
		memcpy(load, l, (size_t)n * sizeof *l);
	free(order);
	free(l);
	free(heap);
	return 0;
}

int shard_cap(int cap, int n)
{
	if (n <= 1 || cap <= 0)
		return cap;
	return cap / n > 0 ? cap / n : 1;
}

int shard_needed(double seconds, double window_s)
{
	if (seconds <= 0 || window_s <= 0)
		return 0;
	double k = seconds / window_s;
	int n = (int)k;
	return n < k ? n + 1 : n > 0 ? n : 1;
}

/* The divided caps bound what more machines can do: N shards run at most `cap` connection
 * pairs together, whatever N is. */
int shard_advice(double seconds, double window_s, int workers, int cap, char *out, size_t size)
{
	int need = shard_needed(seconds, window_s);
	if (workers < 1)
		workers = 1;
	if (need <= 1) {
		snprintf(out, size, "one machine is enough for the window");
		return need;
	}
	int reach = cap > 0 ? cap / workers : need;
	if (reach >= need)
		snprintf(out, size, "%d needed for the window (cutover run --shard K/%d, %d workers "
		         "each; docs/scale.md)", need, need, workers);
	else
		snprintf(out, size, "%d needed for the window, but the plan's caps allow %d connections: "
		         "%d machine%s of %d workers; raise max_connections (if the old server takes "
		         "it) or widen the window", need, cap, reach < 1 ? 1 : reach, reach > 1 ? "s" : "",
		         workers);
	return need;
}
