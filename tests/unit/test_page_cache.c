/* Issue 11: the page cache (page_cache.h) never serves a page that a fresh rendering would not give:
 * not across opening-hours states (the request's clock, as the server's is injected in tests), not
 * across languages or answers; and within one minute it does serve the stored page. */
#define _POSIX_C_SOURCE 200809L
#include "test_support.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "page_cache.h"
#include "timefmt.h"
#include "web.h"

struct answer {
	char *body;
	size_t len;
	const struct http_cached *cached; /* which stored response was sent, or NULL */
	unsigned status;
};

static int64_t at(const char *rfc3339)
{
	int64_t utc = 0;
	assert_true(rfc3339_parse(rfc3339, strlen(rfc3339), &utc));
	return utc;
}

/* Splits "a=1&b=2" into fields (in `storage`, which the fields point into). */
static size_t split_query(const char *query, char *storage, size_t size, struct http_field *fields, size_t max)
{
	snprintf(storage, size, "%s", query);
	size_t count = 0;
	for (char *part = storage; *part && count < max;) {
		size_t part_len = strcspn(part, "&");
		char *rest = part[part_len] ? part + part_len + 1 : part + part_len;
		part[part_len] = '\0';
		char *equals = strchr(part, '=');
		assert_non_null(equals);
		*equals = '\0';
		fields[count++] = (struct http_field){part, equals + 1};
		part = rest;
	}
	return count;
}

static struct answer ask(struct web *web, const char *path, const char *query, int64_t now)
{
	char storage[512];
	struct http_field fields[16];
	struct http_request request = {.method = HTTP_GET, .path = path, .now = now};
	request.fields = fields;
	request.field_count = split_query(query, storage, sizeof storage, fields, 16);
	struct http_reply reply = {.status = 200};
	strbuf_init(&reply.body, 4u << 20);
	web_handle(web, &request, &reply);
	struct answer answer = {NULL, 0, reply.cached, reply.status};
	const char *bytes = reply.body.buf ? reply.body.buf : "";
	answer.len = reply.body.len;
	if (reply.cached)
		bytes = http_cached_body(reply.cached, &answer.len);
	answer.body = malloc(answer.len + 1);
	assert_non_null(answer.body);
	memcpy(answer.body, bytes, answer.len);
	answer.body[answer.len] = '\0';
	if (reply.cached_held)
		http_cached_free((struct http_cached *)reply.cached);
	strbuf_release(&reply.body);
	return answer;
}

static bool same(const struct answer *a, const struct answer *b)
{
	return a->len == b->len && memcmp(a->body, b->body, a->len) == 0;
}

static void start(struct web *web, struct kb *kb, struct server_config *config)
{
	char error[400];
	if (web_init(web, kb, config, NULL, error, sizeof error))
		fail_msg("web_init: %s", error);
}

#define RESULT "about=other&danger=no&form=labour&minor=no&need=advice&region=rotterdam"
#define ACUTE "danger=yes&about=other&form=labour&minor=no&need=advice&region=rotterdam"
#define STEP "danger=no"

static void test_cached_pages_equal_fresh_ones_across_hours_languages_and_answers(void **state)
{
	(void)state;
	struct kb kb;
	load_real_kb(&kb);
	struct server_config config;
	config_defaults(&config, TEST_DATADIR "/../web"); /* no fixed_time: the request's clock counts */
	struct web cached;
	start(&cached, &kb, &config);
	/* ESSM: every day 08:30-22:00. Open; closing within half an hour; closed. */
	const int64_t moments[] = {at("2026-11-30T12:00:10+01:00"), at("2026-11-30T21:45:00+01:00"),
				   at("2026-11-30T23:00:30+01:00"), at("2026-11-30T12:00:50+01:00")};
	const struct {
		const char *path, *query;
	} pages[] = {{"/wegwijzer", RESULT}, {"/en/wegwijzer", RESULT}, {"/wegwijzer", ACUTE},
		     {"/wegwijzer", STEP}, {"/api/v1/contacts", ""}, {"/api/v1/contacts", "lang=en"},
		     {"/contact", ""}, {"/en/contact", ""}};
	enum { PAGES = sizeof pages / sizeof *pages, MOMENTS = sizeof moments / sizeof *moments };
	struct answer seen[MOMENTS][PAGES];
	for (size_t m = 0; m < MOMENTS; m++) {
		for (size_t p = 0; p < PAGES; p++) {
			struct answer got = ask(&cached, pages[p].path, pages[p].query, moments[m]);
			struct web fresh; /* an empty cache: rendered now */
			start(&fresh, &kb, &config);
			struct answer rendered = ask(&fresh, pages[p].path, pages[p].query, moments[m]);
			web_release(&fresh);
			assert_int_equal(got.status, 200);
			assert_non_null(got.cached); /* served from the cache */
			if (!same(&got, &rendered))
				fail_msg("%s?%s at moment %zu: the cache served another page than a fresh rendering",
					 pages[p].path, pages[p].query, m);
			/* asked again in the same minute: the same stored response */
			struct answer again = ask(&cached, pages[p].path, pages[p].query, moments[m] + 5);
			assert_ptr_equal(again.cached, got.cached);
			free(again.body);
			free(rendered.body);
			seen[m][p] = got;
		}
	}
	/* the opening states changed what the pages say: open at noon, closing soon at 21:45, closed at 23:00 */
	for (size_t p = 0; p < PAGES; p++) {
		if (strcmp(pages[p].query, STEP) == 0) {
			assert_true(same(&seen[0][p], &seen[2][p])); /* a question does not depend on the hours */
			continue;
		}
		/* the contacts list says "open until 22:00" at noon and at 21:45 alike; the guide says "closes soon" */
		bool soon_shown = strstr(pages[p].path, "contact") == NULL;
		if (same(&seen[0][p], &seen[2][p]) ||
		    (soon_shown && (same(&seen[0][p], &seen[1][p]) || same(&seen[1][p], &seen[2][p]))))
			fail_msg("%s?%s: the same page for different opening states", pages[p].path, pages[p].query);
		assert_true(same(&seen[0][p], &seen[3][p])); /* noon again: what noon said */
	}
	assert_non_null(strstr(seen[0][4].body, "\"id\":\"essm\""));
	assert_non_null(strstr(strstr(seen[0][4].body, "\"id\":\"essm\""), "\"open_now\":true"));
	assert_non_null(strstr(strstr(seen[2][4].body, "\"id\":\"essm\""), "\"open_now\":false"));
	/* languages and answers never get each other's page */
	assert_false(same(&seen[0][0], &seen[0][1]));
	assert_non_null(strstr(seen[0][1].body, "lang=\"en\""));
	assert_false(same(&seen[0][0], &seen[0][2]));
	assert_false(same(&seen[0][4], &seen[0][5]));
	assert_false(same(&seen[0][6], &seen[0][7]));
	/* acute danger: 112 comes first, before ESSM, from the cache as well */
	const char *emergency = strstr(seen[2][2].body, "href=\"tel:112\"");
	const char *essm = strstr(seen[2][2].body, "href=\"tel:+31102365256\"");
	assert_non_null(emergency);
	assert_true(!essm || emergency < essm);
	for (size_t m = 0; m < MOMENTS; m++) {
		for (size_t p = 0; p < PAGES; p++)
			free(seen[m][p].body);
	}
	web_release(&cached);
	kb_release(&kb);
}

/* A field the guide does not ask for is carried along in the page: such a page is never stored, so a
 * query cannot fill the cache with text of its own. */
static void test_unknown_fields_are_not_cached(void **state)
{
	(void)state;
	struct kb kb;
	load_real_kb(&kb);
	struct server_config config;
	config_defaults(&config, TEST_DATADIR "/../web");
	struct web web;
	start(&web, &kb, &config);
	struct answer got = ask(&web, "/wegwijzer", "danger=no&utm=x", at("2026-11-30T12:00:00+01:00"));
	assert_int_equal(got.status, 200);
	assert_null(got.cached);
	free(got.body);
	web_release(&web);
	kb_release(&kb);
}

/* The cache itself: a key and minute find only their own entry; a full slot is replaced. */
static void test_cache_keys_and_minutes(void **state)
{
	(void)state;
	struct page_cache *cache = page_cache_new();
	assert_non_null(cache);
	struct http_cached *made = http_cached_create(200, "text/plain", "one", 3, false, NULL);
	struct http_cached *stored = page_cache_put(cache, "k|nl", 4, 100, made);
	assert_ptr_equal(stored, made);
	http_cached_free(stored);
	struct http_cached *found = page_cache_get(cache, "k|nl", 4, 100);
	assert_ptr_equal(found, made);
	http_cached_free(found);
	assert_null(page_cache_get(cache, "k|nl", 4, 101)); /* the next minute */
	assert_null(page_cache_get(cache, "k|en", 4, 100));
	assert_null(page_cache_get(cache, "k|n", 3, 100));
	assert_int_equal(page_cache_minute(119), 1);
	assert_int_equal(page_cache_minute(120), 2);
	assert_int_equal(page_cache_minute(-1), -1);
	/* replaced while a reader still holds the old one: the reader's copy stays whole */
	found = page_cache_get(cache, "k|nl", 4, 100);
	http_cached_free(page_cache_put(cache, "k|nl", 4, 101, http_cached_create(200, "text/plain", "two", 3, false, NULL)));
	size_t len = 0;
	const char *body = http_cached_body(found, &len);
	assert_int_equal(len, 3);
	assert_memory_equal(body, "one", 3);
	http_cached_free(found);
	page_cache_free(cache);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cached_pages_equal_fresh_ones_across_hours_languages_and_answers),
		cmocka_unit_test(test_unknown_fields_are_not_cached),
		cmocka_unit_test(test_cache_keys_and_minutes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
