/*
 * test-sorter.c - the external sort behind bulk index inserts: order,
 * spilling to runs, duplicates, and reuse after a drain.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int
main(void)
{
	struct cdn_sorter *s;
	struct check c = { .n = 0 };
	char key[32];
	unsigned char val[9];

	/* 4 KiB of memory for 20,000 pairs forces many spilled runs. */
	s = cdn_sorter_new(4096);
	ok(s != NULL, "sorter created");
	srand(7);
	for (int i = 0; i < 20000; i++) {
		int r = rand() % 5000;
		int n = snprintf(key, sizeof key, "w%d", r);

		memset(val, 0, sizeof val);
		val[8] = (unsigned char)(i % 251);
		if (cdn_sorter_add(s, key, (size_t)n, val, sizeof val) != 0)
			break;
	}
	ok(cdn_sorter_count(s) == 20000, "20000 pairs added across spills");
	ok(cdn_sorter_drain(s, verify, &c) == 0, "drain succeeds");
	ok(c.n == 20000, "every pair comes back (%zu)", c.n);
	ok(c.bad == 0, "in LMDB's order: keys as bytes, then values (%zu out of order)", c.bad);
	ok(cdn_sorter_count(s) == 0, "drain empties the sorter");

	/* A prefix sorts before the longer key, as in LMDB. */
	memset(&c, 0, sizeof c);
	cdn_sorter_add(s, "ab", 2, "1", 1);
	cdn_sorter_add(s, "a", 1, "1", 1);
	cdn_sorter_add(s, "abc", 3, "1", 1);
	cdn_sorter_add(s, "a", 1, "0", 1);
	cdn_sorter_drain(s, verify, &c);
	ok(c.n == 4 && c.bad == 0, "prefix keys and equal keys order like LMDB");
	is_str(c.first, "a", "shortest key first");
	is_str(c.last, "abc", "longest key last");

	/* Duplicates are kept: the caller decides (MDB_NODUPDATA). */
	memset(&c, 0, sizeof c);
	cdn_sorter_add(s, "k", 1, "v", 1);
	cdn_sorter_add(s, "k", 1, "v", 1);
	cdn_sorter_drain(s, verify, &c);
	ok(c.n == 2, "duplicates are handed back both");

	int calls = 0;
	for (int i = 0; i < 10; i++)
		cdn_sorter_add(s, "x", 1, "y", 1);
	ok(cdn_sorter_drain(s, stop_at_3, &calls) == 42 && calls == 3, "a callback error stops the drain");
	ok(cdn_sorter_count(s) == 0, "and the sorter is empty after it");
	ok(cdn_sorter_add(s, key, 70000, val, 1) != 0, "an oversized key is refused");
	cdn_sorter_free(s);
	return done_testing();
}
