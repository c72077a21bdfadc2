#define _POSIX_C_SOURCE 200809L
#include "http.h"

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
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "crypt.h"

#define WORKER_QUEUE_SIZE 64

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
	struct deferred_job *queue[WORKER_QUEUE_SIZE];
	unsigned head, count;
	bool stopping;
};

struct http_server {
	struct MHD_Daemon *daemon;
	atomic_uint open_connections;
	struct worker_pool pool;
	pthread_mutex_t salt_lock;
	unsigned char client_salt[CRYPT_KEY_BYTES];
	int64_t salt_hour;
	struct server_config config;
	http_handler handler;
	http_error_page error_page;
	void *app;
};

struct http_cached {
	struct MHD_Response *response;
	unsigned status;
};

/* Per-connection request state, kept across MHD's calls for one request. */
struct request_state {
	struct strbuf body;
	bool too_large;
	/* a form body, decoded by MHD's post processor */
	struct MHD_PostProcessor *post_processor;
	struct http_field *form;
	size_t form_count, form_cap, form_bytes, form_byte_cap;
	bool form_overflow;
	/* for a deferred request: what the worker needs and what it made */
	struct http_request request;
	struct http_field *fields;
	struct http_reply reply;
	atomic_bool done;
	bool deferred;
};

struct deferred_job {
	struct http_server *server;
	struct MHD_Connection *connection;
	struct request_state *state;
	http_job job;
};

static void add_security_headers(struct MHD_Response *response, bool cacheable)
{
	MHD_add_response_header(response, "Content-Security-Policy", content_security_policy);
	MHD_add_response_header(response, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(response, "X-Frame-Options", "DENY");
	MHD_add_response_header(response, "Referrer-Policy", "no-referrer");
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
	cached->response = MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
	if (!cached->response) {
		free(cached);
		return NULL;
	}
	cached->status = status;
	if (content_type)
		MHD_add_response_header(cached->response, "Content-Type", content_type);
	if (etag)
		MHD_add_response_header(cached->response, "ETag", etag);
	add_security_headers(cached->response, cacheable);
	return cached;
}

void http_cached_free(struct http_cached *cached)
{
	if (!cached)
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

/* MHD's post processor hands a form value in pieces: `offset` 0 starts a field. */
static enum MHD_Result collect_form_value(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
					  const char *content_type, const char *transfer_encoding, const char *data,
					  uint64_t offset, size_t size)
{
	(void)kind;
	(void)filename;
	(void)content_type;
	(void)transfer_encoding;
	struct request_state *state = cls;
	if (state->form_overflow)
		return MHD_NO;
	state->form_bytes += size + (offset == 0 ? strlen(key) : 0);
	if (state->form_bytes > state->form_byte_cap || (offset == 0 && state->form_count == state->form_cap)) {
		state->form_overflow = true;
		return MHD_NO;
	}
	struct http_field *field;
	if (offset == 0 || state->form_count == 0 || strcmp(state->form[state->form_count - 1].key, key) != 0) {
		field = &state->form[state->form_count++];
		field->key = strdup(key);
		field->value = calloc(1, 1);
		if (!field->key || !field->value) {
			state->form_overflow = true;
			return MHD_NO;
		}
	} else {
		field = &state->form[state->form_count - 1];
	}
	size_t old = strlen(field->value);
	char *grown = realloc((char *)field->value, old + size + 1);
	if (!grown) {
		state->form_overflow = true;
		return MHD_NO;
	}
	memcpy(grown + old, data, size);
	grown[old + size] = '\0';
	field->value = grown;
	return MHD_YES;
}

static void release_form(struct request_state *state)
{
	if (state->post_processor)
		MHD_destroy_post_processor(state->post_processor);
	for (size_t i = 0; i < state->form_count; i++) {
		free((char *)state->form[i].key);
		free((char *)state->form[i].value);
	}
	free(state->form);
	state->post_processor = NULL;
	state->form = NULL;
	state->form_count = 0;
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
		strbuf_release(&reply->body);
		return result;
	}
	struct MHD_Response *response = MHD_create_response_from_buffer(reply->body.len, reply->body.buf ? reply->body.buf : (void *)"",
									 MHD_RESPMEM_MUST_COPY);
	strbuf_release(&reply->body);
	if (!response)
		return MHD_NO;
	if (reply->content_type)
		MHD_add_response_header(response, "Content-Type", reply->content_type);
	if (reply->allow)
		MHD_add_response_header(response, "Allow", reply->allow);
	if (reply->disposition)
		MHD_add_response_header(response, "Content-Disposition", reply->disposition);
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

static enum MHD_Result answer_error(struct http_server *server, struct MHD_Connection *connection,
				    struct http_request *request, unsigned status)
{
	struct http_reply reply = {.status = status};
	strbuf_init(&reply.body, 1u << 20);
	server->error_page(server->app, request, status, &reply);
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
		pool->head = (pool->head + 1) % WORKER_QUEUE_SIZE;
		pool->count--;
		pthread_mutex_unlock(&pool->lock);
		job->job(server->app, &job->state->request, &job->state->reply);
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
	if (!pool->stopping && pool->count < WORKER_QUEUE_SIZE) {
		pool->queue[(pool->head + pool->count) % WORKER_QUEUE_SIZE] = job;
		pool->count++;
		queued = true;
		pthread_cond_signal(&pool->wake);
	}
	pthread_mutex_unlock(&pool->lock);
	return queued;
}

/* The client's tag for rate limits: a keyed hash with a salt that changes every
 * hour, so no address can be recovered and yesterday's tags mean nothing. */
static void tag_client(struct http_server *server, struct MHD_Connection *connection, unsigned char tag[16])
{
	const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const void *address = NULL;
	size_t len = 0;
	if (info && info->client_addr) {
		if (info->client_addr->sa_family == AF_INET) {
			address = &((const struct sockaddr_in *)(const void *)info->client_addr)->sin_addr;
			len = sizeof(struct in_addr);
		} else if (info->client_addr->sa_family == AF_INET6) {
			address = &((const struct sockaddr_in6 *)(const void *)info->client_addr)->sin6_addr;
			len = sizeof(struct in6_addr);
		}
	}
	int64_t hour = (int64_t)time(NULL) / 3600;
	pthread_mutex_lock(&server->salt_lock);
	if (hour != server->salt_hour) {
		crypt_random(server->client_salt, sizeof server->client_salt);
		server->salt_hour = hour;
	}
	crypt_client_tag(server->client_salt, address ? address : "", len, tag);
	pthread_mutex_unlock(&server->salt_lock);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *connection, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_data_size,
				  void **con_cls)
{
	(void)version;
	struct http_server *server = cls;
	struct request_state *state = *con_cls;
	struct http_request request = {.method = method_of(method), .path = url};
	request.content_type = MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "Content-Type");
	request.if_none_match = MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "If-None-Match");
	request.origin = MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "Origin");
	request.host = MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "Host");
	request.fetch_site = MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "Sec-Fetch-Site");
	request.authorization = MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "Authorization");

	if (state && state->deferred) {
		/* resumed after the worker finished */
		if (!atomic_load(&state->done))
			return MHD_YES;
		return send_reply(connection, &state->reply);
	}

	if (!state) {
		state = calloc(1, sizeof *state);
		if (!state)
			return MHD_NO;
		strbuf_init(&state->body, server->config.body_bytes);
		*con_cls = state;
		const char *type = MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "Content-Type");
		if (type && strncmp(type, "application/x-www-form-urlencoded", 33) == 0) {
			state->form_cap = server->config.fields;
			state->form_byte_cap = server->config.body_bytes;
			state->form = calloc(state->form_cap, sizeof *state->form);
			state->post_processor = MHD_create_post_processor(connection, 4096, collect_form_value, state);
			if (!state->form || !state->post_processor)
				return MHD_NO;
		}
		/* Refuse an announced oversized body before reading any of it. */
		const char *length = MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "Content-Length");
		if (length && strtoull(length, NULL, 10) > server->config.body_bytes) {
			state->too_large = true;
			return answer_error(server, connection, &request, MHD_HTTP_CONTENT_TOO_LARGE);
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (!state->too_large && strbuf_add(&state->body, upload_data, *upload_data_size) != STRBUF_OK)
			state->too_large = true;
		if (state->post_processor && !state->too_large && !state->form_overflow)
			MHD_post_process(state->post_processor, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (state->too_large)
		return answer_error(server, connection, &request, MHD_HTTP_CONTENT_TOO_LARGE);

	struct field_collector collector = {.cap = server->config.fields};
	collector.fields = calloc(collector.cap, sizeof *collector.fields);
	if (!collector.fields)
		return MHD_NO;
	MHD_get_connection_values(connection, MHD_GET_ARGUMENT_KIND, collect_field, &collector);
	enum MHD_Result result;
	if (strlen(url) + collector.bytes > server->config.url_bytes) {
		result = answer_error(server, connection, &request, MHD_HTTP_URI_TOO_LONG);
	} else if (collector.overflow) {
		result = answer_error(server, connection, &request, MHD_HTTP_BAD_REQUEST);
	} else {
		request.fields = collector.fields;
		request.field_count = collector.count;
		request.body = state->body.buf;
		request.body_len = state->body.len;
		request.form = state->form;
		request.form_count = state->form_count;
		request.form_overflow = state->form_overflow;
		tag_client(server, connection, request.client_tag);
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
			return answer_error(server, connection, &request, MHD_HTTP_SERVICE_UNAVAILABLE);
		}
		result = send_reply(connection, &reply);
	}
	free(collector.fields);
	return result;
}

static void on_completed(void *cls, struct MHD_Connection *connection, void **con_cls,
			 enum MHD_RequestTerminationCode code)
{
	(void)cls;
	(void)connection;
	(void)code;
	struct request_state *state = *con_cls;
	if (state) {
		strbuf_release(&state->body);
		strbuf_release(&state->reply.body);
		free(state->fields);
		release_form(state);
		free(state);
		*con_cls = NULL;
	}
}

/* When the last connection closes, hand the memory of past bursts back to the
 * system: glibc keeps freed per-thread arena memory otherwise, and a server that
 * waits for the next visitor should stay small. Cheap, and only when idle. */
static void on_connection(void *cls, struct MHD_Connection *connection, void **socket_context,
			  enum MHD_ConnectionNotificationCode code)
{
	(void)connection;
	(void)socket_context;
	struct http_server *server = cls;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		atomic_fetch_add(&server->open_connections, 1);
	} else if (atomic_fetch_sub(&server->open_connections, 1) == 1) {
		malloc_trim(0);
	}
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
	pthread_mutex_destroy(&server->pool.lock);
	pthread_cond_destroy(&server->pool.wake);
	pthread_mutex_destroy(&server->salt_lock);
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
	pthread_mutex_init(&server->pool.lock, NULL);
	pthread_cond_init(&server->pool.wake, NULL);
	pthread_mutex_init(&server->salt_lock, NULL);
	server->salt_hour = -1;
	if (start_workers(server, config->workers ? config->workers : 4 * cores)) {
		snprintf(error, error_size, "cannot start the worker threads");
		free_server_locks(server);
		free(server);
		return NULL;
	}

	server->daemon = MHD_start_daemon(
		flags, 0, NULL, NULL, on_request, server, MHD_OPTION_EXTERNAL_LOGGER, log_without_details, NULL,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&address,
		MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_LIMIT, config->connections,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, config->connections_per_address, MHD_OPTION_CONNECTION_TIMEOUT,
		config->timeout_seconds, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(32 * 1024),
		MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u, MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
		MHD_OPTION_STRICT_FOR_CLIENT, 1, MHD_OPTION_NOTIFY_CONNECTION, on_connection, server,
		MHD_OPTION_END);
	if (!server->daemon) {
		snprintf(error, error_size, "cannot listen on %.200s port %u (in use, or not allowed)",
			 config->listen_host, config->port);
		stop_workers(server);
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
	/* stop accepting, let the workers finish what is queued, then stop MHD
	 * (suspended connections must be resumed before MHD can stop) */
	MHD_quiesce_daemon(server->daemon);
	stop_workers(server);
	MHD_stop_daemon(server->daemon);
	free_server_locks(server);
	crypt_wipe(server->client_salt, sizeof server->client_salt);
	free(server);
}
