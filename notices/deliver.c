/* deliver: the exactly-once sending of one notice. */
#include "notices/deliver.h"

#include <errno.h>
#include <stdio.h>
#include <time.h>

static void deliver_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int deliver_one(struct deliver *d, const char *customer, const char *from, const char *to,
                const char *msg, size_t len, const char *message_id, enum deliver_result *res,
                struct err *e)
{
	enum journal_notice_claim claim;
	struct err se;
	int delay = d->first_delay_ms;
	char detail[ERR_MSG_MAX + ERR_SERVER_MAX + 16];

	*res = DELIVER_FAILED;
	if (journal_notice_claim(d->journal, customer, d->kind, message_id, &claim, e) < 0)
		return -1;
	if (claim == JOURNAL_NOTICE_ALREADY_SENT) {
		*res = DELIVER_ALREADY_SENT;
		return 0;
	}
	if (claim == JOURNAL_NOTICE_IN_DOUBT) {
		*res = DELIVER_IN_DOUBT;
		err_set(e, ERR_TEMP, "customer %s: an earlier run may have sent this notice (look for "
		                     "Message-ID <%s> in the mail log) — not sent again", customer, message_id);
		return 0;
	}
	for (int attempt = 1;; attempt++) {
		err_clear(&se);
		send_bucket_take(&d->bucket);
		if (send_message(d->send, from, to, msg, len, &se) == 0) {
			*res = DELIVER_SENT;
			return journal_notice_mark(d->journal, customer, d->kind, message_id, "sent", NULL, e);
		}
		if (err_retry_class(se.cls) != ERR_RETRY_TEMP || se.cls == ERR_PROTOCOL ||
		    attempt >= d->attempts)
			break;
		deliver_sleep_ms(delay);
		delay = delay * 2 > d->max_delay_ms ? d->max_delay_ms : delay * 2;
	}
	snprintf(detail, sizeof detail, "%s%s%s", se.msg, se.server[0] ? " — server: " : "", se.server);
	if (journal_notice_mark(d->journal, customer, d->kind, message_id, "failed", detail, e) < 0)
		return -1;
	*e = se;
	err_prefix(e, "customer %s: ", customer);
	/* A refused login or certificate, or a server that stays unreachable, fails every
	 * customer the same way: stop here. */
	return se.cls == ERR_AUTH || se.cls == ERR_TLS || se.cls == ERR_NET || se.cls == ERR_TIMEOUT
	       ? -1 : 0;
}
