/* The HTML side of online reporting: the report form (report or anonymous case
 * consultation), the receipt page, and the follow-up pages. Plain HTML forms,
 * no JavaScript, no cookies: the follow-up session token travels in a hidden
 * field of the page that shows the report. Every form carries a form token
 * (crypt_form_token) and a cross-site Origin is refused. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "web_internal.h"

static const char *const text_fields[] = {"what", "who", "where", "when", "how"};
static const char *const contact_fields[] = {"name", "phone", "email"};
static const char *const relation_values[] = {"professional", "family", "neighbour", "colleague", "self", "other"};
static const char *const form_values[] = {"sexual", "labour", "criminal", "unknown"};

static int64_t current_hour(void)
{
	return (int64_t)time(NULL) / 3600;
}

static bool from_this_site(const struct http_request *request)
{
	/* A browser says where a form came from; another site's form is refused.
	 * Current browsers send Sec-Fetch-Site. Older ones (Safari before 16.4)
	 * send only Origin, which is our own origin because the pages' referrer
	 * policy is same-origin. "Origin: null" without Sec-Fetch-Site is what a
	 * sandboxed frame on another site sends, and a request with neither header
	 * is no browser's form post: both are refused (docs/security.md). */
	if (request->fetch_site && strcmp(request->fetch_site, "same-origin") != 0 && strcmp(request->fetch_site, "none") != 0)
		return false;
	if (!request->fetch_site && (!request->origin || strcmp(request->origin, "null") == 0))
		return false;
	if (request->origin && strcmp(request->origin, "null") != 0 && request->host) {
		const char *origin_host = strstr(request->origin, "://");
		if (!origin_host || strcmp(origin_host + 3, request->host) != 0)
			return false;
	}
	return true;
}

static bool is_post_allowed(struct web *web, const struct http_request *request)
{
	return from_this_site(request) &&
	       crypt_form_token_valid(web->reporting->server_key, current_hour(), http_form_field(request, "csrf"));
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

/* `general_key`: a problem that belongs to no field (expired page, storage, limit), or NULL. */
static json_t *report_form_context(struct web *web, enum kb_lang lang, const struct http_request *request,
				   const struct form_problems *problems, const char *general_key)
{
	json_t *context = web_page_context(web, lang, "/melden", NULL, "report_title", "report");
	json_t *page = json_object();
	char token[CRYPT_FORM_TOKEN_SIZE];
	crypt_form_token(web->reporting->server_key, current_hour(), token);
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
		if (strcmp(general_key, "report_error_limit") == 0) {
			json_object_set_new(page, "calls", web_call_instead(web, lang));
			json_object_set_new(page, "has_calls", json_true());
		}
			json_object_set_new(page, "has_calls", json_true());
	}
	json_object_set_new(context, "page", page);
	json_object_set_new(context, "site", web_site_context(web, lang));
	return context;
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

/* The field and the words for a message of report_input_from_json(). */
static void add_validation_problem(struct form_problems *problems, const char *error)
{
	static const struct {
		const char *quoted, *field;
	} fields[] = {{"\"what\"", "what"},   {"\"who\"", "who"},	    {"\"where\"", "where"},
		      {"\"when\"", "when"},   {"\"how\"", "how"},	    {"\"contact.phone\"", "phone"},
		      {"\"contact.email\"", "email"}, {"\"contact.name\"", "name"}, {"\"contact\"", "phone"},
		      {"\"kind\"", "kind-report"}, {"\"relation\"", "relation-professional"}};
	bool too_long = strstr(error, "longer than") != NULL;
	for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
		if (!strstr(error, fields[i].quoted))
			continue;
		const char *field = fields[i].field;
		const char *key = too_long ? "report_error_too_long"
				: strcmp(field, "what") == 0 ? "report_error_what"
				: strcmp(field, "phone") == 0 && i == 5 ? "report_error_phone"
				: strcmp(field, "email") == 0 ? "report_error_email"
				: strcmp(field, "phone") == 0 ? "report_error_contact"
							      : "report_error_generic";
		add_problem(problems, field, key);
		return;
	}
	add_problem(problems, NULL, "report_error_generic");
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
	char error[REPORT_ERROR_SIZE];
	bool valid = text && report_input_from_json(web->kb, text, strlen(text), input, error) == 0;
	free(text);
	if (!valid)
		add_validation_problem(problems, error);
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

/* Worker thread: the durable submission, then the receipt page. */
static void job_submit_form(void *app, const struct http_request *request, struct http_reply *reply)
{
	struct web *web = app;
	const char *rest;
	enum kb_lang lang = web_split_language(request->path, &rest);
	struct report_input input;
	struct form_problems problems;
	reply->deferred = NULL;
	if (!read_report_form(web, request, &input, &problems)) {
		web_render(web, "report_form", report_form_context(web, lang, request, &problems, NULL), 400, reply);
		return;
	}
	char receipt[CRYPT_RECEIPT_TEXT_SIZE];
	const char *key = http_form_field(request, "submission");
	int status = is_submission_key(key) ? report_submit_once(web->reporting, &input, key, receipt)
					    : report_submit(web->reporting, &input, receipt);
	if (status == 1) {
		/* this form was sent before (Back or reload after the receipt): nothing new, and no receipt again */
		report_input_release(&input);
		json_t *context = web_page_context(web, lang, "/melden", NULL, "report_sent_title", "report");
		json_object_set_new(context, "site", web_site_context(web, lang));
		json_object_set_new(context, "page", json_pack("{s:o, s:b}", "calls", web_call_instead(web, lang), "has_calls", 1));
		web_render(web, "report_sent", context, 409, reply);
		return;
	}
	if (status) {
		report_input_release(&input);
		web_render(web, "report_form", report_form_context(web, lang, request, NULL, "report_error_storage"), 500, reply);
		return;
	}
	report_input_release(&input);
	bool contact = contact_wanted(request);
	json_t *context = receipt_context(web, lang, receipt, has_form_value(request, "danger", "1"), contact, NULL);
	crypt_wipe(receipt, sizeof receipt);
	web_render(web, "report_receipt", context, 201, reply);
}

static void render_followup_login(struct web *web, enum kb_lang lang, const char *error_key, unsigned status,
				  struct http_reply *reply)
{
	json_t *context = web_page_context(web, lang, "/opvolgen", NULL, "followup_title", "followup");
	char token[CRYPT_FORM_TOKEN_SIZE];
	crypt_form_token(web->reporting->server_key, current_hour(), token);
	json_t *page = json_pack("{s:s}", "csrf", token);
	if (error_key) {
		json_object_set_new(page, "error", json_string(web_text(web, lang, error_key)));
		json_t *item = web_add_error(web, lang, context, "receipt", web_text(web, lang, error_key));
		if (status == 429) {
			const struct kb_channel *essm = kb_channel_by_id(web->kb, "essm"); /* kb_load() guarantees it */
			json_object_set_new(item, "call", json_pack("{s:s, s:s, s:s}", "name", essm->name[lang], "display",
								    essm->phone_display, "tel", essm->phone_tel));
			json_object_set_new(page, "calls", web_call_instead(web, lang));
			json_object_set_new(page, "has_calls", json_true());
		}
	}
	json_object_set_new(context, "page", page);
	web_render(web, "followup_login", context, status, reply);
}

static void render_followup_view(struct web *web, enum kb_lang lang, const char *token, const char *note_key,
				 const char *error_key, struct http_reply *reply)
{
	json_t *report = NULL;
	if (report_followup(web->reporting, token, &report) != 0) {
		render_followup_login(web, lang, "followup_expired", 401, reply);
		return;
	}
	json_t *context = web_page_context(web, lang, "/opvolgen", NULL, "followup_title", "followup");
	char form_token[CRYPT_FORM_TOKEN_SIZE];
	crypt_form_token(web->reporting->server_key, current_hour(), form_token);
	char status_key[40];
	snprintf(status_key, sizeof status_key, "status_%s", json_string_value(json_object_get(report, "status")));
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
		web_day_in_words(web, lang, json_string_value(json_object_get(message, "day")), false, words,
				 sizeof words);
		json_object_set_new(message, "day", json_string(words));
	}
	{
		char words[80];
		web_day_in_words(web, lang, json_string_value(json_object_get(report, "day")), false, words,
				 sizeof words);
		json_object_set_new(report, "day", json_string(words));
	}
	json_t *page = json_pack("{s:s, s:s, s:s, s:O, s:s}", "token", token, "csrf", form_token, "status",
				 web_text(web, lang, status_key), "report", report, "kind",
				 web_text(web, lang, strcmp(json_string_value(json_object_get(report, "kind")), "consultation") == 0
							     ? "kind_consultation" : "kind_report"));
	json_object_set_new(page, "has_messages", json_boolean(json_array_size(messages) > 0));
	if (note_key)
		json_object_set_new(page, "note", json_string(web_text(web, lang, note_key)));
	if (error_key) {
		json_object_set_new(page, "error", json_string(web_text(web, lang, error_key)));
		web_add_error(web, lang, context, "body", web_text(web, lang, error_key));
	}
	json_decref(report);
	json_object_set_new(context, "page", page);
	web_render(web, "followup_view", context, error_key ? 400 : 200, reply);
}

/* Worker thread: the receipt login (database read). */
static void job_followup_form(void *app, const struct http_request *request, struct http_reply *reply)
{
	struct web *web = app;
	const char *rest;
	enum kb_lang lang = web_split_language(request->path, &rest);
	reply->deferred = NULL;
	const char *receipt = http_form_field(request, "receipt");
	char token[REPORT_TOKEN_SIZE];
	int status = receipt && strlen(receipt) <= 64 ? report_login(web->reporting, receipt, token) : 1;
	if (status == 0) {
		render_followup_view(web, lang, token, NULL, NULL, reply);
		crypt_wipe(token, sizeof token);
	} else {
		render_followup_login(web, lang, status == 1 ? "followup_wrong_receipt" : "report_error_generic",
				      status == 1 ? 401 : 500, reply);
	}
}

bool web_report_page(struct web *web, enum kb_lang lang, const char *rest, const struct http_request *request,
		     struct http_reply *reply)
{
	bool is_form = strcmp(rest, "/melden") == 0;
	bool is_followup = strcmp(rest, "/opvolgen") == 0;
	bool is_message = strcmp(rest, "/opvolgen/bericht") == 0;
	bool is_code_file = strcmp(rest, "/melden/code") == 0;
	bool is_saved = strcmp(rest, "/melden/bewaard") == 0;
	if (!is_form && !is_followup && !is_message && !is_code_file && !is_saved)
		return false;
	if (is_code_file || is_saved) {
		char receipt[CRYPT_RECEIPT_TEXT_SIZE];
		if (request->method != HTTP_POST) {
			web_error_page(web, request, 405, reply);
			reply->allow = "POST";
		} else if (!from_this_site(request) || !receipt_display(http_form_field(request, "code"), receipt)) {
			web_error_page(web, request, 400, reply);
		} else if (is_code_file) {
			reply_receipt_file(web, lang, receipt, reply);
		} else if (!has_form_value(request, "saved", "1")) {
			/* "I have saved it" not ticked: the same receipt page again, with the question first */
			web_render(web, "report_receipt",
				   receipt_context(web, lang, receipt, false, -1, web_text(web, lang, "receipt_saved_error")),
				   400, reply);
		} else {
			json_t *context = web_page_context(web, lang, "/melden", NULL, "receipt_done_title", "report");
			json_object_set_new(context, "site", web_site_context(web, lang));
			json_t *address = followup_address(web, lang);
			json_object_set_new(context, "page", address ? json_pack("{s:o}", "followup_address", address) : json_object());
			web_render(web, "report_done", context, 200, reply);
		}
		crypt_wipe(receipt, sizeof receipt);
		return true;
	}
	if (request->method == HTTP_GET || request->method == HTTP_HEAD) {
		if (is_message) {
			web_error_page(web, request, 405, reply);
			reply->allow = "POST";
		} else if (is_form) {
			web_render(web, "report_form", report_form_context(web, lang, request, NULL, NULL), 200, reply);
		} else {
			render_followup_login(web, lang, NULL, 200, reply);
		}
		return true;
	}
	if (request->method != HTTP_POST) {
		web_error_page(web, request, 405, reply);
		reply->allow = is_message ? "POST" : "GET, HEAD, POST";
		return true;
	}
	if (request->form_overflow) {
		web_error_page(web, request, 413, reply);
		return true;
	}
	if (is_form && has_form_value(request, "danger", "1") && !has_form_value(request, "danger_seen", "1")) {
		/* acute danger: 112 first; nothing is sent yet, and what was typed stays in the form */
		json_t *context = report_form_context(web, lang, request, NULL, NULL);
		json_object_set_new(json_object_get(context, "page"), "danger_stop", json_true());
		json_object_set_new(json_object_get(context, "page"), "danger_seen", json_true());
		web_render(web, "report_form", context, 200, reply);
		return true;
	}
	if (!is_post_allowed(web, request)) {
		/* an old page or another site: show the form again, with what was typed */
		if (is_form)
			web_render(web, "report_form", report_form_context(web, lang, request, NULL, "report_error_expired"), 403, reply);
		else
			render_followup_login(web, lang, "report_error_expired", 403, reply);
		return true;
	}
	/* bytes that are not text, a NUL, or a field that the form has once sent
	 * twice: refused, with the form (and what was typed) shown again */
	static const char *const repeatable[] = {"form", "signal", NULL};
	if (request->form_invalid || http_form_repeated(request, repeatable)) {
		if (is_form)
			web_render(web, "report_form", report_form_context(web, lang, request, NULL, "report_error_generic"),
				   400, reply);
		else if (is_message && http_form_field(request, "token"))
			render_followup_view(web, lang, http_form_field(request, "token"), NULL, "report_error_generic",
					     reply);
		else
			render_followup_login(web, lang, "report_error_generic", 400, reply);
		return true;
	}
	int64_t now = (int64_t)time(NULL);
	if (is_form) {
		struct report_input input;
		struct form_problems problems;
		if (!read_report_form(web, request, &input, &problems)) {
			web_render(web, "report_form", report_form_context(web, lang, request, &problems, NULL), 400, reply);
			return true;
		}
		report_input_release(&input);
		if (!ratelimit_check(&web->limits, request->client_tag, RATELIMIT_SUBMISSION, now, &reply->retry_after)) {
			web_render(web, "report_form", report_form_context(web, lang, request, NULL, "report_error_limit"), 429, reply);
			return true;
		}
		reply->deferred = job_submit_form;
	} else if (is_followup) {
		if (!ratelimit_check(&web->limits, request->client_tag, RATELIMIT_RECEIPT_ATTEMPT, now, &reply->retry_after)) {
			render_followup_login(web, lang, "report_error_limit", 429, reply);
			return true;
		}
		reply->deferred = job_followup_form;
	} else {
		const char *token = http_form_field(request, "token");
		const char *body = http_form_field(request, "body");
		if (!token) {
			render_followup_login(web, lang, "followup_expired", 401, reply);
		} else if (!body || !*body || strlen(body) > REPORT_MESSAGE_CAP) {
			render_followup_view(web, lang, token, NULL, "followup_message_empty", reply);
		} else {
			int status = report_reply(web->reporting, token, body);
			if (status == 1)
				render_followup_login(web, lang, "followup_expired", 401, reply);
			else
				render_followup_view(web, lang, token, status == 0 ? "followup_message_stored" : NULL,
						     status == 0 ? NULL : status == 2 ? "followup_message_limit" : "report_error_generic",
						     reply);
		}
	}
	return true;
}
