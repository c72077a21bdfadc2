/* db backend for PostgreSQL (libpq): "postgresql://..." or "postgres://...",
 * any URL libpq takes. Schema versions in schema_version, migrations from
 * db/postgresql/ (built in), the same numbers as SQLite's.
 *
 * Connections: one writer behind write_lock and DB_PG_READERS readers with a
 * lock each (a PGconn is used by one thread at a time). Under MVCC a reader
 * sees the last commit and never waits for a writer's commit, so reads do not
 * queue behind a WAL flush. Readers are read-only sessions, so a mistake in
 * this file that writes on one fails loudly.
 *
 * Durability: every session sets synchronous_commit=on, whatever the
 * database's default, so COMMIT returns only after the WAL is flushed (and,
 * with synchronous standbys configured, confirmed by them): an acknowledged
 * report is committed. New reports are written with group commit, as in the
 * SQLite backend: a submission that arrives while another transaction is
 * being committed waits, and the next transaction carries every report that
 * queued up meanwhile, each in a savepoint of its own; one WAL flush serves
 * them all. Several servers on one database each have their own writer;
 * PostgreSQL orders their transactions, and the unique indexes decide races
 * between them (a receipt, a submission key, a message number).
 *
 * Every statement has its values bound as parameters (PQexecParams); SQL is
 * never built from data. Results are read in binary and checked for their
 * type's length, so a row is read whole or not at all.
 *
 * Connection loss (PostgreSQL restarted, a network cut): the operation that
 * finds a connection broken fails with -1 (storage "unreachable"), and the
 * next use of that connection connects again (PQreset). A read, and the BEGIN
 * of a write, that find a connection lost try once more on a new one at once,
 * so a restart between two requests costs none of them. While the storage is
 * "unreachable" a thread of the handle's own (the prober) tries a new
 * connection about once a second and turns the state back when one succeeds,
 * so /healthz recovers without other traffic while storage_state() itself
 * only reads an atomic (it runs on the HTTP threads: no lock, no waiting). A COMMIT whose answer
 * is lost is reported as failed: the report may be stored, but no receipt is
 * shown for it, which is the safe side (never a receipt for a lost report).
 *
 * The URL may hold a password: it is kept in memory for reconnections and
 * wiped when the handle is closed, and no message repeats it. */
#define _POSIX_C_SOURCE 200809L
#include "db_backend.h"
#include "db_pg.h"

#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PARAMS_MAX 12

/* What the last storage failure was; 0 when the last write succeeded. */
enum problem { PROBLEM_NONE, PROBLEM_WRITE_FAILED, PROBLEM_FULL, PROBLEM_UNREACHABLE };

struct connection {
	PGconn *conn; /* NULL until first used (readers) */
	pthread_mutex_t lock;
	bool reader;
	bool lock_made;
	/* a statement failed as only a lost connection does: connect again before
	 * the next one. (PQstatus() alone is not enough: after the server went
	 * away libpq may still say CONNECTION_OK when a write found the socket
	 * closed.) */
	bool broken;
};

struct pg_db {
	char *url;                    /* the whole URL, for reconnections; wiped on close */
	bool created;                 /* this handle made the schema (db_initialise) */
	struct connection writer;
	struct connection readers[DB_PG_READERS];
	atomic_uint next_reader;
	atomic_int problem;           /* enum problem */
	pthread_t prober;             /* reconnects while "unreachable" (probe_while_unreachable) */
	bool prober_started;
	int stop_pipe[2];             /* a byte written to [1] stops the prober at once, even mid-connect */
};

/* How often the prober tries while the database is unreachable, and how long
 * one try may take (libpq's connect_timeout does not apply to the
 * asynchronous connect the prober uses, so it keeps its own). */
#define PROBE_INTERVAL_MS 1000
#define PROBE_TIMEOUT_MS 5000

static struct pg_db *state_of(struct db *db)
{
	return db->state;
}

/* ---------- parameters: values are always bound, never put into SQL ---------- */

struct params {
	int count;
	const char *values[PARAMS_MAX];
	int lengths[PARAMS_MAX];
	int formats[PARAMS_MAX];
	char numbers[PARAMS_MAX][24];
};

/* Text in text format (libpq reads it up to its NUL). */
static void add_text(struct params *p, const char *text)
{
	p->values[p->count] = text;
	p->lengths[p->count] = 0;
	p->formats[p->count] = 0;
	p->count++;
}

/* Bytes (bytea) in binary format; NULL bytes bind SQL NULL. */
static int add_bytes(struct params *p, const void *bytes, size_t len)
{
	if (len > INT32_MAX)
		return -1;
	p->values[p->count] = bytes;
	p->lengths[p->count] = (int)len;
	p->formats[p->count] = 1;
	p->count++;
	return 0;
}

static void add_number(struct params *p, long long number)
{
	snprintf(p->numbers[p->count], sizeof p->numbers[0], "%lld", number);
	add_text(p, p->numbers[p->count]);
}

/* ---------- errors and the storage's state ---------- */

/* The problem an error means for storing, from its SQLSTATE ("" when there
 * is none: no answer came, the connection is lost); PROBLEM_NONE for errors
 * of one statement (a constraint, a bad value) that say nothing about the
 * storage. */
static enum problem problem_of(const char *sqlstate)
{
	if (!sqlstate[0] || strncmp(sqlstate, "08", 2) == 0 || strncmp(sqlstate, "57P", 3) == 0)
		return PROBLEM_UNREACHABLE; /* no connection, or the server is shutting down or starting */
	if (strcmp(sqlstate, "53100") == 0)
		return PROBLEM_FULL; /* disk_full */
	if (strncmp(sqlstate, "53", 2) == 0 || strncmp(sqlstate, "58", 2) == 0 || strncmp(sqlstate, "XX", 2) == 0 ||
	    strcmp(sqlstate, "25006") == 0)
		return PROBLEM_WRITE_FAILED; /* resources, I/O, internal, a read-only server */
	return PROBLEM_NONE;
}

static void note_problem(struct pg_db *s, enum problem problem)
{
	if (problem != PROBLEM_NONE)
		atomic_store(&s->problem, problem);
}

/* A successful write clears every problem; a successful connection clears
 * only "unreachable" (a write may still fail for another reason). */
static void note_write_ok(struct pg_db *s)
{
	atomic_store(&s->problem, PROBLEM_NONE);
}

static void note_reachable(struct pg_db *s)
{
	int unreachable = PROBLEM_UNREACHABLE;
	atomic_compare_exchange_strong(&s->problem, &unreachable, PROBLEM_NONE);
}

/* ---------- connections ---------- */

static PGconn *connect_to(const char *url)
{
	/* dbname last: the URL (expanded) overrides the defaults before it */
	const char *const keywords[] = {"connect_timeout", "application_name", "dbname", NULL};
	const char *const values[] = {DB_PG_CONNECT_TIMEOUT, "meldwijzer", url, NULL};
	return PQconnectdbParams(keywords, values, 1);
}

/* libpq prints the server's notices and warnings on stderr as they are; with
 * our prefix instead, so that an operator knows whose they are. They never
 * hold a report's data (its values are bound parameters and are not logged). */
static void print_notice(void *ctx, const char *message)
{
	(void)ctx;
	fprintf(stderr, "meldwijzer: PostgreSQL: %s", message);
}

/* Session settings, after every (re)connection. */
static int configure(PGconn *conn, bool reader)
{
	PQsetNoticeProcessor(conn, print_notice, NULL);
	static const char writer_settings[] =
		"SET synchronous_commit = on; SET client_min_messages = warning; SET default_transaction_read_only = off";
	static const char reader_settings[] =
		"SET client_min_messages = warning; SET default_transaction_read_only = on";
	PGresult *result = PQexec(conn, reader ? reader_settings : writer_settings);
	int status = PQresultStatus(result) == PGRES_COMMAND_OK ? 0 : -1;
	PQclear(result);
	return status;
}

/* Makes sure `c` has a working connection outside any transaction: connects
 * (or connects again after a loss) and configures it. Call with c->lock held. */
static int ensure_connected(struct pg_db *s, struct connection *c)
{
	if (c->conn && !c->broken && PQstatus(c->conn) == CONNECTION_OK) {
		if (PQtransactionStatus(c->conn) == PQTRANS_IDLE)
			return 0;
		/* a transaction left open by an operation that failed half-way */
		PGresult *result = PQexec(c->conn, "ROLLBACK");
		bool ok = PQresultStatus(result) == PGRES_COMMAND_OK && PQtransactionStatus(c->conn) == PQTRANS_IDLE;
		PQclear(result);
		if (ok)
			return 0;
	}
	if (c->conn)
		PQreset(c->conn);
	else
		c->conn = connect_to(s->url);
	if (!c->conn || PQstatus(c->conn) != CONNECTION_OK || configure(c->conn, c->reader)) {
		note_problem(s, PROBLEM_UNREACHABLE);
		return -1;
	}
	c->broken = false;
	note_reachable(s);
	return 0;
}

/* ---------- the prober: back from "unreachable" without blocking anyone ---------- */

static int64_t milliseconds_since(const struct timespec *start)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)(now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
}

/* One new connection, made asynchronously so that close can stop it: 0 when
 * the server took it (it is ended again at once), -1 when it failed, took
 * longer than PROBE_TIMEOUT_MS, or a stop was asked for (then *stop). No lock
 * is held: the handle's connections are not touched, so no request waits for
 * a probe. */
static int probe_once(struct pg_db *s, bool *stop)
{
	const char *const keywords[] = {"application_name", "dbname", NULL};
	const char *const values[] = {"meldwijzer", s->url, NULL};
	struct timespec start;
	int status = -1;
	clock_gettime(CLOCK_MONOTONIC, &start);
	PGconn *conn = PQconnectStartParams(keywords, values, 1);
	PostgresPollingStatusType polling = PGRES_POLLING_WRITING; /* as libpq's documentation starts */
	if (!conn || PQstatus(conn) == CONNECTION_BAD)
		goto done;
	while (polling != PGRES_POLLING_OK) {
		int64_t left = PROBE_TIMEOUT_MS - milliseconds_since(&start);
		if (polling == PGRES_POLLING_FAILED || left <= 0)
			goto done;
		struct pollfd ready[2] = {
			{.fd = PQsocket(conn), .events = polling == PGRES_POLLING_READING ? POLLIN : POLLOUT},
			{.fd = s->stop_pipe[0], .events = POLLIN},
		};
		int count = poll(ready, 2, (int)left);
		if (count < 0 && errno != EINTR)
			goto done;
		if (ready[1].revents) {
			*stop = true;
			goto done;
		}
		if (count > 0)
			polling = PQconnectPoll(conn);
	}
	status = 0;
done:
	PQfinish(conn);
	return status;
}

/* The prober's thread: sleeps on the stop pipe; while the storage is
 * "unreachable", tries a connection each PROBE_INTERVAL_MS and turns the state
 * back when the server takes one (the requests' own connections then connect
 * again at their next use). Only "unreachable" is cleared: a failed write is
 * cleared by a write that succeeds. */
static void *probe_while_unreachable(void *arg)
{
	struct pg_db *s = arg;
	bool stop = false;
	while (!stop) {
		struct pollfd wake = {.fd = s->stop_pipe[0], .events = POLLIN};
		int count = poll(&wake, 1, PROBE_INTERVAL_MS);
		if (count > 0)
			break; /* close asked */
		if (count < 0 && errno != EINTR)
			nanosleep(&(struct timespec){.tv_sec = PROBE_INTERVAL_MS / 1000}, NULL); /* no busy loop */
		if (atomic_load(&s->problem) == PROBLEM_UNREACHABLE && probe_once(s, &stop) == 0)
			note_reachable(s);
	}
	return NULL;
}

/* Starts the prober with every signal blocked in it: the server waits for
 * SIGINT and SIGTERM in its main thread (sigwait), and this thread exists
 * before that thread blocks them. */
static int start_prober(struct pg_db *s)
{
	sigset_t all, previous;
	if (pipe(s->stop_pipe) != 0)
		return -1;
	/* a program that a server runs must not inherit the pipe */
	if (fcntl(s->stop_pipe[0], F_SETFD, FD_CLOEXEC) != 0 || fcntl(s->stop_pipe[1], F_SETFD, FD_CLOEXEC) != 0)
		return -1;
	sigfillset(&all);
	if (pthread_sigmask(SIG_SETMASK, &all, &previous) != 0)
		return -1;
	s->prober_started = pthread_create(&s->prober, NULL, probe_while_unreachable, s) == 0;
	pthread_sigmask(SIG_SETMASK, &previous, NULL);
	return s->prober_started ? 0 : -1;
}

static void stop_prober(struct pg_db *s)
{
	if (s->prober_started) {
		ssize_t written;
		do
			written = write(s->stop_pipe[1], "x", 1);
		while (written < 0 && errno == EINTR);
		/* a pipe that cannot be written to would leave the thread running on
		 * freed memory: better to stop the program loudly */
		if (written != 1)
			abort();
		pthread_join(s->prober, NULL);
		s->prober_started = false;
	}
	for (int i = 0; i < 2; i++)
		if (s->stop_pipe[i] >= 0)
			close(s->stop_pipe[i]);
}

/* The first line of libpq's message for the connection (no URL in it). */
static void connection_error(PGconn *conn, char error[DB_ERROR_SIZE])
{
	const char *message = conn ? PQerrorMessage(conn) : "out of memory";
	size_t len = strcspn(message, "\n");
	snprintf(error, DB_ERROR_SIZE, "PostgreSQL: cannot connect: %.*s", (int)(len < 240 ? len : 240), message);
}

/* Runs one statement with bound parameters, results in binary. Returns the
 * result when its status is `expected`, else NULL with the error's SQLSTATE
 * in `sqlstate` ("" when there is none) and, when asked for, the constraint
 * it names. */
static PGresult *run(struct connection *c, const char *sql, const struct params *p, ExecStatusType expected,
		     char sqlstate[6], char *constraint, size_t constraint_size)
{
	static const struct params none = {0};
	if (!p)
		p = &none;
	PGresult *result = PQexecParams(c->conn, sql, p->count, NULL, p->values, p->lengths, p->formats, 1);
	if (PQresultStatus(result) == expected)
		return result;
	const char *state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : NULL;
	if (!state || problem_of(state) == PROBLEM_UNREACHABLE || PQstatus(c->conn) != CONNECTION_OK)
		c->broken = true;
	if (sqlstate)
		snprintf(sqlstate, 6, "%s", state ? state : "");
	if (constraint) {
		const char *name = result ? PQresultErrorField(result, PG_DIAG_CONSTRAINT_NAME) : NULL;
		snprintf(constraint, constraint_size, "%s", name ? name : "");
	}
	PQclear(result);
	return NULL;
}

/* A statement whose result is not needed: 0, or -1 with its SQLSTATE. */
static int command(struct connection *c, const char *sql, const struct params *p, char sqlstate[6])
{
	PGresult *result = run(c, sql, p, PGRES_COMMAND_OK, sqlstate, NULL, 0);
	PQclear(result);
	return result ? 0 : -1;
}

static struct connection *take_reader(struct pg_db *s)
{
	unsigned start = atomic_fetch_add(&s->next_reader, 1);
	for (unsigned i = 0; i < DB_PG_READERS; i++) {
		struct connection *r = &s->readers[(start + i) % DB_PG_READERS];
		if (pthread_mutex_trylock(&r->lock) == 0)
			return r;
	}
	struct connection *r = &s->readers[start % DB_PG_READERS];
	pthread_mutex_lock(&r->lock);
	return r;
}

/* One read on a reader connection. A connection found lost is replaced and
 * the read tried once more, so a PostgreSQL restart between two requests
 * fails neither. NULL on error; the result is the caller's to PQclear. */
static PGresult *read_rows(struct pg_db *s, const char *sql, const struct params *p)
{
	struct connection *r = take_reader(s);
	PGresult *result = NULL;
	char sqlstate[6] = "";
	for (int attempt = 0; attempt < 2 && !result; attempt++) {
		if (ensure_connected(s, r))
			break;
		result = run(r, sql, p, PGRES_TUPLES_OK, sqlstate, NULL, 0);
		if (!result && !r->broken)
			break; /* an error of this statement, not of the connection */
		if (!result)
			note_problem(s, PROBLEM_UNREACHABLE);
	}
	pthread_mutex_unlock(&r->lock);
	return result;
}

/* BEGIN on the writer (write_lock held), on a new connection when the one
 * there was lost. */
static int begin(struct pg_db *s)
{
	char sqlstate[6] = "";
	for (int attempt = 0; attempt < 2; attempt++) {
		if (ensure_connected(s, &s->writer))
			return -1;
		if (command(&s->writer, "BEGIN", NULL, sqlstate) == 0)
			return 0;
		note_problem(s, problem_of(sqlstate));
		if (!s->writer.broken)
			return -1;
	}
	return -1;
}

static void rollback(struct pg_db *s)
{
	/* a failed ROLLBACK (a lost connection) leaves nothing to undo here: the
	 * server rolls back a transaction whose connection ends, and
	 * ensure_connected() rolls back one it finds open */
	PGresult *result = PQexec(s->writer.conn, "ROLLBACK");
	if (PQresultStatus(result) != PGRES_COMMAND_OK)
		s->writer.broken = true;
	PQclear(result);
}

/* COMMIT of the writer's transaction, after the test hook; call with
 * write_lock held. On failure the transaction may still be open: roll it back. */
static int commit(struct db *db, unsigned reports)
{
	struct pg_db *s = state_of(db);
	char sqlstate[6] = "";
	if (db_backend_before_commit(db, reports) != 0) {
		/* a failed flush, as a test asked for: the storage failed */
		note_problem(s, PROBLEM_WRITE_FAILED);
		return -1;
	}
	PGresult *result = run(&s->writer, "COMMIT", NULL, PGRES_COMMAND_OK, sqlstate, NULL, 0);
	/* COMMIT of a transaction that had failed answers "ROLLBACK": not stored */
	bool committed = result && strcmp(PQcmdStatus(result), "COMMIT") == 0;
	PQclear(result);
	if (!committed) {
		enum problem problem = result ? PROBLEM_WRITE_FAILED : problem_of(sqlstate);
		note_problem(s, problem == PROBLEM_NONE ? PROBLEM_WRITE_FAILED : problem);
		return -1;
	}
	note_write_ok(s);
	db_backend_committed(db, reports);
	return 0;
}

/* ---------- open and close ---------- */

static void finish(struct connection *c)
{
	PQfinish(c->conn);
	c->conn = NULL;
	if (c->lock_made)
		pthread_mutex_destroy(&c->lock);
	c->lock_made = false;
}

/* The tables the migrations make, dropped again by a handle that made them
 * (an init that failed later). The contract suite checks that nothing is
 * left (tables and functions), so a migration that adds either must add it
 * here too. */
static const char drop_schema[] =
	"DROP TABLE IF EXISTS case_reads, case_statistics, referrals, case_notes, cases, case_settings, audit_log,"
	" staff_sessions,"
	" staff_accounts, messages, reports, team, schema_version;"
	" DROP FUNCTION IF EXISTS audit_log_append_only(), case_form_bits(text), cases_on_report(), cases_on_status(),"
	" cases_on_message()";

static void close_state(struct pg_db *s, bool remove_if_new)
{
	/* first: the prober reads s->url and s->problem */
	stop_prober(s);
	if (remove_if_new && s->created && s->writer.conn) {
		pthread_mutex_lock(&s->writer.lock);
		if (ensure_connected(s, &s->writer) == 0) {
			PGresult *result = PQexec(s->writer.conn, drop_schema);
			/* an init that failed and cannot clean up must say what it left */
			if (PQresultStatus(result) != PGRES_COMMAND_OK)
				fprintf(stderr, "meldwijzer: PostgreSQL: the schema this init made could not be removed: %s",
					PQerrorMessage(s->writer.conn));
			PQclear(result);
		}
		pthread_mutex_unlock(&s->writer.lock);
	}
	for (unsigned i = 0; i < DB_PG_READERS; i++)
		finish(&s->readers[i]);
	finish(&s->writer);
	if (s->url) {
		crypt_wipe(s->url, strlen(s->url));
		free(s->url);
	}
	free(s);
}

/* `location` is the URL after "postgresql:" or "postgres:" (db.c took the
 * scheme off); libpq takes either spelling, so the URL is made whole again
 * as postgresql:LOCATION. `create` means nothing here: the database is made
 * by its administrator (docs/operations.md), the schema by db_initialise(). */
static int pg_open(struct db *db, const char *location, bool create, char error[DB_ERROR_SIZE])
{
	(void)create;
	struct pg_db *s = calloc(1, sizeof *s);
	size_t url_size = sizeof "postgresql:" + strlen(location);
	if (!s || !(s->url = malloc(url_size))) {
		free(s);
		snprintf(error, DB_ERROR_SIZE, "out of memory");
		return -1;
	}
	snprintf(s->url, url_size, "postgresql:%s", location);
	s->stop_pipe[0] = s->stop_pipe[1] = -1;
	atomic_init(&s->next_reader, 0);
	atomic_init(&s->problem, PROBLEM_NONE);
	if (pthread_mutex_init(&s->writer.lock, NULL) != 0)
		goto no_lock;
	s->writer.lock_made = true;
	for (unsigned i = 0; i < DB_PG_READERS; i++) {
		if (pthread_mutex_init(&s->readers[i].lock, NULL) != 0)
			goto no_lock;
		s->readers[i].lock_made = true;
		s->readers[i].reader = true;
	}
	/* the writer at once, so that a wrong URL or an absent server is said
	 * now; the readers when first used */
	s->writer.conn = connect_to(s->url);
	if (!s->writer.conn || PQstatus(s->writer.conn) != CONNECTION_OK) {
		connection_error(s->writer.conn, error);
		goto fail;
	}
	if (configure(s->writer.conn, false)) {
		snprintf(error, DB_ERROR_SIZE, "PostgreSQL: cannot set up the session (synchronous_commit)");
		goto fail;
	}
	if (start_prober(s)) {
		snprintf(error, DB_ERROR_SIZE, "cannot start the database's reconnection thread");
		goto fail;
	}
	db->state = s;
	return 0;
no_lock:
	snprintf(error, DB_ERROR_SIZE, "cannot make the database's locks");
fail:
	close_state(s, false);
	return -1;
}

static void pg_close(struct db *db, bool remove_if_new)
{
	close_state(state_of(db), remove_if_new);
	db->state = NULL;
}

static int pg_schema_version(void)
{
	return (int)db_pg_migration_count;
}

/* ---------- reading binary results ---------- */

/* A text column into a fixed field: -1 when it is NULL or does not fit (a
 * row is read whole or not at all, never cut short). */
static int copy_text(const PGresult *result, int row, int column, char *out, size_t size)
{
	if (PQgetisnull(result, row, column))
		return -1;
	size_t len = (size_t)PQgetlength(result, row, column);
	if (len >= size)
		return -1;
	memcpy(out, PQgetvalue(result, row, column), len);
	out[len] = '\0';
	return 0;
}

static int copy_blob(const PGresult *result, int row, int column, unsigned char *out, size_t size)
{
	if (PQgetisnull(result, row, column) || (size_t)PQgetlength(result, row, column) != size)
		return -1;
	memcpy(out, PQgetvalue(result, row, column), size);
	return 0;
}

/* An integer column (int4 or int8, binary: big-endian); NULL reads as 0. */
static int read_integer(const PGresult *result, int row, int column, int64_t *out)
{
	*out = 0;
	if (PQgetisnull(result, row, column))
		return 0;
	int len = PQgetlength(result, row, column);
	if (len != 4 && len != 8)
		return -1;
	const unsigned char *bytes = (const unsigned char *)PQgetvalue(result, row, column);
	uint64_t value = 0;
	for (int i = 0; i < len; i++)
		value = value << 8 | bytes[i];
	*out = len == 4 ? (int64_t)(int32_t)(uint32_t)value : (int64_t)value;
	return 0;
}

/* ---------- schema ---------- */

static int pg_is_initialised(struct db *db)
{
	PGresult *result = read_rows(state_of(db), "SELECT to_regclass('schema_version') IS NOT NULL", NULL);
	int status = -1;
	if (result && PQntuples(result) == 1 && PQgetlength(result, 0, 0) == 1)
		status = PQgetvalue(result, 0, 0)[0] ? 1 : 0;
	PQclear(result);
	return status;
}

/* Runs the migrations from version `from` on, inside the caller's transaction.
 * They are the program's own text (no data in them), several statements each:
 * the simple protocol runs them. */
static int apply_migrations(struct connection *c, int from)
{
	for (int v = from; v < pg_schema_version(); v++) {
		PGresult *result = PQexec(c->conn, db_pg_migrations[v]);
		bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
		PQclear(result);
		if (!ok) {
			c->broken = c->broken || PQstatus(c->conn) != CONNECTION_OK;
			return -1;
		}
	}
	return 0;
}

static int set_version(struct connection *c)
{
	struct params p = {0};
	add_number(&p, pg_schema_version());
	return command(c, "UPDATE schema_version SET version = $1", &p, NULL);
}

/* The first line of the writer's last error, for messages to the operator. */
static const char *writer_error(struct pg_db *s, char buffer[200])
{
	const char *message = s->writer.conn ? PQerrorMessage(s->writer.conn) : "";
	size_t len = strcspn(message, "\n");
	snprintf(buffer, 200, "%.*s", (int)(len < 199 ? len : 199), len ? message : "no connection");
	return buffer;
}

static int pg_upgrade(struct db *db, char error[DB_ERROR_SIZE])
{
	struct pg_db *s = state_of(db);
	char buffer[200];
	int status = -1;
	int64_t version = -1;
	pthread_mutex_lock(&s->writer.lock);
	if (begin(s))
		goto failed;
	/* two servers that start at once: the second waits here, then sees the
	 * version the first one wrote (each statement reads the last commit) */
	if (command(&s->writer, "LOCK TABLE schema_version IN EXCLUSIVE MODE", NULL, NULL))
		goto failed;
	PGresult *result = run(&s->writer, "SELECT version FROM schema_version", NULL, PGRES_TUPLES_OK, NULL, NULL, 0);
	if (result && PQntuples(result) == 1 && read_integer(result, 0, 0, &version))
		version = -1;
	PQclear(result);
	if (version < 0 || version > pg_schema_version()) {
		snprintf(error, DB_ERROR_SIZE,
			 version < 0 ? "the database has no schema version"
				     : "the database was made by a newer meldwijzer (schema version %lld; this one knows up to %d)",
			 (long long)version, pg_schema_version());
		rollback(s);
		pthread_mutex_unlock(&s->writer.lock);
		return -1;
	}
	if (version == pg_schema_version()) {
		/* nothing is written when the database is current */
		status = command(&s->writer, "COMMIT", NULL, NULL);
		if (status)
			goto failed;
		pthread_mutex_unlock(&s->writer.lock);
		return 0;
	}
	if (apply_migrations(&s->writer, (int)version) || set_version(&s->writer) || commit(db, 0))
		goto failed;
	pthread_mutex_unlock(&s->writer.lock);
	return 0;
failed:
	snprintf(error, DB_ERROR_SIZE, "cannot upgrade the database: %s", writer_error(s, buffer));
	if (s->writer.conn && !s->writer.broken)
		rollback(s);
	pthread_mutex_unlock(&s->writer.lock);
	return status;
}

static int pg_initialise(struct db *db, const struct crypt_team *team, char error[DB_ERROR_SIZE])
{
	struct pg_db *s = state_of(db);
	char buffer[200];
	int initialised = pg_is_initialised(db);
	if (initialised != 0) {
		snprintf(error, DB_ERROR_SIZE, "%s",
			 initialised == 1 ? "the database is already initialised" : "cannot read the database");
		return -1;
	}
	struct params team_row = {0}, version = {0};
	if (add_bytes(&team_row, team->public_key, CRYPT_KEY_BYTES) ||
	    add_bytes(&team_row, team->wrapped_secret, CRYPT_WRAPPED_KEY_BYTES))
		return -1;
	add_number(&version, pg_schema_version());
	pthread_mutex_lock(&s->writer.lock);
	if (begin(s))
		goto failed;
	/* schema_version is made first and locked by its creation until COMMIT,
	 * so a second init at the same moment fails instead of doubling the schema */
	if (command(&s->writer, "CREATE TABLE schema_version (version integer NOT NULL)", NULL, NULL) ||
	    apply_migrations(&s->writer, 0) ||
	    command(&s->writer, "INSERT INTO team (id, public_key, secret_by_recovery) VALUES (1, $1, $2)",
		    &team_row, NULL) ||
	    command(&s->writer, "INSERT INTO schema_version VALUES ($1)", &version, NULL) || commit(db, 0))
		goto failed;
	s->created = true;
	pthread_mutex_unlock(&s->writer.lock);
	return 0;
failed:
	snprintf(error, DB_ERROR_SIZE, "cannot create the schema: %s", writer_error(s, buffer));
	if (s->writer.conn && !s->writer.broken)
		rollback(s);
	pthread_mutex_unlock(&s->writer.lock);
	return -1;
}

static int pg_load_team(struct db *db, struct crypt_team *team)
{
	PGresult *result = read_rows(state_of(db), "SELECT public_key, secret_by_recovery FROM team WHERE id = 1", NULL);
	int status = -1;
	if (result && PQntuples(result) == 1 && copy_blob(result, 0, 0, team->public_key, CRYPT_KEY_BYTES) == 0 &&
	    copy_blob(result, 0, 1, team->wrapped_secret, CRYPT_WRAPPED_KEY_BYTES) == 0)
		status = 0;
	PQclear(result);
	return status;
}

/* ---------- reports ---------- */

/* An update that must change exactly one row, in the writer's transaction. */
static int update_one(struct connection *c, const char *sql, const struct params *p, char sqlstate[6])
{
	PGresult *result = run(c, sql, p, PGRES_COMMAND_OK, sqlstate, NULL, 0);
	bool one = result && strcmp(PQcmdTuples(result), "1") == 0;
	PQclear(result);
	return one ? 0 : -1;
}

/* 0 stored; 1 its submission key is taken; -1 any other failure, with the
 * SQLSTATE in `sqlstate`. */
static int insert_one(struct connection *c, const struct db_report *report, char sqlstate[6])
{
	static const char sql[] =
		"INSERT INTO reports (ref, kind, status, created_day, forms, signals, receipt_lookup, receipt_salt,"
		" key_for_receipt, key_for_team, content, submission_key)"
		" VALUES ($1, $2, 'new', $3, $4, $5, $6, $7, $8, $9, $10, $11)"
		" ON CONFLICT (submission_key) WHERE submission_key IS NOT NULL DO NOTHING";
	struct params p = {0};
	add_text(&p, report->ref);
	add_text(&p, report->kind);
	add_text(&p, report->created_day);
	add_text(&p, report->forms);
	add_text(&p, report->signals);
	if (add_bytes(&p, report->receipt_lookup, CRYPT_KEY_BYTES) ||
	    add_bytes(&p, report->receipt_salt, CRYPT_SALT_BYTES) ||
	    add_bytes(&p, report->key_for_receipt, CRYPT_WRAPPED_KEY_BYTES) ||
	    add_bytes(&p, report->key_for_team, CRYPT_SEALED_KEY_BYTES) ||
	    add_bytes(&p, report->content, report->content_len) ||
	    add_bytes(&p, report->has_submission_key ? report->submission_key : NULL,
		      report->has_submission_key ? CRYPT_KEY_BYTES : 0)) {
		snprintf(sqlstate, 6, "22001"); /* too long: this report's own failure */
		return -1;
	}
	PGresult *result = run(c, sql, &p, PGRES_COMMAND_OK, sqlstate, NULL, 0);
	if (!result)
		return -1;
	/* no row: a form sent again (also through another server), its key is
	 * taken; the statement did not fail, so the transaction goes on */
	bool inserted = strcmp(PQcmdTuples(result), "1") == 0;
	PQclear(result);
	if (!inserted)
		return 1;
	/* a call the team took: the case row (made by the schema's trigger,
	 * 'online') says so in the report's own savepoint, so no reader ever
	 * sees it as an online report; a source the schema does not know fails
	 * this report alone */
	if (report->source[0] && strcmp(report->source, "online") != 0) {
		struct params source = {0};
		add_text(&source, report->source);
		add_text(&source, report->ref);
		if (update_one(c, "UPDATE cases SET source = $1 WHERE ref = $2", &source, sqlstate))
			return -1;
	}
	return 0;
}

/* Inserts the batch's reports into the open transaction; false when a
 * statement failed (the transaction is then aborted). With `savepoints`, each
 * report in a savepoint of its own, so that one that fails is undone alone
 * and the rest go on (false only when that undoing fails); without, the
 * first failure ends it. */
static bool insert_batch(struct pg_db *s, struct db_pending_insert *batch, bool savepoints, unsigned *stored,
			 enum problem *storage_problem, char sqlstate[6])
{
	for (struct db_pending_insert *p = batch; p; p = p->next) {
		p->status = -1;
		if (p->unsealed)
			continue;
		if (savepoints && command(&s->writer, "SAVEPOINT one_report", NULL, sqlstate))
			return false;
		p->status = insert_one(&s->writer, p->report, sqlstate);
		if (p->status == -1 && *storage_problem == PROBLEM_NONE)
			*storage_problem = problem_of(sqlstate);
		*stored += p->status == 0;
		if (!savepoints) {
			if (p->status == -1)
				return false;
			continue;
		}
		/* if the report cannot be undone alone, the transaction may hold half
		 * of it: then the whole batch is rolled back rather than committed */
		if (p->status ? command(&s->writer, "ROLLBACK TO SAVEPOINT one_report", NULL, sqlstate) ||
					command(&s->writer, "RELEASE SAVEPOINT one_report", NULL, sqlstate)
			      : command(&s->writer, "RELEASE SAVEPOINT one_report", NULL, sqlstate))
			return false;
	}
	return true;
}

/* One transaction for the whole batch (db_backend.h). First without
 * savepoints: each one is a round trip to the server, two per report, and
 * reports almost never fail alone (a form sent again is no failure: its
 * INSERT does nothing). When one does fail, the transaction is rolled back
 * and the batch inserted again with a savepoint per report, so that the
 * failed report is undone alone. If a savepoint itself fails, or the commit
 * does, all of the batch fails (nothing of it is stored). */
static void pg_commit_batch(struct db *db, struct db_pending_insert *batch)
{
	struct pg_db *s = state_of(db);
	char sqlstate[6] = "";
	unsigned stored = 0;
	enum problem storage_problem = PROBLEM_NONE;
	pthread_mutex_lock(&s->writer.lock);
	bool begun = begin(s) == 0;
	bool whole = begun && insert_batch(s, batch, false, &stored, &storage_problem, sqlstate);
	if (begun && !whole && !s->writer.broken) {
		rollback(s);
		stored = 0;
		storage_problem = PROBLEM_NONE;
		begun = begin(s) == 0;
		whole = begun && insert_batch(s, batch, true, &stored, &storage_problem, sqlstate);
	}
	/* durable (synchronous_commit=on) once COMMIT returns */
	if (!whole || commit(db, stored)) {
		/* begin() has noted why it failed; a savepoint that failed is a storage failure */
		if (begun && !whole)
			note_problem(s, problem_of(sqlstate) != PROBLEM_NONE ? problem_of(sqlstate) : PROBLEM_WRITE_FAILED);
		if (begun && !s->writer.broken)
			rollback(s);
		for (struct db_pending_insert *p = batch; p; p = p->next)
			p->status = -1;
	} else if (storage_problem != PROBLEM_NONE) {
		note_problem(s, storage_problem);
	}
	pthread_mutex_unlock(&s->writer.lock);
}

/* Columns 0-12 as read_report_row() reads them; CONTENT is the content
 * column or an empty stand-in when a list does not load it. */
#define REPORT_COLUMNS(CONTENT)                                                                                    \
	"SELECT ref, kind, status, created_day, forms, signals, receipt_lookup, receipt_salt, key_for_receipt,"    \
	" key_for_team, " CONTENT ", (SELECT count(*) FROM messages WHERE report_ref = reports.ref), id FROM reports "

static int read_report_row(const PGresult *result, int row, struct db_report *out, bool with_content)
{
	int64_t messages;
	memset(out, 0, sizeof *out);
	if (copy_text(result, row, 0, out->ref, sizeof out->ref) || copy_text(result, row, 1, out->kind, sizeof out->kind) ||
	    copy_text(result, row, 2, out->status, sizeof out->status) ||
	    copy_text(result, row, 3, out->created_day, sizeof out->created_day) ||
	    copy_text(result, row, 4, out->forms, sizeof out->forms) ||
	    copy_text(result, row, 5, out->signals, sizeof out->signals) ||
	    copy_blob(result, row, 6, out->receipt_lookup, CRYPT_KEY_BYTES) ||
	    copy_blob(result, row, 7, out->receipt_salt, CRYPT_SALT_BYTES) ||
	    copy_blob(result, row, 8, out->key_for_receipt, CRYPT_WRAPPED_KEY_BYTES) ||
	    copy_blob(result, row, 9, out->key_for_team, CRYPT_SEALED_KEY_BYTES) ||
	    read_integer(result, row, 11, &messages) || messages < 0 || messages > UINT32_MAX)
		return -1;
	out->message_count = (unsigned)messages;
	if (with_content) {
		if (PQgetisnull(result, row, 10))
			return -1;
		size_t len = (size_t)PQgetlength(result, row, 10);
		out->content = malloc(len ? len : 1);
		if (!out->content)
			return -1;
		memcpy(out->content, PQgetvalue(result, row, 10), len);
		out->content_len = len;
	}
	return 0;
}

static int find_one(struct db *db, const char *sql, const struct params *p, struct db_report *out)
{
	PGresult *result = read_rows(state_of(db), sql, p);
	int status = -1;
	if (result && PQntuples(result) == 0) {
		status = 1;
	} else if (result && PQntuples(result) == 1) {
		status = read_report_row(result, 0, out, true);
		if (status)
			db_report_release(out);
	}
	PQclear(result);
	return status;
}

static int pg_find_report(struct db *db, const unsigned char lookup[CRYPT_KEY_BYTES], struct db_report *out)
{
	struct params p = {0};
	if (add_bytes(&p, lookup, CRYPT_KEY_BYTES))
		return -1;
	return find_one(db, REPORT_COLUMNS("content") "WHERE receipt_lookup = $1", &p, out);
}

static int pg_get_report(struct db *db, const char *ref, struct db_report *out)
{
	struct params p = {0};
	add_text(&p, ref);
	return find_one(db, REPORT_COLUMNS("content") "WHERE ref = $1", &p, out);
}

#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)

/* Newest first is highest id first: the identity column counts up as rows
 * are stored. The id of the last row read is where the next page begins. */
static int pg_list_reports(struct db *db, int64_t *position, struct db_report rows[DB_LIST_PAGE], size_t *count)
{
	struct params p = {0};
	*count = 0;
	add_number(&p, *position);
	PGresult *result = read_rows(state_of(db),
				     REPORT_COLUMNS("NULL::bytea") "WHERE $1::bigint = 0 OR id < $1::bigint"
								   " ORDER BY id DESC LIMIT " STRINGIFY(DB_LIST_PAGE),
				     &p);
	int status = result ? 0 : -1;
	for (int row = 0; result && row < PQntuples(result) && *count < DB_LIST_PAGE; row++) {
		int64_t id;
		if (read_report_row(result, row, &rows[*count], false) || read_integer(result, row, 12, &id)) {
			status = -1;
			break;
		}
		*position = id;
		++*count;
	}
	PQclear(result);
	return status;
}

static long pg_count_messages(struct db *db, const char *ref)
{
	struct params p = {0};
	add_text(&p, ref);
	PGresult *result = read_rows(state_of(db), "SELECT count(*) FROM messages WHERE report_ref = $1", &p);
	int64_t count = -1;
	if (!result || PQntuples(result) != 1 || read_integer(result, 0, 0, &count))
		count = -1;
	PQclear(result);
	return (long)count;
}

static int pg_add_message(struct db *db, const char *ref, const struct db_new_message *message, unsigned cap,
			  const char *new_status)
{
	struct pg_db *s = state_of(db);
	char sqlstate[6] = "", constraint[64] = "";
	int status = -1;
	struct params by_ref = {0}, insert = {0}, update = {0};
	add_text(&by_ref, ref);
	add_text(&insert, ref);
	add_text(&insert, message->sender);
	add_text(&insert, message->day);
	if (add_bytes(&insert, message->box, message->box_len))
		return -1;
	add_number(&insert, message->seq);
	if (new_status) {
		add_text(&update, new_status);
		add_text(&update, ref);
	}
	pthread_mutex_lock(&s->writer.lock);
	if (begin(s)) {
		pthread_mutex_unlock(&s->writer.lock);
		return -1;
	}
	/* the report's row is locked first, so that the count and the insert are
	 * one step also for writers on other servers; no row: an unknown report */
	PGresult *result = run(&s->writer, "SELECT 1 FROM reports WHERE ref = $1 FOR UPDATE", &by_ref,
			       PGRES_TUPLES_OK, sqlstate, NULL, 0);
	bool known = result && PQntuples(result) == 1;
	PQclear(result);
	if (!known)
		goto rollback;
	result = run(&s->writer, "SELECT count(*) FROM messages WHERE report_ref = $1", &by_ref, PGRES_TUPLES_OK,
		     sqlstate, NULL, 0);
	int64_t existing = -1;
	if (!result || PQntuples(result) != 1 || read_integer(result, 0, 0, &existing))
		existing = -1;
	PQclear(result);
	if (existing < 0)
		goto rollback;
	if (existing >= (int64_t)cap) {
		status = 1;
		goto rollback;
	}
	if (existing + 1 != (int64_t)message->seq) {
		status = 2;
		goto rollback;
	}
	result = run(&s->writer,
		     "INSERT INTO messages (report_ref, sender, created_day, body, seq) VALUES ($1, $2, $3, $4, $5)",
		     &insert, PGRES_COMMAND_OK, sqlstate, constraint, sizeof constraint);
	if (!result) {
		/* the row lock makes this rare; the unique index still has the last word */
		if (strcmp(sqlstate, "23505") == 0 && strcmp(constraint, "messages_by_seq") == 0)
			status = 2;
		goto rollback;
	}
	PQclear(result);
	/* an answer and the status it sets: one transaction, both or neither */
	if (new_status && update_one(&s->writer, "UPDATE reports SET status = $1 WHERE ref = $2", &update, sqlstate))
		goto rollback;
	if (commit(db, 0) == 0) {
		status = 0;
		goto done;
	}
	sqlstate[0] = '\0';
rollback:
	note_problem(s, sqlstate[0] ? problem_of(sqlstate) : PROBLEM_NONE);
	if (!s->writer.broken)
		rollback(s);
	else
		note_problem(s, PROBLEM_UNREACHABLE);
done:
	pthread_mutex_unlock(&s->writer.lock);
	return status;
}

/* How one kind of row becomes an element of a list: `read` fills a zeroed element from row `row`
 * of the result (0, or -1); `release` frees what an element owns (NULL: nothing). An element that
 * failed half-way is released too, so `release` must take a zeroed or half-filled one. The same
 * shape as db_sqlite.c's, over a PGresult. */
struct row_reader {
	size_t size;
	int (*read)(PGresult *result, int row, void *element);
	void (*release)(void *element);
};

/* The rows of `sql` with its parameters as a calloc'ed list that db.c frees: whole, or nothing (-1). */
static int read_list(struct db *db, const char *sql, const struct params *p, const struct row_reader *reader,
		     void **out, size_t *out_count)
{
	*out = NULL;
	*out_count = 0;
	PGresult *result = read_rows(state_of(db), sql, p);
	if (!result)
		return -1;
	int total = PQntuples(result);
	unsigned char *rows = NULL;
	int status = -1, row = 0;
	if (total > 0 && !(rows = calloc((size_t)total, reader->size)))
		goto done;
	for (; row < total; row++)
		if (reader->read(result, row, rows + (size_t)row * reader->size)) {
			row++; /* the failed element is released with the others */
			goto done;
		}
	status = 0;
done:
	PQclear(result);
	if (status) {
		for (int i = 0; reader->release && i < row; i++)
			reader->release(rows + (size_t)i * reader->size);
		free(rows);
		return -1;
	}
	*out = rows;
	*out_count = (size_t)total;
	return 0;
}

/* A box column (a message, a note) copied out of the result. */
static int copy_box(PGresult *result, int row, int column, unsigned char **box, size_t *len)
{
	if (PQgetisnull(result, row, column))
		return -1;
	*len = (size_t)PQgetlength(result, row, column);
	*box = malloc(*len ? *len : 1);
	if (!*box)
		return -1;
	memcpy(*box, PQgetvalue(result, row, column), *len);
	return 0;
}

static int read_message_row(PGresult *result, int row, void *element)
{
	struct db_message_row *m = element;
	int64_t seq;
	size_t len;
	if (copy_box(result, row, 2, &m->box, &len) || read_integer(result, row, 3, &seq) ||
	    copy_text(result, row, 0, m->message.sender, sizeof m->message.sender) ||
	    copy_text(result, row, 1, m->message.created_day, sizeof m->message.created_day))
		return -1;
	m->message.box = m->box;
	m->message.box_len = len;
	/* NULL reads as 0; a number that does not fit is a wrong number, which the reader refuses */
	m->message.seq = seq < 0 || seq > (int64_t)UINT32_MAX ? UINT32_MAX : (unsigned)seq;
	return 0;
}

static void release_message_row(void *element)
{
	free(((struct db_message_row *)element)->box);
}

static const struct row_reader message_rows = {sizeof(struct db_message_row), read_message_row, release_message_row};

static int pg_list_messages(struct db *db, const char *ref, struct db_message_row **out, size_t *out_count)
{
	struct params p = {0};
	void *rows = NULL;
	add_text(&p, ref);
	int status = read_list(db,
			       "SELECT sender, created_day, body, seq FROM messages WHERE report_ref = $1"
			       " ORDER BY seq IS NULL DESC, seq, id",
			       &p, &message_rows, &rows, out_count);
	*out = rows;
	return status;
}

static int pg_set_status(struct db *db, const char *ref, const char *status_text)
{
	struct pg_db *s = state_of(db);
	struct params p = {0};
	char sqlstate[6] = "";
	int status = -1;
	add_text(&p, status_text);
	add_text(&p, ref);
	pthread_mutex_lock(&s->writer.lock);
	if (begin(s) == 0) {
		if (update_one(&s->writer, "UPDATE reports SET status = $1 WHERE ref = $2", &p, sqlstate) == 0 &&
		    commit(db, 0) == 0) {
			status = 0;
		} else {
			note_problem(s, sqlstate[0] ? problem_of(sqlstate) : PROBLEM_NONE);
			if (!s->writer.broken)
				rollback(s);
		}
	}
	pthread_mutex_unlock(&s->writer.lock);
	return status;
}

/* ---------- staff accounts, staff sessions, audit log (issue 14) ---------- */

/* A write of its own on the writer: BEGIN, one statement, COMMIT. Returns 0
 * with the number of rows the statement changed in *changed and, when `rows`
 * is not NULL, its result (RETURNING; the caller's to PQclear); -1 when it
 * could not be written, with the SQLSTATE and the constraint named by the
 * statement's error ("" when the failure was another: BEGIN, COMMIT, a lost
 * connection), so that callers can tell "taken" from "failed". */
static int write_one(struct db *db, const char *sql, const struct params *p, PGresult **rows, int64_t *changed,
		     char sqlstate[6], char constraint[64])
{
	struct pg_db *s = state_of(db);
	int status = -1;
	PGresult *result = NULL;
	*changed = 0;
	sqlstate[0] = constraint[0] = '\0';
	if (rows)
		*rows = NULL;
	pthread_mutex_lock(&s->writer.lock);
	if (begin(s))
		goto unlock;
	result = run(&s->writer, sql, p, rows ? PGRES_TUPLES_OK : PGRES_COMMAND_OK, sqlstate, constraint, 64);
	if (!result)
		goto rollback;
	*changed = strtoll(PQcmdTuples(result), NULL, 10);
	if (commit(db, 0) == 0) {
		status = 0;
		goto unlock;
	}
	/* COMMIT failed: not the statement's own error */
	sqlstate[0] = constraint[0] = '\0';
rollback:
	note_problem(s, sqlstate[0] ? problem_of(sqlstate) : PROBLEM_NONE);
	if (!s->writer.broken)
		rollback(s);
	else
		note_problem(s, PROBLEM_UNREACHABLE);
unlock:
	pthread_mutex_unlock(&s->writer.lock);
	if (status == 0 && rows)
		*rows = result;
	else
		PQclear(result);
	return status;
}

/* An optional bytea: SQL NULL when absent. */
static int add_optional_bytes(struct params *p, bool present, const void *bytes, size_t len)
{
	return add_bytes(p, present ? bytes : NULL, present ? len : 0);
}

/* An optional bytea column of exactly `size` bytes: -1 when the row is wrong. */
static int copy_optional_blob(const PGresult *result, int row, int column, bool *present, unsigned char *out,
			      size_t size)
{
	*present = !PQgetisnull(result, row, column);
	return *present ? copy_blob(result, row, column, out, size) : 0;
}

/* An integer column that must fit in 0..UINT32_MAX. */
static int read_unsigned(const PGresult *result, int row, int column, uint32_t *out)
{
	int64_t value;
	if (read_integer(result, row, column, &value) || value < 0 || value > UINT32_MAX)
		return -1;
	*out = (uint32_t)value;
	return 0;
}

/* Columns 0-13 as read_staff_row() reads them. */
#define STAFF_COLUMNS                                                                                              \
	"SELECT id, name, roles, state, revision, created_at, activation_expires, salt, kdf_opslimit, kdf_memlimit," \
	" verifier, team_secret, totp_secret, totp_last_step FROM staff_accounts "

static int read_staff_row(const PGresult *result, int row, struct db_staff_account *out)
{
	uint32_t roles;
	memset(out, 0, sizeof *out);
	if (read_integer(result, row, 0, &out->id) || copy_text(result, row, 1, out->name, sizeof out->name) ||
	    read_unsigned(result, row, 2, &roles) || copy_text(result, row, 3, out->state, sizeof out->state) ||
	    read_integer(result, row, 4, &out->revision) || read_integer(result, row, 5, &out->created_at) ||
	    read_integer(result, row, 6, &out->activation_expires) ||
	    copy_blob(result, row, 7, out->salt, CRYPT_SALT_BYTES) ||
	    read_unsigned(result, row, 8, &out->kdf_opslimit) || read_unsigned(result, row, 9, &out->kdf_memlimit) ||
	    copy_blob(result, row, 10, out->verifier, CRYPT_KEY_BYTES) ||
	    copy_optional_blob(result, row, 11, &out->has_team_secret, out->team_secret, CRYPT_WRAPPED_KEY_BYTES) ||
	    copy_optional_blob(result, row, 12, &out->has_totp, out->totp, DB_STAFF_TOTP_WRAPPED_BYTES) ||
	    read_integer(result, row, 13, &out->totp_last_step))
		return -1;
	out->roles = roles;
	return 0;
}

/* The columns an insert and an update both write, in this order: roles,
 * state, activation_expires, salt, kdf_opslimit, kdf_memlimit, verifier,
 * team_secret, totp_secret. */
static int add_staff_fields(struct params *p, const struct db_staff_account *a)
{
	add_number(p, a->roles);
	add_text(p, a->state);
	add_number(p, a->activation_expires);
	if (add_bytes(p, a->salt, CRYPT_SALT_BYTES))
		return -1;
	add_number(p, a->kdf_opslimit);
	add_number(p, a->kdf_memlimit);
	return add_bytes(p, a->verifier, CRYPT_KEY_BYTES) ||
	       add_optional_bytes(p, a->has_team_secret, a->team_secret, CRYPT_WRAPPED_KEY_BYTES) ||
	       add_optional_bytes(p, a->has_totp, a->totp, DB_STAFF_TOTP_WRAPPED_BYTES);
}

static int pg_staff_insert(struct db *db, struct db_staff_account *account)
{
	struct params p = {0};
	char sqlstate[6], constraint[64];
	int64_t changed, id, revision;
	PGresult *result = NULL;
	add_text(&p, account->name);
	add_number(&p, account->created_at);
	if (add_staff_fields(&p, account))
		return -1;
	if (write_one(db,
		      "INSERT INTO staff_accounts (name, created_at, roles, state, activation_expires, salt,"
		      " kdf_opslimit, kdf_memlimit, verifier, team_secret, totp_secret)"
		      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id, revision",
		      &p, &result, &changed, sqlstate, constraint)) {
		/* the name's UNIQUE constraint (PostgreSQL's name for `name ... UNIQUE`);
		 * the id is generated and cannot collide */
		return strcmp(sqlstate, "23505") == 0 && strcmp(constraint, "staff_accounts_name_key") == 0 ? 1 : -1;
	}
	/* committed: an id that cannot be read is an error the caller must see,
	 * though the row is stored (the name is then taken: it is not lost silently) */
	int status = PQntuples(result) == 1 && read_integer(result, 0, 0, &id) == 0 && id > 0 &&
				     read_integer(result, 0, 1, &revision) == 0
			     ? 0
			     : -1;
	PQclear(result);
	if (status == 0) {
		account->id = id;
		account->revision = revision;
	}
	return status;
}

static int pg_staff_get(struct db *db, const char *name, int64_t id, struct db_staff_account *out)
{
	struct params p = {0};
	if (name)
		add_text(&p, name);
	else
		add_number(&p, id);
	PGresult *result =
		read_rows(state_of(db), name ? STAFF_COLUMNS "WHERE name = $1" : STAFF_COLUMNS "WHERE id = $1", &p);
	int status = -1;
	if (result && PQntuples(result) == 0)
		status = 1;
	else if (result && PQntuples(result) == 1)
		status = read_staff_row(result, 0, out);
	PQclear(result);
	return status;
}

/* The revision check and the removal of the sessions of an account that is no
 * longer active, in one transaction: a disabled account's sessions end with
 * the change that disables it, on every server. */
static int pg_staff_update(struct db *db, const struct db_staff_account *account)
{
	struct pg_db *s = state_of(db);
	struct params update = {0}, by_account = {0};
	char sqlstate[6] = "";
	int status = -1;
	if (add_staff_fields(&update, account))
		return -1;
	add_number(&update, account->id);
	add_number(&update, account->revision);
	add_number(&by_account, account->id);
	pthread_mutex_lock(&s->writer.lock);
	if (begin(s))
		goto unlock;
	/* the row lock this UPDATE takes orders it after any other server's update
	 * of the account; READ COMMITTED then checks the revision against the row
	 * that server committed, so of two writers from one revision one wins */
	PGresult *result = run(&s->writer,
			       "UPDATE staff_accounts SET roles = $1, state = $2, activation_expires = $3, salt = $4,"
			       " kdf_opslimit = $5, kdf_memlimit = $6, verifier = $7, team_secret = $8, totp_secret = $9,"
			       " revision = revision + 1 WHERE id = $10 AND revision = $11",
			       &update, PGRES_COMMAND_OK, sqlstate, NULL, 0);
	if (!result)
		goto rollback;
	bool changed = strcmp(PQcmdTuples(result), "1") == 0;
	PQclear(result);
	if (!changed) {
		status = 1; /* changed meanwhile, or gone: nothing written */
		goto rollback;
	}
	if (strcmp(account->state, "active") != 0 &&
	    command(&s->writer, "DELETE FROM staff_sessions WHERE account_id = $1", &by_account, sqlstate))
		goto rollback;
	if (commit(db, 0) == 0) {
		status = 0;
		goto unlock;
	}
	sqlstate[0] = '\0';
rollback:
	note_problem(s, sqlstate[0] ? problem_of(sqlstate) : PROBLEM_NONE);
	if (!s->writer.broken)
		rollback(s);
	else
		note_problem(s, PROBLEM_UNREACHABLE);
unlock:
	pthread_mutex_unlock(&s->writer.lock);
	return status;
}

static int pg_staff_use_totp_step(struct db *db, int64_t id, int64_t step)
{
	struct params p = {0};
	char sqlstate[6], constraint[64];
	int64_t changed;
	add_number(&p, step);
	add_number(&p, id);
	/* compare and set in one statement: a second server's UPDATE of the row
	 * waits for this one's commit and then finds the step no longer later */
	if (write_one(db, "UPDATE staff_accounts SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1", &p,
		      NULL, &changed, sqlstate, constraint))
		return -1;
	return changed == 1 ? 0 : 1;
}

static int read_staff_element(PGresult *result, int row, void *element)
{
	return read_staff_row(result, row, element);
}

static const struct row_reader staff_rows = {sizeof(struct db_staff_account), read_staff_element, NULL};

static int pg_staff_list(struct db *db, struct db_staff_account **out, size_t *out_count)
{
	void *rows = NULL;
	/* byte order, as SQLite's: the same list on both, whatever the database's collation */
	int status = read_list(db, STAFF_COLUMNS "ORDER BY name COLLATE \"C\"", NULL, &staff_rows, &rows, out_count);
	*out = rows;
	return status;
}

static int pg_staff_session_insert(struct db *db, const struct db_staff_session *session)
{
	struct params p = {0};
	char sqlstate[6], constraint[64];
	int64_t changed;
	if (add_bytes(&p, session->lookup, CRYPT_KEY_BYTES))
		return -1;
	add_number(&p, session->account_id);
	add_number(&p, session->created_at);
	add_number(&p, session->last_seen);
	if (add_optional_bytes(&p, session->has_team_secret, session->team_secret, CRYPT_WRAPPED_KEY_BYTES))
		return -1;
	return write_one(db,
			 "INSERT INTO staff_sessions (lookup, account_id, created_at, last_seen, team_secret)"
			 " VALUES ($1, $2, $3, $4, $5)",
			 &p, NULL, &changed, sqlstate, constraint);
}

static int pg_staff_session_get(struct db *db, const unsigned char lookup[CRYPT_KEY_BYTES],
				struct db_staff_session *out)
{
	struct params p = {0};
	memset(out, 0, sizeof *out);
	if (add_bytes(&p, lookup, CRYPT_KEY_BYTES))
		return -1;
	PGresult *result = read_rows(
		state_of(db), "SELECT account_id, created_at, last_seen, team_secret FROM staff_sessions WHERE lookup = $1",
		&p);
	int status = -1;
	if (result && PQntuples(result) == 0) {
		status = 1;
	} else if (result && PQntuples(result) == 1) {
		memcpy(out->lookup, lookup, CRYPT_KEY_BYTES);
		status = read_integer(result, 0, 0, &out->account_id) || read_integer(result, 0, 1, &out->created_at) ||
					 read_integer(result, 0, 2, &out->last_seen) ||
					 copy_optional_blob(result, 0, 3, &out->has_team_secret, out->team_secret,
							    CRYPT_WRAPPED_KEY_BYTES)
				 ? -1
				 : 0;
	}
	PQclear(result);
	return status;
}

static int pg_staff_session_touch(struct db *db, const unsigned char lookup[CRYPT_KEY_BYTES], int64_t last_seen)
{
	struct params p = {0};
	char sqlstate[6], constraint[64];
	int64_t changed;
	add_number(&p, last_seen);
	if (add_bytes(&p, lookup, CRYPT_KEY_BYTES))
		return -1;
	/* never backwards: two servers touching one session in either order */
	if (write_one(db, "UPDATE staff_sessions SET last_seen = GREATEST(last_seen, $1) WHERE lookup = $2", &p, NULL,
		      &changed, sqlstate, constraint))
		return -1;
	return changed == 1 ? 0 : 1;
}

static int pg_staff_session_delete(struct db *db, const unsigned char lookup[CRYPT_KEY_BYTES])
{
	struct params p = {0};
	char sqlstate[6], constraint[64];
	int64_t changed;
	if (add_bytes(&p, lookup, CRYPT_KEY_BYTES))
		return -1;
	return write_one(db, "DELETE FROM staff_sessions WHERE lookup = $1", &p, NULL, &changed, sqlstate, constraint);
}

static int pg_audit_append(struct db *db, const struct db_audit_entry *entry)
{
	struct params p = {0};
	char sqlstate[6], constraint[64];
	int64_t changed;
	add_number(&p, entry->seq);
	add_number(&p, entry->at);
	add_text(&p, entry->account);
	add_text(&p, entry->action);
	add_text(&p, entry->object);
	if (add_bytes(&p, entry->previous, CRYPT_HASH_BYTES) || add_bytes(&p, entry->hash, CRYPT_HASH_BYTES))
		return -1;
	if (write_one(db,
		      "INSERT INTO audit_log (seq, at, account, action, object, previous, hash)"
		      " VALUES ($1, $2, $3, $4, $5, $6, $7)",
		      &p, NULL, &changed, sqlstate, constraint) == 0)
		return 0;
	/* another writer (maybe another server) took this number: the caller
	 * reads the last entry and chains again. The insert that lost waited for
	 * the winner's commit, so that entry is readable now. */
	return strcmp(sqlstate, "23505") == 0 && strcmp(constraint, "audit_log_pkey") == 0 ? 1 : -1;
}

/* Columns 0-6 as read_audit_row() reads them. */
#define AUDIT_COLUMNS "SELECT seq, at, account, action, object, previous, hash FROM audit_log "

static int read_audit_row(const PGresult *result, int row, struct db_audit_entry *out)
{
	memset(out, 0, sizeof *out);
	if (read_integer(result, row, 0, &out->seq) || read_integer(result, row, 1, &out->at) ||
	    copy_text(result, row, 2, out->account, sizeof out->account) ||
	    copy_text(result, row, 3, out->action, sizeof out->action) ||
	    copy_text(result, row, 4, out->object, sizeof out->object))
		return -1;
	/* a hash of the wrong length is kept as zeros (as in the SQLite backend):
	 * the chain check then names this entry instead of the list failing */
	if (copy_blob(result, row, 5, out->previous, CRYPT_HASH_BYTES))
		memset(out->previous, 0, CRYPT_HASH_BYTES);
	if (copy_blob(result, row, 6, out->hash, CRYPT_HASH_BYTES))
		memset(out->hash, 0, CRYPT_HASH_BYTES);
	return 0;
}

static int pg_audit_last(struct db *db, struct db_audit_entry *out)
{
	PGresult *result = read_rows(state_of(db), AUDIT_COLUMNS "ORDER BY seq DESC LIMIT 1", NULL);
	int status = -1;
	if (result && PQntuples(result) == 0)
		status = 1;
	else if (result && PQntuples(result) == 1)
		status = read_audit_row(result, 0, out);
	PQclear(result);
	return status;
}

static int pg_audit_list(struct db *db, int64_t *position, struct db_audit_entry rows[DB_LIST_PAGE], size_t *count)
{
	struct params p = {0};
	*count = 0;
	add_number(&p, *position);
	PGresult *result = read_rows(state_of(db),
				     AUDIT_COLUMNS "WHERE seq > $1 ORDER BY seq LIMIT " STRINGIFY(DB_LIST_PAGE), &p);
	int status = result ? 0 : -1;
	for (int row = 0; result && row < PQntuples(result) && *count < DB_LIST_PAGE; row++) {
		if (read_audit_row(result, row, &rows[*count])) {
			status = -1;
			break;
		}
		*position = rows[*count].seq;
		++*count;
	}
	PQclear(result);
	return status;
}

/* ---------- case work (issue 15), as the SQLite backend's ---------- */

/* Columns 0-13 as read_case_row() reads them. */
#define CASE_COLUMNS                                                                                             \
	"SELECT id, ref, kind, status, created_day, form_bits, source, assigned_to, first_answer_day,"            \
	" reporter_waiting, due_day, closed_day, closing_reason, destroy_day FROM cases "

/* A text column that may be NULL reads as "". */
static int copy_optional_text(const PGresult *result, int row, int column, char *out, size_t size)
{
	if (PQgetisnull(result, row, column)) {
		out[0] = '\0';
		return 0;
	}
	return copy_text(result, row, column, out, size);
}

static int read_case_row(const PGresult *result, int row, struct db_case *out)
{
	int64_t bits, waiting;
	memset(out, 0, sizeof *out);
	if (read_integer(result, row, 0, &out->id) || copy_text(result, row, 1, out->ref, sizeof out->ref) ||
	    copy_text(result, row, 2, out->kind, sizeof out->kind) ||
	    copy_text(result, row, 3, out->status, sizeof out->status) ||
	    copy_text(result, row, 4, out->created_day, sizeof out->created_day) ||
	    read_integer(result, row, 5, &bits) || bits < 0 || bits > 15 ||
	    copy_text(result, row, 6, out->source, sizeof out->source) ||
	    read_integer(result, row, 7, &out->assigned_to) || /* NULL reads as 0: nobody */
	    copy_optional_text(result, row, 8, out->first_answer_day, sizeof out->first_answer_day) ||
	    read_integer(result, row, 9, &waiting) || copy_text(result, row, 10, out->due_day, sizeof out->due_day) ||
	    copy_optional_text(result, row, 11, out->closed_day, sizeof out->closed_day) ||
	    copy_optional_text(result, row, 12, out->closing_reason, sizeof out->closing_reason) ||
	    copy_optional_text(result, row, 13, out->destroy_day, sizeof out->destroy_day))
		return -1;
	out->form_bits = (unsigned)bits;
	out->reporter_waiting = waiting != 0;
	return 0;
}

/* SQL text built from this file's own fragments only (values are bound
 * parameters, named by their number). Too long is an error, never cut. */
struct sql_text {
	char text[1200];
	size_t used;
};

static void sql_add(struct sql_text *s, const char *fragment)
{
	size_t left = s->used < sizeof s->text ? sizeof s->text - s->used : 0;
	s->used += (size_t)snprintf(s->text + s->used, left, "%s", fragment);
}

/* " $N::type": the parameter just added to `p` */
static void sql_add_parameter(struct sql_text *s, const struct params *p, const char *type)
{
	char number[48];
	snprintf(number, sizeof number, " $%d::%s", p->count, type);
	sql_add(s, number);
}

/* The queue's statement: the filters that are set, in a fixed order, each a
 * bound parameter, then the keyset and the order. Each filter has an index
 * ending in the sort column (005_cases.sql), so a page is read in order and
 * the scan stops after LIMIT rows; one row more than a page tells whether
 * another page follows. PostgreSQL can combine indexes (bitmap scans) for a
 * rare combination of filters, so this backend does not stop a page early at
 * scan_limit the way db_sqlite.c does. */
static int pg_case_queue(struct db *db, const struct db_case_filter *filter, enum db_case_order order,
			 const struct db_case_cursor *after, struct db_case rows[DB_CASE_PAGE], size_t *count, bool *more,
			 struct db_case_cursor *next)
{
	(void)next; /* always a whole page: db_case_queue goes on after its last row */
	struct params p = {0};
	struct sql_text q = {.used = 0};
	sql_add(&q, CASE_COLUMNS "WHERE true");
	if (filter->status) {
		add_text(&p, filter->status);
		sql_add(&q, " AND status =");
		sql_add_parameter(&q, &p, "text");
	}
	if (filter->kind) {
		add_text(&p, filter->kind);
		sql_add(&q, " AND kind =");
		sql_add_parameter(&q, &p, "text");
	}
	if (filter->form_bits) {
		add_number(&p, filter->form_bits);
		sql_add(&q, " AND (form_bits &");
		sql_add_parameter(&q, &p, "integer");
		sql_add(&q, ") <> 0");
	}
	if (filter->source) {
		add_text(&p, filter->source);
		sql_add(&q, " AND source =");
		sql_add_parameter(&q, &p, "text");
	}
	if (filter->assigned_to_account) {
		add_number(&p, filter->account);
		sql_add(&q, " AND assigned_to =");
		sql_add_parameter(&q, &p, "bigint");
	}
	if (filter->unassigned)
		sql_add(&q, " AND assigned_to IS NULL");
	if (filter->due_before) {
		add_text(&p, filter->due_before);
		sql_add(&q, " AND due_day <");
		sql_add_parameter(&q, &p, "text");
	}
	if (filter->reporter_waiting)
		sql_add(&q, " AND reporter_waiting = 1");
	if (after && after->set && order == DB_CASE_NEWEST) {
		add_number(&p, after->id);
		sql_add(&q, " AND id <");
		sql_add_parameter(&q, &p, "bigint");
	} else if (after && after->set) {
		/* a row comparison: one range of a (..., due_day, id) index */
		add_text(&p, after->due_day);
		sql_add(&q, " AND (due_day, id) > (");
		sql_add_parameter(&q, &p, "text");
		add_number(&p, after->id);
		sql_add(&q, ",");
		sql_add_parameter(&q, &p, "bigint");
		sql_add(&q, ")");
	}
	sql_add(&q, order == DB_CASE_NEWEST ? " ORDER BY id DESC" : " ORDER BY due_day, id");
	sql_add(&q, " LIMIT " STRINGIFY(DB_CASE_PAGE) " + 1");
	if (q.used >= sizeof q.text)
		return -1;
	PGresult *result = read_rows(state_of(db), q.text, &p);
	if (!result)
		return -1;
	int status = 0;
	int total = PQntuples(result);
	for (int row = 0; row < total; row++) {
		if (*count == DB_CASE_PAGE) {
			*more = true;
			break;
		}
		if (read_case_row(result, row, &rows[*count])) {
			status = -1;
			break;
		}
		++*count;
	}
	PQclear(result);
	if (status) {
		*count = 0;
		*more = false;
	}
	return status;
}

static int pg_case_counts(struct db *db, struct db_case_counts *out)
{
	memset(out, 0, sizeof *out);
	/* one count per status, each over its own part of cases_by_status */
	PGresult *result = read_rows(state_of(db),
				     "SELECT (SELECT count(*) FROM cases WHERE status = 'new'),"
				     " (SELECT count(*) FROM cases WHERE status = 'in_progress'),"
				     " (SELECT count(*) FROM cases WHERE status = 'referred'),"
				     " (SELECT count(*) FROM cases WHERE status = 'closed')",
				     NULL);
	int status = result && PQntuples(result) == 1 && read_integer(result, 0, 0, &out->new_count) == 0 &&
				     read_integer(result, 0, 1, &out->in_progress) == 0 &&
				     read_integer(result, 0, 2, &out->referred) == 0 &&
				     read_integer(result, 0, 3, &out->closed) == 0
			     ? 0
			     : -1;
	PQclear(result);
	return status;
}

static int pg_case_get(struct db *db, const char *ref, struct db_case *out)
{
	struct params p = {0};
	add_text(&p, ref);
	PGresult *result = read_rows(state_of(db), CASE_COLUMNS "WHERE ref = $1", &p);
	int status = -1;
	if (result && PQntuples(result) == 0)
		status = 1;
	else if (result && PQntuples(result) == 1)
		status = read_case_row(result, 0, out);
	PQclear(result);
	return status;
}

/* "" as NULL, for the optional day, reason and override columns. */
static void add_optional_text(struct params *p, const char *text)
{
	if (text && text[0]) {
		add_text(p, text);
	} else {
		p->values[p->count] = NULL;
		p->lengths[p->count] = 0;
		p->formats[p->count] = 0;
		p->count++;
	}
}

/* The end of a write transaction on the writer (write_lock held): COMMIT
 * when every step went well (`ok`), else ROLLBACK with the problem the
 * failed step's SQLSTATE names. 0 committed, -1 not. */
static int end_write(struct db *db, bool ok, const char sqlstate[6])
{
	struct pg_db *s = state_of(db);
	if (ok && commit(db, 0) == 0)
		return 0;
	if (!ok)
		note_problem(s, sqlstate[0] ? problem_of(sqlstate) : PROBLEM_NONE);
	if (!s->writer.broken)
		rollback(s);
	else
		note_problem(s, PROBLEM_UNREACHABLE);
	return -1;
}

static int pg_case_change(struct db *db, const struct db_case_change *change)
{
	struct pg_db *s = state_of(db);
	char sqlstate[6] = "", constraint[64] = "";
	int status = -1;
	bool ok = true;
	struct params by_ref = {0};
	add_text(&by_ref, change->ref);
	pthread_mutex_lock(&s->writer.lock);
	if (begin(s))
		goto unlock;
	/* the status the caller decided from must still be the case's. The
	 * report's row is locked first, as every writer here does (a message, a
	 * status, a destruction: reports, then the case row its triggers or
	 * statements change), so two servers never wait for each other in a
	 * circle; the lock orders this change after any other server's, whose
	 * commit the next statement (READ COMMITTED) then reads. */
	PGresult *result = run(&s->writer, "SELECT 1 FROM reports WHERE ref = $1 FOR UPDATE", &by_ref,
			       PGRES_TUPLES_OK, sqlstate, NULL, 0);
	bool locked = result != NULL;
	PQclear(result);
	result = !locked ? NULL
			 : run(&s->writer, "SELECT status FROM cases WHERE ref = $1", &by_ref, PGRES_TUPLES_OK, sqlstate,
			       NULL, 0);
	if (!result) {
		status = end_write(db, false, sqlstate);
		goto unlock;
	}
	char current[16] = "";
	bool found = PQntuples(result) == 1 && copy_text(result, 0, 0, current, sizeof current) == 0;
	bool same = found && (!change->expected_status || strcmp(current, change->expected_status) == 0);
	PQclear(result);
	if (!found || !same) {
		rollback(s);
		status = 1;
		goto unlock;
	}
	const struct db_case *row = change->row;
	if (row) {
		struct params update = {0}, report = {0};
		add_text(&update, row->status);
		add_text(&update, row->source);
		if (row->assigned_to)
			add_number(&update, row->assigned_to);
		else
			add_optional_text(&update, NULL); /* nobody */
		add_text(&update, row->due_day);
		add_optional_text(&update, row->closed_day);
		add_optional_text(&update, row->closing_reason);
		add_optional_text(&update, row->destroy_day);
		add_text(&update, change->ref);
		add_text(&report, row->status);
		add_text(&report, change->ref);
		ok = update_one(&s->writer,
				"UPDATE cases SET status = $1, source = $2, assigned_to = $3::bigint, due_day = $4,"
				" closed_day = $5, closing_reason = $6, destroy_day = $7 WHERE ref = $8",
				&update, sqlstate) == 0 &&
		     /* reports.status too (its trigger writes the same status into cases again) */
		     update_one(&s->writer, "UPDATE reports SET status = $1 WHERE ref = $2", &report, sqlstate) == 0;
	}
	if (ok && change->note) {
		const struct db_case_note *note = change->note;
		struct params insert = {0};
		add_text(&insert, change->ref);
		add_number(&insert, note->seq);
		add_text(&insert, note->kind);
		add_text(&insert, note->author);
		add_number(&insert, note->at);
		ok = add_bytes(&insert, note->box, note->box_len) == 0;
		result = !ok ? NULL
			     : run(&s->writer,
				   "INSERT INTO case_notes (report_ref, seq, kind, author, at, body) VALUES ($1, $2, $3, $4, $5, $6)",
				   &insert, PGRES_COMMAND_OK, sqlstate, constraint, sizeof constraint);
		ok = result != NULL;
		PQclear(result);
		if (!ok && strcmp(sqlstate, "23505") == 0 && strcmp(constraint, "case_notes_report_ref_seq_key") == 0) {
			rollback(s);
			status = 2; /* another note (maybe through another server) took this number first */
			goto unlock;
		}
	}
	if (ok && change->referral) {
		const struct db_referral *referral = change->referral;
		struct params insert = {0};
		add_text(&insert, change->ref);
		add_text(&insert, referral->partner);
		add_text(&insert, referral->day);
		add_number(&insert, referral->categories);
		add_text(&insert, referral->consent);
		add_optional_text(&insert, referral->override);
		add_text(&insert, referral->author);
		add_number(&insert, referral->at);
		ok = command(&s->writer,
			     "INSERT INTO referrals (report_ref, partner, day, categories, consent, override, author, at)"
			     " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
			     &insert, sqlstate) == 0;
	}
	status = end_write(db, ok, sqlstate);
unlock:
	pthread_mutex_unlock(&s->writer.lock);
	return status;
}

static long pg_case_count_notes(struct db *db, const char *ref)
{
	struct params p = {0};
	add_text(&p, ref);
	PGresult *result = read_rows(state_of(db), "SELECT count(*) FROM case_notes WHERE report_ref = $1", &p);
	int64_t count = -1;
	if (!result || PQntuples(result) != 1 || read_integer(result, 0, 0, &count))
		count = -1;
	PQclear(result);
	return (long)count;
}

static int read_note_row(PGresult *result, int row, void *element)
{
	struct db_case_note *note = element;
	unsigned char *box;
	int64_t seq;
	if (copy_box(result, row, 4, &box, &note->box_len))
		return -1;
	note->box = box;
	if (read_integer(result, row, 0, &seq) || seq < 1 || seq > (int64_t)UINT32_MAX ||
	    copy_text(result, row, 1, note->kind, sizeof note->kind) ||
	    copy_text(result, row, 2, note->author, sizeof note->author) || read_integer(result, row, 3, &note->at))
		return -1;
	note->seq = (unsigned)seq;
	return 0;
}

static void release_note_row(void *element)
{
	free((void *)((struct db_case_note *)element)->box);
}

static const struct row_reader note_rows = {sizeof(struct db_case_note), read_note_row, release_note_row};

static int pg_case_list_notes(struct db *db, const char *ref, struct db_case_note **out, size_t *out_count)
{
	struct params p = {0};
	void *rows = NULL;
	add_text(&p, ref);
	int status = read_list(db, "SELECT seq, kind, author, at, body FROM case_notes WHERE report_ref = $1 ORDER BY seq",
			       &p, &note_rows, &rows, out_count);
	*out = rows;
	return status;
}

static int read_referral_row(PGresult *result, int row, void *element)
{
	struct db_referral *referral = element;
	uint32_t categories;
	if (copy_text(result, row, 0, referral->partner, sizeof referral->partner) ||
	    copy_text(result, row, 1, referral->day, sizeof referral->day) ||
	    read_unsigned(result, row, 2, &categories) ||
	    copy_text(result, row, 3, referral->consent, sizeof referral->consent) ||
	    copy_optional_text(result, row, 4, referral->override, sizeof referral->override) ||
	    copy_text(result, row, 5, referral->author, sizeof referral->author) ||
	    read_integer(result, row, 6, &referral->at))
		return -1;
	referral->categories = categories;
	return 0;
}

static const struct row_reader referral_rows = {sizeof(struct db_referral), read_referral_row, NULL};

static int pg_case_list_referrals(struct db *db, const char *ref, struct db_referral **out, size_t *out_count)
{
	struct params p = {0};
	void *rows = NULL;
	add_text(&p, ref);
	int status = read_list(db,
			       "SELECT partner, day, categories, consent, override, author, at FROM referrals"
			       " WHERE report_ref = $1 ORDER BY id",
			       &p, &referral_rows, &rows, out_count);
	*out = rows;
	return status;
}

static int pg_case_due_for_destruction(struct db *db, const char *day, char *out, size_t max, size_t *count)
{
	struct params p = {0};
	add_text(&p, day);
	add_number(&p, max > INT64_MAX ? INT64_MAX : (long long)max);
	PGresult *result = read_rows(state_of(db),
				     "SELECT ref FROM cases WHERE destroy_day IS NOT NULL AND destroy_day <= $1"
				     " AND status = 'closed' ORDER BY destroy_day LIMIT $2",
				     &p);
	if (!result)
		return -1;
	int status = 0;
	for (int row = 0; row < PQntuples(result) && *count < max; row++) {
		if (copy_text(result, row, 0, out + *count * DB_REF_SIZE, DB_REF_SIZE)) {
			status = -1;
			break;
		}
		++*count;
	}
	PQclear(result);
	return status;
}

/* Destroys a report in one transaction. PostgreSQL has no secure_delete: a
 * deleted row stays in its table's pages (and in the WAL) as a dead tuple
 * until VACUUM reuses its space, and pages may be copied further by
 * replication and base backups. Only the database's administrator can
 * shorten that (VACUUM, WAL retention): docs/architecture.md says so. */
static int pg_case_destroy(struct db *db, const char *ref, const char *outcome, const char *expected_status)
{
	struct pg_db *s = state_of(db);
	char sqlstate[6] = "";
	int status = -1;
	struct params by_ref = {0};
	add_text(&by_ref, ref);
	pthread_mutex_lock(&s->writer.lock);
	if (begin(s))
		goto unlock;
	/* locked: a second server destroying the same report waits, then finds it gone */
	PGresult *result = run(&s->writer,
			       "SELECT kind, substr(created_day, 1, 7), status FROM reports WHERE ref = $1 FOR UPDATE",
			       &by_ref, PGRES_TUPLES_OK, sqlstate, NULL, 0);
	if (!result) {
		status = end_write(db, false, sqlstate);
		goto unlock;
	}
	char kind[16] = "", month[8] = "", current[16] = "";
	int rows = PQntuples(result);
	bool read = rows == 1 && copy_text(result, 0, 0, kind, sizeof kind) == 0 &&
		    copy_text(result, 0, 1, month, sizeof month) == 0 &&
		    copy_text(result, 0, 2, current, sizeof current) == 0;
	PQclear(result);
	if (rows == 0 || (read && expected_status && strcmp(current, expected_status) != 0)) {
		rollback(s);
		status = 1;
		goto unlock;
	}
	/* children first (foreign keys) */
	bool ok = read && command(&s->writer, "DELETE FROM messages WHERE report_ref = $1", &by_ref, sqlstate) == 0 &&
		  command(&s->writer, "DELETE FROM case_notes WHERE report_ref = $1", &by_ref, sqlstate) == 0 &&
		  command(&s->writer, "DELETE FROM referrals WHERE report_ref = $1", &by_ref, sqlstate) == 0 &&
		  command(&s->writer, "DELETE FROM cases WHERE ref = $1", &by_ref, sqlstate) == 0 &&
		  command(&s->writer, "DELETE FROM reports WHERE ref = $1", &by_ref, sqlstate) == 0;
	if (ok) {
		struct params counted = {0};
		add_text(&counted, month);
		add_text(&counted, kind);
		add_text(&counted, outcome);
		ok = command(&s->writer,
			     "INSERT INTO case_statistics (month, kind, outcome, count) VALUES ($1, $2, $3, 1)"
			     " ON CONFLICT (month, kind, outcome) DO UPDATE SET count = case_statistics.count + 1",
			     &counted, sqlstate) == 0;
	}
	status = end_write(db, ok, sqlstate);
unlock:
	pthread_mutex_unlock(&s->writer.lock);
	return status;
}

/* Nothing to do, and nothing this program can do: PostgreSQL has no
 * write-ahead log file of ours to empty, and no secure_delete. A destroyed
 * report's rows are gone for every query at COMMIT, but their bytes stay as
 * dead tuples in the table's pages until VACUUM (autovacuum) reuses the
 * space, and in WAL segments until they are recycled. The contract's "no
 * older copy in the log" therefore holds only as far as the database's
 * administrator makes it (docs/architecture.md). */
static int pg_case_checkpoint(struct db *db)
{
	(void)db;
	return 0;
}

static int64_t pg_case_statistics(struct db *db, const char *outcome)
{
	struct params p = {0};
	add_text(&p, outcome);
	/* sum() of bigint is numeric: cast back, so that it reads as an integer */
	PGresult *result = read_rows(
		state_of(db), "SELECT coalesce(sum(count), 0)::bigint FROM case_statistics WHERE outcome = $1", &p);
	int64_t total = -1;
	if (!result || PQntuples(result) != 1 || read_integer(result, 0, 0, &total))
		total = -1;
	PQclear(result);
	return total;
}

/* Read first on a reader: a visit that shows nothing new (the usual one)
 * writes nothing. The write only raises the stored number, in one statement,
 * so two visits at once (through two servers too) cannot lower it. */
static int pg_case_reporter_seen(struct db *db, const char *ref, unsigned shown_seq, unsigned *previous_seq)
{
	struct params by_ref = {0}, raise = {0};
	add_text(&by_ref, ref);
	PGresult *result = read_rows(state_of(db),
				     "SELECT coalesce(case_reads.seen_seq, 0) FROM cases"
				     " LEFT JOIN case_reads ON case_reads.ref = cases.ref WHERE cases.ref = $1",
				     &by_ref);
	int64_t seen = 0;
	int status = -1;
	if (result && PQntuples(result) == 0)
		status = 1;
	else if (result && PQntuples(result) == 1 && read_integer(result, 0, 0, &seen) == 0)
		status = 0;
	PQclear(result);
	if (status != 0)
		return status;
	*previous_seq = seen > 0 && seen <= UINT32_MAX ? (unsigned)seen : 0;
	if (shown_seq <= *previous_seq)
		return 0;
	char sqlstate[6], constraint[64];
	int64_t changed;
	add_number(&raise, shown_seq);
	add_text(&raise, ref);
	if (write_one(db,
		      "INSERT INTO case_reads (ref, seen_seq) SELECT $2::text, $1::integer WHERE EXISTS"
		      " (SELECT 1 FROM cases WHERE ref = $2::text) ON CONFLICT (ref) DO UPDATE"
		      " SET seen_seq = excluded.seen_seq WHERE case_reads.seen_seq < excluded.seen_seq",
		      &raise, NULL, &changed, sqlstate, constraint) == 0)
		return 0;
	/* the case was destroyed between the read and the write: nothing to keep, as on SQLite */
	return strcmp(sqlstate, "23503") == 0 ? 0 : -1;
}

static int pg_case_set_deadlines(struct db *db, unsigned answer_days, unsigned feedback_months)
{
	struct params p = {0};
	char sqlstate[6], constraint[64];
	int64_t changed;
	add_number(&p, answer_days);
	add_number(&p, feedback_months);
	if (write_one(db, "UPDATE case_settings SET answer_days = $1, feedback_months = $2 WHERE id = 1", &p, NULL,
		      &changed, sqlstate, constraint))
		return -1;
	return changed == 1 ? 0 : -1;
}

/* The entries of one object (a case's history), a page at a time, from the
 * audit_log_by_object index (migration 006). */
static int pg_audit_list_object(struct db *db, const char *object, int64_t *position,
				struct db_audit_entry rows[DB_LIST_PAGE], size_t *count)
{
	struct params p = {0};
	*count = 0;
	add_text(&p, object);
	add_number(&p, *position);
	PGresult *result = read_rows(
		state_of(db), AUDIT_COLUMNS "WHERE object = $1 AND seq > $2 ORDER BY seq LIMIT " STRINGIFY(DB_LIST_PAGE), &p);
	int status = result ? 0 : -1;
	for (int row = 0; result && row < PQntuples(result) && *count < DB_LIST_PAGE; row++) {
		if (read_audit_row(result, row, &rows[*count])) {
			status = -1;
			break;
		}
		*position = rows[*count].seq;
		++*count;
	}
	PQclear(result);
	return status;
}

/* The database's disk is the server's, not this machine's: free_bytes is 0
 * (unknown), and the state comes from the outcome of the last write and
 * whether the database could be reached. This runs on the HTTP threads
 * (/healthz): it only reads an atomic, never a connection, so it answers at
 * once while PostgreSQL is away or slow. The prober turns "unreachable" back
 * when the server takes a connection again. */
static int pg_storage_state(struct db *db, struct db_storage *out)
{
	struct pg_db *s = state_of(db);
	memset(out, 0, sizeof *out);
	switch (atomic_load(&s->problem)) {
	case PROBLEM_NONE:
		out->ok = true;
		break;
	case PROBLEM_FULL:
		out->problem = "full";
		break;
	case PROBLEM_UNREACHABLE:
		out->problem = "unreachable";
		break;
	default:
		out->problem = "write_failed";
		break;
	}
	return 0;
}

const struct db_backend db_pg_backend = {
	.scheme = "postgresql:",
	.open = pg_open,
	.close = pg_close,
	.default_key_path = NULL, /* no file to put the key beside: [server] key_file or --key */
	.schema_version = pg_schema_version,
	.is_initialised = pg_is_initialised,
	.initialise = pg_initialise,
	.upgrade = pg_upgrade,
	.load_team = pg_load_team,
	.commit_batch = pg_commit_batch,
	.find_report = pg_find_report,
	.get_report = pg_get_report,
	.list_reports = pg_list_reports,
	.count_messages = pg_count_messages,
	.add_message = pg_add_message,
	.list_messages = pg_list_messages,
	.set_status = pg_set_status,
	.storage_state = pg_storage_state,
	.staff_insert = pg_staff_insert,
	.staff_get = pg_staff_get,
	.staff_update = pg_staff_update,
	.staff_use_totp_step = pg_staff_use_totp_step,
	.staff_list = pg_staff_list,
	.staff_session_insert = pg_staff_session_insert,
	.staff_session_get = pg_staff_session_get,
	.staff_session_touch = pg_staff_session_touch,
	.staff_session_delete = pg_staff_session_delete,
	.audit_append = pg_audit_append,
	.audit_last = pg_audit_last,
	.audit_list = pg_audit_list,
	.audit_list_object = pg_audit_list_object,
	.case_queue = pg_case_queue,
	.case_counts = pg_case_counts,
	.case_get = pg_case_get,
	.case_change = pg_case_change,
	.case_count_notes = pg_case_count_notes,
	.case_list_notes = pg_case_list_notes,
	.case_list_referrals = pg_case_list_referrals,
	.case_due_for_destruction = pg_case_due_for_destruction,
	.case_destroy = pg_case_destroy,
	.case_checkpoint = pg_case_checkpoint,
	.case_statistics = pg_case_statistics,
	.case_set_deadlines = pg_case_set_deadlines,
	.case_reporter_seen = pg_case_reporter_seen,
};
