/* fuzz_xuidl: a UIDL and a message (NUL between them): whether the UIDL may be written as
 * a header, and that a written X-UIDL line reads back as the same UIDL and length. */
#include "fuzz/fuzz.h"

#include "base/buf.h"
#include "migrate/uidl/xuidl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_parts fp;
	fuzz_parts_split(&fp, data, size, 2);
	const char *uidl = fp.s[0];
	char back[128];
	struct err e;
	err_clear(&e);
	(void)xuidl_leading(fp.s[1], fp.len[1], back, sizeof back);
	struct buf out;
	buf_init(&out, 1u << 20);
	if (xuidl_valid(uidl)) {
		FUZZ_ASSERT(fp.len[0] > 0 && fp.len[0] <= 70);
		FUZZ_ASSERT(xuidl_prepend(&out, uidl, fp.s[1], fp.len[1], &e) == 0);
		size_t lead = xuidl_leading(out.data, out.len, back, sizeof back);
		FUZZ_ASSERT(lead == strlen("X-UIDL: ") + fp.len[0] + 2);
		FUZZ_ASSERT(strcmp(back, uidl) == 0);
		FUZZ_ASSERT(memcmp(out.data + lead, fp.s[1], fp.len[1]) == 0);
	} else {
		FUZZ_ASSERT(xuidl_prepend(&out, uidl, fp.s[1], fp.len[1], &e) < 0);
	}
	buf_release(&out);
	fuzz_parts_release(&fp);
	return 0;
}
