/* eml: an RFC 5322 + MIME message from UTF-8 text and HTML: multipart/alternative, the
 * body in ISO-2022-JP (7bit) or UTF-8 (base64), RFC 2047 encoded words for non-ASCII
 * Subject and display names, Date and Message-ID. Nothing from the inputs can end a
 * header line: control characters in names and subjects become spaces, addresses are
 * checked. */
#ifndef CUTOVER_EML_H
#define CUTOVER_EML_H

#include <time.h>

#include "base/buf.h"
#include "base/err.h"

struct eml_msg {
	const char *from_name, *from_addr;
	const char *reply_to;          /* address or NULL */
	const char *to_name, *to_addr; /* to_name may be NULL */
	const char *subject;
	const char *text, *html;       /* UTF-8; html may be NULL (then text/plain only) */
	const char *charset;           /* "ISO-2022-JP" or "UTF-8" */
	time_t date;
	const char *tz;                /* zone for the Date header */
	const char *message_id;        /* without < > */
};

/* `want` when every text converts to it, else "UTF-8" (a rare kanji in a name must not
 * be lost to ISO-2022-JP). */
const char *eml_pick_charset(const char *want, const char *const *texts, size_t n);

int eml_build(struct buf *out, const struct eml_msg *m, struct err *e);

/* Split "Name <addr>" (or a bare address). Pointers into buf (size n). 0 or -1. */
int eml_split_address(const char *in, char *buf, size_t n, const char **name, const char **addr);
/* A plain addr-spec we are willing to put in a header: local@domain, no spaces, quotes,
 * angle brackets or control characters. */
int eml_addr_ok(const char *addr);

#endif
