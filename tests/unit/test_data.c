/*
 * The real knowledge base in data/, checked as content: the rule tests run on
 * the fixture in tests/fixtures/kb (test_assess.c, test_route.c), so a change
 * of content shows up here, and a change of a rule there.
 *
 * What is checked: the leaflet's channels and their exact numbers and hours;
 * every channel fact has a source and a confidence; every phone number is
 * well formed and its display matches its tel: link; every signal has a form,
 * a source, and weights that rest on the ILO file's source; the act marks and
 * the domain review's corrections; and the answers of the domain review's
 * scenarios (assessment and whom to call first) on today's content.
 */
#include "test_support.h"

#include <jansson.h>
#include <string.h>

#include "assess.h"
#include "kb.h"
#include "route.h"

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

static size_t signal_index(const struct kb *kb, const char *id)
{
	long index = kb_signal_index(kb, id);
	if (index < 0)
		fail_msg("no signal %s", id);
	return (size_t)index;
}

/*
 * Scenarios written from the law and the ILO rule (docs/assessment.md), not
 * from the code: who the person is, which forms were chosen, what was seen,
 * and the level a social worker at an advice point would give per form.
 * "-" means the form is not checked in that scenario.
 */
enum { L_NONE = ASSESS_LEVEL_NONE, L_WATCH = ASSESS_LEVEL_WATCH, L_DISCUSS = ASSESS_LEVEL_DISCUSS,
       L_REPORT = ASSESS_LEVEL_REPORT, L_ANY = -1 };

struct scenario {
	const char *name;
	enum kb_age age;
	unsigned chosen;
	const char *signals[12];
	int sexual, labour, criminal;   /* expected level, or L_ANY */
	int overall;                    /* expected result.level */
	unsigned relevant;              /* expected relevant forms */
};

#define SEX (1u << KB_FORM_SEXUAL)
#define LAB (1u << KB_FORM_LABOUR)
#define CRI (1u << KB_FORM_CRIMINAL)

static const struct scenario scenarios[] = {
	/* minors: no means needed; the act itself is the exploitation (art. 273f lid 1 sub 2/5, lid 2) */
	{"15-year-old deals, fetches drugs from the port, places explosives", KB_AGE_MINOR, CRI,
	 {"drugs-voor-ander", "drugs-uit-haven", "explosieven"}, L_ANY, L_ANY, L_REPORT, L_REPORT, CRI},
	{"15-year-old deals drugs for older boys (one act signal is enough)", KB_AGE_MINOR, 0,
	 {"drugs-voor-ander"}, L_ANY, L_ANY, L_REPORT, L_REPORT, CRI},
	{"17-year-old forced into sex", KB_AGE_MINOR, SEX, {"gedwongen-tot-seks"}, L_REPORT, L_ANY, L_ANY, L_REPORT,
	 SEX},
	{"17-year-old: older boyfriend and sextortion, no act seen yet", KB_AGE_MINOR, SEX,
	 {"oudere-vriend", "chantage-met-beelden"}, L_DISCUSS, L_ANY, L_ANY, L_DISCUSS, SEX},
	{"minor works long days for no pay (ILO child rule)", KB_AGE_MINOR, LAB,
	 {"lange-dagen", "weinig-of-geen-loon"}, L_ANY, L_REPORT, L_ANY, L_REPORT, LAB},
	/* adults: exploitation and coercion are reason to report, recruitment unknown (lid 1 sub 4) */
	{"Polish colleague: passport kept, long days, debt to the boss, low pay", KB_AGE_ADULT, LAB,
	 {"papieren-afgepakt", "lange-dagen", "schuld-bij-baas", "weinig-of-geen-loon"}, L_ANY, L_REPORT, L_ANY,
	 L_REPORT, LAB},
	{"adult forced into sex and beaten", KB_AGE_ADULT, SEX, {"gedwongen-tot-seks", "mishandeld"}, L_REPORT, L_ANY,
	 L_ANY, L_REPORT, SEX},
	{"adult forced to deal and threatened", KB_AGE_ADULT, CRI, {"drugs-voor-ander", "bedreigd", "mishandeld"},
	 L_ANY, L_ANY, L_REPORT, L_REPORT, CRI},
	{"all three ILO dimensions (strict rule)", KB_AGE_ADULT, LAB,
	 {"ander-werk-dan-beloofd", "minder-loon-dan-beloofd", "lange-dagen", "weinig-of-geen-loon",
	  "papieren-afgepakt", "schuld-bij-baas"},
	 L_ANY, L_REPORT, L_ANY, L_REPORT, LAB},
	{"hotel cleaner: low pay in cash, chemicals, free to leave", KB_AGE_ADULT, LAB,
	 {"weinig-of-geen-loon", "zwart-betaald", "gevaarlijk-werk"}, L_ANY, L_DISCUSS, L_ANY, L_DISCUSS, LAB},
	{"nail-salon worker: travel debt, long days, low pay, little Dutch", KB_AGE_ADULT, LAB,
	 {"schuld-bij-baas", "lange-dagen", "weinig-of-geen-loon", "taal-en-isolement"}, L_ANY, L_REPORT, L_ANY,
	 L_REPORT, LAB},
	{"passport kept, debt to the boss, very long days", KB_AGE_ADULT, LAB,
	 {"papieren-afgepakt", "schuld-bij-baas", "lange-dagen"}, L_ANY, L_REPORT, L_ANY, L_REPORT, LAB},
	{"passport kept, housing from the boss, very long days (the means count together)", KB_AGE_ADULT, LAB,
	 {"papieren-afgepakt", "woont-bij-baas", "lange-dagen"}, L_ANY, L_REPORT, L_ANY, L_REPORT, LAB},
	{"passport kept and very long days: one strong sign each is not yet enough", KB_AGE_ADULT, LAB,
	 {"papieren-afgepakt", "lange-dagen"}, L_ANY, L_DISCUSS, L_ANY, L_DISCUSS, LAB},
	{"passport kept alone", KB_AGE_ADULT, LAB, {"papieren-afgepakt"}, L_ANY, L_DISCUSS, L_ANY, L_DISCUSS, LAB},
	{"adult forced into sex alone (one strong sign: talk it over)", KB_AGE_ADULT, SEX, {"gedwongen-tot-seks"},
	 L_DISCUSS, L_ANY, L_ANY, L_DISCUSS, SEX},
	{"one medium sign only", KB_AGE_ADULT, LAB, {"weinig-of-geen-loon"}, L_ANY, L_WATCH, L_ANY, L_WATCH, LAB},
	{"only behaviour that also has other causes", KB_AGE_ADULT, SEX, {"moe-en-mager"}, L_WATCH, L_NONE, L_NONE,
	 L_WATCH, SEX},
	{"nothing seen", KB_AGE_ADULT, LAB, {NULL}, L_NONE, L_NONE, L_NONE, L_NONE, LAB},
	{"locked-in boy working at a cannabis plantation", KB_AGE_MINOR, 0,
	 {"hennepkwekerij", "in-de-gaten-gehouden", "zonder-papieren"}, L_ANY, L_ANY, L_REPORT, L_REPORT, CRI},
	{"17-year-old: boyfriend of 25, sextortion, asked to help out his friends", KB_AGE_MINOR, SEX,
	 {"oudere-vriend", "chantage-met-beelden", "vrienden-helpen"}, L_REPORT, L_ANY, L_ANY, L_REPORT, SEX},
	{"adult asked to help out friends and watched", KB_AGE_ADULT, SEX, {"vrienden-helpen", "in-de-gaten-gehouden"},
	 L_REPORT, L_ANY, L_ANY, L_REPORT, SEX},
	{"adult asked to help out friends, nothing else seen", KB_AGE_ADULT, SEX, {"vrienden-helpen"}, L_DISCUSS, L_ANY,
	 L_ANY, L_DISCUSS, SEX},
	{"adult works at a cannabis plantation, nothing else seen", KB_AGE_ADULT, 0, {"hennepkwekerij"}, L_ANY, L_ANY,
	 L_DISCUSS, L_DISCUSS, CRI},
	{"adult sextortion alone weighs more than a weak sign", KB_AGE_ADULT, SEX, {"chantage-met-beelden"}, L_WATCH,
	 L_ANY, L_ANY, L_WATCH, SEX},
	{"adult sextortion and threats", KB_AGE_ADULT, SEX, {"chantage-met-beelden", "bedreigd"}, L_DISCUSS, L_ANY,
	 L_ANY, L_DISCUSS, SEX},
	{"employer arranges housing and transport: one medium sign", KB_AGE_ADULT, LAB, {"woont-bij-baas"}, L_ANY,
	 L_WATCH, L_ANY, L_WATCH, LAB},
	/* what a neighbour sees of a place: concern signals, together worth a talk */
	{"neighbour: changing young residents, covered windows, visitors at night", KB_AGE_ADULT, 0,
	 {"wisselende-bewoners", "ramen-afgeplakt", "bezoek-in-de-nacht"}, L_DISCUSS, L_NONE, L_WATCH, L_DISCUSS, 0},
	{"tired and thin in a labour case opens no sexual block", KB_AGE_ADULT, LAB, {"moe-en-mager", "lange-dagen"},
	 L_WATCH, L_DISCUSS, L_ANY, L_DISCUSS, LAB},
	{"neighbour: only covered windows", KB_AGE_ADULT, 0, {"ramen-afgeplakt"}, L_WATCH, L_NONE, L_WATCH, L_WATCH, 0},
	/* signals shared by every form open none of them; the overall level still speaks */
	{"a neighbour only sees that someone is beaten", KB_AGE_ADULT, 0, {"mishandeld"}, L_DISCUSS, L_DISCUSS,
	 L_DISCUSS, L_DISCUSS, 0},
	/* age unknown: both profiles, the higher level */
	{"age unknown, deals drugs for someone", KB_AGE_UNKNOWN, CRI, {"drugs-voor-ander"}, L_ANY, L_ANY, L_REPORT,
	 L_REPORT, CRI},
	{"age unknown, long days and no pay (child rule gives report)", KB_AGE_UNKNOWN, LAB,
	 {"lange-dagen", "weinig-of-geen-loon"}, L_ANY, L_REPORT, L_ANY, L_REPORT, LAB},
};

static void test_scenarios_from_the_law(void **state)
{
	(void)state;
	struct kb kb;
	load_real_kb(&kb);
	for (size_t i = 0; i < sizeof scenarios / sizeof *scenarios; i++) {
		const struct scenario *sc = &scenarios[i];
		size_t indexes[12], count = 0;
		for (; count < 12 && sc->signals[count]; count++)
			indexes[count] = signal_index(&kb, sc->signals[count]);
		struct assess_result result;
		assert_int_equal(assess_signals(&kb, indexes, count, sc->age, sc->chosen, &result), 0);
		const int expected[KB_FORM_COUNT] = {sc->sexual, sc->labour, sc->criminal};
		for (int f = 0; f < KB_FORM_COUNT; f++) {
			if (expected[f] != L_ANY && (int)result.forms[f].level != expected[f])
				fail_msg("%s: %s level %s, expected %s", sc->name, kb_form_id((enum kb_form)f),
					 assess_level_id(result.forms[f].level),
					 assess_level_id((enum assess_level)expected[f]));
			bool relevant = (sc->relevant & (1u << f)) != 0;
			if (result.forms[f].relevant != relevant)
				fail_msg("%s: %s relevant %d, expected %d", sc->name, kb_form_id((enum kb_form)f),
					 result.forms[f].relevant, relevant);
		}
		if ((int)result.level != sc->overall)
			fail_msg("%s: overall level %s, expected %s", sc->name, assess_level_id(result.level),
				 assess_level_id((enum assess_level)sc->overall));
		assess_result_release(&result);
	}
	kb_release(&kb);
}

/* Sexual and criminal exploitation borrow the labour lists: their weighing is
 * provisional (docs/assessment.md section 5); labour's is not. */
static void test_real_forms_say_which_weighing_is_provisional(void **state)
{
	(void)state;
	struct kb kb;
	load_real_kb(&kb);
	assert_false(kb.form_provisional[KB_FORM_LABOUR]);
	assert_true(kb.form_provisional[KB_FORM_SEXUAL]);
	assert_true(kb.form_provisional[KB_FORM_CRIMINAL]);
	kb_release(&kb);
}

static json_t *load_data_file(const char *name)
{
	char path[4096];
	json_error_t error;
	snprintf(path, sizeof path, "%s/%s", TEST_DATADIR, name);
	json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &error);
	if (!doc)
		fail_msg("%s: %s", path, error.text);
	return doc;
}

/* Every channel states its number, purpose, region and hours, and each of
 * these facts (and every other it states) names a source that the file
 * describes and a confidence. kb refuses a stated fact without a source; this
 * also catches a channel that drops a fact together with its source. */
static void test_every_channel_fact_has_source_and_confidence(void **state)
{
	(void)state;
	json_t *doc = load_data_file("channels.json");
	json_t *sources = json_object_get(doc, "sources");
	json_t *channels = json_object_get(doc, "channels");
	assert_true(json_is_object(sources) && json_is_array(channels));
	static const char *const required[] = {"phone", "purpose", "region", "hours"};
	size_t index;
	json_t *entry;
	json_array_foreach(channels, index, entry) {
		const char *id = json_string_value(json_object_get(entry, "id"));
		json_t *facts = json_object_get(entry, "facts");
		for (size_t r = 0; r < sizeof required / sizeof *required; r++) {
			if (!json_object_get(facts, required[r]))
				fail_msg("channel %s: no fact \"%s\"", id, required[r]);
		}
		const char *name;
		json_t *fact;
		json_object_foreach(facts, name, fact) {
			const char *source = json_string_value(json_object_get(fact, "source"));
			const char *confidence = json_string_value(json_object_get(fact, "confidence"));
			const char *description = source ? json_string_value(json_object_get(sources, source)) : NULL;
			if (!description || strlen(description) < 10)
				fail_msg("channel %s, fact %s: source \"%s\" is not described", id, name, source ? source : "");
			if (!confidence || (strcmp(confidence, "low") != 0 && strcmp(confidence, "medium") != 0 &&
					    strcmp(confidence, "high") != 0))
				fail_msg("channel %s, fact %s: no confidence", id, name);
		}
	}
	json_decref(doc);
}

/* The digits a person dials: a display "010-236 52 56" and a link
 * "tel:+31102365256" are the same number when "+31" stands for the "0". */
static size_t dial_digits(const char *text, char *out, size_t size)
{
	size_t n = 0;
	if (strncmp(text, "+31", 3) == 0) {
		out[n++] = '0';
		text += 3;
	}
	for (; *text && n + 1 < size; text++) {
		if (*text >= '0' && *text <= '9')
			out[n++] = *text;
	}
	out[n] = '\0';
	return n;
}

/* A wrong number hurts people: every display is digits with '-' or spaces,
 * dials the same digits as its tel: link, and is a Dutch number: 112, an
 * 0800/0900 service number (8 to 11 digits) or a 10-digit number. */
static void test_phone_numbers_are_well_formed(void **state)
{
	(void)state;
	struct kb kb;
	load_real_kb(&kb);
	for (size_t i = 0; i < kb.channel_count; i++) {
		const struct kb_channel *channel = &kb.channels[i];
		for (const char *c = channel->phone_display; *c; c++) {
			if (!((*c >= '0' && *c <= '9') || *c == '-' || *c == ' '))
				fail_msg("channel %s: display \"%s\" holds '%c'", channel->id, channel->phone_display, *c);
		}
		char shown[32], dialled[32];
		size_t shown_len = dial_digits(channel->phone_display, shown, sizeof shown);
		assert_int_equal(strncmp(channel->phone_tel, "tel:", 4), 0);
		dial_digits(channel->phone_tel + 4, dialled, sizeof dialled);
		if (strcmp(shown, dialled) != 0)
			fail_msg("channel %s: display %s dials %s, the link %s", channel->id, channel->phone_display,
				 shown, channel->phone_tel);
		bool emergency = strcmp(shown, "112") == 0;
		bool service = strncmp(shown, "0800", 4) == 0 || strncmp(shown, "0900", 4) == 0;
		bool ordinary = shown[0] == '0' && shown[1] != '0' && shown_len == 10;
		if (!(emergency || (service && shown_len >= 8 && shown_len <= 11) || ordinary))
			fail_msg("channel %s: %s is not a Dutch number", channel->id, channel->phone_display);
	}
	kb_release(&kb);
}

/* Every signal belongs to a form and a profile and cites described sources;
 * the weights it carries come from ilo_indicators.json, which names its
 * source, and every indicator it points to has a confidence. A signal that
 * carries weight or marks an act for one profile says so with its sources. */
static void test_every_signal_has_form_weight_and_source(void **state)
{
	(void)state;
	json_t *signals_doc = load_data_file("signals.json");
	json_t *indicators_doc = load_data_file("ilo_indicators.json");
	const char *ilo_source = json_string_value(json_object_get(indicators_doc, "source"));
	assert_non_null(ilo_source);
	assert_true(strlen(ilo_source) > 20);
	json_t *sources = json_object_get(signals_doc, "sources");
	size_t index;
	json_t *entry;
	json_array_foreach(json_object_get(signals_doc, "signals"), index, entry) {
		const char *id = json_string_value(json_object_get(entry, "id"));
		if (json_array_size(json_object_get(entry, "forms")) == 0)
			fail_msg("signal %s: no form", id);
		if (json_array_size(json_object_get(entry, "source")) == 0)
			fail_msg("signal %s: no source", id);
		size_t k;
		json_t *key;
		json_array_foreach(json_object_get(entry, "source"), k, key) {
			const char *description = json_string_value(json_object_get(sources, json_string_value(key)));
			if (!description || strlen(description) < 10)
				fail_msg("signal %s: source \"%s\" is not described", id, json_string_value(key));
		}
	}
	struct kb kb;
	load_real_kb(&kb);
	size_t weighted = 0;
	for (size_t i = 0; i < kb.signal_count; i++) {
		const struct kb_signal *signal = &kb.signals[i];
		assert_true(signal->forms != 0 && signal->profiles != 0);
		assert_true(signal->source && strlen(signal->source) > 10);
		weighted += signal->weight_count > 0;
		for (size_t w = 0; w < signal->weight_count; w++) {
			const struct kb_weight *weight = &signal->weights[w];
			assert_true(weight->indicator < kb.indicator_count);
			assert_true(weight->strength >= KB_STRENGTH_WEAK && weight->strength <= KB_STRENGTH_STRONG);
			assert_true(signal->forms & (1u << weight->form));
			assert_true(signal->profiles & (1u << weight->profile));
			assert_int_equal(kb.indicators[weight->indicator].dimension, weight->dimension);
		}
		/* an act is the exploitation itself under art. 273f lid 2: it cites the law */
		if (signal->acts && !strstr(signal->source, "273f"))
			fail_msg("act signal %s does not cite art. 273f", signal->id);
	}
	/* most signals carry weight; the rest are concern signals on purpose */
	assert_true(weighted * 2 > kb.signal_count);
	kb_release(&kb);
	json_decref(signals_doc);
	json_decref(indicators_doc);
}

static const char *first_channel(const struct kb *kb, const struct situation *s)
{
	static struct route_result r;
	route_for_situation(kb, test_texts(), s, 0, &r);
	return r.count ? r.items[0].channel->id : "(none)";
}

/* Situations from the domain review, on today's channels and hours. */
static void test_real_routing_from_the_review(void **state)
{
	(void)state;
	struct kb kb;
	load_real_kb(&kb);
	struct situation s;
	struct route_result r;

	/* a neighbour at 23:30 sees what happens at a house and wants to report:
	 * ESSM (08:30-22:00) is closed, so the police's general number comes first,
	 * ESSM follows with when it opens, and 112 stays the last line */
	situation_init(&s);
	s.report_victim = true;
	s.has_time = true;
	s.at = parse_time("2026-11-27T23:30:00+01:00");
	route_for_situation(&kb, test_texts(), &s, 0, &r);
	assert_string_equal(r.items[0].channel->id, "politie");
	assert_string_equal(r.items[1].channel->id, "essm");
	assert_int_equal(r.items[1].state.state, CHANNEL_STATE_CLOSED);
	assert_non_null(strstr(r.items[1].reason, "morgen om 08:30 uur"));
	assert_non_null(strstr(r.items[1].reason, "Kun je niet wachten? Bel dan de politie op 0900-8844."));
	assert_string_equal(r.items[r.count - 1].channel->id, "112");
	/* the same neighbour at 14:00: ESSM first */
	s.at = parse_time("2026-11-27T14:00:00+01:00");
	assert_string_equal(first_channel(&kb, &s), "essm");

	/* a teacher who wants to report a pupil who may be under 18: Veilig Thuis
	 * first (the meldcode), day and night, and never the anonymous tip line */
	static const enum kb_age ages[] = {KB_AGE_MINOR, KB_AGE_UNKNOWN};
	static const char *const moments[] = {"2026-11-24T10:00:00+01:00", "2026-11-24T23:30:00+01:00"};
	for (size_t a = 0; a < 2; a++) {
		for (size_t m = 0; m < 2; m++) {
			situation_init(&s);
			s.works_with_children = true;
			s.report_victim = true;
			s.wants_anonymity = m == 1;
			s.age = ages[a];
			s.has_time = true;
			s.at = parse_time(moments[m]);
			route_for_situation(&kb, test_texts(), &s, 0, &r);
			assert_string_equal(r.items[0].channel->id, "veiligthuis");
			assert_string_equal(r.items[0].channel->phone_display, "0800-2000");
			assert_int_equal(r.items[0].state.state, CHANNEL_STATE_OPEN);
		}
	}
	/* the same teacher asking for advice at 10:00: ESSM first, Veilig Thuis right after */
	situation_init(&s);
	s.works_with_children = true;
	s.wants_advice = true;
	s.age = KB_AGE_MINOR;
	s.has_time = true;
	s.at = parse_time("2026-11-24T10:00:00+01:00");
	route_for_situation(&kb, test_texts(), &s, 0, &r);
	assert_string_equal(r.items[0].channel->id, "essm");
	assert_string_equal(r.items[1].channel->id, "veiligthuis");

	/* a possible minor at night without a professional: Veilig Thuis, day and night */
	situation_init(&s);
	s.wants_advice = true;
	s.age = KB_AGE_UNKNOWN;
	s.has_time = true;
	s.at = parse_time("2026-11-27T23:30:00+01:00");
	route_for_situation(&kb, test_texts(), &s, 0, &r);
	assert_string_equal(r.items[0].channel->id, "veiligthuis");
	assert_non_null(strstr(r.items[1].reason, "Bel Veilig Thuis op 0800-2000, dag en nacht."));

	/* an acute danger is 112 first, with its real number */
	situation_init(&s);
	s.acute_danger = true;
	route_for_situation(&kb, test_texts(), &s, parse_time("2026-11-27T23:30:00+01:00"), &r);
	assert_string_equal(r.items[0].channel->phone_tel, "tel:112");
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
		cmocka_unit_test(test_real_forms_say_which_weighing_is_provisional),
		cmocka_unit_test(test_every_channel_fact_has_source_and_confidence),
		cmocka_unit_test(test_phone_numbers_are_well_formed),
		cmocka_unit_test(test_every_signal_has_form_weight_and_source),
		cmocka_unit_test(test_scenarios_from_the_law),
		cmocka_unit_test(test_real_routing_from_the_review),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
