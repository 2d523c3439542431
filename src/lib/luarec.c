/*
 * luarec.c - records as Lua tables or lazy read-only views (luarec.h).
 */
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "grow.h"
#include "luarec.h"

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

struct view {
	json_t *j;
	uint32_t gen;
};

static void push_table(lua_State *L, json_t *v);
static void push_value(lua_State *L, json_t *v, int lazy, struct scope *sc);

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
push_view(lua_State *L, json_t *v, struct scope *sc)
{
	struct view *w = lua_newuserdatauv(L, sizeof *w, 0);

	w->j = v;
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
			push_view(L, v, sc);
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

	return w && w->gen == scope_of(L)->gen ? w->j : NULL;
}

static json_t *
check_view(lua_State *L)
{
	struct view *w = luaL_checkudata(L, 1, VIEW);

	if (w->gen != scope_of(L)->gen)
		luaL_error(L, "a record from an earlier call of check() can no longer be read "
		    "(copy the fields you need into a table of your own)");
	return w->j;
}

static int
v_index(lua_State *L)
{
	json_t *j = check_view(L);

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
	json_t *j = check_view(L);

	lua_pushinteger(L, json_is_array(j) ? (lua_Integer)json_array_size(j) : 0);
	return 1;
}

/* pairs(): next(view, key) in the object's order, or over the array. */
static int
v_next(lua_State *L)
{
	json_t *j = check_view(L);

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
	json_t *a = cdn_luarec_json(L, 1), *b = cdn_luarec_json(L, 2);

	lua_pushboolean(L, a && b && (a == b || json_equal(a, b)));
	return 1;
}

static int
v_tostring(lua_State *L)
{
	json_t *j = check_view(L);
	const char *id = json_string_value(json_object_get(j, "id"));

	if (id)
		lua_pushfstring(L, "record %s", id);
	else
		lua_pushstring(L, json_is_array(j) ? "array (record)" : "object (record)");
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
