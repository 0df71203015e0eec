/* hdr: header field lookup over raw message bytes. */
#include "migrate/msg/hdr.h"

#include <string.h>
#include <strings.h>

size_t hdr_block_len(const char *data, size_t len)
{
	/* The header ends at the first line that is empty (LF or CRLF alone). */
	size_t i = 0;
	while (i < len) {
		if (data[i] == '\n')
			return i;
		if (data[i] == '\r' && i + 1 < len && data[i + 1] == '\n')
			return i;
		const char *nl = memchr(data + i, '\n', len - i);
		if (!nl)
			return len;
		i = (size_t)(nl - data) + 1;
	}
	return len;
}

/* End of the line starting at i (index of its LF, or n). */
static size_t hdr_eol(const char *d, size_t i, size_t n)
{
	const char *nl = memchr(d + i, '\n', n - i);
	return nl ? (size_t)(nl - d) : n;
}

static bool hdr_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool hdr_first(const char *data, size_t len, const char *name, char *out, size_t cap)
{
	size_t n = hdr_block_len(data, len), nl = strlen(name), i = 0;
	if (cap == 0)
		return false;
	while (i < n) {
		size_t e = hdr_eol(data, i, n);
		if (e - i > nl && data[i + nl] == ':' && strncasecmp(data + i, name, nl) == 0) {
			size_t o = 0;
			size_t p = i + nl + 1;
			for (;;) {
				for (; p < e; p++) {
					if (data[p] == '\r')
						continue;
					if (o + 1 < cap)
						out[o++] = data[p];
				}
				/* A continuation line starts with white space (folding). */
				if (e + 1 < n && (data[e + 1] == ' ' || data[e + 1] == '\t')) {
					p = e + 1;
					e = hdr_eol(data, p, n);
					continue;
				}
				break;
			}
			out[o] = '\0';
			size_t s = 0;
			while (out[s] && hdr_ws(out[s]))
				s++;
			memmove(out, out + s, o - s + 1);
			o -= s;
			while (o > 0 && hdr_ws(out[o - 1]))
				out[--o] = '\0';
			return true;
		}
		i = e + 1;
	}
	return false;
}

bool hdr_message_id(const char *data, size_t len, char *out, size_t cap)
{
	if (!hdr_first(data, len, "Message-ID", out, cap))
		return false;
	char *lt = strchr(out, '<'), *gt = lt ? strchr(lt, '>') : NULL;
	if (lt && gt) {
		size_t l = (size_t)(gt - lt) + 1;
		memmove(out, lt, l);
		out[l] = '\0';
	}
	return out[0] != '\0';
}
