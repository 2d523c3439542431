/*
 * server.c - the daemon (http.h): listening, limits, request bodies,
 * security headers, static files, the access log and a clean shutdown.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cordon/error.h"
#include "cordon/query.h"
#include "cordon/record.h"
#include "cordon/rule.h"
#include "http.h"

#define CONNECTION_LIMIT	256
#define PER_IP_LIMIT		32
#define TIMEOUT_S		30	/* an idle or slow connection is closed */
#define DRAIN_S			10	/* at shutdown, wait this long for requests */
#define FILE_MAX		(16u << 20)

/* Sent with every response. */
static const char *const security_headers[][2] = {
	{ "Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; "
	    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
	    "form-action 'self'; frame-ancestors 'none'" },
	{ "X-Content-Type-Options", "nosniff" },
	{ "Referrer-Policy", "no-referrer" },
	{ "X-Frame-Options", "DENY" },
	{ "Cross-Origin-Opener-Policy", "same-origin" },
};

struct server {
	struct cdn_store *st;
	const struct http_opts *o;
	int tls;
	unsigned long inflight;		/* requests under way (atomic) */
};

static void add_headers(struct MHD_Response *resp, const char *type);
static enum MHD_Result queue(struct http_req *r, unsigned status, struct MHD_Response *resp);

/* --- metrics ----------------------------------------------------------------------- */

#define SERIES_MAX	256
static const double buckets[] = { 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
	1, 2.5, 5 };
#define NBUCKETS (sizeof buckets / sizeof *buckets)

struct series {
	char route[64], method[8];
	unsigned status;
	uint64_t n;
};

static struct {
	pthread_mutex_t lock;
	struct series s[SERIES_MAX];
	size_t n;
	uint64_t le[NBUCKETS], count;
	double sum;
} metrics = { .lock = PTHREAD_MUTEX_INITIALIZER };

/*
 * The route a path is counted under: ids and rule names become {id} and
 * {name}, so that the series stay few whatever is requested; anything
 * that is not an API route is "static".
 */
static void
route_of(const char *path, char *out, size_t cap)
{
	const char *seg[6];
	size_t len[6], n = 0;
	const char *p = path;

	if (strcmp(path, "/taxii2") == 0 || strncmp(path, "/taxii2/", 8) == 0) {
		snprintf(out, cap, "%s", http_taxii_route(path));
		return;
	}
	if (strncmp(path, "/api/v1/", 8) != 0) {
		snprintf(out, cap, "%s", strcmp(path, "/healthz") == 0 || strcmp(path, "/metrics") == 0 ?
		    path : "static");
		return;
	}
	for (p = path + 8; *p && n < 6;) {
		const char *e = strchr(p, '/');

		seg[n] = p;
		len[n] = e ? (size_t)(e - p) : strlen(p);
		n++;
		if (!e)
			break;
		p = e + 1;
	}
	snprintf(out, cap, "/api/v1");
	for (size_t i = 0; i < n && i < 3; i++) {
		const char *name = seg[i];
		int id = i == 1 && len[i] > 2 && name[1] == '-' && name[0] >= 'A' && name[0] <= 'Z';
		int rule = i == 1 && len[0] == 5 && strncmp(seg[0], "rules", 5) == 0 &&
		    !(len[1] == 4 && strncmp(name, "test", 4) == 0);
		int job = i == 1 && len[i] > 4 && strncmp(name, "job-", 4) == 0;
		size_t used = strlen(out);

		snprintf(out + used, cap - used, "/%.*s", id ? 4 : rule ? 6 : job ? 5 : (int)(len[i] > 20 ?
		    20 : len[i]), id ? "{id}" : rule ? "{name}" : job ? "{job}" : name);
	}
}

static void
count(const char *path, const char *method, unsigned status, double secs)
{
	char route[64];
	size_t i;

	route_of(path, route, sizeof route);
	pthread_mutex_lock(&metrics.lock);
	for (i = 0; i < metrics.n; i++)
		if (metrics.s[i].status == status && strcmp(metrics.s[i].route, route) == 0 &&
		    strcmp(metrics.s[i].method, method) == 0)
			break;
	if (i == metrics.n && metrics.n < SERIES_MAX) {
		snprintf(metrics.s[i].route, sizeof metrics.s[i].route, "%s", route);
		snprintf(metrics.s[i].method, sizeof metrics.s[i].method, "%s", method);
		metrics.s[i].status = status;
		metrics.n++;
	}
	if (i < metrics.n)
		metrics.s[i].n++;
	for (size_t b = 0; b < NBUCKETS; b++)
		if (secs <= buckets[b])
			metrics.le[b]++;
	metrics.count++;
	metrics.sum += secs;
	pthread_mutex_unlock(&metrics.lock);
}

/* Append to a growing text. */
static void
put(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(*buf ? *buf + *len : NULL, *buf ? *cap - *len : 0, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if (*buf && *len + (size_t)n < *cap) {
			*len += (size_t)n;
			return;
		}
		size_t ncap = (*cap ? *cap * 2 : 8192) + (size_t)n;
		char *nb = realloc(*buf, ncap);

		if (!nb)
			return;
		*buf = nb;
		*cap = ncap;
	}
}

enum MHD_Result
http_metrics(struct http_req *r)
{
	char *buf = NULL, path[PATH_MAX];
	size_t len = 0, cap = 0;
	struct MHD_Response *resp;
	struct cdn_txn *txn;
	json_t *rules = NULL, *rule;
	struct stat sb;
	size_t i;

	put(&buf, &len, &cap, "# HELP cordon_http_requests_total Requests answered, by route, "
	    "method and status.\n# TYPE cordon_http_requests_total counter\n");
	pthread_mutex_lock(&metrics.lock);
	for (i = 0; i < metrics.n; i++)
		put(&buf, &len, &cap, "cordon_http_requests_total{route=\"%s\",method=\"%s\","
		    "status=\"%u\"} %llu\n", metrics.s[i].route, metrics.s[i].method,
		    metrics.s[i].status, (unsigned long long)metrics.s[i].n);
	put(&buf, &len, &cap, "# HELP cordon_http_request_duration_seconds Time to answer a "
	    "request.\n# TYPE cordon_http_request_duration_seconds histogram\n");
	for (i = 0; i < NBUCKETS; i++)
		put(&buf, &len, &cap, "cordon_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
		    buckets[i], (unsigned long long)metrics.le[i]);
	put(&buf, &len, &cap, "cordon_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n"
	    "cordon_http_request_duration_seconds_sum %.6f\n"
	    "cordon_http_request_duration_seconds_count %llu\n",
	    (unsigned long long)metrics.count, metrics.sum, (unsigned long long)metrics.count);
	pthread_mutex_unlock(&metrics.lock);
	snprintf(path, sizeof path, "%s/data.mdb", cdn_store_dir(r->st));
	if (stat(path, &sb) == 0)
		put(&buf, &len, &cap, "# HELP cordon_store_bytes Disk space the store's database "
		    "takes.\n# TYPE cordon_store_bytes gauge\ncordon_store_bytes %llu\n",
		    (unsigned long long)sb.st_blocks * 512ULL);
	if (cdn_txn_begin(r->st, CDN_TXN_READ, &txn) == 0) {
		put(&buf, &len, &cap, "# HELP cordon_records Records in the store, by kind.\n"
		    "# TYPE cordon_records gauge\n");
		for (int k = 0; k < CDN_NKINDS; k++) {
			size_t n = 0;

			if (cdn_kind_count(txn, (enum cdn_kind)k, &n) == 0)
				put(&buf, &len, &cap, "cordon_records{kind=\"%s\"} %zu\n",
				    cdn_kind_info((enum cdn_kind)k)->name, n);
		}
		cdn_txn_abort(txn);
	}
	cdn_error_clear();
	put(&buf, &len, &cap, "# HELP cordon_rule_errors Rule errors kept, by rule.\n"
	    "# TYPE cordon_rule_errors gauge\n");
	if (cdn_rule_list(r->st, &rules) == 0)
		json_array_foreach(rules, i, rule) {
			const char *name = json_string_value(json_object_get(rule, "name"));
			json_t *errs = NULL;
			uint64_t total = 0;

			if (name && cdn_rule_errors(r->st, name, 1, &errs, &total) == 0)
				put(&buf, &len, &cap, "cordon_rule_errors{rule=\"%s\"} %llu\n", name,
				    (unsigned long long)total);
			json_decref(errs);
		}
	json_decref(rules);
	cdn_error_clear();
	if (!buf)
		return MHD_NO;
	if ((resp = MHD_create_response_from_buffer(len, buf, MHD_RESPMEM_MUST_FREE)) == NULL) {
		free(buf);
		return MHD_NO;
	}
	add_headers(resp, "text/plain; version=0.0.4; charset=utf-8");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	return queue(r, 200, resp);
}

/*
 * Requests whose body is a file, streamed to a temporary file as it
 * arrives, never held in memory: each with its size limit (and the
 * variable that sets it) and what answers it once the file is whole. The
 * answer may keep the file (an import reads it in the background): it
 * empties the name it was given, and the file is then its to remove.
 */
static const struct upload {
	int (*is)(const char *method, const char *path, char *id, size_t cap);
	uint64_t (*max)(void);
	const char *knob;
	enum MHD_Result (*done)(struct http_req *r, const char *id, char *file);
} uploads[] = {
	{ http_evidence_is_upload, http_evidence_max, "CORDON_EVIDENCE_MAX", http_evidence_upload },
	{ http_import_is_upload, http_import_max, "CORDON_IMPORT_MAX", http_import_upload },
};

/* A connection's request, across the calls MHD makes for it. */
struct pending {
	struct http_req r;
	struct timespec t0;
	char *body;
	size_t len;
	int too_big;
	int answered;
	/* An upload: streamed to a temporary file. */
	const struct upload *upload;
	int fd;
	uint64_t max, got;
	char id[CDN_ID_MAX + 1], tmp[64];
};

static void
add_headers(struct MHD_Response *resp, const char *type)
{
	for (size_t i = 0; i < sizeof security_headers / sizeof *security_headers; i++)
		MHD_add_response_header(resp, security_headers[i][0], security_headers[i][1]);
	if (type)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
}

static enum MHD_Result
queue(struct http_req *r, unsigned status, struct MHD_Response *resp)
{
	enum MHD_Result res;

	if (!resp)
		return MHD_NO;
	r->status = status;
	res = MHD_queue_response(r->conn, status, resp);
	MHD_destroy_response(resp);
	return res;
}

enum MHD_Result
http_json_header(struct http_req *r, unsigned status, json_t *json, const char *header,
    const char *value)
{
	char *text = json ? json_dumps(json, JSON_COMPACT | CDN_JSON_REAL) : NULL;
	const char *const extra[1][2] = { { header, value } };

	json_decref(json);
	if (!text)
		return MHD_NO;
	return http_send(r, status, "application/json", text, strlen(text), extra, header ? 1 : 0);
}

enum MHD_Result
http_attachment(struct http_req *r, struct MHD_Response *resp, const char *type,
    const char *filename)
{
	char disp[300];
	size_t i, n = 0;

	/* Quotes, backslashes and control characters would end or bend the
	 * header's string: they become '_'. */
	n = (size_t)snprintf(disp, sizeof disp, "attachment; filename=\"");
	for (i = 0; filename && filename[i] && n < sizeof disp - 2; i++)
		disp[n++] = filename[i] == '"' || filename[i] == '\\' ||
		    (unsigned char)filename[i] < 0x20 ? '_' : filename[i];
	disp[n++] = '"';
	disp[n] = '\0';
	add_headers(resp, type);
	/* Downloaded, never shown inline: what is in it is not ours to trust. */
	MHD_add_response_header(resp, "Content-Security-Policy", "default-src 'none'; sandbox");
	MHD_add_response_header(resp, "Content-Disposition", disp);
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	return queue(r, 200, resp);
}

enum MHD_Result
http_send(struct http_req *r, unsigned status, const char *type, char *body, size_t len,
    const char *const (*extra)[2], size_t n)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, body,
	    MHD_RESPMEM_MUST_FREE);

	if (!resp) {
		free(body);
		return MHD_NO;
	}
	add_headers(resp, type);
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	for (size_t i = 0; i < n; i++)
		MHD_add_response_header(resp, extra[i][0], extra[i][1]);
	return queue(r, status, resp);
}

enum MHD_Result
http_json(struct http_req *r, unsigned status, json_t *json)
{
	return http_json_header(r, status, json, NULL, NULL);
}

enum MHD_Result
http_error(struct http_req *r, unsigned status, const char *code, const char *field,
    const char *fmt, ...)
{
	char msg[CDN_MESSAGE_MAX], fld[CDN_FIELD_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	/* Both may quote the request's path or arguments: JSON wants UTF-8. */
	snprintf(fld, sizeof fld, "%s", field ? field : "");
	cdn_utf8_scrub(msg);
	cdn_utf8_scrub(fld);
	return http_json(r, status, json_pack("{s:{s:s,s:s,s:s?}}", "error", "code", code,
	    "message", msg, "field", *fld ? fld : NULL));
}

enum MHD_Result
http_fail(struct http_req *r)
{
	const struct cdn_error *e = cdn_error_last();
	unsigned status;
	const char *code;
	enum MHD_Result res;

	switch (e->code) {
	case CDN_EINVAL: status = 422; code = "invalid"; break;
	case CDN_EUSAGE: status = 400; code = "bad_request"; break;
	case CDN_ENOTFOUND: status = 404; code = "not_found"; break;
	case CDN_ECONFLICT: status = 412; code = "version_conflict"; break;
	case CDN_EEXIST: status = 409; code = "exists"; break;
	case CDN_EINUSE: status = 409; code = "in_use"; break;
	case CDN_EAUTH: status = 401; code = "unauthenticated"; break;
	default: status = 500; code = "internal"; break;
	}
	res = http_error(r, status, code, e->field, "%s", status == 500 && !e->message[0] ?
	    "internal error" : e->message);
	cdn_error_clear();
	return res;
}

/* --- static files ------------------------------------------------------------------- */

static const char *
media_type(const char *path)
{
	static const char *const types[][2] = {
		{ ".html", "text/html; charset=utf-8" }, { ".css", "text/css; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" }, { ".json", "application/json" },
		{ ".svg", "image/svg+xml" }, { ".png", "image/png" }, { ".ico", "image/x-icon" },
		{ ".txt", "text/plain; charset=utf-8" }, { ".md", "text/plain; charset=utf-8" },
	};
	const char *dot = strrchr(path, '.');

	for (size_t i = 0; dot && i < sizeof types / sizeof *types; i++)
		if (strcmp(dot, types[i][0]) == 0)
			return types[i][1];
	return "application/octet-stream";
}

/*
 * A file under the web directory. The path must be plain: segments of
 * letters, digits, '-', '_' and '.', none starting with '.', so that no
 * request reaches outside it ("..", "%2e%2e", hidden files).
 */
static enum MHD_Result
static_file(struct server *s, struct http_req *r)
{
	char path[PATH_MAX];
	const char *p = strcmp(r->path, "/") == 0 ? "/index.html" : r->path;
	struct MHD_Response *resp;
	struct stat sb;
	int fd, start = 1;

	if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0)
		return http_error(r, 405, "method_not_allowed", NULL, "%s is not allowed here",
		    r->method);
	if (strncmp(p, "/vendor/", 8) == 0) {
		uint64_t size;

		if (http_vendor_open(p + 8, &fd, &size) != 0)
			return http_error(r, 404, "not_found", NULL, "no such file");
		if ((resp = MHD_create_response_from_fd(size, fd)) == NULL) {
			close(fd);
			return MHD_NO;
		}
		add_headers(resp, media_type(p));
		/* The package changes only with an upgrade. */
		MHD_add_response_header(resp, "Cache-Control", "max-age=86400");
		return queue(r, 200, resp);
	}
	for (const char *c = p; *c; c++) {
		if (*c == '/') {
			start = 1;
			continue;
		}
		if ((start && *c == '.') || !((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		    (*c >= '0' && *c <= '9') || *c == '-' || *c == '_' || *c == '.'))
			return http_error(r, 404, "not_found", NULL, "no such file");
		start = 0;
	}
	if (!s->o->web || snprintf(path, sizeof path, "%s%s", s->o->web, p) >= (int)sizeof path)
		return http_error(r, 404, "not_found", NULL, "no such file");
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return http_error(r, 404, "not_found", NULL, "no such file");
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size > FILE_MAX) {
		close(fd);
		return http_error(r, 404, "not_found", NULL, "no such file");
	}
	if ((resp = MHD_create_response_from_fd((uint64_t)sb.st_size, fd)) == NULL) {
		close(fd);
		return MHD_NO;
	}
	add_headers(resp, media_type(path));
	MHD_add_response_header(resp, "Cache-Control", "no-cache");
	return queue(r, 200, resp);
}

/* --- requests ---------------------------------------------------------------------- */

static int
write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * The first call of an upload: who is sending it and how big it says it
 * is are settled before any of it is taken, so that no one fills the
 * disk without the right to. Then a temporary file for it.
 */
static enum MHD_Result
upload_start(struct pending *p, const struct upload *up, const char *cl)
{
	enum MHD_Result res;
	const char *tmpdir = getenv("TMPDIR");

	p->upload = up;
	p->max = up->max();
	if (http_identify(&p->r, &res) != 0 || !http_require(&p->r, CDN_ROLE_OFFICER, &res)) {
		p->answered = 1;
		return res;
	}
	if (cl && strtoull(cl, NULL, 10) > p->max) {
		p->answered = 1;
		return http_error(&p->r, 413, "too_large", NULL, "the file is over %llu bytes "
		    "(%s)", (unsigned long long)p->max, up->knob);
	}
	snprintf(p->tmp, sizeof p->tmp, "%.40s/cordon-up-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
	if ((p->fd = mkstemp(p->tmp)) < 0) {
		p->answered = 1;
		return http_error(&p->r, 500, "internal", NULL, "no room for the upload");
	}
	return MHD_YES;
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
    const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	struct server *s = cls;
	struct pending *p = *con_cls;
	enum MHD_Result res;

	(void)version;
	if (!p) {
		const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		    MHD_HTTP_HEADER_CONTENT_LENGTH);

		if ((p = calloc(1, sizeof *p)) == NULL)
			return MHD_NO;
		clock_gettime(CLOCK_MONOTONIC, &p->t0);
		p->r.conn = conn;
		p->r.st = s->st;
		p->r.method = method;
		p->r.path = url;
		p->r.tls = s->tls;
		p->fd = -1;
		*con_cls = p;
		__atomic_add_fetch(&s->inflight, 1, __ATOMIC_SEQ_CST);
		for (size_t i = 0; i < sizeof uploads / sizeof *uploads; i++)
			if (uploads[i].is(method, url, p->id, sizeof p->id))
				return upload_start(p, &uploads[i], cl);
		/* Refuse an oversized body before reading it. */
		if (cl && strtoull(cl, NULL, 10) > HTTP_BODY_MAX)
			p->too_big = 1;
		return MHD_YES;
	}
	if (p->upload && *upload_size) {
		if (!p->answered && !p->too_big) {
			if (p->got + *upload_size > p->max)
				p->too_big = 1;
			else if (write_all(p->fd, upload, *upload_size) != 0)
				return MHD_NO;
			p->got += *upload_size;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (*upload_size) {
		if (!p->too_big && p->len + *upload_size <= HTTP_BODY_MAX) {
			char *b = realloc(p->body, p->len + *upload_size + 1);

			if (!b)
				return MHD_NO;
			memcpy(b + p->len, upload, *upload_size);
			p->body = b;
			p->len += *upload_size;
			p->body[p->len] = '\0';
		} else {
			p->too_big = 1;	/* a chunked body past the limit */
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (p->answered)
		return MHD_YES;
	p->answered = 1;
	p->r.body = p->body;
	p->r.len = p->len;
	if (p->upload) {
		if (p->too_big)
			return http_error(&p->r, 413, "too_large", NULL, "the file is over %llu bytes "
			    "(%s)", (unsigned long long)p->max, p->upload->knob);
		res = p->upload->done(&p->r, p->id, p->tmp);
		cdn_error_clear();
		return res;
	}
	if (p->too_big)
		return http_error(&p->r, 413, "too_large", NULL,
		    "the request body is over %u bytes", HTTP_BODY_MAX);
	if (strncmp(url, "/api/", 5) == 0 || strcmp(url, "/healthz") == 0 ||
	    strcmp(url, "/metrics") == 0 || strcmp(url, "/taxii2") == 0 ||
	    strncmp(url, "/taxii2/", 8) == 0)
		res = http_route(&p->r);
	else
		res = static_file(s, &p->r);
	cdn_error_clear();
	return res;
}

const char *
http_client_addr(struct MHD_Connection *conn, char *buf, size_t cap)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);

	snprintf(buf, cap, "-");
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;

		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf, (socklen_t)cap);
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf,
			    (socklen_t)cap);
	}
	return buf;
}

/* The access log: one line per request on standard error. */
static void
completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode why)
{
	struct server *s = cls;
	struct pending *p = *con_cls;
	char addr[INET6_ADDRSTRLEN], when[32];
	struct timespec t1;
	time_t now = time(NULL);
	struct tm tm;

	if (!p)
		return;
	http_client_addr(conn, addr, sizeof addr);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	count(p->r.path, p->r.method, p->r.status, (double)(t1.tv_sec - p->t0.tv_sec) +
	    (double)(t1.tv_nsec - p->t0.tv_nsec) / 1e9);
	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(stderr, "%s %s %s %s %u %.1fms %s%s\n", when, addr, p->r.method, p->r.path,
	    p->r.status, (double)(t1.tv_sec - p->t0.tv_sec) * 1e3 +
	    (double)(t1.tv_nsec - p->t0.tv_nsec) / 1e6, p->r.authed ? p->r.user : "-",
	    why == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (cut short)");
	if (p->fd >= 0) {
		close(p->fd);
		if (p->tmp[0])
			unlink(p->tmp);
	}
	free(p->body);
	free(p);
	*con_cls = NULL;
	__atomic_sub_fetch(&s->inflight, 1, __ATOMIC_SEQ_CST);
}

/* --- the daemon --------------------------------------------------------------------- */

static int
parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon = strrchr(s, ':');
	char *end;
	long port;
	size_t hl;

	if (!colon || (hl = (size_t)(colon - s)) == 0 || hl >= sizeof host)
		return -1;
	port = strtol(colon + 1, &end, 10);
	if (*end || port < 1 || port > 65535)
		return -1;
	memcpy(host, s, hl);
	host[hl] = '\0';
	memset(ss, 0, sizeof *ss);
	if (host[0] == '[' && host[hl - 1] == ']') {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

		host[hl - 1] = '\0';
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		*len = sizeof *a6;
		return inet_pton(AF_INET6, host + 1, &a6->sin6_addr) == 1 ? 0 : -1;
	}
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;

	a4->sin_family = AF_INET;
	a4->sin_port = htons((uint16_t)port);
	*len = sizeof *a4;
	return inet_pton(AF_INET, host, &a4->sin_addr) == 1 ? 0 : -1;
}

static char *
read_pem(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && n < (1 << 20) &&
	    fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1)) != NULL) {
		if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		} else {
			buf[n] = '\0';
		}
	}
	fclose(f);
	return buf;
}

int
http_serve(struct cdn_store *st, const struct http_opts *o)
{
	struct server s = { st, o, o->tls_cert != NULL, 0 };
	struct sockaddr_storage ss;
	socklen_t sslen;
	struct MHD_Daemon *d;
	char *cert = NULL, *key = NULL;
	/* No MHD_USE_ERROR_LOG: its messages ("Failed to bind to port 0")
	 * would only confuse what cordon says itself. */
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC;
	sigset_t sigs;
	int sig;

	if (parse_listen(o->listen, &ss, &sslen) != 0)
		return cdn_error_set(CDN_EUSAGE, "listen", "'%s' is not ADDR:PORT (like 127.0.0.1:8080)",
		    o->listen);
	if (o->tls_cert || o->tls_key) {
		if (!o->tls_cert || !o->tls_key)
			return cdn_error_set(CDN_EUSAGE, NULL, "HTTPS needs both --tls-cert and --tls-key");
		if ((cert = read_pem(o->tls_cert)) == NULL)
			return cdn_error_set(CDN_EIO, NULL, "%s: cannot read the certificate", o->tls_cert);
		if ((key = read_pem(o->tls_key)) == NULL) {
			free(cert);
			return cdn_error_set(CDN_EIO, NULL, "%s: cannot read the key", o->tls_key);
		}
		flags |= MHD_USE_TLS;
	}
	if (http_auth_init() != 0) {
		free(cert);
		free(key);
		return cdn_error_set(CDN_ENOMEM, NULL, "out of memory");
	}
	/* Signals are taken by this thread alone, with sigwait. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	{
		/* The same daemon with or without HTTPS: the TLS options are the
		 * array's tail, cut off by an END when there is no certificate. */
		struct MHD_OptionItem opts[] = {
			{ MHD_OPTION_SOCK_ADDR, 0, &ss },
			{ MHD_OPTION_THREAD_POOL_SIZE, o->threads ? o->threads : 4, NULL },
			{ MHD_OPTION_CONNECTION_TIMEOUT, TIMEOUT_S, NULL },
			{ MHD_OPTION_CONNECTION_LIMIT, CONNECTION_LIMIT, NULL },
			{ MHD_OPTION_PER_IP_CONNECTION_LIMIT, PER_IP_LIMIT, NULL },
			{ MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)completed, &s },
			{ cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, cert },
			{ MHD_OPTION_HTTPS_MEM_KEY, 0, key },
			{ MHD_OPTION_HTTPS_PRIORITIES, 0,
			    (void *)"NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2" },
			{ MHD_OPTION_END, 0, NULL },
		};

		d = MHD_start_daemon(flags, 0, NULL, NULL, handle, &s, MHD_OPTION_ARRAY, opts,
		    MHD_OPTION_END);
	}
	if (!d) {
		free(cert);
		free(key);
		http_auth_free();
		http_taxii_free();
		return cdn_error_set(CDN_EIO, "listen", "cannot listen on %s (%s)", o->listen,
		    errno ? strerror(errno) : "in use, or not an address of this machine");
	}
	if (o->web)
		http_vendor_check();
	fprintf(stderr, "cordon: serving %s on %s://%s (Ctrl-C to stop)\n", o->web ? o->web : "the API",
	    cert ? "https" : "http", o->listen);
	sigwait(&sigs, &sig);
	fprintf(stderr, "cordon: %s: finishing the requests under way\n",
	    sig == SIGINT ? "interrupted" : "terminated");
	/* No new connections; what is under way finishes, for a while. */
	MHD_quiesce_daemon(d);
	for (int i = 0; i < DRAIN_S * 20 && __atomic_load_n(&s.inflight, __ATOMIC_SEQ_CST); i++) {
		struct timespec ts = { 0, 50 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
	MHD_stop_daemon(d);
	http_jobs_stop();
	http_auth_free();
	http_taxii_free();
	free(cert);
	free(key);
	fprintf(stderr, "cordon: stopped\n");
	return 0;
}
