/* test_tlsverify: tlsverify_chain on certificates made here with the openssl CLI
 * (own CA, leaf with DNS and IP SANs, self-signed, expired, wrong name). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "migrate/net/tlsverify.h"
#include "tests/unit/t.h"

static char dir[64];

static int sh(const char *script)
{
	char cmd[4096];
	snprintf(cmd, sizeof cmd, "cd '%s' && { %s ; } >/dev/null 2>&1", dir, script);
	return system(cmd);
}

/* Read dir/name into a malloc'd buffer. */
static unsigned char *slurp(const char *name, size_t *len)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	unsigned char *b = malloc(65536);
	*len = b ? fread(b, 1, 65536, f) : 0;
	fclose(f);
	return b;
}

static int check(const char *leaf, const char *ca, const char *name, struct err *e)
{
	size_t len = 0;
	unsigned char *der = slurp(leaf, &len);
	if (!der)
		return err_set(e, ERR_INTERNAL, "no %s", leaf);
	char capath[256];
	snprintf(capath, sizeof capath, "%s/%s", dir, ca);
	const unsigned char *v[1] = {der};
	int rc = tlsverify_chain(v, &len, 1, capath, name, e);
	free(der);
	return rc;
}

static void good_by_name_and_ip(void)
{
	struct err e = {0};
	T_INTEQ(check("leaf.der", "ca.pem", "mail.test", &e), 0);
	T_INTEQ(check("leaf.der", "ca.pem", "127.0.0.1", &e), 0);
}

static void wrong_name(void)
{
	struct err e = {0};
	T_INTEQ(check("leaf.der", "ca.pem", "other.test", &e), -1);
	T_INTEQ(e.cls, ERR_TLS);
	T_CHECK(strstr(e.msg, "does not name this host") != NULL);
	T_CHECK(strstr(e.msg, "CN=mail.test") != NULL);
	T_CHECK(strstr(e.msg, "CN=Test CA") != NULL);
	T_INTEQ(check("leaf.der", "ca.pem", "127.0.0.2", &e), -1);
}

static void self_signed(void)
{
	struct err e = {0};
	T_INTEQ(check("self.der", "ca.pem", "mail.test", &e), -1);
	T_INTEQ(e.cls, ERR_TLS);
	T_CHECK(strstr(e.msg, "unknown CA") != NULL);
}

static void expired(void)
{
	struct err e = {0};
	T_INTEQ(check("exp.der", "ca.pem", "mail.test", &e), -1);
	T_CHECK(strstr(e.msg, "expired") != NULL);
}

static void empty_and_garbage(void)
{
	struct err e = {0};
	T_INTEQ(tlsverify_chain(NULL, NULL, 0, NULL, "x", &e), -1);
	T_INTEQ(e.cls, ERR_TLS);
	const unsigned char junk[] = "not a certificate";
	const unsigned char *v[1] = {junk};
	size_t len = sizeof junk;
	T_INTEQ(tlsverify_chain(v, &len, 1, NULL, "x", &e), -1);
	T_CHECK(strstr(e.msg, "unreadable") != NULL);
}

static void missing_ca_file(void)
{
	struct err e = {0};
	T_INTEQ(check("leaf.der", "nope.pem", "mail.test", &e), -1);
	T_CHECK(strstr(e.msg, "nope.pem") != NULL);
}

static void system_store_rejects_private_ca(void)
{
	size_t len = 0;
	unsigned char *der = slurp("leaf.der", &len);
	T_REQUIRE(der != NULL);
	const unsigned char *v[1] = {der};
	struct err e = {0};
	T_INTEQ(tlsverify_chain(v, &len, 1, NULL, "mail.test", &e), -1);
	T_CHECK(strstr(e.msg, "system store") != NULL);
	free(der);
}

int main(void)
{
	snprintf(dir, sizeof dir, "/tmp/cutover-tlsverify.XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	int rc = sh("K='-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes' && "
	            "openssl req -x509 $K -keyout ca.key -out ca.pem -days 30 -subj '/CN=Test CA' && "
	            "openssl req $K -keyout leaf.key -out leaf.csr -subj '/CN=mail.test' && "
	            "printf 'subjectAltName=DNS:mail.test,IP:127.0.0.1\\n' >ext && "
	            "openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 "
	            "  -extfile ext -outform DER -out leaf.der && "
	            "openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days -1 "
	            "  -extfile ext -outform DER -out exp.der && "
	            "openssl req -x509 $K -keyout self.key -outform DER -out self.der -days 30 "
	            "  -subj '/CN=mail.test' -addext 'subjectAltName=DNS:mail.test'");
	if (rc != 0) {
		printf("not ok 1 - openssl could not make test certificates\n1..1\n");
		return 1;
	}
	T_RUN(good_by_name_and_ip);
	T_RUN(wrong_name);
	T_RUN(self_signed);
	T_RUN(expired);
	T_RUN(empty_and_garbage);
	T_RUN(missing_ca_file);
	T_RUN(system_store_rejects_private_ca);
	sh("rm -f *.der *.pem *.key *.csr *.srl ext");
	rmdir(dir);
	return T_DONE();
}
