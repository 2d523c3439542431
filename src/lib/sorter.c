/*
 * sorter.c - external merge sort of byte pairs (see sorter.h).
 *
 * A pair is stored as [u16 key length][u8 value length][key][value]. The
 * buffer fills with pairs and an array of their offsets; a full buffer is
 * sorted through the offsets and written to a temporary file as one run.
 * Draining sorts what is left in memory as the last run and merges all of
 * them with a small binary heap.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cordon/error.h"
#include "sorter.h"

#define HDR 3

struct run {
	FILE *f;		/* NULL: the in-memory run */
	unsigned char *cur;	/* current pair (for files: in buf) */
	unsigned char buf[HDR + 65535 + 255];
	size_t pos, end;	/* in-memory run: index into the offsets */
};

struct cdn_sorter {
	unsigned char *mem;
	size_t cap, used;
	uint32_t *offs;
	size_t noffs, offcap;
	size_t count;
	FILE **runs;
	size_t nruns;
};

static size_t
pair_len(const unsigned char *p)
{
	return HDR + ((size_t)p[0] << 8 | p[1]) + p[2];
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

/* qsort has no context argument: the buffer is passed through this. */
static _Thread_local const unsigned char *sort_base;

static int
off_cmp(const void *x, const void *y)
{
	return pair_cmp(sort_base + *(const uint32_t *)x, sort_base + *(const uint32_t *)y);
}

static void
sort_mem(struct cdn_sorter *s)
{
	sort_base = s->mem;
	if (s->noffs > 1)
		qsort(s->offs, s->noffs, sizeof *s->offs, off_cmp);
}

struct cdn_sorter *
cdn_sorter_new(size_t mem)
{
	struct cdn_sorter *s = calloc(1, sizeof *s);

	if (!s)
		return NULL;
	if (mem > UINT32_MAX)
		mem = UINT32_MAX;
	s->cap = mem;
	if ((s->mem = malloc(mem)) == NULL) {
		free(s);
		return NULL;
	}
	return s;
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
	drop_runs(s);
	free(s->offs);
	free(s->mem);
	free(s);
}

size_t
cdn_sorter_count(const struct cdn_sorter *s)
{
	return s->count;
}

static int
spill(struct cdn_sorter *s)
{
	FILE *f, **runs;

	sort_mem(s);
	if ((f = tmpfile()) == NULL)
		return cdn_error_set(CDN_EIO, NULL, "sort run: %s", strerror(errno));
	for (size_t i = 0; i < s->noffs; i++) {
		const unsigned char *p = s->mem + s->offs[i];

		if (fwrite(p, 1, pair_len(p), f) != pair_len(p)) {
			fclose(f);
			return cdn_error_set(CDN_EIO, NULL, "sort run: %s", strerror(errno));
		}
	}
	if (fflush(f) != 0 || fseeko(f, 0, SEEK_SET) != 0 ||
	    (runs = realloc(s->runs, (s->nruns + 1) * sizeof *runs)) == NULL) {
		fclose(f);
		return cdn_error_set(CDN_EIO, NULL, "sort run: %s", strerror(errno));
	}
	s->runs = runs;
	s->runs[s->nruns++] = f;
	s->used = 0;
	s->noffs = 0;
	return 0;
}

int
cdn_sorter_add(struct cdn_sorter *s, const void *key, size_t klen,
    const void *val, size_t vlen)
{
	size_t need = HDR + klen + vlen;
	int rc;

	if (klen > 65535 || vlen > 255)
		return cdn_error_set(CDN_EINVAL, NULL, "sort pair too large");
	if (s->used + need > s->cap && (rc = spill(s)) != 0)
		return rc;
	if (s->noffs == s->offcap) {
		size_t cap = s->offcap ? s->offcap * 2 : 4096;
		uint32_t *o = realloc(s->offs, cap * sizeof *o);

		if (!o)
			return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		s->offs = o;
		s->offcap = cap;
	}
	unsigned char *p = s->mem + s->used;
	p[0] = (unsigned char)(klen >> 8);
	p[1] = (unsigned char)klen;
	p[2] = (unsigned char)vlen;
	memcpy(p + HDR, key, klen);
	memcpy(p + HDR + klen, val, vlen);
	s->offs[s->noffs++] = (uint32_t)s->used;
	s->used += need;
	s->count++;
	return 0;
}

/* Load a run's next pair; 0 when it is exhausted. */
static int
run_next(struct cdn_sorter *s, struct run *r)
{
	size_t len;

	if (!r->f) {
		if (r->pos == r->end)
			return 0;
		r->cur = s->mem + s->offs[r->pos++];
		return 1;
	}
	if (fread(r->buf, 1, HDR, r->f) != HDR)
		return 0;
	len = pair_len(r->buf) - HDR;
	if (fread(r->buf + HDR, 1, len, r->f) != len)
		return -1;
	r->cur = r->buf;
	return 1;
}

static void
heap_down(struct run **h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;

		if (l < n && pair_cmp(h[l]->cur, h[m]->cur) < 0)
			m = l;
		if (l + 1 < n && pair_cmp(h[l + 1]->cur, h[m]->cur) < 0)
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
	size_t nr = s->nruns + 1, n = 0;
	struct run *runs = calloc(nr, sizeof *runs);
	struct run **heap = calloc(nr, sizeof *heap);
	int rc = 0, more;

	if (!runs || !heap) {
		rc = cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
		goto out;
	}
	sort_mem(s);
	for (size_t i = 0; i < nr; i++) {
		runs[i].f = i < s->nruns ? s->runs[i] : NULL;
		runs[i].end = runs[i].f ? 0 : s->noffs;
		if ((more = run_next(s, &runs[i])) < 0) {
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
		if ((more = run_next(s, heap[0])) < 0)
			rc = cdn_error_set(CDN_EIO, NULL, "sort run: short read");
		else if (!more)
			heap[0] = heap[--n];
		heap_down(heap, n, 0);
	}
out:
	free(runs);
	free(heap);
	drop_runs(s);
	s->used = 0;
	s->noffs = 0;
	s->count = 0;
	return rc;
}
