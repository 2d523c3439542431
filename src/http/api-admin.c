/*
 * api-admin.c - the routes beyond records (routes.h):
 *
 *   POST /api/v1/alerts/ID/ack|escalate|dismiss|promote   {"note"}   officer
 *   POST /api/v1/alerts/ID/attach  {"case","note"}: to an existing case
 *   GET  /api/v1/rules                                                analyst
 *   GET  /api/v1/rules/NAME        the rule, its source and latest errors
 *   PUT  /api/v1/rules/NAME        the Lua source as the body: add or update
 *   POST /api/v1/rules/test?since=D&until=D   the Lua source: a dry run
 *   POST /api/v1/rules/NAME/enable, /disable
 *   GET  /api/v1/rules/NAME/history           its versions
 *   GET  /api/v1/rules/NAME/source?version=C  a version's source
 *   GET  /api/v1/rules/NAME/diff?from=C&to=C  a unified diff of two versions
 *   GET  /api/v1/audit?user=NAME&record=ID&limit=N&before=SEQ|from=SEQ supervisor
 *   POST /api/v1/audit/verify      the chain, the records, the indexes supervisor
 *   GET  /api/v1/KINDS/ID/history?limit=N&before=SEQ                  officer
 *   GET  /api/v1/users                                                supervisor
 *   POST /api/v1/users             {"name","role","password"}         admin
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cordon/alert.h"
#include "cordon/audit.h"
#include "cordon/check.h"
#include "cordon/error.h"
#include "cordon/record.h"
#include "cordon/rule.h"
#include "auth.h"
#include "routes.h"

#define AUDIT_DEFAULT	100
#define AUDIT_MAX	1000
#define VERIFY_PROBLEMS	100	/* problems a verify answers with */
#define RULE_ERRORS	20

/* --- alerts ---------------------------------------------------------------------- */

enum MHD_Result
http_alert_action(struct http_req *r, const char *id, const char *action)
{
	static const char *const statuses[][2] = { { "ack", "acknowledged" },
		{ "escalate", "escalated" }, { "dismiss", "dismissed" } };
	enum MHD_Result res;
	json_t *in, *out = NULL, *v;
	const char *note, *key;
	int rc = 1;

	for (size_t i = 0; i < sizeof statuses / sizeof *statuses; i++)
		if (http_is(action, statuses[i][0]))
			rc = 0;
	if (rc != 0 && !http_is(action, "promote") && !http_is(action, "attach"))
		return http_error(r, 404, "not_found", NULL, "no such route");
	if (!http_is(r->method, "POST"))
		return http_error(r, 405, "method_not_allowed", NULL, "use POST");
	if (http_body_read(r, HTTP_BODY_JSON_OPTIONAL, &in, &res) != 0)
		return res;
	json_object_foreach(in, key, v) {
		if (!http_is(key, "note") && !(http_is(key, "case") && http_is(action, "attach"))) {
			res = http_error(r, 422, "invalid", key, "unknown field (%s takes %s)", action,
			    http_is(action, "attach") ? "case and note" : "note");
			json_decref(in);
			return res;
		}
		if (!json_is_string(v) && !(json_is_null(v) && http_is(key, "note"))) {
			res = http_error(r, 422, "invalid", key, "must be a string");
			json_decref(in);
			return res;
		}
	}
	note = json_string_value(json_object_get(in, "note"));
	if (http_is(action, "promote")) {
		rc = cdn_alert_promote(r->st, r->user, id, note, &out);
	} else if (http_is(action, "attach")) {
		if (!json_object_get(in, "case")) {
			json_decref(in);
			return http_error(r, 422, "invalid", "case", "required: the case to attach to");
		}
		rc = cdn_alert_attach(r->st, r->user, id, json_string_value(json_object_get(in, "case")),
		    note, &out);
	} else {
		for (size_t i = 0; i < sizeof statuses / sizeof *statuses; i++)
			if (http_is(action, statuses[i][0]))
				rc = cdn_alert_set_status(r->st, r->user, id, statuses[i][1], note, &out);
	}
	json_decref(in);
	if (http_written(r, rc) != 0)
		return http_fail(r);
	return http_json(r, 200, out);
}

/* --- rules ------------------------------------------------------------------------ */

#define TEST_ERRORS 100

/* The line of the rule's source an error names, or null. */
static json_t *
error_line(const char *message)
{
	int line = cdn_rule_error_line(message);

	return line > 0 ? json_integer(line) : json_null();
}

/* The library's last error about a rule's source: as http_fail, but a
 * 422 also gives the `line` of the source it names (a syntax error). */
static enum MHD_Result
rule_fail(struct http_req *r)
{
	const struct cdn_error *e = cdn_error_last();
	json_t *err;

	if (e->code != CDN_EINVAL)
		return http_fail(r);
	err = json_pack("{s:s,s:s,s:s?,s:o}", "code", "invalid", "message", e->message,
	    "field", e->field[0] ? e->field : NULL, "line", error_line(e->message));
	cdn_error_clear();
	return http_json(r, 422, json_pack("{s:o}", "error", err));
}

/* A dry run's rule errors, as they are found (the first TEST_ERRORS). */
static void
test_error(void *arg, const char *rule, const char *record, const char *message)
{
	(void)rule;
	if (json_array_size(arg) < TEST_ERRORS)
		json_array_append_new(arg, json_pack("{s:s,s:s,s:o}", "record", record, "message",
		    message, "line", error_line(message)));
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

	if (http_body_read(r, HTTP_BODY_LUA, NULL, &res) != 0) {
		json_decref(errors);
		return res;
	}
	if (cdn_rule_limits_env(&o.limits) != 0) {
		json_decref(errors);
		return http_fail(r);
	}
	o.since = http_arg(r, "since");
	o.until = http_arg(r, "until");
	o.on_error = test_error;
	o.error_arg = errors;
	if (cdn_rule_test(r->st, &src, &len, 1, &o, &alerts, &st) != 0) {
		json_decref(errors);
		return rule_fail(r);
	}
	return http_json(r, 200, json_pack("{s:o,s:I,s:I,s:o}", "alerts", alerts, "records",
	    (json_int_t)st.records, "error_count", (json_int_t)st.errors, "errors", errors));
}

/* A commit named by query argument `arg`: 40 hex digits, or NULL (then
 * an answer is queued, unless the argument may be left out). */
static const char *
commit_arg(struct http_req *r, const char *arg, int optional, enum MHD_Result *res)
{
	const char *c = http_arg(r, arg);

	*res = MHD_NO;
	if (!c && optional)
		return NULL;
	if (!c || strlen(c) != 40 || strspn(c, "0123456789abcdef") != 40) {
		*res = http_error(r, 400, "bad_request", arg, "%s must be a version's commit (40 "
		    "lower-case hex digits)", arg);
		return NULL;
	}
	return c;
}

/* GET /rules/NAME/history, /source?version=C, /diff?from=C&to=C */
static enum MHD_Result
rule_history(struct http_req *r, const char *name, const char *sub)
{
	const char *from, *to;
	enum MHD_Result res;
	json_t *out = NULL;
	char *text = NULL;
	size_t len, added, removed;

	if (!http_is(r->method, "GET"))
		return http_error(r, 405, "method_not_allowed", NULL, "use GET");
	if (http_is(sub, "history")) {
		if (cdn_rule_log(r->st, name, &out) != 0)
			return http_fail(r);
		return http_json(r, 200, json_pack("{s:s,s:o}", "name", name, "items", out));
	}
	if (http_is(sub, "source")) {
		from = commit_arg(r, "version", 1, &res);
		if (!from && http_arg(r, "version"))
			return res;
		if (cdn_rule_source_at(r->st, name, from, &out, &text, &len) != 0)
			return http_fail(r);
		json_object_set_new(out, "name", json_string(name));
		json_object_set_new(out, "source", json_stringn(text, len));
		free(text);
		if (!json_object_get(out, "source")) {
			json_decref(out);
			return http_error(r, 500, "internal", NULL, "the source is not UTF-8 text");
		}
		return http_json(r, 200, out);
	}
	if ((from = commit_arg(r, "from", 0, &res)) == NULL || (to = commit_arg(r, "to", 0, &res)) == NULL)
		return res;
	if (cdn_rule_diff(r->st, name, from, to, &text, &len, &added, &removed) != 0)
		return http_fail(r);
	out = json_pack("{s:s,s:s,s:s,s:I,s:I,s:s%}", "name", name, "from", from, "to", to,
	    "added", (json_int_t)added, "removed", (json_int_t)removed, "diff", text, len);
	free(text);
	if (!out)
		return http_error(r, 500, "internal", NULL, "the diff is not UTF-8 text");
	return http_json(r, 200, out);
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

		if (http_is(slash + 1, "history") || http_is(slash + 1, "source") ||
		    http_is(slash + 1, "diff"))
			return rule_history(r, name, slash + 1);
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
		for (size_t i = 0; i < json_array_size(errs); i++) {
			json_t *e = json_array_get(errs, i);

			json_object_set_new(e, "line", error_line(json_string_value(
			    json_object_get(e, "message"))));
		}
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

		if (http_body_read(r, HTTP_BODY_LUA, NULL, &res) != 0)
			return res;
		if (cdn_rule_limits_env(&lim) != 0 || cdn_rule_check(r->body, r->len, &lim, &info) != 0)
			return rule_fail(r);
		got = json_string_value(json_object_get(info, "name"));
		if (!got || !http_is(got, name)) {
			res = http_error(r, 422, "invalid", "name", "the file names its rule '%s', not '%s' "
			    "as the URL does", got ? got : "", name);
			json_decref(info);
			return res;
		}
		json_decref(info);
		if (cdn_rule_add(r->st, r->user, r->body, r->len, &lim, &out) != 0)
			return rule_fail(r);
		return http_json(r, 200, out);
	}
	return http_error(r, 405, "method_not_allowed", NULL, "%s is not allowed here", r->method);
}

/* --- audit, users ---------------------------------------------------------------------- */

/* A page of entries: one more than asked for says there is a next. */
struct audit_page {
	json_t *items;
	size_t limit;
};

static int
audit_add(void *arg, json_t *entry)
{
	struct audit_page *p = arg;

	json_array_append(p->items, entry);
	return 0;
}

/* A positive entry number from query argument `name`, or 0 if absent;
 * -1 (an answer queued) if it is not one. */
static int
seq_arg(struct http_req *r, const char *name, uint64_t *out, enum MHD_Result *res)
{
	const char *s = NULL;

	*out = 0;
	if (MHD_lookup_connection_value_n(r->conn, MHD_GET_ARGUMENT_KIND, name, strlen(name), &s,
	    NULL) != MHD_YES)
		return 0;
	if (http_number(s, 1, INT64_MAX, out) != 0) {
		*res = http_error(r, 400, "bad_request", name, "%s must be an entry number >= 1", name);
		return -1;
	}
	return 0;
}

/* {"items":[…],"next":SEQ|null}: `next` continues the walk, as `before`
 * newest first, as `from` oldest first. */
static enum MHD_Result
audit_answer(struct http_req *r, struct audit_page *p, int fwd)
{
	json_t *next = json_null();

	if (json_array_size(p->items) > p->limit) {
		json_int_t last;

		json_array_remove(p->items, p->limit);
		last = json_integer_value(json_object_get(json_array_get(p->items, p->limit - 1),
		    "seq"));
		json_decref(next);
		next = json_integer(fwd ? last + 1 : last);
	}
	return http_json(r, 200, json_pack("{s:o,s:o}", "items", p->items, "next", next));
}

static enum MHD_Result
audit_list(struct http_req *r)
{
	static const char *const known[] = { "user", "record", "limit", "before", "from", NULL };
	const char *user = http_arg(r, "user"), *record = http_arg(r, "record");
	struct cdn_audit_filter f = { 0 };
	struct audit_page p = { NULL, 0 };
	struct cdn_txn *txn;
	enum MHD_Result res;
	char why[CDN_WHY_MAX];
	uint64_t limit;
	int rc;

	if (!http_is(r->method, "GET"))
		return http_error(r, 405, "method_not_allowed", NULL, "use GET");
	if (http_args_only(r, known, "this takes user, record, limit, before and from", &res) != 0)
		return res;
	if (http_arg_number(r, "limit", 1, AUDIT_MAX, AUDIT_DEFAULT, &limit, &res) != 0 ||
	    seq_arg(r, "before", &f.before, &res) != 0 ||
	    seq_arg(r, "from", &f.from, &res) != 0)
		return res;
	p.limit = (size_t)limit;
	if (f.before && f.from)
		return http_error(r, 400, "bad_request", "from", "give before (newest first) or from "
		    "(oldest first), not both");
	if (user && cdn_check_username(user, why) != 0)
		return http_error(r, 400, "bad_request", "user", "user: %s", why);
	if (record && (!*record || strlen(record) > 200))
		return http_error(r, 400, "bad_request", "record", "record must be an id or a name "
		    "(1 to 200 characters)");
	f.user = user;
	f.ids = &record;
	f.nids = record ? 1 : 0;
	f.limit = p.limit + 1;
	p.items = json_array();
	if ((rc = cdn_txn_begin(r->st, CDN_TXN_READ, &txn)) == 0) {
		rc = cdn_audit_find(txn, &f, audit_add, &p);
		cdn_txn_abort(txn);
	}
	if (rc != 0) {
		json_decref(p.items);
		return http_fail(r);
	}
	return audit_answer(r, &p, f.from != 0);
}

struct verify_out {
	json_t *problems;
	uint64_t count;
};

static void
verify_problem(void *arg, const char *where, const char *problem)
{
	struct verify_out *v = arg;

	if (v->count++ < VERIFY_PROBLEMS)
		json_array_append_new(v->problems, json_pack("{s:s,s:s}", "where", where, "problem",
		    problem));
}

/* One verify at a time: it reads the whole store. */
static int verifying;

static enum MHD_Result
audit_verify(struct http_req *r)
{
	struct verify_out v = { NULL, 0 };
	struct cdn_txn *txn;
	uint64_t checked = 0;
	int rc;

	if (!http_is(r->method, "POST"))
		return http_error(r, 405, "method_not_allowed", NULL, "use POST");
	if (__atomic_exchange_n(&verifying, 1, __ATOMIC_ACQ_REL))
		return http_error(r, 429, "busy", NULL, "a verify is under way: try again when it "
		    "has finished");
	v.problems = json_array();
	if ((rc = cdn_txn_begin(r->st, CDN_TXN_READ, &txn)) == 0) {
		rc = cdn_audit_verify(txn, verify_problem, &v, &checked);
		cdn_txn_abort(txn);
	}
	__atomic_store_n(&verifying, 0, __ATOMIC_RELEASE);
	/* Problems found are the answer; a store that cannot be read is not. */
	if (rc != 0 && v.count == 0) {
		json_decref(v.problems);
		return http_fail(r);
	}
	cdn_error_clear();
	return http_json(r, 200, json_pack("{s:b,s:I,s:I,s:o}", "intact", v.count == 0, "checked",
	    (json_int_t)checked, "problem_count", (json_int_t)v.count, "problems", v.problems));
}

enum MHD_Result
http_audit(struct http_req *r, const char *rest)
{
	enum MHD_Result res;

	if (!http_require(r, CDN_ROLE_SUPERVISOR, &res))
		return res;
	if (!*rest)
		return audit_list(r);
	if (http_is(rest, "/verify"))
		return audit_verify(r);
	return http_error(r, 404, "not_found", NULL, "no such route");
}

enum MHD_Result
http_history(struct http_req *r, const char *id)
{
	static const char *const known[] = { "limit", "before", NULL };
	struct audit_page p = { NULL, 0 };
	struct cdn_txn *txn;
	enum MHD_Result res;
	uint64_t before, limit;
	json_t *rec = NULL;
	int rc;

	if (!http_is(r->method, "GET"))
		return http_error(r, 405, "method_not_allowed", NULL, "use GET");
	if (http_args_only(r, known, "this takes limit and before", &res) != 0 ||
	    http_arg_number(r, "limit", 1, AUDIT_MAX, AUDIT_DEFAULT, &limit, &res) != 0 ||
	    seq_arg(r, "before", &before, &res) != 0)
		return res;
	p.limit = (size_t)limit;
	p.items = json_array();
	if ((rc = cdn_txn_begin(r->st, CDN_TXN_READ, &txn)) == 0) {
		/* The record must be there: its history is part of it. */
		if ((rc = cdn_record_get(txn, id, &rec)) == 0)
			rc = cdn_audit_history(txn, id, before, p.limit + 1, audit_add, &p);
		json_decref(rec);
		cdn_txn_abort(txn);
	}
	if (rc != 0) {
		json_decref(p.items);
		return http_fail(r);
	}
	return audit_answer(r, &p, 0);
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
	if (http_body_read(r, HTTP_BODY_JSON, &in, &res) != 0)
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

/* POST /api/v1/users/NAME/disable|enable (admin): a disabled user's
 * sessions end and its tokens are refused from its next request on. */
enum MHD_Result
http_user_action(struct http_req *r, const char *rest)
{
	const char *slash = strchr(rest, '/');
	char name[72];
	enum MHD_Result res;
	int off;

	if (!http_require(r, CDN_ROLE_ADMIN, &res))
		return res;
	if (!slash || (size_t)(slash - rest) >= sizeof name ||
	    (!http_is(slash + 1, "disable") && !http_is(slash + 1, "enable")))
		return http_error(r, 404, "not_found", NULL, "no such route");
	if (!http_is(r->method, "POST"))
		return http_error(r, 405, "method_not_allowed", NULL, "use POST");
	memcpy(name, rest, (size_t)(slash - rest));
	name[slash - rest] = '\0';
	off = http_is(slash + 1, "disable");
	/* An admin locking itself out over the API could not undo it. */
	if (off && http_is(name, r->user))
		return http_error(r, 422, "invalid", "name", "you cannot disable yourself");
	if (cdn_user_disable(r->st, r->user, name, off) != 0)
		return http_fail(r);
	return http_json(r, 200, json_pack("{s:s,s:b}", "name", name, "disabled", off));
}

/* GET /api/v1/tokens[?user=NAME] and DELETE /api/v1/tokens/ID (admin). */
enum MHD_Result
http_tokens(struct http_req *r, const char *rest)
{
	static const char *const known[] = { "user", NULL };
	enum MHD_Result res;
	json_t *out = NULL;

	if (!http_require(r, CDN_ROLE_ADMIN, &res))
		return res;
	if (!*rest) {
		if (!http_is(r->method, "GET"))
			return http_error(r, 405, "method_not_allowed", NULL, "use GET");
		if (http_args_only(r, known, "this takes user", &res) != 0)
			return res;
		if (cdn_token_list(r->st, http_arg(r, "user"), &out) != 0)
			return http_fail(r);
		return http_json(r, 200, json_pack("{s:o}", "items", out));
	}
	if (rest[0] != '/' || !rest[1] || strchr(rest + 1, '/'))
		return http_error(r, 404, "not_found", NULL, "no such route");
	if (!http_is(r->method, "DELETE"))
		return http_error(r, 405, "method_not_allowed", NULL, "use DELETE");
	if (cdn_token_revoke(r->st, r->user, rest + 1) != 0)
		return http_fail(r);
	return http_json(r, 200, json_pack("{s:s,s:b}", "id", rest + 1, "revoked", 1));
}
