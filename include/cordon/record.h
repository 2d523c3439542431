/*
 * record.h - records one at a time (contract §2): written by the
 * store-level calls, read in a caller's read transaction. Their kinds and
 * ids are in kind.h.
 *
 * Records are jansson objects shaped exactly like their JSON. Input objects
 * are borrowed (never modified or kept); output objects (`json_t **out`)
 * are new references owned by the caller (json_decref). Each write
 * validates the input against the schema, writes the record, maintains its
 * index entries and appends an audit entry in one transaction.
 */
#ifndef CORDON_RECORD_H
#define CORDON_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "cordon/kind.h"
#include "cordon/store.h"

/* Flags for cdn_record_create. */
enum {
	/*
	 * Keep `version`, `created_at`, `created_by`, `updated_at` and
	 * `updated_by` when the input has them (import of an export);
	 * otherwise they are read-only and set by the store.
	 */
	CDN_CREATE_KEEP_PROVENANCE = 1 << 0,
	/* Ignore an `id` field in the input (import treats it as a ref). */
	CDN_CREATE_IGNORE_ID = 1 << 1,
};

/*
 * Write one record, each call the whole job: a write transaction of its
 * own by `user` (run again if the store's map must grow), after which the
 * enabled rules run on what it wrote (rule.h). On success `*out` (if not
 * NULL) receives the stored record.
 * - add: validate `input` as a new record of `kind` (CDN_CREATE_* flags)
 *   and write it with its new id.
 * - edit: apply an RFC 7386 merge patch. Read-only fields may appear in
 *   the patch only with their current value. `if_version` > 0 makes the
 *   update conditional: CDN_ECONFLICT unless the stored version equals it.
 *   A patch that changes nothing writes nothing.
 * - remove: delete; CDN_EINUSE while links or references to it exist.
 * Errors: CDN_EINVAL (field and reason in cdn_error_last()), CDN_ENOTFOUND
 * for a missing record or reference, CDN_ESTORE, CDN_ENOSPC; and
 * CDN_ERULES: the write is in (`*out` is set) but the rules could not run.
 */
int cdn_record_add(struct cdn_store *st, const char *user, enum cdn_kind kind, json_t *input,
    unsigned flags, json_t **out);
int cdn_record_edit(struct cdn_store *st, const char *user, const char *id, json_t *patch,
    int64_t if_version, json_t **out);
int cdn_record_remove(struct cdn_store *st, const char *user, const char *id);

/*
 * Validate `input` as a record of `kind` without writing anything;
 * `*out` (if not NULL) receives the normalised record without
 * store-assigned fields. References are checked for shape only.
 */
int cdn_record_validate(enum cdn_kind kind, json_t *input, unsigned flags,
    json_t **out);

/* Read a record; CDN_ENOTFOUND if there is none with that id. */
int cdn_record_get(struct cdn_txn *txn, const char *id, json_t **out);
/* Its stored bytes, in the store's own form (doc/store.md), store-owned;
 * cdn_record_parse and cdn_record_text read them. */
int cdn_record_get_raw(struct cdn_txn *txn, struct cdn_id id,
    const char **bytes, size_t *len);
/* Stored bytes (of cdn_record_get_raw, cdn_scan_raw) as an object (a new
 * reference), or as the record's JSON text (compact, malloc'd,
 * NUL-terminated: the bytes the audit trail hashes); CDN_ESTORE if they
 * are damaged. */
int cdn_record_parse(const void *bytes, size_t len, json_t **out);
int cdn_record_text(const void *bytes, size_t len, char **text, size_t *tlen);
int cdn_record_exists(struct cdn_txn *txn, const char *id);

/*
 * Flags for writing records as JSON: 15 significant digits, the precision
 * a double always keeps, so 2.8 is written as 2.8, not 2.7999999999999998.
 */
#define CDN_JSON_REAL JSON_REAL_PRECISION(15)

/* RFC 7386 merge patch of `target` by `patch`; returns a new reference. */
json_t *cdn_merge_patch(json_t *target, json_t *patch);

#endif
