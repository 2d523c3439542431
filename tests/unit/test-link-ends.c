/*
 * test-link-ends.c - links are found from either end with their types and
 * other ends, from the index alone (cdn_link_ends, IX_LINKEND), and walks
 * over links answer from it as they did from the link records:
 *
 * - on a generated store, every record's ends from the index are exactly
 *   those its link records give (the oracle: every link read);
 * - a link changed (its type) or removed changes its ends at once;
 * - a store of format 3 (without the entries) is brought up to date when
 *   opened: the same ends, the same graphs, and every seizure's time in
 *   the index of seizures by id;
 * - a graph view names, for each summary and each link, what the link
 *   records say.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cordon/check.h"
#include "cordon/query.h"
#include "cordon/record.h"
#include "genstore.h"
#include "internal.h"
#include "tap.h"

/* Every link, read: the oracle. */
struct links {
	char (*from)[CDN_ID_MAX], (*to)[CDN_ID_MAX], (*type)[65];
	uint64_t *seq;
	size_t n, cap;
};

static int
take_link(void *arg, json_t *l)
{
	struct links *a = arg;
	struct cdn_id id;

	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 1024;
		a->from = realloc(a->from, a->cap * sizeof *a->from);
		a->to = realloc(a->to, a->cap * sizeof *a->to);
		a->type = realloc(a->type, a->cap * sizeof *a->type);
		a->seq = realloc(a->seq, a->cap * sizeof *a->seq);
		if (!a->from || !a->to || !a->type || !a->seq)
			return 1;
	}
	if (cdn_id_parse(json_string_value(json_object_get(l, "id")), &id) != 0)
		return 1;
	snprintf(a->from[a->n], CDN_ID_MAX, "%s", json_string_value(json_object_get(l, "from")));
	snprintf(a->to[a->n], CDN_ID_MAX, "%s", json_string_value(json_object_get(l, "to")));
	snprintf(a->type[a->n], 65, "%s", json_string_value(json_object_get(l, "type")));
	a->seq[a->n++] = id.seq;
	return 0;
}

static int
read_links(struct cdn_store *st, struct links *a)
{
	struct cdn_query q = { .kind = CDN_LINK };
	struct cdn_txn *txn;
	int rc;

	a->n = 0;
	if ((rc = cdn_txn_begin(st, CDN_TXN_READ, &txn)) != 0)
		return rc;
	rc = cdn_query_run(txn, &q, take_link, a);
	cdn_txn_abort(txn);
	return rc;
}

/* Record `id`'s ends from the index against the oracle: 0 if the same. */
static int
same_ends(struct cdn_txn *txn, const struct links *a, const char *id, char *why, size_t cap)
{
	struct cdn_link_end *e = NULL;
	size_t n = 0, want = 0;

	if (cdn_link_ends(txn, id, &e, &n) != 0) {
		snprintf(why, cap, "%s: %s", id, cdn_error_last()->message);
		return -1;
	}
	for (size_t i = 0; i < a->n; i++) {
		int out = strcmp(a->from[i], id) == 0, in = strcmp(a->to[i], id) == 0;
		size_t k;

		if (!out && !in)
			continue;
		want++;
		for (k = 0; k < n; k++)
			if (e[k].seq == a->seq[i] && e[k].out == out &&
			    strcmp(e[k].type, a->type[i]) == 0 &&
			    strcmp(e[k].other, out ? a->to[i] : a->from[i]) == 0)
				break;
		if (k == n) {
			snprintf(why, cap, "%s: L-%llu (%s %s %s) is missing from its ends", id,
			    (unsigned long long)a->seq[i], a->from[i], a->type[i], a->to[i]);
			free(e);
			return -1;
		}
	}
	free(e);
	if (n != want) {
		snprintf(why, cap, "%s: %zu ends in the index, %zu links", id, n, want);
		return -1;
	}
	return 0;
}

/* Every end of every link, checked; the number of records that differ. */
static int
check_all(struct cdn_store *st, const struct links *a, char *why, size_t cap)
{
	struct cdn_txn *txn;
	int bad = 0;

	if (cdn_txn_begin(st, CDN_TXN_READ, &txn) != 0)
		return -1;
	why[0] = '\0';
	for (size_t i = 0; i < a->n; i++) {
		char w[256];

		if (same_ends(txn, a, a->from[i], w, sizeof w) != 0 && bad++ == 0)
			snprintf(why, cap, "%s", w);
		if (same_ends(txn, a, a->to[i], w, sizeof w) != 0 && bad++ == 0)
			snprintf(why, cap, "%s", w);
	}
	cdn_txn_abort(txn);
	return bad;
}

/* The graph views of a few records, as text. */
static char *
views(struct cdn_store *st, const char *const *ids, size_t n)
{
	struct cdn_graph_opts o = { .depth = 2, .limit = 60, .summary = 5 };
	json_t *all = json_array(), *g;
	struct cdn_txn *txn;
	char *text;

	if (cdn_txn_begin(st, CDN_TXN_READ, &txn) != 0)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (cdn_graph_view(txn, ids[i], &o, &g) != 0) {
			cdn_error_clear();
			g = json_null();
		}
		json_array_append_new(all, g);
	}
	cdn_txn_abort(txn);
	text = json_dumps(all, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(all);
	return text;
}

/* Make the store what a format-3 cordon left: no IX_LINKEND or IX_SEIZED
 * entries (the two indexes are the last: deleting from the first to the
 * end removes both). */
static int
make_format3(struct genstore *gs)
{
	unsigned char first = IX_LINKEND, fmt[8];
	struct cdn_txn *txn;
	MDB_cursor *cur;
	MDB_val k = { 1, &first }, v;
	int rc;

	if (cdn_txn_begin(gs->st, CDN_TXN_WRITE, &txn) != 0)
		return -1;
	rc = mdb_cursor_open(txn->txn, txn->st->idx, &cur);
	for (rc = rc ? rc : mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE)) {
		unsigned char ix = ((unsigned char *)k.mv_data)[0];

		if (ix != IX_LINKEND && ix != IX_SEIZED)
			break;
		if ((rc = mdb_cursor_del(cur, MDB_NODUPDATA)) != 0)
			break;
		k.mv_size = 1;
		k.mv_data = &first;
	}
	mdb_cursor_close(cur);
	cdn_be64(fmt, 3);
	if ((rc != MDB_NOTFOUND && rc != 0) || cdn_meta_put(txn, "format", fmt, 8) != 0) {
		cdn_txn_abort(txn);
		return -1;
	}
	if (cdn_txn_commit(txn) != 0)
		return -1;
	cdn_store_close(gs->st);
	gs->st = NULL;
	return cdn_store_open(gs->path, &gs->st);
}

/* Seizures whose time IX_SEIZED does not give as their occurred_at; -1
 * if none could be checked. */
struct seized {
	MDB_cursor *cur;
	int wrong, seen;
};

static int
check_seized(void *arg, const char *json, size_t len)
{
	struct seized *z = arg;
	json_t *rec = NULL;
	struct cdn_id id;
	int64_t t, want;

	cdn_record_parse(json, len, &rec);
	z->seen++;
	if (!rec || cdn_id_parse(json_string_value(json_object_get(rec, "id")) ?: "", &id) != 0 ||
	    cdn_time_parse(json_string_value(json_object_get(rec, "occurred_at")) ?: "", &want,
	    NULL) != 0 || cdn_seized_at(z->cur, id.seq, &t) != 1 || t != want)
		z->wrong++;
	json_decref(rec);
	return 0;
}

static int
seized_wrong(struct cdn_store *st)
{
	struct seized z = { NULL, 0, 0 };
	struct cdn_txn *txn;

	if (cdn_txn_begin(st, CDN_TXN_READ, &txn) != 0)
		return -1;
	if (mdb_cursor_open(txn->txn, txn->st->idx, &z.cur) == 0) {
		cdn_scan_raw(txn, CDN_SEIZURE, check_seized, &z);
		mdb_cursor_close(z.cur);
	}
	cdn_txn_abort(txn);
	return z.seen ? z.wrong : -1;
}

static size_t
entries_of(struct cdn_store *st, const char *id)
{
	struct cdn_link_end *e = NULL;
	struct cdn_txn *txn;
	size_t n = 0;

	if (cdn_txn_begin(st, CDN_TXN_READ, &txn) == 0) {
		if (cdn_link_ends(txn, id, &e, &n) != 0)
			n = (size_t)-1;
		cdn_txn_abort(txn);
	}
	free(e);
	return n;
}

int
main(void)
{
	struct cdn_gen_opts g = { .seed = 5, .seizures = 1500, .cases = 80, .with_entities = 1 };
	struct links a = { 0 };
	struct genstore gs;
	char why[512], *before, *after;
	const char *ids[8];
	char idbuf[8][CDN_ID_MAX];
	int bad;

	if (genstore_make(&gs, "test-link-ends", &g) != 0)
		return 1;
	bad = read_links(gs.st, &a);
	ok(bad == 0 && a.n > 100, "a generated store with %zu links", a.n);
	bad = check_all(gs.st, &a, why, sizeof why);
	ok(bad == 0, "each end of every link: the index gives what its record says (%d differ) %s",
	    bad, why);

	/* A hub and some of its neighbours, for graph views. */
	for (size_t i = 0; i < 8; i++) {
		snprintf(idbuf[i], CDN_ID_MAX, "%s", i % 2 ? a.to[i * 37 % a.n] : a.from[i * 53 % a.n]);
		ids[i] = idbuf[i];
	}
	before = views(gs.st, ids, 8);

	/* Writes keep it. */
	{
		json_t *patch = json_pack("{s:s}", "type", "associate_of"), *out = NULL;
		char lid[CDN_ID_MAX], from[CDN_ID_MAX];
		size_t n0;

		snprintf(lid, sizeof lid, "L-%llu", (unsigned long long)a.seq[0]);
		snprintf(from, sizeof from, "%s", a.from[0]);
		n0 = entries_of(gs.st, from);
		ok(cdn_record_edit(gs.st, "tester", lid, patch, 0, &out) == 0, "a link's type is changed");
		json_decref(patch);
		json_decref(out);
		bad = read_links(gs.st, &a) == 0 ? check_all(gs.st, &a, why, sizeof why) : -1;
		ok(bad == 0, "its ends follow at once (%d differ) %s", bad, why);
		ok(cdn_record_remove(gs.st, "tester", lid) == 0, "the link is removed");
		bad = read_links(gs.st, &a) == 0 ? check_all(gs.st, &a, why, sizeof why) : -1;
		ok(bad == 0 && entries_of(gs.st, from) == n0 - 1, "and its ends are gone (%d differ) %s",
		    bad, why);
	}
	{
		json_t *patch = json_pack("{s:s}", "occurred_at", "2031-05-06T07:08:09Z"), *out = NULL;

		ok(cdn_record_edit(gs.st, "tester", "S-7", patch, 0, &out) == 0 &&
		    seized_wrong(gs.st) == 0, "a seizure's time changed: the index of seizures by id "
		    "follows");
		json_decref(patch);
		json_decref(out);
	}
	free(before);
	before = views(gs.st, ids, 8);

	/* A store of format 3. */
	ok(make_format3(&gs) == 0, "the store made as format 3 left it, and opened again: %s",
	    cdn_error_last()->message);
	bad = check_all(gs.st, &a, why, sizeof why);
	ok(bad == 0, "upgraded: every end is in the index again (%d differ) %s", bad, why);
	bad = seized_wrong(gs.st);
	ok(bad == 0, "and every seizure's time, made from the date index (%d wrong)", bad);
	after = views(gs.st, ids, 8);
	ok(before && after && strcmp(before, after) == 0,
	    "and graph views of 8 records answer as before the upgrade");

	/* What a view says of links against the links themselves. */
	{
		json_t *v = after ? json_loads(after, 0, NULL) : NULL, *g1, *l, *s;
		size_t i, j, checked = 0;
		int wrong = 0;

		json_array_foreach(v, i, g1) {
			json_array_foreach(json_object_get(g1, "links"), j, l) {
				struct cdn_id id;
				size_t k;

				if (cdn_id_parse(json_string_value(json_object_get(l, "id")), &id) != 0)
					wrong++;
				for (k = 0; k < a.n && a.seq[k] != id.seq; k++)
					;
				wrong += k == a.n || strcmp(a.type[k], json_string_value(json_object_get(l,
				    "type")) ?: "") != 0;
				checked++;
			}
			json_array_foreach(json_object_get(g1, "summaries"), j, s)
				wrong += json_array_size(json_object_get(s, "via")) == 0;
		}
		ok(checked >= 16 && wrong == 0, "the views' %zu links are the stored links, and every "
		    "summary names its link types (%d wrong)", checked, wrong);
		json_decref(v);
	}
	free(before);
	free(after);
	free(a.from);
	free(a.to);
	free(a.type);
	free(a.seq);
	genstore_remove(&gs);
	return done_testing();
}
