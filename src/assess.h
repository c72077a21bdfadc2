/*
 * assess: weighs observed signals per form of exploitation and turns the
 * weighing into an action level that a social worker at an advice point would
 * sign off (docs/assessment.md states every rule with its source).
 *
 * Two results per form:
 * - `indicated`: the strict ILO/EC rule (Operational indicators of trafficking
 *   in human beings, 2009) for the profile weighed: per dimension, count the
 *   strong, medium and weak indicators the signals point to (each indicator
 *   once); adults need recruitment AND exploitation AND coercion or abuse of
 *   vulnerability at destination, minors exploitation alone.
 * - `level`: what to do. REPORT when the strict rule holds; for a minor when
 *   one signal describes the exploitation act itself (art. 273f lid 1 sub 2
 *   and 5, lid 2 Sr: no means needed); for an adult when exploitation (or the
 *   act) and coercion or abuse of vulnerability at destination are there, the
 *   recruitment story unknown (lid 1 sub 4 needs no recruitment act).
 *   DISCUSS with the advice point when any dimension is positive, any strong
 *   indicator, two medium ones or an act signal is there, or three or more
 *   concern signals together. WATCH when only weak signs or fewer concern
 *   signals are there. NONE otherwise.
 *
 * With the age unknown both profiles are weighed and each form takes the
 * profile with the higher level (the minor profile on a tie).
 *
 * This is a guide for the people who judge, never a verdict: callers must word
 * it that way. Pure: no I/O, no globals. The result owns its explanation
 * array; release it with assess_result_release().
 */
#ifndef MELDWIJZER_ASSESS_H
#define MELDWIJZER_ASSESS_H

#include <stdbool.h>
#include <stddef.h>

#include "kb.h"

enum assess_level { ASSESS_LEVEL_NONE, ASSESS_LEVEL_WATCH, ASSESS_LEVEL_DISCUSS, ASSESS_LEVEL_REPORT };

/* Why a form has its level; callers pick their sentence by it. */
enum assess_basis {
	ASSESS_BASIS_NOTHING,            /* none: no signal for this form */
	ASSESS_BASIS_CONCERN_ONLY,       /* watch: only signals that also have other causes */
	ASSESS_BASIS_WEAK_SIGNS,         /* watch: weak signs or a single medium one */
	ASSESS_BASIS_SERIOUS_SIGNS,      /* discuss: strong signs, a positive dimension or an act */
	ASSESS_BASIS_MANY_CONCERNS,      /* discuss: three or more concern signals of this form together */
	ASSESS_BASIS_ADULT_EXPLOITATION, /* report: exploitation and coercion, recruitment unknown */
	ASSESS_BASIS_MINOR_ACT,          /* report: a minor and a sign of the exploitation act itself */
	ASSESS_BASIS_ILO_RULE,           /* report: the strict ILO combination rule holds */
};

struct assess_dimension {
	unsigned strong, medium, weak;
	bool positive;
};

struct assess_form {
	enum kb_profile profile;       /* the profile these numbers are for */
	struct assess_dimension dimensions[KB_DIMENSION_COUNT];
	bool indicated;                /* the strict ILO rule */
	enum assess_level level;
	enum assess_basis basis;
	unsigned unknown_dimensions;   /* bit (1 << kb_dimension): no signal at all there */
	unsigned concern;              /* signals of this form without weight in it */
	bool act;                      /* a signal describes this form's exploitation act */
	bool provisional;              /* weights borrowed from another list (kb.form_provisional) */
	bool relevant;                 /* chosen by the person, or opened by a signal of this form alone */
};

/* Why one signal counted (or not) in one place. */
struct assess_explanation {
	size_t signal;                 /* index into kb.signals */
	enum kb_profile profile;
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
	enum kb_age age;
	struct assess_form forms[KB_FORM_COUNT];
	enum assess_level level;       /* the highest level of the relevant forms (of all when none is) */
	unsigned concern;              /* signals that carry no weight for any profile weighed */
	struct assess_explanation *explanation; /* per profile weighed: adult first */
	size_t explanation_count;
};

/* The ILO dimension rule: at least 2 strong; or 1 strong and 1 medium or weak;
 * or 3 medium; or 2 medium and 1 weak. One strong alone, or weak ones alone,
 * are not enough. */
bool assess_dimension_is_positive(unsigned strong, unsigned medium, unsigned weak);

/* Weighs the signals (indexes into kb.signals; repeated indexes count once).
 * `chosen_forms` (bit (1 << kb_form)) are the forms the person asked about;
 * they and the forms that a signal of that form alone points to are
 * `relevant`. Returns 0, or -1 when memory runs out (the result is then
 * empty). */
__attribute__((warn_unused_result)) int assess_signals(const struct kb *kb, const size_t *signals, size_t signal_count,
						       enum kb_age age, unsigned chosen_forms,
						       struct assess_result *out);
void assess_result_release(struct assess_result *result);

/* The unknown dimensions whose answer could change the action, to ask about:
 * none once the level is report or nothing was seen; the exploitation unless
 * an act shows it; for an adult also the means at destination while neither
 * coercion nor abuse of a dependent position is known. Recruitment never
 * changes the action (art. 273f lid 1 sub 4), so it is never asked. */
unsigned assess_open_questions(const struct assess_form *form);

const char *assess_level_id(enum assess_level level);
const char *assess_basis_id(enum assess_basis basis);

#endif
