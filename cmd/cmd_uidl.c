/* cmd_uidl: `cutover uidl PLAN export --format csv|dovecot [--customer ID] [--out FILE|DIR]`
 * writes the old-UIDL -> new-UID map from the journal for the new server's admin;
 * `cutover uidl merge RECORDS FOLDER-DIR [--folder NAME]` puts one customer's Dovecot
 * records into that Maildir folder's dovecot-uidlist. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "mapping/journal.h"
#include "mapping/journal_plan.h"
#include "mapping/uidl_export.h"
#include "mapping/uidl_merge.h"

static const char *const uidl_formats[] = { "csv", "dovecot", NULL };

static const struct opt_spec uidl_opts[] = {
	{ "format", 'f', OPT_STRING, "csv|dovecot", "export form (default csv)", uidl_formats },
	{ "customer", 'c', OPT_STRING, "ID", "only this customer", NULL },
	{ "out", 'o', OPT_STRING, "FILE|DIR", "csv: a file (default stdout); dovecot: a directory, "
	  "one file per customer (stdout needs --customer)", NULL },
	{ "folder", 0, OPT_STRING, "NAME", "merge: the destination folder (default INBOX)", NULL },
	CMD_COMMON_OPTS
};

static int uidl_export(const struct opt_result *args, struct err *e)
{
	bool quiet = opt_flag(args, "quiet");
	const char *format = opt_str(args, "format", "csv");
	const char *only = opt_str(args, "customer", NULL), *out = opt_str(args, "out", NULL);
	struct uidl_export_stats st = { 0 };
	struct journal *j = NULL;
	struct plan *p;
	char *jpath = NULL;
	FILE *f = NULL;
	int ret = -1;

	if (strcmp(format, "dovecot") == 0 && !out && !only) {
		err_set(e, ERR_USAGE, "--format dovecot writes one file per customer: give --out "
		        "DIR, or --customer ID for standard output");
		return EX_USAGE;
	}
	if (opt_get(args, "folder")->set) {
		err_set(e, ERR_USAGE, "--folder is for 'cutover uidl merge'");
		return EX_USAGE;
	}
	p = cmd_load_plan(args->pos[0], quiet, e);
	if (!p)
		return cmd_exit_for(e);
	if (only && !plan_customer_find(p, only)) {
		err_set(e, ERR_USAGE, "no customer '%s' in the plan", only);
		goto out;
	}
	jpath = journal_plan_path(p);
	if (!jpath) {
		err_set(e, ERR_NOMEM, "out of memory");
		goto out;
	}
	if (journal_open_ro(&j, jpath, e) < 0) {
		if (e->cls == ERR_NOTFOUND)
			err_set(e, ERR_NOINPUT, "%s: no journal yet: nothing has been copied, so there is no "
			        "UIDL map (run 'cutover run' first)", jpath);
		goto out;
	}
	if (strcmp(format, "csv") == 0) {
		f = out ? uidl_export_create(out, e) : stdout;
		if (!f)
			goto out;
		ret = uidl_export_csv(j, only, f, &st, e);
	} else if (out) {
		ret = uidl_export_dovecot_dir(j, only, out, &st, e);
	} else {
		f = stdout;
		ret = uidl_export_dovecot(j, only, f, &st, e);
	}
	if (f && f != stdout && fclose(f) != 0 && ret == 0)
		ret = err_set(e, ERR_IO, "%s: %s", out, strerror(errno));
	if (ret == 0 && !quiet) {
		fprintf(stderr, "cutover uidl: %zu message%s of %zu customer%s exported", st.rows,
		        st.rows == 1 ? "" : "s", st.customers, st.customers == 1 ? "" : "s");
		if (st.left_out)
			fprintf(stderr, "; %zu left out (no destination UID, or a UIDL a dovecot-uidlist "
			        "cannot hold: see the '# left out' lines)", st.left_out);
		fprintf(stderr, "\n");
	}
out:
	journal_close(j);
	free(jpath);
	plan_free(p);
	return ret == 0 ? EX_OK : cmd_exit_for(e);
}

static int uidl_merge_cmd(const struct opt_result *args, struct err *e)
{
	const char *folder = opt_str(args, "folder", "INBOX");
	struct uidl_merge_stats st;
	if (args->n_pos != 3) {
		err_set(e, ERR_USAGE, "usage: cutover uidl merge RECORDS FOLDER-DIR [--folder NAME]");
		return EX_USAGE;
	}
	if (opt_get(args, "format")->set || opt_get(args, "out")->set || opt_get(args, "customer")->set) {
		err_set(e, ERR_USAGE, "merge takes no --format, --out or --customer");
		return EX_USAGE;
	}
	if (uidl_merge(args->pos[1], folder, args->pos[2], &st, e) < 0)
		return cmd_exit_for(e);
	if (!opt_flag(args, "quiet")) {
		printf("%s/dovecot-uidlist: %zu of %zu records merged", args->pos[2], st.merged, st.records);
		if (st.missing)
			printf("; %zu UIDs not in the folder (expunged, or not seen by Dovecot yet)", st.missing);
		if (st.stale)
			printf("; %zu records for another UIDVALIDITY ignored", st.stale);
		printf("\n");
	}
	return EX_OK;
}

static int uidl_exec(const struct opt_result *args, struct err *e)
{
	if (strcmp(args->pos[0], "merge") == 0)
		return uidl_merge_cmd(args, e);
	if (strcmp(args->pos[1], "export") != 0 || args->n_pos != 2) {
		err_set(e, ERR_USAGE, "expected 'cutover uidl PLAN export ...' or 'cutover uidl "
		        "merge RECORDS FOLDER-DIR'");
		return EX_USAGE;
	}
	return uidl_export(args, e);
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
	.min_pos = 2,
	.max_pos = 3,
	.exec = uidl_exec,
};
