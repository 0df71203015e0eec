/* test_foldermap: source folder → destination folder. */
#include <stdlib.h>
#include <string.h>

#include "migrate/engine/foldermap.h"
#include "t.h"

static struct plan_folder_rule rules[] = {
	{ .from = "INBOX.Sent", .to = "Sent" },
	{ .from = "Old/*", .to = "Archive/2002/*" },
	{ .from = "INBOX/*", .to = "*" },
	{ .from = "Lists/*/x*", .to = "Mailing lists/*" },
};
static char *excl[] = { "Trash", "Shared/*" };

static void plan_init(struct plan *p, bool with_rules)
{
	memset(p, 0, sizeof *p);
	if (with_rules) {
		p->migration.folder_rules = rules;
		p->migration.n_folder_rules = sizeof rules / sizeof rules[0];
	}
	p->migration.exclude_folders = excl;
	p->migration.n_exclude_folders = 2;
}

/* Map one source folder and return the result (static buffer), "-" for excluded. */
static const char *map(const struct foldermap *m, const char *name, char delim,
                       enum drv_special sp, const char **why)
{
	static char res[256];
	struct drv_folder f = { .name = (char *)name, .delim = delim, .special = sp };
	struct err e;
	char *out = NULL;
	err_clear(&e);
	if (foldermap_map(m, &f, &out, why, &e) < 0)
		return "ERROR";
	snprintf(res, sizeof res, "%s", out ? out : "-");
	free(out);
	return res;
}

static void test_match(void)
{
	const char *s = NULL;
	size_t sl = 0;
	T_CHECK(foldermap_match("INBOX", "inbox", NULL, NULL));
	T_CHECK(foldermap_match("inbox/*", "INBOX/a/b", &s, &sl));
	T_INTEQ(sl, 3);
	T_CHECK(s && strncmp(s, "a/b", 3) == 0);
	T_CHECK(foldermap_match("*", "x/y", NULL, NULL));
	T_CHECK(foldermap_match("a*c", "abbc", NULL, NULL));
	T_CHECK(!foldermap_match("a*c", "abbd", NULL, NULL));
	T_CHECK(!foldermap_match("Sent", "sent", NULL, NULL));
	T_CHECK(!foldermap_match("INBOX/*", "INBOXES/x", NULL, NULL));
	/* The first star takes as little as it can; doubled, it takes nothing ("**": the
	 * second star takes the rest). */
	T_CHECK(foldermap_match("*/*", "a/b/c", &s, &sl));
	T_CHECK(s && sl == 1 && s[0] == 'a');
	T_CHECK(foldermap_match("x**c", "xabc", &s, &sl));
	T_CHECK(s && sl == 0 && *s == 'a');
	T_CHECK(foldermap_match("a***", "a", &s, &sl));
	T_INTEQ(sl, 0);
	T_CHECK(!foldermap_match("a*b*", "a", NULL, NULL));
}

/* 40 stars against a 4000-character name: a backtracking glob would try every way to
 * split the name among the stars and never finish; these must answer at once. */
static void test_match_many_stars(void)
{
	char pat[128] = "", name[4100];
	const char *s = NULL;
	size_t sl = 0;
	for (int i = 0; i < 40; i++)
		strcat(pat, "*b");
	strcat(pat, "*c");
	for (int i = 0; i < 2000; i++)
		memcpy(name + 2 * i, "ab", 2);
	name[4000] = '\0';
	T_CHECK(!foldermap_match(pat, name, NULL, NULL));
	name[4000] = 'c';
	name[4001] = '\0';
	T_CHECK(foldermap_match(pat, name, &s, &sl));
	T_CHECK(s == name && sl == 1);
	/* All 'b': every star could end at any of them; the name ends in 'd', not 'c'. */
	memset(name, 'b', 4000);
	name[4000] = 'd';
	T_CHECK(!foldermap_match(pat, name, NULL, NULL));
}

static void test_rules(void)
{
	struct plan p;
	struct foldermap *m = NULL;
	struct err e;
	const char *why;
	err_clear(&e);
	plan_init(&p, true);
	T_REQUIRE(foldermap_new(&m, &p, NULL, 0, &e) == 0);
	/* A rule written with the old server's delimiter matches the '/'-normalised name. */
	T_STREQ(map(m, "INBOX/Sent", '.', DRV_SPECIAL_NONE, &why), "Sent");
	T_STREQ(why, "plan rule");
	T_STREQ(map(m, "inbox/Lists/dev", '.', DRV_SPECIAL_NONE, &why), "Lists/dev");
	T_STREQ(map(m, "Old/x/y", '/', DRV_SPECIAL_NONE, &why), "Archive/2002/x/y");
	/* Two stars: `to` gets the first one's text, the shortest that lets the rest match. */
	T_STREQ(map(m, "Lists/a/b/xy/xz", '/', DRV_SPECIAL_NONE, &why), "Mailing lists/a/b");
	T_STREQ(map(m, "inbox", '.', DRV_SPECIAL_NONE, &why), "INBOX");
	T_STREQ(map(m, "Projects/日本語", '.', DRV_SPECIAL_NONE, &why), "Projects/日本語");
	T_STREQ(why, "same name");
	T_STREQ(map(m, "Trash", '.', DRV_SPECIAL_TRASH, &why), "-");
	T_STREQ(why, "excluded");
	T_STREQ(map(m, "Shared/team", '.', DRV_SPECIAL_NONE, &why), "-");
	T_STREQ(map(m, "Shared", '.', DRV_SPECIAL_NONE, &why), "Shared");
	foldermap_free(m);
}

static void test_special(void)
{
	struct plan p;
	struct foldermap *m = NULL;
	struct err e;
	const char *why;
	struct drv_folder dst[] = {
		{ .name = "INBOX" },
		{ .name = "Gesendet", .special = DRV_SPECIAL_SENT },
		{ .name = "Papierkorb" },           /* no SPECIAL-USE: found by its name */
		{ .name = "Entwürfe", .special = DRV_SPECIAL_DRAFTS, .noselect = true },
	};
	err_clear(&e);
	plan_init(&p, false);
	p.migration.n_exclude_folders = 0;
	T_REQUIRE(foldermap_new(&m, &p, dst, 4, &e) == 0);
	T_STREQ(map(m, "Sent Items", '/', DRV_SPECIAL_NONE, &why), "Gesendet");
	T_STREQ(why, "special use");
	T_STREQ(map(m, "Outbox-copies", '/', DRV_SPECIAL_SENT, &why), "Gesendet");
	T_STREQ(map(m, "INBOX/送信済み", '.', DRV_SPECIAL_NONE, &why), "Gesendet");
	T_STREQ(map(m, "Deleted Items", '/', DRV_SPECIAL_NONE, &why), "Papierkorb");
	/* A user's own folder named Sent deeper down is not the Sent folder. */
	T_STREQ(map(m, "Projects/Sent", '/', DRV_SPECIAL_NONE, &why), "Projects/Sent");
	/* The destination's Drafts cannot be selected: the name is kept. */
	T_STREQ(map(m, "Drafts", '/', DRV_SPECIAL_DRAFTS, &why), "Drafts");
	T_STREQ(map(m, "Junk", '/', DRV_SPECIAL_NONE, &why), "Junk");
	foldermap_free(m);
}

static void test_pop3(void)
{
	struct plan p;
	memset(&p, 0, sizeof p);
	T_STREQ(foldermap_pop3(&p), "INBOX");
	p.migration.pop3_folder = "Old POP3";
	T_STREQ(foldermap_pop3(&p), "Old POP3");
	T_INTEQ(foldermap_guess_special("INBOX/ゴミ箱"), DRV_SPECIAL_TRASH);
	T_INTEQ(foldermap_guess_special("Work"), DRV_SPECIAL_NONE);
}

int main(void)
{
	T_RUN(test_match);
	T_RUN(test_match_many_stars);
	T_RUN(test_rules);
	T_RUN(test_special);
	T_RUN(test_pop3);
	return T_DONE();
}
