/* test_customers_csv: the customer CSV reader on fixtures in tests/data/csv/: BOM, CRLF,
 * quoting, bad UTF-8, unknown and missing columns, bad values, refused password column. */
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/caps.h"

#include "schedule/customers.h"
#include "t.h"

static char t_dir[4096];

static void t_secret_release(struct plan_secret *s)
{
	free(s->env);
	free(s->file);
	free(s->value);
}

/* The plan loader owns plan_free(); this test builds plans by hand and frees exactly
 * what customers_csv_load() adds to them. */
static void t_plan_release(struct plan *p)
{
	for (size_t i = 0; i < p->n_customers; i++) {
		struct plan_customer *c = &p->customers[i];
		free(c->id); free(c->email); free(c->name); free(c->client); free(c->client_raw);
		free(c->source_login); free(c->dest_login);
		t_secret_release(&c->source_password);
		t_secret_release(&c->dest_password);
	}
	free(p->customers);
	for (size_t i = 0; i < p->n_files; i++)
		free(p->files[i]);
	free(p->files);
}

static int load(struct plan *p, struct diag *d, const char *file)
{
	memset(p, 0, sizeof *p);
	p->dir = t_dir;
	p->language = PLAN_LANG_EN;
	diag_init(d);
	struct plan_pos pos = { "plan.yaml", 30, 8 };
	return customers_csv_load(p, file, &pos, d);
}

/* Whether some diagnostic is at `line` and contains `text`. */
static int has_diag(const struct diag *d, enum diag_sev sev, int line, const char *text)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->items[i].sev == sev && d->items[i].line == line && strstr(d->items[i].msg, text))
			return 1;
	for (size_t i = 0; i < d->n; i++)
		printf("#   diag %s:%d: %s\n", d->items[i].file, d->items[i].line, d->items[i].msg);
	return 0;
}

static void bom_crlf_quotes_and_blank_lines(void)
{
	struct plan p;
	struct diag d;
	T_INTEQ(load(&p, &d, "good.csv"), 0);
	T_REQUIRE(p.n_customers == 5);
	T_INTEQ(d.errors, 0);
	struct plan_customer *c = p.customers;
	T_STREQ(c[0].id, "c001");                   /* BOM stripped from the header */
	T_STREQ(c[0].name, "山田 太郎");
	T_INTEQ(c[0].lang, PLAN_LANG_JA);
	T_CHECK(c[0].has_lang);
	T_CHECK(c[0].client == NULL);              /* the loader maps client_raw */
	T_STREQ(c[0].client_raw, "Outlook Express 6.0");
	T_STREQ(c[0].source_password.env, "C001_PW");
	T_CHECK(c[0].source_password.file == NULL);
	T_CHECK(c[0].notify);
	T_INTEQ(c[0].pos.line, 2);
	T_STREQ(c[1].name, "Doe, Jane");
	T_STREQ(c[1].client_raw, "Becky! Ver.2");
	T_INTEQ(c[1].pos.line, 4);                  /* after the blank line */
	T_STREQ(c[2].name, "Line one\r\nline two \"quoted\"");
	T_CHECK(!c[2].has_lang);                   /* empty → the loader uses the plan's */
	T_CHECK(!c[2].notify);
	T_INTEQ(c[2].pos.line, 5);
	T_INTEQ(c[3].pos.line, 7);                  /* the quoted newline counted */
	T_INTEQ(c[3].lang, PLAN_LANG_JA);          /* "JA" */
	T_INTEQ(d.n, 0);
	T_STREQ(c[4].id, "c005");                   /* ",,,,,," row skipped; no final newline */
	T_CHECK(c[4].client_raw == NULL && c[4].name == NULL && c[4].source_login == NULL);
	T_STREQ(c[4].pos.file, p.files[0]);
	T_CHECK(strstr(p.files[0], "good.csv") != NULL);
	diag_release(&d);
	t_plan_release(&p);
}

static void lf_any_column_order_fullwidth(void)
{
	struct plan p;
	struct diag d;
	T_INTEQ(load(&p, &d, "lf.csv"), 0);
	T_REQUIRE(p.n_customers == 2);
	T_STREQ(p.customers[0].id, "m1");
	T_STREQ(p.customers[0].email, "mari@example.jp");
	T_STREQ(p.customers[0].client_raw, "Thunderbird 2.0");
	T_INTEQ(p.customers[0].pos.line, 3);
	diag_release(&d);
	t_plan_release(&p);
}

static void classic_mac_line_ends(void)
{
	struct plan p;
	struct diag d;
	T_INTEQ(load(&p, &d, "cr.csv"), 0);
	T_REQUIRE(p.n_customers == 2);
	T_INTEQ(p.customers[0].pos.line, 3);
	T_STREQ(p.customers[0].name, "two\rlines");
	T_INTEQ(p.customers[1].pos.line, 5);
	diag_release(&d);
	t_plan_release(&p);
}

static void bad_utf8_names_the_row(void)
{
	struct plan p;
	struct diag d;
	T_INTEQ(load(&p, &d, "bad_utf8.csv"), 1);
	T_CHECK(has_diag(&d, DIAG_ERROR, 3, "not valid UTF-8"));
	T_INTEQ(p.n_customers, 1);
	diag_release(&d);
	t_plan_release(&p);
}

static void unknown_column_suggests(void)
{
	struct plan p;
	struct diag d;
	T_CHECK(load(&p, &d, "unknown_column.csv") >= 2);
	T_CHECK(has_diag(&d, DIAG_ERROR, 1, "unknown column 'emial' (did you mean 'email'?)"));
	T_CHECK(has_diag(&d, DIAG_ERROR, 1, "missing column 'email'"));
	T_INTEQ(p.n_customers, 0);
	diag_release(&d);
	t_plan_release(&p);
}

static void missing_column(void)
{
	struct plan p;
	struct diag d;
	T_INTEQ(load(&p, &d, "missing_column.csv"), 1);
	T_CHECK(has_diag(&d, DIAG_ERROR, 1, "missing column 'email'"));
	T_INTEQ(p.n_customers, 0);
	diag_release(&d);
	t_plan_release(&p);
}

static void bad_values_every_row_reported(void)
{
	struct plan p;
	struct diag d;
	T_INTEQ(load(&p, &d, "bad_language.csv"), 2);
	T_CHECK(has_diag(&d, DIAG_ERROR, 7, "column 'language': 'fr' is not one of ja|en"));
	T_CHECK(has_diag(&d, DIAG_ERROR, 8, "column 'email': 'not-an-address' is not an e-mail address"));
	T_INTEQ(p.n_customers, 4);
	/* the printed form is "file:row: error: …" */
	char *out = NULL;
	size_t outlen = 0;
	FILE *f = open_memstream(&out, &outlen);
	T_REQUIRE(f);
	diag_print(&d, f);
	fclose(f);
	T_CHECK(strstr(out, "bad_language.csv:7: error: column 'language': 'fr' is not one of ja|en\n") != NULL);
	free(out);
	diag_release(&d);
	t_plan_release(&p);
}

static void password_column_refused(void)
{
	struct plan p;
	struct diag d;
	T_INTEQ(load(&p, &d, "password_column.csv"), 1);
	T_CHECK(has_diag(&d, DIAG_ERROR, 1, "column 'password': passwords never go in a CSV file"));
	/* the value itself is never repeated */
	for (size_t i = 0; i < d.n; i++)
		T_CHECK(strstr(d.items[i].msg, "hunter2") == NULL);
	diag_release(&d);
	t_plan_release(&p);
}

static void malformed_quoting(void)
{
	struct plan p;
	struct diag d;
	T_INTEQ(load(&p, &d, "bad_quote.csv"), 1);
	T_CHECK(has_diag(&d, DIAG_ERROR, 2, "malformed quoting"));
	diag_release(&d);
	t_plan_release(&p);
	T_INTEQ(load(&p, &d, "unclosed.csv"), 1);
	T_CHECK(has_diag(&d, DIAG_ERROR, 2, "quoted field is not closed"));
	diag_release(&d);
	t_plan_release(&p);
	T_INTEQ(load(&p, &d, "field_count.csv"), 1);
	T_CHECK(has_diag(&d, DIAG_ERROR, 2, "4 fields, the header has 3"));
	diag_release(&d);
	t_plan_release(&p);
}

static void secrets_become_env_or_file(void)
{
	struct plan p;
	struct diag d;
	T_INTEQ(load(&p, &d, "secrets.csv"), 2);
	T_REQUIRE(p.n_customers == 1);
	T_STREQ(p.customers[0].source_password.file, "secrets/c001.pw");
	T_STREQ(p.customers[0].dest_password.env, "DEST_C001");
	T_INTEQ(p.customers[0].source_password.pos.line, 2);
	T_CHECK(has_diag(&d, DIAG_ERROR, 3, "'BAD-NAME' is not an environment variable name"));
	T_CHECK(has_diag(&d, DIAG_ERROR, 4, "both set"));
	diag_release(&d);
	t_plan_release(&p);
}

static void unreadable_file_at_plan_position(void)
{
	struct plan p;
	struct diag d;
	T_INTEQ(load(&p, &d, "no-such.csv"), 1);
	T_REQUIRE(d.n == 1);
	T_STREQ(d.items[0].file, "plan.yaml");
	T_INTEQ(d.items[0].line, 30);
	T_INTEQ(d.items[0].col, 8);
	T_CHECK(strstr(d.items[0].msg, "cannot read") != NULL);
	diag_release(&d);
	t_plan_release(&p);
}

static void file_size_is_capped(void)
{
	struct plan p;
	struct diag d;
	char path[] = "/tmp/cutover-csv-big.XXXXXX";
	int fd = mkstemp(path);
	T_REQUIRE(fd >= 0);
	/* sparse: no disk used, but fstat sees a size over CAPS_CSV_FILE_MAX */
	T_REQUIRE(ftruncate(fd, (off_t)CAPS_CSV_FILE_MAX + 1) == 0);
	close(fd);
	T_INTEQ(load(&p, &d, path), 1);
	T_REQUIRE(d.n == 1);
	T_CHECK(strstr(d.items[0].msg, "larger than 256 MiB") != NULL);
	unlink(path);
	diag_release(&d);
	t_plan_release(&p);
}

int main(void)
{
	const char *root = getenv("CUTOVER_ROOT");
	snprintf(t_dir, sizeof t_dir, "%s/tests/data/csv", root ? root : ".");
	T_RUN(bom_crlf_quotes_and_blank_lines);
	T_RUN(lf_any_column_order_fullwidth);
	T_RUN(classic_mac_line_ends);
	T_RUN(bad_utf8_names_the_row);
	T_RUN(unknown_column_suggests);
	T_RUN(missing_column);
	T_RUN(bad_values_every_row_reported);
	T_RUN(password_column_refused);
	T_RUN(malformed_quoting);
	T_RUN(secrets_become_env_or_file);
	T_RUN(unreadable_file_at_plan_position);
	T_RUN(file_size_is_capped);
	return T_DONE();
}
