/* db backend for SQLite: WAL, synchronous=FULL, one connection behind a mutex
 * (SQLite serialises writers anyway), schema versions in schema_version.
 *
 * New reports are written with group commit: a submission that arrives while
 * another transaction is being committed waits, and the next transaction
 * carries every report that queued up meanwhile. Each report is still durable
 * before db_insert_report() returns, but one fsync serves several reports. */
#define _POSIX_C_SOURCE 200809L
#include "db.h"
#include "db_sqlite.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SCHEMA_VERSION 2

/* A report waiting for the next group commit; lives on its submitter's stack. */
struct pending_insert {
	const struct db_report *report;
	int status;
	bool done;
	struct pending_insert *next;
};

struct db {
	sqlite3 *connection;
	pthread_mutex_t lock;         /* the connection */
	pthread_mutex_t queue_lock;   /* the group-commit queue below */
	pthread_cond_t committed;
	struct pending_insert *queue; /* newest first; order within a batch does not matter */
	bool committing;
	char key_path[4200];
};

static const char *const migrations[SCHEMA_VERSION] = {
	/* 1: reports, messages, team keys */
	"CREATE TABLE team (id INTEGER PRIMARY KEY CHECK (id = 1), public_key BLOB NOT NULL,"
	" secret_by_recovery BLOB NOT NULL);"
	"CREATE TABLE reports (ref TEXT PRIMARY KEY, kind TEXT NOT NULL, status TEXT NOT NULL,"
	" created_day TEXT NOT NULL, forms TEXT NOT NULL, signals TEXT NOT NULL,"
	" receipt_lookup BLOB NOT NULL UNIQUE, receipt_salt BLOB NOT NULL, key_for_receipt BLOB NOT NULL,"
	" key_for_team BLOB NOT NULL, content BLOB NOT NULL);"
	"CREATE TABLE messages (id INTEGER PRIMARY KEY, report_ref TEXT NOT NULL REFERENCES reports(ref),"
	" sender TEXT NOT NULL, created_day TEXT NOT NULL, body BLOB NOT NULL);"
	"CREATE INDEX messages_by_report ON messages(report_ref, id);",
	/* 2: the keyed hash of a form's single-use submission key (issue 10); NULL for the API */
	"ALTER TABLE reports ADD COLUMN submission_key BLOB;"
	"CREATE UNIQUE INDEX reports_by_submission_key ON reports(submission_key);",
};

static void today(char out[11])
{
	time_t now = time(NULL);
	struct tm utc;
	gmtime_r(&now, &utc);
	strftime(out, 11, "%Y-%m-%d", &utc);
}

int db_open(struct db **out, const char *url, bool create, char error[DB_ERROR_SIZE])
{
	*out = NULL;
	if (strncmp(url, "sqlite:", 7) != 0 || url[7] == '\0') {
		snprintf(error, DB_ERROR_SIZE, "--db: '%.200s' is not sqlite:PATH", url);
		return -1;
	}
	struct db *db = calloc(1, sizeof *db);
	if (!db) {
		snprintf(error, DB_ERROR_SIZE, "out of memory");
		return -1;
	}
	snprintf(db->key_path, sizeof db->key_path, "%s.key", url + 7);
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
	if (sqlite3_open_v2(url + 7, &db->connection, flags, NULL) != SQLITE_OK) {
		snprintf(error, DB_ERROR_SIZE, "%.200s: %s", url + 7,
			 create ? "cannot be created" : "no database there: run 'meldwijzer init --db URL' first");
		sqlite3_close(db->connection);
		free(db);
		return -1;
	}
	sqlite3_busy_timeout(db->connection, 5000);
	char *message = NULL;
	if (sqlite3_exec(db->connection, DB_SQLITE_PRAGMAS, NULL, NULL, &message) != SQLITE_OK) {
		snprintf(error, DB_ERROR_SIZE, "%.200s: %s", url + 7, message ? message : "cannot configure");
		sqlite3_free(message);
		sqlite3_close(db->connection);
		free(db);
		return -1;
	}
	pthread_mutex_init(&db->lock, NULL);
	pthread_mutex_init(&db->queue_lock, NULL);
	pthread_cond_init(&db->committed, NULL);
	*out = db;
	return 0;
}

void db_close(struct db *db)
{
	if (!db)
		return;
	sqlite3_close(db->connection);
	pthread_mutex_destroy(&db->lock);
	pthread_mutex_destroy(&db->queue_lock);
	pthread_cond_destroy(&db->committed);
	free(db);
}

const char *db_key_path(const struct db *db)
{
	return db->key_path;
}

int db_is_initialised(struct db *db)
{
	sqlite3_stmt *statement;
	int result = -1;
	pthread_mutex_lock(&db->lock);
	if (sqlite3_prepare_v2(db->connection,
			       "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'", -1,
			       &statement, NULL) == SQLITE_OK) {
		if (sqlite3_step(statement) == SQLITE_ROW)
			result = sqlite3_column_int(statement, 0) > 0 ? 1 : 0;
		sqlite3_finalize(statement);
	}
	pthread_mutex_unlock(&db->lock);
	return result;
}

/* Runs migrations[from..] inside the caller's transaction; holds db->lock. */
static int apply_migrations(struct db *db, int from, char **message)
{
	for (int v = from; v < SCHEMA_VERSION; v++) {
		if (sqlite3_exec(db->connection, migrations[v], NULL, NULL, message) != SQLITE_OK)
			return -1;
	}
	return 0;
}

static int set_version(struct db *db, char **message)
{
	char sql[80];
	snprintf(sql, sizeof sql, "UPDATE schema_version SET version = %d", SCHEMA_VERSION);
	return sqlite3_exec(db->connection, sql, NULL, NULL, message) == SQLITE_OK ? 0 : -1;
}

int db_upgrade(struct db *db, char error[DB_ERROR_SIZE])
{
	sqlite3_stmt *statement;
	char *message = NULL;
	int version = -1, status = -1;
	pthread_mutex_lock(&db->lock);
	if (sqlite3_exec(db->connection, "BEGIN IMMEDIATE", NULL, NULL, &message) != SQLITE_OK)
		goto done;
	if (sqlite3_prepare_v2(db->connection, "SELECT version FROM schema_version", -1, &statement, NULL) == SQLITE_OK) {
		if (sqlite3_step(statement) == SQLITE_ROW)
			version = sqlite3_column_int(statement, 0);
		sqlite3_finalize(statement);
	}
	if (version < 0 || version > SCHEMA_VERSION) {
		snprintf(error, DB_ERROR_SIZE,
			 version < 0 ? "the database has no schema version"
				     : "the database was made by a newer meldwijzer (schema version %d; this one knows up to %d)",
			 version, SCHEMA_VERSION);
		sqlite3_exec(db->connection, "ROLLBACK", NULL, NULL, NULL);
		pthread_mutex_unlock(&db->lock);
		return -1;
	}
	/* nothing is written when the database is current */
	if ((version < SCHEMA_VERSION && (apply_migrations(db, version, &message) || set_version(db, &message))) ||
	    sqlite3_exec(db->connection, "COMMIT", NULL, NULL, &message) != SQLITE_OK)
		goto done;
	status = 0;
done:
	if (status) {
		snprintf(error, DB_ERROR_SIZE, "cannot upgrade the database: %s",
			 message ? message : sqlite3_errmsg(db->connection));
		sqlite3_exec(db->connection, "ROLLBACK", NULL, NULL, NULL);
	}
	sqlite3_free(message);
	pthread_mutex_unlock(&db->lock);
	return status;
}

int db_initialise(struct db *db, const struct crypt_team *team, char error[DB_ERROR_SIZE])
{
	int initialised = db_is_initialised(db);
	if (initialised != 0) {
		snprintf(error, DB_ERROR_SIZE, "%s", initialised == 1 ? "the database is already initialised" : "cannot read the database");
		return -1;
	}
	int status = -1;
	char *message = NULL;
	sqlite3_stmt *statement = NULL;
	pthread_mutex_lock(&db->lock);
	if (sqlite3_exec(db->connection, "BEGIN IMMEDIATE; CREATE TABLE schema_version (version INTEGER NOT NULL);", NULL,
			 NULL, &message) != SQLITE_OK)
		goto done;
	if (apply_migrations(db, 0, &message))
		goto done;
	if (sqlite3_prepare_v2(db->connection,
			       "INSERT INTO team (id, public_key, secret_by_recovery) VALUES (1, ?, ?)", -1, &statement,
			       NULL) != SQLITE_OK ||
	    sqlite3_bind_blob(statement, 1, team->public_key, CRYPT_KEY_BYTES, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_blob(statement, 2, team->wrapped_secret, CRYPT_WRAPPED_KEY_BYTES, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_step(statement) != SQLITE_DONE)
		goto done;
	if (sqlite3_exec(db->connection, "INSERT INTO schema_version VALUES (0)", NULL, NULL, &message) != SQLITE_OK ||
	    set_version(db, &message) || sqlite3_exec(db->connection, "COMMIT", NULL, NULL, &message) != SQLITE_OK)
		goto done;
	status = 0;
done:
	if (status)
		snprintf(error, DB_ERROR_SIZE, "cannot create the schema: %s", message ? message : sqlite3_errmsg(db->connection));
	sqlite3_finalize(statement);
	sqlite3_free(message);
	if (status)
		sqlite3_exec(db->connection, "ROLLBACK", NULL, NULL, NULL);
	pthread_mutex_unlock(&db->lock);
	return status;
}

static int copy_blob(sqlite3_stmt *statement, int column, unsigned char *out, size_t size)
{
	if ((size_t)sqlite3_column_bytes(statement, column) != size)
		return -1;
	memcpy(out, sqlite3_column_blob(statement, column), size);
	return 0;
}

int db_load_team(struct db *db, struct crypt_team *team)
{
	sqlite3_stmt *statement;
	int status = -1;
	pthread_mutex_lock(&db->lock);
	if (sqlite3_prepare_v2(db->connection, "SELECT public_key, secret_by_recovery FROM team WHERE id = 1", -1,
			       &statement, NULL) == SQLITE_OK) {
		if (sqlite3_step(statement) == SQLITE_ROW &&
		    copy_blob(statement, 0, team->public_key, CRYPT_KEY_BYTES) == 0 &&
		    copy_blob(statement, 1, team->wrapped_secret, CRYPT_WRAPPED_KEY_BYTES) == 0)
			status = 0;
		sqlite3_finalize(statement);
	}
	pthread_mutex_unlock(&db->lock);
	return status;
}

static int insert_one(sqlite3_stmt *statement, const struct db_report *report, const char *day)
{
	bool ok = sqlite3_bind_text(statement, 1, report->ref, -1, SQLITE_STATIC) == SQLITE_OK &&
		  sqlite3_bind_text(statement, 2, report->kind, -1, SQLITE_STATIC) == SQLITE_OK &&
		  sqlite3_bind_text(statement, 3, day, -1, SQLITE_STATIC) == SQLITE_OK &&
		  sqlite3_bind_text(statement, 4, report->forms, -1, SQLITE_STATIC) == SQLITE_OK &&
		  sqlite3_bind_text(statement, 5, report->signals, -1, SQLITE_STATIC) == SQLITE_OK &&
		  sqlite3_bind_blob(statement, 6, report->receipt_lookup, CRYPT_KEY_BYTES, SQLITE_STATIC) == SQLITE_OK &&
		  sqlite3_bind_blob(statement, 7, report->receipt_salt, CRYPT_SALT_BYTES, SQLITE_STATIC) == SQLITE_OK &&
		  sqlite3_bind_blob(statement, 8, report->key_for_receipt, CRYPT_WRAPPED_KEY_BYTES, SQLITE_STATIC) ==
			  SQLITE_OK &&
		  sqlite3_bind_blob(statement, 9, report->key_for_team, CRYPT_SEALED_KEY_BYTES, SQLITE_STATIC) ==
			  SQLITE_OK &&
		  sqlite3_bind_blob(statement, 10, report->content, (int)report->content_len, SQLITE_STATIC) ==
			  SQLITE_OK &&
		  sqlite3_step(statement) == SQLITE_DONE;
	sqlite3_reset(statement);
	sqlite3_clear_bindings(statement);
	return ok ? 0 : -1;
}

/* One transaction for the whole batch. A report that cannot be inserted is
 * rolled back to its savepoint alone; if the commit fails, all fail. */
static void commit_batch(struct db *db, struct pending_insert *batch)
{
	static const char sql[] =
		"INSERT INTO reports (ref, kind, status, created_day, forms, signals, receipt_lookup, receipt_salt,"
		" key_for_receipt, key_for_team, content) VALUES (?, ?, 'new', ?, ?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *statement = NULL;
	char day[11];
	today(day);
	pthread_mutex_lock(&db->lock);
	bool begun = sqlite3_exec(db->connection, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK;
	if (begun && sqlite3_prepare_v2(db->connection, sql, -1, &statement, NULL) == SQLITE_OK) {
		for (struct pending_insert *p = batch; p; p = p->next) {
			sqlite3_exec(db->connection, "SAVEPOINT one_report", NULL, NULL, NULL);
			p->status = insert_one(statement, p->report, day);
			sqlite3_exec(db->connection, p->status ? "ROLLBACK TO one_report; RELEASE one_report"
							       : "RELEASE one_report",
				     NULL, NULL, NULL);
		}
	}
	sqlite3_finalize(statement);
	/* durable (synchronous=FULL) once COMMIT returns */
	if (!begun || !statement || sqlite3_exec(db->connection, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		if (begun)
			sqlite3_exec(db->connection, "ROLLBACK", NULL, NULL, NULL);
		for (struct pending_insert *p = batch; p; p = p->next)
			p->status = -1;
	}
	pthread_mutex_unlock(&db->lock);
}

int db_insert_report(struct db *db, const struct db_report *report)
{
	struct pending_insert mine = {.report = report, .status = -1};
	pthread_mutex_lock(&db->queue_lock);
	mine.next = db->queue;
	db->queue = &mine;
	while (!mine.done && db->committing)
		pthread_cond_wait(&db->committed, &db->queue_lock);
	if (mine.done) { /* a batch that another thread committed carried this report */
		pthread_mutex_unlock(&db->queue_lock);
		return mine.status;
	}
	/* lead the next commit with everything that is queued, this report included */
	struct pending_insert *batch = db->queue;
	db->queue = NULL;
	db->committing = true;
	pthread_mutex_unlock(&db->queue_lock);
	commit_batch(db, batch);
	pthread_mutex_lock(&db->queue_lock);
	int status = mine.status;
	for (struct pending_insert *p = batch, *next; p; p = next) {
		next = p->next; /* read before `done`: the waiter may return at once */
		p->done = true;
	}
	db->committing = false;
	pthread_cond_broadcast(&db->committed);
	pthread_mutex_unlock(&db->queue_lock);
	return status;
}

static const char report_columns[] =
	"SELECT ref, kind, status, created_day, forms, signals, receipt_lookup, receipt_salt, key_for_receipt,"
	" key_for_team, content, (SELECT count(*) FROM messages WHERE report_ref = reports.ref) FROM reports ";

static void copy_text(sqlite3_stmt *statement, int column, char *out, size_t size)
{
	const unsigned char *text = sqlite3_column_text(statement, column);
	snprintf(out, size, "%s", text ? (const char *)text : "");
}

static int read_report_row(sqlite3_stmt *statement, struct db_report *out, bool with_content)
{
	memset(out, 0, sizeof *out);
	copy_text(statement, 0, out->ref, sizeof out->ref);
	copy_text(statement, 1, out->kind, sizeof out->kind);
	copy_text(statement, 2, out->status, sizeof out->status);
	copy_text(statement, 3, out->created_day, sizeof out->created_day);
	copy_text(statement, 4, out->forms, sizeof out->forms);
	copy_text(statement, 5, out->signals, sizeof out->signals);
	out->message_count = (unsigned)sqlite3_column_int(statement, 11);
	if (copy_blob(statement, 6, out->receipt_lookup, CRYPT_KEY_BYTES) ||
	    copy_blob(statement, 7, out->receipt_salt, CRYPT_SALT_BYTES) ||
	    copy_blob(statement, 8, out->key_for_receipt, CRYPT_WRAPPED_KEY_BYTES) ||
	    copy_blob(statement, 9, out->key_for_team, CRYPT_SEALED_KEY_BYTES))
		return -1;
	if (with_content) {
		int len = sqlite3_column_bytes(statement, 10);
		out->content = malloc(len > 0 ? (size_t)len : 1);
		if (!out->content)
			return -1;
		memcpy(out->content, sqlite3_column_blob(statement, 10), (size_t)len);
		out->content_len = (size_t)len;
	}
	return 0;
}

static int find_one(struct db *db, const char *where, const void *key, int key_len, bool key_is_text,
		    struct db_report *out)
{
	char sql[600];
	sqlite3_stmt *statement;
	int status = -1;
	snprintf(sql, sizeof sql, "%s%s", report_columns, where);
	pthread_mutex_lock(&db->lock);
	if (sqlite3_prepare_v2(db->connection, sql, -1, &statement, NULL) == SQLITE_OK) {
		int bound = key_is_text ? sqlite3_bind_text(statement, 1, key, key_len, SQLITE_STATIC)
					: sqlite3_bind_blob(statement, 1, key, key_len, SQLITE_STATIC);
		if (bound == SQLITE_OK) {
			int step = sqlite3_step(statement);
			if (step == SQLITE_ROW)
				status = read_report_row(statement, out, true);
			else if (step == SQLITE_DONE)
				status = 1;
		}
		sqlite3_finalize(statement);
	}
	pthread_mutex_unlock(&db->lock);
	return status;
}

int db_find_report(struct db *db, const unsigned char lookup[CRYPT_KEY_BYTES], struct db_report *out)
{
	return find_one(db, "WHERE receipt_lookup = ?", lookup, CRYPT_KEY_BYTES, false, out);
}

int db_get_report(struct db *db, const char *ref, struct db_report *out)
{
	return find_one(db, "WHERE ref = ?", ref, -1, true, out);
}

void db_report_release(struct db_report *report)
{
	free(report->content);
	report->content = NULL;
	report->content_len = 0;
}

int db_list_reports(struct db *db, void (*each)(void *ctx, const struct db_report *), void *ctx)
{
	char sql[600];
	sqlite3_stmt *statement;
	int status = -1;
	snprintf(sql, sizeof sql, "%sORDER BY created_day DESC, rowid DESC", report_columns);
	pthread_mutex_lock(&db->lock);
	if (sqlite3_prepare_v2(db->connection, sql, -1, &statement, NULL) == SQLITE_OK) {
		int step;
		struct db_report report;
		while ((step = sqlite3_step(statement)) == SQLITE_ROW) {
			if (read_report_row(statement, &report, false) == 0)
				each(ctx, &report);
		}
		status = step == SQLITE_DONE ? 0 : -1;
		sqlite3_finalize(statement);
	}
	pthread_mutex_unlock(&db->lock);
	return status;
}

int db_add_message(struct db *db, const char *ref, const char *sender, const unsigned char *box, size_t len,
		   unsigned cap)
{
	sqlite3_stmt *count = NULL, *insert = NULL;
	char day[11];
	today(day);
	int status = -1;
	pthread_mutex_lock(&db->lock);
	if (sqlite3_exec(db->connection, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		goto done;
	if (sqlite3_prepare_v2(db->connection, "SELECT count(*) FROM messages WHERE report_ref = ?", -1, &count, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(count, 1, ref, -1, SQLITE_STATIC) != SQLITE_OK || sqlite3_step(count) != SQLITE_ROW)
		goto rollback;
	if ((unsigned)sqlite3_column_int(count, 0) >= cap) {
		status = 1;
		goto rollback;
	}
	if (sqlite3_prepare_v2(db->connection,
			       "INSERT INTO messages (report_ref, sender, created_day, body) VALUES (?, ?, ?, ?)", -1, &insert,
			       NULL) != SQLITE_OK ||
	    sqlite3_bind_text(insert, 1, ref, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(insert, 2, sender, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(insert, 3, day, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_blob(insert, 4, box, (int)len, SQLITE_STATIC) != SQLITE_OK || sqlite3_step(insert) != SQLITE_DONE)
		goto rollback;
	if (sqlite3_exec(db->connection, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
		status = 0;
	goto done;
rollback:
	sqlite3_exec(db->connection, "ROLLBACK", NULL, NULL, NULL);
done:
	sqlite3_finalize(count);
	sqlite3_finalize(insert);
	pthread_mutex_unlock(&db->lock);
	return status;
}

int db_list_messages(struct db *db, const char *ref, void (*each)(void *ctx, const struct db_message *), void *ctx)
{
	sqlite3_stmt *statement;
	int status = -1;
	pthread_mutex_lock(&db->lock);
	if (sqlite3_prepare_v2(db->connection,
			       "SELECT sender, created_day, body FROM messages WHERE report_ref = ? ORDER BY id", -1,
			       &statement, NULL) == SQLITE_OK &&
	    sqlite3_bind_text(statement, 1, ref, -1, SQLITE_STATIC) == SQLITE_OK) {
		int step;
		while ((step = sqlite3_step(statement)) == SQLITE_ROW) {
			struct db_message message;
			copy_text(statement, 0, message.sender, sizeof message.sender);
			copy_text(statement, 1, message.created_day, sizeof message.created_day);
			message.box = (unsigned char *)sqlite3_column_blob(statement, 2);
			message.box_len = (size_t)sqlite3_column_bytes(statement, 2);
			each(ctx, &message);
		}
		status = step == SQLITE_DONE ? 0 : -1;
	}
	sqlite3_finalize(statement);
	pthread_mutex_unlock(&db->lock);
	return status;
}

int db_set_status(struct db *db, const char *ref, const char *status_text)
{
	sqlite3_stmt *statement;
	int status = -1;
	pthread_mutex_lock(&db->lock);
	if (sqlite3_prepare_v2(db->connection, "UPDATE reports SET status = ? WHERE ref = ?", -1, &statement, NULL) == SQLITE_OK) {
		if (sqlite3_bind_text(statement, 1, status_text, -1, SQLITE_STATIC) == SQLITE_OK &&
		    sqlite3_bind_text(statement, 2, ref, -1, SQLITE_STATIC) == SQLITE_OK &&
		    sqlite3_step(statement) == SQLITE_DONE && sqlite3_changes(db->connection) == 1)
			status = 0;
		sqlite3_finalize(statement);
	}
	pthread_mutex_unlock(&db->lock);
	return status;
}

/* Issue 10: a report from the HTML form, with the keyed hash of its single-use submission key. In one
 * transaction of its own: 1 when a report with that key exists already (nothing is written), else the
 * report is stored with the key (UNIQUE, so a second one can never be stored, across restarts and
 * processes). Not part of the group commit: people send forms one at a time. */
int db_insert_report_once(struct db *db, const struct db_report *report, const unsigned char key_hash[CRYPT_KEY_BYTES])
{
	static const char sql[] =
		"INSERT INTO reports (ref, kind, status, created_day, forms, signals, receipt_lookup, receipt_salt,"
		" key_for_receipt, key_for_team, content, submission_key) VALUES (?, ?, 'new', ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *seen = NULL, *insert = NULL;
	char day[11];
	today(day);
	int status = -1, step = SQLITE_ERROR;
	pthread_mutex_lock(&db->lock);
	if (sqlite3_exec(db->connection, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		goto done;
	if (sqlite3_prepare_v2(db->connection, "SELECT 1 FROM reports WHERE submission_key = ?", -1, &seen, NULL) != SQLITE_OK ||
	    sqlite3_bind_blob(seen, 1, key_hash, CRYPT_KEY_BYTES, SQLITE_STATIC) != SQLITE_OK)
		goto rollback;
	step = sqlite3_step(seen);
	if (step == SQLITE_ROW) {
		status = 1;
		goto rollback;
	}
	if (step != SQLITE_DONE || sqlite3_prepare_v2(db->connection, sql, -1, &insert, NULL) != SQLITE_OK ||
	    sqlite3_bind_blob(insert, 11, key_hash, CRYPT_KEY_BYTES, SQLITE_STATIC) != SQLITE_OK ||
	    insert_one(insert, report, day) != 0)
		goto rollback;
	/* durable (synchronous=FULL) once COMMIT returns */
	if (sqlite3_exec(db->connection, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
		status = 0;
	else
		sqlite3_exec(db->connection, "ROLLBACK", NULL, NULL, NULL);
	goto done;
rollback:
	sqlite3_exec(db->connection, "ROLLBACK", NULL, NULL, NULL);
done:
	sqlite3_finalize(seen);
	sqlite3_finalize(insert);
	pthread_mutex_unlock(&db->lock);
	return status;
}
