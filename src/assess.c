#include "assess.h"

#include <stdlib.h>
#include <string.h>

static const char *const level_ids[] = {"none", "watch", "discuss", "report"};
static const char *const basis_ids[] = {"nothing",	    "concern_only",	  "weak_signs", "serious_signs",
					"many_concerns", "adult_exploitation", "minor_act",	"ilo_rule"};

/* Signals mean little alone and can be strong together (CKM; Wegwijzer
 * Mensenhandel): this many concern signals of one form are worth a talk. */
enum { MANY_CONCERNS = 3 };

const char *assess_level_id(enum assess_level level) { return level_ids[level]; }
const char *assess_basis_id(enum assess_basis basis) { return basis_ids[basis]; }

bool assess_dimension_is_positive(unsigned strong, unsigned medium, unsigned weak)
{
	return strong >= 2 || (strong >= 1 && medium + weak >= 1) || medium >= 3 || (medium >= 2 && weak >= 1);
}

static bool any_positive(const struct assess_form *form, const enum kb_dimension *dimensions, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		if (form->dimensions[dimensions[i]].positive)
			return true;
	}
	return false;
}

static const enum kb_dimension recruitment[] = {KB_DIMENSION_DECEPTIVE_RECRUITMENT, KB_DIMENSION_COERCIVE_RECRUITMENT,
						KB_DIMENSION_RECRUITMENT_ABUSE_OF_VULNERABILITY};
static const enum kb_dimension destination[] = {KB_DIMENSION_COERCION_AT_DESTINATION,
						KB_DIMENSION_ABUSE_OF_VULNERABILITY_AT_DESTINATION};

/* The strict ILO rule. Adults: recruitment AND exploitation AND destination.
 * Minors: no means are needed (art. 273f lid 1 sub 2 and 5 Sr), so
 * exploitation alone suffices. */
static bool form_is_indicated(const struct assess_form *form)
{
	bool exploitation = form->dimensions[KB_DIMENSION_EXPLOITATIVE_CONDITIONS].positive;
	if (form->profile == KB_PROFILE_MINOR)
		return exploitation;
	return exploitation && any_positive(form, recruitment, 3) && any_positive(form, destination, 2);
}

/* The action level; see assess.h and docs/assessment.md for the sources.
 * `means` counts the signs of coercion and of abuse of a dependent position
 * at destination together, leaving out the signals that describe the act
 * itself (an act signal such as "forced to have sex with clients" must not be
 * both the exploitation and its means). */
static void decide_level(struct assess_form *form, const struct assess_dimension *means)
{
	unsigned strong = 0, medium = 0, weak = 0;
	bool any_dimension_positive = false;
	for (int d = 0; d < KB_DIMENSION_COUNT; d++) {
		const struct assess_dimension *dimension = &form->dimensions[d];
		strong += dimension->strong;
		medium += dimension->medium;
		weak += dimension->weak;
		any_dimension_positive = any_dimension_positive || dimension->positive;
		if (dimension->strong + dimension->medium + dimension->weak == 0)
			form->unknown_dimensions |= 1u << d;
	}
	/* The adult rule of art. 273f lid 1 sub 4: exploitation and a means at
	 * destination, recruitment unknown. The law does not split the means, so
	 * coercion and abuse of a dependent position count together; one of the
	 * two parts must be shown by the ILO dimension rule, the other at least by
	 * one strong sign (an act signal shows the exploitation itself). */
	const struct assess_dimension *exploit = &form->dimensions[KB_DIMENSION_EXPLOITATIVE_CONDITIONS];
	bool exploitation_shown = form->act || exploit->positive;
	bool exploitation_strong = exploitation_shown || exploit->strong >= 1;
	bool means_shown = assess_dimension_is_positive(means->strong, means->medium, means->weak);
	bool means_strong = means_shown || means->strong >= 1;
	bool adult_rule = (exploitation_shown && means_strong) || (exploitation_strong && means_shown);
	if (form->indicated) {
		form->level = ASSESS_LEVEL_REPORT;
		form->basis = ASSESS_BASIS_ILO_RULE;
	} else if (form->profile == KB_PROFILE_MINOR && form->act) {
		form->level = ASSESS_LEVEL_REPORT;
		form->basis = ASSESS_BASIS_MINOR_ACT;
	} else if (form->profile == KB_PROFILE_ADULT && adult_rule) {
		form->level = ASSESS_LEVEL_REPORT;
		form->basis = ASSESS_BASIS_ADULT_EXPLOITATION;
	} else if (any_dimension_positive || strong >= 1 || medium >= 2 || form->act) {
		form->level = ASSESS_LEVEL_DISCUSS;
		form->basis = ASSESS_BASIS_SERIOUS_SIGNS;
	} else if (form->concern >= MANY_CONCERNS) {
		form->level = ASSESS_LEVEL_DISCUSS;
		form->basis = ASSESS_BASIS_MANY_CONCERNS;
	} else if (medium + weak > 0) {
		form->level = ASSESS_LEVEL_WATCH;
		form->basis = ASSESS_BASIS_WEAK_SIGNS;
	} else if (form->concern > 0) {
		form->level = ASSESS_LEVEL_WATCH;
		form->basis = ASSESS_BASIS_CONCERN_ONLY;
	} else {
		form->level = ASSESS_LEVEL_NONE;
		form->basis = ASSESS_BASIS_NOTHING;
	}
}

static void count_strength(struct assess_dimension *dimension, enum kb_strength strength)
{
	if (strength == KB_STRENGTH_STRONG)
		dimension->strong++;
	else if (strength == KB_STRENGTH_MEDIUM)
		dimension->medium++;
	else
		dimension->weak++;
}

static bool is_repeat(const size_t *signals, size_t i)
{
	for (size_t j = 0; j < i; j++) {
		if (signals[j] == signals[i])
			return true;
	}
	return false;
}

/* Weighs every form for one profile. `counted` is scratch space of
 * indicator_count * KB_FORM_COUNT flags; explanations are appended to `out`. */
static void weigh_profile(const struct kb *kb, const size_t *signals, size_t signal_count, enum kb_profile profile,
			  bool *counted, struct assess_form forms[KB_FORM_COUNT], struct assess_result *out)
{
	memset(counted, 0, kb->indicator_count * KB_FORM_COUNT * sizeof *counted);
	memset(forms, 0, KB_FORM_COUNT * sizeof *forms);
	struct assess_dimension means[KB_FORM_COUNT];
	memset(means, 0, sizeof means);
	for (int f = 0; f < KB_FORM_COUNT; f++)
		forms[f].profile = profile;
	for (size_t i = 0; i < signal_count; i++) {
		if (is_repeat(signals, i))
			continue;
		const struct kb_signal *signal = &kb->signals[signals[i]];
		unsigned weighed_forms = 0;
		for (size_t w = 0; w < signal->weight_count; w++) {
			const struct kb_weight *weight = &signal->weights[w];
			if (weight->profile != profile)
				continue;
			weighed_forms |= 1u << weight->form;
			bool *seen = &counted[weight->indicator * KB_FORM_COUNT + weight->form];
			out->explanation[out->explanation_count++] = (struct assess_explanation){
				.signal = signals[i],
				.profile = profile,
				.form = weight->form,
				.dimension = weight->dimension,
				.strength = weight->strength,
				.confidence = weight->confidence,
				.indicator = weight->indicator,
				.counted = !*seen,
			};
			if (*seen)
				continue;
			*seen = true;
			count_strength(&forms[weight->form].dimensions[weight->dimension], weight->strength);
			bool is_means = weight->dimension == KB_DIMENSION_COERCION_AT_DESTINATION ||
					weight->dimension == KB_DIMENSION_ABUSE_OF_VULNERABILITY_AT_DESTINATION;
			if (is_means && !(signal->acts & (1u << weight->form)))
				count_strength(&means[weight->form], weight->strength);
		}
		for (int f = 0; f < KB_FORM_COUNT; f++) {
			if ((signal->forms & (1u << f)) && !(weighed_forms & (1u << f)))
				forms[f].concern++;
			if ((signal->acts & (1u << f)) && (signal->profiles & (1u << profile)))
				forms[f].act = true;
		}
		if (!weighed_forms)
			out->explanation[out->explanation_count++] =
				(struct assess_explanation){.signal = signals[i], .profile = profile, .concern = true};
	}
	for (int f = 0; f < KB_FORM_COUNT; f++) {
		struct assess_form *form = &forms[f];
		for (int d = 0; d < KB_DIMENSION_COUNT; d++) {
			struct assess_dimension *dimension = &form->dimensions[d];
			dimension->positive =
				assess_dimension_is_positive(dimension->strong, dimension->medium, dimension->weak);
		}
		form->indicated = form_is_indicated(form);
		decide_level(form, &means[f]);
		form->provisional = kb->form_provisional[f];
	}
}

/* A weighed signal that belongs to one form only opens that form. Signals
 * shared by several forms (passport kept, beaten, threatened) do not, nor do
 * concern signals (tired, secretive: they also have other causes). */
static unsigned forms_opened_by_signals(const struct kb *kb, const size_t *signals, size_t signal_count)
{
	unsigned opened = 0;
	for (size_t i = 0; i < signal_count; i++) {
		const struct kb_signal *signal = &kb->signals[signals[i]];
		unsigned forms = signal->forms;
		if (forms && (forms & (forms - 1)) == 0 && (signal->weight_count > 0 || signal->acts))
			opened |= forms;
	}
	return opened;
}

/* A signal is concern only when no profile weighed gives it a weight. */
static unsigned count_concern(const struct kb *kb, const size_t *signals, size_t signal_count, unsigned profiles)
{
	unsigned concern = 0;
	for (size_t i = 0; i < signal_count; i++) {
		if (is_repeat(signals, i))
			continue;
		const struct kb_signal *signal = &kb->signals[signals[i]];
		bool weighed = false;
		for (size_t w = 0; w < signal->weight_count; w++)
			weighed = weighed || (profiles & (1u << signal->weights[w].profile));
		concern += !weighed;
	}
	return concern;
}

int assess_signals(const struct kb *kb, const size_t *signals, size_t signal_count, enum kb_age age,
		   unsigned chosen_forms, struct assess_result *out)
{
	memset(out, 0, sizeof *out);
	out->age = age;
	size_t profile_count = age == KB_AGE_UNKNOWN ? 2 : 1;
	size_t capacity = 0;
	for (size_t i = 0; i < signal_count; i++)
		capacity += (kb->signals[signals[i]].weight_count + 1) * profile_count;
	out->explanation = capacity ? calloc(capacity, sizeof *out->explanation) : NULL;
	bool *counted = kb->indicator_count ? calloc(kb->indicator_count * KB_FORM_COUNT, sizeof *counted) : NULL;
	if ((capacity && !out->explanation) || (kb->indicator_count && !counted)) {
		free(counted);
		assess_result_release(out);
		return -1;
	}

	if (age == KB_AGE_UNKNOWN) {
		struct assess_form minor[KB_FORM_COUNT];
		weigh_profile(kb, signals, signal_count, KB_PROFILE_ADULT, counted, out->forms, out);
		weigh_profile(kb, signals, signal_count, KB_PROFILE_MINOR, counted, minor, out);
		for (int f = 0; f < KB_FORM_COUNT; f++) {
			if (minor[f].level >= out->forms[f].level)
				out->forms[f] = minor[f];
		}
	} else {
		enum kb_profile profile = age == KB_AGE_MINOR ? KB_PROFILE_MINOR : KB_PROFILE_ADULT;
		weigh_profile(kb, signals, signal_count, profile, counted, out->forms, out);
	}
	free(counted);
	unsigned profiles = age == KB_AGE_UNKNOWN ? (1u << KB_PROFILE_ADULT) | (1u << KB_PROFILE_MINOR)
					  : 1u << (age == KB_AGE_MINOR ? KB_PROFILE_MINOR : KB_PROFILE_ADULT);
	out->concern = count_concern(kb, signals, signal_count, profiles);

	unsigned relevant = (chosen_forms | forms_opened_by_signals(kb, signals, signal_count)) &
			    ((1u << KB_FORM_COUNT) - 1);
	for (int f = 0; f < KB_FORM_COUNT; f++) {
		out->forms[f].relevant = (relevant & (1u << f)) != 0;
		if ((out->forms[f].relevant || !relevant) && out->forms[f].level > out->level)
			out->level = out->forms[f].level;
	}
	return 0;
}

unsigned assess_open_questions(const struct assess_form *form)
{
	if (form->level == ASSESS_LEVEL_REPORT || form->level == ASSESS_LEVEL_NONE)
		return 0;
	unsigned exploitation = 1u << KB_DIMENSION_EXPLOITATIVE_CONDITIONS;
	unsigned means =
		(1u << KB_DIMENSION_COERCION_AT_DESTINATION) | (1u << KB_DIMENSION_ABUSE_OF_VULNERABILITY_AT_DESTINATION);
	unsigned open = form->act ? 0 : form->unknown_dimensions & exploitation;
	if (form->profile == KB_PROFILE_ADULT && (form->unknown_dimensions & means) == means)
		open |= means;
	return open;
}

void assess_result_release(struct assess_result *result)
{
	free(result->explanation);
	result->explanation = NULL;
	result->explanation_count = 0;
}
