/* tmpl: the small template language of the editable notice templates.
 *   {{name}}                         a variable, escaped for the output format
 *   {{#if name}}…{{else}}…{{/if}}    true when the variable is a non-empty string or list
 *   {{#unless name}}…{{/unless}}     the opposite
 *   {{#each list}}…{{/each}}         once per item; names resolve in the item first
 *   {{> steps/thunderbird}}          include another template (same directory tree);
 *   {{> steps/(client_id)}}          a (name) in the path is replaced by the variable
 *   {{! comment }}
 * A tag alone on its line takes the whole line with it. An unknown variable, an
 * unclosed block or a missing include is an error naming "template:line". */
#ifndef CUTOVER_TMPL_H
#define CUTOVER_TMPL_H

#include <stdbool.h>

#include "base/buf.h"
#include "base/err.h"

/* A dictionary of variables: strings, and lists of dictionaries. */
struct tmpl_dict;

struct tmpl_dict *tmpl_dict_new(void);
void tmpl_dict_free(struct tmpl_dict *d);
/* Set (replace) a string variable; the value is copied. NULL value = "". 0 or -1 (no memory). */
int tmpl_dict_set(struct tmpl_dict *d, const char *name, const char *value);
int tmpl_dict_setf(struct tmpl_dict *d, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A flag: "1" when true, "" when false (so {{#if}} works and the name is known). */
int tmpl_dict_flag(struct tmpl_dict *d, const char *name, bool on);
/* Declare a list (possibly empty) and append a new item to it; returns the item. */
int tmpl_dict_list(struct tmpl_dict *d, const char *name);
struct tmpl_dict *tmpl_dict_list_add(struct tmpl_dict *d, const char *name);
/* The string value, or NULL when unset or a list. */
const char *tmpl_dict_get(const struct tmpl_dict *d, const char *name);

/* How variable values are escaped. All modes turn control characters (CR, LF, …) in a
 * value into spaces, so no value can start a new line, header or tag. */
enum tmpl_escape {
	TMPL_ESC_TEXT,  /* plain text */
	TMPL_ESC_HTML,  /* & < > " ' as entities; text partials: newlines become <br> */
	TMPL_ESC_XML    /* & < > " ' as entities */
};

/* Render `dir`/`name` (name relative to dir, e.g. "ja/notice.txt") into out (appended).
 * On error returns -1 with e = ERR_DATA "name:line: what" (or ERR_NOINPUT if the
 * top template is missing). */
int tmpl_render(const char *dir, const char *name, enum tmpl_escape esc,
                const struct tmpl_dict *vars, struct buf *out, struct err *e);

/* Render a template held in memory (tests, and for error messages `name`). */
int tmpl_render_string(const char *dir, const char *name, const char *text,
                       enum tmpl_escape esc, const struct tmpl_dict *vars, struct buf *out,
                       struct err *e);

/* Escape one string as the mode would (used by renderers that write XML themselves). */
int tmpl_escape_append(struct buf *out, const char *s, enum tmpl_escape esc);

#endif
