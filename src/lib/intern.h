/*
 * intern.h - a table of distinct byte strings, each numbered 0, 1, 2 … in
 * the order it was first added. Callers keep what they know about a
 * string in their own array, indexed by its number: the import's refs,
 * the sorter's index keys.
 *
 * The strings' bytes live in one arena and the table is open addressing,
 * at most half full, so a lookup costs a hash and a compare or two.
 * Ownership: the table owns its memory; returned key pointers are valid
 * until the next add, clear or free.
 */
#ifndef CORDON_INTERN_H
#define CORDON_INTERN_H

#include <stddef.h>
#include <stdint.h>

struct cdn_intern_key {
	uint64_t off;		/* in the arena */
	uint32_t len;
	uint32_t hash;
};

/* Zero-initialised is empty. */
struct cdn_intern {
	unsigned char *arena;
	size_t alen, acap;
	struct cdn_intern_key *keys;
	size_t n, kcap;
	uint32_t *slots;	/* number + 1; 0 = empty */
	size_t nslots;
};

/* The number of `key`, or -1 if it is not in the table. */
int64_t cdn_intern_find(const struct cdn_intern *t, const void *key, size_t len);
/* The number of `key`, added if new (then *added is 1); -1 if out of
 * memory or the table is full (2^32 - 2 strings). */
int64_t cdn_intern_add(struct cdn_intern *t, const void *key, size_t len, int *added);
/* Empty the table, keeping its memory for reuse. */
void cdn_intern_clear(struct cdn_intern *t);
void cdn_intern_free(struct cdn_intern *t);

static inline const unsigned char *
cdn_intern_bytes(const struct cdn_intern *t, size_t i, size_t *len)
{
	*len = t->keys[i].len;
	return t->arena + t->keys[i].off;
}

#endif
