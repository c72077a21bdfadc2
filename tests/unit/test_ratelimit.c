/* The rate limiter with an injected clock: a sliding hour, Retry-After, a
 * full table that never hands a new client someone else's counts, and counts
 * that survive the hourly change of the tag salt. */
#include "test_support.h"

#include <string.h>

#include "config.h"
#include "ratelimit.h"

/* A tag as http makes it: this hour's 16 bytes, then last hour's. */
static void make_tag(unsigned char tag[RATELIMIT_TAG_BYTES], uint32_t client, uint32_t salt)
{
	/* spread like a hash would: the first bytes choose the slot */
	uint64_t x = ((uint64_t)client * 0x9E3779B97F4A7C15u) ^ ((uint64_t)salt * 0xC2B2AE3D27D4EB4Fu);
	for (int i = 0; i < 16; i++) {
		x ^= x >> 29;
		x *= 0xBF58476D1CE4E5B9u;
		tag[i] = (unsigned char)(x >> 56);
	}
	memcpy(tag + 16, tag, 16); /* no salt change: both halves alike */
}

static void test_sliding_hour(void **state)
{
	(void)state;
	static struct ratelimit limiter;
	unsigned char tag[RATELIMIT_TAG_BYTES];
	unsigned retry = 0;
	ratelimit_init(&limiter, 10, 20);
	make_tag(tag, 1, 1);
	const int64_t t0 = 1700000000 - 1700000000 % 3600 + 3500; /* 100 s before a clock hour ends */
	for (int i = 0; i < 10; i++)
		assert_true(ratelimit_check(&limiter, tag, RATELIMIT_SUBMISSION, t0, &retry));
	assert_false(ratelimit_check(&limiter, tag, RATELIMIT_SUBMISSION, t0, &retry));
	/* a new clock hour gives nothing new: the ten are still within the last hour */
	assert_false(ratelimit_check(&limiter, tag, RATELIMIT_SUBMISSION, t0 + 200, &retry));
	assert_false(ratelimit_check(&limiter, tag, RATELIMIT_SUBMISSION, t0 + 3599, &retry));
	/* Retry-After: when the ten leave the window, at least an hour after them */
	assert_false(ratelimit_check(&limiter, tag, RATELIMIT_SUBMISSION, t0 + 200, &retry));
	assert_true(retry >= 3600 - 200 && retry <= 3900 - 200);
	assert_false(ratelimit_check(&limiter, tag, RATELIMIT_SUBMISSION, t0 + 200 + retry - 1, NULL));
	assert_true(ratelimit_check(&limiter, tag, RATELIMIT_SUBMISSION, t0 + 200 + retry, &retry));
	/* the other kind has its own count */
	for (int i = 0; i < 20; i++)
		assert_true(ratelimit_check(&limiter, tag, RATELIMIT_RECEIPT_ATTEMPT, t0, NULL));
	assert_false(ratelimit_check(&limiter, tag, RATELIMIT_RECEIPT_ATTEMPT, t0, NULL));
	ratelimit_release(&limiter);
}

/* Spread over the hour, a client gets exactly its limit in any 60 minutes. */
static void test_never_more_than_the_limit_in_an_hour(void **state)
{
	(void)state;
	static struct ratelimit limiter;
	unsigned char tag[RATELIMIT_TAG_BYTES];
	ratelimit_init(&limiter, 10, 10);
	make_tag(tag, 2, 1);
	static int64_t allowed_at[400];
	size_t allowed = 0;
	for (int64_t t = 1000000; t < 1000000 + 4 * 3600; t += 37) {
		if (ratelimit_check(&limiter, tag, RATELIMIT_SUBMISSION, t, NULL))
			allowed_at[allowed++] = t;
	}
	assert_true(allowed >= 30); /* roughly ten an hour over four hours */
	for (size_t i = 10; i < allowed; i++)
		assert_true(allowed_at[i] - allowed_at[i - 10] >= 3600);
	ratelimit_release(&limiter);
}

/* 12,000 clients with 10 requests each fill the table; 200 clients that come
 * after that are each allowed their first submission. */
static void test_full_table_gives_new_clients_their_own_counts(void **state)
{
	(void)state;
	static struct ratelimit limiter;
	unsigned char tag[RATELIMIT_TAG_BYTES];
	ratelimit_init(&limiter, 10, 20);
	const int64_t now = 2000000;
	for (uint32_t client = 0; client < 3 * RATELIMIT_SLOTS; client++) {
		make_tag(tag, 100000 + client, 1);
		for (int i = 0; i < 10; i++)
			ratelimit_check(&limiter, tag, RATELIMIT_SUBMISSION, now, NULL);
	}
	int refused = 0;
	for (uint32_t client = 0; client < 200; client++) {
		make_tag(tag, 900000 + client, 1);
		refused += !ratelimit_check(&limiter, tag, RATELIMIT_SUBMISSION, now + 1, NULL);
	}
	assert_int_equal(refused, 0);
	ratelimit_release(&limiter);
}

/* When the salt changes, a client's tag changes; its counts go with it. */
static void test_counts_survive_the_salt_change(void **state)
{
	(void)state;
	static struct ratelimit limiter;
	unsigned char before[RATELIMIT_TAG_BYTES], after[RATELIMIT_TAG_BYTES];
	ratelimit_init(&limiter, 10, 20);
	make_tag(before, 7, 1);
	make_tag(after, 7, 2);
	memcpy(after + 16, before, 16); /* the new hour: new tag, and last hour's */
	const int64_t t0 = 3000000;
	for (int i = 0; i < 10; i++)
		assert_true(ratelimit_check(&limiter, before, RATELIMIT_SUBMISSION, t0, NULL));
	assert_false(ratelimit_check(&limiter, after, RATELIMIT_SUBMISSION, t0 + 600, NULL));
	assert_false(ratelimit_check(&limiter, after, RATELIMIT_SUBMISSION, t0 + 1200, NULL));
	ratelimit_release(&limiter);
}

/* trusted_proxies: addresses and networks, IPv4 and IPv6. */
static void test_trusted_proxy_networks(void **state)
{
	(void)state;
	char error[CONFIG_ERROR_SIZE];
	struct server_config config;
	config_defaults(&config, "web");
	FILE *file = fopen("/tmp/meldwijzer-test-proxies.ini", "w");
	assert_non_null(file);
	fputs("[server]\ntrusted_proxies = 127.0.0.1, 10.0.0.0/8 ,::1, 2001:db8::/32\n", file);
	fclose(file);
	assert_int_equal(config_load_file(&config, "/tmp/meldwijzer-test-proxies.ini", error), 0);
	assert_int_equal(config.trusted_proxy_count, 4);
	unsigned char address[16];
	static const struct {
		const char *address;
		bool trusted;
	} cases[] = {
		{"127.0.0.1", true},       {"127.0.0.2", false},    {"10.200.3.4", true},   {"11.0.0.1", false},
		{"::1", true},             {"::2", false},          {"2001:db8:1::5", true}, {"2001:db9::5", false},
		{"[2001:db8::7]", true},   {"10.1.2.3:5678", true}, {"::ffff:10.1.1.1", true},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		assert_true(config_parse_address(cases[i].address, strlen(cases[i].address), address));
		bool trusted = false;
		for (unsigned n = 0; n < config.trusted_proxy_count; n++)
			trusted = trusted || config_network_contains(&config.trusted_proxies[n], address);
		if (trusted != cases[i].trusted)
			fail_msg("%s: trusted %d", cases[i].address, trusted);
	}
	assert_false(config_parse_address("unknown", 7, address));
	assert_false(config_parse_address("", 0, address));
	file = fopen("/tmp/meldwijzer-test-proxies.ini", "w");
	fputs("[server]\ntrusted_proxies = 10.0.0.0/33\n", file);
	fclose(file);
	assert_int_equal(config_load_file(&config, "/tmp/meldwijzer-test-proxies.ini", error), -1);
	assert_non_null(strstr(error, "server.trusted_proxies"));
	remove("/tmp/meldwijzer-test-proxies.ini");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sliding_hour),
		cmocka_unit_test(test_never_more_than_the_limit_in_an_hour),
		cmocka_unit_test(test_full_table_gives_new_clients_their_own_counts),
		cmocka_unit_test(test_counts_survive_the_salt_change),
		cmocka_unit_test(test_trusted_proxy_networks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
