/* netline: socket + GnuTLS line client for pre-flight checks. */
#include "migrate/net/netline.h"

#include <errno.h>
#include <fcntl.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define NETLINE_CHAIN_MAX 8

struct netline {
	int fd;
	int timeout_ms;
	gnutls_session_t tls;
	gnutls_certificate_credentials_t cred;
	char rbuf[4096];
	size_t rlen, rpos;
	const unsigned char *der[NETLINE_CHAIN_MAX];
	size_t der_len[NETLINE_CHAIN_MAX];
	size_t n_der;
};

static int netline_connect_addr(const struct addrinfo *ai, int timeout_ms)
{
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
	int flags, soerr = 0;
	socklen_t sl = sizeof soerr;
	struct pollfd pfd;
	if (fd < 0)
		return -1;
	flags = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		if (errno != EINPROGRESS)
			goto fail;
		pfd.fd = fd;
		pfd.events = POLLOUT;
		if (poll(&pfd, 1, timeout_ms) <= 0) {
			errno = ETIMEDOUT;
			goto fail;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0 || soerr) {
			errno = soerr ? soerr : errno;
			goto fail;
		}
	}
	fcntl(fd, F_SETFL, flags);
	return fd;
fail:
	soerr = errno;
	close(fd);
	errno = soerr;
	return -1;
}

int netline_dial(const char *addr, int port, int timeout_ms, struct err *e)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL, *ai;
	char portstr[16];
	int fd = -1, rc, last = 0;

	snprintf(portstr, sizeof portstr, "%d", port);
	rc = getaddrinfo(addr, portstr, &hints, &res);
	if (rc)
		return err_set(e, ERR_NET, "%s: %s", addr, gai_strerror(rc));
	for (ai = res; ai && fd < 0; ai = ai->ai_next) {
		fd = netline_connect_addr(ai, timeout_ms);
		if (fd < 0)
			last = errno;
	}
	freeaddrinfo(res);
	if (fd < 0)
		return err_set(e, last == ETIMEDOUT ? ERR_TIMEOUT : ERR_NET, "%s port %d: %s", addr, port,
		               strerror(last));
	return fd;
}

int netline_connect(struct netline **out, const char *addr, int port, int timeout_ms,
                    struct err *e)
{
	struct timeval tv;
	struct netline *n;

	*out = NULL;
	int fd = netline_dial(addr, port, timeout_ms, e);
	if (fd < 0)
		return -1;
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	n = calloc(1, sizeof *n);
	if (!n) {
		close(fd);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	n->fd = fd;
	n->timeout_ms = timeout_ms;
	*out = n;
	return 0;
}

int netline_tls(struct netline *n, const char *sni, struct err *e)
{
	int rc;
	const gnutls_datum_t *certs;
	unsigned int count = 0;

	if (n->rpos < n->rlen)
		return err_set(e, ERR_PROTOCOL, "server sent data before the TLS handshake");
	if (gnutls_certificate_allocate_credentials(&n->cred) < 0 ||
	    gnutls_init(&n->tls, GNUTLS_CLIENT) < 0)
		return err_set(e, ERR_NOMEM, "cannot set up TLS");
	gnutls_set_default_priority(n->tls);
	gnutls_credentials_set(n->tls, GNUTLS_CRD_CERTIFICATE, n->cred);
	if (sni)
		gnutls_server_name_set(n->tls, GNUTLS_NAME_DNS, sni, strlen(sni));
	gnutls_transport_set_int(n->tls, n->fd);
	gnutls_handshake_set_timeout(n->tls, (unsigned)n->timeout_ms);
	do {
		rc = gnutls_handshake(n->tls);
	} while (rc < 0 && !gnutls_error_is_fatal(rc));
	if (rc < 0)
		return err_set(e, ERR_TLS, "TLS handshake failed: %s", gnutls_strerror(rc));
	/* Verification is the caller's (tlsverify_chain): it needs the plan's CA and name. */
	certs = gnutls_certificate_get_peers(n->tls, &count);
	for (unsigned i = 0; certs && i < count && i < NETLINE_CHAIN_MAX; i++) {
		n->der[i] = certs[i].data;
		n->der_len[i] = certs[i].size;
		n->n_der = i + 1;
	}
	return 0;
}

static ssize_t netline_recv(struct netline *n, char *p, size_t cap)
{
	ssize_t r;
	if (n->tls) {
		do {
			r = gnutls_record_recv(n->tls, p, cap);
		} while (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED);
		return r < 0 ? -1 : r;
	}
	do {
		r = recv(n->fd, p, cap, 0);
	} while (r < 0 && errno == EINTR);
	return r;
}

int netline_read_line(struct netline *n, char *buf, size_t cap, struct err *e)
{
	size_t len = 0;
	for (;;) {
		while (n->rpos < n->rlen) {
			char c = n->rbuf[n->rpos++];
			if (c == '\n') {
				if (len && buf[len - 1] == '\r')
					len--;
				buf[len] = '\0';
				return 0;
			}
			if (len + 1 >= cap)
				return err_set(e, ERR_PROTOCOL, "server line longer than %zu bytes", cap);
			buf[len++] = c;
		}
		ssize_t r = netline_recv(n, n->rbuf, sizeof n->rbuf);
		if (r == 0)
			return err_set(e, ERR_NET, "server closed the connection");
		if (r < 0)
			return err_set(e, errno == EAGAIN || errno == EWOULDBLOCK ? ERR_TIMEOUT : ERR_NET,
			               "reading from server: %s",
			               errno == EAGAIN || errno == EWOULDBLOCK ? "timed out" : strerror(errno));
		n->rlen = (size_t)r;
		n->rpos = 0;
	}
}

int netline_write(struct netline *n, const char *s, struct err *e)
{
	size_t len = strlen(s), off = 0;
	while (off < len) {
		ssize_t w;
		if (n->tls) {
			w = gnutls_record_send(n->tls, s + off, len - off);
			if (w == GNUTLS_E_AGAIN || w == GNUTLS_E_INTERRUPTED)
				continue;
		} else {
			w = send(n->fd, s + off, len - off, MSG_NOSIGNAL);
			if (w < 0 && errno == EINTR)
				continue;
		}
		if (w <= 0)
			return err_set(e, ERR_NET, "writing to server failed");
		off += (size_t)w;
	}
	return 0;
}

int netline_peer_chain(struct netline *n, const unsigned char *const **der, const size_t **len,
                       size_t *count)
{
	*der = n->der;
	*len = n->der_len;
	*count = n->n_der;
	return n->n_der ? 0 : -1;
}

int netline_peer_dates(struct netline *n, time_t *not_before, time_t *not_after)
{
	gnutls_x509_crt_t crt;
	gnutls_datum_t d;
	if (!n->n_der || gnutls_x509_crt_init(&crt) < 0)
		return -1;
	d.data = (unsigned char *)n->der[0];
	d.size = (unsigned)n->der_len[0];
	if (gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_DER) < 0) {
		gnutls_x509_crt_deinit(crt);
		return -1;
	}
	*not_before = gnutls_x509_crt_get_activation_time(crt);
	*not_after = gnutls_x509_crt_get_expiration_time(crt);
	gnutls_x509_crt_deinit(crt);
	return 0;
}

void netline_close(struct netline *n)
{
	if (!n)
		return;
	if (n->tls) {
		gnutls_bye(n->tls, GNUTLS_SHUT_WR);
		gnutls_deinit(n->tls);
	}
	if (n->cred)
		gnutls_certificate_free_credentials(n->cred);
	if (n->fd >= 0)
		close(n->fd);
	free(n);
}
