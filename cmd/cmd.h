/* cmd: one file per command (cmd_<name>.c), each defining one struct cmd_entry that
 * main.c lists in its table. An entry declares what it needs (a plan, the journal, the
 * customers named by --customer) and its options bound to its own struct; main parses,
 * loads and resolves once, with one error text for each failure, and hands the result
 * to exec as a struct cmd_ctx. */
#ifndef CUTOVER_CMD_H
#define CUTOVER_CMD_H

#include <stdint.h>

#include "base/diag.h"
#include "base/err.h"
#include "cmd/opt.h"
#include "mapping/journal.h"
#include "schedule/plan.h"

enum cmd_plan {
	CMD_PLAN_NONE,
	CMD_PLAN,                 /* PLAN is the first argument; warnings printed unless --quiet */
	CMD_PLAN_KEEP_WARNINGS    /* the same, warnings kept in ctx->warnings for exec (check) */
};

enum cmd_journal {
	CMD_JOURNAL_NONE,
	CMD_JOURNAL_READ,         /* read-only; ctx->journal NULL when there is none yet */
	CMD_JOURNAL_WRITE         /* created when missing */
};

enum cmd_customers {
	CMD_CUSTOMERS_NONE,
	CMD_CUSTOMERS_PLAN,       /* --customer ID (repeatable), each a customer of the plan */
	CMD_CUSTOMERS_JOURNAL     /* the same, or a customer the journal knows (removed from the
	                             plan since): ctx->customers[i].plan is NULL for those */
};

/* Commands that log in to the servers: the passwords they will read (for the customers
 * selected) are checked before anything starts or is recorded (exit 78 listing each). */
enum cmd_logins {
	CMD_LOGINS_NONE,
	CMD_LOGINS,               /* the passwords only (dry-run reports clear text in its pre-flight) */
	CMD_LOGINS_STRICT         /* ... and a clear-text login to a remote host is refused
	                             unless the plan allows it (run) */
};

struct cmd_needs {
	enum cmd_plan plan;
	enum cmd_journal journal;  /* needs a plan: the journal is the plan's */
	enum cmd_customers customers;
	enum cmd_logins logins;    /* checked before the journal is opened */
};

/* Options every command has (and --customer for those that select customers; --shard,
 * --shard-map and --journal for those that use the journal). */
struct cmd_common_opts {
	bool help, quiet, verbose;
	struct opt_list customer;
	const char *shard, *shard_map;   /* "K/N" (else from the environment), a shard map file */
	struct opt_list journal;         /* journals (files or directories) read as one */
	const char *log;          /* --log FILE (commands that log in to servers) */
	bool syslog;              /* --syslog */
};

/* A customer named by --customer. */
struct cmd_customer {
	const char *id;
	const struct plan_customer *plan;   /* NULL: known to the journal only */
};

/* What main hands to a command. Everything is owned by main and valid during exec. */
struct cmd_ctx {
	const void *opts;                   /* the command's options struct (entry->opts_size) */
	const struct cmd_common_opts *common;
	const char *const *pos;             /* positional arguments after PLAN (all when no plan) */
	size_t n_pos;
	const char *plan_path;
	struct plan *plan;                  /* NULL when the command needs none */
	struct diag *warnings;              /* CMD_PLAN_KEEP_WARNINGS: sorted, not printed */
	char *journal_path;                 /* the plan's journal, when the command needs it */
	struct journal *journal;            /* NULL: not needed, or (read-only) none yet */
	const struct cmd_customer *customers; /* --customer, in the order given, each once */
	size_t n_customers;                 /* 0: none given, which means every customer */
	int shard_k, shard_n;               /* this shard (shard_n 0: not sharded); plan->customers
	                                       then holds only the shard's, caps are divided */
	char *log_path;                     /* the log file opened (absolute), NULL = none */
};

struct cmd_entry {
	const char *name;
	const char *summary;         /* one line for `cutover --help` */
	const char *usage;           /* "PLAN [--format text|json]" */
	const char *description;     /* paragraph(s) for `cutover help CMD` */
	const struct opt_spec *opts; /* bound to a struct of opts_size bytes */
	size_t n_opts, opts_size;
	size_t min_pos, max_pos;     /* positional arguments (PLAN counts) */
	struct cmd_needs needs;
	/* When the needs depend on the command line (`uidl merge` takes no plan, `notices`
	 * writes the journal only with --send): adjusts needs after parsing. NULL = as declared. */
	void (*refine)(const void *opts, const struct opt_pos *pos, struct cmd_needs *needs);
	/* Returns an exit code (sysexits.h). On failure with e set, main prints e once. */
	int (*exec)(const struct cmd_ctx *ctx, struct err *e);
};

extern const struct cmd_entry cmd_check_entry;
extern const struct cmd_entry cmd_dryrun_entry;
extern const struct cmd_entry cmd_run_entry;
extern const struct cmd_entry cmd_verify_entry;
extern const struct cmd_entry cmd_status_entry;
extern const struct cmd_entry cmd_uidl_entry;
extern const struct cmd_entry cmd_announce_entry;
extern const struct cmd_entry cmd_notices_entry;
extern const struct cmd_entry cmd_shards_entry;

/* Whether customer c is selected: every customer when none was named. */
bool cmd_selected(const struct cmd_ctx *ctx, const char *id);

/* "812 B", "45.2 MB": sizes in reports, one format for every command. Returns buf. */
const char *cmd_fmt_bytes(uint64_t bytes, char *buf, size_t size);

/* Exit code for an error (sysexits.h). */
int cmd_exit_for(const struct err *e);

#endif
