/*
 * bench-query.c - the queries officers and analysts ask of seizures,
 * answered by cordon and by SQLite holding the same records with the same
 * indexes, in one run:
 *
 *   bench-query [--seizures N | --quick] [--store DIR] [--rounds R]
 *
 * The data set is the generator's (cases, seizures, entities, routes and
 * links). SQLite gets a table of seizures with a column for each field
 * the queries filter on, indexed where cordon has an exact index (case,
 * date, category, country, transport mode, route), not where it has none
 * (concealment method, detection, office); a table of tags and one of
 * links, both indexed. Each query is asked for its first page (100
 * records, in id order: cordon's records parsed, SQLite's JSON text as
 * stored) and for its count, R times each; the table gives p50 and p99 in
 * milliseconds and the ratio of SQLite's p50 to cordon's (above 1: cordon
 * is faster). The two counts of every query must agree, or the exit
 * status is 1. The stores are kept in DIR/N (--store DIR, default
 * ./bench-query-store) and reused by the next run of the same size.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>
#include <sqlite3.h>

#include "bench.h"
#include "cordon/check.h"
#include "cordon/error.h"
#include "cordon/gen.h"
#include "cordon/import.h"
#include "cordon/query.h"
#include "cordon/stats.h"
#include "cordon/store.h"

#define DEFAULT_SEIZURES	1000000ULL
#define QUICK_SEIZURES		100000ULL
#define GEN_SEED		20240604ULL
#define PAGE			100
#define MAX_ROUNDS		200
#define ROUND_BUDGET		3.0	/* seconds a query's rounds may take, after the third */

struct bq {
	const char *name;
	struct cdn_cond where[3];
	size_t nwhere;
	const char *since, *until, *tag, *linked;
	const char *sql;		/* the same condition over seizure s */
	const char *by;			/* a dashboard aggregate: cdn_stats_group by this */
};

/* SQLite's date bounds are epoch seconds: the strings below, as cordon
 * reads them (a bare date as --until is the whole day). */
static const struct bq queries[] = {
	{ "country, one day", { { "location.country", "VN" } }, 1, "2024-01-01", "2024-01-02", NULL, NULL,
	  "country = 'VN' AND occurred_at BETWEEN 1704067200 AND 1704239999", NULL },
	{ "category and mode", { { "commodity.category", "wildlife" }, { "transport_mode", "air" } }, 2,
	  NULL, NULL, NULL, NULL, "category = 'wildlife' AND mode = 'air'", NULL },
	{ "category, one month", { { "commodity.category", "narcotics" } }, 1, "2024-03-01", "2024-03-31",
	  NULL, NULL, "category = 'narcotics' AND occurred_at BETWEEN 1709251200 AND 1711929599", NULL },
	{ "mode, one year", { { "transport_mode", "sea" } }, 1, "2023-01-01", "2023-12-31", NULL, NULL,
	  "mode = 'sea' AND occurred_at BETWEEN 1672531200 AND 1704067199", NULL },
	{ "one day", { { 0 } }, 0, "2024-06-01", "2024-06-01", NULL, NULL,
	  "occurred_at BETWEEN 1717200000 AND 1717286399", NULL },
	{ "one month", { { 0 } }, 0, "2024-06-01", "2024-06-30", NULL, NULL,
	  "occurred_at BETWEEN 1717200000 AND 1719791999", NULL },
	{ "one year", { { 0 } }, 0, "2023-01-01", "2023-12-31", NULL, NULL,
	  "occurred_at BETWEEN 1672531200 AND 1704067199", NULL },
	{ "category, country, mode", { { "commodity.category", "tobacco" }, { "location.country", "VN" },
	  { "transport_mode", "road" } }, 3, NULL, NULL, NULL, NULL,
	  "category = 'tobacco' AND country = 'VN' AND mode = 'road'", NULL },
	{ "concealment (no index)", { { "concealment.method", "body" } }, 1, NULL, NULL, NULL, NULL,
	  "method = 'body'", NULL },
	{ "detection and category", { { "detection", "x_ray" }, { "commodity.category", "narcotics" } }, 2,
	  NULL, NULL, NULL, NULL, "detection = 'x_ray' AND category = 'narcotics'", NULL },
	{ "office, one month", { { "location.office", "Lao Bao Border Gate Customs" } }, 1, "2024-06-01",
	  "2024-06-30", NULL, NULL, "office = 'Lao Bao Border Gate Customs' AND "
	  "occurred_at BETWEEN 1717200000 AND 1719791999", NULL },
	{ "tag", { { 0 } }, 0, NULL, NULL, "cites-i", NULL,
	  "s.id IN (SELECT id FROM tag WHERE tag = 'cites-i')", NULL },
	{ "tag and mode", { { "transport_mode", "air" } }, 1, NULL, NULL, "cites-i", NULL,
	  "mode = 'air' AND s.id IN (SELECT id FROM tag WHERE tag = 'cites-i')", NULL },
	{ "tag, one year", { { 0 } }, 0, "2024-01-01", "2024-12-31", "cites-i", NULL,
	  "occurred_at BETWEEN 1704067200 AND 1735689599 AND s.id IN (SELECT id FROM tag WHERE tag = 'cites-i')",
	  NULL },
	/* The entity linked to most seizures (found in SQLite): `?`. */
	{ "linked to an entity", { { 0 } }, 0, NULL, NULL, NULL, "?",
	  "sid IN (SELECT to_id FROM link WHERE from_id = ?1 UNION SELECT from_id FROM link WHERE to_id = ?1)",
	  NULL },
	{ "linked, one year", { { 0 } }, 0, "2024-01-01", "2024-12-31", NULL, "?",
	  "occurred_at BETWEEN 1704067200 AND 1735689599 AND sid IN (SELECT to_id FROM link WHERE from_id = ?1 "
	  "UNION SELECT from_id FROM link WHERE to_id = ?1)", NULL },
	{ "one case", { { "case", "C-7" } }, 1, NULL, NULL, NULL, NULL, "case_id = 'C-7'", NULL },
	{ "route", { { "route", "R-3" } }, 1, NULL, NULL, NULL, NULL, "route = 'R-3'", NULL },
	{ "route and category, one year", { { "route", "R-3" }, { "commodity.category", "narcotics" } }, 2,
	  "2024-01-01", "2024-12-31", NULL, NULL,
	  "route = 'R-3' AND category = 'narcotics' AND occurred_at BETWEEN 1704067200 AND 1735689599", NULL },
	{ "every seizure", { { 0 } }, 0, NULL, NULL, NULL, NULL, "1", NULL },
	{ "dashboard: by category", { { 0 } }, 0, NULL, NULL, NULL, NULL, "1", "commodity.category" },
	{ "dashboard: by mode, one year", { { 0 } }, 0, "2024-01-01", "2024-12-31", NULL, NULL,
	  "occurred_at BETWEEN 1704067200 AND 1735689599", "transport_mode" },
};
#define NQ (sizeof queries / sizeof queries[0])

static const char *const sql_column[][2] = {	/* a dashboard key's column */
	{ "commodity.category", "category" }, { "transport_mode", "mode" },
};

static void
die(const char *what)
{
	const struct cdn_error *e = cdn_error_last();

	fprintf(stderr, "bench-query: %s: %s\n", what, e->message[0] ? e->message : strerror(errno));
	exit(1);
}

static void
sql_die(sqlite3 *db, const char *what)
{
	fprintf(stderr, "bench-query: SQLite: %s: %s\n", what, sqlite3_errmsg(db));
	exit(1);
}

/* --- the stores ------------------------------------------------------------------- */

/* Import order gives ids: the n-th record of a kind is its n-th id. The
 * generator's refs are a letter and a number; map each to its id. */
struct refs {
	uint64_t *seq[26];
	size_t cap[26];
	uint64_t next[26];
};

static const char *
ref_id(struct refs *r, const char *ref, char *buf, size_t cap)
{
	unsigned long n;
	int l;

	if (!ref || ref[0] != '@' || ref[1] < 'a' || ref[1] > 'z')
		return ref;
	l = ref[1] - 'a';
	n = strtoul(ref + 2, NULL, 10);
	if (n >= r->cap[l] || !r->seq[l][n])
		return NULL;
	snprintf(buf, cap, "%c-%" PRIu64, ref[1] - 32, r->seq[l][n]);
	return buf;
}

static void
ref_add(struct refs *r, const char *ref)
{
	unsigned long n;
	int l;

	if (!ref || ref[0] < 'a' || ref[0] > 'z')
		return;
	l = ref[0] - 'a';
	n = strtoul(ref + 1, NULL, 10);
	if (n >= r->cap[l]) {
		size_t cap = n * 2 + 16;

		if ((r->seq[l] = realloc(r->seq[l], cap * sizeof *r->seq[l])) == NULL)
			die("out of memory");
		memset(r->seq[l] + r->cap[l], 0, (cap - r->cap[l]) * sizeof *r->seq[l]);
		r->cap[l] = cap;
	}
	r->seq[l][n] = ++r->next[l];
}

static const char *
str_at(json_t *rec, const char *a, const char *b)
{
	json_t *v = json_object_get(rec, a);

	return json_string_value(b ? json_object_get(v, b) : v);
}

static void
load_sqlite(const char *input, const char *path)
{
	static const char schema[] =
	    "CREATE TABLE seizure(id INTEGER PRIMARY KEY, sid TEXT, case_id TEXT, occurred_at INTEGER,"
	    " category TEXT, country TEXT, mode TEXT, route TEXT, method TEXT, detection TEXT,"
	    " office TEXT, body TEXT);"
	    "CREATE INDEX seizure_case ON seizure(case_id);"
	    "CREATE INDEX seizure_date ON seizure(occurred_at);"
	    "CREATE INDEX seizure_category ON seizure(category);"
	    "CREATE INDEX seizure_country ON seizure(country);"
	    "CREATE INDEX seizure_mode ON seizure(mode);"
	    "CREATE INDEX seizure_route ON seizure(route);"
	    "CREATE TABLE tag(tag TEXT, id INTEGER);"
	    "CREATE INDEX tag_tag ON tag(tag, id);"
	    "CREATE TABLE link(from_id TEXT, to_id TEXT);"
	    "CREATE INDEX link_from ON link(from_id);"
	    "CREATE INDEX link_to ON link(to_id);"
	    "BEGIN;";
	struct refs refs = { 0 };
	sqlite3 *db;
	sqlite3_stmt *ins, *tag, *lnk;
	char *line = NULL, a[32], b[32], c[32];
	size_t cap = 0;
	ssize_t len;
	FILE *f;

	if ((f = fopen(input, "r")) == NULL)
		die(input);
	if (sqlite3_open(path, &db) != SQLITE_OK || sqlite3_exec(db, schema, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO seizure VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", -1, &ins, NULL) ||
	    sqlite3_prepare_v2(db, "INSERT INTO tag VALUES (?,?)", -1, &tag, NULL) ||
	    sqlite3_prepare_v2(db, "INSERT INTO link VALUES (?,?)", -1, &lnk, NULL))
		sql_die(db, path);
	while ((len = getline(&line, &cap, f)) > 0) {
		json_t *rec = json_loadb(line, (size_t)len, 0, NULL), *t;
		const char *kind = str_at(rec, "kind", NULL);
		int64_t when = 0;
		size_t i;

		if (!rec || !kind)
			die("a line of the data set");
		ref_add(&refs, str_at(rec, "ref", NULL));
		if (strcmp(kind, "link") == 0) {
			sqlite3_bind_text(lnk, 1, ref_id(&refs, str_at(rec, "from", NULL), a, sizeof a), -1,
			    SQLITE_TRANSIENT);
			sqlite3_bind_text(lnk, 2, ref_id(&refs, str_at(rec, "to", NULL), b, sizeof b), -1,
			    SQLITE_TRANSIENT);
			if (sqlite3_step(lnk) != SQLITE_DONE)
				sql_die(db, "link");
			sqlite3_reset(lnk);
		} else if (strcmp(kind, "seizure") == 0) {
			uint64_t seq = refs.next['s' - 'a'];

			snprintf(c, sizeof c, "S-%" PRIu64, seq);
			if (cdn_time_parse(str_at(rec, "occurred_at", NULL), &when, NULL) != 0)
				die("occurred_at");
			sqlite3_bind_int64(ins, 1, (sqlite3_int64)seq);
			sqlite3_bind_text(ins, 2, c, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(ins, 3, ref_id(&refs, str_at(rec, "case", NULL), a, sizeof a), -1,
			    SQLITE_TRANSIENT);
			sqlite3_bind_int64(ins, 4, when);
			sqlite3_bind_text(ins, 5, str_at(rec, "commodity", "category"), -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(ins, 6, str_at(rec, "location", "country"), -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(ins, 7, str_at(rec, "transport_mode", NULL), -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(ins, 8, ref_id(&refs, str_at(rec, "route", NULL), b, sizeof b), -1,
			    SQLITE_TRANSIENT);
			sqlite3_bind_text(ins, 9, str_at(rec, "concealment", "method"), -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(ins, 10, str_at(rec, "detection", NULL), -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(ins, 11, str_at(rec, "location", "office"), -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(ins, 12, line, (int)len, SQLITE_STATIC);
			if (sqlite3_step(ins) != SQLITE_DONE)
				sql_die(db, "seizure");
			sqlite3_reset(ins);
			json_array_foreach(json_object_get(rec, "tags"), i, t) {
				sqlite3_bind_text(tag, 1, json_string_value(t), -1, SQLITE_TRANSIENT);
				sqlite3_bind_int64(tag, 2, (sqlite3_int64)seq);
				if (sqlite3_step(tag) != SQLITE_DONE)
					sql_die(db, "tag");
				sqlite3_reset(tag);
			}
		}
		json_decref(rec);
	}
	sqlite3_finalize(ins);
	sqlite3_finalize(tag);
	sqlite3_finalize(lnk);
	if (sqlite3_exec(db, "COMMIT; ANALYZE;", NULL, NULL, NULL) != SQLITE_OK)
		sql_die(db, "commit");
	sqlite3_close(db);
	fclose(f);
	free(line);
	for (int l = 0; l < 26; l++)
		free(refs.seq[l]);
}

static void
build(const char *dir, uint64_t seizures)
{
	char input[4096], store[4096], sql[4096];
	struct cdn_gen_opts g = { .seed = GEN_SEED, .seizures = seizures,
	    .cases = (unsigned)(seizures / 50 ? seizures / 50 : 1), .with_entities = 1 };
	struct cdn_import_opts io = { .format = CDN_IMPORT_JSONL };
	struct cdn_import_result res = { 0 };
	struct cdn_store *st;
	struct stat sb;
	FILE *f;
	double t0 = bench_now();

	snprintf(input, sizeof input, "%s/input.jsonl", dir);
	snprintf(store, sizeof store, "%s/cordon", dir);
	snprintf(sql, sizeof sql, "%s/sqlite.db", dir);
	if (stat(store, &sb) == 0 && stat(sql, &sb) == 0)
		return;
	fprintf(stderr, "bench-query: generating %" PRIu64 " seizures and loading both stores…\n", seizures);
	if ((f = fopen(input, "w")) == NULL || cdn_gen_write(f, &g) != 0 || fclose(f) != 0)
		die(input);
	if (cdn_store_init(store) != 0 || cdn_store_open(store, &st) != 0 ||
	    cdn_import_file(st, input, "bench", &io, &res) != 0)
		die(store);
	cdn_store_close(st);
	load_sqlite(input, sql);
	remove(input);
	fprintf(stderr, "bench-query: built in %.0f s\n", bench_now() - t0);
}

/* --- measuring ------------------------------------------------------------------- */

struct timing {
	double v[MAX_ROUNDS];
	int n;
};

static double
pct(struct timing *t, double p)
{
	return bench_quantile(t->v, (size_t)t->n, p) * 1e3;
}

static int
page_cb(void *arg, json_t *rec)
{
	(void)rec;
	(*(size_t *)arg)++;
	return 0;
}

/* One answer of query `x` by cordon: a page (what == 'p'), a count ('c')
 * or the aggregate; returns what it counted. */
static char hub[32];	/* the entity linked to most seizures */

static size_t
cordon_ask(struct cdn_store *st, const struct bq *x, int what)
{
	struct cdn_query q = { .kind = CDN_SEIZURE, .where = (struct cdn_cond *)x->where,
	    .nwhere = x->nwhere, .since = x->since, .until = x->until, .tag = x->tag,
	    .linked = x->linked ? hub : NULL };
	struct cdn_txn *txn;
	size_t n = 0;
	int rc;

	if (cdn_txn_begin(st, CDN_TXN_READ, &txn) != 0)
		die("a read transaction");
	if (x->by) {
		struct cdn_group_query g = { .q = q, .by = { x->by }, .nby = 1 };
		json_t *out = NULL;

		if ((rc = cdn_stats_group(txn, &g, &out)) == 0)
			n = (size_t)json_integer_value(json_object_get(out, "total"));
		json_decref(out);
	} else if (what == 'p') {
		q.limit = PAGE;
		rc = cdn_query_run(txn, &q, page_cb, &n);
	} else {
		rc = cdn_query_count(txn, &q, &n);
	}
	cdn_txn_abort(txn);
	if (rc != 0)
		die(x->name);
	return n;
}

static size_t
sql_ask(sqlite3_stmt *s)
{
	size_t n = 0;
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		/* A page's JSON text, or a count, or a group's count. */
		if (sqlite3_column_count(s) == 1 && sqlite3_column_type(s, 0) == SQLITE_TEXT)
			n += sqlite3_column_bytes(s, 0) > 0;
		else
			n += (size_t)sqlite3_column_int64(s, sqlite3_column_count(s) - 1);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return SIZE_MAX;
	return n;
}

int
main(int argc, char **argv)
{
	uint64_t seizures = DEFAULT_SEIZURES;
	const char *dir = NULL;
	char top[4000], store[4096], sql[4096], text[2048];
	int rounds = 20, bad = 0;
	struct cdn_store *st;
	sqlite3 *db;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--quick") == 0) {
			seizures = QUICK_SEIZURES;
		} else if (strcmp(argv[i], "--seizures") == 0 && i + 1 < argc) {
			seizures = strtoull(argv[++i], NULL, 10);
		} else if (strcmp(argv[i], "--store") == 0 && i + 1 < argc) {
			dir = argv[++i];
		} else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc) {
			rounds = atoi(argv[++i]);
		} else {
			fprintf(stderr, "usage: bench-query [--seizures N | --quick] [--store DIR] [--rounds R]\n"
			    "\nThe officers' and analysts' queries, cordon against SQLite with the same\n"
			    "indexes: first page and count, p50 and p99 (ms).\n");
			return strcmp(argv[i], "--help") == 0 ? 0 : 2;
		}
	}
	if (seizures == 0 || rounds < 3 || rounds > MAX_ROUNDS) {
		fprintf(stderr, "bench-query: --seizures above 0, --rounds 3 to %d\n", MAX_ROUNDS);
		return 2;
	}
	/* One pair of stores per size, kept for the next run. */
	snprintf(top, sizeof top, "%s/%" PRIu64, dir ? dir : "bench-query-store", seizures);
	mkdir(dir ? dir : "bench-query-store", 0700);
	mkdir(top, 0700);
	build(top, seizures);
	snprintf(store, sizeof store, "%s/cordon", top);
	snprintf(sql, sizeof sql, "%s/sqlite.db", top);
	if (cdn_store_open(store, &st) != 0)
		die(store);
	if (sqlite3_open_v2(sql, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		sql_die(db, sql);
	{
		sqlite3_stmt *s;

		if (sqlite3_prepare_v2(db, "SELECT from_id FROM link WHERE from_id LIKE 'E-%' AND to_id LIKE 'S-%'"
		    " GROUP BY from_id ORDER BY count(*) DESC, from_id LIMIT 1", -1, &s, NULL) != SQLITE_OK)
			sql_die(db, "links");
		snprintf(hub, sizeof hub, "%s", sqlite3_step(s) == SQLITE_ROW ?
		    (const char *)sqlite3_column_text(s, 0) : "E-1");
		sqlite3_finalize(s);
	}

	printf("bench-query: %" PRIu64 " seizures; first page of %d and count, %d rounds (ms)\n\n",
	    seizures, PAGE, rounds);
	printf("%-30s %9s | %15s %15s %7s | %15s %15s %7s\n", "query", "matches",
	    "cordon page", "SQLite page", "ratio", "cordon count", "SQLite count", "ratio");
	printf("%-30s %9s | %15s %15s %7s | %15s %15s %7s\n", "", "", "p50 / p99", "p50 / p99",
	    "SQL/cdn", "p50 / p99", "p50 / p99", "SQL/cdn");
	for (size_t i = 0; i < NQ; i++) {
		const struct bq *x = &queries[i];
		struct timing t[4] = { { { 0 }, 0 } };
		sqlite3_stmt *page = NULL, *count;
		size_t cn = 0, sn = 0;

		if (x->by) {
			const char *col = NULL;

			for (size_t k = 0; k < sizeof sql_column / sizeof sql_column[0]; k++)
				if (strcmp(sql_column[k][0], x->by) == 0)
					col = sql_column[k][1];
			snprintf(text, sizeof text, "SELECT %s, count(*) FROM seizure s WHERE %s GROUP BY 1",
			    col, x->sql);
		} else {
			snprintf(text, sizeof text, "SELECT body FROM seizure s WHERE %s ORDER BY id LIMIT %d",
			    x->sql, PAGE);
			if (sqlite3_prepare_v2(db, text, -1, &page, NULL) != SQLITE_OK)
				sql_die(db, x->name);
			if (x->linked)
				sqlite3_bind_text(page, 1, hub, -1, SQLITE_STATIC);
			snprintf(text, sizeof text, "SELECT count(*) FROM seizure s WHERE %s", x->sql);
		}
		if (sqlite3_prepare_v2(db, text, -1, &count, NULL) != SQLITE_OK)
			sql_die(db, x->name);
		if (x->linked)
			sqlite3_bind_text(count, 1, hub, -1, SQLITE_STATIC);
		/* Alternate the two, so that neither has the machine to itself. */
		for (int r = 0; r < rounds; r++) {
			double t0 = bench_now(), spent = 0;

			if (page) {
				cordon_ask(st, x, 'p');
				t[0].v[t[0].n++] = bench_now() - t0;
				t0 = bench_now();
				sql_ask(page);
				t[1].v[t[1].n++] = bench_now() - t0;
			}
			t0 = bench_now();
			cn = cordon_ask(st, x, 'c');
			t[2].v[t[2].n++] = bench_now() - t0;
			t0 = bench_now();
			sn = sql_ask(count);
			t[3].v[t[3].n++] = bench_now() - t0;
			for (int k = 0; k < 4; k++)
				for (int j = 0; j < t[k].n; j++)
					spent += t[k].v[j];
			if (r >= 2 && spent > ROUND_BUDGET)
				break;
		}
		if (cn != sn) {
			bad++;
			fprintf(stderr, "bench-query: %s: cordon counts %zu, SQLite %zu\n", x->name, cn, sn);
		}
		if (page) {
			double c50 = pct(&t[0], .5), s50 = pct(&t[1], .5);

			printf("%-30s %9zu | %6.2f / %6.2f %6.2f / %6.2f %7.2f |", x->name, cn, c50, pct(&t[0], .99),
			    s50, pct(&t[1], .99), s50 / c50);
		} else {
			printf("%-30s %9zu | %15s %15s %7s |", x->name, cn, "", "", "");
		}
		double c50 = pct(&t[2], .5), s50 = pct(&t[3], .5);

		printf(" %6.2f / %6.2f %6.2f / %6.2f %7.2f\n", c50, pct(&t[2], .99), s50, pct(&t[3], .99),
		    s50 / c50);
		fflush(stdout);
		sqlite3_finalize(page);
		sqlite3_finalize(count);
	}
	sqlite3_close(db);
	cdn_store_close(st);
	if (bad)
		fprintf(stderr, "bench-query: %d queries counted differently\n", bad);
	return bad ? 1 : 0;
}
