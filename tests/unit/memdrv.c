/* memdrv: the in-memory source and destination drivers for engine tests (memdrv.h). */
#include "tests/unit/memdrv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "migrate/msg/hdr.h"
#include "migrate/msg/spool.h"

struct memdrv_src {
	struct src base;
	struct memdrv *m;
	struct memdrv_folder *sel;
	bool dead;                  /* the session was dropped: every call fails */
};

struct memdrv_dst {
	struct dst base;
	struct memdrv *m;
	struct memdrv_folder *sel;
	bool dead;
};

/* Tests are small: running out of memory is a broken test machine. */
static void *memdrv_need(void *p)
{
	if (!p) {
		fputs("memdrv: out of memory\n", stderr);
		abort();
	}
	return p;
}

void memdrv_init(struct memdrv *m, bool one_mailbox)
{
	memset(m, 0, sizeof *m);
	m->src.one_mailbox = one_mailbox;
	pthread_mutex_init(&m->mu, NULL);
}

static void memdrv_store_free(struct memdrv_store *s)
{
	for (size_t i = 0; i < s->n; i++) {
		for (size_t k = 0; k < s->f[i].n; k++) {
			free(s->f[i].v[k].key);
			free(s->f[i].v[k].data);
		}
		free(s->f[i].v);
		free(s->f[i].name);
	}
	memset(s->f, 0, sizeof s->f);
	s->n = 0;
}

void memdrv_free(struct memdrv *m)
{
	memdrv_store_free(&m->src);
	memdrv_store_free(&m->dst);
	pthread_mutex_destroy(&m->mu);
}

static struct memdrv_folder *memdrv_find(struct memdrv_store *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->f[i].name, name) == 0)
			return &s->f[i];
	return NULL;
}

struct memdrv_folder *memdrv_folder(struct memdrv_store *s, const char *name, uint32_t uidvalidity)
{
	struct memdrv_folder *f = memdrv_find(s, name);
	if (f || s->n == MEMDRV_FOLDERS_MAX)
		return f;
	f = &s->f[s->n++];
	f->name = memdrv_need(strdup(name));
	f->uidvalidity = uidvalidity;
	f->next_uid = 1;
	return f;
}

static struct memdrv_msg *memdrv_push(struct memdrv_folder *f, const char *data, size_t len)
{
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 16;
		f->v = memdrv_need(realloc(f->v, f->cap * sizeof *f->v));
	}
	struct memdrv_msg *x = &f->v[f->n++];
	memset(x, 0, sizeof *x);
	x->uid = f->next_uid++;
	x->data = memdrv_need(malloc(len + 1));
	memcpy(x->data, data, len);
	x->data[len] = '\0';
	x->len = len;
	return x;
}

void memdrv_add(struct memdrv_folder *f, const char *key, enum drv_key_kind kind, const char *data,
                unsigned flags)
{
	struct memdrv_msg *x = memdrv_push(f, data, strlen(data));
	x->key = key ? memdrv_need(strdup(key)) : NULL;
	x->kind = kind;
	x->flags = flags;
}

/* ---- the destination kept in a file ---- */

int memdrv_save(const struct memdrv *m)
{
	FILE *fp;
	if (!m->dst_path || !(fp = fopen(m->dst_path, "w")))
		return m->dst_path ? -1 : 0;
	fprintf(fp, "%zu\n", m->dst.n);
	for (size_t i = 0; i < m->dst.n; i++) {
		const struct memdrv_folder *f = &m->dst.f[i];
		fprintf(fp, "%s\n%u %u %zu\n", f->name, f->uidvalidity, f->next_uid, f->n);
		for (size_t k = 0; k < f->n; k++) {
			fprintf(fp, "%u %u %zu\n", f->v[k].uid, f->v[k].flags, f->v[k].len);
			fwrite(f->v[k].data, 1, f->v[k].len, fp);
		}
	}
	return fclose(fp) == 0 ? 0 : -1;
}

static int memdrv_load_folder(struct memdrv *m, FILE *fp)
{
	char name[256];
	unsigned uidv, next, uid, flags;
	size_t n, len;
	if (!fgets(name, sizeof name, fp) || fscanf(fp, "%u %u %zu\n", &uidv, &next, &n) != 3)
		return -1;
	name[strcspn(name, "\n")] = '\0';
	struct memdrv_folder *f = memdrv_folder(&m->dst, name, uidv);
	for (size_t k = 0; k < n; k++) {
		if (fscanf(fp, "%u %u %zu", &uid, &flags, &len) != 3 || fgetc(fp) != '\n')
			return -1;
		char *data = memdrv_need(malloc(len + 1));
		if (fread(data, 1, len, fp) != len) {
			free(data);
			return -1;
		}
		struct memdrv_msg *x = memdrv_push(f, data, len);
		x->uid = uid;
		x->flags = flags;
		free(data);
	}
	f->next_uid = next;
	return 0;
}

int memdrv_load(struct memdrv *m)
{
	size_t n;
	FILE *fp = m->dst_path ? fopen(m->dst_path, "r") : NULL;
	int rc = 0;
	if (!fp)
		return 0;
	memdrv_store_free(&m->dst);
	if (fscanf(fp, "%zu\n", &n) != 1)
		rc = -1;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = memdrv_load_folder(m, fp);
	fclose(fp);
	return rc;
}

/* ---- faults ---- */

static void memdrv_sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	if (ms)
		nanosleep(&ts, NULL);
}

/* Every call of either session counts; the scripted one drops its session. */
static int memdrv_op(struct memdrv *m, bool *dead, struct err *e)
{
	int rc = 0;
	pthread_mutex_lock(&m->mu);
	if (*dead) {
		rc = err_set(e, ERR_NET, "memdrv: connection closed");
	} else if (++m->ops == m->drop_after) {
		m->drop_after = 0;
		*dead = true;
		rc = err_set(e, ERR_NET, "memdrv: connection reset (scripted, operation %zu)", m->ops);
	}
	pthread_mutex_unlock(&m->mu);
	return rc;
}

static double memdrv_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Whether destination message x shows yet (append_late_ms). */
static bool memdrv_visible(const struct memdrv_msg *x)
{
	return x->visible_at <= 0 || memdrv_now() >= x->visible_at;
}

/* A fetch (src) or an append (!src) begins or ends; one that begins while the other side
 * is busy is an overlap. */
static void memdrv_busy(struct memdrv *m, bool src, bool on)
{
	pthread_mutex_lock(&m->mu);
	if (on && (src ? m->appending : m->fetching))
		m->overlaps++;
	if (src)
		m->fetching = on;
	else
		m->appending = on;
	pthread_mutex_unlock(&m->mu);
}

/* ---- source ---- */

static unsigned memdrv_src_caps(struct src *s)
{
	const struct memdrv_src *x = (const struct memdrv_src *)s;
	return x->m->src.one_mailbox ? DRV_SRC_UIDL : DRV_SRC_FOLDERS | DRV_SRC_FLAGS;
}

static int memdrv_folders_of(struct memdrv_store *st, struct drv_folder **out, size_t *n)
{
	*out = memdrv_need(calloc(st->n + 1, sizeof **out));
	for (size_t i = 0; i < st->n; i++) {
		(*out)[i].name = memdrv_need(strdup(st->f[i].name));
		(*out)[i].delim = '/';
		(*out)[i].uidvalidity = st->f[i].uidvalidity;
		(*out)[i].subscribed = true;
	}
	*n = st->n;
	return 0;
}

static int memdrv_src_folders(struct src *s, struct drv_folder **out, size_t *n, struct err *e)
{
	struct memdrv_src *x = (struct memdrv_src *)s;
	if (memdrv_op(x->m, &x->dead, e) < 0)
		return -1;
	return memdrv_folders_of(&x->m->src, out, n);
}

static int memdrv_src_select(struct src *s, const char *folder, uint32_t *uidvalidity,
                             struct err *e)
{
	struct memdrv_src *x = (struct memdrv_src *)s;
	if (memdrv_op(x->m, &x->dead, e) < 0)
		return -1;
	if (!(x->sel = memdrv_find(&x->m->src, folder)))
		return err_set(e, ERR_NOTFOUND, "memdrv: no source folder %s", folder);
	if (uidvalidity)
		*uidvalidity = x->sel->uidvalidity;
	return 0;
}

static void memdrv_key(const struct memdrv_src *x, const struct memdrv_msg *m, char *out, size_t cap)
{
	if (m->key)
		snprintf(out, cap, "%s", m->key);
	else
		snprintf(out, cap, "%u/%u", x->sel->uidvalidity, m->uid);
}

static int memdrv_src_list(struct src *s, struct drv_msg_list *out, struct err *e)
{
	struct memdrv_src *x = (struct memdrv_src *)s;
	char key[128];
	if (memdrv_op(x->m, &x->dead, e) < 0)
		return -1;
	out->v = memdrv_need(calloc(x->sel->n + 1, sizeof *out->v));
	out->n = x->sel->n;
	for (size_t i = 0; i < x->sel->n; i++) {
		const struct memdrv_msg *m = &x->sel->v[i];
		memdrv_key(x, m, key, sizeof key);
		out->v[i].key = memdrv_need(strdup(key));
		out->v[i].kind = m->kind;
		out->v[i].seq = (uint32_t)i + 1;
		out->v[i].uid = m->key ? 0 : m->uid;
		out->v[i].size = m->len;
		out->v[i].flags = x->m->src.one_mailbox ? 0 : m->flags;
	}
	return 0;
}

static const struct memdrv_msg *memdrv_src_find(struct memdrv_src *x, const char *key)
{
	char k[128];
	for (size_t i = 0; i < x->sel->n; i++) {
		memdrv_key(x, &x->sel->v[i], k, sizeof k);
		if (strcmp(k, key) == 0)
			return &x->sel->v[i];
	}
	return NULL;
}

/* The source's bytes of one listed message, or NULL with e set (message scope). */
static const struct memdrv_msg *memdrv_src_get(struct memdrv_src *x, const struct drv_msg *want,
                                               struct err *e)
{
	const struct memdrv_msg *m = memdrv_src_find(x, want->key);
	const char *big = x->m->fetch_toobig_key;
	if (!m || (big && strcmp(big, want->key) == 0)) {
		err_set(e, m ? ERR_TOOBIG : ERR_NOTFOUND, "memdrv: message %s %s", want->key,
		        m ? "is too big" : "vanished");
		e->scope = ERR_SCOPE_MESSAGE;
		return NULL;
	}
	return m;
}

static int memdrv_src_fetch_all(struct memdrv_src *x, const struct drv_msg *const *msgs, size_t n,
                                drv_fetch_cb cb, void *ctx, struct err *e)
{
	for (size_t i = 0; i < n; i++) {
		const struct memdrv_msg *m = memdrv_src_get(x, msgs[i], e);
		if (!m || cb(ctx, msgs[i], m->data, m->len, e) < 0)
			return -1;
	}
	return 0;
}

static int memdrv_src_fetch(struct src *s, const struct drv_msg *const *msgs, size_t n,
                            drv_fetch_cb cb, void *ctx, struct err *e)
{
	struct memdrv_src *x = (struct memdrv_src *)s;
	if (memdrv_op(x->m, &x->dead, e) < 0)
		return -1;
	memdrv_busy(x->m, true, true);
	memdrv_sleep_ms(x->m->fetch_ms);
	int rc = memdrv_src_fetch_all(x, msgs, n, cb, ctx, e);
	memdrv_busy(x->m, true, false);
	return rc;
}

static int memdrv_src_fetch_spool(struct src *s, const struct drv_msg *want, struct spool *sp,
                                  struct err *e)
{
	struct memdrv_src *x = (struct memdrv_src *)s;
	if (memdrv_op(x->m, &x->dead, e) < 0)
		return -1;
	memdrv_busy(x->m, true, true);
	memdrv_sleep_ms(x->m->fetch_ms);
	const struct memdrv_msg *m = memdrv_src_get(x, want, e);
	int rc = m ? spool_write(sp, m->data, m->len, e) : -1;
	memdrv_busy(x->m, true, false);
	if (rc == 0) {
		pthread_mutex_lock(&x->m->mu);
		x->m->spooled++;
		pthread_mutex_unlock(&x->m->mu);
	}
	return rc;
}

static void memdrv_closed(struct memdrv *m)
{
	pthread_mutex_lock(&m->mu);
	m->closed++;
	pthread_mutex_unlock(&m->mu);
}

static void memdrv_src_close(struct src *s)
{
	memdrv_closed(((struct memdrv_src *)s)->m);
	free(s);
}

const struct src_ops memdrv_src_ops = {
	.name = "memdrv",
	.caps = memdrv_src_caps,
	.folders = memdrv_src_folders,
	.select = memdrv_src_select,
	.list = memdrv_src_list,
	.fetch = memdrv_src_fetch,
	.fetch_spool = memdrv_src_fetch_spool,
	.close = memdrv_src_close,
};

/* ---- destination ---- */

static unsigned memdrv_dst_caps(struct dst *d)
{
	return ((struct memdrv_dst *)d)->m->no_uidplus ? 0 : DRV_DST_UIDPLUS;
}

static int memdrv_dst_folders(struct dst *d, struct drv_folder **out, size_t *n, struct err *e)
{
	struct memdrv_dst *x = (struct memdrv_dst *)d;
	if (memdrv_op(x->m, &x->dead, e) < 0)
		return -1;
	return memdrv_folders_of(&x->m->dst, out, n);
}

static int memdrv_dst_create(struct dst *d, const char *folder, bool subscribe, struct err *e)
{
	struct memdrv_dst *x = (struct memdrv_dst *)d;
	if (memdrv_op(x->m, &x->dead, e) < 0)
		return -1;
	if (!memdrv_folder(&x->m->dst, folder, 1000 + (uint32_t)x->m->dst.n))
		return err_set(e, ERR_PERM, "memdrv: too many folders");
	return memdrv_save(x->m) < 0 ? err_set(e, ERR_IO, "memdrv: saving") : 0;
}

static int memdrv_dst_select(struct dst *d, const char *folder, uint32_t *uidvalidity,
                             struct err *e)
{
	struct memdrv_dst *x = (struct memdrv_dst *)d;
	if (memdrv_op(x->m, &x->dead, e) < 0)
		return -1;
	if (!(x->sel = memdrv_find(&x->m->dst, folder)))
		return err_set(e, ERR_NOTFOUND, "memdrv: no destination folder %s", folder);
	if (uidvalidity)
		*uidvalidity = x->sel->uidvalidity;
	return 0;
}

static int memdrv_spool_piece(void *ctx, const char *p, size_t n, struct err *e)
{
	struct buf *b = ctx;
	return buf_append(b, p, n) < 0 ? err_set(e, ERR_NOMEM, "memdrv: out of memory") : 0;
}

/* What an APPEND stores: the data, then a spooled message's bytes. */
static struct memdrv_msg *memdrv_push_append(struct memdrv_folder *f, const struct drv_append *a)
{
	struct buf b = BUF_INIT;
	struct err e;
	if (!a->spool)
		return memdrv_push(f, a->data, a->len);
	err_clear(&e);
	if (buf_append(&b, a->data, a->len) < 0 || spool_each(a->spool, memdrv_spool_piece, &b, &e) < 0)
		memdrv_need(NULL);
	struct memdrv_msg *x = memdrv_push(f, b.data, b.len);
	buf_release(&b);
	return x;
}

/* One append with its scripted faults; 1 = failed after storing (in doubt). */
static int memdrv_append_one(struct memdrv_dst *x, struct drv_append *a, struct err *e)
{
	struct memdrv *m = x->m;
	size_t k = ++m->appends;
	if (k == m->append_toobig_at) {
		err_set(e, ERR_TOOBIG, "memdrv: append %zu refused: too big", k);
		e->scope = ERR_SCOPE_MESSAGE;
		return -1;
	}
	bool drop = k == m->append_net_at;
	if (drop && !m->append_net_stored) {
		x->dead = true;
		return err_set(e, ERR_NET, "memdrv: connection reset during append %zu", k);
	}
	struct memdrv_msg *s = memdrv_push_append(x->sel, a);
	s->flags = a->flags;
	a->uid = m->no_uidplus ? 0 : s->uid;
	if (memdrv_save(m) < 0)
		return err_set(e, ERR_IO, "memdrv: saving");
	if (drop) {
		x->dead = true;
		s->visible_at = m->append_late_ms ? memdrv_now() + m->append_late_ms / 1000.0 : 0;
		return err_set(e, ERR_NET, "memdrv: connection reset after append %zu", k);
	}
	return 0;
}

static int memdrv_dst_append(struct dst *d, const char *folder, struct drv_append *items,
                             size_t n, size_t *done, struct err *e)
{
	struct memdrv_dst *x = (struct memdrv_dst *)d;
	struct memdrv *m = x->m;
	int rc = 0;
	*done = 0;
	if (memdrv_op(m, &x->dead, e) < 0)
		return -1;
	if (!(x->sel = memdrv_find(&m->dst, folder)))
		return err_set(e, ERR_NOTFOUND, "memdrv: no destination folder %s", folder);
	memdrv_busy(m, false, true);
	memdrv_sleep_ms(m->append_ms);
	for (; *done < n && rc == 0; (*done)++)
		rc = memdrv_append_one(x, &items[*done], e);
	if (rc < 0)
		(*done)--;
	memdrv_busy(m, false, false);
	if (m->stop && m->stop_after_appends && m->appends >= m->stop_after_appends)
		*m->stop = 1;
	return rc;
}

static int memdrv_dst_find_header(struct dst *d, const char *folder, const char *name,
                                  const char *value, uint32_t **uids, size_t *n, struct err *e)
{
	struct memdrv_dst *x = (struct memdrv_dst *)d;
	char v[1000];
	*uids = NULL;
	*n = 0;
	if (memdrv_op(x->m, &x->dead, e) < 0)
		return -1;
	struct memdrv_folder *f = memdrv_find(&x->m->dst, folder);
	*uids = memdrv_need(calloc(f ? f->n + 1 : 1, sizeof **uids));
	for (size_t i = 0; f && i < f->n; i++)
		if (memdrv_visible(&f->v[i]) &&
		    hdr_first(f->v[i].data, f->v[i].len, name, v, sizeof v) && strcmp(v, value) == 0)
			(*uids)[(*n)++] = f->v[i].uid;
	return 0;
}

/* What a server reports as RFC822.SIZE: the bytes with every line ending CRLF. */
static uint64_t memdrv_crlf_size(const char *d, size_t len)
{
	uint64_t n = 0;
	for (size_t i = 0; i < len; i++) {
		bool cr = d[i] == '\r', lf = d[i] == '\n';
		n += (cr && i + 1 < len && d[i + 1] == '\n') ? 0 : (cr || lf) ? 2 : 1;
	}
	return n;
}

static int memdrv_dst_index(struct dst *d, const char *folder, const char *header,
                            struct drv_index *out, struct err *e)
{
	struct memdrv_dst *x = (struct memdrv_dst *)d;
	char v[1000];
	memset(out, 0, sizeof *out);
	if (memdrv_op(x->m, &x->dead, e) < 0)
		return -1;
	x->m->indexes++;
	struct memdrv_folder *f = memdrv_find(&x->m->dst, folder);
	out->v = memdrv_need(calloc(f ? f->n + 1 : 1, sizeof *out->v));
	for (size_t i = 0; f && i < f->n; i++) {
		if (!memdrv_visible(&f->v[i]))
			continue;
		struct drv_index_entry *en = &out->v[out->n++];
		en->uid = f->v[i].uid;
		en->size = memdrv_crlf_size(f->v[i].data, f->v[i].len);
		if (header && hdr_first(f->v[i].data, f->v[i].len, header, v, sizeof v) && v[0])
			en->found_by = memdrv_need(strdup(v));
		if (hdr_message_id(f->v[i].data, f->v[i].len, v, sizeof v))
			en->message_id = memdrv_need(strdup(v));
	}
	return 0;
}

static int memdrv_dst_fetch_uid(struct dst *d, const char *folder, uint32_t uid, char **data,
                                size_t *len, struct err *e)
{
	struct memdrv_dst *x = (struct memdrv_dst *)d;
	if (memdrv_op(x->m, &x->dead, e) < 0)
		return -1;
	struct memdrv_folder *f = memdrv_find(&x->m->dst, folder);
	for (size_t i = 0; f && i < f->n; i++)
		if (f->v[i].uid == uid && memdrv_visible(&f->v[i])) {
			*data = memdrv_need(malloc(f->v[i].len + 1));
			memcpy(*data, f->v[i].data, f->v[i].len);
			*len = f->v[i].len;
			return 0;
		}
	return err_set(e, ERR_NOTFOUND, "memdrv: no UID %u in %s", uid, folder);
}

static int memdrv_dst_store_flags(struct dst *d, const char *folder, const uint32_t *uids, size_t n,
                                  unsigned flags, const char *const *keywords, struct err *e)
{
	struct memdrv_dst *x = (struct memdrv_dst *)d;
	if (memdrv_op(x->m, &x->dead, e) < 0)
		return -1;
	struct memdrv_folder *f = memdrv_find(&x->m->dst, folder);
	for (size_t i = 0; f && i < f->n; i++)
		for (size_t k = 0; k < n; k++)
			if (f->v[i].uid == uids[k])
				f->v[i].flags = flags;
	return memdrv_save(x->m) < 0 ? err_set(e, ERR_IO, "memdrv: saving") : 0;
}

static void memdrv_dst_close(struct dst *d)
{
	memdrv_closed(((struct memdrv_dst *)d)->m);
	free(d);
}

const struct dst_ops memdrv_dst_ops = {
	.name = "memdrv",
	.caps = memdrv_dst_caps,
	.folders = memdrv_dst_folders,
	.create = memdrv_dst_create,
	.select = memdrv_dst_select,
	.append = memdrv_dst_append,
	.find_header = memdrv_dst_find_header,
	.index = memdrv_dst_index,
	.fetch_uid = memdrv_dst_fetch_uid,
	.store_flags = memdrv_dst_store_flags,
	.close = memdrv_dst_close,
};

int memdrv_open(void *ctx, const struct plan_customer *c, enum session_role role, struct src **src,
                struct dst **dst, struct err *e)
{
	struct memdrv *m = ctx;
	if (role == SESSION_DESTINATION_POP3)
		return err_set(e, ERR_PERM, "memdrv: no POP3 view of the destination");
	pthread_mutex_lock(&m->mu);
	if (++m->opening > m->opening_max)
		m->opening_max = m->opening;
	pthread_mutex_unlock(&m->mu);
	memdrv_sleep_ms(m->open_ms);
	enum err_class fails = role == SESSION_SOURCE ? m->open_src_fails : m->open_dst_fails;
	pthread_mutex_lock(&m->mu);
	m->opening--;
	if (!fails)
		m->opened++;
	pthread_mutex_unlock(&m->mu);
	if (fails)
		return err_set(e, fails, "memdrv: %s refused the login (scripted)",
		               role == SESSION_SOURCE ? "source" : "destination");
	if (role == SESSION_SOURCE) {
		struct memdrv_src *x = memdrv_need(calloc(1, sizeof *x));
		x->base.ops = &memdrv_src_ops;
		x->m = m;
		*src = &x->base;
		return 0;
	}
	struct memdrv_dst *x = memdrv_need(calloc(1, sizeof *x));
	x->base.ops = &memdrv_dst_ops;
	x->m = m;
	*dst = &x->base;
	return 0;
}
