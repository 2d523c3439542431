/*
 * test-stats.c - records counted in groups (stats.h). Every question the
 * indexes answer alone is asked twice over a generated store, from the
 * indexes and by reading every record, and the two answers must be the
 * same; totals must agree with the query machinery's counts; questions
 * that cannot be answered are refused naming what is wrong.
 *
 *   test-stats             the checks, on a store it makes
 *   test-stats STORE       time the dashboard's questions on STORE instead
 *                          (opened as every command opens a store)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cordon/error.h"
#include "cordon/gen.h"
#include "cordon/import.h"
#include "cordon/alert.h"
#include "cordon/stats.h"
#include "internal.h"
#include "rules.h"
#include "schema.h"
#include "genstore.h"
#include "tap.h"

static struct cdn_store *st;

struct ask {
	const char *kind;
	const char *by[2];
	const char *where[2][2];
	const char *since, *until, *tag, *linked;
	size_t limit;
	int by_key;
	int indexed;		/* the indexes alone should answer it */
};

static const struct ask asks[] = {
	{ "seizure", { "commodity.category" }, .indexed = 1 },
	{ "seizure", { "commodity.category", "month" }, .indexed = 1 },
	{ "seizure", { "month", "commodity.category" }, .by_key = 1, .indexed = 1 },
	{ "seizure", { "commodity.category", "month" }, .since = "2022-01-01", .until = "2023-06-30",
	    .indexed = 1 },
	{ "seizure", { "month" }, .since = "2023-03-15T12:00:00Z", .by_key = 1, .indexed = 1 },
	{ "seizure", { "location.country" }, .limit = 5, .indexed = 1 },
	{ "seizure", { "route" }, .limit = 10, .indexed = 1 },
	{ "seizure", { "route", "transport_mode" }, .indexed = 1 },
	{ "seizure", { "route" }, .where = { { "commodity.category", "wildlife" } }, .indexed = 1 },
	{ "seizure", { "commodity.category" }, .where = { { "location.country", "VN" },
	    { "transport_mode", "sea" } }, .until = "2023-12-31", .indexed = 1 },
	{ "seizure", { "case" }, .limit = 20, .indexed = 1 },
	{ "seizure", { "transport_mode" }, .tag = "cites-i", .indexed = 1 },
	{ "seizure", { "month" }, .where = { { "commodity.category", "narcotics" } }, .since = "2021-01-01",
	    .until = "2021-12-31", .by_key = 1, .indexed = 1 },
	{ "case", { "status" }, .indexed = 1 },
	{ "entity", { "type" }, .indexed = 1 },
	{ "link", { "type" } },
	{ "seizure", { "detection" } },
	{ "seizure", { "commodity.category", "concealment.method" }, .limit = 7 },
	{ "seizure", { "direction" }, .where = { { "quantity.unit", "kg" } } },
	{ "case", { "month" }, .by_key = 1 },
	{ "case", { "status" }, .since = "2000-01-01" },
	{ "seizure", { "commodity.category" }, .linked = "E-8" },
	/* Alerts triaged and raised again: their indexes follow. */
	{ "alert", { "status" }, .indexed = 1 },
	{ "alert", { "status" }, .where = { { "refs", "S-7" } }, .indexed = 1 },
	{ "alert", { "severity" }, .where = { { "status", "new" } } },
};

/* 60 alerts on the first seizures, each naming one or two; then 20
 * acknowledged, 10 dismissed, and 15 raised again under a new title. */
static int
raise_fn(struct cdn_txn *txn, void *arg)
{
	static const char *const sev[] = { "low", "medium", "high", "critical" };
	int round = *(int *)arg, rc = 0;

	for (int i = 1; i <= (round ? 15 : 60) && rc == 0; i++) {
		char key[16], ref[16], title[64];
		json_t *refs;
		int created;

		snprintf(key, sizeof key, "k%d", i);
		snprintf(ref, sizeof ref, "S-%d", i % 12 + 1);
		snprintf(title, sizeof title, "%s seizure %d", round ? "again" : "first", i);
		refs = json_pack("[ss]", ref, "S-7");
		rc = cdn_alert_raise(txn, "t", "0123456789abcdef0123456789abcdef01234567", key, title, NULL, sev[i % 4], refs, &created, NULL);
		json_decref(refs);
	}
	return rc;
}

/* What a store of format 2 could hold: A-1, acknowledged, still indexed
 * as new, and A-2's old title's words. */
static int
stale_fn(struct cdn_txn *txn, void *arg)
{
	unsigned char rkey[CDN_RKEY_LEN], key[CDN_IKEY_MAX], fmt[8];
	MDB_val v = { CDN_RKEY_LEN, rkey }, k = { 0, key };
	int rc;

	(void)arg;
	cdn_rkey((struct cdn_id){ CDN_ALERT, 1 }, rkey);
	k.mv_size = cdn_index_key(IX_STATUS, "new", 3, key);
	if ((rc = mdb_put(txn->txn, txn->st->idx, &k, &v, 0)) != 0)
		return rc;
	cdn_rkey((struct cdn_id){ CDN_ALERT, 2 }, rkey);
	k.mv_size = cdn_index_key(IX_WORD, "stale", 5, key);
	if ((rc = mdb_put(txn->txn, txn->st->idx, &k, &v, 0)) != 0)
		return rc;
	cdn_be64(fmt, 2);
	return cdn_meta_put(txn, "format", fmt, 8);
}

static int
alerts(void)
{
	int round = 0;
	char id[16];

	if (cdn_store_write(st, "tester", raise_fn, &round) != 0)
		return -1;
	for (int i = 1; i <= 30; i++) {
		snprintf(id, sizeof id, "A-%d", i);
		if (cdn_alert_set_status(st, "tester", id, i <= 20 ? "acknowledged" : "dismissed", NULL,
		    NULL) != 0)
			return -1;
	}
	round = 1;
	return cdn_store_write(st, "tester", raise_fn, &round);
}

/* A store of format 2 with stale entries, opened: upgraded to 3, which
 * makes the entries of alerts and evidence again (the questions below,
 * answered from the indexes and from the records, tell). */
static int
upgrade(const char *dir)
{
	struct cdn_txn *txn;
	MDB_val v;
	int format = 0;

	if (cdn_store_write(st, "tester", stale_fn, NULL) != 0)
		return -1;
	cdn_store_close(st);
	if (cdn_store_open(dir, &st) != 0 || cdn_txn_begin(st, CDN_TXN_READ, &txn) != 0)
		return -1;
	if (cdn_meta_get(txn, "format", &v) == 0 && v.mv_size == 8)
		format = (int)cdn_get_be64(v.mv_data);
	cdn_txn_abort(txn);
	return format;
}

static int
group_query(const struct ask *a, struct cdn_group_query *g, struct cdn_cond *conds)
{
	memset(g, 0, sizeof *g);
	g->q.kind = (enum cdn_kind)cdn_kind_parse(a->kind);
	for (int i = 0; i < 2; i++) {
		if (a->by[i])
			g->by[g->nby++] = a->by[i];
		if (a->where[i][0])
			conds[g->q.nwhere++] = (struct cdn_cond){ a->where[i][0], a->where[i][1] };
	}
	g->q.where = conds;
	g->q.since = a->since;
	g->q.until = a->until;
	g->q.tag = a->tag;
	g->q.linked = a->linked;
	g->limit = a->limit;
	g->by_key = a->by_key;
	return 0;
}

static json_t *
stats(const struct cdn_group_query *g)
{
	struct cdn_txn *txn;
	json_t *out = NULL;
	int rc;

	if (cdn_txn_begin(st, CDN_TXN_READ, &txn) != 0)
		return NULL;
	rc = cdn_stats_group(txn, g, &out);
	cdn_txn_abort(txn);
	if (rc != 0) {
		diag("stats: %s: %s", cdn_error_last()->field, cdn_error_last()->message);
		cdn_error_clear();
	}
	return out;
}

static size_t
count(const struct cdn_query *q)
{
	struct cdn_txn *txn;
	size_t n = 0;

	if (cdn_txn_begin(st, CDN_TXN_READ, &txn) == 0) {
		cdn_query_count(txn, q, &n);
		cdn_txn_abort(txn);
	}
	return n;
}

static json_int_t
num(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

/* The error a question is refused with: its code, field in `field`. */
static int
refused(struct cdn_group_query *g, const char **field)
{
	static char buf[CDN_FIELD_MAX];
	struct cdn_txn *txn;
	json_t *out = NULL;
	int rc;

	if (cdn_txn_begin(st, CDN_TXN_READ, &txn) != 0)
		return 0;
	rc = cdn_stats_group(txn, g, &out);
	cdn_txn_abort(txn);
	json_decref(out);
	snprintf(buf, sizeof buf, "%s", cdn_error_last()->field);
	*field = buf;
	cdn_error_clear();
	return rc;
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Time the dashboard's questions on an existing store: they only read. */
static int
measure(const char *dir)
{
	static const struct ask dash[] = {
		{ "seizure", { "commodity.category", "month" } },
		{ "seizure", { "commodity.category", "month" }, .since = "2024-01-01", .until = "2024-12-31" },
		{ "seizure", { "location.country" }, .limit = 10 },
		{ "seizure", { "route" }, .limit = 10 },
		{ "seizure", { "commodity.category" } },
		{ "alert", { "severity" }, .where = { { "status", "new" } } },
	};
	struct cdn_cond conds[2];
	struct cdn_group_query g;

	if (cdn_store_open(dir, &st) != 0) {
		fprintf(stderr, "%s: %s\n", dir, cdn_error_last()->message);
		return 99;
	}
	for (size_t i = 0; i < sizeof dash / sizeof *dash; i++) {
		double best = 1e12, t;
		json_t *out = NULL;

		group_query(&dash[i], &g, conds);
		for (int run = 0; run < 3; run++) {
			json_decref(out);
			t = now_ms();
			out = stats(&g);
			t = now_ms() - t;
			best = t < best ? t : best;
			if (run == 0)
				diag("%s by %s%s%s%s: first %.1f ms", dash[i].kind, dash[i].by[0],
				    dash[i].by[1] ? "," : "", dash[i].by[1] ? dash[i].by[1] : "",
				    dash[i].since ? " in 2024" : "", t);
		}
		ok(out != NULL, "%s by %s%s%s%s: %lld records, %zu groups, %lld read, best of 3 %.1f ms",
		    dash[i].kind, dash[i].by[0], dash[i].by[1] ? "," : "",
		    dash[i].by[1] ? dash[i].by[1] : "", dash[i].where[0][0] ? " (status new)" :
		    dash[i].since ? " in 2024" : "", (long long)num(out, "total"),
		    json_array_size(json_object_get(out, "groups")), (long long)num(out, "read"), best);
		json_decref(out);
	}
	cdn_store_close(st);
	return done_testing();
}

int
main(int argc, char **argv)
{
	struct cdn_gen_opts gen = { .seed = 11, .seizures = 6000, .cases = 300, .with_entities = 1 };
	struct genstore gs;
	struct cdn_import_result res;
	struct cdn_group_query g;
	struct cdn_cond conds[2];
	const char *field;
	int bad = 0, nonempty = 0;

	if (argc > 1)
		return measure(argv[1]);
	if (genstore_make(&gs, "test-stats", &gen) != 0)
		return 99;
	st = gs.st;
	res = gs.res;
	ok(res.created[CDN_SEIZURE] == 6000, "a store with %llu seizures, %llu cases, %llu links",
	    (unsigned long long)res.created[CDN_SEIZURE], (unsigned long long)res.created[CDN_CASE],
	    (unsigned long long)res.created[CDN_LINK]);
	if (!ok(alerts() == 0, "60 alerts, 30 of them triaged and 15 raised again"))
		diag("%s", cdn_error_last()->message);
	ok(upgrade(gs.path) == CDN_FORMAT, "a format-2 store with stale index entries of alerts, upgraded to the current format");

	/* From the indexes and from the records: the same answer. */
	for (size_t i = 0; i < sizeof asks / sizeof *asks; i++) {
		const struct ask *a = &asks[i];
		json_t *fast, *slow;
		int same;

		group_query(a, &g, conds);
		fast = stats(&g);
		g.read_all = 1;
		slow = stats(&g);
		if (!fast || !slow) {
			ok(0, "question %zu is answered", i);
			bad++;
			continue;
		}
		json_object_del(slow, "read");
		/* From the indexes, nothing read; otherwise at least the records
		 * counted. */
		same = a->indexed ? num(fast, "read") == 0 : num(fast, "read") >= num(fast, "total");
		if (!same)
			diag("question %zu: read %lld records", i, (long long)num(fast, "read"));
		json_object_del(fast, "read");
		if (!json_equal(fast, slow)) {
			char *x = json_dumps(fast, JSON_COMPACT), *y = json_dumps(slow, JSON_COMPACT);

			diag("question %zu: indexes %.300s", i, x);
			diag("question %zu: records %.300s", i, y);
			free(x);
			free(y);
			same = 0;
		}
		/* The total is what a list with the same filters counts. */
		if ((size_t)num(fast, "total") != count(&g.q)) {
			diag("question %zu: total %lld, list count %zu", i, (long long)num(fast, "total"),
			    count(&g.q));
			same = 0;
		}
		if (json_array_size(json_object_get(fast, "groups")) > 1)
			nonempty++;
		else
			diag("question %zu: %zu groups", i, json_array_size(json_object_get(fast, "groups")));
		bad += !same;
		json_decref(fast);
		json_decref(slow);
	}
	ok(bad == 0, "%zu questions: the indexes answer those they can without reading a record, "
	    "and every answer is the one reading the records gives (%d differ)",
	    sizeof asks / sizeof *asks, bad);
	/* The generator puts every seizure in one country, every case in one
	 * month of creation. */
	ok(nonempty >= (int)(sizeof asks / sizeof *asks) - 2, "and the answers have groups to compare "
	    "(%d of %zu)", nonempty, sizeof asks / sizeof *asks);

	/* Known figures: every seizure in one category group, months sum up. */
	{
		json_t *o, *gr;
		size_t i, sum = 0, others;
		const char *prev = NULL;
		int ordered = 1;

		group_query(&(struct ask){ "seizure", { "commodity.category" } }, &g, conds);
		o = stats(&g);
		json_array_foreach(json_object_get(o, "groups"), i, gr)
			sum += (size_t)json_integer_value(json_object_get(gr, "count"));
		ok(o && num(o, "total") == 6000 && sum == 6000 && num(o, "missing") == 0,
		    "seizures by category: 6000 in all, each in one group");
		json_decref(o);

		group_query(&(struct ask){ "seizure", { "month" }, .by_key = 1, .limit = 12 }, &g, conds);
		o = stats(&g);
		sum = 0;
		json_array_foreach(json_object_get(o, "groups"), i, gr) {
			const char *k = json_string_value(json_array_get(json_object_get(gr, "key"), 0));

			sum += (size_t)json_integer_value(json_object_get(gr, "count"));
			if (prev && strcmp(prev, k) >= 0)
				ordered = 0;
			prev = k;
		}
		others = (size_t)num(o, "others");
		ok(o && json_array_size(json_object_get(o, "groups")) == 12 && ordered &&
		    sum + others == 6000 && strlen(prev ? prev : "") == 7,
		    "by month in key order, the first 12 months (YYYY-MM) and the others add up to 6000");
		json_decref(o);
	}

	/* Refused, naming what is wrong. */
	group_query(&(struct ask){ "seizure", { "commodity.categry" } }, &g, conds);
	ok(refused(&g, &field) == CDN_EUSAGE && strcmp(field, "by") == 0, "a misspelt key: by");
	group_query(&(struct ask){ "seizure", { "tags" } }, &g, conds);
	ok(refused(&g, &field) == CDN_EUSAGE && strcmp(field, "by") == 0, "an array: by");
	group_query(&(struct ask){ "seizure", { "quantity" } }, &g, conds);
	ok(refused(&g, &field) == CDN_EUSAGE && strcmp(field, "by") == 0, "an object: by");
	group_query(&(struct ask){ "seizure", { "month", "month" } }, &g, conds);
	ok(refused(&g, &field) == CDN_EUSAGE && strcmp(field, "by") == 0, "the same key twice: by");
	group_query(&(struct ask){ "seizure", { "month" }, .since = "last week" }, &g, conds);
	ok(refused(&g, &field) == CDN_EUSAGE && strcmp(field, "since") == 0, "a bad date: since");
	group_query(&(struct ask){ "seizure", { "month" }, .where = { { "commodity.category", "drugs" } } },
	    &g, conds);
	ok(refused(&g, &field) == CDN_EUSAGE && strcmp(field, "commodity.category") == 0,
	    "a value the enum never takes: its field");
	group_query(&(struct ask){ "seizure", { "month" }, .where = { { "colour", "red" } } }, &g, conds);
	ok(refused(&g, &field) == CDN_EUSAGE && strcmp(field, "colour") == 0, "no such field: its name");
	group_query(&(struct ask){ "seizure", { "detection" } }, &g, conds);
	g.read_max = 100;
	ok(refused(&g, &field) == CDN_EINVAL && strcmp(field, "detection") == 0,
	    "a key without an index over more records than the budget: refused, naming it");
	group_query(&(struct ask){ "seizure", { "detection" }, .since = "2000-01-01" }, &g, conds);
	g.read_max = 100;
	ok(refused(&g, &field) == CDN_EINVAL && strcmp(field, "detection") == 0,
	    "and when only reading tells (a time window): refused once past the budget");
	g.read_max = 0;
	group_query(&(struct ask){ "seizure", { "detection" }, .where = { { "route", "R-3" } } }, &g, conds);
	g.read_max = 1000;
	{
		struct cdn_txn *txn;
		json_t *out = NULL;

		cdn_txn_begin(st, CDN_TXN_READ, &txn);
		ok(cdn_stats_group(txn, &g, &out) == 0 && json_integer_value(json_object_get(out, "read")) > 0,
		    "within the budget, a key without an index is counted from the records");
		json_decref(out);
		cdn_txn_abort(txn);
	}
	g.nby = 0;
	ok(refused(&g, &field) == CDN_EUSAGE && strcmp(field, "by") == 0, "no key: by");

	gs.st = st;	/* upgrade() opened it again */
	genstore_remove(&gs);
	return done_testing();
}
