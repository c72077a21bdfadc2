#define _POSIX_C_SOURCE 200809L
#include "web.h"
#include "web_internal.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "assess.h"
#include "contract.h"
#include "hours.h"
#include "qr.h"
#include "route.h"
#include "situation.h"
#include "text.h"
#include "texts.h"
#include "timefmt.h"

#define PAGE_CAP (2u << 20)
#define STATIC_FILE_CAP (512u * 1024u)

static const char html_type[] = "text/html; charset=utf-8";
static const char json_content_type[] = "application/json";

/* ---------- loading ---------- */

/* The texts (texts.h), with every key that text.c's sentences need: a gap stops the start. */
static int load_strings(struct web *web, const char *path, char *error, size_t error_size)
{
	return texts_load(&web->texts, path, error, error_size) || text_check(&web->texts, error, error_size) ? -1 : 0;
}

static const char *content_type_for(const char *name)
{
	static const struct {
		const char *suffix, *type;
	} types[] = {{".css", "text/css; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
		     {".svg", "image/svg+xml"},           {".png", "image/png"},
		     {".ico", "image/x-icon"},            {".txt", "text/plain; charset=utf-8"}};
	size_t len = strlen(name);
	for (size_t i = 0; i < sizeof types / sizeof *types; i++) {
		size_t suffix_len = strlen(types[i].suffix);
		if (len > suffix_len && strcmp(name + len - suffix_len, types[i].suffix) == 0)
			return types[i].type;
	}
	return NULL;
}

/* FNV-1a: a content fingerprint for ETags (not a security measure). */
static uint64_t fingerprint(const char *data, size_t len)
{
	uint64_t hash = 1469598103934665603ull;
	for (size_t i = 0; i < len; i++) {
		hash ^= (unsigned char)data[i];
		hash *= 1099511628211ull;
	}
	return hash;
}

static int load_statics(struct web *web, const char *dir, char *error, size_t error_size)
{
	DIR *folder = opendir(dir);
	if (!folder) {
		snprintf(error, error_size, "%.200s: cannot open the static folder", dir);
		return -1;
	}
	struct dirent *file;
	int status = 0;
	while (status == 0 && (file = readdir(folder)) != NULL) {
		const char *type = content_type_for(file->d_name);
		if (file->d_name[0] == '.' || !type)
			continue;
		if (web->static_count == WEB_MAX_STATIC || strlen(file->d_name) > 100) {
			snprintf(error, error_size, "%.200s: too many files, or a name too long", dir);
			status = -1;
			break;
		}
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, file->d_name);
		struct strbuf data;
		strbuf_init(&data, STATIC_FILE_CAP);
		if (strbuf_read_file(&data, path) != STRBUF_OK) {
			snprintf(error, error_size, "%.200s: cannot be read (or larger than 512 KiB)", path);
			status = -1;
		} else {
			struct web_static_file *entry = &web->statics[web->static_count++];
			snprintf(entry->url, sizeof entry->url, "/static/%.100s", file->d_name);
			snprintf(entry->etag, sizeof entry->etag, "\"%016llx\"",
				 (unsigned long long)fingerprint(data.buf, data.len));
			entry->ok = http_cached_create(200, type, data.buf, data.len, true, entry->etag);
			entry->not_modified = http_cached_create(304, NULL, "", 0, true, entry->etag);
			if (!entry->ok || !entry->not_modified) {
				snprintf(error, error_size, "out of memory");
				status = -1;
			}
		}
		strbuf_release(&data);
	}
	closedir(folder);
	return status;
}

/* ---------- helpers ---------- */

/* The host of an http(s) URL, lower case, without brackets or port; false when there is none. */
static bool url_host(const char *url, char *host, size_t size)
{
	const char *start = strncasecmp(url, "https://", 8) == 0 ? url + 8 : strncasecmp(url, "http://", 7) == 0 ? url + 7 : NULL;
	if (!start || size == 0)
		return false;
	const char *end = start;
	if (*start == '[') {
		start++;
		end = strchr(start, ']');
		if (!end)
			return false;
	} else {
		end = start + strcspn(start, ":/?#");
	}
	size_t len = (size_t)(end - start);
	if (len == 0 || len >= size)
		return false;
	for (size_t i = 0; i < len; i++)
		host[i] = (char)(start[i] >= 'A' && start[i] <= 'Z' ? start[i] - 'A' + 'a' : start[i]);
	host[len] = '\0';
	return true;
}

/* Reads a dotted IPv4 address; false for anything else. */
static bool ipv4_parts(const char *host, unsigned part[4])
{
	const char *p = host;
	for (int i = 0; i < 4; i++) {
		if (*p < '0' || *p > '9')
			return false;
		unsigned value = 0;
		int digits = 0;
		while (*p >= '0' && *p <= '9' && digits < 4) {
			value = value * 10 + (unsigned)(*p++ - '0');
			digits++;
		}
		if (value > 255 || (i < 3 && *p++ != '.'))
			return false;
		part[i] = value;
	}
	return *p == '\0';
}

bool web_poster_url_is_public(const struct server_config *config)
{
	char host[256];
	if (!url_host(config->public_base_url, host, sizeof host))
		return false;
	size_t len = strlen(host);
	if (strcmp(host, "localhost") == 0 || (len > 10 && strcmp(host + len - 10, ".localhost") == 0))
		return false;
	unsigned ip[4];
	if (ipv4_parts(host, ip))
		return !(ip[0] == 127 || ip[0] == 0 || ip[0] == 10 || (ip[0] == 169 && ip[1] == 254) ||
			 (ip[0] == 172 && ip[1] >= 16 && ip[1] <= 31) || (ip[0] == 192 && ip[1] == 168));
	if (strchr(host, ':')) /* IPv6: loopback, unspecified, link-local, unique local */
		return !(strcmp(host, "::1") == 0 || strcmp(host, "::") == 0 || strncmp(host, "fe80:", 5) == 0 ||
			 strncmp(host, "fc", 2) == 0 || strncmp(host, "fd", 2) == 0);
	return strchr(host, '.') != NULL; /* a name without a dot only works inside one network */
}

/* The moment the pages show opening states for: the clock, or [server] fixed_time (tests, demonstrations). */
static int64_t web_now(const struct web *web)
{
	return web->config->has_fixed_time ? web->config->fixed_time : (int64_t)time(NULL);
}

static json_t *with_number(struct web *web, enum kb_lang lang, const char *key, unsigned n);

/* `text` with the first `mark` replaced by `value` (texts come from strings.json, never used as formats). */
static void fill_in(const char *text, const char *mark, const char *value, char *out, size_t size)
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
void web_day_in_words(const struct web *web, enum kb_lang lang, const char *day, bool with_year, char *out,
		      size_t size)
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
	civil_from_time(web_now(web), 0, &today);
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
static json_t *post_button(const char *action, const struct http_request *request, const char *skip_key,
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

void web_render(struct web *web, const char *template_name, json_t *context, unsigned status,
			struct http_reply *reply)
{
	const struct template *template = template_set_get(web->templates, template_name);
	reply->status = status;
	reply->content_type = html_type;
	if (!template || template_render(template, context, &reply->body)) {
		strbuf_release(&reply->body);
		reply->status = 500;
		reply->content_type = "text/plain; charset=utf-8";
		if (strbuf_addstr(&reply->body, "Internal error. In acute danger: call 112.\n"))
			reply->status = 500; /* the body stays empty; the status says enough */
	}
	json_decref(context);
}

static void reply_json(struct http_reply *reply, unsigned status, json_t *value)
{
	reply->status = status;
	reply->content_type = json_content_type;
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

static void reply_json_error(struct http_reply *reply, unsigned status, const char *message)
{
	reply_json(reply, status, json_pack("{s:s}", "error", message));
}

/* The regular hours in words ("elke dag van 08:30 tot 22:00 uur"), or NULL when no source states them. */
static json_t *regular_hours(struct web *web, enum kb_lang lang, const struct opening_hours *hours, bool always)
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
		fill_in(web_text(web, lang, "hours_range"), "{open}", open_clock, half, sizeof half);
		fill_in(half, "{close}", close_clock, range, sizeof range);
		if (status == 0)
			status = strbuf_addstr(&out, " ") || strbuf_addstr(&out, range);
	}
	json_t *result = status == 0 ? json_stringn(out.buf, out.len) : NULL;
	strbuf_release(&out);
	return result;
}

/* The facts of a channel that every page shows the same way; "day and night" only where no live state says it. */
static void add_channel_facts(struct web *web, enum kb_lang lang, const struct kb_channel *channel, bool live,
			      json_t *item)
{
	if (channel->full_name)
		json_object_set_new(item, "full_name", json_string(channel->full_name));
	if (lang == KB_LANG_EN && channel->url_en)
		json_object_set_new(item, "url_en", json_string(channel->url_en));
	json_t *hours = regular_hours(web, lang, &channel->hours, !live);
	if (hours)
		json_object_set_new(item, "regular_hours", hours);
}

/* Adds state and label fields to each recommendation of a route result, for the pages. */
static json_t *route_for_page(struct web *web, const struct route_result *route, enum kb_lang lang)
{
	json_t *result = contract_route_json(web->kb, route, NULL, lang);
	json_t *list = json_object_get(result, "recommendations");
	for (size_t i = 0; i < route->count; i++) {
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
		json_object_set_new(item, "state", json_string(route->items[i].closes_soon ? "soon" : always ? "always" : id));
		json_object_set_new(item, "state_label", json_string(label));
		json_object_set_new(item, "emergency", json_boolean(emergency));
		json_object_set_new(item, "first", json_boolean(i == 0));
		add_channel_facts(web, lang, route->items[i].channel, true, item);
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
		json_object_set_new(site, "answer_time", with_number(web, lang, config->answer_days == 1 ? "answer_days_one"
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
static json_t *report_online(struct web *web, enum kb_lang lang, bool about_self, int64_t now)
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

static void page_home(struct web *web, enum kb_lang lang, struct http_reply *reply)
{
	json_t *context = web_page_context(web, lang, "/", NULL, "nav_home", "home");
	json_object_set_new(context, "reporting", json_boolean(web->reporting != NULL));
	web_render(web, "home", context, 200, reply);
}

static void page_definition(struct web *web, enum kb_lang lang, struct http_reply *reply)
{
	web_render(web, "trafficking",
		   web_page_context(web, lang, "/mensenhandel", NULL, "definition_title", "definition"), 200, reply);
}

/* The day the accessibility statement was written (the model asks for it). */
#define ACCESSIBILITY_STATEMENT_DAY "2026-11-30"

static void page_accessibility(struct web *web, enum kb_lang lang, struct http_reply *reply)
{
	json_t *context = web_page_context(web, lang, "/toegankelijkheid", NULL, "a11y_title", "accessibility");
	char day[80], text[200];
	web_day_in_words(web, lang, ACCESSIBILITY_STATEMENT_DAY, true, day, sizeof day);
	fill_in(web_text(web, lang, "a11y_date"), "{date}", day, text, sizeof text);
	json_t *page = json_pack("{s:s}", "date", text);
	if (web_poster_url_is_public(web->config))
		json_object_set_new(page, "address", json_string(web->config->public_base_url));
	json_object_set_new(context, "page", page);
	web_render(web, "accessibility", context, 200, reply);
}

static void page_colophon(struct web *web, enum kb_lang lang, struct http_reply *reply)
{
	json_t *context = web_page_context(web, lang, "/colofon", NULL, "colophon_title", "colophon");
	json_object_set_new(context, "reporting", json_boolean(web->reporting != NULL));
	web_render(web, "colophon", context, 200, reply);
}

static void page_traces(struct web *web, enum kb_lang lang, struct http_reply *reply)
{
	web_render(web, "traces", web_page_context(web, lang, "/wis-je-sporen", NULL, "traces_title", "traces"), 200, reply);
}

static void page_privacy(struct web *web, enum kb_lang lang, struct http_reply *reply)
{
	json_t *context = web_page_context(web, lang, "/privacy", NULL, "privacy_title", "privacy");
	json_object_set_new(context, "site", operator_context(web, lang));
	json_object_set_new(context, "reporting", json_boolean(web->reporting != NULL));
	web_render(web, "privacy", context, 200, reply);
}

static json_t *channels_for_page(struct web *web, enum kb_lang lang, int64_t now)
{
	json_t *list = json_array();
	for (size_t i = 0; i < web->kb->channel_count; i++) {
		const struct kb_channel *channel = &web->kb->channels[i];
		struct channel_state state = hours_state_at(&channel->hours, now);
		char hours_text[400];
		route_describe_state(&web->texts, channel, state, now, lang, hours_text, sizeof hours_text);
		json_t *item = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "id", channel->id, "name",
					 channel->name[lang], "phone", channel->phone_display, "tel", channel->phone_tel,
					 "purpose", channel->purpose[lang], "hours", hours_text, "rotterdam",
					 channel->rotterdam_region_only);
		if (channel->url)
			json_object_set_new(item, "url", json_string(channel->url));
		json_object_set_new(item, "emergency", json_boolean(strcmp(channel->id, "112") == 0));
		if (channel->anonymity[lang])
			json_object_set_new(item, "anonymity", json_string(channel->anonymity[lang]));
		if (channel->cost[lang])
			json_object_set_new(item, "cost", json_string(channel->cost[lang]));
		add_channel_facts(web, lang, channel, now != 0, item);
		json_array_append_new(list, item);
	}
	return list;
}

static void page_contacts(struct web *web, enum kb_lang lang, const struct http_request *request,
			  struct http_reply *reply)
{
	(void)request;
	json_t *context = web_page_context(web, lang, "/contact", NULL, "contacts_title", "contacts");
	json_object_set_new(context, "channels", channels_for_page(web, lang, web_now(web)));
	json_object_set_new(context, "reporting", json_boolean(web->reporting != NULL));
	web_render(web, "contacts", context, 200, reply);
}

/* An address as people type it: without "https://" (printed under a QR code). */
static const char *without_scheme(const char *url)
{
	const char *rest = strstr(url, "://");
	return rest ? rest + 3 : url;
}

/* The A4 poster. Its QR codes and addresses lead to [server] public_base_url; when that cannot be reached
 * from outside (unset, loopback, a private address) it prints none and says why on the screen. */
static void page_poster(struct web *web, enum kb_lang lang, struct http_reply *reply)
{
	json_t *context = web_page_context(web, lang, "/poster", NULL, "nav_poster", "poster");
	bool public_url = web_poster_url_is_public(web->config);
	json_t *page = json_pack("{s:b, s:s}", "public", public_url, "base_url", web->config->public_base_url);
	json_object_set_new(context, "page", page);
	const char *targets[2][2] = {{"signals", "/signalen"}, {"guide", "/wegwijzer"}};
	const char *labels[2] = {"poster_scan_signals", "poster_scan_guide"};
	for (int i = 0; public_url && i < 2; i++) {
		char url[CONFIG_TEXT_SIZE + 64];
		snprintf(url, sizeof url, "%s%s%s", web->config->public_base_url, web_lang_prefix(lang), targets[i][1]);
		struct strbuf svg;
		strbuf_init(&svg, 256u * 1024u);
		if (qr_svg(&svg, url, web_text(web, lang, labels[i])) == 0)
			json_object_set_new(context, targets[i][0],
					    json_pack("{s:s, s:s, s:s%}", "url", url, "shown", without_scheme(url), "svg",
						      svg.buf, svg.len));
		strbuf_release(&svg);
	}
	if (public_url && web->reporting) {
		char url[CONFIG_TEXT_SIZE + 64];
		snprintf(url, sizeof url, "%s%s/melden", web->config->public_base_url, web_lang_prefix(lang));
		json_object_set_new(page, "report_url", json_string(url));
		json_object_set_new(page, "report_shown", json_string(without_scheme(url)));
	}
	/* the poster shows numbers, hours and forms, not live opening state */
	json_t *channels = channels_for_page(web, lang, 0);
	size_t index;
	json_t *channel;
	json_array_foreach(channels, index, channel) {
		const char *id = json_string_value(json_object_get(channel, "id"));
		/* the 112 line is the poster's own block */
		json_object_set_new(channel, "skip", json_boolean(id && strcmp(id, "112") == 0));
	}
	json_object_set_new(context, "channels", channels);
	web_render(web, "poster", context, 200, reply);
}

/* ---- the guide ---- */

enum { ANSWER_NONE = -1, GUIDE_STEPS = 6 };

struct guide_answers {
	int danger;       /* 0 no, 1 yes */
	int about;        /* 0 someone else, 1 someone I know through work with children, 2 myself */
	unsigned forms;   /* kb_form bits, bit 3: unknown */
	int minor;        /* 0 no, 1 yes, 2 unknown */
	int need;         /* 0 advice, 1 report, 2 anonymous, 3 unsure */
	int region;       /* 0 rotterdam, 1 other */
	int step;         /* the step the form was sent from, or 0 */
};

static const char *const danger_values[] = {"no", "yes", NULL};
static const char *const about_values[] = {"other", "children_work", "self", NULL};
static const char *const form_values[] = {"sexual", "labour", "criminal", "unknown", NULL};
static const char *const minor_values[] = {"no", "yes", "unknown", NULL};
static const char *const need_values[] = {"advice", "report", "anonymous", "unsure", NULL};
static const char *const region_values[] = {"rotterdam", "other", NULL};

static int value_index(const char *const *values, const char *value)
{
	for (int i = 0; values[i]; i++) {
		if (strcmp(values[i], value) == 0)
			return i;
	}
	return -2;
}

/* Reads the answers from the query; -1 when a value is not one of the choices. */
static int read_guide_answers(const struct http_request *request, struct guide_answers *answers)
{
	*answers = (struct guide_answers){ANSWER_NONE, ANSWER_NONE, 0, ANSWER_NONE, ANSWER_NONE, ANSWER_NONE, 0};
	for (size_t i = 0; i < request->field_count; i++) {
		const char *key = request->fields[i].key, *value = request->fields[i].value;
		int index = 0;
		if (strcmp(key, "danger") == 0)
			index = answers->danger = value_index(danger_values, value);
		else if (strcmp(key, "about") == 0)
			index = answers->about = value_index(about_values, value);
		else if (strcmp(key, "form") == 0) {
			index = value_index(form_values, value);
			if (index >= 0)
				answers->forms |= 1u << index;
		} else if (strcmp(key, "minor") == 0)
			index = answers->minor = value_index(minor_values, value);
		else if (strcmp(key, "need") == 0)
			index = answers->need = value_index(need_values, value);
		else if (strcmp(key, "region") == 0)
			index = answers->region = value_index(region_values, value);
		else if (strcmp(key, "step") == 0)
			index = answers->step = (value[0] >= '1' && value[0] <= '0' + GUIDE_STEPS && value[1] == '\0')
							? value[0] - '0' : -2;
		if (index == -2)
			return -1;
	}
	return 0;
}

struct question {
	const char *name;
	const char *text_key;
	const char *self_text_key;        /* the question when it is about the person asking; or NULL */
	const char *hint_key;
	const char *examples_key;         /* keys "<examples_key>_1".."_4": a list under the question; or NULL */
	bool multiple;
	const char *const *values;
	const char *const *labels;
	const char *const *self_labels;   /* labels when it is about the person asking; or NULL */
	const char *const *descriptions;  /* a line under each label; or NULL */
};

static const char *const yes_no_labels[] = {"a_no", "a_yes"};
static const char *const about_labels[] = {"a_about_other", "a_about_children_work", "a_about_self"};
static const char *const form_labels[] = {"a_sexual", "a_labour", "a_criminal", "a_dont_know"};
static const char *const form_descriptions[] = {"a_sexual_desc", "a_labour_desc", "a_criminal_desc", NULL};
static const char *const minor_labels[] = {"a_no", "a_yes", "a_dont_know"};
static const char *const need_labels[] = {"a_advice", "a_report", "a_anonymous", "a_unsure"};
static const char *const need_self_labels[] = {"a_advice_self", "a_report_self", "a_anonymous_self", "a_unsure"};
static const char *const region_labels[] = {"a_rotterdam", "a_other_region"};

static const struct question questions[GUIDE_STEPS] = {
	{"danger", "q_danger", NULL, "q_danger_hint", "q_danger_example", false, danger_values, yes_no_labels, NULL, NULL},
	{"about", "q_about", NULL, NULL, NULL, false, about_values, about_labels, NULL, NULL},
	{"form", "q_forms", "q_forms_self", "q_forms_hint", NULL, true, form_values, form_labels, NULL, form_descriptions},
	{"minor", "q_minor", "q_minor_self", NULL, NULL, false, minor_values, minor_labels, NULL, NULL},
	{"need", "q_need", NULL, NULL, NULL, false, need_values, need_labels, need_self_labels, NULL},
	{"region", "q_region", "q_region_self", NULL, NULL, false, region_values, region_labels, NULL, NULL},
};

static int first_unanswered(const struct guide_answers *a)
{
	if (a->danger < 0)
		return 1;
	if (a->about < 0)
		return 2;
	if (!a->forms)
		return 3;
	if (a->minor < 0)
		return 4;
	if (a->need < 0)
		return 5;
	if (a->region < 0)
		return 6;
	return 0;
}

static json_t *question_json(struct web *web, enum kb_lang lang, int step, bool about_self,
			     const struct guide_answers *answers)
{
	const struct question *q = &questions[step - 1];
	json_t *options = json_array();
	/* "yes" first reads more naturally than the stored order no/yes */
	static const int yes_first[] = {1, 0};
	static const int yes_first_three[] = {1, 0, 2};
	const char *const *labels = about_self && q->self_labels ? q->self_labels : q->labels;
	for (int i = 0; q->values[i]; i++) {
		int v = (step == 1) ? yes_first[i] : (step == 4) ? yes_first_three[i] : i;
		char id[48];
		snprintf(id, sizeof id, "%s-%s", q->name, q->values[v]);
		bool checked = (step == 3 && (answers->forms & (1u << v))) || (step == 1 && answers->danger == v) ||
			       (step == 2 && answers->about == v) || (step == 4 && answers->minor == v) ||
			       (step == 5 && answers->need == v) || (step == 6 && answers->region == v);
		json_t *option = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "type", q->multiple ? "checkbox" : "radio",
					   "id", id, "name", q->name, "value", q->values[v], "label",
					   web_text(web, lang, labels[v]), "checked", checked);
		if (q->descriptions && q->descriptions[v]) {
			char describedby[64];
			snprintf(describedby, sizeof describedby, "%s-desc", id);
			json_object_set_new(option, "description", json_string(web_text(web, lang, q->descriptions[v])));
			json_object_set_new(option, "description_id", json_string(describedby));
		}
		json_array_append_new(options, option);
	}
	const char *text_key = about_self && q->self_text_key ? q->self_text_key : q->text_key;
	json_t *result = json_pack("{s:s, s:o}", "text", web_text(web, lang, text_key), "options", options);
	if (q->hint_key)
		json_object_set_new(result, "hint", json_string(web_text(web, lang, q->hint_key)));
	if (q->examples_key) {
		json_t *examples = json_array();
		for (int i = 1; i <= 4; i++) {
			char key[64];
			snprintf(key, sizeof key, "%s_%d", q->examples_key, i);
			json_array_append_new(examples, json_string(web_text(web, lang, key)));
		}
		json_object_set_new(result, "examples", json_pack("{s:o}", "items", examples));
	}
	return result;
}

/* The signal check with the guide's forms and age already filled in (sent by POST, not in an address). */
static json_t *signals_button_for(struct web *web, enum kb_lang lang, const struct guide_answers *answers)
{
	json_t *fields = json_array();
	for (int f = 0; f < 4; f++) {
		if (answers->forms & (1u << f))
			json_array_append_new(fields, json_pack("{s:s, s:s}", "name", "form", "value", form_values[f]));
	}
	json_array_append_new(fields, json_pack("{s:s, s:s}", "name", "age", "value",
						answers->minor == 1 ? "minor" : answers->minor == 2 ? "unknown" : "adult"));
	char action[32];
	snprintf(action, sizeof action, "%s/signalen", web_lang_prefix(lang));
	return json_pack("{s:s, s:o, s:s}", "action", action, "fields", fields, "label",
			 web_text(web, lang, "result_signals_link"));
}

static void page_guide(struct web *web, enum kb_lang lang, const struct http_request *request,
		       struct http_reply *reply)
{
	struct guide_answers answers;
	if (read_guide_answers(request, &answers)) {
		web_error_page(web, request, 400, reply);
		return;
	}
	bool about_self = answers.about == 2;
	json_t *context = web_page_context(web, lang, "/wegwijzer", request, "guide_title", "guide");
	json_t *page = json_object();
	json_object_set_new(context, "page", page);
	json_object_set_new(page, "acute", json_boolean(answers.danger == 1));
	json_object_set_new(page, "steps", json_integer(GUIDE_STEPS));
	int step = first_unanswered(&answers);
	char path[32];
	snprintf(path, sizeof path, "%s/wegwijzer", web_lang_prefix(lang));
	json_object_set_new(page, "restart_url", json_string(path));
	if (step) {
		json_object_set_new(page, "step", json_integer(step));
		json_object_set_new(page, "first", json_boolean(step == 1));
		json_object_set_new(page, "question", question_json(web, lang, step, about_self, &answers));
		json_object_set_new(page, "error", json_boolean(answers.step == step));
		json_t *hidden = json_array();
		for (size_t i = 0; i < request->field_count; i++) {
			if (strcmp(request->fields[i].key, "step") != 0 &&
			    strcmp(request->fields[i].key, questions[step - 1].name) != 0)
				json_array_append_new(hidden, json_pack("{s:s, s:s}", "name", request->fields[i].key, "value",
									request->fields[i].value));
		}
		json_object_set_new(page, "hidden", hidden);
		if (step > 1)
			json_object_set_new(page, "back", post_button(path, request, questions[step - 2].name, NULL,
								      web_text(web, lang, "guide_back")));
		if (answers.step == step) {
			const char *first = json_string_value(json_object_get(
				json_array_get(json_object_get(json_object_get(page, "question"), "options"), 0), "id"));
			web_add_error(web, lang, context, first ? first : "main", web_text(web, lang, "guide_choose"));
		}
		web_render(web, "guide", context, 200, reply);
		return;
	}
	struct situation situation;
	situation_init(&situation);
	situation.lang = lang;
	situation.acute_danger = answers.danger == 1;
	situation.about_self = about_self;
	situation.works_with_children = answers.about == 1;
	situation.forms = answers.forms & 7u;
	situation.form_unknown = (answers.forms & 8u) != 0;
	situation.age = answers.minor == 1 ? KB_AGE_MINOR : answers.minor == 2 ? KB_AGE_UNKNOWN : KB_AGE_ADULT;
	situation.wants_advice = answers.need == 0;
	situation.report_victim = answers.need == 1;
	situation.wants_anonymity = answers.need == 2;
	situation.region = answers.region == 1 ? REGION_OTHER : REGION_ROTTERDAM;
	struct route_result route;
	route_for_situation(web->kb, &web->texts, &situation, web_now(web), &route);
	json_object_set_new(page, "result", json_true());
	json_object_set_new(context, "heading2", json_true()); /* the channels come right under the h1 */
	json_object_set_new(page, "about_self", json_boolean(about_self));
	json_object_set_new(page, "back", post_button(path, request, "region", NULL, web_text(web, lang, "guide_back")));
	json_object_set_new(context, "route", route_for_page(web, &route, lang));
	json_object_set_new(page, "signals", signals_button_for(web, lang, &answers));
	/* online reporting fits when there is no acute danger and it is about this region */
	if (answers.danger != 1 && answers.region != 1) {
		json_t *online = report_online(web, lang, about_self, web_now(web));
		if (online)
			json_object_set_new(context, "report_online", online);
	}
	web_render(web, "guide", context, 200, reply);
}

/* ---- the signal check ---- */

static const char *const form_title_keys[KB_FORM_COUNT] = {"form_sexual_title", "form_labour_title", "form_criminal_title"};

/* What the check knows: the forms and the age (step 1), the ticked signals (step 2). */
struct signal_choice {
	size_t signals[SITUATION_MAX_SIGNALS];
	size_t count;
	unsigned forms;       /* kb_form bits, bit 3: "weet ik niet" */
	bool has_age;
	enum kb_age age;
	bool sent_step_one;   /* step 1 was sent (an answer missing is then an error) */
	bool change;          /* show step 1 again to change the answers */
};

static const char *const age_values[] = {"minor", "adult", "unknown", NULL};
static const enum kb_age age_of_value[] = {KB_AGE_MINOR, KB_AGE_ADULT, KB_AGE_UNKNOWN};

static const char *age_value(enum kb_age age)
{
	return age == KB_AGE_MINOR ? "minor" : age == KB_AGE_ADULT ? "adult" : "unknown";
}

static int read_signal_choice(const struct kb *kb, const struct http_request *request, struct signal_choice *choice)
{
	memset(choice, 0, sizeof *choice);
	choice->age = KB_AGE_UNKNOWN;
	for (size_t i = 0; i < request->field_count; i++) {
		const char *key = request->fields[i].key, *value = request->fields[i].value;
		if (strcmp(key, "minor") == 0) { /* the address of the earlier one-page check */
			if (strcmp(value, "1") != 0)
				return -1;
			choice->has_age = true;
			choice->age = KB_AGE_MINOR;
		} else if (strcmp(key, "age") == 0) {
			int index = value_index(age_values, value);
			if (index < 0)
				return -1;
			choice->has_age = true;
			choice->age = age_of_value[index];
		} else if (strcmp(key, "form") == 0) {
			int index = value_index(form_values, value);
			if (index < 0)
				return -1;
			choice->forms |= 1u << index;
		} else if (strcmp(key, "step") == 0) {
			if (strcmp(value, "1") != 0)
				return -1;
			choice->sent_step_one = true;
		} else if (strcmp(key, "change") == 0) {
			choice->change = true;
		} else if (strcmp(key, "signal") == 0) {
			long index = kb_signal_index(kb, value);
			if (index < 0)
				return -1;
			bool repeated = false;
			for (size_t j = 0; j < choice->count; j++)
				repeated = repeated || choice->signals[j] == (size_t)index;
			if (!repeated && choice->count < SITUATION_MAX_SIGNALS)
				choice->signals[choice->count++] = (size_t)index;
		}
	}
	return 0;
}

/* The forms the list is for: the chosen ones, or all of them ("weet ik niet", or none chosen). */
static unsigned forms_to_show(const struct signal_choice *choice)
{
	unsigned chosen = choice->forms & ((1u << KB_FORM_COUNT) - 1);
	return chosen && !(choice->forms & (1u << KB_FORM_COUNT)) ? chosen : (1u << KB_FORM_COUNT) - 1;
}

/* The forms the person asked about (for assess): none when "weet ik niet" is among them. */
static unsigned forms_asked(const struct signal_choice *choice)
{
	return choice->forms & (1u << KB_FORM_COUNT) ? 0 : choice->forms & ((1u << KB_FORM_COUNT) - 1);
}

static unsigned profiles_for_age(enum kb_age age)
{
	if (age == KB_AGE_UNKNOWN)
		return (1u << KB_PROFILE_ADULT) | (1u << KB_PROFILE_MINOR);
	return 1u << (age == KB_AGE_MINOR ? KB_PROFILE_MINOR : KB_PROFILE_ADULT);
}

/* "Points to: coercion and control; exploitative conditions" for one signal, over the forms and profiles shown. */
static json_t *points_to(struct web *web, enum kb_lang lang, const struct kb_signal *signal, unsigned forms,
			 unsigned profiles)
{
	bool seen[KB_DIMENSION_COUNT] = {false};
	for (size_t w = 0; w < signal->weight_count; w++) {
		const struct kb_weight *weight = &signal->weights[w];
		if ((forms & (1u << weight->form)) && (profiles & (1u << weight->profile)))
			seen[weight->dimension] = true;
	}
	struct strbuf out;
	strbuf_init(&out, 1024);
	int status = 0;
	for (int d = 0; d < KB_DIMENSION_COUNT && status == 0; d++) {
		if (!seen[d])
			continue;
		char key[64];
		snprintf(key, sizeof key, "dim_%s", kb_dimension_id((enum kb_dimension)d));
		status = (out.len && strbuf_addstr(&out, "; ")) || strbuf_addstr(&out, web_text(web, lang, key));
	}
	if (status == 0 && out.len == 0)
		status = strbuf_addstr(&out, web_text(web, lang, "dim_concern"));
	json_t *result = json_string(out.buf ? out.buf : "");
	strbuf_release(&out);
	return result;
}

static bool was_chosen(const struct signal_choice *choice, size_t signal)
{
	for (size_t i = 0; i < choice->count; i++) {
		if (choice->signals[i] == signal)
			return true;
	}
	return false;
}

/* "arbeidsuitbuiting en criminele uitbuiting" / "alle vormen (je weet het niet)" */
static json_t *forms_in_words(struct web *web, enum kb_lang lang, unsigned asked)
{
	if (!asked)
		return json_string(web_text(web, lang, "signals_all_forms"));
	struct strbuf out;
	strbuf_init(&out, 512);
	int status = 0, listed = 0, total = 0;
	for (int f = 0; f < KB_FORM_COUNT; f++)
		total += (asked & (1u << f)) ? 1 : 0;
	for (int f = 0; f < KB_FORM_COUNT && status == 0; f++) {
		if (!(asked & (1u << f)))
			continue;
		if (listed)
			status = strbuf_addstr(&out, listed == total - 1 ? web_text(web, lang, "word_and_spaced") : ", ");
		if (status == 0)
			status = strbuf_addstr(&out, text_form_name(&web->texts, (enum kb_form)f, lang));
		listed++;
	}
	json_t *result = json_string(status == 0 && out.buf ? out.buf : "");
	strbuf_release(&out);
	return result;
}

static void page_signals(struct web *web, enum kb_lang lang, const struct http_request *request,
			 struct http_reply *reply)
{
	struct signal_choice choice;
	if (read_signal_choice(web->kb, request, &choice)) {
		web_error_page(web, request, 400, reply);
		return;
	}
	json_t *context = web_page_context(web, lang, "/signalen", request, "signals_title", "signals");
	json_t *page = json_object();
	json_object_set_new(context, "page", page);
	bool step_one = choice.change || !choice.forms || !choice.has_age;
	if (step_one) {
		/* step 1: the forms and the age */
		json_t *forms = json_array();
		static const char *const labels[] = {"a_sexual", "a_labour", "a_criminal", "a_dont_know"};
		for (int f = 0; f < 4; f++)
			json_array_append_new(forms, json_pack("{s:s, s:s, s:b}", "value", form_values[f], "label",
							       web_text(web, lang, labels[f]), "checked",
							       (choice.forms & (1u << f)) != 0));
		json_t *ages = json_array();
		static const char *const age_labels[] = {"a_yes", "a_no", "a_dont_know"};
		for (int a = 0; a < 3; a++)
			json_array_append_new(ages, json_pack("{s:s, s:s, s:b}", "value", age_values[a], "label",
							      web_text(web, lang, age_labels[a]), "checked",
							      choice.has_age && choice.age == age_of_value[a]));
		json_object_set_new(page, "step_one", json_true());
		json_object_set_new(page, "forms", forms);
		json_object_set_new(page, "ages", ages);
		json_object_set_new(page, "error_forms", json_boolean(choice.sent_step_one && !choice.forms));
		json_object_set_new(page, "error_age", json_boolean(choice.sent_step_one && !choice.has_age));
		json_object_set_new(page, "error", json_boolean(choice.sent_step_one && (!choice.forms || !choice.has_age)));
		if (choice.sent_step_one && !choice.forms)
			web_add_error(web, lang, context, "form-sexual", web_text(web, lang, "signals_choose_form"));
		if (choice.sent_step_one && !choice.has_age)
			web_add_error(web, lang, context, "age-minor", web_text(web, lang, "signals_choose_age"));
		json_t *hidden = json_array();
		for (size_t i = 0; i < choice.count; i++)
			json_array_append_new(hidden, json_string(web->kb->signals[choice.signals[i]].id));
		json_object_set_new(page, "hidden_signals", hidden);
		web_render(web, "signals", context, 200, reply);
		return;
	}
	/* step 2: one list, each signal once, for the chosen forms and the age */
	unsigned forms = forms_to_show(&choice);
	unsigned profiles = profiles_for_age(choice.age);
	json_t *signals = json_array();
	for (size_t i = 0; i < web->kb->signal_count; i++) {
		const struct kb_signal *signal = &web->kb->signals[i];
		bool checked = was_chosen(&choice, i);
		if (!checked && (!(signal->forms & forms) || !(signal->profiles & profiles)))
			continue;
		json_array_append_new(signals, json_pack("{s:s, s:s, s:o, s:b}", "id", signal->id, "text", signal->text[lang],
							 "points_to", points_to(web, lang, signal, forms, profiles),
							 "checked", checked));
	}
	json_t *chosen_forms = json_array();
	for (int f = 0; f < 4; f++) {
		if (choice.forms & (1u << f))
			json_array_append_new(chosen_forms, json_string(form_values[f]));
	}
	static const char *const age_words[] = {"signals_age_minor", "signals_age_adult", "signals_age_unknown"};
	char change_path[40];
	snprintf(change_path, sizeof change_path, "%s/signalen", web_lang_prefix(lang));
	json_object_set_new(page, "change", post_button(change_path, request, "change", "change",
							web_text(web, lang, "signals_change")));
	json_object_set_new(page, "step_two", json_true());
	json_object_set_new(page, "signals", signals);
	json_object_set_new(page, "chosen_forms", chosen_forms);
	json_object_set_new(page, "age", json_string(age_value(choice.age)));
	json_object_set_new(page, "forms_text", forms_in_words(web, lang, forms_asked(&choice)));
	json_object_set_new(page, "age_text", json_string(web_text(web, lang, age_words[choice.age == KB_AGE_MINOR ? 0
										       : choice.age == KB_AGE_ADULT ? 1 : 2])));
	json_object_set_new(page, "signal_count", json_integer((json_int_t)json_array_size(signals)));
	web_render(web, "signals", context, 200, reply);
}

/* ---- the result of the signal check ---- */

/* "twee" for 2 (words up to twelve, then digits). */
static void number_in_words(struct web *web, enum kb_lang lang, unsigned n, char *out, size_t size)
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
static json_t *with_number(struct web *web, enum kb_lang lang, const char *key, unsigned n)
{
	char word[32];
	number_in_words(web, lang, n, word, sizeof word);
	char out[600];
	fill_in(web_text(web, lang, key), "{n}", word, out, sizeof out);
	return json_string(out);
}

/* "Wat meetelde: twee sterke aanwijzingen en één middelsterke aanwijzing." */
static json_t *counts_in_words(struct web *web, enum kb_lang lang, const struct assess_form *form)
{
	unsigned counts[3] = {0, 0, 0};
	for (int d = 0; d < KB_DIMENSION_COUNT; d++) {
		counts[0] += form->dimensions[d].strong;
		counts[1] += form->dimensions[d].medium;
		counts[2] += form->dimensions[d].weak;
	}
	static const char *const keys[3][2] = {{"count_strong_one", "count_strong_many"},
					       {"count_medium_one", "count_medium_many"},
					       {"count_weak_one", "count_weak_many"}};
	int parts = (counts[0] > 0) + (counts[1] > 0) + (counts[2] > 0);
	if (parts == 0)
		return NULL;
	struct strbuf out;
	strbuf_init(&out, 1024);
	int status = strbuf_addstr(&out, web_text(web, lang, "count_intro")), listed = 0;
	for (int k = 0; k < 3 && status == 0; k++) {
		if (!counts[k])
			continue;
		char word[32];
		number_in_words(web, lang, counts[k], word, sizeof word);
		const char *joiner = listed == 0 ? " " : listed == parts - 1 ? web_text(web, lang, "word_and_spaced") : ", ";
		status = strbuf_addstr(&out, joiner) || strbuf_addstr(&out, word) || strbuf_addstr(&out, " ") ||
			 strbuf_addstr(&out, web_text(web, lang, keys[k][counts[k] == 1 ? 0 : 1]));
		listed++;
	}
	if (status == 0)
		status = strbuf_addstr(&out, ".");
	json_t *result = status == 0 ? json_stringn(out.buf, out.len) : NULL;
	strbuf_release(&out);
	return result;
}

static const char *level_class(enum assess_level level)
{
	return assess_level_id(level);
}

/* One block of the result: a form, or (f == KB_FORM_COUNT) several forms together. */
static json_t *assessment_block(struct web *web, enum kb_lang lang, const char *title, const struct assess_form *form,
				enum kb_form f, bool provisional, const char *lead)
{
	json_t *block = json_pack("{s:s, s:s, s:s, s:s}", "title", title, "level", text_level(&web->texts, form->level, lang),
				  "level_id", level_class(form->level), "basis", text_basis(&web->texts, form->basis, f, lang));
	if (provisional && form->level != ASSESS_LEVEL_NONE)
		json_object_set_new(block, "provisional", json_string(text_get(&web->texts, T_ASSESS_PROVISIONAL, lang)));
	if (lead)
		json_object_set_new(block, "lead", json_string(lead));
	json_t *counts = counts_in_words(web, lang, form);
	if (counts)
		json_object_set_new(block, "counts", counts);
	/* what is not known yet, where knowing it could change what to do */
	unsigned open = assess_open_questions(form);
	if (open) {
		json_t *unknown = json_array();
		for (int d = 0; d < KB_DIMENSION_COUNT; d++) {
			if (open & (1u << d))
				json_array_append_new(unknown, json_string(text_unknown_dimension(&web->texts, (enum kb_dimension)d, f, lang)));
		}
		json_object_set_new(block, "unknown", json_pack("{s:s, s:o}", "intro", text_get(&web->texts, T_ASSESS_UNKNOWN_INTRO, lang),
								 "items", unknown));
	}
	return block;
}

static void page_signals_result(struct web *web, enum kb_lang lang, const struct http_request *request,
				struct http_reply *reply)
{
	struct signal_choice choice;
	if (read_signal_choice(web->kb, request, &choice)) {
		web_error_page(web, request, 400, reply);
		return;
	}
	unsigned asked = forms_asked(&choice);
	struct assess_result assessment;
	if (assess_signals(web->kb, choice.signals, choice.count, choice.age, asked, &assessment)) {
		web_error_page(web, request, 500, reply);
		return;
	}
	json_t *context = web_page_context(web, lang, "/signalen/uitslag", request, "signals_result_title", "signals");
	json_t *page = json_object();
	json_object_set_new(context, "page", page);
	json_t *blocks = json_array();
	unsigned relevant = 0;
	for (int f = 0; f < KB_FORM_COUNT; f++) {
		if (assessment.forms[f].relevant)
			relevant |= 1u << f;
	}
	if (choice.count > 0 && relevant) {
		for (int f = 0; f < KB_FORM_COUNT; f++) {
			const struct assess_form *form = &assessment.forms[f];
			if (form->relevant)
				json_array_append_new(blocks, assessment_block(web, lang, web_text(web, lang, form_title_keys[f]),
									       form, (enum kb_form)f, form->provisional, NULL));
		}
	} else if (choice.count > 0) {
		/* no form stands out: the form with the highest level, or one block for the forms weighed together
		 * (provisional only when every one of them is), as the command line does */
		int top = 0, weighed = 0;
		bool all_provisional = true;
		for (int f = 0; f < KB_FORM_COUNT; f++) {
			const struct assess_form *form = &assessment.forms[f];
			if (form->level > assessment.forms[top].level)
				top = f;
			if (form->level != ASSESS_LEVEL_NONE) {
				weighed++;
				all_provisional = all_provisional && form->provisional;
			}
		}
		const struct assess_form *form = &assessment.forms[top];
		if (weighed > 1)
			json_array_append_new(blocks, assessment_block(web, lang, web_text(web, lang, "signals_all_forms_title"),
								       form, KB_FORM_COUNT, all_provisional,
								       text_get(&web->texts, T_ASSESS_SEVERAL_FORMS, lang)));
		else
			json_array_append_new(blocks, assessment_block(web, lang, web_text(web, lang, form_title_keys[top]), form,
								       (enum kb_form)top, form->provisional, NULL));
	}
	/* routing: only the forms that matter here (a signal shared by all forms brings in no other form) */
	struct situation situation;
	situation_init(&situation);
	situation.lang = lang;
	situation.age = choice.age;
	situation.forms = relevant;
	situation.form_unknown = relevant == 0;
	situation.wants_advice = true; /* someone weighing signals is asking for advice first */
	struct route_result route;
	route_for_situation(web->kb, &web->texts, &situation, web_now(web), &route);
	json_t *route_json = route_for_page(web, &route, lang);

	json_object_set_new(page, "none", json_boolean(choice.count == 0));
	if (choice.count > 0) {
		enum assess_level level = assessment.level;
		json_t *lead = json_pack("{s:s, s:s, s:s}", "level", level == ASSESS_LEVEL_NONE ? web_text(web, lang, "signals_level_none")
											      : text_level(&web->texts, level, lang),
					 "next", text_next_step(&web->texts, level, lang), "level_id", level_class(level));
		/* the first channel to call, right under the level */
		json_t *first = json_array_get(json_object_get(route_json, "recommendations"), 0);
		if (first)
			json_object_set(lead, "call", first);
		json_object_set_new(page, "lead", lead);
	}
	json_object_set_new(page, "blocks", blocks);
	if (choice.count > 0 && choice.age == KB_AGE_UNKNOWN)
		json_object_set_new(page, "age_unknown", json_string(text_get(&web->texts, T_ASSESS_AGE_UNKNOWN, lang)));
	json_object_set_new(page, "not_a_verdict", json_string(text_get(&web->texts, T_ASSESS_NOT_A_VERDICT, lang)));
	if (assessment.concern > 0)
		json_object_set_new(page, "concern",
				    with_number(web, lang, assessment.concern == 1 ? "assess_concern_one" : "assess_concern_many",
						assessment.concern));
	json_t *chosen = json_array();
	for (size_t i = 0; i < choice.count; i++)
		json_array_append_new(chosen, json_string(web->kb->signals[choice.signals[i]].text[lang]));
	json_object_set_new(page, "has_chosen", json_boolean(choice.count > 0));
	json_object_set_new(page, "chosen", chosen);
	char edit_path[40];
	snprintf(edit_path, sizeof edit_path, "%s/signalen", web_lang_prefix(lang));
	json_object_set_new(page, "edit", post_button(edit_path, request, NULL, NULL, web_text(web, lang, "signals_edit")));
	json_object_set_new(context, "route", route_json);
	json_t *online = report_online(web, lang, false, web_now(web));
	if (online)
		json_object_set_new(context, "report_online", online);
	assess_result_release(&assessment);
	web_render(web, "signals_result", context, 200, reply);
}

/* ---------- API ---------- */

static bool is_json_request(const struct http_request *request)
{
	const char *type = request->content_type;
	if (!type || strncmp(type, "application/json", 16) != 0)
		return false;
	return type[16] == '\0' || type[16] == ';' || type[16] == ' ';
}

static void api_route(struct web *web, const struct http_request *request, struct http_reply *reply)
{
	struct situation *situation = malloc(sizeof *situation);
	char error[SITUATION_ERROR_SIZE];
	if (!situation) {
		reply_json_error(reply, 500, "out of memory");
		return;
	}
	if (situation_from_json(web->kb, request->body ? request->body : "", request->body_len, situation, error)) {
		reply_json_error(reply, 400, error);
		free(situation);
		return;
	}
	struct route_result route;
	route_for_situation(web->kb, &web->texts, situation, web_now(web), &route);
	struct assess_result assessment;
	bool assessed = situation->signal_count > 0 &&
			assess_signals(web->kb, situation->signals, situation->signal_count, situation->age,
				   situation->forms, &assessment) == 0;
	reply_json(reply, 200, contract_route_json(web->kb, &route, assessed ? &assessment : NULL, situation->lang));
	if (assessed)
		assess_result_release(&assessment);
	free(situation);
}

static void api_assess(struct web *web, const struct http_request *request, struct http_reply *reply)
{
	struct assess_request input;
	char error[SITUATION_ERROR_SIZE];
	if (assess_request_from_json(web->kb, request->body ? request->body : "", request->body_len, &input, error)) {
		reply_json_error(reply, 400, error);
		return;
	}
	struct assess_result assessment;
	if (assess_signals(web->kb, input.signals, input.signal_count, input.age, input.forms, &assessment)) {
		reply_json_error(reply, 500, "out of memory");
		return;
	}
	reply_json(reply, 200, contract_assessment_json(web->kb, &assessment, input.lang));
	assess_result_release(&assessment);
}

static bool read_lang_field(const struct http_request *request, enum kb_lang *lang)
{
	const char *value = http_field(request, "lang");
	*lang = KB_LANG_NL;
	return !value || kb_lang_from_id(value, lang);
}

static void api_signals(struct web *web, const struct http_request *request, struct http_reply *reply)
{
	enum kb_lang lang;
	unsigned forms = 0;
	if (!read_lang_field(request, &lang)) {
		reply_json_error(reply, 400, "lang: expected \"nl\" or \"en\"");
		return;
	}
	for (size_t i = 0; i < request->field_count; i++) {
		enum kb_form form;
		if (strcmp(request->fields[i].key, "form") != 0)
			continue;
		if (!kb_form_from_id(request->fields[i].value, &form)) {
			reply_json_error(reply, 400, "form: expected sexual, labour or criminal");
			return;
		}
		forms |= 1u << form;
	}
	reply_json(reply, 200, contract_signals_json(web->kb, forms ? forms : (1u << KB_FORM_COUNT) - 1, lang));
}

static void api_contacts(struct web *web, const struct http_request *request, struct http_reply *reply)
{
	enum kb_lang lang;
	int64_t at = web_now(web);
	const char *at_text = http_field(request, "at");
	if (!read_lang_field(request, &lang)) {
		reply_json_error(reply, 400, "lang: expected \"nl\" or \"en\"");
		return;
	}
	if (at_text && !rfc3339_parse(at_text, strlen(at_text), &at)) {
		reply_json_error(reply, 400, "at: not a valid RFC 3339 time (like 2026-11-28T14:05:00+01:00)");
		return;
	}
	reply_json(reply, 200, contract_contacts_json(web->kb, &web->texts, at, lang));
}

/* ---- online reports ---- */

static const char *bearer_token(const struct http_request *request)
{
	const char *value = request->authorization;
	if (!value || strncmp(value, "Bearer ", 7) != 0)
		return NULL;
	return value + 7;
}

/* Runs in a worker thread: the durable submission (waits for fsync). */
static void job_submit_report(void *app, const struct http_request *request, struct http_reply *reply)
{
	struct web *web = app;
	struct report_input input;
	char error[REPORT_ERROR_SIZE];
	reply->deferred = NULL;
	if (report_input_from_json(web->kb, request->body ? request->body : "", request->body_len, &input, error)) {
		reply_json_error(reply, 400, error);
		return;
	}
	char receipt[CRYPT_RECEIPT_TEXT_SIZE];
	if (report_submit(web->reporting, &input, receipt)) {
		char message[160]; /* kb_load() guarantees the essm channel */
		snprintf(message, sizeof message, "the report could not be stored; please try again or call %s",
			 kb_channel_by_id(web->kb, "essm")->phone_display);
		reply_json_error(reply, 500, message);
	} else {
		reply_json(reply, 201, json_pack("{s:s}", "receipt", receipt));
		crypt_wipe(receipt, sizeof receipt);
	}
	report_input_release(&input);
}

/* Runs in a worker thread: the receipt login (database read). */
static void job_followup_login(void *app, const struct http_request *request, struct http_reply *reply)
{
	struct web *web = app;
	reply->deferred = NULL;
	json_t *root = json_loadb(request->body ? request->body : "", request->body_len, JSON_REJECT_DUPLICATES, NULL);
	json_t *receipt = json_object_get(root, "receipt");
	if (!json_is_object(root) || !json_is_string(receipt) || json_object_size(root) != 1 ||
	    json_string_length(receipt) > 64) {
		json_decref(root);
		reply_json_error(reply, 400, "expected {\"receipt\": \"XXXXX-XXXXX-XXXXX-XXXXX\"}");
		return;
	}
	char token[REPORT_TOKEN_SIZE];
	int status = report_login(web->reporting, json_string_value(receipt), token);
	json_decref(root);
	if (status == 0) {
		reply_json(reply, 200, json_pack("{s:s}", "token", token));
		crypt_wipe(token, sizeof token);
	} else if (status == 1) {
		reply_json_error(reply, 401, "unknown receipt or expired session");
	} else {
		reply_json_error(reply, 500, "internal error");
	}
}

static void api_followup_read(struct web *web, const struct http_request *request, struct http_reply *reply)
{
	const char *token = bearer_token(request);
	json_t *report = NULL;
	int status = token ? report_followup(web->reporting, token, &report) : 1;
	if (status == 0)
		reply_json(reply, 200, report);
	else
		reply_json_error(reply, status == 1 ? 401 : 500,
				 status == 1 ? "unknown receipt or expired session" : "internal error");
}

static void api_followup_message(struct web *web, const struct http_request *request, struct http_reply *reply)
{
	const char *token = bearer_token(request);
	if (!token) {
		reply_json_error(reply, 401, "unknown receipt or expired session");
		return;
	}
	json_t *root = json_loadb(request->body ? request->body : "", request->body_len, JSON_REJECT_DUPLICATES, NULL);
	json_t *body = json_object_get(root, "body");
	const char *text = json_is_string(body) ? json_string_value(body) : NULL;
	if (!json_is_object(root) || !text || json_object_size(root) != 1 || strlen(text) != json_string_length(body)) {
		reply_json_error(reply, 400, "expected {\"body\": \"your message\"}");
	} else if (json_string_length(body) == 0 || json_string_length(body) > REPORT_MESSAGE_CAP) {
		reply_json_error(reply, 400, "field \"body\": must hold 1 to 5000 bytes");
	} else {
		int status = report_reply(web->reporting, token, text);
		if (status == 0)
			reply_json(reply, 201, json_pack("{s:b}", "stored", 1));
		else if (status == 1)
			reply_json_error(reply, 401, "unknown receipt or expired session");
		else if (status == 2)
			reply_json_error(reply, 429, "this report has reached its maximum number of messages");
		else
			reply_json_error(reply, 500, "internal error");
	}
	json_decref(root);
}

static void handle_report_api(struct web *web, const struct http_request *request, struct http_reply *reply)
{
	const char *path = request->path;
	bool is_reports = strcmp(path, "/api/v1/reports") == 0;
	bool is_followup = strcmp(path, "/api/v1/followup") == 0;
	bool is_messages = strcmp(path, "/api/v1/followup/messages") == 0;
	if (!web->reporting) {
		reply_json_error(reply, 503, "online reporting is not available here");
		return;
	}
	bool get_allowed = is_followup;
	if (request->method != HTTP_POST && !(get_allowed && (request->method == HTTP_GET || request->method == HTTP_HEAD))) {
		web_error_page(web, request, 405, reply);
		reply->allow = get_allowed ? "GET, HEAD, POST" : "POST";
		return;
	}
	if (is_followup && request->method != HTTP_POST) {
		api_followup_read(web, request, reply);
		return;
	}
	if (!is_json_request(request)) {
		web_error_page(web, request, 415, reply);
		return;
	}
	int64_t now = (int64_t)time(NULL);
	if (is_reports) {
		if (!ratelimit_check(&web->limits, request->client_tag, RATELIMIT_SUBMISSION, now, &reply->retry_after)) {
			web_error_page(web, request, 429, reply);
			return;
		}
		reply->deferred = job_submit_report;
	} else if (is_followup) {
		if (!ratelimit_check(&web->limits, request->client_tag, RATELIMIT_RECEIPT_ATTEMPT, now, &reply->retry_after)) {
			web_error_page(web, request, 429, reply);
			return;
		}
		reply->deferred = job_followup_login;
	} else if (is_messages) {
		api_followup_message(web, request, reply);
	}
}

/* ---------- dispatch ---------- */

static const char *const error_keys[][2] = {
	{"error_400_title", "error_400_text"}, {"error_404_title", "error_404_text"}, {"error_405_title", "error_405_text"},
	{"error_413_title", "error_413_text"}, {"error_414_title", "error_414_text"}, {"error_429_title", "error_429_text"},
	{"error_503_title", "error_503_text"},
};

static bool is_api_path(const char *path)
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
	for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
		const struct kb_channel *channel = kb_channel_by_id(web->kb, ids[i]);
		if (!channel)
			continue;
		json_t *item = json_pack("{s:s, s:s, s:s}", "name", channel->name[lang], "phone", channel->phone_display,
					 "tel", channel->phone_tel);
		json_t *hours = regular_hours(web, lang, &channel->hours, true);
		if (hours)
			json_object_set_new(item, "hours", hours);
		json_array_append_new(calls, item);
	}
	return calls;
}

void web_error_page(void *app, const struct http_request *request, unsigned status, struct http_reply *reply)
{
	struct web *web = app;
	static const struct {
		unsigned status;
		const char *message;
	} messages[] = {{400, "bad request"}, {404, "not found"}, {405, "method not allowed"},
			{413, "request body too large"}, {414, "URL too long"},
			{415, "Content-Type must be application/json (in UTF-8)"}, {431, "request headers too large"},
			{401, "unknown receipt or expired session"}, {429, "too many attempts from here; try again in an hour"},
			{503, "busy; try again in a minute"}, {500, "internal error"}};
	strbuf_release(&reply->body);
	reply->cached = NULL;
	if (is_api_path(request->path) || status == 415 || status == 500 || status == 401) {
		const char *message = "error";
		for (size_t i = 0; i < sizeof messages / sizeof *messages; i++) {
			if (messages[i].status == status)
				message = messages[i].message;
		}
		reply_json_error(reply, status, message);
		return;
	}
	const char *rest;
	enum kb_lang lang = web_split_language(request->path, &rest);
	size_t which = status == 400 ? 0 : status == 404 ? 1 : status == 405 ? 2 : status == 413 || status == 431 ? 3 : status == 414 ? 4
		     : status == 429 ? 5 : 6;
	if (status == 403)
		which = 0;
	json_t *context = web_page_context(web, lang, "/", NULL, error_keys[which][0], NULL);
	json_t *error = json_pack("{s:s, s:s}", "title", web_text(web, lang, error_keys[which][0]), "text",
				  web_text(web, lang, error_keys[which][1]));
	if (status == 429 || status == 503) {
		json_object_set_new(error, "calls", web_call_instead(web, lang));
		json_object_set_new(error, "has_calls", json_true());
	}
	json_object_set_new(context, "error", error);
	web_render(web, "error", context, status, reply);
}

static const struct web_cached_page *cached_page(const struct web *web, const char *path)
{
	for (size_t i = 0; i < web->page_count; i++) {
		if (strcmp(web->pages[i].path, path) == 0)
			return &web->pages[i];
	}
	return NULL;
}

static void handle_api(struct web *web, const struct http_request *request, struct http_reply *reply)
{
	const char *path = request->path;
	if (strcmp(path, "/api/v1/reports") == 0 || strcmp(path, "/api/v1/followup") == 0 ||
	    strcmp(path, "/api/v1/followup/messages") == 0) {
		handle_report_api(web, request, reply);
		return;
	}
	bool post_endpoint = strcmp(path, "/api/v1/route") == 0 || strcmp(path, "/api/v1/assess") == 0;
	bool get_endpoint = strcmp(path, "/api/v1/signals") == 0 || strcmp(path, "/api/v1/contacts") == 0 ||
			    strcmp(path, "/healthz") == 0;
	if (!post_endpoint && !get_endpoint) {
		web_error_page(web, request, 404, reply);
		return;
	}
	if (post_endpoint && request->method != HTTP_POST) {
		web_error_page(web, request, 405, reply);
		reply->allow = "POST";
		return;
	}
	if (get_endpoint && request->method != HTTP_GET && request->method != HTTP_HEAD) {
		web_error_page(web, request, 405, reply);
		reply->allow = "GET, HEAD";
		return;
	}
	if (post_endpoint && !is_json_request(request)) {
		web_error_page(web, request, 415, reply);
		return;
	}
	if (strcmp(path, "/api/v1/route") == 0)
		api_route(web, request, reply);
	else if (strcmp(path, "/api/v1/assess") == 0)
		api_assess(web, request, reply);
	else if (strcmp(path, "/api/v1/signals") == 0)
		api_signals(web, request, reply);
	else if (strcmp(path, "/api/v1/contacts") == 0)
		api_contacts(web, request, reply);
	else if (web->reporting) {
		bool healthy = true;
		json_t *health = report_health(web->reporting, &healthy);
		reply_json(reply, healthy ? 200 : 503, health);
	} else
		reply_json(reply, 200, json_pack("{s:s}", "status", "ok"));
}

void web_render_path(struct web *web, const char *path, struct http_reply *reply)
{
	const char *rest;
	enum kb_lang lang = web_split_language(path, &rest);
	if (strcmp(rest, "/") == 0)
		page_home(web, lang, reply);
	else if (strcmp(rest, "/privacy") == 0)
		page_privacy(web, lang, reply);
	else if (strcmp(rest, "/poster") == 0)
		page_poster(web, lang, reply);
	else if (strcmp(rest, "/mensenhandel") == 0)
		page_definition(web, lang, reply);
	else if (strcmp(rest, "/wis-je-sporen") == 0)
		page_traces(web, lang, reply);
	else if (strcmp(rest, "/colofon") == 0)
		page_colophon(web, lang, reply);
	else if (strcmp(rest, "/toegankelijkheid") == 0)
		page_accessibility(web, lang, reply);
	else {
		struct http_request empty = {.method = HTTP_GET, .path = path};
		page_signals(web, lang, &empty, reply);
	}
}

void web_handle(void *app, const struct http_request *request, struct http_reply *reply)
{
	struct web *web = app;
	const char *path = request->path;
	if (is_api_path(path)) {
		handle_api(web, request, reply);
		return;
	}
	{
		const char *report_rest;
		enum kb_lang report_lang = web_split_language(path, &report_rest);
		if (web->reporting && web_report_page(web, report_lang, report_rest, request, reply))
			return;
	}
	const char *rest;
	enum kb_lang lang = web_split_language(path, &rest);
	/* the guide and the signal check take their answers by POST (never in an address); a GET with a
	 * query still works, for old links */
	bool answers_page = strcmp(rest, "/wegwijzer") == 0 || strcmp(rest, "/signalen") == 0 ||
			    strcmp(rest, "/signalen/uitslag") == 0;
	if (request->method != HTTP_GET && request->method != HTTP_HEAD && !(answers_page && request->method == HTTP_POST)) {
		web_error_page(web, request, 405, reply);
		reply->allow = answers_page ? "GET, HEAD, POST" : "GET, HEAD";
		return;
	}
	if (request->method == HTTP_POST) {
		if (request->form_overflow) {
			web_error_page(web, request, 413, reply);
			return;
		}
		struct http_request posted = *request;
		posted.fields = request->form;
		posted.field_count = request->form_count;
		if (strcmp(rest, "/wegwijzer") == 0)
			page_guide(web, lang, &posted, reply);
		else if (strcmp(rest, "/signalen") == 0)
			page_signals(web, lang, &posted, reply);
		else
			page_signals_result(web, lang, &posted, reply);
		return;
	}
	if (strncmp(path, "/static/", 8) == 0) {
		for (size_t i = 0; i < web->static_count; i++) {
			const struct web_static_file *file = &web->statics[i];
			if (strcmp(file->url, path) != 0)
				continue;
			bool fresh = request->if_none_match && strstr(request->if_none_match, file->etag);
			reply->cached = fresh ? file->not_modified : file->ok;
			return;
		}
		web_error_page(web, request, 404, reply);
		return;
	}
	const struct web_cached_page *cached = request->field_count == 0 ? cached_page(web, path) : NULL;
	if (cached) {
		reply->cached = cached->page;
		return;
	}
	if (strcmp(rest, "/wegwijzer") == 0)
		page_guide(web, lang, request, reply);
	else if (strcmp(rest, "/signalen") == 0)
		page_signals(web, lang, request, reply);
	else if (strcmp(rest, "/signalen/uitslag") == 0)
		page_signals_result(web, lang, request, reply);
	else if (strcmp(rest, "/contact") == 0)
		page_contacts(web, lang, request, reply);
	else if (strcmp(rest, "/") == 0 || strcmp(rest, "/privacy") == 0 || strcmp(rest, "/poster") == 0 ||
		 strcmp(rest, "/mensenhandel") == 0 || strcmp(rest, "/wis-je-sporen") == 0 || strcmp(rest, "/colofon") == 0 ||
		 strcmp(rest, "/toegankelijkheid") == 0)
		web_render_path(web, path, reply); /* with a query string: rendered, not cached */
	else
		web_error_page(web, request, 404, reply);
}

/* ---------- start and stop ---------- */

static int cache_pages(struct web *web, char *error, size_t error_size)
{
	static const char *const paths[] = {"/", "/en/", "/en", "/privacy", "/en/privacy", "/poster", "/en/poster",
					    "/signalen", "/en/signalen", "/mensenhandel", "/en/mensenhandel",
					    "/wis-je-sporen", "/en/wis-je-sporen", "/colofon", "/en/colofon",
					    "/toegankelijkheid", "/en/toegankelijkheid"};
	if (sizeof paths / sizeof *paths > WEB_MAX_CACHED_PAGES) {
		snprintf(error, error_size, "more cached pages than WEB_MAX_CACHED_PAGES");
		return -1;
	}
	for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
		struct http_reply reply = {.status = 200};
		strbuf_init(&reply.body, PAGE_CAP);
		web_render_path(web, paths[i], &reply);
		struct web_cached_page *page = &web->pages[web->page_count];
		snprintf(page->path, sizeof page->path, "%s", paths[i]);
		page->page = reply.status == 200 ? http_cached_create(200, html_type, reply.body.buf, reply.body.len, false, NULL)
						 : NULL;
		strbuf_release(&reply.body);
		if (!page->page) {
			snprintf(error, error_size, "page %s cannot be rendered", paths[i]);
			return -1;
		}
		web->page_count++;
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
	if (load_strings(web, path, error, error_size))
		goto fail;
	snprintf(path, sizeof path, "%s/static", config->web_dir);
	if (load_statics(web, path, error, error_size) || cache_pages(web, error, error_size))
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
	texts_release(&web->texts);
	for (size_t i = 0; i < web->static_count; i++) {
		http_cached_free(web->statics[i].ok);
		http_cached_free(web->statics[i].not_modified);
	}
	for (size_t i = 0; i < web->page_count; i++)
		http_cached_free(web->pages[i].page);
	memset(web, 0, sizeof *web);
}
