/* uidl_merge: merge exported UIDL records into a dovecot-uidlist under Dovecot's lock. */
#include "mapping/uidl_merge.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/caps.h"

struct uidl_merge_rec {
	uint32_t uid;
	char *fields;      /* "P<uidl> O<order>" as exported */
	bool used;
};

struct uidl_merge_set {
	struct uidl_merge_rec *v;
	size_t n, alloc;
	uint32_t uidvalidity;    /* of the records kept; 0 = none yet */
};

static void uidl_merge_set_release(struct uidl_merge_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].fields);
	free(s->v);
}

static int uidl_merge_rec_cmp(const void *a, const void *b)
{
	const struct uidl_merge_rec *x = a, *y = b;
	return x->uid < y->uid ? -1 : x->uid > y->uid;
}

/* Parse a decimal uint32 at *p; advances *p. */
static bool uidl_merge_u32(const char **p, uint32_t *out)
{
	unsigned long long v = 0;
	const char *s = *p;
	if (*s < '0' || *s > '9')
		return false;
	while (*s >= '0' && *s <= '9') {
		v = v * 10 + (unsigned)(*s - '0');
		if (v > UINT32_MAX)
			return false;
		s++;
	}
	*p = s;
	*out = (uint32_t)v;
	return true;
}

/* Read one line (without the newline) into b; 0 at EOF, -1 if too long. */
static int uidl_merge_line(FILE *f, struct buf *b)
{
	int c;
	buf_reset(b);
	while ((c = fgetc(f)) != EOF && c != '\n') {
		char ch = (char)c;
		if (buf_append(b, &ch, 1) < 0)
			return -1;
	}
	if (buf_puts(b, "") < 0)
		return -1;
	return (c == EOF && b->len == 0) ? 0 : 1;
}

/* Read the export's records for `folder` and UIDVALIDITY want_uv; records of the folder
 * under another UIDVALIDITY are counted as stale. */
static int uidl_merge_read_records(const char *path, const char *folder, uint32_t want_uv,
                                   struct uidl_merge_set *s, struct uidl_merge_stats *st,
                                   struct err *e)
{
	FILE *f = fopen(path, "r");
	struct buf line;
	bool in_folder = false;
	uint32_t block_uv = 0;
	size_t lineno = 0, customers = 0;
	int r, ret = 0;

	if (!f)
		return err_set(e, errno == ENOENT ? ERR_NOINPUT : ERR_IO, "%s: %s", path, strerror(errno));
	buf_init(&line, CAPS_UIDLIST_LINE_MAX);
	while ((r = uidl_merge_line(f, &line)) > 0) {
		const char *p = line.data;
		uint32_t uid;
		lineno++;
		if (strncmp(p, "#folder V", 9) == 0) {
			p += 9;
			if (!uidl_merge_u32(&p, &block_uv) || *p != ' ') {
				ret = err_set(e, ERR_DATA, "%s:%zu: bad #folder line", path, lineno);
				break;
			}
			in_folder = strcmp(p + 1, folder) == 0;
			continue;
		}
		if (strncmp(p, "#customer ", 10) == 0 && ++customers > 1) {
			ret = err_set(e, ERR_DATA, "%s:%zu: records of more than one customer; export one "
			              "customer per file (--customer ID, or --out DIR)", path, lineno);
			break;
		}
		if (*p == '#' || *p == '\0')
			continue;
		if (!uidl_merge_u32(&p, &uid) || uid == 0 || *p != ' ' || strchr(p, ':')) {
			ret = err_set(e, ERR_DATA, "%s:%zu: not a record line (\"UID P<uidl> O<order>\")",
			              path, lineno);
			break;
		}
		if (!in_folder)
			continue;
		if (block_uv != want_uv) {
			st->stale++;
			continue;
		}
		if (s->n == s->alloc) {
			size_t na = s->alloc ? s->alloc * 2 : 256;
			struct uidl_merge_rec *nv = realloc(s->v, na * sizeof *nv);
			if (!nv) {
				ret = err_set(e, ERR_NOMEM, "%s: out of memory", path);
				break;
			}
			s->v = nv;
			s->alloc = na;
		}
		s->v[s->n].uid = uid;
		s->v[s->n].used = false;
		s->v[s->n].fields = strdup(p + 1);
		if (!s->v[s->n].fields) {
			ret = err_set(e, ERR_NOMEM, "%s: out of memory", path);
			break;
		}
		s->n++;
		s->uidvalidity = block_uv;
	}
	if (r < 0 && ret == 0)
		ret = err_set(e, ERR_DATA, "%s:%zu: line too long", path, lineno + 1);
	fclose(f);
	buf_release(&line);
	if (ret == 0 && s->n)
		qsort(s->v, s->n, sizeof *s->v, uidl_merge_rec_cmp);
	return ret;
}

static struct uidl_merge_rec *uidl_merge_find(struct uidl_merge_set *s, uint32_t uid)
{
	struct uidl_merge_rec key = { .uid = uid };
	if (s->n == 0)
		return NULL;
	return bsearch(&key, s->v, s->n, sizeof *s->v, uidl_merge_rec_cmp);
}

/* The UIDVALIDITY of a v3 header line "3 V<n> N<n> G<guid> ...". */
static int uidl_merge_header(const char *path, const char *hdr, uint32_t *uv, struct err *e)
{
	const char *p = hdr;
	if (strncmp(p, "3 ", 2) != 0)
		return err_set(e, ERR_DATA, "%s: not a version 3 dovecot-uidlist (header \"%.20s\")",
		               path, hdr);
	for (p += 2; *p;) {
		if (*p == 'V') {
			p++;
			if (!uidl_merge_u32(&p, uv) || *uv == 0)
				break;
			return 0;
		}
		while (*p && *p != ' ')
			p++;
		while (*p == ' ')
			p++;
	}
	return err_set(e, ERR_DATA, "%s: no UIDVALIDITY in the header", path);
}

/* Rewrite one record line "<uid> [ext ...] :<filename>" with the record's fields. */
static int uidl_merge_rewrite(struct buf *out, const char *line, uint32_t uid,
                              const struct uidl_merge_rec *r)
{
	const char *p = strchr(line, ' ');
	const char *colon;
	int ret = buf_printf(out, "%u", uid);
	while (p && *p == ' ')
		p++;
	/* Extension fields until the ':' that starts the file name. */
	while (p && *p && *p != ':') {
		const char *end = strchr(p, ' ');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (*p != 'P' && *p != 'O') {
			ret |= buf_puts(out, " ");
			ret |= buf_append(out, p, len);
		}
		p += len;
		while (*p == ' ')
			p++;
	}
	colon = p;    /* the caller checked there is one */
	ret |= buf_printf(out, " %s %s\n", r->fields, colon);
	return ret;
}

static int uidl_merge_write(int fd, const struct buf *b)
{
	size_t off = 0;
	while (off < b->len) {
		ssize_t w = write(fd, b->data + off, b->len - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		off += (size_t)w;
	}
	return fsync(fd);
}

int uidl_merge(const char *records_path, const char *folder, const char *dir,
               struct uidl_merge_stats *st, struct err *e)
{
	char path[4096], lock[4200];
	struct uidl_merge_set s = { 0 };
	struct buf line, out;
	struct stat sb;
	FILE *f = NULL;
	uint32_t uv = 0;
	int fd = -1, r, ret = -1;
	size_t lineno = 0;

	memset(st, 0, sizeof *st);
	buf_init(&line, CAPS_UIDLIST_LINE_MAX);
	buf_init(&out, CAPS_UIDLIST_FILE_MAX);
	snprintf(path, sizeof path, "%s/dovecot-uidlist", dir);
	snprintf(lock, sizeof lock, "%s.lock", path);

	/* Dovecot's dotlock: whoever creates the .lock file owns the uidlist. Read the file
	 * only once we hold it. */
	fd = open(lock, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == EEXIST) {
			err_set(e, ERR_LOCKED, "%s exists: Dovecot is updating this folder (or left a stale "
			        "lock); try again", lock);
			e->scope = ERR_SCOPE_FOLDER;
		} else {
			err_set(e, ERR_IO, "%s: %s", lock, strerror(errno));
		}
		goto out;
	}
	f = fopen(path, "r");
	if (!f || fstat(fileno(f), &sb) < 0) {
		err_set(e, errno == ENOENT ? ERR_NOINPUT : ERR_IO, "%s: %s%s", path, strerror(errno),
		        errno == ENOENT ? " (open the folder once, e.g. with a POP3 login, so Dovecot "
		                          "writes it)" : "");
		goto unlock;
	}
	if (uidl_merge_line(f, &line) <= 0) {
		err_set(e, ERR_DATA, "%s: empty or unreadable header", path);
		goto unlock;
	}
	if (uidl_merge_header(path, line.data, &uv, e) < 0)
		goto unlock;
	if (buf_printf(&out, "%s\n", line.data) < 0)
		goto toobig;
	if (uidl_merge_read_records(records_path, folder, uv, &s, st, e) < 0)
		goto unlock;
	st->records = s.n;
	if (s.n == 0 && st->stale > 0) {
		err_set(e, ERR_DATA,
		        "%s: UIDVALIDITY is %u but the export's records for folder %s are for another "
		        "UIDVALIDITY: the folder was recreated after the copy, its UIDs mean other "
		        "messages now; export again after a new run", path, uv, folder);
		goto unlock;
	}
	uint32_t prev_uid = 0;
	while ((r = uidl_merge_line(f, &line)) > 0) {
		const char *p = line.data;
		uint32_t uid;
		struct uidl_merge_rec *rec;
		lineno++;
		if (!uidl_merge_u32(&p, &uid) || *p != ' ' || !strchr(p, ':')) {
			err_set(e, ERR_DATA, "%s:%zu: not a record line", path, lineno + 1);
			goto unlock;
		}
		/* Dovecot writes UIDs in increasing order and throws away a file that is not: the
		 * P fields merged into it would be lost, and every UIDL with them. */
		if (uid <= prev_uid) {
			err_set(e, ERR_DATA, "%s:%zu: UID %u after UID %u: the file is damaged (Dovecot "
			        "rebuilds it without P fields); open the folder once and merge again",
			        path, lineno + 1, uid, prev_uid);
			goto unlock;
		}
		prev_uid = uid;
		rec = uidl_merge_find(&s, uid);
		if (rec) {
			rec->used = true;
			st->merged++;
			if (uidl_merge_rewrite(&out, line.data, uid, rec) < 0)
				goto toobig;
		} else if (buf_printf(&out, "%s\n", line.data) < 0) {
			goto toobig;
		}
	}
	if (r < 0) {
		err_set(e, ERR_DATA, "%s:%zu: line too long", path, lineno + 2);
		goto unlock;
	}
	for (size_t i = 0; i < s.n; i++)
		st->missing += !s.v[i].used;
	/* Same owner and mode as the file Dovecot wrote, then replace it atomically. */
	if ((fchown(fd, sb.st_uid, sb.st_gid) < 0 && errno != EPERM) ||
	    fchmod(fd, sb.st_mode & 07777) < 0 || uidl_merge_write(fd, &out) < 0) {
		err_set(e, ERR_IO, "%s: %s", lock, strerror(errno));
		goto unlock;
	}
	r = close(fd);
	fd = -1;
	if (r < 0) {
		err_set(e, ERR_IO, "%s: %s", lock, strerror(errno));
		goto unlock;
	}
	if (rename(lock, path) < 0) {
		err_set(e, ERR_IO, "%s: %s", path, strerror(errno));
		goto unlock;
	}
	ret = 0;
	goto out;
toobig:
	err_set(e, ERR_DATA, "%s: larger than %u bytes", path, CAPS_UIDLIST_FILE_MAX);
unlock:
	unlink(lock);
out:
	if (fd >= 0)
		close(fd);
	if (f)
		fclose(f);
	buf_release(&line);
	buf_release(&out);
	uidl_merge_set_release(&s);
	return ret;
}
