/* rss: this process's memory as the kernel counts it, for run summaries and benchmarks. */
#ifndef CUTOVER_RSS_H
#define CUTOVER_RSS_H

#include <stdint.h>

/* Peak resident set size so far (VmHWM of /proc/self/status), in KiB; 0 when unknown. */
uint64_t rss_peak_kib(void);

#endif
