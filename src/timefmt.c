#include "timefmt.h"

#include <stdio.h>

static bool is_leap_year(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int days_in_month(int year, int month)
{
	static const int lengths[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (month == 2 && is_leap_year(year))
		return 29;
	return lengths[month - 1];
}

/* Counts days in 400-year eras that start on March 1st, so that the leap day
 * falls at the end of a year and every era has the same length (146097 days). */
int64_t days_from_civil(int year, int month, int day)
{
	int64_t y = year - (month <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t year_of_era = y - era * 400;
	int64_t month_from_march = month > 2 ? month - 3 : month + 9;
	int64_t day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
	int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
	return era * 146097 + day_of_era - 719468;
}

void civil_from_days(int64_t days, struct civil_time *out)
{
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t day_of_era = z - era * 146097;
	int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
	int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
	int64_t month_from_march = (5 * day_of_year + 2) / 153;
	out->day = (int)(day_of_year - (153 * month_from_march + 2) / 5 + 1);
	out->month = (int)(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
	out->year = (int)(year_of_era + era * 400 + (out->month <= 2));
	/* 1970-01-01 was a Thursday (ISO weekday index 3). */
	int64_t weekday = (days + 3) % 7;
	out->weekday = (int)(weekday < 0 ? weekday + 7 : weekday);
}

void civil_from_time(int64_t utc, int offset_seconds, struct civil_time *out)
{
	int64_t local = utc + offset_seconds;
	int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
	int64_t seconds_of_day = local - days * 86400;
	civil_from_days(days, out);
	out->hour = (int)(seconds_of_day / 3600);
	out->minute = (int)(seconds_of_day / 60 % 60);
	out->second = (int)(seconds_of_day % 60);
}

static bool read_digits(const char *text, size_t len, size_t *pos, size_t count, int *value)
{
	int result = 0;
	for (size_t i = 0; i < count; i++) {
		if (*pos >= len || text[*pos] < '0' || text[*pos] > '9')
			return false;
		result = result * 10 + (text[*pos] - '0');
		(*pos)++;
	}
	*value = result;
	return true;
}

static bool expect_char(const char *text, size_t len, size_t *pos, const char *choices)
{
	if (*pos >= len)
		return false;
	for (const char *c = choices; *c; c++) {
		if (text[*pos] == *c) {
			(*pos)++;
			return true;
		}
	}
	return false;
}

bool rfc3339_parse(const char *text, size_t len, int64_t *utc_out)
{
	size_t pos = 0;
	int year, month, day, hour, minute, second;
	if (!read_digits(text, len, &pos, 4, &year) || !expect_char(text, len, &pos, "-") ||
	    !read_digits(text, len, &pos, 2, &month) || !expect_char(text, len, &pos, "-") ||
	    !read_digits(text, len, &pos, 2, &day) || !expect_char(text, len, &pos, "Tt ") ||
	    !read_digits(text, len, &pos, 2, &hour) || !expect_char(text, len, &pos, ":") ||
	    !read_digits(text, len, &pos, 2, &minute) || !expect_char(text, len, &pos, ":") ||
	    !read_digits(text, len, &pos, 2, &second))
		return false;
	if (pos < len && text[pos] == '.') {
		pos++;
		size_t first_digit = pos;
		while (pos < len && text[pos] >= '0' && text[pos] <= '9' && pos - first_digit < 9)
			pos++;
		if (pos == first_digit)
			return false;
	}
	int offset_seconds = 0;
	if (expect_char(text, len, &pos, "Zz")) {
		offset_seconds = 0;
	} else if (pos < len && (text[pos] == '+' || text[pos] == '-')) {
		int sign = text[pos] == '-' ? -1 : 1;
		int offset_hours, offset_minutes;
		pos++;
		if (!read_digits(text, len, &pos, 2, &offset_hours) || !expect_char(text, len, &pos, ":") ||
		    !read_digits(text, len, &pos, 2, &offset_minutes))
			return false;
		if (offset_hours > 23 || offset_minutes > 59)
			return false;
		offset_seconds = sign * (offset_hours * 3600 + offset_minutes * 60);
	} else {
		return false;
	}
	if (pos != len)
		return false;
	if (year < 1970 || month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) ||
	    hour > 23 || minute > 59 || second > 59)
		return false;
	int64_t utc = days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second -
		      offset_seconds;
	if (utc < 0)
		return false;
	*utc_out = utc;
	return true;
}

void rfc3339_format(int64_t utc, int offset_seconds, char out[RFC3339_BUFFER_SIZE])
{
	struct civil_time t;
	civil_from_time(utc, offset_seconds, &t);
	int magnitude = offset_seconds < 0 ? -offset_seconds : offset_seconds;
	snprintf(out, RFC3339_BUFFER_SIZE, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", t.year, t.month, t.day,
		 t.hour, t.minute, t.second, offset_seconds < 0 ? '-' : '+', magnitude / 3600,
		 magnitude / 60 % 60);
}
