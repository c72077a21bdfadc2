#include "ratelimit.h"

#include <stdlib.h>
#include <string.h>

#define PROBES 16

void ratelimit_init(struct ratelimit *limiter, unsigned submissions_per_hour, unsigned attempts_per_hour)
{
	memset(limiter, 0, sizeof *limiter);
	limiter->lock_made = pthread_mutex_init(&limiter->lock, NULL) == 0;
	limiter->limits[RATELIMIT_SUBMISSION] = submissions_per_hour;
	limiter->limits[RATELIMIT_RECEIPT_ATTEMPT] = attempts_per_hour;
	/* on the heap: 2 MiB is too much for the stack that holds struct web. NULL
	 * (out of memory at start) refuses everything rather than limit nothing. */
	limiter->slots = limiter->lock_made ? calloc(RATELIMIT_SLOTS, sizeof *limiter->slots) : NULL;
}

void ratelimit_release(struct ratelimit *limiter)
{
	if (limiter->lock_made)
		pthread_mutex_destroy(&limiter->lock);
	limiter->lock_made = false;
	free(limiter->slots);
	limiter->slots = NULL;
}

/* Bucket numbers start at 1, so that 0 can mean an empty slot. */
static int64_t bucket_of(int64_t now)
{
	return (now < 0 ? 0 : now) / RATELIMIT_BUCKET_SECONDS + 1;
}

/* The time at which bucket `bucket` begins. */
static int64_t bucket_start(int64_t bucket)
{
	return (bucket - 1) * RATELIMIT_BUCKET_SECONDS;
}

static bool is_live(const struct ratelimit_slot *slot, int64_t bucket)
{
	return slot->bucket != 0 && slot->bucket > bucket - RATELIMIT_BUCKETS;
}

/* Moves the slot's window to end at `bucket`, emptying the buckets that fell
 * out of it. A clock that went back leaves the window where it is. */
static void advance(struct ratelimit_slot *slot, int64_t bucket)
{
	if (slot->bucket >= bucket)
		return;
	if (bucket - slot->bucket >= RATELIMIT_BUCKETS) {
		memset(slot->counts, 0, sizeof slot->counts);
	} else {
		for (int64_t b = slot->bucket + 1; b <= bucket; b++) {
			for (int k = 0; k < RATELIMIT_KIND_COUNT; k++)
				slot->counts[k][b % RATELIMIT_BUCKETS] = 0;
		}
	}
	slot->bucket = bucket;
}

/* The tag is a uniform hash already: its first bytes choose the home slot. */
static size_t home_of(const unsigned char tag[16])
{
	return ((size_t)tag[0] << 16 | (size_t)tag[1] << 8 | tag[2]) % RATELIMIT_SLOTS;
}

static struct ratelimit_slot *find(struct ratelimit *limiter, const unsigned char tag[16], int64_t bucket)
{
	size_t home = home_of(tag);
	for (size_t probe = 0; probe < PROBES; probe++) {
		struct ratelimit_slot *slot = &limiter->slots[(home + probe) % RATELIMIT_SLOTS];
		if (is_live(slot, bucket) && memcmp(slot->tag, tag, 16) == 0)
			return slot;
	}
	return NULL;
}

/* A slot for a client that has none: an empty or expired one near its home,
 * else the one of those that was used least recently, emptied. Either way the
 * new client starts from zero: it never inherits another client's counts. */
static struct ratelimit_slot *claim(struct ratelimit *limiter, const unsigned char tag[16], int64_t bucket)
{
	size_t home = home_of(tag);
	struct ratelimit_slot *chosen = NULL;
	for (size_t probe = 0; probe < PROBES; probe++) {
		struct ratelimit_slot *slot = &limiter->slots[(home + probe) % RATELIMIT_SLOTS];
		if (!is_live(slot, bucket)) {
			chosen = slot;
			break;
		}
		if (!chosen || slot->bucket < chosen->bucket)
			chosen = slot;
	}
	memset(chosen, 0, sizeof *chosen);
	memcpy(chosen->tag, tag, 16);
	chosen->bucket = bucket;
	return chosen;
}

/* The client's slot, by this hour's tag, or moved over from last hour's tag
 * when the salt has changed since the client was last seen. */
static struct ratelimit_slot *slot_for(struct ratelimit *limiter, const unsigned char tag[RATELIMIT_TAG_BYTES],
				       int64_t bucket)
{
	struct ratelimit_slot *slot = find(limiter, tag, bucket);
	if (slot)
		return slot;
	struct ratelimit_slot *earlier = memcmp(tag, tag + 16, 16) != 0 ? find(limiter, tag + 16, bucket) : NULL;
	struct ratelimit_slot kept = {0};
	if (earlier) {
		kept = *earlier;
		memset(earlier, 0, sizeof *earlier);
	}
	slot = claim(limiter, tag, bucket);
	if (earlier) {
		memcpy(slot->counts, kept.counts, sizeof slot->counts);
		slot->bucket = kept.bucket;
	}
	return slot;
}

static uint64_t window_total(const struct ratelimit_slot *slot, enum ratelimit_kind kind)
{
	uint64_t total = 0;
	for (int b = 0; b < RATELIMIT_BUCKETS; b++)
		total += slot->counts[kind][b];
	return total;
}

/* Seconds from `now` until the oldest buckets have left the window and the
 * rest holds fewer than `limit` events. */
static unsigned wait_for(const struct ratelimit_slot *slot, enum ratelimit_kind kind, uint64_t total, unsigned limit,
			 int64_t now)
{
	uint64_t dropped = 0;
	for (int64_t step = 1; step <= RATELIMIT_BUCKETS; step++) {
		/* when the window ends at slot->bucket + step, this bucket has left it */
		int64_t leaving = slot->bucket - RATELIMIT_BUCKETS + step;
		if (leaving > 0)
			dropped += slot->counts[kind][leaving % RATELIMIT_BUCKETS];
		if (total - dropped < limit) {
			int64_t wait = bucket_start(slot->bucket + step) - now;
			return wait < 1 ? 1 : (unsigned)wait;
		}
	}
	return RATELIMIT_LONGEST_WAIT;
}

bool ratelimit_check(struct ratelimit *limiter, const unsigned char tag[RATELIMIT_TAG_BYTES], enum ratelimit_kind kind,
		     int64_t now, unsigned *retry_after)
{
	unsigned ignored;
	if (!retry_after)
		retry_after = &ignored;
	*retry_after = 0;
	if (!limiter->slots) {
		*retry_after = RATELIMIT_LONGEST_WAIT;
		return false;
	}
	int64_t bucket = bucket_of(now);
	bool allowed = false;
	pthread_mutex_lock(&limiter->lock);
	struct ratelimit_slot *slot = slot_for(limiter, tag, bucket);
	advance(slot, bucket);
	uint64_t total = window_total(slot, kind);
	if (total < limiter->limits[kind]) {
		slot->counts[kind][slot->bucket % RATELIMIT_BUCKETS]++;
		allowed = true;
	} else {
		*retry_after = wait_for(slot, kind, total, limiter->limits[kind], now);
	}
	pthread_mutex_unlock(&limiter->lock);
	return allowed;
}
