#define _POSIX_C_SOURCE 200809L
#include "wegwijzer.h"

#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "route.h"
#include "situation.h"
#include "text.h"

#define ANSWER_SIZE 2048
#define QUESTION_COUNT 6

/* The guide's own sentences, and the words the command line shares with it
 * that text.c does not have; the texts are in web/strings.json ("cli_*").
 * Dutch at B1 with "je"; English plain. */
enum guide_text {
	G_TITLE,
	G_DANGER_BAR,
	G_HOW_TO_ANSWER,
	G_QUESTION,
	G_Q_DANGER,
	G_DANGER_EXAMPLES,
	G_DANGER_HURT,
	G_DANGER_LOCKED,
	G_DANGER_CHILD,
	G_DANGER_MOVED,
	G_YES,
	G_NO,
	G_DONT_KNOW,
	G_CALL_112_NOW,
	G_Q_WHO,
	G_WHO_OTHER,
	G_WHO_CHILD_AT_WORK,
	G_WHO_SELF,
	G_Q_FORMS,
	G_Q_FORMS_SELF,
	G_FORM_SEXUAL,
	G_FORM_LABOUR,
	G_FORM_CRIMINAL,
	G_FORM_SEXUAL_SELF,
	G_FORM_LABOUR_SELF,
	G_FORM_CRIMINAL_SELF,
	G_MORE_ANSWERS,
	G_Q_MINOR,
	G_Q_MINOR_CHILD,
	G_Q_MINOR_SELF,
	G_Q_NEED,
	G_NEED_ADVICE,
	G_NEED_REPORT,
	G_NEED_ANONYMOUS,
	G_NEED_UNSURE,
	G_NEED_HELP_SELF,
	G_NEED_REPORT_SELF,
	G_Q_REGION,
	G_Q_REGION_SELF,
	G_REGION_ROTTERDAM,
	G_REGION_OTHER,
	G_RESULT_HEADING,
	G_CALL,
	G_ONLINE_FORM,
	G_IN_ENGLISH,
	G_Q_CHECKLIST,
	G_Q_CHECKLIST_SELF,
	G_CHECKLIST_SHARED,
	G_CHECKLIST_HEADING,
	G_CHECKLIST_SELF_NOTE,
	G_CHECKLIST_HOW,
	G_CHECKLIST_HOW_SELF,
	G_CHANNELS_AGAIN,
	/* the weighing */
	G_ASSESS_HEADING,
	G_ASSESS_NONE,
	G_CONCERN_ONE,
	G_CONCERN_MANY,
	G_LEVEL_REPORT_SELF,
	G_BASIS_MINOR_ACT_SELF,
	G_BASIS_ADULT_EXPLOITATION_SELF,
	G_NEXT_REPORT_SELF,
	G_NEXT_DISCUSS_SELF,
	G_NEXT_WATCH_SELF,
	G_UNKNOWN_INTRO_SELF,
	G_UNKNOWN_SEXUAL_ACT_SELF,
	G_UNKNOWN_CRIMINAL_ACT_SELF,
	G_UNKNOWN_DECEPTIVE_SELF,
	G_UNKNOWN_COERCIVE_SELF,
	G_UNKNOWN_RECRUITMENT_VULNERABILITY_SELF,
	G_UNKNOWN_EXPLOITATIVE_SELF,
	G_UNKNOWN_COERCION_SELF,
	G_UNKNOWN_VULNERABILITY_AT_DESTINATION_SELF,
	G_DETAILS_HEADING,
	G_DETAILS_RULE,
	G_DETAILS_FORM_ADULT,
	G_DETAILS_FORM_MINOR,
	G_DETAILS_ENOUGH,
	G_DETAILS_NOT_ENOUGH,
	G_DETAILS_NO_SIGNALS,
	G_DETAILS_STRICT_MET,
	G_DETAILS_STRICT_NOT_MET,
	G_STRONG_ONE,
	G_STRONG_MANY,
	G_MEDIUM_ONE,
	G_MEDIUM_MANY,
	G_WEAK_ONE,
	G_WEAK_MANY,
	/* the parts (dimensions) of the pattern, as noun phrases */
	G_DIM_DECEPTIVE_RECRUITMENT,
	G_DIM_COERCIVE_RECRUITMENT,
	G_DIM_RECRUITMENT_VULNERABILITY,
	G_DIM_EXPLOITATIVE_CONDITIONS,
	G_DIM_COERCION,
	G_DIM_VULNERABILITY_AT_DESTINATION,
	/* signals: weights and sources */
	G_WEIGHT,
	G_WEIGHT_ITEM,
	G_WEIGHT_NONE,
	G_STRENGTH_STRONG,
	G_STRENGTH_MEDIUM,
	G_STRENGTH_WEAK,
	G_PROFILE_ADULT,
	G_PROFILE_MINOR,
	G_PROFILE_BOTH,
	G_LOW_CONFIDENCE,
	G_ACT,
	G_ONLY_FOR_ADULTS,
	G_ONLY_FOR_MINORS,
	G_SOURCE,
	G_DIRECTORY_HEADING,
	G_BAD_ANSWER,
	G_BAD_LIST,
	G_STOPPED,
	G_END,
	G_COUNT
};

/* The key of each sentence in web/strings.json, and its marks. */
static const struct texts_need guide_keys[G_COUNT] = {
	[G_TITLE] = {"cli_title", NULL},
	[G_DANGER_BAR] = {"cli_danger_bar", NULL},
	[G_HOW_TO_ANSWER] = {"cli_how_to_answer", NULL},
	[G_QUESTION] = {"cli_question", "{number}{count}"},
	[G_Q_DANGER] = {"cli_q_danger", NULL},
	[G_DANGER_EXAMPLES] = {"cli_danger_examples", NULL},
	[G_DANGER_HURT] = {"cli_danger_hurt", NULL},
	[G_DANGER_LOCKED] = {"cli_danger_locked", NULL},
	[G_DANGER_CHILD] = {"cli_danger_child", NULL},
	[G_DANGER_MOVED] = {"cli_danger_moved", NULL},
	[G_YES] = {"cli_yes", NULL},
	[G_NO] = {"cli_no", NULL},
	[G_DONT_KNOW] = {"cli_dont_know", NULL},
	[G_CALL_112_NOW] = {"cli_call_112_now", NULL},
	[G_Q_WHO] = {"cli_q_who", NULL},
	[G_WHO_OTHER] = {"cli_who_other", NULL},
	[G_WHO_CHILD_AT_WORK] = {"cli_who_child_at_work", NULL},
	[G_WHO_SELF] = {"cli_who_self", NULL},
	[G_Q_FORMS] = {"cli_q_forms", NULL},
	[G_Q_FORMS_SELF] = {"cli_q_forms_self", NULL},
	[G_FORM_SEXUAL] = {"cli_form_sexual", NULL},
	[G_FORM_LABOUR] = {"cli_form_labour", NULL},
	[G_FORM_CRIMINAL] = {"cli_form_criminal", NULL},
	[G_FORM_SEXUAL_SELF] = {"cli_form_sexual_self", NULL},
	[G_FORM_LABOUR_SELF] = {"cli_form_labour_self", NULL},
	[G_FORM_CRIMINAL_SELF] = {"cli_form_criminal_self", NULL},
	[G_MORE_ANSWERS] = {"cli_more_answers", NULL},
	[G_Q_MINOR] = {"cli_q_minor", NULL},
	[G_Q_MINOR_CHILD] = {"cli_q_minor_child", NULL},
	[G_Q_MINOR_SELF] = {"cli_q_minor_self", NULL},
	[G_Q_NEED] = {"cli_q_need", NULL},
	[G_NEED_ADVICE] = {"cli_need_advice", NULL},
	[G_NEED_REPORT] = {"cli_need_report", NULL},
	[G_NEED_ANONYMOUS] = {"cli_need_anonymous", NULL},
	[G_NEED_UNSURE] = {"cli_need_unsure", NULL},
	[G_NEED_HELP_SELF] = {"cli_need_help_self", NULL},
	[G_NEED_REPORT_SELF] = {"cli_need_report_self", NULL},
	[G_Q_REGION] = {"cli_q_region", NULL},
	[G_Q_REGION_SELF] = {"cli_q_region_self", NULL},
	[G_REGION_ROTTERDAM] = {"cli_region_rotterdam", NULL},
	[G_REGION_OTHER] = {"cli_region_other", NULL},
	[G_RESULT_HEADING] = {"cli_result_heading", NULL},
	[G_CALL] = {"cli_call", NULL},
	[G_ONLINE_FORM] = {"cli_online_form", NULL},
	[G_IN_ENGLISH] = {"cli_in_english", NULL},
	[G_Q_CHECKLIST] = {"cli_q_checklist", NULL},
	[G_Q_CHECKLIST_SELF] = {"cli_q_checklist_self", NULL},
	[G_CHECKLIST_SHARED] = {"cli_checklist_shared", NULL},
	[G_CHECKLIST_HEADING] = {"cli_checklist_heading", "{form}"},
	[G_CHECKLIST_SELF_NOTE] = {"cli_checklist_self_note", NULL},
	[G_CHECKLIST_HOW] = {"cli_checklist_how", NULL},
	[G_CHECKLIST_HOW_SELF] = {"cli_checklist_how_self", NULL},
	[G_CHANNELS_AGAIN] = {"cli_channels_again", NULL},
	[G_ASSESS_HEADING] = {"cli_assess_heading", NULL},
	[G_ASSESS_NONE] = {"cli_assess_none", NULL},
	[G_CONCERN_ONE] = {"cli_concern_one", NULL},
	[G_CONCERN_MANY] = {"cli_concern_many", "{n}"},
	[G_LEVEL_REPORT_SELF] = {"cli_level_report_self", NULL},
	[G_BASIS_MINOR_ACT_SELF] = {"cli_basis_minor_act_self", NULL},
	[G_BASIS_ADULT_EXPLOITATION_SELF] = {"cli_basis_adult_exploitation_self", NULL},
	[G_NEXT_REPORT_SELF] = {"cli_next_report_self", NULL},
	[G_NEXT_DISCUSS_SELF] = {"cli_next_discuss_self", NULL},
	[G_NEXT_WATCH_SELF] = {"cli_next_watch_self", NULL},
	[G_UNKNOWN_INTRO_SELF] = {"cli_unknown_intro_self", NULL},
	[G_UNKNOWN_SEXUAL_ACT_SELF] = {"cli_unknown_sexual_act_self", NULL},
	[G_UNKNOWN_CRIMINAL_ACT_SELF] = {"cli_unknown_criminal_act_self", NULL},
	[G_UNKNOWN_DECEPTIVE_SELF] = {"cli_unknown_deceptive_self", NULL},
	[G_UNKNOWN_COERCIVE_SELF] = {"cli_unknown_coercive_self", NULL},
	[G_UNKNOWN_RECRUITMENT_VULNERABILITY_SELF] = {"cli_unknown_recruitment_vulnerability_self", NULL},
	[G_UNKNOWN_EXPLOITATIVE_SELF] = {"cli_unknown_exploitative_self", NULL},
	[G_UNKNOWN_COERCION_SELF] = {"cli_unknown_coercion_self", NULL},
	[G_UNKNOWN_VULNERABILITY_AT_DESTINATION_SELF] = {"cli_unknown_vulnerability_at_destination_self", NULL},
	[G_DETAILS_HEADING] = {"cli_details_heading", NULL},
	[G_DETAILS_RULE] = {"cli_details_rule", NULL},
	[G_DETAILS_FORM_ADULT] = {"cli_details_form_adult", "{form}"},
	[G_DETAILS_FORM_MINOR] = {"cli_details_form_minor", "{form}"},
	[G_DETAILS_ENOUGH] = {"cli_details_enough", NULL},
	[G_DETAILS_NOT_ENOUGH] = {"cli_details_not_enough", NULL},
	[G_DETAILS_NO_SIGNALS] = {"cli_details_no_signals", NULL},
	[G_DETAILS_STRICT_MET] = {"cli_details_strict_met", NULL},
	[G_DETAILS_STRICT_NOT_MET] = {"cli_details_strict_not_met", NULL},
	[G_STRONG_ONE] = {"cli_strong_one", NULL},
	[G_STRONG_MANY] = {"cli_strong_many", "{n}"},
	[G_MEDIUM_ONE] = {"cli_medium_one", NULL},
	[G_MEDIUM_MANY] = {"cli_medium_many", "{n}"},
	[G_WEAK_ONE] = {"cli_weak_one", NULL},
	[G_WEAK_MANY] = {"cli_weak_many", "{n}"},
	[G_DIM_DECEPTIVE_RECRUITMENT] = {"cli_dim_deceptive_recruitment", NULL},
	[G_DIM_COERCIVE_RECRUITMENT] = {"cli_dim_coercive_recruitment", NULL},
	[G_DIM_RECRUITMENT_VULNERABILITY] = {"cli_dim_recruitment_vulnerability", NULL},
	[G_DIM_EXPLOITATIVE_CONDITIONS] = {"cli_dim_exploitative_conditions", NULL},
	[G_DIM_COERCION] = {"cli_dim_coercion", NULL},
	[G_DIM_VULNERABILITY_AT_DESTINATION] = {"cli_dim_vulnerability_at_destination", NULL},
	[G_WEIGHT] = {"cli_weight", NULL},
	[G_WEIGHT_ITEM] = {"cli_weight_item", "{strength}{part}{whom}"},
	[G_WEIGHT_NONE] = {"cli_weight_none", NULL},
	[G_STRENGTH_STRONG] = {"cli_strength_strong", NULL},
	[G_STRENGTH_MEDIUM] = {"cli_strength_medium", NULL},
	[G_STRENGTH_WEAK] = {"cli_strength_weak", NULL},
	[G_PROFILE_ADULT] = {"cli_profile_adult", NULL},
	[G_PROFILE_MINOR] = {"cli_profile_minor", NULL},
	[G_PROFILE_BOTH] = {"cli_profile_both", NULL},
	[G_LOW_CONFIDENCE] = {"cli_low_confidence", NULL},
	[G_ACT] = {"cli_act", NULL},
	[G_ONLY_FOR_ADULTS] = {"cli_only_for_adults", NULL},
	[G_ONLY_FOR_MINORS] = {"cli_only_for_minors", NULL},
	[G_SOURCE] = {"cli_source", NULL},
	[G_DIRECTORY_HEADING] = {"cli_directory_heading", NULL},
	[G_BAD_ANSWER] = {"cli_bad_answer", "{max}"},
	[G_BAD_LIST] = {"cli_bad_list", "{max}"},
	[G_STOPPED] = {"cli_stopped", NULL},
	[G_END] = {"cli_end", NULL},
};

int wegwijzer_check(const struct texts *texts, char *error, size_t error_size)
{
	for (int id = 0; id < G_COUNT; id++) {
		if (!guide_keys[id].key) {
			snprintf(error, error_size, "guide text %d has no key in wegwijzer.c", id);
			return -1;
		}
	}
	return texts_require(texts, guide_keys, G_COUNT, error, error_size);
}

static const char *gtext(const struct texts *texts, enum guide_text id, enum kb_lang lang)
{
	return texts_get(texts, lang, guide_keys[id].key);
}

/* Prints `text` with `mark` filled in by `value` (the texts are never formats). */
static void print_filled(FILE *out, const char *text, const char *mark, const char *value)
{
	char line[1024];
	(void)texts_fill(line, sizeof line, text, mark, value, (char *)NULL); /* cut only past 1 KiB: a sentence */
	fputs(line, out);
}

static void print_number(FILE *out, const char *text, const char *mark, unsigned number)
{
	char value[16];
	snprintf(value, sizeof value, "%u", number);
	print_filled(out, text, mark, value);
}

/* ---- the weighing in words (shared with the command line) ---- */

void wegwijzer_form_title(const struct texts *texts, enum kb_form form, enum kb_lang lang, char *out, size_t size)
{
	snprintf(out, size, "%s", text_form_name(texts, form, lang));
	if (out[0] >= 'a' && out[0] <= 'z')
		out[0] = (char)(out[0] - 'a' + 'A');
}

static const char *dimension_name(const struct texts *texts, enum kb_dimension dimension, enum kb_lang lang)
{
	static const enum guide_text ids[KB_DIMENSION_COUNT] = {
		G_DIM_DECEPTIVE_RECRUITMENT,   G_DIM_COERCIVE_RECRUITMENT, G_DIM_RECRUITMENT_VULNERABILITY,
		G_DIM_EXPLOITATIVE_CONDITIONS, G_DIM_COERCION,		   G_DIM_VULNERABILITY_AT_DESTINATION,
	};
	return gtext(texts, ids[dimension], lang);
}

static const char *level_text(const struct texts *texts, enum assess_level level, const struct wegwijzer_view *view)
{
	if (view->about_self && level == ASSESS_LEVEL_REPORT)
		return gtext(texts, G_LEVEL_REPORT_SELF, view->lang);
	return text_level(texts, level, view->lang);
}

static const char *basis_text(const struct texts *texts, enum assess_basis basis, enum kb_form form,
			      const struct wegwijzer_view *view)
{
	if (view->about_self && basis == ASSESS_BASIS_MINOR_ACT)
		return gtext(texts, G_BASIS_MINOR_ACT_SELF, view->lang);
	if (view->about_self && basis == ASSESS_BASIS_ADULT_EXPLOITATION)
		return gtext(texts, G_BASIS_ADULT_EXPLOITATION_SELF, view->lang);
	return text_basis(texts, basis, form, view->lang);
}

static const char *next_step_text(const struct texts *texts, enum assess_level level, const struct wegwijzer_view *view)
{
	if (view->about_self && level == ASSESS_LEVEL_REPORT)
		return gtext(texts, G_NEXT_REPORT_SELF, view->lang);
	if (view->about_self && level == ASSESS_LEVEL_DISCUSS)
		return gtext(texts, G_NEXT_DISCUSS_SELF, view->lang);
	if (view->about_self && level == ASSESS_LEVEL_WATCH)
		return gtext(texts, G_NEXT_WATCH_SELF, view->lang);
	return text_next_step(texts, level, view->lang);
}

/* What is not known for one part; `form` is KB_FORM_COUNT for an answer
 * that covers several forms. The "you" versions are the guide's own. */
static const char *unknown_text(const struct texts *texts, enum kb_dimension dimension, enum kb_form form,
				const struct wegwijzer_view *view)
{
	enum kb_lang lang = view->lang;
	if (!view->about_self)
		return text_unknown_dimension(texts, dimension, form, lang);
	if (dimension == KB_DIMENSION_EXPLOITATIVE_CONDITIONS && form == KB_FORM_SEXUAL)
		return gtext(texts, G_UNKNOWN_SEXUAL_ACT_SELF, lang);
	if (dimension == KB_DIMENSION_EXPLOITATIVE_CONDITIONS && form == KB_FORM_CRIMINAL)
		return gtext(texts, G_UNKNOWN_CRIMINAL_ACT_SELF, lang);
	static const enum guide_text self[KB_DIMENSION_COUNT] = {
		G_UNKNOWN_DECEPTIVE_SELF,    G_UNKNOWN_COERCIVE_SELF, G_UNKNOWN_RECRUITMENT_VULNERABILITY_SELF,
		G_UNKNOWN_EXPLOITATIVE_SELF, G_UNKNOWN_COERCION_SELF, G_UNKNOWN_VULNERABILITY_AT_DESTINATION_SELF,
	};
	return gtext(texts, self[dimension], lang);
}

/* One form's answer; `title` NULL: the combined answer for several forms,
 * which is provisional only when every form in it is. */
static void print_form_block(FILE *out, const struct texts *texts, const struct assess_form *form, enum kb_form f,
			     const char *title, bool provisional, const struct wegwijzer_view *view)
{
	if (title)
		fprintf(out, "\n%s: %s\n", title, level_text(texts, form->level, view));
	else
		fprintf(out, "\n%s\n", level_text(texts, form->level, view));
	fprintf(out, "  %s\n", basis_text(texts, form->basis, f, view));
	if (provisional && form->level != ASSESS_LEVEL_NONE)
		fprintf(out, "  %s\n", text_get(texts, T_ASSESS_PROVISIONAL, view->lang));
	unsigned unknown = assess_open_questions(form);
	if (unknown) {
		fprintf(out, "  %s\n",
			view->about_self ? gtext(texts, G_UNKNOWN_INTRO_SELF, view->lang)
					 : text_get(texts, T_ASSESS_UNKNOWN_INTRO, view->lang));
		for (int d = 0; d < KB_DIMENSION_COUNT; d++) {
			if (unknown & (1u << d))
				fprintf(out, "  - %s\n", unknown_text(texts, (enum kb_dimension)d, f, view));
		}
	}
}

static void print_count(FILE *out, const struct texts *texts, unsigned count, enum guide_text one,
			enum guide_text many, bool *first, enum kb_lang lang)
{
	if (count == 0)
		return;
	fputs(*first ? "" : ", ", out);
	*first = false;
	if (count == 1)
		fputs(gtext(texts, one, lang), out);
	else
		print_number(out, gtext(texts, many, lang), "{n}", count);
}

static void print_details(FILE *out, const struct texts *texts, const struct assess_form *form, const char *title,
			  enum kb_lang lang)
{
	fputc('\n', out);
	print_filled(out, gtext(texts, form->profile == KB_PROFILE_MINOR ? G_DETAILS_FORM_MINOR : G_DETAILS_FORM_ADULT, lang),
		     "{form}", title);
	fputc('\n', out);
	for (int d = 0; d < KB_DIMENSION_COUNT; d++) {
		const struct assess_dimension *dimension = &form->dimensions[d];
		fprintf(out, "  - %s: ", dimension_name(texts, (enum kb_dimension)d, lang));
		if (dimension->strong + dimension->medium + dimension->weak == 0) {
			fprintf(out, "%s.\n", gtext(texts, G_DETAILS_NO_SIGNALS, lang));
			continue;
		}
		bool first = true;
		print_count(out, texts, dimension->strong, G_STRONG_ONE, G_STRONG_MANY, &first, lang);
		print_count(out, texts, dimension->medium, G_MEDIUM_ONE, G_MEDIUM_MANY, &first, lang);
		print_count(out, texts, dimension->weak, G_WEAK_ONE, G_WEAK_MANY, &first, lang);
		fprintf(out, " (%s).\n", gtext(texts, dimension->positive ? G_DETAILS_ENOUGH : G_DETAILS_NOT_ENOUGH, lang));
	}
	fprintf(out, "  %s\n", gtext(texts, form->indicated ? G_DETAILS_STRICT_MET : G_DETAILS_STRICT_NOT_MET, lang));
}

void wegwijzer_print_assessment(FILE *out, const struct kb *kb, const struct texts *texts,
				const struct assess_result *result, size_t signal_count, const struct wegwijzer_view *view)
{
	(void)kb;
	enum kb_lang lang = view->lang;
	fprintf(out, "%s\n", gtext(texts, G_ASSESS_HEADING, lang));
	if (signal_count == 0) {
		fprintf(out, "%s\n", gtext(texts, G_ASSESS_NONE, lang));
		return;
	}
	if (result->age == KB_AGE_UNKNOWN && !view->about_self)
		fprintf(out, "%s\n", text_get(texts, T_ASSESS_AGE_UNKNOWN, lang));

	/* The relevant forms; when none is, one combined answer with the form
	 * that weighs most (docs/assessment.md section 6). */
	unsigned shown = 0;
	for (int f = 0; f < KB_FORM_COUNT; f++) {
		if (result->forms[f].relevant)
			shown |= 1u << f;
	}
	enum assess_level highest = ASSESS_LEVEL_NONE;
	if (shown) {
		for (int f = 0; f < KB_FORM_COUNT; f++) {
			if (!(shown & (1u << f)))
				continue;
			char title[80];
			wegwijzer_form_title(texts, (enum kb_form)f, lang, title, sizeof title);
			print_form_block(out, texts, &result->forms[f], (enum kb_form)f, title, result->forms[f].provisional,
					 view);
			if (result->forms[f].level > highest)
				highest = result->forms[f].level;
		}
	} else {
		int top = 0;
		unsigned weighed = 0;
		bool all_provisional = true;
		for (int f = 0; f < KB_FORM_COUNT; f++) {
			if (result->forms[f].level > result->forms[top].level)
				top = f;
			weighed += result->forms[f].level != ASSESS_LEVEL_NONE;
			if (result->forms[f].level != ASSESS_LEVEL_NONE)
				all_provisional = all_provisional && result->forms[f].provisional;
		}
		highest = result->forms[top].level;
		if (weighed > 1)
			fprintf(out, "%s\n", text_get(texts, T_ASSESS_SEVERAL_FORMS, lang));
		char title[80];
		wegwijzer_form_title(texts, (enum kb_form)top, lang, title, sizeof title);
		print_form_block(out, texts, &result->forms[top], weighed > 1 ? KB_FORM_COUNT : (enum kb_form)top,
				 weighed > 1 ? NULL : title, weighed > 1 ? all_provisional : result->forms[top].provisional,
				 view);
		shown = weighed > 1 ? 0 : 1u << top;
		if (weighed > 1) {
			for (int f = 0; f < KB_FORM_COUNT; f++) {
				if (result->forms[f].level != ASSESS_LEVEL_NONE)
					shown |= 1u << f;
			}
		}
	}
	/* The concern signals, unless the answer above already rests on them alone. */
	bool weighed_answer = false;
	for (int f = 0; f < KB_FORM_COUNT; f++) {
		enum assess_basis basis = result->forms[f].basis;
		if ((shown & (1u << f)) && basis != ASSESS_BASIS_NOTHING && basis != ASSESS_BASIS_CONCERN_ONLY &&
		    basis != ASSESS_BASIS_MANY_CONCERNS)
			weighed_answer = true;
	}
	if (result->concern && weighed_answer) {
		fputc('\n', out);
		if (result->concern == 1)
			fputs(gtext(texts, G_CONCERN_ONE, lang), out);
		else
			print_number(out, gtext(texts, G_CONCERN_MANY, lang), "{n}", result->concern);
		fputc('\n', out);
	}
	fprintf(out, "\n%s\n", next_step_text(texts, highest, view));
	if (view->details) {
		fprintf(out, "\n%s\n%s\n", gtext(texts, G_DETAILS_HEADING, lang), gtext(texts, G_DETAILS_RULE, lang));
		for (int f = 0; f < KB_FORM_COUNT; f++) {
			if (!(shown & (1u << f)))
				continue;
			char title[80];
			wegwijzer_form_title(texts, (enum kb_form)f, lang, title, sizeof title);
			print_details(out, texts, &result->forms[f], title, lang);
		}
	}
	fprintf(out, "\n%s\n", text_get(texts, T_ASSESS_NOT_A_VERDICT, lang));
}

/* ---- signals: weights in words and sources ---- */

static const char *strength_word(const struct texts *texts, enum kb_strength strength, enum kb_lang lang)
{
	if (strength == KB_STRENGTH_STRONG)
		return gtext(texts, G_STRENGTH_STRONG, lang);
	return gtext(texts, strength == KB_STRENGTH_MEDIUM ? G_STRENGTH_MEDIUM : G_STRENGTH_WEAK, lang);
}

void wegwijzer_print_signal_detail(FILE *out, const struct kb *kb, const struct texts *texts,
				   const struct kb_signal *signal, enum kb_form form, enum kb_lang lang)
{
	fprintf(out, "    %s ", gtext(texts, G_WEIGHT, lang));
	bool any = false;
	bool form_provisional = kb->form_provisional[form];
	for (size_t w = 0; w < signal->weight_count; w++) {
		const struct kb_weight *weight = &signal->weights[w];
		if (weight->form != form)
			continue;
		/* the same indicator and strength for both profiles is said once */
		bool said = false;
		bool both = false;
		for (size_t v = 0; v < signal->weight_count; v++) {
			const struct kb_weight *other = &signal->weights[v];
			if (v == w || other->form != form || other->dimension != weight->dimension ||
			    other->strength != weight->strength || other->indicator != weight->indicator)
				continue;
			both = true;
			said = said || v < w;
		}
		if (said)
			continue;
		enum guide_text whom = both ? G_PROFILE_BOTH
				       : weight->profile == KB_PROFILE_ADULT ? G_PROFILE_ADULT
									      : G_PROFILE_MINOR;
		/* a row the source marks uncertain, in a form that is not provisional as a whole */
		bool uncertain = weight->confidence == KB_CONFIDENCE_LOW && !form_provisional;
		char profile[120];
		snprintf(profile, sizeof profile, "%s%s", gtext(texts, whom, lang),
			 uncertain ? gtext(texts, G_LOW_CONFIDENCE, lang) : "");
		fputs(any ? "; " : "", out);
		any = true;
		char item[600];
		(void)texts_fill(item, sizeof item, gtext(texts, G_WEIGHT_ITEM, lang), "{strength}",
				 strength_word(texts, weight->strength, lang), "{part}",
				 dimension_name(texts, weight->dimension, lang), "{whom}", profile, (char *)NULL);
		fputs(item, out);
	}
	if (!any)
		fputs(gtext(texts, G_WEIGHT_NONE, lang), out);
	else
		fputc('.', out);
	fputc('\n', out);
	if (signal->acts & (1u << form))
		fprintf(out, "    %s\n", gtext(texts, G_ACT, lang));
	unsigned both_profiles = (1u << KB_PROFILE_ADULT) | (1u << KB_PROFILE_MINOR);
	if ((signal->profiles & both_profiles) == (1u << KB_PROFILE_ADULT))
		fprintf(out, "    %s\n", gtext(texts, G_ONLY_FOR_ADULTS, lang));
	else if ((signal->profiles & both_profiles) == (1u << KB_PROFILE_MINOR))
		fprintf(out, "    %s\n", gtext(texts, G_ONLY_FOR_MINORS, lang));
	fprintf(out, "    %s %s\n", gtext(texts, G_SOURCE, lang), signal->source);
}

void wegwijzer_print_result_heading(FILE *out, const struct texts *texts, enum kb_lang lang)
{
	fprintf(out, "%s\n", gtext(texts, G_RESULT_HEADING, lang));
}

void wegwijzer_print_channel_directory(FILE *out, const struct kb *kb, const struct texts *texts, enum kb_lang lang)
{
	fprintf(out, "\n%s\n", gtext(texts, G_DIRECTORY_HEADING, lang));
	for (size_t i = 0; i < kb->channel_count; i++) {
		const struct kb_channel *channel = &kb->channels[i];
		fprintf(out, "  - %s: %s %s", channel->name[lang], gtext(texts, G_CALL, lang), channel->phone_display);
		if (channel->url)
			fprintf(out, " / %s", channel->url);
		fputc('\n', out);
	}
}

/* ---- the guide ---- */

static volatile sig_atomic_t interrupted;

static void on_interrupt(int signal_number)
{
	(void)signal_number;
	interrupted = 1;
}

struct guide {
	const struct kb *kb;
	const struct texts *texts;
	FILE *in, *out;
	enum kb_lang lang;
	int64_t now;
};

static const char *say(const struct guide *g, enum guide_text id)
{
	return gtext(g->texts, id, g->lang);
}

enum read_status { READ_OK, READ_END };

/* Reads one answer line (trimmed). Over-long lines are read to their end and kept cut. */
static enum read_status read_answer(struct guide *g, char answer[ANSWER_SIZE])
{
	fputs("> ", g->out);
	fflush(g->out);
	if (!fgets(answer, ANSWER_SIZE, g->in) || interrupted)
		return READ_END;
	size_t len = strlen(answer);
	if (len && answer[len - 1] != '\n') {
		int c;
		while ((c = fgetc(g->in)) != EOF && c != '\n')
			;
	}
	while (len && (answer[len - 1] == '\n' || answer[len - 1] == '\r' || answer[len - 1] == ' '))
		answer[--len] = '\0';
	size_t start = 0;
	while (answer[start] == ' ')
		start++;
	memmove(answer, answer + start, len - start + 1);
	if (strcmp(answer, "stop") == 0 || strcmp(answer, "q") == 0)
		return READ_END;
	return READ_OK;
}

/* Parses "1,3 4" into chosen[0..max-1]; a word that is not a number must be
 * one of `ids` (the signal ids of a checklist, so a script can name them).
 * False when anything else is typed. */
static bool parse_choices(const char *answer, int max, bool *chosen, const char *const *ids)
{
	memset(chosen, 0, (size_t)max * sizeof *chosen);
	const char *p = answer;
	while (*p) {
		if (*p == ',' || *p == ' ' || *p == ';') {
			p++;
			continue;
		}
		size_t len = strcspn(p, ", ;");
		if (*p >= '0' && *p <= '9') {
			int number = 0;
			for (size_t i = 0; i < len; i++) {
				if (p[i] < '0' || p[i] > '9')
					return false;
				number = number * 10 + (p[i] - '0');
				if (number > max)
					return false;
			}
			if (number < 1)
				return false;
			chosen[number - 1] = true;
		} else {
			bool found = false;
			for (int i = 0; ids && i < max && !found; i++) {
				if (strlen(ids[i]) == len && strncasecmp(ids[i], p, len) == 0) {
					chosen[i] = true;
					found = true;
				}
			}
			if (!found)
				return false;
		}
		p += len;
	}
	return true;
}

static const char *const yes_words[] = {"j", "ja", "y", "yes", NULL};
static const char *const no_words[] = {"n", "nee", "no", NULL};

static bool is_word(const char *answer, const char *const *words)
{
	for (const char *const *w = words; *w; w++) {
		if (strcasecmp(answer, *w) == 0)
			return true;
	}
	return false;
}

static void print_options(struct guide *g, const enum guide_text *options, int count)
{
	for (int i = 0; i < count; i++)
		fprintf(g->out, "  %d. %s\n", i + 1, say(g, options[i]));
}

#define MAX_OPTIONS 8

/* Asks one question; `multiple` allows several answers. `examples` (may be
 * NULL) are shown as a list before the answers. Returns READ_END when the
 * user stops; `chosen` gets bit (1 << (answer - 1)) per answer. */
static enum read_status ask(struct guide *g, int number, enum guide_text question, const enum guide_text *examples,
			    int example_count, const enum guide_text *options, int count, bool multiple,
			    unsigned *chosen)
{
	char number_text[16], count_text[16], line[200];
	snprintf(number_text, sizeof number_text, "%d", number);
	snprintf(count_text, sizeof count_text, "%d", QUESTION_COUNT);
	(void)texts_fill(line, sizeof line, say(g, G_QUESTION), "{number}", number_text, "{count}", count_text,
			 (char *)NULL);
	fprintf(g->out, "\n%s %s\n", line, say(g, question));
	if (examples) {
		fprintf(g->out, "%s\n", say(g, G_DANGER_EXAMPLES));
		for (int i = 0; i < example_count; i++)
			fprintf(g->out, "  - %s\n", say(g, examples[i]));
	}
	if (multiple)
		fprintf(g->out, "%s\n", say(g, G_MORE_ANSWERS));
	print_options(g, options, count);
	char answer[ANSWER_SIZE];
	for (;;) {
		if (read_answer(g, answer) == READ_END)
			return READ_END;
		if (options[0] == G_YES && is_word(answer, yes_words)) {
			*chosen = 1;
			return READ_OK;
		}
		if (options[0] == G_YES && is_word(answer, no_words)) {
			*chosen = 2;
			return READ_OK;
		}
		bool picked[MAX_OPTIONS];
		if (parse_choices(answer, count, picked, NULL)) {
			*chosen = 0;
			int picked_count = 0;
			for (int i = 0; i < count; i++) {
				if (picked[i]) {
					*chosen |= 1u << i;
					picked_count++;
				}
			}
			if (picked_count == 1 || (multiple && picked_count > 1))
				return READ_OK;
		}
		print_number(g->out, say(g, G_BAD_ANSWER), "{max}", (unsigned)count);
		fputc('\n', g->out);
	}
}

/* The state of a recommendation in one sentence, with "closes soon". */
static void describe_state(struct guide *g, const struct route_recommendation *item, char *out, size_t size)
{
	if (item->closes_soon)
		route_describe_closing(g->texts, item->state, g->now, g->lang, out, size);
	else
		route_describe_state(g->texts, item->channel, item->state, g->now, g->lang, out, size);
}

static void print_recommendations(struct guide *g, const struct route_result *route)
{
	fprintf(g->out, "\n%s\n", say(g, G_RESULT_HEADING));
	for (size_t i = 0; i < route->count; i++) {
		const struct route_recommendation *item = &route->items[i];
		fprintf(g->out, "\n%zu. %s: %s %s\n", i + 1, item->channel->name[g->lang], say(g, G_CALL),
			item->channel->phone_display);
		if (item->channel->full_name)
			fprintf(g->out, "   %s\n", item->channel->full_name);
		if (item->channel->url)
			fprintf(g->out, "   %s %s\n", say(g, G_ONLINE_FORM), item->channel->url);
		if (item->channel->url_en && g->lang == KB_LANG_EN)
			fprintf(g->out, "   %s %s\n", say(g, G_IN_ENGLISH), item->channel->url_en);
		fprintf(g->out, "   %s\n", item->reason);
	}
}

/* After the weighing: the channels once more, short (the next step points to
 * "the organisations below"). */
static void print_channels_again(struct guide *g, const struct route_result *route)
{
	fprintf(g->out, "\n%s\n", say(g, G_CHANNELS_AGAIN));
	for (size_t i = 0; i < route->count; i++) {
		const struct route_recommendation *item = &route->items[i];
		char state[400];
		describe_state(g, item, state, sizeof state);
		fprintf(g->out, "  %zu. %s: %s %s. %s\n", i + 1, item->channel->name[g->lang], say(g, G_CALL),
			item->channel->phone_display, state);
	}
}

/* The forms whose signals the checklist shows: those chosen, or all when none was. */
static unsigned checklist_forms(const struct situation *situation)
{
	return situation->forms ? situation->forms : (1u << KB_FORM_COUNT) - 1;
}

static unsigned profiles_for(enum kb_age age)
{
	if (age == KB_AGE_UNKNOWN)
		return (1u << KB_PROFILE_ADULT) | (1u << KB_PROFILE_MINOR);
	return 1u << (age == KB_AGE_MINOR ? KB_PROFILE_MINOR : KB_PROFILE_ADULT);
}

static int popcount(unsigned bits)
{
	int count = 0;
	for (; bits; bits &= bits - 1)
		count++;
	return count;
}

/* One numbered list in which each signal appears once: first the signals that
 * fit more than one of the chosen forms, then those of each form alone.
 * Numbers or signal ids may be typed. */
static enum read_status run_checklist(struct guide *g, const struct situation *situation, size_t *signals,
				      size_t *signal_count)
{
	unsigned forms = checklist_forms(situation);
	unsigned profiles = profiles_for(situation->age);
	size_t shown[SITUATION_MAX_SIGNALS];
	const char *ids[SITUATION_MAX_SIGNALS];
	int count = 0;
	*signal_count = 0;
	if (situation->about_self)
		fprintf(g->out, "\n%s\n", say(g, G_CHECKLIST_SELF_NOTE));
	/* group -1: shared by several chosen forms; then one group per form */
	for (int group = -1; group < KB_FORM_COUNT; group++) {
		bool heading = false;
		for (size_t i = 0; i < g->kb->signal_count && count < SITUATION_MAX_SIGNALS; i++) {
			const struct kb_signal *signal = &g->kb->signals[i];
			unsigned in_chosen = signal->forms & forms;
			if (!in_chosen || !(signal->profiles & profiles))
				continue;
			bool shared = popcount(in_chosen) > 1;
			if (group < 0 ? !shared : (shared || in_chosen != (1u << group)))
				continue;
			if (!heading) {
				fputc('\n', g->out);
				if (group < 0)
					fputs(say(g, G_CHECKLIST_SHARED), g->out);
				else
					print_filled(g->out, say(g, G_CHECKLIST_HEADING), "{form}",
						     text_form_name(g->texts, (enum kb_form)group, g->lang));
				fputc('\n', g->out);
				heading = true;
			}
			shown[count] = i;
			ids[count] = signal->id;
			count++;
			fprintf(g->out, "  %d. %s\n", count, signal->text[g->lang]);
		}
	}
	fprintf(g->out, "%s\n", say(g, situation->about_self ? G_CHECKLIST_HOW_SELF : G_CHECKLIST_HOW));
	char answer[ANSWER_SIZE];
	bool chosen[SITUATION_MAX_SIGNALS];
	for (;;) {
		if (read_answer(g, answer) == READ_END)
			return READ_END;
		if (parse_choices(answer, count, chosen, ids))
			break;
		print_number(g->out, say(g, G_BAD_LIST), "{max}", (unsigned)count);
		fputc('\n', g->out);
	}
	for (int i = 0; i < count; i++) {
		if (chosen[i])
			signals[(*signal_count)++] = shown[i];
	}
	return READ_OK;
}

static enum read_status run_questions(struct guide *g)
{
	static const enum guide_text yes_no[] = {G_YES, G_NO};
	static const enum guide_text yes_no_unsure[] = {G_YES, G_NO, G_DONT_KNOW};
	static const enum guide_text danger_examples[] = {G_DANGER_HURT, G_DANGER_LOCKED, G_DANGER_CHILD,
							  G_DANGER_MOVED};
	static const enum guide_text who[] = {G_WHO_OTHER, G_WHO_CHILD_AT_WORK, G_WHO_SELF};
	static const enum guide_text forms[] = {G_FORM_SEXUAL, G_FORM_LABOUR, G_FORM_CRIMINAL, G_DONT_KNOW};
	static const enum guide_text forms_self[] = {G_FORM_SEXUAL_SELF, G_FORM_LABOUR_SELF, G_FORM_CRIMINAL_SELF,
						     G_DONT_KNOW};
	static const enum guide_text needs[] = {G_NEED_ADVICE, G_NEED_REPORT, G_NEED_ANONYMOUS, G_NEED_UNSURE};
	static const enum guide_text needs_self[] = {G_NEED_HELP_SELF, G_NEED_REPORT_SELF, G_NEED_ANONYMOUS,
						     G_NEED_UNSURE};
	static const enum guide_text regions[] = {G_REGION_ROTTERDAM, G_REGION_OTHER};
	struct situation situation;
	unsigned chosen;
	situation_init(&situation);
	situation.lang = g->lang;

	if (ask(g, 1, G_Q_DANGER, danger_examples, 4, yes_no, 2, false, &chosen) == READ_END)
		return READ_END;
	situation.acute_danger = chosen == 1;
	if (situation.acute_danger)
		fprintf(g->out, "\n*** %s ***\n", say(g, G_CALL_112_NOW));

	if (ask(g, 2, G_Q_WHO, NULL, 0, who, 3, false, &chosen) == READ_END)
		return READ_END;
	situation.works_with_children = chosen == 2;
	situation.about_self = chosen == 4;
	bool self = situation.about_self;

	if (ask(g, 3, self ? G_Q_FORMS_SELF : G_Q_FORMS, NULL, 0, self ? forms_self : forms, 4, true, &chosen) ==
	    READ_END)
		return READ_END;
	for (int f = 0; f < KB_FORM_COUNT; f++) {
		if (chosen & (1u << f))
			situation.forms |= 1u << f;
	}
	situation.form_unknown = (chosen & 8) != 0;

	enum guide_text age_question = self ? G_Q_MINOR_SELF : situation.works_with_children ? G_Q_MINOR_CHILD : G_Q_MINOR;
	if (ask(g, 4, age_question, NULL, 0, yes_no_unsure, 3, false, &chosen) == READ_END)
		return READ_END;
	situation.age = chosen == 1 ? KB_AGE_MINOR : chosen == 4 ? KB_AGE_UNKNOWN : KB_AGE_ADULT;

	if (ask(g, 5, G_Q_NEED, NULL, 0, self ? needs_self : needs, 4, false, &chosen) == READ_END)
		return READ_END;
	situation.wants_advice = chosen == 1;
	situation.report_victim = chosen == 2;
	situation.wants_anonymity = chosen == 4;

	if (ask(g, 6, self ? G_Q_REGION_SELF : G_Q_REGION, NULL, 0, regions, 2, false, &chosen) == READ_END)
		return READ_END;
	situation.region = chosen == 1 ? REGION_ROTTERDAM : REGION_OTHER;

	struct route_result route;
	route_for_situation(g->kb, g->texts, &situation, g->now, &route);
	print_recommendations(g, &route);

	fprintf(g->out, "\n%s\n", say(g, self ? G_Q_CHECKLIST_SELF : G_Q_CHECKLIST));
	print_options(g, yes_no, 2);
	char answer[ANSWER_SIZE];
	for (;;) {
		if (read_answer(g, answer) == READ_END)
			return READ_END;
		if (is_word(answer, yes_words) || strcmp(answer, "1") == 0) {
			chosen = 1;
			break;
		}
		if (is_word(answer, no_words) || strcmp(answer, "2") == 0) {
			chosen = 2;
			break;
		}
		print_number(g->out, say(g, G_BAD_ANSWER), "{max}", 2);
		fputc('\n', g->out);
	}
	if (chosen == 1) {
		size_t signals[SITUATION_MAX_SIGNALS];
		size_t signal_count;
		if (run_checklist(g, &situation, signals, &signal_count) == READ_END)
			return READ_END;
		struct assess_result result;
		if (assess_signals(g->kb, signals, signal_count, situation.age, situation.forms, &result) == 0) {
			struct wegwijzer_view view = {.lang = g->lang, .about_self = self, .details = false};
			fputc('\n', g->out);
			wegwijzer_print_assessment(g->out, g->kb, g->texts, &result, signal_count, &view);
			assess_result_release(&result);
			print_channels_again(g, &route);
		}
	}
	return READ_OK;
}

int wegwijzer_run(const struct kb *kb, const struct texts *texts, FILE *in, FILE *out, enum kb_lang lang, int64_t now)
{
	struct guide g = {kb, texts, in, out, lang, now};
	struct sigaction action, previous;
	memset(&action, 0, sizeof action);
	action.sa_handler = on_interrupt; /* no SA_RESTART: Ctrl-C must interrupt the read */
	sigemptyset(&action.sa_mask);
	interrupted = 0;
	sigaction(SIGINT, &action, &previous);

	fprintf(out, "%s\n%s\n%s\n", say(&g, G_TITLE), say(&g, G_DANGER_BAR), say(&g, G_HOW_TO_ANSWER));
	enum read_status status = run_questions(&g);
	fprintf(out, "\n%s\n", say(&g, status == READ_END ? G_STOPPED : G_END));

	sigaction(SIGINT, &previous, NULL);
	fflush(out);
	return ferror(out) ? 1 : 0;
}
