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
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cordon/config.h"
#include "cordon/error.h"
#include "cordon/query.h"
#include "cordon/record.h"
#include "cordon/rule.h"
#include "cordon/text.h"
#include "http.h"

#define CONNECTION_LIMIT	256
#define PER_IP_LIMIT		32
#define TIMEOUT_S		30	/* an idle connection is closed */
#define HEAD_S			10	/* a request's head must arrive within this */
#define BODY_RATE		1024	/* bytes a second a body must average, after HEAD_S */
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

/*
 * The watch over slow clients. libmicrohttpd closes a connection only
 * once it has been idle for TIMEOUT_S: a client sending a byte every few
 * seconds would hold its connection (and, 32 of them, its address's
 * share) for ever. So each connection is watched from the main thread:
 * one still waiting for its request's head after `head_s` (counted from
 * its start, or from the end of its previous request), or whose body has
 * come slower than `rate` bytes a second on average once `head_s` have
 * passed, is shut down. The entry goes before its socket is closed
 * (libmicrohttpd says the connection closed, then closes it), so a
 * socket shut down under the lock is always the connection's own.
 */
enum { WAIT_HEAD, WAIT_BODY, ANSWERING };

struct watched {
	struct watched *next, *prev;
	int fd;
	int phase;
	struct timespec since;
	uint64_t got;		/* bytes of the body so far */
	int cut;
};

static struct {
	pthread_mutex_t lock;
	struct watched *list;
	unsigned head_s;
	uint64_t rate;
} watch = { PTHREAD_MUTEX_INITIALIZER, NULL, HEAD_S, BODY_RATE };

static double
secs_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

static void
watch_phase(struct watched *w, int phase)
{
	if (!w)
		return;
	pthread_mutex_lock(&watch.lock);
	w->phase = phase;
	w->got = 0;
	clock_gettime(CLOCK_MONOTONIC, &w->since);
	pthread_mutex_unlock(&watch.lock);
}

static void
watch_conn(void *cls, struct MHD_Connection *conn, void **socket_context,
    enum MHD_ConnectionNotificationCode toe)
{
	struct watched *w = *socket_context;

	(void)cls;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn,
		    MHD_CONNECTION_INFO_CONNECTION_FD);

		if (!ci || (w = calloc(1, sizeof *w)) == NULL)
			return;
		w->fd = ci->connect_fd;
		w->phase = WAIT_HEAD;
		clock_gettime(CLOCK_MONOTONIC, &w->since);
		pthread_mutex_lock(&watch.lock);
		if ((w->next = watch.list) != NULL)
			w->next->prev = w;
		watch.list = w;
		pthread_mutex_unlock(&watch.lock);
		*socket_context = w;
	} else if (w) {
		pthread_mutex_lock(&watch.lock);
		if (w->prev)
			w->prev->next = w->next;
		else
			watch.list = w->next;
		if (w->next)
			w->next->prev = w->prev;
		pthread_mutex_unlock(&watch.lock);
		free(w);
		*socket_context = NULL;
	}
}

/* Shut down the connections past their deadline; how many. */
static unsigned
watch_sweep(void)
{
	unsigned n = 0;

	pthread_mutex_lock(&watch.lock);
	for (struct watched *w = watch.list; w; w = w->next) {
		double t = secs_since(&w->since);

		if (w->cut || w->phase == ANSWERING || t < watch.head_s)
			continue;
		if (w->phase == WAIT_HEAD || (double)w->got < (double)watch.rate * t) {
			shutdown(w->fd, SHUT_RDWR);
			w->cut = 1;
			n++;
		}
	}
	pthread_mutex_unlock(&watch.lock);
	return n;
}

/* The watch's limits from CORDON_HEAD_TIMEOUT and CORDON_BODY_RATE. */
static int
watch_env(void)
{
	const struct cdn_config *c;
	int rc;

	if ((rc = cdn_config(&c)) != 0)
		return rc;
	if (c->head_timeout)
		watch.head_s = c->head_timeout;
	if (c->body_rate >= 0)
		watch.rate = (uint64_t)c->body_rate;
	return 0;
}

static void add_headers(struct MHD_Response *resp, const char *type);
static enum MHD_Result queue(struct http_req *r, unsigned status, struct MHD_Response *resp);

/* --- metrics ----------------------------------------------------------------------- */

#define SERIES_MAX	2048	/* the last counts what finds no room */
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

/* The words a route may hold, as they are: every other segment of a path
 * is counted as {id}, {name}, {job} or {other}, so that what a client
 * puts in a path never becomes a label (nor a line of the metrics). */
static const char *const route_words[] = {
	/* under /api/v1/ */
	"login", "logout", "me", "session", "search", "rules", "audit", "users", "tokens",
	"partners", "stats", "exports", "imports", "cases", "seizures", "entities", "routes",
	"links", "evidence", "alerts",
	/* below them */
	"test", "verify", "graph", "history", "content", "custody", "log", "ack", "escalate",
	"dismiss", "promote", "attach", "disable", "enable", "preview", "source", "diff",
	"errors", "run", "files", NULL,
};

static int
route_word(const char *s, size_t len)
{
	for (const char *const *w = route_words; *w; w++)
		if (strlen(*w) == len && strncmp(*w, s, len) == 0)
			return 1;
	return 0;
}

/*
 * The route a path is counted under: known words as they are, ids and
 * names folded ({id}, {name}, {job}), anything else {other}; a path that
 * is not an API route is "static". The labels come from a fixed set.
 */
static void
route_of(const char *path, char *out, size_t cap)
{
	const char *p;

	if (strcmp(path, "/taxii2") == 0 || strncmp(path, "/taxii2/", 8) == 0) {
		snprintf(out, cap, "%s", http_taxii_route(path));
		return;
	}
	if (strncmp(path, "/api/v1/", 8) != 0) {
		snprintf(out, cap, "%s", strcmp(path, "/healthz") == 0 || strcmp(path, "/metrics") == 0 ?
		    path : "static");
		return;
	}
	snprintf(out, cap, "/api/v1");
	p = path + 8;
	for (size_t i = 0; i < 3 && *p; i++) {
		const char *e = strchr(p, '/');
		size_t len = e ? (size_t)(e - p) : strlen(p), used = strlen(out);
		const char *label;

		if (i == 0)
			label = route_word(p, len) ? NULL : "{other}";
		else if (i == 1 && len > 4 && strncmp(p, "job-", 4) == 0)
			label = "{job}";
		else if (i == 1 && len > 2 && p[0] >= 'A' && p[0] <= 'Z' && p[1] == '-')
			label = "{id}";
		else if (route_word(p, len))
			label = NULL;
		else
			label = i == 1 ? "{name}" : "{other}";
		snprintf(out + used, cap - used, "/%.*s", label ? (int)strlen(label) : (int)len,
		    label ? label : p);
		/* Past a word that is no route, nothing more is told. */
		if (!e || (label && i == 0))
			break;
		p = e + 1;
	}
}

/* The method a request is counted under: one of HTTP's, else OTHER. */
static const char *
method_of(const char *m)
{
	static const char *const known[] = { "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE",
		"OPTIONS", NULL };

	for (const char *const *k = known; *k; k++)
		if (strcmp(m, *k) == 0)
			return *k;
	return "OTHER";
}

static void
count(const char *path, const char *method, unsigned status, int authed, double secs)
{
	char route[64];
	size_t i;

	route_of(path, route, sizeof route);
	/* Whoever is not signed in is counted by the first word of the route
	 * alone: what they send cannot make many series. */
	if (!authed && strncmp(route, "/api/v1/", 8) == 0 && strchr(route + 8, '/'))
		*strchr(route + 8, '/') = '\0';
	method = method_of(method);
	pthread_mutex_lock(&metrics.lock);
	for (i = 0; i < metrics.n; i++)
		if (metrics.s[i].status == status && strcmp(metrics.s[i].route, route) == 0 &&
		    strcmp(metrics.s[i].method, method) == 0)
			break;
	if (i == metrics.n && metrics.n < SERIES_MAX - 1) {
		snprintf(metrics.s[i].route, sizeof metrics.s[i].route, "%s", route);
		snprintf(metrics.s[i].method, sizeof metrics.s[i].method, "%s", method);
		metrics.s[i].status = status;
		metrics.n++;
	} else if (i == metrics.n) {
		i = SERIES_MAX - 1;
		snprintf(metrics.s[i].route, sizeof metrics.s[i].route, "{overflow}");
		snprintf(metrics.s[i].method, sizeof metrics.s[i].method, "OTHER");
	}
	metrics.s[i].n++;
	for (size_t b = 0; b < NBUCKETS; b++)
		if (secs <= buckets[b])
			metrics.le[b]++;
	metrics.count++;
	metrics.sum += secs;
	pthread_mutex_unlock(&metrics.lock);
}

/* Append to a growing text. */
static void put(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

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

/* A label's value as Prometheus text escapes it: \\, \" and \n. */
static const char *
label(const char *s, char *buf, size_t cap)
{
	size_t n = 0;

	for (; *s && n + 3 < cap; s++) {
		if (*s == '\\' || *s == '"' || *s == '\n') {
			buf[n++] = '\\';
			buf[n++] = *s == '\n' ? 'n' : *s;
		} else {
			buf[n++] = *s;
		}
	}
	buf[n] = '\0';
	return buf;
}

enum MHD_Result
http_metrics(struct http_req *r)
{
	char *buf = NULL, path[PATH_MAX], l1[160], l2[32];
	size_t len = 0, cap = 0;
	struct MHD_Response *resp;
	struct cdn_txn *txn;
	json_t *rules = NULL, *rule;
	struct stat sb;
	size_t i;

	put(&buf, &len, &cap, "# HELP cordon_http_requests_total Requests answered, by route, "
	    "method and status.\n# TYPE cordon_http_requests_total counter\n");
	pthread_mutex_lock(&metrics.lock);
	for (i = 0; i < SERIES_MAX; i++)
		if (i < metrics.n || (i == SERIES_MAX - 1 && metrics.s[i].n))
			put(&buf, &len, &cap, "cordon_http_requests_total{route=\"%s\",method=\"%s\","
			    "status=\"%u\"} %llu\n", label(metrics.s[i].route, l1, sizeof l1),
			    label(metrics.s[i].method, l2, sizeof l2), metrics.s[i].status,
			    (unsigned long long)metrics.s[i].n);
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
				put(&buf, &len, &cap, "cordon_rule_errors{rule=\"%s\"} %llu\n",
				    label(name, l1, sizeof l1),
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
	/* With a Content-Length, streamed to a worker instead (may be NULL). */
	int (*begin)(struct http_req *r, const char *id, uint64_t size, int *fd, void **job,
	    enum MHD_Result *res);
	enum MHD_Result (*finish)(struct http_req *r, void *job, int *fd);
	void (*abandon)(void *job, int *fd);
} uploads[] = {
	{ http_evidence_is_upload, http_evidence_max, "CORDON_EVIDENCE_MAX", http_evidence_upload,
	    http_evidence_begin, http_evidence_finish, http_evidence_abandon },
	{ http_import_is_upload, http_import_max, "CORDON_IMPORT_MAX", http_import_upload,
	    NULL, NULL, NULL },
};

/* A connection's request, across the calls MHD makes for it. */
struct pending {
	struct http_req r;
	struct watched *watch;
	struct timespec t0;
	char *body;
	size_t len;
	int too_big;
	int answered;
	/* An upload: streamed to a temporary file, or to a worker (`job`)
	 * that stops reading when it has failed (`dropped`: the rest of the
	 * body is discarded). */
	const struct upload *upload;
	void *job;
	int dropped;
	int fd;
	uint64_t max, got;
	char id[CDN_ID_MAX + 1], tmp[4096];
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
	if (r->warning[0])
		MHD_add_response_header(resp, "Warning", r->warning);
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
	cdn_utf8_repair(msg);
	cdn_utf8_repair(fld);
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
	case CDN_ENOSPC: status = 507; code = "insufficient_storage"; break;
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
 * disk without the right to. Then where it goes: a worker taking it as
 * it arrives when its size is said, else a temporary file.
 */
static enum MHD_Result
upload_start(struct pending *p, const struct upload *up, const char *cl)
{
	enum MHD_Result res;
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
	if (up->begin && cl) {
		if (up->begin(&p->r, p->id, strtoull(cl, NULL, 10), &p->fd, &p->job, &res) != 0) {
			p->answered = 1;
			return res;
		}
		return MHD_YES;
	}
	/* Sent chunked, with no size said: it is spooled (TMPDIR). */
	if ((p->fd = cdn_tmpfile("up", NULL, p->tmp, sizeof p->tmp)) < 0) {
		p->answered = 1;
		return http_error(&p->r, 500, "internal", NULL, "no room for the upload");
	}
	return MHD_YES;
}

/* The Content-Length headers of a request: their count, and whether they
 * all say the same. */
struct lengths {
	const char *first;
	unsigned n;
	int differ;
};

static enum MHD_Result
length_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct lengths *l = cls;

	(void)kind;
	if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0) {
		if (l->n++ == 0)
			l->first = value;
		else if (strcmp(l->first, value ? value : "") != 0)
			l->differ = 1;
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
		{
			const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn,
			    MHD_CONNECTION_INFO_SOCKET_CONTEXT);

			/* The head is in: now the body (if any) is timed. */
			p->watch = ci ? ci->socket_context : NULL;
			watch_phase(p->watch, WAIT_BODY);
		}
		p->r.conn = conn;
		p->r.st = s->st;
		p->r.method = method;
		p->r.path = url;
		p->r.tls = s->tls;
		p->fd = -1;
		*con_cls = p;
		__atomic_add_fetch(&s->inflight, 1, __ATOMIC_SEQ_CST);
		{
			struct lengths l = { "", 0, 0 };

			/* Two lengths that differ: a proxy in front may have read
			 * the body by the other one (request smuggling). */
			MHD_get_connection_values(conn, MHD_HEADER_KIND, length_header, &l);
			if (l.differ) {
				p->answered = 1;
				return http_error(&p->r, 400, "bad_request", "Content-Length",
				    "the request has Content-Length headers that differ");
			}
		}
		for (size_t i = 0; i < sizeof uploads / sizeof *uploads; i++)
			if (uploads[i].is(method, url, p->id, sizeof p->id))
				return upload_start(p, &uploads[i], cl);
		/* Refuse an oversized body before reading it. */
		if (cl && strtoull(cl, NULL, 10) > HTTP_BODY_MAX)
			p->too_big = 1;
		return MHD_YES;
	}
	if (*upload_size && p->watch) {
		pthread_mutex_lock(&watch.lock);
		p->watch->got += *upload_size;
		pthread_mutex_unlock(&watch.lock);
	}
	if (p->upload && *upload_size) {
		if (!p->answered && !p->too_big) {
			if (p->got + *upload_size > p->max)
				p->too_big = 1;
			else if (!p->dropped && write_all(p->fd, upload, *upload_size) != 0) {
				if (!p->job)
					return MHD_NO;
				p->dropped = 1;	/* the worker stopped: its answer waits */
			}
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
	watch_phase(p->watch, ANSWERING);
	if (p->answered)
		return MHD_YES;
	p->answered = 1;
	p->r.body = p->body;
	p->r.len = p->len;
	if (p->upload) {
		if (p->too_big)
			return http_error(&p->r, 413, "too_large", NULL, "the file is over %llu bytes "
			    "(%s)", (unsigned long long)p->max, p->upload->knob);
		if (p->job) {
			res = p->upload->finish(&p->r, p->job, &p->fd);
			p->job = NULL;
		} else {
			res = p->upload->done(&p->r, p->id, p->tmp);
		}
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

/* `s` as one field of a log line, in `buf`: bytes other than printable
 * ASCII, and spaces, quotes and backslashes, as \xHH, so that no request
 * can end a line or shift a field; cut at `cap`. */
static const char *
log_field(const char *s, char *buf, size_t cap)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;

	for (; s && *s && n + 5 < cap; s++) {
		unsigned char c = (unsigned char)*s;

		if (c > 0x20 && c < 0x7f && c != '"' && c != '\\') {
			buf[n++] = (char)c;
		} else {
			buf[n++] = '\\';
			buf[n++] = 'x';
			buf[n++] = hex[c >> 4];
			buf[n++] = hex[c & 15];
		}
	}
	if (s && *s && n + 3 < cap) {
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	buf[n] = '\0';
	return n ? buf : "-";
}

/* The access log: one line per request on standard error. */
static void
completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode why)
{
	struct server *s = cls;
	struct pending *p = *con_cls;
	char addr[INET6_ADDRSTRLEN], when[32], method[64], path[1024];
	struct timespec t1;
	time_t now = time(NULL);
	struct tm tm;

	if (!p)
		return;
	http_client_addr(conn, addr, sizeof addr);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	count(p->r.path, p->r.method, p->r.status, p->r.authed, (double)(t1.tv_sec - p->t0.tv_sec) +
	    (double)(t1.tv_nsec - p->t0.tv_nsec) / 1e9);
	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(stderr, "%s %s %s %s %u %.1fms %s%s\n", when, addr,
	    log_field(p->r.method, method, sizeof method), log_field(p->r.path, path, sizeof path),
	    p->r.status, (double)(t1.tv_sec - p->t0.tv_sec) * 1e3 +
	    (double)(t1.tv_nsec - p->t0.tv_nsec) / 1e6, p->r.authed ? p->r.user : "-",
	    why == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (cut short)");
	if (p->job)
		p->upload->abandon(p->job, &p->fd);
	if (p->fd >= 0) {
		close(p->fd);
		if (p->tmp[0])
			unlink(p->tmp);
	}
	/* The connection may carry another request: its head is timed. */
	watch_phase(p->watch, WAIT_HEAD);
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
	/* Port 0: the system picks a free one (said once listening). */
	port = strtol(colon + 1, &end, 10);
	if (!colon[1] || *end || port < 0 || port > 65535)
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

/* The address the daemon is bound to, as ADDR:PORT, in `buf`. */
static int
bound_addr(struct MHD_Daemon *d, char *buf, size_t cap)
{
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(d, MHD_DAEMON_INFO_LISTEN_FD);
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	char host[INET6_ADDRSTRLEN];

	if (!di || getsockname(di->listen_fd, (struct sockaddr *)&ss, &len) != 0)
		return -1;
	if (ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)&ss;

		inet_ntop(AF_INET6, &a6->sin6_addr, host, sizeof host);
		snprintf(buf, cap, "[%s]:%u", host, ntohs(a6->sin6_port));
	} else {
		const struct sockaddr_in *a4 = (const struct sockaddr_in *)&ss;

		inet_ntop(AF_INET, &a4->sin_addr, host, sizeof host);
		snprintf(buf, cap, "%s:%u", host, ntohs(a4->sin_port));
	}
	return 0;
}

/* Say that the server is ready: its address and a newline on descriptor
 * `fd`, which is then closed (a reader sees the line, then the end). */
static void
say_ready(int fd, const char *addr)
{
	char line[INET6_ADDRSTRLEN + 16];
	int n = snprintf(line, sizeof line, "%s\n", addr);

	if (fd < 0)
		return;
	if (write_all(fd, line, (size_t)n) != 0)
		fprintf(stderr, "cordon: cannot write to --ready-fd %d: %s\n", fd, strerror(errno));
	close(fd);
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
	char *cert = NULL, *key = NULL, addr[INET6_ADDRSTRLEN + 8];
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
	if (watch_env() != 0) {
		free(cert);
		free(key);
		return -1;
	}
	if (http_auth_init() != 0) {
		free(cert);
		free(key);
		return -1;
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
			{ MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)watch_conn, NULL },
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
	if (bound_addr(d, addr, sizeof addr) != 0)
		snprintf(addr, sizeof addr, "%s", o->listen);
	fprintf(stderr, "cordon: serving %s on %s://%s (Ctrl-C to stop)\n", o->web ? o->web : "the API",
	    cert ? "https" : "http", addr);
	say_ready(o->ready_fd, addr);
	/* Wait for a signal, watching slow clients meanwhile. */
	for (;;) {
		struct timespec tick = { 0, 250 * 1000 * 1000 };

		if ((sig = sigtimedwait(&sigs, NULL, &tick)) > 0)
			break;
		watch_sweep();
	}
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
