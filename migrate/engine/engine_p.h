/* engine_p: what the engine's stages share. Private to migrate/ (and its unit tests).
 *
 *   engine.c           the run: customers in order, workers, the progress snapshot
 *   engine_customer.c  one customer: sessions, passes with retries, the result
 *   engine_folders.c   which source folder goes to which destination folder
 *   engine_folder.c    one folder: list, diff with the journal, batches, sync
 *   engine_diff.c      PURE: listing + journal rows -> work items (no I/O)
 *   engine_fetch.c     one batch's raw fetch, on a second thread while the worker appends
 *   engine_copy.c      one batch: prepare -> settle -> intent -> append -> done
 *   engine_doubt.c     messages left in doubt by a crash, looked for on the destination
 *   engine_reconcile.c PURE: the journal against the destination's index (missing, found)
 *   engine_rematch.c   messages found again after the source reset a folder's UIDVALIDITY
 *   engine_count.c     the one place result, progress and pending are counted
 *   engine_sync.c      flag changes and deletions of messages copied earlier
 */
#ifndef CUTOVER_ENGINE_P_H
#define CUTOVER_ENGINE_P_H

#include <pthread.h>
#include <time.h>

#include "base/buf.h"
#include "mapping/journal.h"
#include "migrate/msg/digest.h"
#include "migrate/msg/spool.h"
#include "migrate/driver.h"
#include "migrate/engine/engine.h"
#include "migrate/engine/engine_recon.h"
#include "migrate/engine/pace.h"
#include "migrate/uidl/uidl.h"

struct engine_shared {
	const struct plan *plan;
	const struct engine_opts *opts;
	pthread_mutex_t mu;         /* guards prog and serialises opts->log */
	struct engine_progress prog;
	struct timespec start;
	struct pace pace;           /* the destination's messages-per-hour cap, for all workers */
};

/* One worker: its slot in the display and its own journal connection. */
struct engine_worker {
	struct engine_shared *sh;
	size_t slot;
	struct journal *j;
};

/* Copy one customer (with retries); fills r. Never fails the run. */
void engine_customer_run(struct engine_worker *w, const struct plan_customer *c,
                         struct engine_result *r);

/* Log a line for the operator (and the journal's event table). */
void engine_log(struct engine_worker *w, const char *customer, const char *level,
                const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* ---- one customer ---- */

/* One customer while it is being copied. Counters marked "pass" start again with every
 * pass: the journal, not memory, says what is done. */
struct engine_cust {
	struct engine_worker *w;
	const struct plan *p;
	const struct plan_customer *c;
	const struct uidl_ops *uidl;
	struct engine_result *r;
	struct src *src;
	struct dst *dst;
	bool progressed;            /* pass: the journal moved forward */
	uint64_t pending;           /* pass: listed, neither on the destination nor failed */
	uint64_t msg_failed;        /* pass: messages refused one by one */
	struct err msg_err;         /* the first of those refusals */
	bool display_new;           /* the folder being listed is new to the display */
	size_t folder_idx;          /* pass: folders listed */
	size_t folders_counted;     /* folders already counted in the display */
};

/* The one counting function: each event moves the result, the display and pending
 * together. LISTED/SKIPPED/TODO come from a folder's diff; COPIED (appended or found on
 * the destination) and FAILED from the copy stage; FOUND: on the destination unrecorded,
 * now recorded (handled, not copied: "already there"). */
enum engine_count_what { ENGINE_COUNT_LISTED, ENGINE_COUNT_SKIPPED, ENGINE_COUNT_TODO,
                         ENGINE_COUNT_COPIED, ENGINE_COUNT_FOUND, ENGINE_COUNT_FAILED };
void engine_count(struct engine_cust *x, enum engine_count_what what, uint64_t n, uint64_t bytes);
/* Fill the result's totals at the end of a customer (failed: the customer stopped). */
void engine_count_finish(struct engine_cust *x, bool failed);

/* Pass on what the source driver wants the operator to know. */
void engine_warnings(struct engine_cust *x);

/* Every source folder into its destination folder, created when missing. */
int engine_folders(struct engine_cust *x, struct err *e);

/* ---- one folder ---- */

/* The pure diff: which listed messages still need copying, in source order. */
struct engine_work {
	const struct drv_msg **todo;
	const struct journal_msg **prev;   /* todo[i]'s journal row from before, or NULL */
	size_t n;
	uint64_t listed_bytes, skipped, skipped_bytes;
	size_t stale;                      /* rows copied under another source UIDVALIDITY */
	struct journal_msg *reseq;         /* known rows whose source position moved */
	size_t n_reseq;
};
/* skip_deleted: messages flagged \Deleted on the source are not copied. Rows of set
 * that are DONE or SKIPPED are skipped; INTENT rows come back as in doubt (prev set),
 * FAILED ones are tried again. Only fails for memory (-1). */
int engine_diff(const struct drv_msg_list *list, const struct journal_msg_set *set,
                bool skip_deleted, uint32_t src_uidvalidity, struct engine_work *out);
void engine_work_free(struct engine_work *w);

/* In-doubt resolution for one folder: destination UIDs the journal accounts for are
 * never given to a second message (duplicates share Message-IDs and bytes). */
struct engine_doubt {
	uint32_t *claimed;
	size_t n, cap;
};
int engine_doubt_init(struct engine_doubt *d, const struct journal_msg_set *set,
                      uint32_t dst_uidvalidity);
int engine_doubt_claim(struct engine_doubt *d, uint32_t uid);
void engine_doubt_free(struct engine_doubt *d);

/* Re-matching after the source reset a folder's UIDVALIDITY: every message then has a new
 * key; rows copied under the old one are found again by size, digest and Message-ID. */
struct engine_rematch {
	const struct journal_msg_set *set;
	bool *used;                 /* rows found again (NULL: UIDVALIDITY unchanged) */
	uint32_t uidvalidity, dst_uidvalidity;
};
int engine_rematch_init(struct engine_rematch *m, const struct journal_msg_set *set,
                        size_t stale, uint32_t uidvalidity, uint32_t dst_uidvalidity);
/* The old row holding the same message, marked used, or NULL. */
const struct journal_msg *engine_rematch_take(struct engine_rematch *m, uint64_t size,
                                              const char *sha, const char *message_id);
/* Rows found again are superseded by their new rows: SKIPPED in the journal. */
int engine_rematch_finish(struct engine_rematch *m, struct journal *j, struct err *e);
void engine_rematch_free(struct engine_rematch *m);

/* Where one item of a folder is on its way. */
enum engine_item_state {
	ENGINE_ITEM_LISTED,         /* to be copied */
	ENGINE_ITEM_PREPARED,       /* fetched, prepared for the destination */
	ENGINE_ITEM_FOUND,          /* settled: already on the destination (in doubt, re-matched) */
	ENGINE_ITEM_INTENT,         /* journal says an APPEND is about to happen */
	ENGINE_ITEM_DONE,           /* on the destination, journal says so */
	ENGINE_ITEM_FAILED,         /* refused on its own (message-scope failure), journal says so */
};

#define ENGINE_MID_MAX 1000
/* A message over this many bytes (as the source lists it) goes through a spool file when
 * the plan does not say (migration.spool_threshold). */
#define ENGINE_SPOOL_THRESHOLD (1024u * 1024)

/* Keywords of one message that the selected destination folder keeps (at most
 * ENGINE_KW_MAX), and the same joined with spaces for the journal (NULL = none). */
#define ENGINE_KW_MAX 32
struct engine_kw {
	const char *v[ENGINE_KW_MAX + 1];   /* NULL-terminated, points into the source list */
	size_t n, dropped;
	char *joined;
};
int engine_kw_filter(struct dst *d, char *const *in, struct engine_kw *out);
void engine_kw_release(struct engine_kw *k);

struct engine_item {
	const struct drv_msg *m;
	const struct journal_msg *prev;   /* its journal row from before, if any */
	enum engine_item_state state;
	bool indexed;                     /* FOUND in the destination's index, not appended */
	struct buf data;                  /* the bytes as they will be stored (spooled: the headers
	                                     the tool adds; the message follows from spool) */
	bool spooled;                     /* over the plan's spool_threshold: in `spool` */
	struct spool spool;
	char sha_raw[DIGEST_HEX_LEN + 1], sha_crlf[DIGEST_HEX_LEN + 1];
	char mid[ENGINE_MID_MAX];
	time_t date;
	int tz;
	struct engine_kw kw;              /* keywords the destination folder keeps */
	struct journal_msg jm;
	/* What the raw fetch left for the worker (engine_fetch.c): */
	char *raw;                        /* the source's bytes (not spooled), until prepared */
	size_t raw_len;
	bool fetched;                     /* raw or spool holds the message */
	bool refused;                     /* the source refused this message on its own: why */
	struct err why;
};

/* One folder being copied: its names, UIDVALIDITYs and the state its stages own. */
struct engine_folder {
	struct engine_cust *x;
	const char *sfolder, *dfolder;
	uint32_t src_uidvalidity, dst_uidvalidity;
	unsigned src_caps;                /* read once: the source is busy fetching ahead */
	struct engine_doubt doubt;
	struct engine_rematch rematch;
	struct engine_recon recon;
	uint64_t kw_dropped;
};

int engine_folder_run(struct engine_cust *x, const char *sfolder, const char *dfolder,
                      struct err *e);
/* The raw fetch of one batch, on a thread of its own (engine_fetch.c). Between start and
 * take/join the source session and items[0..n) belong to that thread: the worker calls
 * no src op and reads none of those items. */
struct engine_fetch {
	struct engine_folder *f;          /* read only: the plan's spool settings */
	struct src *src;
	struct engine_item *items;
	size_t n, next;                   /* next: the first item not yet passed back */
	pthread_t th;
	bool running;
	int rc;
	struct err e;                     /* what stopped the fetch (not a message's own refusal) */
	struct buf warn;                  /* the source's warnings, each ending in '\0' */
	size_t warn_lost;
};
/* Start fetching items[0..n) (all LISTED) from f's source. */
void engine_fetch_start(struct engine_fetch *j, struct engine_folder *f, struct engine_item *items,
                        size_t n);
/* On the worker, in source order: wait for the fetch, log the source's warnings, fail the
 * messages it refused, prepare the rest. -1 when the batch cannot go on. */
int engine_fetch_take(struct engine_folder *f, struct engine_fetch *j, struct err *e);
/* Wait for the fetch to end (the source session is free again). */
void engine_fetch_wait(struct engine_fetch *j);
/* Wait for a fetch whose batch is dropped (its items are then released, nothing journaled). */
void engine_fetch_drop(struct engine_fetch *j);
/* Prepare a fetched item for the destination (its raw bytes freed). */
int engine_copy_prepare(struct engine_folder *f, struct engine_item *it, struct err *e);
/* Take items[0..n) (fetched and prepared, or FAILED) through settle, intent, append and
 * done. Items refused on their own end FAILED; -1 only when the customer cannot go on. */
int engine_copy_batch(struct engine_folder *f, struct engine_item *items, size_t n,
                      struct err *e);
void engine_items_release(struct engine_item *items, size_t n);
/* The bytes the destination will store for it (bare CR/LF made CRLF), spool included. */
uint64_t engine_item_stored(const struct engine_item *it);
/* Look for an in-doubt item on the destination; FOUND (with jm.dst_uid) when it is there. */
int engine_doubt_resolve(struct engine_folder *f, struct engine_item *it, struct err *e);
/* Whether destination message `uid` holds the item's bytes (what the strategy added stripped). */
int engine_doubt_same(struct engine_folder *f, uint32_t uid, const struct engine_item *it,
                      bool *same, struct err *e);
/* A message the journal does not know, looked for in the folder's index: FOUND when there. */
int engine_recon_settle(struct engine_folder *f, struct engine_item *it, struct err *e);
/* A message refused on its own: FAILED in the journal with the reason, counted. */
int engine_item_fail(struct engine_folder *f, struct engine_item *it, const struct err *why,
                     struct err *e);

struct engine_sync_stats {
	uint64_t flags_updated;     /* messages whose flags were set again on the destination */
	uint64_t deleted;           /* copied earlier, gone from the source since */
	uint64_t removed;           /* of those, removed from the destination (--mirror-deletes) */
};
/* For one folder after its new mail is copied: carry flag changes (src_flags: the source
 * has flags) and report or mirror deletions. set: the journal rows loaded before this
 * pass; superseded[i] marks rows re-matched under a new UIDVALIDITY (may be NULL). */
int engine_sync_folder(struct engine_worker *w, const char *customer, struct dst *d,
                       const char *dfolder, uint32_t dst_uidvalidity, bool src_flags,
                       const struct drv_msg_list *list, const struct journal_msg_set *set,
                       const bool *superseded, struct engine_sync_stats *st, struct err *e);

#endif
