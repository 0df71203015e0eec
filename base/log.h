/* log: the operator's log of a night's run — one line per event, "TIME LEVEL WHO: TEXT",
 * the time in the plan's UTC offset (the window's, as status shows it), written to a file
 * (--log / the plan's `log:`), to syslog (--syslog), or both. The console is the command's
 * own business (it redraws progress on a TTY); this is the record that stays.
 *
 * One sink per process, opened by the command before any worker starts and closed after
 * the last one ended: drivers deep in migrate/ write their protocol trace here without a
 * pointer threaded through every layer. Between open and close it is read-only, and each
 * line is written under a mutex, so workers never interleave halves of lines.
 * Nothing logged here may hold a secret: the protocol trace is redacted at its source
 * (migrate/net/trace.c), and no other caller has a password to pass. */
#ifndef CUTOVER_LOG_H
#define CUTOVER_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "base/err.h"

/* Not LOG_INFO etc.: those are <syslog.h>'s. */
enum log_level { LOG_LV_ERROR, LOG_LV_WARN, LOG_LV_INFO, LOG_LV_DEBUG };

struct log_opts {
	const char *path;          /* NULL: no file */
	bool syslog;               /* also to syslog (facility mail, ident "cutover") */
	bool trace;                /* -v: debug lines, the protocol trace among them */
	int utc_offset;            /* seconds east of UTC of the timestamps */
	/* With trace and neither a file nor syslog: the trace goes to stderr (the console
	 * prints the other levels itself). */
	bool trace_to_stderr;
};

/* Open the sink (append to the file, created 0600: it names customers). Nothing is opened
 * when o has neither a path nor syslog; log_write then does nothing. */
int log_open(const struct log_opts *o, struct err *e);
void log_close(void);

/* Whether a line of this level goes anywhere (cheap: lets a caller skip formatting). */
bool log_wants(enum log_level lv);
/* Whether lines of every level are kept somewhere (a file or syslog), not only the
 * trace on stderr: a command then writes its progress and summary there too. */
bool log_to_file(void);
/* who: the customer id, or NULL for the run as a whole ("-" in the file). */
void log_write(enum log_level lv, const char *who, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "error", "warn", "info", "debug"; and back (-1 for an unknown word). */
const char *log_level_name(enum log_level lv);
int log_level_parse(const char *word);

/* "2008-03-01T02:00:00+09:00": t in the given offset (ISO 8601, as every report prints
 * times). size >= 32. Returns buf. */
char *log_stamp(time_t t, int utc_offset, char *buf, size_t size);
/* The offset log_open was given (0 before): the console uses the same clock as the file. */
int log_utc_offset(void);

#endif
