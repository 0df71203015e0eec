/* connreg: the connections a run has open, so that stopping it never waits on a server.
 *
 * A worker blocked in a read from a silent server would hold a stopping run for up to
 * the plan's timeout (a minute by default), once per retry. The run owns one registry;
 * each driver registers its socket when it connects (connreg_open) and unregisters it
 * before closing it (connreg_release). connreg_stop — called by the run's stop path, a
 * normal thread, never a signal handler — marks the registry stopping and shuts every
 * registered socket down (shutdown(2), not close: the owner still closes its own fd), so
 * the blocked read returns at once, the driver reports a lost connection, and the worker
 * unwinds through its normal error path (journal consistent). Connections opened after
 * connreg_stop are refused. Thread-safe (one mutex); no global state. */
#ifndef CUTOVER_CONNREG_H
#define CUTOVER_CONNREG_H

#include <stdbool.h>

#include <libetpan/libetpan.h>

#include "base/err.h"
#include "migrate/driver.h"

struct connreg;

struct connreg *connreg_new(void);
void connreg_free(struct connreg *r);

/* Shut down every registered connection now and refuse new ones. */
void connreg_stop(struct connreg *r);
bool connreg_stopping(struct connreg *r);

/* ep's connection as a libetpan stream, reads and writes bounded by ep's timeout:
 * ep->stream_open's when set, else TCP to ep->address:port (and the TLS handshake for
 * implicit TLS, the certificate checked later by the caller). Its socket is registered
 * in ep->conns; *fd gets it (-1 when there is none). -1 with e set on failure. */
int connreg_open(const struct drv_endpoint *ep, mailstream **out, int *fd, struct err *e);

/* Unregister fd (before its stream is closed); -1 and a NULL registry are fine. */
void connreg_release(struct connreg *r, int fd);

#endif
