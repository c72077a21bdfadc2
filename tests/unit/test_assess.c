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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dimension_rule_at_every_edge),
		cmocka_unit_test(test_adult_rule_needs_recruitment_exploitation_and_destination),
		cmocka_unit_test(test_minor_rule_needs_only_exploitation),
		cmocka_unit_test(test_indicator_counts_once_and_concern_is_explained),
		cmocka_unit_test(test_sexual_profile_uses_the_raised_weight),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
