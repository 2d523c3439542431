/*
 * alert.c - alerts: raised by rules, deduplicated on (rule, key), and
 * triaged by analysts (alert.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cordon/alert.h"
#include "cordon/partner.h"
#include "cordon/text.h"
#include "grow.h"
#include "internal.h"
#include "rules.h"
#include "schema.h"

/* Write `rec` as alert `id` (old: the stored one, NULL for a new one). */
/* The alert of (rule, key): its seq, or 0 if there is none. */
static int
find(struct cdn_txn *txn, const char *rule, const char *key, uint64_t *seq)
{
	unsigned char k[CDN_IKEY_MAX];
	MDB_val kv, v;
	struct cdn_id id;
	int rc;

	*seq = 0;
	kv.mv_size = cdn_alert_key(rule, key, k);
	kv.mv_data = k;
	if ((rc = mdb_get(txn->txn, txn->st->idx, &kv, &v)) == MDB_NOTFOUND)
		return 0;
	if (rc != 0)
		return cdn_lmdb_error(txn, rc, "index");
	if (cdn_rkey_id(v.mv_data, v.mv_size, &id) == 0 && id.kind == CDN_ALERT)
		*seq = id.seq;
	return 0;
}

static int
cmp_pair(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	return x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : x[1] < y[1] ? -1 : x[1] > y[1];
}

static int
tlp_of(json_t *rec)
{
	int t = cdn_tlp_rank(json_string_value(json_object_get(rec, "tlp")));

	return t < 0 ? CDN_TLP_RED : t;
}

/*
 * The least TLP an alert naming `refs` may carry: an alert asserts that
 * what it names belongs together, so it is marked at least as high as
 * each record it names (from `from` on: those it did not name before) and
 * each link between two of them, whatever the rule read to find them.
 * Links come from the index; only those between two refs are read.
 */
static int
tlp_floor(struct cdn_txn *txn, json_t *refs, size_t from, int *floor)
{
	uint64_t *pairs = NULL;		/* (link seq, ref index) */
	size_t n = 0, cap = 0, i;
	json_t *ref;
	int rc = 0;

	json_array_foreach(refs, i, ref) {
		const char *id = json_string_value(ref);
		uint64_t *seqs = NULL;
		size_t ns = 0;
		json_t *rec;

		if (!id)
			continue;
		if (i >= from) {
			if ((rc = cdn_record_get(txn, id, &rec)) == 0) {
				if (tlp_of(rec) > *floor)
					*floor = tlp_of(rec);
				json_decref(rec);
			} else if (rc == CDN_ENOTFOUND) {
				cdn_error_clear();	/* a deleted record: the refs keep it */
				rc = 0;
			} else {
				break;
			}
		}
		if ((rc = cdn_link_seqs(txn, id, &seqs, &ns)) != 0)
			break;
		if (cdn_grow(&pairs, &cap, 2 * (n + ns), sizeof *pairs, 64) != 0) {
			free(seqs);
			rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
			break;
		}
		for (size_t k = 0; k < ns; k++) {
			pairs[2 * n] = seqs[k];
			pairs[2 * n++ + 1] = i;
		}
		free(seqs);
	}
	if (rc == 0 && n > 1)
		qsort(pairs, n, 2 * sizeof *pairs, cmp_pair);
	/* A link seen from two different refs joins them; it counts if one
	 * of them is new. */
	for (size_t k = 0, e; rc == 0 && k < n; k = e) {
		char lid[CDN_ID_MAX];
		int joins = 0, fresh = 0;
		json_t *l;

		for (e = k; e < n && pairs[2 * e] == pairs[2 * k]; e++) {
			joins |= pairs[2 * e + 1] != pairs[2 * k + 1];
			fresh |= pairs[2 * e + 1] >= from;
		}
		if (!joins || !fresh)
			continue;
		cdn_id_format((struct cdn_id){ CDN_LINK, pairs[2 * k] }, lid);
		if ((rc = cdn_record_get(txn, lid, &l)) != 0)
			break;
		if (tlp_of(l) > *floor)
			*floor = tlp_of(l);
		json_decref(l);
	}
	free(pairs);
	return rc;
}

int
cdn_alert_raise(struct cdn_txn *txn, const char *rule, const char *version,
    const char *key, const char *title, const char *explain, const char *severity,
    json_t *refs, int *created, json_t **out)
{
	char note[128], why[CDN_WHY_MAX];
	json_t *old = NULL, *rec = NULL, *all, *ref, *have;
	struct cdn_id id = { CDN_ALERT, 0 };
	size_t i, j, added = 0, from = 0;
	int rc, tlp = CDN_TLP_AMBER;

	*created = 0;
	if (out)
		*out = NULL;
	if (!key)
		return cdn_error_set(CDN_EINVAL, "key", "required");
	if (!title)
		return cdn_error_set(CDN_EINVAL, "title", "required");
	/* JSON holds UTF-8 only: text that is not is refused as what it is,
	 * before anything is written. */
	if (cdn_check_text(key, strlen(key), 0, why) != 0)
		return cdn_error_set(CDN_EINVAL, "key", "%s", why);
	if (cdn_check_text(title, strlen(title), 0, why) != 0)
		return cdn_error_set(CDN_EINVAL, "title", "%s", why);
	if (explain && cdn_check_text(explain, strlen(explain), 1, why) != 0)
		return cdn_error_set(CDN_EINVAL, "explain", "%s", why);
	if ((rc = find(txn, rule, key, &id.seq)) != 0)
		return rc;
	if (id.seq) {
		char idbuf[CDN_ID_MAX];

		cdn_id_format(id, idbuf);
		if ((rc = cdn_record_get(txn, idbuf, &old)) != 0)
			return rc;
		if ((rec = json_deep_copy(old)) == NULL)
			goto nomem;
		/* The refs it had, then the new ones; the newest kept. */
		all = json_object_get(rec, "refs");
		tlp = tlp_of(rec);
		json_array_foreach(refs, i, ref) {
			json_array_foreach(all, j, have)
				if (json_equal(have, ref))
					break;
			if (j == json_array_size(all)) {
				json_array_append(all, ref);
				added++;
			}
		}
		while (json_array_size(all) > CDN_ALERT_REFS_KEEP)
			json_array_remove(all, 0);
		json_object_set_new(rec, "last_seen_at", json_string(cdn_txn_now(txn)));
		snprintf(note, sizeof note, "raised again by rule %s", rule);
	} else {
		id.seq = cdn_txn_peek_seq(txn, CDN_ALERT);
		rec = json_pack("{s:s,s:s,s:O,s:s,s:s}", "raised_at", cdn_txn_now(txn),
		    "last_seen_at", cdn_txn_now(txn), "refs", refs, "status", "new", "key", key);
		if (!rec)
			goto nomem;
		snprintf(note, sizeof note, "raised by rule %s", rule);
		*created = 1;
	}
	if (json_object_set_new(rec, "rule", json_string(rule)) != 0 ||
	    json_object_set_new(rec, "rule_version", json_string(version)) != 0 ||
	    json_object_set_new(rec, "title", json_string(title)) != 0 ||
	    json_object_set_new(rec, "severity", json_string(severity)) != 0)
		goto nomem;
	if (explain)
		json_object_set_new(rec, "explain", json_string(explain));
	else
		json_object_del(rec, "explain");
	/* Never lower: an analyst may have raised it, or lowered it knowing
	 * what it named, and only what it names anew can ask for more. The
	 * new refs are the last `added` (the oldest may have made way). */
	if (old) {
		size_t n = json_array_size(json_object_get(rec, "refs"));

		from = added < n ? n - added : 0;
	}
	if ((rc = tlp_floor(txn, json_object_get(rec, "refs"), from, &tlp)) != 0) {
		json_decref(old);
		json_decref(rec);
		return rc;
	}
	if (!old || tlp > tlp_of(old))
		json_object_set_new(rec, "tlp", json_string(cdn_tlp_name(tlp)));
	rc = cdn_record_put_owned(txn, id, rec, old, old ? "update" : "create", note, out);
	json_decref(old);
	json_decref(rec);
	return rc;
nomem:
	json_decref(old);
	json_decref(rec);
	return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
}

/* --- triage ----------------------------------------------------------------------- */

struct change {
	const char *id;
	const char *status;
	const char *note;
	const char *case_id;		/* attach: the case it joins */
	json_t *out;
};

static const char *
verb(const char *status)
{
	return strcmp(status, "acknowledged") == 0 ? "acknowledge" :
	    strcmp(status, "escalated") == 0 ? "escalate" :
	    strcmp(status, "dismissed") == 0 ? "dismiss" : "promote";
}

/* A triage note is a sentence or two, as a custody note is (schema.c). */
#define NOTE_MAX 2000

/* The stored alert `id`, checked to be one that may still change. */
static int
load(struct cdn_txn *txn, const char *id, const char *to, const char *note, struct cdn_id *rid,
    json_t **old)
{
	char why[CDN_WHY_MAX];
	const char *status;
	int rc;

	*old = NULL;
	if (cdn_id_parse(id, rid) != 0 || rid->kind != CDN_ALERT)
		return cdn_error_set(CDN_EUSAGE, NULL, "'%.40s' is not an alert id", id);
	if (note && strlen(note) > NOTE_MAX)
		return cdn_error_set(CDN_EINVAL, "note", "must be at most %d bytes", NOTE_MAX);
	/* The rule of every other note (a custody note's): it is shown in
	 * the audit trail, where a control character could forge lines. */
	if (note && cdn_check_text(note, strlen(note), 1, why) != 0)
		return cdn_error_set(CDN_EINVAL, "note", "%s", why);
	if ((rc = cdn_record_get(txn, id, old)) != 0)
		return rc;
	status = json_string_value(json_object_get(*old, "status"));
	if (status && strcmp(status, "promoted") == 0)
		rc = cdn_error_set(CDN_EINVAL, "status", "%s was promoted to %s: it is final", id,
		    json_string_value(json_object_get(*old, "case")));
	else if (status && strcmp(status, to) == 0)
		rc = cdn_error_set(CDN_EINVAL, "status", "%s is %s already", id, to);
	if (rc != 0) {
		json_decref(*old);
		*old = NULL;
	}
	return rc;
}

static int
status_fn(struct cdn_txn *txn, void *arg)
{
	struct change *c = arg;
	struct cdn_id rid;
	json_t *old, *rec;
	int rc;

	json_decref(c->out);
	c->out = NULL;
	if ((rc = load(txn, c->id, c->status, c->note, &rid, &old)) != 0)
		return rc;
	if ((rec = json_deep_copy(old)) == NULL) {
		json_decref(old);
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	}
	json_object_set_new(rec, "status", json_string(c->status));
	rc = cdn_record_put_owned(txn, rid, rec, old, verb(c->status),
	    c->note && *c->note ? c->note : NULL, &c->out);
	json_decref(old);
	json_decref(rec);
	return rc;
}

int
cdn_alert_set_status(struct cdn_store *st, const char *user, const char *id,
    const char *status, const char *note, json_t **out)
{
	struct change c = { id, status, note, NULL, NULL };
	int rc;

	if (out)
		*out = NULL;
	if (strcmp(status, "acknowledged") != 0 && strcmp(status, "escalated") != 0 &&
	    strcmp(status, "dismissed") != 0)
		return cdn_error_set(CDN_EUSAGE, NULL, "'%.40s' is not a status an alert is set to "
		    "(acknowledged, escalated, dismissed)", status);
	rc = cdn_store_write(st, user, status_fn, &c);
	if ((rc == 0 || rc == CDN_ERULES) && out)
		*out = c.out;
	else
		json_decref(c.out);
	return rc;
}

static int
cmp_seq(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* 1 if `ref` has an involved_in link to `case_id` already, 0 if not, or
 * an error. Only the links the two have in common (from the index) are
 * read. */
static int
involved(struct cdn_txn *txn, const char *ref, const char *case_id)
{
	uint64_t *a = NULL, *b = NULL;
	size_t na = 0, nb = 0;
	int rc;

	if ((rc = cdn_link_seqs(txn, ref, &a, &na)) != 0 ||
	    (rc = cdn_link_seqs(txn, case_id, &b, &nb)) != 0)
		goto out;
	if (nb > 1)
		qsort(b, nb, sizeof *b, cmp_seq);
	for (size_t i = 0; i < na && rc == 0; i++) {
		char lid[CDN_ID_MAX];
		const char *from, *to, *type;
		json_t *l;

		if (!nb || !bsearch(&a[i], b, nb, sizeof *b, cmp_seq))
			continue;
		cdn_id_format((struct cdn_id){ CDN_LINK, a[i] }, lid);
		if ((rc = cdn_record_get(txn, lid, &l)) != 0)
			break;
		from = json_string_value(json_object_get(l, "from"));
		to = json_string_value(json_object_get(l, "to"));
		type = json_string_value(json_object_get(l, "type"));
		rc = from && to && type && strcmp(from, ref) == 0 && strcmp(to, case_id) == 0 &&
		    strcmp(type, "involved_in") == 0;
		json_decref(l);
	}
out:
	free(a);
	free(b);
	return rc;
}

/*
 * The one way an alert joins a case, new (promote) or existing (attach):
 * a link (involved_in) from each record it names to the case, unless the
 * record is gone, is the case, or is linked so already; then the alert
 * becomes promoted, its `case` that case, audited as `op`.
 */
static int
join_case(struct cdn_txn *txn, struct change *c, json_t *old, struct cdn_id rid,
    const char *case_id, const char *op)
{
	json_t *rec, *ref;
	size_t i;
	int rc;

	json_array_foreach(json_object_get(old, "refs"), i, ref) {
		const char *id = json_string_value(ref);
		json_t *link;

		/* A record deleted since the alert was raised has no link. */
		if (!id || strcmp(id, case_id) == 0)
			continue;
		if ((rc = cdn_record_exists(txn, id)) <= 0) {
			if (rc < 0)
				return rc;
			continue;
		}
		if ((rc = involved(txn, id, case_id)) != 0) {
			if (rc < 0)
				return rc;
			continue;
		}
		link = json_pack("{s:s,s:s,s:s}", "from", id, "to", case_id, "type", "involved_in");
		if (!link)
			return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		rc = cdn_record_create(txn, CDN_LINK, link, 0, NULL);
		json_decref(link);
		if (rc != 0)
			return rc;
	}
	if ((rec = json_deep_copy(old)) == NULL)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	json_object_set_new(rec, "status", json_string("promoted"));
	json_object_set_new(rec, "case", json_string(case_id));
	json_decref(c->out);
	c->out = NULL;
	rc = cdn_record_put_owned(txn, rid, rec, old, op, c->note && *c->note ? c->note : NULL,
	    &c->out);
	json_decref(rec);
	return rc;
}

static int
promote_fn(struct cdn_txn *txn, void *arg)
{
	struct change *c = arg;
	char summary[2400], case_id[CDN_ID_MAX];
	const char *explain;
	json_t *old, *cs = NULL;
	struct cdn_id rid;
	int rc;

	json_decref(c->out);
	c->out = NULL;
	if ((rc = load(txn, c->id, "promoted", c->note, &rid, &old)) != 0)
		return rc;
	explain = json_string_value(json_object_get(old, "explain"));
	snprintf(summary, sizeof summary, "Promoted from alert %s (rule %s).%s%s", c->id,
	    json_string_value(json_object_get(old, "rule")), explain ? "\n\n" : "",
	    explain ? explain : "");
	cs = json_pack("{s:O,s:s,s:O,s:O}", "title", json_object_get(old, "title"),
	    "summary", summary, "tlp", json_object_get(old, "tlp"),
	    "tags", json_object_get(old, "tags"));
	if (!cs) {
		rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		goto out;
	}
	if ((rc = cdn_record_create(txn, CDN_CASE, cs, 0, &c->out)) != 0)
		goto out;
	snprintf(case_id, sizeof case_id, "%s", json_string_value(json_object_get(c->out, "id")));
	rc = join_case(txn, c, old, rid, case_id, "promote");
out:
	json_decref(old);
	json_decref(cs);
	return rc;
}

static int
attach_fn(struct cdn_txn *txn, void *arg)
{
	struct change *c = arg;
	struct cdn_id rid, cid;
	json_t *old;
	int rc;

	json_decref(c->out);
	c->out = NULL;
	if ((rc = load(txn, c->id, "promoted", c->note, &rid, &old)) != 0)
		return rc;
	if (!c->case_id || cdn_id_parse(c->case_id, &cid) != 0 || cid.kind != CDN_CASE)
		rc = cdn_error_set(CDN_EINVAL, "case", "'%.40s' is not a case id",
		    c->case_id ? c->case_id : "");
	else if ((rc = cdn_record_exists(txn, c->case_id)) == 0)
		rc = cdn_error_set(CDN_EINVAL, "case", "there is no case %s", c->case_id);
	if (rc >= 0)
		rc = join_case(txn, c, old, rid, c->case_id, "attach");
	json_decref(old);
	return rc;
}

int
cdn_alert_promote(struct cdn_store *st, const char *user, const char *id, const char *note,
    json_t **out)
{
	struct change c = { id, "promoted", note, NULL, NULL };
	int rc;

	if (out)
		*out = NULL;
	rc = cdn_store_write(st, user, promote_fn, &c);
	if ((rc == 0 || rc == CDN_ERULES) && out)
		*out = c.out;
	else
		json_decref(c.out);
	return rc;
}

int
cdn_alert_attach(struct cdn_store *st, const char *user, const char *id, const char *case_id,
    const char *note, json_t **out)
{
	struct change c = { id, "promoted", note, case_id, NULL };
	int rc;

	if (out)
		*out = NULL;
	rc = cdn_store_write(st, user, attach_fn, &c);
	if ((rc == 0 || rc == CDN_ERULES) && out)
		*out = c.out;
	else
		json_decref(c.out);
	return rc;
}
