/* runprog: the run's live display, its plain and logged progress lines, and their numbers. */
#include "cmd/runprog.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "cmd/cmd.h"
#include "migrate/net/connreg.h"

char *runprog_count(uint64_t n, bool partial, char *buf, size_t cap)
{
	char digits[32], grouped[48];
	int len = snprintf(digits, sizeof digits, "%llu", (unsigned long long)n), k = 0;
	for (int i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			grouped[k++] = ',';
		grouped[k++] = digits[i];
	}
	grouped[k] = 0;
	snprintf(buf, cap, "%s%s", partial ? "≥" : "", grouped);
	return buf;
}

void runprog_hms(double s, char *out, size_t cap)
{
	long t = s < 0 ? 0 : (long)(s + 0.5);
	snprintf(out, cap, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
}

void runprog_view(const struct engine_progress *p, const struct runprog_inv *inv,
                  struct runprog_view *v)
{
	/* The inventory counts every customer of the run: the totals are known (mail that
	 * arrived since the dry-run can only raise them). Otherwise they are what has been
	 * listed so far, until every customer is through. */
	bool full = inv && p->customers > 0 && inv->customers >= p->customers;
	memset(v, 0, sizeof *v);
	v->msgs_total = p->msgs_listed;
	v->bytes_total = p->bytes_listed;
	if (inv && inv->customers) {
		if (inv->msgs > v->msgs_total)
			v->msgs_total = inv->msgs;
		if (inv->bytes > v->bytes_total)
			v->bytes_total = inv->bytes;
	}
	v->partial = !full && p->customers_done + p->customers_failed < p->customers;
	if (p->elapsed > 0) {
		v->msgs_per_s = p->msgs_copied / p->elapsed;
		v->bytes_per_s = p->bytes_copied / p->elapsed;
	}
	/* From the bytes still to handle at the rate bytes were copied (what was already
	 * there costs nothing): a guess before a second of copying. */
	uint64_t left = v->bytes_total > p->bytes_handled ? v->bytes_total - p->bytes_handled : 0;
	if (left == 0 && !v->partial) {
		v->eta_known = true;
	} else if (p->elapsed >= 1 && v->bytes_per_s > 0) {
		v->eta = (double)left / v->bytes_per_s;
		v->eta_known = true;
	}
}

void runprog_line(const struct engine_progress *p, const struct runprog_inv *inv, char *out,
                  size_t cap)
{
	struct runprog_view v;
	char handled[48], total[48], el[32], eta[40] = "?", bh[32], bt[40];
	runprog_view(p, inv, &v);
	runprog_hms(p->elapsed, el, sizeof el);
	if (v.eta_known) {
		char hms[32];
		runprog_hms(v.eta, hms, sizeof hms);
		snprintf(eta, sizeof eta, "%s%s", v.partial ? "≥" : "", hms);
	}
	cmd_fmt_bytes(p->bytes_handled, bh, sizeof bh);
	snprintf(bt, sizeof bt, "%s", v.partial ? "≥" : "");
	cmd_fmt_bytes(v.bytes_total, bt + strlen(bt), sizeof bt - strlen(bt));
	int pct = v.bytes_total ? (int)(100.0 * (double)p->bytes_handled / (double)v.bytes_total) : 0;
	snprintf(out, cap, "customers %zu/%zu done, %zu failed | messages %s/%s handled, %llu copied | "
	         "%s/%s (%d%%) | %.1f MB/s, %.0f msg/s | %s elapsed, ETA %s",
	         p->customers_done, p->customers, p->customers_failed,
	         runprog_count(p->msgs_handled, false, handled, sizeof handled),
	         runprog_count(v.msgs_total, v.partial, total, sizeof total),
	         (unsigned long long)p->msgs_copied, bh, bt, pct > 100 ? 100 : pct,
	         v.bytes_per_s / 1048576.0, v.msgs_per_s, el, eta);
}

void runprog_stamp(char *out, size_t cap)
{
	log_stamp(time(NULL), log_utc_offset(), out, cap);
}

static void runprog_erase(struct runprog_ui *ui)
{
	if (ui->drawn > 0)
		fprintf(ui->f, "\033[%dA\033[J", ui->drawn);
	ui->drawn = 0;
}

void runprog_log(void *ctx, const char *customer, const char *level, const char *text)
{
	struct runprog_ui *ui = ctx;
	char ts[40];
	int lv = log_level_parse(level);
	/* The log keeps every line, whatever the console shows. */
	log_write(lv < 0 ? LOG_LV_INFO : (enum log_level)lv, customer, "%s", text);
	bool important = strcmp(level, "info") != 0;
	if (ui->quiet && strcmp(level, "error") != 0)
		return;
	/* On a terminal the display shows the routine; only warnings and errors interrupt it. */
	if (ui->tty && !important && !ui->verbose)
		return;
	pthread_mutex_lock(&ui->mu);
	if (ui->tty)
		runprog_erase(ui);
	runprog_stamp(ts, sizeof ts);
	fprintf(ui->f, "%s %s %s: %s\n", ts, customer ? customer : "-", level, text);
	fflush(ui->f);
	pthread_mutex_unlock(&ui->mu);
}

/* Every 30 s in the log: what the morning shift reads to see how the night went. */
#define RUNPROG_LOG_EVERY 30
#define RUNPROG_PLAIN_EVERY 5

void runprog_tick(void *ctx, const struct engine_progress *p)
{
	struct runprog_ui *ui = ctx;
	char line[512];
	time_t now = time(NULL);
	if (*ui->stop)     /* a worker may wait on a silent server: cut it loose now */
		connreg_stop(ui->conns);
	runprog_line(p, &ui->inv, line, sizeof line);
	pthread_mutex_lock(&ui->mu);
	if (now - ui->last_log >= RUNPROG_LOG_EVERY) {
		ui->last_log = now;
		log_write(LOG_LV_INFO, NULL, "progress: %s", line);
	}
	if (ui->quiet) {
		pthread_mutex_unlock(&ui->mu);
		return;
	}
	if (ui->tty) {
		runprog_erase(ui);
		for (size_t i = 0; i < p->workers; i++) {
			const struct engine_slot *s = &p->slot[i];
			if (s->busy)
				fprintf(ui->f, "  worker %2zu  %-24.24s  message %llu/%llu\033[K\n", i + 1,
				        s->customer, (unsigned long long)s->done, (unsigned long long)s->total);
			else
				fprintf(ui->f, "  worker %2zu  idle\033[K\n", i + 1);
			ui->drawn++;
		}
		fprintf(ui->f, "  %s\033[K\n", line);
		ui->drawn++;
	} else if (now - ui->last_plain >= RUNPROG_PLAIN_EVERY) {
		char ts[40];
		ui->last_plain = now;
		runprog_stamp(ts, sizeof ts);
		fprintf(ui->f, "%s - progress: %s\n", ts, line);
	}
	fflush(ui->f);
	pthread_mutex_unlock(&ui->mu);
}

void runprog_ui_init(struct runprog_ui *ui, bool quiet, bool verbose, volatile int *stop)
{
	const char *term = getenv("TERM");
	memset(ui, 0, sizeof *ui);
	pthread_mutex_init(&ui->mu, NULL);
	ui->f = stderr;
	ui->tty = isatty(fileno(stderr)) && term && strcmp(term, "dumb") != 0;
	ui->quiet = quiet;
	ui->verbose = verbose;
	ui->stop = stop;
	ui->last_log = time(NULL);   /* the first logged progress after RUNPROG_LOG_EVERY */
}

void runprog_ui_done(struct runprog_ui *ui)
{
	if (ui->tty) {
		pthread_mutex_lock(&ui->mu);
		runprog_erase(ui);
		pthread_mutex_unlock(&ui->mu);
	}
	pthread_mutex_destroy(&ui->mu);
}
