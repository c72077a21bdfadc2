#define _GNU_SOURCE
#include "test_support.h"

#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "crypt.h"

static void test_encrypt_round_trip_and_tampering(void **state)
{
	(void)state;
	assert_int_equal(crypt_init(), 0);
	unsigned char key[CRYPT_KEY_BYTES], other[CRYPT_KEY_BYTES];
	crypt_random(key, sizeof key);
	crypt_random(other, sizeof other);
	const char message[] = "Zij werkt elke dag van zes tot tien.";
	unsigned char box[sizeof message + CRYPT_OVERHEAD];
	char plain[sizeof message];
	assert_int_equal(crypt_encrypt(key, "report:1:content", message, sizeof message, box), 0);
	assert_null(memmem(box, sizeof box, "zes tot tien", 12));
	assert_int_equal(crypt_decrypt(key, "report:1:content", box, sizeof box, plain), 0);
	assert_string_equal(plain, message);
	assert_int_equal(crypt_decrypt(other, "report:1:content", box, sizeof box, plain), -1);
	assert_int_equal(crypt_decrypt(key, "report:2:content", box, sizeof box, plain), -1);
	for (size_t i = 0; i < sizeof box; i += 7) {
		box[i] ^= 1;
		assert_int_equal(crypt_decrypt(key, "report:1:content", box, sizeof box, plain), -1);
		box[i] ^= 1;
	}
	assert_int_equal(crypt_decrypt(key, "report:1:content", box, CRYPT_OVERHEAD - 1, plain), -1);
}

static void test_team_keys_open_only_with_the_recovery_key(void **state)
{
	(void)state;
	struct crypt_team team;
	char recovery[CRYPT_RECOVERY_TEXT_SIZE];
	unsigned char secret[CRYPT_KEY_BYTES], report_key[CRYPT_KEY_BYTES], opened[CRYPT_KEY_BYTES];
	unsigned char sealed[CRYPT_SEALED_KEY_BYTES];
	assert_int_equal(crypt_new_team(&team, recovery), 0);
	assert_int_equal(strlen(recovery), 64); /* 52 characters in 13 groups of 4 */
	assert_int_equal(crypt_open_team(&team, recovery, secret), 0);
	crypt_random(report_key, sizeof report_key);
	assert_int_equal(crypt_seal_for_team(team.public_key, report_key, sealed), 0);
	assert_int_equal(crypt_open_sealed(team.public_key, secret, sealed, opened), 0);
	assert_memory_equal(opened, report_key, sizeof report_key);
	/* typed differently: lower case, spaces instead of dashes */
	char typed[CRYPT_RECOVERY_TEXT_SIZE];
	for (size_t i = 0; recovery[i]; i++)
		typed[i] = recovery[i] == '-' ? ' ' : (char)(recovery[i] >= 'A' && recovery[i] <= 'Z' ? recovery[i] + 32 : recovery[i]);
	typed[strlen(recovery)] = '\0';
	assert_int_equal(crypt_open_team(&team, typed, secret), 0);
	/* one character off, or too short: refused */
	typed[0] = typed[0] == 'a' ? 'b' : 'a';
	assert_int_equal(crypt_open_team(&team, typed, secret), -1);
	assert_int_equal(crypt_open_team(&team, "ABCD-EFGH", secret), -1);
	assert_int_equal(crypt_open_team(&team, "", secret), -1);
	/* a wrong team secret cannot open a sealed key */
	unsigned char wrong[CRYPT_KEY_BYTES];
	crypt_random(wrong, sizeof wrong);
	assert_int_equal(crypt_open_sealed(team.public_key, wrong, sealed, opened), -1);
	sealed[5] ^= 4;
	assert_int_equal(crypt_open_sealed(team.public_key, secret, sealed, opened), -1);
}

static void test_receipts(void **state)
{
	(void)state;
	char receipt[CRYPT_RECEIPT_TEXT_SIZE], canonical[CRYPT_RECEIPT_CHARS + 1], again[CRYPT_RECEIPT_CHARS + 1];
	crypt_new_receipt(receipt);
	assert_int_equal(strlen(receipt), 23);
	assert_true(receipt[5] == '-' && receipt[11] == '-' && receipt[17] == '-');
	assert_true(crypt_normalize_receipt(receipt, canonical));
	assert_int_equal(strlen(canonical), 20);
	char typed[64];
	snprintf(typed, sizeof typed, " %.5s %.5s%.5s-%.5s ", canonical, canonical + 5, canonical + 10, canonical + 15);
	for (char *p = typed; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	assert_true(crypt_normalize_receipt(typed, again));
	assert_string_equal(again, canonical);
	assert_true(crypt_normalize_receipt("OOOOO-IIIII-LLLLL-00000", again));
	assert_string_equal(again, "00000111111111100000");
	assert_false(crypt_normalize_receipt("ABCDE-FGHJK-MNPQR", again));          /* too short */
	assert_false(crypt_normalize_receipt("ABCDE-FGHJK-MNPQR-STVWXY", again));   /* too long */
	assert_false(crypt_normalize_receipt("ABCDE-FGHJK-MNPQR-STVWU", again));    /* U is not Crockford */
	/* two receipts differ; lookups are keyed */
	char second[CRYPT_RECEIPT_TEXT_SIZE];
	crypt_new_receipt(second);
	assert_string_not_equal(receipt, second);
	unsigned char key_a[CRYPT_KEY_BYTES], key_b[CRYPT_KEY_BYTES], lookup_a[CRYPT_KEY_BYTES], lookup_b[CRYPT_KEY_BYTES];
	crypt_random(key_a, sizeof key_a);
	crypt_random(key_b, sizeof key_b);
	crypt_receipt_lookup(key_a, canonical, lookup_a);
	crypt_receipt_lookup(key_b, canonical, lookup_b);
	assert_memory_not_equal(lookup_a, lookup_b, sizeof lookup_a);
	/* the receipt key is deterministic per receipt and salt, and differs when either differs */
	unsigned char salt[CRYPT_SALT_BYTES] = {1, 2, 3};
	unsigned char wrap_a[CRYPT_KEY_BYTES], wrap_b[CRYPT_KEY_BYTES];
	assert_int_equal(crypt_receipt_key(canonical, salt, wrap_a), 0);
	assert_int_equal(crypt_receipt_key(canonical, salt, wrap_b), 0);
	assert_memory_equal(wrap_a, wrap_b, sizeof wrap_a);
	salt[0] = 9;
	assert_int_equal(crypt_receipt_key(canonical, salt, wrap_b), 0);
	assert_memory_not_equal(wrap_a, wrap_b, sizeof wrap_a);
	salt[0] = 1;
	char other_canonical[CRYPT_RECEIPT_CHARS + 1];
	assert_true(crypt_normalize_receipt(second, other_canonical));
	assert_int_equal(crypt_receipt_key(other_canonical, salt, wrap_b), 0);
	assert_memory_not_equal(wrap_a, wrap_b, sizeof wrap_a);
	/* and it is not the lookup hash under any of the keys above */
	assert_memory_not_equal(wrap_a, lookup_a, sizeof wrap_a);
	assert_memory_not_equal(wrap_a, lookup_b, sizeof wrap_a);
}

/* In a child process, so that this test runner keeps its own settings: after
 * crypt_harden_process() files are private, no core is written, and the
 * process is not dumpable. */
static void test_harden_process(void **state)
{
	(void)state;
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		umask(022);
		if (crypt_harden_process() != 0)
			_exit(10);
		mode_t mask = umask(077);
		struct rlimit core;
		if (mask != 077)
			_exit(11);
		if (getrlimit(RLIMIT_CORE, &core) != 0 || core.rlim_cur != 0 || core.rlim_max != 0)
			_exit(12);
		if (prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0)
			_exit(13);
		_exit(0);
	}
	int status = 0;
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_padding(void **state)
{
	(void)state;
	assert_int_equal(crypt_padded_size(0), CRYPT_PAD_MIN);
	assert_int_equal(crypt_padded_size(CRYPT_PAD_MIN - 1), CRYPT_PAD_MIN);
	assert_int_equal(crypt_padded_size(CRYPT_PAD_MIN), 2 * CRYPT_PAD_MIN); /* one byte of padding at least */
	assert_int_equal(crypt_padded_size(5000), 8192);
	for (size_t len = 0; len < 1100; len += 37) {
		size_t padded = crypt_padded_size(len), back = 0;
		unsigned char *buffer = malloc(padded);
		memset(buffer, 0x80, len); /* padding-like bytes in the text do not confuse it */
		assert_int_equal(crypt_pad(buffer, len, padded), 0);
		assert_int_equal(crypt_unpad(buffer, padded, &back), 0);
		assert_int_equal(back, len);
		buffer[padded - 1] = 1; /* no padding at the end */
		assert_int_equal(crypt_unpad(buffer, padded, &back), -1);
		assert_int_equal(crypt_pad(buffer, len, padded / 2), -1); /* not its size class */
		free(buffer);
	}
	unsigned char *secret = crypt_secure_alloc(64);
	assert_non_null(secret);
	for (int i = 0; i < 64; i++)
		assert_int_equal(secret[i], 0);
	crypt_secure_free(secret);
	crypt_secure_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encrypt_round_trip_and_tampering),
		cmocka_unit_test(test_team_keys_open_only_with_the_recovery_key),
		cmocka_unit_test(test_receipts),
		cmocka_unit_test(test_harden_process),
		cmocka_unit_test(test_padding),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
