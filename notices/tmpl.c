/* tmpl: parse a template into a small tree, then render it against a dictionary. */
#include "notices/tmpl.h"
#include "notices/tmpl_p.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/caps.h"

#define TMPL_DEPTH_MAX 8
#define TMPL_PATH_MAX 512

enum tok_kind { T_TEXT, T_VAR, T_IF, T_UNLESS, T_EACH, T_ELSE, T_CLOSE, T_INCLUDE };

struct tok {
	enum tok_kind k;
	const char *s;   /* text, or the name/path (not NUL-terminated) */
	size_t len;
	int line;
	enum tok_kind closes; /* T_CLOSE: which block it names */
	bool inline_;         /* T_INCLUDE with other text on its line */
};

struct node {
	enum tok_kind k;
	const char *s;
	size_t len;
	int line;
	bool inline_;
	struct node *kids, *alt;   /* alt: the {{else}} part */
	size_t n_kids, n_alt;
};

struct tctx {
	const char *dir;
	const char *name;          /* template name for messages */
	enum tmpl_escape esc;
	bool text_in_html;         /* a .txt partial inside an HTML document */
	int depth;
	int base_len;              /* includes resolve under the top template's directory */
	struct err *e;
};

struct scope {
	const struct tmpl_dict *d;
	const struct scope *up;
};

static int tmpl_fail(struct tctx *c, int line, const char *fmt, const char *a, size_t alen)
{
	char what[256];
	snprintf(what, sizeof what, fmt, (int)alen, a);
	return err_set(c->e, ERR_DATA, "%s:%d: %s", c->name, line, what);
}

static bool tmpl_blank(const char *s, const char *end)
{
	for (; s < end; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r')
			return false;
	return true;
}

static void tmpl_trim(const char **s, size_t *len)
{
	while (*len && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*len)--;
	}
	while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
		(*len)--;
}

static bool tmpl_is_name(const char *s, size_t len)
{
	if (!len)
		return false;
	for (size_t i = 0; i < len; i++) {
		char ch = s[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		      ch == '_' || ch == '-'))
			return false;
	}
	return true;
}

static int tmpl_push(struct tok **v, size_t *n, size_t *alloc, struct tok t)
{
	if (*n == *alloc) {
		size_t na = *alloc ? *alloc * 2 : 64;
		struct tok *nv = realloc(*v, na * sizeof *nv);
		if (!nv)
			return -1;
		*v = nv;
		*alloc = na;
	}
	(*v)[(*n)++] = t;
	return 0;
}

static int tmpl_lines(const char *a, const char *b)
{
	int n = 0;
	for (; a < b; a++)
		n += *a == '\n';
	return n;
}

/* Split into tokens. Block tags alone on their line take the line with them. */
static int tmpl_lex(struct tctx *c, const char *text, struct tok **out, size_t *n_out)
{
	struct tok *v = NULL;
	size_t n = 0, alloc = 0;
	const char *cur = text, *p;
	int line = 1;

	while ((p = strstr(cur, "{{")) != NULL) {
		const char *body = p + 2, *close = strstr(body, "}}"), *after, *ls, *nl;
		int tag_line = line + tmpl_lines(cur, p);
		struct tok t = { T_TEXT, NULL, 0, tag_line, T_TEXT, false };
		bool block;
		size_t blen;

		if (!close) {
			free(v);
			return tmpl_fail(c, tag_line, "%.*s'{{' without '}}'", "", 0);
		}
		after = close + 2;
		blen = (size_t)(close - body);
		t.s = body;
		t.len = blen;
		tmpl_trim(&t.s, &t.len);
		block = true;
		if (t.len && t.s[0] == '!') {
			t.k = T_TEXT; /* a comment: emits nothing */
			t.len = 0;
		} else if (t.len >= 3 && strncmp(t.s, "#if", 3) == 0 && (t.len == 3 || t.s[3] == ' ')) {
			t.k = T_IF;
			t.s += 3, t.len -= 3;
		} else if (t.len >= 7 && strncmp(t.s, "#unless", 7) == 0) {
			t.k = T_UNLESS;
			t.s += 7, t.len -= 7;
		} else if (t.len >= 5 && strncmp(t.s, "#each", 5) == 0) {
			t.k = T_EACH;
			t.s += 5, t.len -= 5;
		} else if (t.len == 4 && strncmp(t.s, "else", 4) == 0) {
			t.k = T_ELSE;
		} else if (t.len && t.s[0] == '/') {
			t.k = T_CLOSE;
			t.s++, t.len--;
			tmpl_trim(&t.s, &t.len);
			if (t.len == 2 && strncmp(t.s, "if", 2) == 0)
				t.closes = T_IF;
			else if (t.len == 6 && strncmp(t.s, "unless", 6) == 0)
				t.closes = T_UNLESS;
			else if (t.len == 4 && strncmp(t.s, "each", 4) == 0)
				t.closes = T_EACH;
			else {
				free(v);
				return tmpl_fail(c, tag_line, "unknown closing tag '{{/%.*s}}'", t.s, t.len);
			}
		} else if (t.len && t.s[0] == '>') {
			t.k = T_INCLUDE;
			t.s++, t.len--;
		} else {
			t.k = T_VAR;
			block = false;
		}
		tmpl_trim(&t.s, &t.len);
		if ((t.k == T_IF || t.k == T_UNLESS || t.k == T_EACH || t.k == T_VAR) &&
		    !tmpl_is_name(t.s, t.len)) {
			free(v);
			return tmpl_fail(c, tag_line, "bad variable name in '{{%.*s}}'", body, blen);
		}
		if (t.k == T_INCLUDE && !t.len) {
			free(v);
			return tmpl_fail(c, tag_line, "%.*sinclude without a name", "", 0);
		}

		/* Standalone: only blanks between the line start and the tag and after it. */
		ls = p;
		while (ls > text && ls[-1] != '\n')
			ls--;
		nl = strchr(after, '\n');
		if (block && ls >= cur && tmpl_blank(ls, p) && tmpl_blank(after, nl ? nl : after + strlen(after))) {
			struct tok txt = { T_TEXT, cur, (size_t)(ls - cur), line, T_TEXT, false };
			if (tmpl_push(&v, &n, &alloc, txt) < 0)
				goto nomem;
			after = nl ? nl + 1 : after + strlen(after);
		} else {
			t.inline_ = true;
			struct tok txt = { T_TEXT, cur, (size_t)(p - cur), line, T_TEXT, false };
			if (tmpl_push(&v, &n, &alloc, txt) < 0)
				goto nomem;
		}
		if (t.k != T_TEXT && tmpl_push(&v, &n, &alloc, t) < 0)
			goto nomem;
		line += tmpl_lines(cur, after);
		cur = after;
	}
	{
		struct tok txt = { T_TEXT, cur, strlen(cur), line, T_TEXT, false };
		if (tmpl_push(&v, &n, &alloc, txt) < 0)
			goto nomem;
	}
	*out = v;
	*n_out = n;
	return 0;
nomem:
	free(v);
	return err_set(c->e, ERR_NOMEM, "%s: out of memory", c->name);
}

static void tmpl_nodes_free(struct node *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		tmpl_nodes_free(v[i].kids, v[i].n_kids);
		tmpl_nodes_free(v[i].alt, v[i].n_alt);
	}
	free(v);
}

static int tmpl_add(struct node **v, size_t *n, const struct tok *t)
{
	struct node *nv = realloc(*v, (*n + 1) * sizeof *nv);
	if (!nv)
		return -1;
	*v = nv;
	memset(&nv[*n], 0, sizeof nv[*n]);
	nv[*n].k = t->k;
	nv[*n].s = t->s;
	nv[*n].len = t->len;
	nv[*n].line = t->line;
	nv[*n].inline_ = t->inline_;
	(*n)++;
	return 0;
}

static const char *tmpl_kind_name(enum tok_kind k)
{
	return k == T_IF ? "if" : k == T_UNLESS ? "unless" : "each";
}

/* Build the tree from tokens[*i..]; `open` is the block being filled (NULL at top). */
static int tmpl_parse(struct tctx *c, const struct tok *t, size_t nt, size_t *i,
                      const struct tok *open, struct node **out, size_t *n_out,
                      struct node **alt, size_t *n_alt)
{
	struct node **v = out;
	size_t *n = n_out;
	bool seen_else = false;

	for (; *i < nt; (*i)++) {
		const struct tok *tk = &t[*i];
		switch (tk->k) {
		case T_TEXT:
			if (!tk->len)
				break;
			/* fallthrough */
		case T_VAR:
		case T_INCLUDE:
			if (tmpl_add(v, n, tk) < 0)
				return err_set(c->e, ERR_NOMEM, "out of memory");
			break;
		case T_IF:
		case T_UNLESS:
		case T_EACH: {
			struct node *nd;
			if (tmpl_add(v, n, tk) < 0)
				return err_set(c->e, ERR_NOMEM, "out of memory");
			nd = &(*v)[*n - 1];
			(*i)++;
			if (tmpl_parse(c, t, nt, i, tk, &nd->kids, &nd->n_kids, &nd->alt, &nd->n_alt) < 0)
				return -1;
			break;
		}
		case T_ELSE:
			if (!open || open->k == T_EACH || seen_else)
				return tmpl_fail(c, tk->line, "%.*s{{else}} outside {{#if}}/{{#unless}}", "", 0);
			seen_else = true;
			v = alt;
			n = n_alt;
			break;
		case T_CLOSE:
			if (!open)
				return tmpl_fail(c, tk->line, "'{{/%.*s}}' closes nothing", tk->s, tk->len);
			if (tk->closes != open->k) {
				char what[160];
				snprintf(what, sizeof what, "'{{/%.*s}}' does not close '{{#%s %.*s}}' of line %d",
				         (int)tk->len, tk->s, tmpl_kind_name(open->k), (int)open->len, open->s,
				         open->line);
				return err_set(c->e, ERR_DATA, "%s:%d: %s", c->name, tk->line, what);
			}
			return 0;
		}
	}
	if (open) {
		char what[160];
		snprintf(what, sizeof what, "'{{#%s %.*s}}' is never closed", tmpl_kind_name(open->k),
		         (int)open->len, open->s);
		return err_set(c->e, ERR_DATA, "%s:%d: %s", c->name, open->line, what);
	}
	return 0;
}

int tmpl_escape_append(struct buf *out, const char *s, enum tmpl_escape esc)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		const char *rep = NULL;
		char one[2] = { (char)ch, 0 };
		if (ch < 0x20 || ch == 0x7f)
			rep = " ";
		else if (esc != TMPL_ESC_TEXT) {
			switch (ch) {
			case '&': rep = "&amp;"; break;
			case '<': rep = "&lt;"; break;
			case '>': rep = "&gt;"; break;
			case '"': rep = "&quot;"; break;
			case '\'': rep = "&#39;"; break;
			}
		}
		if (buf_puts(out, rep ? rep : one) < 0)
			return -1;
	}
	return 0;
}

/* Literal template text: as is, except a text partial inside HTML. */
static int tmpl_literal(struct tctx *c, struct buf *out, const char *s, size_t len)
{
	if (!c->text_in_html)
		return buf_append(out, s, len);
	for (size_t i = 0; i < len; i++) {
		char one[2] = { s[i], 0 };
		const char *rep = one;
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '\n': rep = "<br>\n"; break;
		}
		if (buf_puts(out, rep) < 0)
			return -1;
	}
	return 0;
}

static const struct tmpl_entry *tmpl_lookup(const struct scope *sc, const char *name, size_t len)
{
	for (; sc; sc = sc->up) {
		const struct tmpl_entry *en = tmpl_dict_find(sc->d, name, len);
		if (en)
			return en;
	}
	return NULL;
}

static int tmpl_file(struct tctx *parent, const char *name, const struct scope *sc,
                     struct buf *out, bool top);

/* "steps/(client_id)" → "ja/steps/thunderbird", relative to the including template. */
static int tmpl_include(struct tctx *c, const struct node *nd, const struct scope *sc,
                        struct buf *out)
{
	char path[TMPL_PATH_MAX], full[TMPL_PATH_MAX + 16];
	size_t pl = 0;
	const char *ext = strrchr(c->name, '.');
	int dl = c->base_len;
	FILE *f;

	for (size_t i = 0; i < nd->len; i++) {
		char ch = nd->s[i];
		if (ch == '(') {
			const char *end = memchr(nd->s + i, ')', nd->len - i);
			const struct tmpl_entry *en;
			size_t vl;
			if (!end)
				return tmpl_fail(c, nd->line, "'(' without ')' in include '%.*s'", nd->s, nd->len);
			en = tmpl_lookup(sc, nd->s + i + 1, (size_t)(end - nd->s - i - 1));
			if (!en || en->is_list)
				return tmpl_fail(c, nd->line, "unknown variable in include '%.*s'", nd->s, nd->len);
			vl = strlen(en->value);
			/* A value names a file: keep it to a safe alphabet. */
			if (!tmpl_is_name(en->value, vl) && !(vl && strspn(en->value,
			    "abcdefghijklmnopqrstuvwxyz0123456789-_.") == vl))
				vl = 0;
			if (!vl || pl + vl >= sizeof path)
				return tmpl_fail(c, nd->line, "include '%.*s': value not usable as a name", nd->s,
				                 nd->len);
			memcpy(path + pl, en->value, vl);
			pl += vl;
			i = (size_t)(end - nd->s);
			continue;
		}
		if (!(tmpl_is_name(&ch, 1) || ch == '/' || ch == '.') || pl + 1 >= sizeof path)
			return tmpl_fail(c, nd->line, "bad include name '%.*s'", nd->s, nd->len);
		path[pl++] = ch;
	}
	path[pl] = 0;
	if (strstr(path, "..") || path[0] == '/')
		return tmpl_fail(c, nd->line, "include '%.*s' leaves the template directory", nd->s, nd->len);
	if (c->depth >= TMPL_DEPTH_MAX)
		return tmpl_fail(c, nd->line, "includes nested too deeply at '%.*s'", nd->s, nd->len);

	/* Same extension as the including template first, then .txt. */
	snprintf(full, sizeof full, "%.*s%s%s", dl, c->name, path, ext ? ext : "");
	{
		char fs[TMPL_PATH_MAX * 2 + 32];
		snprintf(fs, sizeof fs, "%s/%s", c->dir, full);
		f = fopen(fs, "r");
	}
	if (!f) {
		snprintf(full, sizeof full, "%.*s%s.txt", dl, c->name, path);
		char fs[TMPL_PATH_MAX * 2 + 32];
		snprintf(fs, sizeof fs, "%s/%s", c->dir, full);
		f = fopen(fs, "r");
		if (!f)
			return tmpl_fail(c, nd->line, "include '%.*s': no such template", nd->s, nd->len);
	}
	fclose(f);
	if (tmpl_file(c, full, sc, out, false) < 0)
		return -1;
	/* Inline, the partial's last line break would split the line it sits in. */
	if (nd->inline_) {
		if (out->len >= 5 && strcmp(out->data + out->len - 5, "<br>\n") == 0 &&
		    c->esc == TMPL_ESC_HTML)
			out->len -= 5;
		else if (out->len >= 1 && out->data[out->len - 1] == '\n')
			out->len -= 1;
		if (out->data)
			out->data[out->len] = 0;
	}
	return 0;
}

static int tmpl_eval(struct tctx *c, const struct node *v, size_t n, const struct scope *sc,
                     struct buf *out)
{
	for (size_t i = 0; i < n; i++) {
		const struct node *nd = &v[i];
		const struct tmpl_entry *en;
		switch (nd->k) {
		case T_TEXT:
			if (tmpl_literal(c, out, nd->s, nd->len) < 0)
				goto nomem;
			break;
		case T_VAR:
			en = tmpl_lookup(sc, nd->s, nd->len);
			if (!en)
				return tmpl_fail(c, nd->line, "unknown variable '%.*s'", nd->s, nd->len);
			if (en->is_list)
				return tmpl_fail(c, nd->line, "'%.*s' is a list: use {{#each}}", nd->s, nd->len);
			if (tmpl_escape_append(out, en->value, c->text_in_html ? TMPL_ESC_HTML : c->esc) < 0)
				goto nomem;
			break;
		case T_IF:
		case T_UNLESS: {
			bool truth;
			en = tmpl_lookup(sc, nd->s, nd->len);
			if (!en)
				return tmpl_fail(c, nd->line, "unknown variable '%.*s'", nd->s, nd->len);
			truth = en->is_list ? en->n_items > 0 : en->value[0] != 0;
			if (nd->k == T_UNLESS)
				truth = !truth;
			if (tmpl_eval(c, truth ? nd->kids : nd->alt, truth ? nd->n_kids : nd->n_alt, sc, out) < 0)
				return -1;
			break;
		}
		case T_EACH:
			en = tmpl_lookup(sc, nd->s, nd->len);
			if (!en)
				return tmpl_fail(c, nd->line, "unknown list '%.*s'", nd->s, nd->len);
			if (!en->is_list)
				return tmpl_fail(c, nd->line, "'%.*s' is not a list", nd->s, nd->len);
			for (size_t k = 0; k < en->n_items; k++) {
				struct scope inner = { en->items[k], sc };
				if (tmpl_eval(c, nd->kids, nd->n_kids, &inner, out) < 0)
					return -1;
			}
			break;
		case T_INCLUDE:
			if (tmpl_include(c, nd, sc, out) < 0)
				return -1;
			break;
		case T_ELSE:
		case T_CLOSE:
			break;
		}
	}
	return 0;
nomem:
	return err_set(c->e, ERR_NOMEM, "%s: output too large or out of memory", c->name);
}

static int tmpl_run(struct tctx *c, const char *text, const struct scope *sc, struct buf *out)
{
	struct tok *t = NULL;
	struct node *tree = NULL;
	size_t nt = 0, n = 0, i = 0;
	int rc;
	if (tmpl_lex(c, text, &t, &nt) < 0)
		return -1;
	rc = tmpl_parse(c, t, nt, &i, NULL, &tree, &n, NULL, NULL);
	if (rc == 0)
		rc = tmpl_eval(c, tree, n, sc, out);
	tmpl_nodes_free(tree, n);
	free(t);
	return rc;
}

static char *tmpl_read(const char *path, struct err *e, int *missing)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char chunk[8192];
	size_t got;
	*missing = 0;
	if (!f) {
		*missing = errno == ENOENT;
		err_set(e, ERR_NOINPUT, "%s: %s", path, strerror(errno));
		return NULL;
	}
	buf_init(&b, CAPS_TEMPLATE_MAX);
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (buf_append(&b, chunk, got) < 0) {
			fclose(f);
			buf_release(&b);
			err_set(e, ERR_DATA, "%s: larger than %u bytes", path, CAPS_TEMPLATE_MAX);
			return NULL;
		}
	}
	fclose(f);
	if (buf_puts(&b, "") < 0) {
		buf_release(&b);
		err_set(e, ERR_NOMEM, "%s: out of memory", path);
		return NULL;
	}
	if (memchr(b.data, 0, b.len)) {
		buf_release(&b);
		err_set(e, ERR_DATA, "%s: contains a NUL byte", path);
		return NULL;
	}
	return buf_detach(&b);
}

static int tmpl_file(struct tctx *parent, const char *name, const struct scope *sc,
                     struct buf *out, bool top)
{
	char path[TMPL_PATH_MAX * 2 + 32];
	struct tctx c = *parent;
	const char *ext = strrchr(name, '.');
	char *text;
	int missing, rc;

	snprintf(path, sizeof path, "%s/%s", parent->dir, name);
	if (!(text = tmpl_read(path, parent->e, &missing)))
		return -1;
	c.name = name;
	c.depth = top ? 0 : parent->depth + 1;
	c.text_in_html = parent->esc == TMPL_ESC_HTML && ext && strcmp(ext, ".txt") == 0;
	rc = tmpl_run(&c, text, sc, out);
	free(text);
	return rc;
}

int tmpl_render(const char *dir, const char *name, enum tmpl_escape esc,
                const struct tmpl_dict *vars, struct buf *out, struct err *e)
{
	const char *slash = strrchr(name, '/');
	struct tctx c = { dir, name, esc, false, 0, slash ? (int)(slash - name + 1) : 0, e };
	struct scope sc = { vars, NULL };
	return tmpl_file(&c, name, &sc, out, true);
}

int tmpl_render_string(const char *dir, const char *name, const char *text,
                       enum tmpl_escape esc, const struct tmpl_dict *vars, struct buf *out,
                       struct err *e)
{
	const char *slash = strrchr(name, '/');
	struct tctx c = { dir, name, esc, false, 0, slash ? (int)(slash - name + 1) : 0, e };
	struct scope sc = { vars, NULL };
	return tmpl_run(&c, text, &sc, out);
}
