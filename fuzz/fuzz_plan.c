/* fuzz_plan: plan text through the whole loader (YAML, key tables, checks, defaults) and,
 * when it loads, the warnings `check` prints. The plan's directory does not exist, so a
 * relative customers CSV or password file is simply missing. */
#include "fuzz/fuzz.h"

#include "base/diag.h"
#include "schedule/plan.h"
#include "schedule/plan_warn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct plan *p = NULL;
	struct diag d;
	struct err e;
	diag_init(&d);
	if (plan_load_mem(&p, "/nonexistent-cutover-fuzz/plan.yaml", data, size, &d, &e) == 0) {
		FUZZ_ASSERT(p != NULL && d.errors == 0);
		plan_warn(p, &d);
		plan_free(p);
	} else {
		FUZZ_ASSERT(p == NULL && d.errors > 0);
	}
	diag_sort(&d);
	diag_release(&d);
	return 0;
}
