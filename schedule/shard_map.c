/* shard_map: the file `cutover shards --write-map` writes once and every shard reads, so
 * shards started at different times on different machines share one balanced partition. */
#include "schedule/shard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void shard_map_release(struct shard_map *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i].id);
	free(m->v);
	memset(m, 0, sizeof *m);
}

static int shard_map_cmp(const void *a, const void *b)
{
	return strcmp(((const struct shard_map_entry *)a)->id, ((const struct shard_map_entry *)b)->id);
}

static int shard_map_add(struct shard_map *m, const char *id, int shard, size_t *cap)
{
	if (m->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		struct shard_map_entry *nv = realloc(m->v, nc * sizeof *nv);
		if (!nv)
			return -1;
		m->v = nv;
		*cap = nc;
	}
	if (!(m->v[m->n].id = strdup(id)))
		return -1;
	m->v[m->n++].shard = shard;
	return 0;
}

/* One line: "<shard> <id>". */
static int shard_map_line(struct shard_map *m, char *line, const char *path, size_t lineno,
                          size_t *cap, struct err *e)
{
	char *end, *id;
	long k = strtol(line, &end, 10);
	if (end == line || *end != ' ' || k < 0 || k >= m->count || !*(id = end + 1))
		return err_set(e, ERR_DATA, "%s:%zu: expected \"<shard 0..%d> <customer id>\"", path,
		               lineno, m->count - 1);
	if (shard_map_add(m, id, (int)k, cap) < 0)
		return err_set(e, ERR_NOMEM, "out of memory");
	return 0;
}

int shard_map_read(struct shard_map *m, const char *path, struct err *e)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t lcap = 0, cap = 0, lineno = 0;
	ssize_t len;
	int rc = 0;
	memset(m, 0, sizeof *m);
	if (!f)
		return err_set(e, ERR_NOINPUT, "shard map %s: cannot read it", path);
	while (rc == 0 && (len = getline(&line, &lcap, f)) >= 0) {
		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = 0;
		if (lineno == 1) {
			int v = 0, c = 0;
			char tail;
			if (sscanf(line, "cutover-shard-map %d %d%c", &v, &c, &tail) != 2 || v != 1 ||
			    c < 1 || c > SHARD_MAX)
				rc = err_set(e, ERR_DATA, "%s:1: not a cutover shard map (expected "
				             "\"cutover-shard-map 1 <count>\")", path);
			m->count = c;
			continue;
		}
		if (line[0] == '#' || line[0] == 0)
			continue;
		rc = shard_map_line(m, line, path, lineno, &cap, e);
	}
	if (rc == 0 && lineno == 0)
		rc = err_set(e, ERR_DATA, "%s: empty shard map", path);
	if (rc == 0 && m->n)
		qsort(m->v, m->n, sizeof *m->v, shard_map_cmp);
	for (size_t i = 1; rc == 0 && i < m->n; i++)
		if (strcmp(m->v[i - 1].id, m->v[i].id) == 0)
			rc = err_set(e, ERR_DATA, "%s: customer %s is listed twice", path, m->v[i].id);
	free(line);
	fclose(f);
	if (rc < 0)
		shard_map_release(m);
	return rc;
}

int shard_map_find(const struct shard_map *m, const char *id)
{
	struct shard_map_entry key = { (char *)id, 0 };
	const struct shard_map_entry *hit = m->n ? bsearch(&key, m->v, m->n, sizeof *m->v,
	                                                   shard_map_cmp) : NULL;
	return hit ? hit->shard : -1;
}

int shard_map_write(const struct shard_item *v, size_t n, int count, const char *comment,
                    const char *path, struct err *e)
{
	size_t len = strlen(path) + 5;
	char *tmp = malloc(len);
	FILE *f;
	if (!tmp)
		return err_set(e, ERR_NOMEM, "out of memory");
	snprintf(tmp, len, "%s.tmp", path);
	if (!(f = fopen(tmp, "w"))) {
		err_set(e, ERR_IO, "%s: cannot write it", tmp);
		free(tmp);
		return -1;
	}
	fprintf(f, "cutover-shard-map 1 %d\n", count);
	if (comment)
		fprintf(f, "# %s\n", comment);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%d %s\n", v[i].shard, v[i].id);
	bool ok = !ferror(f) && fflush(f) == 0 && fsync(fileno(f)) == 0;
	ok &= fclose(f) == 0;
	if (!ok || rename(tmp, path) < 0) {
		unlink(tmp);
		err_set(e, ERR_IO, "%s: cannot write it", path);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}
