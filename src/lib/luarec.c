/*
 * luarec.c - records as Lua tables or lazy read-only views (luarec.h).
 */
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "grow.h"
#include "luarec.h"
#include "recform.h"

#define VIEW "cordon.record"

/*
 * The records views point into during one call of check(): each held
 * once, released together when the call ends. A view is a borrowed
 * pointer and the generation it was made in; once the generation has
 * moved on, it refuses to be read.
 */
struct scope {
	json_t **held;
	size_t n, cap;
	uint32_t gen;
};

static const char scope_key = 's';

/* A view of a JSON tree (j) or of a stored form (m). */
struct view {
	json_t *j;
	const msgpack_object *m;
	uint32_t gen;
};

static void push_table(lua_State *L, json_t *v);
static void push_value(lua_State *L, json_t *v, int lazy, struct scope *sc);
static void push_table_m(lua_State *L, const msgpack_object *v);

static struct scope *
scope_of(lua_State *L)
{
	struct scope *sc;

	lua_rawgetp(L, LUA_REGISTRYINDEX, &scope_key);
	sc = lua_touserdata(L, -1);
	lua_pop(L, 1);
	return sc;
}

static void
push_view(lua_State *L, json_t *v, const msgpack_object *m, struct scope *sc)
{
	struct view *w = lua_newuserdatauv(L, sizeof *w, 0);

	w->j = v;
	w->m = m;
	w->gen = sc->gen;
	luaL_setmetatable(L, VIEW);
}

static void
push_value(lua_State *L, json_t *v, int lazy, struct scope *sc)
{
	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_OBJECT:
	case JSON_ARRAY:
		if (lazy)
			push_view(L, v, NULL, sc);
		else
			push_table(L, v);
		break;
	case JSON_STRING:
		lua_pushlstring(L, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		lua_pushinteger(L, (lua_Integer)json_integer_value(v));
		break;
	case JSON_REAL:
		lua_pushnumber(L, json_real_value(v));
		break;
	case JSON_TRUE:
		lua_pushboolean(L, 1);
		break;
	case JSON_FALSE:
		lua_pushboolean(L, 0);
		break;
	default:
		lua_pushnil(L);
	}
}

/* The same for a stored form's value, as its JSON would be. */
static void
push_value_m(lua_State *L, const msgpack_object *v, int lazy, struct scope *sc)
{
	switch (v ? v->type : MSGPACK_OBJECT_NIL) {
	case MSGPACK_OBJECT_MAP:
	case MSGPACK_OBJECT_ARRAY:
		if (lazy)
			push_view(L, NULL, v, sc);
		else
			push_table_m(L, v);
		break;
	case MSGPACK_OBJECT_STR:
		lua_pushlstring(L, v->via.str.ptr, v->via.str.size);
		break;
	case MSGPACK_OBJECT_POSITIVE_INTEGER:
		if (v->via.u64 <= (uint64_t)LUA_MAXINTEGER)
			lua_pushinteger(L, (lua_Integer)v->via.u64);
		else
			lua_pushnumber(L, (lua_Number)v->via.u64);
		break;
	case MSGPACK_OBJECT_NEGATIVE_INTEGER:
		lua_pushinteger(L, (lua_Integer)v->via.i64);
		break;
	case MSGPACK_OBJECT_FLOAT32:
	case MSGPACK_OBJECT_FLOAT64:
		lua_pushnumber(L, v->via.f64);
		break;
	case MSGPACK_OBJECT_BOOLEAN:
		lua_pushboolean(L, v->via.boolean);
		break;
	default:
		lua_pushnil(L);
	}
}

static void
push_table_m(lua_State *L, const msgpack_object *v)
{
	luaL_checkstack(L, 4, "record too deep");
	if (v->type == MSGPACK_OBJECT_ARRAY) {
		lua_createtable(L, (int)v->via.array.size, 0);
		for (uint32_t i = 0; i < v->via.array.size; i++) {
			push_value_m(L, &v->via.array.ptr[i], 0, NULL);
			lua_rawseti(L, -2, (lua_Integer)i + 1);
		}
		return;
	}
	lua_createtable(L, 0, (int)v->via.map.size);
	for (uint32_t i = 0; i < v->via.map.size; i++) {
		const msgpack_object_kv *kv = &v->via.map.ptr[i];

		if (kv->key.type != MSGPACK_OBJECT_STR)
			continue;
		lua_pushlstring(L, kv->key.via.str.ptr, kv->key.via.str.size);
		push_value_m(L, &kv->val, 0, NULL);
		lua_rawset(L, -3);
	}
}

void
cdn_luarec_push_stored(lua_State *L, const msgpack_object *v, int lazy)
{
	push_value_m(L, v, lazy, lazy ? scope_of(L) : NULL);
}

void
cdn_luarec_push(lua_State *L, json_t *v, int lazy)
{
	struct scope *sc = NULL;

	if (lazy && (json_is_object(v) || json_is_array(v))) {
		sc = scope_of(L);
		if (cdn_grow(&sc->held, &sc->cap, sc->n + 1, sizeof *sc->held, 16) != 0)
			luaL_error(L, "not enough memory");
		sc->held[sc->n++] = json_incref(v);
	}
	push_value(L, v, lazy, sc);
}

void
cdn_luarec_release(lua_State *L)
{
	struct scope *sc = scope_of(L);

	sc->gen++;
	for (size_t i = 0; i < sc->n; i++)
		json_decref(sc->held[i]);
	sc->n = 0;
}

static void
push_table(lua_State *L, json_t *v)
{
	json_t *item;
	const char *key;
	size_t i;

	luaL_checkstack(L, 4, "record too deep");
	if (json_is_array(v)) {
		lua_createtable(L, (int)json_array_size(v), 0);
		json_array_foreach(v, i, item) {
			push_value(L, item, 0, NULL);
			lua_rawseti(L, -2, (lua_Integer)i + 1);
		}
		return;
	}
	lua_createtable(L, 0, (int)json_object_size(v));
	json_object_foreach(v, key, item) {
		push_value(L, item, 0, NULL);
		lua_setfield(L, -2, key);
	}
}

json_t *
cdn_luarec_json(lua_State *L, int idx)
{
	struct view *w = luaL_testudata(L, idx, VIEW);

	if (!w || w->gen != scope_of(L)->gen)
		return NULL;
	return w->m ? cdn_rec_view_json(w->m) : json_incref(w->j);
}

static struct view *
check_view(lua_State *L)
{
	struct view *w = luaL_checkudata(L, 1, VIEW);

	if (w->gen != scope_of(L)->gen)
		luaL_error(L, "a record from an earlier call of check() can no longer be read "
		    "(copy the fields you need into a table of your own)");
	return w;
}

static int
v_index_m(lua_State *L, const msgpack_object *m)
{
	const msgpack_object *found = NULL;

	if (m->type == MSGPACK_OBJECT_MAP) {
		size_t n = 0;
		const char *k = lua_type(L, 2) == LUA_TSTRING ? lua_tolstring(L, 2, &n) : NULL;

		found = k ? cdn_rec_key(m, k, n, NULL) : NULL;
	} else {
		int ok;
		lua_Integer i = lua_tointegerx(L, 2, &ok);

		if (ok && i >= 1 && (uint64_t)i <= m->via.array.size)
			found = &m->via.array.ptr[i - 1];
	}
	push_value_m(L, found, 1, scope_of(L));
	return 1;
}

static int
v_index(lua_State *L)
{
	struct view *w = check_view(L);
	json_t *j = w->j;

	if (w->m)
		return v_index_m(L, w->m);
	if (json_is_object(j)) {
		const char *k = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : NULL;

		push_value(L, k ? json_object_get(j, k) : NULL, 1, scope_of(L));
	} else {
		int ok;
		lua_Integer i = lua_tointegerx(L, 2, &ok);

		push_value(L, ok && i >= 1 ? json_array_get(j, (size_t)(i - 1)) : NULL, 1, scope_of(L));
	}
	return 1;
}

static int
v_newindex(lua_State *L)
{
	return luaL_error(L, "records are read-only (copy what you need into a table of your own)");
}

static int
v_len(lua_State *L)
{
	struct view *w = check_view(L);

	if (w->m)
		lua_pushinteger(L, w->m->type == MSGPACK_OBJECT_ARRAY ?
		    (lua_Integer)w->m->via.array.size : 0);
	else
		lua_pushinteger(L, json_is_array(w->j) ? (lua_Integer)json_array_size(w->j) : 0);
	return 1;
}

static int
v_next_m(lua_State *L, const msgpack_object *m)
{
	uint32_t i = 0;

	if (m->type == MSGPACK_OBJECT_ARRAY) {
		lua_Integer k = lua_isnil(L, 2) ? 0 : luaL_checkinteger(L, 2);

		if (k < 0 || (uint64_t)k >= m->via.array.size)
			return 0;
		lua_pushinteger(L, k + 1);
		push_value_m(L, &m->via.array.ptr[k], 1, scope_of(L));
		return 2;
	}
	if (!lua_isnil(L, 2)) {
		size_t n;
		const char *k = luaL_checklstring(L, 2, &n);

		if (!cdn_rec_key(m, k, n, &i))
			return luaL_error(L, "invalid key to 'next'");
		i++;
	}
	while (i < m->via.map.size && m->via.map.ptr[i].key.type != MSGPACK_OBJECT_STR)
		i++;
	if (i >= m->via.map.size)
		return 0;
	lua_pushlstring(L, m->via.map.ptr[i].key.via.str.ptr, m->via.map.ptr[i].key.via.str.size);
	push_value_m(L, &m->via.map.ptr[i].val, 1, scope_of(L));
	return 2;
}

/* pairs(): next(view, key) in the object's order, or over the array. */
static int
v_next(lua_State *L)
{
	struct view *w = check_view(L);
	json_t *j = w->j;

	if (w->m)
		return v_next_m(L, w->m);
	if (json_is_array(j)) {
		lua_Integer i = lua_isnil(L, 2) ? 0 : luaL_checkinteger(L, 2);

		if (i < 0 || (size_t)i >= json_array_size(j))
			return 0;
		lua_pushinteger(L, i + 1);
		push_value(L, json_array_get(j, (size_t)i), 1, scope_of(L));
		return 2;
	}
	void *it;

	if (lua_isnil(L, 2)) {
		it = json_object_iter(j);
	} else {
		it = json_object_iter_at(j, luaL_checkstring(L, 2));
		if (!it)
			return luaL_error(L, "invalid key to 'next'");
		it = json_object_iter_next(j, it);
	}
	if (!it)
		return 0;
	lua_pushstring(L, json_object_iter_key(it));
	push_value(L, json_object_iter_value(it), 1, scope_of(L));
	return 2;
}

static int
v_pairs(lua_State *L)
{
	check_view(L);
	lua_pushcfunction(L, v_next);
	lua_pushvalue(L, 1);
	lua_pushnil(L);
	return 3;
}

static int
v_eq(lua_State *L)
{
	struct view *x = luaL_testudata(L, 1, VIEW), *y = luaL_testudata(L, 2, VIEW);
	json_t *a, *b;

	if (x && y && x->m && y->m && x->gen == scope_of(L)->gen && y->gen == x->gen) {
		lua_pushboolean(L, x->m == y->m || msgpack_object_equal(*x->m, *y->m));
		return 1;
	}
	a = cdn_luarec_json(L, 1);
	b = cdn_luarec_json(L, 2);
	lua_pushboolean(L, a && b && (a == b || json_equal(a, b)));
	json_decref(a);
	json_decref(b);
	return 1;
}

static int
v_tostring(lua_State *L)
{
	struct view *w = check_view(L);
	const msgpack_object *mid = w->m ? cdn_rec_key(w->m, "id", 2, NULL) : NULL;
	int array = w->m ? w->m->type == MSGPACK_OBJECT_ARRAY : json_is_array(w->j);

	if (mid && mid->type == MSGPACK_OBJECT_STR)
		lua_pushfstring(L, "record %s", lua_pushlstring(L, mid->via.str.ptr,
		    mid->via.str.size));
	else if (!w->m && json_string_value(json_object_get(w->j, "id")))
		lua_pushfstring(L, "record %s", json_string_value(json_object_get(w->j, "id")));
	else
		lua_pushstring(L, array ? "array (record)" : "object (record)");
	return 1;
}

static int
scope_gc(lua_State *L)
{
	struct scope *sc = lua_touserdata(L, 1);

	for (size_t i = 0; i < sc->n; i++)
		json_decref(sc->held[i]);
	free(sc->held);
	sc->held = NULL;
	sc->n = sc->cap = 0;
	return 0;
}

void
cdn_luarec_open(lua_State *L)
{
	static const luaL_Reg meta[] = {
		{ "__index", v_index },
		{ "__newindex", v_newindex },
		{ "__len", v_len },
		{ "__pairs", v_pairs },
		{ "__eq", v_eq },
		{ "__tostring", v_tostring },
		{ NULL, NULL }
	};

	struct scope *sc = lua_newuserdatauv(L, sizeof *sc, 0);

	memset(sc, 0, sizeof *sc);
	lua_createtable(L, 0, 1);
	lua_pushcfunction(L, scope_gc);
	lua_setfield(L, -2, "__gc");
	lua_setmetatable(L, -2);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &scope_key);

	luaL_newmetatable(L, VIEW);
	luaL_setfuncs(L, meta, 0);
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");	/* getmetatable(view) is false */
	lua_pop(L, 1);
}
