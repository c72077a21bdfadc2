#define _GNU_SOURCE
#include "test_support.h"

#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "crypt.h"

#include <sodium.h>

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
	struct crypt_team_sealer sealer;
	assert_int_equal(crypt_team_sealer_begin(&sealer, team.public_key), 0);
	assert_int_equal(crypt_team_sealer_seal(&sealer, "ref-1", report_key, sealed), 0);
	crypt_team_sealer_end(&sealer);
	assert_int_equal(crypt_open_sealed(team.public_key, secret, sealed, "ref-1", opened), 0);
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
	assert_int_equal(crypt_open_sealed(team.public_key, wrong, sealed, "ref-1", opened), -1);
	sealed[5] ^= 4;
	assert_int_equal(crypt_open_sealed(team.public_key, secret, sealed, "ref-1", opened), -1);
}

/* One ephemeral key pair per batch: every key opens with the team secret and
 * its own report's ref only; the sealer's secrets are gone after end; keys
 * sealed one by one before batches (libsodium's sealed box) still open. */
static void test_keys_sealed_in_a_batch(void **state)
{
	(void)state;
	struct crypt_team team;
	char recovery[CRYPT_RECOVERY_TEXT_SIZE];
	unsigned char secret[CRYPT_KEY_BYTES], keys[3][CRYPT_KEY_BYTES], sealed[3][CRYPT_SEALED_KEY_BYTES];
	unsigned char opened[CRYPT_KEY_BYTES];
	const char *refs[3] = {"0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdee", "x"};
	assert_int_equal(crypt_new_team(&team, recovery), 0);
	assert_int_equal(crypt_open_team(&team, recovery, secret), 0);
	struct crypt_team_sealer sealer;
	assert_int_equal(crypt_team_sealer_begin(&sealer, team.public_key), 0);
	for (int i = 0; i < 3; i++) {
		crypt_random(keys[i], CRYPT_KEY_BYTES);
		assert_int_equal(crypt_team_sealer_seal(&sealer, refs[i], keys[i], sealed[i]), 0);
		/* the key itself is nowhere in what is stored */
		assert_null(memmem(sealed[i], CRYPT_SEALED_KEY_BYTES, keys[i], 8));
	}
	crypt_team_sealer_end(&sealer);
	static const unsigned char zero[sizeof sealer] = {0};
	assert_memory_equal(&sealer, zero, sizeof sealer);
	/* the batch shares its ephemeral public key (documented: the rows show they were committed together) */
	assert_memory_equal(sealed[0], sealed[1], CRYPT_KEY_BYTES);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(crypt_open_sealed(team.public_key, secret, sealed[i], refs[i], opened), 0);
		assert_memory_equal(opened, keys[i], CRYPT_KEY_BYTES);
		/* bound to its report: another row's ref does not open it */
		assert_int_equal(crypt_open_sealed(team.public_key, secret, sealed[i], refs[(i + 1) % 3], opened), -1);
	}
	/* another batch: another ephemeral key */
	unsigned char again[CRYPT_SEALED_KEY_BYTES];
	assert_int_equal(crypt_team_sealer_begin(&sealer, team.public_key), 0);
	assert_int_equal(crypt_team_sealer_seal(&sealer, refs[0], keys[0], again), 0);
	crypt_team_sealer_end(&sealer);
	assert_memory_not_equal(again, sealed[0], CRYPT_KEY_BYTES);
	/* a key stored before batches: a sealed box of its own */
	unsigned char legacy[CRYPT_SEALED_KEY_BYTES];
	assert_int_equal(crypto_box_seal(legacy, keys[2], CRYPT_KEY_BYTES, team.public_key), 0);
	assert_int_equal(crypt_open_sealed(team.public_key, secret, legacy, refs[2], opened), 0);
	assert_memory_equal(opened, keys[2], CRYPT_KEY_BYTES);
	legacy[40] ^= 1;
	assert_int_equal(crypt_open_sealed(team.public_key, secret, legacy, refs[2], opened), -1);
	/* a low-order point as the team's key cannot start a batch */
	static const unsigned char low_order[CRYPT_KEY_BYTES] = {0};
	assert_int_equal(crypt_team_sealer_begin(&sealer, low_order), -1);
}

static char key_dir[64];

/* A new key file in key_dir, loaded. */
static struct crypt_keys *new_keys(const char *name)
{
	char path[128], error[CRYPT_ERROR_SIZE];
	struct crypt_keys *keys = NULL;
	snprintf(path, sizeof path, "%s/%s.key", key_dir, name);
	unlink(path);
	if (crypt_key_file_create(path, error) || crypt_keys_load(&keys, path, error))
		fail_msg("%s", error);
	unlink(path);
	return keys;
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
	unsigned char lookup_a[CRYPT_KEY_BYTES], lookup_b[CRYPT_KEY_BYTES], lookup_again[CRYPT_KEY_BYTES];
	struct crypt_keys *keys_a = new_keys("a"), *keys_b = new_keys("b");
	crypt_keys_receipt_lookup(keys_a, canonical, lookup_a);
	crypt_keys_receipt_lookup(keys_b, canonical, lookup_b);
	crypt_keys_receipt_lookup(keys_a, canonical, lookup_again);
	assert_memory_not_equal(lookup_a, lookup_b, sizeof lookup_a);
	assert_memory_equal(lookup_a, lookup_again, sizeof lookup_a);
	crypt_keys_free(keys_a);
	crypt_keys_free(keys_b);
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

/* The server key file: made once, private, exactly a key; anything else is
 * refused with a message that says what to do. */
static void test_key_file(void **state)
{
	(void)state;
	char path[128], link_path[128], error[CRYPT_ERROR_SIZE];
	struct crypt_keys *keys = NULL;
	struct stat info;
	snprintf(path, sizeof path, "%s/server.key", key_dir);
	snprintf(link_path, sizeof link_path, "%s/link.key", key_dir);
	assert_int_equal(crypt_keys_load(&keys, path, error), -1);
	assert_non_null(strstr(error, "cannot be read"));
	assert_int_equal(crypt_key_file_create(path, error), 0);
	assert_int_equal(stat(path, &info), 0);
	assert_int_equal(info.st_mode & 0777, 0600);
	assert_int_equal(info.st_size, CRYPT_KEY_BYTES);
	assert_int_equal(crypt_key_file_create(path, error), -1);
	assert_non_null(strstr(error, "already exists"));
	assert_int_equal(crypt_keys_load(&keys, path, error), 0);
	assert_non_null(keys);
	crypt_keys_free(keys);
	/* other users may read it: refused, naming the fix */
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(crypt_keys_load(&keys, path, error), -1);
	assert_non_null(strstr(error, "chmod 600"));
	assert_null(keys);
	assert_int_equal(chmod(path, 0600), 0);
	/* a link to it is not followed */
	assert_int_equal(symlink(path, link_path), 0);
	assert_int_equal(crypt_keys_load(&keys, link_path, error), -1);
	unlink(link_path);
	/* not 32 bytes */
	FILE *file = fopen(path, "ab");
	assert_non_null(file);
	fputc('x', file);
	fclose(file);
	assert_int_equal(crypt_keys_load(&keys, path, error), -1);
	assert_non_null(strstr(error, "not a server key file"));
	crypt_key_file_remove(path);
	assert_int_not_equal(stat(path, &info), 0);
}

/* A form token is valid in the hour it was made and the next, to the second. */
static void test_form_token_hour_boundary(void **state)
{
	(void)state;
	struct crypt_keys *keys = new_keys("form"), *other = new_keys("other");
	char token[CRYPT_FORM_TOKEN_SIZE], again[CRYPT_FORM_TOKEN_SIZE];
	const int64_t ten = parse_time("2026-11-28T10:00:00Z");
	crypt_keys_form_token(keys, ten + 3599, token); /* 10:59:59 */
	assert_int_equal(strlen(token), CRYPT_FORM_TOKEN_SIZE - 1);
	assert_true(crypt_keys_form_token_valid(keys, ten + 3599, token));
	assert_true(crypt_keys_form_token_valid(keys, ten + 3600, token));     /* 11:00:00 */
	assert_true(crypt_keys_form_token_valid(keys, ten + 2 * 3600 - 1, token)); /* 11:59:59 */
	assert_false(crypt_keys_form_token_valid(keys, ten + 2 * 3600, token)); /* 12:00:00 */
	assert_false(crypt_keys_form_token_valid(keys, ten - 1, token));        /* before it was made */
	/* one token for the whole hour: any second of it makes the same */
	crypt_keys_form_token(keys, ten, again);
	assert_string_equal(token, again);
	/* another key's token, or anything else, is never valid */
	crypt_keys_form_token(other, ten, again);
	assert_false(crypt_keys_form_token_valid(keys, ten, again));
	assert_false(crypt_keys_form_token_valid(keys, ten, NULL));
	assert_false(crypt_keys_form_token_valid(keys, ten, ""));
	token[5] ^= 1;
	assert_false(crypt_keys_form_token_valid(keys, ten, token));
	/* the hour, also before 1970: -1 is in the hour before 0 */
	crypt_keys_form_token(keys, -1, token);
	crypt_keys_form_token(keys, -3600, again);
	assert_string_equal(token, again);
	crypt_keys_free(keys);
	crypt_keys_free(other);
}

static void test_tokens(void **state)
{
	(void)state;
	char a[CRYPT_TOKEN_SIZE], b[CRYPT_TOKEN_SIZE], typed[CRYPT_TOKEN_SIZE + 1];
	crypt_token_new(a);
	crypt_token_new(b);
	assert_int_equal(strlen(a), 64);
	assert_int_equal(strspn(a, "0123456789abcdef"), 64);
	assert_string_not_equal(a, b);
	assert_true(crypt_token_equal(a, a));
	assert_false(crypt_token_equal(a, b));
	memcpy(typed, a, sizeof a);
	typed[63] = typed[63] == '0' ? '1' : '0';
	assert_false(crypt_token_equal(a, typed));
	typed[63] = a[63];
	typed[64] = 'x'; /* the token and one character more */
	typed[65] = '\0';
	assert_false(crypt_token_equal(a, typed));
	assert_false(crypt_token_equal(a, a + 1));
	assert_false(crypt_token_equal(a, NULL));
	/* an empty slot (all zeros) matches nothing, not even zeros typed */
	char empty[CRYPT_TOKEN_SIZE] = {0};
	assert_false(crypt_token_equal(empty, ""));
	char id[33];
	crypt_random_id(id, 16);
	assert_int_equal(strlen(id), 32);
}

/* Client tags: one salt per hour, last hour's kept beside it, nothing after a gap. */
static void test_client_salts_rotate(void **state)
{
	(void)state;
	struct crypt_client_salts *salts = crypt_client_salts_new();
	assert_non_null(salts);
	const unsigned char address[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1};
	const unsigned char other[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 2};
	unsigned char first[32], same[32], next[32], back[32], later[32], elsewhere[32];
	const int64_t t = parse_time("2026-11-28T10:20:00Z");
	crypt_client_salts_tag(salts, t, address, sizeof address, first);
	crypt_client_salts_tag(salts, t + 2399, address, sizeof address, same); /* 10:59:59 */
	assert_memory_equal(first, same, 32);
	crypt_client_salts_tag(salts, t, other, sizeof other, elsewhere);
	assert_memory_not_equal(first, elsewhere, 16);
	/* 11:00:00: a new salt, and last hour's tag comes second */
	crypt_client_salts_tag(salts, t + 2400, address, sizeof address, next);
	assert_memory_not_equal(next, first, 16);
	assert_memory_equal(next + 16, first, 16);
	/* a clock that steps back over the hour keeps the salts it has */
	crypt_client_salts_tag(salts, t + 2399, address, sizeof address, back);
	assert_memory_equal(back, next, 32);
	/* after a whole hour without a request nothing carries over */
	crypt_client_salts_tag(salts, t + 2400 + 2 * 3600, address, sizeof address, later);
	assert_memory_not_equal(later + 16, next, 16);
	assert_memory_not_equal(later, next, 16);
	crypt_client_salts_free(salts);
	crypt_client_salts_free(NULL);
}

static void test_buffer(void **state)
{
	(void)state;
	struct crypt_buffer buffer;
	crypt_buffer_init(&buffer, 1000);
	size_t len;
	assert_null(crypt_buffer_detach(&buffer, &len)); /* nothing in it */
	for (int i = 0; i < 99; i++)
		assert_int_equal(crypt_buffer_add(&buffer, "0123456789", 10), 0);
	assert_int_equal(buffer.len, 990);
	assert_int_equal(crypt_buffer_add(&buffer, "0123456789", 10), 0); /* exactly the limit */
	assert_int_equal(crypt_buffer_add(&buffer, "x", 1), -1);
	assert_true(buffer.failed);
	assert_int_equal(crypt_buffer_add(&buffer, "", 0), -1); /* stays failed */
	assert_null(crypt_buffer_detach(&buffer, &len));
	assert_int_equal(len, 0);
	assert_int_equal(crypt_buffer_add(&buffer, "receipt ", 8), 0); /* usable again after detach */
	assert_int_equal(crypt_buffer_add(&buffer, "ABCDE", 5), 0);
	char *text = crypt_buffer_detach(&buffer, &len);
	assert_non_null(text);
	assert_int_equal(len, 13);
	assert_string_equal(text, "receipt ABCDE");
	crypt_buffer_free(text);
	assert_int_equal(crypt_buffer_add(&buffer, "x", 1), 0);
	crypt_buffer_release(&buffer);
	assert_null(buffer.data);
	crypt_buffer_free(NULL);
}

/* Freed blocks are reused (no mmap/munmap per reply) but never with what the
 * last buffer held: a block comes back wiped, also past the new text. Text
 * larger than one page still works (its own guarded block). */
static void test_buffer_blocks_come_back_wiped(void **state)
{
	(void)state;
	struct crypt_buffer buffer;
	crypt_buffer_init(&buffer, 1u << 20);
	assert_int_equal(crypt_buffer_add(&buffer, "{\"receipt\":\"ABCDE-FGHJK-MNPQR-STVWX\"}", 38), 0);
	size_t len;
	char *first = crypt_buffer_detach(&buffer, &len);
	assert_non_null(first);
	crypt_buffer_free(first);
	assert_int_equal(crypt_buffer_add(&buffer, "x", 1), 0);
	char *second = crypt_buffer_detach(&buffer, &len);
	assert_non_null(second);
	assert_string_equal(second, "x");
	for (size_t i = 2; i < 64; i++)
		assert_int_equal(second[i], 0); /* the old receipt is gone, reused block or not */
	crypt_buffer_free(second);

	char page[1000];
	memset(page, 'p', sizeof page);
	for (int i = 0; i < 20; i++) /* 20,000 bytes: grows past the pooled size */
		assert_int_equal(crypt_buffer_add(&buffer, page, sizeof page), 0);
	char *big = crypt_buffer_detach(&buffer, &len);
	assert_non_null(big);
	assert_int_equal(len, 20000);
	assert_int_equal(big[19999], 'p');
	assert_int_equal(big[20000], '\0');
	crypt_buffer_free(big);
	/* many at once: more than the pool keeps */
	char *many[100];
	for (int i = 0; i < 100; i++) {
		assert_int_equal(crypt_buffer_add(&buffer, "token", 5), 0);
		many[i] = crypt_buffer_detach(&buffer, &len);
		assert_non_null(many[i]);
	}
	for (int i = 0; i < 100; i++)
		crypt_buffer_free(many[i]);
}

static int make_key_dir(void **state)
{
	(void)state;
	snprintf(key_dir, sizeof key_dir, "/tmp/meldwijzer-keys-XXXXXX");
	return mkdtemp(key_dir) ? 0 : -1;
}

static int remove_key_dir(void **state)
{
	(void)state;
	return rmdir(key_dir);
}

int main(void)
{
	if (crypt_init())
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_file),
		cmocka_unit_test(test_form_token_hour_boundary),
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_client_salts_rotate),
		cmocka_unit_test(test_buffer),
		cmocka_unit_test(test_buffer_blocks_come_back_wiped),
		cmocka_unit_test(test_encrypt_round_trip_and_tampering),
		cmocka_unit_test(test_team_keys_open_only_with_the_recovery_key),
		cmocka_unit_test(test_keys_sealed_in_a_batch),
		cmocka_unit_test(test_receipts),
		cmocka_unit_test(test_harden_process),
		cmocka_unit_test(test_padding),
	};
	return cmocka_run_group_tests(tests, make_key_dir, remove_key_dir);
}
