/*
 * bench-export.c - exports for partners at national scale: 10,000 alerts
 * with the records behind them, on the store bench-rules builds
 * (1,000,000 seizures), as one signed STIX bundle, as a MISP feed and as
 * CSV, against the floor of the same run.
 *
 *   bench-export --store DIR [--alerts N]
 *
 * Setup, once per store: a rule (bench-share) raising one alert per
 * seizure for the first N seizures, naming the seizure and everything
 * linked to it; partners `bench-partner` (non-nominal, amber) and
 * `bench-partner-nominal` selecting only those alerts.
 *
 * Baseline: read the same records (each alert, each record it names and
 * the routes of its seizures, each once), serialise each to JSON and hash
 * the bytes, in one read transaction. The exports are whole `cordon
 * export` runs through the library: share, redact, write, fsync, hash,
 * sign, audit. Each runs in a forked child; its peak anonymous RSS is
 * sampled every 10 ms (the store's and the output's pages, mapped from
 * files, are the page cache and reported apart).
 *
 * Goals (informational): export throughput >= 0.5 x the baseline; peak
 * anonymous RSS under 150 MB whatever the export's size.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "bench.h"
#include "cordon/error.h"
#include "cordon/export.h"
#include "cordon/partner.h"
#include "cordon/query.h"
#include "cordon/record.h"
#include "cordon/rule.h"
#include "cordon/store.h"

#define DEFAULT_ALERTS	10000
#define GOAL_RATIO	0.5
#define GOAL_RSS_MB	150.0

static const char rule_src[] =
    "return {\n"
    "  name = \"bench-share\",\n"
    "  title = \"Seizure and what is linked to it\",\n"
    "  severity = \"medium\",\n"
    "  on = { \"seizure\" },\n"
    "  check = function(rec)\n"
    "    if tonumber(rec.id:sub(3)) > LIMIT then return end\n"
    "    local refs = { rec.id }\n"
    "    for _, l in ipairs(cordon.links(rec.id)) do refs[#refs + 1] = l.other.id end\n"
    "    alert { key = rec.id, title = \"Seizure \" .. rec.id, refs = refs }\n"
    "  end,\n"
    "}\n";

struct report {
	int ok;
	double secs;
	uint64_t records, bytes, objects, files_bytes;
	long peak_anon_kb, peak_file_kb;
};

static struct {
	pthread_t thread;
	volatile int stop;
	long anon, file;
} sampler;

static void *
sample(void *arg)
{
	(void)arg;
	while (!sampler.stop) {
		long a, f;
		struct timespec ts = { 0, 10 * 1000 * 1000 };

		bench_rss(0, &a, &f);
		if (a > sampler.anon)
			sampler.anon = a;
		if (f > sampler.file)
			sampler.file = f;
		nanosleep(&ts, NULL);
	}
	return NULL;
}

static const char *store_dir;
static char out_dir[PATH_MAX];

static int
fail(const char *what)
{
	const struct cdn_error *e = cdn_error_last();

	fprintf(stderr, "bench-export: %s: %s\n", what, e->message[0] ? e->message : "failed");
	return -1;
}

typedef int (*child_fn)(const void *arg, struct report *r);

static int
run_child(const char *name, child_fn fn, const void *arg, struct report *r)
{
	int fd[2], status;
	pid_t pid;
	ssize_t got;

	memset(r, 0, sizeof *r);
	fprintf(stderr, "bench-export: %s …\n", name);
	if (pipe(fd) != 0 || (pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		struct report mine = { 0 };

		close(fd[0]);
		sampler.stop = 0;
		pthread_create(&sampler.thread, NULL, sample, NULL);
		mine.ok = fn(arg, &mine) == 0;
		sampler.stop = 1;
		pthread_join(sampler.thread, NULL);
		mine.peak_anon_kb = sampler.anon;
		mine.peak_file_kb = sampler.file;
		if (write(fd[1], &mine, sizeof mine) != (ssize_t)sizeof mine)
			_exit(2);
		_exit(mine.ok ? 0 : 1);
	}
	close(fd[1]);
	got = read(fd[0], r, sizeof *r);
	close(fd[0]);
	waitpid(pid, &status, 0);
	if (got != (ssize_t)sizeof *r || !r->ok) {
		fprintf(stderr, "bench-export: %s failed\n", name);
		r->ok = 0;
		return -1;
	}
	return 0;
}

/* --- setup -------------------------------------------------------------------------- */

static int
count_alerts(struct cdn_store *st, size_t *n)
{
	struct cdn_cond c = { "rule", "bench-share" };
	struct cdn_query q = { .kind = CDN_ALERT, .where = &c, .nwhere = 1 };
	struct cdn_txn *txn;
	int rc;

	if ((rc = cdn_txn_begin(st, CDN_TXN_READ, &txn)) != 0)
		return rc;
	rc = cdn_query_count(txn, &q, n);
	cdn_txn_abort(txn);
	return rc;
}

static int
setup(unsigned alerts)
{
	struct cdn_rule_run_opts ro = { 0 };
	struct cdn_rule_run_stats rs = { 0 };
	const char *names[] = { "bench-share" };
	struct cdn_store *st;
	size_t have = 0;
	char *src = NULL, limit[16];
	int rc = 0;

	if (cdn_store_open(store_dir, &st) != 0)
		return fail(store_dir);
	if (count_alerts(st, &have) != 0) {
		cdn_store_close(st);
		return fail("count alerts");
	}
	if (have < alerts) {
		const char *at = strstr(rule_src, "LIMIT");
		size_t n = strlen(rule_src) + 16;

		fprintf(stderr, "bench-export: raising %u alerts (once per store) …\n", alerts);
		snprintf(limit, sizeof limit, "%u", alerts);
		if ((src = malloc(n)) == NULL)
			return -1;
		snprintf(src, n, "%.*s%s%s", (int)(at - rule_src), rule_src, limit, at + 5);
		if ((rc = cdn_rule_limits_env(&ro.limits)) != 0 ||
		    (rc = cdn_rule_add(st, "bench", src, strlen(src), &ro.limits, NULL)) != 0 ||
		    (rc = cdn_rule_run(st, "bench", names, 1, &ro, NULL, &rs)) != 0)
			rc = fail("raising the alerts");
		free(src);
	}
	for (int nominal = 0; rc == 0 && nominal < 2; nominal++) {
		const char *name = nominal ? "bench-partner-nominal" : "bench-partner";
		json_t *p = NULL;

		if (cdn_partner_get(st, name, &p) == 0) {
			json_decref(p);
			continue;
		}
		cdn_error_clear();
		p = json_pack("{s:s,s:s,s:s,s:[s]}", "country", "KH", "max_tlp", "amber", "profile",
		    nominal ? "nominal" : "non-nominal", "rules", "bench-share");
		if (cdn_partner_add(st, "bench", name, p, NULL) != 0)
			rc = fail(name);
		json_decref(p);
	}
	cdn_store_close(st);
	return rc;
}

/* --- the baseline: read, serialise, hash ------------------------------------------------ */

struct base {
	struct cdn_txn *txn;
	json_t *seen;
	EVP_MD_CTX *sha;
	struct report *r;
	int rc;
};

static int
take(struct base *b, const char *id, json_t **keep)
{
	json_t *rec;
	char *text;

	if (json_object_get(b->seen, id))
		return 0;
	json_object_set_new(b->seen, id, json_true());
	if (cdn_record_get(b->txn, id, &rec) != 0) {
		cdn_error_clear();
		return 0;
	}
	if ((text = json_dumps(rec, JSON_COMPACT | CDN_JSON_REAL)) == NULL) {
		json_decref(rec);
		return -1;
	}
	EVP_DigestUpdate(b->sha, text, strlen(text));
	b->r->bytes += strlen(text);
	b->r->records++;
	free(text);
	if (keep)
		*keep = rec;
	else
		json_decref(rec);
	return 0;
}

static int
base_alert(void *arg, json_t *a)
{
	struct base *b = arg;
	json_t *ref;
	size_t i;
	char *text = json_dumps(a, JSON_COMPACT | CDN_JSON_REAL);

	if (!text)
		return 1;
	EVP_DigestUpdate(b->sha, text, strlen(text));
	b->r->bytes += strlen(text);
	b->r->records++;
	free(text);
	json_array_foreach(json_object_get(a, "refs"), i, ref) {
		json_t *rec = NULL;
		const char *route;

		if (take(b, json_string_value(ref), &rec) != 0)
			return 1;
		route = json_string_value(json_object_get(rec, "route"));
		if (route && take(b, route, NULL) != 0) {
			json_decref(rec);
			return 1;
		}
		json_decref(rec);
	}
	return 0;
}

static int
child_base(const void *arg, struct report *r)
{
	struct cdn_cond c = { "rule", "bench-share" };
	struct cdn_query q = { .kind = CDN_ALERT, .where = &c, .nwhere = 1 };
	struct base b = { NULL, json_object(), EVP_MD_CTX_new(), r, 0 };
	unsigned char h[EVP_MAX_MD_SIZE];
	unsigned int hl;
	struct cdn_store *st;
	double t0;
	int rc;

	(void)arg;
	if (cdn_store_open(store_dir, &st) != 0)
		return fail(store_dir);
	t0 = bench_now();
	EVP_DigestInit_ex(b.sha, EVP_sha256(), NULL);
	if ((rc = cdn_txn_begin(st, CDN_TXN_READ, &b.txn)) == 0) {
		rc = cdn_query_run(b.txn, &q, base_alert, &b);
		cdn_txn_abort(b.txn);
	}
	EVP_DigestFinal_ex(b.sha, h, &hl);
	r->secs = bench_now() - t0;
	EVP_MD_CTX_free(b.sha);
	json_decref(b.seen);
	cdn_store_close(st);
	return rc;
}

/* --- the exports ------------------------------------------------------------------------ */

struct exp {
	const char *partner;
	enum cdn_export_format format;
};

static int
child_export(const void *arg, struct report *r)
{
	const struct exp *e = arg;
	struct cdn_export_opts o = { e->partner, e->format, NULL, NULL, NULL, NULL, NULL };
	char out[PATH_MAX];
	struct cdn_store *st;
	json_t *res = NULL, *f;
	size_t i;
	double t0;
	int rc;

	snprintf(out, sizeof out, "%s/%s-%s%s", out_dir, e->partner, cdn_export_format_name(e->format),
	    e->format == CDN_EXPORT_MISP ? "" : e->format == CDN_EXPORT_CSV ? ".csv" : ".json");
	o.out = out;
	if (cdn_store_open(store_dir, &st) != 0)
		return fail(store_dir);
	t0 = bench_now();
	rc = cdn_export(st, "bench", &o, &res);
	r->secs = bench_now() - t0;
	if (rc != 0) {
		cdn_store_close(st);
		return fail(out);
	}
	r->objects = (uint64_t)json_integer_value(json_object_get(res, "objects"));
	r->records = (uint64_t)json_integer_value(json_object_get(res, "records"));
	json_array_foreach(json_object_get(res, "files"), i, f)
		r->files_bytes += (uint64_t)json_integer_value(json_object_get(f, "bytes"));
	json_decref(res);
	cdn_store_close(st);
	return 0;
}

static void
rm_out(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", out_dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench-export: cannot remove %s\n", out_dir);
}

static void
row(const char *what, const struct report *r, const struct report *base)
{
	printf("%-34s %8.2f s %10" PRIu64 " %9.1f MB %7.2f %9.1f MB %9.1f MB\n", what, r->secs,
	    r->objects ? r->objects : r->records, (double)(r->files_bytes ? r->files_bytes :
	    r->bytes) / 1e6, base && r->secs > 0 ? base->secs / r->secs : 1.0,
	    r->peak_anon_kb / 1024.0, r->peak_file_kb / 1024.0);
}

int
main(int argc, char **argv)
{
	unsigned alerts = DEFAULT_ALERTS;
	struct report base, rep[6];
	static const struct {
		const char *label;
		struct exp e;
	} runs[] = {
		{ "STIX bundle, non-nominal", { "bench-partner", CDN_EXPORT_STIX } },
		{ "STIX bundle, nominal", { "bench-partner-nominal", CDN_EXPORT_STIX } },
		{ "MISP feed, non-nominal", { "bench-partner", CDN_EXPORT_MISP } },
		{ "MISP feed, nominal", { "bench-partner-nominal", CDN_EXPORT_MISP } },
		{ "CSV, non-nominal", { "bench-partner", CDN_EXPORT_CSV } },
	};
	size_t nruns = sizeof runs / sizeof *runs;
	int bad = 0;

	for (int i = 1; i < argc; i++) {
		if (i + 1 < argc && strcmp(argv[i], "--store") == 0) {
			store_dir = argv[++i];
		} else if (i + 1 < argc && strcmp(argv[i], "--alerts") == 0) {
			alerts = (unsigned)strtoul(argv[++i], NULL, 10);
		} else {
			fprintf(argv[i][0] == '-' && argv[i][1] == 'h' ? stdout : stderr,
			    "usage: bench-export --store DIR [--alerts N]\n\n"
			    "Export N alerts (default %d) with their records as STIX, MISP and\n"
			    "CSV from the store bench-rules builds, against reading, serialising\n"
			    "and hashing the same records in the same run.\n", DEFAULT_ALERTS);
			return argv[i][0] == '-' && argv[i][1] == 'h' ? 0 : 2;
		}
	}
	if (!store_dir || alerts == 0) {
		fprintf(stderr, "bench-export: give the store (--store DIR): bench-rules builds one\n");
		return 2;
	}
	if (setup(alerts) != 0)
		return 1;
	snprintf(out_dir, sizeof out_dir, "%s.exports", store_dir);
	rm_out();
	if (mkdir(out_dir, 0700) != 0) {
		fprintf(stderr, "bench-export: %s: %s\n", out_dir, strerror(errno));
		return 1;
	}
	/* One export untimed first: the store's pages it reads (every case,
	 * for the withheld titles) are then as warm for each measurement as
	 * the baseline's are for it. */
	{
		struct report warm;

		if (run_child("warming up: an untimed export", child_export, &runs[0].e, &warm) != 0)
			return 1;
		rm_out();
		if (mkdir(out_dir, 0700) != 0) {
			fprintf(stderr, "bench-export: %s: %s\n", out_dir, strerror(errno));
			return 1;
		}
	}
	if (run_child("baseline: read, serialise and hash", child_base, NULL, &base) != 0)
		return 1;
	for (size_t i = 0; i < nruns; i++)
		bad |= run_child(runs[i].label, child_export, &runs[i].e, &rep[i]) != 0;
	printf("\nExports for partners: %u alerts with their records (%" PRIu64 " records)\n\n",
	    alerts, base.records);
	printf("%-34s %10s %10s %12s %7s %12s %12s\n", "", "time", "objects", "size", "x base",
	    "peak anon", "file pages");
	row("read+serialise+hash (baseline)", &base, &base);
	for (size_t i = 0; i < nruns; i++)
		if (rep[i].ok)
			row(runs[i].label, &rep[i], &base);
	for (size_t i = 0; i < nruns && rep[0].ok; i++) {
		double ratio = rep[i].secs > 0 ? base.secs / rep[i].secs : 0;
		double mb = rep[i].peak_anon_kb / 1024.0;

		if (i == 1 || i == 3 || !rep[i].ok)
			continue;
		printf("goal: %s at >= %.1f x the baseline: %s (%.2f); peak anonymous RSS under "
		    "%.0f MB: %s (%.0f MB)\n", runs[i].label, GOAL_RATIO, ratio >= GOAL_RATIO ?
		    "met" : "not met", ratio, GOAL_RSS_MB, mb < GOAL_RSS_MB ? "met" : "not met", mb);
	}
	rm_out();
	return bad;
}
