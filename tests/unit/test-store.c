/*
 * test-store.c - the store, records, validation through the record API,
 * indexes (through the queries that use them) and the audit chain.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cordon/audit.h"
#include "cordon/check.h"
#include "cordon/query.h"
#include "internal.h"
#include "tap.h"
#include "uuid.h"

static struct cdn_store *st;
static char dir[] = "/tmp/cordon-test-XXXXXX";

static json_t *
J(const char *text)
{
	json_error_t e;
	json_t *v = json_loads(text, 0, &e);

	if (!v) {
		fprintf(stderr, "bad test JSON: %s: %s\n", text, e.text);
		exit(99);
	}
	return v;
}

/* Create a record in its own transaction; returns its id (static buffer)
 * or NULL, leaving the error in cdn_error_last(). */
static const char *
create(enum cdn_kind kind, const char *text)
{
	static char id[CDN_ID_MAX];
	struct cdn_txn *txn;
	json_t *in = J(text), *out = NULL;
	int rc;

	if (cdn_txn_begin(st, CDN_TXN_WRITE, &txn) != 0)
		return NULL;
	cdn_txn_set_user(txn, "tester");
	rc = cdn_record_create(txn, kind, in, 0, &out);
	json_decref(in);
	if (rc != 0) {
		cdn_txn_abort(txn);
		return NULL;
	}
	snprintf(id, sizeof id, "%s", json_string_value(json_object_get(out, "id")));
	json_decref(out);
	return cdn_txn_commit(txn) == 0 ? id : NULL;
}

/* Expect a create to fail on `field` with a message containing `part`. */
static void
rejects(enum cdn_kind kind, const char *text, const char *field, const char *part)
{
	const char *id = create(kind, text);
	const struct cdn_error *e = cdn_error_last();
	int good = !id && strcmp(e->field, field) == 0 && strstr(e->message, part);

	ok(good, "rejects %s: %s", field, part);
	if (!good)
		diag("got id=%s field='%s' message='%s'", id ? id : "-", e->field, e->message);
}

static json_t *
get(const char *id)
{
	struct cdn_txn *txn;
	json_t *rec = NULL;

	cdn_txn_begin(st, CDN_TXN_READ, &txn);
	cdn_record_get(txn, id, &rec);
	cdn_txn_abort(txn);
	return rec;
}

static int
update(const char *id, const char *patch, int64_t ifv)
{
	struct cdn_txn *txn;
	json_t *p = J(patch);
	int rc;

	cdn_txn_begin(st, CDN_TXN_WRITE, &txn);
	rc = cdn_record_update(txn, id, p, ifv, NULL);
	json_decref(p);
	if (rc == 0)
		return cdn_txn_commit(txn);
	cdn_txn_abort(txn);
	return rc;
}

static int
del(const char *id)
{
	struct cdn_txn *txn;
	int rc;

	cdn_txn_begin(st, CDN_TXN_WRITE, &txn);
	if ((rc = cdn_record_delete(txn, id)) == 0)
		return cdn_txn_commit(txn);
	cdn_txn_abort(txn);
	return rc;
}

static int
collect_ids(void *arg, json_t *rec)
{
	char *buf = arg;

	strcat(buf, json_string_value(json_object_get(rec, "id")));
	strcat(buf, " ");
	return 0;
}

static void
list_is(struct cdn_query *q, const char *want, const char *what)
{
	struct cdn_txn *txn;
	char buf[4096] = "";
	int rc;

	cdn_txn_begin(st, CDN_TXN_READ, &txn);
	rc = cdn_query_run(txn, q, collect_ids, buf);
	cdn_txn_abort(txn);
	if (rc != 0)
		diag("query failed: %s", cdn_error_last()->message);
	is_str(buf, want, what);
}

static void
where_is(enum cdn_kind kind, const char *path, const char *value, const char *want)
{
	struct cdn_cond c = { path, value };
	struct cdn_query q = { .kind = kind, .where = &c, .nwhere = 1 };
	char what[200];

	snprintf(what, sizeof what, "list %s --where %s=%s", cdn_kind_info(kind)->name, path, value);
	list_is(&q, want, what);
}

static int verify_problems;
static char verify_last[300];	/* "where: problem" of the last problem */

static void
count_problem(void *arg, const char *where, const char *problem)
{
	(void)arg;
	verify_problems++;
	snprintf(verify_last, sizeof verify_last, "%s: %s", where, problem);
	diag("%s", verify_last);
}

static int
verify(void)
{
	struct cdn_txn *txn;
	int rc;

	verify_problems = 0;
	cdn_txn_begin(st, CDN_TXN_READ, &txn);
	rc = cdn_audit_verify(txn, count_problem, NULL, NULL);
	cdn_txn_abort(txn);
	return rc;
}

/* Overwrite (or with NULL delete) audit entry `seq` behind the store's
 * back, as an attacker with file access would. */
static void
tamper(uint64_t seq, const char *text)
{
	unsigned char key[8];
	MDB_txn *t;
	MDB_val k = { 8, key }, v;

	cdn_be64(key, seq);
	mdb_txn_begin(st->env, NULL, 0, &t);
	if (text) {
		v.mv_size = strlen(text);
		v.mv_data = (void *)text;
		mdb_put(t, st->audit, &k, &v, 0);
	} else {
		mdb_del(t, st->audit, &k, NULL);
	}
	mdb_txn_commit(t);
}

/* Overwrite (or with NULL delete) record `id` behind the store's back. */
static void
tamper_record(const char *id, const char *text)
{
	unsigned char key[CDN_RKEY_LEN];
	struct cdn_id rid;
	MDB_txn *t;
	MDB_val k = { CDN_RKEY_LEN, key }, v;

	cdn_id_parse(id, &rid);
	cdn_rkey(rid, key);
	mdb_txn_begin(st->env, NULL, 0, &t);
	if (text) {
		v.mv_size = strlen(text);
		v.mv_data = (void *)text;
		mdb_put(t, st->recs, &k, &v, 0);
	} else {
		mdb_del(t, st->recs, &k, NULL);
	}
	mdb_txn_commit(t);
}

static char *
record_bytes(const char *id)
{
	struct cdn_txn *txn;
	struct cdn_id rid;
	const char *json;
	size_t len;
	char *s = NULL;

	cdn_id_parse(id, &rid);
	if (cdn_txn_begin(st, CDN_TXN_READ, &txn) != 0)
		return NULL;
	if (cdn_record_get_raw(txn, rid, &json, &len) == 0 && cdn_record_text(json, len, &s, &len) != 0)
		s = NULL;
	cdn_txn_abort(txn);
	return s;
}

static char *
audit_entry(uint64_t seq)
{
	unsigned char key[8];
	MDB_txn *t;
	MDB_val k = { 8, key }, v;
	char *s = NULL;

	cdn_be64(key, seq);
	mdb_txn_begin(st->env, NULL, MDB_RDONLY, &t);
	if (mdb_get(t, st->audit, &k, &v) == 0)
		s = strndup(v.mv_data, v.mv_size);
	mdb_txn_abort(t);
	return s;
}

int
main(void)
{
	char path[64], casebuf[CDN_ID_MAX], c2[CDN_ID_MAX], s1[CDN_ID_MAX], e1[CDN_ID_MAX];
	const char *id;
	json_t *rec;

	if (!mkdtemp(dir))
		return 99;
	snprintf(path, sizeof path, "%s/store", dir);

	/* --- init and open --- */
	ok(cdn_store_open(path, &st) == CDN_ENOTSTORE, "open of a missing store is refused");
	ok(access(path, F_OK) != 0, "and creates nothing");
	ok(cdn_store_init(path) == 0, "init creates a store");
	ok(cdn_store_init(path) == CDN_EEXIST, "init on an existing store is refused");
	char keypath[96];
	snprintf(keypath, sizeof keypath, "%s/signing.key", path);
	struct stat sb;
	ok(stat(keypath, &sb) == 0 && (sb.st_mode & 077) == 0, "signing key exists with mode 0600");
	snprintf(keypath, sizeof keypath, "%s/evidence.git/HEAD", path);
	ok(access(keypath, F_OK) == 0, "evidence repository exists");
	ok(cdn_store_open(path, &st) == 0, "open the new store");
	ok(strlen(cdn_store_uuid(st)) == 36 && cdn_store_uuid(st)[14] == '4', "store has a v4 UUID");
	{
		/* RFC 4122's DNS namespace: what Python's uuid.uuid5 gives. */
		char u[CDN_UUID_LEN + 1];

		ok(cdn_uuid5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "python.org", 10, u) == 0 &&
		    strcmp(u, "886313e1-3b8a-5372-9b90-0c9aee199e5d") == 0,
		    "a version 5 UUID is the standard one (%s)", u);
	}

	/* --- create and read --- */
	id = create(CDN_CASE, "{\"title\":\"Heroin in blower consignment\"}");
	ok(id && strcmp(id, "C-1") == 0, "first case is C-1");
	snprintf(casebuf, sizeof casebuf, "%s", id ? id : "");
	rec = get("C-1");
	is_str(json_string_value(json_object_get(rec, "status")), "open", "status defaults to open");
	is_str(json_string_value(json_object_get(rec, "tlp")), "amber", "tlp defaults to amber");
	ok(json_integer_value(json_object_get(rec, "version")) == 1, "version 1 on create");
	is_str(json_string_value(json_object_get(rec, "created_by")), "tester", "created_by is the acting user");
	ok(json_is_array(json_object_get(rec, "tags")), "tags present as an array");
	is_str(json_string_value(json_object_get(rec, "kind")), "case", "kind is case");
	json_decref(rec);

	id = create(CDN_CASE, "{\"title\":\"Ivory in cashew nuts\",\"status\":\"investigating\",\"tags\":[\"op-mekong\"]}");
	snprintf(c2, sizeof c2, "%s", id ? id : "");
	ok(strcmp(c2, "C-2") == 0, "second case is C-2");

	/* --- validation --- */
	rejects(CDN_CASE, "{}", "title", "required");
	rejects(CDN_CASE, "{\"title\":\"\"}", "title", "empty");
	rejects(CDN_CASE, "{\"title\":\"x\",\"titel\":\"typo\"}", "titel", "unknown field");
	rejects(CDN_CASE, "{\"title\":\"x\",\"status\":\"done\"}", "status", "not one of");
	rejects(CDN_CASE, "{\"title\":\"x\",\"tlp\":\"white\"}", "tlp", "not one of");
	rejects(CDN_CASE, "{\"title\":\"x\",\"opened_on\":\"2023-02-29\"}", "opened_on", "");
	rejects(CDN_CASE, "{\"title\":\"x\",\"id\":\"C-9\"}", "id", "read-only");
	rejects(CDN_CASE, "{\"title\":\"x\",\"version\":3}", "version", "read-only");
	rejects(CDN_CASE, "{\"title\":42}", "title", "must be a string");
	rejects(CDN_SEIZURE, "{\"case\":\"C-1\",\"occurred_at\":\"2024-05-12\"}", "commodity", "required");
	rejects(CDN_SEIZURE, "{\"case\":\"C-99\",\"occurred_at\":\"2024-05-12\",\"commodity\":{\"category\":\"wildlife\"}}",
	    "case", "no record C-99");
	rejects(CDN_SEIZURE, "{\"case\":\"E-1\",\"occurred_at\":\"2024-05-12\",\"commodity\":{\"category\":\"wildlife\"}}",
	    "case", "must be a case id");
	rejects(CDN_SEIZURE, "{\"case\":\"C-1\",\"occurred_at\":\"2024-05-12\",\"commodity\":{\"category\":\"ivory\"}}",
	    "commodity.category", "not one of");
	rejects(CDN_SEIZURE, "{\"case\":\"C-1\",\"occurred_at\":\"2024-05-12\",\"commodity\":{\"category\":\"wildlife\"},"
	    "\"quantity\":{\"amount\":0,\"unit\":\"kg\"}}", "quantity.amount", "greater than 0");
	rejects(CDN_SEIZURE, "{\"case\":\"C-1\",\"occurred_at\":\"2024-05-12\",\"commodity\":{\"category\":\"wildlife\"},"
	    "\"quantity\":{\"amount\":3,\"unit\":\"lbs\"}}", "quantity.unit", "not one of");
	rejects(CDN_SEIZURE, "{\"case\":\"C-1\",\"occurred_at\":\"2024-05-12\",\"commodity\":{\"category\":\"wildlife\"},"
	    "\"value\":{\"amount\":10,\"currency\":\"XYZ\"}}", "value.currency", "");
	rejects(CDN_SEIZURE, "{\"case\":\"C-1\",\"occurred_at\":\"2024-05-12\",\"commodity\":{\"category\":\"wildlife\"},"
	    "\"location\":{\"country\":\"XX\"}}", "location.country", "");
	rejects(CDN_SEIZURE, "{\"case\":\"C-1\",\"occurred_at\":\"2024-05-12\",\"commodity\":{\"category\":\"wildlife\"},"
	    "\"location\":{\"lat\":91}}", "location.lat", "between");
	rejects(CDN_SEIZURE, "{\"case\":\"C-1\",\"occurred_at\":\"12/05/2024\",\"commodity\":{\"category\":\"wildlife\"}}",
	    "occurred_at", "");
	rejects(CDN_SEIZURE, "{\"case\":\"C-1\",\"occurred_at\":\"2024-05-12\",\"commodity\":{\"category\":\"wildlife\","
	    "\"hs_code\":\"12\"}}", "commodity.hs_code", "");
	rejects(CDN_SEIZURE, "{\"case\":\"C-1\",\"occurred_at\":\"2024-05-12\",\"commodity\":{\"category\":\"wildlife\"},"
	    "\"grading\":{\"source\":\"G\",\"info\":\"1\"}}", "grading.source", "not one of");
	rejects(CDN_ENTITY, "{\"type\":\"vessel\",\"name\":\"Ocean Star\",\"identifiers\":{\"imo\":\"9074728\"}}",
	    "identifiers.imo", "check digit");
	rejects(CDN_ENTITY, "{\"type\":\"container\",\"name\":\"Box\",\"identifiers\":{\"container\":\"CSQU3054384\"}}",
	    "identifiers.container", "check digit");
	rejects(CDN_ENTITY, "{\"type\":\"account\",\"name\":\"Acct\",\"identifiers\":{\"iban\":\"GB82WEST12345698765433\"}}",
	    "identifiers.iban", "");
	rejects(CDN_ENTITY, "{\"type\":\"phone\",\"name\":\"Ph\",\"identifiers\":{\"phone\":\"0912345678\"}}",
	    "identifiers.phone", "");
	rejects(CDN_ENTITY, "{\"type\":\"person\",\"name\":\"X\",\"identifiers\":{\"shoe\":\"42\"}}",
	    "identifiers.shoe", "unknown field");
	rejects(CDN_ENTITY, "{\"type\":\"ghost\",\"name\":\"X\"}", "type", "not one of");
	rejects(CDN_ENTITY, "{\"type\":\"person\",\"name\":\"X\",\"attributes\":{\"a\":{\"b\":1}}}", "attributes", "");
	rejects(CDN_ROUTE, "{\"legs\":[]}", "legs", "at least one");
	rejects(CDN_ROUTE, "{\"legs\":[{\"from\":{\"country\":\"NG\"},\"to\":{\"country\":\"Vietnam\"}}]}",
	    "legs[0].to.country", "");
	rejects(CDN_LINK, "{\"from\":\"C-1\",\"to\":\"C-1\",\"type\":\"same_as\"}", "to", "different");
	rejects(CDN_LINK, "{\"from\":\"C-1\",\"to\":\"C-2\",\"type\":\"friend_of\"}", "type", "not one of");
	rejects(CDN_LINK, "{\"from\":\"C-1\",\"to\":\"E-404\",\"type\":\"same_as\"}", "to", "no record");

	/* A failed create takes no id. */
	id = create(CDN_CASE, "{\"title\":\"Third\"}");
	ok(id && strcmp(id, "C-3") == 0, "failed creates leave no gap in ids (%s)", id ? id : "-");

	/* --- seizures, entities, routes, links --- */
	id = create(CDN_ROUTE, "{\"legs\":[{\"from\":{\"country\":\"NG\",\"place\":\"Lagos\"},\"to\":{\"country\":\"ET\"},\"mode\":\"air\"},"
	    "{\"from\":{\"country\":\"ET\"},\"to\":{\"country\":\"QA\"}},{\"from\":{\"country\":\"QA\"},\"to\":{\"country\":\"VN\",\"place\":\"Hanoi\"}}]}");
	ok(id && strcmp(id, "R-1") == 0, "route created");
	rec = get("R-1");
	is_str(json_string_value(json_object_get(rec, "origin")), "NG", "route origin derived");
	is_str(json_string_value(json_object_get(rec, "destination")), "VN", "route destination derived");
	char *transit = json_dumps(json_object_get(rec, "transit"), JSON_COMPACT);
	is_str(transit, "[\"ET\",\"QA\"]", "route transit derived in order without repeats");
	free(transit);
	json_decref(rec);

	id = create(CDN_SEIZURE, "{\"case\":\"C-1\",\"occurred_at\":\"2024-05-12T08:30:00+07:00\",\"commodity\":"
	    "{\"category\":\"narcotics\",\"description\":\"Heroin in blower motors\"},\"quantity\":{\"amount\":2.8,\"unit\":\"kg\"},"
	    "\"location\":{\"country\":\"VN\",\"place\":\"Noi Bai\",\"type\":\"airport\"},\"transport_mode\":\"air\",\"route\":\"R-1\"}");
	snprintf(s1, sizeof s1, "%s", id ? id : "");
	ok(strcmp(s1, "S-1") == 0, "seizure created");
	create(CDN_SEIZURE, "{\"case\":\"C-2\",\"occurred_at\":\"2023-11-02\",\"commodity\":{\"category\":\"wildlife\","
	    "\"description\":\"ivory tusks\",\"species\":\"Loxodonta africana\"},\"location\":{\"country\":\"VN\"},\"transport_mode\":\"sea\"}");
	create(CDN_SEIZURE, "{\"case\":\"C-2\",\"occurred_at\":\"2024-01-20\",\"commodity\":{\"category\":\"wildlife\","
	    "\"description\":\"pangolin scales\",\"species\":\"Manis javanica\"},\"location\":{\"country\":\"MY\"},\"transport_mode\":\"sea\"}");
	id = create(CDN_ENTITY, "{\"type\":\"person\",\"name\":\"Nguyễn Văn Hùng\",\"aliases\":[\"Hung Beo\"],"
	    "\"born_on\":\"1979-04-02\",\"identifiers\":{\"passport\":\"C1234567\"},\"tags\":[\"known-offender\"]}");
	snprintf(e1, sizeof e1, "%s", id ? id : "");
	ok(strcmp(e1, "E-1") == 0, "entity with diacritics created");
	create(CDN_ENTITY, "{\"type\":\"vessel\",\"name\":\"Ocean Star\",\"identifiers\":{\"imo\":\"9074729\"}}");
	create(CDN_ENTITY, "{\"type\":\"company\",\"name\":\"Công ty TNHH Minh Phát\"}");

	ok(create(CDN_LINK, "{\"from\":\"E-3\",\"to\":\"S-2\",\"type\":\"consignee_of\"}") != NULL, "link company→seizure");
	ok(create(CDN_LINK, "{\"from\":\"E-1\",\"to\":\"E-3\",\"type\":\"director_of\"}") != NULL, "link person→company");
	ok(create(CDN_LINK, "{\"from\":\"E-2\",\"to\":\"S-2\",\"type\":\"x-carried\"}") != NULL, "custom x- link type");

	/* --- indexes, through queries --- */
	where_is(CDN_SEIZURE, "case", "C-2", "S-2 S-3 ");
	where_is(CDN_SEIZURE, "commodity.category", "wildlife", "S-2 S-3 ");
	where_is(CDN_SEIZURE, "location.country", "MY", "S-3 ");
	where_is(CDN_SEIZURE, "transport_mode", "air", "S-1 ");
	where_is(CDN_SEIZURE, "commodity.species", "Manis javanica", "S-3 ");	/* unindexed: scan */
	where_is(CDN_SEIZURE, "quantity.amount", "2.8", "S-1 ");
	where_is(CDN_ENTITY, "type", "vessel", "E-2 ");
	where_is(CDN_ENTITY, "identifiers.imo", "9074729", "E-2 ");
	where_is(CDN_ENTITY, "name", "Nguyễn Văn Hùng", "E-1 ");
	where_is(CDN_ENTITY, "tags", "known-offender", "E-1 ");
	where_is(CDN_LINK, "from", "E-1", "L-2 ");
	where_is(CDN_LINK, "to", "S-2", "L-1 L-3 ");
	where_is(CDN_CASE, "status", "investigating", "C-2 ");

	struct cdn_query q = { .kind = CDN_SEIZURE, .since = "2024-01-01" };
	list_is(&q, "S-1 S-3 ", "seizures since 2024-01-01 (date index)");
	struct cdn_query q2 = { .kind = CDN_SEIZURE, .until = "2024-01-20" };
	list_is(&q2, "S-2 S-3 ", "until a date includes that whole day");
	struct cdn_query q3 = { .kind = CDN_SEIZURE, .since = "2024-05-12T01:30:00Z", .until = "2024-05-12T01:30:00Z" };
	list_is(&q3, "S-1 ", "offset date-times compare as instants");
	struct cdn_query q4 = { .kind = CDN_ENTITY, .linked = "S-2" };
	list_is(&q4, "E-2 E-3 ", "entities linked to S-2, either direction");
	struct cdn_query q5 = { .kind = CDN_SEIZURE, .limit = 2 };
	list_is(&q5, "S-1 S-2 ", "limit");
	struct cdn_query q6 = { .kind = CDN_SEIZURE, .after = "S-1" };
	list_is(&q6, "S-2 S-3 ", "after (paging)");
	/* Cases by when they were recorded (created_at, just now): no index
	 * has it, so each is checked on its stored form. */
	{
		char hour_ago[32], in_an_hour[32];

		cdn_time_format((int64_t)time(NULL) - 3600, hour_ago);
		cdn_time_format((int64_t)time(NULL) + 3600, in_an_hour);
		struct cdn_query qa = { .kind = CDN_CASE, .until = hour_ago };
		list_is(&qa, "", "no case was recorded before an hour ago");
		struct cdn_query qb = { .kind = CDN_CASE, .since = hour_ago, .until = in_an_hour };
		list_is(&qb, "C-1 C-2 C-3 ", "every case was recorded within the hour");
		struct cdn_query qc = { .kind = CDN_CASE, .since = in_an_hour };
		list_is(&qc, "", "and none after it");
	}
	struct cdn_cond bad = { "commodity.colour", "red" };
	struct cdn_query q7 = { .kind = CDN_SEIZURE, .where = &bad, .nwhere = 1 };
	struct cdn_txn *txn;
	cdn_txn_begin(st, CDN_TXN_READ, &txn);
	ok(cdn_query_run(txn, &q7, collect_ids, (char[64]){ 0 }) == CDN_EUSAGE, "unknown --where field is a usage error");

	/* --- search --- */
	json_t *hits = NULL;
	ok(cdn_search(txn, "nguyen van hung", 10, &hits) == 0 && json_array_size(hits) == 1 &&
	    strcmp(json_string_value(json_object_get(json_array_get(hits, 0), "id")), "E-1") == 0,
	    "search 'nguyen van hung' finds Nguyễn Văn Hùng");
	json_decref(hits);
	ok(cdn_search(txn, "HUNG BEO", 10, &hits) == 0 && json_array_size(hits) == 1, "search finds aliases");
	json_decref(hits);
	ok(cdn_search(txn, "minh phat", 10, &hits) == 0 && json_array_size(hits) == 1, "search finds companies");
	json_decref(hits);
	ok(cdn_search(txn, "pangol", 10, &hits) == 0 && json_array_size(hits) == 1, "last word may be a prefix");
	json_decref(hits);
	ok(cdn_search(txn, "9074729", 10, &hits) == 0 && json_array_size(hits) == 1, "search finds identifiers");
	json_decref(hits);
	ok(cdn_search(txn, "hung ivory", 10, &hits) == 0 && json_array_size(hits) == 0, "all words must match");
	json_decref(hits);

	/* --- graph --- */
	json_t *nodes, *links;
	ok(cdn_graph(txn, "E-1", 1, &nodes, &links) == 0 && json_array_size(nodes) == 2 &&
	    json_array_size(links) == 1, "graph depth 1: E-1 and its company");
	json_decref(nodes);
	json_decref(links);
	ok(cdn_graph(txn, "E-1", 2, &nodes, &links) == 0 && json_array_size(nodes) == 3, "graph depth 2 reaches S-2");
	json_decref(nodes);
	json_decref(links);
	ok(cdn_graph(txn, "E-1", 3, &nodes, &links) == 0 && json_array_size(nodes) == 4 &&
	    json_array_size(links) == 3, "graph depth 3 reaches the vessel, with all links between");
	json_decref(nodes);
	json_decref(links);
	ok(cdn_graph(txn, "E-404", 1, &nodes, &links) == CDN_ENOTFOUND, "graph of a missing record");
	size_t n;
	cdn_kind_count(txn, CDN_SEIZURE, &n);
	ok(n == 3, "seizure count is 3 (%zu)", n);
	cdn_txn_abort(txn);

	/* --- update --- */
	ok(update("C-1", "{\"status\":\"investigating\",\"summary\":\"x\"}", 1) == 0, "update with the right version");
	rec = get("C-1");
	ok(json_integer_value(json_object_get(rec, "version")) == 2, "version goes to 2");
	is_str(json_string_value(json_object_get(rec, "title")), "Heroin in blower consignment", "other fields kept");
	json_decref(rec);
	ok(update("C-1", "{\"status\":\"closed\"}", 1) == CDN_ECONFLICT, "stale --if-version is a conflict");
	rec = get("C-1");
	is_str(json_string_value(json_object_get(rec, "status")), "investigating", "conflict changes nothing");
	json_decref(rec);
	ok(update("C-1", "{\"summary\":null}", 0) == 0, "null removes a field");
	rec = get("C-1");
	ok(json_object_get(rec, "summary") == NULL, "summary removed");
	json_decref(rec);
	ok(update("C-1", "{\"id\":\"C-7\"}", 0) == CDN_EINVAL, "changing id is refused");
	ok(update("C-1", "{\"id\":\"C-1\",\"version\":3}", 0) == 0, "read-only fields with their current value pass");
	ok(update("C-1", "{\"status\":\"bogus\"}", 0) == CDN_EINVAL, "update is validated");
	ok(update("C-404", "{}", 0) == CDN_ENOTFOUND, "update of a missing record");
	ok(update("S-2", "{\"commodity\":{\"category\":\"timber\"}}", 0) == 0, "nested merge");
	where_is(CDN_SEIZURE, "commodity.category", "wildlife", "S-3 ");
	where_is(CDN_SEIZURE, "commodity.category", "timber", "S-2 ");
	rec = get("S-2");
	is_str(json_string_value(json_object_get(json_object_get(rec, "commodity"), "species")), "Loxodonta africana",
	    "nested merge keeps sibling fields");
	json_decref(rec);

	/* --- delete --- */
	ok(del("E-3") == CDN_EINUSE, "an entity with links cannot be deleted");
	ok(del("C-2") == CDN_EINUSE, "a case with seizures cannot be deleted");
	ok(del("L-1") == 0, "a link can be deleted");
	where_is(CDN_LINK, "to", "S-2", "L-3 ");
	ok(del("C-3") == 0, "a case without seizures can be deleted");
	ok(get("C-3") == NULL, "deleted record is gone");
	ok(del("C-3") == CDN_ENOTFOUND, "deleting twice is not found");

	/* --- audit --- */
	ok(verify() == 0 && verify_problems == 0, "audit chain verifies");
	char *e5 = audit_entry(5), *edited;
	ok(e5 != NULL && strstr(e5, "\"op\":\"create\""), "entry 5 is a create");
	edited = strdup(e5);
	char *u = strstr(edited, "tester");
	if (u)
		memcpy(u, "mallet", 6);
	tamper(5, edited);
	ok(verify() != 0 && verify_problems >= 1, "an edited entry is detected");
	tamper(5, e5);
	ok(verify() == 0, "restoring it makes the chain whole again");

	/* Records changed behind the store's back, the trail untouched. */
	char *c1 = record_bytes("C-1"), *c1x;
	ok(c1 != NULL, "C-1 is stored");
	c1x = strdup(c1);
	if ((u = strstr(c1x, "\"title\":\"")) != NULL)
		u[9] = u[9] == 'X' ? 'Y' : 'X';
	tamper_record("C-1", c1x);
	ok(verify() != 0 && verify_problems == 1 && strstr(verify_last, "record C-1: differs"),
	    "a record edited outside cordon is named");
	tamper_record("C-1", c1);
	ok(verify() == 0, "restoring it makes all agree again");
	tamper_record("C-1", NULL);
	ok(verify() != 0 && strstr(verify_last, "record C-1: missing"),
	    "a record removed outside cordon is named");
	tamper_record("C-1", c1);
	tamper_record("C-99", c1);
	ok(verify() != 0 && strstr(verify_last, "record C-99: not in the audit trail"),
	    "a record added outside cordon is named");
	tamper_record("C-99", NULL);
	tamper_record("C-3", c1);
	ok(verify() != 0 && strstr(verify_last, "record C-3: deleted by audit entry"),
	    "a deleted record put back is named");
	tamper_record("C-3", NULL);
	ok(verify() == 0, "and the store verifies once they are undone");
	free(c1);
	free(c1x);
	tamper(7, NULL);
	ok(verify() != 0, "a removed entry is detected");
	free(e5);
	free(edited);
	cdn_store_close(st);

	/* The newest entry removed, on a fresh store. */
	snprintf(path, sizeof path, "%s/store2", dir);
	cdn_store_init(path);
	cdn_store_open(path, &st);
	create(CDN_CASE, "{\"title\":\"a\"}");
	create(CDN_CASE, "{\"title\":\"b\"}");
	ok(verify() == 0, "fresh chain verifies");
	tamper(2, NULL);
	ok(verify() != 0, "removing the newest entry is detected");
	cdn_store_close(st);

	rm_tree(dir);
	return done_testing();
}
