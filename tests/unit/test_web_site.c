/* Issue 10: which public addresses the poster may print as QR codes (web_poster_url_is_public). */
#define _POSIX_C_SOURCE 200809L
#include "test_support.h"

#include <stdbool.h>
#include <string.h>

#include "config.h"
#include "web.h"
#include "web_page.h"

static bool public_url(const char *url)
{
	struct server_config config;
	config_defaults(&config, "web");
	if (url)
		snprintf(config.public_base_url, sizeof config.public_base_url, "%s", url);
	return web_poster_url_is_public(&config);
}

static void test_unset_and_loopback_addresses_are_refused(void **state)
{
	(void)state;
	assert_false(public_url(NULL)); /* the default, http://127.0.0.1:8080 */
	const char *refused[] = {"http://127.0.0.1:8080", "http://127.8.9.10", "https://localhost", "http://LOCALHOST:8080",
				 "http://app.localhost", "http://[::1]:8080", "http://[::]", "http://0.0.0.0:8080", "",
				 "http://", "meldwijzer.example", "ftp://meldwijzer.example"};
	for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
		if (public_url(refused[i]))
			fail_msg("%s should not be printed on a poster", refused[i]);
	}
}

static void test_private_and_single_label_addresses_are_refused(void **state)
{
	(void)state;
	const char *refused[] = {"http://10.0.0.5", "http://192.168.1.20:8080", "http://172.16.0.1", "http://172.31.255.255",
				 "http://169.254.1.1", "http://[fe80::1]", "http://[fd12:3456::1]", "http://intranet",
				 "https://meldwijzer:8443/"};
	for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
		if (public_url(refused[i]))
			fail_msg("%s only works inside one network", refused[i]);
	}
}

static void test_public_addresses_are_printed(void **state)
{
	(void)state;
	const char *accepted[] = {"https://meldwijzer.example", "https://www.meldwijzer.nl/", "http://meldwijzer.nl:8080",
				  "https://172.32.0.1", "http://8.8.8.8", "https://[2001:db8::1]:443", "HTTPS://Meldpunt.NL"};
	for (size_t i = 0; i < sizeof accepted / sizeof *accepted; i++) {
		if (!public_url(accepted[i]))
			fail_msg("%s is a public address", accepted[i]);
	}
}

/* The 429 and 503 pages name whom to call instead (from the channel data) and 112; http.c can show the
 * same page through the http_error_page callback (web_error_page). */
static void test_limit_pages_name_numbers_to_call(void **state)
{
	(void)state;
	struct kb kb;
	load_real_kb(&kb);
	struct server_config config;
	config_defaults(&config, TEST_DATADIR "/../web");
	struct web web;
	char error[400];
	if (web_init(&web, &kb, &config, NULL, error, sizeof error))
		fail_msg("web_init: %s", error);
	const struct {
		unsigned status;
		const char *path;
		const char *words;
	} cases[] = {{429, "/melden", "elke dag van 08:30 tot 22:00 uur"}, {429, "/en/melden", "every day from 08:30 to 22:00"},
		     {503, "/opvolgen", "Bel in plaats daarvan"},
		     /* a 500 on a page is a page (it was JSON before the router refactor), with whom to call */
		     {500, "/melden", "Er ging iets mis bij ons"}, {500, "/en/opvolgen", "Something went wrong on our side"}};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct http_request request = {.method = HTTP_POST, .path = cases[i].path};
		struct http_reply reply = {.status = 200};
		strbuf_init(&reply.body, 1u << 20);
		web_error_page(&web, &request, cases[i].status, &reply);
		assert_int_equal(reply.status, cases[i].status);
		assert_string_equal(reply.content_type, "text/html; charset=utf-8");
		const char *body = reply.body.buf;
		assert_non_null(body);
		const char *wanted[] = {"href=\"tel:+31102365256\"", "href=\"tel:09008844\"", "href=\"tel:112\"", cases[i].words};
		for (size_t w = 0; w < sizeof wanted / sizeof *wanted; w++) {
			if (!strstr(body, wanted[w]))
				fail_msg("%u %s lacks %s", cases[i].status, cases[i].path, wanted[w]);
		}
		strbuf_release(&reply.body);
	}
	/* an API path gets the same error as JSON */
	struct http_request api = {.method = HTTP_POST, .path = "/api/v1/reports"};
	struct http_reply reply = {.status = 200};
	strbuf_init(&reply.body, 1u << 20);
	web_error_page(&web, &api, 500, &reply);
	assert_int_equal(reply.status, 500);
	assert_string_equal(reply.content_type, "application/json");
	assert_non_null(strstr(reply.body.buf, "\"error\":\"internal error\""));
	strbuf_release(&reply.body);
	/* the last resort, when not even an error page can be built, names 112 and ESSM's number as the data has it */
	struct http_reply plain = {.status = 200};
	strbuf_init(&plain.body, 1u << 20);
	web_reply_plain_error(&plain);
	assert_int_equal(plain.status, 500);
	const struct kb_channel *essm = kb_channel_by_id(&kb, "essm");
	assert_non_null(essm);
	if (!strstr(plain.body.buf, essm->phone_display) || !strstr(plain.body.buf, "112"))
		fail_msg("the plain 500 says \"%s\", not ESSM's %s and 112", plain.body.buf, essm->phone_display);
	strbuf_release(&plain.body);
	web_release(&web);
	kb_release(&kb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unset_and_loopback_addresses_are_refused),
		cmocka_unit_test(test_private_and_single_label_addresses_are_refused),
		cmocka_unit_test(test_public_addresses_are_printed),
		cmocka_unit_test(test_limit_pages_name_numbers_to_call),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
