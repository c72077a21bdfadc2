/*
 * purge_job: the daily destruction of closed cases in `serve` (issue 15,
 * retention). A thread of its own (never an HTTP thread, never a worker the
 * requests need) calls case_purge() with actor "-" once at start and then
 * every `interval_seconds` (a day in `serve`), and writes one line to stderr
 * per run with counts only (never a ref: the audit log has those).
 *
 * Stopping: purge_job_stop() wakes the thread from its timed wait on a
 * condition variable (the monotonic clock, so a clock step neither hurries
 * nor holds it), waits for a run in progress to finish, and joins; it never
 * sleeps out an interval.
 *
 * Time: `clock` gives `now` for case_purge (UTC seconds); NULL is time(NULL).
 * Tests give their own clock and a short interval.
 */
#ifndef MELDWIJZER_PURGE_JOB_H
#define MELDWIJZER_PURGE_JOB_H

#include <stddef.h>
#include <stdint.h>

#include "report.h"

#define PURGE_JOB_DAY_SECONDS (24u * 60u * 60u)

struct purge_job;

/* Starts the thread; the first run begins at once. NULL with a message in
 * `error` when the thread cannot start. `reporting` must outlive the job. */
struct purge_job *purge_job_start(struct reporting *reporting, unsigned interval_seconds, int64_t (*clock)(void),
				  char *error, size_t error_size);
/* Stops and frees the job (NULL: nothing). */
void purge_job_stop(struct purge_job *job);
/* Runs finished so far and cases destroyed by them (for tests and the log). */
void purge_job_counts(struct purge_job *job, unsigned *runs, unsigned *destroyed);

#endif
