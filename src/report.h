/*
 * report: online reports and anonymous case consultations, their receipts and
 * the two-way follow-up, on top of crypt and db.
 *
 * report_input_from_json() is the strict reader of the public API's report
 * (and of the HTML form, converted to the same JSON). Submitting waits for the
 * database's fsync and logging in reads the database: call them from a worker
 * thread, never from a thread that serves other requests. Follow-up sessions are random 256-bit
 * tokens kept only in memory, with the report key, for 30 minutes; the key is
 * wiped when the session ends.
 */
#ifndef MELDWIJZER_REPORT_H
#define MELDWIJZER_REPORT_H

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypt.h"
#include "db.h"
#include "kb.h"
#include "situation.h"

#define REPORT_WHAT_CAP 5000
#define REPORT_FIELD_CAP 1000
#define REPORT_CONTACT_CAP 200
#define REPORT_MESSAGE_CAP 5000
#define REPORT_MESSAGES_PER_REPORT 100
#define REPORT_TOKEN_SIZE 65 /* 64 hex characters + NUL */
#define REPORT_MAX_SESSIONS 256
#define REPORT_ERROR_SIZE 300

struct report_input {
	json_t *fields;      /* the validated report: {"kind", "what", ..., "contact": {...}} */
	unsigned forms;      /* kb_form bits, bit 3: unknown */
	size_t signals[SITUATION_MAX_SIGNALS];
	size_t signal_count;
};

struct report_session {
	char token[REPORT_TOKEN_SIZE];
	char ref[DB_REF_SIZE];
	unsigned char key[CRYPT_KEY_BYTES];
	int64_t expires;
	bool used;
};

struct reporting {
	const struct kb *kb;
	struct db *db;
	struct crypt_team team;
	unsigned char server_key[CRYPT_KEY_BYTES];
	pthread_mutex_t sessions_lock;
	struct report_session sessions[REPORT_MAX_SESSIONS];
};

/* Reads and checks a report; 0, or -1 with a message naming the field. */
__attribute__((warn_unused_result)) int report_input_from_json(const struct kb *kb, const char *text, size_t len,
								struct report_input *out, char error[REPORT_ERROR_SIZE]);
void report_input_release(struct report_input *input);

/* Creates the server key file (mode 0600) for a new database. */
__attribute__((warn_unused_result)) int reporting_create_key_file(const char *path, char error[REPORT_ERROR_SIZE]);
/* Loads the team's public key and the server key; refuses an uninitialised database. */
__attribute__((warn_unused_result)) int reporting_open(struct reporting *reporting, const struct kb *kb, struct db *db,
						       char error[REPORT_ERROR_SIZE]);
void reporting_close(struct reporting *reporting);

/* Stores the report durably and writes its receipt (shown once, never stored). Slow. */
__attribute__((warn_unused_result)) int report_submit(struct reporting *reporting, const struct report_input *input,
						      char receipt[CRYPT_RECEIPT_TEXT_SIZE]);
/* Opens a follow-up session: 0 with a token, 1 for any wrong receipt, -1 on error. Slow. */
int report_login(struct reporting *reporting, const char *typed_receipt, char token[REPORT_TOKEN_SIZE]);
/* The report with its messages, decrypted: 0, 1 for an unknown or expired token, -1 on error. */
int report_followup(struct reporting *reporting, const char *token, json_t **out);
/* Adds the reporter's message: 0, 1 unknown token, 2 too many messages, -1 on error. */
int report_reply(struct reporting *reporting, const char *token, const char *body);

/* For the advice point (with the team secret): decrypt a report, post an answer. */
__attribute__((warn_unused_result)) int report_read_as_team(struct reporting *reporting,
							    const unsigned char team_secret[CRYPT_KEY_BYTES],
							    const char *ref, json_t **out);
int report_answer_as_team(struct reporting *reporting, const unsigned char team_secret[CRYPT_KEY_BYTES],
			  const char *ref, const char *body);

/* Issue 10: report_submit() for the HTML form with its single-use submission key (32 hex characters):
 * 0 stored (receipt written), 1 a report with this key was stored before (nothing stored, no receipt),
 * -1 error. Slow. */
__attribute__((warn_unused_result)) int report_submit_once(struct reporting *reporting, const struct report_input *input,
							   const char *submission_key,
							   char receipt[CRYPT_RECEIPT_TEXT_SIZE]);

#endif
