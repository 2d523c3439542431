/*
 * test-rule-versions.c - a rule's versions are kept apart from it: saving
 * a rule again and again does not grow its record, its history lists
 * every version, a version edited in the store is found when read, and a
 * rule an older store kept with its versions inside reads as it did and
 * has them moved out on its next save.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cordon/rule.h"
#include "internal.h"
#include "tap.h"

#define SAVES 60

static struct cdn_store *st;
static char dir[] = "/tmp/cordon-test-rule-versions-XXXXXX";
static const struct cdn_rule_limits lim = { CDN_RULE_INSTRUCTIONS_DEFAULT,
	CDN_RULE_MEMORY_DEFAULT };

static int
save(const char *name, int n)
{
	char src[512];
	json_t *out = NULL;
	int rc;

	snprintf(src, sizeof src, "return { name = \"%s\", title = \"Big\", severity = \"low\",\n"
	    "  on = { \"seizure\" }, check = function(rec) if rec.quantity and\n"
	    "  rec.quantity.amount and rec.quantity.amount > %d then alert { key = rec.id,\n"
	    "  title = \"big\" } end end }\n", name, n);
	rc = cdn_rule_add(st, "ana", src, strlen(src), &lim, &out);
	json_decref(out);
	return rc;
}

static size_t
record_size(const char *name)
{
	json_t *rec = NULL;
	char *s;
	size_t n;

	if (cdn_rule_get(st, name, &rec, NULL) != 0 || (s = json_dumps(rec, JSON_COMPACT)) == NULL)
		return 0;
	n = strlen(s);
	free(s);
	json_decref(rec);
	return n;
}

static int
put_meta(const char *key, const char *value)
{
	struct cdn_txn *txn;
	int rc;

	if ((rc = cdn_txn_begin(st, CDN_TXN_WRITE, &txn)) != 0)
		return rc;
	if ((rc = cdn_meta_put(txn, key, value, strlen(value))) != 0) {
		cdn_txn_abort(txn);
		return rc;
	}
	return cdn_txn_commit(txn);
}

static char *
get_meta(const char *key)
{
	struct cdn_txn *txn;
	MDB_val v;
	char *out = NULL;

	if (cdn_txn_begin(st, CDN_TXN_READ, &txn) != 0)
		return NULL;
	if (cdn_meta_get(txn, key, &v) == 0 && (out = malloc(v.mv_size + 1)) != NULL) {
		memcpy(out, v.mv_data, v.mv_size);
		out[v.mv_size] = '\0';
	}
	cdn_txn_abort(txn);
	return out;
}

int
main(void)
{
	char path[512], *orig, *edited;
	json_t *log = NULL, *rec = NULL, *ver = NULL;
	size_t first, last;
	int bad = 0, rc;

	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof path, "%s/store", dir);
	ok(cdn_store_init(path) == 0 && cdn_store_open(path, &st) == 0, "a new store");

	/* Saving again and again. */
	ok(save("big", 0) == 0, "a rule is saved");
	first = record_size("big");
	for (int i = 1; i < SAVES; i++)
		bad += save("big", i) != 0;
	ok(bad == 0, "and saved %d times more", SAVES - 1);
	last = record_size("big");
	ok(first > 0 && last <= first + 8, "its record does not grow with its versions (%zu bytes "
	    "at the first, %zu at the %dth)", first, last, SAVES);
	ok(cdn_rule_log(st, "big", &log) == 0 && json_array_size(log) == SAVES &&
	    json_integer_value(json_object_get(json_array_get(log, 0), "version")) == SAVES &&
	    json_integer_value(json_object_get(json_array_get(log, SAVES - 1), "version")) == 1,
	    "its history lists the %d versions, newest first", SAVES);
	{
		const char *c1 = json_string_value(json_object_get(json_array_get(log, SAVES - 1),
		    "commit"));
		char *src = NULL;
		size_t len = 0;

		ok(c1 && cdn_rule_source_at(st, "big", c1, &ver, &src, &len) == 0 &&
		    strstr(src, "amount > 0 then"), "the first version's source is read back");
		json_decref(ver);
		free(src);
	}
	json_decref(log);
	log = NULL;

	/* A version edited in the store. */
	orig = get_meta("rule-ver/big/00000000000000000007");
	ok(orig && strstr(orig, "\"by\":\"ana\""), "version 7 is kept apart from the rule");
	edited = orig ? strdup(orig) : NULL;
	if (edited)
		memcpy(strstr(edited, "\"by\":\"ana\""), "\"by\":\"eve\"", 10);
	ok(edited && put_meta("rule-ver/big/00000000000000000007", edited) == 0,
	    "someone with the files edits who wrote version 7");
	rc = cdn_rule_log(st, "big", &log);
	ok(rc == CDN_ESTORE && strstr(cdn_error_last()->message, "do not match"),
	    "the history is refused, saying why: %s", cdn_error_last()->message);
	cdn_error_clear();
	json_decref(log);
	log = NULL;
	ok(orig && put_meta("rule-ver/big/00000000000000000007", orig) == 0 &&
	    cdn_rule_log(st, "big", &log) == 0, "put back, it reads again");
	json_decref(log);
	log = NULL;
	free(edited);
	free(orig);

	/* A rule as an older store kept it: its versions inside its record. */
	ok(save("old", 1) == 0 && save("old", 2) == 0, "another rule, in two versions");
	{
		char *raw = get_meta("rule/old");
		json_t *versions = json_array();

		rec = raw ? json_loads(raw, 0, NULL) : NULL;
		free(raw);
		for (int v = 1; v <= 2; v++) {
			char key[64], *s;
			json_t *j;

			snprintf(key, sizeof key, "rule-ver/old/%020d", v);
			s = get_meta(key);
			j = s ? json_loads(s, 0, NULL) : NULL;
			free(s);
			if (j && v == 1)
				json_object_set_new(j, "by", json_string("legacy"));
			json_array_append_new(versions, j ? j : json_null());
		}
		json_object_del(rec, "versions_sha256");
		json_object_set_new(rec, "versions", versions);
		raw = json_dumps(rec, JSON_COMPACT);
		ok(raw && put_meta("rule/old", raw) == 0, "is written as an older store kept it");
		free(raw);
		json_decref(rec);
		rec = NULL;
	}
	ok(cdn_rule_log(st, "old", &log) == 0 && json_array_size(log) == 2 &&
	    strcmp(json_string_value(json_object_get(json_array_get(log, 1), "by")) ?: "",
	    "legacy") == 0, "its history is read from the record");
	json_decref(log);
	log = NULL;
	ok(save("old", 3) == 0, "its next save");
	ok(cdn_rule_get(st, "old", &rec, NULL) == 0 && !json_object_get(rec, "versions") &&
	    json_is_string(json_object_get(rec, "versions_sha256")),
	    "leaves no versions in the record");
	json_decref(rec);
	ok(cdn_rule_log(st, "old", &log) == 0 && json_array_size(log) == 3 &&
	    strcmp(json_string_value(json_object_get(json_array_get(log, 2), "by")) ?: "",
	    "legacy") == 0, "and the history still lists every version as it was: %s",
	    cdn_error_last()->message);
	json_decref(log);

	cdn_store_close(st);
	rm_tree(dir);
	return done_testing();
}
