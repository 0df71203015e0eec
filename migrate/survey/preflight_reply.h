/* preflight_reply: how the pre-flight reads a server's greeting and its CAPA / CAPABILITY /
 * EHLO reply, line by line. No I/O, so the fuzzer can feed it any bytes. */
#ifndef CUTOVER_PREFLIGHT_REPLY_H
#define CUTOVER_PREFLIGHT_REPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "schedule/plan.h"

/* preflight_reply_line's answer while the reply goes on. */
#define PREFLIGHT_REPLY_MORE 2

/* Append one reply line (without CR/LF) to caps (lines joined with '\n'; a line that does
 * not fit is left out) and say where the reply stands: 1 complete and positive, 0 complete
 * and refused, PREFLIGHT_REPLY_MORE, or -1 malformed (e says why). tag: NULL for a
 * one-line reply (a greeting; SMTP replies end by their own "250 " line), the IMAP tag of
 * the command, or anything for a POP3 multi-line reply (it ends with "."). */
int preflight_reply_line(enum plan_proto proto, const char *tag, const char *line, char *caps,
                         size_t capsz, struct err *e);

/* Whether the capability text has `word` (case-insensitive) as a whole capability name. */
bool preflight_reply_has(const char *caps, const char *word);

#endif
