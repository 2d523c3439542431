/*
 * api-import.c - bulk imports over HTTP (routes.h):
 *
 *   POST /api/v1/imports[?format=jsonl|csv][&filename=NAME]        officer
 *        the file as the body, streamed to a temporary file as it arrives
 *        (server.c) and refused past CORDON_IMPORT_MAX (413); answered 202
 *        with a job that imports it in the background, whole or not at
 *        all, exactly as `cordon import` does, then runs the rules on it
 *   GET  /api/v1/imports/job-…     the job: its progress; then what it
 *        created, or every bad line (the first BAD_LINES_MAX, and how many
 *        more) with nothing imported
 *   GET  /api/v1/imports[?limit=N] the imports made, newest first (their
 *        records in the store), with this server's jobs still running or
 *        failed (a failed import leaves nothing in the store)
 *
 * Jobs run as exports' do (jobs.c). A job owns its uploaded file and
 * removes it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cordon/check.h"
#include "cordon/config.h"
#include "cordon/error.h"
#include "cordon/import.h"
#include "cordon/rule.h"
#include "auth.h"
#include "jobs.h"
#include "routes.h"

#define JOBS_RUNNING		2	/* they take turns at the store anyway */
#define BAD_LINES_MAX		1000	/* bad lines listed, as the command line */
#define LOG_DEFAULT		20
#define LOG_MAX			200

uint64_t
http_import_max(void)
{
	const struct cdn_config *c;

	/* Checked before the server started: it cannot fail now. */
	return cdn_config(&c) == 0 ? c->import_max : CDN_IMPORT_MAX_DEFAULT;
}

int
http_import_is_upload(const char *method, const char *path, char *id, size_t cap)
{
	if (!http_is(method, "POST") || !http_is(path, "/api/v1/imports") || cap == 0)
		return 0;
	id[0] = '\0';
	return 1;
}

/* --- the jobs ------------------------------------------------------------------------ */

struct job {
	struct http_job base;
	struct cdn_store *st;
	char user[65];
	char at[32];		/* when it was sent */
	char file[64];		/* the upload, removed when the job ends */
	char filename[256];	/* the name it was sent under ("" if none) */
	uint64_t after;		/* the newest import recorded when it was sent */
	enum cdn_import_format format;
	/* Progress, under the jobs' lock. */
	const char *phase;	/* reading, indexing, committing, rules */
	uint64_t done, total;
	/* What came of it, set by the job before it ends. */
	struct cdn_import_result res;
	json_t *bad;		/* [{line, field, message}]: failed on bad lines */
	char error[CDN_MESSAGE_MAX + CDN_FIELD_MAX];	/* failed */
};

static void
job_free(struct job *j)
{
	json_decref(j->bad);
	free(j);
}

static void
job_release(struct http_job *base)
{
	job_free((struct job *)base);
}

static void
on_progress(void *arg, const char *phase, uint64_t done, uint64_t total)
{
	struct job *j = arg;

	http_jobs_lock();
	j->phase = phase;
	j->done = done;
	j->total = total;
	http_jobs_unlock();
}

/* Each bad line, after the import (on the job's thread; read by others
 * only once the job has ended). */
static void
on_error(void *arg, uint64_t line, const char *field, const char *reason)
{
	struct job *j = arg;

	if (json_array_size(j->bad) < BAD_LINES_MAX)
		json_array_append_new(j->bad, json_pack("{s:I,s:s,s:s}", "line", (json_int_t)line,
		    "field", field ? field : "", "message", reason ? reason : ""));
}

/* The library names the file by its path, here a temporary one: the
 * client knows it by its name. */
static void
job_error(struct job *j)
{
	char msg[sizeof j->error];
	const char *at;

	cdn_error_format(cdn_error_last(), msg, sizeof msg);
	if ((at = strstr(msg, j->file)) != NULL)
		snprintf(j->error, sizeof j->error, "%.*s%s%s", (int)(at - msg), msg,
		    j->filename[0] ? j->filename : "the file", at + strlen(j->file));
	else
		snprintf(j->error, sizeof j->error, "%s", msg);
}

static int
run_job(struct http_job *base)
{
	struct job *j = (struct job *)base;
	struct cdn_import_opts o = { 0 };
	int rc;

	o.format = j->format;
	o.on_error = on_error;
	o.on_progress = on_progress;
	o.arg = j;
	o.max_errors = BAD_LINES_MAX;
	o.name = j->filename;	/* "" if none was given: recorded as null */
	/* What it writes is seen by the rules before the job is done (their
	 * progress its last phase, "rules"), as after any write through the
	 * API; if they cannot run, the import is in and says so. */
	rc = cdn_import_file(j->st, j->file, j->user, &o, &j->res);
	if (rc == CDN_ERULES) {
		fprintf(stderr, "cordon: %s wrote: %s\n", j->user, cdn_error_last()->message);
		job_error(j);
		rc = 0;
	} else if (rc != 0) {
		job_error(j);
	}
	cdn_error_clear();
	unlink(j->file);
	return rc == 0 ? 0 : -1;
}

static const char *
format_name(enum cdn_import_format f)
{
	return f == CDN_IMPORT_CSV ? "csv" : "jsonl";
}

/* The job as JSON; called with the lock held. */
static json_t *
job_json(const struct job *j)
{
	int state = j->base.state;
	json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s?,s:s}", "job", j->base.id, "status",
	    state == 0 ? "running" : state > 0 ? "done" : "failed", "at", j->at, "by", j->user,
	    "filename", j->filename[0] ? j->filename : NULL, "format", format_name(j->format));

	if (!o)
		return NULL;
	if (!j->filename[0])
		json_object_set_new(o, "filename", json_null());
	if (state == 0) {
		json_object_set_new(o, "phase", json_string(j->phase ? j->phase : "waiting"));
		json_object_set_new(o, "done", json_integer((json_int_t)j->done));
		json_object_set_new(o, "total", json_integer((json_int_t)j->total));
		return o;
	}
	json_object_set_new(o, "lines", json_integer((json_int_t)j->res.lines));
	if (state > 0) {
		json_t *created = json_object();
		uint64_t records = 0;

		for (int k = 0; k < CDN_NKINDS; k++)
			if (j->res.created[k]) {
				json_object_set_new(created, cdn_kind_info((enum cdn_kind)k)->plural,
				    json_integer((json_int_t)j->res.created[k]));
				records += j->res.created[k];
			}
		json_object_set_new(o, "created", created);
		json_object_set_new(o, "records", json_integer((json_int_t)records));
		json_object_set_new(o, "import", json_sprintf("import/%012" PRIu64, j->res.seq));
		return o;
	}
	json_object_set_new(o, "error", json_string(j->error));
	json_object_set_new(o, "errors", json_integer((json_int_t)j->res.errors));
	json_object_set(o, "bad_lines", j->bad);
	json_object_set_new(o, "bad_lines_more", json_integer((json_int_t)(j->res.errors >
	    json_array_size(j->bad) ? j->res.errors - json_array_size(j->bad) : 0)));
	return o;
}

static json_t *
job_show(struct http_job *base)
{
	return job_json((struct job *)base);
}

static void
now_rfc3339(char buf[32])
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

enum MHD_Result
http_import_upload(struct http_req *r, const char *id, char *file)
{
	const char *format = http_arg(r, "format"), *filename = http_arg(r, "filename");
	static const char *const known[] = { "format", "filename", NULL };
	char why[CDN_WHY_MAX], loc[64];
	enum cdn_import_format f;
	struct job *j;
	enum MHD_Result res;
	struct stat sb;

	(void)id;
	if (http_args_only(r, known, "imports take format and filename", &res) != 0)
		return res;
	if (stat(file, &sb) != 0 || sb.st_size == 0)
		return http_error(r, 400, "bad_request", NULL, "the body is empty: send the file");
	if (filename) {
		json_t *s = json_string(filename);	/* NULL unless UTF-8 */

		json_decref(s);
		if (!s)
			return http_error(r, 400, "bad_request", "filename", "filename is not UTF-8");
		if (cdn_check_filename(filename, why) != 0)
			return http_error(r, 400, "bad_request", "filename", "filename: %s", why);
	}
	/* As on the command line: by the name's extension unless told. */
	if (format && http_is(format, "jsonl"))
		f = CDN_IMPORT_JSONL;
	else if (format && http_is(format, "csv"))
		f = CDN_IMPORT_CSV;
	else if (format)
		return http_error(r, 400, "bad_request", "format", "format is jsonl or csv");
	else if (filename && strlen(filename) > 4 &&
	    strcasecmp(filename + strlen(filename) - 4, ".csv") == 0)
		f = CDN_IMPORT_CSV;
	else
		f = CDN_IMPORT_JSONL;

	if ((j = calloc(1, sizeof *j)) == NULL || (j->bad = json_array()) == NULL ||
	    http_job_id(&j->base) != 0 || strlen(file) >= sizeof j->file) {
		if (j)
			job_free(j);
		return http_error(r, 500, "internal", NULL, "out of memory");
	}
	j->base.kind = "import";
	j->base.run = run_job;
	j->base.show = job_show;
	j->base.release = job_release;
	j->st = r->st;
	j->format = f;
	snprintf(j->user, sizeof j->user, "%s", r->user);
	snprintf(j->filename, sizeof j->filename, "%s", filename ? filename : "");
	snprintf(j->file, sizeof j->file, "%s", file);
	now_rfc3339(j->at);
	{
		json_t *log = NULL;

		if (cdn_import_log(r->st, 1, &log) == 0 && json_array_size(log))
			j->after = (uint64_t)json_integer_value(json_object_get(json_array_get(log, 0),
			    "seq"));
		json_decref(log);
		cdn_error_clear();
	}

	http_jobs_lock();
	if (http_jobs_running("import") >= JOBS_RUNNING) {
		http_jobs_unlock();
		job_free(j);
		return http_error(r, 429, "busy", NULL, "%d imports are under way: try again when one "
		    "is done", JOBS_RUNNING);
	}
	if (http_job_add(&j->base) != 0)
		snprintf(j->error, sizeof j->error, "cannot start the import");
	else
		file[0] = '\0';	/* the job's now: it removes it when done */
	snprintf(loc, sizeof loc, "/api/v1/imports/%s", j->base.id);
	res = http_json_header(r, 202, job_json(j), MHD_HTTP_HEADER_LOCATION, loc);
	http_jobs_unlock();
	return res;
}

/* --- reading ---------------------------------------------------------------------------- */

/*
 * The list's order, newest first: a stored import by its number, a job
 * just after the newest import recorded when it was sent (times have
 * seconds only), jobs sent between the same two imports by time.
 */
struct entry {
	json_t *o;
	uint64_t key;		/* 2 SEQ for an import, 2 AFTER + 1 for a job */
	const char *at;
};

static int
newest_first(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? 1 : -1;
	return strcmp(y->at ? y->at : "", x->at ? x->at : "");
}

/* The list being made: its entries, whose objects `log` holds. */
struct listing {
	json_t *log;
	struct entry *v;
	size_t n, cap;
};

static int
listing_add(struct listing *l, json_t *o, uint64_t key)
{
	if (l->n == l->cap) {
		struct entry *v = realloc(l->v, (l->cap * 2 + 16) * sizeof *v);

		if (!v)
			return -1;
		l->v = v;
		l->cap = l->cap * 2 + 16;
	}
	l->v[l->n++] = (struct entry){ o, key, json_string_value(json_object_get(o, "at")) };
	return 0;
}

/* A job running or failed: not (or never to be) in the store. */
static void
unfinished(struct http_job *base, void *arg)
{
	struct job *j = (struct job *)base;
	struct listing *l = arg;
	json_t *e;

	if (base->state > 0 || (e = job_json(j)) == NULL)
		return;
	if (json_array_append_new(l->log, e) == 0)
		listing_add(l, e, 2 * j->after + 1);
}

static enum MHD_Result
log_list(struct http_req *r)
{
	struct listing l = { 0 };
	enum MHD_Result res;
	uint64_t n;
	size_t k;
	json_t *items, *e;

	if (http_arg_number(r, "limit", 1, LOG_MAX, LOG_DEFAULT, &n, &res) != 0)
		return res;
	if (cdn_import_log(r->st, n, &l.log) != 0)
		return http_fail(r);
	json_array_foreach(l.log, k, e) {
		json_object_set_new(e, "status", json_string("done"));
		listing_add(&l, e, 2 * (uint64_t)json_integer_value(json_object_get(e, "seq")));
	}
	http_jobs_lock();
	http_jobs_each("import", unfinished, &l);
	http_jobs_unlock();
	if (l.n > 1)
		qsort(l.v, l.n, sizeof *l.v, newest_first);
	items = json_array();
	for (k = 0; k < l.n && k < n; k++)
		json_array_append(items, l.v[k].o);
	free(l.v);
	json_decref(l.log);
	return http_json(r, 200, json_pack("{s:o}", "items", items));
}

enum MHD_Result
http_imports(struct http_req *r, const char *rest)
{
	enum MHD_Result res;

	if (!http_require(r, CDN_ROLE_OFFICER, &res))
		return res;
	if (!*rest || http_is(rest, "/")) {
		/* POST with a body is an upload (server.c); one without is not. */
		if (!http_is(r->method, "GET"))
			return http_error(r, 405, "method_not_allowed", NULL, "use GET, or POST a file");
		return log_list(r);
	}
	rest++;
	if (!http_is(r->method, "GET"))
		return http_error(r, 405, "method_not_allowed", NULL, "use GET");
	if (strncmp(rest, "job-", 4) == 0)
		return http_job_answer(r, "import", rest);
	return http_error(r, 404, "not_found", NULL, "no such import job");
}
