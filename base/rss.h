/* rss: the process's peak resident memory (VmHWM), for the run's closing summary. */
#ifndef CUTOVER_RSS_H
#define CUTOVER_RSS_H

#include <stdint.h>

/* Peak resident set size in bytes, 0 when the system does not say (no /proc). */
uint64_t rss_peak_bytes(void);

#endif
