/*
 * fold.c - folding text for diacritics- and case-insensitive matching.
 */
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "cordon/fold.h"

/*
 * utf8proc's STRIPMARK does not decompose đ/Đ (U+0111/U+0110): they are
 * letters of their own, not d with a mark. Vietnamese names need them to
 * match "d", so map them before the library does the rest.
 */
static utf8proc_int32_t
fold_custom(utf8proc_int32_t cp, void *data)
{
	(void)data;
	if (cp == 0x0111 || cp == 0x0110)
		return 'd';
	return cp;
}

/* Collapse white space runs to one space and trim, in place. */
static void
collapse(char *out)
{
	char *w = out;
	const char *r;
	int space = 0;

	for (r = out; *r; r++) {
		if (*r == ' ' || *r == '\t' || *r == '\n' || *r == '\r') {
			space = 1;
			continue;
		}
		if (space && w != out)
			*w++ = ' ';
		space = 0;
		*w++ = *r;
	}
	*w = '\0';
}

char *
cdn_fold_full(const char *s)
{
	utf8proc_uint8_t *mapped = NULL;
	utf8proc_ssize_t n;

	n = utf8proc_map_custom((const utf8proc_uint8_t *)s, 0, &mapped,
	    UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_DECOMPOSE |
	    UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK |
	    UTF8PROC_LUMP | UTF8PROC_STRIPCC | UTF8PROC_IGNORE, fold_custom, NULL);
	if (n < 0)
		return NULL;
	collapse((char *)mapped);
	return (char *)mapped;
}

/*
 * Most text is ASCII, where the mapping above only lowers case, turns
 * line breaks, tabs and vertical tabs and form feeds into spaces and drops
 * the other control characters; doing just that skips decoding to code points and back.
 * test-fold checks it against cdn_fold_full for every ASCII character.
 */
char *
cdn_fold(const char *s)
{
	size_t len = 0;
	char *out, *w;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++, len++)
		if (*p >= 0x80)
			return cdn_fold_full(s);
	if ((out = malloc(len + 1)) == NULL)
		return NULL;
	w = out;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p >= 'A' && *p <= 'Z')
			*w++ = (char)(*p + ('a' - 'A'));
		else if (*p == '\n' || *p == '\r' || *p == '\t' || *p == '\v' || *p == '\f')
			*w++ = ' ';
		else if (*p >= 0x20 && *p != 0x7f)
			*w++ = (char)*p;
	}
	*w = '\0';
	collapse(out);
	return out;
}

static int
is_word_byte(unsigned char c)
{
	/* Folded text is ASCII for Latin scripts; bytes >= 0x80 belong to
	 * other scripts (CJK, Thai…) and are kept inside words. */
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80 ||
	    (c >= 'A' && c <= 'Z');
}

int
cdn_fold_words(const char *folded, cdn_word_fn fn, void *arg)
{
	const char *p = folded, *start;
	int rc;

	while (*p) {
		while (*p && !is_word_byte((unsigned char)*p))
			p++;
		if (!*p)
			break;
		start = p;
		while (*p && is_word_byte((unsigned char)*p))
			p++;
		if ((rc = fn(arg, start, (size_t)(p - start))) != 0)
			return rc;
	}
	return 0;
}
