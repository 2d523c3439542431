/*
 * server.c - the daemon (http.h): listening, limits, slow clients,
 * request bodies as they arrive (uploads streamed to files), static
 * files, the access log and a clean shutdown. The top of src/http: it
 * hands each whole request to the router (api.h) or an upload's route.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
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
#include "cordon/record.h"
#include "api.h"
#include "auth.h"
#include "http.h"
#include "jobs.h"
#include "metrics.h"
#include "routes.h"
#include "vendor.h"

#define CONNECTION_LIMIT	256
#define PER_IP_LIMIT		32
#define TIMEOUT_S		30	/* an idle connection is closed */
#define HEAD_S			10	/* a request's head must arrive within this */
#define BODY_RATE		1024	/* bytes a second a body must average, after HEAD_S */
#define DRAIN_S			10	/* at shutdown, wait this long for requests */
#define FILE_MAX		(16u << 20)

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
	struct http_body body;
	int answered;
	/* An upload: streamed to a temporary file, or to a worker (`job`)
	 * that stops reading when it has failed (`dropped`: the rest of the
	 * body is discarded). */
	const struct upload *upload;
	void *job;
	int dropped;
	int fd, too_big;
	uint64_t max, got;
	char id[CDN_ID_MAX + 1], tmp[4096];
};

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
		/* The package changes only with an upgrade. */
		return http_answer(r, 200, resp, media_type(p), "max-age=86400");
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
	return http_answer(r, 200, resp, media_type(path), "no-cache");
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
		http_body_expect(&p->body, cl);
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
		if (http_body_add(&p->body, upload, *upload_size) != 0)
			return MHD_NO;
		*upload_size = 0;
		return MHD_YES;
	}
	watch_phase(p->watch, ANSWERING);
	if (p->answered)
		return MHD_YES;
	p->answered = 1;
	p->r.body = p->body.data ? p->body.data : "";
	p->r.len = p->body.len;
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
	if (p->body.over)
		return http_body_too_large(&p->r);
	if (strncmp(url, "/api/", 5) == 0 || strcmp(url, "/healthz") == 0 ||
	    strcmp(url, "/metrics") == 0 || strcmp(url, "/taxii2") == 0 ||
	    strncmp(url, "/taxii2/", 8) == 0)
		res = http_route(&p->r);
	else
		res = static_file(s, &p->r);
	cdn_error_clear();
	return res;
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
	http_metrics_count(p->r.path, p->r.method, p->r.status, p->r.authed, (double)(t1.tv_sec - p->t0.tv_sec) +
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
	http_body_free(&p->body);
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
