/*
 * jobs.c - work that outlasts its request (jobs.h): an export or an
 * import runs on a thread of its own, answered 202 at once and followed at
 * /api/v1/KIND/job-…. One bounded table for every kind: JOBS_MAX jobs are
 * remembered (the oldest finished one makes way for a new one), and the
 * daemon's shutdown waits for those still running.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "jobs.h"

#define JOBS_MAX	32	/* remembered, running or done */

static struct {
	pthread_mutex_t lock;
	pthread_cond_t done;	/* a job has ended */
	struct http_job *jobs[JOBS_MAX];
	size_t n, next;		/* ring: the oldest finished one makes way */
} jobs = { .lock = PTHREAD_MUTEX_INITIALIZER, .done = PTHREAD_COND_INITIALIZER };

void
http_jobs_lock(void)
{
	pthread_mutex_lock(&jobs.lock);
}

void
http_jobs_unlock(void)
{
	pthread_mutex_unlock(&jobs.lock);
}

size_t
http_jobs_running(const char *kind)
{
	size_t running = 0;

	for (size_t i = 0; i < jobs.n; i++)
		running += jobs.jobs[i]->state == 0 && http_is(jobs.jobs[i]->kind, kind);
	return running;
}

static void *
thread(void *arg)
{
	struct http_job *j = arg;
	int rc = j->run(j);

	pthread_mutex_lock(&jobs.lock);
	j->state = rc == 0 ? 1 : -1;
	pthread_cond_broadcast(&jobs.done);
	pthread_mutex_unlock(&jobs.lock);
	return NULL;
}

int
http_job_id(struct http_job *j)
{
	unsigned char r[8];

	if (RAND_bytes(r, sizeof r) != 1)
		return -1;
	snprintf(j->id, sizeof j->id, "job-%02x%02x%02x%02x%02x%02x%02x%02x", r[0], r[1], r[2],
	    r[3], r[4], r[5], r[6], r[7]);
	return 0;
}

int
http_job_add(struct http_job *j)
{
	pthread_t t;
	size_t slot;

	/* A slot: a free one, or the oldest finished job's. */
	if (jobs.n < JOBS_MAX) {
		slot = jobs.n++;
	} else {
		for (slot = jobs.next; jobs.jobs[slot]->state == 0; slot = (slot + 1) % JOBS_MAX)
			;
		jobs.jobs[slot]->release(jobs.jobs[slot]);
		jobs.next = (slot + 1) % JOBS_MAX;
	}
	jobs.jobs[slot] = j;
	j->state = 0;
	if (pthread_create(&t, NULL, thread, j) != 0) {
		j->state = -1;
		return -1;
	}
	pthread_detach(t);
	return 0;
}

/* With the lock held: job `id` of `kind`, or NULL. */
static struct http_job *
http_job_find(const char *kind, const char *id)
{
	for (size_t i = 0; i < jobs.n; i++)
		if (http_is(jobs.jobs[i]->kind, kind) && http_is(jobs.jobs[i]->id, id))
			return jobs.jobs[i];
	return NULL;
}

enum MHD_Result
http_job_answer(struct http_req *r, const char *kind, const char *id)
{
	struct http_job *j;
	json_t *out = NULL;

	pthread_mutex_lock(&jobs.lock);
	if ((j = http_job_find(kind, id)) != NULL)
		out = j->show(j);
	pthread_mutex_unlock(&jobs.lock);
	if (out)
		return http_json(r, 200, out);
	return http_error(r, 404, "not_found", NULL, "no such %s job", kind);
}

void
http_jobs_each(const char *kind, void (*fn)(struct http_job *j, void *arg), void *arg)
{
	for (size_t i = 0; i < jobs.n; i++)
		if (http_is(jobs.jobs[i]->kind, kind))
			fn(jobs.jobs[i], arg);
}

void
http_jobs_stop(void)
{
	pthread_mutex_lock(&jobs.lock);
	for (;;) {
		size_t running = 0;

		for (size_t i = 0; i < jobs.n; i++)
			running += jobs.jobs[i]->state == 0;
		if (running == 0)
			break;
		pthread_cond_wait(&jobs.done, &jobs.lock);
	}
	for (size_t i = 0; i < jobs.n; i++)
		jobs.jobs[i]->release(jobs.jobs[i]);
	jobs.n = jobs.next = 0;
	pthread_mutex_unlock(&jobs.lock);
}
