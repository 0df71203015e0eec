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
