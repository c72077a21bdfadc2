/*
 * web: the public website and JSON API on top of kb, assess and route.
 * Pages are rendered from web/templates with the texts of web/strings.json
 * and the weighing's words from text.h (so the site and the command line say
 * the same thing); pages that never change (home, privacy, poster, what
 * human trafficking is, the first step of the signal check) are rendered once
 * at start and shared; static files are read once and served with an ETag.
 * Nothing about the client is stored: the answers of the guide and the signal
 * check travel by POST between steps, there are no cookies. Opening states
 * are shown for the request's moment, or for [server] fixed_time.
 *
 * Layout (docs/architecture.md): web.c is the router with the one route
 * table; the page modules (web_static, web_public, web_guide, web_signals,
 * web_api, web_report) sit side by side under it and share web_page; routes
 * that touch the database are marked blocking and run in the worker pool.
 *
 * web_init() loads everything and reports the first problem in `error`.
 * After that a web is read-only and serves many threads at once.
 */
#ifndef MELDWIJZER_WEB_H
#define MELDWIJZER_WEB_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "http.h"
#include "kb.h"
#include "ratelimit.h"
#include "render.h"
#include "report.h"
#include "texts.h"
#include "texts.h"

#define WEB_MAX_STATIC 32
#define WEB_MAX_CACHED_PAGES 32

struct web_static_file {
	char url[128];
	char etag[24];
	struct http_cached *ok;
	struct http_cached *not_modified;
};

struct web_cached_page {
	size_t route;       /* index in web.c's route table */
	enum kb_lang lang;
	struct http_cached *page;
};

struct page_cache;

struct web {
	const struct kb *kb;
	const struct server_config *config;
	struct template_set *templates;
	struct texts texts;             /* web/strings.json, {key: text} per language (texts.h) */
	struct web_static_file statics[WEB_MAX_STATIC];
	size_t static_count;
	struct web_cached_page pages[WEB_MAX_CACHED_PAGES];
	size_t page_count;
	struct reporting *reporting;    /* online reports; NULL: not offered */
	struct staff *staff;            /* staff accounts and sessions (with reporting; else NULL) */
	struct ratelimit limits;
	struct page_cache *page_cache;  /* the guide's pages and the contacts API, per minute (page_cache.h) */
};

__attribute__((warn_unused_result)) int web_init(struct web *web, const struct kb *kb,
						 const struct server_config *config, struct reporting *reporting,
						 char *error, size_t error_size);
void web_release(struct web *web);

/* The http_handler and http_error_page for http_server_start(). */
void web_handle(void *app, const struct http_request *request, struct http_reply *reply);
void web_error_page(void *app, const struct http_request *request, unsigned status, struct http_reply *reply);

/* Whether [server] public_base_url can be reached from outside: false when it is unset (the default
 * http://127.0.0.1:8080), a loopback, unspecified, private or link-local address, "localhost", or a name
 * without a dot. The poster then prints no QR codes, and `serve` should warn at start. */
bool web_poster_url_is_public(const struct server_config *config);

/* Renders a page (no cache) into `reply`; exposed for tests of the cached pages. */
void web_render_path(struct web *web, const char *path, struct http_reply *reply);

#endif
