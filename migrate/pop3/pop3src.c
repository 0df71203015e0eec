/* pop3src: the POP3 source driver (libetpan). It only reads: there is no code path
 * that sends DELE (mailpop3_dele is never called, no raw line says it), bodies are read
 * with TOP n <huge> when the server has TOP because RETR marks mail \Seen on Dovecot
 * and Courier, and close sends RSET before QUIT.
 *
 * Round trips: with PIPELINING (RFC 2449) what needs no answer in between goes in one
 * write and the replies are read in order: CAPA, STAT, LIST and UIDL after login, a
 * batch's TOPs, RSET and QUIT (whose reply nobody waits for). A refusal in a group is
 * reported with the server's words and the replies after it are read past; a reply that
 * is neither +OK nor -ERR leaves the session dead (nothing after it is trusted). Without
 * PIPELINING every command waits for the reply to the one before.
 *
 * Keys: the UIDL when the server has one. Without UIDL a key must still be known at
 * list time (to skip messages already copied), so we use TOP n 0 and key the message by
 * "sha256:" + SHA-256 over its header block and its LIST size; identical copies get
 * "-2", "-3" … in list order. This is weaker than a UIDL (a message whose headers a
 * server rewrites gets a new key), so list() leaves a warning saying so. Without TOP
 * either, the whole message is read with RETR at list time and hashed. */
#include "migrate/driver.h"

#include <fcntl.h>
#include <stdarg.h>
#include <gnutls/crypto.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/caps.h"
#include "migrate/net/connreg.h"
#include "migrate/pop3/pop3auth.h"
#include "migrate/pop3/pop3body.h"
#include "migrate/pop3/pop3list.h"
#include "migrate/pop3/pop3resp.h"
#include "migrate/pop3/pop3spool.h"
#include "migrate/net/streameof.h"
#include "migrate/net/tlsverify.h"
#include "migrate/net/trace.h"
#include "migrate/uidl/uidlstyle.h"

#define POP3SRC_WARN_MAX 16
/* TOP's line count: as many lines as any message can have. libetpan prints it with %i. */
#define POP3SRC_TOP_ALL INT_MAX

struct pop3src_entry {
	char *key;
	enum drv_key_kind kind;
	uint32_t seq;
	uint64_t size;
};

struct pop3src {
	struct src base;
	mailpop3 *f;
	struct streameof eof;        /* f's low stream reads through it: lives as long as f */
	int fd;                      /* f's socket as registered in ep.conns; -1 = none */
	struct drv_endpoint ep;      /* a copy: the caller's may go away after open */
	struct pop3auth_ctx ctx;
	bool dead;                   /* stream broken: no RSET, quick QUIT */
	bool greeted, logged_in;     /* the server said +OK to the connection, to the login */
	double last_io;              /* monotonic time of the last byte sent or received */
	bool heard;                  /* the server sent at least one byte */
	bool capa;                   /* the server answered CAPA */
	bool has_top, has_uidl, has_stls, has_pipelining;
	bool top_works;              /* TOP n <all> gave LIST's byte count at least once */
	bool top_refused;            /* a pipelined TOP n <all> was refused before that */
	bool use_retr;               /* TOP unusable: fetch with RETR (marks \Seen) */
	bool listed;
	bool listing_sent;           /* STAT and LIST went out with the CAPA after login */
	bool uidl_sent;              /* and UIDL (when CAPA before login named it) */
	bool list_failed;            /* the listing failed: list_err, not a second attempt */
	struct err list_err;
	bool uidl_in_list;           /* the UIDL command gave keys */
	struct pop3src_entry *v;     /* this session's list, in server order */
	size_t n;
	const char *style;
	MMAPString *line;            /* scratch for status lines of pipelined commands */
	struct buf body;             /* the message being read (pop3src_read_body) */
	char *warn[POP3SRC_WARN_MAX];
	size_t n_warn, next_warn;
	bool warn_dropped;
	struct trace trace;          /* -v: the redacted protocol trace */
};

static double pop3src_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void pop3src_warn(struct pop3src *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void pop3src_warn(struct pop3src *s, const char *fmt, ...)
{
	if (s->n_warn == POP3SRC_WARN_MAX) {
		s->warn_dropped = true;
		return;
	}
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	s->warn[s->n_warn] = strdup(buf);
	if (s->warn[s->n_warn])
		s->n_warn++;
}

/* libetpan reports every byte sent or received here; only the time is kept (never the
 * data, which includes credentials), so that a stream error after a long transfer can be
 * told apart: silent for the whole timeout, or cut off. */
static void pop3src_logger(mailpop3 *f, int type, const char *str, size_t size, void *ctx)
{
	struct pop3src *s = ctx;
	(void)f;
	if (type == MAILSTREAM_LOG_TYPE_DATA_RECEIVED)
		s->heard = true;
	if (type == MAILSTREAM_LOG_TYPE_DATA_RECEIVED || type == MAILSTREAM_LOG_TYPE_DATA_SENT ||
	    type == MAILSTREAM_LOG_TYPE_DATA_SENT_PRIVATE)
		s->last_io = pop3src_now();
	/* -v: the bytes go to the trace, which redacts credentials (net/trace.h). */
	trace_etpan(&s->trace, type, str, size);
}

/* Seconds the connection has been quiet, counting from the command's start at the latest. */
static double pop3src_idle(const struct pop3src *s, double t0)
{
	return pop3src_now() - (s->last_io > t0 ? s->last_io : t0);
}

/* A libetpan failure: server refusal (text in f->pop3_response) or a stream problem. */
static int pop3src_fail(struct pop3src *s, int rc, enum err_class fallback, const char *what,
                        double t0, struct err *e)
{
	if (rc == MAILPOP3_ERROR_STREAM || rc == MAILPOP3_ERROR_SSL ||
	    rc == MAILPOP3_ERROR_CONNECTION_REFUSED || rc == MAILPOP3_ERROR_MEMORY) {
		if (rc == MAILPOP3_ERROR_STREAM || rc == MAILPOP3_ERROR_SSL)
			s->dead = true;
		return pop3resp_lib_err(e, rc, what, pop3src_idle(s, t0), s->ctx.timeout);
	}
	if (s->f->pop3_response)
		return pop3resp_err(e, fallback, what, s->f->pop3_response, s->ctx.login_delay);
	return err_set(e, fallback, "%s: failed (libetpan error %d)", what, rc);
}

/* libetpan's select() aborts the process on an fd >= FD_SETSIZE; refuse before that. */
static int pop3src_fd_budget(struct err *e)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(e, ERR_TEMP, "POP3 connect: no file descriptor left");
	close(fd);
	if (fd >= CAPS_FD_LIMIT - 16)
		return err_set(e, ERR_TEMP, "POP3 connect: too many open files (next fd %d, limit %d)", fd,
		               CAPS_FD_LIMIT);
	return 0;
}

/* What a CAPA reply says (RFC 2449), from libetpan's list or a line read by us. */
static void pop3src_capa_reset(struct pop3src *s)
{
	s->capa = true;
	s->has_top = s->has_uidl = s->has_stls = s->has_pipelining = false;
}

static void pop3src_capa_word(struct pop3src *s, const char *name, const char *param)
{
	if (strcasecmp(name, "TOP") == 0)
		s->has_top = true;
	else if (strcasecmp(name, "UIDL") == 0)
		s->has_uidl = true;
	else if (strcasecmp(name, "STLS") == 0)
		s->has_stls = true;
	else if (strcasecmp(name, "PIPELINING") == 0)
		s->has_pipelining = true;
	else if (strcasecmp(name, "LOGIN-DELAY") == 0 && param)
		s->ctx.login_delay = atoi(param);
}

static int pop3src_capa(struct pop3src *s, struct err *e)
{
	clist *l = NULL;
	double t0 = pop3src_now();
	int rc = mailpop3_capa(s->f, &l);
	if (rc == MAILPOP3_ERROR_CAPA_NOT_SUPPORTED)
		return 0;     /* RFC 1939-only server (or no CAPA after login): keep what we knew */
	if (rc != MAILPOP3_NO_ERROR)
		return pop3src_fail(s, rc, ERR_PROTOCOL, "POP3 CAPA", t0, e);
	pop3src_capa_reset(s);
	for (clistiter *it = clist_begin(l); it; it = clist_next(it)) {
		struct mailpop3_capa *c = clist_content(it);
		clistiter *p = c->cap_param ? clist_begin(c->cap_param) : NULL;
		pop3src_capa_word(s, c->cap_name, p ? clist_content(p) : NULL);
	}
	mailpop3_capa_resp_free(l);
	return 0;
}

static int pop3src_connect(struct pop3src *s, struct err *e)
{
	/* ep->address may be the plan's resolve: entry (e.g. the old server's private address
	 * during the window); the certificate is still checked against ep->tls_name. */
	const struct drv_endpoint *ep = &s->ep;
	int port = ep->port;
	char what[300];
	snprintf(what, sizeof what, "POP3 connect to %s port %d", ep->host, port);
	if (pop3src_fd_budget(e) < 0)
		return -1;
	double t0 = pop3src_now();
	mailstream *st = NULL;
	if (connreg_open(ep, &st, &s->fd, e) < 0)
		return err_prefix(e, "%s: ", what);
	/* A connection dropped mid-reply must be an error, not an endless loop in libetpan's
	 * multiline readers (CAPA, LIST, UIDL, TOP, RETR): see streameof.h. */
	streameof_install(&s->eof, st);
	int rc = mailpop3_connect(s->f, st);
	/* UNAUTHORIZED is both "-ERR greeting" (e.g. [SYS/TEMP] too busy) and "no greeting
	 * at all" (closed or silent); only the first leaves a response text. */
	if (rc == MAILPOP3_ERROR_UNAUTHORIZED && !s->f->pop3_response && s->heard) {
		s->dead = true;
		return err_set(e, ERR_PROTOCOL, "%s: the greeting is neither +OK nor -ERR (not a POP3 server?)", what);
	}
	if (rc == MAILPOP3_ERROR_UNAUTHORIZED && !s->f->pop3_response)
		rc = MAILPOP3_ERROR_STREAM;
	if (rc == MAILPOP3_ERROR_UNAUTHORIZED)
		return pop3src_fail(s, rc, ERR_TEMP, what, t0, e);
	if (rc != MAILPOP3_NO_ERROR)
		return pop3src_fail(s, rc, ERR_NET, what, t0, e);
	s->greeted = true;
	if (ep->tls == DRV_TLS_IMPLICIT && tlsverify_stream(s->f->pop3_stream, ep, e) < 0)
		return -1;
	if (pop3src_capa(s, e) < 0)
		return -1;
	if (ep->tls == DRV_TLS_STARTTLS) {
		if (s->capa && !s->has_stls)
			return err_set(e, ERR_TLS, "%s: the server does not offer STLS (tls: starttls in the plan)", what);
		t0 = pop3src_now();
		rc = mailpop3_socket_starttls_with_callback(s->f, tlsverify_sni, (void *)ep);
		if (rc == MAILPOP3_ERROR_STLS_NOT_SUPPORTED)
			return pop3resp_err(e, ERR_TLS, "POP3 STLS", s->f->pop3_response, 0);
		if (rc != MAILPOP3_NO_ERROR)
			return pop3src_fail(s, rc == MAILPOP3_ERROR_STREAM ? rc : MAILPOP3_ERROR_SSL, ERR_TLS,
			                    "POP3 STLS", t0, e);
		if (tlsverify_stream(s->f->pop3_stream, ep, e) < 0)
			return -1;
		streameof_install(&s->eof, s->f->pop3_stream);   /* STLS replaced the low stream */
		/* What the server offered before TLS may differ (RFC 2595): ask again. */
		if (pop3src_capa(s, e) < 0)
			return -1;
	}
	return 0;
}

static int pop3src_after_login(struct pop3src *s, struct err *e);
static int pop3src_send(struct pop3src *s, const char *cmd, const char *what, struct err *e);
static int pop3src_status(struct pop3src *s, const char *cmd, const char *what, enum err_class refused,
                          const char **text, struct err *e);

/* The message table libetpan keeps (ours: pop3src_give_etpan), freed as mailpop3_quit
 * would. */
static void pop3src_free_tab(mailpop3 *f)
{
	carray *tab = f->pop3_msg_tab;
	for (unsigned i = 0; tab && i < carray_count(tab); i++) {
		struct mailpop3_msg_info *m = carray_get(tab, i);
		if (m)
			free(m->msg_uidl);
		free(m);
	}
	if (tab)
		carray_free(tab);
	f->pop3_msg_tab = NULL;
}

/* RSET (belt and braces: we never DELE) and QUIT: in one write when the server
 * pipelines, else after RSET's reply; before login QUIT alone, before a greeting nothing.
 * QUIT's reply is not waited for: nothing was deleted, so there is nothing for the server
 * to commit or to tell us (RFC 1939: a session that ends without it deletes nothing
 * either), and the customer is done one round trip sooner. The connection is closed as
 * mailpop3_quit would close it. */
static void pop3src_goodbye(struct pop3src *s)
{
	struct err ignore = {0};
	const char *text;
	if (s->logged_in && s->has_pipelining)
		pop3src_send(s, "RSET\r\nQUIT\r\n", "POP3 QUIT", &ignore);
	else if (s->logged_in && pop3src_status(s, "RSET\r\n", "POP3 RSET", ERR_PROTOCOL, &text, &ignore) >= 0)
		pop3src_send(s, "QUIT\r\n", "POP3 QUIT", &ignore);
	else if (s->greeted && !s->logged_in)
		pop3src_send(s, "QUIT\r\n", "POP3 QUIT", &ignore);
	mailstream_close(s->f->pop3_stream);
	s->f->pop3_stream = NULL;
	free(s->f->pop3_timestamp);
	s->f->pop3_timestamp = NULL;
	pop3src_free_tab(s->f);
}

static void pop3src_free(struct pop3src *s)
{
	if (!s)
		return;
	if (s->f) {
		if (s->f->pop3_stream && !s->eof.closed) {   /* nobody left to say QUIT to */
			if (s->dead) {   /* do not wait a whole timeout again for a silent server */
				mailstream_low_set_timeout(mailstream_get_low(s->f->pop3_stream), 1);
				mailpop3_quit(s->f);
			} else {
				pop3src_goodbye(s);
			}
		}
		connreg_release(s->ep.conns, s->fd);
		mailpop3_free(s->f);
	}
	if (s->line)
		mmap_string_free(s->line);
	buf_release(&s->body);
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].key);
	free(s->v);
	for (size_t i = 0; i < s->n_warn; i++)
		free(s->warn[i]);
	free(s);
}

static int pop3src_open(struct src **out, const struct drv_endpoint *ep,
                        const struct drv_login *login, struct err *e)
{
	*out = NULL;
	if (ep->proto != DRV_PROTO_POP3)
		return err_set(e, ERR_INTERNAL, "pop3 driver used for a non-POP3 endpoint");
	struct pop3src *s = calloc(1, sizeof *s);
	if (!s || !(s->f = mailpop3_new(0, NULL)) || !(s->line = mmap_string_new(""))) {
		if (s && s->f)
			mailpop3_free(s->f);
		free(s);
		return err_set(e, ERR_NOMEM, "POP3: out of memory");
	}
	s->base.ops = &pop3src_ops;
	/* room for the largest message pop3src_check lets through and the line break a
	 * server adds to a message that has none */
	buf_init(&s->body, CAPS_MESSAGE_MAX + CAPS_LINE_MAX);
	s->ep = *ep;
	s->fd = -1;
	s->ctx.timeout = ep->timeout_seconds;
	/* libetpan applies the timeout when the socket is opened: set it before connecting. */
	mailpop3_set_timeout(s->f, s->ctx.timeout);
	trace_init(&s->trace, TRACE_POP3, ep->label, login ? login->user : NULL, ep->host, ep->port);
	mailpop3_set_logger(s->f, pop3src_logger, s);
	if (pop3src_connect(s, e) < 0 || pop3auth_login(s->f, ep->auth, login, &s->ctx, e) < 0) {
		if (e->cls == ERR_NET || e->cls == ERR_TIMEOUT)
			s->dead = true;
		pop3src_free(s);
		return -1;
	}
	s->logged_in = true;
	if (pop3src_after_login(s, e) < 0) {
		pop3src_free(s);
		return -1;
	}
	*out = &s->base;
	return 0;
}

static unsigned pop3src_caps(struct src *src)
{
	struct pop3src *s = (struct pop3src *)src;
	return (s->listed ? s->uidl_in_list : s->has_uidl) ? DRV_SRC_UIDL : 0;
}

static void pop3src_hex(const unsigned char *d, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* "sha256:<hex>" over the header block (TOP n 0) and the LIST size; RETR when no TOP.
 * This reads through libetpan on purpose: these keys are in journals already, and
 * libetpan's reader is what made them (a NUL in a header cuts that line), so the same
 * mailbox must keep giving the same keys. Message bytes go through pop3src_read_body. */
static char *pop3src_digest_key(struct pop3src *s, uint32_t seq, uint64_t size, struct err *e)
{
	char *data = NULL;
	size_t len = 0;
	double t0 = pop3src_now();
	int rc = MAILPOP3_ERROR_NO_SUCH_MESSAGE;
	if (!s->use_retr) {
		rc = mailpop3_top(s->f, seq, 0, &data, &len);
		if (rc == MAILPOP3_ERROR_NO_SUCH_MESSAGE && s->f->pop3_response && !s->top_works) {
			s->use_retr = true;
			pop3src_warn(s, "the server has neither UIDL nor TOP: listing reads every message with RETR, "
			                "which may mark them read on the old server");
		}
	}
	if (s->use_retr) {
		t0 = pop3src_now();
		rc = mailpop3_retr(s->f, seq, &data, &len);
	}
	if (rc != MAILPOP3_NO_ERROR) {
		pop3src_fail(s, rc, ERR_NOTFOUND, "POP3 TOP/RETR for a message key", t0, e);
		return NULL;
	}
	gnutls_hash_hd_t h;
	unsigned char md[32];
	char sz[32];
	int n = snprintf(sz, sizeof sz, "\n%llu", (unsigned long long)size);
	if (gnutls_hash_init(&h, GNUTLS_DIG_SHA256) < 0) {
		mailpop3_top_free(data);
		err_set(e, ERR_NOMEM, "SHA-256: cannot start");
		return NULL;
	}
	gnutls_hash(h, data, len);
	gnutls_hash(h, sz, (size_t)n);
	gnutls_hash_deinit(h, md);
	mailpop3_top_free(data);
	char *key = malloc(7 + 64 + 1 + 12);
	if (!key) {
		err_set(e, ERR_NOMEM, "POP3 list: out of memory");
		return NULL;
	}
	memcpy(key, "sha256:", 7);
	pop3src_hex(md, 32, key + 7);
	return key;
}

static int pop3src_cmp_key(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Duplicate UIDLs are legal (RFC 1939: a hash of the content may repeat) but two
 * messages then share one journal key; count them so the operator hears of it. */
static size_t pop3src_duplicates(struct pop3src *s)
{
	if (s->n < 2)
		return 0;
	char **k = malloc(s->n * sizeof *k);
	if (!k)
		return 0;
	for (size_t i = 0; i < s->n; i++)
		k[i] = s->v[i].key;
	qsort(k, s->n, sizeof *k, pop3src_cmp_key);
	size_t d = 0;
	for (size_t i = 1; i < s->n; i++)
		if (strcmp(k[i], k[i - 1]) == 0)
			d++;
	free(k);
	return d;
}

/* Make content keys unique in list order: the second identical message gets "-2". */
static void pop3src_number_digests(struct pop3src *s)
{
	for (size_t i = 0; i < s->n; i++) {
		if (s->v[i].kind != DRV_KEY_DIGEST)
			continue;
		unsigned same = 1;
		for (size_t j = 0; j < i; j++)
			if (s->v[j].kind == DRV_KEY_DIGEST && strncmp(s->v[j].key, s->v[i].key, 71) == 0)
				same++;
		if (same > 1)
			snprintf(s->v[i].key + 71, 13, "-%u", same);
	}
}

/* Write cmd (one command or a pipelined group, CRLF-ended) and send it at once. */
static int pop3src_send(struct pop3src *s, const char *cmd, const char *what, struct err *e)
{
	double t0 = pop3src_now();
	if (mailstream_write(s->f->pop3_stream, cmd, strlen(cmd)) < 0 || mailstream_flush(s->f->pop3_stream) < 0) {
		s->dead = true;
		return pop3resp_lib_err(e, MAILPOP3_ERROR_STREAM, what, pop3src_idle(s, t0), s->ctx.timeout);
	}
	return 0;
}

/* Read the status line of the next reply. 1 = +OK (text after it in *text), 0 = -ERR (e
 * set from the server's words, class `refused` unless they carry a code), -1 = broken
 * stream or a line that is neither (e set; the session is out of step: dead). */
static int pop3src_reply(struct pop3src *s, const char *what, enum err_class refused, const char **text,
                         struct err *e)
{
	double t0 = pop3src_now();
	const char *l = mailstream_read_line_remove_eol(s->f->pop3_stream, s->line);
	if (!l) {
		s->dead = true;
		return pop3resp_lib_err(e, MAILPOP3_ERROR_STREAM, what, pop3src_idle(s, t0), s->ctx.timeout);
	}
	if (strncmp(l, "+OK", 3) == 0) {
		*text = l + 3;
		return 1;
	}
	if (strncmp(l, "-ERR", 4) == 0) {
		pop3resp_err(e, refused, what, l[4] == ' ' ? l + 5 : l + 4, s->ctx.login_delay);
		return 0;
	}
	s->dead = true;    /* out of step with the server: no RSET on this session */
	err_set(e, ERR_PROTOCOL, "%s: the server answered neither +OK nor -ERR", what);
	err_server(e, l);
	return -1;
}

/* Send cmd and read its status line: pop3src_reply's answers. */
static int pop3src_status(struct pop3src *s, const char *cmd, const char *what, enum err_class refused,
                          const char **text, struct err *e)
{
	if (pop3src_send(s, cmd, what, e) < 0)
		return -1;
	return pop3src_reply(s, what, refused, text, e);
}

/* The body of a multi-line reply after its +OK, byte for byte (pop3body.h), into
 * s->body, or into the spool sp through w when sp is not NULL (pop3spool_finish is the
 * caller's). A stream that fails or a reply too long to hold leaves the session out of
 * step: it is marked dead. */
static int pop3src_read_body(struct pop3src *s, const char *what, double t0, struct spool *sp,
                             struct pop3spool *w, struct err *e)
{
	buf_reset(&s->body);
	struct pop3body_sink sink = sp ? pop3spool_sink(w, sp) : pop3body_buf_sink(&s->body);
	enum pop3body_rc rc = pop3body_read(s->f->pop3_stream, &sink);
	if (rc == POP3BODY_OK)
		return 0;
	s->dead = true;
	if (rc == POP3BODY_SINK && sp) {
		*e = w->err;
		return err_prefix(e, "%s: ", what);
	}
	if (rc == POP3BODY_SINK)
		return err_set(e, ERR_PROTOCOL, "%s: the reply is longer than the %zu bytes this tool holds "
		               "(or memory ran out)", what, s->body.cap);
	return pop3resp_lib_err(e, MAILPOP3_ERROR_STREAM, what, pop3src_idle(s, t0), s->ctx.timeout);
}

/* Send cmd (TOP, RETR) and read its reply into s->body (or sp, see pop3src_read_body).
 * 1 = +OK, 0 = -ERR (e set from the server's words, class ERR_NOTFOUND unless they carry
 * a code), -1 = session lost. */
static int pop3src_multiline(struct pop3src *s, const char *cmd, const char *what, struct spool *sp,
                             struct pop3spool *w, struct err *e)
{
	const char *text;
	double t0 = pop3src_now();
	int r = pop3src_status(s, cmd, what, ERR_NOTFOUND, &text, e);
	if (r <= 0)
		return r;
	return pop3src_read_body(s, what, t0, sp, w, e) < 0 ? -1 : 1;
}

/* The next line of a multiline reply, dot-unstuffed, in *line: 1, or 0 at the final ".",
 * or -1 when the stream fails (the session is dead). */
static int pop3src_line(struct pop3src *s, const char *what, const char **line, struct err *e)
{
	double t0 = pop3src_now();
	const char *l = mailstream_read_line_remove_eol(s->f->pop3_stream, s->line);
	if (!l) {
		s->dead = true;
		return pop3resp_lib_err(e, MAILPOP3_ERROR_STREAM, what, pop3src_idle(s, t0), s->ctx.timeout);
	}
	if (strcmp(l, ".") == 0)
		return 0;
	*line = l[0] == '.' ? l + 1 : l;
	return 1;
}

/* The lines of a multiline reply up to ".", each handed to add() (NULL: read past them).
 * After a line add() refuses the session is out of step: it is marked dead. */
static int pop3src_lines(struct pop3src *s, struct pop3list *l, const char *what,
                         int (*add)(struct pop3list *, const char *, struct err *), struct err *e)
{
	const char *line;
	int r;
	while ((r = pop3src_line(s, what, &line, e)) > 0) {
		if (add && add(l, line, e) < 0) {
			s->dead = true;
			return -1;
		}
	}
	return r;
}

/* Read past the replies of n pipelined LIST/UIDL commands after one of their group
 * failed, so that the session stays in step with the server. */
static void pop3src_skip_replies(struct pop3src *s, int n)
{
	for (int i = 0; i < n && !s->dead; i++) {
		struct err ignore = {0};
		const char *text;
		if (pop3src_reply(s, "POP3 LIST", ERR_PROTOCOL, &text, &ignore) > 0)
			pop3src_lines(s, NULL, "POP3 LIST", NULL, &ignore);
	}
}

/* The CAPA reply of a pipelined group (pop3src_after_login), read by us: libetpan's
 * mailpop3_capa would send its own CAPA. A -ERR keeps what we knew, as pop3src_capa. */
static int pop3src_capa_read(struct pop3src *s, struct err *e)
{
	const char *text, *line;
	struct err refused = {0};
	int r = pop3src_reply(s, "POP3 CAPA", ERR_PROTOCOL, &text, &refused);
	if (r <= 0) {
		if (r < 0)
			*e = refused;
		return r;
	}
	pop3src_capa_reset(s);
	while ((r = pop3src_line(s, "POP3 CAPA", &line, e)) > 0) {
		char name[64];
		size_t n = strcspn(line, " \t");
		const char *param = line + n + strspn(line + n, " \t");
		snprintf(name, sizeof name, "%.*s", (int)(n < sizeof name ? n : sizeof name - 1), line);
		pop3src_capa_word(s, name, *param ? param : NULL);
	}
	return r;
}

/* STAT, LIST and UIDL, parsed here (pop3list.h says why not by libetpan). A -ERR to
 * UIDL means the server has none. Stream failures are all named "POP3 LIST". What
 * pop3src_after_login pipelined is not sent again, only its replies are read; after a
 * refusal the replies still to come are read past. */
static int pop3src_read_listing(struct pop3src *s, struct pop3list *l, struct err *e)
{
	const bool sent = s->listing_sent, sent_uidl = s->uidl_sent;
	s->listing_sent = s->uidl_sent = false;
	const char *text;
	uint32_t count;
	uint64_t size;
	int r = sent ? pop3src_reply(s, "POP3 LIST", ERR_PROTOCOL, &text, e)
	             : pop3src_status(s, "STAT\r\n", "POP3 LIST", ERR_PROTOCOL, &text, e);
	if (r == 0 && sent)
		pop3src_skip_replies(s, 1 + sent_uidl);
	if (r <= 0)
		return -1;
	if (pop3list_stat(text, &count, &size, e) < 0) {
		s->dead = true;
		return -1;
	}
	r = sent ? pop3src_reply(s, "POP3 LIST", ERR_PROTOCOL, &text, e)
	         : pop3src_status(s, "LIST\r\n", "POP3 LIST", ERR_PROTOCOL, &text, e);
	if (r == 0 && sent_uidl)
		pop3src_skip_replies(s, 1);
	if (r <= 0 || pop3src_lines(s, l, "POP3 LIST", pop3list_add, e) < 0)
		return -1;
	if (pop3list_check_stat(l, count, size, e) < 0) {
		if (sent_uidl)
			pop3src_skip_replies(s, 1);
		return -1;
	}
	struct err refused = {0};     /* a -ERR to UIDL: no UIDLs, keys by digest */
	r = sent_uidl ? pop3src_reply(s, "POP3 LIST", ERR_PROTOCOL, &text, &refused)
	         : pop3src_status(s, "UIDL\r\n", "POP3 LIST", ERR_PROTOCOL, &text, &refused);
	if (r <= 0) {
		if (r < 0)
			*e = refused;
		return r;
	}
	return pop3src_lines(s, l, "POP3 LIST", pop3list_uidl, e);
}

/* Forget a listing that failed half way (a later call may try again): our entries and
 * the table handed to libetpan. */
static void pop3src_unload(struct pop3src *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].key);
	free(s->v);
	s->v = NULL;
	s->n = 0;
	pop3src_free_tab(s->f);
}

/* Hand libetpan the checked listing (its own malloc'd structures, which mailpop3_free
 * frees), so mailpop3_top/retr find their messages without sending LIST themselves. */
static int pop3src_give_etpan(struct pop3src *s, const struct pop3list *l, struct err *e)
{
	carray *tab = carray_new(l->n ? (unsigned)l->n : 1);
	if (!tab)
		return err_set(e, ERR_NOMEM, "POP3 LIST: out of memory");
	for (size_t i = 0; i < l->n; i++) {
		struct mailpop3_msg_info *m = calloc(1, sizeof *m);
		if (m && l->v[i].uidl && !(m->msg_uidl = strdup(l->v[i].uidl))) {
			free(m);
			m = NULL;
		}
		if (m) {
			m->msg_index = l->v[i].seq;
			m->msg_size = (uint32_t)l->v[i].size;
		}
		if (!m || carray_add(tab, m, NULL) < 0) {
			if (m) {
				free(m->msg_uidl);
				free(m);
			}
			s->f->pop3_msg_tab = tab;      /* mailpop3_free frees what is there */
			return err_set(e, ERR_NOMEM, "POP3 LIST: out of memory");
		}
	}
	s->f->pop3_msg_tab = tab;
	return 0;
}

/* This session's keys: the UIDLs when the server gave one for every message, else a
 * digest of each message's header (pop3src_digest_key). */
static int pop3src_keys(struct pop3src *s, const struct pop3list *l, struct err *e)
{
	s->v = calloc(l->n ? l->n : 1, sizeof *s->v);
	if (!s->v)
		return err_set(e, ERR_NOMEM, "POP3 LIST: out of memory");
	s->uidl_in_list = l->n > 0 && l->uidls == l->n;
	if (l->uidls > 0 && l->uidls < l->n)
		pop3src_warn(s, "the server gave UIDLs for only %zu of %zu messages; the others are keyed by "
		             "header digest", l->uidls, l->n);
	if (l->n > 0 && l->uidls == 0)
		pop3src_warn(s, "the server has no UIDL: messages are keyed by a SHA-256 of their header and "
		             "size, clients will download everything again after the move");
	for (size_t i = 0; i < l->n; i++) {
		struct pop3src_entry *x = &s->v[s->n];
		x->seq = l->v[i].seq;
		x->size = l->v[i].size;
		x->key = l->v[i].uidl ? strdup(l->v[i].uidl) : pop3src_digest_key(s, x->seq, x->size, e);
		x->kind = l->v[i].uidl ? DRV_KEY_UIDL : DRV_KEY_DIGEST;
		if (!x->key) {
			if (!err_is_set(e))
				err_set(e, ERR_NOMEM, "POP3 list: out of memory");
			return -1;
		}
		s->n++;
	}
	return 0;
}

static int pop3src_load(struct pop3src *s, struct err *e)
{
	if (s->listed)
		return 0;
	if (s->list_failed) {    /* the session is past a failed listing: same answer */
		*e = s->list_err;
		return -1;
	}
	struct pop3list l = {0};
	int rc = pop3src_read_listing(s, &l, e);
	if (rc == 0 && s->eof.closed) {
		s->dead = true;
		rc = pop3resp_lib_err(e, MAILPOP3_ERROR_STREAM, "POP3 LIST", 0, s->ctx.timeout);
	}
	if (rc == 0)
		rc = pop3src_give_etpan(s, &l, e);
	if (rc == 0)
		rc = pop3src_keys(s, &l, e);
	pop3list_free(&l);
	if (rc < 0) {
		pop3src_unload(s);
		s->list_failed = true;
		s->list_err = *e;
		return -1;
	}
	pop3src_number_digests(s);
	size_t dups = pop3src_duplicates(s);
	if (dups)
		pop3src_warn(s, "%zu messages share a UIDL with an earlier one; they have the same key", dups);
	if (s->uidl_in_list) {
		const char **u = malloc(s->n * sizeof *u);
		if (!u)
			return err_set(e, ERR_NOMEM, "POP3 list: out of memory");
		for (size_t i = 0; i < s->n; i++)
			u[i] = s->v[i].key;
		s->style = uidlstyle_guess(u, s->n);
		free(u);
	} else {
		s->style = s->n ? "none" : "unknown";
	}
	s->listed = true;
	return 0;
}

/* After login the server may say more (RFC 2449: capabilities may change, LOGIN-DELAY
 * per user): CAPA again. With PIPELINING the listing goes out with it, and the replies
 * are read in order: one round trip instead of four. UIDL joins them only when the
 * server named it: one it did not name goes alone, after (a refusal or an oddity of an
 * unadvertised command stays out of the group). A listing that fails here is kept for
 * list() to report, as when it is asked for later. */
static int pop3src_after_login(struct pop3src *s, struct err *e)
{
	struct err ignore = {0};
	if (!s->has_pipelining) {
		if (pop3src_capa(s, &ignore) < 0 && s->dead) {
			*e = ignore;
			return -1;
		}
		return 0;
	}
	s->uidl_sent = s->has_uidl;
	if (pop3src_send(s, s->uidl_sent ? "CAPA\r\nSTAT\r\nLIST\r\nUIDL\r\n" : "CAPA\r\nSTAT\r\nLIST\r\n",
	                 "POP3 CAPA", e) < 0)
		return -1;
	s->listing_sent = true;
	if (pop3src_capa_read(s, &ignore) < 0) {
		*e = ignore;
		return -1;
	}
	struct err later = {0};
	(void)pop3src_load(s, &later);
	return 0;
}

static int pop3src_list(struct src *src, struct drv_msg_list *out, struct err *e)
{
	struct pop3src *s = (struct pop3src *)src;
	out->v = NULL;
	out->n = 0;
	if (pop3src_load(s, e) < 0)
		return -1;
	out->v = calloc(s->n ? s->n : 1, sizeof *out->v);
	if (!out->v)
		return err_set(e, ERR_NOMEM, "POP3 list: out of memory");
	for (size_t i = 0; i < s->n; i++) {
		struct drv_msg *m = &out->v[i];
		m->key = strdup(s->v[i].key);
		if (!m->key) {
			drv_msg_list_free(out);
			return err_set(e, ERR_NOMEM, "POP3 list: out of memory");
		}
		out->n++;
		m->kind = s->v[i].kind;
		m->seq = s->v[i].seq;
		m->size = s->v[i].size;
	}
	return 0;
}

static const char *pop3src_uidl_style(struct src *src)
{
	struct pop3src *s = (struct pop3src *)src;
	struct err ignore = {0};
	if (!s->listed && pop3src_load(s, &ignore) < 0)
		return "unknown";
	return s->style;
}

static int pop3src_folders(struct src *src, struct drv_folder **out, size_t *n, struct err *e)
{
	*n = 0;
	*out = calloc(1, sizeof **out);
	if (!*out || !((*out)->name = strdup("INBOX"))) {
		free(*out);
		*out = NULL;
		return err_set(e, ERR_NOMEM, "POP3 folders: out of memory");
	}
	(*out)->delim = '/';
	(*out)->subscribed = true;
	*n = 1;
	return 0;
}

static int pop3src_select(struct src *src, const char *folder, uint32_t *uidvalidity, struct err *e)
{
	if (strcasecmp(folder, "INBOX") != 0)
		return err_set(e, ERR_NOTFOUND, "POP3 has only INBOX, not \"%s\"", folder);
	if (uidvalidity)
		*uidvalidity = 0;
	return 0;
}

/* This session's entry for m: by number if the key still matches, else by key (the
 * list may come from an earlier session, and numbers shift when mail is deleted). */
static const struct pop3src_entry *pop3src_find(struct pop3src *s, const struct drv_msg *m)
{
	if (m->seq >= 1 && m->seq <= s->n && s->v[m->seq - 1].seq == m->seq &&
	    strcmp(s->v[m->seq - 1].key, m->key) == 0)
		return &s->v[m->seq - 1];
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].key, m->key) == 0)
			return &s->v[i];
	return NULL;
}

/* A message that does not end in a line break is sent with one added before the final
 * "." (RFC 1939 needs the terminator on its own line); LIST counts without it. Drop those
 * bytes (CRLF, or LF from a bare-LF server) so the copy is the stored message, byte for
 * byte. */
static size_t pop3src_added(const struct pop3src_entry *x, uint64_t len, const char *last2)
{
	if (len == x->size + 2 && last2[0] == '\r' && last2[1] == '\n')
		return 2;
	if (len == x->size + 1 && last2[0] != '\r' && last2[1] == '\n')
		return 1;
	return 0;
}

static size_t pop3src_trim(const struct pop3src_entry *x, const char *data, size_t len)
{
	return len >= 2 ? len - pop3src_added(x, len, data + len - 2) : len;
}

/* s->body trimmed as above; its length is what the caller hands on. */
static size_t pop3src_trim_body(struct pop3src *s, const struct pop3src_entry *x)
{
	s->body.len = pop3src_trim(x, s->body.data, s->body.len);
	if (s->body.data)
		s->body.data[s->body.len] = '\0';
	return s->body.len;
}

/* Send cmd (TOP n <all>, RETR) for x and read the message, trimmed as above, into s->body
 * or, when sp is not NULL, into sp (a second reading, RETR after TOP, starts a fresh
 * file); its length in *len. 1/0/-1 as pop3src_multiline. */
static int pop3src_message(struct pop3src *s, const struct pop3src_entry *x, const char *cmd,
                           const char *what, struct spool *sp, uint64_t *len, struct err *e)
{
	if (!sp) {
		int r = pop3src_multiline(s, cmd, what, NULL, NULL, e);
		if (r > 0)
			*len = pop3src_trim_body(s, x);
		return r;
	}
	if (sp->len > 0) {
		const char *dir = sp->dir;
		spool_close(sp);
		if (spool_open(sp, dir, e) < 0)
			return -1;
	}
	struct pop3spool w;
	int r = pop3src_multiline(s, cmd, what, sp, &w, e);
	if (r <= 0)
		return r;
	if (pop3spool_finish(&w, w.ntail == 2 ? pop3src_added(x, w.len, w.tail) : 0, e) < 0)
		return -1;
	*len = w.len;
	return 1;
}

/* The message's bytes as the server sends them, into s->body (or the spool sp). Prefer
 * TOP n <all lines>: unlike RETR it leaves \Seen alone on Dovecot/Courier. Whenever TOP's
 * length differs from LIST's, the message is read again with RETR: the same bytes mean
 * LIST is off (warn, keep TOP); other bytes mean TOP is not trustworthy on this server
 * (use RETR from now on). */
static int pop3src_body(struct pop3src *s, const struct pop3src_entry *x, struct spool *sp,
                        struct err *e)
{
	char what[64], cmd[64];
	uint64_t len = 0;
	int r;
	if (!s->use_retr) {
		snprintf(what, sizeof what, "POP3 TOP %u", x->seq);
		snprintf(cmd, sizeof cmd, "TOP %u %d\r\n", x->seq, POP3SRC_TOP_ALL);
		r = pop3src_message(s, x, cmd, what, sp, &len, e);
		if (r == 0 && !s->top_works && !s->has_top) {
			s->use_retr = true;
			pop3src_warn(s, "the server refused TOP (%.200s): fetching with RETR, which may mark messages "
			                "read on the old server", e->server);
			err_clear(e);
		} else if (r <= 0) {
			return -1;
		} else if (len == x->size) {
			s->top_works = true;
			return 0;
		} else {
			/* Either LIST is wrong or TOP cut the message short: RETR decides. */
			uint64_t top_len = len;
			snprintf(what, sizeof what, "POP3 RETR %u", x->seq);
			snprintf(cmd, sizeof cmd, "RETR %u\r\n", x->seq);
			if (pop3src_message(s, x, cmd, what, sp, &len, e) <= 0)
				return -1;
			if (len == top_len) {
				/* The server's own sizes are off; TOP is as good as RETR. */
				s->top_works = true;
				pop3src_warn(s, "message %u: LIST says %llu bytes, the server sent %llu", x->seq,
				             (unsigned long long)x->size, (unsigned long long)len);
			} else {
				s->use_retr = true;
				pop3src_warn(s, "TOP returned %llu bytes where LIST and RETR say %llu: fetching with "
				                "RETR, which may mark messages read on the old server",
				             (unsigned long long)top_len, (unsigned long long)x->size);
			}
			return 0;
		}
	}
	snprintf(what, sizeof what, "POP3 RETR %u", x->seq);
	snprintf(cmd, sizeof cmd, "RETR %u\r\n", x->seq);
	return pop3src_message(s, x, cmd, what, sp, &len, e) <= 0 ? -1 : 0;
}

/* Hand s->body to cb; a buffer grown for a big message is given back after it. */
static int pop3src_deliver(struct pop3src *s, const struct drv_msg *m, drv_fetch_cb cb, void *cbctx,
                           struct err *e)
{
	int rc = cb(cbctx, m, s->body.data ? s->body.data : "", s->body.len, e);
	if (s->body.alloc > CAPS_BATCH_BYTES)
		buf_release(&s->body);
	return rc;
}

/* The entry for msgs[i], or -1 with a message-scope error. */
static const struct pop3src_entry *pop3src_check(struct pop3src *s, const struct drv_msg *m, uint64_t max,
                                                 struct err *e)
{
	const struct pop3src_entry *x = pop3src_find(s, m);
	if (!x)
		err_set(e, ERR_NOTFOUND, "POP3: message %s is no longer on the server", m->key);
	else if (x->size > max)
		err_set(e, ERR_TOOBIG, "POP3: message %s has %llu bytes, more than the %llu this tool holds",
		        m->key, (unsigned long long)x->size, (unsigned long long)max);
	else
		return x;
	e->scope = ERR_SCOPE_MESSAGE;
	return NULL;
}

/* Read one pipelined TOP reply: its status line, then the body into s->body
 * (pop3src_read_body). 1 = +OK, 0 = -ERR (text in resp), -1 = session lost (e set). */
static int pop3src_read_top(struct pop3src *s, const char *what, char *resp, size_t cap, struct err *e)
{
	double t0 = pop3src_now();
	const char *l = mailstream_read_line_remove_eol(s->f->pop3_stream, s->line);
	if (!l) {
		s->dead = true;
		return pop3resp_lib_err(e, MAILPOP3_ERROR_STREAM, what, pop3src_idle(s, t0), s->ctx.timeout);
	}
	if (strncmp(l, "+OK", 3) != 0) {
		snprintf(resp, cap, "%s", strncmp(l, "-ERR ", 5) == 0 ? l + 5 : l);
		return 0;
	}
	return pop3src_read_body(s, what, t0, NULL, NULL, e) < 0 ? -1 : 1;
}

/* RFC 2449 PIPELINING: send the TOP commands of a whole batch at once, then read the
 * replies in order, handing each to cb and freeing it before reading the next. On a
 * round trip of 10 ms this is the difference between ~65 and thousands of msg/s.
 * lines = POP3SRC_TOP_ALL for whole messages (checked against LIST), 0 for headers. */
static int pop3src_fetch_pipelined(struct pop3src *s, const struct drv_msg *const *msgs,
                                   const struct pop3src_entry *const *x, size_t n, int lines,
                                   drv_fetch_cb cb, void *cbctx, size_t *delivered, struct err *e)
{
	*delivered = 0;
	bool stop = false;        /* a reply needs a second look: deliver nothing after it */
	char cmd[64];
	double t0 = pop3src_now();
	mailstream_set_privacy(s->f->pop3_stream, 1);
	for (size_t i = 0; i < n; i++) {
		int len = snprintf(cmd, sizeof cmd, "TOP %u %d\r\n", x[i]->seq, lines);
		if (mailstream_write(s->f->pop3_stream, cmd, (size_t)len) < 0) {
			s->dead = true;
			return pop3resp_lib_err(e, MAILPOP3_ERROR_STREAM, "POP3 TOP (pipelined)", pop3src_idle(s, t0),
			                        s->ctx.timeout);
		}
	}
	if (mailstream_flush(s->f->pop3_stream) < 0) {
		s->dead = true;
		return pop3resp_lib_err(e, MAILPOP3_ERROR_STREAM, "POP3 TOP (pipelined)", pop3src_idle(s, t0),
		                        s->ctx.timeout);
	}
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		char resp[512], what[64];
		snprintf(what, sizeof what, "POP3 TOP %u", x[i]->seq);
		int r = pop3src_read_top(s, what, resp, sizeof resp, e);
		if (r < 0)
			return -1;
		if (rc < 0 || stop)      /* draining the replies after a failure or a size mismatch */
			continue;
		if (r == 0) {
			s->top_refused |= lines && !s->top_works;
			rc = pop3resp_err(e, ERR_NOTFOUND, what, resp, 0);
			if (e->cls == ERR_NOTFOUND)
				e->scope = ERR_SCOPE_MESSAGE;
			continue;
		}
		if (lines && pop3src_trim_body(s, x[i]) != x[i]->size) {
			/* pop3src_body checks it against RETR once the pipeline is drained */
			stop = true;
			continue;
		}
		s->top_works |= lines != 0;
		rc = pop3src_deliver(s, msgs[i], cb, cbctx, e);
		if (rc == 0)
			(*delivered)++;
	}
	return rc;
}

/* pop3src_body, a message that is gone failing only itself. */
static int pop3src_read_message(struct pop3src *s, const struct pop3src_entry *x, struct spool *sp,
                                struct err *e)
{
	if (pop3src_body(s, x, sp, e) < 0) {
		if (e->cls == ERR_NOTFOUND)
			e->scope = ERR_SCOPE_MESSAGE;
		return -1;
	}
	return 0;
}

static int pop3src_fetch_one(struct pop3src *s, const struct drv_msg *m, const struct pop3src_entry *x,
                             drv_fetch_cb cb, void *cbctx, struct err *e)
{
	if (pop3src_read_message(s, x, NULL, e) < 0)
		return -1;
	return pop3src_deliver(s, m, cb, cbctx, e);
}

static int pop3src_fetch(struct src *src, const struct drv_msg *const *msgs, size_t n, drv_fetch_cb cb,
                         void *cbctx, struct err *e)
{
	struct pop3src *s = (struct pop3src *)src;
	if (pop3src_load(s, e) < 0)
		return -1;
	const struct pop3src_entry *batch[CAPS_BATCH_MESSAGES];
	size_t i = 0;
	bool single = false;      /* the next message goes alone (after a pipelined size mismatch) */
	while (i < n) {
		/* One at a time when TOP cannot be pipelined, and while a TOP the server does not
		 * advertise has not proved itself: a -ERR to that first one means "no TOP here"
		 * (pop3src_body turns to RETR), where in a batch it would fail the message. An
		 * advertised TOP needs no probe: a refusal fails its message either way, and a
		 * length that disagrees with LIST stops the batch there (pop3src_fetch_pipelined)
		 * and is settled against RETR alone, as the probe would have. Until TOP works, a
		 * refusal sends the next ones alone again (a batch after each refused message
		 * would ask for the rest of it over and over). */
		if (single || !s->has_pipelining || (!s->top_works && (!s->has_top || s->top_refused)) ||
		    s->use_retr) {
			single = false;
			const struct pop3src_entry *x = pop3src_check(s, msgs[i], CAPS_MESSAGE_MAX, e);
			if (!x || pop3src_fetch_one(s, msgs[i], x, cb, cbctx, e) < 0)
				return -1;
			i++;
			continue;
		}
		/* A batch bounded by count and bytes; a message that cannot be fetched ends the
		 * batch before it and fails on its own turn. */
		size_t k = 0;
		uint64_t bytes = 0;
		while (i + k < n && k < CAPS_BATCH_MESSAGES) {
			struct err probe = {0};
			const struct pop3src_entry *x = pop3src_check(s, msgs[i + k], CAPS_MESSAGE_MAX, &probe);
			if (!x || (k > 0 && bytes + x->size > CAPS_BATCH_BYTES))
				break;
			batch[k++] = x;
			bytes += x->size;
		}
		if (k == 0) {
			pop3src_check(s, msgs[i], CAPS_MESSAGE_MAX, e);
			return -1;
		}
		size_t delivered = 0;
		if (pop3src_fetch_pipelined(s, msgs + i, batch, k, POP3SRC_TOP_ALL, cb, cbctx, &delivered, e) < 0)
			return -1;
		i += delivered;
		single = delivered < k;
	}
	return 0;
}

/* The same bytes as pop3src_fetch gives (TOP while it is trusted, RETR otherwise, the
 * added line break dropped), written into sp as they arrive: a big message never sits in
 * memory. One at a time, never pipelined. */
static int pop3src_fetch_spool(struct src *src, const struct drv_msg *m, struct spool *sp, struct err *e)
{
	struct pop3src *s = (struct pop3src *)src;
	if (pop3src_load(s, e) < 0)
		return -1;
	const struct pop3src_entry *x = pop3src_check(s, m, SPOOL_MESSAGE_MAX, e);
	return x ? pop3src_read_message(s, x, sp, e) : -1;
}

static void pop3src_close(struct src *src)
{
	pop3src_free((struct pop3src *)src);
}

static const char *pop3src_warning(struct src *src)
{
	struct pop3src *s = (struct pop3src *)src;
	if (s->next_warn < s->n_warn)
		return s->warn[s->next_warn++];
	if (s->warn_dropped) {
		s->warn_dropped = false;
		return "further warnings from the POP3 source were dropped";
	}
	return NULL;
}

/* TOP n 0: the header block, never \Seen. Without TOP there is no read-only way to see
 * headers alone, so the caller learns nothing rather than RETR marking mail read. */
static int pop3src_headers(struct src *src, const struct drv_msg *const *msgs, size_t n,
                           drv_fetch_cb cb, void *ctx, struct err *e)
{
	struct pop3src *s = (struct pop3src *)src;
	if (pop3src_load(s, e) < 0)
		return -1;
	const struct pop3src_entry *batch[CAPS_BATCH_MESSAGES];
	size_t i = 0;
	while (i < n) {
		/* Pipelined in batches when the server allows it (headers are small). */
		size_t k = 0;
		while (i + k < n && k < (s->has_pipelining ? CAPS_BATCH_MESSAGES : 1)) {
			/* no size cap here: the header block of a huge message is small */
			if (!(batch[k] = pop3src_find(s, msgs[i + k]))) {
				err_set(e, ERR_NOTFOUND, "POP3: message %s is no longer on the server", msgs[i + k]->key);
				e->scope = ERR_SCOPE_MESSAGE;
				return -1;
			}
			k++;
		}
		if (s->has_pipelining) {
			size_t delivered = 0;
			if (pop3src_fetch_pipelined(s, msgs + i, batch, k, 0, cb, ctx, &delivered, e) < 0)
				return -1;
			i += k;
			continue;
		}
		char cmd[64];
		snprintf(cmd, sizeof cmd, "TOP %u 0\r\n", batch[0]->seq);
		if (pop3src_multiline(s, cmd, "POP3 TOP n 0", NULL, NULL, e) <= 0 ||
		    pop3src_deliver(s, msgs[i], cb, ctx, e) < 0)
			return -1;
		i++;
	}
	return 0;
}

const struct src_ops pop3src_ops = {
	.name = "pop3",
	.open = pop3src_open,
	.caps = pop3src_caps,
	.uidl_style = pop3src_uidl_style,
	.folders = pop3src_folders,
	.select = pop3src_select,
	.list = pop3src_list,
	.fetch = pop3src_fetch,
	.fetch_spool = pop3src_fetch_spool,
	.headers = pop3src_headers,
	.close = pop3src_close,
	.warning = pop3src_warning,
};
