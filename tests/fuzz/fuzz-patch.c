/*
 * fuzz-patch.c - merge patches (RFC 7386) and the record updates made
 * with them. Input: a record id of the partner records (fuzz.h) on the
 * first line, then a JSON target, a line "---", and a JSON patch.
 *
 * Promises checked: cdn_merge_patch follows RFC 7386 (a patch that is not
 * an object replaces the target; no member a patch sets to null is left;
 * applying a patch twice gives what applying it once gave); an update of
 * a stored record by the patch either fails as bad input, leaving the
 * record as it was, or stores a record that validates and is written as
 * UTF-8 JSON, its version grown. Updates run in a write transaction that
 * is thrown away.
 */
#include <jansson.h>

#include "cordon/record.h"
#include "internal.h"
#include "fuzz.h"

/* No member of `patch` set to null is in `result`, recursively. */
static void
check_nulls(json_t *result, json_t *patch)
{
	const char *k;
	json_t *v;

	if (!json_is_object(patch) || !json_is_object(result))
		return;
	json_object_foreach(patch, k, v) {
		if (json_is_null(v))
			FUZZ_ASSERT(json_object_get(result, k) == NULL, "'%s' set to null is still there", k);
		else
			check_nulls(json_object_get(result, k), v);
	}
}

static void
check_merge(json_t *target, json_t *patch)
{
	json_t *once = cdn_merge_patch(target, patch), *twice;

	FUZZ_ASSERT(once != NULL, "no result");
	if (!json_is_object(patch))
		FUZZ_ASSERT(json_equal(once, patch), "a patch that is not an object must replace");
	check_nulls(once, patch);
	twice = cdn_merge_patch(once, patch);
	FUZZ_ASSERT(twice && json_equal(once, twice), "applying a patch twice differs from once");
	json_decref(twice);
	json_decref(once);
}

static struct cdn_store *st;

static void
check_update(const char *id, json_t *patch)
{
	struct cdn_txn *txn;
	json_t *before = NULL, *after = NULL, *out = NULL, *norm = NULL;
	struct cdn_id rid;
	int rc;

	if (cdn_id_parse(id, &rid) != 0 || cdn_txn_begin(st, CDN_TXN_WRITE, &txn) != 0)
		return;
	if (cdn_txn_set_user(txn, "fuzz") != 0 || cdn_record_get(txn, id, &before) != 0) {
		cdn_txn_abort(txn);
		return;
	}
	rc = cdn_record_update(txn, id, patch, 0, &out);
	FUZZ_ASSERT(cdn_record_get(txn, id, &after) == 0, "the record is gone after an update");
	if (rc != 0) {
		const struct cdn_error *e = cdn_error_last();

		FUZZ_ASSERT(rc == CDN_EINVAL || rc == CDN_ENOTFOUND || rc == CDN_EUSAGE,
		    "bad patch reported as error %d: %s", rc, e->message);
		FUZZ_ASSERT(json_equal(before, after), "a refused update changed the record");
	} else {
		char *text = json_dumps(after, JSON_COMPACT | CDN_JSON_REAL);

		FUZZ_ASSERT(text != NULL, "the updated record cannot be written as JSON");
		FUZZ_ASSERT(json_equal(out, after), "the update's answer is not what was stored");
		FUZZ_ASSERT(json_integer_value(json_object_get(after, "version")) >=
		    json_integer_value(json_object_get(before, "version")), "version went back");
		rc = cdn_record_validate(rid.kind, after, CDN_CREATE_KEEP_PROVENANCE |
		    CDN_CREATE_IGNORE_ID, &norm);
		FUZZ_ASSERT(rc == 0, "the stored record does not validate: %s: %s",
		    cdn_error_last()->message, text);
		free(text);
	}
	cdn_error_clear();
	json_decref(norm);
	json_decref(out);
	json_decref(after);
	json_decref(before);
	cdn_txn_abort(txn);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size), *rest;
	char id[CDN_ID_MAX], *a, *b;
	size_t alen, blen, n;
	json_t *target, *patch;

	if (!st)
		st = fuzz_store_records("records");
	if (!nl || (size_t)(nl - data) >= sizeof id)
		return 0;
	memcpy(id, data, (size_t)(nl - data));
	id[nl - data] = '\0';
	rest = nl + 1;
	n = size - (size_t)(rest - data);
	a = fuzz_part(&rest, &n, &alen);
	b = fuzz_part(&rest, &n, &blen);
	target = json_loadb(a, alen, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, NULL);
	patch = json_loadb(b, blen, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, NULL);
	if (target && patch)
		check_merge(target, patch);
	if (patch)
		check_update(id, patch);
	json_decref(target);
	json_decref(patch);
	free(a);
	free(b);
	return 0;
}
