/*
 * test-core.c - the core of the library on its own: the store, records,
 * the schema, the audit trail, queries and the query cache, linked
 * without the rule engine, Lua or libgit2 (Makefile.am links this program
 * with none of their libraries, so a call from the core up into them is a
 * link error here). It also checks the two ways the core reaches what is
 * above it: the change log a record write leaves, and the hooks the store
 * runs (after a write, at a transaction's end) without knowing whose.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cordon/audit.h"
#include "cordon/query.h"
#include "changes.h"
#include "internal.h"
#include "qcache.h"
#include "tap.h"

static struct cdn_store *st;

struct add {
	enum cdn_kind kind;
	const char *json;
	json_t *out;
};

static int
add_fn(struct cdn_txn *txn, void *arg)
{
	struct add *a = arg;
	json_t *in = json_loads(a->json, 0, NULL);
	int rc;

	json_decref(a->out);
	a->out = NULL;
	rc = cdn_record_create(txn, a->kind, in, 0, &a->out);
	json_decref(in);
	return rc;
}

static int
add(enum cdn_kind kind, const char *json)
{
	struct add a = { kind, json, NULL };
	int rc = cdn_store_write(st, "tester", add_fn, &a);

	json_decref(a.out);
	return rc;
}

static int
watch_fn(struct cdn_txn *txn, void *arg)
{
	return cdn_changes_watch(txn, *(unsigned *)arg);
}

static int
count_fn(void *arg, json_t *rec)
{
	(void)rec;
	++*(int *)arg;
	return 0;
}

struct logged {
	int entries;
	uint64_t records;
};

static int
log_fn(void *arg, const unsigned char key[CDN_CHANGE_KEY], enum cdn_kind kind, uint64_t from,
    uint64_t to)
{
	struct logged *l = arg;

	(void)key;
	(void)kind;
	l->entries++;
	l->records += to - from + 1;
	return 0;
}

static int hook_calls;
static char hook_user[65];

static int
hook(struct cdn_store *s, const char *user, cdn_progress_fn progress, void *arg)
{
	(void)s;
	(void)progress;
	(void)arg;
	hook_calls++;
	snprintf(hook_user, sizeof hook_user, "%s", user ? user : "");
	return 0;
}

static int
odd_entry(struct cdn_txn *txn, void *arg)
{
	(void)arg;
	return cdn_audit_append(txn, "update", "rule/\"x\"\\y", 1, NULL, "a \"quoted\" note");
}

static int
newest(void *arg, json_t *e)
{
	*(json_t **)arg = json_incref(e);
	return 0;
}

/* Overwrite case `seq`'s bytes with something that is not JSON. */
static int
damage_fn(struct cdn_txn *txn, void *arg)
{
	unsigned char key[CDN_RKEY_LEN];
	MDB_val k = { CDN_RKEY_LEN, key }, v = { 5, "{\"ti" };
	int rc;

	cdn_rkey((struct cdn_id){ CDN_CASE, *(uint64_t *)arg }, key);
	if ((rc = mdb_put(txn->txn, txn->st->recs, &k, &v, 0)) != 0)
		return cdn_lmdb_error(txn, rc, "record");
	return 0;
}

static int
damage_record(uint64_t seq)
{
	return cdn_store_write(st, NULL, damage_fn, &seq);
}

static void
report(void *arg, const char *where, const char *problem)
{
	(void)arg;
	diag("%s: %s", where, problem);
}

int
main(void)
{
	const char *tmp = getenv("TMPDIR");
	char dir[4096];
	struct cdn_query q = { .kind = CDN_CASE };
	struct cdn_txn *txn;
	struct logged l = { 0 };
	unsigned kinds = 1u << CDN_SEIZURE;
	uint64_t checked = 0;
	int n = 0;

	snprintf(dir, sizeof dir, "%s/cordon-core-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		return 99;
	ok(cdn_store_create_db(dir) == 0, "a store's database is made without its repository");
	ok(cdn_store_open_db(dir, &st) == 0, "and opened");

	ok(add(CDN_CASE, "{\"title\":\"Pangolin scales at Cat Lai\"}") == 0, "a case is written");
	ok(add(CDN_CASE, "{\"title\":\"Ivory in cashew nuts\"}") == 0, "a second one");
	ok(add(CDN_CASE, "{\"titel\":\"x\"}") == CDN_EINVAL, "the schema refuses a bad one");
	ok(cdn_txn_begin(st, CDN_TXN_READ, &txn) == 0 && cdn_query_run(txn, &q, count_fn, &n) == 0,
	    "a query runs");
	ok(n == 2, "and finds the two (%d)", n);
	cdn_txn_abort(txn);

	/* Nothing is logged for a kind no reader watches. */
	ok(cdn_changes_pending(st) == 0, "no reader watches cases: the change log is empty");
	ok(cdn_store_write(st, NULL, watch_fn, &kinds) == 0, "a reader watches seizures");
	ok(add(CDN_SEIZURE, "{\"case\":\"C-1\",\"occurred_at\":\"2024-03-10\",\"commodity\":"
	    "{\"category\":\"wildlife\",\"description\":\"scales\"}}") == 0, "a seizure is written");
	ok(cdn_changes_pending(st) == 1, "and the change log names it");
	ok(cdn_txn_begin(st, CDN_TXN_READ, &txn) == 0 && cdn_changes_each(txn, log_fn, &l) == 0,
	    "the log is read");
	ok(l.entries == 1 && l.records == 1, "one entry, one record (%d, %llu)", l.entries,
	    (unsigned long long)l.records);
	cdn_txn_abort(txn);

	/* The store runs whatever hook is set after a logged write, and
	 * nothing for a write that logs nothing. */
	cdn_store_set_after_write(st, hook);
	ok(add(CDN_CASE, "{\"title\":\"Not watched\"}") == 0 && hook_calls == 0,
	    "the after-write hook waits for a write that adds to the log");
	ok(add(CDN_SEIZURE, "{\"case\":\"C-1\",\"occurred_at\":\"2024-03-11\",\"commodity\":"
	    "{\"category\":\"wildlife\",\"description\":\"horn\"}}") == 0 && hook_calls == 1,
	    "and runs once after one that does");
	is_str(hook_user, "tester", "with the writer's user");
	cdn_store_set_after_write(st, NULL);

	/* A read transaction's cache is released by its end hook (ASan
	 * would name a leak). */
	{
		struct cdn_qcache *qc = cdn_qcache_new(1 << 20);
		struct cdn_id id = { CDN_CASE, 1 };
		json_t *rec = NULL;

		ok(qc && cdn_txn_begin(st, CDN_TXN_READ, &txn) == 0, "a read with a query cache");
		cdn_txn_set_qcache(txn, qc);
		ok(cdn_qc_record(txn, id, &rec) == 0 && rec, "reads a record through it");
		json_decref(rec);
		cdn_txn_abort(txn);
		cdn_qcache_free(qc);
	}

	/* An audit entry is JSON whatever its caller gives it. */
	{
		json_t *got = NULL;

		ok(cdn_store_write(st, "tester", odd_entry, NULL) == 0, "an entry for an odd name");
		ok(cdn_txn_begin(st, CDN_TXN_READ, &txn) == 0 &&
		    cdn_audit_each(txn, 1, 1, 1, newest, &got) == 0 && got, "is read back");
		is_str(json_string_value(json_object_get(got, "id")), "rule/\"x\"\\y",
		    "with the name as it was given");
		is_str(json_string_value(json_object_get(got, "note")), "a \"quoted\" note",
		    "and its note");
		json_decref(got);
		cdn_txn_abort(txn);
	}

	ok(cdn_txn_begin(st, CDN_TXN_READ, &txn) == 0 &&
	    cdn_audit_verify(txn, report, NULL, &checked) == 0, "the audit chain is intact");
	ok(checked == 6, "with an entry for each write audited (%llu)",
	    (unsigned long long)checked);
	cdn_txn_abort(txn);

	/* Damaged bytes are an error naming where they are, on every path. */
	ok(damage_record(1) == 0, "record C-1 is damaged behind the store's back");
	{
		json_t *rec = NULL;
		struct cdn_query all = { .kind = CDN_CASE };

		n = 0;
		ok(cdn_txn_begin(st, CDN_TXN_READ, &txn) == 0, "a read");
		ok(cdn_record_get(txn, "C-1", &rec) == CDN_ESTORE &&
		    strstr(cdn_error_last()->message, "record C-1"), "get names it: %s",
		    cdn_error_last()->message);
		ok(cdn_query_run(txn, &all, count_fn, &n) == CDN_ESTORE &&
		    strstr(cdn_error_last()->message, "record C-1"), "a query too, not skipping it");
		cdn_txn_abort(txn);
	}

	cdn_store_close(st);
	cdn_rm_tree(dir);
	return done_testing();
}
