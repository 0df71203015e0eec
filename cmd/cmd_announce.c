/* cmd_announce: `cutover announce PLAN [--lang ja|en] [--format text|html]`: the
 * maintenance announcement for all customers, from the plan and the editable templates. */
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "cmd/cmd.h"
#include "notices/render.h"
#include "notices/tdir.h"
#include "notices/when.h"

static const char *const announce_langs[] = { "ja", "en", NULL };
static const char *const announce_formats[] = { "text", "html", NULL };

struct announce_opts {
	const char *lang, *format, *templates;
};

static const struct opt_spec announce_opts[] = {
	OPT_BIND_STR("lang", 'l', struct announce_opts, lang, "ja|en", "language (default: the plan's)",
	             announce_langs),
	OPT_BIND_STR("format", 'f', struct announce_opts, format, "text|html",
	             "output format (default text)", announce_formats),
	OPT_BIND_STR("templates", 0, struct announce_opts, templates, "DIR",
	             TDIR_HELP, NULL),
};

static int announce_exec(const struct cmd_ctx *ctx, struct err *e)
{
	const struct announce_opts *o = ctx->opts;
	const struct plan *p = ctx->plan;
	struct buf out = BUF_INIT;
	struct render_opts r;
	char tdir[4096];
	int rc = EX_OK;

	if (tdir_find(tdir, sizeof tdir, o->templates, p, e) < 0)
		return cmd_exit_for(e);
	r.templates = tdir;
	r.now = when_now();
	r.charset_ja = NULL;
	if (render_announce(&out, &r, p,
	                    o->lang ? (strcmp(o->lang, "en") == 0 ? PLAN_LANG_EN : PLAN_LANG_JA) : p->language,
	                    o->format && strcmp(o->format, "html") == 0, e) < 0)
		rc = cmd_exit_for(e);
	else if (fwrite(out.data, 1, out.len, stdout) != out.len || fflush(stdout) != 0)
		rc = (err_set(e, ERR_IO, "cannot write the announcement"), EX_IOERR);
	buf_release(&out);
	return rc;
}

const struct cmd_entry cmd_announce_entry = {
	.name = "announce",
	.summary = "write the maintenance announcement for all customers",
	.usage = "PLAN [--lang ja|en] [--format text|html] [--templates DIR]",
	.description =
		"Writes the announcement to standard output in the shape of the ISPs' own notices:\n"
		"date and operator, title, 停止日時 (window, with weekdays, in the plan's time zone),\n"
		"停止事由, 影響範囲, 特記事項, then what changes: server names before → after, IP\n"
		"addresses for firewalls, SMTP AUTH, POP before SMTP and port 587 where the plan uses\n"
		"them, the account-name change, the re-download warning when UIDLs are not kept, the\n"
		"end of the old servers and whom to contact. The date printed is today, or\n"
		"SOURCE_DATE_EPOCH when set. Templates: notices/templates/<lang>/announcement.*\n"
		"(see docs/templates.md); a template error names template:line (exit 65).",
	.opts = announce_opts,
	.n_opts = sizeof announce_opts / sizeof announce_opts[0],
	.opts_size = sizeof(struct announce_opts),
	.min_pos = 1,
	.max_pos = 1,
	.needs = { CMD_PLAN, CMD_JOURNAL_NONE, CMD_CUSTOMERS_NONE, CMD_LOGINS_NONE },
	.exec = announce_exec,
};
