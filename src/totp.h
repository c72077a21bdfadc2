/*
 * totp: time-based one-time passwords (RFC 6238) for staff logins, computed
 * by liboath: HMAC-SHA1, 30-second steps from the Unix epoch, 6 digits, what
 * every authenticator app does by default.
 *
 * A code is accepted for the current step and one step either side (clock
 * drift and typing time), and only for a step later than the last one the
 * account has used: the caller keeps that step (the database does, per
 * account, see staff.c), so the same code, or an older one, is never accepted
 * twice even within its 90 seconds.
 *
 * Secrets are raw bytes in caller memory; callers wipe them with crypt_wipe().
 * Nothing here reads a clock: `now` (UTC seconds) comes from the caller.
 * Thread-safe once totp_init() has returned 0.
 */
#ifndef MELDWIJZER_TOTP_H
#define MELDWIJZER_TOTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TOTP_SECRET_BYTES 20     /* 160 bits, as RFC 4226 recommends */
#define TOTP_STEP_SECONDS 30
#define TOTP_DIGITS 6
#define TOTP_WINDOW 1            /* steps accepted either side of now */
#define TOTP_CODE_SIZE 9         /* up to 8 digits + NUL */
#define TOTP_BASE32_SIZE 33      /* 20 bytes as RFC 4648 base32, no padding: 32 characters + NUL */
#define TOTP_URI_SIZE 512

/* Starts liboath once per process (later calls do nothing): 0, or -1. */
__attribute__((warn_unused_result)) int totp_init(void);

/* The step that `now` falls in (floor(now / 30); times before 1970 are not steps: -1). */
int64_t totp_step_of(int64_t now);

/* The code for `now` with `digits` (6 to 8) digits, into `out` (NUL-terminated):
 * 0, or -1 (a bad digit count, a time before 1970, liboath failed). For tests
 * against RFC 6238 (8 digits) and for showing a code in development. */
__attribute__((warn_unused_result)) int totp_code_at(const unsigned char *secret, size_t secret_len, int64_t now,
						     unsigned digits, char out[TOTP_CODE_SIZE]);

/* Checks a typed `code` (6 digits; spaces are ignored, anything else refuses
 * it) at `now` against the steps now-1, now, now+1 that are later than
 * `last_step` (-1: none used yet; the database starts at 0, a step of 1970). 1 accepted, and *step is the step
 * it matched, which the caller must store as the account's new last step
 * before it treats the login as done; 0 not accepted (wrong, expired, or
 * already used); -1 error. The comparison does not depend on where codes
 * differ. */
__attribute__((warn_unused_result)) int totp_check(const unsigned char *secret, size_t secret_len, const char *code,
						   int64_t now, int64_t last_step, int64_t *step);

/* A new random secret of TOTP_SECRET_BYTES into `secret`. */
void totp_new_secret(unsigned char secret[TOTP_SECRET_BYTES]);

/* The secret as authenticator apps take it (RFC 4648 base32, no padding): 0 or -1. */
__attribute__((warn_unused_result)) int totp_secret_base32(const unsigned char secret[TOTP_SECRET_BYTES],
							   char out[TOTP_BASE32_SIZE]);
/* Reads base32 text back (case and spaces ignored): 0, or -1 when it is not
 * exactly TOTP_SECRET_BYTES of base32. */
__attribute__((warn_unused_result)) int totp_secret_from_base32(const char *text,
								unsigned char secret[TOTP_SECRET_BYTES]);

/* The otpauth:// URI for a QR code ("otpauth://totp/ISSUER:ACCOUNT?secret=...&issuer=ISSUER&..."),
 * with the issuer and account percent-encoded: 0, or -1 when it does not fit. */
__attribute__((warn_unused_result)) int totp_uri(const unsigned char secret[TOTP_SECRET_BYTES], const char *issuer,
						 const char *account, char out[TOTP_URI_SIZE]);

#endif
