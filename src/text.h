/*
 * text: which sentence the routing reasons and the weighing use (level,
 * basis, next step, what is not known), shared by the command line and the
 * website so that both say exactly the same thing.
 *
 * The sentences themselves live in web/strings.json (see texts.h), one key
 * per enum text_id with a Dutch (source, B1) and an English text; this
 * module maps ids to keys and fills in times. Call text_check() once after
 * loading the texts: it fails when a key or one of its marks is missing in a
 * language, so that nothing is found missing while a person is waiting.
 *
 * Pure: no globals, no locale; `texts` is only read, so every function may
 * be called from many threads at once. Returned strings are borrowed from
 * `texts`.
 */
#ifndef MELDWIJZER_TEXT_H
#define MELDWIJZER_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "assess.h"
#include "kb.h"
#include "texts.h"

enum text_id {
	/* routing reasons: the lead sentence */
	T_REASON_112_ACUTE,
	T_REASON_112_LATER,
	T_REASON_MMA_WANTED,
	T_REASON_MMA_OPTION,
	T_REASON_ESSM_ADVICE,
	T_REASON_ESSM_REPORT,
	T_REASON_ESSM_OPTION,
	T_REASON_NLA_LABOUR,
	T_REASON_POLITIE_MAIN,
	T_REASON_POLITIE_AFTER_ACUTE,
	T_REASON_POLITIE_OPTION,
	T_REASON_OUTSIDE_REGION,
	T_REASON_VEILIGTHUIS_MINOR,
	T_REASON_OTHER_CHANNEL,
	/* the person asks about their own situation */
	T_REASON_ESSM_SELF,
	T_REASON_NLA_SELF,
	T_REASON_POLITIE_SELF,
	T_REASON_VEILIGTHUIS_SELF,
	T_REASON_MMA_SELF,
	T_REASON_112_LATER_SELF,
	/* a professional who works with children (meldcode) */
	T_REASON_VEILIGTHUIS_PROFESSIONAL,
	T_REASON_MMA_PROFESSIONAL,
	/* the age is not known */
	T_REASON_VEILIGTHUIS_AGE_UNKNOWN,
	/* routing reasons: the state sentence */
	T_STATE_ALWAYS,
	T_STATE_OPEN_UNTIL,        /* {clock}: closing clock time */
	T_STATE_CLOSED_OPENS,      /* {moment}: text_moment() */
	T_STATE_UNKNOWN,
	T_STATE_UNKNOWN_WITH_FORM,
	T_STATE_CLOSES_SOON,       /* {minutes} left, {clock}: closing clock time */
	T_STATE_CLOSES_IN_A_MINUTE, /* {clock}: closing clock time */
	/* what to do while a channel is closed, or after it closes */
	T_ALT_POLITIE_NOW,         /* {phone}: the police's number */
	T_ALT_POLITIE_AFTER,       /* {phone}: the police's number */
	T_ALT_VEILIGTHUIS,         /* {phone}: Veilig Thuis's number */
	T_ALT_VEILIGTHUIS_SELF,    /* {phone}: Veilig Thuis's number */
	T_ALT_VEILIGTHUIS_MINOR,   /* {phone}: Veilig Thuis's number; the person is known to be under 18 */
	T_ALT_MMA,
	T_ALT_112,
	/* moments */
	T_MOMENT_TODAY,            /* {clock} */
	T_MOMENT_TOMORROW,         /* {clock} */
	T_MOMENT_DATE,             /* {weekday} {day} {month} {clock} */
	/* the weighing: the level as an action, why, and what to do now */
	T_LEVEL_REPORT,
	T_LEVEL_DISCUSS,
	T_LEVEL_WATCH,
	T_LEVEL_NONE,
	T_BASIS_ILO_RULE,
	T_BASIS_MINOR_ACT,         /* a combined answer for several forms */
	T_BASIS_MINOR_ACT_SEXUAL,
	T_BASIS_MINOR_ACT_CRIMINAL,
	T_BASIS_ADULT_EXPLOITATION,
	T_BASIS_SERIOUS_SIGNS,
	T_BASIS_MANY_CONCERNS,
	T_BASIS_WEAK_SIGNS,
	T_BASIS_CONCERN_ONLY,
	T_BASIS_NOTHING,
	T_NEXT_REPORT,
	T_NEXT_DISCUSS,
	T_NEXT_WATCH,
	T_NEXT_NONE,
	T_ASSESS_PROVISIONAL,
	T_ASSESS_NOT_A_VERDICT,
	T_ASSESS_UNKNOWN_INTRO,
	T_ASSESS_AGE_UNKNOWN,
	T_ASSESS_SEVERAL_FORMS,
	/* what is not known yet, per dimension */
	T_UNKNOWN_DECEPTIVE_RECRUITMENT,
	T_UNKNOWN_COERCIVE_RECRUITMENT,
	T_UNKNOWN_RECRUITMENT_VULNERABILITY,
	T_UNKNOWN_EXPLOITATIVE_CONDITIONS,
	T_UNKNOWN_COERCION,
	T_UNKNOWN_VULNERABILITY_AT_DESTINATION,
	T_UNKNOWN_SEXUAL_ACT,      /* the exploitation of sexual exploitation is the act itself */
	T_UNKNOWN_CRIMINAL_ACT,
	/* forms of exploitation */
	T_FORM_SEXUAL,
	T_FORM_LABOUR,
	T_FORM_CRIMINAL,
	T_COUNT
};

/* The key of `id` in web/strings.json, and the marks its texts hold. */
const struct texts_need *text_need(enum text_id id);
/* Every key this module uses, with its marks, in both languages; call once
 * after texts_load(). 0, or -1 with the first gap in `error`. */
int text_check(const struct texts *texts, char *error, size_t error_size);

const char *text_get(const struct texts *texts, enum text_id id, enum kb_lang lang);
const char *text_form_name(const struct texts *texts, enum kb_form form, enum kb_lang lang);
/* The weighing in words (see assess.h): the level as an action ("Reason to
 * report."), why, what to do now, and what is not known for one dimension. */
const char *text_level(const struct texts *texts, enum assess_level level, enum kb_lang lang);
/* `form` KB_FORM_COUNT: a combined answer for several forms. */
const char *text_basis(const struct texts *texts, enum assess_basis basis, enum kb_form form, enum kb_lang lang);
const char *text_next_step(const struct texts *texts, enum assess_level level, enum kb_lang lang);
/* What is not known for one dimension of one form; for sexual and criminal
 * exploitation the exploitation is the act itself, not "work, pay and housing". */
const char *text_unknown_dimension(const struct texts *texts, enum kb_dimension dimension, enum kb_form form,
				   enum kb_lang lang);

/* "today at 08:30", "tomorrow at 08:30" or "on Saturday 28 November at 08:30",
 * all in Amsterdam time, relative to `now` (cut to fit `size`). */
void text_moment(const struct texts *texts, int64_t now, int64_t when, enum kb_lang lang, char *out, size_t size);
/* "22:00": the Amsterdam wall-clock time. */
void text_clock(int64_t when, char *out, size_t size);

#endif
