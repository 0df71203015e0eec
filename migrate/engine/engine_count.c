/* engine_count: the one place a customer's numbers move. Each event updates the result,
 * the live display and what is still pending together, so the three cannot disagree. The
 * display counts a folder's listing once, in the first pass that lists it; the result
 * starts again with every pass. */
#include "migrate/engine/engine_p.h"

#include <stdio.h>

void engine_count(struct engine_cust *x, enum engine_count_what what, uint64_t n, uint64_t bytes)
{
	struct engine_shared *sh = x->w->sh;
	struct engine_progress *pg = &sh->prog;
	struct engine_slot *s = &pg->slot[x->w->slot];
	pthread_mutex_lock(&sh->mu);
	switch (what) {
	case ENGINE_COUNT_LISTED:
		x->r->listed += n;
		x->r->listed_bytes += bytes;
		if (x->display_new) {
			pg->msgs_listed += n;
			pg->bytes_listed += bytes;
			s->total += n;
		}
		break;
	case ENGINE_COUNT_SKIPPED:
		x->r->skipped_bytes += bytes;
		if (x->display_new) {
			s->done += n;
			pg->msgs_handled += n;
			pg->bytes_handled += bytes;
		}
		break;
	case ENGINE_COUNT_TODO:
		x->pending += n;
		break;
	case ENGINE_COUNT_COPIED:
		s->done += n;
		pg->msgs_handled += n;
		pg->msgs_copied += n;
		pg->bytes_copied += bytes;
		pg->bytes_handled += bytes;
		x->r->copied += n;
		x->r->bytes += bytes;
		x->pending -= n;
		x->progressed = true;
		break;
	case ENGINE_COUNT_FOUND:
		s->done += n;
		pg->msgs_handled += n;
		x->pending -= n;
		x->progressed = true;
		break;
	case ENGINE_COUNT_FAILED:
		s->done += n;
		pg->msgs_handled += n;
		x->msg_failed += n;
		x->pending -= n;
		break;
	}
	pthread_mutex_unlock(&sh->mu);
}

void engine_count_finish(struct engine_cust *x, bool failed)
{
	struct engine_result *r = x->r;
	uint64_t not_copied = x->msg_failed + (failed ? x->pending : 0);
	r->failed = not_copied;
	r->skipped = r->listed > r->copied + not_copied ? r->listed - r->copied - not_copied : 0;
	if (failed || !x->msg_failed)
		return;
	/* The customer went through, but messages were refused: it is not ok. */
	r->ok = false;
	r->went_through = true;
	r->cls = x->msg_err.cls ? x->msg_err.cls : ERR_INTERNAL;
	snprintf(r->error, sizeof r->error, "%llu message(s) not copied; the first: %s%s%s",
	         (unsigned long long)x->msg_failed, x->msg_err.msg,
	         x->msg_err.server[0] ? " — server: " : "", x->msg_err.server);
}
