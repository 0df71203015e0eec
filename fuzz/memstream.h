/* memstream: a libetpan stream that replays a buffer as everything the server says,
 * whatever the client writes (writes are swallowed), then ends (read 0 = end of file).
 * The drivers get it through drv_endpoint.stream_open, the project's connect seam. */
#ifndef CUTOVER_FUZZ_MEMSTREAM_H
#define CUTOVER_FUZZ_MEMSTREAM_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct memstream_src {
	const uint8_t *data;
	size_t len;
};

/* drv_endpoint.stream_open: ctx is a struct memstream_src (borrowed; must outlive the
 * session). Reads come in chunks of at most 7 bytes, to exercise the parsers' resumption. */
struct _mailstream *memstream_open(void *ctx, struct err *e);

#endif
