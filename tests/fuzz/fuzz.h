/*
 * fuzz.h - what the fuzz harnesses share: a scratch store made once per
 * process (removed at exit), splitting an input into parts, and a check
 * that fails loudly.
 *
 * Each harness defines LLVMFuzzerTestOneInput and is linked either with
 * libFuzzer (configure --enable-fuzz) or with replay.c, which runs it
 * over files and over mutations of them (every build's make check).
 * An input is never kept; all a harness writes goes to its scratch store
 * or is thrown away with the transaction it ran in.
 */
#ifndef CORDON_FUZZ_H
#define CORDON_FUZZ_H

#include <ftw.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cordon/error.h"
#include "cordon/import.h"
#include "cordon/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken promise: say which, and abort so the fuzzer keeps the input. */
#define FUZZ_ASSERT(cond, ...) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: %s: ", __FILE__, __LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__); \
		fputc('\n', stderr); \
		abort(); \
	} \
} while (0)

static char fuzz_top[4096] __attribute__((unused));

static inline int
fuzz_rm(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb; (void)flag; (void)ftw;
	return remove(path);
}

static inline void
fuzz_cleanup(void)
{
	if (fuzz_top[0])
		nftw(fuzz_top, fuzz_rm, 16, FTW_DEPTH | FTW_PHYS);
}

/* A private directory for this process ($TMPDIR or /tmp), removed at exit. */
static inline const char *
fuzz_dir(void)
{
	const char *tmp = getenv("TMPDIR");

	if (fuzz_top[0])
		return fuzz_top;
	snprintf(fuzz_top, sizeof fuzz_top, "%s/cordon-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(fuzz_top)) {
		perror(fuzz_top);
		exit(99);
	}
	atexit(fuzz_cleanup);
	return fuzz_top;
}

/* A new empty store in the process's directory, under `name`. */
static inline struct cdn_store *
fuzz_store(const char *name)
{
	char path[4200];
	struct cdn_store *st = NULL;

	snprintf(path, sizeof path, "%s/%s", fuzz_dir(), name);
	if (cdn_store_init(path) != 0 || cdn_store_open(path, &st) != 0) {
		fprintf(stderr, "fuzz: cannot make a store in %s: %s\n", path,
		    cdn_error_last()->message);
		exit(99);
	}
	return st;
}

/*
 * A store holding the partner tests' records (tests/partners/records.jsonl:
 * cases C-1…C-3, routes, entities E-1…, seizures S-1…S-6,
 * links), for harnesses that read or change records.
 */
static inline struct cdn_store *
fuzz_store_records(const char *name)
{
	struct cdn_store *st = fuzz_store(name);
	struct cdn_import_opts o = { .format = CDN_IMPORT_JSONL, .threads = -1 };

	if (cdn_import_file(st, FUZZ_SRCDIR "/tests/partners/records.jsonl", "fuzz", &o, NULL) != 0) {
		fprintf(stderr, "fuzz: cannot import the partner records: %s\n",
		    cdn_error_last()->message);
		exit(99);
	}
	return st;
}

/*
 * The next part of an input whose parts are separated by a line "---":
 * `*s`/`*n` the rest of the input, moved past the part; the part is
 * returned NUL-terminated (malloc'd; the caller frees it).
 */
static inline char *
fuzz_part(const uint8_t **s, size_t *n, size_t *len)
{
	const uint8_t *p = *s, *end = *s + *n, *sep = NULL;
	char *out;
	size_t k;

	for (const uint8_t *q = p; q + 5 <= end; q++)
		if (memcmp(q, "\n---\n", 5) == 0) {
			sep = q;
			break;
		}
	k = sep ? (size_t)(sep - p) : (size_t)(end - p);
	if ((out = malloc(k + 1)) == NULL)
		abort();
	memcpy(out, p, k);
	out[k] = '\0';
	*len = k;
	*s = sep ? sep + 5 : end;
	*n = (size_t)(end - *s);
	return out;
}

#endif
