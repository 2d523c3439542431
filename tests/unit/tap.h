/*
 * tap.h - a minimal TAP producer for the unit test programs.
 *
 * ok(cond, fmt, ...) prints "ok N - ..." or "not ok N - ..." and counts;
 * done_testing() prints the plan and returns the exit status (0 if every
 * test passed); rm_tree(dir) removes a test's temporary folder.
 * Header-only so every test program stays one file.
 */
#ifndef CORDON_TAP_H
#define CORDON_TAP_H

#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

__attribute__((format(printf, 2, 3), unused))
static int ok(int cond, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	return cond;
}

/* Compare two strings; on mismatch print both as a TAP diagnostic. */
__attribute__((unused))
static int is_str(const char *got, const char *want, const char *what)
{
	int same = got && want ? strcmp(got, want) == 0 : got == want;

	ok(same, "%s", what);
	if (!same)
		printf("#   got:  '%s'\n#   want: '%s'\n", got ? got : "(null)",
		    want ? want : "(null)");
	return same;
}

__attribute__((unused))
static void diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

__attribute__((unused))
static int done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

/* Remove the folder tree `dir` (a test's temporary store); a TAP
 * diagnostic if any of it stays. */
static int
tap_rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb; (void)flag; (void)ftw;
	return remove(path);
}

__attribute__((unused))
static void rm_tree(const char *dir)
{
	if (nftw(dir, tap_rm_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
		diag("could not remove %s", dir);
}

#endif
