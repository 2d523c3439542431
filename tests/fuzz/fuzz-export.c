/*
 * fuzz-export.c - the partner exports of any records: the input is JSON
 * Lines of records (with "kind"; alerts are raised as a rule raises them:
 * {"kind":"alert","key","title","explain","severity","refs"}), written
 * beside the partner records (fuzz.h) in a transaction that is thrown
 * away, then exported in it to one of two partners (nominal up to
 * amber+strict, or non-nominal up to green) as a STIX bundle, a MISP feed and CSV.
 *
 * Promises checked: every export succeeds; the STIX bundle is one JSON
 * object of type "bundle" whose objects each have a type and an id; each
 * file of the MISP feed is JSON (hashes.csv aside); the CSV is UTF-8 with
 * every row as wide as its header, as csv.c reads it.
 */
#include <dirent.h>
#include <jansson.h>

#include "cordon/misp.h"
#include "cordon/partner.h"
#include "cordon/record.h"
#include "cordon/stix.h"
#include "cordon/export.h"
#include "internal.h"
#include "csv.h"
#include "rules.h"
#include "fuzz.h"

static struct cdn_store *st;
static json_t *partners[2];

static void
setup(void)
{
	json_t *p;

	st = fuzz_store_records("records");
	p = json_pack("{s:s,s:s,s:s,s:[s,s,s]}", "country", "TH", "max_tlp", "amber+strict",
	    "profile", "nominal", "cases", "C-1", "C-2", "C-3");
	if (cdn_partner_add(st, "fuzz", "nominal", p, NULL) != 0 ||
	    cdn_partner_get(st, "nominal", &partners[0]) != 0)
		goto fail;
	json_decref(p);
	p = json_pack("{s:s,s:s,s:[s]}", "country", "LA", "max_tlp", "green", "cases", "C-1");
	if (cdn_partner_add(st, "fuzz", "guarded", p, NULL) != 0 ||
	    cdn_partner_get(st, "guarded", &partners[1]) != 0)
		goto fail;
	json_decref(p);
	return;
fail:
	fprintf(stderr, "fuzz: cannot add the partners: %s\n", cdn_error_last()->message);
	exit(99);
}

static void
write_line(struct cdn_txn *txn, json_t *rec)
{
	const char *kind = json_string_value(json_object_get(rec, "kind"));
	int k = kind ? cdn_kind_parse(kind) : -1, created;

	if (k == CDN_ALERT) {
		json_t *refs = json_object_get(rec, "refs");

		cdn_alert_raise(txn, "fuzz", "1", json_string_value(json_object_get(rec, "key")),
		    json_string_value(json_object_get(rec, "title")),
		    json_string_value(json_object_get(rec, "explain")),
		    json_string_value(json_object_get(rec, "severity")),
		    json_is_array(refs) ? refs : NULL, &created, NULL);
	} else if (k >= 0) {
		cdn_record_create(txn, k, rec, CDN_CREATE_IGNORE_ID, NULL);
	}
	cdn_error_clear();
}

static char *
export_mem(struct cdn_txn *txn, const struct cdn_share_req *req, int csv, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	int rc;

	if (!f)
		abort();
	rc = csv ? cdn_csv_export(txn, req, f, NULL, NULL) : cdn_stix_bundle(txn, req, f, NULL, NULL);
	fclose(f);
	FUZZ_ASSERT(rc == 0, "the %s export failed: %s", csv ? "CSV" : "STIX", cdn_error_last()->message);
	return buf;
}

static void
check_stix(const char *text, size_t len)
{
	json_error_t err;
	json_t *b = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err), *o;
	size_t i;

	FUZZ_ASSERT(b != NULL, "the STIX bundle is not JSON: %s (line %d)", err.text, err.line);
	FUZZ_ASSERT(json_is_string(json_object_get(b, "type")) &&
	    strcmp(json_string_value(json_object_get(b, "type")), "bundle") == 0, "not a bundle");
	FUZZ_ASSERT(json_is_array(json_object_get(b, "objects")), "a bundle without objects");
	json_array_foreach(json_object_get(b, "objects"), i, o)
		FUZZ_ASSERT(json_is_string(json_object_get(o, "type")) &&
		    json_is_string(json_object_get(o, "id")), "object %zu without type or id", i);
	json_decref(b);
}

static void
check_csv(const char *text, size_t len)
{
	FILE *f = fmemopen((void *)text, len ? len : 1, "r");
	struct csv c;
	json_t *s;
	int rc;

	FUZZ_ASSERT(f != NULL, "fmemopen");
	if (len == 0) {
		fclose(f);
		return;
	}
	csv_init(&c, f);
	rc = csv_read_header(&c);
	FUZZ_ASSERT(rc == CSV_ROW, "the CSV has no header: %s", c.err);
	while ((rc = csv_read(&c)) != CSV_EOF) {
		FUZZ_ASSERT(rc == CSV_ROW, "CSV line %llu is bad: %s", (unsigned long long)c.line, c.err);
		for (size_t i = 0; i < c.nfields; i++) {
			s = json_stringn(csv_field(&c, i), csv_field_len(&c, i));
			FUZZ_ASSERT(s != NULL, "CSV line %llu field %zu is not UTF-8",
			    (unsigned long long)c.line, i);
			json_decref(s);
		}
	}
	csv_free(&c);
	fclose(f);
}

static void
check_misp(struct cdn_txn *txn, const struct cdn_share_req *req, int n)
{
	char dir[4200], path[4500];
	json_t *stamps = json_object(), *j;
	json_error_t err;
	struct dirent *e;
	DIR *d;
	int rc;

	snprintf(dir, sizeof dir, "%s/misp-%d", fuzz_dir(), n);
	{
		/* Empty it from the last run. */
		char cmd[4300];

		snprintf(cmd, sizeof cmd, "%s", dir);
		if ((d = opendir(cmd)) != NULL) {
			while ((e = readdir(d)) != NULL)
				if (e->d_name[0] != '.') {
					snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
					unlink(path);
				}
			closedir(d);
		} else if (mkdir(dir, 0700) != 0)
			abort();
	}
	rc = cdn_misp_feed(txn, req, dir, stamps, NULL, NULL, NULL);
	FUZZ_ASSERT(rc == 0, "the MISP feed failed: %s", cdn_error_last()->message);
	if ((d = opendir(dir)) == NULL)
		abort();
	while ((e = readdir(d)) != NULL) {
		size_t l = strlen(e->d_name);

		if (l < 5 || strcmp(e->d_name + l - 5, ".json") != 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		j = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
		FUZZ_ASSERT(j != NULL, "MISP file %s is not JSON: %s", e->d_name, err.text);
		json_decref(j);
	}
	closedir(d);
	json_decref(stamps);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cdn_txn *txn;
	const uint8_t *p = data, *end = data + size;

	if (!st)
		setup();
	if (cdn_txn_begin(st, CDN_TXN_WRITE, &txn) != 0 || cdn_txn_set_user(txn, "fuzz") != 0)
		abort();
	while (p < end) {
		const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		json_t *rec = json_loadb((const char *)p, n, JSON_REJECT_DUPLICATES, NULL);

		if (json_is_object(rec))
			write_line(txn, rec);
		json_decref(rec);
		p += n + 1;
	}
	/* One partner a run (by the input's length), to run more of them. */
	for (int i = (int)(size & 1); i < 2; i += 2) {
		struct cdn_share_req req = { .partner = partners[i] };
		size_t len;
		char *text;

		text = export_mem(txn, &req, 0, &len);
		check_stix(text, len);
		free(text);
		text = export_mem(txn, &req, 1, &len);
		check_csv(text, len);
		free(text);
		check_misp(txn, &req, i);
	}
	cdn_error_clear();
	cdn_txn_abort(txn);
	return 0;
}
