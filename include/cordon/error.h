/*
 * error.h - the one error type of cordon.
 *
 * Library functions return 0 on success or a negative cdn_code, and leave
 * the details (the field concerned and a one-line, impersonal message) in a
 * per-thread slot read with cdn_error_last(). A code is propagated as it is,
 * never overwritten by callers. Front-ends turn the code into an exit status
 * (cdn_error_exit_code) or, later, an HTTP status, each in one place.
 */
#ifndef CORDON_ERROR_H
#define CORDON_ERROR_H

enum cdn_code {
	CDN_OK = 0,
	CDN_EINVAL = -1,	/* invalid input (a field fails validation) */
	CDN_ENOTFOUND = -2,	/* no such record, store or file */
	CDN_ECONFLICT = -3,	/* version conflict (--if-version) */
	CDN_EEXIST = -4,	/* already exists (init on a store) */
	CDN_EINUSE = -5,	/* still linked or referenced */
	CDN_ENOTSTORE = -6,	/* directory is not a cordon store */
	CDN_ESTORE = -7,	/* store failure: I/O, corruption, full disk */
	CDN_ENOMEM = -8,	/* out of memory */
	CDN_EUSAGE = -9,	/* a bad request: options, ids as arguments */
	CDN_EIO = -10,		/* file I/O outside the store */
	CDN_EAUTH = -11,	/* wrong user, password or token */
	CDN_ENOSPC = -12,	/* the disk holding the store is full: nothing written */
	CDN_ERULES = -13,	/* written, but the rules could not run on it (rule.h) */
};

#define CDN_FIELD_MAX 128
#define CDN_MESSAGE_MAX 512

struct cdn_error {
	int code;
	char field[CDN_FIELD_MAX];	/* dotted field path, or "" */
	char message[CDN_MESSAGE_MAX];	/* one line, no trailing newline */
};

/*
 * Record an error for this thread and return `code`, so that callers can
 * write `return cdn_error_set(CDN_EINVAL, "title", "required");`.
 * `field` may be NULL. Field and message are made UTF-8 (cdn_utf8_repair):
 * they quote input, and are written into JSON.
 */
int cdn_error_set(int code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The last error recorded on this thread (never NULL; code 0 if none). */
const struct cdn_error *cdn_error_last(void);
void cdn_error_clear(void);

/*
 * Prefix the current error's field with `prefix` ("commodity" + "category"
 * becomes "commodity.category"), used as validation unwinds nested objects.
 */
void cdn_error_prefix_field(const char *prefix);

/* Exit status for a code: 0 ok (CDN_ERULES too: the write is in), 1 failure,
 * 2 usage, 3 not found, 4 conflict. */
int cdn_error_exit_code(int code);

/* Format "FIELD: message" (or just the message) into buf. */
void cdn_error_format(const struct cdn_error *e, char *buf, unsigned long len);

#endif
