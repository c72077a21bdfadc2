#define _POSIX_C_SOURCE 200809L
#include "totp.h"

#include <liboath/oath.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypt.h"

static pthread_once_t oath_once = PTHREAD_ONCE_INIT;
static int oath_status = -1;

static void start_oath(void)
{
	oath_status = oath_init() == OATH_OK ? 0 : -1;
}

int totp_init(void)
{
	if (pthread_once(&oath_once, start_oath) != 0)
		return -1;
	return oath_status;
}

int64_t totp_step_of(int64_t now)
{
	return now < 0 ? -1 : now / TOTP_STEP_SECONDS;
}

int totp_code_at(const unsigned char *secret, size_t secret_len, int64_t now, unsigned digits,
		 char out[TOTP_CODE_SIZE])
{
	if (digits < 6 || digits > 8 || now < 0 || totp_init() != 0)
		return -1;
	/* liboath writes digits + 1 bytes */
	return oath_totp_generate((const char *)secret, secret_len, (time_t)now, TOTP_STEP_SECONDS, 0, digits, out) ==
			       OATH_OK
		       ? 0
		       : -1;
}

/* The typed code without spaces, when it is exactly TOTP_DIGITS digits. */
static bool clean_code(const char *typed, char out[TOTP_CODE_SIZE])
{
	size_t n = 0;
	for (const char *p = typed; *p; p++) {
		if (*p == ' ')
			continue;
		if (*p < '0' || *p > '9' || n == TOTP_DIGITS)
			return false;
		out[n++] = *p;
	}
	out[n] = '\0';
	return n == TOTP_DIGITS;
}

int totp_check(const unsigned char *secret, size_t secret_len, const char *code, int64_t now, int64_t last_step,
	       int64_t *step)
{
	char typed[TOTP_CODE_SIZE], expected[TOTP_CODE_SIZE];
	int result = 0;
	*step = 0;
	if (!code || !clean_code(code, typed) || now < 0)
		goto done;
	int64_t current = totp_step_of(now);
	/* every step of the window is computed, also after a match, so that the
	 * time taken does not tell which step matched */
	for (int64_t s = current - TOTP_WINDOW; s <= current + TOTP_WINDOW; s++) {
		if (s < 0)
			continue;
		if (totp_code_at(secret, secret_len, s * TOTP_STEP_SECONDS, TOTP_DIGITS, expected) != 0) {
			result = -1;
			goto done;
		}
		bool same = sodium_memcmp(expected, typed, TOTP_DIGITS) == 0;
		/* a step already used never counts again: the replay guard */
		if (same && s > last_step && result == 0) {
			result = 1;
			*step = s;
		}
	}
done:
	crypt_wipe(typed, sizeof typed);
	crypt_wipe(expected, sizeof expected);
	return result;
}

void totp_new_secret(unsigned char secret[TOTP_SECRET_BYTES])
{
	crypt_random(secret, TOTP_SECRET_BYTES);
}

int totp_secret_base32(const unsigned char secret[TOTP_SECRET_BYTES], char out[TOTP_BASE32_SIZE])
{
	char *encoded = NULL;
	size_t len = 0;
	int status = -1;
	if (totp_init() != 0 || oath_base32_encode((const char *)secret, TOTP_SECRET_BYTES, &encoded, &len) != OATH_OK)
		goto done;
	/* 20 bytes are exactly 32 characters: no '=' padding to drop */
	if (len != TOTP_BASE32_SIZE - 1)
		goto done;
	memcpy(out, encoded, len);
	out[len] = '\0';
	status = 0;
done:
	if (encoded) {
		crypt_wipe(encoded, len);
		free(encoded);
	}
	return status;
}

int totp_secret_from_base32(const char *text, unsigned char secret[TOTP_SECRET_BYTES])
{
	char clean[TOTP_BASE32_SIZE];
	char *decoded = NULL;
	size_t n = 0, len = 0;
	int status = -1;
	for (const char *p = text; *p; p++) {
		if (*p == ' ')
			continue;
		if (n == TOTP_BASE32_SIZE - 1)
			goto done;
		clean[n++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
	}
	clean[n] = '\0';
	if (n != TOTP_BASE32_SIZE - 1 || totp_init() != 0 || oath_base32_decode(clean, n, &decoded, &len) != OATH_OK)
		goto done;
	if (len != TOTP_SECRET_BYTES)
		goto done;
	memcpy(secret, decoded, TOTP_SECRET_BYTES);
	status = 0;
done:
	if (decoded) {
		crypt_wipe(decoded, len);
		free(decoded);
	}
	crypt_wipe(clean, sizeof clean);
	return status;
}

/* Percent-encodes everything but unreserved characters (RFC 3986). */
static int percent_encode(const char *in, char *out, size_t size)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)in; *p; p++) {
		bool plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			     *p == '-' || *p == '.' || *p == '_' || *p == '~';
		if (n + (plain ? 1 : 3) >= size)
			return -1;
		if (plain) {
			out[n++] = (char)*p;
		} else {
			out[n++] = '%';
			out[n++] = hex[*p >> 4];
			out[n++] = hex[*p & 15];
		}
	}
	out[n] = '\0';
	return 0;
}

int totp_uri(const unsigned char secret[TOTP_SECRET_BYTES], const char *issuer, const char *account,
	     char out[TOTP_URI_SIZE])
{
	char base32[TOTP_BASE32_SIZE], issuer_encoded[128], account_encoded[192];
	int status = -1;
	if (totp_secret_base32(secret, base32) || percent_encode(issuer, issuer_encoded, sizeof issuer_encoded) ||
	    percent_encode(account, account_encoded, sizeof account_encoded))
		goto done;
	int len = snprintf(out, TOTP_URI_SIZE, "otpauth://totp/%s:%s?secret=%s&issuer=%s&algorithm=SHA1&digits=%d&period=%d",
			   issuer_encoded, account_encoded, base32, issuer_encoded, TOTP_DIGITS, TOTP_STEP_SECONDS);
	status = len > 0 && len < TOTP_URI_SIZE ? 0 : -1;
done:
	crypt_wipe(base32, sizeof base32);
	return status;
}
