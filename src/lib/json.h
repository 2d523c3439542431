/*
 * json.h - the one way the library writes and reads what it stores as
 * JSON (records, audit entries, objects in meta), and walks dotted paths
 * in it. Private to src/lib.
 *
 * Stored bytes are compact, keys in the order they were set, reals to
 * 15 significant digits (CDN_JSON_REAL). Bytes that do not decode to an
 * object are damaged: an error naming where they are kept (CDN_ESTORE),
 * never something skipped in silence.
 */
#ifndef CORDON_JSON_H
#define CORDON_JSON_H

#include <stddef.h>
#include <jansson.h>

#include "cordon/record.h"

#define CDN_JSON_STORED (JSON_COMPACT | CDN_JSON_REAL)

/* `v` as stored bytes: `*out` a NUL-terminated malloc'd string, its
 * length in `*len` (may be NULL); or CDN_ENOMEM. */
int cdn_json_encode(json_t *v, char **out, size_t *len);

/* Stored bytes back to an object (a new reference in `*out`);
 * CDN_ESTORE "the stored WHAT is damaged" if they are not one. */
int cdn_json_decode(const void *bytes, size_t len, const char *what, json_t **out);
/* The same for the value of meta key `key` (`klen` bytes, no NUL), and
 * for record `id` (in the form records are stored in: recform.h): the
 * error names it. */
int cdn_json_decode_meta(const void *key, size_t klen, const void *bytes, size_t len,
    json_t **out);
int cdn_json_decode_record(struct cdn_id id, const void *bytes, size_t len, json_t **out);

/* The value at dotted `path` ("commodity.category") in `rec`, borrowed;
 * NULL if there is none. */
json_t *cdn_json_path(json_t *rec, const char *path);

#endif
