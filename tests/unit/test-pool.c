/*
 * test-pool.c - the worker pool: every job runs exactly once, results are
 * all there when waited for in order, a job's work is visible to the
 * waiting thread, and a pool without threads runs jobs on the waiter.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pool.h"
#include "tap.h"

#define NJOBS 200

struct sum_job {
	struct cdn_job job;	/* first */
	unsigned from, to;
	unsigned long long sum;
	int runs;
	pthread_t ran_on;
};

static void
sum_fn(struct cdn_job *job)
{
	struct sum_job *s = (struct sum_job *)job;

	for (unsigned i = s->from; i < s->to; i++)
		s->sum += (unsigned long long)i * i;
	s->runs++;
	s->ran_on = pthread_self();
}

static unsigned long long
expect_sum(unsigned from, unsigned to)
{
	unsigned long long e = 0;

	for (unsigned i = from; i < to; i++)
		e += (unsigned long long)i * i;
	return e;
}

/* Submit NJOBS jobs, wait for them in order; count wrong sums and runs. */
static void
run_all(struct cdn_pool *p, struct sum_job *jobs, int *bad_sum, int *bad_runs,
    int *on_waiter)
{
	*bad_sum = *bad_runs = *on_waiter = 0;
	memset(jobs, 0, NJOBS * sizeof *jobs);
	for (int i = 0; i < NJOBS; i++) {
		jobs[i].job.fn = sum_fn;
		jobs[i].from = (unsigned)i * 1000;
		jobs[i].to = (unsigned)i * 1000 + 5000;
		cdn_pool_submit(p, &jobs[i].job);
	}
	for (int i = 0; i < NJOBS; i++) {
		cdn_pool_wait(p, &jobs[i].job);
		if (!cdn_pool_done(p, &jobs[i].job) ||
		    jobs[i].sum != expect_sum(jobs[i].from, jobs[i].to))
			(*bad_sum)++;
		if (jobs[i].runs != 1)
			(*bad_runs)++;
		if (pthread_equal(jobs[i].ran_on, pthread_self()))
			(*on_waiter)++;
	}
}

int
main(void)
{
	static struct sum_job jobs[NJOBS];
	int bad_sum, bad_runs, on_waiter;
	struct cdn_pool *p;

	ok(cdn_pool_ncpu() >= 1 && cdn_pool_ncpu() <= CDN_POOL_MAX,
	    "one worker per CPU, within bounds (%u)", cdn_pool_ncpu());

	p = cdn_pool_new(3);
	ok(p != NULL && cdn_pool_threads(p) == 3, "a pool of three threads starts");
	run_all(p, jobs, &bad_sum, &bad_runs, &on_waiter);
	ok(bad_sum == 0, "every job's result is complete when its wait returns");
	ok(bad_runs == 0, "every job ran exactly once");
	ok(on_waiter == 0, "with threads, the waiting thread runs no job itself");
	/* Waiting again for a finished job returns at once. */
	cdn_pool_wait(p, &jobs[0].job);
	ok(jobs[0].runs == 1, "a second wait does not run the job again");
	/* Reuse: the same jobs submitted again. */
	run_all(p, jobs, &bad_sum, &bad_runs, &on_waiter);
	ok(bad_sum == 0 && bad_runs == 0, "jobs can be submitted again once done");
	cdn_pool_free(p);

	p = cdn_pool_new(0);
	ok(p != NULL && cdn_pool_threads(p) == 0, "a pool without threads");
	run_all(p, jobs, &bad_sum, &bad_runs, &on_waiter);
	ok(bad_sum == 0 && bad_runs == 0, "without threads every job still runs once");
	ok(on_waiter == NJOBS, "... on the thread that waits for it");
	cdn_pool_free(p);

	p = cdn_pool_new(1000);
	ok(p != NULL && cdn_pool_threads(p) == CDN_POOL_MAX,
	    "a pool asked for too many threads gets CDN_POOL_MAX");
	cdn_pool_free(p);
	return done_testing();
}
