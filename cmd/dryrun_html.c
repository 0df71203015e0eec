/* dryrun_html: one self-contained page (no external assets): the verdict, the window as a
 * timeline with the projected finish, the failed checks and a per-customer table. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/dryrun.h"

static void dryrun_esc(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f);
		}
	}
}

#define TL_W 760.0
#define TL_X0 20.0

static double tl_x(time_t t, time_t lo, time_t hi)
{
	return TL_X0 + TL_W * difftime(t, lo) / (difftime(hi, lo) > 0 ? difftime(hi, lo) : 1);
}

static void dryrun_timeline(FILE *f, const struct dryrun_report *r)
{
	const struct plan *p = r->plan;
	int off = p->window.start.utc_offset;
	time_t lo = p->window.start.t, hi = p->window.end.t;
	time_t unstable = p->window.unstable_until.t;
	char a[48];
	double span;

	if (unstable > hi)
		hi = unstable;
	if (r->estimated && r->est.finish > hi)
		hi = r->est.finish;
	span = difftime(hi, lo);
	lo -= (time_t)(span * 0.05);
	hi += (time_t)(span * 0.08);
	fprintf(f, "<svg role=\"img\" aria-label=\"window timeline\" viewBox=\"0 0 800 150\" "
	           "width=\"800\" height=\"150\" xmlns=\"http://www.w3.org/2000/svg\">\n");
	fprintf(f, "<rect x=\"%.1f\" y=\"30\" width=\"%.1f\" height=\"28\" fill=\"#cfe3ff\" "
	           "stroke=\"#3b6db3\"/>\n", tl_x(p->window.start.t, lo, hi),
	        tl_x(p->window.end.t, lo, hi) - tl_x(p->window.start.t, lo, hi));
	fprintf(f, "<text x=\"%.1f\" y=\"24\" font-size=\"12\">maintenance window</text>\n",
	        tl_x(p->window.start.t, lo, hi) + 4);
	if (unstable > p->window.end.t) {
		fprintf(f, "<rect x=\"%.1f\" y=\"30\" width=\"%.1f\" height=\"28\" fill=\"#ffe9c7\" "
		           "stroke=\"#c98a1b\"/>\n", tl_x(p->window.end.t, lo, hi),
		        tl_x(unstable, lo, hi) - tl_x(p->window.end.t, lo, hi));
		fprintf(f, "<text x=\"%.1f\" y=\"24\" font-size=\"12\">unstable</text>\n",
		        tl_x(p->window.end.t, lo, hi) + 4);
	}
	if (r->estimated) {
		bool late = r->est.margin_s < 0;
		fprintf(f, "<rect id=\"projected\" x=\"%.1f\" y=\"70\" width=\"%.1f\" height=\"18\" fill=\"%s\"/>\n",
		        tl_x(p->window.start.t, lo, hi),
		        tl_x(r->est.finish, lo, hi) - tl_x(p->window.start.t, lo, hi),
		        late ? "#d9534f" : "#5cb85c");
		dryrun_fmt_local(a, sizeof a, r->est.finish, off, "%H:%M");
		fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"26\" y2=\"96\" stroke=\"#222\" "
		           "stroke-dasharray=\"4 3\"/>\n", tl_x(r->est.finish, lo, hi), tl_x(r->est.finish, lo, hi));
		/* Keep the label inside the picture when the finish is near either end. */
		double fx = tl_x(r->est.finish, lo, hi);
		fprintf(f, "<text x=\"%.1f\" y=\"110\" font-size=\"12\" text-anchor=\"%s\">projected finish %s</text>\n",
		        fx, fx < 160 ? "start" : fx > 640 ? "end" : "middle", a);
	}
	dryrun_fmt_local(a, sizeof a, p->window.start.t, off, "%m-%d %H:%M");
	fprintf(f, "<text x=\"%.1f\" y=\"140\" font-size=\"11\">%s</text>\n", tl_x(p->window.start.t, lo, hi), a);
	dryrun_fmt_local(a, sizeof a, p->window.end.t, off, "%H:%M");
	fprintf(f, "<text x=\"%.1f\" y=\"140\" font-size=\"11\" text-anchor=\"middle\">end %s</text>\n",
	        tl_x(p->window.end.t, lo, hi), a);
	fprintf(f, "</svg>\n");
}

/* The reasons for a NO-GO, or the warnings: one <ul> of escaped lines, none when empty. */
static void dryrun_html_list(FILE *f, const char *cls, char *const *v, size_t n)
{
	if (!n)
		return;
	fprintf(f, "<ul class=\"%s\">\n", cls);
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "<li>");
		dryrun_esc(f, v[i]);
		fprintf(f, "</li>\n");
	}
	fprintf(f, "</ul>\n");
}

static void dryrun_html_head(FILE *f, const struct dryrun_report *r)
{
	const struct plan *p = r->plan;
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>dry run: ");
	dryrun_esc(f, p->name);
	fprintf(f, "</title>\n<style>\nbody{font-family:sans-serif;margin:2em;color:#222}"
	           "h1 span{padding:.1em .5em;border-radius:.2em;color:#fff}"
	           ".go{background:#2e8b57}.nogo{background:#c0392b}"
	           "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.2em .5em;"
	           "text-align:left;font-size:.9em}td.n{text-align:right}"
	           "tr.fail td{background:#fdecea}tr.warn td{background:#fff6e0}"
	           "ul.reasons li{color:#c0392b}ul.warnings li{color:#8a6d3b}\n</style></head><body>\n");
	fprintf(f, "<h1 id=\"verdict\"><span class=\"%s\">%s</span> ", r->go ? "go" : "nogo",
	        r->go ? "GO" : "NO-GO");
	dryrun_esc(f, p->name);
	fprintf(f, "</h1>\n");
	dryrun_html_list(f, "reasons", r->reasons, r->n_reasons);
	dryrun_html_list(f, "warnings", r->warnings, r->n_warnings);
}

static void dryrun_html_window(FILE *f, const struct dryrun_report *r)
{
	const struct plan *p = r->plan;
	int off = p->window.start.utc_offset;
	char a[64], b[64], c[64];
	dryrun_fmt_local(a, sizeof a, p->window.start.t, off, "%Y-%m-%d %H:%M");
	dryrun_fmt_local(b, sizeof b, p->window.end.t, off, "%Y-%m-%d %H:%M");
	dryrun_fmt_duration(c, sizeof c, difftime(p->window.end.t, p->window.start.t));
	fprintf(f, "<h2>Window</h2>\n<p>%s &rarr; %s (%s)</p>\n", a, b, c);
	dryrun_timeline(f, r);
	if (r->estimated) {
		dryrun_fmt_duration(a, sizeof a, r->est.seconds);
		dryrun_fmt_duration(b, sizeof b, r->est.margin_s);
		fprintf(f, "<p>Estimate: %s with %d workers, %s %s. ", a, r->workers, b,
		        r->est.margin_s < 0 ? "too late" : "to spare");
	} else {
		fprintf(f, "<p>No estimate: ");
	}
	dryrun_esc(f, r->rate_note);
	fprintf(f, "</p>\n");
}

static void dryrun_html_preflight(FILE *f, const struct dryrun_report *r)
{
	fprintf(f, "<h2>Pre-flight of the new servers</h2>\n");
	if (!r->preflight.n) {
		fprintf(f, "<p>Not run (--skip-preflight).</p>\n");
		return;
	}
	fprintf(f, "<table><tr><th>server</th><th>check</th><th>result</th><th>detail</th></tr>\n");
	for (size_t i = 0; i < r->preflight.n; i++) {
		const struct preflight_item *it = &r->preflight.v[i];
		fprintf(f, "<tr class=\"%s\"><td>", it->result == PF_FAIL ? "fail" : it->result == PF_WARN ? "warn" : "");
		dryrun_esc(f, it->target);
		fprintf(f, "</td><td>%s</td><td>%s</td><td>", it->check, preflight_result_name(it->result));
		dryrun_esc(f, it->detail);
		fprintf(f, "</td></tr>\n");
	}
	fprintf(f, "</table>\n");
}

static void dryrun_html_customer(FILE *f, const struct plan *p, const struct inventory_customer *ic)
{
	bool bad = !ic->src_ok || !ic->dst_ok || ic->oversize || ic->over_quota;
	char a[64], b[64], why[256];
	bool redl = instr_predict(p, ic->c, why, sizeof why) == INSTR_REDL_YES;
	cmd_fmt_bytes(ic->bytes, a, sizeof a);
	cmd_fmt_bytes(ic->largest, b, sizeof b);
	fprintf(f, "<tr class=\"%s\"><td>", bad ? "fail" : redl ? "warn" : "");
	dryrun_esc(f, ic->c->id);
	fprintf(f, "</td><td>");
	dryrun_esc(f, ic->c->email);
	fprintf(f, "</td><td class=\"n\">%llu</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td>",
	        (unsigned long long)ic->msgs, a, b);
	dryrun_esc(f, ic->src_ok ? "ok" : ic->src_detail);
	fprintf(f, "</td><td>");
	dryrun_esc(f, ic->dst_ok ? "ok" : ic->dst_detail);
	fprintf(f, "</td><td>");
	dryrun_esc(f, ic->uidl_style);
	fprintf(f, "</td><td>");
	if (ic->oversize)
		fprintf(f, "%llu over the size limit. ", (unsigned long long)ic->oversize);
	if (ic->over_quota)
		fprintf(f, "Over quota. ");
	if (ic->no_message_id > 0)
		fprintf(f, "%lld without Message-ID. ", (long long)ic->no_message_id);
	if (ic->already)
		fprintf(f, "%llu already on the destination. ", (unsigned long long)ic->already);
	if (redl) {
		fprintf(f, "Re-download: ");
		dryrun_esc(f, why);
	}
	fprintf(f, "</td></tr>\n");
}

void dryrun_html(FILE *f, const struct dryrun_report *r)
{
	dryrun_html_head(f, r);
	dryrun_html_window(f, r);
	dryrun_html_preflight(f, r);
	fprintf(f, "<h2>Customers</h2>\n<table><tr><th>id</th><th>e-mail</th><th>messages</th>"
	           "<th>size</th><th>largest</th><th>source</th><th>destination</th><th>UIDL style</th>"
	           "<th>notes</th></tr>\n");
	for (size_t i = 0; i < r->inv.n; i++)
		dryrun_html_customer(f, r->plan, &r->inv.v[i]);
	fprintf(f, "</table>\n</body></html>\n");
}
