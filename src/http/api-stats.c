/*
 * api-stats.c - records counted in groups, for the dashboard (routes.h):
 *
 *   GET /api/v1/stats?kind=KIND&by=KEY[,KEY]   officer
 *       [&where=FIELD=VALUE…][&since=D][&until=D][&tag=T][&linked=ID]
 *       [&status=S][&rule=R][&severity=S][&ref=ID]   (alerts)
 *       [&limit=N][&order=count|key]
 *
 * The filters are a list's; the counting is the library's (stats.h),
 * from the indexes where they answer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cordon/error.h"
#include "cordon/stats.h"
#include "auth.h"
#include "filters.h"
#include "routes.h"

#define STATS_LIMIT	1000	/* groups answered, by default */
#define STATS_LIMIT_MAX	10000

struct args {
	struct http_filters f;
	char *by;		/* the by parameters, joined with commas */
	int bad_by;
	char unknown[64];	/* the first parameter not taken */
};

/* A key of by as it can be written back in an error: letters, digits,
 * '_', '-' and '.'. */
static int
plain_key(const char *s, size_t len)
{
	if (len == 0 || len > 200)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-' || s[i] == '.' ||
		    s[i] == ','))
			return 0;
	return 1;
}

static enum MHD_Result
collect(void *cls, enum MHD_ValueKind vk, const char *key, const char *value)
{
	struct args *a = cls;

	(void)vk;
	if (http_filter_take(&a->f, key, value) || http_is(key, "kind") || http_is(key, "limit") ||
	    http_is(key, "order"))
		return MHD_YES;
	if (http_is(key, "by")) {
		size_t have = a->by ? strlen(a->by) : 0, len = value ? strlen(value) : 0;
		char *nb;

		if (len == 0 || !plain_key(value, len) || (nb = realloc(a->by, have + len + 2)) == NULL) {
			a->bad_by = 1;
			return MHD_YES;
		}
		if (have)
			nb[have++] = ',';
		memcpy(nb + have, value, len + 1);
		a->by = nb;
		return MHD_YES;
	}
	if (!a->unknown[0])
		http_arg_name(key, a->unknown, sizeof a->unknown);
	return MHD_YES;
}

enum MHD_Result
http_stats(struct http_req *r)
{
	struct args a = { .bad_by = 0 };
	struct cdn_group_query g = { .limit = STATS_LIMIT };
	const char *kind = http_arg(r, "kind");
	const char *order = http_arg(r, "order");
	struct cdn_txn *txn;
	enum MHD_Result res;
	json_t *out = NULL, *by;
	char *save = NULL, *tok;
	int k, rc;

	if (!http_require(r, CDN_ROLE_OFFICER, &res))
		return res;
	if (!http_is(r->method, "GET"))
		return http_error(r, 405, "method_not_allowed", NULL, "use GET");
	if (!kind || (k = cdn_kind_parse(kind)) < 0 || strlen(kind) < 2)
		return http_error(r, 400, "bad_request", "kind", "kind must be case, seizure, entity, "
		    "route, link, evidence or alert");
	a.f.kind = (enum cdn_kind)k;
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, collect, &a);
	if (a.unknown[0]) {
		res = http_error(r, 400, "bad_request", a.unknown, "stats take kind, by, where, since, "
		    "until, tag, linked, limit and order%s, not %s", a.f.kind == CDN_ALERT ?
		    " (alerts also status, rule, severity and ref)" : "", a.unknown);
		goto out;
	}
	if (http_filters_query(r, &a.f, &g.q, &res) != 0)
		goto out;
	if (a.bad_by) {
		res = http_error(r, 400, "bad_request", "by", "by must be a field's dotted path or month");
		goto out;
	}
	if (!a.by) {
		res = http_error(r, 400, "bad_request", "by", "give by=KEY or by=KEY,KEY: a field "
		    "(commodity.category, location.country, route, status …) or month");
		goto out;
	}
	for (tok = strtok_r(a.by, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (g.nby == CDN_GROUP_KEYS) {
			res = http_error(r, 400, "bad_request", "by", "group by one or two keys");
			goto out;
		}
		g.by[g.nby++] = tok;
	}
	{
		uint64_t n;

		if (http_arg_number(r, "limit", 1, STATS_LIMIT_MAX, STATS_LIMIT, &n, &res) != 0)
			goto out;
		g.limit = n;
	}
	if (order && !http_is(order, "count") && !http_is(order, "key")) {
		res = http_error(r, 400, "bad_request", "order", "order is count or key");
		goto out;
	}
	g.by_key = order && http_is(order, "key");
	if ((rc = cdn_txn_begin(r->st, CDN_TXN_READ, &txn)) == 0) {
		rc = cdn_stats_group(txn, &g, &out);
		cdn_txn_abort(txn);
	}
	if (rc != 0) {
		res = http_fail(r);
		goto out;
	}
	by = json_array();
	for (size_t i = 0; i < g.nby; i++)
		json_array_append_new(by, json_string(g.by[i]));
	json_object_set_new(out, "kind", json_string(cdn_kind_info(a.f.kind)->name));
	json_object_set_new(out, "by", by);
	json_object_set_new(out, "limit", json_integer((json_int_t)g.limit));
	res = http_json(r, 200, out);
out:
	free(a.by);
	http_filters_free(&a.f);
	return res;
}
