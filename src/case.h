/*
 * case: the advice point's case work on reports (issue 15): the status
 * workflow, assignment, answers, internal notes, deadlines, the queue,
 * referrals with consent, retention and withdrawal. The /team/ pages and the
 * CLI (`meldwijzer purge`) call this module; it calls db, crypt, report and
 * audit, and each function owns its transaction. No HTML, no HTTP.
 *
 * Workflow: new -> in_progress ("in behandeling") -> referred
 * ("doorverwezen") -> closed ("afgesloten"), as the table in case.c says per
 * role (case_transition_allowed): caseworkers and coordinators take a case
 * on and refer it (a referral record moves it to "referred"); only a
 * coordinator closes (with a reason from the fixed list), reopens and
 * assigns. Anything else is refused (CASE_REFUSED, or CASE_FORBIDDEN when
 * the role is the problem).
 *
 * Notes and written reasons (a retention extension, a referral override) are
 * encrypted with the report's key, bound to the report, their number and
 * kind, and are never part of what the reporter's follow-up shows.
 *
 * Deadlines: a first answer within answer_days (7) of receipt, feedback
 * within feedback_months (3) of receipt (EU directive 2019/1937 art. 9 as a
 * standard). "Feedback" is met when the case is referred or closed (the
 * reporter has then been told what was done, in an answer). The schema
 * computes due days for the queue (db.h); this module says what is overdue
 * and due soon at `now`.
 *
 * Retention: closing sets a destroy day retention_months (12) later; a
 * coordinator can extend it with a written reason; case_purge() destroys
 * what is due (db_case_destroy: the wrapped keys and every row; only counts
 * survive) and empties SQLite's write-ahead log. A reporter withdraws with
 * the receipt: the same destruction, and the team sees only that a report
 * was withdrawn.
 *
 * Audit: every change (and every reading of notes) is written to the audit
 * log with the report's ref as its object, never content. The entry is
 * written after the change commits (audit.c chains entries in a transaction
 * of its own): when it cannot be written the change stands and the function
 * says CASE_NOT_AUDITED, which the caller must show.
 *
 * Time: every function takes `now` (UTC seconds); days are UTC, as the
 * report's day. Threads: every function may block (database): worker pool
 * only. Errors: -1 for the machinery; the enum for outcomes a person can act on.
 */
#ifndef MELDWIJZER_CASE_H
#define MELDWIJZER_CASE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "db.h"
#include "report.h"

/* Settings (config: [cases]); case_settings_default() gives the defaults. */
struct case_settings {
	unsigned answer_days;            /* 7 */
	unsigned feedback_months;        /* 3 */
	unsigned due_soon_days;          /* 2: the queue marks a deadline this close */
	unsigned retention_months;       /* 12 after closing */
	unsigned retention_warning_days; /* 14: the queue warns this long before destruction */
};
void case_settings_default(struct case_settings *settings);
/* Writes the deadlines into the database, where the schema uses them for new
 * reports (all servers on one database share them). 0, or -1. */
__attribute__((warn_unused_result)) int case_settings_apply(struct db *db, const struct case_settings *settings);

/* Who acts: from the staff session (name, roles, account id), or the CLI
 * ("cli", STAFF_ROLE_COORDINATOR, 0). */
struct case_actor {
	const char *name;
	unsigned roles;                  /* staff.h's bits */
	int64_t account_id;
};

enum case_result {
	CASE_OK = 0,
	CASE_NOT_FOUND = 1,     /* no such report */
	CASE_FORBIDDEN = 2,     /* the actor's roles may not do this */
	CASE_REFUSED = 3,       /* not from the case's current status (the workflow table) */
	CASE_BAD_INPUT = 4,     /* an unknown status, reason, partner, category or consent; empty text; too long */
	CASE_CHANGED = 5,       /* someone changed the case meanwhile: read it again */
	CASE_NO_CONSENT = 6,    /* more than an anonymised summary without consent and without an override */
	CASE_NOT_AUDITED = 7,   /* done, but the audit entry could not be written: say so */
	CASE_TOO_MANY = 8,      /* the report has its maximum of messages or notes */
};

#define CASE_NOTE_CAP 5000
#define CASE_NOTES_PER_CASE 500
#define CASE_REASON_MIN 10      /* a written reason: at least this many bytes */

/* ---- the workflow ---- */

/* "new", "in_progress", "referred", "closed". */
bool case_status_valid(const char *status);
/* Whether a person with `roles` may move a case from `from` to `to` (the
 * table in case.c; "referred" only through case_refer()). */
bool case_transition_allowed(const char *from, const char *to, unsigned roles);
/* The closing reasons: advice_given, referred, no_signs, no_contact, duplicate, outside_region. */
bool case_closing_reason_valid(const char *reason);

/* Moves the case to `to` ("in_progress" or "closed"; a coordinator may also
 * reopen a closed case to "in_progress"); `reason` is needed for "closed"
 * and refused otherwise. Closing sets the destroy day; reopening clears it.
 * Taking a new case on that is assigned to nobody assigns it to the actor
 * (audited as "case_assigned" after the status entry).
 * CASE_OK, CASE_NOT_FOUND, CASE_FORBIDDEN, CASE_REFUSED, CASE_BAD_INPUT,
 * CASE_CHANGED, CASE_NOT_AUDITED, or -1. */
__attribute__((warn_unused_result)) int case_set_status(struct reporting *reporting,
							const struct case_settings *settings,
							const struct case_actor *actor, const char *ref, const char *to,
							const char *reason, int64_t now);
/* Assigns the case to an active account with a content role (`account_id`),
 * or to nobody (0). Coordinators only. CASE_OK, CASE_NOT_FOUND (the case),
 * CASE_FORBIDDEN, CASE_BAD_INPUT (no such account, not active, no content
 * role), CASE_REFUSED (closed), CASE_CHANGED, CASE_NOT_AUDITED, or -1. */
__attribute__((warn_unused_result)) int case_assign(struct reporting *reporting, const struct case_actor *actor,
						    const char *ref, int64_t account_id, int64_t now);
/* Answers the reporter (they read it at follow-up): a new case becomes
 * "in_progress", a referred case stays referred; a closed case is refused.
 * CASE_OK, CASE_NOT_FOUND, CASE_FORBIDDEN, CASE_REFUSED, CASE_BAD_INPUT (empty
 * or not UTF-8 text), CASE_TOO_MANY, CASE_NOT_AUDITED, or -1. */
__attribute__((warn_unused_result)) int case_answer(struct reporting *reporting, const struct case_actor *actor,
						    const unsigned char team_secret[CRYPT_KEY_BYTES], const char *ref,
						    const char *body, int64_t now);

/* ---- internal notes ---- */

/* Adds a note (UTF-8 text, 1 to CASE_NOTE_CAP bytes). CASE_OK,
 * CASE_NOT_FOUND, CASE_FORBIDDEN, CASE_BAD_INPUT, CASE_TOO_MANY,
 * CASE_NOT_AUDITED, or -1. */
__attribute__((warn_unused_result)) int case_add_note(struct reporting *reporting, const struct case_actor *actor,
						      const unsigned char team_secret[CRYPT_KEY_BYTES], const char *ref,
						      const char *text, int64_t now);
/* The notes, decrypted, oldest first: [{"seq", "kind", "author", "at", "text"}]
 * (kind "note", "retention" or "override"). A note that does not open (a
 * changed or moved box) fails the whole read. Reading is audited.
 * CASE_OK (*out set: json_decref it), CASE_NOT_FOUND, CASE_FORBIDDEN,
 * CASE_NOT_AUDITED (nothing is shown then), or -1. */
__attribute__((warn_unused_result)) int case_list_notes(struct reporting *reporting, const struct case_actor *actor,
							const unsigned char team_secret[CRYPT_KEY_BYTES],
							const char *ref, int64_t now, json_t **out);

/* ---- deadlines ---- */

/* Calendar arithmetic on "YYYY-MM-DD" (UTC): days may be negative; adding
 * months keeps the day or takes the month's last (31 January + 1 month =
 * 28 or 29 February). 0, or -1 for a day that is not one. */
__attribute__((warn_unused_result)) int case_add_days(const char *day, int days, char out[DB_DAY_SIZE]);
__attribute__((warn_unused_result)) int case_add_months(const char *day, int months, char out[DB_DAY_SIZE]);
/* The UTC day of `now`. */
void case_day_of(int64_t now, char out[DB_DAY_SIZE]);

struct case_deadlines {
	char answer_due[DB_DAY_SIZE];   /* the first answer: receipt + answer_days */
	char feedback_due[DB_DAY_SIZE]; /* receipt + feedback_months */
	bool answer_met, feedback_met;
	bool overdue;                   /* a deadline not met has passed (the day after it) */
	bool due_soon;                  /* one not met falls within due_soon_days */
	bool destroy_soon;              /* closed, destroyed within retention_warning_days */
};
/* What is due for `row` at `now` under `settings`. 0, or -1 (a bad day in the row). */
__attribute__((warn_unused_result)) int case_deadlines(const struct case_settings *settings, const struct db_case *row,
						       int64_t now, struct case_deadlines *out);

/* ---- the queue ---- */

struct case_queue_query {
	enum db_case_order order;       /* DB_CASE_NEWEST or DB_CASE_URGENT */
	const char *status, *kind, *source; /* NULL: any */
	unsigned form_bits;             /* 0: any */
	bool mine, unassigned, reporter_waiting;
	bool overdue;                   /* late cases only, always most overdue first (`order` is not used) */
	const char *after;              /* the page token of the page before (NULL: the first page) */
};
#define CASE_PAGE_TOKEN_SIZE 48
struct case_queue_item {
	struct db_case row;
	struct case_deadlines deadlines;
};
struct case_queue_page {
	struct case_queue_item items[DB_CASE_PAGE];
	size_t count;
	bool more;
	bool searched_only;              /* fewer than a page, but only part of the queue was searched (more is true) */
	char next[CASE_PAGE_TOKEN_SIZE]; /* the token for the next page ("" when none) */
	struct db_case_counts counts;    /* per status, the whole queue */
};
/* One page of the queue (50 rows). The token is opaque text fit for a URL;
 * one that is not a token, or one made for the other order, is CASE_BAD_INPUT,
 * as is an unknown status, kind or source. Content roles only (the queue
 * shows nothing encrypted, but it is a list of cases). CASE_OK,
 * CASE_FORBIDDEN, CASE_BAD_INPUT, or -1. `out` is big: allocate it. */
__attribute__((warn_unused_result)) int case_queue(struct reporting *reporting, const struct case_settings *settings,
						   const struct case_actor *actor, const struct case_queue_query *query,
						   int64_t now, struct case_queue_page *out);

/* ---- referrals ---- */

/* Partners: police, labour_authority, veilig_thuis, comensha, care_coordination, municipality. */
bool case_partner_valid(const char *partner);
/* What a referral may carry, as bits. Without consent only the anonymised
 * summary and the signals (metadata that identifies nobody) may go. */
enum case_information {
	CASE_INFO_SUMMARY = 1u << 0,   /* an anonymised summary */
	CASE_INFO_SIGNALS = 1u << 1,   /* forms, signals and the weighing */
	CASE_INFO_NARRATIVE = 1u << 2, /* what the reporter wrote */
	CASE_INFO_PERSON = 1u << 3,    /* who the person concerned is, where they are */
	CASE_INFO_CONTACT = 1u << 4,   /* the reporter's contact details */
	CASE_INFO_MESSAGES = 1u << 5,  /* the conversation with the reporter */
};
#define CASE_INFO_ALL 0x3Fu
#define CASE_INFO_ANONYMISED (CASE_INFO_SUMMARY | CASE_INFO_SIGNALS)

struct case_referral {
	const char *partner;
	unsigned categories;           /* CASE_INFO_* bits, at least one */
	const char *consent;           /* "given", "refused", "not_asked", "not_possible" */
	const char *override;          /* NULL, or "acute_danger" / "minor": coordinators only, with a reason */
	const char *reason;            /* the override's written reason (CASE_REASON_MIN bytes or more) */
};
/* Records a referral and moves the case to "referred" (from new or
 * in_progress; a referred case may be referred to another partner too), in
 * one transaction with the override's reason as a note. Without consent
 * "given", categories beyond CASE_INFO_ANONYMISED need an override: else
 * CASE_NO_CONSENT. An override by a caseworker is CASE_FORBIDDEN; without a
 * reason CASE_BAD_INPUT. The audit entry is "case_referred", or
 * "case_referred_override" when an override was used. CASE_OK,
 * CASE_NOT_FOUND, CASE_FORBIDDEN, CASE_REFUSED (closed), CASE_BAD_INPUT,
 * CASE_NO_CONSENT, CASE_CHANGED, CASE_NOT_AUDITED, or -1. */
__attribute__((warn_unused_result)) int case_refer(struct reporting *reporting, const struct case_actor *actor,
						   const unsigned char team_secret[CRYPT_KEY_BYTES], const char *ref,
						   const struct case_referral *referral, int64_t now);
/* The case's referrals, oldest first: [{"partner", "day", "categories": [...],
 * "consent", "override"?, "author"}]. CASE_OK, CASE_NOT_FOUND, CASE_FORBIDDEN, or -1. */
__attribute__((warn_unused_result)) int case_list_referrals(struct reporting *reporting, const struct case_actor *actor,
							    const char *ref, json_t **out);

/* The hand-over of the case's `number`-th referral (1: the oldest, as case_list_referrals lists them):
 * what the referral recorded, and of the report only what its categories allow. Opening it is on the
 * audit log ("case_handover_opened") before anything is decrypted. *out:
 *   {"referral": {as case_list_referrals, with "number"}, "report": {...}}
 * where "report" always has "kind" and then, per category:
 *   summary   "month" (YYYY-MM of receipt) and "relation": metadata that identifies nobody; the
 *             anonymised summary itself is written by the caseworker on the printed page (free text
 *             cannot be anonymised by a program, so none of it goes under this category);
 *   signals   "forms" and "signals" (comma-separated ids), for the weighing;
 *   narrative "what", "when", "how";
 *   person    "who", "where";
 *   contact   "contact" (the reporter's details, when given);
 *   messages  "messages" (the conversation as stored).
 * CASE_OK (json_decref *out), CASE_NOT_FOUND (no such case or referral), CASE_FORBIDDEN,
 * CASE_NOT_AUDITED (nothing shown), or -1. */
__attribute__((warn_unused_result)) int case_handover(struct reporting *reporting, const struct case_actor *actor,
						      const unsigned char team_secret[CRYPT_KEY_BYTES], const char *ref,
						      unsigned number, int64_t now, json_t **out);

/* ---- phone intake ---- */

/* A caseworker or coordinator records a call as a report or consultation:
 * `input` as the report form reads it (report_input_check), stored with
 * source "phone" (its `source` is set here) and the form's single-use
 * `submission_key` (NULL: none), then "case_intake_phone" with the new ref on
 * the audit log. The receipt is written for the caller (shown once, never
 * stored: wipe it), and the ref for the case page. CASE_OK; CASE_NOT_AUDITED
 * (stored and receipt written all the same: show both and say so);
 * CASE_FORBIDDEN; CASE_REFUSED (this form was sent before: nothing new, no
 * receipt); -1 (nothing stored). */
__attribute__((warn_unused_result)) int case_intake_phone(struct reporting *reporting, const struct case_actor *actor,
							  struct report_input *input, const char *submission_key,
							  int64_t now, char receipt[CRYPT_RECEIPT_TEXT_SIZE],
							  char ref[DB_REF_SIZE]);

/* ---- history ---- */

#define CASE_HISTORY_CAP 1000
/* The case's history from the audit log (db_audit_list_object), oldest first:
 * [{"seq", "at", "account", "action"}] for what was done to it (status,
 * assignment, answers, notes, referrals, hand-overs opened, retention, phone
 * intake). Readings of the case page and of the notes ("case_opened",
 * "case_notes_read") are left out: every opening writes them, and the
 * history would drown in them; they stay on the audit log for the admins.
 * At most CASE_HISTORY_CAP entries. Content roles only. CASE_OK (json_decref
 * *out), CASE_NOT_FOUND, CASE_FORBIDDEN, or -1. */
__attribute__((warn_unused_result)) int case_history(struct reporting *reporting, const struct case_actor *actor,
						     const char *ref, json_t **out);

/* ---- retention and withdrawal ---- */

/* Moves a closed case's destroy day `months` (1 to 120) later, with a
 * written reason (stored as an encrypted note). Coordinators only. CASE_OK,
 * CASE_NOT_FOUND, CASE_FORBIDDEN, CASE_REFUSED (not closed), CASE_BAD_INPUT,
 * CASE_CHANGED, CASE_NOT_AUDITED, or -1. */
__attribute__((warn_unused_result)) int case_extend_retention(struct reporting *reporting,
							      const struct case_actor *actor,
							      const unsigned char team_secret[CRYPT_KEY_BYTES],
							      const char *ref, unsigned months, const char *reason,
							      int64_t now);
/* Destroys every closed case whose destroy day is today or before, each in
 * its own transaction with an audit entry "case_destroyed" by `actor_name`
 * ("cli", or "-" for the daily job), then empties the write-ahead log.
 * *destroyed is the number destroyed. 0; CASE_NOT_AUDITED (all destroyed,
 * some entries missing); -1 (what was destroyed before the failure stays
 * destroyed and counted). */
__attribute__((warn_unused_result)) int case_purge(struct reporting *reporting, const char *actor_name, int64_t now,
						   unsigned *destroyed);
/* The reporter withdraws the report with its receipt: it is destroyed as
 * above (counted as "withdrawn"), its follow-up sessions end, and the audit
 * log says only "report_withdrawn" with its ref. 0; 1 for any wrong receipt;
 * CASE_NOT_AUDITED; -1. */
__attribute__((warn_unused_result)) int case_withdraw(struct reporting *reporting, const char *typed_receipt,
						      int64_t now);

#endif
