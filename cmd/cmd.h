/* cmd: one file per command (cmd_<name>.c), each defining one struct cmd_entry that
 * main.c lists in its table. Options are checked against the entry's spec before exec. */
#ifndef CUTOVER_CMD_H
#define CUTOVER_CMD_H

#include "base/diag.h"
#include <stdint.h>

#include "base/err.h"
#include "cmd/opt.h"
#include "schedule/plan.h"

struct cmd_entry {
	const char *name;
	const char *summary;         /* one line for `cutover --help` */
	const char *usage;           /* "PLAN [--format text|json]" */
	const char *description;     /* paragraph(s) for `cutover help CMD` */
	const struct opt_spec *opts;
	size_t n_opts;
	size_t min_pos, max_pos;     /* positional arguments (PLAN counts) */
	/* Returns an exit code (sysexits.h). On failure with e set, main prints e once. */
	int (*exec)(const struct opt_result *args, struct err *e);
};

/* Options every command has; appended to each table by main. */
#define CMD_COMMON_OPTS \
	{ "help", 'h', OPT_FLAG, NULL, "show this help", NULL }, \
	{ "quiet", 'q', OPT_FLAG, NULL, "only errors", NULL }, \
	{ "verbose", 'v', OPT_FLAG, NULL, "more detail (never secrets)", NULL }

extern const struct cmd_entry cmd_check_entry;
extern const struct cmd_entry cmd_dryrun_entry;
extern const struct cmd_entry cmd_run_entry;
extern const struct cmd_entry cmd_verify_entry;
extern const struct cmd_entry cmd_status_entry;
extern const struct cmd_entry cmd_uidl_entry;
extern const struct cmd_entry cmd_announce_entry;
extern const struct cmd_entry cmd_notices_entry;

/* Load a plan for a command: prints diagnostics (warnings too, unless quiet) to stderr
 * and returns NULL with e set on failure (message already printed: e->msg empty). */
struct plan *cmd_load_plan(const char *path, bool quiet, struct err *e);
/* The same, but a valid plan's warnings stay in d (sorted, not printed) for a command
 * that reports them itself (check). Errors are printed as by cmd_load_plan. */
struct plan *cmd_load_plan_diag(const char *path, struct diag *d, struct err *e);

/* "812 B", "45.2 MB": sizes in reports, one format for every command. Returns buf. */
const char *cmd_fmt_bytes(uint64_t bytes, char *buf, size_t size);

/* Exit code for an error (sysexits.h). */
int cmd_exit_for(const struct err *e);

#endif
