/* fuzz_imap_utf7: byte 0 is the hierarchy delimiter ('/', '.' or '\\'; any other byte: a
 * flat namespace), the rest a mailbox name both as a server sends it (modified UTF-7) and
 * as a plan writes it (UTF-8); a name we can encode must decode to itself. */
#include "fuzz/fuzz.h"

#include "migrate/imap/imap_utf7.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	char delim = data[0] == '/' || data[0] == '.' || data[0] == '\\' ? (char)data[0] : 0;
	char *name = fuzz_strdup(data + 1, size - 1);
	struct err e;
	err_clear(&e);
	char *utf8 = imap_utf7_from_server(name, delim, &e);
	free(utf8);
	err_clear(&e);
	char *server = imap_utf7_to_server(name, delim, &e);
	if (server) {
		char *again = imap_utf7_from_server(server, delim, &e);
		FUZZ_ASSERT(again && strcmp(again, name) == 0);
		free(again);
		free(server);
	}
	free(name);
	return 0;
}
