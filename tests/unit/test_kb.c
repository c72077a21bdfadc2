/*
 * kb: loading and validating a knowledge base, on the small fixture in
 * tests/fixtures/kb (the real data/ is checked as content in test_data.c).
 * What kb derives is checked here: weights per form and profile from the
 * indicators, a form rule's overrides and confidence, act marks, and the
 * error message (file, entry, field) for every kind of broken entry.
 */
#include "test_support.h"

#include <jansson.h>
#include <string.h>

#include "kb.h"
#include "strbuf.h"

#define SEXUAL (1u << KB_FORM_SEXUAL)
#define LABOUR (1u << KB_FORM_LABOUR)
#define CRIMINAL (1u << KB_FORM_CRIMINAL)
#define ADULT (1u << KB_PROFILE_ADULT)
#define MINOR (1u << KB_PROFILE_MINOR)

static const struct kb_signal *signal_by_id(const struct kb *kb, const char *id)
{
	long index = kb_signal_index(kb, id);
	if (index < 0)
		fail_msg("signal \"%s\" is missing", id);
	return &kb->signals[index];
}

static const struct kb_weight *find_weight(const struct kb *kb, const char *signal_id, enum kb_form form,
					   enum kb_profile profile)
{
	const struct kb_signal *signal = signal_by_id(kb, signal_id);
	for (size_t w = 0; w < signal->weight_count; w++) {
		if (signal->weights[w].form == form && signal->weights[w].profile == profile)
			return &signal->weights[w];
	}
	return NULL;
}

static void test_fixture_loads_with_its_channels_and_signals(void **state)
{
	(void)state;
	struct kb kb;
	load_fixture_kb(&kb);
	assert_int_equal(kb.channel_count, 6);
	assert_int_equal(kb.signal_count, 25);
	assert_int_equal(kb.indicator_count, 13);
	const struct kb_channel *essm = kb_channel_by_id(&kb, "essm");
	assert_non_null(essm);
	assert_string_equal(essm->phone_tel, "tel:00000002");
	assert_true(essm->rotterdam_region_only);
	assert_int_equal(essm->hours.kind, HOURS_WEEKLY);
	assert_int_equal(essm->hours.intervals[0].days, HOURS_ALL_DAYS);
	assert_int_equal(essm->hours.intervals[0].open_minute, 10 * 60);
	assert_int_equal(essm->hours.intervals[0].close_minute, 20 * 60);
	assert_int_equal(kb_channel_by_id(&kb, "politie")->hours.kind, HOURS_UNKNOWN);
	assert_int_equal(kb_channel_by_id(&kb, "veiligthuis")->hours.kind, HOURS_ALWAYS);
	assert_false(kb_channel_by_id(&kb, "politie")->rotterdam_region_only);
	assert_null(kb_channel_by_id(&kb, "nla")->anonymity[KB_LANG_NL]);
	assert_string_equal(kb_channel_by_id(&kb, "meldmisdaadanoniem")->url_en, "https://example.org/fixture-mma/en");
	assert_null(kb_channel_by_id(&kb, "no-such-channel"));
	assert_int_equal(kb_signal_index(&kb, "no-such-signal"), -1);
	/* a signal's sources are written out, not left as keys */
	assert_non_null(strstr(signal_by_id(&kb, "lab-concern")->source, "Test fixture"));
	kb_release(&kb);
}

/* A signal's weights come from its indicators, per form and per profile it
 * names, after the form rule's overrides; a form with a confidence of its own
 * caps the weights' confidence and is provisional. */
static void test_weights_are_derived_per_form_and_profile(void **state)
{
	(void)state;
	struct kb kb;
	load_fixture_kb(&kb);
	const struct kb_weight *w = find_weight(&kb, "lab-coerce-strong", KB_FORM_LABOUR, KB_PROFILE_ADULT);
	assert_non_null(w);
	assert_int_equal(w->dimension, KB_DIMENSION_COERCION_AT_DESTINATION);
	assert_int_equal(w->strength, KB_STRENGTH_STRONG);
	assert_int_equal(w->confidence, KB_CONFIDENCE_MEDIUM); /* labour inherits the indicator's */
	assert_string_equal(kb.indicators[w->indicator].id, "coercion_at_destination.strong");
	/* only the forms the signal names */
	assert_null(find_weight(&kb, "lab-coerce-strong", KB_FORM_SEXUAL, KB_PROFILE_ADULT));
	/* the profiles' lists differ */
	assert_int_equal(find_weight(&kb, "lab-coerce-minor-strong", KB_FORM_LABOUR, KB_PROFILE_ADULT)->strength,
			 KB_STRENGTH_MEDIUM);
	assert_int_equal(find_weight(&kb, "lab-coerce-minor-strong", KB_FORM_LABOUR, KB_PROFILE_MINOR)->strength,
			 KB_STRENGTH_STRONG);
	/* not on the minors' list: no weight for minors */
	assert_non_null(find_weight(&kb, "lab-exploit-adult-list", KB_FORM_LABOUR, KB_PROFILE_ADULT));
	assert_null(find_weight(&kb, "lab-exploit-adult-list", KB_FORM_LABOUR, KB_PROFILE_MINOR));
	/* a signal for adults only gets no minor weights */
	assert_int_equal(signal_by_id(&kb, "crim-act-adult")->profiles, ADULT);
	/* the sexual rule raises one indicator to strong, for that form only, and
	 * caps the confidence at its own (low) */
	w = find_weight(&kb, "sex-raised", KB_FORM_SEXUAL, KB_PROFILE_ADULT);
	assert_int_equal(w->strength, KB_STRENGTH_STRONG);
	assert_int_equal(w->confidence, KB_CONFIDENCE_LOW);
	assert_int_equal(find_weight(&kb, "sex-raised", KB_FORM_SEXUAL, KB_PROFILE_MINOR)->strength, KB_STRENGTH_STRONG);
	w = find_weight(&kb, "sex-raised", KB_FORM_LABOUR, KB_PROFILE_ADULT);
	assert_int_equal(w->strength, KB_STRENGTH_WEAK);
	assert_int_equal(w->confidence, KB_CONFIDENCE_HIGH);
	assert_true(kb.form_provisional[KB_FORM_SEXUAL]);
	assert_true(kb.form_provisional[KB_FORM_CRIMINAL]);
	assert_false(kb.form_provisional[KB_FORM_LABOUR]);
	/* a signal without indicators carries no weight: concern only */
	assert_int_equal(signal_by_id(&kb, "all-concern")->weight_count, 0);
	assert_int_equal(signal_by_id(&kb, "all-concern")->forms, SEXUAL | LABOUR | CRIMINAL);
	kb_release(&kb);
}

static void test_act_marks_are_kept_within_the_forms(void **state)
{
	(void)state;
	struct kb kb;
	load_fixture_kb(&kb);
	assert_int_equal(signal_by_id(&kb, "sex-act")->acts, SEXUAL);
	assert_int_equal(signal_by_id(&kb, "sex-act")->weight_count, 0);
	assert_int_equal(signal_by_id(&kb, "crim-act")->acts, CRIMINAL);
	assert_int_equal(signal_by_id(&kb, "crim-act-coerced")->acts, CRIMINAL);
	assert_non_null(find_weight(&kb, "crim-act-coerced", KB_FORM_CRIMINAL, KB_PROFILE_ADULT));
	assert_int_equal(signal_by_id(&kb, "all-coerce-strong")->acts, 0);
	assert_int_equal(signal_by_id(&kb, "lab-exploit-strong")->acts, 0);
	kb_release(&kb);
}

/* Loads the fixture into memory, lets `mutate` change one document, and returns the load error. */
struct documents {
	json_t *channels, *signals, *indicators;
};

static const char *load_mutated(void (*mutate)(struct documents *), char *message, size_t size)
{
	struct documents docs;
	json_error_t error;
	docs.channels = json_load_file(TEST_FIXTURE_KB "/channels.json", 0, &error);
	docs.signals = json_load_file(TEST_FIXTURE_KB "/signals.json", 0, &error);
	docs.indicators = json_load_file(TEST_FIXTURE_KB "/ilo_indicators.json", 0, &error);
	assert_non_null(docs.channels);
	assert_non_null(docs.signals);
	assert_non_null(docs.indicators);
	mutate(&docs);
	char *channels = json_dumps(docs.channels, 0), *signals = json_dumps(docs.signals, 0),
	     *indicators = json_dumps(docs.indicators, 0);
	struct kb kb;
	struct kb_error kb_error;
	int status = kb_load_texts(&kb, channels, strlen(channels), signals, strlen(signals), indicators,
				   strlen(indicators), &kb_error);
	assert_int_equal(status, -1);
	assert_null(kb.signals); /* nothing half-loaded is left */
	kb_release(&kb);
	snprintf(message, size, "%s", kb_error.message);
	free(channels);
	free(signals);
	free(indicators);
	json_decref(docs.channels);
	json_decref(docs.signals);
	json_decref(docs.indicators);
	return message;
}

static json_t *channel(struct documents *d, size_t i) { return json_array_get(json_object_get(d->channels, "channels"), i); }
static json_t *signal_entry(struct documents *d, size_t i) { return json_array_get(json_object_get(d->signals, "signals"), i); }
static json_t *indicator(struct documents *d, size_t i) { return json_array_get(json_object_get(d->indicators, "indicators"), i); }

static void drop_phone(struct documents *d) { json_object_del(channel(d, 2), "phone"); }
static void bad_form(struct documents *d) { json_array_set_new(json_object_get(signal_entry(d, 0), "forms"), 0, json_string("sexy")); }
static void bad_strength(struct documents *d) { json_object_set_new(indicator(d, 3), "adult", json_string("huge")); }
static void unknown_indicator(struct documents *d) { json_array_append_new(json_object_get(signal_entry(d, 1), "indicators"), json_string("coercion_at_destination.nope")); }
static void close_before_open(struct documents *d)
{
	json_t *hours = json_object_get(channel(d, 2), "hours");
	json_object_set_new(json_array_get(json_object_get(hours, "intervals"), 0), "close", json_string("08:00"));
}
static void duplicate_signal(struct documents *d) { json_object_set_new(signal_entry(d, 5), "id", json_string("lab-recruit-strong")); }
static void unsourced_signal(struct documents *d) { json_object_set_new(signal_entry(d, 4), "source", json_array()); }
static void unsourced_fact(struct documents *d) { json_object_del(json_object_get(channel(d, 1), "facts"), "phone"); }
static void missing_channel(struct documents *d) { json_array_remove(json_object_get(d->channels, "channels"), 4); }
static void missing_english(struct documents *d) { json_object_del(json_object_get(signal_entry(d, 7), "text"), "en"); }
static void typo_field(struct documents *d) { json_object_set_new(signal_entry(d, 2), "froms", json_array()); }
static void bad_tel(struct documents *d) { json_object_set_new(json_object_get(channel(d, 0), "phone"), "tel", json_string("tel:11 2")); }
static void act_outside_forms(struct documents *d)
{
	/* signal #1 with its forms cut down to labour, and an act "criminal" */
	json_t *forms = json_array();
	json_array_append_new(forms, json_string("labour"));
	json_object_set_new(signal_entry(d, 0), "forms", forms);
	json_t *act = json_array();
	json_array_append_new(act, json_string("criminal"));
	json_object_set_new(signal_entry(d, 0), "act", act);
}
static void labour_act(struct documents *d)
{
	json_t *act = json_array();
	json_array_append_new(act, json_string("labour"));
	json_object_set_new(signal_entry(d, 1), "act", act);
}
static void unsourced_url_en(struct documents *d)
{
	json_object_set_new(channel(d, 2), "url_en", json_string("https://example.org/en"));
}

static void unknown_override(struct documents *d)
{
	json_t *rule = json_array_get(json_object_get(d->indicators, "forms"), 1);
	json_t *override = json_array_get(json_object_get(rule, "overrides"), 0);
	json_object_set_new(override, "indicator", json_string("coercion_at_destination.nope"));
}
static void missing_form_rule(struct documents *d) { json_array_remove(json_object_get(d->indicators, "forms"), 2); }

static void test_broken_data_names_file_entry_and_field(void **state)
{
	(void)state;
	static const struct {
		void (*mutate)(struct documents *);
		const char *expected;
	} cases[] = {
		{drop_phone, "channels.json: channel \"essm\" (#3): field \"phone\": is missing"},
		{bad_form, "signals.json: signal \"lab-recruit-strong\" (#1): field \"forms\": entry 1 must be"},
		{bad_strength, "ilo_indicators.json: indicator \"exploitative_conditions.medium_a\" (#4): field \"adult\""},
		{unknown_indicator, "signals.json: signal \"lab-recruit-medium\" (#2): field \"indicators\": entry 2 is not an indicator"},
		{close_before_open, "channels.json: channel \"essm\" (#3): field \"hours.intervals.close\": must be later"},
		{duplicate_signal, "signals.json: signal \"lab-recruit-strong\" (#6): field \"id\": is used twice"},
		{unsourced_signal, "field \"source\": every signal needs a source"},
		{unsourced_fact, "channels.json: channel \"politie\" (#2): field \"facts\": \"phone\" is stated without a source"},
		{missing_channel, "channels.json: top level: field \"channels\": the leaflet's channel \"meldmisdaadanoniem\" is missing"},
		{missing_english, "field \"text.en\": is missing"},
		{typo_field, "field \"froms\": unknown field"},
		{bad_tel, "field \"phone.tel\": may hold only digits"},
		{act_outside_forms, "signal \"lab-recruit-strong\" (#1): field \"act\": \"criminal\" is not among the signal's forms"},
		{labour_act, "signal \"lab-recruit-medium\" (#2): field \"act\": entry 1 must be \"sexual\" or \"criminal\""},
		{unknown_override, "ilo_indicators.json: form rule #2: field \"overrides\": unknown indicator \"coercion_at_destination.nope\""},
		{missing_form_rule, "ilo_indicators.json: top level: field \"forms\": no rule for form \"criminal\""},
		{unsourced_url_en, "channels.json: channel \"essm\" (#3): field \"facts\": \"url_en\" is stated without a source"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char message[700];
		load_mutated(cases[i].mutate, message, sizeof message);
		if (!strstr(message, cases[i].expected))
			fail_msg("case %zu: message \"%s\" lacks \"%s\"", i, message, cases[i].expected);
	}
}

static void test_malformed_and_missing_files(void **state)
{
	(void)state;
	struct kb kb;
	struct kb_error error;
	const char *good = "{}";
	assert_int_equal(kb_load_texts(&kb, good, 2, good, 2, "{\"x\": ", 6, &error), -1);
	assert_non_null(strstr(error.message, "ilo_indicators.json: line 1"));
	assert_int_equal(kb_load_texts(&kb, good, 2, good, 2, "[1]", 3, &error), -1);
	assert_non_null(strstr(error.message, "must hold a JSON object"));
	assert_int_equal(kb_load(&kb, "/nonexistent-meldwijzer", &error), -1);
	assert_non_null(strstr(error.message, "/nonexistent-meldwijzer/channels.json: cannot be read"));
	kb_release(&kb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_loads_with_its_channels_and_signals),
		cmocka_unit_test(test_weights_are_derived_per_form_and_profile),
		cmocka_unit_test(test_act_marks_are_kept_within_the_forms),
		cmocka_unit_test(test_broken_data_names_file_entry_and_field),
		cmocka_unit_test(test_malformed_and_missing_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
