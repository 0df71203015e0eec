/* dryrun_shards: the dry-run's answer to "how many machines does the night need": one
 * machine's estimate against the window, bounded by the plan's connection caps, which
 * the shards share (docs/scale.md). */
#include "cmd/dryrun.h"
#include "schedule/shard.h"

int dryrun_shards_advice(const struct dryrun_report *r, char *out, size_t size)
{
	const struct plan *p = r->plan;
	int src = p->migration.source.max_connections, dst = p->migration.destination.max_connections;
	int cap = src > 0 && (dst <= 0 || src < dst) ? src : dst;
	return shard_advice(r->est.seconds, difftime(p->window.end.t, p->window.start.t), r->workers,
	                    cap, out, size);
}
