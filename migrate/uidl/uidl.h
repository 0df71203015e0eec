/* uidl: the UIDL strategy, the product's core promise, in one module. The plan's
 * migration.uidl picks one implementation (uidl_preserve.c, uidl_record.c, uidl_none.c);
 * the engine and verify call it through struct uidl_ops and never test the strategy
 * themselves. Whether a key is a UIDL a mail program remembers is answered here, one way:
 * by the kind the source driver gave the key. */
#ifndef CUTOVER_UIDL_H
#define CUTOVER_UIDL_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"
#include "mapping/journal.h"
#include "migrate/driver.h"
#include "schedule/plan.h"

/* True for a key that customers' POP3 programs remember (a server UIDL). A content digest
 * or an IMAP UID was never seen by a client. */
bool uidl_remembered(enum drv_key_kind kind);

/* What finishing a customer needs: the journal, and a way to open the destination as
 * the customer's POP3 program will see it (only opened when there is something to read). */
struct uidl_finish {
	struct journal *j;
	const char *customer;
	int (*open_view)(void *ctx, struct src **out, struct err *e);
	void (*warn)(void *ctx, const char *text);   /* an operator warning, not a failure */
	void *ctx;
};

struct uidl_ops {
	const char *name;
	/* Verify: the destination must serve every old UIDL as the source did, in its order;
	 * one missing or changed is a loss. */
	bool promised;
	/* out = the message as it is to be stored for a key of this kind. *lost: a remembered
	 * UIDL this strategy should keep but cannot (not RFC 1939): the operator hears of it. */
	int (*prepare)(const char *key, enum drv_key_kind kind, const char *data, size_t len,
	               struct buf *out, bool *lost, struct err *e);
	/* A header that finds this message on the destination (after a crash left it in
	 * doubt): false when the strategy adds none for this key. */
	bool (*find)(const char *key, enum drv_key_kind kind, const char **name, const char **value);
	/* Bytes at the start of a destination message that prepare added for a message with
	 * this key: skipped before it is compared with the source. */
	size_t (*strip)(const char *key, enum drv_key_kind kind, const char *data, size_t len);
	/* After a customer's messages are copied; may be NULL. */
	int (*finish)(const struct uidl_finish *f, struct err *e);
};

extern const struct uidl_ops uidl_preserve_ops;
extern const struct uidl_ops uidl_record_ops;
extern const struct uidl_ops uidl_none_ops;

/* The plan's strategy. */
const struct uidl_ops *uidl_strategy(const struct plan *p);

/* For strategies that add nothing to a message (record, none): it travels unchanged,
 * has no header of ours to be found by and nothing to strip. */
int uidl_prepare_plain(const char *key, enum drv_key_kind kind, const char *data, size_t len,
                       struct buf *out, bool *lost, struct err *e);
bool uidl_find_nothing(const char *key, enum drv_key_kind kind, const char **name,
                       const char **value);
size_t uidl_strip_nothing(const char *key, enum drv_key_kind kind, const char *data, size_t len);

#endif
