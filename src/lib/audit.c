/*
 * audit.c - the hash-chained audit trail.
 *
 * An entry's hash is the SHA-256 of its stored bytes, and the next entry
 * carries it as `prev`; the head (last seq and hash) lives in meta and is
 * cached in the transaction, so an import of a million records reads it
 * once.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cordon/audit.h"
#include "intern.h"
#include "internal.h"

static int
load_head(struct cdn_txn *txn)
{
	MDB_val v;

	if (txn->audit_loaded)
		return 0;
	txn->audit_seq = 0;
	memset(txn->audit_hash, 0, 32);
	if (cdn_meta_get(txn, "audit.head", &v) == 0) {
		if (v.mv_size != 40)
			return cdn_error_set(CDN_ESTORE, NULL, "audit head is damaged");
		txn->audit_seq = cdn_get_be64(v.mv_data);
		memcpy(txn->audit_hash, (unsigned char *)v.mv_data + 8, 32);
	} else if (cdn_error_last()->code != CDN_ENOTFOUND) {
		return cdn_error_last()->code;
	}
	cdn_error_clear();
	txn->audit_loaded = 1;
	return 0;
}

int
cdn_audit_head(struct cdn_txn *txn, uint64_t *seq)
{
	int rc = load_head(txn);

	*seq = rc == 0 ? txn->audit_seq : 0;
	return rc;
}

int
cdn_audit_append(struct cdn_txn *txn, const char *op, const char *id,
    int64_t version, const unsigned char *sha256, const char *note)
{
	char prev[65], hash[68], *buf, *note_json = NULL;
	unsigned char key[8];
	MDB_val k = { 8, key }, v;
	int n, rc;

	if ((rc = load_head(txn)) != 0)
		return rc;
	cdn_hex(txn->audit_hash, 32, prev);
	if (sha256) {
		hash[0] = '"';
		cdn_hex(sha256, 32, hash + 1);
		strcpy(hash + 65, "\"");
	} else {
		strcpy(hash, "null");
	}
	if (note) {
		json_t *s = json_string(note);

		note_json = s ? json_dumps(s, JSON_ENCODE_ANY) : NULL;
		json_decref(s);
		if (!note_json)
			return cdn_error_set(CDN_EINVAL, "note", "not valid UTF-8");
	}
	/* Every field but the note is from a fixed alphabet (user names are
	 * checked when they are set), so the entry needs no escaping. */
	n = asprintf(&buf,
	    "{\"seq\":%" PRIu64 ",\"at\":\"%s\",\"user\":\"%s\",\"op\":\"%s\","
	    "\"id\":\"%s\",\"version\":%" PRId64 ",\"sha256\":%s%s%s,\"prev\":\"%s\"}",
	    txn->audit_seq + 1, txn->now, txn->user, op, id, version, hash,
	    note_json ? ",\"note\":" : "", note_json ? note_json : "", prev);
	free(note_json);
	if (n < 0)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	cdn_be64(key, txn->audit_seq + 1);
	v.mv_size = (size_t)n;
	v.mv_data = buf;
	rc = mdb_put(txn->txn, txn->st->audit, &k, &v, MDB_APPEND);
	if (rc == 0) {
		txn->audit_seq++;
		cdn_sha256(buf, (size_t)n, txn->audit_hash);
		txn->audit_dirty = 1;
	}
	free(buf);
	return rc ? cdn_lmdb_error(txn, rc, "audit") : 0;
}

int
cdn_audit_each(struct cdn_txn *txn, uint64_t from, size_t limit, int reverse,
    cdn_audit_fn fn, void *arg)
{
	unsigned char key[8];
	MDB_cursor *cur;
	MDB_val k, v;
	size_t n = 0;
	int rc, ret = 0;

	if ((rc = mdb_cursor_open(txn->txn, txn->st->audit, &cur)) != 0)
		return cdn_lmdb_error(txn, rc, "audit");
	if (reverse) {
		rc = mdb_cursor_get(cur, &k, &v, MDB_LAST);
	} else {
		cdn_be64(key, from ? from : 1);
		k.mv_size = 8;
		k.mv_data = key;
		rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	}
	for (; rc == 0 && (limit == 0 || n < limit); n++) {
		json_t *e = json_loadb(v.mv_data, v.mv_size, 0, NULL);

		if (!e) {
			ret = cdn_error_set(CDN_ESTORE, NULL, "audit entry %" PRIu64 " is not JSON",
			    cdn_get_be64(k.mv_data));
			break;
		}
		ret = fn(arg, e);
		json_decref(e);
		if (ret)
			break;
		rc = mdb_cursor_get(cur, &k, &v, reverse ? MDB_PREV : MDB_NEXT);
	}
	mdb_cursor_close(cur);
	return ret;
}

/* What the trail says of one record: its last entry. */
struct rec_state {
	unsigned char sha[32];
	uint64_t seq;		/* the last entry naming it */
	uint8_t deleted;	/* that entry deleted it */
	uint8_t seen;		/* the record was found in the store */
};

static int
unhex(const char *s, unsigned char out[32])
{
	for (int i = 0; i < 32; i++) {
		int v = 0;

		for (int j = 0; j < 2; j++) {
			char c = s[2 * i + j];

			v <<= 4;
			if (c >= '0' && c <= '9')
				v |= c - '0';
			else if (c >= 'a' && c <= 'f')
				v |= c - 'a' + 10;
			else
				return -1;
		}
		out[i] = (unsigned char)v;
	}
	return s[64] == '\0' ? 0 : -1;
}

static void
entry_problem(cdn_audit_report_fn report, void *arg, uint64_t seq, const char *problem)
{
	char where[48];

	snprintf(where, sizeof where, "audit entry %" PRIu64, seq);
	report(arg, where, problem);
}

/* Note what entry `e` (seq `seq`) says of its record. */
static int
note_entry(struct cdn_intern *ids, struct rec_state **st, size_t *cap, json_t *e,
    uint64_t seq)
{
	const char *id = json_string_value(json_object_get(e, "id"));
	json_t *sha = json_object_get(e, "sha256");
	struct rec_state *r;
	int64_t i;
	int added;

	if (!id)
		return 0;	/* not about a record */
	if ((i = cdn_intern_add(ids, id, strlen(id), &added)) < 0)
		return -1;
	if ((size_t)i >= *cap) {
		size_t ncap = *cap ? *cap * 2 : 4096;
		struct rec_state *n = realloc(*st, ncap * sizeof *n);

		if (!n)
			return -1;
		*st = n;
		*cap = ncap;
	}
	r = &(*st)[i];
	memset(r, 0, sizeof *r);
	r->seq = seq;
	if (json_is_null(sha) || !json_is_string(sha) || unhex(json_string_value(sha), r->sha) != 0)
		r->deleted = json_is_null(sha);
	return 0;
}

struct named {
	struct cdn_intern *ids;
	struct rec_state *st;
	cdn_audit_report_fn report;
	void *arg;
	int bad;
};

/* A meta entry audited under its own name ("rule/NAME"). */
static int
check_named(void *arg, MDB_val *k, MDB_val *v)
{
	struct named *nm = arg;
	char where[160], msg[160];
	unsigned char h[32];
	int64_t i;

	snprintf(where, sizeof where, "%.*s", (int)(k->mv_size < 120 ? k->mv_size : 120),
	    (const char *)k->mv_data);
	if ((i = cdn_intern_find(nm->ids, k->mv_data, k->mv_size)) < 0) {
		nm->report(nm->arg, where, "not in the audit trail (added other than through cordon)");
		nm->bad = 1;
		return 0;
	}
	nm->st[i].seen = 1;
	cdn_sha256(v->mv_data, v->mv_size, h);
	if (memcmp(h, nm->st[i].sha, 32) != 0) {
		snprintf(msg, sizeof msg, "differs from what audit entry %" PRIu64
		    " recorded (edited other than through cordon)", nm->st[i].seq);
		nm->report(nm->arg, where, msg);
		nm->bad = 1;
	}
	return 0;
}

/* Every stored record against what the trail says of it. */
static int
check_records(struct cdn_txn *txn, struct cdn_intern *ids, struct rec_state *st,
    cdn_audit_report_fn report, void *arg)
{
	char where[96], msg[160], idbuf[CDN_ID_MAX];
	unsigned char h[32];
	MDB_cursor *cur;
	MDB_val k, v;
	uint64_t nread = 0;
	int rc, bad = 0;

	if ((rc = mdb_cursor_open(txn->txn, txn->st->recs, &cur)) != 0)
		return cdn_lmdb_error(txn, rc, "records");
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		struct cdn_id id;
		int64_t i;

		/* Every record is read once: keep the map's resident pages few. */
		if ((++nread & 65535) == 0)
			cdn_txn_trim(txn);
		if (cdn_rkey_id(k.mv_data, k.mv_size, &id) != 0)
			continue;
		cdn_id_format(id, idbuf);
		snprintf(where, sizeof where, "record %s", idbuf);
		if ((i = cdn_intern_find(ids, idbuf, strlen(idbuf))) < 0) {
			report(arg, where, "not in the audit trail (added other than through cordon)");
			bad = 1;
			continue;
		}
		st[i].seen = 1;
		if (st[i].deleted) {
			snprintf(msg, sizeof msg, "deleted by audit entry %" PRIu64 " but still stored",
			    st[i].seq);
			report(arg, where, msg);
			bad = 1;
			continue;
		}
		cdn_sha256(v.mv_data, v.mv_size, h);
		if (memcmp(h, st[i].sha, 32) != 0) {
			snprintf(msg, sizeof msg, "differs from what audit entry %" PRIu64
			    " recorded (edited other than through cordon)", st[i].seq);
			report(arg, where, msg);
			bad = 1;
		}
	}
	mdb_cursor_close(cur);
	/* Named objects (rules, users, tokens) are audited as records are. */
	struct named nm = { ids, st, report, arg, 0 };

	for (const char *const *p = cdn_audited_meta; *p; p++)
		if ((rc = cdn_meta_each(txn, *p, 0, check_named, &nm)) < 0)
			return rc;
	bad |= nm.bad;
	for (size_t i = 0; i < ids->n; i++) {
		size_t len;
		const unsigned char *id = cdn_intern_bytes(ids, i, &len);

		if (st[i].seen || st[i].deleted)
			continue;
		snprintf(where, sizeof where, "%s%.*s", memchr(id, '/', len) ? "" : "record ",
		    (int)len, (const char *)id);
		snprintf(msg, sizeof msg, "missing, though audit entry %" PRIu64
		    " says it exists (removed other than through cordon)", st[i].seq);
		report(arg, where, msg);
		bad = 1;
	}
	return bad;
}

int
cdn_audit_verify(struct cdn_txn *txn, cdn_audit_report_fn report, void *arg,
    uint64_t *checked)
{
	unsigned char prev[32] = { 0 }, head[40];
	char want[65], msg[160];
	struct cdn_intern ids = { 0 };
	struct rec_state *st = NULL;
	size_t stcap = 0;
	MDB_cursor *cur;
	MDB_val k, v, hv;
	uint64_t expect = 1, n = 0;
	int rc, bad = 0;

	if ((rc = mdb_cursor_open(txn->txn, txn->st->audit, &cur)) != 0)
		return cdn_lmdb_error(txn, rc, "audit");
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		uint64_t seq = k.mv_size == 8 ? cdn_get_be64(k.mv_data) : 0;
		json_t *e = json_loadb(v.mv_data, v.mv_size, 0, NULL);
		const char *p = e ? json_string_value(json_object_get(e, "prev")) : NULL;

		if ((++n & 65535) == 0)
			cdn_txn_trim(txn);
		if (seq != expect) {
			snprintf(msg, sizeof msg, "entries %" PRIu64 " to %" PRIu64 " are missing",
			    expect, seq - 1);
			entry_problem(report, arg, expect, msg);
			bad = 1;
		}
		cdn_hex(prev, 32, want);
		if (!e) {
			entry_problem(report, arg, seq, "entry is not valid JSON (edited)");
			bad = 1;
		} else if (json_integer_value(json_object_get(e, "seq")) != (json_int_t)seq) {
			entry_problem(report, arg, seq, "entry's seq does not match its position (edited)");
			bad = 1;
		} else if (!p || strcmp(p, want) != 0) {
			entry_problem(report, arg, seq, seq == expect ?
			    "previous entry was edited (hash chain broken)" :
			    "hash chain broken after missing entries");
			bad = 1;
		}
		if (e && note_entry(&ids, &st, &stcap, e, seq) != 0) {
			json_decref(e);
			mdb_cursor_close(cur);
			rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
			goto out;
		}
		json_decref(e);
		cdn_sha256(v.mv_data, v.mv_size, prev);
		expect = seq + 1;
	}
	mdb_cursor_close(cur);
	if (cdn_meta_get(txn, "audit.head", &hv) == 0 && hv.mv_size == 40) {
		memcpy(head, hv.mv_data, 40);
		if (cdn_get_be64(head) != expect - 1) {
			snprintf(msg, sizeof msg, "the trail ends at %" PRIu64 " but the head says %" PRIu64
			    " (newest entries removed)", expect - 1, cdn_get_be64(head));
			entry_problem(report, arg, expect, msg);
			bad = 1;
		} else if (memcmp(head + 8, prev, 32) != 0) {
			entry_problem(report, arg, expect - 1,
			    "newest entry was edited (hash differs from the head)");
			bad = 1;
		}
	} else if (n > 0) {
		report(arg, "audit head", "missing");
		bad = 1;
	}
	cdn_error_clear();
	if ((rc = check_records(txn, &ids, st, report, arg)) < 0)
		goto out;
	bad |= rc;
	rc = bad ? cdn_error_set(CDN_ESTORE, NULL, "the audit trail or the records have been tampered with") : 0;
out:
	cdn_intern_free(&ids);
	free(st);
	if (checked)
		*checked = n;
	return rc;
}

const char *const cdn_audited_meta[] = { "rule/", "user/", "token/", "key/", "partner/",
	"export/", "org", NULL };

int
cdn_meta_get_json(struct cdn_txn *txn, const char *key, json_t **out)
{
	MDB_val v;

	*out = NULL;
	if (cdn_meta_get(txn, key, &v) != 0) {
		if (cdn_error_last()->code != CDN_ENOTFOUND)
			return cdn_error_last()->code;
		cdn_error_clear();
		return 0;
	}
	if ((*out = json_loadb(v.mv_data, v.mv_size, 0, NULL)) == NULL)
		return cdn_error_set(CDN_ESTORE, NULL, "the stored %.120s is damaged", key);
	return 0;
}

int
cdn_meta_put_audited(struct cdn_txn *txn, const char *key, json_t *obj, int64_t version,
    const char *op, const char *note)
{
	unsigned char sha[32];
	char *bytes;
	int rc;

	if ((bytes = json_dumps(obj, JSON_COMPACT)) == NULL)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	cdn_sha256(bytes, strlen(bytes), sha);
	if ((rc = cdn_meta_put(txn, key, bytes, strlen(bytes))) == 0)
		rc = cdn_audit_append(txn, op, key, version, sha, note);
	free(bytes);
	return rc;
}

int
cdn_meta_del_audited(struct cdn_txn *txn, const char *key, int64_t version, const char *op,
    const char *note)
{
	MDB_val k = { strlen(key), (void *)key };
	int rc = mdb_del(txn->txn, txn->st->meta, &k, NULL);

	if (rc != 0)
		return cdn_lmdb_error(txn, rc, key);
	return cdn_audit_append(txn, op, key, version, NULL, note);
}
