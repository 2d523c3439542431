/*
 * rules.h - inside the rule engine, shared by its modules and nothing else:
 *
 *   sandbox.c   a Lua state per rule, with its limits
 *   luarec.c    records as Lua values
 *   ruleapi.c   the cordon.* functions and alert{} (contract §4)
 *   runner.c    one thread's rules over records: what they raise and
 *               where they fail
 *   rule.c      rules in the store: their definitions, git history,
 *               enable/disable, errors
 *   ruleexec.c  running rules: over history (on a pool), and after writes
 *               (the store's change log, changes.h)
 *   alert.c     alerts: raising (deduplicated), status, promotion
 */
#ifndef CORDON_RULES_H
#define CORDON_RULES_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include <msgpack.h>

#include "cordon/record.h"
#include "cordon/rule.h"
#include "repo.h"

#define CDN_RULE_NAME_MAX 64
#define CDN_RULE_TITLE_MAX 200
#define CDN_ALERT_KEY_MAX 200
#define CDN_ALERT_EXPLAIN_MAX 2000
#define CDN_ALERT_REFS_MAX 100

/* "low" "medium" "high" "critical", NULL-terminated (schema.c). */
extern const char *const cdn_severity_names[];
int cdn_severity_parse(const char *s);

/* Kinds a rule may watch: every record kind but alerts (a rule on alerts
 * would trigger itself). */
#define CDN_RULE_KINDS (((1u << CDN_NKINDS) - 1) & ~(1u << CDN_ALERT))

/* A rule ready to run: what its file declared, and its source. */
struct cdn_ruledef {
	char name[CDN_RULE_NAME_MAX + 1];
	char title[CDN_RULE_TITLE_MAX + 1];
	int severity;
	unsigned on;			/* bit (1 << kind) per kind watched */
	char commit[CDN_OID_HEX];	/* the version's commit; "" under test */
	char *src;
	size_t len;
};

void cdn_ruledef_clear(struct cdn_ruledef *d);

/*
 * Compile `src` in a sandbox and read the table it returns into `d`
 * (src is copied). CDN_EINVAL with a message naming the problem: a syntax
 * error, a missing or bad field, no `check` function, an error or the
 * budget spent in its top level.
 */
int cdn_ruledef_parse(const char *src, size_t len, const struct cdn_rule_limits *lim,
    struct cdn_ruledef *d);

/* One alert{} call: what the rule raised, on which record. */
struct cdn_raise {
	int rule;			/* index in the run's set */
	uint64_t order;			/* the record's place in the run */
	char record[CDN_ID_MAX];
	char *key, *title, *explain;	/* explain may be NULL */
	int severity;
	json_t *refs;			/* array of id strings */
};

/* One failure of a rule on a record. */
struct cdn_rerror {
	int rule;
	uint64_t order;
	char record[CDN_ID_MAX];
	char *message;
};

/* What running rules over some records produced, in record order. */
struct cdn_harvest {
	struct cdn_raise *r;
	size_t nr, rcap;
	struct cdn_rerror *e;
	size_t ne, ecap;
	uint64_t calls;
};

void cdn_harvest_clear(struct cdn_harvest *h);
int cdn_harvest_error(struct cdn_harvest *h, int rule, uint64_t order, const char *record,
    const char *message);

/* One thread's sandboxes for a set of rules. */
struct cdn_runner;

int cdn_runner_new(const struct cdn_ruledef *defs, size_t n, const struct cdn_rule_limits *lim,
    int lazy, struct cdn_runner **out);
void cdn_runner_free(struct cdn_runner *r);
/* The snapshot the rules read (a read transaction, or the writer's). */
void cdn_runner_set_txn(struct cdn_runner *r, struct cdn_txn *txn);
/* A new harvest begins: the alerts raised so far have been taken and no
 * longer count against the rules' memory. */
void cdn_runner_release(struct cdn_runner *r);
/* Where `print` goes while running (NULL: nowhere). */
void cdn_runner_set_print(struct cdn_runner *r, void (*fn)(void *arg, const char *rule,
    const char *text, size_t len), void *arg);
/* A rule that failed to load: its message (NULL if it loaded). */
const char *cdn_runner_load_error(const struct cdn_runner *r, int rule);

/*
 * Run every rule watching the record's kind on it, adding what they raise
 * and where they fail to `h`. The record is `rec`, or else `stored`, its
 * stored form unpacked (recform.h), which the caller keeps until the call
 * returns. A rule's failure is an entry in `h`, not an error; only running
 * out of memory in C is.
 */
int cdn_runner_record(struct cdn_runner *r, enum cdn_kind kind, json_t *rec,
    const msgpack_object *stored, uint64_t order, struct cdn_harvest *h);

/* Bind the cordon.* functions and alert{} into a sandbox's environment
 * (ruleapi.c). */
struct cdn_sandbox;
struct cdn_rule_call;
void cdn_ruleapi_open(struct cdn_sandbox *sb);

/* What the API functions of a sandbox reach while a rule runs. */
struct cdn_rule_call {
	struct cdn_txn *txn;
	int lazy;
	int rule;
	const struct cdn_ruledef *def;
	const char *record;
	uint64_t order;
	struct cdn_harvest *h;		/* NULL while the file loads */
	void (*print)(void *arg, const char *rule, const char *text, size_t len);
	void *print_arg;
};

/* --- stored rules (rule.c) --------------------------------------------------- */

/* The enabled rules (names NULL) or the rules named, ready to run;
 * `*out` holds `*nout` definitions (free each with cdn_ruledef_clear). */
int cdn_rule_load(struct cdn_txn *txn, struct cdn_repo *repo, const char *const *names,
    size_t n, struct cdn_ruledef **out, size_t *nout);
/* Keep one failure of rule `name`. */
int cdn_rule_error_save(struct cdn_txn *txn, const char *name, const char *commit,
    const char *record, const char *message);

/* The kinds enabled rules watch, stored as those the change log keeps
 * (changes.h) after a rule changes (rule.c). */
int cdn_trigger_kinds_update(struct cdn_txn *txn);

/* --- after writes (ruleexec.c) ------------------------------------------------ */

/* Run the enabled rules on every record the change log names, save the
 * alerts and errors, and empty it. */
int cdn_rule_drain(struct cdn_store *st, const char *user, const struct cdn_rule_run_opts *o,
    struct cdn_rule_run_stats *stats);
/* The store's after-write hook (internal.h), which open.c sets: the drain
 * with the options of cdn_rule_on_write (`progress`, if not NULL, instead
 * of theirs); CDN_ERULES if it fails. */
int cdn_rule_after_write(struct cdn_store *st, const char *user, cdn_progress_fn progress,
    void *arg);

/* --- alerts (alert.c) ----------------------------------------------------------- */

/*
 * Raise alert (rule, key) in the writer's transaction: create it (status
 * new), or, if it exists, update its last_seen_at, rule_version and refs
 * (the union, newest last, at most CDN_ALERT_REFS_KEEP), and its severity,
 * title and explain. `*created` says which; `*out` (may be NULL) receives
 * the alert record.
 */
#define CDN_ALERT_REFS_KEEP 1000
int cdn_alert_raise(struct cdn_txn *txn, const char *rule, const char *version,
    const char *key, const char *title, const char *explain, const char *severity,
    json_t *refs, int *created, json_t **out);

/* The IX_ALERT index key of (rule, key). */
size_t cdn_alert_key(const char *rule, const char *key, unsigned char *out);

#endif
