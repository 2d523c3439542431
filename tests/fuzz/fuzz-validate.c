/*
 * fuzz-validate.c - record validation, the one table that checks what
 * the command line, the API and imports write. Input: a kind ("seizure",
 * or a letter) on the first line, then the record's JSON.
 *
 * Promises checked: validation answers yes or no with a message (never a
 * store failure or out of memory); what it accepts it gives back
 * normalised as a UTF-8 JSON object, which validates again unchanged (a
 * stored record can be exported and imported again).
 */
#include <jansson.h>

#include "cordon/record.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	char kindname[16];
	json_error_t jerr;
	json_t *in, *out = NULL, *again = NULL;
	char *text;
	int kind, rc;

	if (!nl || (size_t)(nl - data) >= sizeof kindname)
		return 0;
	memcpy(kindname, data, (size_t)(nl - data));
	kindname[nl - data] = '\0';
	if ((kind = cdn_kind_parse(kindname)) < 0)
		return 0;
	in = json_loadb((const char *)nl + 1, size - (size_t)(nl + 1 - data),
	    JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
	if (!in)
		return 0;
	rc = cdn_record_validate(kind, in, 0, &out);
	if (rc != 0) {
		const struct cdn_error *e = cdn_error_last();
		json_t *msg = json_pack("{s:s,s:s*}", "message", e->message, "field",
		    e->field[0] ? e->field : NULL);

		FUZZ_ASSERT(rc == CDN_EINVAL, "refused as error %d: %s", rc, e->message);
		FUZZ_ASSERT(msg != NULL, "a message that is not UTF-8: %s", e->message);
		json_decref(msg);
	} else {
		FUZZ_ASSERT(json_is_object(out), "accepted, but gave no object");
		text = json_dumps(out, JSON_COMPACT | CDN_JSON_REAL);
		FUZZ_ASSERT(text != NULL, "accepted, but cannot be written as JSON");
		rc = cdn_record_validate(kind, out, 0, &again);
		FUZZ_ASSERT(rc == 0, "its own normal form is refused: %s (%s)",
		    cdn_error_last()->message, text);
		FUZZ_ASSERT(json_equal(out, again), "normalised twice differs: %s", text);
		free(text);
	}
	cdn_error_clear();
	json_decref(again);
	json_decref(out);
	json_decref(in);
	return 0;
}
