/*
 * ratelimit: in-memory counters per client over a sliding hour, for report
 * submissions and receipt attempts. Clients are known only by the tags http
 * computes (keyed hashes of the address with a salt that changes every hour);
 * nothing is stored on disk.
 *
 * The window: counts are kept in 5-minute buckets, and an event is allowed
 * while the current bucket and the 12 before it (60 to 65 minutes back)
 * together hold fewer than the limit. So no client ever gets more than the
 * limit in any 60 minutes, there is no clock-hour boundary around which twice
 * the limit fits, and a refused client learns when it may try again.
 *
 * A full table never makes a new client share another client's counts: the
 * least recently seen of the slots it could use is emptied for it.
 */
#ifndef MELDWIJZER_RATELIMIT_H
#define MELDWIJZER_RATELIMIT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RATELIMIT_SLOTS 16384
#define RATELIMIT_BUCKET_SECONDS 300
#define RATELIMIT_BUCKETS 13 /* the current one and the 12 before it */
/* The longest a refused client can have to wait. */
#define RATELIMIT_LONGEST_WAIT (RATELIMIT_BUCKETS * RATELIMIT_BUCKET_SECONDS)
/* A client tag: 16 bytes under this hour's salt, then 16 under the previous
 * hour's (http_request.client_tag), so that counts survive the salt change. */
#define RATELIMIT_TAG_BYTES 32

enum ratelimit_kind { RATELIMIT_SUBMISSION, RATELIMIT_RECEIPT_ATTEMPT, RATELIMIT_KIND_COUNT };

struct ratelimit_slot {
	unsigned char tag[16];
	int64_t bucket;      /* the newest bucket counted; 0 when the slot is empty */
	uint32_t counts[RATELIMIT_KIND_COUNT][RATELIMIT_BUCKETS]; /* indexed by bucket % RATELIMIT_BUCKETS */
};

struct ratelimit {
	pthread_mutex_t lock;
	unsigned limits[RATELIMIT_KIND_COUNT]; /* per client and sliding hour */
	struct ratelimit_slot *slots;          /* RATELIMIT_SLOTS; NULL when out of memory (or
						* the lock could not be made): all refused */
	bool lock_made;
};

void ratelimit_init(struct ratelimit *limiter, unsigned submissions_per_hour, unsigned attempts_per_hour);
void ratelimit_release(struct ratelimit *limiter);
/* Counts one event; false when the client is at its limit (the event is then
 * not counted), and then *retry_after (unless NULL) is the number of seconds
 * until this client's next event would be allowed (for Retry-After). */
bool ratelimit_check(struct ratelimit *limiter, const unsigned char tag[RATELIMIT_TAG_BYTES], enum ratelimit_kind kind,
		     int64_t now, unsigned *retry_after);

#endif
