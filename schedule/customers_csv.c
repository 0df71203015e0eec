/* customers_csv: the customer list from a CSV file (libcsv), checked row by row so that
 * every bad row is reported at once, as "file:row: column 'x': what is wrong".
 * Mapping `client` to a catalogue id, defaults and checks across rows (duplicate ids and
 * e-mail addresses, also against inline customers) are the plan loader's (customers.h). */
#include "schedule/customers.h"

#include <csv.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "base/caps.h"
#include "schedule/plan_p.h"   /* plan_walk_distance: one "did you mean" for keys and columns */

enum col {
	COL_ID, COL_EMAIL, COL_NAME, COL_LANGUAGE, COL_CLIENT, COL_SOURCE_LOGIN, COL_DEST_LOGIN,
	COL_PASSWORD_ENV, COL_PASSWORD_FILE, COL_DEST_PASSWORD_ENV, COL_DEST_PASSWORD_FILE,
	COL_SOURCE_PROTOCOL, COL_NOTIFY, N_COLS
};

static const char *const customers_col_names[N_COLS] = {
	"id", "email", "name", "language", "client", "source_login", "dest_login",
	"password_env", "password_file", "dest_password_env", "dest_password_file",
	"source_protocol", "notify",
};

/* Header names that would carry a password itself: refused, whatever the rows hold. */
static const char *const customers_refused[] = {
	"password", "passwd", "pass", "pw", "source_password", "dest_password", "secret",
};

#define CUSTOMERS_FIELDS_MAX 64   /* columns in one row */
#define CUSTOMERS_ID_MAX 64

struct customers_ld {
	struct plan *p;
	struct diag *d;
	const char *file;           /* display name, owned by p->files */
	int errors;
	char *fields[CUSTOMERS_FIELDS_MAX];
	size_t n_fields;
	bool too_many_fields;
	int line;                   /* physical line being parsed */
	int row_line;               /* where the current row started; 0 = not begun */
	bool have_header, header_fatal;
	size_t n_header;
	int col_of[N_COLS];         /* field index of each known column, -1 = absent */
	size_t cap;                 /* room in p->customers (inline customers may come first) */
};

static void customers_err(struct customers_ld *l, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void customers_err(struct customers_ld *l, int line, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	diag_add(l->d, DIAG_ERROR, l->file, line, 0, "%s", msg);
	l->errors++;
}

/* Whether s[0..n) is well-formed UTF-8 without NUL bytes or C0 controls other than
 * tab, CR and LF (fields may hold newlines when quoted). */
static bool customers_utf8_ok(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned char c = s[i];
		if (c < 0x80) {
			if (c < 0x20 && c != '\t' && c != '\r' && c != '\n')
				return false;
			i++;
			continue;
		}
		size_t len;
		unsigned cp;
		if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; }
		else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; }
		else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; }
		else return false;
		if (i + len > n)
			return false;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		/* overlong forms, surrogates, beyond U+10FFFF */
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
			return false;
		i += len;
	}
	return true;
}

static void customers_field(void *s, size_t len, void *data)
{
	struct customers_ld *l = data;
	if (l->n_fields == CUSTOMERS_FIELDS_MAX) {
		l->too_many_fields = true;
		return;
	}
	char *f = malloc(len + 1);
	if (!f) {
		l->too_many_fields = true;   /* reported as a row error below; memory is gone anyway */
		return;
	}
	if (len)
		memcpy(f, s, len);
	f[len] = '\0';
	l->fields[l->n_fields++] = f;
}

static void customers_row_clear(struct customers_ld *l)
{
	for (size_t i = 0; i < l->n_fields; i++)
		free(l->fields[i]);
	l->n_fields = 0;
	l->too_many_fields = false;
	l->row_line = 0;
}

static const char *customers_suggest(const char *name)
{
	const char *best = NULL;
	unsigned best_d = 3;
	for (int c = 0; c < N_COLS; c++) {
		unsigned dist = plan_walk_distance(name, customers_col_names[c]);
		if (dist < best_d) {
			best_d = dist;
			best = customers_col_names[c];
		}
	}
	return best;
}

/* Header names: trimmed, ASCII lower case, spaces and '-' as '_' ("Password Env"). */
static void customers_header_norm(char *s)
{
	char *o = s, *i = s;
	while (*i == ' ' || *i == '\t')
		i++;
	for (; *i; i++) {
		char c = *i;
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if (c == ' ' || c == '-')
			c = '_';
		*o++ = c;
	}
	while (o > s && o[-1] == '_')
		o--;
	*o = '\0';
}

static void customers_header(struct customers_ld *l)
{
	int line = l->row_line;
	for (int c = 0; c < N_COLS; c++)
		l->col_of[c] = -1;
	l->have_header = true;
	l->n_header = l->n_fields;
	for (size_t i = 0; i < l->n_fields; i++) {
		char *h = l->fields[i];
		customers_header_norm(h);
		int c;
		for (c = 0; c < N_COLS; c++)
			if (strcmp(h, customers_col_names[c]) == 0)
				break;
		if (c < N_COLS) {
			if (l->col_of[c] >= 0)
				customers_err(l, line, "column '%s' appears twice (columns %d and %zu)", h,
				              l->col_of[c] + 1, i + 1);
			else
				l->col_of[c] = (int)i;
			continue;
		}
		bool refused = false;
		for (size_t k = 0; k < sizeof customers_refused / sizeof customers_refused[0]; k++)
			if (strcmp(h, customers_refused[k]) == 0)
				refused = true;
		if (refused) {
			customers_err(l, line, "column '%s': passwords never go in a CSV file; name an "
			              "environment variable (password_env) or a file (password_file) instead", h);
			continue;
		}
		if (!h[0]) {
			customers_err(l, line, "column %zu has no name", i + 1);
			continue;
		}
		const char *s = customers_suggest(h);
		if (s)
			customers_err(l, line, "unknown column '%s' (did you mean '%s'?)", h, s);
		else
			customers_err(l, line, "unknown column '%s' (known: id, email, name, language, "
			              "client, source_login, dest_login, password_env, password_file, "
			              "dest_password_env, dest_password_file, source_protocol, notify)", h);
	}
	if (l->col_of[COL_ID] < 0) {
		customers_err(l, line, "missing column 'id'");
		l->header_fatal = true;
	}
	if (l->col_of[COL_EMAIL] < 0) {
		customers_err(l, line, "missing column 'email'");
		l->header_fatal = true;
	}
}

static const char *customers_get(const struct customers_ld *l, enum col c)
{
	int i = l->col_of[c];
	return i >= 0 && (size_t)i < l->n_fields ? l->fields[i] : "";
}

/* A copy of the field, or NULL when it is empty. */
static char *customers_dup(const struct customers_ld *l, enum col c)
{
	const char *v = customers_get(l, c);
	return v[0] ? strdup(v) : NULL;
}

static bool customers_id_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > CUSTOMERS_ID_MAX || s[0] == '.' || s[0] == '-')
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '.' || *s == '_' || *s == '-' || *s == '@' || *s == '+'))
			return false;
	return true;
}

static bool customers_login_ok(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7F)
			return false;
	return true;
}

static bool customers_env_name_ok(const char *s)
{
	if (!s[0] || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '_'))
			return false;
	return true;
}

static void customers_secret(struct customers_ld *l, struct plan_secret *sec, enum col env,
                             enum col file, const struct plan_pos *pos)
{
	const char *e = customers_get(l, env), *f = customers_get(l, file);
	if (e[0] && f[0]) {
		customers_err(l, pos->line, "columns '%s' and '%s' are both set; give one",
		              customers_col_names[env], customers_col_names[file]);
		return;
	}
	if (e[0] && !customers_env_name_ok(e)) {
		customers_err(l, pos->line, "column '%s': '%s' is not an environment variable name "
		              "(letters, digits, '_')", customers_col_names[env], e);
		return;
	}
	sec->env = e[0] ? strdup(e) : NULL;
	sec->file = f[0] ? strdup(f) : NULL;
	sec->pos = *pos;
}

static void customers_free_one(struct plan_customer *c)
{
	free(c->id);
	free(c->email);
	free(c->name);
	free(c->client);
	free(c->client_raw);
	free(c->source_login);
	free(c->dest_login);
	free(c->source_password.env);
	free(c->source_password.file);
	free(c->source_password.value);
	free(c->dest_password.env);
	free(c->dest_password.file);
	free(c->dest_password.value);
}

static bool customers_yes_no(const char *v, bool *out)
{
	static const char *const yes[] = { "yes", "y", "true", "1" }, *const no[] = { "no", "n", "false", "0" };
	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return *out = true, true;
		if (strcasecmp(v, no[i]) == 0)
			return *out = false, true;
	}
	return false;
}

static void customers_row(struct customers_ld *l)
{
	int line = l->row_line;
	bool empty = true;
	for (size_t i = 0; i < l->n_fields; i++)
		if (l->fields[i][0])
			empty = false;
	if (empty)
		return;   /* ",,," rows, as spreadsheets export them */
	for (size_t i = 0; i < l->n_fields; i++) {
		if (!customers_utf8_ok((const unsigned char *)l->fields[i], strlen(l->fields[i]))) {
			customers_err(l, line, "column %zu: not valid UTF-8 (save the file as UTF-8; "
			              "Shift_JIS is not read)", i + 1);
			return;
		}
	}
	if (!l->have_header) {
		customers_header(l);
		return;
	}
	if (l->header_fatal)
		return;
	if (l->too_many_fields || l->n_fields != l->n_header) {
		customers_err(l, line, "%s%zu fields, the header has %zu", l->too_many_fields ? "over " : "",
		              l->n_fields, l->n_header);
		return;
	}
	if (l->p->n_customers >= CAPS_CUSTOMERS_MAX) {
		customers_err(l, line, "more than %u customers", CAPS_CUSTOMERS_MAX);
		return;
	}

	int before = l->errors;
	struct plan_customer c;
	memset(&c, 0, sizeof c);
	c.pos.file = l->file;
	c.pos.line = line;
	c.notify = true;

	const char *v = customers_get(l, COL_ID);
	if (!v[0])
		customers_err(l, line, "column 'id' is empty");
	else if (!customers_id_ok(v))
		customers_err(l, line, "column 'id': '%s' may hold only letters, digits and . _ - @ + "
		              "(at most %d, not starting with . or -)", v, CUSTOMERS_ID_MAX);
	v = customers_get(l, COL_EMAIL);
	if (!v[0])
		customers_err(l, line, "column 'email' is empty");
	else if (!plan_email_valid(v))
		customers_err(l, line, "column 'email': '%s' is not an e-mail address", v);

	v = customers_get(l, COL_LANGUAGE);
	c.has_lang = strcasecmp(v, "ja") == 0 || strcasecmp(v, "en") == 0;
	if (c.has_lang)
		c.lang = strcasecmp(v, "ja") == 0 ? PLAN_LANG_JA : PLAN_LANG_EN;
	else if (v[0])
		customers_err(l, line, "column 'language': '%s' is not one of ja|en", v);

	v = customers_get(l, COL_SOURCE_PROTOCOL);
	if (strcasecmp(v, "pop3") == 0 || strcasecmp(v, "imap") == 0) {
		c.has_source_proto = true;
		c.source_proto = strcasecmp(v, "pop3") == 0 ? PLAN_PROTO_POP3 : PLAN_PROTO_IMAP;
	} else if (v[0]) {
		customers_err(l, line, "column 'source_protocol': '%s' is not one of pop3|imap", v);
	}

	v = customers_get(l, COL_NOTIFY);
	if (v[0] && !customers_yes_no(v, &c.notify))
		customers_err(l, line, "column 'notify': '%s' is not one of yes|no", v);

	static const enum col logins[] = { COL_SOURCE_LOGIN, COL_DEST_LOGIN };
	for (size_t i = 0; i < 2; i++) {
		v = customers_get(l, logins[i]);
		if (!customers_login_ok(v))
			customers_err(l, line, "column '%s': '%s' contains spaces or control characters",
			              customers_col_names[logins[i]], v);
	}

	customers_secret(l, &c.source_password, COL_PASSWORD_ENV, COL_PASSWORD_FILE, &c.pos);
	customers_secret(l, &c.dest_password, COL_DEST_PASSWORD_ENV, COL_DEST_PASSWORD_FILE, &c.pos);

	if (l->errors != before) {
		customers_free_one(&c);
		return;
	}
	c.id = customers_dup(l, COL_ID);
	c.email = customers_dup(l, COL_EMAIL);
	c.name = customers_dup(l, COL_NAME);
	c.client_raw = customers_dup(l, COL_CLIENT);
	c.source_login = customers_dup(l, COL_SOURCE_LOGIN);
	c.dest_login = customers_dup(l, COL_DEST_LOGIN);
	if (l->p->n_customers == l->cap) {
		/* doubling: a million rows must not mean a million reallocations */
		size_t cap = l->cap < 64 ? 64 : l->cap * 2;
		struct plan_customer *grown = realloc(l->p->customers, cap * sizeof *grown);
		if (grown) {
			l->p->customers = grown;
			l->cap = cap;
		}
	}
	if (!c.id || !c.email || l->p->n_customers == l->cap) {
		customers_free_one(&c);
		customers_err(l, line, "out of memory");
		return;
	}
	l->p->customers[l->p->n_customers++] = c;
}

static void customers_end_row(int term, void *data)
{
	struct customers_ld *l = data;
	(void)term;
	customers_row(l);
	customers_row_clear(l);
}

/* Read the whole file under the cap: rows are short, and a file in memory lets us track
 * where each row starts even when quoted fields hold newlines. */
static int customers_read(const char *path, struct buf *b, char *why, size_t whysz)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(why, whysz, "%s", strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fileno(f), &st) == 0 && st.st_size > (off_t)CAPS_CSV_FILE_MAX) {
		fclose(f);
		snprintf(why, whysz, "larger than %u MiB", CAPS_CSV_FILE_MAX / (1024 * 1024));
		return -1;
	}
	buf_init(b, CAPS_CSV_FILE_MAX);
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (buf_append(b, chunk, n) < 0) {
			fclose(f);
			buf_release(b);
			snprintf(why, whysz, "larger than %u MiB", CAPS_CSV_FILE_MAX / (1024 * 1024));
			return -1;
		}
	}
	bool bad = ferror(f);
	fclose(f);
	if (bad) {
		buf_release(b);
		snprintf(why, whysz, "read error");
		return -1;
	}
	return 0;
}

/* The path as the user will recognise it: relative to the plan's directory. */
static char *customers_path(const struct plan *p, const char *path)
{
	if (path[0] == '/' || !p->dir || !p->dir[0] || strcmp(p->dir, ".") == 0)
		return strdup(path);
	size_t n = strlen(p->dir) + strlen(path) + 2;
	char *s = malloc(n);
	if (s)
		snprintf(s, n, "%s/%s", p->dir, path);
	return s;
}

/* Length of the physical line at s, with its end: LF, CRLF, or a lone CR (what
 * spreadsheets on the classic Mac OS wrote). */
static size_t customers_line_len(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			return i + 1;
		if (s[i] == '\r')
			return i + 1 < n && s[i + 1] == '\n' ? i + 2 : i + 1;
	}
	return n;
}

static bool customers_blank_line(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return false;
	return true;
}

int customers_csv_load(struct plan *p, const char *path, const struct plan_pos *pos,
                       struct diag *d)
{
	const char *pf = pos && pos->file ? pos->file : "plan";
	int pl = pos ? pos->line : 0, pc = pos ? pos->col : 0;

	char *full = customers_path(p, path);
	const char *file = full ? plan_add_file(p, full) : NULL;
	free(full);
	if (!file) {
		diag_add(d, DIAG_ERROR, pf, pl, pc, "out of memory");
		return 1;
	}
	struct buf b;
	char why[256];
	if (customers_read(file, &b, why, sizeof why) < 0) {
		diag_add(d, DIAG_ERROR, pf, pl, pc, "customers: cannot read %s: %s", file, why);
		return 1;
	}
	int errors = customers_csv_parse(p, file, b.data ? b.data : "", b.len, d);
	buf_release(&b);
	return errors;
}

int customers_csv_parse(struct plan *p, const char *file, const char *s, size_t len,
                        struct diag *d)
{
	struct customers_ld l;
	memset(&l, 0, sizeof l);
	l.p = p;
	l.d = d;
	l.cap = p->n_customers;
	l.file = file;
	struct csv_parser cp;
	if (csv_init(&cp, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
		diag_add(d, DIAG_ERROR, file, 0, 0, "out of memory");
		return 1;
	}
	size_t off = 0;
	if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		off = 3;
	bool broken = false;
	l.line = 0;
	while (off < len && !broken) {
		size_t seg = customers_line_len(s + off, len - off);
		l.line++;
		if (l.row_line == 0 && !customers_blank_line(s + off, seg))
			l.row_line = l.line;
		if (csv_parse(&cp, s + off, seg, customers_field, customers_end_row, &l) != seg) {
			customers_err(&l, l.line, "%s", csv_error(&cp) == CSV_EPARSE
			              ? "malformed quoting: a '\"' inside an unquoted field, or text after "
			                "a closing quote (write \"\" for a quote inside a quoted field)"
			              : "out of memory");
			broken = true;
		}
		off += seg;
	}
	if (!broken && csv_fini(&cp, customers_field, customers_end_row, &l) != 0)
		customers_err(&l, l.row_line ? l.row_line : l.line,
		              "a quoted field is not closed before the end of the file");
	customers_row_clear(&l);
	csv_free(&cp);
	if (!l.have_header && !broken)
		customers_err(&l, 0, "no header row (the first line names the columns: id,email,…)");
	return l.errors;
}
