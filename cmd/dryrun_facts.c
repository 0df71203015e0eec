/* dryrun_facts: what the three dry-run renderers derive alike from the report: warnings
 * grouped by their text, one customer's projected time, who prepared the report. */
#include <stdlib.h>
#include <string.h>

#include "cmd/dryrun.h"

/* "customer c1: text" -> id "c1" (copied into id) and text; NULL when not of that form. */
static const char *dryrun_line_split(const char *line, char *id, size_t n)
{
	static const char pre[] = "customer ";
	const char *colon;
	if (strncmp(line, pre, sizeof pre - 1) != 0)
		return NULL;
	line += sizeof pre - 1;
	colon = strstr(line, ": ");
	if (!colon || (size_t)(colon - line) >= n || colon == line)
		return NULL;
	memcpy(id, line, (size_t)(colon - line));
	id[colon - line] = '\0';
	return colon + 2;
}

struct dryrun_group *dryrun_group_lines(char *const *lines, size_t n, size_t *n_groups)
{
	struct dryrun_group *g = calloc(n ? n : 1, sizeof *g);
	size_t k = 0;
	*n_groups = 0;
	if (!g)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		char id[128];
		const char *text = dryrun_line_split(lines[i], id, sizeof id);
		size_t j = 0;
		if (text)
			while (j < k && !(g[j].n_ids && strcmp(g[j].text, text) == 0))
				j++;
		else
			j = k;
		if (j == k) {
			g[k].text = text ? text : lines[i];
			g[k].ids = calloc(n, sizeof *g[k].ids);
			if (!g[k].ids) {
				dryrun_group_free(g, k);
				return NULL;
			}
			k++;
		}
		if (text && !(g[j].ids[g[j].n_ids] = strdup(id))) {
			dryrun_group_free(g, k);
			return NULL;
		}
		g[j].n_ids += text != NULL;
	}
	*n_groups = k;
	return g;
}

void dryrun_group_free(struct dryrun_group *g, size_t n)
{
	for (size_t i = 0; g && i < n; i++) {
		for (size_t j = 0; j < g[i].n_ids; j++)
			free(g[i].ids[j]);
		free(g[i].ids);
	}
	free(g);
}

double dryrun_customer_seconds(const struct dryrun_report *r, const char *id)
{
	if (!r->estimated)
		return -1;
	for (size_t i = 0; i < r->n_jobs; i++)
		if (strcmp(r->jobs[i].id, id) == 0)
			return r->jobs[i].seconds;
	return -1;
}

const char *dryrun_prepared_by(void)
{
	const char *u = getenv("USER");
	if (!u || !*u)
		u = getenv("LOGNAME");
	return u && *u ? u : "unknown";
}
