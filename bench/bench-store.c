/*
 * bench-store.c - how cordon's store compares with the floor (a bare LMDB
 * put/get loop) and with the obvious alternative (SQLite with the same
 * indexes), measured in one run so the ratios mean something on a busy
 * machine:
 *
 *   bench-store [--seizures N | --quick] [--gets M] [--keep]
 *   bench-store --growth [--quick]
 *
 * --growth imports 100,000, 1,000,000 and 3,000,000 seizures (a tenth of
 * each with --quick), each into a new store, and times the import per
 * record, a parsed get by id and four queries of bench-query's set on
 * each, so that a user sees whether the cost per record stays flat as a
 * store grows.
 *
 * Every import runs in its own forked child, one after the other, so each
 * gets a clean peak RSS from wait4() and none inherits an LMDB environment
 * (the parent opens none until the children are done). The generator runs
 * in a child too, which keeps the parent, and so every child forked from
 * it, small. Gets run in the parent on the stores the children left, hot,
 * best of a few rounds.
 *
 * The table goes to standard output, progress to standard error. The goals
 * are informational: the exit status is 0 unless something fails.
 */
#include <errno.h>
#include <ftw.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <lmdb.h>
#include <sqlite3.h>

#include "bench.h"
#include "cordon/check.h"
#include "cordon/error.h"
#include "cordon/gen.h"
#include "cordon/import.h"
#include "cordon/query.h"
#include "cordon/record.h"
#include "cordon/store.h"
#include "internal.h"		/* the store's LMDB environment, for its size */

#define DEFAULT_SEIZURES	1000000ULL
#define QUICK_SEIZURES		100000ULL
#define DEFAULT_GETS		1000000ULL
#define GEN_SEED		20240604ULL
#define GET_SEED		0x9e3779b97f4a7c15ULL
#define GET_ROUNDS		3
#define RAW_MAPSIZE		(16ULL << 30)
#define MB			(1024.0 * 1024.0)

/* Goals (informational). */
#define GOAL_IMPORT_VS_RAW	0.35
#define GOAL_GET_VS_RAW		0.50
#define GOAL_IMPORT_RSS_MB	200.0

struct opts {
	uint64_t seizures;
	uint64_t gets;
	int keep;
	int growth;		/* --growth: the same import and queries at 3 sizes */
};

/* What a child reports back through its pipe. */
struct child_report {
	int ok;
	double secs;		/* the timed part */
	uint64_t records;	/* records written */
	uint64_t seizures;	/* of which seizures (cordon only) */
	long rss_anon_kb;	/* at the end of the timed part */
	long rss_file_kb;
};

struct measure {
	struct child_report r;
	long maxrss_kb;		/* from wait4() */
	long peak_anon_kb;	/* sampled from the parent while it ran */
	long peak_file_kb;
};

struct paths {
	char dir[PATH_MAX];
	char input[PATH_MAX];
	char store[PATH_MAX];
	char raw[PATH_MAX];
	char sqlite[PATH_MAX];
};

static volatile uint64_t sink;	/* keeps touched bytes alive */
static int progress_open;	/* a progress line awaits its end */

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: bench-store [--seizures N | --quick] [--gets M] [--keep]\n"
	    "       bench-store --growth [--quick]\n"
	    "\n"
	    "Compare cordon's import and get-by-id with a raw LMDB put/get\n"
	    "loop and with SQLite keeping the same seizure indexes.\n"
	    "\n"
	    "  --seizures N  seizures to generate and import (default %" PRIu64 ")\n"
	    "  --quick       the same as --seizures %" PRIu64 "\n"
	    "  --gets M      random gets by id per measurement (default %" PRIu64 ")\n"
	    "  --keep        keep the temporary directory (input, stores)\n"
	    "  --growth      import 100,000, 1,000,000 and 3,000,000 seizures (a\n"
	    "                tenth of each with --quick) and time the import, gets\n"
	    "                and queries at each size: is the cost per record flat?\n"
	    "  --help        this text\n"
	    "\n"
	    "Work files go to a new directory under $TMPDIR (or /tmp).\n",
	    (uint64_t)DEFAULT_SEIZURES, (uint64_t)QUICK_SEIZURES,
	    (uint64_t)DEFAULT_GETS);
}

static void bench_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
static void die_usage(const char *, ...) __attribute__((format(printf, 1, 2),
    noreturn));
static void progress(const char *, ...) __attribute__((format(printf, 1, 2)));

static void
die_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "bench-store: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	usage(stderr);
	exit(2);
}

static void
bench_warn(const char *fmt, ...)
{
	va_list ap;

	if (progress_open) {
		fputc('\n', stderr);
		progress_open = 0;
	}
	fprintf(stderr, "bench-store: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void
progress(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	progress_open = fmt[strlen(fmt) - 1] != '\n';
	fflush(stderr);
}

static int
cdn_fail(const char *what)
{
	char buf[CDN_FIELD_MAX + CDN_MESSAGE_MAX + 4];

	cdn_error_format(cdn_error_last(), buf, sizeof buf);
	bench_warn("%s: %s", what, buf);
	return -1;
}

static int
mdb_fail(const char *what, int rc)
{
	bench_warn("%s: %s", what, mdb_strerror(rc));
	return -1;
}

static int
sqlite_fail(sqlite3 *db, const char *what)
{
	bench_warn("SQLite: %s: %s", what, db ? sqlite3_errmsg(db) : "out of memory");
	return -1;
}

static uint64_t
parse_count(const char *opt, const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v == 0 || s[0] == '-')
		die_usage("%s needs a positive number", opt);
	return v;
}

static void
parse_args(int argc, char **argv, struct opts *o)
{
	o->seizures = DEFAULT_SEIZURES;
	o->gets = DEFAULT_GETS;
	o->keep = 0;
	o->growth = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			exit(0);
		} else if (strcmp(a, "--quick") == 0) {
			o->seizures = QUICK_SEIZURES;
		} else if (strcmp(a, "--keep") == 0) {
			o->keep = 1;
		} else if (strcmp(a, "--growth") == 0) {
			o->growth = 1;
		} else if (strcmp(a, "--seizures") == 0 || strcmp(a, "--gets") == 0) {
			if (i + 1 >= argc)
				die_usage("%s needs a value", a);
			if (a[2] == 's')
				o->seizures = parse_count(a, argv[++i]);
			else
				o->gets = parse_count(a, argv[++i]);
		} else {
			die_usage("unknown argument '%s'", a);
		}
	}
}

/* --- time, memory, files --------------------------------------------------- */

static void
rss_now(long *anon_kb, long *file_kb)
{
	bench_rss(0, anon_kb, file_kb);
}

/* Bytes a file occupies on disk (a sparse map file counts its pages in
 * use, not its length) and, if wanted, its length. */
static int
file_size(const char *path, uint64_t *alloc, uint64_t *length)
{
	struct stat sb;

	if (stat(path, &sb) != 0) {
		bench_warn("%s: %s", path, strerror(errno));
		return -1;
	}
	*alloc = (uint64_t)sb.st_blocks * 512;
	if (length)
		*length = (uint64_t)sb.st_size;
	return 0;
}

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb; (void)flag; (void)ftw;
	if (remove(path) != 0)
		bench_warn("cannot remove %s: %s", path, strerror(errno));
	return 0;
}

static void
rm_tree(const char *dir)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int
join(char *out, const char *dir, const char *name)
{
	if ((size_t)snprintf(out, PATH_MAX, "%s/%s", dir, name) >= PATH_MAX) {
		bench_warn("%s/%s: path too long", dir, name);
		return -1;
	}
	return 0;
}

static int
make_paths(struct paths *p)
{
	const char *tmp = getenv("TMPDIR");

	if (!tmp || !*tmp)
		tmp = "/tmp";
	if ((size_t)snprintf(p->dir, sizeof p->dir, "%s/cordon-bench.XXXXXX",
	    tmp) >= sizeof p->dir) {
		bench_warn("TMPDIR is too long");
		return -1;
	}
	if (mkdtemp(p->dir) == NULL) {
		bench_warn("cannot create %s: %s", p->dir, strerror(errno));
		p->dir[0] = '\0';
		return -1;
	}
	if (join(p->input, p->dir, "seizures.jsonl") != 0 ||
	    join(p->store, p->dir, "store") != 0 ||
	    join(p->raw, p->dir, "raw-lmdb") != 0 ||
	    join(p->sqlite, p->dir, "sqlite.db") != 0)
		return -1;
	if (mkdir(p->raw, 0700) != 0) {
		bench_warn("cannot create %s: %s", p->raw, strerror(errno));
		return -1;
	}
	return 0;
}

/* --- children -------------------------------------------------------------- */

typedef int (*child_fn)(const void *arg, struct child_report *r);

static int
write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static ssize_t
read_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, p + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/*
 * Run fn in a forked child; its report comes back through a pipe and its
 * peak RSS from wait4(). Returns 0 if the child reported success.
 */
static int
run_child(const char *name, child_fn fn, const void *arg, struct measure *m)
{
	struct rusage ru;
	int fds[2], status;
	pid_t pid;
	ssize_t n;

	memset(m, 0, sizeof *m);
	fflush(stdout);
	fflush(stderr);
	if (pipe(fds) != 0) {
		bench_warn("pipe: %s", strerror(errno));
		return -1;
	}
	if ((pid = fork()) < 0) {
		bench_warn("fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		struct child_report r = { 0 };

		close(fds[0]);
		r.ok = fn(arg, &r) == 0;
		if (write_all(fds[1], &r, sizeof r) != 0)
			r.ok = 0;
		fflush(stdout);
		fflush(stderr);
		_exit(r.ok ? 0 : 1);
	}
	close(fds[1]);
	/* Until the child reports, look at its memory every 20 ms: peak RSS
	 * alone does not say how much of it is heap and how much is pages of
	 * a mapped file, which the kernel writes back and reclaims. */
	for (;;) {
		struct pollfd pfd = { fds[0], POLLIN, 0 };
		long anon, file;

		bench_rss(pid, &anon, &file);
		if (anon > m->peak_anon_kb)
			m->peak_anon_kb = anon;
		if (file > m->peak_file_kb)
			m->peak_file_kb = file;
		if (poll(&pfd, 1, 20) != 0)
			break;
	}
	n = read_all(fds[0], &m->r, sizeof m->r);
	close(fds[0]);
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			bench_warn("wait for %s: %s", name, strerror(errno));
			return -1;
		}
	}
	m->maxrss_kb = ru.ru_maxrss;	/* KiB on Linux */
	if (WIFSIGNALED(status)) {
		bench_warn("%s: killed by signal %d (%s)", name, WTERMSIG(status),
		    strsignal(WTERMSIG(status)));
		return -1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
	    n != (ssize_t)sizeof m->r || !m->r.ok) {
		bench_warn("%s failed", name);
		return -1;
	}
	return 0;
}

/* A child that does nothing: the RSS floor every forked child starts from. */
static int
child_nothing(const void *arg, struct child_report *r)
{
	(void)arg;
	(void)r;
	return 0;
}

struct gen_arg {
	const char *path;
	uint64_t seizures;
};

static int
child_generate(const void *varg, struct child_report *r)
{
	const struct gen_arg *a = varg;
	struct cdn_gen_opts o = { 0 };
	double t0 = bench_now();
	FILE *f;
	int rc;

	o.seed = GEN_SEED;
	o.seizures = a->seizures;
	o.cases = (unsigned)(a->seizures / 50 ? a->seizures / 50 : 1);
	o.with_entities = 0;
	if ((f = fopen(a->path, "w")) == NULL) {
		bench_warn("%s: %s", a->path, strerror(errno));
		return -1;
	}
	rc = cdn_gen_write(f, &o);
	if (rc != 0) {
		cdn_fail("generate");
		fclose(f);
		return -1;
	}
	/* On disk before anything is timed, so its write-back cannot land
	 * in the middle of a measurement. */
	if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
		bench_warn("%s: %s", a->path, strerror(errno));
		fclose(f);
		return -1;
	}
	if (fclose(f) != 0) {
		bench_warn("%s: %s", a->path, strerror(errno));
		return -1;
	}
	r->secs = bench_now() - t0;
	return 0;
}

static void
on_import_error(void *arg, uint64_t line, const char *field, const char *reason)
{
	unsigned *shown = arg;

	if ((*shown)++ < 10)
		bench_warn("import line %" PRIu64 ": %s%s%s", line, field,
		    *field ? ": " : "", reason);
}

static int
child_cordon(const void *arg, struct child_report *r)
{
	const struct paths *p = arg;
	struct cdn_import_opts io = { 0 };
	struct cdn_import_result res = { 0 };
	struct cdn_store *st = NULL;
	unsigned shown = 0;
	double t0;
	int rc;

	io.format = CDN_IMPORT_JSONL;
	io.on_error = on_import_error;
	io.arg = &shown;
	t0 = bench_now();
	if (cdn_store_init(p->store) != 0)
		return cdn_fail("cordon init");
	if (cdn_store_open(p->store, &st) != 0)
		return cdn_fail("cordon open");
	if ((rc = cdn_import_file(st, p->input, "bench", &io, &res)) != 0) {
		if (rc == CDN_EINVAL)
			bench_warn("cordon import: %" PRIu64 " bad lines of %" PRIu64,
			    res.errors, res.lines);
		else
			cdn_fail("cordon import");
		cdn_store_close(st);
		return -1;
	}
	rss_now(&r->rss_anon_kb, &r->rss_file_kb);
	cdn_store_close(st);
	r->secs = bench_now() - t0;
	for (int k = 0; k < CDN_NKINDS; k++)
		r->records += res.created[k];
	r->seizures = res.created[CDN_SEIZURE];
	return 0;
}

static int
child_raw_put(const void *arg, struct child_report *r)
{
	const struct paths *p = arg;
	MDB_env *env = NULL;
	MDB_txn *txn = NULL;
	MDB_dbi dbi;
	unsigned char kb[8];
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	uint64_t seq = 0;
	FILE *f = NULL;
	double t0;
	int rc, ret = -1;

	t0 = bench_now();
	if ((f = fopen(p->input, "r")) == NULL) {
		bench_warn("%s: %s", p->input, strerror(errno));
		return -1;
	}
	if ((rc = mdb_env_create(&env)) != 0) {
		mdb_fail("raw LMDB: create", rc);
		goto out;
	}
	if ((rc = mdb_env_set_mapsize(env, RAW_MAPSIZE)) != 0 ||
	    (rc = mdb_env_open(env, p->raw, 0, 0600)) != 0) {
		mdb_fail("raw LMDB: open", rc);
		goto out;
	}
	if ((rc = mdb_txn_begin(env, NULL, 0, &txn)) != 0 ||
	    (rc = mdb_dbi_open(txn, NULL, 0, &dbi)) != 0) {
		mdb_fail("raw LMDB: begin", rc);
		goto out;
	}
	while ((len = getline(&line, &cap, f)) > 0) {
		MDB_val k = { sizeof kb, kb }, v;

		if (line[len - 1] == '\n')
			len--;
		if (len == 0)
			continue;
		seq++;
		for (int i = 7; i >= 0; i--)
			kb[7 - i] = (unsigned char)(seq >> (8 * i));
		v.mv_size = (size_t)len;
		v.mv_data = line;
		if ((rc = mdb_put(txn, dbi, &k, &v, 0)) != 0) {
			mdb_fail("raw LMDB: put", rc);
			goto out;
		}
	}
	if (ferror(f)) {
		bench_warn("%s: %s", p->input, strerror(errno));
		goto out;
	}
	rc = mdb_txn_commit(txn);
	txn = NULL;
	if (rc != 0) {
		mdb_fail("raw LMDB: commit", rc);
		goto out;
	}
	rss_now(&r->rss_anon_kb, &r->rss_file_kb);
	mdb_env_close(env);
	env = NULL;
	r->secs = bench_now() - t0;
	r->records = seq;
	ret = 0;
out:
	if (txn)
		mdb_txn_abort(txn);
	if (env)
		mdb_env_close(env);
	free(line);
	fclose(f);
	return ret;
}

static const char *
jstr(json_t *obj, const char *key)
{
	return json_string_value(json_object_get(obj, key));
}

static int
bind_text(sqlite3_stmt *s, int col, const char *v)
{
	if (!v)
		return sqlite3_bind_null(s, col);
	return sqlite3_bind_text(s, col, v, -1, SQLITE_STATIC);
}

/* One parsed line into the seizure or the other table. */
static int
sqlite_insert(sqlite3 *db, sqlite3_stmt *ins_seizure, sqlite3_stmt *ins_other,
    const char *line, size_t len, uint64_t lineno)
{
	json_error_t jerr;
	json_t *rec;
	const char *kind, *occurred;
	sqlite3_stmt *s;
	int rc, ret = -1;

	if ((rec = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr)) == NULL) {
		bench_warn("SQLite: line %" PRIu64 ": %s", lineno, jerr.text);
		return -1;
	}
	kind = jstr(rec, "kind");
	if (kind && strcmp(kind, "seizure") == 0) {
		int64_t t;
		char why[CDN_WHY_MAX];

		s = ins_seizure;
		occurred = jstr(rec, "occurred_at");
		if (!occurred || cdn_time_parse(occurred, &t, why) != 0) {
			bench_warn("SQLite: line %" PRIu64 ": occurred_at: %s",
			    lineno, occurred ? why : "missing");
			goto out;
		}
		if ((rc = bind_text(s, 1, jstr(rec, "case"))) != SQLITE_OK ||
		    (rc = sqlite3_bind_int64(s, 2, t)) != SQLITE_OK ||
		    (rc = bind_text(s, 3, jstr(json_object_get(rec, "commodity"), "category"))) != SQLITE_OK ||
		    (rc = bind_text(s, 4, jstr(json_object_get(rec, "location"), "country"))) != SQLITE_OK ||
		    (rc = bind_text(s, 5, jstr(rec, "transport_mode"))) != SQLITE_OK ||
		    (rc = sqlite3_bind_text(s, 6, line, (int)len, SQLITE_STATIC)) != SQLITE_OK) {
			sqlite_fail(db, "bind");
			goto out;
		}
	} else {
		s = ins_other;
		if ((rc = bind_text(s, 1, kind)) != SQLITE_OK ||
		    (rc = bind_text(s, 2, jstr(rec, "ref"))) != SQLITE_OK ||
		    (rc = sqlite3_bind_text(s, 3, line, (int)len, SQLITE_STATIC)) != SQLITE_OK) {
			sqlite_fail(db, "bind");
			goto out;
		}
	}
	if (sqlite3_step(s) != SQLITE_DONE) {
		sqlite_fail(db, "insert");
		goto out;
	}
	ret = 0;
out:
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	json_decref(rec);
	return ret;
}

static int
child_sqlite(const void *arg, struct child_report *r)
{
	static const char schema[] =
	    "CREATE TABLE seizure(id INTEGER PRIMARY KEY, case_id TEXT,"
	    " occurred_at INTEGER, category TEXT, country TEXT, mode TEXT,"
	    " body TEXT);"
	    "CREATE INDEX seizure_case ON seizure(case_id);"
	    "CREATE INDEX seizure_date ON seizure(occurred_at);"
	    "CREATE INDEX seizure_category ON seizure(category);"
	    "CREATE INDEX seizure_country ON seizure(country);"
	    "CREATE INDEX seizure_mode ON seizure(mode);"
	    /* Cases (and anything else) are stored too, as cordon does. */
	    "CREATE TABLE other(id INTEGER PRIMARY KEY, kind TEXT, ref TEXT,"
	    " body TEXT);";
	const struct paths *p = arg;
	sqlite3 *db = NULL;
	sqlite3_stmt *ins_seizure = NULL, *ins_other = NULL;
	char *line = NULL, *err = NULL;
	size_t cap = 0;
	ssize_t len;
	uint64_t lineno = 0, n = 0;
	FILE *f;
	double t0;
	int ret = -1;

	t0 = bench_now();
	if ((f = fopen(p->input, "r")) == NULL) {
		bench_warn("%s: %s", p->input, strerror(errno));
		return -1;
	}
	if (sqlite3_open_v2(p->sqlite, &db,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		sqlite_fail(db, p->sqlite);
		goto out;
	}
	if (sqlite3_exec(db, schema, NULL, NULL, &err) != SQLITE_OK ||
	    sqlite3_exec(db, "BEGIN", NULL, NULL, &err) != SQLITE_OK) {
		bench_warn("SQLite: schema: %s", err ? err : sqlite3_errmsg(db));
		goto out;
	}
	if (sqlite3_prepare_v2(db, "INSERT INTO seizure(case_id, occurred_at,"
	    " category, country, mode, body) VALUES (?, ?, ?, ?, ?, ?)", -1,
	    &ins_seizure, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO other(kind, ref, body)"
	    " VALUES (?, ?, ?)", -1, &ins_other, NULL) != SQLITE_OK) {
		sqlite_fail(db, "prepare");
		goto out;
	}
	while ((len = getline(&line, &cap, f)) > 0) {
		lineno++;
		if (line[len - 1] == '\n')
			len--;
		if (len == 0)
			continue;
		if (sqlite_insert(db, ins_seizure, ins_other, line,
		    (size_t)len, lineno) != 0)
			goto out;
		n++;
	}
	if (ferror(f)) {
		bench_warn("%s: %s", p->input, strerror(errno));
		goto out;
	}
	sqlite3_finalize(ins_seizure);
	sqlite3_finalize(ins_other);
	ins_seizure = ins_other = NULL;
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, &err) != SQLITE_OK) {
		bench_warn("SQLite: commit: %s", err ? err : sqlite3_errmsg(db));
		goto out;
	}
	rss_now(&r->rss_anon_kb, &r->rss_file_kb);
	if (sqlite3_close(db) != SQLITE_OK) {
		sqlite_fail(db, "close");
		db = NULL;
		goto out;
	}
	db = NULL;
	r->secs = bench_now() - t0;
	r->records = n;
	ret = 0;
out:
	sqlite3_free(err);
	sqlite3_finalize(ins_seizure);
	sqlite3_finalize(ins_other);
	if (db)
		sqlite3_close(db);
	free(line);
	fclose(f);
	return ret;
}

/* --- gets (in the parent, after every child is done) ----------------------- */

static uint64_t
splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

struct gets {
	uint64_t n;		/* lookups */
	uint64_t *seq;		/* 1..N */
	char *ids;		/* "S-n" strings, CDN_ID_MAX apart */
	struct cdn_store *st;
	MDB_env *raw;
	MDB_dbi raw_dbi;
	uint64_t store_used;	/* bytes of LMDB pages in use */
	uint64_t raw_used;
};

static uint64_t
env_used(MDB_env *env)
{
	MDB_envinfo info;
	MDB_stat ms;

	if (mdb_env_info(env, &info) != 0 || mdb_env_stat(env, &ms) != 0)
		return 0;
	return ((uint64_t)info.me_last_pgno + 1) * ms.ms_psize;
}

static int
gets_prepare(struct gets *g, uint64_t n, uint64_t range)
{
	uint64_t state = GET_SEED;

	g->n = n;
	if ((g->seq = malloc(n * sizeof *g->seq)) == NULL ||
	    (g->ids = malloc(n * CDN_ID_MAX)) == NULL) {
		bench_warn("out of memory for %" PRIu64 " keys", n);
		return -1;
	}
	for (uint64_t i = 0; i < n; i++) {
		struct cdn_id id = { CDN_SEIZURE, splitmix64(&state) % range + 1 };

		g->seq[i] = id.seq;
		cdn_id_format(id, g->ids + i * CDN_ID_MAX);
	}
	return 0;
}

static int
gets_open(struct gets *g, const struct paths *p)
{
	MDB_txn *txn;
	int rc;

	if (cdn_store_open(p->store, &g->st) != 0)
		return cdn_fail("cordon open");
	if ((rc = mdb_env_create(&g->raw)) != 0)
		return mdb_fail("raw LMDB: create", rc);
	if ((rc = mdb_env_set_mapsize(g->raw, RAW_MAPSIZE)) != 0 ||
	    (rc = mdb_env_open(g->raw, p->raw, MDB_RDONLY, 0600)) != 0)
		return mdb_fail("raw LMDB: open", rc);
	if ((rc = mdb_txn_begin(g->raw, NULL, MDB_RDONLY, &txn)) != 0)
		return mdb_fail("raw LMDB: begin", rc);
	rc = mdb_dbi_open(txn, NULL, 0, &g->raw_dbi);
	mdb_txn_abort(txn);
	if (rc != 0)
		return mdb_fail("raw LMDB: open database", rc);
	g->store_used = env_used(g->st->env);
	g->raw_used = env_used(g->raw);
	return 0;
}

static void
gets_close(struct gets *g)
{
	if (g->st)
		cdn_store_close(g->st);
	if (g->raw)
		mdb_env_close(g->raw);
	free(g->seq);
	free(g->ids);
}

/* One pass of M gets; *secs gets the time. */
static int
get_cordon_raw(struct gets *g, double *secs)
{
	struct cdn_txn *txn;
	uint64_t sum = 0;
	double t0;

	if (cdn_txn_begin(g->st, CDN_TXN_READ, &txn) != 0)
		return cdn_fail("cordon read transaction");
	t0 = bench_now();
	for (uint64_t i = 0; i < g->n; i++) {
		struct cdn_id id = { CDN_SEIZURE, g->seq[i] };
		const char *json;
		size_t len;

		if (cdn_record_get_raw(txn, id, &json, &len) != 0) {
			cdn_txn_abort(txn);
			return cdn_fail("cordon get");
		}
		sum += (unsigned char)json[0] + len;
	}
	*secs = bench_now() - t0;
	cdn_txn_abort(txn);
	sink += sum;
	return 0;
}

static int
get_cordon_parsed(struct gets *g, double *secs)
{
	struct cdn_txn *txn;
	uint64_t sum = 0;
	double t0;

	if (cdn_txn_begin(g->st, CDN_TXN_READ, &txn) != 0)
		return cdn_fail("cordon read transaction");
	t0 = bench_now();
	for (uint64_t i = 0; i < g->n; i++) {
		json_t *rec;

		if (cdn_record_get(txn, g->ids + i * CDN_ID_MAX, &rec) != 0) {
			cdn_txn_abort(txn);
			return cdn_fail("cordon get");
		}
		sum += json_object_size(rec);
		json_decref(rec);
	}
	*secs = bench_now() - t0;
	cdn_txn_abort(txn);
	sink += sum;
	return 0;
}

/* Raw LMDB get of each record, and with `parse` a parse of its bytes with
 * jansson too: the floor of a get that hands over a record, as cordon's
 * parsed get (and the API) does. */
static int
get_raw(struct gets *g, int parse, double *secs)
{
	MDB_txn *txn;
	uint64_t sum = 0;
	unsigned char kb[8];
	double t0;
	int rc;

	if ((rc = mdb_txn_begin(g->raw, NULL, MDB_RDONLY, &txn)) != 0)
		return mdb_fail("raw LMDB: begin", rc);
	t0 = bench_now();
	for (uint64_t i = 0; i < g->n; i++) {
		MDB_val k = { sizeof kb, kb }, v;
		uint64_t seq = g->seq[i];
		json_t *rec;

		for (int b = 7; b >= 0; b--)
			kb[7 - b] = (unsigned char)(seq >> (8 * b));
		if ((rc = mdb_get(txn, g->raw_dbi, &k, &v)) != 0) {
			mdb_txn_abort(txn);
			return mdb_fail("raw LMDB: get", rc);
		}
		if (!parse) {
			sum += *(const unsigned char *)v.mv_data + v.mv_size;
			continue;
		}
		if ((rec = json_loadb(v.mv_data, v.mv_size, 0, NULL)) == NULL) {
			mdb_txn_abort(txn);
			bench_warn("raw LMDB: a value that is not JSON");
			return -1;
		}
		sum += json_object_size(rec);
		json_decref(rec);
	}
	*secs = bench_now() - t0;
	mdb_txn_abort(txn);
	sink += sum;
	return 0;
}


/*
 * Warm both stores with one untimed pass, then time GET_ROUNDS rounds of
 * cordon and raw LMDB, interleaved so drift on a busy machine hits them
 * alike, and keep each one's best. The parsed gets, cordon's and raw LMDB's
 * with the same parse, thirty times slower, are timed once each.
 */
static int
run_gets(struct gets *g, double best[4])
{
	double t;

	best[0] = best[2] = -1;
	if (get_cordon_raw(g, &t) != 0 || get_raw(g, 0, &t) != 0)
		return -1;
	for (int round = 0; round < GET_ROUNDS; round++) {
		if (get_cordon_raw(g, &t) != 0)
			return -1;
		if (best[0] < 0 || t < best[0])
			best[0] = t;
		if (get_raw(g, 0, &t) != 0)
			return -1;
		if (best[2] < 0 || t < best[2])
			best[2] = t;
	}
	if (get_cordon_parsed(g, &best[1]) != 0)
		return -1;
	return get_raw(g, 1, &best[3]);
}

/* --- the table ------------------------------------------------------------- */

/* 1234567 → "1,234,567" */
static const char *
thousands(uint64_t v, char *buf, size_t cap)
{
	char tmp[32];
	size_t n, j = 0;

	n = (size_t)snprintf(tmp, sizeof tmp, "%" PRIu64, v);
	for (size_t i = 0; i < n && j + 1 < cap; i++) {
		if (i > 0 && (n - i) % 3 == 0 && j + 2 < cap)
			buf[j++] = ',';
		buf[j++] = tmp[i];
	}
	buf[j] = '\0';
	return buf;
}

static const char *
fmt_secs(double s, char *buf, size_t cap)
{
	if (s < 1)
		snprintf(buf, cap, "%.3f s", s);
	else if (s < 10)
		snprintf(buf, cap, "%.2f s", s);
	else if (s < 100)
		snprintf(buf, cap, "%.1f s", s);
	else
		snprintf(buf, cap, "%.0f s", s);
	return buf;
}

static const char *
fmt_rate(double per_sec, const char *unit, char *buf, size_t cap)
{
	char n[32];

	/* Rounded to hundreds: the last digits are noise. */
	thousands((uint64_t)(per_sec / 100 + 0.5) * 100, n, sizeof n);
	snprintf(buf, cap, "%s %s", n, unit);
	return buf;
}

static const char *
fmt_ratio(double r, char *buf, size_t cap)
{
	if (r < 0)
		snprintf(buf, cap, "-");
	else
		snprintf(buf, cap, "%.2f", r);
	return buf;
}

static const char *
fmt_mb(long kb, char *buf, size_t cap)
{
	if (kb < 0)
		snprintf(buf, cap, "-");
	else
		snprintf(buf, cap, "%.0f MB", kb * 1024.0 / MB);
	return buf;
}

static void
row(const char *op, double secs, double rate, const char *unit,
    double vs_raw, double vs_sqlite, long rss_kb)
{
	char t[32], r[48], a[16], b[16], m[32];

	printf("%-34s %-9s %-17s %-13s %-11s %s\n", op,
	    fmt_secs(secs, t, sizeof t), fmt_rate(rate, unit, r, sizeof r),
	    fmt_ratio(vs_raw, a, sizeof a), fmt_ratio(vs_sqlite, b, sizeof b),
	    fmt_mb(rss_kb, m, sizeof m));
}

static void
size_row(const char *what, uint64_t bytes, uint64_t raw, uint64_t sqlite,
    const char *note)
{
	char a[16], b[16], line[256];
	size_t n;

	snprintf(line, sizeof line, "%-34s %6.0f MB  %-13s %-11s %s", what,
	    (double)bytes / MB,
	    fmt_ratio(raw ? (double)bytes / (double)raw : -1, a, sizeof a),
	    fmt_ratio(sqlite ? (double)bytes / (double)sqlite : -1, b, sizeof b),
	    note);
	for (n = strlen(line); n > 0 && line[n - 1] == ' '; n--)
		line[n - 1] = '\0';
	printf("%s\n", line);
}

static const char *
verdict(int pass)
{
	return pass ? "PASS" : "MISS";
}

/* --- main ------------------------------------------------------------------ */


/* --- growth: the same work at three sizes ------------------------------------ */

#define GROWTH_GETS	100000
#define GROWTH_ROUNDS	15

struct gquery {
	const char *name;
	struct cdn_cond c[2];
	size_t nc;
	const char *since, *until;
	int count;		/* a count, else a first page of 100 */
};

/* Four of bench-query's set: a page and a count, from one index and a
 * window, and from two indexes. */
static const struct gquery gqueries[] = {
	{ "VN, one day: page", { { "location.country", "VN" } }, 1, "2024-01-01", "2024-01-01", 0 },
	{ "VN, one day: count", { { "location.country", "VN" } }, 1, "2024-01-01", "2024-01-01", 1 },
	{ "wildlife+air: page", { { "commodity.category", "wildlife" }, { "transport_mode", "air" } },
	  2, NULL, NULL, 0 },
	{ "wildlife+air: count", { { "commodity.category", "wildlife" }, { "transport_mode", "air" } },
	  2, NULL, NULL, 1 },
};
#define NGQ (sizeof gqueries / sizeof *gqueries)

static int
gq_row(void *arg, json_t *rec)
{
	(*(size_t *)arg)++;
	sink += json_object_size(rec);
	return 0;
}

/* Median milliseconds of query `g` over GROWTH_ROUNDS runs, and what it
 * answers: the count, or the rows of its page. */
static int
gq_time(struct cdn_txn *txn, const struct gquery *g, double *ms, size_t *answer)
{
	struct cdn_query q = { .kind = CDN_SEIZURE, .where = g->c, .nwhere = g->nc,
		.since = g->since, .until = g->until, .limit = g->count ? 0 : 100 };
	double t[GROWTH_ROUNDS];

	for (int i = 0; i < GROWTH_ROUNDS; i++) {
		double t0 = bench_now();

		*answer = 0;
		if ((g->count ? cdn_query_count(txn, &q, answer) :
		    cdn_query_run(txn, &q, gq_row, answer)) != 0)
			return cdn_fail(g->name);
		t[i] = (bench_now() - t0) * 1e3;
	}
	*ms = bench_quantile(t, GROWTH_ROUNDS, .5);
	return 0;
}

/* Microseconds per parsed get of a random seizure, best of 3 passes. */
static int
gets_time(struct cdn_txn *txn, uint64_t seizures, double *us)
{
	uint64_t x = GET_SEED;
	double best = 0;

	for (int r = 0; r < 3; r++) {
		double t0 = bench_now(), secs;

		for (int i = 0; i < GROWTH_GETS; i++) {
			struct cdn_id id = { CDN_SEIZURE, 0 };
			char buf[CDN_ID_MAX];
			json_t *rec;

			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			id.seq = 1 + x % seizures;
			cdn_id_format(id, buf);
			if (cdn_record_get(txn, buf, &rec) != 0)
				return cdn_fail(buf);
			sink += json_object_size(rec);
			json_decref(rec);
		}
		secs = bench_now() - t0;
		if (r == 0 || secs < best)
			best = secs;
	}
	*us = best / GROWTH_GETS * 1e6;
	return 0;
}

static int
growth(const struct opts *o)
{
	static const uint64_t sizes[] = { 100000, 1000000, 3000000 };
	uint64_t div = o->seizures == QUICK_SEIZURES ? 10 : 1;
	double first[2 + NGQ] = { 0 };
	char n1[32];

	printf("growth: the same import, gets and queries at three sizes (one store each, "
	    "hot; queries: median of %d)\n", GROWTH_ROUNDS);
	printf("%-11s %9s %10s %10s %9s", "seizures", "import", "us/record", "bytes/rec", "get us");
	/* bytes/rec: the store's LMDB pages in use per record */
	for (size_t i = 0; i < NGQ; i++)
		printf(" %21s", gqueries[i].name);
	printf("\n");
	for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
		uint64_t n = sizes[s] / div, store_size, len, used = 0;
		struct measure gm, im;
		struct gen_arg ga;
		struct paths p = { 0 };
		struct cdn_store *st = NULL;
		struct cdn_txn *txn = NULL;
		double per, get_us, ms[NGQ];
		size_t ans[NGQ];
		char path[PATH_MAX];
		int ok = 0;

		if (make_paths(&p) != 0)
			return 1;
		progress("growth: %s seizures: generating ... ", thousands(n, n1, sizeof n1));
		ga.path = p.input;
		ga.seizures = n;
		if (run_child("generator", child_generate, &ga, &gm) == 0) {
			progress("importing ... ");
			sync();
			if (run_child("cordon import", child_cordon, &p, &im) == 0 &&
			    join(path, p.store, "data.mdb") == 0 &&
			    file_size(path, &store_size, &len) == 0 &&
			    cdn_store_open(p.store, &st) == 0 &&
			    cdn_txn_begin(st, CDN_TXN_READ, &txn) == 0) {
				progress("queries ... ");
				used = env_used(st->env);
				ok = gets_time(txn, im.r.seizures, &get_us) == 0;
				for (size_t i = 0; i < NGQ && ok; i++)
					ok = gq_time(txn, &gqueries[i], &ms[i], &ans[i]) == 0;
			}
		}
		if (txn)
			cdn_txn_abort(txn);
		if (st)
			cdn_store_close(st);
		rm_tree(p.dir);
		progress("done\n");
		if (!ok)
			return 1;
		per = im.r.secs / (double)im.r.records * 1e6;
		printf("%-11s %8.1fs %10.1f %10.0f %9.1f", thousands(n, n1, sizeof n1), im.r.secs, per,
		    (double)used / (double)im.r.records, get_us);
		for (size_t i = 0; i < NGQ; i++) {
			char cell[48];

			snprintf(cell, sizeof cell, "%.2f ms (%zu)", ms[i], ans[i]);
			printf(" %21s", cell);
		}
		printf("\n");
		if (s == 0) {
			first[0] = per;
			first[1] = get_us;
			memcpy(first + 2, ms, sizeof ms);
		} else if (s == sizeof sizes / sizeof *sizes - 1) {
			printf("%-11s %9s %9.2fx %10s %8.2fx", "x smallest", "", per / first[0], "",
			    get_us / first[1]);
			for (size_t i = 0; i < NGQ; i++)
				printf(" %20.2fx", ms[i] / first[2 + i]);
			printf("\n");
		}
		fflush(stdout);
	}
	printf("(in brackets: the rows of a page, or the count. Flat: x smallest near 1 for the "
	    "import per record and the get; a query's time follows what it answers, which grows "
	    "with the store: %llux the records here)\n", (unsigned long long)(sizes[2] / sizes[0]));
	return 0;
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct paths p = { 0 };
	struct measure floor_m, gen_m, cordon_m, raw_m, sqlite_m;
	struct gets g = { 0 };
	struct gen_arg ga;
	uint64_t input_size, store_size, store_len, raw_size, raw_len;
	uint64_t sqlite_size, nrec;
	double best[4], imp_rate, raw_rate, sql_rate, get_rate[4];
	char n1[32], n2[32], n3[32], note[96];
	int ok = 0;

	parse_args(argc, argv, &o);
	/* Children report through pipes; a dead reader must not kill us. */
	signal(SIGPIPE, SIG_IGN);
	if (o.growth)
		return growth(&o);
	if (make_paths(&p) != 0) {
		if (p.dir[0] && access(p.dir, F_OK) == 0)
			rm_tree(p.dir);
		return 1;
	}

	if (run_child("empty child", child_nothing, NULL, &floor_m) != 0)
		goto out;

	progress("generating %s seizures into %s ... ",
	    thousands(o.seizures, n1, sizeof n1), p.input);
	ga.path = p.input;
	ga.seizures = o.seizures;
	if (run_child("generator", child_generate, &ga, &gen_m) != 0 ||
	    file_size(p.input, &input_size, NULL) != 0)
		goto out;
	progress("%.1f s, %.0f MB\n", gen_m.r.secs, (double)input_size / MB);

	/* Each import starts with the disk quiet. */
	progress("cordon import ... ");
	sync();
	if (run_child("cordon import", child_cordon, &p, &cordon_m) != 0)
		goto out;
	progress("%.1f s\n", cordon_m.r.secs);

	progress("raw LMDB put loop ... ");
	sync();
	if (run_child("raw LMDB put loop", child_raw_put, &p, &raw_m) != 0)
		goto out;
	progress("%.1f s\n", raw_m.r.secs);

	progress("SQLite import ... ");
	sync();
	if (run_child("SQLite import", child_sqlite, &p, &sqlite_m) != 0)
		goto out;
	progress("%.1f s\n", sqlite_m.r.secs);

	nrec = raw_m.r.records;
	if (cordon_m.r.records != nrec || sqlite_m.r.records != nrec) {
		bench_warn("record counts differ: cordon %" PRIu64 ", raw LMDB %"
		    PRIu64 ", SQLite %" PRIu64, cordon_m.r.records, nrec,
		    sqlite_m.r.records);
		goto out;
	}
	if (cordon_m.r.seizures == 0) {
		bench_warn("the generated file holds no seizures");
		goto out;
	}
	if (file_size(p.sqlite, &sqlite_size, NULL) != 0)
		goto out;
	{
		char path[PATH_MAX];

		if (join(path, p.store, "data.mdb") != 0 ||
		    file_size(path, &store_size, &store_len) != 0 ||
		    join(path, p.raw, "data.mdb") != 0 ||
		    file_size(path, &raw_size, &raw_len) != 0)
			goto out;
	}

	/* Only now does the parent open LMDB environments. */
	progress("gets (%s per pass, best of %d) ... ",
	    thousands(o.gets, n1, sizeof n1), GET_ROUNDS);
	if (gets_prepare(&g, o.gets, cordon_m.r.seizures) != 0 ||
	    gets_open(&g, &p) != 0 || run_gets(&g, best) != 0)
		goto out;
	progress("done\n");
	for (int i = 0; i < 4; i++)
		get_rate[i] = (double)g.n / best[i];

	imp_rate = (double)nrec / cordon_m.r.secs;
	raw_rate = (double)nrec / raw_m.r.secs;
	sql_rate = (double)nrec / sqlite_m.r.secs;

	printf("cordon store benchmark: %s seizures + %s cases = %s records"
	    " (file %.0f MB)\n", thousands(cordon_m.r.seizures, n1, sizeof n1),
	    thousands(nrec - cordon_m.r.seizures, n2, sizeof n2),
	    thousands(nrec, n3, sizeof n3), (double)input_size / MB);
	printf("%-34s %-9s %-17s %-13s %-11s %s\n", "operation", "time",
	    "rate", "vs raw LMDB", "vs SQLite", "peak RSS");
	row("import (cordon)", cordon_m.r.secs, imp_rate, "rec/s",
	    imp_rate / raw_rate, imp_rate / sql_rate, cordon_m.maxrss_kb);
	row("raw LMDB put loop", raw_m.r.secs, raw_rate, "rec/s",
	    1.0, -1, raw_m.maxrss_kb);
	row("SQLite import (same indexes)", sqlite_m.r.secs, sql_rate, "rec/s",
	    -1, 1.0, sqlite_m.maxrss_kb);
	row("get by id (cordon, raw bytes)", best[0], get_rate[0], "ops/s",
	    get_rate[0] / get_rate[2], -1, -1);
	row("get by id (cordon, parsed)", best[1], get_rate[1], "ops/s",
	    get_rate[1] / get_rate[2], -1, -1);
	row("raw LMDB get", best[2], get_rate[2], "ops/s", 1.0, -1, -1);
	row("raw LMDB get + parse", best[3], get_rate[3], "ops/s",
	    get_rate[3] / get_rate[2], -1, -1);
	printf("(imports: one transaction each, fsync at commit; gets: %s"
	    " random ids a pass, hot, best of %d, parsed once; RSS of an empty"
	    " child: %.0f MB)\n", thousands(g.n, n1, sizeof n1), GET_ROUNDS,
	    floor_m.maxrss_kb * 1024.0 / MB);
	printf("\n");

	printf("%-34s %9s  %-13s %-11s %s\n", "on-disk size", "on disk",
	    "vs raw LMDB", "vs SQLite", "notes");
	snprintf(note, sizeof note, "pages in use %.0f MB, file length %.0f MB",
	    (double)g.store_used / MB, (double)store_len / MB);
	size_row("cordon store (data.mdb)", store_size, raw_size, sqlite_size,
	    note);
	snprintf(note, sizeof note, "pages in use %.0f MB, file length %.0f MB",
	    (double)g.raw_used / MB, (double)raw_len / MB);
	size_row("raw LMDB (data.mdb)", raw_size, raw_size, 0, note);
	size_row("SQLite database", sqlite_size, 0, sqlite_size, "");
	size_row("input file (JSON Lines)", input_size, raw_size, sqlite_size,
	    "");
	printf("\n");

	/* Pages of a memory-mapped store count as file-backed: page cache
	 * the kernel writes back and reclaims, unlike the heap. */
	printf("memory of each import, sampled every 20 ms (file-backed: pages of"
	    " a mapped file)\n");
	printf("  %-10s %9s %11s %17s   %s\n", "", "peak RSS", "peak heap",
	    "peak file-backed", "at the end: heap / file-backed");
	{
		const struct measure *ms[] = { &cordon_m, &raw_m, &sqlite_m };
		const char *names[] = { "cordon", "raw LMDB", "SQLite" };

		for (int i = 0; i < 3; i++)
			printf("  %-10s %6.0f MB %8.0f MB %14.0f MB   %.0f MB / %.0f MB\n",
			    names[i], ms[i]->maxrss_kb * 1024.0 / MB,
			    ms[i]->peak_anon_kb * 1024.0 / MB,
			    ms[i]->peak_file_kb * 1024.0 / MB,
			    ms[i]->r.rss_anon_kb * 1024.0 / MB,
			    ms[i]->r.rss_file_kb * 1024.0 / MB);
	}
	printf("\n");

	printf("goals: import >= %.2f x raw LMDB and faster than SQLite;"
	    " get >= %.2f x raw LMDB, the parsed get (what the API does) against"
	    " raw LMDB's get and the same parse; import peak RSS < %.0f MB\n",
	    GOAL_IMPORT_VS_RAW, GOAL_GET_VS_RAW, GOAL_IMPORT_RSS_MB);
	printf("  %s  import vs raw LMDB   %.2f (goal >= %.2f)\n",
	    verdict(imp_rate / raw_rate >= GOAL_IMPORT_VS_RAW),
	    imp_rate / raw_rate, GOAL_IMPORT_VS_RAW);
	printf("  %s  import vs SQLite     %.2f (goal > 1.00)\n",
	    verdict(imp_rate > sql_rate), imp_rate / sql_rate);
	printf("  %s  get vs raw LMDB      %.2f (goal >= %.2f)\n",
	    verdict(get_rate[0] / get_rate[2] >= GOAL_GET_VS_RAW),
	    get_rate[0] / get_rate[2], GOAL_GET_VS_RAW);
	printf("  %s  parsed get vs raw LMDB get + parse  %.2f (goal >= %.2f)\n",
	    verdict(get_rate[1] / get_rate[3] >= GOAL_GET_VS_RAW),
	    get_rate[1] / get_rate[3], GOAL_GET_VS_RAW);
	printf("  %s  import peak RSS      %.0f MB (goal < %.0f MB)\n",
	    verdict(cordon_m.maxrss_kb * 1024.0 / MB < GOAL_IMPORT_RSS_MB),
	    cordon_m.maxrss_kb * 1024.0 / MB, GOAL_IMPORT_RSS_MB);
	if (o.keep)
		printf("\nkept %s\n", p.dir);
	ok = 1;
out:
	gets_close(&g);
	if (fflush(stdout) != 0) {
		bench_warn("standard output: %s", strerror(errno));
		ok = 0;
	}
	if (o.keep) {
		if (!ok)
			bench_warn("work files kept in %s", p.dir);
	} else {
		rm_tree(p.dir);
	}
	return ok ? 0 : 1;
}
