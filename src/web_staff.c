/* web_staff: the advice point's back office under /team/ (English /en/team/): signing in with name,
 * password and a code from an authenticator app, signing out, and the start page. Every route here
 * is a staff route in web.c's table: the router has already found the session, checked the role,
 * the origin and (for a POST with a session) the CSRF token. Pages carry noindex and no-store
 * (http sets no-store on every page), and nothing here uses JavaScript. */
#define _POSIX_C_SOURCE 200809L
#include "web_modules.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "staff.h"

#define COOKIE_SECURE_NAME "__Host-team"
#define COOKIE_PLAIN_NAME "team"

/* Secure cookies need https, which browsers also grant to the loopback addresses; only a server on
 * plain http elsewhere (a test network) gets a cookie without Secure, and then without the __Host-
 * prefix, which requires Secure. */
static bool cookie_secure(const struct web *web)
{
	const char *url = web->config->public_base_url;
	if (strncasecmp(url, "https://", 8) == 0)
		return true;
	static const char *const loopbacks[] = {"http://127.", "http://localhost", "http://[::1]"};
	for (size_t i = 0; i < sizeof loopbacks / sizeof *loopbacks; i++) {
		if (strncasecmp(url, loopbacks[i], strlen(loopbacks[i])) == 0)
			return true;
	}
	return false;
}

const char *web_staff_cookie_name(const struct web *web)
{
	return cookie_secure(web) ? COOKIE_SECURE_NAME : COOKIE_PLAIN_NAME;
}

static void set_session_cookie(const struct web *web, const char *token, struct http_reply *reply)
{
	/* no Max-Age: the browser forgets it when it closes; the server ends it after 30 idle minutes or
	 * 10 hours whatever the browser keeps */
	snprintf(reply->set_cookie, sizeof reply->set_cookie, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s",
		 web_staff_cookie_name(web), token, cookie_secure(web) ? "; Secure" : "");
}

static void clear_session_cookie(const struct web *web, struct http_reply *reply)
{
	snprintf(reply->set_cookie, sizeof reply->set_cookie, "%s=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict%s",
		 web_staff_cookie_name(web), cookie_secure(web) ? "; Secure" : "");
}

/* After a form that changed something: 303 to the start page (Post/Redirect/Get; the staff pages hold
 * nothing that must stay out of an address). */
static void see_start_page(enum kb_lang lang, struct http_reply *reply)
{
	reply->status = 303;
	reply->location = lang == KB_LANG_EN ? "/en/team/" : "/team/";
}

const char *web_staff_session_token(const struct web *web, const struct http_request *request, char *out, size_t size)
{
	const char *name = web_staff_cookie_name(web);
	size_t name_len = strlen(name);
	for (const char *p = request->cookie; p && *p;) {
		while (*p == ' ' || *p == ';')
			p++;
		size_t len = strcspn(p, ";");
		if (len > name_len && strncmp(p, name, name_len) == 0 && p[name_len] == '=' && len - name_len - 1 < size) {
			snprintf(out, size, "%.*s", (int)(len - name_len - 1), p + name_len + 1);
			return out;
		}
		p += len;
	}
	return NULL;
}

static json_t *team_context(struct web *web, enum kb_lang lang, const char *path, const char *title_key)
{
	json_t *context = web_page_context(web, lang, path, NULL, title_key, NULL);
	if (context && json_object_set_new(context, "team", json_true())) {
		json_decref(context);
		return NULL;
	}
	return context;
}

void web_staff_login_page(struct web *web, enum kb_lang lang, const struct http_request *request,
			  const char *error_key, unsigned status, struct http_reply *reply)
{
	json_t *context = team_context(web, lang, "/team/", "team_login_title");
	char token[CRYPT_FORM_TOKEN_SIZE];
	crypt_keys_form_token(reporting_keys(web->reporting), request->now, token);
	json_t *page = json_pack("{s:s}", "csrf", token);
	if (page && error_key) {
		if (json_object_set_new(page, "error", json_string(web_text(web, lang, error_key))) ||
		    !web_add_error(web, lang, context, "name", web_text(web, lang, error_key))) {
			json_decref(page);
			page = NULL;
		}
	}
	if (context && json_object_set_new(context, "page", page)) {
		json_decref(context);
		context = NULL;
	}
	web_render(web, "team_login", context, status, reply);
}

/* GET /team/: the login form without a session; with one, the start page. */
void web_staff_home(struct web *web, enum kb_lang lang, const struct http_request *request,
		    const struct staff_session *session, struct http_reply *reply)
{
	if (!session) {
		web_staff_login_page(web, lang, request, NULL, 200, reply);
		return;
	}
	json_t *context = team_context(web, lang, "/team/", "team_home_title");
	char roles[STAFF_ROLES_TEXT_SIZE];
	staff_roles_text(session->roles, roles);
	json_t *page = json_pack("{s:s, s:s, s:s, s:b, s:b}", "name", session->name, "roles", roles, "csrf",
				 session->csrf, "admin", (session->roles & STAFF_ROLE_ADMIN) != 0, "content",
				 (session->roles & STAFF_CONTENT_ROLES) != 0);
	if (context && json_object_set_new(context, "page", page)) {
		json_decref(context);
		context = NULL;
	}
	web_render(web, "team_home", context, 200, reply);
}

/* POST /team/inloggen: name, password and code; one answer for every wrong part. */
void web_staff_login(struct web *web, enum kb_lang lang, const struct http_request *request,
		     const struct staff_session *session, struct http_reply *reply)
{
	(void)session; /* signing in again while signed in starts a new session */
	if (!crypt_keys_form_token_valid(reporting_keys(web->reporting), request->now, http_form_field(request, "csrf"))) {
		web_staff_login_page(web, lang, request, "report_error_expired", 403, reply);
		return;
	}
	const char *name = http_form_field(request, "name");
	const char *password = http_form_field(request, "password");
	const char *code = http_form_field(request, "code");
	char token[CRYPT_TOKEN_SIZE];
	unsigned retry_after = 0;
	int result = name && password && code && strlen(password) <= STAFF_PASSWORD_MAX
			     ? staff_login(web->staff, name, password, code, request->client_tag, request->now, token,
					   &retry_after)
			     : STAFF_LOGIN_FAILED;
	if (result == STAFF_OK) {
		set_session_cookie(web, token, reply);
		crypt_wipe(token, sizeof token);
		see_start_page(lang, reply);
	} else if (result == STAFF_THROTTLED) {
		reply->retry_after = retry_after;
		web_staff_login_page(web, lang, request, "team_login_throttled", 429, reply);
	} else if (result == STAFF_LOGIN_FAILED) {
		web_staff_login_page(web, lang, request, "team_login_failed", 401, reply);
	} else {
		web_error_page(web, request, 500, reply);
	}
}

/* POST /team/uitloggen: ends the session here and on every server (it lives in the database). */
void web_staff_logout(struct web *web, enum kb_lang lang, const struct http_request *request,
		      const struct staff_session *session, struct http_reply *reply)
{
	(void)session;
	char token[CRYPT_TOKEN_SIZE + 8];
	bool has_token = web_staff_session_token(web, request, token, sizeof token) != NULL;
	int status = has_token ? staff_session_end(web->staff, token, request->now) : 0;
	crypt_wipe(token, sizeof token);
	if (status) {
		web_error_page(web, request, 500, reply);
		return;
	}
	clear_session_cookie(web, reply);
	see_start_page(lang, reply);
}
