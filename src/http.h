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

#include "config.h"
#include "strbuf.h"

enum http_method { HTTP_GET, HTTP_HEAD, HTTP_POST, HTTP_OTHER };

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
	const char *body;          /* POST body (NUL-terminated), or NULL */
	size_t body_len;
	const char *content_type;  /* or NULL */
	const char *if_none_match; /* or NULL */
	const char *origin;        /* Origin header, or NULL */
	const char *host;          /* Host header, or NULL */
	const char *fetch_site;    /* Sec-Fetch-Site header, or NULL */
	const char *authorization; /* Authorization header, or NULL */
	unsigned char client_tag[16]; /* keyed hash of the client address with a salt that
				       * rotates hourly: for rate limits only, never stored */
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
	const struct http_cached *cached; /* when set, sent instead of `body` */
	http_job deferred;         /* when set, run in the worker pool to make the reply */
	const char *disposition;   /* Content-Disposition (a download), or NULL */
};

typedef void (*http_handler)(void *app, const struct http_request *request, struct http_reply *reply);

/* Prepares a response once (for static files and pages that never change). `etag` may be NULL. */
struct http_cached *http_cached_create(unsigned status, const char *content_type, const char *body, size_t len,
				       bool cacheable, const char *etag);
void http_cached_free(struct http_cached *cached);

/* Called for limit errors the server answers itself (400, 413, 414); fills
 * `reply` with a page or JSON message. */
typedef void (*http_error_page)(void *app, const struct http_request *request, unsigned status,
				struct http_reply *reply);

struct http_server;
/* Starts listening; returns NULL with a message in `error`. */
struct http_server *http_server_start(const struct server_config *config, http_handler handler,
				      http_error_page error_page, void *app, char *error, size_t error_size);
void http_server_stop(struct http_server *server);

/* The first value of a query field, or NULL. */
const char *http_field(const struct http_request *request, const char *key);
/* The first value of a form field, or NULL. */
const char *http_form_field(const struct http_request *request, const char *key);

#endif
