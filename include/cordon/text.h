/*
 * text.h - free text: the one rule for what people and rules may write
 * (notes, titles, explanations, every string field of a record), and how
 * text from outside is cut and shown.
 *
 * Pure functions on caller-owned buffers: no store, no global state, safe
 * from any thread. Strings returned through `char *` are malloc'd and
 * owned by the caller.
 */
#ifndef CORDON_TEXT_H
#define CORDON_TEXT_H

#include <stddef.h>

#include "cordon/check.h"	/* CDN_WHY_MAX */

/*
 * Make NUL-terminated `s` valid UTF-8 in place: a character cut short
 * (by a byte limit, "%.40s") is dropped whole, any other byte that is
 * not UTF-8 becomes '?'. Returns the new length. Meant for messages put
 * together from text of unknown origin.
 */
size_t cdn_utf8_repair(char *s);

/* cdn_utf8_repair, and every control character (C0, DEL, C1) becomes a
 * space: a message that is one clean line whatever it was made of. */
size_t cdn_text_line(char *s);

/*
 * The free-text rule: valid UTF-8, no control character (C0, DEL, C1),
 * and, unless `multiline`, no line break or tab either (a multi-line text
 * may hold \n, \r and \t). 0, or -1 with the reason in `why` (at most
 * CDN_WHY_MAX bytes; may be NULL).
 */
int cdn_check_text(const char *s, size_t len, int multiline, char *why);

/*
 * Text from the store or from a rule made safe to print on a terminal:
 * control characters (C0, DEL, C1), bidirectional controls (U+061C,
 * U+200E, U+200F, U+202A..U+202E, U+2066..U+2069), U+2028 and U+2029 are
 * written as \xHH or \u{HHHH}, bytes that are not UTF-8 as \xHH; newlines
 * and tabs are kept if `multiline`, escaped (\n, \t) if not. NULL only if
 * out of memory.
 */
char *cdn_text_escape(const char *s, size_t len, int multiline);

#endif
