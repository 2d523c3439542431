/*
 * sorter.c - external merge sort of byte pairs (see sorter.h).
 *
 * Index entries repeat their keys: a category, a country, a common word
 * stands in front of thousands of record keys. So a buffer keeps each
 * distinct key once (a small hash table over a byte arena) and each pair
 * as a 16-byte entry: the key's number and the value as two integers.
 * A full buffer is sorted in two steps: its distinct keys by their bytes,
 * then the entries by (rank of the key, value), integer comparisons only.
 * It is then written to a temporary file as one run of plain pairs
 * ([u16 key length][u8 value length][key][value]), on a pool worker when
 * there is a pool, while the other buffer fills. Draining sorts what is
 * left in memory as the last run and merges all of them with a small heap,
 * on a worker too, feeding the pairs to the caller in chunks.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cordon/config.h"
#include "cordon/error.h"
#include "intern.h"
#include "pool.h"
#include "sorter.h"

#define HDR		3
#define IO_BUF		(256u << 10)	/* write buffer, and stdio buffer of a run */

/* A pair in a buffer. `key` is the key's number, then its rank once the
 * keys are sorted; the value is bytes 0..3 and 4..11, big-endian. */
struct ent {
	uint32_t key;
	uint32_t v0;
	uint64_t v1;
};

struct sbuf {
	struct cdn_intern keys;	/* the distinct keys */
	struct ent *ents;
	size_t n, cap;
	uint32_t *order;	/* after sorting: key numbers by rank */
	size_t ocap;
};

/* Sorting a full buffer and writing it out, on a worker. */
struct spill_job {
	struct cdn_job job;	/* first: the job is the spill */
	struct cdn_sorter *s;
	struct sbuf *b;
	FILE *run;		/* the run written, or NULL on failure */
	char err[160];
};

struct cdn_sorter {
	size_t cap;		/* bytes a buffer may use */
	size_t vlen;
	struct sbuf bufs[2];
	int cur;		/* the buffer being filled */
	struct cdn_pool *pool;
	struct spill_job spill;
	int busy;		/* spill submitted, not yet collected */
	size_t count;
	FILE **runs;
	size_t nruns;
};

struct run {
	FILE *f;		/* NULL: the in-memory buffer */
	const struct sbuf *b;
	size_t pos;
	uint64_t pfx;		/* the current key's first eight bytes */
	unsigned char buf[HDR + 65535 + 255];	/* the current pair */
};

static size_t
pair_len(const unsigned char *p)
{
	return HDR + ((size_t)p[0] << 8 | p[1]) + p[2];
}

static uint64_t
key_prefix(const unsigned char *key, size_t klen)
{
	uint64_t v = 0;

	for (size_t i = 0; i < 8; i++)
		v = v << 8 | (i < klen ? key[i] : 0);
	return v;
}

static int
bytes_cmp(const unsigned char *a, size_t al, const unsigned char *b, size_t bl)
{
	int c = memcmp(a, b, al < bl ? al : bl);

	return c ? c : (al > bl) - (al < bl);
}

static void
val_split(const unsigned char *v, size_t vlen, struct ent *e)
{
	unsigned char b[12] = { 0 };

	memcpy(b, v, vlen);
	e->v0 = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
	e->v1 = 0;
	for (int i = 4; i < 12; i++)
		e->v1 = e->v1 << 8 | b[i];
}

static void
val_join(const struct ent *e, size_t vlen, unsigned char *v)
{
	unsigned char b[12];

	for (int i = 0; i < 4; i++)
		b[i] = (unsigned char)(e->v0 >> (24 - 8 * i));
	for (int i = 0; i < 8; i++)
		b[4 + i] = (unsigned char)(e->v1 >> (56 - 8 * i));
	memcpy(v, b, vlen);
}

/* Bytes the buffer holds, counting the hash table at the two slots a key
 * it keeps at most (so a small cap is not spent on its least size). */
static size_t
buf_bytes(const struct sbuf *b)
{
	return b->keys.alen + b->keys.n * (sizeof(struct cdn_intern_key) + 2 * sizeof(uint32_t)) +
	    b->n * sizeof *b->ents;
}

static void
buf_reset(struct sbuf *b)
{
	cdn_intern_clear(&b->keys);
	b->n = 0;
}

static void
buf_free(struct sbuf *b)
{
	cdn_intern_free(&b->keys);
	free(b->ents);
	free(b->order);
	memset(b, 0, sizeof *b);
}

static int
grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t ncap = *cap ? *cap : 1024;
	void *np;

	if (need <= *cap)
		return 0;
	while (ncap < need)
		ncap *= 2;
	if ((np = realloc(*p, ncap * size)) == NULL)
		return -1;
	*p = np;
	*cap = ncap;
	return 0;
}

/* --- sorting a buffer -------------------------------------------------------- */

struct keysort {
	const struct sbuf *b;
	uint64_t *pfx;		/* by key number */
};

static int
key_less(const struct keysort *ks, uint32_t x, uint32_t y)
{
	const unsigned char *a, *c;
	size_t al, cl;

	if (ks->pfx[x] != ks->pfx[y])
		return ks->pfx[x] < ks->pfx[y];
	a = cdn_intern_bytes(&ks->b->keys, x, &al);
	c = cdn_intern_bytes(&ks->b->keys, y, &cl);
	return bytes_cmp(a, al, c, cl) < 0;
}

static int
ent_less(const struct ent *a, const struct ent *b)
{
	if (a->key != b->key)
		return a->key < b->key;
	if (a->v0 != b->v0)
		return a->v0 < b->v0;
	return a->v1 < b->v1;
}

/*
 * One quicksort for both arrays (median of three, smaller side first,
 * insertion sort for short ranges, heap sort past a depth only adversarial
 * input reaches), instantiated for each element type.
 */
#define DEFINE_SORT(NAME, T, LESS, CTX)						\
static void									\
NAME##_sift(CTX c, T *e, size_t n, size_t i)					\
{										\
	for (;;) {								\
		size_t l = 2 * i + 1, m = i;					\
		T t;								\
										\
		if (l < n && LESS(c, &e[m], &e[l]))				\
			m = l;							\
		if (l + 1 < n && LESS(c, &e[m], &e[l + 1]))			\
			m = l + 1;						\
		if (m == i)							\
			return;							\
		t = e[i]; e[i] = e[m]; e[m] = t;				\
		i = m;								\
	}									\
}										\
										\
static void									\
NAME(CTX c, T *e, size_t n, int depth)						\
{										\
	T t;									\
										\
	while (n > 16) {							\
		size_t mid = n / 2, i = 0, j = n - 1;				\
		T pivot;							\
										\
		if (depth-- == 0) {						\
			for (size_t k = n / 2; k-- > 0;)			\
				NAME##_sift(c, e, n, k);			\
			for (size_t k = n; k-- > 1;) {				\
				t = e[0]; e[0] = e[k]; e[k] = t;		\
				NAME##_sift(c, e, k, 0);			\
			}							\
			return;							\
		}								\
		if (LESS(c, &e[mid], &e[0])) {					\
			t = e[mid]; e[mid] = e[0]; e[0] = t;			\
		}								\
		if (LESS(c, &e[n - 1], &e[mid])) {				\
			t = e[n - 1]; e[n - 1] = e[mid]; e[mid] = t;		\
			if (LESS(c, &e[mid], &e[0])) {				\
				t = e[mid]; e[mid] = e[0]; e[0] = t;		\
			}							\
		}								\
		pivot = e[mid];							\
		for (;;) {							\
			while (LESS(c, &e[i], &pivot))				\
				i++;						\
			while (LESS(c, &pivot, &e[j]))				\
				j--;						\
			if (i >= j)						\
				break;						\
			t = e[i]; e[i] = e[j]; e[j] = t;			\
			i++;							\
			j--;							\
		}								\
		if (j + 1 < n - j - 1) {					\
			NAME(c, e, j + 1, depth);				\
			e += j + 1;						\
			n -= j + 1;						\
		} else {							\
			NAME(c, e + j + 1, n - j - 1, depth);			\
			n = j + 1;						\
		}								\
	}									\
	for (size_t k = 1; k < n; k++) {					\
		T x = e[k];							\
		size_t m = k;							\
										\
		for (; m > 0 && LESS(c, &x, &e[m - 1]); m--)			\
			e[m] = e[m - 1];					\
		e[m] = x;							\
	}									\
}

#define KEY_LESS(c, a, b)	key_less(c, *(a), *(b))
#define ENT_LESS(c, a, b)	((void)(c), ent_less(a, b))
DEFINE_SORT(sort_keys, uint32_t, KEY_LESS, const struct keysort *)
DEFINE_SORT(sort_ents, struct ent, ENT_LESS, const void *)

static int
depth_for(size_t n)
{
	int d = 0;

	for (; n > 1; n >>= 1)
		d += 2;
	return d;
}

/* Sort the buffer: keys by bytes, entries by (key rank, value). */
static int
sort_buf(struct sbuf *b)
{
	struct keysort ks = { b, NULL };
	uint32_t *rank;

	if (grow((void **)&b->order, &b->ocap, b->keys.n, sizeof *b->order) != 0 ||
	    (ks.pfx = malloc((b->keys.n + 1) * sizeof *ks.pfx)) == NULL)
		return -1;
	for (size_t k = 0; k < b->keys.n; k++) {
		size_t len;
		const unsigned char *key = cdn_intern_bytes(&b->keys, k, &len);

		b->order[k] = (uint32_t)k;
		ks.pfx[k] = key_prefix(key, len);
	}
	sort_keys(&ks, b->order, b->keys.n, depth_for(b->keys.n));
	/* The prefixes are done with: their room holds the ranks. */
	rank = (uint32_t *)ks.pfx;
	for (size_t r = 0; r < b->keys.n; r++)
		rank[b->order[r]] = (uint32_t)r;
	for (size_t i = 0; i < b->n; i++)
		b->ents[i].key = rank[b->ents[i].key];
	free(ks.pfx);
	sort_ents(NULL, b->ents, b->n, depth_for(b->n));
	return 0;
}

/* The i-th pair of a sorted buffer, written as [hdr][key][value] at `out`. */
static size_t
buf_pair(const struct sbuf *b, size_t vlen, size_t i, unsigned char *out)
{
	size_t klen;
	const unsigned char *key = cdn_intern_bytes(&b->keys, b->order[b->ents[i].key], &klen);

	out[0] = (unsigned char)(klen >> 8);
	out[1] = (unsigned char)klen;
	out[2] = (unsigned char)vlen;
	if (klen)
		memcpy(out + HDR, key, klen);
	val_join(&b->ents[i], vlen, out + HDR + klen);
	return HDR + klen + vlen;
}

/* Sort the buffer and write it to a new temporary file, rewound. On
 * failure NULL, with the reason in err. */
static FILE *
write_run(struct sbuf *b, size_t vlen, char *err, size_t errlen)
{
	unsigned char *out;
	size_t used = 0;
	FILE *f;
	int fd;

	if (sort_buf(b) != 0 || (out = malloc(IO_BUF)) == NULL) {
		snprintf(err, errlen, "sort run: out of memory");
		return NULL;
	}
	if ((fd = cdn_tmpfile("sort", NULL, NULL, 0)) < 0 || (f = fdopen(fd, "w+")) == NULL) {
		if (fd >= 0)
			close(fd);
		snprintf(err, errlen, "sort run: %s", strerror(errno));
		free(out);
		return NULL;
	}
	setvbuf(f, NULL, _IOFBF, IO_BUF);
	for (size_t i = 0; i < b->n; i++) {
		if (used + HDR + 65535 + CDN_SORTER_VAL_MAX > IO_BUF) {
			if (fwrite_unlocked(out, 1, used, f) != used)
				break;
			used = 0;
		}
		used += buf_pair(b, vlen, i, out + used);
	}
	if (used && !ferror(f))
		fwrite_unlocked(out, 1, used, f);
	free(out);
	if (ferror(f) || fflush(f) != 0 || fseeko(f, 0, SEEK_SET) != 0) {
		snprintf(err, errlen, "sort run: %s", strerror(errno));
		fclose(f);
		return NULL;
	}
	return f;
}

static void
spill_fn(struct cdn_job *job)
{
	struct spill_job *j = (struct spill_job *)job;

	j->run = write_run(j->b, j->s->vlen, j->err, sizeof j->err);
}

/* --- the sorter ------------------------------------------------------------ */

struct cdn_sorter *
cdn_sorter_new(size_t mem, size_t vlen, struct cdn_pool *pool)
{
	struct cdn_sorter *s;

	if (vlen == 0 || vlen > CDN_SORTER_VAL_MAX || (s = calloc(1, sizeof *s)) == NULL)
		return NULL;
	s->pool = pool;
	s->vlen = vlen;
	s->cap = mem / (pool ? 2 : 1);
	s->spill.job.fn = spill_fn;
	s->spill.s = s;
	return s;
}

/* The spill is done: keep its run and empty its buffer. */
static int
take_run(struct cdn_sorter *s)
{
	FILE **runs;

	buf_reset(s->spill.b);
	if (!s->spill.run)
		return cdn_error_set(CDN_EIO, NULL, "%s", s->spill.err);
	if ((runs = realloc(s->runs, (s->nruns + 1) * sizeof *runs)) == NULL) {
		fclose(s->spill.run);
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	}
	s->runs = runs;
	s->runs[s->nruns++] = s->spill.run;
	s->spill.run = NULL;
	return 0;
}

static int
collect(struct cdn_sorter *s)
{
	cdn_pool_wait(s->pool, &s->spill.job);
	s->busy = 0;
	return take_run(s);
}

static void
drop_runs(struct cdn_sorter *s)
{
	for (size_t i = 0; i < s->nruns; i++)
		fclose(s->runs[i]);
	free(s->runs);
	s->runs = NULL;
	s->nruns = 0;
}

void
cdn_sorter_free(struct cdn_sorter *s)
{
	if (!s)
		return;
	if (s->busy) {
		cdn_pool_wait(s->pool, &s->spill.job);
		if (s->spill.run)
			fclose(s->spill.run);
	}
	drop_runs(s);
	buf_free(&s->bufs[0]);
	buf_free(&s->bufs[1]);
	free(s);
}

size_t
cdn_sorter_count(const struct cdn_sorter *s)
{
	return s->count;
}

/* The current buffer is full: spill it, on a worker if there is a pool. */
static int
spill(struct cdn_sorter *s)
{
	int rc;

	if (s->busy && (rc = collect(s)) != 0)
		return rc;
	s->spill.b = &s->bufs[s->cur];
	s->spill.run = NULL;
	if (!s->pool) {
		spill_fn(&s->spill.job);
		return take_run(s);
	}
	cdn_pool_submit(s->pool, &s->spill.job);
	s->busy = 1;
	s->cur ^= 1;	/* empty: its spill was collected */
	return 0;
}

int
cdn_sorter_add(struct cdn_sorter *s, const void *key, size_t klen, const void *val)
{
	struct sbuf *b = &s->bufs[s->cur];
	int64_t k;
	int rc, added;

	if (klen > 65535)
		return cdn_error_set(CDN_EINVAL, NULL, "sort pair too large");
	if (b->n > 0 && buf_bytes(b) + klen + sizeof(struct cdn_intern_key) + sizeof(struct ent) > s->cap) {
		if ((rc = spill(s)) != 0)
			return rc;
		b = &s->bufs[s->cur];
	}
	if ((k = cdn_intern_add(&b->keys, key, klen, &added)) < 0 ||
	    grow((void **)&b->ents, &b->cap, b->n + 1, sizeof *b->ents) != 0)
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	b->ents[b->n].key = (uint32_t)k;
	val_split(val, s->vlen, &b->ents[b->n]);
	b->n++;
	s->count++;
	return 0;
}

/* --- merging ------------------------------------------------------------------ */

/* Load a run's next pair into its buffer; 0 when it is exhausted, -1 on
 * a short read. */
static int
run_next(struct run *r, size_t vlen)
{
	size_t len;

	if (!r->f) {
		if (r->pos == r->b->n)
			return 0;
		buf_pair(r->b, vlen, r->pos++, r->buf);
	} else {
		if (fread_unlocked(r->buf, 1, HDR, r->f) != HDR)
			return ferror(r->f) ? -1 : 0;
		len = pair_len(r->buf) - HDR;
		if (fread_unlocked(r->buf + HDR, 1, len, r->f) != len)
			return -1;
	}
	r->pfx = key_prefix(r->buf + HDR, (size_t)r->buf[0] << 8 | r->buf[1]);
	return 1;
}

static int
run_less(const struct run *a, const struct run *b)
{
	size_t ka, kb;
	int c;

	if (a->pfx != b->pfx)
		return a->pfx < b->pfx;
	ka = (size_t)a->buf[0] << 8 | a->buf[1];
	kb = (size_t)b->buf[0] << 8 | b->buf[1];
	if ((c = bytes_cmp(a->buf + HDR, ka, b->buf + HDR, kb)) != 0)
		return c < 0;
	return bytes_cmp(a->buf + HDR + ka, a->buf[2], b->buf + HDR + kb, b->buf[2]) < 0;
}

static void
heap_down(struct run **h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;

		if (l < n && run_less(h[l], h[m]))
			m = l;
		if (l + 1 < n && run_less(h[l + 1], h[m]))
			m = l + 1;
		if (m == i)
			return;
		struct run *t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

/* A k-way merge of the runs and the sorted in-memory buffer. */
struct merge {
	struct run *runs;
	struct run **heap;
	size_t n;
	size_t vlen;
	int started;
};

/* Start the merge; -1 if out of memory, -2 on a short read. */
static int
merge_start(struct merge *m, struct cdn_sorter *s)
{
	size_t nr = s->nruns + 1;
	int more;

	m->vlen = s->vlen;
	m->runs = calloc(nr, sizeof *m->runs);
	m->heap = calloc(nr, sizeof *m->heap);
	if (!m->runs || !m->heap || sort_buf(&s->bufs[s->cur]) != 0)
		return -1;
	for (size_t i = 0; i < nr; i++) {
		m->runs[i].f = i < s->nruns ? s->runs[i] : NULL;
		m->runs[i].b = &s->bufs[s->cur];
		if ((more = run_next(&m->runs[i], s->vlen)) < 0)
			return -2;
		if (more)
			m->heap[m->n++] = &m->runs[i];
	}
	for (size_t i = m->n; i-- > 0;)
		heap_down(m->heap, m->n, i);
	return 0;
}

/* The next pair in order ([hdr][key][value], valid until the next call):
 * 1, 0 at the end, or -2 on a short read. */
static int
merge_next(struct merge *m, const unsigned char **pair)
{
	int more;

	if (m->started && m->n > 0) {
		if ((more = run_next(m->heap[0], m->vlen)) < 0)
			return -2;
		if (!more)
			m->heap[0] = m->heap[--m->n];
		heap_down(m->heap, m->n, 0);
	}
	m->started = 1;
	if (m->n == 0)
		return 0;
	*pair = m->heap[0]->buf;
	return 1;
}

static void
merge_free(struct merge *m)
{
	free(m->runs);
	free(m->heap);
}

static int
merge_error(int r)
{
	return r == -1 ? cdn_error_set(CDN_ENOMEM, NULL, "out of memory") :
	    cdn_error_set(CDN_EIO, NULL, "sort run: short read");
}

/*
 * With worker threads, the merge runs on one of them and hands the pairs
 * over in chunks, so that the caller's thread does nothing but `fn` (the
 * index writes). A few chunks in flight keep both sides busy.
 */
#define CHUNK_BYTES	(512u << 10)
#define NCHUNKS		4

struct chunk {
	unsigned char *data;
	size_t len;
};

struct feed {
	struct cdn_job job;	/* first: the job is the feed */
	struct merge m;
	pthread_mutex_t lock;
	pthread_cond_t filled, emptied;
	struct chunk chunks[NCHUNKS];
	size_t head, tail;	/* chunks [head, tail) are full */
	int done;		/* the merge is over (or failed: err) */
	int err;
	int stop;		/* the consumer gave up */
};

static void
feed_fn(struct cdn_job *job)
{
	struct feed *f = (struct feed *)job;
	const unsigned char *p;
	int r = 1;

	while (r > 0) {
		struct chunk *c;

		pthread_mutex_lock(&f->lock);
		while (f->tail - f->head == NCHUNKS && !f->stop)
			pthread_cond_wait(&f->emptied, &f->lock);
		if (f->stop) {
			pthread_mutex_unlock(&f->lock);
			break;
		}
		c = &f->chunks[f->tail % NCHUNKS];
		pthread_mutex_unlock(&f->lock);
		c->len = 0;
		while (c->len + HDR + 65535 + CDN_SORTER_VAL_MAX <= CHUNK_BYTES &&
		    (r = merge_next(&f->m, &p)) > 0) {
			memcpy(c->data + c->len, p, pair_len(p));
			c->len += pair_len(p);
		}
		pthread_mutex_lock(&f->lock);
		if (c->len > 0)
			f->tail++;
		pthread_cond_signal(&f->filled);
		pthread_mutex_unlock(&f->lock);
	}
	pthread_mutex_lock(&f->lock);
	f->done = 1;
	f->err = r < 0 ? r : 0;
	pthread_cond_signal(&f->filled);
	pthread_mutex_unlock(&f->lock);
}

static int
drain_fed(struct cdn_sorter *s, struct feed *f, cdn_sorter_fn fn, void *arg)
{
	int rc = 0;

	pthread_mutex_init(&f->lock, NULL);
	pthread_cond_init(&f->filled, NULL);
	pthread_cond_init(&f->emptied, NULL);
	f->job.fn = feed_fn;
	for (int i = 0; i < NCHUNKS; i++)
		if ((f->chunks[i].data = malloc(CHUNK_BYTES)) == NULL)
			rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	if (rc == 0) {
		cdn_pool_submit(s->pool, &f->job);
		for (;;) {
			struct chunk *c;

			pthread_mutex_lock(&f->lock);
			while (f->head == f->tail && !f->done)
				pthread_cond_wait(&f->filled, &f->lock);
			if (f->head == f->tail) {
				pthread_mutex_unlock(&f->lock);
				break;
			}
			c = &f->chunks[f->head % NCHUNKS];
			pthread_mutex_unlock(&f->lock);
			for (size_t off = 0; off < c->len && rc == 0; off += pair_len(c->data + off)) {
				const unsigned char *p = c->data + off;
				size_t klen = (size_t)p[0] << 8 | p[1];

				rc = fn(arg, p + HDR, klen, p + HDR + klen, p[2]);
			}
			pthread_mutex_lock(&f->lock);
			f->head++;
			if (rc != 0)
				f->stop = 1;
			pthread_cond_signal(&f->emptied);
			pthread_mutex_unlock(&f->lock);
			if (rc != 0)
				break;
		}
		cdn_pool_wait(s->pool, &f->job);
		if (rc == 0 && f->err)
			rc = merge_error(f->err);
	}
	for (int i = 0; i < NCHUNKS; i++)
		free(f->chunks[i].data);
	pthread_cond_destroy(&f->filled);
	pthread_cond_destroy(&f->emptied);
	pthread_mutex_destroy(&f->lock);
	return rc;
}

int
cdn_sorter_drain(struct cdn_sorter *s, cdn_sorter_fn fn, void *arg)
{
	struct feed *f = NULL;
	struct merge m = { 0 };
	const unsigned char *p;
	int rc = 0, r;

	if (s->busy && (rc = collect(s)) != 0)
		goto out;
	if (s->pool && cdn_pool_threads(s->pool) > 0) {
		if ((f = calloc(1, sizeof *f)) == NULL) {
			rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
			goto out;
		}
		if ((r = merge_start(&f->m, s)) != 0)
			rc = merge_error(r);
		else
			rc = drain_fed(s, f, fn, arg);
		merge_free(&f->m);
		free(f);
		goto out;
	}
	if ((r = merge_start(&m, s)) != 0) {
		rc = merge_error(r);
		goto out;
	}
	while (rc == 0 && (r = merge_next(&m, &p)) > 0) {
		size_t klen = (size_t)p[0] << 8 | p[1];

		rc = fn(arg, p + HDR, klen, p + HDR + klen, p[2]);
	}
	if (rc == 0 && r < 0)
		rc = merge_error(r);
out:
	merge_free(&m);
	drop_runs(s);
	buf_reset(&s->bufs[0]);
	buf_reset(&s->bufs[1]);
	s->count = 0;
	return rc;
}
