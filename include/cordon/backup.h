/*
 * backup.h - a consistent copy of a whole store, taken while it is in use:
 * the database as one snapshot, the git repository's objects, refs that
 * match the snapshot, and the signing key. The copy is a store of its
 * own, which `cordon --store DEST` opens, and which passes `audit verify`
 * and `evidence verify`.
 */
#ifndef CORDON_BACKUP_H
#define CORDON_BACKUP_H

#include <stdint.h>

#include "cordon/store.h"

struct cdn_backup_result {
	uint64_t db_bytes;	/* the database copy (compacted) */
	uint64_t repo_bytes;	/* the repository files copied */
};

/* Copy the store into `dest` (which must not exist or be empty), calling
 * `progress` (may be NULL) with the repository bytes copied so far. */
int cdn_store_backup(struct cdn_store *st, const char *dest, cdn_progress_fn progress,
    void *arg, struct cdn_backup_result *res);

#endif
