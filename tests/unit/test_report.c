#define _POSIX_C_SOURCE 200809L
#include "test_support.h"

#include <pthread.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "report.h"

struct fixture {
	struct kb kb;
	struct db *db;
	struct reporting reporting;
	char dir[64];
	char url[128];
	char recovery[CRYPT_RECOVERY_TEXT_SIZE];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	char error[DB_ERROR_SIZE], report_error[REPORT_ERROR_SIZE];
	struct crypt_team team;
	load_real_kb(&f->kb);
	assert_int_equal(crypt_init(), 0);
	snprintf(f->dir, sizeof f->dir, "/tmp/meldwijzer-db-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->url, sizeof f->url, "sqlite:%s/test.db", f->dir);
	/* opening without create does not make a database */
	assert_int_equal(db_open(&f->db, f->url, false, error), -1);
	assert_int_equal(db_open(&f->db, f->url, true, error), 0);
	assert_int_equal(db_is_initialised(f->db), 0);
	assert_int_equal(reporting_open(&f->reporting, &f->kb, f->db, report_error), -1);
	assert_non_null(strstr(report_error, "meldwijzer init"));
	assert_int_equal(reporting_create_key_file(db_key_path(f->db), report_error), 0);
	assert_int_equal(crypt_new_team(&team, f->recovery), 0);
	assert_int_equal(db_initialise(f->db, &team, error), 0);
	assert_int_equal(db_initialise(f->db, &team, error), -1);
	assert_non_null(strstr(error, "already initialised"));
	assert_int_equal(reporting_open(&f->reporting, &f->kb, f->db, report_error), 0);
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

static int read_input(struct fixture *f, const char *json, struct report_input *input, char error[REPORT_ERROR_SIZE])
{
	return report_input_from_json(&f->kb, json, strlen(json), input, error);
}

static void test_submit_follow_up_and_answer(void **state)
{
	struct fixture *f = *state;
	struct report_input input;
	char error[REPORT_ERROR_SIZE];
	assert_int_equal(read_input(f, "{\"kind\": \"consultation\", \"what\": \"Mijn buurjongen haalt pakketjes uit de haven\","
				     " \"forms\": [\"criminal\"], \"signals\": [\"drugs-uit-haven\"], \"relation\": \"neighbour\","
				     " \"contact\": {\"name\": \"Anna\", \"email\": \"anna@example.org\"}}",
				 &input, error),
			 0);
	char receipt[CRYPT_RECEIPT_TEXT_SIZE];
	assert_int_equal(report_submit(&f->reporting, &input, receipt), 0);
	report_input_release(&input);

	char token[REPORT_TOKEN_SIZE];
	assert_int_equal(report_login(&f->reporting, "AAAAA-BBBBB-CCCCC-DDDDD", token), 1);
	assert_int_equal(report_login(&f->reporting, "not a receipt", token), 1);
	assert_int_equal(report_login(&f->reporting, receipt, token), 0);
	json_t *report = NULL;
	assert_int_equal(report_followup(&f->reporting, token, &report), 0);
	assert_string_equal(json_string_value(json_object_get(report, "what")), "Mijn buurjongen haalt pakketjes uit de haven");
	assert_string_equal(json_string_value(json_object_get(report, "kind")), "consultation");
	assert_true(json_is_true(json_object_get(report, "contact_given")));
	assert_null(json_object_get(report, "contact")); /* never shown back to a receipt holder */
	const char *ref = json_string_value(json_object_get(report, "ref"));
	char ref_copy[DB_REF_SIZE];
	snprintf(ref_copy, sizeof ref_copy, "%s", ref);
	json_decref(report);

	assert_int_equal(report_reply(&f->reporting, token, "Het gebeurt elke vrijdag."), 0);
	assert_int_equal(report_reply(&f->reporting, "0000000000000000000000000000000000000000000000000000000000000000", "x"), 1);

	unsigned char secret[CRYPT_KEY_BYTES];
	struct crypt_team team;
	assert_int_equal(db_load_team(f->db, &team), 0);
	assert_int_equal(crypt_open_team(&team, f->recovery, secret), 0);
	assert_int_equal(report_answer_as_team(&f->reporting, secret, ref_copy, "Dank je. We bellen je morgen."), 0);
	assert_int_equal(report_read_as_team(&f->reporting, secret, ref_copy, &report), 0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(report, "contact"), "email")), "anna@example.org");
	assert_string_equal(json_string_value(json_object_get(report, "status")), "in_progress");
	json_decref(report);

	assert_int_equal(report_followup(&f->reporting, token, &report), 0);
	json_t *messages = json_object_get(report, "messages");
	assert_int_equal(json_array_size(messages), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(messages, 0), "from")), "reporter");
	assert_string_equal(json_string_value(json_object_get(json_array_get(messages, 1), "from")), "advice_point");
	assert_string_equal(json_string_value(json_object_get(json_array_get(messages, 1), "body")), "Dank je. We bellen je morgen.");
	json_decref(report);

	/* a wrong team secret opens nothing (byte 5: X25519 clamping ignores some bits of bytes 0 and 31) */
	secret[5] ^= 1;
	assert_int_equal(report_read_as_team(&f->reporting, secret, ref_copy, &report), -1);
	crypt_wipe(secret, sizeof secret);
}

static void test_message_cap(void **state)
{
	struct fixture *f = *state;
	struct report_input input;
	char error[REPORT_ERROR_SIZE], receipt[CRYPT_RECEIPT_TEXT_SIZE], token[REPORT_TOKEN_SIZE];
	assert_int_equal(read_input(f, "{\"what\": \"cap test\"}", &input, error), 0);
	assert_int_equal(report_submit(&f->reporting, &input, receipt), 0);
	report_input_release(&input);
	assert_int_equal(report_login(&f->reporting, receipt, token), 0);
	for (int i = 0; i < REPORT_MESSAGES_PER_REPORT; i++)
		assert_int_equal(report_reply(&f->reporting, token, "bericht"), 0);
	assert_int_equal(report_reply(&f->reporting, token, "een te veel"), 2);
}

static void test_bad_reports_name_the_field(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *input, *expected;
	} cases[] = {
		{"{}", "field \"what\": is required"},
		{"{\"what\": \"   \"}", "field \"what\": is required"},
		{"{\"what\": 5}", "field \"what\": must be a string"},
		{"{\"what\": \"x\", \"kind\": \"tip\"}", "field \"kind\""},
		{"{\"what\": \"x\", \"relation\": \"friend\"}", "field \"relation\""},
		{"{\"what\": \"x\", \"forms\": [\"sex\"]}", "field \"forms\"[0]"},
		{"{\"what\": \"x\", \"signals\": [\"nope\"]}", "unknown signal id"},
		{"{\"what\": \"x\", \"contact\": {\"name\": \"Piet\"}}", "give a phone number or e-mail address"},
		{"{\"what\": \"x\", \"contact\": {\"phone\": \"call me\"}}", "field \"contact.phone\""},
		{"{\"what\": \"x\", \"contact\": {\"email\": \"a@b\"}}", "field \"contact.email\""},
		{"{\"what\": \"x\", \"contact\": {\"fax\": \"1\"}}", "unknown field \"contact.fax\""},
		{"{\"what\": \"x\", \"extra\": 1}", "unknown field \"extra\""},
		{"{\"what\": \"\\u0000x\"}", "not valid JSON"},
		{"[\"what\"]", "must be a JSON object"},
		{"{\"what\": \"\xff\xfe\"}", "not valid JSON"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct report_input input;
		char error[REPORT_ERROR_SIZE] = "";
		if (read_input(f, cases[i].input, &input, error) != -1)
			fail_msg("accepted: %s", cases[i].input);
		if (!strstr(error, cases[i].expected))
			fail_msg("%s: \"%s\" lacks \"%s\"", cases[i].input, error, cases[i].expected);
	}
	/* the cap on "what" */
	char *big = malloc(REPORT_WHAT_CAP + 64);
	snprintf(big, REPORT_WHAT_CAP + 64, "{\"what\": \"%0*d\"}", REPORT_WHAT_CAP + 1, 0);
	struct report_input input;
	char error[REPORT_ERROR_SIZE];
	assert_int_equal(read_input(f, big, &input, error), -1);
	assert_non_null(strstr(error, "longer than 5000 bytes"));
	free(big);
}

/* Group commit: reports submitted from many threads at once are each stored
 * (and only once), and each receipt opens its own report. */
#define SUBMITTERS 8
#define REPORTS_EACH 10
struct submitter {
	struct fixture *f;
	int index;
	int failures;
	char receipts[REPORTS_EACH][CRYPT_RECEIPT_TEXT_SIZE];
};

static void *submit_many(void *arg)
{
	struct submitter *s = arg;
	for (int i = 0; i < REPORTS_EACH; i++) {
		char json[128], error[REPORT_ERROR_SIZE];
		struct report_input input;
		snprintf(json, sizeof json, "{\"what\": \"melding %d-%d\"}", s->index, i);
		if (read_input(s->f, json, &input, error) || report_submit(&s->f->reporting, &input, s->receipts[i]))
			s->failures++;
		report_input_release(&input);
	}
	return NULL;
}

static void count_report(void *ctx, const struct db_report *report)
{
	(void)report;
	++*(int *)ctx;
}

static void test_concurrent_submissions(void **state)
{
	struct fixture *f = *state;
	struct submitter submitters[SUBMITTERS];
	pthread_t threads[SUBMITTERS];
	for (int t = 0; t < SUBMITTERS; t++) {
		submitters[t] = (struct submitter){.f = f, .index = t};
		assert_int_equal(pthread_create(&threads[t], NULL, submit_many, &submitters[t]), 0);
	}
	for (int t = 0; t < SUBMITTERS; t++)
		pthread_join(threads[t], NULL);
	int stored = 0;
	assert_int_equal(db_list_reports(f->db, count_report, &stored), 0);
	assert_int_equal(stored, SUBMITTERS * REPORTS_EACH);
	for (int t = 0; t < SUBMITTERS; t++) {
		assert_int_equal(submitters[t].failures, 0);
		for (int i = 0; i < REPORTS_EACH; i++) {
			char token[REPORT_TOKEN_SIZE], expected[32];
			json_t *report = NULL;
			assert_int_equal(report_login(&f->reporting, submitters[t].receipts[i], token), 0);
			assert_int_equal(report_followup(&f->reporting, token, &report), 0);
			snprintf(expected, sizeof expected, "melding %d-%d", t, i);
			assert_string_equal(json_string_value(json_object_get(report, "what")), expected);
			json_decref(report);
		}
	}
}

/* A report that cannot be stored (here: a reference already in use) fails on
 * its own; reports committed in the same batch are not affected. */
struct raw_insert {
	struct db *db;
	struct db_report row;
	int status;
};

static void *insert_raw(void *arg)
{
	struct raw_insert *insert = arg;
	insert->status = db_insert_report(insert->db, &insert->row);
	return NULL;
}

static void test_failed_insert_fails_alone(void **state)
{
	struct fixture *f = *state;
	enum { INSERTS = 12 };
	static struct raw_insert inserts[INSERTS];
	static unsigned char content[] = "opaque";
	pthread_t threads[INSERTS];
	for (int i = 0; i < INSERTS; i++) {
		memset(&inserts[i], 0, sizeof inserts[i]);
		inserts[i].db = f->db;
		/* every third row reuses the reference of row 0 */
		snprintf(inserts[i].row.ref, DB_REF_SIZE, "%032d", i % 3 == 0 ? 0 : i);
		snprintf(inserts[i].row.kind, sizeof inserts[i].row.kind, "report");
		crypt_random(inserts[i].row.receipt_lookup, CRYPT_KEY_BYTES);
		inserts[i].row.content = content;
		inserts[i].row.content_len = sizeof content;
	}
	for (int i = 0; i < INSERTS; i++)
		assert_int_equal(pthread_create(&threads[i], NULL, insert_raw, &inserts[i]), 0);
	int failed = 0;
	for (int i = 0; i < INSERTS; i++) {
		pthread_join(threads[i], NULL);
		if (i % 3 != 0)
			assert_int_equal(inserts[i].status, 0);
		failed += inserts[i].status != 0;
	}
	/* of the four rows with reference 0, exactly one is stored */
	assert_int_equal(failed, 3);
	int stored = 0;
	assert_int_equal(db_list_reports(f->db, count_report, &stored), 0);
	assert_int_equal(stored, INSERTS - 3);
}

/* A database that a newer program made is refused, with both versions named;
 * one at this version opens (and is left as it is). */
static void set_schema_version(struct fixture *f, int version)
{
	sqlite3 *raw;
	char sql[64];
	assert_int_equal(sqlite3_open(f->url + strlen("sqlite:"), &raw), SQLITE_OK);
	snprintf(sql, sizeof sql, "UPDATE schema_version SET version = %d", version);
	assert_int_equal(sqlite3_exec(raw, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);
}

static void test_schema_versions(void **state)
{
	struct fixture *f = *state;
	char error[REPORT_ERROR_SIZE];
	struct reporting again;
	set_schema_version(f, 99);
	assert_int_equal(reporting_open(&again, &f->kb, f->db, error), -1);
	assert_non_null(strstr(error, "newer meldwijzer (schema version 99; this one knows up to 2)"));
	set_schema_version(f, 2);
	assert_int_equal(reporting_open(&again, &f->kb, f->db, error), 0);
	reporting_close(&again);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_submit_follow_up_and_answer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_message_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_reports_name_the_field, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_submissions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_insert_fails_alone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_schema_versions, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
