/*
 * http.h - `cordon serve`: the JSON API and the web UI's files over
 * libmicrohttpd, in parts:
 *
 *   server.c  the daemon: limits, request bodies, security headers, the
 *             access log, static files, clean shutdown
 *   auth.c    who is calling: API tokens, session cookies with their CSRF
 *             token, login and its rate limit, what each role may do
 *   api.c     the routes under /api/v1/ and /healthz: records
 *   api-admin.c  alerts' triage, rules, the audit trail, users
 *   api-evidence.c  evidence: streamed uploads, downloads, custody
 *   api-stats.c  records counted in groups (the dashboard's figures)
 *   api-import.c  imports of uploaded files, in the background
 *   api-partner.c  partners, their previews, exports in the background
 *   taxii.c   TAXII 2.1 under /taxii2/: each partner's collection, read-only
 *   jobs.c    exports and imports that run on after their request
 *   filters.c the filters lists and counts take
 *   vendor.c  the web UI's libraries, from their Debian packages
 *
 * Handlers run on the daemon's pool threads; each request reads or writes
 * the store in transactions of its own.
 */
#ifndef CORDON_HTTP_H
#define CORDON_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <jansson.h>
#include <microhttpd.h>

#include "cordon/error.h"
#include "cordon/query.h"
#include "cordon/rule.h"
#include "cordon/store.h"
#include "cordon/user.h"

#define HTTP_BODY_MAX	(1u << 20)	/* bytes of a JSON request body */

struct http_opts {
	const char *listen;		/* ADDR:PORT */
	const char *tls_cert, *tls_key;	/* PEM files, or NULL */
	const char *web;		/* directory served at / */
	unsigned threads;
	int ready_fd;			/* once listening, ADDR:PORT and a newline here; or -1 */
};

/* One request, as the handlers see it. */
struct http_req {
	struct MHD_Connection *conn;
	struct cdn_store *st;
	const char *method, *path;
	const char *body;
	size_t len;
	int tls;
	/* Who is calling (auth.c). */
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

/* Serve until SIGINT or SIGTERM; then finish the requests under way. */
int http_serve(struct cdn_store *st, const struct http_opts *o);

/* The request's client address as text ("-" if unknown), in `buf`. */
const char *http_client_addr(struct MHD_Connection *conn, char *buf, size_t cap);

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

/* --- responses (server.c) ---------------------------------------------------- */

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

/* Prometheus text: requests by route, method and status, their latency,
 * the store's size, records by kind, rule errors. */
enum MHD_Result http_metrics(struct http_req *r);

/* The web UI's libraries (vendor.c). Say on standard error which of
 * their packages are missing, and what the UI does without them. */
void http_vendor_check(void);
/* Open the file REST ("NAME/PATH", from /vendor/NAME/PATH) of an
 * allow-listed library: 0 with an open descriptor and its size, or -1 (no
 * such library or file, or one resolving outside its directory). */
int http_vendor_open(const char *rest, int *fd, uint64_t *size);

/* --- who is calling (auth.c) ------------------------------------------------- */

int http_auth_init(void);
void http_auth_free(void);
/* Identify the caller from its bearer token or session cookie (or no
 * one). 0, or an answer was queued (401, 403) and its result is in *res. */
int http_identify(struct http_req *r, enum MHD_Result *res);
/* Identify the caller from the Authorization header alone, answering
 * nothing: a bearer token, or with `basic`, HTTP Basic with a user name
 * and one of that user's tokens (TAXII clients). 0 (r->authed tells if
 * there was a header), -1 if the header names no one, or -2 if the store
 * could not say (its error left in the slot: an answer of 500, never
 * "not valid"). */
int http_identify_header(struct http_req *r, int basic);
/* 1 if the caller may do it: a role at least `need`. Otherwise answers
 * 401 (no one) or 403 and returns 0 with *res set. */
int http_require(struct http_req *r, enum cdn_role need, enum MHD_Result *res);
enum MHD_Result http_login(struct http_req *r);
enum MHD_Result http_logout(struct http_req *r);
enum MHD_Result http_me(struct http_req *r);
enum MHD_Result http_session(struct http_req *r);

/* --- routes (api.c) ------------------------------------------------------------ */

enum MHD_Result http_route(struct http_req *r);
/* The request body as a JSON object sent as application/json: MHD_YES
 * with `*out` set, or an answer queued (400, 415) with `*out` NULL. */
enum MHD_Result http_body_json(struct http_req *r, json_t **out);
/* The result of a write through the library: CDN_ERULES (written, but the
 * rules did not run on it) is logged, becomes the answer's Warning header
 * and 0, so that the write is answered as done; any other code is
 * returned. */
int http_written(struct http_req *r, int rc);

/* Evidence (api-evidence.c): is this request an upload (and of which
 * case or evidence id), the size limit, the upload's answer (given the
 * temporary file the body was streamed to), and the routes under
 * /api/v1/evidence/ID/. */
int http_evidence_is_upload(const char *method, const char *path, char *id, size_t cap);
uint64_t http_evidence_max(void);
enum MHD_Result http_evidence_upload(struct http_req *r, const char *id, char *file);
/* An upload with a Content-Length is streamed into the store instead of
 * a temporary file: begin starts the worker that adds it and gives `*fd`
 * to write the body to (0; or -1 with an answer in *res); finish answers
 * once the body is in; abandon ends it when the request ends first. */
int http_evidence_begin(struct http_req *r, const char *id, uint64_t size, int *fd, void **job,
    enum MHD_Result *res);
enum MHD_Result http_evidence_finish(struct http_req *r, void *job, int *fd);
void http_evidence_abandon(void *job, int *fd);
enum MHD_Result http_evidence_sub(struct http_req *r, const char *id, const char *sub);

/* Imports (api-import.c): POST /api/v1/imports is an upload (its size
 * limit, CORDON_IMPORT_MAX), answered with 202 and a job that imports the
 * file in the background, keeping it (the name is emptied); the job and
 * the imports made under /api/v1/imports. */
int http_import_is_upload(const char *method, const char *path, char *id, size_t cap);
uint64_t http_import_max(void);
enum MHD_Result http_import_upload(struct http_req *r, const char *id, char *file);
enum MHD_Result http_imports(struct http_req *r, const char *rest);

/* --- work that outlasts its request (jobs.c) ---------------------------------- */

/* A job is a struct of its own whose first member is this. `state` is
 * read and written under the jobs' lock; `run` runs on the job's thread
 * (taking the lock to publish progress), its result read by others once
 * `state` is no longer 0. */
struct http_job {
	char id[24];			/* "job-" and 16 hex digits */
	const char *kind;		/* "export", "import" */
	int state;			/* 0 running, 1 done, -1 failed */
	int (*run)(struct http_job *j);		/* 0 done, -1 failed */
	json_t *(*show)(struct http_job *j);	/* as JSON, with the lock held */
	void (*release)(struct http_job *j);	/* frees it */
};

void http_jobs_lock(void);
void http_jobs_unlock(void);
/* A new random id in j->id: 0, or -1. */
int http_job_id(struct http_job *j);
/* With the lock held: the jobs of `kind` running. */
size_t http_jobs_running(const char *kind);
/* With the lock held: keep `j` (the table's from now on) and start it. -1
 * if no thread could be made: `j` is kept, failed. */
int http_job_add(struct http_job *j);
/* With the lock held: job `id` of `kind`, or NULL; each job of `kind`. */
struct http_job *http_job_find(const char *kind, const char *id);
void http_jobs_each(const char *kind, void (*fn)(struct http_job *j, void *arg), void *arg);
/* GET of job `id` of `kind`: 200 and what its `show` says, or 404. */
enum MHD_Result http_job_answer(struct http_req *r, const char *kind, const char *id);
/* Wait for the jobs under way to end (they hold the store), and forget
 * them all: once the daemon has stopped. */
void http_jobs_stop(void);

/* TAXII 2.1, read-only, under /taxii2/ (taxii.c): each partner's
 * collection of what its policy lets it receive, as STIX objects. The
 * route label a TAXII path is counted under in the metrics (a constant);
 * and the collections kept in memory, freed once the daemon has stopped. */
enum MHD_Result http_taxii(struct http_req *r);
const char *http_taxii_route(const char *path);
void http_taxii_free(void);

/* Partners, their previews, and exports (api-partner.c). */
enum MHD_Result http_partners(struct http_req *r, const char *rest);
enum MHD_Result http_exports(struct http_req *r, const char *rest);

/* --- a list's filters (filters.c) ---------------------------------------------- */

#define HTTP_WHERE_MAX	16

/* where=FIELD=VALUE (repeatable), since, until, tag, linked; for alerts
 * status, rule, severity and ref. Zeroed, with `kind` set, before use. */
struct http_filters {
	enum cdn_kind kind;
	struct cdn_cond c[HTTP_WHERE_MAX];
	char *buf[HTTP_WHERE_MAX];
	size_t n;
	const char *bad;	/* the first filter given wrong */
};

/* From a query-string walk: 1 if `key` is a filter (taken, or noted as
 * given wrong), 0 if not. */
int http_filter_take(struct http_filters *f, const char *key, const char *value);
/* The filters into `q` (its kind too): 0, or a 400 naming the filter given
 * wrong queued, its result in *res. */
int http_filters_query(struct http_req *r, struct http_filters *f, struct cdn_query *q,
    enum MHD_Result *res);
void http_filters_free(struct http_filters *f);
/* A whole number from `s` in [lo, hi]: 0 with *out, or -1. Digits only:
 * no sign, space, leading '+' or trailing text ("4abc", "+5", " 5" are no
 * numbers). Every number a query string carries is read by this. */
int http_number(const char *s, uint64_t lo, uint64_t hi, uint64_t *out);

/* A query-string name as an error may write it back (JSON is UTF-8). */
void http_arg_name(const char *key, char *buf, size_t cap);

/* Records counted in groups, for the dashboard (api-stats.c). */
enum MHD_Result http_stats(struct http_req *r);

/* The routes beyond records (api-admin.c). */
enum MHD_Result http_alert_action(struct http_req *r, const char *id, const char *action);
enum MHD_Result http_rules(struct http_req *r, const char *rest);
/* /api/v1/audit and what follows it ("" or "/verify"). */
enum MHD_Result http_audit(struct http_req *r, const char *rest);
/* GET /api/v1/KINDS/ID/history: the record's audit entries. */
enum MHD_Result http_history(struct http_req *r, const char *id);
enum MHD_Result http_users(struct http_req *r);
/* /api/v1/users/NAME/disable|enable; /api/v1/tokens and what follows it
 * ("" or "/ID"). */
enum MHD_Result http_user_action(struct http_req *r, const char *rest);
enum MHD_Result http_tokens(struct http_req *r, const char *rest);

#endif
