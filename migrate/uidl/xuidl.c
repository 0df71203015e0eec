/* xuidl: add and recognise the leading X-UIDL header line. */
#include "migrate/uidl/xuidl.h"

#include <string.h>
#include <strings.h>

#define XUIDL_PREFIX "X-UIDL: "
#define XUIDL_MAX 70

bool xuidl_valid(const char *uidl)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)uidl; *p; p++, n++)
		if (*p < 0x21 || *p > 0x7e || n >= XUIDL_MAX)
			return false;
	return n > 0;
}

int xuidl_prepend(struct buf *out, const char *uidl, const char *data, size_t len,
                  struct err *e)
{
	if (!xuidl_valid(uidl))
		return err_set(e, ERR_DATA, "UIDL '%.80s' cannot be written as a header", uidl);
	buf_reset(out);
	if (buf_puts(out, XUIDL_PREFIX) < 0 || buf_puts(out, uidl) < 0 || buf_puts(out, "\r\n") < 0 ||
	    buf_append(out, data, len) < 0)
		return err_set(e, ERR_NOMEM, "message of %zu bytes: over the memory cap", len);
	return 0;
}

size_t xuidl_leading(const char *data, size_t len, char *uidl, size_t cap)
{
	size_t pl = sizeof XUIDL_PREFIX - 1;
	if (len < pl || strncasecmp(data, XUIDL_PREFIX, pl) != 0)
		return 0;
	const char *nl = memchr(data, '\n', len);
	if (!nl)
		return 0;
	size_t end = (size_t)(nl - data);
	size_t vend = end > 0 && data[end - 1] == '\r' ? end - 1 : end;
	if (uidl && cap) {
		size_t vl = vend - pl < cap - 1 ? vend - pl : cap - 1;
		memcpy(uidl, data + pl, vl);
		uidl[vl] = '\0';
	}
	return end + 1;
}
