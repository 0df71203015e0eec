/* caps: every limit on what we read from a file or a server, in one place. */
#ifndef CUTOVER_CAPS_H
#define CUTOVER_CAPS_H

#define CAPS_LINE_MAX          (64u * 1024)           /* one protocol line (RFC 5321 says 1000; servers exceed it) */
#define CAPS_MESSAGE_MAX       (256ull * 1024 * 1024) /* one message held in memory */
#define CAPS_PLAN_FILE_MAX     (4u * 1024 * 1024)     /* a plan file */
#define CAPS_CSV_FILE_MAX      (256u * 1024 * 1024)   /* a customer CSV */
#define CAPS_CUSTOMERS_MAX     1000000u
#define CAPS_SECRET_MAX        4096u                  /* a password file */
#define CAPS_BATCH_MESSAGES    50u                    /* messages per fetch/append batch */
#define CAPS_BATCH_BYTES       (8u * 1024 * 1024)     /* bytes per fetch/append batch; two batches are
                                                         in memory per worker (engine_fetch.c) */
#define CAPS_WORKERS_MAX       64
#define CAPS_TEMPLATE_MAX      (1u * 1024 * 1024)
#define CAPS_UIDLIST_FILE_MAX  (256u * 1024 * 1024)   /* a dovecot-uidlist or UIDL export being merged */
#define CAPS_UIDLIST_LINE_MAX  8192u                  /* one line of either */
#define CAPS_FD_LIMIT          1024                   /* libetpan select() aborts on fd >= FD_SETSIZE */

#endif
