/* imap_dump: drive the IMAP source driver (imapsrc_ops) from a test script.
 *   imap_dump OPTS folders        "name<TAB>flags" per folder (names UTF-8, '/'-separated)
 *   imap_dump OPTS dump FOLDER    "uid flags internaldate size sha256" per message, where
 *                                 size and sha256 are of the fetched body (flags as listed)
 *   imap_dump OPTS all            "folder<TAB>uid flags internaldate size sha256" for every
 *                                 selectable folder
 * OPTS: see imaptool.h. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imaptool.h"

struct dump_ctx {
	const char *prefix;
	size_t n;
};

static int dump_cb(void *ctx, const struct drv_msg *m, const char *data, size_t len, struct err *e)
{
	(void)e;
	struct dump_ctx *d = ctx;
	char hex[65];
	imaptool_sha256(data, len, hex);
	printf("%s%u ", d->prefix, m->uid);
	imaptool_flags(m->flags, m->keywords, stdout);
	printf(" %lld %zu %s\n", (long long)m->internaldate, len, hex);
	if (len != m->size)
		printf("# size mismatch: RFC822.SIZE %llu, fetched %zu\n", (unsigned long long)m->size, len);
	d->n++;
	return 0;
}

static int dump_folder(struct src *s, const char *folder, const char *prefix, struct err *e)
{
	uint32_t uv;
	struct drv_msg_list l = {NULL, 0};
	if (s->ops->select(s, folder, &uv, e) < 0 || s->ops->list(s, &l, e) < 0)
		return -1;
	const struct drv_msg **p = calloc(l.n ? l.n : 1, sizeof *p);
	for (size_t i = 0; i < l.n; i++)
		p[i] = &l.v[i];
	struct dump_ctx d = {prefix, 0};
	int rc = s->ops->fetch(s, p, l.n, dump_cb, &d, e);
	free(p);
	drv_msg_list_free(&l);
	return rc;
}

int main(int argc, char **argv)
{
	struct imaptool t;
	const char *usage = "imap_dump [-h H -p P -t none|starttls|tls -c CA -n NAME -u USER -m MASTER "
	                    "-a user|plain -T S] folders | dump FOLDER | all";
	if (imaptool_opts(&t, argc, argv, usage) < 0)
		return 64;
	char *cmd = argv[t.argi];
	struct err e;
	err_clear(&e);
	struct src *s;
	if (imapsrc_ops.open(&s, &t.ep, &t.login, &e) < 0)
		return imaptool_fail(&e);
	int rc = 0;
	if (!strcmp(cmd, "dump") && t.argi + 1 < argc) {
		rc = dump_folder(s, argv[t.argi + 1], "", &e);
	} else if (!strcmp(cmd, "folders") || !strcmp(cmd, "all")) {
		struct drv_folder *f;
		size_t n;
		if ((rc = s->ops->folders(s, &f, &n, &e)) < 0)
			n = 0, f = NULL;
		for (size_t i = 0; rc == 0 && i < n; i++) {
			if (cmd[0] == 'f') {
				printf("%s\t%s%s\n", f[i].name, f[i].noselect ? "noselect" : "-",
				       f[i].subscribed ? " subscribed" : "");
				continue;
			}
			if (f[i].noselect)
				continue;
			char prefix[1024];
			snprintf(prefix, sizeof prefix, "%s\t", f[i].name);
			rc = dump_folder(s, f[i].name, prefix, &e);
		}
		drv_folder_list_free(f, n);
	} else {
		fprintf(stderr, "usage: %s\n", usage);
		s->ops->close(s);
		return 64;
	}
	s->ops->close(s);
	return rc < 0 ? imaptool_fail(&e) : 0;
}
