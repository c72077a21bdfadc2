/* Issue 10: single-use submission keys of the report form. The database stores a keyed hash of the key
 * with the report under a UNIQUE index, so the same form stores one report, also across processes; a
 * database of schema version 1 gains the column when it is opened (migration 003). */
#define _POSIX_C_SOURCE 200809L
#include "test_support.h"

#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "db_sqlite.h"
#include "report.h"

#define NOW ((int64_t)1795858800) /* 2026-11-28T08:00:00Z */

struct fixture {
	struct kb kb;
	struct db *db;
	struct reporting reporting;
	char dir[64];
	char url[160];
	char path[128];
	char key_path[140];
};

static void open_reporting(struct fixture *f)
{
	char error[DB_ERROR_SIZE], report_error[REPORT_ERROR_SIZE];
	assert_int_equal(db_open(&f->db, f->url, false, error), 0);
	if (reporting_open(&f->reporting, &f->kb, f->db, f->key_path, report_error))
		fail_msg("reporting_open: %s", report_error);
}

static void close_reporting(struct fixture *f)
{
	reporting_close(&f->reporting);
	db_close(f->db);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	char report_error[REPORT_ERROR_SIZE], recovery[CRYPT_RECOVERY_TEXT_SIZE];
	load_real_kb(&f->kb);
	assert_int_equal(crypt_init(), 0);
	snprintf(f->dir, sizeof f->dir, "/tmp/meldwijzer-once-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof f->path, "%s/test.db", f->dir);
	snprintf(f->url, sizeof f->url, "sqlite:%s", f->path);
	snprintf(f->key_path, sizeof f->key_path, "%s.key", f->path);
	if (reporting_initialise(f->url, f->key_path, recovery, report_error))
		fail_msg("reporting_initialise: %s", report_error);
	open_reporting(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char path[200];
	close_reporting(f);
	kb_release(&f->kb);
	const char *suffixes[] = {"", "-wal", "-shm", ".key"};
	for (size_t i = 0; i < 4; i++) {
		snprintf(path, sizeof path, "%s%s", f->path, suffixes[i]);
		unlink(path);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

static void count_one(void *ctx, const struct db_report *report)
{
	(void)report;
	(*(int *)ctx)++;
}

static int report_count(struct fixture *f)
{
	int count = 0;
	assert_int_equal(db_list_reports(f->db, count_one, &count), 0);
	return count;
}

static void submit(struct fixture *f, const char *key, int expected)
{
	struct report_input input;
	char error[REPORT_ERROR_SIZE], receipt[CRYPT_RECEIPT_TEXT_SIZE];
	static const char json[] = "{\"kind\": \"report\", \"what\": \"Er slapen mensen in de loods\"}";
	assert_int_equal(report_input_from_json(&f->kb, json, strlen(json), &input, error), 0);
	memset(receipt, 0, sizeof receipt);
	int status = key ? report_submit_once_at(&f->reporting, &input, key, NOW, receipt)
		     : report_submit_at(&f->reporting, &input, NOW, receipt);
	report_input_release(&input);
	assert_int_equal(status, expected);
	if (expected == 0) {
		char token[REPORT_TOKEN_SIZE];
		assert_int_equal(report_login_at(&f->reporting, receipt, NOW, token), 0);
	} else {
		assert_int_equal(receipt[0], '\0'); /* no receipt for a form sent again */
	}
}

static void test_a_key_stores_one_report(void **state)
{
	struct fixture *f = *state;
	submit(f, "0123456789abcdef0123456789abcdef", 0);
	submit(f, "0123456789abcdef0123456789abcdef", 1);
	submit(f, "0123456789abcdef0123456789abcdef", 1);
	submit(f, "fedcba9876543210fedcba9876543210", 0);
	submit(f, NULL, 0); /* the API and old forms: no key */
	submit(f, NULL, 0);
	assert_int_equal(report_count(f), 4);
	/* across a restart, and another process: the database remembers */
	close_reporting(f);
	open_reporting(f);
	submit(f, "0123456789abcdef0123456789abcdef", 1);
	assert_int_equal(report_count(f), 4);
}

static void test_version_one_is_upgraded(void **state)
{
	struct fixture *f = *state;
	submit(f, NULL, 0);
	close_reporting(f);
	/* make it a database as version 1 wrote it */
	sqlite3 *raw;
	assert_int_equal(sqlite3_open(f->path, &raw), SQLITE_OK);
	assert_int_equal(sqlite3_exec(raw, "DROP INDEX reports_by_submission_key; ALTER TABLE reports DROP COLUMN submission_key;"
					   " DROP INDEX messages_by_seq; ALTER TABLE messages DROP COLUMN seq;"
					   " UPDATE schema_version SET version = 1;", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);
	open_reporting(f); /* upgrades */
	submit(f, "00000000000000000000000000000001", 0);
	submit(f, "00000000000000000000000000000001", 1);
	assert_int_equal(report_count(f), 2);
	assert_int_equal(sqlite3_open(f->path, &raw), SQLITE_OK);
	sqlite3_stmt *statement;
	assert_int_equal(sqlite3_prepare_v2(raw, "SELECT version FROM schema_version", -1, &statement, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(statement), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(statement, 0), (int)db_sqlite_migration_count);
	sqlite3_finalize(statement);
	/* the column holds a 32-byte keyed hash, never the key */
	assert_int_equal(sqlite3_prepare_v2(raw, "SELECT submission_key FROM reports WHERE submission_key IS NOT NULL", -1,
					    &statement, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(statement), SQLITE_ROW);
	assert_int_equal(sqlite3_column_bytes(statement, 0), CRYPT_KEY_BYTES);
	assert_int_not_equal(memcmp(sqlite3_column_blob(statement, 0), "00000000000000000000000000000001", CRYPT_KEY_BYTES), 0);
	sqlite3_finalize(statement);
	sqlite3_close(raw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_a_key_stores_one_report, setup, teardown),
		cmocka_unit_test_setup_teardown(test_version_one_is_upgraded, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
