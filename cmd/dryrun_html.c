/* dryrun_html: one self-contained page (no external assets) a manager can be forwarded,
 * in the plan's language: the verdict as a badge, who made it and when, the totals, the
 * reasons and warnings grouped with counts, the window as a timeline with the projected
 * finish, the pre-flight checks and a per-customer table with each one's estimate. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/dryrun.h"
#include "cmd/dryrun_words.h"

/* The colours the screenshot test (tests/integration/dryrun.sh) looks for: nothing else on
 * the page may use them. */
#define HTML_GO_COLOUR "#2e8b57"
#define HTML_NOGO_COLOUR "#c0392b"
#define HTML_TOTALS_COLOUR "#e8f0fe"
/* Customer ids listed under a grouped warning before "…". */
#define HTML_IDS_SHOWN 20

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

#define W(w) dryrun_word(lang, (w))

#define TL_W 760.0
#define TL_X0 20.0

static double tl_x(time_t t, time_t lo, time_t hi)
{
	return TL_X0 + TL_W * difftime(t, lo) / (difftime(hi, lo) > 0 ? difftime(hi, lo) : 1);
}

static void dryrun_timeline(FILE *f, const struct dryrun_report *r, enum plan_lang lang)
{
	const struct plan *p = r->plan;
	int off = p->window.start.utc_offset;
	time_t lo = p->window.start.t, hi = p->window.end.t;
	time_t unstable = p->window.unstable_until.t;
	char a[48], label[96];
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
	fprintf(f, "<text x=\"%.1f\" y=\"24\" font-size=\"12\">%s</text>\n",
	        tl_x(p->window.start.t, lo, hi) + 4, W(DW_TL_WINDOW));
	if (unstable > p->window.end.t) {
		fprintf(f, "<rect x=\"%.1f\" y=\"30\" width=\"%.1f\" height=\"28\" fill=\"#ffe9c7\" "
		           "stroke=\"#c98a1b\"/>\n", tl_x(p->window.end.t, lo, hi),
		        tl_x(unstable, lo, hi) - tl_x(p->window.end.t, lo, hi));
		fprintf(f, "<text x=\"%.1f\" y=\"24\" font-size=\"12\">%s</text>\n",
		        tl_x(p->window.end.t, lo, hi) + 4, W(DW_TL_UNSTABLE));
	}
	if (r->estimated) {
		bool late = r->est.margin_s < 0;
		fprintf(f, "<rect id=\"projected\" x=\"%.1f\" y=\"70\" width=\"%.1f\" height=\"18\" fill=\"%s\"/>\n",
		        tl_x(p->window.start.t, lo, hi),
		        tl_x(r->est.finish, lo, hi) - tl_x(p->window.start.t, lo, hi),
		        late ? "#d9534f" : "#5cb85c");
		dryrun_fmt_local(a, sizeof a, r->est.finish, off, "%H:%M");
		snprintf(label, sizeof label, W(DW_TL_FINISH), a);
		fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"26\" y2=\"96\" stroke=\"#222\" "
		           "stroke-dasharray=\"4 3\"/>\n", tl_x(r->est.finish, lo, hi), tl_x(r->est.finish, lo, hi));
		/* Keep the label inside the picture when the finish is near either end. */
		double fx = tl_x(r->est.finish, lo, hi);
		fprintf(f, "<text x=\"%.1f\" y=\"110\" font-size=\"12\" text-anchor=\"%s\">%s</text>\n",
		        fx, fx < 160 ? "start" : fx > 640 ? "end" : "middle", label);
	}
	dryrun_fmt_local(a, sizeof a, p->window.start.t, off, "%m-%d %H:%M");
	fprintf(f, "<text x=\"%.1f\" y=\"140\" font-size=\"11\">%s</text>\n", tl_x(p->window.start.t, lo, hi), a);
	dryrun_fmt_local(a, sizeof a, p->window.end.t, off, "%H:%M");
	snprintf(label, sizeof label, W(DW_TL_END), a);
	fprintf(f, "<text x=\"%.1f\" y=\"140\" font-size=\"11\" text-anchor=\"middle\">%s</text>\n",
	        tl_x(p->window.end.t, lo, hi), label);
	fprintf(f, "</svg>\n");
}

/* Reasons or warnings, grouped: "16 customers — will download all mail again …" once,
 * with the customers listed under it, instead of 16 identical lines. */
static void dryrun_html_groups(FILE *f, enum plan_lang lang, const char *cls, const char *title,
                               char *const *v, size_t n)
{
	size_t ng = 0;
	struct dryrun_group *g;
	char count[64];
	if (!n)
		return;
	g = dryrun_group_lines(v, n, &ng);
	fprintf(f, "<h2>%s</h2>\n<ul class=\"%s\">\n", title, cls);
	for (size_t i = 0; g && i < ng; i++) {
		fprintf(f, "<li>");
		if (g[i].n_ids) {
			dryrun_words_customers(lang, count, sizeof count, g[i].n_ids);
			fprintf(f, "<span class=\"count\">%s</span>%s", count, lang == PLAN_LANG_JA ? "：" : " — ");
		}
		dryrun_words_line(f, lang, g[i].text, dryrun_esc);
		if (g[i].n_ids) {
			fprintf(f, "<br><span class=\"ids\">%s: ", W(DW_AFFECTED));
			for (size_t k = 0; k < g[i].n_ids && k < HTML_IDS_SHOWN; k++) {
				fprintf(f, "%s", k ? ", " : "");
				dryrun_esc(f, g[i].ids[k]);
			}
			if (g[i].n_ids > HTML_IDS_SHOWN)
				fprintf(f, ", … (+%zu)", g[i].n_ids - HTML_IDS_SHOWN);
			fprintf(f, "</span>");
		}
		fprintf(f, "</li>\n");
	}
	fprintf(f, "</ul>\n");
	dryrun_group_free(g, ng);
}

static void dryrun_html_style(FILE *f)
{
	fprintf(f, "<style>\nbody{font-family:sans-serif;margin:2em;color:#222;max-width:72em}"
	           "h1{margin:.2em 0}h1 span{padding:.1em .5em;border-radius:.2em;color:#fff}"
	           ".go{background:" HTML_GO_COLOUR "}.nogo{background:" HTML_NOGO_COLOUR "}"
	           "p.verdict{font-size:1.1em}"
	           "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.2em .5em;"
	           "text-align:left;font-size:.9em}td.n,th.n{text-align:right;white-space:nowrap}"
	           "table.meta td,table.meta th{border:none;padding:.1em 1em .1em 0}"
	           "#totals{display:flex;flex-wrap:wrap;gap:.5em;background:" HTML_TOTALS_COLOUR ";"
	           "padding:.8em;border-radius:.3em;margin:1em 0}"
	           "#totals div{min-width:9em;padding:.2em .8em}"
	           "#totals b{display:block;font-size:1.6em;white-space:nowrap}"
	           "#totals span{white-space:nowrap;color:#444}"
	           "tr.fail td{background:#fdecea}tr.warn td{background:#fff6e0}"
	           "ul.reasons li{color:#a93226}ul.warnings li{color:#8a6d3b}li{margin:.3em 0}"
	           ".count{font-weight:bold;white-space:nowrap}.ids{color:#555;font-size:.85em}"
	           ".basis{color:#555;font-size:.85em}\n</style>\n");
}

static void dryrun_html_head(FILE *f, const struct dryrun_report *r, enum plan_lang lang)
{
	const struct plan *p = r->plan;
	const char *company = plan_text_get(p, &p->operator_.company, lang);
	char a[64], b[64];

	fprintf(f, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">\n<title>%s: ",
	        plan_lang_name(lang), W(DW_TITLE));
	dryrun_esc(f, p->name);
	fprintf(f, "</title>\n");
	dryrun_html_style(f);
	fprintf(f, "</head><body>\n<p>%s</p>\n", W(DW_TITLE));
	fprintf(f, "<h1 id=\"verdict\"><span class=\"%s\">%s</span> ", r->go ? "go" : "nogo",
	        r->go ? "GO" : "NO-GO");
	dryrun_esc(f, p->name);
	fprintf(f, "</h1>\n<p class=\"verdict\">%s</p>\n", W(r->go ? DW_GO_LINE : DW_NOGO_LINE));
	fprintf(f, "<table class=\"meta\">\n<tr><th>%s</th><td>", W(DW_PLAN));
	dryrun_esc(f, p->name);
	fprintf(f, "</td></tr>\n");
	if (!company)
		company = plan_text_any(p, &p->operator_.company);
	if (company) {
		fprintf(f, "<tr><th>%s</th><td>", W(DW_OPERATOR));
		dryrun_esc(f, company);
		fprintf(f, "</td></tr>\n");
	}
	fprintf(f, "<tr><th>%s</th><td>", W(DW_PREPARED_BY));
	dryrun_esc(f, dryrun_prepared_by());
	dryrun_fmt_local(a, sizeof a, r->generated, p->window.start.utc_offset, "%Y-%m-%d %H:%M");
	fprintf(f, "</td></tr>\n<tr><th>%s</th><td>%s</td></tr>\n", W(DW_GENERATED), a);
	dryrun_fmt_local(a, sizeof a, p->window.start.t, p->window.start.utc_offset, "%Y-%m-%d %H:%M");
	dryrun_fmt_local(b, sizeof b, p->window.end.t, p->window.start.utc_offset, "%Y-%m-%d %H:%M");
	fprintf(f, "<tr><th>%s</th><td>%s &rarr; %s</td></tr>\n</table>\n", W(DW_WINDOW), a, b);
}

/* The numbers a manager asks first, in one box near the top. */
static void dryrun_html_totals(FILE *f, const struct dryrun_report *r, enum plan_lang lang)
{
	char a[64];
	fprintf(f, "<section id=\"totals\">\n");
	fprintf(f, "<div><b>%s</b><span>%s</span></div>\n", dryrun_words_count(r->inv.n, a, sizeof a),
	        W(DW_CUSTOMERS));
	fprintf(f, "<div><b>%s</b><span>%s</span></div>\n",
	        dryrun_words_count(r->total_msgs, a, sizeof a), W(DW_MESSAGES));
	fprintf(f, "<div><b>%s</b><span>%s</span></div>\n", cmd_fmt_bytes(r->total_bytes, a, sizeof a),
	        W(DW_TOTAL_SIZE));
	if (r->estimated) {
		dryrun_fmt_duration_lang(a, sizeof a, r->est.seconds, lang);
		fprintf(f, "<div><b>%s</b><span>%s</span></div>\n", a, W(DW_COPY_TIME));
		dryrun_fmt_local(a, sizeof a, r->est.finish, r->plan->window.start.utc_offset, "%H:%M");
		fprintf(f, "<div><b>%s</b><span>%s</span></div>\n", a, W(DW_FINISH));
		dryrun_fmt_duration_lang(a, sizeof a, r->est.margin_s < 0 ? -r->est.margin_s : r->est.margin_s,
		                         lang);
		fprintf(f, "<div><b>%s</b><span>%s</span></div>\n", a,
		        W(r->est.margin_s < 0 ? DW_TOO_LATE : DW_TO_SPARE));
	} else {
		fprintf(f, "<div><b>&ndash;</b><span>%s</span></div>\n", W(DW_NO_ESTIMATE));
	}
	fprintf(f, "</section>\n");
}

static void dryrun_html_window(FILE *f, const struct dryrun_report *r, enum plan_lang lang)
{
	char a[64], b[64], phase[64], all[64];
	fprintf(f, "<h2>%s</h2>\n", W(DW_WINDOW));
	dryrun_timeline(f, r, lang);
	fprintf(f, "<p>");
	if (r->estimated) {
		const char *margin = W(r->est.margin_s < 0 ? DW_TOO_LATE : DW_TO_SPARE);
		dryrun_fmt_duration_lang(a, sizeof a, r->est.seconds, lang);
		dryrun_fmt_duration_lang(b, sizeof b, r->est.margin_s < 0 ? -r->est.margin_s : r->est.margin_s,
		                         lang);
		fprintf(f, W(DW_ESTIMATE_LINE), a, r->workers, b, margin);
		if (r->final_phase) {
			fprintf(f, " ");
			fprintf(f, W(DW_FINAL_PHASE), dryrun_words_count(r->phase_msgs, phase, sizeof phase),
			        dryrun_words_count(r->total_msgs, all, sizeof all));
		}
	}
	fprintf(f, "</p>\n<p class=\"basis\">%s: ", W(DW_BASIS));
	dryrun_esc(f, r->rate_note);
	fprintf(f, "</p>\n");
}

static void dryrun_html_preflight(FILE *f, const struct dryrun_report *r, enum plan_lang lang)
{
	fprintf(f, "<h2>%s</h2>\n", W(DW_PREFLIGHT));
	if (!r->preflight.n) {
		fprintf(f, "<p>%s</p>\n", W(DW_PREFLIGHT_NOT_RUN));
		return;
	}
	fprintf(f, "<table><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>\n", W(DW_SERVER),
	        W(DW_CHECK), W(DW_RESULT), W(DW_DETAIL));
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

/* The notes column: what stands out about one customer. */
static void dryrun_html_notes(FILE *f, const struct plan *p, const struct inventory_customer *ic,
                              enum plan_lang lang)
{
	char why[256];
	if (ic->oversize)
		fprintf(f, W(DW_OVERSIZE), (unsigned long long)ic->oversize);
	if (ic->over_quota)
		fprintf(f, "%s", W(DW_OVER_QUOTA));
	if (ic->no_message_id > 0)
		fprintf(f, W(DW_NO_MSGID), (long long)ic->no_message_id);
	if (ic->already)
		fprintf(f, W(DW_ALREADY), (unsigned long long)ic->already);
	if (instr_predict(p, ic->c, why, sizeof why) == INSTR_REDL_YES) {
		fprintf(f, "%s", W(DW_REDOWNLOAD));
		dryrun_esc(f, why);
	}
}

static void dryrun_html_customer(FILE *f, const struct dryrun_report *r,
                                 const struct inventory_customer *ic, enum plan_lang lang)
{
	bool bad = !ic->src_ok || !ic->dst_ok || ic->oversize || ic->over_quota;
	char a[64], b[64], c[64], t[64] = "&ndash;";
	bool redl = instr_predict(r->plan, ic->c, a, sizeof a) == INSTR_REDL_YES;
	double secs = dryrun_customer_seconds(r, ic->c->id);
	if (secs >= 0)
		dryrun_fmt_duration_lang(t, sizeof t, secs, lang);
	cmd_fmt_bytes(ic->bytes, a, sizeof a);
	cmd_fmt_bytes(ic->largest, b, sizeof b);
	fprintf(f, "<tr class=\"%s\"><td>", bad ? "fail" : redl ? "warn" : "");
	dryrun_esc(f, ic->c->id);
	fprintf(f, "</td><td>");
	dryrun_esc(f, ic->c->email);
	fprintf(f, "</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td>"
	           "<td class=\"n\">%s</td><td>", dryrun_words_count(ic->msgs, c, sizeof c), a, b, t);
	dryrun_esc(f, ic->src_ok ? W(DW_OK) : ic->src_detail);
	fprintf(f, "</td><td>");
	dryrun_esc(f, ic->dst_ok ? W(DW_OK) : ic->dst_detail);
	fprintf(f, "</td><td>");
	dryrun_esc(f, ic->uidl_style);
	fprintf(f, "</td><td>");
	dryrun_html_notes(f, r->plan, ic, lang);
	fprintf(f, "</td></tr>\n");
}

void dryrun_html(FILE *f, const struct dryrun_report *r)
{
	enum plan_lang lang = r->plan->language;
	dryrun_html_head(f, r, lang);
	dryrun_html_totals(f, r, lang);
	dryrun_html_groups(f, lang, "reasons", W(DW_REASONS), r->reasons, r->n_reasons);
	dryrun_html_groups(f, lang, "warnings", W(DW_WARNINGS), r->warnings, r->n_warnings);
	dryrun_html_window(f, r, lang);
	dryrun_html_preflight(f, r, lang);
	fprintf(f, "<h2>%s</h2>\n<table><tr><th>%s</th><th>%s</th><th class=\"n\">%s</th>"
	           "<th class=\"n\">%s</th><th class=\"n\">%s</th><th class=\"n\">%s</th><th>%s</th>"
	           "<th>%s</th><th>%s</th><th>%s</th></tr>\n", W(DW_CUSTOMER_TABLE), W(DW_ID),
	        W(DW_EMAIL), W(DW_MESSAGES), W(DW_SIZE), W(DW_LARGEST), W(DW_EST_TIME), W(DW_SOURCE),
	        W(DW_DESTINATION), W(DW_UIDL_STYLE), W(DW_NOTES));
	for (size_t i = 0; i < r->inv.n; i++)
		dryrun_html_customer(f, r, &r->inv.v[i], lang);
	fprintf(f, "</table>\n</body></html>\n");
}
