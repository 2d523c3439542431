/*
 * store.h - the case store: one LMDB environment in a directory, and the
 * read transactions that give a caller one snapshot for several reads.
 *
 * A store is a directory holding `data.mdb` (records, indexes, audit, meta),
 * `evidence.git` (a bare repository) and `signing.key` (mode 0600).
 * Every write happens inside one write transaction: the record, its index
 * entries and its audit entry commit together or not at all. Front-ends
 * write through store-level calls that take the acting user and do the
 * whole job (cdn_record_add, cdn_evidence_add …); they never hold a write
 * transaction.
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
/* Open an existing store; CDN_ENOTSTORE if `dir` is not one (nothing
 * created). Rules a process killed after a write left unrun are run on it
 * first; CDN_ERULES if they could not be: the store is open all the same
 * (`*out` is set). */
int cdn_store_open(const char *dir, struct cdn_store **out);
void cdn_store_close(struct cdn_store *st);
/* `fn` is told a line for the user before work that can take long on a
 * large store (an upgrade when it is opened) and when it is done; NULL,
 * the default, tells no one. For the whole process. */
void cdn_store_set_notice(void (*fn)(const char *line));

const char *cdn_store_dir(const struct cdn_store *st);
/* The store's UUID, fixed at init ("8-4-4-4-12" lower-case hex). */
const char *cdn_store_uuid(const struct cdn_store *st);

enum cdn_txn_mode { CDN_TXN_READ = 0, CDN_TXN_WRITE = 1 };

int cdn_txn_begin(struct cdn_store *st, enum cdn_txn_mode mode,
    struct cdn_txn **out);
/* Commit (write) or end (read) the transaction; frees it either way. */
int cdn_txn_commit(struct cdn_txn *txn);
void cdn_txn_abort(struct cdn_txn *txn);

/* Progress of a long piece of work: `done` of `total`. */
typedef void (*cdn_progress_fn)(void *arg, uint64_t done, uint64_t total);

/* The acting user: $CORDON_USER, else the login name, else "unknown". */
const char *cdn_default_user(void);

#endif
