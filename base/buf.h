/* buf: a growable byte buffer with an owner and a cap (curl's dynbuf in spirit). */
#ifndef CUTOVER_BUF_H
#define CUTOVER_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data;   /* always NUL-terminated when len > 0 or after any append */
	size_t len;
	size_t alloc;
	size_t cap;   /* 0 = CAPS_MESSAGE_MAX */
};

#define BUF_INIT { NULL, 0, 0, 0 }

void buf_init(struct buf *b, size_t cap);
/* 0 on success, -1 when the cap would be exceeded or memory runs out (buffer unchanged). */
int buf_append(struct buf *b, const void *p, size_t n);
int buf_puts(struct buf *b, const char *s);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap);
void buf_reset(struct buf *b);            /* len = 0, keeps memory */
void buf_release(struct buf *b);          /* frees memory */
char *buf_detach(struct buf *b);          /* caller owns the string; buffer is empty */

#endif
