#define _POSIX_C_SOURCE 200809L
#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "jsonkeys.h"
#include "utf8.h"


static const char *const text_fields[] = {"what", "who", "where", "when", "how"};
static const char *const relations[] = {"professional", "family", "neighbour", "colleague", "self", "other"};

__attribute__((format(printf, 4, 5))) static int reject(struct report_error *error, enum report_field field,
							  enum report_problem problem, const char *fmt, ...)
{
	error->field = field;
	error->problem = problem;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(error->message, sizeof error->message, fmt, ap);
	va_end(ap);
	return -1;
}

__attribute__((format(printf, 2, 3))) static int fail(char error[REPORT_ERROR_SIZE], const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(error, REPORT_ERROR_SIZE, fmt, ap);
	va_end(ap);
	return -1;
}

/* JSON builders that remember a failure (out of memory, text that is not
 * UTF-8): a report or an answer that lost a field must fail whole, never be
 * stored or shown shorter. `value` is taken over by set_new, borrowed by set. */
static void set_new(json_t *object, const char *key, json_t *value, bool *built)
{
	if (!object || json_object_set_new(object, key, value) != 0)
		*built = false;
}

static void set(json_t *object, const char *key, json_t *value, bool *built)
{
	if (!object || !value || json_object_set(object, key, value) != 0)
		*built = false;
}

static bool only_whitespace(const char *text)
{
	for (; *text; text++) {
		if (*text != ' ' && *text != '\t' && *text != '\n' && *text != '\r')
			return false;
	}
	return true;
}

/* Checks an optional string field; `*present` tells whether it had text. */
static int check_text(json_t *object, const char *key, const char *shown, enum report_field field, size_t cap,
		      bool *present, struct report_error *error)
{
	json_t *value = json_object_get(object, key);
	*present = false;
	if (!value || json_is_null(value))
		return 0;
	if (!json_is_string(value))
		return reject(error, field, REPORT_PROBLEM_INVALID, "field \"%s\": must be a string", shown);
	if (json_string_length(value) > cap)
		return reject(error, field, REPORT_PROBLEM_TOO_LONG, "field \"%s\": longer than %zu bytes", shown, cap);
	if (strlen(json_string_value(value)) != json_string_length(value))
		return reject(error, field, REPORT_PROBLEM_INVALID, "field \"%s\": contains a NUL character", shown);
	*present = !only_whitespace(json_string_value(value));
	return 0;
}

static int check_keys(json_t *object, const char *const *allowed, const char *where, enum report_field field,
		      struct report_error *error)
{
	const char *unknown = json_unknown_key(object, allowed);
	return unknown ? reject(error, field, REPORT_PROBLEM_INVALID, "unknown field \"%s%.40s\"", where, unknown) : 0;
}

static bool plausible_phone(const char *text)
{
	size_t digits = 0;
	for (const char *p = text; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (!strchr(" +-()", *p))
			return false;
	}
	return digits >= 6 && digits <= 20;
}

static bool plausible_email(const char *text)
{
	const char *at = strchr(text, '@');
	return at && at != text && strchr(at + 1, '.') && !strchr(text, ' ') && !strchr(at + 1, '@');
}

int report_input_from_json(const struct kb *kb, const char *text, size_t len, struct report_input *out,
			   char error[REPORT_ERROR_SIZE])
{
	struct report_error typed;
	int status = report_input_check(kb, text, len, out, &typed);
	if (status)
		snprintf(error, REPORT_ERROR_SIZE, "%s", typed.message);
	return status;
}

int report_input_check(const struct kb *kb, const char *text, size_t len, struct report_input *out,
		       struct report_error *error)
{
	static const char *const allowed[] = {"kind", "what", "who", "where", "when", "how", "forms", "signals",
					      "relation", "contact", NULL};
	static const char *const contact_allowed[] = {"name", "phone", "email", NULL};
	memset(out, 0, sizeof *out);
	json_error_t json_error;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &json_error);
	if (!root)
		return reject(error, REPORT_FIELD_NONE, REPORT_PROBLEM_INVALID, "not valid JSON (line %d, column %d): %s", json_error.line, json_error.column,
			      json_error.text);
	int status = -1;
	bool built = true;
	if (!json_is_object(root)) {
		reject(error, REPORT_FIELD_NONE, REPORT_PROBLEM_INVALID, "the input must be a JSON object");
		goto done;
	}
	if (check_keys(root, allowed, "", REPORT_FIELD_NONE, error))
		goto done;
	json_t *kind = json_object_get(root, "kind");
	if (kind && (!json_is_string(kind) || (strcmp(json_string_value(kind), "report") != 0 &&
					       strcmp(json_string_value(kind), "consultation") != 0))) {
		reject(error, REPORT_FIELD_KIND, REPORT_PROBLEM_INVALID, "field \"kind\": must be \"report\" or \"consultation\"");
		goto done;
	}
	out->fields = json_object();
	set_new(out->fields, "kind", json_string(kind ? json_string_value(kind) : "report"), &built);
	for (size_t i = 0; i < sizeof text_fields / sizeof *text_fields; i++) {
		bool present;
		if (check_text(root, text_fields[i], text_fields[i], (enum report_field)(REPORT_FIELD_WHAT + i),
			       i == 0 ? REPORT_WHAT_CAP : REPORT_FIELD_CAP, &present, error))
			goto done;
		if (i == 0 && !present) {
			reject(error, REPORT_FIELD_WHAT, REPORT_PROBLEM_MISSING, "field \"what\": is required: describe what happened");
			goto done;
		}
		if (present)
			set(out->fields, text_fields[i], json_object_get(root, text_fields[i]), &built);
	}
	json_t *relation = json_object_get(root, "relation");
	if (relation && !json_is_null(relation)) {
		bool known = false;
		for (size_t i = 0; json_is_string(relation) && i < sizeof relations / sizeof *relations; i++)
			known = known || strcmp(relations[i], json_string_value(relation)) == 0;
		if (!known) {
			reject(error, REPORT_FIELD_RELATION, REPORT_PROBLEM_INVALID, "field \"relation\": must be professional, family, neighbour, colleague, self or other");
			goto done;
		}
		set(out->fields, "relation", relation, &built);
	}
	/* forms and signals: the same rules as a situation */
	json_t *situation_part = json_object();
	if (json_object_get(root, "forms"))
		set(situation_part, "forms", json_object_get(root, "forms"), &built);
	if (json_object_get(root, "signals"))
		set(situation_part, "signals", json_object_get(root, "signals"), &built);
	/* a part that was not copied whole must not be read as a shorter list */
	struct situation *situation = malloc(sizeof *situation);
	char situation_error[SITUATION_ERROR_SIZE];
	if (!built || !situation || situation_from_object(kb, situation_part, situation, situation_error)) {
		if (built && situation)
			reject(error, REPORT_FIELD_FORMS_OR_SIGNALS, REPORT_PROBLEM_INVALID, "%s", situation_error);
		else
			reject(error, REPORT_FIELD_NONE, REPORT_PROBLEM_NO_MEMORY, "out of memory");
		json_decref(situation_part);
		free(situation);
		goto done;
	}
	json_decref(situation_part);
	out->forms = situation->forms | (situation->form_unknown ? 8u : 0u);
	out->signal_count = situation->signal_count;
	memcpy(out->signals, situation->signals, situation->signal_count * sizeof *out->signals);
	free(situation);

	json_t *contact = json_object_get(root, "contact");
	if (contact && !json_is_null(contact)) {
		if (!json_is_object(contact)) {
			reject(error, REPORT_FIELD_CONTACT, REPORT_PROBLEM_INVALID, "field \"contact\": must be an object with name, phone and/or email");
			goto done;
		}
		if (check_keys(contact, contact_allowed, "contact.", REPORT_FIELD_CONTACT, error))
			goto done;
		bool name, phone, email;
		if (check_text(contact, "name", "contact.name", REPORT_FIELD_CONTACT_NAME, REPORT_CONTACT_CAP, &name, error) ||
		    check_text(contact, "phone", "contact.phone", REPORT_FIELD_CONTACT_PHONE, REPORT_CONTACT_CAP, &phone,
			       error) ||
		    check_text(contact, "email", "contact.email", REPORT_FIELD_CONTACT_EMAIL, REPORT_CONTACT_CAP, &email,
			       error))
			goto done;
		if (phone && !plausible_phone(json_string_value(json_object_get(contact, "phone")))) {
			reject(error, REPORT_FIELD_CONTACT_PHONE, REPORT_PROBLEM_NOT_A_PHONE, "field \"contact.phone\": not a phone number (digits, spaces, +, - and brackets)");
			goto done;
		}
		if (email && !plausible_email(json_string_value(json_object_get(contact, "email")))) {
			reject(error, REPORT_FIELD_CONTACT_EMAIL, REPORT_PROBLEM_NOT_AN_EMAIL, "field \"contact.email\": not an e-mail address");
			goto done;
		}
		if ((name || phone || email) && !phone && !email) {
			reject(error, REPORT_FIELD_CONTACT, REPORT_PROBLEM_NO_WAY_BACK, "field \"contact\": give a phone number or e-mail address to be contacted");
			goto done;
		}
		if (name || phone || email) {
			json_t *kept = json_object();
			if (name)
				set(kept, "name", json_object_get(contact, "name"), &built);
			if (phone)
				set(kept, "phone", json_object_get(contact, "phone"), &built);
			if (email)
				set(kept, "email", json_object_get(contact, "email"), &built);
			set_new(out->fields, "contact", kept, &built);
		}
	}
	if (!built) {
		reject(error, REPORT_FIELD_NONE, REPORT_PROBLEM_NO_MEMORY, "out of memory");
		goto done;
	}
	status = 0;
done:
	json_decref(root);
	if (status)
		report_input_release(out);
	return status;
}

void report_input_release(struct report_input *input)
{
	json_decref(input->fields);
	memset(input, 0, sizeof *input);
}

int reporting_initialise(const char *db_url, const char *key_path, char recovery[CRYPT_RECOVERY_TEXT_SIZE],
			 char error[REPORT_ERROR_SIZE])
{
	struct db *db;
	char db_error[DB_ERROR_SIZE], key_error[CRYPT_ERROR_SIZE];
	struct crypt_team team;
	if (db_open(&db, db_url, true, db_error)) /* a failed open removes what it made */
		return fail(error, "database: %s", db_error);
	int initialised = db_is_initialised(db);
	if (initialised == 1) {
		db_close(db);
		snprintf(error, REPORT_ERROR_SIZE, "%.200s is already initialised; nothing was changed", db_url);
		return 1;
	}
	if (initialised != 0) {
		db_close_and_remove_if_new(db);
		return fail(error, "database: %.200s cannot be read", db_url);
	}
	if (crypt_key_file_create(key_path, key_error)) {
		db_close_and_remove_if_new(db);
		return fail(error, "server key file: %s", key_error);
	}
	if (crypt_new_team(&team, recovery)) {
		fail(error, "the team keys cannot be made");
		goto undo;
	}
	if (db_initialise(db, &team, db_error)) {
		fail(error, "%s", db_error);
		goto undo;
	}
	db_close(db);
	return 0;
undo:
	crypt_wipe(recovery, CRYPT_RECOVERY_TEXT_SIZE);
	crypt_key_file_remove(key_path);
	db_close_and_remove_if_new(db);
	return -1;
}

int reporting_open(struct reporting *reporting, const struct kb *kb, struct db *db, const char *key_path,
		   char error[REPORT_ERROR_SIZE])
{
	memset(reporting, 0, sizeof *reporting);
	reporting->kb = kb;
	reporting->db = db;
	if (db_is_initialised(db) != 1)
		return fail(error, "the database is not initialised: run 'meldwijzer init --db URL' first");
	char db_error[DB_ERROR_SIZE];
	if (db_upgrade(db, db_error))
		return fail(error, "%s", db_error);
	if (db_load_team(db, &reporting->team))
		return fail(error, "the database has no team keys");
	char key_error[CRYPT_ERROR_SIZE];
	if (crypt_keys_load(&reporting->keys, key_path, key_error))
		return fail(error, "%s", key_error);
	/* follow-up sessions: token -> report, with the report key as payload */
	static const struct session_limits limits = {
		.capacity = REPORT_MAX_SESSIONS,
		.per_owner = REPORT_SESSIONS_PER_REPORT,
		.lifetime_seconds = REPORT_SESSION_SECONDS,
	};
	if (session_table_new(&reporting->sessions, &limits)) {
		crypt_keys_free(reporting->keys);
		memset(reporting, 0, sizeof *reporting);
		return fail(error, "out of memory for the sessions");
	}
	return 0;
}

void reporting_close(struct reporting *reporting)
{
	if (!reporting->keys)
		return;
	session_table_free(reporting->sessions);
	crypt_keys_free(reporting->keys);
	memset(reporting, 0, sizeof *reporting);
}

const struct crypt_keys *reporting_keys(const struct reporting *reporting)
{
	return reporting->keys;
}

/* The day (UTC) for a row: the only time a report or message keeps. */
static void day_of(int64_t now, char out[DB_DAY_SIZE])
{
	time_t seconds = (time_t)now;
	struct tm utc;
	if (!gmtime_r(&seconds, &utc) || strftime(out, DB_DAY_SIZE, "%Y-%m-%d", &utc) != DB_DAY_SIZE - 1)
		snprintf(out, DB_DAY_SIZE, "1970-01-01");
}

static void join_ids(const struct report_input *input, const struct kb *kb, char *forms, size_t forms_size,
		     char *signals, size_t signals_size)
{
	static const char *const form_names[] = {"sexual", "labour", "criminal", "unknown"};
	size_t used = 0;
	forms[0] = '\0';
	for (int f = 0; f < 4; f++) {
		if (input->forms & (1u << f))
			used += (size_t)snprintf(forms + used, forms_size - used, "%s%s", used ? "," : "", form_names[f]);
	}
	used = 0;
	signals[0] = '\0';
	for (size_t i = 0; i < input->signal_count && used < signals_size; i++)
		used += (size_t)snprintf(signals + used, signals_size - used, "%s%s", i ? "," : "",
					 kb->signals[input->signals[i]].id);
}

/* The plain text of a report on its way to encryption: one malloc'ed buffer
 * that jansson writes into piece by piece (json_dump_callback), so the text
 * is not built in jansson's own doubling buffer and then copied twice more
 * (json_dumps' result, then the padded copy). Grown without realloc: the old
 * bytes are wiped before they are freed. */
struct plain_text {
	char *data;
	size_t len, cap;
};

static int grow_plain(struct plain_text *plain, size_t cap)
{
	char *grown = malloc(cap);
	if (!grown)
		return -1;
	if (plain->len)
		memcpy(grown, plain->data, plain->len);
	if (plain->data)
		crypt_wipe(plain->data, plain->cap);
	free(plain->data);
	plain->data = grown;
	plain->cap = cap;
	return 0;
}

static int add_plain(const char *text, size_t len, void *data)
{
	struct plain_text *plain = data;
	if (len > plain->cap - plain->len) {
		size_t cap = plain->cap;
		while (cap - plain->len < len) {
			if (cap > SIZE_MAX / 2)
				return -1;
			cap *= 2;
		}
		if (grow_plain(plain, cap))
			return -1;
	}
	memcpy(plain->data + plain->len, text, len);
	plain->len += len;
	return 0;
}

/* The report's JSON, padded with spaces to its size class (crypt_padded_size):
 * whitespace after a JSON value is still valid JSON, so reports stored before
 * padding and after it are read the same way. */
static int encrypt_json(const unsigned char key[CRYPT_KEY_BYTES], const char *context, json_t *value,
			unsigned char **box, size_t *box_len)
{
	/* a typical report fits its first size class above the minimum */
	struct plain_text plain = {0};
	*box = NULL;
	int status = -1;
	if (grow_plain(&plain, 2 * CRYPT_PAD_MIN) == 0 &&
	    json_dump_callback(value, add_plain, &plain, JSON_COMPACT) == 0) {
		size_t padded = crypt_padded_size(plain.len);
		if (padded <= plain.cap || grow_plain(&plain, padded) == 0) {
			memset(plain.data + plain.len, ' ', padded - plain.len);
			*box = malloc(padded + CRYPT_OVERHEAD);
			if (*box) {
				status = crypt_encrypt(key, context, plain.data, padded, *box);
				*box_len = padded + CRYPT_OVERHEAD;
			}
		}
	}
	if (plain.data)
		crypt_wipe(plain.data, plain.cap);
	free(plain.data);
	return status;
}

/* Both submissions: `submission_key` NULL for the API, else the HTML form's
 * single-use key (0 stored, 1 sent before, -1 error). */
static int submit(struct reporting *reporting, const struct report_input *input, const char *submission_key,
		  int64_t now, char receipt[CRYPT_RECEIPT_TEXT_SIZE])
{
	struct db_report row;
	unsigned char report_key[CRYPT_KEY_BYTES], receipt_key[CRYPT_KEY_BYTES];
	char canonical[CRYPT_RECEIPT_CHARS + 1], context[64];
	int status = -1;
	memset(&row, 0, sizeof row);
	if (submission_key) {
		row.has_submission_key = true;
		crypt_keys_submission_hash(reporting->keys, submission_key, row.submission_key);
	}
	crypt_random_id(row.ref, (DB_REF_SIZE - 1) / 2);
	snprintf(row.kind, sizeof row.kind, "%s", json_string_value(json_object_get(input->fields, "kind")));
	snprintf(row.source, sizeof row.source, "%s", input->source);
	join_ids(input, reporting->kb, row.forms, sizeof row.forms, row.signals, sizeof row.signals);
	day_of(now, row.created_day);
	crypt_new_receipt(receipt);
	if (!crypt_normalize_receipt(receipt, canonical))
		goto done;
	crypt_keys_receipt_lookup(reporting->keys, canonical, row.receipt_lookup);
	crypt_random(row.receipt_salt, sizeof row.receipt_salt);
	crypt_random(report_key, sizeof report_key);
	snprintf(context, sizeof context, "report:%s:content", row.ref);
	if (crypt_receipt_key(canonical, row.receipt_salt, receipt_key) ||
	    crypt_encrypt(receipt_key, "key", report_key, CRYPT_KEY_BYTES, row.key_for_receipt) ||
	    encrypt_json(report_key, context, input->fields, &row.content, &row.content_len))
		goto done;
	/* sealed to the team by the commit that stores it, with its batch */
	row.key_to_seal = report_key;
	row.team_public = reporting->team.public_key;
	status = db_insert_report(reporting->db, &row);
	row.key_to_seal = NULL;
done:
	crypt_wipe(report_key, sizeof report_key);
	crypt_wipe(receipt_key, sizeof receipt_key);
	crypt_wipe(canonical, sizeof canonical);
	db_report_release(&row);
	if (status)
		crypt_wipe(receipt, CRYPT_RECEIPT_TEXT_SIZE);
	return status;
}

int report_submit_at(struct reporting *reporting, const struct report_input *input, int64_t now,
		     char receipt[CRYPT_RECEIPT_TEXT_SIZE])
{
	return submit(reporting, input, NULL, now, receipt) == 0 ? 0 : -1;
}

int report_submit_once_at(struct reporting *reporting, const struct report_input *input, const char *submission_key,
			  int64_t now, char receipt[CRYPT_RECEIPT_TEXT_SIZE])
{
	return submit(reporting, input, submission_key, now, receipt);
}

int report_login_at(struct reporting *reporting, const char *typed_receipt, int64_t now,
		    char token[REPORT_TOKEN_SIZE])
{
	char canonical[CRYPT_RECEIPT_CHARS + 1];
	unsigned char lookup[CRYPT_KEY_BYTES], receipt_key[CRYPT_KEY_BYTES], report_key[CRYPT_KEY_BYTES];
	struct db_report row;
	if (!crypt_normalize_receipt(typed_receipt, canonical))
		return 1;
	crypt_keys_receipt_lookup(reporting->keys, canonical, lookup);
	int found = db_find_report(reporting->db, lookup, &row);
	if (found != 0) {
		crypt_wipe(canonical, sizeof canonical);
		return found == 1 ? 1 : -1;
	}
	int status = -1;
	/* the session holds the report key (session.c: guarded memory, wiped at the end),
	 * so the receipt itself is never kept */
	if (crypt_receipt_key(canonical, row.receipt_salt, receipt_key) == 0 &&
	    crypt_decrypt(receipt_key, "key", row.key_for_receipt, CRYPT_WRAPPED_KEY_BYTES, report_key) == 0 &&
	    session_open(reporting->sessions, row.ref, report_key, sizeof report_key, now, token) == 0)
		status = 0;
	crypt_wipe(canonical, sizeof canonical);
	crypt_wipe(receipt_key, sizeof receipt_key);
	crypt_wipe(report_key, sizeof report_key);
	db_report_release(&row);
	return status;
}

bool report_logout(struct reporting *reporting, const char *token)
{
	return session_end(reporting->sessions, token);
}

/* Copies the session's report ref and key; false when the token is unknown or expired. */
static bool find_session(struct reporting *reporting, const char *token, int64_t now, char ref[DB_REF_SIZE],
			 unsigned char key[CRYPT_KEY_BYTES])
{
	char owner[SESSION_OWNER_SIZE];
	if (session_find(reporting->sessions, token, now, owner, key, CRYPT_KEY_BYTES) != 0)
		return false;
	/* the owner is a reference this module stored: it fits */
	memcpy(ref, owner, DB_REF_SIZE - 1);
	ref[DB_REF_SIZE - 1] = '\0';
	return true;
}

/* A message body as a JSON string: a body that is not UTF-8 text (stored
 * before bodies were checked) is shown with U+FFFD for the bad bytes, and
 * marked, rather than dropped from the list. */
static json_t *message_body(const char *text, size_t len, bool *damaged)
{
	*damaged = !utf8_is_text(text, len);
	if (!*damaged)
		return json_stringn(text, len);
	char *repaired = malloc(3 * len + 1);
	if (!repaired)
		return NULL;
	bool replaced = false;
	size_t o = utf8_repair(text, len, repaired, &replaced);
	json_t *body = json_stringn(repaired, o);
	crypt_wipe(repaired, o);
	free(repaired);
	return body;
}

/* A message's associated data: the report, its number in the report and its
 * sender, so that a box cannot be moved to another report, to another place
 * in the conversation, or relabelled as the other side's, by anyone who can
 * write the database but lacks the report key. Messages stored before schema
 * version 2 (seq 0) were bound to the report only. */
static void message_context(const char *ref, unsigned seq, const char *sender, char *out, size_t size)
{
	if (seq == 0)
		snprintf(out, size, "report:%s:message", ref);
	else
		snprintf(out, size, "report:%s:message:%u:%s", ref, seq, sender);
}

struct message_reader {
	const unsigned char *key;
	const char *ref;
	json_t *list;
	unsigned position; /* messages read so far */
	bool numbered_seen;
	int status;
};

static void read_message(void *ctx, const struct db_message *message)
{
	struct message_reader *reader = ctx;
	char context[128];
	if (reader->status)
		return;
	reader->position++;
	/* numbered messages follow the old ones without a gap: a missing, repeated or
	 * moved message is an error, never skipped */
	if ((message->seq == 0 && reader->numbered_seen) || (message->seq != 0 && message->seq != reader->position)) {
		reader->status = -1;
		return;
	}
	reader->numbered_seen = reader->numbered_seen || message->seq != 0;
	message_context(reader->ref, message->seq, message->sender, context, sizeof context);
	char *plain = message->box_len >= CRYPT_OVERHEAD ? malloc(message->box_len - CRYPT_OVERHEAD + 1) : NULL;
	size_t len = message->box_len - CRYPT_OVERHEAD;
	if (!plain || crypt_decrypt(reader->key, context, message->box, message->box_len, plain) ||
	    (message->seq != 0 && crypt_unpad((unsigned char *)plain, len, &len))) {
		reader->status = -1;
		if (plain)
			crypt_wipe(plain, message->box_len - CRYPT_OVERHEAD);
		free(plain);
		return;
	}
	plain[len] = '\0';
	bool damaged = false;
	json_t *body = message_body(plain, len, &damaged);
	json_t *entry = body ? json_pack("{s:s, s:s, s:o}", "from", message->sender, "day", message->created_day, "body",
					 body)
			     : NULL;
	bool built = entry != NULL;
	if (entry && damaged)
		set_new(entry, "damaged", json_true(), &built);
	/* a message that could not be built fails the read: never a shorter
	 * conversation (json_array_append_new takes `entry` over, also when it fails) */
	if (!built) {
		json_decref(entry);
		reader->status = -1;
	} else if (json_array_append_new(reader->list, entry) != 0) {
		reader->status = -1;
	}
	crypt_wipe(plain, message->box_len - CRYPT_OVERHEAD);
	free(plain);
}

/* The decrypted report with its messages; `for_team` adds the contact details. */
static int read_report(struct reporting *reporting, const char *ref, const unsigned char key[CRYPT_KEY_BYTES],
		       bool for_team, json_t **out)
{
	struct db_report row;
	if (db_get_report(reporting->db, ref, &row) != 0)
		return -1;
	char context[64];
	snprintf(context, sizeof context, "report:%s:content", row.ref);
	char *plain = malloc(row.content_len + 1);
	int status = -1;
	json_t *fields = NULL;
	if (plain && row.content_len >= CRYPT_OVERHEAD &&
	    crypt_decrypt(key, context, row.content, row.content_len, plain) == 0) {
		size_t len = row.content_len - CRYPT_OVERHEAD;
		fields = json_loadb(plain, len, 0, NULL);
		crypt_wipe(plain, len);
	}
	free(plain);
	if (fields) {
		bool built = json_is_object(fields);
		json_t *contact = json_object_get(fields, "contact");
		set_new(fields, "contact_given", json_boolean(contact != NULL), &built);
		if (!for_team && contact && json_object_del(fields, "contact") != 0)
			built = false; /* not shown back: a leaked receipt must not reveal who reported */
		set_new(fields, "ref", json_string(row.ref), &built);
		set_new(fields, "status", json_string(row.status), &built);
		set_new(fields, "day", json_string(row.created_day), &built);
		set_new(fields, "forms", json_string(row.forms), &built);
		set_new(fields, "signals", json_string(row.signals), &built);
		struct message_reader reader = {.key = key, .ref = row.ref, .list = json_array()};
		if (built && reader.list && db_list_messages(reporting->db, row.ref, read_message, &reader) == 0 &&
		    reader.status == 0) {
			set_new(fields, "messages", reader.list, &built);
			reader.list = NULL; /* taken over, also when that failed */
		}
		json_decref(reader.list);
		if (built && json_object_get(fields, "messages")) {
			*out = fields;
			status = 0;
		} else {
			json_decref(fields);
		}
	}
	db_report_release(&row);
	return status;
}

/* Marks the advice point's messages the reporter has not been shown before
 * ("new": true on each, "new_answers": true on the report) and stores that
 * they have been shown now (db_case_reporter_seen: the highest number shown,
 * never lowered). A message's number is its place in the conversation, which
 * is its seq for every message stored since schema version 2. When the
 * database cannot say or store it (no case row, a backend without case
 * work), nothing is marked: the reporter still reads every message, and a
 * follow-up never fails over a mark. */
static void mark_new_answers(struct reporting *reporting, const char *ref, json_t *report)
{
	json_t *messages = json_object_get(report, "messages");
	size_t shown = json_array_size(messages);
	unsigned previous = 0;
	bool any = false;
	if (shown == 0 || db_case_reporter_seen(reporting->db, ref, (unsigned)shown, &previous) != 0)
		return;
	for (size_t i = previous; i < shown; i++) {
		json_t *message = json_array_get(messages, i);
		const char *from = json_string_value(json_object_get(message, "from"));
		if (from && strcmp(from, "advice_point") == 0 &&
		    json_object_set_new(message, "new", json_true()) == 0)
			any = true;
	}
	if (any)
		json_object_set_new(report, "new_answers", json_true());
}

int report_followup_at(struct reporting *reporting, const char *token, int64_t now, json_t **out)
{
	char ref[DB_REF_SIZE];
	unsigned char key[CRYPT_KEY_BYTES];
	if (!find_session(reporting, token, now, ref, key))
		return 1;
	int status = read_report(reporting, ref, key, false, out);
	crypt_wipe(key, sizeof key);
	if (status == 0)
		mark_new_answers(reporting, ref, *out);
	return status;
}

/* Encrypts the message as the report's next one and stores it; a writer that
 * took the number first makes it encrypt again with the next one. 0, 2 too
 * many messages, 3 not UTF-8 text (nothing stored), -1 on error. */
static int add_message(struct reporting *reporting, const char *ref, const unsigned char key[CRYPT_KEY_BYTES],
		       const char *sender, const char *body, const char *new_status, int64_t now)
{
	size_t len = strlen(body);
	/* both the reporter's page and the staff's JSON show it as text: what
	 * cannot be shown there is refused here, not stored unreadable */
	if (!utf8_is_text(body, len))
		return 3;
	size_t padded = crypt_padded_size(len);
	unsigned char *plain = malloc(padded), *box = malloc(padded + CRYPT_OVERHEAD);
	char context[128];
	int status = -1;
	if (!plain || !box)
		goto done;
	memcpy(plain, body, len);
	if (crypt_pad(plain, len, padded))
		goto done;
	for (int attempt = 0; attempt < 8; attempt++) {
		long count = db_count_messages(reporting->db, ref);
		if (count < 0)
			break;
		if (count >= REPORT_MESSAGES_PER_REPORT) {
			status = 2;
			break;
		}
		unsigned seq = (unsigned)count + 1;
		message_context(ref, seq, sender, context, sizeof context);
		if (crypt_encrypt(key, context, plain, padded, box))
			break;
		char day[DB_DAY_SIZE];
		day_of(now, day);
		struct db_new_message message = {
			.sender = sender, .day = day, .seq = seq, .box = box, .box_len = padded + CRYPT_OVERHEAD};
		/* an answer sets the report's status in the same transaction */
		int added = new_status ? db_answer_report(reporting->db, ref, &message, REPORT_MESSAGES_PER_REPORT, new_status)
				       : db_add_message(reporting->db, ref, &message, REPORT_MESSAGES_PER_REPORT);
		if (added != 2) {
			status = added == 1 ? 2 : added;
			break;
		}
	}
done:
	if (plain)
		crypt_wipe(plain, padded);
	free(plain);
	free(box);
	return status;
}

int report_reply_at(struct reporting *reporting, const char *token, const char *body, int64_t now)
{
	char ref[DB_REF_SIZE];
	unsigned char key[CRYPT_KEY_BYTES];
	if (!find_session(reporting, token, now, ref, key))
		return 1;
	int status = add_message(reporting, ref, key, "reporter", body, NULL, now);
	crypt_wipe(key, sizeof key);
	return status;
}

static int open_as_team(struct reporting *reporting, const unsigned char team_secret[CRYPT_KEY_BYTES], const char *ref,
			unsigned char key[CRYPT_KEY_BYTES])
{
	struct db_report row;
	if (db_get_report(reporting->db, ref, &row) != 0)
		return -1;
	int status = crypt_open_sealed(reporting->team.public_key, team_secret, row.key_for_team, row.ref, key);
	db_report_release(&row);
	return status;
}

int report_read_as_team(struct reporting *reporting, const unsigned char team_secret[CRYPT_KEY_BYTES], const char *ref,
			json_t **out)
{
	unsigned char key[CRYPT_KEY_BYTES];
	if (open_as_team(reporting, team_secret, ref, key))
		return -1;
	int status = read_report(reporting, ref, key, true, out);
	crypt_wipe(key, sizeof key);
	return status;
}

int report_answer_as_team(struct reporting *reporting, const unsigned char team_secret[CRYPT_KEY_BYTES], const char *ref,
			  const char *body, int64_t now)
{
	unsigned char key[CRYPT_KEY_BYTES];
	if (open_as_team(reporting, team_secret, ref, key))
		return -1;
	int status = add_message(reporting, ref, key, "advice_point", body, "in_progress", now);
	crypt_wipe(key, sizeof key);
	return status;
}

json_t *report_health(struct reporting *reporting, bool *healthy)
{
	struct db_storage storage;
	/* -1: the free space is unknown; the outcome of the last write still counts */
	db_storage_state(reporting->db, &storage);
	*healthy = storage.ok;
	/* the free space itself is not shown: outsiders need not know how full the disk is */
	return json_pack("{s:s, s:s}", "status", storage.ok ? "ok" : "unavailable", "storage",
			 storage.ok ? "ok" : storage.problem);
}

static int add_to_buffer(const char *text, size_t len, void *data)
{
	return crypt_buffer_add(data, text, len);
}

int report_json_to_buffer(const json_t *value, size_t flags, struct crypt_buffer *out)
{
	/* jansson hands the text over in pieces: no whole copy is made outside `out` */
	if (json_dump_callback(value, add_to_buffer, out, flags) != 0 || crypt_buffer_add(out, "", 0) != 0)
		return -1;
	return 0;
}

/* free() that wipes first. malloc_usable_size() gives the size without a
 * header of our own, so memory that jansson got before this was set (or that
 * a caller frees with plain free()) stays compatible. */
static void wiping_free(void *memory)
{
	if (!memory)
		return;
	crypt_wipe(memory, malloc_usable_size(memory));
	free(memory);
}

void report_json_wipes_on_free(void)
{
	json_set_alloc_funcs(malloc, wiping_free);
}

int report_answer_as_team_with_status(struct reporting *reporting, const unsigned char team_secret[CRYPT_KEY_BYTES],
				      const char *ref, const char *body, const char *new_status, int64_t now)
{
	unsigned char key[CRYPT_KEY_BYTES];
	if (!new_status || open_as_team(reporting, team_secret, ref, key))
		return -1;
	int status = add_message(reporting, ref, key, "advice_point", body, new_status, now);
	crypt_wipe(key, sizeof key);
	return status;
}
