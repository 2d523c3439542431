/*
 * stats.c - records counted in groups (stats.h).
 *
 * From the indexes: an exact index key lists, in one LMDB duplicate set,
 * every record holding that value. Walking all the keys of a field's
 * index gives each record's value without reading the record; walking
 * the date index gives each seizure's instant, so its month. Every group
 * key becomes an array of value numbers by record sequence, every filter
 * a pass that counts, per record, the filters it meets; one pass over
 * the sequences then counts the groups. The cost is one read of each
 * index involved, a few bytes per record, and no JSON.
 *
 * Otherwise the query machinery selects the records (by an index where
 * it can) and each is read for its values, up to a budget, so that a
 * question about a million records without an index is refused rather
 * than holding a server thread for seconds.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cordon/check.h"
#include "cordon/stats.h"
#include "grow.h"
#include "internal.h"
#include "json.h"
#include "schema.h"

/* --- the values of a group key --------------------------------------------- */

struct dim {
	const char *path;	/* the field, or NULL for the month */
	enum cdn_index ix;	/* the exact index that alone answers it, or IX_NONE */
	char **val;		/* value number - 1 → text */
	size_t nval, capval;
	uint32_t *slot;		/* hash table of value numbers (0: empty) */
	size_t nslot;
	uint32_t *rank;		/* value number → its place in key order */
	uint32_t *code;		/* from the indexes: sequence → value number */
	int last_month;		/* the month the last date key was in, and its number */
	uint32_t last_code;
};

static uint64_t
hash_bytes(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a */

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

/* The number of value `s` (`len` bytes), given one if new; 0 if out of
 * memory. */
static uint32_t
dim_value(struct dim *d, const char *s, size_t len)
{
	size_t i;

	if (d->nval * 2 + 2 > d->nslot) {
		size_t n = d->nslot ? d->nslot * 2 : 64;
		uint32_t *slot = calloc(n, sizeof *slot);

		if (!slot)
			return 0;
		for (size_t j = 0; j < d->nslot; j++) {
			uint32_t v = d->slot[j];

			if (!v)
				continue;
			i = hash_bytes(d->val[v - 1], strlen(d->val[v - 1])) & (n - 1);
			while (slot[i])
				i = (i + 1) & (n - 1);
			slot[i] = v;
		}
		free(d->slot);
		d->slot = slot;
		d->nslot = n;
	}
	for (i = hash_bytes(s, len) & (d->nslot - 1); d->slot[i]; i = (i + 1) & (d->nslot - 1)) {
		const char *v = d->val[d->slot[i] - 1];

		if (strlen(v) == len && memcmp(v, s, len) == 0)
			return d->slot[i];
	}
	if (d->nval >= UINT32_MAX - 1 ||
	    cdn_grow(&d->val, &d->capval, d->nval + 1, sizeof *d->val, 16) != 0 ||
	    (d->val[d->nval] = strndup(s, len)) == NULL)
		return 0;
	d->slot[i] = (uint32_t)++d->nval;
	return d->slot[i];
}

static void
dim_free(struct dim *d)
{
	for (size_t i = 0; i < d->nval; i++)
		free(d->val[i]);
	free(d->val);
	free(d->slot);
	free(d->rank);
	free(d->code);
}

/* Days since 1970-01-01 → the month number year * 12 + month - 1
 * (H. Hinnant's civil_from_days). */
static int
month_of(int64_t t)
{
	int64_t z = (t >= 0 ? t : t - 86399) / 86400 + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;
	int64_t y = yoe + era * 400 + (m <= 2);

	return (int)(y * 12 + m - 1);
}

static uint32_t
month_value(struct dim *d, int month)
{
	char buf[16];
	int n;

	if (d->last_code && d->last_month == month)
		return d->last_code;
	n = snprintf(buf, sizeof buf, "%04d-%02d", month / 12, month % 12 + 1);
	d->last_month = month;
	d->last_code = dim_value(d, buf, (size_t)n);
	return d->last_code;
}

/* --- counting groups ------------------------------------------------------- */

struct group {
	uint32_t code[CDN_GROUP_KEYS];
	uint32_t rank[CDN_GROUP_KEYS];
	size_t count;
};

struct counts {
	struct group *g;
	size_t n, cap;
	uint32_t *slot;		/* hash table of group numbers (0: empty) */
	size_t nslot;
};

/* MurmurHash3's finaliser: every bit of the pair moves the low bits. */
static uint64_t
pair_hash(uint32_t a, uint32_t b)
{
	uint64_t x = (uint64_t)a << 32 | b;

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	return x ^ (x >> 33);
}

static int
counts_add(struct counts *c, uint32_t a, uint32_t b, size_t n)
{
	size_t i;

	if (c->n * 2 + 2 > c->nslot) {
		size_t ns = c->nslot ? c->nslot * 2 : 256;
		uint32_t *slot = calloc(ns, sizeof *slot);

		if (!slot)
			return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		for (size_t j = 0; j < c->nslot; j++) {
			struct group *g;

			if (!c->slot[j])
				continue;
			g = &c->g[c->slot[j] - 1];
			i = pair_hash(g->code[0], g->code[1]) & (ns - 1);
			while (slot[i])
				i = (i + 1) & (ns - 1);
			slot[i] = c->slot[j];
		}
		free(c->slot);
		c->slot = slot;
		c->nslot = ns;
	}
	for (i = pair_hash(a, b) & (c->nslot - 1); c->slot[i]; i = (i + 1) & (c->nslot - 1)) {
		struct group *g = &c->g[c->slot[i] - 1];

		if (g->code[0] == a && g->code[1] == b) {
			g->count += n;
			return 0;
		}
	}
	if (c->n >= UINT32_MAX - 1 || cdn_grow(&c->g, &c->cap, c->n + 1, sizeof *c->g, 64) != 0)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	c->g[c->n] = (struct group){ { a, b }, { 0, 0 }, n };
	c->slot[i] = (uint32_t)++c->n;
	return 0;
}

/* --- what a key or filter is ------------------------------------------------ */

/* 0 if `c` names a value its field may hold: any, unless the field is an
 * enum (or an array of one). */
static int
enum_value_check(enum cdn_kind kind, const struct cdn_cond *c)
{
	const struct cdn_field *f = cdn_schema_lookup(kind, c->path);
	char list[256];
	size_t n = 0;

	if (f && f->type == FT_ARRAY && f->sub)
		f = f->sub;
	if (!f || f->type != FT_ENUM || !f->values)
		return 0;
	if ((f->flags & F_CUSTOM) && strncmp(c->value, "x-", 2) == 0)
		return 0;
	for (const char *const *v = f->values; *v; v++) {
		if (strcmp(*v, c->value) == 0)
			return 0;
		if (n < sizeof list)
			n += (size_t)snprintf(list + n, sizeof list - n, "%s%s", n ? ", " : "", *v);
	}
	return cdn_error_set(CDN_EUSAGE, c->path, "%s is one of %s", c->path, list);
}

/* The field giving the instant a record is placed at by `month`. */
static const char *
instant_field(enum cdn_kind kind)
{
	return kind == CDN_SEIZURE ? "occurred_at" : kind == CDN_ALERT ? "raised_at" : "created_at";
}

/* --- from the indexes ------------------------------------------------------- */

/*
 * Visit the records of `kind` under index keys: exactly `lo` (exact), or
 * from `lo` on while keys start with its first byte and are at most `hi`
 * (NULL: no bound). `kf` (may be NULL) sees each key first: 0 to visit
 * its records, > 0 to skip them, < 0 to stop with that error; `sf` sees
 * each record's sequence.
 */
typedef int (*key_fn)(void *arg, const unsigned char *key, size_t len);
typedef int (*seq_fn)(void *arg, uint64_t seq);

static int
walk(struct cdn_txn *txn, enum cdn_kind kind, const unsigned char *lo, size_t lolen,
    const unsigned char *hi, size_t hilen, int exact, key_fn kf, seq_fn sf, void *arg)
{
	unsigned char letter = (unsigned char)cdn_kind_info(kind)->letter;
	MDB_cursor *cur;
	MDB_val k = { lolen, (void *)lo }, v;
	int rc, r;

	if ((rc = mdb_cursor_open(txn->txn, txn->st->idx, &cur)) != 0)
		return cdn_lmdb_error(txn, rc, "index");
	rc = mdb_cursor_get(cur, &k, &v, exact ? MDB_SET_KEY : MDB_SET_RANGE);
	while (rc == 0) {
		const unsigned char *key = k.mv_data;

		if (!exact) {
			if (k.mv_size == 0 || key[0] != lo[0])
				break;
			if (hi) {
				size_t m = k.mv_size < hilen ? k.mv_size : hilen;
				int c = memcmp(key, hi, m);

				if (c > 0 || (c == 0 && k.mv_size > hilen))
					break;
			}
		}
		r = kf ? kf(arg, key, k.mv_size) : 0;
		if (r < 0) {
			mdb_cursor_close(cur);
			return r;
		}
		if (r == 0) {
			/* DUPFIXED: a page of record keys at a time. */
			rc = mdb_cursor_get(cur, &k, &v, MDB_GET_MULTIPLE);
			while (rc == 0) {
				const unsigned char *p = v.mv_data;

				for (size_t i = 0; i < v.mv_size / CDN_RKEY_LEN; i++, p += CDN_RKEY_LEN)
					if (p[0] == letter && (r = sf(arg, cdn_get_be64(p + 1))) != 0) {
						mdb_cursor_close(cur);
						return r;
					}
				rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT_MULTIPLE);
			}
		}
		if (exact)
			break;
		rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT_NODUP);
	}
	mdb_cursor_close(cur);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return cdn_lmdb_error(txn, rc, "index");
	return 0;
}

struct fast {
	uint64_t nseq;		/* sequences are below this */
	unsigned char *mark;	/* per record: the filters it meets */
	unsigned nfilters;
	size_t matched;		/* records meeting them all */
	struct dim *d;		/* the group key being read */
	int time_filter;	/* the date walk is also the since/until filter */
};

static int
mark_seq(void *arg, uint64_t seq)
{
	struct fast *f = arg;

	if (seq < f->nseq && ++f->mark[seq] == f->nfilters)
		f->matched++;
	return 0;
}

static int
field_key(void *arg, const unsigned char *key, size_t len)
{
	struct fast *f = arg;

	if ((f->d->last_code = dim_value(f->d, (const char *)key + 1, len - 1)) == 0)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	return 0;
}

static int
date_key(void *arg, const unsigned char *key, size_t len)
{
	struct fast *f = arg;
	int64_t t;

	if (len != 9)
		return 1;
	t = cdn_time_unkey(key + 1);
	if (month_value(f->d, month_of(t)) == 0)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	return 0;
}

static int
code_seq(void *arg, uint64_t seq)
{
	struct fast *f = arg;

	if (seq < f->nseq) {
		f->d->code[seq] = f->d->last_code;
		if (f->time_filter && ++f->mark[seq] == f->nfilters)
			f->matched++;
	}
	return 0;
}

static int
from_indexes(struct cdn_txn *txn, const struct cdn_group_query *g, struct dim *dims,
    int64_t lo, int64_t hi, int timed, struct counts *c, size_t *total)
{
	const struct cdn_query *q = &g->q;
	unsigned char key[CDN_IKEY_MAX], dlo[9], dhi[9];
	struct fast f = { 0 };
	int rc = 0, month_dim = -1;

	f.nseq = cdn_txn_peek_seq(txn, q->kind);
	f.nfilters = (unsigned)q->nwhere + (q->tag != NULL) + (timed != 0);
	for (size_t i = 0; i < g->nby; i++)
		if (!dims[i].path)
			month_dim = (int)i;
	dlo[0] = dhi[0] = IX_DATE;
	cdn_time_key(lo, dlo + 1);
	cdn_time_key(hi, dhi + 1);
	if (f.nfilters && (f.mark = calloc(f.nseq, 1)) == NULL)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < q->nwhere && rc == 0; i++) {
		enum cdn_index ix = cdn_cond_index(q->kind, q->where[i].path);
		size_t n = cdn_index_key(ix, q->where[i].value, strlen(q->where[i].value), key);

		rc = walk(txn, q->kind, key, n, NULL, 0, 1, NULL, mark_seq, &f);
	}
	if (rc == 0 && q->tag) {
		size_t n = cdn_index_key(IX_TAG, q->tag, strlen(q->tag), key);

		rc = walk(txn, q->kind, key, n, NULL, 0, 1, NULL, mark_seq, &f);
	}
	/* A time window without a month to group by: the date index marks. */
	if (rc == 0 && timed && month_dim < 0)
		rc = walk(txn, q->kind, dlo, 9, dhi, 9, 0, NULL, mark_seq, &f);
	for (size_t i = 0; i < g->nby && rc == 0; i++) {
		f.d = &dims[i];
		if ((f.d->code = calloc(f.nseq, sizeof *f.d->code)) == NULL) {
			rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
			break;
		}
		if ((int)i == month_dim) {
			f.time_filter = timed;
			rc = walk(txn, q->kind, dlo, 9, dhi, 9, 0, date_key, code_seq, &f);
			f.time_filter = 0;
		} else {
			key[0] = (unsigned char)f.d->ix;
			rc = walk(txn, q->kind, key, 1, NULL, 0, 0, field_key, code_seq, &f);
		}
	}
	if (rc == 0) {
		if (f.nfilters)
			*total = f.matched;
		else
			rc = cdn_kind_count(txn, q->kind, total);
	}
	for (uint64_t s = 1; s < f.nseq && rc == 0; s++) {
		uint32_t a, b = 0;

		if (f.nfilters && f.mark[s] != f.nfilters)
			continue;
		if ((a = dims[0].code[s]) == 0 || (g->nby > 1 && (b = dims[1].code[s]) == 0))
			continue;
		rc = counts_add(c, a, b, 1);
	}
	free(f.mark);
	return rc;
}

/* --- from the records -------------------------------------------------------- */

struct reading {
	const struct cdn_group_query *g;
	struct dim *dims;
	struct counts *c;
	size_t total, read, max;
};

static int
examine(void *arg, int parsed)
{
	struct reading *r = arg;

	return parsed && ++r->read > r->max ? 1 : 0;
}

/* The value number of group key `d` in `rec`: > 0, 0 if it has none,
 * (uint32_t)-1 if out of memory. */
static uint32_t
value_in(struct dim *d, enum cdn_kind kind, json_t *rec)
{
	char buf[64];
	const char *s;
	size_t len;
	json_t *v;
	int64_t t;
	uint32_t code;

	if (!d->path) {
		s = json_string_value(json_object_get(rec, instant_field(kind)));
		if (!s || cdn_time_parse(s, &t, NULL) != 0)
			return 0;
		code = month_value(d, month_of(t));
		return code ? code : (uint32_t)-1;
	}
	if ((v = cdn_json_path(rec, d->path)) == NULL)
		return 0;
	switch (json_typeof(v)) {
	case JSON_STRING:
		s = json_string_value(v);
		len = json_string_length(v);
		break;
	case JSON_INTEGER:
		len = (size_t)snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		s = buf;
		break;
	case JSON_REAL:
		len = (size_t)snprintf(buf, sizeof buf, "%.17g", json_real_value(v));
		s = buf;
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		s = json_is_true(v) ? "true" : "false";
		len = strlen(s);
		break;
	default:
		return 0;
	}
	code = dim_value(d, s, len);
	return code ? code : (uint32_t)-1;
}

static int
read_one(void *arg, json_t *rec)
{
	struct reading *r = arg;
	uint32_t code[CDN_GROUP_KEYS] = { 0, 0 };

	r->total++;
	for (size_t i = 0; i < r->g->nby; i++) {
		code[i] = value_in(&r->dims[i], r->g->q.kind, rec);
		if (code[i] == (uint32_t)-1)
			return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		if (code[i] == 0)
			return 0;
	}
	return counts_add(r->c, code[0], code[1], 1);
}

/* Records under index key `key` (of any kind), as the index counts them. */
static size_t
key_count(struct cdn_txn *txn, const unsigned char *key, size_t len)
{
	MDB_cursor *cur;
	MDB_val k = { len, (void *)key }, v;
	size_t n = 0;

	if (mdb_cursor_open(txn->txn, txn->st->idx, &cur) != 0)
		return SIZE_MAX;
	if (mdb_cursor_get(cur, &k, &v, MDB_SET_KEY) == 0 && mdb_cursor_count(cur, &n) != 0)
		n = SIZE_MAX;
	mdb_cursor_close(cur);
	return n;
}

/*
 * At most how many records a query reads, from the indexes' counts
 * alone (an index that only narrows bounds it too); SIZE_MAX if that is
 * not known without walking an index (a time window, a linked id).
 */
static size_t
read_bound(struct cdn_txn *txn, const struct cdn_query *q)
{
	unsigned char key[CDN_IKEY_MAX];
	size_t best = SIZE_MAX, n;

	for (size_t i = 0; i < q->nwhere; i++) {
		enum cdn_index ix = cdn_cond_index(q->kind, q->where[i].path);

		if (ix == IX_NONE)
			continue;
		n = key_count(txn, key, cdn_index_key(ix, q->where[i].value, strlen(q->where[i].value),
		    key));
		best = n < best ? n : best;
	}
	if (q->tag) {
		n = key_count(txn, key, cdn_index_key(IX_TAG, q->tag, strlen(q->tag), key));
		best = n < best ? n : best;
	}
	if (best == SIZE_MAX && !q->linked && !(q->kind == CDN_SEIZURE && (q->since || q->until)) &&
	    cdn_kind_count(txn, q->kind, &n) == 0)
		best = n;
	return best;
}

static int
from_records(struct cdn_txn *txn, const struct cdn_group_query *g, struct dim *dims,
    const char *why, struct counts *c, size_t *total, size_t *read)
{
	struct reading r = { g, dims, c, 0, 0, g->read_max ? g->read_max : CDN_GROUP_READ_MAX };
	struct cdn_query q = g->q;
	size_t bound = read_bound(txn, &g->q);
	int rc;

	/* Refused before reading, when the indexes tell it would be. */
	if (bound != SIZE_MAX && bound > r.max)
		return cdn_error_set(CDN_EINVAL, why, "%s has no index: counting these groups would "
		    "read %zu records, more than %zu; narrow the question (where, since, until)", why,
		    bound, r.max);
	q.limit = 0;
	q.after = NULL;
	q.examine = examine;
	q.examine_arg = &r;
	rc = cdn_query_run(txn, &q, read_one, &r);
	if (rc > 0)
		return cdn_error_set(CDN_EINVAL, why, "%s has no index: counting these groups would "
		    "read more than %zu records; narrow the question (where, since, until)", why, r.max);
	*total = r.total;
	*read = r.read;
	return rc;
}

/* --- the answer ---------------------------------------------------------------- */

/* A value made ready to order: record ids by their number, numbers by
 * value, the rest as text. */
struct sortkey {
	int type;		/* 0 text, 1 number, 2 record id */
	double num;		/* a number; an id's kind */
	uint64_t seq;		/* an id's sequence */
	const char *text;
	uint32_t code;
};

static void
sortkey_make(struct sortkey *k, const char *s, uint32_t code)
{
	struct cdn_id id;
	char *end;

	k->text = s;
	k->code = code;
	k->type = 0;
	/* Cheap tests first: an id is a capital letter and a dash. */
	if (s[0] >= 'A' && s[0] <= 'Z' && s[1] == '-') {
		if (cdn_id_parse(s, &id) == 0) {
			k->type = 2;
			k->num = id.kind;
			k->seq = id.seq;
			return;
		}
		cdn_error_clear();
	}
	if ((s[0] >= '0' && s[0] <= '9') || s[0] == '-') {
		k->num = strtod(s, &end);
		if (*end == '\0')
			k->type = 1;
	}
}

static int
cmp_sortkey(const void *x, const void *y)
{
	const struct sortkey *a = x, *b = y;

	if (a->type == b->type && a->type != 0) {
		if (a->num != b->num)
			return a->num < b->num ? -1 : 1;
		if (a->type == 2 && a->seq != b->seq)
			return a->seq < b->seq ? -1 : 1;
	}
	return strcmp(a->text, b->text);
}

/* Each value's place in key order. */
static int
rank(struct dim *d)
{
	struct sortkey *k = malloc((d->nval + 1) * sizeof *k);

	if (!k || (d->rank = calloc(d->nval + 1, sizeof *d->rank)) == NULL) {
		free(k);
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	}
	for (size_t i = 0; i < d->nval; i++)
		sortkey_make(&k[i], d->val[i], (uint32_t)i + 1);
	qsort(k, d->nval, sizeof *k, cmp_sortkey);
	for (size_t i = 0; i < d->nval; i++)
		d->rank[k[i].code] = (uint32_t)i;
	free(k);
	return 0;
}

static int
cmp_by_key(const void *x, const void *y)
{
	const struct group *a = x, *b = y;

	for (int i = 0; i < CDN_GROUP_KEYS; i++)
		if (a->rank[i] != b->rank[i])
			return a->rank[i] < b->rank[i] ? -1 : 1;
	return 0;
}

static int
cmp_by_count(const void *x, const void *y)
{
	const struct group *a = x, *b = y;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return cmp_by_key(x, y);
}

static json_t *
answer(const struct cdn_group_query *g, struct dim *dims, struct counts *c, size_t total,
    size_t read)
{
	json_t *out, *groups = json_array();
	size_t grouped = 0, others = 0;

	for (size_t i = 0; i < c->n; i++) {
		for (size_t k = 0; k < g->nby; k++)
			c->g[i].rank[k] = dims[k].rank[c->g[i].code[k]];
		grouped += c->g[i].count;
	}
	if (c->n > 1)
		qsort(c->g, c->n, sizeof *c->g, g->by_key ? cmp_by_key : cmp_by_count);
	for (size_t i = 0; i < c->n; i++) {
		json_t *key;

		if (g->limit && i >= g->limit) {
			others += c->g[i].count;
			continue;
		}
		key = json_array();
		for (size_t k = 0; k < g->nby; k++)
			json_array_append_new(key, json_string(dims[k].val[c->g[i].code[k] - 1]));
		json_array_append_new(groups, json_pack("{s:o,s:I}", "key", key, "count",
		    (json_int_t)c->g[i].count));
	}
	out = json_pack("{s:o,s:I,s:I,s:I,s:I}", "groups", groups, "total", (json_int_t)total,
	    "others", (json_int_t)others, "missing", (json_int_t)(total > grouped ? total - grouped : 0),
	    "read", (json_int_t)read);
	if (!out)
		cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	return out;
}

int
cdn_stats_group(struct cdn_txn *txn, const struct cdn_group_query *g, json_t **out)
{
	const struct cdn_query *q = &g->q;
	struct dim dims[CDN_GROUP_KEYS];
	struct counts c = { 0 };
	const char *why = NULL;
	int64_t lo = INT64_MIN, hi = INT64_MAX;
	size_t total = 0, read = 0;
	char whybuf[CDN_WHY_MAX];
	int rc = 0;

	*out = NULL;
	memset(dims, 0, sizeof dims);
	if (g->nby < 1 || g->nby > CDN_GROUP_KEYS)
		return cdn_error_set(CDN_EUSAGE, "by", "group by one or two keys");
	for (size_t i = 0; i < g->nby; i++) {
		const char *by = g->by[i];

		if (!by || !*by)
			return cdn_error_set(CDN_EUSAGE, "by", "a group key is empty");
		if (strcmp(by, "month") == 0) {
			/* Seizures' instants are indexed; the others' are not. */
			if (q->kind != CDN_SEIZURE && !why)
				why = instant_field(q->kind);
			continue;
		}
		if (!cdn_schema_single(q->kind, by))
			return cdn_error_set(CDN_EUSAGE, "by", "'%.60s' is not a field of %s records "
			    "holding one value (or month)", by, cdn_kind_info(q->kind)->name);
		dims[i].path = by;
		if ((dims[i].ix = cdn_value_index(q->kind, by)) == IX_NONE && !why)
			why = by;
	}
	if (g->nby == 2 && strcmp(g->by[0], g->by[1]) == 0)
		return cdn_error_set(CDN_EUSAGE, "by", "the two group keys are the same");
	/* The filters, checked as a list checks them, and a value an enum
	 * never takes refused, so that a misspelt status is not an empty
	 * answer. */
	for (size_t i = 0; i < q->nwhere; i++)
		if ((rc = enum_value_check(q->kind, &q->where[i])) != 0)
			return rc;
	if (q->since) {
		if (cdn_time_parse(q->since, &lo, whybuf) != 0)
			return cdn_error_set(CDN_EUSAGE, "since", "%s", whybuf);
	}
	if (q->until) {
		if (cdn_time_parse(q->until, &hi, whybuf) != 0)
			return cdn_error_set(CDN_EUSAGE, "until", "%s", whybuf);
		/* "until 2024-06-30" means to the end of that day. */
		if (strlen(q->until) == 10)
			hi += 86399;
	}
	if ((q->since || q->until) && q->kind != CDN_SEIZURE && !why)
		why = "since";
	for (size_t i = 0; i < q->nwhere && !why; i++)
		if (cdn_cond_index(q->kind, q->where[i].path) == IX_NONE)
			why = q->where[i].path;
	/* A record's count of filters met is a byte. */
	if (q->nwhere > 200 && !why)
		why = "where";
	if (q->linked && !why)
		why = "linked";
	if (g->read_all && !why)
		why = "by";

	if (!why)
		rc = from_indexes(txn, g, dims, lo, hi, q->since || q->until, &c, &total);
	else
		rc = from_records(txn, g, dims, why, &c, &total, &read);
	for (size_t i = 0; i < g->nby && rc == 0; i++)
		rc = rank(&dims[i]);
	if (rc == 0 && (*out = answer(g, dims, &c, total, read)) == NULL)
		rc = CDN_ENOMEM;
	for (size_t i = 0; i < g->nby; i++)
		dim_free(&dims[i]);
	free(c.g);
	free(c.slot);
	return rc;
}
