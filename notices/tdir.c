/* tdir: find the template directory; a directory counts when it holds ja/notice.txt. */
#include "notices/tdir.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static bool tdir_ok(const char *dir)
{
	char probe[PATH_MAX + 32];
	snprintf(probe, sizeof probe, "%s/ja/notice.txt", dir);
	return access(probe, R_OK) == 0;
}

int tdir_find(char *out, size_t n, const char *option, const struct plan *p, struct err *e)
{
	char exe[PATH_MAX];
	ssize_t len;
	static const char *const rel[] = { "/notices/templates", "/../notices/templates",
	                                   "/../share/cutover/templates" };
	if (option) {
		snprintf(out, n, "%s", option);
		return tdir_ok(out) ? 0 : err_set(e, ERR_NOINPUT, "--templates %s: no ja/notice.txt there", option);
	}
	if (p && p->notices.templates) {
		const char *t = p->notices.templates;
		snprintf(out, n, "%s%s%s", t[0] == '/' ? "" : p->dir, t[0] == '/' ? "" : "/", t);
		return tdir_ok(out) ? 0 : err_set(e, ERR_NOINPUT, "notices.templates %s: no ja/notice.txt there", out);
	}
	len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (len > 0) {
		char *slash;
		exe[len] = 0;
		if ((slash = strrchr(exe, '/')))
			*slash = 0;
		for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
			snprintf(out, n, "%s%s", exe, rel[i]);
			if (tdir_ok(out))
				return 0;
		}
	}
	return err_set(e, ERR_NOINPUT, "cannot find the notice templates: use --templates DIR or "
	                               "notices.templates in the plan");
}
