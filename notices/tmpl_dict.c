/* tmpl_dict: the variables a template sees: named strings and lists of dictionaries. */
#include "notices/tmpl.h"
#include "notices/tmpl_p.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tmpl_dict *tmpl_dict_new(void)
{
	return calloc(1, sizeof(struct tmpl_dict));
}

static void tmpl_dict_entry_clear(struct tmpl_entry *en)
{
	free(en->value);
	for (size_t i = 0; i < en->n_items; i++)
		tmpl_dict_free(en->items[i]);
	free(en->items);
	en->value = NULL;
	en->items = NULL;
	en->n_items = 0;
}

void tmpl_dict_free(struct tmpl_dict *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++) {
		tmpl_dict_entry_clear(&d->v[i]);
		free(d->v[i].name);
	}
	free(d->v);
	free(d);
}

const struct tmpl_entry *tmpl_dict_find(const struct tmpl_dict *d, const char *name, size_t len)
{
	for (size_t i = 0; i < d->n; i++)
		if (strlen(d->v[i].name) == len && memcmp(d->v[i].name, name, len) == 0)
			return &d->v[i];
	return NULL;
}

/* The entry for name, created empty when absent. */
static struct tmpl_entry *tmpl_dict_slot(struct tmpl_dict *d, const char *name)
{
	struct tmpl_entry *en = (struct tmpl_entry *)tmpl_dict_find(d, name, strlen(name));
	if (en)
		return en;
	if (d->n == d->alloc) {
		size_t na = d->alloc ? d->alloc * 2 : 16;
		struct tmpl_entry *nv = realloc(d->v, na * sizeof *nv);
		if (!nv)
			return NULL;
		d->v = nv;
		d->alloc = na;
	}
	en = &d->v[d->n];
	memset(en, 0, sizeof *en);
	en->name = strdup(name);
	if (!en->name)
		return NULL;
	d->n++;
	return en;
}

int tmpl_dict_set(struct tmpl_dict *d, const char *name, const char *value)
{
	struct tmpl_entry *en = tmpl_dict_slot(d, name);
	char *v;
	if (!en || !(v = strdup(value ? value : "")))
		return -1;
	tmpl_dict_entry_clear(en);
	en->is_list = false;
	en->value = v;
	return 0;
}

int tmpl_dict_setf(struct tmpl_dict *d, const char *name, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int n, rc;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !(s = malloc((size_t)n + 1)))
		return -1;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	rc = tmpl_dict_set(d, name, s);
	free(s);
	return rc;
}

int tmpl_dict_flag(struct tmpl_dict *d, const char *name, bool on)
{
	return tmpl_dict_set(d, name, on ? "1" : "");
}

int tmpl_dict_list(struct tmpl_dict *d, const char *name)
{
	struct tmpl_entry *en = tmpl_dict_slot(d, name);
	if (!en)
		return -1;
	if (!en->is_list) {
		tmpl_dict_entry_clear(en);
		en->is_list = true;
	}
	return 0;
}

struct tmpl_dict *tmpl_dict_list_add(struct tmpl_dict *d, const char *name)
{
	struct tmpl_entry *en;
	struct tmpl_dict **ni, *item;
	if (tmpl_dict_list(d, name) < 0)
		return NULL;
	en = (struct tmpl_entry *)tmpl_dict_find(d, name, strlen(name));
	ni = realloc(en->items, (en->n_items + 1) * sizeof *ni);
	if (!ni)
		return NULL;
	en->items = ni;
	if (!(item = tmpl_dict_new()))
		return NULL;
	en->items[en->n_items++] = item;
	return item;
}

const char *tmpl_dict_get(const struct tmpl_dict *d, const char *name)
{
	const struct tmpl_entry *en = tmpl_dict_find(d, name, strlen(name));
	return en && !en->is_list ? en->value : NULL;
}
