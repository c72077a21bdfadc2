#include "kb.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonkeys.h"
#include "strbuf.h"

#define KB_FILE_CAP (4u * 1024u * 1024u)
#define KB_TEXT_CAP 2000u
#define KB_ID_CAP 80u
#define KB_MAX_SIGNALS 1000u
#define KB_MAX_INDICATORS 500u

static const char *const lang_ids[KB_LANG_COUNT] = {"nl", "en"};
static const char *const form_ids[KB_FORM_COUNT] = {"sexual", "labour", "criminal"};
static const char *const profile_ids[KB_PROFILE_COUNT] = {"adult", "minor"};
static const char *const dimension_ids[KB_DIMENSION_COUNT] = {
	"deceptive_recruitment",   "coercive_recruitment",    "recruitment_abuse_of_vulnerability",
	"exploitative_conditions", "coercion_at_destination", "abuse_of_vulnerability_at_destination",
};
static const char *const strength_ids[] = {"none", "weak", "medium", "strong"};
static const char *const confidence_ids[] = {"low", "medium", "high"};
static const char *const weekday_ids[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
/* The leaflet's channels: the product is wrong without any of them. */
static const char *const required_channels[] = {"112", "politie", "essm", "nla", "meldmisdaadanoniem"};

const char *kb_lang_id(enum kb_lang lang) { return lang_ids[lang]; }
const char *kb_form_id(enum kb_form form) { return form_ids[form]; }
const char *kb_profile_id(enum kb_profile profile) { return profile_ids[profile]; }
const char *kb_dimension_id(enum kb_dimension dimension) { return dimension_ids[dimension]; }
const char *kb_strength_id(enum kb_strength strength) { return strength_ids[strength]; }
const char *kb_confidence_id(enum kb_confidence confidence) { return confidence_ids[confidence]; }

static int index_of(const char *const *table, int count, const char *id)
{
	for (int i = 0; i < count; i++) {
		if (strcmp(table[i], id) == 0)
			return i;
	}
	return -1;
}

bool kb_lang_from_id(const char *id, enum kb_lang *out)
{
	int i = index_of(lang_ids, KB_LANG_COUNT, id);
	if (i >= 0)
		*out = (enum kb_lang)i;
	return i >= 0;
}

bool kb_form_from_id(const char *id, enum kb_form *out)
{
	int i = index_of(form_ids, KB_FORM_COUNT, id);
	if (i >= 0)
		*out = (enum kb_form)i;
	return i >= 0;
}

/* Where a validation problem was found, for the error message. */
struct place {
	const char *file;
	char entry[160];
	struct kb_error *err;
};

__attribute__((format(printf, 3, 4))) static int fail(struct place *place, const char *field, const char *fmt, ...)
{
	char problem[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(problem, sizeof problem, fmt, ap);
	va_end(ap);
	if (field)
		snprintf(place->err->message, sizeof place->err->message, "%s: %s: field \"%s\": %s", place->file,
			 place->entry, field, problem);
	else
		snprintf(place->err->message, sizeof place->err->message, "%s: %s: %s", place->file, place->entry,
			 problem);
	return -1;
}

static int check_keys(struct place *place, json_t *object, const char *const *allowed)
{
	const char *unknown = json_unknown_key(object, allowed);
	return unknown ? fail(place, unknown, "unknown field (a typo?)") : 0;
}

static int get_object(struct place *place, json_t *parent, const char *field, bool optional, json_t **out)
{
	json_t *value = json_object_get(parent, field);
	*out = NULL;
	if (!value || (optional && json_is_null(value)))
		return optional ? 0 : fail(place, field, "is missing");
	if (!json_is_object(value))
		return fail(place, field, "must be an object");
	*out = value;
	return 0;
}

static int get_array(struct place *place, json_t *parent, const char *field, json_t **out)
{
	json_t *value = json_object_get(parent, field);
	*out = NULL;
	if (!value)
		return fail(place, field, "is missing");
	if (!json_is_array(value))
		return fail(place, field, "must be a list");
	*out = value;
	return 0;
}

static int get_string(struct place *place, json_t *parent, const char *field, bool optional, size_t cap,
		      const char **out)
{
	json_t *value = json_object_get(parent, field);
	*out = NULL;
	if (!value || (optional && json_is_null(value)))
		return optional ? 0 : fail(place, field, "is missing");
	if (!json_is_string(value))
		return fail(place, field, "must be a string");
	const char *text = json_string_value(value);
	size_t len = json_string_length(value);
	if (len == 0)
		return fail(place, field, "is empty");
	if (len > cap)
		return fail(place, field, "is longer than %zu bytes", cap);
	if (strlen(text) != len)
		return fail(place, field, "contains a NUL character");
	*out = text;
	return 0;
}

static int get_enum(struct place *place, json_t *parent, const char *field, const char *const *table, int count,
		    int *out)
{
	const char *text = NULL;
	*out = -1;
	if (get_string(place, parent, field, false, KB_ID_CAP, &text))
		return -1;
	int i = index_of(table, count, text);
	if (i < 0)
		return fail(place, field, "unknown value \"%s\"", text);
	*out = i;
	return 0;
}

/* A text in every language: {"nl": "...", "en": "..."}; NULL entries when optional and null. */
static int get_texts(struct place *place, json_t *parent, const char *field, bool optional,
		     const char *out[KB_LANG_COUNT])
{
	json_t *object;
	for (int l = 0; l < KB_LANG_COUNT; l++)
		out[l] = NULL;
	if (get_object(place, parent, field, optional, &object))
		return -1;
	if (!object)
		return 0;
	char name[64];
	if (check_keys(place, object, (const char *const[]){"nl", "en", NULL}))
		return -1;
	for (int l = 0; l < KB_LANG_COUNT; l++) {
		snprintf(name, sizeof name, "%s.%s", field, lang_ids[l]);
		json_t *value = json_object_get(object, lang_ids[l]);
		if (!value)
			return fail(place, name, "is missing: every text needs Dutch and English");
		if (!json_is_string(value) || json_string_length(value) == 0)
			return fail(place, name, "must be a non-empty string");
		if (json_string_length(value) > KB_TEXT_CAP)
			return fail(place, name, "is longer than %u bytes", KB_TEXT_CAP);
		out[l] = json_string_value(value);
	}
	return 0;
}

static bool is_valid_id(const char *id)
{
	for (const char *c = id; *c; c++) {
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-' || *c == '_' || *c == '.'))
			return false;
	}
	return *id != '\0';
}

static char *own_string(struct kb *kb, char *text)
{
	char **grown = realloc(kb->owned_strings, (kb->owned_string_count + 1) * sizeof *grown);
	if (!grown) {
		free(text);
		return NULL;
	}
	kb->owned_strings = grown;
	kb->owned_strings[kb->owned_string_count++] = text;
	return text;
}

static json_t *parse_document(struct place *place, const char *text, size_t len)
{
	json_error_t error;
	json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &error);
	if (!doc) {
		snprintf(place->err->message, sizeof place->err->message, "%s: line %d, column %d: not valid JSON: %s",
			 place->file, error.line, error.column, error.text);
		return NULL;
	}
	if (!json_is_object(doc)) {
		json_decref(doc);
		snprintf(place->err->message, sizeof place->err->message, "%s: the file must hold a JSON object",
			 place->file);
		return NULL;
	}
	return doc;
}

/* Checks that a {"key": "description"} map of sources is well formed. */
static int check_sources(struct place *place, json_t *doc, json_t **sources_out)
{
	json_t *sources;
	snprintf(place->entry, sizeof place->entry, "top level");
	if (get_object(place, doc, "sources", false, &sources))
		return -1;
	const char *key;
	json_t *value;
	json_object_foreach(sources, key, value) {
		if (!json_is_string(value) || json_string_length(value) == 0)
			return fail(place, "sources", "source \"%s\" must have a non-empty description", key);
	}
	*sources_out = sources;
	return 0;
}

/* ---- ilo_indicators.json ---- */

struct form_rule {
	bool inherit_confidence;
	enum kb_confidence confidence;
	json_t *overrides;
};

static int load_indicators(struct kb *kb, json_t *doc, struct form_rule rules[KB_FORM_COUNT], struct kb_error *err)
{
	struct place place = {.file = "ilo_indicators.json", .err = err};
	snprintf(place.entry, sizeof place.entry, "top level");
	if (check_keys(&place, doc, (const char *const[]){"about", "source", "forms", "indicators", NULL}))
		return -1;
	const char *source;
	if (get_string(&place, doc, "source", false, KB_TEXT_CAP, &source))
		return -1;
	json_t *indicators, *forms;
	if (get_array(&place, doc, "indicators", &indicators) || get_array(&place, doc, "forms", &forms))
		return -1;
	size_t count = json_array_size(indicators);
	if (count == 0 || count > KB_MAX_INDICATORS)
		return fail(&place, "indicators", "must hold 1 to %u entries", KB_MAX_INDICATORS);
	kb->indicators = calloc(count, sizeof *kb->indicators);
	if (!kb->indicators)
		return fail(&place, NULL, "out of memory");

	for (size_t i = 0; i < count; i++) {
		json_t *entry = json_array_get(indicators, i);
		struct kb_indicator *indicator = &kb->indicators[i];
		snprintf(place.entry, sizeof place.entry, "indicator #%zu", i + 1);
		if (!json_is_object(entry))
			return fail(&place, NULL, "must be an object");
		if (check_keys(&place, entry,
			       (const char *const[]){"id", "dimension", "indicator", "adult", "minor", "confidence",
						     "note", NULL}))
			return -1;
		int dimension, confidence;
		if (get_string(&place, entry, "id", false, KB_ID_CAP, &indicator->id))
			return -1;
		snprintf(place.entry, sizeof place.entry, "indicator \"%s\" (#%zu)", indicator->id, i + 1);
		if (get_enum(&place, entry, "dimension", dimension_ids, KB_DIMENSION_COUNT, &dimension) ||
		    get_string(&place, entry, "indicator", false, KB_TEXT_CAP, &indicator->name) ||
		    get_enum(&place, entry, "confidence", confidence_ids, 3, &confidence))
			return -1;
		indicator->dimension = (enum kb_dimension)dimension;
		indicator->confidence = (enum kb_confidence)confidence;
		size_t prefix = strlen(dimension_ids[dimension]);
		if (!is_valid_id(indicator->id) || strncmp(indicator->id, dimension_ids[dimension], prefix) != 0 ||
		    indicator->id[prefix] != '.')
			return fail(&place, "id", "must be \"%s.<name>\" in lower case", dimension_ids[dimension]);
		for (size_t j = 0; j < i; j++) {
			if (strcmp(kb->indicators[j].id, indicator->id) == 0)
				return fail(&place, "id", "is used twice");
		}
		for (int p = 0; p < KB_PROFILE_COUNT; p++) {
			json_t *value = json_object_get(entry, profile_ids[p]);
			if (!value)
				return fail(&place, profile_ids[p], "is missing (use null when not on that list)");
			if (json_is_null(value)) {
				indicator->strength[p] = KB_STRENGTH_NONE;
				continue;
			}
			int strength = json_is_string(value) ? index_of(strength_ids + 1, 3, json_string_value(value)) : -1;
			if (strength < 0)
				return fail(&place, profile_ids[p], "must be \"strong\", \"medium\", \"weak\" or null");
			indicator->strength[p] = (enum kb_strength)(strength + 1);
		}
	}
	kb->indicator_count = count;

	bool seen[KB_FORM_COUNT] = {false};
	for (size_t i = 0; i < json_array_size(forms); i++) {
		json_t *entry = json_array_get(forms, i);
		snprintf(place.entry, sizeof place.entry, "form rule #%zu", i + 1);
		if (!json_is_object(entry))
			return fail(&place, NULL, "must be an object");
		if (check_keys(&place, entry, (const char *const[]){"form", "basis", "confidence", "overrides", NULL}))
			return -1;
		int form;
		const char *basis, *confidence;
		json_t *overrides;
		if (get_enum(&place, entry, "form", form_ids, KB_FORM_COUNT, &form) ||
		    get_string(&place, entry, "basis", false, KB_TEXT_CAP, &basis) ||
		    get_string(&place, entry, "confidence", false, KB_ID_CAP, &confidence) ||
		    get_array(&place, entry, "overrides", &overrides))
			return -1;
		if (seen[form])
			return fail(&place, "form", "\"%s\" has two rules", form_ids[form]);
		seen[form] = true;
		struct form_rule *rule = &rules[form];
		rule->overrides = overrides;
		rule->inherit_confidence = strcmp(confidence, "inherit") == 0;
		if (!rule->inherit_confidence) {
			int c = index_of(confidence_ids, 3, confidence);
			if (c < 0)
				return fail(&place, "confidence", "must be \"inherit\", \"low\", \"medium\" or \"high\"");
			rule->confidence = (enum kb_confidence)c;
			kb->form_provisional[form] = rule->confidence == KB_CONFIDENCE_LOW;
		}
		for (size_t j = 0; j < json_array_size(overrides); j++) {
			json_t *override = json_array_get(overrides, j);
			const char *id;
			if (!json_is_object(override))
				return fail(&place, "overrides", "entry %zu must be an object", j + 1);
			if (check_keys(&place, override, (const char *const[]){"indicator", "adult", "minor", NULL}) ||
			    get_string(&place, override, "indicator", false, KB_ID_CAP, &id))
				return -1;
			bool found = false;
			for (size_t k = 0; k < kb->indicator_count; k++)
				found = found || strcmp(kb->indicators[k].id, id) == 0;
			if (!found)
				return fail(&place, "overrides", "unknown indicator \"%s\"", id);
			for (int p = 0; p < KB_PROFILE_COUNT; p++) {
				json_t *value = json_object_get(override, profile_ids[p]);
				if (value && (!json_is_string(value) ||
					      index_of(strength_ids + 1, 3, json_string_value(value)) < 0))
					return fail(&place, "overrides", "\"%s\" must be \"strong\", \"medium\" or \"weak\"",
						    profile_ids[p]);
			}
		}
	}
	snprintf(place.entry, sizeof place.entry, "top level");
	for (int f = 0; f < KB_FORM_COUNT; f++) {
		if (!seen[f])
			return fail(&place, "forms", "no rule for form \"%s\"", form_ids[f]);
	}
	return 0;
}

/* The strength of an indicator for a form and profile, after the form's overrides. */
static enum kb_strength strength_for(const struct kb_indicator *indicator, const struct form_rule *rule,
				     enum kb_profile profile)
{
	for (size_t j = 0; j < json_array_size(rule->overrides); j++) {
		json_t *override = json_array_get(rule->overrides, j);
		if (strcmp(json_string_value(json_object_get(override, "indicator")), indicator->id) != 0)
			continue;
		json_t *value = json_object_get(override, profile_ids[profile]);
		if (value)
			return (enum kb_strength)(index_of(strength_ids + 1, 3, json_string_value(value)) + 1);
	}
	return indicator->strength[profile];
}

/* Opens a file's list of entries: checks the top-level fields and the sources,
 * and that the list holds 1 to `cap` entries. */
static int open_entry_list(struct place *place, json_t *doc, const char *list_name, size_t cap, json_t **sources,
			   json_t **list)
{
	snprintf(place->entry, sizeof place->entry, "top level");
	if (check_keys(place, doc, (const char *const[]){"about", "sources", list_name, NULL}) ||
	    check_sources(place, doc, sources) || get_array(place, doc, list_name, list))
		return -1;
	size_t count = json_array_size(*list);
	if (count == 0 || count > cap)
		return fail(place, list_name, "must hold 1 to %zu entries", cap);
	return 0;
}

/* Reads entry `index` of a list: an object with only `allowed` fields and a
 * unique, well-formed "id"; names the entry in later messages by that id. */
static int read_entry(struct place *place, json_t *list, size_t index, const char *kind,
		      const char *const *allowed, json_t **entry, const char **id)
{
	*entry = json_array_get(list, index);
	snprintf(place->entry, sizeof place->entry, "%s #%zu", kind, index + 1);
	if (!json_is_object(*entry))
		return fail(place, NULL, "must be an object");
	if (check_keys(place, *entry, allowed) || get_string(place, *entry, "id", false, KB_ID_CAP, id))
		return -1;
	snprintf(place->entry, sizeof place->entry, "%s \"%s\" (#%zu)", kind, *id, index + 1);
	if (!is_valid_id(*id))
		return fail(place, "id", "may hold only a-z, 0-9, '-', '_' and '.'");
	for (size_t j = 0; j < index; j++) {
		const char *earlier = json_string_value(json_object_get(json_array_get(list, j), "id"));
		if (strcmp(earlier, *id) == 0)
			return fail(place, "id", "is used twice");
	}
	return 0;
}

/* ---- signals.json ---- */

static int load_signals(struct kb *kb, json_t *doc, const struct form_rule rules[KB_FORM_COUNT], struct kb_error *err)
{
	struct place place = {.file = "signals.json", .err = err};
	json_t *sources, *signals;
	if (open_entry_list(&place, doc, "signals", KB_MAX_SIGNALS, &sources, &signals))
		return -1;
	size_t count = json_array_size(signals);
	kb->signals = calloc(count, sizeof *kb->signals);
	if (!kb->signals)
		return fail(&place, NULL, "out of memory");

	for (size_t i = 0; i < count; i++) {
		json_t *entry;
		struct kb_signal *signal = &kb->signals[i];
		kb->signal_count = i + 1; /* so kb_release() frees what this entry allocates */
		if (read_entry(&place, signals, i, "signal",
			       (const char *const[]){"id", "forms", "profiles", "text", "indicators", "act", "source", NULL},
			       &entry, &signal->id))
			return -1;
		if (get_texts(&place, entry, "text", false, signal->text))
			return -1;

		json_t *forms, *profiles, *indicators, *source_keys;
		if (get_array(&place, entry, "forms", &forms) || get_array(&place, entry, "profiles", &profiles) ||
		    get_array(&place, entry, "indicators", &indicators) ||
		    get_array(&place, entry, "source", &source_keys))
			return -1;
		for (size_t j = 0; j < json_array_size(forms); j++) {
			json_t *value = json_array_get(forms, j);
			int form = json_is_string(value) ? index_of(form_ids, KB_FORM_COUNT, json_string_value(value)) : -1;
			if (form < 0)
				return fail(&place, "forms", "entry %zu must be \"sexual\", \"labour\" or \"criminal\"", j + 1);
			signal->forms |= 1u << form;
		}
		for (size_t j = 0; j < json_array_size(profiles); j++) {
			json_t *value = json_array_get(profiles, j);
			int profile = json_is_string(value) ? index_of(profile_ids, KB_PROFILE_COUNT, json_string_value(value)) : -1;
			if (profile < 0)
				return fail(&place, "profiles", "entry %zu must be \"adult\" or \"minor\"", j + 1);
			signal->profiles |= 1u << profile;
		}
		if (!signal->forms)
			return fail(&place, "forms", "must name at least one form");
		if (!signal->profiles)
			return fail(&place, "profiles", "must name at least one profile");
		json_t *acts = json_object_get(entry, "act");
		if (acts && get_array(&place, entry, "act", &acts))
			return -1;
		for (size_t j = 0; acts && j < json_array_size(acts); j++) {
			json_t *value = json_array_get(acts, j);
			int form = json_is_string(value) ? index_of(form_ids, KB_FORM_COUNT, json_string_value(value)) : -1;
			if (form != KB_FORM_SEXUAL && form != KB_FORM_CRIMINAL)
				return fail(&place, "act", "entry %zu must be \"sexual\" or \"criminal\"", j + 1);
			if (!(signal->forms & (1u << form)))
				return fail(&place, "act", "\"%s\" is not among the signal's forms", form_ids[form]);
			signal->acts |= 1u << form;
		}

		struct strbuf joined;
		strbuf_init(&joined, 8 * KB_TEXT_CAP);
		if (json_array_size(source_keys) == 0) {
			return fail(&place, "source", "every signal needs a source");
		}
		for (size_t j = 0; j < json_array_size(source_keys); j++) {
			json_t *key = json_array_get(source_keys, j);
			json_t *description = json_is_string(key) ? json_object_get(sources, json_string_value(key)) : NULL;
			if (!description) {
				strbuf_release(&joined);
				return fail(&place, "source", "entry %zu is not a key of the file's \"sources\"", j + 1);
			}
			if ((j && strbuf_addstr(&joined, "; ")) || strbuf_addstr(&joined, json_string_value(description))) {
				strbuf_release(&joined);
				return fail(&place, "source", "too long");
			}
		}
		signal->source = own_string(kb, joined.buf);
		if (!signal->source)
			return fail(&place, NULL, "out of memory");

		size_t indicator_count = json_array_size(indicators);
		size_t max_weights = indicator_count * KB_FORM_COUNT * KB_PROFILE_COUNT;
		if (indicator_count > 16)
			return fail(&place, "indicators", "more than 16 indicators for one signal");
		signal->weights = max_weights ? calloc(max_weights, sizeof *signal->weights) : NULL;
		if (max_weights && !signal->weights)
			return fail(&place, NULL, "out of memory");
		for (size_t j = 0; j < indicator_count; j++) {
			json_t *value = json_array_get(indicators, j);
			const char *id = json_is_string(value) ? json_string_value(value) : "";
			size_t found = kb->indicator_count;
			for (size_t k = 0; k < kb->indicator_count; k++) {
				if (strcmp(kb->indicators[k].id, id) == 0)
					found = k;
			}
			if (found == kb->indicator_count)
				return fail(&place, "indicators", "entry %zu is not an indicator of ilo_indicators.json", j + 1);
			const struct kb_indicator *indicator = &kb->indicators[found];
			for (int f = 0; f < KB_FORM_COUNT; f++) {
				if (!(signal->forms & (1u << f)))
					continue;
				for (int p = 0; p < KB_PROFILE_COUNT; p++) {
					if (!(signal->profiles & (1u << p)))
						continue;
					enum kb_strength strength = strength_for(indicator, &rules[f], (enum kb_profile)p);
					if (strength == KB_STRENGTH_NONE)
						continue;
					enum kb_confidence confidence = indicator->confidence;
					if (!rules[f].inherit_confidence && rules[f].confidence < confidence)
						confidence = rules[f].confidence;
					signal->weights[signal->weight_count++] = (struct kb_weight){
						.form = (enum kb_form)f,
						.profile = (enum kb_profile)p,
						.dimension = indicator->dimension,
						.strength = strength,
						.confidence = confidence,
						.indicator = found,
					};
				}
			}
		}
	}
	return 0;
}

/* ---- channels.json ---- */

static const char *const channel_fact_names[] = {"phone", "url", "url_en", "purpose", "anonymity", "cost", "hours",
						 "region", NULL};

static int load_hours(struct place *place, json_t *entry, struct opening_hours *hours)
{
	json_t *object;
	if (get_object(place, entry, "hours", false, &object))
		return -1;
	if (check_keys(place, object, (const char *const[]){"state", "intervals", NULL}))
		return -1;
	const char *state;
	if (get_string(place, object, "state", false, KB_ID_CAP, &state))
		return -1;
	memset(hours, 0, sizeof *hours);
	if (strcmp(state, "always") == 0 || strcmp(state, "unknown") == 0) {
		hours->kind = strcmp(state, "always") == 0 ? HOURS_ALWAYS : HOURS_UNKNOWN;
		if (json_object_get(object, "intervals"))
			return fail(place, "hours.intervals", "only goes with state \"weekly\"");
		return 0;
	}
	if (strcmp(state, "weekly") != 0)
		return fail(place, "hours.state", "must be \"always\", \"weekly\" or \"unknown\"");
	hours->kind = HOURS_WEEKLY;
	json_t *intervals;
	if (get_array(place, object, "intervals", &intervals))
		return -1;
	size_t count = json_array_size(intervals);
	if (count == 0 || count > HOURS_MAX_INTERVALS)
		return fail(place, "hours.intervals", "must hold 1 to %d entries", HOURS_MAX_INTERVALS);
	for (size_t i = 0; i < count; i++) {
		json_t *interval = json_array_get(intervals, i);
		struct hours_interval *out = &hours->intervals[i];
		if (!json_is_object(interval) ||
		    check_keys(place, interval, (const char *const[]){"days", "open", "close", NULL}))
			return json_is_object(interval) ? -1 : fail(place, "hours.intervals", "entry %zu must be an object", i + 1);
		json_t *days;
		const char *open, *close;
		if (get_array(place, interval, "days", &days) || get_string(place, interval, "open", false, 8, &open) ||
		    get_string(place, interval, "close", false, 8, &close))
			return -1;
		for (size_t d = 0; d < json_array_size(days); d++) {
			json_t *day = json_array_get(days, d);
			int weekday = json_is_string(day) ? index_of(weekday_ids, 7, json_string_value(day)) : -1;
			if (weekday < 0)
				return fail(place, "hours.intervals.days", "entry %zu must be one of mon, tue, wed, thu, fri, sat, sun", d + 1);
			out->days |= 1u << weekday;
		}
		if (!out->days)
			return fail(place, "hours.intervals.days", "must name at least one day");
		out->open_minute = hours_parse_clock(open);
		out->close_minute = hours_parse_clock(close);
		if (out->open_minute < 0 || out->open_minute >= 1440)
			return fail(place, "hours.intervals.open", "must be a time from 00:00 to 23:59");
		if (out->close_minute < 0)
			return fail(place, "hours.intervals.close", "must be a time from 00:01 to 24:00");
		if (out->close_minute <= out->open_minute)
			return fail(place, "hours.intervals.close", "must be later than \"open\" on the same day");
	}
	hours->interval_count = count;
	return 0;
}

/* Every fact a channel states needs an entry in "facts" with a source and a confidence. */
static int check_channel_facts(struct place *place, json_t *entry, json_t *sources)
{
	json_t *facts;
	if (get_object(place, entry, "facts", false, &facts))
		return -1;
	const char *name;
	json_t *fact;
	json_object_foreach(facts, name, fact) {
		if (index_of(channel_fact_names, (int)(sizeof channel_fact_names / sizeof *channel_fact_names) - 1, name) < 0)
			return fail(place, "facts", "\"%s\" is not a fact a channel has", name);
		if (!json_is_object(fact) ||
		    check_keys(place, fact, (const char *const[]){"source", "confidence", "note", NULL}))
			return json_is_object(fact) ? -1 : fail(place, "facts", "\"%s\" must be an object", name);
		json_t *source = json_object_get(fact, "source");
		if (!json_is_string(source) || !json_object_get(sources, json_string_value(source)))
			return fail(place, "facts", "\"%s\" needs a \"source\" that is a key of the file's \"sources\"", name);
		json_t *confidence = json_object_get(fact, "confidence");
		if (!json_is_string(confidence) || index_of(confidence_ids, 3, json_string_value(confidence)) < 0)
			return fail(place, "facts", "\"%s\" needs a \"confidence\" of low, medium or high", name);
	}
	for (const char *const *f = channel_fact_names; *f; f++) {
		json_t *value = json_object_get(entry, *f);
		bool stated = value && !json_is_null(value);
		if (stated && !json_object_get(facts, *f))
			return fail(place, "facts", "\"%s\" is stated without a source", *f);
	}
	return 0;
}

static int load_channels(struct kb *kb, json_t *doc, struct kb_error *err)
{
	struct place place = {.file = "channels.json", .err = err};
	json_t *sources, *channels;
	if (open_entry_list(&place, doc, "channels", KB_MAX_CHANNELS, &sources, &channels))
		return -1;
	size_t count = json_array_size(channels);
	kb->channels = calloc(count, sizeof *kb->channels);
	if (!kb->channels)
		return fail(&place, NULL, "out of memory");
	for (size_t i = 0; i < count; i++) {
		json_t *entry;
		struct kb_channel *channel = &kb->channels[i];
		if (read_entry(&place, channels, i, "channel",
			       (const char *const[]){"id", "name", "full_name", "phone", "url", "url_en", "region",
						     "purpose", "anonymity", "cost", "hours", "facts", NULL},
			       &entry, &channel->id))
			return -1;
		json_t *phone;
		const char *region;
		if (get_texts(&place, entry, "name", false, channel->name) ||
		    get_object(&place, entry, "phone", false, &phone) ||
		    check_keys(&place, phone, (const char *const[]){"display", "tel", NULL}) ||
		    get_string(&place, phone, "display", false, 40, &channel->phone_display) ||
		    get_string(&place, phone, "tel", false, 40, &channel->phone_tel) ||
		    get_string(&place, entry, "full_name", true, 200, &channel->full_name) ||
		    get_string(&place, entry, "url", true, 400, &channel->url) ||
		    get_string(&place, entry, "url_en", true, 400, &channel->url_en) ||
		    get_string(&place, entry, "region", false, KB_ID_CAP, &region) ||
		    get_texts(&place, entry, "purpose", false, channel->purpose) ||
		    get_texts(&place, entry, "anonymity", true, channel->anonymity) ||
		    get_texts(&place, entry, "cost", true, channel->cost) ||
		    load_hours(&place, entry, &channel->hours) || check_channel_facts(&place, entry, sources))
			return -1;
		if (strncmp(channel->phone_tel, "tel:", 4) != 0 || strlen(channel->phone_tel) < 7)
			return fail(&place, "phone.tel", "must be a \"tel:\" link");
		for (const char *c = channel->phone_tel + 4; *c; c++) {
			if (!((*c >= '0' && *c <= '9') || (c == channel->phone_tel + 4 && *c == '+')))
				return fail(&place, "phone.tel", "may hold only digits after \"tel:\" (and a leading +)");
		}
		if (channel->url && strncmp(channel->url, "https://", 8) != 0)
			return fail(&place, "url", "must start with https://");
		if (channel->url_en && strncmp(channel->url_en, "https://", 8) != 0)
			return fail(&place, "url_en", "must start with https://");
		if (strcmp(region, "nl") != 0 && strcmp(region, "rotterdam") != 0)
			return fail(&place, "region", "must be \"nl\" or \"rotterdam\"");
		channel->rotterdam_region_only = strcmp(region, "rotterdam") == 0;
		kb->channel_count = i + 1;
	}
	snprintf(place.entry, sizeof place.entry, "top level");
	for (size_t r = 0; r < sizeof required_channels / sizeof *required_channels; r++) {
		if (!kb_channel_by_id(kb, required_channels[r]))
			return fail(&place, "channels", "the leaflet's channel \"%s\" is missing", required_channels[r]);
	}
	return 0;
}

int kb_load_texts(struct kb *kb, const char *channels_text, size_t channels_len, const char *signals_text,
		  size_t signals_len, const char *indicators_text, size_t indicators_len, struct kb_error *err)
{
	memset(kb, 0, sizeof *kb);
	struct place place = {.err = err};
	struct form_rule rules[KB_FORM_COUNT];
	memset(rules, 0, sizeof rules);

	place.file = "ilo_indicators.json";
	kb->documents[0] = parse_document(&place, indicators_text, indicators_len);
	if (!kb->documents[0] || load_indicators(kb, kb->documents[0], rules, err))
		goto fail;
	place.file = "signals.json";
	kb->documents[1] = parse_document(&place, signals_text, signals_len);
	if (!kb->documents[1] || load_signals(kb, kb->documents[1], rules, err))
		goto fail;
	place.file = "channels.json";
	kb->documents[2] = parse_document(&place, channels_text, channels_len);
	if (!kb->documents[2] || load_channels(kb, kb->documents[2], err))
		goto fail;
	return 0;
fail:
	kb_release(kb);
	return -1;
}

int kb_load(struct kb *kb, const char *data_dir, struct kb_error *err)
{
	static const char *const names[3] = {"channels.json", "signals.json", "ilo_indicators.json"};
	struct strbuf texts[3];
	int result = -1;
	memset(kb, 0, sizeof *kb);
	for (int i = 0; i < 3; i++)
		strbuf_init(&texts[i], KB_FILE_CAP);
	for (int i = 0; i < 3; i++) {
		char path[4096];
		if ((size_t)snprintf(path, sizeof path, "%s/%s", data_dir, names[i]) >= sizeof path) {
			snprintf(err->message, sizeof err->message, "data directory path is too long");
			goto done;
		}
		int status = strbuf_read_file(&texts[i], path);
		if (status != STRBUF_OK) {
			snprintf(err->message, sizeof err->message, "%.500s: %s", path,
				 status == STRBUF_TOO_LARGE ? "larger than 4 MiB" : "cannot be read");
			goto done;
		}
	}
	result = kb_load_texts(kb, texts[0].buf, texts[0].len, texts[1].buf, texts[1].len, texts[2].buf, texts[2].len,
			       err);
done:
	for (int i = 0; i < 3; i++)
		strbuf_release(&texts[i]);
	return result;
}

void kb_release(struct kb *kb)
{
	for (size_t i = 0; i < kb->signal_count; i++)
		free(kb->signals[i].weights);
	free(kb->signals);
	free(kb->indicators);
	free(kb->channels);
	for (size_t i = 0; i < kb->owned_string_count; i++)
		free(kb->owned_strings[i]);
	free(kb->owned_strings);
	for (int i = 0; i < 3; i++)
		json_decref(kb->documents[i]);
	memset(kb, 0, sizeof *kb);
}

const struct kb_channel *kb_channel_by_id(const struct kb *kb, const char *id)
{
	for (size_t i = 0; i < kb->channel_count; i++) {
		if (strcmp(kb->channels[i].id, id) == 0)
			return &kb->channels[i];
	}
	return NULL;
}

long kb_signal_index(const struct kb *kb, const char *id)
{
	for (size_t i = 0; i < kb->signal_count; i++) {
		if (strcmp(kb->signals[i].id, id) == 0)
			return (long)i;
	}
	return -1;
}
