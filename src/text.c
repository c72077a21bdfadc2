#include "text.h"

#include <stdio.h>

#include "hours.h"

/* Designated initialisers per id: an id added to the enum but not here has
 * no key, and text_check() (and test_text) fail on it. */
static const struct texts_need keys[T_COUNT] = {
	[T_REASON_112_ACUTE] = {"reason_112_acute", NULL},
	[T_REASON_112_LATER] = {"reason_112_later", NULL},
	[T_REASON_MMA_WANTED] = {"reason_mma_wanted", NULL},
	[T_REASON_MMA_OPTION] = {"reason_mma_option", NULL},
	[T_REASON_ESSM_ADVICE] = {"reason_essm_advice", NULL},
	[T_REASON_ESSM_REPORT] = {"reason_essm_report", NULL},
	[T_REASON_ESSM_OPTION] = {"reason_essm_option", NULL},
	[T_REASON_NLA_LABOUR] = {"reason_nla_labour", NULL},
	[T_REASON_POLITIE_MAIN] = {"reason_politie_main", NULL},
	[T_REASON_POLITIE_AFTER_ACUTE] = {"reason_politie_after_acute", NULL},
	[T_REASON_POLITIE_OPTION] = {"reason_politie_option", NULL},
	[T_REASON_OUTSIDE_REGION] = {"reason_outside_region", NULL},
	[T_REASON_VEILIGTHUIS_MINOR] = {"reason_veiligthuis_minor", NULL},
	[T_REASON_OTHER_CHANNEL] = {"reason_other_channel", NULL},
	[T_REASON_ESSM_SELF] = {"reason_essm_self", NULL},
	[T_REASON_NLA_SELF] = {"reason_nla_self", NULL},
	[T_REASON_POLITIE_SELF] = {"reason_politie_self", NULL},
	[T_REASON_VEILIGTHUIS_SELF] = {"reason_veiligthuis_self", NULL},
	[T_REASON_MMA_SELF] = {"reason_mma_self", NULL},
	[T_REASON_112_LATER_SELF] = {"reason_112_later_self", NULL},
	[T_REASON_VEILIGTHUIS_PROFESSIONAL] = {"reason_veiligthuis_professional", NULL},
	[T_REASON_MMA_PROFESSIONAL] = {"reason_mma_professional", NULL},
	[T_REASON_VEILIGTHUIS_AGE_UNKNOWN] = {"reason_veiligthuis_age_unknown", NULL},
	[T_STATE_ALWAYS] = {"state_always", NULL},
	[T_STATE_OPEN_UNTIL] = {"state_open_until", "{clock}"},
	[T_STATE_CLOSED_OPENS] = {"state_closed_opens", "{moment}"},
	[T_STATE_UNKNOWN] = {"state_unknown", NULL},
	[T_STATE_UNKNOWN_WITH_FORM] = {"state_unknown_with_form", NULL},
	[T_STATE_CLOSES_SOON] = {"state_closes_soon", "{minutes}{clock}"},
	[T_STATE_CLOSES_IN_A_MINUTE] = {"state_closes_in_a_minute", "{clock}"},
	[T_ALT_POLITIE_NOW] = {"alt_politie_now", "{phone}"},
	[T_ALT_POLITIE_AFTER] = {"alt_politie_after", "{phone}"},
	[T_ALT_VEILIGTHUIS] = {"alt_veiligthuis", "{phone}"},
	[T_ALT_VEILIGTHUIS_SELF] = {"alt_veiligthuis_self", "{phone}"},
	[T_ALT_VEILIGTHUIS_MINOR] = {"alt_veiligthuis_minor", "{phone}"},
	[T_ALT_MMA] = {"alt_mma", NULL},
	[T_ALT_112] = {"alt_112", NULL},
	[T_MOMENT_TODAY] = {"moment_today", "{clock}"},
	[T_MOMENT_TOMORROW] = {"moment_tomorrow", "{clock}"},
	[T_MOMENT_DATE] = {"moment_date", "{weekday}{day}{month}{clock}"},
	[T_LEVEL_REPORT] = {"level_report", NULL},
	[T_LEVEL_DISCUSS] = {"level_discuss", NULL},
	[T_LEVEL_WATCH] = {"level_watch", NULL},
	[T_LEVEL_NONE] = {"level_none", NULL},
	[T_BASIS_ILO_RULE] = {"basis_ilo_rule", NULL},
	[T_BASIS_MINOR_ACT] = {"basis_minor_act", NULL},
	[T_BASIS_MINOR_ACT_SEXUAL] = {"basis_minor_act_sexual", NULL},
	[T_BASIS_MINOR_ACT_CRIMINAL] = {"basis_minor_act_criminal", NULL},
	[T_BASIS_ADULT_EXPLOITATION] = {"basis_adult_exploitation", NULL},
	[T_BASIS_SERIOUS_SIGNS] = {"basis_serious_signs", NULL},
	[T_BASIS_MANY_CONCERNS] = {"basis_many_concerns", NULL},
	[T_BASIS_WEAK_SIGNS] = {"basis_weak_signs", NULL},
	[T_BASIS_CONCERN_ONLY] = {"basis_concern_only", NULL},
	[T_BASIS_NOTHING] = {"basis_nothing", NULL},
	[T_NEXT_REPORT] = {"next_report", NULL},
	[T_NEXT_DISCUSS] = {"next_discuss", NULL},
	[T_NEXT_WATCH] = {"next_watch", NULL},
	[T_NEXT_NONE] = {"next_none", NULL},
	[T_ASSESS_PROVISIONAL] = {"assess_provisional", NULL},
	[T_ASSESS_NOT_A_VERDICT] = {"assess_not_a_verdict", NULL},
	[T_ASSESS_UNKNOWN_INTRO] = {"assess_unknown_intro", NULL},
	[T_ASSESS_AGE_UNKNOWN] = {"assess_age_unknown", NULL},
	[T_ASSESS_SEVERAL_FORMS] = {"assess_several_forms", NULL},
	[T_UNKNOWN_DECEPTIVE_RECRUITMENT] = {"unknown_deceptive_recruitment", NULL},
	[T_UNKNOWN_COERCIVE_RECRUITMENT] = {"unknown_coercive_recruitment", NULL},
	[T_UNKNOWN_RECRUITMENT_VULNERABILITY] = {"unknown_recruitment_vulnerability", NULL},
	[T_UNKNOWN_EXPLOITATIVE_CONDITIONS] = {"unknown_exploitative_conditions", NULL},
	[T_UNKNOWN_COERCION] = {"unknown_coercion", NULL},
	[T_UNKNOWN_VULNERABILITY_AT_DESTINATION] = {"unknown_vulnerability_at_destination", NULL},
	[T_UNKNOWN_SEXUAL_ACT] = {"unknown_sexual_act", NULL},
	[T_UNKNOWN_CRIMINAL_ACT] = {"unknown_criminal_act", NULL},
	[T_FORM_SEXUAL] = {"form_name_sexual", NULL},
	[T_FORM_LABOUR] = {"form_name_labour", NULL},
	[T_FORM_CRIMINAL] = {"form_name_criminal", NULL},
};

/* Weekdays (Monday first, as struct civil_time counts them) and months: the
 * website's own words for them, so that both say the same. */
static const struct texts_need calendar_keys[] = {
	{"day_mon", NULL},  {"day_tue", NULL},  {"day_wed", NULL},   {"day_thu", NULL},   {"day_fri", NULL},
	{"day_sat", NULL},  {"day_sun", NULL},  {"month_1", NULL},   {"month_2", NULL},   {"month_3", NULL},
	{"month_4", NULL},  {"month_5", NULL},  {"month_6", NULL},   {"month_7", NULL},   {"month_8", NULL},
	{"month_9", NULL},  {"month_10", NULL}, {"month_11", NULL},  {"month_12", NULL},
};
#define CALENDAR_MONTHS 7 /* index of month_1 in calendar_keys */

const struct texts_need *text_need(enum text_id id)
{
	return &keys[id];
}

int text_check(const struct texts *texts, char *error, size_t error_size)
{
	for (int id = 0; id < T_COUNT; id++) {
		if (!keys[id].key) {
			snprintf(error, error_size, "text id %d has no key in text.c", id);
			return -1;
		}
	}
	if (texts_require(texts, keys, T_COUNT, error, error_size) ||
	    texts_require(texts, calendar_keys, sizeof calendar_keys / sizeof *calendar_keys, error, error_size))
		return -1;
	return 0;
}

const char *text_get(const struct texts *texts, enum text_id id, enum kb_lang lang)
{
	return texts_get(texts, lang, keys[id].key);
}

const char *text_form_name(const struct texts *texts, enum kb_form form, enum kb_lang lang)
{
	static const enum text_id ids[KB_FORM_COUNT] = {T_FORM_SEXUAL, T_FORM_LABOUR, T_FORM_CRIMINAL};
	return text_get(texts, ids[form], lang);
}

const char *text_level(const struct texts *texts, enum assess_level level, enum kb_lang lang)
{
	static const enum text_id ids[] = {T_LEVEL_NONE, T_LEVEL_WATCH, T_LEVEL_DISCUSS, T_LEVEL_REPORT};
	return text_get(texts, ids[level], lang);
}

const char *text_basis(const struct texts *texts, enum assess_basis basis, enum kb_form form, enum kb_lang lang)
{
	if (basis == ASSESS_BASIS_MINOR_ACT && form == KB_FORM_SEXUAL)
		return text_get(texts, T_BASIS_MINOR_ACT_SEXUAL, lang);
	if (basis == ASSESS_BASIS_MINOR_ACT && form == KB_FORM_CRIMINAL)
		return text_get(texts, T_BASIS_MINOR_ACT_CRIMINAL, lang);
	static const enum text_id ids[] = {T_BASIS_NOTHING,	     T_BASIS_CONCERN_ONLY, T_BASIS_WEAK_SIGNS,
					   T_BASIS_SERIOUS_SIGNS,    T_BASIS_MANY_CONCERNS, T_BASIS_ADULT_EXPLOITATION,
					   T_BASIS_MINOR_ACT,	     T_BASIS_ILO_RULE};
	return text_get(texts, ids[basis], lang);
}

const char *text_next_step(const struct texts *texts, enum assess_level level, enum kb_lang lang)
{
	static const enum text_id ids[] = {T_NEXT_NONE, T_NEXT_WATCH, T_NEXT_DISCUSS, T_NEXT_REPORT};
	return text_get(texts, ids[level], lang);
}

const char *text_unknown_dimension(const struct texts *texts, enum kb_dimension dimension, enum kb_form form,
				   enum kb_lang lang)
{
	if (dimension == KB_DIMENSION_EXPLOITATIVE_CONDITIONS && form == KB_FORM_SEXUAL)
		return text_get(texts, T_UNKNOWN_SEXUAL_ACT, lang);
	if (dimension == KB_DIMENSION_EXPLOITATIVE_CONDITIONS && form == KB_FORM_CRIMINAL)
		return text_get(texts, T_UNKNOWN_CRIMINAL_ACT, lang);
	static const enum text_id ids[KB_DIMENSION_COUNT] = {
		T_UNKNOWN_DECEPTIVE_RECRUITMENT,   T_UNKNOWN_COERCIVE_RECRUITMENT, T_UNKNOWN_RECRUITMENT_VULNERABILITY,
		T_UNKNOWN_EXPLOITATIVE_CONDITIONS, T_UNKNOWN_COERCION,		   T_UNKNOWN_VULNERABILITY_AT_DESTINATION,
	};
	return text_get(texts, ids[dimension], lang);
}

void text_clock(int64_t when, char *out, size_t size)
{
	struct civil_time t;
	amsterdam_civil(when, &t);
	snprintf(out, size, "%02d:%02d", t.hour, t.minute);
}

void text_moment(const struct texts *texts, int64_t now, int64_t when, enum kb_lang lang, char *out, size_t size)
{
	struct civil_time today, day;
	char clock[8], date[12];
	amsterdam_civil(now, &today);
	amsterdam_civil(when, &day);
	text_clock(when, clock, sizeof clock);
	int64_t day_difference = days_from_civil(day.year, day.month, day.day) -
				 days_from_civil(today.year, today.month, today.day);
	/* a phrase cut to fit is still a phrase; callers size `out` for the longest one */
	if (day_difference == 0) {
		(void)texts_fill(out, size, text_get(texts, T_MOMENT_TODAY, lang), "{clock}", clock, (char *)NULL);
	} else if (day_difference == 1) {
		(void)texts_fill(out, size, text_get(texts, T_MOMENT_TOMORROW, lang), "{clock}", clock, (char *)NULL);
	} else {
		snprintf(date, sizeof date, "%d", day.day);
		(void)texts_fill(out, size, text_get(texts, T_MOMENT_DATE, lang), "{weekday}",
				 texts_get(texts, lang, calendar_keys[day.weekday].key), "{day}", date, "{month}",
				 texts_get(texts, lang, calendar_keys[CALENDAR_MONTHS + day.month - 1].key), "{clock}", clock,
				 (char *)NULL);
	}
}
