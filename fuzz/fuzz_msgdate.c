/* fuzz_msgdate: bytes as the text of a Date: or Received: date (RFC 5322, obsolete forms). */
#include "fuzz/fuzz.h"

#include "migrate/msg/msgdate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_strdup(data, size);
	time_t t;
	int tz = 0;
	/* A written zone has four digits, so it is within ±99:99 whatever the parser accepts. */
	if (msgdate_parse(s, &t, &tz))
		FUZZ_ASSERT(tz >= -(99 * 3600 + 99 * 60) && tz <= 99 * 3600 + 99 * 60);
	free(s);
	return 0;
}
