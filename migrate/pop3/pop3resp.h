/* pop3resp: turn a POP3 "-ERR [CODE] text" reply (RFC 2449 extended response codes,
 * RFC 3206 SYS/AUTH) into struct err. libetpan reports most refusals with one error
 * number (e.g. [IN-USE] on PASS comes back as MAILPOP3_ERROR_BAD_PASSWORD), so the
 * class must come from the code in the text. */
#ifndef CUTOVER_POP3RESP_H
#define CUTOVER_POP3RESP_H

#include <stddef.h>

#include "base/err.h"

/* The response code at the start of `text` ("IN-USE", "SYS/TEMP"), upper-cased, into
 * code[cap]; "" when there is none. Returns the text after the code and its blank. */
const char *pop3resp_code(const char *text, char *code, size_t cap);

/* Set e from a server refusal. `text` is what followed "-ERR " (may be NULL);
 * `fallback` is the class when the reply carries no known code (e.g. ERR_AUTH for a
 * plain -ERR to PASS); `login_delay` is the CAPA LOGIN-DELAY value in seconds (0 =
 * not advertised). The server's words go to e->server, the code to e->resp_code.
 * Always returns -1. */
int pop3resp_err(struct err *e, enum err_class fallback, const char *what, const char *text,
                 int login_delay);

/* Set e for a libetpan failure that is not a server refusal: a broken or silent stream
 * (ERR_TIMEOUT when `elapsed` seconds reached the `timeout`, else ERR_NET), TLS, memory,
 * refused connection. Returns -1. */
int pop3resp_lib_err(struct err *e, int etpan_rc, const char *what, double elapsed, int timeout);

#endif
