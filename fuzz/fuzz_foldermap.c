/* fuzz_foldermap: a glob, a folder name, a rule's `to` and the server's delimiter (NUL
 * between them). The glob must agree with the plain recursive definition (the first '*'
 * takes the shortest text that lets the rest match), computed here with memoisation for
 * short inputs; then the folder goes through a map with that rule. */
#include "fuzz/fuzz.h"

#include <stdbool.h>
#include <strings.h>

#include "migrate/engine/foldermap.h"

#define REF_MAX 48

struct ref {
	const char *p, *n;
	size_t pl, nl;
	signed char memo[REF_MAX + 1][REF_MAX + 1];   /* -1 unknown, 0/1 */
};

/* Whether p[i..] matches n[j..] ('*' matches any run). */
static bool ref_glob(struct ref *r, size_t i, size_t j)
{
	if (r->memo[i][j] >= 0)
		return r->memo[i][j];
	bool ok;
	if (i == r->pl)
		ok = j == r->nl;
	else if (r->p[i] == '*')
		ok = ref_glob(r, i + 1, j) || (j < r->nl && ref_glob(r, i, j + 1));
	else
		ok = j < r->nl && r->p[i] == r->n[j] && ref_glob(r, i + 1, j + 1);
	r->memo[i][j] = ok;
	return ok;
}

/* The reference for p against n: result, and the first star's text (offset, length). */
static bool ref_match(struct ref *r, const char *p, const char *n, size_t *off, size_t *len)
{
	r->p = p, r->n = n, r->pl = strlen(p), r->nl = strlen(n);
	memset(r->memo, -1, sizeof r->memo);
	if (!ref_glob(r, 0, 0))
		return false;
	const char *st = strchr(p, '*');
	if (!st)
		return true;
	size_t i = (size_t)(st - p);
	*off = i; /* before the first star everything is literal: the same length in n */
	for (size_t k = 0; i + k <= r->nl; k++)
		if (ref_glob(r, i + 1, i + k)) {
			*len = k;
			return true;
		}
	__builtin_trap(); /* the whole matched, so some split exists */
}

static size_t first_len(const char *s)
{
	const char *sl = strchr(s, '/');
	return sl ? (size_t)(sl - s) : strlen(s);
}

static void check_glob(const char *pat, const char *name)
{
	static struct ref r;
	const char *star = NULL;
	size_t star_len = 0, off = 0, len = 0;
	bool got = foldermap_match(pat, name, &star, &star_len);
	if (got && star)
		FUZZ_ASSERT(star >= name && star + star_len <= name + strlen(name));
	if (strlen(pat) > REF_MAX || strlen(name) > REF_MAX)
		return;
	/* foldermap_match takes a first component INBOX on both sides in any case as equal. */
	size_t pf = first_len(pat), nf = first_len(name);
	bool inbox = pf == 5 && nf == 5 && !strncasecmp(pat, "INBOX", 5) && !strncasecmp(name, "INBOX", 5);
	const char *p = inbox ? pat + 5 : pat, *n = inbox ? name + 5 : name;
	bool want = ref_match(&r, p, n, &off, &len);
	FUZZ_ASSERT(got == want);
	if (got && strchr(p, '*'))
		FUZZ_ASSERT(star == n + off && star_len == len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_parts fp;
	fuzz_parts_split(&fp, data, size, 4);
	check_glob(fp.s[0], fp.s[1]);
	(void)foldermap_guess_special(fp.s[1]);

	struct plan_folder_rule rule = { .from = (char *)fp.s[0], .to = (char *)fp.s[2] };
	char *excl = "Trash*";
	struct plan p;
	memset(&p, 0, sizeof p);
	p.migration.folder_rules = &rule;
	p.migration.n_folder_rules = 1;
	p.migration.exclude_folders = &excl;
	p.migration.n_exclude_folders = 1;
	struct drv_folder dst[] = { { .name = "Sent", .special = DRV_SPECIAL_SENT }, { .name = "ゴミ箱" } };
	struct foldermap *m = NULL;
	struct err e;
	err_clear(&e);
	if (foldermap_new(&m, &p, dst, 2, &e) < 0)
		abort();
	struct drv_folder src = { .name = (char *)fp.s[1], .delim = fp.s[3][0] };
	char *out = NULL;
	const char *why = NULL;
	if (foldermap_map(m, &src, &out, &why, &e) == 0)
		FUZZ_ASSERT(why && (out != NULL) == (strcmp(why, "excluded") != 0));
	free(out);
	foldermap_free(m);
	fuzz_parts_release(&fp);
	return 0;
}
