#include "assess.h"

#include <stdlib.h>
#include <string.h>

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

/* Adults: recruitment AND exploitation AND destination. Minors: no means are
 * needed (art. 273f lid 1 sub 2 and 5 Sr), so exploitation alone suffices. */
static bool form_is_indicated(const struct assess_form *form, enum kb_profile profile)
{
	static const enum kb_dimension recruitment[] = {KB_DIMENSION_DECEPTIVE_RECRUITMENT,
							KB_DIMENSION_COERCIVE_RECRUITMENT,
							KB_DIMENSION_RECRUITMENT_ABUSE_OF_VULNERABILITY};
	static const enum kb_dimension destination[] = {KB_DIMENSION_COERCION_AT_DESTINATION,
							KB_DIMENSION_ABUSE_OF_VULNERABILITY_AT_DESTINATION};
	bool exploitation = form->dimensions[KB_DIMENSION_EXPLOITATIVE_CONDITIONS].positive;
	if (profile == KB_PROFILE_MINOR)
		return exploitation;
	return exploitation && any_positive(form, recruitment, 3) && any_positive(form, destination, 2);
}

int assess_signals(const struct kb *kb, const size_t *signals, size_t signal_count, bool minor,
		   struct assess_result *out)
{
	memset(out, 0, sizeof *out);
	out->profile = minor ? KB_PROFILE_MINOR : KB_PROFILE_ADULT;
	size_t capacity = 0;
	for (size_t i = 0; i < signal_count; i++)
		capacity += kb->signals[signals[i]].weight_count + 1;
	out->explanation = capacity ? calloc(capacity, sizeof *out->explanation) : NULL;
	bool *counted = kb->indicator_count ? calloc(kb->indicator_count * KB_FORM_COUNT, sizeof *counted) : NULL;
	if ((capacity && !out->explanation) || (kb->indicator_count && !counted)) {
		free(counted);
		assess_result_release(out);
		return -1;
	}

	for (size_t i = 0; i < signal_count; i++) {
		bool repeated = false;
		for (size_t j = 0; j < i; j++)
			repeated = repeated || signals[j] == signals[i];
		if (repeated)
			continue;
		const struct kb_signal *signal = &kb->signals[signals[i]];
		bool weighed = false;
		for (size_t w = 0; w < signal->weight_count; w++) {
			const struct kb_weight *weight = &signal->weights[w];
			if (weight->profile != out->profile)
				continue;
			weighed = true;
			bool *seen = &counted[weight->indicator * KB_FORM_COUNT + weight->form];
			out->explanation[out->explanation_count++] = (struct assess_explanation){
				.signal = signals[i],
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
			struct assess_dimension *dimension = &out->forms[weight->form].dimensions[weight->dimension];
			if (weight->strength == KB_STRENGTH_STRONG)
				dimension->strong++;
			else if (weight->strength == KB_STRENGTH_MEDIUM)
				dimension->medium++;
			else
				dimension->weak++;
		}
		if (!weighed) {
			out->concern++;
			out->explanation[out->explanation_count++] =
				(struct assess_explanation){.signal = signals[i], .concern = true};
		}
	}
	free(counted);

	for (int f = 0; f < KB_FORM_COUNT; f++) {
		struct assess_form *form = &out->forms[f];
		for (int d = 0; d < KB_DIMENSION_COUNT; d++) {
			struct assess_dimension *dimension = &form->dimensions[d];
			dimension->positive =
				assess_dimension_is_positive(dimension->strong, dimension->medium, dimension->weak);
		}
		form->indicated = form_is_indicated(form, out->profile);
	}
	return 0;
}

void assess_result_release(struct assess_result *result)
{
	free(result->explanation);
	result->explanation = NULL;
	result->explanation_count = 0;
}
