/*
 * audit.h - the append-only, hash-chained audit trail.
 *
 * Each entry is a compact JSON object {"seq","at","user","op","id",
 * "version","sha256","prev"}: `sha256` hashes the record as written
 * (null for a delete), `prev` is the SHA-256 of the previous entry's bytes
 * (64 zeros for the first). The store's meta keeps the head (last seq and
 * its hash), so removing the newest entry is detected as well as editing or
 * removing any other. Entries are written only by record writes, in the
 * same transaction, with their index entries: by the id they name and by
 * the user who made them, so that one record's or one user's entries are
 * found without reading the rest.
 */
#ifndef CORDON_AUDIT_H
#define CORDON_AUDIT_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "cordon/store.h"


/* Visit entries from seq `from` (1 = oldest), at most `limit` (0 = all),
 * newest first when `reverse`. The object is borrowed. */
typedef int (*cdn_audit_fn)(void *arg, json_t *entry);
int cdn_audit_each(struct cdn_txn *txn, uint64_t from, size_t limit,
    int reverse, cdn_audit_fn fn, void *arg);

/*
 * Entries through the indexes: those naming one of `ids` (a record id or
 * another audited name such as "rule/NAME"), made by `user`, or both
 * (NULL/0: no condition; neither: the whole trail). Newest first, from
 * just older than `before` (0: from the newest); or, when `from` is set,
 * oldest first from entry `from` on. At most `limit` (0 = all). The
 * object passed to `fn` is borrowed; a non-zero return stops the walk and
 * is returned.
 */
struct cdn_audit_filter {
	const char *const *ids;
	size_t nids;
	const char *user;
	uint64_t before;
	uint64_t from;
	size_t limit;
};
int cdn_audit_find(struct cdn_txn *txn, const struct cdn_audit_filter *f,
    cdn_audit_fn fn, void *arg);

/*
 * A record's history: the entries naming it and, for a case, those naming
 * its seizures and evidence (found from the index by case), newest first
 * from just older than `before` (0: the newest), at most `limit`.
 */
int cdn_audit_history(struct cdn_txn *txn, const char *id, uint64_t before,
    size_t limit, cdn_audit_fn fn, void *arg);

/* The sequence number of the newest entry (0 for none): it grows with
 * every write, so it tells whether anything changed since it was read. */
int cdn_audit_head(struct cdn_txn *txn, uint64_t *seq);

/*
 * Walk the whole chain and check it, then check every stored record
 * against it: a record's bytes must hash to the `sha256` of its last
 * entry, every record must have entries, and every record the trail says
 * exists must be there. Each problem is passed to `report` with where it
 * is ("audit entry 42", "record S-7") and a one-line description; returns
 * 0 if all is intact, CDN_ESTORE otherwise. The indexes are checked too:
 * every entry listed under its id and user, and nothing else listed.
 * `*checked` receives the number
 * of entries read.
 */
typedef void (*cdn_audit_report_fn)(void *arg, const char *where,
    const char *problem);
int cdn_audit_verify(struct cdn_txn *txn, cdn_audit_report_fn report,
    void *arg, uint64_t *checked);

#endif
