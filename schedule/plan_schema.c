/* plan_schema: the key tables of every mapping in a plan (names, types, defaults, ranges,
 * enum values, where each value goes) and the cross-key checks of each mapping.
 * docs/plan.md documents exactly these tables. */
#include "schedule/plan_p.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/caps.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define P(f) offsetof(struct plan, f)
#define SV(f) offsetof(struct plan_service, f)
#define EP(f) offsetof(struct plan_endpoint, f)
#define CU(f) offsetof(struct plan_customer, f)
#define SS(f) offsetof(struct plan_services, f)
#define MAX_PORT 65535

static const struct pk_enum e_proto_in[] = { { "pop3", PLAN_PROTO_POP3 }, { "imap", PLAN_PROTO_IMAP }, { 0, 0 } };
static const struct pk_enum e_proto_dst[] = { { "imap", PLAN_PROTO_IMAP }, { 0, 0 } };
static const struct pk_enum e_proto_out[] = { { "smtp", PLAN_PROTO_SMTP }, { 0, 0 } };
static const struct pk_enum e_tls[] = {
	{ "none", PLAN_TLS_NONE }, { "starttls", PLAN_TLS_STARTTLS }, { "tls", PLAN_TLS_IMPLICIT }, { 0, 0 } };
static const struct pk_enum e_auth[] = {
	{ "user", PLAN_AUTH_USER }, { "apop", PLAN_AUTH_APOP }, { "plain", PLAN_AUTH_PLAIN },
	{ "cram-md5", PLAN_AUTH_CRAM_MD5 }, { 0, 0 } };
static const struct pk_enum e_smtp_auth[] = {
	{ "none", PLAN_SMTP_NONE }, { "pop-before-smtp", PLAN_SMTP_POP_BEFORE_SMTP },
	{ "smtp-auth", PLAN_SMTP_AUTH }, { 0, 0 } };
static const struct pk_enum e_credentials[] = {
	{ "same", PLAN_CRED_SAME }, { "separate", PLAN_CRED_SEPARATE }, { 0, 0 } };
static const struct pk_enum e_uidl[] = {
	{ "preserve", PLAN_UIDL_PRESERVE }, { "record", PLAN_UIDL_RECORD }, { "none", PLAN_UIDL_NONE }, { 0, 0 } };
static const struct pk_enum e_username[] = {
	{ "local-part", PLAN_USERNAME_LOCAL_PART }, { "email-address", PLAN_USERNAME_EMAIL }, { 0, 0 } };
static const struct pk_enum e_lang[] = { { "ja", PLAN_LANG_JA }, { "en", PLAN_LANG_EN }, { 0, 0 } };

static int schema_default_port(enum plan_proto proto, enum plan_tls tls, bool submission)
{
	switch (proto) {
	case PLAN_PROTO_POP3: return tls == PLAN_TLS_IMPLICIT ? 995 : 110;
	case PLAN_PROTO_IMAP: return tls == PLAN_TLS_IMPLICIT ? 993 : 143;
	case PLAN_PROTO_SMTP: return tls == PLAN_TLS_IMPLICIT ? 465 : submission ? 587 : 25;
	}
	return 0;
}

/* ---- services: what customers configure ---- */

static void schema_svc_in_post(struct plan_ctx *c, yaml_node_t *map, void *base)
{
	struct plan_service *s = base;
	if (!s->port)
		s->port = schema_default_port(s->proto, s->tls, false);
	if (s->auth == PLAN_AUTH_APOP && s->proto != PLAN_PROTO_POP3) {
		plan_walk_error_key(c, map, "auth", "'apop' is a POP3 method; protocol is %s",
		             plan_proto_name(s->proto));
	}
}

static void schema_svc_out_post(struct plan_ctx *c, yaml_node_t *map, void *base)
{
	struct plan_service *s = base;
	s->proto = PLAN_PROTO_SMTP;
	if (!s->port)
		s->port = schema_default_port(s->proto, s->tls, s->smtp_auth == PLAN_SMTP_AUTH);
	if (s->relay_minutes && s->smtp_auth != PLAN_SMTP_POP_BEFORE_SMTP) {
		plan_walk_error_key(c, map, "relay_minutes", "applies only with auth: pop-before-smtp");
	}
	if (s->signup_url && s->smtp_auth != PLAN_SMTP_AUTH)
		plan_walk_error_key(c, map, "signup_url", "applies only with auth: smtp-auth");
	if (s->credentials == PLAN_CRED_SEPARATE && s->smtp_auth != PLAN_SMTP_AUTH)
		plan_walk_error_key(c, map, "credentials", "applies only with auth: smtp-auth");
}

static const struct pk_key k_svc_in[] = {
	{ .name = "host", .type = PK_STR, .flags = PK_F_REQUIRED | PK_F_HOST, .off = SV(host) },
	{ .name = "protocol", .type = PK_ENUM, .off = SV(proto), .enums = e_proto_in, .def = PLAN_PROTO_POP3 },
	{ .name = "port", .type = PK_INT, .off = SV(port), .min = 1, .max = MAX_PORT },
	{ .name = "tls", .type = PK_ENUM, .off = SV(tls), .enums = e_tls, .def = PLAN_TLS_NONE },
	{ .name = "auth", .type = PK_ENUM, .off = SV(auth), .enums = e_auth, .def = PLAN_AUTH_USER },
	{ .name = "addresses", .type = PK_STRLIST, .flags = PK_F_ADDRS, .off = SV(addresses),
	  .count_off = SV(n_addresses) },
};
static const struct pk_table t_svc_in = { "host, protocol, port, …", k_svc_in, N(k_svc_in),
                                          SV(pos), schema_svc_in_post };

static const struct pk_key k_svc_out[] = {
	{ .name = "host", .type = PK_STR, .flags = PK_F_REQUIRED | PK_F_HOST, .off = SV(host) },
	{ .name = "protocol", .type = PK_ENUM, .off = SV(proto), .enums = e_proto_out, .def = PLAN_PROTO_SMTP },
	{ .name = "port", .type = PK_INT, .off = SV(port), .min = 1, .max = MAX_PORT },
	{ .name = "tls", .type = PK_ENUM, .off = SV(tls), .enums = e_tls, .def = PLAN_TLS_NONE },
	{ .name = "auth", .type = PK_ENUM, .off = SV(smtp_auth), .enums = e_smtp_auth, .def = PLAN_SMTP_NONE },
	{ .name = "relay_minutes", .type = PK_INT, .off = SV(relay_minutes), .min = 1, .max = 1440 },
	{ .name = "signup_url", .type = PK_STR, .off = SV(signup_url) },
	{ .name = "credentials", .type = PK_ENUM, .off = SV(credentials), .enums = e_credentials,
	  .def = PLAN_CRED_SAME },
	{ .name = "addresses", .type = PK_STRLIST, .flags = PK_F_ADDRS, .off = SV(addresses),
	  .count_off = SV(n_addresses) },
};
static const struct pk_table t_svc_out = { "host, port, auth, …", k_svc_out, N(k_svc_out),
                                           SV(pos), schema_svc_out_post };

static const struct pk_key k_incoming[] = {
	{ .name = "before", .type = PK_MAP, .flags = PK_F_REQUIRED, .off = SS(incoming_before), .sub = &t_svc_in },
	{ .name = "after", .type = PK_LIST, .flags = PK_F_REQUIRED | PK_F_NONEMPTY, .off = SS(incoming_after),
	  .count_off = SS(n_incoming_after), .sub = &t_svc_in, .elem_size = sizeof(struct plan_service) },
};
static const struct pk_table t_incoming = { "before, after", k_incoming, N(k_incoming), PK_NO_POS, NULL };

static const struct pk_key k_outgoing[] = {
	{ .name = "before", .type = PK_MAP, .flags = PK_F_REQUIRED, .off = SS(outgoing_before), .sub = &t_svc_out },
	{ .name = "after", .type = PK_LIST, .flags = PK_F_REQUIRED | PK_F_NONEMPTY, .off = SS(outgoing_after),
	  .count_off = SS(n_outgoing_after), .sub = &t_svc_out, .elem_size = sizeof(struct plan_service) },
};
static const struct pk_table t_outgoing = { "before, after", k_outgoing, N(k_outgoing), PK_NO_POS, NULL };

/* username.after defaults to username.before: only a change needs saying. */
static void schema_username_post(struct plan_ctx *c, yaml_node_t *map, void *base)
{
	struct plan_services *s = base;
	if (!plan_yaml_map_get(c->doc, map, "after"))
		s->username_after = s->username_before;
}

static const struct pk_key k_username[] = {
	{ .name = "before", .type = PK_ENUM, .off = SS(username_before), .enums = e_username,
	  .def = PLAN_USERNAME_LOCAL_PART },
	{ .name = "after", .type = PK_ENUM, .off = SS(username_after), .enums = e_username,
	  .def = PLAN_USERNAME_LOCAL_PART },
	/* The ISP's servers accept user@domain as the login as well (Infonia/BeToMail note 1):
	 * programs that log in to SMTP AUTH with their POP login are told to type it. */
	{ .name = "full_address_accepted", .type = PK_BOOL, .off = SS(full_address_accepted) },
};
static const struct pk_table t_username = { "before, after, full_address_accepted", k_username, N(k_username),
                                            PK_NO_POS, schema_username_post };

static const struct pk_key k_services[] = {
	{ .name = "incoming", .type = PK_MAP, .flags = PK_F_REQUIRED | PK_F_SAME_BASE, .sub = &t_incoming },
	{ .name = "outgoing", .type = PK_MAP, .flags = PK_F_REQUIRED | PK_F_SAME_BASE, .sub = &t_outgoing },
	{ .name = "username", .type = PK_MAP, .flags = PK_F_SAME_BASE, .sub = &t_username },
	{ .name = "keep_old_names", .type = PK_BOOL, .off = SS(keep_old_names) },
};
static const struct pk_table t_services = { "incoming, outgoing, username", k_services,
                                            N(k_services), PK_NO_POS, NULL };

/* ---- migration endpoints: the servers the migrator itself talks to ---- */

static void schema_auth_post(struct plan_ctx *c, yaml_node_t *map, void *base)
{
	struct plan_endpoint *ep = base;
	if (!plan_yaml_map_get(c->doc, map, "method") && ep->master_user)
		ep->auth = PLAN_AUTH_PLAIN; /* Dovecot master users log in with SASL PLAIN authzid */
	if (ep->master_user && !plan_secret_is_set(&ep->master_password)) {
		plan_walk_error_key(c, map, "master_user", "needs password_env or password_file beside it");
	}
	if (!ep->master_user && plan_secret_is_set(&ep->master_password)) {
		plan_walk_error_pos(c, &ep->master_password.pos,
		             "a password here is the master user's; add master_user (each customer's "
		             "own password goes in the customer list)");
	}
	if (ep->master_user && ep->auth == PLAN_AUTH_APOP) {
		plan_walk_error_key(c, map, "method", "'apop' cannot log in as a master user; use plain");
	}
}

static const struct pk_key k_auth[] = {
	{ .name = "method", .type = PK_ENUM, .off = EP(auth), .enums = e_auth, .def = PLAN_AUTH_USER },
	{ .name = "master_user", .type = PK_STR, .off = EP(master_user) },
	{ .name = "password_env", .type = PK_SECRET_ENV, .off = EP(master_password) },
	{ .name = "password_file", .type = PK_SECRET_FILE, .off = EP(master_password) },
	{ .name = "password", .type = PK_SECRET_VALUE, .off = EP(master_password) },
};
static const struct pk_table t_auth = { "method, master_user, password_env, …", k_auth, N(k_auth),
                                        PK_NO_POS, schema_auth_post };

static void schema_auth_scalar(struct plan_ctx *c, yaml_node_t *n, void *base);

/* `auth: apop` or `auth: { master_user: …, password_env: … }`. When it is wrong, the
 * customers' "no password" follow-on errors are not worth printing. */
static void schema_auth(struct plan_ctx *c, yaml_node_t *n, void *base, const struct pk_key *k)
{
	size_t errors = c->d->errors;
	(void)k;
	if (n->type == YAML_MAPPING_NODE)
		plan_walk_map(c, n, &t_auth, base);
	else
		schema_auth_scalar(c, n, base);
	if (c->d->errors != errors)
		c->auth_bad[base == &c->plan->migration.source ? 0 : 1] = true;
}

static void schema_auth_scalar(struct plan_ctx *c, yaml_node_t *n, void *base)
{
	const char *s = plan_yaml_scalar(n);
	if (s && !plan_yaml_is_null(n)) {
		for (const struct pk_enum *e = e_auth; e->name; e++)
			if (strcmp(s, e->name) == 0) {
				((struct plan_endpoint *)base)->auth = e->value;
				return;
			}
		plan_walk_error(c, n, "unknown value '%s'; expected one of user, apop, plain, cram-md5 or a "
		               "mapping with master_user", s);
	} else {
		char got[64];
		plan_yaml_describe(n, got, sizeof got);
		plan_walk_error(c, n, "expected one of user, apop, plain, cram-md5 or a mapping with "
		               "master_user, got %s", got);
	}
}

static void schema_endpoint_post(struct plan_ctx *c, yaml_node_t *map, void *base)
{
	struct plan_endpoint *ep = base;
	if (!ep->port)
		ep->port = schema_default_port(ep->proto, ep->tls, ep->proto == PLAN_PROTO_SMTP &&
		                                                      ep->tls == PLAN_TLS_STARTTLS);
	if (ep->proto == PLAN_PROTO_IMAP && ep->auth == PLAN_AUTH_APOP) {
		plan_walk_error_key(c, map, "auth", "'apop' is a POP3 method; protocol is imap");
	}
	if (ep->ca_file) {
		char path[4096];
		snprintf(path, sizeof path, "%s%s%s", ep->ca_file[0] == '/' ? "" : c->plan->dir,
		         ep->ca_file[0] == '/' ? "" : "/", ep->ca_file);
		if (access(path, R_OK) < 0) {
			plan_walk_error_key(c, map, "ca_file", "cannot read '%s'", ep->ca_file);
		} else if (ep->ca_file[0] != '/') {
			/* check read it relative to the plan; the sessions and the pre-flight must
			 * read the same file whatever directory the command runs in */
			char *abs = strdup(path);
			if (abs) {
				free(ep->ca_file);
				ep->ca_file = abs;
			}
		}
	}
}

#define ENDPOINT_COMMON \
	{ .name = "host", .type = PK_STR, .flags = PK_F_REQUIRED | PK_F_HOST, .off = EP(host) }, \
	{ .name = "port", .type = PK_INT, .off = EP(port), .min = 1, .max = MAX_PORT }, \
	{ .name = "ca_file", .type = PK_STR, .off = EP(ca_file) }, \
	{ .name = "verify", .type = PK_BOOL, .off = EP(tls_verify), .def = 1 }, \
	{ .name = "tls_name", .type = PK_STR, .flags = PK_F_HOST, .off = EP(tls_name) }, \
	{ .name = "allow_plaintext", .type = PK_BOOL, .off = EP(allow_plaintext) }, \
	{ .name = "timeout", .type = PK_SEC, .off = EP(timeout_seconds), .min = 1, .max = 3600, .def = 60 }

static const struct pk_key k_source[] = {
	ENDPOINT_COMMON,
	{ .name = "protocol", .type = PK_ENUM, .flags = PK_F_REQUIRED, .off = EP(proto), .enums = e_proto_in },
	{ .name = "tls", .type = PK_ENUM, .off = EP(tls), .enums = e_tls, .def = PLAN_TLS_NONE },
	{ .name = "auth", .type = PK_CUSTOM, .off = EP(auth), .fn = schema_auth },
	{ .name = "max_connections", .type = PK_INT, .off = EP(max_connections), .min = 1, .max = CAPS_WORKERS_MAX },
	{ .name = "pop3_port", .type = PK_INT, .off = EP(pop3_port), .min = 1, .max = MAX_PORT },
	{ .name = "imap_port", .type = PK_INT, .off = EP(imap_port), .min = 1, .max = MAX_PORT },
	{ .name = "checks_client_dns", .type = PK_BOOL, .off = EP(checks_client_dns) },
};
static const struct pk_table t_source = { "protocol, host, port, auth, …", k_source, N(k_source), EP(pos),
                                          schema_endpoint_post };

static const struct pk_key k_dest[] = {
	ENDPOINT_COMMON,
	{ .name = "protocol", .type = PK_ENUM, .off = EP(proto), .enums = e_proto_dst, .def = PLAN_PROTO_IMAP },
	{ .name = "tls", .type = PK_ENUM, .off = EP(tls), .enums = e_tls, .def = PLAN_TLS_NONE },
	{ .name = "auth", .type = PK_CUSTOM, .off = EP(auth), .fn = schema_auth },
	{ .name = "max_connections", .type = PK_INT, .off = EP(max_connections), .min = 1, .max = CAPS_WORKERS_MAX },
	{ .name = "max_message_size", .type = PK_BYTES, .off = EP(max_message_bytes), .min = 1 },
	{ .name = "quota", .type = PK_BYTES, .off = EP(quota_bytes), .min = 1 },
	{ .name = "max_messages_per_hour", .type = PK_INT, .off = EP(max_messages_per_hour), .min = 1,
	  .max = 100000000 },
	{ .name = "pop3_port", .type = PK_INT, .off = EP(pop3_port), .min = 1, .max = MAX_PORT },
	{ .name = "pop3_tls", .type = PK_ENUM, .off = EP(pop3_tls), .enums = e_tls, .def = PLAN_TLS_NONE },
};
static const struct pk_table t_dest = { "host, port, auth, …", k_dest, N(k_dest), EP(pos),
                                        schema_endpoint_post };

static void schema_send_post(struct plan_ctx *c, yaml_node_t *map, void *base)
{
	struct plan_endpoint *ep = base;
	ep->proto = PLAN_PROTO_SMTP;
	schema_endpoint_post(c, map, base);
	if (plan_secret_is_set(&ep->master_password) && !ep->master_user)
		plan_walk_error_pos(c, &ep->master_password.pos, "a password needs 'user'");
	if (ep->master_user && !plan_secret_is_set(&ep->master_password)) {
		plan_walk_error_key(c, map, "user", "needs password_env or password_file beside it");
	}
}

static const struct pk_key k_send[] = {
	ENDPOINT_COMMON,
	{ .name = "protocol", .type = PK_ENUM, .off = EP(proto), .enums = e_proto_out, .def = PLAN_PROTO_SMTP },
	{ .name = "tls", .type = PK_ENUM, .off = EP(tls), .enums = e_tls, .def = PLAN_TLS_STARTTLS },
	{ .name = "user", .type = PK_STR, .off = EP(master_user) },
	{ .name = "password_env", .type = PK_SECRET_ENV, .off = EP(master_password) },
	{ .name = "password_file", .type = PK_SECRET_FILE, .off = EP(master_password) },
	{ .name = "password", .type = PK_SECRET_VALUE, .off = EP(master_password) },
	{ .name = "per_hour", .type = PK_INT, .flags = PK_F_ROOT, .off = P(notices.per_hour), .min = 1,
	  .max = 1000000, .def = 500 },
};
static const struct pk_table t_send = { "host, port, user, …", k_send, N(k_send), EP(pos),
                                        schema_send_post };

/* ---- migration ---- */

static const struct pk_key k_rule[] = {
	{ .name = "from", .type = PK_STR, .flags = PK_F_REQUIRED, .off = offsetof(struct plan_folder_rule, from) },
	{ .name = "to", .type = PK_STR, .flags = PK_F_REQUIRED, .off = offsetof(struct plan_folder_rule, to) },
};
static const struct pk_table t_rule = { "from, to", k_rule, N(k_rule),
                                        offsetof(struct plan_folder_rule, pos), NULL };

static void schema_retry_post(struct plan_ctx *c, yaml_node_t *map, void *base)
{
	struct plan *p = base;
	if (p->migration.retry.max_delay_ms < p->migration.retry.first_delay_ms) {
		plan_walk_error_key(c, map, "max_delay", "must not be shorter than first_delay");
	}
}

static const struct pk_key k_retry[] = {
	{ .name = "attempts", .type = PK_INT, .off = P(migration.retry.attempts), .min = 1, .max = 100, .def = 5 },
	{ .name = "first_delay", .type = PK_MSEC, .off = P(migration.retry.first_delay_ms), .min = 0,
	  .max = 3600000, .def = 10000 },
	{ .name = "max_delay", .type = PK_MSEC, .off = P(migration.retry.max_delay_ms), .min = 0,
	  .max = 86400000, .def = 300000 },
};
static const struct pk_table t_retry = { "attempts, first_delay, max_delay", k_retry, N(k_retry),
                                         PK_NO_POS, schema_retry_post };

static const struct pk_key k_migration[] = {
	{ .name = "source", .type = PK_MAP, .flags = PK_F_REQUIRED, .off = P(migration.source), .sub = &t_source },
	{ .name = "destination", .type = PK_MAP, .flags = PK_F_REQUIRED, .off = P(migration.destination), .sub = &t_dest },
	{ .name = "uidl", .type = PK_ENUM, .off = P(migration.uidl), .enums = e_uidl, .def = PLAN_UIDL_PRESERVE },
	{ .name = "workers", .type = PK_INT, .off = P(migration.workers), .min = 1, .max = CAPS_WORKERS_MAX, .def = 4 },
	{ .name = "retry", .type = PK_MAP, .flags = PK_F_SAME_BASE, .sub = &t_retry },
	{ .name = "journal", .type = PK_STR, .off = P(migration.journal) },
	{ .name = "log", .type = PK_STR, .off = P(migration.log) },
	{ .name = "mark_seen", .type = PK_BOOL, .off = P(migration.mark_seen) },
	{ .name = "copy_deleted", .type = PK_BOOL, .off = P(migration.copy_deleted) },
	{ .name = "allow_writes_in_dry_run", .type = PK_BOOL, .off = P(migration.allow_writes_in_dry_run), .def = 1 },
	{ .name = "folders", .type = PK_LIST, .off = P(migration.folder_rules), .count_off = P(migration.n_folder_rules),
	  .sub = &t_rule, .elem_size = sizeof(struct plan_folder_rule) },
	{ .name = "exclude_folders", .type = PK_STRLIST, .off = P(migration.exclude_folders),
	  .count_off = P(migration.n_exclude_folders) },
	{ .name = "pop3_folder", .type = PK_STR, .off = P(migration.pop3_folder), .def_str = "INBOX" },
	{ .name = "spool_threshold", .type = PK_BYTES, .off = P(migration.spool_threshold), .min = 1,
	  .def = 1024 * 1024 },
	{ .name = "spool_dir", .type = PK_STR, .off = P(migration.spool_dir) },
	{ .name = "in_doubt_wait", .type = PK_SEC, .off = P(migration.in_doubt_wait_seconds), .min = 0,
	  .max = 3600, .def = 30 },
};

static void schema_migration_post(struct plan_ctx *c, yaml_node_t *map, void *base)
{
	struct plan *p = base;
	if (!p->migration.source.max_connections)
		p->migration.source.max_connections = p->migration.workers;
	if (!p->migration.destination.max_connections)
		p->migration.destination.max_connections = p->migration.workers;
	if (p->migration.journal && !*p->migration.journal) {
		plan_walk_error_key(c, map, "journal", "must be a file name");
	}
	if (p->migration.log && !*p->migration.log)
		plan_walk_error_key(c, map, "log", "must be a file name");
}

static const struct pk_table t_migration = { "source, destination, …", k_migration, N(k_migration),
                                             PK_NO_POS, schema_migration_post };

/* ---- window, operator, notices ---- */

static void schema_window_post(struct plan_ctx *c, yaml_node_t *map, void *base)
{
	struct plan *p = base;
	char a[40], b[40];
	if (!p->window.start.pos.line || !p->window.end.pos.line)
		return;
	if (p->window.end.t <= p->window.start.t)
		plan_walk_error_key(c, map, "end", "%s is not after start %s",
		             plan_time_format(&p->window.end, a, sizeof a),
		             plan_time_format(&p->window.start, b, sizeof b));
	if (!p->window.unstable_until.pos.line) {
		p->window.unstable_until.t = p->window.end.t;
		p->window.unstable_until.utc_offset = p->window.end.utc_offset;
	} else if (p->window.unstable_until.t < p->window.end.t) {
		plan_walk_error_key(c, map, "unstable_until", "%s is before end %s",
		             plan_time_format(&p->window.unstable_until, a, sizeof a),
		             plan_time_format(&p->window.end, b, sizeof b));
	}
	if (p->window.announce_by.pos.line && p->window.announce_by.t >= p->window.start.t)
		plan_walk_error_key(c, map, "announce_by", "%s is not before start %s",
		             plan_time_format(&p->window.announce_by, a, sizeof a),
		             plan_time_format(&p->window.start, b, sizeof b));
	if (p->window.old_servers_until.y) {
		const struct plan_date *d = &p->window.old_servers_until;
		long long start_day = ((long long)p->window.start.t + p->window.start.utc_offset) / 86400;
		if (plan_time_days(d->y, d->m, d->d) < start_day)
			plan_walk_error_key(c, map, "old_servers_until", "%04d-%02d-%02d is before the window "
			             "starts", d->y, d->m, d->d);
	}
}

static const struct pk_key k_window[] = {
	{ .name = "start", .type = PK_TIME, .flags = PK_F_REQUIRED, .off = P(window.start) },
	{ .name = "end", .type = PK_TIME, .flags = PK_F_REQUIRED, .off = P(window.end) },
	{ .name = "unstable_until", .type = PK_TIME, .off = P(window.unstable_until) },
	{ .name = "reason", .type = PK_TEXT, .off = P(window.reason) },
	{ .name = "affected", .type = PK_TEXT, .off = P(window.affected) },
	{ .name = "notes", .type = PK_TEXTLIST, .flags = PK_F_NOTE, .off = P(window.notes), .count_off = P(window.n_notes) },
	{ .name = "old_servers_until", .type = PK_DATE, .off = P(window.old_servers_until) },
	{ .name = "announce_by", .type = PK_TIME, .off = P(window.announce_by) },
};
static const struct pk_table t_window = { "start, end, …", k_window, N(k_window), PK_NO_POS,
                                          schema_window_post };

static const struct pk_key k_operator[] = {
	{ .name = "company", .type = PK_TEXT, .flags = PK_F_REQUIRED | PK_F_NAME, .off = P(operator_.company) },
	{ .name = "service", .type = PK_TEXT, .flags = PK_F_NAME, .off = P(operator_.service) },
	{ .name = "department", .type = PK_TEXT, .flags = PK_F_NAME, .off = P(operator_.department) },
	{ .name = "audience", .type = PK_TEXT, .off = P(operator_.audience) },
	{ .name = "other_services", .type = PK_BOOL, .off = P(operator_.other_services) },
	{ .name = "support_email", .type = PK_STR, .flags = PK_F_REQUIRED | PK_F_EMAIL, .off = P(operator_.support_email) },
	{ .name = "support_phone", .type = PK_TEXT, .flags = PK_F_NAME, .off = P(operator_.support_phone) },
	{ .name = "support_url", .type = PK_STR, .off = P(operator_.support_url) },
	{ .name = "support_hours", .type = PK_TEXT, .off = P(operator_.support_hours) },
};
static const struct pk_table t_operator = { "company, support_email, …", k_operator, N(k_operator),
                                            PK_NO_POS, NULL };

/* "Name <addr>" or a bare address. */
static bool schema_from_ok(const char *s)
{
	const char *lt = strrchr(s, '<'), *gt = strrchr(s, '>');
	char addr[320];
	if (!lt && !gt)
		return plan_email_valid(s);
	if (!lt || !gt || gt < lt || gt[1] || (size_t)(gt - lt - 1) >= sizeof addr)
		return false;
	memcpy(addr, lt + 1, (size_t)(gt - lt - 1));
	addr[gt - lt - 1] = 0;
	return plan_email_valid(addr);
}

static void schema_notices_post(struct plan_ctx *c, yaml_node_t *map, void *base)
{
	struct plan *p = base;
	static const char *const charsets[] = { "ISO-2022-JP", "UTF-8" };
	bool ok = false;
	for (size_t i = 0; i < N(charsets); i++)
		if (p->notices.charset_ja && strcasecmp(p->notices.charset_ja, charsets[i]) == 0) {
			ok = true;
			strcpy(p->notices.charset_ja, charsets[i]); /* same length: canonical case */
		}
	if (!ok) {
		plan_walk_error_key(c, map, "charset_ja", "unknown value '%s'; expected one of ISO-2022-JP, UTF-8",
		             p->notices.charset_ja ? p->notices.charset_ja : "");
	}
	if (p->notices.from && !schema_from_ok(p->notices.from)) {
		plan_walk_error_key(c, map, "from", "'%s' is not an address like \"Support <support@example.jp>\"",
		             p->notices.from);
	}
	if (p->notices.reply_to && !schema_from_ok(p->notices.reply_to)) {
		plan_walk_error_key(c, map, "reply_to", "'%s' is not an e-mail address", p->notices.reply_to);
	}
}

/* notices.sign: the files exist; the private key is not readable by others. */
static void schema_sign_file(struct plan_ctx *c, yaml_node_t *map, const char *key, const char *path,
                             bool secret)
{
	char full[4096];
	struct stat st;
	if (!path)
		return;
	snprintf(full, sizeof full, "%s%s%s", path[0] == '/' ? "" : c->plan->dir, path[0] == '/' ? "" : "/",
	         path);
	if (stat(full, &st) < 0 || !S_ISREG(st.st_mode) || access(full, R_OK) < 0)
		plan_walk_error_key(c, map, key, "cannot read '%s'", path);
	else if (secret && (st.st_mode & 077))
		plan_walk_error_key(c, map, key, "private key '%s' can be read by others (mode %04o); chmod 600 it",
		                    path, (unsigned)(st.st_mode & 07777));
}

static void schema_sign_post(struct plan_ctx *c, yaml_node_t *map, void *base)
{
	struct plan_sign *s = base;
	schema_sign_file(c, map, "cert", s->cert, false);
	schema_sign_file(c, map, "key", s->key, true);
	schema_sign_file(c, map, "chain", s->chain, false);
}

#define SG(f) offsetof(struct plan_sign, f)
static const struct pk_key k_sign[] = {
	{ .name = "cert", .type = PK_STR, .flags = PK_F_REQUIRED, .off = SG(cert) },
	{ .name = "key", .type = PK_STR, .flags = PK_F_REQUIRED, .off = SG(key) },
	{ .name = "chain", .type = PK_STR, .off = SG(chain) },
	{ .name = "key_password_env", .type = PK_SECRET_ENV, .off = SG(key_password) },
};
static const struct pk_table t_sign = { "cert, key, chain, key_password_env", k_sign, N(k_sign), SG(pos),
                                        schema_sign_post };

static const struct pk_key k_notices[] = {
	{ .name = "from", .type = PK_STR, .off = P(notices.from) },
	{ .name = "reply_to", .type = PK_STR, .off = P(notices.reply_to) },
	{ .name = "skip_unchanged", .type = PK_BOOL, .off = P(notices.skip_unchanged) },
	{ .name = "charset_ja", .type = PK_STR, .off = P(notices.charset_ja), .def_str = "ISO-2022-JP" },
	{ .name = "templates", .type = PK_STR, .off = P(notices.templates) },
	{ .name = "send", .type = PK_MAP, .off = P(notices.send), .sub = &t_send },
	{ .name = "sign", .type = PK_MAP, .off = P(notices.sign), .sub = &t_sign },
};
static const struct pk_table t_notices = { "from, send, …", k_notices, N(k_notices), PK_NO_POS,
                                           schema_notices_post };

/* ---- customers ---- */

static void schema_customer_post(struct plan_ctx *c, yaml_node_t *map, void *base)
{
	struct plan_customer *cu = base;
	if (plan_yaml_map_get(c->doc, map, "language"))
		cu->has_lang = true;
	if (plan_yaml_map_get(c->doc, map, "source_protocol"))
		cu->has_source_proto = true;
}

static const struct pk_key k_customer[] = {
	{ .name = "id", .type = PK_STR, .flags = PK_F_REQUIRED, .off = CU(id) },
	{ .name = "email", .type = PK_STR, .flags = PK_F_REQUIRED | PK_F_EMAIL, .off = CU(email) },
	{ .name = "name", .type = PK_STR, .off = CU(name) },
	{ .name = "language", .type = PK_ENUM, .off = CU(lang), .enums = e_lang, .def = PLAN_LANG_JA },
	{ .name = "client", .type = PK_STR, .off = CU(client_raw) },
	{ .name = "source_login", .type = PK_STR, .off = CU(source_login) },
	{ .name = "dest_login", .type = PK_STR, .off = CU(dest_login) },
	{ .name = "password_env", .type = PK_SECRET_ENV, .off = CU(source_password) },
	{ .name = "password_file", .type = PK_SECRET_FILE, .off = CU(source_password) },
	{ .name = "password", .type = PK_SECRET_VALUE, .off = CU(source_password) },
	{ .name = "dest_password_env", .type = PK_SECRET_ENV, .off = CU(dest_password) },
	{ .name = "dest_password_file", .type = PK_SECRET_FILE, .off = CU(dest_password) },
	{ .name = "dest_password", .type = PK_SECRET_VALUE, .off = CU(dest_password) },
	{ .name = "source_protocol", .type = PK_ENUM, .off = CU(source_proto), .enums = e_proto_in },
	{ .name = "notify", .type = PK_BOOL, .off = CU(notify), .def = 1 },
};
const struct pk_table plan_schema_customer = { "id, email, …", k_customer,
                                               N(k_customer), CU(pos), schema_customer_post };

/* One initializer for the `list` key, used alone (a bare sequence) and inside
 * k_customers_src: C (and clang) does not accept a const object as an element of a
 * static initializer, only a constant expression. */
#define K_CUSTOMER_LIST { \
	.name = "list", .type = PK_LIST, .off = P(customers), .count_off = P(n_customers), \
	.sub = &plan_schema_customer, .elem_size = sizeof(struct plan_customer) \
}
static const struct pk_key k_customer_list = K_CUSTOMER_LIST;

static void schema_csv(struct plan_ctx *c, yaml_node_t *n, void *base, const struct pk_key *k)
{
	const char *s = plan_yaml_scalar(n);
	(void)base, (void)k;
	if (!s || plan_yaml_is_null(n)) {
		char got[64];
		plan_yaml_describe(n, got, sizeof got);
		plan_walk_error(c, n, "expected a CSV file name, got %s", got);
		return;
	}
	free(c->csv);
	if (!(c->csv = strdup(s)))
		abort();
	plan_walk_pos(c, n, &c->csv_pos);
}

static const struct pk_key k_customers_src[] = {
	{ .name = "csv", .type = PK_CUSTOM, .fn = schema_csv },
	K_CUSTOMER_LIST,
};
static const struct pk_table t_customers_src = { "csv, list", k_customers_src,
                                                 N(k_customers_src), PK_NO_POS, NULL };

/* `customers: [ {id: …}, … ]` or `customers: { csv: FILE, list: [ … ] }`. */
static void schema_customers(struct plan_ctx *c, yaml_node_t *n, void *base, const struct pk_key *k)
{
	(void)k;
	if (n->type == YAML_SEQUENCE_NODE) {
		c->have_customers = true;
		plan_walk_list(c, n, &k_customer_list, base);
	} else if (n->type == YAML_MAPPING_NODE) {
		c->have_customers = true;
		plan_walk_map(c, n, &t_customers_src, base);
	} else {
		char got[64];
		plan_yaml_describe(n, got, sizeof got);
		plan_walk_error(c, n, "expected a list of customers or a mapping with 'csv', got %s", got);
	}
}

/* ---- resolve: public names → test addresses ---- */

static void schema_resolve(struct plan_ctx *c, yaml_node_t *n, void *base, const struct pk_key *k)
{
	struct plan *p = base;
	size_t cnt;
	(void)k;
	if (n->type != YAML_MAPPING_NODE) {
		char got[64];
		plan_yaml_describe(n, got, sizeof got);
		plan_walk_error(c, n, "expected a mapping of host name to address(es), got %s", got);
		return;
	}
	cnt = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
	if (cnt > 10000) {
		plan_walk_error(c, n, "more than 10000 names");
		return;
	}
	if (!cnt)
		return;
	if (!(p->resolve = calloc(cnt, sizeof *p->resolve)))
		abort();
	for (yaml_node_pair_t *pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top; pr++) {
		yaml_node_t *kn = plan_yaml_node(c->doc, pr->key), *vn = plan_yaml_node(c->doc, pr->value);
		const char *name = plan_yaml_scalar(kn);
		struct plan_resolve *r;
		size_t i, pl;
		if (!name || !plan_validate_host(name)) {
			char got[64];
			plan_yaml_describe(kn, got, sizeof got);
			plan_walk_error(c, kn, "expected a host name, got %s", got);
			continue;
		}
		for (i = 0; i < p->n_resolve && strcasecmp(p->resolve[i].name, name) != 0; i++)
			;
		if (i < p->n_resolve) {
			plan_walk_error(c, kn, "duplicate name '%s' (first given at line %d, column %d)", name,
			         p->resolve[i].pos.line, p->resolve[i].pos.col);
			continue;
		}
		pl = plan_walk_path_push(c, "%s", name);
		r = &p->resolve[p->n_resolve];
		if (vn->type == YAML_SEQUENCE_NODE) {
			size_t len = (size_t)(vn->data.sequence.items.top - vn->data.sequence.items.start);
			if (!len)
				plan_walk_error(c, vn, "must not be empty");
			if (len && !(r->addresses = calloc(len, sizeof *r->addresses)))
				abort();
			for (yaml_node_item_t *it = vn->data.sequence.items.start;
			     it < vn->data.sequence.items.top; it++) {
				yaml_node_t *item = plan_yaml_node(c->doc, *it);
				const char *a = plan_yaml_scalar(item);
				if (!a || !plan_validate_ip(a)) {
					char got[64];
					plan_yaml_describe(item, got, sizeof got);
					plan_walk_error(c, item, "expected an IPv4 or IPv6 address, got %s", got);
				} else if (!(r->addresses[r->n_addresses++] = strdup(a))) {
					abort();
				}
			}
		} else {
			const char *a = plan_yaml_scalar(vn);
			if (!a || !plan_validate_ip(a)) {
				char got[64];
				plan_yaml_describe(vn, got, sizeof got);
				plan_walk_error(c, vn, "expected an IPv4 or IPv6 address (or a list), got %s", got);
			} else {
				if (!(r->addresses = calloc(1, sizeof *r->addresses)) ||
				    !(r->addresses[0] = strdup(a)))
					abort();
				r->n_addresses = 1;
			}
		}
		plan_walk_path_pop(c, pl);
		if (!(r->name = strdup(name)))
			abort();
		plan_walk_pos(c, kn, &r->pos);
		p->n_resolve++;
	}
}

/* ---- the root ---- */

static bool schema_name_ok(const char *s)
{
	if (!*s || *s == '.' || *s == '-' || strlen(s) > 100)
		return false;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '-' || *s == '_' || *s == '.'))
			return false;
	return true;
}

/* Only version 1 exists; say so whatever was written. */
static void schema_version(struct plan_ctx *c, yaml_node_t *n, void *base, const struct pk_key *k)
{
	const char *s = plan_yaml_plain(n) ? plan_yaml_scalar(n) : NULL;
	char got[64];
	(void)k;
	if (s && strcmp(s, "1") == 0) {
		((struct plan *)base)->version = 1;
		return;
	}
	plan_yaml_describe(n, got, sizeof got);
	plan_walk_error(c, n, "this cutover reads plan version 1, got %s", got);
}

static void schema_root_post(struct plan_ctx *c, yaml_node_t *map, void *base)
{
	struct plan *p = base;
	if (p->name && !schema_name_ok(p->name)) {
		plan_walk_error_key(c, map, "name", "'%s' must be letters, digits, '-', '_' or '.' (it names the "
		             "journal file)", p->name);
	}
	if (p->timezone) {
		char near[128];
		if (plan_time_zone_check(p->timezone, near, sizeof near) < 0) {
			if (near[0])
				plan_walk_error_key(c, map, "timezone", "unknown time zone '%s' (did you mean '%s'?)",
				             p->timezone, near);
			else
				plan_walk_error_key(c, map, "timezone", "unknown time zone '%s'; expected an IANA name "
				             "like Asia/Tokyo", p->timezone);
		}
	}
	if (p->name && !p->migration.journal) {
		size_t len = strlen(p->name) + 4;
		if (!(p->migration.journal = malloc(len)))
			abort();
		snprintf(p->migration.journal, len, "%s.db", p->name);
	}
	/* No default notices.from: each notice is sent as the service named in the
	 * customer's own language (notices/render.c). */
}

static const struct pk_key k_root[] = {
	{ .name = "version", .type = PK_CUSTOM, .flags = PK_F_REQUIRED, .fn = schema_version },
	{ .name = "name", .type = PK_STR, .flags = PK_F_REQUIRED, .off = P(name) },
	{ .name = "operator", .type = PK_MAP, .flags = PK_F_REQUIRED | PK_F_SAME_BASE, .sub = &t_operator },
	{ .name = "language", .type = PK_ENUM, .off = P(language), .enums = e_lang, .def = PLAN_LANG_JA },
	{ .name = "timezone", .type = PK_STR, .flags = PK_F_REQUIRED, .off = P(timezone) },
	{ .name = "allow_inline_secrets", .type = PK_BOOL, .off = P(allow_inline_secrets) },
	{ .name = "window", .type = PK_MAP, .flags = PK_F_REQUIRED | PK_F_SAME_BASE, .sub = &t_window },
	{ .name = "services", .type = PK_MAP, .flags = PK_F_REQUIRED, .off = P(services), .sub = &t_services },
	{ .name = "migration", .type = PK_MAP, .flags = PK_F_REQUIRED | PK_F_SAME_BASE, .sub = &t_migration },
	{ .name = "resolve", .type = PK_CUSTOM, .fn = schema_resolve },
	{ .name = "customers", .type = PK_CUSTOM, .flags = PK_F_REQUIRED, .fn = schema_customers },
	{ .name = "notices", .type = PK_MAP, .flags = PK_F_SAME_BASE, .sub = &t_notices },
};
const struct pk_table plan_schema_root = { "version, name, window, …", k_root, N(k_root),
                                           PK_NO_POS, schema_root_post };
