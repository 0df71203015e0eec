/* tdir: where the notice templates are: --templates, else the plan's notices.templates
 * (relative to the plan), else beside the binary (source tree or installed share/). */
#ifndef CUTOVER_TDIR_H
#define CUTOVER_TDIR_H

#include <stddef.h>

#include "base/err.h"
#include "schedule/plan.h"

/* The search order in words, for --templates in --help (tdir_find's order). */
#define TDIR_HELP "template directory (default: the plan's notices.templates, else the first " \
                  "of notices/templates, ../notices/templates, ../share/cutover/templates " \
                  "next to the cutover binary)"

int tdir_find(char *out, size_t n, const char *option, const struct plan *p, struct err *e);

#endif
