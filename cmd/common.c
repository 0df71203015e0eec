/* common: what several commands share: loading a plan with its diagnostics. */
#include "cmd/cmd.h"

#include <stdio.h>
#include <sysexits.h>

#include "base/diag.h"

struct plan *cmd_load_plan(const char *path, bool quiet, struct err *e)
{
	struct diag d;
	struct plan *p = NULL;
	diag_init(&d);
	if (plan_load(&p, path, &d, e) < 0) {
		diag_sort(&d);
		diag_print(&d, stderr);
		/* The diagnostics are the message; say only the count once more. */
		if (d.errors)
			err_set(e, ERR_DATA, "%s: %zu error%s", path, d.errors, d.errors == 1 ? "" : "s");
		diag_release(&d);
		return NULL;
	}
	if (!quiet) {
		diag_sort(&d);
		diag_print(&d, stderr);
	}
	diag_release(&d);
	return p;
}

int cmd_exit_for(const struct err *e)
{
	return err_is_set(e) ? err_exit_code(e->cls) : EX_OK;
}
