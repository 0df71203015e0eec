/* cmd_shards: `cutover shards PLAN --count N` — which customers each of N shards copies,
 * the bytes and the expected time of each, and (--write-map) the map every shard reads so
 * that shards started at different times share one balanced partition. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <jansson.h>

#include "cmd/cmd.h"
#include "cmd/jsondoc.h"
#include "schedule/estimate.h"
#include "schedule/shard.h"

struct shards_opts {
	long count;
	bool json;
	const char *inventory, *write_map;
};

static const struct opt_spec shards_opts[] = {
	OPT_BIND_INT("count", 'n', struct shards_opts, count, "N", "how many shards (required)", 1,
	             SHARD_MAX),
	OPT_BIND_STR("inventory", 0, struct shards_opts, inventory, "FILE",
	             "a dry-run report (cutover dry-run --format json): balance the shards by "
	             "size, largest first; without it: by hash of the customer id", NULL),
	OPT_BIND_STR("write-map", 0, struct shards_opts, write_map, "FILE",
	             "write the partition for every shard to read (run --shard-map FILE)", NULL),
	OPT_BIND_FLAG("json", 0, struct shards_opts, json, "print it as JSON on stdout"),
};

/* What the dry-run measured: each customer's size and the rate of one connection pair. */
struct shards_inv {
	json_t *root;
	struct estimate_rate rate;
};

static int shards_inv_load(struct shards_inv *inv, const char *path, struct err *e)
{
	json_error_t je;
	memset(inv, 0, sizeof *inv);
	inv->root = json_load_file(path, 0, &je);
	if (!inv->root)
		return err_set(e, ERR_NOINPUT, "%s: not a dry-run JSON report (line %d: %s)", path,
		               je.line, je.text);
	if (!json_is_array(json_object_get(inv->root, "customers")))
		return err_set(e, ERR_DATA, "%s: no \"customers\" list: not a dry-run JSON report", path);
	json_t *est = json_object_get(inv->root, "estimate");
	inv->rate.msgs_per_s = json_number_value(json_object_get(est, "msgs_per_second"));
	inv->rate.bytes_per_s = json_number_value(json_object_get(est, "bytes_per_second"));
	return 0;
}

static bool shards_inv_find(const struct shards_inv *inv, const char *id, uint64_t *msgs,
                            uint64_t *bytes)
{
	json_t *cs = json_object_get(inv->root, "customers"), *c;
	size_t i;
	json_array_foreach(cs, i, c) {
		/* "customer" (docs/json.md); "id" in reports written before schema 1 everywhere */
		const char *cid = json_string_value(json_object_get(c, "customer"));
		if (!cid)
			cid = json_string_value(json_object_get(c, "id"));
		if (cid && strcmp(cid, id) == 0) {
			*msgs = (uint64_t)json_integer_value(json_object_get(c, "messages"));
			*bytes = (uint64_t)json_integer_value(json_object_get(c, "bytes"));
			return true;
		}
	}
	return false;
}

/* One shard's totals and its expected time with its share of the workers. */
struct shards_sum {
	size_t customers;
	uint64_t msgs, bytes;
	double seconds;
};

static int shards_workers(const struct plan *p, int n)
{
	int w = p->migration.workers > 0 ? p->migration.workers : 4;
	int s = shard_cap(p->migration.source.max_connections, n);
	int d = shard_cap(p->migration.destination.max_connections, n);
	if (s > 0 && w > s)
		w = s;
	if (d > 0 && w > d)
		w = d;
	return w;
}

static int shards_sums(const struct plan *p, const struct shard_item *v, size_t n, int count,
                       const struct estimate_rate *rate, struct shards_sum *sum, struct err *e)
{
	struct estimate_job *jobs = calloc(n + 1, sizeof *jobs);
	if (!jobs)
		return err_set(e, ERR_NOMEM, "out of memory");
	for (int k = 0; k < count; k++) {
		size_t nj = 0;
		for (size_t i = 0; i < n; i++) {
			if (v[i].shard != k)
				continue;
			jobs[nj++] = (struct estimate_job){ .id = v[i].id, .msgs = v[i].msgs, .bytes = v[i].bytes };
			sum[k].customers++;
			sum[k].msgs += v[i].msgs;
			sum[k].bytes += v[i].bytes;
		}
		if (rate->msgs_per_s > 0 || rate->bytes_per_s > 0) {
			struct estimate_result r;
			estimate_schedule(jobs, nj, shards_workers(p, count), rate, p->window.start.t,
			                  p->window.end.t, &r);
			sum[k].seconds = r.seconds;
		}
	}
	free(jobs);
	return 0;
}

static void shards_text(const struct plan *p, const struct shard_item *v, size_t n, int count,
                        const struct shards_sum *sum, bool sized, bool timed, double one_s)
{
	double window = difftime(p->window.end.t, p->window.start.t);
	printf("%d shard%s of %zu customers, %s; %d worker%s each (the plan's caps divided)\n", count,
	       count == 1 ? "" : "s", n, sized ? "balanced by size (largest first)" :
	       "by hash of the customer id (no --inventory: sizes unknown)", shards_workers(p, count),
	       shards_workers(p, count) == 1 ? "" : "s");
	printf("%-6s %10s %10s %12s %10s\n", "shard", "customers", "messages", "bytes", "time");
	for (int k = 0; k < count; k++) {
		char b[32] = "?", m[32] = "?", t[32] = "?";
		if (timed)
			snprintf(t, sizeof t, "%.0f s", sum[k].seconds);
		if (sized) {
			snprintf(m, sizeof m, "%llu", (unsigned long long)sum[k].msgs);
			cmd_fmt_bytes(sum[k].bytes, b, sizeof b);
		}
		printf("%-6d %10zu %10s %12s %10s\n", k, sum[k].customers, m, b, t);
	}
	if (timed && window > 0)
		printf("one machine: %.0f s; the window: %.0f s; shards the window needs: %d\n", one_s,
		       window, shard_needed(one_s, window));
	for (int k = 0; k < count; k++) {
		printf("shard %d:", k);
		for (size_t i = 0; i < n; i++)
			if (v[i].shard == k)
				printf(" %s", v[i].id);
		putchar('\n');
	}
}

static int shards_json(const struct plan *p, const struct shard_item *v, size_t n, int count,
                       const struct shards_sum *sum, bool sized, bool timed, double one_s)
{
	json_t *root = jsondoc_new("shards"), *arr = json_array();
	double window = difftime(p->window.end.t, p->window.start.t);
	json_object_set_new(root, "plan", json_string(p->name ? p->name : ""));
	json_object_set_new(root, "count", json_integer(count));
	json_object_set_new(root, "method", json_string(sized ? "size" : "hash"));
	json_object_set_new(root, "workers_per_shard", json_integer(shards_workers(p, count)));
	for (int k = 0; k < count; k++) {
		json_t *o = json_object(), *ids = json_array();
		for (size_t i = 0; i < n; i++)
			if (v[i].shard == k)
				json_array_append_new(ids, json_string(v[i].id));
		json_object_set_new(o, "shard", json_integer(k));
		json_object_set_new(o, "customers", ids);
		json_object_set_new(o, "messages", sized ? json_integer((json_int_t)sum[k].msgs) : json_null());
		json_object_set_new(o, "bytes", sized ? json_integer((json_int_t)sum[k].bytes) : json_null());
		json_object_set_new(o, "seconds", timed ? jsondoc_real(sum[k].seconds, 1) : json_null());
		json_array_append_new(arr, o);
	}
	json_object_set_new(root, "shards", arr);
	json_object_set_new(root, "one_machine_seconds", timed ? jsondoc_real(one_s, 1) : json_null());
	json_object_set_new(root, "window_seconds", json_integer((json_int_t)window));
	json_object_set_new(root, "shards_needed",
	                    timed && window > 0 ? json_integer(shard_needed(one_s, window)) : json_null());
	int rc = jsondoc_dump(root, stdout);
	json_decref(root);
	return rc;
}

/* The items, placed: by size when the inventory knows the customers, else by hash. */
static int shards_place(const struct cmd_ctx *ctx, const struct shards_inv *inv, int count,
                        struct shard_item *v, struct err *e)
{
	const struct plan *p = ctx->plan;
	size_t missing = 0;
	for (size_t i = 0; i < p->n_customers; i++) {
		v[i].id = p->customers[i].id;
		if (inv->root && !shards_inv_find(inv, v[i].id, &v[i].msgs, &v[i].bytes) && missing++ < 10)
			fprintf(stderr, "cutover shards: customer %s is not in the inventory (counted as "
			        "empty)\n", v[i].id);
		bool rated = inv->rate.msgs_per_s > 0 || inv->rate.bytes_per_s > 0;
		v[i].weight = rated ? estimate_job_seconds(&inv->rate, v[i].msgs, v[i].bytes)
		                    : (double)v[i].bytes;
		v[i].shard = shard_of_id(v[i].id, count);
	}
	return inv->root ? shard_balance(v, p->n_customers, count, NULL, e) : 0;
}

static int shards_exec(const struct cmd_ctx *ctx, struct err *e)
{
	const struct shards_opts *o = ctx->opts;
	const struct plan *p = ctx->plan;
	struct shards_inv inv = { 0 };
	int count = (int)o->count, rc = EX_OK;
	if (count < 1)
		return err_set(e, ERR_USAGE, "--count N is required"), EX_USAGE;
	struct shard_item *v = calloc(p->n_customers + 1, sizeof *v);
	struct shards_sum *sum = calloc((size_t)count, sizeof *sum);
	if (!v || !sum) {
		err_set(e, ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((o->inventory && shards_inv_load(&inv, o->inventory, e) < 0) ||
	    shards_place(ctx, &inv, count, v, e) < 0 ||
	    shards_sums(p, v, p->n_customers, count, &inv.rate, sum, e) < 0)
		goto out;
	bool sized = inv.root != NULL, timed = inv.rate.msgs_per_s > 0 || inv.rate.bytes_per_s > 0;
	double one_s = 0;
	if (timed) {     /* the whole plan on one machine with the plan's own workers */
		struct shards_sum all[1];
		struct shard_item *w = calloc(p->n_customers + 1, sizeof *w);
		if (!w) {
			err_set(e, ERR_NOMEM, "out of memory");
			goto out;
		}
		memcpy(w, v, p->n_customers * sizeof *w);
		for (size_t i = 0; i < p->n_customers; i++)
			w[i].shard = 0;
		memset(all, 0, sizeof all);
		shards_sums(p, w, p->n_customers, 1, &inv.rate, all, e);
		one_s = all[0].seconds;
		free(w);
	}
	if (o->write_map) {
		char note[512];
		snprintf(note, sizeof note, "plan %s, %d shards, %s", p->name ? p->name : "",
		         count, sized ? "balanced by size from the dry-run inventory" : "by hash");
		if (shard_map_write(v, p->n_customers, count, note, o->write_map, e) < 0)
			goto out;
	}
	if (o->json)
		shards_json(p, v, p->n_customers, count, sum, sized, timed, one_s);
	else
		shards_text(p, v, p->n_customers, count, sum, sized, timed, one_s);
	if (o->write_map && !ctx->common->quiet)
		fprintf(stderr, "cutover shards: map written to %s (give it to every shard: run "
		        "--shard-map %s)\n", o->write_map, o->write_map);
out:
	if (err_is_set(e))
		rc = cmd_exit_for(e);
	json_decref(inv.root);
	free(v);
	free(sum);
	return rc;
}

const struct cmd_entry cmd_shards_entry = {
	.name = "shards",
	.summary = "split the customers over N shards (machines, batch tasks) and size each",
	.usage = "PLAN --count N [--inventory DRYRUN.json] [--write-map FILE] [--json]",
	.description =
		"Prints which customers each of N shards copies (`cutover run PLAN --shard K/N`,\n"
		"K from 0), with each shard's messages, bytes and expected time from a dry-run\n"
		"inventory. Without --inventory the shards go by a stable hash of the customer id\n"
		"(the same on every machine, nothing to share). With it they are balanced by size,\n"
		"largest first onto the least loaded shard; write that partition once with\n"
		"--write-map and give the same file to every shard (--shard-map or\n"
		"$CUTOVER_SHARD_MAP), so shards started at different times cannot disagree.\n"
		"Each shard gets 1/N of the plan's connection and rate caps (at least one\n"
		"connection) and its own journal. See docs/scale.md.",
	.opts = shards_opts,
	.n_opts = sizeof shards_opts / sizeof shards_opts[0],
	.opts_size = sizeof(struct shards_opts),
	.min_pos = 1,
	.max_pos = 1,
	.needs = { CMD_PLAN, CMD_JOURNAL_NONE, CMD_CUSTOMERS_NONE, CMD_LOGINS_NONE },
	.exec = shards_exec,
};
