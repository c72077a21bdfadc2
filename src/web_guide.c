/* web_guide: the guide ("wegwijzer"): six short questions, one at a time, then whom to
 * contact now. The answers travel by POST between the steps, never in the address. */
#define _POSIX_C_SOURCE 200809L
#include "web_modules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "page_cache.h"
#include "route.h"
#include "situation.h"
#include "text.h"


/* ---- the guide ---- */

enum { ANSWER_NONE = -1, GUIDE_STEPS = 6 };

struct guide_answers {
	int danger;       /* 0 no, 1 yes */
	int about;        /* 0 someone else, 1 someone I know through work with children, 2 myself */
	unsigned forms;   /* kb_form bits, bit 3: unknown */
	int minor;        /* 0 no, 1 yes, 2 unknown */
	int need;         /* 0 advice, 1 report, 2 anonymous, 3 unsure */
	int region;       /* 0 rotterdam, 1 other */
	int step;         /* the step the form was sent from, or 0 */
};

static const char *const danger_values[] = {"no", "yes", NULL};
static const char *const about_values[] = {"other", "children_work", "self", NULL};
static const char *const minor_values[] = {"no", "yes", "unknown", NULL};
static const char *const need_values[] = {"advice", "report", "anonymous", "unsure", NULL};
static const char *const region_values[] = {"rotterdam", "other", NULL};

/* Reads the answers from the query; -1 when a value is not one of the choices. */
static int read_guide_answers(const struct http_request *request, struct guide_answers *answers)
{
	*answers = (struct guide_answers){ANSWER_NONE, ANSWER_NONE, 0, ANSWER_NONE, ANSWER_NONE, ANSWER_NONE, 0};
	for (size_t i = 0; i < request->field_count; i++) {
		const char *key = request->fields[i].key, *value = request->fields[i].value;
		int index = 0;
		if (strcmp(key, "danger") == 0)
			index = answers->danger = web_value_index(danger_values, value);
		else if (strcmp(key, "about") == 0)
			index = answers->about = web_value_index(about_values, value);
		else if (strcmp(key, "form") == 0) {
			index = web_value_index(web_form_values, value);
			if (index >= 0)
				answers->forms |= 1u << index;
		} else if (strcmp(key, "minor") == 0)
			index = answers->minor = web_value_index(minor_values, value);
		else if (strcmp(key, "need") == 0)
			index = answers->need = web_value_index(need_values, value);
		else if (strcmp(key, "region") == 0)
			index = answers->region = web_value_index(region_values, value);
		else if (strcmp(key, "step") == 0)
			index = answers->step = (value[0] >= '1' && value[0] <= '0' + GUIDE_STEPS && value[1] == '\0')
							? value[0] - '0' : -2;
		if (index == -2)
			return -1;
	}
	return 0;
}

struct question {
	const char *name;
	const char *text_key;
	const char *self_text_key;        /* the question when it is about the person asking; or NULL */
	const char *hint_key;
	const char *examples_key;         /* keys "<examples_key>_1".."_4": a list under the question; or NULL */
	bool multiple;
	const char *const *values;
	const char *const *labels;
	const char *const *self_labels;   /* labels when it is about the person asking; or NULL */
	const char *const *descriptions;  /* a line under each label; or NULL */
};

static const char *const yes_no_labels[] = {"a_no", "a_yes"};
static const char *const about_labels[] = {"a_about_other", "a_about_children_work", "a_about_self"};
static const char *const form_labels[] = {"a_sexual", "a_labour", "a_criminal", "a_dont_know"};
static const char *const form_descriptions[] = {"a_sexual_desc", "a_labour_desc", "a_criminal_desc", NULL};
static const char *const minor_labels[] = {"a_no", "a_yes", "a_dont_know"};
static const char *const need_labels[] = {"a_advice", "a_report", "a_anonymous", "a_unsure"};
static const char *const need_self_labels[] = {"a_advice_self", "a_report_self", "a_anonymous_self", "a_unsure"};
static const char *const region_labels[] = {"a_rotterdam", "a_other_region"};

static const struct question questions[GUIDE_STEPS] = {
	{"danger", "q_danger", NULL, "q_danger_hint", "q_danger_example", false, danger_values, yes_no_labels, NULL, NULL},
	{"about", "q_about", NULL, NULL, NULL, false, about_values, about_labels, NULL, NULL},
	{"form", "q_forms", "q_forms_self", "q_forms_hint", NULL, true, web_form_values, form_labels, NULL, form_descriptions},
	{"minor", "q_minor", "q_minor_self", NULL, NULL, false, minor_values, minor_labels, NULL, NULL},
	{"need", "q_need", NULL, NULL, NULL, false, need_values, need_labels, need_self_labels, NULL},
	{"region", "q_region", "q_region_self", NULL, NULL, false, region_values, region_labels, NULL, NULL},
};

static int first_unanswered(const struct guide_answers *a)
{
	if (a->danger < 0)
		return 1;
	if (a->about < 0)
		return 2;
	if (!a->forms)
		return 3;
	if (a->minor < 0)
		return 4;
	if (a->need < 0)
		return 5;
	if (a->region < 0)
		return 6;
	return 0;
}

static json_t *question_json(struct web *web, enum kb_lang lang, int step, bool about_self,
			     const struct guide_answers *answers)
{
	const struct question *q = &questions[step - 1];
	json_t *options = json_array();
	/* "yes" first reads more naturally than the stored order no/yes */
	static const int yes_first[] = {1, 0};
	static const int yes_first_three[] = {1, 0, 2};
	const char *const *labels = about_self && q->self_labels ? q->self_labels : q->labels;
	for (int i = 0; q->values[i]; i++) {
		int v = (step == 1) ? yes_first[i] : (step == 4) ? yes_first_three[i] : i;
		char id[48];
		snprintf(id, sizeof id, "%s-%s", q->name, q->values[v]);
		bool checked = (step == 3 && (answers->forms & (1u << v))) || (step == 1 && answers->danger == v) ||
			       (step == 2 && answers->about == v) || (step == 4 && answers->minor == v) ||
			       (step == 5 && answers->need == v) || (step == 6 && answers->region == v);
		json_t *option = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "type", q->multiple ? "checkbox" : "radio",
					   "id", id, "name", q->name, "value", q->values[v], "label",
					   web_text(web, lang, labels[v]), "checked", checked);
		if (q->descriptions && q->descriptions[v]) {
			char describedby[64];
			snprintf(describedby, sizeof describedby, "%s-desc", id);
			json_object_set_new(option, "description", json_string(web_text(web, lang, q->descriptions[v])));
			json_object_set_new(option, "description_id", json_string(describedby));
		}
		json_array_append_new(options, option);
	}
	const char *text_key = about_self && q->self_text_key ? q->self_text_key : q->text_key;
	json_t *result = json_pack("{s:s, s:o}", "text", web_text(web, lang, text_key), "options", options);
	if (q->hint_key)
		json_object_set_new(result, "hint", json_string(web_text(web, lang, q->hint_key)));
	if (q->examples_key) {
		json_t *examples = json_array();
		for (int i = 1; i <= 4; i++) {
			char key[64];
			snprintf(key, sizeof key, "%s_%d", q->examples_key, i);
			json_array_append_new(examples, json_string(web_text(web, lang, key)));
		}
		json_object_set_new(result, "examples", json_pack("{s:o}", "items", examples));
	}
	return result;
}

/* The signal check with the guide's forms and age already filled in (sent by POST, not in an address). */
static json_t *signals_button_for(struct web *web, enum kb_lang lang, const struct guide_answers *answers)
{
	json_t *fields = json_array();
	for (int f = 0; f < 4; f++) {
		if (answers->forms & (1u << f))
			json_array_append_new(fields, json_pack("{s:s, s:s}", "name", "form", "value", web_form_values[f]));
	}
	json_array_append_new(fields, json_pack("{s:s, s:s}", "name", "age", "value",
						answers->minor == 1 ? "minor" : answers->minor == 2 ? "unknown" : "adult"));
	char action[32];
	snprintf(action, sizeof action, "%s/signalen", web_lang_prefix(lang));
	return json_pack("{s:s, s:o, s:s}", "action", action, "fields", fields, "label",
			 web_text(web, lang, "result_signals_link"));
}

/* The page cache's key for these answers: language, method and every field in order (the page repeats
 * them in its forms), or 0 when the page is not to be cached: a field the guide does not ask for (it
 * would be carried along as it is: any text, so any number of keys). The values are the guide's own
 * (read_guide_answers() checked them), so the key holds no text from outside that list. */
static size_t guide_cache_key(enum kb_lang lang, const struct http_request *request, char *key, size_t size)
{
	static const char *const known[] = {"danger", "about", "form", "minor", "need", "region", "step", NULL};
	int len = snprintf(key, size, "guide|%s|%s|", kb_lang_id(lang), request->method == HTTP_POST ? "POST" : "GET");
	for (size_t i = 0; len > 0 && (size_t)len < size && i < request->field_count; i++) {
		if (web_value_index(known, request->fields[i].key) < 0)
			return 0;
		len += snprintf(key + len, size - (size_t)len, "%s=%s&", request->fields[i].key, request->fields[i].value);
	}
	return len > 0 && (size_t)len < size ? (size_t)len : 0;
}

static void render_guide(struct web *web, enum kb_lang lang, const struct http_request *request,
			 const struct guide_answers *given, struct http_reply *reply);

void web_page_guide(struct web *web, enum kb_lang lang, const struct http_request *request,
		       struct http_reply *reply)
{
	/* the answers come in the form of a POST, or in the query of an old link */
	struct http_request posted = web_answers_posted(request);
	request = &posted;
	struct guide_answers answers;
	if (read_guide_answers(request, &answers)) {
		web_error_page(web, request, 400, reply);
		return;
	}
	/* the page depends on the key's parts and on the opening states, which hold for a whole minute */
	char key[PAGE_CACHE_KEY_MAX + 1];
	size_t key_len = guide_cache_key(lang, request, key, sizeof key);
	int64_t now = web_now(web, request);
	if (key_len && web_cached_reply(web, key, key_len, now, reply))
		return;
	render_guide(web, lang, request, &answers, reply);
	if (key_len)
		web_cache_reply(web, key, key_len, now, reply);
}

static void render_guide(struct web *web, enum kb_lang lang, const struct http_request *request,
			 const struct guide_answers *given, struct http_reply *reply)
{
	struct guide_answers answers = *given;
	bool about_self = answers.about == 2;
	json_t *context = web_page_context(web, lang, "/wegwijzer", request, "guide_title", "guide");
	json_t *page = json_object();
	json_object_set_new(context, "page", page);
	json_object_set_new(page, "acute", json_boolean(answers.danger == 1));
	json_object_set_new(page, "steps", json_integer(GUIDE_STEPS));
	int step = first_unanswered(&answers);
	char path[32];
	snprintf(path, sizeof path, "%s/wegwijzer", web_lang_prefix(lang));
	json_object_set_new(page, "restart_url", json_string(path));
	if (step) {
		json_object_set_new(page, "step", json_integer(step));
		json_object_set_new(page, "first", json_boolean(step == 1));
		json_object_set_new(page, "question", question_json(web, lang, step, about_self, &answers));
		json_object_set_new(page, "error", json_boolean(answers.step == step));
		json_t *hidden = json_array();
		for (size_t i = 0; i < request->field_count; i++) {
			if (strcmp(request->fields[i].key, "step") != 0 &&
			    strcmp(request->fields[i].key, questions[step - 1].name) != 0)
				json_array_append_new(hidden, json_pack("{s:s, s:s}", "name", request->fields[i].key, "value",
									request->fields[i].value));
		}
		json_object_set_new(page, "hidden", hidden);
		if (step > 1)
			json_object_set_new(page, "back", web_post_button(path, request, questions[step - 2].name, NULL,
								      web_text(web, lang, "guide_back")));
		if (answers.step == step) {
			const char *first = json_string_value(json_object_get(
				json_array_get(json_object_get(json_object_get(page, "question"), "options"), 0), "id"));
			web_add_error(web, lang, context, first ? first : "main", web_text(web, lang, "guide_choose"));
		}
		web_render(web, "guide", context, 200, reply);
		return;
	}
	struct situation situation;
	situation_init(&situation);
	situation.lang = lang;
	situation.acute_danger = answers.danger == 1;
	situation.about_self = about_self;
	situation.works_with_children = answers.about == 1;
	situation.forms = answers.forms & 7u;
	situation.form_unknown = (answers.forms & 8u) != 0;
	situation.age = answers.minor == 1 ? KB_AGE_MINOR : answers.minor == 2 ? KB_AGE_UNKNOWN : KB_AGE_ADULT;
	situation.wants_advice = answers.need == 0;
	situation.report_victim = answers.need == 1;
	situation.wants_anonymity = answers.need == 2;
	situation.region = answers.region == 1 ? REGION_OTHER : REGION_ROTTERDAM;
	struct route_result route;
	route_for_situation(web->kb, &web->texts, &situation, web_now(web, request), &route);
	json_object_set_new(page, "result", json_true());
	json_object_set_new(context, "heading2", json_true()); /* the channels come right under the h1 */
	json_object_set_new(page, "about_self", json_boolean(about_self));
	json_object_set_new(page, "back", web_post_button(path, request, "region", NULL, web_text(web, lang, "guide_back")));
	context = web_must_set(context, context, "route", web_route_for_page(web, &route, lang));
	json_object_set_new(page, "signals", signals_button_for(web, lang, &answers));
	/* online reporting fits when there is no acute danger and it is about this region */
	if (answers.danger != 1 && answers.region != 1) {
		json_t *online = web_report_online(web, lang, about_self, web_now(web, request));
		if (online)
			json_object_set_new(context, "report_online", online);
	}
	web_render(web, "guide", context, 200, reply);
}

