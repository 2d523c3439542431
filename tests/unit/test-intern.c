/*
 * test-intern.c - the table of distinct strings: numbers in order of
 * first addition, lookups, strings that differ only past a NUL or in
 * length, growth past many rehashes, and reuse after a clear.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intern.h"
#include "tap.h"

int
main(void)
{
	struct cdn_intern t = { 0 };
	char key[32];
	size_t len;
	int added, bad = 0;
	int64_t a, b;

	ok(cdn_intern_find(&t, "x", 1) == -1, "an empty table finds nothing");
	a = cdn_intern_add(&t, "heroin", 6, &added);
	ok(a == 0 && added, "the first string is number 0, and new");
	b = cdn_intern_add(&t, "heroin", 6, &added);
	ok(b == 0 && !added, "adding it again gives the same number, not new");
	ok(cdn_intern_add(&t, "heroi", 5, &added) == 1 && added, "a prefix is another string");
	ok(cdn_intern_add(&t, "a\0b", 3, &added) == 2 && cdn_intern_add(&t, "a\0c", 3, &added) == 3,
	    "strings differing after a NUL are distinct");
	ok(cdn_intern_add(&t, "", 0, &added) == 4 && added, "the empty string is a string");
	ok(cdn_intern_find(&t, "", 0) == 4 && cdn_intern_find(&t, "heroi", 5) == 1,
	    "each is found by its bytes");
	ok(memcmp(cdn_intern_bytes(&t, 0, &len), "heroin", 6) == 0 && len == 6,
	    "a number gives back the string's bytes and length");
	ok(memcmp(cdn_intern_bytes(&t, 3, &len), "a\0c", 3) == 0 && len == 3,
	    "NULs included");

	/* Many strings: the table grows and rehashes. */
	for (int i = 0; i < 100000; i++) {
		int n = snprintf(key, sizeof key, "word%d", i);

		if (cdn_intern_add(&t, key, (size_t)n, &added) != 5 + i || !added)
			bad++;
	}
	for (int i = 0; i < 100000; i += 7) {
		int n = snprintf(key, sizeof key, "word%d", i);

		if (cdn_intern_find(&t, key, (size_t)n) != 5 + i)
			bad++;
	}
	ok(bad == 0 && t.n == 100005, "100,000 more are numbered in order and found (%d wrong)", bad);

	cdn_intern_clear(&t);
	ok(t.n == 0 && cdn_intern_find(&t, "heroin", 6) == -1, "a clear empties it");
	ok(cdn_intern_add(&t, "word5", 5, &added) == 0 && added, "and numbering starts again");
	cdn_intern_free(&t);
	return done_testing();
}
