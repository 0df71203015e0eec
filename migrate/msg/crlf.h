/* crlf: where a message's line breaks are not CR LF, found with memchr rather than a test
 * per byte. Every place that rewrites or measures line endings (the APPEND literal and its
 * length, the line-ending-normalised digest, the spool's counts) runs over whole messages,
 * so this is the inner loop of a copy: a message from a POP3 or IMAP server is almost always
 * CR LF throughout, and then the scan is one memchr per line for each of CR and LF.
 *
 * A bare CR is a CR not followed by LF; a bare LF is an LF not preceded by CR (within the
 * bytes given: a CR at the very end is bare, an LF at the very start is bare). */
#ifndef CUTOVER_CRLF_H
#define CUTOVER_CRLF_H

#include <stddef.h>
#include <stdint.h>

/* The next bare LF at or after `from`, or len when there is none. */
size_t crlf_next_bare_lf(const char *d, size_t len, size_t from);

/* The bare CRs and bare LFs of d[0..len), in order: init, then next until it returns len. */
struct crlf_scan {
	const char *d;
	size_t len;
	size_t cr, lf;      /* the next bare CR / bare LF not yet returned (len: none left) */
};
void crlf_scan_init(struct crlf_scan *s, const char *d, size_t len);
size_t crlf_scan_next(struct crlf_scan *s);

/* How many bare CRs and bare LFs d[0..len) holds. */
struct crlf_count {
	size_t bare_cr, bare_lf;
};
struct crlf_count crlf_count(const char *d, size_t len);

/* The length once every bare CR and every bare LF is CR LF (what an IMAP APPEND stores). */
uint64_t crlf_stored_size(const char *d, size_t len);

#endif
