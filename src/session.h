/*
 * session: logins kept in memory only. A session is a random 256-bit token
 * (crypt_token_new) that stands for an owner (who: a report's reference for a
 * reporter's follow-up; a staff account next), with an expiry and a small
 * payload (a report key), until it expires or is ended. Follow-up logins use
 * it now; staff logins are meant to reuse it.
 *
 * Secrets: the table (tokens and payloads) lives in crypt's guarded memory,
 * out of swap and core dumps; a session's slot is wiped when it ends, expires
 * or is taken over. Tokens are compared in constant time (crypt_token_equal).
 *
 * Caps: an owner holds at most `per_owner` sessions, and a new one ends that
 * owner's oldest, so that one receipt holder who logs in many times only
 * ever ends their own sessions. Only a full table (`capacity`) ends the
 * oldest session of any owner; expired sessions are cleared first.
 *
 * Time: no clock is read here; every call takes `now` (UTC seconds). A
 * session opened at t is valid while now < t + lifetime_seconds.
 *
 * Threads: a table may be used from several threads (one lock; each call is
 * a scan of the table, no I/O, no callbacks).
 */
#ifndef MELDWIJZER_SESSION_H
#define MELDWIJZER_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypt.h"

#define SESSION_TOKEN_SIZE CRYPT_TOKEN_SIZE
#define SESSION_OWNER_SIZE 64   /* an owner id and its NUL */
#define SESSION_PAYLOAD_MAX 64  /* bytes */

struct session_limits {
	size_t capacity;          /* sessions of all owners together */
	unsigned per_owner;       /* sessions of one owner; at least 1 */
	int64_t lifetime_seconds; /* from opening; not extended by use */
};

struct session_table;

/* 0, or -1 (limits out of range, out of memory). */
__attribute__((warn_unused_result)) int session_table_new(struct session_table **out,
							  const struct session_limits *limits);
/* Wipes every session. NULL is fine. */
void session_table_free(struct session_table *table);

/* Opens a session for `owner` holding `len` bytes of `payload` and writes
 * its token: 0, or -1 (an owner id or payload that does not fit). */
__attribute__((warn_unused_result)) int session_open(struct session_table *table, const char *owner,
						     const void *payload, size_t len, int64_t now,
						     char token[SESSION_TOKEN_SIZE]);
/* A live session by token: 0 with its owner and payload copied out (`size`
 * bytes of room; the caller wipes them), 1 when the token is unknown, ended
 * or expired (or the payload does not fit `size`). */
__attribute__((warn_unused_result)) int session_find(struct session_table *table, const char *token, int64_t now,
						     char owner[SESSION_OWNER_SIZE], void *payload, size_t size);
/* Ends a session (log out): true when there was one. */
bool session_end(struct session_table *table, const char *token);
/* Ends every session of an owner; how many there were. */
size_t session_end_owner(struct session_table *table, const char *owner);
/* Live sessions at `now`, in all or (with `owner`) of one owner. */
size_t session_count(struct session_table *table, const char *owner, int64_t now);

#endif
