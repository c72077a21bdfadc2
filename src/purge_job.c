#define _POSIX_C_SOURCE 200809L
#include "purge_job.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "case.h"

struct purge_job {
	struct reporting *reporting;
	unsigned interval_seconds;
	int64_t (*clock)(void);
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake; /* signalled by purge_job_stop() */
	bool stopping;       /* under lock */
	unsigned runs, destroyed; /* under lock */
};

static int64_t wall_clock(void)
{
	return (int64_t)time(NULL);
}

/* One run: the counts to stderr, never a ref. */
static void run_once(struct purge_job *job)
{
	unsigned destroyed = 0;
	int status = case_purge(job->reporting, "-", job->clock(), &destroyed);
	if (status == 0)
		fprintf(stderr, "meldwijzer: purge: %u closed case%s destroyed\n", destroyed, destroyed == 1 ? "" : "s");
	else if (status == CASE_NOT_AUDITED)
		fprintf(stderr, "meldwijzer: purge: %u closed case%s destroyed; not every one could be written to the "
				"audit log\n",
			destroyed, destroyed == 1 ? "" : "s");
	else
		fprintf(stderr, "meldwijzer: purge: failed after %u closed case%s destroyed; the next run tries again\n",
			destroyed, destroyed == 1 ? "" : "s");
	pthread_mutex_lock(&job->lock);
	job->runs++;
	job->destroyed += destroyed;
	pthread_mutex_unlock(&job->lock);
}

static void *job_main(void *arg)
{
	struct purge_job *job = arg;
	for (;;) {
		run_once(job);
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += (time_t)job->interval_seconds;
		pthread_mutex_lock(&job->lock);
		int waited = 0;
		while (!job->stopping && waited != ETIMEDOUT)
			waited = pthread_cond_timedwait(&job->wake, &job->lock, &until);
		bool stop = job->stopping;
		pthread_mutex_unlock(&job->lock);
		if (stop)
			return NULL;
	}
}

struct purge_job *purge_job_start(struct reporting *reporting, unsigned interval_seconds, int64_t (*clock)(void),
				  char *error, size_t error_size)
{
	struct purge_job *job = calloc(1, sizeof *job);
	pthread_condattr_t attributes;
	bool have_attributes = false, have_lock = false, have_wake = false;
	if (!job || interval_seconds == 0)
		goto failed;
	job->reporting = reporting;
	job->interval_seconds = interval_seconds;
	job->clock = clock ? clock : wall_clock;
	if (pthread_mutex_init(&job->lock, NULL) != 0)
		goto failed;
	have_lock = true;
	if (pthread_condattr_init(&attributes) != 0)
		goto failed;
	have_attributes = true;
	if (pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC) != 0 ||
	    pthread_cond_init(&job->wake, &attributes) != 0)
		goto failed;
	have_wake = true;
	pthread_condattr_destroy(&attributes);
	have_attributes = false;
	if (pthread_create(&job->thread, NULL, job_main, job) != 0)
		goto failed;
	return job;
failed:
	snprintf(error, error_size, "the daily purge job cannot start");
	if (have_attributes)
		pthread_condattr_destroy(&attributes);
	if (have_wake)
		pthread_cond_destroy(&job->wake);
	if (have_lock)
		pthread_mutex_destroy(&job->lock);
	free(job);
	return NULL;
}

void purge_job_stop(struct purge_job *job)
{
	if (!job)
		return;
	pthread_mutex_lock(&job->lock);
	job->stopping = true;
	pthread_cond_signal(&job->wake);
	pthread_mutex_unlock(&job->lock);
	pthread_join(job->thread, NULL);
	pthread_cond_destroy(&job->wake);
	pthread_mutex_destroy(&job->lock);
	free(job);
}

void purge_job_counts(struct purge_job *job, unsigned *runs, unsigned *destroyed)
{
	pthread_mutex_lock(&job->lock);
	*runs = job->runs;
	*destroyed = job->destroyed;
	pthread_mutex_unlock(&job->lock);
}
