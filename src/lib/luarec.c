/*
 * luarec.c - records as Lua tables or lazy read-only views (luarec.h).
 */
#include <string.h>

#include <lauxlib.h>

#include "luarec.h"

#define VIEW "cordon.record"

struct view {
	json_t *j;
};

static void push_table(lua_State *L, json_t *v);

static void
push_view(lua_State *L, json_t *v)
{
	struct view *w = lua_newuserdatauv(L, sizeof *w, 0);

	/* Referenced only once the userdata exists: a memory error above
	 * leaves nothing to release. */
	w->j = json_incref(v);
	luaL_setmetatable(L, VIEW);
}

void
cdn_luarec_push(lua_State *L, json_t *v, int lazy)
{
	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_OBJECT:
	case JSON_ARRAY:
		if (lazy)
			push_view(L, v);
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
			cdn_luarec_push(L, item, 0);
			lua_rawseti(L, -2, (lua_Integer)i + 1);
		}
		return;
	}
	lua_createtable(L, 0, (int)json_object_size(v));
	json_object_foreach(v, key, item) {
		cdn_luarec_push(L, item, 0);
		lua_setfield(L, -2, key);
	}
}

json_t *
cdn_luarec_json(lua_State *L, int idx)
{
	struct view *w = luaL_testudata(L, idx, VIEW);

	return w ? w->j : NULL;
}

static json_t *
check_view(lua_State *L)
{
	return ((struct view *)luaL_checkudata(L, 1, VIEW))->j;
}

static int
v_index(lua_State *L)
{
	json_t *j = check_view(L);

	if (json_is_object(j)) {
		const char *k = lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : NULL;

		cdn_luarec_push(L, k ? json_object_get(j, k) : NULL, 1);
	} else {
		int ok;
		lua_Integer i = lua_tointegerx(L, 2, &ok);

		cdn_luarec_push(L, ok && i >= 1 ? json_array_get(j, (size_t)(i - 1)) : NULL, 1);
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
		cdn_luarec_push(L, json_array_get(j, (size_t)i), 1);
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
	cdn_luarec_push(L, json_object_iter_value(it), 1);
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
v_gc(lua_State *L)
{
	struct view *w = luaL_checkudata(L, 1, VIEW);

	json_decref(w->j);
	w->j = NULL;
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
		{ "__gc", v_gc },
		{ NULL, NULL }
	};

	luaL_newmetatable(L, VIEW);
	luaL_setfuncs(L, meta, 0);
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");	/* getmetatable(view) is false */
	lua_pop(L, 1);
}
