/*
 * record.c - kinds, ids, and single-record writes: each create, update or
 * delete writes the record, its index entries and its audit entry in the
 * caller's transaction.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cordon/audit.h"
#include "internal.h"
#include "schema.h"
#include "sorter.h"

static const struct cdn_kind_info kinds[CDN_NKINDS] = {
	[CDN_CASE] = { 'C', "case", "cases", 1 },
	[CDN_SEIZURE] = { 'S', "seizure", "seizures", 1 },
	[CDN_ENTITY] = { 'E', "entity", "entities", 1 },
	[CDN_ROUTE] = { 'R', "route", "routes", 1 },
	[CDN_LINK] = { 'L', "link", "links", 1 },
	[CDN_EVIDENCE] = { 'V', "evidence", "evidence", 0 },
	[CDN_ALERT] = { 'A', "alert", "alerts", 0 },
};

const struct cdn_kind_info *
cdn_kind_info(enum cdn_kind kind)
{
	return &kinds[kind];
}

int
cdn_kind_parse(const char *name)
{
	for (int k = 0; k < CDN_NKINDS; k++)
		if (strcmp(name, kinds[k].name) == 0 ||
		    strcmp(name, kinds[k].plural) == 0 ||
		    (name[0] == kinds[k].letter && name[1] == '\0'))
			return k;
	return -1;
}

int
cdn_id_parse(const char *s, struct cdn_id *out)
{
	char letter[2] = { s[0], 0 };
	uint64_t seq = 0;
	int kind;
	const char *p;

	if (!s[0] || s[1] != '-' || (kind = cdn_kind_parse(letter)) < 0)
		return cdn_error_set(CDN_EINVAL, NULL, "'%.40s' is not a record id (like C-1, S-42)", s);
	p = s + 2;
	if (*p < '1' || *p > '9')
		return cdn_error_set(CDN_EINVAL, NULL, "'%.40s' is not a record id (like C-1, S-42)", s);
	for (; *p; p++) {
		if (*p < '0' || *p > '9' || seq > (UINT64_MAX - 9) / 10)
			return cdn_error_set(CDN_EINVAL, NULL, "'%.40s' is not a record id (like C-1, S-42)", s);
		seq = seq * 10 + (uint64_t)(*p - '0');
	}
	out->kind = (enum cdn_kind)kind;
	out->seq = seq;
	return 0;
}

void
cdn_id_format(struct cdn_id id, char buf[CDN_ID_MAX])
{
	snprintf(buf, CDN_ID_MAX, "%c-%" PRIu64, kinds[id.kind].letter, id.seq);
}

/* --- raw access ------------------------------------------------------------ */

int
cdn_record_get_raw(struct cdn_txn *txn, struct cdn_id id, const char **json, size_t *len)
{
	unsigned char key[CDN_RKEY_LEN];
	MDB_val k = { CDN_RKEY_LEN, key }, v;
	int rc;

	cdn_rkey(id, key);
	if ((rc = mdb_get(txn->txn, txn->st->recs, &k, &v)) != 0) {
		char buf[CDN_ID_MAX];

		cdn_id_format(id, buf);
		if (rc == MDB_NOTFOUND)
			return cdn_error_set(CDN_ENOTFOUND, NULL, "no record %s", buf);
		return cdn_lmdb_error(txn, rc, buf);
	}
	*json = v.mv_data;
	*len = v.mv_size;
	return 0;
}

static int
parse_stored(const char *json, size_t len, json_t **out)
{
	json_error_t jerr;

	if ((*out = json_loadb(json, len, 0, &jerr)) == NULL)
		return cdn_error_set(CDN_ESTORE, NULL, "stored record is not valid JSON: %s", jerr.text);
	return 0;
}

int
cdn_record_get(struct cdn_txn *txn, const char *id, json_t **out)
{
	struct cdn_id rid;
	const char *json;
	size_t len;
	int rc;

	*out = NULL;
	if ((rc = cdn_id_parse(id, &rid)) != 0)
		return rc;
	if ((rc = cdn_record_get_raw(txn, rid, &json, &len)) != 0)
		return rc;
	return parse_stored(json, len, out);
}

/* 1 if the record exists, 0 if not, or a negative error. */
int
cdn_record_exists(struct cdn_txn *txn, const char *id)
{
	unsigned char key[CDN_RKEY_LEN];
	struct cdn_id rid;
	MDB_val k = { CDN_RKEY_LEN, key }, v;
	int rc;

	if (cdn_id_parse(id, &rid) != 0)
		return 0;
	cdn_rkey(rid, key);
	rc = mdb_get(txn->txn, txn->st->recs, &k, &v);
	if (rc == MDB_NOTFOUND)
		return 0;
	return rc == 0 ? 1 : cdn_lmdb_error(txn, rc, id);
}

/* --- index maintenance ----------------------------------------------------- */

struct ixop {
	struct cdn_txn *txn;
	unsigned char rkey[CDN_RKEY_LEN];
	int del;
};

static int
ix_apply(void *arg, const unsigned char *key, size_t len)
{
	struct ixop *op = arg;
	MDB_val k = { len, (void *)key }, v = { CDN_RKEY_LEN, op->rkey };
	int rc;

	if (!op->del && op->txn->ixsort) {
		int src = cdn_sorter_add(op->txn->ixsort, key, len, op->rkey, CDN_RKEY_LEN);

		return src;
	}
	if (op->del) {
		/* Exact (key, data) delete: never MDB_CURRENT on DUPSORT. */
		rc = mdb_del(op->txn->txn, op->txn->st->idx, &k, &v);
		if (rc == MDB_NOTFOUND)
			rc = 0;	/* the same key twice in one record */
	} else {
		rc = mdb_put(op->txn->txn, op->txn->st->idx, &k, &v, MDB_NODUPDATA);
		if (rc == MDB_KEYEXIST)
			rc = 0;
	}
	return rc ? cdn_lmdb_error(op->txn, rc, "index") : 0;
}

static int
index_record(struct cdn_txn *txn, enum cdn_kind kind, struct cdn_id id,
    json_t *rec, int del)
{
	struct ixop op = { .txn = txn, .del = del };

	cdn_rkey(id, op.rkey);
	return cdn_schema_index_keys(kind, rec, ix_apply, &op);
}

/* --- writes ---------------------------------------------------------------- */

static int
put_record(struct cdn_txn *txn, struct cdn_id id, json_t *rec, char **dumped,
    size_t *len)
{
	unsigned char key[CDN_RKEY_LEN];
	MDB_val k = { CDN_RKEY_LEN, key }, v;
	char *s;
	int rc;

	if ((s = json_dumps(rec, JSON_COMPACT | CDN_JSON_REAL)) == NULL)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	cdn_rkey(id, key);
	v.mv_size = strlen(s);
	v.mv_data = s;
	if ((rc = mdb_put(txn->txn, txn->st->recs, &k, &v, 0)) != 0) {
		free(s);
		return cdn_lmdb_error(txn, rc, "record");
	}
	*dumped = s;
	*len = v.mv_size;
	return 0;
}

int
cdn_record_validate(enum cdn_kind kind, json_t *input, unsigned flags, json_t **out)
{
	json_t *rec = NULL;
	int rc;

	rc = cdn_schema_validate(NULL, kind, input, NULL, NULL, flags, &rec);
	if (out)
		*out = rec;
	else
		json_decref(rec);
	return rc;
}

int
cdn_record_create(struct cdn_txn *txn, enum cdn_kind kind, json_t *input,
    unsigned flags, json_t **out)
{
	char idbuf[CDN_ID_MAX], *dumped = NULL;
	struct cdn_id id;
	struct cdn_sys sys;
	json_t *rec = NULL;
	size_t len;
	int rc;

	if (out)
		*out = NULL;
	if (!txn->write)
		return cdn_error_set(CDN_ESTORE, NULL, "create in a read transaction");
	/* The id is only taken once the input is known to be good, so a
	 * failed create leaves no gap in the sequence. */
	id.kind = kind;
	id.seq = cdn_txn_peek_seq(txn, kind);
	cdn_id_format(id, idbuf);
	sys = (struct cdn_sys){ idbuf, kinds[kind].name, 1, txn->now, txn->user,
	    txn->now, txn->user };
	if ((rc = cdn_schema_validate(txn, kind, input, NULL, &sys, flags, &rec)) != 0)
		return rc;
	cdn_txn_next_id(txn, kind, &id);
	if ((rc = put_record(txn, id, rec, &dumped, &len)) != 0 ||
	    (rc = index_record(txn, kind, id, rec, 0)) != 0 ||
	    (rc = cdn_audit_append(txn, "create", idbuf,
	    json_integer_value(json_object_get(rec, "version")), dumped, len, NULL)) != 0)
		goto out;
	cdn_txn_count_add(txn, kind, 1);
	if (out) {
		*out = rec;
		rec = NULL;
	}
out:
	free(dumped);
	json_decref(rec);
	return rc;
}

int
cdn_record_update(struct cdn_txn *txn, const char *id, json_t *patch,
    int64_t if_version, json_t **out)
{
	json_t *old = NULL, *merged = NULL, *rec = NULL;
	struct cdn_sys sys = { 0 };
	char *dumped = NULL;
	struct cdn_id rid;
	int64_t version;
	size_t len;
	int rc;

	if (out)
		*out = NULL;
	if (!json_is_object(patch))
		return cdn_error_set(CDN_EINVAL, NULL, "a patch must be a JSON object");
	if ((rc = cdn_id_parse(id, &rid)) != 0 || (rc = cdn_record_get(txn, id, &old)) != 0)
		return rc;
	version = json_integer_value(json_object_get(old, "version"));
	if (if_version > 0 && version != if_version) {
		rc = cdn_error_set(CDN_ECONFLICT, "version",
		    "%s is at version %" PRId64 ", not %" PRId64, id, version, if_version);
		goto out;
	}
	if (!kinds[rid.kind].writable) {
		rc = cdn_error_set(CDN_EINVAL, NULL, "%s records are changed by their own commands",
		    kinds[rid.kind].name);
		goto out;
	}
	merged = cdn_merge_patch(old, patch);
	sys.version = version + 1;
	sys.updated_at = txn->now;
	sys.updated_by = txn->user;
	if ((rc = cdn_schema_validate(txn, rid.kind, merged, old, &sys, 0, &rec)) != 0)
		goto out;
	if ((rc = index_record(txn, rid.kind, rid, old, 1)) != 0 ||
	    (rc = put_record(txn, rid, rec, &dumped, &len)) != 0 ||
	    (rc = index_record(txn, rid.kind, rid, rec, 0)) != 0 ||
	    (rc = cdn_audit_append(txn, "update", id, version + 1, dumped, len, NULL)) != 0)
		goto out;
	if (out) {
		*out = rec;
		rec = NULL;
	}
out:
	free(dumped);
	json_decref(old);
	json_decref(merged);
	json_decref(rec);
	return rc;
}

/* Is any record pointing at `rkey` through a reference index? */
static int
referenced_by(struct cdn_txn *txn, const char *id, char *who, size_t cap)
{
	static const enum cdn_index refs[] = { IX_FROM, IX_TO, IX_CASE, IX_ROUTE };
	unsigned char key[CDN_IKEY_MAX];
	MDB_cursor *cur;
	MDB_val k, v;
	int rc;

	if ((rc = mdb_cursor_open(txn->txn, txn->st->idx, &cur)) != 0)
		return cdn_lmdb_error(txn, rc, "index");
	for (size_t i = 0; i < sizeof refs / sizeof refs[0]; i++) {
		k.mv_size = cdn_index_key(refs[i], id, strlen(id), key);
		k.mv_data = key;
		if ((rc = mdb_cursor_get(cur, &k, &v, MDB_SET_KEY)) == 0) {
			struct cdn_id by;
			char buf[CDN_ID_MAX];

			mdb_cursor_get(cur, &k, &v, MDB_FIRST_DUP);
			cdn_rkey_id(v.mv_data, v.mv_size, &by);
			cdn_id_format(by, buf);
			snprintf(who, cap, "%s", buf);
			mdb_cursor_close(cur);
			return 1;
		}
	}
	mdb_cursor_close(cur);
	return 0;
}

int
cdn_record_delete(struct cdn_txn *txn, const char *id)
{
	unsigned char key[CDN_RKEY_LEN];
	MDB_val k = { CDN_RKEY_LEN, key };
	char who[CDN_ID_MAX];
	struct cdn_id rid;
	json_t *old = NULL;
	int rc;

	if ((rc = cdn_id_parse(id, &rid)) != 0 || (rc = cdn_record_get(txn, id, &old)) != 0)
		return rc;
	if ((rc = referenced_by(txn, id, who, sizeof who)) != 0) {
		json_decref(old);
		if (rc < 0)
			return rc;
		return cdn_error_set(CDN_EINUSE, NULL,
		    "%s is still linked or referenced (by %s): delete those first", id, who);
	}
	cdn_rkey(rid, key);
	if ((rc = index_record(txn, rid.kind, rid, old, 1)) == 0 &&
	    (rc = mdb_del(txn->txn, txn->st->recs, &k, NULL)) != 0)
		rc = cdn_lmdb_error(txn, rc, id);
	if (rc == 0)
		rc = cdn_audit_append(txn, "delete", id,
		    json_integer_value(json_object_get(old, "version")), NULL, 0, NULL);
	if (rc == 0)
		cdn_txn_count_add(txn, rid.kind, -1);
	json_decref(old);
	return rc;
}

json_t *
cdn_merge_patch(json_t *target, json_t *patch)
{
	const char *key;
	json_t *v, *out;

	if (!json_is_object(patch))
		return json_deep_copy(patch);
	out = json_is_object(target) ? json_deep_copy(target) : json_object();
	json_object_foreach(patch, key, v) {
		if (json_is_null(v)) {
			json_object_del(out, key);
		} else {
			json_t *merged = cdn_merge_patch(json_object_get(out, key), v);

			json_object_set_new(out, key, merged);
		}
	}
	return out;
}
