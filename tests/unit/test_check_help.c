/* test_check_help: `cutover help check` names every mail-program id of the catalogue, so
 * the help cannot drift from schedule/clients.c. */
#include <stdlib.h>

#include "cmd/cmd.h"
#include "schedule/clients.h"
#include "t.h"

static void help_lists_every_client_id(void)
{
	unsigned n;
	const struct client_info *all = clients_all(&n);
	const char *text = cmd_check_entry.description;
	T_REQUIRE(text);
	for (unsigned i = 0; i < n; i++) {
		/* the id followed by a separator, so "eudora-5" is not found inside "eudora-5.1j" */
		int found = 0;
		for (const char *s = text; (s = strstr(s, all[i].id)) != NULL; s++) {
			char after = s[strlen(all[i].id)];
			if (after == ',' || after == ' ' || after == '\n' || after == '\0')
				found = 1;
		}
		if (!found)
			printf("#   '%s' missing from cutover help check\n", all[i].id);
		T_CHECK(found);
	}
}

int main(void)
{
	T_RUN(help_lists_every_client_id);
	return T_DONE();
}
