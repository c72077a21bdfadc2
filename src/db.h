/*
 * db: storage of reports and messages behind one interface. Callers never see
 * SQL or a backend type: db.c picks a backend by the URL's scheme ("sqlite:",
 * "postgresql:" or "postgres:") and every call goes through that backend's
 * table of operations
 * (db_backend.h). The contract below is what every backend keeps; one test
 * suite, tests/unit/test_db.c, is written against this header alone and every
 * backend must pass it.
 *
 * What is stored in clear is coarse metadata only: kind, status, the day of
 * submission, forms and signal ids. Everything a reporter wrote is an opaque
 * encrypted box made by crypt; receipts exist only as keyed hashes.
 *
 * Durability: a report is committed before db_insert_report() returns, so a
 * receipt is never shown for a report that a crash could lose. Each use case
 * that changes several rows (an answer and the status it sets) is one
 * transaction: it happens whole or not at all.
 *
 * Threads: a db handle may be used from several threads. Reads never wait for
 * a commit's fsync (both backends read on connections of their own: SQLite in
 * WAL mode, PostgreSQL under MVCC). Several handles, in several processes,
 * may share one database. No callback of this interface is ever called while the backend
 * holds a lock, so a callback may call db_* itself. Every call may block on
 * the disk: never call one from a thread that serves other requests.
 *
 * Time: the db module reads no wall clock: days are given by the caller. It
 * reads the monotonic clock for one thing only, how long commits take
 * (db_stats).
 *
 * Errors: -1 (and a message in `error` where there is one); 1, 2 ... where a
 * function lists other outcomes.
 */
#ifndef MELDWIJZER_DB_H
#define MELDWIJZER_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypt.h"

#define DB_ERROR_SIZE 300
#define DB_REF_SIZE 33 /* 32 hex characters + NUL */
#define DB_DAY_SIZE 11 /* YYYY-MM-DD + NUL */

struct db;

/* A report's row. Text that does not fit a field is an error when read, never
 * cut short. */
struct db_report {
	char ref[DB_REF_SIZE];          /* random public id, not the receipt */
	char kind[16];                  /* "report" | "consultation" */
	char status[16];                /* "new" | "in_progress" | "closed"; "new" on insert */
	char created_day[DB_DAY_SIZE];  /* YYYY-MM-DD, set by the caller: no exact time is kept */
	char forms[64];                 /* comma-separated form ids */
	char signals[4096];             /* comma-separated signal ids */
	unsigned char receipt_lookup[CRYPT_KEY_BYTES];
	unsigned char receipt_salt[CRYPT_SALT_BYTES];
	unsigned char key_for_receipt[CRYPT_WRAPPED_KEY_BYTES];
	unsigned char key_for_team[CRYPT_SEALED_KEY_BYTES];
	unsigned char *content;         /* encrypted; read rows own it: free with db_report_release() */
	size_t content_len;
	bool has_submission_key;        /* inserts only: a form's single-use key (keyed hash), unique */
	unsigned char submission_key[CRYPT_KEY_BYTES];
	unsigned message_count;         /* read rows only */
	char source[8];                 /* inserts only: "online" (or "") | "phone" (a call the team took);
					 * the case row gets it in the same transaction */
	/* inserts only: the report key K and the team's public key, both the
	 * caller's until db_insert_report returns. The backend seals K into
	 * key_for_team together with the other reports of its commit (one
	 * ephemeral key pair per batch: crypt_team_sealer). Both required. */
	const unsigned char *key_to_seal;
	const unsigned char *team_public;
};

/* A message as read back. `box` belongs to the db module and is valid only
 * during the callback that receives the message. */
struct db_message {
	char sender[16];                /* "reporter" | "advice_point" */
	char created_day[DB_DAY_SIZE];
	unsigned seq;                   /* 1, 2, ... within the report; 0 for a message stored
					 * before schema version 2 (its box does not bind it) */
	const unsigned char *box;       /* encrypted body */
	size_t box_len;
};

/* A message to store. Its box binds `seq` (crypt), so the caller chooses the
 * number before encrypting: db_count_messages() + 1. */
struct db_new_message {
	const char *sender;             /* "reporter" | "advice_point" */
	const char *day;                /* YYYY-MM-DD */
	unsigned seq;
	const unsigned char *box;
	size_t box_len;
};

/* Opens a database by URL: "sqlite:PATH" or a libpq URL ("postgresql://...").
 * Only `create` (for init) makes a missing SQLite database; a PostgreSQL
 * database is made by its administrator, its schema by db_initialise(). An
 * unknown scheme is refused; no message repeats a URL that may hold a password. */
__attribute__((warn_unused_result)) int db_open(struct db **out, const char *url, bool create,
						char error[DB_ERROR_SIZE]);
void db_close(struct db *db);
/* Whether `url` names a database this program can open (its scheme, and
 * something after it), without opening it: 0, or -1 with the same message
 * db_open() would give. */
__attribute__((warn_unused_result)) int db_check_url(const char *url, char error[DB_ERROR_SIZE]);
/* Closes, and removes the database again when this handle created it (init
 * that failed must leave nothing behind); a database that existed before is
 * only closed. */
void db_close_and_remove_if_new(struct db *db);

/* The server key file's path when none is configured: "PATH.key" beside a
 * SQLite database (where earlier versions always kept it). 0, or -1 when the
 * URL has no file to put it beside (set [server] key_file or --key then). */
__attribute__((warn_unused_result)) int db_default_key_path(const char *url, char *out, size_t size);

/* Creates the schema and stores the team keys, in one transaction; refuses an
 * initialised database. */
__attribute__((warn_unused_result)) int db_initialise(struct db *db, const struct crypt_team *team,
						      char error[DB_ERROR_SIZE]);
/* 1 when initialised, 0 when not, -1 on error. */
__attribute__((warn_unused_result)) int db_is_initialised(struct db *db);
/* Brings an initialised database to this program's schema version (the
 * migrations not yet applied, in one transaction); refuses a database that a
 * newer program made, naming both versions. */
__attribute__((warn_unused_result)) int db_upgrade(struct db *db, char error[DB_ERROR_SIZE]);
/* The schema version this program writes (the number of migrations). */
int db_schema_version(const struct db *db);
__attribute__((warn_unused_result)) int db_load_team(struct db *db, struct crypt_team *team);

/* Stores a new report (status "new") durably: 0; 1 when it carries a
 * submission key that a stored report has already (nothing stored); or -1
 * when it could not be stored (a report that fails, for example on a
 * reference already in use, fails alone; reports committed with it are not
 * affected). Fills `key_for_team` when the report has a key to seal. */
__attribute__((warn_unused_result)) int db_insert_report(struct db *db, struct db_report *report);
/* By receipt lookup hash, or by reference: 0 found (release `out` with
 * db_report_release()), 1 not found, -1 error. */
__attribute__((warn_unused_result)) int db_find_report(struct db *db, const unsigned char lookup[CRYPT_KEY_BYTES],
						       struct db_report *out);
__attribute__((warn_unused_result)) int db_get_report(struct db *db, const char *ref, struct db_report *out);
void db_report_release(struct db_report *report);
/* Calls `each` for every report, newest first (content not loaded). The rows
 * are read in pages, and `each` runs with no lock held. */
__attribute__((warn_unused_result)) int db_list_reports(struct db *db, void (*each)(void *ctx, const struct db_report *),
							void *ctx);

/* The number of messages the report has (its next message is count + 1); -1 on error. */
__attribute__((warn_unused_result)) long db_count_messages(struct db *db, const char *ref);
/* Adds message number `message->seq`: 0 stored, 1 when the report already has
 * `cap` messages, 2 when `seq` is no longer the next number (another message
 * came first: encrypt again with the new number), -1 on error (an unknown
 * report included). */
__attribute__((warn_unused_result)) int db_add_message(struct db *db, const char *ref,
						       const struct db_new_message *message, unsigned cap);
/* The advice point's answer: adds the message and sets the report's status,
 * in one transaction (both or neither). Returns as db_add_message(). */
__attribute__((warn_unused_result)) int db_answer_report(struct db *db, const char *ref,
							 const struct db_new_message *message, unsigned cap,
							 const char *new_status);
/* Calls `each` for the report's messages in order: those from before schema
 * version 2 first (seq 0), then by seq. `each` runs with no lock held. */
__attribute__((warn_unused_result)) int db_list_messages(struct db *db, const char *ref,
							 void (*each)(void *ctx, const struct db_message *), void *ctx);
/* 0, or -1 (an unknown report included). */
__attribute__((warn_unused_result)) int db_set_status(struct db *db, const char *ref, const char *status);

/* Whether reports can be stored now: false after a write failed for a reason
 * of the storage itself (disk full, I/O error, read-only) until a write
 * succeeds again, or when the database's file system has less than 1 MiB
 * free. Cheap (no write, one statvfs), so /healthz may call it often.
 * PostgreSQL: false while the database server cannot be reached
 * ("unreachable"; a thread of the backend's own then tries a new connection
 * about once a second, so the state turns back without other traffic);
 * free_bytes is 0 (the disk is the database server's). Never waits: no lock,
 * no I/O that can block (it runs on the HTTP threads for /healthz). */
struct db_storage {
	bool ok;
	const char *problem; /* NULL when ok; "full", "write_failed", "low_space" or "unreachable" */
	uint64_t free_bytes;
};
/* 0, or -1 when the free space cannot be read (`out` still holds the rest). */
int db_storage_state(struct db *db, struct db_storage *out);

/* What the writer has done, for tests, benchmarks and metrics: group commit
 * must be seen to form batches, not only assumed to, and a slow disk (or
 * database server) must be seen in how long commits take. */
#define DB_COMMIT_BUCKETS 12
extern const double db_commit_bounds[DB_COMMIT_BUCKETS]; /* seconds, ascending; then +Inf */
struct db_stats {
	uint64_t commits;           /* write transactions committed */
	uint64_t reports_committed; /* reports stored by them */
	unsigned largest_batch;     /* the most reports one commit carried */
	unsigned waiting;           /* reports queued now for the next commit */
	/* how long those commits took, from right before COMMIT (and the
	 * before_commit test hook, which stands in for a slow flush) until it
	 * returned: per bucket of db_commit_bounds (not cumulative; the last is
	 * +Inf), and in total. Between commits their sum is `commits`. */
	uint64_t commit_buckets[DB_COMMIT_BUCKETS + 1];
	uint64_t commit_us_sum;
};
void db_get_stats(struct db *db, struct db_stats *out);

/* Test hooks (NULL members: none). before_commit runs in the writing thread
 * right before each write transaction commits, with the backend's write lock
 * held: it stands in for a slow fsync (block in it) or a failed one (return
 * nonzero: the transaction is then rolled back and every caller it carried
 * gets -1, as when COMMIT fails). This is the one callback that runs under a
 * lock; only tests set it. `reports` is the number of new reports the
 * transaction carries (0 for other writes). Set hooks before other threads use
 * the handle. */
struct db_test_hooks {
	int (*before_commit)(void *ctx, unsigned reports);
	void *ctx;
};
void db_set_test_hooks(struct db *db, const struct db_test_hooks *hooks);

/* ---- staff accounts, staff sessions and the audit log (issue 14) ----
 * Rows that staff.c and audit.c read and write; the rules (who may do what,
 * what is wrapped by which key) are theirs. Nothing here is a secret in
 * clear: keys are wrapped (crypt) and tokens are hashes. */

#define DB_STAFF_NAME_SIZE 65      /* up to 64 bytes + NUL */
#define DB_STAFF_TOTP_BYTES 20     /* TOTP_SECRET_BYTES */
#define DB_STAFF_TOTP_WRAPPED_BYTES (DB_STAFF_TOTP_BYTES + CRYPT_OVERHEAD)

/* An account. The key material belongs to the account's current secret: the
 * activation code while "pending", the password once "active". */
struct db_staff_account {
	int64_t id;                         /* given by the database on insert */
	char name[DB_STAFF_NAME_SIZE];
	unsigned roles;                     /* a bit set of staff.h's roles */
	char state[16];                     /* "pending" | "active" | "disabled" */
	int64_t revision;                   /* raised by every db_staff_update() */
	int64_t created_at;                 /* UTC seconds */
	int64_t activation_expires;         /* pending: the code works before this time */
	unsigned char salt[CRYPT_SALT_BYTES];
	uint32_t kdf_opslimit, kdf_memlimit; /* argon2id cost the key was made with */
	unsigned char verifier[CRYPT_KEY_BYTES];
	bool has_team_secret;               /* content roles only */
	unsigned char team_secret[CRYPT_WRAPPED_KEY_BYTES];
	bool has_totp;                      /* active accounts */
	unsigned char totp[DB_STAFF_TOTP_WRAPPED_BYTES];
	int64_t totp_last_step;             /* the last TOTP step accepted (replay guard) */
};

/* Stores a new account and sets account->id: 0; 1 when the name is taken; -1. */
__attribute__((warn_unused_result)) int db_staff_insert(struct db *db, struct db_staff_account *account);
/* By name, or by id: 0 found, 1 not found, -1 error. */
__attribute__((warn_unused_result)) int db_staff_get(struct db *db, const char *name, struct db_staff_account *out);
__attribute__((warn_unused_result)) int db_staff_get_by_id(struct db *db, int64_t id,
							    struct db_staff_account *out);
/* Writes the account's roles, state, activation expiry, key material and TOTP
 * secret (not its name, id or last TOTP step) if its revision is still
 * `account->revision` (nobody changed it since it was read), and raises the
 * revision. When the state is no longer "active" its sessions are removed in
 * the same transaction, so a disabled account can do nothing from the next
 * request on. 0 written; 1 changed meanwhile (or gone): read it again; -1. */
__attribute__((warn_unused_result)) int db_staff_update(struct db *db, const struct db_staff_account *account);
/* The replay guard: records `step` as the account's last TOTP step only if it
 * is later than the one stored, in one statement (two servers cannot both
 * accept the same code). 0 recorded; 1 not later (a replay); -1. */
__attribute__((warn_unused_result)) int db_staff_use_totp_step(struct db *db, int64_t id, int64_t step);
/* Calls `each` for every account by name; `each` runs with no lock held. */
__attribute__((warn_unused_result)) int db_staff_list(struct db *db,
						       void (*each)(void *ctx, const struct db_staff_account *),
						       void *ctx);

/* A staff session: found by a hash of its token (crypt_session_lookup). */
struct db_staff_session {
	unsigned char lookup[CRYPT_KEY_BYTES];
	int64_t account_id;
	int64_t created_at, last_seen;      /* UTC seconds */
	bool has_team_secret;
	unsigned char team_secret[CRYPT_WRAPPED_KEY_BYTES]; /* by crypt_session_key() */
};
/* 0; -1 (a lookup already used included). */
__attribute__((warn_unused_result)) int db_staff_session_insert(struct db *db, const struct db_staff_session *session);
/* 0 found, 1 not found, -1. */
__attribute__((warn_unused_result)) int db_staff_session_get(struct db *db, const unsigned char lookup[CRYPT_KEY_BYTES],
							      struct db_staff_session *out);
/* Sets last_seen (never backwards): 0, 1 not found, -1. */
__attribute__((warn_unused_result)) int db_staff_session_touch(struct db *db, const unsigned char lookup[CRYPT_KEY_BYTES],
								int64_t last_seen);
/* 0 (also when there was no such session), -1. */
__attribute__((warn_unused_result)) int db_staff_session_delete(struct db *db,
								 const unsigned char lookup[CRYPT_KEY_BYTES]);

/* An audit log entry. The log is append-only: the schema refuses UPDATE and
 * DELETE; audit.c chains the entries by hash so that a change made around
 * that refusal (another program, the file itself) is found. */
#define DB_AUDIT_ACCOUNT_SIZE DB_STAFF_NAME_SIZE
#define DB_AUDIT_ACTION_SIZE 33
#define DB_AUDIT_OBJECT_SIZE 129
struct db_audit_entry {
	int64_t seq;                        /* 1, 2, ... without gaps */
	int64_t at;                         /* UTC seconds */
	char account[DB_AUDIT_ACCOUNT_SIZE];
	char action[DB_AUDIT_ACTION_SIZE];
	char object[DB_AUDIT_OBJECT_SIZE];
	unsigned char previous[CRYPT_HASH_BYTES];
	unsigned char hash[CRYPT_HASH_BYTES];
};
/* Appends `entry` as number entry->seq: 0; 1 when that number is taken
 * (another writer came first: read the last entry and chain again); -1. */
__attribute__((warn_unused_result)) int db_audit_append(struct db *db, const struct db_audit_entry *entry);
/* The entry with the highest number: 0, 1 when the log is empty, -1. */
__attribute__((warn_unused_result)) int db_audit_last(struct db *db, struct db_audit_entry *out);
/* Calls `each` for every entry in the order of the numbers stored (rows read
 * in pages; `each` runs with no lock held and returns 0 to go on, nonzero to
 * stop). 0, or -1 on a read error. */
__attribute__((warn_unused_result)) int db_audit_list(struct db *db,
						       int (*each)(void *ctx, const struct db_audit_entry *), void *ctx);
/* The same for the entries whose object is `object` only (an index on the
 * object serves it): a case's history is the entries with its ref. */
__attribute__((warn_unused_result)) int db_audit_list_object(struct db *db, const char *object,
							      int (*each)(void *ctx, const struct db_audit_entry *),
							      void *ctx);

/* ---- case work (issue 15) ----
 * The queue's rows (table `cases`, one per report, kept in step with reports
 * and messages by the schema itself: a new report, an answer, the reporter
 * writing again), internal notes, referrals, and destruction. The rules (who
 * may do what, deadlines, consent) are case.c's; here are rows. Days are
 * YYYY-MM-DD (UTC). A backend that does not have these yet returns -1. */

#define DB_CASE_PAGE 50
/* How many rows a queue page may look at to find its DB_CASE_PAGE (see
 * db_case_queue): bounds the slowest filter at a million cases. */
#define DB_CASE_SCAN_LIMIT 10000
#define DB_CASE_NO_DAY "9999-12-31" /* due_day when nothing is due */
#define DB_CASE_REASON_SIZE 32

/* A case as the queue and the case page see it: metadata only. */
struct db_case {
	int64_t id;                          /* the order of storing: newest first is highest first */
	char ref[DB_REF_SIZE];
	char kind[16];                       /* "report" | "consultation" */
	char status[16];                     /* "new" | "in_progress" | "referred" | "closed" */
	char created_day[DB_DAY_SIZE];
	unsigned form_bits;                  /* 1 sexual, 2 labour, 4 criminal, 8 unknown */
	char source[8];                      /* "online" | "phone" */
	int64_t assigned_to;                 /* a staff account's id; 0: nobody */
	char first_answer_day[DB_DAY_SIZE];  /* "" before the first answer */
	bool reporter_waiting;               /* the reporter wrote after the last answer */
	char due_day[DB_DAY_SIZE];           /* the next deadline; DB_CASE_NO_DAY: none */
	char closed_day[DB_DAY_SIZE];        /* "" unless closed */
	char closing_reason[DB_CASE_REASON_SIZE];
	char destroy_day[DB_DAY_SIZE];       /* "" unless closed */
};

/* Queue filters; zero / NULL members do not filter. */
struct db_case_filter {
	const char *status;
	const char *kind;
	unsigned form_bits;                  /* cases with any of these forms */
	const char *source;
	bool assigned_to_account;            /* assigned to `account` */
	int64_t account;
	bool unassigned;
	const char *due_before;              /* due_day < this day: overdue on that day */
	bool reporter_waiting;
	unsigned scan_limit;                 /* 0: DB_CASE_SCAN_LIMIT (tests set a small one) */
};
enum db_case_order {
	DB_CASE_NEWEST,                      /* highest id first */
	DB_CASE_URGENT,                      /* earliest due_day first, then lowest id */
};
/* Where a page ends (keyset pagination): the last row's id and due_day;
 * `set` false for the first page. */
struct db_case_cursor {
	bool set;
	int64_t id;
	char due_day[DB_DAY_SIZE];
};
/* One page (up to DB_CASE_PAGE rows) after `after`, in `order`; *more tells
 * whether another page may follow, and `next` is where it starts.
 * A rare combination of filters may match few rows among many: the backend
 * may then stop after looking at scan_limit rows with fewer than a page, *more
 * true and `next` the last row it looked at (which need not match), so that
 * no page costs more than a bounded scan. Going on from `next` finds every
 * matching row exactly once. 0, or -1. */
__attribute__((warn_unused_result)) int db_case_queue(struct db *db, const struct db_case_filter *filter,
						      enum db_case_order order, const struct db_case_cursor *after,
						      struct db_case rows[DB_CASE_PAGE], size_t *count, bool *more,
						      struct db_case_cursor *next);
/* The number of cases in each status (the whole queue, not a filter). */
struct db_case_counts {
	int64_t new_count, in_progress, referred, closed;
};
__attribute__((warn_unused_result)) int db_case_counts(struct db *db, struct db_case_counts *out);
/* 0 found, 1 not found, -1. */
__attribute__((warn_unused_result)) int db_case_get(struct db *db, const char *ref, struct db_case *out);

/* An internal note (or the written reason of a retention extension or an
 * override): its box binds `seq`, so the caller takes db_case_count_notes() + 1. */
struct db_case_note {
	unsigned seq;
	char kind[16];                       /* "note" | "retention" | "override" */
	char author[DB_STAFF_NAME_SIZE];
	int64_t at;                          /* UTC seconds */
	const unsigned char *box;            /* read notes: owned by the db module, valid during the callback */
	size_t box_len;
};
/* A referral: a record of what was handed over to whom. */
struct db_referral {
	char partner[24];
	char day[DB_DAY_SIZE];
	unsigned categories;                 /* case.h's CASE_INFO_* bits */
	char consent[16];                    /* "given" | "refused" | "not_asked" | "not_possible" */
	char override[16];                   /* "" | "acute_danger" | "minor" */
	char author[DB_STAFF_NAME_SIZE];
	int64_t at;
};
/* One change to a case, in one transaction: when `expected_status` is not
 * NULL the change is made only if the case still has that status (two staff
 * acting at once: one wins); `row` (else NULL) writes its status (also in
 * reports), source, assigned_to, due_day, closed_day, closing_reason and
 * destroy_day; `note` and `referral` (else NULL) are added. 0 done; 1 the
 * case is gone or its status changed meanwhile; 2 the note's number is taken
 * (encrypt again with the next one); -1. */
struct db_case_change {
	const char *ref;
	const char *expected_status;
	const struct db_case *row;
	const struct db_case_note *note;
	const struct db_referral *referral;
};
__attribute__((warn_unused_result)) int db_case_change(struct db *db, const struct db_case_change *change);
/* The number of notes the case has (its next is count + 1), -1 on error. */
__attribute__((warn_unused_result)) long db_case_count_notes(struct db *db, const char *ref);
/* Calls `each` for the case's notes by number, and for its referrals in the
 * order made; `each` runs with no lock held. 0, or -1. */
__attribute__((warn_unused_result)) int db_case_list_notes(struct db *db, const char *ref,
							    void (*each)(void *ctx, const struct db_case_note *),
							    void *ctx);
__attribute__((warn_unused_result)) int db_case_list_referrals(struct db *db, const char *ref,
								void (*each)(void *ctx, const struct db_referral *),
								void *ctx);
/* Up to `max` refs of closed cases whose destroy_day is on or before `day`
 * (out holds max * DB_REF_SIZE bytes); *count set. 0, or -1. */
__attribute__((warn_unused_result)) int db_case_due_for_destruction(struct db *db, const char *day, char *out,
								     size_t max, size_t *count);
/* Destroys a report whole, in one transaction: its messages, notes,
 * referrals, case row and the report row with its wrapped keys; adds one to
 * the count of `outcome` ("destroyed" | "withdrawn") for the month it came in
 * and its kind, which is all that stays. With `expected_status` (else NULL)
 * only a report still in that status. 0; 1 no such report (or another
 * status); -1. SQLite overwrites what it deletes (secure_delete); call
 * db_case_checkpoint() afterwards so that the write-ahead log keeps no older
 * copy either. */
__attribute__((warn_unused_result)) int db_case_destroy(struct db *db, const char *ref, const char *outcome,
							 const char *expected_status);
/* Moves everything in the write-ahead log into the database file and empties
 * the log (SQLite: checkpoint TRUNCATE), so no page from before a
 * destruction stays there. 0; 1 when a reader kept it from finishing (try
 * again); -1. */
__attribute__((warn_unused_result)) int db_case_checkpoint(struct db *db);
/* The sum of a count that survives destruction, for one outcome. -1 on error. */
__attribute__((warn_unused_result)) int64_t db_case_statistics(struct db *db, const char *outcome);
/* The deadlines new rows get (the schema computes them): 0, or -1. */
__attribute__((warn_unused_result)) int db_case_set_deadlines(struct db *db, unsigned answer_days,
							       unsigned feedback_months);

/* The reporter was shown the case's messages up to number `shown_seq` at
 * follow-up: stores it (never lowering what is stored) and gives the number
 * stored before in *previous_seq (0: never shown), so the follow-up can mark
 * the answers that are new to them. 0; 1 no such case; -1. */
__attribute__((warn_unused_result)) int db_case_reporter_seen(struct db *db, const char *ref, unsigned shown_seq,
							       unsigned *previous_seq);

/* For benchmarks only: from now on commits do not wait for the disk (SQLite:
 * PRAGMA synchronous=OFF on the writer), so a report acknowledged before a
 * power cut can be lost. Measures the CPU cost of a submission on its own.
 * 0, or -1 (PostgreSQL refuses: its durability is the database's setting). */
__attribute__((warn_unused_result)) int db_unsafe_synchronous_off(struct db *db);

#endif
