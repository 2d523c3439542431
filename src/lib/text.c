/*
 * text.c - free text: checked, repaired and escaped (text.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cordon/check.h"
#include "cordon/text.h"

/*
 * The UTF-8 character at p (n bytes left): its length (1 to 4) and code
 * point, 0 if p[0] cannot start one, or -k if the first k bytes are a
 * correct start of a character that ends too soon (the bytes run out, or
 * the next one is not a continuation).
 */
static int
decode(const unsigned char *p, size_t n, unsigned *cp)
{
	unsigned c = p[0], min;
	int len;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		c &= 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		c &= 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		c &= 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	for (int i = 1; i < len; i++) {
		if ((size_t)i >= n || (p[i] & 0xc0) != 0x80)
			return -i;
		c = (c << 6) | (p[i] & 0x3f);
		/* An overlong form, a surrogate or past U+10FFFF shows by the
		 * second byte: refuse it there, as a bad start. */
		if (i == 1 && ((len == 3 && ((p[0] == 0xe0 && p[1] < 0xa0) ||
		    (p[0] == 0xed && p[1] >= 0xa0))) || (len == 4 && ((p[0] == 0xf0 && p[1] < 0x90) ||
		    (p[0] == 0xf4 && p[1] >= 0x90)))))
			return 0;
	}
	if (c < min)
		return 0;
	*cp = c;
	return len;
}

static size_t
repair(char *s, int oneline)
{
	unsigned char *p = (unsigned char *)s, *w = p;
	size_t n = strlen(s);
	unsigned cp;

	for (size_t i = 0; i < n;) {
		int l = decode(p + i, n - i, &cp);

		if (l < 0) {
			/* Cut short: what there is of it goes. */
			i += (size_t)-l;
			continue;
		}
		if (l == 0) {
			*w++ = '?';
			i++;
			continue;
		}
		if (oneline && (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f))) {
			*w++ = ' ';
			i += (size_t)l;
			continue;
		}
		memmove(w, p + i, (size_t)l);
		w += l;
		i += (size_t)l;
	}
	*w = '\0';
	return (size_t)(w - p);
}

size_t
cdn_utf8_repair(char *s)
{
	return repair(s, 0);
}

size_t
cdn_text_line(char *s)
{
	return repair(s, 1);
}

int
cdn_check_text(const char *s, size_t len, int multiline, char *why)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned cp;

	for (size_t i = 0; i < len;) {
		int l = decode(p + i, len - i, &cp);

		if (l <= 0) {
			if (why)
				snprintf(why, CDN_WHY_MAX, "is not valid UTF-8");
			return -1;
		}
		if (cp == '\n' || cp == '\t' || cp == '\r') {
			if (!multiline) {
				if (why)
					snprintf(why, CDN_WHY_MAX,
					    "must be one line, without line breaks or tabs");
				return -1;
			}
		} else if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f)) {
			/* Invisible, and they move terminals around. */
			if (why)
				snprintf(why, CDN_WHY_MAX, "contains a control character");
			return -1;
		}
		i += (size_t)l;
	}
	/* One-line text (names, titles, identifiers) is shown in lists and
	 * beside other text: nothing in it may reorder what surrounds it. */
	if (!multiline && (cp = cdn_bidi_find(s, len, 0, NULL)) != 0) {
		if (why)
			snprintf(why, CDN_WHY_MAX, "contains %s, which changes the order the "
			    "text is shown in", cdn_bidi_name(cp));
		return -1;
	}
	return 0;
}

/* Characters that reorder or break what a terminal shows around them. */
static int
is_format_control(unsigned cp)
{
	return cp == 0x061c || cp == 0x200e || cp == 0x200f || (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 || cp == 0x2029;
}

char *
cdn_text_escape(const char *s, size_t len, int multiline)
{
	const unsigned char *p = (const unsigned char *)s;
	/* The longest escape, \u{HHHH}, is 8 bytes for at least 2 in. */
	char *out = malloc(len * 5 + 1), *w = out;
	unsigned cp;

	if (!out)
		return NULL;
	for (size_t i = 0; i < len;) {
		int l = decode(p + i, len - i, &cp);

		if (l <= 0) {
			w += sprintf(w, "\\x%02X", p[i]);
			i++;
			continue;
		}
		if ((cp == '\n' || cp == '\t') && multiline) {
			*w++ = (char)cp;
		} else if (cp == '\n') {
			w += sprintf(w, "\\n");
		} else if (cp == '\t') {
			w += sprintf(w, "\\t");
		} else if (cp < 0x20 || cp == 0x7f) {
			w += sprintf(w, "\\x%02X", cp);
		} else if ((cp >= 0x80 && cp <= 0x9f) || is_format_control(cp)) {
			w += sprintf(w, "\\u{%04X}", cp);
		} else {
			memcpy(w, p + i, (size_t)l);
			w += l;
		}
		i += (size_t)l;
	}
	*w = '\0';
	return out;
}
