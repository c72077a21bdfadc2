#include "test_support.h"

#include <string.h>

#include "hours.h"
#include "timefmt.h"

static void test_rfc3339_accepts_and_rejects(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		bool valid;
		int64_t utc;
	} cases[] = {
		{"1970-01-01T00:00:00Z", true, 0},
		{"2026-11-28T14:05:00+01:00", true, 1795871100},
		{"2026-11-28t13:05:00z", true, 1795871100},
		{"2026-11-28 13:05:00Z", true, 1795871100},
		{"2026-11-28T13:05:00.123456789Z", true, 1795871100},
		{"2026-11-28T08:05:00-05:00", true, 1795871100},
		{"2024-02-29T12:00:00Z", true, 1709208000},
		{"2026-02-29T12:00:00Z", false, 0},
		{"2026-04-31T12:00:00Z", false, 0},
		{"2026-13-01T00:00:00Z", false, 0},
		{"2026-00-10T00:00:00Z", false, 0},
		{"2026-11-28T24:00:00Z", false, 0},
		{"2026-11-28T23:60:00Z", false, 0},
		{"2026-11-28T23:59:60Z", false, 0},
		{"2026-11-28T13:05:00", false, 0},
		{"2026-11-28T13:05Z", false, 0},
		{"2026-11-28T13:05:00Zjunk", false, 0},
		{"2026-11-28T13:05:00+1:00", false, 0},
		{"2026-11-28T13:05:00+24:00", false, 0},
		{"2026-11-28T13:05:00.Z", false, 0},
		{"1969-12-31T23:59:59Z", false, 0},
		{"1970-01-01T00:30:00+01:00", false, 0},
		{"", false, 0},
		{"not a time", false, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		int64_t utc = -1;
		bool valid = rfc3339_parse(cases[i].text, strlen(cases[i].text), &utc);
		if (valid != cases[i].valid)
			fail_msg("%s: expected %s", cases[i].text, cases[i].valid ? "valid" : "invalid");
		if (valid)
			assert_int_equal(utc, cases[i].utc);
	}
}

static void test_civil_days_round_trip(void **state)
{
	(void)state;
	for (int64_t days = -1000; days < 120000; days += 17) {
		struct civil_time t;
		civil_from_days(days, &t);
		assert_int_equal(days_from_civil(t.year, t.month, t.day), days);
	}
	struct civil_time t;
	civil_from_days(days_from_civil(2026, 11, 28), &t);
	assert_int_equal(t.weekday, 5); /* Saturday */
}

static void test_amsterdam_offset_changes_on_eu_rule(void **state)
{
	(void)state;
	assert_int_equal(amsterdam_offset_seconds(parse_time("2026-03-29T00:59:59Z")), 3600);
	assert_int_equal(amsterdam_offset_seconds(parse_time("2026-03-29T01:00:00Z")), 7200);
	assert_int_equal(amsterdam_offset_seconds(parse_time("2026-10-25T00:59:59Z")), 7200);
	assert_int_equal(amsterdam_offset_seconds(parse_time("2026-10-25T01:00:00Z")), 3600);
	assert_int_equal(amsterdam_offset_seconds(parse_time("2027-03-28T01:00:00Z")), 7200);
	assert_int_equal(amsterdam_offset_seconds(parse_time("2027-01-15T12:00:00Z")), 3600);
	assert_int_equal(amsterdam_offset_seconds(parse_time("2027-07-15T12:00:00Z")), 7200);
}

static void test_local_to_utc_in_gap_and_overlap(void **state)
{
	(void)state;
	/* spring: 02:30 does not exist; it becomes 03:30 CEST */
	assert_int_equal(amsterdam_local_to_utc(2026, 3, 29, 150), parse_time("2026-03-29T01:30:00Z"));
	/* autumn: 02:30 happens twice; the first (CEST) is meant */
	assert_int_equal(amsterdam_local_to_utc(2026, 10, 25, 150), parse_time("2026-10-25T00:30:00Z"));
	assert_int_equal(amsterdam_local_to_utc(2026, 10, 25, 8 * 60 + 30), parse_time("2026-10-25T07:30:00Z"));
	assert_int_equal(amsterdam_local_to_utc(2026, 3, 29, 8 * 60 + 30), parse_time("2026-03-29T06:30:00Z"));
	assert_int_equal(amsterdam_local_to_utc(2026, 11, 28, 1440), parse_time("2026-11-28T23:00:00Z"));
	char text[RFC3339_BUFFER_SIZE];
	amsterdam_format_rfc3339(parse_time("2026-03-29T06:30:00Z"), text);
	assert_string_equal(text, "2026-03-29T08:30:00+02:00");
}

static void test_clock_parsing(void **state)
{
	(void)state;
	assert_int_equal(hours_parse_clock("08:30"), 510);
	assert_int_equal(hours_parse_clock("00:00"), 0);
	assert_int_equal(hours_parse_clock("24:00"), 1440);
	assert_int_equal(hours_parse_clock("24:01"), -1);
	assert_int_equal(hours_parse_clock("12:60"), -1);
	assert_int_equal(hours_parse_clock("8:30"), -1);
	assert_int_equal(hours_parse_clock("08-30"), -1);
	assert_int_equal(hours_parse_clock("aa:bb"), -1);
}

static const struct opening_hours daily_0830_2200 = {
	.kind = HOURS_WEEKLY, .intervals = {{HOURS_ALL_DAYS, 510, 1320}}, .interval_count = 1};

struct boundary_case {
	const char *at;
	enum channel_open_state state;
	const char *edge; /* closes_at when open, opens_at when closed */
};

static void check_boundaries(const struct boundary_case *cases, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		struct channel_state s = hours_state_at(&daily_0830_2200, parse_time(cases[i].at));
		if (s.state != cases[i].state)
			fail_msg("%s: state %d, expected %d", cases[i].at, s.state, cases[i].state);
		char text[RFC3339_BUFFER_SIZE];
		amsterdam_format_rfc3339(s.state == CHANNEL_STATE_OPEN ? s.closes_at : s.opens_at, text);
		if (strcmp(text, cases[i].edge) != 0)
			fail_msg("%s: edge %s, expected %s", cases[i].at, text, cases[i].edge);
	}
}

static void test_essm_hours_on_an_ordinary_day(void **state)
{
	(void)state;
	static const struct boundary_case cases[] = {
		{"2026-11-28T08:29:00+01:00", CHANNEL_STATE_CLOSED, "2026-11-28T08:30:00+01:00"},
		{"2026-11-28T08:29:59+01:00", CHANNEL_STATE_CLOSED, "2026-11-28T08:30:00+01:00"},
		{"2026-11-28T08:30:00+01:00", CHANNEL_STATE_OPEN, "2026-11-28T22:00:00+01:00"},
		{"2026-11-28T21:59:00+01:00", CHANNEL_STATE_OPEN, "2026-11-28T22:00:00+01:00"},
		{"2026-11-28T21:59:59+01:00", CHANNEL_STATE_OPEN, "2026-11-28T22:00:00+01:00"},
		{"2026-11-28T22:00:00+01:00", CHANNEL_STATE_CLOSED, "2026-11-29T08:30:00+01:00"},
		{"2026-11-28T23:59:59+01:00", CHANNEL_STATE_CLOSED, "2026-11-29T08:30:00+01:00"},
		{"2026-11-29T00:00:00+01:00", CHANNEL_STATE_CLOSED, "2026-11-29T08:30:00+01:00"},
		{"2026-12-31T22:30:00+01:00", CHANNEL_STATE_CLOSED, "2027-01-01T08:30:00+01:00"},
		{"2026-07-01T08:30:00+02:00", CHANNEL_STATE_OPEN, "2026-07-01T22:00:00+02:00"},
		{"2026-07-01T06:29:59Z", CHANNEL_STATE_CLOSED, "2026-07-01T08:30:00+02:00"},
	};
	check_boundaries(cases, sizeof cases / sizeof *cases);
}

static void test_essm_hours_on_daylight_saving_days_2026(void **state)
{
	(void)state;
	static const struct boundary_case cases[] = {
		/* the evening before summer time starts (Sunday 29 March 2026) */
		{"2026-03-28T22:00:00+01:00", CHANNEL_STATE_CLOSED, "2026-03-29T08:30:00+02:00"},
		{"2026-03-29T01:59:59+01:00", CHANNEL_STATE_CLOSED, "2026-03-29T08:30:00+02:00"},
		{"2026-03-29T03:00:00+02:00", CHANNEL_STATE_CLOSED, "2026-03-29T08:30:00+02:00"},
		{"2026-03-29T08:29:00+02:00", CHANNEL_STATE_CLOSED, "2026-03-29T08:30:00+02:00"},
		{"2026-03-29T08:30:00+02:00", CHANNEL_STATE_OPEN, "2026-03-29T22:00:00+02:00"},
		{"2026-03-29T07:30:00+01:00", CHANNEL_STATE_OPEN, "2026-03-29T22:00:00+02:00"},
		{"2026-03-29T21:59:00+02:00", CHANNEL_STATE_OPEN, "2026-03-29T22:00:00+02:00"},
		{"2026-03-29T22:00:00+02:00", CHANNEL_STATE_CLOSED, "2026-03-30T08:30:00+02:00"},
		/* winter time returns (Sunday 25 October 2026) */
		{"2026-10-24T22:00:00+02:00", CHANNEL_STATE_CLOSED, "2026-10-25T08:30:00+01:00"},
		{"2026-10-25T02:30:00+02:00", CHANNEL_STATE_CLOSED, "2026-10-25T08:30:00+01:00"},
		{"2026-10-25T02:30:00+01:00", CHANNEL_STATE_CLOSED, "2026-10-25T08:30:00+01:00"},
		{"2026-10-25T08:29:00+01:00", CHANNEL_STATE_CLOSED, "2026-10-25T08:30:00+01:00"},
		{"2026-10-25T08:30:00+01:00", CHANNEL_STATE_OPEN, "2026-10-25T22:00:00+01:00"},
		{"2026-10-25T08:30:00+02:00", CHANNEL_STATE_CLOSED, "2026-10-25T08:30:00+01:00"},
		{"2026-10-25T21:59:00+01:00", CHANNEL_STATE_OPEN, "2026-10-25T22:00:00+01:00"},
		{"2026-10-25T22:00:00+01:00", CHANNEL_STATE_CLOSED, "2026-10-26T08:30:00+01:00"},
	};
	check_boundaries(cases, sizeof cases / sizeof *cases);
}

static void test_always_unknown_and_weekday_hours(void **state)
{
	(void)state;
	struct opening_hours always = {.kind = HOURS_ALWAYS};
	struct opening_hours unknown = {.kind = HOURS_UNKNOWN};
	struct channel_state s = hours_state_at(&always, parse_time("2026-03-29T02:30:00+02:00"));
	assert_int_equal(s.state, CHANNEL_STATE_OPEN);
	assert_int_equal(s.closes_at, -1);
	assert_int_equal(s.opens_at, -1);
	s = hours_state_at(&unknown, parse_time("2026-11-28T12:00:00Z"));
	assert_int_equal(s.state, CHANNEL_STATE_UNKNOWN);
	assert_int_equal(s.opens_at, -1);
	/* Monday to Friday 09:00-17:00: on Friday evening the next opening is Monday */
	struct opening_hours office = {.kind = HOURS_WEEKLY, .intervals = {{0x1f, 540, 1020}}, .interval_count = 1};
	s = hours_state_at(&office, parse_time("2026-11-27T17:00:00+01:00"));
	assert_int_equal(s.state, CHANNEL_STATE_CLOSED);
	assert_int_equal(s.opens_at, parse_time("2026-11-30T09:00:00+01:00"));
	/* two intervals a day: between them, the second is next */
	struct opening_hours split = {.kind = HOURS_WEEKLY,
				      .intervals = {{HOURS_ALL_DAYS, 540, 720}, {HOURS_ALL_DAYS, 780, 1020}},
				      .interval_count = 2};
	s = hours_state_at(&split, parse_time("2026-11-28T12:30:00+01:00"));
	assert_int_equal(s.state, CHANNEL_STATE_CLOSED);
	assert_int_equal(s.opens_at, parse_time("2026-11-28T13:00:00+01:00"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc3339_accepts_and_rejects),
		cmocka_unit_test(test_civil_days_round_trip),
		cmocka_unit_test(test_amsterdam_offset_changes_on_eu_rule),
		cmocka_unit_test(test_local_to_utc_in_gap_and_overlap),
		cmocka_unit_test(test_clock_parsing),
		cmocka_unit_test(test_essm_hours_on_an_ordinary_day),
		cmocka_unit_test(test_essm_hours_on_daylight_saving_days_2026),
		cmocka_unit_test(test_always_unknown_and_weekday_hours),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
