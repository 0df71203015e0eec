/* memdrv: an in-memory mail store for engine tests. It implements both driver interfaces
 * (struct src_ops over the source store, struct dst_ops over the destination store) and
 * plugs into the engine through engine_opts.drivers, so the engine runs in-process in
 * milliseconds without a server. Faults are scripted, not random. It lives in tests/unit
 * because nothing but tests may ever open it: the product cannot link it by mistake.
 *
 * A source store either has one mailbox keyed by UIDLs the test gives (like POP3) or
 * folders keyed "<uidvalidity>/<uid>" (like IMAP). The destination store can be kept in a
 * file after every change, so a test process that crashed on purpose leaves the
 * destination exactly as a real server would have it. */
#ifndef CUTOVER_MEMDRV_H
#define CUTOVER_MEMDRV_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "migrate/driver.h"
#include "migrate/engine/engine.h"

#define MEMDRV_FOLDERS_MAX 8

struct memdrv_msg {
	char *key;                  /* one-mailbox source: the UIDL the test gave (or NULL) */
	enum drv_key_kind kind;
	uint32_t uid;
	unsigned flags;
	char *data;
	size_t len;
	double visible_at;          /* destination: hidden until then (CLOCK_MONOTONIC s; 0: at once) */
};

struct memdrv_folder {
	char *name;
	uint32_t uidvalidity, next_uid;
	struct memdrv_msg *v;
	size_t n, cap;
};

struct memdrv_store {
	struct memdrv_folder f[MEMDRV_FOLDERS_MAX];
	size_t n;
	bool one_mailbox;           /* source: one folder, keys given by the test (POP3-like) */
};

struct memdrv {
	struct memdrv_store src, dst;
	const char *dst_path;       /* non-NULL: the destination store is saved here on change */
	/* Faults. Counts are over the memdrv's life (all sessions), 1-based; 0 = never. */
	size_t append_net_at;       /* this append fails like a dropped connection (once) */
	bool append_net_stored;     /* … after the server stored the message (it is in doubt) */
	unsigned append_late_ms;    /* … and it shows only this much later (the server was still
	                               storing it when the next session looked) */
	size_t append_toobig_at;    /* this append is refused: too big (message scope) */
	const char *fetch_toobig_key;   /* fetching this source key fails: too big (message scope) */
	size_t drop_after;          /* this operation fails like a dropped session (once) */
	bool no_uidplus;            /* appends report no UID */
	enum err_class open_src_fails, open_dst_fails;   /* that side's open fails so (ERR_NONE: opens) */
	unsigned open_ms, fetch_ms, append_ms;   /* each open / fetch / append takes this long */
	size_t stop_after_appends;  /* after this many appends, *stop is set (an interrupt) */
	volatile int *stop;
	/* Counters. */
	size_t appends, ops, opened, closed, indexes;
	/* The engine opens the sessions and fetches ahead on threads of its own: every
	 * counter above is kept under mu. What ran at the same time: */
	pthread_mutex_t mu;
	size_t opening, opening_max;   /* opens under way at once, the most seen */
	bool fetching, appending;
	size_t overlaps;               /* fetches and appends that began while the other ran */
	size_t spooled;                /* messages written through fetch_spool */
};

void memdrv_init(struct memdrv *m, bool one_mailbox);
void memdrv_free(struct memdrv *m);
/* A folder of a store (created when missing). */
struct memdrv_folder *memdrv_folder(struct memdrv_store *s, const char *name, uint32_t uidvalidity);
/* Add a message; key NULL for a folder store (its key is "<uidvalidity>/<uid>"). */
void memdrv_add(struct memdrv_folder *f, const char *key, enum drv_key_kind kind, const char *data,
                unsigned flags);
/* Save / load the destination store (dst_path). */
int memdrv_save(const struct memdrv *m);
int memdrv_load(struct memdrv *m);

/* For engine_opts.drivers: ctx is the struct memdrv. */
int memdrv_open(void *ctx, const struct plan_customer *c, enum session_role role, struct src **src,
                struct dst **dst, struct err *e);

extern const struct src_ops memdrv_src_ops;
extern const struct dst_ops memdrv_dst_ops;

#endif
