/*
 * partner.c - partners, their sharing policies and the sharing
 * organisation (partner.h). One checker serves the command line and the
 * API, so a policy means the same whichever way it was given.
 */
#include <stdio.h>
#include <string.h>

#include "cordon/check.h"
#include "cordon/partner.h"
#include "cordon/user.h"
#include "internal.h"
#include "json.h"
#include "rules.h"

static const char *const tlp_names[] = { "clear", "green", "amber", "amber+strict", "red", NULL };
static const char *const profiles[] = { "non-nominal", "nominal", NULL };
static const char *const alert_statuses[] = { "new", "acknowledged", "escalated", "dismissed",
	"promoted", NULL };
/* Members of a policy, in the order they are stored. */
static const char *const members[] = { "country", "max_tlp", "profile", "rules", "severities",
	"tags", "statuses", "cases", NULL };

int
cdn_tlp_rank(const char *name)
{
	for (int i = 0; name && tlp_names[i]; i++)
		if (strcmp(name, tlp_names[i]) == 0)
			return i;
	return -1;
}

const char *
cdn_tlp_name(int rank)
{
	return rank >= 0 && rank <= CDN_TLP_RED ? tlp_names[rank] : "?";
}

static int
one_of(const char *s, const char *const *values)
{
	for (int i = 0; s && values[i]; i++)
		if (strcmp(s, values[i]) == 0)
			return i;
	return -1;
}

/* "a, b or c" for messages. */
static void
list_words(const char *const *values, char *buf, size_t cap)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; values[i]; i++)
		n += (size_t)snprintf(buf + n, n < cap ? cap - n : 0, "%s%s", i == 0 ? "" :
		    values[i + 1] ? ", " : " or ", values[i]);
}

/* The member `name`'s items must each pass `item`; returns the array
 * (deduplicated, a new reference) in *out, or NULL for null. */
typedef int (*item_fn)(struct cdn_txn *txn, const char *field, const char *s);

static int
check_list(struct cdn_txn *txn, const char *field, json_t *v, int may_be_empty, item_fn item,
    json_t **out)
{
	json_t *x, *have;
	size_t i, j;
	int rc;

	*out = NULL;
	if (json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return cdn_error_set(CDN_EINVAL, field, "must be an array of strings, or null for all");
	if (json_array_size(v) == 0 && !may_be_empty)
		return cdn_error_set(CDN_EINVAL, field, "is empty, which would select nothing: name at "
		    "least one, or all of them (all on the command line, null in JSON)");
	if (json_array_size(v) > 1000)
		return cdn_error_set(CDN_EINVAL, field, "at most 1000 items");
	if ((*out = json_array()) == NULL)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	json_array_foreach(v, i, x) {
		if (!json_is_string(x)) {
			rc = cdn_error_set(CDN_EINVAL, field, "item %zu is not a string", i + 1);
			goto fail;
		}
		if ((rc = item(txn, field, json_string_value(x))) != 0)
			goto fail;
		json_array_foreach(*out, j, have)
			if (json_equal(have, x))
				break;
		if (j == json_array_size(*out))
			json_array_append(*out, x);
	}
	return 0;
fail:
	json_decref(*out);
	*out = NULL;
	return rc;
}

static int
item_rule(struct cdn_txn *txn, const char *field, const char *s)
{
	char key[96];
	MDB_val v;
	int rc;

	if (strlen(s) == 0 || strlen(s) > CDN_RULE_NAME_MAX || strspn(s,
	    "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(s))
		return cdn_error_set(CDN_EINVAL, field, "'%.64s' is not a rule name", s);
	if (!txn)
		return 0;
	snprintf(key, sizeof key, "rule/%s", s);
	if ((rc = cdn_meta_get(txn, key, &v)) != 0) {
		if (rc != CDN_ENOTFOUND)
			return rc;
		return cdn_error_set(CDN_EINVAL, field, "no rule %s (cordon rule list shows them)", s);
	}
	return 0;
}

static int
item_severity(struct cdn_txn *txn, const char *field, const char *s)
{
	(void)txn;
	if (cdn_severity_parse(s) < 0)
		return cdn_error_set(CDN_EINVAL, field, "'%.40s' is not a severity (low, medium, high "
		    "or critical)", s);
	return 0;
}

static int
item_tag(struct cdn_txn *txn, const char *field, const char *s)
{
	(void)txn;
	if (strlen(s) == 0 || strlen(s) > 64)
		return cdn_error_set(CDN_EINVAL, field, "a tag is 1 to 64 bytes");
	return 0;
}

static int
item_status(struct cdn_txn *txn, const char *field, const char *s)
{
	char words[120];

	(void)txn;
	if (one_of(s, alert_statuses) < 0) {
		list_words(alert_statuses, words, sizeof words);
		return cdn_error_set(CDN_EINVAL, field, "'%.40s' is not an alert status (%s)", s, words);
	}
	return 0;
}

static int
item_case(struct cdn_txn *txn, const char *field, const char *s)
{
	struct cdn_id id;
	int rc;

	if (cdn_id_parse(s, &id) != 0 || id.kind != CDN_CASE)
		return cdn_error_set(CDN_EINVAL, field, "'%.40s' is not a case id", s);
	if (!txn)
		return 0;
	if ((rc = cdn_record_exists(txn, s)) < 0)
		return rc;
	return rc ? 0 : cdn_error_set(CDN_EINVAL, field, "no case %s", s);
}

/*
 * Check a policy, or the members of one being changed (`partial`), and
 * give its stored form: `*out` the policy with defaults filled in (not
 * for `partial`). `txn` (may be NULL) is used to check that the rules and
 * cases named exist. CDN_EINVAL naming the field.
 */
static int
policy_check(struct cdn_txn *txn, json_t *policy, int partial, json_t **out)
{
	char why[CDN_WHY_MAX], words[120];
	const char *key;
	json_t *v, *p, *list;
	int rc;

	if (out)
		*out = NULL;
	if (!json_is_object(policy))
		return cdn_error_set(CDN_EINVAL, NULL, "a policy is a JSON object");
	json_object_foreach(policy, key, v)
		if (one_of(key, members) < 0) {
			list_words(members, words, sizeof words);
			return cdn_error_set(CDN_EINVAL, key, "not part of a policy (%s)", words);
		}
	if ((p = json_object()) == NULL)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	/* Each member in turn: checked if given, its default if not. */
	if ((v = json_object_get(policy, "country")) != NULL) {
		if (!json_is_string(v) || cdn_check_country(json_string_value(v), why) != 0) {
			rc = cdn_error_set(CDN_EINVAL, "country", "%s", json_is_string(v) ? why :
			    "must be a country code (ISO 3166-1 alpha-2, like KH)");
			goto fail;
		}
		json_object_set(p, "country", v);
	} else if (!partial) {
		rc = cdn_error_set(CDN_EINVAL, "country", "required: the partner's country (like KH)");
		goto fail;
	}
	if ((v = json_object_get(policy, "max_tlp")) != NULL) {
		int r = cdn_tlp_rank(json_string_value(v));

		if (r == CDN_TLP_RED) {
			rc = cdn_error_set(CDN_EINVAL, "max_tlp", "red is never shared: the ceiling is "
			    "clear, green, amber or amber+strict");
			goto fail;
		}
		if (r < 0) {
			rc = cdn_error_set(CDN_EINVAL, "max_tlp", "must be clear, green, amber or "
			    "amber+strict");
			goto fail;
		}
		json_object_set(p, "max_tlp", v);
	} else if (!partial) {
		rc = cdn_error_set(CDN_EINVAL, "max_tlp", "required: the highest TLP the partner may "
		    "receive (clear, green, amber or amber+strict)");
		goto fail;
	}
	if ((v = json_object_get(policy, "profile")) != NULL && !json_is_null(v)) {
		if (one_of(json_string_value(v), profiles) < 0) {
			rc = cdn_error_set(CDN_EINVAL, "profile", "must be non-nominal or nominal");
			goto fail;
		}
		json_object_set(p, "profile", v);
	} else if (!partial || v) {
		json_object_set_new(p, "profile", json_string("non-nominal"));
	}
	{
		static const struct {
			const char *name;
			item_fn item;
			int may_be_empty;
		} lists[] = {
			{ "rules", item_rule, 0 }, { "severities", item_severity, 0 },
			{ "tags", item_tag, 0 }, { "statuses", item_status, 0 },
			{ "cases", item_case, 1 },
		};

		for (size_t i = 0; i < sizeof lists / sizeof *lists; i++) {
			v = json_object_get(policy, lists[i].name);
			if (!v && partial)
				continue;
			if ((rc = check_list(txn, lists[i].name, v ? v : json_null(),
			    lists[i].may_be_empty, lists[i].item, &list)) != 0)
				goto fail;
			/* What null stands for, where it is not "all". */
			if (!list && strcmp(lists[i].name, "statuses") == 0)
				list = json_pack("[ssss]", "new", "acknowledged", "escalated", "promoted");
			else if (!list && strcmp(lists[i].name, "cases") == 0)
				list = json_array();
			json_object_set_new(p, lists[i].name, list ? list : json_null());
		}
	}
	if (out)
		*out = p;
	else
		json_decref(p);
	return 0;
fail:
	json_decref(p);
	return rc;
}

/* --- stored partners ---------------------------------------------------------------- */

static void
partner_key(char *buf, size_t cap, const char *name)
{
	snprintf(buf, cap, "partner/%s", name);
}

int
cdn_partner_get_txn(struct cdn_txn *txn, const char *name, json_t **out)
{
	char key[96], why[CDN_WHY_MAX];
	int rc;

	*out = NULL;
	if (!name || cdn_check_username(name, why) != 0)
		return cdn_error_set(CDN_ENOTFOUND, NULL, "no partner %.64s", name ? name : "");
	partner_key(key, sizeof key, name);
	if ((rc = cdn_meta_get_json(txn, key, out)) != 0)
		return rc;
	return *out ? 0 : cdn_error_set(CDN_ENOTFOUND, NULL, "no partner %s (cordon partner list "
	    "shows them)", name);
}

struct partner_write {
	const char *name;
	json_t *in;		/* the policy, or the members to change */
	int op;			/* 'a' add, 'u' update, 'r' remove */
	json_t *out;
};

/* The user behind a new partner: made, or one of role partner taken on. */
static int
partner_user(struct cdn_txn *txn, const char *name)
{
	char key[96];
	json_t *u;
	const char *role;
	int rc;

	snprintf(key, sizeof key, "user/%s", name);
	if ((rc = cdn_meta_get_json(txn, key, &u)) != 0)
		return rc;
	if (!u)
		return cdn_user_add_txn(txn, name, cdn_role_name(CDN_ROLE_PARTNER));
	role = json_string_value(json_object_get(u, "role"));
	rc = role && strcmp(role, cdn_role_name(CDN_ROLE_PARTNER)) == 0 ? 0 :
	    cdn_error_set(CDN_EEXIST, "name", "user %s exists with the role %s: a partner needs a "
	    "user of its own", name, role ? role : "?");
	json_decref(u);
	return rc;
}

static int
partner_write_fn(struct cdn_txn *txn, void *arg)
{
	struct partner_write *w = arg;
	char key[96];
	json_t *old = NULL, *rec = NULL, *policy = NULL, *v;
	const char *m;
	int64_t version;
	int rc;

	json_decref(w->out);
	w->out = NULL;
	partner_key(key, sizeof key, w->name);
	if ((rc = cdn_meta_get_json(txn, key, &old)) != 0)
		return rc;
	if (w->op == 'a' && old) {
		json_decref(old);
		return cdn_error_set(CDN_EEXIST, "name", "partner %s exists", w->name);
	}
	if (w->op != 'a' && !old)
		return cdn_error_set(CDN_ENOTFOUND, NULL, "no partner %s (cordon partner list shows "
		    "them)", w->name);
	if (w->op == 'r') {
		version = json_integer_value(json_object_get(old, "version")) + 1;
		json_decref(old);
		if ((rc = cdn_meta_del_audited(txn, key, version, "partner-remove", NULL)) != 0)
			return rc;
		/* The MISP feed's timestamps for it, if it had any (export.c). */
		snprintf(key, sizeof key, "misp/%s", w->name);
		{
			MDB_val k = { strlen(key), key };
			int mrc = mdb_del(txn->txn, txn->st->meta, &k, NULL);

			if (mrc != 0 && mrc != MDB_NOTFOUND)
				return cdn_lmdb_error(txn, mrc, key);
		}
		return cdn_user_remove_txn(txn, w->name);
	}
	if ((rc = policy_check(txn, w->in, w->op == 'u', &policy)) != 0)
		goto out;
	if (w->op == 'a') {
		if ((rc = partner_user(txn, w->name)) != 0)
			goto out;
		version = 1;
		rec = json_pack("{s:s}", "name", w->name);
	} else {
		version = json_integer_value(json_object_get(old, "version")) + 1;
		rec = json_pack("{s:s}", "name", w->name);
		/* The stored policy with the changed members put over it. */
		for (int i = 0; rec && members[i]; i++)
			json_object_set(rec, members[i], json_object_get(old, members[i]));
	}
	if (!rec) {
		rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		goto out;
	}
	json_object_foreach(policy, m, v)
		json_object_set(rec, m, v);
	json_object_set_new(rec, "version", json_integer(version));
	json_object_set_new(rec, "created_at", json_string(old ? json_string_value(json_object_get(old,
	    "created_at")) : cdn_txn_now(txn)));
	json_object_set_new(rec, "created_by", json_string(old ? json_string_value(json_object_get(old,
	    "created_by")) : cdn_txn_user(txn)));
	json_object_set_new(rec, "updated_at", json_string(cdn_txn_now(txn)));
	json_object_set_new(rec, "updated_by", json_string(cdn_txn_user(txn)));
	if ((rc = cdn_meta_put_audited(txn, key, rec, version, w->op == 'a' ? "partner-add" :
	    "partner-update", NULL)) == 0)
		w->out = json_incref(rec);
out:
	json_decref(old);
	json_decref(rec);
	json_decref(policy);
	return rc;
}

static int
partner_write(struct cdn_store *st, const char *actor, const char *name, json_t *in, int op,
    json_t **out)
{
	struct partner_write w = { name, in, op, NULL };
	char why[CDN_WHY_MAX];
	int rc;

	if (out)
		*out = NULL;
	if (!name || cdn_check_username(name, why) != 0)
		return op == 'a' ? cdn_error_set(CDN_EINVAL, "name", "%s", name ? why : "required") :
		    cdn_error_set(CDN_ENOTFOUND, NULL, "no partner %.64s", name ? name : "");
	rc = cdn_store_write(st, actor, partner_write_fn, &w);
	if (rc == 0 && out)
		*out = w.out;
	else
		json_decref(w.out);
	return rc;
}

int
cdn_partner_add(struct cdn_store *st, const char *actor, const char *name, json_t *policy,
    json_t **out)
{
	return partner_write(st, actor, name, policy, 'a', out);
}

int
cdn_partner_update(struct cdn_store *st, const char *actor, const char *name, json_t *patch,
    json_t **out)
{
	if (json_is_object(patch) && json_object_size(patch) == 0)
		return cdn_error_set(CDN_EINVAL, NULL, "nothing to change: give the policy members "
		    "to set");
	return partner_write(st, actor, name, patch, 'u', out);
}

int
cdn_partner_remove(struct cdn_store *st, const char *actor, const char *name)
{
	return partner_write(st, actor, name, NULL, 'r', NULL);
}

int
cdn_partner_get(struct cdn_store *st, const char *name, json_t **out)
{
	struct cdn_txn *txn;
	int rc;

	*out = NULL;
	if ((rc = cdn_txn_begin(st, CDN_TXN_READ, &txn)) != 0)
		return rc;
	rc = cdn_partner_get_txn(txn, name, out);
	cdn_txn_abort(txn);
	return rc;
}

int
cdn_partner_list(struct cdn_store *st, json_t **out)
{
	struct cdn_txn *txn;
	int rc;

	if ((*out = json_array()) == NULL)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	if ((rc = cdn_txn_begin(st, CDN_TXN_READ, &txn)) == 0) {
		rc = cdn_meta_list(txn, "partner/", *out);
		cdn_txn_abort(txn);
	}
	if (rc != 0) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

/* --- the sharing organisation --------------------------------------------------------- */

int
cdn_org_get(struct cdn_txn *txn, json_t **out)
{
	char name[64];
	int rc;

	if ((rc = cdn_meta_get_json(txn, "org", out)) != 0 || *out)
		return rc;
	snprintf(name, sizeof name, "cordon store %.8s", cdn_store_uuid(txn->st));
	*out = json_pack("{s:s,s:n}", "name", name, "country");
	return *out ? 0 : cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
}

struct org_write {
	const char *name, *country;
	json_t *out;
};

static int
org_write_fn(struct cdn_txn *txn, void *arg)
{
	struct org_write *w = arg;
	json_t *old, *rec;
	int64_t version;
	int rc;

	json_decref(w->out);
	w->out = NULL;
	if ((rc = cdn_meta_get_json(txn, "org", &old)) != 0)
		return rc;
	version = old ? json_integer_value(json_object_get(old, "version")) + 1 : 1;
	json_decref(old);
	rec = json_pack("{s:s,s:s?,s:I,s:s,s:s}", "name", w->name, "country", w->country, "version",
	    (json_int_t)version, "updated_at", cdn_txn_now(txn), "updated_by", cdn_txn_user(txn));
	if (!rec)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	if (!w->country)
		json_object_set_new(rec, "country", json_null());
	if ((rc = cdn_meta_put_audited(txn, "org", rec, version, "org-set", NULL)) == 0)
		w->out = json_incref(rec);
	json_decref(rec);
	return rc;
}

int
cdn_org_set(struct cdn_store *st, const char *actor, const char *name, const char *country,
    json_t **out)
{
	struct org_write w = { name, country, NULL };
	char why[CDN_WHY_MAX];
	size_t n = name ? strlen(name) : 0;
	int rc;

	if (out)
		*out = NULL;
	if (n == 0 || n > 200)
		return cdn_error_set(CDN_EINVAL, "name", "1 to 200 bytes: how partners know you, "
		    "like \"General Department of Vietnam Customs\"");
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return cdn_error_set(CDN_EINVAL, "name", "must not hold control characters");
	if (country && cdn_check_country(country, why) != 0)
		return cdn_error_set(CDN_EINVAL, "country", "%s", why);
	if ((rc = cdn_store_write(st, actor, org_write_fn, &w)) == 0 && out)
		*out = w.out;
	else
		json_decref(w.out);
	return rc;
}
