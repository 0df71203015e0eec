/* test_runprog: the run's progress tells the truth — totals from the dry-run's inventory
 * when it covers every customer, else what has been listed so far marked "≥"; the ETA
 * from bytes, not from customers finished. */
#include <stdio.h>
#include <string.h>

#include "cmd/runprog.h"
#include "t.h"

/* 16 customers, 4 started: 1,200 messages (40 MB) listed so far, half of it handled. */
static void t_prog(struct engine_progress *p)
{
	memset(p, 0, sizeof *p);
	p->customers = 16;
	p->customers_started = 4;
	p->customers_done = 2;
	p->msgs_listed = 1200;
	p->bytes_listed = 40u << 20;
	p->msgs_handled = p->msgs_copied = 600;
	p->bytes_handled = p->bytes_copied = 20u << 20;
	p->elapsed = 10;
}

static void t_partial(void)
{
	struct engine_progress p;
	struct runprog_view v;
	char line[512];
	t_prog(&p);
	runprog_view(&p, NULL, &v);
	T_CHECK(v.partial);
	T_INTEQ(v.msgs_total, 1200);
	/* 20 MB left at 2 MB/s: at least 10 s (more customers are still to be listed) */
	T_CHECK(v.eta_known && v.eta > 9.9 && v.eta < 10.1);
	runprog_line(&p, NULL, line, sizeof line);
	T_CHECK(strstr(line, "customers 2/16 done") != NULL);
	T_CHECK(strstr(line, "messages 600/≥1,200 handled") != NULL);
	T_CHECK(strstr(line, "20.0 MB/≥40.0 MB (50%)") != NULL);
	T_CHECK(strstr(line, "2.0 MB/s") != NULL);
	T_CHECK(strstr(line, "ETA ≥0:00:10") != NULL);
	if (t_case_failed)
		printf("# %s\n", line);
}

/* The dry-run counted all 16: 8,000 messages, 260 MB; the ETA follows the bytes. */
static void t_inventory(void)
{
	struct engine_progress p;
	struct runprog_inv inv = { 8000, 260u << 20, 16 };
	struct runprog_view v;
	char line[512];
	t_prog(&p);
	runprog_view(&p, &inv, &v);
	T_CHECK(!v.partial);
	T_INTEQ(v.msgs_total, 8000);
	T_INTEQ(v.bytes_total, 260u << 20);
	T_CHECK(v.eta_known && v.eta > 119.9 && v.eta < 120.1);   /* 240 MB at 2 MB/s */
	runprog_line(&p, &inv, line, sizeof line);
	T_CHECK(strstr(line, "messages 600/8,000 handled") != NULL);
	T_CHECK(strstr(line, "20.0 MB/260.0 MB (7%)") != NULL);
	T_CHECK(strstr(line, "ETA 0:02:00") != NULL);
	/* An inventory of only some customers: still partial, but no lower than it says. */
	inv.customers = 10;
	runprog_view(&p, &inv, &v);
	T_CHECK(v.partial);
	T_INTEQ(v.msgs_total, 8000);
	/* Mail arrived since the dry-run: the listing raises the total. */
	inv.customers = 16;
	inv.msgs = 1000;
	runprog_view(&p, &inv, &v);
	T_INTEQ(v.msgs_total, 1200);
	if (t_case_failed)
		printf("# %s\n", line);
}

/* Nothing copied yet: no ETA rather than a made-up one. */
static void t_no_eta(void)
{
	struct engine_progress p;
	struct runprog_view v;
	t_prog(&p);
	p.bytes_copied = p.bytes_handled = p.msgs_copied = p.msgs_handled = 0;
	runprog_view(&p, NULL, &v);
	T_CHECK(!v.eta_known);
}

static void t_count(void)
{
	char b[48];
	T_STREQ(runprog_count(0, false, b, sizeof b), "0");
	T_STREQ(runprog_count(999, false, b, sizeof b), "999");
	T_STREQ(runprog_count(1200, true, b, sizeof b), "≥1,200");
	T_STREQ(runprog_count(1234567, false, b, sizeof b), "1,234,567");
}

int main(void)
{
	T_RUN(t_partial);
	T_RUN(t_inventory);
	T_RUN(t_no_eta);
	T_RUN(t_count);
	return T_DONE();
}
