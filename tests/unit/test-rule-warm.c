/*
 * test-rule-warm.c - the rules run after each write are kept loaded from
 * one write to the next (ruleexec.c, "the warm rule set"), and never run
 * stale: a new version, a disable, an enable or a new rule takes effect
 * on the very next write, and a run in which a rule failed leaves nothing
 * of its Lua states behind.
 *
 * A rule with a top-level counter shows which Lua state ran: it names
 * each alert after the calls its state has seen.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cordon/error.h"
#include "cordon/query.h"
#include "cordon/record.h"
#include "cordon/rule.h"
#include "cordon/store.h"
#include "tap.h"

static struct cdn_store *st;
static char dir[] = "/tmp/cordon-test-rule-warm-XXXXXX";
static const struct cdn_rule_limits lim = { CDN_RULE_INSTRUCTIONS_DEFAULT,
	CDN_RULE_MEMORY_DEFAULT, 0, 0 };

/* The counting rule; `label` starts its alerts' titles. */
static int
counter(const char *label)
{
	char src[600];
	json_t *out = NULL;
	int rc;

	snprintf(src, sizeof src, "local calls = 0\n"
	    "return { name = \"counter\", title = \"Counter\", severity = \"low\",\n"
	    "  on = { \"seizure\" }, check = function(rec)\n"
	    "    calls = calls + 1\n"
	    "    alert { key = rec.id, title = \"%s \" .. calls }\n"
	    "  end }\n", label);
	rc = cdn_rule_add(st, "ana", src, strlen(src), &lim, &out);
	json_decref(out);
	return rc;
}

/* A rule that fails on a seizure of 13 kg. */
static int
flaky(void)
{
	static const char src[] =
	    "return { name = \"flaky\", title = \"Flaky\", severity = \"low\",\n"
	    "  on = { \"seizure\" }, check = function(rec)\n"
	    "    if rec.quantity and rec.quantity.amount == 13 then error(\"thirteen\") end\n"
	    "  end }\n";
	json_t *out = NULL;
	int rc = cdn_rule_add(st, "ana", src, strlen(src), &lim, &out);

	json_decref(out);
	return rc;
}

/* Write a seizure of `kg`; its id into `id`. */
static int
seizure(int kg, char id[CDN_ID_MAX])
{
	json_t *rec = json_pack("{s:s,s:s,s:{s:s},s:{s:i,s:s}}", "case", "C-1", "occurred_at",
	    "2025-03-01", "commodity", "category", "wildlife", "quantity", "amount", kg, "unit", "kg");
	json_t *out = NULL;
	int rc = cdn_record_add(st, "olga", CDN_SEIZURE, rec, 0, &out);

	if (rc == 0)
		snprintf(id, CDN_ID_MAX, "%s", json_string_value(json_object_get(out, "id")));
	json_decref(rec);
	json_decref(out);
	return rc;
}

struct find {
	const char *key;
	char title[200];
};

static int
find_alert(void *arg, json_t *a)
{
	struct find *f = arg;

	if (strcmp(json_string_value(json_object_get(a, "key")) ?: "", f->key) == 0)
		snprintf(f->title, sizeof f->title, "%s",
		    json_string_value(json_object_get(a, "title")) ?: "");
	return 0;
}

/* The title of the counter's alert on record `id`, "" if none. */
static const char *
title_on(const char *id)
{
	static struct find f;
	struct cdn_cond c = { "rule", "counter" };
	struct cdn_query q = { .kind = CDN_ALERT, .where = &c, .nwhere = 1 };
	struct cdn_txn *txn;

	f.key = id;
	f.title[0] = '\0';
	if (cdn_txn_begin(st, CDN_TXN_READ, &txn) == 0) {
		cdn_query_run(txn, &q, find_alert, &f);
		cdn_txn_abort(txn);
	}
	return f.title;
}

/* Write a seizure and check the title of the counter's alert on it:
 * `want`, or only its start if `want` ends with a space. */
static void
expect(int kg, const char *want, const char *what)
{
	char id[CDN_ID_MAX] = "";
	int rc = seizure(kg, id);
	const char *got = rc == 0 ? title_on(id) : "(the write failed)";
	size_t n = strlen(want);

	ok(rc == 0 && (n && want[n - 1] == ' ' ? strncmp(got, want, n) == 0 : strcmp(got, want) == 0),
	    "%s: %s (got \"%s\")", what, want, got);
	cdn_error_clear();
}

int
main(void)
{
	char path[512];
	json_t *out = NULL;

	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof path, "%s/store", dir);
	if (!ok(cdn_store_init(path) == 0 && cdn_store_open(path, &st) == 0, "a new store"))
		return done_testing();
	{
		json_t *c = json_pack("{s:s}", "title", "Operation Pangolin");

		ok(cdn_record_add(st, "olga", CDN_CASE, c, 0, &out) == 0, "a case");
		json_decref(c);
		json_decref(out);
	}
	ok(counter("v1") == 0, "the counting rule is added");

	expect(5, "v1 1", "the first write after it runs it");
	expect(6, "v1 2", "the next write runs the same Lua state again");
	expect(7, "v1 3", "and the next");

	ok(counter("v2") == 0, "a new version of the rule");
	expect(8, "v2 1", "the next write runs the new version, from its start");
	expect(9, "v2 2", "which is then kept");

	ok(cdn_rule_enable(st, "ana", "counter", 0, NULL) == 0, "the rule is disabled");
	expect(10, "", "the next write raises nothing");
	ok(cdn_rule_enable(st, "ana", "counter", 1, NULL) == 0, "and enabled again");
	expect(11, "v2 ", "the next write runs it, at the version it had");

	ok(flaky() == 0, "another rule is added");
	expect(12, "v2 1", "the set changed: the counter starts again");
	expect(13, "v2 2", "a write on which the other rule fails still runs the counter");
	expect(14, "v2 1", "but the failed run's states are not kept");

	cdn_store_close(st);
	rm_tree(dir);
	return done_testing();
}
