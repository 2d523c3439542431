/*
 * intern.c - the table of distinct byte strings of intern.h.
 */
#include <stdlib.h>
#include <string.h>

#include "intern.h"

static uint32_t
hash_bytes(const unsigned char *k, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w;

	for (; n >= 8; k += 8, n -= 8) {
		memcpy(&w, k, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	w = 0;
	if (n)
		memcpy(&w, k, n);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
	return (uint32_t)(h ^ h >> 29);
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

static int
rehash(struct cdn_intern *t, size_t nslots)
{
	uint32_t *slots = calloc(nslots, sizeof *slots);
	size_t mask = nslots - 1;

	if (!slots)
		return -1;
	for (size_t k = 0; k < t->n; k++) {
		size_t i = t->keys[k].hash & mask;

		while (slots[i])
			i = (i + 1) & mask;
		slots[i] = (uint32_t)(k + 1);
	}
	free(t->slots);
	t->slots = slots;
	t->nslots = nslots;
	return 0;
}

/* The slot holding `key`, or the empty slot where it would go. */
static size_t
probe(const struct cdn_intern *t, const void *key, size_t len, uint32_t h)
{
	size_t mask = t->nslots - 1, i;

	for (i = h & mask; t->slots[i]; i = (i + 1) & mask) {
		const struct cdn_intern_key *k = &t->keys[t->slots[i] - 1];

		if (k->hash == h && k->len == len &&
		    (len == 0 || memcmp(t->arena + k->off, key, len) == 0))
			break;
	}
	return i;
}

int64_t
cdn_intern_find(const struct cdn_intern *t, const void *key, size_t len)
{
	size_t i;

	if (t->n == 0)
		return -1;
	i = probe(t, key, len, hash_bytes(key, len));
	return t->slots[i] ? (int64_t)t->slots[i] - 1 : -1;
}

int64_t
cdn_intern_add(struct cdn_intern *t, const void *key, size_t len, int *added)
{
	uint32_t h = hash_bytes(key, len);
	struct cdn_intern_key *k;
	size_t i;

	*added = 0;
	if (t->n >= UINT32_MAX - 1 || len > UINT32_MAX)
		return -1;
	if ((t->n + 1) * 2 > t->nslots && rehash(t, t->nslots ? t->nslots * 2 : 1024) != 0)
		return -1;
	i = probe(t, key, len, h);
	if (t->slots[i])
		return (int64_t)t->slots[i] - 1;
	if (grow((void **)&t->keys, &t->kcap, t->n + 1, sizeof *t->keys) != 0 ||
	    grow((void **)&t->arena, &t->acap, t->alen + len, 1) != 0)
		return -1;
	k = &t->keys[t->n];
	k->off = t->alen;
	k->len = (uint32_t)len;
	k->hash = h;
	if (len)
		memcpy(t->arena + t->alen, key, len);
	t->alen += len;
	t->slots[i] = (uint32_t)++t->n;
	*added = 1;
	return (int64_t)t->n - 1;
}

void
cdn_intern_clear(struct cdn_intern *t)
{
	t->alen = 0;
	t->n = 0;
	if (t->slots)
		memset(t->slots, 0, t->nslots * sizeof *t->slots);
}

void
cdn_intern_free(struct cdn_intern *t)
{
	free(t->arena);
	free(t->keys);
	free(t->slots);
	memset(t, 0, sizeof *t);
}
