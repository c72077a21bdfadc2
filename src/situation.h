/*
 * situation: reads the JSON that describes someone's situation (the input of
 * route) and the input of assess, and checks it strictly against the contract
 * in README.md: unknown keys, wrong types, unknown values or signal ids and
 * impossible times are errors whose message names the field.
 *
 * Pure apart from the JSON parser; the caller caps the input size.
 */
#ifndef MELDWIJZER_SITUATION_H
#define MELDWIJZER_SITUATION_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kb.h"

#define SITUATION_MAX_SIGNALS 256
#define SITUATION_ERROR_SIZE 300

enum situation_region { REGION_ROTTERDAM, REGION_OTHER };

struct situation {
	bool acute_danger;
	unsigned forms;            /* bit (1 << kb_form) */
	bool form_unknown;         /* "unknown" was among the forms */
	bool wants_advice;
	bool report_victim;
	bool wants_anonymity;
	enum kb_age age;           /* "minor": true, false or "unknown" */
	bool works_with_children;  /* a teacher or youth worker: the meldcode applies */
	bool about_self;           /* the person asks about their own situation */
	enum situation_region region;
	size_t signals[SITUATION_MAX_SIGNALS]; /* indexes into kb.signals, without repeats */
	size_t signal_count;
	bool has_time;             /* false: "now" */
	int64_t at;
	enum kb_lang lang;
};

struct assess_request {
	size_t signals[SITUATION_MAX_SIGNALS];
	size_t signal_count;
	enum kb_age age;
	unsigned forms;            /* the forms the person asks about: bit (1 << kb_form) */
	enum kb_lang lang;
};

/* Treat the person as possibly under 18 (minor or age unknown). */
static inline bool situation_possibly_minor(enum kb_age age)
{
	return age != KB_AGE_ADULT;
}

/* The situation with every key absent: false, empty, now, rotterdam, nl. */
void situation_init(struct situation *situation);

/* Both return 0, or -1 with a message in `error` (for exit code 2 / HTTP 400). */
__attribute__((warn_unused_result)) int situation_from_json(const struct kb *kb, const char *text, size_t len,
							    struct situation *out, char error[SITUATION_ERROR_SIZE]);
/* As situation_from_json, for an object that is already parsed (a part of a
 * larger input: a report's forms and signals). */
__attribute__((warn_unused_result)) int situation_from_object(const struct kb *kb, json_t *object,
							      struct situation *out, char error[SITUATION_ERROR_SIZE]);
__attribute__((warn_unused_result)) int assess_request_from_json(const struct kb *kb, const char *text, size_t len,
								 struct assess_request *out,
								 char error[SITUATION_ERROR_SIZE]);

#endif
