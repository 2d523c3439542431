/*
 * query.c - reading many records: lists with conditions, graph walks,
 * search and raw scans.
 *
 * A query picks the index with the fewest candidates (an indexed
 * condition, the date range of seizures, a tag, a linked id) or else scans
 * the kind's key range. The other conditions are then decided without
 * reading the record where an index answers them alone: a condition on a
 * field that is the only one in its exact index is one lookup of
 * (value, record) in that index; a date window not much larger than the
 * candidates is collected once and searched. A candidate whose every
 * condition is so decided is read only if its record is wanted (a list,
 * not a count); any other is read and checked in full, on its stored form
 * (recform.h) without a JSON tree, which is built only for a record that
 * matches and is wanted.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "cordon/check.h"
#include "cordon/fold.h"
#include "cordon/query.h"
#include "internal.h"
#include "json.h"
#include "qcache.h"
#include "recform.h"
#include "schema.h"

/* With a query cache: the links a record must have for its linked records
 * to be kept, the records an index key must have for its list to be kept,
 * and the candidates a list must have to be kept in time order too. */
#define CACHE_LINKED_MIN 32
#define CACHE_LIST_MIN 16
#define TIMED_MIN 64
/* A date window of up to this many times the candidates is collected and
 * searched rather than checked on each record. */
#define WINDOW_RATIO 8

/* --- candidate sets ------------------------------------------------------ */

struct seqs {
	uint64_t *v;
	size_t n, cap;
};

static int
seqs_add(struct seqs *s, uint64_t seq)
{
	if (cdn_grow(&s->v, &s->cap, s->n + 1, sizeof *s->v, 256) != 0)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	s->v[s->n++] = seq;
	return 0;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void
seqs_sort_unique(struct seqs *s)
{
	size_t w = 0;

	if (s->n == 0)
		return;
	qsort(s->v, s->n, sizeof *s->v, cmp_u64);
	for (size_t i = 0; i < s->n; i++)
		if (w == 0 || s->v[w - 1] != s->v[i])
			s->v[w++] = s->v[i];
	s->n = w;
}

/* The records of `kind` under index keys in [lo, hi] (internal.h). */
static int
collect(struct cdn_txn *txn, enum cdn_kind kind, const unsigned char *lo,
    size_t lolen, const unsigned char *hi, size_t hilen, struct seqs *out)
{
	return cdn_index_seqs(txn, kind, lo, lolen, hi, hilen, &out->v, &out->n, &out->cap);
}

/* --- conditions ---------------------------------------------------------- */

/*
 * A --where condition made ready: names and aliases compare folded, as
 * their index does ("nguyen van hung" finds "Nguyễn Văn Hùng"), and
 * identifiers in their normal form ("9074729" finds "IMO 9074729");
 * everything else as written.
 */
struct want {
	const struct cdn_cond *c;
	const struct cdn_field *f;
	char *norm;		/* the value in compared form, or NULL */
	int col;		/* its query cache column, or -1 */
	uint32_t code;		/* the value's code there */
	/* Its key in the index that alone answers it (cdn_cond_index), or
	 * keylen 0; implied if the candidates came from that key. */
	unsigned char key[CDN_IKEY_MAX];
	size_t keylen;
	int implied;
};

/*
 * The field a --where path names: a schema field, or a key of the free
 * `attributes` object or a custom identifier (`identifiers.x-…`), which
 * compare as written.
 */
static const struct cdn_field *
where_field(enum cdn_kind kind, const char *path)
{
	static const struct cdn_field free_field = { "", FT_STRING };
	const struct cdn_field *f = cdn_schema_lookup(kind, path);

	if (f)
		return f;
	if (strncmp(path, "attributes.", 11) == 0 && path[11] && !strchr(path + 11, '.') &&
	    cdn_schema_lookup(kind, "attributes"))
		return &free_field;
	if (kind == CDN_ENTITY && strncmp(path, "identifiers.x-", 14) == 0 && path[14] &&
	    !strchr(path + 14, '.'))
		return &free_field;
	return NULL;
}

/* `s` in the form field `f` compares in: a new string, or NULL if `f`
 * compares as written (or out of memory: then as written). */
static char *
compared_form(const struct cdn_field *f, const char *s)
{
	char buf[CDN_IKEY_MAX];

	if (f->index == IX_NAME)
		return cdn_fold(s);
	if (f->index == IX_IDENT) {
		cdn_ident_norm(f->name, s, buf, sizeof buf);
		return strdup(buf);
	}
	return NULL;
}

struct bounds {
	int has_lo, has_hi;
	int64_t lo, hi;
	struct want *w;		/* the --where conditions, made ready */
	size_t nw;
	int tag_implied;	/* candidates came from the tag's index */
	/* The one cached list the candidates came from, if they did. */
	unsigned char src[CDN_IKEY_MAX + 8];
	size_t srclen;
	unsigned char tagkey[CDN_IKEY_MAX];	/* the tag's index key */
	size_t tagkeylen;
	MDB_cursor *probe;	/* over the index, for the lookups that decide */
	int date_implied;	/* candidates came from the date window */
	struct seqs win;	/* else the window's seizures, if collected */
	int has_win;
	msgpack_zone *zone;	/* for stored forms checked in place */
};

static int
parse_bounds(const struct cdn_query *q, struct bounds *b)
{
	char why[CDN_WHY_MAX];

	memset(b, 0, sizeof *b);
	if (q->since) {
		if (cdn_time_parse(q->since, &b->lo, why) != 0)
			return cdn_error_set(CDN_EUSAGE, "since", "%s", why);
		b->has_lo = 1;
	}
	if (q->until) {
		if (cdn_time_parse(q->until, &b->hi, why) != 0)
			return cdn_error_set(CDN_EUSAGE, "until", "%s", why);
		/* "until 2024-06-30" means to the end of that day. */
		if (strlen(q->until) == 10)
			b->hi += 86399;
		b->has_hi = 1;
	}
	return 0;
}

/* Whether a record placed at `when` (NULL: nowhere) is inside the
 * since/until window, if there is one. */
static int
within(const struct bounds *b, const char *when)
{
	int64_t t;

	if (!b->has_lo && !b->has_hi)
		return 1;
	if (!when || cdn_time_parse(when, &t, NULL) != 0)
		return 0;
	return !((b->has_lo && t < b->lo) || (b->has_hi && t > b->hi));
}

/*
 * Conditions are checked on a record's stored form (recform.h), with no
 * JSON tree built; a value compares as its JSON does.
 */
static int
scalar_eq(const msgpack_object *v, const char *want)
{
	char buf[64];

	switch (v->type) {
	case MSGPACK_OBJECT_STR:
		return v->via.str.size == strlen(want) && memcmp(v->via.str.ptr, want,
		    v->via.str.size) == 0;
	case MSGPACK_OBJECT_POSITIVE_INTEGER:
		snprintf(buf, sizeof buf, "%" PRIu64, v->via.u64);
		return strcmp(buf, want) == 0;
	case MSGPACK_OBJECT_NEGATIVE_INTEGER:
		snprintf(buf, sizeof buf, "%" PRId64, v->via.i64);
		return strcmp(buf, want) == 0;
	case MSGPACK_OBJECT_FLOAT32:
	case MSGPACK_OBJECT_FLOAT64: {
		char *end;
		double d = strtod(want, &end);

		return *want && *end == '\0' && d == v->via.f64;
	}
	case MSGPACK_OBJECT_BOOLEAN:
		return strcmp(want, v->via.boolean ? "true" : "false") == 0;
	default:
		return 0;
	}
}

static int
value_eq(const struct want *w, const msgpack_object *v)
{
	char *text, *form;
	int eq;

	if (!w->norm || v->type != MSGPACK_OBJECT_STR)
		return scalar_eq(v, w->c->value);
	if ((text = strndup(v->via.str.ptr, v->via.str.size)) == NULL)
		return 0;
	form = compared_form(w->f, text);
	eq = form && strcmp(form, w->norm) == 0;
	free(form);
	free(text);
	return eq;
}

static int
cond_holds(const msgpack_object *rec, const struct want *w)
{
	const msgpack_object *v = cdn_rec_path(rec, w->c->path);

	if (!v)
		return 0;
	if (v->type == MSGPACK_OBJECT_ARRAY) {
		for (uint32_t i = 0; i < v->via.array.size; i++)
			if (value_eq(w, &v->via.array.ptr[i]))
				return 1;
		return 0;
	}
	return value_eq(w, v);
}

static int
matches(const struct cdn_query *q, const struct bounds *b, const msgpack_object *rec)
{
	for (size_t i = 0; i < b->nw; i++)
		if (!cond_holds(rec, &b->w[i]))
			return 0;
	if (q->tag) {
		struct cdn_cond c = { "tags", q->tag };
		struct want w = { &c, NULL, NULL };

		if (!cond_holds(rec, &w))
			return 0;
	}
	char buf[64];

	return within(b, cdn_rec_path_str(rec, cdn_when_field(q->kind), buf, sizeof buf));
}

/* Whether stored record `id` (its bytes) matches: 1, 0, or an error if
 * they are damaged. */
static int
matches_stored(const struct cdn_query *q, struct bounds *b, struct cdn_id id,
    const void *bytes, size_t len)
{
	char *packed = NULL;
	msgpack_object o;
	json_t *rec;
	int rc;

	if (!b->zone && (b->zone = msgpack_zone_new(4096)) == NULL)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	if (cdn_rec_view(bytes, len, b->zone, &o) != 0) {
		/* JSON text (written other than through cordon), put in the
		 * stored form; or damage, named. */
		msgpack_zone_clear(b->zone);
		if ((rc = cdn_json_decode_record(id, bytes, len, &rec)) != 0)
			return rc;
		rc = cdn_rec_pack(rec, len, &packed, &len);
		json_decref(rec);
		if (rc != 0)
			return rc;
		if (cdn_rec_view(packed, len, b->zone, &o) != 0) {
			free(packed);
			return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		}
	}
	rc = matches(q, b, &o);
	msgpack_zone_clear(b->zone);
	free(packed);
	return rc;
}

/* --- planning ------------------------------------------------------------ */

/*
 * The records of `kind` under index key `key` exactly, appended to `out`:
 * from the query cache if it has read them before.
 */
static int
collect_key(struct cdn_txn *txn, enum cdn_kind kind, const unsigned char *key, size_t len,
    struct seqs *out)
{
	const uint64_t *v;
	size_t n, start = out->n;
	int rc;

	if (cdn_qc_index_get(txn, kind, key, len, &v, &n)) {
		for (size_t i = 0; i < n; i++)
			if ((rc = seqs_add(out, v[i])) != 0)
				return rc;
		return 0;
	}
	if ((rc = collect(txn, kind, key, len, NULL, 0, out)) != 0)
		return rc;
	/* A short list is quicker to read again than to keep: a seizure's
	 * few links would fill the cache with a million tiny lists. */
	if (out->n - start >= CACHE_LIST_MIN)
		cdn_qc_index_put(txn, kind, key, len, out->v + start, out->n - start);
	return 0;
}

/*
 * The records of `kind` linked to `id`, into `out` in id order. With a
 * query cache, the answer is kept under a key no index uses ("~" and the
 * id), so that the next query for it, and its time order, are at hand.
 */
static int
linked_ids(struct cdn_txn *txn, const char *id, enum cdn_kind kind, struct seqs *out,
    struct bounds *b)
{
	unsigned char key[CDN_IKEY_MAX];
	const uint64_t *cached;
	size_t ncached, idlen = strlen(id), nlinks = 0;
	int rc = 0;

	if (txn->qc && idlen + 1 < CDN_IKEY_MAX) {
		b->src[0] = '~';
		memcpy(b->src + 1, id, idlen);
		b->srclen = idlen + 1;
		if (cdn_qc_index_get(txn, kind, b->src, b->srclen, &cached, &ncached)) {
			for (size_t i = 0; i < ncached; i++)
				if ((rc = seqs_add(out, cached[i])) != 0)
					return rc;
			return 0;
		}
	}

	/* Links linked to ID: the links touching it. */
	for (int dir = 0; dir < 2 && kind == CDN_LINK; dir++) {
		size_t n = cdn_index_key(dir ? IX_TO : IX_FROM, id, strlen(id), key);

		if ((rc = collect_key(txn, CDN_LINK, key, n, out)) != 0)
			goto out;
	}
	/* Records linked to it: the other ends of its links, from the index
	 * of links by their ends, no link read. */
	if (kind != CDN_LINK) {
		struct cdn_link_end *e = NULL;
		size_t ne = 0;

		if ((rc = cdn_link_ends(txn, id, &e, &ne)) != 0)
			goto out;
		nlinks = ne;
		for (size_t i = 0; i < ne && rc == 0; i++) {
			struct cdn_id other;

			if (cdn_id_parse(e[i].other, &other) == 0 && other.kind == kind)
				rc = seqs_add(out, other.seq);
		}
		free(e);
		if (rc != 0)
			goto out;
	}
	seqs_sort_unique(out);
	/* Worth keeping for a record with many links (a company in many
	 * seizures), not for one with a few, which is quicker to redo. */
	if (b->srclen && nlinks >= CACHE_LINKED_MIN)
		cdn_qc_index_put(txn, kind, b->src, b->srclen, out->v, out->n);
	else
		b->srclen = 0;
out:
	if (rc == 0)
		cdn_error_clear();
	return rc;
}

/* Records under index key `key`, as the index counts them (0 if none). */
static size_t
key_count(struct cdn_txn *txn, enum cdn_kind kind, const unsigned char *key, size_t len)
{
	MDB_cursor *cur;
	MDB_val k = { len, (void *)key }, v;
	const uint64_t *cached;
	size_t n = 0;

	if (cdn_qc_index_get(txn, kind, key, len, &cached, &n))
		return n;
	if (mdb_cursor_open(txn->txn, txn->st->idx, &cur) != 0)
		return 0;
	if (mdb_cursor_get(cur, &k, &v, MDB_SET_KEY) == 0 && mdb_cursor_count(cur, &n) != 0)
		n = 0;
	mdb_cursor_close(cur);
	return n;
}

/* The index key condition `c` allows on records of `kind`: its length,
 * or 0 if none does. */
static size_t
cond_key(enum cdn_kind kind, const struct cdn_cond *c, unsigned char *key)
{
	const struct cdn_field *f = cdn_schema_lookup(kind, c->path);
	size_t n = 0;

	if (!f)
		return 0;
	/* An array of values is indexed by each item (an alert's refs). */
	if (f->type == FT_ARRAY && f->sub->type != FT_OBJECT)
		f = f->sub;
	if (cdn_index_exact(f->index)) {
		n = cdn_index_key(f->index, c->value, strlen(c->value), key);
	} else if (f->index == IX_NAME) {
		char *folded = cdn_fold(c->value);

		if (folded)
			n = cdn_index_key(IX_NAME, folded, strlen(folded), key);
		free(folded);
	} else if (f->index == IX_IDENT) {
		n = cdn_ident_key(f->name, c->value, key);
	}
	return n;
}

/* The date index keys bounding the query's window. */
static void
window_keys(const struct bounds *b, unsigned char lo[9], unsigned char hi[9])
{
	lo[0] = hi[0] = IX_DATE;
	cdn_time_key(b->has_lo ? b->lo : INT64_MIN, lo + 1);
	cdn_time_key(b->has_hi ? b->hi : INT64_MAX, hi + 1);
}

/* How many records the date index holds in [lo, hi] (9-byte keys), or
 * more than `cap` once it has counted past it. */
static size_t
window_count(struct cdn_txn *txn, const unsigned char *lo, const unsigned char *hi, size_t cap)
{
	MDB_cursor *cur;
	MDB_val k = { 9, (void *)lo }, v;
	size_t n = 0, dups;
	int rc;

	if (mdb_cursor_open(txn->txn, txn->st->idx, &cur) != 0)
		return SIZE_MAX;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0 && n <= cap;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT_NODUP)) {
		if (k.mv_size != 9 || memcmp(k.mv_data, hi, 9) > 0)
			break;
		if (mdb_cursor_count(cur, &dups) != 0) {
			n = SIZE_MAX;
			break;
		}
		n += dups;
	}
	mdb_cursor_close(cur);
	return n;
}

/*
 * Fill `cand` from the most selective index the query allows; return 1 if
 * an index was used, 0 to scan. A linked id comes first (it is a
 * condition no record holds in itself); otherwise the condition, tag or
 * date range with the fewest records. A date window up to WINDOW_RATIO
 * times larger than the chosen candidates is collected into b->win.
 */
static int
plan(struct cdn_txn *txn, const struct cdn_query *q, struct bounds *b, struct seqs *cand)
{
	unsigned char key[CDN_IKEY_MAX], best[CDN_IKEY_MAX], hi[9];
	size_t n, bestlen = 0, bestn = SIZE_MAX;
	int rc, best_tag = 0;

	if (q->linked)
		return (rc = linked_ids(txn, q->linked, q->kind, cand, b)) ? rc : 1;
	for (size_t i = 0; i <= q->nwhere; i++) {
		size_t count;

		if (i < q->nwhere)
			n = cond_key(q->kind, &q->where[i], key);
		else if (q->tag)
			n = cdn_index_key(IX_TAG, q->tag, strlen(q->tag), key);
		else
			break;
		if (n == 0 || (count = key_count(txn, q->kind, key, n)) >= bestn)
			continue;
		memcpy(best, key, n);
		bestlen = n;
		bestn = count;
		best_tag = i == q->nwhere;
	}
	if (q->kind == CDN_SEIZURE && (b->has_lo || b->has_hi)) {
		size_t wn;

		window_keys(b, key, hi);
		wn = bestlen ? window_count(txn, key, hi, bestn > SIZE_MAX / WINDOW_RATIO ?
		    SIZE_MAX : bestn * WINDOW_RATIO) : 0;
		if (!bestlen || wn <= bestn) {
			/* The window is the fewest candidates. */
			if ((rc = collect(txn, q->kind, key, 9, hi, 9, cand)) != 0)
				return rc;
			seqs_sort_unique(cand);
			b->date_implied = 1;
			return 1;
		}
		if (wn <= bestn * WINDOW_RATIO) {
			if ((rc = collect(txn, q->kind, key, 9, hi, 9, &b->win)) != 0)
				return rc;
			seqs_sort_unique(&b->win);
			b->has_win = 1;
		}
	}
	if (bestlen) {
		b->tag_implied = best_tag;
		for (size_t i = 0; i < b->nw; i++)
			b->w[i].implied = b->w[i].keylen == bestlen &&
			    memcmp(b->w[i].key, best, bestlen) == 0;
		memcpy(b->src, best, bestlen);
		b->srclen = bestlen;
		return (rc = collect_key(txn, q->kind, best, bestlen, cand)) ? rc : 1;
	}
	return 0;
}

/* The first of `n` timed records at or after instant `t`. */
static size_t
lower_bound(const struct cdn_qc_timed *v, size_t n, int64_t t)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].t < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * With a time window and candidates from one cached list, keep only the
 * candidates inside the window, found by binary search in the list's
 * time order.
 */
static void
time_window(struct cdn_txn *txn, const struct cdn_query *q, const struct bounds *b,
    struct seqs *cand)
{
	const struct cdn_qc_timed *v;
	size_t n, from, to;

	if (!cdn_qc_index_timed(txn, q->kind, b->src, b->srclen, &v, &n))
		return;
	from = b->has_lo ? lower_bound(v, n, b->lo) : 0;
	to = b->has_hi ? (b->hi == INT64_MAX ? n : lower_bound(v, n, b->hi + 1)) : n;
	cand->n = 0;
	for (size_t i = from; i < to; i++)
		if (seqs_add(cand, v[i].seq) != 0)
			break;
	/* Back in id order: what is visited, and the order numbers are
	 * summed in, must not depend on the cache. */
	seqs_sort_unique(cand);
}

/* 1 if index key `key` lists record `seq` of `kind`, 0 if not, -1 if the
 * index could not be read (the record is then read instead). */
static int
probe(MDB_cursor *cur, const unsigned char *key, size_t len, enum cdn_kind kind, uint64_t seq)
{
	unsigned char rk[CDN_RKEY_LEN];
	MDB_val k = { len, (void *)key }, v = { CDN_RKEY_LEN, rk };
	int rc;

	cdn_rkey((struct cdn_id){ kind, seq }, rk);
	rc = mdb_cursor_get(cur, &k, &v, MDB_GET_BOTH);
	return rc == 0 ? 1 : rc == MDB_NOTFOUND ? 0 : -1;
}

int
cdn_seized_at(MDB_cursor *cur, uint64_t seq, int64_t *t)
{
	static const unsigned char earliest[8];
	unsigned char rk[CDN_RKEY_LEN], key[CDN_IKEY_MAX];
	size_t len;
	MDB_val k, v;

	/* The first key of the seizure's, whatever its time. */
	cdn_rkey((struct cdn_id){ CDN_SEIZURE, seq }, rk);
	k.mv_size = cdn_seized_key(rk, earliest, key);
	k.mv_data = key;
	len = k.mv_size - 8;
	if (mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE) != 0 || k.mv_size != len + 8 ||
	    memcmp(k.mv_data, key, len) != 0)
		return 0;
	*t = cdn_time_unkey((const unsigned char *)k.mv_data + len);
	return 1;
}

static int
in_window(const struct seqs *w, uint64_t seq)
{
	size_t lo = 0, hi = w->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (w->v[mid] < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < w->n && w->v[lo] == seq;
}

/*
 * What is known of candidate `seq` without reading it, from the indexes
 * that decide a condition alone, the collected date window and the query
 * cache: 1 it matches, 0 it does not, -1 the record must be read to know.
 */
static int
known_match(struct cdn_txn *txn, const struct cdn_query *q, const struct bounds *b,
    uint64_t seq)
{
	int verdict = 1, r;

	if ((b->has_lo || b->has_hi) && !b->date_implied) {
		int64_t t;

		if (b->has_win) {
			if (!in_window(&b->win, seq))
				return 0;
		} else if (txn->qc) {
			r = cdn_qc_when(txn, q->kind, seq, &t);
			if (r == 0 || (r > 0 && ((b->has_lo && t < b->lo) || (b->has_hi && t > b->hi))))
				return 0;
			if (r < 0)
				verdict = -1;
		} else if (q->kind == CDN_SEIZURE && b->probe && cdn_seized_at(b->probe, seq, &t) > 0) {
			if ((b->has_lo && t < b->lo) || (b->has_hi && t > b->hi))
				return 0;
		} else {
			verdict = -1;
		}
	}
	for (size_t i = 0; i < b->nw; i++) {
		const struct want *w = &b->w[i];
		double num;
		uint32_t v;

		if (w->implied)
			continue;
		if (w->keylen && b->probe) {
			if ((r = probe(b->probe, w->key, w->keylen, q->kind, seq)) == 0)
				return 0;
			if (r < 0)
				verdict = -1;
			continue;
		}
		if (!txn->qc || w->col < 0 || w->code == CDN_QV_UNKNOWN) {
			verdict = -1;
			continue;
		}
		v = cdn_qc_value(txn, q->kind, w->col, seq, &num);
		if (v == CDN_QV_MISSING || (v >= CDN_QV_STRING && v != w->code))
			return 0;
		if (v < CDN_QV_STRING)
			verdict = -1;
	}
	if (q->tag && !b->tag_implied) {
		if (!b->tagkeylen || !b->probe || (r = probe(b->probe, b->tagkey, b->tagkeylen,
		    q->kind, seq)) < 0)
			verdict = -1;
		else if (r == 0)
			return 0;
	}
	return verdict;
}

/*
 * Visit one candidate, given its stored bytes if the caller has them (a
 * scan): `fn` gets the record if `need`, else NULL and only its sequence.
 * A candidate the indexes cannot decide is checked on its stored form.
 */
typedef int (*visit_fn)(void *arg, json_t *rec, enum cdn_kind kind, uint64_t seq);

static int
visit(struct cdn_txn *txn, const struct cdn_query *q, struct bounds *b, uint64_t seq,
    const void *bytes, size_t len, int need, visit_fn fn, void *arg, size_t *n)
{
	int m = bytes ? -1 : known_match(txn, q, b, seq), rc = 0;
	struct cdn_id id = { q->kind, seq };
	json_t *rec = NULL;

	if (q->examine && (rc = q->examine(q->examine_arg, m < 0 || (m > 0 && need))) != 0)
		return rc;
	if (m == 0)
		return 0;
	if (m < 0) {
		/* An index entry without its record is damage: named. */
		if (!bytes && (rc = cdn_record_get_raw(txn, id, (const char **)&bytes, &len)) != 0)
			return rc;
		if ((m = matches_stored(q, b, id, bytes, len)) < 0)
			return m;
	}
	/* Under a query cache (a rules run), a record wanted comes through
	 * the cache's trees. */
	if (m > 0 && need)
		rc = txn->qc || !bytes ? cdn_qc_record(txn, id, &rec) :
		    cdn_json_decode_record(id, bytes, len, &rec);
	if (m > 0 && rc == 0) {
		(*n)++;
		rc = fn(arg, rec, q->kind, seq);
	}
	json_decref(rec);
	return rc;
}

static int
run(struct cdn_txn *txn, const struct cdn_query *q, int need, visit_fn fn, void *arg)
{
	struct seqs cand = { 0 };
	struct bounds b;
	uint64_t after = 0;
	size_t n = 0;
	int rc, indexed;
	enum cdn_index ix;

	if ((rc = parse_bounds(q, &b)) != 0)
		return rc;
	if (q->after) {
		struct cdn_id aid;

		if (cdn_id_parse(q->after, &aid) != 0)
			return cdn_error_set(CDN_EUSAGE, "after", "'%.40s' is not a record id", q->after);
		if (aid.kind != q->kind)
			return cdn_error_set(CDN_EUSAGE, "after", "%s is not a %s id", q->after,
			    cdn_kind_info(q->kind)->name);
		after = aid.seq;
	}
	if (q->nwhere && (b.w = calloc(q->nwhere, sizeof *b.w)) == NULL)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < q->nwhere; i++, b.nw++) {
		struct want *w = &b.w[i];

		w->c = &q->where[i];
		w->col = -1;
		if ((w->f = where_field(q->kind, q->where[i].path)) == NULL) {
			rc = cdn_error_set(CDN_EUSAGE, q->where[i].path, "no such field in %s records",
			    cdn_kind_info(q->kind)->name);
			goto out;
		}
		w->norm = compared_form(w->f, q->where[i].value);
		if ((ix = cdn_cond_index(q->kind, q->where[i].path)) != IX_NONE)
			w->keylen = cdn_index_key(ix, q->where[i].value, strlen(q->where[i].value),
			    w->key);
		/* A field compared as written can be answered from a column. */
		if (txn->qc && !w->norm) {
			w->col = cdn_qc_column(txn, q->kind, w->c->path);
			w->code = cdn_qc_string(txn, w->c->value, strlen(w->c->value));
		}
	}
	if (q->tag && cdn_cond_index(q->kind, "tags") == IX_TAG)
		b.tagkeylen = cdn_index_key(IX_TAG, q->tag, strlen(q->tag), b.tagkey);
	if ((indexed = plan(txn, q, &b, &cand)) < 0) {
		rc = indexed;
		goto out;
	}
	/* A cursor for the lookups; without one, records are read. */
	if (indexed && mdb_cursor_open(txn->txn, txn->st->idx, &b.probe) != 0)
		b.probe = NULL;
	if (indexed && b.srclen && (b.has_lo || b.has_hi) && cand.n >= TIMED_MIN)
		time_window(txn, q, &b, &cand);
	if (indexed) {
		for (size_t i = 0; i < cand.n && rc == 0 && (!q->limit || n < q->limit); i++)
			if (cand.v[i] > after)
				rc = visit(txn, q, &b, cand.v[i], NULL, 0, need, fn, arg, &n);
		goto out;
	}
	/* Scan the kind's key range. */
	unsigned char key[CDN_RKEY_LEN];
	struct cdn_id start = { q->kind, after + 1 };
	MDB_cursor *cur;
	MDB_val k = { CDN_RKEY_LEN, key }, v;

	cdn_rkey(start, key);
	if ((rc = mdb_cursor_open(txn->txn, txn->st->recs, &cur)) != 0) {
		rc = cdn_lmdb_error(txn, rc, "records");
		goto out;
	}
	int mrc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	rc = 0;
	while (mrc == 0 && rc == 0 && (!q->limit || n < q->limit)) {
		struct cdn_id id;

		if (cdn_rkey_id(k.mv_data, k.mv_size, &id) != 0 || id.kind != q->kind)
			break;
		rc = visit(txn, q, &b, id.seq, v.mv_data, v.mv_size, need, fn, arg, &n);
		mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
	}
	mdb_cursor_close(cur);
out:
	if (b.probe)
		mdb_cursor_close(b.probe);
	if (b.zone)
		msgpack_zone_free(b.zone);
	free(b.win.v);
	free(cand.v);
	for (size_t i = 0; i < b.nw; i++)
		free(b.w[i].norm);
	free(b.w);
	return rc;
}

struct outer {
	cdn_record_fn fn;
	void *arg;
};

static int
outer_visit(void *arg, json_t *rec, enum cdn_kind kind, uint64_t seq)
{
	struct outer *o = arg;

	(void)kind;
	(void)seq;
	return o->fn(o->arg, rec);
}

int
cdn_query_run(struct cdn_txn *txn, const struct cdn_query *q, cdn_record_fn fn, void *arg)
{
	struct outer o = { fn, arg };

	return run(txn, q, 1, outer_visit, &o);
}

static int
count_visit(void *arg, json_t *rec, enum cdn_kind kind, uint64_t seq)
{
	(void)rec;
	(void)kind;
	(void)seq;
	(*(size_t *)arg)++;
	return 0;
}

int
cdn_query_count(struct cdn_txn *txn, const struct cdn_query *q, size_t *count)
{
	*count = 0;
	if (!q->nwhere && !q->tag && !q->linked && !q->after && !q->examine) {
		struct bounds b;
		unsigned char lo[9], hi[9];
		int rc;

		/* Every record of the kind: the store keeps their number. */
		if (!q->since && !q->until)
			return cdn_kind_count(txn, q->kind, count);
		/* Seizures in a window: the date index counts them (it holds
		 * seizures' instants only). */
		if (q->kind == CDN_SEIZURE) {
			if ((rc = parse_bounds(q, &b)) != 0)
				return rc;
			window_keys(&b, lo, hi);
			if ((*count = window_count(txn, lo, hi, SIZE_MAX)) != SIZE_MAX)
				return 0;
			*count = 0;
		}
	}
	return run(txn, q, 0, count_visit, count);
}

struct stats_run {
	struct cdn_txn *txn;
	const char *path;
	int col;
	struct cdn_stats *s;
};

static int
stats_visit(void *arg, json_t *rec, enum cdn_kind kind, uint64_t seq)
{
	struct stats_run *r = arg;
	struct cdn_stats *s = r->s;
	json_t *own = NULL;
	uint32_t code = CDN_QV_UNKNOWN;
	double x;

	/* A value the cache could not hold (out of room) is read from the
	 * record. */
	if (!rec && (code = cdn_qc_value(r->txn, kind, r->col, seq, &x)) == CDN_QV_UNKNOWN) {
		struct cdn_id id = { kind, seq };

		if (cdn_qc_record(r->txn, id, &own) != 0) {
			cdn_error_clear();
			return 0;
		}
		rec = own;
	}
	if (rec) {
		json_t *v = cdn_json_path(rec, r->path);
		int num = json_is_number(v);

		if (num)
			x = json_number_value(v);
		json_decref(own);
		if (!num)
			return 0;
	} else if (code != CDN_QV_NUMBER) {
		return 0;
	}
	if (s->n == 0 || x < s->min)
		s->min = x;
	if (s->n == 0 || x > s->max)
		s->max = x;
	s->n++;
	s->sum += x;
	s->sumsq += x * x;
	return 0;
}

int
cdn_query_stats(struct cdn_txn *txn, const struct cdn_query *q, const char *path,
    struct cdn_stats *out)
{
	struct stats_run r = { txn, path, -1, out };

	memset(out, 0, sizeof *out);
	if (txn->qc)
		r.col = cdn_qc_column(txn, q->kind, path);
	/* With a column, a matching record need not be read for its value;
	 * a value the column cannot hold (not a number) reads the record. */
	return run(txn, q, r.col < 0, stats_visit, &r);
}

int
cdn_scan_raw(struct cdn_txn *txn, enum cdn_kind kind, cdn_raw_fn fn, void *arg)
{
	unsigned char key[CDN_RKEY_LEN];
	struct cdn_id start = { kind, 0 };
	MDB_cursor *cur;
	MDB_val k = { CDN_RKEY_LEN, key }, v;
	int rc, mrc;

	cdn_rkey(start, key);
	if ((rc = mdb_cursor_open(txn->txn, txn->st->recs, &cur)) != 0)
		return cdn_lmdb_error(txn, rc, "records");
	rc = 0;
	for (mrc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); mrc == 0 && rc == 0;
	    mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (((unsigned char *)k.mv_data)[0] != key[0])
			break;
		rc = fn(arg, v.mv_data, v.mv_size);
	}
	mdb_cursor_close(cur);
	return rc;
}

/* --- search -------------------------------------------------------------- */

struct words {
	char w[16][65];
	size_t n;
};

static int
add_word(void *arg, const char *w, size_t len)
{
	struct words *ws = arg;

	if (ws->n == 16)
		return 0;
	if (len > 64)
		len = 64;
	memcpy(ws->w[ws->n], w, len);
	ws->w[ws->n][len] = '\0';
	ws->n++;
	return 0;
}

/* Record keys (as 9-byte keys packed in a seqs of kind<<56|seq) under
 * words starting with `prefix`, or exactly `prefix`. */
static int
word_postings(struct cdn_txn *txn, const char *word, int prefix, struct seqs *out)
{
	unsigned char key[CDN_IKEY_MAX];
	size_t n = cdn_index_key(IX_WORD, word, strlen(word), key);
	MDB_cursor *cur;
	MDB_val k = { n, key }, v;
	int rc;

	if ((rc = mdb_cursor_open(txn->txn, txn->st->idx, &cur)) != 0)
		return cdn_lmdb_error(txn, rc, "index");
	rc = mdb_cursor_get(cur, &k, &v, prefix ? MDB_SET_RANGE : MDB_SET_KEY);
	while (rc == 0) {
		if (k.mv_size < n || memcmp(k.mv_data, key, n) != 0)
			break;
		rc = mdb_cursor_get(cur, &k, &v, MDB_GET_MULTIPLE);
		while (rc == 0) {
			const unsigned char *p = v.mv_data;

			for (size_t i = 0; i < v.mv_size / CDN_RKEY_LEN; i++, p += CDN_RKEY_LEN) {
				char letter[2] = { (char)p[0], 0 };
				int kind = cdn_kind_parse(letter);

				if (kind >= 0 && seqs_add(out, (uint64_t)kind << 56 | cdn_get_be64(p + 1))) {
					mdb_cursor_close(cur);
					return CDN_ENOMEM;
				}
			}
			rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT_MULTIPLE);
		}
		if (!prefix)
			break;
		rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT_NODUP);
	}
	mdb_cursor_close(cur);
	seqs_sort_unique(out);
	return 0;
}

/*
 * Entities carrying `text` as an identifier of any type, in its normal
 * form: an IBAN typed without its spaces, an IMO number without "IMO".
 * Added to `out` (kind-tagged sequences, as word_postings makes).
 */
static int
ident_postings(struct cdn_txn *txn, const char *text, struct seqs *out)
{
	const struct cdn_field *ids = cdn_schema_lookup(CDN_ENTITY, "identifiers");
	unsigned char key[CDN_IKEY_MAX];
	struct seqs found = { 0 };
	int rc = 0;

	if (!ids || !ids->sub || strlen(text) + 32 > CDN_IKEY_MAX)
		return 0;
	for (const struct cdn_field *f = ids->sub; f->name && rc == 0; f++) {
		size_t n = cdn_ident_key(f->name, text, key);

		found.n = 0;
		if ((rc = collect(txn, CDN_ENTITY, key, n, NULL, 0, &found)) != 0)
			break;
		for (size_t i = 0; i < found.n && rc == 0; i++)
			rc = seqs_add(out, (uint64_t)CDN_ENTITY << 56 | found.v[i]);
	}
	free(found.v);
	seqs_sort_unique(out);
	return rc;
}

int
cdn_search(struct cdn_txn *txn, const char *text, size_t limit, json_t **out)
{
	struct words ws = { .n = 0 };
	struct seqs acc = { 0 }, next = { 0 };
	char *folded;
	int rc = 0;

	*out = NULL;
	if ((folded = cdn_fold(text)) == NULL)
		return cdn_error_set(CDN_EINVAL, NULL, "search text is not valid UTF-8");
	cdn_fold_words(folded, add_word, &ws);
	free(folded);
	if (ws.n == 0)
		return cdn_error_set(CDN_EINVAL, NULL, "nothing to search for: give at least one word");
	for (size_t i = 0; i < ws.n && rc == 0; i++) {
		/* Every word must match exactly, except the last, which may be
		 * the start of a word (search as you type). One-letter words
		 * are not indexed: they only narrow through the others. */
		if (strlen(ws.w[i]) < 2 && ws.n > 1)
			continue;
		next.n = 0;
		if ((rc = word_postings(txn, ws.w[i], i == ws.n - 1, &next)) != 0)
			break;
		if (acc.v == NULL) {
			struct seqs t = acc;

			acc = next;
			next = t;
			if (!acc.v && (acc.v = malloc(8)) == NULL)
				rc = CDN_ENOMEM;
			continue;
		}
		size_t w = 0, a = 0, b = 0;

		while (a < acc.n && b < next.n) {
			if (acc.v[a] < next.v[b])
				a++;
			else if (acc.v[a] > next.v[b])
				b++;
			else {
				acc.v[w++] = acc.v[a];
				a++;
				b++;
			}
		}
		acc.n = w;
	}
	/* The text as a whole may be an identifier written another way. */
	next.n = 0;
	if (rc == 0 && (rc = ident_postings(txn, text, &next)) == 0 && next.n > 0) {
		for (size_t i = 0; i < next.n && rc == 0; i++)
			rc = seqs_add(&acc, next.v[i]);
		seqs_sort_unique(&acc);
	}
	if (rc == 0) {
		*out = json_array();
		for (size_t i = 0; i < acc.n && (!limit || i < limit); i++) {
			struct cdn_id id = { (enum cdn_kind)(acc.v[i] >> 56), acc.v[i] & ((1ULL << 56) - 1) };
			const char *json;
			size_t len;
			json_t *rec;

			/* The index and the records are one snapshot: an
			 * entry without its record is damage, named. */
			if ((rc = cdn_record_get_raw(txn, id, &json, &len)) != 0 ||
			    (rc = cdn_json_decode_record(id, json, len, &rec)) != 0)
				break;
			json_array_append_new(*out, rec);
		}
		if (rc != 0) {
			json_decref(*out);
			*out = NULL;
		}
	}
	free(acc.v);
	free(next.v);
	return rc;
}

/* --- which field matched -------------------------------------------------- */

struct match {
	struct words ws;
	const char *text;	/* the search as typed, for identifiers */
	int best;		/* words the best field holds; more for an identifier */
	char path[128];
	json_t *value;		/* the best field's value (borrowed) */
	uint32_t seen;		/* words found in the field being looked at */
};

static int
match_word(void *arg, const char *w, size_t len)
{
	struct match *m = arg;

	for (size_t i = 0; i < m->ws.n; i++) {
		size_t qlen = strlen(m->ws.w[i]);

		if (m->seen & (1u << i))
			continue;
		/* As the search takes them: the last word may be a prefix. */
		if ((len == qlen || (i == m->ws.n - 1 && len > qlen)) && memcmp(w, m->ws.w[i], qlen) == 0)
			m->seen |= 1u << i;
	}
	return 0;
}

static void
match_value(struct match *m, const struct cdn_field *f, json_t *v, const char *path)
{
	const char *s = json_string_value(v);
	int score = 0;

	if (f->index == IX_IDENT) {
		char a[CDN_IKEY_MAX], b[CDN_IKEY_MAX];

		cdn_ident_norm(f->name, s, a, sizeof a);
		cdn_ident_norm(f->name, m->text, b, sizeof b);
		if (strcmp(a, b) == 0)
			score = (int)m->ws.n + 1;
	}
	if (!score) {
		char *folded = cdn_fold(s);

		m->seen = 0;
		if (folded)
			cdn_fold_words(folded, match_word, m);
		free(folded);
		for (size_t i = 0; i < m->ws.n; i++)
			score += (m->seen >> i) & 1;
	}
	if (score > m->best) {
		m->best = score;
		snprintf(m->path, sizeof m->path, "%s", path);
		m->value = v;
	}
}

static void
match_walk(struct match *m, const struct cdn_field *f, json_t *v, const char *path)
{
	char sub[128];
	size_t i;
	json_t *item;

	switch (f->type) {
	case FT_OBJECT:
		for (const struct cdn_field *s = f->sub; s && s->name; s++) {
			json_t *sv = json_object_get(v, s->name);

			snprintf(sub, sizeof sub, "%s.%s", path, s->name);
			if (sv)
				match_walk(m, s, sv, sub);
		}
		break;
	case FT_ARRAY:
		json_array_foreach(v, i, item)
			match_walk(m, f->sub, item, path);
		break;
	default:
		if ((f->flags & F_SEARCH) && json_is_string(v))
			match_value(m, f, v, path);
	}
}

json_t *
cdn_search_match(json_t *rec, const char *text)
{
	int kind = cdn_kind_parse(json_string_value(json_object_get(rec, "kind")) ?
	    json_string_value(json_object_get(rec, "kind")) : "");
	struct match m = { .text = text };
	char *folded;

	if (kind < 0 || (folded = cdn_fold(text)) == NULL)
		return NULL;
	cdn_fold_words(folded, add_word, &m.ws);
	free(folded);
	/* One-letter words only narrow a search of several: skip them here. */
	if (m.ws.n > 1) {
		size_t w = 0;

		for (size_t i = 0; i < m.ws.n; i++)
			if (strlen(m.ws.w[i]) >= 2)
				memmove(m.ws.w[w++], m.ws.w[i], sizeof m.ws.w[i]);
		m.ws.n = w;
	}
	for (const struct cdn_field *f = cdn_schema_fields((enum cdn_kind)kind); f->name; f++) {
		json_t *v = json_object_get(rec, f->name);

		if (v)
			match_walk(&m, f, v, f->name);
	}
	if (!m.best)
		return NULL;
	return json_pack("{s:s,s:O}", "field", m.path, "text", m.value);
}
