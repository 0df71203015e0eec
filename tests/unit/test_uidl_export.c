/* test_uidl_export: the UIDL map exports (CSV, dovecot-uidlist records) against golden
 * files in tests/data/uidl/, and merging records into a dovecot-uidlist. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mapping/journal.h"
#include "mapping/uidl_export.h"
#include "mapping/uidl_merge.h"
#include "tests/unit/t.h"

static char t_dir[256];
static char t_data[512];

static char *t_slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *s;
	long n;
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	s = malloc((size_t)n + 1);
	if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
		free(s);
		s = NULL;
	}
	if (s)
		s[n] = '\0';
	fclose(f);
	return s;
}

/* Compare a produced file with tests/data/uidl/<golden>; on a difference keep the
 * produced file and say where it is. */
static int t_golden(const char *produced, const char *golden)
{
	char gpath[700];
	char *a, *b;
	int same;
	snprintf(gpath, sizeof gpath, "%s/%s", t_data, golden);
	a = t_slurp(produced);
	b = t_slurp(gpath);
	same = a && b && strcmp(a, b) == 0;
	if (!same)
		printf("# %s differs from %s (diff -u %s %s)\n", produced, gpath, gpath, produced);
	free(a);
	free(b);
	return same;
}

struct t_row {
	const char *customer, *folder, *key;
	uint32_t seq, src_uv, src_uid;
	uint64_t size;
	const char *message_id, *dst_folder;
	uint32_t dst_uv, dst_uid;
	const char *dst_uidl;
	int done;
	enum journal_key_kind kind;   /* what the source driver said the key is */
};

/* POP3 customer c001 with every kind of awkward UIDL, c002 whose destination folder
 * was recreated between passes, c003 from IMAP (no old UIDL), c004 with nothing done. */
static const struct t_row t_rows[] = {
	{ "c001", "INBOX", "00000001aaaaaaaa", 1, 0, 0, 1000, "<m1@example.jp>", "INBOX", 1700000000, 7, NULL, 1, JOURNAL_KEY_UIDL },
	{ "c001", "INBOX", "UID2-1035123456", 2, 0, 0, 2000, "<m2@example.jp>", "INBOX", 1700000000, 2, NULL, 1, JOURNAL_KEY_UIDL },
	{ "c001", "INBOX", "a b", 3, 0, 0, 3000, NULL, "INBOX", 1700000000, 3, NULL, 1, JOURNAL_KEY_UIDL },
	{ "c001", "INBOX", "1035123456.1234.mx", 4, 0, 0, 4000, "<m4@example.jp>", "INBOX", 0, 0, NULL, 1, JOURNAL_KEY_UIDL },
	{ "c001", "INBOX", "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", 5, 0, 0, 5000, "<m5@example.jp>", "INBOX", 1700000000, 5, NULL, 1, JOURNAL_KEY_DIGEST },
	{ "c001", "INBOX", "zzz-not-done", 6, 0, 0, 6000, "<m6@example.jp>", "INBOX", 0, 0, NULL, 0, JOURNAL_KEY_UIDL },
	{ "c002", "INBOX", "X1", 1, 0, 0, 10, "<weird,\"id\"@x>", "INBOX", 1700000000, 10, "newuidl1", 1, JOURNAL_KEY_UIDL },
	{ "c002", "INBOX", "X2", 2, 0, 0, 20, "<m2\r\nBcc: x@y>", "INBOX", 1700000099, 3, NULL, 1, JOURNAL_KEY_UIDL },
	{ "c003", "Sent Items", "5/12", 1, 5, 12, 30, "<s1@example.jp>", "Sent Items", 42, 1, NULL, 1, JOURNAL_KEY_UID },
	{ "c004", "INBOX", "only-intent", 1, 0, 0, 40, NULL, "INBOX", 0, 0, NULL, 0, JOURNAL_KEY_UIDL },
};

static struct journal *t_fixture(const char *name)
{
	char path[400];
	struct journal *j = NULL;
	struct err e;
	err_clear(&e);
	snprintf(path, sizeof path, "%s/%s", t_dir, name);
	if (journal_open(&j, path, &e) < 0 || journal_customer_upsert(j, "c001", "a@example.jp", &e) < 0 ||
	    journal_customer_upsert(j, "c002", "b\"quoted\"@example.jp", &e) < 0 ||
	    journal_customer_upsert(j, "c003", "c@example.jp", &e) < 0 ||
	    journal_customer_upsert(j, "c004", "", &e) < 0) {
		printf("# fixture: %s\n", e.msg);
		journal_close(j);
		return NULL;
	}
	for (size_t i = 0; i < sizeof t_rows / sizeof t_rows[0]; i++) {
		const struct t_row *r = &t_rows[i];
		struct journal_msg m;
		memset(&m, 0, sizeof m);
		m.customer = r->customer;
		m.folder = r->folder;
		m.src_key = r->key;
		m.src_kind = r->kind;
		m.src_seq = r->seq;
		m.src_uidvalidity = r->src_uv;
		m.src_uid = r->src_uid;
		m.size = r->size;
		snprintf(m.sha256, sizeof m.sha256, "%064zx", i + 1);
		m.message_id = r->message_id;
		m.dst_folder = r->dst_folder;
		m.dst_uidvalidity = r->dst_uv;
		m.dst_uid = r->dst_uid;
		m.dst_uidl = r->dst_uidl;
		if (journal_msgs_intent(j, &m, 1, &e) < 0 || (r->done && journal_msgs_done(j, &m, 1, &e) < 0)) {
			printf("# fixture: %s\n", e.msg);
			journal_close(j);
			return NULL;
		}
	}
	return j;
}

static void t_csv(void)
{
	char out[400];
	struct journal *j = t_fixture("csv.db");
	struct uidl_export_stats st;
	struct err e;
	FILE *f;
	err_clear(&e);
	T_REQUIRE(j != NULL);
	snprintf(out, sizeof out, "%s/all.csv", t_dir);
	f = fopen(out, "w");
	T_REQUIRE(f != NULL);
	T_REQUIRE(uidl_export_csv(j, NULL, f, &st, &e) == 0);
	fclose(f);
	T_CHECK(t_golden(out, "all.csv"));
	T_INTEQ(st.rows, 8);
	T_INTEQ(st.customers, 3);
	/* one customer */
	snprintf(out, sizeof out, "%s/c002.csv", t_dir);
	f = fopen(out, "w");
	T_REQUIRE(f != NULL);
	T_REQUIRE(uidl_export_csv(j, "c002", f, &st, &e) == 0);
	fclose(f);
	T_CHECK(t_golden(out, "c002.csv"));
	T_INTEQ(st.rows, 2);
	/* an unknown customer: header only */
	f = tmpfile();
	T_REQUIRE(f != NULL);
	T_REQUIRE(uidl_export_csv(j, "nobody", f, &st, &e) == 0);
	T_INTEQ(st.rows, 0);
	T_INTEQ(ftell(f), 107);   /* the header line alone */
	fclose(f);
	journal_close(j);
}

static void t_dovecot(void)
{
	char out[400], path[500];
	struct journal *j = t_fixture("dovecot.db");
	struct uidl_export_stats st;
	struct err e;
	FILE *f;
	err_clear(&e);
	T_REQUIRE(j != NULL);
	snprintf(out, sizeof out, "%s/all.uidlist", t_dir);
	f = fopen(out, "w");
	T_REQUIRE(f != NULL);
	T_REQUIRE(uidl_export_dovecot(j, NULL, f, &st, &e) == 0);
	fclose(f);
	T_CHECK(t_golden(out, "all.uidlist"));
	T_INTEQ(st.customers, 2);
	T_INTEQ(st.rows, 4);       /* c001: uids 2 and 7; c002: two blocks */
	T_INTEQ(st.left_out, 2);   /* "a b" and the one without APPENDUID */

	/* one file per customer, only for customers with old UIDLs */
	snprintf(out, sizeof out, "%s/per-customer", t_dir);
	T_REQUIRE(uidl_export_dovecot_dir(j, NULL, out, &st, &e) == 0);
	T_INTEQ(st.customers, 2);
	snprintf(path, sizeof path, "%s/c001.uidlist", out);
	T_CHECK(t_golden(path, "c001.uidlist"));
	snprintf(path, sizeof path, "%s/c003.uidlist", out);
	T_CHECK(access(path, F_OK) < 0);
	snprintf(path, sizeof path, "%s/c004.uidlist", out);
	T_CHECK(access(path, F_OK) < 0);
	journal_close(j);

	T_CHECK(uidl_export_p_ok("UID2-1035123456"));
	T_CHECK(!uidl_export_p_ok("a b"));
	T_CHECK(!uidl_export_p_ok(""));
	T_CHECK(!uidl_export_p_ok("\xe3\x81\x82"));
	T_CHECK(!uidl_export_p_ok("tab\there"));
}

static void t_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* A dovecot-uidlist as Dovecot 2.3 writes it for an INBOX of five messages, one of
 * which already has a P field from an earlier, wrong merge. */
static const char t_uidlist[] =
	"3 V1700000000 N9 G56866734804d036b3e27000083ecc375\n"
	"1 W54 :1700000100.M1P1.mx\n"
	"2 W2049 :1700000101.M2P1.mx,S=2000\n"
	"3 :1700000102.M3P1.mx\n"
	"5 W5100 :1700000104.M5P1.mx\n"
	"7 Pwrong O9 W1020 :1700000106.M7P1.mx\n";

static void t_merge(void)
{
	char records[400], dir[400], path[500], lock[520];
	struct journal *j = t_fixture("merge.db");
	struct uidl_export_stats xs;
	struct uidl_merge_stats ms;
	struct err e;
	FILE *f;
	struct stat sb;
	err_clear(&e);
	T_REQUIRE(j != NULL);
	snprintf(records, sizeof records, "%s/merge-c001.uidlist", t_dir);
	f = fopen(records, "w");
	T_REQUIRE(f != NULL);
	T_REQUIRE(uidl_export_dovecot(j, "c001", f, &xs, &e) == 0);
	fclose(f);
	journal_close(j);

	snprintf(dir, sizeof dir, "%s/Maildir", t_dir);
	mkdir(dir, 0700);
	snprintf(path, sizeof path, "%s/dovecot-uidlist", dir);
	snprintf(lock, sizeof lock, "%s.lock", path);
	t_write_file(path, t_uidlist);
	chmod(path, 0640);
	T_REQUIRE(uidl_merge(records, "INBOX", dir, &ms, &e) == 0);
	T_CHECK(t_golden(path, "merged-dovecot-uidlist"));
	T_INTEQ(ms.records, 2);
	T_INTEQ(ms.merged, 2);
	T_INTEQ(ms.missing, 0);
	T_CHECK(access(lock, F_OK) < 0);
	T_REQUIRE(stat(path, &sb) == 0);
	T_INTEQ(sb.st_mode & 0777, 0640);
	/* again: same result */
	T_REQUIRE(uidl_merge(records, "INBOX", dir, &ms, &e) == 0);
	T_CHECK(t_golden(path, "merged-dovecot-uidlist"));
	/* another folder's records: nothing to do, file unchanged */
	T_REQUIRE(uidl_merge(records, "Sent", dir, &ms, &e) == 0);
	T_INTEQ(ms.merged, 0);
	T_CHECK(t_golden(path, "merged-dovecot-uidlist"));

	/* Dovecot holds the lock */
	int fd = open(lock, O_CREAT | O_WRONLY, 0600);
	T_REQUIRE(fd >= 0);
	close(fd);
	T_CHECK(uidl_merge(records, "INBOX", dir, &ms, &e) < 0);
	T_INTEQ(e.cls, ERR_LOCKED);
	T_CHECK(access(lock, F_OK) == 0);   /* not ours: left alone */
	unlink(lock);
	err_clear(&e);

	/* the folder was recreated: UIDVALIDITY differs, nothing merged */
	t_write_file(path, "3 V1800000000 N3\n1 :a\n2 :b\n");
	T_CHECK(uidl_merge(records, "INBOX", dir, &ms, &e) < 0);
	T_INTEQ(e.cls, ERR_DATA);
	T_CHECK(strstr(e.msg, "UIDVALIDITY") != NULL);
	printf("# %s\n", e.msg);
	T_CHECK(access(lock, F_OK) < 0);
	err_clear(&e);

	/* records for UIDs the folder does not have (yet) */
	t_write_file(path, "3 V1700000000 N3\n2 :b\n");
	T_REQUIRE(uidl_merge(records, "INBOX", dir, &ms, &e) == 0);
	T_INTEQ(ms.merged, 1);
	T_INTEQ(ms.missing, 1);

	/* an export of several customers cannot go into one customer's folder */
	char all[400];
	snprintf(all, sizeof all, "%s/all.uidlist", t_dir);
	T_CHECK(uidl_merge(all, "INBOX", dir, &ms, &e) < 0);
	T_CHECK(strstr(e.msg, "more than one customer") != NULL);
	err_clear(&e);

	/* an old-format file or garbage is refused */
	t_write_file(path, "1 1700000000 3\n1 a\n");
	T_CHECK(uidl_merge(records, "INBOX", dir, &ms, &e) < 0);
	T_INTEQ(e.cls, ERR_DATA);
	err_clear(&e);
	t_write_file(path, "3 V1700000000 N3\nnot a record\n");
	T_CHECK(uidl_merge(records, "INBOX", dir, &ms, &e) < 0);
	T_INTEQ(e.cls, ERR_DATA);
	err_clear(&e);
	/* found by fuzz_uidl_merge: a UID twice (or out of order) got the P field twice; Dovecot
	 * would discard such a file, merged fields and all */
	t_write_file(path, "3 V1700000000 N8\n2 :a\n7 :b\n2 :c\n");
	T_CHECK(uidl_merge(records, "INBOX", dir, &ms, &e) < 0);
	T_INTEQ(e.cls, ERR_DATA);
	T_CHECK(strstr(e.msg, ":4: UID 2 after UID 7") != NULL);
	T_CHECK(access(lock, F_OK) < 0);
	err_clear(&e);
	unlink(path);
	T_CHECK(uidl_merge(records, "INBOX", dir, &ms, &e) < 0);
	T_INTEQ(e.cls, ERR_NOINPUT);
	T_CHECK(access(lock, F_OK) < 0);
}

int main(void)
{
	const char *tmp = getenv("TMPDIR"), *root = getenv("CUTOVER_ROOT");
	snprintf(t_data, sizeof t_data, "%s/tests/data/uidl", root && *root ? root : ".");
	snprintf(t_dir, sizeof t_dir, "%s/test_uidl.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(t_dir)) {
		printf("not ok 1 - mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	T_RUN(t_csv);
	T_RUN(t_dovecot);
	T_RUN(t_merge);
	if (!t_failed) {
		char cmd[300];
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", t_dir);
		if (system(cmd) != 0)
			printf("# could not remove %s\n", t_dir);
	}
	return T_DONE();
}
