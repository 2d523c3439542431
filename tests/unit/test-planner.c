/*
 * test-planner.c - the query planner answers from indexes what reading
 * every record would answer. Over a generated store, random conjunctions
 * of conditions (fields whose index alone decides them, fields it only
 * narrows, fields without an index, a tag, date windows from a day to
 * years, the seizures linked to an entity in a window) are asked through
 * cdn_query_run and cdn_query_count, whole and a page at a time, and
 * compared with an oracle written here: every seizure and link read from
 * the store and each condition checked on their JSON. Every seizure's time
 * in the index of seizures by id (IX_SEIZED) is its occurred_at.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cordon/check.h"
#include "cordon/gen.h"
#include "cordon/import.h"
#include "cordon/query.h"
#include "internal.h"
#include "genstore.h"
#include "tap.h"

#define NQ 750
#define MAXREC 8192
#define MAXLINK 16384

static json_t *recs[MAXREC];	/* every seizure, parsed, by position */
static size_t nrecs;
static char links[MAXLINK][2][24];	/* every link's from and to */
static size_t nlinks;

static int
keep_link(void *arg, const char *json, size_t len)
{
	json_t *l = NULL;

	cdn_record_parse(json, len, &l);

	(void)arg;
	if (l && nlinks < MAXLINK) {
		snprintf(links[nlinks][0], 24, "%s", json_string_value(json_object_get(l, "from")));
		snprintf(links[nlinks][1], 24, "%s", json_string_value(json_object_get(l, "to")));
		nlinks++;
	}
	json_decref(l);
	return 0;
}

/* The other ends of the links of the query's linked record, made once
 * per query (linked_set), and whether `id` is one of them. */
static const char *ends[MAXLINK];
static size_t nends;

static void
linked_set(const char *to)
{
	nends = 0;
	for (size_t i = 0; to && i < nlinks; i++)
		if (strcmp(links[i][0], to) == 0)
			ends[nends++] = links[i][1];
		else if (strcmp(links[i][1], to) == 0)
			ends[nends++] = links[i][0];
}

static int
linked_to(const char *id)
{
	for (size_t i = 0; i < nends; i++)
		if (strcmp(ends[i], id) == 0)
			return 1;
	return 0;
}

static int
keep(void *arg, const char *json, size_t len)
{
	(void)arg;
	if (nrecs < MAXREC && cdn_record_parse(json, len, &recs[nrecs]) == 0)
		nrecs++;
	return 0;
}

static json_t *
at(json_t *rec, const char *path)
{
	char buf[128], *save = NULL;

	snprintf(buf, sizeof buf, "%s", path);
	for (char *p = strtok_r(buf, ".", &save); p && rec; p = strtok_r(NULL, ".", &save))
		rec = json_object_get(rec, p);
	return rec;
}

/* The oracle's `path`=`value`: the string, or an array holding it. */
static int
holds(json_t *rec, const char *path, const char *value)
{
	json_t *v = at(rec, path), *item;
	size_t i;

	if (json_is_array(v)) {
		json_array_foreach(v, i, item)
			if (json_is_string(item) && strcmp(json_string_value(item), value) == 0)
				return 1;
		return 0;
	}
	return json_is_string(v) && strcmp(json_string_value(v), value) == 0;
}

static int
oracle(const struct cdn_query *q, json_t *rec, int64_t lo, int64_t hi)
{
	int64_t t;

	for (size_t i = 0; i < q->nwhere; i++)
		if (!holds(rec, q->where[i].path, q->where[i].value))
			return 0;
	if (q->tag && !holds(rec, "tags", q->tag))
		return 0;
	if (q->linked && !linked_to(json_string_value(json_object_get(rec, "id"))))
		return 0;
	if (q->since || q->until) {
		if (cdn_time_parse(json_string_value(json_object_get(rec, "occurred_at")), &t, NULL) != 0)
			return 0;
		if ((q->since && t < lo) || (q->until && t > hi))
			return 0;
	}
	return 1;
}

struct ids {
	char *s;
	size_t len;
};

static int
add_id(void *arg, json_t *rec)
{
	struct ids *x = arg;
	const char *id = json_string_value(json_object_get(rec, "id"));
	char *n = realloc(x->s, x->len + strlen(id) + 2);

	if (!n)
		return -1;
	x->len += (size_t)sprintf(n + x->len, "%s ", id);
	x->s = n;
	return 0;
}

static const char *const categories[] = { "narcotics", "wildlife", "tobacco", "counterfeit" };
static const char *const countries[] = { "VN", "LA", "KH", "TH", "CN", "MY" };
static const char *const modes[] = { "sea", "air", "road", "post", "rail" };
static const char *const methods[] = { "in_goods", "false_compartment", "body", "baggage", "misdeclared" };
static const char *const units[] = { "kg", "pcs" };
static const char *const tags[] = { "cites-i", "cites-ii", "controlled-delivery", "repeat" };

int
main(void)
{
	struct cdn_gen_opts g = { .seed = 11, .seizures = 4000, .cases = 150, .with_entities = 1 };
	struct genstore gs;
	struct cdn_txn *txn;
	unsigned r = 777;
	int bad_ids = 0, bad_count = 0, bad_page = 0, nonempty = 0, linked = 0, shapes[5] = { 0 };

	if (genstore_make(&gs, "test-planner", &g) != 0)
		return 99;
	if (cdn_txn_begin(gs.st, CDN_TXN_READ, &txn) != 0 ||
	    cdn_scan_raw(txn, CDN_SEIZURE, keep, NULL) != 0) {
		fprintf(stderr, "setup: %s\n", cdn_error_last()->message);
		return 99;
	}
	ok(nrecs == gs.res.created[CDN_SEIZURE] && nrecs > 1000, "the oracle holds all %zu seizures", nrecs);
	r = (unsigned)cdn_scan_raw(txn, CDN_LINK, keep_link, NULL);
	ok(r == 0 && nlinks > 100 && nlinks == gs.res.created[CDN_LINK], "and all %zu links", nlinks);
	r = 777;
	{
		MDB_cursor *cur;
		int wrong = 0;

		if (mdb_cursor_open(txn->txn, txn->st->idx, &cur) != 0)
			return 99;
		for (size_t k = 0; k < nrecs; k++) {
			struct cdn_id id;
			int64_t t, want;

			if (cdn_id_parse(json_string_value(json_object_get(recs[k], "id")), &id) != 0 ||
			    cdn_time_parse(json_string_value(json_object_get(recs[k], "occurred_at")),
			    &want, NULL) != 0 || cdn_seized_at(cur, id.seq, &t) != 1 || t != want)
				wrong++;
		}
		mdb_cursor_close(cur);
		ok(wrong == 0, "every seizure's time is in the index of seizures by id (%d wrong)",
		    wrong);
	}

	for (int i = 0; i < NQ; i++) {
		struct cdn_cond conds[3];
		struct cdn_query q = { .kind = CDN_SEIZURE, .where = conds };
		char since[32], until[32], after[32];
		struct ids got = { 0 }, want = { 0 }, paged = { 0 };
		size_t count = 0, nwant = 0;
		int64_t lo = 0, hi = 0;
		int shape = i % 5;

		r = r * 1103515245 + 12345;
		/* Shapes: decided by indexes alone; one only narrowed (a field
		 * without an index); a tag; a date window alone; and the
		 * seizures linked to one end of a link (an entity, mostly). */
		if (shape == 4) {
			const char *e = links[(r >> 4) % nlinks][0];

			q.linked = e[0] == 'S' ? links[(r >> 4) % nlinks][1] : e;
		} else if (shape != 3) {
			conds[q.nwhere++] = (struct cdn_cond){ "commodity.category", categories[(r >> 4) % 4] };
			if ((r >> 7) % 2)
				conds[q.nwhere++] = (struct cdn_cond){ "location.country", countries[(r >> 8) % 6] };
			if ((r >> 11) % 2)
				conds[q.nwhere++] = (struct cdn_cond){ "transport_mode", modes[(r >> 12) % 5] };
		}
		if (shape == 1 && q.nwhere < 3)
			conds[q.nwhere++] = (r >> 15) % 2 ?
			    (struct cdn_cond){ "concealment.method", methods[(r >> 16) % 5] } :
			    (struct cdn_cond){ "quantity.unit", units[(r >> 16) % 2] };
		if (shape == 2)
			q.tag = tags[(r >> 15) % 4];
		/* A window of a day, a month, a year or several, or none. */
		if (shape == 3 || (r >> 19) % 3) {
			static const int spans[] = { 0, 1, 30, 365, 1500 };
			int y = 2019 + (int)(r >> 22) % 6, m = 1 + (int)(r >> 25) % 12;
			int span = spans[(r >> 28) % 5];

			snprintf(since, sizeof since, "%04d-%02d-%02d", y, m, 1 + (int)(r >> 3) % 28);
			if (cdn_time_parse(since, &lo, NULL) != 0)
				return 99;
			hi = lo + (int64_t)span * 86400 + 86399;
			cdn_time_format(hi, until);
			if ((r >> 30) % 4 != 0)
				q.since = since;
			if ((r >> 30) % 4 != 1)
				q.until = until;
		}
		shapes[shape]++;
		linked_set(q.linked);
		for (size_t k = 0; k < nrecs; k++)
			if (oracle(&q, recs[k], lo, hi) && add_id(&want, recs[k]) == 0)
				nwant++;
		if (cdn_query_run(txn, &q, add_id, &got) != 0 || cdn_query_count(txn, &q, &count) != 0) {
			diag("query %d: %s", i, cdn_error_last()->message);
			bad_ids++;
			continue;
		}
		if (strcmp(got.s ? got.s : "", want.s ? want.s : "") != 0) {
			bad_ids++;
			diag("query %d: ids '%.80s' want '%.80s'", i, got.s ? got.s : "", want.s ? want.s : "");
		}
		if (count != nwant) {
			bad_count++;
			diag("query %d: count %zu want %zu", i, count, nwant);
		}
		/* The same a page of 7 at a time, each from the last id. */
		q.limit = 7;
		for (size_t pages = 0; pages <= nrecs / 7 + 1; pages++) {
			size_t before = paged.len;

			if (cdn_query_run(txn, &q, add_id, &paged) != 0 || paged.len == before)
				break;
			paged.s[paged.len - 1] = '\0';
			snprintf(after, sizeof after, "%s", strrchr(paged.s, ' ') ? strrchr(paged.s, ' ') + 1 :
			    paged.s);
			paged.s[paged.len - 1] = ' ';
			q.after = after;
		}
		if (strcmp(paged.s ? paged.s : "", want.s ? want.s : "") != 0)
			bad_page++;
		nonempty += nwant > 0;
		linked += shape == 4 && nwant > 0;
		free(got.s);
		free(want.s);
		free(paged.s);
	}
	{
		struct cdn_query all = { .kind = CDN_SEIZURE };
		size_t n = 0;

		int rc = cdn_query_count(txn, &all, &n);

		ok(rc == 0 && n == nrecs, "a count without conditions is every seizure (%zu)", n);
	}
	ok(nonempty > NQ / 4, "%d of %d queries have answers (shapes %d/%d/%d/%d/%d)", nonempty, NQ,
	    shapes[0], shapes[1], shapes[2], shapes[3], shapes[4]);
	ok(linked > NQ / 20, "%d queries of linked seizures have answers", linked);
	ok(bad_ids == 0, "every query lists what reading every record lists (%d differ)", bad_ids);
	ok(bad_count == 0, "every count is the oracle's (%d differ)", bad_count);
	ok(bad_page == 0, "pages of 7 list the same records (%d differ)", bad_page);

	cdn_txn_abort(txn);
	for (size_t k = 0; k < nrecs; k++)
		json_decref(recs[k]);
	genstore_remove(&gs);
	return done_testing();
}
