/*
 * changes.h - the store's change log: which records the writes touched,
 * kept for whoever acts on writes once they are in (the rule engine reads
 * it, ruleexec.c). A record write notes its record here and calls nothing
 * else; the reader removes what it has dealt with, in the transaction
 * that saves what it made of it. Private to src/lib.
 *
 * meta "rq/SEQ" (8-byte big-endian SEQ) → kind letter, first and last
 * record seq (8 bytes each, big-endian). Only the kinds some reader
 * watches are logged: meta "rules.kinds", a bit per kind (doc/store.md).
 */
#ifndef CORDON_CHANGES_H
#define CORDON_CHANGES_H

#include <stdint.h>

#include "cordon/kind.h"

struct cdn_store;
struct cdn_txn;

#define CDN_CHANGE_KEY 11

/* Note, in the writer's transaction, that records `from`..`to` of
 * `kind` were written (nothing if no reader watches the kind). */
int cdn_changes_note(struct cdn_txn *txn, enum cdn_kind kind, uint64_t from, uint64_t to);

/* The kinds watched (a bit per kind), as of `txn`; and setting them. */
int cdn_changes_watched(struct cdn_txn *txn, unsigned *kinds);
int cdn_changes_watch(struct cdn_txn *txn, unsigned kinds);

/* 1 if the log holds anything, 0 if it is empty, or an error. */
int cdn_changes_pending(struct cdn_store *st);

/* Visit the log, oldest first; a non-zero return of `fn` stops the walk
 * and is returned (a positive one as 0). An entry that is not what was
 * written is CDN_ESTORE naming its key. */
typedef int (*cdn_change_fn)(void *arg, const unsigned char key[CDN_CHANGE_KEY],
    enum cdn_kind kind, uint64_t from, uint64_t to);
int cdn_changes_each(struct cdn_txn *txn, cdn_change_fn fn, void *arg);

/* Remove an entry that has been dealt with (gone already is no error). */
int cdn_changes_remove(struct cdn_txn *txn, const unsigned char key[CDN_CHANGE_KEY]);

#endif
