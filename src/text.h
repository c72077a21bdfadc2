/*
 * text: the user-facing sentences of the command line and the routing
 * reasons, in Dutch (the source language, B1) and English.
 *
 * Kept as one table so that every sentence exists in both languages (a
 * missing translation is a compile error, see text.c) and so that the
 * command line and the website say exactly the same thing.
 */
#ifndef MELDWIJZER_TEXT_H
#define MELDWIJZER_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include "assess.h"
#include "kb.h"

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
	T_STATE_OPEN_UNTIL,        /* %s = closing clock time */
	T_STATE_CLOSED_OPENS,      /* %s = moment phrase */
	T_STATE_UNKNOWN,
	T_STATE_UNKNOWN_WITH_FORM,
	T_STATE_CLOSES_SOON,       /* %d minutes left, %s = closing clock time */
	T_STATE_CLOSES_IN_A_MINUTE, /* %s = closing clock time */
	/* what to do while a channel is closed, or after it closes */
	T_ALT_POLITIE_NOW,         /* %s = the police's number */
	T_ALT_POLITIE_AFTER,       /* %s = the police's number */
	T_ALT_VEILIGTHUIS,         /* %s = Veilig Thuis's number */
	T_ALT_VEILIGTHUIS_SELF,    /* %s = Veilig Thuis's number */
	T_ALT_VEILIGTHUIS_MINOR,   /* %s = Veilig Thuis's number; the person is known to be under 18 */
	T_ALT_MMA,
	T_ALT_112,
	/* moments */
	T_MOMENT_TODAY,            /* %s = clock time */
	T_MOMENT_TOMORROW,         /* %s = clock time */
	T_MOMENT_DATE,             /* %s weekday, %d day, %s month, %s clock time */
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

const char *text_get(enum text_id id, enum kb_lang lang);
const char *text_form_name(enum kb_form form, enum kb_lang lang);
/* The weighing in words (see assess.h): the level as an action ("Reason to
 * report."), why, what to do now, and what is not known for one dimension. */
const char *text_level(enum assess_level level, enum kb_lang lang);
/* `form` KB_FORM_COUNT: a combined answer for several forms. */
const char *text_basis(enum assess_basis basis, enum kb_form form, enum kb_lang lang);
const char *text_next_step(enum assess_level level, enum kb_lang lang);
/* What is not known for one dimension of one form; for sexual and criminal
 * exploitation the exploitation is the act itself, not "work, pay and housing". */
const char *text_unknown_dimension(enum kb_dimension dimension, enum kb_form form, enum kb_lang lang);

/* "today at 08:30", "tomorrow at 08:30" or "on Saturday 28 November at 08:30",
 * all in Amsterdam time, relative to `now`. */
void text_moment(int64_t now, int64_t when, enum kb_lang lang, char *out, size_t size);
/* "22:00": the Amsterdam wall-clock time. */
void text_clock(int64_t when, char *out, size_t size);

#endif
