/* journal_plan: where a plan's journal lives, the one rule every command uses. */
#include "mapping/journal_plan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *journal_plan_path(const struct plan *p)
{
	const char *j = p->migration.journal;
	char def[1024], *out;
	size_t n;
	if (!j || !*j) {
		snprintf(def, sizeof def, "%s.db", p->name && *p->name ? p->name : "cutover");
		j = def;
	}
	/* Relative to the plan's directory, so the same plan finds the same journal from
	 * wherever it is run. */
	if (j[0] == '/' || !p->dir || !*p->dir)
		return strdup(j);
	n = strlen(p->dir) + strlen(j) + 2;
	out = malloc(n);
	if (out)
		snprintf(out, n, "%s/%s", p->dir, j);
	return out;
}

/* "<stem>.shard-K-of-N<ext>": each shard its own SQLite file, so shards on several machines
 * never contend for one file on a shared filesystem (SQLite's locks are not to be trusted
 * over NFS), and the name says which shard wrote it. */
char *journal_plan_shard_path(const struct plan *p, int k, int n)
{
	char *base = journal_plan_path(p), *out;
	if (!base || n <= 1)
		return base;
	size_t len = strlen(base), cap = len + 48;
	const char *slash = strrchr(base, '/'), *dot = strrchr(base, '.');
	size_t stem = dot && (!slash || dot > slash + 1) ? (size_t)(dot - base) : len;
	out = malloc(cap);
	if (out)
		snprintf(out, cap, "%.*s.shard-%d-of-%d%s", (int)stem, base, k, n, base + stem);
	free(base);
	return out;
}
