#define _POSIX_C_SOURCE 200809L
#include "http.h"
#include "thread_role.h"

#include <arpa/inet.h>
#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "crypt.h"
#include "http_form.h"
#include "ratelimit.h"

_Static_assert(HTTP_CLIENT_TAG_BYTES == RATELIMIT_TAG_BYTES, "http hands ratelimit its tags");
_Static_assert(HTTP_CLIENT_TAG_BYTES == CRYPT_CLIENT_TAG_BYTES, "crypt makes the tags");

/* Retry-After for a full worker queue: the queue drains in seconds. */
#define BUSY_RETRY_SECONDS 5

/* The headers of ARCHITECTURE section 4, on every response. No inline script or
 * style anywhere, so the policy needs no 'unsafe-inline'. */
static const char content_security_policy[] =
	"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; "
	"base-uri 'none'; frame-ancestors 'none'";
static const char permissions_policy[] =
	"accelerometer=(), camera=(), geolocation=(), gyroscope=(), microphone=(), payment=(), usb=()";

struct deferred_job;

/* A bounded pool of worker threads for blocking jobs (fsync, database reads). */
struct worker_pool {
	pthread_t threads[CONFIG_MAX_WORKERS];
	unsigned thread_count;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct deferred_job **queue; /* a ring of `capacity` (config queue) */
	unsigned capacity, head, count;
	bool stopping;
};

struct tracked_connection;
struct address_count;

/* Every open connection, for the request deadlines and the per-address caps:
 * MHD's own timeout only measures inactivity, and its per-address limit would
 * also cap a trusted proxy that carries every visitor. */
struct connection_tracker {
	pthread_mutex_t lock;
	struct tracked_connection *list; /* all open connections */
	unsigned open;                   /* how many of them */
	struct address_count **counts;   /* open connections per address (IPv4, IPv6 /64) */
	size_t count_buckets;            /* a power of two */
	uint64_t hash_seed;
	pthread_t reaper;
	pthread_cond_t wake;
	bool reaper_running, stopping;
};

/* A latency histogram kept with atomics (upper bounds: http_latency_bounds; the last bucket is +Inf). */
struct atomic_histogram {
	_Atomic uint64_t buckets[HTTP_LATENCY_BUCKETS + 1];
	_Atomic uint64_t sum_us;
};

/* What the server has done, for http_server_counters(): atomics only, so that
 * counting takes no lock on the request path and reading takes none either. */
struct server_counters {
	_Atomic uint64_t requests[HTTP_ROUTE_CLASSES][HTTP_STATUS_CLASSES];
	struct atomic_histogram latency[HTTP_ROUTE_CLASSES];
	struct atomic_histogram jobs[HTTP_ROUTE_CLASSES];
	_Atomic uint64_t queue_full;
	atomic_uint queued, busy;
};

struct http_server {
	struct MHD_Daemon *daemon;
	struct server_counters counters;
	atomic_uint open_connections;
	/* requests from their request line until their answer is sent (or the
	 * connection ends): what a graceful stop waits for */
	atomic_uint requests_in_progress;
	struct connection_tracker tracker;
	struct worker_pool pool;
	/* the salts of client tags (crypt): with a salt, a tag could be traced
	 * back to an address, so they live in crypt's guarded memory */
	struct crypt_client_salts *client_salts;
	unsigned locks_made; /* of the pool's and the tracker's locks, for a start that fails half-way */
	struct server_config config;
	http_handler handler;
	http_error_page error_page;
	void *app;
};

struct http_cached {
	struct MHD_Response *response;
	unsigned status;
	/* references: 1 for the maker, 1 per http_cached_hold(); the last http_cached_free() frees it.
	 * MHD keeps its own count of the response while a connection sends it. */
	atomic_uint references;
	const char *body; /* the bytes sent, owned by the response */
	size_t len;
};

/* Per-connection request state, kept across MHD's calls for one request.
 * Made when the request line arrives (on_uri), before MHD parses the query. */
struct request_state {
	unsigned url_status;       /* 414 or 400 when the raw URL is over the limits, else 0 */
	bool started;              /* the headers have been checked */
	struct strbuf body;
	bool too_large;
	/* a form body, decoded by MHD's post processor */
	struct MHD_PostProcessor *post_processor;
	struct http_form form;
	/* for a deferred request: what the worker needs and what it made */
	struct http_request request;
	struct http_field *fields;
	struct http_reply reply;
	atomic_bool done;
	bool deferred;
	/* for the counters: when the request line came, its route class, the status it got (0: none) */
	int64_t started_us;
	enum http_route_class route_class;
	unsigned answered;
};

struct deferred_job {
	struct http_server *server;
	struct MHD_Connection *connection;
	struct request_state *state;
	http_job job;
};

const double http_latency_bounds[HTTP_LATENCY_BUCKETS] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
							  0.1,	 0.25,	 0.5,	1,    2.5,   10};

static int64_t monotonic_us(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)now.tv_sec * 1000000 + now.tv_nsec / 1000;
}

static void observe(struct atomic_histogram *histogram, int64_t micros)
{
	if (micros < 0)
		micros = 0;
	double seconds = (double)micros / 1e6;
	size_t bucket = 0;
	while (bucket < HTTP_LATENCY_BUCKETS && seconds > http_latency_bounds[bucket])
		bucket++;
	atomic_fetch_add_explicit(&histogram->buckets[bucket], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&histogram->sum_us, (uint64_t)micros, memory_order_relaxed);
}

enum http_route_class http_route_class_of(const char *path)
{
	if (!path)
		return HTTP_ROUTE_PAGE;
	if (strncmp(path, "/static/", 8) == 0)
		return HTTP_ROUTE_STATIC;
	if (strncmp(path, "/api/", 5) == 0 || strcmp(path, "/healthz") == 0)
		return HTTP_ROUTE_JSON;
	const char *rest = strncmp(path, "/en/", 4) == 0 ? path + 3 : path;
	if (strncmp(rest, "/team/", 6) == 0 || strcmp(rest, "/team") == 0)
		return HTTP_ROUTE_STAFF;
	return HTTP_ROUTE_PAGE;
}

static void read_histogram(struct atomic_histogram *from, struct http_histogram *to)
{
	to->count = 0;
	for (size_t i = 0; i <= HTTP_LATENCY_BUCKETS; i++) {
		to->buckets[i] = atomic_load_explicit(&from->buckets[i], memory_order_relaxed);
		to->count += to->buckets[i];
	}
	to->sum_us = atomic_load_explicit(&from->sum_us, memory_order_relaxed);
}

void http_server_counters(struct http_server *server, struct http_counters *out)
{
	struct server_counters *c = &server->counters;
	memset(out, 0, sizeof *out);
	for (size_t r = 0; r < HTTP_ROUTE_CLASSES; r++) {
		for (size_t s = 0; s < HTTP_STATUS_CLASSES; s++)
			out->requests[r][s] = atomic_load_explicit(&c->requests[r][s], memory_order_relaxed);
		read_histogram(&c->latency[r], &out->latency[r]);
		read_histogram(&c->jobs[r], &out->jobs[r]);
	}
	out->queue_full = atomic_load_explicit(&c->queue_full, memory_order_relaxed);
	out->queue_depth = atomic_load(&c->queued);
	out->queue_capacity = server->pool.capacity;
	out->workers = server->pool.thread_count;
	out->workers_busy = atomic_load(&c->busy);
	out->open_connections = atomic_load(&server->open_connections);
}

static void add_security_headers(struct MHD_Response *response, bool cacheable)
{
	MHD_add_response_header(response, "Content-Security-Policy", content_security_policy);
	MHD_add_response_header(response, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(response, "X-Frame-Options", "DENY");
	/* same-origin: no Referer ever leaves the site, and our own form posts carry
	 * a real Origin (no-referrer makes it "null"), which the form check needs
	 * for browsers without Sec-Fetch-Site */
	MHD_add_response_header(response, "Referrer-Policy", "same-origin");
	MHD_add_response_header(response, "Permissions-Policy", permissions_policy);
	MHD_add_response_header(response, "Cross-Origin-Opener-Policy", "same-origin");
	MHD_add_response_header(response, "Cross-Origin-Resource-Policy", "same-origin");
	MHD_add_response_header(response, "Cache-Control", cacheable ? "public, max-age=3600" : "no-store");
}

struct http_cached *http_cached_create(unsigned status, const char *content_type, const char *body, size_t len,
				       bool cacheable, const char *etag)
{
	struct http_cached *cached = calloc(1, sizeof *cached);
	if (!cached)
		return NULL;
	/* our own copy, handed to MHD (which frees it with the response), so that http_cached_body() can
	 * show what is sent */
	char *copy = malloc(len ? len : 1);
	if (copy && len)
		memcpy(copy, body, len);
	cached->response = copy ? MHD_create_response_from_buffer(len, copy, MHD_RESPMEM_MUST_FREE) : NULL;
	if (!cached->response) {
		free(copy);
		free(cached);
		return NULL;
	}
	cached->body = copy;
	cached->len = len;
	cached->status = status;
	atomic_init(&cached->references, 1);
	if (content_type)
		MHD_add_response_header(cached->response, "Content-Type", content_type);
	if (etag)
		MHD_add_response_header(cached->response, "ETag", etag);
	add_security_headers(cached->response, cacheable);
	return cached;
}

const char *http_cached_body(const struct http_cached *cached, size_t *len)
{
	*len = cached->len;
	return cached->body;
}

struct http_cached *http_cached_hold(struct http_cached *cached)
{
	atomic_fetch_add_explicit(&cached->references, 1, memory_order_relaxed);
	return cached;
}

void http_cached_free(struct http_cached *cached)
{
	if (!cached || atomic_fetch_sub_explicit(&cached->references, 1, memory_order_acq_rel) != 1)
		return;
	MHD_destroy_response(cached->response);
	free(cached);
}

const char *http_form_field(const struct http_request *request, const char *key)
{
	for (size_t i = 0; i < request->form_count; i++) {
		if (strcmp(request->form[i].key, key) == 0)
			return request->form[i].value;
	}
	return NULL;
}

/* MHD's post processor hands a form value in pieces (http_form keeps them). */
static enum MHD_Result collect_form_value(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
					  const char *content_type, const char *transfer_encoding, const char *data,
					  uint64_t offset, size_t size)
{
	(void)kind;
	(void)filename;
	(void)content_type;
	(void)transfer_encoding;
	struct request_state *state = cls;
	return http_form_collect(&state->form, key, data, offset, size) ? MHD_YES : MHD_NO;
}

const char *http_form_repeated(const struct http_request *request, const char *const *repeatable)
{
	for (size_t i = 0; i < request->form_count; i++) {
		bool may_repeat = false;
		for (const char *const *key = repeatable; key && *key && !may_repeat; key++)
			may_repeat = strcmp(*key, request->form[i].key) == 0;
		for (size_t j = i + 1; j < request->form_count && !may_repeat; j++) {
			if (strcmp(request->form[i].key, request->form[j].key) == 0)
				return request->form[i].key;
		}
	}
	return NULL;
}

static void release_form(struct request_state *state)
{
	if (state->post_processor)
		MHD_destroy_post_processor(state->post_processor);
	state->post_processor = NULL;
	http_form_release(&state->form);
}

const char *http_field(const struct http_request *request, const char *key)
{
	for (size_t i = 0; i < request->field_count; i++) {
		if (strcmp(request->fields[i].key, key) == 0)
			return request->fields[i].value;
	}
	return NULL;
}

struct field_collector {
	struct http_field *fields;
	size_t count;
	size_t cap;
	size_t bytes;
	bool overflow;
};

static enum MHD_Result collect_field(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	struct field_collector *collector = cls;
	if (collector->count == collector->cap) {
		collector->overflow = true;
		return MHD_NO;
	}
	collector->bytes += strlen(key) + (value ? strlen(value) : 0) + 2;
	collector->fields[collector->count++] = (struct http_field){key, value ? value : ""};
	return MHD_YES;
}

static enum MHD_Result send_reply(struct MHD_Connection *connection, struct http_reply *reply)
{
	enum MHD_Result result;
	if (reply->cached) {
		result = MHD_queue_response(connection, reply->cached->status, reply->cached->response);
		if (reply->cached_held) /* MHD counts its own use of the response from here on */
			http_cached_free((struct http_cached *)reply->cached);
		reply->cached = NULL;
		reply->cached_held = false;
		strbuf_release(&reply->body);
		crypt_buffer_free(reply->secret_body);
		reply->secret_body = NULL;
		return result;
	}
	struct MHD_Response *response;
	if (reply->secret_body) {
		/* no copy: MHD sends these bytes and calls crypt_buffer_free, which wipes them */
		response = MHD_create_response_from_buffer_with_free_callback(reply->secret_len, reply->secret_body,
									      crypt_buffer_free);
		if (!response)
			crypt_buffer_free(reply->secret_body);
		reply->secret_body = NULL;
	} else {
		response = MHD_create_response_from_buffer(reply->body.len, reply->body.buf ? reply->body.buf : (void *)"",
							   MHD_RESPMEM_MUST_COPY);
	}
	strbuf_release(&reply->body);
	if (!response)
		return MHD_NO;
	if (reply->content_type)
		MHD_add_response_header(response, "Content-Type", reply->content_type);
	if (reply->allow)
		MHD_add_response_header(response, "Allow", reply->allow);
	if (reply->status == MHD_HTTP_TOO_MANY_REQUESTS && !reply->retry_after)
		reply->retry_after = RATELIMIT_LONGEST_WAIT; /* surely allowed again by then */
	if (reply->retry_after) {
		char seconds[24];
		snprintf(seconds, sizeof seconds, "%u", reply->retry_after);
		MHD_add_response_header(response, "Retry-After", seconds);
	}
	if (reply->disposition)
		MHD_add_response_header(response, "Content-Disposition", reply->disposition);
	if (reply->set_cookie[0]) {
		/* MHD keeps its own copy of the header for the response's life */
		MHD_add_response_header(response, "Set-Cookie", reply->set_cookie);
		crypt_wipe(reply->set_cookie, sizeof reply->set_cookie);
	}
	if (reply->location[0])
		MHD_add_response_header(response, "Location", reply->location);
	add_security_headers(response, reply->cacheable);
	result = MHD_queue_response(connection, reply->status, response);
	MHD_destroy_response(response);
	return result;
}

static enum http_method method_of(const char *method)
{
	if (strcmp(method, MHD_HTTP_METHOD_GET) == 0)
		return HTTP_GET;
	if (strcmp(method, MHD_HTTP_METHOD_HEAD) == 0)
		return HTTP_HEAD;
	if (strcmp(method, MHD_HTTP_METHOD_POST) == 0)
		return HTTP_POST;
	return HTTP_OTHER;
}

/* The status a request is answered with, for the counters (on_completed counts it). */
static void note_answer(struct request_state *state, const struct http_reply *reply)
{
	state->answered = reply->cached ? reply->cached->status : reply->status;
}

/* The request headers a handler or an error page reads. Looked up only when a
 * request is answered (each lookup walks MHD's list of headers), not on each of
 * MHD's calls for the request. */
static void read_headers(struct MHD_Connection *connection, struct http_request *request)
{
	request->content_type = MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "Content-Type");
	request->if_none_match = MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "If-None-Match");
	request->origin = MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "Origin");
	request->host = MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "Host");
	request->fetch_site = MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "Sec-Fetch-Site");
	request->authorization = MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "Authorization");
	request->cookie = MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "Cookie");
}

static enum MHD_Result answer_error(struct http_server *server, struct request_state *state,
				    struct MHD_Connection *connection, struct http_request *request, unsigned status)
{
	read_headers(connection, request);
	struct http_reply reply = {.status = status};
	strbuf_init(&reply.body, 1u << 20);
	server->error_page(server->app, request, status, &reply);
	if (status == MHD_HTTP_SERVICE_UNAVAILABLE && !reply.retry_after)
		reply.retry_after = BUSY_RETRY_SECONDS;
	note_answer(state, &reply);
	return send_reply(connection, &reply);
}

static void *worker_main(void *arg)
{
	struct http_server *server = arg;
	struct worker_pool *pool = &server->pool;
	for (;;) {
		pthread_mutex_lock(&pool->lock);
		while (!pool->stopping && pool->count == 0)
			pthread_cond_wait(&pool->wake, &pool->lock);
		if (pool->count == 0) {
			pthread_mutex_unlock(&pool->lock);
			return NULL;
		}
		struct deferred_job *job = pool->queue[pool->head];
		pool->head = (pool->head + 1) % pool->capacity;
		pool->count--;
		atomic_store(&server->counters.queued, pool->count);
		pthread_mutex_unlock(&pool->lock);
		atomic_fetch_add(&server->counters.busy, 1);
		int64_t started = monotonic_us();
		job->job(server->app, &job->state->request, &job->state->reply);
		observe(&server->counters.jobs[job->state->route_class], monotonic_us() - started);
		atomic_fetch_sub(&server->counters.busy, 1);
		atomic_store(&job->state->done, true);
		MHD_resume_connection(job->connection);
		free(job);
	}
}

static bool enqueue(struct http_server *server, struct deferred_job *job)
{
	struct worker_pool *pool = &server->pool;
	bool queued = false;
	pthread_mutex_lock(&pool->lock);
	if (!pool->stopping && pool->count < pool->capacity) {
		pool->queue[(pool->head + pool->count) % pool->capacity] = job;
		pool->count++;
		atomic_store(&server->counters.queued, pool->count);
		queued = true;
	}
	pthread_mutex_unlock(&pool->lock);
	/* after the unlock, so that the woken worker does not wait again for a
	 * lock this thread still holds (the pool lives as long as the server) */
	if (queued)
		pthread_cond_signal(&pool->wake);
	return queued;
}

/* The peer's address in 16-byte form (IPv4 as ::ffff:a.b.c.d); false when
 * it is neither IPv4 nor IPv6. */
static bool peer_address(struct MHD_Connection *connection, unsigned char out[16])
{
	const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (!info || !info->client_addr)
		return false;
	if (info->client_addr->sa_family == AF_INET) {
		memset(out, 0, 10);
		out[10] = out[11] = 0xff;
		memcpy(out + 12, &((const struct sockaddr_in *)(const void *)info->client_addr)->sin_addr, 4);
		return true;
	}
	if (info->client_addr->sa_family == AF_INET6) {
		memcpy(out, &((const struct sockaddr_in6 *)(const void *)info->client_addr)->sin6_addr, 16);
		return true;
	}
	return false;
}

static bool is_trusted_proxy(const struct server_config *config, const unsigned char address[16])
{
	for (unsigned i = 0; i < config->trusted_proxy_count; i++) {
		if (config_network_contains(&config->trusted_proxies[i], address))
			return true;
	}
	return false;
}

#define MAX_FORWARDED_HEADERS 16
struct forwarded_headers {
	const char *values[MAX_FORWARDED_HEADERS];
	size_t count;
	bool overflow;
};

static enum MHD_Result collect_forwarded(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	struct forwarded_headers *headers = cls;
	if (strcasecmp(key, "X-Forwarded-For") != 0 || !value)
		return MHD_YES;
	if (headers->count == MAX_FORWARDED_HEADERS) {
		headers->overflow = true;
		return MHD_NO;
	}
	headers->values[headers->count++] = value;
	return MHD_YES;
}

/* Behind trusted proxies the peer is a proxy, and the client is the right-most
 * address in X-Forwarded-For that is not a trusted proxy itself: each proxy
 * appends the address it saw, and everything to the left of what our own
 * proxies wrote is whatever the client chose to send. Anything that cannot be
 * read there keeps the proxy's own address (then all such requests share one
 * count, which is stricter, never looser). */
static void forwarded_client(struct MHD_Connection *connection, const struct server_config *config,
			     unsigned char address[16])
{
	struct forwarded_headers headers = {0};
	MHD_get_connection_values(connection, MHD_HEADER_KIND, collect_forwarded, &headers);
	if (headers.overflow)
		return;
	unsigned char candidate[16];
	for (size_t h = headers.count; h-- > 0;) {
		const char *list = headers.values[h];
		size_t end = strlen(list);
		while (end > 0) {
			size_t start = end;
			while (start > 0 && list[start - 1] != ',')
				start--;
			if (!config_parse_address(list + start, end - start, candidate))
				return;
			memcpy(address, candidate, 16);
			if (!is_trusted_proxy(config, candidate))
				return;
			end = start > 0 ? start - 1 : 0;
		}
	}
}

/* The address that counts as one client: an IPv4 address, or an IPv6 /64 (one
 * subscriber gets a whole /64, so counting /128s would give one person 2^64
 * clients). Behind a trusted proxy, the client from X-Forwarded-For. */
static void client_address(struct MHD_Connection *connection, const struct server_config *config,
			   unsigned char address[16])
{
	if (!peer_address(connection, address)) {
		memset(address, 0, 16);
		return;
	}
	if (config->trusted_proxy_count && is_trusted_proxy(config, address))
		forwarded_client(connection, config, address);
	static const unsigned char v4_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	if (memcmp(address, v4_mapped, 12) != 0)
		memset(address + 8, 0, 8);
}

/* ---------- slow clients: deadlines and per-address caps ---------- */

/* How often the reaper looks for connections past their deadline. */
#define REAPER_INTERVAL_MS 200

struct tracked_connection {
	struct tracked_connection *prev, *next;
	int fd;
	unsigned char address[16]; /* as counted: IPv4, or the IPv6 /64 */
	bool counted;              /* false for a trusted proxy: no per-address cap */
	bool cut;                  /* the reaper has shut it down */
	/* milliseconds on the monotonic clock; 0 when not running. The header
	 * deadline runs until the headers are in, the request deadline until the
	 * body is in; both start again when a response is done, so a kept-alive
	 * connection that waits for its next request is held to them as well. */
	_Atomic int64_t header_deadline, request_deadline;
	/* the last request's client tag, its address and hour (tag_client); wiped with the connection */
	bool tag_kept;
	int64_t tag_hour;
	unsigned char tag_address[16];
	unsigned char tag[HTTP_CLIENT_TAG_BYTES];
};

struct address_count {
	struct address_count *next;
	unsigned char address[16];
	unsigned open;
};

static int64_t monotonic_ms(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

/* The address as one counts it: a peer's IPv6 /64 is one client. */
static void counted_address(unsigned char address[16])
{
	static const unsigned char v4_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	if (memcmp(address, v4_mapped, 12) != 0)
		memset(address + 8, 0, 8);
}

static bool sockaddr_address(const struct sockaddr *peer, unsigned char out[16])
{
	if (peer && peer->sa_family == AF_INET) {
		memset(out, 0, 10);
		out[10] = out[11] = 0xff;
		memcpy(out + 12, &((const struct sockaddr_in *)(const void *)peer)->sin_addr, 4);
		return true;
	}
	if (peer && peer->sa_family == AF_INET6) {
		memcpy(out, &((const struct sockaddr_in6 *)(const void *)peer)->sin6_addr, 16);
		return true;
	}
	return false;
}

/* FNV-1a with a random seed: addresses are chosen by clients, so the bucket
 * they land in should not be. */
static size_t count_bucket(const struct connection_tracker *tracker, const unsigned char address[16])
{
	uint64_t hash = 14695981039346656037u ^ tracker->hash_seed;
	for (int i = 0; i < 16; i++) {
		hash ^= address[i];
		hash *= 1099511628211u;
	}
	return (size_t)(hash ^ hash >> 32) & (tracker->count_buckets - 1);
}

/* The open connections of an address; call with the lock held. */
static struct address_count **find_count(struct connection_tracker *tracker, const unsigned char address[16])
{
	struct address_count **at = &tracker->counts[count_bucket(tracker, address)];
	while (*at && memcmp((*at)->address, address, 16) != 0)
		at = &(*at)->next;
	return at;
}

/* MHD asks before it accepts a connection. Refused: an address at its cap,
 * and, once all but the reserved share of connections are taken, any address
 * that already has one open, so that the rest stays free for addresses that
 * have none. Trusted proxies are exempt (the proxy does this for its clients).
 * The count is made when MHD reports the connection started, so accepts that
 * race in different MHD threads can pass one over the cap at most per thread. */
static enum MHD_Result on_accept(void *cls, const struct sockaddr *peer, socklen_t length)
{
	(void)length;
	struct http_server *server = cls;
	struct connection_tracker *tracker = &server->tracker;
	unsigned char address[16];
	if (!sockaddr_address(peer, address))
		return MHD_YES;
	if (server->config.trusted_proxy_count && is_trusted_proxy(&server->config, address))
		return MHD_YES;
	counted_address(address);
	unsigned reserved = server->config.connections_reserved ? server->config.connections_reserved
								: server->config.connections / 4;
	pthread_mutex_lock(&tracker->lock);
	struct address_count *entry = *find_count(tracker, address);
	unsigned mine = entry ? entry->open : 0, open = tracker->open;
	pthread_mutex_unlock(&tracker->lock);
	if (mine >= server->config.connections_per_address)
		return MHD_NO;
	if (mine > 0 && open + reserved >= server->config.connections)
		return MHD_NO;
	return MHD_YES;
}

static void track_start(struct http_server *server, struct MHD_Connection *connection, void **socket_context)
{
	struct connection_tracker *tracker = &server->tracker;
	const union MHD_ConnectionInfo *fd = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
	struct tracked_connection *tracked = calloc(1, sizeof *tracked);
	if (!tracked || !fd) {
		free(tracked); /* untracked: only MHD's own timeout applies to it */
		return;
	}
	tracked->fd = fd->connect_fd;
	tracked->counted = peer_address(connection, tracked->address) &&
			   !(server->config.trusted_proxy_count && is_trusted_proxy(&server->config, tracked->address));
	counted_address(tracked->address);
	int64_t now = monotonic_ms();
	atomic_store(&tracked->header_deadline, now + (int64_t)server->config.header_seconds * 1000);
	atomic_store(&tracked->request_deadline, now + (int64_t)server->config.request_seconds * 1000);
	pthread_mutex_lock(&tracker->lock);
	if (tracked->counted) {
		struct address_count **at = find_count(tracker, tracked->address);
		if (!*at && (*at = calloc(1, sizeof **at)) != NULL)
			memcpy((*at)->address, tracked->address, 16);
		if (*at)
			(*at)->open++;
		else
			tracked->counted = false; /* out of memory: not counted, still deadlined */
	}
	tracked->next = tracker->list;
	if (tracker->list)
		tracker->list->prev = tracked;
	tracker->list = tracked;
	tracker->open++;
	pthread_mutex_unlock(&tracker->lock);
	*socket_context = tracked;
}

/* MHD reports the end before it closes the socket, so while the reaper holds
 * the lock, every fd in the list still belongs to its connection. */
static void track_end(struct http_server *server, void **socket_context)
{
	struct connection_tracker *tracker = &server->tracker;
	struct tracked_connection *tracked = *socket_context;
	if (!tracked)
		return;
	pthread_mutex_lock(&tracker->lock);
	if (tracked->counted) {
		struct address_count **at = find_count(tracker, tracked->address);
		if (*at && --(*at)->open == 0) {
			struct address_count *gone = *at;
			*at = gone->next;
			free(gone);
		}
	}
	if (tracked->prev)
		tracked->prev->next = tracked->next;
	else
		tracker->list = tracked->next;
	if (tracked->next)
		tracked->next->prev = tracked->prev;
	tracker->open--;
	pthread_mutex_unlock(&tracker->lock);
	crypt_wipe(tracked, sizeof *tracked); /* an address and its tag */
	free(tracked);
	*socket_context = NULL;
}

static struct tracked_connection *tracked_of(struct MHD_Connection *connection)
{
	const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return info ? info->socket_context : NULL;
}

/* The client's tags for rate limits: keyed hashes under this hour's salt and
 * last hour's. Salts live an hour or two, in memory only, so no address can be
 * recovered from a tag and yesterday's tags mean nothing. A connection keeps
 * the tag of its last request: the next request from the same address in the
 * same hour (crypt's salts change only when the hour does) has the same tag,
 * and hashing it again for every request on a kept-alive connection (two keyed
 * BLAKE2b, under the salts' one lock that every MHD thread takes) was 3 % of
 * the CPU serving "/". Behind a trusted proxy the address is read from the
 * request's X-Forwarded-For every time, and the tag is made anew when it
 * differs. */
static void tag_client(struct http_server *server, struct MHD_Connection *connection, int64_t now,
		       unsigned char tag[HTTP_CLIENT_TAG_BYTES])
{
	unsigned char address[16];
	client_address(connection, &server->config, address);
	int64_t hour = crypt_hour_of(now);
	struct tracked_connection *tracked = tracked_of(connection);
	if (tracked && tracked->tag_kept && tracked->tag_hour == hour &&
	    memcmp(tracked->tag_address, address, sizeof address) == 0) {
		memcpy(tag, tracked->tag, HTTP_CLIENT_TAG_BYTES);
	} else {
		crypt_client_salts_tag(server->client_salts, now, address, sizeof address, tag);
		if (tracked) { /* only ever used by the MHD thread that serves this connection */
			memcpy(tracked->tag, tag, HTTP_CLIENT_TAG_BYTES);
			memcpy(tracked->tag_address, address, sizeof address);
			tracked->tag_hour = hour;
			tracked->tag_kept = true;
		}
	}
	crypt_wipe(address, sizeof address);
}

/* Cuts connections past a deadline: shutdown() wakes MHD's thread for it,
 * which then closes it as if the client had gone. No answer is sent: a client
 * this slow is not reading one either, and writing from this thread would race
 * with MHD's. */
static void *reaper_main(void *arg)
{
	struct http_server *server = arg;
	struct connection_tracker *tracker = &server->tracker;
	pthread_mutex_lock(&tracker->lock);
	while (!tracker->stopping) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += REAPER_INTERVAL_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&tracker->wake, &tracker->lock, &until);
		int64_t now = monotonic_ms();
		for (struct tracked_connection *t = tracker->list; t; t = t->next) {
			int64_t header = atomic_load(&t->header_deadline), request = atomic_load(&t->request_deadline);
			if (t->cut || !((header && now > header) || (request && now > request)))
				continue;
			shutdown(t->fd, SHUT_RDWR);
			t->cut = true;
		}
	}
	pthread_mutex_unlock(&tracker->lock);
	return NULL;
}

static int tracker_start(struct http_server *server)
{
	struct connection_tracker *tracker = &server->tracker;
	tracker->count_buckets = 1024;
	while (tracker->count_buckets < 2 * (size_t)server->config.connections)
		tracker->count_buckets *= 2;
	tracker->counts = calloc(tracker->count_buckets, sizeof *tracker->counts);
	if (!tracker->counts)
		return -1;
	crypt_random(&tracker->hash_seed, sizeof tracker->hash_seed);
	if (pthread_create(&tracker->reaper, NULL, reaper_main, server) != 0)
		return -1;
	tracker->reaper_running = true;
	return 0;
}

/* After MHD has stopped: every connection has ended by then. */
static void tracker_stop(struct http_server *server)
{
	struct connection_tracker *tracker = &server->tracker;
	pthread_mutex_lock(&tracker->lock);
	tracker->stopping = true;
	pthread_cond_signal(&tracker->wake);
	pthread_mutex_unlock(&tracker->lock);
	if (tracker->reaper_running)
		pthread_join(tracker->reaper, NULL);
	tracker->reaper_running = false;
	for (size_t i = 0; tracker->counts && i < tracker->count_buckets; i++) {
		while (tracker->counts[i]) {
			struct address_count *next = tracker->counts[i]->next;
			free(tracker->counts[i]);
			tracker->counts[i] = next;
		}
	}
	free(tracker->counts);
	tracker->counts = NULL;
}

/* Enough file descriptors for `connections` (MHD cannot accept beyond the
 * limit, and the clients then wait in the kernel's queue): the soft limit is
 * raised as far as the hard limit allows. */
static void raise_file_limit(unsigned connections)
{
	struct rlimit files;
	rlim_t wanted = (rlim_t)connections + 256;
	if (getrlimit(RLIMIT_NOFILE, &files) != 0 || files.rlim_cur >= wanted)
		return;
	files.rlim_cur = files.rlim_max == RLIM_INFINITY || files.rlim_max >= wanted ? wanted : files.rlim_max;
	setrlimit(RLIMIT_NOFILE, &files);
	if (files.rlim_cur < wanted)
		fprintf(stderr, "meldwijzer: http: only %lu file descriptors for %u connections\n",
			(unsigned long)files.rlim_cur, connections);
}

static struct request_state *new_request_state(struct http_server *server)
{
	struct request_state *state = calloc(1, sizeof(struct request_state));
	if (state) {
		atomic_fetch_add(&server->requests_in_progress, 1); /* until on_completed() */
		state->started_us = monotonic_us();
	}
	return state;
}

/* MHD calls this with the raw request target as soon as the request line is
 * read, before it splits the query into fields. A query with more fields than
 * MHD's per-connection memory can hold made MHD drop the connection without an
 * answer (and wait for the idle timeout first), so the limits are checked here
 * on the raw text, and a query that is over them is cut off where MHD would
 * start parsing it (the byte after '?' becomes NUL: MHD 0.9.75 parses the query
 * as a NUL-terminated string that starts there). on_request() then answers
 * 414 or 400 itself. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *connection)
{
	(void)connection;
	struct http_server *server = cls;
	struct request_state *state = new_request_state(server);
	if (!state)
		return NULL; /* on_request() tries again, or fails the request */
	size_t fields = 0;
	char *query = strchr(uri, '?');
	if (query) {
		fields = 1;
		for (const char *p = query + 1; *p; p++)
			fields += *p == '&';
	}
	if (fields > server->config.fields)
		state->url_status = MHD_HTTP_BAD_REQUEST;
	else if (strlen(uri) > server->config.url_bytes)
		state->url_status = MHD_HTTP_URI_TOO_LONG;
	if (state->url_status && query && query[1])
		query[1] = '\0'; /* MHD's buffer, which it parses next: see above */
	return state;
}

struct header_scan {
	size_t bytes;
	unsigned content_lengths;
	unsigned transfer_encodings;
	bool chunked_only;
};

static enum MHD_Result scan_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	struct header_scan *scan = cls;
	scan->bytes += strlen(key) + (value ? strlen(value) : 0) + 4;
	if (strcasecmp(key, "Content-Length") == 0)
		scan->content_lengths++;
	if (strcasecmp(key, "Transfer-Encoding") == 0) {
		scan->transfer_encodings++;
		scan->chunked_only = value && strcasecmp(value, "chunked") == 0;
	}
	return MHD_YES;
}

/* Whether a Content-Type's charset parameter (if any) is UTF-8; the body is
 * always read as UTF-8, so another charset would be misread, not converted. */
static bool charset_is_utf8(const char *content_type)
{
	for (const char *p = content_type ? strchr(content_type, ';') : NULL; p; p = strchr(p + 1, ';')) {
		const char *name = p + 1;
		while (*name == ' ' || *name == '\t')
			name++;
		if (strncasecmp(name, "charset", 7) != 0)
			continue;
		const char *value = name + 7;
		while (*value == ' ' || *value == '\t')
			value++;
		if (*value != '=')
			continue;
		value++;
		while (*value == ' ' || *value == '\t')
			value++;
		bool quoted = *value == '"';
		value += quoted;
		size_t len = strcspn(value, quoted ? "\"" : " \t;");
		if (!((len == 5 && strncasecmp(value, "utf-8", 5) == 0) || (len == 8 && strncasecmp(value, "us-ascii", 8) == 0)))
			return false;
	}
	return true;
}

/* The checks on a request's headers before any of its body is read: 0, or the
 * status to answer. Two Content-Length headers, or Content-Length together
 * with Transfer-Encoding, or a transfer coding other than plain chunked, could
 * be read differently by a proxy in front than here (request smuggling). */
static unsigned check_headers(struct MHD_Connection *connection, enum http_method method, const char *content_type)
{
	struct header_scan scan = {0};
	MHD_get_connection_values(connection, MHD_HEADER_KIND, scan_header, &scan);
	if (scan.bytes > HTTP_HEADER_BYTES)
		return MHD_HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE;
	if (scan.content_lengths > 1 || scan.transfer_encodings > 1 || (scan.content_lengths && scan.transfer_encodings) ||
	    (scan.transfer_encodings && !scan.chunked_only))
		return MHD_HTTP_BAD_REQUEST;
	if (method != HTTP_GET && method != HTTP_HEAD && !charset_is_utf8(content_type))
		return MHD_HTTP_UNSUPPORTED_MEDIA_TYPE;
	return 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *connection, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_data_size,
				  void **con_cls)
{
	(void)version;
	thread_role_mark_http(); /* this thread serves requests: the database is off limits here */
	struct http_server *server = cls;
	struct request_state *state = *con_cls;
	/* the headers are read (read_headers) once the request is answered */
	struct http_request request = {.method = method_of(method), .path = url};

	if (state && state->deferred) {
		/* resumed after the worker finished */
		if (!atomic_load(&state->done))
			return MHD_YES;
		note_answer(state, &state->reply);
		return send_reply(connection, &state->reply);
	}

	if (!state) {
		state = new_request_state(server);
		if (!state)
			return MHD_NO;
		*con_cls = state;
	}
	if (!state->started) {
		state->started = true;
		state->route_class = http_route_class_of(url);
		struct tracked_connection *tracked = tracked_of(connection);
		if (tracked)
			atomic_store(&tracked->header_deadline, 0); /* the headers are in */
		strbuf_init_wiped(&state->body, server->config.body_bytes); /* JSON bodies carry receipts and messages */
		if (state->url_status)
			return answer_error(server, state, connection, &request, state->url_status);
		request.content_type = MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "Content-Type");
		unsigned refused = check_headers(connection, request.method, request.content_type);
		if (refused)
			return answer_error(server, state, connection, &request, refused);
		const char *type = request.content_type;
		if (type && strncmp(type, "application/x-www-form-urlencoded", 33) == 0) {
			if (http_form_init(&state->form, server->config.fields, server->config.body_bytes))
				return MHD_NO;
			state->post_processor = MHD_create_post_processor(connection, 4096, collect_form_value, state);
			if (!state->post_processor)
				return MHD_NO;
		}
		/* Refuse an announced oversized body before reading any of it. */
		const char *length = MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "Content-Length");
		if (length && strtoull(length, NULL, 10) > server->config.body_bytes) {
			state->too_large = true;
			return answer_error(server, state, connection, &request, MHD_HTTP_CONTENT_TOO_LARGE);
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (!state->too_large && strbuf_add(&state->body, upload_data, *upload_data_size) != STRBUF_OK)
			state->too_large = true;
		if (state->post_processor && !state->too_large && !state->form.overflow)
			MHD_post_process(state->post_processor, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	{
		struct tracked_connection *tracked = tracked_of(connection);
		if (tracked)
			atomic_store(&tracked->request_deadline, 0); /* the body is in: now it is our turn */
	}
	if (state->too_large)
		return answer_error(server, state, connection, &request, MHD_HTTP_CONTENT_TOO_LARGE);

	/* room for the fields the query has (none for most pages), up to the limit: one more is an overflow */
	int given = MHD_get_connection_values(connection, MHD_GET_ARGUMENT_KIND, NULL, NULL);
	struct field_collector collector = {.cap = given > 0 ? (size_t)given : 0};
	if (collector.cap > server->config.fields)
		collector.cap = server->config.fields;
	if (collector.cap) {
		collector.fields = calloc(collector.cap, sizeof *collector.fields);
		if (!collector.fields)
			return MHD_NO;
	}
	MHD_get_connection_values(connection, MHD_GET_ARGUMENT_KIND, collect_field, &collector);
	enum MHD_Result result;
	if (strlen(url) + collector.bytes > server->config.url_bytes) {
		result = answer_error(server, state, connection, &request, MHD_HTTP_URI_TOO_LONG);
	} else if (collector.overflow) {
		result = answer_error(server, state, connection, &request, MHD_HTTP_BAD_REQUEST);
	} else {
		request.fields = collector.fields;
		request.field_count = collector.count;
		request.body = state->body.buf;
		request.body_len = state->body.len;
		if (state->post_processor && !state->form.overflow)
			http_form_finish(&state->form);
		request.form = state->form.fields;
		request.form_count = state->form.count;
		request.form_overflow = state->form.overflow;
		request.form_invalid = state->form.invalid;
		read_headers(connection, &request);
		/* the one reading of the clock for this request: everything after it
		 * (rate limits, form tokens, sessions) takes request.now */
		request.now = (int64_t)time(NULL);
		tag_client(server, connection, request.now, request.client_tag);
		struct http_reply reply = {.status = MHD_HTTP_OK};
		strbuf_init(&reply.body, 4u << 20);
		server->handler(server->app, &request, &reply);
		if (reply.deferred) {
			struct deferred_job *job = calloc(1, sizeof *job);
			state->request = request;
			state->fields = collector.fields;
			collector.fields = NULL; /* kept until the request completes */
			state->reply = reply;
			state->deferred = true;
			if (job) {
				*job = (struct deferred_job){server, connection, state, reply.deferred};
				MHD_suspend_connection(connection);
				if (enqueue(server, job))
					return MHD_YES;
				MHD_resume_connection(connection);
				free(job);
			}
			state->deferred = false;
			strbuf_release(&state->reply.body);
			atomic_fetch_add_explicit(&server->counters.queue_full, 1, memory_order_relaxed);
			return answer_error(server, state, connection, &request, MHD_HTTP_SERVICE_UNAVAILABLE);
		}
		note_answer(state, &reply);
		result = send_reply(connection, &reply);
	}
	free(collector.fields);
	return result;
}

static void on_completed(void *cls, struct MHD_Connection *connection, void **con_cls,
			 enum MHD_RequestTerminationCode code)
{
	(void)code;
	struct http_server *server = cls;
	struct tracked_connection *tracked = tracked_of(connection);
	if (tracked) { /* the next request on this connection gets deadlines of its own */
		int64_t now = monotonic_ms();
		atomic_store(&tracked->header_deadline, now + (int64_t)server->config.header_seconds * 1000);
		atomic_store(&tracked->request_deadline, now + (int64_t)server->config.request_seconds * 1000);
	}
	struct request_state *state = *con_cls;
	if (state) {
		if (state->answered >= 100 && state->answered < 600) {
			struct server_counters *c = &server->counters;
			atomic_fetch_add_explicit(&c->requests[state->route_class][state->answered / 100 - 1], 1,
						  memory_order_relaxed);
			observe(&c->latency[state->route_class], monotonic_us() - state->started_us);
		}
		strbuf_release(&state->body);
		strbuf_release(&state->reply.body);
		crypt_buffer_free(state->reply.secret_body); /* a deferred reply that was never sent */
		if (state->reply.cached_held)
			http_cached_free((struct http_cached *)state->reply.cached);
		crypt_wipe(state->reply.set_cookie, sizeof state->reply.set_cookie);
		free(state->fields);
		release_form(state);
		free(state);
		*con_cls = NULL;
		atomic_fetch_sub(&server->requests_in_progress, 1);
	}
}

/* When the last connection closes, hand the memory of past bursts back to the
 * system: glibc keeps freed per-thread arena memory otherwise, and a server that
 * waits for the next visitor should stay small. Cheap, and only when idle. */
static void on_connection(void *cls, struct MHD_Connection *connection, void **socket_context,
			  enum MHD_ConnectionNotificationCode code)
{
	struct http_server *server = cls;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		atomic_fetch_add(&server->open_connections, 1);
		track_start(server, connection, socket_context);
		return;
	}
	track_end(server, socket_context);
	if (atomic_fetch_sub(&server->open_connections, 1) == 1)
		malloc_trim(0);
}

/* MHD's messages may carry client details in their arguments: print the fixed text only. */
static void log_without_details(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	(void)ap;
	char line[200];
	size_t len = 0;
	for (const char *p = fmt; *p && len + 1 < sizeof line; p++) {
		if (*p == '%') {
			line[len++] = '_';
			while (p[1] && !strchr("sdiuxXpclz%", p[1]))
				p++;
			if (p[1] == 'l' || p[1] == 'z')
				p++;
			if (p[1])
				p++;
			continue;
		}
		if (*p != '\n')
			line[len++] = *p;
	}
	line[len] = '\0';
	fprintf(stderr, "meldwijzer: http: %s\n", line);
}

/* Lets the workers finish what is queued, then ends them. The pool stays
 * usable (a job offered now is refused) until free_server_locks(). */
static void stop_workers(struct http_server *server)
{
	struct worker_pool *pool = &server->pool;
	pthread_mutex_lock(&pool->lock);
	pool->stopping = true;
	pthread_cond_broadcast(&pool->wake);
	pthread_mutex_unlock(&pool->lock);
	for (unsigned i = 0; i < pool->thread_count; i++)
		pthread_join(pool->threads[i], NULL);
	pool->thread_count = 0;
}

/* Only once no MHD thread can run any more. */
static void free_server_locks(struct http_server *server)
{
	free(server->pool.queue);
	server->pool.queue = NULL;
	crypt_client_salts_free(server->client_salts);
	server->client_salts = NULL;
	/* only the ones that were made (locks_made counts them, in this order) */
	if (server->locks_made > 3)
		pthread_cond_destroy(&server->tracker.wake);
	if (server->locks_made > 2)
		pthread_mutex_destroy(&server->tracker.lock);
	if (server->locks_made > 1)
		pthread_cond_destroy(&server->pool.wake);
	if (server->locks_made > 0)
		pthread_mutex_destroy(&server->pool.lock);
	server->locks_made = 0;
}

/* Starts the worker threads (the locks exist already); 0 when at least one runs. */
static int start_workers(struct http_server *server, unsigned workers)
{
	struct worker_pool *pool = &server->pool;
	pool->thread_count = workers > CONFIG_MAX_WORKERS ? CONFIG_MAX_WORKERS : workers;
	for (unsigned i = 0; i < pool->thread_count; i++) {
		if (pthread_create(&pool->threads[i], NULL, worker_main, server) != 0) {
			pool->thread_count = i;
			break;
		}
	}
	return pool->thread_count > 0 ? 0 : -1;
}

struct http_server *http_server_start(const struct server_config *config, http_handler handler,
				      http_error_page error_page, void *app, char *error, size_t error_size)
{
	struct http_server *server = calloc(1, sizeof *server);
	if (!server) {
		snprintf(error, error_size, "out of memory");
		return NULL;
	}
	server->config = *config;
	server->handler = handler;
	server->error_page = error_page;
	server->app = app;

	struct sockaddr_storage address;
	memset(&address, 0, sizeof address);
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ITC;
	struct sockaddr_in *v4 = (struct sockaddr_in *)&address;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&address;
	if (inet_pton(AF_INET, config->listen_host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)config->port);
	} else if (inet_pton(AF_INET6, config->listen_host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)config->port);
		flags |= MHD_USE_IPv6;
	} else {
		snprintf(error, error_size, "listen: '%.200s' is not an IPv4 or IPv6 address", config->listen_host);
		free(server);
		return NULL;
	}
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned cores = online > 0 ? (unsigned)online : 1;
	unsigned threads = config->threads ? config->threads : cores;
	/* the locks and the pool exist before MHD can hand them a request */
	/* each lock is counted once it is made, so that a failure undoes only those */
	bool locked = pthread_mutex_init(&server->pool.lock, NULL) == 0 && ++server->locks_made &&
		      pthread_cond_init(&server->pool.wake, NULL) == 0 && ++server->locks_made &&
		      pthread_mutex_init(&server->tracker.lock, NULL) == 0 && ++server->locks_made &&
		      pthread_cond_init(&server->tracker.wake, NULL) == 0 && ++server->locks_made;
	server->pool.capacity = config->queue ? config->queue : 1;
	server->pool.queue = calloc(server->pool.capacity, sizeof *server->pool.queue);
	server->client_salts = crypt_client_salts_new();
	if (!locked || !server->pool.queue || !server->client_salts) {
		snprintf(error, error_size, "out of memory for the worker queue and its locks");
		free_server_locks(server);
		free(server);
		return NULL;
	}
	if (start_workers(server, config->workers ? config->workers : 8 * cores)) {
		snprintf(error, error_size, "cannot start the worker threads");
		free_server_locks(server);
		free(server);
		return NULL;
	}
	if (tracker_start(server)) {
		snprintf(error, error_size, "cannot start the connection deadlines");
		stop_workers(server);
		tracker_stop(server);
		free_server_locks(server);
		free(server);
		return NULL;
	}
	raise_file_limit(config->connections);

	/* a pool only for more than one thread: MHD warns about a pool of 1 (or 0)
	 * and runs one thread anyway */
	struct MHD_OptionItem pool[] = {
		{threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END, (intptr_t)threads, NULL},
		{MHD_OPTION_END, 0, NULL},
	};
	server->daemon = MHD_start_daemon(
		flags, 0, on_accept, server, on_request, server, MHD_OPTION_EXTERNAL_LOGGER, log_without_details, NULL,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&address,
		MHD_OPTION_ARRAY, pool, MHD_OPTION_CONNECTION_LIMIT, config->connections,
		MHD_OPTION_CONNECTION_TIMEOUT,
		config->timeout_seconds, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_CONNECTION_MEMORY,
		MHD_OPTION_URI_LOG_CALLBACK, on_uri, server,
		MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u, MHD_OPTION_NOTIFY_COMPLETED, on_completed, server,
		MHD_OPTION_STRICT_FOR_CLIENT, 1, MHD_OPTION_NOTIFY_CONNECTION, on_connection, server,
		MHD_OPTION_END);
	if (!server->daemon) {
		snprintf(error, error_size, "cannot listen on %.200s port %u (in use, or not allowed)",
			 config->listen_host, config->port);
		stop_workers(server);
		tracker_stop(server);
		free_server_locks(server);
		free(server);
		return NULL;
	}
	return server;
}

void http_server_stop(struct http_server *server)
{
	if (!server)
		return;
	/* Stop accepting, then drain: every request the server has taken in
	 * (its request line read) gets its answer before the server stops, a
	 * submission's receipt above all: a report stored but never answered
	 * leaves its reporter without a receipt. The workers keep running
	 * meanwhile, so queued jobs finish and new complete requests on open
	 * connections are still served. The drain is bounded: a client that
	 * never finishes its request is not waited for. Then the workers stop
	 * (they finish what is queued) and MHD stops (suspended connections must
	 * be resumed before it can). */
	MHD_socket listening = MHD_quiesce_daemon(server->daemon);
	/* refuse at once whoever the kernel would still queue for us: a client
	 * held in the backlog would wait for the whole drain and then be reset.
	 * The socket is closed only after MHD_stop_daemon() (MHD's threads may
	 * still hold it until then); MHD leaves closing it to us. */
	if (listening != MHD_INVALID_SOCKET)
		shutdown(listening, SHUT_RDWR);
	int64_t deadline = monotonic_ms() + HTTP_DRAIN_SECONDS * 1000;
	while (atomic_load(&server->requests_in_progress) > 0 && monotonic_ms() < deadline)
		nanosleep(&(struct timespec){0, 10 * 1000000L}, NULL);
	stop_workers(server);
	MHD_stop_daemon(server->daemon);
	if (listening != MHD_INVALID_SOCKET)
		close(listening);
	tracker_stop(server);
	free_server_locks(server);
	free(server);
}
