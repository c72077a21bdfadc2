/*
 * kb: the knowledge base: channels, signals and the ILO indicator weights,
 * loaded from the JSON files in data/ and validated as a whole.
 *
 * Files: channels.json (whom to contact), signals.json (what someone may
 * notice, in Dutch and English) and ilo_indicators.json (the ILO/EC indicator
 * strengths). A signal names indicators; kb derives its weights per form and
 * profile from them, so a strength is corrected in one place only.
 *
 * A kb is read-only after loading and may be shared between threads. All
 * strings point into memory the kb owns; kb_release() frees everything.
 * Errors: kb_load*() return -1 and describe the file, the entry and the field
 * in `err->message`; the kb is then empty and safe to release.
 */
#ifndef MELDWIJZER_KB_H
#define MELDWIJZER_KB_H

#include <stdbool.h>
#include <stddef.h>

#include "hours.h"

enum kb_lang { KB_LANG_NL, KB_LANG_EN, KB_LANG_COUNT };
enum kb_form { KB_FORM_SEXUAL, KB_FORM_LABOUR, KB_FORM_CRIMINAL, KB_FORM_COUNT };
enum kb_profile { KB_PROFILE_ADULT, KB_PROFILE_MINOR, KB_PROFILE_COUNT };
/* What is known of the person's age. Unknown weighs both profiles and routes
 * as for a possible minor. */
enum kb_age { KB_AGE_ADULT, KB_AGE_MINOR, KB_AGE_UNKNOWN };
enum kb_dimension {
	KB_DIMENSION_DECEPTIVE_RECRUITMENT,
	KB_DIMENSION_COERCIVE_RECRUITMENT,
	KB_DIMENSION_RECRUITMENT_ABUSE_OF_VULNERABILITY,
	KB_DIMENSION_EXPLOITATIVE_CONDITIONS,
	KB_DIMENSION_COERCION_AT_DESTINATION,
	KB_DIMENSION_ABUSE_OF_VULNERABILITY_AT_DESTINATION,
	KB_DIMENSION_COUNT
};
enum kb_strength { KB_STRENGTH_NONE, KB_STRENGTH_WEAK, KB_STRENGTH_MEDIUM, KB_STRENGTH_STRONG };
enum kb_confidence { KB_CONFIDENCE_LOW, KB_CONFIDENCE_MEDIUM, KB_CONFIDENCE_HIGH };

#define KB_MAX_CHANNELS 16

struct kb_indicator {
	const char *id;                /* "<dimension>.<slug>" */
	const char *name;              /* the ILO wording, in English */
	enum kb_dimension dimension;
	enum kb_strength strength[KB_PROFILE_COUNT]; /* NONE: not on that list */
	enum kb_confidence confidence;
};

struct kb_weight {
	enum kb_form form;
	enum kb_profile profile;
	enum kb_dimension dimension;
	enum kb_strength strength;
	enum kb_confidence confidence;
	size_t indicator;              /* index into kb.indicators */
};

struct kb_signal {
	const char *id;
	unsigned forms;                /* bit (1 << kb_form) */
	unsigned profiles;             /* bit (1 << kb_profile): whom the signal describes */
	/* bit (1 << kb_form): the signal describes the exploitation itself in that
	 * form (sexual acts arranged by others, crimes done for others: art. 273f
	 * lid 2 Sr). For a minor no means are needed, so one such signal is reason
	 * to report. Always a subset of `forms`. */
	unsigned acts;
	const char *text[KB_LANG_COUNT];
	struct kb_weight *weights;     /* none: a non-specific signal (concern only) */
	size_t weight_count;
	const char *source;            /* the sources, written out and joined by "; " */
};

struct kb_channel {
	const char *id;
	const char *name[KB_LANG_COUNT];
	const char *phone_display;
	const char *phone_tel;         /* "tel:..." */
	const char *full_name;         /* the organisation's full name, or NULL */
	const char *url;               /* online form, or NULL */
	const char *url_en;            /* information in English, or NULL */
	bool rotterdam_region_only;
	const char *purpose[KB_LANG_COUNT];
	const char *anonymity[KB_LANG_COUNT]; /* NULL when no source speaks of it */
	const char *cost[KB_LANG_COUNT];      /* NULL when no source speaks of it */
	struct opening_hours hours;
};

struct kb {
	struct json_t *documents[3];
	struct kb_indicator *indicators;
	size_t indicator_count;
	struct kb_signal *signals;
	size_t signal_count;
	struct kb_channel *channels;
	size_t channel_count;
	/* true: the form's weights are borrowed from another list (confidence low
	 * in ilo_indicators.json's form rule), so its weighing is provisional */
	bool form_provisional[KB_FORM_COUNT];
	char **owned_strings;
	size_t owned_string_count;
};

struct kb_error {
	char message[640];
};

/* Loads channels.json, signals.json and ilo_indicators.json from `data_dir`. */
__attribute__((warn_unused_result)) int kb_load(struct kb *kb, const char *data_dir, struct kb_error *err);
/* The same from texts in memory (tests, fuzzing); names are used in messages. */
__attribute__((warn_unused_result)) int kb_load_texts(struct kb *kb, const char *channels_text, size_t channels_len,
						      const char *signals_text, size_t signals_len,
						      const char *indicators_text, size_t indicators_len,
						      struct kb_error *err);
void kb_release(struct kb *kb);

const struct kb_channel *kb_channel_by_id(const struct kb *kb, const char *id);
/* Index of a signal, or -1 when there is none with that id. */
long kb_signal_index(const struct kb *kb, const char *id);

const char *kb_lang_id(enum kb_lang lang);
const char *kb_form_id(enum kb_form form);
const char *kb_profile_id(enum kb_profile profile);
const char *kb_dimension_id(enum kb_dimension dimension);
const char *kb_strength_id(enum kb_strength strength);
const char *kb_confidence_id(enum kb_confidence confidence);
bool kb_lang_from_id(const char *id, enum kb_lang *out);
bool kb_form_from_id(const char *id, enum kb_form *out);

#endif
