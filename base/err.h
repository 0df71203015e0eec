/* err: the one error type of cutover, carried up from where a failure happens to the
 * command that prints it once. */
#ifndef CUTOVER_ERR_H
#define CUTOVER_ERR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* What went wrong, in the terms the retry policy and the exit code need. */
enum err_class {
	ERR_NONE = 0,
	ERR_USAGE,       /* bad command line                          -> EX_USAGE 64 */
	ERR_DATA,        /* bad plan, CSV, template, journal content  -> EX_DATAERR 65 */
	ERR_NOINPUT,     /* a file named by the user cannot be read   -> EX_NOINPUT 66 */
	ERR_NET,         /* connect refused, reset, DNS               -> EX_UNAVAILABLE 69 */
	ERR_TIMEOUT,     /* server silent past the timeout            -> EX_TEMPFAIL 75 */
	ERR_TLS,         /* handshake or certificate verification     -> EX_UNAVAILABLE 69 */
	ERR_AUTH,        /* credentials refused ([AUTH], NO LOGIN)    -> EX_NOPERM 77 */
	ERR_LOCKED,      /* POP3 [IN-USE]: retry later                -> EX_TEMPFAIL 75 */
	ERR_LOGIN_DELAY, /* POP3 [LOGIN-DELAY]: wait, then retry      -> EX_TEMPFAIL 75 */
	ERR_TEMP,        /* [SYS/TEMP], [UNAVAILABLE], 4xx            -> EX_TEMPFAIL 75 */
	ERR_QUOTA,       /* destination over quota                    -> EX_CANTCREAT 73 */
	ERR_TOOBIG,      /* message over the destination's size limit -> EX_DATAERR 65 */
	ERR_NOTFOUND,    /* message or folder vanished                -> EX_DATAERR 65 */
	ERR_PERM,        /* [SYS/PERM], NO for a reason that will not change -> EX_UNAVAILABLE 69 */
	ERR_PROTOCOL,    /* a reply we cannot parse                   -> EX_PROTOCOL 76 */
	ERR_IO,          /* local file or journal I/O                 -> EX_IOERR 74 */
	ERR_NOMEM,       /* allocation failed                         -> EX_OSERR 71 */
	ERR_INTERNAL,    /* a bug of ours                             -> EX_SOFTWARE 70 */
	ERR_CONFIG,      /* this machine's setup: a password variable unset, a password
	                    file unreadable, clear-text login not allowed -> EX_CONFIG 78 */
};

/* How far a failure reaches: the engine isolates at this level. */
enum err_scope { ERR_SCOPE_MESSAGE, ERR_SCOPE_FOLDER, ERR_SCOPE_CUSTOMER, ERR_SCOPE_RUN };

/* What a retry can do about it. */
enum err_retry { ERR_RETRY_FINAL, ERR_RETRY_TEMP, ERR_RETRY_WAIT };

#define ERR_MSG_MAX 1024
#define ERR_SERVER_MAX 512

struct err {
	enum err_class cls;
	enum err_scope scope;
	int wait_seconds;              /* for ERR_LOGIN_DELAY and friends; 0 = policy decides */
	char resp_code[32];            /* "IN-USE", "AUTHENTICATIONFAILED", "OVERQUOTA" … */
	char server[ERR_SERVER_MAX];   /* the server's own words, never credentials */
	char msg[ERR_MSG_MAX];         /* "where: what" — printed once at the top */
};

/* Set (overwrite) the error; always returns -1 so callers can `return err_set(...)`. */
int err_set(struct err *e, enum err_class cls, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int err_vset(struct err *e, enum err_class cls, const char *fmt, va_list ap);
/* Prefix context to an existing message: "customer c042: " + msg. Returns -1. */
int err_prefix(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Keep a server reply (truncated, CR/LF stripped) beside the message. */
void err_server(struct err *e, const char *text);
void err_clear(struct err *e);
/* "msg (server said: words)", or just "msg": the one way an error is shown to a person,
 * at the top (main) and on per-customer lines alike. Returns buf. */
#define ERR_TEXT_MAX (ERR_MSG_MAX + ERR_SERVER_MAX + 16)
const char *err_text(const struct err *e, char *buf, size_t size);
bool err_is_set(const struct err *e);

/* The sysexits.h code for a class. */
int err_exit_code(enum err_class cls);
/* Whether and how a class may be retried. */
enum err_retry err_retry_class(enum err_class cls);
const char *err_class_name(enum err_class cls);

#endif
