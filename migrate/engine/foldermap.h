/* foldermap: which destination folder a source folder's mail goes to. Names on both
 * sides are UTF-8 and '/'-separated (the drivers translate delimiters and modified
 * UTF-7). In order: INBOX is case-insensitive; excluded folders are dropped; the plan's
 * rename rules (first match wins); an RFC 6154 special-use folder (flagged by the source
 * or recognised by a well-known name) goes to the destination's folder with the same
 * special use, else to a destination folder with a well-known name; otherwise the name
 * is kept. */
#ifndef CUTOVER_FOLDERMAP_H
#define CUTOVER_FOLDERMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "migrate/driver.h"
#include "schedule/plan.h"

struct foldermap;

/* dst: the destination's folders (their special use and names), may be NULL/0. The map
 * keeps its own copies. */
int foldermap_new(struct foldermap **out, const struct plan *p, const struct drv_folder *dst,
                  size_t n_dst, struct err *e);
void foldermap_free(struct foldermap *m);

/* The destination name for a source folder (malloc'd into *out), or *out = NULL when the
 * folder is excluded. *why (static text) says which rule decided, for the log. */
int foldermap_map(const struct foldermap *m, const struct drv_folder *src, char **out,
                  const char **why, struct err *e);

/* Where a POP3 source's mail goes: migration.pop3_folder, default INBOX. */
const char *foldermap_pop3(const struct plan *p);

/* Glob with '*' only (any run, the delimiter included), INBOX's first component
 * case-insensitive. On a match, *star and *star_len are what the first '*' matched. */
bool foldermap_match(const char *pattern, const char *name, const char **star, size_t *star_len);

/* Special use guessed from a folder's last name component ("Sent Items", "送信済み"…). */
enum drv_special foldermap_guess_special(const char *name);

#endif
