/* runsum: the closing summary of `run`, in text, JSON and the log. */
#include "cmd/runsum.h"

#include "cmd/jsondoc.h"

#include <string.h>

#include "base/log.h"
#include "cmd/cmd.h"
#include "cmd/jsondoc.h"
#include "cmd/runprog.h"

bool runsum_interrupted(const struct runsum_tally *t)
{
	/* Customers kept from starting only happen when the run was stopped. */
	return t->stopped || t->not_started || t->done_earlier;
}

void runsum_count(const struct engine_result *r, const bool *earlier, size_t n,
                  struct runsum_tally *t)
{
	memset(t, 0, sizeof *t);
	for (size_t i = 0; i < n; i++) {
		if (r[i].ok)
			continue;
		if (r[i].interrupted)
			t->stopped++;
		else if (!r[i].ran && earlier[i])
			t->done_earlier++;
		else if (!r[i].ran)
			t->not_started++;
		else
			t->failed++;
	}
}

void runsum_totals(const struct runsum *s, struct runsum_totals *o)
{
	memset(o, 0, sizeof *o);
	for (size_t i = 0; i < s->n; i++) {
		const struct engine_result *r = &s->r[i];
		o->done += r->ok;
		o->msgs_copied += r->copied;
		o->bytes_copied += r->bytes;
		o->msgs_there += r->skipped;
		o->bytes_there += r->skipped_bytes;
		o->msgs_failed += r->failed;
		if (r->largest > o->largest) {
			o->largest = r->largest;
			o->largest_customer = r->customer;
		}
	}
	if (s->seconds > 0) {
		o->msgs_per_s = o->msgs_copied / s->seconds;
		o->bytes_per_s = o->bytes_copied / s->seconds;
	}
}

const char *runsum_advice(enum err_class cls)
{
	switch (cls) {
	case ERR_AUTH:
		return "the server refused the login: check the password (customers CSV or password "
		       "file) or the master user, then run again for them";
	case ERR_NET:
	case ERR_TLS:
		return "a server could not be reached or its certificate was refused: check the "
		       "network, host, port and certificate, then run again for them";
	case ERR_TIMEOUT:
	case ERR_TEMP:
	case ERR_LOCKED:
	case ERR_LOGIN_DELAY:
		return "temporary: run again later for them (what was copied stays copied)";
	case ERR_QUOTA:
		return "the destination mailbox is full: raise its quota, then run again for them";
	case ERR_TOOBIG:
		return "messages over the destination's size limit: raise the limit and run again, "
		       "or leave them (cutover status --customer ID lists them)";
	case ERR_NOTFOUND:
		return "a folder or message vanished on the source during the copy: run again for them";
	default:
		return "see the error in the table above and in the log (-v adds the protocol "
		       "trace), then run again for them";
	}
}

/* ---- the failures, grouped ----------------------------------------------------- */

/* Group keys: an error class, or one of these for how a run ended without failing. */
enum { RUNSUM_G_INTERRUPTED = -1, RUNSUM_G_NOT_STARTED = -2, RUNSUM_G_NONE = -3 };

static int runsum_group_of(const struct runsum *s, size_t i)
{
	const struct engine_result *r = &s->r[i];
	if (r->ok || (!r->ran && s->earlier[i]))
		return RUNSUM_G_NONE;
	if (r->interrupted)
		return RUNSUM_G_INTERRUPTED;
	if (!r->ran)
		return RUNSUM_G_NOT_STARTED;
	return (int)r->cls;
}

static const char *runsum_group_name(int g)
{
	return g == RUNSUM_G_INTERRUPTED ? "interrupted"
	       : g == RUNSUM_G_NOT_STARTED ? "not started" : err_class_name((enum err_class)g);
}

static const char *runsum_group_advice(int g)
{
	if (g == RUNSUM_G_INTERRUPTED || g == RUNSUM_G_NOT_STARTED)
		return "run again to continue (nothing is copied twice)";
	return runsum_advice((enum err_class)g);
}

/* The distinct groups in order of first appearance; returns how many (at most cap). */
static size_t runsum_groups(const struct runsum *s, int *out, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < s->n; i++) {
		int g = runsum_group_of(s, i);
		bool seen = g == RUNSUM_G_NONE;
		for (size_t k = 0; k < n && !seen; k++)
			seen = out[k] == g;
		if (!seen && n < cap)
			out[n++] = g;
	}
	return n;
}

#define RUNSUM_GROUPS_MAX 32
#define RUNSUM_IDS_SHOWN 10

/* ---- text ------------------------------------------------------------------------ */

static void runsum_text_groups(FILE *f, const struct runsum *s)
{
	int g[RUNSUM_GROUPS_MAX];
	size_t ng = runsum_groups(s, g, RUNSUM_GROUPS_MAX);
	if (!ng)
		return;
	fprintf(f, "\nfailures by reason:\n");
	for (size_t k = 0; k < ng; k++) {
		size_t count = 0;
		char cmdline[1024];
		int len = snprintf(cmdline, sizeof cmdline, "cutover run %s", s->plan_path);
		for (size_t i = 0; i < s->n; i++)
			if (runsum_group_of(s, i) == g[k])
				count++;
		fprintf(f, "  %s, %zu customer%s:", runsum_group_name(g[k]), count, count == 1 ? "" : "s");
		for (size_t i = 0, shown = 0; i < s->n; i++) {
			if (runsum_group_of(s, i) != g[k] || shown == RUNSUM_IDS_SHOWN)
				continue;
			fprintf(f, " %s", s->r[i].customer);
			shown++;
			if (len > 0 && (size_t)len < sizeof cmdline)
				len += snprintf(cmdline + len, sizeof cmdline - (size_t)len, " --customer %s",
				                s->r[i].customer);
		}
		if (count > RUNSUM_IDS_SHOWN)
			fprintf(f, " … and %zu more", count - RUNSUM_IDS_SHOWN);
		fprintf(f, "\n    %s", runsum_group_advice(g[k]));
		/* a ready command when it names them all (else: cutover status lists them) */
		if (count <= RUNSUM_IDS_SHOWN && (size_t)len < sizeof cmdline)
			fprintf(f, ":\n    %s\n", cmdline);
		else
			fprintf(f, " (cutover status %s lists them)\n", s->plan_path);
	}
}

void runsum_text(FILE *f, const struct runsum *s)
{
	struct runsum_totals o;
	char t0[40], t1[40], hms[32], a[48], b[32], c[48], d[32];
	runsum_totals(s, &o);
	runprog_hms(s->seconds, hms, sizeof hms);
	fprintf(f, "\nrun %lld (%s phase) of plan %s\n", (long long)s->run_id, s->phase,
	        s->plan_name ? s->plan_name : "?");
	fprintf(f, "  started        %s\n", log_stamp(s->started, s->utc_offset, t0, sizeof t0));
	fprintf(f, "  ended          %s (took %s)\n", log_stamp(s->ended, s->utc_offset, t1, sizeof t1),
	        hms);
	fprintf(f, "  customers      %zu: %zu done, %zu failed, %zu interrupted, %zu not started",
	        s->n, o.done, s->t.failed, s->t.stopped, s->t.not_started);
	if (s->t.done_earlier)
		fprintf(f, ", %zu done by an earlier run", s->t.done_earlier);
	fprintf(f, "\n  copied         %s messages, %s\n", runprog_count(o.msgs_copied, false, a, sizeof a),
	        cmd_fmt_bytes(o.bytes_copied, b, sizeof b));
	fprintf(f, "  already there  %s messages, %s\n", runprog_count(o.msgs_there, false, c, sizeof c),
	        cmd_fmt_bytes(o.bytes_there, d, sizeof d));
	if (o.msgs_failed)
		fprintf(f, "  not copied     %s messages\n", runprog_count(o.msgs_failed, false, a, sizeof a));
	fprintf(f, "  rate           %.1f msg/s, %.1f MB/s\n", o.msgs_per_s, o.bytes_per_s / 1048576.0);
	if (o.largest_customer)
		fprintf(f, "  largest        %s (%s)\n", cmd_fmt_bytes(o.largest, b, sizeof b),
		        o.largest_customer);
	if (s->peak_rss)
		fprintf(f, "  peak memory    %s\n", cmd_fmt_bytes(s->peak_rss, b, sizeof b));
	if (s->log_path)
		fprintf(f, "  log            %s\n", s->log_path);
	fprintf(f, "  journal        %s (cutover status %s)\n", s->journal_path, s->plan_path);
	runsum_text_groups(f, s);
}

/* ---- JSON ------------------------------------------------------------------------ */

/* Rates and seconds to one decimal (0.3, not 0.29999999999999999). */
static json_t *runsum_time(const struct runsum *s, time_t t)
{
	char b[40];
	return json_string(log_stamp(t, s->utc_offset, b, sizeof b));
}

static json_t *runsum_json_groups(const struct runsum *s)
{
	int g[RUNSUM_GROUPS_MAX];
	size_t ng = runsum_groups(s, g, RUNSUM_GROUPS_MAX);
	json_t *arr = json_array();
	for (size_t k = 0; k < ng; k++) {
		json_t *ids = json_array();
		for (size_t i = 0; i < s->n; i++)
			if (runsum_group_of(s, i) == g[k])
				json_array_append_new(ids, json_string(s->r[i].customer));
		json_array_append_new(arr, json_pack("{s:s, s:o, s:s}", "reason", runsum_group_name(g[k]),
		                                     "customers", ids, "advice",
		                                     runsum_group_advice(g[k])));
	}
	return arr;
}

void runsum_json(json_t *root, const struct runsum *s)
{
	struct runsum_totals o;
	runsum_totals(s, &o);
	json_object_set_new(root, "plan", json_string(s->plan_name ? s->plan_name : ""));
	json_object_set_new(root, "started", runsum_time(s, s->started));
	json_object_set_new(root, "ended", runsum_time(s, s->ended));
	json_object_set_new(root, "seconds", jsondoc_real(s->seconds, 1));
	json_object_set_new(root, "log", s->log_path ? json_string(s->log_path) : json_null());
	json_object_set_new(root, "journal", json_string(s->journal_path));
	json_t *t = json_object();
	json_object_set_new(t, "customers", json_integer((json_int_t)s->n));
	json_object_set_new(t, "done", json_integer((json_int_t)o.done));
	json_object_set_new(t, "failed", json_integer((json_int_t)s->t.failed));
	json_object_set_new(t, "interrupted", json_integer((json_int_t)s->t.stopped));
	json_object_set_new(t, "not_started", json_integer((json_int_t)s->t.not_started));
	json_object_set_new(t, "done_earlier", json_integer((json_int_t)s->t.done_earlier));
	json_object_set_new(t, "messages_copied", json_integer((json_int_t)o.msgs_copied));
	json_object_set_new(t, "bytes_copied", json_integer((json_int_t)o.bytes_copied));
	json_object_set_new(t, "messages_already_there", json_integer((json_int_t)o.msgs_there));
	json_object_set_new(t, "bytes_already_there", json_integer((json_int_t)o.bytes_there));
	json_object_set_new(t, "messages_failed", json_integer((json_int_t)o.msgs_failed));
	json_object_set_new(t, "messages_per_second", jsondoc_real(o.msgs_per_s, 1));
	json_object_set_new(t, "mb_per_second", jsondoc_real(o.bytes_per_s / 1048576.0, 1));
	json_object_set_new(root, "totals", t);
	json_object_set_new(root, "largest_message",
	                    o.largest_customer ? json_pack("{s:s, s:I}", "customer", o.largest_customer,
	                                                   "bytes", (json_int_t)o.largest)
	                                       : json_null());
	json_object_set_new(root, "peak_memory_bytes",
	                    s->peak_rss ? json_integer((json_int_t)s->peak_rss) : json_null());
	json_object_set_new(root, "failures", runsum_json_groups(s));
}

/* ---- log ------------------------------------------------------------------------- */

void runsum_log(const struct runsum *s)
{
	struct runsum_totals o;
	int g[RUNSUM_GROUPS_MAX];
	char b[32], d[32], hms[32];
	if (!log_wants(LOG_LV_INFO))
		return;
	runsum_totals(s, &o);
	runprog_hms(s->seconds, hms, sizeof hms);
	log_write(LOG_LV_INFO, NULL, "run %lld (%s) ended after %s: %zu customer%s, %zu done, %zu failed, "
	          "%zu interrupted, %zu not started; %llu messages copied (%s), %llu already there (%s); "
	          "%.1f msg/s, %.1f MB/s; largest %llu bytes (%s); peak memory %llu bytes; exit %d",
	          (long long)s->run_id, s->phase, hms, s->n, s->n == 1 ? "" : "s", o.done, s->t.failed, s->t.stopped,
	          s->t.not_started, (unsigned long long)o.msgs_copied,
	          cmd_fmt_bytes(o.bytes_copied, b, sizeof b), (unsigned long long)o.msgs_there,
	          cmd_fmt_bytes(o.bytes_there, d, sizeof d), o.msgs_per_s, o.bytes_per_s / 1048576.0,
	          (unsigned long long)o.largest, o.largest_customer ? o.largest_customer : "-",
	          (unsigned long long)s->peak_rss, s->exit_code);
	size_t ng = runsum_groups(s, g, RUNSUM_GROUPS_MAX);
	for (size_t k = 0; k < ng; k++)
		for (size_t i = 0; i < s->n; i++)
			if (runsum_group_of(s, i) == g[k])
				log_write(g[k] >= 0 ? LOG_LV_ERROR : LOG_LV_WARN, s->r[i].customer, "%s: %s; %s",
				          runsum_group_name(g[k]), s->r[i].error[0] ? s->r[i].error : "-",
				          runsum_group_advice(g[k]));
}
