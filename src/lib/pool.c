/*
 * pool.c - worker threads taking jobs from one FIFO queue (see pool.h).
 *
 * One mutex guards the queue and every job's state; workers sleep on
 * `work`, the submitting thread on `done`. Jobs are coarse (hundreds of
 * records each), so the lock is taken a few thousand times a second.
 */
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "pool.h"

enum { JOB_QUEUED = 1, JOB_RUNNING, JOB_DONE };

struct cdn_pool {
	pthread_mutex_t lock;
	pthread_cond_t work;	/* a job was queued, or the pool is closing */
	pthread_cond_t done;	/* a job finished */
	struct cdn_job *head, *tail;
	int closing;
	unsigned nthreads;
	pthread_t threads[CDN_POOL_MAX];
};

static void
run_job(struct cdn_pool *p, struct cdn_job *job)
{
	job->fn(job);
	pthread_mutex_lock(&p->lock);
	job->state = JOB_DONE;
	pthread_cond_broadcast(&p->done);
	pthread_mutex_unlock(&p->lock);
}

static void *
worker(void *arg)
{
	struct cdn_pool *p = arg;
	struct cdn_job *job;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->head && !p->closing)
			pthread_cond_wait(&p->work, &p->lock);
		if (!p->head)
			break;
		job = p->head;
		if ((p->head = job->next) == NULL)
			p->tail = NULL;
		job->state = JOB_RUNNING;
		pthread_mutex_unlock(&p->lock);
		run_job(p, job);
		pthread_mutex_lock(&p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

struct cdn_pool *
cdn_pool_new(unsigned nthreads)
{
	struct cdn_pool *p = calloc(1, sizeof *p);

	if (!p)
		return NULL;
	if (nthreads > CDN_POOL_MAX)
		nthreads = CDN_POOL_MAX;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->work, NULL);
	pthread_cond_init(&p->done, NULL);
	/* Fewer threads than asked for (none, even) is slower, not wrong. */
	while (p->nthreads < nthreads &&
	    pthread_create(&p->threads[p->nthreads], NULL, worker, p) == 0)
		p->nthreads++;
	return p;
}

void
cdn_pool_free(struct cdn_pool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->closing = 1;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);
	for (unsigned i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	pthread_cond_destroy(&p->work);
	pthread_cond_destroy(&p->done);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

unsigned
cdn_pool_ncpu(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > CDN_POOL_MAX ? CDN_POOL_MAX : (unsigned)n;
}

unsigned
cdn_pool_threads(const struct cdn_pool *p)
{
	return p->nthreads;
}

void
cdn_pool_submit(struct cdn_pool *p, struct cdn_job *job)
{
	pthread_mutex_lock(&p->lock);
	job->next = NULL;
	job->state = JOB_QUEUED;
	if (p->tail)
		p->tail->next = job;
	else
		p->head = job;
	p->tail = job;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->lock);
}

int
cdn_pool_done(struct cdn_pool *p, struct cdn_job *job)
{
	int done;

	pthread_mutex_lock(&p->lock);
	done = job->state == JOB_DONE;
	pthread_mutex_unlock(&p->lock);
	return done;
}

void
cdn_pool_wait(struct cdn_pool *p, struct cdn_job *job)
{
	pthread_mutex_lock(&p->lock);
	if (job->state == JOB_QUEUED && p->nthreads == 0) {
		/* No one else will: take it off the queue and run it here. */
		struct cdn_job **pp = &p->head, *prev = NULL;

		while (*pp != job) {
			prev = *pp;
			pp = &(*pp)->next;
		}
		*pp = job->next;
		if (p->tail == job)
			p->tail = prev;
		job->state = JOB_RUNNING;
		pthread_mutex_unlock(&p->lock);
		run_job(p, job);
		return;
	}
	while (job->state != JOB_DONE)
		pthread_cond_wait(&p->done, &p->lock);
	pthread_mutex_unlock(&p->lock);
}
