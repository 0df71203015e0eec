/* uidl_none: the destination gives every message a new UIDL; nothing is added, looked
 * for or recorded. */
#include "migrate/uidl/uidl.h"

const struct uidl_ops uidl_none_ops = {
	.name = "none",
	.promised = false,
	.prepare = uidl_prepare_plain,
	.find = uidl_find_nothing,
	.strip = uidl_strip_nothing,
	.finish = NULL,
};
