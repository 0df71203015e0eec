/* test_opt: options bound to typed fields: a command line parsed into a struct, the usage
 * errors (bad number, unknown option, out of range, bad choice, missing value), and the
 * --workers range of the real run and dry-run tables. */
#include <stdlib.h>
#include <string.h>

#include "base/caps.h"
#include "cmd/cmd.h"
#include "cmd/opt.h"
#include "t.h"

struct t_opts {
	const char *format;
	long workers;
	struct opt_list customer;
	bool json;
};

struct t_common {
	bool quiet;
};

static const char *const t_formats[] = { "text", "json", NULL };
static const struct opt_spec t_specs[] = {
	OPT_BIND_STR("format", 'f', struct t_opts, format, "text|json", "output", t_formats),
	OPT_BIND_INT("workers", 'w', struct t_opts, workers, "N", "workers", 1, 64),
	OPT_BIND_LIST("customer", 'c', struct t_opts, customer, "ID", "customer"),
	OPT_BIND_FLAG("json", 0, struct t_opts, json, "json"),
};
static const struct opt_spec t_common_specs[] = {
	OPT_BIND_FLAG("quiet", 'q', struct t_common, quiet, "quiet"),
};

/* Parse argv into fresh structs; returns opt_parse's result, e holds the error. */
static int t_parse(int argc, char **argv, struct t_opts *o, struct t_common *c, struct opt_pos *pos,
                   struct err *e)
{
	const struct opt_table t[] = { { t_specs, 4 }, { t_common_specs, 1 } };
	void *const dst[] = { o, c };
	memset(o, 0, sizeof *o);
	memset(c, 0, sizeof *c);
	err_clear(e);
	int rc = opt_parse(t, dst, 2, argc, argv, pos, e);
	opt_release(t, dst, 2);
	return rc;
}

static void opt_fills_typed_fields(void)
{
	const struct opt_table t[] = { { t_specs, 4 }, { t_common_specs, 1 } };
	struct t_opts o;
	struct t_common c;
	void *const dst[] = { &o, &c };
	struct opt_pos pos;
	struct err e;
	char *argv[] = { "run", "plan.yaml", "--workers=3", "--customer", "a", "-c", "b", "-f", "json",
	                 "--json", "-q", "--", "--not-an-option" };
	memset(&o, 0, sizeof o);
	memset(&c, 0, sizeof c);
	err_clear(&e);
	T_REQUIRE(opt_parse(t, dst, 2, 13, argv, &pos, &e) == 0);
	T_INTEQ(pos.n, 2);
	T_STREQ(pos.v[0], "plan.yaml");
	T_STREQ(pos.v[1], "--not-an-option");
	T_INTEQ(o.workers, 3);
	T_INTEQ(o.customer.n, 2);
	T_STREQ(o.customer.v[0], "a");
	T_STREQ(o.customer.v[1], "b");
	T_STREQ(o.format, "json");
	T_CHECK(o.json);
	T_CHECK(c.quiet);
	opt_release(t, dst, 2);
	T_CHECK(o.customer.v == NULL && o.customer.n == 0);
}

static void opt_unset_fields_stay_zero(void)
{
	struct t_opts o;
	struct t_common c;
	struct opt_pos pos;
	struct err e;
	char *argv[] = { "run", "plan.yaml" };
	T_REQUIRE(t_parse(2, argv, &o, &c, &pos, &e) == 0);
	T_CHECK(o.format == NULL && o.workers == 0 && o.customer.n == 0 && !o.json && !c.quiet);
}

static void opt_usage_errors(void)
{
	struct t_opts o;
	struct t_common c;
	struct opt_pos pos;
	struct err e;
	char *bad_int[] = { "run", "--workers", "many" };
	char *unknown[] = { "run", "--nope" };
	char *unknown_short[] = { "run", "-x" };
	char *range[] = { "run", "-w", "65" };
	char *choice[] = { "run", "--format", "xml" };
	char *no_value[] = { "run", "--workers" };
	char *flag_value[] = { "run", "--json=yes" };
	T_CHECK(t_parse(3, bad_int, &o, &c, &pos, &e) < 0 && e.cls == ERR_USAGE);
	T_STREQ(e.msg, "--workers: 'many' is not a whole number");
	T_CHECK(t_parse(2, unknown, &o, &c, &pos, &e) < 0 && e.cls == ERR_USAGE);
	T_STREQ(e.msg, "unknown option '--nope'");
	T_CHECK(t_parse(2, unknown_short, &o, &c, &pos, &e) < 0);
	T_STREQ(e.msg, "unknown option '-x'");
	T_CHECK(t_parse(3, range, &o, &c, &pos, &e) < 0 && e.cls == ERR_USAGE);
	T_STREQ(e.msg, "--workers: 65 is out of range (1 to 64)");
	T_CHECK(t_parse(3, choice, &o, &c, &pos, &e) < 0);
	T_STREQ(e.msg, "--format: 'xml' is not one of text|json");
	T_CHECK(t_parse(2, no_value, &o, &c, &pos, &e) < 0);
	T_STREQ(e.msg, "--workers needs a value (N)");
	T_CHECK(t_parse(2, flag_value, &o, &c, &pos, &e) < 0);
	T_STREQ(e.msg, "--json takes no value");
}

/* --workers of a real command's table: 1..CAPS_WORKERS_MAX, anything else a usage error. */
static void t_workers_range(const struct cmd_entry *c)
{
	char max[16], over[16];
	snprintf(max, sizeof max, "%d", CAPS_WORKERS_MAX);
	snprintf(over, sizeof over, "%d", CAPS_WORKERS_MAX + 1);
	const char *vals[] = { "0", "-1", over, "1", max };
	for (size_t i = 0; i < 5; i++) {
		const struct opt_table t = { c->opts, c->n_opts };
		void *buf = calloc(1, c->opts_size);
		void *const dst[] = { buf };
		char *argv[] = { (char *)c->name, "plan.yaml", "--workers", (char *)vals[i] };
		struct opt_pos pos;
		struct err e;
		err_clear(&e);
		T_REQUIRE(buf);
		int rc = opt_parse(&t, dst, 1, 4, argv, &pos, &e);
		if (i < 3) {
			T_CHECK(rc < 0 && e.cls == ERR_USAGE && strstr(e.msg, "out of range"));
		} else {
			T_INTEQ(rc, 0);
		}
		opt_release(&t, dst, 1);
		free(buf);
	}
}

static void opt_workers_range_in_commands(void)
{
	t_workers_range(&cmd_run_entry);
	t_workers_range(&cmd_dryrun_entry);
}

static void opt_help_from_the_table(void)
{
	const struct opt_table t[] = { { t_specs, 4 }, { t_common_specs, 1 } };
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	T_REQUIRE(f);
	opt_print_help(f, t, 2);
	fclose(f);
	T_CHECK(strstr(out, "  -w, --workers N") != NULL);
	T_CHECK(strstr(out, " workers (1 to 64)\n") != NULL); /* the enforced range is shown */
	T_CHECK(strstr(out, "  -c, --customer ID") != NULL);
	T_CHECK(strstr(out, "      --json ") != NULL);
	T_CHECK(strstr(out, "  -q, --quiet ") != NULL);
	free(out);
}

int main(void)
{
	T_RUN(opt_fills_typed_fields);
	T_RUN(opt_unset_fields_stay_zero);
	T_RUN(opt_usage_errors);
	T_RUN(opt_workers_range_in_commands);
	T_RUN(opt_help_from_the_table);
	return T_DONE();
}
