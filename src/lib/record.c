/*
 * record.c - single-record writes: each create, update or
 * delete writes the record, its index entries and its audit entry in the
 * caller's transaction.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cordon/audit.h"
#include "changes.h"
#include "grow.h"
#include "internal.h"
#include "json.h"
#include "recform.h"
#include "schema.h"
#include "sorter.h"

/* --- raw access ------------------------------------------------------------ */

int
cdn_record_get_raw(struct cdn_txn *txn, struct cdn_id id, const char **bytes, size_t *len)
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
	*bytes = v.mv_data;
	*len = v.mv_size;
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
	return cdn_json_decode_record(rid, json, len, out);
}

int
cdn_record_parse(const void *bytes, size_t len, json_t **out)
{
	return cdn_rec_decode(bytes, len, "record", out);
}

int
cdn_record_text(const void *bytes, size_t len, char **text, size_t *tlen)
{
	return cdn_rec_text(bytes, len, "record", text, tlen);
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

/* --- links ---------------------------------------------------------------- */

int
cdn_link_seqs(struct cdn_txn *txn, const char *id, uint64_t **out, size_t *n)
{
	unsigned char key[CDN_IKEY_MAX];
	size_t cap = 0;
	int rc = 0;

	*out = NULL;
	*n = 0;
	for (int dir = 0; dir < 2 && rc == 0; dir++)
		rc = cdn_index_seqs(txn, CDN_LINK, key, cdn_index_key(dir ? IX_TO : IX_FROM, id,
		    strlen(id), key), NULL, 0, out, n, &cap);
	if (rc != 0) {
		free(*out);
		*out = NULL;
	}
	return rc;
}

/* Fill end `e` of record `id` from its link's record: 0, 1 if the link
 * is gone, or an error. */
static int
link_end_read(struct cdn_txn *txn, const char *id, struct cdn_link_end *e)
{
	struct cdn_id lid = { CDN_LINK, e->seq };
	char lbuf[CDN_ID_MAX];
	const char *from, *to, *type;
	json_t *l;
	int rc;

	cdn_id_format(lid, lbuf);
	if ((rc = cdn_record_get(txn, lbuf, &l)) != 0) {
		if (rc != CDN_ENOTFOUND)
			return rc;
		cdn_error_clear();
		return 1;
	}
	from = json_string_value(json_object_get(l, "from"));
	to = json_string_value(json_object_get(l, "to"));
	type = json_string_value(json_object_get(l, "type"));
	rc = 1;
	if (from && to && type) {
		e->out = strcmp(from, id) == 0;
		snprintf(e->type, sizeof e->type, "%s", type);
		snprintf(e->other, sizeof e->other, "%s", e->out ? to : from);
		rc = 0;
	}
	json_decref(l);
	return rc;
}

int
cdn_link_ends(struct cdn_txn *txn, const char *id, struct cdn_link_end **out, size_t *n)
{
	unsigned char key[CDN_IKEY_MAX];
	char prefix[CDN_ID_MAX + 2];
	size_t plen, cap = 0;
	MDB_cursor *cur;
	MDB_val k, v;
	int rc, mrc;

	*out = NULL;
	*n = 0;
	snprintf(prefix, sizeof prefix, "%s%c", id, 0x1f);
	plen = cdn_index_key(IX_LINKEND, prefix, strlen(prefix), key);
	if ((rc = mdb_cursor_open(txn->txn, txn->st->idx, &cur)) != 0)
		return cdn_lmdb_error(txn, rc, "index");
	k.mv_size = plen;
	k.mv_data = key;
	for (mrc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); mrc == 0;
	    mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		const char *p, *end, *sep;
		struct cdn_link_end *e;

		if (k.mv_size < plen || memcmp(k.mv_data, key, plen) != 0)
			break;
		p = (const char *)k.mv_data + plen;
		end = (const char *)k.mv_data + k.mv_size;
		sep = p < end ? memchr(p, 0x1f, (size_t)(end - p)) : NULL;
		if (v.mv_size != CDN_RKEY_LEN)
			continue;
		if (cdn_grow(out, &cap, *n + 1, sizeof **out, 16) != 0) {
			rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
			break;
		}
		e = &(*out)[(*n)++];
		memset(e, 0, sizeof *e);
		e->seq = cdn_get_be64((const unsigned char *)v.mv_data + 1);
		/* DIR TYPE 0x1f OTHER, whole: a key of the longest length may be
		 * a cut one (cdn_index_key), left for the caller to read. */
		if (k.mv_size < CDN_IKEY_MAX && p < end && (*p == '>' || *p == '<') && sep &&
		    (size_t)(sep - p - 1) < sizeof e->type && (size_t)(end - sep - 1) < sizeof e->other) {
			e->out = *p == '>';
			memcpy(e->type, p + 1, (size_t)(sep - p - 1));
			memcpy(e->other, sep + 1, (size_t)(end - sep - 1));
		}
	}
	mdb_cursor_close(cur);
	if (rc == 0 && mrc != 0 && mrc != MDB_NOTFOUND)
		rc = cdn_lmdb_error(txn, mrc, "index");
	/* An entry its key could not hold whole is completed from its link
	 * (and left out if the link is gone). */
	if (rc == 0) {
		size_t kept = 0;

		for (size_t i = 0; rc == 0 && i < *n; i++) {
			struct cdn_link_end e = (*out)[i];
			int r = e.other[0] ? 0 : link_end_read(txn, id, &e);

			if (r < 0)
				rc = r;
			else if (r == 0)
				(*out)[kept++] = e;
		}
		*n = kept;
	}
	if (rc != 0) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

/* --- index maintenance ----------------------------------------------------- */

/* One index entry for the record `rkey`: deferred to the sorter in bulk
 * mode, else put (or, with `del`, removed) at once. */
static int
ix_apply(struct cdn_txn *txn, const unsigned char *rkey, const unsigned char *key,
    size_t len, int del)
{
	MDB_val k = { len, (void *)key }, v = { CDN_RKEY_LEN, (void *)rkey };
	int rc;

	if (!del && txn->ixsort)
		return cdn_sorter_add(txn->ixsort, key, len, rkey);
	if (del) {
		/* Exact (key, data) delete: never MDB_CURRENT on DUPSORT. */
		rc = mdb_del(txn->txn, txn->st->idx, &k, &v);
		if (rc == MDB_NOTFOUND)
			rc = 0;	/* the same key twice in one record */
	} else {
		rc = mdb_put(txn->txn, txn->st->idx, &k, &v, MDB_NODUPDATA);
		if (rc == MDB_KEYEXIST)
			rc = 0;
	}
	return rc ? cdn_lmdb_error(txn, rc, "index") : 0;
}

struct ixdel {
	struct cdn_txn *txn;
	unsigned char rkey[CDN_RKEY_LEN];
};

static int
ix_del(void *arg, const unsigned char *key, size_t len)
{
	struct ixdel *d = arg;

	return ix_apply(d->txn, d->rkey, key, len, 1);
}

/* Remove the index entries of a stored record. */
static int
unindex_record(struct cdn_txn *txn, struct cdn_id id, json_t *rec)
{
	struct ixdel d = { .txn = txn };

	cdn_rkey(id, d.rkey);
	return cdn_schema_index_keys(id.kind, rec, ix_del, &d);
}

/* --- prepared records -------------------------------------------------------- */

static int
add_key(void *arg, const unsigned char *key, size_t len)
{
	struct cdn_prepared *p = arg;

	/* A word in two fields is one entry. */
	for (size_t off = 0; off + 2 <= p->keylen;) {
		size_t klen = (size_t)p->keys[off] << 8 | p->keys[off + 1];

		if (klen == len && memcmp(p->keys + off + 2, key, len) == 0)
			return 0;
		off += 2 + klen;
	}

	if (p->keylen + 2 + len > p->keycap) {
		size_t cap = p->keycap ? p->keycap * 2 : 512;
		unsigned char *nk;

		while (cap < p->keylen + 2 + len)
			cap *= 2;
		if ((nk = realloc(p->keys, cap)) == NULL)
			return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		p->keys = nk;
		p->keycap = cap;
	}
	p->keys[p->keylen] = (unsigned char)(len >> 8);
	p->keys[p->keylen + 1] = (unsigned char)len;
	memcpy(p->keys + p->keylen + 2, key, len);
	p->keylen += 2 + len;
	return 0;
}

void
cdn_prepared_clear(struct cdn_prepared *p)
{
	free(p->bytes);
	free(p->keys);
	memset(p, 0, sizeof *p);
}

int
cdn_record_prepare(struct cdn_txn *txn, struct cdn_id id, json_t *input,
    json_t *old, const struct cdn_sys *sys, unsigned flags,
    struct cdn_prepared *p, json_t **out)
{
	char idbuf[CDN_ID_MAX];
	struct cdn_sys s = *sys;
	json_t *rec = NULL;
	int rc;

	memset(p, 0, sizeof *p);
	if (out)
		*out = NULL;
	cdn_id_format(id, idbuf);
	s.id = idbuf;
	p->kind = id.kind;
	p->seq = id.seq;
	if ((rc = cdn_schema_validate(txn, id.kind, input, old, &s, flags, &rec)) != 0)
		return rc;
	p->version = json_integer_value(json_object_get(rec, "version"));
	if (!(flags & CDN_PREPARE_CHECK)) {
		char *text;
		size_t tlen;

		/* The trail hashes the record's JSON text; the store keeps
		 * its working form (recform.h). */
		if ((rc = cdn_json_encode(rec, &text, &tlen)) != 0)
			goto out;
		cdn_sha256(text, tlen, p->sha256);
		free(text);
		if ((rc = cdn_rec_pack(rec, tlen, &p->bytes, &p->len)) != 0)
			goto out;
		if ((rc = cdn_schema_index_keys(id.kind, rec, add_key, p)) != 0)
			goto out;
	}
	if (out) {
		*out = rec;
		rec = NULL;
	}
out:
	json_decref(rec);
	if (rc != 0)
		cdn_prepared_clear(p);
	return rc;
}

int
cdn_record_write(struct cdn_txn *txn, const struct cdn_prepared *p, const char *op,
    const char *note)
{
	struct cdn_id id = { p->kind, p->seq };
	unsigned char rkey[CDN_RKEY_LEN];
	char idbuf[CDN_ID_MAX];
	MDB_val k = { CDN_RKEY_LEN, rkey }, v = { p->len, p->bytes };
	int create = strcmp(op, "create") == 0, rc;

	if (!txn->write)
		return cdn_error_set(CDN_ESTORE, NULL, "write in a read transaction");
	cdn_id_format(id, idbuf);
	cdn_rkey(id, rkey);
	/* A create writes the id it was prepared with (usually the kind's
	 * next; an import may keep a file's own, higher one), never over a
	 * record that has it, and moves the kind's sequence past it. */
	if ((rc = mdb_put(txn->txn, txn->st->recs, &k, &v, create ? MDB_NOOVERWRITE : 0)) != 0) {
		if (rc == MDB_KEYEXIST)
			return cdn_error_set(CDN_ESTORE, NULL, "%s is taken: ids out of step", idbuf);
		return cdn_lmdb_error(txn, rc, "record");
	}
	if (create)
		cdn_txn_seq_at_least(txn, p->kind, p->seq);
	for (size_t off = 0; off + 2 <= p->keylen;) {
		size_t len = (size_t)p->keys[off] << 8 | p->keys[off + 1];

		if ((rc = ix_apply(txn, rkey, p->keys + off + 2, len, 0)) != 0)
			return rc;
		off += 2 + len;
	}
	if ((rc = cdn_audit_append(txn, op, idbuf, p->version, p->sha256, note)) != 0)
		return rc;
	if (create)
		cdn_txn_count_add(txn, p->kind, 1);
	/* Whoever acts on writes (the rules) finds it in the change log. */
	return cdn_changes_note(txn, p->kind, p->seq, p->seq);
}

/* --- writes ---------------------------------------------------------------- */

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
	struct cdn_prepared p;
	struct cdn_sys sys;
	struct cdn_id id;
	int rc;

	if (out)
		*out = NULL;
	if (!txn->write)
		return cdn_error_set(CDN_ESTORE, NULL, "create in a read transaction");
	/* The id is only taken once the input is known to be good, so a
	 * failed create leaves no gap in the sequence. */
	id.kind = kind;
	id.seq = cdn_txn_peek_seq(txn, kind);
	sys = (struct cdn_sys){ NULL, cdn_kind_info(kind)->name, 1, txn->now, txn->user,
	    txn->now, txn->user };
	if ((rc = cdn_record_prepare(txn, id, input, NULL, &sys, flags, &p, out)) != 0)
		return rc;
	rc = cdn_record_write(txn, &p, "create", NULL);
	cdn_prepared_clear(&p);
	if (rc != 0 && out) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

/* Do two versions of a record differ only in what every write stamps? */
static int
same_but_stamps(json_t *a, json_t *b)
{
	static const char *const stamps[] = { "version", "updated_at", "updated_by" };
	json_t *x = json_copy(a), *y = json_copy(b);
	int same;

	for (size_t i = 0; x && y && i < sizeof stamps / sizeof *stamps; i++) {
		json_object_del(x, stamps[i]);
		json_object_del(y, stamps[i]);
	}
	same = x && y && json_equal(x, y);
	json_decref(x);
	json_decref(y);
	return same;
}

int
cdn_record_update(struct cdn_txn *txn, const char *id, json_t *patch,
    int64_t if_version, json_t **out)
{
	json_t *old = NULL, *merged = NULL, *norm = NULL;
	struct cdn_sys sys = { 0 };
	struct cdn_prepared p;
	struct cdn_id rid;
	int64_t version;
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
	if (!cdn_kind_info(rid.kind)->editable) {
		rc = cdn_error_set(CDN_EINVAL, NULL, "%s records are changed by their own commands",
		    cdn_kind_info(rid.kind)->name);
		goto out;
	}
	merged = cdn_merge_patch(old, patch);
	/* A patch that changes nothing writes nothing: no new version, no
	 * audit entry. */
	if (json_equal(merged, old)) {
		if (out)
			*out = json_incref(old);
		goto out;
	}
	if (version < 1 || version >= CDN_VERSION_MAX) {
		rc = cdn_error_set(CDN_EINVAL, "version", "%s is at version %" PRId64 ", the highest "
		    "there is: it cannot be changed again (copy it into a new record)", id, version);
		goto out;
	}
	sys.version = version + 1;
	sys.updated_at = txn->now;
	sys.updated_by = txn->user;
	if ((rc = cdn_record_prepare(txn, rid, merged, old, &sys, 0, &p, &norm)) != 0)
		goto out;
	/* Nor does one whose changes normalisation undoes (a read-only
	 * field set to null is given its stored value back). */
	if (same_but_stamps(norm, old)) {
		cdn_prepared_clear(&p);
		if (out)
			*out = json_incref(old);
		goto out;
	}
	if ((rc = unindex_record(txn, rid, old)) == 0)
		rc = cdn_record_write(txn, &p, "update", NULL);
	cdn_prepared_clear(&p);
	if (rc == 0 && out)
		*out = json_incref(norm);
out:
	json_decref(norm);
	json_decref(old);
	json_decref(merged);
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

/*
 * A link's ends are never links (schema.c), but a store may hold links
 * to links from before that rule, even in cycles that no order of
 * deletes could undo. Deleting a link deletes those pointing at it too,
 * each with its own audit entry saying why.
 */
static int
delete_one(struct cdn_txn *txn, const char *id, const char *note, int depth)
{
	unsigned char key[CDN_RKEY_LEN];
	MDB_val k = { CDN_RKEY_LEN, key };
	char who[CDN_ID_MAX], why[CDN_ID_MAX + 40];
	uint64_t *links = NULL;
	size_t nlinks = 0;
	struct cdn_id rid;
	json_t *old = NULL;
	int rc;

	if ((rc = cdn_id_parse(id, &rid)) != 0 || (rc = cdn_record_get(txn, id, &old)) != 0)
		return rc;
	if (rid.kind == CDN_EVIDENCE) {
		json_decref(old);
		return cdn_error_set(CDN_EINVAL, NULL, "evidence is never deleted: record what became "
		    "of it with `cordon evidence custody %s destroyed` (or returned)", id);
	}
	if (rid.kind == CDN_LINK) {
		if (depth > 10000) {
			json_decref(old);
			return cdn_error_set(CDN_EINVAL, NULL, "%s: too many links to links", id);
		}
		if ((rc = cdn_link_seqs(txn, id, &links, &nlinks)) != 0) {
			json_decref(old);
			return rc;
		}
	} else if ((rc = referenced_by(txn, id, who, sizeof who)) != 0) {
		json_decref(old);
		if (rc < 0)
			return rc;
		return cdn_error_set(CDN_EINUSE, NULL,
		    "%s is still linked or referenced (by %s): delete those first", id, who);
	}
	cdn_rkey(rid, key);
	if ((rc = unindex_record(txn, rid, old)) == 0 &&
	    (rc = mdb_del(txn->txn, txn->st->recs, &k, NULL)) != 0)
		rc = cdn_lmdb_error(txn, rc, id);
	if (rc == 0)
		rc = cdn_audit_append(txn, "delete", id,
		    json_integer_value(json_object_get(old, "version")), NULL, note);
	if (rc == 0)
		cdn_txn_count_add(txn, rid.kind, -1);
	snprintf(why, sizeof why, "it pointed at %s, deleted", id);
	for (size_t i = 0; rc == 0 && i < nlinks; i++) {
		cdn_id_format((struct cdn_id){ CDN_LINK, links[i] }, who);
		if ((rc = delete_one(txn, who, why, depth + 1)) == CDN_ENOTFOUND) {
			cdn_error_clear();	/* a cycle: gone already */
			rc = 0;
		}
	}
	free(links);
	json_decref(old);
	return rc;
}

int
cdn_record_delete(struct cdn_txn *txn, const char *id)
{
	return delete_one(txn, id, NULL, 0);
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

int
cdn_record_put_owned(struct cdn_txn *txn, struct cdn_id id, json_t *rec, json_t *old,
    const char *op, const char *note, json_t **out)
{
	struct cdn_sys sys = { NULL, cdn_kind_info(id.kind)->name, 1, cdn_txn_now(txn),
	    cdn_txn_user(txn), cdn_txn_now(txn), cdn_txn_user(txn) };
	struct cdn_prepared p;
	int rc;

	if (old) {
		sys = (struct cdn_sys){ 0 };
		sys.version = json_integer_value(json_object_get(old, "version"));
		if (sys.version < 1 || sys.version >= CDN_VERSION_MAX)
			return cdn_error_set(CDN_EINVAL, "version", "the record is at version %" PRId64
			    ", the highest there is: it cannot be changed again", sys.version);
		sys.version++;
		sys.updated_at = cdn_txn_now(txn);
		sys.updated_by = cdn_txn_user(txn);
	}
	if ((rc = cdn_record_prepare(txn, id, rec, old, &sys, CDN_WRITE_OWNED, &p, out)) != 0)
		return rc;
	/* The old record's index entries go, as in an update. */
	if ((rc = old ? unindex_record(txn, id, old) : 0) == 0)
		rc = cdn_record_write(txn, &p, op, note);
	cdn_prepared_clear(&p);
	if (rc != 0 && out) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

/* --- store-level: a whole write each ------------------------------------------- */

struct job {
	enum cdn_kind kind;
	const char *id;
	json_t *in;
	unsigned flags;
	int64_t if_version;
	json_t *out;
};

static int
add_fn(struct cdn_txn *txn, void *arg)
{
	struct job *j = arg;

	/* Run again after the map grew: the first run's record is gone. */
	json_decref(j->out);
	j->out = NULL;
	return cdn_record_create(txn, j->kind, j->in, j->flags, &j->out);
}

static int
edit_fn(struct cdn_txn *txn, void *arg)
{
	struct job *j = arg;

	json_decref(j->out);
	j->out = NULL;
	return cdn_record_update(txn, j->id, j->in, j->if_version, &j->out);
}

static int
remove_fn(struct cdn_txn *txn, void *arg)
{
	return cdn_record_delete(txn, ((struct job *)arg)->id);
}

/* Run `fn`; `*out` gets the record if the write is in (CDN_ERULES too). */
static int
job_run(struct cdn_store *st, const char *user, cdn_write_fn fn, struct job *j, json_t **out)
{
	int rc = cdn_store_write(st, user, fn, j);

	if ((rc == 0 || rc == CDN_ERULES) && out)
		*out = j->out;
	else
		json_decref(j->out);
	return rc;
}

int
cdn_record_add(struct cdn_store *st, const char *user, enum cdn_kind kind, json_t *input,
    unsigned flags, json_t **out)
{
	struct job j = { .kind = kind, .in = input, .flags = flags };

	if (out)
		*out = NULL;
	return job_run(st, user, add_fn, &j, out);
}

int
cdn_record_edit(struct cdn_store *st, const char *user, const char *id, json_t *patch,
    int64_t if_version, json_t **out)
{
	struct job j = { .id = id, .in = patch, .if_version = if_version };

	if (out)
		*out = NULL;
	return job_run(st, user, edit_fn, &j, out);
}

int
cdn_record_remove(struct cdn_store *st, const char *user, const char *id)
{
	struct job j = { .id = id };

	return job_run(st, user, remove_fn, &j, NULL);
}
