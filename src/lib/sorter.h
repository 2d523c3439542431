/*
 * sorter.h - an external sort of (key, value) byte pairs with a memory
 * cap: pairs are buffered, sorted runs spill to temporary files when the
 * buffer fills, and a merge hands them back in order. A bulk write uses it
 * to insert index entries in key order, so each B-tree page is touched
 * once instead of once per record.
 *
 * Values all have the size given at creation (a record key); keys vary.
 * Given a worker pool, a full buffer is sorted and written by a worker
 * while the caller fills a second one.
 *
 * Order is LMDB's default: keys compared as bytes, a shorter key first
 * when one is a prefix of the other; then values the same way.
 */
#ifndef CORDON_SORTER_H
#define CORDON_SORTER_H

#include <stddef.h>

struct cdn_sorter;
struct cdn_pool;

#define CDN_SORTER_VAL_MAX 12	/* longest value */

/* New sorter holding about `mem` bytes in memory (in two buffers when
 * `pool` is given; it must outlive the sorter), for values of `vlen`
 * bytes; NULL if out of memory or vlen is out of range. */
struct cdn_sorter *cdn_sorter_new(size_t mem, size_t vlen, struct cdn_pool *pool);
void cdn_sorter_free(struct cdn_sorter *s);

/* Add a pair (key at most 65535 bytes, value of the sorter's size). 0 or
 * a negative cdn_code (CDN_EIO when a run cannot be spilled). */
int cdn_sorter_add(struct cdn_sorter *s, const void *key, size_t klen,
    const void *val);

/* Number of pairs added since the last drain. */
size_t cdn_sorter_count(const struct cdn_sorter *s);

/* Hand every pair to `fn` in order, then empty the sorter. Stops at and
 * returns the first non-zero value of `fn`. */
typedef int (*cdn_sorter_fn)(void *arg, const void *key, size_t klen,
    const void *val, size_t vlen);
int cdn_sorter_drain(struct cdn_sorter *s, cdn_sorter_fn fn, void *arg);

#endif
