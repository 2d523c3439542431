/*
 * luarec.h - records as Lua values, shaped exactly like their JSON:
 * objects and arrays as tables indexed by key and from 1, strings, numbers
 * and booleans as themselves.
 *
 * Two ways, chosen by the caller (doc/rules.md says which the engine uses
 * and why): full tables built at once, or read-only views (userdata
 * "cordon.record") that turn a field into a Lua value only when the rule
 * reads it. Views support indexing, #, pairs, ipairs, == and tostring;
 * assigning to one is an error.
 *
 * A view is of a JSON tree or of a record's stored form unpacked (a
 * msgpack object: recform.h), which spares building the tree at all.
 *
 * Views last for one call of the rule: the records behind them are held
 * until cdn_luarec_release, and a view kept past it refuses to be read.
 * That bounds the memory records take to what one call reads, which the
 * Lua collector alone would not do: it cannot see memory outside Lua.
 */
#ifndef CORDON_LUAREC_H
#define CORDON_LUAREC_H

#include <jansson.h>
#include <lua.h>
#include <msgpack.h>

/* Make the views' metatable in state L (once, before any push). */
void cdn_luarec_open(lua_State *L);

/* Push `v` (a view or a table for objects and arrays); nil for NULL or
 * JSON null. A view holds `v` until the next release. May raise a memory
 * error. */
void cdn_luarec_push(lua_State *L, json_t *v, int lazy);
/* The same for a stored form: the caller keeps `v`, and the memory and
 * bytes it points into, until the next release. */
void cdn_luarec_push_stored(lua_State *L, const msgpack_object *v, int lazy);
/* End the views made so far: release their records. */
void cdn_luarec_release(lua_State *L);

/* The JSON behind a view at `idx` (a new reference; made from a stored
 * form's view), or NULL if it is not a view. */
json_t *cdn_luarec_json(lua_State *L, int idx);

#endif
