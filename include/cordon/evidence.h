/*
 * evidence.h - evidence files (contract §2 evidence, §6): each version's
 * content kept in the store's git repository, its SHA-256, size, media
 * type, git blob and commit recorded in the evidence record, with a chain
 * of custody; and the check that all of it still holds.
 *
 * Write order (doc/evidence.md): the blob is written and synced, then the
 * commit holding it, then the store's transaction records both (and the
 * commit as the repository's head), and only then does the git ref move.
 * A crash at any point leaves nothing in the store that names a missing
 * object, and no ref on a commit the store does not know.
 *
 * Records returned through `json_t **out` are new references owned by the
 * caller.
 */
#ifndef CORDON_EVIDENCE_H
#define CORDON_EVIDENCE_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "cordon/store.h"

#define CDN_EVIDENCE_MAX_DEFAULT (256ULL << 20)	/* largest file, bytes */

struct cdn_evidence_opts {
	const char *note;		/* kept with the version and its audit entry */
	const char *description;	/* add: what the evidence is */
	const char *filename;		/* the name recorded; NULL: the file's own */
	uint64_t max_size;		/* largest file; 0: the configuration's
					 * (cdn_config: CORDON_EVIDENCE_MAX) */
};

/* A new evidence record (V-…) in case `case_id` for the file at `path`. */
int cdn_evidence_add(struct cdn_store *st, const char *user, const char *case_id,
    const char *path, const struct cdn_evidence_opts *o, json_t **out);

/*
 * A file's bytes from a stream rather than a path (an upload as it
 * arrives, never spooled): `read` puts up to `cap` bytes in `buf` and
 * returns how many, 0 at the end, or a negative cdn_code (error.h) that
 * cdn_error_set recorded;
 * `size` is the size announced before the first byte. It is checked
 * against the limit before anything is read, and a stream that gives more
 * or fewer bytes is refused (CDN_EIO) with nothing recorded. The name is
 * the options' `filename`, which a stream must give.
 */
struct cdn_source {
	long (*read)(void *arg, void *buf, size_t cap);
	void *arg;
	uint64_t size;
};
int cdn_evidence_add_from(struct cdn_store *st, const char *user, const char *case_id,
    const struct cdn_source *src, const struct cdn_evidence_opts *o, json_t **out);
int cdn_evidence_update_from(struct cdn_store *st, const char *user, const char *id,
    const struct cdn_source *src, const struct cdn_evidence_opts *o, json_t **out);

/* A new version of evidence `id` from the file at `path`; the earlier
 * ones stay readable. Refused once its custody says it was destroyed. */
int cdn_evidence_update(struct cdn_store *st, const char *user, const char *id,
    const char *path, const struct cdn_evidence_opts *o, json_t **out);

/* Append a custody event: collected, received, transferred, analysed,
 * returned, destroyed or note. Events are never changed, and never
 * refused for their number; only "note" events are bounded, at
 * CDN_CUSTODY_NOTES_MAX (CDN_EINVAL past it). */
#define CDN_CUSTODY_NOTES_MAX 1000u
int cdn_evidence_custody(struct cdn_store *st, const char *user, const char *id,
    const char *action, const char *note, json_t **out);

/*
 * Write version `version` (0: the latest) of evidence `id` to `fd`,
 * checking the content against its recorded SHA-256 and git id as it
 * goes: CDN_ESTORE, naming the problem, if it does not match (then what
 * was written must not be trusted). `*ver` (may be NULL) receives that
 * version's entry.
 */
int cdn_evidence_get(struct cdn_store *st, const char *id, int64_t version, int fd,
    json_t **ver);

/*
 * Re-hash every version of every evidence record and check it against its
 * SHA-256, its git object id and the commit that holds it; check that the
 * records' facts agree with their versions, that every commit is in the
 * store's history, and that the git ref is on that history. Each problem
 * goes to `report` with where it is ("evidence V-3 version 2", "ref
 * refs/heads/main") and what; 0 if none, CDN_ESTORE otherwise. A ref
 * behind the store's head (a crash before it moved) is not a problem: the
 * next write moves it; `*out` says so.
 */
struct cdn_evidence_check {
	uint64_t records, versions, bytes;
	int ref_behind;		/* the ref trails the store's head */
};
typedef void (*cdn_evidence_report_fn)(void *arg, const char *where,
    const char *problem);
int cdn_evidence_verify(struct cdn_store *st, cdn_evidence_report_fn report, void *arg,
    struct cdn_evidence_check *out);

/*
 * The same checks for evidence `id` alone: each version re-hashed against
 * its SHA-256 and git object id, its commit in the store's history
 * (reached from the store's head) holding it at its path, and the
 * record's facts those of its latest version. `*out` (a new object):
 * {"id", "intact", "problems": [record's], "versions": [{"version",
 * "sha256", "size", "intact", "problems": [text…]}]}. Returns 0 whether
 * or not it is intact; an error only if it could not be checked
 * (CDN_ENOTFOUND: no such evidence).
 */
int cdn_evidence_verify_one(struct cdn_store *st, const char *id, json_t **out);

#endif
