/* plan_load: read a plan file (capped), parse it, walk it against the key tables, read
 * the customer CSV, check the whole, fill defaults; or report every problem and free all. */
#include "schedule/plan_p.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/caps.h"
#include "schedule/customers.h"

/* The whole file, at most CAPS_PLAN_FILE_MAX bytes; NULL after a diagnostic. */
static unsigned char *plan_load_read(const char *path, size_t *len, struct diag *d,
                                     struct err *e)
{
	struct stat st;
	unsigned char *buf;
	size_t n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		diag_add(d, DIAG_ERROR, path, 0, 0, "cannot read the plan: %s", strerror(errno));
		err_set(e, ERR_NOINPUT, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		diag_add(d, DIAG_ERROR, path, 0, 0, "cannot read the plan: not a regular file");
		err_set(e, ERR_NOINPUT, "%s: not a regular file", path);
		close(fd);
		return NULL;
	}
	if (!(buf = malloc(CAPS_PLAN_FILE_MAX + 1)))
		abort();
	for (;;) {
		ssize_t r = read(fd, buf + n, CAPS_PLAN_FILE_MAX + 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			diag_add(d, DIAG_ERROR, path, 0, 0, "cannot read the plan: %s", strerror(errno));
			err_set(e, ERR_IO, "%s: %s", path, strerror(errno));
			free(buf);
			close(fd);
			return NULL;
		}
		if (r == 0 || (n += (size_t)r) > CAPS_PLAN_FILE_MAX)
			break;
	}
	close(fd);
	if (n > CAPS_PLAN_FILE_MAX) {
		diag_add(d, DIAG_ERROR, path, 0, 0, "the plan is larger than %u bytes",
		         CAPS_PLAN_FILE_MAX);
		err_set(e, ERR_DATA, "%s: too large", path);
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

static char *plan_load_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	if (!slash)
		dir = strdup(".");
	else if (slash == path)
		dir = strdup("/");
	else
		dir = strndup(path, (size_t)(slash - path));
	if (!dir)
		abort();
	return dir;
}

/* allow_inline_secrets may come after the secrets it allows: read it first. */
static void plan_load_preread(struct plan_ctx *c, yaml_node_t *root)
{
	yaml_node_t *n = plan_yaml_map_get(c->doc, root, "allow_inline_secrets");
	const char *s = plan_yaml_plain(n) ? plan_yaml_scalar(n) : NULL;
	c->plan->allow_inline_secrets = s && (!strcmp(s, "true") || !strcmp(s, "yes") ||
	                                      !strcmp(s, "True") || !strcmp(s, "on"));
}

static void plan_load_customers(struct plan_ctx *c, yaml_node_t *root)
{
	struct plan *p = c->plan;
	size_t before = c->d->errors;
	yaml_node_t *cn = plan_yaml_map_get(c->doc, root, "customers");
	if (c->csv) {
		size_t n0 = p->n_customers;
		customers_csv_load(p, c->csv, &c->csv_pos, c->d);
		if (p->n_customers == n0 && c->d->errors == before)
			plan_walk_error_pos(c, &c->csv_pos, "customers: %s holds no customers", c->csv);
	} else if (c->have_customers && !p->n_customers && c->d->errors == before) {
		plan_walk_error(c, cn, "customers: the list is empty; a plan moves at least one customer");
	}
	if (p->n_customers > CAPS_CUSTOMERS_MAX) {
		plan_walk_error(c, cn, "customers: more than %u customers", CAPS_CUSTOMERS_MAX);
		return;
	}
	plan_validate_customers(c);
	plan_customers_fill(c);
}

int plan_load(struct plan **out, const char *path, struct diag *diag, struct err *e)
{
	unsigned char *buf;
	size_t len = 0;

	*out = NULL;
	err_clear(e);
	if (!(buf = plan_load_read(path, &len, diag, e)))
		return -1;
	int rc = plan_load_mem(out, path, buf, len, diag, e);
	free(buf);
	return rc;
}

int plan_load_mem(struct plan **out, const char *path, const unsigned char *buf, size_t len,
                  struct diag *diag, struct err *e)
{
	struct plan *p;
	struct plan_ctx c;
	yaml_document_t doc;
	yaml_node_t *root;
	size_t errors0 = diag->errors;

	*out = NULL;
	err_clear(e);
	if (!(p = calloc(1, sizeof *p)) || !plan_add_file(p, path))
		abort();
	p->dir = plan_load_dir(path);
	memset(&c, 0, sizeof c);
	c.plan = p;
	c.d = diag;
	c.file = p->files[0];
	c.doc = &doc;

	if (plan_yaml_parse(c.file, buf, len, &doc, diag) == 0) {
		root = yaml_document_get_root_node(&doc);
		if (!root || plan_yaml_is_null(root)) {
			diag_add(diag, DIAG_ERROR, c.file, 0, 0,
			         "the plan is empty; expected a mapping with version, name, window, …");
		} else {
			plan_walk_defaults(&c, &plan_schema_root, p);
			plan_load_preread(&c, root);
			plan_walk_map(&c, root, &plan_schema_root, p);
			if (diag->errors == errors0 || c.have_customers)
				plan_load_customers(&c, root);
		}
		yaml_document_delete(&doc);
	}
	free(c.csv);
	if (diag->errors > errors0) {
		size_t n = diag->errors - errors0;
		err_set(e, ERR_DATA, "%s: %zu error%s", path, n, n == 1 ? "" : "s");
		plan_free(p);
		return -1;
	}
	*out = p;
	return 0;
}

void plan_free(struct plan *p)
{
	if (!p)
		return;
	plan_walk_free(&plan_schema_root, p);
	plan_customers_free(p);
	for (size_t i = 0; i < p->n_resolve; i++) {
		for (size_t j = 0; j < p->resolve[i].n_addresses; j++)
			free(p->resolve[i].addresses[j]);
		free(p->resolve[i].addresses);
		free(p->resolve[i].name);
	}
	free(p->resolve);
	/* The endpoints' auth is walked by a custom handler, so free it here. */
	free(p->migration.source.master_user);
	plan_secret_wipe(&p->migration.source.master_password);
	free(p->migration.destination.master_user);
	plan_secret_wipe(&p->migration.destination.master_password);
	for (size_t i = 0; i < p->n_files; i++)
		free(p->files[i]);
	free(p->files);
	free(p->dir);
	free(p);
}
