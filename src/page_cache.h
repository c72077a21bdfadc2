/*
 * page_cache: the prepared answers of the public pages that are made per
 * request but depend on nothing of the request beyond what their key says
 * (issue 11): the guide's steps and result, /api/v1/contacts.
 *
 * An entry is a key (the caller's: the page, language, method and the
 * answers, each one that changes the output), the minute it was made for and
 * a prepared response (http_cached) that many connections send at once.
 * Every opening time in the knowledge base falls on a whole minute of
 * Amsterdam time, and Amsterdam's offsets are whole hours, so everything a
 * page says about opening hours ("open until 22:00", "closes in 12 minutes",
 * "opens tomorrow at 09:00", whether ESSM is closed) is the same for every
 * second of one UTC minute: an entry is only ever used in the minute it was
 * made for, and the first request of the next minute makes the page again.
 * Pages with a per-request value (a session, a CSRF or form token, a receipt)
 * and the reports and staff pages never come here.
 *
 * The cache has a fixed number of slots (one entry each, direct-mapped: a
 * new entry replaces the one in its slot), so a stream of different queries
 * cannot make it grow; one lock per group of slots keeps threads apart.
 */
#ifndef MELDWIJZER_PAGE_CACHE_H
#define MELDWIJZER_PAGE_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "http.h"

#define PAGE_CACHE_SLOTS 512
#define PAGE_CACHE_KEY_MAX 1024

struct page_cache;

/* NULL when out of memory. */
struct page_cache *page_cache_new(void);
void page_cache_free(struct page_cache *cache);

/* The minute (of UTC) a moment falls in: the second half of every key. */
int64_t page_cache_minute(int64_t utc);

/* The response stored for `key` in `minute`, with a reference for the caller (http_cached_free(), or
 * a reply with cached_held), or NULL. */
struct http_cached *page_cache_get(struct page_cache *cache, const char *key, size_t key_len, int64_t minute);

/* Stores `response` (taken over) for `key` in `minute`, replacing what the slot held; returns it with a
 * reference for the caller, or NULL when it could not be stored (`response` is then released). A key
 * longer than PAGE_CACHE_KEY_MAX is not stored. */
struct http_cached *page_cache_put(struct page_cache *cache, const char *key, size_t key_len, int64_t minute,
				   struct http_cached *response);

#endif
