/* test_base: err, buf and diag — the pieces every module stands on. */
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "base/buf.h"
#include "base/diag.h"
#include "base/err.h"
#include "t.h"

static void err_prefix_keeps_message_and_class(void)
{
	struct err e;
	err_clear(&e);
	T_CHECK(!err_is_set(&e));
	T_INTEQ(err_set(&e, ERR_LOCKED, "mailbox busy"), -1);
	err_prefix(&e, "customer %s: ", "c001");
	T_STREQ(e.msg, "customer c001: mailbox busy");
	T_INTEQ(e.cls, ERR_LOCKED);
	T_INTEQ(err_exit_code(e.cls), EX_TEMPFAIL);
	T_INTEQ(err_retry_class(ERR_AUTH), ERR_RETRY_FINAL);
	T_INTEQ(err_retry_class(ERR_LOGIN_DELAY), ERR_RETRY_WAIT);
	T_INTEQ(err_exit_code(ERR_DATA), EX_DATAERR);
}

static void err_server_strips_control_bytes(void)
{
	struct err e;
	err_clear(&e);
	err_server(&e, "[IN-USE] locked\x01 by\r\nother");
	T_STREQ(e.server, "[IN-USE] locked? by");
}

/* A server's words go into JSON reports: valid UTF-8 passes, broken bytes become '?', and
 * a long reply is never cut inside a character. */
static void err_server_keeps_valid_utf8_only(void)
{
	struct err e;
	char big[ERR_SERVER_MAX + 8];
	err_clear(&e);
	err_server(&e, "-ERR \xe3\x83\xad\xe3\x83\x83\xe3\x82\xaf\xe4\xb8\xad uidl \xff\xc3( \xed\xa0\x80 \xe3\x83");
	T_STREQ(e.server, "-ERR \xe3\x83\xad\xe3\x83\x83\xe3\x82\xaf\xe4\xb8\xad uidl ?" "?( ??? ??");   /* split: "??(" is a trigraph */
	memset(big, 'a', sizeof big);
	memcpy(big + ERR_SERVER_MAX - 3, "\xe3\x83\xad", 3);
	big[sizeof big - 1] = '\0';
	err_server(&e, big);
	T_INTEQ(strlen(e.server), ERR_SERVER_MAX - 3);
}

static void buf_respects_cap(void)
{
	struct buf b;
	buf_init(&b, 8);
	T_INTEQ(buf_puts(&b, "12345678"), 0);
	T_INTEQ(buf_puts(&b, "9"), -1);
	T_INTEQ(b.len, 8);
	T_STREQ(b.data, "12345678");
	buf_reset(&b);
	T_INTEQ(buf_printf(&b, "%d-%s", 42, "x"), 0);
	T_STREQ(b.data, "42-x");
	buf_release(&b);
}

static void diag_sorts_stably_by_position(void)
{
	struct diag d;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	diag_init(&d);
	diag_add(&d, DIAG_ERROR, "p.yaml", 9, 3, "second");
	diag_add(&d, DIAG_WARNING, "p.yaml", 2, 1, "first");
	diag_add(&d, DIAG_ERROR, "p.yaml", 9, 3, "third");
	diag_add(&d, DIAG_ERROR, "c.csv", 4, 0, "row");
	diag_sort(&d);
	diag_print(&d, f);
	fclose(f);
	T_STREQ(out, "c.csv:4: error: row\np.yaml:2:1: warning: first\n"
	             "p.yaml:9:3: error: second\np.yaml:9:3: error: third\n");
	T_INTEQ(d.errors, 3);
	T_INTEQ(d.warnings, 1);
	diag_release(&d);
	free(out);
}


int main(void)
{
	T_RUN(err_prefix_keeps_message_and_class);
	T_RUN(err_server_strips_control_bytes);
	T_RUN(err_server_keeps_valid_utf8_only);
	T_RUN(buf_respects_cap);
	T_RUN(diag_sorts_stably_by_position);
	return T_DONE();
}
