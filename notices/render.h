/* render: one document from the templates: the announcement, or a customer's notice in
 * one of the formats. EML assembly lives in eml.c; this file picks templates and fills
 * the variables. */
#ifndef CUTOVER_RENDER_H
#define CUTOVER_RENDER_H

#include <stdbool.h>
#include <time.h>

#include "base/buf.h"
#include "base/err.h"
#include "schedule/clients.h"
#include "schedule/plan.h"

enum render_format {
	RENDER_TEXT, RENDER_HTML, RENDER_EML, RENDER_AUTOCONFIG, RENDER_AUTODISCOVER,
	RENDER_MOBILECONFIG, RENDER_SRV,
	RENDER_AUTOCONFIG_DOMAIN /* one config-v1.1.xml per mail domain, %EMAILADDRESS% /
	                            %EMAILLOCALPART% placeholders, for static hosting */
};
#define RENDER_LAST RENDER_AUTOCONFIG_DOMAIN

/* "text" → RENDER_TEXT …; -1 when unknown. */
int render_format_parse(const char *name);
/* File name suffix for --out: ".txt", ".html", ".eml", ".xml", ".mobileconfig", ".zone". */
const char *render_format_ext(enum render_format f);
/* Written once per mail domain, not per customer (srv, autoconfig-domain). */
bool render_format_per_domain(enum render_format f);

struct render_opts {
	const char *templates;   /* template directory */
	time_t now;              /* the document date (when_now()) */
	const char *charset_ja;  /* EML charset for Japanese: "ISO-2022-JP" (default) or "UTF-8" */
};

int render_announce(struct buf *out, const struct render_opts *o, const struct plan *p,
                    enum plan_lang lang, bool html, struct err *e);

/* A customer's notice in format f. *skipped is set to why (and nothing written) when the
 * customer gets no document in this format: nothing to change and the plan says
 * notices.skip_unchanged, or a profile that would create a new POP account. */
int render_notice(struct buf *out, const struct render_opts *o, const struct plan *p,
                  const struct plan_customer *c, enum render_format f, const char **skipped,
                  char *message_id, size_t mid_size, struct err *e);

#endif
