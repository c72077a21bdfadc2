#define _POSIX_C_SOURCE 200809L
#include "session.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct session {
	char token[SESSION_TOKEN_SIZE];
	char owner[SESSION_OWNER_SIZE];
	unsigned char payload[SESSION_PAYLOAD_MAX];
	size_t payload_len;
	int64_t expires;
	uint64_t serial; /* order of opening: "oldest" even when opened in the same second */
	bool used;
};

struct session_table {
	pthread_mutex_t lock;
	struct session_limits limits;
	uint64_t next_serial;
	struct session *sessions; /* limits.capacity of them, in guarded memory */
};

int session_table_new(struct session_table **out, const struct session_limits *limits)
{
	*out = NULL;
	if (limits->capacity == 0 || limits->per_owner == 0 || limits->lifetime_seconds <= 0 ||
	    limits->capacity > SIZE_MAX / sizeof(struct session))
		return -1;
	struct session_table *table = calloc(1, sizeof *table);
	if (!table)
		return -1;
	table->limits = *limits;
	table->sessions = crypt_secure_alloc(limits->capacity * sizeof *table->sessions);
	if (!table->sessions || pthread_mutex_init(&table->lock, NULL) != 0) {
		crypt_secure_free(table->sessions);
		free(table);
		return -1;
	}
	*out = table;
	return 0;
}

void session_table_free(struct session_table *table)
{
	if (!table)
		return;
	crypt_secure_free(table->sessions); /* wipes every token and payload */
	pthread_mutex_destroy(&table->lock);
	free(table);
}

static void end(struct session *session)
{
	crypt_wipe(session, sizeof *session);
}

static bool is_live(const struct session *session, int64_t now)
{
	return session->used && now < session->expires;
}

/* Wipes the sessions that have expired; call with the lock held. */
static void clear_expired(struct session_table *table, int64_t now)
{
	for (size_t i = 0; i < table->limits.capacity; i++) {
		if (table->sessions[i].used && !is_live(&table->sessions[i], now))
			end(&table->sessions[i]);
	}
}

int session_open(struct session_table *table, const char *owner, const void *payload, size_t len, int64_t now,
		 char token[SESSION_TOKEN_SIZE])
{
	size_t owner_len = strnlen(owner, SESSION_OWNER_SIZE);
	if (owner_len == 0 || owner_len == SESSION_OWNER_SIZE || len > SESSION_PAYLOAD_MAX)
		return -1;
	const size_t none = table->limits.capacity;
	pthread_mutex_lock(&table->lock);
	clear_expired(table, now);
	size_t slot = none, oldest = none, own_oldest = none;
	unsigned own = 0;
	for (size_t i = 0; i < table->limits.capacity; i++) {
		const struct session *session = &table->sessions[i];
		if (!session->used) {
			if (slot == none)
				slot = i;
			continue;
		}
		if (oldest == none || session->serial < table->sessions[oldest].serial)
			oldest = i;
		if (strcmp(session->owner, owner) == 0) {
			own++;
			if (own_oldest == none || session->serial < table->sessions[own_oldest].serial)
				own_oldest = i;
		}
	}
	if (own >= table->limits.per_owner)
		slot = own_oldest; /* the owner's own oldest, never someone else's */
	else if (slot == none)
		slot = oldest;     /* a full table: the oldest of any owner */
	struct session *session = &table->sessions[slot];
	end(session);
	crypt_token_new(session->token);
	memcpy(session->owner, owner, owner_len + 1);
	if (len)
		memcpy(session->payload, payload, len);
	session->payload_len = len;
	session->expires = now > INT64_MAX - table->limits.lifetime_seconds ? INT64_MAX
									     : now + table->limits.lifetime_seconds;
	session->serial = table->next_serial++;
	session->used = true;
	memcpy(token, session->token, SESSION_TOKEN_SIZE);
	pthread_mutex_unlock(&table->lock);
	return 0;
}

/* The live session with this token, or NULL; call with the lock held. Every
 * slot is compared (in constant time), so the time taken does not tell
 * where, or whether, a token matched. */
static struct session *find(struct session_table *table, const char *token, int64_t now)
{
	struct session *found = NULL;
	for (size_t i = 0; i < table->limits.capacity; i++) {
		struct session *session = &table->sessions[i];
		if (crypt_token_equal(session->token, token) && is_live(session, now))
			found = session;
	}
	return found;
}

int session_find(struct session_table *table, const char *token, int64_t now, char owner[SESSION_OWNER_SIZE],
		 void *payload, size_t size)
{
	int status = 1;
	pthread_mutex_lock(&table->lock);
	clear_expired(table, now);
	struct session *session = token ? find(table, token, now) : NULL;
	if (session && session->payload_len <= size) {
		memcpy(owner, session->owner, SESSION_OWNER_SIZE);
		if (session->payload_len)
			memcpy(payload, session->payload, session->payload_len);
		status = 0;
	}
	pthread_mutex_unlock(&table->lock);
	return status;
}

bool session_end(struct session_table *table, const char *token)
{
	pthread_mutex_lock(&table->lock);
	struct session *session = token ? find(table, token, INT64_MIN) : NULL;
	/* INT64_MIN: any session with this token, expired or not */
	if (session)
		end(session);
	pthread_mutex_unlock(&table->lock);
	return session != NULL;
}

size_t session_end_owner(struct session_table *table, const char *owner)
{
	size_t ended = 0;
	pthread_mutex_lock(&table->lock);
	for (size_t i = 0; i < table->limits.capacity; i++) {
		if (table->sessions[i].used && strcmp(table->sessions[i].owner, owner) == 0) {
			end(&table->sessions[i]);
			ended++;
		}
	}
	pthread_mutex_unlock(&table->lock);
	return ended;
}

size_t session_count(struct session_table *table, const char *owner, int64_t now)
{
	size_t count = 0;
	pthread_mutex_lock(&table->lock);
	for (size_t i = 0; i < table->limits.capacity; i++) {
		const struct session *session = &table->sessions[i];
		if (is_live(session, now) && (!owner || strcmp(session->owner, owner) == 0))
			count++;
	}
	pthread_mutex_unlock(&table->lock);
	return count;
}
