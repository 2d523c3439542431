/*
 * record.h - the create/get/update/delete of records (contract §2); their
 * kinds and ids are in kind.h.
 *
 * Records are jansson objects shaped exactly like their JSON. Input objects
 * are borrowed (never modified or kept); output objects (`json_t **out`)
 * are new references owned by the caller (json_decref). Each write
 * validates the input against the schema, writes the record, maintains its
 * index entries and appends an audit entry, all in the caller's write
 * transaction.
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
 * Validate `input` as a new record of `kind` and write it. On success
 * `*out` (if not NULL) receives the stored record, with its new id.
 * Errors: CDN_EINVAL (field and reason in cdn_error_last()),
 * CDN_ENOTFOUND for a reference to a missing record, CDN_ESTORE.
 */
int cdn_record_create(struct cdn_txn *txn, enum cdn_kind kind,
    json_t *input, unsigned flags, json_t **out);

/*
 * Validate `input` as a record of `kind` without writing anything;
 * `*out` (if not NULL) receives the normalised record without
 * store-assigned fields. References are checked for shape only.
 */
int cdn_record_validate(enum cdn_kind kind, json_t *input, unsigned flags,
    json_t **out);

/* The next sequence number `kind` will be given in this transaction. */
uint64_t cdn_txn_peek_seq(struct cdn_txn *txn, enum cdn_kind kind);

/* Read a record; CDN_ENOTFOUND if there is none with that id. */
int cdn_record_get(struct cdn_txn *txn, const char *id, json_t **out);
/* Its stored JSON text (compact, not NUL-terminated), store-owned. */
int cdn_record_get_raw(struct cdn_txn *txn, struct cdn_id id,
    const char **json, size_t *len);
int cdn_record_exists(struct cdn_txn *txn, const char *id);

/*
 * Apply an RFC 7386 merge patch. Read-only fields may appear in the patch
 * only with their current value. `if_version` > 0 makes the update
 * conditional: CDN_ECONFLICT unless the stored version equals it.
 */
int cdn_record_update(struct cdn_txn *txn, const char *id, json_t *patch,
    int64_t if_version, json_t **out);

/* Delete; CDN_EINUSE while links or references to the record exist. */
int cdn_record_delete(struct cdn_txn *txn, const char *id);

/*
 * The same writes as a whole job, for front-ends: each in a write
 * transaction of its own by `user` (run again if the store's map must
 * grow), after which the enabled rules run on what it wrote (rule.h).
 * Errors as above, and CDN_ERULES: the write is in (`*out` is set) but
 * the rules could not run on it.
 */
int cdn_record_add(struct cdn_store *st, const char *user, enum cdn_kind kind, json_t *input,
    unsigned flags, json_t **out);
int cdn_record_edit(struct cdn_store *st, const char *user, const char *id, json_t *patch,
    int64_t if_version, json_t **out);
int cdn_record_remove(struct cdn_store *st, const char *user, const char *id);

/*
 * Flags for writing records as JSON: 15 significant digits, the precision
 * a double always keeps, so 2.8 is written as 2.8, not 2.7999999999999998.
 */
#define CDN_JSON_REAL JSON_REAL_PRECISION(15)

/* RFC 7386 merge patch of `target` by `patch`; returns a new reference. */
json_t *cdn_merge_patch(json_t *target, json_t *patch);

#endif
