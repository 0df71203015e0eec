/* connreg: see connreg.h for why a run keeps its connections in a registry. */
#include "migrate/net/connreg.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "migrate/net/netline.h"
#include "migrate/net/tlsverify.h"

struct connreg {
	pthread_mutex_t mu;
	int *fd;
	size_t n, cap;
	bool stopping;
};

struct connreg *connreg_new(void)
{
	struct connreg *r = calloc(1, sizeof *r);
	if (r && pthread_mutex_init(&r->mu, NULL) != 0) {
		free(r);
		r = NULL;
	}
	return r;
}

void connreg_free(struct connreg *r)
{
	if (!r)
		return;
	pthread_mutex_destroy(&r->mu);
	free(r->fd);
	free(r);
}

void connreg_stop(struct connreg *r)
{
	if (!r)
		return;
	pthread_mutex_lock(&r->mu);
	r->stopping = true;
	for (size_t i = 0; i < r->n; i++)
		shutdown(r->fd[i], SHUT_RDWR);
	pthread_mutex_unlock(&r->mu);
}

bool connreg_stopping(struct connreg *r)
{
	if (!r)
		return false;
	pthread_mutex_lock(&r->mu);
	bool s = r->stopping;
	pthread_mutex_unlock(&r->mu);
	return s;
}

static int connreg_add(struct connreg *r, int fd, struct err *e)
{
	if (!r || fd < 0)
		return 0;
	int rc = 0;
	pthread_mutex_lock(&r->mu);
	if (r->stopping) {
		rc = err_set(e, ERR_TEMP, "the run is stopping: no new connection");
	} else if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 16;
		int *v = realloc(r->fd, cap * sizeof *v);
		if (v) {
			r->fd = v;
			r->cap = cap;
		} else {
			rc = err_set(e, ERR_NOMEM, "out of memory");
		}
	}
	if (rc == 0)
		r->fd[r->n++] = fd;
	pthread_mutex_unlock(&r->mu);
	return rc;
}

void connreg_release(struct connreg *r, int fd)
{
	if (!r || fd < 0)
		return;
	pthread_mutex_lock(&r->mu);
	for (size_t i = 0; i < r->n; i++)
		if (r->fd[i] == fd) {
			r->fd[i] = r->fd[--r->n];
			break;
		}
	pthread_mutex_unlock(&r->mu);
}

int connreg_open(const struct drv_endpoint *ep, mailstream **out, int *fd, struct err *e)
{
	*out = NULL;
	*fd = -1;
	if (ep->stream_open) {
		*out = ep->stream_open(ep->stream_ctx, e);
		return *out ? 0 : -1;
	}
	if (connreg_stopping(ep->conns))
		return err_set(e, ERR_TEMP, "the run is stopping: no new connection");
	int s = netline_dial(ep->address, ep->port, ep->timeout_seconds * 1000, e);
	if (s < 0)
		return -1;
	mailstream *st = ep->tls == DRV_TLS_IMPLICIT
	                         ? mailstream_ssl_open_with_callback_timeout(s, ep->timeout_seconds, tlsverify_sni,
	                                                                     (void *)ep)
	                         : mailstream_socket_open_timeout(s, ep->timeout_seconds);
	if (!st) {
		close(s);
		return ep->tls == DRV_TLS_IMPLICIT ? err_set(e, ERR_TLS, "TLS handshake failed")
		                                   : err_set(e, ERR_NOMEM, "out of memory");
	}
	if (connreg_add(ep->conns, s, e) < 0) {
		mailstream_close(st);
		return -1;
	}
	*out = st;
	*fd = s;
	return 0;
}
