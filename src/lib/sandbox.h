/*
 * sandbox.h - one Lua 5.4 state for one analyst rule, with the limits of
 * contract §4 (doc/rules.md, "Limits"):
 *
 * - only `string` (without `dump`), `table`, `math`, `utf8` and the safe
 *   base functions; the rule's chunk runs in its own environment table, and
 *   the state's real globals are out of its reach;
 * - text chunks only (a binary chunk is refused before it is parsed);
 * - an instruction budget per call, counted by a hook set once at
 *   creation; work done in C on the rule's behalf (records read, pattern
 *   matching, sorting) is charged to the same budget, so no call can run
 *   for long without it showing;
 * - a memory cap for the whole state, enforced by its allocator;
 * - no `__gc` metamethods (finalizers would run outside the budget).
 *
 * A state is used by one thread at a time. Errors never escape: every
 * entry point runs the rule in protected mode and leaves a one-line
 * message in cdn_sandbox_error().
 */
#ifndef CORDON_SANDBOX_H
#define CORDON_SANDBOX_H

#include <stddef.h>
#include <stdint.h>

#include <lua.h>

#include "cordon/rule.h"

struct cdn_sandbox;

/* A new state with the safe libraries, its environment table on the
 * registry. CDN_ENOMEM if Lua cannot start within the limits. */
int cdn_sandbox_new(const struct cdn_rule_limits *lim, struct cdn_sandbox **out);
void cdn_sandbox_free(struct cdn_sandbox *sb);

lua_State *cdn_sandbox_lua(struct cdn_sandbox *sb);
/* The sandbox of a state (from inside a C function called by the rule). */
struct cdn_sandbox *cdn_sandbox_of(lua_State *L);

/* Where the functions bound into the environment find their context. */
void cdn_sandbox_set_user(struct cdn_sandbox *sb, void *user);
void *cdn_sandbox_user(struct cdn_sandbox *sb);

/* What the rule's `print` writes to (NULL: nowhere). */
typedef void (*cdn_sandbox_print_fn)(void *arg, const char *text, size_t len);
void cdn_sandbox_set_print(struct cdn_sandbox *sb, cdn_sandbox_print_fn fn, void *arg);

/* Push the rule's environment table (to bind functions into it). */
void cdn_sandbox_push_env(struct cdn_sandbox *sb);

/*
 * Compile `src` as text named `name` ("repeat-consignee.lua"), run its top
 * level within the budget, and leave its single result on the stack.
 * 0, or CDN_EINVAL with the message in cdn_sandbox_error().
 */
int cdn_sandbox_load(struct cdn_sandbox *sb, const char *src, size_t len, const char *name);

/*
 * Call the function below `nargs` arguments on the stack, within the
 * budget, keeping `nres` results. 0, or CDN_EINVAL with the message in
 * cdn_sandbox_error(); the stack is then as before the function was
 * pushed.
 */
int cdn_sandbox_call(struct cdn_sandbox *sb, int nargs, int nres);

const char *cdn_sandbox_error(const struct cdn_sandbox *sb);

/*
 * Charge `units` instructions' worth of C work to the running call.
 * cdn_sandbox_spend only counts and returns 1 once the budget is spent
 * (for C code holding resources, which then frees them and calls
 * cdn_sandbox_overdrawn); cdn_sandbox_charge raises the budget error at
 * once.
 */
int cdn_sandbox_spend(struct cdn_sandbox *sb, uint64_t units);
void cdn_sandbox_charge(lua_State *L, uint64_t units);
int cdn_sandbox_overdrawn(lua_State *L);

/* Bytes the state holds now. */
size_t cdn_sandbox_memory(const struct cdn_sandbox *sb);

/*
 * An alert the running call raised, `bytes` of it held in C until the
 * run takes it: counted against the alerts a call may raise and, with
 * the alerts held before it, against the rule's memory limit. Raises the
 * rule's error if over either. cdn_sandbox_release: what was held has
 * been taken (a new batch of records begins).
 */
void cdn_sandbox_hold(lua_State *L, size_t bytes);
void cdn_sandbox_release(struct cdn_sandbox *sb);

#endif
