/*
 * assess: weighs observed signals with the ILO/EC rule (Operational
 * indicators of trafficking in human beings, 2009), per form of exploitation,
 * for the person's profile (adult or minor).
 *
 * Per form and dimension it counts the strong, medium and weak indicators
 * that the signals point to (each indicator once, however many signals point
 * to it) and tells whether the dimension is positive. A form is *indicated*
 * when the combination rule holds. This is a guide for the people who judge,
 * never a verdict: callers must word it that way.
 *
 * Pure: no I/O, no globals. The result owns its explanation array; release it
 * with assess_result_release().
 */
#ifndef MELDWIJZER_ASSESS_H
#define MELDWIJZER_ASSESS_H

#include <stdbool.h>
#include <stddef.h>

#include "kb.h"

struct assess_dimension {
	unsigned strong, medium, weak;
	bool positive;
};

struct assess_form {
	struct assess_dimension dimensions[KB_DIMENSION_COUNT];
	bool indicated;
};

/* Why one signal counted (or not) in one place. */
struct assess_explanation {
	size_t signal;                 /* index into kb.signals */
	bool concern;                  /* no weight for this profile: counts as concern only */
	/* the fields below hold only when !concern */
	enum kb_form form;
	enum kb_dimension dimension;
	enum kb_strength strength;
	enum kb_confidence confidence;
	size_t indicator;              /* index into kb.indicators */
	bool counted;                  /* false: an earlier signal already counted this indicator */
};

struct assess_result {
	enum kb_profile profile;
	struct assess_form forms[KB_FORM_COUNT];
	unsigned concern;              /* signals that carry no weight for this profile */
	struct assess_explanation *explanation;
	size_t explanation_count;
};

/* The ILO dimension rule: at least 2 strong; or 1 strong and 1 medium or weak;
 * or 3 medium; or 2 medium and 1 weak. One strong alone, or weak ones alone,
 * are not enough. */
bool assess_dimension_is_positive(unsigned strong, unsigned medium, unsigned weak);

/* Weighs the signals (indexes into kb.signals; repeated indexes count once).
 * Returns 0, or -1 when memory runs out (the result is then empty). */
__attribute__((warn_unused_result)) int assess_signals(const struct kb *kb, const size_t *signals, size_t signal_count,
						       bool minor, struct assess_result *out);
void assess_result_release(struct assess_result *result);

#endif
