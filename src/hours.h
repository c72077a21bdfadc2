/*
 * hours: opening hours in Europe/Amsterdam time, and whether a channel is
 * open at a given moment.
 *
 * The zone rule is written out instead of read from the machine's tz
 * database: since 1996 the Netherlands follow the EU summer-time rule
 * (Directive 2000/84/EC): CEST (UTC+2) from the last Sunday of March 01:00 UTC
 * to the last Sunday of October 01:00 UTC, CET (UTC+1) otherwise. That keeps
 * the module pure (no TZ, no files) and gives the same answer on every machine.
 * Times before 1996 are computed with the same rule.
 */
#ifndef MELDWIJZER_HOURS_H
#define MELDWIJZER_HOURS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "timefmt.h"

#define HOURS_MAX_INTERVALS 14
#define HOURS_ALL_DAYS 0x7fu

enum hours_kind {
	HOURS_UNKNOWN = 0, /* no source states the hours: never guessed */
	HOURS_ALWAYS,      /* day and night, every day */
	HOURS_WEEKLY,      /* the intervals below, in Amsterdam local time */
};

struct hours_interval {
	unsigned days;     /* bit 0 = Monday ... bit 6 = Sunday */
	int open_minute;   /* minutes after local midnight, 0..1439 */
	int close_minute;  /* open_minute < close_minute <= 1440 (24:00) */
};

struct opening_hours {
	enum hours_kind kind;
	struct hours_interval intervals[HOURS_MAX_INTERVALS];
	size_t interval_count;
};

enum channel_open_state {
	CHANNEL_STATE_UNKNOWN = 0,
	CHANNEL_STATE_OPEN,
	CHANNEL_STATE_CLOSED,
};

struct channel_state {
	enum channel_open_state state;
	int64_t opens_at;   /* when CLOSED: the next opening; otherwise -1 */
	int64_t closes_at;  /* when OPEN with an end: the closing time; otherwise -1 */
};

/* UTC offset of Europe/Amsterdam at a UTC time: 3600 or 7200 seconds. */
int amsterdam_offset_seconds(int64_t utc);
/* Local Amsterdam calendar fields for a UTC time. */
void amsterdam_civil(int64_t utc, struct civil_time *out);
/* UTC time of a local Amsterdam wall-clock moment (minute may be 1440 = next
 * midnight). A moment inside the spring-forward gap maps to the time an hour
 * later on the clock, as clocks do; an ambiguous autumn moment to the first. */
int64_t amsterdam_local_to_utc(int year, int month, int day, int minute_of_day);
/* Formats a UTC time as RFC 3339 with Amsterdam's offset at that time. */
void amsterdam_format_rfc3339(int64_t utc, char out[RFC3339_BUFFER_SIZE]);

/* The state of a channel with these hours at a UTC time. */
struct channel_state hours_state_at(const struct opening_hours *hours, int64_t utc);

/* Parses "HH:MM" (00:00-24:00) into minutes after midnight; -1 if malformed. */
int hours_parse_clock(const char *text);

#endif
