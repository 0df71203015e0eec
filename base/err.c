/* err: formatting, classification and exit codes for struct err. */
#include "base/err.h"

#include <stdio.h>
#include <string.h>
#include <sysexits.h>

int err_vset(struct err *e, enum err_class cls, const char *fmt, va_list ap)
{
	if (!e)
		return -1;
	e->cls = cls;
	e->scope = ERR_SCOPE_CUSTOMER;
	e->wait_seconds = 0;
	e->resp_code[0] = '\0';
	e->server[0] = '\0';
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	return -1;
}

int err_set(struct err *e, enum err_class cls, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	err_vset(e, cls, fmt, ap);
	va_end(ap);
	return -1;
}

int err_prefix(struct err *e, const char *fmt, ...)
{
	char pre[512], old[ERR_MSG_MAX];
	va_list ap;
	if (!e)
		return -1;
	va_start(ap, fmt);
	vsnprintf(pre, sizeof pre, fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof old);
	/* Truncate explicitly: the context goes first, the original text keeps what fits. */
	size_t lp = strnlen(pre, sizeof e->msg - 1);
	memcpy(e->msg, pre, lp);
	size_t lo = strnlen(old, sizeof e->msg - 1 - lp);
	memcpy(e->msg + lp, old, lo);
	e->msg[lp + lo] = '\0';
	return -1;
}

/* Length of the valid UTF-8 sequence at p (1-4), or 0: bytes a report may carry as they are. */
static size_t err_utf8_len(const unsigned char *p)
{
	size_t n = p[0] >= 0xf0 && p[0] <= 0xf4 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc2 && p[0] < 0xe0 ? 2 : 0;
	if (p[0] >= 0xf5)
		return 0;
	for (size_t i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	/* no overlong three- or four-byte forms, no surrogates, nothing past U+10FFFF */
	if ((n == 3 && ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] >= 0xa0))) ||
	    (n == 4 && ((p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] >= 0x90))))
		return 0;
	return n;
}

void err_server(struct err *e, const char *text)
{
	size_t n = 0;
	if (!e || !text)
		return;
	/* Servers end lines with CRLF and sometimes embed control bytes or broken UTF-8; keep
	 * one clean line of valid UTF-8, since it goes into JSON reports and the journal.
	 * A sequence that would not fit whole is dropped, never cut. */
	for (const unsigned char *p = (const unsigned char *)text; *p && n + 1 < sizeof e->server;) {
		size_t u = *p < 0x80 ? 1 : err_utf8_len(p);
		if (*p == '\r' || *p == '\n')
			break;
		if (u > 1 && n + u < sizeof e->server) {
			memcpy(e->server + n, p, u);
			n += u;
			p += u;
			continue;
		}
		if (u > 1)
			break;
		e->server[n++] = (u == 0 || *p < 0x20 || *p == 0x7f) ? '?' : (char)*p;
		p++;
	}
	e->server[n] = '\0';
}

const char *err_text(const struct err *e, char *buf, size_t size)
{
	if (e->server[0])
		snprintf(buf, size, "%s (server said: %s)", e->msg, e->server);
	else
		snprintf(buf, size, "%s", e->msg);
	return buf;
}

void err_clear(struct err *e)
{
	if (e)
		memset(e, 0, sizeof *e);
}

bool err_is_set(const struct err *e)
{
	return e && e->cls != ERR_NONE;
}

int err_exit_code(enum err_class cls)
{
	switch (cls) {
	case ERR_NONE: return EX_OK;
	case ERR_USAGE: return EX_USAGE;
	case ERR_DATA: case ERR_TOOBIG: case ERR_NOTFOUND: return EX_DATAERR;
	case ERR_NOINPUT: return EX_NOINPUT;
	case ERR_NET: case ERR_TLS: case ERR_PERM: return EX_UNAVAILABLE;
	case ERR_TIMEOUT: case ERR_LOCKED: case ERR_LOGIN_DELAY: case ERR_TEMP: return EX_TEMPFAIL;
	case ERR_AUTH: return EX_NOPERM;
	case ERR_QUOTA: return EX_CANTCREAT;
	case ERR_PROTOCOL: return EX_PROTOCOL;
	case ERR_IO: return EX_IOERR;
	case ERR_NOMEM: return EX_OSERR;
	case ERR_INTERNAL: return EX_SOFTWARE;
	case ERR_CONFIG: return EX_CONFIG;
	}
	return EX_SOFTWARE;
}

enum err_retry err_retry_class(enum err_class cls)
{
	switch (cls) {
	case ERR_NET: case ERR_TIMEOUT: case ERR_LOCKED: case ERR_TEMP: case ERR_PROTOCOL:
		return ERR_RETRY_TEMP;
	case ERR_LOGIN_DELAY:
		return ERR_RETRY_WAIT;
	default:
		return ERR_RETRY_FINAL;
	}
}

const char *err_class_name(enum err_class cls)
{
	static const char *const names[] = {
		[ERR_NONE] = "ok", [ERR_USAGE] = "usage", [ERR_DATA] = "data",
		[ERR_NOINPUT] = "noinput", [ERR_NET] = "network", [ERR_TIMEOUT] = "timeout",
		[ERR_TLS] = "tls", [ERR_AUTH] = "auth", [ERR_LOCKED] = "locked",
		[ERR_LOGIN_DELAY] = "login-delay", [ERR_TEMP] = "temporary", [ERR_QUOTA] = "quota",
		[ERR_TOOBIG] = "too-big", [ERR_NOTFOUND] = "not-found", [ERR_PERM] = "permanent",
		[ERR_PROTOCOL] = "protocol", [ERR_IO] = "io", [ERR_NOMEM] = "nomem",
		[ERR_INTERNAL] = "internal", [ERR_CONFIG] = "config",
	};
	if ((unsigned)cls < sizeof names / sizeof names[0] && names[cls])
		return names[cls];
	return "unknown";
}
