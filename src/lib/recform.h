/*
 * recform.h - the form the store keeps a record in. Private to src/lib.
 *
 * A record is stored as MessagePack (msgpack-c): the same tree as its
 * JSON, keys in the same order, integers as integers and reals as
 * float64, so the JSON a user sees (`get`, the API, exports) is made from
 * it byte for byte as it was before, and a reader finds a field without
 * a JSON parse. doc/store.md gives the figures that chose it.
 *
 * A store of format 4 or older kept compact JSON text; such bytes (they
 * begin with '{', which no MessagePack map does) are still read, so a
 * record the upgrade could not convert is reported, never lost.
 *
 * The audit trail hashes a record's JSON text (what `cordon get --json`
 * prints), whatever the form that holds it: the chain of a store written
 * before format 5 holds after its upgrade.
 */
#ifndef CORDON_RECFORM_H
#define CORDON_RECFORM_H

#include <stddef.h>
#include <jansson.h>
#include <msgpack.h>

/* `rec` in the stored form: `*out` malloc'd, `*len` bytes; CDN_ENOMEM.
 * `hint` is the size to start the buffer at (its JSON text's length, if
 * the caller has it: the stored form is seldom longer), or 0. */
int cdn_rec_pack(json_t *rec, size_t hint, char **out, size_t *len);

/* 1 if `bytes` are JSON text (a store of format 4 or older wrote them). */
int cdn_rec_is_text(const void *bytes, size_t len);

/* Stored bytes, of either form, back to an object (a new reference);
 * CDN_ESTORE "the stored WHAT is damaged" if they are not one. */
int cdn_rec_decode(const void *bytes, size_t len, const char *what, json_t **out);

/* The record's JSON text (compact, as stored JSON is: json.h), malloc'd
 * and NUL-terminated, of stored bytes of either form; CDN_ESTORE if they
 * are damaged. */
int cdn_rec_text(const void *bytes, size_t len, const char *what, char **text, size_t *tlen);

/* The SHA-256 the audit trail records for these stored bytes: of their
 * JSON text; of the bytes themselves if they are damaged (so they differ). */
void cdn_rec_hash(const void *bytes, size_t len, unsigned char out[32]);

/*
 * Field access without building a tree of JSON: the stored record as a
 * msgpack object whose memory lives in `zone` (msgpack_zone_init'ed by
 * the caller, cleared or destroyed by it; its strings point into `bytes`,
 * which must outlive it). CDN_ESTORE, with no error set, if the bytes are
 * damaged or JSON text: callers fall back to cdn_rec_decode, which names
 * the damage.
 */
int cdn_rec_view(const void *bytes, size_t len, msgpack_zone *zone, msgpack_object *out);

/* A JSON tree of a view's value (a new reference), or NULL if it holds
 * what no record does. */
json_t *cdn_rec_view_json(const msgpack_object *v);

/* The value under key `k` (`n` bytes) of map `m` in a view, or NULL (also
 * if `m` is not a map); its position among the map's pairs in `*at` (may
 * be NULL). */
const msgpack_object *cdn_rec_key(const msgpack_object *m, const char *k, size_t n,
    uint32_t *at);
/* The value at dotted `path` ("commodity.category") in a view, or NULL. */
const msgpack_object *cdn_rec_path(const msgpack_object *rec, const char *path);
/* The string at `path` as a C string in `buf` (`cap` bytes); NULL if there
 * is none, it is not a string or it does not fit. */
const char *cdn_rec_path_str(const msgpack_object *rec, const char *path, char *buf, size_t cap);

#endif
