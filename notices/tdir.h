/* tdir: where the notice templates are: --templates, else the plan's notices.templates
 * (relative to the plan), else beside the binary (source tree or installed share/). */
#ifndef CUTOVER_TDIR_H
#define CUTOVER_TDIR_H

#include <stddef.h>

#include "base/err.h"
#include "schedule/plan.h"

int tdir_find(char *out, size_t n, const char *option, const struct plan *p, struct err *e);

#endif
