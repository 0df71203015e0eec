/* test_shard: the partition of customers over shards: deterministic, each customer in
 * exactly one shard, balanced, stable when N grows; the shard from Slurm's and
 * Kubernetes' environment; the map file; the caps. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mapping/journal_plan.h"
#include "schedule/shard.h"
#include "t.h"

#define NIDS 2000

static char ids[NIDS][24];

static void make_ids(void)
{
	for (int i = 0; i < NIDS; i++)
		snprintf(ids[i], sizeof ids[i], "cust%05d", i);
}

/* Fixed values: the hash is part of the on-disk contract (shards on other machines, other
 * builds), so it must never change. FNV-1a 64 of "" and "a" are the published vectors. */
static void hash_is_fixed(void)
{
	T_CHECK(shard_hash("") == 14695981039346656037ULL);
	T_CHECK(shard_hash("a") == 0xaf63dc4c8601ec8cULL);
	T_CHECK(shard_hash("foobar") == 0x85944171f73967e8ULL);
	T_INTEQ(shard_jump(0, 1), 0);
	/* the jump hash of the same key is the same for every call, and in range */
	for (int n = 1; n < 50; n++) {
		int k = shard_of_id("tanaka@example.jp", n);
		T_CHECK(k >= 0 && k < n);
		T_INTEQ(shard_of_id("tanaka@example.jp", n), k);
	}
}

/* Each id in one shard, every shard used, sizes within a few percent of N/K. */
static void hash_spreads_evenly(void)
{
	int count[8] = { 0 };
	for (int i = 0; i < NIDS; i++) {
		int k = shard_of_id(ids[i], 8);
		T_REQUIRE(k >= 0 && k < 8);
		count[k]++;
	}
	for (int k = 0; k < 8; k++)
		T_CHECK(count[k] > NIDS / 8 * 80 / 100 && count[k] < NIDS / 8 * 120 / 100);
}

/* Growing N to N + 1 moves customers only into the new shard. */
static void hash_stable_across_n(void)
{
	for (int n = 1; n < 12; n++) {
		int moved = 0;
		for (int i = 0; i < NIDS; i++) {
			int a = shard_of_id(ids[i], n), b = shard_of_id(ids[i], n + 1);
			if (a != b) {
				T_CHECK(b == n);
				moved++;
			}
		}
		/* about 1/(n+1) of them move */
		T_CHECK(moved > NIDS / (n + 1) / 2 && moved < NIDS * 2 / (n + 1));
	}
}

/* Largest first: loads end close together, and the result does not depend on the order
 * the items come in. */
static void balance_is_balanced_and_deterministic(void)
{
	static struct shard_item a[NIDS], b[NIDS];
	double la[5], lb[5], total = 0, biggest = 0;
	for (int i = 0; i < NIDS; i++) {
		uint64_t size = (shard_hash(ids[i]) % 1000) * (i % 97 == 0 ? 50 : 1) + 1;
		a[i] = (struct shard_item){ .id = ids[i], .bytes = size, .weight = (double)size };
		total += (double)size;
		if (size > biggest)
			biggest = (double)size;
	}
	for (int i = 0; i < NIDS; i++)
		b[i] = a[NIDS - 1 - i];
	struct err e;
	err_clear(&e);
	T_REQUIRE(shard_balance(a, NIDS, 5, la, &e) == 0);
	T_REQUIRE(shard_balance(b, NIDS, 5, lb, &e) == 0);
	double sum = 0, lo = la[0], hi = la[0];
	for (int k = 0; k < 5; k++) {
		sum += la[k];
		lo = fmin(lo, la[k]);
		hi = fmax(hi, la[k]);
		T_CHECK(la[k] == lb[k]);
	}
	T_CHECK(sum == total);
	T_CHECK(hi - lo <= biggest);   /* the LPT bound: never more apart than one job */
	for (int i = 0; i < NIDS; i++)
		T_INTEQ(a[i].shard, b[NIDS - 1 - i].shard);
}

static void balance_more_shards_than_items(void)
{
	struct shard_item v[3] = { { .id = "x", .weight = 5 }, { .id = "y", .weight = 5 },
	                           { .id = "z", .weight = 1 } };
	struct err e;
	err_clear(&e);
	T_REQUIRE(shard_balance(v, 3, 6, NULL, &e) == 0);
	T_INTEQ(v[0].shard, 0);   /* ties by id: x first, then y, onto the lowest shard number */
	T_INTEQ(v[1].shard, 1);
	T_INTEQ(v[2].shard, 2);
}

static void parse_spec(void)
{
	struct shard_spec s;
	struct err e;
	err_clear(&e);
	T_CHECK(shard_parse("2/4", &s, &e) == 0 && s.k == 2 && s.n == 4);
	T_CHECK(shard_parse("0/1", &s, &e) == 0 && s.k == 0 && s.n == 1);
	const char *bad[] = { "4/4", "-1/4", "1/0", "1", "a/4", "1/4x", "/4", "1/", " 1/4", NULL };
	for (int i = 0; bad[i]; i++) {
		err_clear(&e);
		T_CHECK(shard_parse(bad[i], &s, &e) < 0 && e.cls == ERR_USAGE);
	}
}

/* A tiny environment for shard_from_env. */
static const char *const *env_now;

static const char *env_get(const char *name)
{
	for (int i = 0; env_now[i]; i += 2)
		if (strcmp(env_now[i], name) == 0)
			return env_now[i + 1];
	return NULL;
}

static int env_shard(const char *const *env, struct shard_spec *s, bool *found)
{
	struct err e;
	err_clear(&e);
	env_now = env;
	return shard_from_env(env_get, s, found, &e);
}

static void env_slurm_and_kubernetes(void)
{
	struct shard_spec s;
	bool found;
	const char *none[] = { "HOME", "/root", NULL };
	T_CHECK(env_shard(none, &s, &found) == 0 && !found);
	/* --array=0-3 */
	const char *a[] = { "SLURM_ARRAY_TASK_ID", "2", "SLURM_ARRAY_TASK_MIN", "0",
	                    "SLURM_ARRAY_TASK_MAX", "3", "SLURM_ARRAY_TASK_COUNT", "4", NULL };
	T_CHECK(env_shard(a, &s, &found) == 0 && found && s.k == 2 && s.n == 4);
	/* --array=1-4: ids from 1 */
	const char *b[] = { "SLURM_ARRAY_TASK_ID", "1", "SLURM_ARRAY_TASK_MIN", "1",
	                    "SLURM_ARRAY_TASK_MAX", "4", "SLURM_ARRAY_TASK_COUNT", "4", NULL };
	T_CHECK(env_shard(b, &s, &found) == 0 && s.k == 0 && s.n == 4);
	/* --array=0-12:4 */
	const char *c[] = { "SLURM_ARRAY_TASK_ID", "8", "SLURM_ARRAY_TASK_MIN", "0",
	                    "SLURM_ARRAY_TASK_MAX", "12", "SLURM_ARRAY_TASK_COUNT", "4",
	                    "SLURM_ARRAY_TASK_STEP", "4", NULL };
	T_CHECK(env_shard(c, &s, &found) == 0 && s.k == 2 && s.n == 4);
	/* --array=0,2,7: not one range: refused rather than guessed */
	const char *d[] = { "SLURM_ARRAY_TASK_ID", "7", "SLURM_ARRAY_TASK_MIN", "0",
	                    "SLURM_ARRAY_TASK_MAX", "7", "SLURM_ARRAY_TASK_COUNT", "3", NULL };
	T_CHECK(env_shard(d, &s, &found) < 0);
	/* re-submitting shard 2 alone: --array=2 with CUTOVER_SHARD_COUNT=4 */
	const char *r[] = { "SLURM_ARRAY_TASK_ID", "2", "SLURM_ARRAY_TASK_MIN", "2",
	                    "SLURM_ARRAY_TASK_MAX", "2", "SLURM_ARRAY_TASK_COUNT", "1",
	                    "CUTOVER_SHARD_COUNT", "4", NULL };
	T_CHECK(env_shard(r, &s, &found) == 0 && s.k == 2 && s.n == 4);
	/* Kubernetes: the count must come from the manifest */
	const char *k[] = { "JOB_COMPLETION_INDEX", "3", "CUTOVER_SHARD_COUNT", "5", NULL };
	T_CHECK(env_shard(k, &s, &found) == 0 && found && s.k == 3 && s.n == 5);
	const char *k2[] = { "JOB_COMPLETION_INDEX", "3", NULL };
	T_CHECK(env_shard(k2, &s, &found) < 0 && found);
	const char *k3[] = { "JOB_COMPLETION_INDEX", "5", "CUTOVER_SHARD_COUNT", "5", NULL };
	T_CHECK(env_shard(k3, &s, &found) < 0);
}

static void map_round_trip(void)
{
	static struct shard_item v[NIDS];
	struct shard_map m;
	struct err e;
	char path[] = "/tmp/test_shard_map.XXXXXX";
	int fd = mkstemp(path);
	T_REQUIRE(fd >= 0);
	close(fd);
	err_clear(&e);
	for (int i = 0; i < NIDS; i++)
		v[i] = (struct shard_item){ .id = ids[i], .weight = i % 13 };
	T_REQUIRE(shard_balance(v, NIDS, 7, NULL, &e) == 0);
	T_REQUIRE(shard_map_write(v, NIDS, 7, "test", path, &e) == 0);
	T_REQUIRE(shard_map_read(&m, path, &e) == 0);
	T_INTEQ(m.count, 7);
	T_INTEQ(m.n, NIDS);
	for (int i = 0; i < NIDS; i++)
		T_INTEQ(shard_map_find(&m, ids[i]), v[i].shard);
	T_INTEQ(shard_map_find(&m, "nobody"), -1);
	shard_map_release(&m);
	/* a customer listed twice is refused */
	FILE *f = fopen(path, "w");
	fputs("cutover-shard-map 1 2\n0 a\n1 b\n1 a\n", f);
	fclose(f);
	err_clear(&e);
	T_CHECK(shard_map_read(&m, path, &e) < 0 && strstr(e.msg, "listed twice"));
	f = fopen(path, "w");
	fputs("cutover-shard-map 1 2\n2 a\n", f);
	fclose(f);
	err_clear(&e);
	T_CHECK(shard_map_read(&m, path, &e) < 0 && strstr(e.msg, ":2:"));
	unlink(path);
}

static void caps_and_needed(void)
{
	T_INTEQ(shard_cap(8, 4), 2);
	T_INTEQ(shard_cap(10, 4), 2);   /* never more than the plan's cap in total ... */
	T_INTEQ(shard_cap(3, 4), 1);    /* ... unless there are more shards than connections */
	T_INTEQ(shard_cap(8, 1), 8);
	T_INTEQ(shard_cap(0, 4), 0);    /* no cap stays no cap */
	T_INTEQ(shard_needed(3600, 3600), 1);
	T_INTEQ(shard_needed(3601, 3600), 2);
	T_INTEQ(shard_needed(86400, 4 * 3600), 6);
	T_INTEQ(shard_needed(10, 0), 0);
	char t[320];
	T_INTEQ(shard_advice(1000, 3600, 4, 8, t, sizeof t), 1);
	T_CHECK(strstr(t, "one machine is enough") != NULL);
	T_INTEQ(shard_advice(3 * 3600, 3600, 4, 16, t, sizeof t), 3);
	T_CHECK(strstr(t, "3 needed") && strstr(t, "--shard K/3"));
	/* 5 machines needed, but 8 connections allow two machines of 4 workers */
	T_INTEQ(shard_advice(5 * 3600, 3600, 4, 8, t, sizeof t), 5);
	T_CHECK(strstr(t, "allow 8 connections: 2 machines of 4 workers") != NULL);
}

static void journal_names(void)
{
	struct plan p;
	memset(&p, 0, sizeof p);
	p.name = "isp-a";
	p.dir = "/srv/plans";
	char *a = journal_plan_shard_path(&p, 2, 4), *b = journal_plan_shard_path(&p, 0, 1);
	T_STREQ(a, "/srv/plans/isp-a.shard-2-of-4.db");
	T_STREQ(b, "/srv/plans/isp-a.db");
	free(a);
	free(b);
	p.migration.journal = "/shared/j/night1";
	a = journal_plan_shard_path(&p, 3, 8);
	T_STREQ(a, "/shared/j/night1.shard-3-of-8");
	free(a);
}

int main(void)
{
	make_ids();
	T_RUN(hash_is_fixed);
	T_RUN(hash_spreads_evenly);
	T_RUN(hash_stable_across_n);
	T_RUN(balance_is_balanced_and_deterministic);
	T_RUN(balance_more_shards_than_items);
	T_RUN(parse_spec);
	T_RUN(env_slurm_and_kubernetes);
	T_RUN(map_round_trip);
	T_RUN(caps_and_needed);
	T_RUN(journal_names);
	return T_DONE();
}
