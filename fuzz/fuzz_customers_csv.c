/* fuzz_customers_csv: bytes as a customers CSV file (libcsv and the row checks). */
#include "fuzz/fuzz.h"

#include <stdio.h>

#include "base/diag.h"
#include "schedule/customers.h"
#include "schedule/plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct plan *p = calloc(1, sizeof *p);
	struct diag d;
	if (!p)
		abort();
	diag_init(&d);
	const char *file = plan_add_file(p, "customers.csv");
	if (!file)
		abort();
	/* An exact-size copy: the parser must not read past len (ASan watches). */
	char *s = malloc(size ? size : 1);
	if (!s)
		abort();
	memcpy(s, data, size);
	int errors = customers_csv_parse(p, file, s, size, &d);
	FUZZ_ASSERT((size_t)errors == d.errors);
	for (size_t i = 0; i < p->n_customers; i++)
		FUZZ_ASSERT(p->customers[i].id && p->customers[i].email);
	free(s);
	plan_free(p);
	diag_release(&d);
	return 0;
}
