/* vtally: compare one folder's source and destination as multisets of identities. */
#include "migrate/verify/vtally.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int vt_cmp(const void *a, const void *b)
{
	const struct vtally_item *x = a, *y = b;
	int c = strcmp(x->id, y->id);
	return c ? c : strcmp(x->sha, y->sha);
}

void vtally_name(struct vtally_report *r, const char *what, const char *key, size_t count)
{
	enum { VT_NAMED_MAX = 5 };
	size_t len = strlen(r->names);
	if (r->named >= VT_NAMED_MAX || len + 8 >= sizeof r->names)
		return;
	r->named++;
	if (count > 1)
		snprintf(r->names + len, sizeof r->names - len, "%s%s %s (%zu)", len ? "; " : "", what,
		         key, count);
	else
		snprintf(r->names + len, sizeof r->names - len, "%s%s %s", len ? "; " : "", what, key);
}

/* One group of equal identity: s[0..ns) from the source, d[0..nd) from the destination,
 * both sorted by digest. Equal digests pair off; what is left on both sides is altered
 * (the same UIDL with other bytes), then missing or more copies than the source has. */
struct vt_group {
	struct vtally_item *s, *d;
	size_t ns, nd;
};

static void vt_unpaired(const struct vt_group *g, bool *sm, bool *dm, size_t *su, size_t *du)
{
	*su = *du = 0;
	for (size_t i = 0, k = 0; i < g->ns || k < g->nd;) {
		int c = i == g->ns ? 1 : k == g->nd ? -1 : strcmp(g->s[i].sha, g->d[k].sha);
		if (c == 0) {
			sm[i++] = dm[k++] = true;
		} else if (c < 0) {
			sm[i++] = false;
			(*su)++;
		} else {
			dm[k++] = false;
			(*du)++;
		}
	}
}

/* A source message with no copy of its own: what the journal says sorts it. */
static void vt_deficit(const struct vtally_item *m, const struct vtally_opts *o, struct vtally_report *r,
                       size_t *accepted_unpaired)
{
	switch (m->rec) {
	case VTALLY_REC_FAILED:
		r->n.failed++;
		vtally_name(r, "failed (recorded)", m->key, 1);
		return;
	case VTALLY_REC_ALTERED:
		/* its changed copy is somewhere among the extra ones (identity by digest) */
		r->n.accepted++;
		(*accepted_unpaired)++;
		return;
	case VTALLY_REC_NONE:
		r->n.pending++;
		if (o->prestage)
			return;
		break;
	case VTALLY_REC_COPIED:
		break;
	}
	r->n.missing++;
	vtally_name(r, "missing", m->key, 1);
}

static void vt_group(const struct vt_group *g, bool *sm, bool *dm, const struct vtally_opts *o,
                     struct vtally_report *r, size_t *accepted_unpaired)
{
	size_t su, du;
	vt_unpaired(g, sm, dm, &su, &du);
	r->n.matched += g->ns - su;
	size_t alt = su < du ? su : du;
	/* Recorded ALTERED messages take the differing copies first: accepted, not altered. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < g->ns && alt; i++) {
			if (sm[i] || (pass == 0) != (g->s[i].rec == VTALLY_REC_ALTERED))
				continue;
			sm[i] = true;
			alt--;
			if (g->s[i].rec == VTALLY_REC_ALTERED) {
				r->n.accepted++;
			} else {
				r->n.altered++;
				vtally_name(r, "altered", g->s[i].key, 1);
			}
		}
	for (size_t i = 0; i < g->ns; i++)
		if (!sm[i])
			vt_deficit(&g->s[i], o, r, accepted_unpaired);
	size_t over = du - (su < du ? su : du);
	if (over == 0)
		return;
	if (g->ns) {
		r->n.duplicated += over;
		vtally_name(r, "duplicated", g->d[0].key, g->nd);
	} else {
		for (size_t k = 0; k < g->nd; k++) {
			bool ours = g->d[k].rec == VTALLY_REC_COPIED;
			r->n.source_deleted += ours;
			if (ours && o->prestage)
				continue;
			r->n.extra++;
			vtally_name(r, ours ? "extra (deleted on the source)" : "extra", g->d[k].key, 1);
		}
	}
}

/* Destination messages out of the source's order: those outside a longest increasing run
 * of source positions, in destination order — how many must move. ord[p] is the source
 * position of the message at destination position p (SIZE_MAX for none), key[p] its
 * name; at[] and prev[] are scratch of n entries. The first few are named. */
struct vt_order {
	const size_t *ord;
	const char *const *key;
	size_t n;
	size_t *at, *prev;         /* at[l]: dest position ending the best run of length l+1 */
};

static size_t vt_out_of_order(const struct vt_order *x, struct vtally_report *r)
{
	size_t len = 0, m = 0;
	for (size_t p = 0; p < x->n; p++) {
		if (x->ord[p] == SIZE_MAX)
			continue;
		m++;
		size_t lo = 0, hi = len;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (x->ord[x->at[mid]] < x->ord[p])
				lo = mid + 1;
			else
				hi = mid;
		}
		x->prev[p] = lo ? x->at[lo - 1] : SIZE_MAX;
		x->at[lo] = p;
		if (lo == len)
			len++;
	}
	/* Walk the longest run back; what is not on it moved. prev[] becomes "on the run". */
	size_t p = len ? x->at[len - 1] : SIZE_MAX;
	for (size_t q = 0; q < x->n; q++)
		x->at[q] = 0;
	for (; p != SIZE_MAX; p = x->prev[p])
		x->at[p] = 1;
	for (size_t q = 0; q < x->n; q++)
		if (x->ord[q] != SIZE_MAX && !x->at[q])
			vtally_name(r, "out of order", x->key[q], 1);
	return m - len;
}

/* The first destination copy of an identity at the first source position of it. */
static void vt_order_mark(const struct vt_group *g, size_t *ord, const char **key, size_t nord)
{
	size_t sp = SIZE_MAX, dp = SIZE_MAX, dk = 0;
	for (size_t i = 0; i < g->ns; i++)
		sp = g->s[i].pos < sp ? g->s[i].pos : sp;
	for (size_t k = 0; k < g->nd; k++)
		if (g->d[k].pos < dp) {
			dp = g->d[k].pos;
			dk = k;
		}
	if (sp != SIZE_MAX && dp < nord) {
		ord[dp] = sp;
		key[dp] = g->d[dk].key;
	}
}

static size_t vt_span(const struct vtally_item *v, size_t i, size_t n, const char *id)
{
	size_t j = i;
	while (j < n && strcmp(v[j].id, id) == 0)
		j++;
	return j - i;
}

int vtally_folder(struct vtally_item *src, size_t ns, struct vtally_item *dst, size_t nd,
                  const struct vtally_opts *o, struct vtally_report *r, struct err *e)
{
	size_t nord = 0, accepted_unpaired = 0;
	for (size_t k = 0; k < nd; k++)
		nord = dst[k].pos + 1 > nord ? dst[k].pos + 1 : nord;
	bool *sm = calloc(ns + 1, sizeof *sm), *dm = calloc(nd + 1, sizeof *dm);
	size_t *ord = malloc((3 * nord + 1) * sizeof *ord);
	const char **key = calloc(nord + 1, sizeof *key);
	if (!sm || !dm || !ord || !key) {
		free(sm), free(dm), free(ord), free(key);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	for (size_t p = 0; p < nord; p++)
		ord[p] = SIZE_MAX;
	qsort(src, ns, sizeof *src, vt_cmp);
	qsort(dst, nd, sizeof *dst, vt_cmp);
	for (size_t i = 0, k = 0; i < ns || k < nd;) {
		int c = i == ns ? 1 : k == nd ? -1 : strcmp(src[i].id, dst[k].id);
		const char *id = c <= 0 ? src[i].id : dst[k].id;
		struct vt_group g = { src + i, dst + k, c <= 0 ? vt_span(src, i, ns, id) : 0,
		                      c >= 0 ? vt_span(dst, k, nd, id) : 0 };
		vt_group(&g, sm + i, dm + k, o, r, &accepted_unpaired);
		if (g.ns && g.nd)
			vt_order_mark(&g, ord, key, nord);
		i += g.ns;
		k += g.nd;
	}
	/* A recorded ALTERED message found by digest: its changed copy is one of the extra. */
	size_t take = accepted_unpaired < r->n.extra ? accepted_unpaired : r->n.extra;
	r->n.extra -= take;
	if (o->check_order) {
		const struct vt_order x = { ord, key, nord, ord + nord, ord + 2 * nord };
		r->n.out_of_order += vt_out_of_order(&x, r);
	}
	free(sm), free(dm), free(ord), free(key);
	return 0;
}

size_t vtally_problems(const struct vtally_counts *c)
{
	return c->missing + c->extra + c->duplicated + c->altered + c->out_of_order + c->failed;
}

void vtally_add(struct vtally_counts *sum, const struct vtally_counts *c)
{
	sum->matched += c->matched;
	sum->missing += c->missing;
	sum->extra += c->extra;
	sum->duplicated += c->duplicated;
	sum->altered += c->altered;
	sum->out_of_order += c->out_of_order;
	sum->failed += c->failed;
	sum->pending += c->pending;
	sum->accepted += c->accepted;
	sum->source_deleted += c->source_deleted;
}
