/*
 * rule.c - rules in the store (rule.h, doc/rules.md "How rules are kept").
 *
 * A rule is a meta entry "rule/NAME" holding its definition and the list
 * of its versions; each version's source is a blob NAME.lua committed on
 * the repository's "rules" branch, whose head the store keeps (as it does
 * for evidence: the blob and commit are written and synced first, the
 * store's transaction records them, and the ref follows). Every change of
 * a rule is an audit entry whose id is "rule/NAME", so `audit verify`
 * checks rules as it checks records. A rule's errors are kept apart, in
 * "rule-err/NAME/SEQ", the newest CDN_RULE_ERRORS_KEPT of them.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "cordon/check.h"
#include "cordon/config.h"
#include "cordon/audit.h"
#include "cordon/rule.h"
#include "cordon/text.h"
#include "changes.h"
#include "internal.h"
#include "json.h"
#include "rules.h"

#define BRANCH			"rules"
#define SOURCE_MAX		(256u << 10)	/* bytes of a rule file */
#define CDN_RULE_ERRORS_KEPT	1000

/* --- limits ------------------------------------------------------------------ */

int
cdn_rule_limits_env(struct cdn_rule_limits *out)
{
	const struct cdn_config *c;
	int rc;

	if ((rc = cdn_config(&c)) != 0)
		return rc;
	out->instructions = c->rule_instructions;
	out->memory = (size_t)c->rule_memory;
	return 0;
}

/* --- names and meta ------------------------------------------------------------- */

static int
check_name(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (n == 0 || n > CDN_RULE_NAME_MAX)
		return cdn_error_set(CDN_EUSAGE, NULL, "'%.80s' is not a rule name", name ? name : "");
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
			return cdn_error_set(CDN_EUSAGE, NULL,
			    "'%.80s' is not a rule name (a-z, 0-9 and - only)", name);
	return 0;
}

static void
meta_name(char *buf, size_t cap, const char *name)
{
	snprintf(buf, cap, "rule/%s", name);
}

/* The stored rule `name`: `*out` NULL if there is none. */
static int
rule_read(struct cdn_txn *txn, const char *name, json_t **out)
{
	char key[96];

	meta_name(key, sizeof key, name);
	return cdn_meta_get_json(txn, key, out);
}

/* Write rule `rec` and its audit entry for `op`. */
static int
rule_write(struct cdn_txn *txn, json_t *rec, const char *op, const char *note)
{
	char key[96];
	int rc;

	meta_name(key, sizeof key, json_string_value(json_object_get(rec, "name")));
	rc = cdn_meta_put_audited(txn, key, rec, json_integer_value(json_object_get(rec, "version")),
	    op, note);
	if (rc == 0)
		rc = cdn_trigger_kinds_update(txn);
	return rc;
}

/* --- versions ---------------------------------------------------------------------- */

/*
 * A rule's versions are kept apart from it, one meta entry each
 * ("rule-ver/NAME/VERSION", the version zero-padded so that name order is
 * version order), so that saving, loading or running a rule costs the
 * same at its thousandth version as at its first. The rule record, which
 * is audited, holds a chain of their hashes ("versions_sha256": each link
 * the SHA-256 of the previous link in hex and the version's stored
 * bytes), so a version edited or lost is found when they are read. A rule
 * stored before held them in an array "versions"; its next save moves
 * them out.
 */
static void
ver_prefix(char *buf, size_t cap, const char *name)
{
	snprintf(buf, cap, "rule-ver/%s/", name);
}

static void
chain_link(const char *prev, const void *bytes, size_t len, char out[65])
{
	unsigned char sha[32];
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	EVP_DigestInit_ex(c, EVP_sha256(), NULL);
	EVP_DigestUpdate(c, prev, strlen(prev));
	EVP_DigestUpdate(c, bytes, len);
	EVP_DigestFinal_ex(c, sha, NULL);
	EVP_MD_CTX_free(c);
	cdn_hex(sha, 32, out);
}

/* Keep version `ver` of rule `name`; `chain` moves on past it. */
static int
version_put(struct cdn_txn *txn, const char *name, json_t *ver, char chain[65])
{
	char key[128], *bytes;
	int rc;

	if ((bytes = json_dumps(ver, JSON_COMPACT)) == NULL)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	ver_prefix(key, sizeof key, name);
	snprintf(key + strlen(key), sizeof key - strlen(key), "%020" PRId64,
	    (int64_t)json_integer_value(json_object_get(ver, "version")));
	if ((rc = cdn_meta_put(txn, key, bytes, strlen(bytes))) == 0)
		chain_link(chain, bytes, strlen(bytes), chain);
	free(bytes);
	return rc;
}

struct versions_read {
	json_t *list;
	char chain[65];
};

static int
versions_cb(void *arg, MDB_val *k, MDB_val *v)
{
	struct versions_read *r = arg;
	json_t *ver = json_loadb(v->mv_data, v->mv_size, 0, NULL);

	if (!ver || json_array_append_new(r->list, ver) != 0)
		return cdn_error_set(CDN_ESTORE, NULL, "the stored rule version %.*s is damaged",
		    (int)k->mv_size, (const char *)k->mv_data);
	chain_link(r->chain, v->mv_data, v->mv_size, r->chain);
	return 0;
}

/* The versions of stored rule `rec`, oldest first, checked against it. */
static int
versions_read(struct cdn_txn *txn, json_t *rec, json_t **out)
{
	const char *name = json_string_value(json_object_get(rec, "name"));
	const char *want = json_string_value(json_object_get(rec, "versions_sha256"));
	struct versions_read r = { json_object_get(rec, "versions"), "" };
	char prefix[96];
	int rc;

	*out = NULL;
	if (r.list) {	/* kept in the record, as before */
		*out = json_incref(r.list);
		return 0;
	}
	if ((r.list = json_array()) == NULL)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	ver_prefix(prefix, sizeof prefix, name ? name : "");
	if ((rc = cdn_meta_each(txn, prefix, 0, versions_cb, &r)) == 0 &&
	    (!want || strcmp(want, r.chain) != 0))
		rc = cdn_error_set(CDN_ESTORE, NULL, "the versions of rule %s do not match its "
		    "audited record: one was edited or lost", name ? name : "");
	if (rc != 0) {
		json_decref(r.list);
		return rc;
	}
	*out = r.list;
	return 0;
}

/* Stored rule `name` (CDN_ENOTFOUND if none) and, with `versions` not
 * NULL, its versions, from one snapshot. */
static int
rule_snapshot(struct cdn_store *st, const char *name, json_t **rec, json_t **versions)
{
	struct cdn_txn *txn;
	int rc;

	*rec = NULL;
	if (versions)
		*versions = NULL;
	if ((rc = check_name(name)) != 0 || (rc = cdn_txn_begin(st, CDN_TXN_READ, &txn)) != 0)
		return rc;
	if ((rc = rule_read(txn, name, rec)) == 0 && !*rec)
		rc = cdn_error_set(CDN_ENOTFOUND, NULL, "no rule %s", name);
	if (rc == 0 && versions)
		rc = versions_read(txn, *rec, versions);
	cdn_txn_abort(txn);
	if (rc != 0) {
		json_decref(*rec);
		*rec = NULL;
	}
	return rc;
}

/* --- adding ------------------------------------------------------------------------ */

struct add {
	struct cdn_repo *repo;
	const struct cdn_ruledef *d;
	char blob[CDN_OID_HEX];
	unsigned char sha[32];
	char commit[CDN_OID_HEX];
	int changed;
	json_t *out;
};

static json_t *
on_array(unsigned kinds)
{
	json_t *a = json_array();

	for (int k = 0; k < CDN_NKINDS && a; k++)
		if (kinds & (1u << k))
			json_array_append_new(a, json_string(cdn_kind_info((enum cdn_kind)k)->name));
	return a;
}

static int
add_fn(struct cdn_txn *txn, void *arg)
{
	struct add *a = arg;
	const struct cdn_ruledef *d = a->d;
	char head[CDN_OID_HEX], path[96], msg[200], sha[65], chain[65];
	struct cdn_repo_change ch;
	json_t *old = NULL, *rec = NULL, *legacy, *ver;
	size_t i;
	int64_t version;
	int rc;

	json_decref(a->out);
	a->out = NULL;
	a->changed = 0;
	if ((rc = rule_read(txn, d->name, &old)) != 0)
		return rc;
	cdn_hex(a->sha, 32, sha);
	if (old && strcmp(json_string_value(json_object_get(old, "blob")), a->blob) == 0 &&
	    json_is_true(json_object_get(old, "enabled"))) {
		a->out = old;	/* the same source, already on */
		return 0;
	}
	version = old ? json_integer_value(json_object_get(old, "version")) : 0;
	if (!old || strcmp(json_string_value(json_object_get(old, "blob")), a->blob) != 0) {
		version++;
		if ((rc = cdn_branch_head(txn, BRANCH, head)) != 0)
			goto out;
		snprintf(path, sizeof path, "%s.lua", d->name);
		snprintf(msg, sizeof msg, "%s rule %s (version %" PRId64 ")\n", old ? "Update" : "Add",
		    d->name, version);
		ch = (struct cdn_repo_change){ path, a->blob };
		if ((rc = cdn_repo_commit(a->repo, head, &ch, 1, cdn_txn_user(txn), msg,
		    a->commit)) != 0 || (rc = cdn_branch_set(txn, BRANCH, a->commit)) != 0)
			goto out;
		a->changed = 1;
	} else {
		snprintf(a->commit, sizeof a->commit, "%s",
		    json_string_value(json_object_get(old, "commit")));
	}
	/* The chain of the versions so far; those an older store kept in the
	 * record move out first. */
	chain[0] = '\0';
	if ((legacy = old ? json_object_get(old, "versions") : NULL) != NULL) {
		json_array_foreach(legacy, i, ver)
			if ((rc = version_put(txn, d->name, ver, chain)) != 0)
				goto out;
	} else if (old) {
		snprintf(chain, sizeof chain, "%s",
		    json_string_value(json_object_get(old, "versions_sha256")) ?: "");
	}
	if (a->changed) {
		ver = json_pack("{s:I,s:s,s:s,s:s,s:s,s:s}", "version", (json_int_t)version,
		    "commit", a->commit, "blob", a->blob, "sha256", sha, "at", cdn_txn_now(txn),
		    "by", cdn_txn_user(txn));
		rc = ver ? version_put(txn, d->name, ver, chain) :
		    cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		json_decref(ver);
		if (rc != 0)
			goto out;
	}
	rec = json_pack("{s:s,s:s,s:s,s:o,s:b,s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}",
	    "name", d->name, "title", d->title, "severity", cdn_severity_names[d->severity],
	    "on", on_array(d->on), "enabled", 1, "version", (json_int_t)version,
	    "commit", a->commit, "blob", a->blob, "sha256", sha,
	    "created_at", old ? json_string_value(json_object_get(old, "created_at")) : cdn_txn_now(txn),
	    "created_by", old ? json_string_value(json_object_get(old, "created_by")) : cdn_txn_user(txn),
	    "updated_at", cdn_txn_now(txn), "updated_by", cdn_txn_user(txn),
	    "versions_sha256", chain);
	if (!rec) {
		rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		goto out;
	}
	rc = rule_write(txn, rec, !old ? "rule-add" : a->changed ? "rule-update" : "rule-enable",
	    NULL);
	if (rc == 0) {
		a->out = rec;
		rec = NULL;
	}
out:
	json_decref(old);
	json_decref(rec);
	return rc;
}

int
cdn_rule_check(const char *src, size_t len, const struct cdn_rule_limits *lim, json_t **info)
{
	struct cdn_ruledef d;
	int rc;

	if (info)
		*info = NULL;
	if (len > SOURCE_MAX)
		return cdn_error_set(CDN_EINVAL, NULL, "the rule file is %zu bytes, over the limit of %u",
		    len, SOURCE_MAX);
	if (len > 0 && src[0] == 0x1b)
		return cdn_error_set(CDN_EINVAL, NULL,
		    "the rule file is a binary (precompiled) Lua chunk: only source text is allowed");
	if (memchr(src, '\0', len))
		return cdn_error_set(CDN_EINVAL, NULL, "the rule file holds a NUL byte (not text)");
	if ((rc = cdn_ruledef_parse(src, len, lim, &d)) != 0)
		return rc;
	if (info && (*info = json_pack("{s:s,s:s,s:s,s:o}", "name", d.name, "title", d.title,
	    "severity", cdn_severity_names[d.severity], "on", on_array(d.on))) == NULL)
		rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	cdn_ruledef_clear(&d);
	return rc;
}

int
cdn_rule_add(struct cdn_store *st, const char *user, const char *src, size_t len,
    const struct cdn_rule_limits *lim, json_t **out)
{
	struct cdn_ruledef d;
	struct add a = { 0 };
	int rc;

	if (out)
		*out = NULL;
	if ((rc = cdn_rule_check(src, len, lim, NULL)) != 0 ||
	    (rc = cdn_ruledef_parse(src, len, lim, &d)) != 0)
		return rc;
	a.d = &d;
	cdn_sha256(src, len, a.sha);
	if ((rc = cdn_store_repo(st, &a.repo)) == 0 &&
	    (rc = cdn_repo_write_buf(a.repo, src, len, a.blob)) == 0 &&
	    (rc = cdn_store_write(st, user, add_fn, &a)) == 0 && a.changed) {
		/* The store has it: the ref may follow (or the next one will). */
		(void)cdn_repo_advance(a.repo, BRANCH, a.commit);
		cdn_error_clear();
	}
	if (rc == 0 && out) {
		*out = a.out;
		a.out = NULL;
	}
	json_decref(a.out);
	cdn_ruledef_clear(&d);
	return rc;
}

/* --- reading ------------------------------------------------------------------------ */

static int errors_total(struct cdn_txn *txn, const char *name, uint64_t *n);

int
cdn_rule_get(struct cdn_store *st, const char *name, json_t **out, char **src)
{
	struct cdn_repo *repo;
	size_t len;
	int rc;

	if (src)
		*src = NULL;
	if ((rc = rule_snapshot(st, name, out, NULL)) != 0)
		return rc;
	if (src && ((rc = cdn_store_repo(st, &repo)) != 0 ||
	    (rc = cdn_repo_read_buf(repo, json_string_value(json_object_get(*out, "blob")),
	    SOURCE_MAX, src, &len)) != 0)) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

int
cdn_rule_list(struct cdn_store *st, json_t **out)
{
	struct cdn_txn *txn;
	json_t *rec;
	size_t i;
	int rc;

	if ((*out = json_array()) == NULL)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	if ((rc = cdn_txn_begin(st, CDN_TXN_READ, &txn)) != 0)
		return rc;
	rc = cdn_meta_list(txn, "rule/", *out);
	json_array_foreach(*out, i, rec) {
		uint64_t n = 0;

		if (rc == 0 && (rc = errors_total(txn, json_string_value(json_object_get(rec, "name")),
		    &n)) == 0)
			json_object_set_new(rec, "error_count", json_integer((json_int_t)n));
	}
	cdn_txn_abort(txn);
	if (rc != 0) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

int
cdn_rule_log(struct cdn_store *st, const char *name, json_t **out)
{
	struct cdn_repo *repo;
	json_t *rec, *versions, *v;
	size_t i;
	int rc;

	*out = NULL;
	if ((rc = rule_snapshot(st, name, &rec, &versions)) != 0)
		return rc;
	json_decref(rec);
	if ((rc = cdn_store_repo(st, &repo)) != 0) {
		json_decref(versions);
		return rc;
	}
	if ((*out = json_array()) == NULL) {
		json_decref(versions);
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	}
	/* The store lists the versions; each commit says who wrote it and why. */
	json_array_foreach(versions, i, v) {
		char author[256];
		char *msg;
		int64_t when;
		json_t *c = json_copy(v);

		if (!c) {
			rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
			break;
		}
		if ((rc = cdn_repo_commit_info(repo, json_string_value(json_object_get(v, "commit")),
		    author, sizeof author, &when, &msg)) != 0) {
			json_decref(c);
			break;
		}
		msg[strcspn(msg, "\n")] = '\0';
		json_object_set_new(c, "author", json_string(author));
		json_object_set_new(c, "message", json_string(msg));
		free(msg);
		json_array_insert_new(*out, 0, c);
	}
	json_decref(versions);
	if (rc != 0) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

/* The blob of rule `rec`'s version `commit`, as its commit's tree holds
 * it: CDN_ENOTFOUND if the commit is not one of the rule's versions. */
static int
version_blob(struct cdn_repo *repo, const char *name, json_t *versions, const char *commit,
    char blob[CDN_OID_HEX], json_t **version)
{
	char path[96];
	json_t *v;
	size_t i;
	int rc;

	*version = NULL;
	json_array_foreach(versions, i, v) {
		const char *c = json_string_value(json_object_get(v, "commit"));

		if (c && commit && strcmp(c, commit) == 0)
			*version = v;
	}
	if (!*version)
		return cdn_error_set(CDN_ENOTFOUND, NULL, "%.60s is not a version of rule %s",
		    commit ? commit : "", name);
	snprintf(path, sizeof path, "%s.lua", name);
	if ((rc = cdn_repo_blob_at(repo, commit, path, blob)) != 0)
		return rc;
	if (strcmp(blob, json_string_value(json_object_get(*version, "blob"))) != 0)
		return cdn_error_set(CDN_ESTORE, NULL, "%s in commit %s is not the version the "
		    "store recorded", path, commit);
	return 0;
}

int
cdn_rule_source_at(struct cdn_store *st, const char *name, const char *commit,
    json_t **version, char **src, size_t *len)
{
	char blob[CDN_OID_HEX];
	struct cdn_repo *repo;
	json_t *rec, *versions, *v;
	int rc;

	*version = NULL;
	*src = NULL;
	*len = 0;
	if ((rc = rule_snapshot(st, name, &rec, &versions)) != 0)
		return rc;
	if ((rc = cdn_store_repo(st, &repo)) == 0 &&
	    (rc = version_blob(repo, name, versions, commit ? commit :
	    json_string_value(json_object_get(rec, "commit")), blob, &v)) == 0 &&
	    (rc = cdn_repo_read_buf(repo, blob, SOURCE_MAX, src, len)) == 0)
		*version = json_incref(v);
	json_decref(versions);
	json_decref(rec);
	return rc;
}

int
cdn_rule_diff(struct cdn_store *st, const char *name, const char *from, const char *to,
    char **patch, size_t *len, size_t *added, size_t *removed)
{
	char a[CDN_OID_HEX], b[CDN_OID_HEX], path[96];
	struct cdn_repo *repo;
	json_t *rec, *versions, *v;
	int rc;

	*patch = NULL;
	if ((rc = rule_snapshot(st, name, &rec, &versions)) != 0)
		return rc;
	snprintf(path, sizeof path, "%s.lua", name);
	if ((rc = cdn_store_repo(st, &repo)) == 0 &&
	    (rc = version_blob(repo, name, versions, from, a, &v)) == 0 &&
	    (rc = version_blob(repo, name, versions, to, b, &v)) == 0)
		rc = cdn_repo_diff(repo, a, path, b, path, patch, len, added, removed);
	json_decref(versions);
	json_decref(rec);
	return rc;
}

int
cdn_rule_error_line(const char *message)
{
	/* Lua places an error "CHUNK:LINE: …", the chunk named NAME.lua
	 * (runner.c): the first such place is where it was raised. */
	for (const char *p = message ? strstr(message, ".lua:") : NULL; p;
	    p = strstr(p + 1, ".lua:")) {
		const char *d = p + 5;
		long line = 0;

		while (*d >= '0' && *d <= '9' && line < 100000000)
			line = line * 10 + (*d++ - '0');
		if (d > p + 5 && *d == ':' && line > 0)
			return (int)line;
	}
	return 0;
}

/* --- enable / disable ---------------------------------------------------------------- */

struct toggle {
	const char *name;
	int enable;
	json_t *out;
};

static int
toggle_fn(struct cdn_txn *txn, void *arg)
{
	struct toggle *t = arg;
	json_t *rec;
	int rc;

	json_decref(t->out);
	t->out = NULL;
	if ((rc = rule_read(txn, t->name, &rec)) != 0)
		return rc;
	if (!rec)
		return cdn_error_set(CDN_ENOTFOUND, NULL, "no rule %s", t->name);
	if (json_is_true(json_object_get(rec, "enabled")) != t->enable) {
		json_object_set_new(rec, "enabled", json_boolean(t->enable));
		json_object_set_new(rec, "updated_at", json_string(cdn_txn_now(txn)));
		json_object_set_new(rec, "updated_by", json_string(cdn_txn_user(txn)));
		rc = rule_write(txn, rec, t->enable ? "rule-enable" : "rule-disable", NULL);
	}
	if (rc == 0)
		t->out = rec;
	else
		json_decref(rec);
	return rc;
}

int
cdn_rule_enable(struct cdn_store *st, const char *user, const char *name, int enable,
    json_t **out)
{
	struct toggle t = { name, enable, NULL };
	int rc;

	if (out)
		*out = NULL;
	if ((rc = check_name(name)) != 0)
		return rc;
	rc = cdn_store_write(st, user, toggle_fn, &t);
	if (rc == 0 && out)
		*out = t.out;
	else
		json_decref(t.out);
	return rc;
}

/* --- errors --------------------------------------------------------------------------- */

struct errs {
	json_t *out;
	size_t limit;
};

static int
errs_cb(void *arg, MDB_val *k, MDB_val *v)
{
	struct errs *e = arg;
	json_t *rec;
	int rc;

	if (e->limit && json_array_size(e->out) >= e->limit)
		return 1;
	if ((rc = cdn_json_decode_meta(k->mv_data, k->mv_size, v->mv_data, v->mv_size, &rec)) != 0)
		return rc;
	json_array_append_new(e->out, rec);
	return 0;
}

/* The count of rule `name`'s errors (0 before its first). */
static int
errors_total(struct cdn_txn *txn, const char *name, uint64_t *n)
{
	char key[96];
	MDB_val v;
	int rc;

	*n = 0;
	snprintf(key, sizeof key, "rule-errs.%s", name);
	if ((rc = cdn_meta_get(txn, key, &v)) == CDN_ENOTFOUND) {
		cdn_error_clear();
		return 0;
	}
	if (rc != 0)
		return rc;
	if (v.mv_size != 8)
		return cdn_error_set(CDN_ESTORE, NULL, "the stored %.80s is damaged", key);
	*n = cdn_get_be64(v.mv_data);
	return 0;
}

int
cdn_rule_errors(struct cdn_store *st, const char *name, size_t limit, json_t **out,
    uint64_t *total)
{
	struct errs e = { NULL, limit };
	struct cdn_txn *txn;
	char prefix[96];
	int rc;

	*out = NULL;
	if ((rc = check_name(name)) != 0 || (rc = cdn_txn_begin(st, CDN_TXN_READ, &txn)) != 0)
		return rc;
	if ((e.out = json_array()) == NULL) {
		cdn_txn_abort(txn);
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	}
	snprintf(prefix, sizeof prefix, "rule-err/%s/", name);
	rc = cdn_meta_each(txn, prefix, 1, errs_cb, &e);
	if (rc > 0)
		rc = 0;
	if (rc == 0 && total)
		rc = errors_total(txn, name, total);
	cdn_txn_abort(txn);
	if (rc != 0)
		json_decref(e.out);
	else
		*out = e.out;
	return rc;
}

static int
first_key(void *arg, MDB_val *k, MDB_val *v)
{
	(void)v;
	*(MDB_val *)arg = *k;
	return 1;
}

/* Keep an error of rule `name` (internal, rules.h): the newest
 * CDN_RULE_ERRORS_KEPT are kept, and the count of all. */
int
cdn_rule_error_save(struct cdn_txn *txn, const char *name, const char *commit,
    const char *record, const char *message)
{
	char key[128], prefix[96], ckey[96], *bytes, *clean;
	unsigned char cnt[8];
	uint64_t total;
	size_t plen;
	json_t *e;
	int rc;

	if ((rc = errors_total(txn, name, &total)) != 0)
		return rc;
	total++;
	snprintf(prefix, sizeof prefix, "rule-err/%s/", name);
	plen = strlen(prefix);
	memcpy(key, prefix, plen);
	cdn_be64((unsigned char *)key + plen, total);
	/* JSON holds UTF-8 only: whatever bytes a rule's message quoted, it
	 * is kept as one line of whole characters. */
	if ((clean = strdup(message)) == NULL)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	cdn_text_line(clean);
	e = json_pack("{s:I,s:s,s:s,s:s,s:s}", "seq", (json_int_t)total, "at", cdn_txn_now(txn),
	    "record", record, "message", clean, "commit", commit);
	free(clean);
	if (!e || cdn_json_encode(e, &bytes, NULL) != 0) {
		json_decref(e);
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	}
	json_decref(e);
	{
		MDB_val k = { plen + 8, key }, v = { strlen(bytes), bytes };

		rc = mdb_put(txn->txn, txn->st->meta, &k, &v, 0);
		rc = rc ? cdn_lmdb_error(txn, rc, "rule errors") : 0;
	}
	free(bytes);
	if (rc != 0)
		return rc;
	snprintf(ckey, sizeof ckey, "rule-errs.%s", name);
	cdn_be64(cnt, total);
	if ((rc = cdn_meta_put(txn, ckey, cnt, 8)) != 0)
		return rc;
	if (total > CDN_RULE_ERRORS_KEPT) {
		MDB_val old = { 0, NULL };
		char okey[128];

		if ((rc = cdn_meta_each(txn, prefix, 0, first_key, &old)) < 0)
			return rc;
		if (old.mv_size > 0 && old.mv_size <= sizeof okey) {
			memcpy(okey, old.mv_data, old.mv_size);
			old.mv_data = okey;
			if ((rc = mdb_del(txn->txn, txn->st->meta, &old, NULL)) != 0)
				return cdn_lmdb_error(txn, rc, "rule errors");
		}
	}
	return 0;
}

/* The enabled rules, or those named: their definitions and sources, as
 * the runner needs them (internal, rules.h). */
int
cdn_rule_load(struct cdn_txn *txn, struct cdn_repo *repo, const char *const *names, size_t n,
    struct cdn_ruledef **out, size_t *nout)
{
	json_t *all = json_array(), *rec;
	struct cdn_ruledef *defs = NULL;
	size_t i, k = 0;
	int rc = 0;

	*out = NULL;
	*nout = 0;
	if (!all)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	if (names) {
		for (i = 0; i < n && rc == 0; i++) {
			if ((rc = check_name(names[i])) != 0 || (rc = rule_read(txn, names[i], &rec)) != 0)
				break;
			if (!rec)
				rc = cdn_error_set(CDN_ENOTFOUND, NULL, "no rule %s", names[i]);
			else
				json_array_append_new(all, rec);
		}
	} else {
		rc = cdn_meta_list(txn, "rule/", all);
	}
	if (rc == 0 && (defs = calloc(json_array_size(all) + 1, sizeof *defs)) == NULL)
		rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	json_array_foreach(all, i, rec) {
		struct cdn_ruledef *d = &defs[k];
		json_t *on;
		size_t j;

		if (rc != 0)
			break;
		if (!names && !json_is_true(json_object_get(rec, "enabled")))
			continue;
		snprintf(d->name, sizeof d->name, "%s", json_string_value(json_object_get(rec, "name")));
		snprintf(d->title, sizeof d->title, "%s", json_string_value(json_object_get(rec, "title")));
		snprintf(d->commit, sizeof d->commit, "%s",
		    json_string_value(json_object_get(rec, "commit")));
		d->severity = cdn_severity_parse(json_string_value(json_object_get(rec, "severity")));
		if (d->severity < 0)
			d->severity = 0;
		json_array_foreach(json_object_get(rec, "on"), j, on) {
			int kk = cdn_kind_parse(json_string_value(on));

			if (kk >= 0)
				d->on |= 1u << kk;
		}
		d->on &= CDN_RULE_KINDS;
		rc = cdn_repo_read_buf(repo, json_string_value(json_object_get(rec, "blob")),
		    SOURCE_MAX, &d->src, &d->len);
		k++;
	}
	json_decref(all);
	if (rc != 0) {
		for (i = 0; i < k; i++)
			cdn_ruledef_clear(&defs[i]);
		free(defs);
		return rc;
	}
	*out = defs;
	*nout = k;
	return 0;
}

/* The kinds enabled rules watch, stored for writers to read cheaply. */
int
cdn_trigger_kinds_update(struct cdn_txn *txn)
{
	json_t *all = json_array(), *rec, *on;
	unsigned kinds = 0;
	size_t i, j;
	int rc;

	if (!all)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	rc = cdn_meta_list(txn, "rule/", all);
	json_array_foreach(all, i, rec) {
		if (!json_is_true(json_object_get(rec, "enabled")))
			continue;
		json_array_foreach(json_object_get(rec, "on"), j, on) {
			int k = cdn_kind_parse(json_string_value(on));

			if (k >= 0)
				kinds |= 1u << k;
		}
	}
	json_decref(all);
	if (rc != 0)
		return rc;
	return cdn_changes_watch(txn, kinds & CDN_RULE_KINDS);
}
