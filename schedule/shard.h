/* shard: which of N shards copies a customer. Pure arithmetic (no I/O except the map
 * file), the same answer on every machine: shards started at different times on
 * different hosts must never disagree, or a customer is copied twice or not at all.
 *
 * Two ways, see docs/scale.md:
 *  - by hash (default): shard = shard_jump(shard_hash(id), N). shard_hash is 64-bit
 *    FNV-1a over the id's bytes (offset 14695981039346656037, prime 1099511628211, mod
 *    2^64); shard_jump is Lamping & Veach's jump consistent hash done in integers only
 *    (key = key * 2862933555777941757 + 1 mod 2^64; j = ((b + 1) << 31) / ((key >> 33) + 1)),
 *    so no floating point and no byte order enters. Growing N to N + 1 moves only the
 *    customers that land in the new shard.
 *  - by a shard map (balanced by size): written once by `cutover shards --write-map` from
 *    a dry-run inventory, largest first onto the least loaded shard, read by every shard. */
#ifndef CUTOVER_SHARD_H
#define CUTOVER_SHARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define SHARD_MAX 10000

/* Shard k of n, 0 <= k < n (numbered from 0, as Slurm array and Kubernetes indexes are). */
struct shard_spec {
	int k, n;
	const char *from;   /* "--shard", "SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX" */
};

uint64_t shard_hash(const char *id);
int shard_jump(uint64_t key, int n);
/* shard_jump(shard_hash(id), n) */
int shard_of_id(const char *id, int n);

/* "K/N". ERR_USAGE with a text naming what is wrong. */
int shard_parse(const char *s, struct shard_spec *out, struct err *e);

/* The shard from a batch system's environment, read through get (getenv in the program,
 * a table in tests): Slurm array (SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN of
 * SLURM_ARRAY_TASK_COUNT; with CUTOVER_SHARD_COUNT set the array index is the shard number
 * itself, so one shard can be re-submitted alone), then a Kubernetes Indexed Job
 * (JOB_COMPLETION_INDEX of CUTOVER_SHARD_COUNT, which the manifest must set: Kubernetes
 * does not export the completions count). *found false when neither is there. */
int shard_from_env(const char *(*get)(const char *name), struct shard_spec *out, bool *found,
                   struct err *e);

/* One customer to place by size. */
struct shard_item {
	const char *id;
	uint64_t msgs, bytes;
	double weight;      /* what is balanced: expected seconds, or bytes when no rate is known */
	int shard;          /* out */
};

/* Largest weight first (ties by id), each onto the shard with the least load so far (ties:
 * the lowest number). The result depends only on the items' ids and weights and n, never
 * on their order. load[n] (may be NULL) receives each shard's total weight. */
int shard_balance(struct shard_item *v, size_t n_items, int n, double *load, struct err *e);

/* A shard map: which shard each customer goes to, for `count` shards. */
struct shard_map_entry {
	char *id;
	int shard;
};
struct shard_map {
	int count;
	struct shard_map_entry *v;   /* sorted by id once read */
	size_t n;
};

/* The file: a first line "cutover-shard-map 1 <count>", then one "<shard> <id>" a line
 * (the id is the rest of the line); '#' lines are comments. ERR_DATA names file:line. */
int shard_map_read(struct shard_map *m, const char *path, struct err *e);
/* Written to path.tmp and renamed, so a shard never reads half a map. */
int shard_map_write(const struct shard_item *v, size_t n, int count, const char *comment,
                    const char *path, struct err *e);
/* -1 when id is not in the map (binary search). */
int shard_map_find(const struct shard_map *m, const char *id);
void shard_map_release(struct shard_map *m);

/* Shard caps: a plan's per-server cap shared by n shards, at least 1 each. */
int shard_cap(int cap, int n);

/* Shards a night needs: one machine's estimate of `seconds` against a window of
 * `window_s` seconds (0 when there is no window or no estimate). */
int shard_needed(double seconds, double window_s);
/* The same in a sentence for the dry-run, knowing that N shards together never open more
 * than `cap` (the smaller of the plan's source and destination max_connections, 0 = none)
 * connections of `workers` each; returns shard_needed. */
int shard_advice(double seconds, double window_s, int workers, int cap, char *out, size_t size);

#endif
