/* clients: the catalogue of customers' mail programs: canonical ids, the free-text
 * aliases ISP exports hold, and the facts notices and checks need about each. */
#ifndef CUTOVER_CLIENTS_H
#define CUTOVER_CLIENTS_H

#include <stdbool.h>

struct client_info {
	const char *id;             /* "outlook-express-6", "thunderbird", "becky-2", "generic" … */
	const char *name_ja, *name_en;
	bool smtp_auth;             /* can do SMTP AUTH at all */
	bool submission_587;        /* can set the outgoing port */
	bool smtp_auth_with_apop;   /* false for Eudora 5.1J (Infonia table, note 2) */
	bool needs_full_address_login; /* Infonia note 1: login must be the full address */
	bool pop3_state_by_host;    /* keeps downloaded-UIDL state per (server name, login):
	                               a new server name or login in the account makes it
	                               fetch every message left on the server again, even
	                               with preserved UIDLs (Mozilla popstate.dat) */
	bool imap;
	const char *notes_ja, *notes_en; /* why a program without SMTP AUTH lacks it (the notice adds
	                                    it to its "cannot send with SMTP AUTH" paragraph), or NULL */
	bool apop;                  /* can log in to POP3 with APOP ("secure"/"encrypted"
	                               password); false for Outlook Express and Outlook */
};

/* Canonical entry for free text ("Outlook Express 6.0", "OE6", "Thunderbird 2") or an id.
 * NULL when unknown (callers then use clients_generic() and warn). */
const struct client_info *clients_lookup(const char *free_text);
const struct client_info *clients_generic(void);
/* The major version in free text ("Thunderbird 2.0.0.14" → 2, "Outlook 2003" → 2003,
 * "Becky! Ver.2" → 2): the first run of digits; 0 when there is none. Notices pick the
 * steps for that version where the screens differ (steps/thunderbird-2.txt). */
int clients_version(const char *free_text);

/* All entries, for docs and --help. */
const struct client_info *clients_all(unsigned *n);

#endif
