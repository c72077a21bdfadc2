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
		fail_msg("no signal %s", id);
	return (size_t)index;
}

static void assess_ids(const struct kb *kb, const char *const *ids, size_t count, enum kb_age age,
		       struct assess_result *out)
{
	size_t indexes[32];
	for (size_t i = 0; i < count; i++)
		indexes[i] = signal_index(kb, ids[i]);
	assert_int_equal(assess_signals(kb, indexes, count, age, 0, out), 0);
}

static void test_adult_rule_needs_recruitment_exploitation_and_destination(void **state)
{
	(void)state;
	struct kb kb;
	load_real_kb(&kb);
	static const char *const all_three[] = {
		"ander-werk-dan-beloofd", "minder-loon-dan-beloofd", /* deceptive recruitment: S + M */
		"lange-dagen", "weinig-of-geen-loon",               /* exploitation: S + M */
		"papieren-afgepakt", "schuld-bij-baas",              /* coercion at destination: S + S */
	};
	struct assess_result result;
	assess_ids(&kb, all_three, 6, KB_AGE_ADULT, &result);
	assert_int_equal(result.forms[KB_FORM_LABOUR].profile, KB_PROFILE_ADULT);
	const struct assess_form *labour = &result.forms[KB_FORM_LABOUR];
	assert_int_equal(labour->dimensions[KB_DIMENSION_DECEPTIVE_RECRUITMENT].strong, 1);
	assert_int_equal(labour->dimensions[KB_DIMENSION_DECEPTIVE_RECRUITMENT].medium, 1);
	assert_true(labour->dimensions[KB_DIMENSION_DECEPTIVE_RECRUITMENT].positive);
	assert_true(labour->dimensions[KB_DIMENSION_EXPLOITATIVE_CONDITIONS].positive);
	assert_int_equal(labour->dimensions[KB_DIMENSION_COERCION_AT_DESTINATION].strong, 2);
	assert_true(labour->indicated);
	assert_int_equal(result.concern, 0);
	/* minder-loon-dan-beloofd and lange-dagen are not criminal signals */
	assert_false(result.forms[KB_FORM_CRIMINAL].indicated);
	assess_result_release(&result);

	/* without the destination dimension the combination rule fails */
	assess_ids(&kb, all_three, 4, KB_AGE_ADULT, &result);
	assert_true(result.forms[KB_FORM_LABOUR].dimensions[KB_DIMENSION_EXPLOITATIVE_CONDITIONS].positive);
	assert_false(result.forms[KB_FORM_LABOUR].indicated);
	assess_result_release(&result);

	/* one strong alone does not make a dimension positive */
	static const char *const one_strong[] = {"ander-werk-dan-beloofd", "lange-dagen", "weinig-of-geen-loon",
						 "papieren-afgepakt"};
	assess_ids(&kb, one_strong, 4, KB_AGE_ADULT, &result);
	assert_false(result.forms[KB_FORM_LABOUR].dimensions[KB_DIMENSION_DECEPTIVE_RECRUITMENT].positive);
	assert_false(result.forms[KB_FORM_LABOUR].dimensions[KB_DIMENSION_COERCION_AT_DESTINATION].positive);
	assert_false(result.forms[KB_FORM_LABOUR].indicated);
	assess_result_release(&result);
	kb_release(&kb);
}

static void test_minor_rule_needs_only_exploitation(void **state)
{
	(void)state;
	struct kb kb;
	load_real_kb(&kb);
	static const char *const exploitation[] = {"lange-dagen", "weinig-of-geen-loon"};
	struct assess_result result;
	assess_ids(&kb, exploitation, 2, KB_AGE_MINOR, &result);
	assert_int_equal(result.forms[KB_FORM_LABOUR].profile, KB_PROFILE_MINOR);
	assert_true(result.forms[KB_FORM_LABOUR].indicated);
	assess_result_release(&result);
	assess_ids(&kb, exploitation, 2, KB_AGE_ADULT, &result);
	assert_false(result.forms[KB_FORM_LABOUR].indicated);
	assess_result_release(&result);
	/* only the weights of the person's profile count */
	static const char *const adult_only[] = {"zwart-betaald"};
	assess_ids(&kb, adult_only, 1, KB_AGE_MINOR, &result);
	assert_int_equal(result.concern, 1);
	assert_int_equal(result.forms[KB_FORM_LABOUR].dimensions[KB_DIMENSION_EXPLOITATIVE_CONDITIONS].medium, 0);
	assess_result_release(&result);
	assess_ids(&kb, adult_only, 1, KB_AGE_ADULT, &result);
	assert_int_equal(result.concern, 0);
	assert_int_equal(result.forms[KB_FORM_LABOUR].dimensions[KB_DIMENSION_EXPLOITATIVE_CONDITIONS].medium, 1);
	assess_result_release(&result);
	kb_release(&kb);
}

static void test_indicator_counts_once_and_concern_is_explained(void **state)
{
	(void)state;
	struct kb kb;
	load_real_kb(&kb);
	/* both point to "Bad living conditions"; moe-en-mager is non-specific */
	static const char *const ids[] = {"slaapt-op-werk", "slechte-woning", "moe-en-mager", "slaapt-op-werk"};
	struct assess_result result;
	assess_ids(&kb, ids, 4, KB_AGE_ADULT, &result);
	assert_int_equal(result.forms[KB_FORM_LABOUR].dimensions[KB_DIMENSION_EXPLOITATIVE_CONDITIONS].medium, 1);
	assert_int_equal(result.concern, 1);
	size_t counted = 0, repeated = 0, concern = 0;
	for (size_t i = 0; i < result.explanation_count; i++) {
		const struct assess_explanation *e = &result.explanation[i];
		if (e->concern) {
			concern++;
			assert_string_equal(kb.signals[e->signal].id, "moe-en-mager");
		} else if (e->form == KB_FORM_LABOUR) {
			counted += e->counted;
			repeated += !e->counted;
		}
	}
	assert_int_equal(concern, 1);
	assert_int_equal(counted, 1);
	assert_int_equal(repeated, 1); /* the repeated slaapt-op-werk is not listed again */
	assess_result_release(&result);

	assert_int_equal(assess_signals(&kb, NULL, 0, KB_AGE_ADULT, 0, &result), 0);
	assert_int_equal(result.explanation_count, 0);
	for (int f = 0; f < KB_FORM_COUNT; f++)
		assert_false(result.forms[f].indicated);
	assess_result_release(&result);
	kb_release(&kb);
}

static void test_sexual_profile_uses_the_raised_weight(void **state)
{
	(void)state;
	struct kb kb;
	load_real_kb(&kb);
	static const char *const ids[] = {"gedwongen-tot-seks", "bedreigd"};
	struct assess_result result;
	assess_ids(&kb, ids, 2, KB_AGE_ADULT, &result);
	/* forced clients strong (raised) + threats medium: positive at destination */
	const struct assess_dimension *d = &result.forms[KB_FORM_SEXUAL].dimensions[KB_DIMENSION_COERCION_AT_DESTINATION];
	assert_int_equal(d->strong, 1);
	assert_int_equal(d->medium, 1);
	assert_true(d->positive);
	assert_false(result.forms[KB_FORM_SEXUAL].indicated);
	assess_result_release(&result);
	kb_release(&kb);
}

/*
 * Scenarios written from the law and the ILO rule (docs/assessment.md), not
 * from the code: who the person is, which forms were chosen, what was seen,
 * and the level a social worker at an advice point would give per form.
 * "-" means the form is not checked in that scenario.
 */
enum { L_NONE = ASSESS_LEVEL_NONE, L_WATCH = ASSESS_LEVEL_WATCH, L_DISCUSS = ASSESS_LEVEL_DISCUSS,
       L_REPORT = ASSESS_LEVEL_REPORT, L_ANY = -1 };

struct scenario {
	const char *name;
	enum kb_age age;
	unsigned chosen;
	const char *signals[12];
	int sexual, labour, criminal;   /* expected level, or L_ANY */
	int overall;                    /* expected result.level */
	unsigned relevant;              /* expected relevant forms */
};

#define SEX (1u << KB_FORM_SEXUAL)
#define LAB (1u << KB_FORM_LABOUR)
#define CRI (1u << KB_FORM_CRIMINAL)

static const struct scenario scenarios[] = {
	/* minors: no means needed; the act itself is the exploitation (art. 273f lid 1 sub 2/5, lid 2) */
	{"15-year-old deals, fetches drugs from the port, places explosives", KB_AGE_MINOR, CRI,
	 {"drugs-voor-ander", "drugs-uit-haven", "explosieven"}, L_ANY, L_ANY, L_REPORT, L_REPORT, CRI},
	{"15-year-old deals drugs for older boys (one act signal is enough)", KB_AGE_MINOR, 0,
	 {"drugs-voor-ander"}, L_ANY, L_ANY, L_REPORT, L_REPORT, CRI},
	{"17-year-old forced into sex", KB_AGE_MINOR, SEX, {"gedwongen-tot-seks"}, L_REPORT, L_ANY, L_ANY, L_REPORT,
	 SEX},
	{"17-year-old: older boyfriend and sextortion, no act seen yet", KB_AGE_MINOR, SEX,
	 {"oudere-vriend", "chantage-met-beelden"}, L_DISCUSS, L_ANY, L_ANY, L_DISCUSS, SEX},
	{"minor works long days for no pay (ILO child rule)", KB_AGE_MINOR, LAB,
	 {"lange-dagen", "weinig-of-geen-loon"}, L_ANY, L_REPORT, L_ANY, L_REPORT, LAB},
	/* adults: exploitation and coercion are reason to report, recruitment unknown (lid 1 sub 4) */
	{"Polish colleague: passport kept, long days, debt to the boss, low pay", KB_AGE_ADULT, LAB,
	 {"papieren-afgepakt", "lange-dagen", "schuld-bij-baas", "weinig-of-geen-loon"}, L_ANY, L_REPORT, L_ANY,
	 L_REPORT, LAB},
	{"adult forced into sex and beaten", KB_AGE_ADULT, SEX, {"gedwongen-tot-seks", "mishandeld"}, L_REPORT, L_ANY,
	 L_ANY, L_REPORT, SEX},
	{"adult forced to deal and threatened", KB_AGE_ADULT, CRI, {"drugs-voor-ander", "bedreigd", "mishandeld"},
	 L_ANY, L_ANY, L_REPORT, L_REPORT, CRI},
	{"all three ILO dimensions (strict rule)", KB_AGE_ADULT, LAB,
	 {"ander-werk-dan-beloofd", "minder-loon-dan-beloofd", "lange-dagen", "weinig-of-geen-loon",
	  "papieren-afgepakt", "schuld-bij-baas"},
	 L_ANY, L_REPORT, L_ANY, L_REPORT, LAB},
	{"hotel cleaner: low pay in cash, chemicals, free to leave", KB_AGE_ADULT, LAB,
	 {"weinig-of-geen-loon", "zwart-betaald", "gevaarlijk-werk"}, L_ANY, L_DISCUSS, L_ANY, L_DISCUSS, LAB},
	{"nail-salon worker: travel debt, long days, low pay, little Dutch", KB_AGE_ADULT, LAB,
	 {"schuld-bij-baas", "lange-dagen", "weinig-of-geen-loon", "taal-en-isolement"}, L_ANY, L_REPORT, L_ANY,
	 L_REPORT, LAB},
	{"passport kept, debt to the boss, very long days", KB_AGE_ADULT, LAB,
	 {"papieren-afgepakt", "schuld-bij-baas", "lange-dagen"}, L_ANY, L_REPORT, L_ANY, L_REPORT, LAB},
	{"passport kept, housing from the boss, very long days (the means count together)", KB_AGE_ADULT, LAB,
	 {"papieren-afgepakt", "woont-bij-baas", "lange-dagen"}, L_ANY, L_REPORT, L_ANY, L_REPORT, LAB},
	{"passport kept and very long days: one strong sign each is not yet enough", KB_AGE_ADULT, LAB,
	 {"papieren-afgepakt", "lange-dagen"}, L_ANY, L_DISCUSS, L_ANY, L_DISCUSS, LAB},
	{"passport kept alone", KB_AGE_ADULT, LAB, {"papieren-afgepakt"}, L_ANY, L_DISCUSS, L_ANY, L_DISCUSS, LAB},
	{"adult forced into sex alone (one strong sign: talk it over)", KB_AGE_ADULT, SEX, {"gedwongen-tot-seks"},
	 L_DISCUSS, L_ANY, L_ANY, L_DISCUSS, SEX},
	{"one medium sign only", KB_AGE_ADULT, LAB, {"weinig-of-geen-loon"}, L_ANY, L_WATCH, L_ANY, L_WATCH, LAB},
	{"only behaviour that also has other causes", KB_AGE_ADULT, SEX, {"moe-en-mager"}, L_WATCH, L_NONE, L_NONE,
	 L_WATCH, SEX},
	{"nothing seen", KB_AGE_ADULT, LAB, {NULL}, L_NONE, L_NONE, L_NONE, L_NONE, LAB},
	{"locked-in boy working at a cannabis plantation", KB_AGE_MINOR, 0,
	 {"hennepkwekerij", "in-de-gaten-gehouden", "zonder-papieren"}, L_ANY, L_ANY, L_REPORT, L_REPORT, CRI},
	{"17-year-old: boyfriend of 25, sextortion, asked to help out his friends", KB_AGE_MINOR, SEX,
	 {"oudere-vriend", "chantage-met-beelden", "vrienden-helpen"}, L_REPORT, L_ANY, L_ANY, L_REPORT, SEX},
	{"adult asked to help out friends and watched", KB_AGE_ADULT, SEX, {"vrienden-helpen", "in-de-gaten-gehouden"},
	 L_REPORT, L_ANY, L_ANY, L_REPORT, SEX},
	{"adult asked to help out friends, nothing else seen", KB_AGE_ADULT, SEX, {"vrienden-helpen"}, L_DISCUSS, L_ANY,
	 L_ANY, L_DISCUSS, SEX},
	{"adult works at a cannabis plantation, nothing else seen", KB_AGE_ADULT, 0, {"hennepkwekerij"}, L_ANY, L_ANY,
	 L_DISCUSS, L_DISCUSS, CRI},
	{"adult sextortion alone weighs more than a weak sign", KB_AGE_ADULT, SEX, {"chantage-met-beelden"}, L_WATCH,
	 L_ANY, L_ANY, L_WATCH, SEX},
	{"adult sextortion and threats", KB_AGE_ADULT, SEX, {"chantage-met-beelden", "bedreigd"}, L_DISCUSS, L_ANY,
	 L_ANY, L_DISCUSS, SEX},
	{"employer arranges housing and transport: one medium sign", KB_AGE_ADULT, LAB, {"woont-bij-baas"}, L_ANY,
	 L_WATCH, L_ANY, L_WATCH, LAB},
	/* what a neighbour sees of a place: concern signals, together worth a talk */
	{"neighbour: changing young residents, covered windows, visitors at night", KB_AGE_ADULT, 0,
	 {"wisselende-bewoners", "ramen-afgeplakt", "bezoek-in-de-nacht"}, L_DISCUSS, L_NONE, L_WATCH, L_DISCUSS, 0},
	{"tired and thin in a labour case opens no sexual block", KB_AGE_ADULT, LAB, {"moe-en-mager", "lange-dagen"},
	 L_WATCH, L_DISCUSS, L_ANY, L_DISCUSS, LAB},
	{"neighbour: only covered windows", KB_AGE_ADULT, 0, {"ramen-afgeplakt"}, L_WATCH, L_NONE, L_WATCH, L_WATCH, 0},
	/* signals shared by every form open none of them; the overall level still speaks */
	{"a neighbour only sees that someone is beaten", KB_AGE_ADULT, 0, {"mishandeld"}, L_DISCUSS, L_DISCUSS,
	 L_DISCUSS, L_DISCUSS, 0},
	/* age unknown: both profiles, the higher level */
	{"age unknown, deals drugs for someone", KB_AGE_UNKNOWN, CRI, {"drugs-voor-ander"}, L_ANY, L_ANY, L_REPORT,
	 L_REPORT, CRI},
	{"age unknown, long days and no pay (child rule gives report)", KB_AGE_UNKNOWN, LAB,
	 {"lange-dagen", "weinig-of-geen-loon"}, L_ANY, L_REPORT, L_ANY, L_REPORT, LAB},
};

static void test_scenarios_from_the_law(void **state)
{
	(void)state;
	struct kb kb;
	load_real_kb(&kb);
	for (size_t i = 0; i < sizeof scenarios / sizeof *scenarios; i++) {
		const struct scenario *sc = &scenarios[i];
		size_t indexes[12], count = 0;
		for (; count < 12 && sc->signals[count]; count++)
			indexes[count] = signal_index(&kb, sc->signals[count]);
		struct assess_result result;
		assert_int_equal(assess_signals(&kb, indexes, count, sc->age, sc->chosen, &result), 0);
		const int expected[KB_FORM_COUNT] = {sc->sexual, sc->labour, sc->criminal};
		for (int f = 0; f < KB_FORM_COUNT; f++) {
			if (expected[f] != L_ANY && (int)result.forms[f].level != expected[f])
				fail_msg("%s: %s level %s, expected %s", sc->name, kb_form_id((enum kb_form)f),
					 assess_level_id(result.forms[f].level),
					 assess_level_id((enum assess_level)expected[f]));
			bool relevant = (sc->relevant & (1u << f)) != 0;
			if (result.forms[f].relevant != relevant)
				fail_msg("%s: %s relevant %d, expected %d", sc->name, kb_form_id((enum kb_form)f),
					 result.forms[f].relevant, relevant);
		}
		if ((int)result.level != sc->overall)
			fail_msg("%s: overall level %s, expected %s", sc->name, assess_level_id(result.level),
				 assess_level_id((enum assess_level)sc->overall));
		assess_result_release(&result);
	}
	kb_release(&kb);
}

static void test_level_details(void **state)
{
	(void)state;
	struct kb kb;
	load_real_kb(&kb);
	struct assess_result result;
	/* an adult with exploitation and coercion: reported with recruitment unknown, not the strict rule */
	static const char *const colleague[] = {"papieren-afgepakt", "lange-dagen", "schuld-bij-baas",
						"weinig-of-geen-loon"};
	assess_ids(&kb, colleague, 4, KB_AGE_ADULT, &result);
	const struct assess_form *labour = &result.forms[KB_FORM_LABOUR];
	assert_false(labour->indicated);
	assert_int_equal(labour->basis, ASSESS_BASIS_ADULT_EXPLOITATION);
	unsigned recruitment = (1u << KB_DIMENSION_DECEPTIVE_RECRUITMENT) | (1u << KB_DIMENSION_COERCIVE_RECRUITMENT) |
			       (1u << KB_DIMENSION_RECRUITMENT_ABUSE_OF_VULNERABILITY);
	assert_int_equal(labour->unknown_dimensions & recruitment, recruitment);
	assert_false(labour->unknown_dimensions & (1u << KB_DIMENSION_EXPLOITATIVE_CONDITIONS));
	assert_false(labour->provisional);
	assert_true(result.forms[KB_FORM_SEXUAL].provisional);
	assert_true(result.forms[KB_FORM_CRIMINAL].provisional);
	assess_result_release(&result);

	/* a minor's act: reported on that basis, with the minor profile */
	static const char *const dealing[] = {"drugs-voor-ander"};
	assess_ids(&kb, dealing, 1, KB_AGE_UNKNOWN, &result);
	assert_int_equal(result.forms[KB_FORM_CRIMINAL].basis, ASSESS_BASIS_MINOR_ACT);
	assert_int_equal(result.forms[KB_FORM_CRIMINAL].profile, KB_PROFILE_MINOR);
	assert_true(result.forms[KB_FORM_CRIMINAL].act);
	/* both profiles are explained */
	bool adult = false, minor = false;
	for (size_t i = 0; i < result.explanation_count; i++) {
		adult = adult || result.explanation[i].profile == KB_PROFILE_ADULT;
		minor = minor || result.explanation[i].profile == KB_PROFILE_MINOR;
	}
	assert_true(adult && minor);
	assert_int_equal(result.concern, 0);
	assess_result_release(&result);
	kb_release(&kb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dimension_rule_at_every_edge),
		cmocka_unit_test(test_adult_rule_needs_recruitment_exploitation_and_destination),
		cmocka_unit_test(test_minor_rule_needs_only_exploitation),
		cmocka_unit_test(test_indicator_counts_once_and_concern_is_explained),
		cmocka_unit_test(test_sexual_profile_uses_the_raised_weight),
		cmocka_unit_test(test_scenarios_from_the_law),
		cmocka_unit_test(test_level_details),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
