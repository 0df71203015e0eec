/* send: SMTP submission through libcurl (GnuTLS build): STARTTLS required when the plan
 * says so, certificates verified, AUTH when a user is configured. */
#include "notices/send.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/caps.h"

struct send {
	CURL *curl;
	char url[600];
	char *password;        /* wiped on close */
	struct curl_slist *resolve;
	char last_reply[ERR_SERVER_MAX]; /* the server's first 4xx/5xx line, for errors */
	const char *body;
	size_t len, off;
};

/* Keep the server's last reply line. Only what the server says is looked at, never what
 * we send (that is where AUTH carries the password). */
static int send_debug(CURL *h, curl_infotype type, char *data, size_t size, void *ud)
{
	struct send *s = ud;
	(void)h;
	/* The first refusal (4xx/5xx) of the transaction is what matters, not QUIT's 221. */
	if (type == CURLINFO_HEADER_IN && size >= 3 && (data[0] == '4' || data[0] == '5') &&
	    !s->last_reply[0]) {
		size_t n = size < sizeof s->last_reply - 1 ? size : sizeof s->last_reply - 1;
		memcpy(s->last_reply, data, n);
		while (n && (s->last_reply[n - 1] == '\n' || s->last_reply[n - 1] == '\r'))
			n--;
		s->last_reply[n] = 0;
	}
	return 0;
}

static size_t send_read(char *buf, size_t size, size_t nitems, void *ud)
{
	struct send *s = ud;
	size_t n = size * nitems, left = s->len - s->off;
	if (n > left)
		n = left;
	memcpy(buf, s->body + s->off, n);
	s->off += n;
	return n;
}

static bool send_is_ip(const char *h)
{
	return strspn(h, "0123456789.") == strlen(h) || strchr(h, ':') != NULL;
}

int send_open(struct send **out, const struct plan_endpoint *ep, const char *password,
              const char *ca_path, struct err *e)
{
	struct send *s = calloc(1, sizeof *s);
	const char *name = ep->tls_name && *ep->tls_name ? ep->tls_name : ep->host;
	int port = ep->port ? ep->port : ep->tls == PLAN_TLS_IMPLICIT ? 465 : 587;
	*out = NULL;
	if (!s)
		return err_set(e, ERR_NOMEM, "out of memory");
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK || !(s->curl = curl_easy_init())) {
		free(s);
		return err_set(e, ERR_INTERNAL, "notices.send: cannot start libcurl");
	}
	/* The certificate must match tls_name: connect by that name, pinned to the host. */
	if (strcmp(name, ep->host) != 0 && send_is_ip(ep->host)) {
		char r[600];
		snprintf(r, sizeof r, "%s:%d:%s", name, port, ep->host);
		s->resolve = curl_slist_append(NULL, r);
		curl_easy_setopt(s->curl, CURLOPT_RESOLVE, s->resolve);
	} else if (strcmp(name, ep->host) != 0) {
		name = ep->host;
	}
	snprintf(s->url, sizeof s->url, "%s://%s:%d", ep->tls == PLAN_TLS_IMPLICIT ? "smtps" : "smtp",
	         name, port);
	curl_easy_setopt(s->curl, CURLOPT_URL, s->url);
	if (ep->tls == PLAN_TLS_STARTTLS)
		curl_easy_setopt(s->curl, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	if (!ep->tls_verify) {
		curl_easy_setopt(s->curl, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(s->curl, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (ca_path)
		curl_easy_setopt(s->curl, CURLOPT_CAINFO, ca_path);
	if (ep->master_user) {
		curl_easy_setopt(s->curl, CURLOPT_USERNAME, ep->master_user);
		if (password && !(s->password = strdup(password))) {
			send_close(s);
			return err_set(e, ERR_NOMEM, "out of memory");
		}
		if (s->password)
			curl_easy_setopt(s->curl, CURLOPT_PASSWORD, s->password);
	}
	curl_easy_setopt(s->curl, CURLOPT_CONNECTTIMEOUT, (long)(ep->timeout_seconds ? ep->timeout_seconds : 60));
	curl_easy_setopt(s->curl, CURLOPT_TIMEOUT, (long)(ep->timeout_seconds ? ep->timeout_seconds : 60) * 4);
	curl_easy_setopt(s->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(s->curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(s->curl, CURLOPT_READFUNCTION, send_read);
	curl_easy_setopt(s->curl, CURLOPT_READDATA, s);
	curl_easy_setopt(s->curl, CURLOPT_DEBUGFUNCTION, send_debug);
	curl_easy_setopt(s->curl, CURLOPT_DEBUGDATA, s);
	curl_easy_setopt(s->curl, CURLOPT_VERBOSE, 1L); /* feeds send_debug only */
	/* One refused recipient must not abort the rest (curl 7.88 spells it with LLL). */
	curl_easy_setopt(s->curl, CURLOPT_MAIL_RCPT_ALLLOWFAILS, 1L);
	curl_easy_setopt(s->curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	*out = s;
	return 0;
}

void send_close(struct send *s)
{
	if (!s)
		return;
	if (s->curl)
		curl_easy_cleanup(s->curl);
	curl_slist_free_all(s->resolve);
	if (s->password) {
		volatile char *p = s->password;
		while (*p)
			*p++ = 0;
		free(s->password);
	}
	free(s);
	curl_global_cleanup();
}

int send_message(struct send *s, const char *from, const char *to, const char *msg, size_t len,
                 struct err *e)
{
	char from_b[320], to_b[320];
	struct curl_slist *rcpt;
	CURLcode rc;
	long code = 0;
	enum err_class cls;

	snprintf(from_b, sizeof from_b, "<%s>", from);
	snprintf(to_b, sizeof to_b, "<%s>", to);
	if (!(rcpt = curl_slist_append(NULL, to_b)))
		return err_set(e, ERR_NOMEM, "out of memory");
	s->body = msg;
	s->len = len;
	s->off = 0;
	s->last_reply[0] = 0;
	curl_easy_setopt(s->curl, CURLOPT_MAIL_FROM, from_b);
	curl_easy_setopt(s->curl, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(s->curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	rc = curl_easy_perform(s->curl);
	curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_setopt(s->curl, CURLOPT_MAIL_RCPT, NULL);
	curl_slist_free_all(rcpt);
	if (rc == CURLE_OK)
		return 0;
	switch (rc) {
	case CURLE_LOGIN_DENIED:
		cls = ERR_AUTH;
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_USE_SSL_FAILED:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
		cls = ERR_TLS;
		break;
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
		cls = ERR_NET;
		break;
	case CURLE_OPERATION_TIMEDOUT:
		cls = ERR_TIMEOUT;
		break;
	default:
		/* The reply code decides: 4xx try again later, 5xx will not change. */
		if (s->last_reply[0])
			code = strtol(s->last_reply, NULL, 10);
		cls = code >= 500 && code < 600 ? ERR_PERM : ERR_TEMP;
		break;
	}
	err_set(e, cls, "%s: %s", s->url, curl_easy_strerror(rc));
	if (s->last_reply[0])
		err_server(e, s->last_reply);
	return -1;
}

double send_clock(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void send_bucket_init(struct send_bucket *b, int per_hour)
{
	b->interval = 3600.0 / (per_hour > 0 ? per_hour : 1);
	b->next = 0;
}

void send_bucket_take(struct send_bucket *b)
{
	double now = send_clock();
	if (b->next > now) {
		double d = b->next - now;
		struct timespec ts = { (time_t)d, (long)((d - (double)(time_t)d) * 1e9) };
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
		now = b->next;
	}
	b->next = now + b->interval;
}
