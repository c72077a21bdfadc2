/* The rate limiter with an injected clock: a sliding hour, Retry-After, a
 * full table that never hands a new client someone else's counts, and counts
 * that survive the hourly change of the tag salt. */
#include "test_support.h"

#include <string.h>

#include "config.h"
#include "crypt.h"
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

/* Buckets roll out of the window one by one, the ring of buckets is reused
 * without old counts coming back, and a clock that steps back unlocks nothing. */
static void test_buckets_roll_over(void **state)
{
	(void)state;
	static struct ratelimit limiter;
	unsigned char tag[RATELIMIT_TAG_BYTES];
	ratelimit_init(&limiter, 10, 20);
	make_tag(tag, 11, 1);
	const int64_t b0 = 4000000 - 4000000 % RATELIMIT_BUCKET_SECONDS; /* a bucket's first second */
	for (int i = 0; i < 5; i++)
		assert_true(ratelimit_check(&limiter, tag, RATELIMIT_SUBMISSION, b0, NULL));
	for (int i = 0; i < 5; i++)
		assert_true(ratelimit_check(&limiter, tag, RATELIMIT_SUBMISSION, b0 + 6 * RATELIMIT_BUCKET_SECONDS, NULL));
	/* the last second before the first five leave: still full */
	int64_t first_out = b0 + RATELIMIT_BUCKETS * RATELIMIT_BUCKET_SECONDS;
	assert_false(ratelimit_check(&limiter, tag, RATELIMIT_SUBMISSION, first_out - 1, NULL));
	/* a clock that steps back does not make room */
	assert_false(ratelimit_check(&limiter, tag, RATELIMIT_SUBMISSION, b0, NULL));
	/* the first five have left: room for exactly five */
	for (int i = 0; i < 5; i++)
		assert_true(ratelimit_check(&limiter, tag, RATELIMIT_SUBMISSION, first_out, NULL));
	assert_false(ratelimit_check(&limiter, tag, RATELIMIT_SUBMISSION, first_out, NULL));
	/* many hours later the ring has gone round many times: nothing is left in it */
	int64_t later = b0 + 1000 * RATELIMIT_BUCKET_SECONDS + 7;
	for (int i = 0; i < 10; i++)
		assert_true(ratelimit_check(&limiter, tag, RATELIMIT_SUBMISSION, later, NULL));
	assert_false(ratelimit_check(&limiter, tag, RATELIMIT_SUBMISSION, later, NULL));
	/* a gap of exactly the window: all of it gone, none of it counted twice */
	int64_t after_gap = later + RATELIMIT_BUCKETS * RATELIMIT_BUCKET_SECONDS;
	for (int i = 0; i < 10; i++)
		assert_true(ratelimit_check(&limiter, tag, RATELIMIT_SUBMISSION, after_gap, NULL));
	assert_false(ratelimit_check(&limiter, tag, RATELIMIT_SUBMISSION, after_gap, NULL));
	ratelimit_release(&limiter);
}

/* Seventeen clients whose tags share a home slot: the sixteen probes are
 * live, so the seventeenth takes the slot seen least recently, emptied (it
 * never shares or inherits counts); the other fifteen keep theirs. */
static void test_all_probes_live(void **state)
{
	(void)state;
	static struct ratelimit limiter;
	unsigned char tags[17][RATELIMIT_TAG_BYTES];
	ratelimit_init(&limiter, 3, 3);
	const int64_t t = 5000000;
	for (int c = 0; c < 17; c++) {
		make_tag(tags[c], 500 + (uint32_t)c, 1);
		tags[c][0] = tags[c][1] = tags[c][2] = 0x42; /* the same home */
		memcpy(tags[c] + 16, tags[c], 16);
	}
	for (int c = 0; c < 16; c++) {
		for (int i = 0; i < 3; i++)
			assert_true(ratelimit_check(&limiter, tags[c], RATELIMIT_SUBMISSION, t + c, NULL));
	}
	/* client 0 was seen least recently */
	assert_true(ratelimit_check(&limiter, tags[16], RATELIMIT_SUBMISSION, t + 300, NULL));
	for (int c = 1; c < 16; c++)
		assert_false(ratelimit_check(&limiter, tags[c], RATELIMIT_SUBMISSION, t + 300, NULL));
	/* client 0 lost its slot, and with it its counts (the documented cost of a full neighbourhood) */
	assert_true(ratelimit_check(&limiter, tags[0], RATELIMIT_SUBMISSION, t + 301, NULL));
	ratelimit_release(&limiter);
}

/* With the tags crypt makes: counts follow a client over the hourly salt
 * change, and a client that comes back after a gap starts afresh. */
static void test_counts_follow_the_salt_rotation(void **state)
{
	(void)state;
	static struct ratelimit limiter;
	struct crypt_client_salts *salts = crypt_client_salts_new();
	assert_non_null(salts);
	const unsigned char address[16] = {0x20, 0x01, 0x0d, 0xb8, 1, 2, 3, 4};
	unsigned char tag[RATELIMIT_TAG_BYTES];
	ratelimit_init(&limiter, 10, 20);
	const int64_t t = parse_time("2026-11-28T10:58:00Z");
	crypt_client_salts_tag(salts, t, address, sizeof address, tag);
	for (int i = 0; i < 10; i++)
		assert_true(ratelimit_check(&limiter, tag, RATELIMIT_SUBMISSION, t, NULL));
	/* 11:05: a new salt, a new tag, the same ten counted */
	crypt_client_salts_tag(salts, parse_time("2026-11-28T11:05:00Z"), address, sizeof address, tag);
	assert_false(ratelimit_check(&limiter, tag, RATELIMIT_SUBMISSION, parse_time("2026-11-28T11:05:00Z"), NULL));
	crypt_client_salts_tag(salts, parse_time("2026-11-28T11:59:59Z"), address, sizeof address, tag);
	assert_false(ratelimit_check(&limiter, tag, RATELIMIT_SUBMISSION, parse_time("2026-11-28T11:59:59Z"), NULL));
	/* 12:00: the bucket of 10:55-11:00 has left the window (and the salt changed again) */
	crypt_client_salts_tag(salts, parse_time("2026-11-28T12:00:00Z"), address, sizeof address, tag);
	assert_true(ratelimit_check(&limiter, tag, RATELIMIT_SUBMISSION, parse_time("2026-11-28T12:00:00Z"), NULL));
	/* a tag under an unrelated salt (another server, or after a gap) shares nothing */
	struct crypt_client_salts *other = crypt_client_salts_new();
	for (int i = 0; i < 10; i++) {
		crypt_client_salts_tag(other, t, address, sizeof address, tag);
		assert_true(ratelimit_check(&limiter, tag, RATELIMIT_RECEIPT_ATTEMPT, t, NULL));
	}
	crypt_client_salts_free(other);
	crypt_client_salts_free(salts);
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
	if (crypt_init())
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sliding_hour),
		cmocka_unit_test(test_never_more_than_the_limit_in_an_hour),
		cmocka_unit_test(test_full_table_gives_new_clients_their_own_counts),
		cmocka_unit_test(test_counts_survive_the_salt_change),
		cmocka_unit_test(test_trusted_proxy_networks),
		cmocka_unit_test(test_buckets_roll_over),
		cmocka_unit_test(test_all_probes_live),
		cmocka_unit_test(test_counts_follow_the_salt_rotation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
