/* plan_walk: the one table-driven walker: every mapping of the plan is checked against its
 * key table (unknown, duplicate, missing keys, types, ranges, enums) and filled in. */
#include "schedule/plan_p.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(sizeof(enum plan_tls) == sizeof(int), "enums are stored as int");

static void plan_walk_vadd(struct plan_ctx *c, enum diag_sev sev, const char *file, int line,
                           int col, const char *fmt, va_list ap)
{
	char msg[900];
	if (c->gave_up)
		return;
	if (sev == DIAG_ERROR && c->d->errors >= PLAN_ERRORS_MAX) {
		diag_add(c->d, DIAG_ERROR, c->file, 0, 0, "too many errors; stopped after %u",
		         PLAN_ERRORS_MAX);
		c->gave_up = true;
		return;
	}
	vsnprintf(msg, sizeof msg, fmt, ap);
	if (c->path[0])
		diag_add(c->d, sev, file, line, col, "%s: %s", c->path, msg);
	else
		diag_add(c->d, sev, file, line, col, "%s", msg);
}

void plan_walk_error(struct plan_ctx *c, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	plan_walk_vadd(c, DIAG_ERROR, c->file, plan_yaml_line(n), plan_yaml_col(n), fmt, ap);
	va_end(ap);
}

static void plan_walk_vadd_pos(struct plan_ctx *c, enum diag_sev sev,
                               const struct plan_pos *pos, const char *fmt, va_list ap)
{
	plan_walk_vadd(c, sev, pos && pos->file ? pos->file : c->file, pos ? pos->line : 0,
	               pos ? pos->col : 0, fmt, ap);
}

void plan_walk_error_pos(struct plan_ctx *c, const struct plan_pos *pos, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	plan_walk_vadd_pos(c, DIAG_ERROR, pos, fmt, ap);
	va_end(ap);
}

void plan_walk_error_key(struct plan_ctx *c, yaml_node_t *map, const char *key,
                         const char *fmt, ...)
{
	yaml_node_t *v = plan_yaml_map_get(c->doc, map, key);
	size_t len = plan_walk_path_push(c, "%s", key);
	va_list ap;
	va_start(ap, fmt);
	if (!v)
		v = map;
	plan_walk_vadd(c, DIAG_ERROR, c->file, plan_yaml_line(v), plan_yaml_col(v), fmt, ap);
	va_end(ap);
	plan_walk_path_pop(c, len);
}

void plan_walk_warn_pos(struct plan_ctx *c, const struct plan_pos *pos, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	plan_walk_vadd_pos(c, DIAG_WARNING, pos, fmt, ap);
	va_end(ap);
}

void plan_walk_pos(struct plan_ctx *c, const yaml_node_t *n, struct plan_pos *pos)
{
	pos->file = c->plan->files ? c->plan->files[0] : NULL;
	pos->line = plan_yaml_line(n);
	pos->col = plan_yaml_col(n);
}

size_t plan_walk_path_push(struct plan_ctx *c, const char *fmt, ...)
{
	size_t len = strlen(c->path);
	char seg[128];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(seg, sizeof seg, fmt, ap);
	va_end(ap);
	snprintf(c->path + len, sizeof c->path - len, "%s%s", len && seg[0] != '[' ? "." : "", seg);
	return len;
}

void plan_walk_path_pop(struct plan_ctx *c, size_t len)
{
	c->path[len] = 0;
}

unsigned plan_walk_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned row[64];
	if (la >= 63 || lb >= 63)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		row[j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		unsigned diag = row[0];
		row[0] = (unsigned)i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned up = row[j];
			unsigned best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

static void *pk_dst(struct plan_ctx *c, const struct pk_key *k, void *base)
{
	return (char *)((k->flags & PK_F_ROOT) ? (void *)c->plan : base) + k->off;
}

static void pk_expect(const struct pk_key *k, char *buf, size_t size)
{
	switch (k->type) {
	case PK_STR: snprintf(buf, size, "%s", k->flags & PK_F_EMAIL ? "an e-mail address"
	                                    : k->flags & PK_F_HOST ? "a host name" : "a string");
		break;
	case PK_INT: snprintf(buf, size, "an integer from %lld to %lld", k->min, k->max); break;
	case PK_BOOL: snprintf(buf, size, "true or false"); break;
	case PK_TIME: snprintf(buf, size, "an RFC 3339 time like 2002-10-22T23:30:00+09:00"); break;
	case PK_DATE: snprintf(buf, size, "a date like 2008-06-20"); break;
	case PK_MSEC: case PK_SEC: snprintf(buf, size, "a duration like 10s, 5m or 1h"); break;
	case PK_BYTES: snprintf(buf, size, "a size like 20MB or 20971520"); break;
	case PK_STRLIST: snprintf(buf, size, "a list of %s", k->flags & PK_F_ADDRS
	                                                ? "IP addresses" : "strings");
		break;
	case PK_TEXT: snprintf(buf, size, "a text or {ja: text, en: text}"); break;
	case PK_TEXTLIST: snprintf(buf, size, "a list of texts or {ja: text, en: text}"); break;
	case PK_LIST: snprintf(buf, size, "a list of mappings (%s)", k->sub->what); break;
	case PK_MAP: snprintf(buf, size, "a mapping (%s)", k->sub->what); break;
	default: {
		size_t o = 0;
		buf[0] = 0;
		if (k->type == PK_ENUM) {
			o += (size_t)snprintf(buf, size, "one of ");
			for (const struct pk_enum *e = k->enums; e->name && o < size; e++)
				o += (size_t)snprintf(buf + o, size - o, "%s%s", e == k->enums ? "" : ", ",
				                      e->name);
		} else {
			snprintf(buf, size, "a string");
		}
	}
	}
}

static void pk_wrong(struct plan_ctx *c, yaml_node_t *n, const struct pk_key *k)
{
	char want[200], got[64];
	pk_expect(k, want, sizeof want);
	plan_yaml_describe(n, got, sizeof got);
	plan_walk_error(c, n, "expected %s, got %s", want, got);
}

/* The scalar text, or NULL after reporting "expected …, got …". */
static const char *pk_scalar(struct plan_ctx *c, yaml_node_t *n, const struct pk_key *k)
{
	if (n->type == YAML_SCALAR_NODE && !plan_yaml_is_null(n))
		return plan_yaml_scalar(n);
	pk_wrong(c, n, k);
	return NULL;
}

static size_t *pk_count(struct plan_ctx *c, const struct pk_key *k, void *base)
{
	return (size_t *)((char *)((k->flags & PK_F_ROOT) ? (void *)c->plan : base) + k->count_off);
}

/* Items in a list value; 0 (after any error) when there is nothing to walk. */
static size_t pk_seq_len(struct plan_ctx *c, yaml_node_t *n, const struct pk_key *k)
{
	size_t cnt;
	if (n->type != YAML_SEQUENCE_NODE) {
		pk_wrong(c, n, k);
		return 0;
	}
	cnt = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	if (!cnt && (k->flags & PK_F_NONEMPTY))
		plan_walk_error(c, n, "must not be empty");
	return cnt;
}

static bool pk_text_ok(const char *s, bool multiline)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 && !(multiline && (*p == '\n' || *p == '\t'))) || *p == 0x7f)
			return false;
	return true;
}

static void pk_set_str(char **dst, const char *s)
{
	char *v = strdup(s);
	if (!v)
		abort(); /* out of memory while loading a plan of at most a few MB */
	free(*dst);
	*dst = v;
}

static bool pk_wrong_plain(struct plan_ctx *c, yaml_node_t *n, const struct pk_key *k,
                           const char *s)
{
	char want[200];
	if (plan_yaml_plain(n))
		return false;
	pk_expect(k, want, sizeof want);
	plan_walk_error(c, n, "expected %s, got the quoted string '%s'", want, s);
	return true;
}

static void pk_int(struct plan_ctx *c, yaml_node_t *n, const struct pk_key *k, void *dst)
{
	const char *s = pk_scalar(c, n, k);
	char *end;
	long long v;
	if (!s || pk_wrong_plain(c, n, k, s))
		return;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || *end) {
		pk_wrong(c, n, k);
		return;
	}
	if (errno == ERANGE || v < k->min || v > k->max) {
		plan_walk_error(c, n, "%s is out of range; expected %lld to %lld", s, k->min, k->max);
		return;
	}
	*(int *)dst = (int)v;
}

static void pk_bool(struct plan_ctx *c, yaml_node_t *n, const struct pk_key *k, void *dst)
{
	static const char *const yes[] = { "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON" };
	static const char *const no[] = { "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF" };
	const char *s = pk_scalar(c, n, k);
	if (!s || pk_wrong_plain(c, n, k, s))
		return;
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (strcmp(s, yes[i]) == 0) {
			*(bool *)dst = true;
			return;
		}
		if (strcmp(s, no[i]) == 0) {
			*(bool *)dst = false;
			return;
		}
	}
	plan_walk_error(c, n, "expected true or false, got '%s'", s);
}

static void pk_enum(struct plan_ctx *c, yaml_node_t *n, const struct pk_key *k, void *dst)
{
	const char *s = pk_scalar(c, n, k);
	const char *near = NULL;
	char want[200];
	if (!s)
		return;
	for (const struct pk_enum *e = k->enums; e->name; e++) {
		if (strcmp(s, e->name) == 0) {
			*(int *)dst = e->value;
			return;
		}
		if (!near && plan_walk_distance(s, e->name) <= 2)
			near = e->name;
	}
	pk_expect(k, want, sizeof want);
	if (near)
		plan_walk_error(c, n, "unknown value '%s' (did you mean '%s'?); expected %s", s, near, want);
	else
		plan_walk_error(c, n, "unknown value '%s'; expected %s", s, want);
}

static void pk_str(struct plan_ctx *c, yaml_node_t *n, const struct pk_key *k, void *dst)
{
	const char *s = pk_scalar(c, n, k);
	if (!s)
		return;
	if (!pk_text_ok(s, k->flags & PK_F_TEXT)) {
		plan_walk_error(c, n, "contains control characters%s",
		         k->flags & PK_F_TEXT ? " (only newlines and tabs are allowed)" : "");
		return;
	}
	if ((k->flags & PK_F_HOST) && !plan_validate_host(s)) {
		plan_walk_error(c, n, "'%s' is not a host name or IP address", s);
		return;
	}
	if ((k->flags & PK_F_EMAIL) && !plan_email_valid(s)) {
		plan_walk_error(c, n, "'%s' is not a valid e-mail address", s);
		return;
	}
	pk_set_str(dst, s);
}

/* The array for a list value (elem bytes per item) stored at the key, or NULL when the
 * value is no list or empty (reported by pk_seq_len). */
static void *pk_seq_alloc(struct plan_ctx *c, yaml_node_t *n, const struct pk_key *k, void *base,
                          size_t elem)
{
	void **dst = (void **)pk_dst(c, k, base);
	size_t cnt = pk_seq_len(c, n, k);
	if (!cnt)
		return NULL;
	if (!(*dst = calloc(cnt, elem)))
		abort();
	return *dst;
}

static void pk_strlist(struct plan_ctx *c, yaml_node_t *n, const struct pk_key *k, void *base)
{
	char **list = pk_seq_alloc(c, n, k, base, sizeof *list);
	size_t *count = pk_count(c, k, base);
	size_t i = 0;
	if (!list)
		return;
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++, i++) {
		yaml_node_t *e = plan_yaml_node(c->doc, *it);
		size_t pl = plan_walk_path_push(c, "[%zu]", i);
		const char *s = pk_scalar(c, e, k);
		if (s && !pk_text_ok(s, k->flags & PK_F_TEXT))
			plan_walk_error(c, e, "contains control characters");
		else if (s && (k->flags & PK_F_ADDRS) && !plan_validate_ip(s))
			plan_walk_error(c, e, "'%s' is not an IPv4 or IPv6 address", s);
		else if (s)
			pk_set_str(&list[(*count)++], s);
		plan_walk_path_pop(c, pl);
	}
}

/* One text in a language: a scalar without control characters (newlines allowed). */
static void pk_text_one(struct plan_ctx *c, yaml_node_t *n, const struct pk_key *k, char **dst)
{
	const char *s = pk_scalar(c, n, k);
	bool multiline = !(k->flags & PK_F_NAME);   /* names are one line */
	if (s && !pk_text_ok(s, multiline))
		plan_walk_error(c, n, "contains control characters%s",
		                multiline ? " (only newlines and tabs are allowed)" : "");
	else if (s)
		pk_set_str(dst, s);
}

/* window.notes: `replaces: <point>` names the built-in point the note stands for. */
static void pk_note_replaces(struct plan_ctx *c, yaml_node_t *n, const struct pk_key *k,
                             struct plan_text *t)
{
	const char *s = pk_scalar(c, n, k);
	char list[256] = "";
	size_t i;
	if (!s)
		return;
	for (i = 0; plan_note_points[i]; i++) {
		if (strcmp(s, plan_note_points[i]) == 0) {
			pk_set_str(&t->replaces, s);
			return;
		}
		snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "",
		         plan_note_points[i]);
	}
	plan_walk_error(c, n, "replaces: unknown point '%s'; expected one of %s", s, list);
}

/* A text: "…" (the plan's language) or { ja: "…", en: "…" } (a note may add
 * `replaces:`). */
static void pk_text(struct plan_ctx *c, yaml_node_t *n, const struct pk_key *k, struct plan_text *t)
{
	t->is_name = (k->flags & PK_F_NAME) != 0;
	plan_walk_pos(c, n, &t->pos);
	if (n->type != YAML_MAPPING_NODE) {
		pk_text_one(c, n, k, &t->plain);
		return;
	}
	for (yaml_node_pair_t *pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top; pr++) {
		yaml_node_t *kn = plan_yaml_node(c->doc, pr->key), *vn = plan_yaml_node(c->doc, pr->value);
		const char *name = plan_yaml_scalar(kn);
		int lang = name && strcmp(name, "ja") == 0 ? PLAN_LANG_JA
		         : name && strcmp(name, "en") == 0 ? PLAN_LANG_EN : -1;
		if (lang < 0 && name && strcmp(name, "replaces") == 0 && (k->flags & PK_F_NOTE)) {
			pk_note_replaces(c, vn, k, t);
			continue;
		}
		if (lang < 0) {
			plan_walk_error(c, kn, "unknown language '%s'; expected ja or en", name ? name : "?");
			continue;
		}
		size_t pl = plan_walk_path_push(c, ".%s", name);
		pk_text_one(c, vn, k, &t->lang[lang]);
		plan_walk_path_pop(c, pl);
	}
}

static void pk_textlist(struct plan_ctx *c, yaml_node_t *n, const struct pk_key *k, void *base)
{
	struct plan_text *list = pk_seq_alloc(c, n, k, base, sizeof *list);
	size_t *count = pk_count(c, k, base);
	size_t i = 0;
	if (!list)
		return;
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++, i++) {
		size_t pl = plan_walk_path_push(c, "[%zu]", i);
		yaml_node_t *in = plan_yaml_node(c->doc, *it);
		struct plan_text *t = &list[(*count)++];
		pk_text(c, in, k, t);
		for (size_t j = 0; t->replaces && j + 1 < *count; j++)
			if (list[j].replaces && strcmp(list[j].replaces, t->replaces) == 0)
				plan_walk_error(c, in, "replaces: '%s' is already replaced by window.notes[%zu]",
				                t->replaces, j);
		if (!t->lang[0] && !t->lang[1] && !t->plain)
			plan_walk_error(c, in, "a note needs its text (ja:, en: or one text)");
		plan_walk_path_pop(c, pl);
	}
}

static void pk_text_free(struct plan_text *t)
{
	free(t->plain);
	free(t->lang[0]);
	free(t->lang[1]);
	free(t->replaces);
	t->plain = t->lang[0] = t->lang[1] = t->replaces = NULL;
}

static void pk_time(struct plan_ctx *c, yaml_node_t *n, const struct pk_key *k, void *dst)
{
	const char *s = pk_scalar(c, n, k), *why = NULL;
	struct plan_time t;
	if (!s)
		return;
	if (plan_time_parse(s, &t, &why) < 0) {
		plan_walk_error(c, n, "'%s' is not an RFC 3339 time like 2002-10-22T23:30:00+09:00: %s", s,
		         why);
		return;
	}
	plan_walk_pos(c, n, &t.pos);
	*(struct plan_time *)dst = t;
}

static void pk_date(struct plan_ctx *c, yaml_node_t *n, const struct pk_key *k, void *dst)
{
	const char *s = pk_scalar(c, n, k), *why = NULL;
	struct plan_date dt;
	if (!s)
		return;
	if (plan_time_date_parse(s, &dt, &why) < 0) {
		plan_walk_error(c, n, "'%s' is not a date like 2008-06-20: %s", s, why);
		return;
	}
	plan_walk_pos(c, n, &dt.pos);
	*(struct plan_date *)dst = dt;
}

static void pk_duration(struct plan_ctx *c, yaml_node_t *n, const struct pk_key *k, void *dst)
{
	const char *s = pk_scalar(c, n, k), *why = NULL;
	long long ms, unit = k->type == PK_SEC ? 1000 : 1;
	if (!s)
		return;
	if (plan_units_duration(s, &ms, &why) < 0) {
		plan_walk_error(c, n, "'%s' is not a duration like 10s, 5m or 1h: %s", s, why);
		return;
	}
	if (ms < k->min * unit || ms > k->max * unit || ms % unit) {
		if (unit == 1)
			plan_walk_error(c, n, "%s is out of range; expected %lldms to %llds", s, k->min,
			         k->max / 1000);
		else
			plan_walk_error(c, n, "%s is out of range; expected whole seconds from %llds to %llds",
			         s, k->min, k->max);
		return;
	}
	*(int *)dst = (int)(ms / unit);
}

static void pk_bytes(struct plan_ctx *c, yaml_node_t *n, const struct pk_key *k, void *dst)
{
	const char *s = pk_scalar(c, n, k), *why = NULL;
	uint64_t v;
	if (!s)
		return;
	if (plan_units_bytes(s, &v, &why) < 0) {
		plan_walk_error(c, n, "'%s' is not a size like 20MB or 20971520: %s", s, why);
		return;
	}
	if (v < (uint64_t)k->min) {
		plan_walk_error(c, n, "%s is too small; expected at least %lld byte%s", s, k->min,
		         k->min == 1 ? "" : "s");
		return;
	}
	if (k->max && v > (uint64_t)k->max) {
		plan_walk_error(c, n, "%s is too large; expected at most %lld bytes", s, k->max);
		return;
	}
	*(uint64_t *)dst = v;
}

static bool pk_env_name_ok(const char *s)
{
	if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_'))
		return false;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_' ||
		      (*s >= '0' && *s <= '9')))
			return false;
	return true;
}

static void pk_secret(struct plan_ctx *c, yaml_node_t *n, const struct pk_key *k, void *dst)
{
	struct plan_secret *sec = dst;
	const char *s = pk_scalar(c, n, k);
	if (!s)
		return;
	if (k->type == PK_SECRET_ENV) {
		/* A refused value is still kept (the load fails anyway), so that "no password"
		 * is not reported on top of it. */
		if (!pk_env_name_ok(s))
			plan_walk_error(c, n, "'%s' is not an environment variable name (letters, digits, '_')",
			         s);
		pk_set_str(&sec->env, s);
	} else if (k->type == PK_SECRET_FILE) {
		struct plan_pos pos;
		plan_walk_pos(c, n, &pos);
		if (!pk_text_ok(s, false)) {
			plan_walk_error(c, n, "contains control characters");
			return;
		}
		plan_validate_secret_file(c, s, &pos);
		pk_set_str(&sec->file, s);
	} else {
		if (!c->plan->allow_inline_secrets)
			plan_walk_error(c, n, "a password written in the plan needs 'allow_inline_secrets: true'"
			               "; use %s_env or %s_file instead", k->name, k->name);
		pk_set_str(&sec->value, s);
	}
	if (!sec->pos.line)
		plan_walk_pos(c, n, &sec->pos);
}

void plan_walk_list(struct plan_ctx *c, yaml_node_t *n, const struct pk_key *k, void *base)
{
	char **arr = (char **)pk_dst(c, k, base);
	size_t *count = pk_count(c, k, base);
	size_t cnt, i = 0;
	char *items;
	if (!(cnt = pk_seq_len(c, n, k)))
		return;
	/* Append: the customer list may already hold entries. */
	items = realloc(*arr, (*count + cnt) * k->elem_size);
	if (!items)
		abort();
	*arr = items;
	memset(items + *count * k->elem_size, 0, cnt * k->elem_size);
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++, i++) {
		void *elem = items + (*count) * k->elem_size;
		size_t pl = plan_walk_path_push(c, "[%zu]", i);
		(*count)++;
		plan_walk_defaults(c, k->sub, elem);
		plan_walk_map(c, plan_yaml_node(c->doc, *it), k->sub, elem);
		plan_walk_path_pop(c, pl);
	}
}

static void pk_value(struct plan_ctx *c, yaml_node_t *n, const struct pk_key *k, void *base)
{
	void *dst = pk_dst(c, k, base);
	switch (k->type) {
	case PK_STR: pk_str(c, n, k, dst); break;
	case PK_INT: pk_int(c, n, k, dst); break;
	case PK_BOOL: pk_bool(c, n, k, dst); break;
	case PK_ENUM: pk_enum(c, n, k, dst); break;
	case PK_TIME: pk_time(c, n, k, dst); break;
	case PK_DATE: pk_date(c, n, k, dst); break;
	case PK_MSEC: case PK_SEC: pk_duration(c, n, k, dst); break;
	case PK_BYTES: pk_bytes(c, n, k, dst); break;
	case PK_STRLIST: pk_strlist(c, n, k, base); break;
	case PK_TEXT: pk_text(c, n, k, dst); break;
	case PK_TEXTLIST: pk_textlist(c, n, k, base); break;
	case PK_MAP:
		plan_walk_map(c, n, k->sub, (k->flags & PK_F_SAME_BASE) ? base : dst);
		break;
	case PK_LIST: plan_walk_list(c, n, k, base); break;
	case PK_SECRET_ENV: case PK_SECRET_FILE: case PK_SECRET_VALUE: pk_secret(c, n, k, dst); break;
	case PK_CUSTOM: k->fn(c, n, base, k); break;
	}
}

static void pk_unknown(struct plan_ctx *c, yaml_node_t *kn, const char *name,
                       const struct pk_table *t)
{
	const char *best = NULL;
	unsigned bestd = 3;
	char known[600];
	size_t o = 0;
	for (size_t i = 0; i < t->n; i++) {
		unsigned dist = plan_walk_distance(name, t->keys[i].name);
		if (dist < bestd && dist < strlen(t->keys[i].name)) {
			bestd = dist;
			best = t->keys[i].name;
		}
		if (o < sizeof known)
			o += (size_t)snprintf(known + o, sizeof known - o, "%s%s", i ? ", " : "",
			                      t->keys[i].name);
	}
	if (best)
		plan_walk_error(c, kn, "unknown key '%s' (did you mean '%s'?)", name, best);
	else
		plan_walk_error(c, kn, "unknown key '%s'; expected one of: %s", name, known);
}

void plan_walk_map(struct plan_ctx *c, yaml_node_t *n, const struct pk_table *t, void *base)
{
	yaml_node_t *seen[PLAN_TABLE_MAX] = { 0 };
	if (!n || c->gave_up)
		return;
	if (++c->visits > PLAN_VISITS_MAX) {
		plan_walk_error(c, n, "the plan is too large (more than %u mappings walked)", PLAN_VISITS_MAX);
		c->gave_up = true;
		return;
	}
	if (n->type != YAML_MAPPING_NODE) {
		char got[64];
		plan_yaml_describe(n, got, sizeof got);
		plan_walk_error(c, n, "expected a mapping (%s), got %s", t->what, got);
		return;
	}
	if (t->pos_off != PK_NO_POS)
		plan_walk_pos(c, n, (struct plan_pos *)((char *)base + t->pos_off));
	for (yaml_node_pair_t *pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top;
	     pr++) {
		yaml_node_t *kn = plan_yaml_node(c->doc, pr->key), *vn = plan_yaml_node(c->doc, pr->value);
		const char *name = plan_yaml_scalar(kn);
		size_t i;
		if (!name || kn->type != YAML_SCALAR_NODE) {
			plan_walk_error(c, kn, "a key must be a plain word, not a list or mapping");
			continue;
		}
		for (i = 0; i < t->n && strcmp(t->keys[i].name, name) != 0; i++)
			;
		if (i == t->n) {
			pk_unknown(c, kn, name, t);
			continue;
		}
		if (seen[i]) {
			plan_walk_error(c, kn, "duplicate key '%s' (first given at line %d, column %d)", name,
			         plan_yaml_line(seen[i]), plan_yaml_col(seen[i]));
			continue;
		}
		seen[i] = kn;
		size_t pl = plan_walk_path_push(c, "%s", name);
		pk_value(c, vn, &t->keys[i], base);
		plan_walk_path_pop(c, pl);
	}
	for (size_t i = 0; i < t->n; i++)
		if ((t->keys[i].flags & PK_F_REQUIRED) && !seen[i])
			plan_walk_error(c, n, "missing required key '%s'", t->keys[i].name);
	/* One secret, one source: password_env, password_file and password exclude each other. */
	for (size_t i = 0; i < t->n; i++) {
		const struct pk_key *a = &t->keys[i];
		if (a->type != PK_SECRET_ENV || !seen[i])
			continue;
		for (size_t j = 0; j < t->n; j++) {
			const struct pk_key *b = &t->keys[j];
			if (j != i && seen[j] && b->off == a->off &&
			    (b->type == PK_SECRET_FILE || b->type == PK_SECRET_VALUE))
				plan_walk_error(c, seen[j], "give only one of '%s' and '%s'", a->name, b->name);
		}
	}
	for (size_t i = 0; i < t->n; i++) {
		const struct pk_key *a = &t->keys[i];
		if (a->type != PK_SECRET_FILE || !seen[i])
			continue;
		for (size_t j = 0; j < t->n; j++)
			if (seen[j] && t->keys[j].off == a->off && t->keys[j].type == PK_SECRET_VALUE)
				plan_walk_error(c, seen[j], "give only one of '%s' and '%s'", a->name,
				         t->keys[j].name);
	}
	if (t->post)
		t->post(c, n, base);
}

void plan_walk_defaults(struct plan_ctx *c, const struct pk_table *t, void *base)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct pk_key *k = &t->keys[i];
		void *dst = pk_dst(c, k, base);
		switch (k->type) {
		case PK_STR:
			if (k->def_str)
				pk_set_str(dst, k->def_str);
			break;
		case PK_INT: case PK_ENUM: case PK_MSEC: case PK_SEC:
			*(int *)dst = (int)k->def;
			break;
		case PK_BOOL: *(bool *)dst = k->def != 0; break;
		case PK_BYTES: *(uint64_t *)dst = (uint64_t)k->def; break;
		case PK_MAP:
			plan_walk_defaults(c, k->sub, (k->flags & PK_F_SAME_BASE) ? base : dst);
			break;
		default: break;
		}
	}
}

void plan_walk_free(const struct pk_table *t, void *base)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct pk_key *k = &t->keys[i];
		char *dst;
		if (k->flags & PK_F_ROOT)
			continue; /* freed where the root table is */
		dst = (char *)base + k->off;
		switch (k->type) {
		case PK_STR:
			free(*(char **)dst);
			*(char **)dst = NULL;
			break;
		case PK_STRLIST: {
			char **l = *(char ***)dst;
			size_t *cnt = (size_t *)((char *)base + k->count_off);
			for (size_t j = 0; j < *cnt; j++)
				free(l[j]);
			free(l);
			*(char ***)dst = NULL;
			*cnt = 0;
			break;
		}
		case PK_TEXT:
			pk_text_free((struct plan_text *)dst);
			break;
		case PK_TEXTLIST: {
			struct plan_text *l = *(struct plan_text **)dst;
			size_t *cnt = (size_t *)((char *)base + k->count_off);
			for (size_t j = 0; j < *cnt; j++)
				pk_text_free(&l[j]);
			free(l);
			*(struct plan_text **)dst = NULL;
			*cnt = 0;
			break;
		}
		case PK_MAP:
			plan_walk_free(k->sub, (k->flags & PK_F_SAME_BASE) ? base : dst);
			break;
		case PK_LIST: {
			char *items = *(char **)dst;
			size_t *cnt = (size_t *)((char *)base + k->count_off);
			for (size_t j = 0; j < *cnt; j++)
				plan_walk_free(k->sub, items + j * k->elem_size);
			free(items);
			*(char **)dst = NULL;
			*cnt = 0;
			break;
		}
		case PK_SECRET_ENV:
			plan_secret_wipe((struct plan_secret *)dst);
			break;
		default: break;
		}
	}
}
