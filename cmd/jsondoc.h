/* jsondoc: the one JSON vocabulary of every command's machine output (docs/json.md):
 * each document starts with "schema" and "command"; a customer is "customer" (its id);
 * times are ISO 8601 in the plan window's UTC offset; reals are rounded before they are
 * written and dumped with 15 significant digits, so 0.3 never reads 0.29999999999999999. */
#ifndef CUTOVER_JSONDOC_H
#define CUTOVER_JSONDOC_H

#include <jansson.h>
#include <stdio.h>
#include <time.h>

#include "schedule/plan.h"

#define JSONDOC_SCHEMA 1

/* A new document: {"schema": 1, "command": command}. NULL when out of memory. */
json_t *jsondoc_new(const char *command);

/* x rounded to `decimals` places (0 to 6) as a JSON real. */
json_t *jsondoc_real(double x, int decimals);

/* t as ISO 8601 in the offset the plan's window is written in; null for t == 0. */
json_t *jsondoc_time(const struct plan *p, time_t t);

/* {"c1": {…}, "c2": {…}} -> [{"customer": "c1", …}, …] in the same order: records keyed by
 * id become the vocabulary's list. Takes the reference; NULL in, NULL out. */
json_t *jsondoc_customers(json_t *keyed);

/* Writes doc and a newline with the vocabulary's dump flags; 0, or -1 when writing failed. */
int jsondoc_dump(const json_t *doc, FILE *f);

#endif
