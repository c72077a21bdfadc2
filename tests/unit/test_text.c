/* texts (loading web/strings.json, marks, fill-in), and that every sentence
 * text.c, wegwijzer.c and the command line ask for is there in both languages. */
#define _POSIX_C_SOURCE 200809L
#include "test_support.h"

#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "route.h"
#include "text.h"
#include "texts.h"
#include "wegwijzer.h"

/* Writes `content` to a new temporary file; its path goes to `path`. */
static void write_temp(char path[64], const char *content)
{
	snprintf(path, 64, "/tmp/meldwijzer-test-texts-XXXXXX");
	int fd = mkstemp(path);
	if (fd < 0)
		fail_msg("mkstemp failed");
	size_t len = strlen(content);
	if (write(fd, content, len) != (ssize_t)len)
		fail_msg("write failed");
	close(fd);
}

/* Loads `content` as a strings file: the status, and the error in `error`. */
static int load_text(const char *content, struct texts *texts, char error[TEXTS_ERROR_SIZE])
{
	char path[64];
	write_temp(path, content);
	error[0] = '\0';
	int status = texts_load(texts, path, error, TEXTS_ERROR_SIZE);
	unlink(path);
	return status;
}

static void expect_load_error(const char *content, const char *part)
{
	struct texts texts;
	char error[TEXTS_ERROR_SIZE];
	if (load_text(content, &texts, error) == 0)
		fail_msg("%s loaded, expected an error with '%s'", content, part);
	if (!strstr(error, part))
		fail_msg("error '%s' for %s does not contain '%s'", error, content, part);
	/* a failed load leaves nothing behind; releasing again is harmless */
	assert_null(texts.by_lang[KB_LANG_NL]);
	texts_release(&texts);
}

static void test_the_real_file_has_every_key_in_both_languages(void **state)
{
	(void)state;
	struct texts texts;
	char error[TEXTS_ERROR_SIZE] = "";
	load_real_texts(&texts);
	if (text_check(&texts, error, sizeof error))
		fail_msg("text.c: %s", error);
	if (wegwijzer_check(&texts, error, sizeof error))
		fail_msg("wegwijzer.c: %s", error);
	/* every id has a key, and it is found (texts_get gives the key itself only when it is missing) */
	for (int id = 0; id < T_COUNT; id++) {
		const struct texts_need *need = text_need((enum text_id)id);
		assert_non_null(need->key);
		for (int l = 0; l < KB_LANG_COUNT; l++) {
			const char *text = text_get(&texts, (enum text_id)id, (enum kb_lang)l);
			if (strcmp(text, need->key) == 0)
				fail_msg("%s has no %s text", need->key, kb_lang_id((enum kb_lang)l));
		}
	}
	/* the command line's own key */
	assert_string_equal(texts_get(&texts, KB_LANG_EN, "cli_url_in_english"), "in English:");
	texts_release(&texts);
}

static void test_the_sentences_are_the_ones_people_saw_before(void **state)
{
	(void)state;
	struct texts texts;
	load_real_texts(&texts);
	assert_string_equal(text_level(&texts, ASSESS_LEVEL_REPORT, KB_LANG_NL), "Reden om te melden.");
	assert_string_equal(text_level(&texts, ASSESS_LEVEL_REPORT, KB_LANG_EN), "Reason to report.");
	assert_string_equal(text_basis(&texts, ASSESS_BASIS_MINOR_ACT, KB_FORM_CRIMINAL, KB_LANG_EN),
			    "For someone under 18, no force is needed. Crime done for someone else is already "
			    "exploitation. One such signal is reason enough to report.");
	assert_string_equal(text_next_step(&texts, ASSESS_LEVEL_WATCH, KB_LANG_NL),
			    "Wat je nu doet: let goed op en schrijf op wat je ziet (wat, wanneer, waar). Twijfel je? "
			    "Vraag advies, ook anoniem.");
	assert_string_equal(text_unknown_dimension(&texts, KB_DIMENSION_EXPLOITATIVE_CONDITIONS, KB_FORM_SEXUAL,
						   KB_LANG_EN),
			    "whether the person has to have sex with others, and whether someone else arranges it or "
			    "earns from it");
	assert_string_equal(text_form_name(&texts, KB_FORM_LABOUR, KB_LANG_NL), "arbeidsuitbuiting");
	char title[80];
	wegwijzer_form_title(&texts, KB_FORM_SEXUAL, KB_LANG_EN, title, sizeof title);
	assert_string_equal(title, "Sexual exploitation");
	texts_release(&texts);
}

static void test_moments_in_both_languages(void **state)
{
	(void)state;
	struct texts texts;
	load_real_texts(&texts);
	char moment[96];
	int64_t late_saturday = parse_time("2026-11-28T23:00:00+01:00");
	text_moment(&texts, late_saturday, parse_time("2026-12-01T08:30:00+01:00"), KB_LANG_NL, moment, sizeof moment);
	assert_string_equal(moment, "op dinsdag 1 december om 08:30 uur");
	text_moment(&texts, late_saturday, parse_time("2026-12-01T08:30:00+01:00"), KB_LANG_EN, moment, sizeof moment);
	assert_string_equal(moment, "on Tuesday 1 December at 08:30");
	text_moment(&texts, late_saturday, parse_time("2026-11-29T09:00:00+01:00"), KB_LANG_NL, moment, sizeof moment);
	assert_string_equal(moment, "morgen om 09:00 uur");
	text_moment(&texts, late_saturday, parse_time("2026-11-28T23:30:00+01:00"), KB_LANG_EN, moment, sizeof moment);
	assert_string_equal(moment, "today at 23:30");
	texts_release(&texts);
}

static void test_a_bad_file_is_refused_with_the_key_named(void **state)
{
	(void)state;
	expect_load_error("{\"strings\": {\"a\": {\"nl\": \"x\", \"en\": \"y\"}", "line");
	expect_load_error("[]", "\"strings\" must be an object");
	expect_load_error("{\"strings\": []}", "\"strings\" must be an object");
	/* no fallback to the other language */
	expect_load_error("{\"strings\": {\"only_dutch\": {\"nl\": \"x\"}}}", "only_dutch");
	expect_load_error("{\"strings\": {\"three\": {\"nl\": \"x\", \"en\": \"y\", \"de\": \"z\"}}}", "three");
	expect_load_error("{\"strings\": {\"no_nl\": {\"en\": \"y\", \"de\": \"z\"}}}", "no_nl");
	/* wrong types and empty texts */
	expect_load_error("{\"strings\": {\"flat\": \"x\"}}", "flat");
	expect_load_error("{\"strings\": {\"number\": {\"nl\": 1, \"en\": \"y\"}}}", "number");
	expect_load_error("{\"strings\": {\"empty\": {\"nl\": \"\", \"en\": \"y\"}}}", "empty");
	expect_load_error("{\"strings\": {\"twice\": {\"nl\": \"x\", \"en\": \"y\"}, \"twice\": {\"nl\": \"x\", \"en\": \"y\"}}}",
			  "twice");
	struct texts texts;
	char error[TEXTS_ERROR_SIZE];
	assert_int_equal(texts_load(&texts, "/nonexistent/strings.json", error, sizeof error), -1);
	assert_non_null(strstr(error, "/nonexistent/strings.json"));
}

static void test_a_missing_key_is_never_null(void **state)
{
	(void)state;
	struct texts texts;
	char error[TEXTS_ERROR_SIZE];
	assert_int_equal(load_text("{\"strings\": {\"a\": {\"nl\": \"A-nl\", \"en\": \"A-en\"}}}", &texts, error), 0);
	assert_string_equal(texts_get(&texts, KB_LANG_NL, "a"), "A-nl");
	assert_string_equal(texts_get(&texts, KB_LANG_EN, "a"), "A-en");
	assert_string_equal(texts_get(&texts, KB_LANG_EN, "not_there"), "not_there");
	assert_string_equal(texts_get(&texts, KB_LANG_COUNT, "a"), "a");
	assert_null(texts_json(&texts, KB_LANG_COUNT));
	assert_string_equal(json_string_value(json_object_get(texts_json(&texts, KB_LANG_EN), "a")), "A-en");
	texts_release(&texts);
}

static void test_required_keys_and_marks_are_checked(void **state)
{
	(void)state;
	struct texts texts;
	char error[TEXTS_ERROR_SIZE];
	assert_int_equal(load_text("{\"strings\": {"
				   "\"open\": {\"nl\": \"Open tot {clock} uur.\", \"en\": \"Open until {clock}.\"},"
				   "\"no_mark\": {\"nl\": \"Open tot 22:00.\", \"en\": \"Open until {clock}.\"},"
				   "\"typo\": {\"nl\": \"Open tot {clock}, {klok}.\", \"en\": \"Open until {clock}.\"},"
				   "\"braces\": {\"nl\": \"a {b c} {}\", \"en\": \"x\"}}}",
				   &texts, error),
			 0);
	const struct texts_need good[] = {{"open", "{clock}"}, {"braces", NULL}};
	assert_int_equal(texts_require(&texts, good, 2, error, sizeof error), 0);

	const struct texts_need missing[] = {{"open", "{clock}"}, {"closed", NULL}};
	assert_int_equal(texts_require(&texts, missing, 2, error, sizeof error), -1);
	assert_non_null(strstr(error, "\"closed\" is missing in \"nl\""));

	const struct texts_need lacks[] = {{"no_mark", "{clock}"}};
	assert_int_equal(texts_require(&texts, lacks, 1, error, sizeof error), -1);
	assert_non_null(strstr(error, "\"no_mark\" in \"nl\" lacks the mark {clock}"));

	const struct texts_need typo[] = {{"typo", "{clock}"}};
	assert_int_equal(texts_require(&texts, typo, 1, error, sizeof error), -1);
	assert_non_null(strstr(error, "unknown mark {klok}"));

	/* a mark in a text whose key takes none */
	const struct texts_need none[] = {{"open", NULL}};
	assert_int_equal(texts_require(&texts, none, 1, error, sizeof error), -1);
	assert_non_null(strstr(error, "unknown mark {clock}"));
	texts_release(&texts);
}

/* The real file, less one key: the modules' checks name the key. */
static void test_a_key_removed_from_the_file_stops_the_start(void **state)
{
	(void)state;
	json_error_t json_error;
	json_t *doc = json_load_file(TEST_DATADIR "/../web/strings.json", 0, &json_error);
	assert_non_null(doc);
	json_t *strings = json_object_get(doc, "strings");
	assert_int_equal(json_object_del(strings, "level_report"), 0);
	assert_int_equal(json_object_del(strings, "cli_title"), 0);
	char *content = json_dumps(doc, 0);
	json_decref(doc);
	struct texts texts;
	char error[TEXTS_ERROR_SIZE];
	assert_int_equal(load_text(content, &texts, error), 0);
	free(content);
	assert_int_equal(text_check(&texts, error, sizeof error), -1);
	assert_non_null(strstr(error, "level_report"));
	assert_int_equal(wegwijzer_check(&texts, error, sizeof error), -1);
	assert_non_null(strstr(error, "cli_title"));
	texts_release(&texts);
}

/* The sentences come from the file, not from the program: change one there and the answer changes. */
static void test_the_file_decides_what_is_said(void **state)
{
	(void)state;
	json_error_t json_error;
	json_t *doc = json_load_file(TEST_DATADIR "/../web/strings.json", 0, &json_error);
	assert_non_null(doc);
	json_t *entry = json_object_get(json_object_get(doc, "strings"), "state_open_until");
	assert_int_equal(json_object_set_new(entry, "en", json_string("Open (test) till {clock}.")), 0);
	char *content = json_dumps(doc, 0);
	json_decref(doc);
	struct texts texts;
	char error[TEXTS_ERROR_SIZE];
	assert_int_equal(load_text(content, &texts, error), 0);
	free(content);
	assert_int_equal(text_check(&texts, error, sizeof error), 0);
	struct kb kb;
	load_real_kb(&kb);
	const struct kb_channel *essm = kb_channel_by_id(&kb, "essm");
	assert_non_null(essm);
	int64_t friday_evening = parse_time("2026-11-27T20:00:00+01:00");
	struct channel_state open = hours_state_at(&essm->hours, friday_evening);
	assert_int_equal(open.state, CHANNEL_STATE_OPEN);
	char sentence[200];
	route_describe_state(&texts, essm, open, friday_evening, KB_LANG_EN, sentence, sizeof sentence);
	assert_string_equal(sentence, "Open (test) till 22:00.");
	route_describe_state(&texts, essm, open, friday_evening, KB_LANG_NL, sentence, sizeof sentence);
	assert_string_equal(sentence, "Nu bereikbaar, tot 22:00 uur.");
	kb_release(&kb);
	texts_release(&texts);
}

static void test_fill_in(void **state)
{
	(void)state;
	char out[64];
	assert_int_equal(texts_fill(out, sizeof out, "Nog {minutes} minuten, tot {clock} uur.", "{clock}", "22:00",
				    "{minutes}", "15", (char *)NULL),
			 0);
	assert_string_equal(out, "Nog 15 minuten, tot 22:00 uur.");
	/* every occurrence; a mark not given stays; a value is not searched again */
	assert_int_equal(texts_fill(out, sizeof out, "{a}-{a} {b} {", "{a}", "{b}", (char *)NULL), 0);
	assert_string_equal(out, "{b}-{b} {b} {");
	/* a printf format in a text is only text */
	assert_int_equal(texts_fill(out, sizeof out, "%s %n {x}", "{x}", "%d", (char *)NULL), 0);
	assert_string_equal(out, "%s %n %d");
	/* too small: cut, never inside a character */
	char small[6];
	assert_int_equal(texts_fill(small, sizeof small, "{w} twee", "{w}", "één", (char *)NULL), -1);
	assert_string_equal(small, "één"); /* room for 5 bytes: the value fits, " twee" does not */
	char tiny[3];
	assert_int_equal(texts_fill(tiny, sizeof tiny, "één", (char *)NULL), -1);
	assert_string_equal(tiny, "é"); /* 2 bytes */
	char one[2];
	assert_int_equal(texts_fill(one, sizeof one, "één", (char *)NULL), -1);
	assert_string_equal(one, ""); /* half an é is no text */
	assert_int_equal(texts_fill(tiny, 0, "x", (char *)NULL), -1);
}

struct lookup_run {
	const struct texts *texts;
	int mismatches;
};

static void *look_up_many(void *arg)
{
	struct lookup_run *run = arg;
	char moment[96];
	for (int i = 0; i < 2000; i++) {
		enum kb_lang lang = (enum kb_lang)(i % KB_LANG_COUNT);
		const char *level = text_level(run->texts, ASSESS_LEVEL_REPORT, lang);
		text_moment(run->texts, 1795863600, 1795863600 + 86400 * 3, lang, moment, sizeof moment);
		if (strcmp(level, lang == KB_LANG_NL ? "Reden om te melden." : "Reason to report.") != 0 ||
		    strcmp(moment, lang == KB_LANG_NL ? "op dinsdag 1 december om 12:00 uur" : "on Tuesday 1 December at 12:00"))
			run->mismatches++;
	}
	return NULL;
}

/* Read-only after loading: many threads may use one set at once. */
static void test_many_threads_read_one_set(void **state)
{
	(void)state;
	struct texts texts;
	load_real_texts(&texts);
	pthread_t threads[4];
	struct lookup_run runs[4];
	for (int t = 0; t < 4; t++) {
		runs[t] = (struct lookup_run){&texts, 0};
		assert_int_equal(pthread_create(&threads[t], NULL, look_up_many, &runs[t]), 0);
	}
	for (int t = 0; t < 4; t++) {
		assert_int_equal(pthread_join(threads[t], NULL), 0);
		assert_int_equal(runs[t].mismatches, 0);
	}
	texts_release(&texts);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_the_real_file_has_every_key_in_both_languages),
		cmocka_unit_test(test_the_sentences_are_the_ones_people_saw_before),
		cmocka_unit_test(test_moments_in_both_languages),
		cmocka_unit_test(test_a_bad_file_is_refused_with_the_key_named),
		cmocka_unit_test(test_a_missing_key_is_never_null),
		cmocka_unit_test(test_required_keys_and_marks_are_checked),
		cmocka_unit_test(test_a_key_removed_from_the_file_stops_the_start),
		cmocka_unit_test(test_the_file_decides_what_is_said),
		cmocka_unit_test(test_fill_in),
		cmocka_unit_test(test_many_threads_read_one_set),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
