/*
 * bench-evidence.c - adding evidence against `git hash-object -w`, and
 * verifying it against `sha256sum`, on the same files in one run:
 *
 *   bench-evidence [--files N] [--size BYTES]
 *
 * Two sets of files: incompressible bytes (as photographs, PDFs and video
 * are) and compressible ones (as uncompressed scans and text are). Each
 * file is added through the library, one add (one commit, one store
 * transaction, everything synced) at a time; git is given the same paths
 * in one `git hash-object -w --stdin-paths`, which syncs nothing. Verify
 * re-reads every version from the repository and re-hashes it; sha256sum
 * reads the original files. All files are fresh in the page cache.
 */
#include <errno.h>
#include <ftw.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "bench.h"
#include "cordon/error.h"
#include "cordon/evidence.h"
#include "cordon/record.h"
#include "cordon/store.h"
#include "internal.h"

#define GOAL_ADD_VS_GIT 0.9

static void
die(const char *what)
{
	fprintf(stderr, "bench-evidence: %s: %s\n", what, cdn_error_last()->message[0] ?
	    cdn_error_last()->message : strerror(errno));
	exit(1);
}

static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb; (void)flag; (void)ftw;
	return remove(path);
}

/* Run a shell command, timed; -1 if it failed. */
static double
timed_sh(const char *cmd)
{
	double t0 = bench_now();
	int st = system(cmd);

	return st == 0 ? bench_now() - t0 : -1;
}

/* Fill `buf`: random bytes, or text-like bytes that zlib shrinks about
 * four times, different from file to file. */
static void
fill(unsigned char *buf, size_t len, int compressible, uint64_t *seed)
{
	static const char words[] = "container seized tusks scales ivory pangolin declared "
	    "cashew timber port customs officer report sample ";
	for (size_t i = 0; i < len; i++) {
		*seed = *seed * 6364136223846793005ULL + 1442695040888963407ULL;
		if (compressible)
			buf[i] = (unsigned char)(*seed >> 61 == 0 ? (int)('A' + (*seed >> 33) % 26) :
			    words[(*seed >> 33) % (sizeof words - 1)]);
		else
			buf[i] = (unsigned char)(*seed >> 33);
	}
}

struct result {
	double cordon, git, verify, sha256sum;
	uint64_t bytes;
};

static void
report(void *arg, const char *where, const char *problem)
{
	(void)arg;
	fprintf(stderr, "bench-evidence: %s: %s\n", where, problem);
}

static void
run_set(const char *dir, int compressible, int nfiles, size_t size, struct result *r)
{
	char path[4096], store[4096], list[4096], repo[4096], cmd[16384];
	struct cdn_evidence_opts o = { .max_size = size + 1 };
	struct cdn_evidence_check c;
	struct cdn_store *st;
	struct cdn_txn *txn;
	unsigned char *buf = malloc(size);
	uint64_t seed = compressible ? 7 : 11;
	FILE *lf;
	double t0;
	json_t *in;

	snprintf(list, sizeof list, "%s/paths-%d", dir, compressible);
	if (!buf || (lf = fopen(list, "w")) == NULL)
		die("setup");
	for (int i = 0; i < nfiles; i++) {
		FILE *f;

		snprintf(path, sizeof path, "%s/f%d-%03d.bin", dir, compressible, i);
		fill(buf, size, compressible, &seed);
		if ((f = fopen(path, "wb")) == NULL || fwrite(buf, 1, size, f) != size || fclose(f) != 0)
			die(path);
		fprintf(lf, "%s\n", path);
	}
	fclose(lf);
	free(buf);
	r->bytes = (uint64_t)nfiles * size;

	/* cordon: one add at a time, each synced. */
	snprintf(store, sizeof store, "%s/store-%d", dir, compressible);
	if (cdn_store_init(store) != 0 || cdn_store_open(store, &st) != 0)
		die("store");
	in = json_pack("{s:s}", "title", "Benchmark case");
	if (cdn_txn_begin(st, CDN_TXN_WRITE, &txn) != 0 || cdn_record_create(txn, CDN_CASE, in, 0, NULL) != 0 ||
	    cdn_txn_commit(txn) != 0)
		die("case");
	json_decref(in);
	t0 = bench_now();
	for (int i = 0; i < nfiles; i++) {
		snprintf(path, sizeof path, "%s/f%d-%03d.bin", dir, compressible, i);
		if (cdn_evidence_add(st, "bench", "C-1", path, &o, NULL) != 0)
			die("evidence add");
	}
	r->cordon = bench_now() - t0;

	/* git, the same files in one process. */
	snprintf(repo, sizeof repo, "%s/git-%d", dir, compressible);
	snprintf(cmd, sizeof cmd, "git init -q --bare '%s'", repo);
	if (system(cmd) != 0)
		die("git init");
	snprintf(cmd, sizeof cmd, "git --git-dir='%s' hash-object -w --stdin-paths < '%s' > /dev/null",
	    repo, list);
	if ((r->git = timed_sh(cmd)) < 0)
		die("git hash-object");

	/* Verify against sha256sum over the same bytes. */
	t0 = bench_now();
	if (cdn_evidence_verify(st, report, NULL, &c) != 0 || c.versions != (uint64_t)nfiles)
		die("evidence verify");
	r->verify = bench_now() - t0;
	snprintf(cmd, sizeof cmd, "xargs sha256sum < '%s' > /dev/null", list);
	if ((r->sha256sum = timed_sh(cmd)) < 0)
		die("sha256sum");
	cdn_store_close(st);
}

int
main(int argc, char **argv)
{
	char dir[] = "/tmp/cordon-bench-evidence.XXXXXX";
	struct result r[2];
	int nfiles = 200;
	size_t size = 1 << 20;
	int ok = 1;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--files") == 0 && i + 1 < argc)
			nfiles = atoi(argv[++i]);
		else if (strcmp(argv[i], "--size") == 0 && i + 1 < argc)
			size = (size_t)strtoull(argv[++i], NULL, 10);
		else {
			fprintf(stderr, "usage: bench-evidence [--files N] [--size BYTES]\n");
			return 2;
		}
	}
	if (nfiles < 1 || size < 1 || !mkdtemp(dir))
		die("setup");
	if (system("git --version > /dev/null 2>&1") != 0) {
		fprintf(stderr, "bench-evidence: needs git for its baseline (apt-get install git)\n");
		return 1;
	}
	fprintf(stderr, "adding %d files of %zu bytes, twice ...\n", nfiles, size);
	run_set(dir, 0, nfiles, size, &r[0]);
	run_set(dir, 1, nfiles, size, &r[1]);

	printf("cordon evidence benchmark: %d files of %.1f MiB a set, one add (commit, transaction, "
	    "fsync) each\n", nfiles, (double)size / 1048576);
	printf("%-26s %10s %10s %13s %14s %14s %10s\n", "content", "cordon add", "git -w",
	    "add vs git", "verify MB/s", "sha256sum MB/s", "vs sha256sum");
	for (int k = 0; k < 2; k++) {
		double mb = (double)r[k].bytes / 1e6;

		printf("%-26s %8.2f s %8.2f s %13.2f %14.0f %14.0f %10.2f\n",
		    k ? "compressible (scans)" : "incompressible (photos)", r[k].cordon, r[k].git,
		    r[k].git / r[k].cordon, mb / r[k].verify, mb / r[k].sha256sum,
		    r[k].sha256sum / r[k].verify);
		if (r[k].git / r[k].cordon < GOAL_ADD_VS_GIT)
			ok = 0;
	}
	printf("(add vs git: git's time / cordon's, higher is faster; git syncs nothing, cordon "
	    "syncs each object, commit and transaction)\n\n");
	printf("goal: add >= %.2f x git hash-object -w\n  %s  %.2f incompressible, %.2f compressible\n",
	    GOAL_ADD_VS_GIT, ok ? "PASS" : "MISS", r[0].git / r[0].cordon, r[1].git / r[1].cordon);
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}
