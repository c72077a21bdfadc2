/* totp: RFC 6238's test vectors, agreement with the oathtool command (a
 * second implementation, the one the browser test will use), the ±1 step
 * window with an injected clock, and the replay guard. */
#define _POSIX_C_SOURCE 200809L
#include "test_support.h"
#include "test_run.h"

#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "crypt.h"
#include "totp.h"

/* RFC 6238 appendix B: the SHA-1 key is the ASCII text "12345678901234567890". */
static const unsigned char rfc_key[] = "12345678901234567890";

static void test_rfc6238_vectors(void **state)
{
	(void)state;
	static const struct {
		int64_t time;
		const char *code;
	} vectors[] = {
		{59, "94287082"},          {1111111109, "07081804"}, {1111111111, "14050471"},
		{1234567890, "89005924"},  {2000000000, "69279037"}, {20000000000, "65353130"},
	};
	char code[TOTP_CODE_SIZE];
	for (size_t i = 0; i < sizeof vectors / sizeof *vectors; i++) {
		assert_int_equal(totp_code_at(rfc_key, 20, vectors[i].time, 8, code), 0);
		assert_string_equal(code, vectors[i].code);
	}
	/* 6 digits are the last 6 of the same number */
	assert_int_equal(totp_code_at(rfc_key, 20, 59, 6, code), 0);
	assert_string_equal(code, "287082");
	assert_int_equal(totp_code_at(rfc_key, 20, 59, 5, code), -1);
	assert_int_equal(totp_code_at(rfc_key, 20, -1, 6, code), -1);
}

/* The code oathtool computes for `base32` at `time`, into `out`. */
static void oathtool_code(const char *base32, int64_t time, char out[TOTP_CODE_SIZE])
{
	char at[32], line[64];
	snprintf(at, sizeof at, "@%lld", (long long)time);
	const char *const argv[] = {"oathtool", "--totp", "-b", base32, "-N", at, NULL};
	if (run_captured(argv, line, sizeof line) != 0)
		fail_msg("oathtool did not run (is the Debian package oathtool installed?): %s", line);
	line[strcspn(line, "\n")] = '\0';
	assert_int_equal(strlen(line), 6);
	memcpy(out, line, 7);
}

static void test_agrees_with_oathtool(void **state)
{
	(void)state;
	assert_int_equal(crypt_init(), 0);
	static const int64_t times[] = {0, 29, 30, 1111111109, 1764500000, 4102444800};
	for (int round = 0; round < 3; round++) {
		unsigned char secret[TOTP_SECRET_BYTES], back[TOTP_SECRET_BYTES];
		char base32[TOTP_BASE32_SIZE], ours[TOTP_CODE_SIZE], theirs[TOTP_CODE_SIZE];
		totp_new_secret(secret);
		assert_int_equal(totp_secret_base32(secret, base32), 0);
		assert_int_equal(strlen(base32), 32);
		assert_int_equal(totp_secret_from_base32(base32, back), 0);
		assert_memory_equal(secret, back, sizeof secret);
		for (size_t i = 0; i < sizeof times / sizeof *times; i++) {
			assert_int_equal(totp_code_at(secret, sizeof secret, times[i], 6, ours), 0);
			oathtool_code(base32, times[i], theirs);
			assert_string_equal(ours, theirs);
			int64_t step = 0;
			assert_int_equal(totp_check(secret, sizeof secret, theirs, times[i], -1, &step), 1);
		}
	}
}

static void test_window_of_one_step(void **state)
{
	(void)state;
	const int64_t now = 1764500010; /* 10 s into its step */
	const int64_t current = totp_step_of(now);
	char code[TOTP_CODE_SIZE];
	int64_t step = 0;
	for (int offset = -3; offset <= 3; offset++) {
		int64_t at = (current + offset) * TOTP_STEP_SECONDS;
		assert_int_equal(totp_code_at(rfc_key, 20, at, 6, code), 0);
		int expected = offset >= -1 && offset <= 1 ? 1 : 0;
		assert_int_equal(totp_check(rfc_key, 20, code, now, 0, &step), expected);
		if (expected)
			assert_int_equal(step, current + offset);
	}
	/* spaces are fine, anything else is not a code */
	assert_int_equal(totp_code_at(rfc_key, 20, now, 6, code), 0);
	char spaced[16];
	snprintf(spaced, sizeof spaced, "%.3s %.3s", code, code + 3);
	assert_int_equal(totp_check(rfc_key, 20, spaced, now, 0, &step), 1);
	char longer[16];
	snprintf(longer, sizeof longer, "%s0", code);
	assert_int_equal(totp_check(rfc_key, 20, longer, now, 0, &step), 0);
	assert_int_equal(totp_check(rfc_key, 20, "12a456", now, 0, &step), 0);
	assert_int_equal(totp_check(rfc_key, 20, "", now, 0, &step), 0);
}

static void test_replay_guard(void **state)
{
	(void)state;
	const int64_t now = 1764500010;
	char code[TOTP_CODE_SIZE];
	int64_t step = 0;
	assert_int_equal(totp_code_at(rfc_key, 20, now, 6, code), 0);
	assert_int_equal(totp_check(rfc_key, 20, code, now, 0, &step), 1);
	int64_t used = step;
	/* the same code again, at once and 20 s later (still inside the window) */
	assert_int_equal(totp_check(rfc_key, 20, code, now, used, &step), 0);
	assert_int_equal(totp_check(rfc_key, 20, code, now + 20, used, &step), 0);
	/* an older code after a newer one was used */
	char older[TOTP_CODE_SIZE];
	assert_int_equal(totp_code_at(rfc_key, 20, now - TOTP_STEP_SECONDS, 6, older), 0);
	assert_int_equal(totp_check(rfc_key, 20, older, now, used, &step), 0);
	/* the next step's code is fine */
	char next[TOTP_CODE_SIZE];
	assert_int_equal(totp_code_at(rfc_key, 20, now + TOTP_STEP_SECONDS, 6, next), 0);
	assert_int_equal(totp_check(rfc_key, 20, next, now + TOTP_STEP_SECONDS, used, &step), 1);
	assert_int_equal(step, used + 1);
}

static void test_uri(void **state)
{
	(void)state;
	char uri[TOTP_URI_SIZE];
	assert_int_equal(totp_uri(rfc_key, "meldwijzer", "anna de v", uri), 0);
	assert_string_equal(uri, "otpauth://totp/meldwijzer:anna%20de%20v?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
				 "&issuer=meldwijzer&algorithm=SHA1&digits=6&period=30");
	unsigned char secret[TOTP_SECRET_BYTES];
	assert_int_equal(totp_secret_from_base32("gezd gnbv gy3t qojq gezd gnbv gy3t qojq", secret), 0);
	assert_memory_equal(secret, rfc_key, 20);
	assert_int_equal(totp_secret_from_base32("GEZDGNBVGY3TQOJQ", secret), -1);
	assert_int_equal(totp_secret_from_base32("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ!", secret), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc6238_vectors), cmocka_unit_test(test_agrees_with_oathtool),
		cmocka_unit_test(test_window_of_one_step), cmocka_unit_test(test_replay_guard),
		cmocka_unit_test(test_uri),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
