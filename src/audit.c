#define _POSIX_C_SOURCE 200809L
#include "audit.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "crypt.h"

/* How often an append chains again when other writers keep taking the next
 * number; more than a handful means something else is wrong. */
/* Writers that race for the next number retry; under heavy contention one writer can lose many times
 * in a row, so it backs off a little (random, growing) rather than giving up after a few tries. */
#define APPEND_TRIES 200

/* The bytes an entry's hash covers (after the previous hash): a version,
 * then every field, text fields with their length first so that no two
 * different entries have the same bytes. */
static int entry_bytes(const struct db_audit_entry *entry, char *out, size_t size, size_t *len)
{
	int written = snprintf(out, size, "meldwijzer audit v1\n%lld\n%lld\n%zu:%s\n%zu:%s\n%zu:%s\n",
			       (long long)entry->seq, (long long)entry->at, strlen(entry->account), entry->account,
			       strlen(entry->action), entry->action, strlen(entry->object), entry->object);
	if (written < 0 || (size_t)written >= size)
		return -1;
	*len = (size_t)written;
	return 0;
}

#define ENTRY_BYTES_SIZE (64 + 3 * 24 + DB_AUDIT_ACCOUNT_SIZE + DB_AUDIT_ACTION_SIZE + DB_AUDIT_OBJECT_SIZE)

static int hash_entry(const struct db_audit_entry *entry, unsigned char out[CRYPT_HASH_BYTES])
{
	char bytes[ENTRY_BYTES_SIZE];
	size_t len = 0;
	if (entry_bytes(entry, bytes, sizeof bytes, &len))
		return -1;
	crypt_chain_hash(entry->previous, bytes, len, out);
	return 0;
}

static bool fits(const char *text, size_t size)
{
	return text && text[0] && strlen(text) < size;
}

int audit_append(struct db *db, int64_t now, const char *account, const char *action, const char *object)
{
	struct db_audit_entry entry;
	if (!fits(account, sizeof entry.account) || !fits(action, sizeof entry.action) ||
	    !fits(object, sizeof entry.object))
		return -1;
	for (int attempt = 0; attempt < APPEND_TRIES; attempt++) {
		struct db_audit_entry last;
		memset(&entry, 0, sizeof entry);
		int found = db_audit_last(db, &last);
		if (found < 0)
			return -1;
		entry.seq = found == 0 ? last.seq + 1 : 1;
		if (found == 0)
			memcpy(entry.previous, last.hash, CRYPT_HASH_BYTES);
		entry.at = now;
		snprintf(entry.account, sizeof entry.account, "%s", account);
		snprintf(entry.action, sizeof entry.action, "%s", action);
		snprintf(entry.object, sizeof entry.object, "%s", object);
		if (hash_entry(&entry, entry.hash))
			return -1;
		int status = db_audit_append(db, &entry);
		if (status != 1)
			return status; /* 0 stored, -1 failed */
		/* 1: another writer took this number first; chain onto theirs, after a short random wait */
		unsigned char jitter;
		crypt_random(&jitter, 1);
		struct timespec pause = {0, (long)(attempt < 10 ? attempt + 1 : 10) * 100000L + (long)jitter * 1000L};
		nanosleep(&pause, NULL);
	}
	return -1;
}

struct verify_state {
	int64_t expected_seq;
	unsigned char previous[CRYPT_HASH_BYTES];
	bool has_head, head_seen, broken, failed;
	unsigned char head[CRYPT_HASH_BYTES];
	int64_t first_bad;
	char *problem;
};

static int check_entry(void *ctx, const struct db_audit_entry *entry)
{
	struct verify_state *state = ctx;
	unsigned char hash[CRYPT_HASH_BYTES];
	if (entry->seq != state->expected_seq) {
		state->first_bad = state->expected_seq;
		snprintf(state->problem, AUDIT_PROBLEM_SIZE,
			 "entry %lld is missing (removed or renumbered); the next one is %lld",
			 (long long)state->expected_seq, (long long)entry->seq);
	} else if (memcmp(entry->previous, state->previous, CRYPT_HASH_BYTES) != 0) {
		state->first_bad = entry->seq;
		snprintf(state->problem, AUDIT_PROBLEM_SIZE,
			 "entry %lld does not follow entry %lld (an entry was removed, moved or changed there)",
			 (long long)entry->seq, (long long)entry->seq - 1);
	} else if (hash_entry(entry, hash) != 0) {
		state->failed = true;
		return 1;
	} else if (memcmp(hash, entry->hash, CRYPT_HASH_BYTES) != 0) {
		state->first_bad = entry->seq;
		snprintf(state->problem, AUDIT_PROBLEM_SIZE, "entry %lld was changed (its hash does not match it)",
			 (long long)entry->seq);
	} else {
		if (state->has_head && memcmp(hash, state->head, CRYPT_HASH_BYTES) == 0)
			state->head_seen = true;
		memcpy(state->previous, hash, CRYPT_HASH_BYTES);
		state->expected_seq++;
		return 0;
	}
	state->broken = true;
	return 1; /* the first break is the one to name */
}

int audit_verify(struct db *db, const char *head, int64_t *first_bad, char problem[AUDIT_PROBLEM_SIZE])
{
	struct verify_state state = {.expected_seq = 1, .problem = problem};
	*first_bad = 0;
	problem[0] = '\0';
	if (head) {
		size_t len = 0;
		if (strlen(head) != 2 * CRYPT_HASH_BYTES ||
		    crypt_hex_to_bytes(head, state.head, CRYPT_HASH_BYTES, &len) != 0 || len != CRYPT_HASH_BYTES) {
			snprintf(problem, AUDIT_PROBLEM_SIZE, "the head to check is not a hash (64 hex characters)");
			return -1;
		}
		state.has_head = true;
	}
	if (db_audit_list(db, check_entry, &state) != 0 || state.failed) {
		snprintf(problem, AUDIT_PROBLEM_SIZE, "the audit log cannot be read");
		return -1;
	}
	if (state.broken) {
		*first_bad = state.first_bad;
		return 1;
	}
	if (state.has_head && !state.head_seen) {
		snprintf(problem, AUDIT_PROBLEM_SIZE,
			 "no entry has the head given: entries after it were removed (the log ends at entry %lld)",
			 (long long)state.expected_seq - 1);
		return 1;
	}
	return 0;
}

int audit_head(struct db *db, char out[AUDIT_HASH_TEXT_SIZE], int64_t *seq)
{
	struct db_audit_entry last;
	static const unsigned char empty[CRYPT_HASH_BYTES];
	int found = db_audit_last(db, &last);
	if (found < 0)
		return -1;
	*seq = found == 0 ? last.seq : 0;
	crypt_bytes_to_hex(found == 0 ? last.hash : empty, CRYPT_HASH_BYTES, out, AUDIT_HASH_TEXT_SIZE);
	return found;
}
