/*
 * The baseline for the submission benchmark on PostgreSQL (issue 12): plain
 * inserts, one transaction each, with the durability the server's PostgreSQL
 * backend sets on its sessions (synchronous_commit=on: COMMIT returns once the
 * WAL is flushed), of rows as large as the server's stored reports. One
 * connection in a loop, as bench/sqlite_inserts.c is one writer in a loop.
 *
 * Usage: pg_inserts DB_URL SECONDS
 *   DB_URL: the server's database after the submission run; the row size is
 *   the average of all columns of its reports table. The baseline's own table
 *   (plain_inserts) is made and dropped in the same database.
 * Prints: "INSERTS_PER_SECOND ROW_BYTES INSERTS"
 */
#define _POSIX_C_SOURCE 200809L
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double seconds_now(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

static bool run(PGconn *conn, const char *sql)
{
	PGresult *result = PQexec(conn, sql);
	bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
	if (!ok)
		fprintf(stderr, "pg_inserts: %s: %s", sql, PQerrorMessage(conn));
	PQclear(result);
	return ok;
}

/* The average number of bytes of a row of `reports`, every column as stored (binary results, so bytea
 * counts its bytes, not its hex). */
static long average_report_bytes(PGconn *conn)
{
	PGresult *result = PQexecParams(conn, "SELECT * FROM reports", 0, NULL, NULL, NULL, NULL, 1);
	long total = 0, rows = 0;
	if (PQresultStatus(result) == PGRES_TUPLES_OK) {
		rows = PQntuples(result);
		for (int row = 0; row < rows; row++)
			for (int column = 0; column < PQnfields(result); column++)
				total += PQgetlength(result, row, column);
	} else {
		fprintf(stderr, "pg_inserts: reading reports: %s", PQerrorMessage(conn));
	}
	PQclear(result);
	return rows ? total / rows : -1;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: pg_inserts DB_URL SECONDS\n");
		return 2;
	}
	double seconds = strtod(argv[2], NULL);
	PGconn *conn = PQconnectdb(argv[1]);
	if (PQstatus(conn) != CONNECTION_OK) {
		fprintf(stderr, "pg_inserts: %s", PQerrorMessage(conn));
		PQfinish(conn);
		return 1;
	}
	long row_bytes = average_report_bytes(conn);
	if (row_bytes <= 0 || seconds <= 0) {
		fprintf(stderr, "pg_inserts: no reports in the database, or SECONDS is not positive\n");
		PQfinish(conn);
		return 2;
	}
	if (!run(conn, "SET synchronous_commit = on; SET client_min_messages = warning") ||
	    !run(conn, "DROP TABLE IF EXISTS plain_inserts") ||
	    !run(conn, "CREATE TABLE plain_inserts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
		       " data bytea NOT NULL)")) {
		PQfinish(conn);
		return 1;
	}
	PGresult *prepared = PQprepare(conn, "insert", "INSERT INTO plain_inserts (data) VALUES ($1)", 1, NULL);
	bool ok = PQresultStatus(prepared) == PGRES_COMMAND_OK;
	PQclear(prepared);
	unsigned char *data = malloc((size_t)row_bytes);
	if (!ok || !data) {
		fprintf(stderr, "pg_inserts: prepare: %s", PQerrorMessage(conn));
		free(data);
		PQfinish(conn);
		return 1;
	}
	const int lengths[1] = {(int)row_bytes}, formats[1] = {1};
	long count = 0;
	double start = seconds_now(), elapsed = 0;
	while (ok && elapsed < seconds) {
		for (long i = 0; i < row_bytes; i++)
			data[i] = (unsigned char)(count * 7 + i); /* a different row each time */
		const char *values[1] = {(const char *)data};
		/* one statement outside BEGIN is its own transaction: committed, WAL flushed, before it returns */
		PGresult *result = PQexecPrepared(conn, "insert", 1, values, lengths, formats, 0);
		ok = PQresultStatus(result) == PGRES_COMMAND_OK;
		if (!ok)
			fprintf(stderr, "pg_inserts: insert failed: %s", PQerrorMessage(conn));
		PQclear(result);
		count++;
		elapsed = seconds_now() - start;
	}
	free(data);
	ok = run(conn, "DROP TABLE plain_inserts") && ok;
	PQfinish(conn);
	if (ok)
		printf("%.1f %ld %ld\n", (double)count / elapsed, row_bytes, count);
	return ok ? 0 : 1;
}
