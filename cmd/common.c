/* common: what several commands share: loading a plan with its diagnostics. */
#include "cmd/cmd.h"

#include <stdint.h>
#include <stdio.h>
#include <sysexits.h>

#include "base/diag.h"

struct plan *cmd_load_plan_diag(const char *path, struct diag *d, struct err *e)
{
	struct plan *p = NULL;
	if (plan_load(&p, path, d, e) < 0) {
		diag_sort(d);
		diag_print(d, stderr);
		/* The diagnostics are the message; say only the count once more, keeping the
		 * loader's class (an unreadable file is EX_NOINPUT, not EX_DATAERR). */
		if (d->errors)
			err_set(e, err_is_set(e) ? e->cls : ERR_DATA, "%s: %zu error%s", path, d->errors,
			        d->errors == 1 ? "" : "s");
		return NULL;
	}
	diag_sort(d);
	return p;
}

struct plan *cmd_load_plan(const char *path, bool quiet, struct err *e)
{
	struct diag d;
	diag_init(&d);
	struct plan *p = cmd_load_plan_diag(path, &d, e);
	if (p && !quiet)
		diag_print(&d, stderr);
	diag_release(&d);
	return p;
}

int cmd_exit_for(const struct err *e)
{
	return err_is_set(e) ? err_exit_code(e->cls) : EX_OK;
}

const char *cmd_fmt_bytes(uint64_t b, char *buf, size_t size)
{
	static const char *const unit[] = { "B", "KB", "MB", "GB", "TB" };
	double v = (double)b;
	int u = 0;
	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, size, "%llu B", (unsigned long long)b);
	else
		snprintf(buf, size, "%.1f %s", v, unit[u]);
	return buf;
}
