#include "hours.h"

#include <string.h>

static int64_t last_sunday_days(int year, int month)
{
	int last_day = days_in_month(year, month);
	int64_t days = days_from_civil(year, month, last_day);
	struct civil_time t;
	civil_from_days(days, &t);
	return days - ((t.weekday - 6 + 7) % 7);
}

int amsterdam_offset_seconds(int64_t utc)
{
	struct civil_time t;
	civil_from_time(utc, 0, &t);
	int64_t summer_starts = last_sunday_days(t.year, 3) * 86400 + 3600;
	int64_t summer_ends = last_sunday_days(t.year, 10) * 86400 + 3600;
	return utc >= summer_starts && utc < summer_ends ? 7200 : 3600;
}

void amsterdam_civil(int64_t utc, struct civil_time *out)
{
	civil_from_time(utc, amsterdam_offset_seconds(utc), out);
}

int64_t amsterdam_local_to_utc(int year, int month, int day, int minute_of_day)
{
	int64_t local = days_from_civil(year, month, day) * 86400 + (int64_t)minute_of_day * 60;
	/* Summer time is tried first: in the autumn hour that the clock repeats,
	 * both readings are consistent and the earlier (summer) one is meant. */
	int64_t as_summer = local - 7200;
	if (amsterdam_offset_seconds(as_summer) == 7200)
		return as_summer;
	int64_t as_winter = local - 3600;
	if (amsterdam_offset_seconds(as_winter) == 3600)
		return as_winter;
	/* In the spring gap neither reading is consistent: the clock jumps
	 * from 02:00 to 03:00, so 02:30 "happens" at 03:30 summer time. */
	return as_winter;
}

void amsterdam_format_rfc3339(int64_t utc, char out[RFC3339_BUFFER_SIZE])
{
	rfc3339_format(utc, amsterdam_offset_seconds(utc), out);
}

int hours_parse_clock(const char *text)
{
	if (strlen(text) != 5 || text[2] != ':')
		return -1;
	for (int i = 0; i < 5; i++) {
		if (i != 2 && (text[i] < '0' || text[i] > '9'))
			return -1;
	}
	int hour = (text[0] - '0') * 10 + (text[1] - '0');
	int minute = (text[3] - '0') * 10 + (text[4] - '0');
	if (minute > 59 || hour > 24 || (hour == 24 && minute != 0))
		return -1;
	return hour * 60 + minute;
}

struct channel_state hours_state_at(const struct opening_hours *hours, int64_t utc)
{
	struct channel_state result = {CHANNEL_STATE_UNKNOWN, -1, -1};
	if (hours->kind == HOURS_ALWAYS) {
		result.state = CHANNEL_STATE_OPEN;
		return result;
	}
	if (hours->kind != HOURS_WEEKLY || hours->interval_count == 0)
		return result;

	struct civil_time today;
	amsterdam_civil(utc, &today);
	int64_t today_days = days_from_civil(today.year, today.month, today.day);
	int64_t next_opening = -1;
	/* Yesterday's interval could still be open only if it ran past midnight,
	 * which intervals cannot; eight days ahead covers every weekly pattern. */
	for (int64_t offset = 0; offset <= 7; offset++) {
		struct civil_time day;
		civil_from_days(today_days + offset, &day);
		for (size_t i = 0; i < hours->interval_count; i++) {
			const struct hours_interval *interval = &hours->intervals[i];
			if (!(interval->days & (1u << day.weekday)))
				continue;
			int64_t opens = amsterdam_local_to_utc(day.year, day.month, day.day, interval->open_minute);
			int64_t closes = amsterdam_local_to_utc(day.year, day.month, day.day, interval->close_minute);
			if (opens <= utc && utc < closes) {
				result.state = CHANNEL_STATE_OPEN;
				result.closes_at = closes;
				return result;
			}
			if (opens > utc && (next_opening < 0 || opens < next_opening))
				next_opening = opens;
		}
		if (next_opening >= 0)
			break; /* later days only open later */
	}
	result.state = CHANNEL_STATE_CLOSED;
	result.opens_at = next_opening;
	return result;
}
