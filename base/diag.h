/* diag: a list of positioned diagnostics (errors and warnings) about an input file,
 * collected so that every problem is reported, not only the first. */
#ifndef CUTOVER_DIAG_H
#define CUTOVER_DIAG_H

#include <stddef.h>
#include <stdio.h>

enum diag_sev { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE };

struct diag_item {
	enum diag_sev sev;
	char *file;     /* owned copy */
	int line, col;  /* 1-based; col 0 = whole line (CSV rows); line 0 = whole file */
	char *msg;      /* owned */
};

struct diag {
	struct diag_item *items;
	size_t n, alloc;
	size_t errors, warnings;
};

#define DIAG_INIT { NULL, 0, 0, 0, 0 }

void diag_init(struct diag *d);
void diag_add(struct diag *d, enum diag_sev sev, const char *file, int line, int col,
              const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Sort by file, line, col (stable), so output order does not depend on check order. */
void diag_sort(struct diag *d);
/* "file:line:col: error: msg" (col omitted when 0, line omitted when 0), one per line. */
void diag_print(const struct diag *d, FILE *f);
void diag_release(struct diag *d);

#endif
