/* cmd_uidl: `cutover uidl PLAN export --format csv|dovecot [--customer ID] [--out FILE|DIR]`
 * writes the old-UIDL -> new-UID map from the journal for the new server's admin;
 * `cutover uidl merge RECORDS FOLDER-DIR [--folder NAME]` puts one customer's Dovecot
 * records into that Maildir folder's dovecot-uidlist. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "cmd/cmd.h"
#include "mapping/journal.h"
#include "mapping/uidl_export.h"
#include "mapping/uidl_merge.h"

static const char *const uidl_formats[] = { "csv", "dovecot", NULL };

struct uidl_opts {
	const char *format, *out, *folder;
};

static const struct opt_spec uidl_opts[] = {
	OPT_BIND_STR("format", 'f', struct uidl_opts, format, "csv|dovecot", "export form (default csv)",
	             uidl_formats),
	OPT_BIND_STR("out", 'o', struct uidl_opts, out, "FILE|DIR",
	             "csv: a file (default stdout); dovecot: a directory, one file per customer "
	             "(stdout needs --customer)", NULL),
	OPT_BIND_STR("folder", 0, struct uidl_opts, folder, "NAME",
	             "merge: the destination folder (default INBOX)", NULL),
};

/* The map for one customer (only) or all (NULL) in the chosen form. */
static int uidl_write(const struct cmd_ctx *ctx, const char *only, struct uidl_export_stats *st,
                      struct err *e)
{
	const struct uidl_opts *o = ctx->opts;
	FILE *f;
	int ret;
	if (o->format && strcmp(o->format, "dovecot") == 0)
		return o->out ? uidl_export_dovecot_dir(ctx->journal, only, o->out, st, e)
		              : uidl_export_dovecot(ctx->journal, only, stdout, st, e);
	f = o->out ? uidl_export_create(o->out, e) : stdout;
	if (!f)
		return -1;
	ret = uidl_export_csv(ctx->journal, only, f, st, e);
	if (f != stdout && fclose(f) != 0 && ret == 0)
		ret = err_set(e, ERR_IO, "%s: %s", o->out, strerror(errno));
	return ret;
}

static int uidl_export(const struct cmd_ctx *ctx, struct err *e)
{
	const struct uidl_opts *o = ctx->opts;
	const char *only = ctx->n_customers ? ctx->customers[0].id : NULL;
	struct uidl_export_stats st = { 0 };

	if (ctx->n_pos != 1 || strcmp(ctx->pos[0], "export") != 0)
		return err_set(e, ERR_USAGE, "expected 'cutover uidl PLAN export ...' or 'cutover uidl "
		               "merge RECORDS FOLDER-DIR'");
	/* The exports write one customer or all of them: a list would need a merged CSV. */
	if (ctx->n_customers > 1)
		return err_set(e, ERR_USAGE, "export takes one --customer, or none for every customer");
	if (o->format && strcmp(o->format, "dovecot") == 0 && !o->out && !only)
		return err_set(e, ERR_USAGE, "--format dovecot writes one file per customer: give --out "
		               "DIR, or --customer ID for standard output");
	if (o->folder)
		return err_set(e, ERR_USAGE, "--folder is for 'cutover uidl merge'");
	if (!ctx->journal)
		return err_set(e, ERR_NOINPUT, "%s: no journal yet: nothing has been copied, so there is "
		               "no UIDL map (run 'cutover run' first)", ctx->journal_path);
	if (uidl_write(ctx, only, &st, e) < 0)
		return -1;
	if (!ctx->common->quiet) {
		fprintf(stderr, "cutover uidl: %zu message%s of %zu customer%s exported", st.rows,
		        st.rows == 1 ? "" : "s", st.customers, st.customers == 1 ? "" : "s");
		if (st.left_out)
			fprintf(stderr, "; %zu left out (no destination UID, or a UIDL a dovecot-uidlist "
			        "cannot hold: see the '# left out' lines)", st.left_out);
		fprintf(stderr, "\n");
	}
	return 0;
}

static int uidl_merge_cmd(const struct cmd_ctx *ctx, struct err *e)
{
	const struct uidl_opts *o = ctx->opts;
	struct uidl_merge_stats st;
	if (ctx->n_pos != 3)
		return err_set(e, ERR_USAGE, "usage: cutover uidl merge RECORDS FOLDER-DIR [--folder NAME]");
	if (o->format || o->out)
		return err_set(e, ERR_USAGE, "merge takes no --format, --out or --customer");
	if (uidl_merge(ctx->pos[1], o->folder ? o->folder : "INBOX", ctx->pos[2], &st, e) < 0)
		return -1;
	if (!ctx->common->quiet) {
		printf("%s/dovecot-uidlist: %zu of %zu records merged", ctx->pos[2], st.merged, st.records);
		if (st.missing)
			printf("; %zu UIDs not in the folder (expunged, or not seen by Dovecot yet)", st.missing);
		if (st.stale)
			printf("; %zu records for another UIDVALIDITY ignored", st.stale);
		printf("\n");
	}
	return 0;
}

/* `uidl merge` works on a Dovecot folder, not on a plan: it needs nothing from main. */
static void uidl_refine(const void *opts, const struct opt_pos *pos, struct cmd_needs *needs)
{
	(void)opts;
	if (pos->n > 0 && strcmp(pos->v[0], "merge") == 0)
		*needs = (struct cmd_needs){ CMD_PLAN_NONE, CMD_JOURNAL_NONE, CMD_CUSTOMERS_NONE, CMD_LOGINS_NONE };
}

static int uidl_exec(const struct cmd_ctx *ctx, struct err *e)
{
	int rc = ctx->plan ? uidl_export(ctx, e) : uidl_merge_cmd(ctx, e);
	return rc < 0 ? cmd_exit_for(e) : EX_OK;
}

const struct cmd_entry cmd_uidl_entry = {
	.name = "uidl",
	.summary = "the old POP3 UIDL -> new UID map, for the new server's admin",
	.usage = "PLAN export [--format csv|dovecot] [--customer ID] [--out FILE|DIR]\n"
	         "       cutover uidl merge RECORDS FOLDER-DIR [--folder NAME]",
	.description =
		"export writes, from the journal, what each copied message was called on the old\n"
		"server (its POP3 UIDL and position) and what it is on the new one (folder,\n"
		"UIDVALIDITY, UID). --format csv: one line per message (RFC 4180). --format dovecot:\n"
		"per customer, records \"UID P<old UIDL> O<POP3 order>\" for the destination Maildir's\n"
		"dovecot-uidlist, so Dovecot serves the old UIDLs in the old order and POP3 clients\n"
		"do not download everything again (the 'uidl: record' strategy).\n\n"
		"merge adds one customer's records to a Maildir folder's dovecot-uidlist on the\n"
		"destination host, under Dovecot's own lock (dovecot-uidlist.lock) and only when the\n"
		"folder's UIDVALIDITY is the one the records were made for. FOLDER-DIR is the folder's\n"
		"directory (the Maildir root for INBOX). Let Dovecot see the folder once first (a\n"
		"login) so its dovecot-uidlist lists every message.",
	.opts = uidl_opts,
	.n_opts = sizeof uidl_opts / sizeof uidl_opts[0],
	.opts_size = sizeof(struct uidl_opts),
	.min_pos = 2,
	.max_pos = 3,
	.needs = { CMD_PLAN, CMD_JOURNAL_READ, CMD_CUSTOMERS_PLAN, CMD_LOGINS_NONE },
	.refine = uidl_refine,
	.exec = uidl_exec,
};
