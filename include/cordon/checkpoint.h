/*
 * checkpoint.h - signed checkpoints of the audit trail: witnesses, kept
 * outside the store, that the trail once ended at entry SEQ whose bytes
 * hashed to HASH.
 *
 * Whoever can write the store's files can edit a record and re-chain the
 * trail after it, so that `audit verify` finds nothing: the chain proves
 * only that it is consistent with itself. A checkpoint signed with a key
 * the editor does not hold (a supervisor's, on removable media) proves
 * more: the trail must still hold, at the checkpoint's sequence, the very
 * entry it witnessed, and everything before it. A checkpoint also carries
 * marks, the hash of the trail at up to CDN_CHECKPOINT_MARKS entries
 * spread evenly up to its sequence (every entry of a trail as short as
 * that), so that a rewritten trail is narrowed to the first entry that
 * differs, or to the stretch between two marks that holds it.
 *
 * The file is one JSON object:
 *   {"checkpoint": {"type": "cordon-audit-checkpoint", "format": 1,
 *                   "store": UUID, "at": RFC 3339, "by": USER,
 *                   "seq": N, "hash": HEX, "marks": [[SEQ, HEX16], ...]},
 *    "key": KEYID, "public": PEM, "signature": HEX}
 * where the signature is Ed25519 over the "checkpoint" member written as
 * compact JSON with its keys sorted (jansson's JSON_COMPACT |
 * JSON_SORT_KEYS), by the store's key or a key file.
 *
 * Ownership: objects returned through `out` are the caller's.
 */
#ifndef CORDON_CHECKPOINT_H
#define CORDON_CHECKPOINT_H

#include <stdint.h>
#include <jansson.h>

#include "cordon/audit.h"
#include "cordon/store.h"

#define CDN_CHECKPOINT_MARKS 1024

/*
 * A checkpoint of the trail as it is now, signed with the private key in
 * `keyfile`, or with the store's key if that is NULL. CDN_EINVAL for an
 * empty trail (nothing to witness).
 */
int cdn_checkpoint_make(struct cdn_store *st, const char *keyfile, const char *actor,
    json_t **out);

/* Write a checkpoint to `path` (whole or not at all), and read one. */
int cdn_checkpoint_save(json_t *cp, const char *path);
int cdn_checkpoint_load(const char *path, json_t **out);

/*
 * Check that the trail in `txn` extends checkpoint `cp` (called `name`
 * in messages): its signature is good and made by one of `keys` (PEM
 * strings, or objects with "public", as cdn_key_list gives), it is of
 * this store, and the entry at its sequence and every mark still hash as
 * signed. Each problem goes to `report`. `*first_bad` (may be NULL)
 * receives the first entry known to differ (0 if none); when marks are
 * sparse it is the first entry of the stretch, and `*last_bad` its end
 * (both equal when exact).
 * 0 if the trail extends it; CDN_ESTORE if the trail was rewritten;
 * CDN_EINVAL if the checkpoint itself cannot be trusted.
 */
int cdn_checkpoint_check(struct cdn_txn *txn, json_t *cp, json_t *keys, const char *name,
    cdn_audit_report_fn report, void *arg, uint64_t *first_bad, uint64_t *last_bad);

#endif
