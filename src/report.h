/*
 * report: online reports and anonymous case consultations, their receipts and
 * the two-way follow-up, on top of crypt, session and db.
 *
 * report_input_from_json() is the strict reader of the public API's report
 * (and of the HTML form, converted to the same JSON). Submitting waits for the
 * database's fsync, and logging in, reading and replying use the database:
 * call them from a worker thread, never from a thread that serves other
 * requests (db.h). Follow-up sessions (session.h) are random 256-bit tokens
 * kept only in memory, with the report key, for REPORT_SESSION_SECONDS from
 * login; the key is wiped when the session ends.
 *
 * Time: the report functions read no clock; they take `now` (UTC seconds),
 * the request's moment (http_request.now).
 *
 * Returns: 0 ok, -1 error, and the other numbers each function lists.
 */
#ifndef MELDWIJZER_REPORT_H
#define MELDWIJZER_REPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypt.h"
#include "db.h"
#include "kb.h"
#include "session.h"
#include "situation.h"

#define REPORT_WHAT_CAP 5000
#define REPORT_FIELD_CAP 1000
#define REPORT_CONTACT_CAP 200
#define REPORT_MESSAGE_CAP 5000
#define REPORT_MESSAGES_PER_REPORT 100
#define REPORT_TOKEN_SIZE CRYPT_TOKEN_SIZE /* 64 hex characters + NUL */
#define REPORT_MAX_SESSIONS 4096        /* follow-up sessions of all reports together */
#define REPORT_SESSIONS_PER_REPORT 3    /* a report's own; its oldest ends when a fourth begins */
#define REPORT_SESSION_SECONDS (30 * 60) /* from login */
#define REPORT_ERROR_SIZE 300

struct report_input {
	json_t *fields;      /* the validated report: {"kind", "what", ..., "contact": {...}} */
	unsigned forms;      /* kb_form bits, bit 3: unknown */
	size_t signals[SITUATION_MAX_SIGNALS];
	size_t signal_count;
	char source[8];      /* "" (online: the readers leave it so) or "phone": a call the team took (case.c) */
};

struct reporting {
	const struct kb *kb;
	struct db *db;
	struct crypt_team team;          /* the public key, and the secret wrapped by the recovery key */
	struct crypt_keys *keys;         /* the server key file's key (crypt; guarded memory) */
	struct session_table *sessions;  /* follow-up logins: owner = report ref, payload = report key */
};

/* What is wrong with a report, typed, so that a form can mark its own field and say it in its own
 * words; `message` says it in English for the API (naming the field). */
enum report_field {
	REPORT_FIELD_NONE, /* the whole input (not JSON, an unknown field) */
	REPORT_FIELD_KIND,
	REPORT_FIELD_WHAT, /* what .. how: in this order */
	REPORT_FIELD_WHO,
	REPORT_FIELD_WHERE,
	REPORT_FIELD_WHEN,
	REPORT_FIELD_HOW,
	REPORT_FIELD_RELATION,
	REPORT_FIELD_FORMS_OR_SIGNALS,
	REPORT_FIELD_CONTACT,
	REPORT_FIELD_CONTACT_NAME,
	REPORT_FIELD_CONTACT_PHONE,
	REPORT_FIELD_CONTACT_EMAIL,
};
enum report_problem {
	REPORT_PROBLEM_INVALID,      /* not one of the allowed values or types */
	REPORT_PROBLEM_MISSING,      /* required and empty */
	REPORT_PROBLEM_TOO_LONG,
	REPORT_PROBLEM_NOT_A_PHONE,
	REPORT_PROBLEM_NOT_AN_EMAIL,
	REPORT_PROBLEM_NO_WAY_BACK,  /* contact wanted without a phone number or e-mail address */
	REPORT_PROBLEM_NO_MEMORY,
};
struct report_error {
	enum report_field field;
	enum report_problem problem;
	char message[REPORT_ERROR_SIZE];
};

/* Reads and checks a report; 0, or -1 with the problem in `error`. */
__attribute__((warn_unused_result)) int report_input_check(const struct kb *kb, const char *text, size_t len,
							   struct report_input *out, struct report_error *error);
/* The same with only the message (the API, the command line). */
__attribute__((warn_unused_result)) int report_input_from_json(const struct kb *kb, const char *text, size_t len,
								struct report_input *out, char error[REPORT_ERROR_SIZE]);
void report_input_release(struct report_input *input);

/* A new installation: the database (schema and team keys) and the server
 * key file, and the recovery key for the caller to show once. All or
 * nothing: when a step fails, what this call made (the key file, and the
 * database file when it made that) is removed again, so that running it once
 * more works. 0; 1 when the database is initialised already (nothing
 * changed); -1 with a message. */
__attribute__((warn_unused_result)) int reporting_initialise(const char *db_url, const char *key_path,
							     char recovery[CRYPT_RECOVERY_TEXT_SIZE],
							     char error[REPORT_ERROR_SIZE]);

/* Loads the team's public key and the server key (from `key_path`: the
 * [server] key_file setting, or db_default_key_path()); refuses an
 * uninitialised database. */
__attribute__((warn_unused_result)) int reporting_open(struct reporting *reporting, const struct kb *kb, struct db *db,
						       const char *key_path, char error[REPORT_ERROR_SIZE]);
void reporting_close(struct reporting *reporting);
/* The server's keys, for form tokens (crypt_keys_form_token). */
const struct crypt_keys *reporting_keys(const struct reporting *reporting);

/* Stores the report durably (dated by `now`'s day) and writes its receipt
 * (shown once, never stored). Slow: waits for the commit. */
__attribute__((warn_unused_result)) int report_submit_at(struct reporting *reporting, const struct report_input *input,
							 int64_t now, char receipt[CRYPT_RECEIPT_TEXT_SIZE]);
/* The same for the HTML form with its single-use submission key: the report is
 * stored with a keyed hash of the key, unique, so the same form sent again
 * (Back or reload after the receipt) stores nothing: 0 stored (receipt
 * written), 1 sent before (no receipt), -1 error. */
__attribute__((warn_unused_result)) int report_submit_once_at(struct reporting *reporting,
							      const struct report_input *input,
							      const char *submission_key, int64_t now,
							      char receipt[CRYPT_RECEIPT_TEXT_SIZE]);
/* Opens a follow-up session: 0 with a token, 1 for any wrong receipt, -1 on error. */
__attribute__((warn_unused_result)) int report_login_at(struct reporting *reporting, const char *typed_receipt,
							int64_t now, char token[REPORT_TOKEN_SIZE]);
/* Ends a follow-up session: true when there was one. */
bool report_logout(struct reporting *reporting, const char *token);
/* The report with its messages, decrypted: 0, 1 for an unknown or expired token, -1 on error.
 * The advice point's messages the reporter had not been shown before carry
 * "new": true (and the report "new_answers": true); reading stores that they
 * have been shown (db_case_reporter_seen), so the next read marks none. When
 * that cannot be stored nothing is marked, and the read still succeeds. */
__attribute__((warn_unused_result)) int report_followup_at(struct reporting *reporting, const char *token,
							   int64_t now, json_t **out);
/* Adds the reporter's message: 0, 1 unknown token, 2 too many messages, 3 not
 * UTF-8 text (nothing stored), -1 on error. In a report read back, a message
 * body that is not UTF-8 text (stored by an earlier version) shows U+FFFD for
 * the bad bytes and carries "damaged": true. */
__attribute__((warn_unused_result)) int report_reply_at(struct reporting *reporting, const char *token,
							const char *body, int64_t now);

/* The answer of /healthz: {"status": "ok", "storage": "ok"}, or with status
 * "unavailable" and storage "full" | "write_failed" | "low_space" when reports
 * cannot be stored now (then *healthy is false: answer 503). */
json_t *report_health(struct reporting *reporting, bool *healthy);

/* Replies that carry a secret (a receipt, a token, a decrypted report):
 * report_json_to_buffer() writes a JSON value into a crypt_buffer (wiped when
 * freed; hand it to http as reply->secret_body) without a copy in between,
 * and report_json_wipes_on_free() makes jansson wipe whatever it frees, so
 * that the JSON values that held decrypted text leave nothing behind either.
 * The latter is process-wide and may be called at any time (jansson's memory
 * stays malloc's); cli calls it first thing. 0, or -1 (the buffer failed). */
__attribute__((warn_unused_result)) int report_json_to_buffer(const json_t *value, size_t flags,
							      struct crypt_buffer *out);
void report_json_wipes_on_free(void);

/* For the advice point (with the team secret): decrypt a report, post an answer. */
__attribute__((warn_unused_result)) int report_read_as_team(struct reporting *reporting,
							    const unsigned char team_secret[CRYPT_KEY_BYTES],
							    const char *ref, json_t **out);
/* Stores the answer and sets the report "in_progress", in one transaction
 * (db_answer_report): 0, 2 too many messages, 3 not UTF-8 text (nothing
 * stored, the status is left as it was), -1 on error (neither happened). */
__attribute__((warn_unused_result)) int report_answer_as_team(struct reporting *reporting,
							      const unsigned char team_secret[CRYPT_KEY_BYTES],
							      const char *ref, const char *body, int64_t now);

/* As report_answer_as_team(), but the report gets `new_status` (case.c keeps
 * a referred case referred when it answers): 0, 2, 3 or -1 as there. */
__attribute__((warn_unused_result)) int report_answer_as_team_with_status(struct reporting *reporting,
									  const unsigned char team_secret[CRYPT_KEY_BYTES],
									  const char *ref, const char *body,
									  const char *new_status, int64_t now);

#endif
