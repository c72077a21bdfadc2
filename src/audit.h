/*
 * audit: the tamper-evident log of what staff do (issue 14). Every entry has
 * a time, the account that acted, an action and its object (an account name,
 * a report reference): never report content, never a client address. Each
 * entry carries the BLAKE2b hash of the previous entry's hash and its own
 * fields, so an entry that is changed, removed or moved breaks the chain at
 * that entry. The table refuses UPDATE and DELETE (db/sqlite/004); the chain
 * is for changes made around that (the file itself, another program).
 * Removing the newest entries leaves a shorter, valid chain: write the head
 * (audit_head) down elsewhere now and then, and give it to audit_verify.
 *
 * Callers: staff.c (logins, failures, account changes), the CLI, and later
 * the case pages (every opening of a case). Entries of several servers that
 * share the database form one chain: an append that loses the race for the
 * next number chains again.
 *
 * Time comes from the caller. Every call may block on the disk.
 */
#ifndef MELDWIJZER_AUDIT_H
#define MELDWIJZER_AUDIT_H

#include <stdint.h>

#include "db.h"

#define AUDIT_HASH_TEXT_SIZE (2 * CRYPT_HASH_BYTES + 1)
#define AUDIT_PROBLEM_SIZE 200

/* Appends an entry. `account`: the acting account's name, "cli" for the
 * command line with the recovery key, or "-" when nobody is known; `object`:
 * what was acted on ("-" for nothing). Text longer than its field (db.h) is
 * refused, not cut. 0, or -1 (then nothing was written). */
__attribute__((warn_unused_result)) int audit_append(struct db *db, int64_t now, const char *account,
						     const char *action, const char *object);

/* Checks the whole chain: numbers 1, 2, ... without gaps, each entry's
 * `previous` equal to the hash of the one before, each hash equal to the
 * hash of its own fields. With `head` (hex, else NULL) the chain must also
 * contain an entry with that hash (entries removed from the end are found
 * that way). 0 intact; 1 broken, and *first_bad is the number of the first
 * entry that was changed, removed or moved (0 when only the head is missing)
 * with `problem` saying which; -1 when the log cannot be read. */
__attribute__((warn_unused_result)) int audit_verify(struct db *db, const char *head, int64_t *first_bad,
						     char problem[AUDIT_PROBLEM_SIZE]);

/* The newest entry's hash as hex and its number: 0; 1 when the log is empty
 * (out is then the hash an empty chain starts from, all zeros, and *seq 0); -1. */
__attribute__((warn_unused_result)) int audit_head(struct db *db, char out[AUDIT_HASH_TEXT_SIZE], int64_t *seq);

#endif
