/* records: instructions as JSON and as check's re-download summary. */
#include "notices/records.h"

#include <stdlib.h>
#include <string.h>

#include "schedule/instr.h"

#define RECORDS_IDS_SHOWN 5

static json_t *records_service(const struct plan_service *s, const char *host, bool outgoing,
                               enum plan_auth auth)
{
	return json_pack("{s:s?, s:s, s:i, s:s, s:s}", "host", host, "protocol",
	                 plan_proto_name(outgoing ? PLAN_PROTO_SMTP : s->proto), "port", s->port, "tls",
	                 plan_tls_name(s->tls),
	                 "auth", outgoing ? plan_smtp_auth_name(s->smtp_auth) : plan_auth_name(auth));
}

/* The cautions that apply, as stable keys (the notice prints a paragraph for each). */
static json_t *records_notes(const struct instr *in)
{
	json_t *a = json_array();
	static const char *const names[] = { "full-address-login", "apop-not-supported",
	                                     "apop-blocks-smtp-auth", "pop-before-smtp",
	                                     "upgrade-needed", "keep-old-incoming-name",
	                                     "smtp-auth-signup" };
	bool on[] = { in->login_full_address, in->apop_unsupported, in->apop_conflict,
	              in->smtp_fallback, in->must_upgrade, in->in_host_kept,
	              in->out->smtp_auth == PLAN_SMTP_AUTH && in->out->signup_url };
	for (size_t i = 0; a && i < sizeof on / sizeof on[0]; i++)
		if (on[i])
			json_array_append_new(a, json_string(names[i]));
	return a;
}

static json_t *records_one(const struct plan *p, const struct instr *in)
{
	char why[256];
	instr_why_text(in, p, why, sizeof why);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:o, s:o, s:s, s:s, s:o}",
	                 "email", in->c->email, "language", plan_lang_name(in->c->lang),
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

json_t *records_json(const struct plan *p, const char *const *only, size_t n_only, struct err *e)
{
	json_t *root = json_object();
	if (!root)
		goto nomem;
	for (size_t i = 0; i < p->n_customers; i++) {
		const struct plan_customer *c = &p->customers[i];
		struct instr in;
		if (!records_wanted(c->id, only, n_only))
			continue;
		if (instr_compute(&in, p, c, e) < 0) {
			json_decref(root);
			return NULL;
		}
		json_t *o = records_one(p, &in);
		instr_release(&in);
		if (!o || json_object_set_new(root, c->id, o) < 0)
			goto nomem;
	}
	return root;
nomem:
	json_decref(root);
	err_set(e, ERR_NOMEM, "out of memory");
	return NULL;
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
