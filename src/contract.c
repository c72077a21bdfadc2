#include "contract.h"

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

json_t *contract_route_json(const struct kb *kb, const struct route_result *route,
			    const struct assess_result *assessment, enum kb_lang lang)
{
	json_t *recommendations = json_array();
	for (size_t i = 0; i < route->count; i++) {
		const struct route_recommendation *item = &route->items[i];
		json_array_append_new(
			recommendations,
			json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:s}", "channel", item->channel->id, "name",
				  item->channel->name[lang], "phone", item->channel->phone_display, "tel",
				  item->channel->phone_tel, "url", string_or_null(item->channel->url), "open_now",
				  open_now_json(item->state), "opens_at", time_or_null(item->state.opens_at), "reason",
				  item->reason));
	}
	json_t *result = json_pack("{s:b, s:o}", "urgent", route->urgent, "recommendations", recommendations);
	if (result && assessment)
		json_object_set_new(result, "assessment", contract_assessment_json(kb, assessment, lang));
	return result;
}

json_t *contract_assessment_json(const struct kb *kb, const struct assess_result *assessment, enum kb_lang lang)
{
	json_t *forms = json_object();
	for (int f = 0; f < KB_FORM_COUNT; f++) {
		json_t *dimensions = json_object();
		const struct assess_form *form = &assessment->forms[f];
		for (int d = 0; d < KB_DIMENSION_COUNT; d++) {
			const struct assess_dimension *dimension = &form->dimensions[d];
			json_object_set_new(dimensions, kb_dimension_id((enum kb_dimension)d),
					    json_pack("{s:I, s:I, s:I, s:b}", "strong", (json_int_t)dimension->strong,
						      "medium", (json_int_t)dimension->medium, "weak",
						      (json_int_t)dimension->weak, "positive", dimension->positive));
		}
		json_object_set_new(forms, kb_form_id((enum kb_form)f),
				    json_pack("{s:o, s:b}", "dimensions", dimensions, "indicated", form->indicated));
	}
	json_t *explanation = json_array();
	for (size_t i = 0; i < assessment->explanation_count; i++) {
		const struct assess_explanation *entry = &assessment->explanation[i];
		const struct kb_signal *signal = &kb->signals[entry->signal];
		if (entry->concern) {
			json_array_append_new(explanation, json_pack("{s:s, s:s, s:b}", "signal", signal->id, "text",
								     signal->text[lang], "concern", 1));
			continue;
		}
		json_array_append_new(
			explanation,
			json_pack("{s:s, s:s, s:b, s:s, s:s, s:s, s:s, s:s, s:b}", "signal", signal->id, "text",
				  signal->text[lang], "concern", 0, "form", kb_form_id(entry->form), "dimension",
				  kb_dimension_id(entry->dimension), "strength", kb_strength_id(entry->strength),
				  "confidence", kb_confidence_id(entry->confidence), "indicator",
				  kb->indicators[entry->indicator].name, "counted", entry->counted));
	}
	return json_pack("{s:s, s:o, s:I, s:o}", "profile", kb_profile_id(assessment->profile), "forms", forms,
			 "concern", (json_int_t)assessment->concern, "explanation", explanation);
}

json_t *contract_signals_json(const struct kb *kb, unsigned forms, enum kb_lang lang)
{
	json_t *list = json_array();
	for (size_t i = 0; i < kb->signal_count; i++) {
		const struct kb_signal *signal = &kb->signals[i];
		if (!(signal->forms & forms))
			continue;
		json_t *form_ids = json_array();
		for (int f = 0; f < KB_FORM_COUNT; f++) {
			if (signal->forms & (1u << f))
				json_array_append_new(form_ids, json_string(kb_form_id((enum kb_form)f)));
		}
		json_t *profiles = json_array();
		for (int p = 0; p < KB_PROFILE_COUNT; p++) {
			if (signal->profiles & (1u << p))
				json_array_append_new(profiles, json_string(kb_profile_id((enum kb_profile)p)));
		}
		json_t *weights = json_array();
		for (size_t w = 0; w < signal->weight_count; w++) {
			const struct kb_weight *weight = &signal->weights[w];
			json_array_append_new(
				weights, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "form", kb_form_id(weight->form),
						   "profile", kb_profile_id(weight->profile), "dimension",
						   kb_dimension_id(weight->dimension), "strength",
						   kb_strength_id(weight->strength), "confidence",
						   kb_confidence_id(weight->confidence), "indicator",
						   kb->indicators[weight->indicator].id));
		}
		json_array_append_new(list, json_pack("{s:s, s:s, s:o, s:o, s:o, s:s}", "id", signal->id, "text",
						      signal->text[lang], "forms", form_ids, "profiles", profiles,
						      "weights", weights, "source", signal->source));
	}
	return list;
}

json_t *contract_contacts_json(const struct kb *kb, int64_t at, enum kb_lang lang)
{
	json_t *list = json_array();
	for (size_t i = 0; i < kb->channel_count; i++) {
		const struct kb_channel *channel = &kb->channels[i];
		struct channel_state state = hours_state_at(&channel->hours, at);
		char hours_text[400];
		route_describe_state(channel, state, at, lang, hours_text, sizeof hours_text);
		json_array_append_new(
			list, json_pack("{s:s, s:s, s:s, s:s, s:o, s:s, s:o, s:o, s:o, s:s}", "id", channel->id, "name",
					channel->name[lang], "phone", channel->phone_display, "tel", channel->phone_tel,
					"url", string_or_null(channel->url), "region",
					channel->rotterdam_region_only ? "rotterdam" : "nl", "open_now",
					open_now_json(state), "opens_at", time_or_null(state.opens_at), "closes_at",
					time_or_null(state.closes_at), "hours", hours_text));
	}
	return list;
}
