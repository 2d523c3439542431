/*
 * rule.h - analyst rules (contract §4): Lua files that look at records and
 * raise alerts. Rules are kept in the store by name, their source
 * versioned in the store's git repository (branch "rules"), and run:
 *
 * - after every write of a kind they watch ("on"): the write notes the
 *   record in the store's change log in the same transaction, and the
 *   library call that wrote it runs the rules on it before it returns
 *   (cdn_rule_on_write); a crash in between leaves the log for the next
 *   opening of the store, or the next write;
 * - over history, as a dry run (cdn_rule_test) or saving what they raise
 *   (cdn_rule_run).
 *
 * A rule's failure (an error, its budget or memory spent) is a rule error
 * kept with the rule; it never undoes a write or stops the other rules.
 * Records and arrays returned through `json_t **out` are new references.
 */
#ifndef CORDON_RULE_H
#define CORDON_RULE_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "cordon/store.h"

struct cdn_rule_limits {
	uint64_t instructions;	/* per call of check(), and for loading */
	size_t memory;		/* bytes per rule, its alerts held in C included */
	unsigned alerts_call;	/* alert{} calls per call of check() */
	unsigned alerts_run;	/* alert{} calls per rule in one run (0: defaults) */
};

#define CDN_RULE_INSTRUCTIONS_DEFAULT 10000000ULL
#define CDN_RULE_MEMORY_DEFAULT (32u << 20)
#define CDN_RULE_ALERTS_CALL_DEFAULT 1000u
#define CDN_RULE_ALERTS_RUN_DEFAULT 100000u

/* The limits the configuration sets (cdn_config: CORDON_RULE_INSTRUCTIONS
 * and CORDON_RULE_MEMORY, else the defaults); its error if it has one. */
int cdn_rule_limits_env(struct cdn_rule_limits *out);

/*
 * Check a rule file without storing it: `*info` (may be NULL) receives
 * {name, title, severity, on}. CDN_EINVAL naming the problem.
 */
int cdn_rule_check(const char *src, size_t len, const struct cdn_rule_limits *lim,
    json_t **info);

/*
 * Store a rule (or a new version of the rule of that name): its source is
 * committed to the repository, the rule enabled, and an audit entry
 * written. `*out` receives the rule (see cdn_rule_get).
 */
int cdn_rule_add(struct cdn_store *st, const char *user, const char *src, size_t len,
    const struct cdn_rule_limits *lim, json_t **out);

/*
 * A rule: {name, title, severity, on, enabled, version, commit, blob,
 * created_at, created_by, updated_at, updated_by} and, with `src` not
 * NULL, its source (malloc'd, NUL-terminated). CDN_ENOTFOUND if none.
 */
int cdn_rule_get(struct cdn_store *st, const char *name, json_t **out, char **src);
/* Every rule, by name, each with its `error_count` (errors in all). */
int cdn_rule_list(struct cdn_store *st, json_t **out);
/* Enable or disable a rule (an audit entry each). */
int cdn_rule_enable(struct cdn_store *st, const char *user, const char *name, int enable,
    json_t **out);
/* A rule's versions, newest first: {version, commit, blob, sha256, at,
 * by} as the store recorded them, with the commit's `author` and the
 * first line of its `message` read from the repository. */
int cdn_rule_log(struct cdn_store *st, const char *name, json_t **out);
/*
 * The source of a rule's version `commit` (NULL: the current one), read
 * from that commit's tree: `*src` malloc'd and NUL-terminated, `*version`
 * the version's entry (as in cdn_rule_log, without author and message).
 * CDN_ENOTFOUND if there is no such rule, or the commit is not one of
 * its versions.
 */
int cdn_rule_source_at(struct cdn_store *st, const char *name, const char *commit,
    json_t **version, char **src, size_t *len);
/*
 * A unified diff of a rule's source from version `from` to version `to`
 * (commits, as for cdn_rule_source_at), made by libgit2 with 3 lines of
 * context: `*patch` malloc'd ("" if the two are the same), and how many
 * lines it adds and removes.
 */
int cdn_rule_diff(struct cdn_store *st, const char *name, const char *from, const char *to,
    char **patch, size_t *len, size_t *added, size_t *removed);
/* The line of the rule's source a rule error's message names (Lua's
 * "NAME.lua:LINE: …"), or 0 if it names none (a spent budget). */
int cdn_rule_error_line(const char *message);
/* A rule's latest errors, newest first (at most `limit`, 0 = all kept):
 * {at, record, message, commit}; `*total` (may be NULL) gets how many it
 * has had in all. */
int cdn_rule_errors(struct cdn_store *st, const char *name, size_t limit, json_t **out,
    uint64_t *total);

/* --- running ----------------------------------------------------------------- */

struct cdn_rule_run_opts {
	const char *since;		/* only records from then on (as in list) */
	const char *until;		/* and up to then (a bare date: that whole day) */
	unsigned threads;		/* 0: one per core */
	struct cdn_rule_limits limits;
	int tables;			/* records as full tables, not views (bench) */
	/* Progress over the records (may be NULL). */
	void (*progress)(void *arg, uint64_t done, uint64_t total);
	void *progress_arg;
	/* Each rule failure as it is found (may be NULL). */
	void (*on_error)(void *arg, const char *rule, const char *record, const char *message);
	void *error_arg;
	/* What rules print (may be NULL: nowhere). */
	void (*print)(void *arg, const char *rule, const char *text, size_t len);
	void *print_arg;
};

struct cdn_rule_run_stats {
	uint64_t records;		/* records the rules were run on */
	uint64_t calls;			/* check() calls */
	uint64_t errors;		/* failed calls */
	uint64_t raised;		/* alert{} calls */
	uint64_t alerts;		/* distinct alerts (rule, key) */
	uint64_t created;		/* new alerts saved (run, drain) */
};

/*
 * Dry run of rule files over the store's records of the kinds they watch:
 * `*alerts` receives the alerts they would raise, one per (rule, key),
 * in the order first raised: {rule, key, title, severity, refs, explain}.
 * Nothing is written. CDN_EINVAL if a file is not a valid rule.
 */
int cdn_rule_test(struct cdn_store *st, const char *const *srcs, const size_t *lens, size_t n,
    const struct cdn_rule_run_opts *o, json_t **alerts, struct cdn_rule_run_stats *stats);

/* The same for stored rules, by name, saving the alerts and the errors.
 * `*alerts` (may be NULL) receives the alert records written. */
int cdn_rule_run(struct cdn_store *st, const char *user, const char *const *names, size_t n,
    const struct cdn_rule_run_opts *o, json_t **alerts, struct cdn_rule_run_stats *stats);

/*
 * Every write through the library that touches a kind enabled rules
 * watch runs them on what it wrote once it is in, and saves what they
 * raise, before it returns. If they could not run (a storage error, not
 * a rule's own failure, which is kept as the rule's error), the write
 * returns CDN_ERULES: it is in all the same (its `*out` is set), and the
 * rules run on it after the next write.
 *
 * These are the options of those runs (progress, each rule error as it is
 * found, what rules print; `since`, `until` and `threads` do not apply),
 * copied; NULL: none. Limits left 0 are the configuration's
 * (cdn_config). Set them before the store is shared between threads.
 */
int cdn_rule_on_write(struct cdn_store *st, const struct cdn_rule_run_opts *o);

#endif
