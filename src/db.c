/* db: the dispatcher. Picks the backend by the URL's scheme and does what is
 * the same for every backend: the group commit of new reports (its queue,
 * the committer thread, the sealing per batch); callbacks run here, after the
 * backend returned its rows and released its locks; statistics and test
 * hooks. */
#define _GNU_SOURCE
#include "db_backend.h"
#include "thread_role.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Schemes this program knows. A NULL backend is one that is planned but not
 * built in: its URL is refused with a message that says so, rather than
 * "unknown scheme", so that an operator knows the URL itself is right.
 * PostgreSQL takes both spellings that libpq takes. */
static const struct {
	const char *scheme;
	const struct db_backend *backend;
} schemes[] = {
	{"sqlite:", &db_sqlite_backend},
	{"postgresql:", &db_pg_backend},
	{"postgres:", &db_pg_backend},
};

static const struct db_backend *backend_for(const char *url, const char **location, char error[DB_ERROR_SIZE])
{
	for (size_t i = 0; i < sizeof schemes / sizeof *schemes; i++) {
		size_t len = strlen(schemes[i].scheme);
		if (strncmp(url, schemes[i].scheme, len) != 0)
			continue;
		if (!schemes[i].backend) {
			snprintf(error, DB_ERROR_SIZE,
				 "--db: %.20s databases are not built in yet (this meldwijzer stores in sqlite:PATH only)",
				 schemes[i].scheme);
			return NULL;
		}
		if (url[len] == '\0') {
			snprintf(error, DB_ERROR_SIZE, "--db: '%.200s' names no database (like %s)", url,
				 schemes[i].backend == &db_sqlite_backend ? "sqlite:PATH" : "postgresql://HOST/DATABASE");
			return NULL;
		}
		*location = url + len;
		return schemes[i].backend;
	}
	/* the URL itself is not repeated: a postgresql URL with a typo may hold a password */
	snprintf(error, DB_ERROR_SIZE, "--db: the URL is not sqlite:PATH or postgresql://...");
	return NULL;
}

int db_open(struct db **out, const char *url, bool create, char error[DB_ERROR_SIZE])
{
	const char *location = NULL;
	*out = NULL;
	const struct db_backend *backend = backend_for(url, &location, error);
	if (!backend)
		return -1;
	struct db *db = calloc(1, sizeof *db);
	if (!db) {
		snprintf(error, DB_ERROR_SIZE, "out of memory");
		return -1;
	}
	db->backend = backend;
	if (pthread_mutex_init(&db->queue_lock, NULL) != 0) {
		snprintf(error, DB_ERROR_SIZE, "cannot make the lock of the group commit");
		free(db);
		return -1;
	}
	if (pthread_cond_init(&db->queued, NULL) != 0) {
		snprintf(error, DB_ERROR_SIZE, "cannot make the lock of the group commit");
		pthread_mutex_destroy(&db->queue_lock);
		free(db);
		return -1;
	}
	if (backend->open(db, location, create, error)) {
		pthread_cond_destroy(&db->queued);
		pthread_mutex_destroy(&db->queue_lock);
		free(db);
		return -1;
	}
	*out = db;
	return 0;
}

int db_check_url(const char *url, char error[DB_ERROR_SIZE])
{
	const char *location = NULL;
	return backend_for(url, &location, error) ? 0 : -1;
}

static void stop_committer(struct db *db);

static void close_db(struct db *db, bool remove_if_new)
{
	if (!db)
		return;
	stop_committer(db);
	db->backend->close(db, remove_if_new);
	pthread_cond_destroy(&db->queued);
	pthread_mutex_destroy(&db->queue_lock);
	free(db);
}

void db_close(struct db *db)
{
	close_db(db, false);
}

void db_close_and_remove_if_new(struct db *db)
{
	close_db(db, true);
}

int db_default_key_path(const char *url, char *out, size_t size)
{
	char error[DB_ERROR_SIZE];
	const char *location = NULL;
	const struct db_backend *backend = backend_for(url, &location, error);
	if (!backend || !backend->default_key_path)
		return -1;
	return backend->default_key_path(location, out, size);
}

int db_initialise(struct db *db, const struct crypt_team *team, char error[DB_ERROR_SIZE])
{
	thread_role_forbid_blocking("db_initialise");
	return db->backend->initialise(db, team, error);
}

int db_is_initialised(struct db *db)
{
	thread_role_forbid_blocking("db_is_initialised");
	return db->backend->is_initialised(db);
}

int db_upgrade(struct db *db, char error[DB_ERROR_SIZE])
{
	thread_role_forbid_blocking("db_upgrade");
	return db->backend->upgrade(db, error);
}

int db_schema_version(const struct db *db)
{
	return db->backend->schema_version();
}

int db_load_team(struct db *db, struct crypt_team *team)
{
	thread_role_forbid_blocking("db_load_team");
	return db->backend->load_team(db, team);
}

static bool ref_earlier_in_batch(const struct db_pending_insert *batch, const struct db_pending_insert *entry)
{
	for (const struct db_pending_insert *p = batch; p != entry; p = p->next)
		if (strcmp(p->report->ref, entry->report->ref) == 0)
			return true;
	return false;
}

/* A report with a time of its own in the database: a call the team took is
 * in the audit log with its time and ref, so a report sealed with it would be
 * dated by it. */
static bool dated(const struct db_report *report)
{
	return report->source[0] && strcmp(report->source, "online") != 0;
}

/* Before the backend begins the transaction: seals the key of each report in
 * `batch` (db_report.key_to_seal) with one ephemeral key pair for the batch
 * (crypt_team_sealer); a call the team took gets a key pair of its own (its
 * time is in the audit log). A report whose key cannot be sealed, or whose ref
 * came earlier in the batch (its nonce would repeat; the insert would fail on
 * the primary key anyway), is marked `unsealed`. */
static void seal_batch(struct db_pending_insert *batch)
{
	struct crypt_team_sealer shared;
	bool begun = false;
	for (struct db_pending_insert *p = batch; p; p = p->next) {
		struct db_report *report = p->report;
		if (ref_earlier_in_batch(batch, p)) {
			p->unsealed = true;
			continue;
		}
		if (dated(report)) {
			struct crypt_team_sealer alone;
			p->unsealed = crypt_team_sealer_begin(&alone, report->team_public) != 0;
			if (!p->unsealed) {
				p->unsealed = crypt_team_sealer_seal(&alone, report->ref, report->key_to_seal,
								     report->key_for_team) != 0;
				crypt_team_sealer_end(&alone);
			}
			continue;
		}
		/* one team per server; a report for another key gets a sealer of its own */
		if (begun && !crypt_team_sealer_is_for(&shared, report->team_public)) {
			crypt_team_sealer_end(&shared);
			begun = false;
		}
		if (!begun)
			begun = crypt_team_sealer_begin(&shared, report->team_public) == 0;
		p->unsealed = !begun ||
			      crypt_team_sealer_seal(&shared, report->ref, report->key_to_seal, report->key_for_team) != 0;
	}
	if (begun)
		crypt_team_sealer_end(&shared);
}

/* Tells a submitter waiting in db_insert_report that its report is done; read
 * anything else of `waiter` before calling this, since the waiter may return
 * (and end the stack frame that holds it) at once.
 *
 * A semaphore, not a lock and a condition: POSIX lets a semaphore be
 * destroyed as soon as the sem_wait that took the last post has returned, so
 * the post need not hold a lock to keep the waiter's frame alive. With a lock
 * and a condition signalled under it, the woken submitter ran straight into
 * the lock the committer still held and slept a second time: two wake-ups per
 * report instead of one (docs/benchmarks.md, "Submissions, sixth pass"). */
static void tell_done(struct db_pending_insert *waiter)
{
	sem_post(&waiter->done);
}

/* The committer: one thread per handle, started by its first report. It
 * commits everything that has queued, tells each submitter of the batch that
 * its report is done, and goes on with what queued meanwhile; when the handle
 * closes it commits what is still queued, then ends.
 *
 * Why a thread of its own: every report waits behind this one serial path
 * (seal, insert, COMMIT). When a submitter led the commit, it was one of many
 * runnable threads and the scheduler gave it its share of the CPU and no
 * more; on a fast disk the cores then sat partly idle while the reports
 * queued (docs/benchmarks.md, "Submissions, fourth pass"). */
static void *committer_main(void *arg)
{
	struct db *db = arg;
	pthread_mutex_lock(&db->queue_lock);
	for (;;) {
		while (!db->queue && !db->stopping) {
			db->committing = false;
			pthread_cond_wait(&db->queued, &db->queue_lock);
		}
		if (!db->queue)
			break;
		struct db_pending_insert *batch = db->queue;
		unsigned size = 0;
		for (struct db_pending_insert *p = batch; p; p = p->next)
			size++;
		db->queue = NULL;
		db->committing = true;
		atomic_fetch_sub(&db->waiting, size);
		pthread_mutex_unlock(&db->queue_lock);
		/* outside every lock: nobody else touches the batch until told done */
		seal_batch(batch);
		db->backend->commit_batch(db, batch);
		for (struct db_pending_insert *p = batch, *next; p; p = next) {
			next = p->next; /* read first: once told, the waiter may return at once */
			tell_done(p);
		}
		pthread_mutex_lock(&db->queue_lock);
	}
	db->committing = false;
	pthread_mutex_unlock(&db->queue_lock);
	return NULL;
}

/* Starts the committer with every signal blocked (the program's own threads
 * decide which signals they take); call with queue_lock held. */
static void start_committer(struct db *db)
{
	sigset_t all, previous;
	sigfillset(&all);
	if (pthread_sigmask(SIG_SETMASK, &all, &previous) != 0)
		return;
	db->committer_started = pthread_create(&db->committer, NULL, committer_main, db) == 0;
	pthread_sigmask(SIG_SETMASK, &previous, NULL);
	if (db->committer_started)
		pthread_setname_np(db->committer, "committer");
}

/* Ends the committer after it committed what is queued. */
static void stop_committer(struct db *db)
{
	pthread_mutex_lock(&db->queue_lock);
	db->stopping = true;
	pthread_cond_signal(&db->queued);
	pthread_mutex_unlock(&db->queue_lock);
	if (db->committer_started)
		pthread_join(db->committer, NULL);
}

/* The group commit, the same for every backend: the report queues for the
 * committer and its submitter sleeps until the commit that carried it is
 * over. Without a committer (none could be started, or the handle is being
 * closed) the report is committed here, alone. */
int db_insert_report(struct db *db, struct db_report *report)
{
	thread_role_forbid_blocking("db_insert_report");
	if (strlen(report->created_day) != DB_DAY_SIZE - 1)
		return -1; /* the day is the caller's to give; an empty one is a bug there */
	if (!report->key_to_seal || !report->team_public)
		return -1; /* a row whose key the team could never open must not be stored */
	struct db_pending_insert mine = {.report = report, .status = -1};
	if (sem_init(&mine.done, 0, 0) != 0)
		return -1;
	pthread_mutex_lock(&db->queue_lock);
	if (!db->committer_started && !db->stopping)
		start_committer(db);
	bool queued = db->committer_started && !db->stopping;
	bool wake_committer = false;
	if (queued) {
		mine.next = db->queue;
		db->queue = &mine;
		atomic_fetch_add(&db->waiting, 1);
		wake_committer = !db->committing;
	}
	pthread_mutex_unlock(&db->queue_lock);
	/* after the unlock, so that the committer does not wake to a lock this
	 * thread still holds; it finds the queue either way */
	if (wake_committer)
		pthread_cond_signal(&db->queued);
	if (queued) {
		/* sem_wait fails only when a signal interrupts it (EINTR): the
		 * committer still holds `mine`, so wait again */
		while (sem_wait(&mine.done) != 0)
			continue;
	} else {
		seal_batch(&mine);
		db->backend->commit_batch(db, &mine);
	}
	sem_destroy(&mine.done);
	return mine.status;
}

int db_find_report(struct db *db, const unsigned char lookup[CRYPT_KEY_BYTES], struct db_report *out)
{
	thread_role_forbid_blocking("db_find_report");
	return db->backend->find_report(db, lookup, out);
}

int db_get_report(struct db *db, const char *ref, struct db_report *out)
{
	thread_role_forbid_blocking("db_get_report");
	return db->backend->get_report(db, ref, out);
}

void db_report_release(struct db_report *report)
{
	free(report->content);
	report->content = NULL;
	report->content_len = 0;
}

int db_list_reports(struct db *db, void (*each)(void *ctx, const struct db_report *), void *ctx)
{
	thread_role_forbid_blocking("db_list_reports");
	/* a page at a time, so that a long list never sits in memory whole */
	struct db_report *rows = malloc(DB_LIST_PAGE * sizeof *rows);
	if (!rows)
		return -1;
	int64_t position = 0;
	int status = 0;
	for (;;) {
		size_t count = 0;
		if (db->backend->list_reports(db, &position, rows, &count)) {
			status = -1;
			break;
		}
		if (count == 0)
			break;
		for (size_t i = 0; i < count; i++)
			each(ctx, &rows[i]); /* no lock held: `each` may use the db */
		if (count < DB_LIST_PAGE)
			break;
	}
	free(rows);
	return status;
}

long db_count_messages(struct db *db, const char *ref)
{
	thread_role_forbid_blocking("db_count_messages");
	return db->backend->count_messages(db, ref);
}

static bool message_is_whole(const struct db_new_message *message)
{
	return message->sender && message->day && strlen(message->day) == DB_DAY_SIZE - 1 && message->box &&
	       message->seq > 0;
}

int db_add_message(struct db *db, const char *ref, const struct db_new_message *message, unsigned cap)
{
	thread_role_forbid_blocking("db_add_message");
	if (!message_is_whole(message))
		return -1;
	return db->backend->add_message(db, ref, message, cap, NULL);
}

int db_answer_report(struct db *db, const char *ref, const struct db_new_message *message, unsigned cap,
		     const char *new_status)
{
	thread_role_forbid_blocking("db_answer_report");
	if (!message_is_whole(message) || !new_status)
		return -1;
	return db->backend->add_message(db, ref, message, cap, new_status);
}

int db_list_messages(struct db *db, const char *ref, void (*each)(void *ctx, const struct db_message *), void *ctx)
{
	thread_role_forbid_blocking("db_list_messages");
	struct db_message_row *rows = NULL;
	size_t count = 0;
	if (db->backend->list_messages(db, ref, &rows, &count))
		return -1;
	for (size_t i = 0; i < count; i++)
		each(ctx, &rows[i].message); /* no lock held: `each` may use the db */
	for (size_t i = 0; i < count; i++)
		free(rows[i].box);
	free(rows);
	return 0;
}

int db_set_status(struct db *db, const char *ref, const char *status)
{
	thread_role_forbid_blocking("db_set_status");
	return db->backend->set_status(db, ref, status);
}

int db_storage_state(struct db *db, struct db_storage *out)
{
	return db->backend->storage_state(db, out);
}

void db_get_stats(struct db *db, struct db_stats *out)
{
	out->commits = atomic_load(&db->commits);
	out->reports_committed = atomic_load(&db->reports_committed);
	out->largest_batch = atomic_load(&db->largest_batch);
	out->waiting = atomic_load(&db->waiting);
	for (size_t b = 0; b <= DB_COMMIT_BUCKETS; b++)
		out->commit_buckets[b] = atomic_load(&db->commit_buckets[b]);
	out->commit_us_sum = atomic_load(&db->commit_us_sum);
}

void db_set_test_hooks(struct db *db, const struct db_test_hooks *hooks)
{
	db->hooks = hooks ? *hooks : (struct db_test_hooks){0};
}

/* Commit latencies that a flush can take: from a page cache's 0.5 ms to a
 * struggling disk's seconds. */
const double db_commit_bounds[DB_COMMIT_BUCKETS] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
						    0.05,   0.1,   0.25,   0.5,   1,    2.5};

static uint64_t monotonic_ns(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

int db_backend_before_commit(struct db *db, unsigned reports)
{
	atomic_store(&db->commit_started_ns, monotonic_ns());
	return db->hooks.before_commit ? db->hooks.before_commit(db->hooks.ctx, reports) : 0;
}

void db_backend_committed(struct db *db, unsigned reports)
{
	uint64_t took_ns = monotonic_ns() - atomic_load(&db->commit_started_ns);
	size_t bucket = 0;
	while (bucket < DB_COMMIT_BUCKETS && (double)took_ns / 1e9 > db_commit_bounds[bucket])
		bucket++;
	atomic_fetch_add(&db->commit_buckets[bucket], 1);
	atomic_fetch_add(&db->commit_us_sum, took_ns / 1000);
	atomic_fetch_add(&db->commits, 1);
	atomic_fetch_add(&db->reports_committed, reports);
	unsigned largest = atomic_load(&db->largest_batch);
	while (reports > largest && !atomic_compare_exchange_weak(&db->largest_batch, &largest, reports))
		;
}

/* ---------- staff accounts, sessions, audit log (issue 14) ---------- */

int db_staff_insert(struct db *db, struct db_staff_account *account)
{
	thread_role_forbid_blocking("db_staff_insert");
	return !db->backend->staff_insert ? -1 : db->backend->staff_insert(db, account);
}

int db_staff_get(struct db *db, const char *name, struct db_staff_account *out)
{
	thread_role_forbid_blocking("db_staff_get");
	if (!name)
		return -1;
	return !db->backend->staff_get ? -1 : db->backend->staff_get(db, name, 0, out);
}

int db_staff_get_by_id(struct db *db, int64_t id, struct db_staff_account *out)
{
	thread_role_forbid_blocking("db_staff_get_by_id");
	return !db->backend->staff_get ? -1 : db->backend->staff_get(db, NULL, id, out);
}

int db_staff_update(struct db *db, const struct db_staff_account *account)
{
	thread_role_forbid_blocking("db_staff_update");
	return !db->backend->staff_update ? -1 : db->backend->staff_update(db, account);
}

int db_staff_use_totp_step(struct db *db, int64_t id, int64_t step)
{
	thread_role_forbid_blocking("db_staff_use_totp_step");
	return !db->backend->staff_use_totp_step ? -1 : db->backend->staff_use_totp_step(db, id, step);
}

int db_staff_list(struct db *db, void (*each)(void *ctx, const struct db_staff_account *), void *ctx)
{
	thread_role_forbid_blocking("db_staff_list");
	struct db_staff_account *rows = NULL;
	size_t count = 0;
	if (!db->backend->staff_list || db->backend->staff_list(db, &rows, &count))
		return -1;
	for (size_t i = 0; i < count; i++)
		each(ctx, &rows[i]); /* no lock held: `each` may use the db */
	free(rows);
	return 0;
}

int db_staff_session_insert(struct db *db, const struct db_staff_session *session)
{
	thread_role_forbid_blocking("db_staff_session_insert");
	return !db->backend->staff_session_insert ? -1 : db->backend->staff_session_insert(db, session);
}

int db_staff_session_get(struct db *db, const unsigned char lookup[CRYPT_KEY_BYTES], struct db_staff_session *out)
{
	thread_role_forbid_blocking("db_staff_session_get");
	return !db->backend->staff_session_get ? -1 : db->backend->staff_session_get(db, lookup, out);
}

int db_staff_session_touch(struct db *db, const unsigned char lookup[CRYPT_KEY_BYTES], int64_t last_seen)
{
	thread_role_forbid_blocking("db_staff_session_touch");
	return !db->backend->staff_session_touch ? -1 : db->backend->staff_session_touch(db, lookup, last_seen);
}

int db_staff_session_delete(struct db *db, const unsigned char lookup[CRYPT_KEY_BYTES])
{
	thread_role_forbid_blocking("db_staff_session_delete");
	return !db->backend->staff_session_delete ? -1 : db->backend->staff_session_delete(db, lookup);
}

int db_audit_append(struct db *db, const struct db_audit_entry *entry)
{
	thread_role_forbid_blocking("db_audit_append");
	if (entry->seq < 1)
		return -1;
	return !db->backend->audit_append ? -1 : db->backend->audit_append(db, entry);
}

int db_audit_last(struct db *db, struct db_audit_entry *out)
{
	thread_role_forbid_blocking("db_audit_last");
	return !db->backend->audit_last ? -1 : db->backend->audit_last(db, out);
}

/* Pages through the log, all of it (object NULL) or one object's entries. */
static int list_audit(struct db *db, const char *object, int (*each)(void *ctx, const struct db_audit_entry *),
		      void *ctx)
{
	if (object ? !db->backend->audit_list_object : !db->backend->audit_list)
		return -1;
	/* a page at a time: the log only grows */
	struct db_audit_entry *rows = malloc(DB_LIST_PAGE * sizeof *rows);
	if (!rows)
		return -1;
	int64_t position = 0;
	int status = 0;
	bool stop = false;
	while (!stop) {
		size_t count = 0;
		if (object ? db->backend->audit_list_object(db, object, &position, rows, &count)
			   : db->backend->audit_list(db, &position, rows, &count)) {
			status = -1;
			break;
		}
		for (size_t i = 0; i < count && !stop; i++)
			stop = each(ctx, &rows[i]) != 0; /* no lock held */
		if (count < DB_LIST_PAGE)
			break;
	}
	free(rows);
	return status;
}

int db_audit_list(struct db *db, int (*each)(void *ctx, const struct db_audit_entry *), void *ctx)
{
	thread_role_forbid_blocking("db_audit_list");
	return list_audit(db, NULL, each, ctx);
}

int db_audit_list_object(struct db *db, const char *object, int (*each)(void *ctx, const struct db_audit_entry *),
			 void *ctx)
{
	thread_role_forbid_blocking("db_audit_list_object");
	if (!object || strlen(object) >= DB_AUDIT_OBJECT_SIZE)
		return -1;
	return list_audit(db, object, each, ctx);
}

/* ---------- case work (issue 15) ---------- */

int db_case_queue(struct db *db, const struct db_case_filter *filter, enum db_case_order order,
		  const struct db_case_cursor *after, struct db_case rows[DB_CASE_PAGE], size_t *count, bool *more,
		  struct db_case_cursor *next)
{
	thread_role_forbid_blocking("db_case_queue");
	*count = 0;
	*more = false;
	memset(next, 0, sizeof *next);
	if (!db->backend->case_queue)
		return -1;
	int status = db->backend->case_queue(db, filter, order, after, rows, count, more, next);
	if (status == 0 && !*more)
		memset(next, 0, sizeof *next);
	if (status == 0 && *more && !next->set && *count > 0) {
		/* a backend that read a whole page goes on after its last row */
		next->set = true;
		next->id = rows[*count - 1].id;
		snprintf(next->due_day, sizeof next->due_day, "%s", rows[*count - 1].due_day);
	}
	if (status || (*more && !next->set)) {
		*count = 0;
		*more = false;
		memset(next, 0, sizeof *next);
		return -1;
	}
	return 0;
}

int db_case_counts(struct db *db, struct db_case_counts *out)
{
	thread_role_forbid_blocking("db_case_counts");
	return !db->backend->case_counts ? -1 : db->backend->case_counts(db, out);
}

int db_case_get(struct db *db, const char *ref, struct db_case *out)
{
	thread_role_forbid_blocking("db_case_get");
	return !db->backend->case_get ? -1 : db->backend->case_get(db, ref, out);
}

int db_case_change(struct db *db, const struct db_case_change *change)
{
	thread_role_forbid_blocking("db_case_change");
	if (!change->ref || (change->note && (change->note->seq == 0 || !change->note->box)))
		return -1; /* a note's number binds its box: 0 is a bug in the caller */
	return !db->backend->case_change ? -1 : db->backend->case_change(db, change);
}

long db_case_count_notes(struct db *db, const char *ref)
{
	thread_role_forbid_blocking("db_case_count_notes");
	return !db->backend->case_count_notes ? -1 : db->backend->case_count_notes(db, ref);
}

int db_case_list_notes(struct db *db, const char *ref, void (*each)(void *ctx, const struct db_case_note *), void *ctx)
{
	thread_role_forbid_blocking("db_case_list_notes");
	struct db_case_note *rows = NULL;
	size_t count = 0;
	if (!db->backend->case_list_notes || db->backend->case_list_notes(db, ref, &rows, &count))
		return -1;
	for (size_t i = 0; i < count; i++)
		each(ctx, &rows[i]); /* no lock held: `each` may use the db */
	for (size_t i = 0; i < count; i++)
		free((void *)rows[i].box);
	free(rows);
	return 0;
}

int db_case_list_referrals(struct db *db, const char *ref, void (*each)(void *ctx, const struct db_referral *),
			   void *ctx)
{
	thread_role_forbid_blocking("db_case_list_referrals");
	struct db_referral *rows = NULL;
	size_t count = 0;
	if (!db->backend->case_list_referrals || db->backend->case_list_referrals(db, ref, &rows, &count))
		return -1;
	for (size_t i = 0; i < count; i++)
		each(ctx, &rows[i]); /* no lock held */
	free(rows);
	return 0;
}

int db_case_due_for_destruction(struct db *db, const char *day, char *out, size_t max, size_t *count)
{
	thread_role_forbid_blocking("db_case_due_for_destruction");
	*count = 0;
	if (!day || strlen(day) != DB_DAY_SIZE - 1)
		return -1;
	return !db->backend->case_due_for_destruction ? -1
						      : db->backend->case_due_for_destruction(db, day, out, max, count);
}

int db_case_destroy(struct db *db, const char *ref, const char *outcome, const char *expected_status)
{
	thread_role_forbid_blocking("db_case_destroy");
	if (!outcome || (strcmp(outcome, "destroyed") != 0 && strcmp(outcome, "withdrawn") != 0))
		return -1;
	return !db->backend->case_destroy ? -1 : db->backend->case_destroy(db, ref, outcome, expected_status);
}

int db_case_checkpoint(struct db *db)
{
	thread_role_forbid_blocking("db_case_checkpoint");
	return !db->backend->case_checkpoint ? -1 : db->backend->case_checkpoint(db);
}

int64_t db_case_statistics(struct db *db, const char *outcome)
{
	thread_role_forbid_blocking("db_case_statistics");
	return !db->backend->case_statistics ? -1 : db->backend->case_statistics(db, outcome);
}

int db_case_set_deadlines(struct db *db, unsigned answer_days, unsigned feedback_months)
{
	thread_role_forbid_blocking("db_case_set_deadlines");
	if (answer_days == 0 || feedback_months == 0)
		return -1;
	return !db->backend->case_set_deadlines ? -1
						: db->backend->case_set_deadlines(db, answer_days, feedback_months);
}

int db_case_reporter_seen(struct db *db, const char *ref, unsigned shown_seq, unsigned *previous_seq)
{
	thread_role_forbid_blocking("db_case_reporter_seen");
	*previous_seq = 0;
	return !db->backend->case_reporter_seen ? -1 : db->backend->case_reporter_seen(db, ref, shown_seq, previous_seq);
}

int db_unsafe_synchronous_off(struct db *db)
{
	thread_role_forbid_blocking("db_unsafe_synchronous_off");
	return !db->backend->unsafe_synchronous_off ? -1 : db->backend->unsafe_synchronous_off(db);
}
