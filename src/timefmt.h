/*
 * timefmt: calendar arithmetic and RFC 3339 times, without the C library's
 * time-zone state (so results never depend on TZ or the machine's locale).
 *
 * Times are int64_t seconds since 1970-01-01T00:00:00Z (leap seconds ignored,
 * as POSIX does). Supported years: 1970 to 9999.
 */
#ifndef MELDWIJZER_TIMEFMT_H
#define MELDWIJZER_TIMEFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct civil_time {
	int year, month, day;       /* month 1-12, day 1-31 */
	int hour, minute, second;
	int weekday;                /* 0 = Monday ... 6 = Sunday (ISO 8601) */
};

#define RFC3339_BUFFER_SIZE 32

/* Days since 1970-01-01 for a proleptic Gregorian date. */
int64_t days_from_civil(int year, int month, int day);
/* The date and weekday of a day number from days_from_civil(). */
void civil_from_days(int64_t days, struct civil_time *out);
int days_in_month(int year, int month);
/* Splits a UTC time (plus an offset in seconds) into calendar fields. */
void civil_from_time(int64_t utc, int offset_seconds, struct civil_time *out);

/* Parses "YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)" (RFC 3339 section 5.6;
 * 't'/'z' and a space separator are accepted as the RFC allows). Returns false
 * for anything else, including impossible dates and times and leap second 60. */
bool rfc3339_parse(const char *text, size_t len, int64_t *utc_out);
/* Writes the time as RFC 3339 with the given offset, e.g. "2026-03-29T08:30:00+02:00". */
void rfc3339_format(int64_t utc, int offset_seconds, char out[RFC3339_BUFFER_SIZE]);

#endif
