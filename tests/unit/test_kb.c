#include "test_support.h"

#include <jansson.h>
#include <string.h>

#include "kb.h"
#include "strbuf.h"

static void test_real_catalogue_meets_the_counts(void **state)
{
	(void)state;
	struct kb kb;
	load_real_kb(&kb);
	assert_true(kb.signal_count >= 60);
	unsigned per_form[KB_FORM_COUNT] = {0}, minors[KB_FORM_COUNT] = {0}, adults[KB_FORM_COUNT] = {0};
	for (size_t i = 0; i < kb.signal_count; i++) {
		const struct kb_signal *signal = &kb.signals[i];
		for (int l = 0; l < KB_LANG_COUNT; l++)
			assert_true(signal->text[l] && strlen(signal->text[l]) > 10);
		assert_string_not_equal(signal->text[KB_LANG_NL], signal->text[KB_LANG_EN]);
		assert_true(signal->source && strlen(signal->source) > 10);
		for (int f = 0; f < KB_FORM_COUNT; f++) {
			if (!(signal->forms & (1u << f)))
				continue;
			per_form[f]++;
			minors[f] += (signal->profiles >> KB_PROFILE_MINOR) & 1u;
			adults[f] += (signal->profiles >> KB_PROFILE_ADULT) & 1u;
		}
	}
	for (int f = 0; f < KB_FORM_COUNT; f++) {
		assert_true(per_form[f] >= 15);
		assert_true(minors[f] >= 5);
		assert_true(adults[f] >= 5);
	}
	static const char *const leaflet[] = {"112", "politie", "essm", "nla", "meldmisdaadanoniem"};
	for (size_t i = 0; i < 5; i++)
		assert_non_null(kb_channel_by_id(&kb, leaflet[i]));
	kb_release(&kb);
}

static void test_leaflet_facts_are_exact(void **state)
{
	(void)state;
	struct kb kb;
	load_real_kb(&kb);
	const struct kb_channel *essm = kb_channel_by_id(&kb, "essm");
	assert_string_equal(essm->phone_tel, "tel:+31102365256");
	assert_true(essm->rotterdam_region_only);
	assert_int_equal(essm->hours.kind, HOURS_WEEKLY);
	assert_int_equal(essm->hours.interval_count, 1);
	assert_int_equal(essm->hours.intervals[0].days, HOURS_ALL_DAYS);
	assert_int_equal(essm->hours.intervals[0].open_minute, 8 * 60 + 30);
	assert_int_equal(essm->hours.intervals[0].close_minute, 22 * 60);
	assert_string_equal(kb_channel_by_id(&kb, "112")->phone_tel, "tel:112");
	assert_int_equal(kb_channel_by_id(&kb, "112")->hours.kind, HOURS_ALWAYS);
	assert_string_equal(kb_channel_by_id(&kb, "politie")->phone_tel, "tel:09008844");
	assert_string_equal(kb_channel_by_id(&kb, "nla")->phone_tel, "tel:08005151");
	assert_string_equal(kb_channel_by_id(&kb, "nla")->url, "https://portaal.nlarbeidsinspectie.nl/klachten");
	assert_string_equal(kb_channel_by_id(&kb, "meldmisdaadanoniem")->phone_tel, "tel:08007000");
	assert_string_equal(kb_channel_by_id(&kb, "meldmisdaadanoniem")->url,
			    "https://melden.meldmisdaadanoniem.nl/#step-1");
	/* no source states these hours: they must stay unknown */
	assert_int_equal(kb_channel_by_id(&kb, "politie")->hours.kind, HOURS_UNKNOWN);
	assert_int_equal(kb_channel_by_id(&kb, "nla")->hours.kind, HOURS_UNKNOWN);
	assert_int_equal(kb_channel_by_id(&kb, "meldmisdaadanoniem")->hours.kind, HOURS_UNKNOWN);
	kb_release(&kb);
}

static const struct kb_weight *find_weight(const struct kb *kb, const char *signal_id, enum kb_form form,
					   enum kb_profile profile)
{
	long index = kb_signal_index(kb, signal_id);
	assert_true(index >= 0);
	const struct kb_signal *signal = &kb->signals[index];
	for (size_t w = 0; w < signal->weight_count; w++) {
		if (signal->weights[w].form == form && signal->weights[w].profile == profile)
			return &signal->weights[w];
	}
	return NULL;
}

static void test_weights_follow_the_ilo_table(void **state)
{
	(void)state;
	struct kb kb;
	load_real_kb(&kb);
	const struct kb_weight *w = find_weight(&kb, "papieren-afgepakt", KB_FORM_LABOUR, KB_PROFILE_ADULT);
	assert_non_null(w);
	assert_int_equal(w->dimension, KB_DIMENSION_COERCION_AT_DESTINATION);
	assert_int_equal(w->strength, KB_STRENGTH_STRONG);
	assert_int_equal(w->confidence, KB_CONFIDENCE_MEDIUM);
	/* sexual and criminal borrow the labour lists: provisional, low confidence */
	w = find_weight(&kb, "papieren-afgepakt", KB_FORM_SEXUAL, KB_PROFILE_ADULT);
	assert_int_equal(w->confidence, KB_CONFIDENCE_LOW);
	/* "Forced tasks or clients" is raised to strong for sexual exploitation */
	w = find_weight(&kb, "gedwongen-tot-seks", KB_FORM_SEXUAL, KB_PROFILE_ADULT);
	assert_int_equal(w->strength, KB_STRENGTH_STRONG);
	/* the child list differs: debt bondage at recruitment and threats are strong for minors */
	w = find_weight(&kb, "bedreigd", KB_FORM_LABOUR, KB_PROFILE_ADULT);
	assert_int_equal(w->strength, KB_STRENGTH_MEDIUM);
	w = find_weight(&kb, "bedreigd", KB_FORM_LABOUR, KB_PROFILE_MINOR);
	assert_int_equal(w->strength, KB_STRENGTH_STRONG);
	/* "No social protection" is not on the child list: no weight for minors */
	assert_null(find_weight(&kb, "zwart-betaald", KB_FORM_LABOUR, KB_PROFILE_MINOR));
	/* a non-specific signal carries no weight */
	long index = kb_signal_index(&kb, "moe-en-mager");
	assert_int_equal(kb.signals[index].weight_count, 0);
	assert_int_equal(kb_signal_index(&kb, "no-such-signal"), -1);
	kb_release(&kb);
}

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

/* "act" marks the exploitation itself (art. 273f lid 2 Sr): only sexual or
 * criminal, always within the signal's forms, and present for both forms. */
static void test_acts_are_the_exploitation_itself(void **state)
{
	(void)state;
	struct kb kb;
	load_real_kb(&kb);
	unsigned with_act[KB_FORM_COUNT] = {0};
	for (size_t i = 0; i < kb.signal_count; i++) {
		const struct kb_signal *signal = &kb.signals[i];
		if (signal->acts & ~signal->forms)
			fail_msg("signal \"%s\": act outside its forms", signal->id);
		if (signal->acts & LABOUR)
			fail_msg("signal \"%s\": act may only be sexual or criminal", signal->id);
		for (int f = 0; f < KB_FORM_COUNT; f++)
			with_act[f] += (signal->acts >> f) & 1u;
	}
	assert_true(with_act[KB_FORM_SEXUAL] >= 3);
	assert_true(with_act[KB_FORM_CRIMINAL] >= 5);
	assert_int_equal(with_act[KB_FORM_LABOUR], 0);

	static const struct {
		const char *id;
		unsigned acts;
	} expected[] = {
		{"gedwongen-tot-seks", SEXUAL},   {"advertenties-door-ander", SEXUAL}, {"dagbedrag-verdienen", SEXUAL},
		{"vrienden-helpen", SEXUAL},      {"drugs-voor-ander", CRIMINAL},      {"drugs-uit-haven", CRIMINAL},
		{"explosieven", CRIMINAL},        {"geldezel", CRIMINAL},              {"stelen-voor-ander", CRIMINAL},
		{"anderen-ronselen", CRIMINAL},   {"hennepkwekerij", CRIMINAL},
		/* not the act itself: a name used by others, a means, a labour form, a concern */
		{"katvanger", 0},                 {"straatboete", 0},                  {"chantage-met-beelden", 0},
		{"bedelen", 0},                   {"spijbelen", 0},                    {"oudere-vriend", 0},
	};
	for (size_t i = 0; i < sizeof expected / sizeof *expected; i++) {
		const struct kb_signal *signal = signal_by_id(&kb, expected[i].id);
		if (signal->acts != expected[i].acts)
			fail_msg("signal \"%s\": acts %u, expected %u", expected[i].id, signal->acts, expected[i].acts);
	}
	/* an act signal that carries weight cites the law it rests on */
	assert_non_null(strstr(signal_by_id(&kb, "drugs-voor-ander")->source, "273f"));
	assert_non_null(strstr(signal_by_id(&kb, "gedwongen-tot-seks")->source, "273f"));
	kb_release(&kb);
}

/* The concepts the domain review found missing (issue 8, section 2). */
static void test_catalogue_covers_the_review(void **state)
{
	(void)state;
	struct kb kb;
	load_real_kb(&kb);
	static const struct {
		const char *id;
		unsigned forms, profiles, acts;
		bool weighted;
	} expected[] = {
		{"hennepkwekerij", CRIMINAL, ADULT | MINOR, CRIMINAL, true},
		{"bedelen", LABOUR, ADULT | MINOR, 0, true},
		{"weglopen", SEXUAL | CRIMINAL, MINOR, 0, false},
		{"bang-en-gespannen", SEXUAL | LABOUR | CRIMINAL, ADULT | MINOR, 0, false},
		{"geen-contact-met-buiten", SEXUAL | LABOUR | CRIMINAL, ADULT | MINOR, 0, true},
		{"misleid-over-woning", LABOUR | SEXUAL, ADULT | MINOR, 0, true},
		{"slechtere-cijfers", SEXUAL | CRIMINAL, MINOR, 0, false},
		{"angstig-of-somber", SEXUAL | CRIMINAL, MINOR, 0, false},
		{"vrienden-helpen", SEXUAL, ADULT | MINOR, SEXUAL, true},
		/* what a neighbour sees at a house: concern only */
		{"wisselende-bewoners", SEXUAL, ADULT | MINOR, 0, false},
		{"ramen-afgeplakt", SEXUAL | CRIMINAL, ADULT | MINOR, 0, false},
		{"bezoek-in-de-nacht", SEXUAL | CRIMINAL, ADULT | MINOR, 0, false},
		{"camera-of-bewakers", SEXUAL | LABOUR | CRIMINAL, ADULT | MINOR, 0, false},
	};
	for (size_t i = 0; i < sizeof expected / sizeof *expected; i++) {
		const struct kb_signal *signal = signal_by_id(&kb, expected[i].id);
		if (signal->forms != expected[i].forms || signal->profiles != expected[i].profiles ||
		    signal->acts != expected[i].acts || (signal->weight_count > 0) != expected[i].weighted)
			fail_msg("signal \"%s\": forms %u profiles %u acts %u weights %zu", expected[i].id, signal->forms,
				 signal->profiles, signal->acts, signal->weight_count);
	}
	/* the right ILO rows: isolation (ILO 11: isolation), deceived about housing */
	const struct kb_weight *w = find_weight(&kb, "geen-contact-met-buiten", KB_FORM_LABOUR, KB_PROFILE_ADULT);
	assert_non_null(w);
	assert_string_equal(kb.indicators[w->indicator].id, "coercion_at_destination.isolation_confinement_or_surveillance");
	w = find_weight(&kb, "misleid-over-woning", KB_FORM_LABOUR, KB_PROFILE_ADULT);
	assert_non_null(w);
	assert_string_equal(kb.indicators[w->indicator].id, "deceptive_recruitment.deceived_about_housing_and_living");
	/* the loverboy "exploit" step counts as forced clients, strong in sexual exploitation */
	w = find_weight(&kb, "vrienden-helpen", KB_FORM_SEXUAL, KB_PROFILE_MINOR);
	assert_non_null(w);
	assert_int_equal(w->strength, KB_STRENGTH_STRONG);
	kb_release(&kb);
}

/* Corrections from the domain review (issue 8, section 2 and 5). */
static void test_review_corrections(void **state)
{
	(void)state;
	struct kb kb;
	load_real_kb(&kb);
	/* being brought to work is normal for agency workers: no strong labour weight */
	const struct kb_signal *signal = signal_by_id(&kb, "gebracht-en-gehaald");
	for (size_t i = 0; i < signal->weight_count; i++) {
		if (signal->weights[i].form == KB_FORM_LABOUR && signal->weights[i].strength >= KB_STRENGTH_STRONG)
			fail_msg("gebracht-en-gehaald carries a strong labour weight");
	}
	assert_true(signal->forms & SEXUAL);
	const struct kb_weight *w = find_weight(&kb, "gebracht-en-gehaald", KB_FORM_SEXUAL, KB_PROFILE_ADULT);
	assert_non_null(w);
	assert_int_equal(w->strength, KB_STRENGTH_STRONG);
	/* sextortion weighs more than weak for adults too */
	w = find_weight(&kb, "chantage-met-beelden", KB_FORM_SEXUAL, KB_PROFILE_ADULT);
	assert_non_null(w);
	assert_true(w->strength > KB_STRENGTH_WEAK);
	w = find_weight(&kb, "chantage-met-beelden", KB_FORM_SEXUAL, KB_PROFILE_MINOR);
	assert_true(w->strength > KB_STRENGTH_WEAK);
	/* the override is for sexual exploitation only: the labour row stays weak for adults */
	size_t threats = kb.indicator_count;
	for (size_t i = 0; i < kb.indicator_count; i++) {
		if (strcmp(kb.indicators[i].id, "coercion_at_destination.threats_to_inform_family_community_or") == 0)
			threats = i;
	}
	assert_true(threats < kb.indicator_count);
	assert_int_equal(kb.indicators[threats].strength[KB_PROFILE_ADULT], KB_STRENGTH_WEAK);
	/* knowing almost only sex-related words in Dutch applies to minors too */
	assert_true(signal_by_id(&kb, "alleen-seks-woorden")->profiles & MINOR);
	assert_non_null(find_weight(&kb, "alleen-seks-woorden", KB_FORM_SEXUAL, KB_PROFILE_MINOR));
	/* self-harm belongs to criminal exploitation too */
	assert_true(signal_by_id(&kb, "zelfbeschadiging")->forms & CRIMINAL);
	/* picked up by known older boys, not only by strangers */
	signal = signal_by_id(&kb, "opgehaald-door-onbekenden");
	assert_non_null(strstr(signal->text[KB_LANG_NL], "oudere jongens"));
	assert_non_null(strstr(signal->text[KB_LANG_EN], "older boys"));
	kb_release(&kb);
}

static void test_channel_facts_from_the_review(void **state)
{
	(void)state;
	struct kb kb;
	load_real_kb(&kb);
	/* no source speaks of anonymity at the labour authority or Veilig Thuis */
	static const char *const silent[] = {"nla", "veiligthuis"};
	for (size_t i = 0; i < 2; i++) {
		const struct kb_channel *channel = kb_channel_by_id(&kb, silent[i]);
		assert_non_null(channel);
		for (int l = 0; l < KB_LANG_COUNT; l++)
			assert_null(channel->anonymity[l]);
	}
	/* these channels do speak of anonymity */
	assert_non_null(kb_channel_by_id(&kb, "meldmisdaadanoniem")->anonymity[KB_LANG_NL]);
	assert_non_null(kb_channel_by_id(&kb, "essm")->anonymity[KB_LANG_NL]);
	/* free numbers, now credited to the brief */
	assert_non_null(kb_channel_by_id(&kb, "nla")->cost[KB_LANG_NL]);
	assert_non_null(kb_channel_by_id(&kb, "meldmisdaadanoniem")->cost[KB_LANG_NL]);
	/* English information page of Meld Misdaad Anoniem (brief 1.3) */
	assert_string_equal(kb_channel_by_id(&kb, "meldmisdaadanoniem")->url_en, "https://meldmisdaadanoniem.nl/english");
	assert_non_null(kb_channel_by_id(&kb, "essm")->full_name);
	kb_release(&kb);
}

/* Loads data/ into memory, lets `mutate` change one document, and returns the load error. */
struct documents {
	json_t *channels, *signals, *indicators;
};

static const char *load_mutated(void (*mutate)(struct documents *), char *message, size_t size)
{
	struct documents docs;
	json_error_t error;
	docs.channels = json_load_file(TEST_DATADIR "/channels.json", 0, &error);
	docs.signals = json_load_file(TEST_DATADIR "/signals.json", 0, &error);
	docs.indicators = json_load_file(TEST_DATADIR "/ilo_indicators.json", 0, &error);
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
static void duplicate_signal(struct documents *d) { json_object_set_new(signal_entry(d, 5), "id", json_string("papieren-afgepakt")); }
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

static void test_broken_data_names_file_entry_and_field(void **state)
{
	(void)state;
	static const struct {
		void (*mutate)(struct documents *);
		const char *expected;
	} cases[] = {
		{drop_phone, "channels.json: channel \"essm\" (#3): field \"phone\": is missing"},
		{bad_form, "signals.json: signal \"papieren-afgepakt\" (#1): field \"forms\": entry 1 must be"},
		{bad_strength, "ilo_indicators.json: indicator \"deceptive_recruitment.deceived_about_family_reunification\" (#4): field \"adult\""},
		{unknown_indicator, "signals.json: signal \"schuld-bij-baas\" (#2): field \"indicators\": entry 2 is not an indicator"},
		{close_before_open, "channels.json: channel \"essm\" (#3): field \"hours.intervals.close\": must be later"},
		{duplicate_signal, "signals.json: signal \"papieren-afgepakt\" (#6): field \"id\": is used twice"},
		{unsourced_signal, "field \"source\": every signal needs a source"},
		{unsourced_fact, "channels.json: channel \"politie\" (#2): field \"facts\": \"phone\" is stated without a source"},
		{missing_channel, "channels.json: top level: field \"channels\": the leaflet's channel \"meldmisdaadanoniem\" is missing"},
		{missing_english, "field \"text.en\": is missing"},
		{typo_field, "field \"froms\": unknown field"},
		{bad_tel, "field \"phone.tel\": may hold only digits"},
		{act_outside_forms, "signal \"papieren-afgepakt\" (#1): field \"act\": \"criminal\" is not among the signal's forms"},
		{labour_act, "signal \"schuld-bij-baas\" (#2): field \"act\": entry 1 must be \"sexual\" or \"criminal\""},
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
		cmocka_unit_test(test_real_catalogue_meets_the_counts),
		cmocka_unit_test(test_leaflet_facts_are_exact),
		cmocka_unit_test(test_weights_follow_the_ilo_table),
		cmocka_unit_test(test_acts_are_the_exploitation_itself),
		cmocka_unit_test(test_catalogue_covers_the_review),
		cmocka_unit_test(test_review_corrections),
		cmocka_unit_test(test_channel_facts_from_the_review),
		cmocka_unit_test(test_broken_data_names_file_entry_and_field),
		cmocka_unit_test(test_malformed_and_missing_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
