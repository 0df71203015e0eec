/* rss: VmHWM from /proc/self/status (getrusage's ru_maxrss is the same figure, but only
 * /proc says "unknown" honestly on systems without it). */
#include "base/rss.h"

#include <stdio.h>
#include <string.h>

uint64_t rss_peak_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	unsigned long long kib = 0;
	if (!f)
		return 0;
	while (fgets(line, sizeof line, f))
		if (strncmp(line, "VmHWM:", 6) == 0) {
			if (sscanf(line + 6, "%llu", &kib) != 1)
				kib = 0;
			break;
		}
	fclose(f);
	return kib;
}
