/*
 * import.h - bulk import of JSON Lines and CSV (contract §5) and export of
 * the whole store as re-importable JSON Lines.
 *
 * An import is one write transaction: the file is imported whole or not at
 * all. Every bad line is reported; nothing is written unless there are none.
 */
#ifndef CORDON_IMPORT_H
#define CORDON_IMPORT_H

#include <stdint.h>
#include <stdio.h>
#include <jansson.h>

#include "cordon/record.h"

/* Called for each bad line: 1-based line number, dotted field ("" if the
 * line as a whole is bad) and the reason. */
typedef void (*cdn_import_error_fn)(void *arg, uint64_t line,
    const char *field, const char *reason);
/*
 * Called now and then for a progress bar: `phase` is "reading" (bytes of
 * the file read), "indexing" (index entries written) or "committing"
 * (done and total 0: the store is being flushed to disk).
 */
typedef void (*cdn_import_progress_fn)(void *arg, const char *phase,
    uint64_t done, uint64_t total);

enum cdn_import_format { CDN_IMPORT_AUTO, CDN_IMPORT_JSONL, CDN_IMPORT_CSV };

struct cdn_import_opts {
	enum cdn_import_format format;	/* AUTO: by file name extension */
	cdn_import_error_fn on_error;
	cdn_import_progress_fn on_progress;
	void *arg;
	unsigned max_errors;		/* stop reporting after this many; 0 = 1000 */
	int threads;			/* threads parsing and validating: 0 = one
					 * per CPU, < 0 = none besides the caller */
	const char *name;		/* the file's name, as recorded; NULL: the
					 * base name of the path; "": none */
};

struct cdn_import_result {
	uint64_t created[CDN_NKINDS];	/* records created, by kind */
	uint64_t lines;			/* data lines read */
	uint64_t errors;		/* bad lines */
	uint64_t seq;			/* its record, meta "import/SEQ" (0: none) */
};

/*
 * Import `path` into the store as `user`. Returns 0 when everything was
 * imported, CDN_EINVAL when there were bad lines (reported through
 * on_error; the store is unchanged), or another code (file unreadable,
 * store failure). An import that succeeds is recorded with it, in the
 * same transaction, as meta "import/SEQ" with its audit entry (op
 * "import"); one that fails leaves no trace.
 */
int cdn_import_file(struct cdn_store *st, const char *path, const char *user,
    const struct cdn_import_opts *opts, struct cdn_import_result *res);

/*
 * The imports made, newest first, at most `limit` (0: all): `*out` a new
 * array of {id ("import/SEQ"), seq, at, by, filename (null if there was
 * none, or it was not UTF-8), format ("jsonl" or "csv"), bytes, lines, created: {PLURAL: n},
 * records}.
 */
int cdn_import_log(struct cdn_store *st, size_t limit, json_t **out);

/* Write every record as JSON Lines, in an order that re-imports. */
int cdn_export_json(struct cdn_txn *txn, FILE *out, uint64_t *count);

#endif
