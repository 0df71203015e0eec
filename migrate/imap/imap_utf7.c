/* imap_utf7: modified UTF-7 mailbox names through glibc's "UTF-7-IMAP" iconv module,
 * plus the delimiter translation that must happen on the decoded side. */
#include "migrate/imap/imap_utf7.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

/* Mailbox names are short; anything longer than this is refused rather than converted. */
#define IMAP_UTF7_NAME_MAX 4096

static char *imap_utf7_iconv(const char *to, const char *from, const char *in, struct err *e)
{
	size_t inlen = strlen(in);
	if (inlen > IMAP_UTF7_NAME_MAX) {
		err_set(e, ERR_DATA, "mailbox name longer than %d bytes", IMAP_UTF7_NAME_MAX);
		return NULL;
	}
	iconv_t cd = iconv_open(to, from);
	if (cd == (iconv_t)-1) {
		err_set(e, ERR_INTERNAL, "iconv %s -> %s unavailable: %s", from, to, strerror(errno));
		return NULL;
	}
	/* UTF-8 -> mUTF-7 grows at most 8/3 + shift bytes per input byte; 4x + 16 is ample
	 * for both directions. */
	size_t cap = inlen * 4 + 16;
	char *out = malloc(cap);
	if (!out) {
		iconv_close(cd);
		err_set(e, ERR_NOMEM, "out of memory");
		return NULL;
	}
	char *ip = (char *)in, *op = out;
	size_t il = inlen, ol = cap - 1;
	size_t rc = iconv(cd, &ip, &il, &op, &ol);
	if (rc != (size_t)-1)
		rc = iconv(cd, NULL, NULL, &op, &ol); /* flush the shift state */
	iconv_close(cd);
	if (rc == (size_t)-1) {
		free(out);
		err_set(e, strcmp(from, "UTF-8") == 0 ? ERR_DATA : ERR_PROTOCOL,
		        "mailbox name '%.200s' is not valid %s", in, from);
		return NULL;
	}
	*op = '\0';
	return out;
}

char *imap_utf7_to_server(const char *utf8, char delim, struct err *e)
{
	char *tmp = strdup(utf8);
	if (!tmp) {
		err_set(e, ERR_NOMEM, "out of memory");
		return NULL;
	}
	if (delim && delim != '/') {
		for (char *p = tmp; *p; p++) {
			if (*p == delim) {
				err_set(e, ERR_DATA, "folder '%.200s' contains the server's hierarchy "
				        "delimiter '%c' inside a level name", utf8, delim);
				free(tmp);
				return NULL;
			}
			if (*p == '/')
				*p = delim;
		}
	}
	char *out = imap_utf7_iconv("UTF-7-IMAP", "UTF-8", tmp, e);
	free(tmp);
	return out;
}

char *imap_utf7_from_server(const char *mutf7, char delim, struct err *e)
{
	char *out = imap_utf7_iconv("UTF-8", "UTF-7-IMAP", mutf7, e);
	/* The delimiter is plain ASCII outside base64 runs, so swapping it after decoding
	 * touches only real hierarchy separators. */
	if (out && delim && delim != '/')
		for (char *p = out; *p; p++)
			if (*p == delim)
				*p = '/';
	return out;
}
