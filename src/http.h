/*
 * http: the HTTP server on libmicrohttpd (thread pool with epoll). It owns
 * the limits (connections, per-address connections, idle timeout, body size,
 * URL length, number of fields), the security headers that every response
 * carries, and the translation between MHD and the plain request/reply below,
 * so that the site's handlers never see MHD.
 *
 * Privacy: nothing about the client (address, user agent, URL) is logged;
 * MHD's own messages are reduced to their fixed text.
 */
#ifndef MELDWIJZER_HTTP_H
#define MELDWIJZER_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "strbuf.h"

enum http_method { HTTP_GET, HTTP_HEAD, HTTP_POST, HTTP_OTHER };

#define HTTP_CLIENT_TAG_BYTES 32 /* = RATELIMIT_TAG_BYTES */

struct http_field {
	const char *key;
	const char *value;
};

struct http_request {
	enum http_method method;
	const char *path;          /* decoded, without the query */
	const struct http_field *fields; /* query arguments, in order, repeats kept */
	size_t field_count;
	const struct http_field *form;   /* fields of an application/x-www-form-urlencoded body */
	size_t form_count;
	bool form_overflow;        /* more form fields or bytes than the limits allow */
	bool form_invalid;         /* a form key or value held bytes that are not UTF-8 text, or a
				    * NUL (%00): they read as U+FFFD in `form`, so the form can be
				    * shown again, but it must be refused (400), never stored */
	const char *body;          /* POST body (NUL-terminated), or NULL */
	size_t body_len;
	const char *content_type;  /* or NULL */
	const char *if_none_match; /* or NULL */
	const char *origin;        /* Origin header, or NULL */
	const char *host;          /* Host header, or NULL */
	const char *fetch_site;    /* Sec-Fetch-Site header, or NULL */
	const char *authorization; /* Authorization header, or NULL */
	const char *cookie;        /* Cookie header, or NULL (only the staff pages use one; the public site sets none) */
	/* UTC seconds, read once when the request is complete: the request's
	 * clock. Pass it to everything that depends on time (ratelimit_check,
	 * crypt_keys_form_token, sessions, report_*_at) rather than reading
	 * the clock again, so that one request sees one moment and tests can
	 * give any moment. */
	int64_t now;
	/* Keyed hashes of the client's address (IPv4, or the IPv6 /64; behind a
	 * trusted proxy the address from X-Forwarded-For) with a salt that changes
	 * every hour: 16 bytes under this hour's salt, 16 under last hour's. For rate
	 * limits only (ratelimit_check), never stored. */
	unsigned char client_tag[HTTP_CLIENT_TAG_BYTES];
};

struct http_cached; /* a prepared response that many requests can share */
struct http_reply;

/* Blocking work (database writes that wait for fsync, database reads; later
 * argon2id for staff passwords): a handler sets reply->deferred; the connection then
 * waits while a worker thread runs the job, and the server's own threads go on
 * serving other requests. A full queue answers 503. */
typedef void (*http_job)(void *app, const struct http_request *request, struct http_reply *reply);

struct http_reply {
	unsigned status;
	const char *content_type;  /* for `body` */
	struct strbuf body;
	const char *allow;         /* for 405 */
	bool cacheable;            /* static files: public caching; otherwise no-store */
	unsigned retry_after;      /* seconds, for 429 and 503: sent as Retry-After when set (a 429
				    * without it gets the longest wait a rate limit can ask) */
	const struct http_cached *cached; /* when set, sent instead of `body` */
	/* `cached` is a reference of this reply's own (http_cached_hold(), e.g. from a cache whose entries
	 * can be replaced while this reply waits): released once the response is queued */
	bool cached_held;
	/* A body that carries a secret (a receipt, a token, decrypted text), from
	 * crypt_buffer_detach(): when set it is sent instead of `body`, never
	 * copied, and wiped and freed (crypt_buffer_free) when the server is done
	 * with it, also when it is never sent. Ownership passes to http. */
	char *secret_body;
	size_t secret_len;
	http_job deferred;         /* when set, run in the worker pool to make the reply */
	const char *disposition;   /* Content-Disposition (a download), or NULL */
	char location[256];        /* Location (a 303 after a staff form), or "" */
	/* A Set-Cookie value (the staff session: it carries the token), or "";
	 * wiped once the response is made, also when it is never sent. */
	char set_cookie[200];
};

typedef void (*http_handler)(void *app, const struct http_request *request, struct http_reply *reply);

/* Prepares a response once (for static files and pages that never change). `etag` may be NULL. */
struct http_cached *http_cached_create(unsigned status, const char *content_type, const char *body, size_t len,
				       bool cacheable, const char *etag);
/* The body a prepared response sends (valid while a reference is held). */
const char *http_cached_body(const struct http_cached *cached, size_t *len);
/* One more reference to `cached` (a page cache hands its entries out this way); returns `cached`. */
struct http_cached *http_cached_hold(struct http_cached *cached);
/* Releases one reference; the last one frees the response (MHD keeps it while a connection sends it). */
void http_cached_free(struct http_cached *cached);

/* Called for errors the server answers itself: 400 (too many fields, a
 * malformed or ambiguous request: two Content-Length headers, Content-Length
 * with Transfer-Encoding), 413, 414, 415 (a charset other than UTF-8), 431
 * (headers over HTTP_HEADER_BYTES), 503 (the worker queue is full); fills
 * `reply` with a page or JSON message. */
typedef void (*http_error_page)(void *app, const struct http_request *request, unsigned status,
				struct http_reply *reply);

/* Request headers beyond this many bytes get 431 from the server, with the
 * security headers. MHD's own bare 431 page is left only for headers that do
 * not fit the connection's memory (HTTP_CONNECTION_MEMORY) at all.
 *
 * The connection memory costs on every request, not only on large ones:
 * libmicrohttpd 0.9.75 clears its whole pool with memset when a kept-alive
 * connection starts its next request, and clears the unused part of the read
 * buffer (half the pool) once more when it builds the response: 1.5 times the
 * pool per request, no option turns it off. At 64 KiB that was a quarter of
 * the server's CPU serving "/" at 1000 connections (the pools of 1000
 * connections do not fit any cache). 48 KiB still takes 40 KB of headers (40
 * lines of 1 KB) with our own 431, and up to ~44 KB of them (measured; 44 KiB
 * would hold 40 KB and fail at 42 KB). */
#define HTTP_HEADER_BYTES (16 * 1024)
#define HTTP_CONNECTION_MEMORY (48 * 1024)

/* How long http_server_stop() waits at most for the requests it has taken in
 * to be answered (bounded: a client that never finishes is not waited for). */
#define HTTP_DRAIN_SECONDS 10

struct http_server;
/* Starts listening; returns NULL with a message in `error`. */
struct http_server *http_server_start(const struct server_config *config, http_handler handler,
				      http_error_page error_page, void *app, char *error, size_t error_size);
/* Stops gracefully: no new connections, every request already taken in is
 * answered (for up to HTTP_DRAIN_SECONDS), queued jobs finish, then the
 * threads end. */
void http_server_stop(struct http_server *server);

/* What the server has done, for the metrics (src/metrics.c). Counted with
 * atomics on the request path, read without a lock. Nothing about a client or
 * an address: a request counts only in the class of its route and the class
 * of its status. */
enum http_route_class {
	HTTP_ROUTE_PAGE,   /* the site's pages */
	HTTP_ROUTE_JSON,   /* /api/... and /healthz */
	HTTP_ROUTE_STATIC, /* /static/... */
	HTTP_ROUTE_STAFF,  /* the back office, /team/... (and /en/team/...) */
	HTTP_ROUTE_CLASSES
};
/* The class by the path's first segment (the router's table has the same prefixes). */
enum http_route_class http_route_class_of(const char *path);
#define HTTP_STATUS_CLASSES 5 /* 1xx .. 5xx: index status / 100 - 1 */
#define HTTP_LATENCY_BUCKETS 12
extern const double http_latency_bounds[HTTP_LATENCY_BUCKETS]; /* seconds, ascending; then +Inf */
struct http_histogram {
	uint64_t buckets[HTTP_LATENCY_BUCKETS + 1]; /* per bucket (not cumulative); the last is +Inf */
	uint64_t count;
	uint64_t sum_us;
};
struct http_counters {
	uint64_t requests[HTTP_ROUTE_CLASSES][HTTP_STATUS_CLASSES]; /* answered, by route and status class */
	struct http_histogram latency[HTTP_ROUTE_CLASSES];          /* request line in to response sent */
	struct http_histogram jobs[HTTP_ROUTE_CLASSES];             /* blocking jobs, run time in a worker */
	uint64_t queue_full;                                        /* 503s because the worker queue was full */
	unsigned queue_depth, queue_capacity, workers, workers_busy, open_connections;
};
/* A snapshot; safe from any thread while the server runs (never waits). */
void http_server_counters(struct http_server *server, struct http_counters *out);

/* The first value of a query field, or NULL. */
const char *http_field(const struct http_request *request, const char *key);
/* The first value of a form field, or NULL. */
const char *http_form_field(const struct http_request *request, const char *key);
/* The first form key that occurs more than once and is not in `repeatable`
 * (a NULL-terminated list, e.g. check boxes), or NULL: a field that the form
 * has once, sent twice, is refused rather than half taken. */
const char *http_form_repeated(const struct http_request *request, const char *const *repeatable);

#endif
