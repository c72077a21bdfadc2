#include "ratelimit.h"

#include <string.h>

void ratelimit_init(struct ratelimit *limiter, unsigned submissions_per_hour, unsigned attempts_per_hour)
{
	memset(limiter, 0, sizeof *limiter);
	pthread_mutex_init(&limiter->lock, NULL);
	limiter->limits[RATELIMIT_SUBMISSION] = submissions_per_hour;
	limiter->limits[RATELIMIT_RECEIPT_ATTEMPT] = attempts_per_hour;
}

void ratelimit_release(struct ratelimit *limiter)
{
	pthread_mutex_destroy(&limiter->lock);
	memset(limiter->slots, 0, sizeof limiter->slots);
}

bool ratelimit_allow(struct ratelimit *limiter, const unsigned char tag[16], enum ratelimit_kind kind, int64_t now)
{
	int64_t hour = now / 3600;
	/* the tag is already a uniform hash: its first bytes index the table */
	size_t start = ((size_t)tag[0] << 8 | tag[1]) % RATELIMIT_SLOTS;
	bool allowed = false;
	pthread_mutex_lock(&limiter->lock);
	struct ratelimit_slot *chosen = NULL;
	for (size_t probe = 0; probe < 16 && !chosen; probe++) {
		struct ratelimit_slot *slot = &limiter->slots[(start + probe) % RATELIMIT_SLOTS];
		if (slot->hour != hour) {
			/* an empty slot, or one from an earlier hour: reuse it */
			memset(slot, 0, sizeof *slot);
			memcpy(slot->tag, tag, 16);
			slot->hour = hour;
			chosen = slot;
		} else if (memcmp(slot->tag, tag, 16) == 0) {
			chosen = slot;
		}
	}
	if (!chosen) {
		/* 16 busy neighbours this hour: share the first one, which only makes limits stricter */
		chosen = &limiter->slots[start];
	}
	if (chosen->counts[kind] < limiter->limits[kind]) {
		chosen->counts[kind]++;
		allowed = true;
	}
	pthread_mutex_unlock(&limiter->lock);
	return allowed;
}
