/* plan_diag: load a plan and print its diagnostics, sorted, exactly as `cutover check`
 * prints them first ("file:line:col: error: message"), with the paths as given.
 * Exit 0 when the plan loads (warnings may be printed), 65 when it has errors.
 * Used by tests/integration/bad_plans.sh and sample_plans.sh. */
#include <stdio.h>
#include <sysexits.h>

#include "base/diag.h"
#include "base/err.h"
#include "schedule/plan.h"

int main(int argc, char **argv)
{
	struct diag d;
	struct err e;
	struct plan *p = NULL;
	int rc;
	if (argc != 2) {
		fprintf(stderr, "usage: plan_diag PLAN.yaml\n");
		return EX_USAGE;
	}
	diag_init(&d);
	rc = plan_load(&p, argv[1], &d, &e);
	diag_sort(&d);
	diag_print(&d, stdout);
	diag_release(&d);
	plan_free(p);
	return rc < 0 ? EX_DATAERR : EX_OK;
}
