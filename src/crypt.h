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
 * Every key the server holds lives here, behind opaque types: the server key
 * file's key (struct crypt_keys: receipt lookups and form tokens), the salts
 * of client tags (struct crypt_client_salts), and the random session tokens
 * (crypt_token_new/crypt_token_equal). Their bytes are in crypt_secure_alloc()
 * memory, locked out of swap and left out of core dumps, and no other module
 * reads them. Short-lived secrets live in caller buffers;
 * callers wipe them with crypt_wipe(). Text that carries a secret on its way
 * out (a receipt, a token, a decrypted report) is built in a struct
 * crypt_buffer, which is wiped when freed.
 *
 * Time: nothing here reads a clock; functions that depend on the hour take
 * `now` (UTC seconds), so tests can step over an hour's boundary.
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

/* Makes the process safe to hold keys, before it creates any file: umask 077
 * (the database, its -wal and -shm and the key file are then private even
 * where the database layer did not create them itself), no core dumps
 * (RLIMIT_CORE 0) and not dumpable (PR_SET_DUMPABLE 0: no core through a
 * core_pattern pipe either, and other processes of the same user cannot read
 * its memory through /proc or ptrace). Call it first thing in main(). 0, or
 * -1 when a limit could not be set (the umask is set in any case). */
__attribute__((warn_unused_result)) int crypt_harden_process(void);

/* Zeroed memory for long-lived secrets (libsodium's guarded allocation:
 * mlock'ed, MADV_DONTDUMP, guard pages); NULL when out of memory. Needs
 * crypt_init(). crypt_secure_free() wipes before it frees; NULL is fine. */
void *crypt_secure_alloc(size_t len);
void crypt_secure_free(void *secret);

/* Padding, so that a box's length tells no more than a size class: a report
 * with or without contact details, and short messages, land in the same
 * class. The padded size of `len` bytes of plaintext: the smallest power of
 * two that is at least CRYPT_PAD_MIN and leaves room for one padding byte. */
#define CRYPT_PAD_MIN 512
size_t crypt_padded_size(size_t len);
/* ISO/IEC 7816-4 padding (0x80, then zeros) of `len` bytes in a buffer of
 * `padded` = crypt_padded_size(len) bytes, and its removal; -1 when the
 * padding is not there. */
__attribute__((warn_unused_result)) int crypt_pad(unsigned char *buffer, size_t len, size_t padded);
__attribute__((warn_unused_result)) int crypt_unpad(const unsigned char *buffer, size_t padded, size_t *len);

#define CRYPT_ERROR_SIZE 300

/* ---- the server key file ---- */

/* The server's long-lived key (from the server key file), in guarded memory. */
struct crypt_keys;

/* Creates the server key file: 32 random bytes, mode 0600, refused when the
 * file exists, written and fsync'ed (and its directory) before it returns. */
__attribute__((warn_unused_result)) int crypt_key_file_create(const char *path, char error[CRYPT_ERROR_SIZE]);
/* Removes a key file that crypt_key_file_create() made, for an init that
 * failed after it (init leaves nothing behind). */
void crypt_key_file_remove(const char *path);
/* Loads the key file. Refused: a file that other users may read or change
 * (naming the chmod to run), a symbolic link, one that is not 32 bytes. */
__attribute__((warn_unused_result)) int crypt_keys_load(struct crypt_keys **out, const char *path,
							char error[CRYPT_ERROR_SIZE]);
void crypt_keys_free(struct crypt_keys *keys);
/* The keyed hash that finds a report by its receipt. */
void crypt_keys_receipt_lookup(const struct crypt_keys *keys, const char *canonical, unsigned char out[CRYPT_KEY_BYTES]);
/* The keyed hash under which a form's single-use submission key is stored
 * (so the database never holds the key itself). */
void crypt_keys_submission_hash(const struct crypt_keys *keys, const char *submission_key,
				unsigned char out[CRYPT_KEY_BYTES]);

#define CRYPT_FORM_TOKEN_SIZE 33 /* 32 hex characters + NUL */
/* A token for HTML forms: a keyed hash of the hour that `now` falls in. A
 * token is valid in its own hour and the next: one made at 10:59:59 is valid
 * until 11:59:59, and none from before 10:00 is valid at 11:00:00. */
void crypt_keys_form_token(const struct crypt_keys *keys, int64_t now, char out[CRYPT_FORM_TOKEN_SIZE]);
bool crypt_keys_form_token_valid(const struct crypt_keys *keys, int64_t now, const char *token);


/* ---- session tokens ---- */

#define CRYPT_TOKEN_SIZE 65 /* 256 random bits as 64 hex characters + NUL */
/* A new random token (for sessions). */
void crypt_token_new(char out[CRYPT_TOKEN_SIZE]);
/* Whether `typed` is `token`, in time that does not depend on where they
 * differ (tokens are secrets); false for anything that is not a token. */
bool crypt_token_equal(const char token[CRYPT_TOKEN_SIZE], const char *typed);
/* A random public identifier (not a secret): `bytes` random bytes as hex in
 * `out`, which holds 2 * bytes + 1. */
void crypt_random_id(char *out, size_t bytes);

/* ---- client tags for rate limits ---- */

/* Two salts, this hour's and last hour's, in guarded memory, never stored:
 * with the salt a tag could be traced back to an address, and once an hour
 * has passed nothing can. Thread-safe. */
struct crypt_client_salts;
#define CRYPT_CLIENT_TAG_BYTES 32
/* NULL when out of memory or locks. */
struct crypt_client_salts *crypt_client_salts_new(void);
void crypt_client_salts_free(struct crypt_client_salts *salts);
/* The client's tag at `now`: 16 bytes, a keyed hash of the address under
 * this hour's salt, then 16 under last hour's, so that a count kept under the
 * old tag is found again after the change. The salts move on when the hour
 * changes; after a gap of more than an hour nothing carries over. */
/* The hour `now` falls in, also for times before 1970: the hour the client
 * salts and form tokens change with (a tag made in one hour stays the same
 * for the same address until it ends). */
int64_t crypt_hour_of(int64_t now);
void crypt_client_salts_tag(struct crypt_client_salts *salts, int64_t now, const void *address, size_t len,
			    unsigned char out[CRYPT_CLIENT_TAG_BYTES]);

/* ---- text that carries a secret ---- */

/* A growable buffer in guarded memory, wiped when it grows and when it is
 * freed: for replies that carry a receipt, a token or decrypted text, so that
 * no copy of them is left in freed memory. Adding past `limit` bytes (or
 * running out of memory) fails, and the buffer stays failed. */
struct crypt_buffer {
	char *data; /* NUL-terminated; NULL until something is added */
	size_t len, cap, limit;
	bool failed;
};
void crypt_buffer_init(struct crypt_buffer *buffer, size_t limit);
/* 0, or -1 (over the limit, out of memory, or failed before). */
__attribute__((warn_unused_result)) int crypt_buffer_add(struct crypt_buffer *buffer, const void *data, size_t len);
/* Hands the bytes over (*len of them): free them with crypt_buffer_free(),
 * whose signature fits libmicrohttpd's free callback
 * (MHD_create_response_from_buffer_with_free_callback). The buffer is empty
 * afterwards. NULL when it failed or holds nothing. */
char *crypt_buffer_detach(struct crypt_buffer *buffer, size_t *len);
void crypt_buffer_free(void *detached);
/* Wipes and frees what the buffer holds. */
void crypt_buffer_release(struct crypt_buffer *buffer);

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
/* The key derived from a receipt (and the report's salt) that wraps the report key. */
__attribute__((warn_unused_result)) int crypt_receipt_key(const char *canonical, const unsigned char salt[CRYPT_SALT_BYTES],
							  unsigned char out[CRYPT_KEY_BYTES]);

/* K sealed to the team's public key, and opened with the team secret.
 *
 * Reports are sealed in batches (the group commit's, see seal_batch in db.c): one
 * ephemeral X25519 key pair per batch, its shared key with the team's public
 * key (crypto_box_beforenm) wrapping each report's K with XSalsa20-Poly1305.
 * The nonce is an unkeyed BLAKE2b of the ephemeral public key, the team's
 * public key and the report's ref, so that within a batch no nonce repeats
 * and a wrapped K is tied to its row against mix-ups (not authenticated:
 * anyone with the team's public key can make a box; the content is bound to
 * its ref by its own associated data). Stored: ephemeral public key (32) +
 * box (48), the size of a libsodium sealed box. Keys sealed one by one before
 * this (crypto_box_seal) still open, for any ref.
 * Forward secrecy as with a sealed box per report: the ephemeral secret is
 * wiped as soon as the shared key exists, and the shared key when the batch
 * is sealed; every K it wrapped was in memory at that moment anyway. What the
 * stored rows show besides: which reports share an ephemeral key, i.e. were
 * committed together (sent while the commit before was being written; the
 * rows' order showed their order already). Reports with a time in the
 * database (a call the team took is in the audit log) are sealed alone, so
 * that they date no one else's report (seal_batch in db.c).
 * The caller of crypt_team_sealer_seal must not pass one ref twice to the same
 * sealer (the nonce would repeat): seal_batch in db.c skips a repeated one. */
struct crypt_team_sealer {
	/* crypt's own; on the caller's stack, wiped by crypt_team_sealer_end */
	unsigned char ephemeral_public[CRYPT_KEY_BYTES];
	unsigned char team_public[CRYPT_KEY_BYTES];
	unsigned char shared[CRYPT_KEY_BYTES];
};
__attribute__((warn_unused_result)) int crypt_team_sealer_begin(struct crypt_team_sealer *sealer,
								const unsigned char team_public[CRYPT_KEY_BYTES]);
__attribute__((warn_unused_result)) int crypt_team_sealer_seal(const struct crypt_team_sealer *sealer, const char *ref,
							       const unsigned char key[CRYPT_KEY_BYTES],
							       unsigned char sealed[CRYPT_SEALED_KEY_BYTES]);
void crypt_team_sealer_end(struct crypt_team_sealer *sealer);
/* Whether `sealer` seals to `team_public` (a batch holds one team's reports). */
bool crypt_team_sealer_is_for(const struct crypt_team_sealer *sealer, const unsigned char team_public[CRYPT_KEY_BYTES]);
__attribute__((warn_unused_result)) int crypt_open_sealed(const unsigned char team_public[CRYPT_KEY_BYTES],
							  const unsigned char team_secret[CRYPT_KEY_BYTES],
							  const unsigned char sealed[CRYPT_SEALED_KEY_BYTES], const char *ref,
							  unsigned char key[CRYPT_KEY_BYTES]);

/* Authenticated encryption of `len` bytes with `key`; `out` must hold len + CRYPT_OVERHEAD.
 * `context` (report id and field) is bound as associated data. */
__attribute__((warn_unused_result)) int crypt_encrypt(const unsigned char key[CRYPT_KEY_BYTES], const char *context,
						      const void *plain, size_t len, unsigned char *out);
/* Decrypts `len` bytes (with overhead) into `plain` (len - CRYPT_OVERHEAD bytes);
 * -1 on a wrong key, wrong context or any change. */
__attribute__((warn_unused_result)) int crypt_decrypt(const unsigned char key[CRYPT_KEY_BYTES], const char *context,
						      const unsigned char *box, size_t len, void *plain);

/* A form's single-use submission key as text: 32 hex characters + NUL. */
#define CRYPT_SUBMISSION_KEY_SIZE 33

/* ---- staff accounts and sessions (issue 14) ----
 *
 * A staff account holds the team secret (content roles only) wrapped by a key
 * that only the person can make: first from a one-time activation code, then
 * from their password, both with argon2id (crypt_slow_key). The database
 * keeps, per account, the salt, the cost and a verifier (a hash of the key,
 * never the key), so a login can be checked without holding anything that
 * unwraps. A session's token is stored only as a hash, and the team secret
 * for the session is wrapped by another key derived from the token: the
 * database alone never opens it, and any server that shares the database and
 * is shown the cookie can. */

/* Activation codes: 120 random bits, 24 Crockford base32 characters in groups of 4. */
#define CRYPT_ACTIVATION_CHARS 24
#define CRYPT_ACTIVATION_TEXT_SIZE 30 /* "XXXX-XXXX-XXXX-XXXX-XXXX-XXXX" + NUL */
void crypt_new_activation_code(char text[CRYPT_ACTIVATION_TEXT_SIZE]);
/* Reads a typed code (case, dashes and spaces ignored; O=0, I=L=1) into its
 * 24 canonical characters; false when it cannot be a code. */
bool crypt_normalize_activation_code(const char *typed, char canonical[CRYPT_ACTIVATION_CHARS + 1]);

/* argon2id cost, chosen by measurement (docs/benchmarks.md): 3 passes over
 * 64 MiB took 0.13 s alone and up to 0.5 s with two at once on the 2-core
 * build machine under other load, so a login stays within 0.5 s. */
#define CRYPT_SLOW_OPSLIMIT 3u
#define CRYPT_SLOW_MEMLIMIT (64u * 1024u * 1024u)
/* The cost new keys are made with (stored with each account, so that a later
 * change keeps old accounts working). */
void crypt_slow_key_cost(uint32_t *opslimit, uint32_t *memlimit);
/* Tests only: a cheaper cost for new keys (argon2id under valgrind takes
 * seconds); 0, 0 restores the default. Not thread-safe: set before threads. */
void crypt_set_slow_key_cost_for_tests(uint32_t opslimit, uint32_t memlimit);
/* The key derived by argon2id from `len` bytes of `secret` (a password, or a
 * canonical activation code) and the salt, at the given cost: 0, or -1 (out
 * of memory, or a cost libsodium refuses). `out` is a caller buffer: wipe it. */
__attribute__((warn_unused_result)) int crypt_slow_key(const char *secret, size_t len,
						       const unsigned char salt[CRYPT_SALT_BYTES], uint32_t opslimit,
						       uint32_t memlimit, unsigned char out[CRYPT_KEY_BYTES]);
/* What the database keeps to recognise a key: a hash of it under its own
 * personalisation (nothing that can unwrap). */
void crypt_key_verifier(const unsigned char key[CRYPT_KEY_BYTES], unsigned char out[CRYPT_KEY_BYTES]);
/* Whether `key` is the one `verifier` was made from, in constant time. */
bool crypt_key_matches(const unsigned char key[CRYPT_KEY_BYTES], const unsigned char verifier[CRYPT_KEY_BYTES]);

/* Wraps and unwraps a staff secret (the team secret: `len` 32; a TOTP secret:
 * 20) with `key`, the purpose as `context` (so a box made for one purpose
 * never opens as another). `out` holds len + CRYPT_OVERHEAD; unwrap writes
 * `len` bytes and fails (-1) on a wrong key, context or any change. */
__attribute__((warn_unused_result)) int crypt_wrap(const unsigned char key[CRYPT_KEY_BYTES], const char *context,
						   const unsigned char *secret, size_t len, unsigned char *out);
__attribute__((warn_unused_result)) int crypt_unwrap(const unsigned char key[CRYPT_KEY_BYTES], const char *context,
						     const unsigned char *box, size_t len, unsigned char *out);

/* From a session token (crypt_token_new text): the hash the database keeps
 * to find the session, the key that wraps the session's team secret, and the
 * session's CSRF token (64 hex characters + NUL; compare with
 * crypt_token_equal). Each under its own personalisation, so none can be
 * computed from another. -1 when `token` is not a token. */
__attribute__((warn_unused_result)) int crypt_session_lookup(const char *token, unsigned char out[CRYPT_KEY_BYTES]);
__attribute__((warn_unused_result)) int crypt_session_key(const char *token, unsigned char out[CRYPT_KEY_BYTES]);
__attribute__((warn_unused_result)) int crypt_session_csrf(const char *token, char out[CRYPT_TOKEN_SIZE]);

/* The audit chain: BLAKE2b-256 of the previous entry's hash and this entry's
 * bytes (as audit.c lays them out). */
#define CRYPT_HASH_BYTES 32
void crypt_chain_hash(const unsigned char previous[CRYPT_HASH_BYTES], const void *entry, size_t len,
		      unsigned char out[CRYPT_HASH_BYTES]);

/* Hex for hashes that are not secrets (the audit head): bytes to text
 * (`size` >= 2 * len + 1), and text to at most `max` bytes (*len set): 0 or -1. */
void crypt_bytes_to_hex(const unsigned char *bytes, size_t len, char *out, size_t size);
__attribute__((warn_unused_result)) int crypt_hex_to_bytes(const char *hex, unsigned char *out, size_t max, size_t *len);

#endif
