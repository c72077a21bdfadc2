/* audit: the hash chain finds a changed, removed or swapped entry, and the
 * first one that broke; the table refuses UPDATE and DELETE; a head written
 * down earlier finds entries removed from the end. Tampering is done as an
 * attacker with the file would: straight through SQLite, with the triggers
 * dropped first. */
#define _POSIX_C_SOURCE 200809L
#include "test_support.h"
#include "test_run.h"

#include <pthread.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audit.h"
#include "crypt.h"
#include "db.h"

#define T0 1764500000

struct fixture {
	char dir[64];
	char path[128];
	struct db *db;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	char url[160], error[DB_ERROR_SIZE], recovery[CRYPT_RECOVERY_TEXT_SIZE];
	struct crypt_team team;
	assert_non_null(f);
	assert_int_equal(crypt_init(), 0);
	snprintf(f->dir, sizeof f->dir, "/tmp/meldwijzer-audit-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof f->path, "%s/audit.db", f->dir);
	snprintf(url, sizeof url, "sqlite:%s", f->path);
	assert_int_equal(db_open(&f->db, url, true, error), 0);
	assert_int_equal(crypt_new_team(&team, recovery), 0);
	assert_int_equal(db_initialise(f->db, &team, error), 0);
	/* five entries: 1 to 5 */
	static const char *const actions[] = {"login", "account_created", "report_opened", "account_disabled", "logout"};
	for (int i = 0; i < 5; i++)
		assert_int_equal(audit_append(f->db, T0 + i, "anna", actions[i], i == 2 ? "3f2a9c" : "bert"), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char name[160];
	db_close(f->db);
	static const char *const suffixes[] = {"", "-wal", "-shm"};
	for (int i = 0; i < 3; i++) {
		snprintf(name, sizeof name, "%s%s", f->path, suffixes[i]);
		unlink(name);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

/* Runs SQL on the file as another program would. */
static void tamper(struct fixture *f, const char *sql)
{
	sqlite3 *raw;
	char *message = NULL;
	assert_int_equal(sqlite3_open(f->path, &raw), SQLITE_OK);
	sqlite3_busy_timeout(raw, 5000);
	if (sqlite3_exec(raw, sql, NULL, NULL, &message) != SQLITE_OK)
		fail_msg("tamper: %s", message ? message : "?");
	sqlite3_close(raw);
}

static void expect_broken_at(struct fixture *f, int64_t seq, const char *words)
{
	int64_t first_bad = -1;
	char problem[AUDIT_PROBLEM_SIZE];
	assert_int_equal(audit_verify(f->db, NULL, &first_bad, problem), 1);
	assert_int_equal(first_bad, seq);
	if (!strstr(problem, words))
		fail_msg("problem '%s' does not say '%s'", problem, words);
}

#define UNGUARD "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;"

static void test_intact_chain(void **state)
{
	struct fixture *f = *state;
	int64_t first_bad = -1, seq = 0;
	char problem[AUDIT_PROBLEM_SIZE], head[AUDIT_HASH_TEXT_SIZE];
	assert_int_equal(audit_verify(f->db, NULL, &first_bad, problem), 0);
	assert_int_equal(first_bad, 0);
	assert_int_equal(audit_head(f->db, head, &seq), 0);
	assert_int_equal(seq, 5);
	assert_int_equal(strlen(head), 64);
	assert_int_equal(audit_verify(f->db, head, &first_bad, problem), 0);
	/* the head moves with every entry */
	char later[AUDIT_HASH_TEXT_SIZE];
	assert_int_equal(audit_append(f->db, T0 + 9, "anna", "login", "-"), 0);
	assert_int_equal(audit_head(f->db, later, &seq), 0);
	assert_int_equal(seq, 6);
	assert_string_not_equal(head, later);
	/* fields that do not fit are refused, not cut */
	char long_object[DB_AUDIT_OBJECT_SIZE + 1];
	memset(long_object, 'x', sizeof long_object - 1);
	long_object[sizeof long_object - 1] = '\0';
	assert_int_equal(audit_append(f->db, T0, "anna", "login", long_object), -1);
	assert_int_equal(audit_append(f->db, T0, "", "login", "-"), -1);
}

static void test_sql_cannot_change_or_remove(void **state)
{
	struct fixture *f = *state;
	sqlite3 *raw;
	assert_int_equal(sqlite3_open(f->path, &raw), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(raw, "UPDATE audit_log SET object = 'x' WHERE seq = 2", NULL, NULL, NULL),
			     SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(raw, "DELETE FROM audit_log WHERE seq = 2", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);
	int64_t first_bad = -1;
	char problem[AUDIT_PROBLEM_SIZE];
	assert_int_equal(audit_verify(f->db, NULL, &first_bad, problem), 0);
}

static void test_changed_entry(void **state)
{
	struct fixture *f = *state;
	tamper(f, UNGUARD "UPDATE audit_log SET object = 'carl' WHERE seq = 4");
	expect_broken_at(f, 4, "entry 4 was changed");
}

static void test_changed_time(void **state)
{
	struct fixture *f = *state;
	tamper(f, UNGUARD "UPDATE audit_log SET at = at + 3600 WHERE seq = 2");
	expect_broken_at(f, 2, "entry 2 was changed");
}

/* Changing an entry and writing its right hash (an attacker who knows the
 * format) moves the break to the next entry: the whole rest of the chain
 * would have to be rewritten, which the head written down elsewhere finds. */
static void test_changed_entry_with_new_hash(void **state)
{
	struct fixture *f = *state;
	struct db *scratch;
	char url[200], error[DB_ERROR_SIZE], recovery[CRYPT_RECOVERY_TEXT_SIZE], forged[AUDIT_HASH_TEXT_SIZE];
	char sql[400];
	struct crypt_team team;
	int64_t seq = 0;
	/* the same first two entries in a scratch log give the same hashes; then the forged third */
	snprintf(url, sizeof url, "sqlite:%s/scratch.db", f->dir);
	assert_int_equal(db_open(&scratch, url, true, error), 0);
	assert_int_equal(crypt_new_team(&team, recovery), 0);
	assert_int_equal(db_initialise(scratch, &team, error), 0);
	assert_int_equal(audit_append(scratch, T0, "anna", "login", "bert"), 0);
	assert_int_equal(audit_append(scratch, T0 + 1, "anna", "account_created", "bert"), 0);
	assert_int_equal(audit_append(scratch, T0 + 2, "eve", "report_opened", "3f2a9c"), 0);
	assert_int_equal(audit_head(scratch, forged, &seq), 0);
	assert_int_equal(seq, 3);
	db_close(scratch);
	static const char *const suffixes[] = {"", "-wal", "-shm"};
	for (int i = 0; i < 3; i++) {
		snprintf(url, sizeof url, "%s/scratch.db%s", f->dir, suffixes[i]);
		unlink(url);
	}
	snprintf(sql, sizeof sql, UNGUARD "UPDATE audit_log SET account = 'eve', hash = X'%s' WHERE seq = 3", forged);
	tamper(f, sql);
	expect_broken_at(f, 4, "entry 4 does not follow entry 3");
}

static void test_removed_entry(void **state)
{
	struct fixture *f = *state;
	tamper(f, UNGUARD "DELETE FROM audit_log WHERE seq = 3");
	expect_broken_at(f, 3, "entry 3 is missing");
}

static void test_removed_and_renumbered(void **state)
{
	struct fixture *f = *state;
	/* the gap closed by renumbering: the chain still breaks at the first moved entry */
	tamper(f, UNGUARD "DELETE FROM audit_log WHERE seq = 3; UPDATE audit_log SET seq = seq - 1 WHERE seq > 3;");
	expect_broken_at(f, 3, "does not follow entry 2");
}

static void test_swapped_entries(void **state)
{
	struct fixture *f = *state;
	/* entries 2 and 3 change places, each keeping its own fields and hashes */
	tamper(f, UNGUARD "UPDATE audit_log SET seq = 100 WHERE seq = 2; UPDATE audit_log SET seq = 2 WHERE seq = 3;"
			  "UPDATE audit_log SET seq = 3 WHERE seq = 100;");
	expect_broken_at(f, 2, "does not follow entry 1");
}

static void test_removed_from_the_end(void **state)
{
	struct fixture *f = *state;
	char head[AUDIT_HASH_TEXT_SIZE], problem[AUDIT_PROBLEM_SIZE];
	int64_t seq = 0, first_bad = -1;
	assert_int_equal(audit_head(f->db, head, &seq), 0);
	tamper(f, UNGUARD "DELETE FROM audit_log WHERE seq = 5");
	/* the shorter chain is valid on its own ... */
	assert_int_equal(audit_verify(f->db, NULL, &first_bad, problem), 0);
	/* ... but not with the head written down before */
	assert_int_equal(audit_verify(f->db, head, &first_bad, problem), 1);
	assert_non_null(strstr(problem, "ends at entry 4"));
	assert_int_equal(audit_verify(f->db, "not hex", &first_bad, problem), -1);
}

static void test_empty_log(void **state)
{
	struct fixture *f = *state;
	char head[AUDIT_HASH_TEXT_SIZE], problem[AUDIT_PROBLEM_SIZE];
	int64_t seq = 9, first_bad = -1;
	tamper(f, UNGUARD "DELETE FROM audit_log");
	assert_int_equal(audit_head(f->db, head, &seq), 1);
	assert_int_equal(seq, 0);
	assert_string_equal(head, "0000000000000000000000000000000000000000000000000000000000000000");
	assert_int_equal(audit_verify(f->db, NULL, &first_bad, problem), 0);
}

/* The command line: `meldwijzer audit verify` exits 0 on an intact log and 1
 * naming the first entry that was changed; `audit head` prints the hash. */
static void test_cli_verify_and_head(void **state)
{
	struct fixture *f = *state;
	char url[160], out[1024], head[AUDIT_HASH_TEXT_SIZE];
	int64_t seq = 0;
	assert_int_equal(audit_head(f->db, head, &seq), 0);
	snprintf(url, sizeof url, "sqlite:%s", f->path);
	const char *const print_head[] = {TEST_BINARY, "audit", "head", "--db", url, NULL};
	assert_int_equal(run_captured(print_head, out, sizeof out), 0);
	assert_int_equal(strncmp(out, head, 64), 0);
	const char *const verify[] = {TEST_BINARY, "audit", "verify", head, "--db", url, NULL};
	assert_int_equal(run_captured(verify, out, sizeof out), 0);
	assert_non_null(strstr(out, "intact: 5 entries"));
	tamper(f, UNGUARD "UPDATE audit_log SET action = 'login' WHERE seq = 3");
	assert_int_equal(run_captured(verify, out, sizeof out), 1);
	assert_non_null(strstr(out, "tampered with at entry 3: entry 3 was changed"));
}

/* A number another writer took is reported as 1, not as a failure, and
 * appends from several threads (as from several servers) form one chain. */
struct appender {
	struct db *db;
	int failures;
};

static void *append_many(void *arg)
{
	struct appender *a = arg;
	for (int i = 0; i < 40; i++)
		a->failures += audit_append(a->db, T0 + 100 + i, "anna", "report_opened", "3f2a9c") != 0;
	return NULL;
}

static void test_concurrent_appends(void **state)
{
	struct fixture *f = *state;
	struct db_audit_entry last;
	assert_int_equal(db_audit_last(f->db, &last), 0);
	assert_int_equal(db_audit_append(f->db, &last), 1);
	struct appender appenders[3] = {{f->db, 0}, {f->db, 0}, {f->db, 0}};
	pthread_t threads[3];
	for (int i = 0; i < 3; i++)
		assert_int_equal(pthread_create(&threads[i], NULL, append_many, &appenders[i]), 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(pthread_join(threads[i], NULL), 0);
		assert_int_equal(appenders[i].failures, 0);
	}
	int64_t first_bad = -1, seq = 0;
	char problem[AUDIT_PROBLEM_SIZE], head[AUDIT_HASH_TEXT_SIZE];
	assert_int_equal(audit_verify(f->db, NULL, &first_bad, problem), 0);
	assert_int_equal(audit_head(f->db, head, &seq), 0);
	assert_int_equal(seq, 5 + 3 * 40);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_intact_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sql_cannot_change_or_remove, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changed_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changed_time, setup, teardown),
		cmocka_unit_test_setup_teardown(test_changed_entry_with_new_hash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_removed_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_removed_and_renumbered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_swapped_entries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_removed_from_the_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_log, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cli_verify_and_head, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_appends, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
