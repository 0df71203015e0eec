/* records: instructions as JSON and as check's re-download summary. */
#include "notices/records.h"

#include <stdlib.h>
#include <string.h>

#include "schedule/instr.h"

#define RECORDS_IDS_SHOWN 5

static json_t *records_service(const struct plan_service *s, const char *host, bool outgoing,
                               enum plan_auth auth)
{
	json_t *o = json_pack("{s:s?, s:s, s:i, s:s, s:s}", "host", host, "protocol",
	                      plan_proto_name(outgoing ? PLAN_PROTO_SMTP : s->proto), "port", s->port, "tls",
	                      plan_tls_name(s->tls),
	                      "auth", outgoing ? plan_smtp_auth_name(s->smtp_auth) : plan_auth_name(auth));
	/* SMTP AUTH: whose user name and password, and where to sign up first. */
	if (o && outgoing && s->smtp_auth == PLAN_SMTP_AUTH) {
		json_object_set_new(o, "credentials",
		                    json_string(s->credentials == PLAN_CRED_SEPARATE ? "separate" : "same"));
		json_object_set_new(o, "signup_url", s->signup_url ? json_string(s->signup_url) : json_null());
	}
	return o;
}

/* The cautions a notice prints, as stable keys, and the sentence `check` says for each. */
static const struct {
	const char *key, *says;
} records_note_info[] = {
	{ "full-address-login", "log in with the full address (their program sends its POP login to SMTP AUTH)" },
	{ "apop-not-supported", "choose the normal password: their program cannot do APOP" },
	{ "apop-blocks-smtp-auth", "choose the normal password: their program cannot send with SMTP AUTH while using APOP" },
	{ "pop-before-smtp", "send with POP before SMTP although the plan offers SMTP AUTH" },
	{ "upgrade-needed", "cannot send until they upgrade: their program lacks SMTP AUTH and the plan has no fallback" },
	{ "keep-old-incoming-name", "keep the old incoming server name (an alias), which avoids a second download" },
	{ "smtp-auth-signup", "sign up for SMTP AUTH first (services.outgoing.after[].signup_url)" },
	{ "smtp-auth-separate-credentials", "enter the SMTP AUTH user name and password given separately (credentials: separate)" },
	{ "separate-credentials-unsupported", "cannot send: their program has no field for a separate SMTP AUTH user and the plan has no POP before SMTP" },
};
#define RECORDS_N_NOTES (sizeof records_note_info / sizeof records_note_info[0])

static void records_notes_on(const struct instr *in, bool on[RECORDS_N_NOTES])
{
	const bool v[RECORDS_N_NOTES] = { in->login_full_address, in->apop_unsupported, in->apop_conflict,
	                                   in->smtp_fallback, in->must_upgrade, in->in_host_kept,
	                                   in->smtp_signup_url != NULL, in->smtp_separate,
	                                   in->separate_unsupported };
	memcpy(on, v, sizeof v);
}

static json_t *records_notes(const struct instr *in)
{
	json_t *a = json_array();
	bool on[RECORDS_N_NOTES];
	records_notes_on(in, on);
	for (size_t i = 0; a && i < RECORDS_N_NOTES; i++)
		if (on[i])
			json_array_append_new(a, json_string(records_note_info[i].key));
	return a;
}

/* One record; with_id: it starts with "customer" (the notices document is a list). */
static json_t *records_one(const struct plan *p, const struct instr *in, bool with_id)
{
	char why[256];
	instr_why_text(in, p, why, sizeof why);
	return json_pack("{s:s*, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:o, s:o, s:s, s:s, s:o}",
	                 "customer", with_id ? in->c->id : NULL, "email", in->c->email, "language", plan_lang_name(in->c->lang),
	                 "client", in->ci->id, "login", in->login, "login_before", in->login_before,
	                 "auth", plan_auth_name(in->in_auth), "unchanged", in->unchanged,
	                 "incoming", records_service(in->in, in->in_host, false, in->in_auth),
	                 "outgoing", records_service(in->out, in->out->host, true, in->in_auth),
	                 "redownload", instr_redownload_name(in->redownload), "redownload_why", why,
	                 "notes", records_notes(in));
}

static bool records_wanted(const char *id, const char *const *only, size_t n_only)
{
	for (size_t i = 0; i < n_only; i++)
		if (strcmp(only[i], id) == 0)
			return true;
	return n_only == 0;
}

/* Every wanted customer's record into root: an object keyed by id, or (list) an array. */
static int records_fill(json_t *root, bool list, const struct plan *p, const char *const *only,
                        size_t n_only, struct err *e)
{
	for (size_t i = 0; i < p->n_customers; i++) {
		const struct plan_customer *c = &p->customers[i];
		struct instr in;
		if (!records_wanted(c->id, only, n_only))
			continue;
		if (instr_compute(&in, p, c, e) < 0)
			return -1;
		json_t *o = records_one(p, &in, list);
		instr_release(&in);
		if (!o || (list ? json_array_append_new(root, o) : json_object_set_new(root, c->id, o)) < 0)
			return err_set(e, ERR_NOMEM, "out of memory");
	}
	return 0;
}

json_t *records_doc(const struct plan *p, const char *const *only, size_t n_only, struct err *e)
{
	json_t *list = json_array();
	json_t *doc = list ? json_pack("{s:i, s:s, s:s, s:o}", "schema", 1, "command", "notices",
	                               "plan", p->name, "customers", list) : NULL;
	if (!doc) {
		json_decref(list);
		err_set(e, ERR_NOMEM, "out of memory");
		return NULL;
	}
	if (records_fill(list, true, p, only, n_only, e) < 0) {
		json_decref(doc);
		return NULL;
	}
	return doc;
}

json_t *records_json(const struct plan *p, const char *const *only, size_t n_only, struct err *e)
{
	json_t *root = json_object();
	if (!root) {
		err_set(e, ERR_NOMEM, "out of memory");
		return NULL;
	}
	if (records_fill(root, false, p, only, n_only, e) < 0) {
		json_decref(root);
		return NULL;
	}
	return root;
}

/* One line per (outcome, reason): "yes  2 (c1, c2): Thunderbird remembers …". */
struct records_group {
	int outcome;
	char why[256];
	char ids[128];
	size_t n;
};

static int records_group_add(struct records_group **g, size_t *n, const struct instr *in,
                             const char *why)
{
	size_t i = 0;
	while (i < *n && !((*g)[i].outcome == (int)in->redownload && strcmp((*g)[i].why, why) == 0))
		i++;
	if (i == *n) {
		struct records_group *ng = realloc(*g, (*n + 1) * sizeof *ng);
		if (!ng)
			return -1;
		*g = ng;
		memset(&ng[i], 0, sizeof ng[i]);
		ng[i].outcome = (int)in->redownload;
		snprintf(ng[i].why, sizeof ng[i].why, "%s", why);
		(*n)++;
	}
	struct records_group *it = &(*g)[i];
	size_t l = strlen(it->ids);
	if (it->n < RECORDS_IDS_SHOWN)
		snprintf(it->ids + l, sizeof it->ids - l, "%s%s", l ? ", " : "", in->c->id);
	it->n++;
	return 0;
}

int records_print_redownload(FILE *f, const struct plan *p, struct err *e)
{
	struct records_group *g = NULL;
	size_t n = 0;
	int rc = -1;
	for (size_t i = 0; i < p->n_customers; i++) {
		struct instr in;
		char why[256];
		if (instr_compute(&in, p, &p->customers[i], e) < 0)
			goto out;
		instr_why_text(&in, p, why, sizeof why);
		int r = records_group_add(&g, &n, &in, why);
		instr_release(&in);
		if (r < 0) {
			err_set(e, ERR_NOMEM, "out of memory");
			goto out;
		}
	}
	fprintf(f, "\nDownloads the mail left on the server once more? (each customer: notices --format json)\n");
	for (int outcome = INSTR_REDL_YES; outcome >= INSTR_REDL_NO; outcome--)
		for (size_t i = 0; i < n; i++)
			if (g[i].outcome == outcome)
				fprintf(f, "  %-16s %zu (%s%s): %s\n",
				        instr_redownload_name((enum instr_redownload)outcome), g[i].n, g[i].ids,
				        g[i].n > RECORDS_IDS_SHOWN ? ", …" : "", g[i].why);
	rc = 0;
out:
	free(g);
	return rc;
}

int records_print_notes(FILE *f, const struct plan *p, struct err *e)
{
	size_t count[RECORDS_N_NOTES] = { 0 };
	char ids[RECORDS_N_NOTES][128];
	bool any = false;
	memset(ids, 0, sizeof ids);
	for (size_t i = 0; i < p->n_customers; i++) {
		struct instr in;
		bool on[RECORDS_N_NOTES];
		if (instr_compute(&in, p, &p->customers[i], e) < 0)
			return -1;
		records_notes_on(&in, on);
		for (size_t k = 0; k < RECORDS_N_NOTES; k++) {
			size_t l = strlen(ids[k]);
			if (on[k] && count[k]++ < RECORDS_IDS_SHOWN)
				snprintf(ids[k] + l, sizeof ids[k] - l, "%s%s", l ? ", " : "", p->customers[i].id);
			any |= on[k];
		}
		instr_release(&in);
	}
	if (!any)
		return 0;
	fprintf(f, "\nWhat the notices ask of customers besides the new settings:\n");
	for (size_t k = 0; k < RECORDS_N_NOTES; k++)
		if (count[k])
			fprintf(f, "  %-32s %zu (%s%s): %s\n", records_note_info[k].key, count[k], ids[k],
			        count[k] > RECORDS_IDS_SHOWN ? ", …" : "", records_note_info[k].says);
	return 0;
}
