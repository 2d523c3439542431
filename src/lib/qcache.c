/*
 * qcache.c - a snapshot's query cache (qcache.h).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cordon/check.h"
#include "intern.h"
#include "internal.h"
#include "json.h"
#include "qcache.h"
#include "recform.h"
#include "schema.h"

#define MAX_COLS	16	/* per kind */
#define PATH_MAX_LEN	128
#define REC_SLOTS	4096	/* each transaction's record cache's slots */
#define WHEN_OFF	((uint64_t)1 << 62)	/* instants are kept as t + WHEN_OFF */

struct col {
	char path[PATH_MAX_LEN];
	uint32_t *v;		/* per seq */
	uint64_t *num;		/* per seq, a double's bits; made when a number is first seen */
};

struct kstate {
	int ready;		/* arrays made (or refused: nseq 0) */
	uint64_t nseq;		/* sequences 0 .. nseq - 1 have slots */
	uint64_t *when;		/* 0 unknown, 1 none, else t + WHEN_OFF */
	int ncol;		/* read with acquire: columns are complete */
	struct col col[MAX_COLS];
};

struct list {
	uint64_t *v;
	size_t n;
	struct cdn_qc_timed *t;	/* the same in time order, made on demand */
	size_t nt;
};

struct rslot {
	uint64_t key;		/* kind << 56 | seq; 0 = empty */
	json_t *rec;
};

/* A transaction's own recently parsed records: JSON values are never
 * shared between threads (jansson leaves that to its callers). */
struct cdn_rcache {
	struct rslot slot[REC_SLOTS];
};

struct cdn_qcache {
	pthread_mutex_t lock;
	size_t budget, bytes;
	struct kstate k[CDN_NKINDS];
	struct cdn_intern strings;	/* column values */
	struct cdn_intern keys;		/* index keys (kind letter first) */
	struct list *lists;		/* by key number */
	size_t nlists;
};

struct cdn_qcache *
cdn_qcache_new(size_t budget)
{
	struct cdn_qcache *qc = calloc(1, sizeof *qc);

	if (!qc)
		return NULL;
	pthread_mutex_init(&qc->lock, NULL);
	qc->budget = budget;
	return qc;
}

void
cdn_qcache_free(struct cdn_qcache *qc)
{
	if (!qc)
		return;
	for (int k = 0; k < CDN_NKINDS; k++) {
		struct kstate *ks = &qc->k[k];

		free(ks->when);
		for (int c = 0; c < ks->ncol; c++) {
			free(ks->col[c].v);
			free(ks->col[c].num);
		}
	}
	for (size_t i = 0; i < qc->nlists; i++) {
		free(qc->lists[i].v);
		free(qc->lists[i].t);
	}
	free(qc->lists);
	cdn_intern_free(&qc->strings);
	cdn_intern_free(&qc->keys);
	pthread_mutex_destroy(&qc->lock);
	free(qc);
}

/* The transaction's end hook (internal.h): its parsed records go. */
static void
txn_end(struct cdn_txn *txn)
{
	struct cdn_rcache *rc = txn->rc;

	if (!rc)
		return;
	for (size_t i = 0; i < REC_SLOTS; i++)
		json_decref(rc->slot[i].rec);
	free(rc);
	txn->rc = NULL;
}

void
cdn_txn_set_qcache(struct cdn_txn *txn, struct cdn_qcache *qc)
{
	if (txn->write)
		return;
	txn->qc = qc;
	txn->on_end = txn_end;
	if (!qc)
		txn_end(txn);
}

struct cdn_qcache *
cdn_txn_qcache(struct cdn_txn *txn)
{
	return txn->qc;
}

size_t
cdn_qcache_bytes(const struct cdn_qcache *qc)
{
	return __atomic_load_n(&qc->bytes, __ATOMIC_RELAXED);
}

/* Take `n` bytes of the budget (under qc->lock): 0, or -1 if over. */
static int
charge(struct cdn_qcache *qc, size_t n)
{
	if (qc->bytes + n > qc->budget)
		return -1;
	__atomic_store_n(&qc->bytes, qc->bytes + n, __ATOMIC_RELAXED);
	return 0;
}

/* --- records ---------------------------------------------------------------------- */

static uint64_t
packed(struct cdn_id id)
{
	return (uint64_t)id.kind << 56 | id.seq;
}

static size_t
slot_of(uint64_t key)
{
	key *= 0x9e3779b97f4a7c15ULL;
	return (size_t)(key >> 40) % REC_SLOTS;
}

static json_t *
rec_get(struct cdn_txn *txn, uint64_t key)
{
	struct rslot *s;

	if (!txn->rc)
		return NULL;
	s = &txn->rc->slot[slot_of(key)];
	return s->key == key ? json_incref(s->rec) : NULL;
}

static void
rec_put(struct cdn_txn *txn, uint64_t key, json_t *rec)
{
	struct rslot *s;

	if (!txn->rc && (txn->rc = calloc(1, sizeof *txn->rc)) == NULL)
		return;
	txn->on_end = txn_end;
	s = &txn->rc->slot[slot_of(key)];
	json_decref(s->rec);
	s->key = key;
	s->rec = json_incref(rec);
}

/* --- columns ---------------------------------------------------------------------- */

/* The last sequence of `kind` in the snapshot, plus one. */
static uint64_t
kind_end(struct cdn_txn *txn, enum cdn_kind kind)
{
	unsigned char key[CDN_RKEY_LEN];
	MDB_val k = { CDN_RKEY_LEN, key }, v;
	MDB_cursor *cur;
	struct cdn_id id;
	uint64_t end = 0;
	int rc;

	key[0] = (unsigned char)cdn_kind_info(kind)->letter;
	memset(key + 1, 0xff, 8);
	if (mdb_cursor_open(txn->txn, txn->st->recs, &cur) != 0)
		return 0;
	rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	rc = mdb_cursor_get(cur, &k, &v, rc == 0 ? MDB_PREV : MDB_LAST);
	if (rc == 0 && cdn_rkey_id(k.mv_data, k.mv_size, &id) == 0 && id.kind == kind)
		end = id.seq + 1;
	mdb_cursor_close(cur);
	return end;
}

/*
 * Visit every (index key, record of `kind`) under index `ix`: a cursor
 * over the index's range, far quicker than parsing the records.
 */
static void
index_each(struct cdn_txn *txn, enum cdn_index ix, enum cdn_kind kind,
    void (*fn)(void *arg, const unsigned char *key, size_t len, uint64_t seq), void *arg)
{
	unsigned char lo = (unsigned char)ix, letter = (unsigned char)cdn_kind_info(kind)->letter;
	MDB_val k = { 1, &lo }, v;
	MDB_cursor *cur;
	int rc;

	if (mdb_cursor_open(txn->txn, txn->st->idx, &cur) != 0)
		return;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT_NODUP)) {
		if (((unsigned char *)k.mv_data)[0] != lo)
			break;
		for (rc = mdb_cursor_get(cur, &k, &v, MDB_GET_MULTIPLE); rc == 0;
		    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT_MULTIPLE)) {
			const unsigned char *p = v.mv_data;

			for (size_t i = 0; i < v.mv_size / CDN_RKEY_LEN; i++, p += CDN_RKEY_LEN)
				if (p[0] == letter)
					fn(arg, (unsigned char *)k.mv_data + 1, k.mv_size - 1,
					    cdn_get_be64(p + 1));
		}
	}
	mdb_cursor_close(cur);
}

struct bulk {
	struct cdn_txn *txn;
	struct kstate *ks;
	struct col *col;
};

static void
bulk_when(void *arg, const unsigned char *key, size_t len, uint64_t seq)
{
	struct bulk *b = arg;

	if (len == 8 && seq < b->ks->nseq)
		b->ks->when[seq] = (uint64_t)cdn_time_unkey(key) + WHEN_OFF;
}

static void
bulk_value(void *arg, const unsigned char *key, size_t len, uint64_t seq)
{
	struct bulk *b = arg;
	struct cdn_intern *t = &b->txn->qc->strings;
	int64_t n;
	int added;

	if (seq >= b->ks->nseq)
		return;
	/* Called with qc->lock held. */
	n = cdn_intern_add(t, key, len, &added);
	b->col->v[seq] = n < 0 || n > UINT32_MAX - 2 * CDN_QV_STRING ? CDN_QV_OTHER :
	    CDN_QV_STRING + (uint32_t)n;
}

static void *
zeroed(struct cdn_qcache *qc, uint64_t n, size_t size)
{
	void *p;

	if (charge(qc, n * size) != 0 || (p = calloc(n, size)) == NULL)
		return NULL;
	return p;
}

/* The kind's slots, made on first use (under qc->lock). */
static struct kstate *
kind_ready(struct cdn_txn *txn, enum cdn_kind kind)
{
	struct cdn_qcache *qc = txn->qc;
	struct kstate *ks;

	if (!qc)
		return NULL;
	ks = &qc->k[kind];
	if (__atomic_load_n(&ks->ready, __ATOMIC_ACQUIRE))
		return ks->nseq ? ks : NULL;
	pthread_mutex_lock(&qc->lock);
	if (!ks->ready) {
		uint64_t end = kind_end(txn, kind);

		ks->when = end ? zeroed(qc, end, sizeof *ks->when) : NULL;
		if (ks->when)
			ks->nseq = end;
		/* Seizures' instants are all in the date index. */
		if (ks->nseq && kind == CDN_SEIZURE) {
			struct bulk b = { txn, ks, NULL };

			index_each(txn, IX_DATE, kind, bulk_when, &b);
		}
		__atomic_store_n(&ks->ready, 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&qc->lock);
	return ks->nseq ? ks : NULL;
}

uint32_t
cdn_qc_string(struct cdn_txn *txn, const char *s, size_t len)
{
	struct cdn_qcache *qc = txn->qc;
	int64_t n;
	int added;
	size_t before;

	if (!qc)
		return CDN_QV_UNKNOWN;
	pthread_mutex_lock(&qc->lock);
	before = qc->strings.acap + qc->strings.kcap * sizeof(struct cdn_intern_key) +
	    qc->strings.nslots * 4;
	if ((n = cdn_intern_find(&qc->strings, s, len)) < 0 && qc->bytes + len + 64 <= qc->budget) {
		n = cdn_intern_add(&qc->strings, s, len, &added);
		if (added) {
			size_t after = qc->strings.acap + qc->strings.kcap * sizeof(struct cdn_intern_key) +
			    qc->strings.nslots * 4;

			if (after > before)
				qc->bytes += after - before;
		}
	}
	pthread_mutex_unlock(&qc->lock);
	return n < 0 || n > UINT32_MAX - 2 * CDN_QV_STRING ? CDN_QV_UNKNOWN : CDN_QV_STRING + (uint32_t)n;
}

static uint32_t
encode_number(struct cdn_txn *txn, struct kstate *ks, struct col *c, uint64_t seq, double d)
{
	uint64_t *num, bits;

	if ((num = __atomic_load_n(&c->num, __ATOMIC_ACQUIRE)) == NULL) {
		pthread_mutex_lock(&txn->qc->lock);
		if (!c->num)
			__atomic_store_n(&c->num, zeroed(txn->qc, ks->nseq, sizeof *num),
			    __ATOMIC_RELEASE);
		num = c->num;
		pthread_mutex_unlock(&txn->qc->lock);
		if (!num)
			return CDN_QV_UNKNOWN;
	}
	memcpy(&bits, &d, sizeof bits);
	__atomic_store_n(&num[seq], bits, __ATOMIC_RELAXED);
	return CDN_QV_NUMBER;
}

static uint32_t
encode(struct cdn_txn *txn, struct kstate *ks, struct col *c, uint64_t seq, json_t *v)
{
	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_NULL:
		return CDN_QV_MISSING;
	case JSON_STRING:
		return cdn_qc_string(txn, json_string_value(v), json_string_length(v));
	case JSON_INTEGER:
	case JSON_REAL:
		return encode_number(txn, ks, c, seq, json_number_value(v));
	default:
		return CDN_QV_OTHER;
	}
}

/* The same for a stored form's value: what its JSON would encode to. */
static uint32_t
encode_stored(struct cdn_txn *txn, struct kstate *ks, struct col *c, uint64_t seq,
    const msgpack_object *v)
{
	switch (v ? v->type : MSGPACK_OBJECT_NIL) {
	case MSGPACK_OBJECT_NIL:
		return CDN_QV_MISSING;
	case MSGPACK_OBJECT_STR:
		return cdn_qc_string(txn, v->via.str.ptr, v->via.str.size);
	case MSGPACK_OBJECT_POSITIVE_INTEGER:
		return encode_number(txn, ks, c, seq, (double)v->via.u64);
	case MSGPACK_OBJECT_NEGATIVE_INTEGER:
		return encode_number(txn, ks, c, seq, (double)v->via.i64);
	case MSGPACK_OBJECT_FLOAT32:
	case MSGPACK_OBJECT_FLOAT64:
		return encode_number(txn, ks, c, seq, v->via.f64);
	default:
		return CDN_QV_OTHER;
	}
}

/* Fill every slot the cache keeps of record `seq` from `rec`, or else from
 * its stored form `stored`. */
static void
fill_from(struct cdn_txn *txn, enum cdn_kind kind, struct kstate *ks, uint64_t seq, json_t *rec,
    const msgpack_object *stored)
{
	const char *field = cdn_when_field(kind), *w;
	char buf[64];
	int64_t t;
	int ncol;

	w = stored ? cdn_rec_path_str(stored, field, buf, sizeof buf) :
	    json_string_value(json_object_get(rec, field));
	__atomic_store_n(&ks->when[seq], w && cdn_time_parse(w, &t, NULL) == 0 ?
	    (uint64_t)t + WHEN_OFF : 1, __ATOMIC_RELAXED);
	ncol = __atomic_load_n(&ks->ncol, __ATOMIC_ACQUIRE);
	for (int c = 0; c < ncol; c++) {
		struct col *cl = &ks->col[c];
		uint32_t code = stored ? encode_stored(txn, ks, cl, seq, cdn_rec_path(stored, cl->path)) :
		    encode(txn, ks, cl, seq, cdn_json_path(rec, cl->path));

		/* Release: a number's value is there before its code. */
		__atomic_store_n(&cl->v[seq], code, __ATOMIC_RELEASE);
	}
}

/* Parse record `seq` and fill every slot the cache keeps of it. */
static void
fill(struct cdn_txn *txn, enum cdn_kind kind, struct kstate *ks, uint64_t seq)
{
	struct cdn_id id = { kind, seq };
	json_t *rec;

	if (cdn_qc_record(txn, id, &rec) != 0) {
		cdn_error_clear();
		return;
	}
	fill_from(txn, kind, ks, seq, rec, NULL);
	json_decref(rec);
}

void
cdn_qc_learn(struct cdn_txn *txn, enum cdn_kind kind, uint64_t seq, json_t *rec,
    const msgpack_object *stored)
{
	struct kstate *ks;

	if (!txn->qc || (ks = kind_ready(txn, kind)) == NULL || seq >= ks->nseq)
		return;
	fill_from(txn, kind, ks, seq, rec, stored);
}

int
cdn_qc_column(struct cdn_txn *txn, enum cdn_kind kind, const char *path)
{
	struct kstate *ks = kind_ready(txn, kind);
	int found = -1;

	if (!ks || strlen(path) >= PATH_MAX_LEN)
		return -1;
	pthread_mutex_lock(&txn->qc->lock);
	for (int c = 0; c < ks->ncol; c++)
		if (strcmp(ks->col[c].path, path) == 0)
			found = c;
	if (found < 0 && ks->ncol < MAX_COLS) {
		struct col *cl = &ks->col[ks->ncol];

		if ((cl->v = zeroed(txn->qc, ks->nseq, sizeof *cl->v)) != NULL) {
			const struct cdn_field *f = cdn_schema_lookup(kind, path);

			snprintf(cl->path, sizeof cl->path, "%s", path);
			/* A field whose index keys are its values as written
			 * (one per record: not tags) is read from the index;
			 * the records it leaves out do not have the field. */
			if (f && cdn_index_exact(f->index) && f->index != IX_TAG) {
				struct bulk b = { txn, ks, cl };

				index_each(txn, f->index, kind, bulk_value, &b);
				for (uint64_t i = 0; i < ks->nseq; i++)
					if (cl->v[i] == CDN_QV_UNKNOWN)
						cl->v[i] = CDN_QV_MISSING;
			}
			found = ks->ncol;
			/* Records filled before this column was made are
			 * filled again when it is first read. */
			__atomic_store_n(&ks->ncol, ks->ncol + 1, __ATOMIC_RELEASE);
		}
	}
	pthread_mutex_unlock(&txn->qc->lock);
	return found;
}

uint32_t
cdn_qc_value(struct cdn_txn *txn, enum cdn_kind kind, int col, uint64_t seq, double *num)
{
	struct kstate *ks = kind_ready(txn, kind);
	uint32_t v;

	if (!ks || col < 0 || seq >= ks->nseq)
		return CDN_QV_UNKNOWN;
	if ((v = __atomic_load_n(&ks->col[col].v[seq], __ATOMIC_ACQUIRE)) == CDN_QV_UNKNOWN) {
		fill(txn, kind, ks, seq);
		v = __atomic_load_n(&ks->col[col].v[seq], __ATOMIC_ACQUIRE);
	}
	if (v == CDN_QV_NUMBER) {
		uint64_t *num_of = __atomic_load_n(&ks->col[col].num, __ATOMIC_ACQUIRE);
		uint64_t bits = __atomic_load_n(&num_of[seq], __ATOMIC_RELAXED);

		memcpy(num, &bits, sizeof *num);
	}
	return v;
}

int
cdn_qc_when(struct cdn_txn *txn, enum cdn_kind kind, uint64_t seq, int64_t *t)
{
	struct kstate *ks = kind_ready(txn, kind);
	uint64_t w;

	if (!ks || seq >= ks->nseq)
		return -1;
	if ((w = __atomic_load_n(&ks->when[seq], __ATOMIC_RELAXED)) == 0) {
		fill(txn, kind, ks, seq);
		if ((w = __atomic_load_n(&ks->when[seq], __ATOMIC_RELAXED)) == 0)
			return -1;
	}
	if (w == 1)
		return 0;
	*t = (int64_t)(w - WHEN_OFF);
	return 1;
}

/* --- records, through the cache ------------------------------------------------- */

int
cdn_qc_record(struct cdn_txn *txn, struct cdn_id id, json_t **out)
{
	const char *json;
	size_t len;
	int rc;

	if (txn->qc && (*out = rec_get(txn, packed(id))) != NULL)
		return 0;
	if ((rc = cdn_record_get_raw(txn, id, &json, &len)) != 0)
		return rc;
	if ((rc = cdn_json_decode_record(id, json, len, out)) != 0)
		return rc;
	if (txn->qc)
		rec_put(txn, packed(id), *out);
	return 0;
}

/* --- index candidate lists ----------------------------------------------------------- */

static size_t
list_key(enum cdn_kind kind, const unsigned char *key, size_t len, unsigned char *buf)
{
	buf[0] = (unsigned char)cdn_kind_info(kind)->letter;
	memcpy(buf + 1, key, len);
	return len + 1;
}

int
cdn_qc_index_get(struct cdn_txn *txn, enum cdn_kind kind, const unsigned char *key, size_t len,
    const uint64_t **v, size_t *n)
{
	struct cdn_qcache *qc = txn->qc;
	unsigned char buf[1024];
	int64_t i;

	*v = NULL;
	*n = 0;
	if (!qc || len >= sizeof buf)
		return 0;
	len = list_key(kind, key, len, buf);
	pthread_mutex_lock(&qc->lock);
	if ((i = cdn_intern_find(&qc->keys, buf, len)) >= 0 && (size_t)i < qc->nlists) {
		*v = qc->lists[i].v;
		*n = qc->lists[i].n;
	}
	pthread_mutex_unlock(&qc->lock);
	return i >= 0 && *v != NULL;
}

void
cdn_qc_index_put(struct cdn_txn *txn, enum cdn_kind kind, const unsigned char *key, size_t len,
    const uint64_t *v, size_t n)
{
	struct cdn_qcache *qc = txn->qc;
	unsigned char buf[1024];
	uint64_t *copy;
	int64_t i;
	int added;

	if (!qc || len >= sizeof buf)
		return;
	len = list_key(kind, key, len, buf);
	pthread_mutex_lock(&qc->lock);
	if (charge(qc, len + 32 + n * sizeof *v) != 0 ||
	    (copy = malloc(n ? n * sizeof *v : 1)) == NULL)
		goto out;
	if (n)
		memcpy(copy, v, n * sizeof *v);
	if ((i = cdn_intern_add(&qc->keys, buf, len, &added)) < 0 || !added) {
		free(copy);
		goto out;
	}
	if ((size_t)i >= qc->nlists) {
		size_t cap = qc->nlists ? qc->nlists * 2 : 256;
		struct list *l;

		while (cap <= (size_t)i)
			cap *= 2;
		if ((l = realloc(qc->lists, cap * sizeof *l)) == NULL) {
			free(copy);
			goto out;
		}
		memset(l + qc->nlists, 0, (cap - qc->nlists) * sizeof *l);
		qc->lists = l;
		qc->nlists = cap;
	}
	qc->lists[i].v = copy;
	qc->lists[i].n = n;
out:
	pthread_mutex_unlock(&qc->lock);
}

static int
cmp_timed(const void *a, const void *b)
{
	const struct cdn_qc_timed *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int
cdn_qc_index_timed(struct cdn_txn *txn, enum cdn_kind kind, const unsigned char *key,
    size_t len, const struct cdn_qc_timed **v, size_t *n)
{
	struct cdn_qcache *qc = txn->qc;
	unsigned char buf[1024];
	const uint64_t *seqs;
	struct cdn_qc_timed *t;
	size_t nseqs, nt = 0;
	int64_t i;

	*v = NULL;
	*n = 0;
	if (!qc || len >= sizeof buf || !cdn_qc_index_get(txn, kind, key, len, &seqs, &nseqs))
		return 0;
	len = list_key(kind, key, len, buf);
	pthread_mutex_lock(&qc->lock);
	i = cdn_intern_find(&qc->keys, buf, len);
	if (i >= 0 && qc->lists[i].t) {
		*v = qc->lists[i].t;
		*n = qc->lists[i].nt;
	}
	pthread_mutex_unlock(&qc->lock);
	if (i < 0 || *v)
		return i >= 0;
	/* Made outside the lock: the instants may have to be read. */
	if ((t = malloc(nseqs ? nseqs * sizeof *t : 1)) == NULL)
		return 0;
	for (size_t j = 0; j < nseqs; j++)
		if (cdn_qc_when(txn, kind, seqs[j], &t[nt].t) == 1)
			t[nt++].seq = seqs[j];
	qsort(t, nt, sizeof *t, cmp_timed);
	pthread_mutex_lock(&qc->lock);
	if (qc->lists[i].t == NULL && charge(qc, nt * sizeof *t) == 0) {
		qc->lists[i].t = t;
		qc->lists[i].nt = nt;
		t = NULL;
	}
	*v = qc->lists[i].t;
	*n = qc->lists[i].nt;
	pthread_mutex_unlock(&qc->lock);
	free(t);
	return *v != NULL;
}
