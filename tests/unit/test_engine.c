/* test_engine: the copy engine against the in-memory driver (memdrv), no server: exactly
 * once under a crash at every journal write, in-doubt messages found again, re-matching
 * after a source UIDVALIDITY change, one message refused without failing the rest, a
 * dropped session retried, a destination without UIDPLUS. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mapping/journal.h"
#include "migrate/engine/engine.h"
#include "migrate/uidl/xuidl.h"
#include "tests/unit/memdrv.h"
#include "tests/unit/t.h"

static char t_dir[256];
static const char *t_self;

#define T_POP3_N 120

/* Message i of a test mailbox: unique Message-ID, CRLF lines. */
static void t_message(char *out, size_t cap, const char *box, unsigned i)
{
	snprintf(out, cap, "From: a%u@example.jp\r\nSubject: %s %u\r\nMessage-ID: <%s.%u@example.jp>\r\n"
	         "Date: Tue, 1 Oct 2002 10:%02u:00 +0900\r\n\r\nbody %u of %s\r\n", i, box, i, box, i, i % 60,
	         i, box);
}

/* A POP3-like source: UIDLs, and one message keyed by a content digest (no UIDL). */
static void t_pop3_source(struct memdrv *m)
{
	char data[512], key[32];
	memdrv_init(m, true);
	struct memdrv_folder *in = memdrv_folder(&m->src, "INBOX", 0);
	for (unsigned i = 1; i < T_POP3_N; i++) {
		t_message(data, sizeof data, "pop", i);
		snprintf(key, sizeof key, "UID%u-%u", 100 + i, i * 7);
		memdrv_add(in, key, DRV_KEY_UIDL, data, 0);
	}
	t_message(data, sizeof data, "pop", T_POP3_N);
	memdrv_add(in, "sha256:00000000000000000000000000000000000000000000000000000000000000aa",
	           DRV_KEY_DIGEST, data, 0);
	memdrv_folder(&m->dst, "INBOX", 500);
}

/* An IMAP-like source: two folders keyed by UIDVALIDITY and UID. */
static void t_imap_source(struct memdrv *m)
{
	char data[512];
	memdrv_init(m, false);
	struct memdrv_folder *in = memdrv_folder(&m->src, "INBOX", 7);
	struct memdrv_folder *work = memdrv_folder(&m->src, "Work", 8);
	for (unsigned i = 1; i <= 4; i++) {
		t_message(data, sizeof data, "inbox", i);
		memdrv_add(in, NULL, DRV_KEY_UID, data, i == 2 ? DRV_FLAG_SEEN : 0);
	}
	for (unsigned i = 1; i <= 3; i++) {
		t_message(data, sizeof data, "work", i);
		memdrv_add(work, NULL, DRV_KEY_UID, data, 0);
	}
	memdrv_folder(&m->dst, "INBOX", 500);
}

static struct plan_customer t_customer = { .id = "c1", .email = "c1@example.jp" };

static void t_plan(struct plan *p, enum plan_uidl u)
{
	memset(p, 0, sizeof *p);
	p->version = 1;
	p->name = "engine-test";
	p->migration.uidl = u;
	p->migration.workers = 1;
	p->migration.retry.attempts = 3;
	p->customers = &t_customer;
	p->n_customers = 1;
}

/* What a run logged about its customer (the lines, as much as fits), and its stop switch. */
static char t_cust_logged[8192];
static volatile int t_stop;
static long t_grace_ms = -1;   /* no second look at an in-doubt message (t_in_doubt_late sets one) */

static void t_cust_log(void *ctx, const char *customer, const char *level, const char *text)
{
	size_t used = strlen(t_cust_logged);
	(void)ctx;
	if (customer)
		snprintf(t_cust_logged + used, sizeof t_cust_logged - used, "%s: %s\n", level, text);
}

/* One engine run over memdrv; the customer's result in *r. */
static int t_run(const struct plan *p, struct memdrv *m, const char *journal,
                 struct engine_result *r)
{
	struct engine_drivers dv = { memdrv_open, m };
	struct engine_opts o;
	struct engine_result *res = NULL;
	size_t n = 0;
	struct err e;
	memset(&o, 0, sizeof o);
	o.journal_path = journal;
	o.workers = 1;
	o.tick_ms = 10;
	o.drivers = &dv;
	o.log = t_cust_log;
	o.stop = &t_stop;
	o.doubt_grace_ms = t_grace_ms;
	t_cust_logged[0] = '\0';
	err_clear(&e);
	if (engine_run(p, &o, &res, &n, &e) < 0 || n != 1) {
		printf("# engine_run: %s\n", e.msg);
		engine_results_free(res, n);
		return -1;
	}
	*r = res[0];
	r->customer = NULL;
	engine_results_free(res, n);
	return 0;
}

static void t_fresh(char *journal, size_t cap, const char *name)
{
	char p[600];
	snprintf(journal, cap, "%s/%s.db", t_dir, name);
	unlink(journal);
	snprintf(p, sizeof p, "%s-wal", journal);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", journal);
	unlink(p);
}

/* How many destination messages of folder hold source message (sf, i) — its bytes after
 * what the UIDL strategy added — and, for a UIDL, with that UIDL in the X-UIDL line. */
static int t_copies(struct memdrv *m, const char *dfolder, const struct memdrv_msg *s, bool xuidl)
{
	struct memdrv_folder *f = memdrv_folder(&m->dst, dfolder, 0);
	int n = 0;
	for (size_t i = 0; f && i < f->n; i++) {
		char uidl[128] = "";
		size_t skip = xuidl_leading(f->v[i].data, f->v[i].len, uidl, sizeof uidl);
		if (f->v[i].len - skip != s->len || memcmp(f->v[i].data + skip, s->data, s->len) != 0)
			continue;
		bool want = xuidl && s->kind == DRV_KEY_UIDL;
		if (want ? strcmp(uidl, s->key) == 0 : skip == 0)
			n++;
	}
	return n;
}

/* Every source message of sf exactly once in dfolder, and nothing else there. */
static bool t_exactly_once(struct memdrv *m, const char *sf, const char *dfolder, bool xuidl)
{
	struct memdrv_folder *s = memdrv_folder(&m->src, sf, 0);
	struct memdrv_folder *d = memdrv_folder(&m->dst, dfolder, 0);
	bool ok = s && d && d->n == s->n;
	for (size_t i = 0; s && i < s->n; i++)
		if (t_copies(m, dfolder, &s->v[i], xuidl) != 1) {
			printf("#   %s message %zu is %d times in %s\n", sf, i + 1,
			       t_copies(m, dfolder, &s->v[i], xuidl), dfolder);
			ok = false;
		}
	if (d && s && d->n != s->n)
		printf("#   %s holds %zu messages, the source %zu\n", dfolder, d->n, s->n);
	return ok;
}

static long t_rows(const char *journal, enum journal_msg_state st)
{
	struct journal *j = NULL;
	struct journal_customer_summary *sum = NULL;
	size_t n = 0;
	long v = -1;
	struct err e;
	err_clear(&e);
	if (journal_open_ro(&j, journal, &e) < 0)
		return -1;
	if (journal_summary(j, &sum, &n, &e) == 0 && n == 1)
		v = (long)(st == JOURNAL_MSG_DONE ? sum[0].msgs_done : st == JOURNAL_MSG_INTENT ? sum[0].msgs_intent
		           : st == JOURNAL_MSG_FAILED ? sum[0].msgs_failed : sum[0].msgs_skipped);
	journal_summary_free(sum, n);
	journal_close(j);
	return v;
}

/* What one in-process test holds: a fresh journal, a memdrv with a source, a plan. */
struct t_env {
	char journal[400];
	struct memdrv m;
	struct plan p;
	struct engine_result r;
};

static void t_env_init(struct t_env *x, const char *name, bool pop3, enum plan_uidl u)
{
	t_fresh(x->journal, sizeof x->journal, name);
	if (pop3)
		t_pop3_source(&x->m);
	else
		t_imap_source(&x->m);
	t_plan(&x->p, u);
}

static int t_env_run(struct t_env *x)
{
	return t_run(&x->p, &x->m, x->journal, &x->r);
}

/* ---- exactly once at every crash point ---- */

/* The child of one crash point: a fresh process (the crash switch is read once per
 * process), the destination kept in a file. Exits 99 at the crash, 0 when the run
 * completed before reaching it. */
static int t_crash_child(const char *journal, const char *dst_path)
{
	struct memdrv m;
	struct plan p;
	struct engine_result r;
	t_pop3_source(&m);
	m.dst_path = dst_path;
	t_plan(&p, PLAN_UIDL_PRESERVE);
	if (memdrv_load(&m) < 0 || t_run(&p, &m, journal, &r) < 0)
		return 2;
	memdrv_free(&m);
	return r.ok ? 0 : 3;
}

/* Crash after write N, for N = 1, 2, … until a run completes; after each crash, resume in
 * this process and check every message is on the destination once, with its UIDL. */
static int t_crash_at(int n, const char *journal, const char *dst_path)
{
	char nbuf[16];
	snprintf(nbuf, sizeof nbuf, "%d", n);
	pid_t pid = fork();
	if (pid == 0) {
		setenv("CUTOVER_CRASH_AFTER_WRITES", nbuf, 1);
		execl(t_self, t_self, "--crash-child", journal, dst_path, (char *)NULL);
		_exit(127);
	}
	int st = 0;
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static void t_crash_every_write(void)
{
	char journal[400], dst_path[400];
	int n, code = 0, crashes = 0;
	snprintf(dst_path, sizeof dst_path, "%s/crash.dst", t_dir);
	for (n = 1; n < 500; n++) {
		t_fresh(journal, sizeof journal, "crash");
		unlink(dst_path);
		code = t_crash_at(n, journal, dst_path);
		if (code != 99)
			break;
		crashes++;
		struct memdrv m;
		struct plan p;
		struct engine_result r;
		t_pop3_source(&m);
		m.dst_path = dst_path;
		t_plan(&p, PLAN_UIDL_PRESERVE);
		T_REQUIRE(memdrv_load(&m) == 0);
		T_REQUIRE(t_run(&p, &m, journal, &r) == 0);
		T_CHECK(r.ok);
		if (!t_exactly_once(&m, "INBOX", "INBOX", true))
			T_CHECK(!"exactly once after a crash");
		T_INTEQ(t_rows(journal, JOURNAL_MSG_DONE), T_POP3_N);
		memdrv_free(&m);
		if (t_case_failed) {
			printf("#   crash after journal write %d\n", n);
			return;
		}
	}
	T_INTEQ(code, 0);
	T_CHECK(crashes >= 5);
	printf("# %d crash points, each resumed to exactly once\n", crashes);
}

/* ---- faults in-process ---- */

/* The connection drops after the destination stored a message: the next pass finds it
 * (by its X-UIDL) instead of appending it again. */
static void t_in_doubt_found(void)
{
	struct t_env x;
	t_env_init(&x, "doubt", true, PLAN_UIDL_PRESERVE);
	x.m.append_net_at = 3;
	x.m.append_net_stored = true;
	T_REQUIRE(t_env_run(&x) == 0);
	T_CHECK(x.r.ok);
	T_INTEQ(x.r.attempts, 2);
	T_INTEQ(x.r.copied, T_POP3_N);
	T_CHECK(t_exactly_once(&x.m, "INBOX", "INBOX", true));
	T_INTEQ(t_rows(x.journal, JOURNAL_MSG_DONE), T_POP3_N);
	T_INTEQ(t_rows(x.journal, JOURNAL_MSG_INTENT), 0);
	memdrv_free(&x.m);
}

/* The connection drops after the destination took a message, and the server shows it only
 * 0.2 s later (it was still storing it when the next session looked): not found at the
 * first look, found at the second after the grace, not appended again. (On a machine too
 * slow to look within 0.2 s the first look finds it: exactly once all the same.) */
static void t_in_doubt_late(void)
{
	struct t_env x;
	t_env_init(&x, "doubt-late", true, PLAN_UIDL_PRESERVE);
	x.m.append_net_at = 3;
	x.m.append_net_stored = true;
	x.m.append_late_ms = 200;
	t_grace_ms = 500;
	T_REQUIRE(t_env_run(&x) == 0);
	t_grace_ms = -1;
	T_CHECK(x.r.ok);
	T_INTEQ(x.r.attempts, 2);
	T_CHECK(t_exactly_once(&x.m, "INBOX", "INBOX", true));
	T_INTEQ(t_rows(x.journal, JOURNAL_MSG_DONE), T_POP3_N);
	T_CHECK(strstr(t_cust_logged, "was in doubt: found on the destination") != NULL);
	if (t_case_failed)
		printf("#   logged:\n%s", t_cust_logged);
	memdrv_free(&x.m);
}

/* Without a header of ours (strategy none) the in-doubt message is found by Message-ID. */
static void t_in_doubt_by_message_id(void)
{
	struct t_env x;
	t_env_init(&x, "doubt-none", false, PLAN_UIDL_NONE);
	x.m.append_net_at = 2;
	x.m.append_net_stored = true;
	T_REQUIRE(t_env_run(&x) == 0);
	T_CHECK(x.r.ok);
	T_CHECK(t_exactly_once(&x.m, "INBOX", "INBOX", false));
	T_CHECK(t_exactly_once(&x.m, "Work", "Work", false));
	memdrv_free(&x.m);
}

/* The journal is lost: the next run finds every message on the destination (by X-UIDL with
 * preserve, by Message-ID and size with none) and appends nothing; three messages removed
 * behind the tool's back are copied again, exactly those. */
static void t_reconcile(void)
{
	static const enum plan_uidl modes[] = { PLAN_UIDL_PRESERVE, PLAN_UIDL_NONE };
	for (size_t k = 0; k < 2; k++) {
		struct t_env x;
		t_env_init(&x, k ? "recon-none" : "recon", k == 0, modes[k]);
		T_REQUIRE(t_env_run(&x) == 0);
		size_t appends = x.m.appends;
		t_fresh(x.journal, sizeof x.journal, k ? "recon-none-2" : "recon-2");
		T_REQUIRE(t_env_run(&x) == 0);
		T_CHECK(x.r.ok);
		T_INTEQ(x.m.appends, appends);
		T_INTEQ(x.r.copied, 0);
		T_CHECK(x.r.found > 0);
		T_CHECK(t_exactly_once(&x.m, "INBOX", "INBOX", k == 0));
		T_INTEQ(t_rows(x.journal, JOURNAL_MSG_DONE), (long)x.r.found);
		struct memdrv_folder *d = memdrv_folder(&x.m.dst, "INBOX", 0);
		T_REQUIRE(d && d->n >= 4);
		for (size_t i = 1; i <= 3; i++) {   /* remove the 2nd, 3rd and 4th */
			free(d->v[1].data);
			memmove(&d->v[1], &d->v[2], (d->n - 2) * sizeof d->v[0]);
			d->n--;
		}
		T_REQUIRE(t_env_run(&x) == 0);
		T_CHECK(x.r.ok);
		T_INTEQ(x.r.missing, 3);
		T_INTEQ(x.m.appends, appends + 3);
		T_CHECK(t_exactly_once(&x.m, "INBOX", "INBOX", k == 0));
		memdrv_free(&x.m);
	}
}

/* The source resets a folder's UIDVALIDITY between two runs: every key is new, but the
 * messages are matched to their earlier copies, not copied again. */
static void t_rematch(void)
{
	struct t_env x;
	t_env_init(&x, "rematch", false, PLAN_UIDL_PRESERVE);
	T_REQUIRE(t_env_run(&x) == 0);
	T_CHECK(x.r.ok);
	T_INTEQ(x.r.copied, 7);
	memdrv_folder(&x.m.src, "INBOX", 0)->uidvalidity = 70;
	memdrv_folder(&x.m.src, "INBOX", 0)->v[0].flags = DRV_FLAG_FLAGGED;
	T_REQUIRE(t_env_run(&x) == 0);
	T_CHECK(x.r.ok);
	T_INTEQ(x.r.rematched, 4);
	T_INTEQ(x.r.flags_updated, 1);
	T_INTEQ(x.r.deleted_on_source, 0);
	T_CHECK(t_exactly_once(&x.m, "INBOX", "INBOX", false));
	T_CHECK(t_exactly_once(&x.m, "Work", "Work", false));
	T_INTEQ(memdrv_folder(&x.m.dst, "INBOX", 0)->v[0].flags, DRV_FLAG_FLAGGED);
	T_INTEQ(t_rows(x.journal, JOURNAL_MSG_SKIPPED), 4);
	T_INTEQ(t_rows(x.journal, JOURNAL_MSG_DONE), 7);
	memdrv_free(&x.m);
}

/* One message the source refuses (too big): only it fails, FAILED in the journal with
 * the reason; the rest of the mailbox is copied and the customer says so. The refused one
 * is in the first batch, or in the second while it is fetched ahead of the first's
 * APPEND (the fetch and append take time, and did overlap), or in the second through the
 * spool files (every message over a threshold of 1 byte). */
static void t_message_scope_fetch(void)
{
	static const struct { const char *key; unsigned ms; bool spool; } cases[] = {
		{ "UID103-21", 0, false },
		{ "UID175-525", 20, false },
		{ "UID175-525", 20, true },
	};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		struct t_env x;
		t_env_init(&x, "toobig-fetch", true, PLAN_UIDL_PRESERVE);
		x.m.fetch_toobig_key = cases[k].key;
		x.m.fetch_ms = x.m.append_ms = cases[k].ms;
		x.p.migration.spool_threshold = cases[k].spool ? 1 : 0;
		T_REQUIRE(t_env_run(&x) == 0);
		T_CHECK(!x.r.ok);
		T_INTEQ(x.r.cls, ERR_TOOBIG);
		T_INTEQ(x.r.attempts, 1);
		T_INTEQ(x.r.copied, T_POP3_N - 1);
		T_INTEQ(x.r.failed, 1);
		T_INTEQ(memdrv_folder(&x.m.dst, "INBOX", 0)->n, T_POP3_N - 1);
		T_INTEQ(t_rows(x.journal, JOURNAL_MSG_FAILED), 1);
		T_INTEQ(t_rows(x.journal, JOURNAL_MSG_DONE), T_POP3_N - 1);
		T_CHECK(strstr(x.r.error, cases[k].key) != NULL);
		T_CHECK(!cases[k].ms || x.m.overlaps > 0);
		T_INTEQ(x.m.spooled, cases[k].spool ? T_POP3_N - 1 : 0);
		/* once the source hands it over, the next run copies just that one */
		x.m.fetch_toobig_key = NULL;
		T_REQUIRE(t_env_run(&x) == 0);
		T_CHECK(x.r.ok);
		T_INTEQ(x.r.copied, 1);
		T_CHECK(t_exactly_once(&x.m, "INBOX", "INBOX", true));
		T_INTEQ(t_rows(x.journal, JOURNAL_MSG_FAILED), 0);
		memdrv_free(&x.m);
		if (t_case_failed) {
			printf("#   case %zu: overlaps %zu\n", k, x.m.overlaps);
			return;
		}
	}
}

/* The destination refuses one append on its own: the messages after it in the batch
 * are still appended. */
static void t_message_scope_append(void)
{
	struct t_env x;
	t_env_init(&x, "toobig-append", false, PLAN_UIDL_PRESERVE);
	x.m.append_toobig_at = 2;
	T_REQUIRE(t_env_run(&x) == 0);
	T_CHECK(!x.r.ok);
	T_INTEQ(x.r.failed, 1);
	T_INTEQ(x.r.copied, 6);
	T_INTEQ(memdrv_folder(&x.m.dst, "INBOX", 0)->n, 3);
	T_CHECK(t_exactly_once(&x.m, "Work", "Work", false));
	T_INTEQ(t_rows(x.journal, JOURNAL_MSG_FAILED), 1);
	memdrv_free(&x.m);
}

/* A session dropped at any of the first operations: the customer is retried and
 * completes, every message once, every session closed. */
static void t_dropped_session(void)
{
	for (size_t drop = 1; drop <= 12; drop++) {
		struct t_env x;
		t_env_init(&x, "drop", false, PLAN_UIDL_PRESERVE);
		x.m.drop_after = drop;
		T_REQUIRE(t_env_run(&x) == 0);
		T_CHECK(x.r.ok);
		T_INTEQ(x.r.attempts, 2);
		T_CHECK(t_exactly_once(&x.m, "INBOX", "INBOX", false));
		T_CHECK(t_exactly_once(&x.m, "Work", "Work", false));
		T_INTEQ(x.m.opened, x.m.closed);
		memdrv_free(&x.m);
		if (t_case_failed) {
			printf("#   dropped at operation %zu\n", drop);
			return;
		}
	}
}

/* No UIDPLUS: nothing says where a message went (UID 0), and an in-doubt one is still
 * found by its X-UIDL. */
static void t_no_uidplus(void)
{
	struct t_env x;
	t_env_init(&x, "nouidplus", true, PLAN_UIDL_PRESERVE);
	x.m.no_uidplus = true;
	x.m.append_net_at = 4;
	x.m.append_net_stored = true;
	T_REQUIRE(t_env_run(&x) == 0);
	T_CHECK(x.r.ok);
	T_CHECK(t_exactly_once(&x.m, "INBOX", "INBOX", true));
	T_REQUIRE(t_env_run(&x) == 0);
	T_INTEQ(x.r.copied, 0);
	T_INTEQ(x.r.skipped, T_POP3_N);
	T_CHECK(t_exactly_once(&x.m, "INBOX", "INBOX", true));
	memdrv_free(&x.m);
}

/* ---- overlapping the two servers ---- */

/* The source and the destination are opened at the same time; when one side refuses, the
 * customer fails with that side's reason and the other session is closed, not leaked.
 * When both refuse, the source's reason is the customer's and the destination's is logged. */
static void t_open_concurrent(void)
{
	static const struct { enum err_class src, dst; const char *says; } cases[] = {
		{ ERR_NONE, ERR_NONE, NULL },
		{ ERR_AUTH, ERR_NONE, "source refused" },
		{ ERR_NONE, ERR_AUTH, "destination refused" },
		{ ERR_AUTH, ERR_PERM, "source refused" },
	};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		struct t_env x;
		t_env_init(&x, "open", false, PLAN_UIDL_PRESERVE);
		x.m.open_ms = 100;
		x.m.open_src_fails = cases[k].src;
		x.m.open_dst_fails = cases[k].dst;
		T_REQUIRE(t_env_run(&x) == 0);
		T_INTEQ(x.m.opening_max, 2);
		T_INTEQ(x.m.opened, x.m.closed);
		if (!cases[k].says) {
			T_CHECK(x.r.ok);
			T_CHECK(t_exactly_once(&x.m, "INBOX", "INBOX", false));
		} else {
			T_CHECK(!x.r.ok);
			T_INTEQ(x.r.cls, ERR_AUTH);
			T_INTEQ(x.r.attempts, 1);
			T_INTEQ(x.m.opened, cases[k].src && cases[k].dst ? 0 : 1);
			T_CHECK(strstr(x.r.error, cases[k].says) != NULL);
			T_INTEQ(x.m.appends, 0);
		}
		if (cases[k].src && cases[k].dst) {   /* the destination's reason logged, not lost */
			T_CHECK(strstr(x.r.error, "destination") == NULL);
			T_CHECK(strstr(t_cust_logged, "warn: memdrv: destination refused the login") != NULL);
			T_CHECK(strstr(t_cust_logged, "error: failed (auth): memdrv: source refused") != NULL);
		}
		memdrv_free(&x.m);
		if (t_case_failed) {
			printf("#   case %zu: error '%s', logged:\n%s", k, x.r.error, t_cust_logged);
			return;
		}
	}
}

/* An interrupt while batch 1 is appended and batch 2 is fetched ahead: batch 1 ends DONE,
 * batch 2 is dropped with nothing of it in the journal, the customer is pending; the
 * next run copies the rest, each message once. */
static void t_interrupt_between_batches(void)
{
	struct t_env x;
	t_env_init(&x, "interrupt", true, PLAN_UIDL_PRESERVE);
	x.m.fetch_ms = 30;
	x.m.append_ms = 10;
	x.m.stop = &t_stop;
	x.m.stop_after_appends = 50;
	t_stop = 0;
	T_REQUIRE(t_env_run(&x) == 0);
	T_CHECK(!x.r.ok);
	T_CHECK(x.r.interrupted);
	T_INTEQ(x.r.copied, 50);
	T_INTEQ(t_rows(x.journal, JOURNAL_MSG_DONE), 50);
	T_INTEQ(t_rows(x.journal, JOURNAL_MSG_INTENT), 0);
	T_INTEQ(t_rows(x.journal, JOURNAL_MSG_FAILED), 0);
	T_INTEQ(memdrv_folder(&x.m.dst, "INBOX", 0)->n, 50);
	T_INTEQ(x.m.opened, x.m.closed);
	T_CHECK(x.m.overlaps > 0);   /* batch 2 was being fetched when the stop came */
	t_stop = 0;
	x.m.stop = NULL;
	T_REQUIRE(t_env_run(&x) == 0);
	T_CHECK(x.r.ok);
	T_INTEQ(x.r.copied, T_POP3_N - 50);
	T_CHECK(t_exactly_once(&x.m, "INBOX", "INBOX", true));
	T_INTEQ(t_rows(x.journal, JOURNAL_MSG_DONE), T_POP3_N);
	memdrv_free(&x.m);
}

/* ---- the old servers' caps ---- */

static double t_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* max_messages_per_hour spaces the batches: the IMAP source's two folders (4 then 3
 * messages) at 36,000/h (0.1 s a message) cannot both be appended before 0.4 s. */
static void t_rate_cap(void)
{
	struct t_env x;
	t_env_init(&x, "ratecap", false, PLAN_UIDL_NONE);
	x.p.migration.destination.max_messages_per_hour = 36000;
	double t0 = t_now();
	T_REQUIRE(t_env_run(&x) == 0);
	double took = t_now() - t0;
	T_CHECK(x.r.ok);
	T_INTEQ(x.r.copied, 7);
	T_CHECK(t_exactly_once(&x.m, "INBOX", "INBOX", false));
	if (took < 0.35)
		printf("#   the run took %.3f s\n", took);
	T_CHECK(took >= 0.35);
	memdrv_free(&x.m);
}

static char t_logged[512];

static void t_log(void *ctx, const char *customer, const char *level, const char *text)
{
	(void)ctx;
	if (!customer && strcmp(level, "warn") == 0)
		snprintf(t_logged, sizeof t_logged, "%s", text);
}

/* --workers never opens more connections than the plan's max_connections allows. */
static void t_connection_cap(void)
{
	static struct plan_customer two[2] = { { .id = "c1", .email = "c1@example.jp" },
	                                      { .id = "c2", .email = "c2@example.jp" } };
	struct t_env x;
	t_env_init(&x, "conncap", false, PLAN_UIDL_NONE);
	x.p.customers = two;
	x.p.n_customers = 2;
	x.p.migration.source.max_connections = 1;
	x.p.migration.destination.max_connections = 3;
	struct engine_drivers dv = { memdrv_open, &x.m };
	struct engine_opts o;
	struct engine_result *res = NULL;
	size_t n = 0;
	struct err e;
	memset(&o, 0, sizeof o);
	o.journal_path = x.journal;
	o.workers = 8;
	o.tick_ms = 10;
	o.drivers = &dv;
	o.log = t_log;
	t_logged[0] = '\0';
	err_clear(&e);
	T_REQUIRE(engine_run(&x.p, &o, &res, &n, &e) == 0);
	T_INTEQ(n, 2);
	T_CHECK(strstr(t_logged, "workers lowered from 8 to 1") != NULL);
	if (!strstr(t_logged, "workers lowered from 8 to 1"))
		printf("#   logged: '%s'\n", t_logged);
	engine_results_free(res, n);
	memdrv_free(&x.m);
}

int main(int argc, char **argv)
{
	const char *tmp = getenv("TMPDIR");
	t_self = argv[0];
	if (argc == 4 && strcmp(argv[1], "--crash-child") == 0)
		return t_crash_child(argv[2], argv[3]);
	snprintf(t_dir, sizeof t_dir, "%s/test_engine.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(t_dir)) {
		printf("not ok 1 - mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	T_RUN(t_crash_every_write);
	T_RUN(t_in_doubt_found);
	T_RUN(t_in_doubt_late);
	T_RUN(t_in_doubt_by_message_id);
	T_RUN(t_rematch);
	T_RUN(t_reconcile);
	T_RUN(t_message_scope_fetch);
	T_RUN(t_message_scope_append);
	T_RUN(t_dropped_session);
	T_RUN(t_no_uidplus);
	T_RUN(t_open_concurrent);
	T_RUN(t_interrupt_between_batches);
	T_RUN(t_rate_cap);
	T_RUN(t_connection_cap);
	if (!t_failed) {
		char cmd[300];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", t_dir);
		if (system(cmd) != 0)
			printf("# could not remove %s\n", t_dir);
	}
	return T_DONE();
}
