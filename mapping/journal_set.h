/* journal_set: several shards' journals read as one. The set is merged into one new
 * journal file (every row of every journal, run ids renumbered), so status, verify,
 * notices and uidl export read it through the journal API they already use. A customer
 * found in two journals is an error naming both: two shards copied it, and which copy
 * a mail program sees is no longer known. */
#ifndef CUTOVER_JOURNAL_SET_H
#define CUTOVER_JOURNAL_SET_H

#include <stddef.h>

#include "base/err.h"

/* The journals named: a file is itself, a directory is every "*.db" in it (sorted by
 * name). *out is a malloc'd array of malloc'd paths; free with journal_set_free. ERR_NOINPUT
 * when a name does not exist, ERR_USAGE when a directory holds no journal. */
int journal_set_expand(const char *const *names, size_t n, char ***out, size_t *n_out,
                       struct err *e);
void journal_set_free(char **paths, size_t n);

/* Merge the journals into out_path (an empty or missing file; created 0600). The runs of
 * the journal whose last run started latest come last, so "the last run" of the merged
 * journal is the latest of all. The sources are only read. */
int journal_set_merge(const char *const *paths, size_t n, const char *out_path, struct err *e);

#endif
