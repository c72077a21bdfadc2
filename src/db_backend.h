/*
 * db_backend: the contract between db.c and a storage backend (db_sqlite.c,
 * db_pg.c). Only db.c and the backends include this header.
 *
 * A backend is a table of operations, chosen by db.c from the URL's scheme,
 * in the spirit of SQLite's sqlite3_vfs: db.c never knows which one it has.
 * db.c does what is the same for every backend (the scheme, callbacks after
 * the lock is released, statistics, test hooks); a backend does SQL, its
 * locks and its durability. The rules every operation keeps are in db.h; the
 * ones here are about the split:
 * - an operation never calls a caller's callback: lists are returned as rows
 *   that db.c hands out after the backend has released its locks;
 * - before each COMMIT of a write transaction the backend calls
 *   db_backend_before_commit() and, when that fails, rolls back as if COMMIT
 *   had failed; after a COMMIT succeeds it calls db_backend_committed();
 * - a backend reads no clock (days come in the rows).
 */
#ifndef MELDWIJZER_DB_BACKEND_H
#define MELDWIJZER_DB_BACKEND_H

#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>

#include "db.h"

/* How many report rows one list_reports call returns at most. */
#define DB_LIST_PAGE 128

/* One message as a backend returns it; `box` is malloc'ed and owned by the list. */
struct db_message_row {
	struct db_message message;
	unsigned char *box;
};

struct db_pending_insert;

struct db_backend {
	const char *scheme; /* with its colon: "sqlite:" */
	/* `location` is the URL after the scheme. Sets db->state. */
	int (*open)(struct db *db, const char *location, bool create, char error[DB_ERROR_SIZE]);
	/* Frees db->state; with `remove_if_new`, also removes the database when this
	 * handle created it. */
	void (*close)(struct db *db, bool remove_if_new);
	/* As db_default_key_path(); NULL when the backend keeps no files. */
	int (*default_key_path)(const char *location, char *out, size_t size);
	int (*schema_version)(void);
	int (*is_initialised)(struct db *db);
	int (*initialise)(struct db *db, const struct crypt_team *team, char error[DB_ERROR_SIZE]);
	int (*upgrade)(struct db *db, char error[DB_ERROR_SIZE]);
	int (*load_team)(struct db *db, struct crypt_team *team);
	/* One transaction for the group commit's `batch` (db.c queues it and seals
	 * its keys first): sets each entry's status, 0 stored, 1 its submission key
	 * was taken (sent before), -1 not stored; an `unsealed` entry is not
	 * inserted (-1). A report that cannot be inserted is rolled back alone; a
	 * failed commit fails the whole batch. */
	void (*commit_batch)(struct db *db, struct db_pending_insert *batch);
	int (*find_report)(struct db *db, const unsigned char lookup[CRYPT_KEY_BYTES], struct db_report *out);
	int (*get_report)(struct db *db, const char *ref, struct db_report *out);
	/* One page of reports, newest first, after `*position` (0: from the
	 * newest); sets *count (0 at the end) and moves *position on. */
	int (*list_reports)(struct db *db, int64_t *position, struct db_report rows[DB_LIST_PAGE], size_t *count);
	long (*count_messages)(struct db *db, const char *ref);
	/* db_add_message(), and with `new_status` (else NULL) db_answer_report(). */
	int (*add_message)(struct db *db, const char *ref, const struct db_new_message *message, unsigned cap,
			   const char *new_status);
	/* All of a report's messages, in order; *rows is malloc'ed (free each box, then it). */
	int (*list_messages)(struct db *db, const char *ref, struct db_message_row **rows, size_t *count);
	int (*set_status)(struct db *db, const char *ref, const char *status);
	int (*storage_state)(struct db *db, struct db_storage *out);
	/* issue 14: as db.h; lists return malloc'ed rows that db.c frees */
	int (*staff_insert)(struct db *db, struct db_staff_account *account);
	/* by name when `name` is not NULL, else by id */
	int (*staff_get)(struct db *db, const char *name, int64_t id, struct db_staff_account *out);
	int (*staff_update)(struct db *db, const struct db_staff_account *account);
	int (*staff_use_totp_step)(struct db *db, int64_t id, int64_t step);
	int (*staff_list)(struct db *db, struct db_staff_account **rows, size_t *count);
	int (*staff_session_insert)(struct db *db, const struct db_staff_session *session);
	int (*staff_session_get)(struct db *db, const unsigned char lookup[CRYPT_KEY_BYTES], struct db_staff_session *out);
	int (*staff_session_touch)(struct db *db, const unsigned char lookup[CRYPT_KEY_BYTES], int64_t last_seen);
	int (*staff_session_delete)(struct db *db, const unsigned char lookup[CRYPT_KEY_BYTES]);
	int (*audit_append)(struct db *db, const struct db_audit_entry *entry);
	int (*audit_last)(struct db *db, struct db_audit_entry *out);
	/* One page of entries with numbers above *position, in order; sets *count
	 * (0 at the end) and moves *position on. */
	int (*audit_list)(struct db *db, int64_t *position, struct db_audit_entry rows[DB_LIST_PAGE], size_t *count);
	/* The same, only the entries whose object is `object` (an index serves it). */
	int (*audit_list_object)(struct db *db, const char *object, int64_t *position,
				 struct db_audit_entry rows[DB_LIST_PAGE], size_t *count);
	/* issue 15: as db.h; lists return malloc'ed rows that db.c frees (each
	 * note's box is malloc'ed too: db.c frees it) */
	int (*case_queue)(struct db *db, const struct db_case_filter *filter, enum db_case_order order,
			  const struct db_case_cursor *after, struct db_case rows[DB_CASE_PAGE], size_t *count, bool *more,
			  struct db_case_cursor *next);
	int (*case_counts)(struct db *db, struct db_case_counts *out);
	int (*case_get)(struct db *db, const char *ref, struct db_case *out);
	int (*case_change)(struct db *db, const struct db_case_change *change);
	long (*case_count_notes)(struct db *db, const char *ref);
	int (*case_list_notes)(struct db *db, const char *ref, struct db_case_note **rows, size_t *count);
	int (*case_list_referrals)(struct db *db, const char *ref, struct db_referral **rows, size_t *count);
	int (*case_due_for_destruction)(struct db *db, const char *day, char *out, size_t max, size_t *count);
	int (*case_destroy)(struct db *db, const char *ref, const char *outcome, const char *expected_status);
	int (*case_checkpoint)(struct db *db);
	int64_t (*case_statistics)(struct db *db, const char *outcome);
	int (*case_set_deadlines)(struct db *db, unsigned answer_days, unsigned feedback_months);
	int (*case_reporter_seen)(struct db *db, const char *ref, unsigned shown_seq, unsigned *previous_seq);
	/* benchmarks only: commits stop waiting for the disk (NULL: the backend refuses) */
	int (*unsafe_synchronous_off)(struct db *db);
};

/* The handle: what db.c keeps for every backend, and the backend's own state. */
struct db {
	const struct db_backend *backend;
	void *state;
	struct db_test_hooks hooks;
	_Atomic uint64_t commits;
	_Atomic uint64_t reports_committed;
	atomic_uint largest_batch;
	atomic_uint waiting;
	/* the group commit (db_insert_report, db.c): reports waiting for the
	 * next commit, newest first; the committer thread that makes the commits
	 * (started by the first report) waits on `queued` while it has nothing
	 * to do; `committing` while it is busy; `stopping` once the handle closes */
	pthread_mutex_t queue_lock;
	pthread_cond_t queued;
	struct db_pending_insert *queue;
	bool committing;
	bool stopping;
	bool committer_started;
	pthread_t committer;
	/* commit latency (db_get_stats): when the COMMIT under way began; the
	 * backend's write lock keeps one commit per handle at a time */
	_Atomic uint64_t commit_started_ns;
	_Atomic uint64_t commit_buckets[DB_COMMIT_BUCKETS + 1];
	_Atomic uint64_t commit_us_sum;
};

extern const struct db_backend db_sqlite_backend;
extern const struct db_backend db_pg_backend;

/* For backends: the test hook before a COMMIT (0: go on), and the count after
 * one; call them right before COMMIT and right after it succeeded, with the
 * write lock held across both (they time the commit). */
int db_backend_before_commit(struct db *db, unsigned reports);
void db_backend_committed(struct db *db, unsigned reports);

/* A report waiting for the next group commit (db_insert_report); lives on its
 * submitter's stack. Its submitter sleeps on its own semaphore until the
 * committer posts `done` (status set): a commit wakes the submitters it
 * carried and nobody else, and they need no lock that all of them share. */
struct db_pending_insert {
	struct db_report *report;
	int status;
	bool unsealed; /* seal_batch (db.c) could not seal its key: not inserted, -1 */
	sem_t done;
	struct db_pending_insert *next;
};

#endif
