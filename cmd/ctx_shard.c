/* ctx_shard: the scale side of ctx: which shard this process is (--shard, else the batch
 * system's environment), the plan narrowed to that shard's customers with its share of
 * the caps, and a set of journals (--journal) merged into one for the readers. */
#include "cmd/ctx_shard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mapping/journal_set.h"
#include "schedule/shard.h"

static const char *ctx_getenv(const char *name)
{
	return getenv(name);
}

/* Keep the shard's customers first, in plan order; the rest stay behind n_customers so
 * plan_free still frees them (ctx_shard_release puts the count back). */
static void ctx_shard_narrow(struct ctx_store *s, const bool *mine)
{
	struct plan *p = s->ctx.plan;
	size_t n = p->n_customers, w = 0;
	struct plan_customer *tmp = malloc((n + 1) * sizeof *tmp);
	if (!tmp)
		abort();
	for (size_t i = 0; i < n; i++)
		if (mine[i])
			tmp[w++] = p->customers[i];
	size_t kept = w;
	for (size_t i = 0; i < n; i++)
		if (!mine[i])
			tmp[w++] = p->customers[i];
	memcpy(p->customers, tmp, n * sizeof *tmp);
	free(tmp);
	s->n_customers_all = n;
	p->n_customers = kept;
}

/* The plan's caps per server shared by the n shards, at least one connection each; the
 * workers never more than the connections allowed. */
static void ctx_shard_caps(struct plan *p, int n, bool quiet)
{
	struct plan_endpoint *src = &p->migration.source, *dst = &p->migration.destination;
	int s0 = src->max_connections, d0 = dst->max_connections, w0 = p->migration.workers;
	src->max_connections = shard_cap(src->max_connections, n);
	dst->max_connections = shard_cap(dst->max_connections, n);
	src->max_messages_per_hour = shard_cap(src->max_messages_per_hour, n);
	dst->max_messages_per_hour = shard_cap(dst->max_messages_per_hour, n);
	int cap = src->max_connections < dst->max_connections ? src->max_connections
	                                                       : dst->max_connections;
	if (cap > 0 && p->migration.workers > cap)
		p->migration.workers = cap;
	if (!quiet)
		fprintf(stderr, "cutover: this shard's share of the caps: %d of %d connections to the "
		        "source, %d of %d to the destination, %d worker%s (plan: %d)%s\n",
		        src->max_connections, s0, dst->max_connections, d0, p->migration.workers,
		        p->migration.workers == 1 ? "" : "s", w0,
		        s0 < n || d0 < n ? "; more shards than connections allowed: each still "
		        "needs one, so the servers see more than the plan's cap" : "");
}

/* Every customer's shard: from the map when there is one (a customer added to the plan
 * after the map was written goes by hash, and is named), else by hash. */
static int ctx_shard_assign(struct ctx_store *s, const char *map_path, bool *mine, size_t *unmapped,
                            struct err *e)
{
	struct plan *p = s->ctx.plan;
	struct shard_map m = { 0 };
	*unmapped = 0;
	if (map_path) {
		if (shard_map_read(&m, map_path, e) < 0)
			return -1;
		if (m.count != s->ctx.shard_n) {
			err_set(e, ERR_USAGE, "shard map %s is for %d shards, this is shard %d of %d",
			        map_path, m.count, s->ctx.shard_k, s->ctx.shard_n);
			shard_map_release(&m);
			return -1;
		}
	}
	for (size_t i = 0; i < p->n_customers; i++) {
		int k = map_path ? shard_map_find(&m, p->customers[i].id) : -1;
		if (map_path && k < 0) {
			if (!s->common.quiet && *unmapped < 10)
				fprintf(stderr, "cutover: customer %s is not in the shard map %s (added to the "
				        "plan since?): placed by hash\n", p->customers[i].id, map_path);
			++*unmapped;
		}
		if (k < 0)
			k = shard_of_id(p->customers[i].id, s->ctx.shard_n);
		mine[i] = k == s->ctx.shard_k;
	}
	shard_map_release(&m);
	return 0;
}

int ctx_shard_setup(struct ctx_store *s, bool tell_caps, struct err *e)
{
	struct shard_spec sp = { 0, 0, NULL };
	bool found = false;
	const char *map = s->common.shard_map ? s->common.shard_map : getenv("CUTOVER_SHARD_MAP");
	if (s->common.shard) {
		if (shard_parse(s->common.shard, &sp, e) < 0)
			return -1;
	} else if (shard_from_env(ctx_getenv, &sp, &found, e) < 0) {
		return -1;
	}
	if (map && !*map)
		map = NULL;
	if (sp.n <= 1) {
		if (s->common.shard_map)
			return err_set(e, ERR_USAGE, "--shard-map needs a shard (--shard K/N, or a Slurm "
			               "array or Kubernetes Indexed Job)");
		return 0;
	}
	struct plan *p = s->ctx.plan;
	bool *mine = calloc(p->n_customers + 1, sizeof *mine);
	size_t unmapped = 0;
	if (!mine)
		return err_set(e, ERR_NOMEM, "out of memory");
	s->ctx.shard_k = sp.k;
	s->ctx.shard_n = sp.n;
	if (ctx_shard_assign(s, map, mine, &unmapped, e) < 0) {
		free(mine);
		return -1;
	}
	size_t all = p->n_customers;
	ctx_shard_narrow(s, mine);
	free(mine);
	if (!s->common.quiet) {
		fprintf(stderr, "cutover: shard %d of %d (%s, numbered from 0): %zu of %zu customers, "
		        "%s", sp.k, sp.n, sp.from, p->n_customers, all, map ? "by the map " : "by hash");
		if (unmapped)
			fprintf(stderr, "%s (%zu not in it, by hash)", map, unmapped);
		else if (map)
			fputs(map, stderr);
		fputc('\n', stderr);
	}
	ctx_shard_caps(p, sp.n, s->common.quiet || !tell_caps);
	return 0;
}

/* "a.db, b.db, …" for the reports' "journal:" line. */
static char *ctx_shard_names(char **v, size_t n)
{
	size_t len = 1;
	for (size_t i = 0; i < n; i++)
		len += strlen(v[i]) + 2;
	char *out = malloc(len);
	if (!out)
		return NULL;
	out[0] = 0;
	for (size_t i = 0; i < n; i++) {
		if (i)
			strcat(out, ", ");
		strcat(out, v[i]);
	}
	return out;
}

int ctx_journal_set(struct ctx_store *s, bool write, struct err *e)
{
	struct cmd_ctx *c = &s->ctx;
	char **paths = NULL, tmpl[] = "/tmp/cutover-journals-XXXXXX";
	size_t n = 0;
	if (write)
		return err_set(e, ERR_USAGE, "--journal names journals to read; a command that writes "
		               "uses its own (its shard's: --shard K/N)");
	if (journal_set_expand(s->common.journal.v, s->common.journal.n, &paths, &n, e) < 0)
		return -1;
	c->journal_path = ctx_shard_names(paths, n);
	if (!c->journal_path) {
		journal_set_free(paths, n);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	if (n == 1) {     /* one journal: read it as it is */
		int rc = journal_open_ro(&c->journal, paths[0], e);
		journal_set_free(paths, n);
		return rc < 0 ? err_prefix(e, "journal %s: ", c->journal_path) : 0;
	}
	const char *dir = getenv("TMPDIR");
	char *path = malloc(strlen(dir && *dir ? dir : "/tmp") + 32);
	if (!path) {
		journal_set_free(paths, n);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	sprintf(path, "%s/%s", dir && *dir ? dir : "/tmp", tmpl + 5);
	int fd = mkstemp(path);
	if (fd < 0) {
		free(path);
		journal_set_free(paths, n);
		return err_set(e, ERR_IO, "a temporary file for the merged journals: cannot create it");
	}
	close(fd);
	s->merged_path = path;
	int rc = journal_set_merge((const char *const *)paths, n, path, e);
	journal_set_free(paths, n);
	if (rc < 0 || journal_open_ro(&c->journal, path, e) < 0)
		return -1;
	return 0;
}

void ctx_shard_release(struct ctx_store *s)
{
	if (s->ctx.plan && s->n_customers_all)
		s->ctx.plan->n_customers = s->n_customers_all;
	if (s->merged_path) {
		static const char *const suffix[] = { "", "-wal", "-shm", "-journal" };
		size_t len = strlen(s->merged_path) + 16;
		char *f = malloc(len);
		for (size_t i = 0; f && i < sizeof suffix / sizeof *suffix; i++) {
			snprintf(f, len, "%s%s", s->merged_path, suffix[i]);
			unlink(f);
		}
		free(f);
		free(s->merged_path);
		s->merged_path = NULL;
	}
}
