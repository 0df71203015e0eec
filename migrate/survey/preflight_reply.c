/* preflight_reply: status and capability words of greeting and capability replies. */
#include "migrate/survey/preflight_reply.h"

#include <string.h>
#include <strings.h>

int preflight_reply_line(enum plan_proto proto, const char *tag, const char *line, char *caps,
                         size_t capsz, struct err *e)
{
	size_t have = strlen(caps), ll = strlen(line);
	if (have + ll + 2 < capsz) {
		memcpy(caps + have, line, ll);
		memcpy(caps + have + ll, "\n", 2);
	}
	switch (proto) {
	case PLAN_PROTO_POP3:
		if (!tag) /* single line */
			return strncmp(line, "+OK", 3) == 0;
		if (strncmp(line, "-ERR", 4) == 0)
			return 0;
		if (strcmp(line, ".") == 0)
			return 1;
		break;
	case PLAN_PROTO_IMAP:
		if (!tag)
			return strncmp(line, "* OK", 4) == 0 || strncmp(line, "* PREAUTH", 9) == 0;
		if (strncmp(line, tag, strlen(tag)) == 0 && line[strlen(tag)] == ' ')
			return strncmp(line + strlen(tag) + 1, "OK", 2) == 0;
		break;
	case PLAN_PROTO_SMTP:
		if (ll < 4)
			return err_set(e, ERR_PROTOCOL, "short SMTP reply '%s'", line);
		if (line[3] == ' ')
			return line[0] == '2';
		break;
	}
	return PREFLIGHT_REPLY_MORE;
}

bool preflight_reply_has(const char *caps, const char *word)
{
	size_t wl = strlen(word);
	/* Capability names are case-insensitive; a word starts after a space, a line break or
	 * SMTP's "250-", and ends at a space, '=' (AUTH=PLAIN, SIZE=…) or the line's end. */
	for (const char *p = caps; *p; p++) {
		if (strncasecmp(p, word, wl) != 0)
			continue;
		bool start = p == caps || p[-1] == ' ' || p[-1] == '\n' || p[-1] == '-';
		char end = p[wl];
		if (start && (end == ' ' || end == '\n' || end == '\0' || end == '=' || end == ']'))
			return true;
	}
	return false;
}
