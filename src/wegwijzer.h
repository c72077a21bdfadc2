/*
 * wegwijzer: the interactive guide in a terminal. It asks the leaflet's
 * questions one at a time, shows whom to contact (with numbers, hours and
 * reasons), and optionally walks through the signals per form and shows the
 * ILO weighing in plain words, never as a verdict.
 *
 * Works on a terminal and on plain stdin (scriptable): one answer per line.
 * End of input or Ctrl-C ends it cleanly.
 */
#ifndef MELDWIJZER_WEGWIJZER_H
#define MELDWIJZER_WEGWIJZER_H

#include <stdint.h>
#include <stdio.h>

#include "kb.h"

/* Returns 0 when the guide ended (also by end of input or Ctrl-C), 1 when output failed. */
int wegwijzer_run(const struct kb *kb, FILE *in, FILE *out, enum kb_lang lang, int64_t now);

#endif
