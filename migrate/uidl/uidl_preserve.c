/* uidl_preserve: the old UIDL travels in an X-UIDL line at the top of the message (xuidl.c
 * does the bytes); a Dovecot destination with pop3_reuse_xuidl serves it again, so mail
 * programs that leave mail on the server download nothing twice. */
#include "migrate/uidl/uidl.h"

#include "migrate/uidl/xuidl.h"

/* Only a remembered UIDL that fits in a header is written. */
static bool uidl_preserve_carried(const char *key, enum drv_key_kind kind)
{
	return uidl_remembered(kind) && xuidl_valid(key);
}

static int uidl_preserve_prepare(const char *key, enum drv_key_kind kind, const char *data,
                                 size_t len, struct buf *out, bool *lost, struct err *e)
{
	if (!uidl_preserve_carried(key, kind)) {
		if (uidl_prepare_plain(key, kind, data, len, out, lost, e) < 0)
			return -1;
		*lost = uidl_remembered(kind);
		return 0;
	}
	*lost = false;
	return xuidl_prepend(out, key, data, len, e);
}

static bool uidl_preserve_find(const char *key, enum drv_key_kind kind, const char **name,
                               const char **value)
{
	if (!uidl_preserve_carried(key, kind))
		return false;
	*name = "X-UIDL";
	*value = key;
	return true;
}

/* Only what prepare added: a message whose key was never carried keeps a leading X-UIDL
 * of its own. */
static size_t uidl_preserve_strip(const char *key, enum drv_key_kind kind, const char *data,
                                  size_t len)
{
	return uidl_preserve_carried(key, kind) ? xuidl_leading(data, len, NULL, 0) : 0;
}

const struct uidl_ops uidl_preserve_ops = {
	.name = "preserve",
	.promised = true,
	.prepare = uidl_preserve_prepare,
	.find = uidl_preserve_find,
	.strip = uidl_preserve_strip,
	.finish = NULL,
};
