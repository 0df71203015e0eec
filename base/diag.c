/* diag: collecting and printing positioned diagnostics. */
#include "base/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void diag_init(struct diag *d)
{
	memset(d, 0, sizeof *d);
}

static char *diag_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

void diag_add(struct diag *d, enum diag_sev sev, const char *file, int line, int col,
              const char *fmt, ...)
{
	va_list ap;
	char msg[1024];
	struct diag_item *it;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (d->n == d->alloc) {
		size_t na = d->alloc ? d->alloc * 2 : 16;
		struct diag_item *p = realloc(d->items, na * sizeof *p);
		if (!p)
			abort(); /* out of memory while reporting: nothing sensible left to do */
		d->items = p;
		d->alloc = na;
	}
	it = &d->items[d->n++];
	it->sev = sev;
	it->file = diag_strdup(file);
	it->line = line;
	it->col = col;
	it->msg = diag_strdup(msg);
	if (sev == DIAG_ERROR)
		d->errors++;
	else if (sev == DIAG_WARNING)
		d->warnings++;
}

static int diag_cmp(const void *a, const void *b)
{
	const struct diag_item *x = a, *y = b;
	int c = strcmp(x->file ? x->file : "", y->file ? y->file : "");
	if (c)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return 0;
}

void diag_sort(struct diag *d)
{
	/* qsort is not stable: tag with the index to keep insertion order among equals. */
	size_t i, j;
	for (i = 1; i < d->n; i++) {
		struct diag_item t = d->items[i];
		for (j = i; j > 0 && diag_cmp(&d->items[j - 1], &t) > 0; j--)
			d->items[j] = d->items[j - 1];
		d->items[j] = t;
	}
}

void diag_print(const struct diag *d, FILE *f)
{
	static const char *const sev[] = { "error", "warning", "note" };
	for (size_t i = 0; i < d->n; i++) {
		const struct diag_item *it = &d->items[i];
		if (it->file)
			fputs(it->file, f);
		if (it->line > 0)
			fprintf(f, ":%d", it->line);
		if (it->line > 0 && it->col > 0)
			fprintf(f, ":%d", it->col);
		fprintf(f, "%s%s: %s\n", it->file ? ": " : "", sev[it->sev], it->msg);
	}
}

void diag_release(struct diag *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->items[i].file);
		free(d->items[i].msg);
	}
	free(d->items);
	memset(d, 0, sizeof *d);
}
