/* imap_append: drive the IMAP destination driver (imapdst_ops) from a test script.
 *   imap_append OPTS append FOLDER BATCH DIR   append DIR's messages, BATCH per driver call;
 *        DIR/MANIFEST lines "file<TAB>flags<TAB>epoch<TAB>utc-offset-seconds" (flags comma
 *        separated, "-" for none) give order, flags and dates; without it every *.eml in
 *        name order, no flags. Prints "uid<TAB>file" per stored message, then "done=N",
 *        and the rate on stderr.
 *   imap_append OPTS folders | create FOLDER | find FOLDER HEADER VALUE | limits |
 *        fetch FOLDER UID | index FOLDER | caps
 * OPTS: see imaptool.h. Exit status: the sysexits code of the error class. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "imaptool.h"

struct item {
	char *file, *data, **kw;
	size_t len;
	unsigned flags;
	time_t date;
	int off;
};

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0, r;
	char *b = malloc(cap);
	while (b && (r = fread(b + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n == cap) {
			char *nb = realloc(b, cap *= 2);
			if (!nb) {
				free(b);
				b = NULL;
			}
			b = nb;
		}
	}
	fclose(f);
	*len = n;
	return b;
}

static void parse_flags(struct item *it, char *s)
{
	size_t nk = 0;
	it->kw = calloc(strlen(s) + 1, sizeof *it->kw);
	for (char *tok = strtok(s, ","); tok; tok = strtok(NULL, ",")) {
		if (!strcmp(tok, "-")) continue;
		else if (!strcmp(tok, "\\Seen")) it->flags |= DRV_FLAG_SEEN;
		else if (!strcmp(tok, "\\Answered")) it->flags |= DRV_FLAG_ANSWERED;
		else if (!strcmp(tok, "\\Flagged")) it->flags |= DRV_FLAG_FLAGGED;
		else if (!strcmp(tok, "\\Draft")) it->flags |= DRV_FLAG_DRAFT;
		else if (!strcmp(tok, "\\Deleted")) it->flags |= DRV_FLAG_DELETED;
		else it->kw[nk++] = strdup(tok);
	}
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(((const struct item *)a)->file, ((const struct item *)b)->file);
}

static size_t load(const char *dir, struct item **out)
{
	char path[4096], line[8192];
	size_t n = 0, cap = 64;
	struct item *v = calloc(cap, sizeof *v);
	snprintf(path, sizeof path, "%s/MANIFEST", dir);
	FILE *m = fopen(path, "r");
	if (m) {
		while (fgets(line, sizeof line, m)) {
			char *f = strtok(line, "\t\n"), *fl = strtok(NULL, "\t\n"), *ep = strtok(NULL, "\t\n"),
			     *off = strtok(NULL, "\t\n");
			if (!f)
				continue;
			if (n == cap)
				v = realloc(v, (cap *= 2) * sizeof *v);
			memset(&v[n], 0, sizeof v[n]);
			v[n].file = strdup(f);
			parse_flags(&v[n], fl ? fl : (char *)"-");
			v[n].date = ep ? (time_t)strtoll(ep, NULL, 10) : 0;
			v[n].off = off ? atoi(off) : 0;
			n++;
		}
		fclose(m);
	} else {
		DIR *d = opendir(dir);
		struct dirent *de;
		while (d && (de = readdir(d))) {
			size_t l = strlen(de->d_name);
			if (l < 5 || strcmp(de->d_name + l - 4, ".eml"))
				continue;
			if (n == cap)
				v = realloc(v, (cap *= 2) * sizeof *v);
			memset(&v[n], 0, sizeof v[n]);
			v[n].file = strdup(de->d_name);
			v[n].kw = calloc(1, sizeof *v[n].kw);
			n++;
		}
		if (d)
			closedir(d);
		qsort(v, n, sizeof *v, cmp_name);
	}
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, v[i].file);
		if (!(v[i].data = slurp(path, &v[i].len))) {
			fprintf(stderr, "cannot read %s\n", path);
			exit(66);
		}
	}
	*out = v;
	return n;
}

static void free_items(struct item *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (char **k = v[i].kw; k && *k; k++)
			free(*k);
		free(v[i].kw);
		free(v[i].file);
		free(v[i].data);
	}
	free(v);
}

static int cmd_append(struct dst *d, char **args, struct err *e)
{
	const char *folder = args[0];
	size_t batch = (size_t)atoi(args[1]);
	struct item *v;
	size_t n = load(args[2], &v);
	struct drv_append *a = calloc(n ? n : 1, sizeof *a);
	for (size_t i = 0; i < n; i++) {
		a[i].data = v[i].data;
		a[i].len = v[i].len;
		a[i].flags = v[i].flags;
		a[i].keywords = (const char *const *)v[i].kw;
		a[i].internaldate = v[i].date;
		a[i].tz_offset = v[i].off;
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	size_t total = 0;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < n; i += batch) {
		size_t k = n - i < batch ? n - i : batch, done = 0;
		rc = d->ops->append(d, folder, a + i, k, &done, e);
		total += done;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	for (size_t i = 0; i < total; i++)
		printf("%u\t%s\n", a[i].uid, v[i].file);
	printf("done=%zu\n", total);
	double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	fprintf(stderr, "appended %zu messages in %.3f s (%.0f msg/s), batch %zu\n", total, s,
	        s > 0 ? (double)total / s : 0.0, batch);
	if (rc < 0 && total < n)
		printf("failed=%s\n", v[total].file);
	free(a);
	free_items(v, n);
	return rc;
}

static const char *special_name(enum drv_special s)
{
	static const char *const names[] = {"-", "sent", "drafts", "trash", "junk", "archive", "all", "flagged"};
	return names[s];
}

static int cmd_folders(struct dst *d, struct err *e)
{
	struct drv_folder *f;
	size_t n;
	if (d->ops->folders(d, &f, &n, e) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		printf("%s\t%c\t%s%s%s\n", f[i].name, f[i].delim ? f[i].delim : '-', special_name(f[i].special),
		       f[i].noselect ? " noselect" : "", f[i].subscribed ? " subscribed" : "");
	drv_folder_list_free(f, n);
	return 0;
}

static int cmd_find(struct dst *d, char **args, struct err *e)
{
	uint32_t *uids;
	size_t n;
	if (d->ops->find_header(d, args[0], args[1], args[2], &uids, &n, e) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		printf("%u\n", uids[i]);
	free(uids);
	return 0;
}

static int cmd_fetch(struct dst *d, char **args, struct err *e)
{
	char *data;
	size_t len;
	if (d->ops->fetch_uid(d, args[0], (uint32_t)strtoul(args[1], NULL, 10), &data, &len, e) < 0)
		return -1;
	fwrite(data, 1, len, stdout);
	free(data);
	return 0;
}

/* One reconcile index pass: "uid<TAB>size<TAB>X-UIDL<TAB>Message-ID" per message, and
 * the time it took on stderr. */
static int cmd_index(struct dst *d, char **args, struct err *e)
{
	struct drv_index ix;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (d->ops->index(d, args[0], "X-UIDL", &ix, e) < 0)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	for (size_t i = 0; i < ix.n; i++)
		printf("%u\t%llu\t%s\t%s\n", ix.v[i].uid, (unsigned long long)ix.v[i].size,
		       ix.v[i].found_by ? ix.v[i].found_by : "-", ix.v[i].message_id ? ix.v[i].message_id : "-");
	fprintf(stderr, "index: %zu messages in %.3f s\n", ix.n,
	        (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	drv_index_free(&ix);
	return 0;
}

int main(int argc, char **argv)
{
	struct imaptool t;
	const char *usage = "imap_append [-h H -p P -t none|starttls|tls -c CA -n NAME -u USER -m MASTER "
	                    "-a user|plain -T S] append FOLDER BATCH DIR | folders | create FOLDER | "
	                    "find FOLDER HEADER VALUE | limits | fetch FOLDER UID | index FOLDER | caps";
	if (imaptool_opts(&t, argc, argv, usage) < 0)
		return 64;
	char *cmd = argv[t.argi], **args = argv + t.argi + 1;
	int nargs = argc - t.argi - 1;
	struct err e;
	err_clear(&e);
	struct dst *d;
	if (imapdst_ops.open(&d, &t.ep, &t.login, &e) < 0)
		return imaptool_fail(&e);
	int rc = 0;
	if (!strcmp(cmd, "append") && nargs == 3) {
		rc = cmd_append(d, args, &e);
	} else if (!strcmp(cmd, "folders")) {
		rc = cmd_folders(d, &e);
	} else if (!strcmp(cmd, "create") && nargs == 1) {
		rc = d->ops->create(d, args[0], true, &e);
	} else if (!strcmp(cmd, "find") && nargs == 3) {
		rc = cmd_find(d, args, &e);
	} else if (!strcmp(cmd, "fetch") && nargs == 2) {
		rc = cmd_fetch(d, args, &e);
	} else if (!strcmp(cmd, "index") && nargs == 1) {
		rc = cmd_index(d, args, &e);
	} else if (!strcmp(cmd, "limits")) {
		uint64_t mx, used, lim;
		if ((rc = d->ops->limits(d, &mx, &used, &lim, &e)) == 0)
			printf("max=%llu used=%llu limit=%llu\n", (unsigned long long)mx,
			       (unsigned long long)used, (unsigned long long)lim);
	} else if (!strcmp(cmd, "caps")) {
		unsigned c = d->ops->caps(d);
		printf("%s%s%s%s\n", c & DRV_DST_UIDPLUS ? "uidplus " : "", c & DRV_DST_MULTIAPPEND ? "multiappend " : "",
		       c & DRV_DST_QUOTA ? "quota " : "", c & DRV_DST_SPECIAL_USE ? "special-use" : "");
	} else {
		fprintf(stderr, "usage: %s\n", usage);
		d->ops->close(d);
		return 64;
	}
	d->ops->close(d);
	return rc < 0 ? imaptool_fail(&e) : 0;
}
