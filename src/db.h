/*
 * db: storage of reports and messages behind one interface; SQL lives only in
 * the backends (db_sqlite.c now; a PostgreSQL backend follows). Callers never
 * see SQL or a backend type.
 *
 * What is stored in clear is coarse metadata only: kind, status, the day of
 * submission, forms and signal ids. Everything a reporter wrote is an opaque
 * encrypted box made by crypt; receipts exist only as keyed hashes.
 *
 * Durability: a report is committed (WAL, synchronous=FULL) before
 * db_insert_report() returns, so a receipt is never shown for a report that a
 * crash could lose. A db handle may be used from several threads.
 */
#ifndef MELDWIJZER_DB_H
#define MELDWIJZER_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypt.h"

#define DB_ERROR_SIZE 300
#define DB_REF_SIZE 33 /* 32 hex characters + NUL */

struct db;

struct db_report {
	char ref[DB_REF_SIZE];          /* random public id, not the receipt */
	char kind[16];                  /* "report" | "consultation" */
	char status[16];                /* "new" | "in_progress" | "closed" */
	char created_day[11];           /* YYYY-MM-DD: no exact time is kept */
	char forms[64];                 /* comma-separated form ids */
	char signals[4096];             /* comma-separated signal ids */
	unsigned char receipt_lookup[CRYPT_KEY_BYTES];
	unsigned char receipt_salt[CRYPT_SALT_BYTES];
	unsigned char key_for_receipt[CRYPT_WRAPPED_KEY_BYTES];
	unsigned char key_for_team[CRYPT_SEALED_KEY_BYTES];
	unsigned char *content;         /* encrypted; owned, free with db_report_release() */
	size_t content_len;
	unsigned message_count;
};

struct db_message {
	char sender[16];                /* "reporter" | "advice_point" */
	char created_day[11];
	unsigned seq;                   /* 1, 2, ... within the report; 0 for a message stored
					 * before schema version 2 (its box does not bind it) */
	unsigned char *box;             /* encrypted body */
	size_t box_len;
};

/* Opens "sqlite:PATH"; only `create` (for init) makes a missing database. */
__attribute__((warn_unused_result)) int db_open(struct db **out, const char *url, bool create,
						char error[DB_ERROR_SIZE]);
void db_close(struct db *db);
/* The path of the server key file that belongs to this database. */
const char *db_key_path(const struct db *db);

/* Creates the schema and stores the team keys; refuses an initialised database. */
__attribute__((warn_unused_result)) int db_initialise(struct db *db, const struct crypt_team *team,
						      char error[DB_ERROR_SIZE]);
/* 1 when initialised, 0 when not, -1 on error. */
int db_is_initialised(struct db *db);
/* Brings an initialised database to this program's schema version (the
 * migrations not yet applied, in one transaction); refuses a database that a
 * newer program made. */
__attribute__((warn_unused_result)) int db_upgrade(struct db *db, char error[DB_ERROR_SIZE]);
__attribute__((warn_unused_result)) int db_load_team(struct db *db, struct crypt_team *team);

__attribute__((warn_unused_result)) int db_insert_report(struct db *db, const struct db_report *report);
/* 0 found, 1 not found, -1 error. */
int db_find_report(struct db *db, const unsigned char lookup[CRYPT_KEY_BYTES], struct db_report *out);
int db_get_report(struct db *db, const char *ref, struct db_report *out);
void db_report_release(struct db_report *report);
/* Calls `each` for every report, newest first (content not loaded). */
__attribute__((warn_unused_result)) int db_list_reports(struct db *db, void (*each)(void *ctx, const struct db_report *),
							void *ctx);

/* The number of messages the report has (its next message is count + 1); -1 on error. */
long db_count_messages(struct db *db, const char *ref);
/* Adds message number `seq` (its box binds that number, so it is chosen before
 * encrypting): 0 stored, 1 when the report already has `cap` messages, 2 when
 * `seq` is no longer the next number (another message came first: encrypt
 * again with the new number), -1 on error. */
int db_add_message(struct db *db, const char *ref, const char *sender, unsigned seq, const unsigned char *box,
		   size_t len, unsigned cap);
/* Calls `each` for the report's messages in order: those from before schema
 * version 2 first (seq 0), then by seq. */
__attribute__((warn_unused_result)) int db_list_messages(struct db *db, const char *ref,
							 void (*each)(void *ctx, const struct db_message *), void *ctx);
__attribute__((warn_unused_result)) int db_set_status(struct db *db, const char *ref, const char *status);

/* Whether reports can be stored now: false after a write failed for a reason
 * of the storage itself (disk full, I/O error, read-only) until a write
 * succeeds again, or when the database's file system has less than 1 MiB
 * free. Cheap (no write, one statvfs), so /healthz may call it often. */
struct db_storage {
	bool ok;
	const char *problem; /* NULL when ok; "full", "write_failed" or "low_space" */
	uint64_t free_bytes;
};
/* 0, or -1 when the free space cannot be read (`out` still holds the rest). */
int db_storage_state(struct db *db, struct db_storage *out);

#endif
