/*
 * api-evidence.c - evidence over HTTP (routes.h):
 *
 *   POST /api/v1/cases/ID/evidence?filename=NAME[&description=T][&note=T]
 *        the file as the body (any media type), streamed to disk as it
 *        arrives and refused past CORDON_EVIDENCE_MAX (413)     officer
 *   PUT  /api/v1/evidence/ID?filename=NAME[&note=T]     a new version
 *   GET  /api/v1/evidence/ID/content[?version=N]        the file, checked
 *        against its SHA-256 as it is read
 *   GET  /api/v1/evidence/ID/log      its versions and custody events
 *   POST /api/v1/evidence/ID/custody  {"action","note"}
 *   GET  /api/v1/evidence/ID/verify   each version re-read and checked
 *
 * The record itself (versions, custody) is GET /api/v1/evidence/ID; a
 * case's evidence is the list GET /api/v1/evidence?where=case=C-n (api.c,
 * from the case index).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cordon/check.h"
#include "cordon/config.h"
#include "cordon/error.h"
#include "cordon/evidence.h"
#include "cordon/record.h"
#include "cordon/rule.h"
#include "routes.h"

uint64_t
http_evidence_max(void)
{
	const struct cdn_config *c;

	/* Checked before the server started: it cannot fail now. */
	return cdn_config(&c) == 0 ? c->evidence_max : CDN_EVIDENCE_MAX_DEFAULT;
}

int
http_evidence_is_upload(const char *method, const char *path, char *id, size_t cap)
{
	const char *p, *e;

	if (http_is(method, "POST") && strncmp(path, "/api/v1/cases/", 14) == 0) {
		p = path + 14;
		e = strchr(p, '/');
		if (!e || !http_is(e, "/evidence") || (size_t)(e - p) >= cap || e == p)
			return 0;
	} else if (http_is(method, "PUT") && strncmp(path, "/api/v1/evidence/", 17) == 0) {
		p = path + 17;
		e = p + strlen(p);
		if (strchr(p, '/') || (size_t)(e - p) >= cap || e == p)
			return 0;
	} else {
		return 0;
	}
	memcpy(id, p, (size_t)(e - p));
	id[e - p] = '\0';
	return 1;
}

/* The upload's options from its query; 0, or -1 with an answer in *res. */
static int
upload_opts(struct http_req *r, struct cdn_evidence_opts *o, enum MHD_Result *res)
{
	memset(o, 0, sizeof *o);
	o->filename = http_arg(r, "filename");
	o->note = http_arg(r, "note");
	o->description = http_arg(r, "description");
	if (!o->filename || !*o->filename) {
		*res = http_error(r, 400, "bad_request", "filename",
		    "give the file's name as ?filename=NAME");
		return -1;
	}
	return 0;
}

/* The answer to an upload the library took (`rc`). */
static enum MHD_Result
uploaded(struct http_req *r, int rc, json_t *out)
{
	if (http_written(r, rc) != 0) {
		json_decref(out);
		return http_fail(r);
	}
	if (http_is(r->method, "POST")) {
		char loc[96];

		snprintf(loc, sizeof loc, "/api/v1/evidence/%s",
		    json_string_value(json_object_get(out, "id")));
		return http_json_header(r, 201, out, MHD_HTTP_HEADER_LOCATION, loc);
	}
	return http_json(r, 200, out);
}

enum MHD_Result
http_evidence_upload(struct http_req *r, const char *id, char *file)
{
	struct cdn_evidence_opts o;
	enum MHD_Result res;
	json_t *out = NULL;
	int rc;

	if (upload_opts(r, &o, &res) != 0)
		return res;
	if (http_is(r->method, "POST"))
		rc = cdn_evidence_add(r->st, r->user, id, file, &o, &out);
	else
		rc = cdn_evidence_update(r->st, r->user, id, file, &o, &out);
	return uploaded(r, rc, out);
}

/*
 * An upload whose size is announced goes into the store as it arrives:
 * the request's thread writes the body into a pipe, and a worker adds it
 * from the other end (cdn_evidence_add_from), so nothing is spooled.
 */
struct upload_job {
	pthread_t thread;
	int rfd;
	struct http_req *r;
	const char *id;
	struct cdn_evidence_opts o;
	uint64_t size;
	int rc;
	struct cdn_error err;	/* the worker's, carried to the answer */
	json_t *out;
};

static long
pipe_read(void *arg, void *buf, size_t cap)
{
	struct upload_job *j = arg;
	ssize_t n;

	while ((n = read(j->rfd, buf, cap)) < 0 && errno == EINTR)
		;
	return n < 0 ? cdn_error_set(CDN_EIO, NULL, "the upload: %s", strerror(errno)) : (long)n;
}

static void *
upload_worker(void *arg)
{
	struct upload_job *j = arg;
	struct cdn_source src = { pipe_read, j, j->size };

	if (http_is(j->r->method, "POST"))
		j->rc = cdn_evidence_add_from(j->r->st, j->r->user, j->id, &src, &j->o, &j->out);
	else
		j->rc = cdn_evidence_update_from(j->r->st, j->r->user, j->id, &src, &j->o, &j->out);
	j->err = *cdn_error_last();
	/* Whatever is left of the body is not read: the writer's next write
	 * fails, and it drops the rest. */
	close(j->rfd);
	return NULL;
}

int
http_evidence_begin(struct http_req *r, const char *id, uint64_t size, int *fd, void **job,
    enum MHD_Result *res)
{
	struct upload_job *j = calloc(1, sizeof *j);
	int p[2] = { -1, -1 };

	*job = NULL;
	if (!j) {
		*res = http_error(r, 500, "internal", NULL, "out of memory");
		return -1;
	}
	if (upload_opts(r, &j->o, res) != 0) {
		free(j);
		return -1;
	}
	j->r = r;
	j->id = id;
	j->size = size;
	if (pipe2(p, O_CLOEXEC) != 0) {
		free(j);
		*res = http_error(r, 500, "internal", NULL, "cannot take the upload: %s",
		    strerror(errno));
		return -1;
	}
	j->rfd = p[0];
	if (pthread_create(&j->thread, NULL, upload_worker, j) != 0) {
		close(p[0]);
		close(p[1]);
		free(j);
		*res = http_error(r, 500, "internal", NULL, "cannot take the upload now");
		return -1;
	}
	*fd = p[1];
	*job = j;
	return 0;
}

/* The body has all come (or the request ended): the worker is told by
 * the end of the pipe, and waited for. */
static struct upload_job *
upload_end(void *job, int *fd)
{
	struct upload_job *j = job;

	if (*fd >= 0) {
		close(*fd);
		*fd = -1;
	}
	pthread_join(j->thread, NULL);
	return j;
}

enum MHD_Result
http_evidence_finish(struct http_req *r, void *job, int *fd)
{
	struct upload_job *j = upload_end(job, fd);
	enum MHD_Result res;

	if (j->rc != 0)
		cdn_error_set(j->rc, j->err.field[0] ? j->err.field : NULL, "%s", j->err.message);
	res = uploaded(r, j->rc, j->out);
	free(j);
	return res;
}

void
http_evidence_abandon(void *job, int *fd)
{
	struct upload_job *j = upload_end(job, fd);

	json_decref(j->out);
	free(j);
}

static enum MHD_Result
content(struct http_req *r, const char *id)
{
	const char *v = http_arg(r, "version");
	uint64_t version = 0;
	json_t *ver = NULL;
	struct MHD_Response *resp;
	struct stat sb;
	int fd, rc;

	if (v && http_number(v, 1, INT64_MAX, &version) != 0)
		return http_error(r, 400, "bad_request", "version", "version must be a number >= 1");
	if ((fd = cdn_tmpfile("get", NULL, NULL, 0)) < 0)
		return http_error(r, 500, "internal", NULL, "no room for a temporary file");
	rc = cdn_evidence_get(r->st, id, version, fd, &ver);
	if (rc != 0 || fstat(fd, &sb) != 0 || lseek(fd, 0, SEEK_SET) != 0) {
		close(fd);
		json_decref(ver);
		return http_fail(r);
	}
	if ((resp = MHD_create_response_from_fd((uint64_t)sb.st_size, fd)) == NULL) {
		close(fd);
		json_decref(ver);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "X-Checksum-SHA256",
	    json_string_value(json_object_get(ver, "sha256")) ?
	    json_string_value(json_object_get(ver, "sha256")) : "");
	{
		/* The name it was added under (checked then: a base name). */
		const char *fn = json_string_value(json_object_get(ver, "filename"));
		const char *type = json_string_value(json_object_get(ver, "media_type"));
		enum MHD_Result res = http_attachment(r, resp, type ? type : "application/octet-stream",
		    fn && *fn ? fn : id);

		json_decref(ver);
		return res;
	}
}

static enum MHD_Result
custody(struct http_req *r, const char *id)
{
	json_t *in, *out = NULL;
	enum MHD_Result res;
	int rc;

	if (!http_is(r->method, "POST"))
		return http_error(r, 405, "method_not_allowed", NULL, "use POST");
	if (http_body_read(r, HTTP_BODY_JSON, &in, &res) != 0)
		return res;
	rc = cdn_evidence_custody(r->st, r->user, id, json_string_value(json_object_get(in, "action")),
	    json_string_value(json_object_get(in, "note")), &out);
	json_decref(in);
	if (rc != 0)
		return http_fail(r);
	return http_json(r, 200, out);
}

enum MHD_Result
http_evidence_sub(struct http_req *r, const char *id, const char *sub)
{
	if (http_is(sub, "content")) {
		if (!http_is(r->method, "GET"))
			return http_error(r, 405, "method_not_allowed", NULL, "use GET");
		return content(r, id);
	}
	if (http_is(sub, "custody"))
		return custody(r, id);
	if (http_is(sub, "verify")) {
		json_t *out = NULL;

		if (!http_is(r->method, "GET"))
			return http_error(r, 405, "method_not_allowed", NULL, "use GET");
		if (cdn_evidence_verify_one(r->st, id, &out) != 0)
			return http_fail(r);
		return http_json(r, 200, out);
	}
	if (http_is(sub, "log")) {
		struct cdn_txn *txn;
		json_t *rec = NULL;
		int rc;

		if (!http_is(r->method, "GET"))
			return http_error(r, 405, "method_not_allowed", NULL, "use GET");
		if ((rc = cdn_txn_begin(r->st, CDN_TXN_READ, &txn)) == 0) {
			rc = cdn_record_get(txn, id, &rec);
			cdn_txn_abort(txn);
		}
		if (rc != 0)
			return http_fail(r);
		if (!json_is_array(json_object_get(rec, "versions"))) {
			json_decref(rec);
			return http_error(r, 404, "not_found", NULL, "%s is not evidence", id);
		}
		{
			json_t *out = json_pack("{s:O,s:O,s:O}", "id", json_object_get(rec, "id"),
			    "versions", json_object_get(rec, "versions"), "custody",
			    json_object_get(rec, "custody"));

			json_decref(rec);
			return http_json(r, 200, out);
		}
	}
	return http_error(r, 404, "not_found", NULL, "no such route");
}
