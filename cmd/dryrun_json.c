/* dryrun_json: the machine form of the dry-run report (docs/json.md, "dry-run"). */
#include <jansson.h>
#include <stdio.h>

#include "cmd/dryrun.h"
#include "cmd/jsondoc.h"

static json_t *dryrun_strings(char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

/* [{"message", "count", "customers"}]: the lines grouped by what follows the id. */
static json_t *dryrun_groups_json(char *const *v, size_t n)
{
	size_t ng = 0;
	struct dryrun_group *g = dryrun_group_lines(v, n, &ng);
	json_t *a = json_array();
	for (size_t i = 0; g && i < ng; i++) {
		json_t *ids = json_array();
		for (size_t k = 0; k < g[i].n_ids; k++)
			json_array_append_new(ids, json_string(g[i].ids[k]));
		json_array_append_new(a, json_pack("{s:s, s:I, s:o}", "message", g[i].text, "count",
		                                   (json_int_t)(g[i].n_ids ? g[i].n_ids : 1), "customers",
		                                   ids));
	}
	dryrun_group_free(g, ng);
	return a;
}

static json_t *dryrun_customer_json(const struct dryrun_report *r, const struct inventory_customer *ic)
{
	json_t *o = json_object(), *folders = json_array();
	char why[256];
	int redl = instr_predict(r->plan, ic->c, why, sizeof why);
	double secs = dryrun_customer_seconds(r, ic->c->id);
	for (size_t k = 0; k < ic->n_folders; k++)
		json_array_append_new(folders, json_pack("{s:s, s:I, s:I}", "name", ic->folders[k].name,
		                                         "messages", (json_int_t)ic->folders[k].msgs,
		                                         "bytes", (json_int_t)ic->folders[k].bytes));
	json_object_set_new(o, "customer", json_string(ic->c->id));
	json_object_set_new(o, "email", json_string(ic->c->email));
	json_object_set_new(o, "client", json_string(ic->c->client));
	json_object_set_new(o, "messages", json_integer((json_int_t)ic->msgs));
	json_object_set_new(o, "bytes", json_integer((json_int_t)ic->bytes));
	json_object_set_new(o, "largest", json_integer((json_int_t)ic->largest));
	json_object_set_new(o, "oversize", json_integer((json_int_t)ic->oversize));
	json_object_set_new(o, "max_message_bytes", json_integer((json_int_t)ic->max_message));
	json_object_set_new(o, "without_message_id", json_integer((json_int_t)ic->no_message_id));
	json_object_set_new(o, "quota_bytes", json_integer((json_int_t)ic->quota_limit));
	json_object_set_new(o, "quota_used_bytes", json_integer((json_int_t)ic->quota_used));
	json_object_set_new(o, "over_quota", json_boolean(ic->over_quota));
	json_object_set_new(o, "uidl_style", json_string(ic->uidl_style));
	json_object_set_new(o, "source_ok", json_boolean(ic->src_ok));
	json_object_set_new(o, "source_error", json_string(ic->src_ok ? "" : ic->src_detail));
	json_object_set_new(o, "destination_ok", json_boolean(ic->dst_ok));
	json_object_set_new(o, "destination_error", json_string(ic->dst_ok ? "" : ic->dst_detail));
	json_object_set_new(o, "redownload",
	                    json_string(instr_redownload_name(redl < 0 ? INSTR_REDL_NO
	                                                               : (enum instr_redownload)redl)));
	json_object_set_new(o, "redownload_why", json_string(why));
	json_object_set_new(o, "estimate_seconds", secs < 0 ? json_null() : jsondoc_real(secs, 1));
	json_object_set_new(o, "folders", folders);
	json_object_set_new(o, "already_on_destination", json_integer((json_int_t)ic->already));
	return o;
}

static json_t *dryrun_estimate_json(const struct dryrun_report *r)
{
	json_t *dom, *est;
	char sh[320];
	if (!r->estimated)
		return json_pack("{s:s}", "basis", r->rate_note);
	dom = json_array();
	for (size_t i = 0; i < r->est.n_dominant; i++)
		json_array_append_new(dom, json_string(r->jobs[r->est.dominant[i]].id));
	est = json_pack("{s:s, s:I, s:I, s:o, s:I, s:i, s:o, s:I, s:s, s:o, s:I, s:I}", "phase",
	                 r->final_phase ? "final" : "full", "phase_messages", (json_int_t)r->phase_msgs,
	                 "seconds", (json_int_t)(r->est.seconds + 0.5), "finish",
	                 jsondoc_time(r->plan, r->est.finish), "margin_seconds",
	                 (json_int_t)r->est.margin_s, "workers", r->workers, "msgs_per_second",
	                 jsondoc_real(r->rate.msgs_per_s, 1), "bytes_per_second",
	                 (json_int_t)(r->rate.bytes_per_s + 0.5), "basis", r->rate_note, "dominant", dom,
	                 "messages", (json_int_t)r->total_msgs, "bytes", (json_int_t)r->total_bytes);
	json_object_set_new(est, "shards_needed", json_integer(dryrun_shards_advice(r, sh, sizeof sh)));
	return est;
}

int dryrun_json(FILE *f, const struct dryrun_report *r)
{
	const struct plan *p = r->plan;
	json_t *root = jsondoc_new("dry-run"), *pf = json_array(), *cs = json_array();
	const char *company = plan_text_any(p, &p->operator_.company);
	int rc;

	json_object_set_new(root, "plan", json_string(p->name));
	json_object_set_new(root, "operator", company ? json_string(company) : json_null());
	json_object_set_new(root, "prepared_by", json_string(dryrun_prepared_by()));
	json_object_set_new(root, "generated", jsondoc_time(p, r->generated));
	json_object_set_new(root, "language", json_string(plan_lang_name(p->language)));
	json_object_set_new(root, "verdict", json_string(r->go ? "GO" : "NO-GO"));
	json_object_set_new(root, "reasons", dryrun_strings(r->reasons, r->n_reasons));
	json_object_set_new(root, "warnings", dryrun_strings(r->warnings, r->n_warnings));
	json_object_set_new(root, "reason_groups", dryrun_groups_json(r->reasons, r->n_reasons));
	json_object_set_new(root, "warning_groups", dryrun_groups_json(r->warnings, r->n_warnings));
	json_object_set_new(root, "window",
	                    json_pack("{s:o, s:o, s:I}", "start", jsondoc_time(p, p->window.start.t),
	                              "end", jsondoc_time(p, p->window.end.t), "seconds",
	                              (json_int_t)difftime(p->window.end.t, p->window.start.t)));
	json_object_set_new(root, "totals",
	                    json_pack("{s:I, s:I, s:I}", "customers", (json_int_t)r->inv.n, "messages",
	                              (json_int_t)r->total_msgs, "bytes", (json_int_t)r->total_bytes));
	for (size_t i = 0; i < r->preflight.n; i++) {
		const struct preflight_item *it = &r->preflight.v[i];
		json_array_append_new(pf, json_pack("{s:s, s:s, s:s, s:s}", "target", it->target, "check",
		                                    it->check, "result", preflight_result_name(it->result),
		                                    "detail", it->detail));
	}
	json_object_set_new(root, "preflight", pf);
	for (size_t i = 0; i < r->inv.n; i++)
		json_array_append_new(cs, dryrun_customer_json(r, &r->inv.v[i]));
	json_object_set_new(root, "customers", cs);
	json_object_set_new(root, "estimate", dryrun_estimate_json(r));
	rc = jsondoc_dump(root, f);
	json_decref(root);
	return rc;
}
