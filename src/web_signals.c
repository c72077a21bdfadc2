/* web_signals: the signal check: forms and age, then the signals to tick, then what they
 * point to (assess) and whom to contact (route), in the same words as the command line (text.h). */
#define _POSIX_C_SOURCE 200809L
#include "web_modules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assess.h"
#include "route.h"
#include "situation.h"
#include "text.h"

/* ---- the signal check ---- */

static const char *const form_title_keys[KB_FORM_COUNT] = {"form_sexual_title", "form_labour_title", "form_criminal_title"};

/* What the check knows: the forms and the age (step 1), the ticked signals (step 2). */
struct signal_choice {
	size_t signals[SITUATION_MAX_SIGNALS];
	size_t count;
	unsigned forms;       /* kb_form bits, bit 3: "weet ik niet" */
	bool has_age;
	enum kb_age age;
	bool sent_step_one;   /* step 1 was sent (an answer missing is then an error) */
	bool change;          /* show step 1 again to change the answers */
};

static const char *const age_values[] = {"minor", "adult", "unknown", NULL};
static const enum kb_age age_of_value[] = {KB_AGE_MINOR, KB_AGE_ADULT, KB_AGE_UNKNOWN};

static const char *age_value(enum kb_age age)
{
	return age == KB_AGE_MINOR ? "minor" : age == KB_AGE_ADULT ? "adult" : "unknown";
}

static int read_signal_choice(const struct kb *kb, const struct http_request *request, struct signal_choice *choice)
{
	memset(choice, 0, sizeof *choice);
	choice->age = KB_AGE_UNKNOWN;
	for (size_t i = 0; i < request->field_count; i++) {
		const char *key = request->fields[i].key, *value = request->fields[i].value;
		if (strcmp(key, "minor") == 0) { /* the address of the earlier one-page check */
			if (strcmp(value, "1") != 0)
				return -1;
			choice->has_age = true;
			choice->age = KB_AGE_MINOR;
		} else if (strcmp(key, "age") == 0) {
			int index = web_value_index(age_values, value);
			if (index < 0)
				return -1;
			choice->has_age = true;
			choice->age = age_of_value[index];
		} else if (strcmp(key, "form") == 0) {
			int index = web_value_index(web_form_values, value);
			if (index < 0)
				return -1;
			choice->forms |= 1u << index;
		} else if (strcmp(key, "step") == 0) {
			if (strcmp(value, "1") != 0)
				return -1;
			choice->sent_step_one = true;
		} else if (strcmp(key, "change") == 0) {
			choice->change = true;
		} else if (strcmp(key, "signal") == 0) {
			long index = kb_signal_index(kb, value);
			if (index < 0)
				return -1;
			bool repeated = false;
			for (size_t j = 0; j < choice->count; j++)
				repeated = repeated || choice->signals[j] == (size_t)index;
			if (!repeated && choice->count < SITUATION_MAX_SIGNALS)
				choice->signals[choice->count++] = (size_t)index;
		}
	}
	return 0;
}

/* The forms the list is for: the chosen ones, or all of them ("weet ik niet", or none chosen). */
static unsigned forms_to_show(const struct signal_choice *choice)
{
	unsigned chosen = choice->forms & ((1u << KB_FORM_COUNT) - 1);
	return chosen && !(choice->forms & (1u << KB_FORM_COUNT)) ? chosen : (1u << KB_FORM_COUNT) - 1;
}

/* The forms the person asked about (for assess): none when "weet ik niet" is among them. */
static unsigned forms_asked(const struct signal_choice *choice)
{
	return choice->forms & (1u << KB_FORM_COUNT) ? 0 : choice->forms & ((1u << KB_FORM_COUNT) - 1);
}

static unsigned profiles_for_age(enum kb_age age)
{
	if (age == KB_AGE_UNKNOWN)
		return (1u << KB_PROFILE_ADULT) | (1u << KB_PROFILE_MINOR);
	return 1u << (age == KB_AGE_MINOR ? KB_PROFILE_MINOR : KB_PROFILE_ADULT);
}

/* "Points to: coercion and control; exploitative conditions" for one signal, over the forms and profiles shown. */
static json_t *points_to(struct web *web, enum kb_lang lang, const struct kb_signal *signal, unsigned forms,
			 unsigned profiles)
{
	bool seen[KB_DIMENSION_COUNT] = {false};
	for (size_t w = 0; w < signal->weight_count; w++) {
		const struct kb_weight *weight = &signal->weights[w];
		if ((forms & (1u << weight->form)) && (profiles & (1u << weight->profile)))
			seen[weight->dimension] = true;
	}
	struct strbuf out;
	strbuf_init(&out, 1024);
	int status = 0;
	for (int d = 0; d < KB_DIMENSION_COUNT && status == 0; d++) {
		if (!seen[d])
			continue;
		char key[64];
		snprintf(key, sizeof key, "dim_%s", kb_dimension_id((enum kb_dimension)d));
		status = (out.len && strbuf_addstr(&out, "; ")) || strbuf_addstr(&out, web_text(web, lang, key));
	}
	if (status == 0 && out.len == 0)
		status = strbuf_addstr(&out, web_text(web, lang, "dim_concern"));
	json_t *result = json_string(out.buf ? out.buf : "");
	strbuf_release(&out);
	return result;
}

static bool was_chosen(const struct signal_choice *choice, size_t signal)
{
	for (size_t i = 0; i < choice->count; i++) {
		if (choice->signals[i] == signal)
			return true;
	}
	return false;
}

/* "arbeidsuitbuiting en criminele uitbuiting" / "alle vormen (je weet het niet)" */
static json_t *forms_in_words(struct web *web, enum kb_lang lang, unsigned asked)
{
	if (!asked)
		return json_string(web_text(web, lang, "signals_all_forms"));
	struct strbuf out;
	strbuf_init(&out, 512);
	int status = 0, listed = 0, total = 0;
	for (int f = 0; f < KB_FORM_COUNT; f++)
		total += (asked & (1u << f)) ? 1 : 0;
	for (int f = 0; f < KB_FORM_COUNT && status == 0; f++) {
		if (!(asked & (1u << f)))
			continue;
		if (listed)
			status = strbuf_addstr(&out, listed == total - 1 ? web_text(web, lang, "word_and_spaced") : ", ");
		if (status == 0)
			status = strbuf_addstr(&out, text_form_name(&web->texts, (enum kb_form)f, lang));
		listed++;
	}
	json_t *result = json_string(status == 0 && out.buf ? out.buf : "");
	strbuf_release(&out);
	return result;
}

void web_page_signals(struct web *web, enum kb_lang lang, const struct http_request *request,
			 struct http_reply *reply)
{
	/* the answers come in the form of a POST, or in the query of an old link */
	struct http_request posted = web_answers_posted(request);
	request = &posted;
	struct signal_choice choice;
	if (read_signal_choice(web->kb, request, &choice)) {
		web_error_page(web, request, 400, reply);
		return;
	}
	json_t *context = web_page_context(web, lang, "/signalen", request, "signals_title", "signals");
	json_t *page = json_object();
	json_object_set_new(context, "page", page);
	bool step_one = choice.change || !choice.forms || !choice.has_age;
	if (step_one) {
		/* step 1: the forms and the age */
		json_t *forms = json_array();
		static const char *const labels[] = {"a_sexual", "a_labour", "a_criminal", "a_dont_know"};
		for (int f = 0; f < 4; f++)
			json_array_append_new(forms, json_pack("{s:s, s:s, s:b}", "value", web_form_values[f], "label",
							       web_text(web, lang, labels[f]), "checked",
							       (choice.forms & (1u << f)) != 0));
		json_t *ages = json_array();
		static const char *const age_labels[] = {"a_yes", "a_no", "a_dont_know"};
		for (int a = 0; a < 3; a++)
			json_array_append_new(ages, json_pack("{s:s, s:s, s:b}", "value", age_values[a], "label",
							      web_text(web, lang, age_labels[a]), "checked",
							      choice.has_age && choice.age == age_of_value[a]));
		json_object_set_new(page, "step_one", json_true());
		json_object_set_new(page, "forms", forms);
		json_object_set_new(page, "ages", ages);
		json_object_set_new(page, "error_forms", json_boolean(choice.sent_step_one && !choice.forms));
		json_object_set_new(page, "error_age", json_boolean(choice.sent_step_one && !choice.has_age));
		json_object_set_new(page, "error", json_boolean(choice.sent_step_one && (!choice.forms || !choice.has_age)));
		if (choice.sent_step_one && !choice.forms)
			web_add_error(web, lang, context, "form-sexual", web_text(web, lang, "signals_choose_form"));
		if (choice.sent_step_one && !choice.has_age)
			web_add_error(web, lang, context, "age-minor", web_text(web, lang, "signals_choose_age"));
		json_t *hidden = json_array();
		for (size_t i = 0; i < choice.count; i++)
			json_array_append_new(hidden, json_string(web->kb->signals[choice.signals[i]].id));
		json_object_set_new(page, "hidden_signals", hidden);
		web_render(web, "signals", context, 200, reply);
		return;
	}
	/* step 2: one list, each signal once, for the chosen forms and the age */
	unsigned forms = forms_to_show(&choice);
	unsigned profiles = profiles_for_age(choice.age);
	json_t *signals = json_array();
	for (size_t i = 0; i < web->kb->signal_count; i++) {
		const struct kb_signal *signal = &web->kb->signals[i];
		bool checked = was_chosen(&choice, i);
		if (!checked && (!(signal->forms & forms) || !(signal->profiles & profiles)))
			continue;
		json_array_append_new(signals, json_pack("{s:s, s:s, s:o, s:b}", "id", signal->id, "text", signal->text[lang],
							 "points_to", points_to(web, lang, signal, forms, profiles),
							 "checked", checked));
	}
	json_t *chosen_forms = json_array();
	for (int f = 0; f < 4; f++) {
		if (choice.forms & (1u << f))
			json_array_append_new(chosen_forms, json_string(web_form_values[f]));
	}
	static const char *const age_words[] = {"signals_age_minor", "signals_age_adult", "signals_age_unknown"};
	char change_path[40];
	snprintf(change_path, sizeof change_path, "%s/signalen", web_lang_prefix(lang));
	json_object_set_new(page, "change", web_post_button(change_path, request, "change", "change",
							web_text(web, lang, "signals_change")));
	json_object_set_new(page, "step_two", json_true());
	json_object_set_new(page, "signals", signals);
	json_object_set_new(page, "chosen_forms", chosen_forms);
	json_object_set_new(page, "age", json_string(age_value(choice.age)));
	json_object_set_new(page, "forms_text", forms_in_words(web, lang, forms_asked(&choice)));
	json_object_set_new(page, "age_text", json_string(web_text(web, lang, age_words[choice.age == KB_AGE_MINOR ? 0
										       : choice.age == KB_AGE_ADULT ? 1 : 2])));
	json_object_set_new(page, "signal_count", json_integer((json_int_t)json_array_size(signals)));
	web_render(web, "signals", context, 200, reply);
}

/* ---- the result of the signal check ---- */

/* "twee" for 2 (words up to twelve, then digits). */
static json_t *counts_in_words(struct web *web, enum kb_lang lang, const struct assess_form *form)
{
	unsigned counts[3] = {0, 0, 0};
	for (int d = 0; d < KB_DIMENSION_COUNT; d++) {
		counts[0] += form->dimensions[d].strong;
		counts[1] += form->dimensions[d].medium;
		counts[2] += form->dimensions[d].weak;
	}
	static const char *const keys[3][2] = {{"count_strong_one", "count_strong_many"},
					       {"count_medium_one", "count_medium_many"},
					       {"count_weak_one", "count_weak_many"}};
	int parts = (counts[0] > 0) + (counts[1] > 0) + (counts[2] > 0);
	if (parts == 0)
		return NULL;
	struct strbuf out;
	strbuf_init(&out, 1024);
	int status = strbuf_addstr(&out, web_text(web, lang, "count_intro")), listed = 0;
	for (int k = 0; k < 3 && status == 0; k++) {
		if (!counts[k])
			continue;
		char word[32];
		web_number_in_words(web, lang, counts[k], word, sizeof word);
		const char *joiner = listed == 0 ? " " : listed == parts - 1 ? web_text(web, lang, "word_and_spaced") : ", ";
		status = strbuf_addstr(&out, joiner) || strbuf_addstr(&out, word) || strbuf_addstr(&out, " ") ||
			 strbuf_addstr(&out, web_text(web, lang, keys[k][counts[k] == 1 ? 0 : 1]));
		listed++;
	}
	if (status == 0)
		status = strbuf_addstr(&out, ".");
	json_t *result = status == 0 ? json_stringn(out.buf, out.len) : NULL;
	strbuf_release(&out);
	return result;
}

static const char *level_class(enum assess_level level)
{
	return assess_level_id(level);
}

/* One block of the result: a form, or (f == KB_FORM_COUNT) several forms together. */
static json_t *assessment_block(struct web *web, enum kb_lang lang, const char *title, const struct assess_form *form,
				enum kb_form f, bool provisional, const char *lead)
{
	json_t *block = json_pack("{s:s, s:s, s:s, s:s}", "title", title, "level", text_level(&web->texts, form->level, lang),
				  "level_id", level_class(form->level), "basis", text_basis(&web->texts, form->basis, f, lang));
	if (provisional && form->level != ASSESS_LEVEL_NONE)
		json_object_set_new(block, "provisional", json_string(text_get(&web->texts, T_ASSESS_PROVISIONAL, lang)));
	if (lead)
		json_object_set_new(block, "lead", json_string(lead));
	json_t *counts = counts_in_words(web, lang, form);
	if (counts)
		json_object_set_new(block, "counts", counts);
	/* what is not known yet, where knowing it could change what to do */
	unsigned open = assess_open_questions(form);
	if (open) {
		json_t *unknown = json_array();
		for (int d = 0; d < KB_DIMENSION_COUNT; d++) {
			if (open & (1u << d))
				json_array_append_new(unknown, json_string(text_unknown_dimension(&web->texts, (enum kb_dimension)d, f, lang)));
		}
		json_object_set_new(block, "unknown", json_pack("{s:s, s:o}", "intro", text_get(&web->texts, T_ASSESS_UNKNOWN_INTRO, lang),
								 "items", unknown));
	}
	return block;
}

void web_page_signals_result(struct web *web, enum kb_lang lang, const struct http_request *request,
				struct http_reply *reply)
{
	/* the answers come in the form of a POST, or in the query of an old link */
	struct http_request posted = web_answers_posted(request);
	request = &posted;
	struct signal_choice choice;
	if (read_signal_choice(web->kb, request, &choice)) {
		web_error_page(web, request, 400, reply);
		return;
	}
	unsigned asked = forms_asked(&choice);
	struct assess_result assessment;
	if (assess_signals(web->kb, choice.signals, choice.count, choice.age, asked, &assessment)) {
		web_error_page(web, request, 500, reply);
		return;
	}
	json_t *context = web_page_context(web, lang, "/signalen/uitslag", request, "signals_result_title", "signals");
	json_t *page = json_object();
	json_object_set_new(context, "page", page);
	json_t *blocks = json_array();
	unsigned relevant = 0;
	for (int f = 0; f < KB_FORM_COUNT; f++) {
		if (assessment.forms[f].relevant)
			relevant |= 1u << f;
	}
	if (choice.count > 0 && relevant) {
		for (int f = 0; f < KB_FORM_COUNT; f++) {
			const struct assess_form *form = &assessment.forms[f];
			if (form->relevant)
				json_array_append_new(blocks, assessment_block(web, lang, web_text(web, lang, form_title_keys[f]),
									       form, (enum kb_form)f, form->provisional, NULL));
		}
	} else if (choice.count > 0) {
		/* no form stands out: the form with the highest level, or one block for the forms weighed together
		 * (provisional only when every one of them is), as the command line does */
		int top = 0, weighed = 0;
		bool all_provisional = true;
		for (int f = 0; f < KB_FORM_COUNT; f++) {
			const struct assess_form *form = &assessment.forms[f];
			if (form->level > assessment.forms[top].level)
				top = f;
			if (form->level != ASSESS_LEVEL_NONE) {
				weighed++;
				all_provisional = all_provisional && form->provisional;
			}
		}
		const struct assess_form *form = &assessment.forms[top];
		if (weighed > 1)
			json_array_append_new(blocks, assessment_block(web, lang, web_text(web, lang, "signals_all_forms_title"),
								       form, KB_FORM_COUNT, all_provisional,
								       text_get(&web->texts, T_ASSESS_SEVERAL_FORMS, lang)));
		else
			json_array_append_new(blocks, assessment_block(web, lang, web_text(web, lang, form_title_keys[top]), form,
								       (enum kb_form)top, form->provisional, NULL));
	}
	/* routing: only the forms that matter here (a signal shared by all forms brings in no other form) */
	struct situation situation;
	situation_init(&situation);
	situation.lang = lang;
	situation.age = choice.age;
	situation.forms = relevant;
	situation.form_unknown = relevant == 0;
	situation.wants_advice = true; /* someone weighing signals is asking for advice first */
	struct route_result route;
	route_for_situation(web->kb, &web->texts, &situation, web_now(web, request), &route);
	json_t *route_json = web_route_for_page(web, &route, lang);

	json_object_set_new(page, "none", json_boolean(choice.count == 0));
	if (choice.count > 0) {
		enum assess_level level = assessment.level;
		json_t *lead = json_pack("{s:s, s:s, s:s}", "level", level == ASSESS_LEVEL_NONE ? web_text(web, lang, "signals_level_none")
											      : text_level(&web->texts, level, lang),
					 "next", text_next_step(&web->texts, level, lang), "level_id", level_class(level));
		/* the first channel to call, right under the level */
		json_t *first = json_array_get(json_object_get(route_json, "recommendations"), 0);
		if (first)
			json_object_set(lead, "call", first);
		json_object_set_new(page, "lead", lead);
	}
	json_object_set_new(page, "blocks", blocks);
	if (choice.count > 0 && choice.age == KB_AGE_UNKNOWN)
		json_object_set_new(page, "age_unknown", json_string(text_get(&web->texts, T_ASSESS_AGE_UNKNOWN, lang)));
	json_object_set_new(page, "not_a_verdict", json_string(text_get(&web->texts, T_ASSESS_NOT_A_VERDICT, lang)));
	if (assessment.concern > 0)
		json_object_set_new(page, "concern",
				    web_with_number(web, lang, assessment.concern == 1 ? "assess_concern_one" : "assess_concern_many",
						assessment.concern));
	json_t *chosen = json_array();
	for (size_t i = 0; i < choice.count; i++)
		json_array_append_new(chosen, json_string(web->kb->signals[choice.signals[i]].text[lang]));
	json_object_set_new(page, "has_chosen", json_boolean(choice.count > 0));
	json_object_set_new(page, "chosen", chosen);
	char edit_path[40];
	snprintf(edit_path, sizeof edit_path, "%s/signalen", web_lang_prefix(lang));
	json_object_set_new(page, "edit", web_post_button(edit_path, request, NULL, NULL, web_text(web, lang, "signals_edit")));
	context = web_must_set(context, context, "route", route_json);
	json_t *online = web_report_online(web, lang, false, web_now(web, request));
	if (online)
		json_object_set_new(context, "report_online", online);
	assess_result_release(&assessment);
	web_render(web, "signals_result", context, 200, reply);
}

/* ---------- API ---------- */

