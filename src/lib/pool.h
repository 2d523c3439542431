/*
 * pool.h - a small pool of worker threads for work that splits into
 * independent jobs whose results are consumed in order (an import's
 * parsing and validation, a backtest's evaluation).
 *
 * The caller embeds a cdn_job in its own structure, submits it, and later
 * waits for it. Jobs start in submission order. A pool that could not
 * start any thread runs each job on the thread that waits for it, so it
 * is simply serial. (With threads, the waiting thread never runs a job
 * itself: it has the in-order work to do, and taking a long job would
 * leave the workers idle until it was back.)
 *
 * Ownership: the pool owns its threads; jobs stay the caller's and must
 * outlive their wait. Only one thread submits and waits.
 */
#ifndef CORDON_POOL_H
#define CORDON_POOL_H

struct cdn_pool;

struct cdn_job {
	void (*fn)(struct cdn_job *job);
	/* The pool's: */
	struct cdn_job *next;
	int state;
};

/* A pool of `nthreads` workers (at most CDN_POOL_MAX; 0 runs every job on
 * the thread that waits for it). NULL only when out of memory. */
#define CDN_POOL_MAX 8
struct cdn_pool *cdn_pool_new(unsigned nthreads);
/* One worker per online CPU, at most CDN_POOL_MAX. */
unsigned cdn_pool_ncpu(void);
/* Waits for nothing: every submitted job must have been waited for. */
void cdn_pool_free(struct cdn_pool *p);
/* The number of threads running. */
unsigned cdn_pool_threads(const struct cdn_pool *p);

/* Queue `job`; job->fn must be set. */
void cdn_pool_submit(struct cdn_pool *p, struct cdn_job *job);
/* Has `job` finished? Never blocks. */
int cdn_pool_done(struct cdn_pool *p, struct cdn_job *job);
/* Return once `job` has run (running it here if the pool has no threads). */
void cdn_pool_wait(struct cdn_pool *p, struct cdn_job *job);

#endif
