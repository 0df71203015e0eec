/* ctx: main's side of struct cmd_ctx: sets up what a command's entry declares it needs
 * and owns it until the command is done. */
#ifndef CUTOVER_CTX_H
#define CUTOVER_CTX_H

#include "cmd/cmd.h"
#include "mapping/journal_lock.h"

struct ctx_store {
	struct cmd_ctx ctx;               /* what exec sees; points into this store */
	struct cmd_common_opts common;    /* filled by opt_parse */
	struct diag warnings;             /* the plan loader's diagnostics */
	struct cmd_customer *customers;   /* ctx.customers */
	const char *command;              /* the command's name, for the journal lock's holder */
	struct journal_lock *lock;        /* held while a command writes the journal */
	size_t n_customers_all;           /* a shard: the plan's customers before narrowing */
	char *merged_path;                /* --journal: the temporary merged journal */
};

void ctx_init(struct ctx_store *s);
/* Load the plan (pos->v[0]), open its journal, resolve --customer, as need says; on
 * failure e says what (diagnostics already printed) and ctx_release still applies. */
int ctx_setup(struct ctx_store *s, const struct cmd_needs *need, const struct opt_pos *pos,
              struct err *e);
void ctx_release(struct ctx_store *s);

#endif
