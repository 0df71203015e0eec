/* pop3list: the project's own parser for POP3 LIST, UIDL and STAT replies.
 *
 * libetpan 1.9.4's mailpop3_list trusts the server's numbering: a message numbered 0
 * crashes it, a gap leaves uninitialised slots, a repeated number leaks. A source
 * server is any old machine, so what it says is checked here line by line: LIST must
 * number its messages 1..n in order (RFC 1939 "scan listing"; we never DELE, so a
 * fresh session has no gaps), sizes are bounded, each UIDL line names a listed message
 * once and its UIDL is 1-70 characters 0x21-0x7E. Anything else is ERR_PROTOCOL with the
 * offending line in e->server (err_server escapes control bytes and caps the length). */
#ifndef CUTOVER_POP3LIST_H
#define CUTOVER_POP3LIST_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define POP3LIST_LINE_MAX 512u                 /* RFC 1939: a reply line, CRLF included */
#define POP3LIST_UIDL_MAX 70u                  /* RFC 1939 */
#define POP3LIST_SIZE_MAX 0xffffffffull        /* libetpan keeps sizes in 32 bits */
#define POP3LIST_COUNT_MAX 10000000u           /* more messages than any mailbox holds */

struct pop3list_entry {
	uint32_t seq;
	uint64_t size;
	char *uidl;              /* NULL until a UIDL line names this message */
};

struct pop3list {
	struct pop3list_entry *v;    /* v[i].seq == i + 1 */
	size_t n, cap;
	size_t uidls;                /* entries with a UIDL */
};

/* One line of a LIST reply ("2 1024"), after dot-unstuffing. Returns 0 or -1 (e set). */
int pop3list_add(struct pop3list *l, const char *line, struct err *e);

/* One line of a UIDL reply ("2 abc"); every message it names must be listed, once. */
int pop3list_uidl(struct pop3list *l, const char *line, struct err *e);

/* The text after "+OK" of a STAT reply ("2 3072"): message count and total size. */
int pop3list_stat(const char *text, uint32_t *count, uint64_t *size, struct err *e);

/* STAT said count/size: the listing must agree (RFC 1939: both count the same mail). */
int pop3list_check_stat(const struct pop3list *l, uint32_t count, uint64_t size, struct err *e);

void pop3list_free(struct pop3list *l);

#endif
