/* pop3resp: classification of POP3 -ERR replies by their RFC 2449/3206 response code. */
#include "migrate/pop3/pop3resp.h"

#include <ctype.h>
#include <libetpan/libetpan.h>
#include <string.h>

static const struct {
	const char *code;
	enum err_class cls;
} pop3resp_table[] = {
	{"IN-USE", ERR_LOCKED},         /* RFC 2449: another session holds the maildrop lock */
	{"LOGIN-DELAY", ERR_LOGIN_DELAY}, /* RFC 2449: logged in too recently */
	{"SYS/TEMP", ERR_TEMP},         /* RFC 3206: transient system problem */
	{"SYS/PERM", ERR_PERM},         /* RFC 3206: permanent system problem */
	{"SYS", ERR_TEMP},              /* RFC 3206 without a sub-code: assume it may pass */
	{"AUTH", ERR_AUTH},             /* RFC 3206: the credentials are the problem */
	{"UTF8", ERR_PERM},             /* RFC 6856: needs UTF8 mode we do not use */
};

const char *pop3resp_code(const char *text, char *code, size_t cap)
{
	code[0] = '\0';
	if (!text || text[0] != '[')
		return text ? text : "";
	const char *end = strchr(text, ']');
	if (!end)
		return text;
	size_t n = (size_t)(end - text - 1);
	if (n == 0 || n >= cap)
		return text;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)text[1 + i];
		/* RFC 2449 resp-code: atoms separated by '/'; anything else is not a code. */
		if (!(isalnum(c) || c == '-' || c == '/')) {
			code[0] = '\0';
			return text;
		}
		code[i] = (char)toupper(c);
	}
	code[n] = '\0';
	end++;
	while (*end == ' ')
		end++;
	return end;
}

int pop3resp_err(struct err *e, enum err_class fallback, const char *what, const char *text,
                 int login_delay)
{
	char code[sizeof e->resp_code];
	pop3resp_code(text, code, sizeof code);
	enum err_class cls = fallback;
	for (size_t i = 0; i < sizeof pop3resp_table / sizeof pop3resp_table[0]; i++)
		if (strcmp(code, pop3resp_table[i].code) == 0) {
			cls = pop3resp_table[i].cls;
			break;
		}
	err_set(e, cls, "%s: server said: %s", what, text && *text ? text : "-ERR (no text)");
	memcpy(e->resp_code, code, sizeof code);
	if (text)
		err_server(e, text);
	if (cls == ERR_LOGIN_DELAY && login_delay > 0)
		e->wait_seconds = login_delay;
	return -1;
}

int pop3resp_lib_err(struct err *e, int etpan_rc, const char *what, double elapsed, int timeout)
{
	switch (etpan_rc) {
	case MAILPOP3_ERROR_MEMORY:
		return err_set(e, ERR_NOMEM, "%s: out of memory", what);
	case MAILPOP3_ERROR_SSL:
		return err_set(e, ERR_TLS, "%s: TLS handshake failed", what);
	case MAILPOP3_ERROR_CONNECTION_REFUSED:
		return err_set(e, ERR_NET, "%s: cannot connect (refused, unreachable or unknown host)", what);
	case MAILPOP3_ERROR_STREAM:
		/* libetpan says only "stream error"; a read that lasted the whole timeout was a
		 * silent server, anything quicker a closed or reset connection. */
		if (timeout > 0 && elapsed + 0.5 >= timeout)
			return err_set(e, ERR_TIMEOUT, "%s: no answer within %d s", what, timeout);
		return err_set(e, ERR_NET, "%s: connection closed or reset by the server", what);
	default:
		return err_set(e, ERR_PROTOCOL, "%s: failed (libetpan error %d)", what, etpan_rc);
	}
}
