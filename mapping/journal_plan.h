/* journal_plan: the journal file of a plan: migration.journal (default "<name>.db"),
 * relative to the plan's directory. Caller frees; NULL when out of memory. */
#ifndef CUTOVER_JOURNAL_PLAN_H
#define CUTOVER_JOURNAL_PLAN_H

#include "schedule/plan.h"

char *journal_plan_path(const struct plan *p);
/* Shard k of n's own journal: "plan.db" -> "plan.shard-2-of-4.db"; n <= 1: the plan's. */
char *journal_plan_shard_path(const struct plan *p, int k, int n);

#endif
