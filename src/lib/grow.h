/*
 * grow.h - growing an array by doubling, the one way the library does it.
 */
#ifndef CORDON_GROW_H
#define CORDON_GROW_H

#include <stdint.h>
#include <stdlib.h>

/*
 * Make room in `*v` (an array of `size`-byte items with room for `*cap`)
 * for `need` items: doubled from `*cap`, or from `first` if it is empty.
 * Returns 0, or -1 (and `*v` untouched) if out of memory.
 */
static inline int
cdn_grow(void *v, size_t *cap, size_t need, size_t size, size_t first)
{
	void **pv = v, *nv;
	size_t ncap = *cap ? *cap : first;

	if (need <= *cap)
		return 0;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2 / size)
			return -1;
		ncap *= 2;
	}
	if ((nv = realloc(*pv, ncap * size)) == NULL)
		return -1;
	*pv = nv;
	*cap = ncap;
	return 0;
}

#endif
