/* libFuzzer target: the two base32 readers in crypt, on any text: receipts
 * (crypt_normalize_receipt) and the recovery key (crypt_open_team, which
 * decodes 52 Crockford characters into 32 bytes before it tries them).
 * A receipt that is read is 20 characters of the alphabet and reads the same
 * again; a recovery key opens the team only when it is the real one, however
 * it is written (case, dashes, spaces, O for 0, I or L for 1). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypt.h"

static struct crypt_team team;
static char recovery[CRYPT_RECOVERY_TEXT_SIZE];

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (crypt_init() || crypt_new_team(&team, recovery))
		abort();
	return 0;
}

/* The characters a reader keeps, in their canonical spelling; others dropped. */
static size_t canonical(const char *text, char *out, size_t cap, const char *skipped)
{
	size_t n = 0;
	for (const char *p = text; *p && n < cap; p++) {
		if (strchr(skipped, *p))
			continue;
		char c = *p >= 'a' && *p <= 'z' ? (char)(*p - 32) : *p;
		out[n++] = c == 'O' ? '0' : c == 'I' || c == 'L' ? '1' : c;
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	char receipt[CRYPT_RECEIPT_CHARS + 1], again[CRYPT_RECEIPT_CHARS + 1];
	if (crypt_normalize_receipt(text, receipt)) {
		if (strlen(receipt) != CRYPT_RECEIPT_CHARS ||
		    strspn(receipt, "0123456789ABCDEFGHJKMNPQRSTVWXYZ") != CRYPT_RECEIPT_CHARS)
			abort();
		if (!crypt_normalize_receipt(receipt, again) || strcmp(receipt, again) != 0)
			abort();
	}

	unsigned char secret[CRYPT_KEY_BYTES];
	if (crypt_open_team(&team, text, secret) == 0) {
		static char typed[4096], real[128];
		size_t typed_len = canonical(text, typed, sizeof typed, "- \n\r\t");
		size_t real_len = canonical(recovery, real, sizeof real, "-");
		/* 52 characters carry 260 bits: the last one's low 4 bits are spare */
		if (typed_len != real_len || memcmp(typed, real, real_len - 1) != 0)
			abort();
		crypt_wipe(secret, sizeof secret);
	}
	free(text);
	return 0;
}
