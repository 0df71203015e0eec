/* plan_units: durations ("10s", "1h30m") and sizes ("20MB" = 20971520, as mail servers
 * count) as written in a plan. */
#include "schedule/plan_p.h"

#include <string.h>

int plan_units_duration(const char *s, long long *ms, const char **why)
{
	long long total = 0;
	if (!*s)
		return *why = "empty", -1;
	while (*s) {
		long long v = 0, unit;
		if (*s < '0' || *s > '9')
			return *why = "expected a number followed by ms, s, m, h or d", -1;
		while (*s >= '0' && *s <= '9') {
			v = v * 10 + (*s++ - '0');
			if (v > 1000000000LL)
				return *why = "too large", -1;
		}
		if (strncmp(s, "ms", 2) == 0) {
			unit = 1;
			s += 2;
		} else if (*s == 's') {
			unit = 1000, s++;
		} else if (*s == 'm') {
			unit = 60000, s++;
		} else if (*s == 'h') {
			unit = 3600000, s++;
		} else if (*s == 'd') {
			unit = 86400000, s++;
		} else {
			return *why = *s ? "unknown unit (use ms, s, m, h or d)"
			                 : "a unit is missing (write 10s, 5m, 1h)", -1;
		}
		total += v * unit;
		if (total > 366LL * 86400000)
			return *why = "too large", -1;
	}
	*ms = total;
	return 0;
}

int plan_units_bytes(const char *s, uint64_t *out, const char **why)
{
	static const struct { const char *suffix; uint64_t mult; } units[] = {
		{ "", 1 }, { "B", 1 }, { "K", 1024 }, { "KB", 1024 }, { "KiB", 1024 },
		{ "M", 1024 * 1024 }, { "MB", 1024 * 1024 }, { "MiB", 1024 * 1024 },
		{ "G", 1024ull * 1024 * 1024 }, { "GB", 1024ull * 1024 * 1024 },
		{ "GiB", 1024ull * 1024 * 1024 }, { "T", 1024ull * 1024 * 1024 * 1024 },
		{ "TB", 1024ull * 1024 * 1024 * 1024 }, { "TiB", 1024ull * 1024 * 1024 * 1024 },
	};
	uint64_t v = 0;
	if (*s < '0' || *s > '9')
		return *why = "expected a number, optionally followed by KB, MB or GB", -1;
	while (*s >= '0' && *s <= '9') {
		if (v > (UINT64_MAX - 9) / 10)
			return *why = "too large", -1;
		v = v * 10 + (uint64_t)(*s++ - '0');
	}
	if (*s == ' ')
		s++;
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (strcmp(s, units[i].suffix) == 0) {
			if (v > UINT64_MAX / units[i].mult)
				return *why = "too large", -1;
			*out = v * units[i].mult;
			return 0;
		}
	}
	return *why = "unknown unit (use KB, MB, GB; 1 MB = 1048576 bytes)", -1;
}
