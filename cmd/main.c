/* main: look the command up in the table, parse its options, set up what it needs, run
 * it, print the one error. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sysexits.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "base/caps.h"
#include "base/log.h"
#include "cmd/cmd.h"
#include "cmd/ctx.h"

#ifndef CUTOVER_VERSION
#define CUTOVER_VERSION "0.1.0"
#endif

static const struct cmd_entry *const cmd_table[] = {
	&cmd_check_entry,
	&cmd_dryrun_entry,
	&cmd_run_entry,
	&cmd_verify_entry,
	&cmd_status_entry,
	&cmd_uidl_entry,
	&cmd_announce_entry,
	&cmd_notices_entry,
	&cmd_shards_entry,
};
#define N_CMDS (sizeof cmd_table / sizeof cmd_table[0])

static const struct cmd_entry *main_find(const char *name)
{
	for (size_t i = 0; i < N_CMDS; i++)
		if (strcmp(cmd_table[i]->name, name) == 0)
			return cmd_table[i];
	return NULL;
}

/* The exit codes (sysexits.h), one table: --help prints it, and README.md and
 * docs/cutover.1 list the same lines (tests/integration/docs_help.sh compares the three). */
static const struct {
	int code;
	const char *what;
} main_exits[] = {
	{ 0, "ok; check: the plan is valid (warnings or not); dry-run: GO" },
	{ 1, "some customers failed; dry-run: NO-GO; verify: a count is not 0" },
	{ 64, "usage: an unknown option, a value out of range, an unknown --customer" },
	{ 65, "bad plan, CSV, template or journal content" },
	{ 66, "a file named on the command line or in the plan cannot be read" },
	{ 69, "a server unavailable: connection refused, DNS, TLS" },
	{ 70, "an internal error (a bug: please report it)" },
	{ 71, "out of memory" },
	{ 73, "the destination is over quota" },
	{ 74, "local input/output error, e.g. writing the journal" },
	{ 75, "temporary failure, interrupted, or the journal in use: run again to continue" },
	{ 76, "a server reply that cannot be understood" },
	{ 77, "credentials refused" },
	{ 78, "configuration: a password unset or unreadable, a clear-text login not allowed" },
	{ 130, "run: a second SIGINT or SIGTERM ended it at once (the journal stays consistent)" },
};

static void main_usage(FILE *f)
{
	fprintf(f, "usage: cutover COMMAND PLAN [options]\n\n"
	           "Move ISP customers' mailboxes from an old mail server to a new one in a planned\n"
	           "maintenance window, keeping POP3 UIDLs, and write what customers must change.\n\n"
	           "Commands:\n");
	for (size_t i = 0; i < N_CMDS; i++)
		fprintf(f, "  %-10s %s\n", cmd_table[i]->name, cmd_table[i]->summary);
	fprintf(f, "\n'cutover help COMMAND' or 'cutover COMMAND --help' for one command; man cutover.\n"
	           "\nExit codes:\n");
	for (size_t i = 0; i < sizeof main_exits / sizeof main_exits[0]; i++)
		fprintf(f, "  %3d  %s\n", main_exits[i].code, main_exits[i].what);
}

/* Options every command has, and --customer for those that select customers: bound to
 * main's struct cmd_common_opts, listed in --help after the command's own. */
static const struct opt_spec main_customer_opt[] = {
	OPT_BIND_LIST("customer", 'c', struct cmd_common_opts, customer, "ID",
	              "only this customer (repeatable)"),
};
/* For the commands that use the journal: which shard, and which journals to read as one
 * (docs/scale.md). */
static const struct opt_spec main_scale_opts[] = {
	OPT_BIND_STR("shard", 0, struct cmd_common_opts, shard, "K/N",
	             "only shard K of N (0 <= K < N), with its own journal; default: from "
	             "SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX", NULL),
	OPT_BIND_STR("shard-map", 0, struct cmd_common_opts, shard_map, "FILE",
	             "the shards' customers from this map (cutover shards --write-map); default: "
	             "$CUTOVER_SHARD_MAP, else by hash of the customer id", NULL),
	OPT_BIND_LIST("journal", 0, struct cmd_common_opts, journal, "PATH",
	              "read these journals (files or directories of *.db, repeatable) as one"),
};
/* Commands that log in to servers keep a log of the night (base/log.h). */
static const struct opt_spec main_log_opts[] = {
	OPT_BIND_STR("log", 0, struct cmd_common_opts, log, "FILE",
	             "append a log to FILE (times in the plan's offset; default: the plan's "
	             "migration.log); with -v the protocol trace, passwords never written", NULL),
	OPT_BIND_FLAG("syslog", 0, struct cmd_common_opts, syslog,
	              "also log to syslog (facility mail)"),
};
static const struct opt_spec main_common_opts[] = {
	OPT_BIND_FLAG("help", 'h', struct cmd_common_opts, help, "show this help"),
	OPT_BIND_FLAG("quiet", 'q', struct cmd_common_opts, quiet, "only errors"),
	OPT_BIND_FLAG("verbose", 'v', struct cmd_common_opts, verbose,
	              "more detail; the protocol trace (to the log, else stderr; never secrets)"),
};

/* The tables a command line is parsed against, and the structs they fill. */
struct main_tables {
	struct opt_table t[5];
	void *dst[5];
	size_t n;
};

static void main_tables(struct main_tables *mt, const struct cmd_entry *c,
                        struct cmd_common_opts *common, void *own)
{
	mt->n = 0;
	if (c->needs.customers != CMD_CUSTOMERS_NONE) {
		mt->t[mt->n] = (struct opt_table){ main_customer_opt, 1 };
		mt->dst[mt->n++] = common;
	}
	if (c->needs.journal != CMD_JOURNAL_NONE) {
		mt->t[mt->n] = (struct opt_table){ main_scale_opts,
		                                   sizeof main_scale_opts / sizeof main_scale_opts[0] };
		mt->dst[mt->n++] = common;
	}
	mt->t[mt->n] = (struct opt_table){ c->opts, c->n_opts };
	mt->dst[mt->n++] = own;
	if (c->needs.logins != CMD_LOGINS_NONE) {
		mt->t[mt->n] = (struct opt_table){ main_log_opts, 2 };
		mt->dst[mt->n++] = common;
	}
	mt->t[mt->n] = (struct opt_table){ main_common_opts,
	                                   sizeof main_common_opts / sizeof main_common_opts[0] };
	mt->dst[mt->n++] = common;
}

static void main_cmd_help(FILE *f, const struct cmd_entry *c)
{
	struct main_tables mt;
	main_tables(&mt, c, NULL, NULL);
	fprintf(f, "usage: cutover %s %s\n\n%s\n", c->name, c->usage, c->summary);
	if (c->description)
		fprintf(f, "\n%s\n", c->description);
	fprintf(f, "\nOptions:\n");
	opt_print_help(f, mt.t, mt.n);
}

/* libetpan uses select(): a descriptor >= FD_SETSIZE aborts the process. Keeping the soft
 * limit at 1024 turns that abort into an EMFILE we can report. */
static void main_limit_fds(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur > CAPS_FD_LIMIT) {
		rl.rlim_cur = CAPS_FD_LIMIT;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static int main_usage_error(const struct cmd_entry *c, const char *msg)
{
	fprintf(stderr, "cutover %s: %s\nusage: cutover %s %s\n", c->name, msg, c->name, c->usage);
	return EX_USAGE;
}

/* Parse, set up what the command needs, run it, print its error once. */
static int main_run(const struct cmd_entry *c, int argc, char **argv)
{
	struct ctx_store st;
	struct main_tables mt;
	struct opt_pos pos;
	struct cmd_needs needs = c->needs;
	struct err e;
	char text[ERR_TEXT_MAX];
	void *own = calloc(1, c->opts_size ? c->opts_size : 1);
	int rc;

	err_clear(&e);
	ctx_init(&st);
	if (!own) {
		fprintf(stderr, "cutover %s: out of memory\n", c->name);
		return EX_OSERR;
	}
	main_tables(&mt, c, &st.common, own);
	st.ctx.opts = own;
	st.command = c->name;
	if (opt_parse(mt.t, mt.dst, mt.n, argc, argv, &pos, &e) < 0)
		rc = main_usage_error(c, e.msg);
	else if (st.common.help)
		rc = (main_cmd_help(stdout, c), EX_OK);
	else if (pos.n < c->min_pos || pos.n > c->max_pos)
		rc = main_usage_error(c, pos.n < c->min_pos ? "missing argument" : "too many arguments");
	else {
		if (c->refine)
			c->refine(own, &pos, &needs);
		rc = ctx_setup(&st, &needs, &pos, &e) < 0 ? cmd_exit_for(&e) : c->exec(&st.ctx, &e);
		if (err_is_set(&e) && e.msg[0]) {
			fprintf(stderr, "cutover %s: %s\n", c->name, err_text(&e, text, sizeof text));
			log_write(LOG_LV_ERROR, NULL, "%s", text);
		}
		log_write(LOG_LV_INFO, NULL, "cutover %s ended: exit %d", c->name, rc);
	}
	opt_release(mt.t, mt.dst, mt.n);
	ctx_release(&st);
	free(own);
	return rc;
}

int main(int argc, char **argv)
{
	const struct cmd_entry *c;

	main_limit_fds();
#if defined(__GLIBC__)
	/* Each worker hands batches between two threads (one fetches ahead, engine_fetch.c):
	 * with an arena per thread, glibc keeps what one thread frees of another's arena, and
	 * peak memory at 4 workers went from 35 to 61 MB on the bench; two arenas keep it at 35
	 * at no measurable cost in speed. */
	mallopt(M_ARENA_MAX, 2);
#endif
	/* libetpan writes without MSG_NOSIGNAL: a server hanging up must be an error we
	 * report, not a signal that ends every customer's copy at once. */
	signal(SIGPIPE, SIG_IGN);
	if (argc < 2) {
		main_usage(stderr);
		return EX_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		main_usage(stdout);
		return EX_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("cutover %s\n", CUTOVER_VERSION);
		return EX_OK;
	}
	if (strcmp(argv[1], "help") == 0) {
		if (argc < 3) {
			main_usage(stdout);
			return EX_OK;
		}
		c = main_find(argv[2]);
		if (!c) {
			fprintf(stderr, "cutover: no command '%s'\n", argv[2]);
			return EX_USAGE;
		}
		main_cmd_help(stdout, c);
		return EX_OK;
	}
	c = main_find(argv[1]);
	if (!c) {
		fprintf(stderr, "cutover: no command '%s' (see 'cutover --help')\n", argv[1]);
		return EX_USAGE;
	}
	return main_run(c, argc - 1, argv + 1);
}
