/*
 * metrics.c - requests counted for Prometheus (metrics.h), and GET
 * /metrics: the counts, the store's size, records by kind, rule errors.
 */
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cordon/error.h"
#include "cordon/query.h"
#include "cordon/record.h"
#include "cordon/rule.h"
#include "metrics.h"
#include "routes.h"

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

void
http_metrics_count(const char *path, const char *method, unsigned status, int authed, double secs)
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
	return http_send(r, 200, "text/plain; version=0.0.4; charset=utf-8", buf, len, NULL, 0);
}
