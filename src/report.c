#define _POSIX_C_SOURCE 200809L
#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "jsonkeys.h"

#define SESSION_SECONDS (30 * 60)

static const char *const text_fields[] = {"what", "who", "where", "when", "how"};
static const char *const relations[] = {"professional", "family", "neighbour", "colleague", "self", "other"};

__attribute__((format(printf, 2, 3))) static int reject(char error[REPORT_ERROR_SIZE], const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(error, REPORT_ERROR_SIZE, fmt, ap);
	va_end(ap);
	return -1;
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
static int check_text(json_t *object, const char *key, const char *shown, size_t cap, bool *present,
		      char error[REPORT_ERROR_SIZE])
{
	json_t *value = json_object_get(object, key);
	*present = false;
	if (!value || json_is_null(value))
		return 0;
	if (!json_is_string(value))
		return reject(error, "field \"%s\": must be a string", shown);
	if (json_string_length(value) > cap)
		return reject(error, "field \"%s\": longer than %zu bytes", shown, cap);
	if (strlen(json_string_value(value)) != json_string_length(value))
		return reject(error, "field \"%s\": contains a NUL character", shown);
	*present = !only_whitespace(json_string_value(value));
	return 0;
}

static int check_keys(json_t *object, const char *const *allowed, const char *where, char error[REPORT_ERROR_SIZE])
{
	const char *unknown = json_unknown_key(object, allowed);
	return unknown ? reject(error, "unknown field \"%s%.40s\"", where, unknown) : 0;
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
	static const char *const allowed[] = {"kind", "what", "who", "where", "when", "how", "forms", "signals",
					      "relation", "contact", NULL};
	static const char *const contact_allowed[] = {"name", "phone", "email", NULL};
	memset(out, 0, sizeof *out);
	json_error_t json_error;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &json_error);
	if (!root)
		return reject(error, "not valid JSON (line %d, column %d): %s", json_error.line, json_error.column,
			      json_error.text);
	int status = -1;
	if (!json_is_object(root)) {
		reject(error, "the input must be a JSON object");
		goto done;
	}
	if (check_keys(root, allowed, "", error))
		goto done;
	json_t *kind = json_object_get(root, "kind");
	if (kind && (!json_is_string(kind) || (strcmp(json_string_value(kind), "report") != 0 &&
					       strcmp(json_string_value(kind), "consultation") != 0))) {
		reject(error, "field \"kind\": must be \"report\" or \"consultation\"");
		goto done;
	}
	out->fields = json_object();
	json_object_set_new(out->fields, "kind", json_string(kind ? json_string_value(kind) : "report"));
	for (size_t i = 0; i < sizeof text_fields / sizeof *text_fields; i++) {
		bool present;
		if (check_text(root, text_fields[i], text_fields[i], i == 0 ? REPORT_WHAT_CAP : REPORT_FIELD_CAP, &present,
			       error))
			goto done;
		if (i == 0 && !present) {
			reject(error, "field \"what\": is required: describe what happened");
			goto done;
		}
		if (present)
			json_object_set(out->fields, text_fields[i], json_object_get(root, text_fields[i]));
	}
	json_t *relation = json_object_get(root, "relation");
	if (relation && !json_is_null(relation)) {
		bool known = false;
		for (size_t i = 0; json_is_string(relation) && i < sizeof relations / sizeof *relations; i++)
			known = known || strcmp(relations[i], json_string_value(relation)) == 0;
		if (!known) {
			reject(error, "field \"relation\": must be professional, family, neighbour, colleague, self or other");
			goto done;
		}
		json_object_set(out->fields, "relation", relation);
	}
	/* forms and signals: the same rules as a situation */
	json_t *situation_part = json_object();
	if (json_object_get(root, "forms"))
		json_object_set(situation_part, "forms", json_object_get(root, "forms"));
	if (json_object_get(root, "signals"))
		json_object_set(situation_part, "signals", json_object_get(root, "signals"));
	char *situation_text = json_dumps(situation_part, JSON_COMPACT);
	json_decref(situation_part);
	struct situation *situation = malloc(sizeof *situation);
	char situation_error[SITUATION_ERROR_SIZE];
	if (!situation_text || !situation ||
	    situation_from_json(kb, situation_text, strlen(situation_text), situation, situation_error)) {
		if (situation_text && situation)
			reject(error, "%s", situation_error);
		else
			reject(error, "out of memory");
		free(situation_text);
		free(situation);
		goto done;
	}
	free(situation_text);
	out->forms = situation->forms | (situation->form_unknown ? 8u : 0u);
	out->signal_count = situation->signal_count;
	memcpy(out->signals, situation->signals, situation->signal_count * sizeof *out->signals);
	free(situation);

	json_t *contact = json_object_get(root, "contact");
	if (contact && !json_is_null(contact)) {
		if (!json_is_object(contact)) {
			reject(error, "field \"contact\": must be an object with name, phone and/or email");
			goto done;
		}
		if (check_keys(contact, contact_allowed, "contact.", error))
			goto done;
		bool name, phone, email;
		if (check_text(contact, "name", "contact.name", REPORT_CONTACT_CAP, &name, error) ||
		    check_text(contact, "phone", "contact.phone", REPORT_CONTACT_CAP, &phone, error) ||
		    check_text(contact, "email", "contact.email", REPORT_CONTACT_CAP, &email, error))
			goto done;
		if (phone && !plausible_phone(json_string_value(json_object_get(contact, "phone")))) {
			reject(error, "field \"contact.phone\": not a phone number (digits, spaces, +, - and brackets)");
			goto done;
		}
		if (email && !plausible_email(json_string_value(json_object_get(contact, "email")))) {
			reject(error, "field \"contact.email\": not an e-mail address");
			goto done;
		}
		if ((name || phone || email) && !phone && !email) {
			reject(error, "field \"contact\": give a phone number or e-mail address to be contacted");
			goto done;
		}
		if (name || phone || email) {
			json_t *kept = json_object();
			if (name)
				json_object_set(kept, "name", json_object_get(contact, "name"));
			if (phone)
				json_object_set(kept, "phone", json_object_get(contact, "phone"));
			if (email)
				json_object_set(kept, "email", json_object_get(contact, "email"));
			json_object_set_new(out->fields, "contact", kept);
		}
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

int reporting_create_key_file(const char *path, char error[REPORT_ERROR_SIZE])
{
	unsigned char key[CRYPT_KEY_BYTES];
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		return reject(error, "%.200s: %s", path, errno == EEXIST ? "already exists" : "cannot be created");
	crypt_random(key, sizeof key);
	ssize_t written = write(fd, key, sizeof key);
	crypt_wipe(key, sizeof key);
	if (written != (ssize_t)sizeof key || fsync(fd) != 0) {
		close(fd);
		return reject(error, "%.200s: cannot be written", path);
	}
	close(fd);
	return 0;
}

int reporting_open(struct reporting *reporting, const struct kb *kb, struct db *db, char error[REPORT_ERROR_SIZE])
{
	memset(reporting, 0, sizeof *reporting);
	reporting->kb = kb;
	reporting->db = db;
	if (db_is_initialised(db) != 1)
		return reject(error, "the database is not initialised: run 'meldwijzer init --db URL' first");
	char db_error[DB_ERROR_SIZE];
	if (db_upgrade(db, db_error))
		return reject(error, "%s", db_error);
	if (db_load_team(db, &reporting->team))
		return reject(error, "the database has no team keys");
	int fd = open(db_key_path(db), O_RDONLY);
	if (fd < 0)
		return reject(error, "%.200s: the server key file cannot be read", db_key_path(db));
	ssize_t got = read(fd, reporting->server_key, CRYPT_KEY_BYTES);
	close(fd);
	if (got != CRYPT_KEY_BYTES)
		return reject(error, "%.200s: not a server key file", db_key_path(db));
	pthread_mutex_init(&reporting->sessions_lock, NULL);
	return 0;
}

void reporting_close(struct reporting *reporting)
{
	crypt_wipe(reporting->sessions, sizeof reporting->sessions);
	crypt_wipe(reporting->server_key, sizeof reporting->server_key);
	pthread_mutex_destroy(&reporting->sessions_lock);
}

static void hex(const unsigned char *bytes, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[bytes[i] >> 4];
		out[2 * i + 1] = digits[bytes[i] & 15];
	}
	out[2 * len] = '\0';
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

static int encrypt_json(const unsigned char key[CRYPT_KEY_BYTES], const char *context, json_t *value,
			unsigned char **box, size_t *box_len)
{
	char *plain = json_dumps(value, JSON_COMPACT);
	if (!plain)
		return -1;
	size_t len = strlen(plain);
	*box = malloc(len + CRYPT_OVERHEAD);
	int status = *box ? crypt_encrypt(key, context, plain, len, *box) : -1;
	*box_len = len + CRYPT_OVERHEAD;
	crypt_wipe(plain, len);
	free(plain);
	return status;
}

int report_submit(struct reporting *reporting, const struct report_input *input, char receipt[CRYPT_RECEIPT_TEXT_SIZE])
{
	struct db_report row;
	unsigned char report_key[CRYPT_KEY_BYTES], receipt_key[CRYPT_KEY_BYTES], ref_bytes[16];
	char canonical[CRYPT_RECEIPT_CHARS + 1], context[64];
	int status = -1;
	memset(&row, 0, sizeof row);
	crypt_random(ref_bytes, sizeof ref_bytes);
	hex(ref_bytes, sizeof ref_bytes, row.ref);
	snprintf(row.kind, sizeof row.kind, "%s", json_string_value(json_object_get(input->fields, "kind")));
	join_ids(input, reporting->kb, row.forms, sizeof row.forms, row.signals, sizeof row.signals);
	crypt_new_receipt(receipt);
	if (!crypt_normalize_receipt(receipt, canonical))
		goto done;
	crypt_receipt_lookup(reporting->server_key, canonical, row.receipt_lookup);
	crypt_random(row.receipt_salt, sizeof row.receipt_salt);
	crypt_random(report_key, sizeof report_key);
	snprintf(context, sizeof context, "report:%s:content", row.ref);
	if (crypt_receipt_key(canonical, row.receipt_salt, receipt_key) ||
	    crypt_encrypt(receipt_key, "key", report_key, CRYPT_KEY_BYTES, row.key_for_receipt) ||
	    crypt_seal_for_team(reporting->team.public_key, report_key, row.key_for_team) ||
	    encrypt_json(report_key, context, input->fields, &row.content, &row.content_len) ||
	    db_insert_report(reporting->db, &row))
		goto done;
	status = 0;
done:
	crypt_wipe(report_key, sizeof report_key);
	crypt_wipe(receipt_key, sizeof receipt_key);
	crypt_wipe(canonical, sizeof canonical);
	db_report_release(&row);
	if (status)
		crypt_wipe(receipt, CRYPT_RECEIPT_TEXT_SIZE);
	return status;
}

static int64_t now_seconds(void)
{
	return (int64_t)time(NULL);
}

/* Drops expired sessions; call with the lock held. */
static void expire_sessions(struct reporting *reporting)
{
	int64_t now = now_seconds();
	for (size_t i = 0; i < REPORT_MAX_SESSIONS; i++) {
		if (reporting->sessions[i].used && reporting->sessions[i].expires <= now)
			crypt_wipe(&reporting->sessions[i], sizeof reporting->sessions[i]);
	}
}

int report_login(struct reporting *reporting, const char *typed_receipt, char token[REPORT_TOKEN_SIZE])
{
	char canonical[CRYPT_RECEIPT_CHARS + 1];
	unsigned char lookup[CRYPT_KEY_BYTES], receipt_key[CRYPT_KEY_BYTES], report_key[CRYPT_KEY_BYTES];
	struct db_report row;
	if (!crypt_normalize_receipt(typed_receipt, canonical))
		return 1;
	crypt_receipt_lookup(reporting->server_key, canonical, lookup);
	int found = db_find_report(reporting->db, lookup, &row);
	if (found != 0) {
		crypt_wipe(canonical, sizeof canonical);
		return found == 1 ? 1 : -1;
	}
	int status = -1;
	if (crypt_receipt_key(canonical, row.receipt_salt, receipt_key) == 0 &&
	    crypt_decrypt(receipt_key, "key", row.key_for_receipt, CRYPT_WRAPPED_KEY_BYTES, report_key) == 0) {
		unsigned char token_bytes[32];
		crypt_random(token_bytes, sizeof token_bytes);
		hex(token_bytes, sizeof token_bytes, token);
		pthread_mutex_lock(&reporting->sessions_lock);
		expire_sessions(reporting);
		size_t slot = REPORT_MAX_SESSIONS, oldest = 0;
		for (size_t i = 0; i < REPORT_MAX_SESSIONS; i++) {
			if (!reporting->sessions[i].used && slot == REPORT_MAX_SESSIONS)
				slot = i;
			if (reporting->sessions[i].expires < reporting->sessions[oldest].expires)
				oldest = i;
		}
		if (slot == REPORT_MAX_SESSIONS)
			slot = oldest; /* full: the oldest session ends */
		struct report_session *session = &reporting->sessions[slot];
		memcpy(session->token, token, REPORT_TOKEN_SIZE);
		memcpy(session->ref, row.ref, DB_REF_SIZE);
		memcpy(session->key, report_key, CRYPT_KEY_BYTES);
		session->expires = now_seconds() + SESSION_SECONDS;
		session->used = true;
		pthread_mutex_unlock(&reporting->sessions_lock);
		crypt_wipe(token_bytes, sizeof token_bytes);
		status = 0;
	}
	crypt_wipe(canonical, sizeof canonical);
	crypt_wipe(receipt_key, sizeof receipt_key);
	crypt_wipe(report_key, sizeof report_key);
	db_report_release(&row);
	return status;
}

/* Copies the session's report ref and key; false when the token is unknown or expired. */
static bool find_session(struct reporting *reporting, const char *token, char ref[DB_REF_SIZE],
			 unsigned char key[CRYPT_KEY_BYTES])
{
	bool found = false;
	if (strlen(token) != REPORT_TOKEN_SIZE - 1)
		return false;
	pthread_mutex_lock(&reporting->sessions_lock);
	expire_sessions(reporting);
	for (size_t i = 0; i < REPORT_MAX_SESSIONS && !found; i++) {
		struct report_session *session = &reporting->sessions[i];
		/* constant-time comparison: tokens are secrets */
		unsigned char difference = 0;
		for (size_t c = 0; c < REPORT_TOKEN_SIZE; c++)
			difference |= (unsigned char)(session->token[c] ^ token[c]);
		if (session->used && difference == 0) {
			memcpy(ref, session->ref, DB_REF_SIZE);
			memcpy(key, session->key, CRYPT_KEY_BYTES);
			found = true;
		}
	}
	pthread_mutex_unlock(&reporting->sessions_lock);
	return found;
}

struct message_reader {
	const unsigned char *key;
	const char *context;
	json_t *list;
	int status;
};

static void read_message(void *ctx, const struct db_message *message)
{
	struct message_reader *reader = ctx;
	char *plain = malloc(message->box_len + 1);
	if (!plain || message->box_len < CRYPT_OVERHEAD ||
	    crypt_decrypt(reader->key, reader->context, message->box, message->box_len, plain)) {
		reader->status = -1;
		free(plain);
		return;
	}
	size_t len = message->box_len - CRYPT_OVERHEAD;
	plain[len] = '\0';
	json_array_append_new(reader->list, json_pack("{s:s, s:s, s:s%}", "from", message->sender, "day",
						      message->created_day, "body", plain, len));
	crypt_wipe(plain, len);
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
		json_t *contact = json_object_get(fields, "contact");
		json_object_set_new(fields, "contact_given", json_boolean(contact != NULL));
		if (!for_team)
			json_object_del(fields, "contact"); /* not shown back: a leaked receipt must not reveal who reported */
		json_object_set_new(fields, "ref", json_string(row.ref));
		json_object_set_new(fields, "status", json_string(row.status));
		json_object_set_new(fields, "day", json_string(row.created_day));
		json_object_set_new(fields, "forms", json_string(row.forms));
		json_object_set_new(fields, "signals", json_string(row.signals));
		snprintf(context, sizeof context, "report:%s:message", row.ref);
		struct message_reader reader = {key, context, json_array(), 0};
		if (db_list_messages(reporting->db, row.ref, read_message, &reader) == 0 && reader.status == 0) {
			json_object_set_new(fields, "messages", reader.list);
			*out = fields;
			status = 0;
		} else {
			json_decref(reader.list);
			json_decref(fields);
		}
	}
	db_report_release(&row);
	return status;
}

int report_followup(struct reporting *reporting, const char *token, json_t **out)
{
	char ref[DB_REF_SIZE];
	unsigned char key[CRYPT_KEY_BYTES];
	if (!find_session(reporting, token, ref, key))
		return 1;
	int status = read_report(reporting, ref, key, false, out);
	crypt_wipe(key, sizeof key);
	return status;
}

static int add_message(struct reporting *reporting, const char *ref, const unsigned char key[CRYPT_KEY_BYTES],
		       const char *sender, const char *body)
{
	size_t len = strlen(body);
	unsigned char *box = malloc(len + CRYPT_OVERHEAD);
	char context[64];
	snprintf(context, sizeof context, "report:%s:message", ref);
	int status = -1;
	if (box && crypt_encrypt(key, context, body, len, box) == 0) {
		int added = db_add_message(reporting->db, ref, sender, box, len + CRYPT_OVERHEAD, REPORT_MESSAGES_PER_REPORT);
		status = added == 1 ? 2 : added;
	}
	free(box);
	return status;
}

int report_reply(struct reporting *reporting, const char *token, const char *body)
{
	char ref[DB_REF_SIZE];
	unsigned char key[CRYPT_KEY_BYTES];
	if (!find_session(reporting, token, ref, key))
		return 1;
	int status = add_message(reporting, ref, key, "reporter", body);
	crypt_wipe(key, sizeof key);
	return status;
}

static int open_as_team(struct reporting *reporting, const unsigned char team_secret[CRYPT_KEY_BYTES], const char *ref,
			unsigned char key[CRYPT_KEY_BYTES])
{
	struct db_report row;
	if (db_get_report(reporting->db, ref, &row) != 0)
		return -1;
	int status = crypt_open_sealed(reporting->team.public_key, team_secret, row.key_for_team, key);
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
			  const char *body)
{
	unsigned char key[CRYPT_KEY_BYTES];
	if (open_as_team(reporting, team_secret, ref, key))
		return -1;
	int status = add_message(reporting, ref, key, "advice_point", body);
	if (status == 0)
		status = db_set_status(reporting->db, ref, "in_progress");
	crypt_wipe(key, sizeof key);
	return status;
}

/* Issue 10: report_submit() for the HTML form, with its single-use submission key (32 hex characters):
 * the database stores a keyed hash of it with the report, UNIQUE, so the same form sent again (Back or
 * reload after the receipt) stores nothing and shows no receipt. 0 stored, 1 already sent, -1 error. */
int report_submit_once(struct reporting *reporting, const struct report_input *input, const char *submission_key,
		       char receipt[CRYPT_RECEIPT_TEXT_SIZE])
{
	struct db_report row;
	unsigned char report_key[CRYPT_KEY_BYTES], receipt_key[CRYPT_KEY_BYTES], ref_bytes[16], key_hash[CRYPT_KEY_BYTES];
	char canonical[CRYPT_RECEIPT_CHARS + 1], context[64];
	int status = -1;
	memset(&row, 0, sizeof row);
	crypt_submission_hash(reporting->server_key, submission_key, key_hash);
	crypt_random(ref_bytes, sizeof ref_bytes);
	hex(ref_bytes, sizeof ref_bytes, row.ref);
	snprintf(row.kind, sizeof row.kind, "%s", json_string_value(json_object_get(input->fields, "kind")));
	join_ids(input, reporting->kb, row.forms, sizeof row.forms, row.signals, sizeof row.signals);
	crypt_new_receipt(receipt);
	if (!crypt_normalize_receipt(receipt, canonical))
		goto done;
	crypt_receipt_lookup(reporting->server_key, canonical, row.receipt_lookup);
	crypt_random(row.receipt_salt, sizeof row.receipt_salt);
	crypt_random(report_key, sizeof report_key);
	snprintf(context, sizeof context, "report:%s:content", row.ref);
	if (crypt_receipt_key(canonical, row.receipt_salt, receipt_key) ||
	    crypt_encrypt(receipt_key, "key", report_key, CRYPT_KEY_BYTES, row.key_for_receipt) ||
	    crypt_seal_for_team(reporting->team.public_key, report_key, row.key_for_team) ||
	    encrypt_json(report_key, context, input->fields, &row.content, &row.content_len))
		goto done;
	status = db_insert_report_once(reporting->db, &row, key_hash);
done:
	crypt_wipe(report_key, sizeof report_key);
	crypt_wipe(receipt_key, sizeof receipt_key);
	crypt_wipe(canonical, sizeof canonical);
	db_report_release(&row);
	if (status)
		crypt_wipe(receipt, CRYPT_RECEIPT_TEXT_SIZE);
	return status;
}
