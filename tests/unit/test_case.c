/* Case work (issue 15): the workflow table per role, deadlines with an
 * injected clock, notes, the queue, referrals with consent, retention,
 * withdrawal, and what the database keeps after destruction.
 *
 * The tests that use a database run once per backend: SQLite always (a
 * fresh directory per test), PostgreSQL when MELDWIJZER_TEST_PG names a
 * database to make schemas in (a fresh schema per test, as test_db.c does;
 * MELDWIJZER_TEST_PG=required makes its absence a failure). Where a test
 * looks past db.h (a note moved, the traces of a destroyed report) it does so
 * with each backend's own client. What "gone" can mean differs: SQLite's
 * files are searched byte for byte (secure_delete and the checkpoint must
 * leave nothing); on PostgreSQL no row may hold the bytes any more, while the
 * table files keep dead tuples until VACUUM (docs/architecture.md), so its
 * files are not searched. */
#define _POSIX_C_SOURCE 200809L
#include "test_support.h"

#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "case.h"
#include "db.h"
#include "report.h"
#include "staff.h"

#define NOW ((int64_t)1795858800) /* 2026-11-28T09:40:00Z */
#define DAY ((int64_t)86400)

struct fixture {
	struct kb kb;
	struct db *db;
	struct reporting reporting;
	struct case_settings settings;
	unsigned char secret[CRYPT_KEY_BYTES];
	char dir[64];
	char schema[64];                     /* PostgreSQL: the test's schema; "" on SQLite */
	char url[1024];
	char key_path[160];
};

static const struct case_actor caseworker = {"carla", STAFF_ROLE_CASEWORKER, 1};
static const struct case_actor coordinator = {"cees", STAFF_ROLE_COORDINATOR, 2};
static const struct case_actor analyst = {"anna", STAFF_ROLE_ANALYST, 3};

/* The backend the database tests run on now (main runs the group per backend). */
static bool on_pg;

static const char *pg_base_url(void)
{
	const char *url = getenv("MELDWIJZER_TEST_PG");
	return url && strncmp(url, "postgres", 8) == 0 ? url : NULL;
}

/* DROP SCHEMA ... CASCADE lists what it drops: not news here. */
static void quiet(void *ctx, const char *message)
{
	(void)ctx;
	(void)message;
}

/* Statements on a connection of the test's own (past db.h), on `url`.
 * With `bytes`, they are bound as $1 (bytea) and the first value of the
 * first row is returned as a number in *number. 0, or -1 when refused. */
static int pg_sql(const char *url, const char *sql, const void *bytes, size_t len, long *number)
{
	PGconn *conn = PQconnectdb(url);
	int status = -1;
	if (PQstatus(conn) == CONNECTION_OK) {
		const char *values[1] = {bytes};
		int lengths[1] = {(int)len}, formats[1] = {1};
		PQsetNoticeProcessor(conn, quiet, NULL);
		/* several statements need the simple protocol, which binds nothing */
		PGresult *result = bytes ? PQexecParams(conn, sql, 1, NULL, values, lengths, formats, 0) : PQexec(conn, sql);
		ExecStatusType state = PQresultStatus(result);
		if (state == PGRES_COMMAND_OK || state == PGRES_TUPLES_OK) {
			status = 0;
			if (number)
				*number = PQntuples(result) > 0 ? strtol(PQgetvalue(result, 0, 0), NULL, 10) : -1;
		} else {
			print_error("pg_sql: %s", PQerrorMessage(conn));
		}
		PQclear(result);
	}
	PQfinish(conn);
	return status;
}

/* Runs `sql` on the test's database past db.h (as another program could). */
static void raw_sql(const struct fixture *f, const char *sql)
{
	if (on_pg) {
		assert_int_equal(pg_sql(f->url, sql, NULL, 0, NULL), 0);
		return;
	}
	sqlite3 *raw;
	assert_int_equal(sqlite3_open(f->url + strlen("sqlite:"), &raw), SQLITE_OK);
	assert_int_equal(sqlite3_exec(raw, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(raw);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	char error[DB_ERROR_SIZE], report_error[REPORT_ERROR_SIZE], key_error[CRYPT_ERROR_SIZE];
	char recovery[CRYPT_RECOVERY_TEXT_SIZE];
	struct crypt_team team;
	load_real_kb(&f->kb);
	assert_int_equal(crypt_init(), 0);
	snprintf(f->dir, sizeof f->dir, "/tmp/meldwijzer-case-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	if (on_pg) {
		static unsigned counter;
		char sql[128];
		const char *base = pg_base_url();
		/* our own name (letters and digits): CREATE SCHEMA takes no parameters */
		snprintf(f->schema, sizeof f->schema, "cases_%ld_%u", (long)getpid(), ++counter);
		snprintf(sql, sizeof sql, "CREATE SCHEMA %s", f->schema);
		assert_int_equal(pg_sql(base, sql, NULL, 0, NULL), 0);
		snprintf(f->url, sizeof f->url, "%s%coptions=-csearch_path%%3D%s", base, strchr(base, '?') ? '&' : '?',
			 f->schema);
		/* no file beside a PostgreSQL database: the key goes in the test's directory */
		snprintf(f->key_path, sizeof f->key_path, "%s/test.db.key", f->dir);
	} else {
		snprintf(f->url, sizeof f->url, "sqlite:%s/test.db", f->dir);
	}
	assert_int_equal(db_open(&f->db, f->url, true, error), 0);
	if (!on_pg)
		assert_int_equal(db_default_key_path(f->url, f->key_path, sizeof f->key_path), 0);
	assert_int_equal(crypt_key_file_create(f->key_path, key_error), 0);
	assert_int_equal(crypt_new_team(&team, recovery), 0);
	assert_int_equal(db_initialise(f->db, &team, error), 0);
	assert_int_equal(reporting_open(&f->reporting, &f->kb, f->db, f->key_path, report_error), 0);
	assert_int_equal(crypt_open_team(&team, recovery, f->secret), 0);
	case_settings_default(&f->settings);
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
	if (on_pg) {
		char sql[128];
		snprintf(sql, sizeof sql, "DROP SCHEMA %s CASCADE", f->schema);
		assert_int_equal(pg_sql(pg_base_url(), sql, NULL, 0, NULL), 0);
	}
	crypt_wipe(f->secret, sizeof f->secret);
	free(f);
	return 0;
}

/* Submits a report at `at`; its ref and (when wanted) its receipt. */
static void submit(struct fixture *f, const char *json, int64_t at, char ref[DB_REF_SIZE],
		   char receipt[CRYPT_RECEIPT_TEXT_SIZE])
{
	struct report_input input;
	char error[REPORT_ERROR_SIZE], own_receipt[CRYPT_RECEIPT_TEXT_SIZE], token[REPORT_TOKEN_SIZE];
	json_t *report = NULL;
	char *r = receipt ? receipt : own_receipt;
	assert_int_equal(report_input_from_json(&f->kb, json, strlen(json), &input, error), 0);
	assert_int_equal(report_submit_at(&f->reporting, &input, at, r), 0);
	report_input_release(&input);
	assert_int_equal(report_login_at(&f->reporting, r, at, token), 0);
	assert_int_equal(report_followup_at(&f->reporting, token, at, &report), 0);
	snprintf(ref, DB_REF_SIZE, "%s", json_string_value(json_object_get(report, "ref")));
	json_decref(report);
	report_logout(&f->reporting, token);
}

static void expect_status(struct fixture *f, const char *ref, const char *status)
{
	struct db_case row;
	assert_int_equal(db_case_get(f->db, ref, &row), 0);
	assert_string_equal(row.status, status);
	struct db_report report;
	assert_int_equal(db_get_report(f->db, ref, &report), 0);
	assert_string_equal(report.status, status); /* reports and cases agree */
	db_report_release(&report);
}

static void expect_last_audit(struct fixture *f, const char *action, const char *object)
{
	struct db_audit_entry last;
	assert_int_equal(db_audit_last(f->db, &last), 0);
	assert_string_equal(last.action, action);
	assert_string_equal(last.object, object);
}

/* ---------- the workflow as a table ---------- */

static void test_transition_table(void **state)
{
	(void)state;
	static const struct {
		const char *from, *to;
		bool caseworker, coordinator;
	} expected[] = {
		{"new", "in_progress", true, true},      {"new", "referred", true, true},
		{"in_progress", "referred", true, true}, {"referred", "in_progress", true, true},
		{"referred", "referred", true, true},    {"new", "closed", false, true},
		{"in_progress", "closed", false, true},  {"referred", "closed", false, true},
		{"closed", "in_progress", false, true},  {"in_progress", "new", false, false},
		{"referred", "new", false, false},       {"closed", "new", false, false},
		{"closed", "referred", false, false},    {"closed", "closed", false, false},
		{"new", "new", false, false},            {"in_progress", "in_progress", false, false},
		{"new", "withdrawn", false, false},      {"gone", "closed", false, false},
	};
	for (size_t i = 0; i < sizeof expected / sizeof *expected; i++) {
		if (case_transition_allowed(expected[i].from, expected[i].to, STAFF_ROLE_CASEWORKER) != expected[i].caseworker ||
		    case_transition_allowed(expected[i].from, expected[i].to, STAFF_ROLE_COORDINATOR) != expected[i].coordinator)
			fail_msg("%s -> %s", expected[i].from, expected[i].to);
		/* roles without case work never move a case */
		assert_false(case_transition_allowed(expected[i].from, expected[i].to, STAFF_ROLE_ANALYST | STAFF_ROLE_ADMIN));
	}
	assert_true(case_closing_reason_valid("advice_given"));
	assert_false(case_closing_reason_valid("bored"));
	assert_false(case_closing_reason_valid(NULL));
}

static void test_status_changes_per_role(void **state)
{
	struct fixture *f = *state;
	char ref[DB_REF_SIZE];
	submit(f, "{\"what\": \"werkt 14 uur per dag\", \"forms\": [\"labour\"]}", NOW, ref, NULL);
	expect_status(f, ref, "new");
	const struct case_settings *s = &f->settings;
	assert_int_equal(case_set_status(&f->reporting, s, &analyst, ref, "in_progress", NULL, NOW), CASE_FORBIDDEN);
	assert_int_equal(case_set_status(&f->reporting, s, &caseworker, ref, "new", NULL, NOW), CASE_BAD_INPUT);
	assert_int_equal(case_set_status(&f->reporting, s, &caseworker, ref, "referred", NULL, NOW), CASE_BAD_INPUT);
	assert_int_equal(case_set_status(&f->reporting, s, &caseworker, "00000000000000000000000000000000", "in_progress",
					 NULL, NOW),
			 CASE_NOT_FOUND);
	assert_int_equal(case_set_status(&f->reporting, s, &caseworker, ref, "in_progress", NULL, NOW), CASE_OK);
	expect_status(f, ref, "in_progress");
	/* taken on by nobody's case: now carla's, on the audit log after the status */
	expect_last_audit(f, "case_assigned", ref);
	struct db_case taken;
	assert_int_equal(db_case_get(f->db, ref, &taken), 0);
	assert_int_equal(taken.assigned_to, caseworker.account_id);
	assert_int_equal(case_set_status(&f->reporting, s, &caseworker, ref, "in_progress", NULL, NOW), CASE_REFUSED);
	/* closing: a coordinator, with a reason from the list */
	assert_int_equal(case_set_status(&f->reporting, s, &caseworker, ref, "closed", "advice_given", NOW), CASE_FORBIDDEN);
	assert_int_equal(case_set_status(&f->reporting, s, &coordinator, ref, "closed", NULL, NOW), CASE_BAD_INPUT);
	assert_int_equal(case_set_status(&f->reporting, s, &coordinator, ref, "closed", "whatever", NOW), CASE_BAD_INPUT);
	expect_status(f, ref, "in_progress");
	assert_int_equal(case_set_status(&f->reporting, s, &coordinator, ref, "closed", "advice_given", NOW), CASE_OK);
	expect_status(f, ref, "closed");
	expect_last_audit(f, "case_closed", ref);
	struct db_case row;
	assert_int_equal(db_case_get(f->db, ref, &row), 0);
	assert_string_equal(row.closing_reason, "advice_given");
	assert_string_equal(row.closed_day, "2026-11-28");
	assert_string_equal(row.destroy_day, "2027-11-28");
	assert_string_equal(row.due_day, DB_CASE_NO_DAY);
	/* a closed case takes no answer; only a coordinator reopens it */
	assert_int_equal(case_answer(&f->reporting, &caseworker, f->secret, ref, "Nog iets", NOW), CASE_REFUSED);
	assert_int_equal(case_set_status(&f->reporting, s, &caseworker, ref, "in_progress", NULL, NOW), CASE_FORBIDDEN);
	assert_int_equal(case_set_status(&f->reporting, s, &coordinator, ref, "in_progress", NULL, NOW), CASE_OK);
	expect_last_audit(f, "case_reopened", ref);
	assert_int_equal(db_case_get(f->db, ref, &row), 0);
	assert_string_equal(row.destroy_day, "");
	assert_string_equal(row.due_day, "2026-12-05"); /* no answer yet: the first answer is due again */
}

static void test_assignment(void **state)
{
	struct fixture *f = *state;
	char ref[DB_REF_SIZE], code[CRYPT_ACTIVATION_TEXT_SIZE];
	submit(f, "{\"what\": \"toewijzen\"}", NOW, ref, NULL);
	struct staff *staff = staff_new(f->db);
	assert_non_null(staff);
	crypt_set_slow_key_cost_for_tests(1, 8192);
	assert_int_equal(staff_create(staff, "cli", "carla", STAFF_ROLE_CASEWORKER, f->secret, NOW, code), STAFF_OK);
	crypt_set_slow_key_cost_for_tests(0, 0);
	staff_free(staff);
	struct db_staff_account carla;
	assert_int_equal(db_staff_get(f->db, "carla", &carla), 0);
	assert_int_equal(case_assign(&f->reporting, &caseworker, ref, carla.id, NOW), CASE_FORBIDDEN);
	/* a pending account cannot be given cases */
	assert_int_equal(case_assign(&f->reporting, &coordinator, ref, carla.id, NOW), CASE_BAD_INPUT);
	assert_int_equal(case_assign(&f->reporting, &coordinator, ref, 999, NOW), CASE_BAD_INPUT);
	carla.state[0] = '\0';
	snprintf(carla.state, sizeof carla.state, "active");
	assert_int_equal(db_staff_update(f->db, &carla), 0);
	assert_int_equal(case_assign(&f->reporting, &coordinator, ref, carla.id, NOW), CASE_OK);
	expect_last_audit(f, "case_assigned", ref);
	struct db_case row;
	assert_int_equal(db_case_get(f->db, ref, &row), 0);
	assert_int_equal(row.assigned_to, carla.id);
	assert_int_equal(case_assign(&f->reporting, &coordinator, ref, 0, NOW), CASE_OK);
	expect_last_audit(f, "case_unassigned", ref);
	assert_int_equal(db_case_get(f->db, ref, &row), 0);
	assert_int_equal(row.assigned_to, 0);
}

/* ---------- deadlines ---------- */

static void test_calendar(void **state)
{
	(void)state;
	char out[DB_DAY_SIZE];
	assert_int_equal(case_add_months("2025-11-30", 3, out), 0);
	assert_string_equal(out, "2026-02-28");
	assert_int_equal(case_add_months("2027-11-30", 3, out), 0);
	assert_string_equal(out, "2028-02-29");
	assert_int_equal(case_add_months("2026-01-31", 12, out), 0);
	assert_string_equal(out, "2027-01-31");
	assert_int_equal(case_add_days("2026-12-28", 7, out), 0);
	assert_string_equal(out, "2027-01-04");
	assert_int_equal(case_add_days("2026-03-01", -1, out), 0);
	assert_string_equal(out, "2026-02-28");
	assert_int_equal(case_add_days("2026-02-30", 1, out), -1);
	assert_int_equal(case_add_days("2026-2-3", 1, out), -1);
	assert_int_equal(case_add_months("2026-13-01", 1, out), -1);
	int64_t midnight = NOW - NOW % DAY; /* 2026-11-28T00:00:00Z */
	case_day_of(NOW, out);
	assert_string_equal(out, "2026-11-28");
	case_day_of(midnight, out);
	assert_string_equal(out, "2026-11-28");
	case_day_of(midnight + DAY - 1, out); /* 23:59:59 UTC */
	assert_string_equal(out, "2026-11-28");
	case_day_of(midnight + DAY, out);
	assert_string_equal(out, "2026-11-29");
}

/* Filters the queue on overdue at `at` and says whether `ref` is in it. */
static bool overdue_in_queue(struct fixture *f, const char *ref, int64_t at)
{
	struct case_queue_page *page = malloc(sizeof *page);
	struct case_queue_query query = {.order = DB_CASE_URGENT, .overdue = true};
	assert_int_equal(case_queue(&f->reporting, &f->settings, &caseworker, &query, at, page), CASE_OK);
	bool found = false;
	for (size_t i = 0; i < page->count; i++) {
		if (strcmp(page->items[i].row.ref, ref) == 0) {
			found = true;
			assert_true(page->items[i].deadlines.overdue); /* the filter and the flag agree */
		}
	}
	free(page);
	return found;
}

static void test_deadlines_with_a_clock(void **state)
{
	struct fixture *f = *state;
	char ref[DB_REF_SIZE];
	struct db_case row;
	struct case_deadlines deadlines;
	submit(f, "{\"what\": \"termijnen\"}", NOW, ref, NULL);
	assert_int_equal(db_case_get(f->db, ref, &row), 0);
	assert_string_equal(row.due_day, "2026-12-05"); /* the schema computed the first answer's day */
	assert_int_equal(case_deadlines(&f->settings, &row, NOW, &deadlines), 0);
	assert_string_equal(deadlines.answer_due, "2026-12-05");
	assert_string_equal(deadlines.feedback_due, "2027-02-28");
	assert_false(deadlines.overdue);
	assert_false(deadlines.due_soon);
	assert_int_equal(case_deadlines(&f->settings, &row, NOW + 5 * DAY, &deadlines), 0);
	assert_true(deadlines.due_soon); /* 3 December: two days left */
	assert_int_equal(case_deadlines(&f->settings, &row, NOW + 7 * DAY, &deadlines), 0);
	assert_false(deadlines.overdue); /* the last day itself is in time */
	assert_false(overdue_in_queue(f, ref, NOW + 7 * DAY));
	assert_int_equal(case_deadlines(&f->settings, &row, NOW + 8 * DAY, &deadlines), 0);
	assert_true(deadlines.overdue);
	assert_true(overdue_in_queue(f, ref, NOW + 8 * DAY));

	/* the first answer: feedback is next, three months after receipt */
	assert_int_equal(case_answer(&f->reporting, &caseworker, f->secret, ref, "We hebben je melding gelezen.", NOW + 8 * DAY),
			 CASE_OK);
	expect_last_audit(f, "case_answered", ref);
	expect_status(f, ref, "in_progress");
	assert_int_equal(db_case_get(f->db, ref, &row), 0);
	assert_string_equal(row.first_answer_day, "2026-12-06");
	assert_string_equal(row.due_day, "2027-02-28");
	assert_false(overdue_in_queue(f, ref, NOW + 8 * DAY));
	assert_int_equal(case_deadlines(&f->settings, &row, NOW + 8 * DAY, &deadlines), 0);
	assert_true(deadlines.answer_met);
	assert_false(deadlines.overdue);
	int64_t march_first = NOW + 93 * DAY; /* 2027-03-01 */
	assert_true(overdue_in_queue(f, ref, march_first));
	/* referring is the feedback: nothing is due then */
	struct case_referral referral = {.partner = "comensha", .categories = CASE_INFO_SUMMARY, .consent = "not_asked"};
	assert_int_equal(case_refer(&f->reporting, &caseworker, f->secret, ref, &referral, march_first), CASE_OK);
	assert_false(overdue_in_queue(f, ref, march_first));

	/* settings: new reports get the deadlines set in the database */
	struct case_settings longer = f->settings;
	longer.answer_days = 10;
	assert_int_equal(case_settings_apply(f->db, &longer), 0);
	submit(f, "{\"what\": \"tien dagen\"}", NOW, ref, NULL);
	assert_int_equal(db_case_get(f->db, ref, &row), 0);
	assert_string_equal(row.due_day, "2026-12-08");
}

/* ---------- notes ---------- */

static void test_notes_are_for_the_team_only(void **state)
{
	struct fixture *f = *state;
	char ref[DB_REF_SIZE], receipt[CRYPT_RECEIPT_TEXT_SIZE], token[REPORT_TOKEN_SIZE];
	submit(f, "{\"what\": \"notities\"}", NOW, ref, receipt);
	assert_int_equal(case_add_note(&f->reporting, &analyst, f->secret, ref, "x", NOW), CASE_FORBIDDEN);
	assert_int_equal(case_add_note(&f->reporting, &caseworker, f->secret, ref, "   ", NOW), CASE_BAD_INPUT);
	assert_int_equal(case_add_note(&f->reporting, &caseworker, f->secret, ref, "\xff\xfe", NOW), CASE_BAD_INPUT);
	assert_int_equal(case_add_note(&f->reporting, &caseworker, f->secret, ref, "Gebeld met wijkagent Jansen", NOW),
			 CASE_OK);
	expect_last_audit(f, "case_note_added", ref);
	assert_int_equal(case_add_note(&f->reporting, &coordinator, f->secret, ref, "Tweede notitie", NOW + 60), CASE_OK);
	json_t *notes = NULL;
	assert_int_equal(case_list_notes(&f->reporting, &caseworker, f->secret, ref, NOW, &notes), CASE_OK);
	expect_last_audit(f, "case_notes_read", ref);
	assert_int_equal(json_array_size(notes), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(notes, 0), "text")),
			    "Gebeld met wijkagent Jansen");
	assert_string_equal(json_string_value(json_object_get(json_array_get(notes, 1), "author")), "cees");
	json_decref(notes);
	/* the reporter's follow-up shows nothing of them */
	json_t *report = NULL;
	assert_int_equal(report_login_at(&f->reporting, receipt, NOW, token), 0);
	assert_int_equal(report_followup_at(&f->reporting, token, NOW, &report), 0);
	char *text = json_dumps(report, 0);
	assert_null(strstr(text, "Jansen"));
	assert_null(strstr(text, "Tweede"));
	free(text);
	json_decref(report);
	/* a note moved to another place no longer opens */
	raw_sql(f, "UPDATE case_notes SET seq = 3 WHERE seq = 1;"
		   " UPDATE case_notes SET seq = 1 WHERE seq = 2; UPDATE case_notes SET seq = 2 WHERE seq = 3;");
	assert_int_equal(case_list_notes(&f->reporting, &caseworker, f->secret, ref, NOW, &notes), -1);
	assert_null(notes);
}

/* ---------- the queue ---------- */

static void test_queue_filters_and_pages(void **state)
{
	struct fixture *f = *state;
	char refs[120][DB_REF_SIZE];
	for (int i = 0; i < 120; i++)
		submit(f, i % 3 == 0 ? "{\"kind\": \"consultation\", \"what\": \"x\", \"forms\": [\"sexual\"]}"
				     : "{\"what\": \"y\", \"forms\": [\"labour\", \"criminal\"]}",
		       NOW + i * DAY / 10, refs[i], NULL);
	struct case_queue_page *page = malloc(sizeof *page);
	struct case_queue_query query = {.order = DB_CASE_NEWEST};
	/* newest first, 50 a page, no row twice, none left out */
	size_t seen = 0;
	char token[CASE_PAGE_TOKEN_SIZE] = "";
	for (int p = 0; p < 3; p++) {
		query.after = p ? token : NULL;
		assert_int_equal(case_queue(&f->reporting, &f->settings, &caseworker, &query, NOW + 20 * DAY, page), CASE_OK);
		assert_int_equal(page->count, p < 2 ? 50 : 20);
		assert_int_equal(page->more, p < 2);
		for (size_t i = 0; i < page->count; i++)
			assert_string_equal(page->items[i].row.ref, refs[119 - seen - i]);
		seen += page->count;
		snprintf(token, sizeof token, "%s", page->next);
	}
	assert_int_equal(seen, 120);
	assert_int_equal(page->counts.new_count, 120);
	/* a filter: consultations (40), sexual form (the same 40), then in pages */
	query = (struct case_queue_query){.order = DB_CASE_URGENT, .kind = "consultation"};
	assert_int_equal(case_queue(&f->reporting, &f->settings, &caseworker, &query, NOW, page), CASE_OK);
	assert_int_equal(page->count, 40);
	assert_false(page->more);
	query = (struct case_queue_query){.order = DB_CASE_NEWEST, .form_bits = 2};
	assert_int_equal(case_queue(&f->reporting, &f->settings, &caseworker, &query, NOW, page), CASE_OK);
	assert_int_equal(page->count, 50);
	assert_true(page->more);
	/* most urgent first: the oldest unanswered first; a later page starts after the token */
	query = (struct case_queue_query){.order = DB_CASE_URGENT};
	assert_int_equal(case_queue(&f->reporting, &f->settings, &caseworker, &query, NOW, page), CASE_OK);
	assert_string_equal(page->items[0].row.ref, refs[0]);
	snprintf(token, sizeof token, "%s", page->next);
	assert_int_equal(token[0], 'u');
	query.after = token;
	assert_int_equal(case_queue(&f->reporting, &f->settings, &caseworker, &query, NOW, page), CASE_OK);
	assert_string_equal(page->items[0].row.ref, refs[50]);
	/* overdue: the longest overdue first even when newest first is asked (an index range at any
	 * size), paged with tokens of that order; at NOW + 20 days all 120 are late (an answer is due 7
	 * days after the report, the last on day 18), refs[0] the longest */
	query = (struct case_queue_query){.order = DB_CASE_NEWEST, .overdue = true};
	assert_int_equal(case_queue(&f->reporting, &f->settings, &caseworker, &query, NOW + 20 * DAY, page), CASE_OK);
	assert_int_equal(page->count, 50);
	assert_string_equal(page->items[0].row.ref, refs[0]);
	for (size_t i = 1; i < page->count; i++)
		assert_true(strcmp(page->items[i - 1].row.due_day, page->items[i].row.due_day) <= 0);
	assert_int_equal(page->next[0], 'u');
	snprintf(token, sizeof token, "%s", page->next);
	query.after = token;
	assert_int_equal(case_queue(&f->reporting, &f->settings, &caseworker, &query, NOW + 20 * DAY, page), CASE_OK);
	assert_string_equal(page->items[0].row.ref, refs[50]);
	/* the reporter wrote again; assigned to me; unassigned; status */
	char receipt[CRYPT_RECEIPT_TEXT_SIZE], ref[DB_REF_SIZE], login[REPORT_TOKEN_SIZE];
	submit(f, "{\"what\": \"schrijft terug\"}", NOW, ref, receipt);
	assert_int_equal(report_login_at(&f->reporting, receipt, NOW, login), 0);
	assert_int_equal(report_reply_at(&f->reporting, login, "Er is meer gebeurd.", NOW), 0);
	query = (struct case_queue_query){.order = DB_CASE_NEWEST, .reporter_waiting = true};
	assert_int_equal(case_queue(&f->reporting, &f->settings, &caseworker, &query, NOW, page), CASE_OK);
	assert_int_equal(page->count, 1);
	assert_string_equal(page->items[0].row.ref, ref);
	assert_true(page->items[0].row.reporter_waiting);
	assert_int_equal(case_answer(&f->reporting, &caseworker, f->secret, ref, "Dank je.", NOW), CASE_OK);
	assert_int_equal(case_queue(&f->reporting, &f->settings, &caseworker, &query, NOW, page), CASE_OK);
	assert_int_equal(page->count, 0);
	query = (struct case_queue_query){.order = DB_CASE_NEWEST, .status = "in_progress"};
	assert_int_equal(case_queue(&f->reporting, &f->settings, &caseworker, &query, NOW, page), CASE_OK);
	assert_int_equal(page->count, 1);
	assert_int_equal(page->counts.in_progress, 1);
	assert_int_equal(page->counts.new_count, 120);
	query = (struct case_queue_query){.order = DB_CASE_NEWEST, .source = "phone"};
	assert_int_equal(case_queue(&f->reporting, &f->settings, &caseworker, &query, NOW, page), CASE_OK);
	assert_int_equal(page->count, 0);
	query = (struct case_queue_query){.order = DB_CASE_NEWEST, .mine = true};
	assert_int_equal(case_queue(&f->reporting, &f->settings, &caseworker, &query, NOW, page), CASE_OK);
	assert_int_equal(page->count, 0);
	query = (struct case_queue_query){.order = DB_CASE_NEWEST, .unassigned = true, .source = "online"};
	assert_int_equal(case_queue(&f->reporting, &f->settings, &caseworker, &query, NOW, page), CASE_OK);
	assert_int_equal(page->count, 50);
	/* bad input: tokens, values, roles */
	const char *bad_tokens[] = {"n.", "n.0", "n.-5", "n.12x", "u.2026-11-28.5", "x", "n.99999999999999999999"};
	for (size_t i = 0; i < sizeof bad_tokens / sizeof *bad_tokens; i++) {
		query = (struct case_queue_query){.order = DB_CASE_NEWEST, .after = bad_tokens[i]};
		if (case_queue(&f->reporting, &f->settings, &caseworker, &query, NOW, page) != CASE_BAD_INPUT)
			fail_msg("token %s", bad_tokens[i]);
	}
	query = (struct case_queue_query){.order = DB_CASE_URGENT, .after = "u.2026-13-01.5"};
	assert_int_equal(case_queue(&f->reporting, &f->settings, &caseworker, &query, NOW, page), CASE_BAD_INPUT);
	query = (struct case_queue_query){.order = DB_CASE_NEWEST, .status = "open' OR 1=1"};
	assert_int_equal(case_queue(&f->reporting, &f->settings, &caseworker, &query, NOW, page), CASE_BAD_INPUT);
	query = (struct case_queue_query){.order = DB_CASE_NEWEST};
	assert_int_equal(case_queue(&f->reporting, &f->settings, &analyst, &query, NOW, page), CASE_FORBIDDEN);
	free(page);
}

/* ---------- referrals with consent ---------- */

static void test_referrals_and_consent(void **state)
{
	struct fixture *f = *state;
	char ref[DB_REF_SIZE];
	submit(f, "{\"what\": \"een meisje van 15 wordt opgehaald\", \"forms\": [\"sexual\"]}", NOW, ref, NULL);
	struct case_referral full = {.partner = "police", .categories = CASE_INFO_SUMMARY | CASE_INFO_NARRATIVE | CASE_INFO_PERSON,
				     .consent = "refused"};
	/* no consent: no full referral */
	assert_int_equal(case_refer(&f->reporting, &caseworker, f->secret, ref, &full, NOW), CASE_NO_CONSENT);
	full.consent = "not_asked";
	assert_int_equal(case_refer(&f->reporting, &coordinator, f->secret, ref, &full, NOW), CASE_NO_CONSENT);
	full.consent = "not_possible";
	assert_int_equal(case_refer(&f->reporting, &coordinator, f->secret, ref, &full, NOW), CASE_NO_CONSENT);
	expect_status(f, ref, "new");
	/* an override: a coordinator, with a written reason */
	full.override = "minor";
	assert_int_equal(case_refer(&f->reporting, &caseworker, f->secret, ref, &full, NOW), CASE_FORBIDDEN);
	assert_int_equal(case_refer(&f->reporting, &coordinator, f->secret, ref, &full, NOW), CASE_BAD_INPUT);
	full.reason = "kort";
	assert_int_equal(case_refer(&f->reporting, &coordinator, f->secret, ref, &full, NOW), CASE_BAD_INPUT);
	full.override = "bored";
	full.reason = "Minderjarige, ouders onbereikbaar";
	assert_int_equal(case_refer(&f->reporting, &coordinator, f->secret, ref, &full, NOW), CASE_BAD_INPUT);
	expect_status(f, ref, "new");
	full.override = "minor";
	assert_int_equal(case_refer(&f->reporting, &coordinator, f->secret, ref, &full, NOW), CASE_OK);
	expect_last_audit(f, "case_referred_override", ref);
	expect_status(f, ref, "referred");
	/* the reason is an encrypted note of kind "override" */
	json_t *notes = NULL;
	assert_int_equal(case_list_notes(&f->reporting, &coordinator, f->secret, ref, NOW, &notes), CASE_OK);
	assert_int_equal(json_array_size(notes), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(notes, 0), "kind")), "override");
	assert_string_equal(json_string_value(json_object_get(json_array_get(notes, 0), "text")),
			    "Minderjarige, ouders onbereikbaar");
	json_decref(notes);

	/* an anonymised summary needs no consent; consent given allows everything; no override then */
	struct case_referral summary = {.partner = "comensha", .categories = CASE_INFO_ANONYMISED, .consent = "refused"};
	assert_int_equal(case_refer(&f->reporting, &caseworker, f->secret, ref, &summary, NOW), CASE_OK);
	expect_last_audit(f, "case_referred", ref);
	summary.override = "acute_danger";
	summary.reason = "Geen toestemming nodig hiervoor";
	assert_int_equal(case_refer(&f->reporting, &coordinator, f->secret, ref, &summary, NOW), CASE_BAD_INPUT);
	struct case_referral given = {.partner = "veilig_thuis", .categories = CASE_INFO_ALL, .consent = "given"};
	assert_int_equal(case_refer(&f->reporting, &caseworker, f->secret, ref, &given, NOW + DAY), CASE_OK);
	given.partner = "interpol";
	assert_int_equal(case_refer(&f->reporting, &caseworker, f->secret, ref, &given, NOW), CASE_BAD_INPUT);
	given.partner = "police";
	given.categories = 0;
	assert_int_equal(case_refer(&f->reporting, &caseworker, f->secret, ref, &given, NOW), CASE_BAD_INPUT);
	given.categories = 1u << 9;
	assert_int_equal(case_refer(&f->reporting, &caseworker, f->secret, ref, &given, NOW), CASE_BAD_INPUT);
	given.categories = CASE_INFO_SUMMARY;
	given.consent = "maybe";
	assert_int_equal(case_refer(&f->reporting, &caseworker, f->secret, ref, &given, NOW), CASE_BAD_INPUT);

	json_t *list = NULL;
	assert_int_equal(case_list_referrals(&f->reporting, &caseworker, ref, &list), CASE_OK);
	assert_int_equal(json_array_size(list), 3);
	json_t *first = json_array_get(list, 0);
	assert_string_equal(json_string_value(json_object_get(first, "partner")), "police");
	assert_string_equal(json_string_value(json_object_get(first, "override")), "minor");
	assert_string_equal(json_string_value(json_object_get(first, "consent")), "not_possible");
	assert_int_equal(json_array_size(json_object_get(first, "categories")), 3);
	assert_null(json_object_get(json_array_get(list, 1), "override"));
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 2), "day")), "2026-11-29");
	json_decref(list);
	/* a closed case is not referred */
	assert_int_equal(case_set_status(&f->reporting, &f->settings, &coordinator, ref, "closed", "referred", NOW), CASE_OK);
	given = (struct case_referral){.partner = "police", .categories = CASE_INFO_SUMMARY, .consent = "given"};
	assert_int_equal(case_refer(&f->reporting, &coordinator, f->secret, ref, &given, NOW), CASE_REFUSED);
}

/* The hand-over of a referral carries only the categories it recorded, and its opening is audited. */
static void test_handover_carries_recorded_categories(void **state)
{
	struct fixture *f = *state;
	char ref[DB_REF_SIZE];
	submit(f, "{\"what\": \"acht mannen in een kamer aan de Kleiweg\", \"who\": \"Tomasz\", \"where\": \"Kleiweg 12\","
		  " \"relation\": \"neighbour\", \"forms\": [\"labour\"], \"signals\": [\"lange-dagen\"],"
		  " \"contact\": {\"email\": \"sanne@example.org\"}}",
	       NOW, ref, NULL);
	struct case_referral anonymised = {.partner = "comensha", .categories = CASE_INFO_ANONYMISED, .consent = "refused"};
	struct case_referral given = {.partner = "police", .categories = CASE_INFO_PERSON | CASE_INFO_CONTACT,
				      .consent = "given"};
	assert_int_equal(case_refer(&f->reporting, &caseworker, f->secret, ref, &anonymised, NOW), CASE_OK);
	assert_int_equal(case_refer(&f->reporting, &caseworker, f->secret, ref, &given, NOW), CASE_OK);

	json_t *out = NULL;
	assert_int_equal(case_handover(&f->reporting, &caseworker, f->secret, ref, 1, NOW, &out), CASE_OK);
	expect_last_audit(f, "case_handover_opened", ref);
	json_t *report = json_object_get(out, "report");
	assert_string_equal(json_string_value(json_object_get(report, "kind")), "report");
	assert_string_equal(json_string_value(json_object_get(report, "month")), "2026-11");
	assert_string_equal(json_string_value(json_object_get(report, "relation")), "neighbour");
	assert_string_equal(json_string_value(json_object_get(report, "signals")), "lange-dagen");
	assert_string_equal(json_string_value(json_object_get(report, "forms")), "labour");
	const char *absent[] = {"what", "who", "where", "when", "how", "contact", "messages"};
	for (size_t i = 0; i < sizeof absent / sizeof *absent; i++)
		assert_null(json_object_get(report, absent[i]));
	char *text = json_dumps(out, 0);
	assert_null(strstr(text, "Kleiweg"));
	assert_null(strstr(text, "Tomasz"));
	assert_null(strstr(text, "sanne@"));
	free(text);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(out, "referral"), "number")), 1);
	json_decref(out);

	assert_int_equal(case_handover(&f->reporting, &caseworker, f->secret, ref, 2, NOW, &out), CASE_OK);
	report = json_object_get(out, "report");
	assert_string_equal(json_string_value(json_object_get(report, "who")), "Tomasz");
	assert_string_equal(json_string_value(json_object_get(report, "where")), "Kleiweg 12");
	assert_string_equal(json_string_value(json_object_get(json_object_get(report, "contact"), "email")),
			    "sanne@example.org");
	assert_null(json_object_get(report, "what"));
	assert_null(json_object_get(report, "signals"));
	assert_null(json_object_get(report, "month"));
	json_decref(out);

	assert_int_equal(case_handover(&f->reporting, &caseworker, f->secret, ref, 3, NOW, &out), CASE_NOT_FOUND);
	assert_int_equal(case_handover(&f->reporting, &caseworker, f->secret, ref, 0, NOW, &out), CASE_NOT_FOUND);
	assert_int_equal(case_handover(&f->reporting, &analyst, f->secret, ref, 1, NOW, &out), CASE_FORBIDDEN);
	assert_null(out);
}

/* The history is the audit log's changes of this case, oldest first, without the readings. */
static void test_history_from_the_audit_log(void **state)
{
	struct fixture *f = *state;
	char ref[DB_REF_SIZE], other[DB_REF_SIZE];
	submit(f, "{\"what\": \"een zaak met een geschiedenis\"}", NOW, ref, NULL);
	submit(f, "{\"what\": \"een andere zaak\"}", NOW, other, NULL);
	json_t *history = NULL, *notes = NULL;
	assert_int_equal(case_history(&f->reporting, &caseworker, ref, &history), CASE_OK);
	assert_int_equal(json_array_size(history), 0);
	json_decref(history);

	assert_int_equal(case_set_status(&f->reporting, &f->settings, &caseworker, ref, "in_progress", NULL, NOW), CASE_OK);
	assert_int_equal(case_set_status(&f->reporting, &f->settings, &caseworker, other, "in_progress", NULL, NOW), CASE_OK);
	assert_int_equal(case_add_note(&f->reporting, &caseworker, f->secret, ref, "eerst bellen", NOW + 60), CASE_OK);
	assert_int_equal(case_list_notes(&f->reporting, &coordinator, f->secret, ref, NOW + 120, &notes), CASE_OK);
	json_decref(notes);
	struct case_referral summary = {.partner = "municipality", .categories = CASE_INFO_SUMMARY, .consent = "not_asked"};
	assert_int_equal(case_refer(&f->reporting, &coordinator, f->secret, ref, &summary, NOW + 180), CASE_OK);
	assert_int_equal(case_set_status(&f->reporting, &f->settings, &coordinator, ref, "closed", "referred", NOW + 240),
			 CASE_OK);

	assert_int_equal(case_history(&f->reporting, &caseworker, ref, &history), CASE_OK);
	const char *expected[][2] = {{"carla", "case_in_progress"}, {"carla", "case_assigned"},
				     {"carla", "case_note_added"}, {"cees", "case_referred"}, {"cees", "case_closed"}};
	const int64_t at[] = {NOW, NOW, NOW + 60, NOW + 180, NOW + 240};
	assert_int_equal(json_array_size(history), 5); /* not "case_notes_read", nothing of the other case */
	for (size_t i = 0; i < 5; i++) {
		json_t *entry = json_array_get(history, i);
		assert_string_equal(json_string_value(json_object_get(entry, "account")), expected[i][0]);
		assert_string_equal(json_string_value(json_object_get(entry, "action")), expected[i][1]);
		assert_int_equal(json_integer_value(json_object_get(entry, "at")), at[i]);
	}
	assert_true(json_integer_value(json_object_get(json_array_get(history, 0), "seq")) <
		    json_integer_value(json_object_get(json_array_get(history, 4), "seq")));
	json_decref(history);
	assert_int_equal(case_history(&f->reporting, &analyst, ref, &history), CASE_FORBIDDEN);
	assert_null(history);
	assert_int_equal(case_history(&f->reporting, &caseworker, "0123456789abcdef0123456789abcdef", &history),
			 CASE_NOT_FOUND);
}

/* A call recorded by the team: stored as "phone", audited with its ref, its receipt opens it. */
static void test_phone_intake(void **state)
{
	struct fixture *f = *state;
	const char *json = "{\"kind\": \"consultation\", \"what\": \"beller over een nagelsalon\", \"forms\": [\"labour\"]}";
	struct report_input input;
	char error[REPORT_ERROR_SIZE], receipt[CRYPT_RECEIPT_TEXT_SIZE], ref[DB_REF_SIZE], token[REPORT_TOKEN_SIZE];
	const char *key = "0123456789abcdef0123456789abcdef";
	assert_int_equal(report_input_from_json(&f->kb, json, strlen(json), &input, error), 0);
	assert_int_equal(case_intake_phone(&f->reporting, &analyst, &input, key, NOW, receipt, ref), CASE_FORBIDDEN);
	assert_string_equal(ref, "");
	assert_int_equal(case_intake_phone(&f->reporting, &caseworker, &input, key, NOW, receipt, ref), CASE_OK);
	expect_last_audit(f, "case_intake_phone", ref);
	struct db_case row;
	assert_int_equal(db_case_get(f->db, ref, &row), 0);
	assert_string_equal(row.source, "phone");
	assert_string_equal(row.kind, "consultation");
	/* the same form again: nothing new */
	char again[DB_REF_SIZE], no_receipt[CRYPT_RECEIPT_TEXT_SIZE];
	assert_int_equal(case_intake_phone(&f->reporting, &caseworker, &input, key, NOW, no_receipt, again), CASE_REFUSED);
	report_input_release(&input);
	/* the caller follows up with the receipt */
	json_t *report = NULL;
	assert_int_equal(report_login_at(&f->reporting, receipt, NOW, token), 0);
	assert_int_equal(report_followup_at(&f->reporting, token, NOW, &report), 0);
	assert_string_equal(json_string_value(json_object_get(report, "ref")), ref);
	assert_string_equal(json_string_value(json_object_get(report, "what")), "beller over een nagelsalon");
	json_decref(report);
	report_logout(&f->reporting, token);
	/* a report sent online stays online */
	char online[DB_REF_SIZE];
	submit(f, "{\"what\": \"online gemeld\"}", NOW, online, NULL);
	assert_int_equal(db_case_get(f->db, online, &row), 0);
	assert_string_equal(row.source, "online");
}

/* ---------- retention, withdrawal, and what the files keep ---------- */

/* Whether the database holds `needle`: on SQLite any of its files, byte for
 * byte; on PostgreSQL any row of the tables that hold a report's bytes (the
 * files keep dead tuples until VACUUM: see the comment at the top). */
static bool files_contain(const struct fixture *f, const void *needle, size_t len)
{
	if (on_pg) {
		long rows = -1;
		assert_int_equal(pg_sql(f->url,
					"SELECT count(*) FROM (SELECT key_for_team AS b FROM reports"
					" UNION ALL SELECT key_for_receipt FROM reports UNION ALL SELECT content FROM reports"
					" UNION ALL SELECT body FROM messages UNION ALL SELECT body FROM case_notes) AS stored"
					" WHERE position($1::bytea IN b) > 0",
					needle, len, &rows),
				 0);
		return rows > 0;
	}
	static const char *const suffixes[] = {"", "-wal", "-shm"};
	bool found = false;
	for (size_t i = 0; i < 3 && !found; i++) {
		char path[128];
		snprintf(path, sizeof path, "%s/test.db%s", f->dir, suffixes[i]);
		FILE *file = fopen(path, "rb");
		if (!file)
			continue;
		static unsigned char data[16 << 20];
		size_t got = fread(data, 1, sizeof data, file);
		fclose(file);
		for (size_t at = 0; at + len <= got && !found; at++)
			found = memcmp(data + at, needle, len) == 0;
	}
	return found;
}

/* The stored bytes of a report that must go: its wrapped keys, its content
 * box, a message box and a note box (the last 32 bytes of each: the first 32
 * of the key sealed to the team are its batch's ephemeral public key, which
 * the other reports of that commit share). */
struct traces {
	unsigned char bytes[5][32];
};

/* The columns collect_traces() reads, for `ref` (our own hex: safe in SQL). */
static void traces_sql(const char *ref, char *sql, size_t size)
{
	snprintf(sql, size,
		 "SELECT key_for_team, key_for_receipt, content,"
		 " (SELECT body FROM messages WHERE report_ref = ref LIMIT 1),"
		 " (SELECT body FROM case_notes WHERE report_ref = ref LIMIT 1) FROM reports WHERE ref = '%s'",
		 ref);
}

static void collect_traces(struct fixture *f, const char *ref, struct traces *out)
{
	char sql[400];
	traces_sql(ref, sql, sizeof sql);
	if (on_pg) {
		PGconn *conn = PQconnectdb(f->url);
		assert_int_equal(PQstatus(conn), CONNECTION_OK);
		PGresult *result = PQexecParams(conn, sql, 0, NULL, NULL, NULL, NULL, 1); /* binary */
		assert_int_equal(PQresultStatus(result), PGRES_TUPLES_OK);
		assert_int_equal(PQntuples(result), 1);
		for (int i = 0; i < 5; i++) {
			int len = PQgetlength(result, 0, i);
			assert_true(len >= 32);
			memcpy(out->bytes[i], PQgetvalue(result, 0, i) + len - 32, 32);
		}
		PQclear(result);
		PQfinish(conn);
		return;
	}
	sqlite3 *raw;
	sqlite3_stmt *statement;
	assert_int_equal(sqlite3_open(f->url + strlen("sqlite:"), &raw), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(raw, sql, -1, &statement, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(statement), SQLITE_ROW);
	for (int i = 0; i < 5; i++) {
		int len = sqlite3_column_bytes(statement, i);
		assert_true(len >= 32);
		memcpy(out->bytes[i], (const unsigned char *)sqlite3_column_blob(statement, i) + len - 32, 32);
	}
	sqlite3_finalize(statement);
	sqlite3_close(raw);
}

static void expect_traces(struct fixture *f, const struct traces *traces, bool present)
{
	for (int i = 0; i < 5; i++) {
		if (files_contain(f, traces->bytes[i], 32) != present)
			fail_msg("trace %d is %s", i, present ? "missing" : "still in the files");
	}
}

/* A report with a message from each side and a note. */
static void busy_report(struct fixture *f, const char *what, int64_t at, char ref[DB_REF_SIZE],
			char receipt[CRYPT_RECEIPT_TEXT_SIZE])
{
	char json[200], token[REPORT_TOKEN_SIZE];
	snprintf(json, sizeof json, "{\"what\": \"%s\"}", what);
	submit(f, json, at, ref, receipt);
	assert_int_equal(report_login_at(&f->reporting, receipt, at, token), 0);
	assert_int_equal(report_reply_at(&f->reporting, token, "Aanvulling van de melder", at), 0);
	report_logout(&f->reporting, token);
	assert_int_equal(case_answer(&f->reporting, &caseworker, f->secret, ref, "Antwoord van het meldpunt", at), CASE_OK);
	assert_int_equal(case_add_note(&f->reporting, &caseworker, f->secret, ref, "Interne notitie", at), CASE_OK);
}

static void test_retention_and_purge(void **state)
{
	struct fixture *f = *state;
	char old[DB_REF_SIZE], kept[DB_REF_SIZE], open_case[DB_REF_SIZE], receipt[CRYPT_RECEIPT_TEXT_SIZE];
	struct traces old_traces, kept_traces;
	busy_report(f, "oude zaak", NOW, old, receipt);
	busy_report(f, "verlengde zaak", NOW, kept, receipt);
	submit(f, "{\"what\": \"open zaak\"}", NOW, open_case, NULL);
	collect_traces(f, old, &old_traces);
	collect_traces(f, kept, &kept_traces);
	assert_int_equal(db_case_checkpoint(f->db), 0);
	expect_traces(f, &old_traces, true); /* the search finds what is there */

	const struct case_settings *s = &f->settings;
	assert_int_equal(case_set_status(&f->reporting, s, &coordinator, old, "closed", "advice_given", NOW), CASE_OK);
	assert_int_equal(case_set_status(&f->reporting, s, &coordinator, kept, "closed", "no_signs", NOW), CASE_OK);
	/* extending: a coordinator, a closed case, a written reason */
	assert_int_equal(case_extend_retention(&f->reporting, &caseworker, f->secret, kept, 6, "Lopend onderzoek politie", NOW),
			 CASE_FORBIDDEN);
	assert_int_equal(case_extend_retention(&f->reporting, &coordinator, f->secret, kept, 6, "kort", NOW), CASE_BAD_INPUT);
	assert_int_equal(case_extend_retention(&f->reporting, &coordinator, f->secret, kept, 0, "Lopend onderzoek politie", NOW),
			 CASE_BAD_INPUT);
	assert_int_equal(case_extend_retention(&f->reporting, &coordinator, f->secret, open_case, 6,
					       "Lopend onderzoek politie", NOW),
			 CASE_REFUSED);
	assert_int_equal(case_extend_retention(&f->reporting, &coordinator, f->secret, kept, 6, "Lopend onderzoek politie", NOW),
			 CASE_OK);
	expect_last_audit(f, "case_retention_extended", kept);
	struct db_case row;
	assert_int_equal(db_case_get(f->db, kept, &row), 0);
	assert_string_equal(row.destroy_day, "2028-05-28");

	/* the queue warns 14 days ahead */
	struct case_deadlines deadlines;
	assert_int_equal(db_case_get(f->db, old, &row), 0);
	assert_int_equal(case_deadlines(s, &row, NOW + 350 * DAY, &deadlines), 0);
	assert_false(deadlines.destroy_soon);
	assert_int_equal(case_deadlines(s, &row, NOW + 352 * DAY, &deadlines), 0);
	assert_true(deadlines.destroy_soon);

	/* a day early: nothing goes */
	unsigned destroyed = 99;
	assert_int_equal(case_purge(&f->reporting, "cli", NOW + 364 * DAY, &destroyed), 0);
	assert_int_equal(destroyed, 0);
	assert_int_equal(case_purge(&f->reporting, "cli", NOW + 365 * DAY, &destroyed), 0);
	assert_int_equal(destroyed, 1);
	expect_last_audit(f, "case_destroyed", old);
	struct db_report report;
	assert_int_equal(db_get_report(f->db, old, &report), 1);
	assert_int_equal(db_case_get(f->db, old, &row), 1);
	assert_int_equal(db_get_report(f->db, kept, &report), 0);
	db_report_release(&report);
	assert_int_equal(db_get_report(f->db, open_case, &report), 0);
	db_report_release(&report);
	assert_int_equal(db_case_statistics(f->db, "destroyed"), 1);
	expect_traces(f, &old_traces, false);
	expect_traces(f, &kept_traces, true);
	/* the extended one goes six months later */
	assert_int_equal(case_purge(&f->reporting, "-", NOW + 547 * DAY, &destroyed), 0);
	assert_int_equal(destroyed, 1);
	expect_traces(f, &kept_traces, false);
	assert_int_equal(db_case_statistics(f->db, "destroyed"), 2);
	/* the audit chain is intact and names only refs */
	int64_t first_bad = 0;
	char problem[AUDIT_PROBLEM_SIZE];
	assert_int_equal(audit_verify(f->db, NULL, &first_bad, problem), 0);
}

static void test_withdrawal(void **state)
{
	struct fixture *f = *state;
	char ref[DB_REF_SIZE], receipt[CRYPT_RECEIPT_TEXT_SIZE], token[REPORT_TOKEN_SIZE];
	struct traces traces;
	busy_report(f, "ik trek mijn melding in", NOW, ref, receipt);
	collect_traces(f, ref, &traces);
	assert_int_equal(report_login_at(&f->reporting, receipt, NOW, token), 0);
	assert_int_equal(case_withdraw(&f->reporting, "AAAAA-BBBBB-CCCCC-DDDDD", NOW), 1);
	assert_int_equal(case_withdraw(&f->reporting, "no receipt", NOW), 1);
	assert_int_equal(case_withdraw(&f->reporting, receipt, NOW), 0);
	expect_last_audit(f, "report_withdrawn", ref);
	struct db_audit_entry last;
	assert_int_equal(db_audit_last(f->db, &last), 0);
	assert_string_equal(last.account, "-");
	/* gone: the session, the report, its traces; a count stays */
	json_t *report = NULL;
	assert_int_equal(report_followup_at(&f->reporting, token, NOW, &report), 1);
	assert_int_equal(report_login_at(&f->reporting, receipt, NOW, token), 1);
	assert_int_equal(case_withdraw(&f->reporting, receipt, NOW), 1);
	struct db_report row;
	assert_int_equal(db_get_report(f->db, ref, &row), 1);
	assert_int_equal(db_case_statistics(f->db, "withdrawn"), 1);
	assert_int_equal(db_case_statistics(f->db, "destroyed"), 0);
	expect_traces(f, &traces, false);
	assert_false(files_contain(f, "ik trek mijn", 12));
}

int main(void)
{
	const struct CMUnitTest pure[] = {
		cmocka_unit_test(test_transition_table),
		cmocka_unit_test(test_calendar),
	};
	const struct CMUnitTest with_db[] = {
		cmocka_unit_test_setup_teardown(test_status_changes_per_role, setup, teardown),
		cmocka_unit_test_setup_teardown(test_assignment, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deadlines_with_a_clock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_notes_are_for_the_team_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_filters_and_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_referrals_and_consent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_handover_carries_recorded_categories, setup, teardown),
		cmocka_unit_test_setup_teardown(test_history_from_the_audit_log, setup, teardown),
		cmocka_unit_test_setup_teardown(test_phone_intake, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retention_and_purge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_withdrawal, setup, teardown),
	};
	int failed = cmocka_run_group_tests_name("case rules", pure, NULL, NULL);
	on_pg = false;
	failed += cmocka_run_group_tests_name("sqlite", with_db, NULL, NULL);
	if (!pg_base_url()) {
		const char *wanted = getenv("MELDWIJZER_TEST_PG");
		if (wanted && strcmp(wanted, "required") == 0) {
			fprintf(stderr, "[  FAILED  ] postgresql: no MELDWIJZER_TEST_PG URL\n");
			return failed + 1;
		}
		printf("postgresql: left out (set MELDWIJZER_TEST_PG=postgresql://..., see scripts/pg-test-cluster)\n");
		return failed;
	}
	on_pg = true;
	failed += cmocka_run_group_tests_name("postgresql", with_db, NULL, NULL);
	return failed;
}
