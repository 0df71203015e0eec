/* fuzz_uidl_merge: `cutover uidl merge` input: the exported records, a NUL, then the
 * Maildir's dovecot-uidlist; both written to a scratch directory and merged for INBOX. */
#include "fuzz/fuzz.h"

#include <stdio.h>
#include <unistd.h>

#include "mapping/uidl_merge.h"

static char fuzz_dir[256];

static void fuzz_write(const char *path, const char *s, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(s, 1, len, f) != len || fclose(f) != 0)
		abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	const char *tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(fuzz_dir, sizeof fuzz_dir, "%s/cutover-fuzz-uidl.XXXXXX", tmp);
	if (!mkdtemp(fuzz_dir))
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char records[300], uidlist[300], lock[320];
	struct fuzz_parts fp;
	struct uidl_merge_stats st;
	struct err e;
	fuzz_parts_split(&fp, data, size, 2);
	snprintf(records, sizeof records, "%s/records", fuzz_dir);
	snprintf(uidlist, sizeof uidlist, "%s/dovecot-uidlist", fuzz_dir);
	snprintf(lock, sizeof lock, "%s.lock", uidlist);
	fuzz_write(records, fp.s[0], fp.len[0]);
	fuzz_write(uidlist, fp.s[1], fp.len[1]);
	err_clear(&e);
	if (uidl_merge(records, "INBOX", fuzz_dir, &st, &e) == 0)
		FUZZ_ASSERT(st.merged <= st.records && st.missing <= st.records);
	else
		FUZZ_ASSERT(e.msg[0]);
	/* Success renames the lock over the uidlist; failure removes it. */
	FUZZ_ASSERT(access(lock, F_OK) < 0);
	fuzz_parts_release(&fp);
	return 0;
}
