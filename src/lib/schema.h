/*
 * schema.h - the one table that describes every record kind: its fields,
 * their types and checks, and which of them are indexed or searchable.
 * Validation, normalisation, index maintenance and the dotted paths of
 * `list --where` and CSV import are all driven by it.
 */
#ifndef CORDON_SCHEMA_H
#define CORDON_SCHEMA_H

#include <jansson.h>

#include "cordon/record.h"
#include "internal.h"

enum cdn_ftype {
	FT_STRING,	/* text, optionally checked by `check` */
	FT_ENUM,	/* one of `values` (F_CUSTOM: or "x-…") */
	FT_NUMBER,
	FT_INTEGER,
	FT_REF,		/* id of an existing record of a kind in `refkinds` */
	FT_OBJECT,	/* fields in `sub` (array ending with a NULL name) */
	FT_ARRAY,	/* items described by `sub` (one field) */
	FT_ATTRIBUTES,	/* free object of string/number/bool values */
};

enum {
	F_REQUIRED = 1 << 0,
	F_READONLY = 1 << 1,	/* set by the store */
	F_PROVENANCE = 1 << 2,	/* read-only, but kept by an import */
	F_DERIVED = 1 << 3,	/* computed from other fields; input ignored */
	F_POSITIVE = 1 << 4,	/* number > 0 */
	F_NONNEG = 1 << 5,	/* number >= 0 */
	F_CUSTOM = 1 << 6,	/* enum also accepts "x-[a-z0-9_-]+" */
	F_SEARCH = 1 << 7,	/* words go into the search index */
	F_RANGE = 1 << 8,	/* number within [min, max] */
	F_NONEMPTY = 1 << 9,	/* array with at least one item */
	F_MULTILINE = 1 << 10,	/* text that may hold line breaks and tabs */
	F_OWNED = 1 << 11,	/* read-only, set by its kind's own module */
};


/*
 * What a partner may receive of a field (share.c; the table is in
 * doc/partners.md). The default, 0, is the cautious one, so a field added
 * without a thought for partners stays at home under the non-nominal
 * profile.
 */
enum cdn_share_class {
	SH_NOMINAL = 0,	/* only under the nominal profile */
	SH_OPEN,	/* under every profile */
	SH_TEXT,	/* under every profile, but free text: dropped if it holds
			 * a value withheld from the partner */
	SH_NAME,	/* an entity's name or alias: open for conveyances and
			 * goods, nominal for people and what identifies them */
	SH_REF,		/* a record id: kept while that record is shared */
	SH_NEVER,	/* never: who on our side wrote it, our bookkeeping */
};

struct cdn_field {
	const char *name;
	enum cdn_ftype type;
	unsigned flags;
	int (*check)(const char *s, char *why);
	const char *const *values;
	const struct cdn_field *sub;
	unsigned maxlen;	/* characters (arrays: items); 0 = default limit */
	unsigned minlen;
	double min, max;
	const char *refkinds;	/* kind letters; NULL = any kind */
	const char *dflt;	/* default for an absent enum/string */
	enum cdn_index index;
	enum cdn_share_class share;
};

/* The fields of `kind` (common fields included), ending with a NULL name. */
const struct cdn_field *cdn_schema_fields(enum cdn_kind kind);
/* The field at a dotted path ("commodity.category"), or NULL. */
const struct cdn_field *cdn_schema_lookup(enum cdn_kind kind, const char *path);

struct cdn_txn;

/* The values the store sets on a write; NULL/0 members are taken from
 * the stored record (`old`) instead. */
struct cdn_sys {
	const char *id;
	const char *kind;
	int64_t version;
	const char *created_at, *created_by;
	const char *updated_at, *updated_by;
};

/*
 * Validate `input` as a record of `kind` and build its normalised form in
 * field order (new reference in *out), in one pass.
 * - Store-set (read-only) fields come from `sys`, else from `old`, the
 *   stored record of an update (NULL for a create). A read-only field may
 *   appear in `input` only with its current value (`old`'s), except that
 *   CDN_CREATE_KEEP_PROVENANCE keeps the input's provenance fields and
 *   CDN_CREATE_IGNORE_ID ignores its `id`.
 * - `txn` (may be NULL) is used to check that references exist.
 */
int cdn_schema_validate(struct cdn_txn *txn, enum cdn_kind kind,
    json_t *input, json_t *old, const struct cdn_sys *sys, unsigned flags,
    json_t **out);

/* Index keys of a record: called once per key (first byte = index). */
typedef int (*cdn_key_fn)(void *arg, const unsigned char *key, size_t len);
int cdn_schema_index_keys(enum cdn_kind kind, json_t *rec, cdn_key_fn fn,
    void *arg);

/* 1 if index `ix`'s keys are the field's values as written (the index
 * keys themselves: cdn_index_key, internal.h). */
int cdn_index_exact(enum cdn_index ix);

/* The field at `path` if it holds one value (not an array or object, and
 * not inside an array): a schema field, or a key of the free `attributes`
 * object (returned as the `attributes` field). NULL otherwise. */
const struct cdn_field *cdn_schema_single(enum cdn_kind kind, const char *path);
/* The index that lists the records of `kind` under each value of the
 * single-valued field at `path` and under nothing else, so that it alone
 * answers which records hold a value; IX_NONE if none does. */
enum cdn_index cdn_value_index(enum cdn_kind kind, const char *path);
/* The same for a condition `path`=VALUE: also an array of values indexed
 * item by item (tags, an alert's refs). */
enum cdn_index cdn_cond_index(enum cdn_kind kind, const char *path);

/* The IX_IDENT key of identifier `name` with `value`. */
size_t cdn_ident_key(const char *name, const char *value, unsigned char *key);
/* The form identifiers are compared in: "name=VALUE", upper case, no
 * spaces, an IMO number without "IMO". */
void cdn_ident_norm(const char *name, const char *value, char *out, size_t cap);
/* The 8-byte sortable form of an instant, for IX_DATE keys. */
void cdn_time_key(int64_t t, unsigned char out[8]);
/* The field whose instant `since`/`until` bound for `kind`: occurred_at
 * for seizures, created_at for the others (the contract's rule). */
const char *cdn_when_field(enum cdn_kind kind);
/* The instant an 8-byte key of cdn_time_key holds. */
int64_t cdn_time_unkey(const unsigned char in[8]);
/* The IX_SEIZED key of seizure `rkey` (its record key) that occurred at
 * `when` (8 bytes of cdn_time_key): its length. */
size_t cdn_seized_key(const unsigned char rkey[9], const unsigned char when[8],
    unsigned char *key);

#endif
