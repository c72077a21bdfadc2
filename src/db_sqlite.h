/*
 * The SQLite backend's connection settings, shared with the benchmark's
 * plain-insert baseline (bench/sqlite_inserts.c) so that both run with the
 * same durability: WAL, and an fsync at every commit (synchronous=FULL).
 */
#ifndef MELDWIJZER_DB_SQLITE_H
#define MELDWIJZER_DB_SQLITE_H

#define DB_SQLITE_PRAGMAS \
	"PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;"

#endif
