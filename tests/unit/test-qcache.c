/*
 * test-qcache.c - the query cache rule runs use must never change an
 * answer: every query asked with the cache attached (cold, then warm, and
 * from two threads at once) must return what it returns without it. The
 * queries are the shapes rules ask (an indexed field and a field without
 * an index, a time window, a linked id, a tag, a number summed up) over a
 * generated store with entities, routes and links.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cordon/gen.h"
#include "cordon/import.h"
#include "cordon/query.h"
#include "internal.h"
#include "qcache.h"
#include "genstore.h"
#include "tap.h"

#define NQ 400

static struct cdn_store *st;

/* One query, and what it answered without a cache. */
struct q {
	struct cdn_query q;
	struct cdn_cond conds[3];
	char val[3][64], since[32], until[32], linked[32], tag[32];
	size_t count;
	char *ids;		/* find: the ids, space-separated */
	struct cdn_stats stats;
};

static struct q qs[NQ];

static int
add_id(void *arg, json_t *rec)
{
	char **s = arg;
	const char *id = json_string_value(json_object_get(rec, "id"));
	size_t len = *s ? strlen(*s) : 0;
	char *n = realloc(*s, len + strlen(id) + 2);

	if (!n)
		return -1;
	sprintf(n + len, "%s ", id);
	*s = n;
	return 0;
}

/* Ask query `i` in `txn`; 1 if all three answers match the reference. */
static int
ask(struct cdn_txn *txn, struct q *x, int reference)
{
	size_t count = 0;
	char *ids = NULL;
	struct cdn_stats s;
	int same;

	if (cdn_query_count(txn, &x->q, &count) != 0 ||
	    cdn_query_run(txn, &x->q, add_id, &ids) != 0 ||
	    cdn_query_stats(txn, &x->q, "quantity.amount", &s) != 0) {
		free(ids);
		return 0;
	}
	if (reference) {
		x->count = count;
		x->ids = ids ? ids : strdup("");
		x->stats = s;
		return 1;
	}
	same = count == x->count && strcmp(ids ? ids : "", x->ids) == 0 && s.n == x->stats.n &&
	    s.sum == x->stats.sum && s.min == x->stats.min && s.max == x->stats.max;
	if (!same)
		diag("query %d: count %zu/%zu, ids '%.60s' / '%.60s', stats n %zu/%zu",
		    (int)(x - qs), count, x->count, ids ? ids : "", x->ids, s.n, x->stats.n);
	free(ids);
	return same;
}

static const char *const categories[] = { "narcotics", "wildlife", "tobacco", "counterfeit",
	"medicines", "currency" };
static const char *const methods[] = { "in_goods", "false_compartment", "body", "baggage",
	"misdeclared", "parcel", "vehicle", "none" };
static const char *const units[] = { "kg", "pcs", "g" };

static void
make_queries(size_t seizures, size_t entities, size_t routes)
{
	unsigned r = 12345;

	for (int i = 0; i < NQ; i++) {
		struct q *x = &qs[i];
		int shape = i % 5;

		memset(x, 0, sizeof *x);
		x->q.kind = CDN_SEIZURE;
		x->q.where = x->conds;
		r = r * 1103515245 + 12345;
		/* A window of 30 to 400 days somewhere in 2019-2025. */
		int y = 2019 + (int)(r >> 8) % 7, m = 1 + (int)(r >> 12) % 12, span = 30 + (int)(r >> 16) % 370;
		snprintf(x->since, sizeof x->since, "%04d-%02d-01", y, m);
		snprintf(x->until, sizeof x->until, "%04d-%02d-%02dT12:00:00Z", y + span / 365,
		    1 + (m + span / 30) % 12, 1 + span % 28);
		if (shape == 0 || shape == 3) {	/* route + method (+ window) */
			snprintf(x->val[0], 64, "R-%zu", 1 + (size_t)(r >> 4) % routes);
			x->conds[0] = (struct cdn_cond){ "route", x->val[0] };
			x->conds[1] = (struct cdn_cond){ "concealment.method", methods[(r >> 9) % 8] };
			x->q.nwhere = 2;
		} else if (shape == 1) {	/* route + category + unit, until */
			snprintf(x->val[0], 64, "R-%zu", 1 + (size_t)(r >> 4) % routes);
			x->conds[0] = (struct cdn_cond){ "route", x->val[0] };
			x->conds[1] = (struct cdn_cond){ "commodity.category", categories[(r >> 9) % 6] };
			x->conds[2] = (struct cdn_cond){ "quantity.unit", units[(r >> 13) % 3] };
			x->q.nwhere = 3;
		} else if (shape == 2) {	/* linked to an entity */
			snprintf(x->linked, sizeof x->linked, "E-%zu", 1 + (size_t)(r >> 4) % entities);
			x->q.linked = x->linked;
		} else {			/* a category and a tag-less window */
			x->conds[0] = (struct cdn_cond){ "commodity.category", categories[(r >> 9) % 6] };
			x->q.nwhere = 1;
		}
		if (shape != 1 || (r >> 20) % 2)
			x->q.since = x->since;
		if (shape != 3 || (r >> 21) % 2)
			x->q.until = x->until;
		if (i % 40 == 7) {		/* entities by tag, linked to one */
			memset(x, 0, sizeof *x);
			x->q.kind = CDN_ENTITY;
			snprintf(x->linked, sizeof x->linked, "E-%zu", 1 + (size_t)(r >> 4) % entities);
			x->q.linked = x->linked;
			x->q.tag = "known-offender";
		}
		(void)seizures;
	}
}

struct worker {
	struct cdn_txn *txn;
	int from, step, bad;
};

static void *
work(void *arg)
{
	struct worker *w = arg;

	for (int i = w->from; i < NQ; i += w->step)
		if (!ask(w->txn, &qs[i], 0))
			w->bad++;
	return NULL;
}

int
main(void)
{
	struct cdn_gen_opts g = { .seed = 7, .seizures = 3000, .cases = 200, .with_entities = 1 };
	struct genstore gs;
	struct cdn_import_result res;
	struct cdn_txn *plain, *t1, *t2;
	struct cdn_qcache *qc;
	size_t nent = 0, nroutes = 0, full, small;
	int bad = 0;

	if (genstore_make(&gs, "test-qcache", &g) != 0)
		return 99;
	st = gs.st;
	res = gs.res;
	ok(res.created[CDN_LINK] > 0 && res.created[CDN_ROUTE] > 0, "a store with %llu seizures, "
	    "%llu entities, %llu routes, %llu links", (unsigned long long)res.created[CDN_SEIZURE],
	    (unsigned long long)res.created[CDN_ENTITY], (unsigned long long)res.created[CDN_ROUTE],
	    (unsigned long long)res.created[CDN_LINK]);
	nent = res.created[CDN_ENTITY];
	nroutes = res.created[CDN_ROUTE];
	make_queries(res.created[CDN_SEIZURE], nent, nroutes);

	/* The reference answers, without a cache. */
	if (cdn_txn_begin(st, CDN_TXN_READ, &plain) != 0)
		return 99;
	for (int i = 0; i < NQ; i++)
		if (!ask(plain, &qs[i], 1))
			bad++;
	ok(bad == 0, "%d queries answered without a cache", NQ);
	{
		size_t nonzero = 0;

		for (int i = 0; i < NQ; i++)
			nonzero += qs[i].count > 0;
		ok(nonzero > NQ / 10, "many queries find something (%zu of %d), so the comparison means "
		    "something", nonzero, NQ);
	}

	/* The same with a cache: cold, then warm. */
	qc = cdn_qcache_new((size_t)64 << 20);
	cdn_txn_set_qcache(plain, qc);
	for (int pass = 0; pass < 2; pass++) {
		bad = 0;
		for (int i = 0; i < NQ; i++)
			if (!ask(plain, &qs[i], 0))
				bad++;
		ok(bad == 0, "with the cache %s, every answer is the same (%d differ)",
		    pass ? "warm" : "cold", bad);
	}
	full = cdn_qcache_bytes(qc);
	ok(full > 0 && full <= (size_t)64 << 20, "the cache holds %zu bytes, within its budget", full);
	cdn_txn_set_qcache(plain, NULL);
	cdn_qcache_free(qc);

	/* A budget of a third of what these queries fill: the cache stops
	 * growing, answers stay right. A table may grow (double) once past the
	 * check of the budget, so it may end up to twice the budget, never
	 * more. */
	small = full / 3;
	qc = cdn_qcache_new(small);
	cdn_txn_set_qcache(plain, qc);
	bad = 0;
	for (int i = 0; i < NQ; i++)
		if (!ask(plain, &qs[i], 0))
			bad++;
	ok(bad == 0, "with a cache out of room, every answer is the same (%d differ)", bad);
	ok(cdn_qcache_bytes(qc) <= 2 * small, "and it holds %zu bytes for a budget of %zu: at most "
	    "one table's growth over it", cdn_qcache_bytes(qc), small);
	cdn_txn_set_qcache(plain, NULL);
	cdn_qcache_free(qc);
	cdn_txn_abort(plain);

	/* Two threads, one cache, one snapshot, filling it at once. */
	qc = cdn_qcache_new((size_t)64 << 20);
	if (cdn_txn_begin(st, CDN_TXN_READ, &t1) != 0 || cdn_txn_begin(st, CDN_TXN_READ, &t2) != 0)
		return 99;
	cdn_txn_set_qcache(t1, qc);
	cdn_txn_set_qcache(t2, qc);
	{
		struct worker w[2] = { { t1, 0, 1, 0 }, { t2, 0, 1, 0 } };
		pthread_t th[2];

		w[1].from = 0;
		for (int i = 0; i < 2; i++)
			pthread_create(&th[i], NULL, work, &w[i]);
		for (int i = 0; i < 2; i++)
			pthread_join(th[i], NULL);
		ok(w[0].bad == 0 && w[1].bad == 0, "two threads sharing a cold cache get the same "
		    "answers (%d, %d differ)", w[0].bad, w[1].bad);
	}
	cdn_txn_abort(t1);
	cdn_txn_abort(t2);
	cdn_qcache_free(qc);

	{
		struct cdn_txn *w;

		ok(cdn_txn_begin(st, CDN_TXN_WRITE, &w) == 0, "a write transaction");
		qc = cdn_qcache_new(1 << 20);
		cdn_txn_set_qcache(w, qc);
		ok(cdn_txn_qcache(w) == NULL, "refuses a cache (it would go stale under its writes)");
		cdn_txn_abort(w);
		cdn_qcache_free(qc);
	}

	for (int i = 0; i < NQ; i++)
		free(qs[i].ids);
	genstore_remove(&gs);
	return done_testing();
}
