/* opt: table-driven option parsing. */
#include "cmd/opt.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const struct opt_spec *opt_find_long(const struct opt_spec *s, size_t n, const char *name,
                                            size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(s[i].name) == len && strncmp(s[i].name, name, len) == 0)
			return &s[i];
	return NULL;
}

static const struct opt_spec *opt_find_short(const struct opt_spec *s, size_t n, char c)
{
	for (size_t i = 0; i < n; i++)
		if (s[i].short_name && s[i].short_name == c)
			return &s[i];
	return NULL;
}

static int opt_store(struct opt_result *r, const struct opt_spec *sp, const char *val,
                     struct err *e)
{
	struct opt_value *v = &r->v[sp - r->specs];
	char *end;
	switch (sp->type) {
	case OPT_FLAG:
		v->set = true;
		return 0;
	case OPT_STRING:
		if (sp->choices) {
			size_t i;
			for (i = 0; sp->choices[i]; i++)
				if (strcmp(sp->choices[i], val) == 0)
					break;
			if (!sp->choices[i])
				return err_set(e, ERR_USAGE, "--%s: '%s' is not one of %s", sp->name, val,
				               sp->arg ? sp->arg : "the allowed values");
		}
		v->set = true;
		v->str = val;
		return 0;
	case OPT_INT:
		errno = 0;
		v->num = strtol(val, &end, 10);
		if (errno || !*val || *end || v->num < 0)
			return err_set(e, ERR_USAGE, "--%s: '%s' is not a whole number", sp->name, val);
		v->set = true;
		return 0;
	case OPT_LIST: {
		const char **nl = realloc(v->list, (v->n_list + 1) * sizeof *nl);
		if (!nl)
			return err_set(e, ERR_NOMEM, "out of memory");
		v->list = nl;
		v->list[v->n_list++] = val;
		v->set = true;
		return 0;
	}
	}
	return err_set(e, ERR_INTERNAL, "bad option type");
}

int opt_parse(struct opt_result *r, const struct opt_spec *specs, size_t n_specs, int argc,
              char **argv, struct err *e)
{
	bool only_pos = false;
	memset(r, 0, sizeof *r);
	r->specs = specs;
	r->n_specs = n_specs;
	if (n_specs > OPT_MAX)
		return err_set(e, ERR_INTERNAL, "too many options in a command table");
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const struct opt_spec *sp = NULL;
		const char *val = NULL;
		if (only_pos || a[0] != '-' || a[1] == '\0') {
			if (r->n_pos == OPT_POS_MAX)
				return err_set(e, ERR_USAGE, "too many arguments: '%s'", a);
			r->pos[r->n_pos++] = a;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_pos = true;
			continue;
		}
		if (a[1] == '-') {
			const char *eq = strchr(a + 2, '=');
			size_t len = eq ? (size_t)(eq - (a + 2)) : strlen(a + 2);
			sp = opt_find_long(specs, n_specs, a + 2, len);
			if (!sp)
				return err_set(e, ERR_USAGE, "unknown option '%.*s'", (int)len + 2, a);
			if (eq) {
				if (sp->type == OPT_FLAG)
					return err_set(e, ERR_USAGE, "--%s takes no value", sp->name);
				val = eq + 1;
			}
		} else {
			if (a[2] != '\0')
				return err_set(e, ERR_USAGE, "unknown option '%s' (write long options with --)", a);
			sp = opt_find_short(specs, n_specs, a[1]);
			if (!sp)
				return err_set(e, ERR_USAGE, "unknown option '%s'", a);
		}
		if (sp->type != OPT_FLAG && !val) {
			if (i + 1 >= argc)
				return err_set(e, ERR_USAGE, "--%s needs a value (%s)", sp->name,
				               sp->arg ? sp->arg : "value");
			val = argv[++i];
		}
		if (opt_store(r, sp, val, e) < 0)
			return -1;
	}
	return 0;
}

void opt_release(struct opt_result *r)
{
	for (size_t i = 0; i < r->n_specs && i < OPT_MAX; i++)
		free(r->v[i].list);
	memset(r, 0, sizeof *r);
}

const struct opt_value *opt_get(const struct opt_result *r, const char *name)
{
	for (size_t i = 0; i < r->n_specs; i++)
		if (strcmp(r->specs[i].name, name) == 0)
			return &r->v[i];
	return NULL;
}

bool opt_flag(const struct opt_result *r, const char *name)
{
	const struct opt_value *v = opt_get(r, name);
	return v && v->set;
}

const char *opt_str(const struct opt_result *r, const char *name, const char *dflt)
{
	const struct opt_value *v = opt_get(r, name);
	return v && v->set ? v->str : dflt;
}

long opt_int(const struct opt_result *r, const char *name, long dflt)
{
	const struct opt_value *v = opt_get(r, name);
	return v && v->set ? v->num : dflt;
}

void opt_print_help(FILE *f, const struct opt_spec *specs, size_t n_specs)
{
	for (size_t i = 0; i < n_specs; i++) {
		char left[64];
		const struct opt_spec *s = &specs[i];
		if (s->short_name)
			snprintf(left, sizeof left, "-%c, --%s%s%s", s->short_name, s->name,
			         s->type == OPT_FLAG ? "" : " ", s->type == OPT_FLAG ? "" : s->arg);
		else
			snprintf(left, sizeof left, "    --%s%s%s", s->name, s->type == OPT_FLAG ? "" : " ",
			         s->type == OPT_FLAG ? "" : s->arg);
		fprintf(f, "  %-30s %s\n", left, s->help);
	}
}
