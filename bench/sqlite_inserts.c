/*
 * The baseline for the submission benchmark: plain SQLite inserts, one
 * transaction each, with the same connection settings as the server's SQLite
 * backend (DB_SQLITE_PRAGMAS: WAL, synchronous=FULL), of rows as large as the
 * server's stored reports.
 *
 * Usage: sqlite_inserts NEW_DB REPORTS_DB SECONDS [unsafe-no-sync]
 *   REPORTS_DB: a server database after the submission run; the row size is
 *   the average of all columns of its reports table.
 *   unsafe-no-sync: PRAGMA synchronous=OFF after the backend's settings, so
 *   that no commit waits for the disk (issue 11: the CPU cost alone; a
 *   benchmark setting only, a crash can lose what it acknowledged).
 * With synchronous=FULL in WAL mode each commit is one fsync of the WAL, so
 * INSERTS_PER_SECOND is also the disk's fsync rate as SQLite sees it.
 * Prints: "INSERTS_PER_SECOND ROW_BYTES INSERTS"
 */
#define _POSIX_C_SOURCE 200809L
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db_sqlite.h"

static double seconds_now(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

/* The average number of bytes of a row of `reports` in the server's database. */
static long average_report_bytes(const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *statement;
	long total = 0, rows = 0;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT * FROM reports", -1, &statement, NULL) != SQLITE_OK) {
		fprintf(stderr, "sqlite_inserts: %s: %s\n", path, sqlite3_errmsg(db));
		sqlite3_close(db);
		return -1;
	}
	while (sqlite3_step(statement) == SQLITE_ROW) {
		for (int column = 0; column < sqlite3_column_count(statement); column++)
			total += sqlite3_column_bytes(statement, column);
		rows++;
	}
	sqlite3_finalize(statement);
	sqlite3_close(db);
	return rows ? total / rows : -1;
}

int main(int argc, char **argv)
{
	bool no_sync = argc == 5 && strcmp(argv[4], "unsafe-no-sync") == 0;
	if (argc != 4 && !no_sync) {
		fprintf(stderr, "usage: sqlite_inserts NEW_DB REPORTS_DB SECONDS [unsafe-no-sync]\n");
		return 2;
	}
	DB_SQLITE_LIBRARY_SETTINGS(); /* before SQLite's first use, as the server does */
	double seconds = atof(argv[3]);
	long row_bytes = average_report_bytes(argv[2]);
	if (row_bytes <= 0 || seconds <= 0) {
		fprintf(stderr, "sqlite_inserts: no reports in %s, or SECONDS is not positive\n", argv[2]);
		return 2;
	}
	sqlite3 *db;
	sqlite3_stmt *insert;
	if (sqlite3_open(argv[1], &db) != SQLITE_OK ||
	    sqlite3_exec(db, DB_SQLITE_PRAGMAS, NULL, NULL, NULL) != SQLITE_OK ||
	    (no_sync && sqlite3_exec(db, "PRAGMA synchronous=OFF", NULL, NULL, NULL) != SQLITE_OK) ||
	    sqlite3_exec(db, "CREATE TABLE rows (id INTEGER PRIMARY KEY, data BLOB NOT NULL)", NULL, NULL, NULL) !=
		    SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO rows (data) VALUES (?)", -1, &insert, NULL) != SQLITE_OK) {
		fprintf(stderr, "sqlite_inserts: %s: %s\n", argv[1], sqlite3_errmsg(db));
		return 1;
	}
	unsigned char *data = malloc((size_t)row_bytes);
	if (!data)
		return 1;
	long count = 0;
	double start = seconds_now(), elapsed = 0;
	while (elapsed < seconds) {
		for (long i = 0; i < row_bytes; i++)
			data[i] = (unsigned char)(count + i); /* a different row each time */
		if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
		    sqlite3_bind_blob(insert, 1, data, (int)row_bytes, SQLITE_STATIC) != SQLITE_OK ||
		    sqlite3_step(insert) != SQLITE_DONE || sqlite3_reset(insert) != SQLITE_OK ||
		    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
			fprintf(stderr, "sqlite_inserts: insert failed: %s\n", sqlite3_errmsg(db));
			return 1;
		}
		count++;
		elapsed = seconds_now() - start;
	}
	printf("%.1f %ld %ld\n", (double)count / elapsed, row_bytes, count);
	free(data);
	sqlite3_finalize(insert);
	sqlite3_close(db);
	return 0;
}
