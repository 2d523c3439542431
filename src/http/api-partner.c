/*
 * api-partner.c - sharing with partners over the API (routes.h):
 *
 *   GET    /api/v1/partners               every partner             supervisor
 *   POST   /api/v1/partners               {name, country, max_tlp, …}   admin
 *   GET    /api/v1/partners/NAME          one                       supervisor
 *   PATCH  /api/v1/partners/NAME          policy members to change  supervisor
 *   DELETE /api/v1/partners/NAME          with its user and tokens       admin
 *   GET    /api/v1/partners/NAME/preview  what it would receive now, redacted:
 *                                         since, limit, format=records|stix
 *   POST   /api/v1/exports                {partner, format, since}: 202, made
 *                                         in the background         supervisor
 *   GET    /api/v1/exports                what was exported: partner, limit
 *   GET    /api/v1/exports/ID             one export (a number) or job (job-…)
 *   GET    /api/v1/exports/ID/NAME        a file of an export made here
 *
 * Exports made through the API are written under STORE/exports/SEQ/ (SEQ
 * the export's number in the audit trail), built first in a job's
 * directory (STORE/exports/job-ID/) and renamed when whole.
 */
#include <dirent.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cordon/error.h"
#include "cordon/export.h"
#include "cordon/partner.h"
#include "cordon/query.h"
#include "cordon/share.h"
#include "cordon/stix.h"
#include "auth.h"
#include "jobs.h"
#include "routes.h"

#define PREVIEW_DEFAULT	20
#define LOG_DEFAULT	50
#define LOG_MAX		1000
#define JOBS_RUNNING	2

/* --- partners ----------------------------------------------------------------------- */

struct preview_stix {
	json_t *objects;
	size_t limit, count;
};

static int
preview_stix_fn(void *arg, json_t *objects, json_t *ids, int64_t modified)
{
	struct preview_stix *p = arg;
	json_t *o;
	size_t i;

	(void)ids;
	(void)modified;
	json_array_foreach(objects, i, o) {
		if (json_array_size(p->objects) < p->limit)
			json_array_append(p->objects, o);
		p->count++;
	}
	return 0;
}

static enum MHD_Result
preview(struct http_req *r, const char *name)
{
	const char *since = http_arg(r, "since"), *format = http_arg(r, "format");
	enum MHD_Result res;
	uint64_t n;
	json_t *out = NULL;

	if (!http_is(r->method, "GET"))
		return http_error(r, 405, "method_not_allowed", NULL, "use GET");
	if (http_arg_number(r, "limit", 1, CDN_PREVIEW_LIMIT_MAX, PREVIEW_DEFAULT, &n, &res) != 0)
		return res;
	if (format && !http_is(format, "records") && !http_is(format, "stix"))
		return http_error(r, 400, "bad_request", "format", "format is records or stix");
	if (!format || http_is(format, "records")) {
		if (cdn_share_preview(r->st, name, since, n, &out) != 0)
			return http_fail(r);
		return http_json(r, 200, out);
	}
	{
		struct cdn_share_req req = { NULL, since, NULL, NULL };
		struct preview_stix p = { json_array(), n, 0 };
		struct cdn_share_stats stats = { 0 };
		struct cdn_txn *txn;
		int rc;

		if ((rc = cdn_txn_begin(r->st, CDN_TXN_READ, &txn)) == 0) {
			if ((rc = cdn_partner_get_txn(txn, name, &req.partner)) == 0)
				rc = cdn_stix_walk(txn, &req, preview_stix_fn, &p, &stats);
			cdn_txn_abort(txn);
		}
		json_decref(req.partner);
		if (rc != 0) {
			json_decref(p.objects);
			return http_fail(r);
		}
		return http_json(r, 200, json_pack("{s:s,s:o,s:I,s:b,s:{s:I,s:I,s:I,s:I}}", "partner",
		    name, "objects", p.objects, "count", (json_int_t)p.count, "more", p.count > n,
		    "stats", "groups", (json_int_t)stats.groups, "records", (json_int_t)stats.records,
		    "withheld", (json_int_t)stats.withheld, "texts_dropped",
		    (json_int_t)stats.texts_dropped));
	}
}

enum MHD_Result
http_partners(struct http_req *r, const char *rest)
{
	char name[80];
	const char *slash;
	enum MHD_Result res;
	json_t *in = NULL, *out = NULL;
	int rc;

	if (!http_require(r, CDN_ROLE_SUPERVISOR, &res))
		return res;
	if (!*rest || http_is(rest, "/")) {
		if (http_is(r->method, "GET")) {
			if (cdn_partner_list(r->st, &out) != 0)
				return http_fail(r);
			return http_json(r, 200, json_pack("{s:o}", "items", out));
		}
		if (!http_is(r->method, "POST"))
			return http_error(r, 405, "method_not_allowed", NULL, "use GET or POST");
		if (!http_require(r, CDN_ROLE_ADMIN, &res))
			return res;
		if (http_body_read(r, HTTP_BODY_JSON, &in, &res) != 0)
			return res;
		{
			json_t *nm = json_incref(json_object_get(in, "name"));
			char loc[128];

			json_object_del(in, "name");
			if (!json_is_string(nm)) {
				json_decref(nm);
				json_decref(in);
				return http_error(r, 422, "invalid", "name", "required: the partner's name");
			}
			rc = cdn_partner_add(r->st, r->user, json_string_value(nm), in, &out);
			snprintf(loc, sizeof loc, "/api/v1/partners/%.64s", json_string_value(nm));
			json_decref(nm);
			json_decref(in);
			if (rc != 0)
				return http_fail(r);
			return http_json_header(r, 201, out, MHD_HTTP_HEADER_LOCATION, loc);
		}
	}
	rest++;
	slash = strchr(rest, '/');
	if ((slash ? (size_t)(slash - rest) : strlen(rest)) >= sizeof name)
		return http_error(r, 404, "not_found", NULL, "no such partner");
	snprintf(name, sizeof name, "%.*s", slash ? (int)(slash - rest) : (int)strlen(rest), rest);
	if (slash) {
		if (!http_is(slash, "/preview"))
			return http_error(r, 404, "not_found", NULL, "no such route");
		return preview(r, name);
	}
	if (http_is(r->method, "GET")) {
		rc = cdn_partner_get(r->st, name, &out);
	} else if (http_is(r->method, "PATCH")) {
		if (http_body_read(r, HTTP_BODY_JSON, &in, &res) != 0)
			return res;
		rc = cdn_partner_update(r->st, r->user, name, in, &out);
		json_decref(in);
	} else if (http_is(r->method, "DELETE")) {
		if (!http_require(r, CDN_ROLE_ADMIN, &res))
			return res;
		if (cdn_partner_remove(r->st, r->user, name) != 0)
			return http_fail(r);
		return http_json(r, 200, json_pack("{s:s,s:b}", "name", name, "removed", 1));
	} else {
		return http_error(r, 405, "method_not_allowed", NULL, "%s is not allowed here", r->method);
	}
	return rc ? http_fail(r) : http_json(r, 200, out);
}

/* --- exports, made in the background --------------------------------------------------- */

struct job {
	struct http_job base;
	struct cdn_store *st;
	char user[65], partner[65], since[40];
	enum cdn_export_format format;
	char dir[PATH_MAX];	/* where it is built */
	json_t *result;		/* the export's record, once done */
	char error[CDN_MESSAGE_MAX + CDN_FIELD_MAX];
	unsigned status;	/* the HTTP status of a failure */
};

static void
job_release(struct http_job *base)
{
	struct job *j = (struct job *)base;

	json_decref(j->result);
	free(j);
}

static void
exports_dir(struct cdn_store *st, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s/exports", cdn_store_dir(st));
}

static unsigned
status_of(int code)
{
	switch (code) {
	case CDN_EINVAL: return 422;
	case CDN_EUSAGE: return 400;
	case CDN_ENOTFOUND: return 404;
	default: return 500;
	}
}

static int
run_job(struct http_job *base)
{
	struct job *j = (struct job *)base;
	struct cdn_export_opts o = { j->partner, j->format, j->since[0] ? j->since : NULL, NULL,
		NULL, NULL, NULL };
	char out[PATH_MAX], final[PATH_MAX], exp[PATH_MAX];
	int rc;

	/* Everything is made inside the job's directory (a feed is built
	 * beside its final name, so that is job-…/feed.export-…), and what is
	 * finished becomes STORE/exports/SEQ: the feed itself, or the job's
	 * directory holding the file and its signature. */
	if (j->format == CDN_EXPORT_MISP)
		snprintf(out, sizeof out, "%s/feed", j->dir);
	else
		snprintf(out, sizeof out, "%s/%s-%s.%s", j->dir, j->partner,
		    cdn_export_format_name(j->format), j->format == CDN_EXPORT_CSV ? "csv" : "json");
	o.out = out;
	rc = cdn_export(j->st, j->user, &o, &j->result);
	if (rc == 0) {
		const char *id = json_string_value(json_object_get(j->result, "id"));

		exports_dir(j->st, exp, sizeof exp);
		snprintf(final, sizeof final, "%s/%llu", exp, id ? strtoull(id + 7, NULL, 10) : 0ULL);
		if (rename(j->format == CDN_EXPORT_MISP ? out : j->dir, final) != 0) {
			rc = -1;
			snprintf(j->error, sizeof j->error, "exported (%s) but not kept for download: %s",
			    id ? id : "?", strerror(errno));
		}
		if (rc == 0 && j->format == CDN_EXPORT_MISP) {
			/* The trail's checkpoint beside the feed goes beside it. */
			char from[PATH_MAX + 32], to[PATH_MAX + 32];

			for (int i = 0; i < 2; i++) {
				snprintf(from, sizeof from, "%s.checkpoint.json%s", out, i ? ".sig" : "");
				snprintf(to, sizeof to, "%s.checkpoint.json%s", final, i ? ".sig" : "");
				rename(from, to);
			}
		}
		rmdir(j->dir);	/* the feed's, now empty */
	} else {
		cdn_error_format(cdn_error_last(), j->error, sizeof j->error);
		j->status = status_of(rc);
		rmdir(j->dir);
	}
	cdn_error_clear();
	return rc == 0 ? 0 : -1;
}

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

struct owner {
	const char *name;
	int mine;
};

static void
owns(struct http_job *j, void *arg)
{
	struct owner *o = arg;

	o->mine |= j->state == 0 && strncmp(o->name, j->id, strlen(j->id)) == 0;
}

/* Remove what jobs cut short by a restart left: job-… directories no
 * running job owns (a job writes nothing outside its own). Called with
 * the jobs' lock held. */
static void
sweep(struct cdn_store *st)
{
	char dir[PATH_MAX], path[PATH_MAX + 64];
	struct dirent *e;
	DIR *d;

	exports_dir(st, dir, sizeof dir);
	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		struct owner o = { e->d_name, 0 };

		if (strncmp(e->d_name, "job-", 4) != 0)
			continue;
		http_jobs_each("export", owns, &o);
		if (!o.mine) {
			snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
			nftw(path, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
		}
	}
	closedir(d);
}

/* The job as JSON; called with the jobs' lock held. */
static json_t *
job_json(struct job *j)
{
	int state = j->base.state;
	json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s?}", "job", j->base.id, "status", state == 0 ?
	    "running" : state > 0 ? "done" : "failed", "partner", j->partner, "format",
	    cdn_export_format_name(j->format), "error", state < 0 ? j->error : NULL);

	if (state > 0 && j->result) {
		const char *id = json_string_value(json_object_get(j->result, "id"));

		json_object_set(o, "export", j->result);
		json_object_set_new(o, "href", json_sprintf("/api/v1/exports/%llu",
		    id ? strtoull(id + 7, NULL, 10) : 0ULL));
	}
	return o;
}

static json_t *
job_show(struct http_job *base)
{
	return job_json((struct job *)base);
}

static enum MHD_Result
start(struct http_req *r)
{
	json_t *in = NULL;
	const char *partner, *format, *since;
	char dir[PATH_MAX], loc[64];
	struct job *j = NULL;
	enum MHD_Result res;
	int f;

	if (http_body_read(r, HTTP_BODY_JSON, &in, &res) != 0)
		return res;
	partner = json_string_value(json_object_get(in, "partner"));
	format = json_string_value(json_object_get(in, "format"));
	since = json_string_value(json_object_get(in, "since"));
	if (!partner || strlen(partner) > 64) {
		json_decref(in);
		return http_error(r, 422, "invalid", "partner", "required: a partner's name");
	}
	if ((f = cdn_export_format_parse(format)) < 0) {
		json_decref(in);
		return http_error(r, 422, "invalid", "format", "required: stix, misp or csv");
	}
	if (since && strlen(since) > 35) {
		json_decref(in);
		return http_error(r, 422, "invalid", "since", "a date or date-time");
	}
	if ((j = calloc(1, sizeof *j)) == NULL || http_job_id(&j->base) != 0) {
		free(j);
		json_decref(in);
		return http_error(r, 500, "internal", NULL, "out of memory");
	}
	j->base.kind = "export";
	j->base.run = run_job;
	j->base.show = job_show;
	j->base.release = job_release;
	j->st = r->st;
	j->format = (enum cdn_export_format)f;
	snprintf(j->user, sizeof j->user, "%s", r->user);
	snprintf(j->partner, sizeof j->partner, "%s", partner);
	snprintf(j->since, sizeof j->since, "%s", since ? since : "");
	json_decref(in);
	exports_dir(r->st, dir, sizeof dir);
	snprintf(j->dir, sizeof j->dir, "%s/%s", dir, j->base.id);

	http_jobs_lock();
	if (http_jobs_running("export") >= JOBS_RUNNING) {
		http_jobs_unlock();
		free(j);
		return http_error(r, 429, "busy", NULL, "%d exports are under way: try again when one "
		    "is done", JOBS_RUNNING);
	}
	sweep(r->st);
	if ((mkdir(dir, 0700) != 0 && errno != EEXIST) || mkdir(j->dir, 0700) != 0) {
		http_jobs_unlock();
		free(j);
		return http_error(r, 500, "internal", NULL, "cannot make a place for the export");
	}
	if (http_job_add(&j->base) != 0) {
		snprintf(j->error, sizeof j->error, "cannot start the export");
		rmdir(j->dir);
	}
	snprintf(loc, sizeof loc, "/api/v1/exports/%s", j->base.id);
	res = http_json_header(r, 202, job_json(j), MHD_HTTP_HEADER_LOCATION, loc);
	http_jobs_unlock();
	return res;
}

/* An export's record, with `href` (where its files are) if it was made
 * here and its files are kept: those made with `cordon export` are only
 * where that command wrote them. */
static void
with_href(struct cdn_store *st, json_t *e)
{
	char path[PATH_MAX];
	unsigned long long seq = (unsigned long long)json_integer_value(json_object_get(e, "seq"));
	struct stat sb;

	exports_dir(st, path, sizeof path);
	snprintf(path + strlen(path), sizeof path - strlen(path), "/%llu", seq);
	if (seq && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
		json_object_set_new(e, "href", json_sprintf("/api/v1/exports/%llu", seq));
}

/* A file of export SEQ, made here: STORE/exports/SEQ/NAME. */
static enum MHD_Result
download(struct http_req *r, unsigned long long seq, const char *name)
{
	static const char *const types[][2] = { { ".json", "application/json" },
		{ ".csv", "text/csv; charset=utf-8" }, { ".sig", "application/octet-stream" },
		{ "SHA256SUMS", "text/plain; charset=utf-8" } };
	const char *type = "application/octet-stream";
	char path[PATH_MAX];
	struct MHD_Response *resp;
	struct stat sb;
	size_t nl = strlen(name);
	int fd;

	if (nl == 0 || nl > 120 || name[0] == '.' || strspn(name,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") != nl)
		return http_error(r, 404, "not_found", NULL, "no such file");
	exports_dir(r->st, path, sizeof path);
	snprintf(path + strlen(path), sizeof path - strlen(path), "/%llu/%s", seq, name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return http_error(r, 404, "not_found", NULL, "no such file (only exports made "
		    "through the API are kept for download)");
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    (resp = MHD_create_response_from_fd((uint64_t)sb.st_size, fd)) == NULL) {
		close(fd);
		return http_error(r, 404, "not_found", NULL, "no such file");
	}
	for (size_t i = 0; i < sizeof types / sizeof *types; i++)
		if (nl >= strlen(types[i][0]) && strcmp(name + nl - strlen(types[i][0]), types[i][0]) == 0)
			type = types[i][1];
	return http_attachment(r, resp, type, name);
}

enum MHD_Result
http_exports(struct http_req *r, const char *rest)
{
	enum MHD_Result res;
	json_t *out = NULL;

	if (!http_require(r, CDN_ROLE_SUPERVISOR, &res))
		return res;
	if (!*rest || http_is(rest, "/")) {
		if (http_is(r->method, "POST"))
			return start(r);
		if (!http_is(r->method, "GET"))
			return http_error(r, 405, "method_not_allowed", NULL, "use GET or POST");
		uint64_t n;
		json_t *e;
		size_t i;

		if (http_arg_number(r, "limit", 1, LOG_MAX, LOG_DEFAULT, &n, &res) != 0)
			return res;

		if (cdn_export_log(r->st, http_arg(r, "partner"), n, &out) != 0)
			return http_fail(r);
		json_array_foreach(out, i, e)
			with_href(r->st, e);
		return http_json(r, 200, json_pack("{s:o}", "items", out));
	}
	rest++;
	if (!http_is(r->method, "GET"))
		return http_error(r, 405, "method_not_allowed", NULL, "use GET");
	if (strncmp(rest, "job-", 4) == 0)
		return http_job_answer(r, "export", rest);
	{
		char *end;
		unsigned long long seq = strtoull(rest, &end, 10);

		if (end == rest || seq == 0 || (*end && *end != '/') || !isdigit((unsigned char)*rest))
			return http_error(r, 404, "not_found", NULL, "no such export");
		if (*end == '/')
			return download(r, seq, end + 1);
		if (cdn_export_get(r->st, seq, &out) != 0) {
			if (cdn_error_last()->code != CDN_ENOTFOUND)
				return http_fail(r);
			cdn_error_clear();
			return http_error(r, 404, "not_found", NULL, "no such export");
		}
		with_href(r->st, out);
		return http_json(r, 200, out);
	}
}
