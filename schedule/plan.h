/* plan: the in-memory form of a cutover plan (YAML), as loaded and validated by
 * plan_load(). Every other module reads the plan through this header only.
 * Strings are UTF-8, owned by the plan and freed by plan_free(). */
#ifndef CUTOVER_PLAN_H
#define CUTOVER_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/diag.h"
#include "base/err.h"

/* Where a value came from, for messages printed after loading ("file:line:col"). */
struct plan_pos {
	const char *file; /* points into plan->files (owned by the plan) */
	int line, col;    /* 1-based; 0 = unknown */
};

enum plan_proto { PLAN_PROTO_POP3, PLAN_PROTO_IMAP, PLAN_PROTO_SMTP };
enum plan_tls { PLAN_TLS_NONE, PLAN_TLS_STARTTLS, PLAN_TLS_IMPLICIT }; /* YAML: none|starttls|tls */

/* How a mail client or the migrator logs in to an incoming server. */
enum plan_auth {
	PLAN_AUTH_USER,   /* POP3 USER/PASS, IMAP LOGIN            (YAML: user) */
	PLAN_AUTH_APOP,   /* POP3 APOP                              (YAML: apop) */
	PLAN_AUTH_PLAIN,  /* SASL PLAIN (AUTH / AUTHENTICATE)       (YAML: plain) */
	PLAN_AUTH_CRAM_MD5 /* SASL CRAM-MD5                         (YAML: cram-md5) */
};

/* How a customer's mail program is allowed to send. */
enum plan_smtp_auth {
	PLAN_SMTP_NONE,            /* YAML: none */
	PLAN_SMTP_POP_BEFORE_SMTP, /* YAML: pop-before-smtp (relay_minutes applies) */
	PLAN_SMTP_AUTH             /* YAML: smtp-auth */
};

enum plan_uidl { PLAN_UIDL_PRESERVE, PLAN_UIDL_RECORD, PLAN_UIDL_NONE };
enum plan_username { PLAN_USERNAME_LOCAL_PART, PLAN_USERNAME_EMAIL }; /* YAML: local-part|email-address */
enum plan_lang { PLAN_LANG_JA, PLAN_LANG_EN };

/* A secret is never stored inline unless the plan says `allow_inline_secrets: true`.
 * Exactly one of env/file/value is set. Read it with plan_secret_get(). */
struct plan_secret {
	char *env;   /* name of an environment variable */
	char *file;  /* path (relative to the plan's directory), first line is the secret */
	char *value; /* inline, only with opt-in */
	struct plan_pos pos;
};

/* A time with the UTC offset it was written with (RFC 3339 in the plan). */
struct plan_time {
	time_t t;        /* 0 = not set */
	int utc_offset;  /* seconds east of UTC, as written */
	struct plan_pos pos;
};

struct plan_date { int y, m, d; struct plan_pos pos; }; /* y == 0: not set */

/* Free text a customer reads: one text, or one per language ({ja: …, en: …}). Read it
 * with plan_text_get(), which applies the language rule of docs/plan.md. */
struct plan_text {
	char *lang[2];   /* [PLAN_LANG_JA], [PLAN_LANG_EN]: from a {ja, en} mapping */
	char *plain;     /* a single text: in the plan's `language` (names: any language
	                    unless written in Japanese script) */
	bool is_name;    /* a name (company, service, department), not a sentence */
	char *replaces;  /* window.notes: the built-in point this note is printed instead of
	                    (one of plan_note_points), or NULL */
	struct plan_pos pos;
};

/* The built-in points of the notices a plan note may replace (`replaces:`), NULL-ended
 * (docs/plan.md, window.notes; docs/templates.md names their `note_*` variables). */
extern const char *const plan_note_points[];

enum plan_credentials { PLAN_CRED_SAME, PLAN_CRED_SEPARATE };

/* notices.sign: the operator's certificate that signs Apple configuration profiles (CMS
 * SignedData), so the device shows the profile as verified. Paths relative to the plan. */
struct plan_sign {
	char *cert;                     /* PEM certificate of the signer */
	char *key;                      /* PEM private key; the file must be mode 600 */
	char *chain;                    /* PEM intermediates to include, or NULL */
	struct plan_secret key_password; /* key_password_env: passphrase of an encrypted key */
	struct plan_pos pos;
};

/* What a customer configures in their mail program. */
struct plan_service {
	char *host;
	enum plan_proto proto;
	int port;
	enum plan_tls tls;
	enum plan_auth auth;             /* incoming only */
	enum plan_smtp_auth smtp_auth;   /* outgoing only */
	int relay_minutes;               /* pop-before-smtp only; 0 = not said */
	char **addresses;                /* IP addresses to publish for firewalls (may be NULL) */
	size_t n_addresses;
	struct plan_pos pos;
	char *signup_url;                /* outgoing SMTP AUTH only: customers must sign up for
	                                    it here first (BeToMail's SMTP認証申し込みページ) */
	enum plan_credentials credentials; /* outgoing SMTP AUTH only (`credentials: separate`):
	                                    its user name and password are not the mail login's;
	                                    the ISP gives them separately (seeds 000, 001: 「SMTP
	                                    AUTHユーザー名とパスワードを入手する」) */
};

struct plan_services {
	struct plan_service incoming_before;
	struct plan_service *incoming_after;   /* first one is the recommended one */
	size_t n_incoming_after;
	struct plan_service outgoing_before;
	struct plan_service *outgoing_after;
	size_t n_outgoing_after;
	enum plan_username username_before, username_after;
	bool keep_old_names;   /* old host names stay as aliases of the new servers */
	bool full_address_accepted; /* username.full_address_accepted: the servers take
	                               user@domain as the login too (Infonia note 1) */
};

/* A physical server the migrator talks to (not what customers see). */
struct plan_endpoint {
	enum plan_proto proto;
	char *host;            /* name or address; looked up through plan->resolve first */
	int port;
	enum plan_tls tls;
	char *ca_file;         /* PEM bundle for a private CA; NULL = system store */
	bool tls_verify;       /* default true; false only with an explicit `verify: false` */
	bool allow_plaintext;  /* `allow_plaintext: true`: run may send a password in clear to a
	                          non-loopback host (tls: none with user/plain auth) */
	char *tls_name;        /* name expected in the certificate; default = host */
	enum plan_auth auth;   /* default user; plain when master_user is given */
	char *master_user;     /* Dovecot-style master user / SASL authorization by an admin */
	struct plan_secret master_password;
	int timeout_seconds;   /* default 60 */
	bool checks_client_dns;/* source refuses clients whose forward and reverse DNS disagree
	                          (BeToMail FAQ): dry-run checks the migrating host's; default false */
	int max_connections;   /* per host; default = workers */
	/* destination limits when the server does not tell (0 = unknown / discover) */
	uint64_t max_message_bytes;
	uint64_t quota_bytes;
	int max_messages_per_hour; /* destination: stay under a delivery rate limit (WebARENA's
	                              "423 sorry, that message exceeds my limit"); 0 = none */
	/* destination only: where `verify` reads the UIDL list as a POP3 client would
	 * (0 = take the first pop3 service of services.incoming.after, resolved) */
	int pop3_port;
	enum plan_tls pop3_tls;
	/* source only: the IMAP port for customers whose source_protocol is imap while
	 * `protocol` is pop3 (pop3_port the other way round); 0 = the protocol's default */
	int imap_port;
	struct plan_pos pos;
};

struct plan_folder_rule {
	char *from;   /* exact source name, or a pattern with '*' (matches any run, incl. delimiter) */
	char *to;     /* destination name; '*' in `to` takes what '*' matched in `from` */
	struct plan_pos pos;
};

struct plan_resolve {
	char *name;
	char **addresses;
	size_t n_addresses;
	struct plan_pos pos;
};

struct plan_customer {
	char *id;
	char *email;
	char *name;               /* display name, may be Japanese */
	enum plan_lang lang;
	bool has_lang;            /* lang came from the row/entry; else plan_load sets plan->language */
	char *client;             /* canonical mail-program id (schedule/clients.h); "generic" if unknown */
	char *client_raw;         /* what the CSV said */
	char *source_login;       /* default: per services.username.before (local part or address) */
	char *dest_login;         /* default: per services.username.after */
	struct plan_secret source_password;  /* unset when the migration uses a master user */
	struct plan_secret dest_password;
	bool has_source_proto;    /* per-customer override of migration.source.protocol */
	enum plan_proto source_proto;
	bool notify;              /* default true */
	struct plan_pos pos;      /* CSV: file and row (col 0) */
};

struct plan {
	char **files;             /* every file read (plan, CSV); plan_pos.file points here */
	size_t n_files;
	char *dir;                /* directory of the plan file: relative paths start here */

	int version;              /* must be 1 */
	char *name;
	struct {
		struct plan_text company, service;
		struct plan_text department; /* who signs: "インフォニア サポートセンター" */
		struct plan_text audience;   /* the salutation: "お客様各位" / "社員各位" */
		bool other_services;         /* the operator runs services besides mail (an ISP):
		                                the announcement says they are not affected */
		char *support_email, *support_url;
		struct plan_text support_phone, support_hours;
	} operator_;
	enum plan_lang language;
	char *timezone;           /* IANA name, e.g. Asia/Tokyo */
	bool allow_inline_secrets;

	struct {
		struct plan_time start, end, unstable_until;
		struct plan_text reason, affected;
		struct plan_date old_servers_until;  /* end of the parallel-run period */
		struct plan_time announce_by;         /* optional: when the announcement must be out */
		struct plan_text *notes;              /* 特記事項: extra lines for the announcement */
		size_t n_notes;
	} window;

	struct plan_services services;

	struct {
		struct plan_endpoint source, destination;
		enum plan_uidl uidl;
		int workers;                 /* default 4 */
		struct { int attempts; int first_delay_ms; int max_delay_ms; } retry;  /* 5, 10 s, 5 min */
		char *journal;               /* path; default "<name>.db" beside the plan */
		char *log;                   /* run's log file (relative: beside the plan); NULL = none */
		bool mark_seen;              /* destination \Seen for POP3-sourced mail; default false */
		bool copy_deleted;           /* IMAP sources: copy \Deleted messages; default false */
		bool allow_writes_in_dry_run;/* dry-run may append into a scratch folder; default true */
		struct plan_folder_rule *folder_rules;
		size_t n_folder_rules;
		char **exclude_folders;      /* exact or '*' patterns */
		size_t n_exclude_folders;
		char *pop3_folder;           /* where POP3-sourced mail goes; default "INBOX" */
		uint64_t spool_threshold;    /* messages over this many bytes go through a spool file; 1 MB */
		char *spool_dir;             /* where spool files are made; default $TMPDIR, else /tmp */
		int in_doubt_wait_seconds;   /* how long after its INTENT an APPEND not confirmed may
		                                still land on the destination; default 30 */
	} migration;

	struct plan_resolve *resolve;
	size_t n_resolve;

	struct plan_customer *customers;
	size_t n_customers;

	struct {
		char *from;                  /* "Name <addr>" */
		char *reply_to;
		bool skip_unchanged;         /* customers with nothing to change get no notice */
		char *charset_ja;            /* "ISO-2022-JP" (default) or "UTF-8" */
		char *templates;             /* directory of editable templates; default built-in path */
		struct plan_endpoint send;   /* proto SMTP; user in master_user, password in master_password */
		int per_hour;                /* default 500 */
		struct plan_sign sign;       /* cert == NULL: profiles are not signed */
	} notices;
};

/* Load and validate. On failure returns -1, *out is NULL, every problem found was
 * written to `diag` (one "file:line:col: message" line each, several when there are
 * several), and e says how many. Nothing is printed. */
int plan_load(struct plan **out, const char *path, struct diag *diag, struct err *e);
/* The same for plan text already in memory (the fuzzer): `path` names it in messages and
 * its directory is where relative file names (customers CSV, password files) are looked
 * up. buf need not end with a NUL. */
int plan_load_mem(struct plan **out, const char *path, const unsigned char *buf, size_t len,
                  struct diag *diag, struct err *e);
void plan_free(struct plan *p);

/* The secret's value (caller frees with plan_secret_free, which wipes it).
 * NULL with e set when the variable is unset or the file unreadable. */
char *plan_secret_get(const struct plan *p, const struct plan_secret *s, struct err *e);
void plan_secret_free(char *secret);
bool plan_secret_is_set(const struct plan_secret *s);
/* Whether the secret could be read now (variable set, file readable) without reading it:
 * 0, or -1 with why ("environment variable X is not set") in why. */
int plan_secret_check(const struct plan *p, const struct plan_secret *s, char *why, size_t size);

/* The text for a language, or NULL when the plan has none for it: the `lang` entry of a
 * {ja, en} mapping; else a single text in the plan's `language`; else, for names, a
 * single text without Japanese script (a name like "117net" reads in any language). */
const char *plan_text_get(const struct plan *p, const struct plan_text *t, enum plan_lang lang);
/* The text in the plan's language, else any (for staff: check). */
const char *plan_text_any(const struct plan *p, const struct plan_text *t);
bool plan_text_is_set(const struct plan_text *t);
/* True when s holds hiragana, katakana, CJK ideographs or full-width forms. */
bool plan_text_japanese(const char *s);

/* Names for enums as written in the plan. */
const char *plan_proto_name(enum plan_proto);
const char *plan_tls_name(enum plan_tls);
const char *plan_auth_name(enum plan_auth);
const char *plan_smtp_auth_name(enum plan_smtp_auth);
const char *plan_uidl_name(enum plan_uidl);
const char *plan_lang_name(enum plan_lang);

/* Addresses for a host: the plan's resolve: entry if any, else the name itself. */
const char *plan_resolve_host(const struct plan *p, const char *host);
/* Traffic to this host never leaves the machine: the host is a loopback address
 * (127.0.0.0/8, ::1) or localhost, or every address the plan's resolve: section gives it
 * is. Any other name counts as remote (no DNS lookup: the answer must not depend on it). */
bool plan_host_is_loopback(const struct plan *p, const char *host);

const struct plan_customer *plan_customer_find(const struct plan *p, const char *id);
/* The source server for one customer: migration.source, except that a per-customer
 * source_protocol other than the plan's uses source.imap_port / pop3_port (or the
 * protocol's standard port). *out shares the plan's strings. */
void plan_customer_source(const struct plan *p, const struct plan_customer *c,
                          struct plan_endpoint *out);

/* Free what one customer owns (strings, secrets wiped) and zero it; for readers that
 * build a customer and drop it (the CSV reader on a bad row). */
void plan_customer_release(struct plan_customer *c);

/* Record a file read for this plan (e.g. a customer CSV) and return the plan's own copy,
 * for plan_pos.file. NULL when out of memory. */
const char *plan_add_file(struct plan *p, const char *path);

/* A syntactically acceptable mailbox address: local@domain, no spaces or controls,
 * a dotted domain of letters/digits/hyphens. Shared by the plan loader and the CSV reader. */
bool plan_email_valid(const char *addr);

/* RFC 3339 text of a plan time in the offset it was written with
 * ("2002-10-22T23:30:00+09:00"). buf needs 32 bytes. Returns buf. */
char *plan_time_format(const struct plan_time *t, char *buf, size_t size);

#endif
