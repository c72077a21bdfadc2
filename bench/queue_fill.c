/*
 * Fills a database made by `meldwijzer init` with COUNT generated reports for
 * the case-queue benchmark (issue 15): kinds, statuses, forms, sources,
 * assignments, deadlines past and future, reporters waiting for an answer,
 * closed cases with their destroy days. Rows go into `reports` as the server
 * writes them (the migration's triggers make each one's `cases` row), then one
 * UPDATE gives every `cases` row the case work a team would have done on it.
 *
 * The content, keys and receipt hashes are random bytes of the sizes the
 * server stores: the queue never decrypts, and nobody can read these reports.
 * No messages are written (the queue never reads them); first_answer_day and
 * reporter_waiting are set as the message triggers would have set them.
 *
 * The work is spread like an advice point's, over the WINDOW_DAYS before
 * TODAY, ids in the order of arrival:
 *   - 80 % reports, 20 % consultations; 85 % online, 15 % phone intake;
 *   - one form (labour 45 %, sexual 30 %, criminal 15 %, unknown 10 %), and a
 *     second one for one report in ten;
 *   - status by age: under 14 days mostly new or in progress; 14-90 days
 *     mostly in progress, referred or closed, a few still new; older, nearly
 *     all closed, a few left in progress or new (overdue, as in real queues);
 *   - most open and all closed cases assigned to one of ACCOUNTS staff accounts
 *     (ids 1..ACCOUNTS), some new ones to nobody;
 *   - a closed case is destroyed 12 months after closing, so none older is
 *     left, and every destroy day is at least 8 days after TODAY (nothing for
 *     a purge to do in the week bench/run keeps a generated database).
 *
 * Usage: queue_fill DB_URL COUNT ACCOUNTS TODAY
 *   DB_URL: sqlite:PATH or postgresql://...; TODAY: YYYY-MM-DD (UTC).
 * Prints: "SECONDS COUNT" (the time the filling took).
 * Deterministic: the same arguments give the same rows (a fixed seed).
 */
#define _POSIX_C_SOURCE 200809L
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "timefmt.h"

#define WINDOW_DAYS 440
#define RETENTION_MONTHS 12
#define ANSWER_DAYS 7
#define FEEDBACK_MONTHS 3
#define DAY_TEXT 11
#define MAX_CONTENT 2400

/* ---- a fixed-seed generator (splitmix64): reproducible, and fast enough for a million rows ---- */

static uint64_t random_state = 0x6d656c6477696a7aull;

static uint64_t next_random(void)
{
	uint64_t z = (random_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* A whole number in [0, bound). */
static unsigned below(unsigned bound)
{
	return (unsigned)(next_random() % bound);
}

/* True with the given chance in percent (tenths allowed: 0.3). */
static bool chance(double percent)
{
	return (double)(next_random() % 100000) < percent * 1000.0;
}

static void random_bytes(unsigned char *out, size_t len)
{
	for (size_t i = 0; i < len; i += 8) {
		uint64_t word = next_random();
		size_t take = len - i < 8 ? len - i : 8;
		memcpy(out + i, &word, take);
	}
}

/* ---- days ---- */

static void day_text(int64_t day, char out[DAY_TEXT])
{
	struct civil_time civil;
	civil_from_days(day, &civil);
	snprintf(out, DAY_TEXT, "%04d-%02d-%02d", civil.year, civil.month, civil.day);
}

/* A calendar's month arithmetic, clamped to the month's end (30 November + 3 months = 28 February),
 * as the migration's triggers do it. */
static int64_t add_months(int64_t day, int months)
{
	struct civil_time civil;
	civil_from_days(day, &civil);
	int month_index = civil.year * 12 + (civil.month - 1) + months;
	int year = month_index / 12, month = month_index % 12 + 1;
	int last = days_in_month(year, month);
	return days_from_civil(year, month, civil.day < last ? civil.day : last);
}

static bool parse_day(const char *text, int64_t *out)
{
	int year = 0, month = 0, day = 0;
	char *end;
	if (strlen(text) != 10 || text[4] != '-' || text[7] != '-')
		return false;
	year = (int)strtol(text, &end, 10);
	if (end != text + 4)
		return false;
	month = (int)strtol(text + 5, &end, 10);
	if (end != text + 7)
		return false;
	day = (int)strtol(text + 8, &end, 10);
	if (*end != '\0' || month < 1 || month > 12 || day < 1 || day > days_in_month(year, month))
		return false;
	*out = days_from_civil(year, month, day);
	return true;
}

/* ---- one generated report and its case ---- */

struct generated {
	char ref[33];
	const char *kind, *status, *source, *closing_reason;
	char forms[32], signals[160];
	char created_day[DAY_TEXT], due_day[DAY_TEXT], first_answer_day[DAY_TEXT], closed_day[DAY_TEXT],
		destroy_day[DAY_TEXT];
	int64_t assigned_to; /* 0: nobody */
	int reporter_waiting;
	unsigned char receipt_lookup[32], receipt_salt[16], key_for_receipt[72], key_for_team[80];
	unsigned char content[MAX_CONTENT], submission_key[32];
	size_t content_len;
	bool has_submission_key;
};

static const char *const form_names[] = {"labour", "sexual", "criminal", "unknown"};
static const char *const closing_reasons[] = {"advice_given", "referred",  "no_signs",
					      "no_contact",   "duplicate", "outside_region"};
static const char *const signal_ids[] = {
	"papieren-afgepakt", "schuld-bij-baas",     "geen-eigen-geld",      "bedreigd",
	"in-de-gaten-gehouden", "gebracht-en-gehaald", "minder-loon-dan-beloofd", "woont-bij-baas",
	"taal-en-isolement", "bang-voor-politie",   "lange-dagen",          "weinig-of-geen-loon",
	"zwart-betaald",     "slaapt-op-werk",      "slechte-woning",       "wisselende-werkplekken",
};

static const char *pick_form(void)
{
	unsigned roll = below(100);
	return form_names[roll < 45 ? 0 : roll < 75 ? 1 : roll < 90 ? 2 : 3];
}

static const char *pick_status(int64_t age)
{
	unsigned roll = below(1000);
	if (age < 14)
		return roll < 600 ? "new" : roll < 950 ? "in_progress" : "closed";
	if (age < 90)
		return roll < 30 ? "new" : roll < 480 ? "in_progress" : roll < 630 ? "referred" : "closed";
	return roll < 3 ? "new" : roll < 33 ? "in_progress" : roll < 133 ? "referred" : "closed";
}

static void generate(struct generated *g, unsigned long index, unsigned long count, unsigned accounts, int64_t today)
{
	memset(g, 0, sizeof *g);
	static const char hex[] = "0123456789abcdef";
	for (int i = 0; i < 32; i++)
		g->ref[i] = hex[below(16)];
	/* arrival: evenly over the window, oldest first, so ids follow the days */
	int64_t age = WINDOW_DAYS - (int64_t)((double)index * (WINDOW_DAYS + 1) / (double)count);
	int64_t created = today - age;
	day_text(created, g->created_day);
	g->kind = chance(80) ? "report" : "consultation";
	g->source = chance(85) ? "online" : "phone";
	const char *first = pick_form(), *second = chance(10) ? pick_form() : NULL;
	if (second && strcmp(first, second) != 0)
		snprintf(g->forms, sizeof g->forms, "%s,%s", first, second);
	else
		snprintf(g->forms, sizeof g->forms, "%s", first);
	size_t used = 0;
	for (unsigned n = 1 + below(4), i = 0; i < n; i++) {
		int wrote = snprintf(g->signals + used, sizeof g->signals - used, "%s%s", used ? "," : "",
				     signal_ids[below(sizeof signal_ids / sizeof *signal_ids)]);
		if (wrote < 0 || (size_t)wrote >= sizeof g->signals - used)
			break;
		used += (size_t)wrote;
	}

	g->status = pick_status(age);
	bool open = strcmp(g->status, "new") == 0 || strcmp(g->status, "in_progress") == 0;
	bool answered = strcmp(g->status, "new") != 0 && age > 0 && chance(90);
	int64_t first_answer = 0;
	if (answered) {
		first_answer = created + 1 + below(age < 10 ? (unsigned)age : 10);
		if (first_answer > today)
			first_answer = today;
		day_text(first_answer, g->first_answer_day);
	}
	if (strcmp(g->status, "closed") == 0) {
		/* closed within 120 days of arrival, and no earlier than the retention still keeps */
		int64_t earliest = created + 1 > today - (365 - 8) ? created + 1 : today - (365 - 8);
		int64_t latest = created + 120 < today ? created + 120 : today;
		if (earliest < first_answer)
			earliest = first_answer;
		if (earliest > today) /* it came in today and was closed today (no case is closed tomorrow) */
			earliest = today;
		if (latest < earliest)
			latest = earliest;
		int64_t closed = earliest + below((unsigned)(latest - earliest + 1));
		day_text(closed, g->closed_day);
		g->closing_reason = closing_reasons[below(sizeof closing_reasons / sizeof *closing_reasons)];
		/* one in a hundred extended by a coordinator for six months */
		day_text(add_months(closed, RETENTION_MONTHS + (chance(1) ? 6 : 0)), g->destroy_day);
	}
	if (!open)
		snprintf(g->due_day, sizeof g->due_day, "9999-12-31");
	else if (answered)
		day_text(add_months(created, FEEDBACK_MONTHS), g->due_day);
	else
		day_text(created + ANSWER_DAYS, g->due_day);
	/* the reporter wrote again: before any answer, or after the last one */
	g->reporter_waiting = strcmp(g->status, "closed") == 0 ? chance(1) : open && !answered ? chance(10) : chance(15);
	bool assign = strcmp(g->status, "new") == 0 ? chance(20) : chance(95);
	g->assigned_to = assign && accounts ? 1 + below(accounts) : 0;

	random_bytes(g->receipt_lookup, sizeof g->receipt_lookup);
	random_bytes(g->receipt_salt, sizeof g->receipt_salt);
	random_bytes(g->key_for_receipt, sizeof g->key_for_receipt);
	random_bytes(g->key_for_team, sizeof g->key_for_team);
	/* the narrative and the other fields, boxed: 400 to 2,200 bytes, 1,300 on average (a submission of
	 * bench/submit.lua stores about 1,250) */
	g->content_len = 400 + below(901) + below(901);
	random_bytes(g->content, g->content_len);
	g->has_submission_key = chance(50); /* the HTML form; the API stores none */
	if (g->has_submission_key)
		random_bytes(g->submission_key, sizeof g->submission_key);
}

/* What turns each generated case into a worked one: the same UPDATE on both backends. */
static const char plan_table[] =
	"CREATE TEMP TABLE plan (ref TEXT PRIMARY KEY, source TEXT NOT NULL, assigned_to BIGINT,"
	" first_answer_day TEXT, reporter_waiting INTEGER NOT NULL, due_day TEXT NOT NULL, closed_day TEXT,"
	" closing_reason TEXT, destroy_day TEXT)";
static const char plan_apply[] =
	"UPDATE cases SET source = plan.source, assigned_to = plan.assigned_to,"
	" first_answer_day = plan.first_answer_day, reporter_waiting = plan.reporter_waiting,"
	" due_day = plan.due_day, closed_day = plan.closed_day, closing_reason = plan.closing_reason,"
	" destroy_day = plan.destroy_day FROM plan WHERE cases.ref = plan.ref";

/* ---- SQLite ---- */

static int sqlite_fail(sqlite3 *db, const char *what)
{
	fprintf(stderr, "queue_fill: %s: %s\n", what, sqlite3_errmsg(db));
	sqlite3_close(db);
	return 1;
}

static int bind_optional_text(sqlite3_stmt *statement, int index, const char *text)
{
	return text && *text ? sqlite3_bind_text(statement, index, text, -1, SQLITE_STATIC)
			     : sqlite3_bind_null(statement, index);
}

static int fill_sqlite(const char *path, unsigned long count, unsigned accounts, int64_t today)
{
	sqlite3 *db;
	sqlite3_stmt *report = NULL, *plan = NULL;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		return sqlite_fail(db, path);
	/* a generated database: no fsync while filling it (one at the end, with the checkpoint) */
	if (sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; PRAGMA foreign_keys=ON;", NULL, NULL,
			 NULL) != SQLITE_OK ||
	    sqlite3_exec(db, plan_table, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
			       "INSERT INTO reports (ref, kind, status, created_day, forms, signals, receipt_lookup,"
			       " receipt_salt, key_for_receipt, key_for_team, content, submission_key)"
			       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			       -1, &report, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO plan VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", -1, &plan, NULL) != SQLITE_OK)
		return sqlite_fail(db, "prepare");
	struct generated *g = malloc(sizeof *g);
	if (!g)
		return 1;
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return sqlite_fail(db, "begin");
	for (unsigned long i = 0; i < count; i++) {
		generate(g, i, count, accounts, today);
		sqlite3_bind_text(report, 1, g->ref, -1, SQLITE_STATIC);
		sqlite3_bind_text(report, 2, g->kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(report, 3, g->status, -1, SQLITE_STATIC);
		sqlite3_bind_text(report, 4, g->created_day, -1, SQLITE_STATIC);
		sqlite3_bind_text(report, 5, g->forms, -1, SQLITE_STATIC);
		sqlite3_bind_text(report, 6, g->signals, -1, SQLITE_STATIC);
		sqlite3_bind_blob(report, 7, g->receipt_lookup, sizeof g->receipt_lookup, SQLITE_STATIC);
		sqlite3_bind_blob(report, 8, g->receipt_salt, sizeof g->receipt_salt, SQLITE_STATIC);
		sqlite3_bind_blob(report, 9, g->key_for_receipt, sizeof g->key_for_receipt, SQLITE_STATIC);
		sqlite3_bind_blob(report, 10, g->key_for_team, sizeof g->key_for_team, SQLITE_STATIC);
		sqlite3_bind_blob(report, 11, g->content, (int)g->content_len, SQLITE_STATIC);
		if (g->has_submission_key)
			sqlite3_bind_blob(report, 12, g->submission_key, sizeof g->submission_key, SQLITE_STATIC);
		else
			sqlite3_bind_null(report, 12);
		sqlite3_bind_text(plan, 1, g->ref, -1, SQLITE_STATIC);
		sqlite3_bind_text(plan, 2, g->source, -1, SQLITE_STATIC);
		if (g->assigned_to)
			sqlite3_bind_int64(plan, 3, g->assigned_to);
		else
			sqlite3_bind_null(plan, 3);
		bind_optional_text(plan, 4, g->first_answer_day);
		sqlite3_bind_int(plan, 5, g->reporter_waiting);
		sqlite3_bind_text(plan, 6, g->due_day, -1, SQLITE_STATIC);
		bind_optional_text(plan, 7, g->closed_day);
		bind_optional_text(plan, 8, g->closing_reason);
		bind_optional_text(plan, 9, g->destroy_day);
		if (sqlite3_step(report) != SQLITE_DONE || sqlite3_reset(report) != SQLITE_OK ||
		    sqlite3_step(plan) != SQLITE_DONE || sqlite3_reset(plan) != SQLITE_OK)
			return sqlite_fail(db, "insert");
		/* commit in parts, so that the WAL is checkpointed as it goes instead of growing to the whole database */
		if ((i + 1) % 50000 == 0 && sqlite3_exec(db, "COMMIT; BEGIN", NULL, NULL, NULL) != SQLITE_OK)
			return sqlite_fail(db, "commit");
	}
	free(g);
	sqlite3_finalize(report);
	sqlite3_finalize(plan);
	if (sqlite3_exec(db, plan_apply, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "PRAGMA synchronous=FULL; PRAGMA wal_checkpoint(TRUNCATE);", NULL, NULL, NULL) != SQLITE_OK)
		return sqlite_fail(db, "update cases");
	sqlite3_close(db);
	return 0;
}

/* ---- PostgreSQL: COPY into reports (the triggers fire per row) and into the plan ---- */

struct copy_line {
	char *text;
	size_t used, size;
};

static bool line_put(struct copy_line *line, const char *text, size_t len)
{
	if (line->used + len + 1 > line->size) {
		size_t size = (line->used + len + 1) * 2;
		char *grown = realloc(line->text, size);
		if (!grown)
			return false;
		line->text = grown;
		line->size = size;
	}
	memcpy(line->text + line->used, text, len);
	line->used += len;
	return true;
}

/* A text field of COPY's text format: our values hold no tab, newline or backslash. NULL or "" is \N. */
static bool put_text(struct copy_line *line, const char *text, bool last)
{
	bool ok = text && *text ? line_put(line, text, strlen(text)) : line_put(line, "\\N", 2);
	return ok && line_put(line, last ? "\n" : "\t", 1);
}

/* bytea in COPY text: \\x and the hex digits (the backslash doubled for COPY) */
static bool put_bytes(struct copy_line *line, const unsigned char *bytes, size_t len, bool last)
{
	static const char hex[] = "0123456789abcdef";
	if (!line_put(line, "\\\\x", 3))
		return false;
	for (size_t i = 0; i < len; i++) {
		char pair[2] = {hex[bytes[i] >> 4], hex[bytes[i] & 15]};
		if (!line_put(line, pair, 2))
			return false;
	}
	return line_put(line, last ? "\n" : "\t", 1);
}

static bool pg_run(PGconn *conn, const char *sql, ExecStatusType expected)
{
	PGresult *result = PQexec(conn, sql);
	bool ok = PQresultStatus(result) == expected;
	if (!ok)
		fprintf(stderr, "queue_fill: %.60s...: %s", sql, PQerrorMessage(conn));
	PQclear(result);
	return ok;
}

static bool pg_copy_end(PGconn *conn)
{
	if (PQputCopyEnd(conn, NULL) != 1)
		return false;
	PGresult *result = PQgetResult(conn);
	bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
	if (!ok)
		fprintf(stderr, "queue_fill: COPY: %s", PQerrorMessage(conn));
	PQclear(result);
	while ((result = PQgetResult(conn)))
		PQclear(result);
	return ok;
}

/* One COPY at a time per connection, so the reports and the plan are copied in two passes over the same
 * seed: the generator runs twice, which costs far less than the database's work. */
static bool copy_pass(PGconn *conn, bool reports, unsigned long count, unsigned accounts, int64_t today)
{
	const char *sql = reports ? "COPY reports (ref, kind, status, created_day, forms, signals, receipt_lookup,"
				    " receipt_salt, key_for_receipt, key_for_team, content, submission_key) FROM STDIN"
				  : "COPY plan FROM STDIN";
	if (!pg_run(conn, sql, PGRES_COPY_IN))
		return false;
	struct generated *g = malloc(sizeof *g);
	struct copy_line line = {0};
	bool ok = g != NULL;
	for (unsigned long i = 0; ok && i < count; i++) {
		generate(g, i, count, accounts, today);
		line.used = 0;
		if (reports) {
			ok = put_text(&line, g->ref, false) && put_text(&line, g->kind, false) &&
			     put_text(&line, g->status, false) && put_text(&line, g->created_day, false) &&
			     put_text(&line, g->forms, false) && put_text(&line, g->signals, false) &&
			     put_bytes(&line, g->receipt_lookup, sizeof g->receipt_lookup, false) &&
			     put_bytes(&line, g->receipt_salt, sizeof g->receipt_salt, false) &&
			     put_bytes(&line, g->key_for_receipt, sizeof g->key_for_receipt, false) &&
			     put_bytes(&line, g->key_for_team, sizeof g->key_for_team, false) &&
			     put_bytes(&line, g->content, g->content_len, false) &&
			     (g->has_submission_key ? put_bytes(&line, g->submission_key, sizeof g->submission_key, true)
						    : put_text(&line, NULL, true));
		} else {
			char assigned[24] = "";
			char waiting[4];
			if (g->assigned_to)
				snprintf(assigned, sizeof assigned, "%lld", (long long)g->assigned_to);
			snprintf(waiting, sizeof waiting, "%d", g->reporter_waiting);
			ok = put_text(&line, g->ref, false) && put_text(&line, g->source, false) &&
			     put_text(&line, assigned, false) && put_text(&line, g->first_answer_day, false) &&
			     put_text(&line, waiting, false) && put_text(&line, g->due_day, false) &&
			     put_text(&line, g->closed_day, false) && put_text(&line, g->closing_reason, false) &&
			     put_text(&line, g->destroy_day, true);
		}
		ok = ok && PQputCopyData(conn, line.text, (int)line.used) == 1;
	}
	free(line.text);
	free(g);
	return pg_copy_end(conn) && ok;
}

static int fill_postgresql(const char *url, unsigned long count, unsigned accounts, int64_t today)
{
	PGconn *conn = PQconnectdb(url);
	if (PQstatus(conn) != CONNECTION_OK) {
		fprintf(stderr, "queue_fill: %s", PQerrorMessage(conn));
		PQfinish(conn);
		return 1;
	}
	uint64_t seed = random_state;
	bool ok = pg_run(conn, "SET synchronous_commit = off; SET client_min_messages = warning", PGRES_COMMAND_OK) &&
		  pg_run(conn, "BEGIN", PGRES_COMMAND_OK) && pg_run(conn, plan_table, PGRES_COMMAND_OK) &&
		  copy_pass(conn, true, count, accounts, today);
	random_state = seed; /* the same rows again, for their plan */
	ok = ok && copy_pass(conn, false, count, accounts, today) && pg_run(conn, plan_apply, PGRES_COMMAND_OK) &&
	     pg_run(conn, "COMMIT", PGRES_COMMAND_OK) &&
	     /* what autovacuum would have done long before a real table reached this size */
	     pg_run(conn, "VACUUM ANALYZE reports", PGRES_COMMAND_OK) && pg_run(conn, "VACUUM ANALYZE cases", PGRES_COMMAND_OK) &&
	     pg_run(conn, "CHECKPOINT", PGRES_COMMAND_OK);
	PQfinish(conn);
	return ok ? 0 : 1;
}

static double seconds_now(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: queue_fill DB_URL COUNT ACCOUNTS TODAY\n");
		return 2;
	}
	char *end;
	unsigned long count = strtoul(argv[2], &end, 10);
	bool good_count = *end == '\0' && count > 0 && count <= 10000000;
	unsigned long accounts = strtoul(argv[3], &end, 10);
	bool good_accounts = *end == '\0' && accounts <= 1000;
	int64_t today;
	if (!good_count || !good_accounts || !parse_day(argv[4], &today)) {
		fprintf(stderr, "queue_fill: COUNT 1..10000000, ACCOUNTS 0..1000, TODAY as YYYY-MM-DD\n");
		return 2;
	}
	double start = seconds_now();
	int status;
	if (strncmp(argv[1], "sqlite:", 7) == 0)
		status = fill_sqlite(argv[1] + 7, count, (unsigned)accounts, today);
	else if (strncmp(argv[1], "postgresql:", 11) == 0 || strncmp(argv[1], "postgres:", 9) == 0)
		status = fill_postgresql(argv[1], count, (unsigned)accounts, today);
	else {
		fprintf(stderr, "queue_fill: DB_URL is sqlite:PATH or postgresql://...\n");
		return 2;
	}
	if (status == 0)
		printf("%.1f %lu\n", seconds_now() - start, count);
	return status;
}
