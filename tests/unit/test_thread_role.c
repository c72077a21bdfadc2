/* The house rule "HTTP threads never touch the database", enforced: a db
 * operation on a thread that http marked aborts the process (debug and test
 * builds), and the same operation on an unmarked thread (a worker) runs. The
 * aborting call runs in a child process so that the test can see the abort. */
#define _POSIX_C_SOURCE 200809L
#include "test_support.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "crypt.h"
#include "db.h"
#include "thread_role.h"

struct fixture {
	char dir[64];
	char url[128];
};

static int make_database(void **state)
{
	static struct fixture f;
	snprintf(f.dir, sizeof f.dir, "/tmp/meldwijzer-role-XXXXXX");
	if (!mkdtemp(f.dir))
		return -1;
	snprintf(f.url, sizeof f.url, "sqlite:%s/role.db", f.dir);
	struct db *db;
	char error[DB_ERROR_SIZE];
	struct crypt_team team;
	char recovery[CRYPT_RECOVERY_TEXT_SIZE];
	if (crypt_init() || db_open(&db, f.url, true, error) || crypt_new_team(&team, recovery) ||
	    db_initialise(db, &team, error))
		return -1;
	db_close(db);
	*state = &f;
	return 0;
}

static int remove_database(void **state)
{
	struct fixture *f = *state;
	char path[128];
	static const char *const names[] = {"role.db", "role.db-wal", "role.db-shm"};
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		snprintf(path, sizeof path, "%s/%s", f->dir, names[i]);
		unlink(path);
	}
	rmdir(f->dir);
	return 0;
}

/* In a child: open the database, maybe mark the thread, read a report; the exit status says what happened. */
static int run_read(const char *url, bool as_http)
{
	fflush(NULL);
	pid_t child = fork();
	if (child == 0) {
		/* no core file and no sanitizer report for the abort we expect */
		signal(SIGABRT, SIG_DFL);
		struct db *db;
		char error[DB_ERROR_SIZE];
		if (db_open(&db, url, false, error))
			_exit(3);
		if (as_http)
			thread_role_mark_http();
		struct db_report report;
		int found = db_get_report(db, "no-such-report", &report);
		_exit(found == 1 ? 0 : 4); /* 1: not found, as it should be */
	}
	int status = 0;
	if (child < 0 || waitpid(child, &status, 0) != child)
		fail_msg("fork or wait failed");
	return status;
}

static void test_worker_thread_may_use_the_database(void **state)
{
	struct fixture *f = *state;
	int status = run_read(f->url, false);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_false(thread_role_is_http());
}

static void test_http_thread_aborts_on_the_database(void **state)
{
	struct fixture *f = *state;
	int status = run_read(f->url, true);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_worker_thread_may_use_the_database),
		cmocka_unit_test(test_http_thread_aborts_on_the_database),
	};
	return cmocka_run_group_tests(tests, make_database, remove_database);
}
