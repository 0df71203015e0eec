/* t.h: a tiny TAP test helper. Each test binary prints "ok N - name" / "not ok N - name"
 * lines; tests/run adds them up. Checks never abort the binary: a failed check marks the
 * current case failed and the case goes on (or returns, with T_REQUIRE). */
#ifndef CUTOVER_T_H
#define CUTOVER_T_H

#include <stdio.h>
#include <string.h>

static int t_case_failed, t_n, t_failed;

#define T_CHECK(cond) do { if (!(cond)) { t_case_failed = 1; \
	fprintf(stdout, "#   %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); } } while (0)
#define T_REQUIRE(cond) do { if (!(cond)) { t_case_failed = 1; \
	fprintf(stdout, "#   %s:%d: required: %s\n", __FILE__, __LINE__, #cond); return; } } while (0)
#define T_STREQ(a, b) do { const char *t_a = (a), *t_b = (b); \
	if (!t_a || !t_b || strcmp(t_a, t_b) != 0) { t_case_failed = 1; \
	fprintf(stdout, "#   %s:%d: '%s' != '%s'\n", __FILE__, __LINE__, t_a ? t_a : "(null)", \
	        t_b ? t_b : "(null)"); } } while (0)
#define T_INTEQ(a, b) do { long long t_x = (long long)(a), t_y = (long long)(b); \
	if (t_x != t_y) { t_case_failed = 1; \
	fprintf(stdout, "#   %s:%d: %s == %lld, expected %lld\n", __FILE__, __LINE__, #a, t_x, t_y); } } while (0)

#define T_RUN(fn) do { t_case_failed = 0; fn(); t_n++; \
	if (t_case_failed) t_failed++; \
	printf("%s %d - %s\n", t_case_failed ? "not ok" : "ok", t_n, #fn); fflush(stdout); } while (0)

#define T_DONE() (printf("1..%d\n", t_n), t_failed ? 1 : 0)

#endif
