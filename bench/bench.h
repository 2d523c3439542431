/*
 * bench.h - what the benchmarks share: a monotonic clock and a process's
 * resident memory, split into anonymous pages and pages mapped from files
 * (a store's data file is the latter: page cache, shared and reclaimable).
 */
#ifndef CORDON_BENCH_H
#define CORDON_BENCH_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>

/* Seconds on a monotonic clock. */
static inline double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline int
bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The `p` quantile (0 to 1) of `n` > 0 measurements, sorting them in
 * place: the one at rank p * (n - 1), rounded. */
static inline double
bench_quantile(double *v, size_t n, double p)
{
	qsort(v, n, sizeof *v, bench_cmp_double);
	return v[(size_t)(p * (double)(n - 1) + 0.5)];
}

/* RssAnon and RssFile of a process (0: this one), in KiB (-1 if unknown). */
static inline void
bench_rss(pid_t pid, long *anon_kb, long *file_kb)
{
	char line[256], path[64];
	FILE *f;

	*anon_kb = *file_kb = -1;
	if (pid)
		snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
	else
		snprintf(path, sizeof path, "/proc/self/status");
	if ((f = fopen(path, "r")) == NULL)
		return;
	while (fgets(line, sizeof line, f)) {
		if (strncmp(line, "RssAnon:", 8) == 0)
			*anon_kb = strtol(line + 8, NULL, 10);
		else if (strncmp(line, "RssFile:", 8) == 0)
			*file_kb = strtol(line + 8, NULL, 10);
	}
	fclose(f);
}

#endif
