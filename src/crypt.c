#define _POSIX_C_SOURCE 200809L
#include "crypt.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

static const char base32_alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; /* Crockford */

/* BLAKE2b personalisation (16 bytes): keeps the receipt key apart from every
 * other hash of a receipt, such as the lookup hash. */
static const unsigned char receipt_key_personal[crypto_generichash_blake2b_PERSONALBYTES] = "meldwijzer rk v1";

int crypt_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

void crypt_wipe(void *secret, size_t len)
{
	sodium_memzero(secret, len);
}

void crypt_random(void *out, size_t len)
{
	randombytes_buf(out, len);
}

int crypt_harden_process(void)
{
	umask(077);
	struct rlimit none = {0, 0};
	int status = setrlimit(RLIMIT_CORE, &none);
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		status = -1;
	return status ? -1 : 0;
}

void *crypt_secure_alloc(size_t len)
{
	void *memory = sodium_malloc(len);
	if (memory)
		sodium_memzero(memory, len);
	return memory;
}

void crypt_secure_free(void *secret)
{
	sodium_free(secret); /* wipes first; NULL is a no-op */
}

size_t crypt_padded_size(size_t len)
{
	size_t size = CRYPT_PAD_MIN;
	while (size < len + 1 && size <= SIZE_MAX / 2)
		size *= 2;
	return size;
}

int crypt_pad(unsigned char *buffer, size_t len, size_t padded)
{
	size_t padded_len = 0;
	if (padded != crypt_padded_size(len))
		return -1;
	/* a block size of the whole bucket: exactly one block results */
	return sodium_pad(&padded_len, buffer, len, padded, padded) == 0 && padded_len == padded ? 0 : -1;
}

int crypt_unpad(const unsigned char *buffer, size_t padded, size_t *len)
{
	if (padded == 0)
		return -1;
	return sodium_unpad(len, buffer, padded, padded);
}

/* Writes `chars` base32 characters from the bits of `bytes` (missing bits are zero). */
static void base32_encode(const unsigned char *bytes, size_t byte_count, size_t chars, char *out)
{
	for (size_t i = 0; i < chars; i++) {
		size_t bit = i * 5;
		unsigned high = bit / 8 < byte_count ? bytes[bit / 8] : 0;
		unsigned low = bit / 8 + 1 < byte_count ? bytes[bit / 8 + 1] : 0;
		unsigned value = high << 8 | low;
		out[i] = base32_alphabet[(value >> (11 - bit % 8)) & 31];
	}
}

static int base32_value(char c)
{
	if (c >= 'a' && c <= 'z')
		c = (char)(c - 'a' + 'A');
	if (c == 'O')
		c = '0';
	if (c == 'I' || c == 'L')
		c = '1';
	const char *at = strchr(base32_alphabet, c);
	return c && at ? (int)(at - base32_alphabet) : -1;
}

/* Reads base32 text (dashes and spaces skipped) into exactly `bytes` bytes. */
static bool base32_decode(const char *text, unsigned char *out, size_t bytes)
{
	size_t bits = 0;
	unsigned accumulator = 0;
	size_t written = 0;
	memset(out, 0, bytes);
	for (const char *p = text; *p; p++) {
		if (*p == '-' || *p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
			continue;
		int value = base32_value(*p);
		if (value < 0)
			return false;
		accumulator = (accumulator << 5) | (unsigned)value;
		bits += 5;
		if (bits >= 8) {
			if (written == bytes)
				return false;
			out[written++] = (unsigned char)(accumulator >> (bits - 8));
			bits -= 8;
		}
		accumulator &= (1u << bits) - 1;
	}
	return written == bytes;
}

static void group_text(const char *plain, size_t chars, size_t group, char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < chars; i++) {
		if (i && i % group == 0)
			out[o++] = '-';
		out[o++] = plain[i];
	}
	out[o] = '\0';
}


static void form_token_for_hour(const unsigned char server_key[CRYPT_KEY_BYTES], int64_t hour,
				char out[CRYPT_FORM_TOKEN_SIZE])
{
	char message[40];
	unsigned char digest[16];
	snprintf(message, sizeof message, "form:%lld", (long long)hour);
	crypto_generichash(digest, sizeof digest, (const unsigned char *)message, strlen(message), server_key,
			   CRYPT_KEY_BYTES);
	sodium_bin2hex(out, CRYPT_FORM_TOKEN_SIZE, digest, sizeof digest);
}

static bool form_token_valid_in_hour(const unsigned char server_key[CRYPT_KEY_BYTES], int64_t hour, const char *token)
{
	if (!token || strlen(token) != CRYPT_FORM_TOKEN_SIZE - 1)
		return false;
	for (int64_t h = hour - 1; h <= hour; h++) {
		char expected[CRYPT_FORM_TOKEN_SIZE];
		form_token_for_hour(server_key, h, expected);
		if (sodium_memcmp(expected, token, CRYPT_FORM_TOKEN_SIZE - 1) == 0)
			return true;
	}
	return false;
}

static int wrap_key(const unsigned char wrapping[CRYPT_KEY_BYTES], const unsigned char key[CRYPT_KEY_BYTES],
		    unsigned char out[CRYPT_WRAPPED_KEY_BYTES])
{
	return crypt_encrypt(wrapping, "key", key, CRYPT_KEY_BYTES, out);
}

int crypt_new_team(struct crypt_team *team, char recovery_text[CRYPT_RECOVERY_TEXT_SIZE])
{
	unsigned char secret[CRYPT_KEY_BYTES], recovery[CRYPT_KEY_BYTES];
	char plain[64];
	crypto_box_keypair(team->public_key, secret);
	randombytes_buf(recovery, sizeof recovery);
	/* 32 bytes = 256 bits: 52 base32 characters carry 260, the last 4 are zero */
	base32_encode(recovery, sizeof recovery, 52, plain);
	group_text(plain, 52, 4, recovery_text);
	int status = wrap_key(recovery, secret, team->wrapped_secret);
	sodium_memzero(secret, sizeof secret);
	sodium_memzero(recovery, sizeof recovery);
	sodium_memzero(plain, sizeof plain);
	return status;
}

int crypt_open_team(const struct crypt_team *team, const char *recovery_text,
		    unsigned char team_secret[CRYPT_KEY_BYTES])
{
	unsigned char recovery[CRYPT_KEY_BYTES + 1];
	/* 52 characters decode to 32 bytes and 4 spare bits */
	if (!base32_decode(recovery_text, recovery, CRYPT_KEY_BYTES)) {
		sodium_memzero(recovery, sizeof recovery);
		return -1;
	}
	int status = crypt_decrypt(recovery, "key", team->wrapped_secret, CRYPT_WRAPPED_KEY_BYTES, team_secret);
	sodium_memzero(recovery, sizeof recovery);
	return status;
}

void crypt_new_receipt(char text[CRYPT_RECEIPT_TEXT_SIZE])
{
	unsigned char bytes[13];
	char plain[CRYPT_RECEIPT_CHARS];
	randombytes_buf(bytes, sizeof bytes);
	base32_encode(bytes, sizeof bytes, CRYPT_RECEIPT_CHARS, plain);
	group_text(plain, CRYPT_RECEIPT_CHARS, 5, text);
	sodium_memzero(bytes, sizeof bytes);
	sodium_memzero(plain, sizeof plain);
}

bool crypt_normalize_receipt(const char *typed, char canonical[CRYPT_RECEIPT_CHARS + 1])
{
	size_t n = 0;
	for (const char *p = typed; *p; p++) {
		if (*p == '-' || *p == ' ')
			continue;
		int value = base32_value(*p);
		if (value < 0 || n == CRYPT_RECEIPT_CHARS)
			return false;
		canonical[n++] = base32_alphabet[value];
	}
	canonical[n] = '\0';
	return n == CRYPT_RECEIPT_CHARS;
}


int crypt_receipt_key(const char *canonical, const unsigned char salt[CRYPT_SALT_BYTES],
		      unsigned char out[CRYPT_KEY_BYTES])
{
	return crypto_generichash_blake2b_salt_personal(out, CRYPT_KEY_BYTES, (const unsigned char *)canonical,
							strlen(canonical), NULL, 0, salt, receipt_key_personal);
}

/* The nonce of a key sealed in a batch: BLAKE2b of the ephemeral public key,
 * the team's public key and the report's ref (a domain of its own through the
 * personalisation). */
static const unsigned char team_seal_personal[crypto_generichash_blake2b_PERSONALBYTES] = "meldwijzer tk v2";

static void team_seal_nonce(const unsigned char ephemeral_public[CRYPT_KEY_BYTES],
			    const unsigned char team_public[CRYPT_KEY_BYTES], const char *ref,
			    unsigned char nonce[crypto_box_NONCEBYTES])
{
	crypto_generichash_blake2b_state state;
	crypto_generichash_blake2b_init_salt_personal(&state, NULL, 0, crypto_box_NONCEBYTES, NULL,
						      team_seal_personal);
	crypto_generichash_blake2b_update(&state, ephemeral_public, CRYPT_KEY_BYTES);
	crypto_generichash_blake2b_update(&state, team_public, CRYPT_KEY_BYTES);
	crypto_generichash_blake2b_update(&state, (const unsigned char *)ref, strlen(ref));
	crypto_generichash_blake2b_final(&state, nonce, crypto_box_NONCEBYTES);
}

int crypt_team_sealer_begin(struct crypt_team_sealer *sealer, const unsigned char team_public[CRYPT_KEY_BYTES])
{
	unsigned char ephemeral_secret[crypto_box_SECRETKEYBYTES];
	memcpy(sealer->team_public, team_public, CRYPT_KEY_BYTES);
	int status = crypto_box_keypair(sealer->ephemeral_public, ephemeral_secret) == 0 &&
				     crypto_box_beforenm(sealer->shared, team_public, ephemeral_secret) == 0
			     ? 0
			     : -1;
	sodium_memzero(ephemeral_secret, sizeof ephemeral_secret);
	if (status)
		crypt_team_sealer_end(sealer);
	return status;
}

int crypt_team_sealer_seal(const struct crypt_team_sealer *sealer, const char *ref,
			   const unsigned char key[CRYPT_KEY_BYTES], unsigned char sealed[CRYPT_SEALED_KEY_BYTES])
{
	unsigned char nonce[crypto_box_NONCEBYTES];
	team_seal_nonce(sealer->ephemeral_public, sealer->team_public, ref, nonce);
	memcpy(sealed, sealer->ephemeral_public, CRYPT_KEY_BYTES);
	return crypto_box_easy_afternm(sealed + CRYPT_KEY_BYTES, key, CRYPT_KEY_BYTES, nonce, sealer->shared);
}

void crypt_team_sealer_end(struct crypt_team_sealer *sealer)
{
	sodium_memzero(sealer, sizeof *sealer);
}

bool crypt_team_sealer_is_for(const struct crypt_team_sealer *sealer, const unsigned char team_public[CRYPT_KEY_BYTES])
{
	return memcmp(sealer->team_public, team_public, CRYPT_KEY_BYTES) == 0;
}

int crypt_open_sealed(const unsigned char team_public[CRYPT_KEY_BYTES], const unsigned char team_secret[CRYPT_KEY_BYTES],
		      const unsigned char sealed[CRYPT_SEALED_KEY_BYTES], const char *ref, unsigned char key[CRYPT_KEY_BYTES])
{
	unsigned char shared[crypto_box_BEFORENMBYTES], nonce[crypto_box_NONCEBYTES];
	int status = -1;
	if (crypto_box_beforenm(shared, sealed, team_secret) == 0) {
		team_seal_nonce(sealed, team_public, ref, nonce);
		status = crypto_box_open_easy_afternm(key, sealed + CRYPT_KEY_BYTES,
						      CRYPT_SEALED_KEY_BYTES - CRYPT_KEY_BYTES, nonce, shared);
	}
	sodium_memzero(shared, sizeof shared);
	/* a key sealed on its own, before batches: libsodium's sealed box (the
	 * tag decides; a wrong format cannot pass Poly1305) */
	if (status)
		status = crypto_box_seal_open(key, sealed, CRYPT_SEALED_KEY_BYTES, team_public, team_secret);
	return status == 0 ? 0 : -1;
}

int crypt_encrypt(const unsigned char key[CRYPT_KEY_BYTES], const char *context, const void *plain, size_t len,
		  unsigned char *out)
{
	unsigned char *nonce = out;
	randombytes_buf(nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
	return crypto_aead_xchacha20poly1305_ietf_encrypt(out + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, NULL, plain,
							  len, (const unsigned char *)context, strlen(context), NULL,
							  nonce, key);
}

int crypt_decrypt(const unsigned char key[CRYPT_KEY_BYTES], const char *context, const unsigned char *box, size_t len,
		  void *plain)
{
	if (len < CRYPT_OVERHEAD)
		return -1;
	return crypto_aead_xchacha20poly1305_ietf_decrypt(plain, NULL, NULL, box + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
							  len - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
							  (const unsigned char *)context, strlen(context), box, key);
}

/* ---------- the server key file ---------- */

struct crypt_keys {
	unsigned char server_key[CRYPT_KEY_BYTES];
};

/* fsync of the directory that holds `path`, so that the new file's name is
 * durable too, not only its bytes. */
static int sync_directory_of(const char *path)
{
	char directory[4096];
	snprintf(directory, sizeof directory, "%s", path);
	char *slash = strrchr(directory, '/');
	if (slash)
		slash[slash == directory ? 1 : 0] = '\0';
	else
		snprintf(directory, sizeof directory, ".");
	int fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int status = fsync(fd);
	close(fd);
	return status;
}

int crypt_key_file_create(const char *path, char error[CRYPT_ERROR_SIZE])
{
	unsigned char key[CRYPT_KEY_BYTES];
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(error, CRYPT_ERROR_SIZE, "%.200s: %s", path,
			 errno == EEXIST ? "already exists" : "cannot be created");
		return -1;
	}
	randombytes_buf(key, sizeof key);
	ssize_t written = write(fd, key, sizeof key);
	sodium_memzero(key, sizeof key);
	int synced = written == (ssize_t)sizeof key ? fsync(fd) : -1;
	if (close(fd) != 0 || synced != 0 || sync_directory_of(path) != 0) {
		unlink(path);
		snprintf(error, CRYPT_ERROR_SIZE, "%.200s: cannot be written", path);
		return -1;
	}
	return 0;
}

void crypt_key_file_remove(const char *path)
{
	unlink(path);
}

int crypt_keys_load(struct crypt_keys **out, const char *path, char error[CRYPT_ERROR_SIZE])
{
	*out = NULL;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		snprintf(error, CRYPT_ERROR_SIZE, "%.200s: the server key file cannot be read", path);
		return -1;
	}
	struct stat info;
	if (fstat(fd, &info) != 0 || !S_ISREG(info.st_mode) || info.st_size != CRYPT_KEY_BYTES) {
		close(fd);
		snprintf(error, CRYPT_ERROR_SIZE, "%.200s: not a server key file", path);
		return -1;
	}
	/* refused, not fixed silently: someone gave those permissions, and should take them back */
	if (info.st_mode & 077) {
		close(fd);
		snprintf(error, CRYPT_ERROR_SIZE,
			 "%.100s: other users may read or change it (mode %04o); run 'chmod 600 %.100s' first", path,
			 (unsigned)(info.st_mode & 07777), path);
		return -1;
	}
	struct crypt_keys *keys = crypt_secure_alloc(sizeof *keys);
	if (!keys) {
		close(fd);
		snprintf(error, CRYPT_ERROR_SIZE, "out of memory for the keys");
		return -1;
	}
	ssize_t got = read(fd, keys->server_key, CRYPT_KEY_BYTES);
	close(fd);
	if (got != CRYPT_KEY_BYTES) {
		crypt_secure_free(keys);
		snprintf(error, CRYPT_ERROR_SIZE, "%.200s: not a server key file", path);
		return -1;
	}
	/* the key never changes once loaded: a stray write into it faults */
	sodium_mprotect_readonly(keys);
	*out = keys;
	return 0;
}

void crypt_keys_free(struct crypt_keys *keys)
{
	crypt_secure_free(keys); /* sodium_free makes it writable again, wipes, frees */
}

void crypt_keys_receipt_lookup(const struct crypt_keys *keys, const char *canonical, unsigned char out[CRYPT_KEY_BYTES])
{
	crypto_generichash(out, CRYPT_KEY_BYTES, (const unsigned char *)canonical, strlen(canonical), keys->server_key,
			   CRYPT_KEY_BYTES);
}

void crypt_keys_submission_hash(const struct crypt_keys *keys, const char *submission_key,
				unsigned char out[CRYPT_KEY_BYTES])
{
	/* its own personalisation: never equal to a receipt lookup of the same text */
	static const unsigned char personal[crypto_generichash_blake2b_PERSONALBYTES] = "meldwijzer sk v1";
	crypto_generichash_blake2b_salt_personal(out, CRYPT_KEY_BYTES, (const unsigned char *)submission_key,
						 strlen(submission_key), keys->server_key, CRYPT_KEY_BYTES, NULL, personal);
}

int64_t crypt_hour_of(int64_t now)
{
	return now >= 0 ? now / 3600 : -((-now + 3599) / 3600);
}

void crypt_keys_form_token(const struct crypt_keys *keys, int64_t now, char out[CRYPT_FORM_TOKEN_SIZE])
{
	form_token_for_hour(keys->server_key, crypt_hour_of(now), out);
}

bool crypt_keys_form_token_valid(const struct crypt_keys *keys, int64_t now, const char *token)
{
	return form_token_valid_in_hour(keys->server_key, crypt_hour_of(now), token);
}


/* ---------- tokens and ids ---------- */

void crypt_token_new(char out[CRYPT_TOKEN_SIZE])
{
	unsigned char bytes[(CRYPT_TOKEN_SIZE - 1) / 2];
	randombytes_buf(bytes, sizeof bytes);
	sodium_bin2hex(out, CRYPT_TOKEN_SIZE, bytes, sizeof bytes);
	sodium_memzero(bytes, sizeof bytes);
}

bool crypt_token_equal(const char token[CRYPT_TOKEN_SIZE], const char *typed)
{
	/* the length of a token is no secret: only same-length text is compared */
	if (!typed || strnlen(typed, CRYPT_TOKEN_SIZE) != CRYPT_TOKEN_SIZE - 1 ||
	    strnlen(token, CRYPT_TOKEN_SIZE) != CRYPT_TOKEN_SIZE - 1)
		return false;
	return sodium_memcmp(token, typed, CRYPT_TOKEN_SIZE - 1) == 0;
}

void crypt_random_id(char *out, size_t bytes)
{
	unsigned char random[64];
	if (bytes > sizeof random)
		bytes = sizeof random;
	randombytes_buf(random, bytes);
	sodium_bin2hex(out, 2 * bytes + 1, random, bytes);
}

/* ---------- client salts ---------- */

struct crypt_client_salts {
	pthread_mutex_t lock;
	int64_t hour;          /* of `current`; -1 before the first tag */
	unsigned char *salts;  /* this hour's, then last hour's: 2 * CRYPT_KEY_BYTES, guarded */
};

struct crypt_client_salts *crypt_client_salts_new(void)
{
	struct crypt_client_salts *salts = calloc(1, sizeof *salts);
	if (!salts)
		return NULL;
	salts->salts = crypt_secure_alloc(2 * CRYPT_KEY_BYTES);
	if (!salts->salts || pthread_mutex_init(&salts->lock, NULL) != 0) {
		crypt_secure_free(salts->salts);
		free(salts);
		return NULL;
	}
	salts->hour = INT64_MIN;
	return salts;
}

void crypt_client_salts_free(struct crypt_client_salts *salts)
{
	if (!salts)
		return;
	pthread_mutex_destroy(&salts->lock);
	crypt_secure_free(salts->salts);
	free(salts);
}

void crypt_client_salts_tag(struct crypt_client_salts *salts, int64_t now, const void *address, size_t len,
			    unsigned char out[CRYPT_CLIENT_TAG_BYTES])
{
	int64_t hour = crypt_hour_of(now);
	pthread_mutex_lock(&salts->lock);
	unsigned char *current = salts->salts, *previous = salts->salts + CRYPT_KEY_BYTES;
	/* forward only: a clock that steps back a second over the hour must not
	 * throw away this hour's salt, and every count with it */
	if (hour > salts->hour) {
		if (salts->hour != INT64_MIN && hour == salts->hour + 1)
			memcpy(previous, current, CRYPT_KEY_BYTES);
		else
			randombytes_buf(previous, CRYPT_KEY_BYTES); /* nothing to carry over */
		randombytes_buf(current, CRYPT_KEY_BYTES);
		salts->hour = hour;
	}
	crypto_generichash(out, 16, address, len, current, CRYPT_KEY_BYTES);
	crypto_generichash(out + 16, 16, address, len, previous, CRYPT_KEY_BYTES);
	pthread_mutex_unlock(&salts->lock);
}

/* ---------- buffers for text that carries a secret ---------- */

/* Every block of a crypt_buffer is guarded memory (sodium_malloc: guard pages,
 * mlock, MADV_DONTDUMP). Making and freeing one costs mmap, three mprotects,
 * mlock, munlock and munmap, and munmap makes the kernel flush the other
 * core's TLB: measured, that was 23 % of the server's CPU per durable
 * submission (a 40-byte receipt reply), more than SQLite's insert. Small
 * blocks are therefore kept for reuse: a freed block of the one pooled size is
 * wiped whole and put on a short list, still locked and guarded, and the next
 * buffer takes it from there. Nothing in a pooled block outlives its buffer:
 * it is wiped before it goes on the list, exactly as sodium_free would wipe it.
 *
 * A block starts with a header that says whether it is pooled, so that
 * crypt_buffer_free() (called by http with nothing but the pointer) knows
 * where it goes; the text starts after the header. */
#define BLOCK_HEADER 16                                  /* keeps the text 16-byte aligned */
#define POOLED_BYTES (4096 - BLOCK_HEADER - 32)          /* with sodium's canary: one data page */
#define POOL_MAX 64                                      /* at most ~1 MiB of locked pages kept */
#define POOLED_TAG 0x706f6f6c65640001ull
#define OWN_TAG 0x6f776e0000000001ull

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned char *pool[POOL_MAX];
static size_t pool_count;
static bool pool_drain_registered;

static void pool_drain(void)
{
	pthread_mutex_lock(&pool_lock);
	while (pool_count)
		sodium_free(pool[--pool_count]);
	pthread_mutex_unlock(&pool_lock);
}

/* A zeroed block with room for `cap` bytes of text (pooled when it fits);
 * returns the text's address, or NULL. */
static char *block_alloc(size_t cap)
{
	unsigned char *block = NULL;
	bool pooled = cap <= POOLED_BYTES;
	if (pooled) {
		pthread_mutex_lock(&pool_lock);
		if (pool_count)
			block = pool[--pool_count];
		if (!pool_drain_registered) /* so that valgrind sees no block left at exit */
			pool_drain_registered = atexit(pool_drain) == 0;
		pthread_mutex_unlock(&pool_lock);
		if (!block)
			block = crypt_secure_alloc(BLOCK_HEADER + POOLED_BYTES); /* zeroed */
	} else if (cap <= SIZE_MAX - BLOCK_HEADER) {
		block = crypt_secure_alloc(BLOCK_HEADER + cap);
	}
	if (!block)
		return NULL;
	uint64_t tag = pooled ? POOLED_TAG : OWN_TAG;
	memcpy(block, &tag, sizeof tag);
	return (char *)block + BLOCK_HEADER;
}

static void block_free(char *text)
{
	if (!text)
		return;
	unsigned char *block = (unsigned char *)text - BLOCK_HEADER;
	uint64_t tag;
	memcpy(&tag, block, sizeof tag);
	if (tag == POOLED_TAG) {
		sodium_memzero(block, BLOCK_HEADER + POOLED_BYTES);
		pthread_mutex_lock(&pool_lock);
		if (pool_count < POOL_MAX) {
			pool[pool_count++] = block;
			block = NULL;
		}
		pthread_mutex_unlock(&pool_lock);
	}
	sodium_free(block); /* wipes first; NULL is a no-op */
}

void crypt_buffer_init(struct crypt_buffer *buffer, size_t limit)
{
	memset(buffer, 0, sizeof *buffer);
	buffer->limit = limit;
}

int crypt_buffer_add(struct crypt_buffer *buffer, const void *data, size_t len)
{
	if (buffer->failed || len > buffer->limit - buffer->len) {
		buffer->failed = true;
		return -1;
	}
	if (buffer->len + len + 1 > buffer->cap) {
		/* never realloc: it would leave the old bytes in freed memory. The
		 * first block is the pooled size: guarded memory takes whole pages,
		 * so a smaller one would cost the same */
		size_t cap = buffer->cap ? buffer->cap : POOLED_BYTES;
		while (cap < buffer->len + len + 1)
			cap = cap > SIZE_MAX / 2 ? buffer->len + len + 1 : 2 * cap;
		if (cap > buffer->limit + 1)
			cap = buffer->limit + 1;
		char *grown = block_alloc(cap);
		if (!grown) {
			buffer->failed = true;
			return -1;
		}
		if (buffer->len)
			memcpy(grown, buffer->data, buffer->len);
		block_free(buffer->data);
		buffer->data = grown;
		buffer->cap = cap;
	}
	if (len)
		memcpy(buffer->data + buffer->len, data, len);
	buffer->len += len;
	buffer->data[buffer->len] = '\0';
	return 0;
}

char *crypt_buffer_detach(struct crypt_buffer *buffer, size_t *len)
{
	char *data = buffer->failed ? NULL : buffer->data;
	*len = data ? buffer->len : 0;
	if (!data)
		block_free(buffer->data);
	size_t limit = buffer->limit;
	crypt_buffer_init(buffer, limit);
	return data;
}

void crypt_buffer_free(void *detached)
{
	block_free(detached);
}

void crypt_buffer_release(struct crypt_buffer *buffer)
{
	block_free(buffer->data);
	size_t limit = buffer->limit;
	crypt_buffer_init(buffer, limit);
}

/* ---------- staff accounts and sessions (issue 14) ---------- */

void crypt_new_activation_code(char text[CRYPT_ACTIVATION_TEXT_SIZE])
{
	unsigned char bytes[15]; /* 120 bits: exactly 24 base32 characters */
	char plain[CRYPT_ACTIVATION_CHARS];
	randombytes_buf(bytes, sizeof bytes);
	base32_encode(bytes, sizeof bytes, CRYPT_ACTIVATION_CHARS, plain);
	group_text(plain, CRYPT_ACTIVATION_CHARS, 4, text);
	sodium_memzero(bytes, sizeof bytes);
	sodium_memzero(plain, sizeof plain);
}

bool crypt_normalize_activation_code(const char *typed, char canonical[CRYPT_ACTIVATION_CHARS + 1])
{
	size_t n = 0;
	for (const char *p = typed; *p; p++) {
		if (*p == '-' || *p == ' ')
			continue;
		int value = base32_value(*p);
		if (value < 0 || n == CRYPT_ACTIVATION_CHARS)
			return false;
		canonical[n++] = base32_alphabet[value];
	}
	canonical[n] = '\0';
	return n == CRYPT_ACTIVATION_CHARS;
}

static uint32_t slow_opslimit = CRYPT_SLOW_OPSLIMIT;
static uint32_t slow_memlimit = CRYPT_SLOW_MEMLIMIT;

void crypt_slow_key_cost(uint32_t *opslimit, uint32_t *memlimit)
{
	*opslimit = slow_opslimit;
	*memlimit = slow_memlimit;
}

void crypt_set_slow_key_cost_for_tests(uint32_t opslimit, uint32_t memlimit)
{
	slow_opslimit = opslimit ? opslimit : CRYPT_SLOW_OPSLIMIT;
	slow_memlimit = memlimit ? memlimit : CRYPT_SLOW_MEMLIMIT;
}

/* How many argon2id derivations run at once in this process: one core fewer than the machine has (at
 * least one). argon2id takes a whole core and 64 MiB for a tenth of a second; with every worker in it the
 * threads that serve pages would wait for a core, and a burst of logins would claim memory per worker. A
 * login beyond the limit waits here, in its worker, for its turn. */
static pthread_mutex_t slow_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t slow_turn = PTHREAD_COND_INITIALIZER;
static long slow_running;

static long slow_limit(void)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	return cores > 1 ? cores - 1 : 1;
}

int crypt_slow_key(const char *secret, size_t len, const unsigned char salt[CRYPT_SALT_BYTES], uint32_t opslimit,
		   uint32_t memlimit, unsigned char out[CRYPT_KEY_BYTES])
{
	/* libsodium's argon2id salt is 16 bytes, the same as ours */
	_Static_assert(CRYPT_SALT_BYTES == crypto_pwhash_SALTBYTES, "argon2id salt size");
	if (opslimit < crypto_pwhash_OPSLIMIT_MIN || memlimit < crypto_pwhash_MEMLIMIT_MIN)
		return -1;
	long limit = slow_limit();
	if (pthread_mutex_lock(&slow_lock) != 0)
		return -1;
	while (slow_running >= limit)
		pthread_cond_wait(&slow_turn, &slow_lock);
	slow_running++;
	pthread_mutex_unlock(&slow_lock);
	int status = crypto_pwhash(out, CRYPT_KEY_BYTES, secret, len, salt, opslimit, memlimit,
				   crypto_pwhash_ALG_ARGON2ID13);
	pthread_mutex_lock(&slow_lock);
	slow_running--;
	pthread_cond_signal(&slow_turn);
	pthread_mutex_unlock(&slow_lock);
	return status;
}

void crypt_key_verifier(const unsigned char key[CRYPT_KEY_BYTES], unsigned char out[CRYPT_KEY_BYTES])
{
	static const unsigned char personal[crypto_generichash_blake2b_PERSONALBYTES] = "meldwijzer kv v1";
	crypto_generichash_blake2b_salt_personal(out, CRYPT_KEY_BYTES, key, CRYPT_KEY_BYTES, NULL, 0, NULL, personal);
}

bool crypt_key_matches(const unsigned char key[CRYPT_KEY_BYTES], const unsigned char verifier[CRYPT_KEY_BYTES])
{
	unsigned char made[CRYPT_KEY_BYTES];
	crypt_key_verifier(key, made);
	bool same = sodium_memcmp(made, verifier, CRYPT_KEY_BYTES) == 0;
	sodium_memzero(made, sizeof made);
	return same;
}

int crypt_wrap(const unsigned char key[CRYPT_KEY_BYTES], const char *context, const unsigned char *secret, size_t len,
	       unsigned char *out)
{
	return crypt_encrypt(key, context, secret, len, out);
}

int crypt_unwrap(const unsigned char key[CRYPT_KEY_BYTES], const char *context, const unsigned char *box, size_t len,
		 unsigned char *out)
{
	return crypt_decrypt(key, context, box, len, out);
}

/* A hash of a session token under `personal`; -1 when it is not a token. */
static int session_hash(const char *token, const char personal_text[crypto_generichash_blake2b_PERSONALBYTES + 1],
			unsigned char out[CRYPT_KEY_BYTES])
{
	if (!token || strnlen(token, CRYPT_TOKEN_SIZE) != CRYPT_TOKEN_SIZE - 1)
		return -1;
	return crypto_generichash_blake2b_salt_personal(out, CRYPT_KEY_BYTES, (const unsigned char *)token,
							CRYPT_TOKEN_SIZE - 1, NULL, 0, NULL,
							(const unsigned char *)personal_text);
}

int crypt_session_lookup(const char *token, unsigned char out[CRYPT_KEY_BYTES])
{
	return session_hash(token, "meldwijzer sl v1", out);
}

int crypt_session_key(const char *token, unsigned char out[CRYPT_KEY_BYTES])
{
	return session_hash(token, "meldwijzer sw v1", out);
}

int crypt_session_csrf(const char *token, char out[CRYPT_TOKEN_SIZE])
{
	unsigned char digest[CRYPT_KEY_BYTES];
	if (session_hash(token, "meldwijzer cs v1", digest))
		return -1;
	sodium_bin2hex(out, CRYPT_TOKEN_SIZE, digest, sizeof digest);
	sodium_memzero(digest, sizeof digest);
	return 0;
}

void crypt_chain_hash(const unsigned char previous[CRYPT_HASH_BYTES], const void *entry, size_t len,
		      unsigned char out[CRYPT_HASH_BYTES])
{
	crypto_generichash_blake2b_state state;
	crypto_generichash_blake2b_init(&state, NULL, 0, CRYPT_HASH_BYTES);
	crypto_generichash_blake2b_update(&state, previous, CRYPT_HASH_BYTES);
	crypto_generichash_blake2b_update(&state, entry, len);
	crypto_generichash_blake2b_final(&state, out, CRYPT_HASH_BYTES);
}

void crypt_bytes_to_hex(const unsigned char *bytes, size_t len, char *out, size_t size)
{
	if (size < 2 * len + 1) {
		if (size)
			out[0] = '\0';
		return;
	}
	sodium_bin2hex(out, size, bytes, len);
}

int crypt_hex_to_bytes(const char *hex, unsigned char *out, size_t max, size_t *len)
{
	const char *end = NULL;
	if (sodium_hex2bin(out, max, hex, strlen(hex), NULL, len, &end) != 0 || *end != '\0')
		return -1;
	return 0;
}
