/* opt: table-driven option parsing into the typed fields the tables bind. */
#include "cmd/opt.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* An option found in one of the tables, and where its value goes. */
struct opt_hit {
	const struct opt_spec *sp;
	void *field;
};

static bool opt_find(const struct opt_table *t, void *const *dst, size_t nt, const char *name,
                     size_t len, char short_name, struct opt_hit *hit)
{
	for (size_t k = 0; k < nt; k++)
		for (size_t i = 0; i < t[k].n; i++) {
			const struct opt_spec *s = &t[k].specs[i];
			bool match = name ? strlen(s->name) == len && strncmp(s->name, name, len) == 0
			                  : s->short_name && s->short_name == short_name;
			if (match) {
				hit->sp = s;
				hit->field = (char *)dst[k] + s->off;
				return true;
			}
		}
	return false;
}

static int opt_store_string(const struct opt_spec *sp, const char *val, const char **field,
                            struct err *e)
{
	if (sp->choices) {
		size_t i;
		for (i = 0; sp->choices[i]; i++)
			if (strcmp(sp->choices[i], val) == 0)
				break;
		if (!sp->choices[i])
			return err_set(e, ERR_USAGE, "--%s: '%s' is not one of %s", sp->name, val,
			               sp->arg ? sp->arg : "the allowed values");
	}
	*field = val;
	return 0;
}

static int opt_store_int(const struct opt_spec *sp, const char *val, long *field, struct err *e)
{
	char *end;
	errno = 0;
	long v = strtol(val, &end, 10);
	if (errno || !*val || *end)
		return err_set(e, ERR_USAGE, "--%s: '%s' is not a whole number", sp->name, val);
	if (v < sp->min || v > sp->max)
		return err_set(e, ERR_USAGE, "--%s: %ld is out of range (%ld to %ld)", sp->name, v,
		               sp->min, sp->max);
	*field = v;
	return 0;
}

static int opt_store(const struct opt_hit *h, const char *val, struct err *e)
{
	switch (h->sp->type) {
	case OPT_FLAG:
		*(bool *)h->field = true;
		return 0;
	case OPT_STRING:
		return opt_store_string(h->sp, val, h->field, e);
	case OPT_INT:
		return opt_store_int(h->sp, val, h->field, e);
	case OPT_LIST: {
		struct opt_list *l = h->field;
		const char **nl = realloc(l->v, (l->n + 1) * sizeof *nl);
		if (!nl)
			return err_set(e, ERR_NOMEM, "out of memory");
		l->v = nl;
		l->v[l->n++] = val;
		return 0;
	}
	}
	return err_set(e, ERR_INTERNAL, "bad option type");
}

/* One "-x" or "--name[=value]" at argv[*i]; a separate value is taken from argv[*i + 1]. */
static int opt_one(const struct opt_table *t, void *const *dst, size_t nt, int argc, char **argv,
                   int *i, struct err *e)
{
	const char *a = argv[*i], *val = NULL;
	struct opt_hit h;
	if (a[1] == '-') {
		const char *eq = strchr(a + 2, '=');
		size_t len = eq ? (size_t)(eq - (a + 2)) : strlen(a + 2);
		if (!opt_find(t, dst, nt, a + 2, len, 0, &h))
			return err_set(e, ERR_USAGE, "unknown option '%.*s'", (int)len + 2, a);
		if (eq) {
			if (h.sp->type == OPT_FLAG)
				return err_set(e, ERR_USAGE, "--%s takes no value", h.sp->name);
			val = eq + 1;
		}
	} else {
		if (a[2] != '\0')
			return err_set(e, ERR_USAGE, "unknown option '%s' (write long options with --)", a);
		if (!opt_find(t, dst, nt, NULL, 0, a[1], &h))
			return err_set(e, ERR_USAGE, "unknown option '%s'", a);
	}
	if (h.sp->type != OPT_FLAG && !val) {
		if (*i + 1 >= argc)
			return err_set(e, ERR_USAGE, "--%s needs a value (%s)", h.sp->name,
			               h.sp->arg ? h.sp->arg : "value");
		val = argv[++*i];
	}
	return opt_store(&h, val, e);
}

int opt_parse(const struct opt_table *t, void *const *dst, size_t nt, int argc, char **argv,
              struct opt_pos *pos, struct err *e)
{
	bool only_pos = false;
	memset(pos, 0, sizeof *pos);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (only_pos || a[0] != '-' || a[1] == '\0') {
			if (pos->n == OPT_POS_MAX)
				return err_set(e, ERR_USAGE, "too many arguments: '%s'", a);
			pos->v[pos->n++] = a;
		} else if (strcmp(a, "--") == 0) {
			only_pos = true;
		} else if (opt_one(t, dst, nt, argc, argv, &i, e) < 0) {
			return -1;
		}
	}
	return 0;
}

void opt_release(const struct opt_table *t, void *const *dst, size_t nt)
{
	for (size_t k = 0; k < nt; k++)
		for (size_t i = 0; i < t[k].n; i++)
			if (t[k].specs[i].type == OPT_LIST) {
				struct opt_list *l = (struct opt_list *)((char *)dst[k] + t[k].specs[i].off);
				free(l->v);
				l->v = NULL;
				l->n = 0;
			}
}

void opt_print_help(FILE *f, const struct opt_table *t, size_t nt)
{
	for (size_t k = 0; k < nt; k++)
		for (size_t i = 0; i < t[k].n; i++) {
			char left[64];
			const struct opt_spec *s = &t[k].specs[i];
			const char *sep = s->type == OPT_FLAG ? "" : " ", *arg = s->type == OPT_FLAG ? "" : s->arg;
			if (s->short_name)
				snprintf(left, sizeof left, "-%c, --%s%s%s", s->short_name, s->name, sep, arg);
			else
				snprintf(left, sizeof left, "    --%s%s%s", s->name, sep, arg);
			size_t hl = strlen(s->help);
			/* An OPT_INT's range, which opt_store_int enforces, inside the help's closing
			 * parenthesis or in its own: "(default: the plan's; 1 to 64)". */
			if (s->type == OPT_INT && hl && s->help[hl - 1] == ')')
				fprintf(f, "  %-30s %.*s; %ld to %ld)\n", left, (int)hl - 1, s->help, s->min, s->max);
			else if (s->type == OPT_INT)
				fprintf(f, "  %-30s %s (%ld to %ld)\n", left, s->help, s->min, s->max);
			else
				fprintf(f, "  %-30s %s\n", left, s->help);
		}
}
