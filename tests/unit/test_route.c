/*
 * route on the fixture knowledge base (tests/fixtures/kb): the channels have
 * the ids route.c knows, made-up numbers (0000-000N) and chosen hours, so
 * that every routing rule of docs/assessment.md section 7 is tested on its
 * own and not through today's real hours (test_data.c routes on data/):
 * ESSM 10:00-20:00 and the anonymous line 08:00-22:00 every day, the police
 * and the labour authority with unknown hours, Veilig Thuis and 112 always.
 */
#include "test_support.h"

#include <string.h>

#include "route.h"

static const char *channel_at(const struct route_result *r, size_t i)
{
	return i < r->count ? r->items[i].channel->id : "(none)";
}

static const struct route_recommendation *find(const struct route_result *r, const char *id)
{
	for (size_t i = 0; i < r->count; i++) {
		if (strcmp(r->items[i].channel->id, id) == 0)
			return &r->items[i];
	}
	return NULL;
}

static const int64_t saturday_noon = 1795863600; /* 2026-11-28T12:00:00+01:00 */

static size_t position(const struct route_result *r, const char *id)
{
	for (size_t i = 0; i < r->count; i++) {
		if (strcmp(r->items[i].channel->id, id) == 0)
			return i;
	}
	return r->count;
}

static void test_every_combination_keeps_the_rules(void **state)
{
	(void)state;
	struct kb kb;
	load_fixture_kb(&kb);
	assert_int_equal(saturday_noon, parse_time("2026-11-28T12:00:00+01:00"));
	/* 4 flags x 3 ages x 4 form bits (3 forms + unknown) x 2 regions x works with children x about self */
	for (unsigned combination = 0; combination < (1u << 13); combination++) {
		unsigned age = (combination >> 4) & 3u;
		if (age == 3)
			continue;
		struct situation s;
		situation_init(&s);
		s.acute_danger = combination & 1u;
		s.wants_advice = combination & 2u;
		s.report_victim = combination & 4u;
		s.wants_anonymity = combination & 8u;
		s.age = age == 0 ? KB_AGE_ADULT : age == 1 ? KB_AGE_MINOR : KB_AGE_UNKNOWN;
		s.forms = (combination >> 6) & 7u;
		s.form_unknown = combination & 512u;
		s.region = combination & 1024u ? REGION_OTHER : REGION_ROTTERDAM;
		s.works_with_children = combination & 2048u;
		s.about_self = combination & 4096u;
		struct route_result r;
		route_for_situation(&kb, test_texts(), &s, saturday_noon, &r);

		assert_int_equal(r.urgent, s.acute_danger);
		size_t main_need = 0;
		if (s.acute_danger) {
			assert_string_equal(channel_at(&r, 0), "112");
			main_need = 1;
		}
		bool possibly_minor = s.age != KB_AGE_ADULT;
		const char *expected_first =
			s.wants_anonymity && !s.about_self && !s.works_with_children ? "meldmisdaadanoniem"
			: s.works_with_children && s.report_victim && possibly_minor ? "veiligthuis"
			: (s.about_self || s.wants_advice || s.report_victim) && s.region == REGION_ROTTERDAM ? "essm"
			: (s.forms & (1u << KB_FORM_LABOUR))							       ? "nla"
																 : "politie";
		assert_string_equal(channel_at(&r, main_need), expected_first);
		/* always reachable: 112, the police and the anonymous line */
		assert_non_null(find(&r, "112"));
		assert_non_null(find(&r, "politie"));
		assert_non_null(find(&r, "meldmisdaadanoniem"));
		assert_true((find(&r, "essm") != NULL) == (s.region == REGION_ROTTERDAM));
		assert_true((find(&r, "nla") != NULL) == ((s.forms & (1u << KB_FORM_LABOUR)) != 0));
		/* a possible minor (also age unknown) brings in Veilig Thuis */
		assert_true((find(&r, "veiligthuis") != NULL) == (s.age != KB_AGE_ADULT));
		/* Veilig Thuis before the police's general number for a possible minor; for a
		 * professional (meldcode) also before ESSM, unless ESSM answers the main need */
		if (possibly_minor && strcmp(expected_first, "politie") != 0)
			assert_true(position(&r, "veiligthuis") < position(&r, "politie"));
		if (possibly_minor && s.works_with_children && strcmp(expected_first, "essm") != 0)
			assert_true(position(&r, "veiligthuis") < position(&r, "essm"));
		for (size_t i = 0; i < r.count; i++) {
			assert_true(strlen(r.items[i].reason) > 20);
			for (size_t j = 0; j < i; j++)
				assert_ptr_not_equal(r.items[i].channel, r.items[j].channel);
		}
		if (!s.acute_danger)
			assert_string_equal(channel_at(&r, r.count - 1), "112");
	}
	kb_release(&kb);
}

static void test_outside_the_region_says_so(void **state)
{
	(void)state;
	struct kb kb;
	load_fixture_kb(&kb);
	struct situation s;
	situation_init(&s);
	s.wants_advice = true;
	s.region = REGION_OTHER;
	s.lang = KB_LANG_EN;
	struct route_result r;
	route_for_situation(&kb, test_texts(), &s, saturday_noon, &r);
	assert_string_equal(channel_at(&r, 0), "politie");
	assert_non_null(strstr(r.items[0].reason, "only serves the Rotterdam region"));
	kb_release(&kb);
}

struct essm_case {
	const char *at;
	enum channel_open_state state;
	bool closes_soon;
	const char *phrase;
};

static void test_essm_state_and_reason_at_the_boundaries(void **state)
{
	(void)state;
	struct kb kb;
	load_fixture_kb(&kb);
	static const struct essm_case cases[] = {
		{"2026-11-28T09:59:00+01:00", CHANNEL_STATE_CLOSED, false, "Nu gesloten. Weer bereikbaar vandaag om 10:00 uur."},
		{"2026-11-28T10:00:00+01:00", CHANNEL_STATE_OPEN, false, "Nu bereikbaar, tot 20:00 uur."},
		{"2026-11-28T19:29:00+01:00", CHANNEL_STATE_OPEN, false, "Nu bereikbaar, tot 20:00 uur."},
		{"2026-11-28T19:30:00+01:00", CHANNEL_STATE_OPEN, true, "Nog 30 minuten bereikbaar, tot 20:00 uur."},
		{"2026-11-28T19:45:00+01:00", CHANNEL_STATE_OPEN, true, "Nog 15 minuten bereikbaar, tot 20:00 uur."},
		{"2026-11-28T19:59:00+01:00", CHANNEL_STATE_OPEN, true, "Nog 1 minuut bereikbaar, tot 20:00 uur."},
		{"2026-11-28T20:00:00+01:00", CHANNEL_STATE_CLOSED, false, "Nu gesloten. Weer bereikbaar morgen om 10:00 uur."},
		{"2026-03-29T09:59:00+02:00", CHANNEL_STATE_CLOSED, false, "vandaag om 10:00 uur"},
		{"2026-03-29T10:00:00+02:00", CHANNEL_STATE_OPEN, false, "tot 20:00 uur"},
		{"2026-03-29T19:59:00+02:00", CHANNEL_STATE_OPEN, true, "tot 20:00 uur"},
		{"2026-03-29T20:00:00+02:00", CHANNEL_STATE_CLOSED, false, "morgen om 10:00 uur"},
		{"2026-10-25T09:59:00+01:00", CHANNEL_STATE_CLOSED, false, "vandaag om 10:00 uur"},
		{"2026-10-25T10:00:00+01:00", CHANNEL_STATE_OPEN, false, "tot 20:00 uur"},
		{"2026-10-25T19:59:00+01:00", CHANNEL_STATE_OPEN, true, "tot 20:00 uur"},
		{"2026-10-25T20:00:00+01:00", CHANNEL_STATE_CLOSED, false, "morgen om 10:00 uur"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct situation s;
		situation_init(&s);
		s.wants_advice = true;
		s.has_time = true;
		s.at = parse_time(cases[i].at);
		struct route_result r;
		route_for_situation(&kb, test_texts(), &s, 0, &r);
		const struct route_recommendation *essm = find(&r, "essm");
		assert_non_null(essm);
		if (essm->state.state != cases[i].state)
			fail_msg("%s: ESSM state %d, expected %d", cases[i].at, essm->state.state, cases[i].state);
		if (!strstr(essm->reason, cases[i].phrase))
			fail_msg("%s: reason \"%s\" lacks \"%s\"", cases[i].at, essm->reason, cases[i].phrase);
		assert_int_equal(essm->closes_soon, cases[i].closes_soon);
		/* closed: never first; the anonymous line (open 08:00-22:00) moves before it, ahead of
		 * the police whose hours are unknown, and the police's number is named in ESSM's reason */
		if (cases[i].state == CHANNEL_STATE_CLOSED) {
			assert_string_equal(channel_at(&r, 0), "meldmisdaadanoniem");
			assert_int_equal(r.items[0].state.state, CHANNEL_STATE_OPEN);
			assert_string_equal(channel_at(&r, 1), "essm");
			assert_non_null(strstr(essm->reason, "Kun je niet wachten? Bel dan de politie op 0000-0001."));
		} else {
			assert_string_equal(channel_at(&r, 0), "essm");
		}
		if (cases[i].closes_soon)
			assert_non_null(strstr(essm->reason, "Daarna kun je de politie bellen op 0000-0001."));
		/* an adult who asked for advice is not sent to the anonymous tip line by ESSM's reason */
		assert_null(strstr(essm->reason, "Meld Misdaad Anoniem"));
		assert_null(strstr(essm->reason, "Veilig Thuis"));
		/* a channel without an end never closes soon */
		assert_false(find(&r, "112")->closes_soon);
	}
	kb_release(&kb);
}

/* A possible minor at night: Veilig Thuis (day and night) comes first and is
 * named in ESSM's reason; a professional is not pointed to the anonymous tip. */
static void test_closed_essm_for_a_possible_minor(void **state)
{
	(void)state;
	struct kb kb;
	load_fixture_kb(&kb);
	static const enum kb_age ages[] = {KB_AGE_MINOR, KB_AGE_UNKNOWN};
	for (size_t a = 0; a < 2; a++) {
		for (int professional = 0; professional < 2; professional++) {
			struct situation s;
			situation_init(&s);
			s.wants_advice = true;
			s.age = ages[a];
			s.works_with_children = professional;
			s.has_time = true;
			s.at = parse_time("2026-11-27T23:30:00+01:00");
			struct route_result r;
			route_for_situation(&kb, test_texts(), &s, 0, &r);
			assert_string_equal(channel_at(&r, 0), "veiligthuis");
			assert_int_equal(r.items[0].state.state, CHANNEL_STATE_OPEN);
			const struct route_recommendation *essm = find(&r, "essm");
			assert_non_null(strstr(essm->reason, ages[a] == KB_AGE_MINOR
								     ? "Of bel Veilig Thuis op 0000-0005, dag en nacht."
								     : "Gaat het om iemand jonger dan 18? Bel Veilig Thuis op 0000-0005, dag en nacht."));
			assert_non_null(strstr(essm->reason, "0000-0001"));
			assert_null(strstr(essm->reason, "Meld Misdaad Anoniem"));
			if (professional)
				assert_non_null(strstr(find(&r, "meldmisdaadanoniem")->reason, "meldcode"));
		}
	}
	/* at 19:45 ESSM stays first, says it closes in 15 minutes and what comes after */
	struct situation s;
	situation_init(&s);
	s.wants_advice = true;
	s.age = KB_AGE_MINOR;
	s.has_time = true;
	s.at = parse_time("2026-11-27T19:45:00+01:00");
	struct route_result r;
	route_for_situation(&kb, test_texts(), &s, 0, &r);
	assert_string_equal(channel_at(&r, 0), "essm");
	assert_true(r.items[0].closes_soon);
	assert_non_null(strstr(r.items[0].reason, "Nog 15 minuten bereikbaar"));
	assert_non_null(strstr(r.items[0].reason, "Daarna kun je de politie bellen op 0000-0001."));
	assert_non_null(strstr(r.items[0].reason, "Veilig Thuis op 0000-0005"));
	kb_release(&kb);
}

/* A closed channel never stays first: the first open one moves before it,
 * else the first with unknown hours; 112 without acute danger never moves up;
 * the closed channel follows with when it opens. */
static void test_closed_channel_moves_behind_the_first_reachable(void **state)
{
	(void)state;
	struct kb kb;
	load_fixture_kb(&kb);
	struct situation s;
	struct route_result r;

	/* 21:00: ESSM closed, the anonymous line open: it moves before the police (unknown hours) */
	situation_init(&s);
	s.wants_advice = true;
	s.has_time = true;
	s.at = parse_time("2026-11-27T21:00:00+01:00");
	route_for_situation(&kb, test_texts(), &s, 0, &r);
	assert_string_equal(channel_at(&r, 0), "meldmisdaadanoniem");
	assert_string_equal(channel_at(&r, 1), "essm");
	assert_string_equal(channel_at(&r, 2), "politie");
	assert_non_null(strstr(r.items[1].reason, "Weer bereikbaar morgen om 10:00 uur."));

	/* 23:30: both closed; the police (unknown hours) moves up, not 112 although it is open */
	s.at = parse_time("2026-11-27T23:30:00+01:00");
	route_for_situation(&kb, test_texts(), &s, 0, &r);
	assert_string_equal(channel_at(&r, 0), "politie");
	assert_int_equal(r.items[0].state.state, CHANNEL_STATE_UNKNOWN);
	assert_string_equal(channel_at(&r, 1), "essm");
	assert_string_equal(channel_at(&r, r.count - 1), "112");
	assert_int_equal(find(&r, "meldmisdaadanoniem")->state.state, CHANNEL_STATE_CLOSED);
	assert_non_null(strstr(find(&r, "meldmisdaadanoniem")->reason, "Weer bereikbaar morgen om 08:00 uur."));

	/* with acute danger 112 stays first and the reachable channel comes right after it */
	s.acute_danger = true;
	route_for_situation(&kb, test_texts(), &s, 0, &r);
	assert_string_equal(channel_at(&r, 0), "112");
	assert_string_equal(channel_at(&r, 1), "politie");
	assert_string_equal(channel_at(&r, 2), "essm");

	/* anonymity asked at 23:30: the closed anonymous line gives way to the police; ESSM's
	 * reason offers the anonymous online form */
	situation_init(&s);
	s.wants_anonymity = true;
	s.has_time = true;
	s.at = parse_time("2026-11-27T23:30:00+01:00");
	route_for_situation(&kb, test_texts(), &s, 0, &r);
	assert_string_equal(channel_at(&r, 0), "politie");
	assert_string_equal(channel_at(&r, 1), "meldmisdaadanoniem");
	assert_non_null(strstr(find(&r, "essm")->reason, "online formulier van Meld Misdaad Anoniem"));
	/* a professional under the meldcode is not offered the anonymous form */
	s.works_with_children = true;
	route_for_situation(&kb, test_texts(), &s, 0, &r);
	assert_null(strstr(find(&r, "essm")->reason, "Meld Misdaad Anoniem"));
	assert_string_not_equal(channel_at(&r, 0), "meldmisdaadanoniem");

	/* unknown hours are not closed: the labour authority stays first at night */
	situation_init(&s);
	s.forms = 1u << KB_FORM_LABOUR;
	s.has_time = true;
	s.at = parse_time("2026-11-27T23:30:00+01:00");
	route_for_situation(&kb, test_texts(), &s, 0, &r);
	assert_string_equal(channel_at(&r, 0), "nla");
	kb_release(&kb);
}

/* The meldcode: a teacher or youth worker who reports a possible minor goes to
 * Veilig Thuis first; for advice ESSM stays first with Veilig Thuis right
 * after it; the anonymous line's reason says it is not their route. */
static void test_works_with_children(void **state)
{
	(void)state;
	struct kb kb;
	load_fixture_kb(&kb);
	static const enum kb_age ages[] = {KB_AGE_MINOR, KB_AGE_UNKNOWN};
	for (size_t a = 0; a < 2; a++) {
		struct situation s;
		situation_init(&s);
		s.works_with_children = true;
		s.report_victim = true;
		s.wants_anonymity = true;
		s.age = ages[a];
		struct route_result r;
		route_for_situation(&kb, test_texts(), &s, saturday_noon, &r);
		assert_string_equal(channel_at(&r, 0), "veiligthuis");
		assert_non_null(strstr(r.items[0].reason, "meldcode"));
		s.report_victim = false;
		s.wants_anonymity = false;
		s.wants_advice = true;
		route_for_situation(&kb, test_texts(), &s, saturday_noon, &r);
		assert_string_equal(channel_at(&r, 0), "essm");
		/* (only without a wish for anonymity: with one, the line's reason is T_REASON_MMA_WANTED) */
		assert_non_null(strstr(find(&r, "meldmisdaadanoniem")->reason, "niet de weg voor iemand die de meldcode"));
		assert_string_equal(channel_at(&r, 1), "veiligthuis");
		assert_true(position(&r, "veiligthuis") < position(&r, "politie"));
	}
	/* an adult: the meldcode's route does not apply */
	struct situation s;
	situation_init(&s);
	s.works_with_children = true;
	s.report_victim = true;
	struct route_result r;
	route_for_situation(&kb, test_texts(), &s, saturday_noon, &r);
	assert_string_equal(channel_at(&r, 0), "essm");
	assert_null(find(&r, "veiligthuis"));
	kb_release(&kb);
}

/* Someone asking about themselves is spoken to as "you", help and shelter first. */
static void test_about_self_speaks_to_the_person(void **state)
{
	(void)state;
	struct kb kb;
	load_fixture_kb(&kb);
	struct situation s;
	situation_init(&s);
	s.about_self = true;
	s.forms = 1u << KB_FORM_LABOUR;
	s.lang = KB_LANG_EN;
	struct route_result r;
	route_for_situation(&kb, test_texts(), &s, saturday_noon, &r);
	assert_string_equal(channel_at(&r, 0), "essm");
	assert_non_null(strstr(r.items[0].reason, "You can call ESSM yourself"));
	assert_non_null(strstr(r.items[0].reason, "shelter"));
	assert_non_null(strstr(find(&r, "nla")->reason, "Do you work"));
	assert_non_null(strstr(find(&r, "112")->reason, "Are you in danger?"));
	kb_release(&kb);
}

static void test_reasons_follow_the_language(void **state)
{
	(void)state;
	struct kb kb;
	load_fixture_kb(&kb);
	struct situation s;
	situation_init(&s);
	s.acute_danger = true;
	s.lang = KB_LANG_EN;
	struct route_result r;
	route_for_situation(&kb, test_texts(), &s, saturday_noon, &r);
	assert_string_equal(r.items[0].reason, "There is acute danger. Call 112 straight away. Available day and night.");
	s.lang = KB_LANG_NL;
	route_for_situation(&kb, test_texts(), &s, saturday_noon, &r);
	assert_string_equal(r.items[0].reason, "Er is acuut gevaar. Bel meteen 112. Dag en nacht bereikbaar.");
	const struct route_recommendation *police = find(&r, "politie");
	assert_int_equal(police->state.state, CHANNEL_STATE_UNKNOWN);
	assert_non_null(strstr(police->reason, "De openingstijden zijn niet bekend."));
	kb_release(&kb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_combination_keeps_the_rules),
		cmocka_unit_test(test_outside_the_region_says_so),
		cmocka_unit_test(test_essm_state_and_reason_at_the_boundaries),
		cmocka_unit_test(test_closed_essm_for_a_possible_minor),
		cmocka_unit_test(test_closed_channel_moves_behind_the_first_reachable),
		cmocka_unit_test(test_works_with_children),
		cmocka_unit_test(test_about_self_speaks_to_the_person),
		cmocka_unit_test(test_reasons_follow_the_language),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
