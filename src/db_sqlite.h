/*
 * The SQLite backend's connection settings, shared with the benchmark's
 * plain-insert baseline (bench/sqlite_inserts.c) so that both run with the
 * same durability: WAL, and an fsync at every commit (synchronous=FULL).
 * temp_store=MEMORY: the journal of each report's savepoint in a group
 * commit (the pages it changes, ~15 per report) went past SQLite's 64 KiB
 * in-memory limit into an unlinked file in /var/tmp: a write of each page
 * image per report (13 % of a submission's CPU), and copies of report pages
 * on a disk outside the database's own folder. In memory, neither.
 * wal_autocheckpoint=4000 (SQLite's default is 1000 pages): a checkpoint
 * copies every page the log holds into the database file and syncs it, on
 * the committer thread (db.c). Pages that many commits change (interior pages, the
 * ends of the case indexes, case_counts, the header page) are copied once per
 * checkpoint, so fewer, larger checkpoints copy fewer pages per report: durable
 * submissions 101 %, 106 % -> 115 %, 115 % of plain inserts (docs/benchmarks.md;
 * 8000 gave the same, 112-120 %, with a p99 of 28-41 ms instead of 20-30 ms).
 * The log file grows to ~16 MB and stays; destroying a case still empties it
 * (db_case_checkpoint, TRUNCATE).
 * The backend itself is reached through db.h only (db_backend.h names it).
 */
#ifndef MELDWIJZER_DB_SQLITE_H
#define MELDWIJZER_DB_SQLITE_H

#define DB_SQLITE_PRAGMAS \
	"PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;" \
	" PRAGMA temp_store=MEMORY; PRAGMA wal_autocheckpoint=4000;"

/* SQLite's process-wide settings, made before its first use (sqlite3_config
 * refuses, harmlessly, once the library is initialised). MEMSTATUS off: by
 * default every allocation of SQLite takes one global mutex to keep memory
 * statistics that nothing here reads, and Debian's SQLite is built without
 * lookaside memory, so an insert with its case row, triggers and indexes
 * allocates often: 23,000 of 236,000 instructions per stored report
 * (callgrind, docs/benchmarks.md). The baseline of the benchmark makes the
 * same call, so that both sides use the library alike. */
#define DB_SQLITE_LIBRARY_SETTINGS() ((void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0))

/* Connections that only read, beside the one that writes: in WAL mode a
 * reader sees the last commit and never waits for a writer, so a read is not
 * held up by another request's fsync. Four: the worker pool's reads are short,
 * and a fifth reader waits for one of them, not for the disk. */
#define DB_SQLITE_READERS 4

/* The migrations, one file each (db/sqlite/NNN_*.sql), built into the program
 * by scripts/embed-migrations. */
extern const char *const db_sqlite_migrations[];
extern const unsigned db_sqlite_migration_count;

#endif
