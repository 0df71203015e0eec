/* engine_p: what engine.c, engine_customer.c and pool.c share. Private to migrate/. */
#ifndef CUTOVER_ENGINE_P_H
#define CUTOVER_ENGINE_P_H

#include <pthread.h>
#include <time.h>

#include "mapping/journal.h"
#include "migrate/driver.h"
#include "migrate/engine.h"

struct engine_shared {
	const struct plan *plan;
	const struct engine_opts *opts;
	pthread_mutex_t mu;         /* guards prog and serialises opts->log */
	struct engine_progress prog;
	struct timespec start;
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

/* After the source reset a folder's UIDVALIDITY: the row of set (copied under another
 * UIDVALIDITY into the same destination folder, not used[] yet) holding the same message
 * — same size, SHA-256 and Message-ID — or -1. */
int engine_rematch_find(const struct journal_msg_set *set, bool *used, uint32_t uidvalidity,
                        uint32_t dst_uidvalidity, uint64_t size, const char *sha,
                        const char *message_id);

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

/* Log a line for the operator (and the journal's event table). */
void engine_log(struct engine_worker *w, const char *customer, const char *level,
                const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
