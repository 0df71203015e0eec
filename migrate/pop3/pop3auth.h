/* pop3auth: log in on an open libetpan POP3 session (after TLS was verified):
 * USER/PASS (also Dovecot's "user*master"), APOP, SASL PLAIN (authzid for a master
 * user) and CRAM-MD5. APOP and SASL are sent as raw lines on libetpan's stream, see
 * pop3auth.c for why. */
#ifndef CUTOVER_POP3AUTH_H
#define CUTOVER_POP3AUTH_H

#include <libetpan/libetpan.h>
#include <stdbool.h>

#include "base/err.h"
#include "migrate/driver.h"

struct pop3auth_ctx {
	int timeout;        /* seconds, for telling a silent server from a closed one */
	int login_delay;    /* CAPA LOGIN-DELAY seconds, 0 = not advertised */
};

/* Dovecot's master-user separator: "alice*migrate" logs in as alice with migrate's
 * password (auth_master_user_separator = *). */
#define POP3AUTH_MASTER_SEPARATOR '*'

int pop3auth_login(mailpop3 *f, enum drv_auth method, const struct drv_login *login,
                   const struct pop3auth_ctx *c, struct err *e);

#endif
