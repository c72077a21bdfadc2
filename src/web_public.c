/* web_public: the pages that only show: home, what human trafficking is, contacts (with
 * live opening states), privacy, the poster, clearing your traces, colophon, accessibility. */
#define _POSIX_C_SOURCE 200809L
#include "web_modules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hours.h"
#include "qr.h"
#include "timefmt.h"

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

void web_page_home(struct web *web, enum kb_lang lang, const struct http_request *request, struct http_reply *reply)
{
	(void)request; /* rendered once at start (web.c) */
	json_t *context = web_page_context(web, lang, "/", NULL, "nav_home", "home");
	json_object_set_new(context, "reporting", json_boolean(web->reporting != NULL));
	web_render(web, "home", context, 200, reply);
}

void web_page_definition(struct web *web, enum kb_lang lang, const struct http_request *request, struct http_reply *reply)
{
	(void)request; /* rendered once at start (web.c) */
	web_render(web, "trafficking",
		   web_page_context(web, lang, "/mensenhandel", NULL, "definition_title", "definition"), 200, reply);
}

/* The day the accessibility statement was written (the model asks for it). */
#define ACCESSIBILITY_STATEMENT_DAY "2026-11-30"

void web_page_accessibility(struct web *web, enum kb_lang lang, const struct http_request *request, struct http_reply *reply)
{
	(void)request; /* rendered once at start (web.c) */
	json_t *context = web_page_context(web, lang, "/toegankelijkheid", NULL, "a11y_title", "accessibility");
	char day[80], text[200];
	web_day_in_words(web, lang, ACCESSIBILITY_STATEMENT_DAY, true, web_now(web, NULL), day, sizeof day);
	web_fill_in(web_text(web, lang, "a11y_date"), "{date}", day, text, sizeof text);
	json_t *page = json_pack("{s:s}", "date", text);
	if (web_poster_url_is_public(web->config))
		json_object_set_new(page, "address", json_string(web->config->public_base_url));
	json_object_set_new(context, "page", page);
	web_render(web, "accessibility", context, 200, reply);
}

void web_page_colophon(struct web *web, enum kb_lang lang, const struct http_request *request, struct http_reply *reply)
{
	(void)request; /* rendered once at start (web.c) */
	json_t *context = web_page_context(web, lang, "/colofon", NULL, "colophon_title", "colophon");
	json_object_set_new(context, "reporting", json_boolean(web->reporting != NULL));
	web_render(web, "colophon", context, 200, reply);
}

void web_page_traces(struct web *web, enum kb_lang lang, const struct http_request *request, struct http_reply *reply)
{
	(void)request; /* rendered once at start (web.c) */
	web_render(web, "traces", web_page_context(web, lang, "/wis-je-sporen", NULL, "traces_title", "traces"), 200, reply);
}

void web_page_privacy(struct web *web, enum kb_lang lang, const struct http_request *request, struct http_reply *reply)
{
	(void)request; /* rendered once at start (web.c) */
	json_t *context = web_page_context(web, lang, "/privacy", NULL, "privacy_title", "privacy");
	json_object_set_new(context, "site", web_site_context(web, lang));
	json_object_set_new(context, "reporting", json_boolean(web->reporting != NULL));
	web_render(web, "privacy", context, 200, reply);
}

static json_t *channels_for_page(struct web *web, enum kb_lang lang, int64_t now)
{
	json_t *list = json_array();
	for (size_t i = 0; list && i < web->kb->channel_count; i++) {
		const struct kb_channel *channel = &web->kb->channels[i];
		struct channel_state state = hours_state_at(&channel->hours, now);
		char hours_text[400];
		route_describe_state(&web->texts, channel, state, now, lang, hours_text, sizeof hours_text);
		json_t *item = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b}", "id", channel->id, "name",
					 channel->name[lang], "phone", channel->phone_display, "tel", channel->phone_tel,
					 "purpose", channel->purpose[lang], "hours", hours_text, "rotterdam",
					 channel->rotterdam_region_only, "emergency", strcmp(channel->id, "112") == 0);
		bool built = item != NULL;
		if (built && channel->url)
			built = json_object_set_new(item, "url", json_string(channel->url)) == 0;
		if (built && channel->anonymity[lang])
			built = json_object_set_new(item, "anonymity", json_string(channel->anonymity[lang])) == 0;
		if (built && channel->cost[lang])
			built = json_object_set_new(item, "cost", json_string(channel->cost[lang])) == 0;
		built = built && web_add_channel_facts(web, lang, channel, now != 0, item) == 0;
		if (!built || json_array_append_new(list, built ? item : NULL) != 0) {
			if (!built)
				json_decref(item);
			json_decref(list); /* a list without one of its channels is never shown */
			list = NULL;
		}
	}
	return list;
}

void web_page_contacts(struct web *web, enum kb_lang lang, const struct http_request *request,
			  struct http_reply *reply)
{
	/* the page depends on the language and the opening states, which hold for a whole minute (page_cache.h);
	 * the query is not read */
	int64_t now = web_now(web, request);
	char key[32];
	size_t key_len = (size_t)snprintf(key, sizeof key, "contact|%s", kb_lang_id(lang));
	if (web_cached_reply(web, key, key_len, now, reply))
		return;
	json_t *context = web_page_context(web, lang, "/contact", NULL, "contacts_title", "contacts");
	context = web_must_set(context, context, "channels", channels_for_page(web, lang, now));
	json_object_set_new(context, "reporting", json_boolean(web->reporting != NULL));
	web_render(web, "contacts", context, 200, reply);
	web_cache_reply(web, key, key_len, now, reply);
}

/* An address as people type it: without "https://" (printed under a QR code). */
static const char *without_scheme(const char *url)
{
	const char *rest = strstr(url, "://");
	return rest ? rest + 3 : url;
}

/* The A4 poster. Its QR codes and addresses lead to [server] public_base_url; when that cannot be reached
 * from outside (unset, loopback, a private address) it prints none and says why on the screen. */
void web_page_poster(struct web *web, enum kb_lang lang, const struct http_request *request, struct http_reply *reply)
{
	(void)request; /* rendered once at start (web.c) */
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
	context = web_must_set(context, context, "channels", channels);
	web_render(web, "poster", context, 200, reply);
}
