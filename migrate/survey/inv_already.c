/* inv_already: see inv_already.h. */
#include "migrate/survey/inv_already.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "migrate/engine/engine_recon.h"
#include "migrate/msg/hdr.h"
#include "migrate/uidl/uidl.h"

struct inv_want {
	char *found_by;             /* the strategy's header value for this message, or NULL */
	char *message_id;           /* NULL until the headers say, or when they have none */
	uint64_t size;              /* as a run would store it */
};

struct inv_wants {
	const struct uidl_ops *uidl;
	const char *header;         /* the strategy's header name, once a message has one */
	struct inv_want *v;
	size_t n;
};

struct inv_wants *inv_wants_new(const struct plan *p, size_t n)
{
	struct inv_wants *w = calloc(1, sizeof *w);
	if (!w || !(w->v = calloc(n ? n : 1, sizeof *w->v))) {
		free(w);
		return NULL;
	}
	w->uidl = uidl_strategy(p);
	w->n = n;
	return w;
}

/* What the strategy adds to a message with this key, measured on its header block. */
static uint64_t inv_wants_added(const struct inv_wants *w, const struct drv_msg *m, const char *hdr,
                                size_t len)
{
	struct buf out;
	struct err e;
	bool lost = false;
	uint64_t added = 0;
	buf_init(&out, 0);
	err_clear(&e);
	if (w->uidl->prepare(m->key, m->kind, hdr, len, &out, &lost, &e) == 0)
		added = engine_recon_stored_size(out.data, out.len) - engine_recon_stored_size(hdr, len);
	buf_release(&out);
	return added;
}

int inv_wants_set(struct inv_wants *w, size_t i, const struct drv_msg *m, const char *hdr,
                  size_t len)
{
	struct inv_want *x = &w->v[i];
	const char *name = NULL, *value = NULL;
	if (i >= w->n)
		return 0;
	x->size = m->size;
	if (!x->found_by && w->uidl->find(m->key, m->kind, &name, &value)) {
		w->header = name;
		if (!(x->found_by = strdup(value)))
			return -1;
	}
	if (!hdr)
		return 0;
	char id[1000];
	if (!x->message_id && hdr_message_id(hdr, len, id, sizeof id) && !(x->message_id = strdup(id)))
		return -1;
	x->size = m->size + inv_wants_added(w, m, hdr, len);
	return 0;
}

const char *inv_wants_header(const struct inv_wants *w)
{
	return w ? w->header : NULL;
}

size_t inv_wants_count(const struct inv_wants *w, struct drv_index *ix)
{
	struct engine_recon r;
	size_t found = 0, cand[16];
	bool need_digest;
	if (engine_recon_init(&r, ix) < 0) {
		engine_recon_free(&r);
		return 0;
	}
	for (size_t i = 0; w && i < w->n; i++) {
		const struct engine_recon_want want = { w->v[i].found_by, w->v[i].message_id, w->v[i].size };
		size_t k = engine_recon_candidates(&r, &want, cand, sizeof cand / sizeof cand[0], &need_digest);
		/* a tie between copies with the same header and size is one of them either way;
		 * a match by size alone is a guess a run settles by digest: not counted */
		if (k > 0 && (!need_digest || want.message_id)) {
			engine_recon_take(&r, cand[0]);
			found++;
		}
	}
	engine_recon_free(&r);
	return found;
}

void inv_wants_free(struct inv_wants *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->n; i++) {
		free(w->v[i].found_by);
		free(w->v[i].message_id);
	}
	free(w->v);
	free(w);
}
