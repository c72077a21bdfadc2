/*
 * utf8: the one rule for what counts as text, shared by the form collector
 * (http_form) and the reports (report): valid UTF-8 without overlong forms,
 * surrogates or code points beyond U+10FFFF, and without NUL.
 */
#ifndef MELDWIJZER_UTF8_H
#define MELDWIJZER_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* The length of the sequence at `text` (at most `len` bytes, len >= 1): 1 to 4, or 0 when it is not
 * valid UTF-8 (an overlong form, a surrogate, beyond U+10FFFF, cut short) or is a NUL. */
size_t utf8_sequence_length(const unsigned char *text, size_t len);
/* Whether all `len` bytes are text by that rule. */
bool utf8_is_text(const char *text, size_t len);
/* Copies `text` into `out` (room for 3 * len + 1 bytes) with every byte that is not part of a valid
 * sequence (and every NUL) replaced by U+FFFD, NUL-terminated; returns the bytes written (without the
 * NUL) and sets *replaced when anything was replaced. */
size_t utf8_repair(const char *text, size_t len, char *out, bool *replaced);

#endif
