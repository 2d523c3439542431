/*
 * api.c - the routes (api.h):
 *
 *   GET  /healthz
 *   GET  /metrics                 Prometheus text (supervisor)
 *   POST /api/v1/login, POST /api/v1/logout, GET /api/v1/me
 *   GET  /api/v1/KINDS            list: where=FIELD=VALUE (repeated), since,
 *                                 until, tag, linked, limit, after
 *   POST /api/v1/KINDS            create
 *   GET  /api/v1/KINDS/ID         one record
 *   PATCH /api/v1/KINDS/ID        merge patch (If-Match: VERSION, else 412)
 *   DELETE /api/v1/KINDS/ID
 *   GET  /api/v1/KINDS/ID/graph?depth=N&limit=N&summary=N
 *   GET  /api/v1/KINDS/ID/history  its audit entries (api-admin.c)
 *   GET  /api/v1/search?q=TEXT
 *   POST /api/v1/users/NAME/disable|enable, GET /api/v1/tokens,
 *   DELETE /api/v1/tokens/ID      (api-admin.c)
 *
 * KINDS: cases, seizures, entities, routes, links; alerts and evidence
 * are read here and changed through their own routes (api-admin.c).
 * Writes run the enabled rules on what they wrote before answering, as
 * the command line does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cordon/error.h"
#include "cordon/query.h"
#include "cordon/record.h"
#include "cordon/rule.h"
#include "api.h"
#include "auth.h"
#include "filters.h"
#include "metrics.h"
#include "routes.h"

/* Defaults; the bounds are the library's (query.h), the command line's too. */
#define LIST_DEFAULT	50
#define GRAPH_LIMIT	200	/* nodes in a graph's answer, by default */
#define GRAPH_SUMMARY	20	/* neighbours of one kind shown before a summary */

/* --- lists ---------------------------------------------------------------------- */

struct list_args {
	struct http_filters f;
	char unknown[64];	/* a parameter lists do not take */
};

static enum MHD_Result
list_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct list_args *a = cls;

	(void)kind;
	if (!http_filter_take(&a->f, key, value) && !http_is(key, "limit") &&
	    !http_is(key, "after") && !http_is(key, "count") && !a->unknown[0])
		http_arg_name(key, a->unknown, sizeof a->unknown);
	return MHD_YES;
}

struct page {
	json_t *items;
	uint64_t limit;
};

static int
page_add(void *arg, json_t *rec)
{
	struct page *p = arg;

	json_array_append(p->items, rec);
	return json_array_size(p->items) > p->limit;	/* one more: is there a next page? */
}

static enum MHD_Result
list(struct http_req *r, enum cdn_kind kind)
{
	struct list_args a = { .f = { .kind = kind } };
	struct cdn_query q = { .kind = kind };
	struct page p = { json_array(), LIST_DEFAULT };
	struct cdn_txn *txn;
	enum MHD_Result res;
	uint64_t n, want_count;
	size_t count = 0;
	int rc;

	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, list_arg, &a);
	if (a.unknown[0]) {
		res = http_error(r, 400, "bad_request", a.unknown, "lists take where, since, until, tag, "
		    "linked, limit, after and count%s, not %s", kind == CDN_ALERT ? " (alerts also status, "
		    "rule, severity and ref)" : "", a.unknown);
		goto out;
	}
	if (http_filters_query(r, &a.f, &q, &res) != 0 ||
	    http_arg_number(r, "limit", 1, CDN_LIST_LIMIT_MAX, LIST_DEFAULT, &n, &res) != 0 ||
	    http_arg_number(r, "count", 0, 1, 0, &want_count, &res) != 0)
		goto out;
	p.limit = (size_t)n;
	if ((rc = cdn_txn_begin(r->st, CDN_TXN_READ, &txn)) == 0) {
		/* The count of every page, from the same snapshot, reading
		 * only the records an index cannot decide. */
		if (want_count)
			rc = cdn_query_count(txn, &q, &count);
		q.after = http_arg(r, "after");
		q.limit = (size_t)p.limit + 1;
		if (rc == 0)
			rc = cdn_query_run(txn, &q, page_add, &p);
		cdn_txn_abort(txn);
	}
	if (rc < 0) {
		res = http_fail(r);
		goto out;
	}
	{
		json_t *next = json_null();

		if (json_array_size(p.items) > p.limit) {
			json_array_remove(p.items, p.limit);
			next = json_incref(json_object_get(json_array_get(p.items, p.limit - 1), "id"));
		}
		json_t *body = json_pack("{s:O,s:o}", "items", p.items, "next", next);

		if (body && want_count)
			json_object_set_new(body, "count", json_integer((json_int_t)count));
		res = http_json(r, 200, body);
	}
out:
	json_decref(p.items);
	http_filters_free(&a.f);
	return res;
}

/* --- one record ---------------------------------------------------------------- */

struct write {
	enum cdn_kind kind;
	const char *id;
	json_t *in;
	int64_t if_version;
	json_t *out;
	int op;			/* 'c' create, 'u' update, 'd' delete */
};

static int
write_one(struct http_req *r, struct write *w)
{
	switch (w->op) {
	case 'c':
		return cdn_record_add(r->st, r->user, w->kind, w->in, 0, &w->out);
	case 'u':
		return cdn_record_edit(r->st, r->user, w->id, w->in, w->if_version, &w->out);
	default:
		return cdn_record_remove(r->st, r->user, w->id);
	}
}

static enum MHD_Result
write_record(struct http_req *r, struct write *w)
{
	enum MHD_Result res;
	int rc = http_written(r, write_one(r, w));

	json_decref(w->in);
	if (rc != 0)
		return http_fail(r);
	if (w->op == 'd') {
		json_decref(w->out);
		return http_json(r, 200, json_pack("{s:s,s:b}", "id", w->id, "deleted", 1));
	}
	if (w->op == 'c') {
		char loc[96];

		snprintf(loc, sizeof loc, "/api/v1/%s/%s", cdn_kind_info(w->kind)->plural,
		    json_string_value(json_object_get(w->out, "id")));
		res = http_json_header(r, 201, w->out, MHD_HTTP_HEADER_LOCATION, loc);
	} else {
		char etag[32];

		/* The version to send back as If-Match for the next update. */
		snprintf(etag, sizeof etag, "\"%lld\"",
		    (long long)json_integer_value(json_object_get(w->out, "version")));
		res = http_json_header(r, 200, w->out, MHD_HTTP_HEADER_ETAG, etag);
	}
	return res;
}

/* --- graphs ------------------------------------------------------------------- */

/*
 * GET KINDS/ID/graph?depth=N&limit=N&summary=N: the records around ID,
 * capped at `limit` nodes, a node's neighbours of one kind past `summary`
 * answered as a summary (graph.c).
 */
static enum MHD_Result
graph(struct http_req *r, const char *id)
{
	static const char *const known[] = { "depth", "limit", "summary", NULL };
	struct cdn_graph_opts o;
	struct cdn_txn *txn;
	uint64_t depth, limit, summary;
	json_t *out = NULL;
	enum MHD_Result res;
	int rc;

	if (!http_is(r->method, "GET"))
		return http_error(r, 405, "method_not_allowed", NULL, "use GET");
	if (http_args_only(r, known, "a graph takes depth, limit and summary", &res) != 0 ||
	    http_arg_number(r, "depth", 1, CDN_GRAPH_DEPTH_MAX, 1, &depth, &res) != 0 ||
	    http_arg_number(r, "limit", 1, CDN_GRAPH_LIMIT_MAX, GRAPH_LIMIT, &limit, &res) != 0 ||
	    http_arg_number(r, "summary", 0, CDN_GRAPH_SUMMARY_MAX, GRAPH_SUMMARY, &summary, &res) != 0)
		return res;
	o.depth = (int)depth;
	o.limit = (size_t)limit;
	o.summary = (size_t)summary;
	if ((rc = cdn_txn_begin(r->st, CDN_TXN_READ, &txn)) == 0) {
		rc = cdn_graph_view(txn, id, &o, &out);
		cdn_txn_abort(txn);
	}
	if (rc != 0)
		return http_fail(r);
	json_object_set_new(out, "limit", json_integer((json_int_t)limit));
	json_object_set_new(out, "summary", json_integer((json_int_t)summary));
	return http_json(r, 200, out);
}

static enum MHD_Result
one(struct http_req *r, enum cdn_kind kind, const char *id, const char *rest)
{
	struct cdn_id rid;
	struct cdn_txn *txn;
	struct write w = { .kind = kind, .id = id };
	json_t *rec = NULL;
	enum MHD_Result res;
	int rc;

	if (cdn_id_parse(id, &rid) != 0 || rid.kind != kind)
		return http_error(r, 404, "not_found", NULL, "no %s %.40s", cdn_kind_info(kind)->name, id);
	if (rest && http_is(rest, "graph"))
		return graph(r, id);
	if (rest && http_is(rest, "history"))
		return http_history(r, id);
	if (rest)
		return http_error(r, 404, "not_found", NULL, "no such route");
	if (http_is(r->method, "GET")) {
		if ((rc = cdn_txn_begin(r->st, CDN_TXN_READ, &txn)) == 0) {
			rc = cdn_record_get(txn, id, &rec);
			cdn_txn_abort(txn);
		}
		if (rc != 0)
			return http_fail(r);
		{
			char etag[32];

			snprintf(etag, sizeof etag, "\"%lld\"",
			    (long long)json_integer_value(json_object_get(rec, "version")));
			return http_json_header(r, 200, rec, MHD_HTTP_HEADER_ETAG, etag);
		}
	}
	if (http_is(r->method, "PATCH")) {
		const char *im = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
		    MHD_HTTP_HEADER_IF_MATCH);

		if (im) {
			char *end;
			const char *v = im[0] == '"' ? im + 1 : im;

			w.if_version = strtoll(v, &end, 10);
			if (w.if_version < 1 || (*end && !(*end == '"' && end[1] == '\0')))
				return http_error(r, 400, "bad_request", "If-Match",
				    "If-Match must be the record's version");
		}
		if (http_body_read(r, HTTP_BODY_JSON, &w.in, &res) != 0)
			return res;
		w.op = 'u';
		return write_record(r, &w);
	}
	if (http_is(r->method, "DELETE")) {
		w.op = 'd';
		return write_record(r, &w);
	}
	return http_error(r, 405, "method_not_allowed", NULL, "%s is not allowed here", r->method);
}

/* --- routing ---------------------------------------------------------------------- */

static enum MHD_Result
records(struct http_req *r, const char *rest)
{
	char plural[32], id[CDN_ID_MAX + 1], sub[16];
	const char *slash = strchr(rest, '/');
	size_t n = slash ? (size_t)(slash - rest) : strlen(rest);
	enum MHD_Result res;
	int k, writable;

	if (n == 0 || n >= sizeof plural)
		return http_error(r, 404, "not_found", NULL, "no such route");
	memcpy(plural, rest, n);
	plural[n] = '\0';
	k = cdn_kind_parse(plural);
	if (k < 0 || !http_is(cdn_kind_info((enum cdn_kind)k)->plural, plural))
		return http_error(r, 404, "not_found", NULL, "no such route");
	if (!http_require(r, CDN_ROLE_OFFICER, &res))
		return res;
	writable = cdn_kind_info((enum cdn_kind)k)->writable;
	if (!slash || !slash[1]) {
		if (http_is(r->method, "GET"))
			return list(r, (enum cdn_kind)k);
		if (http_is(r->method, "POST") && writable) {
			struct write w = { .kind = (enum cdn_kind)k, .op = 'c' };

			if (http_body_read(r, HTTP_BODY_JSON, &w.in, &res) != 0)
				return res;
			return write_record(r, &w);
		}
		return http_error(r, 405, "method_not_allowed", NULL, "%s is not allowed here", r->method);
	}
	rest = slash + 1;
	slash = strchr(rest, '/');
	n = slash ? (size_t)(slash - rest) : strlen(rest);
	if (n == 0 || n > CDN_ID_MAX)
		return http_error(r, 404, "not_found", NULL, "no such record");
	memcpy(id, rest, n);
	id[n] = '\0';
	if (slash) {
		if (strlen(slash + 1) >= sizeof sub)
			return http_error(r, 404, "not_found", NULL, "no such route");
		snprintf(sub, sizeof sub, "%s", slash + 1);
	}
	/* The routes under an alert or evidence id are theirs alone. */
	if ((k == CDN_ALERT || k == CDN_EVIDENCE) && slash) {
		struct cdn_id rid;

		if (cdn_id_parse(id, &rid) != 0 || (int)rid.kind != k)
			return http_error(r, 404, "not_found", NULL, "no %s %.40s",
			    cdn_kind_info((enum cdn_kind)k)->name, id);
	}
	if (k == CDN_ALERT && slash && !http_is(sub, "history"))
		return http_alert_action(r, id, sub);
	if (k == CDN_EVIDENCE && slash)
		return http_evidence_sub(r, id, sub);
	/* Evidence and alerts change only through their own routes. */
	if (!writable && (http_is(r->method, "DELETE") || (http_is(r->method, "PATCH") &&
	    !cdn_kind_info((enum cdn_kind)k)->editable)))
		return http_error(r, 405, "method_not_allowed", NULL, "%s is not allowed here", r->method);
	return one(r, (enum cdn_kind)k, id, slash ? sub : NULL);
}

static enum MHD_Result
search(struct http_req *r)
{
	static const char *const known[] = { "q", "limit", NULL };
	const char *q = http_arg(r, "q");
	struct cdn_txn *txn;
	json_t *out = NULL, *rec;
	uint64_t n;
	size_t i;
	enum MHD_Result res;
	int rc;

	if (!http_require(r, CDN_ROLE_OFFICER, &res))
		return res;
	if (!http_is(r->method, "GET"))
		return http_error(r, 405, "method_not_allowed", NULL, "use GET");
	if (http_args_only(r, known, "search takes q and limit", &res) != 0)
		return res;
	if (!q || !*q)
		return http_error(r, 400, "bad_request", "q", "give q=TEXT");
	if (http_arg_number(r, "limit", 1, CDN_SEARCH_LIMIT_MAX, LIST_DEFAULT, &n, &res) != 0)
		return res;
	if ((rc = cdn_txn_begin(r->st, CDN_TXN_READ, &txn)) == 0) {
		rc = cdn_search(txn, q, (size_t)n, &out);
		cdn_txn_abort(txn);
	}
	if (rc != 0)
		return http_fail(r);
	/* Each record says where the text was found. */
	json_array_foreach(out, i, rec) {
		json_t *m = cdn_search_match(rec, q);

		if (m)
			json_object_set_new(rec, "match", m);
	}
	return http_json(r, 200, json_pack("{s:o}", "items", out));
}

enum MHD_Result
http_route(struct http_req *r)
{
	enum MHD_Result res;

	if (http_is(r->path, "/healthz")) {
		if (!http_is(r->method, "GET") && !http_is(r->method, "HEAD"))
			return http_error(r, 405, "method_not_allowed", NULL, "use GET");
		return http_json(r, 200, json_pack("{s:s}", "status", "ok"));
	}
	if (http_is(r->path, "/metrics")) {
		if (http_identify(r, &res) != 0 || !http_require(r, CDN_ROLE_SUPERVISOR, &res))
			return res;
		return http_metrics(r);
	}
	if (http_is(r->path, "/taxii2") || strncmp(r->path, "/taxii2/", 8) == 0)
		return http_taxii(r);
	if (strncmp(r->path, "/api/v1/", 8) != 0)
		return http_error(r, 404, "not_found", NULL, "no such route");
	if (http_identify(r, &res) != 0)
		return res;
	const char *rest = r->path + 8;

	if (http_is(rest, "login"))
		return http_login(r);
	if (http_is(rest, "logout"))
		return http_logout(r);
	if (http_is(rest, "me"))
		return http_me(r);
	if (http_is(rest, "session"))
		return http_session(r);
	if (http_is(rest, "search"))
		return search(r);
	if (http_is(rest, "rules"))
		return http_rules(r, "");
	if (strncmp(rest, "rules/", 6) == 0)
		return http_rules(r, rest + 6);
	if (http_is(rest, "audit") || strncmp(rest, "audit/", 6) == 0)
		return http_audit(r, rest + 5);
	if (http_is(rest, "users"))
		return http_users(r);
	if (strncmp(rest, "users/", 6) == 0)
		return http_user_action(r, rest + 6);
	if (http_is(rest, "tokens") || strncmp(rest, "tokens/", 7) == 0)
		return http_tokens(r, rest + 6);
	if (http_is(rest, "partners") || strncmp(rest, "partners/", 9) == 0)
		return http_partners(r, rest + 8);
	if (http_is(rest, "stats"))
		return http_stats(r);
	if (http_is(rest, "exports") || strncmp(rest, "exports/", 8) == 0)
		return http_exports(r, rest + 7);
	if (http_is(rest, "imports") || strncmp(rest, "imports/", 8) == 0)
		return http_imports(r, rest + 7);
	return records(r, rest);
}
