/* plan_names: the plan's enum names as written in YAML, and small look-ups. */
#include "schedule/plan_p.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *plan_proto_name(enum plan_proto v)
{
	switch (v) {
	case PLAN_PROTO_POP3: return "pop3";
	case PLAN_PROTO_IMAP: return "imap";
	case PLAN_PROTO_SMTP: return "smtp";
	}
	return "?";
}

const char *plan_tls_name(enum plan_tls v)
{
	switch (v) {
	case PLAN_TLS_NONE: return "none";
	case PLAN_TLS_STARTTLS: return "starttls";
	case PLAN_TLS_IMPLICIT: return "tls";
	}
	return "?";
}

const char *plan_auth_name(enum plan_auth v)
{
	switch (v) {
	case PLAN_AUTH_USER: return "user";
	case PLAN_AUTH_APOP: return "apop";
	case PLAN_AUTH_PLAIN: return "plain";
	case PLAN_AUTH_CRAM_MD5: return "cram-md5";
	}
	return "?";
}

const char *plan_smtp_auth_name(enum plan_smtp_auth v)
{
	switch (v) {
	case PLAN_SMTP_NONE: return "none";
	case PLAN_SMTP_POP_BEFORE_SMTP: return "pop-before-smtp";
	case PLAN_SMTP_AUTH: return "smtp-auth";
	}
	return "?";
}

const char *plan_uidl_name(enum plan_uidl v)
{
	switch (v) {
	case PLAN_UIDL_PRESERVE: return "preserve";
	case PLAN_UIDL_RECORD: return "record";
	case PLAN_UIDL_NONE: return "none";
	}
	return "?";
}

const char *plan_lang_name(enum plan_lang v)
{
	switch (v) {
	case PLAN_LANG_JA: return "ja";
	case PLAN_LANG_EN: return "en";
	}
	return "?";
}

const char *plan_resolve_host(const struct plan *p, const char *host)
{
	for (size_t i = 0; i < p->n_resolve; i++)
		if (strcasecmp(p->resolve[i].name, host) == 0 && p->resolve[i].n_addresses)
			return p->resolve[i].addresses[0];
	return host;
}

static bool plan_loopback_name(const char *h)
{
	return h && (strncmp(h, "127.", 4) == 0 || strcmp(h, "::1") == 0 || strcmp(h, "[::1]") == 0 ||
	             strcasecmp(h, "localhost") == 0);
}

bool plan_host_is_loopback(const struct plan *p, const char *host)
{
	if (plan_loopback_name(host))
		return true;
	for (size_t i = 0; host && i < p->n_resolve; i++) {
		const struct plan_resolve *r = &p->resolve[i];
		if (!r->name || strcasecmp(r->name, host) != 0 || r->n_addresses == 0)
			continue;
		for (size_t k = 0; k < r->n_addresses; k++)
			if (!plan_loopback_name(r->addresses[k]))
				return false;
		return true;
	}
	return false;
}

const struct plan_customer *plan_customer_find(const struct plan *p, const char *id)
{
	for (size_t i = 0; i < p->n_customers; i++)
		if (p->customers[i].id && strcmp(p->customers[i].id, id) == 0)
			return &p->customers[i];
	return NULL;
}

const char *plan_add_file(struct plan *p, const char *path)
{
	char **files;
	char *copy;
	for (size_t i = 0; i < p->n_files; i++)
		if (strcmp(p->files[i], path) == 0)
			return p->files[i];
	if (!(copy = strdup(path)))
		return NULL;
	if (!(files = realloc(p->files, (p->n_files + 1) * sizeof *files))) {
		free(copy);
		return NULL;
	}
	p->files = files;
	p->files[p->n_files++] = copy;
	return copy;
}
