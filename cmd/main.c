/* main: look the command up in the table, parse its options, run it, print the one error. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sysexits.h>

#include "base/caps.h"
#include "cmd/cmd.h"

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
};
#define N_CMDS (sizeof cmd_table / sizeof cmd_table[0])

static const struct cmd_entry *main_find(const char *name)
{
	for (size_t i = 0; i < N_CMDS; i++)
		if (strcmp(cmd_table[i]->name, name) == 0)
			return cmd_table[i];
	return NULL;
}

static void main_usage(FILE *f)
{
	fprintf(f, "usage: cutover COMMAND PLAN [options]\n\n"
	           "Move ISP customers' mailboxes from an old mail server to a new one in a planned\n"
	           "maintenance window, keeping POP3 UIDLs, and write what customers must change.\n\n"
	           "Commands:\n");
	for (size_t i = 0; i < N_CMDS; i++)
		fprintf(f, "  %-10s %s\n", cmd_table[i]->name, cmd_table[i]->summary);
	fprintf(f, "\n'cutover help COMMAND' or 'cutover COMMAND --help' for one command; man cutover.\n"
	           "Exit codes: 0 ok, 1 some customers failed / no-go, 64 usage, 65 bad plan or data,\n"
	           "69 a server unavailable, 75 temporary failure (run again to continue).\n");
}

static void main_cmd_help(FILE *f, const struct cmd_entry *c)
{
	fprintf(f, "usage: cutover %s %s\n\n%s\n", c->name, c->usage, c->summary);
	if (c->description)
		fprintf(f, "\n%s\n", c->description);
	fprintf(f, "\nOptions:\n");
	opt_print_help(f, c->opts, c->n_opts);
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

int main(int argc, char **argv)
{
	const struct cmd_entry *c;
	struct opt_result args;
	struct err e;
	int rc;

	err_clear(&e);
	main_limit_fds();
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
	if (opt_parse(&args, c->opts, c->n_opts, argc - 1, argv + 1, &e) < 0) {
		fprintf(stderr, "cutover %s: %s\nusage: cutover %s %s\n", c->name, e.msg, c->name, c->usage);
		opt_release(&args);
		return EX_USAGE;
	}
	if (opt_flag(&args, "help")) {
		main_cmd_help(stdout, c);
		opt_release(&args);
		return EX_OK;
	}
	if (args.n_pos < c->min_pos || args.n_pos > c->max_pos) {
		fprintf(stderr, "cutover %s: %s\nusage: cutover %s %s\n", c->name,
		        args.n_pos < c->min_pos ? "missing argument" : "too many arguments", c->name,
		        c->usage);
		opt_release(&args);
		return EX_USAGE;
	}
	rc = c->exec(&args, &e);
	if (err_is_set(&e) && e.msg[0]) {
		if (e.server[0])
			fprintf(stderr, "cutover %s: %s (server said: %s)\n", c->name, e.msg, e.server);
		else
			fprintf(stderr, "cutover %s: %s\n", c->name, e.msg);
	}
	opt_release(&args);
	return rc;
}
