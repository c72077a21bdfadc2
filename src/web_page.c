/* web_page: what every page module shares: the texts, the parts every page
 * has, rendering, JSON replies, the words for opening hours and channels, and
 * the one table of errors. It calls nothing above it (docs/architecture.md). */
#define _POSIX_C_SOURCE 200809L
#include "web_page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "contract.h"
#include "text.h"
#include "texts.h"
#include "hours.h"
#include "page_cache.h"
#include "staff.h"
#include "crypt.h"
#include "report.h"
#include "timefmt.h"

const char web_html_type[] = "text/html; charset=utf-8";
const char web_json_type[] = "application/json";
const char *const web_form_values[] = {"sexual", "labour", "criminal", "unknown", NULL};

int web_value_index(const char *const *values, const char *value)
{
	for (int i = 0; values[i]; i++) {
		if (strcmp(values[i], value) == 0)
			return i;
	}
	return -2; /* -1 is a guide answer's "not answered" */
}

bool web_from_this_site(const struct http_request *request)
{
	/* A browser says where a form came from; another site's form is refused.
	 * Current browsers send Sec-Fetch-Site. Older ones (Safari before 16.4)
	 * send only Origin, which is our own origin because the pages' referrer
	 * policy is same-origin. "Origin: null" without Sec-Fetch-Site is what a
	 * sandboxed frame on another site sends, and a request with neither header
	 * is no browser's form post: both are refused (docs/security.md). */
	if (request->fetch_site && strcmp(request->fetch_site, "same-origin") != 0 && strcmp(request->fetch_site, "none") != 0)
		return false;
	if (!request->fetch_site && (!request->origin || strcmp(request->origin, "null") == 0))
		return false;
	if (request->origin && strcmp(request->origin, "null") != 0 && request->host) {
		const char *origin_host = strstr(request->origin, "://");
		if (!origin_host || strcmp(origin_host + 3, request->host) != 0)
			return false;
	}
	return true;
}

struct http_request web_answers_posted(const struct http_request *request)
{
	struct http_request posted = *request;
	if (request->method == HTTP_POST) {
		posted.fields = request->form;
		posted.field_count = request->form_count;
	}
	return posted;
}

int web_texts_load(struct web *web, const char *path, char *error, size_t error_size)
{
	/* every key that text.c's sentences need must be there: a gap stops the start */
	return texts_load(&web->texts, path, error, error_size) || text_check(&web->texts, error, error_size) ? -1 : 0;
}
int64_t web_now(const struct web *web, const struct http_request *request)
{
	return web->config->has_fixed_time ? web->config->fixed_time : request ? request->now : (int64_t)time(NULL);
}


/* `text` with the first `mark` replaced by `value` (texts come from strings.json, never used as formats). */
void web_fill_in(const char *text, const char *mark, const char *value, char *out, size_t size)
{
	const char *at = strstr(text, mark);
	if (!at)
		snprintf(out, size, "%s", text);
	else
		snprintf(out, size, "%.*s%s%s", (int)(at - text), text, value, at + strlen(mark));
}

const char *web_text(const struct web *web, enum kb_lang lang, const char *key)
{
	return texts_get(&web->texts, lang, key);
}

const char *web_lang_prefix(enum kb_lang lang)
{
	return lang == KB_LANG_EN ? "/en" : "";
}

/* Who offers the site, for the header and the footer of every page ([site] operator): {name, about, url},
 * or {} when it is not set (the footer then says so). */
static json_t *sender_context(const struct web *web, enum kb_lang lang)
{
	const struct server_config *config = web->config;
	json_t *sender = json_object();
	if (config->operator_name[0]) {
		json_object_set_new(sender, "name", json_string(config->operator_name));
		const char *about = config->operator_about[lang][0] ? config->operator_about[lang] : config->operator_about[0];
		if (about[0])
			json_object_set_new(sender, "about", json_string(about));
		if (config->operator_url[0])
			json_object_set_new(sender, "url", json_string(config->operator_url));
	}
	return sender;
}

/* "maandag 30 november" for "2026-11-30" (with the year when it is not this year, or `with_year`); the
 * text itself when it is not such a date. */
void web_day_in_words(const struct web *web, enum kb_lang lang, const char *day, bool with_year, int64_t now,
		      char *out, size_t size)
{
	static const char *const month_keys[12] = {"month_1", "month_2", "month_3", "month_4", "month_5", "month_6",
						   "month_7", "month_8", "month_9", "month_10", "month_11", "month_12"};
	static const char *const day_keys[7] = {"day_mon", "day_tue", "day_wed", "day_thu", "day_fri", "day_sat", "day_sun"};
	int year = 0, month = 0, date = 0;
	bool valid = day && strlen(day) == 10 && day[4] == '-' && day[7] == '-';
	for (int i = 0; valid && i < 10; i++) {
		if (i == 4 || i == 7)
			continue;
		valid = day[i] >= '0' && day[i] <= '9';
	}
	if (valid) {
		year = (day[0] - '0') * 1000 + (day[1] - '0') * 100 + (day[2] - '0') * 10 + (day[3] - '0');
		month = (day[5] - '0') * 10 + (day[6] - '0');
		date = (day[8] - '0') * 10 + (day[9] - '0');
		valid = year >= 1970 && month >= 1 && month <= 12 && date >= 1 && date <= days_in_month(year, month);
	}
	if (!valid) {
		snprintf(out, size, "%s", day ? day : "");
		return;
	}
	struct civil_time civil, today;
	civil_from_days(days_from_civil(year, month, date), &civil);
	civil_from_time(now, 0, &today);
	const char *weekday = web_text(web, lang, day_keys[civil.weekday]);
	const char *month_name = web_text(web, lang, month_keys[month - 1]);
	char year_text[8] = "";
	if (with_year || year != today.year)
		snprintf(year_text, sizeof year_text, " %d", year);
	snprintf(out, size, "%s %d %s%s", weekday, date, month_name, year_text);
}

/* The fields of a request as hidden form fields [{name, value}], less "step" and `skip_key`. */
static json_t *hidden_fields(const struct http_request *request, const char *skip_key)
{
	json_t *fields = json_array();
	for (size_t i = 0; request && i < request->field_count; i++) {
		const char *key = request->fields[i].key;
		if (strcmp(key, "step") == 0 || (skip_key && strcmp(key, skip_key) == 0))
			continue;
		json_array_append_new(fields, json_pack("{s:s, s:s}", "name", key, "value", request->fields[i].value));
	}
	return fields;
}

/* A button that sends the answers so far (less "step" and `skip_key`, plus `extra_name`) to `action` by
 * POST: how the guide and the signal check move between steps without putting answers in the address.
 * For the template partial "post_button". */
json_t *web_post_button(const char *action, const struct http_request *request, const char *skip_key,
			   const char *extra_name, const char *label)
{
	json_t *fields = hidden_fields(request, skip_key);
	if (extra_name)
		json_array_append_new(fields, json_pack("{s:s, s:s}", "name", extra_name, "value", "1"));
	return json_pack("{s:s, s:o, s:s}", "action", action, "fields", fields, "label", label);
}

/* The parts every page shares: texts, language, links, navigation state. `request` only for the pages
 * that take answers (the guide, the signal check): with answers, the language switch is a form that
 * sends them by POST, so that they never show up in an address. */
json_t *web_must_set(json_t *context, json_t *object, const char *key, json_t *value)
{
	if (!context || !object || json_object_set_new(object, key, value) != 0) {
		json_decref(context);
		return NULL;
	}
	return context;
}

json_t *web_team_context(json_t *context, const struct staff_session *session)
{
	context = web_must_set(context, context, "team", json_true());
	if (!context || !session)
		return context;
	/* head.html shows the links these roles open; the router refuses the others anyway */
	return web_must_set(context, context, "team_nav",
			    json_pack("{s:s, s:s, s:b, s:b}", "name", session->name, "csrf", session->csrf, "content",
				      (session->roles & STAFF_CONTENT_ROLES) != 0, "admin",
				      (session->roles & STAFF_ROLE_ADMIN) != 0));
}

json_t *web_page_context(struct web *web, enum kb_lang lang, const char *page_path,
			    const struct http_request *request, const char *title_key, const char *nav_key)
{
	enum kb_lang other = lang == KB_LANG_NL ? KB_LANG_EN : KB_LANG_NL;
	char alt_path[160];
	snprintf(alt_path, sizeof alt_path, "%s%s", web_lang_prefix(other), page_path);
	if (strcmp(alt_path, "") == 0)
		snprintf(alt_path, sizeof alt_path, "/");
	json_t *nav = json_object();
	if (nav_key)
		json_object_set_new(nav, nav_key, json_true());
	json_t *context = json_pack("{s:O, s:s, s:s, s:s, s:s, s:s, s:o}", "t", texts_json(&web->texts, lang), "lang",
				    kb_lang_id(lang), "alt_lang", kb_lang_id(other), "prefix", web_lang_prefix(lang),
				    "exit_url", web->config->exit_url, "title", web_text(web, lang, title_key), "nav", nav);
	json_object_set_new(context, "alt_url", json_string(alt_path));
	json_object_set_new(context, "sender", sender_context(web, lang));
	if (request && request->field_count)
		json_object_set_new(context, "lang_post", json_pack("{s:s, s:o}", "action", alt_path, "fields",
								  hidden_fields(request, NULL)));
	return context;
}

/* Adds a problem to the page's error summary (first in <main>, with a link to the field) and marks
 * the title ("Fout: ..."), so that a screen reader hears it when the page opens. */
json_t *web_add_error(struct web *web, enum kb_lang lang, json_t *context, const char *field_id, const char *text)
{
	json_t *errors = json_object_get(context, "errors");
	if (!errors) {
		char title[400];
		snprintf(title, sizeof title, "%s: %s", web_text(web, lang, "error_title_prefix"),
			 json_string_value(json_object_get(context, "title")));
		json_object_set_new(context, "title", json_string(title));
		errors = json_pack("{s:[]}", "items");
		json_object_set_new(context, "errors", errors);
	}
	json_t *item = json_pack("{s:s}", "text", text);
	if (field_id)
		json_object_set_new(item, "field", json_string(field_id));
	json_array_append_new(json_object_get(errors, "items"), item);
	return item;
}

bool web_cached_reply(struct web *web, const char *key, size_t key_len, int64_t now, struct http_reply *reply)
{
	struct http_cached *found = page_cache_get(web->page_cache, key, key_len, page_cache_minute(now));
	if (!found)
		return false;
	web_reply_drop_cached(reply);
	reply->cached = found;
	reply->cached_held = true;
	return true;
}

void web_cache_reply(struct web *web, const char *key, size_t key_len, int64_t now, struct http_reply *reply)
{
	if (reply->status != 200 || reply->cached || reply->secret_body || reply->deferred || reply->allow ||
	    reply->retry_after || reply->disposition || reply->location[0] || reply->set_cookie[0] || reply->cacheable)
		return;
	struct http_cached *made = http_cached_create(200, reply->content_type, reply->body.buf ? reply->body.buf : "",
						      reply->body.len, false, NULL);
	struct http_cached *stored = made ? page_cache_put(web->page_cache, key, key_len, page_cache_minute(now), made)
					  : NULL;
	if (!stored)
		return; /* not kept: this reply sends its own body */
	strbuf_release(&reply->body);
	reply->cached = stored;
	reply->cached_held = true;
}

void web_reply_drop_cached(struct http_reply *reply)
{
	if (reply->cached_held)
		http_cached_free((struct http_cached *)reply->cached);
	reply->cached = NULL;
	reply->cached_held = false;
}

void web_reply_plain_error(struct http_reply *reply)
{
	strbuf_release(&reply->body);
	web_reply_drop_cached(reply);
	reply->status = 500;
	reply->content_type = "text/plain; charset=utf-8";
	/* the numbers as data/channels.json has them (test_web_site checks they stay the same) */
	if (strbuf_addstr(&reply->body, "Internal error. In acute danger: call 112. Advice: ESSM 010-236 52 56.\n"))
		reply->status = 500; /* the body stays empty; the status says enough */
}

void web_render(struct web *web, const char *template_name, json_t *context, unsigned status,
			struct http_reply *reply)
{
	const struct template *template = template_set_get(web->templates, template_name);
	reply->status = status;
	reply->content_type = web_html_type;
	if (!context || !template || template_render(template, context, &reply->body))
		web_reply_plain_error(reply);
	json_decref(context);
}

void web_render_secret(struct web *web, const char *template_name, json_t *context, unsigned status,
		       struct http_reply *reply)
{
	const struct template *template = template_set_get(web->templates, template_name);
	struct strbuf page;
	struct crypt_buffer out;
	strbuf_init_wiped(&page, WEB_PAGE_CAP);
	crypt_buffer_init(&out, WEB_PAGE_CAP + 1);
	bool rendered = context && template && template_render(template, context, &page) == 0 &&
			crypt_buffer_add(&out, page.buf, page.len) == 0;
	json_decref(context);
	strbuf_release(&page);
	size_t len = 0;
	char *bytes = rendered ? crypt_buffer_detach(&out, &len) : NULL;
	crypt_buffer_release(&out);
	if (!bytes) {
		web_reply_plain_error(reply);
		return;
	}
	strbuf_release(&reply->body);
	reply->status = status;
	reply->content_type = web_html_type;
	reply->secret_body = bytes;
	reply->secret_len = len;
}

void web_reply_secret_json(struct http_reply *reply, unsigned status, json_t *value)
{
	struct crypt_buffer out;
	crypt_buffer_init(&out, WEB_PAGE_CAP);
	bool built = value && report_json_to_buffer(value, JSON_COMPACT, &out) == 0 && crypt_buffer_add(&out, "\n", 1) == 0;
	json_decref(value);
	size_t len = 0;
	char *bytes = built ? crypt_buffer_detach(&out, &len) : NULL;
	crypt_buffer_release(&out);
	if (!bytes) {
		web_reply_json_error(reply, 500, "internal error");
		return;
	}
	strbuf_release(&reply->body);
	reply->status = status;
	reply->content_type = web_json_type;
	reply->secret_body = bytes;
	reply->secret_len = len;
}

void web_reply_json(struct http_reply *reply, unsigned status, json_t *value)
{
	reply->status = status;
	reply->content_type = web_json_type;
	char *dumped = value ? json_dumps(value, JSON_COMPACT) : NULL;
	json_decref(value);
	if (!dumped || strbuf_addstr(&reply->body, dumped) || strbuf_addstr(&reply->body, "\n")) {
		strbuf_release(&reply->body);
		reply->status = 500;
		if (strbuf_addstr(&reply->body, "{\"error\":\"internal error\"}\n"))
			reply->status = 500;
	}
	free(dumped);
}

void web_reply_json_error(struct http_reply *reply, unsigned status, const char *message)
{
	web_reply_json(reply, status, json_pack("{s:s}", "error", message));
}

/* The regular hours in words ("elke dag van 08:30 tot 22:00 uur"), or NULL when no source states them. */
json_t *web_regular_hours(struct web *web, enum kb_lang lang, const struct opening_hours *hours, bool always)
{
	if (hours->kind == HOURS_ALWAYS && always)
		return json_string(web_text(web, lang, "hours_always"));
	if (hours->kind != HOURS_WEEKLY || hours->interval_count == 0)
		return NULL;
	static const char *const day_keys[7] = {"day_mon", "day_tue", "day_wed", "day_thu", "day_fri", "day_sat", "day_sun"};
	struct strbuf out;
	strbuf_init(&out, 2048);
	int status = 0;
	for (size_t i = 0; i < hours->interval_count && status == 0; i++) {
		const struct hours_interval *interval = &hours->intervals[i];
		if (i)
			status = strbuf_addstr(&out, "; ");
		if (status == 0 && interval->days == HOURS_ALL_DAYS) {
			status = strbuf_addstr(&out, web_text(web, lang, "hours_every_day"));
		} else if (status == 0 && interval->days == 0x1fu) {
			status = strbuf_addstr(&out, web_text(web, lang, "hours_weekdays"));
		} else {
			bool first = true;
			for (int d = 0; d < 7 && status == 0; d++) {
				if (!(interval->days & (1u << d)))
					continue;
				status = (!first && strbuf_addstr(&out, ", ")) || strbuf_addstr(&out, web_text(web, lang, day_keys[d]));
				first = false;
			}
		}
		char open_clock[16], close_clock[16], half[160], range[200];
		snprintf(open_clock, sizeof open_clock, "%02d:%02d", interval->open_minute / 60, interval->open_minute % 60);
		snprintf(close_clock, sizeof close_clock, "%02d:%02d", interval->close_minute / 60, interval->close_minute % 60);
		web_fill_in(web_text(web, lang, "hours_range"), "{open}", open_clock, half, sizeof half);
		web_fill_in(half, "{close}", close_clock, range, sizeof range);
		if (status == 0)
			status = strbuf_addstr(&out, " ") || strbuf_addstr(&out, range);
	}
	json_t *result = status == 0 ? json_stringn(out.buf, out.len) : NULL;
	strbuf_release(&out);
	return result;
}

/* The facts of a channel that every page shows the same way; "day and night" only where no live state says it. */
int web_add_channel_facts(struct web *web, enum kb_lang lang, const struct kb_channel *channel, bool live, json_t *item)
{
	int status = 0;
	if (channel->full_name)
		status |= json_object_set_new(item, "full_name", json_string(channel->full_name));
	if (lang == KB_LANG_EN && channel->url_en)
		status |= json_object_set_new(item, "url_en", json_string(channel->url_en));
	if (channel->hours.kind == HOURS_WEEKLY && channel->hours.interval_count > 0) {
		json_t *hours = web_regular_hours(web, lang, &channel->hours, !live);
		status |= json_object_set_new(item, "regular_hours", hours);
	} else if (channel->hours.kind == HOURS_ALWAYS && !live) {
		status |= json_object_set_new(item, "regular_hours", web_regular_hours(web, lang, &channel->hours, true));
	}
	return status ? -1 : 0;
}

/* Adds state and label fields to each recommendation of a route result, for the pages. */
json_t *web_route_for_page(struct web *web, const struct route_result *route, enum kb_lang lang)
{
	json_t *result = contract_route_json(web->kb, route, NULL, lang);
	json_t *list = json_object_get(result, "recommendations");
	bool built = result && json_array_size(list) == route->count;
	for (size_t i = 0; built && i < route->count; i++) {
		json_t *item = json_array_get(list, i);
		enum channel_open_state state = route->items[i].state.state;
		const char *id = state == CHANNEL_STATE_OPEN ? "open" : state == CHANNEL_STATE_CLOSED ? "closed" : "unknown";
		const char *label = web_text(web, lang, route->items[i].closes_soon    ? "closes_soon"
						    : state == CHANNEL_STATE_OPEN     ? "open_now"
						    : state == CHANNEL_STATE_CLOSED ? "closed_now"
										    : "hours_unknown");
		/* a channel that is open day and night says so; 112 looks like no other channel */
		bool always = route->items[i].channel->hours.kind == HOURS_ALWAYS;
		bool emergency = strcmp(route->items[i].channel->id, "112") == 0;
		if (always)
			label = web_text(web, lang, "always_open");
		built = json_object_set_new(item, "state", json_string(route->items[i].closes_soon ? "soon" : always ? "always" : id)) == 0 &&
			json_object_set_new(item, "state_label", json_string(label)) == 0 &&
			json_object_set_new(item, "emergency", json_boolean(emergency)) == 0 &&
			json_object_set_new(item, "first", json_boolean(i == 0)) == 0 &&
			web_add_channel_facts(web, lang, route->items[i].channel, true, item) == 0;
	}
	if (!built) {
		/* a list without one of its channels (perhaps 112) must never be shown: no list, a 500 */
		json_decref(result);
		return NULL;
	}
	return result;
}

/* Who reads online reports and when an answer may come: the [site] settings, said plainly when unset. */
static json_t *operator_context(struct web *web, enum kb_lang lang)
{
	const struct server_config *config = web->config;
	json_t *site = json_object();
	if (config->operator_name[0]) {
		json_object_set_new(site, "operator", json_string(config->operator_name));
		const char *about = config->operator_about[lang][0] ? config->operator_about[lang] : config->operator_about[0];
		if (about[0])
			json_object_set_new(site, "operator_about", json_string(about));
		if (config->operator_url[0])
			json_object_set_new(site, "operator_url", json_string(config->operator_url));
	}
	if (config->answer_days > 0)
		json_object_set_new(site, "answer_time", web_with_number(web, lang, config->answer_days == 1 ? "answer_days_one"
													 : "answer_days_many",
								     config->answer_days));
	const struct kb_channel *essm = kb_channel_by_id(web->kb, "essm"); /* kb_load() guarantees it */
	const struct kb_channel *police = kb_channel_by_id(web->kb, "politie");
	json_object_set_new(site, "essm", json_pack("{s:s, s:s, s:s}", "name", essm->name[lang], "phone",
						    essm->phone_display, "tel", essm->phone_tel));
	if (police)
		json_object_set_new(site, "police", json_pack("{s:s, s:s, s:s}", "name", police->name[lang], "phone",
							      police->phone_display, "tel", police->phone_tel));
	return site;
}

json_t *web_site_context(struct web *web, enum kb_lang lang)
{
	return operator_context(web, lang);
}

/* The way to online reporting, for the pages where it fits: {title, text, closed, button} (the template
 * "report_online"), or NULL when this server takes no reports. `about_self`: the person asks about their
 * own situation. The closed note says that ESSM is closed now (then writing now is the way not to wait). */
json_t *web_report_online(struct web *web, enum kb_lang lang, bool about_self, int64_t now)
{
	if (!web->reporting)
		return NULL;
	json_t *box = json_pack("{s:s, s:s, s:s, s:s}", "title", web_text(web, lang, "report_online_title"), "text",
				web_text(web, lang, about_self ? "report_online_self_text" : "report_online_text"), "note",
				web_text(web, lang, "report_online_not_urgent"), "button", web_text(web, lang, "report_online_button"));
	const struct kb_channel *essm = kb_channel_by_id(web->kb, "essm");
	if (now && essm && hours_state_at(&essm->hours, now).state == CHANNEL_STATE_CLOSED)
		json_object_set_new(box, "closed", json_string(web_text(web, lang, "report_online_closed")));
	return box;
}

/* ---------- pages ---------- */

void web_number_in_words(struct web *web, enum kb_lang lang, unsigned n, char *out, size_t size)
{
	const char *words = web_text(web, lang, "number_words"); /* "nul,één,twee,..." */
	unsigned index = 0;
	const char *start = words;
	for (const char *p = words; ; p++) {
		if (*p == ',' || *p == '\0') {
			if (index == n) {
				snprintf(out, size, "%.*s", (int)(p - start), start);
				return;
			}
			if (*p == '\0')
				break;
			index++;
			start = p + 1;
		}
	}
	snprintf(out, size, "%u", n);
}

/* A text with "{n}" replaced by a number in words. */
json_t *web_with_number(struct web *web, enum kb_lang lang, const char *key, unsigned n)
{
	char word[32];
	web_number_in_words(web, lang, n, word, sizeof word);
	char out[600];
	web_fill_in(web_text(web, lang, key), "{n}", word, out, sizeof out);
	return json_string(out);
}

/* "Wat meetelde: twee sterke aanwijzingen en één middelsterke aanwijzing." */
bool web_is_api_path(const char *path)
{
	return strncmp(path, "/api/", 5) == 0 || strcmp(path, "/healthz") == 0;
}

enum kb_lang web_split_language(const char *path, const char **rest)
{
	if (strcmp(path, "/en") == 0) {
		*rest = "/";
		return KB_LANG_EN;
	}
	if (strncmp(path, "/en/", 4) == 0) {
		*rest = path + 3;
		return KB_LANG_EN;
	}
	*rest = path;
	return KB_LANG_NL;
}

/* Whom to call when the site cannot take a report now (too many attempts from a shared address, too
 * busy): ESSM with its hours, and the police's general number, from the channel data. */
json_t *web_call_instead(struct web *web, enum kb_lang lang)
{
	json_t *calls = json_array();
	static const char *const ids[] = {"essm", "politie"};
	for (size_t i = 0; calls && i < sizeof ids / sizeof *ids; i++) {
		const struct kb_channel *channel = kb_channel_by_id(web->kb, ids[i]);
		if (!channel)
			continue;
		json_t *item = json_pack("{s:s, s:s, s:s}", "name", channel->name[lang], "phone", channel->phone_display,
					 "tel", channel->phone_tel);
		json_t *hours = web_regular_hours(web, lang, &channel->hours, true);
		bool added = item && (!hours || json_object_set_new(item, "hours", hours) == 0) &&
			     json_array_append_new(calls, item) == 0;
		if (!added) {
			json_decref(calls); /* whom to call is never shown shorter */
			calls = NULL;
		}
	}
	return calls;
}

/* Every error the site answers, once: the status, the page's texts and the API's message. A page and a
 * JSON answer for the same status say the same thing; 429 and 503 add whom to call instead. */
static const struct web_error {
	unsigned status;
	const char *title_key, *text_key; /* strings.json */
	const char *message;              /* the JSON answer's "error" */
	bool calls;
} web_errors[] = {
	{400, "error_400_title", "error_400_text", "bad request", false},
	{401, "error_400_title", "error_400_text", "unknown receipt or expired session", false},
	{403, "error_400_title", "error_400_text", "refused: this form did not come from this site", false},
	{404, "error_404_title", "error_404_text", "not found", false},
	{405, "error_405_title", "error_405_text", "method not allowed", false},
	{413, "error_413_title", "error_413_text", "request body too large", false},
	{414, "error_414_title", "error_414_text", "URL too long", false},
	{415, "error_400_title", "error_400_text", "Content-Type must be application/json (in UTF-8)", false},
	{429, "error_429_title", "error_429_text", "too many attempts from here; try again in an hour", true},
	{431, "error_413_title", "error_413_text", "request headers too large", false},
	{500, "error_500_title", "error_500_text", "internal error", true},
	{503, "error_503_title", "error_503_text", "busy; try again in a minute", true},
};

static const struct web_error *error_for(unsigned status)
{
	for (size_t i = 0; i < sizeof web_errors / sizeof *web_errors; i++) {
		if (web_errors[i].status == status)
			return &web_errors[i];
	}
	return &web_errors[0]; /* a status without a row reads as a bad request */
}

void web_error_page(void *app, const struct http_request *request, unsigned status, struct http_reply *reply)
{
	struct web *web = app;
	const struct web_error *row = error_for(status);
	strbuf_release(&reply->body);
	web_reply_drop_cached(reply);
	if (web_is_api_path(request->path)) {
		web_reply_json_error(reply, status, row->message);
		return;
	}
	const char *rest;
	enum kb_lang lang = web_split_language(request->path, &rest);
	json_t *context = web_page_context(web, lang, "/", NULL, row->title_key, NULL);
	json_t *error = json_pack("{s:s, s:s}", "title", web_text(web, lang, row->title_key), "text",
				  web_text(web, lang, row->text_key));
	if (error && row->calls && (json_object_set_new(error, "calls", web_call_instead(web, lang)) ||
				    json_object_set_new(error, "has_calls", json_true()))) {
		json_decref(error);
		error = NULL;
	}
	if (!context || json_object_set_new(context, "error", error)) {
		json_decref(context);
		web_reply_plain_error(reply);
		return;
	}
	web_render(web, "error", context, status, reply);
}
