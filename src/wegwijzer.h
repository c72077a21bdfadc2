/*
 * wegwijzer: the interactive guide in a terminal, and the words the command
 * line shares with it.
 *
 * The guide asks the leaflet's questions one at a time (acute danger first,
 * with examples; who it is about: someone else, a child or young person known
 * through work, or oneself), shows whom to contact (with numbers, hours and
 * reasons), and optionally walks through one list of signals (each signal
 * once) and shows the weighing in plain words: the level as an action, why,
 * whether it is provisional, what is not known yet. Never a verdict.
 *
 * Works on a terminal and on plain stdin (scriptable): one answer per line.
 * End of input or Ctrl-C ends it cleanly.
 *
 * Every sentence comes from `texts` (web/strings.json: the guide's own keys
 * start with "cli_", the weighing's are text.c's), in the language given,
 * never from the machine's locale. Call wegwijzer_check() once after
 * loading the texts. `texts` and `kb` are only read.
 */
#ifndef MELDWIJZER_WEGWIJZER_H
#define MELDWIJZER_WEGWIJZER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "assess.h"
#include "kb.h"
#include "texts.h"

/* Every key this module uses, with its marks, in both languages. 0, or -1
 * with the first gap in `error`. */
int wegwijzer_check(const struct texts *texts, char *error, size_t error_size);

/* Returns 0 when the guide ended (also by end of input or Ctrl-C), 1 when output failed. */
int wegwijzer_run(const struct kb *kb, const struct texts *texts, FILE *in, FILE *out, enum kb_lang lang,
		  int64_t now);

/* How the weighing is printed. */
struct wegwijzer_view {
	enum kb_lang lang;
	bool about_self;  /* speak to "you": the person asks about their own situation */
	bool details;     /* add the numbers per dimension in words */
};

/* The weighing in words, the same in `assess`, `route` and the guide: per
 * relevant form the level (text_level), why (text_basis), "voorlopige weging"
 * for provisional forms, what is not known yet that matters for the action,
 * then the concern signals and the next step (text_next_step), optionally the
 * numbers per dimension, and that it is not a verdict. `signal_count` is the
 * number of signals weighed (0: says that none were chosen). */
void wegwijzer_print_assessment(FILE *out, const struct kb *kb, const struct texts *texts,
				const struct assess_result *result, size_t signal_count, const struct wegwijzer_view *view);

/* For `signals`: the signal's weights in `form` in words ("strong indication of
 * force, threats or violence now (adult and under 18)"), whether it describes
 * the exploitation act, whom it describes, and its sources. */
void wegwijzer_print_signal_detail(FILE *out, const struct kb *kb, const struct texts *texts,
				   const struct kb_signal *signal, enum kb_form form, enum kb_lang lang);

/* For `assess`: every channel with its number and online form, under a heading
 * (the next-step sentence points to "the organisations below"). */
void wegwijzer_print_channel_directory(FILE *out, const struct kb *kb, const struct texts *texts, enum kb_lang lang);

/* "What you can do:" before a list of channels. */
void wegwijzer_print_result_heading(FILE *out, const struct texts *texts, enum kb_lang lang);

/* "Sexual exploitation" with a capital, into `out`. */
void wegwijzer_form_title(const struct texts *texts, enum kb_form form, enum kb_lang lang, char *out, size_t size);

#endif
