/* The db contract: what every backend must do, written against db.h alone.
 * The whole suite runs once per backend in `backends` below; a backend is
 * done when it passes here unchanged. SQLite always runs, each test in a
 * fresh directory; PostgreSQL runs when MELDWIJZER_TEST_PG names a database
 * to make schemas in (scripts/pg-test-cluster start prints one, and
 * scripts/run-tests starts one for `make check`), each test in a fresh schema
 * (the URL's search_path). Without it the PostgreSQL group says it was left
 * out; MELDWIJZER_TEST_PG=required makes that a failure instead.
 *
 * Concurrency is tested deterministically through db_set_test_hooks(): a
 * commit is held in its before_commit hook while the test queues more work or
 * reads beside it, so a batch is seen to form (db_get_stats), not assumed to.
 * Each test arms alarm(): a read that waits for a commit, or a callback that
 * deadlocks, ends the test binary instead of hanging it. */
#define _POSIX_C_SOURCE 200809L
#include "test_support.h"

#include <libpq-fe.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "crypt.h"
#include "db.h"

#define GUARD_SECONDS 60 /* valgrind is slow; a deadlock is forever */

struct backend {
	const char *name;
	/* makes a URL for a new, empty database in `place` (a directory, a schema) */
	int (*make_url)(char *place, size_t place_size, char *url, size_t url_size);
	/* after the test has removed its database: fails the test when anything
	 * was left in `place`, then removes the place */
	void (*remove_place)(const char *place);
	/* ends every connection the backend has (as a database restart does);
	 * NULL where a backend has none to lose */
	void (*break_connections)(void);
};

static int make_sqlite(char *dir, size_t dir_size, char *url, size_t url_size)
{
	snprintf(dir, dir_size, "/tmp/meldwijzer-dbtest-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(url, url_size, "sqlite:%s/contract.db", dir);
	return 0;
}

static void remove_sqlite(const char *dir)
{
	if (rmdir(dir) != 0)
		fail_msg("%s: files were left behind", dir);
}

/* ---------- PostgreSQL: a schema per test in MELDWIJZER_TEST_PG's database ---------- */

static const char *pg_base_url(void)
{
	const char *url = getenv("MELDWIJZER_TEST_PG");
	return url && strncmp(url, "postgres", 8) == 0 ? url : NULL;
}

/* One statement on an administrator's connection of the test's own (not
 * through db.h): making and checking the schemas is the test's business.
 * `param` is bound; returns the first value of the first row in `out`. */
static int pg_admin(const char *sql, const char *param, char *out, size_t out_size)
{
	PGconn *conn = PQconnectdb(pg_base_url());
	int status = -1;
	if (PQstatus(conn) == CONNECTION_OK) {
		const char *values[1] = {param};
		PGresult *result = PQexecParams(conn, sql, param ? 1 : 0, NULL, values, NULL, NULL, 0);
		ExecStatusType state = PQresultStatus(result);
		if (state == PGRES_COMMAND_OK || state == PGRES_TUPLES_OK) {
			status = 0;
			if (out)
				snprintf(out, out_size, "%s", PQntuples(result) > 0 ? PQgetvalue(result, 0, 0) : "");
		} else {
			print_error("pg_admin: %s", PQerrorMessage(conn));
		}
		PQclear(result);
	}
	PQfinish(conn);
	return status;
}

static int make_pg(char *schema, size_t schema_size, char *url, size_t url_size)
{
	static unsigned counter;
	const char *base = pg_base_url();
	snprintf(schema, schema_size, "contract_%ld_%u", (long)getpid(), ++counter);
	/* the name is ours (digits and letters): quoting it is not needed, and
	 * CREATE SCHEMA takes no parameters */
	char sql[128];
	snprintf(sql, sizeof sql, "CREATE SCHEMA %s", schema);
	if (pg_admin(sql, NULL, NULL, 0))
		return -1;
	int len = snprintf(url, url_size, "%s%coptions=-csearch_path%%3D%s", base, strchr(base, '?') ? '&' : '?', schema);
	return len < 0 || (size_t)len >= url_size ? -1 : 0;
}

static void remove_pg(const char *schema)
{
	char tables[32] = "", functions[32] = "", sql[128];
	int counted = pg_admin("SELECT count(*) FROM pg_tables WHERE schemaname = $1", schema, tables, sizeof tables);
	/* a migration's trigger function is schema too (the audit log's append-only rule) */
	counted = counted || pg_admin("SELECT count(*) FROM pg_proc JOIN pg_namespace n ON n.oid = pronamespace"
				      " WHERE n.nspname = $1",
				      schema, functions, sizeof functions);
	snprintf(sql, sizeof sql, "DROP SCHEMA %s CASCADE", schema);
	int dropped = pg_admin(sql, NULL, NULL, 0);
	if (counted || strcmp(tables, "0") != 0)
		fail_msg("schema %s: %s tables were left behind", schema, tables);
	if (strcmp(functions, "0") != 0)
		fail_msg("schema %s: %s functions were left behind", schema, functions);
	if (dropped)
		fail_msg("schema %s cannot be dropped", schema);
}

/* As a PostgreSQL restart does to every client: their connections end. */
static void break_pg_connections(void)
{
	char ended[32] = "";
	assert_int_equal(pg_admin("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
				  " WHERE application_name = $1 AND pid <> pg_backend_pid()",
				  "meldwijzer", ended, sizeof ended),
			 0);
	if (strtol(ended, NULL, 10) < 1)
		fail_msg("no connection of the backend was there to end (%s)", ended);
}

static const struct backend backends[] = {
	{"sqlite", make_sqlite, remove_sqlite, NULL},
	{"postgresql", make_pg, remove_pg, break_pg_connections},
};

struct fixture {
	const struct backend *backend;
	char dir[128]; /* the backend's place: a directory, a schema */
	char url[1024];
	struct db *db;
	struct crypt_team team;
};

static struct fixture fixture_for[sizeof backends / sizeof *backends];

/* ---------- the gate: a commit held or failed on purpose ---------- */

struct gate {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	bool hold;      /* hold the next commit that carries reports */
	bool holding;   /* a commit is being held now */
	bool fail;      /* fail every commit that carries reports (or, with fail_any, every commit) */
	bool fail_any;
	unsigned commits_seen;
};

static struct gate gate = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false, false, false, false, 0};

static int before_commit(void *ctx, unsigned reports)
{
	struct gate *g = ctx;
	int status = 0;
	pthread_mutex_lock(&g->lock);
	g->commits_seen++;
	if (g->hold && (reports > 0 || g->fail_any)) {
		g->hold = false;
		g->holding = true;
		pthread_cond_broadcast(&g->changed);
		while (g->holding)
			pthread_cond_wait(&g->changed, &g->lock);
	}
	if (g->fail && (reports > 0 || g->fail_any))
		status = -1;
	pthread_mutex_unlock(&g->lock);
	return status;
}

static void gate_reset(struct db *db)
{
	pthread_mutex_lock(&gate.lock);
	gate.hold = gate.holding = gate.fail = gate.fail_any = false;
	gate.commits_seen = 0;
	pthread_mutex_unlock(&gate.lock);
	db_set_test_hooks(db, &(struct db_test_hooks){before_commit, &gate});
}

static void gate_wait_until_holding(void)
{
	pthread_mutex_lock(&gate.lock);
	while (!gate.holding)
		pthread_cond_wait(&gate.changed, &gate.lock);
	pthread_mutex_unlock(&gate.lock);
}

static bool gate_is_holding(void)
{
	pthread_mutex_lock(&gate.lock);
	bool holding = gate.holding;
	pthread_mutex_unlock(&gate.lock);
	return holding;
}

static void gate_release(void)
{
	pthread_mutex_lock(&gate.lock);
	gate.holding = false;
	pthread_cond_broadcast(&gate.changed);
	pthread_mutex_unlock(&gate.lock);
}

static void wait_until_waiting(struct db *db, unsigned count)
{
	struct db_stats stats;
	for (int i = 0; i < 20000; i++) {
		db_get_stats(db, &stats);
		if (stats.waiting == count)
			return;
		nanosleep(&(struct timespec){0, 1000000}, NULL);
	}
	fail_msg("%u reports never queued up (waiting: %u)", count, stats.waiting);
}

/* ---------- setup ---------- */

static int setup(void **state)
{
	struct fixture *f = *state;
	char error[DB_ERROR_SIZE];
	alarm(GUARD_SECONDS);
	assert_int_equal(f->backend->make_url(f->dir, sizeof f->dir, f->url, sizeof f->url), 0);
	assert_int_equal(db_open(&f->db, f->url, true, error), 0);
	assert_int_equal(crypt_new_team(&f->team, (char[CRYPT_RECOVERY_TEXT_SIZE]){0}), 0);
	assert_int_equal(db_initialise(f->db, &f->team, error), 0);
	gate_reset(f->db);
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	gate_release();
	/* the test made this database, so this removes all of it: the directory
	 * must then be empty */
	db_close_and_remove_if_new(f->db);
	f->db = NULL;
	f->backend->remove_place(f->dir);
	alarm(0);
	return 0;
}

static void make_row(struct db_report *row, unsigned number, const char *day)
{
	static unsigned char content[] = "opaque box";
	memset(row, 0, sizeof *row);
	snprintf(row->ref, DB_REF_SIZE, "%032u", number);
	snprintf(row->kind, sizeof row->kind, "%s", number % 2 ? "consultation" : "report");
	snprintf(row->created_day, sizeof row->created_day, "%s", day);
	snprintf(row->forms, sizeof row->forms, "labour");
	snprintf(row->signals, sizeof row->signals, "signal-%u", number);
	crypt_random(row->receipt_lookup, sizeof row->receipt_lookup);
	crypt_random(row->receipt_salt, sizeof row->receipt_salt);
	crypt_random(row->key_for_receipt, sizeof row->key_for_receipt);
	crypt_random(row->key_for_team, sizeof row->key_for_team);
	row->content = content;
	row->content_len = sizeof content;
}

static void insert(struct fixture *f, unsigned number)
{
	struct db_report row;
	make_row(&row, number, "2026-11-28");
	assert_int_equal(db_insert_report(f->db, &row), 0);
}

static struct db_new_message message(unsigned seq, const char *sender)
{
	static const unsigned char box[] = "message box";
	return (struct db_new_message){.sender = sender, .day = "2026-11-29", .seq = seq, .box = box, .box_len = sizeof box};
}

/* ---------- URLs, not per backend ---------- */

static void test_urls(void **state)
{
	(void)state;
	struct db *db = NULL;
	char error[DB_ERROR_SIZE], path[64];
	assert_int_equal(db_open(&db, "mysql://localhost/x", false, error), -1);
	assert_non_null(strstr(error, "is not sqlite:PATH or postgresql://"));
	assert_null(strstr(error, "mysql")); /* a URL may hold a password: never repeated */
	/* PostgreSQL is built in: a server that is not there is said clearly, without the password */
	assert_int_equal(db_check_url("postgresql:///meldwijzer?host=/nonexistent-meldwijzer", error), 0);
	assert_int_equal(db_check_url("postgres://user@host/db", error), 0);
	assert_int_equal(db_open(&db, "postgresql://user:s3cret@/meldwijzer?host=/nonexistent-meldwijzer", false, error),
			 -1);
	assert_null(db);
	assert_non_null(strstr(error, "PostgreSQL: cannot connect"));
	assert_null(strstr(error, "s3cret"));
	assert_int_equal(db_open(&db, "postgresql:", false, error), -1);
	assert_non_null(strstr(error, "names no database"));
	assert_int_equal(db_open(&db, "sqlite:", false, error), -1);
	assert_null(db);
	/* opening without create makes nothing */
	assert_int_equal(db_open(&db, "sqlite:/tmp/meldwijzer-no-such-dir/x.db", false, error), -1);
	assert_non_null(strstr(error, "meldwijzer init"));
	/* where the key file goes when no setting names it */
	assert_int_equal(db_default_key_path("sqlite:var/x.db", path, sizeof path), 0);
	assert_string_equal(path, "var/x.db.key");
	assert_int_equal(db_default_key_path("postgresql://h/db", path, sizeof path), -1);
	assert_int_equal(db_default_key_path("sqlite:var/x.db", path, 5), -1);
}

/* ---------- the contract ---------- */

static void test_initialise_and_team(void **state)
{
	struct fixture *f = *state;
	char error[DB_ERROR_SIZE];
	struct crypt_team loaded;
	assert_int_equal(db_is_initialised(f->db), 1);
	assert_int_equal(db_initialise(f->db, &f->team, error), -1);
	assert_non_null(strstr(error, "already initialised"));
	assert_int_equal(db_load_team(f->db, &loaded), 0);
	assert_memory_equal(&loaded, &f->team, sizeof loaded);
	assert_true(db_schema_version(f->db) >= 2);
	/* a current database is left as it is */
	assert_int_equal(db_upgrade(f->db, error), 0);
}

static void test_reports_round_trip(void **state)
{
	struct fixture *f = *state;
	struct db_report row, read;
	make_row(&row, 7, "2026-11-28");
	assert_int_equal(db_insert_report(f->db, &row), 0);
	assert_int_equal(db_get_report(f->db, row.ref, &read), 0);
	assert_string_equal(read.ref, row.ref);
	assert_string_equal(read.kind, "consultation");
	assert_string_equal(read.status, "new");
	assert_string_equal(read.created_day, "2026-11-28");
	assert_string_equal(read.forms, "labour");
	assert_string_equal(read.signals, "signal-7");
	assert_memory_equal(read.receipt_salt, row.receipt_salt, CRYPT_SALT_BYTES);
	assert_memory_equal(read.key_for_receipt, row.key_for_receipt, CRYPT_WRAPPED_KEY_BYTES);
	assert_memory_equal(read.key_for_team, row.key_for_team, CRYPT_SEALED_KEY_BYTES);
	assert_int_equal(read.content_len, row.content_len);
	assert_memory_equal(read.content, row.content, row.content_len);
	assert_int_equal(read.message_count, 0);
	db_report_release(&read);
	assert_int_equal(db_find_report(f->db, row.receipt_lookup, &read), 0);
	assert_string_equal(read.ref, row.ref);
	db_report_release(&read);
	unsigned char unknown[CRYPT_KEY_BYTES] = {0};
	assert_int_equal(db_find_report(f->db, unknown, &read), 1);
	assert_int_equal(db_get_report(f->db, "no-such-ref", &read), 1);
	/* the day is the caller's: a row without one is refused, not dated by the db */
	make_row(&row, 8, "");
	assert_int_equal(db_insert_report(f->db, &row), -1);
	/* a reference in use */
	make_row(&row, 7, "2026-11-28");
	assert_int_equal(db_insert_report(f->db, &row), -1);
}

struct listing {
	struct db *db;
	unsigned seen;
	unsigned expected_next; /* newest first */
	bool in_order;
	bool inner_calls_ok;
};

/* Calls back into the db from inside a callback: it must not deadlock. */
static void list_one(void *ctx, const struct db_report *report)
{
	struct listing *listing = ctx;
	char expected[DB_REF_SIZE];
	snprintf(expected, sizeof expected, "%032u", listing->expected_next);
	listing->in_order = listing->in_order && strcmp(report->ref, expected) == 0;
	listing->expected_next--;
	listing->seen++;
	if (listing->seen % 50 == 1)
		listing->inner_calls_ok = listing->inner_calls_ok && db_count_messages(listing->db, report->ref) == 0;
}

static void test_list_is_newest_first_in_pages(void **state)
{
	struct fixture *f = *state;
	enum { REPORTS = 300 }; /* more than two pages */
	for (unsigned i = 1; i <= REPORTS; i++)
		insert(f, i);
	struct listing listing = {.db = f->db, .expected_next = REPORTS, .in_order = true, .inner_calls_ok = true};
	assert_int_equal(db_list_reports(f->db, list_one, &listing), 0);
	assert_int_equal(listing.seen, REPORTS);
	assert_true(listing.in_order);
	assert_true(listing.inner_calls_ok);
}

struct message_list {
	struct db *db;
	const char *ref;
	unsigned seqs[8];
	char senders[8][16];
	unsigned count;
	bool inner_calls_ok;
};

static void collect_message(void *ctx, const struct db_message *m)
{
	struct message_list *list = ctx;
	struct db_report row;
	if (list->count < 8) {
		list->seqs[list->count] = m->seq;
		snprintf(list->senders[list->count], sizeof list->senders[0], "%s", m->sender);
	}
	list->count++;
	assert_int_equal(m->box_len, sizeof "message box");
	assert_memory_equal(m->box, "message box", m->box_len);
	assert_string_equal(m->created_day, "2026-11-29");
	/* the callback may read the db */
	list->inner_calls_ok = list->inner_calls_ok && db_get_report(list->db, list->ref, &row) == 0;
	if (list->inner_calls_ok)
		db_report_release(&row);
}

static void test_messages(void **state)
{
	struct fixture *f = *state;
	insert(f, 1);
	const char *ref = "00000000000000000000000000000001";
	struct db_new_message m1 = message(1, "reporter"), m2 = message(2, "advice_point"), m4 = message(4, "reporter"),
			      m3 = message(3, "reporter");
	assert_int_equal(db_count_messages(f->db, ref), 0);
	assert_int_equal(db_add_message(f->db, ref, &m1, 3), 0);
	assert_int_equal(db_add_message(f->db, ref, &m1, 3), 2); /* number 1 is taken */
	assert_int_equal(db_add_message(f->db, ref, &m4, 3), 2); /* not the next number */
	assert_int_equal(db_add_message(f->db, ref, &m2, 3), 0);
	assert_int_equal(db_add_message(f->db, ref, &m3, 2), 1); /* at the cap */
	assert_int_equal(db_add_message(f->db, ref, &m3, 3), 0);
	assert_int_equal(db_count_messages(f->db, ref), 3);
	struct message_list list = {.db = f->db, .ref = ref, .inner_calls_ok = true};
	assert_int_equal(db_list_messages(f->db, ref, collect_message, &list), 0);
	assert_int_equal(list.count, 3);
	assert_true(list.inner_calls_ok);
	assert_int_equal(list.seqs[0], 1);
	assert_int_equal(list.seqs[1], 2);
	assert_int_equal(list.seqs[2], 3);
	assert_string_equal(list.senders[1], "advice_point");
	struct db_report row;
	assert_int_equal(db_get_report(f->db, ref, &row), 0);
	assert_int_equal(row.message_count, 3);
	db_report_release(&row);
	/* an unknown report has no messages to add to */
	assert_int_equal(db_add_message(f->db, "00000000000000000000000000000099", &m1, 3), -1);
	/* a message without its day or box is the caller's mistake */
	struct db_new_message no_day = m1;
	no_day.day = "";
	assert_int_equal(db_add_message(f->db, ref, &no_day, 9), -1);
}

static void assert_status(struct fixture *f, const char *ref, const char *status, unsigned messages)
{
	struct db_report row;
	assert_int_equal(db_get_report(f->db, ref, &row), 0);
	assert_string_equal(row.status, status);
	assert_int_equal(row.message_count, messages);
	db_report_release(&row);
}

/* An answer and the status it sets are one transaction. */
static void test_answer_is_one_transaction(void **state)
{
	struct fixture *f = *state;
	insert(f, 1);
	const char *ref = "00000000000000000000000000000001";
	struct db_new_message m1 = message(1, "advice_point"), m2 = message(2, "advice_point");
	/* the commit fails: neither the message nor the status */
	pthread_mutex_lock(&gate.lock);
	gate.fail = gate.fail_any = true;
	pthread_mutex_unlock(&gate.lock);
	assert_int_equal(db_answer_report(f->db, ref, &m1, 5, "in_progress"), -1);
	assert_status(f, ref, "new", 0);
	gate_reset(f->db);
	/* at the cap: nothing changes either */
	assert_int_equal(db_answer_report(f->db, ref, &m1, 0, "in_progress"), 1);
	assert_status(f, ref, "new", 0);
	/* both */
	assert_int_equal(db_answer_report(f->db, ref, &m1, 5, "in_progress"), 0);
	assert_status(f, ref, "in_progress", 1);
	assert_int_equal(db_set_status(f->db, ref, "closed"), 0);
	assert_int_equal(db_answer_report(f->db, ref, &m2, 5, "in_progress"), 0);
	assert_status(f, ref, "in_progress", 2);
	assert_int_equal(db_set_status(f->db, "00000000000000000000000000000099", "closed"), -1);
	assert_int_equal(db_answer_report(f->db, "00000000000000000000000000000099", &m1, 5, "in_progress"), -1);
}

struct inserter {
	struct db *db;
	struct db_report row;
	int status;
};

static void *insert_in_thread(void *arg)
{
	struct inserter *inserter = arg;
	inserter->status = db_insert_report(inserter->db, &inserter->row);
	return NULL;
}

/* Holds the commit of report 0 while `count - 1` more reports queue up
 * behind it; returns once all have returned. `same_ref` reuses report 0's
 * reference for every third of the others. */
static void batch_behind_a_held_commit(struct fixture *f, struct inserter *inserters, pthread_t *threads,
				       unsigned count, bool same_ref)
{
	for (unsigned i = 0; i < count; i++) {
		inserters[i].db = f->db;
		make_row(&inserters[i].row, i + 100, "2026-11-28");
		if (same_ref && i > 0 && i % 3 == 0)
			snprintf(inserters[i].row.ref, DB_REF_SIZE, "%032u", 100u);
	}
	pthread_mutex_lock(&gate.lock);
	gate.hold = true;
	pthread_mutex_unlock(&gate.lock);
	assert_int_equal(pthread_create(&threads[0], NULL, insert_in_thread, &inserters[0]), 0);
	gate_wait_until_holding();
	for (unsigned i = 1; i < count; i++)
		assert_int_equal(pthread_create(&threads[i], NULL, insert_in_thread, &inserters[i]), 0);
	wait_until_waiting(f->db, count - 1);
	gate_release();
	for (unsigned i = 0; i < count; i++)
		pthread_join(threads[i], NULL);
}

static void count_report(void *ctx, const struct db_report *report)
{
	(void)report;
	++*(unsigned *)ctx;
}

static unsigned stored_reports(struct fixture *f)
{
	unsigned count = 0;
	assert_int_equal(db_list_reports(f->db, count_report, &count), 0);
	return count;
}

/* A form's single-use submission key: the second report with the same key
 * is refused with 1 and nothing is stored; reports without a key (the API)
 * are never refused for it. */
static void test_a_submission_key_is_used_once(void **state)
{
	struct fixture *f = *state;
	struct db_report first, again, other, plain1, plain2;
	make_row(&first, 31, "2026-11-28");
	make_row(&again, 32, "2026-11-28");
	make_row(&other, 33, "2026-11-28");
	make_row(&plain1, 34, "2026-11-28");
	make_row(&plain2, 35, "2026-11-28");
	first.has_submission_key = again.has_submission_key = other.has_submission_key = true;
	memset(first.submission_key, 0x5a, CRYPT_KEY_BYTES);
	memset(again.submission_key, 0x5a, CRYPT_KEY_BYTES);
	memset(other.submission_key, 0xa5, CRYPT_KEY_BYTES);
	assert_int_equal(db_insert_report(f->db, &first), 0);
	assert_int_equal(db_insert_report(f->db, &again), 1);
	assert_int_equal(db_insert_report(f->db, &other), 0);
	assert_int_equal(db_insert_report(f->db, &plain1), 0);
	assert_int_equal(db_insert_report(f->db, &plain2), 0);
	assert_int_equal(stored_reports(f), 4);
	struct db_report read;
	assert_int_equal(db_get_report(f->db, again.ref, &read), 1);
}

/* Reports that arrive during a commit are carried by the next one: one
 * commit, one fsync, for all of them. */
static void test_group_commit_forms_a_batch(void **state)
{
	struct fixture *f = *state;
	enum { REPORTS = 9 };
	static struct inserter inserters[REPORTS];
	pthread_t threads[REPORTS];
	struct db_stats before, after;
	db_get_stats(f->db, &before);
	batch_behind_a_held_commit(f, inserters, threads, REPORTS, false);
	db_get_stats(f->db, &after);
	for (unsigned i = 0; i < REPORTS; i++)
		assert_int_equal(inserters[i].status, 0);
	assert_int_equal(after.commits - before.commits, 2); /* the held one, then one for the other eight */
	assert_int_equal(after.reports_committed - before.reports_committed, REPORTS);
	assert_int_equal(after.largest_batch, REPORTS - 1);
	assert_int_equal(after.waiting, 0);
	assert_int_equal(stored_reports(f), REPORTS);
}

/* A report that cannot be stored fails alone, in a batch that is known to
 * have formed; the others in the same transaction are stored. */
static void test_failed_insert_fails_alone_in_its_batch(void **state)
{
	struct fixture *f = *state;
	enum { REPORTS = 10 };
	static struct inserter inserters[REPORTS];
	pthread_t threads[REPORTS];
	batch_behind_a_held_commit(f, inserters, threads, REPORTS, true);
	struct db_stats stats;
	db_get_stats(f->db, &stats);
	assert_int_equal(stats.largest_batch, REPORTS - 1 - 3); /* the three doubles are not committed */
	unsigned failed = 0;
	for (unsigned i = 0; i < REPORTS; i++) {
		if (i > 0 && i % 3 == 0)
			assert_int_equal(inserters[i].status, -1);
		else
			assert_int_equal(inserters[i].status, 0);
		failed += inserters[i].status != 0;
	}
	assert_int_equal(failed, 3);
	assert_int_equal(stored_reports(f), REPORTS - 3);
}

/* A commit that fails fails every report it carries: none is stored, each
 * submitter hears so (no receipt for a report a crash could lose), and the
 * storage reports the failure until a write succeeds. */
static void test_failed_commit_fails_the_whole_batch(void **state)
{
	struct fixture *f = *state;
	enum { REPORTS = 6 };
	static struct inserter inserters[REPORTS];
	pthread_t threads[REPORTS];
	struct db_storage storage;
	pthread_mutex_lock(&gate.lock);
	gate.fail = true;
	pthread_mutex_unlock(&gate.lock);
	batch_behind_a_held_commit(f, inserters, threads, REPORTS, false);
	for (unsigned i = 0; i < REPORTS; i++)
		assert_int_equal(inserters[i].status, -1);
	assert_int_equal(stored_reports(f), 0);
	db_storage_state(f->db, &storage);
	assert_false(storage.ok);
	assert_string_equal(storage.problem, "write_failed");
	gate_reset(f->db);
	insert(f, 1);
	db_storage_state(f->db, &storage);
	assert_true(storage.ok);
	assert_null(storage.problem);
}

/* While a commit waits for its fsync (held here), every read answers. */
static void test_reads_do_not_wait_for_a_commit(void **state)
{
	struct fixture *f = *state;
	insert(f, 1);
	const char *ref = "00000000000000000000000000000001";
	struct db_new_message m1 = message(1, "reporter");
	assert_int_equal(db_add_message(f->db, ref, &m1, 9), 0);
	struct db_report existing;
	assert_int_equal(db_get_report(f->db, ref, &existing), 0);

	static struct inserter held;
	pthread_t thread;
	held.db = f->db;
	make_row(&held.row, 2, "2026-11-28");
	pthread_mutex_lock(&gate.lock);
	gate.hold = true;
	pthread_mutex_unlock(&gate.lock);
	assert_int_equal(pthread_create(&thread, NULL, insert_in_thread, &held), 0);
	gate_wait_until_holding();

	struct db_report row;
	struct crypt_team team;
	struct db_storage storage;
	assert_int_equal(db_get_report(f->db, ref, &row), 0);
	db_report_release(&row);
	assert_int_equal(db_find_report(f->db, existing.receipt_lookup, &row), 0);
	db_report_release(&row);
	assert_int_equal(stored_reports(f), 1); /* the held report is not committed yet */
	assert_int_equal(db_count_messages(f->db, ref), 1);
	struct message_list list = {.db = f->db, .ref = ref, .inner_calls_ok = true};
	assert_int_equal(db_list_messages(f->db, ref, collect_message, &list), 0);
	assert_int_equal(list.count, 1);
	assert_int_equal(db_load_team(f->db, &team), 0);
	assert_int_equal(db_storage_state(f->db, &storage), 0);
	assert_true(gate_is_holding()); /* all of that while the commit was held */

	gate_release();
	pthread_join(thread, NULL);
	assert_int_equal(held.status, 0);
	assert_int_equal(stored_reports(f), 2);
	db_report_release(&existing);
}

/* Only a database that this handle made is removed again. */
static void test_remove_only_what_was_made(void **state)
{
	struct fixture *f = *state;
	char error[DB_ERROR_SIZE];
	struct db *again = NULL;
	insert(f, 1);
	assert_int_equal(db_open(&again, f->url, true, error), 0); /* exists: not made by `again` */
	db_close_and_remove_if_new(again);
	assert_int_equal(db_open(&again, f->url, false, error), 0);
	assert_int_equal(stored_reports(&(struct fixture){.db = again}), 1);
	db_close(again);
}

/* Two servers on one database: what one stores the other reads at once, and
 * when both add the same message number to one report, exactly one wins and
 * the other hears "not the next number" (2). */
static void test_two_handles_share_one_database(void **state)
{
	struct fixture *f = *state;
	char error[DB_ERROR_SIZE];
	struct db *other = NULL;
	assert_int_equal(db_open(&other, f->url, false, error), 0);
	assert_int_equal(db_is_initialised(other), 1);
	struct db_report row, read;
	make_row(&row, 41, "2026-11-28");
	assert_int_equal(db_insert_report(f->db, &row), 0);
	assert_int_equal(db_find_report(other, row.receipt_lookup, &read), 0); /* a receipt login on the other */
	assert_string_equal(read.ref, row.ref);
	db_report_release(&read);
	struct db_new_message m1 = message(1, "reporter"), m2 = message(2, "advice_point");
	assert_int_equal(db_add_message(other, row.ref, &m1, 5), 0);
	assert_int_equal(db_add_message(f->db, row.ref, &m1, 5), 2); /* number 1 was taken on the other */
	assert_int_equal(db_answer_report(f->db, row.ref, &m2, 5, "in_progress"), 0);
	assert_status(f, row.ref, "in_progress", 2);
	assert_int_equal(db_count_messages(other, row.ref), 2);
	/* a form's key used on one is used on the other too */
	struct db_report first, again;
	make_row(&first, 42, "2026-11-28");
	make_row(&again, 43, "2026-11-28");
	first.has_submission_key = again.has_submission_key = true;
	memset(first.submission_key, 0x3c, CRYPT_KEY_BYTES);
	memset(again.submission_key, 0x3c, CRYPT_KEY_BYTES);
	assert_int_equal(db_insert_report(other, &first), 0);
	assert_int_equal(db_insert_report(f->db, &again), 1);
	assert_int_equal(stored_reports(f), 2);
	db_close(other);
}

/* A backend that talks to a database server loses its connections when the
 * server restarts: the next read and the next write connect again by
 * themselves, and the storage is healthy again. */
static void test_lost_connections_come_back(void **state)
{
	struct fixture *f = *state;
	if (!f->backend->break_connections)
		skip(); /* nothing to lose */
	insert(f, 1);
	const char *ref = "00000000000000000000000000000001";
	struct db_report read;
	/* enough reads that every connection a backend keeps for reading has been
	 * used (and so is lost below), whichever order it takes them in */
	for (int i = 0; i < 16; i++) {
		assert_int_equal(db_get_report(f->db, ref, &read), 0);
		db_report_release(&read);
	}
	f->backend->break_connections();
	for (int i = 0; i < 16; i++) {
		assert_int_equal(db_get_report(f->db, ref, &read), 0);
		db_report_release(&read);
	}
	f->backend->break_connections();
	insert(f, 2);
	struct db_new_message m1 = message(1, "reporter");
	f->backend->break_connections();
	assert_int_equal(db_add_message(f->db, ref, &m1, 5), 0);
	f->backend->break_connections();
	assert_int_equal(db_set_status(f->db, ref, "closed"), 0);
	assert_int_equal(stored_reports(f), 2);
	struct db_storage storage;
	assert_int_equal(db_storage_state(f->db, &storage), 0);
	assert_true(storage.ok);
}

int main(void)
{
	int failed = 0;
	assert_int_equal(crypt_init(), 0);
	const struct CMUnitTest once[] = {cmocka_unit_test(test_urls)};
	failed += cmocka_run_group_tests_name("db urls", once, NULL, NULL);
	for (size_t b = 0; b < sizeof backends / sizeof *backends; b++) {
		struct fixture *f = &fixture_for[b];
		if (strcmp(backends[b].name, "postgresql") == 0 && !pg_base_url()) {
			const char *wanted = getenv("MELDWIJZER_TEST_PG");
			if (wanted && strcmp(wanted, "required") == 0) {
				fprintf(stderr, "[  FAILED  ] 1 test(s), listed below:\n[  FAILED  ] postgresql: no MELDWIJZER_TEST_PG URL\n");
				failed++;
			} else {
				printf("postgresql: left out (set MELDWIJZER_TEST_PG=postgresql://..., see scripts/pg-test-cluster)\n");
			}
			continue;
		}
		f->backend = &backends[b];
#define CONTRACT(test) cmocka_unit_test_prestate_setup_teardown(test, setup, teardown, f)
		const struct CMUnitTest contract[] = {
			CONTRACT(test_initialise_and_team),
			CONTRACT(test_reports_round_trip),
			CONTRACT(test_list_is_newest_first_in_pages),
			CONTRACT(test_messages),
			CONTRACT(test_answer_is_one_transaction),
			CONTRACT(test_group_commit_forms_a_batch),
			CONTRACT(test_failed_insert_fails_alone_in_its_batch),
			CONTRACT(test_a_submission_key_is_used_once),
			CONTRACT(test_failed_commit_fails_the_whole_batch),
			CONTRACT(test_reads_do_not_wait_for_a_commit),
			CONTRACT(test_remove_only_what_was_made),
			CONTRACT(test_two_handles_share_one_database),
			CONTRACT(test_lost_connections_come_back),
		};
#undef CONTRACT
		failed += cmocka_run_group_tests_name(backends[b].name, contract, NULL, NULL);
	}
	return failed;
}
