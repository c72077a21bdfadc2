#include "situation.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "jsonkeys.h"
#include "timefmt.h"

__attribute__((format(printf, 2, 3))) static int reject(char error[SITUATION_ERROR_SIZE], const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(error, SITUATION_ERROR_SIZE, fmt, ap);
	va_end(ap);
	return -1;
}

/* Quotes a value from the input for a message, cut short and without control characters. */
static const char *quoted(const char *text, char *buffer, size_t size)
{
	size_t out = 0;
	for (size_t i = 0; text[i] && out + 4 < size; i++)
		buffer[out++] = (unsigned char)text[i] < 0x20 ? '?' : text[i];
	if (text[out] && out + 4 >= size) {
		buffer[out++] = '.';
		buffer[out++] = '.';
		buffer[out++] = '.';
	}
	buffer[out] = '\0';
	return buffer;
}

static json_t *parse_object(const char *text, size_t len, char error[SITUATION_ERROR_SIZE])
{
	json_error_t json_error;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &json_error);
	if (!root) {
		reject(error, "not valid JSON (line %d, column %d): %s", json_error.line, json_error.column,
		       json_error.text);
		return NULL;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		reject(error, "the input must be a JSON object");
		return NULL;
	}
	return root;
}

static int read_bool(json_t *root, const char *key, bool *out, char error[SITUATION_ERROR_SIZE])
{
	json_t *value = json_object_get(root, key);
	if (!value)
		return 0;
	if (!json_is_boolean(value))
		return reject(error, "field \"%s\": must be true or false", key);
	*out = json_is_true(value);
	return 0;
}

/* "minor": true, false or "unknown" (the age is not known). */
static int read_age(json_t *root, enum kb_age *out, char error[SITUATION_ERROR_SIZE])
{
	json_t *value = json_object_get(root, "minor");
	if (!value)
		return 0;
	if (json_is_boolean(value))
		*out = json_is_true(value) ? KB_AGE_MINOR : KB_AGE_ADULT;
	else if (json_is_string(value) && strcmp(json_string_value(value), "unknown") == 0)
		*out = KB_AGE_UNKNOWN;
	else
		return reject(error, "field \"minor\": must be true, false or \"unknown\"");
	return 0;
}

static int read_lang(json_t *root, enum kb_lang *out, char error[SITUATION_ERROR_SIZE])
{
	json_t *value = json_object_get(root, "lang");
	if (!value)
		return 0;
	char shown[40];
	if (!json_is_string(value))
		return reject(error, "field \"lang\": must be a string, \"nl\" or \"en\"");
	if (!kb_lang_from_id(json_string_value(value), out))
		return reject(error, "field \"lang\": unknown value \"%s\" (expected \"nl\" or \"en\")",
			      quoted(json_string_value(value), shown, sizeof shown));
	return 0;
}

static int read_signals(const struct kb *kb, json_t *root, size_t *signals, size_t *count,
			char error[SITUATION_ERROR_SIZE])
{
	json_t *list = json_object_get(root, "signals");
	*count = 0;
	if (!list)
		return 0;
	if (!json_is_array(list))
		return reject(error, "field \"signals\": must be a list of signal ids");
	if (json_array_size(list) > SITUATION_MAX_SIGNALS)
		return reject(error, "field \"signals\": more than %d entries", SITUATION_MAX_SIGNALS);
	size_t index;
	json_t *value;
	json_array_foreach(list, index, value) {
		char shown[60];
		if (!json_is_string(value))
			return reject(error, "field \"signals\"[%zu]: must be a string", index);
		long signal = kb_signal_index(kb, json_string_value(value));
		if (signal < 0)
			return reject(error, "field \"signals\"[%zu]: unknown signal id \"%s\"", index,
				      quoted(json_string_value(value), shown, sizeof shown));
		bool repeated = false;
		for (size_t i = 0; i < *count; i++)
			repeated = repeated || signals[i] == (size_t)signal;
		if (!repeated)
			signals[(*count)++] = (size_t)signal;
	}
	return 0;
}

/* "forms": a list of sexual, labour, criminal and unknown. */
static int read_forms(json_t *root, unsigned *out, bool *unknown, char error[SITUATION_ERROR_SIZE])
{
	json_t *forms = json_object_get(root, "forms");
	if (!forms)
		return 0;
	char shown[60];
	if (!json_is_array(forms))
		return reject(error, "field \"forms\": must be a list");
	if (json_array_size(forms) > 16)
		return reject(error, "field \"forms\": more than 16 entries");
	size_t index;
	json_t *value;
	json_array_foreach(forms, index, value) {
		enum kb_form form;
		if (!json_is_string(value))
			return reject(error, "field \"forms\"[%zu]: must be a string", index);
		const char *id = json_string_value(value);
		if (strcmp(id, "unknown") == 0)
			*unknown = true;
		else if (kb_form_from_id(id, &form))
			*out |= 1u << form;
		else
			return reject(error,
				      "field \"forms\"[%zu]: unknown value \"%s\" (expected sexual, labour, "
				      "criminal or unknown)",
				      index, quoted(id, shown, sizeof shown));
	}
	return 0;
}

static int check_keys(json_t *root, const char *const *allowed, char error[SITUATION_ERROR_SIZE])
{
	char shown[60];
	const char *unknown = json_unknown_key(root, allowed);
	return unknown ? reject(error, "unknown field \"%s\"", quoted(unknown, shown, sizeof shown)) : 0;
}

void situation_init(struct situation *situation)
{
	memset(situation, 0, sizeof *situation);
	situation->region = REGION_ROTTERDAM;
	situation->lang = KB_LANG_NL;
}

static int read_situation(const struct kb *kb, json_t *root, struct situation *out, char error[SITUATION_ERROR_SIZE])
{
	static const char *const allowed[] = {"acute_danger",	   "forms", "wants_advice", "report_victim",
					      "wants_anonymity",   "minor", "works_with_children",
					      "about_self",	   "region", "signals",	     "at",
					      "lang",		   NULL};
	char shown[60];
	if (check_keys(root, allowed, error) || read_bool(root, "acute_danger", &out->acute_danger, error) ||
	    read_bool(root, "wants_advice", &out->wants_advice, error) ||
	    read_bool(root, "report_victim", &out->report_victim, error) ||
	    read_bool(root, "wants_anonymity", &out->wants_anonymity, error) ||
	    read_bool(root, "works_with_children", &out->works_with_children, error) ||
	    read_bool(root, "about_self", &out->about_self, error) || read_age(root, &out->age, error) ||
	    read_lang(root, &out->lang, error) ||
	    read_signals(kb, root, out->signals, &out->signal_count, error))
		return -1;

	if (read_forms(root, &out->forms, &out->form_unknown, error))
		return -1;

	json_t *region = json_object_get(root, "region");
	if (region) {
		const char *id = json_is_string(region) ? json_string_value(region) : NULL;
		if (!id)
			return reject(error, "field \"region\": must be a string, \"rotterdam\" or \"other\"");
		if (strcmp(id, "rotterdam") == 0)
			out->region = REGION_ROTTERDAM;
		else if (strcmp(id, "other") == 0)
			out->region = REGION_OTHER;
		else
			return reject(error, "field \"region\": unknown value \"%s\" (expected \"rotterdam\" or \"other\")",
				      quoted(id, shown, sizeof shown));
	}

	json_t *at = json_object_get(root, "at");
	if (at) {
		if (!json_is_string(at))
			return reject(error, "field \"at\": must be an RFC 3339 time as a string");
		if (!rfc3339_parse(json_string_value(at), json_string_length(at), &out->at))
			return reject(error,
				      "field \"at\": \"%s\" is not a valid RFC 3339 time (like 2026-11-28T14:05:00+01:00) "
				      "from 1970 on",
				      quoted(json_string_value(at), shown, sizeof shown));
		out->has_time = true;
	}
	return 0;
}

int situation_from_object(const struct kb *kb, json_t *object, struct situation *out,
			  char error[SITUATION_ERROR_SIZE])
{
	situation_init(out);
	int result = read_situation(kb, object, out, error);
	if (result)
		situation_init(out);
	return result;
}

int situation_from_json(const struct kb *kb, const char *text, size_t len, struct situation *out,
			char error[SITUATION_ERROR_SIZE])
{
	situation_init(out);
	json_t *root = parse_object(text, len, error);
	if (!root)
		return -1;
	int result = situation_from_object(kb, root, out, error);
	json_decref(root);
	return result;
}

int assess_request_from_json(const struct kb *kb, const char *text, size_t len, struct assess_request *out,
			     char error[SITUATION_ERROR_SIZE])
{
	static const char *const allowed[] = {"signals", "minor", "forms", "lang", NULL};
	memset(out, 0, sizeof *out);
	out->lang = KB_LANG_NL;
	json_t *root = parse_object(text, len, error);
	if (!root)
		return -1;
	bool form_unknown = false;
	int result = check_keys(root, allowed, error) || read_age(root, &out->age, error) ||
			     read_forms(root, &out->forms, &form_unknown, error) || read_lang(root, &out->lang, error) ||
			     read_signals(kb, root, out->signals, &out->signal_count, error)
		     ? -1
		     : 0;
	json_decref(root);
	return result;
}
