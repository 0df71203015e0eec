/* trace: the protocol trace of one connection for `-v` — the commands sent and the
 * servers' status lines, never a credential and never mail: the one place where what a
 * libetpan logger sees is redacted before it reaches the log (base/log.h, debug level).
 *
 * Redacted: the arguments of LOGIN, AUTHENTICATE, AUTH, PASS and APOP, everything libetpan
 * marks private, and every line sent after one of those until the server's final answer
 * (SASL responses, a password sent as a literal); a continuation's text ("+ …") in that
 * time. Left out: literals both ways (APPEND data, FETCH bodies), POP3 multi-line bodies,
 * untagged data lines. The drivers feed both directions as raw bytes. */
#ifndef CUTOVER_TRACE_H
#define CUTOVER_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TRACE_LINE_MAX 400
#define TRACE_PENDING_MAX 1024   /* POP3 commands sent before their replies (pipelining) */

enum trace_proto { TRACE_IMAP, TRACE_POP3 };
enum trace_dir { TRACE_SENT, TRACE_SENT_PRIVATE, TRACE_RECEIVED };

struct trace_side {
	char line[TRACE_LINE_MAX + 1];
	size_t len;
	bool overflow;
	char tail[24];            /* the last bytes of an overflowing line: a literal's {N} */
	uint64_t skip;            /* literal bytes still to pass over */
};

struct trace {
	bool on;                  /* log_wants(debug) when the connection opened */
	enum trace_proto proto;
	char who[160];            /* "source imap user@127.0.0.1:143" */
	bool secret;              /* a credential exchange is under way */
	struct trace_side out, in;
	/* POP3: whether each reply still due is multi-line, oldest first (a ring). */
	bool pending[TRACE_PENDING_MAX];
	size_t head, n_pending;
	bool in_body;             /* inside a POP3 multi-line body */
	bool lost;                /* the ring overflowed: replies no longer traced */
	/* Where lines go; NULL = base/log at debug level. Tests collect them. */
	void (*emit)(void *ctx, const char *who, const char *line);
	void *emit_ctx;
};

/* label: "source", "destination" …; user: the login name (not a secret). */
void trace_init(struct trace *t, enum trace_proto proto, const char *label, const char *user,
                const char *host, int port);
/* Bytes of one direction. */
void trace_io(struct trace *t, enum trace_dir dir, const char *buf, size_t n);
/* The same from a libetpan logger: its MAILSTREAM_LOG_TYPE_* (errors and others ignored). */
void trace_etpan(struct trace *t, int log_type, const char *buf, size_t n);

#endif
