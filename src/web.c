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

#include "audit.h"
#include "crypt.h"
#include "page_cache.h"
#include "staff.h"
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
	web_handler handler;     /* public routes */
	/* Staff routes (the back office, /team/...): the roles of which a session must hold at least one
	 * (WEB_STAFF_ANY: any signed-in account), the English path when it differs (after /en), and the
	 * handler that gets the session. The router finds the session, refuses a wrong role (403, on the
	 * audit log) and checks every POST's CSRF token and origin; a handler never does. Staff routes are
	 * always blocking (the session lives in the database). */
	unsigned roles;
	const char *path_en;
	web_staff_handler staff_handler;
};

/* clang-format off */
static const struct web_route routes[] = {
	/* method     path                       kind      blocking reporting cached handler (public), then for staff:
	 * roles, English path, staff handler */
	{HTTP_GET,  "/",                         WEB_PAGE, false, false, true,  web_page_home, 0, NULL, NULL},
	{HTTP_GET,  "/mensenhandel",             WEB_PAGE, false, false, true,  web_page_definition, 0, NULL, NULL},
	{HTTP_GET,  "/contact",                  WEB_PAGE, false, false, false, web_page_contacts, 0, NULL, NULL},
	{HTTP_GET,  "/privacy",                  WEB_PAGE, false, false, true,  web_page_privacy, 0, NULL, NULL},
	{HTTP_GET,  "/poster",                   WEB_PAGE, false, false, true,  web_page_poster, 0, NULL, NULL},
	{HTTP_GET,  "/wis-je-sporen",            WEB_PAGE, false, false, true,  web_page_traces, 0, NULL, NULL},
	{HTTP_GET,  "/colofon",                  WEB_PAGE, false, false, true,  web_page_colophon, 0, NULL, NULL},
	{HTTP_GET,  "/toegankelijkheid",         WEB_PAGE, false, false, true,  web_page_accessibility, 0, NULL, NULL},
	{HTTP_GET,  "/wegwijzer",                WEB_PAGE, false, false, false, web_page_guide, 0, NULL, NULL},
	{HTTP_POST, "/wegwijzer",                WEB_PAGE, false, false, false, web_page_guide, 0, NULL, NULL},
	{HTTP_GET,  "/signalen",                 WEB_PAGE, false, false, true,  web_page_signals, 0, NULL, NULL},
	{HTTP_POST, "/signalen",                 WEB_PAGE, false, false, false, web_page_signals, 0, NULL, NULL},
	{HTTP_GET,  "/signalen/uitslag",         WEB_PAGE, false, false, false, web_page_signals_result, 0, NULL, NULL},
	{HTTP_POST, "/signalen/uitslag",         WEB_PAGE, false, false, false, web_page_signals_result, 0, NULL, NULL},
	{HTTP_GET,  "/melden",                   WEB_PAGE, false, true,  false, web_report_form, 0, NULL, NULL},
	{HTTP_POST, "/melden",                   WEB_PAGE, true,  true,  false, web_report_submit, 0, NULL, NULL},
	{HTTP_POST, "/melden/code",              WEB_PAGE, false, true,  false, web_report_code_file, 0, NULL, NULL},
	{HTTP_POST, "/melden/bewaard",           WEB_PAGE, false, true,  false, web_report_saved, 0, NULL, NULL},
	{HTTP_GET,  "/opvolgen",                 WEB_PAGE, false, true,  false, web_followup_form, 0, NULL, NULL},
	{HTTP_POST, "/opvolgen",                 WEB_PAGE, true,  true,  false, web_followup_open, 0, NULL, NULL},
	{HTTP_POST, "/opvolgen/bericht",         WEB_PAGE, true,  true,  false, web_followup_message, 0, NULL, NULL},
	{HTTP_GET,  "/opvolgen/intrekken",       WEB_PAGE, false, true,  false, web_withdraw_form, 0, NULL, NULL},
	{HTTP_POST, "/opvolgen/intrekken",       WEB_PAGE, true,  true,  false, web_withdraw_submit, 0, NULL, NULL},
	{HTTP_GET,  "/static/*",                 WEB_PAGE, false, false, false, web_static_file, 0, NULL, NULL},
	{HTTP_POST, "/api/v1/route",             WEB_JSON, false, false, false, web_api_route, 0, NULL, NULL},
	{HTTP_POST, "/api/v1/assess",            WEB_JSON, false, false, false, web_api_assess, 0, NULL, NULL},
	{HTTP_GET,  "/api/v1/signals",           WEB_JSON, false, false, false, web_api_signals, 0, NULL, NULL},
	{HTTP_GET,  "/api/v1/contacts",          WEB_JSON, false, false, false, web_api_contacts, 0, NULL, NULL},
	{HTTP_GET,  "/healthz",                  WEB_JSON, false, false, false, web_api_health, 0, NULL, NULL},
	{HTTP_POST, "/api/v1/reports",           WEB_JSON, true,  true,  false, web_api_report_submit, 0, NULL, NULL},
	{HTTP_POST, "/api/v1/followup",          WEB_JSON, true,  true,  false, web_api_followup_login, 0, NULL, NULL},
	{HTTP_GET,  "/api/v1/followup",          WEB_JSON, true,  true,  false, web_api_followup_read, 0, NULL, NULL},
	{HTTP_POST, "/api/v1/followup/messages", WEB_JSON, true,  true,  false, web_api_followup_message, 0, NULL, NULL},
	{HTTP_POST, "/api/v1/withdraw",          WEB_JSON, true,  true,  false, web_api_withdraw, 0, NULL, NULL},
	/* the back office: staff routes (roles, English path, staff handler) */
	{HTTP_GET,  "/team/",                    WEB_PAGE, true,  true,  false, NULL, WEB_STAFF_OPEN, NULL, web_staff_home},
	{HTTP_POST, "/team/inloggen",            WEB_PAGE, true,  true,  false, NULL, WEB_STAFF_OPEN, "/team/sign-in", web_staff_login},
	{HTTP_POST, "/team/uitloggen",           WEB_PAGE, true,  true,  false, NULL, WEB_STAFF_ANY,  "/team/sign-out", web_staff_logout},
	{HTTP_GET,  "/team/activeren",           WEB_PAGE, true,  true,  false, NULL, WEB_STAFF_OPEN, "/team/activate", web_staff_activate_form},
	{HTTP_POST, "/team/activeren",           WEB_PAGE, true,  true,  false, NULL, WEB_STAFF_OPEN, "/team/activate", web_staff_activate},
	{HTTP_GET,  "/team/accounts",            WEB_PAGE, true,  true,  false, NULL, STAFF_ROLE_ADMIN, NULL, web_staff_accounts},
	{HTTP_GET,  "/team/accounts/nieuw",      WEB_PAGE, true,  true,  false, NULL, STAFF_ROLE_ADMIN, "/team/accounts/new", web_staff_account_form},
	{HTTP_POST, "/team/accounts/nieuw",      WEB_PAGE, true,  true,  false, NULL, STAFF_ROLE_ADMIN, "/team/accounts/new", web_staff_account_create},
	{HTTP_POST, "/team/accounts/uitzetten",  WEB_PAGE, true,  true,  false, NULL, STAFF_ROLE_ADMIN, "/team/accounts/disable", web_staff_account_disable},
	{HTTP_POST, "/team/accounts/2fa-opnieuw", WEB_PAGE, true,  true,  false, NULL, STAFF_ROLE_ADMIN, "/team/accounts/reset-2fa", web_staff_account_reset},
	{HTTP_GET,  "/team/logboek",             WEB_PAGE, true,  true,  false, NULL, STAFF_ROLE_ADMIN, "/team/audit-log", web_staff_audit},
	{HTTP_GET,  "/team/zaken",               WEB_PAGE, true,  true,  false, NULL, STAFF_CONTENT_ROLES, "/team/cases", web_cases_queue},
	{HTTP_GET,  "/team/zaak",                WEB_PAGE, true,  true,  false, NULL, STAFF_CONTENT_ROLES, "/team/case", web_cases_case},
	{HTTP_POST, "/team/zaak/antwoord",       WEB_PAGE, true,  true,  false, NULL, STAFF_CONTENT_ROLES, "/team/case/answer", web_cases_answer},
	{HTTP_POST, "/team/zaak/notitie",        WEB_PAGE, true,  true,  false, NULL, STAFF_CONTENT_ROLES, "/team/case/note", web_cases_note},
	{HTTP_POST, "/team/zaak/toewijzen",      WEB_PAGE, true,  true,  false, NULL, STAFF_CONTENT_ROLES, "/team/case/assign", web_cases_assign},
	{HTTP_POST, "/team/zaak/status",         WEB_PAGE, true,  true,  false, NULL, STAFF_CONTENT_ROLES, "/team/case/status", web_cases_status},
	{HTTP_POST, "/team/zaak/doorverwijzen",  WEB_PAGE, true,  true,  false, NULL, STAFF_CONTENT_ROLES, "/team/case/refer", web_cases_refer},
	{HTTP_GET,  "/team/zaak/overdracht",     WEB_PAGE, true,  true,  false, NULL, STAFF_CONTENT_ROLES, "/team/case/handover", web_cases_handover},
	{HTTP_POST, "/team/zaak/bewaren",        WEB_PAGE, true,  true,  false, NULL, STAFF_CONTENT_ROLES, "/team/case/keep", web_cases_retention},
	{HTTP_GET,  "/team/telefoon",            WEB_PAGE, true,  true,  false, NULL, STAFF_CONTENT_ROLES, "/team/phone", web_cases_intake_form},
	{HTTP_POST, "/team/telefoon",            WEB_PAGE, true,  true,  false, NULL, STAFF_CONTENT_ROLES, "/team/phone", web_cases_intake},
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
	const char *pattern = english && route->path_en ? route->path_en : route->path;
	size_t len = strlen(pattern);
	if (len && pattern[len - 1] == '*')
		return strncmp(against, pattern, len - 1) == 0;
	return strcmp(against, pattern) == 0;
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
		if (!path_matches(route, request->path, rest, english) || (route->needs_reporting && !web->reporting) ||
		    (route->roles && !web->staff))
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

/* In a worker: the session, the role check, the CSRF check of a POST, then the handler. Without a
 * session a staff page shows the login form (the handler gets a NULL session only when the route
 * takes everyone: WEB_STAFF_OPEN). */
static void run_staff_route(struct web *web, const struct web_route *route, enum kb_lang lang,
			    const struct http_request *request, struct http_reply *reply)
{
	char token[CRYPT_TOKEN_SIZE + 8];
	struct staff_session session;
	bool has_session = false;
	int found = web_staff_session_token(web, request, token, sizeof token)
			    ? staff_session_find(web->staff, token, request->now, &session)
			    : 1;
	if (found < 0) {
		web_error_page(web, request, 500, reply);
		goto done;
	}
	has_session = found == 0;
	if (request->method == HTTP_POST && !web_from_this_site(request)) {
		web_error_page(web, request, 403, reply);
		goto done;
	}
	if (route->roles != WEB_STAFF_OPEN) {
		if (!has_session) {
			web_staff_login_page(web, lang, request, NULL, 401, reply);
			goto done;
		}
		if (!(session.roles & route->roles)) {
			/* on record: someone looked where their role does not reach */
			if (audit_append(web->reporting->db, request->now, session.name, "denied", route->path))
				web_error_page(web, request, 500, reply);
			else
				web_error_page(web, request, 403, reply);
			goto done;
		}
		if (request->method == HTTP_POST && !staff_session_csrf_valid(&session, http_form_field(request, "csrf"))) {
			web_error_page(web, request, 403, reply);
			goto done;
		}
		if (staff_session_touch(web->staff, token, request->now) < 0) {
			web_error_page(web, request, 500, reply);
			goto done;
		}
	}
	route->staff_handler(web, lang, request, has_session ? &session : NULL, reply);
done:
	if (has_session)
		staff_session_release(&session);
	crypt_wipe(token, sizeof token);
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
	if (!route)
		web_error_page(web, request, 500, reply); /* cannot happen: web_handle found it */
	else if (route->roles)
		run_staff_route(web, route, lang, request, reply);
	else
		route->handler(web, lang, request, reply);
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
	if (route->roles) {
		web_error_page(web, request, 500, reply); /* a staff route must be blocking: the table is wrong */
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
	if (route && !route->blocking && route->handler)
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
	if (reporting && !(web->staff = staff_new(reporting->db))) {
		snprintf(error, error_size, "out of memory for the staff logins");
		return -1;
	}
	ratelimit_init(&web->limits, config->submissions_per_hour, config->receipt_attempts_per_hour);
	if (!(web->page_cache = page_cache_new())) {
		snprintf(error, error_size, "out of memory for the page cache");
		goto fail;
	}
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
	staff_free(web->staff);
	ratelimit_release(&web->limits);
	template_set_free(web->templates);
	texts_release(&web->texts);
	web_static_release(web);
	page_cache_free(web->page_cache);
	for (size_t i = 0; i < web->page_count; i++)
		http_cached_free(web->pages[i].page);
	memset(web, 0, sizeof *web);
}
