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
#include "json.h"
#include "recform.h"
#include "schema.h"

/*
 * The indexes: "audit-by-record" maps an audited id to the seqs of the
 * entries naming it, "audit-by-user" a user to the seqs of theirs, each
 * seq 8 big-endian bytes (DUPFIXED, so a list is in seq order). A record
 * is keyed by its 9-byte record key, so that the new records of an import
 * land at the end of their kind's range rather than all over the tree;
 * another audited object ("rule/NAME") by its name.
 */
#define AIX_KEY_MAX 480

static size_t
id_key(const char *id, unsigned char key[AIX_KEY_MAX])
{
	struct cdn_id rid;
	size_t n = strlen(id);

	if (n < CDN_ID_MAX && cdn_id_parse(id, &rid) == 0) {
		cdn_rkey(rid, key);
		return CDN_RKEY_LEN;
	}
	cdn_error_clear();
	if (n > AIX_KEY_MAX)
		n = AIX_KEY_MAX;
	memcpy(key, id, n);
	return n;
}

static size_t
user_key(const char *user, unsigned char key[AIX_KEY_MAX])
{
	size_t n = strlen(user);

	if (n > AIX_KEY_MAX)
		n = AIX_KEY_MAX;
	memcpy(key, user, n);
	return n;
}

/* Index entry `seq` under `id` and `user`. */
static int
index_put(struct cdn_txn *txn, uint64_t seq, const char *id, const char *user)
{
	unsigned char key[AIX_KEY_MAX], val[8];
	MDB_val k, v = { 8, val };
	int rc;

	cdn_be64(val, seq);
	k.mv_data = key;
	k.mv_size = id_key(id, key);
	if (k.mv_size && (rc = mdb_put(txn->txn, txn->st->arec, &k, &v, 0)) != 0)
		return cdn_lmdb_error(txn, rc, "audit index");
	k.mv_size = user_key(user, key);
	if (k.mv_size && (rc = mdb_put(txn->txn, txn->st->auser, &k, &v, 0)) != 0)
		return cdn_lmdb_error(txn, rc, "audit index");
	return 0;
}

static int
load_head(struct cdn_txn *txn)
{
	MDB_val v;
	int rc;

	if (txn->audit_loaded)
		return 0;
	txn->audit_seq = 0;
	memset(txn->audit_hash, 0, 32);
	if ((rc = cdn_meta_get(txn, "audit.head", &v)) == 0) {
		if (v.mv_size != 40)
			return cdn_error_set(CDN_ESTORE, NULL, "the stored audit.head is damaged");
		txn->audit_seq = cdn_get_be64(v.mv_data);
		memcpy(txn->audit_hash, (unsigned char *)v.mv_data + 8, 32);
	} else if (rc != CDN_ENOTFOUND) {
		return rc;
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
	char prev[65], hash[65], *buf;
	unsigned char key[8];
	MDB_val k = { 8, key }, v;
	json_t *e, *n = NULL;
	size_t len;
	int rc;

	if ((rc = load_head(txn)) != 0)
		return rc;
	cdn_hex(txn->audit_hash, 32, prev);
	if (sha256)
		cdn_hex(sha256, 32, hash);
	if (note && (n = json_string(note)) == NULL)
		return cdn_error_set(CDN_EINVAL, "note", "not valid UTF-8");
	/* Built as any stored JSON is (json.c): every field escaped as it
	 * must be, whoever the caller. The order of the keys is the entry's
	 * format; its bytes are what the next entry's `prev` hashes. */
	e = json_pack("{s:I,s:s,s:s,s:s,s:s,s:I,s:o}", "seq", (json_int_t)(txn->audit_seq + 1),
	    "at", txn->now, "user", txn->user, "op", op, "id", id, "version", (json_int_t)version,
	    "sha256", sha256 ? json_string(hash) : json_null());
	if (!e || (n && json_object_set_new(e, "note", n) != 0) ||
	    json_object_set_new(e, "prev", json_string(prev)) != 0) {
		json_decref(e);
		return cdn_error_set(CDN_EINVAL, NULL, "audit entry for %.40s: not valid UTF-8", id);
	}
	rc = cdn_json_encode(e, &buf, &len);
	json_decref(e);
	if (rc != 0)
		return rc;
	cdn_be64(key, txn->audit_seq + 1);
	v.mv_size = len;
	v.mv_data = buf;
	rc = mdb_put(txn->txn, txn->st->audit, &k, &v, MDB_APPEND);
	if (rc == 0) {
		txn->audit_seq++;
		cdn_sha256(buf, len, txn->audit_hash);
		txn->audit_dirty = 1;
	}
	free(buf);
	if (rc)
		return cdn_lmdb_error(txn, rc, "audit");
	return index_put(txn, txn->audit_seq, id, txn->user);
}

int
cdn_audit_index_build(struct cdn_txn *txn)
{
	MDB_cursor *cur;
	MDB_val k, v;
	uint64_t n = 0;
	int rc, ret = 0;

	if ((rc = mdb_drop(txn->txn, txn->st->arec, 0)) != 0 ||
	    (rc = mdb_drop(txn->txn, txn->st->auser, 0)) != 0)
		return cdn_lmdb_error(txn, rc, "audit index");
	if ((rc = mdb_cursor_open(txn->txn, txn->st->audit, &cur)) != 0)
		return cdn_lmdb_error(txn, rc, "audit");
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0 && ret == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		json_t *e = json_loadb(v.mv_data, v.mv_size, 0, NULL);
		const char *id = json_string_value(json_object_get(e, "id"));
		const char *user = json_string_value(json_object_get(e, "user"));

		if ((++n & 65535) == 0)
			cdn_txn_trim(txn);
		/* An entry that is not what cordon wrote is left for verify
		 * to name; it is indexed as far as it can be read. */
		if (k.mv_size == 8)
			ret = index_put(txn, cdn_get_be64(k.mv_data), id ? id : "", user ? user : "");
		json_decref(e);
	}
	mdb_cursor_close(cur);
	if (ret == 0 && rc != MDB_NOTFOUND)
		ret = cdn_lmdb_error(txn, rc, "audit");
	return ret;
}

/* --- finding entries through the indexes ------------------------------- */

/* One list of seqs in order: a key's entries in an index, or (key NULL)
 * the whole trail. */
struct src {
	MDB_cursor *cur;
	const unsigned char *key;
	size_t klen;
	uint64_t at;		/* the current seq, if `valid` */
	int valid;
};

/* Move `s` to its first seq at or past `b` in the walk's direction:
 * the smallest >= b going forward, the largest <= b going back. */
static int
src_seek(struct cdn_txn *txn, struct src *s, uint64_t b, int fwd)
{
	unsigned char bk[8];
	MDB_val k, v, *seq;
	int rc;

	cdn_be64(bk, b);
	if (!s->key) {
		k.mv_size = 8;
		k.mv_data = bk;
		rc = mdb_cursor_get(s->cur, &k, &v, MDB_SET_RANGE);
		if (!fwd && rc == 0 && k.mv_size == 8 && cdn_get_be64(k.mv_data) > b)
			rc = mdb_cursor_get(s->cur, &k, &v, MDB_PREV);
		else if (!fwd && rc == MDB_NOTFOUND)
			rc = mdb_cursor_get(s->cur, &k, &v, MDB_LAST);
		seq = &k;
	} else {
		k.mv_size = s->klen;
		k.mv_data = (void *)s->key;
		v.mv_size = 8;
		v.mv_data = bk;
		rc = mdb_cursor_get(s->cur, &k, &v, MDB_GET_BOTH_RANGE);
		if (!fwd && rc == 0 && v.mv_size == 8 && cdn_get_be64(v.mv_data) > b) {
			rc = mdb_cursor_get(s->cur, &k, &v, MDB_PREV_DUP);
		} else if (!fwd && rc == MDB_NOTFOUND) {
			/* Every seq of the key is below b, or there is no key. */
			k.mv_size = s->klen;
			k.mv_data = (void *)s->key;
			if ((rc = mdb_cursor_get(s->cur, &k, &v, MDB_SET_KEY)) == 0)
				rc = mdb_cursor_get(s->cur, &k, &v, MDB_LAST_DUP);
		}
		seq = &v;
	}
	s->valid = 0;
	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc != 0)
		return cdn_lmdb_error(txn, rc, "audit index");
	if (seq->mv_size != 8)
		return cdn_error_set(CDN_ESTORE, NULL, "the audit index is damaged");
	s->at = cdn_get_be64(seq->mv_data);
	s->valid = 1;
	return 0;
}

/*
 * Several lists merged (the records of a case): a heap of their current
 * seqs, the next in the walk's direction on top.
 */
struct merge {
	struct src *s;
	size_t *heap, n;
	int fwd;
};

static int
ahead(const struct merge *m, size_t a, size_t b)
{
	return m->fwd ? m->s[a].at < m->s[b].at : m->s[a].at > m->s[b].at;
}

static void
sift_down(struct merge *m, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, best = i, t;

		if (l < m->n && ahead(m, m->heap[l], m->heap[best]))
			best = l;
		if (r < m->n && ahead(m, m->heap[r], m->heap[best]))
			best = r;
		if (best == i)
			return;
		t = m->heap[i];
		m->heap[i] = m->heap[best];
		m->heap[best] = t;
		i = best;
	}
}

/* The merged lists' first seq at or past `b`; *valid 0 if there is none. */
static int
merge_seek(struct cdn_txn *txn, struct merge *m, uint64_t b, uint64_t *at, int *valid)
{
	int rc;

	while (m->n > 0) {
		struct src *top = &m->s[m->heap[0]];

		if (m->fwd ? top->at >= b : top->at <= b)
			break;
		if ((rc = src_seek(txn, top, b, m->fwd)) != 0)
			return rc;
		if (!top->valid)
			m->heap[0] = m->heap[--m->n];
		sift_down(m, 0);
	}
	*valid = m->n > 0;
	if (*valid)
		*at = m->s[m->heap[0]].at;
	return 0;
}

static int
emit(struct cdn_txn *txn, uint64_t seq, cdn_audit_fn fn, void *arg)
{
	unsigned char key[8];
	MDB_val k = { 8, key }, v;
	char what[40];
	json_t *e;
	int rc;

	cdn_be64(key, seq);
	if ((rc = mdb_get(txn->txn, txn->st->audit, &k, &v)) != 0)
		return rc == MDB_NOTFOUND ? cdn_error_set(CDN_ESTORE, NULL, "audit entry %" PRIu64
		    " is missing (run cordon audit verify)", seq) : cdn_lmdb_error(txn, rc, "audit");
	snprintf(what, sizeof what, "audit entry %" PRIu64, seq);
	if ((rc = cdn_json_decode(v.mv_data, v.mv_size, what, &e)) != 0)
		return rc;
	rc = fn(arg, e);
	json_decref(e);
	return rc;
}

int
cdn_audit_find(struct cdn_txn *txn, const struct cdn_audit_filter *f, cdn_audit_fn fn,
    void *arg)
{
	unsigned char ukey[AIX_KEY_MAX], *keys = NULL;
	struct src user = { 0 }, trail = { 0 }, *s = NULL;
	struct merge m = { 0 };
	MDB_cursor *rcur = NULL;
	int fwd = f->from != 0, rc = 0, valid;
	uint64_t b = fwd ? f->from : f->before ? f->before - 1 : UINT64_MAX, c;
	size_t n = 0;

	if (!fwd && f->before == 1)
		return 0;	/* nothing is older than the first entry */
	if (f->user) {
		user.key = ukey;
		user.klen = user_key(f->user, ukey);
		if ((rc = mdb_cursor_open(txn->txn, txn->st->auser, &user.cur)) != 0)
			return cdn_lmdb_error(txn, rc, "audit index");
	}
	if (f->nids) {
		size_t off = 0;

		if ((s = calloc(f->nids, sizeof *s)) == NULL ||
		    (m.heap = malloc(f->nids * sizeof *m.heap)) == NULL ||
		    (keys = malloc(f->nids * CDN_RKEY_LEN)) == NULL) {
			rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
			goto out;
		}
		if ((rc = mdb_cursor_open(txn->txn, txn->st->arec, &rcur)) != 0) {
			rc = cdn_lmdb_error(txn, rc, "audit index");
			goto out;
		}
		m.s = s;
		m.fwd = fwd;
		for (size_t i = 0; i < f->nids; i++) {
			unsigned char k[AIX_KEY_MAX];
			size_t len = id_key(f->ids[i], k);

			/* Record keys fit where they are; a name gets its own. */
			if (len == CDN_RKEY_LEN) {
				memcpy(keys + off, k, len);
				s[i].key = keys + off;
				off += CDN_RKEY_LEN;
			} else {
				s[i].key = (const unsigned char *)f->ids[i];
			}
			s[i].klen = len;
			s[i].cur = rcur;
			if ((rc = src_seek(txn, &s[i], b, fwd)) != 0)
				goto out;
			if (s[i].valid)
				m.heap[m.n++] = i;
		}
		for (size_t i = m.n / 2; i-- > 0;)
			sift_down(&m, i);
	} else if (!f->user) {
		if ((rc = mdb_cursor_open(txn->txn, txn->st->audit, &trail.cur)) != 0) {
			rc = cdn_lmdb_error(txn, rc, "audit");
			goto out;
		}
	}
	/* Leapfrog: the next seq of one list, checked in the other. */
	while (f->limit == 0 || n < f->limit) {
		if (f->nids) {
			if ((rc = merge_seek(txn, &m, b, &c, &valid)) != 0)
				goto out;
		} else {
			struct src *one = f->user ? &user : &trail;

			if ((rc = src_seek(txn, one, b, fwd)) != 0)
				goto out;
			valid = one->valid;
			c = one->at;
		}
		if (!valid)
			break;
		if (f->nids && f->user) {
			if ((rc = src_seek(txn, &user, c, fwd)) != 0)
				goto out;
			if (!user.valid)
				break;
			if (user.at != c) {
				b = user.at;
				continue;
			}
		}
		if ((rc = emit(txn, c, fn, arg)) != 0)
			goto out;
		n++;
		if (fwd ? c == UINT64_MAX : c <= 1)
			break;
		b = fwd ? c + 1 : c - 1;
	}
out:
	if (user.cur)
		mdb_cursor_close(user.cur);
	if (trail.cur)
		mdb_cursor_close(trail.cur);
	if (rcur)
		mdb_cursor_close(rcur);
	free(s);
	free(m.heap);
	free(keys);
	return rc;
}

struct ids {
	char **v;
	size_t n, cap;
};

static int
ids_add(struct ids *ids, const char *id)
{
	if (ids->n == ids->cap) {
		size_t cap = ids->cap ? ids->cap * 2 : 16;
		char **nv = realloc(ids->v, cap * sizeof *nv);

		if (!nv)
			return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		ids->v = nv;
		ids->cap = cap;
	}
	if ((ids->v[ids->n] = strdup(id)) == NULL)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	ids->n++;
	return 0;
}

int
cdn_audit_history(struct cdn_txn *txn, const char *id, uint64_t before, size_t limit,
    cdn_audit_fn fn, void *arg)
{
	struct cdn_audit_filter f = { .before = before, .limit = limit };
	struct ids ids = { 0 };
	struct cdn_id rid;
	int rc;

	if ((rc = ids_add(&ids, id)) != 0)
		goto out;
	/* A case's seizures and evidence, from the index by case. */
	if (cdn_id_parse(id, &rid) == 0 && rid.kind == CDN_CASE) {
		unsigned char key[CDN_IKEY_MAX];
		char buf[CDN_ID_MAX];
		MDB_cursor *cur;
		MDB_val k, v;
		int mrc;

		k.mv_size = cdn_index_key(IX_CASE, id, strlen(id), key);
		k.mv_data = key;
		if ((mrc = mdb_cursor_open(txn->txn, txn->st->idx, &cur)) != 0) {
			rc = cdn_lmdb_error(txn, mrc, "index");
			goto out;
		}
		for (mrc = mdb_cursor_get(cur, &k, &v, MDB_SET_KEY); mrc == 0 && rc == 0;
		    mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT_DUP)) {
			struct cdn_id member;

			if (cdn_rkey_id(v.mv_data, v.mv_size, &member) != 0)
				continue;
			cdn_id_format(member, buf);
			rc = ids_add(&ids, buf);
		}
		mdb_cursor_close(cur);
		if (rc == 0 && mrc != MDB_NOTFOUND)
			rc = cdn_lmdb_error(txn, mrc, "index");
		if (rc)
			goto out;
	}
	cdn_error_clear();
	f.ids = (const char *const *)ids.v;
	f.nids = ids.n;
	rc = cdn_audit_find(txn, &f, fn, arg);
out:
	for (size_t i = 0; i < ids.n; i++)
		free(ids.v[i]);
	free(ids.v);
	return rc;
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
		char what[40];
		json_t *e;

		snprintf(what, sizeof what, "audit entry %" PRIu64, cdn_get_be64(k.mv_data));
		if ((ret = cdn_json_decode(v.mv_data, v.mv_size, what, &e)) != 0)
			break;
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
		cdn_rec_hash(v.mv_data, v.mv_size, h);
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

/* Is entry `seq` under `key` in index `dbi`? */
static int
indexed(MDB_cursor *cur, const unsigned char *key, size_t klen, uint64_t seq)
{
	unsigned char val[8];
	MDB_val k = { klen, (void *)key }, v = { 8, val };

	cdn_be64(val, seq);
	return cur && klen > 0 && mdb_cursor_get(cur, &k, &v, MDB_GET_BOTH) == 0;
}

/*
 * The indexes must list entry `e` under its id and its user: a filtered
 * view of the trail (a record's history) must not be able to leave an
 * entry out. Counts the index entries found, so that entries the trail
 * lacks are noticed too.
 */
static int
check_indexed(MDB_cursor *cur[2], uint64_t seq, json_t *e, uint64_t found[2],
    cdn_audit_report_fn report, void *arg)
{
	const char *id = json_string_value(json_object_get(e, "id"));
	const char *user = json_string_value(json_object_get(e, "user"));
	unsigned char key[AIX_KEY_MAX];
	int bad = 0;

	if (id && indexed(cur[0], key, id_key(id, key), seq)) {
		found[0]++;
	} else if (id) {
		entry_problem(report, arg, seq, "missing from the audit index by record");
		bad = 1;
	}
	if (user && indexed(cur[1], key, user_key(user, key), seq)) {
		found[1]++;
	} else if (user) {
		entry_problem(report, arg, seq, "missing from the audit index by user");
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
	MDB_stat ms;
	MDB_cursor *ixcur[2] = { NULL, NULL };
	uint64_t expect = 1, n = 0, found[2] = { 0, 0 };
	int rc, bad = 0;

	if ((rc = mdb_cursor_open(txn->txn, txn->st->arec, &ixcur[0])) != 0 ||
	    (rc = mdb_cursor_open(txn->txn, txn->st->auser, &ixcur[1])) != 0) {
		if (ixcur[0])
			mdb_cursor_close(ixcur[0]);
		return cdn_lmdb_error(txn, rc, "audit index");
	}
	if ((rc = mdb_cursor_open(txn->txn, txn->st->audit, &cur)) != 0) {
		mdb_cursor_close(ixcur[0]);
		mdb_cursor_close(ixcur[1]);
		return cdn_lmdb_error(txn, rc, "audit");
	}
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
		if (e)
			bad |= check_indexed(ixcur, seq, e, found, report, arg);
		if (e && note_entry(&ids, &st, &stcap, e, seq) != 0) {
			json_decref(e);
			mdb_cursor_close(cur);
			mdb_cursor_close(ixcur[0]);
			mdb_cursor_close(ixcur[1]);
			rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
			goto out;
		}
		json_decref(e);
		cdn_sha256(v.mv_data, v.mv_size, prev);
		expect = seq + 1;
	}
	mdb_cursor_close(cur);
	mdb_cursor_close(ixcur[0]);
	mdb_cursor_close(ixcur[1]);
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
	for (int i = 0; i < 2; i++) {
		if (mdb_stat(txn->txn, i ? txn->st->auser : txn->st->arec, &ms) == 0 &&
		    ms.ms_entries > found[i]) {
			uint64_t extra = (uint64_t)ms.ms_entries - found[i];

			snprintf(msg, sizeof msg, "lists %" PRIu64 " entr%s the trail does not have "
			    "(edited other than through cordon)", extra, extra == 1 ? "y" : "ies");
			report(arg, i ? "audit index by user" : "audit index by record", msg);
			bad = 1;
		}
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
	"export/", "import/", "org", NULL };

int
cdn_meta_get_json(struct cdn_txn *txn, const char *key, json_t **out)
{
	MDB_val v;
	int rc;

	*out = NULL;
	if ((rc = cdn_meta_get(txn, key, &v)) != 0) {
		if (rc != CDN_ENOTFOUND)
			return rc;
		cdn_error_clear();
		return 0;
	}
	return cdn_json_decode(v.mv_data, v.mv_size, key, out);
}

static int
list_one(void *arg, MDB_val *k, MDB_val *v)
{
	json_t *rec;
	int rc;

	if ((rc = cdn_json_decode_meta(k->mv_data, k->mv_size, v->mv_data, v->mv_size, &rec)) != 0)
		return rc;
	json_array_append_new(arg, rec);
	return 0;
}

int
cdn_meta_list(struct cdn_txn *txn, const char *prefix, json_t *out)
{
	int rc = cdn_meta_each(txn, prefix, 0, list_one, out);

	return rc > 0 ? 0 : rc;
}

int
cdn_meta_put_audited(struct cdn_txn *txn, const char *key, json_t *obj, int64_t version,
    const char *op, const char *note)
{
	unsigned char sha[32];
	char *bytes;
	int rc;

	if ((rc = cdn_json_encode(obj, &bytes, NULL)) != 0)
		return rc;
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
