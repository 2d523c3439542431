/*
 * request.h - one request as the handlers see it: its query arguments,
 * its body and its answer. The bottom of the HTTP modules (http.h draws
 * them): request.c calls only the library and libmicrohttpd, body.c
 * request.c besides, and every other file of src/http calls them.
 *
 * Answers are queued on the request's connection once: a function that
 * answers returns what MHD_queue_response said, and sets r->status.
 */
#ifndef CORDON_HTTP_REQUEST_H
#define CORDON_HTTP_REQUEST_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <jansson.h>
#include <microhttpd.h>

#include "cordon/error.h"
#include "cordon/rule.h"
#include "cordon/store.h"
#include "cordon/user.h"

/* One request, as the handlers see it. */
struct http_req {
	struct MHD_Connection *conn;
	struct cdn_store *st;
	const char *method, *path;
	const char *body;
	size_t len;
	int tls;
	/* Who is calling (auth.h). */
	int authed, via_cookie;
	char user[65];
	char csrf[65];		/* the session's CSRF token, if via_cookie */
	enum cdn_role role;
	/* What was answered, for the access log. */
	unsigned status;
	/* A Warning header for the answer: the write is in, but the rules
	 * did not run on it (http_written). */
	char warning[CDN_MESSAGE_MAX + 16];
};

/* --- arguments (request.c) ----------------------------------------------------- */

/* A query-string argument, or NULL; string equality. */
static inline const char *
http_arg(struct http_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

static inline int
http_is(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

/* A whole number from `s` in [lo, hi]: 0 with *out, or -1. Digits only:
 * no sign, space, leading '+' or trailing text ("4abc", "+5", " 5" are no
 * numbers), as cdn_query_number reads them. Every number a query string
 * carries is read by this. */
int http_number(const char *s, uint64_t lo, uint64_t hi, uint64_t *out);
/* Argument `name` as such a number: 0 with *out (`dflt` if the argument is
 * absent), or -1 with a 400 naming it queued, its result in *res. Given
 * without a value ("?limit") it is given wrong, not absent. */
int http_arg_number(struct http_req *r, const char *name, uint64_t lo, uint64_t hi,
    uint64_t dflt, uint64_t *out, enum MHD_Result *res);

/* 0 if every query argument is among `known` (a NULL-ended list); else
 * -1 with a 400 naming the first other one queued ("TAKES, not NAME"),
 * its result in *res: a misspelt argument is never silently ignored. */
int http_args_only(struct http_req *r, const char *const *known, const char *takes,
    enum MHD_Result *res);

/* The request's client address as text ("-" if unknown), in `buf`. */
const char *http_client_addr(struct MHD_Connection *conn, char *buf, size_t cap);

/* --- the body (body.c) ---------------------------------------------------------- */

#define HTTP_BODY_MAX	(1u << 20)	/* bytes of a request body held in memory */

/* A body held in memory as it arrives (the daemon's; files are streamed
 * elsewhere). Zeroed before use. */
struct http_body {
	char *data;		/* NUL-terminated, or NULL while empty */
	size_t len;
	int over;		/* past HTTP_BODY_MAX: the rest is dropped */
};

/* Before any of it: a Content-Length over the limit makes it over. */
void http_body_expect(struct http_body *b, const char *content_length);
/* The next `n` bytes: 0, or -1 (out of memory). */
int http_body_add(struct http_body *b, const char *data, size_t n);
/* Answer 413 for a body that is over. */
enum MHD_Result http_body_too_large(struct http_req *r);
void http_body_free(struct http_body *b);

/* What a route takes as its body (doc/api.md): a JSON object (sent as
 * application/json or application/merge-patch+json), the same where an
 * empty body means {} (no Content-Type needed then), or a rule's Lua
 * source (text/x-lua, text/plain or application/x-lua). */
enum http_body_kind { HTTP_BODY_JSON, HTTP_BODY_JSON_OPTIONAL, HTTP_BODY_LUA };

/* The request's body as `kind`: 0, with *json a new JSON object for the
 * JSON kinds (r->body and r->len hold the text either way); or -1 with an
 * answer queued (415 for another media type, 400 for an empty body, text
 * that is not JSON or JSON that is not an object), its result in *res. */
int http_body_read(struct http_req *r, enum http_body_kind kind, json_t **json,
    enum MHD_Result *res);

/* --- answers (request.c) --------------------------------------------------------- */

/* Answer with `json` (stolen) and `status`. */
enum MHD_Result http_json(struct http_req *r, unsigned status, json_t *json);
/* Answer {"error":{"code","message","field"}}. */
enum MHD_Result http_error(struct http_req *r, unsigned status, const char *code,
    const char *field, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Answer with the library's last error, mapped to its status. */
enum MHD_Result http_fail(struct http_req *r);
/* Answer `status` with `json` (stolen) and one extra header. */
enum MHD_Result http_json_header(struct http_req *r, unsigned status, json_t *json,
    const char *header, const char *value);
/* Answer `status` with `len` bytes of `body` (taken: released with free())
 * of media type `type`, with the security headers, Cache-Control: no-store
 * and the `n` headers of `extra` ({name, value} pairs). */
enum MHD_Result http_send(struct http_req *r, unsigned status, const char *type, char *body,
    size_t len, const char *const (*extra)[2], size_t n);
/* Answer 200 with `resp` (taken) as a download: Content-Type `type`,
 * Content-Disposition attachment as `filename`, a sandboxing CSP. */
enum MHD_Result http_attachment(struct http_req *r, struct MHD_Response *resp, const char *type,
    const char *filename);
/* Answer `status` with `resp` (taken; NULL answers nothing) and the
 * security headers, Content-Type `type` and Cache-Control `cache` (each
 * unless NULL): what the others end in, and the daemon's own files. */
enum MHD_Result http_answer(struct http_req *r, unsigned status, struct MHD_Response *resp,
    const char *type, const char *cache);

/* The result of a write through the library: CDN_ERULES (written, but the
 * rules did not run on it) is logged, becomes the answer's Warning header
 * and 0, so that the write is answered as done; any other code is
 * returned. */
int http_written(struct http_req *r, int rc);

#endif
