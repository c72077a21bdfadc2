/* page_cache: prepared answers of the public pages, per key and minute (page_cache.h). */
#define _POSIX_C_SOURCE 200809L
#include "page_cache.h"

#include "fnv.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_CACHE_LOCKS 32

/* A slot is chosen by fnv1a_64 of the key; a collision only costs a slot, never a wrong page (the
 * key itself is compared). */
struct page_cache_entry {
	char *key;                   /* NULL: empty */
	size_t key_len;
	int64_t minute;
	struct http_cached *response; /* the cache's reference */
};

struct page_cache {
	pthread_mutex_t locks[PAGE_CACHE_LOCKS];
	struct page_cache_entry slots[PAGE_CACHE_SLOTS];
};

struct page_cache *page_cache_new(void)
{
	struct page_cache *cache = calloc(1, sizeof *cache);
	if (!cache)
		return NULL;
	for (size_t i = 0; i < PAGE_CACHE_LOCKS; i++) {
		if (pthread_mutex_init(&cache->locks[i], NULL) != 0) {
			while (i-- > 0)
				pthread_mutex_destroy(&cache->locks[i]);
			free(cache);
			return NULL;
		}
	}
	return cache;
}

void page_cache_free(struct page_cache *cache)
{
	if (!cache)
		return;
	for (size_t i = 0; i < PAGE_CACHE_SLOTS; i++) {
		free(cache->slots[i].key);
		http_cached_free(cache->slots[i].response);
	}
	for (size_t i = 0; i < PAGE_CACHE_LOCKS; i++)
		pthread_mutex_destroy(&cache->locks[i]);
	free(cache);
}

int64_t page_cache_minute(int64_t utc)
{
	return utc >= 0 ? utc / 60 : -((-utc + 59) / 60);
}

struct http_cached *page_cache_get(struct page_cache *cache, const char *key, size_t key_len, int64_t minute)
{
	size_t slot = (size_t)(fnv1a_64(key, key_len) % PAGE_CACHE_SLOTS);
	struct page_cache_entry *entry = &cache->slots[slot];
	struct http_cached *found = NULL;
	pthread_mutex_lock(&cache->locks[slot % PAGE_CACHE_LOCKS]);
	if (entry->key && entry->minute == minute && entry->key_len == key_len && memcmp(entry->key, key, key_len) == 0)
		found = http_cached_hold(entry->response);
	pthread_mutex_unlock(&cache->locks[slot % PAGE_CACHE_LOCKS]);
	return found;
}

struct http_cached *page_cache_put(struct page_cache *cache, const char *key, size_t key_len, int64_t minute,
				   struct http_cached *response)
{
	char *copy = key_len <= PAGE_CACHE_KEY_MAX ? malloc(key_len + 1) : NULL;
	if (!copy) {
		http_cached_free(response);
		return NULL;
	}
	memcpy(copy, key, key_len);
	copy[key_len] = '\0';
	size_t slot = (size_t)(fnv1a_64(key, key_len) % PAGE_CACHE_SLOTS);
	struct page_cache_entry *entry = &cache->slots[slot];
	pthread_mutex_lock(&cache->locks[slot % PAGE_CACHE_LOCKS]);
	char *old_key = entry->key;
	struct http_cached *old_response = entry->response;
	*entry = (struct page_cache_entry){copy, key_len, minute, response};
	http_cached_hold(response); /* the caller's */
	pthread_mutex_unlock(&cache->locks[slot % PAGE_CACHE_LOCKS]);
	/* a connection still sending the old page keeps it alive (http_cached's and MHD's counts) */
	free(old_key);
	http_cached_free(old_response);
	return response;
}
