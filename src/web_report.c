/* The HTML side of online reporting: the report form (report or anonymous case
 * consultation), the receipt page, and the follow-up pages. Plain HTML forms,
 * no JavaScript, no cookies: the follow-up session token travels in a hidden
 * field of the page that shows the report. Every form carries a form token
 * (crypt_keys_form_token) and a cross-site Origin is refused. The JSON API's
 * reporting endpoints are here too: both sides share report.c's one flow.
 * Every handler that touches the database is a blocking route (web.c): it
 * runs in a worker thread, never on a thread that serves other requests. */
#define _POSIX_C_SOURCE 200809L
#include "web_modules.h"

#include <stdio.h>
#include <string.h>

#include "case.h"

static const char *const text_fields[] = {"what", "who", "where", "when", "how"};
static const char *const contact_fields[] = {"name", "phone", "email"};
static const char *const relation_values[] = {"professional", "family", "neighbour", "colleague", "self", "other"};
static const char *const form_values[] = {"sexual", "labour", "criminal", "unknown"};

static bool is_post_allowed(struct web *web, const struct http_request *request)
{
	return web_from_this_site(request) &&
	       crypt_keys_form_token_valid(reporting_keys(web->reporting), request->now, http_form_field(request, "csrf"));
}

static bool has_form_value(const struct http_request *request, const char *key, const char *value)
{
	for (size_t i = 0; i < request->form_count; i++) {
		if (strcmp(request->form[i].key, key) == 0 && strcmp(request->form[i].value, value) == 0)
			return true;
	}
	return false;
}

/* What is wrong with a sent form: a field (its id, or NULL) and the text key; at most a few at once. */
struct form_problem {
	const char *field;
	const char *key;
};

struct form_problems {
	struct form_problem items[4];
	size_t count;
};

static void add_problem(struct form_problems *problems, const char *field, const char *key)
{
	if (problems->count < sizeof problems->items / sizeof *problems->items)
		problems->items[problems->count++] = (struct form_problem){field, key};
}

/* Contact is wanted: the box is ticked, or "yes" was the answer to the question about typed details. */
static bool contact_wanted(const struct http_request *request)
{
	return has_form_value(request, "contact_wanted", "1") || has_form_value(request, "contact_answer", "yes");
}

/* `general_key`: a problem that belongs to no field (expired page, storage, limit), or NULL. The page's
 * path, title and menu item: the public form's, or the phone intake's (web_report_form_page). */
static json_t *report_form_context_for(struct web *web, enum kb_lang lang, const struct http_request *request,
				       const struct form_problems *problems, const char *general_key,
				       const char *page_path, const char *title_key, const char *nav_key)
{
	json_t *context = web_page_context(web, lang, page_path, NULL, title_key, nav_key);
	json_t *page = json_object();
	char token[CRYPT_FORM_TOKEN_SIZE];
	crypt_keys_form_token(reporting_keys(web->reporting), request->now, token);
	json_object_set_new(page, "csrf", json_string(token));
	/* every render carries a new single-use key: the same form sent twice stores one report */
	unsigned char key_bytes[16];
	char key_text[CRYPT_SUBMISSION_KEY_SIZE];
	static const char digits[] = "0123456789abcdef";
	crypt_random(key_bytes, sizeof key_bytes);
	for (size_t i = 0; i < sizeof key_bytes; i++) {
		key_text[2 * i] = digits[key_bytes[i] >> 4];
		key_text[2 * i + 1] = digits[key_bytes[i] & 15];
	}
	key_text[2 * sizeof key_bytes] = '\0';
	json_object_set_new(page, "submission", json_string(key_text));
	const char *kind = request ? http_form_field(request, "kind") : NULL;
	if (!kind)
		kind = request ? http_field(request, "kind") : NULL;
	json_object_set_new(page, "consultation", json_boolean(kind && strcmp(kind, "consultation") == 0));
	json_t *values = json_object();
	for (size_t i = 0; request && i < sizeof text_fields / sizeof *text_fields; i++) {
		const char *value = http_form_field(request, text_fields[i]);
		if (value)
			json_object_set_new(values, text_fields[i], json_string(value));
	}
	for (size_t i = 0; request && i < sizeof contact_fields / sizeof *contact_fields; i++) {
		const char *value = http_form_field(request, contact_fields[i]);
		if (value)
			json_object_set_new(values, contact_fields[i], json_string(value));
	}
	json_object_set_new(page, "values", values);
	json_object_set_new(page, "danger", json_boolean(request && has_form_value(request, "danger", "1")));
	json_object_set_new(page, "danger_seen", json_boolean(request && has_form_value(request, "danger_seen", "1")));
	json_object_set_new(page, "contact_wanted", json_boolean(request && contact_wanted(request)));
	json_t *forms = json_array();
	static const char *const form_labels[] = {"a_sexual", "a_labour", "a_criminal", "a_dont_know"};
	for (int i = 0; i < 4; i++)
		json_array_append_new(forms, json_pack("{s:s, s:s, s:b}", "value", form_values[i], "label",
						       web_text(web, lang, form_labels[i]), "checked",
						       request && has_form_value(request, "form", form_values[i])));
	json_object_set_new(page, "forms", forms);
	json_t *relations = json_array();
	for (size_t i = 0; i < sizeof relation_values / sizeof *relation_values; i++) {
		char key[40];
		snprintf(key, sizeof key, "relation_%s", relation_values[i]);
		json_array_append_new(relations, json_pack("{s:s, s:s, s:b}", "value", relation_values[i], "label",
							   web_text(web, lang, key), "checked",
							   request && has_form_value(request, "relation", relation_values[i])));
	}
	json_object_set_new(page, "relations", relations);
	json_t *signals = json_array();
	for (size_t i = 0; i < web->kb->signal_count; i++)
		json_array_append_new(signals, json_pack("{s:s, s:s, s:b}", "id", web->kb->signals[i].id, "text",
							 web->kb->signals[i].text[lang], "checked",
							 request && has_form_value(request, "signal", web->kb->signals[i].id)));
	json_object_set_new(page, "signals", signals);
	/* the error summary first on the page, and each field marked with its own message */
	json_t *field_errors = json_object();
	for (size_t i = 0; problems && i < problems->count; i++) {
		const char *field = problems->items[i].field;
		const char *text = web_text(web, lang, problems->items[i].key);
		web_add_error(web, lang, context, field, text);
		if (field) {
			char name[40];
			snprintf(name, sizeof name, "%.*s", (int)strcspn(field, "-"), field);
			json_object_set_new(field_errors, name, json_string(text));
			if (strcmp(name, "contact_answer") == 0)
				json_object_set_new(page, "contact_ask", json_true());
		}
	}
	json_object_set_new(page, "field_errors", field_errors);
	if (general_key) {
		json_t *item = web_add_error(web, lang, context, NULL, web_text(web, lang, general_key));
		const struct kb_channel *essm = kb_channel_by_id(web->kb, "essm"); /* kb_load() guarantees it */
		if (strcmp(general_key, "report_error_storage") == 0 || strcmp(general_key, "report_error_limit") == 0)
			json_object_set_new(item, "call", json_pack("{s:s, s:s, s:s}", "name", essm->name[lang], "display",
								    essm->phone_display, "tel", essm->phone_tel));
		/* the form did not go through: whom to call instead, and 112 */
		context = web_must_set(context, page, "calls", web_call_instead(web, lang));
		if (!context) {
			json_decref(page);
			return NULL;
		}
		json_object_set_new(page, "has_calls", json_true());
	}
	json_object_set_new(context, "page", page);
	json_object_set_new(context, "site", web_site_context(web, lang));
	return context;
}

static json_t *report_form_context(struct web *web, enum kb_lang lang, const struct http_request *request,
				   const struct form_problems *problems, const char *general_key)
{
	return report_form_context_for(web, lang, request, problems, general_key, "/melden", "report_title", "report");
}

/* The HTML form as the API's report JSON; contact details only if contact is wanted. */
static json_t *form_to_report(const struct http_request *request)
{
	json_t *report = json_object();
	const char *kind = http_form_field(request, "kind");
	json_object_set_new(report, "kind", json_string(kind ? kind : "report"));
	for (size_t i = 0; i < sizeof text_fields / sizeof *text_fields; i++) {
		const char *value = http_form_field(request, text_fields[i]);
		if (value && *value)
			json_object_set_new(report, text_fields[i], json_string(value));
	}
	json_t *forms = json_array(), *signals = json_array();
	for (size_t i = 0; i < request->form_count; i++) {
		if (strcmp(request->form[i].key, "form") == 0)
			json_array_append_new(forms, json_string(request->form[i].value));
		else if (strcmp(request->form[i].key, "signal") == 0)
			json_array_append_new(signals, json_string(request->form[i].value));
	}
	json_object_set_new(report, "forms", forms);
	json_object_set_new(report, "signals", signals);
	const char *relation = http_form_field(request, "relation");
	if (relation && *relation)
		json_object_set_new(report, "relation", json_string(relation));
	if (contact_wanted(request)) {
		json_t *contact = json_object();
		for (size_t i = 0; i < sizeof contact_fields / sizeof *contact_fields; i++) {
			const char *value = http_form_field(request, contact_fields[i]);
			if (value && *value)
				json_object_set_new(contact, contact_fields[i], json_string(value));
		}
		json_object_set_new(report, "contact", contact);
	}
	return report;
}

/* The field on the page and the words for a problem that report_input_check() found. */
static void add_validation_problem(struct form_problems *problems, const struct report_error *error)
{
	static const char *const field_ids[] = {
		[REPORT_FIELD_NONE] = NULL,		   [REPORT_FIELD_KIND] = "kind-report",
		[REPORT_FIELD_WHAT] = "what",		   [REPORT_FIELD_WHO] = "who",
		[REPORT_FIELD_WHERE] = "where",		   [REPORT_FIELD_WHEN] = "when",
		[REPORT_FIELD_HOW] = "how",		   [REPORT_FIELD_RELATION] = "relation-professional",
		[REPORT_FIELD_FORMS_OR_SIGNALS] = NULL,	   [REPORT_FIELD_CONTACT] = "phone",
		[REPORT_FIELD_CONTACT_NAME] = "name",	   [REPORT_FIELD_CONTACT_PHONE] = "phone",
		[REPORT_FIELD_CONTACT_EMAIL] = "email",
	};
	const char *key;
	switch (error->problem) {
	case REPORT_PROBLEM_TOO_LONG:
		key = "report_error_too_long";
		break;
	case REPORT_PROBLEM_MISSING:
		key = error->field == REPORT_FIELD_WHAT ? "report_error_what" : "report_error_generic";
		break;
	case REPORT_PROBLEM_NOT_A_PHONE:
		key = "report_error_phone";
		break;
	case REPORT_PROBLEM_NOT_AN_EMAIL:
		key = "report_error_email";
		break;
	case REPORT_PROBLEM_NO_WAY_BACK:
		key = "report_error_contact";
		break;
	default:
		key = error->field == REPORT_FIELD_CONTACT ? "report_error_contact" : "report_error_generic";
		break;
	}
	add_problem(problems, field_ids[error->field], key);
}

static bool is_blank(const char *text)
{
	for (const char *p = text ? text : ""; *p; p++) {
		if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
			return false;
	}
	return true;
}

/* Validates the form; on success fills `input` (the caller releases it), else says what is wrong
 * (all it can find at once: an empty "what" does not hide a wrong phone number). Contact details that
 * were typed while "contact me" is not ticked are never dropped silently: the form asks. */
static bool read_report_form(struct web *web, const struct http_request *request, struct report_input *input,
			     struct form_problems *problems)
{
	memset(problems, 0, sizeof *problems);
	bool typed = false;
	for (size_t i = 0; i < sizeof contact_fields / sizeof *contact_fields; i++)
		typed = typed || !is_blank(http_form_field(request, contact_fields[i]));
	if (typed && !contact_wanted(request) && !has_form_value(request, "contact_answer", "no"))
		add_problem(problems, "contact_answer-yes", "report_contact_ask");
	bool no_what = is_blank(http_form_field(request, "what"));
	if (no_what)
		add_problem(problems, "what", "report_error_what");
	json_t *report = form_to_report(request);
	if (no_what) /* a stand-in, so that the other fields are checked too */
		json_object_set_new(report, "what", json_string("-"));
	char *text = json_dumps(report, JSON_COMPACT);
	json_decref(report);
	struct report_error error = {.field = REPORT_FIELD_NONE, .problem = REPORT_PROBLEM_NO_MEMORY};
	bool valid = text && report_input_check(web->kb, text, strlen(text), input, &error) == 0;
	free(text);
	if (!valid)
		add_validation_problem(problems, &error);
	else if (problems->count)
		report_input_release(input);
	/* the summary lists the problems in the order of the fields on the page */
	static const char *const order[] = {"what", "who", "where", "when", "how", "kind", "relation", "contact_answer",
					    "name", "phone", "email"};
	size_t rank[4];
	for (size_t i = 0; i < problems->count; i++) {
		rank[i] = sizeof order / sizeof *order;
		for (size_t o = 0; problems->items[i].field && o < sizeof order / sizeof *order; o++) {
			if (strncmp(problems->items[i].field, order[o], strlen(order[o])) == 0 && rank[i] > o)
				rank[i] = o;
		}
	}
	for (size_t i = 1; i < problems->count; i++) {
		for (size_t j = i; j > 0 && rank[j - 1] > rank[j]; j--) {
			struct form_problem swap = problems->items[j];
			problems->items[j] = problems->items[j - 1];
			problems->items[j - 1] = swap;
			size_t r = rank[j];
			rank[j] = rank[j - 1];
			rank[j - 1] = r;
		}
	}
	return valid && problems->count == 0;
}

/* The report form for the phone intake (web_cases.c): the same fields, values and checks. */
json_t *web_report_form_page(struct web *web, enum kb_lang lang, const struct http_request *request,
			     const char *page_path, const char *title_key)
{
	return report_form_context_for(web, lang, request, NULL, NULL, page_path, title_key, NULL);
}

int web_report_form_read(struct web *web, enum kb_lang lang, const struct http_request *request, const char *page_path,
			 const char *title_key, struct report_input *input, json_t **again)
{
	struct form_problems problems;
	*again = NULL;
	if (read_report_form(web, request, input, &problems))
		return 0;
	*again = report_form_context_for(web, lang, request, &problems, NULL, page_path, title_key, NULL);
	return 1;
}

/* Retry-After when reports cannot be stored now: a PostgreSQL server that is
 * back is found within about a second (the backend's prober), a full or
 * failing disk needs someone; a minute is a fair first wait either way. */
#define STORAGE_RETRY_SECONDS 60

/* Whether the storage says now, without waiting (db_storage_state reads an
 * atomic and a statvfs), that a report would not be kept: the database is
 * unreachable or its disk nearly full. These states turn back by themselves
 * (the prober, free space), so refusing before trying costs nothing. "full"
 * and "write_failed" are not refused here: they turn back only when a write
 * succeeds, so a server that refused every report before trying would stay
 * at 503 for good; those reports are tried, and a failure is answered by
 * storage_failed() below. */
static bool storage_refuses_now(struct web *web)
{
	struct db_storage storage;
	db_storage_state(web->reporting->db, &storage); /* -1: free space unknown; the rest still counts */
	return !storage.ok && storage.problem &&
	       (strcmp(storage.problem, "unreachable") == 0 || strcmp(storage.problem, "low_space") == 0);
}

/* After a store failed: whether the storage was the cause (any problem
 * db_storage_state reports now), so that the answer is a 503 to try again
 * later rather than a 500. */
static bool storage_failed(struct web *web)
{
	struct db_storage storage;
	db_storage_state(web->reporting->db, &storage);
	return !storage.ok;
}

/* The API's answer when a report cannot be stored (never a 201): whom to call instead. */
static void reply_not_stored(struct web *web, unsigned status, struct http_reply *reply)
{
	char message[200]; /* kb_load() guarantees the essm channel */
	const struct kb_channel *essm = kb_channel_by_id(web->kb, "essm");
	if (status == 503)
		snprintf(message, sizeof message,
			 "the report could not be stored: reports cannot be stored right now; please try again later "
			 "or call %s at %s",
			 essm->name[KB_LANG_EN], essm->phone_display);
	else
		snprintf(message, sizeof message, "the report could not be stored; please try again or call %s at %s",
			 essm->name[KB_LANG_EN], essm->phone_display);
	web_reply_json_error(reply, status, message);
	if (status == 503)
		reply->retry_after = STORAGE_RETRY_SECONDS;
}

/* "XXXXX-XXXXX-XXXXX-XXXXX" from a receipt as typed or posted back; false when it cannot be one. */
static bool receipt_display(const char *posted, char out[CRYPT_RECEIPT_TEXT_SIZE])
{
	char canonical[CRYPT_RECEIPT_CHARS + 1];
	if (!posted || strlen(posted) > 64 || !crypt_normalize_receipt(posted, canonical))
		return false;
	snprintf(out, CRYPT_RECEIPT_TEXT_SIZE, "%.5s-%.5s-%.5s-%.5s", canonical, canonical + 5, canonical + 10,
		 canonical + 15);
	crypt_wipe(canonical, sizeof canonical);
	return true;
}

/* Where the reporter reads the answer: the public address when it is one, else NULL. */
static json_t *followup_address(struct web *web, enum kb_lang lang)
{
	if (!web_poster_url_is_public(web->config))
		return NULL;
	char url[CONFIG_TEXT_SIZE + 32];
	snprintf(url, sizeof url, "%s%s/opvolgen", web->config->public_base_url, web_lang_prefix(lang));
	return json_string(url);
}

/* The receipt page: the code in groups that never break inside (for the eye and for copying), ways to
 * keep it (copy with JavaScript, a file without), what happens next, and "I have saved it". */
static json_t *receipt_context(struct web *web, enum kb_lang lang, const char *receipt, bool danger,
			       int contact_given, const char *error_text)
{
	json_t *context = web_page_context(web, lang, "/melden", NULL, "receipt_title", "report");
	json_t *groups = json_array();
	for (int g = 0; g < 4; g++) {
		char group[8];
		snprintf(group, sizeof group, "%.5s%s", receipt + 6 * g, g < 3 ? "-" : "");
		json_array_append_new(groups, json_pack("{s:s, s:b}", "g", group, "last", g == 3));
	}
	json_t *page = json_pack("{s:s, s:o, s:b}", "receipt", receipt, "groups", groups, "danger", danger);
	if (contact_given >= 0)
		json_object_set_new(page, "contact_text", json_string(web_text(web, lang, contact_given
											  ? "receipt_contact_given"
											  : "receipt_contact_none")));
	json_t *address = followup_address(web, lang);
	if (address)
		json_object_set_new(page, "followup_address", address);
	json_object_set_new(context, "page", page);
	json_object_set_new(context, "site", web_site_context(web, lang));
	if (error_text)
		web_add_error(web, lang, context, "saved", error_text);
	return context;
}

/* POST /melden/code: the receipt as a small text file to keep (no JavaScript needed; the code travels
 * in the body, never in an address; the answer is not stored anywhere). */
static void reply_receipt_file(struct web *web, enum kb_lang lang, const char *receipt, struct http_reply *reply)
{
	json_t *address = followup_address(web, lang);
	reply->status = 200;
	reply->content_type = "text/plain; charset=utf-8";
	reply->disposition = "attachment; filename=\"code.txt\"";
	int status = strbuf_addstr(&reply->body, web_text(web, lang, "receipt_file_code")) ||
		     strbuf_addstr(&reply->body, "\n\n    ") || strbuf_addstr(&reply->body, receipt) ||
		     strbuf_addstr(&reply->body, "\n\n") ||
		     strbuf_addstr(&reply->body, web_text(web, lang, "receipt_file_where")) ||
		     strbuf_addstr(&reply->body, "\n") ||
		     strbuf_addstr(&reply->body, address ? json_string_value(address)
							  : web_text(web, lang, "receipt_file_where_page")) ||
		     strbuf_addstr(&reply->body, "\n\n") ||
		     strbuf_addstr(&reply->body, web_text(web, lang, "receipt_keep_3")) ||
		     strbuf_addstr(&reply->body, "\n");
	json_decref(address);
	if (status) {
		strbuf_release(&reply->body);
		reply->disposition = NULL;
		web_error_page(web, &(struct http_request){.path = "/"}, 500, reply);
	}
}

/* A form's single-use submission key as this site makes it: 32 lower-case hex characters. */
static bool is_submission_key(const char *key)
{
	if (!key || strlen(key) != CRYPT_SUBMISSION_KEY_SIZE - 1)
		return false;
	for (const char *p = key; *p; p++) {
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	}
	return true;
}

/* The answer of a failed form or a failed login, for the pages: what was typed stays. */
static void render_form_again(struct web *web, enum kb_lang lang, const struct http_request *request,
			      const struct form_problems *problems, const char *general_key, unsigned status,
			      struct http_reply *reply)
{
	web_render(web, "report_form", report_form_context(web, lang, request, problems, general_key), status, reply);
}

/* GET /melden: the empty form (a report, or with ?kind=consultation a case consultation). */
void web_report_form(struct web *web, enum kb_lang lang, const struct http_request *request, struct http_reply *reply)
{
	render_form_again(web, lang, request, NULL, NULL, 200, reply);
}

/* POST /melden (blocking): acute danger first, then the checks, then the durable submission and the
 * receipt page. */
void web_report_submit(struct web *web, enum kb_lang lang, const struct http_request *request, struct http_reply *reply)
{
	if (has_form_value(request, "danger", "1") && !has_form_value(request, "danger_seen", "1")) {
		/* acute danger: 112 first; nothing is sent yet, and what was typed stays in the form */
		json_t *context = report_form_context(web, lang, request, NULL, NULL);
		json_t *page = json_object_get(context, "page");
		if (json_object_set_new(page, "danger_stop", json_true()) ||
		    json_object_set_new(page, "danger_seen", json_true())) {
			json_decref(context);
			context = NULL; /* a 500 rather than a form without the 112 block */
		}
		web_render(web, "report_form", context, 200, reply);
		return;
	}
	if (!is_post_allowed(web, request)) {
		/* an old page or another site: the form again, with what was typed */
		render_form_again(web, lang, request, NULL, "report_error_expired", 403, reply);
		return;
	}
	/* bytes that are not text, a NUL, or a field that the form has once sent twice: refused, with the
	 * form (and what was typed) shown again */
	static const char *const repeatable[] = {"form", "signal", NULL};
	if (request->form_invalid || http_form_repeated(request, repeatable)) {
		render_form_again(web, lang, request, NULL, "report_error_generic", 400, reply);
		return;
	}
	struct report_input input;
	struct form_problems problems;
	if (!read_report_form(web, request, &input, &problems)) {
		render_form_again(web, lang, request, &problems, NULL, 400, reply);
		return;
	}
	if (!ratelimit_check(&web->limits, request->client_tag, RATELIMIT_SUBMISSION, request->now, &reply->retry_after)) {
		report_input_release(&input);
		render_form_again(web, lang, request, NULL, "report_error_limit", 429, reply);
		return;
	}
	if (storage_refuses_now(web)) {
		/* nothing is tried: the form again with what was typed, and whom to call */
		report_input_release(&input);
		render_form_again(web, lang, request, NULL, "report_error_storage", 503, reply);
		reply->retry_after = STORAGE_RETRY_SECONDS;
		return;
	}
	char receipt[CRYPT_RECEIPT_TEXT_SIZE];
	const char *key = http_form_field(request, "submission");
	int status = is_submission_key(key) ? report_submit_once_at(web->reporting, &input, key, request->now, receipt)
					    : report_submit_at(web->reporting, &input, request->now, receipt);
	report_input_release(&input);
	if (status == 1) {
		/* this form was sent before (Back or reload after the receipt): nothing new, and no receipt again */
		json_t *context = web_page_context(web, lang, "/melden", NULL, "report_sent_title", "report");
		if (context && (json_object_set_new(context, "site", web_site_context(web, lang)) ||
				json_object_set_new(context, "page", json_pack("{s:o, s:b}", "calls",
									       web_call_instead(web, lang), "has_calls", 1)))) {
			json_decref(context);
			context = NULL;
		}
		web_render(web, "report_sent", context, 409, reply);
	} else if (status) {
		unsigned code = storage_failed(web) ? 503 : 500;
		render_form_again(web, lang, request, NULL, "report_error_storage", code, reply);
		if (code == 503)
			reply->retry_after = STORAGE_RETRY_SECONDS;
	} else {
		json_t *context = receipt_context(web, lang, receipt, has_form_value(request, "danger", "1"),
						  contact_wanted(request), NULL);
		crypt_wipe(receipt, sizeof receipt);
		web_render_secret(web, "report_receipt", context, 201, reply);
	}
}

/* POST /melden/code: the receipt as a small text file (the code travels in the body, never an address). */
void web_report_code_file(struct web *web, enum kb_lang lang, const struct http_request *request,
			  struct http_reply *reply)
{
	char receipt[CRYPT_RECEIPT_TEXT_SIZE];
	if (!web_from_this_site(request) || !receipt_display(http_form_field(request, "code"), receipt)) {
		web_error_page(web, request, 400, reply);
		return;
	}
	reply_receipt_file(web, lang, receipt, reply);
	crypt_wipe(receipt, sizeof receipt);
}

/* POST /melden/bewaard: "I have saved the code"; not ticked: the receipt page again, the question first. */
void web_report_saved(struct web *web, enum kb_lang lang, const struct http_request *request, struct http_reply *reply)
{
	char receipt[CRYPT_RECEIPT_TEXT_SIZE];
	if (!web_from_this_site(request) || !receipt_display(http_form_field(request, "code"), receipt)) {
		web_error_page(web, request, 400, reply);
		return;
	}
	if (!has_form_value(request, "saved", "1")) {
		web_render_secret(web, "report_receipt",
				  receipt_context(web, lang, receipt, false, -1, web_text(web, lang, "receipt_saved_error")),
				  400, reply);
	} else {
		json_t *context = web_page_context(web, lang, "/melden", NULL, "receipt_done_title", "report");
		json_t *address = followup_address(web, lang);
		if (context && (json_object_set_new(context, "site", web_site_context(web, lang)) ||
				json_object_set_new(context, "page", address ? json_pack("{s:o}", "followup_address", address)
									     : json_object()))) {
			json_decref(context);
			context = NULL;
		}
		web_render(web, "report_done", context, 200, reply);
	}
	crypt_wipe(receipt, sizeof receipt);
}

/* A message the reporter typed, to show again: after a problem with it (too long too: the HTTP
 * layer's body cap bounds it), or carried through the login when their session ended while they
 * wrote (30 minutes, or a request that reached another server). The posted "body" or "draft"; else
 * NULL. */
static const char *typed_message(const struct http_request *request)
{
	const char *text = http_form_field(request, "body");
	if (!text || !*text)
		text = http_form_field(request, "draft");
	return text && *text ? text : NULL;
}

/* A problem with a typed receipt, on its field (`page_key` in the page) and in the error summary;
 * after too many attempts (429) with the advice point's number to call instead. The context, or
 * NULL (released) when the calls could not be added. */
static json_t *receipt_problem(struct web *web, enum kb_lang lang, json_t *context, json_t *page,
			       const char *page_key, const char *error_key, unsigned status)
{
	json_object_set_new(page, page_key, json_string(web_text(web, lang, error_key)));
	json_t *item = web_add_error(web, lang, context, "receipt", web_text(web, lang, error_key));
	if (status == 429) {
		const struct kb_channel *essm = kb_channel_by_id(web->kb, "essm"); /* kb_load() guarantees it */
		json_object_set_new(item, "call", json_pack("{s:s, s:s, s:s}", "name", essm->name[lang], "display",
							    essm->phone_display, "tel", essm->phone_tel));
		context = web_must_set(context, page, "calls", web_call_instead(web, lang));
		json_object_set_new(page, "has_calls", json_true());
	}
	return context;
}

static void render_followup_login(struct web *web, enum kb_lang lang, const struct http_request *request,
				  const char *error_key, unsigned status, struct http_reply *reply)
{
	json_t *context = web_page_context(web, lang, "/opvolgen", NULL, "followup_title", "followup");
	char token[CRYPT_FORM_TOKEN_SIZE];
	crypt_keys_form_token(reporting_keys(web->reporting), request->now, token);
	json_t *page = json_pack("{s:s}", "csrf", token);
	if (page && error_key)
		context = receipt_problem(web, lang, context, page, "error", error_key, status);
	/* what they were writing goes along, in the form and in wiped memory, and is shown again after */
	const char *draft = typed_message(request);
	json_t *draft_value = draft ? json_string(draft) : NULL; /* NULL too for text that is not UTF-8 */
	if (page && draft_value)
		json_object_set_new(page, "draft", draft_value);
	else
		json_decref(draft_value);
	if (!context || !page) {
		json_decref(page);
		json_decref(context);
		context = NULL;
	} else if (json_object_set_new(context, "page", page)) {
		json_decref(context);
		context = NULL;
	}
	web_render_secret(web, "followup_login", context, status, reply);
}

/* The report as the reporter sees it at follow-up: its messages, the answers, a box to write again. */
static void render_followup_view(struct web *web, enum kb_lang lang, const struct http_request *request,
				 const char *token, const char *note_key, const char *error_key, struct http_reply *reply)
{
	json_t *report = NULL;
	if (report_followup_at(web->reporting, token, request->now, &report) != 0) {
		render_followup_login(web, lang, request, "followup_expired", 401, reply);
		return;
	}
	json_t *context = web_page_context(web, lang, "/opvolgen", NULL, "followup_title", "followup");
	char form_token[CRYPT_FORM_TOKEN_SIZE];
	crypt_keys_form_token(reporting_keys(web->reporting), request->now, form_token);
	/* the status in words, and what it means for the reporter */
	static const char *const statuses[] = {"new", "in_progress", "referred", "closed"};
	const char *status = json_string_value(json_object_get(report, "status"));
	const char *known = "new"; /* a status this page does not know: say the least */
	for (size_t i = 0; status && i < sizeof statuses / sizeof *statuses; i++) {
		if (strcmp(status, statuses[i]) == 0)
			known = statuses[i];
	}
	char status_key[48], means_key[48];
	snprintf(status_key, sizeof status_key, "followup_status_label_%s", known);
	snprintf(means_key, sizeof means_key, "followup_status_means_%s", known);
	json_t *messages = json_object_get(report, "messages");
	size_t index;
	json_t *message;
	json_array_foreach(messages, index, message) {
		bool from_reporter = strcmp(json_string_value(json_object_get(message, "from")), "reporter") == 0;
		const char *from = from_reporter ? web_text(web, lang, "message_from_you")
				 : web->config->operator_name[0] ? web->config->operator_name
								 : web_text(web, lang, "message_from_reader");
		json_object_set_new(message, "from_label", json_string(from));
		char words[80];
		web_day_in_words(web, lang, json_string_value(json_object_get(message, "day")), false,
				 web_now(web, request), words, sizeof words);
		json_object_set_new(message, "day", json_string(words));
	}
	{
		char words[80];
		web_day_in_words(web, lang, json_string_value(json_object_get(report, "day")), false, web_now(web, request),
				 words, sizeof words);
		json_object_set_new(report, "day", json_string(words));
	}
	json_t *page = json_pack("{s:s, s:s, s:s, s:s, s:O, s:s}", "token", token, "csrf", form_token, "status",
				 web_text(web, lang, status_key), "status_means", web_text(web, lang, means_key), "report",
				 report, "kind",
				 /* the kind in one word: the form's choice ("anonymously ... ask for advice") is not
				  * what a caller did who asked by phone */
				 web_text(web, lang, strcmp(json_string_value(json_object_get(report, "kind")), "consultation") == 0
							     ? "case_kind_consultation" : "case_kind_report"));
	json_decref(report);
	/* what they typed, unless it was just stored: after a problem, or after logging in again */
	const char *draft = note_key ? NULL : typed_message(request);
	json_t *draft_value = draft ? json_string(draft) : NULL; /* NULL too for text that is not UTF-8 */
	if (page && draft_value)
		json_object_set_new(page, "draft", draft_value);
	else
		json_decref(draft_value);
	if (page) {
		json_object_set_new(page, "has_messages", json_boolean(json_array_size(messages) > 0));
		if (note_key)
			json_object_set_new(page, "note", json_string(web_text(web, lang, note_key)));
		if (error_key) {
			json_object_set_new(page, "error", json_string(web_text(web, lang, error_key)));
			web_add_error(web, lang, context, "body", web_text(web, lang, error_key));
		}
	}
	if (context && json_object_set_new(context, "page", page)) {
		json_decref(context);
		context = NULL;
	}
	web_render_secret(web, "followup_view", context, error_key ? 400 : 200, reply);
}

/* GET /opvolgen: the receipt login form. */
void web_followup_form(struct web *web, enum kb_lang lang, const struct http_request *request, struct http_reply *reply)
{
	render_followup_login(web, lang, request, NULL, 200, reply);
}

/* POST /opvolgen (blocking): the receipt login, then the report. */
void web_followup_open(struct web *web, enum kb_lang lang, const struct http_request *request, struct http_reply *reply)
{
	static const char *const repeatable[] = {NULL};
	if (!is_post_allowed(web, request)) {
		render_followup_login(web, lang, request, "report_error_expired", 403, reply);
		return;
	}
	if (request->form_invalid || http_form_repeated(request, repeatable)) {
		render_followup_login(web, lang, request, "report_error_generic", 400, reply);
		return;
	}
	if (!ratelimit_check(&web->limits, request->client_tag, RATELIMIT_RECEIPT_ATTEMPT, request->now,
			     &reply->retry_after)) {
		render_followup_login(web, lang, request, "report_error_limit", 429, reply);
		return;
	}
	const char *receipt = http_form_field(request, "receipt");
	char token[REPORT_TOKEN_SIZE];
	int status = receipt && strlen(receipt) <= 64 ? report_login_at(web->reporting, receipt, request->now, token) : 1;
	if (status == 0) {
		render_followup_view(web, lang, request, token, NULL, NULL, reply);
		crypt_wipe(token, sizeof token);
	} else {
		unsigned code = status == 1 ? 401 : storage_failed(web) ? 503 : 500;
		render_followup_login(web, lang, request, status == 1 ? "followup_wrong_receipt" : "report_error_generic",
				      code, reply);
		if (code == 503)
			reply->retry_after = STORAGE_RETRY_SECONDS;
	}
}

/* POST /opvolgen/bericht (blocking): the reporter writes again. */
void web_followup_message(struct web *web, enum kb_lang lang, const struct http_request *request,
			  struct http_reply *reply)
{
	static const char *const repeatable[] = {NULL};
	const char *token = http_form_field(request, "token");
	const char *body = http_form_field(request, "body");
	if (!is_post_allowed(web, request)) {
		render_followup_login(web, lang, request, "report_error_expired", 403, reply);
	} else if (!token) {
		render_followup_login(web, lang, request, "followup_expired", 401, reply);
	} else if (request->form_invalid || http_form_repeated(request, repeatable)) {
		render_followup_view(web, lang, request, token, NULL, "report_error_generic", reply);
	} else if (!body || !*body || strlen(body) > REPORT_MESSAGE_CAP) {
		render_followup_view(web, lang, request, token, NULL, "followup_message_empty", reply);
	} else {
		int status = report_reply_at(web->reporting, token, body, request->now);
		if (status == 1)
			render_followup_login(web, lang, request, "followup_expired", 401, reply);
		else
			render_followup_view(web, lang, request, token, status == 0 ? "followup_message_stored" : NULL,
					     status == 0   ? NULL
					     : status == 2 ? "followup_message_limit"
							   : "report_error_generic",
					     reply);
	}
}

/* ---- withdrawal by the reporter (case_withdraw) ---- */

/* The withdrawal form: what withdrawing means, the receipt again, and a box to tick. `receipt` (the
 * receipt as it was typed, or NULL) goes back into its field when only the box was missing, so the
 * page is rendered into wiped memory. */
static void render_withdraw_form(struct web *web, enum kb_lang lang, const struct http_request *request,
				 const char *receipt, const char *receipt_error_key, const char *confirm_error_key,
				 unsigned status, struct http_reply *reply)
{
	json_t *context = web_page_context(web, lang, "/opvolgen/intrekken", NULL, "withdraw_title", "followup");
	char token[CRYPT_FORM_TOKEN_SIZE];
	crypt_keys_form_token(reporting_keys(web->reporting), request->now, token);
	json_t *page = json_pack("{s:s, s:s, s:b}", "csrf", token, "receipt", receipt ? receipt : "", "confirmed",
				 request->method == HTTP_POST && has_form_value(request, "confirm", "1"));
	if (page && receipt_error_key)
		context = receipt_problem(web, lang, context, page, "receipt_error", receipt_error_key, status);
	if (page && confirm_error_key) {
		json_object_set_new(page, "confirm_error", json_string(web_text(web, lang, confirm_error_key)));
		web_add_error(web, lang, context, "confirm", web_text(web, lang, confirm_error_key));
	}
	if (!context)
		json_decref(page);
	else if (json_object_set_new(context, "page", page)) {
		json_decref(context);
		context = NULL;
	}
	web_render_secret(web, "withdraw_form", context, status, reply);
}

/* GET /opvolgen/intrekken: what withdrawing means, and the form. */
void web_withdraw_form(struct web *web, enum kb_lang lang, const struct http_request *request, struct http_reply *reply)
{
	render_withdraw_form(web, lang, request, NULL, NULL, NULL, 200, reply);
}

/* POST /opvolgen/intrekken (blocking): the receipt and the ticked box destroy the report. A wrong
 * receipt counts against the same hourly limit as a follow-up login and gets the same words. */
void web_withdraw_submit(struct web *web, enum kb_lang lang, const struct http_request *request,
			 struct http_reply *reply)
{
	static const char *const repeatable[] = {NULL};
	const char *receipt = http_form_field(request, "receipt");
	bool confirmed = has_form_value(request, "confirm", "1");
	bool no_receipt = is_blank(receipt);
	if (!is_post_allowed(web, request)) {
		render_withdraw_form(web, lang, request, NULL, "report_error_expired", NULL, 403, reply);
		return;
	}
	if (request->form_invalid || http_form_repeated(request, repeatable) || (receipt && strlen(receipt) > 64)) {
		render_withdraw_form(web, lang, request, NULL, "report_error_generic", NULL, 400, reply);
		return;
	}
	if (no_receipt || !confirmed) {
		/* nothing was tried yet: the receipt stays in its field, no attempt is counted */
		render_withdraw_form(web, lang, request, receipt, no_receipt ? "withdraw_error_receipt" : NULL,
				     confirmed ? NULL : "withdraw_error_confirm", 400, reply);
		return;
	}
	if (!ratelimit_check(&web->limits, request->client_tag, RATELIMIT_RECEIPT_ATTEMPT, request->now,
			     &reply->retry_after)) {
		render_withdraw_form(web, lang, request, NULL, "report_error_limit", NULL, 429, reply);
		return;
	}
	int status = case_withdraw(web->reporting, receipt, request->now);
	if (status == 0 || status == CASE_NOT_AUDITED) {
		/* withdrawn (a missing audit entry is the team's problem, not the reporter's) */
		json_t *context = web_page_context(web, lang, "/opvolgen/intrekken", NULL, "withdraw_done_title", "followup");
		web_render(web, "withdraw_done", context, 200, reply);
	} else {
		unsigned code = status == 1 ? 401 : storage_failed(web) ? 503 : 500;
		render_withdraw_form(web, lang, request, NULL, status == 1 ? "followup_wrong_receipt" : "report_error_generic",
				     NULL, code, reply);
		if (code == 503)
			reply->retry_after = STORAGE_RETRY_SECONDS;
	}
}

/* ---- the JSON API ---- */

static const char *bearer_token(const struct http_request *request)
{
	const char *value = request->authorization;
	if (!value || strncmp(value, "Bearer ", 7) != 0)
		return NULL;
	return value + 7;
}

/* POST /api/v1/reports (blocking): the durable submission; the receipt goes out in a wiped buffer. */
void web_api_report_submit(struct web *web, enum kb_lang page_lang, const struct http_request *request,
			   struct http_reply *reply)
{
	(void)page_lang;
	if (!ratelimit_check(&web->limits, request->client_tag, RATELIMIT_SUBMISSION, request->now, &reply->retry_after)) {
		web_error_page(web, request, 429, reply);
		return;
	}
	struct report_input input;
	char error[REPORT_ERROR_SIZE];
	if (report_input_from_json(web->kb, request->body ? request->body : "", request->body_len, &input, error)) {
		web_reply_json_error(reply, 400, error);
		return;
	}
	char receipt[CRYPT_RECEIPT_TEXT_SIZE];
	if (storage_refuses_now(web)) {
		reply_not_stored(web, 503, reply);
	} else if (report_submit_at(web->reporting, &input, request->now, receipt)) {
		reply_not_stored(web, storage_failed(web) ? 503 : 500, reply);
	} else {
		web_reply_secret_json(reply, 201, json_pack("{s:s}", "receipt", receipt));
		crypt_wipe(receipt, sizeof receipt);
	}
	report_input_release(&input);
}

/* The API's answer when a follow-up read or write failed: 503 (try again later,
 * whom to call) when the storage is the cause, else 500. */
static void reply_followup_failed(struct web *web, const struct http_request *request, struct http_reply *reply)
{
	if (!storage_failed(web)) {
		web_error_page(web, request, 500, reply);
		return;
	}
	char message[200]; /* kb_load() guarantees the essm channel */
	const struct kb_channel *essm = kb_channel_by_id(web->kb, "essm");
	snprintf(message, sizeof message, "reports cannot be reached right now; please try again later or call %s at %s",
		 essm->name[KB_LANG_EN], essm->phone_display);
	web_reply_json_error(reply, 503, message);
	reply->retry_after = STORAGE_RETRY_SECONDS;
}

/* The body of a JSON call that carries a receipt, {"receipt": ...}, after the hourly limit on receipt
 * attempts: the parsed body (its "receipt" a string; json_decref it), or NULL when the answer (429 or
 * 400) is in `reply` already. */
static json_t *receipt_request(struct web *web, const struct http_request *request, struct http_reply *reply)
{
	if (!ratelimit_check(&web->limits, request->client_tag, RATELIMIT_RECEIPT_ATTEMPT, request->now,
			     &reply->retry_after)) {
		web_error_page(web, request, 429, reply);
		return NULL;
	}
	json_t *root = json_loadb(request->body ? request->body : "", request->body_len, JSON_REJECT_DUPLICATES, NULL);
	json_t *receipt = json_object_get(root, "receipt");
	if (!json_is_object(root) || !json_is_string(receipt) || json_object_size(root) != 1 ||
	    json_string_length(receipt) > 64) {
		json_decref(root);
		web_reply_json_error(reply, 400, "expected {\"receipt\": \"XXXXX-XXXXX-XXXXX-XXXXX\"}");
		return NULL;
	}
	return root;
}

/* POST /api/v1/followup (blocking): the receipt login; the token goes out in a wiped buffer. */
void web_api_followup_login(struct web *web, enum kb_lang page_lang, const struct http_request *request,
			    struct http_reply *reply)
{
	(void)page_lang;
	json_t *root = receipt_request(web, request, reply);
	if (!root)
		return;
	json_t *receipt = json_object_get(root, "receipt");
	char token[REPORT_TOKEN_SIZE];
	int status = report_login_at(web->reporting, json_string_value(receipt), request->now, token);
	json_decref(root);
	if (status == 0) {
		web_reply_secret_json(reply, 200, json_pack("{s:s}", "token", token));
		crypt_wipe(token, sizeof token);
	} else if (status == 1) {
		web_error_page(web, request, 401, reply);
	} else {
		reply_followup_failed(web, request, reply);
	}
}

/* GET /api/v1/followup (blocking): the decrypted report, in a wiped buffer. */
void web_api_followup_read(struct web *web, enum kb_lang page_lang, const struct http_request *request,
			   struct http_reply *reply)
{
	(void)page_lang;
	const char *token = bearer_token(request);
	json_t *report = NULL;
	int status = token ? report_followup_at(web->reporting, token, request->now, &report) : 1;
	if (status == 0)
		web_reply_secret_json(reply, 200, report);
	else if (status == 1)
		web_error_page(web, request, 401, reply);
	else
		reply_followup_failed(web, request, reply);
}

/* POST /api/v1/followup/messages (blocking): the reporter writes again. */
void web_api_followup_message(struct web *web, enum kb_lang page_lang, const struct http_request *request,
			      struct http_reply *reply)
{
	(void)page_lang;
	const char *token = bearer_token(request);
	if (!token) {
		web_error_page(web, request, 401, reply);
		return;
	}
	json_t *root = json_loadb(request->body ? request->body : "", request->body_len, JSON_REJECT_DUPLICATES, NULL);
	json_t *body = json_object_get(root, "body");
	const char *text = json_is_string(body) ? json_string_value(body) : NULL;
	if (!json_is_object(root) || !text || json_object_size(root) != 1 || strlen(text) != json_string_length(body)) {
		web_reply_json_error(reply, 400, "expected {\"body\": \"your message\"}");
	} else if (json_string_length(body) == 0 || json_string_length(body) > REPORT_MESSAGE_CAP) {
		web_reply_json_error(reply, 400, "field \"body\": must hold 1 to 5000 bytes");
	} else {
		int status = report_reply_at(web->reporting, token, text, request->now);
		if (status == 0)
			web_reply_json(reply, 201, json_pack("{s:b}", "stored", 1));
		else if (status == 1)
			web_error_page(web, request, 401, reply);
		else if (status == 2)
			web_reply_json_error(reply, 429, "this report has reached its maximum number of messages");
		else if (status == 3)
			web_reply_json_error(reply, 400, "field \"body\": must be UTF-8 text");
		else
			reply_followup_failed(web, request, reply);
	}
	json_decref(root);
}

/* POST /api/v1/withdraw (blocking): {"receipt": ...} destroys the report (case_withdraw); the same
 * hourly limit and the same 401 as a follow-up login. */
void web_api_withdraw(struct web *web, enum kb_lang page_lang, const struct http_request *request,
		      struct http_reply *reply)
{
	(void)page_lang;
	json_t *root = receipt_request(web, request, reply);
	if (!root)
		return;
	json_t *receipt = json_object_get(root, "receipt");
	int status = case_withdraw(web->reporting, json_string_value(receipt), request->now);
	json_decref(root); /* wiped as it is freed (report_json_wipes_on_free) */
	if (status == 0 || status == CASE_NOT_AUDITED)
		web_reply_json(reply, 200, json_pack("{s:b}", "withdrawn", 1));
	else if (status == 1)
		web_error_page(web, request, 401, reply);
	else
		reply_followup_failed(web, request, reply);
}
