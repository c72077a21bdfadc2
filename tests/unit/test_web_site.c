/* Issue 10: which public addresses the poster may print as QR codes (web_poster_url_is_public). */
#define _POSIX_C_SOURCE 200809L
#include "test_support.h"

#include <stdbool.h>
#include <string.h>

#include "config.h"
#include "web.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unset_and_loopback_addresses_are_refused),
		cmocka_unit_test(test_private_and_single_label_addresses_are_refused),
		cmocka_unit_test(test_public_addresses_are_printed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
