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

int
cdn_audit_verify(struct cdn_txn *txn, cdn_audit_report_fn report, void *arg,
    uint64_t *checked)
{
	unsigned char prev[32] = { 0 }, head[40];
	char want[65], msg[160];
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

		n++;
		if (seq != expect) {
			snprintf(msg, sizeof msg, "entries %" PRIu64 " to %" PRIu64 " are missing",
			    expect, seq - 1);
			report(arg, expect, msg);
			bad = 1;
		}
		cdn_hex(prev, 32, want);
		if (!e) {
			report(arg, seq, "entry is not valid JSON (edited)");
			bad = 1;
		} else if (json_integer_value(json_object_get(e, "seq")) != (json_int_t)seq) {
			report(arg, seq, "entry's seq does not match its position (edited)");
			bad = 1;
		} else if (!p || strcmp(p, want) != 0) {
			report(arg, seq, seq == expect ?
			    "previous entry was edited (hash chain broken)" :
			    "hash chain broken after missing entries");
			bad = 1;
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
			report(arg, expect, msg);
			bad = 1;
		} else if (memcmp(head + 8, prev, 32) != 0) {
			report(arg, expect - 1, "newest entry was edited (hash differs from the head)");
			bad = 1;
		}
	} else if (n > 0) {
		report(arg, 0, "the audit head is missing");
		bad = 1;
	}
	cdn_error_clear();
	if (checked)
		*checked = n;
	return bad ? cdn_error_set(CDN_ESTORE, NULL, "the audit trail has been tampered with") : 0;
}
