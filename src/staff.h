/*
 * staff: the advice point's staff accounts, their logins and their sessions
 * (issue 14). The web pages (/team/...) and the CLI (`meldwijzer user ...`)
 * call this module; it calls db, crypt, totp and audit, and owns their
 * transactions. No HTML, no HTTP.
 *
 * Accounts. An admin (or the CLI with the recovery key) creates an account
 * with one or more roles; it starts "pending" with a one-time activation code
 * (120 random bits, valid 72 h). For content roles (caseworker, coordinator)
 * the team secret is wrapped by a key derived from that code (argon2id);
 * an analyst or an admin alone never gets it, so no bug in a role check can
 * let them decrypt a report. At activation the person chooses a password
 * (libpwquality: at least 12 characters, not in or near a dictionary word,
 * not their name) and enrols TOTP; the team secret and the TOTP secret are
 * then wrapped by a key derived from the password (argon2id, cost in crypt.h
 * and docs/benchmarks.md), and the code is gone. "reset-2fa" puts an account
 * back to "pending" with a new code (the person chooses a new password and
 * enrols again: a password alone never enrols a second factor); "disable"
 * ends the account's sessions in the same transaction.
 *
 * Login is name + password + TOTP code, and its answer never says which was
 * wrong: an unknown name, a pending or disabled account, a wrong password
 * and a wrong or replayed code all give STAFF_LOGIN_FAILED after the same
 * argon2id work. Failures are counted in memory per account name and per
 * client tag (the hourly-salted hash http computes; no address is kept), and
 * after 5 failures for a name, or 20 for a client, logins wait (1, 2, 4, 8,
 * then 15 minutes after the last failure); a success clears the name's count.
 *
 * Sessions work on any server that shares the database: the cookie carries a
 * random 256-bit token; the database keeps only a hash of it and, for content
 * roles, the team secret wrapped by another key derived from it. A session
 * ends after 30 minutes without a touch, 10 hours after login, at logout, and
 * at once when its account is disabled or reset. Its CSRF token is derived
 * from the session token, so every server computes the same one.
 *
 * Audit: logins, failed logins (the account's name only when it exists),
 * logouts, and every account change are written to the audit log.
 *
 * Time: every function takes `now` (UTC seconds); nothing reads a clock.
 * Threads: a struct staff may be used from several threads. Every function
 * that takes a struct staff may block (database, argon2id): call it from the
 * worker pool only. Errors: -1 for failures of the machinery (database,
 * memory); the enum below for outcomes a person can act on. A failure to
 * write the audit entry is -1 too: a login then gives no session (nothing
 * happens off the record); an account change is then done but not on record,
 * and the caller should say so.
 *
 * Memory: argon2id holds 64 MiB while it runs, once per login or activation
 * in progress; this module does not limit how many run at once (the caller's
 * worker pool does).
 */
#ifndef MELDWIJZER_STAFF_H
#define MELDWIJZER_STAFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypt.h"
#include "db.h"

/* Roles, as a bit set: a person may have several. */
enum staff_role {
	STAFF_ROLE_CASEWORKER = 1u << 0,  /* reads and handles cases */
	STAFF_ROLE_COORDINATOR = 1u << 1, /* caseworker + assigns, closes, approves overrides */
	STAFF_ROLE_ANALYST = 1u << 2,     /* statistics only: never holds the team secret */
	STAFF_ROLE_ADMIN = 1u << 3,       /* accounts and the audit log; no content by itself */
};
#define STAFF_ROLES_ALL 0xFu
/* The roles that read report content, and so hold the team secret. */
#define STAFF_CONTENT_ROLES (STAFF_ROLE_CASEWORKER | STAFF_ROLE_COORDINATOR)

#define STAFF_ACTIVATION_SECONDS (72 * 3600)
#define STAFF_IDLE_SECONDS (30 * 60)
#define STAFF_ABSOLUTE_SECONDS (10 * 3600)
#define STAFF_PASSWORD_MIN 12
#define STAFF_PASSWORD_MAX 256
#define STAFF_ROLES_TEXT_SIZE 48 /* "caseworker,coordinator,analyst,admin" + NUL */

/* Outcomes (0 is success; -1 is an error of the machinery). */
enum staff_result {
	STAFF_OK = 0,
	STAFF_BAD_NAME = 1,        /* not 1 to 64 of a-z 0-9 . _ - (lower case), starting with a letter */
	STAFF_NO_ROLES = 2,        /* no role, or an unknown bit */
	STAFF_NAME_TAKEN = 3,
	STAFF_NEEDS_TEAM_SECRET = 4, /* content roles, but no team secret given */
	STAFF_NOT_FOUND = 5,       /* admin actions only: no account of that name */
	STAFF_BAD_ACTIVATION = 6,  /* name and code do not match a pending account, or the code expired */
	STAFF_WEAK_PASSWORD = 7,   /* see the reason */
	STAFF_BAD_TOTP = 8,        /* activation: the code does not fit the secret being enrolled */
	STAFF_LOGIN_FAILED = 9,    /* the one answer for every wrong login */
	STAFF_THROTTLED = 10,      /* too many failures: wait *retry_after seconds */
};

/* "caseworker" ... "admin" <-> its bit; false / NULL when unknown or not one bit. */
bool staff_role_from_name(const char *name, unsigned *role);
const char *staff_role_name(unsigned role);
/* "caseworker,admin": the roles in the order of the enum. */
void staff_roles_text(unsigned roles, char out[STAFF_ROLES_TEXT_SIZE]);
/* Whether `name` may be an account name (see STAFF_BAD_NAME). */
bool staff_name_valid(const char *name);

/* Why a password is refused, in both languages (static text), or NULL when it
 * is good enough. `name` is the account's, which the password may not contain. */
struct staff_password_reason {
	const char *nl;
	const char *en;
};
/* 0 good; 1 refused (*reason set); -1 when libpwquality cannot run. */
__attribute__((warn_unused_result)) int staff_check_password(const char *name, const char *password,
							     struct staff_password_reason *reason);

/* The module's state: the database and the failure counts. NULL on error. */
struct staff;
struct staff *staff_new(struct db *db);
void staff_free(struct staff *staff);

/* Creates a pending account and its activation code (shown once; the caller
 * wipes it with crypt_wipe). `team_secret` (CRYPT_KEY_BYTES) is needed when
 * `roles` include a content role and ignored otherwise (NULL is fine then).
 * `actor` is who does it, for the audit log ("cli" for the command line).
 * STAFF_OK, STAFF_BAD_NAME, STAFF_NO_ROLES, STAFF_NEEDS_TEAM_SECRET,
 * STAFF_NAME_TAKEN, or -1. */
__attribute__((warn_unused_result)) int staff_create(struct staff *staff, const char *actor, const char *name,
						     unsigned roles, const unsigned char *team_secret, int64_t now,
						     char code[CRYPT_ACTIVATION_TEXT_SIZE]);

/* Activates a pending account: the code it was given, the password chosen
 * (checked as staff_check_password; *reason set on STAFF_WEAK_PASSWORD), the
 * TOTP secret being enrolled (totp.h: the page made it with totp_new_secret
 * and showed it) and a code the person's app shows for it now. The code is
 * then used: it cannot log in again. STAFF_OK, STAFF_WEAK_PASSWORD,
 * STAFF_BAD_TOTP, STAFF_BAD_ACTIVATION (also for an unknown name), or -1. */
__attribute__((warn_unused_result)) int staff_activate(struct staff *staff, const char *name, const char *code,
						       const char *password, const unsigned char *totp_secret,
						       const char *totp_code, int64_t now,
						       struct staff_password_reason *reason);

/* Logs in: on STAFF_OK a new session's token is in `token` (for the
 * __Host- cookie; wipe it after use). `client_tag` (CRYPT_CLIENT_TAG_BYTES,
 * may be NULL for the CLI) counts failures per client. STAFF_OK,
 * STAFF_LOGIN_FAILED, STAFF_THROTTLED (*retry_after seconds; no password is
 * checked then), or -1. */
__attribute__((warn_unused_result)) int staff_login(struct staff *staff, const char *name, const char *password,
						    const char *totp_code, const unsigned char *client_tag, int64_t now,
						    char token[CRYPT_TOKEN_SIZE], unsigned *retry_after);

/* A valid session, as staff_session_find() gives it. */
struct staff_session {
	int64_t account_id;
	char name[DB_STAFF_NAME_SIZE];
	unsigned roles;
	int64_t created_at, last_seen;
	char csrf[CRYPT_TOKEN_SIZE];  /* for every staff form: compare with staff_session_csrf_valid() */
	unsigned char *team_secret;   /* CRYPT_KEY_BYTES in guarded memory for content roles, else NULL */
};
/* Finds the session of `token` at `now`: 0 valid (release `out` with
 * staff_session_release()); 1 no such session, or it expired (then it is
 * removed), or its account is no longer active; -1. Does not touch it. */
__attribute__((warn_unused_result)) int staff_session_find(struct staff *staff, const char *token, int64_t now,
							   struct staff_session *out);
/* Wipes and frees the team secret. */
void staff_session_release(struct staff_session *session);
/* Marks the session as used at `now` (its idle time starts again): 0; 1 gone; -1. */
__attribute__((warn_unused_result)) int staff_session_touch(struct staff *staff, const char *token, int64_t now);
/* Logout: removes the session (and writes it to the audit log when there was
 * one). 0, or -1. */
__attribute__((warn_unused_result)) int staff_session_end(struct staff *staff, const char *token, int64_t now);
/* Whether a form's CSRF field is this session's token (constant time). */
bool staff_session_csrf_valid(const struct staff_session *session, const char *typed);

/* Admin actions; `actor` as for staff_create. STAFF_OK, STAFF_NOT_FOUND, or -1. */
__attribute__((warn_unused_result)) int staff_disable(struct staff *staff, const char *actor, const char *name,
						      int64_t now);
/* Back to pending with a new activation code (valid 72 h); password, TOTP and
 * sessions are gone. `team_secret` as for staff_create. STAFF_OK,
 * STAFF_NOT_FOUND, STAFF_NEEDS_TEAM_SECRET, or -1. */
__attribute__((warn_unused_result)) int staff_reset_2fa(struct staff *staff, const char *actor, const char *name,
							const unsigned char *team_secret, int64_t now,
							char code[CRYPT_ACTIVATION_TEXT_SIZE]);

/* An account as lists show it: nothing secret. */
struct staff_account_info {
	char name[DB_STAFF_NAME_SIZE];
	unsigned roles;
	char state[16];                /* "pending", "active", "disabled"; "expired" for a pending account whose code expired */
	int64_t created_at;
	int64_t activation_expires;    /* pending accounts */
};
/* Calls `each` for every account by name. 0, or -1. */
__attribute__((warn_unused_result)) int staff_list(struct staff *staff, int64_t now,
						   void (*each)(void *ctx, const struct staff_account_info *), void *ctx);

#endif
