/* dryrun_json: the machine form of the dry-run report (schema: docs/dry-run-json.md). */
#include <jansson.h>
#include <stdio.h>

#include "cmd/dryrun.h"

static json_t *dryrun_strings(char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static char *dryrun_iso(char *buf, size_t n, time_t t, int off)
{
	dryrun_fmt_local(buf, n, t, off, "%Y-%m-%dT%H:%M:%S");
	/* dryrun_fmt_local writes " +09:00": RFC 3339 wants no space */
	for (char *p = buf; *p; p++)
		if (*p == ' ')
			for (char *q = p; *q; q++)
				q[0] = q[1];
	return buf;
}

int dryrun_json(FILE *f, const struct dryrun_report *r)
{
	const struct plan *p = r->plan;
	int off = p->window.start.utc_offset;
	char t1[48], t2[48], t3[48];
	json_t *root = json_object(), *pf = json_array(), *cs = json_array(), *est;

	json_object_set_new(root, "schema", json_integer(1));
	json_object_set_new(root, "plan", json_string(p->name));
	json_object_set_new(root, "generated", json_string(dryrun_iso(t1, sizeof t1, r->generated, 0)));
	json_object_set_new(root, "verdict", json_string(r->go ? "GO" : "NO-GO"));
	json_object_set_new(root, "reasons", dryrun_strings(r->reasons, r->n_reasons));
	json_object_set_new(root, "warnings", dryrun_strings(r->warnings, r->n_warnings));
	json_object_set_new(root, "window",
	                    json_pack("{s:s, s:s, s:I}", "start",
	                              dryrun_iso(t1, sizeof t1, p->window.start.t, off), "end",
	                              dryrun_iso(t2, sizeof t2, p->window.end.t, off), "seconds",
	                              (json_int_t)difftime(p->window.end.t, p->window.start.t)));
	for (size_t i = 0; i < r->preflight.n; i++) {
		const struct preflight_item *it = &r->preflight.v[i];
		json_array_append_new(pf, json_pack("{s:s, s:s, s:s, s:s}", "target", it->target, "check",
		                                    it->check, "result", preflight_result_name(it->result),
		                                    "detail", it->detail));
	}
	json_object_set_new(root, "preflight", pf);
	for (size_t i = 0; i < r->inv.n; i++) {
		const struct inventory_customer *ic = &r->inv.v[i];
		json_t *folders = json_array();
		char why[256];
		int redl = instr_predict(r->plan, ic->c, why, sizeof why);
		for (size_t k = 0; k < ic->n_folders; k++)
			json_array_append_new(folders, json_pack("{s:s, s:I, s:I}", "name", ic->folders[k].name,
			                                         "messages", (json_int_t)ic->folders[k].msgs,
			                                         "bytes", (json_int_t)ic->folders[k].bytes));
		json_array_append_new(
			cs, json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:b, s:s, s:b, s:s, s:b, s:s, s:s, s:s, s:s, s:o, s:I}",
			              "id", ic->c->id, "email", ic->c->email, "messages", (json_int_t)ic->msgs,
			              "bytes", (json_int_t)ic->bytes, "largest", (json_int_t)ic->largest,
			              "oversize", (json_int_t)ic->oversize, "without_message_id",
			              (json_int_t)ic->no_message_id, "max_message_bytes",
			              (json_int_t)ic->max_message, "quota_bytes", (json_int_t)ic->quota_limit,
			              "quota_used_bytes", (json_int_t)ic->quota_used, "over_quota", ic->over_quota,
			              "uidl_style", ic->uidl_style, "source_ok", ic->src_ok, "source_error",
			              ic->src_ok ? "" : ic->src_detail, "destination_ok", ic->dst_ok,
			              "destination_error", ic->dst_ok ? "" : ic->dst_detail, "redownload",
			              instr_redownload_name(redl < 0 ? INSTR_REDL_NO : (enum instr_redownload)redl),
			              "redownload_why", why, "client", ic->c->client, "folders",
			              folders, "already_on_destination", (json_int_t)ic->already));
	}
	json_object_set_new(root, "customers", cs);
	if (r->estimated) {
		json_t *dom = json_array();
		for (size_t i = 0; i < r->est.n_dominant; i++)
			json_array_append_new(dom, json_string(r->jobs[r->est.dominant[i]].id));
		est = json_pack("{s:s, s:I, s:I, s:s, s:I, s:i, s:f, s:f, s:s, s:o, s:I, s:I}", "phase",
		                r->final_phase ? "final" : "full", "phase_messages",
		                (json_int_t)r->phase_msgs, "seconds",
		                (json_int_t)(r->est.seconds + 0.5), "finish",
		                dryrun_iso(t3, sizeof t3, r->est.finish, off), "margin_seconds",
		                (json_int_t)r->est.margin_s, "workers", r->workers, "msgs_per_second",
		                r->rate.msgs_per_s, "bytes_per_second", r->rate.bytes_per_s, "basis",
		                r->rate_note, "dominant", dom, "messages", (json_int_t)r->total_msgs, "bytes",
		                (json_int_t)r->total_bytes);
		char sh[320];
		json_object_set_new(est, "shards_needed", json_integer(dryrun_shards_advice(r, sh, sizeof sh)));
	} else {
		est = json_pack("{s:s}", "basis", r->rate_note);
	}
	json_object_set_new(root, "estimate", est);
	json_dumpf(root, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', f);
	json_decref(root);
	return 0;
}
