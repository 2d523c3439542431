/*
 * qcache.h - what a long series of queries over one snapshot learns, kept
 * so that the next query does not read and parse it again.
 *
 * Rules run over history ask the same questions of every record: "how
 * many seizures linked to this company in the 90 days before", "how many
 * on this route concealed this way". Each answer walks an index and
 * checks conditions on the candidates; without a cache every check parses
 * the candidate's JSON. The cache keeps, for one snapshot:
 *
 *   - columns: per record, its instant (occurred_at for seizures,
 *     created_at otherwise) and the values of the fields conditions have
 *     asked about, filled the first time a record is parsed;
 *   - the candidate lists of index keys already read;
 *   - recently parsed records (direct-mapped: a slot per hash, the newest
 *     wins), kept per transaction, so per thread: parsed JSON is never
 *     shared between threads.
 *
 * It is only ever correct for the snapshot it was made on: attach it to
 * read transactions of that snapshot (never to a writer). It is shared by
 * threads: slots are read and written with atomics (a value is the same
 * whichever thread fills it), the tables behind a mutex. Memory is
 * bounded by `budget` bytes (and REC_SLOTS records per transaction); past
 * it the cache stops growing and queries read the store as they would
 * without it.
 */
#ifndef CORDON_QCACHE_H
#define CORDON_QCACHE_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include <msgpack.h>

#include "cordon/record.h"

struct cdn_txn;
struct cdn_qcache;

struct cdn_qcache *cdn_qcache_new(size_t budget);
void cdn_qcache_free(struct cdn_qcache *qc);
/* Queries in `txn` use `qc` from now on (NULL: none); what the
 * transaction holds of it is released when it ends (a hook it sets). */
void cdn_txn_set_qcache(struct cdn_txn *txn, struct cdn_qcache *qc);
struct cdn_qcache *cdn_txn_qcache(struct cdn_txn *txn);
/* Bytes held. */
size_t cdn_qcache_bytes(const struct cdn_qcache *qc);

/* Record `id` parsed (a new reference), through the record cache when
 * `txn` has one. CDN_ENOTFOUND if there is none. */
int cdn_qc_record(struct cdn_txn *txn, struct cdn_id id, json_t **out);

/* What a column holds for a record. */
#define CDN_QV_UNKNOWN	0u	/* not filled (or could not be) */
#define CDN_QV_MISSING	1u	/* no such field, or null */
#define CDN_QV_OTHER	2u	/* an array, object or boolean: check the record */
#define CDN_QV_NUMBER	3u	/* a number: see *num */
#define CDN_QV_STRING	16u	/* strings are CDN_QV_STRING + their number */

/* The column of field `path` in records of `kind`, made if new; -1 if
 * the kind has all the columns it may. */
int cdn_qc_column(struct cdn_txn *txn, enum cdn_kind kind, const char *path);
/* The code of string `s` (CDN_QV_UNKNOWN if the table is full). */
uint32_t cdn_qc_string(struct cdn_txn *txn, const char *s, size_t len);
/* Column `col`'s value for record `seq` of `kind` (filled if need be);
 * `*num` receives a number's value. */
uint32_t cdn_qc_value(struct cdn_txn *txn, enum cdn_kind kind, int col, uint64_t seq,
    double *num);
/* The record's instant: 1 and `*t`, 0 if it has none, -1 if unknown. */
int cdn_qc_when(struct cdn_txn *txn, enum cdn_kind kind, uint64_t seq, int64_t *t);
/* Fill record `seq`'s slots from `rec`, or else from `stored` (its stored
 * form unpacked: recform.h), read by the caller anyway. */
void cdn_qc_learn(struct cdn_txn *txn, enum cdn_kind kind, uint64_t seq, json_t *rec,
    const msgpack_object *stored);

/*
 * The records of `kind` under index key `key` (exactly): `*v` points to
 * `*n` sequences in order, owned by the cache. 1 if cached, 0 if not
 * (the caller reads the index itself).
 */
int cdn_qc_index_get(struct cdn_txn *txn, enum cdn_kind kind, const unsigned char *key,
    size_t len, const uint64_t **v, size_t *n);
/* Keep what the caller read for next time (copied; may be refused). */
void cdn_qc_index_put(struct cdn_txn *txn, enum cdn_kind kind, const unsigned char *key,
    size_t len, const uint64_t *v, size_t n);

/*
 * The same list, cached, in time order: `*v` points to `*n` records that
 * have an instant, sorted by it (owned by the cache), so that a window of
 * time is two binary searches away. 1, or 0 if the list is not cached (or
 * there is no room).
 */
struct cdn_qc_timed {
	int64_t t;
	uint64_t seq;
};
int cdn_qc_index_timed(struct cdn_txn *txn, enum cdn_kind kind, const unsigned char *key,
    size_t len, const struct cdn_qc_timed **v, size_t *n);

#endif
