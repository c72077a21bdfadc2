/* db backend for SQLite: WAL, synchronous=FULL, schema versions in
 * schema_version, migrations from db/sqlite/ (built in).
 *
 * Connections: one writer behind write_lock (SQLite serialises writers
 * anyway), and DB_SQLITE_READERS readers with a lock each. In WAL mode a
 * reader sees the last commit and never waits for the writer, so reads do not
 * queue behind a commit's fsync. Each connection is used by one thread at a
 * time (our locks), so SQLite's own mutexes are off (SQLITE_OPEN_NOMUTEX).
 *
 * New reports are written with group commit: a submission that arrives while
 * another transaction is being committed waits, and the next transaction
 * carries every report that queued up meanwhile (a failed INSERT is undone
 * alone, sqlite_commit_batch). Each report is still durable before
 * db_insert_report() returns, but one fsync serves several reports. The
 * queue and the committer thread are db.c's; this backend commits the
 * batches it is given (sqlite_commit_batch). */
#define _POSIX_C_SOURCE 200809L
#include "db_backend.h"
#include "db_sqlite.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#define PATH_SIZE 4096

/* Statements of the group-commit path, prepared once on the writer and kept
 * (reset after each use). Preparing the INSERT compiled the schema's triggers
 * (the case row, its counts) every batch, and each BEGIN, SAVEPOINT, RELEASE
 * and COMMIT was parsed again by sqlite3_exec: 17 % of the server's CPU per
 * submission when batches are small (fast disk or none). */
enum cached_statement {
	CACHED_BEGIN,
	CACHED_SAVEPOINT,
	CACHED_RELEASE,
	CACHED_ROLLBACK_TO,
	CACHED_COMMIT,
	CACHED_INSERT_REPORT,
	CACHED_COUNT
};
static const char *const cached_sql[CACHED_COUNT] = {
	[CACHED_BEGIN] = "BEGIN IMMEDIATE",
	[CACHED_SAVEPOINT] = "SAVEPOINT one_report",
	[CACHED_RELEASE] = "RELEASE one_report",
	[CACHED_ROLLBACK_TO] = "ROLLBACK TO one_report",
	[CACHED_COMMIT] = "COMMIT",
	[CACHED_INSERT_REPORT] =
		"INSERT INTO reports (ref, kind, status, created_day, forms, signals, receipt_lookup, receipt_salt,"
		" key_for_receipt, key_for_team, content, submission_key) VALUES (?, ?, 'new', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
};

struct reader {
	sqlite3 *connection;
	pthread_mutex_t lock;
};

struct sqlite_db {
	char path[PATH_SIZE];
	bool created;                 /* this handle made the database file */
	sqlite3 *writer;
	pthread_mutex_t write_lock;   /* the writer connection and `cached` */
	sqlite3_stmt *cached[CACHED_COUNT]; /* NULL until first used */
	struct reader readers[DB_SQLITE_READERS];
	unsigned reader_count;
	atomic_uint next_reader;
	/* the outcome of the last write, for storage_state(): 0 when it succeeded
	 * (or none was made yet), else SQLite's extended error code */
	atomic_int last_write_error;
	/* which of the locks above exist, so that a failed open undoes only those */
	bool write_lock_made;
};

static struct sqlite_db *state_of(struct db *db)
{
	return db->state;
}

/* The database, its -wal and -shm hold what reporters wrote (encrypted) and
 * the metadata in clear: no other user may read or change them. A file that
 * exists with group or other permissions is refused, not fixed silently:
 * someone gave those permissions, and should take them back. (The key file is
 * checked by crypt when it loads it.) */
static int check_private_files(const char *path, char error[DB_ERROR_SIZE])
{
	static const char *const suffixes[] = {"", "-wal", "-shm"};
	char name[PATH_SIZE + 8];
	for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
		snprintf(name, sizeof name, "%s%s", path, suffixes[i]);
		struct stat info;
		if (stat(name, &info) != 0)
			continue; /* not there (yet): it will be made private */
		if (info.st_mode & 077) {
			snprintf(error, DB_ERROR_SIZE,
				 "%.100s: other users may read or change it (mode %04o); run 'chmod 600 %.100s*' first",
				 name, (unsigned)(info.st_mode & 07777), path);
			return -1;
		}
	}
	return 0;
}

/* Errors that say the storage itself fails (not a constraint or a busy lock). */
static bool is_storage_error(int code)
{
	switch (code & 0xff) {
	case SQLITE_FULL:
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
	case SQLITE_READONLY:
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
	case SQLITE_PERM:
		return true;
	default:
		return false;
	}
}

/* Records a write's outcome; call with write_lock held, right after the write. */
static void note_write(struct sqlite_db *s, bool ok)
{
	int code = ok ? 0 : sqlite3_extended_errcode(s->writer);
	if (ok || is_storage_error(code))
		atomic_store(&s->last_write_error, ok ? 0 : code);
}

static int exec(sqlite3 *connection, const char *sql)
{
	return sqlite3_exec(connection, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/* One of the writer's kept statements, prepared the first time; call with
 * write_lock held. NULL when it cannot be prepared. */
static sqlite3_stmt *cached(struct sqlite_db *s, enum cached_statement which)
{
	if (!s->cached[which] && sqlite3_prepare_v3(s->writer, cached_sql[which], -1, SQLITE_PREPARE_PERSISTENT,
						    &s->cached[which], NULL) != SQLITE_OK) {
		sqlite3_finalize(s->cached[which]);
		s->cached[which] = NULL;
	}
	return s->cached[which];
}

/* exec() of a kept statement without parameters or rows (BEGIN, SAVEPOINT,
 * COMMIT...): 0 or -1, SQLite's error left on the writer for note_write(). */
static int exec_cached(struct sqlite_db *s, enum cached_statement which)
{
	sqlite3_stmt *statement = cached(s, which);
	if (!statement)
		return -1;
	int code = sqlite3_step(statement);
	sqlite3_reset(statement);
	return code == SQLITE_DONE ? 0 : -1;
}

/* COMMIT of the writer's transaction, after the test hook; call with
 * write_lock held. On failure the transaction is still open: roll it back. */
static int commit(struct db *db, unsigned reports)
{
	struct sqlite_db *s = state_of(db);
	if (db_backend_before_commit(db, reports) != 0) {
		/* a failed fsync, as a test asked for: the storage failed */
		atomic_store(&s->last_write_error, SQLITE_IOERR);
		return -1;
	}
	if (exec_cached(s, CACHED_COMMIT)) {
		note_write(s, false);
		return -1;
	}
	note_write(s, true);
	db_backend_committed(db, reports);
	return 0;
}

static void rollback(struct sqlite_db *s)
{
	/* a failed ROLLBACK leaves nothing more to undo here: SQLite rolls back
	 * an open transaction itself when the next BEGIN or the close finds it */
	(void)exec(s->writer, "ROLLBACK");
}

static void remove_files(const char *path)
{
	static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
	char name[PATH_SIZE + 16];
	for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
		snprintf(name, sizeof name, "%s%s", path, suffixes[i]);
		unlink(name);
	}
}

static void close_state(struct sqlite_db *s, bool remove_if_new)
{
	for (size_t i = 0; i < CACHED_COUNT; i++)
		sqlite3_finalize(s->cached[i]); /* else the writer would not close */
	for (unsigned i = 0; i < s->reader_count; i++) {
		sqlite3_close(s->readers[i].connection);
		pthread_mutex_destroy(&s->readers[i].lock);
	}
	sqlite3_close(s->writer);
	if (s->write_lock_made)
		pthread_mutex_destroy(&s->write_lock);
	if (remove_if_new && s->created)
		remove_files(s->path);
	free(s);
}

static int open_connection(const char *path, bool create, bool reader, sqlite3 **out, char error[DB_ERROR_SIZE])
{
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
	*out = NULL;
	if (sqlite3_open_v2(path, out, flags, NULL) != SQLITE_OK) {
		snprintf(error, DB_ERROR_SIZE, "%.200s: %s", path,
			 create ? "cannot be created" : "no database there: run 'meldwijzer init --db URL' first");
		return -1;
	}
	sqlite3_busy_timeout(*out, 5000);
	/* readers never write: query_only makes a mistake in this file fail loudly */
	const char *pragmas = reader ? "PRAGMA query_only=1; PRAGMA foreign_keys=ON;" : DB_SQLITE_PRAGMAS;
	char *message = NULL;
	if (sqlite3_exec(*out, pragmas, NULL, NULL, &message) != SQLITE_OK) {
		snprintf(error, DB_ERROR_SIZE, "%.200s: %s", path, message ? message : "cannot configure");
		sqlite3_free(message);
		return -1;
	}
	return 0;
}

static void settle_library(void)
{
	DB_SQLITE_LIBRARY_SETTINGS();
}

static int sqlite_open(struct db *db, const char *path, bool create, char error[DB_ERROR_SIZE])
{
	static pthread_once_t library_settled = PTHREAD_ONCE_INIT;
	pthread_once(&library_settled, settle_library);
	if (strlen(path) >= PATH_SIZE) {
		snprintf(error, DB_ERROR_SIZE, "--db: the path is longer than %d bytes", PATH_SIZE - 1);
		return -1;
	}
	struct sqlite_db *s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(error, DB_ERROR_SIZE, "out of memory");
		return -1;
	}
	snprintf(s->path, sizeof s->path, "%s", path);
	if (create) {
		/* made here with 0600 whatever the umask is (SQLite gives -wal and -shm
		 * the database file's permissions); O_EXCL tells whether this handle
		 * made it, so that a failed init can remove what it made and only that */
		int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0)
			s->created = true;
		else if (errno == EEXIST)
			fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			snprintf(error, DB_ERROR_SIZE, "%.200s: cannot be created (%s)", path, strerror(errno));
			free(s);
			return -1;
		}
		close(fd);
	}
	if (check_private_files(path, error))
		goto fail;
	if (pthread_mutex_init(&s->write_lock, NULL) != 0)
		goto no_lock;
	s->write_lock_made = true;
	if (open_connection(path, create, false, &s->writer, error))
		goto fail;
	/* after the writer: it has set WAL mode, which the file keeps */
	for (unsigned i = 0; i < DB_SQLITE_READERS; i++) {
		struct reader *r = &s->readers[i];
		if (pthread_mutex_init(&r->lock, NULL) != 0)
			goto no_lock;
		if (open_connection(path, false, true, &r->connection, error)) {
			sqlite3_close(r->connection);
			pthread_mutex_destroy(&r->lock);
			goto fail;
		}
		s->reader_count++;
	}
	atomic_init(&s->next_reader, 0);
	atomic_init(&s->last_write_error, 0);
	db->state = s;
	return 0;
no_lock:
	snprintf(error, DB_ERROR_SIZE, "cannot make the database's locks");
fail:
	close_state(s, true);
	return -1;
}

static void sqlite_close(struct db *db, bool remove_if_new)
{
	close_state(state_of(db), remove_if_new);
	db->state = NULL;
}

static int sqlite_default_key_path(const char *location, char *out, size_t size)
{
	int len = snprintf(out, size, "%s.key", location);
	return len < 0 || (size_t)len >= size ? -1 : 0;
}

static int sqlite_schema_version(void)
{
	return (int)db_sqlite_migration_count;
}

/* A reader connection, locked: a free one if there is one, else the next in
 * turn (the wait is for another read, never for a commit). */
static struct reader *take_reader(struct sqlite_db *s)
{
	unsigned start = atomic_fetch_add(&s->next_reader, 1);
	for (unsigned i = 0; i < s->reader_count; i++) {
		struct reader *r = &s->readers[(start + i) % s->reader_count];
		if (pthread_mutex_trylock(&r->lock) == 0)
			return r;
	}
	struct reader *r = &s->readers[start % s->reader_count];
	pthread_mutex_lock(&r->lock);
	return r;
}

static void give_reader(struct reader *r)
{
	pthread_mutex_unlock(&r->lock);
}

static int sqlite_is_initialised(struct db *db)
{
	struct sqlite_db *s = state_of(db);
	sqlite3_stmt *statement;
	int result = -1;
	pthread_mutex_lock(&s->write_lock);
	if (sqlite3_prepare_v2(s->writer,
			       "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'", -1,
			       &statement, NULL) == SQLITE_OK) {
		if (sqlite3_step(statement) == SQLITE_ROW)
			result = sqlite3_column_int(statement, 0) > 0 ? 1 : 0;
		sqlite3_finalize(statement);
	}
	pthread_mutex_unlock(&s->write_lock);
	return result;
}

/* Opens the transaction that migrations run in, with foreign keys off: a
 * migration that rebuilds a table (008) drops the old one while other tables
 * still refer to it, which SQLite allows only then. The pragma has no effect
 * inside a transaction, so it comes first; end_migrations() turns them back
 * on, and apply_migrations() checks every reference before the commit. */
static int begin_migrations(struct sqlite_db *s, char **message)
{
	return sqlite3_exec(s->writer, "PRAGMA foreign_keys=OFF; BEGIN IMMEDIATE", NULL, NULL, message) == SQLITE_OK
		       ? 0
		       : -1;
}

/* After the commit or the rollback: foreign keys on again, as DB_SQLITE_PRAGMAS set them. */
static void end_migrations(struct sqlite_db *s)
{
	exec(s->writer, "PRAGMA foreign_keys=ON");
}

/* 0 when every row's foreign keys find their rows, as they would have with
 * the keys on; else -1 with the table in `message`. */
static int foreign_keys_hold(struct sqlite_db *s, char **message)
{
	sqlite3_stmt *statement = NULL;
	int status = -1;
	if (sqlite3_prepare_v2(s->writer, "PRAGMA foreign_key_check", -1, &statement, NULL) == SQLITE_OK) {
		int step = sqlite3_step(statement);
		if (step == SQLITE_DONE)
			status = 0;
		else if (step == SQLITE_ROW && !*message)
			*message = sqlite3_mprintf("a row of %s refers to a row that is not there",
						   (const char *)sqlite3_column_text(statement, 0));
	}
	sqlite3_finalize(statement);
	return status;
}

/* Runs the migrations from version `from` on inside the caller's transaction
 * (begin_migrations); holds write_lock. */
static int apply_migrations(struct sqlite_db *s, int from, char **message)
{
	for (int v = from; v < sqlite_schema_version(); v++) {
		if (sqlite3_exec(s->writer, db_sqlite_migrations[v], NULL, NULL, message) != SQLITE_OK)
			return -1;
	}
	return foreign_keys_hold(s, message);
}

static int set_version(struct sqlite_db *s, char **message)
{
	char sql[80];
	snprintf(sql, sizeof sql, "UPDATE schema_version SET version = %d", sqlite_schema_version());
	return sqlite3_exec(s->writer, sql, NULL, NULL, message) == SQLITE_OK ? 0 : -1;
}

static int sqlite_upgrade(struct db *db, char error[DB_ERROR_SIZE])
{
	struct sqlite_db *s = state_of(db);
	sqlite3_stmt *statement;
	char *message = NULL;
	int version = -1, status = -1;
	bool begun = false;
	pthread_mutex_lock(&s->write_lock);
	if (begin_migrations(s, &message))
		goto done;
	begun = true;
	if (sqlite3_prepare_v2(s->writer, "SELECT version FROM schema_version", -1, &statement, NULL) == SQLITE_OK) {
		if (sqlite3_step(statement) == SQLITE_ROW)
			version = sqlite3_column_int(statement, 0);
		sqlite3_finalize(statement);
	}
	if (version < 0 || version > sqlite_schema_version()) {
		snprintf(error, DB_ERROR_SIZE,
			 version < 0 ? "the database has no schema version"
				     : "the database was made by a newer meldwijzer (schema version %d; this one knows up to %d)",
			 version, sqlite_schema_version());
		rollback(s);
		end_migrations(s);
		pthread_mutex_unlock(&s->write_lock);
		return -1;
	}
	if (version == sqlite_schema_version()) {
		/* nothing is written when the database is current */
		status = exec(s->writer, "COMMIT");
		goto done;
	}
	if (apply_migrations(s, version, &message) || set_version(s, &message) || commit(db, 0))
		goto done;
	status = 0;
done:
	if (status) {
		snprintf(error, DB_ERROR_SIZE, "cannot upgrade the database: %s",
			 message ? message : sqlite3_errmsg(s->writer));
		if (begun)
			rollback(s);
	}
	end_migrations(s);
	sqlite3_free(message);
	pthread_mutex_unlock(&s->write_lock);
	return status;
}

static int sqlite_initialise(struct db *db, const struct crypt_team *team, char error[DB_ERROR_SIZE])
{
	struct sqlite_db *s = state_of(db);
	int initialised = sqlite_is_initialised(db);
	if (initialised != 0) {
		snprintf(error, DB_ERROR_SIZE, "%s",
			 initialised == 1 ? "the database is already initialised" : "cannot read the database");
		return -1;
	}
	int status = -1;
	bool begun = false;
	char *message = NULL;
	sqlite3_stmt *statement = NULL;
	pthread_mutex_lock(&s->write_lock);
	if (begin_migrations(s, &message))
		goto done;
	begun = true;
	if (sqlite3_exec(s->writer, "CREATE TABLE schema_version (version INTEGER NOT NULL)", NULL, NULL, &message) !=
		    SQLITE_OK ||
	    apply_migrations(s, 0, &message))
		goto done;
	if (sqlite3_prepare_v2(s->writer, "INSERT INTO team (id, public_key, secret_by_recovery) VALUES (1, ?, ?)", -1,
			       &statement, NULL) != SQLITE_OK ||
	    sqlite3_bind_blob(statement, 1, team->public_key, CRYPT_KEY_BYTES, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_blob(statement, 2, team->wrapped_secret, CRYPT_WRAPPED_KEY_BYTES, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_step(statement) != SQLITE_DONE)
		goto done;
	if (sqlite3_exec(s->writer, "INSERT INTO schema_version VALUES (0)", NULL, NULL, &message) != SQLITE_OK ||
	    set_version(s, &message) || commit(db, 0))
		goto done;
	status = 0;
done:
	if (status) {
		snprintf(error, DB_ERROR_SIZE, "cannot create the schema: %s",
			 message ? message : sqlite3_errmsg(s->writer));
		if (begun)
			rollback(s);
	}
	end_migrations(s);
	sqlite3_finalize(statement);
	sqlite3_free(message);
	pthread_mutex_unlock(&s->write_lock);
	return status;
}

static int copy_blob(sqlite3_stmt *statement, int column, unsigned char *out, size_t size)
{
	if ((size_t)sqlite3_column_bytes(statement, column) != size)
		return -1;
	memcpy(out, sqlite3_column_blob(statement, column), size);
	return 0;
}

/* A text column into a fixed field: -1 when it does not fit (a row is read
 * whole or not at all, never cut short). */
static int copy_text(sqlite3_stmt *statement, int column, char *out, size_t size)
{
	const unsigned char *text = sqlite3_column_text(statement, column);
	size_t len = (size_t)sqlite3_column_bytes(statement, column);
	if (len >= size)
		return -1;
	memcpy(out, text ? (const char *)text : "", text ? len : 0);
	out[text ? len : 0] = '\0';
	return 0;
}

static int sqlite_load_team(struct db *db, struct crypt_team *team)
{
	struct sqlite_db *s = state_of(db);
	sqlite3_stmt *statement;
	int status = -1;
	struct reader *r = take_reader(s);
	if (sqlite3_prepare_v2(r->connection, "SELECT public_key, secret_by_recovery FROM team WHERE id = 1", -1,
			       &statement, NULL) == SQLITE_OK) {
		if (sqlite3_step(statement) == SQLITE_ROW && copy_blob(statement, 0, team->public_key, CRYPT_KEY_BYTES) == 0 &&
		    copy_blob(statement, 1, team->wrapped_secret, CRYPT_WRAPPED_KEY_BYTES) == 0)
			status = 0;
		sqlite3_finalize(statement);
	}
	give_reader(r);
	return status;
}

/* A case by its report's ref: reports' index on ref gives the report's
 * number, which is its case's id (migration 008); cases.ref has no index. */
#define CASE_OF_REF "id = (SELECT id FROM reports WHERE ref = ?)"

/* 0, or SQLite's error code for this report. */
static int insert_one(sqlite3_stmt *statement, const struct db_report *report)
{
	bool ok = sqlite3_bind_text(statement, 1, report->ref, -1, SQLITE_STATIC) == SQLITE_OK &&
		  sqlite3_bind_text(statement, 2, report->kind, -1, SQLITE_STATIC) == SQLITE_OK &&
		  sqlite3_bind_text(statement, 3, report->created_day, -1, SQLITE_STATIC) == SQLITE_OK &&
		  sqlite3_bind_text(statement, 4, report->forms, -1, SQLITE_STATIC) == SQLITE_OK &&
		  sqlite3_bind_text(statement, 5, report->signals, -1, SQLITE_STATIC) == SQLITE_OK &&
		  sqlite3_bind_blob(statement, 6, report->receipt_lookup, CRYPT_KEY_BYTES, SQLITE_STATIC) == SQLITE_OK &&
		  sqlite3_bind_blob(statement, 7, report->receipt_salt, CRYPT_SALT_BYTES, SQLITE_STATIC) == SQLITE_OK &&
		  sqlite3_bind_blob(statement, 8, report->key_for_receipt, CRYPT_WRAPPED_KEY_BYTES, SQLITE_STATIC) ==
			  SQLITE_OK &&
		  sqlite3_bind_blob(statement, 9, report->key_for_team, CRYPT_SEALED_KEY_BYTES, SQLITE_STATIC) ==
			  SQLITE_OK &&
		  report->content_len <= INT32_MAX &&
		  sqlite3_bind_blob(statement, 10, report->content, (int)report->content_len, SQLITE_STATIC) ==
			  SQLITE_OK &&
		  (report->has_submission_key
			   ? sqlite3_bind_blob(statement, 11, report->submission_key, CRYPT_KEY_BYTES, SQLITE_STATIC)
			   : sqlite3_bind_null(statement, 11)) == SQLITE_OK &&
		  sqlite3_step(statement) == SQLITE_DONE;
	int code = ok ? 0 : sqlite3_extended_errcode(sqlite3_db_handle(statement));
	sqlite3_reset(statement);
	sqlite3_clear_bindings(statement);
	return ok ? 0 : code ? code : SQLITE_ERROR;
}

/* A call the team took: its case row says so (the schema's trigger made it
 * 'online'). A second statement, so such a report is stored in a savepoint
 * of its own: both statements or neither. */
static bool takes_source(const struct db_report *report)
{
	return report->source[0] && strcmp(report->source, "online") != 0;
}

/* 0, or SQLite's error code. */
static int mark_source(sqlite3 *writer, const struct db_report *report)
{
	sqlite3_stmt *statement = NULL;
	bool ok = sqlite3_prepare_v2(writer, "UPDATE cases SET source = ? WHERE " CASE_OF_REF, -1, &statement,
				     NULL) == SQLITE_OK &&
		  sqlite3_bind_text(statement, 1, report->source, -1, SQLITE_STATIC) == SQLITE_OK &&
		  sqlite3_bind_text(statement, 2, report->ref, -1, SQLITE_STATIC) == SQLITE_OK &&
		  sqlite3_step(statement) == SQLITE_DONE && sqlite3_changes(writer) == 1;
	int code = ok ? 0 : sqlite3_extended_errcode(writer);
	sqlite3_finalize(statement);
	return ok ? 0 : code ? code : SQLITE_ERROR;
}

/* One transaction for the whole batch (db_backend.h). A report is one INSERT
 * (its case row and counts come from the schema's triggers), and an INSERT
 * that fails is undone alone by SQLite itself: the rest of the transaction
 * stays. So no savepoint per report (it cost 10,000 of 222,000 instructions
 * per stored report, callgrind, docs/benchmarks.md), except for a call the
 * team took (two statements). SQLite may instead roll the whole transaction
 * back (a full disk, an I/O error, no memory): then, or if a savepoint or
 * the commit fails, all of the batch fails and nothing of it is stored. */
static void sqlite_commit_batch(struct db *db, struct db_pending_insert *batch)
{
	struct sqlite_db *s = state_of(db);
	pthread_mutex_lock(&s->write_lock);
	int storage_error = 0;
	unsigned stored = 0;
	bool begun = exec_cached(s, CACHED_BEGIN) == 0;
	sqlite3_stmt *statement = begun ? cached(s, CACHED_INSERT_REPORT) : NULL;
	bool whole = statement != NULL;
	for (struct db_pending_insert *p = batch; whole && p; p = p->next) {
		if (p->unsealed) {
			p->status = -1;
			continue;
		}
		bool in_savepoint = takes_source(p->report);
		if (in_savepoint && exec_cached(s, CACHED_SAVEPOINT)) {
			whole = false;
			break;
		}
		int code = insert_one(statement, p->report);
		if (!code && in_savepoint)
			code = mark_source(s->writer, p->report);
		if (code && is_storage_error(code) && !storage_error)
			storage_error = code;
		/* a form sent again: its submission key is taken (the 128-bit random
		 * ref and receipt lookup cannot collide in practice) */
		bool sent_before = code == SQLITE_CONSTRAINT_UNIQUE && p->report->has_submission_key;
		p->status = code ? (sent_before ? 1 : -1) : 0;
		stored += code ? 0 : 1;
		/* the reports before this one must still be in the transaction, and
		 * nothing of this one unless all of it: else the batch is rolled back
		 * rather than committed */
		bool transaction_holds;
		if (in_savepoint)
			transaction_holds = (!code || exec_cached(s, CACHED_ROLLBACK_TO) == 0) &&
					    exec_cached(s, CACHED_RELEASE) == 0;
		else /* SQLite undid the failed INSERT alone, unless it ended the transaction */
			transaction_holds = !code || !sqlite3_get_autocommit(s->writer);
		if (!transaction_holds)
			whole = false;
	}
	/* durable (synchronous=FULL) once COMMIT returns */
	if (!whole || commit(db, stored)) {
		if (!whole)
			note_write(s, false);
		if (begun)
			rollback(s);
		for (struct db_pending_insert *p = batch; p; p = p->next)
			p->status = -1;
	} else if (storage_error) {
		atomic_store(&s->last_write_error, storage_error);
	}
	pthread_mutex_unlock(&s->write_lock);
}

static const char report_columns[] =
	"SELECT ref, kind, status, created_day, forms, signals, receipt_lookup, receipt_salt, key_for_receipt,"
	" key_for_team, content, (SELECT count(*) FROM messages WHERE report_ref = reports.ref), rowid FROM reports ";

static int read_report_row(sqlite3_stmt *statement, struct db_report *out, bool with_content)
{
	memset(out, 0, sizeof *out);
	if (copy_text(statement, 0, out->ref, sizeof out->ref) || copy_text(statement, 1, out->kind, sizeof out->kind) ||
	    copy_text(statement, 2, out->status, sizeof out->status) ||
	    copy_text(statement, 3, out->created_day, sizeof out->created_day) ||
	    copy_text(statement, 4, out->forms, sizeof out->forms) ||
	    copy_text(statement, 5, out->signals, sizeof out->signals))
		return -1;
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
		if (len > 0)
			memcpy(out->content, sqlite3_column_blob(statement, 10), (size_t)len);
		out->content_len = (size_t)len;
	}
	return 0;
}

static int find_one(struct db *db, const char *where, const void *key, int key_len, bool key_is_text,
		    struct db_report *out)
{
	struct sqlite_db *s = state_of(db);
	char sql[600];
	sqlite3_stmt *statement;
	int status = -1;
	snprintf(sql, sizeof sql, "%s%s", report_columns, where);
	struct reader *r = take_reader(s);
	if (sqlite3_prepare_v2(r->connection, sql, -1, &statement, NULL) == SQLITE_OK) {
		int bound = key_is_text ? sqlite3_bind_text(statement, 1, key, key_len, SQLITE_STATIC)
					: sqlite3_bind_blob(statement, 1, key, key_len, SQLITE_STATIC);
		if (bound == SQLITE_OK) {
			int step = sqlite3_step(statement);
			if (step == SQLITE_ROW) {
				status = read_report_row(statement, out, true);
				if (status)
					db_report_release(out);
			} else if (step == SQLITE_DONE) {
				status = 1;
			}
		}
		sqlite3_finalize(statement);
	}
	give_reader(r);
	return status;
}

static int sqlite_find_report(struct db *db, const unsigned char lookup[CRYPT_KEY_BYTES], struct db_report *out)
{
	return find_one(db, "WHERE receipt_lookup = ?", lookup, CRYPT_KEY_BYTES, false, out);
}

static int sqlite_get_report(struct db *db, const char *ref, struct db_report *out)
{
	return find_one(db, "WHERE ref = ?", ref, -1, true, out);
}

/* Newest first is highest rowid first: SQLite gives each new row one above
 * the highest, so the order is the order of storing. The rowid of the last
 * row read is where the next page begins. */
static int sqlite_list_reports(struct db *db, int64_t *position, struct db_report rows[DB_LIST_PAGE], size_t *count)
{
	struct sqlite_db *s = state_of(db);
	char sql[600];
	sqlite3_stmt *statement;
	int status = -1;
	*count = 0;
	snprintf(sql, sizeof sql, "%sWHERE ?1 = 0 OR rowid < ?1 ORDER BY rowid DESC LIMIT %d", report_columns,
		 DB_LIST_PAGE);
	struct reader *r = take_reader(s);
	if (sqlite3_prepare_v2(r->connection, sql, -1, &statement, NULL) == SQLITE_OK) {
		if (sqlite3_bind_int64(statement, 1, *position) == SQLITE_OK) {
			int step;
			status = 0;
			while ((step = sqlite3_step(statement)) == SQLITE_ROW && *count < DB_LIST_PAGE) {
				if (read_report_row(statement, &rows[*count], false)) {
					status = -1;
					break;
				}
				*position = sqlite3_column_int64(statement, 12);
				++*count;
			}
			if (status == 0 && step != SQLITE_DONE && step != SQLITE_ROW)
				status = -1;
		}
		sqlite3_finalize(statement);
	}
	give_reader(r);
	return status;
}

static int count_with(sqlite3 *connection, const char *ref, sqlite3_int64 *out)
{
	sqlite3_stmt *statement;
	int status = -1;
	if (sqlite3_prepare_v2(connection, "SELECT count(*) FROM messages WHERE report_ref = ?", -1, &statement, NULL) ==
	    SQLITE_OK) {
		if (sqlite3_bind_text(statement, 1, ref, -1, SQLITE_STATIC) == SQLITE_OK &&
		    sqlite3_step(statement) == SQLITE_ROW) {
			*out = sqlite3_column_int64(statement, 0);
			status = 0;
		}
		sqlite3_finalize(statement);
	}
	return status;
}

static long sqlite_count_messages(struct db *db, const char *ref)
{
	struct sqlite_db *s = state_of(db);
	sqlite3_int64 count = -1;
	struct reader *r = take_reader(s);
	if (count_with(r->connection, ref, &count))
		count = -1;
	give_reader(r);
	return (long)count;
}

static int set_status_in_transaction(struct sqlite_db *s, const char *ref, const char *status_text)
{
	sqlite3_stmt *statement;
	int status = -1;
	if (sqlite3_prepare_v2(s->writer, "UPDATE reports SET status = ? WHERE ref = ?", -1, &statement, NULL) ==
	    SQLITE_OK) {
		if (sqlite3_bind_text(statement, 1, status_text, -1, SQLITE_STATIC) == SQLITE_OK &&
		    sqlite3_bind_text(statement, 2, ref, -1, SQLITE_STATIC) == SQLITE_OK &&
		    sqlite3_step(statement) == SQLITE_DONE && sqlite3_changes(s->writer) == 1)
			status = 0;
		sqlite3_finalize(statement);
	}
	return status;
}

static int sqlite_add_message(struct db *db, const char *ref, const struct db_new_message *message, unsigned cap,
			      const char *new_status)
{
	struct sqlite_db *s = state_of(db);
	sqlite3_stmt *insert = NULL;
	int status = -1;
	pthread_mutex_lock(&s->write_lock);
	if (exec(s->writer, "BEGIN IMMEDIATE")) {
		note_write(s, false);
		pthread_mutex_unlock(&s->write_lock);
		return -1;
	}
	sqlite3_int64 existing;
	if (count_with(s->writer, ref, &existing))
		goto rollback;
	if (existing >= (sqlite3_int64)cap) {
		status = 1;
		goto rollback;
	}
	/* the count and the insert are one transaction, so two writers cannot both take `seq` */
	if (existing + 1 != (sqlite3_int64)message->seq) {
		status = 2;
		goto rollback;
	}
	if (message->box_len > INT32_MAX ||
	    sqlite3_prepare_v2(s->writer,
			       "INSERT INTO messages (report_ref, sender, created_day, body, seq) VALUES (?, ?, ?, ?, ?)", -1,
			       &insert, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(insert, 1, ref, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(insert, 2, message->sender, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(insert, 3, message->day, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_blob(insert, 4, message->box, (int)message->box_len, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(insert, 5, (sqlite3_int64)message->seq) != SQLITE_OK || sqlite3_step(insert) != SQLITE_DONE) {
		note_write(s, false);
		goto rollback;
	}
	/* an answer and the status it sets: one transaction, both or neither */
	if (new_status && set_status_in_transaction(s, ref, new_status)) {
		note_write(s, false);
		goto rollback;
	}
	if (commit(db, 0) == 0) {
		status = 0;
		goto done;
	}
rollback:
	rollback(s);
done:
	sqlite3_finalize(insert);
	pthread_mutex_unlock(&s->write_lock);
	return status;
}

/* How one kind of row becomes an element of a list: `read` fills a zeroed element from the
 * statement's row (0, or -1); `release` frees what an element owns (NULL: nothing). An element that
 * failed half-way is released too, so `release` must take a zeroed or half-filled one. */
struct row_reader {
	size_t size;
	int (*read)(sqlite3_stmt *statement, void *row);
	void (*release)(void *row);
};

/* The rows of `sql` (with `ref` as its one parameter, or none when NULL) as a malloc'ed list that
 * db.c frees: whole, or nothing (-1). */
static int read_list(struct db *db, const char *sql, const char *ref, const struct row_reader *reader, void **out,
		     size_t *out_count)
{
	struct sqlite_db *s = state_of(db);
	sqlite3_stmt *statement = NULL;
	unsigned char *rows = NULL;
	size_t count = 0, capacity = 0;
	int status = -1;
	*out = NULL;
	*out_count = 0;
	struct reader *r = take_reader(s);
	if (sqlite3_prepare_v2(r->connection, sql, -1, &statement, NULL) != SQLITE_OK ||
	    (ref && sqlite3_bind_text(statement, 1, ref, -1, SQLITE_STATIC) != SQLITE_OK))
		goto done;
	int step;
	while ((step = sqlite3_step(statement)) == SQLITE_ROW) {
		if (count == capacity) {
			size_t grown_capacity = capacity ? 2 * capacity : 16;
			unsigned char *grown = realloc(rows, grown_capacity * reader->size);
			if (!grown)
				goto done;
			rows = grown;
			capacity = grown_capacity;
		}
		void *row = rows + count * reader->size;
		memset(row, 0, reader->size);
		count++; /* from here on the element is released with the list */
		if (reader->read(statement, row))
			goto done;
	}
	status = step == SQLITE_DONE ? 0 : -1;
done:
	sqlite3_finalize(statement);
	give_reader(r);
	if (status) {
		for (size_t i = 0; reader->release && i < count; i++)
			reader->release(rows + i * reader->size);
		free(rows);
		return -1;
	}
	*out = rows;
	*out_count = count;
	return 0;
}

/* A row with a box of its own (a message, a note): the box is copied out of SQLite's memory. */
static int copy_box(sqlite3_stmt *statement, int column, unsigned char **box, size_t *len)
{
	*len = (size_t)sqlite3_column_bytes(statement, column);
	*box = malloc(*len ? *len : 1);
	if (!*box)
		return -1;
	if (*len)
		memcpy(*box, sqlite3_column_blob(statement, column), *len);
	return 0;
}

static int read_message_row(sqlite3_stmt *statement, void *out)
{
	struct db_message_row *row = out;
	size_t len;
	if (copy_box(statement, 2, &row->box, &len) ||
	    copy_text(statement, 0, row->message.sender, sizeof row->message.sender) ||
	    copy_text(statement, 1, row->message.created_day, sizeof row->message.created_day))
		return -1;
	row->message.box = row->box;
	row->message.box_len = len;
	sqlite3_int64 seq = sqlite3_column_int64(statement, 3);
	/* NULL reads as 0; a number that does not fit is a wrong number, which the reader refuses */
	row->message.seq = seq < 0 || seq > (sqlite3_int64)UINT32_MAX ? UINT32_MAX : (unsigned)seq;
	return 0;
}

static void release_message_row(void *row)
{
	free(((struct db_message_row *)row)->box);
}

static const struct row_reader message_rows = {sizeof(struct db_message_row), read_message_row, release_message_row};

static int sqlite_list_messages(struct db *db, const char *ref, struct db_message_row **out, size_t *out_count)
{
	void *rows = NULL;
	int status = read_list(db,
			 "SELECT sender, created_day, body, seq FROM messages WHERE report_ref = ?"
			 " ORDER BY seq IS NULL DESC, seq, id",
			 ref, &message_rows, &rows, out_count);
	*out = rows;
	return status;
}

static int sqlite_set_status(struct db *db, const char *ref, const char *status_text)
{
	struct sqlite_db *s = state_of(db);
	int status = -1;
	pthread_mutex_lock(&s->write_lock);
	if (exec(s->writer, "BEGIN IMMEDIATE") == 0) {
		if (set_status_in_transaction(s, ref, status_text) == 0 && commit(db, 0) == 0)
			status = 0;
		else
			rollback(s);
	} else {
		note_write(s, false);
	}
	pthread_mutex_unlock(&s->write_lock);
	return status;
}

/* Below this much free space the next report may not fit (a report is at most
 * the body cap plus its keys, and a commit writes whole pages to the WAL). */
#define DB_MIN_FREE_BYTES (1024 * 1024)

static int sqlite_storage_state(struct db *db, struct db_storage *out)
{
	struct sqlite_db *s = state_of(db);
	memset(out, 0, sizeof *out);
	out->ok = true;
	int code = atomic_load(&s->last_write_error);
	if (code) {
		out->ok = false;
		out->problem = (code & 0xff) == SQLITE_FULL ? "full" : "write_failed";
	}
	/* the database's directory: where the -wal grows */
	char directory[PATH_SIZE];
	snprintf(directory, sizeof directory, "%s", s->path);
	char *slash = strrchr(directory, '/');
	if (slash)
		slash[slash == directory ? 1 : 0] = '\0';
	else
		snprintf(directory, sizeof directory, ".");
	struct statvfs space;
	if (statvfs(directory, &space) != 0)
		return -1;
	out->free_bytes = (uint64_t)space.f_bavail * (uint64_t)space.f_frsize;
	if (out->ok && out->free_bytes < DB_MIN_FREE_BYTES) {
		out->ok = false;
		out->problem = "low_space";
	}
	return 0;
}

/* ---------- staff accounts, staff sessions, audit log (issue 14) ---------- */

/* Starts a write transaction on the writer; call with write_lock held. */
static int begin_write(struct sqlite_db *s)
{
	if (exec(s->writer, "BEGIN IMMEDIATE")) {
		note_write(s, false);
		return -1;
	}
	return 0;
}

/* Commits, or rolls back when `ok` is false or the commit fails: 0 or -1. */
static int end_write(struct db *db, bool ok)
{
	struct sqlite_db *s = state_of(db);
	if (ok && commit(db, 0) == 0)
		return 0;
	if (!ok)
		note_write(s, false);
	rollback(s);
	return -1;
}

/* A blob that may be NULL: `present` says which. */
static int bind_optional_blob(sqlite3_stmt *statement, int column, bool present, const void *blob, int len)
{
	return present ? sqlite3_bind_blob(statement, column, blob, len, SQLITE_STATIC) : sqlite3_bind_null(statement, column);
}

/* An optional blob column of exactly `size` bytes: false when the row is wrong. */
static bool read_optional_blob(sqlite3_stmt *statement, int column, bool *present, unsigned char *out, size_t size)
{
	*present = sqlite3_column_type(statement, column) != SQLITE_NULL;
	return !*present || copy_blob(statement, column, out, size) == 0;
}

static const char staff_columns[] =
	"SELECT id, name, roles, state, revision, created_at, activation_expires, salt, kdf_opslimit, kdf_memlimit,"
	" verifier, team_secret, totp_secret, totp_last_step FROM staff_accounts ";

static int read_staff_row(sqlite3_stmt *statement, struct db_staff_account *out)
{
	memset(out, 0, sizeof *out);
	out->id = sqlite3_column_int64(statement, 0);
	if (copy_text(statement, 1, out->name, sizeof out->name) || copy_text(statement, 3, out->state, sizeof out->state))
		return -1;
	sqlite3_int64 roles = sqlite3_column_int64(statement, 2), ops = sqlite3_column_int64(statement, 8),
		      mem = sqlite3_column_int64(statement, 9);
	if (roles < 0 || roles > UINT32_MAX || ops < 0 || ops > UINT32_MAX || mem < 0 || mem > UINT32_MAX)
		return -1;
	out->roles = (unsigned)roles;
	out->kdf_opslimit = (uint32_t)ops;
	out->kdf_memlimit = (uint32_t)mem;
	out->revision = sqlite3_column_int64(statement, 4);
	out->created_at = sqlite3_column_int64(statement, 5);
	out->activation_expires = sqlite3_column_int64(statement, 6);
	out->totp_last_step = sqlite3_column_int64(statement, 13);
	if (copy_blob(statement, 7, out->salt, CRYPT_SALT_BYTES) ||
	    copy_blob(statement, 10, out->verifier, CRYPT_KEY_BYTES) ||
	    !read_optional_blob(statement, 11, &out->has_team_secret, out->team_secret, CRYPT_WRAPPED_KEY_BYTES) ||
	    !read_optional_blob(statement, 12, &out->has_totp, out->totp, DB_STAFF_TOTP_WRAPPED_BYTES))
		return -1;
	return 0;
}

/* Binds the columns an insert and an update both write, from column `first` on:
 * roles, state, activation_expires, salt, kdf_opslimit, kdf_memlimit, verifier,
 * team_secret, totp_secret. */
static bool bind_staff_fields(sqlite3_stmt *statement, int first, const struct db_staff_account *a)
{
	return sqlite3_bind_int64(statement, first, a->roles) == SQLITE_OK &&
	       sqlite3_bind_text(statement, first + 1, a->state, -1, SQLITE_STATIC) == SQLITE_OK &&
	       sqlite3_bind_int64(statement, first + 2, a->activation_expires) == SQLITE_OK &&
	       sqlite3_bind_blob(statement, first + 3, a->salt, CRYPT_SALT_BYTES, SQLITE_STATIC) == SQLITE_OK &&
	       sqlite3_bind_int64(statement, first + 4, a->kdf_opslimit) == SQLITE_OK &&
	       sqlite3_bind_int64(statement, first + 5, a->kdf_memlimit) == SQLITE_OK &&
	       sqlite3_bind_blob(statement, first + 6, a->verifier, CRYPT_KEY_BYTES, SQLITE_STATIC) == SQLITE_OK &&
	       bind_optional_blob(statement, first + 7, a->has_team_secret, a->team_secret, CRYPT_WRAPPED_KEY_BYTES) ==
		       SQLITE_OK &&
	       bind_optional_blob(statement, first + 8, a->has_totp, a->totp, DB_STAFF_TOTP_WRAPPED_BYTES) == SQLITE_OK;
}

static int sqlite_staff_insert(struct db *db, struct db_staff_account *account)
{
	struct sqlite_db *s = state_of(db);
	sqlite3_stmt *statement = NULL;
	int status = -1;
	pthread_mutex_lock(&s->write_lock);
	if (begin_write(s))
		goto unlock;
	bool ok = sqlite3_prepare_v2(s->writer,
				     "INSERT INTO staff_accounts (name, created_at, roles, state, activation_expires, salt,"
				     " kdf_opslimit, kdf_memlimit, verifier, team_secret, totp_secret)"
				     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
				     -1, &statement, NULL) == SQLITE_OK &&
		  sqlite3_bind_text(statement, 1, account->name, -1, SQLITE_STATIC) == SQLITE_OK &&
		  sqlite3_bind_int64(statement, 2, account->created_at) == SQLITE_OK &&
		  bind_staff_fields(statement, 3, account);
	int step = ok ? sqlite3_step(statement) : SQLITE_ERROR;
	if (step == SQLITE_CONSTRAINT && sqlite3_extended_errcode(s->writer) == SQLITE_CONSTRAINT_UNIQUE) {
		rollback(s);
		status = 1;
		goto unlock;
	}
	account->id = sqlite3_last_insert_rowid(s->writer);
	account->revision = 1;
	status = end_write(db, step == SQLITE_DONE);
unlock:
	sqlite3_finalize(statement);
	pthread_mutex_unlock(&s->write_lock);
	return status;
}

static int sqlite_staff_get(struct db *db, const char *name, int64_t id, struct db_staff_account *out)
{
	struct sqlite_db *s = state_of(db);
	char sql[600];
	sqlite3_stmt *statement = NULL;
	int status = -1;
	snprintf(sql, sizeof sql, "%s%s", staff_columns, name ? "WHERE name = ?" : "WHERE id = ?");
	struct reader *r = take_reader(s);
	if (sqlite3_prepare_v2(r->connection, sql, -1, &statement, NULL) != SQLITE_OK ||
	    (name ? sqlite3_bind_text(statement, 1, name, -1, SQLITE_STATIC) : sqlite3_bind_int64(statement, 1, id)) !=
		    SQLITE_OK)
		goto done;
	int step = sqlite3_step(statement);
	if (step == SQLITE_ROW)
		status = read_staff_row(statement, out);
	else if (step == SQLITE_DONE)
		status = 1;
done:
	sqlite3_finalize(statement);
	give_reader(r);
	return status;
}

static int sqlite_staff_update(struct db *db, const struct db_staff_account *account)
{
	struct sqlite_db *s = state_of(db);
	sqlite3_stmt *update = NULL, *end_sessions = NULL;
	int status = -1;
	pthread_mutex_lock(&s->write_lock);
	if (begin_write(s))
		goto unlock;
	bool ok = sqlite3_prepare_v2(s->writer,
				     "UPDATE staff_accounts SET roles = ?, state = ?, activation_expires = ?, salt = ?,"
				     " kdf_opslimit = ?, kdf_memlimit = ?, verifier = ?, team_secret = ?, totp_secret = ?,"
				     " revision = revision + 1 WHERE id = ? AND revision = ?",
				     -1, &update, NULL) == SQLITE_OK &&
		  bind_staff_fields(update, 1, account) &&
		  sqlite3_bind_int64(update, 10, account->id) == SQLITE_OK &&
		  sqlite3_bind_int64(update, 11, account->revision) == SQLITE_OK && sqlite3_step(update) == SQLITE_DONE;
	if (ok && sqlite3_changes(s->writer) == 0) {
		rollback(s);
		status = 1;
		goto unlock;
	}
	/* an account that is not active has no sessions: same transaction */
	if (ok && strcmp(account->state, "active") != 0)
		ok = sqlite3_prepare_v2(s->writer, "DELETE FROM staff_sessions WHERE account_id = ?", -1, &end_sessions,
					NULL) == SQLITE_OK &&
		     sqlite3_bind_int64(end_sessions, 1, account->id) == SQLITE_OK &&
		     sqlite3_step(end_sessions) == SQLITE_DONE;
	status = end_write(db, ok);
unlock:
	sqlite3_finalize(update);
	sqlite3_finalize(end_sessions);
	pthread_mutex_unlock(&s->write_lock);
	return status;
}

/* One write statement in a transaction of its own; *changes is the number of rows it changed.
 * A parameter is a blob when `blob` is set, text when `text` is, NULL when `null`, else `integer`.
 * 0; 1 when a unique key or primary key refused the row (nothing written); -1. */
struct write_parameter {
	const void *blob;
	int len;
	const char *text;
	bool null;
	int64_t integer;
};

static int write_statement(struct db *db, const char *sql, const struct write_parameter *parameters, int count,
			   int *changes)
{
	struct sqlite_db *s = state_of(db);
	sqlite3_stmt *statement = NULL;
	int status = -1;
	*changes = 0;
	pthread_mutex_lock(&s->write_lock);
	if (begin_write(s))
		goto unlock;
	bool ok = sqlite3_prepare_v2(s->writer, sql, -1, &statement, NULL) == SQLITE_OK;
	for (int i = 0; ok && i < count; i++) {
		const struct write_parameter *p = &parameters[i];
		ok = (p->blob   ? sqlite3_bind_blob(statement, i + 1, p->blob, p->len, SQLITE_STATIC)
		      : p->text ? sqlite3_bind_text(statement, i + 1, p->text, -1, SQLITE_STATIC)
		      : p->null ? sqlite3_bind_null(statement, i + 1)
				: sqlite3_bind_int64(statement, i + 1, p->integer)) == SQLITE_OK;
	}
	int step = ok ? sqlite3_step(statement) : SQLITE_ERROR;
	int code = step == SQLITE_CONSTRAINT ? sqlite3_extended_errcode(s->writer) : 0;
	if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY) {
		rollback(s);
		status = 1;
		goto unlock;
	}
	if (step == SQLITE_DONE)
		*changes = sqlite3_changes(s->writer);
	status = end_write(db, step == SQLITE_DONE);
unlock:
	sqlite3_finalize(statement);
	pthread_mutex_unlock(&s->write_lock);
	return status;
}

static int sqlite_staff_use_totp_step(struct db *db, int64_t id, int64_t step)
{
	const struct write_parameter parameters[] = {{.integer = step}, {.integer = id}};
	int changes = 0;
	/* compare and set in one statement: of two logins with the same code, one wins */
	if (write_statement(db, "UPDATE staff_accounts SET totp_last_step = ?1 WHERE id = ?2 AND totp_last_step < ?1",
			    parameters, 2, &changes))
		return -1;
	return changes == 1 ? 0 : 1;
}

static int read_staff_list_row(sqlite3_stmt *statement, void *row)
{
	return read_staff_row(statement, row);
}

static const struct row_reader staff_rows = {sizeof(struct db_staff_account), read_staff_list_row, NULL};

static int sqlite_staff_list(struct db *db, struct db_staff_account **out, size_t *out_count)
{
	char sql[600];
	snprintf(sql, sizeof sql, "%sORDER BY name", staff_columns);
	void *rows = NULL;
	int status = read_list(db, sql, NULL, &staff_rows, &rows, out_count);
	*out = rows;
	return status;
}

static int sqlite_staff_session_insert(struct db *db, const struct db_staff_session *session)
{
	const struct write_parameter parameters[] = {
		{.blob = session->lookup, .len = CRYPT_KEY_BYTES},
		{.integer = session->account_id},
		{.integer = session->created_at},
		{.integer = session->last_seen},
		{.blob = session->has_team_secret ? session->team_secret : NULL, .len = CRYPT_WRAPPED_KEY_BYTES,
		 .null = !session->has_team_secret},
	};
	int changes = 0;
	return write_statement(db,
			       "INSERT INTO staff_sessions (lookup, account_id, created_at, last_seen, team_secret)"
			       " VALUES (?, ?, ?, ?, ?)",
			       parameters, 5, &changes)
		       ? -1
		       : 0;
}

static int sqlite_staff_session_get(struct db *db, const unsigned char lookup[CRYPT_KEY_BYTES],
				    struct db_staff_session *out)
{
	struct sqlite_db *s = state_of(db);
	sqlite3_stmt *statement = NULL;
	int status = -1;
	memset(out, 0, sizeof *out);
	struct reader *r = take_reader(s);
	if (sqlite3_prepare_v2(r->connection,
			       "SELECT account_id, created_at, last_seen, team_secret FROM staff_sessions WHERE lookup = ?",
			       -1, &statement, NULL) != SQLITE_OK ||
	    sqlite3_bind_blob(statement, 1, lookup, CRYPT_KEY_BYTES, SQLITE_STATIC) != SQLITE_OK)
		goto done;
	int step = sqlite3_step(statement);
	if (step == SQLITE_DONE) {
		status = 1;
	} else if (step == SQLITE_ROW) {
		memcpy(out->lookup, lookup, CRYPT_KEY_BYTES);
		out->account_id = sqlite3_column_int64(statement, 0);
		out->created_at = sqlite3_column_int64(statement, 1);
		out->last_seen = sqlite3_column_int64(statement, 2);
		status = read_optional_blob(statement, 3, &out->has_team_secret, out->team_secret, CRYPT_WRAPPED_KEY_BYTES)
				 ? 0
				 : -1;
	}
done:
	sqlite3_finalize(statement);
	give_reader(r);
	return status;
}

static int sqlite_staff_session_touch(struct db *db, const unsigned char lookup[CRYPT_KEY_BYTES], int64_t last_seen)
{
	const struct write_parameter parameters[] = {{.integer = last_seen}, {.blob = lookup, .len = CRYPT_KEY_BYTES}};
	int changes = 0;
	if (write_statement(db, "UPDATE staff_sessions SET last_seen = max(last_seen, ?1) WHERE lookup = ?2", parameters,
			    2, &changes))
		return -1;
	return changes == 1 ? 0 : 1;
}

static int sqlite_staff_session_delete(struct db *db, const unsigned char lookup[CRYPT_KEY_BYTES])
{
	const struct write_parameter parameters[] = {{.blob = lookup, .len = CRYPT_KEY_BYTES}};
	int changes = 0;
	return write_statement(db, "DELETE FROM staff_sessions WHERE lookup = ?1", parameters, 1, &changes);
}

static int sqlite_audit_append(struct db *db, const struct db_audit_entry *entry)
{
	const struct write_parameter parameters[] = {
		{.integer = entry->seq},
		{.integer = entry->at},
		{.text = entry->account},
		{.text = entry->action},
		{.text = entry->object},
		{.blob = entry->previous, .len = CRYPT_HASH_BYTES},
		{.blob = entry->hash, .len = CRYPT_HASH_BYTES},
	};
	int changes = 0;
	/* 1: another writer took this number */
	return write_statement(db,
			       "INSERT INTO audit_log (seq, at, account, action, object, previous, hash)"
			       " VALUES (?, ?, ?, ?, ?, ?, ?)",
			       parameters, 7, &changes);
}

static const char audit_columns[] = "SELECT seq, at, account, action, object, previous, hash FROM audit_log ";

static int read_audit_row(sqlite3_stmt *statement, struct db_audit_entry *out)
{
	memset(out, 0, sizeof *out);
	out->seq = sqlite3_column_int64(statement, 0);
	out->at = sqlite3_column_int64(statement, 1);
	if (copy_text(statement, 2, out->account, sizeof out->account) ||
	    copy_text(statement, 3, out->action, sizeof out->action) ||
	    copy_text(statement, 4, out->object, sizeof out->object))
		return -1;
	/* a hash of the wrong length is kept as zeros: the chain check then names this entry */
	if (copy_blob(statement, 5, out->previous, CRYPT_HASH_BYTES))
		memset(out->previous, 0, CRYPT_HASH_BYTES);
	if (copy_blob(statement, 6, out->hash, CRYPT_HASH_BYTES))
		memset(out->hash, 0, CRYPT_HASH_BYTES);
	return 0;
}

static int sqlite_audit_last(struct db *db, struct db_audit_entry *out)
{
	struct sqlite_db *s = state_of(db);
	char sql[300];
	sqlite3_stmt *statement = NULL;
	int status = -1;
	snprintf(sql, sizeof sql, "%sORDER BY seq DESC LIMIT 1", audit_columns);
	struct reader *r = take_reader(s);
	if (sqlite3_prepare_v2(r->connection, sql, -1, &statement, NULL) == SQLITE_OK) {
		int step = sqlite3_step(statement);
		status = step == SQLITE_ROW ? read_audit_row(statement, out) : step == SQLITE_DONE ? 1 : -1;
	}
	sqlite3_finalize(statement);
	give_reader(r);
	return status;
}

/* One page of the log after *position: every entry, or (object not NULL) one object's entries,
 * which audit_log_by_object (006) holds as one index range. */
static int list_audit_page(struct db *db, const char *object, int64_t *position,
			   struct db_audit_entry rows[DB_LIST_PAGE], size_t *count)
{
	struct sqlite_db *s = state_of(db);
	char sql[300];
	sqlite3_stmt *statement = NULL;
	int status = -1;
	*count = 0;
	snprintf(sql, sizeof sql, "%sWHERE %sseq > ? ORDER BY seq LIMIT %d", audit_columns,
		 object ? "object = ? AND " : "", DB_LIST_PAGE);
	struct reader *r = take_reader(s);
	int column = 1;
	if (sqlite3_prepare_v2(r->connection, sql, -1, &statement, NULL) != SQLITE_OK ||
	    (object && sqlite3_bind_text(statement, column++, object, -1, SQLITE_STATIC) != SQLITE_OK) ||
	    sqlite3_bind_int64(statement, column, *position) != SQLITE_OK)
		goto done;
	int step;
	while (*count < DB_LIST_PAGE && (step = sqlite3_step(statement)) == SQLITE_ROW) {
		if (read_audit_row(statement, &rows[*count]))
			goto done;
		*position = rows[*count].seq;
		++*count;
	}
	status = *count == DB_LIST_PAGE || step == SQLITE_DONE ? 0 : -1;
done:
	sqlite3_finalize(statement);
	give_reader(r);
	return status;
}

static int sqlite_audit_list(struct db *db, int64_t *position, struct db_audit_entry rows[DB_LIST_PAGE], size_t *count)
{
	return list_audit_page(db, NULL, position, rows, count);
}

static int sqlite_audit_list_object(struct db *db, const char *object, int64_t *position,
				    struct db_audit_entry rows[DB_LIST_PAGE], size_t *count)
{
	return list_audit_page(db, object, position, rows, count);
}

/* ---------- case work (issue 15) ---------- */

/* Text columns that may be NULL read as "". */
static int copy_optional_text(sqlite3_stmt *statement, int column, char *out, size_t size)
{
	if (sqlite3_column_type(statement, column) == SQLITE_NULL) {
		out[0] = '\0';
		return 0;
	}
	return copy_text(statement, column, out, size);
}

static const char case_columns[] =
	"SELECT id, ref, kind, status, created_day, form_bits, source, assigned_to, first_answer_day,"
	" reporter_waiting, due_day, closed_day, closing_reason, destroy_day FROM cases ";

static int read_case_row(sqlite3_stmt *statement, struct db_case *out)
{
	memset(out, 0, sizeof *out);
	out->id = sqlite3_column_int64(statement, 0);
	sqlite3_int64 bits = sqlite3_column_int64(statement, 5);
	if (bits < 0 || bits > 15)
		return -1;
	out->form_bits = (unsigned)bits;
	out->assigned_to = sqlite3_column_int64(statement, 7); /* NULL reads as 0: nobody */
	out->reporter_waiting = sqlite3_column_int(statement, 9) != 0;
	return copy_text(statement, 1, out->ref, sizeof out->ref) || copy_text(statement, 2, out->kind, sizeof out->kind) ||
			       copy_text(statement, 3, out->status, sizeof out->status) ||
			       copy_text(statement, 4, out->created_day, sizeof out->created_day) ||
			       copy_text(statement, 6, out->source, sizeof out->source) ||
			       copy_optional_text(statement, 8, out->first_answer_day, sizeof out->first_answer_day) ||
			       copy_text(statement, 10, out->due_day, sizeof out->due_day) ||
			       copy_optional_text(statement, 11, out->closed_day, sizeof out->closed_day) ||
			       copy_optional_text(statement, 12, out->closing_reason, sizeof out->closing_reason) ||
			       copy_optional_text(statement, 13, out->destroy_day, sizeof out->destroy_day)
		       ? -1
		       : 0;
}

/* The queue's statement. The filter SQLite walks is one indexed column (the
 * first set of: my cases, reporter waiting, status, unassigned, source, kind;
 * most urgent first: status, or the due-day range), each index ending in the
 * sort column (005_cases.sql), so the rows come in order; every filter that
 * is set is also one column, `hit`, that this function reads. Looking at each
 * row itself is what lets a page stop after scan_limit rows and say where it
 * stopped: with the filters in the WHERE clause SQLite would scan on, unseen,
 * until it had a page (205 ms for criminal + phone + reporter waiting at
 * 1,000,000 cases). Every value is a bound parameter, never text in SQL. */
static int sqlite_case_queue(struct db *db, const struct db_case_filter *filter, enum db_case_order order,
			     const struct db_case_cursor *after, struct db_case rows[DB_CASE_PAGE], size_t *count,
			     bool *more, struct db_case_cursor *next)
{
	struct sqlite_db *s = state_of(db);
	char sql[1600];
	size_t used = 0;
#define ADD_SQL(text) used += (size_t)snprintf(sql + used, used < sizeof sql ? sizeof sql - used : 0, "%s", text)
	/* case_columns ends in "FROM cases ": the hit column goes before it */
	static const char from[] = " FROM cases ";
	size_t columns_length = sizeof case_columns - 1 - (sizeof from - 1);
	used = (size_t)snprintf(sql, sizeof sql, "%.*s, (1", (int)columns_length, case_columns);
	if (filter->status)
		ADD_SQL(" AND status = :status");
	if (filter->kind)
		ADD_SQL(" AND kind = :kind");
	if (filter->form_bits)
		ADD_SQL(" AND (form_bits & :forms) != 0");
	if (filter->source)
		ADD_SQL(" AND source = :source");
	if (filter->assigned_to_account)
		ADD_SQL(" AND assigned_to = :account");
	if (filter->unassigned)
		ADD_SQL(" AND assigned_to IS NULL");
	if (filter->due_before)
		ADD_SQL(" AND due_day < :due_before");
	if (filter->reporter_waiting)
		ADD_SQL(" AND reporter_waiting = 1");
	ADD_SQL(") AS hit FROM cases WHERE 1");
	if (order == DB_CASE_NEWEST) {
		if (filter->assigned_to_account)
			ADD_SQL(" AND assigned_to = :account");
		else if (filter->reporter_waiting)
			ADD_SQL(" AND reporter_waiting = 1");
		else if (filter->status)
			ADD_SQL(" AND status = :status");
		else if (filter->unassigned)
			ADD_SQL(" AND assigned_to IS NULL");
		else if (filter->source)
			ADD_SQL(" AND source = :source");
		else if (filter->kind)
			ADD_SQL(" AND kind = :kind");
	} else {
		if (filter->status)
			ADD_SQL(" AND status = :status");
		if (filter->due_before) /* a range of the same index: the scan ends where the late cases end */
			ADD_SQL(" AND due_day < :due_before");
	}
	if (after && after->set)
		ADD_SQL(order == DB_CASE_NEWEST ? " AND id < :after_id" : " AND (due_day, id) > (:after_due, :after_id)");
	ADD_SQL(order == DB_CASE_NEWEST ? " ORDER BY id DESC" : " ORDER BY due_day, id");
#undef ADD_SQL
	if (used >= sizeof sql)
		return -1;
	unsigned scan_limit = filter->scan_limit ? filter->scan_limit : DB_CASE_SCAN_LIMIT;
	sqlite3_stmt *statement = NULL;
	int status = -1;
	struct reader *r = take_reader(s);
	if (sqlite3_prepare_v2(r->connection, sql, -1, &statement, NULL) != SQLITE_OK)
		goto done;
	/* sqlite3_bind_parameter_index is 0 for a name the statement lacks; binding 0 is an error we skip */
	struct {
		const char *name;
		const char *text;
		bool is_integer;
		int64_t integer;
	} parameters[] = {
		{":status", filter->status, false, 0},
		{":kind", filter->kind, false, 0},
		{":forms", NULL, true, filter->form_bits},
		{":source", filter->source, false, 0},
		{":account", NULL, true, filter->account},
		{":due_before", filter->due_before, false, 0},
		{":after_id", NULL, true, after ? after->id : 0},
		{":after_due", after ? after->due_day : NULL, false, 0},
	};
	for (size_t i = 0; i < sizeof parameters / sizeof *parameters; i++) {
		int index = sqlite3_bind_parameter_index(statement, parameters[i].name);
		if (index == 0)
			continue;
		int bound = parameters[i].is_integer ? sqlite3_bind_int64(statement, index, parameters[i].integer)
						     : sqlite3_bind_text(statement, index, parameters[i].text, -1, SQLITE_STATIC);
		if (bound != SQLITE_OK)
			goto done;
	}
	enum { HIT_COLUMN = 14 };
	unsigned looked_at = 0;
	int step;
	while ((step = sqlite3_step(statement)) == SQLITE_ROW) {
		if (looked_at == scan_limit) {
			/* a row is left: stop here, and go on later from the last row looked at */
			*more = true;
			break;
		}
		looked_at++;
		if (sqlite3_column_int(statement, HIT_COLUMN)) {
			if (*count == DB_CASE_PAGE) {
				*more = true;
				break;
			}
			if (read_case_row(statement, &rows[*count]))
				goto done;
			++*count;
		} else if (looked_at == scan_limit) {
			next->set = true;
			next->id = sqlite3_column_int64(statement, 0);
			if (copy_text(statement, 10, next->due_day, sizeof next->due_day))
				goto done;
		}
	}
	if (step == SQLITE_ROW || step == SQLITE_DONE)
		status = 0;
done:
	sqlite3_finalize(statement);
	give_reader(r);
	if (status) {
		*count = 0;
		*more = false;
	}
	return status;
}

static int sqlite_case_counts(struct db *db, struct db_case_counts *out)
{
	struct sqlite_db *s = state_of(db);
	sqlite3_stmt *statement = NULL;
	int status = -1;
	memset(out, 0, sizeof *out);
	struct reader *r = take_reader(s);
	/* four rows that the schema's triggers keep (007): counting the cases here read the whole status
	 * index on every queue page */
	if (sqlite3_prepare_v2(r->connection,
			       "SELECT (SELECT count FROM case_counts WHERE status = 'new'),"
			       " (SELECT count FROM case_counts WHERE status = 'in_progress'),"
			       " (SELECT count FROM case_counts WHERE status = 'referred'),"
			       " (SELECT count FROM case_counts WHERE status = 'closed')",
			       -1, &statement, NULL) == SQLITE_OK &&
	    sqlite3_step(statement) == SQLITE_ROW) {
		out->new_count = sqlite3_column_int64(statement, 0);
		out->in_progress = sqlite3_column_int64(statement, 1);
		out->referred = sqlite3_column_int64(statement, 2);
		out->closed = sqlite3_column_int64(statement, 3);
		status = 0;
	}
	sqlite3_finalize(statement);
	give_reader(r);
	return status;
}

static int sqlite_case_get(struct db *db, const char *ref, struct db_case *out)
{
	struct sqlite_db *s = state_of(db);
	char sql[600];
	sqlite3_stmt *statement = NULL;
	int status = -1;
	snprintf(sql, sizeof sql, "%sWHERE " CASE_OF_REF, case_columns);
	struct reader *r = take_reader(s);
	if (sqlite3_prepare_v2(r->connection, sql, -1, &statement, NULL) == SQLITE_OK &&
	    sqlite3_bind_text(statement, 1, ref, -1, SQLITE_STATIC) == SQLITE_OK) {
		int step = sqlite3_step(statement);
		status = step == SQLITE_ROW ? read_case_row(statement, out) : step == SQLITE_DONE ? 1 : -1;
	}
	sqlite3_finalize(statement);
	give_reader(r);
	return status;
}

/* Runs a prepared write on the writer and finalizes it: true when it ran. */
static bool run_write(sqlite3_stmt *statement, bool bound)
{
	bool ok = statement && bound && sqlite3_step(statement) == SQLITE_DONE;
	sqlite3_finalize(statement);
	return ok;
}

static sqlite3_stmt *prepare_write(struct sqlite_db *s, const char *sql)
{
	sqlite3_stmt *statement = NULL;
	if (sqlite3_prepare_v2(s->writer, sql, -1, &statement, NULL) != SQLITE_OK) {
		sqlite3_finalize(statement);
		return NULL;
	}
	return statement;
}

/* "" as NULL, for the optional day and reason columns. */
static int bind_optional_text(sqlite3_stmt *statement, int column, const char *text)
{
	return text && text[0] ? sqlite3_bind_text(statement, column, text, -1, SQLITE_STATIC)
			       : sqlite3_bind_null(statement, column);
}

static int sqlite_case_change(struct db *db, const struct db_case_change *change)
{
	struct sqlite_db *s = state_of(db);
	int status = -1;
	bool ok = true;
	pthread_mutex_lock(&s->write_lock);
	if (begin_write(s))
		goto unlock;
	/* the status the caller decided from must still be the case's */
	sqlite3_stmt *check = prepare_write(s, "SELECT status FROM cases WHERE " CASE_OF_REF);
	int step = check && sqlite3_bind_text(check, 1, change->ref, -1, SQLITE_STATIC) == SQLITE_OK ? sqlite3_step(check)
												       : SQLITE_ERROR;
	bool found = step == SQLITE_ROW;
	bool same = found && (!change->expected_status ||
			      strcmp((const char *)sqlite3_column_text(check, 0), change->expected_status) == 0);
	sqlite3_finalize(check);
	if (step != SQLITE_ROW && step != SQLITE_DONE) {
		end_write(db, false);
		goto unlock;
	}
	if (!found || !same) {
		rollback(s);
		status = 1;
		goto unlock;
	}
	const struct db_case *row = change->row;
	if (row) {
		sqlite3_stmt *update = prepare_write(s, "UPDATE cases SET status = ?, source = ?, assigned_to = ?, due_day = ?,"
							" closed_day = ?, closing_reason = ?, destroy_day = ? WHERE " CASE_OF_REF);
		ok = run_write(update, update && sqlite3_bind_text(update, 1, row->status, -1, SQLITE_STATIC) == SQLITE_OK &&
					       sqlite3_bind_text(update, 2, row->source, -1, SQLITE_STATIC) == SQLITE_OK &&
					       (row->assigned_to ? sqlite3_bind_int64(update, 3, row->assigned_to)
								 : sqlite3_bind_null(update, 3)) == SQLITE_OK &&
					       sqlite3_bind_text(update, 4, row->due_day, -1, SQLITE_STATIC) == SQLITE_OK &&
					       bind_optional_text(update, 5, row->closed_day) == SQLITE_OK &&
					       bind_optional_text(update, 6, row->closing_reason) == SQLITE_OK &&
					       bind_optional_text(update, 7, row->destroy_day) == SQLITE_OK &&
					       sqlite3_bind_text(update, 8, change->ref, -1, SQLITE_STATIC) == SQLITE_OK);
		/* reports.status too (its trigger writes the same status into cases again) */
		if (ok)
			ok = set_status_in_transaction(s, change->ref, row->status) == 0;
	}
	if (ok && change->note) {
		const struct db_case_note *note = change->note;
		sqlite3_stmt *insert = prepare_write(
			s, "INSERT INTO case_notes (report_ref, seq, kind, author, at, body) VALUES (?, ?, ?, ?, ?, ?)");
		bool bound = insert && note->box_len <= INT32_MAX &&
			     sqlite3_bind_text(insert, 1, change->ref, -1, SQLITE_STATIC) == SQLITE_OK &&
			     sqlite3_bind_int64(insert, 2, note->seq) == SQLITE_OK &&
			     sqlite3_bind_text(insert, 3, note->kind, -1, SQLITE_STATIC) == SQLITE_OK &&
			     sqlite3_bind_text(insert, 4, note->author, -1, SQLITE_STATIC) == SQLITE_OK &&
			     sqlite3_bind_int64(insert, 5, note->at) == SQLITE_OK &&
			     sqlite3_bind_blob(insert, 6, note->box, (int)note->box_len, SQLITE_STATIC) == SQLITE_OK;
		int inserted = bound ? sqlite3_step(insert) : SQLITE_ERROR;
		bool taken = inserted == SQLITE_CONSTRAINT &&
			     sqlite3_extended_errcode(s->writer) == SQLITE_CONSTRAINT_UNIQUE;
		sqlite3_finalize(insert);
		if (taken) {
			rollback(s);
			status = 2; /* another note took this number first */
			goto unlock;
		}
		ok = inserted == SQLITE_DONE;
	}
	if (ok && change->referral) {
		const struct db_referral *referral = change->referral;
		sqlite3_stmt *insert = prepare_write(s, "INSERT INTO referrals (report_ref, partner, day, categories, consent,"
							" override, author, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
		ok = run_write(insert, insert && sqlite3_bind_text(insert, 1, change->ref, -1, SQLITE_STATIC) == SQLITE_OK &&
					       sqlite3_bind_text(insert, 2, referral->partner, -1, SQLITE_STATIC) == SQLITE_OK &&
					       sqlite3_bind_text(insert, 3, referral->day, -1, SQLITE_STATIC) == SQLITE_OK &&
					       sqlite3_bind_int64(insert, 4, referral->categories) == SQLITE_OK &&
					       sqlite3_bind_text(insert, 5, referral->consent, -1, SQLITE_STATIC) == SQLITE_OK &&
					       bind_optional_text(insert, 6, referral->override) == SQLITE_OK &&
					       sqlite3_bind_text(insert, 7, referral->author, -1, SQLITE_STATIC) == SQLITE_OK &&
					       sqlite3_bind_int64(insert, 8, referral->at) == SQLITE_OK);
	}
	status = end_write(db, ok);
unlock:
	pthread_mutex_unlock(&s->write_lock);
	return status;
}

static long sqlite_case_count_notes(struct db *db, const char *ref)
{
	struct sqlite_db *s = state_of(db);
	sqlite3_stmt *statement = NULL;
	long count = -1;
	struct reader *r = take_reader(s);
	if (sqlite3_prepare_v2(r->connection, "SELECT count(*) FROM case_notes WHERE report_ref = ?", -1, &statement,
			       NULL) == SQLITE_OK &&
	    sqlite3_bind_text(statement, 1, ref, -1, SQLITE_STATIC) == SQLITE_OK && sqlite3_step(statement) == SQLITE_ROW)
		count = (long)sqlite3_column_int64(statement, 0);
	sqlite3_finalize(statement);
	give_reader(r);
	return count;
}

/* Grows a malloc'ed array by one element of `size` bytes: the new element, or NULL. */
static int read_note_row(sqlite3_stmt *statement, void *row)
{
	struct db_case_note *note = row;
	unsigned char *box;
	if (copy_box(statement, 4, &box, &note->box_len))
		return -1;
	note->box = box;
	sqlite3_int64 seq = sqlite3_column_int64(statement, 0);
	if (seq < 1 || seq > (sqlite3_int64)UINT32_MAX || copy_text(statement, 1, note->kind, sizeof note->kind) ||
	    copy_text(statement, 2, note->author, sizeof note->author))
		return -1;
	note->seq = (unsigned)seq;
	note->at = sqlite3_column_int64(statement, 3);
	return 0;
}

static void release_note_row(void *row)
{
	free((void *)((struct db_case_note *)row)->box);
}

static const struct row_reader note_rows = {sizeof(struct db_case_note), read_note_row, release_note_row};

static int sqlite_case_list_notes(struct db *db, const char *ref, struct db_case_note **out, size_t *out_count)
{
	void *rows = NULL;
	int status = read_list(db, "SELECT seq, kind, author, at, body FROM case_notes WHERE report_ref = ? ORDER BY seq", ref,
			 &note_rows, &rows, out_count);
	*out = rows;
	return status;
}

static int read_referral_row(sqlite3_stmt *statement, void *row)
{
	struct db_referral *referral = row;
	sqlite3_int64 categories = sqlite3_column_int64(statement, 2);
	if (categories < 0 || categories > UINT32_MAX ||
	    copy_text(statement, 0, referral->partner, sizeof referral->partner) ||
	    copy_text(statement, 1, referral->day, sizeof referral->day) ||
	    copy_text(statement, 3, referral->consent, sizeof referral->consent) ||
	    copy_optional_text(statement, 4, referral->override, sizeof referral->override) ||
	    copy_text(statement, 5, referral->author, sizeof referral->author))
		return -1;
	referral->categories = (unsigned)categories;
	referral->at = sqlite3_column_int64(statement, 6);
	return 0;
}

static const struct row_reader referral_rows = {sizeof(struct db_referral), read_referral_row, NULL};

static int sqlite_case_list_referrals(struct db *db, const char *ref, struct db_referral **out, size_t *out_count)
{
	void *rows = NULL;
	int status = read_list(db,
			 "SELECT partner, day, categories, consent, override, author, at FROM referrals"
			 " WHERE report_ref = ? ORDER BY id",
			 ref, &referral_rows, &rows, out_count);
	*out = rows;
	return status;
}

static int sqlite_case_due_for_destruction(struct db *db, const char *day, char *out, size_t max, size_t *count)
{
	struct sqlite_db *s = state_of(db);
	sqlite3_stmt *statement = NULL;
	int status = -1;
	struct reader *r = take_reader(s);
	if (sqlite3_prepare_v2(r->connection,
			       "SELECT ref FROM cases WHERE destroy_day IS NOT NULL AND destroy_day <= ? AND status = 'closed'"
			       " ORDER BY destroy_day LIMIT ?",
			       -1, &statement, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(statement, 1, day, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(statement, 2, (sqlite3_int64)max) != SQLITE_OK)
		goto done;
	int step;
	while ((step = sqlite3_step(statement)) == SQLITE_ROW && *count < max) {
		if (copy_text(statement, 0, out + *count * DB_REF_SIZE, DB_REF_SIZE))
			goto done;
		++*count;
	}
	status = step == SQLITE_DONE || step == SQLITE_ROW ? 0 : -1;
done:
	sqlite3_finalize(statement);
	give_reader(r);
	return status;
}

/* One statement on the writer with the ref as its only parameter. */
static bool write_for_ref(struct sqlite_db *s, const char *sql, const char *ref)
{
	sqlite3_stmt *statement = prepare_write(s, sql);
	return run_write(statement, statement && sqlite3_bind_text(statement, 1, ref, -1, SQLITE_STATIC) == SQLITE_OK);
}

static int sqlite_case_destroy(struct db *db, const char *ref, const char *outcome, const char *expected_status)
{
	struct sqlite_db *s = state_of(db);
	int status = -1;
	pthread_mutex_lock(&s->write_lock);
	if (begin_write(s))
		goto unlock;
	sqlite3_stmt *check = prepare_write(s, "SELECT kind, substr(created_day, 1, 7), status FROM reports WHERE ref = ?");
	char kind[16] = "", month[8] = "", current[16] = "";
	int step = check && sqlite3_bind_text(check, 1, ref, -1, SQLITE_STATIC) == SQLITE_OK ? sqlite3_step(check)
												  : SQLITE_ERROR;
	bool read = step == SQLITE_ROW && copy_text(check, 0, kind, sizeof kind) == 0 &&
		    copy_text(check, 1, month, sizeof month) == 0 && copy_text(check, 2, current, sizeof current) == 0;
	sqlite3_finalize(check);
	if (step == SQLITE_DONE || (read && expected_status && strcmp(current, expected_status) != 0)) {
		rollback(s);
		status = 1;
		goto unlock;
	}
	/* children first (foreign keys); secure_delete overwrites each deleted
	 * cell and freed page with zeros, so the file keeps nothing of them */
	bool ok = read && write_for_ref(s, "DELETE FROM messages WHERE report_ref = ?", ref) &&
		  write_for_ref(s, "DELETE FROM case_notes WHERE report_ref = ?", ref) &&
		  write_for_ref(s, "DELETE FROM referrals WHERE report_ref = ?", ref) &&
		  write_for_ref(s, "DELETE FROM cases WHERE " CASE_OF_REF, ref) &&
		  write_for_ref(s, "DELETE FROM reports WHERE ref = ?", ref);
	if (ok) {
		sqlite3_stmt *count = prepare_write(
			s, "INSERT INTO case_statistics (month, kind, outcome, count) VALUES (?, ?, ?, 1)"
			   " ON CONFLICT (month, kind, outcome) DO UPDATE SET count = count + 1");
		ok = run_write(count, count && sqlite3_bind_text(count, 1, month, -1, SQLITE_STATIC) == SQLITE_OK &&
					      sqlite3_bind_text(count, 2, kind, -1, SQLITE_STATIC) == SQLITE_OK &&
					      sqlite3_bind_text(count, 3, outcome, -1, SQLITE_STATIC) == SQLITE_OK);
	}
	status = end_write(db, ok);
unlock:
	pthread_mutex_unlock(&s->write_lock);
	return status;
}

static int sqlite_case_checkpoint(struct db *db)
{
	struct sqlite_db *s = state_of(db);
	int log_frames = -1, checkpointed = -1;
	pthread_mutex_lock(&s->write_lock);
	/* TRUNCATE waits (busy timeout) for readers, copies every frame into the
	 * file and cuts the log to nothing: old page images go with it */
	int code = sqlite3_wal_checkpoint_v2(s->writer, NULL, SQLITE_CHECKPOINT_TRUNCATE, &log_frames, &checkpointed);
	pthread_mutex_unlock(&s->write_lock);
	if (code == SQLITE_BUSY)
		return 1;
	return code == SQLITE_OK ? 0 : -1;
}

static int64_t sqlite_case_statistics(struct db *db, const char *outcome)
{
	struct sqlite_db *s = state_of(db);
	sqlite3_stmt *statement = NULL;
	int64_t total = -1;
	struct reader *r = take_reader(s);
	if (sqlite3_prepare_v2(r->connection, "SELECT coalesce(sum(count), 0) FROM case_statistics WHERE outcome = ?", -1,
			       &statement, NULL) == SQLITE_OK &&
	    sqlite3_bind_text(statement, 1, outcome, -1, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_step(statement) == SQLITE_ROW)
		total = sqlite3_column_int64(statement, 0);
	sqlite3_finalize(statement);
	give_reader(r);
	return total;
}

static int sqlite_case_set_deadlines(struct db *db, unsigned answer_days, unsigned feedback_months)
{
	const struct write_parameter parameters[] = {{.integer = answer_days}, {.integer = feedback_months}};
	int changes = 0;
	if (write_statement(db, "UPDATE case_settings SET answer_days = ?1, feedback_months = ?2 WHERE id = 1",
			    parameters, 2, &changes))
		return -1;
	return changes == 1 ? 0 : -1;
}

static int sqlite_case_reporter_seen(struct db *db, const char *ref, unsigned shown_seq, unsigned *previous_seq)
{
	struct sqlite_db *s = state_of(db);
	sqlite3_stmt *statement = NULL;
	int status = -1;
	/* read first: a visit that shows nothing new (the usual one) writes nothing */
	struct reader *r = take_reader(s);
	if (sqlite3_prepare_v2(r->connection,
			       "SELECT coalesce(case_reads.seen_seq, 0) FROM cases"
			       " LEFT JOIN case_reads ON case_reads.ref = cases.ref WHERE cases." CASE_OF_REF,
			       -1, &statement, NULL) == SQLITE_OK &&
	    sqlite3_bind_text(statement, 1, ref, -1, SQLITE_STATIC) == SQLITE_OK) {
		int step = sqlite3_step(statement);
		if (step == SQLITE_ROW) {
			sqlite3_int64 seen = sqlite3_column_int64(statement, 0);
			*previous_seq = seen > 0 && seen <= UINT_MAX ? (unsigned)seen : 0;
			status = 0;
		} else if (step == SQLITE_DONE) {
			status = 1;
		}
	}
	sqlite3_finalize(statement);
	give_reader(r);
	if (status != 0 || shown_seq <= *previous_seq)
		return status;
	/* two visits at once both see the same earlier number; the stored one only grows, and a case
	 * destroyed meanwhile leaves no row behind */
	const struct write_parameter parameters[] = {{.integer = shown_seq}, {.text = ref}};
	int changes = 0;
	return write_statement(db,
			       "INSERT INTO case_reads (ref, seen_seq) SELECT ?2, ?1 WHERE EXISTS (SELECT 1 FROM cases"
			       " WHERE id = (SELECT id FROM reports WHERE ref = ?2))"
			       " ON CONFLICT (ref) DO UPDATE SET seen_seq = excluded.seen_seq"
			       " WHERE case_reads.seen_seq < excluded.seen_seq",
			       parameters, 2, &changes)
		       ? -1
		       : 0;
}

static int sqlite_unsafe_synchronous_off(struct db *db)
{
	struct sqlite_db *s = state_of(db);
	pthread_mutex_lock(&s->write_lock);
	int status = exec(s->writer, "PRAGMA synchronous=OFF");
	pthread_mutex_unlock(&s->write_lock);
	return status ? -1 : 0;
}

const struct db_backend db_sqlite_backend = {
	.scheme = "sqlite:",
	.open = sqlite_open,
	.close = sqlite_close,
	.default_key_path = sqlite_default_key_path,
	.schema_version = sqlite_schema_version,
	.is_initialised = sqlite_is_initialised,
	.initialise = sqlite_initialise,
	.upgrade = sqlite_upgrade,
	.load_team = sqlite_load_team,
	.commit_batch = sqlite_commit_batch,
	.find_report = sqlite_find_report,
	.get_report = sqlite_get_report,
	.list_reports = sqlite_list_reports,
	.count_messages = sqlite_count_messages,
	.add_message = sqlite_add_message,
	.list_messages = sqlite_list_messages,
	.set_status = sqlite_set_status,
	.storage_state = sqlite_storage_state,
	.staff_insert = sqlite_staff_insert,
	.staff_get = sqlite_staff_get,
	.staff_update = sqlite_staff_update,
	.staff_use_totp_step = sqlite_staff_use_totp_step,
	.staff_list = sqlite_staff_list,
	.staff_session_insert = sqlite_staff_session_insert,
	.staff_session_get = sqlite_staff_session_get,
	.staff_session_touch = sqlite_staff_session_touch,
	.staff_session_delete = sqlite_staff_session_delete,
	.audit_append = sqlite_audit_append,
	.audit_last = sqlite_audit_last,
	.audit_list = sqlite_audit_list,
	.audit_list_object = sqlite_audit_list_object,
	.case_queue = sqlite_case_queue,
	.case_counts = sqlite_case_counts,
	.case_get = sqlite_case_get,
	.case_change = sqlite_case_change,
	.case_count_notes = sqlite_case_count_notes,
	.case_list_notes = sqlite_case_list_notes,
	.case_list_referrals = sqlite_case_list_referrals,
	.case_due_for_destruction = sqlite_case_due_for_destruction,
	.case_destroy = sqlite_case_destroy,
	.case_checkpoint = sqlite_case_checkpoint,
	.case_statistics = sqlite_case_statistics,
	.case_set_deadlines = sqlite_case_set_deadlines,
	.case_reporter_seen = sqlite_case_reporter_seen,
	.unsafe_synchronous_off = sqlite_unsafe_synchronous_off,
};
