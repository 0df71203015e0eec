/* uidl: pick the plan's UIDL strategy; the parts the strategies share. */
#include "migrate/uidl/uidl.h"

/* The journal stores the driver's kinds by number. */
_Static_assert((int)JOURNAL_KEY_UIDL == (int)DRV_KEY_UIDL && (int)JOURNAL_KEY_DIGEST == (int)DRV_KEY_DIGEST &&
               (int)JOURNAL_KEY_UID == (int)DRV_KEY_UID, "journal and driver key kinds agree");

bool uidl_remembered(enum drv_key_kind kind)
{
	return kind == DRV_KEY_UIDL;
}

const struct uidl_ops *uidl_strategy(const struct plan *p)
{
	switch (p->migration.uidl) {
	case PLAN_UIDL_RECORD: return &uidl_record_ops;
	case PLAN_UIDL_NONE: return &uidl_none_ops;
	case PLAN_UIDL_PRESERVE: break;
	}
	return &uidl_preserve_ops;
}

int uidl_prepare_plain(const char *key, enum drv_key_kind kind, const char *data, size_t len,
                       struct buf *out, bool *lost, struct err *e)
{
	*lost = false;
	buf_reset(out);
	if (buf_append(out, data, len) < 0)
		return err_set(e, ERR_NOMEM, "message %s (%zu bytes): over the memory cap", key, len);
	return 0;
}

bool uidl_find_nothing(const char *key, enum drv_key_kind kind, const char **name,
                       const char **value)
{
	return false;
}

size_t uidl_strip_nothing(const char *key, enum drv_key_kind kind, const char *data, size_t len)
{
	return 0;
}
