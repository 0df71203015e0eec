/* preflight: read-only checks of the new servers a plan names, before the night:
 * DNS forward and reverse, TCP reachability, TLS handshake and certificate (chain, name,
 * dates), and the capabilities the plan relies on (POP3 UIDL/STLS/SASL, IMAP UIDPLUS/
 * MULTIAPPEND/QUOTA, SMTP AUTH on the submission port). Nothing is logged in to. */
#ifndef CUTOVER_PREFLIGHT_H
#define CUTOVER_PREFLIGHT_H

#include <stddef.h>
#include <time.h>

#include "schedule/plan.h"

enum preflight_result { PF_OK, PF_NOTE, PF_WARN, PF_FAIL };

struct preflight_item {
	char target[192];    /* "smtpa.infonia.ne.jp:587 smtp (outgoing)" */
	char check[16];      /* dns, reverse, tcp, tls, certificate, capability */
	enum preflight_result result;
	char detail[512];
};

struct preflight_list {
	struct preflight_item *v;
	size_t n, alloc;
};

/* Check every service of services.incoming.after / outgoing.after and the migration
 * destination. `deadline` is when certificates must still be valid (the window's end). */
void preflight_servers(const struct plan *p, time_t deadline, struct preflight_list *out);
void preflight_list_free(struct preflight_list *l);
const char *preflight_result_name(enum preflight_result r);
/* The worst result in the list. */
enum preflight_result preflight_worst(const struct preflight_list *l);

#endif
