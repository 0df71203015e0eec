/* test_vtally: verify's folder comparison on its own — multisets of identities (a
 * duplicate is seen), altered bytes under a UIDL identity, the POP3 order, and what the
 * journal may and may not change: a failure recorded, mail newer than a pre-stage, an
 * ALTERED record accepted; a loss the journal calls copied stays a loss. */
#include <stdio.h>
#include <string.h>

#include "migrate/verify/vtally.h"
#include "tests/unit/t.h"

/* "id:sha" per item, in listing order; rec from a parallel string ('c' copied, 'f'
 * failed, 'a' altered, '-' unknown). */
static size_t t_items(struct vtally_item *v, const char *const *spec, const char *rec)
{
	size_t n = 0;
	for (; spec[n]; n++) {
		memset(&v[n], 0, sizeof v[n]);
		v[n].id = spec[n];
		v[n].sha = strchr(spec[n], ':') ? strchr(spec[n], ':') + 1 : spec[n];
		v[n].key = spec[n];
		v[n].pos = n;
		char r = rec ? rec[n] : 'c';
		v[n].rec = r == 'f' ? VTALLY_REC_FAILED : r == 'a' ? VTALLY_REC_ALTERED
		         : r == '-' ? VTALLY_REC_NONE : VTALLY_REC_COPIED;
	}
	return n;
}

/* Compare with identity = the text before ':' (a UIDL) or the whole item (a digest). */
static struct vtally_counts t_cmp_named(const char *const *s, const char *srec,
                                        const char *const *d, bool by_uidl, bool prestage,
                                        char *names)
{
	struct vtally_item sv[16], dv[16];
	char ids[2][16][16];
	size_t ns = t_items(sv, s, srec), nd = t_items(dv, d, NULL);
	for (size_t i = 0; by_uidl && i < ns + nd; i++) {
		struct vtally_item *x = i < ns ? &sv[i] : &dv[i - ns];
		char *id = ids[i >= ns][i < ns ? i : i - ns];
		snprintf(id, 16, "%.*s", (int)strcspn(x->id, ":"), x->id);
		x->id = id;
	}
	for (size_t k = 0; k < nd; k++)
		dv[k].rec = VTALLY_REC_NONE;
	struct vtally_opts o = { by_uidl, by_uidl, prestage };
	struct vtally_report r;
	struct err e;
	memset(&r, 0, sizeof r);
	T_CHECK(vtally_folder(sv, ns, dv, nd, &o, &r, &e) == 0);
	if (names)
		memcpy(names, r.names, sizeof r.names);
	return r.n;
}

static struct vtally_counts t_cmp(const char *const *s, const char *srec, const char *const *d,
                                  bool by_uidl, bool prestage)
{
	return t_cmp_named(s, srec, d, by_uidl, prestage, NULL);
}

static void t_same(void)
{
	const char *s[] = { "u1:a", "u2:b", "u3:c", NULL };
	struct vtally_counts c = t_cmp(s, NULL, s, true, false);
	T_INTEQ(c.matched, 3);
	T_INTEQ(vtally_problems(&c), 0);
}

static void t_duplicates(void)
{
	const char *s[] = { "u1:a", "u2:b", NULL }, *d[] = { "u1:a", "u2:b", "u2:b", "u2:b", NULL };
	struct vtally_counts c = t_cmp(s, NULL, d, true, false);
	T_INTEQ(c.duplicated, 2);
	T_INTEQ(c.extra + c.missing + c.altered + c.out_of_order, 0);
	/* by digest too: the same bytes twice on the source need two copies */
	const char *s2[] = { "a", "a", "b", NULL }, *d2[] = { "a", "b", "b", NULL };
	c = t_cmp(s2, NULL, d2, false, false);
	T_INTEQ(c.missing, 1);
	T_INTEQ(c.duplicated, 1);
}

static void t_altered_and_extra(void)
{
	const char *s[] = { "u1:a", "u2:b", NULL }, *d[] = { "u1:a", "u2:B", "new:z", NULL };
	struct vtally_counts c = t_cmp(s, NULL, d, true, false);
	T_INTEQ(c.altered, 1);
	T_INTEQ(c.extra, 1);
	T_INTEQ(c.missing, 0);
	/* by digest an altered body is one missing and one extra */
	const char *s2[] = { "a", "b", NULL }, *d2[] = { "a", "B", NULL };
	c = t_cmp(s2, NULL, d2, false, false);
	T_INTEQ(c.missing, 1);
	T_INTEQ(c.extra, 1);
	/* …unless the journal recorded it ALTERED */
	c = t_cmp(s2, "ca", d2, false, false);
	T_INTEQ(vtally_problems(&c), 0);
	T_INTEQ(c.accepted, 1);
}

static void t_order(void)
{
	const char *s[] = { "u1:a", "u2:b", "u3:c", "u4:d", "u5:e", NULL };
	const char *d[] = { "u1:a", "u3:c", "u4:d", "u5:e", "u2:b", NULL };
	char names[VTALLY_NAMES_MAX];
	T_INTEQ(t_cmp_named(s, NULL, d, true, false, names).out_of_order, 1);
	T_STREQ(names, "out of order u2:b");
	const char *d2[] = { "u5:e", "u2:b", "u3:c", "u4:d", "u1:a", NULL };
	T_INTEQ(t_cmp_named(s, NULL, d2, true, false, names).out_of_order, 2);
	T_STREQ(names, "out of order u5:e; out of order u1:a");
}

static void t_journal(void)
{
	const char *s[] = { "u1:a", "u2:b", "u3:c", NULL }, *d[] = { "u1:a", NULL };
	/* u2 recorded failed, u3 copied: one failed, one missing — the record never hides it */
	struct vtally_counts c = t_cmp(s, "cfc", d, true, false);
	T_INTEQ(c.failed, 1);
	T_INTEQ(c.missing, 1);
	/* unknown to the journal after a pre-stage: pending, not missing */
	c = t_cmp(s, "c--", d, true, true);
	T_INTEQ(c.pending, 2);
	T_INTEQ(c.missing, 0);
	/* …after a final phase, missing */
	c = t_cmp(s, "c--", d, true, false);
	T_INTEQ(c.missing, 2);
}

int main(void)
{
	T_RUN(t_same);
	T_RUN(t_duplicates);
	T_RUN(t_altered_and_extra);
	T_RUN(t_order);
	T_RUN(t_journal);
	return T_DONE();
}
