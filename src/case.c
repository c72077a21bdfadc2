#define _POSIX_C_SOURCE 200809L
#include "case.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "staff.h"
#include "timefmt.h"

/* ---------- the workflow table ---------- */

#define CASEWORK (STAFF_ROLE_CASEWORKER | STAFF_ROLE_COORDINATOR)

/* Every move a case can make, and who may make it. What is not here is
 * refused: no way back to "new", nothing out of "closed" but a reopening by
 * a coordinator. "referred" -> "referred" is a referral to another partner. */
static const struct {
	const char *from, *to;
	unsigned roles;
} transitions[] = {
	{"new", "in_progress", CASEWORK},
	{"new", "referred", CASEWORK},
	{"in_progress", "referred", CASEWORK},
	{"referred", "referred", CASEWORK},
	{"referred", "in_progress", CASEWORK},
	{"new", "closed", STAFF_ROLE_COORDINATOR},
	{"in_progress", "closed", STAFF_ROLE_COORDINATOR},
	{"referred", "closed", STAFF_ROLE_COORDINATOR},
	{"closed", "in_progress", STAFF_ROLE_COORDINATOR},
};

static const char *const statuses[] = {"new", "in_progress", "referred", "closed"};
static const char *const closing_reasons[] = {"advice_given", "referred",  "no_signs",
					      "no_contact",   "duplicate", "outside_region"};
static const char *const partners[] = {"police",       "labour_authority",  "veilig_thuis",
				       "comensha",     "care_coordination", "municipality"};
static const char *const consents[] = {"given", "refused", "not_asked", "not_possible"};
static const char *const overrides[] = {"acute_danger", "minor"};
static const char *const information_names[] = {"summary", "signals", "narrative", "person", "contact", "messages"};

static bool in_list(const char *value, const char *const *list, size_t count)
{
	for (size_t i = 0; value && i < count; i++) {
		if (strcmp(value, list[i]) == 0)
			return true;
	}
	return false;
}
#define IN_LIST(value, list) in_list(value, list, sizeof list / sizeof *list)

bool case_status_valid(const char *status)
{
	return IN_LIST(status, statuses);
}

bool case_closing_reason_valid(const char *reason)
{
	return IN_LIST(reason, closing_reasons);
}

bool case_partner_valid(const char *partner)
{
	return IN_LIST(partner, partners);
}

/* The roles that may make a move; 0 when it is no move at all. */
static unsigned transition_roles(const char *from, const char *to)
{
	for (size_t i = 0; i < sizeof transitions / sizeof *transitions; i++) {
		if (strcmp(transitions[i].from, from) == 0 && strcmp(transitions[i].to, to) == 0)
			return transitions[i].roles;
	}
	return 0;
}

bool case_transition_allowed(const char *from, const char *to, unsigned roles)
{
	return from && to && (transition_roles(from, to) & roles) != 0;
}

/* CASE_OK when the actor may move the case, else why not. */
static int check_transition(const char *from, const char *to, unsigned roles)
{
	unsigned allowed = transition_roles(from, to);
	if (!allowed)
		return CASE_REFUSED;
	return (allowed & roles) ? CASE_OK : CASE_FORBIDDEN;
}

/* ---------- days ---------- */

static bool digits(const char *text, size_t len, unsigned *out)
{
	*out = 0;
	for (size_t i = 0; i < len; i++) {
		if (text[i] < '0' || text[i] > '9')
			return false;
		*out = *out * 10 + (unsigned)(text[i] - '0');
	}
	return true;
}

static int parse_day(const char *day, int *y, int *m, int *d)
{
	unsigned year, month, dom;
	if (!day || strlen(day) != DB_DAY_SIZE - 1 || day[4] != '-' || day[7] != '-' || !digits(day, 4, &year) ||
	    !digits(day + 5, 2, &month) || !digits(day + 8, 2, &dom) || year < 1970 || month < 1 || month > 12 ||
	    dom < 1 || (int)dom > days_in_month((int)year, (int)month))
		return -1;
	*y = (int)year;
	*m = (int)month;
	*d = (int)dom;
	return 0;
}

/* timefmt's range: 1970 to 9999. */
static int format_day(int y, int m, int d, char out[DB_DAY_SIZE])
{
	if (y < 1970 || y > 9999)
		return -1;
	snprintf(out, DB_DAY_SIZE, "%04d-%02d-%02d", y, m, d);
	return 0;
}

int case_add_days(const char *day, int days, char out[DB_DAY_SIZE])
{
	int y, m, d;
	struct civil_time civil;
	if (parse_day(day, &y, &m, &d))
		return -1;
	civil_from_days(days_from_civil(y, m, d) + days, &civil);
	return format_day(civil.year, civil.month, civil.day, out);
}

int case_add_months(const char *day, int months, char out[DB_DAY_SIZE])
{
	int y, m, d;
	if (parse_day(day, &y, &m, &d))
		return -1;
	int64_t index = (int64_t)y * 12 + m - 1 + months;
	if (index < 1970 * 12 || index > 9999 * 12 + 11)
		return -1;
	y = (int)(index / 12);
	m = (int)(index % 12) + 1;
	int last = days_in_month(y, m);
	return format_day(y, m, d > last ? last : d, out);
}

void case_day_of(int64_t now, char out[DB_DAY_SIZE])
{
	struct civil_time civil;
	civil_from_time(now, 0, &civil);
	if (format_day(civil.year, civil.month, civil.day, out))
		snprintf(out, DB_DAY_SIZE, "1970-01-01");
}

/* ---------- settings and deadlines ---------- */

void case_settings_default(struct case_settings *settings)
{
	settings->answer_days = 7;
	settings->feedback_months = 3;
	settings->due_soon_days = 2;
	settings->retention_months = 12;
	settings->retention_warning_days = 14;
}

int case_settings_apply(struct db *db, const struct case_settings *settings)
{
	if (settings->answer_days == 0 || settings->answer_days > 365 || settings->feedback_months == 0 ||
	    settings->feedback_months > 24)
		return -1;
	return db_case_set_deadlines(db, settings->answer_days, settings->feedback_months);
}

int case_deadlines(const struct case_settings *settings, const struct db_case *row, int64_t now,
		   struct case_deadlines *out)
{
	char today[DB_DAY_SIZE], soon[DB_DAY_SIZE], warning[DB_DAY_SIZE];
	memset(out, 0, sizeof *out);
	case_day_of(now, today);
	if (case_add_days(row->created_day, (int)settings->answer_days, out->answer_due) ||
	    case_add_months(row->created_day, (int)settings->feedback_months, out->feedback_due) ||
	    case_add_days(today, (int)settings->due_soon_days, soon) ||
	    case_add_days(today, (int)settings->retention_warning_days, warning))
		return -1;
	out->answer_met = row->first_answer_day[0] != '\0' || strcmp(row->status, "closed") == 0;
	out->feedback_met = strcmp(row->status, "referred") == 0 || strcmp(row->status, "closed") == 0;
	/* days compare as text: YYYY-MM-DD sorts as it counts */
	bool answer_late = !out->answer_met && strcmp(today, out->answer_due) > 0;
	bool feedback_late = !out->feedback_met && strcmp(today, out->feedback_due) > 0;
	out->overdue = answer_late || feedback_late;
	out->due_soon = !out->overdue && ((!out->answer_met && strcmp(out->answer_due, soon) <= 0) ||
					  (!out->feedback_met && strcmp(out->feedback_due, soon) <= 0));
	out->destroy_soon = strcmp(row->status, "closed") == 0 && row->destroy_day[0] &&
			    strcmp(row->destroy_day, warning) <= 0;
	return 0;
}

/* The deadline a case in work has next: the first answer until there is one, then feedback. */
static int next_due_day(const struct case_settings *settings, const struct db_case *row, char out[DB_DAY_SIZE])
{
	return row->first_answer_day[0] ? case_add_months(row->created_day, (int)settings->feedback_months, out)
					: case_add_days(row->created_day, (int)settings->answer_days, out);
}

/* ---------- shared steps ---------- */

static bool has_content_role(const struct case_actor *actor)
{
	return actor && actor->name && (actor->roles & CASEWORK) != 0;
}

static bool is_coordinator(const struct case_actor *actor)
{
	return actor && actor->name && (actor->roles & STAFF_ROLE_COORDINATOR) != 0;
}

/* The case's row: CASE_OK, CASE_NOT_FOUND, or -1. */
static int load_case(struct reporting *reporting, const char *ref, struct db_case *row)
{
	if (!ref || strlen(ref) != DB_REF_SIZE - 1)
		return CASE_NOT_FOUND;
	int found = db_case_get(reporting->db, ref, row);
	return found == 0 ? CASE_OK : found == 1 ? CASE_NOT_FOUND : -1;
}

/* The audit entry after a change: CASE_OK, or CASE_NOT_AUDITED. */
static int record(struct reporting *reporting, const char *account, const char *action, const char *ref, int64_t now)
{
	return audit_append(reporting->db, now, account, action, ref) == 0 ? CASE_OK : CASE_NOT_AUDITED;
}

/* db_case_change's 1 and 2 (after retries) as outcomes. */
static int change_result(int status)
{
	return status == 0 ? CASE_OK : status == 1 ? CASE_CHANGED : -1;
}

/* The same check report.c makes of messages: text that pages can show. */
static bool is_text(const char *text, size_t len)
{
	const unsigned char *p = (const unsigned char *)text;
	for (size_t i = 0; i < len;) {
		unsigned char c = p[i];
		size_t need = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
		if (c == 0 || need == 0 || need > len - i)
			return false;
		for (size_t k = 1; k < need; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
		}
		if ((c == 0xe0 && p[i + 1] < 0xa0) || (c == 0xed && p[i + 1] > 0x9f) || (c == 0xf0 && p[i + 1] < 0x90) ||
		    (c == 0xf4 && p[i + 1] > 0x8f))
			return false;
		i += need;
	}
	return true;
}

static bool only_whitespace(const char *text)
{
	for (; *text; text++) {
		if (*text != ' ' && *text != '\t' && *text != '\n' && *text != '\r')
			return false;
	}
	return true;
}

/* A written text (a note, a reason): UTF-8, not blank, within the cap and at least `min` bytes. */
static bool text_acceptable(const char *text, size_t min)
{
	if (!text)
		return false;
	size_t len = strlen(text);
	return len >= min && len > 0 && len <= CASE_NOTE_CAP && !only_whitespace(text) && is_text(text, len);
}

/* The report key, opened with the team secret (the caller wipes it). */
static int open_report_key(struct reporting *reporting, const unsigned char team_secret[CRYPT_KEY_BYTES],
			   const char *ref, unsigned char key[CRYPT_KEY_BYTES])
{
	struct db_report report;
	if (db_get_report(reporting->db, ref, &report) != 0)
		return -1;
	int status = crypt_open_sealed(reporting->team.public_key, team_secret, report.key_for_team, report.ref, key);
	db_report_release(&report);
	return status;
}

/* A note's associated data: the report, its number and its kind, so that a
 * note cannot be moved to another case or place, or passed off as another
 * kind, by anyone who can write the database but lacks the report key. */
static void note_context(const char *ref, unsigned seq, const char *kind, char *out, size_t size)
{
	snprintf(out, size, "report:%s:note:%u:%s", ref, seq, kind);
}

/* Encrypts `text` as the case's next note and stores it together with the
 * rest of `change` (a row, a referral) in one transaction, encrypting again
 * when another note took the number. CASE_OK, CASE_CHANGED, CASE_TOO_MANY, or -1. */
static int store_note(struct reporting *reporting, const unsigned char team_secret[CRYPT_KEY_BYTES],
		      struct db_case_change *change, const char *kind, const char *author, const char *text,
		      int64_t now)
{
	unsigned char key[CRYPT_KEY_BYTES];
	size_t len = strlen(text), padded = crypt_padded_size(len);
	unsigned char *plain = malloc(padded), *box = malloc(padded + CRYPT_OVERHEAD);
	char context[128];
	int status = -1;
	if (!plain || !box || open_report_key(reporting, team_secret, change->ref, key))
		goto done;
	memcpy(plain, text, len);
	if (crypt_pad(plain, len, padded))
		goto wipe;
	struct db_case_note note = {.at = now, .box = box, .box_len = padded + CRYPT_OVERHEAD};
	snprintf(note.kind, sizeof note.kind, "%s", kind);
	snprintf(note.author, sizeof note.author, "%s", author);
	change->note = &note;
	for (int attempt = 0; attempt < 8; attempt++) {
		long count = db_case_count_notes(reporting->db, change->ref);
		if (count < 0)
			break;
		if (count >= CASE_NOTES_PER_CASE) {
			status = CASE_TOO_MANY;
			break;
		}
		note.seq = (unsigned)count + 1;
		note_context(change->ref, note.seq, kind, context, sizeof context);
		if (crypt_encrypt(key, context, plain, padded, box))
			break;
		int stored = db_case_change(reporting->db, change);
		if (stored != 2) {
			status = change_result(stored);
			break;
		}
	}
	change->note = NULL;
wipe:
	crypt_wipe(key, sizeof key);
done:
	if (plain)
		crypt_wipe(plain, padded);
	free(plain);
	free(box);
	return status;
}

/* ---------- status, assignment, answers ---------- */

int case_set_status(struct reporting *reporting, const struct case_settings *settings, const struct case_actor *actor,
		    const char *ref, const char *to, const char *reason, int64_t now)
{
	struct db_case row, changed;
	if (!has_content_role(actor))
		return CASE_FORBIDDEN;
	/* "referred" needs a referral record: case_refer() */
	if (!to || (strcmp(to, "in_progress") != 0 && strcmp(to, "closed") != 0))
		return CASE_BAD_INPUT;
	bool closing = strcmp(to, "closed") == 0;
	if (closing ? !case_closing_reason_valid(reason) : reason != NULL)
		return CASE_BAD_INPUT;
	int status = load_case(reporting, ref, &row);
	if (status != CASE_OK)
		return status;
	status = check_transition(row.status, to, actor->roles);
	if (status != CASE_OK)
		return status;
	changed = row;
	snprintf(changed.status, sizeof changed.status, "%s", to);
	/* whoever takes a new case on that nobody has is the one who has it ("mine" in the queue) */
	bool taking_on = !closing && strcmp(row.status, "new") == 0 && row.assigned_to == 0 && actor->account_id != 0;
	if (taking_on)
		changed.assigned_to = actor->account_id;
	const char *action;
	if (closing) {
		case_day_of(now, changed.closed_day);
		snprintf(changed.closing_reason, sizeof changed.closing_reason, "%s", reason);
		snprintf(changed.due_day, sizeof changed.due_day, "%s", DB_CASE_NO_DAY);
		if (case_add_months(changed.closed_day, (int)settings->retention_months, changed.destroy_day))
			return -1;
		action = "case_closed";
	} else {
		bool reopening = strcmp(row.status, "closed") == 0;
		changed.closed_day[0] = changed.closing_reason[0] = changed.destroy_day[0] = '\0';
		/* back in work from referred or closed: the deadline not yet met counts again */
		if (strcmp(row.status, "new") != 0 && next_due_day(settings, &row, changed.due_day))
			return -1;
		action = reopening ? "case_reopened" : "case_in_progress";
	}
	struct db_case_change change = {.ref = row.ref, .expected_status = row.status, .row = &changed};
	status = change_result(db_case_change(reporting->db, &change));
	if (status == CASE_OK)
		status = record(reporting, actor->name, action, row.ref, now);
	if (status == CASE_OK && taking_on)
		status = record(reporting, actor->name, "case_assigned", row.ref, now);
	return status;
}

int case_assign(struct reporting *reporting, const struct case_actor *actor, const char *ref, int64_t account_id,
		int64_t now)
{
	struct db_case row, changed;
	if (!is_coordinator(actor))
		return CASE_FORBIDDEN;
	int status = load_case(reporting, ref, &row);
	if (status != CASE_OK)
		return status;
	if (strcmp(row.status, "closed") == 0)
		return CASE_REFUSED;
	if (account_id != 0) {
		struct db_staff_account account;
		int found = db_staff_get_by_id(reporting->db, account_id, &account);
		bool fits = found == 0 && strcmp(account.state, "active") == 0 && (account.roles & CASEWORK) != 0;
		crypt_wipe(&account, sizeof account); /* wrapped secrets only, but no copies lie about */
		if (found < 0)
			return -1;
		if (!fits)
			return CASE_BAD_INPUT;
	}
	changed = row;
	changed.assigned_to = account_id;
	struct db_case_change change = {.ref = row.ref, .expected_status = row.status, .row = &changed};
	status = change_result(db_case_change(reporting->db, &change));
	return status == CASE_OK
		       ? record(reporting, actor->name, account_id ? "case_assigned" : "case_unassigned", row.ref, now)
		       : status;
}

int case_answer(struct reporting *reporting, const struct case_actor *actor,
		const unsigned char team_secret[CRYPT_KEY_BYTES], const char *ref, const char *body, int64_t now)
{
	struct db_case row;
	if (!has_content_role(actor))
		return CASE_FORBIDDEN;
	if (!body || only_whitespace(body))
		return CASE_BAD_INPUT;
	int status = load_case(reporting, ref, &row);
	if (status != CASE_OK)
		return status;
	if (strcmp(row.status, "closed") == 0)
		return CASE_REFUSED;
	/* an answer takes a new case on; a referred case stays referred */
	const char *new_status = strcmp(row.status, "new") == 0 ? "in_progress" : row.status;
	if (strcmp(new_status, row.status) != 0 && check_transition(row.status, new_status, actor->roles) != CASE_OK)
		return CASE_FORBIDDEN;
	int answered = report_answer_as_team_with_status(reporting, team_secret, row.ref, body, new_status, now);
	if (answered == 2)
		return CASE_TOO_MANY;
	if (answered == 3)
		return CASE_BAD_INPUT;
	if (answered != 0)
		return -1;
	return record(reporting, actor->name, "case_answered", row.ref, now);
}

/* ---------- notes ---------- */

int case_add_note(struct reporting *reporting, const struct case_actor *actor,
		  const unsigned char team_secret[CRYPT_KEY_BYTES], const char *ref, const char *text, int64_t now)
{
	struct db_case row;
	if (!has_content_role(actor))
		return CASE_FORBIDDEN;
	if (!text_acceptable(text, 1))
		return CASE_BAD_INPUT;
	int status = load_case(reporting, ref, &row);
	if (status != CASE_OK)
		return status;
	struct db_case_change change = {.ref = row.ref};
	status = store_note(reporting, team_secret, &change, "note", actor->name, text, now);
	return status == CASE_OK ? record(reporting, actor->name, "case_note_added", row.ref, now) : status;
}

struct note_reader {
	const unsigned char *key;
	const char *ref;
	json_t *list;
	unsigned position;
	int status;
};

static void read_note(void *ctx, const struct db_case_note *note)
{
	struct note_reader *reader = ctx;
	char context[128];
	if (reader->status)
		return;
	/* numbered without a gap: a missing or moved note is an error, never skipped */
	if (note->seq != ++reader->position || note->box_len < CRYPT_OVERHEAD) {
		reader->status = -1;
		return;
	}
	size_t len = note->box_len - CRYPT_OVERHEAD;
	unsigned char *plain = malloc(len + 1);
	note_context(reader->ref, note->seq, note->kind, context, sizeof context);
	if (!plain || crypt_decrypt(reader->key, context, note->box, note->box_len, plain) ||
	    crypt_unpad(plain, note->box_len - CRYPT_OVERHEAD, &len)) {
		reader->status = -1;
	} else {
		json_t *entry = json_pack("{s:I, s:s, s:s, s:I, s:s%}", "seq", (json_int_t)note->seq, "kind", note->kind,
					  "author", note->author, "at", (json_int_t)note->at, "text", (const char *)plain, len);
		/* json_array_append_new takes `entry` over, also when it fails */
		if (!entry || json_array_append_new(reader->list, entry) != 0)
			reader->status = -1;
	}
	if (plain)
		crypt_wipe(plain, note->box_len - CRYPT_OVERHEAD);
	free(plain);
}

int case_list_notes(struct reporting *reporting, const struct case_actor *actor,
		    const unsigned char team_secret[CRYPT_KEY_BYTES], const char *ref, int64_t now, json_t **out)
{
	struct db_case row;
	unsigned char key[CRYPT_KEY_BYTES];
	*out = NULL;
	if (!has_content_role(actor))
		return CASE_FORBIDDEN;
	int status = load_case(reporting, ref, &row);
	if (status != CASE_OK)
		return status;
	/* on record before anything is shown */
	if (record(reporting, actor->name, "case_notes_read", row.ref, now) != CASE_OK)
		return CASE_NOT_AUDITED;
	if (open_report_key(reporting, team_secret, row.ref, key))
		return -1;
	struct note_reader reader = {.key = key, .ref = row.ref, .list = json_array()};
	if (!reader.list || db_case_list_notes(reporting->db, row.ref, read_note, &reader) != 0 || reader.status != 0) {
		json_decref(reader.list);
		status = -1;
	} else {
		*out = reader.list;
		status = CASE_OK;
	}
	crypt_wipe(key, sizeof key);
	return status;
}

/* ---------- the queue ---------- */

/* Page tokens: "n.ID" (newest first) or "u.YYYY-MM-DD.ID" (most urgent first). */
static int parse_token(const char *token, enum db_case_order order, struct db_case_cursor *cursor)
{
	memset(cursor, 0, sizeof *cursor);
	const char *id_text;
	if (order == DB_CASE_NEWEST) {
		if (strncmp(token, "n.", 2) != 0)
			return -1;
		id_text = token + 2;
	} else {
		int y, m, d;
		if (strncmp(token, "u.", 2) != 0 || strlen(token) < 2 + DB_DAY_SIZE)
			return -1;
		memcpy(cursor->due_day, token + 2, DB_DAY_SIZE - 1);
		cursor->due_day[DB_DAY_SIZE - 1] = '\0';
		if (token[2 + DB_DAY_SIZE - 1] != '.' ||
		    (strcmp(cursor->due_day, DB_CASE_NO_DAY) != 0 && parse_day(cursor->due_day, &y, &m, &d)))
			return -1;
		id_text = token + 2 + DB_DAY_SIZE;
	}
	if (*id_text < '1' || *id_text > '9')
		return -1; /* digits only, no sign, no leading zero */
	char *end = NULL;
	errno = 0;
	long long id = strtoll(id_text, &end, 10);
	if (errno || *end != '\0' || id < 1)
		return -1;
	cursor->id = id;
	cursor->set = true;
	return 0;
}

static void make_token(enum db_case_order order, const struct db_case_cursor *next, char out[CASE_PAGE_TOKEN_SIZE])
{
	if (order == DB_CASE_NEWEST)
		snprintf(out, CASE_PAGE_TOKEN_SIZE, "n.%lld", (long long)next->id);
	else
		snprintf(out, CASE_PAGE_TOKEN_SIZE, "u.%s.%lld", next->due_day, (long long)next->id);
}

int case_queue(struct reporting *reporting, const struct case_settings *settings, const struct case_actor *actor,
	       const struct case_queue_query *query, int64_t now, struct case_queue_page *out)
{
	static const char *const kinds[] = {"report", "consultation"};
	static const char *const sources[] = {"online", "phone"};
	struct db_case_cursor cursor = {0}, next = {0};
	struct db_case *rows = NULL;
	char today[DB_DAY_SIZE];
	memset(out, 0, sizeof *out);
	if (!has_content_role(actor))
		return CASE_FORBIDDEN;
	/* Late cases come most overdue first: "overdue" is then one range of cases_by_due however few of
	 * them there are, where newest first would read the whole table to find 51 late ones among a
	 * million (the bench: 205-265 ms with 685 late cases in 1,000,000). */
	enum db_case_order order = query->overdue ? DB_CASE_URGENT : query->order;
	if ((query->order != DB_CASE_NEWEST && query->order != DB_CASE_URGENT) ||
	    (query->status && !case_status_valid(query->status)) || (query->kind && !IN_LIST(query->kind, kinds)) ||
	    (query->source && !IN_LIST(query->source, sources)) || query->form_bits > 15 ||
	    (query->mine && (query->unassigned || actor->account_id == 0)) ||
	    (query->after && parse_token(query->after, order, &cursor)))
		return CASE_BAD_INPUT;
	case_day_of(now, today);
	struct db_case_filter filter = {
		.status = query->status,
		.kind = query->kind,
		.form_bits = query->form_bits,
		.source = query->source,
		.assigned_to_account = query->mine,
		.account = actor->account_id,
		.unassigned = query->unassigned,
		.due_before = query->overdue ? today : NULL,
		.reporter_waiting = query->reporter_waiting,
	};
	rows = malloc(DB_CASE_PAGE * sizeof *rows);
	if (!rows)
		return -1;
	int status = -1;
	if (db_case_queue(reporting->db, &filter, order, &cursor, rows, &out->count, &out->more, &next) != 0 ||
	    db_case_counts(reporting->db, &out->counts) != 0)
		goto done;
	for (size_t i = 0; i < out->count; i++) {
		out->items[i].row = rows[i];
		if (case_deadlines(settings, &rows[i], now, &out->items[i].deadlines))
			goto done;
	}
	if (out->more) {
		make_token(order, &next, out->next);
		/* the scan stopped before a page was full: say so, rather than let "fewer than 50" read as "all" */
		out->searched_only = out->count < DB_CASE_PAGE;
	}
	status = CASE_OK;
done:
	free(rows);
	if (status)
		memset(out, 0, sizeof *out);
	return status;
}

/* ---------- referrals ---------- */

int case_refer(struct reporting *reporting, const struct case_actor *actor,
	       const unsigned char team_secret[CRYPT_KEY_BYTES], const char *ref, const struct case_referral *referral,
	       int64_t now)
{
	struct db_case row, changed;
	if (!has_content_role(actor))
		return CASE_FORBIDDEN;
	if (!case_partner_valid(referral->partner) || referral->categories == 0 ||
	    (referral->categories & ~CASE_INFO_ALL) != 0 || !IN_LIST(referral->consent, consents) ||
	    (referral->override && !IN_LIST(referral->override, overrides)))
		return CASE_BAD_INPUT;
	bool consent = strcmp(referral->consent, "given") == 0;
	bool beyond_anonymised = (referral->categories & ~(unsigned)CASE_INFO_ANONYMISED) != 0;
	if (referral->override) {
		/* an override is for what consent does not cover, nothing else */
		if (consent || !beyond_anonymised)
			return CASE_BAD_INPUT;
		if (!is_coordinator(actor))
			return CASE_FORBIDDEN;
		if (!text_acceptable(referral->reason, CASE_REASON_MIN))
			return CASE_BAD_INPUT;
	} else if (referral->reason) {
		return CASE_BAD_INPUT; /* a reason with nothing to give it for would be kept for nothing */
	} else if (!consent && beyond_anonymised) {
		return CASE_NO_CONSENT;
	}
	int status = load_case(reporting, ref, &row);
	if (status != CASE_OK)
		return status;
	status = check_transition(row.status, "referred", actor->roles);
	if (status != CASE_OK)
		return status;
	changed = row;
	snprintf(changed.status, sizeof changed.status, "referred");
	snprintf(changed.due_day, sizeof changed.due_day, "%s", DB_CASE_NO_DAY);
	struct db_referral record_row = {.categories = referral->categories, .at = now};
	snprintf(record_row.partner, sizeof record_row.partner, "%s", referral->partner);
	snprintf(record_row.consent, sizeof record_row.consent, "%s", referral->consent);
	snprintf(record_row.override, sizeof record_row.override, "%s", referral->override ? referral->override : "");
	snprintf(record_row.author, sizeof record_row.author, "%s", actor->name);
	case_day_of(now, record_row.day);
	struct db_case_change change = {
		.ref = row.ref, .expected_status = row.status, .row = &changed, .referral = &record_row};
	if (referral->override)
		status = store_note(reporting, team_secret, &change, "override", actor->name, referral->reason, now);
	else
		status = change_result(db_case_change(reporting->db, &change));
	if (status != CASE_OK)
		return status;
	return record(reporting, actor->name, referral->override ? "case_referred_override" : "case_referred", row.ref,
		      now);
}

struct referral_lister {
	json_t *list;
	bool failed;
};

static void list_referral(void *ctx, const struct db_referral *referral)
{
	struct referral_lister *lister = ctx;
	json_t *categories = json_array();
	for (size_t i = 0; categories && i < sizeof information_names / sizeof *information_names; i++) {
		if ((referral->categories & (1u << i)) && json_array_append_new(categories, json_string(information_names[i])))
			lister->failed = true;
	}
	json_t *entry = categories ? json_pack("{s:s, s:s, s:o, s:s, s:s}", "partner", referral->partner, "day",
					       referral->day, "categories", categories, "consent", referral->consent,
					       "author", referral->author)
				   : NULL;
	if (entry && referral->override[0] &&
	    json_object_set_new(entry, "override", json_string(referral->override)) != 0)
		lister->failed = true;
	if (!entry || json_array_append_new(lister->list, entry) != 0)
		lister->failed = true;
}

int case_list_referrals(struct reporting *reporting, const struct case_actor *actor, const char *ref, json_t **out)
{
	struct db_case row;
	*out = NULL;
	if (!has_content_role(actor))
		return CASE_FORBIDDEN;
	int status = load_case(reporting, ref, &row);
	if (status != CASE_OK)
		return status;
	struct referral_lister lister = {.list = json_array()};
	if (!lister.list || db_case_list_referrals(reporting->db, row.ref, list_referral, &lister) != 0 || lister.failed) {
		json_decref(lister.list);
		return -1;
	}
	*out = lister.list;
	return CASE_OK;
}

/* Copies `key` from the decrypted report into the hand-over, when the report has it. */
static bool copy_field(json_t *to, json_t *report, const char *key)
{
	json_t *value = json_object_get(report, key);
	return !value || json_object_set(to, key, value) == 0;
}

int case_handover(struct reporting *reporting, const struct case_actor *actor,
		  const unsigned char team_secret[CRYPT_KEY_BYTES], const char *ref, unsigned number, int64_t now,
		  json_t **out)
{
	json_t *referrals = NULL, *report = NULL, *shown = NULL;
	*out = NULL;
	int status = case_list_referrals(reporting, actor, ref, &referrals);
	if (status != CASE_OK)
		return status;
	json_t *referral = number >= 1 ? json_array_get(referrals, number - 1) : NULL;
	if (!referral) {
		json_decref(referrals);
		return CASE_NOT_FOUND;
	}
	unsigned categories = 0;
	size_t index;
	json_t *name;
	json_array_foreach(json_object_get(referral, "categories"), index, name) {
		for (size_t i = 0; i < sizeof information_names / sizeof *information_names; i++) {
			if (strcmp(json_string_value(name), information_names[i]) == 0)
				categories |= 1u << i;
		}
	}
	/* on record before anything is decrypted: who opened which hand-over */
	if (record(reporting, actor->name, "case_handover_opened", ref, now) != CASE_OK) {
		json_decref(referrals);
		return CASE_NOT_AUDITED;
	}
	status = -1;
	if (report_read_as_team(reporting, team_secret, ref, &report) != 0)
		goto done;
	shown = json_object();
	bool built = shown && copy_field(shown, report, "kind");
	if (built && (categories & CASE_INFO_SUMMARY)) {
		const char *day = json_string_value(json_object_get(report, "day"));
		built = copy_field(shown, report, "relation") &&
			(!day || strlen(day) != DB_DAY_SIZE - 1 ||
			 json_object_set_new(shown, "month", json_stringn(day, 7)) == 0);
	}
	if (built && (categories & CASE_INFO_SIGNALS))
		built = copy_field(shown, report, "forms") && copy_field(shown, report, "signals");
	if (built && (categories & CASE_INFO_NARRATIVE))
		built = copy_field(shown, report, "what") && copy_field(shown, report, "when") &&
			copy_field(shown, report, "how");
	if (built && (categories & CASE_INFO_PERSON))
		built = copy_field(shown, report, "who") && copy_field(shown, report, "where");
	if (built && (categories & CASE_INFO_CONTACT))
		built = copy_field(shown, report, "contact");
	if (built && (categories & CASE_INFO_MESSAGES))
		built = copy_field(shown, report, "messages");
	if (built && json_object_set_new(referral, "number", json_integer((json_int_t)number)) == 0) {
		*out = json_pack("{s:O, s:O}", "referral", referral, "report", shown);
		status = *out ? CASE_OK : -1;
	}
done:
	json_decref(shown);
	json_decref(report);
	json_decref(referrals);
	return status;
}

/* ---------- phone intake ---------- */

/* The ref of the report a receipt opens (the receipt's keyed lookup): 0, or -1. */
static int ref_of_receipt(struct reporting *reporting, const char *receipt, char ref[DB_REF_SIZE])
{
	char canonical[CRYPT_RECEIPT_CHARS + 1];
	unsigned char lookup[CRYPT_KEY_BYTES];
	struct db_report row;
	if (!crypt_normalize_receipt(receipt, canonical))
		return -1;
	crypt_keys_receipt_lookup(reporting_keys(reporting), canonical, lookup);
	crypt_wipe(canonical, sizeof canonical);
	int found = db_find_report(reporting->db, lookup, &row);
	crypt_wipe(lookup, sizeof lookup);
	if (found != 0)
		return -1;
	snprintf(ref, DB_REF_SIZE, "%s", row.ref);
	db_report_release(&row);
	return 0;
}

int case_intake_phone(struct reporting *reporting, const struct case_actor *actor, struct report_input *input,
		      const char *submission_key, int64_t now, char receipt[CRYPT_RECEIPT_TEXT_SIZE], char ref[DB_REF_SIZE])
{
	ref[0] = '\0';
	if (!has_content_role(actor))
		return CASE_FORBIDDEN;
	snprintf(input->source, sizeof input->source, "phone");
	int stored = submission_key ? report_submit_once_at(reporting, input, submission_key, now, receipt)
				    : report_submit_at(reporting, input, now, receipt);
	if (stored == 1)
		return CASE_REFUSED;
	if (stored != 0)
		return -1;
	/* stored: the receipt is the caller's only way back, so it is given even when what follows fails */
	if (ref_of_receipt(reporting, receipt, ref) != 0)
		return CASE_NOT_AUDITED;
	return record(reporting, actor->name, "case_intake_phone", ref, now);
}

/* ---------- history ---------- */

/* Entries that say the case was read, not changed: left out of the history. */
static const char *const reading_actions[] = {"case_opened", "case_notes_read"};

struct history_reader {
	json_t *list;
	bool failed;
};

static int read_history(void *ctx, const struct db_audit_entry *entry)
{
	struct history_reader *reader = ctx;
	if (IN_LIST(entry->action, reading_actions))
		return 0;
	json_t *item = json_pack("{s:I, s:I, s:s, s:s}", "seq", (json_int_t)entry->seq, "at", (json_int_t)entry->at,
				 "account", entry->account, "action", entry->action);
	if (!item || json_array_append_new(reader->list, item) != 0) {
		reader->failed = true;
		return 1;
	}
	return json_array_size(reader->list) >= CASE_HISTORY_CAP;
}

int case_history(struct reporting *reporting, const struct case_actor *actor, const char *ref, json_t **out)
{
	struct db_case row;
	*out = NULL;
	if (!has_content_role(actor))
		return CASE_FORBIDDEN;
	int status = load_case(reporting, ref, &row);
	if (status != CASE_OK)
		return status;
	struct history_reader reader = {.list = json_array()};
	if (!reader.list || db_audit_list_object(reporting->db, row.ref, read_history, &reader) != 0 || reader.failed) {
		json_decref(reader.list);
		return -1;
	}
	*out = reader.list;
	return CASE_OK;
}

/* ---------- retention and withdrawal ---------- */

int case_extend_retention(struct reporting *reporting, const struct case_actor *actor,
			  const unsigned char team_secret[CRYPT_KEY_BYTES], const char *ref, unsigned months,
			  const char *reason, int64_t now)
{
	struct db_case row, changed;
	if (!is_coordinator(actor))
		return CASE_FORBIDDEN;
	if (months < 1 || months > 120 || !text_acceptable(reason, CASE_REASON_MIN))
		return CASE_BAD_INPUT;
	int status = load_case(reporting, ref, &row);
	if (status != CASE_OK)
		return status;
	if (strcmp(row.status, "closed") != 0 || !row.destroy_day[0])
		return CASE_REFUSED;
	changed = row;
	if (case_add_months(row.destroy_day, (int)months, changed.destroy_day))
		return -1;
	struct db_case_change change = {.ref = row.ref, .expected_status = "closed", .row = &changed};
	status = store_note(reporting, team_secret, &change, "retention", actor->name, reason, now);
	return status == CASE_OK ? record(reporting, actor->name, "case_retention_extended", row.ref, now) : status;
}

/* Empties the write-ahead log; a reader in the way is waited for a few times. */
static int checkpoint(struct db *db)
{
	for (int attempt = 0; attempt < 5; attempt++) {
		int status = db_case_checkpoint(db);
		if (status != 1)
			return status;
	}
	return -1;
}

#define PURGE_BATCH 64

int case_purge(struct reporting *reporting, const char *actor_name, int64_t now, unsigned *destroyed)
{
	char today[DB_DAY_SIZE];
	char *refs = malloc(PURGE_BATCH * DB_REF_SIZE);
	bool unaudited = false;
	int status = -1;
	*destroyed = 0;
	if (!refs || !actor_name)
		goto done;
	case_day_of(now, today);
	for (;;) {
		size_t count = 0;
		unsigned before = *destroyed;
		if (db_case_due_for_destruction(reporting->db, today, refs, PURGE_BATCH, &count) != 0)
			goto done;
		for (size_t i = 0; i < count; i++) {
			const char *ref = refs + i * DB_REF_SIZE;
			/* only a case that is still closed: a coordinator may have reopened it since */
			int gone = db_case_destroy(reporting->db, ref, "destroyed", "closed");
			if (gone < 0)
				goto done;
			if (gone == 1)
				continue;
			++*destroyed;
			session_end_owner(reporting->sessions, ref);
			if (record(reporting, actor_name, "case_destroyed", ref, now) != CASE_OK)
				unaudited = true;
		}
		/* a batch that destroyed nothing would be listed again: stop */
		if (count < PURGE_BATCH || *destroyed == before)
			break;
	}
	if (*destroyed > 0 && checkpoint(reporting->db) != 0)
		goto done;
	status = unaudited ? CASE_NOT_AUDITED : 0;
done:
	free(refs);
	return status;
}

int case_withdraw(struct reporting *reporting, const char *typed_receipt, int64_t now)
{
	char canonical[CRYPT_RECEIPT_CHARS + 1], ref[DB_REF_SIZE];
	unsigned char lookup[CRYPT_KEY_BYTES], receipt_key[CRYPT_KEY_BYTES], report_key[CRYPT_KEY_BYTES];
	struct db_report row;
	if (!typed_receipt || !crypt_normalize_receipt(typed_receipt, canonical))
		return 1;
	crypt_keys_receipt_lookup(reporting_keys(reporting), canonical, lookup);
	int found = db_find_report(reporting->db, lookup, &row);
	if (found != 0) {
		crypt_wipe(canonical, sizeof canonical);
		return found == 1 ? 1 : -1;
	}
	/* the receipt itself must open the report key: a lookup match alone is not proof */
	bool proven = crypt_receipt_key(canonical, row.receipt_salt, receipt_key) == 0 &&
		      crypt_decrypt(receipt_key, "key", row.key_for_receipt, CRYPT_WRAPPED_KEY_BYTES, report_key) == 0;
	snprintf(ref, sizeof ref, "%s", row.ref);
	crypt_wipe(canonical, sizeof canonical);
	crypt_wipe(receipt_key, sizeof receipt_key);
	crypt_wipe(report_key, sizeof report_key);
	db_report_release(&row);
	if (!proven)
		return 1;
	int gone = db_case_destroy(reporting->db, ref, "withdrawn", NULL);
	if (gone != 0)
		return gone == 1 ? 1 : -1;
	session_end_owner(reporting->sessions, ref);
	if (checkpoint(reporting->db) != 0)
		return -1;
	/* nobody is known: the reporter is anonymous */
	return record(reporting, "-", "report_withdrawn", ref, now);
}
