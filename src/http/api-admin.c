/*
 * api-admin.c - the routes beyond records (http.h):
 *
 *   POST /api/v1/alerts/ID/ack|escalate|dismiss|promote   {"note"}   officer
 *   GET  /api/v1/rules                                                analyst
 *   GET  /api/v1/rules/NAME        the rule, its source and latest errors
 *   PUT  /api/v1/rules/NAME        the Lua source as the body: add or update
 *   POST /api/v1/rules/test        the Lua source as the body: a dry run
 *   POST /api/v1/rules/NAME/enable, /disable
 *   GET  /api/v1/audit?limit=N&from=SEQ                               supervisor
 *   GET  /api/v1/users                                                supervisor
 *   POST /api/v1/users             {"name","role","password"}         admin
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cordon/alert.h"
#include "cordon/audit.h"
#include "cordon/error.h"
#include "cordon/rule.h"
#include "http.h"

#define AUDIT_DEFAULT	100
#define AUDIT_MAX	1000
#define RULE_ERRORS	20

/* A JSON object body, or an answer queued (then *res is set). */
static json_t *
object_body(struct http_req *r, enum MHD_Result *res)
{
	json_error_t jerr;
	json_t *in;

	if (r->len == 0)
		return json_object();
	if ((in = json_loadb(r->body, r->len, JSON_REJECT_DUPLICATES, &jerr)) == NULL) {
		*res = http_error(r, 400, "bad_json", NULL, "not JSON: %s", jerr.text);
		return NULL;
	}
	if (!json_is_object(in)) {
		json_decref(in);
		*res = http_error(r, 400, "bad_json", NULL, "the body must be a JSON object");
		return NULL;
	}
	return in;
}

/* --- alerts ---------------------------------------------------------------------- */

enum MHD_Result
http_alert_action(struct http_req *r, const char *id, const char *action)
{
	static const char *const statuses[][2] = { { "ack", "acknowledged" },
		{ "escalate", "escalated" }, { "dismiss", "dismissed" } };
	enum MHD_Result res;
	json_t *in, *out = NULL;
	const char *note;
	int rc = 1;

	if (!http_is(r->method, "POST"))
		return http_error(r, 405, "method_not_allowed", NULL, "use POST");
	if ((in = object_body(r, &res)) == NULL)
		return res;
	note = json_string_value(json_object_get(in, "note"));
	if (http_is(action, "promote")) {
		rc = cdn_alert_promote(r->st, r->user, id, note, &out);
	} else {
		for (size_t i = 0; i < sizeof statuses / sizeof *statuses; i++)
			if (http_is(action, statuses[i][0]))
				rc = cdn_alert_set_status(r->st, r->user, id, statuses[i][1], note, &out);
		if (rc == 1) {
			json_decref(in);
			return http_error(r, 404, "not_found", NULL, "no such route");
		}
	}
	json_decref(in);
	if (rc != 0)
		return http_fail(r);
	if (cdn_rule_drain(r->st, r->user, NULL, NULL) != 0)
		cdn_error_clear();
	return http_json(r, 200, out);
}

/* --- rules ------------------------------------------------------------------------ */

static int
lua_body(struct http_req *r, enum MHD_Result *res)
{
	const char *type = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_TYPE);

	if (!type || (strncmp(type, "text/plain", 10) != 0 && strncmp(type, "text/x-lua", 10) != 0 &&
	    strncmp(type, "application/x-lua", 17) != 0)) {
		*res = http_error(r, 415, "unsupported_media_type", NULL,
		    "send the rule's Lua source as text/x-lua or text/plain");
		return 0;
	}
	if (r->len == 0) {
		*res = http_error(r, 400, "bad_request", NULL, "the body is the rule's Lua source");
		return 0;
	}
	return 1;
}

#define TEST_ERRORS 100

/* A dry run's rule errors, as they are found (the first TEST_ERRORS). */
static void
test_error(void *arg, const char *rule, const char *record, const char *message)
{
	(void)rule;
	if (json_array_size(arg) < TEST_ERRORS)
		json_array_append_new(arg, json_pack("{s:s,s:s}", "record", record, "message", message));
}

static enum MHD_Result
rule_test(struct http_req *r)
{
	struct cdn_rule_run_opts o = { 0 };
	json_t *errors = json_array();
	struct cdn_rule_run_stats st = { 0 };
	const char *src = r->body;
	size_t len = r->len;
	json_t *alerts = NULL;
	enum MHD_Result res;

	if (!lua_body(r, &res)) {
		json_decref(errors);
		return res;
	}
	if (cdn_rule_limits_env(&o.limits) != 0) {
		json_decref(errors);
		return http_fail(r);
	}
	o.since = http_arg(r, "since");
	o.on_error = test_error;
	o.error_arg = errors;
	if (cdn_rule_test(r->st, &src, &len, 1, &o, &alerts, &st) != 0) {
		json_decref(errors);
		return http_fail(r);
	}
	return http_json(r, 200, json_pack("{s:o,s:I,s:I,s:o}", "alerts", alerts, "records",
	    (json_int_t)st.records, "error_count", (json_int_t)st.errors, "errors", errors));
}

enum MHD_Result
http_rules(struct http_req *r, const char *rest)
{
	char name[80];
	const char *slash;
	enum MHD_Result res;
	json_t *out = NULL, *errs = NULL;
	char *src = NULL;
	uint64_t total = 0;

	if (!http_require(r, CDN_ROLE_ANALYST, &res))
		return res;
	if (!*rest) {
		if (!http_is(r->method, "GET"))
			return http_error(r, 405, "method_not_allowed", NULL, "use GET");
		if (cdn_rule_list(r->st, &out) != 0)
			return http_fail(r);
		return http_json(r, 200, json_pack("{s:o}", "items", out));
	}
	if (http_is(rest, "test")) {
		if (!http_is(r->method, "POST"))
			return http_error(r, 405, "method_not_allowed", NULL, "use POST");
		return rule_test(r);
	}
	slash = strchr(rest, '/');
	if ((slash ? (size_t)(slash - rest) : strlen(rest)) >= sizeof name)
		return http_error(r, 404, "not_found", NULL, "no such rule");
	snprintf(name, sizeof name, "%.*s", slash ? (int)(slash - rest) : (int)strlen(rest), rest);
	if (slash) {
		int enable = http_is(slash + 1, "enable");

		if (!enable && !http_is(slash + 1, "disable"))
			return http_error(r, 404, "not_found", NULL, "no such route");
		if (!http_is(r->method, "POST"))
			return http_error(r, 405, "method_not_allowed", NULL, "use POST");
		if (cdn_rule_enable(r->st, r->user, name, enable, &out) != 0)
			return http_fail(r);
		return http_json(r, 200, out);
	}
	if (http_is(r->method, "GET")) {
		if (cdn_rule_get(r->st, name, &out, &src) != 0)
			return http_fail(r);
		if (cdn_rule_errors(r->st, name, RULE_ERRORS, &errs, &total) != 0)
			cdn_error_clear();
		json_object_set_new(out, "source", json_string(src ? src : ""));
		json_object_set_new(out, "errors", errs ? errs : json_array());
		json_object_set_new(out, "error_count", json_integer((json_int_t)total));
		free(src);
		return http_json(r, 200, out);
	}
	if (http_is(r->method, "PUT")) {
		struct cdn_rule_limits lim;
		const char *got;

		json_t *info = NULL;

		if (!lua_body(r, &res))
			return res;
		if (cdn_rule_limits_env(&lim) != 0 || cdn_rule_check(r->body, r->len, &lim, &info) != 0)
			return http_fail(r);
		got = json_string_value(json_object_get(info, "name"));
		if (!got || !http_is(got, name)) {
			res = http_error(r, 422, "invalid", "name", "the file names its rule '%s', not '%s' "
			    "as the URL does", got ? got : "", name);
			json_decref(info);
			return res;
		}
		json_decref(info);
		if (cdn_rule_add(r->st, r->user, r->body, r->len, &lim, &out) != 0)
			return http_fail(r);
		return http_json(r, 200, out);
	}
	return http_error(r, 405, "method_not_allowed", NULL, "%s is not allowed here", r->method);
}

/* --- audit, users ---------------------------------------------------------------------- */

static int
audit_add(void *arg, json_t *entry)
{
	json_array_append(arg, entry);
	return 0;
}

enum MHD_Result
http_audit(struct http_req *r)
{
	const char *l = http_arg(r, "limit");
	const char *f = http_arg(r, "from");
	unsigned long limit = AUDIT_DEFAULT, from = 0;
	struct cdn_txn *txn;
	json_t *items = json_array();
	enum MHD_Result res;
	char *end;
	int rc;

	if (!http_require(r, CDN_ROLE_SUPERVISOR, &res)) {
		json_decref(items);
		return res;
	}
	if (l && ((limit = strtoul(l, &end, 10)) < 1 || limit > AUDIT_MAX || *end)) {
		json_decref(items);
		return http_error(r, 400, "bad_request", "limit", "limit must be 1 to %d", AUDIT_MAX);
	}
	if (f && ((from = strtoul(f, &end, 10)) < 1 || *end)) {
		json_decref(items);
		return http_error(r, 400, "bad_request", "from", "from must be an entry number >= 1");
	}
	if ((rc = cdn_txn_begin(r->st, CDN_TXN_READ, &txn)) == 0) {
		rc = cdn_audit_each(txn, from, limit, from == 0, audit_add, items);
		cdn_txn_abort(txn);
	}
	if (rc != 0) {
		json_decref(items);
		return http_fail(r);
	}
	return http_json(r, 200, json_pack("{s:o}", "items", items));
}

enum MHD_Result
http_users(struct http_req *r)
{
	enum MHD_Result res;
	json_t *out = NULL, *in;

	if (http_is(r->method, "GET")) {
		if (!http_require(r, CDN_ROLE_SUPERVISOR, &res))
			return res;
		if (cdn_user_list(r->st, &out) != 0)
			return http_fail(r);
		return http_json(r, 200, json_pack("{s:o}", "items", out));
	}
	if (!http_is(r->method, "POST"))
		return http_error(r, 405, "method_not_allowed", NULL, "use GET or POST");
	if (!http_require(r, CDN_ROLE_ADMIN, &res))
		return res;
	if ((in = object_body(r, &res)) == NULL)
		return res;
	if (cdn_user_add(r->st, r->user, json_string_value(json_object_get(in, "name")),
	    json_string_value(json_object_get(in, "role")),
	    json_string_value(json_object_get(in, "password"))) != 0) {
		json_decref(in);
		return http_fail(r);
	}
	out = json_pack("{s:O,s:O}", "name", json_object_get(in, "name"), "role",
	    json_object_get(in, "role"));
	json_decref(in);
	return http_json(r, 201, out);
}
