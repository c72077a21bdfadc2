/* config: the [cases] section (deadlines and retention, issue 15): its
 * defaults are case.c's, every key is read, and a value out of bounds is an
 * error that names the key and its range. */
#define _POSIX_C_SOURCE 200809L
#include "test_support.h"

#include <string.h>
#include <unistd.h>

#include "case.h"
#include "config.h"

/* Writes `text` to a new file and loads it over the defaults: config_load_file's result. */
static int load_text(const char *text, struct server_config *config, char error[CONFIG_ERROR_SIZE])
{
	char path[] = "/tmp/meldwijzer-config-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	config_defaults(config, "web");
	error[0] = '\0';
	int status = config_load_file(config, path, error);
	unlink(path);
	return status;
}

static void test_cases_defaults_are_case_settings_default(void **state)
{
	(void)state;
	struct server_config config;
	struct case_settings expected;
	config_defaults(&config, "web");
	case_settings_default(&expected);
	assert_int_equal(config.cases.answer_days, expected.answer_days);
	assert_int_equal(config.cases.feedback_months, expected.feedback_months);
	assert_int_equal(config.cases.due_soon_days, expected.due_soon_days);
	assert_int_equal(config.cases.retention_months, expected.retention_months);
	assert_int_equal(config.cases.retention_warning_days, expected.retention_warning_days);
	assert_int_equal(config.cases.answer_days, 7);
	assert_int_equal(config.cases.retention_months, 12);
}

static void test_cases_section_read(void **state)
{
	(void)state;
	struct server_config config;
	char error[CONFIG_ERROR_SIZE];
	assert_int_equal(load_text("[cases]\nanswer_days = 3\nfeedback_months = 2\ndue_soon_days = 0\n"
				   "retention_months = 6\nretention_warning_days = 30\n",
				   &config, error),
			 0);
	assert_int_equal(config.cases.answer_days, 3);
	assert_int_equal(config.cases.feedback_months, 2);
	assert_int_equal(config.cases.due_soon_days, 0);
	assert_int_equal(config.cases.retention_months, 6);
	assert_int_equal(config.cases.retention_warning_days, 30);
	/* one key set, the others keep their defaults */
	assert_int_equal(load_text("[cases]\nretention_months = 24\n", &config, error), 0);
	assert_int_equal(config.cases.retention_months, 24);
	assert_int_equal(config.cases.answer_days, 7);
}

static void test_cases_bounds_name_the_key(void **state)
{
	(void)state;
	static const struct {
		const char *text, *says;
	} bad[] = {
		{"[cases]\nanswer_days = 0\n", "cases.answer_days: a whole number from 1 to 365"},
		{"[cases]\nanswer_days = 366\n", "cases.answer_days"},
		{"[cases]\nanswer_days = -1\n", "cases.answer_days"},
		{"[cases]\nanswer_days = seven\n", "cases.answer_days"},
		{"[cases]\nfeedback_months = 25\n", "cases.feedback_months: a whole number from 1 to 24"},
		{"[cases]\nfeedback_months = 0\n", "cases.feedback_months"},
		{"[cases]\ndue_soon_days = 61\n", "cases.due_soon_days: a whole number from 0 to 60"},
		{"[cases]\nretention_months = 0\n", "cases.retention_months: a whole number from 1 to 120"},
		{"[cases]\nretention_months = 121\n", "cases.retention_months"},
		{"[cases]\nretention_warning_days = 366\n", "cases.retention_warning_days"},
		{"[cases]\nanswer_days =\n", "cases.answer_days"},
		{"[cases]\nanswer_dayz = 7\n", "unknown setting cases.answer_dayz"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct server_config config;
		char error[CONFIG_ERROR_SIZE];
		if (load_text(bad[i].text, &config, error) == 0)
			fail_msg("accepted: %s", bad[i].text);
		if (!strstr(error, bad[i].says))
			fail_msg("'%s' does not say '%s'", error, bad[i].says);
		assert_non_null(strstr(error, "line 2"));
	}
}

/* The benchmark's switch: off unless "yes", and nothing but yes or no. */
static void test_unsafe_synchronous_off(void **state)
{
	(void)state;
	struct server_config config;
	char error[CONFIG_ERROR_SIZE];
	config_defaults(&config, "web");
	assert_false(config.unsafe_synchronous_off);
	assert_int_equal(load_text("[server]\nunsafe_synchronous_off = yes\n", &config, error), 0);
	assert_true(config.unsafe_synchronous_off);
	assert_int_equal(load_text("[server]\nunsafe_synchronous_off = no\n", &config, error), 0);
	assert_false(config.unsafe_synchronous_off);
	assert_int_not_equal(load_text("[server]\nunsafe_synchronous_off = 1\n", &config, error), 0);
	assert_non_null(strstr(error, "unsafe_synchronous_off"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases_defaults_are_case_settings_default),
		cmocka_unit_test(test_cases_section_read),
		cmocka_unit_test(test_cases_bounds_name_the_key),
		cmocka_unit_test(test_unsafe_synchronous_off),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
