/*
 * ruleapi.c - what a rule can call (contract §4): cordon.get, find, count,
 * links, neighbors, fold, time, days_before, and alert{}.
 *
 * Each function reads the snapshot of the call under way (struct
 * cdn_rule_call, the sandbox's user pointer). Work done in C is charged to
 * the rule's instruction budget: a record read costs COST_RECORD. C
 * resources (records, arrays) are never held across a call that can raise
 * a Lua error: results are gathered first, then pushed in protected mode,
 * then released, and only then is an error raised.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "grow.h"
#include "cordon/check.h"
#include "cordon/fold.h"
#include "cordon/query.h"
#include "cordon/text.h"
#include "internal.h"
#include "luarec.h"
#include "qcache.h"
#include "rules.h"
#include "sandbox.h"
#include "schema.h"

/* A record read and parsed in C takes about as long as this many Lua
 * instructions on the machines this was measured on (doc/rules.md). */
#define COST_RECORD 300
#define COST_CACHED 4	/* a candidate a query cache answered for */
#define MAX_CONDS 16
#define MAX_DEPTH CDN_GRAPH_DEPTH_MAX

static struct cdn_rule_call *
call_of(lua_State *L)
{
	return cdn_sandbox_user(cdn_sandbox_of(L));
}

/* --- gathered results -------------------------------------------------------- */

struct gather {
	json_t **v;
	size_t n, cap;
	int lazy;
	int pairs;		/* v holds {link, other} pairs */
	int single;		/* push v[0] itself, not an array */
};

static int
gather_add(struct gather *g, json_t *rec)
{
	if (cdn_grow(&g->v, &g->cap, g->n + 1, sizeof *g->v, 16) != 0)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	g->v[g->n++] = json_incref(rec);
	return 0;
}

static void
gather_free(struct gather *g)
{
	for (size_t i = 0; i < g->n; i++)
		json_decref(g->v[i]);
	free(g->v);
	memset(g, 0, sizeof *g);
}

static int
push_gathered(lua_State *L)
{
	struct gather *g = lua_touserdata(L, 1);

	if (g->pairs) {
		lua_createtable(L, (int)(g->n / 2), 0);
		for (size_t i = 0; i + 1 < g->n; i += 2) {
			lua_createtable(L, 0, 2);
			cdn_luarec_push(L, g->v[i], g->lazy);
			lua_setfield(L, -2, "link");
			cdn_luarec_push(L, g->v[i + 1], g->lazy);
			lua_setfield(L, -2, "other");
			lua_rawseti(L, -2, (lua_Integer)(i / 2) + 1);
		}
	} else if (g->single) {
		cdn_luarec_push(L, g->n ? g->v[0] : NULL, g->lazy);
	} else {
		lua_createtable(L, (int)g->n, 0);
		for (size_t i = 0; i < g->n; i++) {
			cdn_luarec_push(L, g->v[i], g->lazy);
			lua_rawseti(L, -2, (lua_Integer)i + 1);
		}
	}
	return 1;
}

/*
 * Push what was gathered, release it, and then raise whatever is owed:
 * `rc` > 0 the budget, `rc` < 0 the library's error for `fname`.
 */
static int
finish(lua_State *L, struct gather *g, int rc, const char *fname)
{
	int status = LUA_OK;

	if (rc == 0) {
		lua_pushcfunction(L, push_gathered);
		lua_pushlightuserdata(L, g);
		status = lua_pcall(L, 1, 1, 0);
	}
	gather_free(g);
	if (status != LUA_OK)
		return lua_error(L);
	if (rc > 0)
		return cdn_sandbox_overdrawn(L);
	if (rc < 0) {
		char msg[CDN_MESSAGE_MAX + CDN_FIELD_MAX + 4];

		cdn_error_format(cdn_error_last(), msg, sizeof msg);
		cdn_error_clear();
		return luaL_error(L, "%s: %s", fname, msg);
	}
	return 1;
}

/* --- cordon.get ------------------------------------------------------------- */

/* Read record `id` (NULL if there is none); 1 if over budget. */
static int
read_record(lua_State *L, const char *id, json_t **out)
{
	struct cdn_rule_call *c = call_of(L);
	struct cdn_id rid;
	int rc;

	*out = NULL;
	if (!id || cdn_id_parse(id, &rid) != 0)
		return 0;
	if (cdn_sandbox_spend(cdn_sandbox_of(L), COST_RECORD))
		return 1;
	if ((rc = cdn_qc_record(c->txn, rid, out)) != 0) {
		rc = rc == CDN_ENOTFOUND ? 0 : rc;

		if (rc == 0)
			cdn_error_clear();
		return rc;
	}
	return 0;
}

static int
l_get(lua_State *L)
{
	const char *id = luaL_checkstring(L, 1);
	struct gather g = { .lazy = call_of(L)->lazy, .single = 1 };
	json_t *rec;
	int rc = read_record(L, id, &rec);

	if (rc == 0 && rec)
		rc = gather_add(&g, rec);
	json_decref(rec);
	return finish(L, &g, rc, "cordon.get");
}

/* --- cordon.find / cordon.count ------------------------------------------------ */

struct filter {
	struct cdn_query q;
	struct cdn_cond conds[MAX_CONDS];
	char text[MAX_CONDS][64];	/* numbers and booleans as text */
};

static int
examine(void *arg, int parsed)
{
	return cdn_sandbox_spend(arg, parsed ? COST_RECORD : COST_CACHED);
}

static const char *
opt_string(lua_State *L, const char *fname, const char *key)
{
	if (lua_type(L, -1) != LUA_TSTRING)
		luaL_error(L, "%s: filter %s must be a string", fname, key);
	return lua_tostring(L, -1);
}

/* Read the filter table at `idx` into `f` (strings stay owned by the
 * table, which is on the stack for the whole call). */
static void
read_filter(lua_State *L, int idx, const char *fname, enum cdn_kind kind, struct filter *f)
{
	memset(f, 0, sizeof *f);
	f->q.kind = kind;
	f->q.where = f->conds;
	f->q.examine = examine;
	f->q.examine_arg = cdn_sandbox_of(L);
	if (lua_isnoneornil(L, idx))
		return;
	luaL_checktype(L, idx, LUA_TTABLE);
	lua_pushnil(L);
	while (lua_next(L, idx) != 0) {
		const char *key;

		if (lua_type(L, -2) != LUA_TSTRING)
			luaL_error(L, "%s: filter keys must be field names", fname);
		key = lua_tostring(L, -2);
		if (strcmp(key, "since") == 0) {
			f->q.since = opt_string(L, fname, key);
		} else if (strcmp(key, "until") == 0) {
			f->q.until = opt_string(L, fname, key);
		} else if (strcmp(key, "tag") == 0) {
			f->q.tag = opt_string(L, fname, key);
		} else if (strcmp(key, "linked") == 0) {
			f->q.linked = opt_string(L, fname, key);
		} else if (strcmp(key, "limit") == 0) {
			int ok;
			lua_Integer n = lua_tointegerx(L, -1, &ok);

			if (!ok || n < 0)
				luaL_error(L, "%s: filter limit must be a whole number >= 0", fname);
			f->q.limit = (size_t)n;
		} else {
			struct cdn_cond *c = &f->conds[f->q.nwhere];
			char *t = f->text[f->q.nwhere];

			if (f->q.nwhere == MAX_CONDS)
				luaL_error(L, "%s: more than %d conditions", fname, MAX_CONDS);
			c->path = key;
			switch (lua_type(L, -1)) {
			case LUA_TSTRING:
				c->value = lua_tostring(L, -1);
				break;
			case LUA_TBOOLEAN:
				c->value = lua_toboolean(L, -1) ? "true" : "false";
				break;
			case LUA_TNUMBER:
				if (lua_isinteger(L, -1))
					snprintf(t, 64, "%lld", (long long)lua_tointeger(L, -1));
				else
					snprintf(t, 64, "%.17g", lua_tonumber(L, -1));
				c->value = t;
				break;
			default:
				luaL_error(L, "%s: filter %s must be a string, number or boolean",
				    fname, key);
			}
			f->q.nwhere++;
		}
		lua_pop(L, 1);
	}
}

static enum cdn_kind
check_kind(lua_State *L, int idx, const char *fname)
{
	const char *s = luaL_checkstring(L, idx);
	int k = cdn_kind_parse(s);

	if (k < 0)
		luaL_error(L, "%s: '%s' is not a record kind", fname, s);
	return (enum cdn_kind)k;
}

static int
find_visit(void *arg, json_t *rec)
{
	return gather_add(arg, rec);
}

static int
l_find(lua_State *L)
{
	enum cdn_kind kind = check_kind(L, 1, "cordon.find");
	struct gather g = { .lazy = call_of(L)->lazy };
	struct filter f;
	int rc;

	read_filter(L, 2, "cordon.find", kind, &f);
	rc = cdn_query_run(call_of(L)->txn, &f.q, find_visit, &g);
	return finish(L, &g, rc, "cordon.find");
}

static int
l_count(lua_State *L)
{
	enum cdn_kind kind = check_kind(L, 1, "cordon.count");
	struct gather g = { 0 };
	struct filter f;
	size_t n = 0;
	int rc;

	read_filter(L, 2, "cordon.count", kind, &f);
	rc = cdn_query_count(call_of(L)->txn, &f.q, &n);
	if (rc != 0)
		return finish(L, &g, rc, "cordon.count");
	lua_pushinteger(L, (lua_Integer)n);
	return 1;
}

/* --- cordon.stats ------------------------------------------------------------ */

/* cordon.stats(kind, filter, path): n, sum, mean, min, max and sd of a
 * number field over the records the filter finds (nil ones skipped). */
static int
l_stats(lua_State *L)
{
	enum cdn_kind kind = check_kind(L, 1, "cordon.stats");
	const char *path = luaL_checkstring(L, 3);
	struct cdn_stats s;
	struct gather g = { 0 };
	struct filter f;
	int rc;

	if (strlen(path) >= 128)
		return luaL_error(L, "cordon.stats: the field path is too long");
	read_filter(L, 2, "cordon.stats", kind, &f);
	if ((rc = cdn_query_stats(call_of(L)->txn, &f.q, path, &s)) != 0)
		return finish(L, &g, rc, "cordon.stats");
	lua_createtable(L, 0, 6);
	lua_pushinteger(L, (lua_Integer)s.n);
	lua_setfield(L, -2, "n");
	lua_pushnumber(L, s.sum);
	lua_setfield(L, -2, "sum");
	if (s.n > 0) {
		double mean = s.sum / (double)s.n, var = s.sumsq / (double)s.n - mean * mean;

		lua_pushnumber(L, mean);
		lua_setfield(L, -2, "mean");
		lua_pushnumber(L, s.min);
		lua_setfield(L, -2, "min");
		lua_pushnumber(L, s.max);
		lua_setfield(L, -2, "max");
		lua_pushnumber(L, var > 0 ? sqrt(var) : 0);
		lua_setfield(L, -2, "sd");
	}
	return 1;
}

/* --- cordon.links / cordon.neighbors ----------------------------------------- */

static int
l_links(lua_State *L)
{
	struct cdn_rule_call *c = call_of(L);
	const char *id = luaL_checkstring(L, 1), *type = NULL, *dir = "both";
	struct gather links = { 0 }, g = { .lazy = c->lazy, .pairs = 1 };
	struct cdn_query q = { .kind = CDN_LINK, .linked = id, .examine = examine,
		.examine_arg = cdn_sandbox_of(L) };
	struct cdn_id rid;
	int rc;

	if (!lua_isnoneornil(L, 2)) {
		luaL_checktype(L, 2, LUA_TTABLE);
		if (lua_getfield(L, 2, "type") != LUA_TNIL)
			type = opt_string(L, "cordon.links", "type");
		if (lua_getfield(L, 2, "direction") != LUA_TNIL)
			dir = opt_string(L, "cordon.links", "direction");
		if (strcmp(dir, "in") != 0 && strcmp(dir, "out") != 0 && strcmp(dir, "both") != 0)
			return luaL_error(L, "cordon.links: direction must be \"in\", \"out\" or \"both\"");
	}
	if (cdn_id_parse(id, &rid) != 0) {
		lua_newtable(L);
		return 1;
	}
	rc = cdn_query_run(c->txn, &q, find_visit, &links);
	for (size_t i = 0; rc == 0 && i < links.n; i++) {
		json_t *l = links.v[i], *other = NULL;
		const char *from = json_string_value(json_object_get(l, "from"));
		const char *to = json_string_value(json_object_get(l, "to"));
		const char *t = json_string_value(json_object_get(l, "type"));
		int out = from && strcmp(from, id) == 0, in = to && strcmp(to, id) == 0;

		if (type && (!t || strcmp(t, type) != 0))
			continue;
		if ((dir[0] == 'o' && !out) || (dir[0] == 'i' && !in))
			continue;
		if ((rc = read_record(L, out ? to : from, &other)) != 0 || !other)
			continue;
		if ((rc = gather_add(&g, l)) == 0)
			rc = gather_add(&g, other);
		json_decref(other);
	}
	gather_free(&links);
	return finish(L, &g, rc, "cordon.links");
}

static int
l_neighbors(lua_State *L)
{
	struct cdn_rule_call *c = call_of(L);
	const char *id = luaL_checkstring(L, 1);
	lua_Integer depth = luaL_optinteger(L, 2, 1);
	struct gather g = { .lazy = c->lazy };
	json_t *nodes = NULL, *links = NULL, *n;
	struct cdn_id rid;
	size_t i;
	int rc;

	if (depth < 1 || depth > MAX_DEPTH)
		return luaL_error(L, "cordon.neighbors: depth must be 1 to %d", MAX_DEPTH);
	if (cdn_id_parse(id, &rid) != 0) {
		lua_newtable(L);
		return 1;
	}
	rc = cdn_graph(c->txn, id, (int)depth, &nodes, &links);
	if (rc == CDN_ENOTFOUND) {
		cdn_error_clear();
		rc = 0;
	}
	if (rc == 0 && cdn_sandbox_spend(cdn_sandbox_of(L),
	    (json_array_size(nodes) + json_array_size(links)) * COST_RECORD))
		rc = 1;
	json_array_foreach(nodes, i, n) {
		const char *nid = json_string_value(json_object_get(n, "id"));

		if (rc == 0 && !(nid && strcmp(nid, id) == 0))
			rc = gather_add(&g, n);
	}
	json_decref(nodes);
	json_decref(links);
	return finish(L, &g, rc, "cordon.neighbors");
}

/* --- text and time ------------------------------------------------------------ */

static int
l_fold(lua_State *L)
{
	const char *s = luaL_checkstring(L, 1);
	struct gather g = { .single = 1 };
	json_t *folded;
	char *f;
	int rc = 0;

	cdn_sandbox_charge(L, lua_rawlen(L, 1) / 8 + 1);
	if ((f = cdn_fold(s)) == NULL)
		return luaL_error(L, "cordon.fold: the text is not valid UTF-8");
	if ((folded = json_string(f)) == NULL)
		rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	free(f);
	if (rc == 0)
		rc = gather_add(&g, folded);
	json_decref(folded);
	return finish(L, &g, rc, "cordon.fold");
}

static int64_t
check_time(lua_State *L, int idx, const char *fname)
{
	const char *s = luaL_checkstring(L, idx);
	char why[CDN_WHY_MAX];
	int64_t t;

	if (cdn_time_parse(s, &t, why) != 0)
		luaL_error(L, "%s: '%s': %s", fname, s, why);
	return t;
}

static int
l_time(lua_State *L)
{
	lua_pushinteger(L, (lua_Integer)check_time(L, 1, "cordon.time"));
	return 1;
}

static int
l_days_before(lua_State *L)
{
	int64_t t = check_time(L, 1, "cordon.days_before");
	lua_Number days = luaL_checknumber(L, 2);
	char buf[32];

	if (!(days > -1e6 && days < 1e6))
		return luaL_error(L, "cordon.days_before: days must be within a million");
	cdn_time_format(t - (int64_t)(days * 86400), buf);
	lua_pushstring(L, buf);
	return 1;
}

/* --- alert{} ----------------------------------------------------------------------- */

/* A one-line string field of alert{} (NULL if absent and optional). */
static const char *
alert_text(lua_State *L, const char *field, size_t max, int required, int multiline)
{
	char why[CDN_WHY_MAX];
	const char *s;
	size_t len;
	int t = lua_getfield(L, 1, field);

	if (t == LUA_TNIL) {
		lua_pop(L, 1);
		if (required)
			luaL_error(L, "alert: %s is required", field);
		return NULL;
	}
	if (t == LUA_TNUMBER && strcmp(field, "key") == 0)
		lua_tostring(L, -1);	/* a number is a fine key: use its text */
	else if (t != LUA_TSTRING)
		luaL_error(L, "alert: %s must be a string", field);
	s = lua_tolstring(L, -1, &len);
	if (len == 0 || len > max)
		luaL_error(L, "alert: %s must be 1 to %d bytes (it is %d)", field, (int)max,
		    (int)len);
	if (strlen(s) != len)
		luaL_error(L, "alert: %s holds a NUL byte", field);
	/* The rule every record's text obeys: an alert that could not be
	 * stored is this rule's error, found here, not the others' loss. */
	if (cdn_check_text(s, len, multiline, why) != 0)
		luaL_error(L, "alert: %s %s", field, why);
	return s;		/* left on the stack, which keeps it alive */
}

static void
raise_free(struct cdn_raise *r)
{
	free(r->key);
	free(r->title);
	free(r->explain);
	json_decref(r->refs);
}

static int
l_alert(lua_State *L)
{
	static const char *const known[] = { "key", "title", "explain", "refs", "severity", NULL };
	struct cdn_rule_call *c = call_of(L);
	const char *key, *title, *explain, *sev;
	struct cdn_raise r = { 0 };
	json_t *refs;
	int severity;

	luaL_checktype(L, 1, LUA_TTABLE);
	lua_pushnil(L);
	while (lua_next(L, 1) != 0) {
		const char *const *k = known;

		if (lua_type(L, -2) == LUA_TSTRING)
			for (; *k && strcmp(*k, lua_tostring(L, -2)) != 0; k++)
				;
		if (lua_type(L, -2) != LUA_TSTRING || !*k)
			return luaL_error(L, "alert: unknown field %s (known: key, title, explain, "
			    "refs, severity)", lua_type(L, -2) == LUA_TSTRING ?
			    lua_tostring(L, -2) : luaL_typename(L, -2));
		lua_pop(L, 1);
	}
	key = alert_text(L, "key", CDN_ALERT_KEY_MAX, 1, 0);
	title = alert_text(L, "title", CDN_RULE_TITLE_MAX, 1, 0);
	explain = alert_text(L, "explain", CDN_ALERT_EXPLAIN_MAX, 0, 1);
	sev = alert_text(L, "severity", 16, 0, 0);
	severity = sev ? cdn_severity_parse(sev) : c->def->severity;
	if (severity < 0)
		return luaL_error(L, "alert: severity must be low, medium, high or critical");
	if (!c->h)
		return luaL_error(L, "alert: only check() may raise alerts");

	/* refs: ids of records that exist, each once. They are checked on
	 * the stack first, so nothing of C's is held while Lua may raise. */
	int base = lua_gettop(L), nref = 0;

	if (lua_getfield(L, 1, "refs") != LUA_TNIL) {
		int tab = lua_gettop(L);
		lua_Integer n;

		if (lua_type(L, tab) != LUA_TTABLE)
			return luaL_error(L, "alert: refs must be an array of record ids");
		n = luaL_len(L, tab);
		if (n > CDN_ALERT_REFS_MAX)
			return luaL_error(L, "alert: refs holds %d ids, more than %d", (int)n,
			    CDN_ALERT_REFS_MAX);
		luaL_checkstack(L, (int)n + 2, "alert: refs");
		for (lua_Integer i = 1; i <= n; i++, nref++) {
			const char *id;
			int rc;

			lua_geti(L, tab, i);
			if (lua_type(L, -1) != LUA_TSTRING)
				return luaL_error(L, "alert: refs[%d] is not a record id", (int)i);
			id = lua_tostring(L, -1);
			if ((rc = cdn_record_exists(c->txn, id)) < 0) {
				char msg[CDN_MESSAGE_MAX];

				snprintf(msg, sizeof msg, "%s", cdn_error_last()->message);
				cdn_error_clear();
				return luaL_error(L, "alert: refs[%d]: %s", (int)i, msg);
			}
			if (rc == 0)
				return luaL_error(L, "alert: refs[%d]: no record %s", (int)i,
				    strlen(id) > 40 ? "with that id" : id);
		}
		base++;
	}
	/* What the raise holds in C until the run takes it counts against
	 * the rule's limits, as its Lua memory does. */
	cdn_sandbox_hold(L, sizeof r + strlen(key) + strlen(title) + (explain ? strlen(explain) : 0) +
	    (size_t)nref * 96 + 128);
	if ((refs = json_array()) == NULL)
		return luaL_error(L, "alert: out of memory");
	r.refs = refs;
	for (int i = 1; i <= nref; i++) {
		const char *id = lua_tostring(L, base + i);
		json_t *v;
		size_t j;

		json_array_foreach(refs, j, v)
			if (strcmp(json_string_value(v), id) == 0)
				break;
		if (j == json_array_size(refs) && json_array_append_new(refs, json_string(id)) != 0) {
			raise_free(&r);
			return luaL_error(L, "alert: out of memory");
		}
	}
	r.rule = c->rule;
	r.order = c->order;
	r.severity = severity;
	snprintf(r.record, sizeof r.record, "%s", c->record ? c->record : "");
	r.key = strdup(key);
	r.title = strdup(title);
	r.explain = explain ? strdup(explain) : NULL;
	if (!r.key || !r.title || (explain && !r.explain)) {
		raise_free(&r);
		return luaL_error(L, "alert: out of memory");
	}
	if (cdn_grow(&c->h->r, &c->h->rcap, c->h->nr + 1, sizeof *c->h->r, 16) != 0) {
		raise_free(&r);
		return luaL_error(L, "alert: out of memory");
	}
	c->h->r[c->h->nr++] = r;
	return 0;
}

void
cdn_harvest_clear(struct cdn_harvest *h)
{
	for (size_t i = 0; i < h->nr; i++)
		raise_free(&h->r[i]);
	for (size_t i = 0; i < h->ne; i++)
		free(h->e[i].message);
	free(h->r);
	free(h->e);
	memset(h, 0, sizeof *h);
}

/* --- binding ------------------------------------------------------------------------ */

void
cdn_ruleapi_open(struct cdn_sandbox *sb)
{
	static const luaL_Reg api[] = {
		{ "get", l_get },
		{ "find", l_find },
		{ "count", l_count },
		{ "stats", l_stats },
		{ "links", l_links },
		{ "neighbors", l_neighbors },
		{ "fold", l_fold },
		{ "time", l_time },
		{ "days_before", l_days_before },
		{ NULL, NULL }
	};
	lua_State *L = cdn_sandbox_lua(sb);

	cdn_luarec_open(L);
	cdn_sandbox_push_env(sb);
	luaL_newlib(L, api);
	lua_setfield(L, -2, "cordon");
	lua_pushcfunction(L, l_alert);
	lua_setfield(L, -2, "alert");
	lua_pop(L, 1);
}
