/*
 * fuzz-import.c - the import of JSON Lines (fuzz-import-jsonl) or CSV
 * (fuzz-import-csv, built with FUZZ_CSV): the input is the file, imported
 * into a scratch store as `cordon import` would, on the caller's thread.
 *
 * Promises checked: a file is imported whole or not at all (records
 * created only when there is no bad line); every bad line reported has a
 * line number in the file and a reason that is UTF-8 (the API writes it
 * into JSON); bad input is never reported as a store failure or as out
 * of memory.
 */
#include <jansson.h>

#include "cordon/import.h"
#include "fuzz.h"

#ifdef FUZZ_CSV
#define FORMAT CDN_IMPORT_CSV
#define FILE_NAME "input.csv"
#else
#define FORMAT CDN_IMPORT_JSONL
#define FILE_NAME "input.jsonl"
#endif

/* Successful imports before the store is replaced by an empty one. */
#define STORE_IMPORTS 500

struct seen {
	uint64_t lines, n;
};

static void
on_error(void *arg, uint64_t line, const char *field, const char *reason)
{
	struct seen *s = arg;
	json_t *j = json_pack("{s:s,s:s}", "field", field, "reason", reason);

	FUZZ_ASSERT(j != NULL, "a report that is not UTF-8: field '%s', reason '%s'", field, reason);
	json_decref(j);
	FUZZ_ASSERT(s->lines == 0 || line <= s->lines + 1, "line %llu reported, of %llu",
	    (unsigned long long)line, (unsigned long long)s->lines);
	s->n++;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cdn_store *st;
	static unsigned imports, stores;
	static char path[4200];
	struct cdn_import_opts o = { .format = FORMAT, .threads = -1, .name = "", .max_errors = 50 };
	struct cdn_import_result res;
	struct seen seen = { 0, 0 };
	uint64_t created = 0;
	FILE *f;
	int rc;

	if (!st || imports >= STORE_IMPORTS) {
		char name[32];

		if (st)
			cdn_store_close(st);
		snprintf(name, sizeof name, "store-%u", stores++);
		st = fuzz_store(name);
		imports = 0;
		snprintf(path, sizeof path, "%s/%s", fuzz_dir(), FILE_NAME);
	}
	/* Physical lines in the input: no report may name a later one. */
	for (size_t i = 0; i < size; i++)
		seen.lines += data[i] == '\n' || (data[i] == '\r' && (i + 1 == size || data[i + 1] != '\n'));
	seen.lines++;
	if ((f = fopen(path, "wb")) == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0)
		abort();
	o.on_error = on_error;
	o.arg = &seen;
	rc = cdn_import_file(st, path, "fuzz", &o, &res);
	for (int k = 0; k < CDN_NKINDS; k++)
		created += res.created[k];
	if (rc == 0) {
		FUZZ_ASSERT(res.errors == 0 && seen.n == 0, "imported with %llu bad lines",
		    (unsigned long long)res.errors);
		imports++;
	} else {
		const struct cdn_error *e = cdn_error_last();

		FUZZ_ASSERT(created == 0, "failed (%s) but created %llu records", e->message,
		    (unsigned long long)created);
		FUZZ_ASSERT(rc == CDN_EINVAL || rc == CDN_ENOTFOUND || rc == CDN_EINUSE ||
		    rc == CDN_EEXIST, "bad input reported as error %d: %s", rc, e->message);
		FUZZ_ASSERT(rc != CDN_EINVAL || res.errors == 0 || seen.n > 0,
		    "%llu bad lines, none reported", (unsigned long long)res.errors);
	}
	cdn_error_clear();
	return 0;
}
