/*
 * ratelimit: in-memory counters per client and hour, for report submissions
 * and receipt attempts. Clients are known only by the tag http computes (a
 * keyed hash with an hourly salt); nothing is stored on disk, and a full table
 * forgets its oldest hour first.
 */
#ifndef MELDWIJZER_RATELIMIT_H
#define MELDWIJZER_RATELIMIT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#define RATELIMIT_SLOTS 8192

enum ratelimit_kind { RATELIMIT_SUBMISSION, RATELIMIT_RECEIPT_ATTEMPT, RATELIMIT_KIND_COUNT };

struct ratelimit_slot {
	unsigned char tag[16];
	int64_t hour;
	unsigned counts[RATELIMIT_KIND_COUNT];
};

struct ratelimit {
	pthread_mutex_t lock;
	unsigned limits[RATELIMIT_KIND_COUNT]; /* per client and hour */
	struct ratelimit_slot slots[RATELIMIT_SLOTS];
};

void ratelimit_init(struct ratelimit *limiter, unsigned submissions_per_hour, unsigned attempts_per_hour);
void ratelimit_release(struct ratelimit *limiter);
/* Counts one event; false when the client is over its limit for this hour. */
bool ratelimit_allow(struct ratelimit *limiter, const unsigned char tag[16], enum ratelimit_kind kind, int64_t now);

#endif
