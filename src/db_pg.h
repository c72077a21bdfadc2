/*
 * The PostgreSQL backend's settings and its built-in migrations. The backend
 * itself is reached through db.h only (db_backend.h names it).
 */
#ifndef MELDWIJZER_DB_PG_H
#define MELDWIJZER_DB_PG_H

/* Connections that only read, beside the one that writes. Under MVCC a read
 * never waits for another transaction's commit, so a read is not held up by
 * a submission's WAL flush; four as in the SQLite backend (the worker pool's
 * reads are short). Each server opens 1 + DB_PG_READERS connections: count
 * them against max_connections when several servers share a database. */
#define DB_PG_READERS 4

/* Seconds a (re)connection may take before it fails, unless the URL sets
 * connect_timeout itself. A request that finds the database away waits at
 * most this long before it is answered with an error. */
#define DB_PG_CONNECT_TIMEOUT "5"

/* The migrations, one file each (db/postgresql/NNN_*.sql), built into the
 * program by scripts/embed-migrations; the same numbers and names as
 * db/sqlite/ (the script checks), so a schema version means the same on both. */
extern const char *const db_pg_migrations[];
extern const unsigned db_pg_migration_count;

#endif
