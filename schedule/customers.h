/* customers: the customer list from a CSV file (libcsv): UTF-8, optional BOM, quoted
 * fields, a header row naming the columns. */
#ifndef CUTOVER_CUSTOMERS_H
#define CUTOVER_CUSTOMERS_H

#include "base/diag.h"
#include "schedule/plan.h"

/* Append the rows of `path` (relative to p->dir unless absolute) to p->customers.
 * Columns (header names, any order; id and email required):
 *   id, email, name, language (ja|en), client (free text or id), source_login, dest_login,
 *   password_env, password_file, dest_password_env, dest_password_file,
 *   source_protocol (pop3|imap), notify (yes|no)
 * Unknown columns are errors. Every problem goes to d as "file:row: message" (col 0).
 * `pos` is where the plan named the file (for "cannot read" errors). Returns the number
 * of errors added. Defaults (language, logins) are filled by the plan loader afterwards:
 * set has_lang when a row gives a language; leave source_login/dest_login NULL when empty;
 * leave `client` NULL (the loader maps client_raw with clients_lookup and warns once for
 * an unknown program). Set notify = true unless the row says no. Record the CSV path with
 * plan_add_file() for pos.file. Cross-row checks (duplicate id/email, password files
 * readable, a password present when no master user) are done by the plan loader. */
int customers_csv_load(struct plan *p, const char *path, const struct plan_pos *pos,
                       struct diag *d);

/* The same for CSV text in memory (`file` is a name owned by p->files, for messages);
 * s need not end with a NUL. */
int customers_csv_parse(struct plan *p, const char *file, const char *s, size_t len,
                        struct diag *d);

#endif
