/*
 * jobs.h - work that outlasts its request (jobs.c): exports and imports
 * that run on their own thread after their request was answered with
 * 202. Over request.h only.
 */
#ifndef CORDON_HTTP_JOBS_H
#define CORDON_HTTP_JOBS_H

#include "request.h"

/* A job is a struct of its own whose first member is this. `state` is
 * read and written under the jobs' lock; `run` runs on the job's thread
 * (taking the lock to publish progress), its result read by others once
 * `state` is no longer 0. */
struct http_job {
	char id[24];			/* "job-" and 16 hex digits */
	const char *kind;		/* "export", "import" */
	int state;			/* 0 running, 1 done, -1 failed */
	int (*run)(struct http_job *j);		/* 0 done, -1 failed */
	json_t *(*show)(struct http_job *j);	/* as JSON, with the lock held */
	void (*release)(struct http_job *j);	/* frees it */
};

void http_jobs_lock(void);
void http_jobs_unlock(void);
/* A new random id in j->id: 0, or -1. */
int http_job_id(struct http_job *j);
/* With the lock held: the jobs of `kind` running. */
size_t http_jobs_running(const char *kind);
/* With the lock held: keep `j` (the table's from now on) and start it. -1
 * if no thread could be made: `j` is kept, failed. */
int http_job_add(struct http_job *j);
/* With the lock held: each job of `kind`. */
void http_jobs_each(const char *kind, void (*fn)(struct http_job *j, void *arg), void *arg);
/* GET of job `id` of `kind`: 200 and what its `show` says, or 404. */
enum MHD_Result http_job_answer(struct http_req *r, const char *kind, const char *id);
/* Wait for the jobs under way to end (they hold the store), and forget
 * them all: once the daemon has stopped. */
void http_jobs_stop(void);

#endif
