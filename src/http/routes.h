/*
 * routes.h - the routes beyond records, one file each, which the router
 * (api.h) and, for uploads, the daemon (http.h) call. Each is over
 * request.h and what it includes of auth.h, jobs.h and filters.h; none
 * calls another of them.
 */
#ifndef CORDON_HTTP_ROUTES_H
#define CORDON_HTTP_ROUTES_H

#include "request.h"

/* Alerts' triage, rules, the audit trail, users (api-admin.c). */
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

/* Partners, their previews, and exports (api-partner.c). */
enum MHD_Result http_partners(struct http_req *r, const char *rest);
enum MHD_Result http_exports(struct http_req *r, const char *rest);

/* Records counted in groups, for the dashboard (api-stats.c). */
enum MHD_Result http_stats(struct http_req *r);

/* TAXII 2.1, read-only, under /taxii2/ (taxii.c): each partner's
 * collection of what its policy lets it receive, as STIX objects. The
 * route label a TAXII path is counted under in the metrics (a constant);
 * and the collections kept in memory, freed once the daemon has stopped. */
enum MHD_Result http_taxii(struct http_req *r);
const char *http_taxii_route(const char *path);
void http_taxii_free(void);

#endif
