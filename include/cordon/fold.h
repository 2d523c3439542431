/*
 * fold.h - the folded form of text used for matching: Unicode
 * compatibility-decomposed, case-folded, marks stripped, characters that
 * show nothing dropped (soft hyphen, zero-width space), đ/Đ → d, runs of
 * white space collapsed to one space, trimmed ("Nguyễn  Văn Hùng" →
 * "nguyen van hung"). Built on utf8proc.
 */
#ifndef CORDON_FOLD_H
#define CORDON_FOLD_H

#include <stddef.h>

/* New malloc'd string, or NULL for invalid UTF-8 or no memory. */
char *cdn_fold(const char *s);
/* The same, always through utf8proc: cdn_fold takes a shorter way for
 * ASCII text, and is tested against this. */
char *cdn_fold_full(const char *s);

/*
 * Split folded text into words (runs of letters and digits) and call `fn`
 * for each, with a pointer into `folded` and its length.
 */
typedef int (*cdn_word_fn)(void *arg, const char *word, size_t len);
int cdn_fold_words(const char *folded, cdn_word_fn fn, void *arg);

#endif
