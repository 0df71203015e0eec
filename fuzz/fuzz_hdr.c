/* fuzz_hdr: bytes as a message from a source server: its header fields (hdr), the date
 * it gets on the destination (msgdate_for_message) and a leading X-UIDL (xuidl). */
#include "fuzz/fuzz.h"

#include "migrate/msg/hdr.h"
#include "migrate/msg/msgdate.h"
#include "migrate/uidl/xuidl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "Received", "Date", "Message-ID", "X-UIDL", "Subject" };
	/* An exact-size copy: nothing may be read past len (ASan watches). */
	char *msg = malloc(size ? size : 1), out[256];
	if (!msg)
		abort();
	memcpy(msg, data, size);
	FUZZ_ASSERT(hdr_block_len(msg, size) <= size);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (hdr_first(msg, size, names[i], out, sizeof out))
			FUZZ_ASSERT(strlen(out) < sizeof out);
	if (hdr_message_id(msg, size, out, sizeof out))
		FUZZ_ASSERT(out[0] && strlen(out) < sizeof out);
	time_t t;
	int tz;
	char how = msgdate_for_message(msg, size, 1700000000, &t, &tz);
	FUZZ_ASSERT(how == 'R' || how == 'D' || how == 'N');
	FUZZ_ASSERT(how != 'N' || t == 1700000000);
	size_t lead = xuidl_leading(msg, size, out, sizeof out);
	FUZZ_ASSERT(lead <= size);
	free(msg);
	return 0;
}
