/*
 * config.h - what the environment sets (the CORDON_* variables and
 * TMPDIR), read once for the process, with one behaviour for a value
 * that is not what it must be: CDN_EUSAGE, the variable as the error's
 * field and a message saying what it must be. Front-ends check it before
 * they do anything (the command at start, the server before it listens).
 *
 * Ownership: the configuration is the library's, valid until the process
 * ends; it never changes once read.
 */
#ifndef CORDON_CONFIG_H
#define CORDON_CONFIG_H

#include <stddef.h>
#include <stdint.h>

struct cdn_config {
	const char *store;		/* CORDON_STORE; NULL: none set */
	const char *user;		/* CORDON_USER; NULL: none set */
	uint64_t evidence_max;		/* CORDON_EVIDENCE_MAX: largest evidence
					 * file, bytes (K, M, G) */
	uint64_t import_max;		/* CORDON_IMPORT_MAX: largest import
					 * uploaded to the server */
	uint64_t rule_instructions;	/* CORDON_RULE_INSTRUCTIONS */
	uint64_t rule_memory;		/* CORDON_RULE_MEMORY: at least 1M */
	unsigned sessions;		/* CORDON_SESSIONS: sessions the server
					 * keeps at once; 0: its default */
	unsigned head_timeout;		/* CORDON_HEAD_TIMEOUT: seconds a request
					 * may take to send its head; 0: default */
	int64_t body_rate;		/* CORDON_BODY_RATE: least bytes a second
					 * of a body; -1: the default */
	const char *vendor_root;	/* CORDON_VENDOR_ROOT: "" if unset */
	const char *tmpdir;		/* TMPDIR, else "/tmp" */
};

#define CDN_IMPORT_MAX_DEFAULT (1ULL << 30)
#define CDN_SESSIONS_MIN 16
#define CDN_SESSIONS_MAX 1000000u
#define CDN_HEAD_TIMEOUT_MAX 30u
#define CDN_BODY_RATE_MAX (1u << 30)

/* The configuration (`*out`), read on the first call; every later call
 * gives the same answer, error included. */
int cdn_config(const struct cdn_config **out);

/*
 * A new temporary file in the configured directory (TMPDIR, else /tmp),
 * named "cordon-WHAT-XXXXXX" and `suffix` (may be NULL): its descriptor,
 * or -1 with errno set. Its name goes to `path` (`cap` bytes) for the
 * caller to unlink; with `path` NULL it is unlinked at once.
 */
int cdn_tmpfile(const char *what, const char *suffix, char *path, size_t cap);

#endif
