/* eml: build a MIME message with iconv for the Japanese mail charset. */
#include "notices/eml.h"

#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "notices/when.h"

#define EML_WORD_RAW 42 /* raw bytes per encoded word: keeps each word within 75 chars */
#define EML_LINE_MAX 998

static const char eml_b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int eml_base64(struct buf *out, const unsigned char *p, size_t n, size_t wrap)
{
	size_t col = 0;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
		             (i + 2 < n ? p[i + 2] : 0);
		char q[4] = { eml_b64[v >> 18 & 63], eml_b64[v >> 12 & 63],
		              i + 1 < n ? eml_b64[v >> 6 & 63] : '=', i + 2 < n ? eml_b64[v & 63] : '=' };
		if (buf_append(out, q, 4) < 0)
			return -1;
		col += 4;
		if (wrap && col >= wrap && i + 3 < n) {
			if (buf_puts(out, "\r\n") < 0)
				return -1;
			col = 0;
		}
	}
	return wrap ? buf_puts(out, "\r\n") : 0;
}

/* Convert UTF-8 to charset, appending to out. -1 with errno EILSEQ when a character has
 * no equivalent; the converter ends in its initial state (ASCII for ISO-2022-JP). */
static int eml_conv(struct buf *out, const char *charset, const char *s, size_t n)
{
	iconv_t cd;
	char chunk[1024];
	char *in = (char *)s;
	size_t left = n;
	int rc = 0;
	if (strcasecmp(charset, "UTF-8") == 0)
		return buf_append(out, s, n);
	cd = iconv_open(charset, "UTF-8");
	if (cd == (iconv_t)-1)
		return -1;
	for (;;) {
		char *o = chunk;
		size_t ol = sizeof chunk, r;
		bool flush = left == 0;
		r = flush ? iconv(cd, NULL, NULL, &o, &ol) : iconv(cd, &in, &left, &o, &ol);
		if (buf_append(out, chunk, sizeof chunk - ol) < 0) {
			rc = -1;
			break;
		}
		if (r == (size_t)-1 && errno != E2BIG) {
			rc = -1;
			break;
		}
		if (flush && r != (size_t)-1)
			break;
	}
	iconv_close(cd);
	return rc;
}

static bool eml_ascii_safe(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return false;
	return true;
}

/* The string with control characters made spaces: nothing can start a new header. */
static int eml_clean(struct buf *out, const char *s)
{
	buf_reset(out);
	for (; *s; s++) {
		char ch = (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s;
		if (buf_append(out, &ch, 1) < 0)
			return -1;
	}
	return buf_puts(out, "");
}

static size_t eml_utf8_len(unsigned char c)
{
	return c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
}

/* RFC 2047 B-encoded words, each a complete charset sequence, folded with CRLF SP. */
static int eml_words(struct buf *out, const char *s, const char *charset)
{
	struct buf raw = BUF_INIT, try = BUF_INIT;
	size_t i = 0, n = strlen(s);
	int rc = -1, words = 0;
	while (i < n) {
		size_t j = i, best = i;
		buf_reset(&raw);
		/* Grow the chunk one character at a time while it still fits one word. */
		while (j < n) {
			size_t k = j + eml_utf8_len((unsigned char)s[j]);
			if (k > n)
				k = n;
			buf_reset(&try);
			if (eml_conv(&try, charset, s + i, k - i) < 0)
				goto out;
			if (try.len > EML_WORD_RAW && best > i)
				break;
			best = k;
			buf_reset(&raw);
			if (buf_append(&raw, try.data, try.len) < 0)
				goto out;
			j = k;
		}
		if (buf_printf(out, "%s=?%s?B?", words++ ? "\r\n " : "", charset) < 0 ||
		    eml_base64(out, (unsigned char *)raw.data, raw.len, 0) < 0 || buf_puts(out, "?=") < 0)
			goto out;
		i = best;
	}
	rc = 0;
out:
	buf_release(&raw);
	buf_release(&try);
	return rc;
}

/* A display name: as is when plain ASCII without specials, else encoded words. */
static int eml_phrase(struct buf *out, const char *name, const char *charset)
{
	if (eml_ascii_safe(name) && !strpbrk(name, "()<>[]:;@\\,.\"") && !strstr(name, "=?"))
		return buf_puts(out, name);
	return eml_words(out, name, charset);
}

int eml_addr_ok(const char *a)
{
	const char *at = a ? strchr(a, '@') : NULL;
	if (!at || at == a || !at[1] || strchr(at + 1, '@'))
		return 0;
	for (; *a; a++)
		if ((unsigned char)*a <= 0x20 || (unsigned char)*a >= 0x7f || strchr("<>()[]\\,;:\"", *a))
			return 0;
	return 1;
}

int eml_split_address(const char *in, char *b, size_t n, const char **name, const char **addr)
{
	const char *lt = strrchr(in, '<'), *gt = lt ? strchr(lt, '>') : NULL;
	size_t len = strlen(in);
	if (len + 2 > n)
		return -1;
	memcpy(b, in, len + 1);
	if (!lt) {
		*name = NULL;
		*addr = b;
	} else {
		char *nm = b, *end;
		if (!gt)
			return -1;
		b[gt - in] = 0;
		*addr = b + (lt - in) + 1;
		end = b + (lt - in);
		*end = 0;
		while (end > nm && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = 0;
		while (*nm == ' ')
			nm++;
		if (*nm == '"' && end > nm + 1 && end[-1] == '"') {
			nm++;
			end[-1] = 0;
		}
		*name = *nm ? nm : NULL;
	}
	return eml_addr_ok(*addr) ? 0 : -1;
}

static int eml_mailbox(struct buf *out, const char *hdr, const char *name, const char *addr,
                       const char *charset, struct buf *tmp)
{
	if (buf_printf(out, "%s: ", hdr) < 0)
		return -1;
	if (name && *name) {
		if (eml_clean(tmp, name) < 0 || eml_phrase(out, tmp->data, charset) < 0 ||
		    buf_puts(out, " ") < 0)
			return -1;
	}
	return buf_printf(out, "<%s>\r\n", addr);
}

/* Body: LF → CRLF, converted; 7bit when every line is short ASCII, else base64. */
static int eml_part(struct buf *out, const char *type, const char *body, const char *charset)
{
	struct buf crlf = BUF_INIT, conv = BUF_INIT;
	bool seven = true;
	size_t col = 0;
	int rc = -1;
	for (const char *s = body; *s; s++) {
		if (*s == '\r')
			continue;
		if ((*s == '\n' ? buf_puts(&crlf, "\r\n") : buf_append(&crlf, s, 1)) < 0)
			goto out;
	}
	if (crlf.len && (crlf.len < 2 || memcmp(crlf.data + crlf.len - 2, "\r\n", 2) != 0) &&
	    buf_puts(&crlf, "\r\n") < 0)
		goto out;
	if (eml_conv(&conv, charset, crlf.data ? crlf.data : "", crlf.len) < 0)
		goto out;
	for (size_t i = 0; i < conv.len; i++) {
		unsigned char ch = (unsigned char)conv.data[i];
		if (ch >= 0x80 || ch == 0 || (ch == '\r' && (i + 1 >= conv.len || conv.data[i + 1] != '\n'))) {
			seven = false;
			break;
		}
		col = ch == '\n' ? 0 : col + 1;
		if (col > EML_LINE_MAX) {
			seven = false;
			break;
		}
	}
	if (buf_printf(out, "Content-Type: %s; charset=%s\r\nContent-Transfer-Encoding: %s\r\n\r\n",
	               type, charset, seven ? "7bit" : "base64") < 0)
		goto out;
	if (seven ? buf_append(out, conv.data ? conv.data : "", conv.len) < 0
	          : eml_base64(out, (unsigned char *)conv.data, conv.len, 76) < 0)
		goto out;
	rc = 0;
out:
	buf_release(&crlf);
	buf_release(&conv);
	return rc;
}

static int eml_date(struct buf *out, time_t t, const char *tz)
{
	static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const mo[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;
	long off;
	if (when_local(t, tz, &tm) < 0)
		return -1;
	off = tm.tm_gmtoff / 60;
	return buf_printf(out, "Date: %s, %d %s %d %02d:%02d:%02d %c%02ld%02ld\r\n", wd[tm.tm_wday],
	                  tm.tm_mday, mo[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
	                  tm.tm_sec, off < 0 ? '-' : '+', (off < 0 ? -off : off) / 60,
	                  (off < 0 ? -off : off) % 60);
}

const char *eml_pick_charset(const char *want, const char *const *texts, size_t n)
{
	if (!want || !*want || strcasecmp(want, "UTF-8") == 0)
		return "UTF-8";
	for (size_t i = 0; i < n; i++) {
		struct buf b = BUF_INIT;
		int rc = texts[i] ? eml_conv(&b, want, texts[i], strlen(texts[i])) : 0;
		buf_release(&b);
		if (rc < 0)
			return "UTF-8";
	}
	return want;
}

int eml_build(struct buf *out, const struct eml_msg *m, struct err *e)
{
	const char *cs = m->charset && *m->charset ? m->charset : "UTF-8";
	struct buf tmp = BUF_INIT;
	char boundary[48];
	uint32_t h = 2166136261u;

	if (!eml_addr_ok(m->to_addr))
		return err_set(e, ERR_DATA, "address '%s' cannot be used in a mail header", m->to_addr);
	if (!eml_addr_ok(m->from_addr) || (m->reply_to && !eml_addr_ok(m->reply_to)))
		return err_set(e, ERR_DATA, "notices.from / reply_to: not a usable address");
	if (!m->message_id || !eml_addr_ok(m->message_id))
		return err_set(e, ERR_INTERNAL, "eml: bad Message-ID");
	{
		const char *v[] = { m->subject, m->text, m->html, m->from_name, m->to_name };
		if (strcmp(eml_pick_charset(cs, v, sizeof v / sizeof v[0]), cs) != 0)
			return err_set(e, ERR_DATA, "eml: text cannot be written in %s", cs);
	}
	for (const char *s = m->message_id; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	snprintf(boundary, sizeof boundary, "=_cutover_%08x_%lld", h, (long long)m->date);

	if (eml_date(out, m->date, m->tz) < 0 ||
	    eml_mailbox(out, "From", m->from_name, m->from_addr, cs, &tmp) < 0 ||
	    (m->reply_to && buf_printf(out, "Reply-To: <%s>\r\n", m->reply_to) < 0) ||
	    eml_mailbox(out, "To", m->to_name, m->to_addr, cs, &tmp) < 0 ||
	    buf_puts(out, "Subject: ") < 0 || eml_clean(&tmp, m->subject) < 0)
		goto nomem;
	if ((eml_ascii_safe(tmp.data) && !strstr(tmp.data, "=?") ? buf_puts(out, tmp.data)
	                                                         : eml_words(out, tmp.data, cs)) < 0)
		goto nomem;
	if (buf_printf(out, "\r\nMessage-ID: <%s>\r\nMIME-Version: 1.0\r\n", m->message_id) < 0)
		goto nomem;
	if (!m->html) {
		if (eml_part(out, "text/plain", m->text, cs) < 0)
			goto nomem;
	} else {
		if (buf_printf(out, "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n"
		                    "This is a multi-part message in MIME format.\r\n\r\n--%s\r\n",
		               boundary, boundary) < 0 ||
		    eml_part(out, "text/plain", m->text, cs) < 0 ||
		    buf_printf(out, "\r\n--%s\r\n", boundary) < 0 ||
		    eml_part(out, "text/html", m->html, cs) < 0 ||
		    buf_printf(out, "\r\n--%s--\r\n", boundary) < 0)
			goto nomem;
	}
	buf_release(&tmp);
	return 0;
nomem:
	buf_release(&tmp);
	return err_set(e, ERR_NOMEM, "eml: message too large or out of memory");
}
