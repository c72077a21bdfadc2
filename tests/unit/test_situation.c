/* situation: reading the route and assess input, on the fixture knowledge base (tests/fixtures/kb). */
#include "test_support.h"

#include <string.h>

#include "situation.h"

static void test_full_situation_and_defaults(void **state)
{
	(void)state;
	struct kb kb;
	load_fixture_kb(&kb);
	struct situation s;
	char error[SITUATION_ERROR_SIZE];
	const char *full = "{\"acute_danger\": true, \"forms\": [\"labour\", \"unknown\", \"labour\"], \"wants_advice\": true,"
			   " \"report_victim\": true, \"wants_anonymity\": true, \"minor\": true, \"region\": \"other\","
			   " \"works_with_children\": true, \"about_self\": true,"
			   " \"signals\": [\"lab-exploit-weak\", \"sex-concern-1\", \"lab-exploit-weak\"], \"at\": \"2026-11-28T14:00:00+01:00\","
			   " \"lang\": \"en\"}";
	assert_int_equal(situation_from_json(&kb, full, strlen(full), &s, error), 0);
	assert_true(s.acute_danger && s.wants_advice && s.report_victim && s.wants_anonymity && s.works_with_children &&
		    s.about_self);
	assert_int_equal(s.age, KB_AGE_MINOR);
	assert_int_equal(s.forms, 1u << KB_FORM_LABOUR);
	assert_true(s.form_unknown);
	assert_int_equal(s.region, REGION_OTHER);
	assert_int_equal(s.signal_count, 2); /* the repeat is dropped */
	assert_int_equal(s.signals[0], (size_t)kb_signal_index(&kb, "lab-exploit-weak"));
	assert_int_equal(s.signals[1], (size_t)kb_signal_index(&kb, "sex-concern-1"));
	assert_true(s.has_time);
	assert_int_equal(s.at, parse_time("2026-11-28T13:00:00Z"));
	assert_int_equal(s.lang, KB_LANG_EN);

	assert_int_equal(situation_from_json(&kb, "{}", 2, &s, error), 0);
	assert_false(s.acute_danger || s.wants_advice || s.report_victim || s.wants_anonymity || s.works_with_children ||
		     s.about_self);
	assert_int_equal(s.age, KB_AGE_ADULT);
	const char *age_unknown = "{\"minor\": \"unknown\"}";
	assert_int_equal(situation_from_json(&kb, age_unknown, strlen(age_unknown), &s, error), 0);
	assert_int_equal(s.age, KB_AGE_UNKNOWN);
	assert_int_equal(s.forms, 0);
	assert_int_equal(s.region, REGION_ROTTERDAM);
	assert_false(s.has_time);
	assert_int_equal(s.lang, KB_LANG_NL);
	assert_int_equal(s.signal_count, 0);
	kb_release(&kb);
}

static void test_bad_situations_name_the_field(void **state)
{
	(void)state;
	struct kb kb;
	load_fixture_kb(&kb);
	static const struct {
		const char *input;
		const char *expected;
	} cases[] = {
		{"", "not valid JSON"},
		{"{", "not valid JSON"},
		{"[]", "must be a JSON object"},
		{"null", "must be a JSON object"},
		{"{\"acute\": true}", "unknown field \"acute\""},
		{"{\"acute_danger\": \"yes\"}", "field \"acute_danger\": must be true or false"},
		{"{\"acute_danger\": 1}", "field \"acute_danger\": must be true or false"},
		{"{\"minor\": null}", "field \"minor\": must be true, false or \"unknown\""},
		{"{\"minor\": \"maybe\"}", "field \"minor\": must be true, false or \"unknown\""},
		{"{\"works_with_children\": \"yes\"}", "field \"works_with_children\": must be true or false"},
		{"{\"about_self\": 1}", "field \"about_self\": must be true or false"},
		{"{\"forms\": \"labour\"}", "field \"forms\": must be a list"},
		{"{\"forms\": [\"labor\"]}", "field \"forms\"[0]: unknown value \"labor\""},
		{"{\"forms\": [\"sexual\", 3]}", "field \"forms\"[1]: must be a string"},
		{"{\"region\": \"utrecht\"}", "field \"region\": unknown value \"utrecht\""},
		{"{\"region\": true}", "field \"region\": must be a string"},
		{"{\"signals\": [\"nope\"]}", "field \"signals\"[0]: unknown signal id \"nope\""},
		{"{\"signals\": {}}", "field \"signals\": must be a list"},
		{"{\"at\": \"2026-02-30T10:00:00Z\"}", "field \"at\": \"2026-02-30T10:00:00Z\" is not a valid RFC 3339 time"},
		{"{\"at\": \"tomorrow\"}", "field \"at\""},
		{"{\"at\": 1700000000}", "field \"at\": must be an RFC 3339 time as a string"},
		{"{\"lang\": \"de\"}", "field \"lang\": unknown value \"de\""},
		{"{\"minor\": true, \"minor\": false}", "not valid JSON"},
		{"{\"forms\": [\"sexual\"]} trailing", "not valid JSON"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct situation s;
		char error[SITUATION_ERROR_SIZE] = "";
		if (situation_from_json(&kb, cases[i].input, strlen(cases[i].input), &s, error) != -1)
			fail_msg("accepted: %s", cases[i].input);
		if (!strstr(error, cases[i].expected))
			fail_msg("%s: message \"%s\" lacks \"%s\"", cases[i].input, error, cases[i].expected);
	}
	kb_release(&kb);
}

static void test_assess_request(void **state)
{
	(void)state;
	struct kb kb;
	load_fixture_kb(&kb);
	struct assess_request request;
	char error[SITUATION_ERROR_SIZE];
	const char *input = "{\"signals\": [\"crim-act\"], \"minor\": true, \"lang\": \"en\"}";
	assert_int_equal(assess_request_from_json(&kb, input, strlen(input), &request, error), 0);
	assert_int_equal(request.signal_count, 1);
	assert_int_equal(request.age, KB_AGE_MINOR);
	assert_int_equal(request.lang, KB_LANG_EN);
	input = "{\"signals\": [\"crim-act\"], \"minor\": \"unknown\", \"forms\": [\"criminal\", \"unknown\"]}";
	assert_int_equal(assess_request_from_json(&kb, input, strlen(input), &request, error), 0);
	assert_int_equal(request.age, KB_AGE_UNKNOWN);
	assert_int_equal(request.forms, 1u << KB_FORM_CRIMINAL);
	input = "{\"forms\": [\"crime\"]}";
	assert_int_equal(assess_request_from_json(&kb, input, strlen(input), &request, error), -1);
	assert_non_null(strstr(error, "field \"forms\"[0]: unknown value \"crime\""));
	input = "{\"signals\": [\"crim-act\"], \"acute_danger\": true}";
	assert_int_equal(assess_request_from_json(&kb, input, strlen(input), &request, error), -1);
	assert_non_null(strstr(error, "unknown field \"acute_danger\""));
	kb_release(&kb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_situation_and_defaults),
		cmocka_unit_test(test_bad_situations_name_the_field),
		cmocka_unit_test(test_assess_request),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
