#include "crypt.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static const char base32_alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; /* Crockford */

/* BLAKE2b personalisation (16 bytes): keeps the receipt key apart from every
 * other hash of a receipt, such as the lookup hash. */
static const unsigned char receipt_key_personal[crypto_generichash_blake2b_PERSONALBYTES] = "meldwijzer rk v1";

int crypt_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

void crypt_wipe(void *secret, size_t len)
{
	sodium_memzero(secret, len);
}

void crypt_random(void *out, size_t len)
{
	randombytes_buf(out, len);
}

/* Writes `chars` base32 characters from the bits of `bytes` (missing bits are zero). */
static void base32_encode(const unsigned char *bytes, size_t byte_count, size_t chars, char *out)
{
	for (size_t i = 0; i < chars; i++) {
		size_t bit = i * 5;
		unsigned high = bit / 8 < byte_count ? bytes[bit / 8] : 0;
		unsigned low = bit / 8 + 1 < byte_count ? bytes[bit / 8 + 1] : 0;
		unsigned value = high << 8 | low;
		out[i] = base32_alphabet[(value >> (11 - bit % 8)) & 31];
	}
}

static int base32_value(char c)
{
	if (c >= 'a' && c <= 'z')
		c = (char)(c - 'a' + 'A');
	if (c == 'O')
		c = '0';
	if (c == 'I' || c == 'L')
		c = '1';
	const char *at = strchr(base32_alphabet, c);
	return c && at ? (int)(at - base32_alphabet) : -1;
}

/* Reads base32 text (dashes and spaces skipped) into exactly `bytes` bytes. */
static bool base32_decode(const char *text, unsigned char *out, size_t bytes)
{
	size_t bits = 0;
	unsigned accumulator = 0;
	size_t written = 0;
	memset(out, 0, bytes);
	for (const char *p = text; *p; p++) {
		if (*p == '-' || *p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
			continue;
		int value = base32_value(*p);
		if (value < 0)
			return false;
		accumulator = (accumulator << 5) | (unsigned)value;
		bits += 5;
		if (bits >= 8) {
			if (written == bytes)
				return false;
			out[written++] = (unsigned char)(accumulator >> (bits - 8));
			bits -= 8;
		}
		accumulator &= (1u << bits) - 1;
	}
	return written == bytes;
}

static void group_text(const char *plain, size_t chars, size_t group, char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < chars; i++) {
		if (i && i % group == 0)
			out[o++] = '-';
		out[o++] = plain[i];
	}
	out[o] = '\0';
}

void crypt_client_tag(const unsigned char salt[CRYPT_KEY_BYTES], const void *address, size_t len,
		      unsigned char out[16])
{
	crypto_generichash(out, 16, address, len, salt, CRYPT_KEY_BYTES);
}

void crypt_form_token(const unsigned char server_key[CRYPT_KEY_BYTES], int64_t hour, char out[CRYPT_FORM_TOKEN_SIZE])
{
	char message[40];
	unsigned char digest[16];
	snprintf(message, sizeof message, "form:%lld", (long long)hour);
	crypto_generichash(digest, sizeof digest, (const unsigned char *)message, strlen(message), server_key,
			   CRYPT_KEY_BYTES);
	sodium_bin2hex(out, CRYPT_FORM_TOKEN_SIZE, digest, sizeof digest);
}

bool crypt_form_token_valid(const unsigned char server_key[CRYPT_KEY_BYTES], int64_t hour, const char *token)
{
	if (!token || strlen(token) != CRYPT_FORM_TOKEN_SIZE - 1)
		return false;
	for (int64_t h = hour - 1; h <= hour; h++) {
		char expected[CRYPT_FORM_TOKEN_SIZE];
		crypt_form_token(server_key, h, expected);
		if (sodium_memcmp(expected, token, CRYPT_FORM_TOKEN_SIZE - 1) == 0)
			return true;
	}
	return false;
}

static int wrap_key(const unsigned char wrapping[CRYPT_KEY_BYTES], const unsigned char key[CRYPT_KEY_BYTES],
		    unsigned char out[CRYPT_WRAPPED_KEY_BYTES])
{
	return crypt_encrypt(wrapping, "key", key, CRYPT_KEY_BYTES, out);
}

int crypt_new_team(struct crypt_team *team, char recovery_text[CRYPT_RECOVERY_TEXT_SIZE])
{
	unsigned char secret[CRYPT_KEY_BYTES], recovery[CRYPT_KEY_BYTES];
	char plain[64];
	crypto_box_keypair(team->public_key, secret);
	randombytes_buf(recovery, sizeof recovery);
	/* 32 bytes = 256 bits: 52 base32 characters carry 260, the last 4 are zero */
	base32_encode(recovery, sizeof recovery, 52, plain);
	group_text(plain, 52, 4, recovery_text);
	int status = wrap_key(recovery, secret, team->wrapped_secret);
	sodium_memzero(secret, sizeof secret);
	sodium_memzero(recovery, sizeof recovery);
	sodium_memzero(plain, sizeof plain);
	return status;
}

int crypt_open_team(const struct crypt_team *team, const char *recovery_text,
		    unsigned char team_secret[CRYPT_KEY_BYTES])
{
	unsigned char recovery[CRYPT_KEY_BYTES + 1];
	/* 52 characters decode to 32 bytes and 4 spare bits */
	if (!base32_decode(recovery_text, recovery, CRYPT_KEY_BYTES)) {
		sodium_memzero(recovery, sizeof recovery);
		return -1;
	}
	int status = crypt_decrypt(recovery, "key", team->wrapped_secret, CRYPT_WRAPPED_KEY_BYTES, team_secret);
	sodium_memzero(recovery, sizeof recovery);
	return status;
}

void crypt_new_receipt(char text[CRYPT_RECEIPT_TEXT_SIZE])
{
	unsigned char bytes[13];
	char plain[CRYPT_RECEIPT_CHARS];
	randombytes_buf(bytes, sizeof bytes);
	base32_encode(bytes, sizeof bytes, CRYPT_RECEIPT_CHARS, plain);
	group_text(plain, CRYPT_RECEIPT_CHARS, 5, text);
	sodium_memzero(bytes, sizeof bytes);
	sodium_memzero(plain, sizeof plain);
}

bool crypt_normalize_receipt(const char *typed, char canonical[CRYPT_RECEIPT_CHARS + 1])
{
	size_t n = 0;
	for (const char *p = typed; *p; p++) {
		if (*p == '-' || *p == ' ')
			continue;
		int value = base32_value(*p);
		if (value < 0 || n == CRYPT_RECEIPT_CHARS)
			return false;
		canonical[n++] = base32_alphabet[value];
	}
	canonical[n] = '\0';
	return n == CRYPT_RECEIPT_CHARS;
}

void crypt_receipt_lookup(const unsigned char server_key[CRYPT_KEY_BYTES], const char *canonical,
			  unsigned char out[CRYPT_KEY_BYTES])
{
	crypto_generichash(out, CRYPT_KEY_BYTES, (const unsigned char *)canonical, strlen(canonical), server_key,
			   CRYPT_KEY_BYTES);
}

int crypt_receipt_key(const char *canonical, const unsigned char salt[CRYPT_SALT_BYTES],
		      unsigned char out[CRYPT_KEY_BYTES])
{
	return crypto_generichash_blake2b_salt_personal(out, CRYPT_KEY_BYTES, (const unsigned char *)canonical,
							strlen(canonical), NULL, 0, salt, receipt_key_personal);
}

int crypt_seal_for_team(const unsigned char team_public[CRYPT_KEY_BYTES], const unsigned char key[CRYPT_KEY_BYTES],
			unsigned char sealed[CRYPT_SEALED_KEY_BYTES])
{
	return crypto_box_seal(sealed, key, CRYPT_KEY_BYTES, team_public);
}

int crypt_open_sealed(const unsigned char team_public[CRYPT_KEY_BYTES], const unsigned char team_secret[CRYPT_KEY_BYTES],
		      const unsigned char sealed[CRYPT_SEALED_KEY_BYTES], unsigned char key[CRYPT_KEY_BYTES])
{
	return crypto_box_seal_open(key, sealed, CRYPT_SEALED_KEY_BYTES, team_public, team_secret);
}

int crypt_encrypt(const unsigned char key[CRYPT_KEY_BYTES], const char *context, const void *plain, size_t len,
		  unsigned char *out)
{
	unsigned char *nonce = out;
	randombytes_buf(nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
	return crypto_aead_xchacha20poly1305_ietf_encrypt(out + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, NULL, plain,
							  len, (const unsigned char *)context, strlen(context), NULL,
							  nonce, key);
}

int crypt_decrypt(const unsigned char key[CRYPT_KEY_BYTES], const char *context, const unsigned char *box, size_t len,
		  void *plain)
{
	if (len < CRYPT_OVERHEAD)
		return -1;
	return crypto_aead_xchacha20poly1305_ietf_decrypt(plain, NULL, NULL, box + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
							  len - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
							  (const unsigned char *)context, strlen(context), box, key);
}

/* Issue 10: single-use submission keys of the HTML report form. */
static const unsigned char submission_key_personal[crypto_generichash_blake2b_PERSONALBYTES] = "meldwijzer sk v1";

void crypt_submission_hash(const unsigned char server_key[CRYPT_KEY_BYTES], const char *key_text,
			   unsigned char out[CRYPT_KEY_BYTES])
{
	crypto_generichash_blake2b_salt_personal(out, CRYPT_KEY_BYTES, (const unsigned char *)key_text, strlen(key_text),
						 server_key, CRYPT_KEY_BYTES, NULL, submission_key_personal);
}
