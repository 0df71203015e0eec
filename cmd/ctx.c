/* ctx: what a command declared it needs, set up once for every command: the plan, its
 * journal, and the customers named by --customer, each failure with one text. */
#include "cmd/ctx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/ctx_shard.h"
#include "base/log.h"
#include "mapping/journal_plan.h"
#include "schedule/plan_config.h"

/* The diagnostics are the detail (already printed); the error says only what failed. An
 * unreadable plan keeps its own class (EX_NOINPUT), whatever the reason it is unreadable. */
static int ctx_load_plan(struct ctx_store *s, enum cmd_plan need, bool quiet, struct err *e)
{
	struct cmd_ctx *c = &s->ctx;
	if (plan_load(&c->plan, c->plan_path, &s->warnings, e) < 0) {
		diag_sort(&s->warnings);
		diag_print(&s->warnings, stderr);
		if (err_is_set(e) && (e->cls == ERR_NOINPUT || e->cls == ERR_IO))
			return err_set(e, ERR_NOINPUT, "%s: cannot read the plan", c->plan_path);
		return err_set(e, ERR_DATA, "%s: %zu error%s in the plan", c->plan_path,
		               s->warnings.errors, s->warnings.errors == 1 ? "" : "s");
	}
	diag_sort(&s->warnings);
	if (need == CMD_PLAN_KEEP_WARNINGS)
		c->warnings = &s->warnings;
	else if (!quiet)
		diag_print(&s->warnings, stderr);
	return 0;
}

/* A writer takes the journal's lock first (before the journal is even created): one run
 * at a time, whatever the other one is. Readers never wait for it. */
static int ctx_lock_journal(struct ctx_store *s, struct err *e)
{
	char cmd[4200], prev[1024];
	snprintf(cmd, sizeof cmd, "%s %s", s->command ? s->command : "?", s->ctx.plan_path);
	if (journal_lock_take(&s->lock, s->ctx.journal_path, cmd, prev, sizeof prev, e) < 0)
		return -1;
	if (prev[0])
		fprintf(stderr, "cutover %s: the journal's last writer (%s) ended without releasing "
		        "it (killed?); taking over\n", s->command ? s->command : "", prev);
	return 0;
}

static int ctx_open_journal(struct ctx_store *s, enum cmd_journal need, struct err *e)
{
	struct cmd_ctx *c = &s->ctx;
	if (s->common.journal.n)
		return ctx_journal_set(s, need == CMD_JOURNAL_WRITE, e);
	c->journal_path = journal_plan_shard_path(c->plan, c->shard_k, c->shard_n);
	if (!c->journal_path)
		return err_set(e, ERR_NOMEM, "out of memory");
	if (need == CMD_JOURNAL_WRITE && ctx_lock_journal(s, e) < 0)
		return -1;
	if (need == CMD_JOURNAL_WRITE ? journal_open(&c->journal, c->journal_path, e)
	                              : journal_open_ro(&c->journal, c->journal_path, e)) {
		c->journal = NULL;
		if (need == CMD_JOURNAL_READ && e->cls == ERR_NOTFOUND) {
			err_clear(e);
			return 0;
		}
		return err_prefix(e, "journal %s: ", c->journal_path);
	}
	return 0;
}

/* Whether the journal has ever recorded customer id (status of a customer removed from
 * the plan since). */
static int ctx_in_journal(struct journal *j, const char *id, bool *found, struct err *e)
{
	struct journal_customer_summary *v = NULL;
	size_t n = 0;
	*found = false;
	if (!j)
		return 0;
	if (journal_summary(j, &v, &n, e) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		*found |= strcmp(v[i].id, id) == 0;
	journal_summary_free(v, n);
	return 0;
}

/* --customer against the plan (and the journal when the command allows): each id once. */
static int ctx_customers(struct ctx_store *s, const struct opt_list *ids, enum cmd_customers need,
                         struct err *e)
{
	struct cmd_ctx *c = &s->ctx;
	s->customers = calloc(ids->n + 1, sizeof *s->customers);
	if (!s->customers)
		return err_set(e, ERR_NOMEM, "out of memory");
	c->customers = s->customers;
	for (size_t i = 0; i < ids->n; i++) {
		const struct plan_customer *pc = plan_customer_find(c->plan, ids->v[i]);
		bool known = pc != NULL;
		if (!known && need == CMD_CUSTOMERS_JOURNAL &&
		    ctx_in_journal(c->journal, ids->v[i], &known, e) < 0)
			return -1;
		if (!known)
			return err_set(e, ERR_USAGE, "--customer %s: no such customer in the plan%s",
			               ids->v[i], need == CMD_CUSTOMERS_JOURNAL ? " or its journal" : "");
		bool dup = false;
		for (size_t k = 0; k < c->n_customers; k++)
			dup |= strcmp(s->customers[k].id, ids->v[i]) == 0;
		if (dup)
			continue;
		s->customers[c->n_customers].id = ids->v[i];
		s->customers[c->n_customers++].plan = pc;
	}
	return 0;
}

static bool ctx_pick(const void *ctx, const char *id)
{
	return cmd_selected(ctx, id);
}

/* Configuration errors first: before the journal (or its lock) exists, all of them at once. */
static int ctx_check_logins(struct ctx_store *s, enum cmd_logins need, bool quiet, struct err *e)
{
	struct diag d;
	const struct cmd_ctx *c = &s->ctx;
	diag_init(&d);
	plan_config_secrets(c->plan, ctx_pick, c, DIAG_ERROR, &d);
	if (need == CMD_LOGINS_STRICT)
		plan_config_plaintext(c->plan, DIAG_ERROR, &d);
	diag_sort(&d);
	size_t errors = d.errors;
	if (errors || !quiet)
		diag_print(&d, stderr);
	diag_release(&d);
	if (errors)
		return err_set(e, ERR_CONFIG, "%zu configuration error%s; nothing was started", errors,
		               errors == 1 ? "" : "s");
	return 0;
}

/* The log of a command that talks to servers: --log, else the plan's migration.log
 * (relative to the plan, like the journal); syslog with --syslog; the trace with -v.
 * Times in the window's offset, as status prints them. Opened before the journal, so a
 * log that cannot be written stops the command before anything is recorded. */
static int ctx_open_log(struct ctx_store *s, struct err *e)
{
	struct cmd_ctx *c = &s->ctx;
	const struct plan *p = c->plan;
	const char *path = s->common.log;
	char joined[4200];
	if (!path && p->migration.log) {
		path = p->migration.log;
		if (path[0] != '/' && p->dir && *p->dir) {
			snprintf(joined, sizeof joined, "%s/%s", p->dir, path);
			path = joined;
		}
	}
	struct log_opts o = { .path = path, .syslog = s->common.syslog, .trace = s->common.verbose,
	                      .utc_offset = p->window.start.utc_offset, .trace_to_stderr = true };
	if (log_open(&o, e) < 0)
		return -1;
	if (path && !(c->log_path = realpath(path, NULL)) && !(c->log_path = strdup(path)))
		return err_set(e, ERR_NOMEM, "out of memory");
	log_write(LOG_LV_INFO, NULL, "cutover %s %s started (pid %ld)%s", s->command ? s->command : "?",
	          c->plan_path, (long)getpid(), s->common.verbose ? " with the protocol trace" : "");
	return 0;
}

void ctx_init(struct ctx_store *s)
{
	memset(s, 0, sizeof *s);
	diag_init(&s->warnings);
	s->ctx.common = &s->common;
}

int ctx_setup(struct ctx_store *s, const struct cmd_needs *need, const struct opt_pos *pos,
              struct err *e)
{
	struct cmd_ctx *c = &s->ctx;
	size_t skip = need->plan != CMD_PLAN_NONE;
	c->pos = pos->v + skip;
	c->n_pos = pos->n - skip;
	if (need->customers == CMD_CUSTOMERS_NONE && s->common.customer.n)
		return err_set(e, ERR_USAGE, "--customer does not apply here");
	if (need->plan == CMD_PLAN_NONE) {
		if (s->common.shard || s->common.shard_map || s->common.journal.n)
			return err_set(e, ERR_USAGE, "--shard, --shard-map and --journal need a plan");
		return 0;
	}
	c->plan_path = pos->v[0];
	if (need->journal == CMD_JOURNAL_NONE && s->common.journal.n)
		return err_set(e, ERR_USAGE, "--journal: this command reads no journal here");
	bool sharded = need->journal != CMD_JOURNAL_NONE || s->common.shard || s->common.shard_map;
	if (ctx_load_plan(s, need->plan, s->common.quiet, e) < 0 ||
	    (sharded && ctx_shard_setup(s, need->logins != CMD_LOGINS_NONE, e) < 0))
		return -1;
	/* A misspelt --customer must not leave a new journal behind: check against the plan
	 * first, unless the journal may know the customer (read-only, so nothing is created). */
	bool journal_first = need->customers == CMD_CUSTOMERS_JOURNAL;
	if (!journal_first && ctx_customers(s, &s->common.customer, need->customers, e) < 0)
		return -1;
	if (need->logins != CMD_LOGINS_NONE && ctx_check_logins(s, need->logins, s->common.quiet, e) < 0)
		return -1;
	if (need->logins != CMD_LOGINS_NONE && ctx_open_log(s, e) < 0)
		return -1;
	if (need->journal != CMD_JOURNAL_NONE && ctx_open_journal(s, need->journal, e) < 0)
		return -1;
	return journal_first ? ctx_customers(s, &s->common.customer, need->customers, e) : 0;
}

void ctx_release(struct ctx_store *s)
{
	journal_close(s->ctx.journal);
	journal_lock_release(s->lock);   /* after the journal's last write */
	log_close();
	free(s->ctx.log_path);
	free(s->ctx.journal_path);
	ctx_shard_release(s);
	plan_free(s->ctx.plan);
	diag_release(&s->warnings);
	free(s->customers);
	memset(s, 0, sizeof *s);
}
