/*
 * internal.h - the store's insides, shared by the library's modules and by
 * nothing else: the store and transaction structures, the LMDB databases
 * and the byte layout of keys. See doc/store.md for the layout.
 */
#ifndef CORDON_INTERNAL_H
#define CORDON_INTERNAL_H

#include <lmdb.h>
#include <pthread.h>
#include <stdint.h>

#include "cordon/error.h"
#include "cordon/record.h"
#include "cordon/store.h"

/* On-disk format of the store; bumped on incompatible change. 2 added the
 * audit trail's indexes and alerts by ref, 4 links by their ends, 5
 * records as MessagePack: an older store is brought up to date when it is
 * opened (open.c), and older cordons refuse it after. */
#define CDN_FORMAT 5

enum { CDN_PART_REPO, CDN_PART_RULES, CDN_PART_WARM, CDN_STORE_PARTS };

struct cdn_store {
	char *dir;
	MDB_env *env;
	MDB_dbi meta;		/* name → value: uuid, format, seq.X, count.X, audit.head */
	MDB_dbi recs;		/* record key → MessagePack (recform.h) */
	MDB_dbi idx;		/* DUPSORT|DUPFIXED: index key → record key */
	MDB_dbi audit;		/* 8-byte big-endian seq → entry JSON */
	MDB_dbi arec;		/* DUPSORT|DUPFIXED: audited id → seqs (audit.c) */
	MDB_dbi auser;		/* DUPSORT|DUPFIXED: user → seqs */
	int upgrade;		/* opened at an older format: bring it up to date */
	uint64_t format;	/* the format it was opened at */
	char uuid[40];
	char ns[40];		/* the namespace of the store's UUIDv5 ids (uuid.h) */
	size_t mapsize;
	int readonly;		/* the files are write-protected: opened MDB_RDONLY */
	int unallocated;	/* the data file could not be allocated whole (store.c) */
	/*
	 * The map may be resized only while no transaction of this process
	 * is open (LMDB's rule for mdb_env_set_mapsize): `active` counts the
	 * open ones, and while `resizing` is set no new one begins (unless
	 * its thread already holds one, which the resize waits for anyway).
	 */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned active;
	int resizing;
	/*
	 * And between processes (store.c, map_lock): with MDB_WRITEMAP, LMDB
	 * sets the data file's length to the map size whenever a process maps
	 * it, so a process mapping less than another has grown the file to
	 * would cut the file under it. The store directory, open here, is
	 * flock()ed: shared to open the store, exclusive to grow the map.
	 */
	int mapfd;
	/*
	 * What modules above attach to the store, released (in reverse) by
	 * cdn_store_close: the evidence repository (repo.c), the options of
	 * the rules run after writes (open.c), the rule set they last ran
	 * (ruleexec.c).
	 */
	struct {
		void *ptr;
		void (*release)(void *ptr);
	} parts[CDN_STORE_PARTS];
	/* Run by cdn_store_write once a write that added to the change log
	 * (changes.h) has committed; its error is the write's. */
	int (*after_write)(struct cdn_store *st, const char *user, cdn_progress_fn progress,
	    void *arg);
};

/*
 * The store's database alone, without what open.c adds (the evidence
 * repository, the signing key, format upgrades, the rules): create one
 * in `dir` (an empty directory), and open one (st->upgrade says it is of
 * an older format). The core's own tests use these.
 */
int cdn_store_create_db(const char *dir);
int cdn_store_open_db(const char *dir, struct cdn_store **out);

/* Set the after-write hook (NULL: none). */
typedef int (*cdn_after_write_fn)(struct cdn_store *st, const char *user,
    cdn_progress_fn progress, void *arg);
void cdn_store_set_after_write(struct cdn_store *st, cdn_after_write_fn fn);
/* Where the hook's work reports its progress, for the writes of this
 * thread from now on (NULL: nowhere); an import shows it as its last
 * phase. */
void cdn_store_after_progress(cdn_progress_fn fn, void *arg);

/* Building a directory whole: 1 if `dir` is missing or empty (so it may
 * become a store), 0 if not, -1 (errno) if it cannot be told; a new
 * temporary directory beside it ("DIR.WHAT-XXXXXX") to build in and
 * rename into place; and removing a tree on failure. */
#include <limits.h>
int cdn_dir_is_empty(const char *dir);
int cdn_sibling_dir(const char *dir, const char *what, char tmp[PATH_MAX]);
void cdn_rm_tree(const char *dir);

/* Record key: kind letter then the sequence as 8 big-endian bytes, so a
 * kind's records are one contiguous range in id order. */
#define CDN_RKEY_LEN 9
/* Index key: the index's number (schema.h) then the value's bytes, at
 * most this long (LMDB's DUPSORT keys are at most 511 bytes). */
#define CDN_IKEY_MAX 480

/* Secondary indexes; the number is the first byte of the index key and so
 * part of the on-disk format: never renumber. */
enum cdn_index {
	IX_NONE = 0,
	IX_CASE = 1,		/* seizure.case → seizure */
	IX_DATE = 2,		/* seizure.occurred_at (8-byte instant) */
	IX_CATEGORY = 3,	/* seizure.commodity.category */
	IX_COUNTRY = 4,		/* seizure.location.country */
	IX_MODE = 5,		/* seizure.transport_mode */
	IX_ROUTE = 6,		/* seizure.route */
	IX_ETYPE = 7,		/* entity.type */
	IX_NAME = 8,		/* entity name and aliases, folded */
	IX_IDENT = 9,		/* entity identifiers "key=VALUE" */
	IX_FROM = 10,		/* link.from */
	IX_TO = 11,		/* link.to */
	IX_TAG = 12,		/* any record's tags */
	IX_WORD = 13,		/* folded words of F_SEARCH fields */
	IX_STATUS = 14,		/* case.status, alert.status */
	IX_ALERT = 15,		/* alert (rule, key): rule 0x1f key */
	IX_REF = 16,		/* alert by each of its refs (format 2) */
	IX_LINKEND = 17,	/* link by each end: END 0x1f DIR TYPE 0x1f OTHER (format 4) */
	IX_SEIZED = 18,		/* a seizure's own time: its record key, then its
				   occurred_at as IX_DATE keys it (format 4) */
};

/* The instant seizure `seq` occurred, from IX_SEIZED through `cur` (a
 * cursor over the index): 1 and `*t`, 0 if the index has none (query.c). */
int cdn_seized_at(MDB_cursor *cur, uint64_t seq, int64_t *t);

/* Build the key of index `ix` for a value: returns its length. */
size_t cdn_index_key(enum cdn_index ix, const char *val, size_t len, unsigned char *key);

/* The records of `kind` under the index keys in [lo, hi] (hi NULL:
 * exactly lo), their sequence numbers appended to `*v` (`*n` of them,
 * room for `*cap`; grown as needed), in index order. */
int cdn_index_seqs(struct cdn_txn *txn, enum cdn_kind kind, const unsigned char *lo, size_t lolen,
    const unsigned char *hi, size_t hilen, uint64_t **v, size_t *n, size_t *cap);

struct cdn_txn {
	struct cdn_store *st;
	MDB_txn *txn;
	unsigned *held;		/* the count of the thread that began it (store.c) */
	int write;
	int map_full;		/* an operation hit MDB_MAP_FULL */
	char user[65];
	char now[32];
	/* Counters cached for the transaction's life, written at commit. */
	uint64_t seq[CDN_NKINDS];
	int64_t count[CDN_NKINDS];	/* net change to each kind's count */
	unsigned seq_loaded, seq_dirty;
	uint64_t audit_seq;
	unsigned char audit_hash[32];
	int audit_loaded, audit_dirty;
	/* Bulk mode: index inserts wait here and go in sorted at commit. */
	struct cdn_sorter *ixsort;
	/* The change log (changes.c): the kinds it keeps, whether this
	 * transaction added to it, and per kind the entry it last wrote
	 * (extended while the records it writes follow on). */
	unsigned trig_kinds;
	int trig_loaded;
	int changed;
	struct {
		uint64_t qseq, from, to;
	} trig_last[CDN_NKINDS];
	/* A read transaction's query cache (qcache.h), or NULL, and its own
	 * records parsed through it. */
	struct cdn_qcache *qc;
	struct cdn_rcache *rc;
	/* Called when the transaction ends, commit or abort (qcache.c
	 * sets it to release what the transaction holds of its cache). */
	void (*on_end)(struct cdn_txn *txn);
};

/* --- writing (front-ends write through the store-level calls) --------------- */

/* The acting user recorded on every write of this transaction;
 * CDN_EINVAL if it is not a valid user name (cdn_check_username). */
int cdn_txn_set_user(struct cdn_txn *txn, const char *user);
const char *cdn_txn_user(const struct cdn_txn *txn);
/* The transaction's clock: one RFC 3339 instant for all its writes. */
const char *cdn_txn_now(const struct cdn_txn *txn);

/*
 * Run `fn` in a write transaction and commit it. When the memory map is
 * full, the transaction is aborted, the map grown, and `fn` run again from
 * the start, so `fn` must not have effects outside the transaction that a
 * second run would repeat. Returns fn's error, or the commit's.
 */
typedef int (*cdn_write_fn)(struct cdn_txn *txn, void *arg);
int cdn_store_write(struct cdn_store *st, const char *user, cdn_write_fn fn,
    void *arg);

/*
 * Bulk mode for a large write: index inserts are collected (spilling to
 * temporary files past a memory cap), sorted, and written in key order at
 * commit, so each index page is touched once rather than once per record.
 * Index lookups inside the transaction do not see the deferred entries;
 * only writers that do not look (import) should use it. With a worker
 * pool (may be NULL; it must outlive the transaction), the sorting runs
 * on its workers.
 */
struct cdn_pool;
int cdn_txn_bulk(struct cdn_txn *txn, struct cdn_pool *pool);

/*
 * Write the index entries bulk mode deferred, reporting how many of them
 * are done now and then (`progress` may be NULL). Commit does this itself;
 * a long write calls it first to show progress.
 */
int cdn_txn_bulk_finish(struct cdn_txn *txn, cdn_progress_fn progress, void *arg);

/*
 * Give back the pages of the store's map that this process holds, and
 * start writing the file's dirty pages back. Pages a long read or write
 * has touched stay resident otherwise; their contents live on in the page
 * cache and the file. A bulk write calls this every few thousand records.
 */
void cdn_txn_trim(struct cdn_txn *txn);

/* Hint the expected size of a large write (bytes of records) so the map
 * is grown once up-front instead of by repeated retries. */
int cdn_store_reserve(struct cdn_store *st, uint64_t bytes);

/* The next sequence number `kind` will be given in this transaction. */
uint64_t cdn_txn_peek_seq(struct cdn_txn *txn, enum cdn_kind kind);

/*
 * Validate `input` as a new record of `kind` and write it. On success
 * `*out` (if not NULL) receives the stored record, with its new id.
 * Errors: CDN_EINVAL (field and reason in cdn_error_last()),
 * CDN_ENOTFOUND for a reference to a missing record, CDN_ESTORE.
 */
int cdn_record_create(struct cdn_txn *txn, enum cdn_kind kind,
    json_t *input, unsigned flags, json_t **out);

/*
 * Apply an RFC 7386 merge patch. Read-only fields may appear in the patch
 * only with their current value. `if_version` > 0 makes the update
 * conditional: CDN_ECONFLICT unless the stored version equals it.
 */
int cdn_record_update(struct cdn_txn *txn, const char *id, json_t *patch,
    int64_t if_version, json_t **out);

/* Delete; CDN_EINUSE while links or references to the record exist. */
int cdn_record_delete(struct cdn_txn *txn, const char *id);

/* Append an entry for `op` ("create", "update", "delete", or another verb
 * of a later feature) on record `id`, whose stored bytes hash to `sha256`
 * (NULL for a delete). */
int cdn_audit_append(struct cdn_txn *txn, const char *op, const char *id,
    int64_t version, const unsigned char *sha256, const char *note);

/* Translate an LMDB error into the error slot; returns CDN_ESTORE
 * (or CDN_ENOTFOUND for MDB_NOTFOUND). Notes MDB_MAP_FULL in txn. */
int cdn_lmdb_error(struct cdn_txn *txn, int rc, const char *what);

void cdn_rkey(struct cdn_id id, unsigned char key[CDN_RKEY_LEN]);
int cdn_rkey_id(const unsigned char *key, size_t len, struct cdn_id *id);

void cdn_be64(unsigned char *p, uint64_t v);
uint64_t cdn_get_be64(const unsigned char *p);

/* Fill the audit trail's indexes from the trail, when a store is brought
 * up to format 2 (audit.c). */
int cdn_audit_index_build(struct cdn_txn *txn);

/* Meta values. */
int cdn_meta_get(struct cdn_txn *txn, const char *name, MDB_val *val);
int cdn_meta_put(struct cdn_txn *txn, const char *name, const void *val,
    size_t len);

/* Visit every meta entry whose name starts with `prefix`, in name order
 * (or reverse); a non-zero return of `fn` stops and is returned. */
typedef int (*cdn_meta_fn)(void *arg, MDB_val *k, MDB_val *v);
int cdn_meta_each(struct cdn_txn *txn, const char *prefix, int reverse, cdn_meta_fn fn,
    void *arg);

/* The store's head of a git branch ("main" for evidence, "rules"), kept
 * in meta "git.BRANCH" ("" before its first commit), and moving it. */
int cdn_branch_head(struct cdn_txn *txn, const char *branch, char head[41]);
int cdn_branch_set(struct cdn_txn *txn, const char *branch, const char *commit);

/*
 * Objects kept in meta under a name and audited like records: their name
 * starts with one of cdn_audited_meta ("rule/", "user/", "token/", "key/",
 * "partner/", "export/", "import/", "org"). Write
 * one (compact JSON) with its audit entry for `op`.
 */
extern const char *const cdn_audited_meta[];
int cdn_meta_put_audited(struct cdn_txn *txn, const char *key, json_t *obj, int64_t version,
    const char *op, const char *note);
/* Delete one, with an audit entry for `op` recording that it is gone. */
int cdn_meta_del_audited(struct cdn_txn *txn, const char *key, int64_t version, const char *op,
    const char *note);
/* Read one back: `*out` a new object, or NULL if there is none. */
int cdn_meta_get_json(struct cdn_txn *txn, const char *key, json_t **out);
/* All those whose name starts with `prefix`, in name order, appended to
 * the array `out`; one that is damaged is the error. */
int cdn_meta_list(struct cdn_txn *txn, const char *prefix, json_t *out);

/* Make the kind's sequence at least `seq` (an id written explicitly). */
void cdn_txn_seq_at_least(struct cdn_txn *txn, enum cdn_kind kind, uint64_t seq);
void cdn_txn_count_add(struct cdn_txn *txn, enum cdn_kind kind, int delta);

/*
 * A record made ready to write: validated, serialised, hashed and keyed,
 * without touching the store, so that many can be prepared at once on
 * worker threads and then written in order by cdn_record_write.
 */
struct cdn_prepared {
	enum cdn_kind kind;
	uint64_t seq;
	int64_t version;
	char *bytes;		/* the stored bytes (recform.h), malloc'd */
	size_t len;
	unsigned char sha256[32];
	unsigned char *keys;	/* index keys, each [u16 length][bytes] */
	size_t keylen, keycap;
};

/* Validate only: no bytes, hash or keys (a cdn_record_prepare flag). */
#define CDN_PREPARE_CHECK (1u << 8)
/* The kind's own module writes its F_OWNED fields (evidence's versions,
 * custody …): taken from the input and validated, not refused. */
#define CDN_WRITE_OWNED (1u << 9)

struct cdn_sys;
/*
 * Prepare `input` as record `id` (CDN_CREATE_* flags, CDN_PREPARE_CHECK).
 * `old` is the stored record of an update (NULL for a create); `sys` the
 * store-set values, whose id is taken from `id`. `txn` (may be NULL) is
 * used only to check that references exist. On success `*p` must be
 * released with cdn_prepared_clear; `*out` (if not NULL) receives the
 * normalised record.
 */
int cdn_record_prepare(struct cdn_txn *txn, struct cdn_id id, json_t *input,
    json_t *old, const struct cdn_sys *sys, unsigned flags,
    struct cdn_prepared *p, json_t **out);
void cdn_prepared_clear(struct cdn_prepared *p);
/*
 * Write a prepared record, its index entries and its audit entry for `op`
 * (with `note`, or NULL). A "create" writes the prepared id, which must
 * be free, and moves the kind's sequence past it.
 */
int cdn_record_write(struct cdn_txn *txn, const struct cdn_prepared *p,
    const char *op, const char *note);

/*
 * Write record `id` of a kind whose module owns some of its fields
 * (evidence, alerts): `rec` validated with CDN_WRITE_OWNED, created if
 * `old` is NULL, else a new version of `old`; audited as `op` with `note`.
 * `*out` (may be NULL) receives the record written.
 */
int cdn_record_put_owned(struct cdn_txn *txn, struct cdn_id id, json_t *rec, json_t *old,
    const char *op, const char *note, json_t **out);

/* The links touching record `id`, from the index alone (no record is
 * read): `*out` (malloc'd, may be NULL when `*n` is 0) their sequence
 * numbers, a link to itself twice (record.c). */
int cdn_link_seqs(struct cdn_txn *txn, const char *id, uint64_t **out, size_t *n);

/* The links touching record `id` with their types and other ends, from
 * the index (IX_LINKEND): `*out` (malloc'd, may be NULL when `*n` is 0),
 * in index order (by direction, type, other end). An entry too long for
 * its key to hold whole is completed from its link's record. */
struct cdn_link_end {
	uint64_t seq;		/* the link's */
	int out;		/* 1: `id` is its from, 0: its to */
	char type[65];
	char other[CDN_ID_MAX];
};
int cdn_link_ends(struct cdn_txn *txn, const char *id, struct cdn_link_end **out, size_t *n);
/* The IX_LINKEND key of a link seen from `end` (`out`: end is its from). */
size_t cdn_link_end_key(const char *end, int out, const char *type, const char *other,
    unsigned char *key);

/* Users inside a caller's write transaction (user.c): add one that signs
 * in with API tokens only (no password), or remove one with its tokens;
 * each an audit entry. */
int cdn_user_add_txn(struct cdn_txn *txn, const char *name, const char *role);
int cdn_user_remove_txn(struct cdn_txn *txn, const char *name);

/* Write a new Ed25519 private key to `path` (PEM, mode 0600; the file
 * must not exist). sign.c. */
int cdn_key_generate(const char *path);

/* SHA-256 of bytes, raw and as lower-case hex (65 bytes). */
void cdn_sha256(const void *data, size_t len, unsigned char out[32]);
void cdn_hex(const unsigned char *in, size_t len, char *out);

#endif
