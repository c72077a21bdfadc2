/*
 * crypt: all cryptography of meldwijzer (libsodium). No other module touches
 * key material.
 *
 * Scheme (after GlobaLeaks, see ARCHITECTURE section 4):
 * - The team has an X25519 key pair. Its secret key is stored only wrapped
 *   (XChaCha20-Poly1305) by the recovery key: 32 random bytes, shown once at
 *   init as text. Staff passwords will wrap it too (staff accounts issue).
 * - Each report gets a random report key K. Narrative, contact details and
 *   messages are encrypted with K (XChaCha20-Poly1305, the report id and field
 *   name as associated data). K is stored twice: sealed to the team's public
 *   key, and wrapped by a key derived from the receipt (BLAKE2b with a salt
 *   per report). The receipt carries 100 random bits, so a slow hash would add
 *   nothing against guessing (2^99 tries on average either way) but would cost
 *   every anonymous submission ~30 ms of CPU and 16 MiB (measured with
 *   argon2id 16 MiB/2 passes): a fast, salted derivation is the safer choice.
 * - The receipt (100 random bits, Crockford base32) is stored only as a keyed
 *   BLAKE2b hash (key: the server key file) for lookup.
 * So the database plus the server key file reveal no report content without
 * the recovery key (or, for one report, its receipt).
 *
 * Secrets live in caller buffers; callers wipe them with crypt_wipe().
 */
#ifndef MELDWIJZER_CRYPT_H
#define MELDWIJZER_CRYPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CRYPT_KEY_BYTES 32
#define CRYPT_SALT_BYTES 16
#define CRYPT_SEALED_KEY_BYTES (CRYPT_KEY_BYTES + 48)   /* crypto_box_SEALBYTES */
#define CRYPT_WRAPPED_KEY_BYTES (24 + CRYPT_KEY_BYTES + 16) /* nonce + key + tag */
#define CRYPT_OVERHEAD (24 + 16)                       /* nonce + tag per box */
#define CRYPT_RECEIPT_CHARS 20                          /* 100 bits */
#define CRYPT_RECEIPT_TEXT_SIZE 25                      /* "XXXXX-XXXXX-XXXXX-XXXXX" + NUL */
#define CRYPT_RECOVERY_TEXT_SIZE 72                     /* 52 base32 characters in groups + NUL */

struct crypt_team {
	unsigned char public_key[CRYPT_KEY_BYTES];
	unsigned char wrapped_secret[CRYPT_WRAPPED_KEY_BYTES]; /* by the recovery key */
};

__attribute__((warn_unused_result)) int crypt_init(void);
void crypt_wipe(void *secret, size_t len);
void crypt_random(void *out, size_t len);

/* A short keyed hash of a client address, for in-memory rate limits only. */
void crypt_client_tag(const unsigned char salt[CRYPT_KEY_BYTES], const void *address, size_t len,
		      unsigned char out[16]);

#define CRYPT_FORM_TOKEN_SIZE 33 /* 32 hex characters + NUL */
/* A token for HTML forms: a keyed hash of the hour, valid for that hour and the next. */
void crypt_form_token(const unsigned char server_key[CRYPT_KEY_BYTES], int64_t hour, char out[CRYPT_FORM_TOKEN_SIZE]);
bool crypt_form_token_valid(const unsigned char server_key[CRYPT_KEY_BYTES], int64_t hour, const char *token);

/* Makes the team key pair and a recovery key; the team secret is wiped. */
__attribute__((warn_unused_result)) int crypt_new_team(struct crypt_team *team,
						       char recovery_text[CRYPT_RECOVERY_TEXT_SIZE]);
/* Unwraps the team secret with the recovery key text (spaces, dashes and case ignored). */
__attribute__((warn_unused_result)) int crypt_open_team(const struct crypt_team *team, const char *recovery_text,
							unsigned char team_secret[CRYPT_KEY_BYTES]);

/* A new receipt as "XXXXX-XXXXX-XXXXX-XXXXX". */
void crypt_new_receipt(char text[CRYPT_RECEIPT_TEXT_SIZE]);
/* Reads a typed receipt (case, dashes and spaces ignored; O=0, I=L=1) into its
 * 20 canonical characters; false when it cannot be a receipt. */
bool crypt_normalize_receipt(const char *typed, char canonical[CRYPT_RECEIPT_CHARS + 1]);
/* The keyed hash that finds a report by its receipt. */
void crypt_receipt_lookup(const unsigned char server_key[CRYPT_KEY_BYTES], const char *canonical,
			  unsigned char out[CRYPT_KEY_BYTES]);
/* The key derived from a receipt (and the report's salt) that wraps the report key. */
__attribute__((warn_unused_result)) int crypt_receipt_key(const char *canonical, const unsigned char salt[CRYPT_SALT_BYTES],
							  unsigned char out[CRYPT_KEY_BYTES]);

/* K sealed to the team, and opened with the team secret. */
__attribute__((warn_unused_result)) int crypt_seal_for_team(const unsigned char team_public[CRYPT_KEY_BYTES],
							    const unsigned char key[CRYPT_KEY_BYTES],
							    unsigned char sealed[CRYPT_SEALED_KEY_BYTES]);
__attribute__((warn_unused_result)) int crypt_open_sealed(const unsigned char team_public[CRYPT_KEY_BYTES],
							  const unsigned char team_secret[CRYPT_KEY_BYTES],
							  const unsigned char sealed[CRYPT_SEALED_KEY_BYTES],
							  unsigned char key[CRYPT_KEY_BYTES]);

/* Authenticated encryption of `len` bytes with `key`; `out` must hold len + CRYPT_OVERHEAD.
 * `context` (report id and field) is bound as associated data. */
__attribute__((warn_unused_result)) int crypt_encrypt(const unsigned char key[CRYPT_KEY_BYTES], const char *context,
						      const void *plain, size_t len, unsigned char *out);
/* Decrypts `len` bytes (with overhead) into `plain` (len - CRYPT_OVERHEAD bytes);
 * -1 on a wrong key, wrong context or any change. */
__attribute__((warn_unused_result)) int crypt_decrypt(const unsigned char key[CRYPT_KEY_BYTES], const char *context,
						      const unsigned char *box, size_t len, void *plain);

/* Issue 10: the keyed hash (server key, own personalisation) under which a form's single-use submission
 * key is stored, so that the database can refuse a second report with the same key. */
#define CRYPT_SUBMISSION_KEY_SIZE 33 /* 32 hex characters + NUL */
void crypt_submission_hash(const unsigned char server_key[CRYPT_KEY_BYTES], const char *key_text,
			   unsigned char out[CRYPT_KEY_BYTES]);

#endif
