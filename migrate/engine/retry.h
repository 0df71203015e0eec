/* retry: how long to wait before trying a customer again, from the plan's retry policy
 * (plan.migration.retry) and the class of the failure (err_retry_class): temporary
 * failures back off exponentially, [LOGIN-DELAY] waits what the server asked, final
 * ones ([AUTH], [SYS/PERM], quota …) are not retried. */
#ifndef CUTOVER_RETRY_H
#define CUTOVER_RETRY_H

#include "base/err.h"
#include "schedule/plan.h"

/* Milliseconds to wait after the `failures`-th failure (1-based), or -1: give up. */
long retry_delay_ms(const struct plan *p, const struct err *e, int failures);

/* Sleep ms milliseconds, waking early (returning 1) when *stop becomes non-zero. */
int retry_sleep_ms(long ms, volatile int *stop);

#endif
