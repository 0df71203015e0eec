/* plan_text: which language a plan's free text is in (docs/plan.md, "Text in the
 * customer's language"). */
#include "schedule/plan.h"

#include <stdint.h>

const char *const plan_note_points[] = { "held-mail", "changes", "unstable", "uidl-lost",
                                         "other-services", "names-unchanged", "addresses",
                                         "old-servers", NULL };

/* Decode one UTF-8 sequence; 0 at the end or on a malformed byte (then skipped). */
static uint32_t plan_text_next(const unsigned char **s)
{
	const unsigned char *p = *s;
	uint32_t c = *p;
	int n = c < 0x80 ? 0 : (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2 : (c & 0xf8) == 0xf0 ? 3 : -1;
	if (n < 0) {
		*s = p + 1;
		return 0xfffd;
	}
	c &= n ? 0x3fu >> n : 0x7fu;
	for (int i = 1; i <= n; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			*s = p + i;
			return 0xfffd;
		}
		c = c << 6 | (p[i] & 0x3fu);
	}
	*s = p + n + 1;
	return c;
}

bool plan_text_japanese(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (p && *p) {
		uint32_t c = plan_text_next(&p);
		if ((c >= 0x3000 && c <= 0x30ff) ||   /* CJK punctuation, hiragana, katakana */
		    (c >= 0x3400 && c <= 0x9fff) ||   /* CJK ideographs */
		    (c >= 0xff00 && c <= 0xffef))     /* full-width and half-width forms */
			return true;
	}
	return false;
}

bool plan_text_is_set(const struct plan_text *t)
{
	return t->plain || t->lang[0] || t->lang[1];
}

const char *plan_text_get(const struct plan *p, const struct plan_text *t, enum plan_lang lang)
{
	if (t->lang[lang])
		return t->lang[lang];
	if (!t->plain)
		return NULL;
	if (lang == p->language || (t->is_name && !plan_text_japanese(t->plain)))
		return t->plain;
	return NULL;
}

const char *plan_text_any(const struct plan *p, const struct plan_text *t)
{
	const char *s = plan_text_get(p, t, p->language);
	if (!s)
		s = t->plain ? t->plain : t->lang[PLAN_LANG_JA] ? t->lang[PLAN_LANG_JA] : t->lang[PLAN_LANG_EN];
	return s;
}
