/* ctx_shard: ctx's part for running at scale (docs/scale.md): the shard this process is
 * and a set of journals read as one. */
#ifndef CUTOVER_CTX_SHARD_H
#define CUTOVER_CTX_SHARD_H

#include "cmd/ctx.h"

/* After the plan is loaded: the shard from --shard or the environment (none: nothing
 * changes); the plan keeps only the shard's customers and its share of the caps, and
 * ctx.shard_k/shard_n say which. A line on stderr says so unless --quiet (and one with
 * the caps when tell_caps: for the commands that connect). */
int ctx_shard_setup(struct ctx_store *s, bool tell_caps, struct err *e);
/* --journal given: those journals (one read as it is, several merged into a temporary
 * one) become ctx.journal, read-only; ctx.journal_path lists them. */
int ctx_journal_set(struct ctx_store *s, bool write, struct err *e);
/* Before plan_free: the plan's full customer count back; the merged file removed. */
void ctx_shard_release(struct ctx_store *s);

#endif
