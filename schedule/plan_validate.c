/* plan_validate: checks of single values (hosts, addresses, e-mail, password files) and
 * of the whole customer list (duplicates, a password for every login). */
#include "schedule/plan_p.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/caps.h"

bool plan_validate_ip(const char *s)
{
	unsigned char buf[16];
	return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

/* Dotted labels of letters, digits and inner hyphens. */
static bool plan_validate_domain(const char *s, bool need_dot)
{
	size_t len = strlen(s), label = 0;
	bool dot = false, all_digits_tld = true;
	if (!len || len > 253)
		return false;
	for (size_t i = 0; i < len; i++) {
		char ch = s[i];
		if (ch == '.') {
			if (!label || s[i - 1] == '-')
				return false;
			label = 0;
			dot = true;
			all_digits_tld = true;
			continue;
		}
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		      ch == '-'))
			return false;
		if (ch == '-' && !label)
			return false;
		if (!(ch >= '0' && ch <= '9'))
			all_digits_tld = false;
		if (++label > 63)
			return false;
	}
	if (!label || s[len - 1] == '-')
		return false;
	return (!need_dot || dot) && !(dot && all_digits_tld);
}

bool plan_validate_host(const char *s)
{
	return plan_validate_ip(s) || plan_validate_domain(s, false);
}

bool plan_email_valid(const char *addr)
{
	const char *at = strrchr(addr, '@');
	static const char special[] = "!#$%&'*+-/=?^_`{|}~.";
	if (!at || at == addr || at - addr > 64 || strlen(addr) > 254)
		return false;
	/* Old Japanese mobile addresses break RFC 5322 with ".." or a dot before '@'; the
	 * servers accept them, so only refuse what cannot be a mailbox name at all. */
	for (const char *p = addr; p < at; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      strchr(special, *p)))
			return false;
	return plan_validate_domain(at + 1, true);
}

void plan_validate_secret_file(struct plan_ctx *c, const char *path, const struct plan_pos *pos)
{
	char full[4096];
	struct stat st;
	if (path[0] == '/')
		snprintf(full, sizeof full, "%s", path);
	else
		snprintf(full, sizeof full, "%s/%s", c->plan->dir, path);
	/* Missing or unreadable is this machine's configuration, not the plan's: plan_config
	 * reports it (exit 78 before anything starts; a warning from check). What is wrong
	 * with a file that is there (its mode, its size) is the plan's. */
	if (stat(full, &st) < 0)
		return;
	if (!S_ISREG(st.st_mode)) {
		plan_walk_error_pos(c, pos, "password file '%s' is not a regular file", path);
		return;
	}
	if (st.st_mode & 077) {
		plan_walk_error_pos(c, pos, "password file '%s' can be read by others (mode %04o); "
		             "chmod 600 it", path, (unsigned)(st.st_mode & 07777));
		return;
	}
	if (access(full, R_OK) < 0)
		return;
	if (st.st_size == 0)
		plan_walk_error_pos(c, pos, "password file '%s' is empty", path);
	else if (st.st_size > (off_t)CAPS_SECRET_MAX)
		plan_walk_error_pos(c, pos, "password file '%s' is larger than %u bytes", path, CAPS_SECRET_MAX);
}

static bool plan_validate_id(const char *s)
{
	size_t n = 0;
	for (; *s; s++, n++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      strchr("._@+-", *s)))
			return false;
	return n > 0 && n <= 64;
}

/* Sorting (key, index) pairs keeps duplicate checks O(n log n) for a million-row CSV. */
struct plan_validate_key { const char *key; size_t i; };

static int plan_validate_cmp_id(const void *a, const void *b)
{
	const struct plan_validate_key *x = a, *y = b;
	int r = strcmp(x->key, y->key);
	return r ? r : (x->i < y->i ? -1 : x->i > y->i);
}

static int plan_validate_cmp_email(const void *a, const void *b)
{
	const struct plan_validate_key *x = a, *y = b;
	int r = strcasecmp(x->key, y->key);
	return r ? r : (x->i < y->i ? -1 : x->i > y->i);
}

static void plan_validate_dups(struct plan_ctx *c, bool by_email)
{
	struct plan *p = c->plan;
	struct plan_validate_key *keys;
	size_t n = 0, first = 0;
	if (p->n_customers < 2)
		return;
	if (!(keys = malloc(p->n_customers * sizeof *keys)))
		abort();
	for (size_t i = 0; i < p->n_customers; i++) {
		const char *k = by_email ? p->customers[i].email : p->customers[i].id;
		if (k)
			keys[n++] = (struct plan_validate_key){ k, i };
	}
	qsort(keys, n, sizeof *keys, by_email ? plan_validate_cmp_email : plan_validate_cmp_id);
	for (size_t k = 1; k < n; k++) {
		const struct plan_customer *f, *cu = &p->customers[keys[k].i];
		if (by_email ? strcasecmp(keys[first].key, keys[k].key) : strcmp(keys[first].key, keys[k].key)) {
			first = k;
			continue;
		}
		f = &p->customers[keys[first].i];
		if (by_email)
			plan_walk_error_pos(c, &cu->pos, "customer '%s': e-mail address '%s' is already used by "
			             "customer '%s' (%s line %d)", cu->id ? cu->id : "?", cu->email,
			             f->id ? f->id : "?", f->pos.file ? f->pos.file : "", f->pos.line);
		else
			plan_walk_error_pos(c, &cu->pos, "duplicate customer id '%s' (first at %s line %d)", cu->id,
			             f->pos.file ? f->pos.file : "", f->pos.line);
	}
	free(keys);
}

void plan_validate_customers(struct plan_ctx *c)
{
	struct plan *p = c->plan;
	/* With a broken auth section, "no password" for every customer would only bury the
	 * one error that matters. */
	bool src_master = p->migration.source.master_user != NULL || c->auth_bad[0];
	bool dst_master = p->migration.destination.master_user != NULL || c->auth_bad[1];
	for (size_t i = 0; i < p->n_customers; i++) {
		struct plan_customer *cu = &p->customers[i];
		bool from_csv = cu->pos.file != p->files[0];
		const char *id = cu->id;
		if (!id)
			continue; /* reported where the entry was read */
		if (cu->id && !plan_validate_id(cu->id))
			plan_walk_error_pos(c, &cu->pos, "customer id '%s' may only hold letters, digits and "
			             ". _ @ + - (at most 64)", cu->id);
		if (from_csv && (cu->source_password.file || cu->dest_password.file)) {
			size_t pl = plan_walk_path_push(c, "customer '%s'", id);
			if (cu->source_password.file)
				plan_validate_secret_file(c, cu->source_password.file, &cu->pos);
			if (cu->dest_password.file)
				plan_validate_secret_file(c, cu->dest_password.file, &cu->pos);
			plan_walk_path_pop(c, pl);
		}
		if (!src_master && !plan_secret_is_set(&cu->source_password))
			plan_walk_error_pos(c, &cu->pos, "customer '%s': no password for the old server; give "
			             "password_env or password_file, or a master_user in "
			             "migration.source.auth", id);
		if (!dst_master && !plan_secret_is_set(&cu->dest_password))
			plan_walk_error_pos(c, &cu->pos, "customer '%s': no password for the new server; give "
			             "dest_password_env or dest_password_file, or a master_user in "
			             "migration.destination.auth", id);
	}
	plan_validate_dups(c, false);
	plan_validate_dups(c, true);
}
