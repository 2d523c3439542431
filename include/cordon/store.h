/*
 * store.h - the case store: one LMDB environment in a directory, and the
 * transactions every operation runs in.
 *
 * A store is a directory holding `data.mdb` (records, indexes, audit, meta),
 * `evidence.git` (a bare repository) and `signing.key` (mode 0600).
 * Every write happens inside one write transaction: the record, its index
 * entries and its audit entry commit together or not at all.
 *
 * Ownership: a cdn_store is owned by the caller of open/init and freed by
 * cdn_store_close. A cdn_txn is owned by the caller until it is committed or
 * aborted, which frees it; the pointer must not be used afterwards.
 * Bytes returned by read functions (cdn_record_get_raw …) are owned by the
 * store and valid until the transaction ends.
 */
#ifndef CORDON_STORE_H
#define CORDON_STORE_H

#include <stddef.h>
#include <stdint.h>

struct cdn_store;
struct cdn_txn;

#define CDN_STORE_DEFAULT "./cordon-store"

/* Create a new store in `dir` (created if missing, must not hold a store). */
int cdn_store_init(const char *dir);
/* Open an existing store; CDN_ENOTSTORE if `dir` is not one (nothing created). */
int cdn_store_open(const char *dir, struct cdn_store **out);
void cdn_store_close(struct cdn_store *st);

const char *cdn_store_dir(const struct cdn_store *st);
/* The store's UUID, fixed at init ("8-4-4-4-12" lower-case hex). */
const char *cdn_store_uuid(const struct cdn_store *st);

enum cdn_txn_mode { CDN_TXN_READ = 0, CDN_TXN_WRITE = 1 };

int cdn_txn_begin(struct cdn_store *st, enum cdn_txn_mode mode,
    struct cdn_txn **out);
/* Commit (write) or end (read) the transaction; frees it either way. */
int cdn_txn_commit(struct cdn_txn *txn);
void cdn_txn_abort(struct cdn_txn *txn);

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
typedef void (*cdn_progress_fn)(void *arg, uint64_t done, uint64_t total);
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

/* The acting user: $CORDON_USER, else the login name, else "unknown". */
const char *cdn_default_user(void);

#endif
