/* foldermap: source folder → destination folder (see foldermap.h for the order of rules). */
#include "migrate/engine/foldermap.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct foldermap_dst {
	char *name;
	enum drv_special special;
};

struct foldermap {
	const struct plan *p;
	struct foldermap_dst *dst;
	size_t n_dst;
};

/* Names mail programs and servers give special folders (imapsync's guess_special knows
 * a similar list); compared case-insensitively with a folder's last component. */
static const struct {
	enum drv_special special;
	const char *name;
} foldermap_known[] = {
	{DRV_SPECIAL_SENT, "Sent"},          {DRV_SPECIAL_SENT, "Sent Items"},
	{DRV_SPECIAL_SENT, "Sent Messages"}, {DRV_SPECIAL_SENT, "Sent Mail"},
	{DRV_SPECIAL_SENT, "送信済み"},      {DRV_SPECIAL_SENT, "送信済みアイテム"},
	{DRV_SPECIAL_SENT, "送信済みメール"}, {DRV_SPECIAL_SENT, "Gesendet"},
	{DRV_SPECIAL_SENT, "Gesendete Elemente"},
	{DRV_SPECIAL_DRAFTS, "Drafts"},      {DRV_SPECIAL_DRAFTS, "Draft"},
	{DRV_SPECIAL_DRAFTS, "下書き"},      {DRV_SPECIAL_DRAFTS, "Entwürfe"},
	{DRV_SPECIAL_TRASH, "Trash"},        {DRV_SPECIAL_TRASH, "Deleted Items"},
	{DRV_SPECIAL_TRASH, "Deleted Messages"}, {DRV_SPECIAL_TRASH, "Bin"},
	{DRV_SPECIAL_TRASH, "ごみ箱"},       {DRV_SPECIAL_TRASH, "ゴミ箱"},
	{DRV_SPECIAL_TRASH, "削除済みアイテム"}, {DRV_SPECIAL_TRASH, "Papierkorb"},
	{DRV_SPECIAL_JUNK, "Junk"},          {DRV_SPECIAL_JUNK, "Spam"},
	{DRV_SPECIAL_JUNK, "Junk E-mail"},   {DRV_SPECIAL_JUNK, "Junk Mail"},
	{DRV_SPECIAL_JUNK, "迷惑メール"},
	{DRV_SPECIAL_ARCHIVE, "Archive"},    {DRV_SPECIAL_ARCHIVE, "Archives"},
	{DRV_SPECIAL_ARCHIVE, "アーカイブ"},
};

static bool foldermap_is_inbox(const char *s, size_t n)
{
	return n == 5 && strncasecmp(s, "INBOX", 5) == 0;
}

/* Length of the first '/'-component. */
static size_t foldermap_first_len(const char *s)
{
	const char *sl = strchr(s, '/');
	return sl ? (size_t)(sl - s) : strlen(s);
}

/* Iterative glob: a run of '*' is one star, and on a mismatch only the last star takes one
 * more character (an earlier star never needs to: a later one can absorb whatever it
 * would), so the time is O(|pat| * |name|) however many stars there are. The text the
 * first star matched is the shortest that lets the rest match: it ends where the literal
 * part after it first matched (or at once when the first star is doubled, "**": the
 * second one takes everything). */
static bool foldermap_glob(const char *pat, const char *name, const char **star, size_t *star_len)
{
	const char *after = NULL; /* pattern just after the last star */
	const char *from = NULL;  /* where in name the text after that star now starts */
	const char *first = NULL; /* where the first star's text starts */
	size_t first_len = 0, stars = 0;
	bool first_done = false;
	for (;;) {
		if (*pat == '*') {
			const char *run = pat;
			while (*pat == '*')
				pat++;
			if (stars == 0) {
				first = name;
				first_done = pat - run > 1;
			} else if (!first_done) {
				first_len = (size_t)(from - first);
				first_done = true;
			}
			stars++;
			after = pat;
			from = name;
		} else if (*name && *name == *pat) {
			pat++, name++;
		} else if (!*name && !*pat) {
			break;
		} else if (after && *from) {
			pat = after;
			name = ++from;
		} else {
			return false;
		}
	}
	if (stars && !first_done)
		first_len = (size_t)(from - first);
	if (stars && star) {
		*star = first;
		*star_len = first_len;
	}
	return true;
}

bool foldermap_match(const char *pattern, const char *name, const char **star, size_t *star_len)
{
	const char *s = NULL;
	size_t sl = 0;
	size_t pl = foldermap_first_len(pattern), nl = foldermap_first_len(name);
	bool ok;
	/* The first component INBOX in any case on either side is the one INBOX. */
	if (foldermap_is_inbox(pattern, pl) && foldermap_is_inbox(name, nl))
		ok = foldermap_glob(pattern + pl, name + nl, &s, &sl);
	else
		ok = foldermap_glob(pattern, name, &s, &sl);
	if (ok && star) {
		*star = s;
		*star_len = sl;
	}
	return ok;
}

enum drv_special foldermap_guess_special(const char *name)
{
	const char *last = strrchr(name, '/');
	last = last ? last + 1 : name;
	for (size_t i = 0; i < sizeof foldermap_known / sizeof foldermap_known[0]; i++)
		if (strcasecmp(last, foldermap_known[i].name) == 0)
			return foldermap_known[i].special;
	return DRV_SPECIAL_NONE;
}

/* Only a top-level folder or a child of INBOX (Courier, Cyrus: INBOX.Sent) is guessed
 * from its name: "Projects/Sent" is the user's own. */
static bool foldermap_guessable(const char *name)
{
	size_t fl = foldermap_first_len(name);
	if (!name[fl])
		return true;
	return foldermap_is_inbox(name, fl) && !strchr(name + fl + 1, '/');
}

int foldermap_new(struct foldermap **out, const struct plan *p, const struct drv_folder *dst,
                  size_t n_dst, struct err *e)
{
	*out = NULL;
	struct foldermap *m = calloc(1, sizeof *m);
	if (!m || !(m->dst = calloc(n_dst + 1, sizeof *m->dst))) {
		free(m);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	m->p = p;
	for (size_t i = 0; i < n_dst; i++) {
		if (dst[i].noselect)
			continue;
		struct foldermap_dst *d = &m->dst[m->n_dst];
		if (!(d->name = strdup(dst[i].name))) {
			foldermap_free(m);
			return err_set(e, ERR_NOMEM, "out of memory");
		}
		d->special = dst[i].special;
		m->n_dst++;
	}
	*out = m;
	return 0;
}

void foldermap_free(struct foldermap *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n_dst; i++)
		free(m->dst[i].name);
	free(m->dst);
	free(m);
}

/* "INBOX" for any case of it, "INBOX/x" for "inbox/x"; else a copy. */
static char *foldermap_norm(const char *name)
{
	char *s = strdup(name);
	size_t fl = s ? foldermap_first_len(s) : 0;
	if (s && foldermap_is_inbox(s, fl))
		memcpy(s, "INBOX", 5);
	return s;
}

/* The name with the server's own delimiter, so a rule written as the old server shows
 * it (`INBOX.Sent`) matches too. */
static char *foldermap_native(const char *name, char delim)
{
	char *s = strdup(name);
	for (char *c = s; c && *c; c++)
		if (*c == '/')
			*c = delim;
	return s;
}

/* Rule `to` with its '*' replaced by what the source's '*' matched. */
static char *foldermap_subst(const char *to, const char *star, size_t star_len)
{
	const char *st = strchr(to, '*');
	size_t tl = strlen(to);
	if (!st || !star)
		return foldermap_norm(to);
	char *s = malloc(tl + star_len + 1);
	if (!s)
		return NULL;
	size_t k = (size_t)(st - to);
	memcpy(s, to, k);
	memcpy(s + k, star, star_len);
	memcpy(s + k + star_len, st + 1, tl - k - 1);
	s[k + star_len + tl - k - 1] = '\0';
	/* A rule "INBOX slash star → star" applied to INBOX itself leaves nothing: INBOX. */
	if (!s[0]) {
		free(s);
		return strdup("INBOX");
	}
	char *n = foldermap_norm(s);
	free(s);
	return n;
}

static bool foldermap_pat(const char *pat, const char *name, const char *native,
                          const char **star, size_t *star_len)
{
	*star = NULL;
	*star_len = 0;
	return foldermap_match(pat, name, star, star_len) ||
	       (native && foldermap_match(pat, native, star, star_len));
}

static const char *foldermap_special_dst(const struct foldermap *m, enum drv_special sp)
{
	for (size_t i = 0; i < m->n_dst; i++)
		if (m->dst[i].special == sp)
			return m->dst[i].name;
	for (size_t i = 0; i < m->n_dst; i++)
		if (foldermap_guessable(m->dst[i].name) && foldermap_guess_special(m->dst[i].name) == sp)
			return m->dst[i].name;
	return NULL;
}

int foldermap_map(const struct foldermap *m, const struct drv_folder *src, char **out,
                  const char **why, struct err *e)
{
	const struct plan *p = m->p;
	const char *star;
	size_t star_len;
	*out = NULL;
	*why = "excluded";
	char *name = foldermap_norm(src->name);
	char *native = src->delim && src->delim != '/' ? foldermap_native(name ? name : "", src->delim)
	                                               : NULL;
	if (!name || (src->delim && src->delim != '/' && !native)) {
		free(name);
		free(native);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	int rc = 0;
	for (size_t i = 0; i < p->migration.n_exclude_folders; i++)
		if (foldermap_pat(p->migration.exclude_folders[i], name, native, &star, &star_len))
			goto done;
	for (size_t i = 0; i < p->migration.n_folder_rules; i++) {
		const struct plan_folder_rule *r = &p->migration.folder_rules[i];
		if (!r->from || !r->to || !foldermap_pat(r->from, name, native, &star, &star_len))
			continue;
		*why = "plan rule";
		*out = foldermap_subst(r->to, star, star_len);
		goto done;
	}
	if (strcmp(name, "INBOX") != 0) {
		enum drv_special sp = src->special;
		if (sp == DRV_SPECIAL_NONE && foldermap_guessable(name))
			sp = foldermap_guess_special(name);
		const char *d = sp != DRV_SPECIAL_NONE ? foldermap_special_dst(m, sp) : NULL;
		if (d) {
			*why = "special use";
			*out = strdup(d);
			goto done;
		}
	}
	*why = "same name";
	*out = name;
	name = NULL;
done:
	if (strcmp(*why, "excluded") != 0 && !*out)
		rc = err_set(e, ERR_NOMEM, "out of memory");
	free(name);
	free(native);
	return rc;
}

const char *foldermap_pop3(const struct plan *p)
{
	return p->migration.pop3_folder && p->migration.pop3_folder[0] ? p->migration.pop3_folder
	                                                               : "INBOX";
}
