/* test_estimate: the window arithmetic of dry-run. */
#include "schedule/estimate.h"
#include "t.h"

static void job_time_adds_message_and_byte_costs(void)
{
	struct estimate_rate r = { 100.0, 1e6 };
	T_CHECK(estimate_job_seconds(&r, 1000, 20000000) > 29.99);
	T_CHECK(estimate_job_seconds(&r, 1000, 20000000) < 30.01);
}

static void largest_first_on_two_workers(void)
{
	struct estimate_rate r = { 1.0, 0 };
	struct estimate_job j[] = { { "a", 10, 0, 0, 0, 0 }, { "b", 30, 0, 0, 0, 0 },
	                            { "c", 20, 0, 0, 0, 0 }, { "d", 5, 0, 0, 0, 0 } };
	struct estimate_result res;
	estimate_schedule(j, 4, 2, &r, 1000, 1040, &res);
	/* b(30) -> w0; c(20) -> w1; a(10) -> w1 (20); d(5) -> w0? w0=30,w1=30 -> w0 */
	T_INTEQ((long)res.seconds, 35);
	T_INTEQ(res.finish, 1035);
	T_INTEQ((long)res.margin_s, 5);
	T_INTEQ(res.n_dominant, 3);
	T_STREQ(j[res.dominant[0]].id, "b");
	T_STREQ(j[res.dominant[1]].id, "c");
	T_INTEQ(j[1].worker, 0);
	T_INTEQ(j[2].worker, 1);
	T_INTEQ((long)j[0].start_s, 20);
}

static void does_not_fit_gives_negative_margin(void)
{
	struct estimate_rate r = { 10.0, 0 };
	struct estimate_job j[] = { { "big", 36000, 0, 0, 0, 0 } };
	struct estimate_result res;
	estimate_schedule(j, 1, 4, &r, 0, 3000, &res);
	T_INTEQ((long)res.seconds, 3600);
	T_CHECK(res.margin_s < 0);
}

int main(void)
{
	T_RUN(job_time_adds_message_and_byte_costs);
	T_RUN(largest_first_on_two_workers);
	T_RUN(does_not_fit_gives_negative_margin);
	return T_DONE();
}
