/*
 * assess on the fixture knowledge base (tests/fixtures/kb): every rule of
 * docs/assessment.md sections 2-4 and 6 has a scenario below that fails when
 * the rule breaks. The fixture's signals have chosen strengths (see
 * tests/fixtures/kb/README.md), so these tests do not move when the real
 * catalogue changes; test_data.c runs the domain's scenarios on data/.
 */
#include "test_support.h"

#include <string.h>

#include "assess.h"

static void test_dimension_rule_at_every_edge(void **state)
{
	(void)state;
	static const struct {
		unsigned strong, medium, weak;
		bool positive;
	} cases[] = {
		{0, 0, 0, false}, {1, 0, 0, false}, {2, 0, 0, true},  {1, 1, 0, true},  {1, 0, 1, true},
		{0, 3, 0, true},  {0, 2, 0, false}, {0, 2, 1, true},  {0, 1, 1, false}, {0, 1, 2, false},
		{0, 0, 1, false}, {0, 0, 9, false}, {0, 1, 9, false}, {3, 0, 0, true},  {0, 4, 0, true},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		bool positive = assess_dimension_is_positive(cases[i].strong, cases[i].medium, cases[i].weak);
		if (positive != cases[i].positive)
			fail_msg("%u strong, %u medium, %u weak: expected %s", cases[i].strong, cases[i].medium,
				 cases[i].weak, cases[i].positive ? "positive" : "not positive");
	}
}

static size_t signal_index(const struct kb *kb, const char *id)
{
	long index = kb_signal_index(kb, id);
	if (index < 0)
		fail_msg("no signal %s in the fixture", id);
	return (size_t)index;
}

static void assess_ids(const struct kb *kb, const char *const *ids, size_t count, enum kb_age age, unsigned chosen,
		       struct assess_result *out)
{
	size_t indexes[32];
	assert_true(count <= 32);
	for (size_t i = 0; i < count; i++)
		indexes[i] = signal_index(kb, ids[i]);
	assert_int_equal(assess_signals(kb, indexes, count, age, chosen, out), 0);
}

#define SEX (1u << KB_FORM_SEXUAL)
#define LAB (1u << KB_FORM_LABOUR)
#define CRI (1u << KB_FORM_CRIMINAL)

/* An expected level with its basis; ANY: not checked in that scenario. */
struct expect {
	int level;
	int basis;
};
#define ANY {-1, -1}
#define NOTHING {ASSESS_LEVEL_NONE, ASSESS_BASIS_NOTHING}
#define CONCERN_ONLY {ASSESS_LEVEL_WATCH, ASSESS_BASIS_CONCERN_ONLY}
#define WEAK_SIGNS {ASSESS_LEVEL_WATCH, ASSESS_BASIS_WEAK_SIGNS}
#define SERIOUS {ASSESS_LEVEL_DISCUSS, ASSESS_BASIS_SERIOUS_SIGNS}
#define MANY_CONCERNS {ASSESS_LEVEL_DISCUSS, ASSESS_BASIS_MANY_CONCERNS}
#define ADULT_EXPLOITATION {ASSESS_LEVEL_REPORT, ASSESS_BASIS_ADULT_EXPLOITATION}
#define MINOR_ACT {ASSESS_LEVEL_REPORT, ASSESS_BASIS_MINOR_ACT}
#define ILO_RULE {ASSESS_LEVEL_REPORT, ASSESS_BASIS_ILO_RULE}
enum { WATCH = ASSESS_LEVEL_WATCH, DISCUSS = ASSESS_LEVEL_DISCUSS, REPORT = ASSESS_LEVEL_REPORT };
enum { P_ANY = -1, P_ADULT = KB_PROFILE_ADULT, P_MINOR = KB_PROFILE_MINOR };

struct scenario {
	const char *rule; /* the rule of docs/assessment.md this row exists for */
	enum kb_age age;
	unsigned chosen;
	const char *signals[8];
	struct expect sexual, labour, criminal;
	int overall;
	unsigned relevant;
	int profile[KB_FORM_COUNT]; /* for age unknown: the profile each form took */
};

/* Fixture signals (tests/fixtures/kb/signals.json), labour unless named:
 * recruit-strong/medium: deceptive recruitment S/M; exploit-strong, -medium-a/b/c,
 * -weak: exploitative conditions S, M, M, M, W (-medium-a-again: the same
 * indicator as -medium-a); exploit-adult-list: M for adults, none for minors;
 * coerce-strong: coercion S; coerce-minor-strong: coercion M (adults) / S
 * (minors); dependency-strong/medium: abuse of a dependent position S/M. */
static const struct scenario scenarios[] = {
	/* section 2: the strict ILO rule */
	{"adult: recruitment AND exploitation AND destination -> ilo_rule (before the adult rule)", KB_AGE_ADULT, LAB,
	 {"lab-recruit-strong", "lab-recruit-medium", "lab-exploit-strong", "lab-exploit-medium-a", "lab-coerce-strong",
	  "lab-coerce-minor-strong"},
	 NOTHING, ILO_RULE, NOTHING, REPORT, LAB, {P_ANY, P_ANY, P_ANY}},
	{"adult: recruitment and exploitation without destination is no report", KB_AGE_ADULT, LAB,
	 {"lab-recruit-strong", "lab-recruit-medium", "lab-exploit-strong", "lab-exploit-medium-a"},
	 ANY, SERIOUS, ANY, DISCUSS, LAB, {P_ANY, P_ANY, P_ANY}},
	{"adult: recruitment and destination without exploitation is no report", KB_AGE_ADULT, LAB,
	 {"lab-recruit-strong", "lab-recruit-medium", "lab-exploit-medium-a", "lab-coerce-strong",
	  "lab-coerce-minor-strong"},
	 ANY, SERIOUS, ANY, DISCUSS, LAB, {P_ANY, P_ANY, P_ANY}},
	{"minor: a positive exploitation dimension suffices -> ilo_rule", KB_AGE_MINOR, LAB,
	 {"lab-exploit-strong", "lab-exploit-medium-a"}, ANY, ILO_RULE, ANY, REPORT, LAB, {P_ANY, P_ANY, P_ANY}},
	{"adult: the same exploitation alone is a serious sign, not a report", KB_AGE_ADULT, LAB,
	 {"lab-exploit-strong", "lab-exploit-medium-a"}, ANY, SERIOUS, ANY, DISCUSS, LAB, {P_ANY, P_ANY, P_ANY}},
	{"only the profile's weights count: not on the minors' list is concern for a minor", KB_AGE_MINOR, LAB,
	 {"lab-exploit-adult-list"}, ANY, CONCERN_ONLY, ANY, WATCH, LAB, {P_ANY, P_ANY, P_ANY}},
	{"only the profile's weights count: the same signal weighs for an adult", KB_AGE_ADULT, LAB,
	 {"lab-exploit-adult-list"}, ANY, WEAK_SIGNS, ANY, WATCH, LAB, {P_ANY, P_ANY, P_ANY}},
	{"only the profile's weights count: strong on the minors' list", KB_AGE_MINOR, LAB, {"lab-coerce-minor-strong"},
	 ANY, SERIOUS, ANY, DISCUSS, LAB, {P_ANY, P_ANY, P_ANY}},
	{"only the profile's weights count: medium on the adults' list", KB_AGE_ADULT, LAB, {"lab-coerce-minor-strong"},
	 ANY, WEAK_SIGNS, ANY, WATCH, LAB, {P_ANY, P_ANY, P_ANY}},
	{"an indicator counts once per form, however many signals point to it", KB_AGE_ADULT, LAB,
	 {"lab-exploit-medium-a", "lab-exploit-medium-a-again"}, ANY, WEAK_SIGNS, ANY, WATCH, LAB,
	 {P_ANY, P_ANY, P_ANY}},
	{"a form's weights come from its own rule: raised to strong for sexual, weak in labour", KB_AGE_ADULT,
	 SEX | LAB, {"sex-raised"}, SERIOUS, WEAK_SIGNS, NOTHING, DISCUSS, SEX | LAB, {P_ANY, P_ANY, P_ANY}},

	/* section 3: minors' act rule */
	{"minor: one criminal act signal is reason to report -> minor_act", KB_AGE_MINOR, 0, {"crim-act"}, NOTHING,
	 NOTHING, MINOR_ACT, REPORT, CRI, {P_ANY, P_ANY, P_ANY}},
	{"minor: one sexual act signal is reason to report -> minor_act", KB_AGE_MINOR, 0, {"sex-act"}, MINOR_ACT,
	 NOTHING, NOTHING, REPORT, SEX, {P_ANY, P_ANY, P_ANY}},
	{"adult: an act signal alone is a serious sign", KB_AGE_ADULT, 0, {"crim-act"}, ANY, ANY, SERIOUS, DISCUSS, CRI,
	 {P_ANY, P_ANY, P_ANY}},
	{"minor: an act signal that describes adults only is no act for a minor", KB_AGE_MINOR, CRI,
	 {"crim-act-adult"}, ANY, ANY, CONCERN_ONLY, WATCH, CRI, {P_ANY, P_ANY, P_ANY}},

	/* section 3: the adult rule, recruitment unknown */
	{"adult: positive exploitation and one strong means -> adult_exploitation", KB_AGE_ADULT, LAB,
	 {"lab-exploit-strong", "lab-exploit-medium-a", "lab-coerce-strong"}, ANY, ADULT_EXPLOITATION, ANY, REPORT,
	 LAB, {P_ANY, P_ANY, P_ANY}},
	{"adult: strong exploitation and the means positive only when coercion and dependency count together",
	 KB_AGE_ADULT, LAB, {"lab-exploit-strong", "lab-coerce-strong", "lab-dependency-medium"}, ANY,
	 ADULT_EXPLOITATION, ANY, REPORT, LAB, {P_ANY, P_ANY, P_ANY}},
	{"adult: positive exploitation and a single medium means is not enough", KB_AGE_ADULT, LAB,
	 {"lab-exploit-strong", "lab-exploit-medium-a", "lab-coerce-minor-strong"}, ANY, SERIOUS, ANY, DISCUSS, LAB,
	 {P_ANY, P_ANY, P_ANY}},
	{"adult: one strong sign each is not enough (neither shown by the dimension rule)", KB_AGE_ADULT, LAB,
	 {"lab-exploit-strong", "lab-coerce-strong"}, ANY, SERIOUS, ANY, DISCUSS, LAB, {P_ANY, P_ANY, P_ANY}},
	{"adult: an act shows the exploitation; a strong means beside it -> adult_exploitation", KB_AGE_ADULT, CRI,
	 {"crim-act", "all-coerce-strong"}, ANY, ANY, ADULT_EXPLOITATION, REPORT, CRI, {P_ANY, P_ANY, P_ANY}},
	{"adult: an act signal is never also counted as its own means", KB_AGE_ADULT, CRI, {"crim-act-coerced"}, ANY,
	 ANY, SERIOUS, DISCUSS, CRI, {P_ANY, P_ANY, P_ANY}},
	{"adult: an act's own means does not add to another, medium means", KB_AGE_ADULT, CRI,
	 {"crim-act-coerced", "crim-coerce-medium"}, ANY, ANY, SERIOUS, DISCUSS, CRI, {P_ANY, P_ANY, P_ANY}},
	{"minor: the adult rule is for adults (strong exploitation and positive means)", KB_AGE_MINOR, LAB,
	 {"lab-exploit-strong", "lab-coerce-strong", "lab-dependency-medium"}, ANY, SERIOUS, ANY, DISCUSS, LAB,
	 {P_ANY, P_ANY, P_ANY}},

	/* section 3: discuss, serious signs */
	{"any positive dimension (recruitment only) -> serious_signs", KB_AGE_ADULT, LAB,
	 {"lab-recruit-strong", "lab-recruit-medium"}, ANY, SERIOUS, ANY, DISCUSS, LAB, {P_ANY, P_ANY, P_ANY}},
	{"two medium indicators -> serious_signs", KB_AGE_ADULT, LAB, {"lab-exploit-medium-a", "lab-exploit-medium-b"},
	 ANY, SERIOUS, ANY, DISCUSS, LAB, {P_ANY, P_ANY, P_ANY}},
	{"one strong indicator -> serious_signs (never below discuss)", KB_AGE_ADULT, LAB, {"lab-exploit-strong"}, ANY,
	 SERIOUS, ANY, DISCUSS, LAB, {P_ANY, P_ANY, P_ANY}},
	{"one strong indicator beside concern is still serious_signs", KB_AGE_ADULT, LAB,
	 {"lab-dependency-strong", "lab-concern"}, ANY, SERIOUS, ANY, DISCUSS, LAB, {P_ANY, P_ANY, P_ANY}},

	/* section 3: many concerns, weak signs, concern only, nothing */
	{"three concern signals of a form together -> many_concerns", KB_AGE_ADULT, SEX,
	 {"sex-concern-1", "sex-concern-2", "sex-concern-3"}, MANY_CONCERNS, NOTHING, NOTHING, DISCUSS, SEX,
	 {P_ANY, P_ANY, P_ANY}},
	{"two concern signals -> concern_only", KB_AGE_ADULT, SEX, {"sex-concern-1", "sex-concern-2"}, CONCERN_ONLY,
	 NOTHING, NOTHING, WATCH, SEX, {P_ANY, P_ANY, P_ANY}},
	{"one concern signal -> concern_only", KB_AGE_ADULT, LAB, {"lab-concern"}, NOTHING, CONCERN_ONLY, NOTHING,
	 WATCH, LAB, {P_ANY, P_ANY, P_ANY}},
	{"one weak sign -> weak_signs", KB_AGE_ADULT, LAB, {"lab-exploit-weak"}, ANY, WEAK_SIGNS, ANY, WATCH, LAB,
	 {P_ANY, P_ANY, P_ANY}},
	{"one medium sign -> weak_signs", KB_AGE_ADULT, LAB, {"lab-exploit-medium-a"}, ANY, WEAK_SIGNS, ANY, WATCH, LAB,
	 {P_ANY, P_ANY, P_ANY}},
	{"one medium and one weak -> weak_signs", KB_AGE_ADULT, LAB, {"lab-exploit-medium-a", "lab-exploit-weak"}, ANY,
	 WEAK_SIGNS, ANY, WATCH, LAB, {P_ANY, P_ANY, P_ANY}},
	{"weak signs beside two concerns stay weak_signs", KB_AGE_ADULT, LAB,
	 {"lab-exploit-weak", "lab-concern", "all-concern"}, ANY, WEAK_SIGNS, ANY, WATCH, LAB, {P_ANY, P_ANY, P_ANY}},
	{"nothing seen -> nothing", KB_AGE_ADULT, LAB, {NULL}, NOTHING, NOTHING, NOTHING, ASSESS_LEVEL_NONE, LAB,
	 {P_ANY, P_ANY, P_ANY}},

	/* section 4: age unknown weighs both profiles, the higher level, the minor profile on a tie */
	{"age unknown: the minor profile's ilo_rule is higher", KB_AGE_UNKNOWN, LAB,
	 {"lab-exploit-strong", "lab-exploit-medium-a"}, ANY, ILO_RULE, ANY, REPORT, LAB, {P_ANY, P_MINOR, P_ANY}},
	{"age unknown: the adult profile's adult_exploitation is higher", KB_AGE_UNKNOWN, LAB,
	 {"lab-exploit-strong", "lab-coerce-strong", "lab-dependency-medium"}, ANY, ADULT_EXPLOITATION, ANY, REPORT,
	 LAB, {P_ANY, P_ADULT, P_ANY}},
	{"age unknown: a tie takes the minor profile", KB_AGE_UNKNOWN, LAB, {"lab-exploit-weak"}, ANY, WEAK_SIGNS, ANY,
	 WATCH, LAB, {P_ANY, P_MINOR, P_ANY}},
	{"age unknown: an act is a minor's act", KB_AGE_UNKNOWN, 0, {"crim-act"}, ANY, ANY, MINOR_ACT, REPORT, CRI,
	 {P_ANY, P_ANY, P_MINOR}},
	{"age unknown: an act for adults only is weighed for the adult", KB_AGE_UNKNOWN, CRI, {"crim-act-adult"}, ANY,
	 ANY, SERIOUS, DISCUSS, CRI, {P_ANY, P_ANY, P_ADULT}},

	/* section 6: which forms are relevant, and the overall level */
	{"a weighed signal of one form alone opens that form", KB_AGE_ADULT, 0, {"lab-exploit-weak"}, NOTHING,
	 WEAK_SIGNS, NOTHING, WATCH, LAB, {P_ANY, P_ANY, P_ANY}},
	{"a chosen form is relevant beside an opened one", KB_AGE_ADULT, SEX, {"lab-exploit-weak"}, NOTHING, WEAK_SIGNS,
	 NOTHING, WATCH, SEX | LAB, {P_ANY, P_ANY, P_ANY}},
	{"concern signals never open a form; the overall level is then that of all forms", KB_AGE_ADULT, 0,
	 {"sex-concern-1", "sex-concern-2", "sex-concern-3"}, MANY_CONCERNS, NOTHING, NOTHING, DISCUSS, 0,
	 {P_ANY, P_ANY, P_ANY}},
	{"the overall level is that of the relevant forms only", KB_AGE_ADULT, LAB,
	 {"sex-concern-1", "sex-concern-2", "sex-concern-3", "lab-exploit-weak"}, MANY_CONCERNS, WEAK_SIGNS, NOTHING,
	 WATCH, LAB, {P_ANY, P_ANY, P_ANY}},
	{"a strong signal shared by every form opens none of them", KB_AGE_ADULT, 0, {"all-coerce-strong"}, SERIOUS,
	 SERIOUS, SERIOUS, DISCUSS, 0, {P_ANY, P_ANY, P_ANY}},
	{"a weighed signal of two forms opens neither", KB_AGE_ADULT, 0, {"sex-raised"}, SERIOUS, WEAK_SIGNS, NOTHING,
	 DISCUSS, 0, {P_ANY, P_ANY, P_ANY}},
	{"a concern shared by every form: watch everywhere, nothing opened", KB_AGE_ADULT, 0, {"all-concern"},
	 CONCERN_ONLY, CONCERN_ONLY, CONCERN_ONLY, WATCH, 0, {P_ANY, P_ANY, P_ANY}},
};

static void test_every_rule_has_a_scenario(void **state)
{
	(void)state;
	struct kb kb;
	load_fixture_kb(&kb);
	for (size_t i = 0; i < sizeof scenarios / sizeof *scenarios; i++) {
		const struct scenario *sc = &scenarios[i];
		size_t count = 0;
		while (count < 8 && sc->signals[count])
			count++;
		struct assess_result result;
		assess_ids(&kb, sc->signals, count, sc->age, sc->chosen, &result);
		const struct expect expected[KB_FORM_COUNT] = {sc->sexual, sc->labour, sc->criminal};
		for (int f = 0; f < KB_FORM_COUNT; f++) {
			const struct assess_form *form = &result.forms[f];
			const char *name = kb_form_id((enum kb_form)f);
			if (expected[f].level >= 0 && (int)form->level != expected[f].level)
				fail_msg("%s: %s level %s, expected %s", sc->rule, name, assess_level_id(form->level),
					 assess_level_id((enum assess_level)expected[f].level));
			if (expected[f].basis >= 0 && (int)form->basis != expected[f].basis)
				fail_msg("%s: %s basis %s, expected %s", sc->rule, name, assess_basis_id(form->basis),
					 assess_basis_id((enum assess_basis)expected[f].basis));
			bool relevant = (sc->relevant & (1u << f)) != 0;
			if (form->relevant != relevant)
				fail_msg("%s: %s relevant %d, expected %d", sc->rule, name, form->relevant, relevant);
			int profile = sc->age == KB_AGE_ADULT	? P_ADULT
				      : sc->age == KB_AGE_MINOR ? P_MINOR
								: sc->profile[f];
			if (profile != P_ANY && (int)form->profile != profile)
				fail_msg("%s: %s weighed as %s", sc->rule, name, kb_profile_id(form->profile));
		}
		if ((int)result.level != sc->overall)
			fail_msg("%s: overall level %s, expected %s", sc->rule, assess_level_id(result.level),
				 assess_level_id((enum assess_level)sc->overall));
		assess_result_release(&result);
	}
	kb_release(&kb);
}

/* The numbers behind a level: per dimension, each indicator once; the
 * explanation lists every signal's weight (a repeat marked not counted) and
 * the signals that are concern only. */
static void test_counts_and_explanations(void **state)
{
	(void)state;
	struct kb kb;
	load_fixture_kb(&kb);
	static const char *const ids[] = {"lab-exploit-medium-a", "lab-exploit-medium-a-again", "lab-concern",
					  "lab-exploit-medium-a"};
	struct assess_result result;
	assess_ids(&kb, ids, 4, KB_AGE_ADULT, 0, &result);
	const struct assess_form *labour = &result.forms[KB_FORM_LABOUR];
	assert_int_equal(labour->dimensions[KB_DIMENSION_EXPLOITATIVE_CONDITIONS].medium, 1);
	assert_int_equal(labour->concern, 1);
	assert_int_equal(result.concern, 1);
	size_t counted = 0, repeated = 0, concern = 0;
	for (size_t i = 0; i < result.explanation_count; i++) {
		const struct assess_explanation *e = &result.explanation[i];
		if (e->concern) {
			concern++;
			assert_string_equal(kb.signals[e->signal].id, "lab-concern");
		} else {
			assert_int_equal(e->form, KB_FORM_LABOUR);
			assert_int_equal(e->strength, KB_STRENGTH_MEDIUM);
			counted += e->counted;
			repeated += !e->counted;
		}
	}
	assert_int_equal(concern, 1);
	assert_int_equal(counted, 1);
	assert_int_equal(repeated, 1); /* -again is listed, not counted; the repeated id is not listed again */
	assess_result_release(&result);

	/* the strict rule's dimensions as the scenario sees them */
	static const char *const all_three[] = {"lab-recruit-strong", "lab-recruit-medium", "lab-exploit-strong",
						"lab-exploit-medium-a", "lab-coerce-strong", "lab-coerce-minor-strong"};
	assess_ids(&kb, all_three, 6, KB_AGE_ADULT, 0, &result);
	labour = &result.forms[KB_FORM_LABOUR];
	assert_int_equal(labour->dimensions[KB_DIMENSION_DECEPTIVE_RECRUITMENT].strong, 1);
	assert_int_equal(labour->dimensions[KB_DIMENSION_DECEPTIVE_RECRUITMENT].medium, 1);
	assert_true(labour->dimensions[KB_DIMENSION_DECEPTIVE_RECRUITMENT].positive);
	assert_true(labour->dimensions[KB_DIMENSION_EXPLOITATIVE_CONDITIONS].positive);
	assert_true(labour->dimensions[KB_DIMENSION_COERCION_AT_DESTINATION].positive);
	assert_true(labour->indicated);
	assert_false(result.forms[KB_FORM_SEXUAL].indicated);
	assess_result_release(&result);

	/* a minor's positive exploitation is `indicated`; an adult's is not */
	static const char *const exploitation[] = {"lab-exploit-strong", "lab-exploit-medium-a"};
	assess_ids(&kb, exploitation, 2, KB_AGE_MINOR, 0, &result);
	assert_true(result.forms[KB_FORM_LABOUR].indicated);
	assess_result_release(&result);
	assess_ids(&kb, exploitation, 2, KB_AGE_ADULT, 0, &result);
	assert_false(result.forms[KB_FORM_LABOUR].indicated);
	assess_result_release(&result);

	/* no signals: nothing, nothing explained */
	assert_int_equal(assess_signals(&kb, NULL, 0, KB_AGE_ADULT, 0, &result), 0);
	assert_int_equal(result.explanation_count, 0);
	assert_int_equal(result.level, ASSESS_LEVEL_NONE);
	assess_result_release(&result);
	kb_release(&kb);
}

/* With the age unknown both profiles are explained; a signal is concern only
 * when neither profile gives it weight. */
static void test_age_unknown_explains_both_profiles(void **state)
{
	(void)state;
	struct kb kb;
	load_fixture_kb(&kb);
	static const char *const ids[] = {"lab-exploit-adult-list", "crim-act"};
	struct assess_result result;
	assess_ids(&kb, ids, 2, KB_AGE_UNKNOWN, 0, &result);
	bool adult = false, minor = false;
	for (size_t i = 0; i < result.explanation_count; i++) {
		adult = adult || result.explanation[i].profile == KB_PROFILE_ADULT;
		minor = minor || result.explanation[i].profile == KB_PROFILE_MINOR;
	}
	assert_true(adult && minor);
	/* crim-act carries no weight for any profile; the adult list weighs exploit-adult-list */
	assert_int_equal(result.concern, 1);
	assert_true(result.forms[KB_FORM_CRIMINAL].act);
	assess_result_release(&result);
	assess_ids(&kb, ids, 1, KB_AGE_MINOR, 0, &result);
	assert_int_equal(result.concern, 1);
	assess_result_release(&result);
	kb_release(&kb);
}

/* unknown_dimensions names what no signal speaks to; the form is provisional
 * when its form rule's confidence is low (section 5). */
static void test_unknown_dimensions_and_provisional(void **state)
{
	(void)state;
	struct kb kb;
	load_fixture_kb(&kb);
	static const char *const ids[] = {"lab-exploit-strong", "lab-coerce-strong"};
	struct assess_result result;
	assess_ids(&kb, ids, 2, KB_AGE_ADULT, 0, &result);
	unsigned recruitment = (1u << KB_DIMENSION_DECEPTIVE_RECRUITMENT) | (1u << KB_DIMENSION_COERCIVE_RECRUITMENT) |
			       (1u << KB_DIMENSION_RECRUITMENT_ABUSE_OF_VULNERABILITY);
	assert_int_equal(result.forms[KB_FORM_LABOUR].unknown_dimensions,
			 recruitment | (1u << KB_DIMENSION_ABUSE_OF_VULNERABILITY_AT_DESTINATION));
	assert_int_equal(result.forms[KB_FORM_SEXUAL].unknown_dimensions, (1u << KB_DIMENSION_COUNT) - 1);
	assert_false(result.forms[KB_FORM_LABOUR].provisional);
	assert_true(result.forms[KB_FORM_SEXUAL].provisional);
	assert_true(result.forms[KB_FORM_CRIMINAL].provisional);
	assess_result_release(&result);
	kb_release(&kb);
}

/* What to ask next (assess.h): the exploitation unless an act shows it; for
 * an adult the means while neither kind is known; never recruitment; nothing
 * once the level is report or nothing was seen. */
static void test_open_questions(void **state)
{
	(void)state;
	struct kb kb;
	load_fixture_kb(&kb);
	const unsigned exploitation = 1u << KB_DIMENSION_EXPLOITATIVE_CONDITIONS;
	const unsigned means =
		(1u << KB_DIMENSION_COERCION_AT_DESTINATION) | (1u << KB_DIMENSION_ABUSE_OF_VULNERABILITY_AT_DESTINATION);
	static const struct {
		const char *signal;
		enum kb_age age;
		enum kb_form form;
		unsigned open;
	} cases[] = {
		{"lab-exploit-medium-a", KB_AGE_ADULT, KB_FORM_LABOUR, 1u << KB_DIMENSION_COERCION_AT_DESTINATION |
									  1u << KB_DIMENSION_ABUSE_OF_VULNERABILITY_AT_DESTINATION},
		{"lab-coerce-strong", KB_AGE_ADULT, KB_FORM_LABOUR, 1u << KB_DIMENSION_EXPLOITATIVE_CONDITIONS},
		{"lab-recruit-strong", KB_AGE_ADULT, KB_FORM_LABOUR,
		 1u << KB_DIMENSION_EXPLOITATIVE_CONDITIONS | 1u << KB_DIMENSION_COERCION_AT_DESTINATION |
			 1u << KB_DIMENSION_ABUSE_OF_VULNERABILITY_AT_DESTINATION},
		{"lab-recruit-strong", KB_AGE_MINOR, KB_FORM_LABOUR, 1u << KB_DIMENSION_EXPLOITATIVE_CONDITIONS},
		{"crim-act", KB_AGE_ADULT, KB_FORM_CRIMINAL, 1u << KB_DIMENSION_COERCION_AT_DESTINATION |
								 1u << KB_DIMENSION_ABUSE_OF_VULNERABILITY_AT_DESTINATION},
		{"crim-act", KB_AGE_MINOR, KB_FORM_CRIMINAL, 0},          /* report */
		{"lab-exploit-weak", KB_AGE_ADULT, KB_FORM_SEXUAL, 0},    /* nothing seen for that form */
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct assess_result result;
		assess_ids(&kb, &cases[i].signal, 1, cases[i].age, 0, &result);
		unsigned open = assess_open_questions(&result.forms[cases[i].form]);
		if (open != cases[i].open)
			fail_msg("%s (%s): open questions %#x, expected %#x", cases[i].signal,
				 kb_profile_id(result.forms[cases[i].form].profile), open, cases[i].open);
		assert_int_equal(open & ~(exploitation | means), 0);
		assess_result_release(&result);
	}
	kb_release(&kb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dimension_rule_at_every_edge),
		cmocka_unit_test(test_every_rule_has_a_scenario),
		cmocka_unit_test(test_counts_and_explanations),
		cmocka_unit_test(test_age_unknown_explains_both_profiles),
		cmocka_unit_test(test_unknown_dimensions_and_provisional),
		cmocka_unit_test(test_open_questions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
