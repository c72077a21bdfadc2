#include "contract.h"

#include <stdbool.h>

#include "hours.h"

static json_t *time_or_null(int64_t when)
{
	if (when < 0)
		return json_null();
	char text[RFC3339_BUFFER_SIZE];
	amsterdam_format_rfc3339(when, text);
	return json_string(text);
}

static json_t *open_now_json(struct channel_state state)
{
	if (state.state == CHANNEL_STATE_UNKNOWN)
		return json_null();
	return json_boolean(state.state == CHANNEL_STATE_OPEN);
}

static json_t *string_or_null(const char *text)
{
	return text ? json_string(text) : json_null();
}

/* Builders that remember a failure: an answer that lost an entry (possibly
 * 112) must never be sent as if it were whole, so a failed build anywhere
 * makes the whole answer NULL (a 500 or exit 1 for the caller). */
static void append(json_t *array, json_t *item, bool *ok)
{
	if (!array || json_array_append_new(array, item) != 0)
		*ok = false;
}

static void set(json_t *object, const char *key, json_t *value, bool *ok)
{
	if (!object || json_object_set_new(object, key, value) != 0)
		*ok = false;
}

static json_t *finish(json_t *value, bool ok)
{
	if (ok && value)
		return value;
	json_decref(value);
	return NULL;
}

json_t *contract_route_json(const struct kb *kb, const struct route_result *route,
			    const struct assess_result *assessment, enum kb_lang lang)
{
	bool ok = true;
	json_t *recommendations = json_array();
	for (size_t i = 0; i < route->count; i++) {
		const struct route_recommendation *item = &route->items[i];
		append(recommendations,
		       json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:b, s:s}", "channel", item->channel->id, "name",
				 item->channel->name[lang], "phone", item->channel->phone_display, "tel",
				 item->channel->phone_tel, "url", string_or_null(item->channel->url), "open_now",
				 open_now_json(item->state), "opens_at", time_or_null(item->state.opens_at),
				 "closes_soon", item->closes_soon, "reason", item->reason),
		       &ok);
	}
	json_t *result = json_pack("{s:b, s:o}", "urgent", route->urgent, "recommendations", recommendations);
	if (result && assessment)
		set(result, "assessment", contract_assessment_json(kb, assessment, lang), &ok);
	return finish(result, ok);
}

static json_t *age_json(enum kb_age age)
{
	if (age == KB_AGE_UNKNOWN)
		return json_string("unknown");
	return json_boolean(age == KB_AGE_MINOR);
}

static json_t *form_json(const struct assess_form *form, bool *ok)
{
	json_t *dimensions = json_object();
	json_t *unknown = json_array();
	for (int d = 0; d < KB_DIMENSION_COUNT; d++) {
		const struct assess_dimension *dimension = &form->dimensions[d];
		set(dimensions, kb_dimension_id((enum kb_dimension)d),
		    json_pack("{s:I, s:I, s:I, s:b}", "strong", (json_int_t)dimension->strong, "medium",
			      (json_int_t)dimension->medium, "weak", (json_int_t)dimension->weak, "positive",
			      dimension->positive),
		    ok);
		if (form->unknown_dimensions & (1u << d))
			append(unknown, json_string(kb_dimension_id((enum kb_dimension)d)), ok);
	}
	return json_pack("{s:s, s:s, s:s, s:b, s:b, s:b, s:b, s:o, s:o, s:I}", "level", assess_level_id(form->level),
			 "basis", assess_basis_id(form->basis), "profile", kb_profile_id(form->profile), "indicated",
			 form->indicated, "provisional", form->provisional, "relevant", form->relevant, "act",
			 form->act, "unknown_dimensions", unknown, "dimensions", dimensions, "concern",
			 (json_int_t)form->concern);
}

json_t *contract_assessment_json(const struct kb *kb, const struct assess_result *assessment, enum kb_lang lang)
{
	bool ok = true;
	json_t *forms = json_object();
	for (int f = 0; f < KB_FORM_COUNT; f++)
		set(forms, kb_form_id((enum kb_form)f), form_json(&assessment->forms[f], &ok), &ok);
	json_t *explanation = json_array();
	for (size_t i = 0; i < assessment->explanation_count; i++) {
		const struct assess_explanation *entry = &assessment->explanation[i];
		const struct kb_signal *signal = &kb->signals[entry->signal];
		if (entry->concern) {
			append(explanation,
			       json_pack("{s:s, s:s, s:s, s:b}", "signal", signal->id, "text", signal->text[lang],
					 "profile", kb_profile_id(entry->profile), "concern", 1),
			       &ok);
			continue;
		}
		append(explanation,
		       json_pack("{s:s, s:s, s:s, s:b, s:s, s:s, s:s, s:s, s:s, s:b}", "signal", signal->id, "text",
				 signal->text[lang], "profile", kb_profile_id(entry->profile), "concern", 0, "form",
				 kb_form_id(entry->form), "dimension", kb_dimension_id(entry->dimension), "strength",
				 kb_strength_id(entry->strength), "confidence", kb_confidence_id(entry->confidence),
				 "indicator", kb->indicators[entry->indicator].name, "counted", entry->counted),
		       &ok);
	}
	json_t *result = json_pack("{s:o, s:s, s:o, s:I, s:o}", "minor", age_json(assessment->age), "level",
				   assess_level_id(assessment->level), "forms", forms, "concern",
				   (json_int_t)assessment->concern, "explanation", explanation);
	return finish(result, ok);
}

static json_t *form_list_json(unsigned forms, bool *ok)
{
	json_t *list = json_array();
	for (int f = 0; f < KB_FORM_COUNT; f++) {
		if (forms & (1u << f))
			append(list, json_string(kb_form_id((enum kb_form)f)), ok);
	}
	return list;
}

json_t *contract_signals_json(const struct kb *kb, unsigned forms, enum kb_lang lang)
{
	bool ok = true;
	json_t *list = json_array();
	for (size_t i = 0; i < kb->signal_count; i++) {
		const struct kb_signal *signal = &kb->signals[i];
		if (!(signal->forms & forms))
			continue;
		json_t *profiles = json_array();
		for (int p = 0; p < KB_PROFILE_COUNT; p++) {
			if (signal->profiles & (1u << p))
				append(profiles, json_string(kb_profile_id((enum kb_profile)p)), &ok);
		}
		json_t *weights = json_array();
		for (size_t w = 0; w < signal->weight_count; w++) {
			const struct kb_weight *weight = &signal->weights[w];
			append(weights,
			       json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "form", kb_form_id(weight->form), "profile",
					 kb_profile_id(weight->profile), "dimension", kb_dimension_id(weight->dimension),
					 "strength", kb_strength_id(weight->strength), "confidence",
					 kb_confidence_id(weight->confidence), "indicator",
					 kb->indicators[weight->indicator].id),
			       &ok);
		}
		append(list,
		       json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:s}", "id", signal->id, "text", signal->text[lang],
				 "forms", form_list_json(signal->forms, &ok), "act", form_list_json(signal->acts, &ok),
				 "profiles", profiles, "weights", weights, "source", signal->source),
		       &ok);
	}
	return finish(list, ok);
}

json_t *contract_contacts_json(const struct kb *kb, const struct texts *texts, int64_t at, enum kb_lang lang)
{
	bool ok = true;
	json_t *list = json_array();
	for (size_t i = 0; i < kb->channel_count; i++) {
		const struct kb_channel *channel = &kb->channels[i];
		struct channel_state state = hours_state_at(&channel->hours, at);
		char hours_text[400];
		route_describe_state(texts, channel, state, at, lang, hours_text, sizeof hours_text);
		append(list,
		       json_pack("{s:s, s:s, s:o, s:s, s:s, s:o, s:o, s:s, s:o, s:o, s:o, s:s}", "id", channel->id,
				 "name", channel->name[lang], "full_name", string_or_null(channel->full_name), "phone",
				 channel->phone_display, "tel", channel->phone_tel, "url", string_or_null(channel->url),
				 "url_en", string_or_null(channel->url_en), "region",
				 channel->rotterdam_region_only ? "rotterdam" : "nl", "open_now", open_now_json(state),
				 "opens_at", time_or_null(state.opens_at), "closes_at", time_or_null(state.closes_at),
				 "hours", hours_text),
		       &ok);
	}
	return finish(list, ok);
}
