/* plan_secret: reading a password named by the plan (environment variable, file or, with
 * opt-in, inline) only when it is needed, and wiping it after use. */
#include "schedule/plan_p.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/caps.h"

bool plan_secret_is_set(const struct plan_secret *s)
{
	return s && (s->env || s->file || s->value);
}

void plan_secret_wipe(struct plan_secret *s)
{
	free(s->env);
	free(s->file);
	if (s->value) {
		explicit_bzero(s->value, strlen(s->value));
		free(s->value);
	}
	memset(s, 0, sizeof *s);
}

void plan_secret_free(char *secret)
{
	if (!secret)
		return;
	explicit_bzero(secret, strlen(secret));
	free(secret);
}

static char *plan_secret_dup(const char *s, size_t len, struct err *e)
{
	char *v = malloc(len + 1);
	if (!v) {
		err_set(e, ERR_NOMEM, "out of memory");
		return NULL;
	}
	memcpy(v, s, len);
	v[len] = 0;
	return v;
}

/* A password file's path: as given when absolute, else relative to the plan's directory. */
static void plan_secret_path(const struct plan *p, const char *name, char *path, size_t size)
{
	if (name[0] == '/')
		snprintf(path, size, "%s", name);
	else
		snprintf(path, size, "%s/%s", p->dir ? p->dir : ".", name);
}

int plan_secret_check(const struct plan *p, const struct plan_secret *s, char *why, size_t size)
{
	char path[4096];
	if (s->env) {
		const char *v = getenv(s->env);
		if (v && *v)
			return 0;
		snprintf(why, size, "environment variable %s (a password) is not set", s->env);
		return -1;
	}
	if (!s->file)
		return plan_secret_is_set(s) ? 0 : (snprintf(why, size, "no password configured"), -1);
	/* Opened, not read: the value stays where it is until a session needs it. */
	plan_secret_path(p, s->file, path, sizeof path);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, size, "cannot read password file %s: %s", s->file, strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

static char *plan_secret_read_file(const struct plan *p, const char *name, struct err *e)
{
	char path[4096], buf[CAPS_SECRET_MAX + 1];
	size_t len = 0;
	ssize_t r;
	int fd;
	char *v;
	plan_secret_path(p, name, path, sizeof path);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err_set(e, ERR_CONFIG, "cannot read password file %s: %s", name, strerror(errno));
		return NULL;
	}
	while (len < sizeof buf && (r = read(fd, buf + len, sizeof buf - len)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			err_set(e, ERR_IO, "cannot read password file %s: %s", name, strerror(errno));
			close(fd);
			explicit_bzero(buf, sizeof buf);
			return NULL;
		}
		len += (size_t)r;
	}
	close(fd);
	if (len > CAPS_SECRET_MAX) {
		explicit_bzero(buf, sizeof buf);
		err_set(e, ERR_DATA, "password file %s is larger than %u bytes", name, CAPS_SECRET_MAX);
		return NULL;
	}
	/* The first line is the secret; a trailing newline is not part of it. */
	for (size_t i = 0; i < len; i++)
		if (buf[i] == '\n' || buf[i] == '\r' || buf[i] == 0) {
			len = i;
			break;
		}
	if (!len) {
		err_set(e, ERR_DATA, "password file %s is empty", name);
		return NULL;
	}
	v = plan_secret_dup(buf, len, e);
	explicit_bzero(buf, sizeof buf);
	return v;
}

char *plan_secret_get(const struct plan *p, const struct plan_secret *s, struct err *e)
{
	if (s->env) {
		const char *v = getenv(s->env);
		if (!v || !*v) {
			err_set(e, ERR_DATA, "environment variable %s (a password) is not set", s->env);
			return NULL;
		}
		return plan_secret_dup(v, strlen(v), e);
	}
	if (s->file)
		return plan_secret_read_file(p, s->file, e);
	if (s->value)
		return plan_secret_dup(s->value, strlen(s->value), e);
	err_set(e, ERR_DATA, "no password configured");
	return NULL;
}
