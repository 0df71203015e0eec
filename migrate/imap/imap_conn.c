/* imap_conn: connect, TLS check, login and error translation for libetpan IMAP sessions. */
#include "migrate/imap/imap_conn.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gnutls/gnutls.h>

#include "migrate/net/connreg.h"
#include "migrate/net/saslplain.h"
#include "migrate/net/tlsverify.h"

/* libetpan reports every byte it sends or receives here; we keep the time, so a stream
 * error can be told apart as a silent server (timeout) or a broken connection, and with
 * -v hand the bytes to the trace, the one place that redacts them (credentials). */
static void imap_conn_logger(mailimap *s, int type, const char *str, size_t size, void *ctx)
{
	struct imap_conn *c = ctx;
	(void)s;
	/* Error events are logged too, at the moment of failure: they are not traffic. */
	if (type == MAILSTREAM_LOG_TYPE_DATA_RECEIVED || type == MAILSTREAM_LOG_TYPE_DATA_SENT ||
	    type == MAILSTREAM_LOG_TYPE_DATA_SENT_PRIVATE)
		c->last_io = time(NULL);
	trace_etpan(&c->trace, type, str, size);
}

/* The server's capability list, or NULL when there is none (a greeting may carry an
 * empty "[CAPABILITY ]" code: libetpan then keeps a capability with no list). */
static clist *imap_conn_caps(const struct imap_conn *c)
{
	struct mailimap_connection_info *ci = c->s->imap_connection_info;
	if (!ci || !ci->imap_capability || !ci->imap_capability->cap_list ||
	    clist_isempty(ci->imap_capability->cap_list))
		return NULL;
	return ci->imap_capability->cap_list;
}

bool imap_conn_has(struct imap_conn *c, const char *name)
{
	clist *l = imap_conn_caps(c);
	bool auth = strncasecmp(name, "AUTH=", 5) == 0;
	for (clistiter *it = l ? clist_begin(l) : NULL; it; it = clist_next(it)) {
		struct mailimap_capability *cap = clist_content(it);
		const char *v = cap->cap_type == MAILIMAP_CAPABILITY_AUTH_TYPE ? cap->cap_data.cap_auth_type
		                                                               : cap->cap_data.cap_name;
		if (!v)
			continue;
		if (auth && cap->cap_type == MAILIMAP_CAPABILITY_AUTH_TYPE && strcasecmp(v, name + 5) == 0)
			return true;
		if (!auth && cap->cap_type == MAILIMAP_CAPABILITY_NAME && strcasecmp(v, name) == 0)
			return true;
	}
	return false;
}

uint64_t imap_conn_cap_number(struct imap_conn *c, const char *name)
{
	clist *l = imap_conn_caps(c);
	size_t n = strlen(name);
	for (clistiter *it = l ? clist_begin(l) : NULL; it; it = clist_next(it)) {
		struct mailimap_capability *cap = clist_content(it);
		const char *v = cap->cap_data.cap_name;
		if (cap->cap_type != MAILIMAP_CAPABILITY_NAME || !v)
			continue;
		if (strncasecmp(v, name, n) == 0 && v[n] == '=')
			return strtoull(v + n + 1, NULL, 10);
	}
	return 0;
}

static bool imap_conn_mentions(const char *text, const char *word)
{
	size_t n = strlen(word);
	for (; *text; text++)
		if (strncasecmp(text, word, n) == 0)
			return true;
	return false;
}

/* Response codes (RFC 5530 and friends) → our classes. */
static const struct {
	const char *code;
	enum err_class cls;
} imap_conn_codes[] = {
	{"OVERQUOTA", ERR_QUOTA},       {"TOOBIG", ERR_TOOBIG},
	{"AUTHENTICATIONFAILED", ERR_AUTH}, {"AUTHORIZATIONFAILED", ERR_AUTH},
	{"EXPIRED", ERR_AUTH},          {"UNAVAILABLE", ERR_TEMP},
	{"INUSE", ERR_TEMP},            {"SERVERBUG", ERR_TEMP},
	{"NONEXISTENT", ERR_NOTFOUND},  {"PRIVACYREQUIRED", ERR_TLS},
	{"NOPERM", ERR_PERM},           {"CANNOT", ERR_PERM},
	{"CONTACTADMIN", ERR_PERM},     {"LIMIT", ERR_PERM},
	{"ALREADYEXISTS", ERR_PERM},    {"CORRUPTION", ERR_PERM},
};

bool imap_conn_trycreate(struct imap_conn *c)
{
	return c->s->imap_response_info && c->s->imap_response_info->rsp_trycreate;
}

int imap_conn_uid_fetch(struct imap_conn *c, struct mailimap_set *set,
                        struct mailimap_fetch_type *ft, clist **result, int *r, struct err *e)
{
	*result = NULL;
	if (!set || !ft) {
		if (set)
			mailimap_set_free(set);
		if (ft)
			mailimap_fetch_type_free(ft);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	*r = mailimap_uid_fetch(c->s, set, ft, result);
	mailimap_set_free(set);
	mailimap_fetch_type_free(ft);
	return 0;
}

int imap_conn_fail(struct imap_conn *c, int r, enum err_class fallback, struct err *e,
                   const char *what, ...)
{
	char w[256];
	va_list ap;
	va_start(ap, what);
	vsnprintf(w, sizeof w, what, ap);
	va_end(ap);

	if (c->guard.why != IMAPGUARD_OK) {
		/* Whatever libetpan made of the failed read, the cause is the refused line. */
		c->dead = true;
		err_set(e, ERR_PROTOCOL, "imap %s: the server sent %s (the connection was ended "
		        "before the line was read)", w, imapguard_reason(&c->guard));
		err_server(e, c->guard.line);
		return -1;
	}

	switch (r) {
	case MAILIMAP_ERROR_STREAM:
		c->dead = true;
		if (c->timeout > 0 && time(NULL) - c->last_io >= c->timeout)
			return err_set(e, ERR_TIMEOUT, "imap %s: no answer within %d s", w, c->timeout);
		return err_set(e, ERR_NET, "imap %s: connection lost", w);
	case MAILIMAP_ERROR_CONNECTION_REFUSED:
		c->dead = true;
		return err_set(e, ERR_NET, "imap %s: connection refused or host unreachable", w);
	case MAILIMAP_ERROR_SSL:
		c->dead = true;
		return err_set(e, ERR_TLS, "imap %s: TLS handshake failed", w);
	case MAILIMAP_ERROR_PARSE:
		/* After a reply we could not parse, the stream position is unknown. */
		c->dead = true;
		return err_set(e, ERR_PROTOCOL, "imap %s: unparseable server reply", w);
	case MAILIMAP_ERROR_FATAL:
		c->dead = true;
		err_set(e, ERR_TEMP, "imap %s: server closed the session (BYE)", w);
		err_server(e, c->s->imap_response);
		return -1;
	case MAILIMAP_ERROR_MEMORY:
		return err_set(e, ERR_NOMEM, "imap %s: out of memory", w);
	case MAILIMAP_ERROR_BAD_STATE:
		return err_set(e, ERR_INTERNAL, "imap %s: command sent in the wrong session state", w);
	default:
		break;
	}

	struct mailimap_response_info *ri = c->s->imap_response_info;
	const char *code = ri && ri->rsp_atom ? ri->rsp_atom : NULL;
	const char *text = c->s->imap_response ? c->s->imap_response : "";
	enum err_class cls = fallback;
	if (ri && ri->rsp_trycreate) {
		code = "TRYCREATE";
		cls = ERR_NOTFOUND;
	} else if (code) {
		for (size_t i = 0; i < sizeof imap_conn_codes / sizeof imap_conn_codes[0]; i++)
			if (strcasecmp(code, imap_conn_codes[i].code) == 0)
				cls = imap_conn_codes[i].cls;
	}
	/* Servers older than RFC 5530 say it only in words. */
	if (!code && imap_conn_mentions(text, "quota"))
		cls = ERR_QUOTA;
	err_set(e, cls, "imap %s: %s%s%s%s", w, code ? "[" : "", code ? code : "", code ? "] " : "",
	        *text ? text : "refused by the server");
	if (code)
		snprintf(e->resp_code, sizeof e->resp_code, "%s", code);
	err_server(e, ri && ri->rsp_alert ? ri->rsp_alert : text);
	return -1;
}

int imap_conn_usable(struct imap_conn *c, struct err *e)
{
	if (c->dead || !c->s->imap_stream)
		return err_set(e, ERR_NET, "imap: the connection was lost earlier");
	return 0;
}

int imap_conn_send(struct imap_conn *c, const char *const *cmds, size_t n, bool secret, int *tag)
{
	mailstream *st = c->s->imap_stream;
	int r = MAILIMAP_NO_ERROR;
	*tag = c->s->imap_tag + 1;
	/* privacy 0: libetpan's logger gets the bytes as DATA_SENT_PRIVATE, which the trace
	 * shows as "TAG VERB [redacted]". The bytes leave at the flush, so it spans that. */
	if (secret)
		mailstream_set_privacy(st, 0);
	for (size_t i = 0; r == MAILIMAP_NO_ERROR && i < n; i++) {
		r = mailimap_send_current_tag(c->s);
		if (r == MAILIMAP_NO_ERROR &&
		    (mailstream_write(st, cmds[i], strlen(cmds[i])) < 0 || mailstream_write(st, "\r\n", 2) < 0))
			r = MAILIMAP_ERROR_STREAM;
	}
	if (r == MAILIMAP_NO_ERROR && mailstream_flush(st) < 0)
		r = MAILIMAP_ERROR_STREAM;
	if (secret)
		mailstream_set_privacy(st, 1);
	return r;
}

int imap_conn_put_quoted(struct buf *b, const char *s)
{
	if (buf_puts(b, "\"") < 0)
		return -1;
	for (; *s; s++)
		if (((*s == '"' || *s == '\\') && buf_append(b, "\\", 1) < 0) || buf_append(b, s, 1) < 0)
			return -1;
	return buf_puts(b, "\"");
}

char *imap_conn_quoted(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			return NULL;
	struct buf b;
	buf_init(&b, 0);
	if (imap_conn_put_quoted(&b, s) < 0) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b);
}

/* Parse the reply whose first line mailimap_read_line has read. libetpan compares a reply's
 * tag with its counter (the last tag sent): for an earlier command of a pipeline the
 * counter is set back to that command's tag while its reply is parsed. */
static int imap_conn_parse(struct imap_conn *c, int tag, int fail_code)
{
	int last = c->s->imap_tag;
	struct mailimap_response *resp = NULL;
	c->s->imap_tag = tag;
	int r = mailimap_parse_response(c->s, &resp);
	c->s->imap_tag = last;
	if (r != MAILIMAP_NO_ERROR)
		return r;
	const struct mailimap_response_done *d = resp->rsp_resp_done;
	if (!d || d->rsp_type != MAILIMAP_RESP_DONE_TYPE_TAGGED || !d->rsp_data.rsp_tagged->rsp_cond_state)
		r = MAILIMAP_ERROR_FATAL;
	else if (d->rsp_data.rsp_tagged->rsp_cond_state->rsp_type != MAILIMAP_RESP_COND_STATE_OK)
		r = fail_code;
	mailimap_response_free(resp);
	return r;
}

int imap_conn_reply(struct imap_conn *c, int tag, int fail_code)
{
	if (!mailimap_read_line(c->s))     /* parse_response parses what this reads */
		return MAILIMAP_ERROR_STREAM;
	return imap_conn_parse(c, tag, fail_code);
}

/* Send CAPABILITY and read the reply with libetpan's generic parser, which stores an
 * untagged CAPABILITY where imap_conn_caps finds it. Returns a MAILIMAP_* code. */
static int imap_conn_capability_cmd(struct imap_conn *c)
{
	static const char *const cmd[] = {"CAPABILITY"};
	int tag;
	int r = imap_conn_send(c, cmd, 1, false, &tag);
	return r != MAILIMAP_NO_ERROR ? r : imap_conn_reply(c, tag, MAILIMAP_ERROR_CAPABILITY);
}

/* Forget the capabilities libetpan keeps: what the server says next (a login's OK with a
 * CAPABILITY code, an untagged CAPABILITY) fills them again, or nothing does. */
static void imap_conn_drop_caps(struct imap_conn *c)
{
	struct mailimap_connection_info *ci = c->s->imap_connection_info;
	if (ci && ci->imap_capability) {
		mailimap_capability_data_free(ci->imap_capability);
		ci->imap_capability = NULL;
	}
}

/* CAPABILITY, without libetpan's mailimap_capability: that one dereferences NULL when
 * the tagged OK comes without an untagged CAPABILITY. None at all breaks RFC 3501 (it
 * MUST be sent) and ends the session as a protocol error. */
static int imap_conn_refresh_caps(struct imap_conn *c, struct err *e)
{
	imap_conn_drop_caps(c);
	int r = imap_conn_capability_cmd(c);
	if (r != MAILIMAP_NO_ERROR)
		return imap_conn_fail(c, r, ERR_PROTOCOL, e, "CAPABILITY");
	if (!imap_conn_caps(c)) {
		c->dead = true;
		err_set(e, ERR_PROTOCOL, "imap CAPABILITY: the server listed no capabilities (RFC 3501 requires "
		        "an untagged CAPABILITY reply)");
		err_server(e, c->s->imap_response);
		return -1;
	}
	return 0;
}

static int imap_conn_connect(struct imap_conn *c, const struct drv_endpoint *ep, struct err *e)
{
	/* The certificate is still checked against ep->tls_name, not the address. */
	uint16_t port = (uint16_t)ep->port;
	int r;
	c->last_io = time(NULL);
	mailstream *st = NULL;
	if (connreg_open(ep, &st, &c->fd, e) < 0)
		return err_prefix(e, "%s:%u: imap connect: ", ep->host, port);
	c->conns = ep->conns;
	/* libetpan's IMAP parser, too, takes a 0-byte read for "more to come" and loops
	 * forever on a stream that ends mid-reply: make end of file an error (streameof.h),
	 * and refuse a line its response parser cannot take safely (imapguard.h). */
	imapguard_init(&c->guard, 0);
	c->eof.guard = &c->guard;
	streameof_install(&c->eof, st);
	r = mailimap_connect(c->s, st);
	/* 1 = PREAUTH and 2 = "please log in" are both successes (libraries.md pitfall 7). */
	if (r != MAILIMAP_NO_ERROR_AUTHENTICATED && r != MAILIMAP_NO_ERROR_NON_AUTHENTICATED) {
		imap_conn_fail(c, r, ERR_NET, e, "connect");
		return err_prefix(e, "%s:%u: ", ep->host, port);
	}
	if (ep->tls == DRV_TLS_STARTTLS) {
		if (!imap_conn_caps(c))
			if (imap_conn_refresh_caps(c, e) < 0)
				return -1;
		if (!imap_conn_has(c, "STARTTLS"))
			return err_set(e, ERR_TLS, "%s:%u: imap: the server does not offer STARTTLS",
			               ep->host, port);
		/* mailimap_starttls would only send the command; this one also switches the
		 * stream to TLS (libraries.md pitfall 6). */
		r = mailimap_socket_starttls_with_callback(c->s, tlsverify_sni, (void *)ep);
		if (r != MAILIMAP_NO_ERROR) {
			imap_conn_fail(c, r, ERR_TLS, e, "STARTTLS");
			return err_prefix(e, "%s:%u: ", ep->host, port);
		}
		streameof_install(&c->eof, c->s->imap_stream);   /* TLS replaced the low stream */
		imapguard_init(&c->guard, 0);                    /* its first line starts now */
	}
	if (ep->tls != DRV_TLS_NONE && tlsverify_stream(c->s->imap_stream, ep, e) < 0)
		return err_prefix(e, "%s:%u: imap: ", ep->host, port);
	/* Capabilities read before STARTTLS are stale and may have been forged in clear. */
	if (ep->tls == DRV_TLS_STARTTLS || !imap_conn_caps(c))
		return imap_conn_refresh_caps(c, e);
	return 0;
}

/* SASL PLAIN with the response on the AUTHENTICATE line (RFC 4959 SASL-IR): one round trip
 * where libetpan's mailimap_authenticate takes two (the command, its "+", the response).
 * authz "" = none (RFC 4616). The line goes out private (redacted in the trace) and every
 * copy of the credential is wiped. */
static int imap_conn_plain_ir(struct imap_conn *c, const char *authz, const char *authc,
                              const char *pw, const char *what, struct err *e)
{
	static const char verb[] = "AUTHENTICATE PLAIN ";
	char *b64 = saslplain_b64(authz, authc, pw), *line = NULL;
	int r = MAILIMAP_ERROR_MEMORY, tag = 0;
	size_t ll = b64 ? sizeof verb + strlen(b64) : 0;
	if (b64 && (line = malloc(ll))) {
		snprintf(line, ll, "%s%s", verb, b64);
		const char *const cmd[] = {line};
		r = imap_conn_send(c, cmd, 1, true, &tag);
		gnutls_memset(line, 0, ll);
		free(line);
	}
	saslplain_free(b64);
	if (r == MAILIMAP_NO_ERROR && !mailimap_read_line(c->s))
		r = MAILIMAP_ERROR_STREAM;
	if (r != MAILIMAP_NO_ERROR)
		return imap_conn_fail(c, r, ERR_AUTH, e, "%s", what);
	if (c->s->imap_stream_buffer->str[0] == '+') {
		/* PLAIN has no second step: cancel (RFC 3501 "*") rather than wait for an answer
		 * that will not come. The session is not used further. */
		if (mailstream_write(c->s->imap_stream, "*\r\n", 3) >= 0)
			mailstream_flush(c->s->imap_stream);
		c->dead = true;
		return err_set(e, ERR_PROTOCOL, "imap %s: the server asked for another SASL step after "
		               "the initial response (SASL-IR); cancelled", what);
	}
	r = imap_conn_parse(c, tag, MAILIMAP_ERROR_LOGIN);
	if (r != MAILIMAP_NO_ERROR)
		return imap_conn_fail(c, r, ERR_AUTH, e, "%s", what);
	c->s->imap_state = MAILIMAP_STATE_AUTHENTICATED;   /* what mailimap_authenticate sets */
	return 0;
}

/* AUTHENTICATE `mech` for `authz` (the customer; NULL = none) as `authc`: in one round trip
 * when the server takes an initial response, else libetpan's two-step exchange. The
 * capabilities are dropped first: the OK's CAPABILITY code, when there is one, brings the
 * post-login list (imap_conn_open asks with CAPABILITY only when none came). */
static int imap_conn_sasl(struct imap_conn *c, const struct drv_endpoint *ep, const char *mech,
                          const char *authz, const char *authc, const char *pw, struct err *e)
{
	char what[600];
	if (authz)
		snprintf(what, sizeof what, "AUTHENTICATE %s as %s for %s", mech, authc, authz);
	else
		snprintf(what, sizeof what, "AUTHENTICATE %s as %s", mech, authc);
	bool ir = strcmp(mech, "PLAIN") == 0 && imap_conn_has(c, "SASL-IR");
	imap_conn_drop_caps(c);
	if (ir)
		return imap_conn_plain_ir(c, authz ? authz : "", authc, pw, what, e);
	int r = mailimap_authenticate(c->s, mech, ep->host, NULL, NULL, authz ? authz : authc, authc,
	                              pw, NULL);
	return r == MAILIMAP_NO_ERROR ? 0 : imap_conn_fail(c, r, ERR_AUTH, e, "%s", what);
}

static int imap_conn_login(struct imap_conn *c, const struct drv_endpoint *ep,
                           const struct drv_login *login, struct err *e)
{
	const char *pw = login->password ? login->password : "";
	/* authzid = the customer, authcid = the master user (RFC 4616). */
	if (login->master_user && imap_conn_has(c, "AUTH=PLAIN"))
		return imap_conn_sasl(c, ep, "PLAIN", login->user, login->master_user, pw, e);
	if (!login->master_user && (ep->auth == DRV_AUTH_PLAIN || ep->auth == DRV_AUTH_CRAM_MD5)) {
		const char *mech = ep->auth == DRV_AUTH_PLAIN ? "PLAIN" : "CRAM-MD5";
		char cap[32];
		snprintf(cap, sizeof cap, "AUTH=%s", mech);
		if (!imap_conn_has(c, cap))
			return err_set(e, ERR_AUTH, "imap: the server does not offer AUTHENTICATE %s", mech);
		return imap_conn_sasl(c, ep, mech, NULL, login->user, pw, e);
	}
	if (imap_conn_has(c, "LOGINDISABLED"))
		return err_set(e, ERR_AUTH, "imap: the server refuses LOGIN on this connection "
		               "(LOGINDISABLED; use tls: starttls or tls)");
	/* Without SASL PLAIN, Dovecot still takes "user*master" as a LOGIN name. */
	char who[512];
	if (login->master_user)
		snprintf(who, sizeof who, "%s*%s", login->user, login->master_user);
	else
		snprintf(who, sizeof who, "%s", login->user);
	imap_conn_drop_caps(c);
	int r = mailimap_login(c->s, who, pw);
	if (r != MAILIMAP_NO_ERROR)
		return imap_conn_fail(c, r, ERR_AUTH, e, "LOGIN as %s", who);
	return 0;
}

int imap_conn_open(struct imap_conn **out, const struct drv_endpoint *ep,
                   const struct drv_login *login, struct err *e)
{
	*out = NULL;
	struct imap_conn *c = calloc(1, sizeof *c);
	if (!c)
		return err_set(e, ERR_NOMEM, "out of memory");
	c->s = mailimap_new(0, NULL);
	if (!c->s) {
		free(c);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	c->timeout = ep->timeout_seconds;
	c->fd = -1;
	/* Must be set before the socket exists: libetpan applies it at connect time. */
	mailimap_set_timeout(c->s, c->timeout);
	trace_init(&c->trace, TRACE_IMAP, ep->label, login ? login->user : NULL, ep->host, ep->port);
	mailimap_set_logger(c->s, imap_conn_logger, c);
	/* After the login, the capabilities of its OK (or of a PREAUTH greeting) serve; only
	 * without them does a CAPABILITY command cost a round trip. */
	if (imap_conn_connect(c, ep, e) < 0 ||
	    (c->s->imap_state != MAILIMAP_STATE_AUTHENTICATED && imap_conn_login(c, ep, login, e) < 0) ||
	    (!imap_conn_caps(c) && imap_conn_refresh_caps(c, e) < 0)) {
		c->dead = true;     /* a session that failed to open gets no LOGOUT (see close) */
		imap_conn_close(c);
		return -1;
	}
	*out = c;
	return 0;
}

void imap_conn_close(struct imap_conn *c)
{
	if (!c)
		return;
	/* LOGOUT, never CLOSE: CLOSE would expunge \Deleted messages we appended. The reply
	 * is not read: libetpan's parser has crashed on a malformed one, and there is nothing
	 * left to learn from it. A broken session gets no LOGOUT at all. */
	if (!c->dead && c->s->imap_stream) {
		static const char logout[] = "ZZ LOGOUT\r\n";
		if (mailstream_write(c->s->imap_stream, logout, sizeof logout - 1) >= 0)
			mailstream_flush(c->s->imap_stream);
	}
	connreg_release(c->conns, c->fd);
	/* mailimap_free sends a LOGOUT of its own and parses the reply while the stream is
	 * open (a broken session's server got "N LOGOUT" and its answer was parsed after all):
	 * close the stream first, so that it has nothing to talk to. */
	if (c->s->imap_stream) {
		mailstream_close(c->s->imap_stream);
		c->s->imap_stream = NULL;
	}
	mailimap_free(c->s);
	free(c);
}

int imap_conn_delim(struct imap_conn *c, char *delim, struct err *e)
{
	if (!c->delim_known) {
		clist *l = NULL;
		int r = mailimap_list(c->s, "", "", &l);
		if (r != MAILIMAP_NO_ERROR)
			return imap_conn_fail(c, r, ERR_PROTOCOL, e, "LIST \"\" \"\"");
		clistiter *it = clist_begin(l);
		if (it) {
			struct mailimap_mailbox_list *mb = clist_content(it);
			c->delim = mb->mb_delimiter;
		}
		mailimap_list_result_free(l);
		c->delim_known = true;
	}
	*delim = c->delim;
	return 0;
}
