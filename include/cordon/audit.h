/*
 * audit.h - the append-only, hash-chained audit trail.
 *
 * Each entry is a compact JSON object {"seq","at","user","op","id",
 * "version","sha256","prev"}: `sha256` hashes the record as written
 * (null for a delete), `prev` is the SHA-256 of the previous entry's bytes
 * (64 zeros for the first). The store's meta keeps the head (last seq and
 * its hash), so removing the newest entry is detected as well as editing or
 * removing any other. Entries are written only by record writes, in the
 * same transaction.
 */
#ifndef CORDON_AUDIT_H
#define CORDON_AUDIT_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "cordon/store.h"

/* Append an entry for `op` ("create", "update", "delete", or another verb
 * of a later feature) on record `id`, whose stored bytes hash to `sha256`
 * (NULL for a delete). */
int cdn_audit_append(struct cdn_txn *txn, const char *op, const char *id,
    int64_t version, const unsigned char *sha256, const char *note);

/* Visit entries from seq `from` (1 = oldest), at most `limit` (0 = all),
 * newest first when `reverse`. The object is borrowed. */
typedef int (*cdn_audit_fn)(void *arg, json_t *entry);
int cdn_audit_each(struct cdn_txn *txn, uint64_t from, size_t limit,
    int reverse, cdn_audit_fn fn, void *arg);

/* The sequence number of the newest entry (0 for none): it grows with
 * every write, so it tells whether anything changed since it was read. */
int cdn_audit_head(struct cdn_txn *txn, uint64_t *seq);

/*
 * Walk the whole chain and check it, then check every stored record
 * against it: a record's bytes must hash to the `sha256` of its last
 * entry, every record must have entries, and every record the trail says
 * exists must be there. Each problem is passed to `report` with where it
 * is ("audit entry 42", "record S-7") and a one-line description; returns
 * 0 if all is intact, CDN_ESTORE otherwise. `*checked` receives the number
 * of entries read.
 */
typedef void (*cdn_audit_report_fn)(void *arg, const char *where,
    const char *problem);
int cdn_audit_verify(struct cdn_txn *txn, cdn_audit_report_fn report,
    void *arg, uint64_t *checked);

#endif
