/*
 * web_page: what the page modules of the website share, below all of them:
 * the texts (web/strings.json), the parts every page has, rendering a template
 * into a reply, JSON replies, opening hours and channels in words, and the one
 * table of errors {status, title, text, JSON message} behind web_error_page().
 * Not a public interface: only web.c (the router) and the page modules include
 * it, and nothing here calls up into them.
 *
 * Memory: functions that return json_t* return a new reference (the caller
 * owns it) or NULL when jansson could not build it; web_render() takes the
 * context over and answers 500 for a NULL context, so a part that failed to
 * build never shows as a shorter page.
 */
#ifndef MELDWIJZER_WEB_PAGE_H
#define MELDWIJZER_WEB_PAGE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "route.h"
#include "web.h"

#define WEB_PAGE_CAP (2u << 20)

extern const char web_html_type[];
extern const char web_json_type[];
/* The form values of the guide and the signal check, in kb_form order, then "unknown"; NULL-terminated. */
extern const char *const web_form_values[];

/* What a route's handler gets: the site, the page's language (from the /en prefix; Dutch for JSON
 * routes), the request, and the reply to fill. A blocking route's handler runs in a worker thread. */
typedef void (*web_handler)(struct web *web, enum kb_lang lang, const struct http_request *request,
			    struct http_reply *reply);

/* Staff routes (the back office): the handler also gets the session (NULL only on WEB_STAFF_OPEN routes
 * when nobody is signed in). The session's team secret, for content roles, is the caller's to keep in
 * guarded memory: never copy it. */
struct staff_session;
typedef void (*web_staff_handler)(struct web *web, enum kb_lang lang, const struct http_request *request,
				  const struct staff_session *session, struct http_reply *reply);
/* The roles column of a staff route: any account (all role bits), or open to everyone (sign in,
 * activate), with the session when there is one. */
#define WEB_STAFF_ANY 0xFu
#define WEB_STAFF_OPEN (1u << 30)

/* Whether a POST came from this site's own pages (Sec-Fetch-Site, else a real Origin of ours). */
bool web_from_this_site(const struct http_request *request);

/* Loads web/strings.json into web->texts; -1 with a message. */
int web_texts_load(struct web *web, const char *path, char *error, size_t error_size);
/* The text for `key` in `lang` (the key itself when it is missing: strings.json is checked at start). */
const char *web_text(const struct web *web, enum kb_lang lang, const char *key);
/* `text` with the first `mark` replaced by `value` (texts are never used as formats). */
void web_fill_in(const char *text, const char *mark, const char *value, char *out, size_t size);
/* "een" .. "twaalf", then digits; and a text with "{n}" filled in that way. */
void web_number_in_words(struct web *web, enum kb_lang lang, unsigned n, char *out, size_t size);
json_t *web_with_number(struct web *web, enum kb_lang lang, const char *key, unsigned n);
/* "" or "/en". */
const char *web_lang_prefix(enum kb_lang lang);
/* The language of a path and the path without its /en prefix. */
enum kb_lang web_split_language(const char *path, const char **rest);
/* Paths answered in JSON (/api/..., /healthz). */
bool web_is_api_path(const char *path);
/* The moment pages show opening states for: [server] fixed_time when set, else the request's `now`
 * (the clock when `request` is NULL, for pages rendered at start). */
int64_t web_now(const struct web *web, const struct http_request *request);
/* "maandag 30 november" for "2026-11-30" (with the year when it is not `now`'s year, or `with_year`). */
void web_day_in_words(const struct web *web, enum kb_lang lang, const char *day, bool with_year, int64_t now,
		      char *out, size_t size);
/* The index of `value` in a NULL-terminated list, or -2. */
int web_value_index(const char *const *values, const char *value);
/* The guide and the signal check read their answers from `fields`: for a POST, the form's fields. */
struct http_request web_answers_posted(const struct http_request *request);

/* The parts every page shares (texts, language, links, navigation); the caller adds "page". */
json_t *web_page_context(struct web *web, enum kb_lang lang, const char *page_path,
			 const struct http_request *request, const char *title_key, const char *nav_key);
/* Makes `context` a back-office page: no public navigation or 112 bar, no indexing; with a signed-in
 * `session` (else NULL) the team's navigation for its roles and its sign-out form. The context, or
 * NULL (released) when it could not be set. */
json_t *web_team_context(json_t *context, const struct staff_session *session);
/* Adds a problem to the error summary at the top of the page (a link to `field_id`, unless NULL) and
 * marks the title; returns the summary's item (borrowed) for more details. */
json_t *web_add_error(struct web *web, enum kb_lang lang, json_t *context, const char *field_id, const char *text);
/* A button that sends the answers so far to `action` by POST (template partial "post_button"). */
json_t *web_post_button(const char *action, const struct http_request *request, const char *skip_key,
			const char *extra_name, const char *label);
/* Renders a template into the reply and releases the context; a NULL context or a failed render is a 500. */
void web_render(struct web *web, const char *template_name, json_t *context, unsigned status, struct http_reply *reply);
/* The same for a page or an answer that carries a secret (a receipt, a follow-up token, decrypted text):
 * built in memory that is wiped when the server is done with it (reply->secret_body), never left in a
 * freed copy. */
void web_render_secret(struct web *web, const char *template_name, json_t *context, unsigned status,
		       struct http_reply *reply);
void web_reply_secret_json(struct http_reply *reply, unsigned status, json_t *value);
/* A JSON reply (takes `value` over; NULL is a 500), and {"error": message}. */
void web_reply_json(struct http_reply *reply, unsigned status, json_t *value);
void web_reply_json_error(struct http_reply *reply, unsigned status, const char *message);
/* The page cache (page_cache.h), for answers that depend only on `key` (the caller puts in it everything
 * the answer depends on: route, language, method, answers) and on the minute of `now`. Never for a page
 * with a per-request value (a session, a token, a receipt, a cookie). web_cached_reply() sets `reply` to
 * the stored answer and says whether there was one; web_cache_reply(), after the handler rendered into
 * `reply`, stores a plain 200 (nothing else: errors and replies with headers of their own stay out) and
 * makes `reply` send the stored response. */
bool web_cached_reply(struct web *web, const char *key, size_t key_len, int64_t now, struct http_reply *reply);
void web_cache_reply(struct web *web, const char *key, size_t key_len, int64_t now, struct http_reply *reply);
/* Forgets a prepared response set in `reply` (releasing the reply's reference when it holds one). */
void web_reply_drop_cached(struct http_reply *reply);
/* The last resort when not even an error page can be built: 500, plain text with 112 and ESSM. */
void web_reply_plain_error(struct http_reply *reply);
/* The error page (HTML) or message (JSON, for API paths) for `status`; also http's error callback. */
void web_error_page(void *app, const struct http_request *request, unsigned status, struct http_reply *reply);

/* Regular hours in words, or NULL when no source states them ("day and night" only when `always`). */
json_t *web_regular_hours(struct web *web, enum kb_lang lang, const struct opening_hours *hours, bool always);
/* Adds full name, English page and regular hours of a channel to `item`: 0, or -1 when one could not be added. */
int web_add_channel_facts(struct web *web, enum kb_lang lang, const struct kb_channel *channel, bool live,
			  json_t *item);
/* Sets `value` (taken over) at `key` of `object`, a part of `context`: returns `context`, or, when the value
 * is NULL or cannot be set, releases `context` and returns NULL, so that web_render() answers 500. For the
 * parts a page must never show incomplete (whom to call). */
json_t *web_must_set(json_t *context, json_t *object, const char *key, json_t *value);
/* A route result for the pages: each recommendation with its state and label; NULL when any of it failed. */
json_t *web_route_for_page(struct web *web, const struct route_result *route, enum kb_lang lang);
/* Who reads online reports and when an answer may come ([site] settings), with the numbers to call
 * instead; for the report pages and the privacy page. */
json_t *web_site_context(struct web *web, enum kb_lang lang);
/* The way to online reporting (template "report_online"), or NULL when this server takes no reports. */
json_t *web_report_online(struct web *web, enum kb_lang lang, bool about_self, int64_t now);
/* Whom to call instead when the site cannot take a report now: [{name, phone, tel, hours}] (ESSM, police);
 * NULL when it could not be built whole. */
json_t *web_call_instead(struct web *web, enum kb_lang lang);

#endif
