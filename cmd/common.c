/* common: what several commands share: the customer selection, exit codes, sizes. */
#include "cmd/cmd.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

bool cmd_selected(const struct cmd_ctx *ctx, const char *id)
{
	if (!ctx->n_customers)
		return true;
	for (size_t i = 0; i < ctx->n_customers; i++)
		if (strcmp(ctx->customers[i].id, id) == 0)
			return true;
	return false;
}

int cmd_exit_for(const struct err *e)
{
	return err_is_set(e) ? err_exit_code(e->cls) : EX_OK;
}

const char *cmd_fmt_bytes(uint64_t b, char *buf, size_t size)
{
	static const char *const unit[] = { "B", "KB", "MB", "GB", "TB" };
	double v = (double)b;
	int u = 0;
	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, size, "%llu B", (unsigned long long)b);
	else
		snprintf(buf, size, "%.1f %s", v, unit[u]);
	return buf;
}
