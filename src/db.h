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

/* Adds a message; 1 when the report already has `cap` messages, -1 on error. */
int db_add_message(struct db *db, const char *ref, const char *sender, const unsigned char *box, size_t len,
		   unsigned cap);
__attribute__((warn_unused_result)) int db_list_messages(struct db *db, const char *ref,
							 void (*each)(void *ctx, const struct db_message *), void *ctx);
__attribute__((warn_unused_result)) int db_set_status(struct db *db, const char *ref, const char *status);

/* Issue 10: stores a report from the HTML form with the keyed hash of its single-use submission key:
 * 0 stored (durable), 1 a report with that key exists already (nothing written), -1 error. */
int db_insert_report_once(struct db *db, const struct db_report *report, const unsigned char key_hash[CRYPT_KEY_BYTES]);

#endif
