/* log: the run's log file and syslog, timestamps in the plan's offset. */
#include "base/log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

/* The process's one sink (see log.h for why it is not passed around). */
static struct {
	pthread_mutex_t mu;
	FILE *f;
	bool syslog, trace, open;
	bool debug_only;           /* f is stderr: only the trace goes there */
	int utc_offset;
} log_sink = { PTHREAD_MUTEX_INITIALIZER, NULL, false, false, false, false, 0 };

static const char *const log_names[] = { "error", "warn", "info", "debug" };

const char *log_level_name(enum log_level lv)
{
	return lv <= LOG_LV_DEBUG ? log_names[lv] : "?";
}

int log_level_parse(const char *word)
{
	for (int i = 0; i <= LOG_LV_DEBUG; i++)
		if (strcmp(word, log_names[i]) == 0)
			return i;
	return -1;
}

char *log_stamp(time_t t, int utc_offset, char *buf, size_t size)
{
	time_t local = t + utc_offset;
	struct tm tm;
	int off = utc_offset < 0 ? -utc_offset : utc_offset;
	gmtime_r(&local, &tm);
	snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", tm.tm_year + 1900,
	         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
	         utc_offset < 0 ? '-' : '+', off / 3600, off / 60 % 60);
	return buf;
}

int log_utc_offset(void)
{
	return log_sink.utc_offset;
}

int log_open(const struct log_opts *o, struct err *e)
{
	log_close();
	log_sink.utc_offset = o->utc_offset;
	log_sink.trace = o->trace;
	if (o->path) {
		/* O_APPEND: several nights may share one file; 0600: it names every customer. */
		int fd = open(o->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		if (fd < 0)
			return err_set(e, ERR_NOINPUT, "log %s: %s", o->path, strerror(errno));
		if (!(log_sink.f = fdopen(fd, "a"))) {
			int en = errno;
			close(fd);
			return err_set(e, ERR_IO, "log %s: %s", o->path, strerror(en));
		}
	}
	if (o->syslog) {
		openlog("cutover", LOG_PID, LOG_MAIL);
		log_sink.syslog = true;
	}
	if (!o->path && !o->syslog && o->trace && o->trace_to_stderr) {
		log_sink.f = stderr;
		log_sink.debug_only = true;
	}
	log_sink.open = log_sink.f || log_sink.syslog;
	return 0;
}

void log_close(void)
{
	if (log_sink.f && log_sink.f != stderr)
		fclose(log_sink.f);
	if (log_sink.syslog)
		closelog();
	log_sink.f = NULL;
	log_sink.syslog = log_sink.open = log_sink.trace = log_sink.debug_only = false;
}

bool log_wants(enum log_level lv)
{
	if (log_sink.debug_only)
		return lv == LOG_LV_DEBUG;
	return log_sink.open && (lv != LOG_LV_DEBUG || log_sink.trace);
}

bool log_to_file(void)
{
	return log_sink.open && !log_sink.debug_only;
}

void log_write(enum log_level lv, const char *who, const char *fmt, ...)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	char text[2048], ts[40];
	va_list ap;
	if (!log_wants(lv))
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	/* One line per event, whatever the text holds (a server's words may carry a CR). */
	for (char *p = text; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	pthread_mutex_lock(&log_sink.mu);
	if (log_sink.f && (!log_sink.debug_only || lv == LOG_LV_DEBUG)) {
		fprintf(log_sink.f, "%s %-5s %s: %s\n", log_stamp(time(NULL), log_sink.utc_offset, ts,
		        sizeof ts), log_names[lv], who ? who : "-", text);
		/* Flushed per line: the file is what is left when the machine dies at 3 a.m. */
		fflush(log_sink.f);
	}
	if (log_sink.syslog)
		syslog(prio[lv], "%s: %s", who ? who : "-", text);
	pthread_mutex_unlock(&log_sink.mu);
}
