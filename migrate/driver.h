/* driver: the one interface between the copy engine and mail protocols. The engine
 * calls only src->ops->x(...) and dst->ops->x(...); each driver file exports one
 * `const struct src_ops` or `const struct dst_ops` and keeps everything else static.
 * Drivers speak in batches (list -> fetch many -> append many) so that pipelining and
 * MULTIAPPEND are driver changes, not engine changes. */
#ifndef CUTOVER_DRIVER_H
#define CUTOVER_DRIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/err.h"

struct spool;   /* migrate/msg/spool.h: a message held in a private temporary file */

/* IMAP system flags as bits; keywords travel as strings. */
enum {
	DRV_FLAG_SEEN = 1 << 0,
	DRV_FLAG_ANSWERED = 1 << 1,
	DRV_FLAG_FLAGGED = 1 << 2,
	DRV_FLAG_DRAFT = 1 << 3,
	DRV_FLAG_DELETED = 1 << 4,
};

/* RFC 6154 special use. */
enum drv_special { DRV_SPECIAL_NONE, DRV_SPECIAL_SENT, DRV_SPECIAL_DRAFTS, DRV_SPECIAL_TRASH,
                   DRV_SPECIAL_JUNK, DRV_SPECIAL_ARCHIVE, DRV_SPECIAL_ALL, DRV_SPECIAL_FLAGGED };

/* Protocols, TLS modes and login mechanisms as the drivers know them (the plan has its
 * own enums; migrate/session.c translates, so that no driver reads the plan). */
enum drv_proto { DRV_PROTO_POP3, DRV_PROTO_IMAP };
enum drv_tls { DRV_TLS_NONE, DRV_TLS_STARTTLS, DRV_TLS_IMPLICIT };
enum drv_auth { DRV_AUTH_USER, DRV_AUTH_APOP, DRV_AUTH_PLAIN, DRV_AUTH_CRAM_MD5 };

/* A resolved place to log in: everything a driver needs to connect, and nothing it would
 * have to look up. Built by migrate/session.c from the plan (or by a test tool by hand,
 * then completed with drv_endpoint_defaults). The strings are borrowed: they must outlive
 * the session (they point into the plan); a driver copies the struct, not the strings. */
struct drv_endpoint {
	const char *label;         /* "source", "destination", "destination POP3": for messages */
	enum drv_proto proto;
	const char *host;          /* the name as the plan writes it: messages, default TLS name */
	const char *address;       /* where to connect: the plan's resolve: entry for host, or host */
	int port;
	enum drv_tls tls;
	const char *tls_name;      /* name expected in the certificate (and sent as SNI) */
	const char *ca_file;       /* PEM bundle for a private CA; NULL = system store */
	bool tls_verify;           /* false only when the plan said `verify: false` */
	enum drv_auth auth;
	int timeout_seconds;
	/* The run's registry of open connections (connreg.h): a stopping run shuts them down
	 * so no worker waits out a silent server. NULL = not tracked (tools, tests). */
	struct connreg *conns;
	/* Seam for tests and fuzzing: when set, the driver takes its connection from here (an
	 * already-connected libetpan mailstream, e.g. over a memory buffer) instead of dialing
	 * address:port; implicit TLS is then skipped. NULL with e set = cannot connect. */
	struct _mailstream *(*stream_open)(void *ctx, struct err *e);
	void *stream_ctx;
};

/* Fill what was left zero: address and tls_name = host, the protocol's standard port for
 * the TLS mode (110/995, 143/993), a 60 s timeout, label "server". Drivers rely on it. */
void drv_endpoint_defaults(struct drv_endpoint *ep);

/* Who to log in as, and with what. The password is owned by the caller and wiped by it. */
struct drv_login {
	const char *user;          /* the customer's login on that server */
	const char *password;      /* the customer's password, or the master password */
	const char *master_user;   /* non-NULL: log in as master_user on behalf of user */
};

struct drv_folder {
	char *name;                /* UTF-8, '/'-separated (driver translates delimiters) */
	char delim;                /* the server's own delimiter */
	uint32_t uidvalidity;      /* 0 until selected */
	enum drv_special special;
	bool subscribed;
	bool noselect;
};

/* What a message's key is, set by the source driver that made it. Only a UIDL is
 * something a customer's mail program remembers; the engine, the UIDL strategies and
 * verify ask this, never the key's spelling. The values are stored in the journal
 * (JOURNAL_KEY_*), so they never change. */
enum drv_key_kind {
	DRV_KEY_UIDL = 1,          /* the POP3 server's UIDL */
	DRV_KEY_DIGEST = 2,        /* a content digest: the POP3 server has no UIDL */
	DRV_KEY_UID = 3,           /* an IMAP "<uidvalidity>/<uid>" */
};

/* One message as the source lists it. For POP3: key = UIDL (kind DRV_KEY_UIDL) or, when
 * the server has no UIDL, a content-derived key "sha256:<hex>" (DRV_KEY_DIGEST: SHA-256
 * over the header block from TOP n 0, "\n" and the LIST size; a repeat of the same key in
 * one mailbox gets "-2", "-3" …), seq = message number, uid = 0. Real UIDLs may repeat
 * (RFC 1939 allows it): the driver warns but keeps them, since they are what the clients
 * remember. For IMAP: key = "<uidvalidity>/<uid>" (DRV_KEY_UID), uid = UID. */
struct drv_msg {
	char *key;
	enum drv_key_kind kind;
	uint32_t seq;
	uint32_t uid;
	uint64_t size;             /* as the server reports it (LIST / RFC822.SIZE) */
	unsigned flags;            /* DRV_FLAG_* (IMAP source) */
	char **keywords;           /* NULL-terminated, may be NULL */
	time_t internaldate;       /* 0 = unknown */
};

struct drv_msg_list {
	struct drv_msg *v;
	size_t n;
};
void drv_msg_list_free(struct drv_msg_list *l);
void drv_folder_list_free(struct drv_folder *v, size_t n);

/* Called once per fetched message, in order. Return 0 to go on, -1 (with e set) to stop. */
typedef int (*drv_fetch_cb)(void *ctx, const struct drv_msg *m, const char *data, size_t len,
                            struct err *e);

/* Source capabilities, reported after open. */
enum {
	DRV_SRC_FOLDERS = 1 << 0,   /* more than one folder (IMAP) */
	DRV_SRC_UIDL = 1 << 1,      /* POP3 UIDL available */
	DRV_SRC_FLAGS = 1 << 2,     /* flags/keywords/internaldate meaningful */
};

struct src;
struct src_ops {
	const char *name;           /* "pop3", "imap" */
	/* Connect to ep (completed by drv_endpoint_defaults), verify TLS, log in. Errors carry
	 * no "source:" prefix: the caller (migrate/session.c) adds it. */
	int (*open)(struct src **out, const struct drv_endpoint *ep, const struct drv_login *login,
	            struct err *e);
	unsigned (*caps)(struct src *s);
	/* The source's UIDL style as far as it can tell ("qmail", "dovecot", "courier", "uw", "cyrus", "unknown"). */
	const char *(*uidl_style)(struct src *s);
	int (*folders)(struct src *s, struct drv_folder **out, size_t *n, struct err *e);
	/* Read-only selection (EXAMINE). POP3: only "INBOX". */
	int (*select)(struct src *s, const char *folder, uint32_t *uidvalidity, struct err *e);
	int (*list)(struct src *s, struct drv_msg_list *out, struct err *e);
	/* Fetch msgs[0..n) and call cb for each, in order; never changes the source. On a
	 * failure with e->scope == ERR_SCOPE_MESSAGE (vanished, too big) only the message after
	 * the last one passed to cb is affected: the caller may skip it and go on. */
	int (*fetch)(struct src *s, const struct drv_msg *const *msgs, size_t n, drv_fetch_cb cb,
	             void *ctx, struct err *e);
	/* The whole of one message written into `sp` (an open spool) without holding it in
	 * memory: the engine asks this for a message whose listed size is over the plan's
	 * spool_threshold. Failures as for fetch (ERR_SCOPE_MESSAGE: this message only). May be
	 * NULL: the engine then fetches it into memory. */
	int (*fetch_spool)(struct src *s, const struct drv_msg *m, struct spool *sp, struct err *e);
	/* Header blocks only (POP3 TOP n 0), for the dry-run inventory; may be NULL. */
	int (*headers)(struct src *s, const struct drv_msg *const *msgs, size_t n, drv_fetch_cb cb,
	               void *ctx, struct err *e);
	void (*close)(struct src *s);   /* polite logout (POP3: RSET, QUIT) and free */
	/* Things the operator should know that are not failures ("server has no UIDL: keys
	 * are header digests", "TOP size differs from LIST, fetching with RETR"). Returns the
	 * next pending warning (valid until the next call or close) or NULL. May be NULL. */
	const char *(*warning)(struct src *s);
};

/* One message to append. */
struct drv_append {
	const char *data;           /* the message as it will be stored (headers already added) */
	size_t len;
	/* Non-NULL: the message is data[0..len) (then only the headers the tool adds, ending
	 * in a line end) followed by the spooled bytes, streamed from the file into the APPEND
	 * literal. */
	const struct spool *spool;
	unsigned flags;
	const char *const *keywords;
	time_t internaldate;        /* 0 = let the server decide */
	int tz_offset;              /* seconds east of UTC to write the date with */
	/* out: */
	uint32_t uid;               /* from APPENDUID; 0 when the server has no UIDPLUS */
	/* What the driver had to change for this server to take the message ("3 NUL bytes
	 * removed: the destination has no BINARY"); "" = stored as given. The engine records
	 * it (journal: altered) and reports it: never silent. */
	char altered[96];
};

enum {
	DRV_DST_UIDPLUS = 1 << 0,
	DRV_DST_MULTIAPPEND = 1 << 1,
	DRV_DST_QUOTA = 1 << 2,
	DRV_DST_SPECIAL_USE = 1 << 3,
};

/* One destination message as the reconcile pass sees it (dst_ops.index). */
struct drv_index_entry {
	uint32_t uid;
	uint64_t size;              /* RFC822.SIZE: the stored bytes */
	char *found_by;             /* value of the header asked for (X-UIDL), NULL = absent */
	char *message_id;           /* Message-ID value, NULL = absent */
};
struct drv_index {
	struct drv_index_entry *v;  /* ascending UID */
	size_t n;
};
void drv_index_free(struct drv_index *ix);

struct dst;
struct dst_ops {
	const char *name;           /* "imap", later "maildir" */
	int (*open)(struct dst **out, const struct drv_endpoint *ep, const struct drv_login *login,
	            struct err *e);
	unsigned (*caps)(struct dst *d);
	int (*folders)(struct dst *d, struct drv_folder **out, size_t *n, struct err *e);
	int (*create)(struct dst *d, const char *folder, bool subscribe, struct err *e);
	/* Delete a folder the tool itself created (dry-run's scratch folder); may be NULL. */
	int (*remove)(struct dst *d, const char *folder, struct err *e);
	/* Select read-write; reports UIDVALIDITY. */
	int (*select)(struct dst *d, const char *folder, uint32_t *uidvalidity, struct err *e);
	/* Append items[0..n) in order into the selected folder. On failure, items that were
	 * stored before it have uid set (or *done says how many are stored). */
	int (*append)(struct dst *d, const char *folder, struct drv_append *items, size_t n,
	              size_t *done, struct err *e);
	/* UIDs of messages in `folder` whose header `name` equals `value` (for in-doubt
	 * appends after a crash). *uids is malloc'd, caller frees. Returns 1 (nothing
	 * searched) when this server cannot search for such a value: try another header. */
	int (*find_header)(struct dst *d, const char *folder, const char *name, const char *value,
	                   uint32_t **uids, size_t *n, struct err *e);
	/* Every message of `folder` in ONE pass (IMAP: UID FETCH 1:* (UID RFC822.SIZE
	 * BODY.PEEK[HEADER.FIELDS (<header> MESSAGE-ID)])): what the journal is checked
	 * against before it is trusted. header: the UIDL strategy's own (X-UIDL) or NULL.
	 * May be NULL (the engine then trusts the journal). */
	int (*index)(struct dst *d, const char *folder, const char *header, struct drv_index *out,
	             struct err *e);
	/* Body of one message by UID (verify, in-doubt digest check). Caller owns *data. */
	int (*fetch_uid)(struct dst *d, const char *folder, uint32_t uid, char **data, size_t *len,
	                 struct err *e);
	/* Set the flags and keywords of messages uids[0..n) in `folder` to exactly these
	 * (UID STORE FLAGS.SILENT): a later phase carries the source's flag changes. */
	int (*store_flags)(struct dst *d, const char *folder, const uint32_t *uids, size_t n,
	                   unsigned flags, const char *const *keywords, struct err *e);
	/* Remove messages uids[0..n) from `folder` and only those (\Deleted, then UID EXPUNGE;
	 * ERR_PERM without UIDPLUS, since a plain EXPUNGE would take the user's own too). */
	int (*expunge_uids)(struct dst *d, const char *folder, const uint32_t *uids, size_t n,
	                    struct err *e);
	/* After select: whether the selected folder keeps keyword `kw` (PERMANENTFLAGS lists
	 * it or \*). */
	bool (*keyword_ok)(struct dst *d, const char *kw);
	/* Limits if the server tells: APPENDLIMIT, QUOTA (0 = unknown). */
	int (*limits)(struct dst *d, uint64_t *max_message, uint64_t *quota_used,
	              uint64_t *quota_limit, struct err *e);
	void (*close)(struct dst *d);
};

extern const struct src_ops pop3src_ops;
extern const struct src_ops imapsrc_ops;
extern const struct dst_ops imapdst_ops;

/* The driver for a protocol name, or NULL. */
const struct src_ops *drv_source_for(enum drv_proto proto);
const struct dst_ops *drv_destination_for(enum drv_proto proto);

/* The base of every driver object: lets the engine hold either without knowing which. */
struct src { const struct src_ops *ops; };
struct dst { const struct dst_ops *ops; };

#endif
