/* opt: command-line options as data. One table per command drives parsing, usage
 * errors and --help, so they can never disagree. Each option is bound to a typed field
 * of the command's own options struct: a command reads `o->json`, never a name, so a
 * misspelt option is a compile error instead of a silent false. */
#ifndef CUTOVER_OPT_H
#define CUTOVER_OPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/err.h"

enum opt_type {
	OPT_FLAG,    /* bool: true when given */
	OPT_STRING,  /* const char *: NULL when not given (points into argv or choices) */
	OPT_INT,     /* long: 0 when not given; given values must lie in [min, max] */
	OPT_LIST     /* struct opt_list: every occurrence, in order (repeatable) */
};

/* A repeatable option's values; v is malloc'd (opt_release frees it), strings are argv's. */
struct opt_list {
	const char **v;
	size_t n;
};

struct opt_spec {
	const char *name;      /* long name without "--" */
	char short_name;       /* 0 = none */
	enum opt_type type;
	size_t off;            /* offset of the bound field in the options struct */
	const char *arg;       /* "N", "ID", "text|json" … for --help */
	const char *help;
	const char *const *choices; /* NULL-terminated allowed values for OPT_STRING, or NULL */
	long min, max;         /* OPT_INT: allowed range */
};

/* offsetof(S, f) that refuses to compile unless S.f has type T: comparing pointers of
 * different types is a constraint violation, and sizeof keeps it unevaluated. */
#define OPT_AT(S, f, T) (offsetof(S, f) + 0 * sizeof((T *)0 == &((S *)0)->f))

/* Table rows, one per option type, each bound to field f of options struct S. */
#define OPT_BIND_FLAG(name, sh, S, f, help) \
	{ name, sh, OPT_FLAG, OPT_AT(S, f, bool), NULL, help, NULL, 0, 0 }
#define OPT_BIND_STR(name, sh, S, f, arg, help, choices) \
	{ name, sh, OPT_STRING, OPT_AT(S, f, const char *), arg, help, choices, 0, 0 }
#define OPT_BIND_INT(name, sh, S, f, arg, help, lo, hi) \
	{ name, sh, OPT_INT, OPT_AT(S, f, long), arg, help, NULL, lo, hi }
#define OPT_BIND_LIST(name, sh, S, f, arg, help) \
	{ name, sh, OPT_LIST, OPT_AT(S, f, struct opt_list), arg, help, NULL, 0, 0 }

/* One table and the struct its rows are bound to. A command line is parsed against
 * several (main's common options, the command's own) into their structs at once. */
struct opt_table {
	const struct opt_spec *specs;
	size_t n;
};

#define OPT_POS_MAX 8

struct opt_pos {
	const char *v[OPT_POS_MAX];   /* positional arguments, in order */
	size_t n;
};

/* Parse argv[1..argc) (argv[0] is the command name) against tables t[0..nt), storing
 * into dst[i] for table i (zeroed by the caller). Returns 0, or -1 with e (ERR_USAGE).
 * Call opt_release afterwards in both cases. */
int opt_parse(const struct opt_table *t, void *const *dst, size_t nt, int argc, char **argv,
              struct opt_pos *pos, struct err *e);
void opt_release(const struct opt_table *t, void *const *dst, size_t nt);

void opt_print_help(FILE *f, const struct opt_table *t, size_t nt);

#endif
