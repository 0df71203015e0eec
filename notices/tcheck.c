/* tcheck: render each template with representative data (see tcheck.h). */
#include "notices/tcheck.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schedule/clients.h"

static size_t tcheck_fail(struct diag *d, const char *what, const struct err *e)
{
	diag_add(d, DIAG_ERROR, "templates", 0, 0, "error: %s: %s", what, e->msg);
	return 1;
}

/* A stand-in customer: the plan's first one in this language (else the first), with the
 * mail program and protocol under test. */
static struct plan_customer tcheck_customer(const struct plan *p, enum plan_lang lang,
                                            const struct client_info *ci, bool imap)
{
	struct plan_customer c = p->customers[0];
	for (size_t i = 0; i < p->n_customers; i++)
		if (p->customers[i].lang == lang) {
			c = p->customers[i];
			break;
		}
	c.lang = lang;
	c.client = (char *)ci->id;   /* read only: instr and render never write it */
	c.client_raw = NULL;
	c.has_source_proto = true;
	c.source_proto = imap ? PLAN_PROTO_IMAP : PLAN_PROTO_POP3;
	return c;
}

/* The text notice holds every part and the program's steps; the other formats use the
 * same parts, so one program renders them all (all_formats) and the rest only text. */
static size_t tcheck_program(const struct render_opts *o, const struct plan *p, struct diag *d,
                             enum plan_lang lang, const struct client_info *ci, const char *raw,
                             bool all_formats)
{
	size_t errors = 0;
	int last = all_formats ? RENDER_LAST : RENDER_TEXT;
	for (int imap = 0; imap < 2; imap++) {
		struct plan_customer c = tcheck_customer(p, lang, ci, imap);
		c.client_raw = (char *)raw;   /* read only: picks the version's steps */
		for (int f = RENDER_TEXT; f <= last; f++) {
			struct buf b = BUF_INIT;
			struct err e;
			const char *skipped;
			char what[160], mid[512];
			err_clear(&e);
			int rc = render_notice(&b, o, p, &c, (enum render_format)f, &skipped, mid, sizeof mid, &e);
			buf_release(&b);
			if (rc < 0) {
				snprintf(what, sizeof what, "%s notice for %s (%s, %s)", lang == PLAN_LANG_JA ? "Japanese"
				         : "English", ci->id, imap ? "IMAP" : "POP3", render_format_ext((enum render_format)f));
				errors += tcheck_fail(d, what, &e);
				break;
			}
		}
	}
	return errors;
}

/* Steps for one version of a program ("thunderbird-2.txt"): rendered with a customer who
 * runs that version. */
static size_t tcheck_versions(const struct render_opts *o, const struct plan *p, struct diag *d,
                              enum plan_lang lang)
{
	char dir[4200], raw[32];
	size_t errors = 0;
	struct dirent *de;
	snprintf(dir, sizeof dir, "%s/%s/steps", o->templates, lang == PLAN_LANG_JA ? "ja" : "en");
	DIR *dh = opendir(dir);
	while (dh && (de = readdir(dh))) {
		char id[256];
		size_t len = strlen(de->d_name);
		if (len < 5 || len >= sizeof id || strcmp(de->d_name + len - 4, ".txt") != 0)
			continue;
		snprintf(id, sizeof id, "%.*s", (int)(len - 4), de->d_name);
		char *dash = strrchr(id, '-');
		const struct client_info *ci = clients_lookup(id);
		if ((ci && strcmp(ci->id, id) == 0) || !dash || !dash[1] ||
		    strspn(dash + 1, "0123456789") != strlen(dash + 1))
			continue;   /* a program's own steps (outlook-express-6), rendered above */
		*dash = 0;
		ci = clients_lookup(id);
		if (!ci || strcmp(ci->id, id) != 0)
			continue;
		snprintf(raw, sizeof raw, "v%s", dash + 1);
		errors += tcheck_program(o, p, d, lang, ci, raw, false);
	}
	if (dh)
		closedir(dh);
	return errors;
}

size_t tcheck_templates(const struct render_opts *o, const struct plan *p, struct diag *d)
{
	bool used[2] = { false, false };
	unsigned n;
	const struct client_info *all = clients_all(&n);
	size_t errors = 0;
	used[p->language] = true;
	for (size_t i = 0; i < p->n_customers; i++)
		used[p->customers[i].lang] = true;
	for (int lang = 0; lang < 2; lang++) {
		if (!used[lang])
			continue;
		for (int html = 0; html < 2; html++) {
			struct buf b = BUF_INIT;
			struct err e;
			err_clear(&e);
			if (render_announce(&b, o, p, (enum plan_lang)lang, html, &e) < 0)
				errors += tcheck_fail(d, lang == PLAN_LANG_JA ? "Japanese announcement"
				                                              : "English announcement", &e);
			buf_release(&b);
		}
		for (unsigned k = 0; p->n_customers && k < n; k++)
			errors += tcheck_program(o, p, d, (enum plan_lang)lang, &all[k], NULL, k == 0);
		if (p->n_customers)
			errors += tcheck_versions(o, p, d, (enum plan_lang)lang);
	}
	return errors;
}
