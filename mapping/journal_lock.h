/* journal_lock: one writer per journal. A run (or `notices --send`) holds an OS lock on
 * "<journal>.lock" for as long as it lives; a second one is refused (ERR_LOCKED, exit 75)
 * with the holder's pid, host, start time and command, which the holder writes into the
 * lock file. The lock dies with its process, so a run killed with -9 leaves nothing to
 * clean up: the next run takes over and says so. Readers (status, verify, dry-run) never
 * take it. */
#ifndef CUTOVER_JOURNAL_LOCK_H
#define CUTOVER_JOURNAL_LOCK_H

#include <stdbool.h>

#include "base/err.h"

struct journal_lock;

/* Take the lock for journal_path ("<journal_path>.lock", created mode 0600). command is
 * what the holder is doing ("run plan.yaml"), shown to whoever is refused; never a secret.
 * When the previous holder ended without releasing (killed), *previous (may be NULL)
 * receives its details ("pid 123 on host a, started …") for the caller to mention, else "". */
int journal_lock_take(struct journal_lock **out, const char *journal_path, const char *command,
                      char *previous, size_t previous_size, struct err *e);
/* Release (empties the holder's details, keeps the file) and free; NULL is a no-op. */
void journal_lock_release(struct journal_lock *l);

#endif
