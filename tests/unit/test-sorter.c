/*
 * test-sorter.c - the external sort behind bulk index inserts: order,
 * spilling to runs, duplicates, and reuse after a drain, each with runs
 * spilled on the calling thread and on pool workers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pool.h"
#include "sorter.h"
#include "tap.h"

struct check {
	char prev[64];
	size_t plen;
	unsigned char pval[16];
	size_t pvlen;
	size_t n, bad;
	char first[64], last[64];
};

static int
cmp_lmdb(const void *a, size_t al, const void *b, size_t bl)
{
	int c = memcmp(a, b, al < bl ? al : bl);

	return c ? c : (al > bl) - (al < bl);
}

static int
verify(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
	struct check *c = arg;

	if (c->n > 0) {
		int k = cmp_lmdb(c->prev, c->plen, key, klen);

		if (k > 0 || (k == 0 && cmp_lmdb(c->pval, c->pvlen, val, vlen) > 0))
			c->bad++;
	} else {
		snprintf(c->first, sizeof c->first, "%.*s", (int)klen, (const char *)key);
	}
	memcpy(c->prev, key, klen);
	c->plen = klen;
	memcpy(c->pval, val, vlen);
	c->pvlen = vlen;
	snprintf(c->last, sizeof c->last, "%.*s", (int)klen, (const char *)key);
	c->n++;
	return 0;
}

static int
stop_at_3(void *arg, const void *key, size_t klen, const void *val, size_t vlen)
{
	(void)key; (void)klen; (void)val; (void)vlen;
	return ++*(int *)arg == 3 ? 42 : 0;
}

/* Keys from a tiny alphabet with NULs, lengths 0..19: most share their
 * first eight bytes with many others, so order is decided past them. */
static size_t
tricky_key(unsigned char *k)
{
	static const unsigned char alpha[] = { 0, 'a', 'b', 0xff };
	size_t len = (size_t)(rand() % 20);

	for (size_t i = 0; i < len; i++)
		k[i] = alpha[rand() % 4];
	return len;
}

static void
battery(struct cdn_pool *pool, const char *how)
{
	struct cdn_sorter *s;
	struct check c = { .n = 0 };
	char key[32];
	unsigned char val[9], tk[32];

	/* 4 KiB of memory for 20,000 pairs forces many spilled runs. */
	s = cdn_sorter_new(4096, sizeof val, pool);
	ok(s != NULL, "%s: sorter created", how);
	srand(7);
	for (int i = 0; i < 20000; i++) {
		int r = rand() % 5000;
		int n = snprintf(key, sizeof key, "w%d", r);

		memset(val, 0, sizeof val);
		val[8] = (unsigned char)(i % 251);
		if (cdn_sorter_add(s, key, (size_t)n, val) != 0)
			break;
	}
	ok(cdn_sorter_count(s) == 20000, "%s: 20000 pairs added across spills", how);
	ok(cdn_sorter_drain(s, verify, &c) == 0, "%s: drain succeeds", how);
	ok(c.n == 20000, "%s: every pair comes back (%zu)", how, c.n);
	ok(c.bad == 0, "%s: in LMDB's order: keys as bytes, then values (%zu out of order)",
	    how, c.bad);
	ok(cdn_sorter_count(s) == 0, "%s: drain empties the sorter", how);

	/* Keys alike in their first eight bytes, NULs, empty keys. */
	memset(&c, 0, sizeof c);
	for (int i = 0; i < 5000; i++) {
		size_t n = tricky_key(tk);

		memset(val, 0, sizeof val);
		val[rand() % 9] = (unsigned char)(rand() % 3);
		cdn_sorter_add(s, tk, n, val);
	}
	ok(cdn_sorter_drain(s, verify, &c) == 0 && c.n == 5000 && c.bad == 0,
	    "%s: keys sharing long prefixes and NULs order like LMDB (%zu out of order)",
	    how, c.bad);

	/* A prefix sorts before the longer key, as in LMDB. */
	memset(&c, 0, sizeof c);
	cdn_sorter_add(s, "ab", 2, "11111111");
	cdn_sorter_add(s, "a", 1, "11111111");
	cdn_sorter_add(s, "abc", 3, "11111111");
	cdn_sorter_add(s, "a", 1, "01111111");
	cdn_sorter_drain(s, verify, &c);
	ok(c.n == 4 && c.bad == 0, "%s: prefix keys and equal keys order like LMDB", how);
	is_str(c.first, "a", "shortest key first");
	is_str(c.last, "abc", "longest key last");

	/* Duplicates are kept: the caller decides (MDB_NODUPDATA). */
	memset(&c, 0, sizeof c);
	cdn_sorter_add(s, "k", 1, "vvvvvvvv");
	cdn_sorter_add(s, "k", 1, "vvvvvvvv");
	cdn_sorter_drain(s, verify, &c);
	ok(c.n == 2, "%s: duplicates are handed back both", how);

	int calls = 0;
	for (int i = 0; i < 10; i++)
		cdn_sorter_add(s, "x", 1, "yyyyyyyy");
	ok(cdn_sorter_drain(s, stop_at_3, &calls) == 42 && calls == 3,
	    "%s: a callback error stops the drain", how);
	ok(cdn_sorter_count(s) == 0, "%s: and the sorter is empty after it", how);
	ok(cdn_sorter_add(s, key, 70000, val) != 0, "%s: an oversized key is refused", how);

	/* Freed with runs spilled (and, with a pool, one maybe still being
	 * written): the sanitizer build checks nothing leaks or is used
	 * after it is freed. */
	for (int i = 0; i < 2000; i++)
		cdn_sorter_add(s, "spill", 5, val);
	ok(cdn_sorter_count(s) == 2000, "%s: pairs pending across spills when freed", how);
	cdn_sorter_free(s);
}

int
main(void)
{
	struct cdn_pool *pool = cdn_pool_new(2);

	ok(cdn_sorter_new(4096, 0, NULL) == NULL && cdn_sorter_new(4096, 13, NULL) == NULL,
	    "values of 0 or more than %d bytes are refused", CDN_SORTER_VAL_MAX);
	battery(NULL, "no pool");
	battery(pool, "two workers");
	cdn_pool_free(pool);
	return done_testing();
}
