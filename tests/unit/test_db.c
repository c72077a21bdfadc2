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
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "crypt.h"
#include "db.h"
#include "db_sqlite.h"

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
	/* runs `sql` on the database behind the test's URL, past db.h (as another
	 * program could): 0 when the database did it, -1 when it refused */
	int (*raw_sql)(const char *url, const char *sql);
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

static int raw_sql_sqlite(const char *url, const char *sql)
{
	sqlite3 *connection = NULL;
	int status = -1;
	if (sqlite3_open_v2(url + strlen("sqlite:"), &connection, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
	    sqlite3_exec(connection, sql, NULL, NULL, NULL) == SQLITE_OK)
		status = 0;
	sqlite3_close(connection);
	return status;
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

/* The test's URL holds the schema (search_path), so its own connection works there. */
static int raw_sql_pg(const char *url, const char *sql)
{
	PGconn *conn = PQconnectdb(url);
	int status = -1;
	if (PQstatus(conn) == CONNECTION_OK) {
		PGresult *result = PQexec(conn, sql);
		status = PQresultStatus(result) == PGRES_COMMAND_OK ? 0 : -1;
		PQclear(result);
	}
	PQfinish(conn);
	return status;
}

static const struct backend backends[] = {
	{"sqlite", make_sqlite, remove_sqlite, NULL, raw_sql_sqlite},
	{"postgresql", make_pg, remove_pg, break_pg_connections, raw_sql_pg},
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

/* The team every inserted report is sealed to (db_seal_batch). */
static struct crypt_team batch_team;
static unsigned char batch_team_secret[CRYPT_KEY_BYTES];

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
	/* sealed by the commit (seal_batch in db.c) */
	static unsigned char report_key[CRYPT_KEY_BYTES] = {7};
	row->key_to_seal = report_key;
	row->team_public = batch_team.public_key;
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
	/* a row whose key would not be sealed to the team is refused: the team could never open it */
	make_row(&row, 8, "2026-11-28");
	row.key_to_seal = NULL;
	assert_int_equal(db_insert_report(f->db, &row), -1);
	make_row(&row, 8, "2026-11-28");
	row.team_public = NULL;
	assert_int_equal(db_insert_report(f->db, &row), -1);
	assert_int_equal(db_get_report(f->db, row.ref, &read), 1);
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
	unsigned char key[CRYPT_KEY_BYTES]; /* the report key its commit seals to batch_team */
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
		crypt_random(inserters[i].key, CRYPT_KEY_BYTES);
		inserters[i].row.key_to_seal = inserters[i].key;
		inserters[i].row.team_public = batch_team.public_key;
		if (i == 2) /* a call the team took: sealed alone, since its time is in the audit log */
			snprintf(inserters[i].row.source, sizeof inserters[i].row.source, "phone");
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
	/* each report's key was sealed by its commit: it opens with the team
	 * secret and its own ref; the online reports of the second commit share
	 * one ephemeral key; the held report and the call (2) had one of their own */
	unsigned char first_ephemeral[CRYPT_KEY_BYTES], opened[CRYPT_KEY_BYTES];
	for (unsigned i = 0; i < REPORTS; i++) {
		struct db_report row;
		assert_int_equal(db_get_report(f->db, inserters[i].row.ref, &row), 0);
		assert_memory_equal(row.key_for_team, inserters[i].row.key_for_team, CRYPT_SEALED_KEY_BYTES);
		assert_int_equal(crypt_open_sealed(batch_team.public_key, batch_team_secret, row.key_for_team, row.ref,
						   opened),
				 0);
		assert_memory_equal(opened, inserters[i].key, CRYPT_KEY_BYTES);
		assert_int_equal(crypt_open_sealed(batch_team.public_key, batch_team_secret, row.key_for_team,
						   inserters[(i + 1) % REPORTS].row.ref, opened),
				 -1);
		if (i == 1)
			memcpy(first_ephemeral, row.key_for_team, CRYPT_KEY_BYTES);
		else if (i > 2)
			assert_memory_equal(row.key_for_team, first_ephemeral, CRYPT_KEY_BYTES);
		else
			assert_memory_not_equal(row.key_for_team, inserters[1].row.key_for_team, CRYPT_KEY_BYTES);
		db_report_release(&row);
	}
}

/* Commit latency: a commit held (as a slow flush would hold it) is counted in
 * the bucket of its time, never in a faster one; every commit is in one
 * bucket, and the sum holds the held time. */
static void test_commit_latency_is_measured(void **state)
{
	struct fixture *f = *state;
	enum { HOLD_MS = 60 };
	struct db_stats before, after;
	db_get_stats(f->db, &before);
	uint64_t counted = 0;
	for (size_t b = 0; b <= DB_COMMIT_BUCKETS; b++)
		counted += before.commit_buckets[b];
	assert_int_equal(counted, before.commits); /* the schema's commits are in it too */
	static struct inserter inserter;
	pthread_t thread;
	inserter.db = f->db;
	make_row(&inserter.row, 1, "2026-11-28");
	pthread_mutex_lock(&gate.lock);
	gate.hold = true;
	pthread_mutex_unlock(&gate.lock);
	assert_int_equal(pthread_create(&thread, NULL, insert_in_thread, &inserter), 0);
	gate_wait_until_holding();
	nanosleep(&(struct timespec){0, HOLD_MS * 1000000L}, NULL);
	gate_release();
	pthread_join(thread, NULL);
	assert_int_equal(inserter.status, 0);
	db_get_stats(f->db, &after);
	assert_int_equal(after.commits - before.commits, 1);
	uint64_t faster = 0, total = 0;
	for (size_t b = 0; b <= DB_COMMIT_BUCKETS; b++) {
		assert_true(after.commit_buckets[b] >= before.commit_buckets[b]);
		total += after.commit_buckets[b] - before.commit_buckets[b];
		if (b < DB_COMMIT_BUCKETS && db_commit_bounds[b] < HOLD_MS / 1000.0)
			faster += after.commit_buckets[b] - before.commit_buckets[b];
	}
	assert_int_equal(total, 1);
	assert_int_equal(faster, 0);
	assert_true(after.commit_us_sum - before.commit_us_sum >= HOLD_MS * 1000);
	for (size_t b = 1; b < DB_COMMIT_BUCKETS; b++)
		assert_true(db_commit_bounds[b] > db_commit_bounds[b - 1]);
}

/* A report that cannot be stored fails alone, in a batch that is known to
 * have formed; the others in the same transaction are stored, each with its
 * case, and the call the team took (2) with its source. */
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
	/* a failed INSERT left nothing behind: a case (and a count) for each
	 * stored report, none for the refused ones */
	struct db_case_counts counts;
	assert_int_equal(db_case_counts(f->db, &counts), 0);
	assert_int_equal(counts.new_count, REPORTS - 3);
	for (unsigned i = 0; i < REPORTS; i++) {
		struct db_case one;
		assert_int_equal(db_case_get(f->db, inserters[i].row.ref, &one), 0);
		assert_string_equal(one.source, i == 2 ? "phone" : "online");
	}
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

/* ---------- staff accounts, staff sessions, audit log (issue 14) ---------- */

static void make_account(struct db_staff_account *a, const char *name, const char *state, unsigned char fill)
{
	memset(a, 0, sizeof *a);
	snprintf(a->name, sizeof a->name, "%s", name);
	snprintf(a->state, sizeof a->state, "%s", state);
	a->roles = 3;
	a->created_at = 1800000000;
	a->activation_expires = 1800259200;
	memset(a->salt, fill, sizeof a->salt);
	a->kdf_opslimit = 3;
	a->kdf_memlimit = 67108864;
	memset(a->verifier, fill + 1, sizeof a->verifier);
	a->has_team_secret = true;
	memset(a->team_secret, fill + 2, sizeof a->team_secret);
}

static void assert_same_account(const struct db_staff_account *read, const struct db_staff_account *written)
{
	assert_int_equal(read->id, written->id);
	assert_string_equal(read->name, written->name);
	assert_int_equal(read->roles, written->roles);
	assert_string_equal(read->state, written->state);
	assert_int_equal(read->created_at, written->created_at);
	assert_int_equal(read->activation_expires, written->activation_expires);
	assert_memory_equal(read->salt, written->salt, CRYPT_SALT_BYTES);
	assert_int_equal(read->kdf_opslimit, written->kdf_opslimit);
	assert_int_equal(read->kdf_memlimit, written->kdf_memlimit);
	assert_memory_equal(read->verifier, written->verifier, CRYPT_KEY_BYTES);
	assert_int_equal(read->has_team_secret, written->has_team_secret);
	if (written->has_team_secret)
		assert_memory_equal(read->team_secret, written->team_secret, CRYPT_WRAPPED_KEY_BYTES);
	assert_int_equal(read->has_totp, written->has_totp);
	if (written->has_totp)
		assert_memory_equal(read->totp, written->totp, DB_STAFF_TOTP_WRAPPED_BYTES);
}

struct account_list {
	struct db *db;
	char names[4][DB_STAFF_NAME_SIZE];
	unsigned count;
	bool inner_calls_ok;
};

static void collect_account(void *ctx, const struct db_staff_account *account)
{
	struct account_list *list = ctx;
	struct db_staff_account again;
	if (list->count < 4)
		snprintf(list->names[list->count], sizeof list->names[0], "%s", account->name);
	list->count++;
	/* the callback may use the db (no lock held) */
	list->inner_calls_ok = list->inner_calls_ok && db_staff_get_by_id(list->db, account->id, &again) == 0;
}

/* Insert, get and update; an update from a revision that is no longer the
 * account's is refused and changes nothing. */
static void test_staff_accounts(void **state)
{
	struct fixture *f = *state;
	struct db_staff_account bea, ali, taken, read;
	make_account(&bea, "bea", "pending", 0x10);
	make_account(&ali, "ali", "pending", 0x20);
	ali.has_team_secret = false; /* an analyst: no team secret */
	assert_int_equal(db_staff_insert(f->db, &bea), 0);
	assert_true(bea.id > 0);
	assert_int_equal(bea.revision, 1);
	assert_int_equal(db_staff_insert(f->db, &ali), 0);
	assert_true(ali.id != bea.id);
	make_account(&taken, "bea", "pending", 0x30);
	assert_int_equal(db_staff_insert(f->db, &taken), 1); /* the name is taken */

	assert_int_equal(db_staff_get(f->db, "bea", &read), 0);
	assert_same_account(&read, &bea);
	assert_int_equal(read.revision, 1);
	assert_int_equal(read.totp_last_step, 0);
	assert_int_equal(db_staff_get_by_id(f->db, ali.id, &read), 0);
	assert_same_account(&read, &ali);
	assert_int_equal(db_staff_get(f->db, "nobody", &read), 1);
	assert_int_equal(db_staff_get_by_id(f->db, bea.id + ali.id + 100, &read), 1);

	/* activation: rewrapped under the password, a TOTP secret, "active" */
	struct db_staff_account activated = bea;
	snprintf(activated.state, sizeof activated.state, "active");
	memset(activated.salt, 0x41, sizeof activated.salt);
	memset(activated.verifier, 0x42, sizeof activated.verifier);
	memset(activated.team_secret, 0x43, sizeof activated.team_secret);
	activated.has_totp = true;
	memset(activated.totp, 0x44, sizeof activated.totp);
	activated.roles = 5;
	activated.activation_expires = 0;
	activated.kdf_opslimit = 4;
	assert_int_equal(db_staff_use_totp_step(f->db, bea.id, 77), 0);
	assert_int_equal(db_staff_update(f->db, &activated), 0);
	assert_int_equal(db_staff_get(f->db, "bea", &read), 0);
	assert_same_account(&read, &activated);
	assert_int_equal(read.revision, 2);
	assert_int_equal(read.totp_last_step, 77); /* not the update's to change */

	/* a second writer from the revision read before: refused, nothing written */
	struct db_staff_account stale = bea;
	snprintf(stale.state, sizeof stale.state, "disabled");
	stale.has_team_secret = false;
	assert_int_equal(db_staff_update(f->db, &stale), 1);
	assert_int_equal(db_staff_get(f->db, "bea", &read), 0);
	assert_same_account(&read, &activated);
	assert_int_equal(read.revision, 2);
	/* from the revision now stored it goes through, and optional fields become empty */
	stale.revision = 2;
	stale.has_totp = false;
	assert_int_equal(db_staff_update(f->db, &stale), 0);
	assert_int_equal(db_staff_get(f->db, "bea", &read), 0);
	assert_same_account(&read, &stale);
	assert_int_equal(read.revision, 3);
	/* an account that is not there */
	struct db_staff_account gone = ali;
	gone.id = bea.id + ali.id + 100;
	assert_int_equal(db_staff_update(f->db, &gone), 1);

	/* the list is by name, and its callback may use the db */
	struct account_list list = {.db = f->db, .inner_calls_ok = true};
	assert_int_equal(db_staff_list(f->db, collect_account, &list), 0);
	assert_int_equal(list.count, 2);
	assert_string_equal(list.names[0], "ali");
	assert_string_equal(list.names[1], "bea");
	assert_true(list.inner_calls_ok);
}

static void make_session(struct db_staff_session *session, int64_t account_id, unsigned char fill, bool with_secret)
{
	memset(session, 0, sizeof *session);
	memset(session->lookup, fill, sizeof session->lookup);
	session->account_id = account_id;
	session->created_at = 1800000000;
	session->last_seen = 1800000100;
	session->has_team_secret = with_secret;
	if (with_secret)
		memset(session->team_secret, fill + 1, sizeof session->team_secret);
}

static void test_staff_sessions(void **state)
{
	struct fixture *f = *state;
	struct db_staff_account account;
	struct db_staff_session with_secret, without, read;
	make_account(&account, "cas", "active", 0x50);
	assert_int_equal(db_staff_insert(f->db, &account), 0);
	make_session(&with_secret, account.id, 0x61, true);
	make_session(&without, account.id, 0x71, false);
	assert_int_equal(db_staff_session_insert(f->db, &with_secret), 0);
	assert_int_equal(db_staff_session_insert(f->db, &without), 0);
	assert_int_equal(db_staff_session_insert(f->db, &with_secret), -1); /* a lookup already used */

	assert_int_equal(db_staff_session_get(f->db, with_secret.lookup, &read), 0);
	assert_memory_equal(read.lookup, with_secret.lookup, CRYPT_KEY_BYTES);
	assert_int_equal(read.account_id, account.id);
	assert_int_equal(read.created_at, 1800000000);
	assert_int_equal(read.last_seen, 1800000100);
	assert_true(read.has_team_secret);
	assert_memory_equal(read.team_secret, with_secret.team_secret, CRYPT_WRAPPED_KEY_BYTES);
	assert_int_equal(db_staff_session_get(f->db, without.lookup, &read), 0);
	assert_false(read.has_team_secret);

	/* touch: later moves last_seen on, earlier never moves it back */
	assert_int_equal(db_staff_session_touch(f->db, with_secret.lookup, 1800000500), 0);
	assert_int_equal(db_staff_session_get(f->db, with_secret.lookup, &read), 0);
	assert_int_equal(read.last_seen, 1800000500);
	assert_int_equal(db_staff_session_touch(f->db, with_secret.lookup, 1800000200), 0);
	assert_int_equal(db_staff_session_get(f->db, with_secret.lookup, &read), 0);
	assert_int_equal(read.last_seen, 1800000500);
	unsigned char unknown[CRYPT_KEY_BYTES];
	memset(unknown, 0x99, sizeof unknown);
	assert_int_equal(db_staff_session_touch(f->db, unknown, 1800000600), 1);
	assert_int_equal(db_staff_session_get(f->db, unknown, &read), 1);

	/* delete (logout): gone; deleting again is no error; the other stays */
	assert_int_equal(db_staff_session_delete(f->db, with_secret.lookup), 0);
	assert_int_equal(db_staff_session_get(f->db, with_secret.lookup, &read), 1);
	assert_int_equal(db_staff_session_delete(f->db, with_secret.lookup), 0);
	assert_int_equal(db_staff_session_get(f->db, without.lookup, &read), 0);
}

/* Disabling (or any state but "active") removes the account's sessions in the
 * same transaction as the change, on every handle at once; a refused update
 * removes nothing; other accounts' sessions stay. */
static void test_disabling_removes_sessions(void **state)
{
	struct fixture *f = *state;
	char error[DB_ERROR_SIZE];
	struct db *other = NULL;
	struct db_staff_account dee, eva, read;
	struct db_staff_session d1, d2, e1, session;
	make_account(&dee, "dee", "active", 0x11);
	make_account(&eva, "eva", "active", 0x21);
	assert_int_equal(db_staff_insert(f->db, &dee), 0);
	assert_int_equal(db_staff_insert(f->db, &eva), 0);
	make_session(&d1, dee.id, 0x31, true);
	make_session(&d2, dee.id, 0x41, false);
	make_session(&e1, eva.id, 0x51, true);
	assert_int_equal(db_staff_session_insert(f->db, &d1), 0);
	assert_int_equal(db_staff_session_insert(f->db, &d2), 0);
	assert_int_equal(db_staff_session_insert(f->db, &e1), 0);

	/* an update that stays "active" (a role change) keeps the sessions */
	struct db_staff_account changed = dee;
	changed.roles = 1;
	assert_int_equal(db_staff_update(f->db, &changed), 0);
	assert_int_equal(db_staff_session_get(f->db, d1.lookup, &session), 0);

	/* a stale disable is refused whole: the sessions stay too */
	struct db_staff_account disabled = dee; /* revision 1: stale now */
	snprintf(disabled.state, sizeof disabled.state, "disabled");
	assert_int_equal(db_staff_update(f->db, &disabled), 1);
	assert_int_equal(db_staff_session_get(f->db, d1.lookup, &session), 0);
	assert_int_equal(db_staff_session_get(f->db, d2.lookup, &session), 0);

	/* disabled on a second server: this one finds no session at its next request */
	assert_int_equal(db_open(&other, f->url, false, error), 0);
	assert_int_equal(db_staff_get(other, "dee", &read), 0);
	snprintf(read.state, sizeof read.state, "disabled");
	assert_int_equal(db_staff_update(other, &read), 0);
	assert_int_equal(db_staff_session_get(f->db, d1.lookup, &session), 1);
	assert_int_equal(db_staff_session_get(f->db, d2.lookup, &session), 1);
	assert_int_equal(db_staff_session_get(f->db, e1.lookup, &session), 0);

	/* a reset to "pending" (reset-2fa) ends sessions as well */
	struct db_staff_session e2;
	make_session(&e2, eva.id, 0x61, true);
	assert_int_equal(db_staff_session_insert(other, &e2), 0);
	assert_int_equal(db_staff_get(f->db, "eva", &read), 0);
	snprintf(read.state, sizeof read.state, "pending");
	assert_int_equal(db_staff_update(f->db, &read), 0);
	assert_int_equal(db_staff_session_get(other, e1.lookup, &session), 1);
	assert_int_equal(db_staff_session_get(other, e2.lookup, &session), 1);
	db_close(other);
}

struct totp_racer {
	struct db *db;
	int64_t id, step;
	pthread_mutex_t *start_lock;
	pthread_cond_t *start;
	bool *go;
	int status;
};

static void *use_step_in_thread(void *arg)
{
	struct totp_racer *racer = arg;
	pthread_mutex_lock(racer->start_lock);
	while (!*racer->go)
		pthread_cond_wait(racer->start, racer->start_lock);
	pthread_mutex_unlock(racer->start_lock);
	racer->status = db_staff_use_totp_step(racer->db, racer->id, racer->step);
	return NULL;
}

/* The replay guard: a TOTP step is accepted once, also when the second use
 * comes through another handle (another server), also when many try it at
 * the same moment. */
static void test_totp_step_is_used_once(void **state)
{
	struct fixture *f = *state;
	char error[DB_ERROR_SIZE];
	struct db *other = NULL;
	struct db_staff_account account, read;
	make_account(&account, "fay", "active", 0x13);
	assert_int_equal(db_staff_insert(f->db, &account), 0);
	assert_int_equal(db_open(&other, f->url, false, error), 0);

	assert_int_equal(db_staff_use_totp_step(f->db, account.id, 100), 0);
	assert_int_equal(db_staff_use_totp_step(f->db, account.id, 100), 1); /* a replay */
	assert_int_equal(db_staff_use_totp_step(other, account.id, 100), 1); /* also on another server */
	assert_int_equal(db_staff_use_totp_step(other, account.id, 99), 1);  /* not later */
	assert_int_equal(db_staff_use_totp_step(other, account.id, 101), 0);
	assert_int_equal(db_staff_use_totp_step(f->db, account.id, 101), 1);
	assert_int_equal(db_staff_get_by_id(f->db, account.id, &read), 0);
	assert_int_equal(read.totp_last_step, 101);
	assert_int_equal(db_staff_use_totp_step(f->db, account.id + 1000, 500), 1); /* no such account */

	/* eight logins with the same code at once, half through each handle: one wins */
	enum { RACERS = 8 };
	pthread_mutex_t start_lock = PTHREAD_MUTEX_INITIALIZER;
	pthread_cond_t start = PTHREAD_COND_INITIALIZER;
	bool go = false;
	struct totp_racer racers[RACERS];
	pthread_t threads[RACERS];
	for (unsigned i = 0; i < RACERS; i++) {
		racers[i] = (struct totp_racer){.db = i % 2 ? other : f->db, .id = account.id, .step = 200,
						.start_lock = &start_lock, .start = &start, .go = &go, .status = -2};
		assert_int_equal(pthread_create(&threads[i], NULL, use_step_in_thread, &racers[i]), 0);
	}
	pthread_mutex_lock(&start_lock);
	go = true;
	pthread_cond_broadcast(&start);
	pthread_mutex_unlock(&start_lock);
	unsigned accepted = 0;
	for (unsigned i = 0; i < RACERS; i++) {
		pthread_join(threads[i], NULL);
		assert_true(racers[i].status == 0 || racers[i].status == 1);
		accepted += racers[i].status == 0;
	}
	assert_int_equal(accepted, 1);
	assert_int_equal(db_staff_get_by_id(other, account.id, &read), 0);
	assert_int_equal(read.totp_last_step, 200);
	db_close(other);
}

static void make_entry(struct db_audit_entry *entry, int64_t seq, const unsigned char previous[CRYPT_HASH_BYTES],
		       const char *account, unsigned number)
{
	memset(entry, 0, sizeof *entry);
	entry->seq = seq;
	entry->at = 1800000000 + seq;
	snprintf(entry->account, sizeof entry->account, "%s", account);
	snprintf(entry->action, sizeof entry->action, "login");
	snprintf(entry->object, sizeof entry->object, "number %u", number);
	if (previous)
		memcpy(entry->previous, previous, CRYPT_HASH_BYTES);
	crypt_random(entry->hash, sizeof entry->hash);
}

struct audit_reading {
	struct db *db;
	int64_t count, expected_seq;
	bool in_order, chained, inner_calls_ok;
	unsigned char last_hash[CRYPT_HASH_BYTES];
	int64_t stop_after; /* 0: read all */
	unsigned per_writer[4];
};

static int read_entry(void *ctx, const struct db_audit_entry *entry)
{
	struct audit_reading *reading = ctx;
	struct db_audit_entry last;
	reading->in_order = reading->in_order && entry->seq == reading->expected_seq;
	reading->chained = reading->chained && memcmp(entry->previous, reading->last_hash, CRYPT_HASH_BYTES) == 0;
	memcpy(reading->last_hash, entry->hash, CRYPT_HASH_BYTES);
	reading->expected_seq++;
	reading->count++;
	if (strncmp(entry->account, "writer-", 7) == 0 && entry->account[7] >= '0' && entry->account[7] <= '3')
		reading->per_writer[entry->account[7] - '0']++;
	if (reading->count % 100 == 1) /* the callback may use the db */
		reading->inner_calls_ok = reading->inner_calls_ok && db_audit_last(reading->db, &last) == 0;
	return reading->stop_after && reading->count >= reading->stop_after;
}

/* Append, last, list (in pages, stoppable); a number taken is 1; the log
 * refuses UPDATE, DELETE (and TRUNCATE where there is one) from any program. */
static void test_audit_log(void **state)
{
	struct fixture *f = *state;
	enum { ENTRIES = 133 }; /* more than one page: backends read 128 at a time (db_backend.h) */
	struct db_audit_entry entry, last;
	struct audit_reading reading = {.db = f->db, .expected_seq = 1, .in_order = true, .chained = true,
					.inner_calls_ok = true};
	assert_int_equal(db_audit_last(f->db, &last), 1); /* empty */
	assert_int_equal(db_audit_list(f->db, read_entry, &reading), 0);
	assert_int_equal(reading.count, 0);

	unsigned char previous[CRYPT_HASH_BYTES] = {0};
	for (unsigned i = 1; i <= ENTRIES; i++) {
		make_entry(&entry, i, previous, "gus", i);
		assert_int_equal(db_audit_append(f->db, &entry), 0);
		memcpy(previous, entry.hash, CRYPT_HASH_BYTES);
	}
	struct db_audit_entry again;
	make_entry(&again, ENTRIES, previous, "gus", 0);
	assert_int_equal(db_audit_append(f->db, &again), 1); /* taken: chain again */
	make_entry(&again, 3, previous, "gus", 0);
	assert_int_equal(db_audit_append(f->db, &again), 1);

	assert_int_equal(db_audit_last(f->db, &last), 0);
	assert_int_equal(last.seq, ENTRIES);
	assert_int_equal(last.at, 1800000000 + ENTRIES);
	assert_string_equal(last.account, "gus");
	assert_string_equal(last.action, "login");
	assert_string_equal(last.object, "number 133");
	assert_memory_equal(last.hash, entry.hash, CRYPT_HASH_BYTES);
	assert_memory_equal(last.previous, entry.previous, CRYPT_HASH_BYTES);

	assert_int_equal(db_audit_list(f->db, read_entry, &reading), 0);
	assert_int_equal(reading.count, ENTRIES);
	assert_true(reading.in_order);
	assert_true(reading.chained);
	assert_true(reading.inner_calls_ok);
	struct audit_reading stopped = {.db = f->db, .expected_seq = 1, .in_order = true, .chained = true,
					.inner_calls_ok = true, .stop_after = 10};
	assert_int_equal(db_audit_list(f->db, read_entry, &stopped), 0);
	assert_int_equal(stopped.count, 10);

	/* append-only, past db.h too */
	assert_int_equal(f->backend->raw_sql(f->url, "UPDATE audit_log SET action = 'nothing' WHERE seq = 2"), -1);
	assert_int_equal(f->backend->raw_sql(f->url, "DELETE FROM audit_log WHERE seq = 2"), -1);
	assert_int_equal(f->backend->raw_sql(f->url, "DELETE FROM audit_log"), -1);
	if (strcmp(f->backend->name, "postgresql") == 0)
		assert_int_equal(f->backend->raw_sql(f->url, "TRUNCATE audit_log"), -1);
	/* (the same path writes where nothing forbids it: the refusals above are the rule's) */
	assert_int_equal(f->backend->raw_sql(f->url, "UPDATE staff_accounts SET roles = 0 WHERE id = -1"), 0);
	struct audit_reading after = {.db = f->db, .expected_seq = 1, .in_order = true, .chained = true,
				      .inner_calls_ok = true};
	assert_int_equal(db_audit_list(f->db, read_entry, &after), 0);
	assert_int_equal(after.count, ENTRIES);
	assert_true(after.chained);
}

enum { AUDIT_WRITERS = 4, AUDIT_APPENDS = 25 };

struct audit_writer {
	struct db *db;
	unsigned number;
	unsigned retries;
	int status;
};

/* What audit.c does: read the last entry, chain onto it, and when another
 * writer took the number, read again. */
static void *append_in_thread(void *arg)
{
	struct audit_writer *writer = arg;
	char account[16];
	snprintf(account, sizeof account, "writer-%u", writer->number);
	writer->status = 0;
	for (unsigned i = 0; i < AUDIT_APPENDS && writer->status == 0; i++) {
		for (;;) {
			struct db_audit_entry last, entry;
			int found = db_audit_last(writer->db, &last);
			if (found < 0) {
				writer->status = -1;
				break;
			}
			make_entry(&entry, found == 0 ? last.seq + 1 : 1, found == 0 ? last.hash : NULL, account, i);
			int appended = db_audit_append(writer->db, &entry);
			if (appended == 0)
				break;
			if (appended != 1) {
				writer->status = -1;
				break;
			}
			writer->retries++;
		}
	}
	return NULL;
}

/* Two servers (two handles), two writers on each, appending at once: one
 * chain, numbers 1..N without gaps or doubles, every entry there. */
static void test_two_handles_append_one_chain(void **state)
{
	struct fixture *f = *state;
	char error[DB_ERROR_SIZE];
	struct db *other = NULL;
	assert_int_equal(db_open(&other, f->url, false, error), 0);
	struct audit_writer writers[AUDIT_WRITERS];
	pthread_t threads[AUDIT_WRITERS];
	for (unsigned i = 0; i < AUDIT_WRITERS; i++) {
		writers[i] = (struct audit_writer){.db = i % 2 ? other : f->db, .number = i, .status = -2};
		assert_int_equal(pthread_create(&threads[i], NULL, append_in_thread, &writers[i]), 0);
	}
	unsigned retries = 0;
	for (unsigned i = 0; i < AUDIT_WRITERS; i++) {
		pthread_join(threads[i], NULL);
		assert_int_equal(writers[i].status, 0);
		retries += writers[i].retries;
	}
	struct audit_reading reading = {.db = other, .expected_seq = 1, .in_order = true, .chained = true,
					.inner_calls_ok = true};
	assert_int_equal(db_audit_list(other, read_entry, &reading), 0);
	assert_int_equal(reading.count, AUDIT_WRITERS * AUDIT_APPENDS);
	assert_true(reading.in_order); /* 1, 2, 3 ... : no gap, no double */
	assert_true(reading.chained);
	for (unsigned i = 0; i < AUDIT_WRITERS; i++)
		assert_int_equal(reading.per_writer[i], AUDIT_APPENDS);
	print_message("audit: %u appends chained again after losing a race\n", retries);
	db_close(other);
}

/* One object's entries, in order, across more than a page; other objects' entries left out. */
struct object_reading {
	int64_t count, last_seq;
	bool in_order, only_that_object;
	const char *object;
};

static int read_object_entry(void *ctx, const struct db_audit_entry *entry)
{
	struct object_reading *reading = ctx;
	reading->in_order = reading->in_order && entry->seq > reading->last_seq;
	reading->only_that_object = reading->only_that_object && strcmp(entry->object, reading->object) == 0;
	reading->last_seq = entry->seq;
	reading->count++;
	return 0;
}

static void test_audit_by_object(void **state)
{
	struct fixture *f = *state;
	enum { ENTRIES = 300 }; /* every third is object "number 0": 100 of them, a page and a bit */
	struct db_audit_entry entry;
	unsigned char previous[CRYPT_HASH_BYTES] = {0};
	for (unsigned i = 1; i <= ENTRIES; i++) {
		make_entry(&entry, i, previous, "gus", i % 3 == 0 ? 0 : i);
		assert_int_equal(db_audit_append(f->db, &entry), 0);
		memcpy(previous, entry.hash, CRYPT_HASH_BYTES);
	}
	struct object_reading reading = {.in_order = true, .only_that_object = true, .object = "number 0"};
	assert_int_equal(db_audit_list_object(f->db, "number 0", read_object_entry, &reading), 0);
	assert_int_equal(reading.count, ENTRIES / 3);
	assert_true(reading.in_order);
	assert_true(reading.only_that_object);
	struct object_reading one = {.in_order = true, .only_that_object = true, .object = "number 7"};
	assert_int_equal(db_audit_list_object(f->db, "number 7", read_object_entry, &one), 0);
	assert_int_equal(one.count, 1);
	struct object_reading none = {.in_order = true, .only_that_object = true, .object = "nobody"};
	assert_int_equal(db_audit_list_object(f->db, "nobody", read_object_entry, &none), 0);
	assert_int_equal(none.count, 0);
}

/* A call the team took is a phone case from the first commit on; the rest stay online. */
static void test_report_source(void **state)
{
	struct fixture *f = *state;
	struct db_report online, phone;
	struct db_case row;
	make_row(&online, 41, "2026-11-28");
	make_row(&phone, 42, "2026-11-28");
	snprintf(phone.source, sizeof phone.source, "phone");
	assert_int_equal(db_insert_report(f->db, &online), 0);
	assert_int_equal(db_insert_report(f->db, &phone), 0);
	assert_int_equal(db_case_get(f->db, online.ref, &row), 0);
	assert_string_equal(row.source, "online");
	assert_int_equal(db_case_get(f->db, phone.ref, &row), 0);
	assert_string_equal(row.source, "phone");
	/* a source the schema does not know fails that report alone */
	struct db_report odd;
	make_row(&odd, 43, "2026-11-28");
	snprintf(odd.source, sizeof odd.source, "fax");
	assert_int_equal(db_insert_report(f->db, &odd), -1);
	assert_int_equal(db_case_get(f->db, odd.ref, &row), 1);
	struct db_report read;
	assert_int_equal(db_get_report(f->db, odd.ref, &read), 1);
}

/* What the reporter has been shown only grows, and each visit learns what came before it. */
static void test_reporter_seen(void **state)
{
	struct fixture *f = *state;
	struct db_report report;
	unsigned previous = 99;
	make_row(&report, 51, "2026-11-28");
	assert_int_equal(db_insert_report(f->db, &report), 0);
	assert_int_equal(db_case_reporter_seen(f->db, report.ref, 0, &previous), 0);
	assert_int_equal(previous, 0);
	assert_int_equal(db_case_reporter_seen(f->db, report.ref, 3, &previous), 0);
	assert_int_equal(previous, 0);
	assert_int_equal(db_case_reporter_seen(f->db, report.ref, 3, &previous), 0);
	assert_int_equal(previous, 3);
	assert_int_equal(db_case_reporter_seen(f->db, report.ref, 2, &previous), 0); /* never lowered */
	assert_int_equal(previous, 3);
	assert_int_equal(db_case_reporter_seen(f->db, report.ref, 5, &previous), 0);
	assert_int_equal(previous, 3);
	assert_int_equal(db_case_reporter_seen(f->db, report.ref, 5, &previous), 0);
	assert_int_equal(previous, 5);
	assert_int_equal(db_case_reporter_seen(f->db, "00000000000000000000000000000999", 1, &previous), 1);
	/* it goes with the case: the same ref stored again starts from nothing */
	assert_int_equal(db_case_destroy(f->db, report.ref, "withdrawn", NULL), 0);
	assert_int_equal(db_case_reporter_seen(f->db, report.ref, 1, &previous), 1);
	assert_int_equal(db_insert_report(f->db, &report), 0);
	assert_int_equal(db_case_reporter_seen(f->db, report.ref, 1, &previous), 0);
	assert_int_equal(previous, 0);
}

/* ---------- case work (issue 15) ---------- */

/* A report with its own day, kind and forms (the case row is made from them). */
static void insert_case(struct fixture *f, unsigned number, const char *day, const char *kind, const char *forms)
{
	struct db_report row;
	make_row(&row, number, day);
	snprintf(row.kind, sizeof row.kind, "%s", kind);
	snprintf(row.forms, sizeof row.forms, "%s", forms);
	assert_int_equal(db_insert_report(f->db, &row), 0);
}

static const char *ref_of(unsigned number)
{
	static char refs[4][DB_REF_SIZE];
	static unsigned next;
	char *ref = refs[next++ % 4];
	snprintf(ref, DB_REF_SIZE, "%032u", number);
	return ref;
}

static struct db_new_message message_on(unsigned seq, const char *sender, const char *day)
{
	struct db_new_message m = message(seq, sender);
	m.day = day;
	return m;
}

/* The schema keeps the case row in step: made with the report, the first
 * answer's deadline in days, then feedback in calendar months (the end of a
 * shorter month, never the next month), the reporter waiting after writing,
 * the settings for rows made later. */
static void test_case_rows_follow_reports(void **state)
{
	struct fixture *f = *state;
	struct db_case row;
	insert_case(f, 1, "2025-11-30", "report", "labour,sexual");
	assert_int_equal(db_case_get(f->db, ref_of(1), &row), 0);
	assert_string_equal(row.ref, ref_of(1));
	assert_string_equal(row.kind, "report");
	assert_string_equal(row.status, "new");
	assert_string_equal(row.created_day, "2025-11-30");
	assert_int_equal(row.form_bits, 1 | 2);
	assert_string_equal(row.source, "online");
	assert_int_equal(row.assigned_to, 0);
	assert_string_equal(row.first_answer_day, "");
	assert_false(row.reporter_waiting);
	assert_string_equal(row.due_day, "2025-12-07");
	assert_string_equal(row.closed_day, "");
	assert_string_equal(row.destroy_day, "");
	assert_int_equal(db_case_get(f->db, ref_of(99), &row), 1);

	struct db_new_message first = message_on(1, "reporter", "2025-12-01"),
			      answer = message_on(2, "advice_point", "2025-12-03"),
			      again = message_on(3, "reporter", "2025-12-04");
	assert_int_equal(db_add_message(f->db, ref_of(1), &first, 10), 0);
	assert_int_equal(db_case_get(f->db, ref_of(1), &row), 0);
	assert_true(row.reporter_waiting);
	assert_string_equal(row.due_day, "2025-12-07");
	assert_int_equal(db_answer_report(f->db, ref_of(1), &answer, 10, "in_progress"), 0);
	assert_int_equal(db_case_get(f->db, ref_of(1), &row), 0);
	assert_false(row.reporter_waiting);
	assert_string_equal(row.status, "in_progress");
	assert_string_equal(row.first_answer_day, "2025-12-03");
	assert_string_equal(row.due_day, "2026-02-28"); /* 30 November + 3 months */
	assert_int_equal(db_add_message(f->db, ref_of(1), &again, 10), 0);
	assert_int_equal(db_case_get(f->db, ref_of(1), &row), 0);
	assert_true(row.reporter_waiting);

	/* a leap year, and settings for the rows made from now on */
	insert_case(f, 2, "2027-11-30", "consultation", "unknown");
	assert_int_equal(db_case_set_deadlines(f->db, 10, 1), 0);
	insert_case(f, 3, "2027-01-31", "report", "criminal");
	assert_int_equal(db_case_get(f->db, ref_of(2), &row), 0);
	assert_string_equal(row.due_day, "2027-12-07"); /* made before: 7 days */
	assert_int_equal(row.form_bits, 8);
	assert_int_equal(db_case_get(f->db, ref_of(3), &row), 0);
	assert_string_equal(row.due_day, "2027-02-10");
	assert_int_equal(row.form_bits, 4);
	struct db_new_message answer2 = message_on(1, "advice_point", "2027-12-01"),
			      answer3 = message_on(1, "advice_point", "2027-02-01");
	assert_int_equal(db_answer_report(f->db, ref_of(3), &answer3, 10, "in_progress"), 0);
	assert_int_equal(db_case_get(f->db, ref_of(3), &row), 0);
	assert_string_equal(row.due_day, "2027-02-28"); /* 31 January + 1 month */
	assert_int_equal(db_case_set_deadlines(f->db, 7, 3), 0);
	assert_int_equal(db_answer_report(f->db, ref_of(2), &answer2, 10, "in_progress"), 0);
	assert_int_equal(db_case_get(f->db, ref_of(2), &row), 0);
	assert_string_equal(row.due_day, "2028-02-29"); /* 30 November + 3 months, a leap year */
	/* the status written through reports reaches the case row */
	assert_int_equal(db_set_status(f->db, ref_of(2), "closed"), 0);
	assert_int_equal(db_case_get(f->db, ref_of(2), &row), 0);
	assert_string_equal(row.status, "closed");
}

/* One change: written whole, or (status changed meanwhile, a note's number
 * taken) not at all. */
static void test_case_change_is_one_transaction(void **state)
{
	struct fixture *f = *state;
	struct db_case row;
	insert_case(f, 1, "2026-11-28", "report", "labour");
	assert_int_equal(db_case_get(f->db, ref_of(1), &row), 0);
	row.assigned_to = 42;
	snprintf(row.status, sizeof row.status, "referred");
	snprintf(row.source, sizeof row.source, "phone");
	snprintf(row.due_day, sizeof row.due_day, DB_CASE_NO_DAY);
	static const unsigned char box[] = "note box one";
	struct db_case_note note = {.seq = 1, .kind = "note", .author = "carla", .at = 1000, .box = box, .box_len = sizeof box};
	struct db_referral referral = {.partner = "police", .day = "2026-11-29", .categories = 3, .consent = "given",
				       .author = "carla", .at = 1001};
	/* the status the caller decided from is no longer the case's: nothing changes */
	struct db_case_change change = {.ref = ref_of(1), .expected_status = "in_progress", .row = &row, .note = &note,
					.referral = &referral};
	assert_int_equal(db_case_change(f->db, &change), 1);
	change.ref = ref_of(9);
	change.expected_status = NULL;
	assert_int_equal(db_case_change(f->db, &change), 1); /* no such case */
	assert_int_equal(db_case_count_notes(f->db, ref_of(1)), 0);
	change = (struct db_case_change){.ref = ref_of(1), .expected_status = "new", .row = &row, .note = &note,
					 .referral = &referral};
	assert_int_equal(db_case_change(f->db, &change), 0);
	struct db_case read;
	assert_int_equal(db_case_get(f->db, ref_of(1), &read), 0);
	assert_string_equal(read.status, "referred");
	assert_string_equal(read.source, "phone");
	assert_int_equal(read.assigned_to, 42);
	assert_string_equal(read.due_day, DB_CASE_NO_DAY);
	assert_status(f, ref_of(1), "referred", 0); /* reports agree */
	/* the note's number is taken: neither the row nor the referral is written */
	struct db_case closed = read;
	snprintf(closed.status, sizeof closed.status, "closed");
	snprintf(closed.closed_day, sizeof closed.closed_day, "2026-12-01");
	snprintf(closed.closing_reason, sizeof closed.closing_reason, "advice_given");
	snprintf(closed.destroy_day, sizeof closed.destroy_day, "2027-12-01");
	closed.assigned_to = 0;
	change = (struct db_case_change){.ref = ref_of(1), .row = &closed, .note = &note, .referral = &referral};
	assert_int_equal(db_case_change(f->db, &change), 2);
	assert_int_equal(db_case_get(f->db, ref_of(1), &read), 0);
	assert_string_equal(read.status, "referred");
	assert_int_equal(read.assigned_to, 42);
	static const unsigned char box2[] = "note box two, longer";
	struct db_case_note second = {.seq = 2, .kind = "retention", .author = "cees", .at = 2000, .box = box2,
				      .box_len = sizeof box2};
	struct db_referral anonymous = {.partner = "comensha", .day = "2026-11-30", .categories = 1, .consent = "refused",
					.override = "minor", .author = "cees", .at = 2001};
	change.note = &second;
	change.referral = &anonymous;
	assert_int_equal(db_case_change(f->db, &change), 0);
	assert_int_equal(db_case_get(f->db, ref_of(1), &read), 0);
	assert_string_equal(read.status, "closed");
	assert_int_equal(read.assigned_to, 0);
	assert_string_equal(read.closed_day, "2026-12-01");
	assert_string_equal(read.closing_reason, "advice_given");
	assert_string_equal(read.destroy_day, "2027-12-01");
	assert_status(f, ref_of(1), "closed", 0);
	assert_int_equal(db_case_count_notes(f->db, ref_of(1)), 2);
	assert_int_equal(db_case_count_notes(f->db, ref_of(9)), 0);
	/* a change without a row adds only its note */
	static const unsigned char box3[] = "third";
	struct db_case_note third = {.seq = 3, .kind = "override", .author = "cees", .at = 3000, .box = box3, .box_len = sizeof box3};
	change = (struct db_case_change){.ref = ref_of(1), .expected_status = "closed", .note = &third};
	assert_int_equal(db_case_change(f->db, &change), 0);
	assert_int_equal(db_case_count_notes(f->db, ref_of(1)), 3);
}

struct note_list {
	unsigned count;
	unsigned seqs[4];
	char kinds[4][16];
	char authors[4][DB_STAFF_NAME_SIZE];
	int64_t at[4];
	size_t box_len[4];
	char box_start[4][8];
};

static void collect_note(void *ctx, const struct db_case_note *note)
{
	struct note_list *list = ctx;
	if (list->count < 4) {
		unsigned i = list->count;
		list->seqs[i] = note->seq;
		snprintf(list->kinds[i], sizeof list->kinds[i], "%s", note->kind);
		snprintf(list->authors[i], sizeof list->authors[i], "%s", note->author);
		list->at[i] = note->at;
		list->box_len[i] = note->box_len;
		memcpy(list->box_start[i], note->box, note->box_len < 7 ? note->box_len : 7);
	}
	list->count++;
}

struct referral_list {
	unsigned count;
	struct db_referral rows[4];
};

static void collect_referral(void *ctx, const struct db_referral *referral)
{
	struct referral_list *list = ctx;
	if (list->count < 4)
		list->rows[list->count] = *referral;
	list->count++;
}

static void test_case_notes_and_referrals(void **state)
{
	struct fixture *f = *state;
	insert_case(f, 1, "2026-11-28", "report", "labour");
	insert_case(f, 2, "2026-11-28", "report", "labour");
	static const unsigned char box1[] = "box 1", box2[] = "box 2 is longer";
	/* stored out of order: listed by number */
	struct db_case_note two = {.seq = 2, .kind = "override", .author = "cees", .at = 20, .box = box2, .box_len = sizeof box2};
	struct db_case_note one = {.seq = 1, .kind = "note", .author = "carla", .at = 10, .box = box1, .box_len = sizeof box1};
	struct db_referral police = {.partner = "police", .day = "2026-11-29", .categories = 7, .consent = "not_possible",
				     .override = "acute_danger", .author = "cees", .at = 30};
	struct db_referral shelter = {.partner = "shelter", .day = "2026-11-30", .categories = 1, .consent = "given",
				      .author = "carla", .at = 40};
	assert_int_equal(db_case_change(f->db, &(struct db_case_change){.ref = ref_of(1), .note = &two, .referral = &police}), 0);
	assert_int_equal(db_case_change(f->db, &(struct db_case_change){.ref = ref_of(1), .note = &one, .referral = &shelter}), 0);
	assert_int_equal(db_case_change(f->db, &(struct db_case_change){.ref = ref_of(2), .note = &one}), 0);
	struct note_list notes = {0};
	assert_int_equal(db_case_list_notes(f->db, ref_of(1), collect_note, &notes), 0);
	assert_int_equal(notes.count, 2);
	assert_int_equal(notes.seqs[0], 1);
	assert_int_equal(notes.seqs[1], 2);
	assert_string_equal(notes.kinds[1], "override");
	assert_string_equal(notes.authors[0], "carla");
	assert_int_equal(notes.at[1], 20);
	assert_int_equal(notes.box_len[1], sizeof box2);
	assert_memory_equal(notes.box_start[1], "box 2 i", 7);
	struct referral_list referrals = {0};
	assert_int_equal(db_case_list_referrals(f->db, ref_of(1), collect_referral, &referrals), 0);
	assert_int_equal(referrals.count, 2);
	assert_string_equal(referrals.rows[0].partner, "police"); /* in the order made */
	assert_string_equal(referrals.rows[0].override, "acute_danger");
	assert_string_equal(referrals.rows[0].consent, "not_possible");
	assert_int_equal(referrals.rows[0].categories, 7);
	assert_string_equal(referrals.rows[0].day, "2026-11-29");
	assert_int_equal(referrals.rows[0].at, 30);
	assert_string_equal(referrals.rows[1].override, ""); /* none */
	assert_string_equal(referrals.rows[1].author, "carla");
	notes = (struct note_list){0};
	assert_int_equal(db_case_list_notes(f->db, ref_of(2), collect_note, &notes), 0);
	assert_int_equal(notes.count, 1);
	referrals = (struct referral_list){0};
	assert_int_equal(db_case_list_referrals(f->db, ref_of(2), collect_referral, &referrals), 0);
	assert_int_equal(referrals.count, 0);
	/* the schema refuses a consent or an override outside its lists */
	struct db_referral bad = shelter;
	snprintf(bad.consent, sizeof bad.consent, "maybe");
	assert_int_equal(db_case_change(f->db, &(struct db_case_change){.ref = ref_of(2), .referral = &bad}), -1);
	referrals = (struct referral_list){0};
	assert_int_equal(db_case_list_referrals(f->db, ref_of(2), collect_referral, &referrals), 0);
	assert_int_equal(referrals.count, 0);
}

/* Reads the whole queue in pages with the cursor the backend gives; the
 * refs' numbers in order. With a scan limit, a page may hold fewer rows
 * than a page and still say more; it may never hold rows it did not look at. */
static unsigned read_queue_limited(struct fixture *f, const struct db_case_filter *wanted, unsigned scan_limit,
				   enum db_case_order order, unsigned *numbers, unsigned max, unsigned *pages)
{
	struct db_case_filter filter = *wanted;
	filter.scan_limit = scan_limit;
	struct db_case rows[DB_CASE_PAGE];
	struct db_case_cursor cursor = {.set = false}, next;
	unsigned total = 0;
	bool more = true;
	for (*pages = 0; more; ++*pages) {
		size_t count = 0;
		assert_true(*pages < 200);
		assert_int_equal(db_case_queue(f->db, &filter, order, &cursor, rows, &count, &more, &next), 0);
		if (more && !scan_limit)
			assert_int_equal(count, DB_CASE_PAGE);
		if (scan_limit && strcmp(f->backend->name, "sqlite") == 0)
			assert_true(count <= scan_limit); /* PostgreSQL keeps its filters in the statement: no bound */
		assert_true(more == next.set);
		for (size_t i = 0; i < count; i++) {
			assert_true(total < max);
			numbers[total++] = (unsigned)strtoul(rows[i].ref, NULL, 10);
		}
		cursor = next;
	}
	return total;
}

static unsigned read_queue(struct fixture *f, const struct db_case_filter *filter, enum db_case_order order,
			   unsigned *numbers, unsigned max)
{
	unsigned pages;
	return read_queue_limited(f, filter, 0, order, numbers, max, &pages);
}

/* Every filter, both orders, keyset pages (ties on the due day included). */
static void test_case_queue(void **state)
{
	struct fixture *f = *state;
	enum { CASES = 130 };
	/* numbers 1..130, stored in that order; three days of receipt, so many due days are equal */
	for (unsigned n = 1; n <= CASES; n++) {
		static const char *const days[] = {"2026-11-28", "2026-11-26", "2026-11-27"};
		insert_case(f, n, days[n % 3], n % 4 == 0 ? "consultation" : "report", n % 5 == 0 ? "sexual" : "labour");
	}
	unsigned numbers[CASES + 1];
	struct db_case_filter none = {0};
	/* newest first: 130 down to 1, over three pages */
	assert_int_equal(read_queue(f, &none, DB_CASE_NEWEST, numbers, CASES), CASES);
	for (unsigned i = 0; i < CASES; i++)
		assert_int_equal(numbers[i], CASES - i);
	/* most urgent first: by due day, then the order of storing */
	assert_int_equal(read_queue(f, &none, DB_CASE_URGENT, numbers, CASES), CASES);
	unsigned expected = 0;
	for (unsigned rest = 1; rest <= 3; rest++) /* due 12-03 (n%3==1), 12-04 (2), 12-05 (0) */
		for (unsigned n = 1; n <= CASES; n++)
			if (n % 3 == rest % 3)
				assert_int_equal(numbers[expected++], n);
	assert_int_equal(expected, CASES);

	/* make the rows differ: assigned, phone, waiting, statuses */
	for (unsigned n = 1; n <= CASES; n++) {
		struct db_case row;
		assert_int_equal(db_case_get(f->db, ref_of(n), &row), 0);
		row.assigned_to = n % 2 ? 7 : 0;
		snprintf(row.source, sizeof row.source, "%s", n % 6 == 0 ? "phone" : "online");
		if (n % 10 == 0)
			snprintf(row.status, sizeof row.status, "in_progress");
		if (n == 11)
			snprintf(row.status, sizeof row.status, "referred");
		if (n == 13)
			snprintf(row.status, sizeof row.status, "closed");
		if (n == 11 || n == 13)
			snprintf(row.due_day, sizeof row.due_day, DB_CASE_NO_DAY);
		if (n % 2 || n % 6 == 0 || n % 10 == 0 || n == 11 || n == 13)
			assert_int_equal(db_case_change(f->db, &(struct db_case_change){.ref = ref_of(n), .row = &row}), 0);
	}
	struct db_new_message wrote = message_on(1, "reporter", "2026-11-29");
	assert_int_equal(db_add_message(f->db, ref_of(17), &wrote, 5), 0);
	assert_int_equal(db_add_message(f->db, ref_of(18), &wrote, 5), 0);

	struct db_case_counts counts;
	assert_int_equal(db_case_counts(f->db, &counts), 0);
	assert_int_equal(counts.in_progress, 13);
	assert_int_equal(counts.referred, 1);
	assert_int_equal(counts.closed, 1);
	assert_int_equal(counts.new_count, CASES - 15);

	struct {
		struct db_case_filter filter;
		bool (*keep)(unsigned n);
	} cases[] = {
		{{.status = "in_progress"}, NULL},
		{{.kind = "consultation"}, NULL},
		{{.form_bits = 1}, NULL},
		{{.form_bits = 1 | 4}, NULL},
		{{.source = "phone"}, NULL},
		{{.assigned_to_account = true, .account = 7}, NULL},
		{{.assigned_to_account = true, .account = 8}, NULL},
		{{.unassigned = true}, NULL},
		{{.due_before = "2026-12-04"}, NULL},
		{{.reporter_waiting = true}, NULL},
		{{.unassigned = true, .source = "phone", .kind = "report"}, NULL},
	};
	/* what each filter must give, counted here from how the rows were made */
	for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
		const struct db_case_filter *filter = &cases[c].filter;
		unsigned want[CASES], wanted = 0;
		for (unsigned n = CASES; n >= 1; n--) {
			const char *status = n == 11 ? "referred" : n == 13 ? "closed" : n % 10 == 0 ? "in_progress" : "new";
			bool keep = (!filter->status || strcmp(filter->status, status) == 0) &&
				    (!filter->kind || strcmp(filter->kind, n % 4 == 0 ? "consultation" : "report") == 0) &&
				    (!filter->form_bits || (filter->form_bits & (n % 5 == 0 ? 1u : 2u))) &&
				    (!filter->source || strcmp(filter->source, n % 6 == 0 ? "phone" : "online") == 0) &&
				    (!filter->assigned_to_account || (n % 2 && filter->account == 7)) &&
				    (!filter->unassigned || n % 2 == 0) &&
				    (!filter->due_before || (n % 3 == 1 && n != 13)) && /* due 2026-12-03 */
				    (!filter->reporter_waiting || n == 17 || n == 18);
			if (keep)
				want[wanted++] = n;
		}
		unsigned got = read_queue(f, filter, DB_CASE_NEWEST, numbers, CASES);
		if (got != wanted)
			fail_msg("filter %zu: %u rows, not %u", c, got, wanted);
		for (unsigned i = 0; i < got; i++)
			if (numbers[i] != want[i])
				fail_msg("filter %zu: row %u is %u, not %u", c, i, numbers[i], want[i]);
		/* the same rows most urgent first */
		assert_int_equal(read_queue(f, filter, DB_CASE_URGENT, numbers, CASES), wanted);
		/* a page that may look at 7 rows only: the same rows in the same order, over more pages */
		unsigned limited[CASES + 1], pages, urgent[CASES + 1];
		assert_int_equal(read_queue_limited(f, filter, 7, DB_CASE_NEWEST, limited, CASES, &pages), wanted);
		for (unsigned i = 0; i < wanted; i++)
			if (limited[i] != want[i])
				fail_msg("filter %zu, 7 rows a page: row %u is %u, not %u", c, i, limited[i], want[i]);
		assert_int_equal(read_queue(f, filter, DB_CASE_URGENT, urgent, CASES), wanted);
		assert_int_equal(read_queue_limited(f, filter, 7, DB_CASE_URGENT, limited, CASES, &pages), wanted);
		for (unsigned i = 0; i < wanted; i++)
			assert_int_equal(limited[i], urgent[i]);
		/* the bound held where the backend has one: most urgent first walks cases_by_due for these
		 * filters, so a rare one takes several short pages */
		if (strcmp(f->backend->name, "sqlite") == 0 && wanted < 7)
			assert_true(pages > 1);
	}
	/* a cursor past the end: an empty page */
	struct db_case rows[DB_CASE_PAGE];
	size_t count = 99;
	bool more = true;
	struct db_case_cursor end = {.set = true, .id = 1}, next;
	assert_int_equal(db_case_queue(f->db, &none, DB_CASE_NEWEST, &end, rows, &count, &more, &next), 0);
	assert_int_equal(count, 0);
	assert_false(more);
	end = (struct db_case_cursor){.set = true, .id = 0, .due_day = DB_CASE_NO_DAY};
	assert_int_equal(db_case_queue(f->db, &none, DB_CASE_URGENT, &end, rows, &count, &more, &next), 0);
	assert_int_equal(count, 2); /* referred and closed: nothing due, after the cursor's id 0 */
}

/* Destruction: the report whole, a count for statistics; checkpoint. */
static void test_case_destruction(void **state)
{
	struct fixture *f = *state;
	insert_case(f, 1, "2026-10-30", "report", "labour");
	insert_case(f, 2, "2026-10-02", "report", "labour");
	insert_case(f, 3, "2026-11-28", "consultation", "labour");
	insert_case(f, 4, "2026-11-28", "report", "labour");
	static const unsigned char box[] = "a note";
	struct db_case_note note = {.seq = 1, .kind = "note", .author = "carla", .at = 1, .box = box, .box_len = sizeof box};
	struct db_referral referral = {.partner = "police", .day = "2026-11-29", .categories = 1, .consent = "given",
				       .author = "carla", .at = 2};
	struct db_new_message m1 = message_on(1, "reporter", "2026-11-01"), m2 = message_on(2, "advice_point", "2026-11-02");
	assert_int_equal(db_add_message(f->db, ref_of(1), &m1, 5), 0);
	assert_int_equal(db_answer_report(f->db, ref_of(1), &m2, 5, "in_progress"), 0);
	static const char *const destroy_days[] = {NULL, "2027-10-30", "2027-11-01", "2027-12-01", ""};
	for (unsigned n = 1; n <= 3; n++) {
		struct db_case row;
		assert_int_equal(db_case_get(f->db, ref_of(n), &row), 0);
		snprintf(row.status, sizeof row.status, "closed");
		snprintf(row.closed_day, sizeof row.closed_day, "2026-11-30");
		snprintf(row.destroy_day, sizeof row.destroy_day, "%s", destroy_days[n]);
		struct db_case_change change = {.ref = ref_of(n), .row = &row, .note = n == 1 ? &note : NULL,
						.referral = n == 1 ? &referral : NULL};
		assert_int_equal(db_case_change(f->db, &change), 0);
	}
	char due[4 * DB_REF_SIZE];
	size_t count = 9;
	assert_int_equal(db_case_due_for_destruction(f->db, "2027-10-29", due, 4, &count), 0);
	assert_int_equal(count, 0);
	assert_int_equal(db_case_due_for_destruction(f->db, "2027-11-01", due, 4, &count), 0);
	assert_int_equal(count, 2);
	assert_string_equal(due, ref_of(1)); /* the earliest day first */
	assert_string_equal(due + DB_REF_SIZE, ref_of(2));
	assert_int_equal(db_case_due_for_destruction(f->db, "2099-01-01", due, 1, &count), 0);
	assert_int_equal(count, 1); /* at most `max` */
	/* a case reopened meanwhile keeps its day but is not due */
	assert_int_equal(db_set_status(f->db, ref_of(2), "in_progress"), 0);
	assert_int_equal(db_case_due_for_destruction(f->db, "2099-01-01", due, 4, &count), 0);
	assert_int_equal(count, 2);
	assert_string_equal(due + DB_REF_SIZE, ref_of(3));

	assert_int_equal(db_case_destroy(f->db, ref_of(2), "destroyed", "closed"), 1); /* not closed now */
	assert_int_equal(db_case_destroy(f->db, ref_of(9), "destroyed", NULL), 1);
	assert_int_equal(db_case_statistics(f->db, "destroyed"), 0);
	assert_int_equal(db_case_destroy(f->db, ref_of(1), "destroyed", "closed"), 0);
	assert_int_equal(db_case_destroy(f->db, ref_of(1), "destroyed", "closed"), 1); /* gone */
	struct db_case row;
	struct db_report report;
	assert_int_equal(db_case_get(f->db, ref_of(1), &row), 1);
	assert_int_equal(db_get_report(f->db, ref_of(1), &report), 1);
	assert_int_equal(db_count_messages(f->db, ref_of(1)), 0);
	assert_int_equal(db_case_count_notes(f->db, ref_of(1)), 0);
	struct referral_list referrals = {0};
	assert_int_equal(db_case_list_referrals(f->db, ref_of(1), collect_referral, &referrals), 0);
	assert_int_equal(referrals.count, 0);
	/* counted by month and kind; a withdrawal (any status) apart */
	assert_int_equal(db_case_destroy(f->db, ref_of(3), "destroyed", NULL), 0);
	assert_int_equal(db_case_destroy(f->db, ref_of(4), "withdrawn", NULL), 0);
	assert_int_equal(db_case_statistics(f->db, "destroyed"), 2);
	assert_int_equal(db_case_statistics(f->db, "withdrawn"), 1);
	assert_int_equal(db_case_statistics(f->db, "other"), 0);
	assert_int_equal(f->backend->raw_sql(f->url, "DELETE FROM case_statistics WHERE month = '2026-10' AND kind = 'report'"
						     " AND outcome = 'destroyed' AND count = 1"),
			 0);
	assert_int_equal(db_case_statistics(f->db, "destroyed"), 1);
	/* the others are untouched */
	assert_int_equal(db_get_report(f->db, ref_of(2), &report), 0);
	db_report_release(&report);
	struct db_case_counts counts;
	assert_int_equal(db_case_counts(f->db, &counts), 0);
	assert_int_equal(counts.in_progress + counts.new_count + counts.referred + counts.closed, 1);
	assert_int_equal(db_case_checkpoint(f->db), 0);
}

/* The benchmark's switch: SQLite takes it and still stores; PostgreSQL refuses it. */
/* ---------- SQLite's migration 008: cases by their report's number ---------- */

static void exec_raw(sqlite3 *raw, const char *sql)
{
	char *message = NULL;
	if (sqlite3_exec(raw, sql, NULL, NULL, &message) != SQLITE_OK)
		fail_msg("%s: %s", sql, message ? message : "?");
	sqlite3_free(message);
}

static long long raw_number(sqlite3 *raw, const char *sql)
{
	sqlite3_stmt *statement;
	assert_int_equal(sqlite3_prepare_v2(raw, sql, -1, &statement, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(statement), SQLITE_ROW);
	long long value = sqlite3_column_int64(statement, 0);
	sqlite3_finalize(statement);
	return value;
}

/* A database as version 7 made it, with case rows whose numbers are not their
 * reports' (reports stored with row numbers 10, 20, 30; their cases 1, 2, 3),
 * comes out of the upgrade with every case on its own report's number, every
 * case field and report column as it was, the counts right, no index on
 * cases.ref, and foreign keys on again; new reports and destruction then work
 * on the new numbers. */
static void test_upgrade_gives_cases_their_report_numbers(void **state)
{
	(void)state;
	char dir[] = "/tmp/meldwijzer-dbtest-XXXXXX", path[64], url[80], error[DB_ERROR_SIZE];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/v7.db", dir);
	snprintf(url, sizeof url, "sqlite:%s", path);
	sqlite3 *raw;
	assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
	exec_raw(raw, "PRAGMA foreign_keys=ON; BEGIN; CREATE TABLE schema_version (version INTEGER NOT NULL);"
		     " INSERT INTO schema_version VALUES (7)");
	for (int v = 0; v < 7; v++)
		exec_raw(raw, db_sqlite_migrations[v]);
	exec_raw(raw, "INSERT INTO team (id, public_key, secret_by_recovery) VALUES (1, zeroblob(32), zeroblob(72));"
		     " INSERT INTO reports (rowid, ref, kind, status, created_day, forms, signals, receipt_lookup,"
		     "  receipt_salt, key_for_receipt, key_for_team, content, submission_key) VALUES"
		     " (10, 'ref-ten', 'report', 'new', '2026-10-01', 'labour', '', randomblob(32), randomblob(16),"
		     "  randomblob(72), randomblob(80), x'0a0b', NULL),"
		     " (20, 'ref-twenty', 'consultation', 'new', '2026-10-02', 'sexual,criminal', 's1', randomblob(32),"
		     "  randomblob(16), randomblob(72), randomblob(80), x'1a1b', x'5151'),"
		     " (30, 'ref-thirty', 'report', 'new', '2026-10-03', 'unknown', '', randomblob(32), randomblob(16),"
		     "  randomblob(72), randomblob(80), x'2a2b', NULL);"
		     " UPDATE cases SET assigned_to = 5, source = 'phone' WHERE ref = 'ref-twenty';"
		     " UPDATE reports SET status = 'in_progress' WHERE ref = 'ref-twenty';"
		     " INSERT INTO messages (report_ref, sender, created_day, body, seq)"
		     "  VALUES ('ref-thirty', 'advice_point', '2026-10-05', x'00', 1);"
		     " INSERT INTO case_reads (ref, seen_seq) VALUES ('ref-thirty', 1);"
		     " INSERT INTO case_notes (report_ref, seq, kind, author, at, body)"
		     "  VALUES ('ref-twenty', 1, 'note', 'carla', 1, x'00');"
		     " COMMIT");
	assert_int_equal(raw_number(raw, "SELECT group_concat(id, ',') = '1,2,3' FROM (SELECT id FROM cases ORDER BY id)"), 1);
	sqlite3_close(raw);
	assert_int_equal(chmod(path, 0600), 0); /* as meldwijzer init makes it */

	struct db *db;
	if (db_open(&db, url, false, error) || db_upgrade(db, error))
		fail_msg("%s", error);
	assert_int_equal(db_schema_version(db), (int)db_sqlite_migration_count);
	static const char *const refs[] = {"ref-ten", "ref-twenty", "ref-thirty"};
	struct db_case row;
	for (int i = 0; i < 3; i++) {
		assert_int_equal(db_case_get(db, refs[i], &row), 0);
		assert_int_equal(row.id, 10 * (i + 1));
		assert_string_equal(row.ref, refs[i]);
	}
	assert_int_equal(db_case_get(db, "ref-twenty", &row), 0);
	assert_string_equal(row.kind, "consultation");
	assert_string_equal(row.status, "in_progress");
	assert_string_equal(row.source, "phone");
	assert_int_equal(row.assigned_to, 5);
	assert_int_equal(row.form_bits, 1 | 4);
	assert_string_equal(row.due_day, "2026-10-09");
	assert_int_equal(db_case_get(db, "ref-thirty", &row), 0);
	assert_string_equal(row.first_answer_day, "2026-10-05");
	assert_string_equal(row.due_day, "2027-01-03"); /* 3 October + 3 months */
	struct db_report report;
	assert_int_equal(db_get_report(db, "ref-twenty", &report), 0);
	assert_int_equal(report.content_len, 2);
	assert_memory_equal(report.content, "\x1a\x1b", 2);
	assert_int_equal(report.message_count, 0);
	db_report_release(&report);

	/* a new report's case has the report's number; triggers find cases by it */
	struct db_report fresh;
	make_row(&fresh, 31, "2026-11-28");
	assert_int_equal(db_insert_report(db, &fresh), 0);
	assert_int_equal(db_case_get(db, fresh.ref, &row), 0);
	assert_int_equal(row.id, 31);
	struct db_new_message from_reporter = message_on(1, "reporter", "2026-11-29");
	assert_int_equal(db_add_message(db, fresh.ref, &from_reporter, 10), 0);
	assert_int_equal(db_case_get(db, fresh.ref, &row), 0);
	assert_true(row.reporter_waiting);
	/* foreign keys hold again: a message for a report that is not there is refused */
	assert_int_equal(db_add_message(db, "ref-none", &from_reporter, 10), -1);
	assert_int_equal(db_case_destroy(db, "ref-thirty", "destroyed", NULL), 0);
	assert_int_equal(db_case_get(db, "ref-thirty", &row), 1);
	db_close(db);

	assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
	/* the ref is indexed once, in reports; the submission key's index holds the form's keys only */
	assert_int_equal(raw_number(raw, "SELECT count(*) FROM pragma_index_list('cases') AS l,"
					 " pragma_index_info(l.name) AS i WHERE i.name = 'ref'"),
			 0);
	assert_int_equal(raw_number(raw, "SELECT partial FROM pragma_index_list('reports')"
					 " WHERE name = 'reports_by_submission_key'"),
			 1);
	assert_int_equal(raw_number(raw, "SELECT count(*) FROM reports WHERE submission_key = x'5151'"), 1);
	/* the counts the queue shows still match the cases */
	assert_int_equal(raw_number(raw, "SELECT count(*) FROM case_counts WHERE count !="
					 " (SELECT count(*) FROM cases WHERE cases.status = case_counts.status)"),
			 0);
	assert_int_equal(raw_number(raw, "SELECT count(*) FROM case_reads"), 0); /* went with its case */
	assert_int_equal(raw_number(raw, "SELECT count(*) FROM case_notes WHERE report_ref = 'ref-twenty'"), 1);
	sqlite3_close(raw);
	static const char *const suffixes[] = {"", "-wal", "-shm"};
	for (int i = 0; i < 3; i++) {
		char file[80];
		snprintf(file, sizeof file, "%s%s", path, suffixes[i]);
		unlink(file);
	}
	remove_sqlite(dir);
}

static void test_unsafe_synchronous_off(void **state)
{
	struct fixture *f = *state;
	struct db_report row, read;
	bool sqlite = strcmp(f->backend->name, "sqlite") == 0;
	assert_int_equal(db_unsafe_synchronous_off(f->db), sqlite ? 0 : -1);
	make_row(&row, 61, "2026-11-30");
	assert_int_equal(db_insert_report(f->db, &row), 0);
	assert_int_equal(db_get_report(f->db, row.ref, &read), 0);
	db_report_release(&read);
}

int main(void)
{
	int failed = 0;
	assert_int_equal(crypt_init(), 0);
	char recovery[CRYPT_RECOVERY_TEXT_SIZE];
	assert_int_equal(crypt_new_team(&batch_team, recovery), 0);
	assert_int_equal(crypt_open_team(&batch_team, recovery, batch_team_secret), 0);
	const struct CMUnitTest once[] = {cmocka_unit_test(test_urls),
					  cmocka_unit_test(test_upgrade_gives_cases_their_report_numbers)};
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
			CONTRACT(test_commit_latency_is_measured),
			CONTRACT(test_failed_insert_fails_alone_in_its_batch),
			CONTRACT(test_a_submission_key_is_used_once),
			CONTRACT(test_failed_commit_fails_the_whole_batch),
			CONTRACT(test_reads_do_not_wait_for_a_commit),
			CONTRACT(test_remove_only_what_was_made),
			CONTRACT(test_two_handles_share_one_database),
			CONTRACT(test_lost_connections_come_back),
			CONTRACT(test_staff_accounts),
			CONTRACT(test_staff_sessions),
			CONTRACT(test_disabling_removes_sessions),
			CONTRACT(test_totp_step_is_used_once),
			CONTRACT(test_audit_log),
			CONTRACT(test_two_handles_append_one_chain),
			CONTRACT(test_audit_by_object),
			CONTRACT(test_report_source),
			CONTRACT(test_reporter_seen),
			CONTRACT(test_unsafe_synchronous_off),
			CONTRACT(test_case_rows_follow_reports),
			CONTRACT(test_case_change_is_one_transaction),
			CONTRACT(test_case_notes_and_referrals),
			CONTRACT(test_case_queue),
			CONTRACT(test_case_destruction),
		};
#undef CONTRACT
		failed += cmocka_run_group_tests_name(backends[b].name, contract, NULL, NULL);
	}
	return failed;
}
