/*
 * bench-rules.c - the shipped detection rules backtested over a store of
 * generated seizures (with their entities, routes and links), against the
 * floor of the same run: a bare loop that reads every seizure.
 *
 *   bench-rules [--seizures N | --quick] [--store DIR] [--rules DIR] [--threads T]
 *
 * Baselines, on the same snapshot:
 *   read        every seizure's bytes, one LMDB cursor (no parsing);
 *   read+parse  every seizure read and parsed into a JSON tree from the
 *               form cordon stores it in (cdn_record_parse), on T
 *               threads, as the rule engine must before a rule sees it.
 * Then the rules over every record of the kinds they watch, as a dry run
 * (cdn_rule_test): all six together with records as lazy views, the same
 * with records built as full Lua tables, and each rule alone.
 *
 * Last, the on-write latency: a seizure and its consignee link written
 * through the library (which runs the enabled rules before returning), on
 * a copy of the store, without rules and with the six, p50 and p99.
 *
 * Each measurement runs in a forked child, so its peak memory is its own:
 * anonymous and file-backed RSS are sampled every 10 ms (the store's
 * pages, mapped from its file, are reported apart: they are the page
 * cache, shared and reclaimable), and the kernel's exact peak RSS of the
 * child (wait4's ru_maxrss) catches a spike between two samples: the peak
 * anonymous memory reported is the larger of the sampled peak and that
 * exact peak less the store's pages. --store DIR keeps (or reuses) the
 * store there.
 *
 * The table goes to standard output, progress to standard error. The
 * verdict against the goal (250,000 records checked per second, under
 * 300 MB) counts the records the rules were run on; any rule error fails
 * it, and makes the exit status 1.
 */
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <lmdb.h>

#include "bench.h"
#include "cordon/backup.h"
#include "cordon/error.h"
#include "cordon/gen.h"
#include "cordon/import.h"
#include "cordon/query.h"
#include "cordon/rule.h"
#include "cordon/store.h"
#include "internal.h"		/* the store's LMDB environment and key layout */

#define DEFAULT_SEIZURES	1000000ULL
#define QUICK_SEIZURES		100000ULL
#define GEN_SEED		20240604ULL
#define MAX_RULES		32
#define GOAL_RATE		250000.0
#define GOAL_RSS_MB		300.0

struct opts {
	uint64_t seizures;
	char store[PATH_MAX];
	char rules[PATH_MAX];
	unsigned threads;
	int keep;
};

/* What a child measured, sent back through a pipe. */
struct report {
	int ok;
	double secs;
	uint64_t records, seizures, alerts, errors;
	long peak_anon_kb, peak_file_kb;
	long maxrss_kb;		/* the child's exact peak RSS (wait4), all pages */
	double p50[2], p99[2];	/* on-write latency (ms): without rules, with them */
};

/* The peak anonymous memory of a run: the sampled peak, or the exact peak
 * RSS less the store's pages if a spike came between two samples. */
static long
peak_anon(const struct report *r)
{
	long exact = r->maxrss_kb - r->peak_file_kb;

	return exact > r->peak_anon_kb ? exact : r->peak_anon_kb;
}

/* --- peak memory, sampled -------------------------------------------------------- */

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

/* --- children --------------------------------------------------------------------- */

typedef int (*child_fn)(const struct opts *o, const void *arg, struct report *r);
static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw);

static int
run_child(const char *name, child_fn fn, const struct opts *o, const void *arg, struct report *r)
{
	int fd[2], status = 0;
	struct rusage ru;
	pid_t pid;
	ssize_t got;

	memset(r, 0, sizeof *r);
	fprintf(stderr, "bench-rules: %s …\n", name);
	if (pipe(fd) != 0)
		return -1;
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		struct report mine = { 0 };

		close(fd[0]);
		sampler.stop = 0;
		pthread_create(&sampler.thread, NULL, sample, NULL);
		mine.ok = fn(o, arg, &mine) == 0;
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
	memset(&ru, 0, sizeof ru);
	if (wait4(pid, &status, 0, &ru) == pid)
		r->maxrss_kb = ru.ru_maxrss;
	if (got != (ssize_t)sizeof *r || !r->ok || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "bench-rules: %s failed\n", name);
		r->ok = 0;
		return -1;
	}
	return 0;
}

static int
fail(const char *what)
{
	const struct cdn_error *e = cdn_error_last();

	fprintf(stderr, "bench-rules: %s: %s\n", what, e->message[0] ? e->message : "failed");
	return -1;
}

/* Generate the data set and import it into o->store. */
static int
child_build(const struct opts *o, const void *arg, struct report *r)
{
	char input[PATH_MAX + 16];
	struct cdn_gen_opts g = { 0 };
	struct cdn_import_opts io = { 0 };
	struct cdn_import_result res = { 0 };
	struct cdn_store *st;
	FILE *f;
	double t0 = bench_now();
	int rc;

	(void)arg;
	snprintf(input, sizeof input, "%s.jsonl", o->store);
	g.seed = GEN_SEED;
	g.seizures = o->seizures;
	g.cases = (unsigned)(o->seizures / 50 ? o->seizures / 50 : 1);
	g.with_entities = 1;
	if ((f = fopen(input, "w")) == NULL)
		return fail(input);
	rc = cdn_gen_write(f, &g);
	if (fclose(f) != 0 || rc != 0)
		return fail("generate");
	io.format = CDN_IMPORT_JSONL;
	if (cdn_store_init(o->store) != 0 || cdn_store_open(o->store, &st) != 0)
		return fail(o->store);
	rc = cdn_import_file(st, input, "bench", &io, &res);
	cdn_store_close(st);
	unlink(input);
	if (rc != 0)
		return fail("import");
	r->secs = bench_now() - t0;
	r->seizures = res.created[CDN_SEIZURE];
	for (int k = 0; k < CDN_NKINDS; k++)
		r->records += res.created[k];
	return 0;
}

/* The bare loop: every seizure's bytes, optionally parsed, split over
 * threads by id range on one snapshot. */
struct part {
	struct cdn_store *st;
	MDB_txn *txn;
	uint64_t from, to;	/* seqs, inclusive */
	int parse;
	uint64_t n, bytes;
};

static void *
read_part(void *arg)
{
	struct part *p = arg;
	unsigned char key[CDN_RKEY_LEN], hi[CDN_RKEY_LEN];
	MDB_val k = { CDN_RKEY_LEN, key }, v;
	MDB_cursor *cur;
	int rc;

	cdn_rkey((struct cdn_id){ CDN_SEIZURE, p->from }, key);
	cdn_rkey((struct cdn_id){ CDN_SEIZURE, p->to }, hi);
	if (mdb_cursor_open(p->txn, p->st->recs, &cur) != 0)
		return NULL;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size != CDN_RKEY_LEN || memcmp(k.mv_data, hi, CDN_RKEY_LEN) > 0)
			break;
		p->n++;
		p->bytes += v.mv_size;
		if (p->parse) {
			json_t *rec = NULL;

			if (cdn_record_parse(v.mv_data, v.mv_size, &rec) != 0)
				break;
			json_decref(rec);
		}
	}
	mdb_cursor_close(cur);
	return NULL;
}

struct bare {
	int parse;
	unsigned threads;
};

static int
child_bare(const struct opts *o, const void *arg, struct report *r)
{
	const struct bare *b = arg;
	struct part parts[16];
	pthread_t th[16];
	struct cdn_store *st;
	size_t total;
	double t0;
	unsigned n = b->threads ? b->threads : 1;

	if (n > 16)
		n = 16;
	if (cdn_store_open(o->store, &st) != 0)
		return fail(o->store);
	{
		struct cdn_txn *txn;

		if (cdn_txn_begin(st, CDN_TXN_READ, &txn) != 0 ||
		    cdn_kind_count(txn, CDN_SEIZURE, &total) != 0)
			return fail("count");
		cdn_txn_abort(txn);
	}
	t0 = bench_now();
	for (unsigned i = 0; i < n; i++) {
		memset(&parts[i], 0, sizeof parts[i]);
		parts[i].st = st;
		parts[i].parse = b->parse;
		parts[i].from = 1 + total * i / n;
		parts[i].to = total * (i + 1) / n;
		if (mdb_txn_begin(st->env, NULL, MDB_RDONLY, &parts[i].txn) != 0)
			return fail("read transaction");
		pthread_create(&th[i], NULL, read_part, &parts[i]);
	}
	for (unsigned i = 0; i < n; i++) {
		pthread_join(th[i], NULL);
		mdb_txn_abort(parts[i].txn);
		r->seizures += parts[i].n;
	}
	r->secs = bench_now() - t0;
	r->records = r->seizures;
	cdn_store_close(st);
	return r->seizures == total ? 0 : -1;
}

/* The rules, as a dry run. */
struct rules_arg {
	const char *const *srcs;
	const size_t *lens;
	size_t n;
	int tables;
};

static int
child_rules(const struct opts *o, const void *arg, struct report *r)
{
	const struct rules_arg *a = arg;
	struct cdn_rule_run_opts ro = { 0 };
	struct cdn_rule_run_stats s = { 0 };
	struct cdn_store *st;
	struct cdn_txn *txn;
	json_t *alerts = NULL;
	size_t seizures;
	double t0;

	ro.threads = o->threads;
	ro.tables = a->tables;
	if (cdn_store_open(o->store, &st) != 0)
		return fail(o->store);
	if (cdn_txn_begin(st, CDN_TXN_READ, &txn) != 0 ||
	    cdn_kind_count(txn, CDN_SEIZURE, &seizures) != 0)
		return fail("count");
	cdn_txn_abort(txn);
	t0 = bench_now();
	if (cdn_rule_test(st, a->srcs, a->lens, a->n, &ro, &alerts, &s) != 0)
		return fail("rule test");
	r->secs = bench_now() - t0;
	r->records = s.records;
	r->seizures = seizures;
	r->alerts = s.alerts;
	r->errors = s.errors;
	json_decref(alerts);
	cdn_store_close(st);
	return 0;
}

/*
 * On-write latency: what an officer waits for when recording a seizure
 * and its consignee, two writes through the library, each of which runs
 * the enabled rules on what it wrote before it returns. ONWRITE pairs
 * with no rule enabled, then ONWRITE with the six, on a copy of the store
 * (made by cdn_store_backup and removed after), so the bench store stays
 * as generated.
 */
#define ONWRITE 200

#define PARTIES 64

struct parties {
	char id[PARTIES][32];
	int n;
};

static int
party_id(void *arg, json_t *rec)
{
	struct parties *p = arg;

	snprintf(p->id[p->n++], sizeof p->id[0], "%s", json_string_value(json_object_get(rec, "id")));
	return 0;
}

static int
child_onwrite(const struct opts *o, const void *arg, struct report *r)
{
	const struct rules_arg *a = arg;
	struct cdn_cond company = { "type", "company" };
	struct cdn_query q = { .kind = CDN_ENTITY, .where = &company, .nwhere = 1, .limit = PARTIES };
	struct parties p = { .n = 0 };
	char copy[PATH_MAX + 16], dir[PATH_MAX], when[32];
	struct cdn_store *st;
	struct cdn_txn *txn;
	double lat[ONWRITE];
	int rc = 0;

	snprintf(dir, sizeof dir, "%s", o->store);
	snprintf(copy, sizeof copy, "%s.onwrite", dir);
	if (cdn_store_open(o->store, &st) != 0)
		return fail(o->store);
	rc = cdn_store_backup(st, copy, NULL, NULL, NULL);
	cdn_store_close(st);
	if (rc != 0 || cdn_store_open(copy, &st) != 0)
		return fail("a copy of the store");
	if (cdn_txn_begin(st, CDN_TXN_READ, &txn) == 0) {
		cdn_query_run(txn, &q, party_id, &p);
		cdn_txn_abort(txn);
	}
	/* Consignees and dates vary as an office's day does: the first 64
	 * companies in turn, over four weeks. */
	for (int phase = 0; phase < 2 && rc == 0 && p.n; phase++) {
		for (size_t i = 0; phase == 1 && i < a->n && rc == 0; i++) {
			json_t *out = NULL;

			rc = cdn_rule_add(st, "bench", a->srcs[i], a->lens[i], NULL, &out);
			json_decref(out);
		}
		for (int i = 0; i < ONWRITE && rc == 0; i++) {
			json_t *sz;

			snprintf(when, sizeof when, "2024-06-%02dT10:00:00Z", 1 + i % 28);
			sz = json_pack("{s:s,s:s,s:{s:s,s:s},s:{s:f,s:s},s:s,s:{s:s}}", "case", "C-1",
			    "occurred_at", when, "commodity", "category", "wildlife",
			    "description", "pangolin scales", "quantity", "amount", 120.0 + i, "unit", "kg",
			    "transport_mode", "sea", "concealment", "method", "misdeclared");
			json_t *link, *out = NULL;
			double t0 = bench_now();

			if ((rc = cdn_record_add(st, "bench", CDN_SEIZURE, sz, 0, &out)) == 0) {
				link = json_pack("{s:s,s:O,s:s}", "from", p.id[i % p.n], "to", json_object_get(out, "id"),
				    "type", "consignee_of");
				json_decref(out);
				out = NULL;
				rc = cdn_record_add(st, "bench", CDN_LINK, link, 0, &out);
				json_decref(link);
			}
			lat[i] = (bench_now() - t0) * 1e3;
			json_decref(sz);
			json_decref(out);
		}
		if (rc == 0) {
			r->p50[phase] = bench_quantile(lat, ONWRITE, .5);
			r->p99[phase] = bench_quantile(lat, ONWRITE, .99);
		}
	}
	if (rc != 0 || !p.n)
		fail(p.n ? "a write" : "a company to be the consignee");
	cdn_store_close(st);
	nftw(copy, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return rc != 0 || !p.n ? -1 : 0;
}

/* --- the rules' files --------------------------------------------------------------- */

struct ruleset {
	char *name[MAX_RULES];
	char *src[MAX_RULES];
	size_t len[MAX_RULES];
	size_t n;
};

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
load_rules(const char *dir, struct ruleset *rs)
{
	char *names[MAX_RULES];
	size_t n = 0;
	struct dirent *e;
	DIR *d = opendir(dir);

	if (!d) {
		fprintf(stderr, "bench-rules: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL && n < MAX_RULES) {
		size_t l = strlen(e->d_name);

		if (l > 4 && strcmp(e->d_name + l - 4, ".lua") == 0)
			names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof *names, cmp_str);
	for (size_t i = 0; i < n; i++) {
		char path[PATH_MAX + 256];
		FILE *f;
		long len;

		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		if ((f = fopen(path, "rb")) == NULL || fseek(f, 0, SEEK_END) != 0 ||
		    (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
			fprintf(stderr, "bench-rules: %s: %s\n", path, strerror(errno));
			return -1;
		}
		rs->src[rs->n] = malloc((size_t)len + 1);
		if (!rs->src[rs->n] || fread(rs->src[rs->n], 1, (size_t)len, f) != (size_t)len) {
			fclose(f);
			return -1;
		}
		fclose(f);
		rs->len[rs->n] = (size_t)len;
		names[i][strlen(names[i]) - 4] = '\0';
		rs->name[rs->n++] = names[i];
	}
	return n ? 0 : -1;
}

/* --- main --------------------------------------------------------------------------- */

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: bench-rules [--seizures N | --quick] [--store DIR] [--rules DIR] [--threads T]\n"
	    "\n"
	    "Backtest the shipped rules over a generated store, against a bare loop\n"
	    "reading every seizure in the same run.\n"
	    "\n"
	    "  --seizures N   seizures in the store (default %llu)\n"
	    "  --quick        %llu seizures\n"
	    "  --store DIR    keep the store in DIR, or use the one there\n"
	    "  --rules DIR    the rules (default: lua/rules of the source tree)\n"
	    "  --threads T    threads for the rules and the bare loop (default: one per core)\n",
	    (unsigned long long)DEFAULT_SEIZURES, (unsigned long long)QUICK_SEIZURES);
}

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb; (void)flag; (void)ftw;
	return remove(path);
}

static void
row(const char *what, const struct report *r, const struct report *base)
{
	double rate = r->secs > 0 ? (double)r->seizures / r->secs : 0;

	printf("%-28s %9.2f s %12.0f/s %8.2f %9.1f MB %9.1f MB %8" PRIu64 "\n", what, r->secs,
	    rate, base && r->secs > 0 ? base->secs / r->secs : 1.0, peak_anon(r) / 1024.0,
	    r->peak_file_kb / 1024.0, r->alerts);
}

int
main(int argc, char **argv)
{
	struct opts o = { .seizures = DEFAULT_SEIZURES };
	struct report build, raw, parse, all, tables, one[MAX_RULES], onwrite;
	struct ruleset rs = { 0 };
	struct bare braw = { 0, 1 }, bparse = { 1, 0 };
	struct rules_arg ra;
	uint64_t errors;
	double checked_rate;
	int made = 0, rate_met, rss_met;

	snprintf(o.rules, sizeof o.rules, "%s/lua/rules", CORDON_SRCDIR);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(argv[i], "--quick") == 0) {
			o.seizures = QUICK_SEIZURES;
		} else if (i + 1 < argc && strcmp(argv[i], "--seizures") == 0) {
			char *end;

			o.seizures = strtoull(argv[++i], &end, 10);
			if (*end || o.seizures == 0) {
				fprintf(stderr, "bench-rules: --seizures wants a number above 0\n");
				return 2;
			}
		} else if (i + 1 < argc && strcmp(argv[i], "--store") == 0) {
			snprintf(o.store, sizeof o.store, "%s", argv[++i]);
			o.keep = 1;
		} else if (i + 1 < argc && strcmp(argv[i], "--rules") == 0) {
			snprintf(o.rules, sizeof o.rules, "%s", argv[++i]);
		} else if (i + 1 < argc && strcmp(argv[i], "--threads") == 0) {
			o.threads = (unsigned)strtoul(argv[++i], NULL, 10);
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (load_rules(o.rules, &rs) != 0) {
		fprintf(stderr, "bench-rules: no rules in %s\n", o.rules);
		return 1;
	}
	if (!o.store[0]) {
		char tmpl[] = "/tmp/cordon-bench-rules-XXXXXX";

		if (!mkdtemp(tmpl))
			return 1;
		snprintf(o.store, sizeof o.store, "%s/store", tmpl);
	}
	if (access(o.store, F_OK) != 0) {
		if (run_child("generating and importing", child_build, &o, NULL, &build) != 0)
			return 1;
		made = 1;
		fprintf(stderr, "bench-rules: %" PRIu64 " records (%" PRIu64 " seizures) in %.1f s\n",
		    build.records, build.seizures, build.secs);
	}
	bparse.threads = o.threads ? o.threads : (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
	if (run_child("bare loop: read", child_bare, &o, &braw, &raw) != 0 ||
	    run_child("bare loop: read and parse", child_bare, &o, &bparse, &parse) != 0)
		return 1;
	ra = (struct rules_arg){ (const char *const *)rs.src, rs.len, rs.n, 0 };
	if (run_child("all rules, lazy views", child_rules, &o, &ra, &all) != 0)
		return 1;
	ra.tables = 1;
	if (run_child("all rules, full tables", child_rules, &o, &ra, &tables) != 0)
		return 1;
	for (size_t i = 0; i < rs.n; i++) {
		struct rules_arg one_arg = { (const char *const *)&rs.src[i], &rs.len[i], 1, 0 };

		if (run_child(rs.name[i], child_rules, &o, &one_arg, &one[i]) != 0)
			return 1;
	}
	ra.tables = 0;
	if (run_child("on-write latency", child_onwrite, &o, &ra, &onwrite) != 0)
		return 1;

	printf("\nRules backtest: %" PRIu64 " seizures (%" PRIu64 " records the rules watch), "
	    "%u threads\n\n", parse.seizures, all.records, bparse.threads);
	printf("%-28s %11s %14s %8s %12s %12s %8s\n", "", "time", "seizures/s", "x base",
	    "peak anon", "store pages", "alerts");
	row("read (1 thread)", &raw, &parse);
	row("read+parse (baseline)", &parse, &parse);
	row("six rules, lazy views", &all, &parse);
	row("six rules, full tables", &tables, &parse);
	for (size_t i = 0; i < rs.n; i++) {
		char label[64];

		snprintf(label, sizeof label, "  %s", rs.name[i]);
		row(label, &one[i], &parse);
	}
	printf("\nlazy views against full tables: %.2fx the speed, %.0f against %.0f MB peak\n",
	    tables.secs / all.secs, peak_anon(&all) / 1024.0, peak_anon(&tables) / 1024.0);
	printf("on-write, a seizure and its consignee link (%d pairs): no rule p50 %.2f ms, p99 %.2f ms; "
	    "the six rules p50 %.2f ms, p99 %.2f ms (p99 %.1fx)\n", ONWRITE, onwrite.p50[0], onwrite.p99[0],
	    onwrite.p50[1], onwrite.p99[1], onwrite.p99[0] > 0 ? onwrite.p99[1] / onwrite.p99[0] : 0);
	/* The verdict: the records the six rules were run on (not the store's
	 * size), and no rule error anywhere in the run. */
	errors = all.errors + tables.errors;
	for (size_t i = 0; i < rs.n; i++)
		errors += one[i].errors;
	checked_rate = all.secs > 0 ? (double)all.records / all.secs : 0;
	rate_met = all.records > 0 && checked_rate >= GOAL_RATE && errors == 0;
	rss_met = peak_anon(&all) / 1024.0 < GOAL_RSS_MB && errors == 0;
	printf("goal: six rules at >= %.0f records checked/s: %s (%" PRIu64 " records in %.2f s: "
	    "%.0f/s); peak anonymous RSS under %.0f MB: %s (%.0f MB)\n", GOAL_RATE,
	    rate_met ? "met" : "not met", all.records, all.secs, checked_rate, GOAL_RSS_MB,
	    rss_met ? "met" : "not met", peak_anon(&all) / 1024.0);
	if (errors)
		printf("rule errors: %" PRIu64 " (views %" PRIu64 ", tables %" PRIu64 ", alone %" PRIu64
		    "): the verdict is not met\n", errors, all.errors, tables.errors,
		    errors - all.errors - tables.errors);
	if (made && !o.keep) {
		char dir[PATH_MAX];
		char *slash;

		snprintf(dir, sizeof dir, "%s", o.store);
		if ((slash = strrchr(dir, '/')) != NULL)
			*slash = '\0';
		nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	}
	for (size_t i = 0; i < rs.n; i++) {
		free(rs.name[i]);
		free(rs.src[i]);
	}
	return errors ? 1 : 0;
}
