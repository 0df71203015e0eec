/* opt: command-line options as data. One table per command drives parsing, usage
 * errors and --help, so they can never disagree. */
#ifndef CUTOVER_OPT_H
#define CUTOVER_OPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/err.h"

enum opt_type { OPT_FLAG, OPT_STRING, OPT_INT, OPT_LIST };

struct opt_spec {
	const char *name;      /* long name without "--" */
	char short_name;       /* 0 = none */
	enum opt_type type;
	const char *arg;       /* "N", "ID", "text|json" … for --help */
	const char *help;
	const char *const *choices; /* NULL-terminated allowed values for OPT_STRING, or NULL */
};

#define OPT_MAX 24
#define OPT_POS_MAX 8

struct opt_value {
	bool set;
	const char *str;       /* OPT_STRING */
	long num;              /* OPT_INT */
	const char **list;     /* OPT_LIST (malloc'd array, strings point into argv) */
	size_t n_list;
};

struct opt_result {
	const struct opt_spec *specs;
	size_t n_specs;
	struct opt_value v[OPT_MAX];
	const char *pos[OPT_POS_MAX];   /* positional arguments */
	size_t n_pos;
};

/* Parse argv[0..argc) (argv[0] is the command name). Returns 0, or -1 with e (ERR_USAGE). */
int opt_parse(struct opt_result *r, const struct opt_spec *specs, size_t n_specs, int argc,
              char **argv, struct err *e);
void opt_release(struct opt_result *r);

const struct opt_value *opt_get(const struct opt_result *r, const char *name);
bool opt_flag(const struct opt_result *r, const char *name);
const char *opt_str(const struct opt_result *r, const char *name, const char *dflt);
long opt_int(const struct opt_result *r, const char *name, long dflt);

void opt_print_help(FILE *f, const struct opt_spec *specs, size_t n_specs);

#endif
