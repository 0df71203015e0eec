/* uidlstyle: classify a list of UIDLs by the server that probably issued them. */
#include "migrate/uidl/uidlstyle.h"

#include <ctype.h>
#include <string.h>

enum uidlstyle_kind { K_UNKNOWN, K_QMAIL, K_HEX16, K_COURIER, K_CYRUS };

static size_t uidlstyle_span(const char *s, int (*cls)(int))
{
	size_t i = 0;
	while (s[i] && cls((unsigned char)s[i]))
		i++;
	return i;
}

static enum uidlstyle_kind uidlstyle_one(const char *u)
{
	size_t n = strlen(u);
	if (n == 16 && uidlstyle_span(u, isxdigit) == 16)
		return K_HEX16;
	size_t d = uidlstyle_span(u, isdigit);
	if (d > 0 && d == n)
		return K_CYRUS;                    /* bare UID */
	if (d > 0 && u[d] == '.') {
		const char *rest = u + d + 1;
		size_t d2 = uidlstyle_span(rest, isdigit);
		if (d2 > 0 && rest[d2] == '\0')
			return K_CYRUS;            /* uidvalidity.uid */
		/* maildir: time.unique.host[,S=..][...]: a non-empty middle part, then a dot */
		const char *dot = strchr(rest, '.');
		if (dot && dot > rest && dot[1] != '\0')
			return K_QMAIL;
		return K_UNKNOWN;
	}
	if (strncmp(u, "UID", 3) == 0) {
		const char *p = u + 3;
		size_t a = uidlstyle_span(p, isdigit);
		if (a > 0 && p[a] == '\0')
			return K_COURIER;
		if (a > 0 && p[a] == '-') {
			size_t b = uidlstyle_span(p + a + 1, isdigit);
			if (b > 0 && p[a + 1 + b] == '\0')
				return K_COURIER;
		}
	}
	return K_UNKNOWN;
}

/* For 16-hex UIDLs: which half stays the same (the UIDVALIDITY) across the mailbox. */
static const char *uidlstyle_hex(const char *const *u, size_t n)
{
	int first_same = 1, last_same = 1;
	for (size_t i = 1; i < n; i++) {
		if (strncmp(u[i], u[0], 8) != 0)
			first_same = 0;
		if (strncmp(u[i] + 8, u[0] + 8, 8) != 0)
			last_same = 0;
	}
	if (n > 1 && last_same && !first_same)
		return "dovecot";
	if (n > 1 && first_same && !last_same)
		return "uw";
	return "dovecot-or-uw";
}

const char *uidlstyle_guess(const char *const *uidls, size_t n)
{
	if (n == 0)
		return "unknown";
	enum uidlstyle_kind k = uidlstyle_one(uidls[0]);
	for (size_t i = 1; i < n && k != K_UNKNOWN; i++)
		if (uidlstyle_one(uidls[i]) != k)
			k = K_UNKNOWN;
	switch (k) {
	case K_QMAIL: return "qmail";
	case K_HEX16: return uidlstyle_hex(uidls, n);
	case K_COURIER: return "courier";
	case K_CYRUS: return "cyrus";
	default: return "unknown";
	}
}
