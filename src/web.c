/*
 * web: the router. One table says, for every address the site answers, which
 * methods it takes, whether it is a page or JSON, whether it is blocking (it
 * touches the database or waits for fsync: then it always runs in the worker
 * pool, handed there here and nowhere else), whether it needs online
 * reporting, whether its page is rendered once at start, and which handler
 * of which page module makes the answer. The checks every route shares live
 * here too, once: 404, 405 with Allow, 413 for a form over the limits, 415
 * for JSON routes sent something else. Nothing else happens in this file.
 */
#define _POSIX_C_SOURCE 200809L
#include "web.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "web_modules.h"

enum web_kind { WEB_PAGE, WEB_JSON };

struct web_route {
	enum http_method method; /* HTTP_GET (also answers HEAD) or HTTP_POST */
	const char *path;        /* pages: without the /en prefix (both languages); JSON: the whole path;
				  * ending in '*': every path that starts with what comes before it */
	enum web_kind kind;
	bool blocking;           /* database or fsync: run in the worker pool */
	bool needs_reporting;    /* only on a server that takes reports */
	bool cached;             /* a page rendered once at start, served as is when the query is empty */
	web_handler handler;
};

/* clang-format off */
static const struct web_route routes[] = {
	/* method     path                       kind      blocking reporting cached handler */
	{HTTP_GET,  "/",                         WEB_PAGE, false, false, true,  web_page_home},
	{HTTP_GET,  "/mensenhandel",             WEB_PAGE, false, false, true,  web_page_definition},
	{HTTP_GET,  "/contact",                  WEB_PAGE, false, false, false, web_page_contacts},
	{HTTP_GET,  "/privacy",                  WEB_PAGE, false, false, true,  web_page_privacy},
	{HTTP_GET,  "/poster",                   WEB_PAGE, false, false, true,  web_page_poster},
	{HTTP_GET,  "/wis-je-sporen",            WEB_PAGE, false, false, true,  web_page_traces},
	{HTTP_GET,  "/colofon",                  WEB_PAGE, false, false, true,  web_page_colophon},
	{HTTP_GET,  "/toegankelijkheid",         WEB_PAGE, false, false, true,  web_page_accessibility},
	{HTTP_GET,  "/wegwijzer",                WEB_PAGE, false, false, false, web_page_guide},
	{HTTP_POST, "/wegwijzer",                WEB_PAGE, false, false, false, web_page_guide},
	{HTTP_GET,  "/signalen",                 WEB_PAGE, false, false, true,  web_page_signals},
	{HTTP_POST, "/signalen",                 WEB_PAGE, false, false, false, web_page_signals},
	{HTTP_GET,  "/signalen/uitslag",         WEB_PAGE, false, false, false, web_page_signals_result},
	{HTTP_POST, "/signalen/uitslag",         WEB_PAGE, false, false, false, web_page_signals_result},
	{HTTP_GET,  "/melden",                   WEB_PAGE, false, true,  false, web_report_form},
	{HTTP_POST, "/melden",                   WEB_PAGE, true,  true,  false, web_report_submit},
	{HTTP_POST, "/melden/code",              WEB_PAGE, false, true,  false, web_report_code_file},
	{HTTP_POST, "/melden/bewaard",           WEB_PAGE, false, true,  false, web_report_saved},
	{HTTP_GET,  "/opvolgen",                 WEB_PAGE, false, true,  false, web_followup_form},
	{HTTP_POST, "/opvolgen",                 WEB_PAGE, true,  true,  false, web_followup_open},
	{HTTP_POST, "/opvolgen/bericht",         WEB_PAGE, true,  true,  false, web_followup_message},
	{HTTP_GET,  "/static/*",                 WEB_PAGE, false, false, false, web_static_file},
	{HTTP_POST, "/api/v1/route",             WEB_JSON, false, false, false, web_api_route},
	{HTTP_POST, "/api/v1/assess",            WEB_JSON, false, false, false, web_api_assess},
	{HTTP_GET,  "/api/v1/signals",           WEB_JSON, false, false, false, web_api_signals},
	{HTTP_GET,  "/api/v1/contacts",          WEB_JSON, false, false, false, web_api_contacts},
	{HTTP_GET,  "/healthz",                  WEB_JSON, false, false, false, web_api_health},
	{HTTP_POST, "/api/v1/reports",           WEB_JSON, true,  true,  false, web_api_report_submit},
	{HTTP_POST, "/api/v1/followup",          WEB_JSON, true,  true,  false, web_api_followup_login},
	{HTTP_GET,  "/api/v1/followup",          WEB_JSON, true,  true,  false, web_api_followup_read},
	{HTTP_POST, "/api/v1/followup/messages", WEB_JSON, true,  true,  false, web_api_followup_message},
};
/* clang-format on */
#define ROUTE_COUNT (sizeof routes / sizeof *routes)

/* Static files and JSON have one address; pages have a Dutch one and an English one under /en. */
static bool has_languages(const struct web_route *route)
{
	return route->kind == WEB_PAGE && route->handler != web_static_file;
}

static bool path_matches(const struct web_route *route, const char *path, const char *rest, bool english)
{
	const char *against = has_languages(route) ? rest : english ? NULL : path;
	if (!against)
		return false;
	size_t len = strlen(route->path);
	if (len && route->path[len - 1] == '*')
		return strncmp(against, route->path, len - 1) == 0;
	return strcmp(against, route->path) == 0;
}

static bool method_matches(const struct web_route *route, enum http_method method)
{
	return route->method == method || (route->method == HTTP_GET && method == HTTP_HEAD);
}

/* The route for a request: NULL with *status 404 or 405 (and the methods the path takes in `allow`). */
static const struct web_route *find_route(const struct web *web, const struct http_request *request,
					  enum kb_lang *lang, unsigned *status, const char **allow)
{
	const char *rest;
	*lang = web_split_language(request->path, &rest);
	bool english = rest != request->path;
	bool get = false, post = false;
	for (size_t i = 0; i < ROUTE_COUNT; i++) {
		const struct web_route *route = &routes[i];
		if (!path_matches(route, request->path, rest, english) || (route->needs_reporting && !web->reporting))
			continue;
		if (method_matches(route, request->method))
			return route;
		get = get || route->method == HTTP_GET;
		post = post || route->method == HTTP_POST;
	}
	*status = get || post ? 405 : 404;
	*allow = get && post ? "GET, HEAD, POST" : get ? "GET, HEAD" : "POST";
	if (*status == 404 && !web->reporting) {
		/* an address of online reporting on a server that takes no reports: the API says why */
		for (size_t i = 0; i < ROUTE_COUNT; i++) {
			if (routes[i].needs_reporting && routes[i].kind == WEB_JSON &&
			    path_matches(&routes[i], request->path, rest, english))
				*status = 503;
		}
	}
	return NULL;
}

static bool is_json_body(const struct http_request *request)
{
	const char *type = request->content_type;
	if (!type || strncmp(type, "application/json", 16) != 0)
		return false;
	return type[16] == '\0' || type[16] == ';' || type[16] == ' ';
}

static const struct http_cached *cached_page(const struct web *web, const struct web_route *route, enum kb_lang lang)
{
	for (size_t i = 0; i < web->page_count; i++) {
		if (web->pages[i].route == (size_t)(route - routes) && web->pages[i].lang == lang)
			return web->pages[i].page;
	}
	return NULL;
}

/* Runs in a worker thread: the handler of a blocking route, found again from the request. */
static void run_blocking(void *app, const struct http_request *request, struct http_reply *reply)
{
	struct web *web = app;
	enum kb_lang lang;
	unsigned status = 0;
	const char *allow = NULL;
	reply->deferred = NULL;
	const struct web_route *route = find_route(web, request, &lang, &status, &allow);
	if (route)
		route->handler(web, lang, request, reply);
	else
		web_error_page(web, request, 500, reply); /* cannot happen: web_handle found it */
}

void web_handle(void *app, const struct http_request *request, struct http_reply *reply)
{
	struct web *web = app;
	enum kb_lang lang;
	unsigned status = 0;
	const char *allow = NULL;
	const struct web_route *route = find_route(web, request, &lang, &status, &allow);
	if (!route) {
		if (status == 503) {
			web_reply_json_error(reply, 503, "online reporting is not available here");
			return;
		}
		web_error_page(web, request, status, reply);
		if (status == 405)
			reply->allow = allow;
		return;
	}
	if (request->method == HTTP_POST && route->kind == WEB_PAGE && request->form_overflow) {
		web_error_page(web, request, 413, reply);
		return;
	}
	if (request->method == HTTP_POST && route->kind == WEB_JSON && !is_json_body(request)) {
		web_error_page(web, request, 415, reply);
		return;
	}
	if (route->cached && request->field_count == 0) {
		const struct http_cached *page = cached_page(web, route, lang);
		if (page) {
			reply->cached = page;
			return;
		}
	}
	if (route->blocking) {
		reply->deferred = run_blocking; /* http.c queues it; a full queue answers 503 */
		return;
	}
	route->handler(web, lang, request, reply);
}

void web_render_path(struct web *web, const char *path, struct http_reply *reply)
{
	struct http_request request = {.method = HTTP_GET, .path = path, .now = (int64_t)time(NULL)};
	enum kb_lang lang;
	unsigned status = 0;
	const char *allow = NULL;
	const struct web_route *route = find_route(web, &request, &lang, &status, &allow);
	if (route && !route->blocking)
		route->handler(web, lang, &request, reply);
	else
		web_error_page(web, &request, route ? 500 : status, reply);
}

/* Renders every cached route once per language (their content depends on nothing in a request). */
static int cache_pages(struct web *web, char *error, size_t error_size)
{
	for (size_t i = 0; i < ROUTE_COUNT; i++) {
		if (!routes[i].cached)
			continue;
		for (int l = 0; l < KB_LANG_COUNT; l++) {
			if (web->page_count == WEB_MAX_CACHED_PAGES) {
				snprintf(error, error_size, "more cached pages than WEB_MAX_CACHED_PAGES");
				return -1;
			}
			struct http_request request = {.method = HTTP_GET, .path = routes[i].path, .now = (int64_t)time(NULL)};
			struct http_reply reply = {.status = 200};
			strbuf_init(&reply.body, WEB_PAGE_CAP);
			routes[i].handler(web, (enum kb_lang)l, &request, &reply);
			struct http_cached *page = reply.status == 200 && !reply.secret_body
							   ? http_cached_create(200, web_html_type, reply.body.buf,
										reply.body.len, false, NULL)
							   : NULL;
			strbuf_release(&reply.body);
			if (!page) {
				snprintf(error, error_size, "page %s (%s) cannot be rendered", routes[i].path,
					 kb_lang_id((enum kb_lang)l));
				return -1;
			}
			web->pages[web->page_count++] = (struct web_cached_page){i, (enum kb_lang)l, page};
		}
	}
	return 0;
}

int web_init(struct web *web, const struct kb *kb, const struct server_config *config, struct reporting *reporting,
	     char *error, size_t error_size)
{
	memset(web, 0, sizeof *web);
	web->kb = kb;
	web->config = config;
	web->reporting = reporting;
	ratelimit_init(&web->limits, config->submissions_per_hour, config->receipt_attempts_per_hour);
	char path[CONFIG_TEXT_SIZE + 32];
	char render_error[RENDER_ERROR_SIZE];
	snprintf(path, sizeof path, "%s/templates", config->web_dir);
	if (template_set_load(&web->templates, path, render_error)) {
		snprintf(error, error_size, "%s", render_error);
		goto fail;
	}
	snprintf(path, sizeof path, "%s/strings.json", config->web_dir);
	if (web_texts_load(web, path, error, error_size))
		goto fail;
	snprintf(path, sizeof path, "%s/static", config->web_dir);
	if (web_static_load(web, path, error, error_size) || cache_pages(web, error, error_size))
		goto fail;
	return 0;
fail:
	web_release(web);
	return -1;
}

void web_release(struct web *web)
{
	ratelimit_release(&web->limits);
	template_set_free(web->templates);
	for (int l = 0; l < KB_LANG_COUNT; l++)
		json_decref(web->texts[l]);
	web_static_release(web);
	for (size_t i = 0; i < web->page_count; i++)
		http_cached_free(web->pages[i].page);
	memset(web, 0, sizeof *web);
}
