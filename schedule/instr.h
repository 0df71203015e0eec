/* instr: the one instruction a customer receives, computed once from the plan, the
 * mail-program catalogue (clients.h) and the ISP's stated facts: which servers, which
 * login, which authentication, and whether the program will download the mail left on
 * the server once more. `check`, `dry-run`, the announcement, every notice and every
 * configuration file read this record, so they cannot disagree. */
#ifndef CUTOVER_INSTR_H
#define CUTOVER_INSTR_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "schedule/clients.h"
#include "schedule/plan.h"

/* Will the customer's program fetch the mail it left on the server once more? */
enum instr_redownload {
	INSTR_REDL_NO,               /* nothing to fear (IMAP, nothing changes, or state kept) */
	INSTR_REDL_NEW_ACCOUNT_ONLY, /* only if the customer makes a new account instead of
	                                editing the existing one */
	INSTR_REDL_YES               /* yes, once, whatever the customer does */
};

/* Why INSTR_REDL_YES (bits). */
#define INSTR_WHY_UIDL_LOST 0x1u /* migration.uidl: none: every message gets a new UIDL */
#define INSTR_WHY_HOST      0x2u /* the program keys its list by server name, which changes */
#define INSTR_WHY_LOGIN     0x4u /* … or by login name, which changes */

struct instr {
	const struct plan_customer *c;
	const struct client_info *ci;        /* never NULL (generic when unknown) */
	const struct plan_service *in, *out; /* the after-services the customer uses */
	const char *in_host;                 /* what to type as incoming server: in->host, or the
	                                        old name when it stays an alias and typing the new
	                                        one would cost a re-download */
	bool in_host_kept;                   /* in_host is the old name (keep_old_names) */
	char *login_before, *login;          /* owned; the login to type after the move */
	bool login_full_address;             /* the program's full-address quirk was applied */
	enum plan_auth in_auth;              /* incoming authentication to choose */
	bool apop_unsupported;               /* server offers APOP, program cannot: plain password */
	bool apop_conflict;                  /* program cannot send with SMTP AUTH while receiving
	                                        with APOP: plain password chosen for receiving */
	bool smtp_fallback;                  /* sends with POP before SMTP although the plan has
	                                        SMTP AUTH: the program lacks it, or … */
	bool fallback_no_port;               /* … has no outgoing port field and SMTP AUTH is
	                                        not on port 25 (Eudora 5), or … */
	bool fallback_login;                 /* … sends its POP login to SMTP AUTH, which needs
	                                        the full address the servers do not accept */
	bool must_upgrade;                   /* program lacks SMTP AUTH and the plan has no fallback */
	const char *smtp_signup_url;         /* out is SMTP AUTH and needs a sign-up here first */
	bool smtp_separate;                  /* out is SMTP AUTH with its own user name and
	                                        password, given separately (credentials: separate) */
	bool fallback_separate;              /* sent to POP before SMTP: the SMTP AUTH server has
	                                        separate credentials and the program has no field
	                                        for them (it sends its POP login) */
	bool separate_unsupported;           /* … and the plan has no POP before SMTP server */
	bool in_host_changed, login_changed, in_changed, out_changed;
	bool unchanged;                      /* nothing the customer configures changes */
	enum instr_redownload redownload;
	unsigned why;                        /* INSTR_WHY_* when redownload is YES */
	bool profile_ok;                     /* a configuration profile (a new account) may be
	                                        offered: IMAP, where a new account costs nothing */
};

/* The customer's mail program from the catalogue (generic when unknown). */
const struct client_info *instr_client(const struct plan_customer *c);

int instr_compute(struct instr *in, const struct plan *p, const struct plan_customer *c,
                  struct err *e);
void instr_release(struct instr *in);

/* "no", "new-account-only", "yes" (the JSON values of `notices --format json` and
 * `check --json`). */
const char *instr_redownload_name(enum instr_redownload r);

/* One English sentence for staff (check, dry-run): why the outcome is what it is. */
void instr_why_text(const struct instr *in, const struct plan *p, char *buf, size_t size);

/* The outcome and its reason without keeping the record (dry-run). -1 when out of memory. */
int instr_predict(const struct plan *p, const struct plan_customer *c, char *why, size_t size);

#endif
