/*
 * sorter.c - external merge sort of byte pairs (see sorter.h).
 *
 * A pair is stored as [u16 key length][u8 value length][key][value]. A
 * buffer fills with pairs and an entry for each: the first eight bytes of
 * its key as a big-endian integer, and its offset. Sorting compares the
 * integers and looks at the bytes only when they tie, so most comparisons
 * never leave the entry array. A full buffer is sorted and written to a
 * temporary file as one run (on a pool worker when there is a pool, while
 * the other buffer fills); draining sorts what is left in memory as the
 * last run and merges all of them with a small binary heap.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cordon/error.h"
#include "pool.h"
#include "sorter.h"

#define HDR		3
#define RUN_IO_BUF	(256u << 10)	/* stdio buffer of each run file */

struct ent {
	uint64_t pfx;
	uint64_t off;
};

struct sbuf {
	unsigned char *mem;
	size_t used;
	struct ent *ents;
	size_t n, cap;
};

/* Sorting a full buffer and writing it out, on a worker. */
struct spill_job {
	struct cdn_job job;	/* first: the job is the spill */
	struct sbuf *b;
	FILE *run;		/* the run written, or NULL on failure */
	char err[160];
};

struct cdn_sorter {
	size_t cap;		/* bytes of pairs a buffer holds */
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
	const unsigned char *cur;	/* current pair */
	uint64_t pfx;
	unsigned char buf[HDR + 65535 + 255];
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
pair_cmp(const unsigned char *a, const unsigned char *b)
{
	size_t ka = (size_t)a[0] << 8 | a[1], kb = (size_t)b[0] << 8 | b[1];
	int c = memcmp(a + HDR, b + HDR, ka < kb ? ka : kb);

	if (c || ka != kb)
		return c ? c : (ka < kb ? -1 : 1);
	c = memcmp(a + HDR + ka, b + HDR + kb, a[2] < b[2] ? a[2] : b[2]);
	return c ? c : (a[2] > b[2]) - (a[2] < b[2]);
}

/* --- sorting a buffer -------------------------------------------------------- */

static int
ent_less(const unsigned char *mem, const struct ent *a, const struct ent *b)
{
	if (a->pfx != b->pfx)
		return a->pfx < b->pfx;
	return pair_cmp(mem + a->off, mem + b->off) < 0;
}

static void
ent_swap(struct ent *a, struct ent *b)
{
	struct ent t = *a;

	*a = *b;
	*b = t;
}

static void
insertion_sort(const unsigned char *mem, struct ent *e, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct ent x = e[i];
		size_t j = i;

		for (; j > 0 && ent_less(mem, &x, &e[j - 1]); j--)
			e[j] = e[j - 1];
		e[j] = x;
	}
}

static void
sift_down(const unsigned char *mem, struct ent *e, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;

		if (l < n && ent_less(mem, &e[m], &e[l]))
			m = l;
		if (l + 1 < n && ent_less(mem, &e[m], &e[l + 1]))
			m = l + 1;
		if (m == i)
			return;
		ent_swap(&e[i], &e[m]);
		i = m;
	}
}

static void
heap_sort(const unsigned char *mem, struct ent *e, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
		sift_down(mem, e, n, i);
	for (size_t i = n; i-- > 1;) {
		ent_swap(&e[0], &e[i]);
		sift_down(mem, e, i, 0);
	}
}

/* Quicksort, median of three, smaller side first; heap sort past a depth
 * that only adversarial input reaches. */
static void
intro_sort(const unsigned char *mem, struct ent *e, size_t n, int depth)
{
	while (n > 16) {
		size_t mid = n / 2, i = 0, j = n - 1;
		struct ent pivot;

		if (depth-- == 0) {
			heap_sort(mem, e, n);
			return;
		}
		if (ent_less(mem, &e[mid], &e[0]))
			ent_swap(&e[mid], &e[0]);
		if (ent_less(mem, &e[n - 1], &e[mid])) {
			ent_swap(&e[n - 1], &e[mid]);
			if (ent_less(mem, &e[mid], &e[0]))
				ent_swap(&e[mid], &e[0]);
		}
		pivot = e[mid];
		for (;;) {
			while (ent_less(mem, &e[i], &pivot))
				i++;
			while (ent_less(mem, &pivot, &e[j]))
				j--;
			if (i >= j)
				break;
			ent_swap(&e[i], &e[j]);
			i++;
			j--;
		}
		/* [0, j] <= pivot <= [j + 1, n) */
		if (j + 1 < n - j - 1) {
			intro_sort(mem, e, j + 1, depth);
			e += j + 1;
			n -= j + 1;
		} else {
			intro_sort(mem, e + j + 1, n - j - 1, depth);
			n = j + 1;
		}
	}
	insertion_sort(mem, e, n);
}

static void
sort_buf(struct sbuf *b)
{
	int depth = 0;

	for (size_t n = b->n; n > 1; n >>= 1)
		depth += 2;
	intro_sort(b->mem, b->ents, b->n, depth);
}

/* Sort the buffer and write it to a new temporary file, rewound. On
 * failure NULL, with the reason in err. */
static FILE *
write_run(struct sbuf *b, char *err, size_t errlen)
{
	FILE *f;

	sort_buf(b);
	if ((f = tmpfile()) == NULL) {
		snprintf(err, errlen, "sort run: %s", strerror(errno));
		return NULL;
	}
	setvbuf(f, NULL, _IOFBF, RUN_IO_BUF);
	for (size_t i = 0; i < b->n; i++) {
		const unsigned char *p = b->mem + b->ents[i].off;
		size_t len = pair_len(p);

		if (fwrite_unlocked(p, 1, len, f) != len)
			break;
	}
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

	j->run = write_run(j->b, j->err, sizeof j->err);
}

/* --- the sorter ------------------------------------------------------------ */

struct cdn_sorter *
cdn_sorter_new(size_t mem, struct cdn_pool *pool)
{
	struct cdn_sorter *s = calloc(1, sizeof *s);
	int nbuf = pool ? 2 : 1;

	if (!s)
		return NULL;
	s->pool = pool;
	s->cap = mem / (size_t)nbuf;
	if (s->cap < 4096)
		s->cap = 4096;
	s->spill.job.fn = spill_fn;
	for (int i = 0; i < nbuf; i++)
		if ((s->bufs[i].mem = malloc(s->cap)) == NULL) {
			cdn_sorter_free(s);
			return NULL;
		}
	return s;
}

/* The spill is done: keep its run and empty its buffer. */
static int
take_run(struct cdn_sorter *s)
{
	struct sbuf *b = s->spill.b;
	FILE **runs;

	b->used = 0;
	b->n = 0;
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
	for (int i = 0; i < 2; i++) {
		free(s->bufs[i].mem);
		free(s->bufs[i].ents);
	}
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
	struct sbuf *b = &s->bufs[s->cur];
	int rc;

	if (s->pool) {
		if (s->busy && (rc = collect(s)) != 0)
			return rc;
		s->spill.b = b;
		s->spill.run = NULL;
		cdn_pool_submit(s->pool, &s->spill.job);
		s->busy = 1;
		s->cur ^= 1;	/* empty: its spill was collected */
		return 0;
	}
	s->spill.b = b;
	spill_fn(&s->spill.job);
	return take_run(s);
}

int
cdn_sorter_add(struct cdn_sorter *s, const void *key, size_t klen,
    const void *val, size_t vlen)
{
	size_t need = HDR + klen + vlen;
	struct sbuf *b = &s->bufs[s->cur];
	unsigned char *p;
	int rc;

	if (klen > 65535 || vlen > 255 || need > s->cap)
		return cdn_error_set(CDN_EINVAL, NULL, "sort pair too large");
	if (b->used + need > s->cap) {
		if ((rc = spill(s)) != 0)
			return rc;
		b = &s->bufs[s->cur];
	}
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 4096;
		struct ent *e = realloc(b->ents, cap * sizeof *e);

		if (!e)
			return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		b->ents = e;
		b->cap = cap;
	}
	p = b->mem + b->used;
	p[0] = (unsigned char)(klen >> 8);
	p[1] = (unsigned char)klen;
	p[2] = (unsigned char)vlen;
	memcpy(p + HDR, key, klen);
	if (vlen)
		memcpy(p + HDR + klen, val, vlen);
	b->ents[b->n].pfx = key_prefix(key, klen);
	b->ents[b->n].off = b->used;
	b->n++;
	b->used += need;
	s->count++;
	return 0;
}

/* --- merging ------------------------------------------------------------------ */

/* Load a run's next pair; 0 when it is exhausted, -1 on a short read. */
static int
run_next(struct run *r)
{
	size_t len;

	if (!r->f) {
		if (r->pos == r->b->n)
			return 0;
		r->pfx = r->b->ents[r->pos].pfx;
		r->cur = r->b->mem + r->b->ents[r->pos++].off;
		return 1;
	}
	if (fread_unlocked(r->buf, 1, HDR, r->f) != HDR)
		return ferror(r->f) ? -1 : 0;
	len = pair_len(r->buf) - HDR;
	if (fread_unlocked(r->buf + HDR, 1, len, r->f) != len)
		return -1;
	r->cur = r->buf;
	r->pfx = key_prefix(r->buf + HDR, (size_t)r->buf[0] << 8 | r->buf[1]);
	return 1;
}

static int
run_less(const struct run *a, const struct run *b)
{
	if (a->pfx != b->pfx)
		return a->pfx < b->pfx;
	return pair_cmp(a->cur, b->cur) < 0;
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

int
cdn_sorter_drain(struct cdn_sorter *s, cdn_sorter_fn fn, void *arg)
{
	struct sbuf *b = &s->bufs[s->cur];
	struct run *runs = NULL, **heap = NULL;
	size_t nr, n = 0;
	int rc = 0, more;

	if (s->busy && (rc = collect(s)) != 0)
		goto out;
	nr = s->nruns + 1;
	runs = calloc(nr, sizeof *runs);
	heap = calloc(nr, sizeof *heap);
	if (!runs || !heap) {
		rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		goto out;
	}
	sort_buf(b);
	for (size_t i = 0; i < nr; i++) {
		runs[i].f = i < s->nruns ? s->runs[i] : NULL;
		runs[i].b = b;
		if ((more = run_next(&runs[i])) < 0) {
			rc = cdn_error_set(CDN_EIO, NULL, "sort run: short read");
			goto out;
		}
		if (more)
			heap[n++] = &runs[i];
	}
	for (size_t i = n; i-- > 0;)
		heap_down(heap, n, i);
	while (n > 0 && rc == 0) {
		const unsigned char *p = heap[0]->cur;
		size_t klen = (size_t)p[0] << 8 | p[1];

		rc = fn(arg, p + HDR, klen, p + HDR + klen, p[2]);
		if ((more = run_next(heap[0])) < 0)
			rc = cdn_error_set(CDN_EIO, NULL, "sort run: short read");
		else if (!more)
			heap[0] = heap[--n];
		heap_down(heap, n, 0);
	}
out:
	free(runs);
	free(heap);
	drop_runs(s);
	for (int i = 0; i < 2; i++) {
		s->bufs[i].used = 0;
		s->bufs[i].n = 0;
	}
	s->count = 0;
	return rc;
}
