/*
 * runner.c - one thread's rules: each in its own sandbox, loaded once,
 * then called on record after record (rules.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "grow.h"
#include "cordon/error.h"
#include "cordon/text.h"
#include "luarec.h"
#include "recform.h"
#include "rules.h"
#include "sandbox.h"

struct slot {
	struct cdn_sandbox *sb;
	int check_ref;			/* the rule's check function */
	char *load_error;		/* why it could not be loaded */
	struct cdn_rule_call call;
};

struct cdn_runner {
	const struct cdn_ruledef *defs;
	size_t n;
	struct slot *slots;
	int lazy;
};

void
cdn_ruledef_clear(struct cdn_ruledef *d)
{
	free(d->src);
	memset(d, 0, sizeof *d);
}

static void
print_to(void *arg, const char *text, size_t len)
{
	struct cdn_rule_call *c = arg;

	if (c->print)
		c->print(c->print_arg, c->def->name, text, len);
}

/*
 * A sandbox with the API bound, the rule's file run in it: its result (a
 * table) is left on the stack. The message of a failure goes to `err`.
 */
static int
load_rule(const struct cdn_ruledef *d, const char *src, size_t len,
    const struct cdn_rule_limits *lim, struct cdn_rule_call *call,
    struct cdn_sandbox **out, char *err, size_t cap)
{
	char chunk[CDN_RULE_NAME_MAX + 8];
	int rc;

	if ((rc = cdn_sandbox_new(lim, out)) != 0) {
		snprintf(err, cap, "%s", cdn_error_last()->message);
		return rc;
	}
	cdn_sandbox_set_user(*out, call);
	cdn_sandbox_set_print(*out, print_to, call);
	cdn_ruleapi_open(*out);
	snprintf(chunk, sizeof chunk, "%s.lua", d && d->name[0] ? d->name : "rule");
	if ((rc = cdn_sandbox_load(*out, src, len, chunk)) != 0) {
		snprintf(err, cap, "%s", cdn_sandbox_error(*out));
		return rc;
	}
	if (!lua_istable(cdn_sandbox_lua(*out), -1)) {
		snprintf(err, cap, "%s: the file must return a table (return { name = …, check = "
		    "function(rec) … end })", chunk);
		return CDN_EINVAL;
	}
	return 0;
}

/* A string field of the rule table at the top of L. */
static int
def_string(lua_State *L, const char *field, size_t max, char *out, char *err, size_t cap)
{
	size_t len;
	const char *s;

	if (lua_getfield(L, -1, field) != LUA_TSTRING) {
		snprintf(err, cap, "%s: required, a string", field);
		lua_pop(L, 1);
		return CDN_EINVAL;
	}
	s = lua_tolstring(L, -1, &len);
	if (len == 0 || len > max || strlen(s) != len) {
		snprintf(err, cap, "%s: must be 1 to %zu characters", field, max);
		lua_pop(L, 1);
		return CDN_EINVAL;
	}
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f) {
			snprintf(err, cap, "%s: holds a control character", field);
			lua_pop(L, 1);
			return CDN_EINVAL;
		}
	memcpy(out, s, len + 1);
	lua_pop(L, 1);
	return 0;
}

static int
read_def(lua_State *L, struct cdn_ruledef *d, char *err, size_t cap)
{
	static const char *const known[] = { "name", "title", "severity", "on", "check",
		"description", NULL };
	char sev[32];
	int rc;

	/* A typo in a field name must not pass unnoticed. */
	lua_pushnil(L);
	while (lua_next(L, -2) != 0) {
		const char *const *k = known;

		lua_pop(L, 1);
		if (lua_type(L, -1) == LUA_TSTRING)
			for (; *k && strcmp(*k, lua_tostring(L, -1)) != 0; k++)
				;
		if (lua_type(L, -1) != LUA_TSTRING || !*k) {
			snprintf(err, cap, "%s: unknown field (known: name, title, severity, on, "
			    "check, description)", lua_type(L, -1) == LUA_TSTRING ?
			    lua_tostring(L, -1) : "a non-string key");
			lua_pop(L, 1);
			return CDN_EINVAL;
		}
	}
	if ((rc = def_string(L, "name", CDN_RULE_NAME_MAX, d->name, err, cap)) != 0)
		return rc;
	for (const char *p = d->name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-')) {
			snprintf(err, cap, "name: '%s' may hold only a-z, 0-9 and -", d->name);
			return CDN_EINVAL;
		}
	if ((rc = def_string(L, "title", CDN_RULE_TITLE_MAX, d->title, err, cap)) != 0)
		return rc;
	if ((rc = def_string(L, "severity", sizeof sev - 1, sev, err, cap)) != 0)
		return rc;
	if ((d->severity = cdn_severity_parse(sev)) < 0) {
		snprintf(err, cap, "severity: '%s' is not low, medium, high or critical", sev);
		return CDN_EINVAL;
	}
	if (lua_getfield(L, -1, "on") != LUA_TTABLE || luaL_len(L, -1) < 1) {
		snprintf(err, cap, "on: required, a list of record kinds ({ \"seizure\" })");
		lua_pop(L, 1);
		return CDN_EINVAL;
	}
	d->on = 0;
	for (lua_Integer i = 1; i <= luaL_len(L, -1); i++) {
		int k = -1;

		if (lua_geti(L, -1, i) == LUA_TSTRING)
			k = cdn_kind_parse(lua_tostring(L, -1));
		if (k < 0 || !((1u << k) & CDN_RULE_KINDS)) {
			snprintf(err, cap, "on[%d]: not a kind a rule can watch (case, seizure, "
			    "entity, route, link, evidence)", (int)i);
			lua_pop(L, 2);
			return CDN_EINVAL;
		}
		d->on |= 1u << k;
		lua_pop(L, 1);
	}
	lua_pop(L, 1);
	if (lua_getfield(L, -1, "check") != LUA_TFUNCTION) {
		snprintf(err, cap, "check: required, a function(rec)");
		lua_pop(L, 1);
		return CDN_EINVAL;
	}
	lua_pop(L, 1);
	return 0;
}

int
cdn_ruledef_parse(const char *src, size_t len, const struct cdn_rule_limits *lim,
    struct cdn_ruledef *d)
{
	struct cdn_rule_call call = { 0 };
	struct cdn_sandbox *sb = NULL;
	char err[512];
	int rc;

	memset(d, 0, sizeof *d);
	call.def = d;
	if ((rc = load_rule(NULL, src, len, lim, &call, &sb, err, sizeof err)) == 0)
		rc = read_def(cdn_sandbox_lua(sb), d, err, sizeof err);
	cdn_sandbox_free(sb);
	if (rc != 0)
		cdn_text_line(err);
	if (rc == CDN_ENOMEM)
		return cdn_error_set(rc, NULL, "%s", err);
	if (rc != 0)
		return cdn_error_set(CDN_EINVAL, NULL, "%s", err);
	if ((d->src = malloc(len + 1)) == NULL)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	memcpy(d->src, src, len);
	d->src[len] = '\0';
	d->len = len;
	return 0;
}

int
cdn_runner_new(const struct cdn_ruledef *defs, size_t n, const struct cdn_rule_limits *lim,
    int lazy, struct cdn_runner **out)
{
	struct cdn_runner *r = calloc(1, sizeof *r);
	char err[512];

	*out = NULL;
	err[0] = '\0';
	if (!r || (r->slots = calloc(n ? n : 1, sizeof *r->slots)) == NULL) {
		free(r);
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	}
	r->defs = defs;
	r->n = n;
	r->lazy = lazy;
	for (size_t i = 0; i < n; i++) {
		struct slot *s = &r->slots[i];

		s->check_ref = LUA_NOREF;
		s->call.def = &defs[i];
		s->call.rule = (int)i;
		s->call.lazy = lazy;
		/* A rule that loaded when it was added may not now (other
		 * limits): it fails on every record, the others run. */
		if (load_rule(&defs[i], defs[i].src, defs[i].len, lim, &s->call, &s->sb, err,
		    sizeof err) != 0) {
			cdn_text_line(err);
			if ((s->load_error = strdup(err)) == NULL) {
				cdn_runner_free(r);
				return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
			}
			continue;
		}
		lua_State *L = cdn_sandbox_lua(s->sb);

		lua_getfield(L, -1, "check");
		s->check_ref = luaL_ref(L, LUA_REGISTRYINDEX);
		lua_pop(L, 1);
	}
	*out = r;
	return 0;
}

void
cdn_runner_free(struct cdn_runner *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		cdn_sandbox_free(r->slots[i].sb);
		free(r->slots[i].load_error);
	}
	free(r->slots);
	free(r);
}

void
cdn_runner_set_txn(struct cdn_runner *r, struct cdn_txn *txn)
{
	for (size_t i = 0; i < r->n; i++)
		r->slots[i].call.txn = txn;
}

void
cdn_runner_set_print(struct cdn_runner *r, void (*fn)(void *arg, const char *rule,
    const char *text, size_t len), void *arg)
{
	for (size_t i = 0; i < r->n; i++) {
		r->slots[i].call.print = fn;
		r->slots[i].call.print_arg = arg;
	}
}

void
cdn_runner_release(struct cdn_runner *r)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->slots[i].sb)
			cdn_sandbox_release(r->slots[i].sb);
}

const char *
cdn_runner_load_error(const struct cdn_runner *r, int rule)
{
	return r->slots[rule].load_error;
}

int
cdn_harvest_error(struct cdn_harvest *h, int rule, uint64_t order, const char *record,
    const char *message)
{
	struct cdn_rerror *e;

	if (cdn_grow(&h->e, &h->ecap, h->ne + 1, sizeof *h->e, 8) != 0)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	e = &h->e[h->ne];
	e->rule = rule;
	e->order = order;
	snprintf(e->record, sizeof e->record, "%s", record);
	if ((e->message = strdup(message)) == NULL)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	/* Every message kept or shown is one line of whole characters. */
	cdn_text_line(e->message);
	cdn_text_line(e->record);
	h->ne++;
	return 0;
}

struct handed {
	json_t *rec;
	const msgpack_object *stored;
};

/* Push the record for the rule: a view, or a table built whole. */
static int
push_rec(lua_State *L)
{
	struct slot *s = lua_touserdata(L, 1);
	const struct handed *hd = lua_touserdata(L, 2);

	if (hd->stored)
		cdn_luarec_push_stored(L, hd->stored, s->call.lazy);
	else
		cdn_luarec_push(L, hd->rec, s->call.lazy);
	return 1;
}

int
cdn_runner_record(struct cdn_runner *r, enum cdn_kind kind, json_t *rec,
    const msgpack_object *stored, uint64_t order, struct cdn_harvest *h)
{
	struct handed hd = { rec, stored };
	char idbuf[CDN_ID_MAX];
	const char *id;
	int rc;

	id = stored ? cdn_rec_path_str(stored, "id", idbuf, sizeof idbuf) :
	    json_string_value(json_object_get(rec, "id"));

	for (size_t i = 0; i < r->n; i++) {
		struct slot *s = &r->slots[i];
		lua_State *L;

		if (!(r->defs[i].on & (1u << kind)))
			continue;
		h->calls++;
		if (!s->sb) {
			if ((rc = cdn_harvest_error(h, (int)i, order, id ? id : "", s->load_error)) != 0)
				return rc;
			continue;
		}
		L = cdn_sandbox_lua(s->sb);
		s->call.record = id;
		s->call.order = order;
		s->call.h = h;
		lua_rawgeti(L, LUA_REGISTRYINDEX, s->check_ref);
		/* The record is made in protected mode too: a rule near its
		 * memory cap may not have room for it. */
		lua_pushcfunction(L, push_rec);
		lua_pushlightuserdata(L, s);
		lua_pushlightuserdata(L, &hd);
		if (lua_pcall(L, 2, 1, 0) != LUA_OK) {
			lua_pop(L, 2);
			rc = cdn_harvest_error(h, (int)i, order, id ? id : "",
			    "no memory left to hand it the record");
		} else {
			rc = cdn_sandbox_call(s->sb, 1, 0) == 0 ? 0 :
			    cdn_harvest_error(h, (int)i, order, id ? id : "", cdn_sandbox_error(s->sb));
		}
		cdn_luarec_release(L);
		s->call.h = NULL;
		s->call.record = NULL;
		if (rc != 0)
			return rc;
	}
	return 0;
}
