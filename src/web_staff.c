/* web_staff: the advice point's back office under /team/ (English /en/team/): signing in with name,
 * password and a code from an authenticator app, signing out, the start page, activating an account
 * (choose a password, enrol TOTP), the admin's account pages and the audit log. Every route here
 * is a staff route in web.c's table: the router has already found the session, checked the role,
 * the origin and (for a POST with a session) the CSRF token. Pages carry noindex and no-store
 * (http sets no-store on every page), and nothing here uses JavaScript. */
#define _POSIX_C_SOURCE 200809L
#include "web_modules.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "audit.h"
#include "hours.h"
#include "qr.h"
#include "staff.h"
#include "timefmt.h"
#include "totp.h"

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
	snprintf(reply->location, sizeof reply->location, "%s", lang == KB_LANG_EN ? "/en/team/" : "/team/");
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

static json_t *team_context(struct web *web, enum kb_lang lang, const char *path, const char *title_key,
			    const struct staff_session *session)
{
	return web_team_context(web_page_context(web, lang, path, NULL, title_key, NULL), session);
}

void web_staff_login_page(struct web *web, enum kb_lang lang, const struct http_request *request,
			  const char *error_key, unsigned status, struct http_reply *reply)
{
	json_t *context = team_context(web, lang, "/team/", "team_login_title", NULL);
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
	json_t *context = team_context(web, lang, "/team/", "team_home_title", session);
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

/* ---------- what the pages below share ---------- */

static enum kb_lang other_language(enum kb_lang lang)
{
	return lang == KB_LANG_NL ? KB_LANG_EN : KB_LANG_NL;
}

/* A team page whose language switch leads to the same page in the other language: `path_key` is the
 * strings.json key of its path after /team/ (the texts hold the paths, as for signing in). */
static json_t *team_page_context(struct web *web, enum kb_lang lang, const char *path_key, const char *title_key,
				 const struct staff_session *session)
{
	char path[96];
	snprintf(path, sizeof path, "/team/%s", web_text(web, other_language(lang), path_key));
	return team_context(web, lang, path, title_key, session);
}

/* Puts `page` into `context`; NULL (and both released) when either is missing. */
static json_t *with_page(json_t *context, json_t *page)
{
	if (!page || json_object_set_new(context, "page", page)) {
		json_decref(context);
		return NULL;
	}
	return context;
}

/* A problem with a form: the id of the field it is about (or NULL) and what to do, in words. */
struct problem {
	const char *field;
	const char *text;
};

/* Each problem into the error summary (first in <main>) and beside its field (page.field_errors). */
static void add_problems(struct web *web, enum kb_lang lang, json_t *context, json_t *page,
			 const struct problem *problems, size_t count)
{
	if (!context || !page || count == 0)
		return;
	json_t *fields = json_object();
	for (size_t i = 0; i < count; i++) {
		web_add_error(web, lang, context, problems[i].field, problems[i].text);
		if (problems[i].field && !json_object_get(fields, problems[i].field))
			json_object_set_new(fields, problems[i].field, json_string(problems[i].text));
	}
	json_object_set_new(page, "field_errors", fields);
}

/* A typed account name as accounts have it: spaces around it dropped and capitals made small (a
 * phone starts a field with a capital). False when it cannot be an account name. */
static bool typed_account_name(const char *typed, char out[DB_STAFF_NAME_SIZE])
{
	out[0] = '\0';
	if (!typed)
		return false;
	while (*typed == ' ')
		typed++;
	size_t len = strlen(typed);
	while (len && typed[len - 1] == ' ')
		len--;
	if (len == 0 || len >= DB_STAFF_NAME_SIZE)
		return false;
	for (size_t i = 0; i < len; i++)
		out[i] = typed[i] >= 'A' && typed[i] <= 'Z' ? (char)(typed[i] - 'A' + 'a') : typed[i];
	out[len] = '\0';
	return staff_name_valid(out);
}

/* "casusbehandelaar, beheerder": the roles in the page's language. */
static void roles_in_words(struct web *web, enum kb_lang lang, unsigned roles, char *out, size_t size)
{
	static const char *const keys[] = {"team_role_caseworker", "team_role_coordinator", "team_role_analyst",
					   "team_role_admin"};
	size_t used = 0;
	out[0] = '\0';
	for (unsigned i = 0; i < sizeof keys / sizeof *keys; i++) {
		if (!(roles & (1u << i)))
			continue;
		int n = snprintf(out + used, size - used, "%s%s", used ? ", " : "", web_text(web, lang, keys[i]));
		if (n < 0 || (size_t)n >= size - used)
			break;
		used += (size_t)n;
	}
}

/* "dinsdag 3 december 2026, 11:00" in Amsterdam time. */
static void moment_in_words(struct web *web, enum kb_lang lang, int64_t when, int64_t now, char *out, size_t size)
{
	struct civil_time local;
	amsterdam_civil(when, &local);
	char day[16], words[96];
	snprintf(day, sizeof day, "%04d-%02d-%02d", local.year, local.month, local.day);
	web_day_in_words(web, lang, day, true, now, words, sizeof words);
	snprintf(out, size, "%s, %02d:%02d", words, local.hour, local.minute);
}

/* ---------- activating an account: name and code, then password and authenticator app ---------- */

/* Step 1: the name and the activation code. `secret` (base32) when the person has already added a
 * secret to their app (the code did not fit at step 2): it goes round again, so the app stays right. */
static void render_activation_start(struct web *web, enum kb_lang lang, const struct http_request *request,
				    const char *name, const char *code, const char *secret,
				    const struct problem *problems, size_t count, unsigned status,
				    struct http_reply *reply)
{
	json_t *context = team_page_context(web, lang, "team_path_activate", "team_activate_title", NULL);
	char token[CRYPT_FORM_TOKEN_SIZE];
	crypt_keys_form_token(reporting_keys(web->reporting), request->now, token);
	json_t *page = json_pack("{s:s, s:s, s:s}", "csrf", token, "name", name ? name : "", "activation",
				 code ? code : "");
	if (page && secret)
		json_object_set_new(page, "secret", json_string(secret));
	add_problems(web, lang, context, page, problems, count);
	web_render_secret(web, "team_activate", with_page(context, page), status, reply);
}

/* Step 2: choose a password, add the secret to an authenticator app (QR code or typed), give a code.
 * The secret travels in a hidden field of this form and nowhere else (no address, no storage): it is
 * shown on this page anyway. */
static void render_enrolment(struct web *web, enum kb_lang lang, const struct http_request *request, const char *name,
			     const char *code, const unsigned char secret[TOTP_SECRET_BYTES],
			     const struct problem *problems, size_t count, unsigned status, struct http_reply *reply)
{
	char base32[TOTP_BASE32_SIZE], shown[TOTP_BASE32_SIZE + TOTP_BASE32_SIZE / 4], uri[TOTP_URI_SIZE];
	char token[CRYPT_FORM_TOKEN_SIZE];
	struct strbuf svg;
	strbuf_init_wiped(&svg, 64u * 1024u);
	json_t *context = team_page_context(web, lang, "team_path_activate", "team_enrol_title", NULL);
	json_t *page = NULL;
	if (totp_secret_base32(secret, base32) == 0 &&
	    totp_uri(secret, web_text(web, lang, "site_name"), name, uri) == 0 &&
	    qr_svg(&svg, uri, web_text(web, lang, "team_enrol_qr_label")) == 0) {
		/* in groups of four, as apps show keys typed by hand */
		size_t used = 0;
		for (size_t i = 0; base32[i]; i++) {
			if (i && i % 4 == 0)
				shown[used++] = ' ';
			shown[used++] = base32[i];
		}
		shown[used] = '\0';
		crypt_keys_form_token(reporting_keys(web->reporting), request->now, token);
		page = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s%}", "csrf", token, "name", name, "activation", code,
				 "secret", base32, "secret_shown", shown, "qr", svg.buf, svg.len);
	}
	add_problems(web, lang, context, page, problems, count);
	web_render_secret(web, "team_enrol", with_page(context, page), status, reply);
	crypt_wipe(base32, sizeof base32);
	crypt_wipe(shown, sizeof shown);
	crypt_wipe(uri, sizeof uri);
	strbuf_release(&svg);
}

/* GET /team/activeren: step 1. */
void web_staff_activate_form(struct web *web, enum kb_lang lang, const struct http_request *request,
			     const struct staff_session *session, struct http_reply *reply)
{
	(void)session;
	render_activation_start(web, lang, request, NULL, NULL, NULL, NULL, 0, 200, reply);
}

/* What step 2 reads, in guarded memory. */
struct enrolment {
	unsigned char secret[TOTP_SECRET_BYTES];
	char canonical[CRYPT_ACTIVATION_CHARS + 1];
	char name[DB_STAFF_NAME_SIZE];
};

/* POST /team/activeren, step 1: a name and a code that can be a code lead to step 2 with a new
 * secret. Whether they belong together is known only at the end (staff_activate checks the code with
 * argon2id once, together with the rest). */
static void activation_code_step(struct web *web, enum kb_lang lang, const struct http_request *request,
				 struct enrolment *e, bool expired, struct http_reply *reply)
{
	const char *name = http_form_field(request, "name");
	const char *code = http_form_field(request, "activation");
	const char *secret = http_form_field(request, "secret");
	struct problem problems[3];
	size_t count = 0;
	if (expired)
		problems[count++] = (struct problem){NULL, web_text(web, lang, "team_error_expired")};
	bool name_ok = typed_account_name(name, e->name);
	if (!name_ok)
		problems[count++] = (struct problem){"name", web_text(web, lang, name && *name ? "team_error_name"
											    : "team_error_name_missing")};
	if (!crypt_normalize_activation_code(code ? code : "", e->canonical))
		problems[count++] = (struct problem){"activation", web_text(web, lang, code && *code
										      ? "team_error_activation_form"
										      : "team_error_activation_missing")};
	if (count) {
		render_activation_start(web, lang, request, name_ok ? e->name : name, code,
					secret && totp_secret_from_base32(secret, e->secret) == 0 ? secret : NULL,
					problems, count, expired ? 403 : 400, reply);
		return;
	}
	if (!secret || totp_secret_from_base32(secret, e->secret) != 0)
		totp_new_secret(e->secret);
	render_enrolment(web, lang, request, e->name, code, e->secret, NULL, 0, 200, reply);
}

/* POST /team/activeren, step 2: password twice and a code from the app, then staff_activate. */
static void activation_enrol_step(struct web *web, enum kb_lang lang, const struct http_request *request,
				  struct enrolment *e, bool expired, struct http_reply *reply)
{
	const char *name = http_form_field(request, "name");
	const char *code = http_form_field(request, "activation");
	const char *secret = http_form_field(request, "secret");
	const char *password = http_form_field(request, "password");
	const char *again = http_form_field(request, "password_again");
	const char *totp_code = http_form_field(request, "code");
	if (!typed_account_name(name, e->name) || !crypt_normalize_activation_code(code ? code : "", e->canonical) ||
	    !secret || totp_secret_from_base32(secret, e->secret) != 0) {
		/* not what step 1 sent: start again */
		struct problem problem = {NULL, web_text(web, lang, "team_error_start_again")};
		render_activation_start(web, lang, request, name, code, NULL, &problem, 1, 400, reply);
		return;
	}
	struct problem problems[3];
	size_t count = 0;
	if (expired)
		problems[count++] = (struct problem){NULL, web_text(web, lang, "team_error_expired")};
	if (!password || !*password)
		problems[count++] = (struct problem){"password", web_text(web, lang, "team_error_password_missing")};
	else if (strlen(password) > STAFF_PASSWORD_MAX)
		problems[count++] = (struct problem){"password", web_text(web, lang, "team_error_password_long")};
	else if (!again || strcmp(password, again) != 0)
		problems[count++] = (struct problem){"password_again", web_text(web, lang, "team_error_password_again")};
	if (!totp_code || !*totp_code)
		problems[count++] = (struct problem){"code", web_text(web, lang, "team_error_code_missing")};
	if (count) {
		render_enrolment(web, lang, request, e->name, code, e->secret, problems, count, expired ? 403 : 400,
				 reply);
		return;
	}
	/* an activation costs argon2id and tries a secret code: counted per client like receipt attempts */
	unsigned retry_after = 0;
	if (!ratelimit_check(&web->limits, request->client_tag, RATELIMIT_RECEIPT_ATTEMPT, request->now, &retry_after)) {
		struct problem problem = {NULL, web_text(web, lang, "team_error_too_many")};
		reply->retry_after = retry_after;
		render_enrolment(web, lang, request, e->name, code, e->secret, &problem, 1, 429, reply);
		return;
	}
	struct staff_password_reason reason = {NULL, NULL};
	int status = staff_activate(web->staff, e->name, code, password, e->secret, totp_code, request->now, &reason);
	if (status == STAFF_OK) {
		json_t *context = team_page_context(web, lang, "team_path_activate", "team_activated_title", NULL);
		web_render(web, "team_activated", with_page(context, json_pack("{s:s}", "name", e->name)), 200, reply);
	} else if (status == STAFF_WEAK_PASSWORD) {
		const char *why = lang == KB_LANG_EN ? reason.en : reason.nl;
		struct problem problem = {"password", why ? why : web_text(web, lang, "team_error_password_weak")};
		render_enrolment(web, lang, request, e->name, code, e->secret, &problem, 1, 400, reply);
	} else if (status == STAFF_BAD_TOTP) {
		struct problem problem = {"code", web_text(web, lang, "team_error_enrol_code")};
		render_enrolment(web, lang, request, e->name, code, e->secret, &problem, 1, 400, reply);
	} else if (status == STAFF_BAD_ACTIVATION) {
		/* back to step 1 with the same secret: the app the person just set up stays right */
		char base32[TOTP_BASE32_SIZE];
		struct problem problem = {"activation", web_text(web, lang, "team_error_activation")};
		render_activation_start(web, lang, request, e->name, code,
					totp_secret_base32(e->secret, base32) == 0 ? base32 : NULL, &problem, 1, 400,
					reply);
		crypt_wipe(base32, sizeof base32);
	} else {
		web_error_page(web, request, 500, reply);
	}
}

/* POST /team/activeren: one of the two steps (field "step"). */
void web_staff_activate(struct web *web, enum kb_lang lang, const struct http_request *request,
			const struct staff_session *session, struct http_reply *reply)
{
	(void)session;
	if (request->form_invalid || http_form_repeated(request, NULL)) {
		struct problem problem = {NULL, web_text(web, lang, "team_error_start_again")};
		render_activation_start(web, lang, request, NULL, NULL, NULL, &problem, 1, 400, reply);
		return;
	}
	bool expired =
		!crypt_keys_form_token_valid(reporting_keys(web->reporting), request->now, http_form_field(request, "csrf"));
	struct enrolment *e = crypt_secure_alloc(sizeof *e);
	if (!e) {
		web_error_page(web, request, 500, reply);
		return;
	}
	const char *step = http_form_field(request, "step");
	if (step && strcmp(step, "enrol") == 0)
		activation_enrol_step(web, lang, request, e, expired, reply);
	else
		activation_code_step(web, lang, request, e, expired, reply);
	crypt_secure_free(e);
}

/* ---------- accounts (admin) ---------- */

static const char *const role_values[] = {"caseworker", "coordinator", "analyst", "admin"};

struct account_search {
	const char *name;
	bool found;
	struct staff_account_info info;
};

static void match_account(void *ctx, const struct staff_account_info *info)
{
	struct account_search *search = ctx;
	if (strcmp(info->name, search->name) == 0) {
		search->found = true;
		search->info = *info;
	}
}

/* The account called `name`: 0 found, 1 not found, -1. */
static int find_account(struct web *web, int64_t now, const char *name, struct staff_account_info *out)
{
	struct account_search search = {.name = name};
	if (!name || !staff_name_valid(name))
		return 1;
	if (staff_list(web->staff, now, match_account, &search))
		return -1;
	if (search.found)
		*out = search.info;
	return search.found ? 0 : 1;
}

struct account_rows {
	struct web *web;
	enum kb_lang lang;
	const struct staff_session *session;
	json_t *rows;
};

static void add_account_row(void *ctx, const struct staff_account_info *info)
{
	struct account_rows *list = ctx;
	char roles[200], key[48];
	roles_in_words(list->web, list->lang, info->roles, roles, sizeof roles);
	snprintf(key, sizeof key, "team_state_%s", info->state);
	bool self = strcmp(info->name, list->session->name) == 0;
	bool usable = strcmp(info->state, "disabled") != 0 && !self;
	bool needs_content = (info->roles & STAFF_CONTENT_ROLES) && !list->session->team_secret;
	json_array_append_new(list->rows,
			      json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:b, s:b}", "name", info->name, "roles", roles,
					"state", web_text(list->web, list->lang, key), "state_id", info->state, "self",
					self, "can_disable", usable, "can_reset", usable && !needs_content,
					"reset_needs_content", usable && needs_content));
}

/* The list of accounts, with a message after a change (`done_key`) or problems. */
static void render_accounts(struct web *web, enum kb_lang lang, const struct http_request *request,
			    const struct staff_session *session, const char *done_key, const struct problem *problems,
			    size_t count, unsigned status, struct http_reply *reply)
{
	struct account_rows list = {web, lang, session, json_array()};
	if (staff_list(web->staff, request->now, add_account_row, &list)) {
		json_decref(list.rows);
		web_error_page(web, request, 500, reply);
		return;
	}
	json_t *context = team_page_context(web, lang, "team_path_accounts", "team_accounts_title", session);
	json_t *page = json_pack("{s:o, s:s}", "accounts", list.rows, "csrf", session->csrf);
	if (page && done_key)
		json_object_set_new(page, "done", json_string(web_text(web, lang, done_key)));
	add_problems(web, lang, context, page, problems, count);
	web_render(web, "team_accounts", with_page(context, page), status, reply);
}

/* GET /team/accounts: every account with its roles and state, and what can be done with it. */
void web_staff_accounts(struct web *web, enum kb_lang lang, const struct http_request *request,
			const struct staff_session *session, struct http_reply *reply)
{
	static const char *const done[][2] = {{"disabled", "team_done_disabled"}};
	const char *said = http_field(request, "done");
	const char *done_key = NULL;
	for (size_t i = 0; said && i < sizeof done / sizeof *done; i++) {
		if (strcmp(said, done[i][0]) == 0)
			done_key = done[i][1];
	}
	render_accounts(web, lang, request, session, done_key, NULL, 0, 200, reply);
}

/* The form for a new account; `name` and `roles` as typed (after a problem). */
static void render_account_form(struct web *web, enum kb_lang lang, const struct http_request *request,
				const struct staff_session *session, const char *name, unsigned roles,
				const struct problem *problems, size_t count, unsigned status,
				struct http_reply *reply)
{
	static const char *const keys[] = {"team_role_caseworker_about", "team_role_coordinator_about",
					   "team_role_analyst_about", "team_role_admin_about"};
	static const char *const labels[] = {"team_role_caseworker", "team_role_coordinator", "team_role_analyst",
					     "team_role_admin"};
	(void)request;
	json_t *choices = json_array();
	for (unsigned i = 0; i < 4; i++)
		json_array_append_new(choices, json_pack("{s:s, s:s, s:s, s:b}", "value", role_values[i], "label",
							 web_text(web, lang, labels[i]), "about",
							 web_text(web, lang, keys[i]), "checked", (roles & (1u << i)) != 0));
	json_t *context = team_page_context(web, lang, "team_path_account_new", "team_account_new_title",
					    session);
	json_t *page = json_pack("{s:s, s:s, s:o, s:b}", "csrf", session->csrf, "name", name ? name : "", "roles",
				 choices, "no_content", session->team_secret == NULL);
	add_problems(web, lang, context, page, problems, count);
	web_render(web, "team_account_new", with_page(context, page), status, reply);
}

/* GET /team/accounts/nieuw */
void web_staff_account_form(struct web *web, enum kb_lang lang, const struct http_request *request,
			    const struct staff_session *session, struct http_reply *reply)
{
	render_account_form(web, lang, request, session, NULL, 0, NULL, 0, 200, reply);
}

/* The one-time activation code of a new or reset account, with the page where it is used. Shown once:
 * rendered as a secret, and never in an address. */
static void render_activation_code(struct web *web, enum kb_lang lang, const struct http_request *request,
				   const struct staff_session *session, const char *name, unsigned roles,
				   const char *code, bool made, struct http_reply *reply)
{
	char roles_words[200], until[128], url_nl[CONFIG_TEXT_SIZE + 64], url_en[CONFIG_TEXT_SIZE + 64];
	roles_in_words(web, lang, roles, roles_words, sizeof roles_words);
	moment_in_words(web, lang, request->now + STAFF_ACTIVATION_SECONDS, request->now, until, sizeof until);
	snprintf(url_nl, sizeof url_nl, "%s/team/%s", web->config->public_base_url,
		 web_text(web, KB_LANG_NL, "team_path_activate"));
	snprintf(url_en, sizeof url_en, "%s/en/team/%s", web->config->public_base_url,
		 web_text(web, KB_LANG_EN, "team_path_activate"));
	json_t *context = team_page_context(web, lang, "team_path_accounts",
					    made ? "team_account_made_title" : "team_account_reset_title", session);
	json_t *page = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "name", name, "roles", roles_words, "code",
				 code, "until", until, "url_nl", url_nl, "url_en", url_en, "made", made);
	web_render_secret(web, "team_account_code", with_page(context, page), 200, reply);
}

/* POST /team/accounts/nieuw: name and roles; the activation code once. An account with a content
 * role gets the team secret wrapped for it, so only an admin who holds it (an admin with a content
 * role) can make one; otherwise the page says who can. */
void web_staff_account_create(struct web *web, enum kb_lang lang, const struct http_request *request,
			      const struct staff_session *session, struct http_reply *reply)
{
	static const char *const repeatable[] = {"role", NULL};
	const char *typed = http_form_field(request, "name");
	char name[DB_STAFF_NAME_SIZE];
	unsigned roles = 0;
	bool unknown_role = false;
	for (size_t i = 0; i < request->form_count; i++) {
		unsigned role = 0;
		if (strcmp(request->form[i].key, "role") != 0)
			continue;
		if (staff_role_from_name(request->form[i].value, &role))
			roles |= role;
		else
			unknown_role = true;
	}
	bool name_ok = typed_account_name(typed, name);
	struct problem problems[3];
	size_t count = 0;
	if (request->form_invalid || http_form_repeated(request, repeatable) || unknown_role)
		problems[count++] = (struct problem){NULL, web_text(web, lang, "team_error_form")};
	if (!name_ok)
		problems[count++] = (struct problem){"name", web_text(web, lang, typed && *typed ? "team_error_name"
											      : "team_error_name_missing")};
	if (roles == 0)
		problems[count++] = (struct problem){"role-caseworker", web_text(web, lang, "team_error_roles")};
	else if ((roles & STAFF_CONTENT_ROLES) && !session->team_secret)
		problems[count++] = (struct problem){"role-caseworker", web_text(web, lang, "team_error_needs_content")};
	if (count) {
		render_account_form(web, lang, request, session, name_ok ? name : typed, roles, problems, count, 400,
				    reply);
		return;
	}
	char code[CRYPT_ACTIVATION_TEXT_SIZE];
	int status = staff_create(web->staff, session->name, name, roles, session->team_secret, request->now, code);
	if (status == STAFF_OK) {
		render_activation_code(web, lang, request, session, name, roles, code, true, reply);
		crypt_wipe(code, sizeof code);
		return;
	}
	const char *key = status == STAFF_NAME_TAKEN	    ? "team_error_name_taken"
			  : status == STAFF_BAD_NAME	    ? "team_error_name"
			  : status == STAFF_NO_ROLES	    ? "team_error_roles"
			  : status == STAFF_NEEDS_TEAM_SECRET ? "team_error_needs_content"
							    : NULL;
	if (!key) {
		web_error_page(web, request, 500, reply);
		return;
	}
	struct problem problem = {status == STAFF_NAME_TAKEN || status == STAFF_BAD_NAME ? "name" : "role-caseworker",
				  web_text(web, lang, key)};
	render_account_form(web, lang, request, session, name, roles, &problem, 1,
			    status == STAFF_NAME_TAKEN ? 409 : 400, reply);
}

/* The question before a change: "Disable X?" / "New code for X?", a button that confirms it and a way
 * back. */
static void render_confirmation(struct web *web, enum kb_lang lang, const struct staff_session *session,
				const struct staff_account_info *info, bool disable, struct http_reply *reply)
{
	char roles[200];
	roles_in_words(web, lang, info->roles, roles, sizeof roles);
	json_t *context = team_page_context(web, lang, "team_path_accounts",
					    disable ? "team_disable_title" : "team_reset_title", session);
	json_t *page = json_pack("{s:s, s:s, s:s, s:b}", "csrf", session->csrf, "name", info->name, "roles", roles,
				 "disable", disable);
	web_render(web, "team_account_confirm", with_page(context, page), 200, reply);
}

/* What the account change forms share: the account named in the form, and that it may be changed from
 * this page by this admin. False when a page has been made (a problem, or the question first). */
static bool account_to_change(struct web *web, enum kb_lang lang, const struct http_request *request,
			      const struct staff_session *session, bool disable, struct staff_account_info *info,
			      struct http_reply *reply)
{
	const char *name = http_form_field(request, "name");
	int found = request->form_invalid || http_form_repeated(request, NULL)
			    ? 1
			    : find_account(web, request->now, name, info);
	const char *problem_key = NULL;
	unsigned status = 400;
	if (found < 0) {
		web_error_page(web, request, 500, reply);
		return false;
	}
	if (found == 1) {
		problem_key = "team_error_no_account";
		status = 404;
	} else if (strcmp(info->name, session->name) == 0) {
		problem_key = "team_error_self";
	} else if (strcmp(info->state, "disabled") == 0) {
		problem_key = disable ? "team_error_already_disabled" : "team_error_reset_disabled";
		status = 409;
	} else if (!disable && (info->roles & STAFF_CONTENT_ROLES) && !session->team_secret) {
		problem_key = "team_error_needs_content";
		status = 403;
	}
	if (problem_key) {
		struct problem problem = {NULL, web_text(web, lang, problem_key)};
		render_accounts(web, lang, request, session, NULL, &problem, 1, status, reply);
		return false;
	}
	const char *confirmed = http_form_field(request, "confirm");
	if (!confirmed || strcmp(confirmed, "yes") != 0) {
		render_confirmation(web, lang, session, info, disable, reply);
		return false;
	}
	return true;
}

/* POST /team/accounts/uitzetten: the account and its sessions end at once (then back to the list). */
void web_staff_account_disable(struct web *web, enum kb_lang lang, const struct http_request *request,
			       const struct staff_session *session, struct http_reply *reply)
{
	struct staff_account_info info;
	if (!account_to_change(web, lang, request, session, true, &info, reply))
		return;
	int status = staff_disable(web->staff, session->name, info.name, request->now);
	if (status == STAFF_OK) {
		reply->status = 303;
		snprintf(reply->location, sizeof reply->location, "%s",
			 lang == KB_LANG_EN ? "/en/team/accounts?done=disabled" : "/team/accounts?done=disabled");
	} else if (status == STAFF_NOT_FOUND) {
		struct problem problem = {NULL, web_text(web, lang, "team_error_no_account")};
		render_accounts(web, lang, request, session, NULL, &problem, 1, 404, reply);
	} else {
		web_error_page(web, request, 500, reply);
	}
}

/* POST /team/accounts/2fa-opnieuw: back to pending with a new activation code (password, app and
 * sessions are gone); the code is shown once. */
void web_staff_account_reset(struct web *web, enum kb_lang lang, const struct http_request *request,
			     const struct staff_session *session, struct http_reply *reply)
{
	struct staff_account_info info;
	if (!account_to_change(web, lang, request, session, false, &info, reply))
		return;
	char code[CRYPT_ACTIVATION_TEXT_SIZE];
	int status = staff_reset_2fa(web->staff, session->name, info.name, session->team_secret, request->now, code);
	if (status == STAFF_OK) {
		render_activation_code(web, lang, request, session, info.name, info.roles, code, false, reply);
		crypt_wipe(code, sizeof code);
	} else if (status == STAFF_NOT_FOUND || status == STAFF_NEEDS_TEAM_SECRET) {
		struct problem problem = {NULL, web_text(web, lang, status == STAFF_NOT_FOUND ? "team_error_no_account"
											  : "team_error_needs_content")};
		render_accounts(web, lang, request, session, NULL, &problem, 1, status == STAFF_NOT_FOUND ? 404 : 403,
				reply);
	} else {
		web_error_page(web, request, 500, reply);
	}
}

/* ---------- the audit log (admin) ---------- */

#define AUDIT_PAGE_SIZE 50
#define AUDIT_PAGE_MAX 1000000

/* The actions on the log today, with their words (an action not listed here shows as it is). */
static const char *const audit_actions[] = {"login",		 "login_failed",     "logout",
					    "account_created",	 "account_activated", "account_disabled",
					    "account_2fa_reset", "denied",	       NULL};

struct audit_filter {
	const char *account; /* NULL: every account */
	const char *action;  /* NULL: every action */
	int64_t from, until; /* [from, until) in UTC seconds; 0 and INT64_MAX when not given */
};

static bool audit_entry_matches(const struct audit_filter *filter, const struct db_audit_entry *entry)
{
	return (!filter->account || strcmp(filter->account, entry->account) == 0) &&
	       (!filter->action || strcmp(filter->action, entry->action) == 0) && entry->at >= filter->from &&
	       entry->at < filter->until;
}

/* "YYYY-MM-DD" as the first second of that day in Amsterdam (`next`: of the day after). */
static bool day_start(const char *text, bool next, int64_t *out)
{
	int parts[3] = {0, 0, 0};
	const int widths[3] = {4, 2, 2};
	const char *p = text;
	for (int i = 0; i < 3; i++) {
		for (int d = 0; d < widths[i]; d++, p++) {
			if (*p < '0' || *p > '9')
				return false;
			parts[i] = parts[i] * 10 + (*p - '0');
		}
		if (*p != (i < 2 ? '-' : '\0'))
			return false;
		p++;
	}
	if (parts[0] < 1970 || parts[0] > 9998 || parts[1] < 1 || parts[1] > 12 || parts[2] < 1 ||
	    parts[2] > days_in_month(parts[0], parts[1]))
		return false;
	struct civil_time day;
	civil_from_days(days_from_civil(parts[0], parts[1], parts[2]) + (next ? 1 : 0), &day);
	*out = amsterdam_local_to_utc(day.year, day.month, day.day, 0);
	return true;
}

/* An action as the log writes them: a-z and '_'. */
static bool action_valid(const char *action)
{
	size_t len = strlen(action);
	if (len == 0 || len >= DB_AUDIT_ACTION_SIZE)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (!((action[i] >= 'a' && action[i] <= 'z') || action[i] == '_'))
			return false;
	}
	return true;
}

/* Two passes over the log (it is read in order of number): the first counts the entries that match
 * and notes the newest number, the second takes the asked page, newest first, from the entries up to
 * that number (entries written between the passes wait for the next page view). */
struct audit_scan {
	struct web *web;
	enum kb_lang lang;
	int64_t now;
	const struct audit_filter *filter;
	bool counting;
	int64_t matches;   /* first pass: how many match */
	int64_t last_seq;  /* first pass: the newest number */
	int64_t index;     /* second pass: matches seen so far */
	int64_t first, end; /* second pass: the matches to show, [first, end) in the order of the log */
	json_t *rows;
};

static int scan_audit_entry(void *ctx, const struct db_audit_entry *entry)
{
	struct audit_scan *scan = ctx;
	if (scan->counting) {
		scan->last_seq = entry->seq;
		scan->matches += audit_entry_matches(scan->filter, entry) ? 1 : 0;
		return 0;
	}
	if (entry->seq > scan->last_seq || scan->index >= scan->end)
		return 1;
	if (!audit_entry_matches(scan->filter, entry))
		return 0;
	if (scan->index++ < scan->first)
		return 0;
	struct civil_time local;
	char when[32], key[64];
	amsterdam_civil(entry->at, &local);
	snprintf(when, sizeof when, "%04d-%02d-%02d %02d:%02d:%02d", local.year, local.month, local.day, local.hour,
		 local.minute, local.second);
	const char *words = entry->action;
	for (size_t i = 0; audit_actions[i]; i++) {
		if (strcmp(audit_actions[i], entry->action) == 0) {
			snprintf(key, sizeof key, "team_action_%s", entry->action);
			words = web_text(scan->web, scan->lang, key);
		}
	}
	/* newest first */
	json_array_insert_new(scan->rows, 0,
			      json_pack("{s:I, s:s, s:s, s:s, s:s}", "seq", (json_int_t)entry->seq, "when", when,
					"account", entry->account, "action", words, "object", entry->object));
	return 0;
}

/* "?account=anna&page=2": the filters and a page number, for the links to other pages. */
static void audit_query(const char *account, const char *action, const char *from, const char *to, int64_t page,
			char *out, size_t size)
{
	snprintf(out, size, "?account=%s&action=%s&from=%s&to=%s&page=%lld", account ? account : "",
		 action ? action : "", from ? from : "", to ? to : "", (long long)page);
}

/* GET /team/logboek: the log newest first, AUDIT_PAGE_SIZE entries a page, filtered by account, action
 * and days (Amsterdam time), with the head hash to write down and whether the chain is intact. */
void web_staff_audit(struct web *web, enum kb_lang lang, const struct http_request *request,
		     const struct staff_session *session, struct http_reply *reply)
{
	(void)session;
	const char *account = http_field(request, "account");
	const char *action = http_field(request, "action");
	const char *from = http_field(request, "from");
	const char *to = http_field(request, "to");
	const char *page_text = http_field(request, "page");
	account = account && *account ? account : NULL;
	action = action && *action ? action : NULL;
	from = from && *from ? from : NULL;
	to = to && *to ? to : NULL;
	struct audit_filter filter = {account, action, 0, INT64_MAX};
	struct problem problems[5];
	size_t count = 0;
	if (account && !staff_name_valid(account) && strcmp(account, "cli") != 0 && strcmp(account, "-") != 0)
		problems[count++] = (struct problem){"account", web_text(web, lang, "team_error_filter_account")};
	if (action && !action_valid(action))
		problems[count++] = (struct problem){"action", web_text(web, lang, "team_error_filter_action")};
	if (from && !day_start(from, false, &filter.from))
		problems[count++] = (struct problem){"from", web_text(web, lang, "team_error_filter_day")};
	if (to && !day_start(to, true, &filter.until))
		problems[count++] = (struct problem){"to", web_text(web, lang, "team_error_filter_day")};
	if (count == 0 && filter.from >= filter.until)
		problems[count++] = (struct problem){"to", web_text(web, lang, "team_error_filter_order")};
	int64_t page_number = 1;
	if (page_text) {
		char *end = NULL;
		long long n = strtoll(page_text, &end, 10);
		if (end == page_text || *end || n < 1 || n > AUDIT_PAGE_MAX)
			problems[count++] = (struct problem){NULL, web_text(web, lang, "team_error_filter_page")};
		else
			page_number = n;
	}

	struct audit_scan scan = {.web = web, .lang = lang, .now = request->now, .filter = &filter, .counting = true,
				  .rows = json_array()};
	char head[AUDIT_HASH_TEXT_SIZE], problem[AUDIT_PROBLEM_SIZE];
	int64_t head_seq = 0, first_bad = 0;
	int head_status = audit_head(web->reporting->db, head, &head_seq);
	int intact = head_status < 0 ? -1 : audit_verify(web->reporting->db, NULL, &first_bad, problem);
	int64_t pages = 1;
	bool failed = head_status < 0 || intact < 0;
	if (!failed && count == 0) {
		failed = db_audit_list(web->reporting->db, scan_audit_entry, &scan) != 0;
		pages = scan.matches ? (scan.matches + AUDIT_PAGE_SIZE - 1) / AUDIT_PAGE_SIZE : 1;
		if (page_number > pages)
			page_number = pages;
		scan.counting = false;
		scan.end = scan.matches - (page_number - 1) * AUDIT_PAGE_SIZE;
		scan.first = scan.end - AUDIT_PAGE_SIZE > 0 ? scan.end - AUDIT_PAGE_SIZE : 0;
		failed = failed || db_audit_list(web->reporting->db, scan_audit_entry, &scan) != 0;
	}
	if (failed || !scan.rows) {
		json_decref(scan.rows);
		web_error_page(web, request, 500, reply);
		return;
	}

	json_t *actions = json_array();
	for (size_t i = 0; audit_actions[i]; i++) {
		char key[64];
		snprintf(key, sizeof key, "team_action_%s", audit_actions[i]);
		json_array_append_new(actions, json_pack("{s:s, s:s, s:b}", "value", audit_actions[i], "label",
							 web_text(web, lang, key), "selected",
							 action && strcmp(action, audit_actions[i]) == 0));
	}
	char pages_text[160], bad_text[300], seq_text[32];
	snprintf(seq_text, sizeof seq_text, "%lld", (long long)head_seq);
	json_t *page = json_pack("{s:o, s:o, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:I}", "entries", scan.rows, "actions",
				 actions, "account", account ? account : "", "from", from ? from : "", "to",
				 to ? to : "", "head", head, "head_seq", seq_text, "empty_text",
				 web_text(web, lang, count ? "team_audit_fix_filters" : "team_audit_none"), "intact",
				 intact == 0, "count", (json_int_t)scan.matches);
	if (page)
		json_object_set_new(page, "has_entries", json_boolean(json_array_size(scan.rows) > 0));
	if (page && intact == 1) {
		char number[32];
		snprintf(number, sizeof number, "%lld", (long long)first_bad);
		web_fill_in(web_text(web, lang, first_bad ? "team_audit_broken_at" : "team_audit_broken_head"), "{n}",
			    number, bad_text, sizeof bad_text);
		json_object_set_new(page, "broken", json_string(bad_text));
	}
	if (page && pages > 1) {
		char query[400], number[32], total[32];
		snprintf(number, sizeof number, "%lld", (long long)page_number);
		snprintf(total, sizeof total, "%lld", (long long)pages);
		web_fill_in(web_text(web, lang, "team_audit_page_of"), "{n}", number, query, sizeof query);
		web_fill_in(query, "{total}", total, pages_text, sizeof pages_text);
		json_object_set_new(page, "pages", json_string(pages_text));
		if (page_number > 1) {
			audit_query(account, action, from, to, page_number - 1, query, sizeof query);
			json_object_set_new(page, "newer", json_string(query));
		}
		if (page_number < pages) {
			audit_query(account, action, from, to, page_number + 1, query, sizeof query);
			json_object_set_new(page, "older", json_string(query));
		}
	}
	json_t *context = team_page_context(web, lang, "team_path_audit", "team_audit_title", session);
	add_problems(web, lang, context, page, problems, count);
	web_render(web, "team_audit", with_page(context, page), count ? 400 : 200, reply);
}
