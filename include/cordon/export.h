/*
 * export.h - exports for partners: what a partner's policy lets it
 * receive (share.h), written in a format its systems read, signed with
 * the store's key (sign.h), and recorded in the audit trail.
 *
 *   stix   one STIX 2.1 bundle (stix.h): FILE and FILE.sig
 *   misp   a directory MISP adds as a feed of format "MISP Feed":
 *          manifest.json, hashes.csv, one EVENT-UUID.json per alert or
 *          case, and SHA256SUMS with SHA256SUMS.sig over all of them
 *   csv    one row per shared seizure and the alert (or case) it is
 *          shared with: FILE and FILE.sig, or standard output unsigned
 *
 * Nothing is written under a final name until it is whole: files are
 * written beside their destination and renamed into place, a feed
 * directory is built beside it and renamed. Every export is an audit
 * entry (meta "export/SEQ"): who, for which partner, under which policy,
 * how many objects, and the SHA-256 of every file that left.
 */
#ifndef CORDON_EXPORT_H
#define CORDON_EXPORT_H

#include <stdint.h>
#include <stdio.h>
#include <jansson.h>

#include "cordon/share.h"
#include "cordon/store.h"

enum cdn_export_format { CDN_EXPORT_STIX, CDN_EXPORT_MISP, CDN_EXPORT_CSV };

/* "stix", "misp" or "csv" → format; -1 if none. */
int cdn_export_format_parse(const char *s);
const char *cdn_export_format_name(enum cdn_export_format f);

struct cdn_export_opts {
	const char *partner;
	enum cdn_export_format format;
	const char *since;	/* only what changed from then on; NULL: all */
	const char *out;	/* FILE (stix, csv) or DIR (misp); NULL for csv:
				 * `stdout`, unsigned */
	FILE *stdout_;		/* where csv goes without `out` */
	/* Progress: groups shared so far, of at most `total` (may be NULL). */
	void (*progress)(void *arg, uint64_t done, uint64_t total);
	void *progress_arg;
};

/*
 * Export for a partner. `*result` (may be NULL) receives the export's
 * audit record: {id, seq, at, by, partner, format, since, policy, groups,
 * records, objects, files: [{name, bytes, sha256}], key}.
 * Errors, each with nothing written: CDN_ENOTFOUND (no such partner, or
 * the store has no signing key), CDN_EINVAL (nothing to share under the
 * policy; an output directory that exists and is not empty), CDN_EIO.
 */
int cdn_export(struct cdn_store *st, const char *actor, const struct cdn_export_opts *o,
    json_t **result);

/*
 * Check an export: a file against FILE.sig, or a feed directory against
 * SHA256SUMS.sig and every file against SHA256SUMS (and no file more).
 * `keys` are the public keys to try (as cdn_verify takes them). `*report`
 * receives {ok, key, files: [{name, ok, problem}]}. Returns 0 if all is
 * well, CDN_EINVAL naming the first problem otherwise.
 */
int cdn_export_verify(json_t *keys, const char *path, json_t **report);

/* The exports made, newest first; only `partner`'s if not NULL. A MISP
 * feed lists only the files of its top level and its checkpoint, with
 * "file_count" for all of them. */
int cdn_export_log(struct cdn_store *st, const char *partner, size_t limit, json_t **out);
/* One export's whole record (every file); CDN_ENOTFOUND if none. */
int cdn_export_get(struct cdn_store *st, uint64_t seq, json_t **out);

/* CSV of what a partner receives (export-csv.c), to `out`; `*rows`
 * (may be NULL) gets the number of rows. */
int cdn_csv_export(struct cdn_txn *txn, const struct cdn_share_req *req, FILE *out,
    uint64_t *rows, struct cdn_share_stats *stats);

#endif
