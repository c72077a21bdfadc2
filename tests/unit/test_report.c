#define _POSIX_C_SOURCE 200809L
#include "test_support.h"

#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"
#include "db_sqlite.h"
#include "report.h"

/* The moment every call in these tests happens at, unless a test moves it. */
#define NOW ((int64_t)1795858800) /* 2026-11-28T08:00:00Z */

struct fixture {
	struct kb kb;
	struct db *db;
	struct reporting reporting;
	char dir[64];
	char url[128];
	char key_path[160];
	char recovery[CRYPT_RECOVERY_TEXT_SIZE];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	umask(022); /* as a shell would have it: the files must be private anyway */
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
	assert_int_equal(db_default_key_path(f->url, f->key_path, sizeof f->key_path), 0);
	assert_int_equal(reporting_open(&f->reporting, &f->kb, f->db, f->key_path, report_error), -1);
	assert_non_null(strstr(report_error, "meldwijzer init"));
	char key_error[CRYPT_ERROR_SIZE];
	assert_int_equal(crypt_key_file_create(f->key_path, key_error), 0);
	assert_int_equal(crypt_new_team(&team, f->recovery), 0);
	assert_int_equal(db_initialise(f->db, &team, error), 0);
	assert_int_equal(db_initialise(f->db, &team, error), -1);
	assert_non_null(strstr(error, "already initialised"));
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
	assert_int_equal(report_submit_at(&f->reporting, &input, NOW, receipt), 0);
	report_input_release(&input);

	char token[REPORT_TOKEN_SIZE];
	assert_int_equal(report_login_at(&f->reporting, "AAAAA-BBBBB-CCCCC-DDDDD", NOW, token), 1);
	assert_int_equal(report_login_at(&f->reporting, "not a receipt", NOW, token), 1);
	assert_int_equal(report_login_at(&f->reporting, receipt, NOW, token), 0);
	json_t *report = NULL;
	assert_int_equal(report_followup_at(&f->reporting, token, NOW, &report), 0);
	assert_string_equal(json_string_value(json_object_get(report, "what")), "Mijn buurjongen haalt pakketjes uit de haven");
	assert_string_equal(json_string_value(json_object_get(report, "kind")), "consultation");
	assert_true(json_is_true(json_object_get(report, "contact_given")));
	assert_null(json_object_get(report, "contact")); /* never shown back to a receipt holder */
	const char *ref = json_string_value(json_object_get(report, "ref"));
	char ref_copy[DB_REF_SIZE];
	snprintf(ref_copy, sizeof ref_copy, "%s", ref);
	json_decref(report);

	assert_int_equal(report_reply_at(&f->reporting, token, "Het gebeurt elke vrijdag.", NOW), 0);
	assert_int_equal(report_reply_at(&f->reporting, "0000000000000000000000000000000000000000000000000000000000000000", "x", NOW), 1);

	unsigned char secret[CRYPT_KEY_BYTES];
	struct crypt_team team;
	assert_int_equal(db_load_team(f->db, &team), 0);
	assert_int_equal(crypt_open_team(&team, f->recovery, secret), 0);
	assert_int_equal(report_answer_as_team(&f->reporting, secret, ref_copy, "Dank je. We bellen je morgen.", NOW), 0);
	assert_int_equal(report_read_as_team(&f->reporting, secret, ref_copy, &report), 0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(report, "contact"), "email")), "anna@example.org");
	assert_string_equal(json_string_value(json_object_get(report, "status")), "in_progress");
	json_decref(report);

	assert_int_equal(report_followup_at(&f->reporting, token, NOW, &report), 0);
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
	assert_int_equal(report_submit_at(&f->reporting, &input, NOW, receipt), 0);
	report_input_release(&input);
	assert_int_equal(report_login_at(&f->reporting, receipt, NOW, token), 0);
	for (int i = 0; i < REPORT_MESSAGES_PER_REPORT; i++)
		assert_int_equal(report_reply_at(&f->reporting, token, "bericht", NOW), 0);
	assert_int_equal(report_reply_at(&f->reporting, token, "een te veel", NOW), 2);
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
		if (read_input(s->f, json, &input, error) || report_submit_at(&s->f->reporting, &input, NOW, s->receipts[i]))
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
			assert_int_equal(report_login_at(&f->reporting, submitters[t].receipts[i], NOW, token), 0);
			assert_int_equal(report_followup_at(&f->reporting, token, NOW, &report), 0);
			snprintf(expected, sizeof expected, "melding %d-%d", t, i);
			assert_string_equal(json_string_value(json_object_get(report, "what")), expected);
			json_decref(report);
		}
	}
}

static void raw_exec(struct fixture *f, const char *sql);
static void submit_and_login(struct fixture *f, const char *json, char ref[DB_REF_SIZE], char token[REPORT_TOKEN_SIZE]);
static void team_secret(struct fixture *f, unsigned char secret[CRYPT_KEY_BYTES]);

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
	assert_int_equal(reporting_open(&again, &f->kb, f->db, f->key_path, error), -1);
	char expected[100];
	snprintf(expected, sizeof expected, "newer meldwijzer (schema version 99; this one knows up to %u)",
		 db_sqlite_migration_count);
	assert_non_null(strstr(error, expected));
	set_schema_version(f, 3);
	assert_int_equal(reporting_open(&again, &f->kb, f->db, f->key_path, error), 0);
	reporting_close(&again);
}

/* A database from before message numbers (schema version 1, messages bound to
 * the report only) is upgraded when opened; its old messages stay readable and
 * come first, new ones are numbered after them. */
static void test_version_1_messages_stay_readable(void **state)
{
	struct fixture *f = *state;
	char ref[DB_REF_SIZE], token[REPORT_TOKEN_SIZE], context[80], sql[600], error[REPORT_ERROR_SIZE];
	unsigned char secret[CRYPT_KEY_BYTES], key[CRYPT_KEY_BYTES];
	json_t *report = NULL;
	submit_and_login(f, "{\"what\": \"oude database\"}", ref, token);
	team_secret(f, secret);
	/* make the database as version 1 made it, with one message as version 1 stored it */
	raw_exec(f, "DROP INDEX messages_by_seq; ALTER TABLE messages DROP COLUMN seq;"
		    "DROP INDEX reports_by_submission_key; ALTER TABLE reports DROP COLUMN submission_key;");
	set_schema_version(f, 1);
	struct db_report row;
	assert_int_equal(db_get_report(f->db, ref, &row), 0);
	assert_int_equal(crypt_open_sealed(f->reporting.team.public_key, secret, row.key_for_team, row.ref, key), 0);
	db_report_release(&row);
	const char old_text[] = "Oud bericht";
	unsigned char box[sizeof old_text - 1 + CRYPT_OVERHEAD];
	snprintf(context, sizeof context, "report:%s:message", ref);
	assert_int_equal(crypt_encrypt(key, context, old_text, sizeof old_text - 1, box), 0);
	sqlite3 *raw;
	sqlite3_stmt *insert;
	assert_int_equal(sqlite3_open(f->url + strlen("sqlite:"), &raw), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(raw, "INSERT INTO messages (report_ref, sender, created_day, body)"
					    " VALUES (?, 'reporter', '2026-11-01', ?)", -1, &insert, NULL), SQLITE_OK);
	sqlite3_bind_text(insert, 1, ref, -1, SQLITE_STATIC);
	sqlite3_bind_blob(insert, 2, box, (int)sizeof box, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(insert), SQLITE_DONE);
	sqlite3_finalize(insert);
	sqlite3_close(raw);

	struct reporting upgraded;
	assert_int_equal(reporting_open(&upgraded, &f->kb, f->db, f->key_path, error), 0);
	reporting_close(&upgraded);
	assert_int_equal(report_answer_as_team(&f->reporting, secret, ref, "Nieuw antwoord", NOW), 0);
	assert_int_equal(report_read_as_team(&f->reporting, secret, ref, &report), 0);
	json_t *messages = json_object_get(report, "messages");
	assert_int_equal(json_array_size(messages), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(messages, 0), "body")), "Oud bericht");
	assert_string_equal(json_string_value(json_object_get(json_array_get(messages, 1), "body")), "Nieuw antwoord");
	json_decref(report);
	/* a numbered message passed off as an old one does not open */
	snprintf(sql, sizeof sql, "UPDATE messages SET seq = NULL WHERE report_ref = '%s' AND seq = 2", ref);
	raw_exec(f, sql);
	assert_int_equal(report_read_as_team(&f->reporting, secret, ref, &report), -1);
	crypt_wipe(key, sizeof key);
	crypt_wipe(secret, sizeof secret);
}

/* ---------- finding 5: at rest ---------- */

static void raw_exec(struct fixture *f, const char *sql)
{
	sqlite3 *raw;
	char *message = NULL;
	assert_int_equal(sqlite3_open(f->url + strlen("sqlite:"), &raw), SQLITE_OK);
	if (sqlite3_exec(raw, sql, NULL, NULL, &message) != SQLITE_OK)
		fail_msg("%s: %s", sql, message);
	sqlite3_close(raw);
}

/* Submits a report and returns its ref and a follow-up token. */
static void submit_and_login(struct fixture *f, const char *json, char ref[DB_REF_SIZE], char token[REPORT_TOKEN_SIZE])
{
	struct report_input input;
	char error[REPORT_ERROR_SIZE], receipt[CRYPT_RECEIPT_TEXT_SIZE];
	json_t *report = NULL;
	assert_int_equal(read_input(f, json, &input, error), 0);
	assert_int_equal(report_submit_at(&f->reporting, &input, NOW, receipt), 0);
	report_input_release(&input);
	assert_int_equal(report_login_at(&f->reporting, receipt, NOW, token), 0);
	assert_int_equal(report_followup_at(&f->reporting, token, NOW, &report), 0);
	snprintf(ref, DB_REF_SIZE, "%s", json_string_value(json_object_get(report, "ref")));
	json_decref(report);
}

static void team_secret(struct fixture *f, unsigned char secret[CRYPT_KEY_BYTES])
{
	struct crypt_team team;
	assert_int_equal(db_load_team(f->db, &team), 0);
	assert_int_equal(crypt_open_team(&team, f->recovery, secret), 0);
}

/* Someone who can write the database but has no key relabels or reorders
 * messages: reading the report then fails instead of showing the changed story. */
static void test_messages_are_bound_to_sender_and_place(void **state)
{
	struct fixture *f = *state;
	char ref[DB_REF_SIZE], token[REPORT_TOKEN_SIZE], sql[600];
	unsigned char secret[CRYPT_KEY_BYTES];
	json_t *report = NULL;
	submit_and_login(f, "{\"what\": \"binding test\"}", ref, token);
	team_secret(f, secret);
	assert_int_equal(report_reply_at(&f->reporting, token, "Van de melder: ik ben het.", NOW), 0);
	assert_int_equal(report_answer_as_team(&f->reporting, secret, ref, "Van het meldpunt: we bellen.", NOW), 0);
	assert_int_equal(report_reply_at(&f->reporting, token, "Van de melder: dank.", NOW), 0);
	assert_int_equal(report_read_as_team(&f->reporting, secret, ref, &report), 0);
	assert_int_equal(json_array_size(json_object_get(report, "messages")), 3);
	json_decref(report);

	/* the reporter's first message relabelled as the advice point's */
	snprintf(sql, sizeof sql, "UPDATE messages SET sender = 'advice_point' WHERE report_ref = '%s' AND id = "
		 "(SELECT min(id) FROM messages WHERE report_ref = '%s')", ref, ref);
	raw_exec(f, sql);
	assert_int_equal(report_read_as_team(&f->reporting, secret, ref, &report), -1);
	assert_int_equal(report_followup_at(&f->reporting, token, NOW, &report), -1);
	snprintf(sql, sizeof sql, "UPDATE messages SET sender = 'reporter' WHERE report_ref = '%s' AND id = "
		 "(SELECT min(id) FROM messages WHERE report_ref = '%s')", ref, ref);
	raw_exec(f, sql);
	assert_int_equal(report_read_as_team(&f->reporting, secret, ref, &report), 0);
	json_decref(report);

	/* the two reporter messages swap places (their boxes change rows) */
	snprintf(sql, sizeof sql, "CREATE TEMP TABLE b AS SELECT id, body FROM messages WHERE report_ref = '%s';"
		 "UPDATE messages SET body = (SELECT body FROM b WHERE b.id = (SELECT max(id) FROM b))"
		 " WHERE id = (SELECT min(id) FROM b);"
		 "UPDATE messages SET body = (SELECT body FROM b WHERE b.id = (SELECT min(id) FROM b))"
		 " WHERE id = (SELECT max(id) FROM b);", ref);
	raw_exec(f, sql);
	assert_int_equal(report_read_as_team(&f->reporting, secret, ref, &report), -1);
	crypt_wipe(secret, sizeof secret);
}

/* A deleted message in the middle is noticed too. */
static void test_a_missing_message_is_an_error(void **state)
{
	struct fixture *f = *state;
	char ref[DB_REF_SIZE], token[REPORT_TOKEN_SIZE], sql[256];
	unsigned char secret[CRYPT_KEY_BYTES];
	json_t *report = NULL;
	submit_and_login(f, "{\"what\": \"gap test\"}", ref, token);
	team_secret(f, secret);
	for (int i = 0; i < 3; i++)
		assert_int_equal(report_reply_at(&f->reporting, token, "bericht", NOW), 0);
	snprintf(sql, sizeof sql, "DELETE FROM messages WHERE id = (SELECT min(id) + 1 FROM messages WHERE report_ref = '%s')",
		 ref);
	raw_exec(f, sql);
	assert_int_equal(report_read_as_team(&f->reporting, secret, ref, &report), -1);
	crypt_wipe(secret, sizeof secret);
}

/* The length of the report's stored content box, or of its newest message box. */
static size_t stored_length(struct fixture *f, const char *ref, bool content)
{
	sqlite3 *raw;
	sqlite3_stmt *statement;
	const char *sql = content ? "SELECT length(content) FROM reports WHERE ref = ?"
				  : "SELECT length(body) FROM messages WHERE report_ref = ? ORDER BY id DESC LIMIT 1";
	assert_int_equal(sqlite3_open(f->url + strlen("sqlite:"), &raw), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(raw, sql, -1, &statement, NULL), SQLITE_OK);
	sqlite3_bind_text(statement, 1, ref, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(statement), SQLITE_ROW);
	size_t length = (size_t)sqlite3_column_int(statement, 0);
	sqlite3_finalize(statement);
	sqlite3_close(raw);
	return length;
}

/* The stored length does not tell whether contact details were given, nor
 * how long a short message is. */
static void test_lengths_are_padded(void **state)
{
	struct fixture *f = *state;
	char plain_ref[DB_REF_SIZE], contact_ref[DB_REF_SIZE], token[REPORT_TOKEN_SIZE];
	submit_and_login(f, "{\"what\": \"Er slapen mensen in de loods.\"}", plain_ref, token);
	assert_int_equal(report_reply_at(&f->reporting, token, "ja", NOW), 0);
	size_t short_message = stored_length(f, plain_ref, false);
	assert_int_equal(report_reply_at(&f->reporting, token,
					 "Ik zag vanavond weer een busje met zes mensen die naar binnen gingen.", NOW),
			 0);
	assert_int_equal(stored_length(f, plain_ref, false), short_message);
	submit_and_login(f, "{\"what\": \"Er slapen mensen in de loods.\", \"contact\": {\"name\": \"Marieke van den Berg\","
			    " \"phone\": \"+31 6 1234 5678\", \"email\": \"marieke.vandenberg@example.org\"}}",
			 contact_ref, token);
	assert_int_equal(stored_length(f, plain_ref, true), stored_length(f, contact_ref, true));
}

/* Files are private whatever the umask: the database, -wal and -shm. */
static void test_database_files_are_private(void **state)
{
	struct fixture *f = *state;
	char path[256];
	struct stat info;
	const char *suffixes[] = {"", "-wal", "-shm", ".key"};
	for (size_t i = 0; i < 4; i++) {
		snprintf(path, sizeof path, "%s/test.db%s", f->dir, suffixes[i]);
		assert_int_equal(stat(path, &info), 0);
		if (info.st_mode & 077)
			fail_msg("%s has mode %04o", path, (unsigned)(info.st_mode & 07777));
	}
}

/* ---------- finding 6: sessions and storage state ---------- */

/* One receipt holder who logs in again and again ends only their own older
 * sessions, never another reporter's. */
static void test_logins_do_not_end_other_reporters_sessions(void **state)
{
	struct fixture *f = *state;
	char ref_a[DB_REF_SIZE], token_a[REPORT_TOKEN_SIZE], token_b[REPORT_TOKEN_SIZE];
	char receipt_b[CRYPT_RECEIPT_TEXT_SIZE], error[REPORT_ERROR_SIZE];
	char first_b[REPORT_TOKEN_SIZE];
	json_t *report = NULL;
	struct report_input input;
	submit_and_login(f, "{\"what\": \"melder A\"}", ref_a, token_a);
	assert_int_equal(read_input(f, "{\"what\": \"melder B\"}", &input, error), 0);
	assert_int_equal(report_submit_at(&f->reporting, &input, NOW, receipt_b), 0);
	report_input_release(&input);
	assert_int_equal(report_login_at(&f->reporting, receipt_b, NOW, first_b), 0);
	for (int i = 0; i < 300; i++)
		assert_int_equal(report_login_at(&f->reporting, receipt_b, NOW, token_b), 0);
	assert_int_equal(report_followup_at(&f->reporting, token_a, NOW, &report), 0);
	json_decref(report);
	assert_int_equal(report_followup_at(&f->reporting, token_b, NOW, &report), 0);
	json_decref(report);
	/* B's own first session was the one that ended */
	assert_int_equal(report_followup_at(&f->reporting, first_b, NOW, &report), 1);
}

/* /healthz's answer: ok, then unavailable while writes fail (here: the file
 * size limit stops the database from growing), and ok again once a write
 * succeeds. */
static void test_health_follows_the_storage(void **state)
{
	struct fixture *f = *state;
	bool healthy = false;
	json_t *health = report_health(&f->reporting, &healthy);
	assert_true(healthy);
	assert_string_equal(json_string_value(json_object_get(health, "storage")), "ok");
	json_decref(health);

	struct report_input input;
	char error[REPORT_ERROR_SIZE], receipt[CRYPT_RECEIPT_TEXT_SIZE];
	char *big = malloc(REPORT_WHAT_CAP + 32);
	snprintf(big, REPORT_WHAT_CAP + 32, "{\"what\": \"%0*d\"}", REPORT_WHAT_CAP - 10, 7);
	assert_int_equal(read_input(f, big, &input, error), 0);
	free(big);
	struct rlimit saved, none;
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &saved), 0);
	none = saved;
	none.rlim_cur = 0;
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &none), 0);
	int failures = 0;
	for (int i = 0; i < 20; i++) /* until the WAL has to grow */
		failures += report_submit_at(&f->reporting, &input, NOW, receipt) != 0;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &saved), 0);
	assert_true(failures > 0);
	health = report_health(&f->reporting, &healthy);
	assert_false(healthy);
	assert_string_equal(json_string_value(json_object_get(health, "status")), "unavailable");
	assert_string_equal(json_string_value(json_object_get(health, "storage")), "write_failed");
	json_decref(health);

	assert_int_equal(report_submit_at(&f->reporting, &input, NOW, receipt), 0);
	report_input_release(&input);
	health = report_health(&f->reporting, &healthy);
	assert_true(healthy);
	json_decref(health);
}

/* ---------- finding 3: messages that are not text ---------- */

/* A reporter's message or a staff answer that is not UTF-8 text is refused
 * and nothing is stored; the status stays as it was. */
static void test_messages_must_be_text(void **state)
{
	struct fixture *f = *state;
	char ref[DB_REF_SIZE], token[REPORT_TOKEN_SIZE];
	unsigned char secret[CRYPT_KEY_BYTES];
	json_t *report = NULL;
	submit_and_login(f, "{\"what\": \"tekst\"}", ref, token);
	team_secret(f, secret);
	assert_int_equal(report_reply_at(&f->reporting, token, "MSG-BAD-UTF8-\xff\xfe", NOW), 3);
	assert_int_equal(report_reply_at(&f->reporting, token, "caf\xe9", NOW), 3);
	assert_int_equal(report_reply_at(&f->reporting, token, "overlong \xc0\xaf", NOW), 3);
	assert_int_equal(report_answer_as_team(&f->reporting, secret, ref, "STAFF latin1 caf\xe9", NOW), 3);
	assert_int_equal(report_reply_at(&f->reporting, token, "caf\xc3\xa9 \xe2\x82\xac", NOW), 0);
	assert_int_equal(report_read_as_team(&f->reporting, secret, ref, &report), 0);
	assert_string_equal(json_string_value(json_object_get(report, "status")), "new");
	json_t *messages = json_object_get(report, "messages");
	assert_int_equal(json_array_size(messages), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(messages, 0), "body")), "caf\xc3\xa9 \xe2\x82\xac");
	json_decref(report);
	crypt_wipe(secret, sizeof secret);
}

/* A message that an earlier version stored although it was not text is shown
 * (bad bytes as U+FFFD, marked "damaged"), never left out of the list. */
static void test_a_stored_message_that_is_not_text_is_shown_marked(void **state)
{
	struct fixture *f = *state;
	char ref[DB_REF_SIZE], token[REPORT_TOKEN_SIZE], context[80];
	unsigned char secret[CRYPT_KEY_BYTES], key[CRYPT_KEY_BYTES];
	json_t *report = NULL;
	submit_and_login(f, "{\"what\": \"oud\"}", ref, token);
	team_secret(f, secret);
	struct db_report row;
	assert_int_equal(db_get_report(f->db, ref, &row), 0);
	assert_int_equal(crypt_open_sealed(f->reporting.team.public_key, secret, row.key_for_team, row.ref, key), 0);
	db_report_release(&row);
	const char old_text[] = "MSG-BAD-UTF8-\xff\xfe";
	unsigned char box[sizeof old_text - 1 + CRYPT_OVERHEAD];
	snprintf(context, sizeof context, "report:%s:message", ref);
	assert_int_equal(crypt_encrypt(key, context, old_text, sizeof old_text - 1, box), 0);
	sqlite3 *raw;
	sqlite3_stmt *insert;
	assert_int_equal(sqlite3_open(f->url + strlen("sqlite:"), &raw), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(raw, "INSERT INTO messages (report_ref, sender, created_day, body)"
					    " VALUES (?, 'reporter', '2026-11-01', ?)", -1, &insert, NULL), SQLITE_OK);
	sqlite3_bind_text(insert, 1, ref, -1, SQLITE_STATIC);
	sqlite3_bind_blob(insert, 2, box, (int)sizeof box, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(insert), SQLITE_DONE);
	sqlite3_finalize(insert);
	sqlite3_close(raw);
	assert_int_equal(report_followup_at(&f->reporting, token, NOW, &report), 0);
	json_t *message = json_array_get(json_object_get(report, "messages"), 0);
	assert_non_null(message);
	assert_string_equal(json_string_value(json_object_get(message, "body")), "MSG-BAD-UTF8-\xef\xbf\xbd\xef\xbf\xbd");
	assert_true(json_is_true(json_object_get(message, "damaged")));
	json_decref(report);
	crypt_wipe(key, sizeof key);
	crypt_wipe(secret, sizeof secret);
}

/* A follow-up session ends 30 minutes after login, whatever is done in it,
 * and at logout. */
static void test_followup_sessions_expire(void **state)
{
	struct fixture *f = *state;
	char ref[DB_REF_SIZE], token[REPORT_TOKEN_SIZE], second[REPORT_TOKEN_SIZE];
	json_t *report = NULL;
	submit_and_login(f, "{\"what\": \"verloopt\"}", ref, token);
	assert_int_equal(report_reply_at(&f->reporting, token, "nog binnen de tijd", NOW + REPORT_SESSION_SECONDS - 1), 0);
	assert_int_equal(report_followup_at(&f->reporting, token, NOW + REPORT_SESSION_SECONDS - 1, &report), 0);
	json_decref(report);
	assert_int_equal(report_followup_at(&f->reporting, token, NOW + REPORT_SESSION_SECONDS, &report), 1);
	assert_int_equal(report_reply_at(&f->reporting, token, "te laat", NOW + REPORT_SESSION_SECONDS), 1);
	/* a login later gives a new session; logging out ends it */
	struct db_report row;
	assert_int_equal(db_get_report(f->db, ref, &row), 0);
	assert_int_equal(row.message_count, 1);
	db_report_release(&row);
	submit_and_login(f, "{\"what\": \"uitloggen\"}", ref, second);
	assert_true(report_logout(&f->reporting, second));
	assert_false(report_logout(&f->reporting, second));
	assert_int_equal(report_followup_at(&f->reporting, second, NOW, &report), 1);
}

/* A field that cannot be put into the answer (here: metadata that is not
 * UTF-8, as someone who can write the database could leave it) fails the
 * whole read; it is never sent without that field. */
static void test_a_field_that_cannot_be_built_fails_the_read(void **state)
{
	struct fixture *f = *state;
	char ref[DB_REF_SIZE], token[REPORT_TOKEN_SIZE], sql[160];
	json_t *report = NULL;
	submit_and_login(f, "{\"what\": \"metadata\", \"forms\": [\"labour\"]}", ref, token);
	snprintf(sql, sizeof sql, "UPDATE reports SET forms = CAST(X'6C61626F7572FF' AS TEXT) WHERE ref = '%s'", ref);
	raw_exec(f, sql);
	assert_int_equal(report_followup_at(&f->reporting, token, NOW, &report), -1);
	assert_null(report);
}

/* The names in a directory, sorted, as one string ("a b c"). */
static void list_dir(const char *dir, char *out, size_t size)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);
	assert_true(n >= 0);
	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			size_t used = strlen(out);
			snprintf(out + used, size - used, "%s%s", used ? " " : "", names[i]->d_name);
		}
		free(names[i]);
	}
	free(names);
}

static void remove_dir(const char *dir)
{
	struct dirent **names;
	char path[512];
	int n = scandir(dir, &names, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.' && (size_t)snprintf(path, sizeof path, "%s/%.200s", dir, names[i]->d_name) < sizeof path)
			unlink(path);
		free(names[i]);
	}
	free(names);
	rmdir(dir);
}

/* init is all or nothing: whatever step fails, what it made is gone, so the
 * next init works; a database that was there before is left as it was. */
static void test_init_leaves_nothing_behind(void **state)
{
	(void)state;
	char dir[] = "/tmp/meldwijzer-init-XXXXXX", url[128], key[128], path[128], listing[512];
	char recovery[CRYPT_RECOVERY_TEXT_SIZE], error[REPORT_ERROR_SIZE];
	assert_int_equal(crypt_init(), 0);
	assert_non_null(mkdtemp(dir));
	snprintf(url, sizeof url, "sqlite:%s/reports.db", dir);
	snprintf(key, sizeof key, "%s/reports.db.key", dir);

	/* the key file is there already: refused, and no database file is left */
	FILE *file = fopen(key, "w");
	assert_non_null(file);
	fclose(file);
	assert_int_equal(reporting_initialise(url, key, recovery, error), -1);
	assert_non_null(strstr(error, "already exists"));
	list_dir(dir, listing, sizeof listing);
	assert_string_equal(listing, "reports.db.key");
	unlink(key);

	/* a file that is not a database: refused, no key file, the file untouched */
	snprintf(path, sizeof path, "%s/reports.db", dir);
	file = fopen(path, "w");
	assert_non_null(file);
	fputs("not a database, but someone's file: keep it\n", file);
	fclose(file);
	chmod(path, 0600);
	assert_int_equal(reporting_initialise(url, key, recovery, error), -1);
	list_dir(dir, listing, sizeof listing);
	assert_string_equal(listing, "reports.db");
	unlink(path);

	/* a database that fails at the schema (a table of that name exists): the
	 * key file made before goes again, the database keeps what it had */
	sqlite3 *raw;
	assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
	assert_int_equal(sqlite3_exec(raw, "CREATE TABLE team (x); INSERT INTO team VALUES (42);", NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(raw);
	chmod(path, 0600);
	assert_int_equal(reporting_initialise(url, key, recovery, error), -1);
	assert_non_null(strstr(error, "cannot create the schema"));
	assert_true(access(key, F_OK) != 0);
	assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
	sqlite3_stmt *statement;
	assert_int_equal(sqlite3_prepare_v2(raw, "SELECT x FROM team", -1, &statement, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(statement), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(statement, 0), 42);
	sqlite3_finalize(statement);
	sqlite3_close(raw);
	unlink(path);

	/* nowhere to put it: nothing made */
	char missing[200];
	snprintf(missing, sizeof missing, "sqlite:%s/no-such-dir/reports.db", dir);
	assert_int_equal(reporting_initialise(missing, key, recovery, error), -1);
	list_dir(dir, listing, sizeof listing);
	assert_string_equal(listing, "");

	/* and then it works, once */
	assert_int_equal(reporting_initialise(url, key, recovery, error), 0);
	assert_true(strlen(recovery) > 50);
	assert_int_equal(reporting_initialise(url, key, recovery, error), 1);
	assert_non_null(strstr(error, "already initialised"));
	assert_true(access(key, F_OK) == 0);
	remove_dir(dir);
}

/* A reply that carries decrypted text is written into a wiping buffer, the
 * same text json_dumps would make, and jansson's frees wipe. */
static void test_secret_replies(void **state)
{
	struct fixture *f = *state;
	char ref[DB_REF_SIZE], token[REPORT_TOKEN_SIZE];
	json_t *report = NULL;
	submit_and_login(f, "{\"what\": \"geheim verhaal\"}", ref, token);
	assert_int_equal(report_followup_at(&f->reporting, token, NOW, &report), 0);
	struct crypt_buffer buffer;
	crypt_buffer_init(&buffer, 1u << 20);
	assert_int_equal(report_json_to_buffer(report, JSON_COMPACT, &buffer), 0);
	char *expected = json_dumps(report, JSON_COMPACT);
	size_t len;
	char *text = crypt_buffer_detach(&buffer, &len);
	assert_string_equal(text, expected);
	assert_int_equal(len, strlen(expected));
	assert_non_null(strstr(text, "geheim verhaal"));
	crypt_buffer_free(text);
	free(expected);
	/* too small a buffer fails rather than cutting the JSON short */
	crypt_buffer_init(&buffer, 16);
	assert_int_equal(report_json_to_buffer(report, JSON_COMPACT, &buffer), -1);
	crypt_buffer_release(&buffer);
	json_decref(report);
	json_malloc_t malloc_fn;
	json_free_t free_fn, plain_free;
	json_get_alloc_funcs(&malloc_fn, &plain_free);
	report_json_wipes_on_free();
	json_get_alloc_funcs(&malloc_fn, &free_fn);
	assert_ptr_not_equal(free_fn, plain_free);
	json_t *value = json_string("wiped when freed");
	json_decref(value);
	json_set_alloc_funcs(malloc_fn, plain_free);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_submit_follow_up_and_answer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_message_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_reports_name_the_field, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_submissions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_schema_versions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_version_1_messages_stay_readable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_messages_are_bound_to_sender_and_place, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_missing_message_is_an_error, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lengths_are_padded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_database_files_are_private, setup, teardown),
		cmocka_unit_test_setup_teardown(test_logins_do_not_end_other_reporters_sessions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_health_follows_the_storage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_messages_must_be_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_a_stored_message_that_is_not_text_is_shown_marked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_secret_replies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_followup_sessions_expire, setup, teardown),
		cmocka_unit_test(test_init_leaves_nothing_behind),
		cmocka_unit_test_setup_teardown(test_a_field_that_cannot_be_built_fails_the_read, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
