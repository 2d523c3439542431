/*
 * test-audit.c - finding audit entries through the trail's indexes (by
 * record, by user, a case's history) against a plain walk of the whole
 * trail; verify noticing an index changed behind the store's back; and a
 * format-1 store, without the indexes, brought up to date when opened.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cordon/audit.h"
#include "cordon/query.h"
#include "internal.h"
#include "rules.h"
#include "schema.h"
#include "tap.h"

static struct cdn_store *st;
static char dir[] = "/tmp/cordon-test-audit-XXXXXX";

static const char *const users[] = { "alice", "bob", "carol" };

/* Write `text` as a new record of `kind` (or, with `id`, a merge patch of
 * it) as `user`; returns the record's id (static buffer) or NULL. */
static const char *
write_as(const char *user, enum cdn_kind kind, const char *id, const char *text)
{
	static char out_id[CDN_ID_MAX];
	struct cdn_txn *txn;
	json_t *in = json_loads(text, 0, NULL), *out = NULL;
	int rc;

	if (!in || cdn_txn_begin(st, CDN_TXN_WRITE, &txn) != 0)
		return NULL;
	cdn_txn_set_user(txn, user);
	rc = id ? cdn_record_update(txn, id, in, 0, &out) : cdn_record_create(txn, kind, in, 0, &out);
	json_decref(in);
	if (rc != 0) {
		diag("write failed: %s", cdn_error_last()->message);
		cdn_txn_abort(txn);
		return NULL;
	}
	snprintf(out_id, sizeof out_id, "%s", json_string_value(json_object_get(out, "id")));
	json_decref(out);
	return cdn_txn_commit(txn) == 0 ? out_id : NULL;
}

/* Seqs gathered by a walk. */
struct seqs {
	uint64_t v[4096];
	size_t n;
};

static int
gather(void *arg, json_t *e)
{
	struct seqs *s = arg;

	if (s->n < 4096)
		s->v[s->n++] = (uint64_t)json_integer_value(json_object_get(e, "seq"));
	return 0;
}

/* What the trail itself says of each entry: its id and user. */
static struct {
	char id[32], user[16];
} trail[4096];
static size_t ntrail;

static int
note_trail(void *arg, json_t *e)
{
	size_t seq = (size_t)json_integer_value(json_object_get(e, "seq"));

	(void)arg;
	if (seq < 4096) {
		snprintf(trail[seq].id, sizeof trail[seq].id, "%s",
		    json_string_value(json_object_get(e, "id")));
		snprintf(trail[seq].user, sizeof trail[seq].user, "%s",
		    json_string_value(json_object_get(e, "user")));
		if (seq > ntrail)
			ntrail = seq;
	}
	return 0;
}

static void
read_trail(void)
{
	struct cdn_txn *txn;

	ntrail = 0;
	cdn_txn_begin(st, CDN_TXN_READ, &txn);
	cdn_audit_each(txn, 1, 0, 0, note_trail, NULL);
	cdn_txn_abort(txn);
}

/* The entries `f` selects, found by reading every entry. */
static void
expected(const struct cdn_audit_filter *f, struct seqs *out)
{
	out->n = 0;
	for (size_t k = 1; k <= ntrail; k++) {
		size_t seq = f->from ? k : ntrail + 1 - k;
		int in = !f->nids;

		if (f->from ? seq < f->from : f->before && seq >= f->before)
			continue;
		for (size_t i = 0; i < f->nids; i++)
			if (strcmp(trail[seq].id, f->ids[i]) == 0)
				in = 1;
		if (!in || (f->user && strcmp(trail[seq].user, f->user) != 0))
			continue;
		if (f->limit && out->n == f->limit)
			break;
		out->v[out->n++] = seq;
	}
}

static int
find(const struct cdn_audit_filter *f, struct seqs *out)
{
	struct cdn_txn *txn;
	int rc;

	out->n = 0;
	cdn_txn_begin(st, CDN_TXN_READ, &txn);
	rc = cdn_audit_find(txn, f, gather, out);
	cdn_txn_abort(txn);
	return rc;
}

static int
same(const struct seqs *a, const struct seqs *b)
{
	return a->n == b->n && memcmp(a->v, b->v, a->n * sizeof a->v[0]) == 0;
}

static void
show(const char *what, const struct seqs *s)
{
	char buf[512];
	size_t off = 0;

	for (size_t i = 0; i < s->n && off < sizeof buf - 24; i++)
		off += (size_t)snprintf(buf + off, sizeof buf - off, " %" PRIu64, s->v[i]);
	buf[off] = '\0';
	diag("%s:%s", what, buf);
}

static int verify_problems;
static char verify_last[256];

static void
count_problem(void *arg, const char *where, const char *problem)
{
	(void)arg;
	verify_problems++;
	snprintf(verify_last, sizeof verify_last, "%s: %s", where, problem);
}

static int
verify(void)
{
	struct cdn_txn *txn;
	int rc;

	verify_problems = 0;
	verify_last[0] = '\0';
	cdn_txn_begin(st, CDN_TXN_READ, &txn);
	rc = cdn_audit_verify(txn, count_problem, NULL, NULL);
	cdn_txn_abort(txn);
	return rc;
}

/* Put or remove one index entry behind the store's back. */
static void
tamper_index(MDB_dbi dbi, const char *key, uint64_t seq, int put)
{
	unsigned char val[8];
	MDB_txn *t;
	MDB_val k = { strlen(key), (void *)key }, v = { 8, val };

	cdn_be64(val, seq);
	mdb_txn_begin(st->env, NULL, 0, &t);
	if (put)
		mdb_put(t, dbi, &k, &v, 0);
	else
		mdb_del(t, dbi, &k, &v);
	mdb_txn_commit(t);
}

/* Make the store what a format-1 cordon left: no audit indexes, no
 * index of alerts by ref, format 1. */
static void
make_format1(const char *path)
{
	unsigned char fmt[8], ix = IX_REF;
	MDB_env *env;
	MDB_txn *t;
	MDB_dbi meta, idx, a, u;
	MDB_cursor *cur;
	MDB_val k, v;

	mdb_env_create(&env);
	mdb_env_set_maxdbs(env, 8);
	mdb_env_open(env, path, MDB_NOTLS | MDB_WRITEMAP, 0600);
	mdb_txn_begin(env, NULL, 0, &t);
	mdb_dbi_open(t, "meta", 0, &meta);
	mdb_dbi_open(t, "index", MDB_DUPSORT | MDB_DUPFIXED, &idx);
	mdb_dbi_open(t, "audit-by-record", MDB_DUPSORT | MDB_DUPFIXED, &a);
	mdb_dbi_open(t, "audit-by-user", MDB_DUPSORT | MDB_DUPFIXED, &u);
	mdb_drop(t, a, 1);
	mdb_drop(t, u, 1);
	mdb_cursor_open(t, idx, &cur);
	k.mv_size = 1;
	k.mv_data = &ix;
	while (mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE) == 0 &&
	    ((unsigned char *)k.mv_data)[0] == IX_REF) {
		mdb_cursor_del(cur, MDB_NODUPDATA);
		k.mv_size = 1;
		k.mv_data = &ix;
	}
	mdb_cursor_close(cur);
	cdn_be64(fmt, 1);
	k.mv_size = 6;
	k.mv_data = "format";
	v.mv_size = 8;
	v.mv_data = fmt;
	mdb_put(t, meta, &k, &v, 0);
	mdb_txn_commit(t);
	mdb_env_close(env);
}

static uint64_t
store_format(void)
{
	struct cdn_txn *txn;
	MDB_val v;
	uint64_t f = 0;

	cdn_txn_begin(st, CDN_TXN_READ, &txn);
	if (cdn_meta_get(txn, "format", &v) == 0 && v.mv_size == 8)
		f = cdn_get_be64(v.mv_data);
	cdn_txn_abort(txn);
	return f;
}

static int
add_item(void *arg, json_t *rec)
{
	return json_array_append(arg, rec);
}

/* The alerts whose refs hold `id`, as "A-1 A-2 ". */
static void
alerts_naming(const char *id, char *out, size_t cap)
{
	struct cdn_cond c = { "refs", id };
	struct cdn_query q = { .kind = CDN_ALERT, .where = &c, .nwhere = 1 };
	struct cdn_txn *txn;
	json_t *items = json_array(), *a;
	size_t i, off = 0;

	cdn_txn_begin(st, CDN_TXN_READ, &txn);
	cdn_query_run(txn, &q, add_item, items);
	cdn_txn_abort(txn);
	out[0] = '\0';
	json_array_foreach(items, i, a)
		off += (size_t)snprintf(out + off, cap - off, "%s ",
		    json_string_value(json_object_get(a, "id")));
	json_decref(items);
}

/* Compare the indexes' answers with the plain walk's, over many filters. */
static void
check_filters(const char *when)
{
	static const char *const some[] = { "C-1", "S-1", "S-2", "E-1", "S-3", "C-2", "rule/none",
		"S-99" };
	struct seqs got, want;
	int bad = 0, n = 0;

	read_trail();
	for (int nids = 0; nids <= 3; nids++)
		for (int u = -1; u < 3; u++)
			for (int mode = 0; mode < 4; mode++)
				for (size_t limit = 0; limit <= 5; limit += 5) {
					const char *ids[3];
					struct cdn_audit_filter f = { .ids = ids, .nids = (size_t)nids,
						.user = u < 0 ? NULL : users[u], .limit = limit };

					for (int i = 0; i < nids; i++)
						ids[i] = some[(nids * 3 + i + mode) % 8];
					if (mode == 1)
						f.before = ntrail / 2;
					else if (mode == 2)
						f.from = ntrail / 3;
					else if (mode == 3)
						f.before = 2;
					expected(&f, &want);
					n++;
					if (find(&f, &got) != 0 || !same(&got, &want)) {
						if (!bad++) {
							diag("ids %d user %s before %" PRIu64 " from %" PRIu64
							    " limit %zu", nids, f.user ? f.user : "-", f.before,
							    f.from, limit);
							show("got", &got);
							show("want", &want);
						}
					}
				}
	ok(!bad, "%s: %d filters by record, user, position and limit agree with a walk of "
	    "the whole trail (%d differ)", when, n, bad);
}

int
main(void)
{
	char path[80], buf[256];
	struct seqs got, want;
	struct cdn_txn *txn;
	const char *ids[1];
	int created;

	if (!mkdtemp(dir))
		return 99;
	snprintf(path, sizeof path, "%s/store", dir);
	ok(cdn_store_init(path) == 0 && cdn_store_open(path, &st) == 0, "a new store");
	ok(store_format() == CDN_FORMAT, "it is of the current format");

	/* Writes by three users on a few records, interleaved. */
	write_as("alice", CDN_CASE, NULL, "{\"title\":\"one\"}");			/* C-1 */
	write_as("bob", CDN_SEIZURE, NULL, "{\"case\":\"C-1\",\"occurred_at\":\"2025-01-01\","
	    "\"commodity\":{\"category\":\"wildlife\"}}");				/* S-1 */
	write_as("carol", CDN_CASE, NULL, "{\"title\":\"two\"}");			/* C-2 */
	write_as("alice", CDN_ENTITY, NULL, "{\"type\":\"person\",\"name\":\"Ha\"}");	/* E-1 */
	write_as("bob", CDN_SEIZURE, NULL, "{\"case\":\"C-1\",\"occurred_at\":\"2025-01-02\","
	    "\"commodity\":{\"category\":\"timber\"}}");				/* S-2 */
	write_as("carol", CDN_SEIZURE, NULL, "{\"case\":\"C-2\",\"occurred_at\":\"2025-01-03\","
	    "\"commodity\":{\"category\":\"ods\"}}");					/* S-3 */
	for (int i = 0; i < 60; i++) {
		static const char *const rec[] = { "C-1", "S-1", "S-2", "E-1", "S-3", "C-2" };
		char patch[64];

		snprintf(patch, sizeof patch, "{\"notes\":\"change %d\"}", i);
		if (!write_as(users[(i * 7) % 3], 0, rec[(i * 5) % 6], patch)) {
			ok(0, "update %d", i);
			break;
		}
	}
	check_filters("a new store");

	/* A case's history: its own entries, its seizures', not others'. */
	read_trail();
	want.n = 0;
	for (size_t s = ntrail; s >= 1; s--)
		if (!strcmp(trail[s].id, "C-1") || !strcmp(trail[s].id, "S-1") ||
		    !strcmp(trail[s].id, "S-2"))
			want.v[want.n++] = s;
	got.n = 0;
	cdn_txn_begin(st, CDN_TXN_READ, &txn);
	ok(cdn_audit_history(txn, "C-1", 0, 0, gather, &got) == 0 && same(&got, &want),
	    "a case's history is its own entries and its seizures', newest first");
	if (!same(&got, &want)) {
		show("got", &got);
		show("want", &want);
	}
	got.n = 0;
	cdn_audit_history(txn, "C-1", want.v[3], 2, gather, &got);
	ok(got.n == 2 && got.v[0] == want.v[4] && got.v[1] == want.v[5],
	    "and pages on from an entry, at most the limit");
	got.n = 0;
	cdn_audit_history(txn, "E-1", 0, 0, gather, &got);
	ok(got.n > 0 && !strcmp(trail[got.v[0]].id, "E-1") && !strcmp(trail[got.v[got.n - 1]].id, "E-1"),
	    "another record's history is its own entries");
	got.n = 0;
	cdn_audit_history(txn, "C-99", 0, 0, gather, &got);
	ok(got.n == 0, "a record never written has none");
	cdn_txn_abort(txn);

	/* An alert naming S-1 and E-1 is found by either. */
	cdn_txn_begin(st, CDN_TXN_WRITE, &txn);
	json_t *refs = json_pack("[s,s]", "S-1", "E-1");
	ok(cdn_alert_raise(txn, "test-rule", "0123456789abcdef0123456789abcdef01234567", "k",
	    "An alert", NULL, "high", refs, &created, NULL) == 0 && cdn_txn_commit(txn) == 0,
	    "an alert is raised");
	json_decref(refs);
	alerts_naming("E-1", buf, sizeof buf);
	is_str(buf, "A-1 ", "alerts are found by a record they name (refs=E-1)");
	alerts_naming("C-2", buf, sizeof buf);
	is_str(buf, "", "and not by one they do not");

	/* The indexes are part of what verify checks. */
	ok(verify() == 0, "the store verifies");
	tamper_index(st->arec, "orphan", 3, 1);
	ok(verify() != 0 && strstr(verify_last, "audit index by record: lists 1 entry the"),
	    "an index entry the trail lacks is named");
	tamper_index(st->arec, "orphan", 3, 0);
	tamper_index(st->auser, "bob", 2, 0);
	ok(verify() != 0 && strstr(verify_last, "audit entry 2: missing from the audit index by user"),
	    "an entry missing from an index is named");
	tamper_index(st->auser, "bob", 2, 1);
	ok(verify() == 0, "and the store verifies once they are undone");
	cdn_store_close(st);

	/* A store of format 1: upgraded when opened, the same answers. */
	make_format1(path);
	ok(cdn_store_open(path, &st) == 0, "a format-1 store opens");
	ok(store_format() == CDN_FORMAT, "and is brought up to the current format");
	check_filters("after the upgrade");
	alerts_naming("S-1", buf, sizeof buf);
	is_str(buf, "A-1 ", "alerts by ref are indexed again");
	ok(verify() == 0, "the upgraded store verifies");
	ids[0] = "C-1";
	struct cdn_audit_filter f = { .ids = ids, .nids = 1, .limit = 1 };
	find(&f, &want);
	write_as("carol", 0, "C-1", "{\"notes\":\"after\"}");
	find(&f, &got);
	ok(got.n == 1 && want.n == 1 && got.v[0] > want.v[0], "new writes are indexed as they are made");
	cdn_store_close(st);
	ok(cdn_store_open(path, &st) == 0 && store_format() == CDN_FORMAT,
	    "opening it again finds nothing to upgrade");
	ok(verify() == 0, "and it still verifies");
	cdn_store_close(st);

	rm_tree(dir);
	return done_testing();
}
