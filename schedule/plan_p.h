/* plan_p: private to the plan loader: the YAML tree helpers, the key tables that
 * describe every mapping of the plan, and the walker that applies them. */
#ifndef CUTOVER_PLAN_P_H
#define CUTOVER_PLAN_P_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yaml.h>

#include "base/diag.h"
#include "schedule/plan.h"

#define PLAN_DEPTH_MAX   64        /* nesting of mappings/lists; deeper is an error */
#define PLAN_VISITS_MAX  200000u   /* nodes walked (aliases may repeat a subtree) */
#define PLAN_ERRORS_MAX  200u      /* after this many errors, stop reporting */
#define PLAN_TABLE_MAX   40        /* keys per table */

/* The loader's state while walking one plan file. */
struct plan_ctx {
	struct plan *plan;
	struct diag *d;
	const char *file;          /* name used in diagnostics (the path as given) */
	yaml_document_t *doc;
	char path[256];            /* key path of the value being walked: "migration.source" */
	unsigned long visits;
	bool gave_up;              /* too many errors or nodes: stop adding */
	char *csv;                 /* customers.csv as written, NULL if none */
	struct plan_pos csv_pos;
	bool have_customers;       /* `customers:` was present */
	bool auth_bad[2];          /* migration.source/destination auth had errors */
};

/* --- plan_yaml.c: the parsed document --- */
/* Parse buf into doc. Syntax errors (with libyaml's marks), nesting deeper than
 * PLAN_DEPTH_MAX and a second document go to d. Returns 0 when doc holds a document. */
int plan_yaml_parse(const char *file, const unsigned char *buf, size_t len,
                    yaml_document_t *doc, struct diag *d);
yaml_node_t *plan_yaml_node(yaml_document_t *doc, int index);
/* "a mapping", "a list", "'text'", "nothing" — for "got …" in messages. */
void plan_yaml_describe(const yaml_node_t *n, char *buf, size_t size);
bool plan_yaml_is_null(const yaml_node_t *n);
const char *plan_yaml_scalar(const yaml_node_t *n); /* NULL unless a scalar */
bool plan_yaml_plain(const yaml_node_t *n);         /* unquoted scalar */
yaml_node_t *plan_yaml_map_get(yaml_document_t *doc, const yaml_node_t *map, const char *key);
int plan_yaml_line(const yaml_node_t *n);
int plan_yaml_col(const yaml_node_t *n);

/* --- key tables --- */
enum pk_type {
	PK_STR,       /* char* */
	PK_INT,       /* int in [min,max] */
	PK_BOOL,      /* bool: true|false (yes|no|on|off accepted) */
	PK_ENUM,      /* an enum (int-sized) from `enums` */
	PK_TIME,      /* struct plan_time, RFC 3339 with offset */
	PK_DATE,      /* struct plan_date, YYYY-MM-DD */
	PK_MSEC,      /* int milliseconds from a duration "10s", "5m", "1h", "250ms" */
	PK_SEC,       /* int seconds from a duration */
	PK_BYTES,     /* uint64_t from "20MB", "512KB", "1GB" or a plain integer */
	PK_STRLIST,   /* char** at off, size_t count at count_off */
	PK_MAP,       /* sub-table at base+off (or the same base with PK_F_SAME_BASE) */
	PK_LIST,      /* list of sub-table mappings: T* at off, size_t at count_off */
	PK_SECRET_ENV, PK_SECRET_FILE, PK_SECRET_VALUE, /* struct plan_secret at off */
	PK_TEXT,      /* struct plan_text: a string or a {ja: …, en: …} mapping */
	PK_TEXTLIST,  /* struct plan_text* at off, size_t count at count_off */
	PK_CUSTOM     /* fn does it all */
};

#define PK_F_REQUIRED  0x01u
#define PK_F_SAME_BASE 0x02u  /* PK_MAP: sub-table offsets are relative to this base */
#define PK_F_ROOT      0x04u  /* off is relative to struct plan, not the base */
#define PK_F_NONEMPTY  0x08u  /* lists: at least one element */
#define PK_F_TEXT      0x10u  /* strings: newlines and tabs allowed (multi-line text) */
#define PK_F_HOST      0x20u  /* strings: a host name or an IP address */
#define PK_F_EMAIL     0x40u  /* strings: an e-mail address */
#define PK_F_ADDRS     0x80u  /* string lists: IP addresses */
#define PK_F_NAME      0x100u /* texts: a name (company, service), not a sentence */
#define PK_F_NOTE      0x200u /* text lists: an item may say `replaces: <point>` (window.notes) */

struct pk_enum { const char *name; int value; };

struct pk_key;
struct pk_table;
typedef void (*pk_custom_fn)(struct plan_ctx *c, yaml_node_t *n, void *base,
                             const struct pk_key *k);
/* After a mapping was walked: cross-key checks and dependent defaults. */
typedef void (*pk_post_fn)(struct plan_ctx *c, yaml_node_t *map, void *base);

struct pk_key {
	const char *name;
	enum pk_type type;
	unsigned flags;
	size_t off, count_off;
	long long min, max;        /* PK_INT, PK_MSEC, PK_SEC, PK_BYTES (max 0 = none) */
	long long def;             /* default of numbers, bools, enums */
	const char *def_str;       /* default of PK_STR */
	const struct pk_enum *enums;
	const struct pk_table *sub; /* PK_MAP, PK_LIST */
	size_t elem_size;           /* PK_LIST */
	pk_custom_fn fn;            /* PK_CUSTOM */
};

struct pk_table {
	const char *what;           /* "a window", for "expected …" */
	const struct pk_key *keys;
	size_t n;
	size_t pos_off;             /* struct plan_pos in the base, or PK_NO_POS */
	pk_post_fn post;
};
#define PK_NO_POS ((size_t)-1)

extern const struct pk_table plan_schema_root;
extern const struct pk_table plan_schema_customer;

/* --- plan_walk.c: the one walker --- */
void plan_walk_defaults(struct plan_ctx *c, const struct pk_table *t, void *base);
void plan_walk_map(struct plan_ctx *c, yaml_node_t *n, const struct pk_table *t, void *base);
/* Walk a list of mappings described by the PK_LIST key k into base. */
void plan_walk_list(struct plan_ctx *c, yaml_node_t *n, const struct pk_key *k, void *base);
void plan_walk_free(const struct pk_table *t, void *base);
/* Diagnostics prefixed with the current key path. n may be NULL (no position). */
void plan_walk_error(struct plan_ctx *c, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void plan_walk_error_pos(struct plan_ctx *c, const struct plan_pos *pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* An error about the value of `key` in map (found by a check after the walk). */
void plan_walk_error_key(struct plan_ctx *c, yaml_node_t *map, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void plan_walk_warn_pos(struct plan_ctx *c, const struct plan_pos *pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void plan_walk_pos(struct plan_ctx *c, const yaml_node_t *n, struct plan_pos *pos);
size_t plan_walk_path_push(struct plan_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void plan_walk_path_pop(struct plan_ctx *c, size_t len);
/* Levenshtein distance, capped: for "did you mean". */
unsigned plan_walk_distance(const char *a, const char *b);

/* --- plan_time.c --- */
/* Parse; on failure return -1 with *why a short reason. */
int plan_time_parse(const char *s, struct plan_time *out, const char **why);
int plan_time_date_parse(const char *s, struct plan_date *out, const char **why);
/* 0 when /usr/share/zoneinfo (or $TZDIR) has a TZif file for name; else -1 with a
 * near name in suggest (empty if none). */
int plan_time_zone_check(const char *name, char *suggest, size_t size);
/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
long long plan_time_days(int y, int m, int d);

/* --- plan_units.c --- */
int plan_units_duration(const char *s, long long *ms, const char **why);
int plan_units_bytes(const char *s, uint64_t *out, const char **why);

/* --- plan_validate.c: checks that need the whole plan --- */
void plan_validate_customers(struct plan_ctx *c);
void plan_validate_secret_file(struct plan_ctx *c, const char *path, const struct plan_pos *pos);
bool plan_validate_host(const char *s);
bool plan_validate_ip(const char *s);

/* --- plan_secret.c --- */
void plan_secret_wipe(struct plan_secret *s);

/* --- plan_customers.c --- */
void plan_customers_fill(struct plan_ctx *c);
void plan_customers_free(struct plan *p);

#endif
