/* faultproxy: a TCP proxy on 127.0.0.1 between cutover and a real server that cuts a
 * connection after N bytes in one direction — "connection lost mid-RETR" (down: server to
 * client) or "mid-APPEND" (up: client to server) — for the first K connections that get
 * that far; later connections pass untouched, so a reconnect can finish the job.
 *
 *   faultproxy --listen PORT --to PORT [--down N | --up N] [--times K] [--port-file F]
 *
 * Prints "faultproxy: cut connection C after N bytes (down|up)" on stderr at each cut. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int fp_to_port;
static long long fp_limit_down = -1, fp_limit_up = -1;
static int fp_times = 1;
static int fp_conn_no;
static pthread_mutex_t fp_mu = PTHREAD_MUTEX_INITIALIZER;

struct fp_conn {
	int client, server, no;
};

static int fp_connect(int port)
{
	struct sockaddr_in a;
	int s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0)
		return -1;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_port = htons((unsigned short)port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(s, (struct sockaddr *)&a, sizeof a) < 0) {
		close(s);
		return -1;
	}
	return s;
}

static int fp_write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Whether this connection may still be cut (the first K to reach the limit are). */
static int fp_take_cut(void)
{
	int ok;
	pthread_mutex_lock(&fp_mu);
	ok = fp_times > 0;
	if (ok)
		fp_times--;
	pthread_mutex_unlock(&fp_mu);
	return ok;
}

static void *fp_pump(void *arg)
{
	struct fp_conn *c = arg;
	long long down = 0, up = 0;
	char buf[16384];
	struct pollfd p[2] = { { c->client, POLLIN, 0 }, { c->server, POLLIN, 0 } };
	int armed = 1;
	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < 2; i++) {
			if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			ssize_t r = read(p[i].fd, buf, sizeof buf);
			if (r <= 0)
				goto done;
			int to = i == 0 ? c->server : c->client;
			long long *count = i == 0 ? &up : &down;
			long long limit = i == 0 ? fp_limit_up : fp_limit_down;
			size_t n = (size_t)r;
			if (armed && limit >= 0 && *count + r > limit) {
				if (fp_take_cut()) {
					size_t part = (size_t)(limit - *count);
					fp_write_all(to, buf, part);
					fprintf(stderr, "faultproxy: cut connection %d after %lld bytes (%s)\n", c->no,
					        limit, i == 0 ? "up" : "down");
					goto done;
				}
				armed = 0;
			}
			*count += r;
			if (fp_write_all(to, buf, n) < 0)
				goto done;
		}
	}
done:
	close(c->client);
	close(c->server);
	free(c);
	return NULL;
}

int main(int argc, char **argv)
{
	int listen_port = 0, one = 1;
	const char *port_file = NULL;
	struct sockaddr_in a;
	socklen_t al = sizeof a;

	/* options come in pairs: --name value */
	for (int i = 1; i < argc; i += 2) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!v) {
			fprintf(stderr, "faultproxy: %s needs a value\n", argv[i]);
			return 64;
		}
		if (strcmp(argv[i], "--listen") == 0)
			listen_port = atoi(v);
		else if (strcmp(argv[i], "--to") == 0)
			fp_to_port = atoi(v);
		else if (strcmp(argv[i], "--down") == 0)
			fp_limit_down = atoll(v);
		else if (strcmp(argv[i], "--up") == 0)
			fp_limit_up = atoll(v);
		else if (strcmp(argv[i], "--times") == 0)
			fp_times = atoi(v);
		else if (strcmp(argv[i], "--port-file") == 0)
			port_file = v;
		else {
			fprintf(stderr, "faultproxy: unknown option %s\n", argv[i]);
			return 64;
		}
	}
	if (fp_to_port <= 0) {
		fprintf(stderr, "usage: faultproxy --listen PORT --to PORT [--down N|--up N] [--times K] [--port-file F]\n");
		return 64;
	}
	signal(SIGPIPE, SIG_IGN);
	int ls = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_port = htons((unsigned short)listen_port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof a) < 0 || listen(ls, 64) < 0) {
		perror("faultproxy: listen");
		return 71;
	}
	getsockname(ls, (struct sockaddr *)&a, &al);
	if (port_file) {
		FILE *f = fopen(port_file, "w");
		if (!f)
			return 73;
		fprintf(f, "%d\n", ntohs(a.sin_port));
		fclose(f);
	}
	for (;;) {
		int cs = accept(ls, NULL, NULL);
		if (cs < 0) {
			if (errno == EINTR)
				continue;
			perror("faultproxy: accept");
			return 71;
		}
		int ss = fp_connect(fp_to_port);
		if (ss < 0) {
			close(cs);
			continue;
		}
		struct fp_conn *c = malloc(sizeof *c);
		pthread_t t;
		if (!c) {
			close(cs);
			close(ss);
			continue;
		}
		c->client = cs;
		c->server = ss;
		c->no = ++fp_conn_no;
		if (pthread_create(&t, NULL, fp_pump, c) != 0) {
			close(cs);
			close(ss);
			free(c);
			continue;
		}
		pthread_detach(t);
	}
}
