/* uidl_export: write the journal's UIDL map as CSV or as dovecot-uidlist records. */
#include "mapping/uidl_export.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool uidl_export_p_ok(const char *uidl)
{
	if (!uidl || !*uidl)
		return false;
	for (const unsigned char *p = (const unsigned char *)uidl; *p; p++)
		if (*p < 0x21 || *p > 0x7e)
			return false;
	return true;
}

/* ---- CSV ------------------------------------------------------------------------- */

static void uidl_csv_field(FILE *out, const char *s, bool last)
{
	if (!s)
		s = "";
	if (strpbrk(s, ",\"\r\n")) {
		fputc('"', out);
		for (const char *p = s; *p; p++) {
			if (*p == '"')
				fputc('"', out);
			fputc(*p, out);
		}
		fputc('"', out);
	} else {
		fputs(s, out);
	}
	fputs(last ? "\r\n" : ",", out);
}

static void uidl_csv_num(FILE *out, unsigned long long n)
{
	fprintf(out, "%llu,", n);
}

struct uidl_csv_ctx {
	FILE *out;
	const char *email;
	size_t rows;
};

static int uidl_csv_row(void *ctx, const struct journal_msg *m)
{
	struct uidl_csv_ctx *c = ctx;
	uidl_csv_field(c->out, m->customer, false);
	uidl_csv_field(c->out, c->email, false);
	uidl_csv_field(c->out, m->folder, false);
	uidl_csv_num(c->out, m->src_seq);
	uidl_csv_field(c->out, journal_msg_old_uidl(m), false);
	uidl_csv_field(c->out, m->dst_folder, false);
	uidl_csv_num(c->out, m->dst_uidvalidity);
	uidl_csv_num(c->out, m->dst_uid);
	uidl_csv_field(c->out, m->dst_uidl, false);
	uidl_csv_num(c->out, m->size);
	uidl_csv_field(c->out, m->sha256, false);
	uidl_csv_field(c->out, m->message_id, true);
	c->rows++;
	return 0;
}

static int uidl_out_check(FILE *out, struct err *e)
{
	if (fflush(out) != 0 || ferror(out))
		return err_set(e, ERR_IO, "writing the UIDL export: %s", strerror(errno));
	return 0;
}

typedef int (*uidl_customer_fn)(struct journal *j, const struct journal_customer_summary *c,
                                void *ctx, struct uidl_export_stats *st, struct err *e);

/* Call fn for the customers to export, sorted by id: all of them, or the one asked for
 * (which may have no row: then nothing is exported for it). */
static int uidl_each_customer(struct journal *j, const char *customer, uidl_customer_fn fn,
                              void *ctx, struct uidl_export_stats *st, struct err *e)
{
	struct journal_customer_summary *v;
	size_t n;
	int ret = 0;

	memset(st, 0, sizeof *st);
	if (journal_summary(j, &v, &n, e) < 0)
		return -1;
	for (size_t i = 0; i < n && ret == 0; i++)
		if (!customer || strcmp(v[i].id, customer) == 0)
			ret = fn(j, &v[i], ctx, st, e);
	journal_summary_free(v, n);
	return ret == 0 ? 0 : -1;
}

static int uidl_csv_customer(struct journal *j, const struct journal_customer_summary *cs,
                             void *ctx, struct uidl_export_stats *st, struct err *e)
{
	struct uidl_csv_ctx c = { ctx, cs->email, 0 };
	int ret = journal_each_msg(j, cs->id, uidl_csv_row, &c, e);
	st->rows += c.rows;
	st->customers += c.rows > 0;
	return ret;
}

int uidl_export_csv(struct journal *j, const char *customer, FILE *out,
                    struct uidl_export_stats *st, struct err *e)
{
	fputs("customer,email,folder,src_seq,old_uidl,dst_folder,dst_uidvalidity,dst_uid,dst_uidl,"
	      "size,sha256,message_id\r\n", out);
	if (uidl_each_customer(j, customer, uidl_csv_customer, out, st, e) < 0)
		return -1;
	return uidl_out_check(out, e);
}

/* ---- Dovecot --------------------------------------------------------------------- */

struct uidl_rec {
	char *folder;       /* destination folder ("" = unknown) */
	char *uidl;
	uint32_t uidvalidity, uid, order;
};

struct uidl_recs {
	struct uidl_rec *v;
	size_t n, alloc;
};

static int uidl_rec_cmp(const void *a, const void *b)
{
	const struct uidl_rec *x = a, *y = b;
	int c = strcmp(x->folder, y->folder);
	if (c)
		return c;
	if (x->uidvalidity != y->uidvalidity)
		return x->uidvalidity < y->uidvalidity ? -1 : 1;
	if (x->uid != y->uid)
		return x->uid < y->uid ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int uidl_rec_add(void *ctx, const struct journal_msg *m)
{
	struct uidl_recs *r = ctx;
	const char *old = journal_msg_old_uidl(m);
	struct uidl_rec *x;
	if (!old)
		return 0;    /* nothing a POP3 client could remember */
	if (r->n == r->alloc) {
		size_t na = r->alloc ? r->alloc * 2 : 64;
		struct uidl_rec *nv = realloc(r->v, na * sizeof *nv);
		if (!nv)
			return -1;
		r->v = nv;
		r->alloc = na;
	}
	x = &r->v[r->n];
	x->folder = strdup(m->dst_folder ? m->dst_folder : "");
	x->uidl = strdup(old);
	x->uidvalidity = m->dst_uidvalidity;
	x->uid = m->dst_uid;
	x->order = m->src_seq;
	r->n++;
	if (!x->folder || !x->uidl)
		return -1;
	return 0;
}

static void uidl_recs_release(struct uidl_recs *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].folder);
		free(r->v[i].uidl);
	}
	free(r->v);
	memset(r, 0, sizeof *r);
}

/* Text from the journal inside a comment line: printable ASCII only, bounded. */
static void uidl_comment_text(FILE *out, const char *s)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p && n < 200; p++, n++)
		fputc(*p >= 0x20 && *p < 0x7f ? (int)*p : '?', out);
	if (strlen(s) > 200)
		fputs("...", out);
}

static void uidl_left_out(FILE *out, const struct uidl_rec *x, const char *why)
{
	fprintf(out, "# left out: POP3 message %u, old UIDL \"", x->order);
	uidl_comment_text(out, x->uidl);
	fprintf(out, "\": %s\n", why);
}

/* One customer's block; ctx is the FILE. */
static int uidl_dovecot_customer(struct journal *j, const struct journal_customer_summary *c,
                                 void *ctx, struct uidl_export_stats *st, struct err *e)
{
	FILE *out = ctx;
	struct uidl_recs r = { 0 };
	const char *folder = NULL;
	uint32_t uidvalidity = 0;
	size_t written = 0;
	int ret = journal_each_msg(j, c->id, uidl_rec_add, &r, e);

	if (ret != 0) {
		uidl_recs_release(&r);
		if (!err_is_set(e))
			err_set(e, ERR_NOMEM, "out of memory exporting customer %s", c->id);
		return -1;
	}
	if (r.n == 0)
		return 0;
	qsort(r.v, r.n, sizeof *r.v, uidl_rec_cmp);
	/* A machine line first: uidl_merge refuses a file holding several customers. */
	fputs("#customer ", out);
	uidl_comment_text(out, c->id);
	fputs("\n# cutover uidl export: dovecot-uidlist records of customer ", out);
	uidl_comment_text(out, c->id);
	if (c->email && *c->email) {
		fputs(" <", out);
		uidl_comment_text(out, c->email);
		fputc('>', out);
	}
	fputs("\n# Add them to the destination Maildir's dovecot-uidlist with\n"
	      "#   cutover uidl merge FILE MAILDIR-FOLDER-DIRECTORY [--folder NAME]\n"
	      "# (P = the old POP3 UIDL, O = the POP3 order). Lines are \"UID P<uidl> O<order>\".\n",
	      out);
	for (size_t i = 0; i < r.n; i++) {
		const struct uidl_rec *x = &r.v[i];
		if (x->uid == 0 || x->uidvalidity == 0 || !*x->folder) {
			uidl_left_out(out, x, "the destination UID is unknown (no APPENDUID)");
			st->left_out++;
			continue;
		}
		if (!uidl_export_p_ok(x->uidl)) {
			uidl_left_out(out, x, "a P field cannot hold spaces, control or 8-bit bytes");
			st->left_out++;
			continue;
		}
		if (i > 0 && x->uid == r.v[i - 1].uid && x->uidvalidity == r.v[i - 1].uidvalidity &&
		    strcmp(x->folder, r.v[i - 1].folder) == 0) {
			uidl_left_out(out, x, "another message has the same destination UID");
			st->left_out++;
			continue;
		}
		if (!folder || strcmp(folder, x->folder) != 0 || uidvalidity != x->uidvalidity) {
			fprintf(out, "#folder V%u ", x->uidvalidity);
			uidl_comment_text(out, x->folder);
			fputc('\n', out);
			folder = x->folder;
			uidvalidity = x->uidvalidity;
		}
		fprintf(out, "%u P%s O%u\n", x->uid, x->uidl, x->order);
		written++;
	}
	st->rows += written;
	st->customers++;
	uidl_recs_release(&r);
	return 0;
}

int uidl_export_dovecot(struct journal *j, const char *customer, FILE *out,
                        struct uidl_export_stats *st, struct err *e)
{
	if (uidl_each_customer(j, customer, uidl_dovecot_customer, out, st, e) < 0)
		return -1;
	return uidl_out_check(out, e);
}

static void uidl_file_name(char *out, size_t cap, const char *id)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)id; *p && n + 4 < cap; p++) {
		bool safe = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		            (*p >= '0' && *p <= '9') || *p == '_' || *p == '@' || *p == '+' ||
		            *p == '-' || (*p == '.' && n > 0);
		if (safe)
			out[n++] = (char)*p;
		else
			n += (size_t)snprintf(out + n, cap - n, "%%%02X", *p);
	}
	out[n] = '\0';
}

FILE *uidl_export_create(const char *path, struct err *e)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		err_set(e, ERR_IO, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
	}
	return f;
}

/* One customer's file in the directory ctx; none when the customer has no old UIDL. */
static int uidl_dovecot_file(struct journal *j, const struct journal_customer_summary *c,
                             void *ctx, struct uidl_export_stats *st, struct err *e)
{
	char name[700], path[4096];
	int ret;
	FILE *f;
	long at;

	uidl_file_name(name, sizeof name, c->id);
	snprintf(path, sizeof path, "%s/%s.uidlist", (const char *)ctx, name);
	if (!(f = uidl_export_create(path, e)))
		return -1;
	ret = uidl_dovecot_customer(j, c, f, st, e);
	if (ret == 0)
		ret = uidl_out_check(f, e);
	at = ftell(f);
	if (fclose(f) != 0 && ret == 0)
		ret = err_set(e, ERR_IO, "%s: %s", path, strerror(errno));
	if (ret == 0 && at == 0)
		remove(path);
	return ret;
}

int uidl_export_dovecot_dir(struct journal *j, const char *customer, const char *dir,
                            struct uidl_export_stats *st, struct err *e)
{
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return err_set(e, ERR_IO, "%s: %s", dir, strerror(errno));
	return uidl_each_customer(j, customer, uidl_dovecot_file, (void *)dir, st, e);
}
