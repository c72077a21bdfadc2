/* purge_job: the daily destruction in `serve` (issue 15). With an injected
 * clock and a short interval: the first run comes at once and destroys a
 * closed case whose destroy day has passed (audited by "-"), it runs again
 * after the interval, and stopping never waits out the interval. */
#define _POSIX_C_SOURCE 200809L
#include "test_support.h"

#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "case.h"
#include "db.h"
#include "purge_job.h"
#include "report.h"
#include "staff.h"

#define CLOSED_AT ((int64_t)1795858800) /* 2026-11-28T09:40:00Z */
#define DAY ((int64_t)86400)

static int64_t job_now = CLOSED_AT;
static int64_t test_clock(void)
{
	return __atomic_load_n(&job_now, __ATOMIC_SEQ_CST);
}

struct fixture {
	struct kb kb;
	struct db *db;
	struct reporting reporting;
	char dir[64], url[128], key_path[160];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	char error[DB_ERROR_SIZE], report_error[REPORT_ERROR_SIZE], key_error[CRYPT_ERROR_SIZE];
	char recovery[CRYPT_RECOVERY_TEXT_SIZE];
	struct crypt_team team;
	load_real_kb(&f->kb);
	assert_int_equal(crypt_init(), 0);
	snprintf(f->dir, sizeof f->dir, "/tmp/meldwijzer-purge-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->url, sizeof f->url, "sqlite:%s/test.db", f->dir);
	assert_int_equal(db_open(&f->db, f->url, true, error), 0);
	assert_int_equal(db_default_key_path(f->url, f->key_path, sizeof f->key_path), 0);
	assert_int_equal(crypt_key_file_create(f->key_path, key_error), 0);
	assert_int_equal(crypt_new_team(&team, recovery), 0);
	assert_int_equal(db_initialise(f->db, &team, error), 0);
	assert_int_equal(reporting_open(&f->reporting, &f->kb, f->db, f->key_path, report_error), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char path[256];
	reporting_close(&f->reporting);
	db_close(f->db);
	kb_release(&f->kb);
	const char *suffixes[] = {"", "-wal", "-shm", ".key"};
	for (size_t i = 0; i < 4; i++) {
		snprintf(path, sizeof path, "%s/test.db%s", f->dir, suffixes[i]);
		unlink(path);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

/* A report, closed by a coordinator at CLOSED_AT: its ref. */
static void closed_case(struct fixture *f, char ref[DB_REF_SIZE])
{
	static const char json[] = "{\"what\": \"Een zaak die al is afgesloten.\"}";
	static const struct case_actor coordinator = {"cees", STAFF_ROLE_COORDINATOR, 2};
	struct report_input input;
	struct case_settings settings;
	char error[REPORT_ERROR_SIZE], receipt[CRYPT_RECEIPT_TEXT_SIZE], token[REPORT_TOKEN_SIZE];
	json_t *report = NULL;
	assert_int_equal(report_input_from_json(&f->kb, json, strlen(json), &input, error), 0);
	assert_int_equal(report_submit_at(&f->reporting, &input, CLOSED_AT - DAY, receipt), 0);
	report_input_release(&input);
	assert_int_equal(report_login_at(&f->reporting, receipt, CLOSED_AT, token), 0);
	assert_int_equal(report_followup_at(&f->reporting, token, CLOSED_AT, &report), 0);
	snprintf(ref, DB_REF_SIZE, "%s", json_string_value(json_object_get(report, "ref")));
	json_decref(report);
	report_logout(&f->reporting, token);
	case_settings_default(&settings);
	assert_int_equal(case_set_status(&f->reporting, &settings, &coordinator, ref, "closed", "advice_given", CLOSED_AT),
			 CASE_OK);
}

/* Waits (at most 10 s) until the job has made `runs` runs. */
static void wait_for_runs(struct purge_job *job, unsigned runs)
{
	unsigned seen = 0, destroyed = 0;
	for (int i = 0; i < 1000; i++) {
		purge_job_counts(job, &seen, &destroyed);
		if (seen >= runs)
			return;
		struct timespec pause = {0, 10 * 1000 * 1000};
		nanosleep(&pause, NULL);
	}
	fail_msg("the job made %u runs, not %u", seen, runs);
}

static double seconds_since(const struct timespec *start)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

static void test_first_run_at_once_then_each_interval(void **state)
{
	struct fixture *f = *state;
	char early[DB_REF_SIZE], late[DB_REF_SIZE];
	struct db_case row;
	struct db_audit_entry last;
	char error[100];
	closed_case(f, early);
	/* the clock a day before the destroy day (closing + 12 months): nothing goes */
	__atomic_store_n(&job_now, CLOSED_AT + 364 * DAY, __ATOMIC_SEQ_CST);
	struct purge_job *job = purge_job_start(&f->reporting, 1, test_clock, error, sizeof error);
	assert_non_null(job);
	wait_for_runs(job, 1);
	assert_int_equal(db_case_get(f->db, early, &row), 0);
	/* the destroy day comes: the next run, an interval later, destroys it, audited by "-" */
	__atomic_store_n(&job_now, CLOSED_AT + 365 * DAY, __ATOMIC_SEQ_CST);
	wait_for_runs(job, 2); /* run 1 had ended before the clock moved: run 2 reads the new day */
	assert_int_equal(db_case_get(f->db, early, &row), 1);
	struct db_report report;
	assert_int_equal(db_get_report(f->db, early, &report), 1);
	assert_int_equal(db_audit_last(f->db, &last), 0);
	assert_string_equal(last.action, "case_destroyed");
	assert_string_equal(last.account, "-");
	assert_string_equal(last.object, early);
	unsigned runs = 0, destroyed = 0;
	purge_job_counts(job, &runs, &destroyed);
	assert_int_equal(destroyed, 1);
	purge_job_stop(job);

	/* a job with a day's interval: its first run is at once, and stopping does not wait the day */
	closed_case(f, late);
	job = purge_job_start(&f->reporting, PURGE_JOB_DAY_SECONDS, test_clock, error, sizeof error);
	assert_non_null(job);
	wait_for_runs(job, 1);
	assert_int_equal(db_case_get(f->db, late, &row), 1);
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	purge_job_stop(job);
	assert_true(seconds_since(&start) < 2.0);
}

static void test_stop_right_after_start(void **state)
{
	struct fixture *f = *state;
	char error[100];
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	struct purge_job *job = purge_job_start(&f->reporting, PURGE_JOB_DAY_SECONDS, test_clock, error, sizeof error);
	assert_non_null(job);
	purge_job_stop(job); /* the signal may come before the thread waits: it must not be lost */
	assert_true(seconds_since(&start) < 2.0);
	assert_null(purge_job_start(&f->reporting, 0, test_clock, error, sizeof error));
	assert_non_null(strstr(error, "purge"));
	purge_job_stop(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_first_run_at_once_then_each_interval, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_right_after_start, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
