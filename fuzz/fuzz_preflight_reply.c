/* fuzz_preflight_reply: byte 0 picks the protocol and reply kind (greeting or capability
 * reply), the rest is what the server says, cut into lines as netline_read_line does
 * (LF ends a line, a CR before it is dropped, lines over the pre-flight's cap end the
 * reply). Then the capability words the pre-flight looks for. */
#include "fuzz/fuzz.h"

#include "migrate/survey/preflight_reply.h"

#define PF_LINE 2048
#define PF_CAPS 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const words[] = { "UIDL", "STLS", "STARTTLS", "PLAIN", "USER",
	                                     "AUTH=PLAIN", "AUTH=LOGIN", "LOGINDISABLED", "AUTH" };
	static const enum plan_proto protos[] = { PLAN_PROTO_POP3, PLAN_PROTO_IMAP, PLAN_PROTO_SMTP };
	if (size < 1)
		return 0;
	enum plan_proto proto = protos[data[0] % 3];
	const char *tag = data[0] & 0x4 ? NULL : proto == PLAN_PROTO_IMAP ? "c1" : "+";
	if (proto == PLAN_PROTO_SMTP)
		tag = NULL;
	char caps[PF_CAPS] = "", line[PF_LINE];
	size_t len = 0;
	struct err e;
	err_clear(&e);
	int rc = PREFLIGHT_REPLY_MORE;
	for (size_t i = 1; i < size && rc == PREFLIGHT_REPLY_MORE; i++) {
		if (data[i] != '\n') {
			if (len + 1 >= sizeof line)
				break;
			line[len++] = (char)data[i];
			continue;
		}
		if (len && line[len - 1] == '\r')
			len--;
		line[len] = '\0';
		len = 0;
		rc = preflight_reply_line(proto, tag, line, caps, sizeof caps, &e);
		FUZZ_ASSERT(rc == -1 || rc == 0 || rc == 1 || rc == PREFLIGHT_REPLY_MORE);
		FUZZ_ASSERT(strlen(caps) < sizeof caps);
	}
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		(void)preflight_reply_has(caps, words[i]);
	return 0;
}
