/* dryrun_text: the terminal form of the dry-run report; it starts with the verdict. */
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/dryrun.h"

void dryrun_fmt_duration_lang(char *out, size_t n, double seconds, enum plan_lang lang)
{
	/* separator, seconds, minutes, hours: "3 h 30 min" / "3時間30分" */
	static const char *const units[2][4] = { { "", "秒", "分", "時間" }, { " ", "s", "min", "h" } };
	const char *const *u = units[lang == PLAN_LANG_JA ? 0 : 1];
	double a = seconds < 0 ? -seconds : seconds;
	long s = (long)a;
	const char *sign = seconds < 0 ? "-" : "";
	if (a < 10) /* a small demo mailbox takes fractions of a second: do not print "0 s" */
		snprintf(out, n, "%s%.1f%s%s", sign, a, u[0], u[1]);
	else if (s < 60)
		snprintf(out, n, "%s%ld%s%s", sign, s, u[0], u[1]);
	else if (s < 3600)
		snprintf(out, n, "%s%ld%s%s%s%ld%s%s", sign, s / 60, u[0], u[2], u[0], s % 60, u[0], u[1]);
	else
		snprintf(out, n, "%s%ld%s%s%s%ld%s%s", sign, s / 3600, u[0], u[3], u[0], (s % 3600) / 60,
		         u[0], u[2]);
}

void dryrun_fmt_duration(char *out, size_t n, double seconds)
{
	dryrun_fmt_duration_lang(out, n, seconds, PLAN_LANG_EN);
}

void dryrun_fmt_local(char *out, size_t n, time_t t, int off, const char *fmt)
{
	struct tm tm;
	char zone[16];
	time_t shifted = t + off;
	size_t len;
	gmtime_r(&shifted, &tm);
	len = strftime(out, n, fmt, &tm);
	snprintf(zone, sizeof zone, " %c%02d:%02d", off < 0 ? '-' : '+', (off < 0 ? -off : off) / 3600,
	         ((off < 0 ? -off : off) % 3600) / 60);
	if (len + strlen(zone) < n)
		strcat(out, zone);
}

static const char *dryrun_mark(enum preflight_result r)
{
	switch (r) {
	case PF_OK: return "ok  ";
	case PF_NOTE: return "note";
	case PF_WARN: return "WARN";
	case PF_FAIL: return "FAIL";
	}
	return "?";
}

void dryrun_text(FILE *f, const struct dryrun_report *r)
{
	const struct plan *p = r->plan;
	int off = p->window.start.utc_offset;
	char a[64], b[64], c[64];

	fprintf(f, "%s  %s\n", r->go ? "GO" : "NO-GO", p->name);
	for (size_t i = 0; i < r->n_reasons; i++)
		fprintf(f, "  x %s\n", r->reasons[i]);
	for (size_t i = 0; i < r->n_warnings; i++)
		fprintf(f, "  ! %s\n", r->warnings[i]);

	dryrun_fmt_local(a, sizeof a, p->window.start.t, off, "%Y-%m-%d %H:%M");
	dryrun_fmt_local(b, sizeof b, p->window.end.t, off, "%Y-%m-%d %H:%M");
	dryrun_fmt_duration(c, sizeof c, difftime(p->window.end.t, p->window.start.t));
	fprintf(f, "\nWindow     %s -> %s (%s)\n", a, b, c);
	cmd_fmt_bytes(r->total_bytes, a, sizeof a);
	fprintf(f, "Mailboxes  %zu customers, %llu messages, %s\n", r->inv.n,
	        (unsigned long long)r->total_msgs, a);
	if (r->estimated) {
		dryrun_fmt_duration(a, sizeof a, r->est.seconds);
		dryrun_fmt_local(b, sizeof b, r->est.finish, off, "%H:%M");
		dryrun_fmt_duration(c, sizeof c, r->est.margin_s);
		fprintf(f, "Estimate   %s with %d workers: finish %s, %s %s\n", a, r->workers, b, c,
		        r->est.margin_s < 0 ? "too late" : "to spare");
		if (r->final_phase)
			fprintf(f, "           final phase only: the pre-stage in the journal leaves %llu of %llu messages\n",
			        (unsigned long long)r->phase_msgs, (unsigned long long)r->total_msgs);
		fprintf(f, "           %.0f msg/s and %.1f MB/s per connection pair; %s\n",
		        r->rate.msgs_per_s, r->rate.bytes_per_s / (1024 * 1024), r->rate_note);
		char sh[320];
		dryrun_shards_advice(r, sh, sizeof sh);
		fprintf(f, "Shards     %s\n", sh);
		for (size_t i = 0; i < r->est.n_dominant; i++) {
			const struct estimate_job *j = &r->jobs[r->est.dominant[i]];
			dryrun_fmt_duration(a, sizeof a, j->seconds);
			fprintf(f, "           %s %s (%llu messages, %s)\n", i ? "        " : "longest:", j->id,
			        (unsigned long long)j->msgs, a);
		}
	} else {
		fprintf(f, "Estimate   none: %s\n", r->rate_note);
	}

	fprintf(f, "\nPre-flight of the new servers%s\n", r->preflight.n ? "" : ": not run (--skip-preflight)");
	for (size_t i = 0; i < r->preflight.n; i++) {
		const struct preflight_item *it = &r->preflight.v[i];
		fprintf(f, "  %s %-44s %-11s %s\n", dryrun_mark(it->result), it->target, it->check, it->detail);
	}

	fprintf(f, "\nCustomers\n  %-12s %8s %10s %10s %-8s %-8s %-12s %s\n", "id", "messages", "size",
	        "largest", "source", "dest", "uidl-style", "notes");
	for (size_t i = 0; i < r->inv.n; i++) {
		const struct inventory_customer *ic = &r->inv.v[i];
		char notes[256] = "";
		cmd_fmt_bytes(ic->bytes, a, sizeof a);
		cmd_fmt_bytes(ic->largest, b, sizeof b);
		if (ic->oversize)
			snprintf(notes + strlen(notes), sizeof notes - strlen(notes), "%llu over size limit; ",
			         (unsigned long long)ic->oversize);
		if (ic->over_quota)
			snprintf(notes + strlen(notes), sizeof notes - strlen(notes), "over quota; ");
		if (ic->no_message_id > 0)
			snprintf(notes + strlen(notes), sizeof notes - strlen(notes), "%lld without Message-ID; ",
			         (long long)ic->no_message_id);
		if (ic->already)
			snprintf(notes + strlen(notes), sizeof notes - strlen(notes), "%llu already on the "
			         "destination; ", (unsigned long long)ic->already);
		char why[256];
		if (instr_predict(r->plan, ic->c, why, sizeof why) == INSTR_REDL_YES)
			snprintf(notes + strlen(notes), sizeof notes - strlen(notes), "re-download: %s", why);
		size_t nl = strlen(notes);
		while (nl && (notes[nl - 1] == ' ' || notes[nl - 1] == ';'))
			notes[--nl] = '\0';
		fprintf(f, "  %-12s %8llu %10s %10s %-8s %-8s %-12s %s\n", ic->c->id,
		        (unsigned long long)ic->msgs, a, b, ic->src_ok ? "ok" : err_class_name(ic->src_cls),
		        ic->dst_ok ? "ok" : err_class_name(ic->dst_cls),
		        ic->uidl_style[0] ? ic->uidl_style : "-", notes);
	}
}
