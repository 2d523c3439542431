/*
 * sandbox.c - a Lua state a rule cannot escape, stall or bloat (see
 * sandbox.h; the reasons behind each guard are in doc/rules.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lualib.h>

#include "cordon/error.h"
#include "cordon/text.h"
#include "sandbox.h"

#define HOOK_STEP	1000	/* instructions between budget checks */
#define ERR_MAX		480

/*
 * What C work costs, in instructions, as measured (doc/rules.md, "The
 * sandbox and its limits"): an instruction of a plain Lua loop takes
 * about as long as allocating and filling 3 bytes, as changing the case
 * of 2, as decoding 1 byte of UTF-8 or as one repetition of string.rep.
 * Every byte a rule's state allocates is charged (so every string made,
 * by concatenation or by a library function, pays for its bytes), and
 * the functions that read much and make little are charged what they
 * read.
 */
#define ALLOC_BYTES_PER_UNIT	3
#define CASE_BYTES_PER_UNIT	2
/* A call of a function (of C above all: each step of pairs, ipairs or
 * utf8.codes is one) costs far more than the instruction that makes it. */
#define CALL_UNITS		16
#define MASK			(LUA_MASKCOUNT | LUA_MASKCALL)

struct cdn_sandbox {
	lua_State *L;
	size_t used, cap;
	size_t held;		/* bytes of alerts raised, held in C */
	unsigned alerts, alerts_call;	/* raised in this call, and the most */
	int memhit;		/* the allocator refused this call */
	int64_t left;		/* instructions left in this call */
	uint64_t budget;
	int killed;
	int running;		/* a call is under way: allocations are charged */
	int env_ref;
	void *user;
	cdn_sandbox_print_fn print;
	void *print_arg;
	char err[ERR_MAX];
};

static void kill(struct cdn_sandbox *sb);

/* --- memory ----------------------------------------------------------------- */

static void *
sb_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct cdn_sandbox *sb = ud;
	size_t old = ptr ? osize : 0;
	void *p;

	if (nsize == 0) {
		free(ptr);
		sb->used -= old;
		return NULL;
	}
	/* Lua counts on shrinking never failing; growth past the cap does. */
	if (nsize > old && sb->used + sb->held + (nsize - old) > sb->cap) {
		sb->memhit = 1;
		return NULL;
	}
	if ((p = realloc(ptr, nsize)) == NULL) {
		if (nsize > old)
			sb->memhit = 1;
		return nsize <= old ? ptr : NULL;
	}
	sb->used = sb->used - old + nsize;
	/* Bytes made cost time: a concatenation or a library function
	 * building a string pays for it here. Past the budget, the next
	 * instruction fails (the allocation itself must not). */
	if (nsize > old && sb->running && !sb->killed) {
		sb->left -= (int64_t)((nsize - old) / ALLOC_BYTES_PER_UNIT);
		if (sb->left <= 0)
			kill(sb);
	}
	return p;
}

/* --- time ------------------------------------------------------------------- */

struct cdn_sandbox *
cdn_sandbox_of(lua_State *L)
{
	return *(struct cdn_sandbox **)lua_getextraspace(L);
}

static int
over_budget(lua_State *L)
{
	struct cdn_sandbox *sb = cdn_sandbox_of(L);
	char msg[80];

	/* lua_pushfstring knows no 64-bit formats: the text is made here. */
	snprintf(msg, sizeof msg, "over its budget of %llu instructions",
	    (unsigned long long)sb->budget);
	return luaL_error(L, "%s", msg);
}

static void hook(lua_State *L, lua_Debug *ar);

/* Once the budget is spent the hook fires on every instruction, so a
 * `pcall` in the rule cannot swallow the error and carry on. */
static void
kill(struct cdn_sandbox *sb)
{
	sb->killed = 1;
	lua_sethook(sb->L, hook, MASK, 1);
}

static void
hook(lua_State *L, lua_Debug *ar)
{
	struct cdn_sandbox *sb = cdn_sandbox_of(L);

	if (!sb->killed) {
		sb->left -= ar->event == LUA_HOOKCOUNT ? HOOK_STEP : CALL_UNITS;
		if (sb->left > 0)
			return;
		sb->killed = 1;
	}
	lua_sethook(L, hook, MASK, 1);
	over_budget(L);
}

static void
arm(struct cdn_sandbox *sb)
{
	sb->left = sb->budget > INT64_MAX ? INT64_MAX : (int64_t)sb->budget;
	sb->killed = 0;
	sb->memhit = 0;
	sb->alerts = 0;
	lua_sethook(sb->L, hook, MASK, HOOK_STEP);
}

void
cdn_sandbox_hold(lua_State *L, size_t bytes)
{
	struct cdn_sandbox *sb = cdn_sandbox_of(L);

	if (sb->alerts >= sb->alerts_call)
		luaL_error(L, "alert: more than %d alerts in one call of check()",
		    (int)sb->alerts_call);
	if (sb->used + sb->held + bytes > sb->cap) {
		char msg[160];

		snprintf(msg, sizeof msg, "alert: the alerts it raised would not fit in the rule's "
		    "memory limit of %zu bytes", sb->cap);
		luaL_error(L, "%s", msg);
	}
	sb->alerts++;
	sb->held += bytes;
}

void
cdn_sandbox_release(struct cdn_sandbox *sb)
{
	sb->held = 0;
}

int
cdn_sandbox_spend(struct cdn_sandbox *sb, uint64_t units)
{
	if (sb->killed)
		return 1;
	if (units >= (uint64_t)sb->left) {
		sb->left = 0;
		kill(sb);
		return 1;
	}
	sb->left -= (int64_t)units;
	return 0;
}

int
cdn_sandbox_overdrawn(lua_State *L)
{
	struct cdn_sandbox *sb = cdn_sandbox_of(L);

	kill(sb);
	return over_budget(L);
}

void
cdn_sandbox_charge(lua_State *L, uint64_t units)
{
	if (cdn_sandbox_spend(cdn_sandbox_of(L), units))
		cdn_sandbox_overdrawn(L);
}

/* --- guarded library functions -------------------------------------------------- */

/* Call the original function (upvalue 1) with this call's arguments. */
static int
call_original(lua_State *L)
{
	int n = lua_gettop(L);

	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, n, LUA_MULTRET);
	return lua_gettop(L);
}

/*
 * The worst case of a Lua pattern on a subject of `n` bytes, in matcher
 * steps: every start position (unless anchored) times, for each item that
 * can backtrack over the subject (`*`, `+`, `-`, `%b`, a back-reference),
 * every length it may try, times the items. `?` doubles. Pattern matching
 * runs in C where no hook reaches, so this is what the call is charged.
 */
static double
pattern_cost(const char *p, size_t m, size_t n, int find_like)
{
	double span = (double)n + 1, cost = 1;
	size_t i = 0, items = 0, classes = 0;

	if (find_like && m > 0 && p[0] == '^')
		i = 1;
	else
		cost = span;
	while (i < m) {
		char c = p[i];

		if (c == '(' || c == ')') {
			i++;
			continue;
		}
		if (c == '%' && i + 1 < m) {
			char d = p[i + 1];

			if (d == 'b') {
				cost *= span;
				i += 4;
				items++;
				continue;
			}
			if (d == 'f') {
				i += 2;
				if (i < m && p[i] == '[') {
					size_t start = i;

					i++;
					if (i < m && p[i] == '^')
						i++;
					do {
						if (i < m && p[i++] == '%' && i < m)
							i++;
					} while (i < m && p[i] != ']');
					i++;
					classes += i - start;
				}
				continue;
			}
			if (d >= '0' && d <= '9')
				cost *= span;
			i += 2;
		} else if (c == '[') {
			size_t start = i;

			i++;
			if (i < m && p[i] == '^')
				i++;
			do {
				if (i < m && p[i++] == '%' && i < m)
					i++;
			} while (i < m && p[i] != ']');
			i++;
			/* A class is tried byte by byte at every step. */
			classes += i - start;
		} else {
			i++;
		}
		items++;
		if (i < m && (p[i] == '*' || p[i] == '+' || p[i] == '-')) {
			cost *= span;
			i++;
		} else if (i < m && p[i] == '?') {
			cost *= 2;
			i++;
		}
	}
	return cost * (double)(items + 1 + classes);
}

/* Steps of matching per instruction charged: a step (an item tried at a
 * place, with the calls and the copying of a gsub around it) took about
 * as long as an instruction when measured. */
#define STEPS_PER_UNIT 1.0

static void
charge_pattern(lua_State *L, const char *fname, int subject, int pattern, int plain_arg)
{
	struct cdn_sandbox *sb = cdn_sandbox_of(L);
	size_t n, m;
	const char *p;
	double cost;
	int plain = plain_arg && lua_toboolean(L, plain_arg);

	luaL_checklstring(L, subject, &n);
	p = luaL_checklstring(L, pattern, &m);
	cost = plain ? ((double)n + 1) * ((double)m + 1) : pattern_cost(p, m, n, 1);
	cost /= STEPS_PER_UNIT;
	if (cost >= (double)sb->left) {
		char msg[300];

		kill(sb);
		snprintf(msg, sizeof msg, "%s: the pattern could take ~%.3g steps on %zu bytes, over "
		    "the rule's budget (anchor it with ^, use fewer of * + -, or a plain find)",
		    fname, cost * STEPS_PER_UNIT, n);
		luaL_error(L, "%s", msg);
	}
	cdn_sandbox_charge(L, (uint64_t)cost);
}

static int
g_find(lua_State *L)
{
	charge_pattern(L, "string.find", 1, 2, 4);
	return call_original(L);
}

static int
g_match(lua_State *L)
{
	charge_pattern(L, "string.match", 1, 2, 0);
	return call_original(L);
}

static int
g_gmatch(lua_State *L)
{
	charge_pattern(L, "string.gmatch", 1, 2, 0);
	return call_original(L);
}

static int
g_gsub(lua_State *L)
{
	charge_pattern(L, "string.gsub", 1, 2, 0);
	return call_original(L);
}

/* Arguments and results that are strings: their bytes. */
static uint64_t
str_len(lua_State *L, int idx)
{
	size_t n = 0;

	if (lua_type(L, idx) == LUA_TSTRING)
		lua_tolstring(L, idx, &n);
	return n;
}

/* string.upper, string.lower: a table look-up per byte. */
static int
g_case(lua_State *L)
{
	cdn_sandbox_charge(L, str_len(L, 1) / CASE_BYTES_PER_UNIT + 1);
	return call_original(L);
}

/* Functions that walk the bytes of their first argument (string.reverse,
 * string.unpack's format, tonumber), or all of their arguments (select,
 * table.pack, string.char, string.format, utf8.char, math.max, math.min):
 * a unit a byte, or an argument. */
static int
g_bytes(lua_State *L)
{
	cdn_sandbox_charge(L, str_len(L, 1) + 1);
	return call_original(L);
}

/* string.byte(s, i, j), utf8.codepoint(s, i, j) (j defaults to i) and
 * utf8.len(s, i, j) (j to the end): the bytes from i to j. */
static uint64_t
byte_range(lua_State *L, int to_end)
{
	lua_Integer n = (lua_Integer)str_len(L, 1), i, j;

	i = lua_isinteger(L, 2) ? lua_tointeger(L, 2) : 1;
	j = lua_isinteger(L, 3) ? lua_tointeger(L, 3) : to_end ? -1 : i;
	if (i < 0)
		i = i < -n ? 1 : n + i + 1;
	if (j < 0)
		j = j < -n ? 0 : n + j + 1;
	if (i < 1)
		i = 1;
	if (j > n)
		j = n;
	return j >= i ? (uint64_t)(j - i + 1) : 0;
}

static int
g_range(lua_State *L)
{
	cdn_sandbox_charge(L, byte_range(L, 0) + 1);
	return call_original(L);
}

static int
g_utf8_len(lua_State *L)
{
	cdn_sandbox_charge(L, byte_range(L, 1) + 1);
	return call_original(L);
}

/* utf8.offset(s, n, i) walks |n| characters from i: at most 4 bytes
 * each, and never more than the string. */
static int
g_utf8_offset(lua_State *L)
{
	uint64_t n = str_len(L, 1), steps = 0;

	if (lua_isinteger(L, 2)) {
		lua_Integer k = lua_tointeger(L, 2);

		steps = k < 0 ? (uint64_t)0 - (uint64_t)k : (uint64_t)k;
	}
	cdn_sandbox_charge(L, (steps < n / 4 ? 4 * steps : n) + 1);
	return call_original(L);
}

static int
g_args(lua_State *L)
{
	cdn_sandbox_charge(L, (uint64_t)lua_gettop(L) + 1);
	return call_original(L);
}

/* rawequal compares two long strings byte by byte. */
static int
g_rawequal(lua_State *L)
{
	cdn_sandbox_charge(L, (str_len(L, 1) < str_len(L, 2) ? str_len(L, 1) : str_len(L, 2)) /
	    ALLOC_BYTES_PER_UNIT + 1);
	return call_original(L);
}

/* string.rep: an empty result of many repetitions loops in C. */
static int
g_rep(lua_State *L)
{
	size_t l, lsep = 0;
	lua_Integer n;

	luaL_checklstring(L, 1, &l);
	n = luaL_checkinteger(L, 2);
	luaL_optlstring(L, 3, "", &lsep);
	if (n <= 0 || l + lsep == 0) {
		lua_pushliteral(L, "");
		return 1;
	}
	{
		struct cdn_sandbox *sb = cdn_sandbox_of(L);
		double size = (double)n * (double)(l + lsep);

		if (size >= (double)(sb->cap - sb->used)) {
			char msg[200];

			snprintf(msg, sizeof msg, "string.rep: the result (%.3g bytes) would not fit in "
			    "the rule's memory limit of %zu bytes", size, sb->cap);
			sb->memhit = 1;
			luaL_error(L, "%s", msg);
		}
		/* A repetition is a call of memcpy; the bytes are charged as
		 * they are allocated. */
		cdn_sandbox_charge(L, (uint64_t)n + 1);
	}
	return call_original(L);
}

static uint64_t
len_arg(lua_State *L, int idx)
{
	lua_Integer n;

	luaL_checktype(L, idx, LUA_TTABLE);
	n = luaL_len(L, idx);
	return n > 0 ? (uint64_t)n : 0;
}

static int
g_sort(lua_State *L)
{
	uint64_t n = len_arg(L, 1), bits = 1;

	for (uint64_t m = n; m > 1; m >>= 1)
		bits++;
	cdn_sandbox_charge(L, n * bits);
	return call_original(L);
}

/* table.concat(t, sep, i, j), table.unpack(t, i, j): j - i + 1 steps in
 * C, whatever the table holds (the bytes made are charged as allocated). */
static uint64_t
range_arg(lua_State *L, int t, int i)
{
	lua_Integer f, e;

	luaL_checkany(L, t);
	f = luaL_optinteger(L, i, 1);
	e = lua_isnoneornil(L, i + 1) ? luaL_len(L, t) : luaL_checkinteger(L, i + 1);
	return e >= f ? (uint64_t)e - (uint64_t)f + 1 : 0;
}

static int
g_concat(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	cdn_sandbox_charge(L, range_arg(L, 1, 3) + 1);
	return call_original(L);
}

static int
g_unpack(lua_State *L)
{
	cdn_sandbox_charge(L, range_arg(L, 1, 2) + 1);
	return call_original(L);
}

/* table.insert(t, pos, v) and table.remove(t, pos) move what follows
 * pos; appending and removing the last are one step. */
static int
shift(lua_State *L, int with_pos)
{
	if (with_pos && lua_type(L, 1) == LUA_TTABLE && lua_isinteger(L, 2)) {
		uint64_t n = len_arg(L, 1);
		lua_Integer p = lua_tointeger(L, 2);

		cdn_sandbox_charge(L, p >= 1 && (uint64_t)p <= n ? n - (uint64_t)p + 1 : 1);
	}
	return call_original(L);
}

static int
g_insert(lua_State *L)
{
	return shift(L, lua_gettop(L) == 3);
}

static int
g_remove(lua_State *L)
{
	return shift(L, lua_gettop(L) == 2);
}

/* table.move(a, f, e, t): e - f + 1 steps in C, table or not. */
static int
g_move(lua_State *L)
{
	lua_Integer f = luaL_checkinteger(L, 2), e = luaL_checkinteger(L, 3);

	if (e >= f)
		cdn_sandbox_charge(L, (uint64_t)e - (uint64_t)f + 1);
	return call_original(L);
}

/* setmetatable without __gc: finalizers run where no budget applies. */
static int
g_setmetatable(lua_State *L)
{
	if (lua_type(L, 2) == LUA_TTABLE && lua_getfield(L, 2, "__gc") != LUA_TNIL)
		return luaL_error(L, "setmetatable: __gc is not allowed in rules");
	lua_settop(L, 2);
	return call_original(L);
}

static int
g_print(lua_State *L)
{
	struct cdn_sandbox *sb = cdn_sandbox_of(L);
	luaL_Buffer b;
	int n = lua_gettop(L);

	luaL_buffinit(L, &b);
	for (int i = 1; i <= n; i++) {
		if (i > 1)
			luaL_addchar(&b, '\t');
		luaL_tolstring(L, i, NULL);
		luaL_addvalue(&b);
	}
	luaL_pushresult(&b);
	if (sb->print) {
		size_t len;
		const char *s = lua_tolstring(L, -1, &len);

		sb->print(sb->print_arg, s, len);
	}
	return 0;
}

/* Replace t[name] (t at the top) by `fn` with the original as upvalue. */
static void
wrap(lua_State *L, const char *name, lua_CFunction fn)
{
	lua_getfield(L, -1, name);
	lua_pushcclosure(L, fn, 1);
	lua_setfield(L, -2, name);
}

/* --- the state -------------------------------------------------------------- */

static const char *const base_safe[] = {
	"assert", "error", "getmetatable", "ipairs", "next", "pairs", "pcall", "rawequal",
	"rawget", "rawlen", "rawset", "select", "setmetatable", "tonumber", "tostring",
	"type", "xpcall", "_VERSION", NULL
};

static int
open_env(lua_State *L)
{
	/* Libraries open into the real globals, which the rule never sees;
	 * its environment gets only what is listed here. */
	luaL_requiref(L, "_G", luaopen_base, 1);
	luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 1);
	luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 1);
	luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 1);
	luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 1);
	lua_settop(L, 0);

	lua_newtable(L);	/* the rule's environment */
	lua_pushglobaltable(L);
	for (const char *const *n = base_safe; *n; n++) {
		lua_getfield(L, -1, *n);
		lua_setfield(L, 1, *n);
	}
	lua_pop(L, 1);
	lua_pushvalue(L, 1);
	wrap(L, "setmetatable", g_setmetatable);
	wrap(L, "rawequal", g_rawequal);
	wrap(L, "select", g_args);
	wrap(L, "tonumber", g_bytes);
	lua_pushcfunction(L, g_print);
	lua_setfield(L, -2, "print");
	lua_pushvalue(L, 1);
	lua_setfield(L, -2, "_G");
	lua_pop(L, 1);

	lua_getglobal(L, LUA_STRLIBNAME);
	lua_pushnil(L);
	lua_setfield(L, -2, "dump");
	wrap(L, "find", g_find);
	wrap(L, "match", g_match);
	wrap(L, "gmatch", g_gmatch);
	wrap(L, "gsub", g_gsub);
	wrap(L, "rep", g_rep);
	wrap(L, "upper", g_case);
	wrap(L, "lower", g_case);
	wrap(L, "reverse", g_bytes);
	wrap(L, "byte", g_range);
	wrap(L, "char", g_args);
	wrap(L, "format", g_args);
	wrap(L, "pack", g_args);
	wrap(L, "unpack", g_bytes);
	lua_setfield(L, 1, LUA_STRLIBNAME);
	lua_getglobal(L, LUA_TABLIBNAME);
	wrap(L, "sort", g_sort);
	wrap(L, "concat", g_concat);
	wrap(L, "move", g_move);
	wrap(L, "unpack", g_unpack);
	wrap(L, "pack", g_args);
	wrap(L, "insert", g_insert);
	wrap(L, "remove", g_remove);
	lua_setfield(L, 1, LUA_TABLIBNAME);
	lua_getglobal(L, LUA_MATHLIBNAME);
	wrap(L, "max", g_args);
	wrap(L, "min", g_args);
	lua_setfield(L, 1, LUA_MATHLIBNAME);
	lua_getglobal(L, LUA_UTF8LIBNAME);
	wrap(L, "len", g_utf8_len);
	wrap(L, "codepoint", g_range);
	wrap(L, "offset", g_utf8_offset);
	wrap(L, "char", g_args);
	lua_setfield(L, 1, LUA_UTF8LIBNAME);

	/* Strings' metatable is the one way to the string library from any
	 * value: hide it, so a rule can't reach in and change it. */
	lua_pushliteral(L, "");
	lua_getmetatable(L, -1);
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 2);
	return 1;
}

int
cdn_sandbox_new(const struct cdn_rule_limits *lim, struct cdn_sandbox **out)
{
	struct cdn_sandbox *sb = calloc(1, sizeof *sb);

	*out = NULL;
	if (!sb)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	sb->cap = lim && lim->memory ? lim->memory : CDN_RULE_MEMORY_DEFAULT;
	sb->budget = lim && lim->instructions ? lim->instructions : CDN_RULE_INSTRUCTIONS_DEFAULT;
	sb->alerts_call = lim && lim->alerts_call ? lim->alerts_call : CDN_RULE_ALERTS_CALL_DEFAULT;
	if ((sb->L = lua_newstate(sb_alloc, sb)) == NULL) {
		free(sb);
		return cdn_error_set(CDN_ENOMEM, NULL, "cannot start Lua within %zu bytes", (size_t)0);
	}
	*(struct cdn_sandbox **)lua_getextraspace(sb->L) = sb;
	/* The hook is set once, here, before any code runs; calls only move
	 * the budget. */
	arm(sb);
	lua_pushcfunction(sb->L, open_env);
	if (lua_pcall(sb->L, 0, 1, 0) != LUA_OK) {
		cdn_sandbox_free(sb);
		return cdn_error_set(CDN_ENOMEM, NULL, "cannot start Lua within the memory limit");
	}
	sb->env_ref = luaL_ref(sb->L, LUA_REGISTRYINDEX);
	*out = sb;
	return 0;
}

void
cdn_sandbox_free(struct cdn_sandbox *sb)
{
	if (!sb)
		return;
	if (sb->L) {
		/* Only cordon's own finalizers exist; give them room. */
		sb->cap = (size_t)-1;
		lua_close(sb->L);
	}
	free(sb);
}

lua_State *
cdn_sandbox_lua(struct cdn_sandbox *sb)
{
	return sb->L;
}

void
cdn_sandbox_set_user(struct cdn_sandbox *sb, void *user)
{
	sb->user = user;
}

void *
cdn_sandbox_user(struct cdn_sandbox *sb)
{
	return sb->user;
}

void
cdn_sandbox_set_print(struct cdn_sandbox *sb, cdn_sandbox_print_fn fn, void *arg)
{
	sb->print = fn;
	sb->print_arg = arg;
}

void
cdn_sandbox_push_env(struct cdn_sandbox *sb)
{
	lua_rawgeti(sb->L, LUA_REGISTRYINDEX, sb->env_ref);
}

const char *
cdn_sandbox_error(const struct cdn_sandbox *sb)
{
	return sb->err;
}

size_t
cdn_sandbox_memory(const struct cdn_sandbox *sb)
{
	return sb->used;
}

/* The message of a failed call, as one clean line. */
static void
take_error(struct cdn_sandbox *sb, int status)
{
	const char *m = lua_type(sb->L, -1) == LUA_TSTRING ? lua_tostring(sb->L, -1) : NULL;

	if (status == LUA_ERRMEM || (sb->memhit && (!m || strstr(m, "not enough memory")))) {
		snprintf(sb->err, sizeof sb->err, "over its memory limit of %zu bytes", sb->cap);
	} else if (sb->killed) {
		snprintf(sb->err, sizeof sb->err, "over its budget of %llu instructions%s%s",
		    (unsigned long long)sb->budget, m && !strstr(m, "over its budget") ? ": " : "",
		    m && !strstr(m, "over its budget") ? m : "");
	} else if (m) {
		snprintf(sb->err, sizeof sb->err, "%s", m);
	} else {
		snprintf(sb->err, sizeof sb->err, "raised an error of type %s (not a message)",
		    luaL_typename(sb->L, -1));
	}
	/* The rule's own words, cut at ERR_MAX: one line of whole
	 * characters, whatever bytes it raised. */
	cdn_text_line(sb->err);
	lua_pop(sb->L, 1);
}

static void
disarm(struct cdn_sandbox *sb, int failed)
{
	lua_sethook(sb->L, hook, MASK, HOOK_STEP);
	sb->killed = 0;
	/* What a failed call left behind (a deep stack, a heap near the
	 * limit) goes now, not in a later call. */
	if (failed || sb->memhit)
		lua_gc(sb->L, LUA_GCCOLLECT);
}

int
cdn_sandbox_call(struct cdn_sandbox *sb, int nargs, int nres)
{
	int status;

	sb->err[0] = '\0';
	arm(sb);
	sb->running = 1;
	status = lua_pcall(sb->L, nargs, nres, 0);
	sb->running = 0;
	if (status != LUA_OK)
		take_error(sb, status);
	disarm(sb, status != LUA_OK);
	return status == LUA_OK ? 0 : CDN_EINVAL;
}

int
cdn_sandbox_load(struct cdn_sandbox *sb, const char *src, size_t len, const char *name)
{
	char chunk[96];
	int status;

	sb->err[0] = '\0';
	if (len > 0 && src[0] == LUA_SIGNATURE[0]) {
		snprintf(sb->err, sizeof sb->err, "%s: a binary (precompiled) chunk is not allowed",
		    name);
		return CDN_EINVAL;
	}
	snprintf(chunk, sizeof chunk, "=%s", name);
	arm(sb);
	sb->running = 1;
	status = luaL_loadbufferx(sb->L, src, len, chunk, "t");
	sb->running = 0;
	if (status != LUA_OK) {
		take_error(sb, status);
		disarm(sb, 1);
		return CDN_EINVAL;
	}
	disarm(sb, 0);
	/* The chunk's only upvalue is its _ENV: the rule's environment. */
	cdn_sandbox_push_env(sb);
	lua_setupvalue(sb->L, -2, 1);
	return cdn_sandbox_call(sb, 0, 1);
}
