/*
 * texts: every sentence the product shows, from one file (web/strings.json),
 * for the website and the command line alike.
 *
 * The file is {"strings": {KEY: {"nl": TEXT, "en": TEXT}, ...}}: each key has
 * a non-empty text in every language and nothing else, or the load fails.
 * There is no fallback from one language to another: a sentence that is
 * missing in English is an error when the file is loaded, never Dutch on an
 * English page. A request's language is an argument (enum kb_lang), never
 * the machine's locale, so results are the same on every machine.
 *
 * A text may hold marks like {clock} that the program fills in with
 * texts_fill(); texts are never used as printf formats (a translator's typo
 * must not become a format-string bug).
 *
 * Ownership and threads: texts_load() fills a caller-owned struct; after
 * that it is read-only and may be shared by any number of threads until
 * texts_release(). Returned strings are borrowed and live as long as the
 * struct.
 */
#ifndef MELDWIJZER_TEXTS_H
#define MELDWIJZER_TEXTS_H

#include <jansson.h>
#include <stddef.h>

#include "kb.h"

#define TEXTS_ERROR_SIZE 400

struct texts {
	json_t *by_lang[KB_LANG_COUNT]; /* {key: text} per language; owned */
};

/* A key a module asks for, and the marks each of its texts must hold
 * ("{clock}{moment}", or NULL for none). */
struct texts_need {
	const char *key;
	const char *marks;
};

/* Loads `path`. 0, or -1 with a message naming the file (and the key) in
 * `error`; on failure `texts` holds nothing that needs releasing (releasing
 * it anyway is harmless). */
int texts_load(struct texts *texts, const char *path, char *error, size_t error_size);

/* The text of `key` in `lang`. Never NULL: a key that is not there gives the
 * key itself (so a gap shows as a name, not as a crash); modules check their
 * keys at start with texts_require() so that this does not happen. */
const char *texts_get(const struct texts *texts, enum kb_lang lang, const char *key);

/* The {key: text} object of one language, borrowed: for templates ({{t.key}}). */
json_t *texts_json(const struct texts *texts, enum kb_lang lang);

/* Checks that every needed key exists in every language, that each text holds
 * the key's marks and no other {mark}. 0, or -1 with the first problem in
 * `error`. */
int texts_require(const struct texts *texts, const struct texts_need *needs, size_t count, char *error,
		  size_t error_size);

/* Copies `text` into `out`, replacing every mark given as a (mark, value)
 * pair, e.g. texts_fill(out, size, text, "{clock}", "22:00", (char *)NULL).
 * A value is copied as it is (not searched for marks again); a mark not
 * given stays as it is. 0, or -1 when `out` was too small: the text is then
 * cut at a character boundary (never inside a UTF-8 sequence). */
__attribute__((sentinel)) int texts_fill(char *out, size_t size, const char *text, ...);

/* Frees what texts_load() made; the struct is empty afterwards. */
void texts_release(struct texts *texts);

#endif
